"""manage.py export_annotations: the same exports as the pages, for scripts."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.annotations import test_exports
from tests.annotations.test_exports import CLAIM_QUOTE, SOURCE_QUOTE, brat, csv_rows

known = test_exports.known


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
