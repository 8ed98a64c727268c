"""From a file of any supported kind to article text and metadata. Pure functions, no Django.

``read(name, data)`` turns one file into an ``ingest.ParsedText``; ``zip_members`` opens a
zip for a bulk upload, checking its limits before anything is expanded. Every refusal is
an ``IngestError`` whose message names the file and is meant for the user.
"""

import datetime
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from newsdesk import ingest
from newsdesk.ingest import IngestError, ParsedText

logger = logging.getLogger(__name__)

ARCHIVE_EXTENSIONS = (".zip",)
# Archives inside an archive are refused: each level multiplies what a small upload expands to.
NESTED_ARCHIVE_EXTENSIONS = (
    ".zip",
    ".gz",
    ".tgz",
    ".tar",
    ".bz2",
    ".xz",
    ".7z",
    ".rar",
)
# A .docx is itself a zip: its parts may not expand beyond this, whatever they declare.
MAX_DOCX_EXPANDED_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024
# Fewer words than this out of a web page is menu debris, not an article body.
MIN_HTML_WORDS = 4


def suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def read(name: str, data: bytes) -> ParsedText:
    """One file's text and metadata, chosen by its extension."""
    ingest.check_filename(name)
    if not data:
        raise IngestError(f"{name} is empty.")
    reader = _READERS[suffix(name)]
    parsed = reader(name, data)
    if not parsed.text:
        raise IngestError(f"{name}: there is no text to read.")
    return parsed


def _read_text(name: str, data: bytes) -> ParsedText:
    try:
        original = ingest.decode(data, name=name)
        parsed = ingest.parse(original)
    except IngestError as exc:
        message = str(exc)
        raise IngestError(message if message.startswith(name) else f"{name}: {message}") from None
    # Exports can then count offsets in this file as decoded (CRLF, NFD and all).
    parsed.offset_map = ingest.offset_map(original, parsed.text, parsed.start)
    return parsed


def _clean(paragraphs: list[str]) -> str:
    """Paragraphs separated by one blank line, each normalised with its inner lines kept."""
    kept = (ingest.normalise(p).strip() for p in paragraphs)
    return "\n\n".join(p for p in kept if p)


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _read_html(name: str, data: bytes) -> ParsedText:
    import trafilatura

    if b"\x00" in data:
        raise IngestError(f"{name} looks like a binary file, not a web page.")
    try:
        # Precision over recall: an index or a login page should yield no "article".
        document = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
        )
    except Exception as exc:  # the parser's own errors come in many types
        logger.info("HTML extraction failed for %s: %r", name, exc)
        raise IngestError(f"{name} cannot be read as a web page.") from None
    if document is None or len((document.text or "").split()) < MIN_HTML_WORDS:
        raise IngestError(
            f"{name}: no article text was found in this web page. "
            "Save the article page itself (not an index or a login page), or paste the text."
        )
    lines = [line for line in document.text.split("\n") if line.strip()]
    title = (document.title or "").strip()
    # The headline usually opens the extracted body too; it is kept once, as the title.
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]
    return ParsedText(
        text=_clean(lines),
        title=ingest.normalise(title),
        byline=ingest.normalise(document.author or "").strip(),
        published_on=_date(document.date),
        outlet=ingest.normalise(document.sitename or "").strip(),
        url=(document.url or "").strip() if (document.url or "").startswith("http") else "",
    )


# The template python-docx starts from carries these; they describe no article.
_DOCX_TEMPLATE_AUTHOR = "python-docx"
_DOCX_TEMPLATE_CREATED = datetime.datetime(2013, 12, 23, 23, 15, tzinfo=datetime.UTC)


def _read_docx(name: str, data: bytes) -> ParsedText:
    import docx

    unreadable = (
        f"{name} cannot be read as a Word (.docx) file: it may be damaged or "
        "incomplete. Open it in Word and save it again."
    )
    try:
        _check_zip_expansion(name, data, MAX_DOCX_EXPANDED_BYTES, kind="Word file")
    except _Unreadable:
        raise IngestError(unreadable) from None
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [paragraph.text for paragraph in document.paragraphs]
        properties = document.core_properties
        title, author, created = properties.title, properties.author, properties.created
    except Exception as exc:  # zip, XML and package errors come in many types
        logger.info("Word extraction failed for %s: %r", name, exc)
        raise IngestError(unreadable) from None
    if author == _DOCX_TEMPLATE_AUTHOR:
        author = ""
    if created and created.replace(tzinfo=created.tzinfo or datetime.UTC) == (
        _DOCX_TEMPLATE_CREATED
    ):
        created = None
    return ParsedText(
        text=_clean(paragraphs),
        title=ingest.normalise(title or "").strip(),
        byline=ingest.normalise(author or "").strip(),
        published_on=_date(created),
    )


