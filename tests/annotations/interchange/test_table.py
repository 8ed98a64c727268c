"""The CSV export's writer. Pure, no database."""

import csv
import io
import json

from annotations.interchange.brat import brat_ann
from annotations.interchange.jsonl import write_jsonl
from annotations.interchange.records import Links
from annotations.interchange.table import write_csv
from annotations.interchange.w3c import write_w3c
from tests.annotations.interchange.files import EMOJI_TEXT, known_groups


def test_it_counts_emoji_offsets_in_code_points():
    _, claim = known_groups()[0].tags
    assert EMOJI_TEXT[claim.start : claim.end] == "the 🇪🇸 team “won”"
    assert (claim.start, claim.end) == (37, 54)


def test_it_writes_one_csv_row_per_tag_with_attribute_columns():
    data = "".join(write_csv(known_groups(), ["identification", "roles", "verified"]))
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


FORMULAS = ['=HYPERLINK("http://x.example")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def test_it_writes_every_text_cell_that_starts_a_formula_as_text():
    (group,) = known_groups()
    source, claim = group.tags
    group.article.title = FORMULAS[0]
    source.annotator, source.label, source.quote = "@alice", "=Label", FORMULAS[1]
    source.note = FORMULAS[2]
    source.attributes = {"identification": FORMULAS[3], "office": FORMULAS[4]}
    claim.quote, claim.note = FORMULAS[5], "a plain note = fine"
    data = "".join(write_csv([group], ["identification", "office"]))
    first, second = csv.DictReader(io.StringIO(data, newline=""))
    assert first["article_title"] == "'" + FORMULAS[0]
    assert (first["annotator"], first["label"], first["quote"]) == ("'@alice", "'=Label", "'+1+1")
    assert first["note"] == "'-2+3"
    assert first["attr:identification"] == "'@SUM(A1)" and first["attr:office"] == "'\tTab"
    assert (second["quote"], second["note"]) == ("'\rCR", "a plain note = fine")
    # Numbers, ids and times stay numbers; no cell of the file starts a formula any more.
    assert (first["start"], first["tag_id"]) == ("23", "11")
    assert first["created_at"] == "2024-02-13T10:30:05Z"
    cells = [cell for row in csv.reader(io.StringIO(data, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_other_formats_keep_formula_like_values_exactly():
    (group,) = known_groups()
    source = group.tags[0]
    source.note, source.quote = "=1+1", "-2"
    (line,) = [json.loads(chunk) for chunk in write_jsonl([group])]
    assert (line["tags"][0]["note"], line["tags"][0]["quote"]) == ("=1+1", "-2")
    assert "AnnotatorNotes T1\t=1+1 | office=Ministry of sport" in brat_ann(group.tags)
    links = Links("https://nd.example/e/", "https://nd.example/t/{}/", "https://nd.example/a/{}/")
    data = json.loads("".join(write_w3c([group], total=2, links=links, label="x")))
    body = data["first"]["items"][0]["body"]
    assert {"type": "TextualBody", "purpose": "commenting", "value": "=1+1"} in body
