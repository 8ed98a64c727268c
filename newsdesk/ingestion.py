"""Writes that make articles: from text, from a file read by newsdesk.formats, or exactly as
given (for imported tags whose offsets count against that very text).

Every way in goes through one private path, ``_create``: refuse a duplicate, save, queue the
entity extraction once the transaction commits.
"""

import datetime
from typing import TypedDict, Unpack

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from newsdesk import entities, formats, ingest, languages
from newsdesk.ingest import IngestError
from newsdesk.models import Article, Outlet


class DuplicateArticle(IngestError):
    def __init__(self, message: str, *, existing: Article) -> None:
        super().__init__(message)
        self.existing = existing


class Metadata(TypedDict, total=False):
    """What the user typed beside the text; each value given wins over the text's own."""

    title: str
    outlet: str
    byline: str
    published_on: datetime.date | None
    url: str
    filename: str
    # A language code given at import (--language, the form, a file's own field): it wins.
    language: str


def article_ingest(*, text: str, user: AbstractBaseUser, **metadata: Unpack[Metadata]) -> Article:
    """Create an article from text and queue its entity extraction.

    Values given by the user win over the metadata prefix found in the text.
    Raises IngestError (DuplicateArticle for a text already here); nothing is saved then.
    """
    return article_ingest_parsed(parsed=ingest.parse(text), user=user, **metadata)


def article_ingest_parsed(
    *, parsed: ingest.ParsedText, user: AbstractBaseUser, **metadata: Unpack[Metadata]
) -> Article:
    """Create an article from text already read (see newsdesk.formats)."""
    filename = metadata.get("filename", "")
    title = metadata.get("title") or parsed.title
    outlet_name = (metadata.get("outlet") or parsed.outlet).strip()[:200]
    return _create(
        text=parsed.text,
        user=user,
        filename=filename,
        title=title or ingest.title_from(text=parsed.text, filename=filename),
        outlet_name=outlet_name,
        byline=(metadata.get("byline") or parsed.byline)[:300],
        published_on=metadata.get("published_on") or parsed.published_on,
        url=(metadata.get("url") or parsed.url)[:1000],
        offset_map=parsed.offset_map,
        **_language(metadata.get("language")),
    )


def article_ingest_file(*, file: UploadedFile, user: AbstractBaseUser, **metadata) -> Article:
    name = file.name or "upload"
    ingest.check_filename(name)
    ingest.check_size(name, file.size, settings.NEWSDESK_MAX_UPLOAD_BYTES)
    if not file.size:
        raise IngestError(f"{name} is empty.")
    parsed = formats.read(name, file.read())
    return article_ingest_parsed(parsed=parsed, user=user, filename=name, **metadata)


def article_ingest_exact(
    *,
    text: str,
    user: AbstractBaseUser | None,
    title: str = "",
    filename: str = "",
    language: str = "",
    offset_map: list[list[int]] | None = None,
) -> Article:
    """Create an article from text that is already normalised, storing it exactly.

    For imports whose offsets count against this very text: no metadata prefix is read
    (it would shift every offset). Queues entity extraction like ``article_ingest``.
    ``offset_map`` leads back to the file the text was normalised from (ingest.offset_map).
    """
    if text != ingest.normalise(text).strip():
        raise IngestError("The text must be normalised (NFC, \\n newlines, no blank edges).")
    if not text:
        raise IngestError("There is no text to read.")
    return _create(
        text=text,
        user=user,
        filename=filename,
        title=title or ingest.title_from(text=text, filename=filename),
        offset_map=offset_map,
        **_language(language),
    )


def _language(language: str | None) -> dict:
    """The article's language when one is given; otherwise it is detected from the text."""
    return {"language": language[:16]} if language else {}


def _create(
    *,
    text: str,
    user: AbstractBaseUser | None,
    filename: str,
    title: str,
    outlet_name: str = "",
    **fields,
) -> Article:
    ingest.check_length(text, settings.NEWSDESK_MAX_ARTICLE_CHARS, name=filename)
    if "url" in fields:
        fields["url"] = ingest.check_url(fields["url"])
    if not fields.get("language"):
        fields["language"] = languages.detect_language(text)
    digest = ingest.sha256(text)
    if existing := Article.objects.filter(sha256=digest).first():
        raise _duplicate(existing, filename)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title[:300],
                text=text,
                sha256=digest,
                outlet=Outlet.objects.get_or_create(name=outlet_name)[0] if outlet_name else None,
                original_filename=filename[:255],
                uploaded_by=user,
                **fields,
            )
            entities.enqueue(article)
    except IntegrityError:
        # The same text arrived through another request or worker a moment ago.
        if existing := Article.objects.filter(sha256=digest).first():
            raise _duplicate(existing, filename) from None
        raise
    return article


def _duplicate(existing: Article, filename: str) -> DuplicateArticle:
    name = f"{filename}: the" if filename else "The"
    return DuplicateArticle(
        f"{name} same text is already here as “{existing.title}”.", existing=existing
    )
