"""brat standoff: the reader and the writer. Pure, no database."""

import pytest

from annotations.interchange.brat import brat_ann, read_brat, split_note, write_brat
from annotations.interchange.records import ImportFormatError, resolve_attributes
from tests.annotations.interchange.files import (
    CLAIM,
    EMOJI_TEXT,
    SOURCE,
    SOURCE_SCHEMA,
    TEXT,
    at,
    brat,
    known_groups,
)


def t_line(key, label, phrase, text=TEXT):
    start, end = at(text, phrase)
    return f"{key}\t{label} {start} {end}\t{phrase}"


def ann(*lines):
    return "\n".join(lines) + "\n"


def test_brat_reads_spans_attributes_notes_and_relations():
    doc = read_brat(
        ann=ann(
            t_line("T1", "Source", SOURCE),
            t_line("T2", "Claim", CLAIM),
            "A1\tidentification T1 anonymous",
            "A2\tquoted T1",
            "#1\tAnnotatorNotes T1\tUnnamed | office=ministry",
            "R1\tattributed_to Arg1:T2 Arg2:T1",
        ),
        txt=TEXT,
        name="a.ann",
        annotator="alice",
    )
    source, claim = doc.spans
    assert (source.label, TEXT[source.start : source.end]) == ("Source", SOURCE)
    assert source.attribute_pairs == [("identification", "anonymous"), ("quoted", None)]
    assert source.note == "Unnamed | office=ministry"
    assert (claim.start, claim.end, claim.line) == (*at(TEXT, CLAIM), 2)
    assert [(link.type, link.from_key, link.to_key, link.line) for link in doc.links] == [
        ("attributed_to", "T2", "T1", 6)
    ]
    assert doc.annotator == "alice"


def test_brat_maps_offsets_of_a_crlf_text_with_emoji_and_nfd_accents():
    text = "Ayer\r\nEl ministro 👍🏽 dijo que la situacio\u0301n mejora.\r\n"
    phrase = "situacio\u0301n"
    doc = read_brat(ann=ann(t_line("T1", "Claim", phrase, text)), txt=text, name="x.ann")
    span = doc.spans[0]
    assert doc.text == "Ayer\nEl ministro 👍🏽 dijo que la situación mejora."
    assert doc.text[span.start : span.end] == "situación"
    assert span.start == text.index(phrase) - 1  # one \r before it, nothing else


def test_brat_equivalence_links_each_later_member_to_the_one_before():
    text = "Jo Rowling, J. K. Rowling and Joanne Rowling"
    doc = read_brat(
        ann=ann(
            t_line("T1", "Source", "Joanne Rowling", text),
            t_line("T2", "Source", "Jo Rowling", text),
            t_line("T3", "Source", "J. K. Rowling", text),
            "*\tAlias T1 T2 T3",
        ),
        txt=text,
        name="x.ann",
    )
    assert [(link.type, link.from_key, link.to_key) for link in doc.links] == [
        ("same_as", "T3", "T2"),
        ("same_as", "T1", "T3"),
    ]


def test_brat_events_are_read_for_the_service_and_their_triggers_marked():
    doc = read_brat(
        ann=ann(
            t_line("T1", "Source", SOURCE),
            t_line("T2", "Claim", CLAIM),
            t_line("T3", "Say", "agreed"),
            "E1\tSay:T3 Source:T1 Content:T2",
        ),
        txt=TEXT,
        name="x.ann",
    )
    (event,) = doc.events
    assert (event.type, event.trigger, event.arguments) == (
        "Say",
        "T3",
        [("Source", "T1"), ("Content", "T2")],
    )
    assert [s.trigger_only for s in doc.spans] == [False, False, True]


def test_brat_accepts_an_empty_ann():
    doc = read_brat(ann="", txt="Some text.\n", name="empty.ann")
    assert doc.spans == [] and doc.text == "Some text."


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("T1\tClaim 0 5;10 15\twrong words", "line 2, T1: the quote “wrong words” does not match"),
        ("T1\tClaim 15 25\tthe wrong words", "line 2, T1: the quote “the wrong words” does not"),
        ("T1\tClaim 70 900\tx", "line 2, T1: the span [70, 900) is not inside the text"),
        ("T1\tClaim five six\tx", "line 2: T1: “five six” are not whole-number offsets"),
        ("N1\tReference T1 Wikipedia:64488\tCarlos", "line 2: N1 is a normalisation"),
        ("Q1\twhat is this", "line 2: “Q1 what is this” is not a brat annotation line"),
        ("R1\tFamily Arg1:T1 Arg2:T1", "line 2: R1: the relation type “Family” has no counterpart"),
        ("A1\tConfidence E9 High", "line 2: A1: an attribute on an event (E9) has no place"),
        ("#2\tAnnotatorNotes R1\tSure?", "line 2: #2: a note on a relation (R1) has no place"),
        ("A1\tNegated T7", "line 2: A1: T7 is not in the file"),
        ("T0\tClaim 0 9\tOfficials", "line 2: T0 is defined twice (first on line 1)"),
    ],
)
def test_brat_refuses_what_it_cannot_map_naming_the_line(line, message):
    first = "T0\tClaim 0 9\tOfficials"
    with pytest.raises(ImportFormatError) as caught:
        read_brat(ann=ann(first, line), txt=TEXT, name="bad.ann")
    assert str(caught.value).startswith(f"bad.ann, {message}")


def test_brat_refuses_an_event_whose_trigger_is_not_a_span():
    with pytest.raises(ImportFormatError, match="line 1: E1: its trigger T5 is not in the file"):
        read_brat(ann="E1\tSay:T5\n", txt=TEXT, name="e.ann")


def test_notes_give_back_text_attributes_and_keep_the_rest():
    assert split_note("Unnamed | office=ministry", SOURCE_SCHEMA) == (
        "Unnamed",
        [("office", "ministry")],
    )
    assert split_note(" | office=press desk", SOURCE_SCHEMA) == ("", [("office", "press desk")])
    assert split_note("a | b=c", SOURCE_SCHEMA) == ("a | b=c", [])


def test_attribute_values_map_back_from_brat_spelling():
    values = resolve_attributes(
        SOURCE_SCHEMA + [{"name": "ident", "kind": "choice", "values": ["partially identified"]}],
        [
            ("Identification", "Anonymous"),
            ("quoted", None),
            ("roles", "witness"),
            ("roles", "expert"),
            ("ident", "partially_identified"),
        ],
    )
    assert values == {
        "identification": "anonymous",
        "quoted": True,
        "roles": ["witness", "expert"],
        "ident": "partially identified",
    }
    with pytest.raises(ValueError, match="“colour” is not an attribute of this label"):
        resolve_attributes(SOURCE_SCHEMA, [("colour", "red")])
    with pytest.raises(ValueError, match="identification needs a value"):
        resolve_attributes(SOURCE_SCHEMA, [("identification", None)])


# Writing


def test_it_writes_brat_lines_for_spans_attributes_notes_and_relations():
    ann = brat_ann(known_groups()[0].tags)
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
    chunks = list(write_brat(known_groups()))
    assert len(chunks) >= 2  # the pair leaves before the zip's directory is written
    files = brat(b"".join(chunks))
    assert sorted(files) == ["alice/7.ann", "alice/7.txt"]
    assert files["alice/7.txt"] == EMOJI_TEXT
    assert files["alice/7.ann"].startswith("T1\tOfficial_source 23 31\tAna Ruiz\n")
