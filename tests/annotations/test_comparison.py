"""How the comparison marks where coders differ (pure, no database)."""

from annotations.comparison import (
    ATTRIBUTES,
    LABEL,
    ONLY_SOME,
    OVERLAP,
    CodedTag,
    compare,
    compare_links,
)

CODERS = ["alice", "bob"]


def _row(rows, start, end):
    return next(r for r in rows if (r.start, r.end) == (start, end))


def test_it_marks_a_tag_every_coder_made_as_agreed():
    rows = compare(
        CODERS, [CodedTag(1, "alice", 0, 5, "Source"), CodedTag(2, "bob", 0, 5, "Source")]
    )
    assert rows[0].agreed and rows[0].agreed_tag().id == 1


def test_it_marks_a_tag_only_some_coders_made():
    rows = compare(CODERS, [CodedTag(1, "alice", 0, 5, "Source")])
    assert rows[0].kinds == {ONLY_SOME}
    assert rows[0].missing == ["bob"]


def test_it_marks_the_same_span_with_different_labels():
    rows = compare(
        CODERS, [CodedTag(1, "alice", 0, 5, "Source"), CodedTag(2, "bob", 0, 5, "Claim")]
    )
    assert rows[0].kinds == {LABEL}


def test_it_marks_different_attribute_values():
    rows = compare(
        CODERS,
        [
            CodedTag(1, "alice", 0, 5, "Source", {"identification": "named"}),
            CodedTag(2, "bob", 0, 5, "Source", {"identification": "anonymous"}),
        ],
    )
    assert rows[0].kinds == {ATTRIBUTES}


def test_it_marks_overlapping_unequal_spans():
    rows = compare(
        CODERS, [CodedTag(1, "alice", 0, 9, "Claim"), CodedTag(2, "bob", 3, 12, "Claim")]
    )
    assert _row(rows, 0, 9).kinds == {OVERLAP}
    assert _row(rows, 3, 12).kinds == {OVERLAP}
    assert _row(rows, 0, 9).missing == []


def test_it_lists_links_and_who_lacks_them():
    rows = compare_links(
        ["alice", "bob", "charlie"],
        {"alice": [((10, 20), (0, 5))], "bob": [((12, 20), (0, 5))], "charlie": []},
    )
    assert len(rows) == 1
    assert rows[0].coders == ["alice", "bob"] and rows[0].missing == ["charlie"]
