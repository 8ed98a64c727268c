"""Attribute schemas for labels, and validation of a tag's values. Pure, no Django.

A schema is a list of attributes, each a dict:
``{"name": "identification", "kind": "choice", "values": ["named", "anonymous"],
"required": false}``. Kinds: ``choice`` (one of values), ``multi`` (a list of values),
``bool`` (yes/no), ``text`` (free text) and ``entity`` (the name of a named entity, as
the article's entity list spells it, or free text when it is not there).

A choice or multi attribute may list ``retired`` values: no longer offered, but tags that
have them keep them, so changing a codebook never silently breaks existing tags.
"""

from typing import Any

KINDS = ("choice", "multi", "bool", "text", "entity")
TEXT_LIMIT = 500
# A tag's note: room for a paragraph of reasoning, not for pasting the article into it.
NOTE_LIMIT = 5000


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
        retired = item.get("retired", [])
        if not isinstance(retired, list) or not all(isinstance(v, str) for v in retired):
            raise SchemaError(f"{item['name']}: retired must be a list of values.")
        if both := sorted(set(retired) & set(item.get("values", []))):
            raise SchemaError(
                f"{item['name']}: {', '.join(both)} cannot be both offered and retired."
            )


def removed_values(old: list[dict], new: list[dict]) -> dict[str, set[str]]:
    """Values that ``new`` neither offers nor keeps as retired, per attribute name.

    An attribute dropped altogether counts as all its values removed; ``None`` stands for
    the attribute itself, so that free-text attributes are covered too.
    """
    kept = {item["name"]: item for item in new}
    removed: dict[str, set] = {}
    for item in old:
        if (now := kept.get(item["name"])) is None or now["kind"] != item["kind"]:
            removed[item["name"]] = {None}
            continue
        still = set(now.get("values", [])) | set(now.get("retired", []))
        if gone := (set(item.get("values", [])) | set(item.get("retired", []))) - still:
            removed[item["name"]] = gone
    return removed


def uses(values: dict[str, Any], name: str, value: str | None) -> bool:
    """Whether a tag's stored values use ``value`` of ``name`` (any value for None)."""
    if name not in values:
        return False
    stored = values[name]
    if value is None:
        return True
    return value in stored if isinstance(stored, list) else stored == value


def clean(
    schema: list[dict], values: dict[str, Any], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validated values; empty values are dropped, unknown names refused.

    A retired value is accepted only where the tag had it already (``previous``).
    """
    previous = previous or {}
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
        had = previous.get(name)
        kept = {
            v for v in item.get("retired", []) if had == v or (isinstance(had, list) and v in had)
        }
        allowed = [*item.get("values", []), *sorted(kept)]
        if kind == "choice" and value not in allowed:
            raise SchemaError(f"{name}: “{value}” is not one of {', '.join(item['values'])}.")
        if kind == "multi":
            if not isinstance(value, list) or any(v not in allowed for v in value):
                raise SchemaError(f"{name}: choose among {', '.join(item['values'])}.")
            value = [v for v in allowed if v in value]
        if kind == "bool" and not isinstance(value, bool):
            raise SchemaError(f"{name}: answer yes or no.")
        if kind in ("text", "entity") and (not isinstance(value, str) or len(value) > TEXT_LIMIT):
            raise SchemaError(f"{name}: at most {TEXT_LIMIT} characters of text.")
        cleaned[name] = value
    return cleaned


def clean_note(note: str) -> str:
    """A tag's note, stripped, or SchemaError when it is longer than NOTE_LIMIT."""
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise SchemaError(
            f"Note: at most {NOTE_LIMIT:,} characters; this one has {len(note):,}. "
            "Nothing was saved."
        )
    return note
