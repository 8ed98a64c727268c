from django.contrib import admin, messages
from django.db.models import Count, Q

from newsdesk import entities
from newsdesk.models import Article, Entity, EntityMention, ImportBatch, ImportItem, Outlet


class EntityMentionInline(admin.TabularInline):
    model = EntityMention
    fields = ["start", "end", "label", "text", "entity"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_on", "status", "uploaded_by", "created_at"]
    list_filter = ["status", "outlet", ("published_on", admin.DateFieldListFilter), "language"]
    list_select_related = ["outlet", "uploaded_by"]
    search_fields = ["title", "text", "byline", "url"]
    date_hierarchy = "published_on"
    raw_id_fields = ["uploaded_by"]
    readonly_fields = ["sha256", "status", "error", "created_at", "processed_at"]
    inlines = [EntityMentionInline]
    actions = ["rerun_entities"]

    def get_queryset(self, request):
        # Lists and counts never read the text; the change page loads it on its own.
        return super().get_queryset(request).defer("text", "offset_map")

    def get_readonly_fields(self, request, obj=None):
        # The text is what every offset counts against: fixed once the article exists.
        return [*self.readonly_fields, "text"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "language" in form.changed_data:
            # Entities (and suggestions after them) come from the new language's pipeline.
            entities.article_retry_entities(article=obj)

    def has_add_permission(self, request):
        # Articles come in through the upload page, which normalises the text,
        # refuses duplicates and queues entity extraction.
        return False

    @admin.action(description="Re-run entity extraction")
    def rerun_entities(self, request, queryset):
        count = 0
        for article in queryset.select_related(None).only("pk", "status", "created_at"):
            if article.status == Article.Status.PROCESSING and not article.extraction_stalled:
                continue
            entities.article_retry_entities(article=article)
            count += 1
        self.message_user(
            request, f"Queued entity extraction for {count} article(s).", messages.SUCCESS
        )


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "article_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "label"]
    list_filter = ["label"]
    search_fields = ["name"]


@admin.register(EntityMention)
class EntityMentionAdmin(admin.ModelAdmin):
    list_display = ["text", "label", "article", "start", "end"]
    list_filter = ["label"]
    list_select_related = ["article"]
    search_fields = ["text", "article__title"]
    raw_id_fields = ["article", "entity"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article").defer("article__text")


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    fields = ["position", "name", "status", "message", "article", "processed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .defer("payload", "article__text")
        )


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: batches are made by uploads and the import_articles command."""

    list_display = ["name", "user", "created_at", "finished_at", "item_count", "failed_count"]
    list_filter = [("finished_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "items__name"]
    fields = ["name", "user", "metadata", "created_at", "finished_at"]
    readonly_fields = fields
    inlines = [ImportItemInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                item_count=Count("items"),
                failed_count=Count("items", filter=Q(items__status=ImportItem.Status.FAILED)),
            )
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "language" in form.changed_data:
            # Entities (and suggestions after them) come from the new language's pipeline.
            entities.article_retry_entities(article=obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="files", ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    @admin.display(description="failed", ordering="failed_count")
    def failed_count(self, obj):
        return obj.failed_count
