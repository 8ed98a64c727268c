"""Exports in the original file's coordinates: an article read from a CRLF, NFD text file
keeps its offset map, and --original-offsets (the export bar's "Offsets in") maps each
tag's start and end back into the decoded file."""

import json
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from annotations.interchange import jsonl as jsonl_format
from annotations.interchange.records import ImportFormatError
from annotations.models import Annotation
from newsdesk import ingestion
from newsdesk.models import Article
from tests.annotations.interchange.files import body, csv_rows, export_url, jsonl

pytestmark = pytest.mark.django_db

# Written for this test: CRLF line ends, accents decomposed (NFD), a metadata prefix.
ORIGINAL = unicodedata.normalize(
    "NFD",
    "title: Café talks\r\n\r\n"
    "Café owners in Gaza said prices had doubled.\r\n\r\n"
    "A senior Egyptian security source, who requested anonymity, told Reuters the "
    "so-called “deal” was close; Éric Dupont, a négociateur, agreed.\r\n",
)
PHRASES = [
    ("claim", "prices had doubled"),
    ("source", "A senior Egyptian security source"),
    ("framing", "so-called"),
    ("source", "Éric Dupont, a négociateur"),
]


def original_form(quote):
    return unicodedata.normalize("NFD", quote.replace("\n", "\r\n"))


@pytest.fixture
def imported(tmp_path, alice, tag, claim_label, source_label, framing_label, capsys):
    path = tmp_path / "crlf.txt"
    path.write_bytes(ORIGINAL.encode())
    call_command("import_articles", str(path), "--user", "alice")
    capsys.readouterr()
    article = Article.objects.get()
    assert article.text.startswith("Café owners") and "\r" not in article.text
    assert article.offset_map is not None
    labels = {"claim": claim_label, "source": source_label, "framing": framing_label}
    for category, phrase in PHRASES:
        tag(article, alice, labels[category], phrase)
    # The stored offsets are not the file's: the prefix, CRLF and NFD shifted them.
    first = article.text.index(PHRASES[0][1])
    assert ORIGINAL[first : first + len(PHRASES[0][1])] != original_form(PHRASES[0][1])
    return article


def export(capsys, fmt, *args):
    call_command("export_annotations", "--format", fmt, "--original-offsets", *args)
    return capsys.readouterr()


def test_it_maps_csv_offsets_back_into_the_original_file(imported, capsys):
    out = export(capsys, "csv")
    rows = csv_rows(out.out.encode())
    assert len(rows) == len(PHRASES)
    for row in rows:
        assert row["offsets"] == "original"
        quote = ORIGINAL[int(row["start"]) : int(row["end"])]
        assert quote == original_form(row["quote"])
    assert "no offset map" not in out.err


def test_it_maps_jsonl_offsets_back_and_says_so(imported, capsys):
    (line,) = jsonl(export(capsys, "jsonl").out.encode())
    assert line["offsets"] == "original"
    for tag in line["tags"]:
        assert ORIGINAL[tag["start"] : tag["end"]] == original_form(tag["quote"])
    assert [[s, e] for s, e, _ in line["label"]] == [[t["start"], t["end"]] for t in line["tags"]]


def test_it_maps_w3c_offsets_back_and_says_so_in_the_label(imported, capsys):
    collection = json.loads(export(capsys, "w3c").out)
    assert "offsets count in the original files" in collection["label"]
    items = collection["first"]["items"]
    assert len(items) == len(PHRASES)
    for item in items:
        quote, position = item["target"]["selector"]
        found = ORIGINAL[position["start"] : position["end"]]
        assert found == original_form(quote["exact"])


def test_it_lists_the_articles_without_a_map_and_keeps_their_offsets(
    imported, alice, tag, claim_label, capsys
):
    pasted = ORIGINAL.replace("Gaza", "Rafah")
    other = ingestion.article_ingest(text=pasted, user=alice)
    assert other.offset_map is None
    made = tag(other, alice, claim_label, "prices had doubled")
    out = export(capsys, "csv")
    assert "1 article(s) have no offset map" in out.err and f"ids: {other.pk}." in out.err
    (row,) = [r for r in csv_rows(out.out.encode()) if r["article_id"] == str(other.pk)]
    assert (row["offsets"], row["start"], row["end"]) == ("stored", str(made.start), str(made.end))


