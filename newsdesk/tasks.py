from django.tasks import task

from newsdesk import services


@task()
def extract_entities(article_id: int) -> int:
    """Run NER on one article, then queue its tag suggestions; returns the mentions stored."""
    from annotations.tasks import suggest_tags

    found = services.article_extract_entities(article_id=article_id)
    suggest_tags.enqueue(article_id)
    return found


@task()
def import_batch(batch_id: int) -> None:
    """Import the pending files of a bulk upload, one transaction per file."""
    services.import_batch_run(batch_id=batch_id)
