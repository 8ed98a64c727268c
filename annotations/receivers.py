"""How the coding side reacts to what the newsroom side announces (newsdesk.signals)."""

from django.dispatch import receiver

from newsdesk.signals import entities_extracted


@receiver(entities_extracted, dispatch_uid="annotations.suggest_after_entities")
def suggest_after_entities(sender, *, article_id: int, **kwargs) -> None:
    """Propose tags for an article once its entities are in: the suggesters use the parse."""
    from annotations.tasks import suggest_tags

    suggest_tags.enqueue(article_id)
