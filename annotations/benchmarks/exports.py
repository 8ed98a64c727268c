"""Export throughput: every format on 10,000 and 100,000 tags, with the peak memory."""

import random
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.db import transaction

from annotations import services
from annotations.benchmarks.corpus import random_span, synthetic_text
from annotations.interchange import export_feed, records
from annotations.models import Annotation, Label, Relation
from newsdesk import ingest
from newsdesk.models import Article

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
        text, _ = synthetic_text(rng, 20_000)
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
            attributes = {}
            if label.attribute_schema and rng.random() < 0.5:
                item = label.attribute_schema[0]
                attributes = {item["name"]: True if item["kind"] == "bool" else item["values"][0]}
            rows.append(
                services.annotation_on_text(
                    article=article,
                    owner=owner,
                    label=label,
                    start=start,
                    end=end,
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
    links = records.Links(
        "http://bench/export/", "http://bench/tags/{}/", "http://bench/articles/{}/"
    )
    figures = []
    for size in sizes:
        with transaction.atomic():
            ids = build_export_corpus(tags=size, seed=size)
            articles = Article.objects.filter(pk__in=ids)
            chosen = export_feed.selection(export_feed.Scope(None, None), articles)
            made = chosen.tags.count()
            for fmt in records.FORMATS:
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
