from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from annotations import suggestion_runs
from newsdesk import access


@require_POST
def suggestions_retry(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(access.articles_for(request.user).only("pk"), pk=article_pk)
    suggestion_runs.article_suggest_retry(article=article)
    messages.success(request, "Looking for suggestions again.")
    return redirect("annotations:workbench", article_pk=article.pk)
