"""Coding done elsewhere, into a project: several coders' layers, the coders made members
when asked (issue 12, item 5)."""

import json

import pytest
from django.contrib.auth import get_user_model

from annotations.interchange.import_service import Upload
from annotations.models import Annotation, ProjectArticle, ProjectMember
from newsdesk.models import Article
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE
from tests.annotations.interchange.test_import_service import one, refused, run, t_line, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie")


@pytest.fixture
def project(team, article, alice, charlie):
    return team(article, alice="annotator", charlie="manager")


def danas_zip(text) -> bytes:
    return zipped({"dana/1.txt": text, "dana/1.ann": t_line("T1", "Source", text, SOURCE_QUOTE)})


def two_coders_zip(text) -> bytes:
    return zipped(
        {
            "alice/1.txt": text,
            "alice/1.ann": t_line("T1", "Claim", text, CLAIM_QUOTE),
            "dana/1.txt": text,
            "dana/1.ann": t_line("T1", "Source", text, SOURCE_QUOTE),
        }
    )


def test_a_manager_imports_two_coders_layers_making_the_new_coder_a_member(
    article, project, charlie, codebook
):
    data = two_coders_zip(article.text)
    results = run(
        [Upload("coded.zip", data)],
        charlie,
        codebook,
        folder_annotators=True,
        project=project,
        create_members=True,
    )
    assert [(r.ok, r.members_added) for r in results] == [(True, []), (True, ["dana"])]
    owners = dict(Annotation.objects.values_list("owner__username", "label__name"))
    assert owners == {"alice": "Claim", "dana": "Source"}
    dana = get_user_model().objects.get(username="dana")
    assert not dana.has_usable_password()
    roles = dict(project.members.values_list("user__username", "role"))
    assert roles == {"alice": "annotator", "charlie": "manager", "dana": "annotator"}


def test_without_the_option_a_coder_outside_the_project_refuses_the_file(
    article, project, charlie, codebook, bob
):
    text = article.text
    data = zipped({"bob/1.txt": text, "bob/1.ann": t_line("T1", "Claim", text, CLAIM_QUOTE)})
    members = ProjectMember.objects.count()
    error = refused(
        [Upload("coded.zip", data)], charlie, codebook, folder_annotators=True, project=project
    )
    assert "names “bob”, who is not a member of “Cairo team”" in error
    assert ProjectMember.objects.count() == members
    error = refused(
        [Upload("coded.zip", danas_zip(text))],
        charlie,
        codebook,
        folder_annotators=True,
        project=project,
    )
    assert "names “dana”, who has no account here" in error
    assert not get_user_model().objects.filter(username="dana").exists()


def test_jsonl_lines_name_their_coders_and_new_articles_join_the_project(
    project, charlie, codebook
):
    text = "The minister said talks would resume. Officials denied it."
    line = {
        "text": text,
        "tags": [
            {"start": 0, "end": 12, "label": "Source", "annotator": "erin"},
            {"start": 39, "end": 48, "label": "Source", "annotator": "frank"},
        ],
    }
    result = one(
        [Upload("coded.jsonl", (json.dumps(line) + "\n").encode())],
        charlie,
        codebook,
        project=project,
        create_members=True,
    )
    assert result.ok, result.error
    assert sorted(result.members_added) == ["erin", "frank"]
    new = Article.objects.get(text=text)
    assert ProjectArticle.objects.filter(project=project, article=new).exists()
    assert sorted(Annotation.objects.values_list("owner__username", flat=True)) == [
        "erin",
        "frank",
    ]


def test_an_annotator_of_the_project_cannot_import_others_coding(article, project, alice, codebook):
    error = refused(
        [Upload("coded.zip", danas_zip(article.text))],
        alice,
        codebook,
        folder_annotators=True,
        project=project,
        create_members=True,
    )
    assert "the file names “dana” as the annotator: you can import tags only as yourself" in error


def test_a_text_already_here_outside_ones_projects_is_refused(
    article, project, codebook, django_user_model, team, other_article
):
    """dave belongs to another project; the article's text does not open it for him."""
    dave = django_user_model.objects.create_user("dave")
    team(other_article, name="Elsewhere", dave=True)
    text = article.text
    error = refused(
        [
            Upload("a.txt", text.encode()),
            Upload("a.ann", t_line("T1", "Claim", text, CLAIM_QUOTE).encode()),
        ],
        dave,
        codebook,
    )
    assert "this text is already here, in an article outside your projects" in error


def test_the_import_page_offers_a_managers_project_and_imports_into_it(
    client, article, project, charlie, codebook
):
    client.force_login(charlie)
    page = client.get("/tags/import/")
    assert list(page.context["form"].fields["project"].queryset) == [project]
    upload = Upload("coded.zip", two_coders_zip(article.text))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/tags/import/",
        {
            "files": [SimpleUploadedFile(upload.name, upload.data)],
            "codebook": codebook.pk,
            "folder_annotators": "on",
            "project": project.pk,
            "create_members": "on",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "New project members: dana." in response.content.decode()
    assert Annotation.objects.filter(owner__username="dana").count() == 1
    assert project.members.filter(user__username="dana", role="annotator").exists()


def test_only_a_manager_may_ask_for_new_members(client, article, project, alice, codebook):
    client.force_login(alice)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/tags/import/",
        {
            "files": [SimpleUploadedFile("coded.zip", two_coders_zip(article.text))],
            "codebook": codebook.pk,
            "project": project.pk,
            "create_members": "on",
        },
    )
    assert "Only a manager of the project you import into adds members." in (
        response.content.decode()
    )
    assert not Annotation.objects.exists()
    assert not get_user_model().objects.filter(username="dana").exists()


def test_w3c_creators_become_members_of_the_project(article, project, charlie, codebook):
    start = article.text.index(SOURCE_QUOTE)

    def item(nickname, n):
        return {
            "id": f"https://elsewhere.example/anno/{n}",
            "type": "Annotation",
            "motivation": "tagging",
            "creator": {"type": "Person", "nickname": nickname},
            "body": {"type": "TextualBody", "purpose": "tagging", "value": "Source"},
            "target": {
                "source": "https://elsewhere.example/doc/1",
                "selector": {
                    "type": "TextPositionSelector",
                    "start": start,
                    "end": start + len(SOURCE_QUOTE),
                },
            },
        }

    data = json.dumps([item("gina", 1), item("hal", 2)]).encode()
    result = one(
        [Upload("coded.json", data)],
        charlie,
        codebook,
        article=article,
        project=project,
        create_members=True,
    )
    assert result.ok, result.error
    assert sorted(result.members_added) == ["gina", "hal"]
    assert sorted(Annotation.objects.values_list("owner__username", flat=True)) == ["gina", "hal"]
    assert {"gina", "hal"} <= set(project.members.values_list("user__username", flat=True))
