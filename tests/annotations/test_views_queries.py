"""Query counts do not grow with the number of tags."""

import json
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import spans, views
from annotations.benchmarks import corpus as synthetic
from annotations.models import Annotation, Category, Label, Relation

from .conftest import CLAIM_QUOTE
from .pages import (
    HTMX,
    create_data,
    drawn,
    row_ids,
    tag_ids_in_text,
    url,
)

pytestmark = pytest.mark.django_db


# Query counts do not grow with the number of tags


def bulk_tags(
    article, owner, labels: list[Label], count: int, *, skip: int = 0
) -> list[Annotation]:
    """``count`` one-word tags spread over the whole text, cycling through the labels,
    each claim attributed to the source just before it."""
    words = list(re.finditer(r"\w+", article.text))
    # One fixed spacing, so that calls with different ``skip`` never pick the same word.
    step = len(words) // 250
    picked = [words[i * step] for i in range(skip, count + skip)]
    text = article.text
    tags = []
    for n, word in enumerate(picked):
        prefix, suffix = spans.context(text, word.start(), word.end())
        tags.append(
            Annotation(
                article=article,
                owner=owner,
                label=labels[n % len(labels)],
                start=word.start(),
                end=word.end(),
                quote=word.group(),
                prefix=prefix,
                suffix=suffix,
            )
        )
    Annotation.objects.bulk_create(tags)
    tags = list(
        Annotation.objects.filter(owner=owner, pk__in=[t.pk for t in tags]).order_by("start")
    )
    relations, last_source = [], None
    for t in tags:
        if t.label.category == Category.SOURCE:
            last_source = t
        elif t.label.category == Category.CLAIM and last_source:
            relations.append(Relation(from_annotation=t, to_annotation=last_source))
    Relation.objects.bulk_create(relations)
    return tags


@pytest.fixture
def labels(claim_label, source_label, framing_label):
    return [claim_label, source_label, framing_label]


def count_queries(request) -> tuple:
    with CaptureQueriesContext(connection) as context:
        response = request()
    return response, context.captured_queries


def test_the_workbench_issues_as_many_queries_for_200_tags_as_for_10(
    alice_client, article, alice, bob, labels, django_assert_num_queries, monkeypatch
):
    # Every tag in the sidebar's first page, so that each row's links are read too.
    monkeypatch.setattr(views, "TAG_ROWS_PAGE", 100)
    bulk_tags(article, bob, labels, 50)  # someone else's tags are never read
    bulk_tags(article, alice, labels, 10)
    page = url("workbench", article.pk)
    alice_client.get(page)  # warm up: session, caches
    response, ten = count_queries(lambda: alice_client.get(page))
    assert len(row_ids(response.content.decode())) == 10

    Annotation.objects.filter(owner=alice).delete()
    bulk_tags(article, alice, labels, 200)
    with django_assert_num_queries(len(ten)):
        response = alice_client.get(page)
    content = drawn(response)
    assert len(row_ids(content)) == 200
    assert len(tag_ids_in_text(content)) == 200
    assert (
        content.count("→ attributed to")
        == Relation.objects.filter(from_annotation__owner=alice).count()
        > 50
    )


def test_a_reviewers_view_of_a_layer_issues_as_many_queries_for_200_tags_as_for_10(
    staff_client, article, alice, labels, django_assert_num_queries, monkeypatch
):
    # Every tag in the sidebar's first page, so that each row's links are read too.
    monkeypatch.setattr(views, "TAG_ROWS_PAGE", 100)
    bulk_tags(article, alice, labels, 10)
    page = url("workbench", article.pk) + f"?layer={alice.pk}"
    staff_client.get(page)
    _, ten = count_queries(lambda: staff_client.get(page))
    bulk_tags(article, alice, labels, 190, skip=10)
    with django_assert_num_queries(len(ten)):
        response = staff_client.get(page)
    assert len(row_ids(response.content.decode())) == 200


def test_creating_a_tag_issues_as_many_queries_with_200_tags_as_with_10(
    alice_client, article, alice, labels, claim_label, source_tag, django_assert_num_queries
):
    bulk_tags(article, alice, labels, 10)
    create = url("annotation-create", article.pk)
    alice_client.get(url("workbench", article.pk))  # warm up
    response, ten = count_queries(
        lambda: alice_client.post(create, create_data(article, claim_label, CLAIM_QUOTE))
    )
    assert response.status_code == 201

    bulk_tags(article, alice, labels, 190, skip=10)
    # One less: the next row of its category is now among the tags of its blocks.
    with django_assert_num_queries(len(ten) - 1):
        response = alice_client.post(
            create, create_data(article, claim_label, "two or three months without fighting")
        )
    assert response.status_code == 201
    assert Annotation.objects.for_user(alice).count() == 10 + 190 + 3


def request_on_corpus(client, corpus, path: str):
    article = corpus.article
    if path == "workbench":
        return client.get(reverse("annotations:workbench", args=[article.pk]))
    start, end = synthetic.random_span(random.Random(1), article.text)
    claim = next(label for label in corpus.labels if label.category == "claim")
    return client.post(
        reverse("annotations:annotation-create", args=[article.pk]),
        {"label": claim.pk, "start": start, "end": end, "quote": article.text[start:end]},
        headers=HTMX,
    )


