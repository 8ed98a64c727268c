import datetime

import pytest

from newsdesk import ingest
from newsdesk.ingest import IngestError


def test_it_takes_an_inline_date_prefix_off_the_first_paragraph(sample_text):
    parsed = ingest.parse(sample_text)
    assert parsed.published_on == datetime.date(2024, 2, 13)
    assert parsed.text.startswith("Representatives of the intelligence services")
    # Everything after the prefix is kept exactly.
    assert parsed.text == sample_text.split("2024-02-13 ", 1)[1].strip()


def test_it_takes_a_date_on_its_own_line():
    parsed = ingest.parse("date 2024-02-13\nFirst paragraph.\n\nSecond.")
    assert parsed.published_on == datetime.date(2024, 2, 13)
    assert parsed.text == "First paragraph.\n\nSecond."


def test_it_reads_metadata_lines_only_at_the_top():
    parsed = ingest.parse(
        "title: Strike at the port\nbyline: By A. Writer\noutlet: The Courier\n"
        "date: 2026-03-04\n\nBody text.\ntitle: not metadata"
    )
    assert (parsed.title, parsed.byline, parsed.outlet) == (
        "Strike at the port",
        "By A. Writer",
        "The Courier",
    )
    assert parsed.published_on == datetime.date(2026, 3, 4)
    assert parsed.text == "Body text.\ntitle: not metadata"


def test_it_leaves_a_text_without_prefix_alone():
    text = "The date 2024-02-13 was a Tuesday."
    assert ingest.parse(text).text == text
    assert ingest.parse(text).published_on is None


def test_it_refuses_an_impossible_date():
    with pytest.raises(IngestError, match="2024-02-30 is not a real date"):
        ingest.parse("date 2024-02-30 Text.")


def test_it_normalises_newlines_and_unicode():
    decomposed = "Cafe\u0301 in Gaza\r\nSecond line\rThird"
    parsed = ingest.parse(decomposed)
    assert parsed.text == "Caf\u00e9 in Gaza\nSecond line\nThird"


def test_it_strips_a_byte_order_mark():
    assert ingest.decode("\ufeffHello".encode(), name="a.txt") == "Hello"


def test_it_names_the_byte_that_is_not_utf8():
    with pytest.raises(
        IngestError, match=r"a\.txt is not valid UTF-8 text \(byte 0xE9 at position 3\)"
    ):
        ingest.decode("Café".encode("latin-1"), name="a.txt")


def test_it_refuses_binary_files():
    with pytest.raises(IngestError, match="binary"):
        ingest.decode(b"PK\x03\x04\x00\x00", name="a.txt")


def test_it_refuses_text_that_is_only_a_prefix_or_blank():
    with pytest.raises(IngestError, match="no text"):
        ingest.parse("date 2024-02-13\n   \n")


@pytest.mark.parametrize("name", ["report.rtf", "page.odt", "noextension", "a.doc", "scan.tiff"])
def test_it_refuses_unsupported_file_types(name):
    with pytest.raises(IngestError, match="is not supported"):
        ingest.check_filename(name)


@pytest.mark.parametrize("name", ["a.txt", "B.TXT", "notes.md"])
def test_it_accepts_text_and_markdown(name):
    ingest.check_filename(name)


def test_it_titles_from_a_markdown_heading_then_the_file_name():
    assert ingest.title_from(text="# Big news\n\nBody", filename="x.md") == "Big news"
    assert ingest.title_from(text="Body", filename="cairo-talks_day.txt") == "Cairo talks day"
    assert ingest.title_from(text="One two three", filename="") == "One two three"


def test_it_hashes_the_normalised_text():
    assert ingest.sha256(ingest.parse("Cafe\u0301").text) == ingest.sha256("Caf\u00e9")


def test_it_writes_sizes_as_djangos_filesizeformat_does():
    from django.template.defaultfilters import filesizeformat

    for size in (0, 1, 2, 1023, 1024, 5_000, 2 * 1024 * 1024, 2 * 1024 * 1024 + 1, 3 * 1024**3):
        assert ingest.size_text(size) == filesizeformat(size)


def test_it_refuses_a_file_over_the_limit_by_its_declared_size():
    ingest.check_size("ok.txt", 10, 10)
    ingest.check_size("unknown.txt", None, 10)
    with pytest.raises(IngestError, match="^big.txt is 11\xa0bytes; the limit is 10\xa0bytes.$"):
        ingest.check_size("big.txt", 11, 10)
