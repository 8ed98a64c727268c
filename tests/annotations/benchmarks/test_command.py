"""The bench command's wiring: every measurement reaches the output, as a table or as JSON."""

import json

import pytest
from django.core.management import call_command

from annotations.benchmarks import article_list, endpoints, exports, imports, review

ROW = {"name": "workbench page", "median_ms": 1.0, "p95_ms": 2.0, "queries": 3, "target_ms": 50}
EXPORT = {"name": "export csv", "seconds": 0.1, "peak_mb": 1.0, "output_mb": 1.0, "target_s": 5}
IMPORT = {"name": "import 2 articles", "articles": 2, "articles_per_minute": 120}


@pytest.fixture
def measured(monkeypatch):
    monkeypatch.setattr(endpoints, "measure", lambda runs, log: [dict(ROW)])
    monkeypatch.setattr(article_list, "measure", lambda runs: dict(ROW, name="article list"))
    monkeypatch.setattr(review, "measure", lambda runs, log: [dict(ROW, name="dashboard")])
    monkeypatch.setattr(exports, "export_figures", lambda: [dict(EXPORT)])
    monkeypatch.setattr(imports, "measure_import", lambda count: dict(IMPORT, articles=count))


@pytest.mark.django_db(transaction=True)
def test_it_prints_every_figure_as_json(measured, capsys):
    call_command("bench", "--runs", "1", "--imports", "2", "--http-tags", "0", "--json")
    names = [row["name"] for row in json.loads(capsys.readouterr().out)]
    assert names == [
        "workbench page",
        "article list",
        "dashboard",
        "export csv",
        "import 2 articles",
    ]


@pytest.mark.django_db(transaction=True)
def test_it_prints_the_figures_next_to_their_targets(measured, capsys):
    call_command("bench", "--runs", "1", "--imports", "2")
    out = capsys.readouterr().out
    assert "workbench page" in out and "<= 50" in out and "article list" in out
    assert "dashboard" in out
    assert "import 2 articles: 120 articles/minute" in out
