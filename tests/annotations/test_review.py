"""The review side of a project: comparison, consensus with provenance, export choice,
dashboard and the agreement command (issue 12)."""

import csv
import io
import json
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now

from annotations.models import (
    Annotation,
    Assignment,
    ConsensusDecision,
    ConsensusLayer,
    Project,
    ProjectArticle,
    ProjectMember,
)
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE

pytestmark = pytest.mark.django_db
Role = ProjectMember.Role
ANONYMOUS = {"identification": "anonymous"}


@pytest.fixture(autouse=True)
def no_cached_figures():
    """The dashboard keeps its figures in the cache per project state: start empty."""
    cache.clear()


@pytest.fixture
def charlie(django_user_model):
    """Logged in, but in no project."""
    return django_user_model.objects.create_user("charlie", password="charlie-password-1")


@pytest.fixture
def rosa(django_user_model):
    """The project's reviewer."""
    return django_user_model.objects.create_user("rosa", password="rosa-password-1")


@pytest.fixture
def project(codebook, article, alice, bob, rosa):
    """A blind project whose article a reviewer has opened for adjudication."""
    project = Project.objects.create(name="Cairo talks", codebook=codebook)
    ProjectArticle.objects.create(project=project, article=article, adjudication_opened_at=now())
    ProjectMember.objects.create(project=project, user=alice, role=Role.ANNOTATOR)
    ProjectMember.objects.create(project=project, user=bob, role=Role.ANNOTATOR)
    ProjectMember.objects.create(project=project, user=rosa, role=Role.REVIEWER)
    for user in (alice, bob):
        Assignment.objects.create(project=project, article=article, user=user)
    return project


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coded(project, article, alice, bob, tag, source_label, claim_label, framing_label):
    """alice and bob agree on the source, differ on the claim's bounds; only bob frames."""
    tags = {
        "alice_source": tag(article, alice, source_label, SOURCE_QUOTE, attributes=ANONYMOUS),
        "bob_source": tag(article, bob, source_label, SOURCE_QUOTE, attributes=ANONYMOUS),
        "alice_claim": tag(article, alice, claim_label, CLAIM_QUOTE),
        "bob_claim": tag(article, bob, claim_label, "1,200 people"),
        "bob_framing": tag(article, bob, framing_label, "terrorist group"),
    }
    return tags


def _compare_url(project, article):
    return reverse("annotations:article-compare", args=[project.pk, article.pk])


def test_it_shows_the_reviewer_every_coders_layer_with_the_differences(
    rosa, project, article, coded
):
    response = _client(rosa).get(_compare_url(project, article))
    assert response.status_code == 200
    page = response.content.decode()
    assert "alice" in page and "bob" in page
    assert "overlapping but unequal spans" in page
    assert "made by only some coders" in page
    assert "all agree" in page
    # Each coder's tag, with its values, answered by that coder's number key.
    source = coded["bob_source"]
    assert f'<input type="hidden" name="tag" value="{source.pk}">' in page
    assert 'data-coder="2" aria-label="Accept bob’s Source"' in page
    assert "<br><small>identification: anonymous</small>" in page
    merged = _client(rosa).get(_compare_url(project, article), {"view": "merged"})
    assert 'class="ctag cd-1"' in merged.content.decode()


def test_it_keeps_the_layers_hidden_until_the_article_is_opened_for_adjudication(
    rosa, project, article, coded
):
    ProjectArticle.objects.filter(project=project).update(adjudication_opened_at=None)
    client = _client(rosa)
    page = client.get(_compare_url(project, article)).content.decode()
    assert "Open for adjudication" in page and "made by only some coders" not in page
    url = reverse("annotations:consensus-accept", args=[project.pk, article.pk])
    assert client.post(url, {"tag": coded["alice_source"].pk}).status_code == 409
    assert not ConsensusDecision.objects.exists()
    Project.objects.filter(pk=project.pk).update(blind=False)
    assert "made by only some coders" in client.get(_compare_url(project, article)).content.decode()


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_it_hides_the_comparison_from_annotators_and_outsiders(
    who, request, project, article, coded, charlie
):
    user = request.getfixturevalue(who)
    assert _client(user).get(_compare_url(project, article)).status_code == 404


def test_it_answers_the_comparison_in_a_fixed_number_of_queries(
    rosa, project, article, coded, tag, alice, claim_label, django_assert_max_num_queries
):
    client = _client(rosa)
    client.get(_compare_url(project, article))  # session, sites warmed
    with django_assert_max_num_queries(14) as few:
        client.get(_compare_url(project, article))
    for word in ("Cairo", "Egypt", "Hamas", "Israel", "Qatar"):
        if word in article.text:
            tag(article, alice, claim_label, word)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_compare_url(project, article))


