"""Two tabs, one tag: an edit made on an old version is a conflict, never an overwrite.

Each edit, delete and restore sends the version of the tag it was made on; a stale one is
answered 409 with the stored values and changes nothing.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import Annotation

from .conftest import SOURCE_QUOTE
from .pages import HTMX, changes, snapshot, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_source(tag, article, alice, source_label):
    """Alice's source, marked named in tab A: version 2 is stored, tab B still has 1."""
    source = tag(article, alice, source_label, SOURCE_QUOTE)
    services.annotation_update(
        annotation=source, attributes={"identification": "named"}, note="from tab A", version=1
    )
    assert source.version == 2
    return source


def test_every_change_of_a_tag_counts_its_version(alice_client, source_tag, framing_label):
    assert source_tag.version == 1
    steps = [
        ("annotation-update", {"note": "one", "version": "1"}),
        ("annotation-update", {"label": framing_label.pk, "version": "2"}),
        ("annotation-delete", {"version": "3"}),
        ("annotation-restore", {"version": "4"}),
    ]
    for step, (name, data) in enumerate(steps, start=2):
        response = alice_client.post(url(name, source_tag.pk), data, headers=HTMX)
        assert response.status_code == 200
        assert changes(response)["version"] == step
        source_tag.refresh_from_db()
        assert source_tag.version == step
    assert source_tag.note == "one"
    assert source_tag.label == framing_label
    assert source_tag.deleted_at is None


