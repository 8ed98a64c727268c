"""Issue 14 item 10: JSON Lines and W3C language fields are read; --language wins."""

import io
import json

import pytest
from django.core.management import call_command

from annotations.interchange.import_service import Options, Upload, import_uploads
from newsdesk.models import Article

pytestmark = pytest.mark.django_db

TEXT = "Una fuente de seguridad dijo que las conversaciones avanzan."


def jsonl_line(**extra) -> bytes:
    return json.dumps({"text": TEXT, "label": [[0, 10, "Claim"]], **extra}).encode()


def test_it_creates_the_article_in_the_language_a_jsonl_line_gives(staff, codebook):
    [result] = import_uploads(
        uploads=[Upload("es.jsonl", jsonl_line(language="es"))], options=Options(staff, codebook)
    )
    assert result.ok, result.error
    assert Article.objects.get().language == "es"


def test_it_lets_the_language_option_win_over_the_file(staff, codebook):
    [result] = import_uploads(
        uploads=[Upload("es.jsonl", jsonl_line(language="es"))],
        options=Options(staff, codebook, language="ca"),
    )
    assert result.ok, result.error
    assert Article.objects.get().language == "ca"


def test_it_refuses_a_line_whose_language_is_not_a_code(staff, codebook):
    [result] = import_uploads(
        uploads=[Upload("es.jsonl", jsonl_line(language=["es"]))], options=Options(staff, codebook)
    )
    assert "language" in result.error
    assert not Article.objects.exists()


def test_it_reads_a_w3c_targets_language(staff, codebook, article):
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:x:1",
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "Claim"},
        "target": {
            "source": f"http://127.0.0.1:8000/articles/{article.pk}/",
            "language": "es",
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 8},
        },
    }
    [result] = import_uploads(
        uploads=[Upload("one.jsonld", json.dumps(annotation).encode())],
        options=Options(staff, codebook),
    )
    assert result.ok, result.error
    article.refresh_from_db()
    assert article.language == "es"


def test_it_exports_the_language_in_jsonl_and_w3c(staff, codebook, tmp_path):
    import_uploads(
        uploads=[Upload("es.jsonl", jsonl_line(language="es"))], options=Options(staff, codebook)
    )
    out = io.StringIO()
    call_command("export_annotations", "--format", "jsonl", stdout=out)
    assert json.loads(out.getvalue())["language"] == "es"
    out = io.StringIO()
    call_command("export_annotations", "--format", "w3c", stdout=out)
    [item] = json.loads(out.getvalue())["first"]["items"]
    assert item["target"]["language"] == "es"