def test_it_accepts_a_coders_tag_into_the_consensus_with_its_provenance(
    rosa, project, article, coded
):
    url = reverse("annotations:consensus-accept", args=[project.pk, article.pk])
    response = _client(rosa).post(
        url, {"tag": coded["alice_source"].pk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    layer = ConsensusLayer.objects.get(project=project)
    (chosen,) = Annotation.objects.for_user(layer.user)
    assert (chosen.start, chosen.end, chosen.label_id) == (
        coded["alice_source"].start,
        coded["alice_source"].end,
        coded["alice_source"].label_id,
    )
    decision = chosen.decision
    assert decision.decided_by == rosa and decision.how == ConsensusDecision.How.ACCEPTED
    # bob made the identical tag: both are its sources.
    assert decision.coders == ["alice", "bob"]
    assert set(decision.sources.all()) == {coded["alice_source"], coded["bob_source"]}
    assert not layer.user.is_active and not layer.user.has_usable_password()


def test_it_refuses_to_accept_a_tag_of_another_article(
    rosa, project, article, other_article, tag, alice, claim_label, coded
):
    elsewhere = tag(other_article, alice, claim_label, "talks went well")
    url = reverse("annotations:consensus-accept", args=[project.pk, article.pk])
    assert _client(rosa).post(url, {"tag": elsewhere.pk}).status_code == 404
    assert not ConsensusDecision.objects.exists()


def test_it_refuses_consensus_writes_from_an_annotator(alice, project, article, coded):
    url = reverse("annotations:consensus-accept", args=[project.pk, article.pk])
    assert _client(alice).post(url, {"tag": coded["alice_source"].pk}).status_code == 404
    assert not ConsensusLayer.objects.exists()


def test_it_accepts_every_tag_the_coders_agree_on(rosa, project, article, coded):
    url = reverse("annotations:consensus-accept-agreed", args=[project.pk, article.pk])
    assert _client(rosa).post(url).status_code == 200
    layer = ConsensusLayer.objects.get(project=project)
    (chosen,) = Annotation.objects.for_user(layer.user)
    assert chosen.quote == SOURCE_QUOTE
    assert chosen.decision.how == ConsensusDecision.How.AGREED


def test_it_edits_adds_and_removes_consensus_tags(
    rosa, project, article, coded, claim_label, framing_label
):
    client = _client(rosa)
    client.post(
        reverse("annotations:consensus-accept", args=[project.pk, article.pk]),
        {"tag": coded["bob_claim"].pk},
    )
    layer = ConsensusLayer.objects.get(project=project)
    chosen = Annotation.objects.for_user(layer.user).get()
    edit = reverse("annotations:consensus-edit", args=[project.pk, chosen.pk])
    assert client.post(edit, {"label": framing_label.pk}).status_code == 200
    chosen.refresh_from_db()
    assert chosen.label == framing_label
    assert chosen.decision.how == ConsensusDecision.How.EDITED
    start = article.text.index("killed 1,200")
    add = reverse("annotations:consensus-add", args=[project.pk, article.pk])
    response = client.post(add, {"label": claim_label.pk, "start": start, "end": start + 6})
    assert response.status_code == 200
    added = Annotation.objects.for_user(layer.user).get(label=claim_label)
    assert added.quote == "killed" and added.decision.how == ConsensusDecision.How.ADDED
    assert added.decision.coders == []
    remove = reverse("annotations:consensus-remove", args=[project.pk, added.pk])
    assert client.post(remove).status_code == 200
    added.refresh_from_db()
    assert added.deleted_at is not None


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def test_it_exports_the_consensus_by_default_once_it_exists(rosa, project, article, coded):
    client = _client(rosa)
    export = reverse("annotations:article-export", args=[article.pk])
    everyone = _csv(client.get(export, {"format": "csv", "project": project.pk}))
    assert {row["annotator"] for row in everyone} == {"alice", "bob"}
    client.post(
        reverse("annotations:consensus-accept", args=[project.pk, article.pk]),
        {"tag": coded["bob_framing"].pk},
    )
    chosen = _csv(client.get(export, {"format": "csv", "project": project.pk}))
    assert [row["quote"] for row in chosen] == ["terrorist group"]
    assert {row["annotator"] for row in chosen} == {f"consensus-{project.pk}"}
    all_coders = _csv(client.get(export, {"format": "csv", "project": project.pk, "layer": "all"}))
    assert {row["annotator"] for row in all_coders} == {"alice", "bob"}
    one = _csv(client.get(export, {"format": "csv", "project": project.pk, "annotator": "bob"}))
    assert {row["annotator"] for row in one} == {"bob"} and len(one) == 3


def test_it_shows_the_dashboard_in_a_fixed_number_of_queries(
    rosa, project, article, coded, alice, django_assert_max_num_queries
):
    Assignment.objects.filter(user=alice).update(done_at="2026-01-01T00:00:00Z")
    client = _client(rosa)
    url = reverse("annotations:project-dashboard", args=[project.pk])
    client.get(url)
    cache.clear()
    with django_assert_max_num_queries(19):
        response = client.get(url)  # figures computed
    with django_assert_max_num_queries(11):
        cached = client.get(url)  # figures from the cache
    assert _main(cached) == _main(response)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'id="agreement-table"' in page
    assert "alice 1 (1) · bob 1 (1)" in page  # one distinct source each, anonymous


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") :]


def test_it_recomputes_the_dashboard_after_a_change(
    rosa, project, article, coded, tag, alice, framing_label
):
    client = _client(rosa)
    url = reverse("annotations:project-dashboard", args=[project.pk])
    before = _main(client.get(url))
    coded["bob_framing"].delete()
    after = _main(client.get(url))
    assert before != after


def test_it_recomputes_only_the_article_that_changed(
    rosa,
    project,
    article,
    other_article,
    coded,
    tag,
    alice,
    bob,
    claim_label,
    monkeypatch,
    django_assert_max_num_queries,
):
    from annotations import agreement, dashboard, review

    ProjectArticle.objects.create(project=project, article=other_article)
    tag(other_article, alice, claim_label, other_article.text[:12])
    tag(other_article, bob, claim_label, other_article.text[:12])
    computed = []
    real = agreement.article_pieces

    def counted(coding, **kwargs):
        computed.append(coding.key)
        return real(coding, **kwargs)

    monkeypatch.setattr(agreement, "article_pieces", counted)
    client = _client(rosa)
    url = reverse("annotations:project-dashboard", args=[project.pk])
    client.get(url)
    assert sorted(computed) == sorted([article.pk, other_article.pk])
    computed.clear()
    coded["bob_framing"].delete()
    with django_assert_max_num_queries(19):
        after = client.get(url)
    assert computed == [article.pk]
    # The combined figures are the ones computed from scratch.
    combined, scratch = dashboard.figures(project), review.figures(project)
    assert [replace(f, value=None) for f in combined] == [replace(f, value=None) for f in scratch]
    assert [f.value for f in combined] == pytest.approx([f.value for f in scratch])
    cache.clear()
    computed.clear()
    assert _main(client.get(url)) == _main(after)
    assert sorted(computed) == sorted([article.pk, other_article.pk])


def test_it_hides_the_dashboard_from_annotators(alice, project):
    url = reverse("annotations:project-dashboard", args=[project.pk])
    assert _client(alice).get(url).status_code == 404


def test_it_downloads_the_agreement_figures_as_csv(rosa, project, coded):
    url = reverse("annotations:project-agreement-csv", args=[project.pk])
    rows = list(csv.DictReader(io.StringIO(_client(rosa).get(url).content.decode())))
    source = next(r for r in rows if r["label"] == "Source" and r["measure"] == "alpha")
    assert float(source["value"]) > 0.9 and source["coders"] == "2"


def test_it_prints_agreement_as_json(project, article, coded, capsys):
    out = io.StringIO()
    call_command("agreement", project.name, "--label", "Source", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    alpha = next(r for r in rows if r["measure"] == "alpha" and r["label"] == "Source")
    assert set(alpha) >= {"label", "measure", "value", "units", "coders"}
    assert alpha["coders"] == 2 and alpha["units"] > 100


def test_it_pages_the_dashboards_articles(rosa, project, other_article, monkeypatch):
    from annotations import dashboard

    ProjectArticle.objects.create(project=project, article=other_article)
    monkeypatch.setattr(dashboard, "ARTICLES_PER_PAGE", 1)
    url = reverse("annotations:project-dashboard", args=[project.pk])
    response = _client(rosa).get(url, {"page": "2"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.strip().startswith('<div id="articles">') and "Articles 2–2 of 2" in page
    assert other_article.title in page
