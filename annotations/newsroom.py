"""How the coding side extends the newsroom's pages (newsdesk.extensions), registered once
from the AppConfig: the article list opens the workbench, filters by who tagged, and
carries the tag import button and the export bar; the reader offers "Code this article"."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse

from annotations import access
from annotations.models import Annotation
from newsdesk import extensions


def _tagged_by_field(user) -> dict[str, forms.Field]:
    if not access.is_reviewer(user):
        # Who tagged what is staff's to filter by: for anyone else it would tell which
        # articles another coder tagged, blind projects' included.
        return {}
    return {
        "annotator": forms.ModelChoiceField(
            queryset=get_user_model().objects.order_by("username"),
            to_field_name="username",
            required=False,
            empty_label="Anyone",
            label="Tagged by",
        )
    }


def _tagged_by(articles: QuerySet, data: dict) -> QuerySet:
    if annotator := data.get("annotator"):
        tagged = Annotation.objects.filter(owner=annotator, deleted_at__isnull=True)
        articles = articles.filter(pk__in=tagged.values("article_id"))
    return articles


def _workbench_url(article) -> str:
    return reverse("annotations:workbench", args=[article.pk])


TAGGED_BY = extensions.ArticleFilter(fields=_tagged_by_field, apply=_tagged_by)


def register() -> None:
    extensions.add_article_scope(access.articles_in_projects)
    extensions.add_urls("annotations.urls")
    extensions.add_article_filter(TAGGED_BY)
    extensions.set_article_open_url(_workbench_url)
    extensions.add_template("site-nav", "annotations/_nav.html")
    extensions.add_template("article-list-actions", "annotations/_list_actions.html")
    extensions.add_template("article-list-tools", "annotations/_export_bar.html")
    extensions.add_template("article-head-actions", "annotations/_article_head_actions.html")
