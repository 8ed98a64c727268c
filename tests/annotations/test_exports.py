"""Exports: each format's content on a small known set, who is in it, and its cost."""

import csv
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime

import pytest

from annotations import export_feed, exports, services
from annotations.models import Annotation, Label, Relation
from newsdesk import ingestion
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE

EMOJI_TEXT = "Crowds 👋🏽 cheered 🙂 as Ana Ruiz said the 🇪🇸 team “won”.\n\nOfficials agreed."
MOMENT = datetime(2024, 2, 13, 10, 30, 5, tzinfo=UTC)


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def brat(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def export_url(article, fmt, **params):
    query = "&".join(f"{k}={v}" for k, v in {"format": fmt, **params}.items())
    return f"/articles/{article.pk}/export/?{query}"


# The pure writers ----------------------------------------------------------------------

SCHEMA = [
    {"name": "identification", "kind": "choice", "values": ["named", "anonymous"]},
    {"name": "roles", "kind": "multi", "values": ["press office", "military"]},
    {"name": "verified", "kind": "bool"},
    {"name": "office", "kind": "text"},
]


def known_groups() -> list[exports.Group]:
    article = exports.ArticleRecord(
        id=7,
        title="Talks, “in Cairo”",
        outlet="EFE",
        published_on=date(2024, 2, 13),
        text=EMOJI_TEXT,
        entities=[(23, 31, "PERSON", "Ana Ruiz")],
    )
    start = EMOJI_TEXT.index("Ana")
    source = exports.TagRecord(
        id=11,
        article_id=7,
        annotator="alice",
        label="Official source",
        category="source",
        start=start,
        end=start + 8,
        quote="Ana Ruiz",
        prefix="eered 🙂 as ",
        suffix=" said",
        attributes={
            "identification": "named",
            "roles": ["press office", "military"],
            "verified": True,
            "office": "Ministry of sport",
        },
        schema=SCHEMA,
        note="Named,\nwith her role",
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    claim_start = EMOJI_TEXT.index("the 🇪🇸")
    claim = exports.TagRecord(
        id=12,
        article_id=7,
        annotator="alice",
        label="Claim",
        category="claim",
        start=claim_start,
        end=claim_start + len("the 🇪🇸 team “won”"),
        quote="the 🇪🇸 team “won”",
        attributes={"verified": False},
        schema=[{"name": "verified", "kind": "bool"}],
        created_at=MOMENT,
        updated_at=MOMENT,
        relations=[("attributed_to", 11), ("same_as", 99)],
    )
    return [exports.Group(article, "alice", [source, claim])]


def test_it_counts_emoji_offsets_in_code_points():
    _, claim = known_groups()[0].tags
    assert EMOJI_TEXT[claim.start : claim.end] == "the 🇪🇸 team “won”"
    assert (claim.start, claim.end) == (37, 54)


def test_it_writes_one_csv_row_per_tag_with_attribute_columns():
    data = "".join(exports.write_csv(known_groups(), ["identification", "roles", "verified"]))
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[0] == [
        "tag_id",
        "article_id",
        "article_title",
        "annotator",
        "label",
        "category",
        "start",
        "end",
        "quote",
        "attr:identification",
        "attr:roles",
        "attr:verified",
        "note",
        "source_ids",
        "same_as_ids",
        "origin",
        "created_at",
    ]
    assert rows[1] == [
        "11",
        "7",
        "Talks, “in Cairo”",
        "alice",
        "Official source",
        "source",
        "23",
        "31",
        "Ana Ruiz",
        "named",
        "press office; military",
        "yes",
        "Named,\nwith her role",
        "",
        "",
        "manual",
        "2024-02-13T10:30:05Z",
    ]
    assert rows[2][6:9] == ["37", "54", "the 🇪🇸 team “won”"]
    assert rows[2][9:15] == ["", "", "no", "", "11", "99"]
    assert len(rows) == 3


def test_it_writes_one_json_line_per_article():
    (line,) = [json.loads(chunk) for chunk in exports.write_jsonl(known_groups())]
    assert line["id"] == 7
    assert line["text"] == EMOJI_TEXT
    assert line["published_on"] == "2024-02-13"
    assert line["entities"] == [{"start": 23, "end": 31, "label": "PERSON", "text": "Ana Ruiz"}]
    assert line["label"] == [[23, 31, "Official source"], [37, 54, "Claim"]]
    assert line["tags"][1] == {
        "id": 12,
        "annotator": "alice",
        "label": "Claim",
        "category": "claim",
        "start": 37,
        "end": 54,
        "quote": "the 🇪🇸 team “won”",
        "attributes": {"verified": False},
        "note": "",
        "origin": "manual",
        "relations": [{"type": "attributed_to", "to": 11}, {"type": "same_as", "to": 99}],
    }
    assert line["tags"][0]["attributes"]["roles"] == ["press office", "military"]
    for tag in line["tags"]:
        assert line["text"][tag["start"] : tag["end"]] == tag["quote"]


def test_it_writes_brat_lines_for_spans_attributes_notes_and_relations():
    ann = exports.brat_ann(known_groups()[0].tags)
    assert ann.splitlines() == [
        "T1\tOfficial_source 23 31\tAna Ruiz",
        "A1\tidentification T1 named",
        "A2\troles T1 press_office",
        "A3\troles T1 military",
        "A4\tverified T1",
        "#1\tAnnotatorNotes T1\tNamed, with her role | office=Ministry of sport",
        "T2\tClaim 37 54\tthe 🇪🇸 team “won”",
        # same_as to tag 99, which is not in this file, cannot be written
        "R1\tattributed_to Arg1:T2 Arg2:T1",
    ]


def test_it_streams_a_brat_zip_that_zipfile_reads():
    chunks = list(exports.write_brat(known_groups()))
    assert len(chunks) >= 2  # the pair leaves before the zip's directory is written
    files = brat(b"".join(chunks))
    assert sorted(files) == ["alice/7.ann", "alice/7.txt"]
    assert files["alice/7.txt"] == EMOJI_TEXT
    assert files["alice/7.ann"].startswith("T1\tOfficial_source 23 31\tAna Ruiz\n")


def test_it_writes_a_w3c_collection():
    links = exports.Links(
        "https://nd.example/export/",
        "https://nd.example/tags/{}/",
        "https://nd.example/articles/{}/",
    )
    data = json.loads("".join(exports.write_w3c(known_groups(), total=2, links=links, label="x")))
    assert data["total"] == 2 and data["type"] == "AnnotationCollection"
    source, claim = data["first"]["items"]
    assert source["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "Official source"},
        {"type": "TextualBody", "purpose": "classifying", "value": "identification: named"},
        {"type": "TextualBody", "purpose": "classifying", "value": "roles: press office"},
        {"type": "TextualBody", "purpose": "classifying", "value": "roles: military"},
        {"type": "TextualBody", "purpose": "classifying", "value": "verified: yes"},
        {"type": "TextualBody", "purpose": "classifying", "value": "office: Ministry of sport"},
        {"type": "TextualBody", "purpose": "commenting", "value": "Named,\nwith her role"},
    ]
    assert source["target"] == {
        "source": "https://nd.example/articles/7/",
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": "Ana Ruiz",
                "prefix": "eered 🙂 as ",
                "suffix": " said",
            },
            {"type": "TextPositionSelector", "start": 23, "end": 31},
        ],
    }
    assert source["creator"] == {
        "id": "urn:newsdesk:user:alice",
        "type": "Person",
        "nickname": "alice",
    }
    assert source["created"] == "2024-02-13T10:30:05Z"
    assert claim["body"][-2:] == [
        {"type": "SpecificResource", "purpose": "linking", "source": "https://nd.example/tags/11/"},
        {
            "type": "SpecificResource",
            "purpose": "identifying",
            "source": "https://nd.example/tags/99/",
        },
    ]
    assert "@context" not in claim


