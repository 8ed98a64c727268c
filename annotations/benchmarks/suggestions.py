"""Bench row: what the suggesters add to the entity run, per article (issue 13 asks for
at most +50 %). Median of ``runs`` passes over the held-out stories in tests/data/."""

import statistics
import time
from pathlib import Path

from django.conf import settings

from annotations import suggest
from newsdesk import ner

STORIES = Path(settings.BASE_DIR) / "tests" / "data" / "suggest_heldout"


def measure(runs: int = 5) -> dict:
    texts = [p.read_text(encoding="utf-8") for p in sorted(STORIES.glob("*.txt"))]
    nlp = suggest.load_parser(settings.NEWSDESK_SPACY_MODEL)
    lexicon = suggest.default_lexicon()
    ner.extract_mentions(texts[0])  # load both pipelines before timing
    suggest.suggest(texts[0], nlp=nlp, lexicon=lexicon)

    def per_article(run) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            for text in texts:
                run(text)
            times.append((time.perf_counter() - start) / len(texts))
        return statistics.median(times) * 1000

    entities = per_article(ner.extract_mentions)
    suggestions = per_article(lambda text: suggest.suggest(text, nlp=nlp, lexicon=lexicon))
    return {
        "name": "suggestions vs entity run (ms per article)",
        "entities_ms": round(entities, 1),
        "suggestions_ms": round(suggestions, 1),
        "added_percent": round(suggestions / entities * 100),
    }
