"""The tag editor's markup (annotations/editor_html.py): every kind of field with its
stored value, escaping, read-only, links and the derived hints."""

import re

import pytest

from annotations import codebooks, editor, editor_html, rows, services
from annotations.models import Annotation, Category, Label


def html_of(tag, *, read_only=False):
    (row,) = rows.rows_with_links(tag.article, tag.owner, [tag.pk])
    context = editor.context(tag, row, codebooks.article_labels(tag.article_id))
    if read_only:
        context.update(read_only=True, link_choices=[])
    return editor_html.editor_html(context)


@pytest.fixture
def many_kinds(codebook):
    return Label.objects.create(
        codebook=codebook,
        category=Category.FRAMING,
        name="Tone <&>",
        colour="#123456",
        shortcut="m",
        position=10,
        attribute_schema=[
            {"name": "tone", "kind": "multi", "values": ["warm", "cold"], "retired": ["old"]},
            {"name": "flag", "kind": "bool", "required": True},
            {"name": "who", "kind": "entity"},
            {"name": "pick", "kind": "choice", "values": ["p", "q"], "retired": ["gone"]},
            {"name": "free", "kind": "text"},
        ],
    )


def test_every_kind_shows_its_stored_value_escaped(article, alice, many_kinds):
    tag = Annotation.objects.create(
        article=article,
        owner=alice,
        label=many_kinds,
        start=10,
        end=30,
        quote=article.text[10:30],
        attributes={"tone": ["cold", "old"], "flag": False, "who": 'Abbas "K"', "pick": "gone"},
        note="see <b>this</b> & 'that'\nsecond line",
    )
    html = html_of(tag)
    assert '<h2 id="editor-title">Tone &lt;&amp;&gt; tag</h2>' in html
    assert 'value="warm"> warm' in html and 'value="cold" checked> cold' in html
    assert 'value="old" checked> old (retired)' in html
    assert '<option value="no" selected>no</option>' in html
    assert '<option value="yes">yes</option>' in html
    assert "Flag (required)</label>" in html
    assert 'value="Abbas &quot;K&quot;"' in html and f'list="entities-{tag.pk}"' in html
    assert '<option value="gone" selected>gone (retired)</option>' in html
    assert f'id="attr-{tag.pk}-5" value="" maxlength="500"' in html
    assert "see &lt;b&gt;this&lt;/b&gt; &amp; &#x27;that&#x27;\nsecond line</textarea>" in html
    assert f'action="/tags/{tag.pk}/edit/"' in html and "Delete tag" in html
    assert len(re.findall(r"<div|<form|<select", html)) == len(
        re.findall(r"</div>|</form>|</select>", html)
    )


def test_read_only_has_no_form_to_send(article, alice, claim_label, tag):
    claim = tag(article, alice, claim_label, "killed 1,200 people")
    html = html_of(claim, read_only=True)
    assert "by alice, read-only" in html
    assert '<fieldset class="read-only-fields" disabled>' in html
    assert "data-autosave" not in html and "Delete tag" not in html and "hx-post" not in html


def test_a_claim_offers_its_sources_and_shows_its_links(
    article, alice, tag, claim_label, source_label
):
    claim = tag(article, alice, claim_label, "killed 1,200 people")
    assert "data-link-missing" in html_of(claim)
    assert "<strong>not yet</strong>" in html_of(claim)
    source = tag(article, alice, source_label, "A senior Egyptian security source")
    html = html_of(claim)
    assert f'<option value="{source.pk}" selected>A senior Egyptian security source' in html
    assert "Attributed to source</label>" in html and "data-link-missing" not in html
    relation = services.relation_create(from_annotation=claim, to_annotation=source)
    claim.refresh_from_db()
    html = html_of(claim)
    assert f'class="link-remove" hx-post="/links/{relation.pk}/delete/"' in html
    assert "<strong>yes</strong>: linked to a source below" in html
    assert f'data-tag-open="{source.pk}">A senior Egyptian security source</a>' in html
    source_html = html_of(source)
    assert f"<li>← Claim {relation.get_type_display()} this: " in source_html
    assert f'data-tag-open="{claim.pk}">killed 1,200 people</a>' in source_html


def test_framing_shows_the_voice_it_would_have(article, alice, tag, framing_label):
    framing = tag(article, alice, framing_label, "1,200")
    html = html_of(framing)
    assert f'id="voice-hint-{framing.pk}">Now: ' in html
