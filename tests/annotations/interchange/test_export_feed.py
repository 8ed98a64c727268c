"""The export feed: chunked reads whose query count does not grow with the tags."""

import re

import pytest

from annotations.interchange import export_feed, records
from annotations.models import Annotation, Label, Relation
from tests.annotations.interchange.files import body, csv_rows


def many_tags(article, user, count):
    """``count`` one-word tags, claims and sources in turn, each claim linked to the next."""
    claim, source = (
        Label.objects.get(codebook__is_default=True, category=c) for c in ("claim", "source")
    )
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", article.text)][:count]
    assert len(words) == count
    made = Annotation.objects.bulk_create(
        Annotation(
            article=article,
            owner=user,
            label=claim if n % 2 == 0 else source,
            start=s,
            end=e,
            quote=article.text[s:e],
        )
        for n, (s, e) in enumerate(words)
    )
    Relation.objects.bulk_create(
        Relation(from_annotation=a, to_annotation=b)
        for a, b in zip(made[::2], made[1::2], strict=False)
    )


@pytest.mark.parametrize("fmt", list(records.FORMATS))
def test_its_queries_stay_flat_from_10_to_200_tags(
    fmt, alice, alice_client, article, other_article, claim_label, django_assert_max_num_queries
):
    many_tags(article, alice, 10)
    many_tags(other_article, alice, 10)
    url = f"/export/?format={fmt}"
    with django_assert_max_num_queries(12) as small:
        body(alice_client.get(url))
    Annotation.objects.all().delete()
    many_tags(article, alice, 200)
    many_tags(other_article, alice, 11)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        data = body(alice_client.get(url))
    assert len(large.captured_queries) == len(small.captured_queries)
    if fmt == "csv":
        assert len(csv_rows(data)) == 211


def test_it_reads_articles_and_tags_in_chunks(
    monkeypatch, alice, article, other_article, claim_label
):
    """Pages of one article and chunks of 3 tags give the same export as one read."""
    many_tags(article, alice, 7)
    scope = export_feed.scope_for(alice)
    chosen = export_feed.selection(scope, type(article).objects.all())
    whole = "".join(export_feed.stream("csv", chosen))
    monkeypatch.setattr(export_feed, "ARTICLE_CHUNK", 1)
    monkeypatch.setattr(export_feed, "TAG_CHUNK", 3)
    assert "".join(export_feed.stream("csv", chosen)) == whole
    assert len(whole.splitlines()) == 8
    groups = list(export_feed.groups(chosen, export_feed.labels_of(chosen.tags)))
    # other_article (older id first) has no tags: alice's empty group, then her 7 tags
    assert [(g.article.id, g.annotator, len(g.tags)) for g in groups] == [
        (article.pk, "alice", 7),
        (other_article.pk, "alice", 0),
    ]
