"""The project role matrix (issue 12): every route as each role of alice's project.

alice (an annotator) owns every object in the URL; it is requested by bob (another
annotator of the project), charlie (its reviewer), dave (its manager), erin (in another
project only) and staff. The project is blind, as projects are by default; the
``opened`` rows are requested again after a reviewer opened the article for adjudication.
A route added to the URLconf without a row here fails ``test_every_route_has_a_row``.
Refused writes (404) leave alice's coding as it was.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Assignment, ProjectArticle, ProjectMember
from tests.test_permissions import alices_coding, fast_passwords, form_data, objects, routes

__all__ = ["fast_passwords", "objects"]  # fixtures used from test_permissions

ROLES = ("annotator", "reviewer", "manager", "non_member", "staff")


def members(status: int, staff: int | None = None) -> dict[str, int]:
    """Any member of the project gets ``status``; someone outside it a 404."""
    return {
        "annotator": status,
        "reviewer": status,
        "manager": status,
        "non_member": 404,
        "staff": status if staff is None else staff,
    }


def only(status: int, *roles: str) -> dict[str, int]:
    return {role: status if role in roles else 404 for role in ROLES}


NOBODY = only(200)  # alice's own writes: 404 for everyone else, staff included
MANAGERS = only(200, "manager", "staff")
REVIEWERS = only(200, "reviewer", "manager", "staff")
BLIND = only(409, "reviewer", "manager") | {"staff": 200}  # before the article is opened

# route: (method, object, data, statuses, statuses once the article is opened)
EXPECTED = {
    "newsdesk:article-list": ("GET", None, {}, only(200, *ROLES), None),
    "newsdesk:article-upload": ("GET", None, {}, only(200, *ROLES), None),
    "newsdesk:import-batch": ("GET", "batch", {}, only(200, "staff"), None),
    "newsdesk:import-batch-resume": ("POST", "batch", {}, only(302, "staff"), None),
    "newsdesk:article-detail": ("GET", "article", {}, members(200), None),
    "newsdesk:article-retry-entities": ("POST", "article", {}, members(302), None),
    "annotations:workbench": ("GET", "article", {}, members(200), None),
    # Another coder's layer: staff, and a reviewer or manager once the article is opened.
    "annotations:workbench-layer": (
        "GET",
        "article",
        "alice-layer",
        only(200, "staff"),
        only(200, "reviewer", "manager", "staff"),
    ),
    "annotations:annotation-create": ("POST", "article", "create", members(201), None),
    "annotations:workbench-rows": (
        "GET",
        "article",
        {"list": "claim", "after": "0.0.0"},
        members(200),
        None,
    ),
    "annotations:article-summary": ("GET", "article", {}, members(200), None),
    "annotations:entity-names": ("GET", "article", {}, members(200), None),
    "annotations:annotation-detail": (
        "GET",
        "tag",
        {},
        only(200, "staff"),
        only(200, "reviewer", "manager", "staff"),
    ),
    "annotations:annotation-update": ("POST", "tag", {"note": "changed"}, NOBODY, NOBODY),
    "annotations:annotation-delete": ("POST", "tag", {}, NOBODY, NOBODY),
    "annotations:annotation-restore": ("POST", "deleted_tag", {}, NOBODY, NOBODY),
    "annotations:relation-create": ("POST", "tag", "link", NOBODY, NOBODY),
    "annotations:relation-delete": ("POST", "relation", {}, NOBODY, NOBODY),
    "annotations:tags-import": ("GET", None, {}, only(200, *ROLES), None),
    "annotations:article-export": ("GET", "article", {"format": "csv"}, members(200), None),
    "annotations:export": ("GET", None, {"format": "csv"}, only(200, *ROLES), None),
    "annotations:suggestions-retry": ("POST", "article", {}, members(302), None),
    "annotations:suggestion-accept": ("POST", "suggestion", {}, members(201), None),
    "annotations:suggestion-accept-pair": ("POST", "claim_suggestion", {}, members(201), None),
    "annotations:suggestion-dismiss": ("POST", "suggestion", {}, members(200), None),
    "annotations:project-list": ("GET", None, {}, only(200, *ROLES), None),
    "annotations:project-members": ("GET", "project", {}, members(200), None),
    "annotations:project-member-role": (
        "POST",
        "project member",
        {"role": "reviewer"},
        MANAGERS,
        None,
    ),
    "annotations:project-member-remove": ("POST", "project member", {}, MANAGERS, None),
    "annotations:project-articles": ("GET", "project", {}, members(200), None),
    "annotations:project-article-remove": ("POST", "project article", {}, MANAGERS, None),
    "annotations:project-article-open": (
        "POST",
        "project article",
        {},
        only(200, "reviewer", "manager", "staff"),
        None,
    ),
    "annotations:project-assignments": ("GET", "project", {}, MANAGERS, None),
    "annotations:assignments-draw": (
        "POST",
        "project",
        {"per_article": 1, "seed": 1},
        MANAGERS,
        None,
    ),
    "annotations:assignment-remove": ("POST", "project assignment", {}, MANAGERS, None),
    "annotations:project-queue": ("GET", "project", {}, members(200), None),
    "annotations:assignment-done": ("POST", "assignment", {}, NOBODY, None),
    "annotations:assignment-reopen": ("POST", "assignment", {}, NOBODY, None),
    # The review side: reviewers, managers and staff. In the blind project a reviewer's
    # comparison shows only "Open for adjudication" and consensus writes are a 409 until
    # the article is opened; staff see and write at once. One coder: nothing agreed (422).
    "annotations:project-dashboard": ("GET", "project", {}, REVIEWERS, None),
    "annotations:project-agreement-csv": ("GET", "project", {}, REVIEWERS, None),
    "annotations:article-compare": ("GET", "project article", {}, REVIEWERS, None),
    "annotations:consensus-accept": ("POST", "project article", "accept", BLIND, REVIEWERS),
    "annotations:consensus-accept-agreed": (
        "POST",
        "project article",
        {},
        only(409, "reviewer", "manager") | {"staff": 422},
        only(422, "reviewer", "manager", "staff"),
    ),
    "annotations:consensus-add": ("POST", "project article", "consensus", BLIND, REVIEWERS),
    "annotations:consensus-edit": (
        "POST",
        "project consensus_tag",
        "consensus",
        BLIND,
        REVIEWERS,
    ),
    "annotations:consensus-remove": ("POST", "project consensus_tag", {}, BLIND, REVIEWERS),
}
# Not about projects: in tests/test_permissions.py only.
ELSEWHERE = {"login", "logout", "admin"}


def test_every_route_has_a_row():
    named = {route.removesuffix("-layer") for route in EXPECTED}
    assert sorted(set(routes()) - ELSEWHERE) == sorted(named)


@pytest.fixture
def people(objects, alice, bob, staff, django_user_model, team):
    """alice's project gains its reviewer and manager; erin codes in another project."""
    made = {
        name: django_user_model.objects.create_user(name) for name in ("charlie", "dave", "erin")
    }
    project = team(charlie="reviewer", dave="manager")
    other = team(name="Elsewhere", erin=True)
    assert ProjectMember.objects.filter(project=other).count() == 1
    assert Assignment.objects.filter(project=project, user=alice).exists()
    return {
        "annotator": bob,
        "reviewer": made["charlie"],
        "manager": made["dave"],
        "non_member": made["erin"],
        "staff": staff,
    }


def request(client, route, objects, alice, data):
    name = route.removesuffix("-layer")
    method, obj = EXPECTED[route][:2]
    url = reverse(name, args=[objects[o].pk for o in obj.split()] if obj else [])
    send = client.post if method == "POST" else client.get
    payload = {"layer": alice.pk} if data == "alice-layer" else form_data(data, objects)
    return send(url, payload, headers={"HX-Request": "true"})


CASES = [
    pytest.param(route, role, opened, id=f"{route}-{role}" + ("-opened" if opened else ""))
    for route, row in sorted(EXPECTED.items())
    for opened in (False, True)
    if not opened or row[4] is not None
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "opened"), CASES)
def test_each_role_gets_its_answer(client, objects, people, alice, route, role, opened):
    statuses = EXPECTED[route][4 if opened else 3]
    if opened:
        ProjectArticle.objects.filter(article=objects["article"]).update(
            adjudication_opened_at=timezone.now()
        )
    client.force_login(people[role])
    before = alices_coding()
    response = request(client, route, objects, alice, EXPECTED[route][2])
    assert response.status_code == statuses[role], (route, role, response.content[:200])
    if response.status_code == 404:
        assert alices_coding() == before
