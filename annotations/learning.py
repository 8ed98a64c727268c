"""A span model that learns from the team's tags: split, train, score, predict (pure).

No database here: the service (``annotations.suggester_models``) reads the tags and stores
the figures; this module gets texts with spans and gives back models and figures. One small
spaCy NER per category (claim, source, framing), because the categories overlap (a framing
word inside a claim) and one NER layer cannot hold overlapping spans.
"""

import hashlib
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.ner import paragraphs

# One NER label inside each per-category model: the category is the model's name.
SPAN = "SPAN"
# An article is held out when its text's digest falls in this share: the same articles on
# every machine and database, and an article's tags never straddle training and scoring.
HELD_OUT_BUCKETS = 5  # one in five


# spaCy's default NER network, narrower (64 wide, 2 layers deep instead of 96 and 4): a
# codebook's tags are hundreds to thousands of spans, not OntoNotes' million words, and
# training on the worker's CPU stays in minutes.
MODEL = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 64,
        "depth": 2,
        "embed_size": 2000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}
LEARN_RATE = 0.005


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    category: str


@dataclass
class Document:
    """An article's text and the spans the team marked on it (any coder, deduplicated)."""

    key: str  # the text's SHA-256: decides the split
    text: str
    spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "predicted": self.predicted,
            "gold": self.gold,
        }


def is_held_out(key: str) -> bool:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % HELD_OUT_BUCKETS == 0


def split(documents: Iterable[Document]) -> tuple[list[Document], list[Document]]:
    """(training, held out), by article."""
    training, held_out = [], []
    for document in documents:
        (held_out if is_held_out(document.key) else training).append(document)
    return training, held_out


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def blank(language: str):
    import spacy

    try:
        return spacy.blank(language)
    except ImportError:  # no tokenizer rules for that language: the multi-language one
        return spacy.blank("xx")


def train(
    documents: list[Document], *, category: str, language: str, iterations: int, seed: int = 0
):
    """A spaCy pipeline (tokenizer and NER) that marks the category's spans, or None when
    the documents have none of them. Trained paragraph by paragraph; spans across a
    paragraph break, or not on token boundaries even once widened, are left out."""
    import spacy
    from spacy.training import Example
    from spacy.util import minibatch

    spacy.util.fix_random_seed(seed)
    nlp = blank(language)
    nlp.add_pipe("ner", config={"model": MODEL}).add_label(SPAN)
    examples = []
    for document in documents:
        for offset, chunk in paragraphs(document.text):
            doc = nlp.make_doc(chunk)
            ents = []
            for span in document.spans:
                if span.category != category:
                    continue
                if offset <= span.start and span.end <= offset + len(chunk):
                    ent = doc.char_span(
                        span.start - offset, span.end - offset, SPAN, alignment_mode="expand"
                    )
                    if ent is not None:
                        ents.append(ent)
            examples.append(Example(nlp.make_doc(chunk), _doc_with(doc, ents)))
    if not any(example.reference.ents for example in examples):
        return None
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = LEARN_RATE
    order = random.Random(seed)
    for _ in range(iterations):
        order.shuffle(examples)
        for batch in minibatch(examples, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    return nlp


def _doc_with(doc, ents):
    """``doc`` with the longest of any overlapping ``ents`` (two coders, two extents)."""
    kept, taken = [], set()
    for ent in sorted(ents, key=lambda e: (-(e.end - e.start), e.start)):
        tokens = set(range(ent.start, ent.end))
        if not tokens & taken:
            kept.append(ent)
            taken |= tokens
    doc.ents = sorted(kept, key=lambda e: e.start)
    return doc


def predict(nlp, text: str, *, category: str) -> list[Span]:
    chunks = paragraphs(text)
    return [
        Span(offset + ent.start_char, offset + ent.end_char, category)
        for (offset, _), doc in zip(chunks, nlp.pipe(c for _, c in chunks), strict=True)
        for ent in doc.ents
    ]


@dataclass
class Trained:
    """What one training run gives: a model per category it could learn, and the figures."""

    models: dict  # category -> spaCy pipeline
    figures: dict  # category -> Score.as_dict(), plus "_run": counts and seconds


def train_and_score(
    documents: list[Document],
    *,
    categories: Iterable[str],
    language: str,
    iterations: int,
) -> Trained:
    started = time.monotonic()
    training, held_out = split(documents)
    models, figures = {}, {}
    gold = [span for document in held_out for span in document.spans]
    for category in categories:
        nlp = train(training, category=category, language=language, iterations=iterations)
        if nlp is None:
            continue
        models[category] = nlp
        figures[category] = score_documents(
            held_out, lambda d, nlp=nlp, c=category: predict(nlp, d.text, category=c), category
        ).as_dict()
    figures["_run"] = {
        "training_articles": len(training),
        "held_out_articles": len(held_out),
        "training_tags": sum(len(d.spans) for d in training),
        "held_out_tags": len(gold),
        "iterations": iterations,
        "seconds": round(time.monotonic() - started, 1),
    }
    return Trained(models=models, figures=figures)


def score_documents(held_out: list[Document], predictor, category: str) -> Score:
    """Pooled overlap scores over documents (each document's spans matched only within it)."""
    right = found = predicted = gold = 0
    for document in held_out:
        mine = [s for s in predictor(document) if s.category == category]
        theirs = [s for s in document.spans if s.category == category]
        right += sum(any(_overlap(p, g) for g in theirs) for p in mine)
        found += sum(any(_overlap(p, g) for p in mine) for g in theirs)
        predicted, gold = predicted + len(mine), gold + len(theirs)
    precision = right / predicted if predicted else 0.0
    recall = found / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, predicted, gold)


def beats(model: dict | None, rules: dict | None) -> bool:
    """The model is used for a category only with held-out tags to show it, and a better F1."""
    if not model or not model.get("gold"):
        return False
    return model["f1"] > (rules or {}).get("f1", 0.0)


def save(models: dict, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for category, nlp in models.items():
        nlp.to_disk(directory / category)


def load(directory: Path, categories: Iterable[str]) -> dict:
    import spacy

    return {category: spacy.load(directory / category) for category in categories}
