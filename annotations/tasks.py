from django.tasks import task

from annotations import services


@task()
def suggest_tags(article_id: int) -> int:
    """Propose tags for one article; returns the number of suggestions stored."""
    return services.article_suggest(article_id=article_id)


@task()
def train_suggester(suggester_id: int, iterations: int | None = None) -> int:
    """Train one version of a codebook's learned suggester; returns its version."""
    from annotations import suggester_models

    trained = suggester_models.suggester_train(suggester_id=suggester_id, iterations=iterations)
    return trained.version if trained else 0
