"""Attribute schemas and the validation of a tag's values: pure functions, no database."""

import importlib

import pytest

from annotations.schema import (
    KINDS,
    TEXT_LIMIT,
    SchemaError,
    check_schema,
    clean,
    removed_values,
    uses,
)

IDENTIFICATION = ["named", "partially identified", "anonymous"]
SCHEMA = [
    {"name": "identification", "kind": "choice", "values": IDENTIFICATION},
    {"name": "roles", "kind": "multi", "values": ["official", "witness", "expert"]},
    {"name": "check-worthy", "kind": "bool"},
    {"name": "comment", "kind": "text"},
]


def required(kind: str) -> list[dict]:
    item = {"name": "field", "kind": kind, "required": True}
    if kind in ("choice", "multi"):
        item["values"] = ["a", "b"]
    return [item]


# check_schema


def test_a_schema_with_every_kind_is_accepted():
    check_schema(SCHEMA)
    check_schema([])
    assert KINDS == ("choice", "multi", "bool", "text", "entity")


def test_the_default_codebook_schemas_are_valid():
    migration = importlib.import_module("annotations.migrations.0002_default_codebook")
    for *_, attribute_schema in migration.DEFAULT_LABELS:
        check_schema(attribute_schema)
    news = importlib.import_module("annotations.migrations.0006_news_codebook")
    for attribute_schema in [*news.NEWS_SCHEMAS.values(), *news.OLD_SCHEMAS.values()]:
        check_schema(attribute_schema)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"name": "x", "kind": "text"}, "must be a list of attributes"),
        ("identification", "must be a list of attributes"),
        (None, "must be a list of attributes"),
        (["identification"], "Each attribute needs a name."),
        ([{"kind": "text"}], "Each attribute needs a name."),
        ([{"name": 3, "kind": "text"}], "Each attribute needs a name."),
        (
            [{"name": "x", "kind": "text"}, {"name": "x", "kind": "bool"}],
            "The attribute x is listed twice.",
        ),
        ([{"name": "x"}], "x: kind must be one of choice, multi, bool, text, entity."),
        ([{"name": "x", "kind": "number"}], "x: kind must be one of"),
        ([{"name": "x", "kind": "choice"}], "x: list the values to choose from."),
        ([{"name": "x", "kind": "choice", "values": []}], "x: list the values to choose from."),
        ([{"name": "x", "kind": "multi"}], "x: list the values to choose from."),
    ],
)
def test_a_bad_schema_is_refused_with_a_message(schema, message):
    with pytest.raises(SchemaError) as excinfo:
        check_schema(schema)
    assert message in str(excinfo.value)


# clean: each kind


def test_it_keeps_valid_values_of_every_kind():
    values = {
        "identification": "anonymous",
        "roles": ["witness"],
        "check-worthy": True,
        "comment": "Unnamed, but senior.",
    }
    assert clean(SCHEMA, values) == values


def test_a_choice_must_be_one_of_the_values():
    with pytest.raises(SchemaError) as excinfo:
        clean(SCHEMA, {"identification": "secret"})
    assert str(excinfo.value) == (
        "identification: “secret” is not one of named, partially identified, anonymous."
    )
    with pytest.raises(SchemaError):
        clean(SCHEMA, {"identification": ["named"]})


def test_multi_values_come_back_in_schema_order_without_repeats():
    cleaned = clean(SCHEMA, {"roles": ["expert", "official", "expert"]})
    assert cleaned == {"roles": ["official", "expert"]}


@pytest.mark.parametrize("value", [["official", "spy"], "official", [1]])
def test_multi_refuses_unknown_values_and_non_lists(value):
    with pytest.raises(SchemaError, match="roles: choose among official, witness, expert."):
        clean(SCHEMA, {"roles": value})


@pytest.mark.parametrize("value", [True, False])
def test_bool_keeps_true_and_false(value):
    assert clean(SCHEMA, {"check-worthy": value}) == {"check-worthy": value}


@pytest.mark.parametrize("value", ["yes", 1, 0, "true"])
def test_bool_refuses_anything_but_a_bool(value):
    with pytest.raises(SchemaError, match="check-worthy: answer yes or no."):
        clean(SCHEMA, {"check-worthy": value})


def test_text_is_stripped():
    assert clean(SCHEMA, {"comment": "  a note \n"}) == {"comment": "a note"}


def test_text_up_to_the_limit_is_kept_and_longer_refused():
    assert TEXT_LIMIT == 500
    assert clean(SCHEMA, {"comment": "x" * 500}) == {"comment": "x" * 500}
    with pytest.raises(SchemaError, match="comment: at most 500 characters of text."):
        clean(SCHEMA, {"comment": "x" * 501})


@pytest.mark.parametrize("value", [3, ["a"], True])
def test_text_refuses_what_is_not_a_string(value):
    with pytest.raises(SchemaError, match="comment: at most 500 characters"):
        clean(SCHEMA, {"comment": value})


# clean: required, empty and unknown


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("empty", [None, "", []], ids=["none", "empty-string", "empty-list"])
def test_a_required_attribute_cannot_be_empty(kind, empty):
    with pytest.raises(SchemaError) as excinfo:
        clean(required(kind), {"field": empty})
    assert str(excinfo.value) == "field is required."


