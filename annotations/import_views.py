"""The import page: files of tags in, a summary per file or the reasons it was refused."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from annotations import importing
from annotations.forms import TagImportForm

PAGE = "annotations/import.html"


@require_http_methods(["GET", "POST"])
def tags_import(request: HttpRequest) -> HttpResponse:
    form = TagImportForm(request.POST or None, request.FILES or None)
    results = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A file over the limit is not read at all: the service refuses it by its size.
        limit = settings.NEWSDESK_MAX_UPLOAD_BYTES
        uploads = [
            importing.Upload(f.name, f.read() if f.size <= limit else b"", size=f.size)
            for f in data["files"]
        ]
        results = importing.import_uploads(
            uploads=uploads,
            options=importing.Options(
                importer=request.user,
                codebook=data["codebook"],
                create_labels=data["create_labels"],
                article=data["article"],
            ),
        )
    template = PAGE + "#import-area" if request.htmx else PAGE
    return TemplateResponse(request, template, {"form": form, "results": results})
