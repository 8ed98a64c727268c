"""From uploaded files to documents: zips opened, brat pairs matched, each file read. Pure.

No Django and no database: the import service hands in the files, the size limit and the
zip limits, and writes what comes out. brat ``.ann`` and ``.txt`` files pair up by name
(a single unpaired ``.ann`` and ``.txt`` pair up too); ``.jsonl`` is JSON Lines, ``.json``
and ``.jsonld`` W3C Web Annotation. Zips are opened by newsdesk's zip reader
(newsdesk/formats.py), with the limits it is given.
"""

import io
import json
from dataclasses import dataclass
from pathlib import PurePosixPath

from annotations.interchange import brat, jsonl, labelstudio, w3c
from annotations.interchange.records import Document, ImportFormatError
from newsdesk import formats, ingest

BRAT_CONFIG = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf"}


@dataclass
class Upload:
    name: str
    data: bytes
    # The size the client declared, when the data was not read because it is too large.
    size: int | None = None


@dataclass
class Unit:
    """One file to read: ``txt`` is the text a brat ``.ann`` counts against."""

    kind: str  # brat, jsonl or w3c
    name: str
    data: bytes
    txt: bytes = b""
    annotator: str = ""  # from a zip's <annotator>/<article>.ann layout


def upload_of(file, *, max_bytes: int) -> Upload:
    """An uploaded file, read only within the limit: the service refuses it by its size."""
    return Upload(file.name, file.read() if file.size <= max_bytes else b"", size=file.size)


def sort_uploads(
    uploads: list[Upload],
    *,
    pairs: list[tuple[str, str]],
    max_bytes: int,
    zip_limits: formats.ZipLimits,
    folder_annotators: bool = False,
) -> tuple[list[tuple[str, str]], list[Unit], list[str]]:
    """The (name, reason) of every file refused or left out, the files to read, and the
    names of brat configuration files skipped.

    ``pairs`` names (.ann, .txt) pairs whose names differ. With ``folder_annotators``, a
    zip laid out ``<annotator>/<article>.ann`` (as our brat export is) names the annotator.
    """
    refused: list[tuple[str, str]] = []
    skipped: list[str] = []
    files: list[tuple[str, bytes, str]] = []  # name, content, annotator (from a zip folder)
    for upload in uploads:
        try:
            ingest.check_size(upload.name, max(len(upload.data), upload.size or 0), max_bytes)
            if upload.name.lower().endswith(".zip"):
                files.extend(_zip_files(upload, zip_limits, refused, folder_annotators))
            else:
                files.append((upload.name, upload.data, ""))
        except ingest.IngestError as exc:
            refused.append((upload.name, str(exc)))
    named = {name: (data, who) for name, data, who in files}
    used: set[str] = set()
    for ann_name, txt_name in pairs:
        for missing in (n for n in (ann_name, txt_name) if n not in named):
            refused.append((missing, f"{missing} was not uploaded."))
    units = []
    for ann_name, txt_name in pairs:
        if ann_name in named and txt_name in named:
            units.append(("brat", ann_name, txt_name))
            used |= {ann_name, txt_name}
    stems = {_stem(n): n for n in named if n.lower().endswith(".txt") and n not in used}
    lone_ann = []
    for name in named:
        lower = name.lower()
        if name in used:
            continue
        if lower.endswith(".ann"):
            if _stem(name) in stems:
                units.append(("brat", name, stems.pop(_stem(name))))
            else:
                lone_ann.append(name)
        elif lower.endswith(".jsonl"):
            units.append(("jsonl", name, ""))
        elif lower.endswith((".json", ".jsonld")):
            units.append(("w3c", name, ""))
        elif PurePosixPath(name).name in BRAT_CONFIG:
            skipped.append(name)  # brat's settings, which a collection carries beside its files
        elif not lower.endswith(".txt"):
            reason = "not a .ann, .txt, .jsonl, .json or .jsonld file"
            if lower.endswith(".zip"):
                reason = "an archive inside an archive is not opened"
            refused.append((name, f"{name}: left out ({reason})."))
    lone_txt = [n for n in stems.values() if n not in used]
    if len(lone_ann) == 1 and len(lone_txt) == 1:
        units.append(("brat", lone_ann[0], lone_txt[0]))
        lone_ann, lone_txt = [], []
    for name in lone_ann:
        refused.append((name, f"{name}: no .txt of the same name beside it; name the pair."))
    for name in lone_txt:
        refused.append(
            (
                name,
                f"{name}: a text without a .ann beside it. Articles alone are added on the "
                "upload page.",
            )
        )
    return (
        refused,
        [
            Unit(kind, name, named[name][0], named[other][0] if other else b"", named[name][1])
            for kind, name, other in units
        ],
        skipped,
    )


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _zip_files(
    upload: Upload, limits: formats.ZipLimits, refused: list[tuple[str, str]], folders: bool
):
    """The readable files of a zip; a member refused by the limits goes to ``refused``.

    An archive that cannot be opened, holds too many files or expands too far raises
    IngestError before anything is expanded.
    """
    out = []
    for member in formats.zip_members(upload.name, upload.data, limits, check_name=None):
        if member.error:
            refused.append((member.name, member.error))
            continue
        parts = PurePosixPath(member.name.removeprefix(upload.name + "/")).parts
        # Our brat export is laid out <annotator>/<article>.ann: when asked, the folder
        # names the annotator. Other collections' folders name a language or a batch.
        is_ann = member.name.lower().endswith(".ann")
        who = parts[0] if folders and len(parts) == 2 and is_ann else ""
        out.append((member.name, member.data, who))
    return out


def decode(data: bytes, *, name: str) -> str:
    try:
        return ingest.decode(data, name=name)
    except ingest.IngestError as exc:
        raise ImportFormatError(str(exc)) from None


def _lines(data: bytes, *, name: str):
    """A JSON Lines file line by line: each decoded on its own, never the whole at once."""
    for number, raw in enumerate(io.BytesIO(data), start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"not UTF-8 (byte {exc.start + 1} of the line).", name=name, line=number
            ) from None


def read_unit(unit: Unit, *, completed_by: bool = False) -> list[Document]:
    """The documents of one file, or an ImportFormatError naming the file and the line."""
    if unit.kind == "jsonl":
        return jsonl.read_jsonl_lines(_lines(unit.data, name=unit.name), name=unit.name)
    text = decode(unit.data, name=unit.name)
    if unit.kind == "brat":
        txt = decode(unit.txt, name=unit.name[:-4] + ".txt")
        return [brat.read_brat(ann=text, txt=txt, name=unit.name, annotator=unit.annotator)]
    # Label Studio's export is a .json too: told apart by its tasks before it is read as
    # W3C, so it is never refused as a Web Annotation that is not one.
    try:
        root = json.loads(text)
    except json.JSONDecodeError:
        root = None
    if root is not None and labelstudio.looks_like(root):
        documents = labelstudio.read_labelstudio(root, name=unit.name, data=text)
        if not completed_by:  # the file's users name no one here unless asked
            for document in documents:
                document.annotator = ""
        return documents
    return w3c.read_w3c(text, name=unit.name)
