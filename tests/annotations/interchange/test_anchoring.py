"""The offset map from a file's own text to the text Newsdesk stores: pure, no database."""

import unicodedata

import pytest

from annotations.interchange.anchoring import AnchorError, normalise
from newsdesk import ingest

EMOJI = "\U0001f44d\U0001f3fd"  # thumbs up, medium skin tone: two astral code points
ACUTE = "\u0301"


def test_it_leaves_normalised_text_and_its_offsets_alone():
    norm = normalise("Già 👍 fatto.\nNext line.")
    assert not norm.changed
    assert norm.span(4, 5) == (4, 5)


def test_it_drops_the_carriage_return_of_crlf_and_shifts_what_follows():
    original = "One.\r\nTwo words.\r\nThree."
    norm = normalise(original)
    assert norm.text == "One.\nTwo words.\nThree."
    start = original.index("Three")
    assert norm.text[slice(*norm.span(start, start + 5))] == "Three"
    # The end of a line, given before or after its \r, is the same place.
    assert norm.position(4) == norm.position(5) == 4


def test_it_composes_nfd_accents_and_maps_around_them():
    original = f"Cafe{ACUTE} y cancio{ACUTE}n {EMOJI} bien"
    norm = normalise(original)
    assert norm.text == unicodedata.normalize("NFC", original)
    start = original.index("cancio")
    end = start + len(f"cancio{ACUTE}n")
    assert norm.text[slice(*norm.span(start, end))] == "canción"
    emoji = original.index(EMOJI)
    assert norm.text[slice(*norm.span(emoji, emoji + 2))] == EMOJI
    assert norm.text[slice(*norm.span(emoji + 3, emoji + 7))] == "bien"


def test_it_refuses_an_offset_between_a_letter_and_its_accent():
    original = f"Cafe{ACUTE} abierto"
    norm = normalise(original)
    with pytest.raises(AnchorError, match="falls inside"):
        norm.span(0, 4)


def test_it_trims_blank_edges_and_a_byte_order_mark():
    original = "\ufeff\n  Title\r\n\r\nBody text.  \r\n"
    norm = normalise(original)
    assert norm.text == "Title\n\nBody text."
    start = original.index("Body")
    assert norm.span(start, start + 10) == (7, 17)
    with pytest.raises(AnchorError, match="only blank space"):
        norm.span(len(original) - 4, len(original))


def test_a_lone_carriage_return_becomes_a_newline_in_place():
    norm = normalise("Old\rMac")
    assert norm.text == "Old\nMac"
    assert norm.span(4, 7) == (4, 7)


def test_it_refuses_offsets_outside_the_text():
    with pytest.raises(AnchorError, match="not inside"):
        normalise("short\r\n text").span(3, 99)


@pytest.mark.parametrize(
    "original",
    [
        "\u1100\u1161\u11a8 hangul jamo compose",
        "a\ufb2cb: a presentation form that NFC expands",
        "Ohm \u2126 singleton",
        f"x{ACUTE}{ACUTE}\u0323 stacked marks\r\n",
    ],
)
def test_it_agrees_with_ingest_and_maps_every_boundary_it_keeps(original):
    norm = normalise(original)
    assert norm.text == ingest.normalise(original).strip()
    kept = [p for p in norm.positions if p is not None]
    assert kept == sorted(kept) and kept[-1] == len(norm.text)


def test_it_matches_the_sample_article_as_stored(sample_text):
    crlf = sample_text.replace("\n", "\r\n")
    norm = normalise(crlf)
    assert norm.text == ingest.normalise(sample_text).strip()
    phrase = "A senior Egyptian security source"
    start = crlf.index(phrase)
    mapped = norm.span(start, start + len(phrase))
    assert norm.text[slice(*mapped)] == phrase
    assert mapped[0] < start  # shifted by the \r removed before it, exactly
