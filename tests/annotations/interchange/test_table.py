"""The CSV export's writer. Pure, no database."""

import csv
import io

from annotations.interchange.table import write_csv
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