def _read_pdf(name: str, data: bytes) -> ParsedText:
    import pypdf
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        # Many PDFs are encrypted only against editing, with an empty password to open them.
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata
        title = metadata.title if metadata else ""
        author = metadata.author if metadata else ""
        created = _pdf_date(metadata)
    except FileNotDecryptedError:
        raise IngestError(
            f"{name} is password-protected. Save a copy without a password and upload that."
        ) from None
    except Exception as exc:  # a damaged PDF fails in many places with many types
        logger.info("PDF extraction failed for %s: %r", name, exc)
        raise IngestError(
            f"{name} cannot be read as a PDF: it may be damaged or incomplete."
        ) from None
    text = _clean(pages)
    if not text:
        raise IngestError(
            f"{name} has no text layer (a scanned PDF?). Run it through OCR first, "
            "or paste the text."
        )
    return ParsedText(
        text=text,
        title=ingest.normalise(str(title or "")).strip(),
        byline=ingest.normalise(str(author or "")).strip(),
        published_on=created,
    )


def _pdf_date(metadata) -> datetime.date | None:
    if not metadata:
        return None
    try:
        return _date(metadata.creation_date)
    except Exception:  # an unreadable date string is no reason to refuse the text
        return None


_READERS = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
assert set(_READERS) == set(ingest.SUPPORTED_EXTENSIONS)


# Zip archives for bulk upload.


@dataclass(frozen=True)
class ZipLimits:
    members: int
    total_bytes: int
    member_bytes: int


@dataclass
class Member:
    """One file of an archive: its bytes, or why it is refused."""

    name: str
    data: bytes | None = None
    error: str = ""


def _skipped(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return path.endswith("/") or any(p.startswith(".") or p == "__MACOSX" for p in parts)


class _Unreadable(IngestError):
    pass


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _Unreadable(
            f"{name} is not a readable zip archive: it may be truncated or damaged. "
            "Nothing from it was imported."
        ) from None


def _check_zip_expansion(name: str, data: bytes, limit: int, *, kind: str) -> None:
    with _open_zip(name, data) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    if declared > limit:
        raise IngestError(
            f"{name}: this {kind} would expand to {_size(declared)}, over the {_size(limit)} limit."
        )


def zip_members(
    name: str,
    data: bytes,
    limits: ZipLimits,
    *,
    check_name: Callable[[str], None] | None = ingest.check_filename,
) -> Iterator[Member]:
    """The files in a zip, checked against the limits before any is expanded.

    The whole archive is refused (IngestError, raised before the first member is
    yielded) when it is unreadable, holds too many files or declares too many bytes.
    A single member that is too large, encrypted, an archive itself, of an unsupported
    type or damaged comes out with an ``error`` instead; the others are unaffected.
    Directories, ``__MACOSX/`` and dotfiles are skipped. ``check_name`` refuses a
    member by its name (IngestError); by default, a type an article cannot be read from.
    Other readers of zips (the tag import) pass their own check, or None, and limits.
    """
    archive = _open_zip(name, data)
    try:
        infos = [info for info in archive.infolist() if not _skipped(info.filename)]
    except Exception:
        archive.close()
        raise
    if len(infos) > limits.members:
        archive.close()
        raise IngestError(
            f"{name} holds {len(infos):,} files; a zip may hold at most {limits.members:,}."
        )
    declared = sum(info.file_size for info in infos)
    if declared > limits.total_bytes:
        archive.close()
        raise IngestError(
            f"{name} would expand to {_size(declared)}; the limit is "
            f"{_size(limits.total_bytes)}. Split it into smaller zips."
        )
    return _expand(name, archive, infos, limits, check_name)


def _expand(
    name: str,
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    limits: ZipLimits,
    check_name: Callable[[str], None] | None,
) -> Iterator[Member]:
    total = 0
    with archive:
        for info in infos:
            label = f"{name}/{info.filename}"
            if suffix(info.filename) in NESTED_ARCHIVE_EXTENSIONS:
                yield Member(
                    label, error=f"{label} is an archive inside the archive: unpack it first."
                )
                continue
            path = PurePosixPath(info.filename)
            if path.is_absolute() or ".." in path.parts:
                yield Member(label, error=f"{label} points outside the archive.")
                continue
            try:
                if check_name is not None:
                    check_name(info.filename)
            except IngestError as exc:
                yield Member(label, error=f"{name}/{exc}")
                continue
            if info.flag_bits & 0x1:
                yield Member(label, error=f"{label} is encrypted; zip it again without a password.")
                continue
            if info.file_size > limits.member_bytes:
                yield Member(
                    label,
                    error=f"{label} is {_size(info.file_size)}; the limit per file is "
                    f"{_size(limits.member_bytes)}.",
                )
                continue
            # Declared sizes can lie: count what really comes out and stop past the limits.
            budget = min(limits.member_bytes, limits.total_bytes - total)
            try:
                data = _read_member(archive, info, budget)
            except _TooLarge:
                yield Member(
                    label,
                    error=f"{label} expands beyond its declared size, past the limits: "
                    "it was refused part way.",
                )
                continue
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                logger.info("Zip member %s failed: %r", label, exc)
                yield Member(label, error=f"{label} is damaged in the archive and cannot be read.")
                continue
            total += len(data)
            yield Member(label, data=data)


class _TooLarge(Exception):
    pass


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    chunks, size = [], 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            chunks.append(chunk)
    return b"".join(chunks)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"
