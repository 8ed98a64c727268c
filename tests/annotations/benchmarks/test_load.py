"""The load run: its audit catches lost and duplicated tags, and a short run holds.

The short run (10 annotators × 20 s against gunicorn on a throwaway database) is part of
``make test``, so CI runs it on SQLite and on PostgreSQL.
"""

import json

import pytest

from annotations.benchmarks import load
from annotations.benchmarks.server import production_server


def annotator_with(*tags: load.TagLog) -> load.Annotator:
    annotator = load.Annotator("alice", "pw")
    annotator.tags = {tag.pk: tag for tag in tags}
    return annotator


def row(pk, article=1, label=2, start=0, end=5, note="", deleted=False) -> dict:
    return dict(
        pk=pk, article=article, label=label, start=start, end=end, note=note, deleted=deleted
    )


def test_it_finds_nothing_wrong_when_the_database_matches_the_log():
    alice = annotator_with(
        load.TagLog(1, 1, 2, 0, 5, note="x"), load.TagLog(2, 1, 2, 6, 9, deleted=True)
    )
    result = load.audit(
        [alice], {"alice": [row(1, note="x"), row(2, start=6, end=9, deleted=True)]}
    )
    assert (result["lost"], result["duplicated"]) == (0, 0)


def test_it_counts_a_missing_tag_a_lost_edit_and_an_undone_delete_as_lost():
    alice = annotator_with(
        load.TagLog(1, 1, 2, 0, 5),
        load.TagLog(2, 1, 2, 6, 9, note="second edit"),
        load.TagLog(3, 1, 2, 10, 12, deleted=True),
    )
    stored = {"alice": [row(2, start=6, end=9, note="first edit"), row(3, start=10, end=12)]}
    result = load.audit([alice], stored)
    assert result["lost"] == 3


def test_it_counts_unconfirmed_and_twin_tags_as_duplicated():
    alice = annotator_with(load.TagLog(1, 1, 2, 0, 5))
    result = load.audit([alice], {"alice": [row(1), row(7)]})
    assert result["duplicated"] == 2  # tag 7 was never confirmed, and it twins tag 1


def test_it_refuses_anything_but_loopback():
    assert load.check_url("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    for url in ("http://example.org:8000", "https://127.0.0.1:8000", "http://10.0.0.1"):
        with pytest.raises(ValueError, match="127.0.0.1 only"):
            load.check_url(url)


@pytest.mark.load
def test_it_holds_ten_annotators_for_twenty_seconds_under_gunicorn():
    with production_server(workers=2, threads=4) as server:
        result = server.manage(
            "load",
            "--url",
            server.url,
            "--users",
            "10",
            "--seconds",
            "20",
            "--json",
            timeout=240,
        )
        figures = json.loads(result.stdout)
        live = int(
            server.python(
                "from annotations.models import Annotation; print(Annotation.objects.filter("
                "owner__username__startswith='load-', deleted_at__isnull=True).count())"
            )
        )
    assert figures["server_errors"] == 0 and figures["no_response"] == 0, figures["errors"]
    assert (figures["lost"], figures["duplicated"]) == (0, 0), figures["problems"]
    assert set(figures["actions"]) >= {
        "login",
        "list",
        "reader",
        "workbench",
        "create",
        "edit",
        "delete",
    }
    assert figures["statuses"].get("201", 0) > 0
    # Counted in the database independently of the audit: the live tags are exactly those
    # the clients were told were saved and did not delete.
    assert live == figures["confirmed_live_tags"] > 0
