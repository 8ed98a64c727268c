"""Managing a project in the app (issue 12, items 2 and 3): members, articles,
assignments by hand and by draw, the annotator's queue, unassigned coding."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations import projects
from annotations.models import Annotation, Assignment, ProjectArticle
from newsdesk import ingestion

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie")


@pytest.fixture
def charlie_client(charlie):
    client = Client()
    client.force_login(charlie)
    return client


@pytest.fixture
def project(team, article, alice, bob, charlie):
    """charlie manages; alice and bob annotate the sample article."""
    return team(article, alice=True, bob=True, charlie="manager")


def url(name, *args):
    return reverse(f"annotations:{name}", args=args)


def roles(project):
    return dict(project.members.values_list("user__username", "role"))


# Members


def test_it_adds_a_member_and_answers_with_the_members_section(
    project, charlie_client, django_user_model
):
    django_user_model.objects.create_user("dana")
    response = charlie_client.post(
        url("project-members", project.pk), {"username": "dana", "role": "reviewer"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="members">') and "<html" not in html
    assert roles(project)["dana"] == "reviewer"


def test_it_refuses_an_unknown_user_and_a_member_twice(project, charlie_client):
    before = roles(project)
    response = charlie_client.post(
        url("project-members", project.pk), {"username": "zoe", "role": "annotator"}
    )
    assert response.status_code == 422
    assert "There is no user named “zoe”." in response.content.decode()
    response = charlie_client.post(
        url("project-members", project.pk), {"username": "bob", "role": "annotator"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "bob is already a member of Cairo team." in response.content.decode()
    assert roles(project) == before


def test_a_plain_post_redirects_back_to_the_page(project, charlie_client, django_user_model):
    django_user_model.objects.create_user("dana")
    response = charlie_client.post(
        url("project-members", project.pk), {"username": "dana", "role": "annotator"}
    )
    assert response.status_code == 302 and response["Location"] == url(
        "project-members", project.pk
    )
    assert roles(project)["dana"] == "annotator"


def test_it_changes_a_role_and_removes_a_member_but_keeps_a_manager(
    project, charlie_client, charlie, bob
):
    bobs = project.members.get(user=bob)
    response = charlie_client.post(
        url("project-member-role", project.pk, bobs.pk), {"role": "reviewer"}, headers=HTMX
    )
    assert response.status_code == 200 and roles(project)["bob"] == "reviewer"
    charlies = project.members.get(user=charlie)
    response = charlie_client.post(
        url("project-member-role", project.pk, charlies.pk), {"role": "annotator"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "A project keeps at least one manager" in response.content.decode()
    assert roles(project)["charlie"] == "manager"
    response = charlie_client.post(
        url("project-member-remove", project.pk, charlies.pk), headers=HTMX
    )
    assert response.status_code == 422 and "charlie" in roles(project)
    response = charlie_client.post(url("project-member-remove", project.pk, bobs.pk), headers=HTMX)
    assert response.status_code == 200 and "bob" not in roles(project)


def test_removing_a_member_takes_their_assignments_not_their_tags(
    project, article, bob, tag, claim_label
):
    tag(article, bob, claim_label, "killed 1,200 people")
    Assignment.objects.create(project=project, article=article, user=bob)
    projects.member_remove(member=project.members.get(user=bob))
    assert not Assignment.objects.exists()
    assert Annotation.objects.filter(owner=bob).count() == 1


def test_the_member_pages_answer_only_get_and_post(project, charlie_client, alice_client):
    assert charlie_client.put(url("project-members", project.pk)).status_code == 405
    page = alice_client.get(url("project-members", project.pk))
    assert page.status_code == 200 and "Add a member" not in page.content.decode()
    assert "<html" in page.content.decode()


# Articles


def test_a_manager_adds_and_removes_articles(project, charlie, charlie_client, article):
    other = ingestion.article_ingest(text="Charlie's own upload about Doha.", user=charlie)
    page = charlie_client.get(url("project-articles", project.pk))
    assert list(page.context["form"].fields["articles"].queryset) == [other]
    response = charlie_client.post(
        url("project-articles", project.pk), {"articles": [other.pk]}, headers=HTMX
    )
    assert response.status_code == 200
    assert set(project.project_articles.values_list("article_id", flat=True)) == {
        article.pk,
        other.pk,
    }
    Assignment.objects.create(project=project, article=other, user=charlie)
    response = charlie_client.post(
        url("project-article-remove", project.pk, other.pk), headers=HTMX
    )
    assert response.status_code == 200
    assert list(project.project_articles.values_list("article_id", flat=True)) == [article.pk]
    assert not Assignment.objects.filter(article=other).exists()


def test_a_manager_cannot_add_an_article_they_cannot_open(
    project, charlie_client, django_user_model
):
    dave = django_user_model.objects.create_user("dave")
    hidden = ingestion.article_ingest(text="Dave's upload, in no project.", user=dave)
    response = charlie_client.post(url("project-articles", project.pk), {"articles": [hidden.pk]})
    assert response.status_code == 422
    assert not ProjectArticle.objects.filter(article=hidden).exists()


def test_a_reviewer_opens_an_article_for_adjudication(project, article, bob, team):
    team(bob="reviewer")
    client = Client()
    client.force_login(bob)
    response = client.post(url("project-article-open", project.pk, article.pk), headers=HTMX)
    assert response.status_code == 200
    assert "open since" in response.content.decode()
    link = ProjectArticle.objects.get(project=project, article=article)
    assert link.adjudication_opened_at is not None
    opened = link.adjudication_opened_at
    client.post(url("project-article-open", project.pk, article.pk), headers=HTMX)
    link.refresh_from_db()
    assert link.adjudication_opened_at == opened  # opening again keeps the first time


def test_it_goes_back_to_the_comparison_after_opening_it_there_without_htmx(
    project, article, bob, team
):
    team(bob="reviewer")
    client = Client()
    client.force_login(bob)
    opened = url("project-article-open", project.pk, article.pk)
    response = client.post(opened, {"next": "compare"})
    assert response.status_code == 302
    assert response["Location"] == url("article-compare", project.pk, article.pk)
    link = ProjectArticle.objects.get(project=project, article=article)
    assert link.adjudication_opened_at is not None
    assert client.post(opened)["Location"] == url("project-articles", project.pk)


# Assignments


def test_it_assigns_by_hand_only_project_articles_to_annotators(
    project, article, alice, charlie, charlie_client
):
    response = charlie_client.post(
        url("project-assignments", project.pk),
        {"article": article.pk, "user": alice.pk},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert list(Assignment.objects.values_list("user__username", "article_id")) == [
        ("alice", article.pk)
    ]
    response = charlie_client.post(
        url("project-assignments", project.pk),
        {"article": article.pk, "user": alice.pk},
        headers=HTMX,
    )
    assert response.status_code == 422 and "alice already has" in response.content.decode()
    # charlie is a manager, not an annotator: not in the form's choices.
    response = charlie_client.post(
        url("project-assignments", project.pk), {"article": article.pk, "user": charlie.pk}
    )
    assert response.status_code == 422
    assert Assignment.objects.count() == 1
    with pytest.raises(projects.ProjectError, match="charlie is not an annotator of Cairo team"):
        projects.assignment_add(project=project, article=article, user=charlie)


@pytest.fixture
def six_articles(project, alice, team, django_user_model):
    made = [
        ingestion.article_ingest(text=f"Article {n} about the talks in Cairo.", user=alice)
        for n in range(5)
    ]
    for name in ("dana", "erin"):
        django_user_model.objects.create_user(name)
    team(*made, dana=True, erin=True)
    return project


def test_the_draw_gives_each_article_n_annotators_balanced_and_repeatably(
    six_articles, charlie_client
):
    project = six_articles
    response = charlie_client.post(
        url("assignments-draw", project.pk), {"per_article": 2, "seed": 42}, headers=HTMX
    )
    assert response.status_code == 200
    pairs = sorted(Assignment.objects.values_list("article_id", "user__username"))
    assert len(pairs) == len(set(pairs)) == 12  # 6 articles × 2
    loads = sorted(
        Assignment.objects.filter(user__username=name).count()
        for name in ("alice", "bob", "dana", "erin")
    )
    assert loads == [3, 3, 3, 3]
    # Drawing again adds nothing; the same seed on a fresh project draws the same.
    charlie_client.post(url("assignments-draw", project.pk), {"per_article": 2, "seed": 42})
    assert sorted(Assignment.objects.values_list("article_id", "user__username")) == pairs
    Assignment.objects.all().delete()
    projects.assignments_draw(project=project, per_article=2, seed=42)
    assert sorted(Assignment.objects.values_list("article_id", "user__username")) == pairs


def test_the_draw_refuses_more_annotators_than_the_project_has(project, charlie_client):
    response = charlie_client.post(
        url("assignments-draw", project.pk), {"per_article": 3, "seed": 1}, headers=HTMX
    )
    assert response.status_code == 422
    assert "needs at least 3; the project has 2" in response.content.decode()
    assert not Assignment.objects.exists()


# The queue


def test_the_queue_shows_the_next_article_and_marks_done_and_reopens(
    project, article, other_article, alice, alice_client, team
):
    team(other_article)
    first = Assignment.objects.create(project=project, article=article, user=alice)
    Assignment.objects.create(project=project, article=other_article, user=alice)
    page = alice_client.get(url("project-queue", project.pk)).content.decode()
    assert "<strong>0 of 2</strong> done" in page
    assert f'href="{url("workbench", article.pk)}">Next: ' in page
    response = alice_client.post(url("assignment-done", first.pk), headers=HTMX)
    assert response.status_code == 200
    assert "<strong>1 of 2</strong> done" in response.content.decode()
    first.refresh_from_db()
    assert first.done_at is not None
    assert f'href="{url("workbench", other_article.pk)}">Next: ' in response.content.decode()
    alice_client.post(url("assignment-reopen", first.pk))
    first.refresh_from_db()
    assert first.done_at is None


def test_the_project_list_shows_ones_projects_and_progress(
    project, article, alice, alice_client, team, other_article
):
    team(other_article, name="Not alice's")
    Assignment.objects.create(project=project, article=article, user=alice)
    page = alice_client.get(url("project-list"))
    assert [(p.name, role) for p, role in page.context["projects"]] == [("Cairo team", "annotator")]
    assert "0 of 1 done" in page.content.decode()


# Unassigned coding


def test_without_unassigned_coding_an_annotator_reads_but_cannot_tag_unassigned_articles(
    project, article, bob, bob_client, claim_label
):
    project.allow_unassigned = False
    project.save(update_fields=["allow_unassigned"])
    page = bob_client.get(url("workbench", article.pk))
    assert page.status_code == 200 and page.context["read_only"] and page.context["not_assigned"]
    assert "not assigned to you" in page.content.decode()
    start = article.text.index("killed")
    data = {"label": claim_label.pk, "start": start, "end": start + 6, "quote": "killed"}
    assert bob_client.post(url("annotation-create", article.pk), data).status_code == 404
    assert not Annotation.objects.exists()
    Assignment.objects.create(project=project, article=article, user=bob)
    assert not bob_client.get(url("workbench", article.pk)).context["read_only"]
    assert bob_client.post(url("annotation-create", article.pk), data).status_code == 201
    assert Annotation.objects.get().owner == bob


def test_the_demo_puts_its_people_and_articles_in_one_project(capsys):
    from django.core.management import call_command

    from annotations import access
    from annotations.models import Project

    call_command("load_demo")
    call_command("load_demo")  # again: nothing doubled
    project = Project.objects.get(name="Demo")
    assert roles(project) == {"alice": "annotator", "bob": "annotator", "editor": "manager"}
    assert project.project_articles.count() == 3
    alice = project.members.get(user__username="alice").user
    assert access.articles_for(alice).count() == 3


def test_articles_added_to_a_project_are_coded_under_its_codebook(
    project, charlie, charlie_client, article, tag, alice, claim_label
):
    from annotations.models import ArticleCodebook, Codebook

    other = Codebook.objects.create(name="Elections")
    project.codebook = other
    project.save(update_fields=["codebook"])
    fresh = ingestion.article_ingest(text="A fresh upload of charlie's.", user=charlie)
    charlie_client.post(url("project-articles", project.pk), {"articles": [fresh.pk]})
    assert ArticleCodebook.objects.get(article=fresh).codebook == other
    tagged = ingestion.article_ingest(text="Tagged under the news codebook.", user=charlie)
    tag(tagged, charlie, claim_label, "Tagged")
    response = charlie_client.post(
        url("project-articles", project.pk), {"articles": [tagged.pk]}, headers=HTMX
    )
    assert response.status_code == 422
    assert "has tags made under another codebook than “Elections”" in response.content.decode()
    assert not ProjectArticle.objects.filter(article=tagged).exists()
    assert not ArticleCodebook.objects.filter(article=tagged).exists()


def test_the_workbench_of_an_assigned_article_marks_it_done_and_goes_to_the_queue(
    project, article, alice, alice_client
):
    assignment = Assignment.objects.create(project=project, article=article, user=alice)
    page = alice_client.get(url("workbench", article.pk)).content.decode()
    assert f'action="{url("assignment-done", assignment.pk)}"' in page
    response = alice_client.post(url("assignment-done", assignment.pk))
    assert response.status_code == 302 and response["Location"] == url("project-queue", project.pk)
    assignment.refresh_from_db()
    assert assignment.done_at is not None
    page = alice_client.get(url("workbench", article.pk)).content.decode()
    assert f'action="{url("assignment-reopen", assignment.pk)}"' in page


def test_the_workbench_of_a_project_annotator_costs_the_same_with_more_projects_and_tags(
    project, article, alice, alice_client, team, labels_for_bulk, django_user_model
):
    from tests.annotations.test_views_queries import bulk_tags, count_queries

    project.allow_unassigned = False
    project.save(update_fields=["allow_unassigned"])
    Assignment.objects.create(project=project, article=article, user=alice)
    bulk_tags(article, alice, labels_for_bulk, 10)
    page = url("workbench", article.pk)
    alice_client.get(page)
    _, few = count_queries(lambda: alice_client.get(page))
    for n in range(5):  # more projects holding the article, more members, more tags
        django_user_model.objects.create_user(f"coder{n}")
        team(article, name=f"Team {n}", alice=True, **{f"coder{n}": True})
    bulk_tags(article, alice, labels_for_bulk, 190, skip=10)
    response, many = count_queries(lambda: alice_client.get(page))
    assert response.status_code == 200 and not response.context["read_only"]
    assert len(many) == len(few), [q["sql"] for q in many]


@pytest.fixture
def labels_for_bulk(claim_label, source_label, framing_label):
    return [claim_label, source_label, framing_label]
