"""From an uploaded file to clean article text and metadata. Pure functions, no Django.

The text that comes out is what every offset in Newsdesk counts against: Unicode NFC,
"\\n" newlines, no byte-order mark, no leading metadata prefix, no blank edges.
Everything else in it is kept exactly.
"""

import datetime
import hashlib
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

# Read by newsdesk.formats; a .zip of these is accepted for bulk upload.
SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


# A language code (BCP 47, loosely): "en", "es", "pt-BR", "zh-Hant".
LANGUAGE_CODE = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*"


class IngestError(ValueError):
    """The input cannot become an article; the message is meant for the user."""


@dataclass
class ParsedText:
    text: str
    title: str = ""
    published_on: datetime.date | None = None
    byline: str = ""
    outlet: str = ""
    url: str = ""
    notes: list[str] = field(default_factory=list)
    # Where ``text`` starts in ``normalise(original)``: after the metadata prefix and the
    # blank space that ``parse`` took off.
    start: int = 0
    # For a plain-text file: breakpoints from ``text`` back to the decoded file (see
    # ``offset_map``); None when the file is not text whose offsets mean something.
    offset_map: list[list[int]] | None = None


def check_filename(name: str) -> None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        allowed = ", ".join(SUPPORTED_EXTENSIONS)
        what = f"{suffix} is" if suffix else "a file without an extension is"
        raise IngestError(
            f"{name}: {what} not supported. "
            f"Upload {allowed} files, a .zip of them, or paste the text."
        )


def size_text(size: int) -> str:
    """Bytes as Django's filesizeformat writes them in English: "4.9 KB", a no-break space."""
    if size < 1024:
        return f"{size}\xa0byte" if size == 1 else f"{size}\xa0bytes"
    power = 1
    while power < 5 and size >= 1024 ** (power + 1):
        power += 1
    return f"{round(size / 1024**power, 1):.1f}\xa0{'KMGTP'[power - 1]}B"


def check_url(url: str) -> str:
    """An article's link: empty, or an http or https address; anything else is refused
    (a ``javascript:`` or ``data:`` link would run in the reader's page)."""
    url = url.strip()
    if url and urlsplit(url).scheme.lower() not in ("http", "https"):
        shown = url if len(url) <= 60 else url[:59] + "…"
        raise IngestError(f"The URL must be an http or https address, not “{shown}”.")
    return url


def check_length(text: str, limit: int, *, name: str = "") -> None:
    """Refuse text longer than ``limit`` characters, whichever way it came in."""
    if len(text) > limit:
        what = f"{name} holds" if name else "The text is"
        raise IngestError(
            f"{what} {len(text):,} characters of text; an article may have at most {limit:,}."
        )


def check_size(name: str, size: int | None, limit: int) -> None:
    """Refuse a file over ``limit`` bytes by the size it declares, before it is read."""
    if size is not None and size > limit:
        shown, most = size_text(size), size_text(limit)
        if shown == most:
            # Just over the limit must not read as the limit itself.
            shown, most = f"{size:,}\xa0bytes", f"{limit:,}\xa0bytes"
        raise IngestError(f"{name} is {shown}; the limit is {most}.")


def decode(data: bytes, *, name: str) -> str:
    """UTF-8 (with or without a byte-order mark), or a message that says where it broke."""
    if b"\x00" in data:
        raise IngestError(f"{name} looks like a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise IngestError(
            f"{name} is not valid UTF-8 text (byte 0x{bad} at position {exc.start}). "
            "Save it as UTF-8 and upload it again."
        ) from None


def normalise(text: str) -> str:
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_DATE_PREFIX = re.compile(
    r"\A\s*(?:date|published)[ \t]*:?[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.I
)
_FIELD_LINE = re.compile(r"\A\s*(title|byline|by|outlet|source|url)[ \t]*:[ \t]*(\S[^\n]*)\n", re.I)
_FIELD_NAMES = {"by": "byline", "source": "outlet"}


def parse(text: str) -> ParsedText:
    """Normalise text and take a leading metadata prefix off it.

    A date may stand on its own line (``date 2024-02-13``) or open the first paragraph,
    as wire copy does (`` date 2024-02-13 Representatives of…``). ``title:``,
    ``byline:``, ``outlet:`` and ``url:`` lines are read too, only at the very top.
    """
    text = normalised = normalise(text)
    parsed = ParsedText(text="")
    while True:
        if match := _DATE_PREFIX.match(text):
            try:
                parsed.published_on = datetime.date.fromisoformat(match[1])
            except ValueError:
                raise IngestError(f"The leading date {match[1]} is not a real date.") from None
        elif match := _FIELD_LINE.match(text):
            name = _FIELD_NAMES.get(match[1].lower(), match[1].lower())
            setattr(parsed, name, match[2].strip())
        else:
            break
        text = text[match.end() :]
    parsed.text = text.strip()
    parsed.start = len(normalised) - len(text.lstrip())
    if not parsed.text:
        raise IngestError("There is no text to read.")
    return parsed


