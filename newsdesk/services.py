"""Writes on the newsroom side: ingestion and entity extraction."""

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from newsdesk import formats, ingest, ner
from newsdesk.ingest import IngestError
from newsdesk.models import Article, Entity, EntityMention, ImportBatch, ImportItem, Outlet

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
    return article_ingest_parsed(
        parsed=ingest.parse(text),
        user=user,
        title=title,
        outlet=outlet,
        byline=byline,
        published_on=published_on,
        url=url,
        filename=filename,
    )


def article_ingest_parsed(
    *,
    parsed: ingest.ParsedText,
    user: AbstractBaseUser,
    title: str = "",
    outlet: str = "",
    byline: str = "",
    published_on: datetime.date | None = None,
    url: str = "",
    filename: str = "",
) -> Article:
    """Create an article from text already read (see newsdesk.formats)."""
    digest = ingest.sha256(parsed.text)
    if existing := Article.objects.filter(sha256=digest).first():
        raise _duplicate(existing, filename)
    outlet_name = (outlet or parsed.outlet).strip()[:200]
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=(
                    title or parsed.title or ingest.title_from(text=parsed.text, filename=filename)
                )[:300],
                text=parsed.text,
                sha256=digest,
                outlet=Outlet.objects.get_or_create(name=outlet_name)[0] if outlet_name else None,
                byline=(byline or parsed.byline)[:300],
                published_on=published_on or parsed.published_on,
                url=(url or parsed.url)[:1000],
                original_filename=filename[:255],
                uploaded_by=user,
            )
            _enqueue_entities(article)
    except IntegrityError:
        # The same text arrived through another request or worker a moment ago.
        if existing := Article.objects.filter(sha256=digest).first():
            raise _duplicate(existing, filename) from None
        raise
    return article


def _duplicate(existing: Article, filename: str) -> "DuplicateArticle":
    name = f"{filename}: the" if filename else "The"
    return DuplicateArticle(
        f"{name} same text is already here as “{existing.title}”.", existing=existing
    )


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
    parsed = formats.read(name, file.read())
    return article_ingest_parsed(parsed=parsed, user=user, filename=name, **metadata)


# Bulk import: a batch of files, each read and ingested on its own by a task.

PASTED_TEXT = "Pasted text"


def import_zip_limits() -> formats.ZipLimits:
    return formats.ZipLimits(
        members=settings.NEWSDESK_MAX_ZIP_MEMBERS,
        total_bytes=settings.NEWSDESK_MAX_ZIP_BYTES,
        member_bytes=settings.NEWSDESK_MAX_UPLOAD_BYTES,
    )


class Upload(Protocol):
    """A file handed in: an uploaded file, or one on disk for the import command."""

    name: str | None
    size: int | None

    def read(self) -> bytes: ...


def import_entries(files: Iterable[Upload]) -> list[formats.Member]:
    """Each file, or each file in a zip, with its bytes or the reason it is refused.

    Sizes are checked before anything is read; zips are checked from their central
    directory before they are expanded (see formats.zip_members).
    """
    entries: list[formats.Member] = []
    for file in files:
        name = file.name or "upload"
        is_zip = formats.suffix(name) in formats.ARCHIVE_EXTENSIONS
        limit = (
            settings.NEWSDESK_MAX_ZIP_UPLOAD_BYTES if is_zip else settings.NEWSDESK_MAX_UPLOAD_BYTES
        )
        try:
            if not is_zip:
                ingest.check_filename(name)
            if file.size is not None and file.size > limit:
                raise IngestError(
                    f"{name} is {filesizeformat(file.size)}; the limit is {filesizeformat(limit)}."
                )
            if not file.size:
                raise IngestError(f"{name} is empty.")
            if not is_zip:
                entries.append(formats.Member(name, data=file.read()))
                continue
            members = list(formats.zip_members(name, file.read(), import_zip_limits()))
            if not members:
                raise IngestError(f"{name} holds no files to import.")
            entries.extend(members)
        except IngestError as exc:
            entries.append(formats.Member(name, error=str(exc)))
    return entries


