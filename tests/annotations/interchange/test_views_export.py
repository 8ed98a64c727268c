"""The export downloads: who is in them, each format from the database, the names."""

import json

from annotations import services
from annotations.models import Annotation
from newsdesk import ingestion
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE
from tests.annotations.interchange.files import EMOJI_TEXT, body, brat, csv_rows, export_url, jsonl


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
        "Unknown export format “xml”: choose one of csv, jsonl, brat, w3c, labelstudio."
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
        "A3\tattributed T2 yes",  # derived from the link below
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
