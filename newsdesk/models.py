from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    url = models.URLField(blank=True)

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
    url = models.URLField(max_length=1000, blank=True)
    language = models.CharField(max_length=16, default="en")
    original_filename = models.CharField(max_length=255, blank=True)
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
        indexes = [models.Index(fields=["status"]), models.Index(fields=["published_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsdesk:article-detail", args=[self.pk])


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
