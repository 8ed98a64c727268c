"""Exports from the admin's actions and from the workbench's Export menu."""

import pytest
from django.contrib.messages import get_messages

from annotations import admin as annotations_admin
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE
from tests.annotations.interchange.files import body, brat, csv_rows


def test_the_annotation_admin_exports_the_selected_live_tags(known, staff_client):
    chosen = [known["claim"].pk, known["bob"].pk, known["gone"].pk]
    response = staff_client.post(
        "/admin/annotations/annotation/",
        {"action": "export_csv", "_selected_action": chosen, "index": 0},
    )
    rows = csv_rows(body(response))
    # the deleted tag was selected (the admin lists it) but never leaves
    assert sorted((r["annotator"], r["quote"]) for r in rows) == [
        ("alice", CLAIM_QUOTE),
        ("bob", "terrorists"),
    ]
    assert response["Content-Disposition"].startswith('attachment; filename="newsdesk-admin-tags-')


def test_the_annotation_admin_has_one_action_per_format(known, staff_client, article):
    response = staff_client.get("/admin/annotations/annotation/")
    html = response.content.decode()
    for name in ("export_csv", "export_jsonl", "export_brat", "export_w3c"):
        assert f'value="{name}"' in html
    response = staff_client.post(
        "/admin/annotations/annotation/",
        {"action": "export_brat", "_selected_action": [known["bob"].pk], "index": 0},
    )
    files = brat(body(response))
    assert sorted(files) == [f"bob/{article.pk}.ann", f"bob/{article.pk}.txt"]


def test_the_article_admin_hands_the_selection_to_the_export(
    known, staff_client, article, other_article
):
    response = staff_client.post(
        "/admin/newsdesk/article/",
        {"action": "export_tags_csv", "_selected_action": [article.pk], "index": 0},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/export/?format=csv&articles={article.pk}"
    rows = csv_rows(body(staff_client.get(response["Location"])))
    assert sorted(r["quote"] for r in rows) == sorted([SOURCE_QUOTE, CLAIM_QUOTE, "terrorists"])


def test_the_article_admin_refuses_too_large_a_selection(
    known, staff_client, article, other_article, monkeypatch
):
    monkeypatch.setattr(annotations_admin, "MAX_EXPORT_IDS", 1)
    response = staff_client.post(
        "/admin/newsdesk/article/",
        {"action": "export_tags_w3c", "_selected_action": [article.pk, other_article.pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/newsdesk/article/"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Export at most 1 articles from here.")


def test_annotators_cannot_use_the_admin_actions(known, alice_client):
    response = alice_client.post(
        "/admin/annotations/annotation/",
        {"action": "export_csv", "_selected_action": [known["bob"].pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_workbench_offers_an_export_of_the_users_tags(known, alice_client, article):
    html = alice_client.get(f"/articles/{article.pk}/code/").content.decode()
    menu = html.split('<details class="export-menu">')[1].split("</details>")[0]
    assert "<summary>Export</summary>" in menu
    for fmt in ("csv", "jsonl", "brat", "w3c"):
        assert f'href="/articles/{article.pk}/export/?format={fmt}&amp;annotator=alice"' in menu
    assert "Everyone’s tags" not in menu


def test_the_workbench_offers_staff_the_layer_and_everyones_tags(known, staff_client, article, bob):
    html = staff_client.get(f"/articles/{article.pk}/code/?layer={bob.pk}").content.decode()
    menu = html.split('<details class="export-menu">')[1].split("</details>")[0]
    assert "bob’s tags on this article" in menu
    assert f'href="/articles/{article.pk}/export/?format=csv&amp;annotator=bob"' in menu
    assert f'href="/articles/{article.pk}/export/?format=csv"' in menu


@pytest.mark.parametrize(
    "fmt, content_type, ext",
    [
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("jsonl", "application/jsonl; charset=utf-8", "jsonl"),
        ("brat", "application/zip", "zip"),
        ("w3c", 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"', "jsonld"),
    ],
)
def test_every_link_of_the_menu_downloads(known, alice_client, article, fmt, content_type, ext):
    response = alice_client.get(f"/articles/{article.pk}/export/?format={fmt}&annotator=alice")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].endswith(f'.{ext}"')
    assert SOURCE_QUOTE.encode() in body(response) or fmt == "brat"
