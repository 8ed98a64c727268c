"""Who may use which URL, generated from the URLconf (issue 9, item 8).

Every route is requested as four people: anonymous, alice (who owns every object in the
URL), bob (another annotator of the same project) and staff. tests/test_roles.py asks
the same of each project role and of a non-member. ``EXPECTED`` says what each must get; a route
added to the URLconf without a row here fails ``test_every_route_has_an_expectation``.
The admin counts as one route, ``/admin/``. When someone is refused a write (404), none of
alice's coding has changed.
"""

import hashlib
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from annotations import consensus
from annotations.models import Annotation, Assignment, Category, Label, Relation, Suggestion
from newsdesk.models import Article, EntityMention, ImportBatch, ImportItem

ROLES = ("anonymous", "alice", "bob", "staff")
TEXT = "Cairo talks resumed on Tuesday. The strikes killed 1,200 people, officials said."
CLAIM = "killed 1,200 people"


def everyone(status: int) -> dict[str, int]:
    """Anyone logged in gets ``status``; anonymous people go to the login page."""
    return {"anonymous": 302, "alice": status, "bob": status, "staff": status}


def owner_only(status: int) -> dict[str, int]:
    """Alice's own object: another annotator, and staff, get a 404 that leaks nothing."""
    return {"anonymous": 302, "alice": status, "bob": 404, "staff": 404}


def staff_only(status: int) -> dict[str, int]:
    """A manager's action: the annotators get a 404, staff (who manage every project) not."""
    return {"anonymous": 302, "alice": 404, "bob": 404, "staff": status}


# route: (method, the objects its URL names (space-separated), form data or query, status per role)
EXPECTED = {
    "newsdesk:article-list": ("GET", None, {}, everyone(200)),
    "newsdesk:article-upload": ("GET", None, {}, everyone(200)),
    "newsdesk:import-batch": (
        "GET",
        "batch",
        {},
        {"anonymous": 302, "alice": 200, "bob": 404, "staff": 200},
    ),
    "newsdesk:import-batch-resume": (
        "POST",
        "batch",
        {},
        {"anonymous": 302, "alice": 302, "bob": 404, "staff": 302},
    ),
    "newsdesk:article-detail": ("GET", "article", {}, everyone(200)),
    "newsdesk:article-retry-entities": ("POST", "article", {}, everyone(302)),
    "annotations:workbench": ("GET", "article", {}, everyone(200)),
    "annotations:annotation-create": ("POST", "article", "create", everyone(201)),
    "annotations:article-summary": ("GET", "article", {}, everyone(200)),
    "annotations:entity-names": ("GET", "article", {}, everyone(200)),
    "annotations:workbench-rows": (
        "GET",
        "article",
        {"list": "claim", "after": "0.0.0"},
        everyone(200),
    ),
    # Staff read anyone's tag (read-only editor, issue 9 item 7); writes stay owner-only.
    "annotations:annotation-detail": (
        "GET",
        "tag",
        {},
        {"anonymous": 302, "alice": 200, "bob": 404, "staff": 200},
    ),
    "annotations:annotation-update": ("POST", "tag", {"note": "changed"}, owner_only(200)),
    "annotations:annotation-delete": ("POST", "tag", {}, owner_only(200)),
    "annotations:annotation-restore": ("POST", "deleted_tag", {}, owner_only(200)),
    "annotations:relation-create": ("POST", "tag", "link", owner_only(200)),
    "annotations:relation-delete": ("POST", "relation", {}, owner_only(200)),
    "annotations:tags-import": ("GET", None, {}, everyone(200)),
    "annotations:article-export": ("GET", "article", {"format": "csv"}, everyone(200)),
    "annotations:export": ("GET", None, {"format": "csv"}, everyone(200)),
    "annotations:suggestions-retry": ("POST", "article", {}, everyone(302)),
    "annotations:suggestion-accept": ("POST", "suggestion", {}, everyone(201)),
    "annotations:suggestion-dismiss": ("POST", "suggestion", {}, everyone(200)),
    "annotations:suggestion-accept-pair": ("POST", "claim_suggestion", {}, everyone(201)),
    # Projects (issue 12): alice and bob annotate, staff manage every project.
    "annotations:project-list": ("GET", None, {}, everyone(200)),
    "annotations:project-members": ("GET", "project", {}, everyone(200)),
    "annotations:project-member-role": (
        "POST",
        "project member",
        {"role": "reviewer"},
        staff_only(200),
    ),
    "annotations:project-member-remove": ("POST", "project member", {}, staff_only(200)),
    "annotations:project-articles": ("GET", "project", {}, everyone(200)),
    "annotations:project-article-remove": ("POST", "project article", {}, staff_only(200)),
    "annotations:project-article-open": ("POST", "project article", {}, staff_only(200)),
    "annotations:project-assignments": ("GET", "project", {}, staff_only(200)),
    "annotations:assignments-draw": (
        "POST",
        "project",
        {"per_article": 1, "seed": 1},
        staff_only(200),
    ),
    "annotations:assignment-remove": ("POST", "project assignment", {}, staff_only(200)),
    "annotations:project-queue": ("GET", "project", {}, everyone(200)),
    "annotations:assignment-done": ("POST", "assignment", {}, owner_only(200)),
    "annotations:assignment-reopen": ("POST", "assignment", {}, owner_only(200)),
    # The review side (issue 12): the project's reviewers and managers only; alice and bob
    # are its annotators, staff manage every project.
    "annotations:project-dashboard": ("GET", "project", {}, staff_only(200)),
    "annotations:project-agreement-csv": ("GET", "project", {}, staff_only(200)),
    "annotations:article-compare": ("GET", "project article", {}, staff_only(200)),
    "annotations:consensus-accept": ("POST", "project article", "accept", staff_only(200)),
    # One coder only: nothing to agree on, said with a 422.
    "annotations:consensus-accept-agreed": (
        "POST",
        "project article",
        {},
        staff_only(422),
    ),
    "annotations:consensus-add": ("POST", "project article", "consensus", staff_only(200)),
    "annotations:consensus-edit": (
        "POST",
        "project consensus_tag",
        "consensus",
        staff_only(200),
    ),
    "annotations:consensus-remove": (
        "POST",
        "project consensus_tag",
        {},
        staff_only(200),
    ),
    "login": ("GET", None, {}, {"anonymous": 200, "alice": 200, "bob": 200, "staff": 200}),
    "logout": ("POST", None, {}, {"anonymous": 302, "alice": 302, "bob": 302, "staff": 302}),
    "admin": ("GET", None, {}, {"anonymous": 302, "alice": 302, "bob": 302, "staff": 200}),
}