# From the database, through the views --------------------------------------------------


@pytest.fixture
def known(article, alice, bob, tag, claim_label, source_label, framing_label, link):
    """alice: a claim linked to a source (with attributes and a note) and a deleted tag;
    bob: a framing tag."""
    claim, source = link.from_annotation, link.to_annotation
    services.annotation_update(
        annotation=source, attributes={"identification": "anonymous"}, note="Unnamed.\nTwice?"
    )
    services.annotation_update(annotation=claim, attributes={"check-worthy": True})
    gone = tag(article, alice, framing_label, "terrorists")
    services.annotation_delete(annotation=gone)
    bobs = tag(article, bob, framing_label, "terrorists")
    return {"claim": claim, "source": source, "gone": gone, "bob": bobs}


def test_it_exports_alices_csv_of_her_live_tags_only(known, alice_client, article):
    rows = csv_rows(body(alice_client.get(export_url(article, "csv"))))
    source, claim = known["source"], known["claim"]
    assert [r["tag_id"] for r in rows] == [str(source.pk), str(claim.pk)]
    assert rows[0] | {"created_at": ""} == {
        "tag_id": str(source.pk),
        "article_id": str(article.pk),
        "article_title": article.title,
        "annotator": "alice",
        "label": "Source",
        "category": "source",
        "start": str(source.start),
        "end": str(source.end),
        "quote": SOURCE_QUOTE,
        "attr:type": "",
        "attr:check-worthy": "",
        "attr:attributed": "",
        "attr:identification": "anonymous",
        "attr:source type": "",
        "attr:affiliation": "",
        "attr:reason for anonymity given": "",
        "attr:cue": "",
        "note": "Unnamed.\nTwice?",
        "source_ids": "",
        "same_as_ids": "",
        "origin": "manual",
        "created_at": "",
    }
    assert rows[1]["quote"] == CLAIM_QUOTE
    assert rows[1]["attr:check-worthy"] == "yes"
    assert rows[1]["source_ids"] == str(source.pk)
    assert "bob" not in {r["annotator"] for r in rows}


