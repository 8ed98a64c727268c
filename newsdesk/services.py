"""Writes on the newsroom side: ingestion and entity extraction."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from newsdesk import ingest, ner
from newsdesk.ingest import IngestError
from newsdesk.models import Article, Entity, EntityMention, Outlet

logger = logging.getLogger(__name__)


class DuplicateArticle(IngestError):
    def __init__(self, message: str, *, existing: Article) -> None:
        super().__init__(message)
        self.existing = existing


def article_ingest(
    *,
    text: str,
    user: AbstractBaseUser,
    title: str = "",
    outlet: str = "",
    byline: str = "",
    published_on: datetime.date | None = None,
    url: str = "",
    filename: str = "",
) -> Article:
    """Create an article from text and queue its entity extraction.

    Values given by the user win over the metadata prefix found in the text.
    Raises IngestError (DuplicateArticle for a text already here); nothing is saved then.
    """
    parsed = ingest.parse(text)
    digest = ingest.sha256(parsed.text)
    if existing := Article.objects.filter(sha256=digest).first():
        name = f"{filename}: the" if filename else "The"
        raise DuplicateArticle(
            f"{name} same text is already here as “{existing.title}”.", existing=existing
        )
    outlet_name = (outlet or parsed.outlet).strip()[:200]
    with transaction.atomic():
        article = Article.objects.create(
            title=(title or parsed.title or ingest.title_from(text=parsed.text, filename=filename))[
                :300
            ],
            text=parsed.text,
            sha256=digest,
            outlet=Outlet.objects.get_or_create(name=outlet_name)[0] if outlet_name else None,
            byline=(byline or parsed.byline)[:300],
            published_on=published_on or parsed.published_on,
            url=url or parsed.url,
            original_filename=filename[:255],
            uploaded_by=user,
        )
        _enqueue_entities(article)
    return article


def article_ingest_file(*, file: UploadedFile, user: AbstractBaseUser, **metadata) -> Article:
    name = file.name or "upload"
    ingest.check_filename(name)
    limit = settings.NEWSDESK_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise IngestError(
            f"{name} is {filesizeformat(file.size)}; the limit is {filesizeformat(limit)}."
        )
    if not file.size:
        raise IngestError(f"{name} is empty.")
    text = ingest.decode(file.read(), name=name)
    try:
        return article_ingest(text=text, user=user, filename=name, **metadata)
    except DuplicateArticle:
        raise
    except IngestError as exc:
        raise IngestError(f"{name}: {exc}") from None


def article_retry_entities(*, article: Article) -> None:
    article.status = Article.Status.PROCESSING
    article.error = ""
    article.save(update_fields=["status", "error"])
    _enqueue_entities(article)


def _enqueue_entities(article: Article) -> None:
    from newsdesk.tasks import extract_entities

    transaction.on_commit(lambda: extract_entities.enqueue(article.pk))


def article_extract_entities(*, article_id: int) -> int:
    """Replace an article's entity mentions with fresh ones from the NER model."""
    article = Article.objects.filter(pk=article_id).only("pk", "text").first()
    if article is None:
        logger.info("Article %s is gone; nothing to extract", article_id)
        return 0
    try:
        mentions = ner.extract_mentions(article.text)
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


def article_ingest_exact(
    *, text: str, user: AbstractBaseUser | None, title: str = "", filename: str = ""
) -> Article:
    """Create an article from text that is already normalised, storing it exactly.

    For imports whose offsets count against this very text: no metadata prefix is read
    (it would shift every offset). Queues entity extraction like ``article_ingest``.
    """
    if text != ingest.normalise(text).strip():
        raise IngestError("The text must be normalised (NFC, \\n newlines, no blank edges).")
    if not text:
        raise IngestError("There is no text to read.")
    digest = ingest.sha256(text)
    if existing := Article.objects.filter(sha256=digest).first():
        raise DuplicateArticle(
            f"The same text is already here as “{existing.title}”.", existing=existing
        )
    with transaction.atomic():
        article = Article.objects.create(
            title=(title or ingest.title_from(text=text, filename=filename))[:300],
            text=text,
            sha256=digest,
            original_filename=filename[:255],
            uploaded_by=user,
        )
        _enqueue_entities(article)
    return article