def import_batch_create(
    *,
    user: AbstractBaseUser,
    name: str,
    entries: list[formats.Member],
    metadata: dict | None = None,
    enqueue: bool = True,
) -> ImportBatch:
    """Store a batch and its files (refused ones as failed items), then queue its import.

    ``enqueue=False`` leaves the running to the caller (the import command shows a
    progress bar as it goes).
    """
    from newsdesk.tasks import import_batch

    now = timezone.now()
    metadata = {
        k: v.isoformat() if isinstance(v, datetime.date) else v
        for k, v in (metadata or {}).items()
        if v
    }
    with transaction.atomic():
        batch = ImportBatch.objects.create(user=user, name=name[:300], metadata=metadata)
        ImportItem.objects.bulk_create(
            (
                ImportItem(
                    batch=batch,
                    position=position,
                    name=entry.name[:500],
                    status=ImportItem.Status.FAILED if entry.error else ImportItem.Status.PENDING,
                    message=entry.error,
                    payload=None if entry.error else entry.data,
                    processed_at=now if entry.error else None,
                )
                for position, entry in enumerate(entries, start=1)
            ),
            # A few files per statement: each may be megabytes.
            batch_size=20,
        )
        if enqueue:
            transaction.on_commit(lambda: import_batch.enqueue(batch.pk))
    return batch


def import_batch_run(
    *, batch_id: int, progress: Callable[[ImportItem], None] | None = None
) -> None:
    """Import a batch's pending items one by one; one bad file never stops the others."""
    pending = ImportItem.objects.filter(batch_id=batch_id, status=ImportItem.Status.PENDING)
    for item_id in pending.order_by("position").values_list("pk", flat=True):
        item = import_item_process(item_id=item_id)
        if progress and item:
            progress(item)
    if not pending.exists():
        ImportBatch.objects.filter(pk=batch_id, finished_at=None).update(finished_at=timezone.now())


def import_item_process(*, item_id: int) -> ImportItem | None:
    """Read one pending file and make it an article, in one transaction.

    The item ends imported, duplicate (pointing at the article already here) or failed
    with the reason; its stored bytes are cleared. None when it was no longer pending.
    """
    with transaction.atomic():
        item = (
            ImportItem.objects.select_for_update()
            .filter(pk=item_id, status=ImportItem.Status.PENDING)
            .first()
        )
        if item is None:
            return None
        batch = ImportBatch.objects.select_related("user").get(pk=item.batch_id)
        metadata = dict(batch.metadata)
        if published_on := metadata.get("published_on"):
            metadata["published_on"] = datetime.date.fromisoformat(published_on)
        try:
            with transaction.atomic():
                # Pasted text has no file name: it is read as plain text.
                pasted = item.name == PASTED_TEXT
                name = f"{item.name}.txt" if pasted else item.name
                parsed = formats.read(name, bytes(item.payload or b""))
                item.article = article_ingest_parsed(
                    parsed=parsed, user=batch.user, filename="" if pasted else item.name, **metadata
                )
                item.status, item.message = ImportItem.Status.IMPORTED, ""
        except DuplicateArticle as exc:
            item.status, item.message, item.article = (
                ImportItem.Status.DUPLICATE,
                str(exc),
                exc.existing,
            )
        except IngestError as exc:
            item.status, item.message = ImportItem.Status.FAILED, str(exc)
        except Exception as exc:
            logger.exception("Importing %s (item %s) failed", item.name, item.pk)
            item.status = ImportItem.Status.FAILED
            item.message = (
                f"{item.name} could not be imported: an unexpected error ({type(exc).__name__})."
            )
        item.payload = None
        item.processed_at = timezone.now()
        item.save(update_fields=["status", "message", "article", "payload", "processed_at"])
    return item


# A batch with files still pending and nothing done for this long has lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=2)


def import_batch_counts(batch: ImportBatch) -> dict[str, int]:
    """How many items a batch has in each state, and when one last finished, in one query."""
    Status = ImportItem.Status
    counts = batch.items.aggregate(
        total=Count("pk"),
        last_done=Max("processed_at"),
        **{status.value: Count("pk", filter=Q(status=status)) for status in Status},
    )
    counts["done"] = counts["total"] - counts[Status.PENDING]
    last = max(filter(None, [counts.pop("last_done"), batch.created_at]))
    counts["stalled"] = bool(counts[Status.PENDING]) and timezone.now() - last > STALLED_AFTER
    return counts


def import_batch_resume(*, batch: ImportBatch) -> bool:
    """Queue a batch's pending files again (a worker stopped); False when none are left.

    Safe alongside a worker still at it: each file is taken under a row lock and only
    while it is pending, so none is imported twice.
    """
    from newsdesk.tasks import import_batch

    if not batch.items.filter(status=ImportItem.Status.PENDING).exists():
        return False
    transaction.on_commit(lambda: import_batch.enqueue(batch.pk))
    return True


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