@pytest.mark.parametrize("kind", KINDS)
def test_a_required_attribute_cannot_be_missing(kind):
    with pytest.raises(SchemaError, match="field is required."):
        clean(required(kind), {})


def test_a_required_bool_accepts_false():
    assert clean(required("bool"), {"field": False}) == {"field": False}


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"identification": "", "roles": [], "check-worthy": None, "comment": ""},
        {"identification": None, "roles": None, "comment": None},
    ],
)
def test_empty_values_are_dropped(values):
    assert clean(SCHEMA, values) == {}


def test_only_the_given_values_are_kept():
    assert clean(SCHEMA, {"identification": "named", "comment": ""}) == {"identification": "named"}


def test_unknown_attribute_names_are_refused_all_at_once():
    with pytest.raises(SchemaError) as excinfo:
        clean(SCHEMA, {"zeal": "x", "identification": "named", "agenda": ""})
    assert str(excinfo.value) == "Unknown attribute: agenda, zeal."


def test_an_empty_schema_takes_no_values():
    assert clean([], {}) == {}
    with pytest.raises(SchemaError, match="Unknown attribute: identification."):
        clean([], {"identification": "named"})


def test_schema_errors_are_value_errors():
    assert issubclass(SchemaError, ValueError)


@pytest.mark.parametrize("spaces", ["   ", " \n\t "])
def test_text_of_only_spaces_is_dropped_like_an_empty_value(spaces):
    assert clean(SCHEMA, {"comment": spaces}) == {}


def test_a_required_text_of_only_spaces_is_refused():
    with pytest.raises(SchemaError, match="field is required."):
        clean(required("text"), {"field": " \n "})


def test_a_choice_with_stray_spaces_is_read_without_them():
    assert clean(SCHEMA, {"identification": " anonymous "}) == {"identification": "anonymous"}


def test_the_text_limit_counts_the_stripped_text():
    assert clean(SCHEMA, {"comment": " " + "x" * 500 + " "}) == {"comment": "x" * 500}


# The entity kind


def test_an_entity_attribute_keeps_a_name_like_text():
    entity = [{"name": "affiliation", "kind": "entity"}]
    assert clean(entity, {"affiliation": "  Egypt "}) == {"affiliation": "Egypt"}
    assert clean(entity, {"affiliation": ""}) == {}
    with pytest.raises(SchemaError):
        clean(entity, {"affiliation": ["Egypt"]})
    with pytest.raises(SchemaError):
        clean(entity, {"affiliation": "x" * (TEXT_LIMIT + 1)})


# Retired values

RETIRING = [
    {
        "name": "identification",
        "kind": "choice",
        "values": ["named", "anonymous"],
        "retired": ["partially identified"],
    },
    {"name": "roles", "kind": "multi", "values": ["official", "expert"], "retired": ["witness"]},
]


def test_a_retired_value_is_not_open_to_new_choices():
    with pytest.raises(SchemaError) as excinfo:
        clean(RETIRING, {"identification": "partially identified"})
    assert str(excinfo.value) == (
        "identification: “partially identified” is not one of named, anonymous."
    )
    with pytest.raises(SchemaError):
        clean(RETIRING, {"roles": ["witness"]}, previous={"roles": ["official"]})


def test_a_tag_that_has_a_retired_value_keeps_it():
    previous = {"identification": "partially identified", "roles": ["witness", "official"]}
    assert clean(RETIRING, dict(previous), previous=previous) == {
        "identification": "partially identified",
        "roles": ["official", "witness"],
    }
    # …and can leave it for an offered value.
    assert clean(RETIRING, {"identification": "named"}, previous=previous) == {
        "identification": "named"
    }


@pytest.mark.parametrize(
    ("retired", "message"),
    [
        ("partially identified", "retired must be a list of values"),
        ([3], "retired must be a list of values"),
        (["named"], "named cannot be both offered and retired"),
    ],
)
def test_a_bad_retired_list_is_refused(retired, message):
    item = {"name": "identification", "kind": "choice", "values": ["named"], "retired": retired}
    with pytest.raises(SchemaError) as excinfo:
        check_schema([item])
    assert message in str(excinfo.value)


def test_removed_values_are_those_neither_offered_nor_retired():
    old = [
        {"name": "identification", "kind": "choice", "values": IDENTIFICATION},
        {"name": "comment", "kind": "text"},
        {"name": "roles", "kind": "multi", "values": ["official", "witness"]},
    ]
    new = [
        {
            "name": "identification",
            "kind": "choice",
            "values": ["named", "anonymous"],
            "retired": ["partially identified"],
        },
        {"name": "roles", "kind": "multi", "values": ["official"]},
    ]
    assert removed_values(old, new) == {"comment": {None}, "roles": {"witness"}}
    assert removed_values(old, old) == {}


def test_uses_reads_single_and_multiple_values():
    stored = {"identification": "anonymous", "roles": ["witness"]}
    assert uses(stored, "identification", "anonymous")
    assert not uses(stored, "identification", "named")
    assert uses(stored, "roles", "witness")
    assert uses(stored, "roles", None)
    assert not uses(stored, "comment", None)
