"""The import page."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Annotation, Label
from newsdesk.models import Article
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE

pytestmark = pytest.mark.django_db


URL = reverse("annotations:tags-import")


def ann_for(text, *phrases):
    lines = []
    for n, (label, phrase) in enumerate(phrases, start=1):
        start = text.index(phrase)
        lines.append(f"T{n}\t{label} {start} {start + len(phrase)}\t{phrase}")
    return ("\n".join(lines) + "\n").encode()


def test_it_shows_the_form_linked_from_the_article_list(alice_client, codebook):
    assert URL in alice_client.get(reverse("newsdesk:article-list")).content.decode()
    page = alice_client.get(URL).content.decode()
    assert "<h1>Import tags</h1>" in page
    assert f'<option value="{codebook.pk}" selected>' in page


def test_it_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_it_refuses_other_methods(alice_client):
    assert alice_client.put(URL).status_code == 405


def test_it_imports_a_brat_pair_and_shows_the_summary(alice_client, alice, article, codebook):
    text = article.text
    files = [
        SimpleUploadedFile("wire.txt", text.encode()),
        SimpleUploadedFile(
            "wire.ann", ann_for(text, ("Source", SOURCE_QUOTE), ("Claim", CLAIM_QUOTE))
        ),
    ]
    response = alice_client.post(URL, {"files": files, "codebook": codebook.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>wire.ann</strong>:" in page and "2 tags added" in page
    assert "1 existing article" in page
    assert reverse("annotations:workbench", args=[article.pk]) in page
    assert Annotation.objects.for_user(alice).count() == 2


def test_an_htmx_post_gets_only_the_import_area(alice_client, article, codebook):
    text = article.text
    files = [
        SimpleUploadedFile("w.txt", text.encode()),
        SimpleUploadedFile("w.ann", ann_for(text, ("Claim", CLAIM_QUOTE))),
    ]
    response = alice_client.post(
        URL, {"files": files, "codebook": codebook.pk}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="import-area">') and "<h1>" not in page
    assert "1 tag added" in page


def test_it_shows_refusals_with_their_line_and_saves_nothing(alice_client, article, codebook):
    text = article.text
    files = [
        SimpleUploadedFile("w.txt", text.encode()),
        SimpleUploadedFile(
            "w.ann",
            ann_for(text, ("Claim", CLAIM_QUOTE), ("Quote", "Hamas"), ("Speaker", "Mossad")),
        ),
    ]
    page = alice_client.post(URL, {"files": files, "codebook": codebook.pk}).content.decode()
    assert "w.ann: 2 labels are not in the codebook “News”: Quote, Speaker." in page
    assert not Annotation.objects.exists()


def test_it_creates_labels_on_request_and_uses_a_named_article_for_w3c(
    staff_client, article, codebook
):
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "id": "https://tool.example/a/1",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "Hedge"},
        "target": {
            "source": "https://tool.example/doc",
            "selector": {"type": "TextQuoteSelector", "exact": "Zionist regime"},
        },
    }
    upload = SimpleUploadedFile("a.json", json.dumps(item).encode())
    page = staff_client.post(
        URL,
        {
            "files": [upload],
            "codebook": codebook.pk,
            "create_labels": "framing",
            "article": article.pk,
        },
    )
    assert "New labels: Hedge." in page.content.decode()
    tag = Annotation.objects.get()
    assert (tag.article, tag.label.category, tag.quote) == (article, "framing", "Zionist regime")


def test_it_refuses_a_missing_article_number_and_no_files(alice_client, codebook):
    page = alice_client.post(URL, {"codebook": codebook.pk, "article": 999}).content.decode()
    assert "Choose at least one file." in page and "There is no article number 999." in page


def test_an_upload_over_the_limit_is_refused_by_its_size(alice_client, codebook, settings):
    settings.NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES = 1000
    upload = SimpleUploadedFile("big.jsonl", b'{"text": "' + b"x" * 5000 + b'"}')
    page = alice_client.post(URL, {"files": [upload], "codebook": codebook.pk}).content.decode()
    assert "big.jsonl is 4.9\xa0KB; the limit is 1000\xa0bytes." in page
    assert not Article.objects.exists()


def test_the_result_page_queries_stay_flat_with_many_tags(
    alice_client, article, codebook, django_assert_max_num_queries
):
    text = article.text
    spans, start = [], 0
    for word in text.split()[:300]:
        start = text.index(word, start)
        if word.isalpha():
            spans.append([start, start + len(word), "Claim"])
        start += len(word)
    line = json.dumps({"text": text, "label": spans})
    upload = SimpleUploadedFile("many.jsonl", line.encode())
    with django_assert_max_num_queries(20):
        page = alice_client.post(URL, {"files": [upload], "codebook": codebook.pk})
    assert Annotation.objects.count() == len(set(map(tuple, spans))) > 200
    assert f"{Annotation.objects.count()} tags added" in page.content.decode()


def test_an_annotator_is_not_offered_to_create_labels(alice_client, staff_client, codebook):
    assert 'name="create_labels"' not in alice_client.get(URL).content.decode()
    assert 'name="create_labels"' in staff_client.get(URL).content.decode()


def test_an_annotator_asking_to_create_labels_is_refused_with_the_list(
    alice_client, article, codebook
):
    text = article.text
    files = [
        SimpleUploadedFile("w.txt", text.encode()),
        SimpleUploadedFile("w.ann", ann_for(text, ("Claim", CLAIM_QUOTE), ("Hedge", "Hamas"))),
    ]
    labels = set(Label.objects.values_list("pk", flat=True))
    page = alice_client.post(
        URL, {"files": files, "codebook": codebook.pk, "create_labels": "framing"}
    ).content.decode()
    assert "w.ann: 1 label is not in the codebook “News”: Hedge. Only staff add labels" in page
    assert set(Label.objects.values_list("pk", flat=True)) == labels
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("from_folders, owner", [(False, "editor"), (True, "bob")])
def test_a_zips_folders_name_the_annotators_only_when_asked(
    staff_client, bob, article, codebook, from_folders, owner
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("bob/1.txt", article.text)
        zf.writestr("bob/1.ann", ann_for(article.text, ("Claim", CLAIM_QUOTE)))
        zf.writestr("bob/annotation.conf", "[entities]\nClaim\n")
    data = {"files": [SimpleUploadedFile("export.zip", buffer.getvalue())], "codebook": codebook.pk}
    if from_folders:
        data["folder_annotators"] = "on"
    page = staff_client.post(URL, data).content.decode()
    assert "<strong>export.zip/bob/annotation.conf</strong>: skipped (brat configuration)." in page
    assert 'class="refused"' not in page
    assert Annotation.objects.get().owner.username == owner


def test_a_label_name_too_long_is_refused_on_the_page_each_time(staff_client, codebook):
    line = {"text": "Rain fell on Paris.", "label": [[0, 4, "x" * 101]]}
    for _ in range(2):
        upload = SimpleUploadedFile("long.jsonl", json.dumps(line).encode())
        response = staff_client.post(
            URL, {"files": [upload], "codebook": codebook.pk, "create_labels": "framing"}
        )
        assert response.status_code == 200
        assert "long.jsonl, line 1, label 1: the label “xxx" in response.content.decode()
    assert not Article.objects.exists() and not codebook.labels.filter(name__startswith="x")


def label_studio_file(text, phrase, label, **annotation):
    start = text.index(phrase)
    region = {
        "id": "r1",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(phrase), "text": phrase, "labels": [label]},
    }
    tasks = [{"id": 1, "data": {"text": text}, "annotations": [{**annotation, "result": [region]}]}]
    return SimpleUploadedFile("project-1.json", json.dumps(tasks).encode())


@pytest.mark.parametrize(("completed_by", "owner"), [(True, "bob"), (False, "editor")])
def test_label_studio_completed_by_names_the_annotators_only_when_asked(
    staff_client, bob, codebook, completed_by, owner
):
    text = "Officials agreed to a truce in Cairo."
    upload = label_studio_file(text, "Officials agreed", "Claim", completed_by={"username": "bob"})
    data = {"files": [upload], "codebook": codebook.pk}
    if completed_by:
        data["completed_by"] = "on"
    page = staff_client.post(URL, data).content.decode()
    assert 'class="refused"' not in page, page
    assert Annotation.objects.get().owner.username == owner


def test_an_annotator_naming_another_by_completed_by_is_refused(alice_client, bob, codebook):
    text = "Officials agreed to a truce in Cairo."
    upload = label_studio_file(text, "Officials agreed", "Claim", completed_by={"username": "bob"})
    data = {"files": [upload], "codebook": codebook.pk, "completed_by": "on"}
    page = alice_client.post(URL, data).content.decode()
    assert 'class="refused"' in page and "bob" in page
    assert not Annotation.objects.exists() and not Article.objects.exists()


def test_the_language_field_sets_the_articles_the_import_creates(alice_client, codebook):
    line = {"text": "Llovió en París.", "language": "fr", "label": [[0, 6, "Claim"]]}
    data = {
        "files": [SimpleUploadedFile("es.jsonl", json.dumps(line).encode())],
        "codebook": codebook.pk,
        "language": "es",
    }
    page = alice_client.post(URL, data).content.decode()
    assert 'class="ok"' in page, page
    assert Article.objects.get().language == "es"  # the form wins over the file's "fr"


def test_a_bad_language_code_is_refused_on_the_form(alice_client, codebook):
    line = {"text": "Rain fell.", "label": [[0, 4, "Claim"]]}
    data = {
        "files": [SimpleUploadedFile("x.jsonl", json.dumps(line).encode())],
        "codebook": codebook.pk,
        "language": "not a code",
    }
    response = alice_client.post(URL, data)
    assert "Give a language code such as en, es or pt-BR." in response.content.decode()
    assert not Article.objects.exists() and not Annotation.objects.exists()
