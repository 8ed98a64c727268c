"""The CSV export: one row per tag, one column per attribute. Pure, no Django.

Named table.py so as not to shadow the standard library's csv module, which writes it.
Every text cell that a spreadsheet would run as a formula (OWASP, "CSV Injection": it
starts with =, +, -, @, a tab or a carriage return) is written with a ' before it, which
spreadsheets read as "this is text". The other formats keep every value exactly.
"""

import csv
from collections.abc import Iterable, Iterator

from annotations.interchange.records import (
    ATTRIBUTED_TO,
    SAME_AS,
    Group,
    attribute_text,
    iso,
    tags_of,
)


def _ids(relations: list[tuple[str, int]], kind: str) -> str:
    return "; ".join(str(other) for rtype, other in relations if rtype == kind)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell that a spreadsheet shows and never runs."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Line:
    """A file-like object whose write returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


CSV_HEAD = ["tag_id", "article_id", "article_title", "annotator", "label", "category"]
CSV_TAIL = ["note", "source_ids", "same_as_ids", "origin", "created_at"]


def write_csv(
    groups: Iterable[Group], attribute_names: list[str], *, offsets: bool = False
) -> Iterator[str]:
    """One row per tag; one ``attr:<name>`` column per attribute name given.

    ``offsets``: an ``offsets`` column after ``end`` says which text start and end count
    in (``original`` file or ``stored`` text), for an original-offsets export.
    """
    writer = csv.writer(_Line(), lineterminator="\r\n")
    where = ["offsets"] if offsets else []
    yield writer.writerow(
        [
            *CSV_HEAD,
            "start",
            "end",
            *where,
            "quote",
            *(f"attr:{n}" for n in attribute_names),
            *CSV_TAIL,
        ]
    )
    for article, tag in tags_of(groups):
        values = tag.attributes
        yield writer.writerow(
            [
                tag.id,
                article.id,
                text_cell(article.title),
                text_cell(tag.annotator),
                text_cell(tag.label),
                tag.category,
                tag.start,
                tag.end,
                *([article.offsets] if offsets else []),
                text_cell(tag.quote),
                *(text_cell(attribute_text(values.get(name))) for name in attribute_names),
                text_cell(tag.note),
                _ids(tag.relations, ATTRIBUTED_TO),
                _ids(tag.relations, SAME_AS),
                tag.origin,
                iso(tag.created_at),
            ]
        )
