"""Offset rules for tags: pure functions, no database."""

import pytest

from annotations import spans
from annotations.spans import SpanError, check, context, snap
from newsdesk import ingest

COMBINING_TILDE = "\u0303"
COMBINING_ACUTE = "\u0301"


@pytest.fixture
def text(sample_text) -> str:
    """The sample article as Newsdesk stores it: NFC, metadata prefix taken off."""
    return ingest.parse(sample_text).text


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


# check


def test_it_accepts_a_span_inside_the_text(text):
    start, end = at(text, "A senior Egyptian security source")
    check(text, start, end, "A senior Egyptian security source")
    check(text, start, end)


def test_it_accepts_spans_touching_both_ends_of_the_text(text):
    check(text, 0, len(text), text)
    check(text, 0, 1, text[0])
    check(text, len(text) - 1, len(text), text[-1])


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 3754), (3750, 3760), (-1, 5), (5000, 5001)],
    ids=["end-one-past", "end-off-the-end", "negative-start", "all-past-the-end"],
)
def test_it_refuses_a_span_off_the_text(text, start, end):
    assert len(text) == 3753
    with pytest.raises(SpanError) as excinfo:
        check(text, start, end)
    assert str(excinfo.value) == (
        f"The selection [{start}, {end}) is not inside the text (0 to {len(text)})."
    )


@pytest.mark.parametrize(("start", "end"), [(10, 10), (11, 10), (0, 0)])
def test_it_refuses_a_span_whose_start_is_not_before_its_end(text, start, end):
    with pytest.raises(SpanError, match="is not inside the text"):
        check(text, start, end)


def test_a_quote_mismatch_names_both_the_quote_and_what_the_article_reads(text):
    start, end = at(text, "killed 1,200 people")
    with pytest.raises(SpanError) as excinfo:
        check(text, start, end, "killed 1,300 people")
    message = str(excinfo.value)
    assert "“killed 1,300 people”" in message
    assert "which reads “killed 1,200 people”" in message
    assert f"[{start}, {end})" in message
    assert "Reload the page and select it again." in message


def test_a_quote_mismatch_shortens_long_texts_on_one_line(text):
    start, end = at(text, "A senior Egyptian security source")
    end = text.index("Cairo", end)  # across a long stretch
    with pytest.raises(SpanError) as excinfo:
        check(text, start, end, "x" * 200)
    message = str(excinfo.value)
    assert "“" + "x" * 59 + "…”" in message
    assert "which reads “A senior Egyptian security source, who requested anonymity,…”" in message


def test_a_quote_off_by_one_character_is_a_mismatch(text):
    start, end = at(text, "Abbas Kamel")
    with pytest.raises(SpanError, match="which reads “Abbas Kame”"):
        check(text, start, end - 1, "Abbas Kamel")


def test_a_quote_spanning_paragraphs_must_match_newlines_exactly(text):
    start = text.index("implementation of an agreement")
    end = text.index("According to the source") + len("According")
    check(text, start, end, text[start:end])
    assert "\n\n" in text[start:end]
    with pytest.raises(SpanError):
        check(text, start, end, text[start:end].replace("\n\n", " "))


# snap


def test_it_trims_spaces_and_newlines_off_both_ends(text):
    start, end = at(text, "several leaders")
    assert text[start - 1] == text[end] == " "
    assert snap(text, start - 1, end + 1) == (start, end)
    start, end = at(text, "Iran meeting with Hamas leaders")
    assert snap(text, start - 2, end + 2) == (start, end)  # "\n\n…\n\n"
    assert text[start - 2 : start] == "\n\n"


def test_it_widens_a_cut_word_to_the_whole_word_on_both_sides(text):
    start, end = at(text, "Egyptian security source")
    assert snap(text, start + 3, end - 2) == (start, end)  # "ptian security sour"


def test_it_widens_a_cut_word_after_trimming_spaces(text):
    start, end = at(text, "Mossad")
    assert snap(text, start - 1, start + 3) == (start, end)  # " Mos"


def test_it_leaves_whole_words_alone(text):
    start, end = at(text, "killed 1,200 people")
    assert snap(text, start, end) == (start, end)


def test_it_keeps_a_number_with_its_thousands_separator_when_cut_inside(text):
    start, end = at(text, "1,200")
    assert snap(text, start, start + 3) == (start, end)  # "1,2"


def test_it_keeps_iran_out_of_irans_when_the_selection_is_exactly_iran(text):
    start, end = at(text, "Iran's Foreign Minister")
    assert text[start : start + 6] == "Iran's"
    assert snap(text, start, start + 4) == (start, start + 4)
    assert snap(text, start, start + 2) == (start, start + 4)  # "Ir" -> "Iran", not "Iran's"


def test_it_does_not_swallow_punctuation_next_to_a_word(text):
    start, end = at(text, "Cairo,")
    assert snap(text, start, end - 1) == (start, end - 1)
    start, end = at(text, "“crimes”")
    assert snap(text, start + 1, start + 4) == (start + 1, end - 1)  # "cri" -> "crimes"


def test_without_words_it_only_trims_and_leaves_a_cut_word(text):
    start, end = at(text, "Egyptian security source")
    assert snap(text, start + 3, end - 2, words=False) == (start + 3, end - 2)
    start, end = at(text, "several leaders")
    assert snap(text, start - 1, end + 1, words=False) == (start, end)


