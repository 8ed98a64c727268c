"""Reading each supported format, and opening zips, without a database."""

import datetime
import io
import random
import struct
import zipfile

import pypdf
import pytest

from newsdesk import formats
from newsdesk.ingest import IngestError
from tests.newsdesk.files import docx_file, html_page, pdf_file, zip_file

LIMITS = formats.ZipLimits(members=10, total_bytes=100_000, member_bytes=20_000)


# Plain text and Markdown: the existing path.


def test_it_reads_text_with_its_metadata_prefix(sample_text):
    parsed = formats.read("cairo.txt", sample_text.encode())
    assert parsed.published_on == datetime.date(2024, 2, 13)
    assert parsed.text.startswith("Representatives of the intelligence services")


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("latin.txt", "Café".encode("latin-1"), "latin.txt is not valid UTF-8 text (byte 0xE9"),
        ("empty.md", b"", "empty.md is empty"),
        ("blank.txt", b"  \n\n ", "blank.txt: There is no text to read"),
        ("notes.rtf", b"{\\rtf1 hello}", "notes.rtf: .rtf is not supported"),
        ("scan.tiff", b"II*\x00", ".tiff is not supported. Upload .txt, .md, .html"),
    ],
)
def test_it_refuses_bad_text_files_with_a_message_naming_them(name, data, message):
    with pytest.raises(IngestError) as refused:
        formats.read(name, data)
    assert message in str(refused.value)


# HTML: the article body of a saved news page.


def test_it_reads_the_article_body_and_metadata_of_a_web_page():
    parsed = formats.read("flood.html", html_page())
    assert parsed.title == "Flood waters reach the old town"
    assert parsed.byline == "Jane Doe"
    assert parsed.published_on == datetime.date(2024, 3, 1)
    assert parsed.url == "https://paper.example/flood"
    assert parsed.outlet == "The Valley Paper"
    paragraphs = parsed.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The river rose by two metres")
    # Navigation, footer and the repeated headline stay out of the text.
    assert "Home" not in parsed.text and "rights reserved" not in parsed.text
    assert "Flood waters" not in parsed.text


def test_the_text_of_a_web_page_never_contains_markup():
    page = html_page(
        paragraphs=(
            "The <b>minister</b> said &amp; repeated that the <i>so-called</i> deal was off.",
            "Critics called it &lt;script&gt; theatre, and the opposition walked out at noon.",
        ),
        title="Deal off",
    )
    parsed = formats.read("deal.htm", page)
    assert "The minister said & repeated that the so-called deal was off." in parsed.text
    assert "<script> theatre" in parsed.text  # escaped text in the page is text
    assert "<b>" not in parsed.text and "&amp;" not in parsed.text


def test_it_reads_a_web_page_in_its_declared_encoding():
    page = html_page(
        paragraphs=("Le maire de Besançon a déclaré que la crue était sous contrôle ce soir.",),
        title="Crue à Besançon",
    ).replace(b'charset="utf-8"', b'charset="iso-8859-1"')
    latin = page.decode().encode("latin-1")
    parsed = formats.read("crue.html", latin)
    assert "Besançon a déclaré" in parsed.text


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>Nothing</title></head><body></body></html>",
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
        b"<html><head><title>Log in</title></head><body><form><label>User</label>"
        b"<input name=u><label>Password</label><input type=password><button>Log in</button>"
        b"</form></body></html>",
    ],
    ids=["empty", "menu-only", "login-page"],
)
def test_a_web_page_without_an_article_body_is_refused(page):
    with pytest.raises(IngestError, match=r"page.html: no article text was found"):
        formats.read("page.html", page)


def test_a_binary_file_named_html_is_refused():
    with pytest.raises(IngestError, match="photo.html looks like a binary file"):
        formats.read("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00")


# Word files.


def test_it_reads_the_paragraphs_and_properties_of_a_word_file():
    data = docx_file(
        ["Strike at the harbour", "", "Dockers stopped work at dawn.  ", "Talks resume today."],
        title="Harbour strike",
        author="Ana Ruiz",
        created=datetime.datetime(2024, 5, 2, 9, 30, tzinfo=datetime.UTC),
    )
    parsed = formats.read("strike.docx", data)
    assert parsed.text == (
        "Strike at the harbour\n\nDockers stopped work at dawn.\n\nTalks resume today."
    )
    assert (parsed.title, parsed.byline) == ("Harbour strike", "Ana Ruiz")
    assert parsed.published_on == datetime.date(2024, 5, 2)


def test_a_word_file_without_properties_gets_no_made_up_byline_or_date():
    parsed = formats.read("plain.docx", docx_file(["Only text."]))
    assert (parsed.title, parsed.byline, parsed.published_on) == ("", "", None)


