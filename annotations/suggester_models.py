"""Learned suggesters: train a version from a codebook's tags, and use it where it wins.

Staff queue a training run (admin action on Codebook, ``manage.py train_suggester``); the
worker trains one small spaCy NER per category on the articles outside the held-out part
(``learning.split``: by article, from the text's digest), scores it and the rules on the
held-out articles, and keeps the version. A version is used for the categories where it
beat the rules there; the rules still give those suggestions' attributes.
"""

import functools
import logging
import shutil
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from annotations import learning, suggest
from annotations.codebooks import default_codebook, named_codebook
from annotations.models import Annotation, Category, Codebook, SuggesterModel
from newsdesk import languages
from newsdesk.models import Article

logger = logging.getLogger(__name__)

# Tags a coder made or took from a suggestion; imported ones are someone else's coding.
TEAM_ORIGINS = [Annotation.Origin.MANUAL, Annotation.Origin.SUGGESTED]


def suggester_new(*, codebook: Codebook) -> SuggesterModel:
    """The codebook's next version, numbered and waiting to be trained."""
    with transaction.atomic():
        # Two staff queueing at once: the second waits, then takes the next number.
        Codebook.objects.select_for_update().filter(pk=codebook.pk).first()
        last = codebook.suggesters.aggregate(last=Max("version"))["last"] or 0
        return SuggesterModel.objects.create(codebook=codebook, version=last + 1)


def suggester_train_queue(*, codebook: Codebook, iterations: int | None = None) -> SuggesterModel:
    """Number a new version and queue its training for when the transaction commits."""
    from annotations.tasks import train_suggester

    with transaction.atomic():
        suggester = suggester_new(codebook=codebook)
        transaction.on_commit(lambda: train_suggester.enqueue(suggester.pk, iterations))
    return suggester


def suggester_train(*, suggester_id: int, iterations: int | None = None) -> SuggesterModel | None:
    """Train, score and save one version (in the worker). A failure is stored and raised."""
    suggester = SuggesterModel.objects.select_related("codebook").filter(pk=suggester_id).first()
    if suggester is None:
        return None
    try:
        _train(suggester, iterations or settings.NEWSDESK_SUGGESTER_ITERATIONS)
    except Exception as exc:
        SuggesterModel.objects.filter(pk=suggester_id).update(
            status=SuggesterModel.Status.FAILED, error=f"Training failed: {exc}"
        )
        raise
    return suggester


def _train(suggester: SuggesterModel, iterations: int) -> None:
    language = _main_language(suggester.codebook)
    documents = documents_for(suggester.codebook, language=language)
    if not documents:
        raise ValueError("the codebook has no tags made or accepted by coders yet")
    trained = learning.train_and_score(
        documents, categories=Category.values, language=language, iterations=iterations
    )
    if not trained.figures["_run"]["held_out_articles"]:
        raise ValueError(
            "no article fell in the held-out part (one in five, by text): "
            "code more articles before training"
        )
    _, held_out = learning.split(documents)
    rules = rules_figures(held_out, language=language, categories=trained.models)
    relative = Path(f"codebook-{suggester.codebook_id}") / f"v{suggester.version}"
    directory = Path(settings.NEWSDESK_SUGGESTER_DIR) / relative
    shutil.rmtree(directory, ignore_errors=True)  # a run repeated after a dead worker
    learning.save(trained.models, directory)
    suggester.language = language
    suggester.figures = trained.figures
    suggester.rules_figures = rules
    suggester.categories = [
        category
        for category in trained.models
        if learning.beats(trained.figures.get(category), rules.get(category))
    ]
    suggester.path = str(relative)
    suggester.status = SuggesterModel.Status.READY
    suggester.error = ""
    suggester.trained_at = timezone.now()
    suggester.save()
    logger.info("Trained %s: used for %s", suggester, ", ".join(suggester.categories) or "nothing")


def _main_language(codebook: Codebook) -> str:
    """The language most of the coded articles are in: a version learns one language."""
    counts = Counter(
        _team_tags(codebook).values_list("article__language", flat=True).order_by()
    ).most_common(1)
    return counts[0][0] if counts else languages.DEFAULT_LANGUAGE


