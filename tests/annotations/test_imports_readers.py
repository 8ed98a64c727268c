"""The format readers: brat standoff, JSON Lines, W3C Web Annotation, zip. Pure, no database."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from annotations.imports import (
    ImportFormatError,
    decode,
    read_brat,
    read_jsonl,
    read_w3c,
    read_zip,
    resolve_attributes,
    split_note,
)

INTEROP = Path(__file__).resolve().parents[3] / "shared" / "interop"
W3C_SAMPLES = INTEROP / "w3c-web-annotation-tests" / "tools" / "samples"

TEXT = "Officials said 1,200 people died. A source, who asked not to be named, agreed."
SOURCE = "A source, who asked not to be named"
CLAIM = "1,200 people died"
SOURCE_SCHEMA = [
    {"name": "identification", "kind": "choice", "values": ["named", "anonymous"]},
    {"name": "office", "kind": "text"},
    {"name": "quoted", "kind": "bool"},
    {"name": "roles", "kind": "multi", "values": ["witness", "expert"]},
]


def at(text, phrase):
    start = text.index(phrase)
    return start, start + len(phrase)


def t_line(key, label, phrase, text=TEXT):
    start, end = at(text, phrase)
    return f"{key}\t{label} {start} {end}\t{phrase}"


def ann(*lines):
    return "\n".join(lines) + "\n"


# brat


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
        ("T1\tClaim 0 5;10 15\tOffic said", "line 2: T1 is a discontinuous span"),
        ("T1\tClaim 15 25\tthe wrong words", "line 2, T1: the quote “the wrong words” does not"),
        ("T1\tClaim 70 900\tx", "line 2, T1: the span [70, 900) is not inside the text"),
        ("T1\tClaim five six\tx", "line 2: T1: “five six” are not two whole-number offsets"),
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


def test_it_refuses_a_broken_encoding_naming_the_file_and_byte():
    with pytest.raises(
        ImportFormatError, match=r"doc\.txt is not valid UTF-8 .*0xE9 at position 3"
    ):
        decode("Caf\xe9".encode("latin-1"), name="doc.txt")


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


# JSON Lines


def test_jsonl_reads_doccano_lines_with_crlf_text():
    text = "Line one.\r\nOfficials said 1,200 people died."
    start, end = at(text, CLAIM)
    data = json.dumps({"text": text, "label": [[start, end, "Claim"]]}) + "\n\n"
    data += json.dumps({"text": "Second.", "labels": [[0, 6, "Framing"]], "meta": {"title": "T"}})
    first, second = read_jsonl(data, name="d.jsonl")
    assert first.text[first.spans[0].start : first.spans[0].end] == CLAIM
    assert first.spans[0].start == start - 1
    assert (second.title, second.line, second.spans[0].label) == ("T", 3, "Framing")


def test_jsonl_reads_our_richer_lines_with_relations():
    s, c = at(TEXT, SOURCE), at(TEXT, CLAIM)
    line = {
        "id": 7,
        "text": TEXT,
        "label": [[0, 9, "ignored when tags are given"]],
        "tags": [
            {
                "id": 1,
                "label": "Source",
                "start": s[0],
                "end": s[1],
                "quote": SOURCE,
                "annotator": "bob",
                "attributes": {"identification": "anonymous"},
                "note": "n",
            },
            {
                "id": 2,
                "label": "Claim",
                "start": c[0],
                "end": c[1],
                "quote": CLAIM,
                "relations": [{"type": "attributed_to", "to": 1}],
            },
        ],
    }
    (doc,) = read_jsonl(json.dumps(line), name="ours.jsonl")
    assert [(sp.key, sp.label, sp.annotator) for sp in doc.spans] == [
        ("1", "Source", "bob"),
        ("2", "Claim", ""),
    ]
    assert doc.spans[0].attributes == {"identification": "anonymous"}
    assert [(lk.type, lk.from_key, lk.to_key) for lk in doc.links] == [("attributed_to", "2", "1")]


@pytest.mark.parametrize(
    ("second_line", "message"),
    [
        ('{"text": "ok", "label": [[0, 2, "Claim"]],}', "d.jsonl, line 2: not valid JSON"),
        ('{"text": "ok", "label": [[0, 9, "Claim"]]}', "line 2, label 1: the span [0, 9)"),
        ('{"text": "ok", "label": [["0", 2, "Claim"]]}', 'line 2, label 1: ["0", 2, "Claim"]'),
        ('["text"]', "line 2: each line must be an object"),
        (
            '{"text": "ok", "tags": [{"id": 1, "label": "Claim", "start": 0, "end": 2, '
            '"quote": "no"}]}',
            "line 2, tag 1: the quote “no” does not match",
        ),
        (
            '{"text": "ok", "tags": [{"id": 1, "label": "Claim", "start": 0, "end": 2, '
            '"relations": [{"type": "attributed_to", "to": 5}]}]}',
            "points to tag 5",
        ),
    ],
)
def test_jsonl_refuses_a_bad_line_by_number(second_line, message):
    data = '{"text": "fine", "label": []}\n' + second_line + "\n"
    with pytest.raises(ImportFormatError) as caught:
        read_jsonl(data, name="d.jsonl")
    assert message in str(caught.value)


# W3C Web Annotation


def annotation(**overrides):
    item = {
        "id": "https://news.example/tags/3/",
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"id": "urn:newsdesk:user:bob", "type": "Person", "nickname": "bob"},
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "Source"},
            {"type": "TextualBody", "purpose": "classifying", "value": "identification: anonymous"},
            {"type": "TextualBody", "purpose": "commenting", "value": "unnamed"},
        ],
        "target": {
            "source": "https://news.example/articles/12/",
            "selector": [
                {"type": "TextQuoteSelector", "exact": SOURCE, "prefix": "died. ", "suffix": ","},
                {"type": "TextPositionSelector", "start": 34, "end": 69},
            ],
        },
    }
    item.update(overrides)
    return item


def collection(*items):
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://news.example/export/",
        "type": "AnnotationCollection",
        "total": len(items),
        "first": {
            "id": "https://news.example/export/#page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": list(items),
        },
    }


def test_w3c_reads_a_collection_into_one_document_per_article():
    other = annotation(id="https://news.example/tags/4/")
    other["target"] = {
        "source": "https://elsewhere.example/page",
        "selector": {"type": "TextQuoteSelector", "exact": "agreed"},
    }
    data = json.dumps(collection(annotation(), other), indent=2)
    first, second = read_w3c(data, name="c.jsonld")
    (span,) = first.spans
    assert (first.article_id, first.text) == (12, None)
    assert (span.label, span.start, span.end, span.quote, span.annotator) == (
        "Source",
        34,
        69,
        SOURCE,
        "bob",
    )
    assert span.attribute_pairs == [("identification", "anonymous")]
    assert span.note == "unnamed"
    assert span.line == data.split("\n").index('        "id": "https://news.example/tags/3/",') + 1
    assert (second.article_id, second.source) == (None, "https://elsewhere.example/page")


def test_w3c_reads_a_page_a_single_annotation_and_a_list():
    page = collection(annotation())["first"] | {"@context": "http://www.w3.org/ns/anno.jsonld"}
    single = annotation() | {"@context": "http://www.w3.org/ns/anno.jsonld"}
    linked = annotation(id="https://news.example/tags/5/")
    linked["body"] = [
        {"type": "TextualBody", "purpose": "tagging", "value": "Claim"},
        {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": "https://news.example/tags/3/",
        },
    ]
    for data in (page, single, [annotation(), linked]):
        docs = read_w3c(json.dumps(data), name="w.json")
        assert docs[0].spans[0].label == "Source"
    assert [(lk.type, lk.from_key, lk.to_key) for lk in docs[0].links] == [
        ("attributed_to", "https://news.example/tags/5/", "https://news.example/tags/3/")
    ]


def test_w3c_refuses_broken_json_with_its_line():
    with pytest.raises(ImportFormatError, match=r"w\.json, line 3: not valid JSON"):
        read_w3c('{\n  "type": "Annotation",\n  "id": }', name="w.json")


# The W3C test suite's samples: correct ones import or are refused for a stated reason,
# incorrect ones are refused for what is wrong with them.

CORRECT_REASONS = {
    "anno9.json": "targets several resources",
    "anno26.json": "has no counterpart in a Newsdesk tag",
    "anno27.json": "has no counterpart in a Newsdesk tag",
    "example41.json": "does not embed its first page",
    "anno32.json": "refined within a FragmentSelector",
    "anno41-example44.json": "refined within a FragmentSelector",
    "anno24.json": "no text selector (TextQuoteSelector or TextPositionSelector); it has Css",
    "anno25.json": "it has XPathSelector",
    "anno31.json": "it has RangeSelector",
}


@pytest.mark.parametrize("path", sorted((W3C_SAMPLES / "correct").glob("*.json")), ids=str)
def test_w3c_correct_samples_are_refused_only_for_a_stated_reason(path):
    with pytest.raises(ImportFormatError) as caught:
        read_w3c(path.read_text(encoding="utf-8"), name=path.name)
    message = str(caught.value)
    expected = CORRECT_REASONS.get(path.name, "no text selector")
    assert expected in message
    assert "not a valid Web Annotation" not in message and "not valid JSON" not in message


INCORRECT_REASONS = {
    "anno1.json": "not valid JSON",
    "anno2.json": "@context must be",
    "anno3.json": "@context must be",
    "anno4.json": "@context must be",
    "anno5.json": "@context must be",
    "anno6.json": "the id must be one IRI",
    "anno7.json": "the id must be one IRI",
    "anno8.json": "the type must be “Annotation”",
    "anno9.json": "the type must be “Annotation”",
    "anno11.json": "a target must be an IRI or an object",
    "anno26.json": "creator must be an IRI or an object",
    "anno27.json": "generator must be an IRI or an object",
    "anno28.json": "created must be one date and time",
    "anno29.json": "modified must be one date and time",
    "anno30.json": "generated must be one date and time",
    "anno31.json": "modified must be one date and time",
    "anno32.json": "created must be one date and time",
    "anno33.json": "generated must be one date and time",
    "anno34.json": "rights must be an IRI",
    "anno35.json": "via must be an IRI",
    "anno36.json": "canonical must be an IRI",
    "anno38.json": "a SpecificResource target needs a source",
    "anno39.json": "a SpecificResource target needs a source",
}


@pytest.mark.parametrize("path", sorted((W3C_SAMPLES / "incorrect").glob("*.json")), ids=str)
def test_w3c_incorrect_samples_are_refused_for_what_is_wrong(path):
    with pytest.raises(ImportFormatError) as caught:
        read_w3c(path.read_text(encoding="utf-8"), name=path.name)
    assert INCORRECT_REASONS.get(path.name, "not valid JSON") in str(caught.value)


# zip


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


LIMITS = {"max_members": 10, "max_member_bytes": 10_000, "max_total_bytes": 50_000}


def test_zip_gives_its_files_and_skips_folders_and_hidden_files():
    data = zipped({"alice/1.ann": b"", "alice/1.txt": b"Text", "__MACOSX/._1.txt": b"x"})
    assert read_zip(data, name="a.zip", **LIMITS) == [
        ("alice/1.ann", b""),
        ("alice/1.txt", b"Text"),
    ]


def test_zip_refuses_a_truncated_archive():
    data = zipped({"alice/1.ann": b"T1\tClaim 0 4\tText\n" * 50, "alice/1.txt": b"Text" * 50})
    with pytest.raises(ImportFormatError, match="a.zip: not a readable zip archive"):
        read_zip(data[: len(data) // 2], name="a.zip", **LIMITS)


def test_zip_refuses_a_bomb_before_expanding_it():
    data = zipped({"big.txt": b"0" * 200_000})
    assert len(data) < 2_000
    with pytest.raises(ImportFormatError, match="expands to 200,000 bytes; the limit is 50,000"):
        read_zip(data, name="bomb.zip", **LIMITS)
    with pytest.raises(ImportFormatError, match="holds 11 files; the limit is 10"):
        read_zip(zipped({f"{i}.txt": b"x" for i in range(11)}), name="many.zip", **LIMITS)