def test_it_gives_staff_every_annotators_tags(known, staff_client, article):
    rows = csv_rows(body(staff_client.get(export_url(article, "csv"))))
    assert {(r["annotator"], r["quote"]) for r in rows} == {
        ("alice", SOURCE_QUOTE),
        ("alice", CLAIM_QUOTE),
        ("bob", "terrorists"),
    }
    assert "attr:device" in rows[0]


def test_it_lets_staff_choose_one_annotator(known, staff_client, article):
    rows = csv_rows(body(staff_client.get(export_url(article, "csv", annotator="bob"))))
    assert [(r["annotator"], r["tag_id"]) for r in rows] == [("bob", str(known["bob"].pk))]


def test_it_refuses_another_annotator_to_a_non_staff_user(known, alice_client, article):
    response = alice_client.get(export_url(article, "csv", annotator="bob"))
    assert response.status_code == 404
    assert "your own tags" in response.content.decode()


def test_it_names_an_unknown_annotator(known, staff_client, article):
    response = staff_client.get(export_url(article, "csv", annotator="nobody"))
    assert response.status_code == 404
    assert "nobody" in response.content.decode()


def test_it_refuses_an_unknown_format_with_the_choices(known, alice_client, article):
    response = alice_client.get(export_url(article, "xml"))
    assert response.status_code == 400
    assert response.content.decode() == (
        "Unknown export format “xml”: choose one of csv, jsonl, brat, w3c."
    )


def test_it_refuses_a_post(alice_client, article):
    assert alice_client.post(export_url(article, "csv")).status_code == 405


def test_it_is_a_404_for_a_missing_article(alice_client):
    assert alice_client.get("/articles/999999/export/?format=csv").status_code == 404


def test_it_names_the_download(known, alice_client, article):
    response = alice_client.get(export_url(article, "brat"))
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="newsdesk-article-{article.pk}-alice-')
    assert disposition.endswith('.zip"')
    body(response)


def test_it_exports_jsonl_with_text_entities_and_relations(known, alice_client, article):
    (line,) = jsonl(body(alice_client.get(export_url(article, "jsonl"))))
    assert line["text"] == article.text
    assert line["outlet"] == "EFE"
    source, claim = known["source"], known["claim"]
    assert line["label"] == [
        [source.start, source.end, "Source"],
        [claim.start, claim.end, "Claim"],
    ]
    by_id = {tag["id"]: tag for tag in line["tags"]}
    assert set(by_id) == {source.pk, claim.pk}
    assert by_id[claim.pk]["relations"] == [{"type": "attributed_to", "to": source.pk}]
    assert by_id[source.pk]["attributes"] == {"identification": "anonymous"}
    assert by_id[source.pk]["note"] == "Unnamed.\nTwice?"


def test_it_writes_jsonl_entities_of_the_article(known, alice_client, article):
    article.mentions.create(start=0, end=15, label="ORG", text=article.text[:15])
    (line,) = jsonl(body(alice_client.get(export_url(article, "jsonl"))))
    assert line["entities"] == [{"start": 0, "end": 15, "label": "ORG", "text": article.text[:15]}]


