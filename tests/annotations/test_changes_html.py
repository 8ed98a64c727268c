"""The answer to a write (annotations/changes_html.py): each swap present only when the
write changed it, values escaped."""

from types import SimpleNamespace

from annotations.changes_html import changes_html


def test_a_dismissal_answers_its_blocks_the_closed_row_and_the_count():
    html = changes_html(
        {
            "blocks_html": "<span class=blk>x</span>",
            "closed_suggestions": [7],
            "suggestion_count": 3,
        }
    )
    assert html.startswith("\n<span class=blk>x</span>")
    assert '<li id="sug-row-7" hx-swap-oob="delete"></li>' in html
    assert '<span class="count" id="count-suggestions" hx-swap-oob="true">3</span>' in html
    assert (
        '<div id="undo-bar" class="undo-bar" aria-live="polite" hx-swap-oob="true"></div>' in html
    )
    assert "tag-info" not in html and "sug-list" not in html and "count-label" not in html


def test_a_deletion_offers_undo_with_the_label_and_quote_escaped():
    deleted = SimpleNamespace(
        pk=5, version=3, label=SimpleNamespace(name="Loaded <word>"), quote="a & b " + "x" * 60
    )
    label = SimpleNamespace(pk=2)
    html = changes_html(
        {
            "deleted": deleted,
            "removes": [5],
            "label_counts": [(label, 0)],
            "category_counts": [("framing", 4)],
            "inserts": [("<li>row</li>", None, "claim"), ("<li>row2</li>", 9, "claim")],
        }
    )
    assert "<span>Deleted Loaded &lt;word&gt; “a &amp; b xxxx" in html
    assert "xxx…”.</span>" in html
    assert 'hx-post="/tags/5/restore/" hx-vals=\'{"version": "3"}\'' in html
    assert '<li id="tag-row-5" hx-swap-oob="delete"></li>' in html
    assert '<span class="count" id="count-label-2" hx-swap-oob="true">0</span>' in html
    assert '<span class="count" id="count-cat-framing" hx-swap-oob="true">4</span>' in html
    assert '<div hx-swap-oob="beforeend:#tag-list-claim"><li>row</li></div>' in html
    assert '<div hx-swap-oob="beforebegin:#tag-row-9"><li>row2</li></div>' in html
