"""W3C Web Annotation: the reader and the writer. Pure, no database.

The export's validation against the W3C test suite's schemas is in test_w3c_schemas.py.
"""

import json

import pytest

from annotations.interchange import records
from annotations.interchange.records import ImportFormatError
from annotations.interchange.w3c import read_w3c, write_w3c
from tests.annotations.interchange.files import INTEROP, SOURCE, known_groups

W3C_SAMPLES = INTEROP / "w3c-web-annotation-tests" / "tools" / "samples"


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


# Writing


def test_it_writes_a_w3c_collection():
    links = records.Links(
        "https://nd.example/export/",
        "https://nd.example/tags/{}/",
        "https://nd.example/articles/{}/",
    )
    data = json.loads("".join(write_w3c(known_groups(), total=2, links=links, label="x")))
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
