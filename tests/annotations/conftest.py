import pytest
from django.test import Client

from annotations import services
from annotations.models import Category, Codebook, Label
from newsdesk import ingestion

SOURCE_QUOTE = "A senior Egyptian security source, who requested anonymity"
CLAIM_QUOTE = "killed 1,200 people"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The named users are created with passwords; a fast hasher keeps setup quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def article(alice, sample_text):
    """The EFE wire article, uploaded by alice. NER is not run: no entities."""
    return ingestion.article_ingest(text=sample_text, user=alice, outlet="EFE")


@pytest.fixture
def other_article(alice):
    return ingestion.article_ingest(
        text="Abbas Kamel met officials in Cairo. A source said talks went well.", user=alice
    )


@pytest.fixture
def codebook(db):
    return Codebook.objects.get(is_default=True)


@pytest.fixture
def claim_label(codebook):
    return codebook.labels.get(category=Category.CLAIM)


@pytest.fixture
def source_label(codebook):
    return codebook.labels.get(category=Category.SOURCE)


@pytest.fixture
def framing_label(codebook):
    return codebook.labels.get(category=Category.FRAMING)


@pytest.fixture
def official_label(codebook):
    """A second source label that shares the ``identification`` attribute with Source."""
    return Label.objects.create(
        codebook=codebook,
        category=Category.SOURCE,
        name="Official source",
        colour="#123456",
        shortcut="o",
        position=9,
        attribute_schema=[
            {
                "name": "identification",
                "kind": "choice",
                "values": ["named", "partially identified", "anonymous"],
            },
            {"name": "office", "kind": "text"},
        ],
    )


@pytest.fixture
def tag():
    """Tag the first (or ``nth``) occurrence of ``phrase`` in the article, as the user."""

    def make(article, user, label, phrase, *, nth=0, **kwargs):
        start = -1
        for _ in range(nth + 1):
            start = article.text.index(phrase, start + 1)
        return services.annotation_create(
            article=article,
            user=user,
            label=label,
            start=start,
            end=start + len(phrase),
            quote=phrase,
            **kwargs,
        )

    return make


@pytest.fixture
def source_tag(tag, article, alice, source_label):
    return tag(article, alice, source_label, SOURCE_QUOTE)


@pytest.fixture
def claim_tag(tag, article, alice, claim_label):
    return tag(article, alice, claim_label, CLAIM_QUOTE)


@pytest.fixture
def link(claim_tag, source_tag):
    return services.relation_create(from_annotation=claim_tag, to_annotation=source_tag)


@pytest.fixture
def bob_client(bob):
    """A client of its own, so that a test can hold alice's and bob's at once."""
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def bobs_tag(tag, article, bob, framing_label):
    return tag(article, bob, framing_label, "the terrorists")
