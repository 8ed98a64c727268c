"""Sorting uploaded files of tags: zips opened within limits, pairs matched. Pure, no database."""

import io
import zipfile

import pytest

from annotations.interchange.records import ImportFormatError
from annotations.interchange.uploads import Upload, decode, sort_uploads
from newsdesk.formats import ZipLimits


def test_it_refuses_a_broken_encoding_naming_the_file_and_byte():
    with pytest.raises(
        ImportFormatError, match=r"doc\.txt is not valid UTF-8 .*0xE9 at position 3"
    ):
        decode("Caf\xe9".encode("latin-1"), name="doc.txt")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


LIMITS = ZipLimits(members=10, member_bytes=10_000, total_bytes=50_000)


def sort(*uploads, pairs=(), folder_annotators=False):
    """(refused, units); the skipped are left to the tests that ask for them."""
    refused, units, _ = sort_uploads(
        list(uploads),
        pairs=list(pairs),
        max_bytes=100_000,
        zip_limits=LIMITS,
        folder_annotators=folder_annotators,
    )
    return refused, units


def test_zip_gives_its_files_and_skips_folders_and_hidden_files():
    data = zipped({"alice/1.ann": b"", "alice/1.txt": b"Text", "__MACOSX/._1.txt": b"x"})
    refused, (unit,) = sort(Upload("a.zip", data), folder_annotators=True)
    assert refused == []
    assert (unit.kind, unit.name, unit.data, unit.txt) == (
        "brat",
        "a.zip/alice/1.ann",
        b"",
        b"Text",
    )
    assert unit.annotator == "alice"  # the zip's folder names the annotator, as asked


def test_zip_folders_name_no_annotator_unless_asked_and_brat_settings_are_skipped():
    files = {
        "esp/esp.train.ann": b"",
        "esp/esp.train.txt": b"Text",
        **{f"esp/{conf}": b"[entities]\nPER\n" for conf in ("annotation.conf", "tools.conf")},
        **{conf: b"[labels]\n" for conf in ("visual.conf", "kb_shortcuts.conf")},
    }
    refused, (unit,), skipped = sort_uploads(
        [Upload("esp.zip", zipped(files))], pairs=[], max_bytes=100_000, zip_limits=LIMITS
    )
    assert refused == [] and unit.annotator == ""
    assert sorted(skipped) == [
        "esp.zip/esp/annotation.conf",
        "esp.zip/esp/tools.conf",
        "esp.zip/kb_shortcuts.conf",
        "esp.zip/visual.conf",
    ]


def test_zip_refuses_a_truncated_archive():
    data = zipped({"alice/1.ann": b"T1\tClaim 0 4\tText\n" * 50, "alice/1.txt": b"Text" * 50})
    ((name, error),), units = sort(Upload("a.zip", data[: len(data) // 2]))
    assert name == "a.zip" and error.startswith("a.zip is not a readable zip archive")
    assert units == []


def test_zip_refuses_a_bomb_before_expanding_it():
    data = zipped({"big.txt": b"0" * 200_000})
    assert len(data) < 2_000
    assert sort(Upload("bomb.zip", data)) == (
        [
            (
                "bomb.zip",
                "bomb.zip would expand to 195.3 KB; the limit is 48.8 KB. Split it into "
                "smaller zips.",
            )
        ],
        [],
    )
    many = zipped({f"{i}.txt": b"x" for i in range(11)})
    assert sort(Upload("many.zip", many))[0] == [
        ("many.zip", "many.zip holds 11 files; a zip may hold at most 10.")
    ]


def test_zip_refuses_one_member_over_the_limit_and_keeps_the_others():
    data = zipped({"big.jsonl": b"{}" * 6_000, "ok.jsonl": b"{}"})
    refused, (unit,) = sort(Upload("z.zip", data))
    assert refused == [
        ("z.zip/big.jsonl", "z.zip/big.jsonl is 11.7 KB; the limit per file is 9.8 KB.")
    ]
    assert unit.name == "z.zip/ok.jsonl"


def test_a_file_over_the_size_limit_is_refused_by_its_declared_size_unread():
    refused, units = sort(Upload("big.jsonl", b"", size=100_001))
    # Just over the limit reads in bytes, not "97.7 KB; the limit is 97.7 KB".
    message = "big.jsonl is 100,001\xa0bytes; the limit is 100,000\xa0bytes."
    assert refused == [("big.jsonl", message)]
    assert units == []
