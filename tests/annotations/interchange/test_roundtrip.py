"""Round trips: import a file, export it in the same format, get the same spans and labels.

Through the real import service and the real export command. Offsets are code points:
files with emoji, combining accents and CRLF line endings come back with their spans
mapped onto the stored text (LF, NFC, no blank edges), never shifted.
"""

import io
import json
import unicodedata
import zipfile

import pytest
from django.core.management import call_command

from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation
from newsdesk.models import Article
from tests.annotations.interchange.files import CONLL, NEWS

pytestmark = pytest.mark.django_db


TEXT = (
    "Ceasefire talks 🕊️ resumed in Cairo.\n\n"
    "A senior Egyptian security source, who requested anonymity, told Reuters that the "
    "so-called “deal” was close. Café owners 👍🏽 said prices had doubled."
)


def spans_of(text, *pairs):
    """(label, start, end) of each (label, phrase) in ``text``."""
    found = []
    for label, phrase in pairs:
        start = text.index(phrase)
        found.append((label, start, start + len(phrase)))
    return found


def run_import(uploads, user, codebook, **kwargs):
    results = import_uploads(uploads=uploads, options=Options(user, codebook, **kwargs))
    assert all(r.ok for r in results), [r.error for r in results]
    return results


def export(tmp_path, fmt, *args) -> bytes:
    out = tmp_path / f"out.{fmt}"
    call_command("export_annotations", "--format", fmt, "-o", str(out), *args)
    return out.read_bytes()


def brat_export(tmp_path, *args) -> dict[str, tuple[str, str]]:
    """{path stem: (txt, ann)} of a brat export."""
    with zipfile.ZipFile(io.BytesIO(export(tmp_path, "brat", *args))) as archive:
        names = archive.namelist()
        return {
            name.removesuffix(".ann"): (
                archive.read(name.removesuffix(".ann") + ".txt").decode(),
                archive.read(name).decode(),
            )
            for name in names
            if name.endswith(".ann")
        }


def t_spans(ann: str) -> list[tuple[str, int, int, str]]:
    spans = []
    for line in ann.splitlines():
        if line.startswith("T"):
            _, middle, quote = line.split("\t")
            label, start, end = middle.split(" ")
            spans.append((label, int(start), int(end), quote))
    return sorted(spans)


def ann_lines(spans_with_quotes, extra=()):
    lines = [
        f"T{n}\t{label} {start} {end}\t{quote}"
        for n, (label, start, end, quote) in enumerate(spans_with_quotes, 1)
    ]
    return "\n".join([*lines, *extra]) + "\n"


# brat


def test_brat_round_trip_keeps_spans_labels_attributes_notes_and_links(tmp_path, alice, codebook):
    spans = [
        (label, start, end, TEXT[start:end])
        for label, start, end in spans_of(
            TEXT,
            ("Source", "A senior Egyptian security source, who requested anonymity"),
            ("Claim", "prices had doubled"),
            ("Framing", "so-called"),
            ("Source", "Café owners"),
        )
    ]
    extra = [
        "A1\tidentification T1 anonymous",
        "A2\treason_for_anonymity_given T1",
        "A3\tdevice T3 scare_quotes_or_distancing",
        "R1\tattributed_to Arg1:T2 Arg2:T4",
        "#1\tAnnotatorNotes T1\tUnnamed, but senior.",
    ]
    ann = ann_lines(spans, extra)
    run_import(
        [Upload("talks.txt", TEXT.encode()), Upload("talks.ann", ann.encode())], alice, codebook
    )

    ((txt, exported),) = brat_export(tmp_path, "--annotator", "alice").values()
    assert txt == TEXT
    assert t_spans(exported) == sorted(spans)
    lines = exported.splitlines()
    key = {
        quote: line.split("\t")[0]
        for line in lines
        if line[0] == "T"
        for quote in [line.split("\t")[2]]
    }
    source, claim, framing = key[spans[0][3]], key["prices had doubled"], key["so-called"]
    bodies = {line.split("\t", 1)[1] for line in lines if line[0] in "AR#"}
    assert f"identification {source} anonymous" in bodies
    assert f"reason_for_anonymity_given {source}" in bodies
    assert f"device {framing} scare_quotes_or_distancing" in bodies
    assert f"attributed_to Arg1:{claim} Arg2:{key['Café owners']}" in bodies
    assert f"AnnotatorNotes {source}\tUnnamed, but senior." in bodies


def test_brat_with_crlf_and_decomposed_accents_maps_offsets_onto_the_stored_text(
    tmp_path, alice, codebook
):
    original = unicodedata.normalize("NFD", TEXT).replace("\n", "\r\n")
    phrases = [("Source", "Café owners"), ("Claim", "prices had doubled")]
    nfd = [(label, unicodedata.normalize("NFD", phrase)) for label, phrase in phrases]
    spans = [(label, s, e, original[s:e]) for label, s, e in spans_of(original, *nfd)]
    run_import(
        [Upload("crlf.txt", original.encode()), Upload("crlf.ann", ann_lines(spans).encode())],
        alice,
        codebook,
    )
    ((txt, exported),) = brat_export(tmp_path, "--annotator", "alice").values()
    assert txt == TEXT  # stored as LF and NFC
    expected = [(label, s, e, TEXT[s:e]) for label, s, e in spans_of(TEXT, *phrases)]
    assert t_spans(exported) == sorted(expected)
    # The same words, not the same numbers: CRLF and NFD shifted every later offset.
    assert [s for _, s, _, _ in sorted(spans)] != [s for _, s, _, _ in sorted(expected)]