def test_it_writes_brat_pairs_per_annotator(known, staff_client, article):
    files = brat(body(staff_client.get(export_url(article, "brat"))))
    pk = article.pk
    assert sorted(files) == [f"alice/{pk}.ann", f"alice/{pk}.txt", f"bob/{pk}.ann", f"bob/{pk}.txt"]
    assert files[f"alice/{pk}.txt"] == article.text
    source, claim = known["source"], known["claim"]
    assert files[f"alice/{pk}.ann"].splitlines() == [
        f"T1\tSource {source.start} {source.end}\t{SOURCE_QUOTE}",
        "A1\tidentification T1 anonymous",
        "#1\tAnnotatorNotes T1\tUnnamed. Twice?",
        f"T2\tClaim {claim.start} {claim.end}\t{CLAIM_QUOTE}",
        "A2\tcheck-worthy T2",
        "R1\tattributed_to Arg1:T2 Arg2:T1",
    ]
    bob = known["bob"]
    # Bob left the voice open: the derived one is exported (the reporter's own words).
    assert files[f"bob/{pk}.ann"] == (
        f"T1\tFraming {bob.start} {bob.end}\tterrorists\nA1\tvoice T1 reporter's_own\n"
    )


def test_it_writes_an_empty_brat_pair_for_the_users_own_untagged_article(
    alice_client, other_article
):
    files = brat(body(alice_client.get(export_url(other_article, "brat"))))
    assert files == {
        f"alice/{other_article.pk}.txt": other_article.text,
        f"alice/{other_article.pk}.ann": "",
    }


def test_it_writes_no_brat_pair_for_an_untagged_article_in_a_staff_export(
    staff_client, other_article
):
    assert brat(body(staff_client.get(export_url(other_article, "brat")))) == {}


def test_it_counts_emoji_offsets_in_code_points_from_the_database(alice, alice_client, claim_label):
    article = ingestion.article_ingest(text=EMOJI_TEXT, user=alice)
    quote = "the 🇪🇸 team “won”"
    start = article.text.index(quote)
    end = start + len(quote)
    # In UTF-16 (the browser's count) the same stretch starts 3 units later: 👋🏽 and 🙂.
    assert len(article.text[:start].encode("utf-16-le")) // 2 == start + 3
    services.annotation_create(
        article=article, user=alice, label=claim_label, start=start, end=end, quote=quote
    )
    (row,) = csv_rows(body(alice_client.get(export_url(article, "csv"))))
    assert (row["start"], row["end"], row["quote"]) == (str(start), str(end), quote)
    (line,) = jsonl(body(alice_client.get(export_url(article, "jsonl"))))
    assert line["text"][start:end] == quote
    assert line["label"] == [[start, end, "Claim"]]
    files = brat(body(alice_client.get(export_url(article, "brat"))))
    assert files[f"alice/{article.pk}.ann"] == f"T1\tClaim {start} {end}\t{quote}\n"
    assert files[f"alice/{article.pk}.txt"][start:end] == quote
    data = json.loads(body(alice_client.get(export_url(article, "w3c"))))
    (item,) = data["first"]["items"]
    assert item["target"]["selector"][1] == {
        "type": "TextPositionSelector",
        "start": start,
        "end": end,
    }


def test_it_leaves_deleted_tags_and_links_to_them_out(known, alice_client, article):
    services.annotation_delete(annotation=known["source"])
    rows = csv_rows(body(alice_client.get(export_url(article, "csv"))))
    assert [(r["tag_id"], r["source_ids"]) for r in rows] == [(str(known["claim"].pk), "")]
    (line,) = jsonl(body(alice_client.get(export_url(article, "jsonl"))))
    assert [t["id"] for t in line["tags"]] == [known["claim"].pk]
    assert line["tags"][0]["relations"] == []
    data = json.loads(body(alice_client.get(export_url(article, "w3c"))))
    assert data["total"] == 1
    assert [i["id"] for i in data["first"]["items"]] == [
        f"http://testserver/tags/{known['claim'].pk}/"
    ]
    assert Annotation.objects.filter(pk=known["gone"].pk, deleted_at__isnull=False).exists()


def test_it_writes_w3c_ids_as_absolute_urls(known, alice_client, article):
    data = json.loads(body(alice_client.get(export_url(article, "w3c"))))
    assert data["id"] == f"http://testserver/articles/{article.pk}/export/?format=w3c"
    assert data["total"] == len(data["first"]["items"]) == 2
    source, claim = data["first"]["items"]
    assert source["id"] == f"http://testserver/tags/{known['source'].pk}/"
    assert source["target"]["source"] == f"http://testserver/articles/{article.pk}/"
    assert claim["body"][-1] == {
        "type": "SpecificResource",
        "purpose": "linking",
        "source": f"http://testserver/tags/{known['source'].pk}/",
    }
    assert source["target"]["selector"][0] == {
        "type": "TextQuoteSelector",
        "exact": SOURCE_QUOTE,
        "prefix": known["source"].prefix,
        "suffix": known["source"].suffix,
    }


# Cost: queries do not grow with the tags ------------------------------------------------


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


@pytest.mark.parametrize("fmt", list(exports.FORMATS))
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
