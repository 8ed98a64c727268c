from django.contrib import admin, messages
from django.db.models import Count

from newsdesk import services
from newsdesk.models import Article, Entity, EntityMention, Outlet


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

    def get_readonly_fields(self, request, obj=None):
        # The text is what every offset counts against: fixed once the article exists.
        return [*self.readonly_fields, "text"] if obj else self.readonly_fields

    def has_add_permission(self, request):
        # Articles come in through the upload page, which normalises the text,
        # refuses duplicates and queues entity extraction.
        return False

    @admin.action(description="Re-run entity extraction")
    def rerun_entities(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PROCESSING):
            services.article_retry_entities(article=article)
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
