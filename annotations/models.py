from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from annotations.schema import NOTE_LIMIT
from newsdesk.models import Article

# A label's colour as the chip's CSS takes it: #rrggbb, nothing else reaches a style.
colour_validator = RegexValidator(
    r"\A#[0-9a-fA-F]{6}\Z", "Enter a colour as # and six hex digits (#rrggbb), e.g. #2f6f4f."
)


class Category(models.TextChoices):
    CLAIM = "claim", "Claim"
    SOURCE = "source", "Source"
    FRAMING = "framing", "Framing"


# Keys the workbench keeps for itself (static/js/workbench.js): never a label's shortcut.
RESERVED_KEYS = frozenset("jku")


class Codebook(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_codebook"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """A codebook entry. Labels and their attributes are data, edited in the admin."""

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="labels")
    category = models.CharField(max_length=16, choices=Category)
    name = models.CharField(max_length=100)
    colour = models.CharField(
        max_length=7, validators=[colour_validator], help_text="#rrggbb, used for the label chip."
    )
    shortcut = models.CharField(
        max_length=1,
        blank=True,
        help_text="One letter; j, k and u are kept for moving between tags and undo.",
    )
    guideline = models.TextField(blank=True)
    # Which attributes a tag with this label has; see annotations/schema.py.
    attribute_schema = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["codebook", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["codebook", "name"], name="label_name_unique"),
            models.UniqueConstraint(
                fields=["codebook", "shortcut"],
                condition=~Q(shortcut=""),
                name="label_shortcut_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"


class AnnotationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def for_user(self, user):
        """The one place tags are scoped: a user's own, not deleted."""
        return self.live().filter(owner=user)

    def deleted_of(self, user):
        """A user's own deleted tags (to restore one)."""
        return self.filter(owner=user, deleted_at__isnull=False)


class Annotation(models.Model):
    """A tag: one user's label on one stretch of an article's text."""

    class Origin(models.TextChoices):
        MANUAL = "manual", "Manual"
        SUGGESTED = "suggested", "Accepted suggestion"
        IMPORTED = "imported", "Imported"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="annotations")
    # Code-point offsets into Article.text, half-open [start, end).
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # W3C TextQuoteSelector: the exact quote and a little context on either side.
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, validators=[MaxLengthValidator(NOTE_LIMIT)])
    origin = models.CharField(max_length=16, choices=Origin, default=Origin.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Deleting keeps the row (and its links) so the delete can be undone.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # One more on every change of label, attributes, note or deleted state: each edit says
    # which version it was made on, and a stale one is refused (a conflict, not an overwrite).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "-end", "pk"]
        indexes = [
            models.Index(fields=["article", "owner", "start"]),
            # Counts per label come from this index alone, without reading the rows.
            models.Index(fields=["article", "owner", "label", "deleted_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="annotation_start_gte_0"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="annotation_start_lt_end"),
            # The same words with the same label twice is always a slip.
            models.UniqueConstraint(
                fields=["owner", "article", "label", "start", "end"],
                condition=Q(deleted_at__isnull=True),
                name="annotation_no_live_twin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label.name}: {self.quote[:60]}"


class Relation(models.Model):
    class Type(models.TextChoices):
        ATTRIBUTED_TO = "attributed_to", "attributed to"
        SAME_AS = "same_as", "same source as"
        # A discontinuous span (brat "10 20;25 30"): each later stretch links to the first.
        FRAGMENT_OF = "fragment_of", "continues"

    from_annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, related_name="relations_out"
    )
    to_annotation = models.ForeignKey(
        Annotation, on_delete=models.CASCADE, related_name="relations_in"
    )
    type = models.CharField(max_length=32, choices=Type, default=Type.ATTRIBUTED_TO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_annotation", "to_annotation", "type"], name="relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_annotation=F("to_annotation")), name="relation_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_annotation_id} {self.get_type_display()} {self.to_annotation_id}"


class FramingTerm(models.Model):
    """A lexicon entry the framing suggester looks for: edited in the admin."""

    language = models.CharField(max_length=16, default="en")
    expression = models.CharField(
        max_length=200, help_text="Matched as whole words, ignoring case."
    )
    device = models.CharField(max_length=100, help_text="The framing device it suggests.")
    active = models.BooleanField(default=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["language", "expression"]
        constraints = [
            models.UniqueConstraint(fields=["language", "expression"], name="framing_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expression} ({self.device})"


class Suggestion(models.Model):
    """A tag the suggesters propose for an article. Nobody's tag until accepted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    category = models.CharField(max_length=16, choices=Category)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    attributes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=100, blank=True)
    # The suggestion this one is linked to, and how: a pronoun "same source as" the mention
    # it stands for, a claim "attributed to" its source. Made a Relation once both are tags.
    link_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="linked_from"
    )
    link_type = models.CharField(max_length=32, choices=Relation.Type, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "start", "-end", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "category", "start", "end"], name="suggestion_unique"
            ),
            models.CheckConstraint(
                condition=Q(link_to__isnull=True) | ~Q(link_type=""),
                name="suggestion_link_has_type",
            ),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="suggestion_start_lt_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.quote[:60]}"


class SuggestionDismissal(models.Model):
    """A user said no to a suggestion. Keyed by the span, so it outlives a re-run."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dismissals"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="dismissals")
    category = models.CharField(max_length=16, choices=Category)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article", "category", "start", "end"],
                name="dismissal_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} dismissed {self.category} [{self.start}, {self.end})"


class ArticleCodebook(models.Model):
    """The codebook an article is coded under. Without one, the default codebook."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="coding"
    )
    codebook = models.ForeignKey(Codebook, on_delete=models.PROTECT, related_name="codings")

    class Meta:
        verbose_name = "article's codebook"
        verbose_name_plural = "articles' codebooks"

    def __str__(self) -> str:
        return f"{self.article} — {self.codebook}"


class SuggesterModel(models.Model):
    """One version of a codebook's learned suggester: trained from the team's tags, scored
    with the rules on the same held-out articles (annotations.suggester_models)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    codebook = models.ForeignKey(Codebook, on_delete=models.CASCADE, related_name="suggesters")
    version = models.PositiveIntegerField()
    language = models.CharField(max_length=16, default="en")
    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    trained_at = models.DateTimeField(null=True, blank=True)
    # Per category: precision, recall, F1, predicted and gold counts on the held-out
    # articles; "_run" the counts of the split and the training time.
    figures = models.JSONField(default=dict, blank=True)
    rules_figures = models.JSONField(default=dict, blank=True)
    # The categories where the model beat the rules: only these use it.
    categories = models.JSONField(default=list, blank=True)
    # Under NEWSDESK_SUGGESTER_DIR, one spaCy pipeline per category in it.
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["codebook", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["codebook", "version"], name="suggester_model_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.codebook} suggester v{self.version}"


class Project(models.Model):
    """A team's coding of a set of articles under one codebook (issue 12)."""

    name = models.CharField(max_length=200, unique=True)
    codebook = models.ForeignKey(Codebook, on_delete=models.PROTECT, related_name="projects")
    # Blind: an annotator sees only their own tags until a reviewer opens the article.
    blind = models.BooleanField(default=True)
    # Whether members may code articles of the project not assigned to them.
    allow_unassigned = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectMember(models.Model):
    class Role(models.TextChoices):
        ANNOTATOR = "annotator", "Annotator"
        REVIEWER = "reviewer", "Reviewer"
        MANAGER = "manager", "Manager"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=16, choices=Role, default=Role.ANNOTATOR)

    class Meta:
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.project}"


class ProjectArticle(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_articles")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="project_links")
    # Set by a reviewer: from then on reviewers see every coder's layer of the article
    # even in a blind project (annotators still see only their own in the workbench).
    adjudication_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "article"]
        constraints = [
            models.UniqueConstraint(fields=["project", "article"], name="project_article_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} in {self.project}"


class Assignment(models.Model):
    """One article of a project given to one annotator to code."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "article", "user"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article} to {self.user} ({self.project})"


class ConsensusLayer(models.Model):
    """A project's consensus: its tags are Annotation rows of a user of its own, who
    cannot log in, so every reader of tags (exports first) reads it as one more layer."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="consensus")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consensus_layer"
    )

    def __str__(self) -> str:
        return f"Consensus of {self.project}"


class ConsensusDecision(models.Model):
    """Where a consensus tag came from: the coders' tags and coders, who decided, when."""

    class How(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        AGREED = "agreed", "All coders agreed"
        EDITED = "edited", "Edited"
        ADDED = "added", "Added by the reviewer"

    tag = models.OneToOneField(Annotation, on_delete=models.CASCADE, related_name="decision")
    layer = models.ForeignKey(ConsensusLayer, on_delete=models.CASCADE, related_name="decisions")
    sources = models.ManyToManyField(Annotation, blank=True, related_name="consensus_uses")
    # The coders' usernames when decided: the record stays readable if a tag goes away.
    coders = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consensus_decisions"
    )
    decided_at = models.DateTimeField()
    how = models.CharField(max_length=16, choices=How)

    def __str__(self) -> str:
        return f"{self.get_how_display()} by {self.decided_by} ({self.tag_id})"
