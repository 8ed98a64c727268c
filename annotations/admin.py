import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from annotations import codebooks, schema
from annotations.interchange import export_feed, records
from annotations.interchange import views as interchange_views
from annotations.models import (
    RESERVED_KEYS,
    Annotation,
    ArticleCodebook,
    Category,
    Codebook,
    FramingTerm,
    Label,
    Project,
    ProjectArticle,
    ProjectMember,
    Relation,
    Suggestion,
)
from newsdesk.admin import ArticleAdmin
from newsdesk.models import Article


class LabelInline(admin.TabularInline):
    model = Label
    fields = ["position", "category", "name", "colour", "shortcut", "guideline"]
    extra = 0


@admin.register(Codebook)
class CodebookAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [LabelInline]


class SchemaField(forms.JSONField):
    """The attribute schema as indented JSON, one attribute and one value per line."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


SCHEMA_HELP = (
    'A list of attributes, each {"name": …, "kind": …}. Kinds: choice (one of '
    '"values"), multi (several of "values"), bool (yes/no), text, entity (an entity of '
    'the article, or free text). Add "required": true to make one required. To stop '
    'offering a value that tags already use, move it from "values" to "retired": '
    "those tags keep it."
)


class LabelForm(forms.ModelForm):
    attribute_schema = SchemaField(
        required=False,
        help_text=SCHEMA_HELP,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 80, "class": "vLargeTextField schema"}),
    )

    class Meta:
        model = Label
        fields = [
            "codebook",
            "category",
            "name",
            "colour",
            "shortcut",
            "guideline",
            "attribute_schema",
            "position",
        ]

    def clean_shortcut(self):
        key = self.cleaned_data["shortcut"].lower()
        if key and (key in RESERVED_KEYS or not key.isalpha()):
            raise ValidationError(
                f"Use a letter other than {', '.join(sorted(RESERVED_KEYS))}: "
                "those move between tags and undo."
            )
        return key

    def clean_attribute_schema(self):
        value = self.cleaned_data["attribute_schema"]
        value = [] if value is None else value
        try:
            schema.check_schema(value)
        except schema.SchemaError as exc:
            raise ValidationError(str(exc)) from None
        if self.instance.pk and (problems := codebooks.values_in_use(self.instance, value)):
            raise ValidationError(problems)
        return value


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "codebook", "shortcut", "colour", "position", "attributes"]
    list_filter = ["codebook", "category"]
    list_select_related = ["codebook"]
    search_fields = ["name", "guideline"]
    form = LabelForm

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="attributes")
    def attributes(self, obj):
        return ", ".join(
            f"{item['name']} ({item['kind']}"
            + (f": {len(item['values'])} values" if item.get("values") else "")
            + (f", {len(item['retired'])} retired" if item.get("retired") else "")
            + ")"
            for item in obj.attribute_schema
        )


class ArticleTitleOnly:
    """A changelist showing each row's article by title: the article's text is never read
    (it can be megabytes, and the list shows a title)."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article").defer("article__text")


