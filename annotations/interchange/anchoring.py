"""Anchoring text to offsets: the normalisation map and quote matching. Pure, no Django.

Two questions about a stretch of text, asked by every importer (and, later, by article
versions): where does an offset of the original text land once it is normalised as
Newsdesk stores it (``normalise``, ``Normalised.span``), and where does a quote with its
prefix and suffix sit in a text (``locate``)? Every refusal is an ``AnchorError`` whose
message is meant for the user.

Article text is NFC with "\\n" newlines and no blank edges (newsdesk/ingest.py). Imported
offsets count against the file's own text, so each original position is mapped to its
position in the normalised text: a removed "\\r" or byte-order mark, characters merged
by NFC and trimmed edges shift what follows, and the map says exactly by how much.
A position inside a sequence that NFC rewrites (between "e" and its combining accent) has
no counterpart: mapping it is an error, never a guess.
"""

import re
import unicodedata
from dataclasses import dataclass

from newsdesk import ingest


class AnchorError(ValueError):
    """An offset or a quote that has no place in the text; the message is for the user."""


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str
    # positions[i] is where original position i lands (0 <= i <= len(original)); None
    # where it falls inside a rewritten sequence. An empty list means nothing changed.
    positions: list[int | None]

    @property
    def changed(self) -> bool:
        return bool(self.positions)

    def position(self, index: int) -> int:
        if not 0 <= index <= len(self.original):
            size = len(self.original)
            raise AnchorError(f"The offset {index} is outside the text (0 to {size}).")
        if not self.positions:
            return index
        mapped = self.positions[index]
        if mapped is None:
            raise AnchorError(
                f"The offset {index} falls inside “{self._around(index)}”, which Unicode "
                "normalisation (NFC) writes as fewer characters; it has no place in the article."
            )
        return mapped

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The normalised [start, end) for an original [start, end)."""
        if not 0 <= start < end <= len(self.original):
            raise AnchorError(
                f"The span [{start}, {end}) is not inside the text (0 to {len(self.original)})."
            )
        new_start, new_end = self.position(start), self.position(end)
        if new_start >= new_end:
            raise AnchorError(
                f"The span [{start}, {end}) holds only blank space or line-end characters "
                "that the article's text leaves out."
            )
        return new_start, new_end

    def offset_map(self) -> list[list[int]] | None:
        """Breakpoints from ``text`` back to ``original`` (newsdesk.ingest.offset_map), as an
        article made from this text keeps them; None if they cannot be made exactly."""
        if not self.changed:
            return [[0, 0]]
        full = ingest.normalise(self.original)
        return ingest.offset_map(self.original, self.text, start=len(full) - len(full.lstrip()))

    def _around(self, index: int) -> str:
        return self.original[max(0, index - 2) : index + 2]


def normalise(original: str) -> Normalised:
    """The text as Newsdesk stores it, and where each original offset went."""
    expected = ingest.normalise(original).strip()
    if expected == original:
        return Normalised(original, original, [])
    text, positions = ingest.normalise_mapped(original)
    text, positions = _strip(text, positions)
    if text != expected:  # The steps above must agree with ingest; never store a guess.
        raise AnchorError("The text could not be normalised with a reliable offset map.")
    return Normalised(original, text, positions)


def _strip(text: str, before: list[int | None]) -> tuple[str, list[int | None]]:
    stripped = text.strip()
    if stripped == text:
        return text, before
    lead = len(text) - len(text.lstrip())
    size = len(stripped)
    return stripped, [None if p is None else min(max(p - lead, 0), size) for p in before]


def anchor_original(
    norm: Normalised, start: int, end: int, quote: str | None = None
) -> tuple[int, int]:
    """Check ``[start, end)`` (and its quote) against the original text, then map it."""
    if not 0 <= start < end <= len(norm.original):
        raise AnchorError(
            f"the span [{start}, {end}) is not inside the text (0 to {len(norm.original)})."
        )
    actual = norm.original[start:end]
    if quote is not None and not same_quote(quote, actual):
        raise AnchorError(
            f"the quote “{short(quote)}” does not match the text at [{start}, {end}), "
            f"which reads “{short(actual)}”."
        )
    return norm.span(start, end)


def same_quote(quote: str, actual: str) -> bool:
    if quote == actual:
        return True
    # brat writes a line end inside a quote as a space; tools may store either form NFC.
    flat = re.sub(r"\r\n|\r|\n", " ", actual)
    nfc = unicodedata.normalize
    return nfc("NFC", quote) in (nfc("NFC", actual), nfc("NFC", flat))


def short(value: str, size: int = 60) -> str:
    """A quote shortened for a message, on one line."""
    value = " ".join(value.split())
    return value if len(value) <= size else value[: size - 1] + "…"


def locate(
    text: str,
    *,
    start: int | None = None,
    end: int | None = None,
    quote: str = "",
    prefix: str = "",
    suffix: str = "",
) -> tuple[int, int]:
    """Where a span sits in ``text``: by its offsets, or by its quote.

    With offsets the quote (if any) must read the same there; with a quote alone it must
    occur exactly once, prefix and suffix narrowing the candidates.
    """
    if start is not None:
        if end > len(text):
            raise AnchorError(
                f"the span [{start}, {end}) is not inside the article (0 to {len(text)})."
            )
        actual = text[start:end]
        if quote and not same_quote(quote, actual):
            raise AnchorError(
                f"the quote “{short(quote)}” does not match the article at "
                f"[{start}, {end}), which reads “{short(actual)}”."
            )
        return start, end
    exact = unicodedata.normalize("NFC", quote)
    found = [m.start() for m in re.finditer(f"(?={re.escape(exact)})", text)]
    if prefix or suffix:
        found = [
            i
            for i in found
            if text[:i].endswith(prefix) and text[i + len(exact) :].startswith(suffix)
        ] or found
    if len(found) != 1:
        where = "does not occur" if not found else f"occurs {len(found)} times"
        raise AnchorError(
            f"the quote “{short(exact)}” {where} in the article; give a "
            "TextPositionSelector or a prefix and suffix that tell them apart."
        )
    return found[0], found[0] + len(exact)
