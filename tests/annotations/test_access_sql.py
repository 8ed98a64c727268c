"""may_code, and the article scope inside the query that loads a tag to change, are
written out (every tag write asks); compared here with the ORM queries they stand for
over a matrix of users, projects, roles and assignments."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from annotations import access
from annotations.models import Annotation, Assignment, ProjectArticle, ProjectMember
from newsdesk import ingestion


def orm_may_code(user, article) -> bool:
    if user.is_staff:
        return True
    links = ProjectArticle.objects.filter(article=article)
    if not links.exists():
        return article.uploaded_by_id == user.pk
    member = ProjectMember.objects.filter(user=user, project__project_articles__article=article)
    assigned = Assignment.objects.filter(article=article, user=user, project=OuterRef("project"))
    return member.filter(
        Q(role__in=access.REVIEWING_ROLES) | Q(project__allow_unassigned=True) | Exists(assigned)
    ).exists()


def opens_through_own_tag(user, tag) -> bool:
    try:
        return access._own_tag(user, tag.pk, deleted=False) is not None
    except Http404:
        return False


def test_may_code_and_the_scope_of_tags_to_change_match_the_orm(
    alice, bob, staff, team, claim_label
):
    users = {
        name: get_user_model().objects.create_user(name, password="pw-123456789")
        for name in ("ann", "rev", "man", "assigned", "outsider")
    }
    users.update(alice=alice, bob=bob, staff=staff)
    articles = [
        ingestion.article_ingest(text=f"Text number {n}. A source said so.", user=owner)
        for n, owner in enumerate([alice, alice, bob, alice, users["ann"]])
    ]
    # 0: alice's, in no project; 1: in an open project; 2: bob's, in a closed project;
    # 3: in both; 4: ann's, in no project.
    team(articles[1], articles[3], name="Open", allow_unassigned=True, ann=True, rev="reviewer")
    closed = team(
        articles[2],
        articles[3],
        name="Closed",
        allow_unassigned=False,
        ann=True,
        man="manager",
        assigned=True,
        bob=True,
    )
    Assignment.objects.create(project=closed, article=articles[2], user=users["assigned"])
    answers = set()
    for user in users.values():
        for article in articles:
            opens = access.articles_for(user).filter(pk=article.pk).exists()
            codes = orm_may_code(user, article)
            tag = Annotation.objects.create(
                article=article, owner=user, label=claim_label, start=0, end=4, quote="Text"
            )
            assert opens_through_own_tag(user, tag) is opens, (user, article.pk)
            assert access.may_code(user, article) is codes, (user, article.pk)
            assert opens or not codes  # whoever may code an article may open it
            answers.add((opens, codes))
    assert answers == {(True, True), (True, False), (False, False)}
