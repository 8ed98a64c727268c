from django import forms
from django.conf import settings

from newsdesk.formats import ARCHIVE_EXTENSIONS, suffix
from newsdesk.ingest import LANGUAGE_CODE, SUPPORTED_EXTENSIONS, size_text

ACCEPT = ",".join(
    [
        *SUPPORTED_EXTENSIONS,
        *ARCHIVE_EXTENSIONS,
        "text/plain",
        "text/markdown",
        "text/html",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
    ]
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class ArticleUploadForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label="Files",
        help_text=(
            "One or several files: plain text or Markdown (UTF-8), saved web pages "
            "(.html), Word (.docx), PDFs with a text layer — or a .zip of them. "
            "Several files or a zip are imported in the background, with progress shown."
        ),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    text = forms.CharField(
        required=False,
        label="Or paste the text",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    title = forms.CharField(required=False, max_length=300)
    outlet = forms.CharField(required=False, max_length=200)
    byline = forms.CharField(required=False, max_length=300)
    published_on = forms.DateField(
        required=False, label="Published", widget=forms.DateInput(attrs={"type": "date"})
    )
    url = forms.URLField(required=False, label="URL", max_length=1000, assume_scheme="https")
    language = forms.RegexField(
        required=False,
        max_length=16,
        regex=f"^{LANGUAGE_CODE}$",
        help_text="A language code such as en, es or pt-BR, for every article of this upload.",
        error_messages={"invalid": "Give a language code such as en, es or pt-BR."},
    )

    @staticmethod
    def text_too_long() -> str:
        limit = settings.NEWSDESK_MAX_UPLOAD_BYTES
        return (
            f"The pasted text is over the limit of {size_text(limit)}. Split it into several "
            "articles, or upload it as a file of at most that size."
        )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text.encode()) > settings.NEWSDESK_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(self.text_too_long())
        return text

    def clean(self):
        data = super().clean()
        files, text = data.get("files") or [], (data.get("text") or "").strip()
        if not files and not text:
            raise forms.ValidationError("Choose at least one file or paste some text.")
        if len(files) > settings.NEWSDESK_MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                f"That is {len(files)} files; upload at most "
                f"{settings.NEWSDESK_MAX_UPLOAD_FILES} at a time."
            )
        zipped = any(suffix(f.name or "") in ARCHIVE_EXTENSIONS for f in files)
        if data.get("title") and (len(files) + bool(text) > 1 or zipped):
            self.add_error("title", "A title fits one article: leave it empty for several.")
        return data

    def metadata(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("title", "outlet", "byline", "published_on", "url", "language")
        }

    def is_bulk(self) -> bool:
        """Several articles (or a zip): imported as a batch in the background."""
        files, text = self.cleaned_data["files"], self.cleaned_data["text"].strip()
        zipped = any(suffix(f.name or "") in ARCHIVE_EXTENSIONS for f in files)
        return zipped or len(files) + bool(text) > 1