def test_it_refuses_a_stale_update_with_409_and_the_stored_values(alice_client, named_source):
    before = snapshot()
    response = alice_client.post(
        url("annotation-update", named_source.pk),
        {"attributes": "1", "attr-identification": "anonymous", "note": "from B", "version": "1"},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert snapshot() == before
    named_source.refresh_from_db()
    assert named_source.attributes == {"identification": "named"}
    assert named_source.note == "from tab A"
    assert named_source.version == 2
    content = response.content.decode()
    assert "<html" not in content
    assert "Not saved: this tag was changed in another tab or window" in content
    assert f'data-conflict-for="{named_source.pk}" data-version="2"' in content
    assert "<dt>Identification</dt><dd>named</dd>" in content
    assert "<dt>Note</dt><dd>from tab A</dd>" in content
    assert "Overwrite with mine" in content
    assert f'hx-get="{url("annotation-detail", named_source.pk)}"' in content  # reload


def test_it_refuses_a_stale_label_change(alice_client, named_source, claim_label, source_label):
    services.annotation_update(annotation=named_source, label=claim_label, version=2)
    before = snapshot()
    response = alice_client.post(
        url("annotation-update", named_source.pk), {"label": source_label.pk, "version": "2"}
    )
    assert response.status_code == 409
    assert snapshot() == before
    named_source.refresh_from_db()
    assert named_source.label == claim_label
    assert "<dt>Label</dt><dd>Claim</dd>" in response.content.decode()


def test_an_overwrite_sends_the_stored_version_and_wins(alice_client, named_source):
    response = alice_client.post(
        url("annotation-update", named_source.pk),
        {"attributes": "1", "attr-identification": "anonymous", "note": "from B", "version": "2"},
        headers=HTMX,
    )
    assert response.status_code == 200
    named_source.refresh_from_db()
    assert named_source.attributes == {"identification": "anonymous"}
    assert named_source.note == "from B"
    assert named_source.version == 3


def test_it_refuses_a_stale_delete(alice_client, named_source):
    before = snapshot()
    response = alice_client.post(
        url("annotation-delete", named_source.pk), {"version": "1"}, headers=HTMX
    )
    assert response.status_code == 409
    assert snapshot() == before
    named_source.refresh_from_db()
    assert named_source.deleted_at is None
    content = response.content.decode()
    assert "Not deleted: this tag was changed in another tab or window" in content
    assert "<dt>Identification</dt><dd>named</dd>" in content
    assert f'hx-post="{url("annotation-delete", named_source.pk)}"' in content
    assert """hx-vals='{"version": "2"}'""" in content  # "Delete anyway" on what is stored


def test_it_refuses_a_stale_restore(alice_client, named_source):
    # Tab A deletes (3) and offers Undo on 3; meanwhile the tag is restored (4), changed
    # (5) and deleted again (6) elsewhere.
    services.annotation_delete(annotation=named_source, version=2)
    services.annotation_restore(annotation=named_source, version=3)
    services.annotation_update(annotation=named_source, note="changed later", version=4)
    services.annotation_delete(annotation=named_source, version=5)
    before = snapshot()
    response = alice_client.post(
        url("annotation-restore", named_source.pk), {"version": "3"}, headers=HTMX
    )
    assert response.status_code == 409
    assert snapshot() == before
    named_source.refresh_from_db()
    assert named_source.deleted_at is not None
    assert named_source.version == 6
    content = response.content.decode()
    assert "Not restored: this tag was changed in another tab or window" in content
    assert "Stored now (deleted)" in content
    assert "<dt>Note</dt><dd>changed later</dd>" in content
    assert "Restore anyway" in content


def test_the_undo_bar_restores_the_version_it_deleted(alice_client, named_source):
    response = alice_client.post(
        url("annotation-delete", named_source.pk), {"version": "2"}, headers=HTMX
    )
    assert response.status_code == 200
    assert """hx-vals='{"version": "3"}' hx-target="#tag-editor" data-undo""" in (
        response.content.decode()
    )


def test_the_check_holds_against_a_writer_that_read_the_same_version(article, named_source):
    # Two requests read version 2; the first to write wins, the second is refused even
    # though the copy it read said 2: the UPDATE itself checks the version.
    tab_a = Annotation.objects.get(pk=named_source.pk)
    tab_b = Annotation.objects.get(pk=named_source.pk)
    services.annotation_update(annotation=tab_a, note="A", version=2)
    with pytest.raises(services.Conflict) as refused:
        services.annotation_update(annotation=tab_b, note="B", version=2)
    assert refused.value.annotation.note == "A"
    with pytest.raises(services.Conflict):
        services.annotation_delete(annotation=Annotation.objects.get(pk=tab_a.pk), version=2)
    tab_a.refresh_from_db()
    assert (tab_a.note, tab_a.version, tab_a.deleted_at) == ("A", 3, None)


@pytest.mark.parametrize("version", ["", "x", "0", "-1", "1.0"])
def test_a_malformed_version_is_refused(alice_client, named_source, version):
    before = snapshot()
    for name in ("annotation-update", "annotation-delete"):
        response = alice_client.post(
            url(name, named_source.pk), {"note": "x", "version": version}, headers=HTMX
        )
        assert response.status_code == 400
        assert "reload" in response.content.decode()
    assert snapshot() == before


def test_bob_gets_404_not_a_conflict_on_alices_tag(bob_client, named_source):
    before = snapshot()
    for name in ("annotation-update", "annotation-delete", "annotation-restore"):
        response = bob_client.post(url(name, named_source.pk), {"version": "1"}, headers=HTMX)
        assert response.status_code == 404
        assert b"from tab A" not in response.content
    assert snapshot() == before


def _count(client, path, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.post(path, data, headers=HTMX).status_code == 200
    return len(captured)


def test_checking_the_version_costs_no_query(alice_client, tag, article, alice, source_label):
    """An edit, delete and restore with a version cost what the same without one did."""
    alice_client.get(url("workbench", article.pk))  # warm up
    counts = {}
    for sent in (False, True):
        source = tag(article, alice, source_label, SOURCE_QUOTE)
        steps = [
            ("annotation-update", {"attributes": "1", "attr-identification": "named"}),
            ("annotation-update", {"note": "checked"}),
            ("annotation-delete", {}),
            ("annotation-restore", {}),
        ]
        counts[sent] = []
        for version, (name, data) in enumerate(steps, start=1):
            extra = {"version": str(version)} if sent else {}
            counts[sent].append(_count(alice_client, url(name, source.pk), data | extra))
        source.delete()
    assert counts[True] == counts[False]


def test_it_counts_an_admin_change_as_a_version_so_an_open_editor_conflicts(
    alice_client, staff_client, source_tag
):
    """Staff correct the note in the admin while Alice's editor still holds version 1:
    her save is refused with the admin's values, not written over them."""
    admin_url = f"/admin/annotations/annotation/{source_tag.pk}/change/"
    response = staff_client.post(
        admin_url,
        {
            "label": source_tag.label_id,
            "attributes": "{}",
            "initial-attributes": "{}",
            "note": "Checked against the wire copy.",
            "origin": "manual",
        },
    )
    assert response.status_code == 302
    source_tag.refresh_from_db()
    assert (source_tag.version, source_tag.note) == (2, "Checked against the wire copy.")

    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"note": "from the open editor", "version": "1"},
        headers=HTMX,
    )
    assert response.status_code == 409
    source_tag.refresh_from_db()
    assert (source_tag.version, source_tag.note) == (2, "Checked against the wire copy.")


def test_an_admin_save_without_changes_keeps_the_version(staff_client, source_tag):
    attributes = json.dumps(source_tag.attributes)
    response = staff_client.post(
        f"/admin/annotations/annotation/{source_tag.pk}/change/",
        {
            "label": source_tag.label_id,
            "attributes": attributes,
            "initial-attributes": attributes,
            "note": source_tag.note,
            "origin": source_tag.origin,
        },
    )
    assert response.status_code == 302
    source_tag.refresh_from_db()
    assert source_tag.version == 1
