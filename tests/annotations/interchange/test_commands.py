"""The import_annotations and export_annotations commands."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation, Label, Relation
from newsdesk.models import Article
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE
from tests.annotations.interchange.files import NEWS, brat, csv_rows

pytestmark = pytest.mark.django_db


def test_the_command_imports_a_folder_as_the_named_user(staff, codebook, capsys):
    call_command(
        "import_annotations",
        str(NEWS / "040-text_span_annotation.ann"),
        str(NEWS / "040-text_span_annotation.txt"),
        "--user",
        "editor",
        "--create-labels",
        "source",
    )
    out = capsys.readouterr().out
    assert "4 tags added" in out and "new labels: GPE, Organization, Person" in out
    assert Annotation.objects.for_user(staff).count() == 4
    assert set(Label.objects.filter(category="source").values_list("name", flat=True)) >= {
        "Person",
        "GPE",
    }


def test_the_command_refuses_to_create_labels_for_an_annotator(alice, codebook):
    labels = set(Label.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="alice is not staff: only staff add labels"):
        call_command(
            "import_annotations",
            str(NEWS / "040-text_span_annotation.ann"),
            str(NEWS / "040-text_span_annotation.txt"),
            "--user",
            "alice",
            "--create-labels",
            "source",
        )
    assert set(Label.objects.values_list("pk", flat=True)) == labels
    assert not Annotation.objects.exists() and not Article.objects.exists()


def test_the_command_pairs_files_with_different_names(tmp_path, alice, codebook, capsys):
    (tmp_path / "story.txt").write_text("The minister said prices rose.", encoding="utf-8")
    (tmp_path / "tags.ann").write_text("T1\tClaim 18 29\tprices rose\n", encoding="utf-8")
    call_command(
        "import_annotations",
        "--ann",
        str(tmp_path / "tags.ann"),
        "--txt",
        str(tmp_path / "story.txt"),
        "--user",
        "alice",
    )
    assert Annotation.objects.get().quote == "prices rose"


def test_the_command_reports_refusals_and_fails(tmp_path, alice, codebook, capsys):
    (tmp_path / "x.txt").write_text("Some words.", encoding="utf-8")
    (tmp_path / "x.ann").write_text(
        "T1\tClaim 0 4\tSome\nN1\tReference T1 Wiki:1\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="1 file\\(s\\) were refused"):
        call_command("import_annotations", str(tmp_path), "--user", "alice")
    assert "x.ann, line 2: N1 is a normalisation" in capsys.readouterr().err
    assert not Article.objects.exists()


def test_a_refused_label_does_not_stop_the_other_files_or_the_summary(
    tmp_path, staff, codebook, capsys
):
    long_name = "x" * 101
    lines = [
        {"text": "Rain fell on Paris.", "label": [[0, 9, long_name]]},
        {"text": "Snow fell on Lyon.", "label": [[0, 9, "Weather"], [13, 17, "Weather_place"]]},
    ]
    for number, line in enumerate(lines, start=1):
        (tmp_path / f"{number}.jsonl").write_text(json.dumps(line), encoding="utf-8")
    (tmp_path / "3.jsonl").write_text(json.dumps(lines[1]), encoding="utf-8")
    with pytest.raises(CommandError, match="1 file\\(s\\) were refused"):
        call_command(
            "import_annotations",
            str(tmp_path),
            "--user",
            staff.username,
            "--create-labels",
            "framing",
        )
    out, err = capsys.readouterr()
    assert "1.jsonl, line 1, label 1: the label “xxx" in err and "Traceback" not in err
    assert "2 file(s) imported, 1 refused: 2 tags added, 2 skipped" in out
    assert set(Label.objects.filter(category="framing").values_list("name", flat=True)) >= {
        "Weather",
        "Weather_place",
    }
    assert Annotation.objects.count() == 2


def test_the_command_without_a_user_needs_annotators_named(tmp_path, bob, codebook, capsys):
    folder = tmp_path / "export"
    (folder / "bob").mkdir(parents=True)
    (folder / "bob" / "1.txt").write_text("Officials said prices rose.", encoding="utf-8")
    (folder / "bob" / "1.ann").write_text("T1\tClaim 15 26\tprices rose\n", encoding="utf-8")
    import shutil

    archive = shutil.make_archive(str(tmp_path / "export"), "zip", folder)
    call_command("import_annotations", archive, "--annotators-from-folders")
    assert Annotation.objects.get().owner == bob
    with pytest.raises(CommandError, match="no user named zoe"):
        call_command("import_annotations", archive, "--user", "zoe")
    assert not Relation.objects.exists()


def test_a_zipped_brat_collection_is_the_importers_and_its_settings_are_skipped(
    tmp_path, alice, codebook, capsys
):
    archive = tmp_path / "conll.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("esp/esp.train.txt", "Officials said prices rose.")
        zf.writestr("esp/esp.train.ann", "T1\tClaim 15 26\tprices rose\n")
        for conf in ("annotation.conf", "tools.conf", "visual.conf", "kb_shortcuts.conf"):
            zf.writestr(f"esp/{conf}", "[entities]\nClaim\n")
    call_command("import_annotations", str(archive), "--user", "alice")  # exits 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "conll.zip/esp/tools.conf: skipped (brat configuration)" in out
    assert "1 file(s) imported, 0 refused, 4 skipped (brat configuration: 4): 1 tags added" in out
    assert Annotation.objects.get().owner == alice  # "esp" is a language, not a user


# export_annotations


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_annotations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_writes_everyones_live_tags_to_stdout(known):
    rows = csv_rows(run("--format", "csv").encode())
    assert sorted((r["annotator"], r["quote"]) for r in rows) == [
        ("alice", SOURCE_QUOTE),
        ("alice", CLAIM_QUOTE),
        ("bob", "terrorists"),
    ]


def test_it_narrows_to_one_annotator_and_some_articles(known, article, other_article, bob):
    lines = [
        json.loads(line) for line in run("--format", "jsonl", "--annotator", "bob").splitlines()
    ]
    assert [line["id"] for line in lines] == [article.pk, other_article.pk]
    assert [t["annotator"] for t in lines[0]["tags"]] == ["bob"]
    assert lines[1]["tags"] == []
    lines = run("--format", "jsonl", "--article", str(other_article.pk)).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [other_article.pk]


def test_it_writes_brat_to_a_file(known, article, tmp_path):
    target = tmp_path / "tags.zip"
    run("--format", "brat", "-o", str(target), "--article", str(article.pk))
    files = brat(target.read_bytes())
    assert sorted(files) == sorted(
        f"{who}/{article.pk}.{ext}" for who in ("alice", "bob") for ext in ("txt", "ann")
    )


def test_it_writes_w3c_ids_under_the_base_url(known, article):
    data = json.loads(run("--format", "w3c", "--base-url", "https://nd.example.org/"))
    assert data["total"] == 3
    assert {i["target"]["source"] for i in data["first"]["items"]} == {
        f"https://nd.example.org/articles/{article.pk}/"
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "brat"], "brat writes a zip: name the file with -o FILE."),
        (["--format", "csv", "--annotator", "nobody"], "There is no annotator named “nobody”."),
        (["--format", "csv", "--article", "999999"], "No article with id 999999."),
    ],
)
def test_it_refuses_bad_parameters_clearly(known, tmp_path, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert str(caught.value) == message


def test_it_refuses_an_unknown_format(db):
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        run("--format", "xml")
