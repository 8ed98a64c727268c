"""Shared by the interchange tests: a small known set of records, and file readers."""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from annotations.interchange import records

# Third-party samples beside the repository: brat's example data, the W3C test suite.
INTEROP = Path(__file__).resolve().parents[4] / "shared" / "interop"
BRAT = INTEROP / "brat-example-data"
CONLL = BRAT / "corpora" / "CoNLL-ST_2002"
NEWS = BRAT / "tutorials" / "news"
W3C_SUITE = INTEROP / "w3c-web-annotation-tests"

EMOJI_TEXT = "Crowds 👋🏽 cheered 🙂 as Ana Ruiz said the 🇪🇸 team “won”.\n\nOfficials agreed."


MOMENT = datetime(2024, 2, 13, 10, 30, 5, tzinfo=UTC)


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def brat(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def export_url(article, fmt, **params):
    query = "&".join(f"{k}={v}" for k, v in {"format": fmt, **params}.items())
    return f"/articles/{article.pk}/export/?{query}"


SCHEMA = [
    {"name": "identification", "kind": "choice", "values": ["named", "anonymous"]},
    {"name": "roles", "kind": "multi", "values": ["press office", "military"]},
    {"name": "verified", "kind": "bool"},
    {"name": "office", "kind": "text"},
]


def known_groups() -> list[records.Group]:
    article = records.ArticleRecord(
        id=7,
        title="Talks, “in Cairo”",
        outlet="EFE",
        published_on=date(2024, 2, 13),
        text=EMOJI_TEXT,
        entities=[(23, 31, "PERSON", "Ana Ruiz")],
    )
    start = EMOJI_TEXT.index("Ana")
    source = records.TagRecord(
        id=11,
        article_id=7,
        annotator="alice",
        label="Official source",
        category="source",
        start=start,
        end=start + 8,
        quote="Ana Ruiz",
        prefix="eered 🙂 as ",
        suffix=" said",
        attributes={
            "identification": "named",
            "roles": ["press office", "military"],
            "verified": True,
            "office": "Ministry of sport",
        },
        schema=SCHEMA,
        note="Named,\nwith her role",
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    claim_start = EMOJI_TEXT.index("the 🇪🇸")
    claim = records.TagRecord(
        id=12,
        article_id=7,
        annotator="alice",
        label="Claim",
        category="claim",
        start=claim_start,
        end=claim_start + len("the 🇪🇸 team “won”"),
        quote="the 🇪🇸 team “won”",
        attributes={"verified": False},
        schema=[{"name": "verified", "kind": "bool"}],
        created_at=MOMENT,
        updated_at=MOMENT,
        relations=[("attributed_to", 11), ("same_as", 99)],
    )
    return [records.Group(article, "alice", [source, claim])]


# What the readers are given

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
