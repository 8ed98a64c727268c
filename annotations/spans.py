"""Offset rules for tags. Pure functions, no Django.

Offsets are code points into the article text, half-open [start, end).
"""

import unicodedata

CONTEXT = 32


class SpanError(ValueError):
    """The span does not fit the text; the message is meant for the user."""


def check(text: str, start: int, end: int, quote: str | None = None) -> None:
    if not 0 <= start < end <= len(text):
        raise SpanError(
            f"The selection [{start}, {end}) is not inside the text (0 to {len(text)})."
        )
    if quote is not None and text[start:end] != quote:
        raise SpanError(
            f"The selected text “{_short(quote)}” does not match the article at "
            f"[{start}, {end}), which reads “{_short(text[start:end])}”. "
            "Reload the page and select it again."
        )


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


_JOINER = "\u200d"


def _extends(char: str) -> bool:
    """Marks, emoji skin tones and variation selectors belong to the character before."""
    return (
        unicodedata.category(char).startswith("M")
        or 0x1F3FB <= ord(char) <= 0x1F3FF
        or char in "\ufe0e\ufe0f" + _JOINER
    )


def snap(text: str, start: int, end: int, *, words: bool = True) -> tuple[int, int]:
    """Trim spaces off both ends; with ``words``, widen a cut word to the whole word."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if words and start < end:
        while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
            start -= 1
        while end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
            end += 1
    # Never cut a character from its accents, skin tone or emoji sequence.
    while 0 < start < len(text) and (_extends(text[start]) or text[start - 1] == _JOINER):
        start -= 1
    while end < len(text) and (_extends(text[end]) or text[end - 1] == _JOINER):
        end += 1
    if start >= end:
        raise SpanError("The selection holds only spaces.")
    return start, end


def context(text: str, start: int, end: int, size: int = CONTEXT) -> tuple[str, str]:
    return text[max(0, start - size) : start], text[end : end + size]


def _short(value: str, size: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= size else value[: size - 1] + "…"
