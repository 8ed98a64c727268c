"""Small helpers for the workbench's hottest reads, written as SQL rather than built by
the ORM on every call.

Each tag write runs a handful of reads; the ORM spends 0.2–0.5 ms compiling each one,
more than the database takes to answer it (SQLite, the bench's 100,000-character article:
0.52 ms for the tags of one stretch through the ORM, 0.03 ms as the same SQL). Only reads
that every write or the long page runs are written out; each has a test comparing it with
the ORM query it replaces (tests/annotations/test_sql.py). Names are quoted by the
database's own rules, values are always parameters.
"""

import json

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def name(column: str) -> str:
    return connection.ops.quote_name(column)


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def json_value(value):
    """A JSON column as Python: SQLite and Django's psycopg setup both hand it over as text."""
    return json.loads(value) if isinstance(value, str) else value


def boolean(value) -> bool:
    """A boolean column or EXISTS as Python (SQLite answers 0/1)."""
    return bool(value)
