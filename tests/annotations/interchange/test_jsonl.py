"""JSON Lines: the reader (doccano's lines and ours) and the writer. Pure, no database."""

import json

import pytest

from annotations.interchange.jsonl import read_jsonl, write_jsonl
from annotations.interchange.records import ImportFormatError
from tests.annotations.interchange.files import CLAIM, EMOJI_TEXT, SOURCE, TEXT, at, known_groups


def test_jsonl_reads_doccano_lines_with_crlf_text():
    text = "Line one.\r\nOfficials said 1,200 people died."
    start, end = at(text, CLAIM)
    data = json.dumps({"text": text, "label": [[start, end, "Claim"]]}) + "\n\n"
    data += json.dumps({"text": "Second.", "labels": [[0, 6, "Framing"]], "meta": {"title": "T"}})
    first, second = read_jsonl(data, name="d.jsonl")
    assert first.text[first.spans[0].start : first.spans[0].end] == CLAIM
    assert first.spans[0].start == start - 1
    assert (second.title, second.line, second.spans[0].label) == ("T", 3, "Framing")


def doccano_relations_line(text, **extra):
    """doccano's relation-extraction shape: a claim attributed to its source."""
    return {
        "id": 4,
        "text": text,
        "entities": [
            {
                "id": 11,
                "label": "Claim",
                "start_offset": at(text, CLAIM)[0],
                "end_offset": at(text, CLAIM)[1],
            },
            {
                "id": 12,
                "label": "Source",
                "start_offset": at(text, SOURCE)[0],
                "end_offset": at(text, SOURCE)[1],
            },
        ],
        "relations": [{"id": 0, "from_id": 11, "to_id": 12, "type": "Attributed to"}],
        **extra,
    }


def test_jsonl_reads_doccanos_entities_and_relations_with_crlf_text():
    text = "Line one.\r\n" + TEXT
    (doc,) = read_jsonl(json.dumps(doccano_relations_line(text)), name="d.jsonl")
    assert [(s.key, s.label, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("11", "Claim", CLAIM),
        ("12", "Source", SOURCE),
    ]
    assert doc.spans[0].start == at(text, CLAIM)[0] - 1  # the CR is gone
    ((kind, first, second),) = [(k.type, k.from_key, k.to_key) for k in doc.links]
    assert (kind, first, second) == ("attributed_to", "11", "12")


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"relations": [{"from_id": 11, "to_id": 12, "type": "contradicts"}]},
            "line 1, relation 1: the relation type “contradicts” has no counterpart",
        ),
        (
            {"relations": [{"from_id": 11, "to_id": 99, "type": "same_as"}]},
            "line 1, relation 1: the relation points to entity 99, which is not on this line.",
        ),
        (
            {"entities": [{"id": 1, "label": "Claim", "start": 0, "end": 4}], "relations": []},
            'line 1, entity 1: {"id": 1, "label": "Claim", "start": 0, "end": 4} is '
            "not an entity with whole-number “start_offset” and “end_offset” and a “label”.",
        ),
        ({"label": [[0, 4, "Claim"]]}, "the line has both “entities” and “label”"),
        ({"spans": [{"start": 0, "end": 4, "label": "Claim"}]}, "“spans” is not read"),
    ],
)
def test_jsonl_refuses_doccano_entities_it_cannot_read_by_line(change, message):
    line = {**doccano_relations_line(TEXT), **change}
    with pytest.raises(ImportFormatError) as caught:
        read_jsonl(json.dumps(line), name="d.jsonl")
    assert message in str(caught.value)


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


# Writing


def test_it_writes_one_json_line_per_article():
    (line,) = [json.loads(chunk) for chunk in write_jsonl(known_groups())]
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
