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


@pytest.fixture
def team(db):
    """Puts articles and users into a project: ``team(article, alice=..., bob=...)`` with
    roles "annotator" (the default for True), "reviewer" or "manager"; returns the project.
    Further calls with the same name add to the same project."""
    from annotations.models import Codebook, Project, ProjectArticle, ProjectMember

    def make(*articles, name="Cairo team", blind=True, allow_unassigned=True, **members):
        project, _ = Project.objects.get_or_create(
            name=name,
            defaults={
                "codebook": Codebook.objects.get(is_default=True),
                "blind": blind,
                "allow_unassigned": allow_unassigned,
            },
        )
        for article in articles:
            ProjectArticle.objects.get_or_create(project=project, article=article)
        for username, role in members.items():
            user = _user(username)
            ProjectMember.objects.update_or_create(
                project=project,
                user=user,
                defaults={"role": "annotator" if role is True else role},
            )
        return project

    return make


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
