"""0012_projects moves what exists into one project "Default", and back (issue 12)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("annotations", "0011_label_colour_and_note_limits")]
AFTER = [("annotations", "0012_projects")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_world():
    """The database as 0011 left it, with two users, a staff editor and two articles; put
    back at the latest migration afterwards."""
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Article = apps.get_model("newsdesk", "Article")
    alice = User.objects.create(username="alice")
    User.objects.create(username="bob")
    User.objects.create(username="editor", is_staff=True)
    for n in (1, 2):
        Article.objects.create(
            title=f"A{n}", text=f"Text {n}.", sha256=str(n) * 64, uploaded_by=alice
        )
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_it_moves_every_user_and_article_into_one_default_project(old_world):
    apps = migrate(AFTER)
    Project = apps.get_model("annotations", "Project")
    project = Project.objects.get()
    assert project.name == "Default"
    assert project.codebook.is_default and project.blind and project.allow_unassigned
    roles = dict(project.members.values_list("user__username", "role"))
    assert roles == {"alice": "annotator", "bob": "annotator", "editor": "manager"}
    assert sorted(project.project_articles.values_list("article__title", flat=True)) == [
        "A1",
        "A2",
    ]


def test_it_goes_back_leaving_articles_and_users_as_they_were(old_world):
    migrate(AFTER)
    apps = migrate(BEFORE)
    assert apps.get_model("newsdesk", "Article").objects.count() == 2
    assert apps.get_model("auth", "User").objects.count() == 3
    assert "annotations_project" not in connection.introspection.table_names()
    # And forward again: the same single project, nothing doubled.
    apps = migrate(AFTER)
    assert apps.get_model("annotations", "Project").objects.count() == 1
    assert apps.get_model("annotations", "ProjectMember").objects.count() == 3


def test_a_fresh_install_gets_no_project():
    apps = migrate(BEFORE)
    apps = migrate(AFTER)
    assert not apps.get_model("annotations", "Project").objects.exists()
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
