import re

import pytest

from newsdesk.highlight import Span, blocks, blocks_between, render_blocks


def render(text: str, spans: list[Span]) -> str:
    """The markup of a text rendered as one block, without the block element."""
    html = render_blocks(text, spans, [(0, len(text))])
    prefix = "<span class=blk id=blk-0 data-o=0>"
    assert html.startswith(prefix) and html.endswith("</span>")
    return html[len(prefix) : -len("</span>")]


def ent(start, end, ref="e1", css="ent ent-ORG", title="Organisations"):
    return Span(start=start, end=end, layer="ent", ref=ref, css=css, title=title)


def text_of(html: str) -> str:
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def test_it_keeps_the_text_exactly():
    text = "Hamas & Israel <met> in Cairo\n\nagain 😀 é"
    html = render(text, [ent(0, 5), ent(24, 29, ref="e2")])
    assert text_of(html) == text


def test_it_escapes_markup_in_the_text():
    html = render("<script>alert(1)</script> Hamas", [ent(26, 31)])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_wraps_a_span_with_its_classes_reference_and_title():
    html = render("Hamas met", [ent(0, 5, ref="7")])
    assert html == '<span class="ent ent-ORG" data-ent=7 title=Organisations>Hamas</span> met'


def test_it_handles_spans_at_both_ends_of_the_text():
    html = render("Hamas", [ent(0, 5)])
    assert html.startswith("<span") and html.endswith("</span>")


def test_it_keeps_adjacent_spans_apart():
    html = render("AB", [ent(0, 1, ref="a"), ent(1, 2, ref="b")])
    assert html.count("<span") == 2
    assert "data-ent=a title=Organisations>A<" in html
    assert "data-ent=b title=Organisations>B<" in html


def test_it_cuts_overlapping_spans_into_segments_carrying_every_layer():
    claim = Span(0, 9, layer="tags", ref="1", css="tag tag-claim")
    source = Span(4, 12, layer="tags", ref="2", css="tag tag-source")
    html = render("abcdefghijklm", [claim, source, ent(4, 6, ref="x")])
    assert html == (
        '<span class="tag tag-claim" data-tags=1>abcd</span>'
        '<span class="tag tag-claim tag-source ent ent-ORG" data-tags="1 2" data-ent=x'
        " title=Organisations>ef</span>"
        '<span class="tag tag-claim tag-source" data-tags="1 2">ghi</span>'
        '<span class="tag tag-source" data-tags=2>jkl</span>m'
    )


def test_it_orders_nested_spans_outer_first():
    inner = Span(2, 4, layer="tags", ref="inner", css="i")
    outer = Span(0, 6, layer="tags", ref="outer", css="o")
    assert '<span class="o i" data-tags="outer inner">cd</span>' in render("abcdef", [inner, outer])


def test_it_bounds_the_number_of_elements():
    spans = [ent(i * 10, i * 10 + 5, ref=str(i)) for i in range(100)]
    assert render("x" * 1000, spans).count("<span") == 100


@pytest.mark.parametrize("start,end", [(-1, 2), (3, 3), (4, 2), (0, 11)])
def test_it_refuses_spans_outside_the_text(start, end):
    with pytest.raises(ValueError, match="outside"):
        render_blocks("x" * 10, [ent(start, end)], blocks("x" * 10))


def test_it_cuts_text_into_blocks_after_each_run_of_newlines():
    assert blocks("One.\n\nTwo.\nThree.") == [(0, 6), (6, 11), (11, 17)]
    assert blocks("Only") == [(0, 4)]
    assert blocks("End\n\n") == [(0, 5)]
    assert blocks("") == []


def test_it_finds_the_blocks_a_span_touches():
    block_list = blocks("aa\nbb\ncc\ndd")
    assert list(blocks_between(block_list, 0, 2)) == [0]
    assert list(blocks_between(block_list, 1, 7)) == [0, 1, 2]
    assert list(blocks_between(block_list, 9, 11)) == [3]


