"""Bulk import: a batch of files (or the files of a zip), each read and made an article on
its own by a task, one transaction per file."""

import datetime
import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from newsdesk import formats, ingest
from newsdesk.ingest import IngestError
from newsdesk.ingestion import DuplicateArticle, article_ingest_parsed
from newsdesk.models import ImportBatch, ImportItem

logger = logging.getLogger(__name__)

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
            ingest.check_size(name, file.size, limit)
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
