from django.tasks import task

from newsdesk import entities, import_batches


@task()
def extract_entities(article_id: int) -> int:
    """Run NER on one article; returns the mentions stored."""
    return entities.article_extract_entities(article_id=article_id)


@task()
def import_batch(batch_id: int) -> None:
    """Import the pending files of a bulk upload, one transaction per file."""
    import_batches.import_batch_run(batch_id=batch_id)
