from datetime import timedelta

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

WEB_URL = URLValidator(schemes=["http", "https"])


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    url = models.URLField(blank=True, validators=[WEB_URL])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=300)
    # Unicode NFC with "\n" newlines: the single source of truth for every offset.
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    byline = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    # Only web links: a javascript: or data: link would run in the reader's page.
    url = models.URLField(max_length=1000, blank=True, validators=[WEB_URL])
    language = models.CharField(
        max_length=16,
        default="en",
        help_text="ISO 639-1 code (en, fr, …), detected at upload. Changing it finds the "
        "entities again with that language's pipeline.",
    )
    original_filename = models.CharField(max_length=255, blank=True)
    # For an article read from a text file: breakpoints [offset in text, offset in the
    # decoded file] (newsdesk.ingest.offset_map), so exports can count offsets in the
    # original file. None when there is no such file (pasted, HTML, Word, PDF, older).
    offset_map = models.JSONField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PROCESSING)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_articles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["published_on"]),
            # The list's order, with the uploader its scope tests: the page is read from
            # this index alone, never from table rows (on SQLite each row read past the
            # text walks its overflow pages, 100 KB per long article).
            models.Index(fields=["-created_at", "-id", "uploaded_by"], name="article_list_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsdesk:article-detail", args=[self.pk])

    @cached_property
    def has_language_pipeline(self) -> bool:
        """Whether entities (and suggestions) can be found in this article's language."""
        from newsdesk import languages

        return languages.has_pipeline(self.language)

    @cached_property
    def extraction_stalled(self) -> bool:
        """Still "processing" but nothing will finish it soon: offer to try again.

        True when its last extraction task ended without the article being updated
        (its workers kept dying), or when it was queued more than
        ``NEWSDESK_PROCESSING_STALL_SECONDS`` ago (no worker running, or a long queue).
        """
        if self.status != self.Status.PROCESSING:
            return False
        from django_tasks_db.models import DBTaskResult

        task = (
            DBTaskResult.objects.filter(
                task_path="newsdesk.tasks.extract_entities", args_kwargs__args__0=self.pk
            )
            .only("status", "enqueued_at")
            .order_by("-enqueued_at")
            .first()
        )
        if task is not None and task.status not in ("READY", "RUNNING"):
            return True
        queued = task.enqueued_at if task is not None else self.created_at
        stall = timedelta(seconds=settings.NEWSDESK_PROCESSING_STALL_SECONDS)
        return queued < timezone.now() - stall


class Entity(models.Model):
    """One named thing ("Hamas", ORG) that mentions in many articles point to."""

    label = models.CharField(max_length=32)
    name = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["label", "name"]
        constraints = [
            models.UniqueConstraint(fields=["label", "name"], name="entity_label_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"


class EntityMention(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    # Code-point offsets into Article.text, half-open [start, end).
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label = models.CharField(max_length=32)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["article", "start", "end"]
        indexes = [models.Index(fields=["article", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="mention_start_lt_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.label})"


class ImportBatch(models.Model):
    """One bulk upload (a zip, several files, or a command run), imported item by item."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    name = models.CharField(max_length=300)
    # Form values that apply to every article of the batch (outlet, byline, date, URL).
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsdesk:import-batch", args=[self.pk])


class ImportItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IMPORTED = "imported", "Imported"
        DUPLICATE = "duplicate", "Duplicate"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    message = models.TextField(blank=True)
    # The article made from this file, or for a duplicate the one already here.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_items"
    )
    # The file's bytes until it is processed: workers on other machines share only the
    # database, so the pending file lives there, and is cleared once it is read.
    payload = models.BinaryField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "position"], name="import_item_batch_position_unique"
            )
        ]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A ``db_worker`` process saying it is alive: see ``newsdesk.worker``."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"
