"""Several codebooks: an article is coded under one, the default unless the admin says."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, ArticleCodebook, Category, Codebook, Label, Suggestion

from .conftest import SOURCE_QUOTE

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    codebook = Codebook.objects.create(name="Pilot study")
    Label.objects.create(
        codebook=codebook,
        category=Category.SOURCE,
        name="Speaker",
        colour="#225588",
        shortcut="p",
        attribute_schema=[{"name": "identification", "kind": "choice", "values": ["anonymous"]}],
    )
    return codebook


def test_the_workbench_offers_the_articles_codebook(alice_client, article, pilot):
    ArticleCodebook.objects.create(article=article, codebook=pilot)
    html = alice_client.get(reverse("annotations:workbench", args=[article.pk])).content.decode()
    assert '<span class="chip-name">Speaker</span>' in html
    assert '<span class="chip-name">Claim</span>' not in html


def test_a_label_of_another_codebook_is_refused_and_nothing_saved(
    alice_client, article, pilot, source_label
):
    ArticleCodebook.objects.create(article=article, codebook=pilot)
    start = article.text.index(SOURCE_QUOTE)
    data = {"start": start, "end": start + len(SOURCE_QUOTE), "quote": SOURCE_QUOTE}
    url = reverse("annotations:annotation-create", args=[article.pk])
    refused = alice_client.post(url, {**data, "label": source_label.pk})
    assert refused.status_code == 400
    assert not Annotation.objects.exists()
    speaker = pilot.labels.get()
    assert alice_client.post(url, {**data, "label": speaker.pk}).status_code == 201
    assert Annotation.objects.get().label == speaker


def test_an_accepted_suggestion_takes_the_articles_codebook_label(alice, article, pilot):
    ArticleCodebook.objects.create(article=article, codebook=pilot)
    suggestion = Suggestion.objects.create(
        article=article,
        category=Category.SOURCE,
        start=article.text.index(SOURCE_QUOTE),
        end=article.text.index(SOURCE_QUOTE) + len(SOURCE_QUOTE),
        quote=SOURCE_QUOTE,
        attributes={"identification": "anonymous", "cue": "told"},
    )
    tag = services.suggestion_accept(suggestion=suggestion, user=alice)
    assert tag.label.name == "Speaker"
    assert tag.attributes == {"identification": "anonymous"}  # cue is not in this schema


def admin_post(client, article, codebook):
    return client.post(
        reverse("admin:annotations_articlecodebook_add"),
        {"article": article.pk, "codebook": codebook.pk},
    )


def test_the_admin_refuses_a_codebook_that_would_strand_tags(
    staff_client, article, pilot, source_tag
):
    response = admin_post(staff_client, article, pilot)
    assert response.status_code == 200
    assert "1 tag on this article use labels of another codebook than “Pilot study”" in (
        response.content.decode()
    )
    assert not ArticleCodebook.objects.exists()


def test_the_admin_codes_an_untagged_article_under_another_codebook(staff_client, article, pilot):
    response = admin_post(staff_client, article, pilot)
    assert response.status_code == 302
    assert ArticleCodebook.objects.get().codebook == pilot


# Imports respect the article's codebook


def brat_upload(text, lines):
    return [Upload("a.txt", text.encode()), Upload("a.ann", ("\n".join(lines) + "\n").encode())]


def run_import(uploads, user, codebook, **kwargs):
    return import_uploads(uploads=uploads, options=Options(user, codebook, **kwargs))


def test_a_staff_import_under_another_codebook_codes_new_articles_under_it(staff, pilot):
    text = "A source said the talks were over."
    (result,) = [
        r
        for r in run_import(brat_upload(text, ["T1\tSpeaker 0 8\tA source"]), staff, pilot)
        if r.name.endswith(".ann")
    ]
    assert result.ok, result.error
    article = result.articles[0]
    assert ArticleCodebook.objects.get(article=article).codebook == pilot
    assert Annotation.objects.get().label.codebook == pilot


def test_an_import_under_the_wrong_codebook_is_refused_and_changes_nothing(
    alice, article, pilot, codebook, source_tag
):
    start = article.text.index(SOURCE_QUOTE)
    line = f"T1\tSpeaker {start} {start + len(SOURCE_QUOTE)}\t{SOURCE_QUOTE}"
    results = run_import(brat_upload(article.text, [line]), alice, pilot)
    (refused,) = [r for r in results if r.name.endswith(".ann")]
    assert "has tags made under another codebook than “Pilot study”" in refused.error
    assert not ArticleCodebook.objects.exists()
    assert list(Annotation.objects.all()) == [source_tag]
    ArticleCodebook.objects.create(article=Annotation.objects.get().article, codebook=codebook)
    again = run_import(brat_upload(article.text, [line]), alice, pilot)
    assert (
        "is coded under the codebook “News”, not “Pilot study”"
        in [r for r in again if r.name.endswith(".ann")][0].error
    )
