"""The offset map from stored text back to the file it was read from (pure, no database)."""

import unicodedata

from newsdesk import formats, ingest


def back(parsed, original, stored_start, stored_end):
    start = ingest.to_original(parsed.offset_map, stored_start)
    end = ingest.to_original(parsed.offset_map, stored_end)
    return original[start:end]


def test_it_keeps_one_breakpoint_for_a_file_stored_as_it_came():
    parsed = formats.read("plain.txt", b"Talks resumed in Cairo.")
    assert parsed.offset_map == [[0, 0]]


def test_it_maps_crlf_nfd_and_a_metadata_prefix_back_to_the_decoded_file():
    original = unicodedata.normalize(
        "NFD", "title: Talks\r\n\r\n  Café owners said\r\nprices had doubled in Gaza.\r\n"
    )
    parsed = formats.read("crlf.txt", original.encode())
    assert parsed.text == "Café owners said\nprices had doubled in Gaza."
    for phrase in ("Café owners", "said\nprices", "Gaza.", "é"):
        start = parsed.text.index(phrase)
        found = back(parsed, original, start, start + len(phrase))
        assert found == unicodedata.normalize("NFD", phrase.replace("\n", "\r\n"))
    # One breakpoint per place where the shift changes, not one per character.
    assert len(parsed.offset_map) == 3


def test_it_maps_a_byte_order_mark_and_lone_carriage_returns():
    original = "One line\rtwo lines\rthree."
    parsed = formats.read("mac.txt", ("\ufeff" + original).encode())
    start = parsed.text.index("two")
    assert back(parsed, original, start, start + len("two lines\rthree")) == "two lines\rthree"


def test_it_keeps_no_map_when_the_stored_text_is_not_where_it_says():
    assert ingest.offset_map("a\r\nb", "b", start=0) is None
