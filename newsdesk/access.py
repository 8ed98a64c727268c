"""Who may see what on the newsroom side. Every newsdesk view asks here; annotations.access
builds on it for tags, links and layers and narrows articles_for to a user's projects
through newsdesk.extensions."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from newsdesk import extensions
from newsdesk.models import Article, ImportBatch


def is_reviewer(user) -> bool:
    """Staff review: they see everyone's import batches, and everyone's coding."""
    return bool(user.is_staff)


def articles_for(user) -> QuerySet[Article]:
    """The articles a user may open: all of them, narrowed by what other apps registered
    (annotations: the user's projects)."""
    return extensions.scope_articles(user, Article.objects.all())


def import_batches_for(user) -> QuerySet[ImportBatch]:
    """A user's own bulk imports, or everyone's for a reviewer."""
    batches = ImportBatch.objects.all()
    return batches if is_reviewer(user) else batches.filter(user=user)


def import_batch_for(user, pk: int) -> ImportBatch:
    """One batch the user may see, or a 404 that does not say whether it exists."""
    return get_object_or_404(import_batches_for(user).select_related("user"), pk=pk)