class ArticleFilter(admin.RelatedFieldListFilter):
    """Filter by article, offering the articles by title without loading their text."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ["title"]
        articles = field.related_model.objects.only("pk", "title").order_by(*ordering)
        return [(article.pk, str(article)) for article in articles]


class CategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return Category.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(label__category=self.value())
        return queryset


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Live"), ("yes", "Deleted (can be undone)")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(deleted_at__isnull=self.value() == "no")
        return queryset


class AttributeFilter(admin.SimpleListFilter):
    """Filter tags by an attribute value ("source type: state media"), from the schemas.

    Single-choice and yes/no attributes: their stored value is compared as it is.
    """

    title = "attribute"
    parameter_name = "attr"

    def lookups(self, request, model_admin):
        seen = {}
        for attribute_schema in Label.objects.values_list("attribute_schema", flat=True):
            for item in attribute_schema:
                if item["kind"] == "bool":
                    values = [True, False]
                elif item["kind"] == "choice":
                    values = [*item["values"], *item.get("retired", [])]
                else:
                    continue
                for value in values:
                    shown = {True: "yes", False: "no"}.get(value, value)
                    seen[json.dumps([item["name"], value])] = f"{item['name']}: {shown}"
        return sorted(seen.items(), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            name, value = json.loads(self.value())
        except (ValueError, TypeError):
            return queryset.none()
        if not isinstance(name, str):
            return queryset.none()
        return queryset.filter(**{f"attributes__{name}": value})


class AnnotationForm(forms.ModelForm):
    # Whose coding a tag is and where it sits are not the admin's to change: moving them
    # would silently move coding between coders (AnnotationAdmin shows them read-only).
    class Meta:
        model = Annotation
        fields = ["label", "attributes", "note", "origin", "deleted_at"]

    def clean(self):
        data = super().clean()
        label = data.get("label")
        if label is not None and "attributes" in data:
            try:
                same_label = self.instance.pk and self.instance.label_id == label.pk
                data["attributes"] = schema.clean(
                    label.attribute_schema,
                    data["attributes"] or {},
                    previous=self.instance.attributes if same_label else None,
                )
            except schema.SchemaError as exc:
                self.add_error("attributes", str(exc))
        return data


def _export_tags_action(fmt: str):
    """An admin action that downloads the selected live tags in ``fmt`` (deleted ones
    are left out, as in every export)."""

    def export(modeladmin, request, queryset):
        chosen = export_feed.tag_selection(queryset.order_by())
        label = "Newsdesk export: tags chosen in the admin"
        return interchange_views.export_response(request, fmt, chosen, "admin-tags", label)

    export.__name__ = f"export_{fmt}"
    return admin.action(description=f"Export selected tags as {records.FORMATS[fmt]}")(export)


@admin.register(Annotation)
class AnnotationAdmin(ArticleTitleOnly, admin.ModelAdmin):
    form = AnnotationForm
    list_display = [
        "quote_short",
        "label",
        "owner",
        "article",
        "start",
        "end",
        "origin",
        "updated_at",
    ]
    list_filter = [
        "owner",
        "label",
        CategoryFilter,
        AttributeFilter,
        "origin",
        DeletedFilter,
        ("article", ArticleFilter),
    ]
    list_select_related = ["label", "owner", "article"]
    search_fields = ["quote", "note", "article__title"]
    # Every change made here is in the tag's history (Django's LogEntry, naming the fields).
    readonly_fields = [
        "owner",
        "article",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    actions = [_export_tags_action(fmt) for fmt in records.FORMATS]

    @admin.display(description="quote", ordering="quote")
    def quote_short(self, obj):
        return obj.quote if len(obj.quote) <= 80 else obj.quote[:79] + "…"

    @admin.display(boolean=True, ordering="deleted_at")
    def live(self, obj):
        return obj.deleted_at is None

    def has_add_permission(self, request):
        # A tag's offsets are checked against the text: tags are made on the workbench.
        return False


class ArticleCodebookForm(forms.ModelForm):
    class Meta:
        model = ArticleCodebook
        fields = ["article", "codebook"]

    def clean(self):
        data = super().clean()
        article, codebook = data.get("article"), data.get("codebook")
        if article is None or codebook is None:
            return data
        # Tags made under another codebook would lose their labels' place on the workbench.
        stranded = codebooks.tags_outside(article, codebook)
        if stranded:
            raise ValidationError(
                f"{stranded} tag{'s' if stranded != 1 else ''} on this article use labels of "
                f"another codebook than “{codebook}”; they would no longer fit. "
                "Code the article under their codebook, or move those tags first."
            )
        return data


@admin.register(ArticleCodebook)
class ArticleCodebookAdmin(ArticleTitleOnly, admin.ModelAdmin):
    """Which codebook an article is coded under; articles not listed use the default."""

    form = ArticleCodebookForm
    list_display = ["article", "codebook"]
    list_filter = ["codebook"]
    list_select_related = ["article", "codebook"]
    search_fields = ["article__title"]
    raw_id_fields = ["article"]


@admin.register(FramingTerm)
class FramingTermAdmin(admin.ModelAdmin):
    list_display = ["expression", "device", "language", "active"]
    list_editable = ["active"]
    list_filter = ["language", "device", "active"]
    search_fields = ["expression", "note"]


@admin.register(Suggestion)
class SuggestionAdmin(ArticleTitleOnly, admin.ModelAdmin):
    """What the suggesters proposed; accepting and dismissing happen on the workbench."""

    list_display = ["quote", "category", "article", "reason", "created_at"]
    list_filter = ["category", "reason"]
    list_select_related = ["article"]
    search_fields = ["quote", "article__title"]
    readonly_fields = [f.name for f in Suggestion._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ["from_annotation", "type", "to_annotation", "created_at"]
    list_filter = ["type"]
    list_select_related = ["from_annotation__label", "to_annotation__label"]
    raw_id_fields = ["from_annotation", "to_annotation"]


# The article admin, extended with the tag exports: the chosen ids go to the export page by
# URL, which stays short enough for any web server up to MAX_EXPORT_IDS articles.
MAX_EXPORT_IDS = 500


def _export_articles_action(fmt: str):
    def export(modeladmin, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: MAX_EXPORT_IDS + 1])
        if len(ids) > MAX_EXPORT_IDS:
            modeladmin.message_user(
                request,
                f"Export at most {MAX_EXPORT_IDS} articles from here. For more, filter the "
                "article list and use its export bar, or run manage.py export_annotations.",
                messages.ERROR,
            )
            return None
        query = urlencode({"format": fmt, "articles": ",".join(map(str, ids))})
        return redirect(f"{reverse('annotations:export')}?{query}")

    export.__name__ = f"export_tags_{fmt}"
    description = f"Export tags of selected articles as {records.FORMATS[fmt]}"
    return admin.action(description=description)(export)


admin.site.unregister(Article)


@admin.register(Article)
class CodedArticleAdmin(ArticleAdmin):
    actions = [*ArticleAdmin.actions, *(_export_articles_action(fmt) for fmt in records.FORMATS)]


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    fields = ["user", "role"]
    raw_id_fields = ["user"]
    extra = 1


class ProjectArticleInline(admin.TabularInline):
    model = ProjectArticle
    fields = ["article", "adjudication_opened_at"]
    raw_id_fields = ["article"]
    extra = 1


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Staff create projects and manage any of them here as well as in the app."""

    list_display = ["name", "codebook", "blind", "allow_unassigned", "created_at"]
    list_filter = ["blind", "allow_unassigned"]
    list_select_related = ["codebook"]
    search_fields = ["name"]
    inlines = [ProjectMemberInline, ProjectArticleInline]