def test_it_refuses_original_offsets_for_formats_that_carry_the_text(imported, tmp_path):
    with pytest.raises(CommandError, match="carries the article's text"):
        call_command(
            "export_annotations", "--format", "brat", "--original-offsets", "-o", tmp_path / "x"
        )


def test_it_gives_the_export_bar_its_offsets_choice(imported, alice_client):
    rows = csv_rows(body(alice_client.get(export_url(imported, "csv", offsets="original"))))
    assert {r["offsets"] for r in rows} == {"original"}
    for row in rows:
        assert ORIGINAL[int(row["start"]) : int(row["end"])] == original_form(row["quote"])
    stored = csv_rows(body(alice_client.get(export_url(imported, "csv"))))
    assert "offsets" not in stored[0]
    assert [r["start"] for r in stored] != [r["start"] for r in rows]
    listing = alice_client.get("/")
    assert b'name="offsets"' in listing.content


def test_it_refuses_an_unknown_offsets_choice_and_brat_with_original_offsets(
    imported, alice_client
):
    assert alice_client.get(export_url(imported, "csv", offsets="file")).status_code == 400
    response = alice_client.get(export_url(imported, "brat", offsets="original"))
    assert response.status_code == 400
    assert "carries the article" in response.content.decode()


def test_it_refuses_to_read_back_a_jsonl_line_in_original_offsets(imported, alice, capsys):
    data = export(capsys, "jsonl").out
    with pytest.raises(ImportFormatError, match="count in the original file"):
        list(jsonl_format.read_jsonl(data, name="back.jsonl"))


def brat_lines(original):
    """T lines for PHRASES, counted in ``original`` (brat's offsets are the .txt's own)."""
    names = {"claim": "Claim", "source": "Source", "framing": "Framing"}
    lines = []
    for number, (category, phrase) in enumerate(PHRASES, start=1):
        quote = original_form(phrase)
        start = original.index(quote)
        lines.append(f"T{number}\t{names[category]} {start} {start + len(quote)}\t{quote}")
    return "\n".join(lines) + "\n"


def test_it_keeps_the_offset_map_of_an_article_a_brat_import_creates(
    tmp_path, alice, claim_label, source_label, framing_label, capsys
):
    # Written here: a CRLF, NFD brat .txt with a blank first line (no metadata prefix is read
    # from a tag file's text).
    original = "\r\n" + ORIGINAL.split("\r\n\r\n", 1)[1]
    assert {claim_label.name, source_label.name, framing_label.name} == {
        "Claim",
        "Source",
        "Framing",
    }
    (tmp_path / "story.txt").write_bytes(original.encode())
    (tmp_path / "story.ann").write_text(brat_lines(original), encoding="utf-8")
    call_command("import_annotations", str(tmp_path), "--user", "alice")
    assert "4 tags added" in capsys.readouterr().out
    article = Article.objects.get()
    assert "\r" not in article.text and article.offset_map is not None
    out = export(capsys, "csv")
    rows = csv_rows(out.out.encode())
    assert len(rows) == len(PHRASES)
    for row in rows:
        assert row["offsets"] == "original"
        assert original[int(row["start"]) : int(row["end"])] == original_form(row["quote"])
    assert "no offset map" not in out.err


def test_it_keeps_the_offset_map_of_an_article_a_jsonl_import_creates(
    tmp_path, alice, claim_label, capsys
):
    original = ORIGINAL.split("\r\n\r\n", 1)[1]
    quote = original_form("prices had doubled")
    start = original.index(quote)
    line = {"text": original, "label": [[start, start + len(quote), claim_label.name]]}
    path = tmp_path / "story.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    call_command("import_annotations", str(path), "--user", "alice")
    capsys.readouterr()
    article = Article.objects.get()
    assert article.text != original and article.offset_map is not None
    assert Annotation.objects.filter(article=article, owner=alice).count() == 1
    (exported,) = jsonl(export(capsys, "jsonl").out.encode())
    (tag,) = exported["tags"]
    assert (tag["start"], tag["end"]) == (start, start + len(quote))
