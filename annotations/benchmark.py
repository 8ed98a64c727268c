"""A synthetic long article with many entity mentions and tags, for the bench commands."""

import random
import time
import tracemalloc
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from annotations import export_feed, exports, spans
from annotations.models import Annotation, Label, Relation
from newsdesk import ingest
from newsdesk.models import Article, EntityMention

WORDS = [
    "the",
    "minister",
    "said",
    "officials",
    "would",
    "meet",
    "on",
    "talks",
    "about",
    "ceasefire",
    "aid",
    "border",
    "security",
    "delegation",
    "reported",
    "according",
    "to",
    "sources",
    "agency",
    "government",
    "military",
    "statement",
    "claimed",
    "people",
    "killed",
    "injured",
    "city",
    "region",
    "council",
    "court",
    "police",
    "protest",
    "election",
    "economy",
    "prices",
    "hospital",
    "water",
    "power",
    "schools",
    "workers",
    "union",
    "strike",
    "plan",
    "report",
    "figures",
    "week",
    "month",
    "year",
]
NAMES = [
    ("Cairo", "GPE"),
    ("Doha", "GPE"),
    ("Hamas", "ORG"),
    ("Mossad", "ORG"),
    ("Abbas Kamel", "PERSON"),
    ("Ismail Haniyeh", "PERSON"),
    ("Egyptian", "NORP"),
    ("Tuesday", "DATE"),
]


@dataclass
class Corpus:
    article: Article
    user: object
    others: list
    labels: list[Label]


def _text(rng: random.Random, length: int) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Paragraphs of words with named entities sprinkled in; returns text and mentions."""
    parts, mentions, size, sentence_words = [], [], 0, 0
    while size < length:
        if rng.random() < 0.2:
            name, label = rng.choice(NAMES)
            mentions.append((size, size + len(name), label, name))
            word = name
        else:
            word = rng.choice(WORDS)
        sentence_words += 1
        if sentence_words > 14 and rng.random() < 0.2:
            word += "." if rng.random() < 0.85 else ".\n\n"
            sentence_words = 0
        piece = word if word.endswith("\n\n") else word + " "
        parts.append(piece)
        size += len(piece)
    text = "".join(parts)[:length].rstrip() + "."
    return text, [m for m in mentions if m[1] <= len(text) - 1]


def build(
    *,
    length: int = 100_000,
    tags: int = 1_000,
    other_tags: int = 1_000,
    seed: int = 7,
    username: str = "bench-annotator",
) -> Corpus:
    rng = random.Random(seed)
    User = get_user_model()
    user = User.objects.create_user(f"{username}-{seed}-{tags}", password="bench-password-1")
    others = [User.objects.create_user(f"bench-other-{seed}-{tags}-{n}") for n in range(2)]
    text, mentions = _text(rng, length)
    text = ingest.parse(text).text
    article = Article.objects.create(
        title=f"Synthetic long article ({len(text):,} characters)",
        text=text,
        sha256=ingest.sha256(text),
        status=Article.Status.READY,
        uploaded_by=user,
    )
    EntityMention.objects.bulk_create(
        EntityMention(article=article, start=s, end=e, label=label, text=name)
        for s, e, label, name in mentions
    )
    labels = list(Label.objects.filter(codebook__is_default=True))
    rows, seen = [], set()
    for owner, count in [(user, tags), *((o, other_tags // len(others)) for o in others)]:
        made = 0
        while made < count:
            start, end = random_span(rng, text)
            label = rng.choice(labels)
            if (owner.pk, label.pk, start, end) in seen:
                continue  # the same words and label twice is refused, as in the app
            seen.add((owner.pk, label.pk, start, end))
            made += 1
            prefix, suffix = spans.context(text, start, end)
            rows.append(
                Annotation(
                    article=article,
                    owner=owner,
                    label=label,
                    start=start,
                    end=end,
                    quote=text[start:end],
                    prefix=prefix,
                    suffix=suffix,
                )
            )
    Annotation.objects.bulk_create(rows, batch_size=500)
    return Corpus(article=article, user=user, others=others, labels=labels)


def random_span(rng: random.Random, text: str, words: int = 8) -> tuple[int, int]:
    """A span of whole words (as the workbench stores them) somewhere in the text."""
    while True:
        start = rng.randrange(0, len(text) - 200)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = start
        for _ in range(rng.randint(1, words)):
            end = text.find(" ", end + 1)
        if end > start:
            try:
                return spans.snap(text, start, end)
            except spans.SpanError:
                continue


# Exports -------------------------------------------------------------------------------

EXPORT_TARGET_SECONDS = 5.0


def build_export_corpus(*, tags: int, per_article: int = 1_000, seed: int = 5) -> list[int]:
    """Articles of about 20,000 characters with ``per_article`` tags each (``tags`` in all),
    by three annotators, with attributes, notes and claim → source links; returns the
    articles' ids."""
    rng = random.Random(seed)
    User = get_user_model()
    owners = [User.objects.create_user(f"export-{seed}-{tags}-{n}") for n in range(3)]
    labels = list(Label.objects.filter(codebook__is_default=True))
    made, ids = 0, []
    while made < tags:
        text, _ = _text(rng, 20_000)
        text = ingest.parse(text).text
        article = Article.objects.create(
            title=f"Synthetic article {made // per_article + 1}",
            text=text,
            sha256=ingest.sha256(text),
            status=Article.Status.READY,
        )
        ids.append(article.pk)
        rows, seen = [], set()
        while len(rows) < min(per_article, tags - made):
            start, end = random_span(rng, text)
            owner, label = owners[len(rows) % 3], rng.choice(labels)
            if (owner.pk, label.pk, start, end) in seen:
                continue
            seen.add((owner.pk, label.pk, start, end))
            prefix, suffix = spans.context(text, start, end)
            attributes = {}
            if label.attribute_schema and rng.random() < 0.5:
                item = label.attribute_schema[0]
                attributes = {item["name"]: True if item["kind"] == "bool" else item["values"][0]}
            rows.append(
                Annotation(
                    article=article,
                    owner=owner,
                    label=label,
                    start=start,
                    end=end,
                    quote=text[start:end],
                    prefix=prefix,
                    suffix=suffix,
                    attributes=attributes,
                    note="Checked against the agency wire." if rng.random() < 0.1 else "",
                )
            )
        rows = Annotation.objects.bulk_create(rows, batch_size=500)
        claims = [r for r in rows if r.label.category == "claim"]
        sources = {r.owner_id: r for r in rows if r.label.category == "source"}
        Relation.objects.bulk_create(
            Relation(from_annotation=claim, to_annotation=sources[claim.owner_id])
            for claim in claims
            if claim.owner_id in sources
        )
        made += len(rows)
    return ids