def test_a_truncated_word_file_is_refused():
    data = docx_file(["Some text."])
    with pytest.raises(IngestError, match=r"cut.docx cannot be read as a Word \(.docx\) file"):
        formats.read("cut.docx", data[: len(data) // 2])


def test_a_text_file_renamed_docx_is_refused():
    with pytest.raises(IngestError, match="cannot be read as a Word"):
        formats.read("fake.docx", b"Just some text.")


def test_an_empty_word_document_has_no_text():
    with pytest.raises(IngestError, match="blank.docx: there is no text to read"):
        formats.read("blank.docx", docx_file(["", "   "]))


def test_a_word_file_expanding_beyond_the_limit_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(formats, "MAX_DOCX_EXPANDED_BYTES", 1000)
    data = docx_file(["x" * 5000])
    with pytest.raises(IngestError, match="this Word file would expand to"):
        formats.read("bomb.docx", data)


# PDF.


def test_it_reads_the_text_layer_of_a_pdf_page_by_page():
    data = pdf_file(
        [["Ceasefire talks resumed in Cairo (Egypt).", "Delegations met at noon."], ["Page two."]],
        info={"Title": "Talks", "Author": "Wire desk", "CreationDate": "D:20240213101500Z"},
    )
    parsed = formats.read("talks.pdf", data)
    assert parsed.text == (
        "Ceasefire talks resumed in Cairo (Egypt).\nDelegations met at noon.\n\nPage two."
    )
    assert (parsed.title, parsed.byline) == ("Talks", "Wire desk")
    assert parsed.published_on == datetime.date(2024, 2, 13)


def test_a_scanned_pdf_without_text_gets_a_clear_message():
    with pytest.raises(IngestError, match=r"scan.pdf has no text layer \(a scanned PDF\?\)"):
        formats.read("scan.pdf", pdf_file([[], []]))


def _encrypted(data: bytes, *, user_password: str, owner_password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password=owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_password_protected_pdf_is_refused():
    data = _encrypted(pdf_file([["Secret text."]]), user_password="secret")
    with pytest.raises(IngestError, match="locked.pdf is password-protected"):
        formats.read("locked.pdf", data)


def test_a_pdf_locked_only_against_editing_is_read():
    data = _encrypted(pdf_file([["Open text."]]), user_password="", owner_password="owner")
    assert formats.read("open.pdf", data).text == "Open text."


@pytest.mark.parametrize(
    "data",
    [pdf_file([["Some text."]])[:120], b"%PDF-1.4", b"not a pdf at all"],
    ids=["truncated", "header-only", "garbage"],
)
def test_a_broken_pdf_is_refused(data):
    with pytest.raises(IngestError, match="broken.pdf cannot be read as a PDF"):
        formats.read("broken.pdf", data)


# Zip archives.


def test_it_lists_the_files_of_a_zip_and_skips_folders_and_system_files():
    data = zip_file(
        {
            "articles/": b"",
            "articles/one.txt": b"First.",
            "articles/two.html": html_page(),
            "__MACOSX/articles/._one.txt": b"\x00\x05",
            ".DS_Store": b"\x00",
            "articles/.hidden.txt": b"Hidden.",
        }
    )
    members = list(formats.zip_members("batch.zip", data, LIMITS))
    assert [m.name for m in members] == [
        "batch.zip/articles/one.txt",
        "batch.zip/articles/two.html",
    ]
    assert members[0].data == b"First." and not members[0].error


def test_nested_archives_and_unsupported_files_are_refused_one_by_one():
    data = zip_file(
        {
            "inner.zip": zip_file({"a.txt": b"A."}),
            "dump.tar.gz": b"\x1f\x8b",
            "photo.jpg": b"\xff\xd8",
            "ok.txt": b"Fine.",
        }
    )
    members = {m.name: m for m in formats.zip_members("outer.zip", data, LIMITS)}
    assert "an archive inside the archive" in members["outer.zip/inner.zip"].error
    assert "an archive inside the archive" in members["outer.zip/dump.tar.gz"].error
    assert "outer.zip/photo.jpg: .jpg is not supported" in members["outer.zip/photo.jpg"].error
    assert members["outer.zip/ok.txt"].data == b"Fine."
    assert all(m.data is None for name, m in members.items() if name != "outer.zip/ok.txt")


def _refuse_expansion(monkeypatch):
    def open_(*args, **kwargs):
        raise AssertionError("a member was expanded")

    monkeypatch.setattr(zipfile.ZipFile, "open", open_)


def test_too_many_files_are_refused_before_anything_is_expanded(monkeypatch):
    data = zip_file({f"{i}.txt": b"x" for i in range(11)})
    _refuse_expansion(monkeypatch)
    with pytest.raises(IngestError, match="many.zip holds 11 files; a zip may hold at most 10"):
        formats.zip_members("many.zip", data, LIMITS)


def test_a_zip_bomb_is_refused_from_its_declared_size_before_it_is_expanded(monkeypatch):
    # 6 × 19,000 zero bytes: each member is within the per-file limit, the total is not.
    data = zip_file({f"{i}.txt": b"\x00" * 19_000 for i in range(6)})
    assert len(data) < 2_000
    _refuse_expansion(monkeypatch)
    with pytest.raises(IngestError, match=r"bomb.zip would expand to 111.3 KB; the limit is 97.7"):
        formats.zip_members("bomb.zip", data, LIMITS)


def test_a_member_declaring_more_than_the_per_file_limit_is_refused_unread(monkeypatch):
    data = zip_file({"big.txt": b"a" * 30_000, "small.txt": b"Small."})
    opened = []
    real_open = zipfile.ZipFile.open

    def open_(self, info, *args, **kwargs):
        opened.append(info.filename)
        return real_open(self, info, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_)
    members = list(formats.zip_members("z.zip", data, LIMITS))
    assert members[0].error == "z.zip/big.txt is 29.3 KB; the limit per file is 19.5 KB."
    assert members[1].data == b"Small."
    assert opened == ["small.txt"]


def _patch_member(data: bytes, *, size: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite the first member's headers: a lying uncompressed size, or flag bits."""
    data = bytearray(data)
    central = data.find(b"PK\x01\x02")
    local = data.find(b"PK\x03\x04")
    if size is not None:
        struct.pack_into("<I", data, central + 24, size)
        struct.pack_into("<I", data, local + 22, size)
    if flags is not None:
        struct.pack_into("<H", data, central + 8, flags)
        struct.pack_into("<H", data, local + 6, flags)
    return bytes(data)


def test_a_member_expanding_beyond_what_it_declares_is_stopped():
    # It declares 100 bytes and really holds 1 MB of zeros: reading stops at what was
    # declared, the checksum fails, and the member is refused.
    data = _patch_member(zip_file({"liar.txt": b"\x00" * 1_000_000}), size=100)
    (member,) = formats.zip_members("liar.zip", data, LIMITS)
    assert member.data is None
    assert member.error == "liar.zip/liar.txt is damaged in the archive and cannot be read."


def test_reading_a_member_stops_at_the_limit_whatever_it_declared():
    data = zip_file({"a.txt": b"a" * 200_000})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        with pytest.raises(formats._TooLarge):
            formats._read_member(archive, archive.infolist()[0], 100_000)
        assert len(formats._read_member(archive, archive.infolist()[0], 200_000)) == 200_000


def test_an_encrypted_member_is_refused():
    data = _patch_member(zip_file({"secret.txt": b"Secret.", "open.txt": b"Open."}), flags=1)
    members = list(formats.zip_members("locked.zip", data, LIMITS))
    assert members[0].error == (
        "locked.zip/secret.txt is encrypted; zip it again without a password."
    )
    assert members[1].data == b"Open."


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_zip_is_refused_whole(cut):
    data = zip_file({"a.txt": b"A story." * 100, "b.txt": b"Another." * 100})
    with pytest.raises(IngestError, match="cut.zip is not a readable zip archive"):
        formats.zip_members("cut.zip", data[: int(len(data) * cut)], LIMITS)


def test_a_damaged_member_is_refused_and_the_others_are_read():
    noise = random.Random(5).randbytes(2_000)  # does not compress: a's bytes stay long
    data = bytearray(zip_file({"a.txt": noise, "b.txt": b"B."}))
    local = data.find(b"PK\x03\x04")
    data[local + 40 : local + 60] = b"\xff" * 20  # scramble a's compressed bytes
    members = list(formats.zip_members("hurt.zip", bytes(data), LIMITS))
    assert members[0].error == "hurt.zip/a.txt is damaged in the archive and cannot be read."
    assert members[1].data == b"B."


def test_another_reader_of_zips_passes_its_own_name_check():
    data = zip_file({"alice/1.ann": b"T1\tClaim 0 4\tText\n", "notes.rtf": b"{", "x.zip": b"PK"})
    members = {m.name: m for m in formats.zip_members("tags.zip", data, LIMITS, check_name=None)}
    assert members["tags.zip/alice/1.ann"].data == b"T1\tClaim 0 4\tText\n"
    assert members["tags.zip/notes.rtf"].data == b"{"  # the tag import decides what it reads
    assert "an archive inside the archive" in members["tags.zip/x.zip"].error


def test_a_member_pointing_outside_the_archive_is_refused():
    data = zip_file({"../evil.txt": b"Out.", "/etc/passwd.txt": b"Root.", "ok.txt": b"Fine."})
    members = {m.name: m for m in formats.zip_members("z.zip", data, LIMITS)}
    # ".." is a dot-name, skipped like hidden files; an absolute path is named and refused.
    assert set(members) == {"z.zip//etc/passwd.txt", "z.zip/ok.txt"}
    assert members["z.zip//etc/passwd.txt"].error == (
        "z.zip//etc/passwd.txt points outside the archive."
    )
    assert members["z.zip/ok.txt"].data == b"Fine."
