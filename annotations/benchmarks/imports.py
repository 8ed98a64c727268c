"""Bulk-import throughput: a zip of small synthetic articles through the batch path, with NER
and tag suggestions.

Used by ``manage.py bench --imports N``. The articles are written here from word lists
(no real text ships as demo content); each is distinct, so none is a duplicate.
"""

import io
import logging
import random
import time
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test.utils import override_settings

from annotations import suggest
from newsdesk import import_batches, ner
from newsdesk.models import Article, ImportItem

PEOPLE = ["Maria Lopez", "Ahmed Nasser", "Jane Okafor", "Tom Becker", "Li Wei", "Ana Ruiz"]
PLACES = ["Cairo", "Valencia", "Nairobi", "Hamburg", "Doha", "Lima", "Oslo", "Manila"]
BODIES = ["the port authority", "the health ministry", "the city council", "the union"]
VERBS = ["said", "confirmed", "denied", "warned", "announced"]
THINGS = ["a strike", "new flood defences", "a vaccine trial", "a ceasefire", "higher fares"]


def build_zip(count: int, *, seed: int = 5) -> bytes:
    """A zip of ``count`` plain-text articles of about 120 words each."""
    rng = random.Random(seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(count):
            sentences = [
                f"{rng.choice(PEOPLE)} of {rng.choice(BODIES)} {rng.choice(VERBS)} on "
                f"{rng.choice(['Monday', 'Tuesday', 'Friday'])} in {rng.choice(PLACES)} that "
                f"{rng.choice(THINGS)} would follow within {rng.randint(2, 90)} days."
                for _ in range(8)
            ]
            text = f"Report {number} from {rng.choice(PLACES)}\n\n" + " ".join(sentences)
            archive.writestr(f"synthetic/report-{number:05d}.txt", text)
    return buffer.getvalue()


class _ZipUpload:
    def __init__(self, data: bytes) -> None:
        self.name, self.size, self._data = "bench.zip", len(data), data

    def read(self) -> bytes:
        return self._data


def measure_import(count: int) -> dict:
    """Import ``count`` articles from one zip through the batch path, NER included.

    Tasks run immediately in this process (the import, then each article's entity
    extraction and tag suggestions), so the time covers reading, saving, NER and the
    parse. Run it in a throwaway database: it creates a user and ``count`` articles.
    """
    # Load the spaCy pipelines outside the timing.
    ner.extract_mentions("Warm-up in Cairo.")
    suggest.load_parser(settings.NEWSDESK_SPACY_MODEL)("Warm-up in Cairo.")
    user = get_user_model().objects.create_user(f"bench-import-{time.time_ns()}")
    data = build_zip(count)
    before = Article.objects.count()
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Two log lines per task would be thousands of lines here, and time spent writing them.
    task_log = logging.getLogger("django.tasks")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(TASKS=immediate, NEWSDESK_MAX_ZIP_MEMBERS=max(count, 2000)):
            began = time.perf_counter()
            entries = import_batches.import_entries([_ZipUpload(data)])
            batch = import_batches.import_batch_create(user=user, name="bench.zip", entries=entries)
            seconds = time.perf_counter() - began
    finally:
        task_log.setLevel(level)
    imported = batch.items.filter(status=ImportItem.Status.IMPORTED).count()
    ready = Article.objects.filter(import_items__batch=batch, status=Article.Status.READY).count()
    if imported != count or ready != count or Article.objects.count() - before != count:
        raise RuntimeError(f"Expected {count} imported articles with entities, got {ready}.")
    return {
        "name": f"import {count:,} articles from a zip, with NER and suggestions",
        "articles": count,
        "zip_bytes": len(data),
        "seconds": round(seconds, 2),
        "articles_per_minute": round(count / seconds * 60),
    }
