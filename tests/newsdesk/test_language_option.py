"""Issue 14 item 10: the language of imported articles is given at import, not always "en"."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from newsdesk.models import Article

pytestmark = pytest.mark.django_db


def test_it_imports_a_folder_in_the_language_given(tmp_path, staff):
    (tmp_path / "uno.txt").write_text("Las conversaciones se reanudaron en El Cairo.")
    (tmp_path / "dos.txt").write_text("Una fuente de seguridad habló con Reuters.")
    call_command("import_articles", str(tmp_path), "--language", "es", stdout=io.StringIO())
    assert sorted(Article.objects.values_list("language", flat=True)) == ["es", "es"]


def test_it_refuses_a_language_that_is_not_a_code(tmp_path, staff):
    (tmp_path / "uno.txt").write_text("Las conversaciones se reanudaron.")
    with pytest.raises(CommandError, match="not a language code"):
        call_command("import_articles", str(tmp_path), "--language", "Spanish!")
    assert not Article.objects.exists()


def test_it_uploads_a_file_in_the_language_chosen_on_the_form(alice_client):
    upload = SimpleUploadedFile("cairo.txt", b"Conversas em Cairo.", "text/plain")
    response = alice_client.post("/articles/upload/", {"files": [upload], "language": "pt-BR"})
    assert response.status_code == 302
    assert Article.objects.get().language == "pt-BR"


def test_it_keeps_the_default_language_when_none_is_chosen(alice_client):
    upload = SimpleUploadedFile("cairo.txt", b"Talks in Cairo.", "text/plain")
    alice_client.post("/articles/upload/", {"files": [upload]})
    assert Article.objects.get().language == "en"


def test_it_refuses_a_bad_language_on_the_form(alice_client):
    upload = SimpleUploadedFile("cairo.txt", b"Talks in Cairo.", "text/plain")
    response = alice_client.post("/articles/upload/", {"files": [upload], "language": "<b>"})
    assert response.status_code == 200
    assert "Give a language code" in response.content.decode()
    assert not Article.objects.exists()
