"""Template access to newsdesk.extensions: what other apps add to newsdesk's pages."""

from django import template

from newsdesk import extensions

register = template.Library()


@register.simple_tag
def templates_at(place: str) -> list[str]:
    """The templates registered at a place: ``{% templates_at "place" as parts %}``, then
    ``{% for part in parts %}{% include part %}{% endfor %}``."""
    return extensions.templates_at(place)


@register.filter
def open_url(article) -> str:
    return extensions.article_open_url(article)