def _team_tags(codebook: Codebook):
    return Annotation.objects.live().filter(label__codebook=codebook, origin__in=TEAM_ORIGINS)


def documents_for(codebook: Codebook, *, language: str) -> list[learning.Document]:
    """Every article in the language with tags under the codebook: its text and the spans
    of all its coders (the same span twice counts once)."""
    spans: dict[int, set[learning.Span]] = {}
    rows = _team_tags(codebook).filter(article__language=language)
    for article_id, start, end, category in rows.values_list(
        "article_id", "start", "end", "label__category"
    ):
        spans.setdefault(article_id, set()).add(learning.Span(start, end, category))
    articles = Article.objects.filter(pk__in=spans).only("pk", "text", "sha256").order_by("pk")
    return [
        learning.Document(
            key=article.sha256,
            text=article.text,
            spans=sorted(spans[article.pk], key=lambda s: (s.start, s.end, s.category)),
        )
        for article in articles
    ]


def rules_figures(held_out: list[learning.Document], *, language: str, categories) -> dict:
    """The rules' scores on the same held-out articles, per category."""
    from annotations.services import lexicon

    model = languages.pipeline_for(language)
    nlp = suggest.load_parser(model) if model else None
    terms = lexicon(language)

    def rules(document: learning.Document) -> list[learning.Span]:
        if nlp is None:  # no pipeline: the rules suggest nothing in this language
            return []
        found = suggest.suggest(document.text, nlp=nlp, lexicon=terms)
        return [learning.Span(s.start, s.end, s.category) for s in found]

    # Each held-out article is parsed once for all categories.
    cached = {document.key: rules(document) for document in held_out}
    return {
        category: learning.score_documents(
            held_out, lambda document: cached[document.key], category
        ).as_dict()
        for category in categories
    }


def suggester_for(article: Article) -> SuggesterModel | None:
    """The newest trained version for the article's codebook and language, if any."""
    codebook = named_codebook(article) or default_codebook()
    if codebook is None:
        return None
    return (
        SuggesterModel.objects.filter(
            codebook=codebook, status=SuggesterModel.Status.READY, language=article.language
        )
        .order_by("-version")
        .first()
    )


@functools.lru_cache(maxsize=8)
def _loaded(suggester_id: int, path: str, categories: tuple[str, ...]) -> dict:
    """A version's models, loaded once per worker process (a version never changes)."""
    return learning.load(Path(settings.NEWSDESK_SUGGESTER_DIR) / path, categories)


def with_learned(*, article: Article, found: list[suggest.Suggestion]) -> list[suggest.Suggestion]:
    """The rules' suggestions, with those of each category the learned version won
    replaced by its own; each takes the attributes of the rule suggestion it overlaps most."""
    suggester = suggester_for(article)
    if suggester is None or not suggester.categories:
        return found
    try:
        models = _loaded(suggester.pk, suggester.path, tuple(suggester.categories))
    except OSError:
        # Saved where this worker cannot see it (NEWSDESK_SUGGESTER_DIR not shared): the
        # rules still suggest, and the log says why the model did not.
        logger.exception("%s cannot be loaded from %s", suggester, suggester.path)
        return found
    kept = [s for s in found if s.category not in models]
    for category, nlp in models.items():
        rules = [s for s in found if s.category == category]
        for span in learning.predict(nlp, article.text, category=category):
            kept.append(
                suggest.Suggestion(
                    category=category,
                    start=span.start,
                    end=span.end,
                    quote=article.text[span.start : span.end],
                    attributes=_attributes_from(rules, span),
                    reason=f"learned from the team's tags (v{suggester.version})",
                )
            )
    return sorted(set(kept), key=lambda s: (s.start, -s.end, s.category))


def _attributes_from(rules: list[suggest.Suggestion], span: learning.Span) -> dict:
    best, most = None, 0
    for suggestion in rules:
        shared = min(suggestion.end, span.end) - max(suggestion.start, span.start)
        if shared > most:
            best, most = suggestion, shared
    return dict(best.attributes) if best else {}