def routes(patterns=None, namespace: str = "") -> list[str]:
    """Every named route in the URLconf; the admin site as the single route "admin"."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                found.append("admin")
                continue
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            found += routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            found.append(namespace + (pattern.name or f"<unnamed {pattern.pattern}>"))
    return found


def test_every_route_has_an_expectation():
    assert sorted(routes()) == sorted(EXPECTED)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Four logins per route: a cheap hasher for the users made here (nobody logs in by
    password in this module)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def objects(alice, bob, team):
    article = Article.objects.create(
        title="Cairo talks",
        text=TEXT,
        sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
        status=Article.Status.READY,
        uploaded_by=alice,
    )
    EntityMention.objects.create(article=article, start=0, end=5, label="GPE", text="Cairo")
    project = team(article, alice=True, bob=True)
    claim = Label.objects.filter(category=Category.CLAIM).order_by("pk").first()
    source = Label.objects.filter(category=Category.SOURCE).order_by("pk").first()

    def tag(label, quote, **extra):
        start = TEXT.index(quote)
        return Annotation.objects.create(
            article=article,
            owner=alice,
            label=label,
            start=start,
            end=start + len(quote),
            quote=quote,
            **extra,
        )

    claim_tag = tag(claim, CLAIM)
    linked_source = tag(source, "officials")
    other_source = tag(source, "Cairo")
    deleted = tag(claim, "talks resumed", deleted_at=timezone.now() - timedelta(minutes=1))
    relation = Relation.objects.create(
        from_annotation=claim_tag, to_annotation=linked_source, type="attributed_to"
    )
    suggestion = Suggestion.objects.create(
        article=article,
        category=Category.SOURCE,
        start=TEXT.index("Tuesday"),
        end=TEXT.index("Tuesday") + 7,
        quote="Tuesday",
    )
    said_by = Suggestion.objects.create(
        article=article,
        category=Category.SOURCE,
        start=TEXT.index("officials"),
        end=TEXT.index("officials") + 9,
        quote="officials",
    )
    claim_suggestion = Suggestion.objects.create(
        article=article,
        category=Category.CLAIM,
        start=TEXT.index("The strikes"),
        end=TEXT.index("The strikes") + len("The strikes killed 1,200 people"),
        quote="The strikes killed 1,200 people",
        link_to=said_by,
        link_type="attributed_to",
    )
    batch = ImportBatch.objects.create(user=alice, name="two files", finished_at=timezone.now())
    ImportItem.objects.create(batch=batch, position=0, name="a.txt", status="failed", message="x")
    consensus_tag = consensus.accept_tag(
        project=project, tag=other_source, reviewer=alice, coders_tags=[other_source]
    )
    return {
        "project": project,
        "consensus_tag": consensus_tag,
        "member": project.members.get(user=bob),
        "assignment": Assignment.objects.create(project=project, article=article, user=alice),
        "article": article,
        "tag": claim_tag,
        "deleted_tag": deleted,
        "relation": relation,
        "suggestion": suggestion,
        "claim_suggestion": claim_suggestion,
        "batch": batch,
        "claim": claim,
        "other_source": other_source,
    }


def alices_coding() -> list:
    """Everything a refused request must leave as it was."""
    return [
        list(Annotation.objects.order_by("pk").values()),
        list(Relation.objects.order_by("pk").values()),
        list(ImportItem.objects.order_by("pk").values("status", "message")),
    ]


def form_data(kind, objects) -> dict:
    if kind == "create":
        start = TEXT.index("strikes")
        return {"label": objects["claim"].pk, "start": start, "end": start + 7, "quote": "strikes"}
    if kind == "accept":
        return {"tag": objects["tag"].pk}
    if kind == "consensus":
        start = TEXT.index("strikes")
        return {"label": objects["claim"].pk, "start": start, "end": start + 7}
    if kind == "link":
        return {"to": objects["other_source"].pk, "type": "attributed_to"}
    return kind


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_it_answers_each_role_as_expected(client, objects, alice, bob, staff, route, role):
    method, obj, data, statuses = EXPECTED[route]
    url = (
        reverse("admin:index")
        if route == "admin"
        else reverse(route, args=[objects[name].pk for name in obj.split()] if obj else [])
    )
    if role != "anonymous":
        client.force_login({"alice": alice, "bob": bob, "staff": staff}[role])
    before = alices_coding()
    send = client.post if method == "POST" else client.get
    response = send(url, form_data(data, objects), headers={"HX-Request": "true"})

    assert response.status_code == statuses[role], (route, role, response.content[:200])
    if role == "anonymous" and statuses[role] == 302 and route != "logout":
        login = reverse("admin:login") if route == "admin" else reverse("login")
        assert response["Location"].startswith(login)
    if response.status_code == 404 or role == "anonymous":
        assert alices_coding() == before