@pytest.mark.parametrize("selection", [" ", "\n\n", " \n \t "])
def test_a_selection_of_only_spaces_is_refused(selection):
    text = f"Hamas{selection}met"
    with pytest.raises(SpanError, match="only spaces"):
        snap(text, 5, 5 + len(selection))
    with pytest.raises(SpanError, match="only spaces"):
        snap(text, 5, 5 + len(selection), words=False)


def test_span_errors_are_value_errors_for_callers_that_do_not_know_them():
    assert issubclass(SpanError, ValueError)


def test_snap_at_the_edges_of_the_text_stays_inside_it():
    text = "Hamas met Mossad"
    assert snap(text, 0, 2) == (0, 5)
    assert snap(text, 12, 16) == (10, 16)
    assert snap(text, 0, len(text)) == (0, len(text))


# context


def test_context_is_32_characters_either_side(text):
    start, end = at(text, "killed 1,200 people")
    prefix, suffix = context(text, start, end)
    assert spans.CONTEXT == 32
    assert (
        prefix == text[start - 32 : start] == "wing of Hamas on Israel on October 7, which "[-32:]
    )
    assert suffix == text[end : end + 32]
    assert len(prefix) == len(suffix) == 32


def test_context_is_clipped_at_the_edges_of_the_text(text):
    prefix, suffix = context(text, 0, 15)
    assert prefix == ""
    assert suffix == text[15:47]
    prefix, suffix = context(text, len(text) - 5, len(text))
    assert prefix == text[len(text) - 37 : len(text) - 5]
    assert suffix == ""


def test_context_takes_another_size():
    assert context("abcdefghij", 4, 6, size=2) == ("cd", "gh")


# Unicode: offsets are code points, never UTF-16 units or bytes.


def test_offsets_after_emoji_count_code_points():
    text = "Hamas 😀 met 👍🏽 in Cairo"
    start = text.index("Cairo")
    assert start == 18  # 😀 is one code point, 👍🏽 two (thumb and skin tone)
    check(text, start, start + 5, "Cairo")
    assert snap(text, start + 1, start + 3) == (start, start + 5)


def test_a_selection_of_an_emoji_with_its_skin_tone_is_kept_whole():
    text = "Hamas 👍🏽 met"
    start = text.index("👍")
    check(text, start, start + 2, "👍🏽")
    assert snap(text, start - 1, start + 3) == (start, start + 2)


def test_words_are_not_widened_into_emoji():
    text = "ok😀fine"
    assert snap(text, 0, 1) == (0, 2)
    assert snap(text, 4, 5) == (3, 7)


@pytest.mark.parametrize("words", [True, False])
def test_snap_does_not_cut_a_skin_tone_modifier_off_its_emoji(words):
    text = "Hamas 👍🏽 met"
    start = text.index("👍")
    assert snap(text, start, start + 1, words=words) == (start, start + 2)
    assert snap(text, start + 1, start + 2, words=words) == (start, start + 2)


@pytest.mark.parametrize("words", [True, False])
def test_snap_keeps_an_emoji_sequence_joined_by_zero_width_joiners_whole(words):
    family = "👩‍👩‍👧"
    text = f"a {family} b"
    start, end = 2, 2 + len(family)
    assert end - start == 5
    assert snap(text, start, start + 1, words=words) == (start, end)
    assert snap(text, end - 1, end, words=words) == (start, end)
    assert snap(text, start + 2, start + 3, words=words) == (start, end)


def test_snap_keeps_a_variation_selector_with_its_character():
    text = "I ❤️ Cairo"  # ❤️: heart + emoji presentation selector
    assert snap(text, 2, 3) == (2, 4)
    assert snap(text, 3, 4, words=False) == (2, 4)


def test_a_word_with_a_combining_mark_is_one_word_when_cut_after_the_base_letter():
    # "q̃" has no precomposed form: it stays q + U+0303 even in NFC text.
    text = f"the word q{COMBINING_TILDE}ata here"
    start = text.index("q")
    end = text.index(" here")
    assert snap(text, start, start + 1) == (start, end)  # selection ends between q and ~
    assert text[start:end] == f"q{COMBINING_TILDE}ata"


def test_a_selection_starting_on_a_combining_mark_takes_its_base_letter():
    text = f"the word q{COMBINING_TILDE} here"
    start = text.index("q")
    assert snap(text, start + 1, start + 2) == (start, start + 2)


def test_a_combining_acute_after_e_stays_with_the_e():
    text = f"cafe{COMBINING_ACUTE} au lait"  # not NFC on purpose
    assert snap(text, 0, 4) == (0, 5)
    assert snap(text, 4, 5) == (0, 5)


def test_the_mark_at_the_very_end_of_the_text_is_kept():
    text = f"niq{COMBINING_TILDE}"
    assert snap(text, 0, 3) == (0, 4)


def test_without_words_snap_still_keeps_a_combining_mark_with_its_letter():
    text = f"the word q{COMBINING_TILDE}ata here"
    start = text.index("q")
    assert snap(text, start, start + 1, words=False) == (start, start + 2)
    assert snap(text, start + 1, start + 4, words=False) == (start, start + 4)


def test_without_words_a_cut_word_with_a_mark_stays_cut_after_the_mark():
    text = f"the word q{COMBINING_TILDE}ata here"
    start = text.index("q")
    assert snap(text, start, start + 3, words=False) == (start, start + 3)  # "q̃a"
