"""Where other apps add to the newsroom's pages without newsdesk knowing them.

An app registers in its AppConfig.ready() (annotations does): who may open which
articles (projects narrow them), filters for the article list, templates included at
named places of newsdesk's pages, and the page an article opens on from the list.
newsdesk only reads what was registered here.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet


@dataclass(frozen=True)
class ArticleFilter:
    """Extra fields for the article list's filter form and the articles they select.

    ``fields(user)`` gives the fields this user may use (none is fine); ``apply(articles,
    cleaned_data)`` narrows the articles by the valid values.
    """

    fields: Callable[[Any], dict[str, forms.Field]]
    apply: Callable[[QuerySet, dict], QuerySet]


article_filters: list[ArticleFilter] = []

# Named places in newsdesk templates -> the templates included there, in order.
# "article-list-actions": the buttons at the head of the article list;
# "article-list-tools": under the list's filters (page, params, filters in context);
# "article-head-actions": the reader's article head (article in context);
# "site-nav": links in the main navigation of every page (base.html).
_places: dict[str, list[str]] = defaultdict(list)

# The page a title in the article list opens; the reader when nothing is registered.
_article_open_url: list[Callable[[Any], str]] = []


# Narrowings of the articles a user may open (newsdesk.access.articles_for applies them in
# order): each takes (user, articles) and returns the articles that user may open.
_article_scopes: list[Callable[[Any, QuerySet], QuerySet]] = []


def add_article_scope(scope: Callable[[Any, QuerySet], QuerySet]) -> None:
    if scope not in _article_scopes:
        _article_scopes.append(scope)


def scope_articles(user, articles: QuerySet) -> QuerySet:
    for scope in _article_scopes:
        articles = scope(user, articles)
    return articles


# URLconf modules other apps serve under the site root, included by newsdesk/urls.py.
_url_modules: list[str] = []


def add_urls(module: str) -> None:
    if module not in _url_modules:
        _url_modules.append(module)


def url_modules() -> list[str]:
    return list(_url_modules)


def add_template(place: str, template_name: str) -> None:
    if template_name not in _places[place]:
        _places[place].append(template_name)


def templates_at(place: str) -> list[str]:
    return list(_places.get(place, ()))


def set_article_open_url(url_for: Callable[[Any], str]) -> None:
    _article_open_url[:] = [url_for]


def article_open_url(article) -> str:
    return _article_open_url[0](article) if _article_open_url else article.get_absolute_url()


def add_article_filter(article_filter: ArticleFilter) -> None:
    if article_filter not in article_filters:
        article_filters.append(article_filter)