def test_brat_round_trip_on_the_sample_article(tmp_path, alice, codebook, sample_text):
    phrases = [
        ("Source", "A senior Egyptian security source, who requested anonymity"),
        ("Framing", "terrorist group"),
        ("Claim", "killed 1,200 people"),
        ("Source", "Iran's state news agency"),
    ]
    spans = [(label, s, e, sample_text[s:e]) for label, s, e in spans_of(sample_text, *phrases)]
    run_import(
        [Upload("cairo.txt", sample_text.encode()), Upload("cairo.ann", ann_lines(spans).encode())],
        alice,
        codebook,
    )
    ((txt, exported),) = brat_export(tmp_path, "--annotator", "alice").values()
    stored = Article.objects.get().text
    assert txt == stored
    # The sample opens with a space: the stored text does not, and offsets follow it.
    lead = len(sample_text) - len(sample_text.lstrip())
    assert lead == 1
    assert t_spans(exported) == sorted((lab, s - lead, e - lead, q) for lab, s, e, q in spans)


@pytest.mark.parametrize("language", ["esp", "ned"])
def test_brat_round_trip_on_the_conll_2002_news(tmp_path, staff, codebook, language):
    folder = CONLL / language
    if not folder.exists():
        pytest.fail(f"The brat example data is missing: {folder}")
    uploads = [Upload(p.name, p.read_bytes()) for p in sorted(folder.glob("*.[ta][xn][tn]"))]
    run_import(uploads, staff, codebook, create_labels="source")  # staff: labels are added
    exported = {txt: ann for txt, ann in brat_export(tmp_path, "--annotator", "editor").values()}
    assert len(exported) == len(list(folder.glob("*.ann")))
    for ann_path in sorted(folder.glob("*.ann")):
        text = ann_path.with_suffix(".txt").read_text(encoding="utf-8")
        assert text == text.lstrip()  # no leading blank: offsets compare directly
        original = t_spans(ann_path.read_text(encoding="utf-8"))
        assert t_spans(exported[text.strip()]) == original, ann_path.name
    if language == "esp":
        assert any("ñ" in txt or "á" in txt for txt in exported)


def test_brat_round_trip_keeps_the_empty_ann_files_of_the_news_tutorial(tmp_path, alice, codebook):
    empty = sorted(p for p in NEWS.glob("*.ann") if p.stat().st_size == 0)
    assert len(empty) == 4
    uploads = []
    for ann in empty:
        uploads += [
            Upload(ann.name, b""),
            Upload(ann.with_suffix(".txt").name, ann.with_suffix(".txt").read_bytes()),
        ]
    results = run_import(uploads, alice, codebook)
    assert sum(r.articles_created for r in results) == 4 and not Annotation.objects.exists()
    exported = brat_export(tmp_path, "--annotator", "alice")
    assert len(exported) == 4
    assert all(ann == "" for _, ann in exported.values())


# JSON Lines (doccano style in, ours out: it keeps doccano's "label" list)


def test_jsonl_round_trip_keeps_doccano_labels_with_emoji_and_crlf(tmp_path, alice, codebook):
    crlf = TEXT.replace("\n", "\r\n")
    lines = []
    for text in (TEXT, crlf.replace("Cairo", "Doha")):
        labels = [
            [s, e, label]
            for label, s, e in spans_of(text, ("Source", "Café owners"), ("Framing", "so-called"))
        ]
        lines.append(json.dumps({"text": text, "label": labels}, ensure_ascii=False))
    run_import([Upload("doccano.jsonl", "\n".join(lines).encode())], alice, codebook)
    out = [json.loads(line) for line in export(tmp_path, "jsonl").decode().splitlines()]
    by_text = {line["text"]: line for line in out}
    assert set(by_text) == {TEXT, TEXT.replace("Cairo", "Doha")}
    for text, line in by_text.items():
        expected = [
            [s, e, label]
            for label, s, e in spans_of(text, ("Source", "Café owners"), ("Framing", "so-called"))
        ]
        assert sorted(line["label"]) == sorted(expected)
        for start, end, _ in line["label"]:
            assert line["text"][start:end] in ("Café owners", "so-called")


