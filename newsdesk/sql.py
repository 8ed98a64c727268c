"""Small helpers for the hottest reads (each request's session and user, the workbench's
tags), written as SQL rather than built by the ORM on every call.

Each tag write runs a handful of reads; the ORM spends 0.2–0.5 ms compiling each one,
more than the database takes to answer it (SQLite, the bench's 100,000-character article:
0.52 ms for the tags of one stretch through the ORM, 0.03 ms as the same SQL). Only reads
that every write or the long page runs are written out; each has a test comparing it with
the ORM query it replaces (tests/annotations/test_sql.py). Names are quoted by the
database's own rules, values are always parameters.
"""

import json

from django.db import connection

# The largest id a 64-bit key holds: a larger one in a URL names nothing (and SQLite
# refuses the parameter rather than finding no row).
LARGEST_ID = 2**63 - 1


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def name(column: str) -> str:
    return connection.ops.quote_name(column)


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: list) -> int:
    """A written-out write; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def json_value(value):
    """A JSON column as Python: SQLite and Django's psycopg setup both hand it over as text."""
    return json.loads(value) if isinstance(value, str) else value


def boolean(value) -> bool:
    """A boolean column or EXISTS as Python (SQLite answers 0/1)."""
    return bool(value)


class Loader:
    """Model instances from a written-out SELECT: the columns of ``model`` under ``alias``,
    converted as the ORM converts them (dates, JSON, booleans), built with ``from_db``.

    The column list and the converters are worked out on first use (one database per
    process).
    """

    def __init__(self, model, alias: str):
        self.model, self.alias = model, alias
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self._converters = None
        self._columns = None

    def columns(self) -> str:
        if self._columns is None:
            self._columns = ", ".join(f"{self.alias}.{name(f.column)}" for f in self.fields)
        return self._columns

    def converters(self) -> list:
        if self._converters is None:
            found = []
            for field in self.fields:
                column = field.get_col(self.alias)
                convs = connection.ops.get_db_converters(column) + field.get_db_converters(
                    connection
                )
                found.append((convs, column))
            self._converters = found
        return self._converters

    def get(self, pk):
        """The instance with this primary key, or None: one SELECT."""
        if isinstance(pk, int) and not 0 < pk <= LARGEST_ID:
            return None  # an id the database cannot hold names no row
        meta = self.model._meta
        found = fetch(
            f"SELECT {self.columns()} FROM {table(self.model)} {self.alias} "
            f"WHERE {self.alias}.{name(meta.pk.column)} = %s",
            [pk],
        )
        return self.build(found[0]) if found else None

    def build(self, values):
        converted = []
        for value, (convs, column) in zip(values, self.converters(), strict=True):
            for convert in convs:
                value = convert(value, column, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.names, converted)
