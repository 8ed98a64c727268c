from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SAMPLE_ARTICLE = SAMPLES / "cairo-talks-2024-02-13.txt"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run in the test process, at enqueue time (on commit), with the real code."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def sample_text() -> str:
    if not SAMPLE_ARTICLE.exists():
        pytest.fail(f"The sample article is missing: {SAMPLE_ARTICLE}")
    return SAMPLE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-password-1")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-password-1")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "editor", password="editor-password-1", is_staff=True, is_superuser=True
    )


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client
