"""How the coding side reacts to what the newsroom side announces (newsdesk.signals)."""

from django.dispatch import receiver

from newsdesk.signals import demo_loaded, entities_extracted


@receiver(entities_extracted, dispatch_uid="annotations.suggest_after_entities")
def suggest_after_entities(sender, *, article_id: int, **kwargs) -> None:
    """Propose tags for an article once its entities are in: the suggesters use the parse."""
    from annotations.tasks import suggest_tags

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