def export_figures(sizes=(10_000, 100_000)) -> list[dict]:
    """Time and peak traced memory of a full export, per format, at each size.

    Each size is built in its own transaction, measured, then rolled back. Time is taken
    without tracing (tracemalloc slows Python down); memory in a second, traced run.
    """
    links = exports.Links(
        "http://bench/export/", "http://bench/tags/{}/", "http://bench/articles/{}/"
    )
    figures = []
    for size in sizes:
        with transaction.atomic():
            ids = build_export_corpus(tags=size, seed=size)
            articles = Article.objects.filter(pk__in=ids)
            chosen = export_feed.selection(export_feed.Scope(None, None), articles)
            made = chosen.tags.count()
            for fmt in exports.FORMATS:
                began = time.perf_counter()
                size_bytes = _export_bytes(fmt, chosen, links)
                seconds = time.perf_counter() - began
                tracemalloc.start()
                _export_bytes(fmt, chosen, links)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                figures.append(
                    {
                        "name": f"export {fmt} ({made:,} tags)",
                        "seconds": round(seconds, 2),
                        "peak_mb": round(peak / 2**20, 1),
                        "output_mb": round(size_bytes / 2**20, 1),
                        "target_s": EXPORT_TARGET_SECONDS,
                    }
                )
            transaction.set_rollback(True)
    return figures


def _export_bytes(fmt: str, chosen, links) -> int:
    chunks = export_feed.encoded(export_feed.stream(fmt, chosen, links=links, label="bench"))
    return sum(len(chunk) for chunk in chunks)


def export_table(figures: list[dict]) -> str:
    lines = [
        "Exports, everyone's tags, streamed and discarded (peak: tracemalloc, a second run)",
        f"{'measurement':<34} {'seconds':>8} {'peak MB':>8} {'file MB':>8} {'target':>8}",
    ]
    for f in figures:
        verdict = "ok" if f["seconds"] <= f["target_s"] else "OVER"
        lines.append(
            f"{f['name']:<34} {f['seconds']:>8.2f} {f['peak_mb']:>8.1f} {f['output_mb']:>8.1f} "
            f"{'<= ' + str(f['target_s']):>8}  {verdict}"
        )
    return "\n".join(lines)
