"""How the coding side reacts to what the newsroom side announces (newsdesk.signals)."""

import logging

from django.dispatch import receiver

from newsdesk.signals import demo_loaded, entities_extracted

logger = logging.getLogger(__name__)


@receiver(entities_extracted, dispatch_uid="annotations.suggest_after_entities")
def suggest_after_entities(sender, *, article_id: int, docs=None, **kwargs) -> None:
    """Propose tags for an article once its entities are in: right away on the entity run's
    parse when it hands one over, else (or if that fails) in a task that parses again."""
    from annotations import services
    from annotations.tasks import suggest_tags

    if docs is not None:
        try:
            services.article_suggest(article_id=article_id, docs=docs)
            return
        except Exception:
            logger.exception("Suggestions for article %s failed; queued to run again", article_id)
    suggest_tags.enqueue(article_id)


@receiver(demo_loaded, dispatch_uid="annotations.demo_project")
def demo_project(sender, *, users, articles, **kwargs) -> None:
    """The demo's people code its articles together in one project: staff manage it."""
    from annotations import codebooks
    from annotations.models import Project, ProjectArticle, ProjectMember

    project, _ = Project.objects.get_or_create(
        name="Demo", defaults={"codebook": codebooks.default_codebook()}
    )
    for user in users:
        role = ProjectMember.Role.MANAGER if user.is_staff else ProjectMember.Role.ANNOTATOR
        ProjectMember.objects.get_or_create(project=project, user=user, defaults={"role": role})
    ProjectArticle.objects.bulk_create(
        [ProjectArticle(project=project, article=a) for a in articles], ignore_conflicts=True
    )
