from django.tasks import task

from newsdesk import services


@task()
def extract_entities(article_id: int) -> int:
    """Run NER on one article; returns the number of mentions stored."""
    return services.article_extract_entities(article_id=article_id)