def test_jsonl_round_trip_keeps_doccanos_entities_and_relations(tmp_path, alice, codebook):
    crlf = TEXT.replace("\n", "\r\n")
    spans = spans_of(crlf, ("Source", "Café owners"), ("Claim", "prices had doubled"))
    line = {
        "text": crlf,
        "entities": [
            {"id": n, "label": label, "start_offset": s, "end_offset": e}
            for n, (label, s, e) in enumerate(spans, start=1)
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "attributed_to"}],
    }
    run_import([Upload("relations.jsonl", json.dumps(line).encode())], alice, codebook)
    (out,) = [json.loads(line) for line in export(tmp_path, "jsonl").decode().splitlines()]
    assert out["text"] == TEXT
    expected = spans_of(TEXT, ("Source", "Café owners"), ("Claim", "prices had doubled"))
    assert sorted(out["label"]) == sorted([s, e, label] for label, s, e in expected)
    ids = {tag["label"]: tag["id"] for tag in out["tags"]}
    claim = next(tag for tag in out["tags"] if tag["label"] == "Claim")
    assert claim["relations"] == [{"type": "attributed_to", "to": ids["Source"]}]


def test_doccanos_entities_shape_comes_back_in_from_our_export_with_its_relation(
    tmp_path, alice, bob, codebook, team
):
    crlf = TEXT.replace("\n", "\r\n")
    spans = spans_of(crlf, ("Source", "Café owners"), ("Claim", "prices had doubled"))
    line = {
        "text": crlf,
        "entities": [
            {"id": n, "label": label, "start_offset": s, "end_offset": e}
            for n, (label, s, e) in enumerate(spans, start=1)
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "Attribution"}],
    }
    run_import([Upload("relations.jsonl", json.dumps(line).encode())], alice, codebook)
    first = export(tmp_path, "jsonl")
    Annotation.objects.all().delete()
    run_import([Upload("back.jsonl", first)], alice, codebook)
    (again,) = [json.loads(line) for line in export(tmp_path, "jsonl").decode().splitlines()]
    (before,) = [json.loads(line) for line in first.decode().splitlines()]
    assert sorted(again["label"]) == sorted(before["label"])
    claim = next(t for t in again["tags"] if t["label"] == "Claim")
    source = next(t for t in again["tags"] if t["label"] == "Source")
    assert claim["relations"] == [{"type": "attributed_to", "to": source["id"]}]
    # doccano's first shape, as doccano itself would export our spans: text and label only,
    # coded by bob, who shares a project with alice.
    team(*Article.objects.all(), alice=True, bob=True)
    doccano = {"text": again["text"], "label": again["label"]}
    run_import([Upload("doccano.jsonl", json.dumps(doccano).encode())], bob, codebook)
    bobs = Annotation.objects.filter(owner=bob).order_by("start")
    assert [(t.start, t.end, t.label.name) for t in bobs] == sorted(map(tuple, again["label"]))


def test_jsonl_export_imports_back_onto_the_same_article(tmp_path, staff, alice, codebook):
    lines = [
        json.dumps(
            {
                "text": TEXT,
                "label": [
                    [s, e, lab] for lab, s, e in spans_of(TEXT, ("Claim", "prices had doubled"))
                ],
            }
        )
    ]
    run_import([Upload("one.jsonl", "\n".join(lines).encode())], alice, codebook)
    first = export(tmp_path, "jsonl")
    Annotation.objects.all().delete()
    run_import([Upload("again.jsonl", first)], staff, codebook)
    assert Article.objects.count() == 1
    second = export(tmp_path, "jsonl")
    strip = lambda data: [  # noqa: E731 — ids and times differ between the two imports
        {
            **line,
            "tags": [
                {k: v for k, v in t.items() if k not in ("id", "created_at")} for t in line["tags"]
            ],
        }
        for line in map(json.loads, data.decode().splitlines())
    ]
    assert strip(second) == strip(first)
    assert Annotation.objects.get().owner == alice  # the file named her; staff may say so


# W3C Web Annotation


def test_w3c_round_trip_keeps_selectors_and_tagging_bodies(tmp_path, alice, codebook):
    article = Article.objects.create(title="Talks", text=TEXT, sha256="x" * 64, uploaded_by=alice)
    source = f"http://127.0.0.1:8000/articles/{article.pk}/"
    items = []
    for label, start, end in spans_of(TEXT, ("Source", "Café owners"), ("Framing", "so-called")):
        items.append(
            {
                "id": f"urn:example:{start}",
                "type": "Annotation",
                "motivation": "tagging",
                "body": [{"type": "TextualBody", "purpose": "tagging", "value": label}],
                "target": {
                    "source": source,
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": TEXT[start:end]},
                        {"type": "TextPositionSelector", "start": start, "end": end},
                    ],
                },
            }
        )
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:example:collection",
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": items},
    }
    run_import([Upload("w3c.jsonld", json.dumps(collection).encode())], alice, codebook)
    exported = json.loads(export(tmp_path, "w3c"))

    def shape(item):
        selectors = {s["type"]: s for s in item["target"]["selector"]}
        tagging = [b["value"] for b in item["body"] if b.get("purpose") == "tagging"]
        position = selectors["TextPositionSelector"]
        return (
            tagging,
            position["start"],
            position["end"],
            selectors["TextQuoteSelector"]["exact"],
            item["target"]["source"],
        )

    assert sorted(map(shape, exported["first"]["items"])) == sorted(map(shape, items))
