"""Attribute schemas for labels, and validation of a tag's values. Pure, no Django.

A schema is a list of attributes, each a dict:
``{"name": "identification", "kind": "choice", "values": ["named", "anonymous"],
"required": false}``. Kinds: ``choice`` (one of values), ``multi`` (a list of values),
``bool`` (yes/no) and ``text`` (free text).
"""

from typing import Any

KINDS = ("choice", "multi", "bool", "text")
TEXT_LIMIT = 500


class SchemaError(ValueError):
    """Values that do not fit the label's schema; the message is meant for the user."""


def check_schema(schema: Any) -> None:
    if not isinstance(schema, list):
        raise SchemaError("The attribute schema must be a list of attributes.")
    names = set()
    for item in schema:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SchemaError("Each attribute needs a name.")
        if item["name"] in names:
            raise SchemaError(f"The attribute {item['name']} is listed twice.")
        names.add(item["name"])
        if item.get("kind") not in KINDS:
            raise SchemaError(f"{item['name']}: kind must be one of {', '.join(KINDS)}.")
        if item["kind"] in ("choice", "multi") and not item.get("values"):
            raise SchemaError(f"{item['name']}: list the values to choose from.")


def clean(schema: list[dict], values: dict[str, Any]) -> dict[str, Any]:
    """Validated values; empty values are dropped, unknown names refused."""
    known = {item["name"]: item for item in schema}
    if unknown := sorted(set(values) - set(known)):
        raise SchemaError(f"Unknown attribute: {', '.join(unknown)}.")
    cleaned: dict[str, Any] = {}
    for name, item in known.items():
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "", []):
            if item.get("required"):
                raise SchemaError(f"{name} is required.")
            continue
        kind = item["kind"]
        if kind == "choice" and value not in item["values"]:
            raise SchemaError(f"{name}: “{value}” is not one of {', '.join(item['values'])}.")
        if kind == "multi":
            if not isinstance(value, list) or any(v not in item["values"] for v in value):
                raise SchemaError(f"{name}: choose among {', '.join(item['values'])}.")
            value = [v for v in item["values"] if v in value]
        if kind == "bool" and not isinstance(value, bool):
            raise SchemaError(f"{name}: answer yes or no.")
        if kind == "text" and (not isinstance(value, str) or len(value) > TEXT_LIMIT):
            raise SchemaError(f"{name}: at most {TEXT_LIMIT} characters of text.")
        cleaned[name] = value
    return cleaned