def title_from(*, text: str, filename: str = "") -> str:
    """A title when none was given: a Markdown heading, the file name, or the first words."""
    first_line = text.split("\n", 1)[0].strip()
    if first_line.startswith("#"):
        return first_line.lstrip("#").strip()[:300]
    if filename:
        stem = PurePath(filename).stem.replace("_", " ").replace("-", " ").strip()
        if stem:
            return stem[:1].upper() + stem[1:]
    words = first_line.split()
    title = " ".join(words[:12])
    return title + ("…" if len(words) > 12 else "")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The normalisation map: where each original position lands in normalised text, and the
# way back (kept on articles imported from text files, so exports can count offsets in the
# original file). annotations.interchange.anchoring maps imported offsets with the same steps.


def normalise_mapped(original: str) -> tuple[str, list[int | None]]:
    """``normalise(original)``, and where each original position (0 to len) lands in it;
    None for a position inside a sequence that NFC writes as fewer characters."""
    text, positions = line_ends(original)
    return compose(text, positions)


def line_ends(text: str) -> tuple[str, list[int | None]]:
    """Drop a leading byte-order mark and the "\\r" of "\\r\\n"; a lone "\\r" becomes "\\n"."""
    out: list[str] = []
    positions: list[int | None] = []
    for i, char in enumerate(text):
        positions.append(len(out))
        if (i == 0 and char == "\ufeff") or (char == "\r" and text[i + 1 : i + 2] == "\n"):
            continue
        out.append("\n" if char == "\r" else char)
    positions.append(len(out))
    return "".join(out), positions


def compose(text: str, before: list[int | None]) -> tuple[str, list[int | None]]:
    """NFC, one independent chunk at a time, so each chunk's edges keep exact offsets."""
    if unicodedata.is_normalized("NFC", text):
        return text, before
    out: list[str] = []
    inner: list[int | None] = [None] * (len(text) + 1)
    for lo, hi in _chunks(text):
        chunk = text[lo:hi]
        composed = unicodedata.normalize("NFC", chunk)
        base = sum(map(len, out))
        for i in range(lo, hi):
            # Same length: one-to-one (e.g. a singleton such as the ohm sign). Otherwise
            # only the chunk's start has a counterpart.
            inner[i] = base + (i - lo) if len(composed) == len(chunk) or i == lo else None
        out.append(composed)
    inner[len(text)] = sum(map(len, out))
    result = "".join(out)
    if result != unicodedata.normalize("NFC", text):
        # A composition across our chunk edges: fall back to one chunk (edges only).
        result = unicodedata.normalize("NFC", text)
        inner = [0] + [None] * (len(text) - 1) + [len(result)] if text else [0]
    return result, [None if p is None else inner[p] for p in before]


def _chunks(text: str):
    """Stretches that NFC treats independently: each starts at a character that neither
    carries a combining class nor composes with the characters before it."""
    lo = 0
    for i in range(1, len(text)):
        if unicodedata.combining(text[i]):
            continue
        window = text[max(lo, i - 2) : i]
        if unicodedata.normalize("NFC", window + text[i]) == unicodedata.normalize(
            "NFC", window
        ) + unicodedata.normalize("NFC", text[i]):
            yield lo, i
            lo = i
    if text:
        yield lo, len(text)


def offset_map(original: str, text: str, start: int = 0) -> list[list[int]] | None:
    """Breakpoints ``[offset in text, offset in original]`` from stored text back to the
    original it was made from, ``text`` being ``normalise(original)[start:]`` trimmed.

    Between two breakpoints both texts advance together, so an offset maps to the last
    breakpoint at or before it, plus the distance from it: ``to_original``. A text stored
    as it came has the one breakpoint ``[0, 0]``. None when ``text`` is not where
    ``start`` says (never store a guess).
    """
    if original == text:
        return [[0, 0]]
    normalised, positions = normalise_mapped(original)
    if normalised[start : start + len(text)] != text:
        return None
    back: list[int | None] = [None] * (len(normalised) + 1)
    for i, p in enumerate(positions):
        if p is not None and back[p] is None:
            back[p] = i  # the first: a stored "\n" stands for the whole "\r\n"
    breaks: list[list[int]] = []
    shift = None
    for j in range(start, start + len(text) + 1):
        i = back[j]
        if i is None:
            continue  # inside a sequence NFC rewrote: the last shift holds
        if i - (j - start) != shift:
            shift = i - (j - start)
            breaks.append([j - start, i])
    return breaks


def to_original(breaks: list[list[int]], offset: int) -> int:
    """An offset of the stored text in the original's coordinates (see ``offset_map``)."""
    k = max(bisect_right(breaks, offset, key=lambda b: b[0]) - 1, 0)
    stored, original = breaks[k]
    return original + offset - stored
