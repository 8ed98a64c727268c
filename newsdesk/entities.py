"""Entity extraction: queue it, run it (in the worker), store the mentions."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk import languages, ner, signals
from newsdesk.models import Article, Entity, EntityMention

logger = logging.getLogger(__name__)


def enqueue(article: Article) -> None:
    """Queue the extraction for when the current transaction commits."""
    from newsdesk.tasks import extract_entities

    transaction.on_commit(lambda: extract_entities.enqueue(article.pk))


def article_retry_entities(*, article: Article) -> None:
    article.status = Article.Status.PROCESSING
    article.error = ""
    article.save(update_fields=["status", "error"])
    enqueue(article)


def article_extract_entities(*, article_id: int) -> int:
    """Replace an article's entity mentions with fresh ones from the NER model.

    Sends ``signals.entities_extracted`` once the new mentions are committed, with the
    parsed paragraphs when ``NEWSDESK_SHARE_PARSE`` is on.
    """
    article = Article.objects.filter(pk=article_id).only("pk", "text", "language").first()
    if article is None:
        logger.info("Article %s is gone; nothing to extract", article_id)
        return 0
    model = languages.pipeline_for(article.language)
    try:
        # No pipeline for the language: no mentions (another language's model would invent
        # them); the pages say why. Otherwise parsed in full once when asked to, and the Docs
        # handed to the receivers of the signal below (the suggesters read the same parse
        # instead of making their own).
        docs = None
        mentions = []
        if model:
            docs = ner.parse(article.text, model=model) if settings.NEWSDESK_SHARE_PARSE else None
            mentions = ner.extract_mentions(article.text, model=model, docs=docs)
    except Exception as exc:
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.FAILED, error=f"Entity extraction failed: {exc}"
        )
        raise
    with transaction.atomic():
        entities = _entities_for(mentions)
        EntityMention.objects.filter(article_id=article_id).delete()
        EntityMention.objects.bulk_create(
            EntityMention(
                article_id=article_id,
                entity=entities[(m.label, _entity_name(m.text))],
                start=m.start,
                end=m.end,
                label=m.label,
                text=m.text[:500],
            )
            for m in mentions
        )
        Article.objects.filter(pk=article_id).update(
            status=Article.Status.READY, error="", processed_at=timezone.now()
        )
        transaction.on_commit(
            lambda: signals.entities_extracted.send(
                sender=Article, article_id=article_id, docs=docs
            )
        )
    return len(mentions)


def _entity_name(text: str) -> str:
    return " ".join(text.split())[:300]


def _entities_for(mentions: list[ner.Mention]) -> dict[tuple[str, str], Entity]:
    keys = {(m.label, _entity_name(m.text)) for m in mentions}
    Entity.objects.bulk_create(
        [Entity(label=label, name=name) for label, name in keys], ignore_conflicts=True
    )
    found = {}
    for label in {label for label, _ in keys}:
        names = [name for key_label, name in keys if key_label == label]
        for entity in Entity.objects.filter(label=label, name__in=names):
            found[(entity.label, entity.name)] = entity
    return found
