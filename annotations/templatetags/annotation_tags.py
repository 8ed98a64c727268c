from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag
def suggestion_run_error(article) -> str:
    """The error of the article's last suggestion run if it failed, else ""."""
    from annotations import suggestion_runs

    return suggestion_runs.last_run_error(article_id=article.pk, since=article.processed_at)
