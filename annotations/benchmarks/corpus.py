"""Synthetic articles with many entity mentions and tags, for the benchmarks and for tests that
need a large article. Words and names are ours; no real text ships as demo content."""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from annotations import services, spans
from annotations.models import Annotation, Label
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


def synthetic_text(rng: random.Random, length: int) -> tuple[str, list[tuple[int, int, str, str]]]:
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
    text, mentions = synthetic_text(rng, length)
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
            rows.append(
                services.annotation_on_text(
                    article=article, owner=owner, label=label, start=start, end=end
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