@pytest.mark.parametrize("path", ["workbench", "create"])
def test_query_counts_are_the_same_for_10_and_1000_tags(client, path):
    counts = []
    for tags in (10, 1_000):
        corpus = synthetic.build(length=20_000, tags=tags, other_tags=tags, seed=tags)
        client.force_login(corpus.user)
        client.get(reverse("annotations:workbench", args=[corpus.article.pk]))  # warm up
        response, queries = count_queries(lambda c=corpus: request_on_corpus(client, c, path))
        assert response.status_code in (200, 201), response.content
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Each write reads only what its answer shows: fixed counts, the same bound for 10 and 200
# tags (session and user included). Create asks whether the article is in a project (who
# may code it); a claim's note asks whether it is linked (its "attributed" is derived);
# deleting a source finds the claims attributed to it, in a savepoint with the write. A
# write that inserts a sidebar row (create, relabel, undo) asks which row follows it, one
# query less when a later tag of its category is in the blocks its answer reads anyway.
WRITE_QUERIES = {"create": 14, "note": 7, "relabel": 15, "delete": 13, "undo": 15}
NEXT_ROW_FOUND_NEARBY = {"create": 13, "note": 7, "relabel": 14, "delete": 13, "undo": 14}


def write_queries(client, article, claim_label, source_label) -> dict[str, int]:
    counts = {}
    phrase = "two or three months without fighting"
    response, queries = count_queries(
        lambda: client.post(
            url("annotation-create", article.pk),
            create_data(article, claim_label, phrase),
            headers=HTMX,
        )
    )
    assert response.status_code == 201, response.content
    counts["create"] = len(queries)
    saved = json.loads(response["HX-Trigger"])["tag-saved"]
    pk, version = saved["id"], saved["version"]
    steps = [
        ("note", "annotation-update", {"label": claim_label.pk, "attributes": "1", "note": "n"}),
        ("relabel", "annotation-update", {"label": source_label.pk, "attributes": "1"}),
        ("delete", "annotation-delete", {}),
        ("undo", "annotation-restore", {}),
    ]
    for name, view, data in steps:
        response, queries = count_queries(
            lambda v=view, d={**data, "version": version}: client.post(url(v, pk), d, headers=HTMX)
        )
        assert response.status_code == 200, (name, response.content)
        version = json.loads(response["HX-Trigger"])["tag-saved"]["version"]
        counts[name] = len(queries)
    tag = Annotation.objects.get(pk=pk)
    assert (tag.label, tag.note, tag.deleted_at, tag.version) == (source_label, "n", None, 5)
    return counts


@pytest.mark.parametrize("existing", [10, 200])
def test_every_write_reads_a_fixed_number_of_queries_whatever_the_tags(
    alice_client, article, alice, labels, claim_label, source_label, existing
):
    bulk_tags(article, alice, labels, existing)
    alice_client.get(url("workbench", article.pk))  # warm up: session, caches
    expected = WRITE_QUERIES if existing == 10 else NEXT_ROW_FOUND_NEARBY
    assert write_queries(alice_client, article, claim_label, source_label) == expected


def test_a_note_alone_answers_with_its_new_version_and_no_fragment_of_the_tag(
    alice_client, source_tag
):
    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"label": source_tag.label_id, "note": "checked", "version": source_tag.version},
        headers=HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "tag-row" not in content and "blk-" not in content and "editor" not in content
    assert "tag-info" not in content  # the hover shows no note
    assert json.loads(response["HX-Trigger"])["tag-saved"]["version"] == 2
    source_tag.refresh_from_db()
    assert source_tag.note == "checked"


def test_a_linked_tag_relabelled_or_restored_answers_with_its_links(
    alice_client, article, claim_tag, source_tag, link, official_label
):
    """Only a tag known to have no links skips reading them: a linked one's row still
    lists its links after a relabel (the link fits the new label) and after an undo."""
    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"label": official_label.pk, "version": source_tag.version},
        headers=HTMX,
    )
    assert response.status_code == 200
    row = re.search(rf'<li id="tag-row-{source_tag.pk}".*?</li></ul></li>', response.text, re.S)
    assert row and f'data-tag-open="{claim_tag.pk}"' in row.group(0)
    assert Relation.objects.filter(pk=link.pk).exists()
    claim_tag.refresh_from_db()
    response = alice_client.post(
        url("annotation-delete", claim_tag.pk), {"version": claim_tag.version}, headers=HTMX
    )
    version = json.loads(response["HX-Trigger"])["tag-saved"]["version"]
    response = alice_client.post(
        url("annotation-restore", claim_tag.pk), {"version": version}, headers=HTMX
    )
    assert response.status_code == 200
    row = re.search(rf'<li id="tag-row-{claim_tag.pk}".*?</li></ul></li>', response.text, re.S)
    assert row and f'data-tag-open="{source_tag.pk}"' in row.group(0)
