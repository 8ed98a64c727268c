"""Bench row: what the suggesters add to the entity run, per article (issue 13 asks for
at most +50 %). Median of ``runs`` passes over the held-out stories in tests/data/.

Three figures, measured in the same run: the entity run alone (NER-only pipeline, as
with NEWSDESK_SHARE_PARSE off); the suggesters on a parse of their own (the task that runs
when no parse is handed over); and the shared run the worker makes by default, one parse
with the whole pipeline giving the entities and the suggestions.
"""

import statistics
import time
from pathlib import Path

from django.conf import settings

from annotations import suggest
from newsdesk import ner

STORIES = Path(settings.BASE_DIR) / "tests" / "data" / "suggest_heldout"


def measure(runs: int = 9) -> dict:
    texts = [p.read_text(encoding="utf-8") for p in sorted(STORIES.glob("*.txt"))]
    nlp = suggest.load_parser(settings.NEWSDESK_SPACY_MODEL)
    lexicon = suggest.default_lexicon()
    ner.extract_mentions(texts[0])  # load both pipelines before timing
    suggest.suggest(texts[0], nlp=nlp, lexicon=lexicon)

    def shared(text: str) -> None:
        docs = ner.parse(text)
        ner.extract_mentions(text, docs=docs)
        suggest.suggest(text, nlp=None, lexicon=lexicon, docs=docs)

    runners = {
        "entities": ner.extract_mentions,
        "separate": lambda text: suggest.suggest(text, nlp=nlp, lexicon=lexicon),
        "shared": shared,
    }
    # Interleaved, so a machine busy for a while slows all three alike.
    times = {name: [] for name in runners}
    for _ in range(runs):
        for name, run in runners.items():
            start = time.process_time()
            for text in texts:
                run(text)
            times[name].append((time.process_time() - start) / len(texts) * 1000)
    ms = {name: statistics.median(values) for name, values in times.items()}
    return {
        "name": "suggestions vs entity run (ms per article)",
        "entities_ms": round(ms["entities"], 1),
        "suggestions_ms": round(ms["separate"], 1),
        "added_percent": round(ms["separate"] / ms["entities"] * 100),
        "shared_ms": round(ms["shared"], 1),
        "shared_added_percent": round((ms["shared"] - ms["entities"]) / ms["entities"] * 100),
    }
