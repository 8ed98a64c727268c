"""Who sees which projects and articles, and in which role (issue 12)."""

import pytest
from django.utils import timezone

from annotations import access
from annotations.models import ProjectArticle
from newsdesk import ingestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie")


@pytest.fixture
def project(team, article, alice, bob, charlie, staff):
    return team(article, alice="annotator", bob="reviewer", charlie="manager")


def test_it_lists_only_the_projects_a_user_belongs_to(project, team, alice, staff, other_article):
    other = team(other_article, name="Elsewhere")
    assert list(access.projects_for(alice)) == [project]
    assert set(access.projects_for(staff)) == {project, other}
    assert access.project_for(alice, project.pk) == project
    with pytest.raises(access.Http404):
        access.project_for(alice, other.pk)


def test_it_names_each_members_role(project, alice, bob, charlie, staff, django_user_model):
    dave = django_user_model.objects.create_user("dave")
    assert [access.role_in(u, project) for u in (alice, bob, charlie, dave)] == [
        "annotator",
        "reviewer",
        "manager",
        None,
    ]
    assert access.role_in(staff, project) == "manager"
    assert [access.may_manage(u, project) for u in (alice, bob, charlie, dave, staff)] == [
        False,
        False,
        True,
        False,
        True,
    ]


def test_reviewers_and_managers_review_the_projects_articles_only(
    project, alice, bob, charlie, staff, other_article, team
):
    assert not access.may_review(alice, project.project_articles.get().article)
    article = project.project_articles.get().article
    assert access.may_review(bob, article) and access.may_review(charlie, article)
    team(other_article, name="Elsewhere", alice="reviewer")
    assert access.may_review(alice, other_article) and not access.may_review(bob, other_article)
    assert access.may_review(staff, other_article)


def test_articles_outside_a_users_projects_are_not_theirs(
    project, article, alice, bob, charlie, staff, django_user_model
):
    dave = django_user_model.objects.create_user("dave")
    stray = ingestion.article_ingest(text="A stray article of dave's.", user=dave)
    assert list(access.articles_for(alice)) == [article]
    assert list(access.articles_for(bob)) == [article]
    # An upload not in any project yet is its uploader's (and staff's) alone.
    assert list(access.articles_for(dave)) == [stray]
    assert set(access.articles_for(staff)) == {article, stray}
    ProjectArticle.objects.create(project=project, article=stray)
    assert list(access.articles_for(dave)) == []
    assert set(access.articles_for(alice)) == {article, stray}


def test_anonymous_people_open_no_article(article, client):
    from django.contrib.auth.models import AnonymousUser

    assert not access.articles_for(AnonymousUser()).exists()


def test_blind_projects_hide_other_coders_tags_until_a_reviewer_opens_the_article(
    project, article, alice, bob, charlie, staff
):
    link = ProjectArticle.objects.get(project=project, article=article)
    assert [access.sees_others_tags(u, article) for u in (alice, bob, charlie, staff)] == [
        False,
        False,
        False,
        True,
    ]
    link.adjudication_opened_at = timezone.now()
    link.save(update_fields=["adjudication_opened_at"])
    assert [access.sees_others_tags(u, article) for u in (alice, bob, charlie, staff)] == [
        False,
        True,
        True,
        True,
    ]


def test_an_open_project_shows_every_member_the_others_tags(project, article, alice, bob):
    project.blind = False
    project.save(update_fields=["blind"])
    assert access.sees_others_tags(alice, article) and access.sees_others_tags(bob, article)


def test_only_the_reviewers_own_project_opening_the_article_lifts_the_blind(
    project, article, alice, team, other_article
):
    """alice annotates it here and reviews it in another project: the opening here (by
    bob) does not count for her, the one in her reviewing project does."""
    other = team(other_article, name="Elsewhere", alice="reviewer")
    ProjectArticle.objects.filter(project=project).update(adjudication_opened_at=timezone.now())
    reviewing = ProjectArticle.objects.create(project=other, article=article)
    assert access.sees_others_tags(alice, article) is False
    reviewing.adjudication_opened_at = timezone.now()
    reviewing.save(update_fields=["adjudication_opened_at"])
    assert access.sees_others_tags(alice, article) is True
