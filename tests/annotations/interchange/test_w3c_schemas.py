"""The W3C export validates against the W3C Web Annotation test suite's JSON schemas.

The suite (../shared/interop/w3c-web-annotation-tests/) lists its "must" assertions in
``*.test`` manifests: ``collections/collectionMusts.test`` for an AnnotationCollection,
``collections/pages/pageMusts.test`` for the page embedded as ``first`` and
``annotations/annotationMusts.test`` for each annotation. Each assertion is a draft-04
schema with an ``expectedResult``; the shared ``definitions/`` are referenced by bare
file name, so they go into a ``referencing`` registry under those names.
"""

import json
from datetime import datetime
from functools import cache

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations import services
from tests.annotations.interchange.files import W3C_SUITE, body, export_url

pytestmark = pytest.mark.skipif(
    not W3C_SUITE.is_dir(), reason=f"the W3C Web Annotation test suite is not at {W3C_SUITE}"
)


@cache
def registry() -> Registry:
    resources = []
    for path in sorted((W3C_SUITE / "definitions").glob("*.json")):
        resources.append((path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT4)))
    return Registry().with_resources(resources)


@cache
def assertions(manifest: str) -> list[tuple[str, dict]]:
    listed = json.loads((W3C_SUITE / manifest).read_text())["assertions"]
    return [(name, json.loads((W3C_SUITE / name).read_text())) for name in listed]


def failures(document: dict, manifest: str) -> list[str]:
    """The assertions of ``manifest`` whose result contradicts their expectedResult."""
    failed = []
    for name, schema in assertions(manifest):
        valid = Draft4Validator(schema, registry=registry()).is_valid(document)
        if valid != (schema.get("expectedResult", "valid") == "valid"):
            failed.append(f"{name}: {schema.get('errorMessage', '')}")
    return failed


def test_the_harness_rejects_an_incorrect_sample_and_accepts_a_correct_one():
    """The harness can fail: a sample the suite calls incorrect fails an assertion."""
    incorrect = json.loads((W3C_SUITE / "tools/samples/incorrect/anno2.json").read_text())
    assert failures(incorrect, "annotations/annotationMusts.test")
    correct = json.loads((W3C_SUITE / "tools/samples/correct/anno23.json").read_text())
    assert failures(correct, "annotations/annotationMusts.test") == []
    collection = json.loads((W3C_SUITE / "tools/samples/correct/collection1.json").read_text())
    assert failures(collection, "collections/collectionMusts.test") == []


@pytest.fixture
def exported(known, alice, article, alice_client, staff_client, official_label, tag):
    """alice's and bob's tags on the article, every kind of body included."""
    official = tag(
        article,
        alice,
        official_label,
        "Iran's state news agency",
        attributes={"identification": "named", "office": "state media"},
        note="State outlet",
    )
    services.relation_create(
        from_annotation=known["source"], to_annotation=official, type="same_as"
    )
    return json.loads(body(staff_client.get(export_url(article, "w3c"))))


def test_the_collection_meets_every_collection_must(exported):
    assert failures(exported, "collections/collectionMusts.test") == []


def test_its_page_meets_every_page_must(exported):
    page = {"@context": exported["@context"], **exported["first"]}  # inherits the context
    assert failures(page, "collections/pages/pageMusts.test") == []
    # pageMusts also takes "an Annotation Collection with an embedded Page"
    assert failures(exported, "collections/pages/pageMusts.test") == []


def test_each_annotation_meets_every_annotation_must(exported):
    items = exported["first"]["items"]
    assert len(items) == exported["total"] == 4
    purposes = {b["purpose"] for item in items for b in item["body"]}
    assert purposes == {"tagging", "classifying", "commenting", "linking", "identifying"}
    for item in items:
        # Items inherit the collection's @context (JSON-LD): checked as standalone documents.
        standalone = {"@context": exported["@context"], **item}
        assert failures(standalone, "annotations/annotationMusts.test") == [], item["id"]


def test_its_times_are_utc_date_times(exported):
    for item in exported["first"]["items"]:
        for key in ("created", "modified"):
            assert item[key].endswith("Z")
            assert datetime.fromisoformat(item[key]).utcoffset().total_seconds() == 0


def test_a_broken_export_would_fail(exported):
    """Remove what the model requires and the same harness reports it."""
    item = {"@context": exported["@context"], **exported["first"]["items"][0]}
    del item["target"]
    assert failures(item, "annotations/annotationMusts.test")
    broken = {**exported, "first": {**exported["first"], "type": "Page"}}
    assert failures(broken, "collections/collectionMusts.test")