def test_blocks_keep_the_text_and_clip_spans_that_cross_them():
    text = "Hamas met\n\nin Cairo 😀 today"
    claim = Span(6, 19, layer="tags", ref="1", css="tag")
    html = render_blocks(text, [claim, ent(0, 5)], blocks(text))
    assert text_of(html) == text
    assert html.count("data-tags=1>") == 2  # one piece in each block
    assert "<span class=blk id=blk-1 data-o=11>" in html


def test_it_renders_only_the_blocks_asked_for_ready_to_swap():
    text = "aa\nbb\ncc"
    html = render_blocks(text, [ent(4, 5)], blocks(text), range(1, 2), oob=True)
    assert html == (
        "<span class=blk id=blk-1 data-o=3 hx-swap-oob=true>"
        'b<span class="ent ent-ORG" data-ent=e1 title=Organisations>b</span>\n</span>'
    )


def test_it_quotes_and_escapes_only_the_values_that_need_it():
    quoted = ent(0, 5, ref='a "b" & c', css="x", title="Rosa's")
    html = render("Hamas", [quoted])
    assert html == (
        '<span class=x data-ent="a &quot;b&quot; &amp; c" title="Rosa&#x27;s">Hamas</span>'
    )


def test_it_writes_no_attribute_for_an_empty_reference():
    alone = ent(0, 5, ref="", css="ent-ORG", title="")
    assert render("Hamas met", [alone]) == "<span class=ent-ORG>Hamas</span> met"
    nested = [alone, Span(0, 9, layer="tags", ref="3", css="tc")]
    assert render("Hamas met", nested) == (
        '<span class="tc ent-ORG" data-tags=3>Hamas</span><span class=tc data-tags=3> met</span>'
    )


def random_spans(rng, text: str, count: int) -> list[Span]:
    kinds = [
        ("ent", "ent-ORG", ""),
        ("tags", "tc", "ts-claim"),
        ("tags", "ts", ""),
        ("sug", "sf", ""),
    ]
    spans = []
    for _ in range(count):
        start = rng.randrange(len(text))
        layer, css, edge = rng.choice(kinds)
        ref = "" if layer == "ent" else str(rng.randint(1, 10**9))
        spans.append(Span(start, rng.randint(start + 1, len(text)), layer, ref, css, "", edge))
    return spans


def test_marks_carry_exactly_the_spans_render_blocks_draws():
    import random

    from newsdesk.highlight import marks, spans_of_marks

    rng = random.Random(5)
    text = "Hamas & Israel <met> in Cairo\n\nagain 😀 é\nand\n\n" * 5
    for _ in range(200):
        spans = random_spans(rng, text, rng.randint(0, 30))
        decoded = spans_of_marks(marks(text, spans))
        assert render_blocks(text, decoded, blocks(text)) == render_blocks(
            text, spans, blocks(text)
        )
        assert sorted(decoded, key=repr) == sorted(spans, key=repr)


def test_marks_are_numbers_relative_to_the_previous_start():
    from newsdesk.highlight import marks

    data = marks("abcdefgh", [Span(4, 6, "tags", "12", "tc"), Span(1, 3, "ent", "", "ent-ORG")])
    assert data == {
        "k": [["ent", "ent-ORG", ""], ["tags", "tc", ""]],
        "m": [1, 2, 0, 0, 3, 2, 1, 12],
    }
    assert marks("ab", [Span(0, 1, "x", "a b", "c")])["m"] == [0, 1, 0, "a b"]


@pytest.mark.parametrize(
    "span",
    [Span(0, 9, "ent", "", "e"), Span(2, 2, "ent", "", "e"), Span(0, 1, "ent", "", "e", "T")],
)
def test_marks_refuse_spans_outside_the_text_and_titles(span):
    from newsdesk.highlight import marks

    with pytest.raises(ValueError):
        marks("abc", [span])
