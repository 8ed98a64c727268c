"""The article list's filters and its export bar: the export is exactly the selection."""

from datetime import date

import pytest

from newsdesk import ingestion
from newsdesk.models import Article, Outlet
from tests.annotations.interchange.files import body, csv_rows, jsonl


@pytest.fixture
def corpus(alice, bob, tag, claim_label, framing_label, team):
    """Four articles: two from EFE (Feb and Mar 2024), one from Reuters, one failed; alice
    and bob code them in one project."""

    def add(text, title, outlet, published, status=Article.Status.READY):
        article = ingestion.article_ingest(
            text=text, user=alice, title=title, outlet=outlet, published_on=published
        )
        Article.objects.filter(pk=article.pk).update(status=status)
        article.refresh_from_db()
        return article

    made = {
        "cairo": add("Talks in Cairo went on.", "Cairo talks", "EFE", date(2024, 2, 13)),
        "doha": add("Talks in Doha stalled.", "Doha talks stall", "EFE", date(2024, 3, 2)),
        "port": add("The port strike ended.", "Port strike", "Reuters", date(2024, 2, 20)),
        "flood": add(
            "The river flooded.", "River flood", "Reuters", None, status=Article.Status.FAILED
        ),
    }
    for key in ("cairo", "doha", "port"):
        tag(made[key], alice, claim_label, made[key].text.split()[1])
    tag(made["doha"], bob, framing_label, "stalled")
    team(*made.values(), alice=True, bob=True)
    return made


def exported_ids(client, **params) -> list[int]:
    query = "&".join(f"{k}={v}" for k, v in {"format": "jsonl", **params}.items())
    return [line["id"] for line in jsonl(body(client.get(f"/export/?{query}")))]


def listed_titles(client, **params) -> list[str]:
    response = client.get("/", params)
    assert response.status_code == 200
    return [a.title for a in response.context["page"]]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["cairo", "doha", "port", "flood"]),
        ({"q": "TALKS"}, ["cairo", "doha"]),
        ({"status": "failed"}, ["flood"]),
        ({"published_from": "2024-02-14"}, ["doha", "port"]),
        ({"published_to": "2024-02-20"}, ["cairo", "port"]),
        ({"q": "talks", "published_from": "2024-03-01", "published_to": "2024-03-31"}, ["doha"]),
    ],
)
def test_the_export_holds_exactly_the_listed_articles(corpus, alice_client, params, expected):
    ids = sorted(corpus[key].pk for key in expected)
    assert exported_ids(alice_client, **params) == ids
    titles = {corpus[key].title for key in expected}
    assert set(listed_titles(alice_client, **params)) == titles


def test_it_filters_by_outlet(corpus, alice_client):
    reuters = Outlet.objects.get(name="Reuters").pk
    assert exported_ids(alice_client, outlet=reuters) == [corpus["port"].pk, corpus["flood"].pk]
    assert listed_titles(alice_client, outlet=reuters) == ["River flood", "Port strike"]


def test_staff_filter_by_annotator_and_export_only_their_tags(corpus, staff_client):
    assert listed_titles(staff_client, annotator="bob") == ["Doha talks stall"]
    rows = csv_rows(body(staff_client.get("/export/?format=csv&annotator=bob")))
    assert [(r["annotator"], r["quote"]) for r in rows] == [("bob", "stalled")]
    everyone = csv_rows(body(staff_client.get("/export/?format=csv")))
    assert sorted(r["annotator"] for r in everyone) == ["alice", "alice", "alice", "bob"]


def test_an_annotator_has_no_annotator_filter_and_exports_only_own_tags(corpus, bob_client):
    response = bob_client.get("/")
    assert "annotator" not in response.context["filters"].fields
    rows = csv_rows(body(bob_client.get("/export/?format=csv")))
    assert [(r["annotator"], r["quote"]) for r in rows] == [("bob", "stalled")]
    assert bob_client.get("/export/?format=csv&annotator=alice").status_code == 404


def test_the_export_bar_carries_the_filters(corpus, staff_client):
    response = staff_client.get("/", {"q": "talks", "annotator": "bob", "page": "1"})
    html = response.content.decode()
    assert 'action="/export/"' in html
    assert '<input type="hidden" name="q" value="talks">' in html
    assert '<input type="hidden" name="annotator" value="bob">' in html
    assert 'name="page"' not in html.split('class="export-bar"')[1].split("</form>")[0]
    assert "1 article matches." in html
    assert "Export bob’s tags on it." in html


def test_invalid_filters_show_the_error_and_no_articles(corpus, alice_client):
    response = alice_client.get("/", {"published_from": "2024-03-01", "published_to": "2024-02-01"})
    assert list(response.context["page"]) == []
    assert "The end date is before the start date." in response.content.decode()
    refused = alice_client.get(
        "/export/?format=csv&published_from=2024-03-01&published_to=2024-02-01"
    )
    assert refused.status_code == 400
    assert "The end date is before the start date." in refused.content.decode()


def test_the_export_names_a_bad_id_list(corpus, staff_client):
    response = staff_client.get("/export/?format=csv&articles=1,two")
    assert response.status_code == 400
    assert response.content.decode() == "articles must be article ids separated by commas."


def test_chosen_ids_narrow_the_selection(corpus, staff_client):
    chosen = f"{corpus['port'].pk},{corpus['cairo'].pk}"
    assert exported_ids(staff_client, articles=chosen) == sorted(
        [corpus["cairo"].pk, corpus["port"].pk]
    )


def test_the_list_pages_keep_the_filters(alice, alice_client):
    for n in range(51):
        ingestion.article_ingest(text=f"Talks number {n}.", user=alice, title=f"Talks {n}")
    html = alice_client.get("/", {"q": "talks"}).content.decode()
    assert 'href="?q=talks&amp;page=2"' in html


def test_the_list_query_count_does_not_grow(corpus, alice_client, django_assert_max_num_queries):
    # The page's ids, then their rows: the sort never reads a row (see the list view).
    with django_assert_max_num_queries(9):
        alice_client.get("/", {"q": "talks", "outlet": Outlet.objects.get(name="EFE").pk})
