from django.tasks import task

from annotations import services


@task()
def suggest_tags(article_id: int) -> int:
    """Propose tags for one article; returns the number of suggestions stored."""
    return services.article_suggest(article_id=article_id)
