"""The suggesters: attribution and framing proposals, and how well they do on
hand-labelled fictional paragraphs (tests/data/)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import suggest, suggest_score
from tests.annotations import suggest_eval

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def nlp():
    return suggest.load_parser(settings.NEWSDESK_SPACY_MODEL)


def by_quote(found, category):
    return {s.quote: s for s in found if s.category == category}


def test_it_proposes_an_anonymous_security_source_with_its_affiliation(nlp):
    text = (
        "A senior Egyptian security source, who requested anonymity, told the agency "
        "that the talks had stalled."
    )
    found = by_quote(suggest.attributions(text, nlp=nlp), "source")
    source = found["A senior Egyptian security source, who requested anonymity"]
    assert text[source.start : source.end] == source.quote
    assert source.attributes == {
        "identification": "anonymous",
        "cue": "told",
        "source type": "security or intelligence",
        "affiliation": "Egypt",
        "reason for anonymity given": True,
    }


def test_it_reads_according_to_and_state_media(nlp):
    text = "According to Iran's state news agency, the talks had failed."
    source = by_quote(suggest.attributions(text, nlp=nlp), "source")["Iran's state news agency"]
    assert source.attributes["source type"] == "state media"
    assert source.attributes["cue"] == "according to"
    assert source.attributes["affiliation"] == "Iran"


def test_it_links_a_pronoun_source_to_the_mention_it_stands_for(nlp):
    text = (
        "Minister Ana Reyes said the plan was ready.\n\n"
        "The ministry said costs had risen. She said it would start soon."
    )
    found = by_quote(suggest.attributions(text, nlp=nlp), "source")
    assert list(found) == ["Minister Ana Reyes", "The ministry", "She"]
    named = found["Minister Ana Reyes"]
    assert named.attributes["identification"] == "named"
    she = found["She"]
    # The nearest earlier mention that is one person, not the nearer institution.
    assert she.link == ("same_as", named.start, named.end)
    assert she.attributes["identification"] == "named"
    assert found["The ministry"].attributes["identification"] == "partially identified"


def test_it_counts_offsets_in_code_points_across_paragraphs(nlp):
    text = "😀 Intro 👍🏽.\n\nCafé owners said prices rose."
    source = suggest.attributions(text, nlp=nlp)[0]
    assert text[source.start : source.end] == "Café owners"


def test_lexicon_matches_whole_words_ignoring_case():
    lexicon = [suggest.LexiconEntry("regime", "labeling or name-calling")]
    found = suggest.framing("The Regime fell; regimental bands played.", lexicon=lexicon)
    assert [(s.quote, s.start) for s in found] == [("Regime", 4)]


def test_it_marks_short_quoted_phrases_but_not_quoted_sentences():
    text = "The 'liberation' came at dawn. He said: \"We will never accept this deal.\""
    found = suggest.framing(text, lexicon=[])
    assert [s.quote for s in found] == ["'liberation'"]
    assert found[0].attributes == {"device": "scare quotes or distancing"}


def test_a_partial_quote_after_a_speech_verb_is_not_a_scare_quote():
    text = "The mayor called it an “act of hate”. Villagers described “a wall of fire”."
    assert suggest.framing(text, lexicon=[]) == []


def test_apostrophes_inside_words_close_no_quote():
    assert suggest.framing("He said ‘don’t go’ twice, and ‘won’t’ once.", lexicon=[]) == []


def test_possessive_apostrophes_are_not_quotes():
    assert suggest.framing("Iran's and Egypt's envoys met the students' union.", lexicon=[]) == []


def test_it_finds_passives_that_hide_who_acted(nlp):
    text = "Four people were killed in the raid. Two men were arrested by police."
    found = suggest.framing(text, lexicon=[], nlp=nlp)
    assert [s.quote for s in found] == ["were killed"]
    assert found[0].attributes["device"] == "agency hidden by passive voice"


def test_it_proposes_no_passive_whose_auxiliary_the_parser_put_after_the_verb(nlp):
    # From the benchmarks' synthetic article (seed 7): the parser reads "said" as the
    # passive auxiliary of the "killed" before it, which made a span that ended before it
    # started and failed the whole article's suggestions.
    text = (
        "council Cairo city delegation would Mossad figures Mossad Abbas Kamel security "
        "Tuesday strike workers said people according Hamas Doha. killed said Cairo council "
        "economy delegation police injured court economy schools government court said "
        "protest month government."
    )
    found = suggest.framing(text, lexicon=[], nlp=nlp)
    assert all(0 <= s.start < s.end <= len(text) for s in found)
    assert all(text[s.start : s.end] == s.quote for s in found)
    assert "passive without agent" not in [s.reason for s in found]


def test_it_keeps_one_suggestion_per_stretch(nlp):
    text = "State media blamed the 'occupation regime' for the blast."
    lexicon = [suggest.LexiconEntry("occupation regime", "labeling or name-calling")]
    found = [s for s in suggest.suggest(text, nlp=nlp, lexicon=lexicon) if s.category == "framing"]
    assert [s.quote for s in found] == ["'occupation regime'"]


def test_the_gold_markup_gives_plain_text_and_nested_spans():
    text, spans = suggest_eval.parse_gold("# note\n[[S:The [[F:so-called]] council]] said no.")
    assert text == "The so-called council said no."
    assert spans == [("source", 0, 21), ("framing", 4, 13)]
    with pytest.raises(ValueError):
        suggest_eval.parse_gold("[[S:never closed")


def test_scores_count_exact_and_overlapping_matches_once():
    gold = [("source", 0, 10), ("source", 20, 30), ("framing", 40, 45)]
    found = [
        suggest.Suggestion("source", 0, 10, "x"),
        suggest.Suggestion("source", 2, 8, "x"),  # the same gold span again
        suggest.Suggestion("source", 22, 35, "x"),
        suggest.Suggestion("framing", 50, 55, "x"),
    ]
    source, framing = suggest_eval.score(gold, found)
    assert (source.gold, source.suggested, source.exact, source.overlapping) == (2, 3, 1, 2)
    assert source.precision == pytest.approx(2 / 3) and source.recall == 1.0
    assert (framing.overlapping, framing.precision, framing.recall) == (0, 0.0, 0.0)


@pytest.mark.parametrize(
    "name, floors",
    [
        # The set the rules were developed on: optimistic by construction.
        ("suggest_gold.txt", {"source": (0.9, 0.85), "framing": (0.85, 0.65)}),
        # Written after the rules were frozen: the honest figure.
        ("suggest_heldout.txt", {"source": (0.85, 0.8), "framing": (0.8, 0.25)}),
    ],
)
def test_precision_and_recall_on_hand_labelled_paragraphs(nlp, name, floors, capsys):
    text, gold = suggest_eval.parse_gold((DATA / name).read_text(encoding="utf-8"))
    assert sum(1 for c, *_ in gold if c == "source") >= 25
    found = suggest.suggest(text, nlp=nlp, lexicon=suggest.default_lexicon())
    for item in found:
        assert text[item.start : item.end] == item.quote
    for score in suggest_eval.score(gold, found):
        with capsys.disabled():
            print(
                f"\n{name} {score.category}: precision {score.precision:.2f} recall "
                f"{score.recall:.2f} (exact {score.exact_precision:.2f}/"
                f"{score.exact_recall:.2f}; {score.gold} gold, {score.suggested} suggested)"
            )
        precision, recall = floors[score.category]
        assert score.precision >= precision
        assert score.recall >= recall


def test_the_dev_set_has_at_least_forty_of_each():
    _, gold = suggest_eval.parse_gold((DATA / "suggest_gold.txt").read_text(encoding="utf-8"))
    assert sum(1 for c, *_ in gold if c == "source") >= 40
    assert sum(1 for c, *_ in gold if c == "framing") >= 40


@pytest.mark.django_db
def test_the_command_prints_suggestions_as_json_lines(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(
        "A senior Egyptian security source, who requested anonymity, told the agency "
        "that the so-called truce was over.\r\n",
        encoding="utf-8",
    )
    call_command("suggest", str(path), "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    framing = next(line for line in lines if line["category"] == "framing")
    assert (framing["start"], framing["end"], framing["quote"]) == (85, 94, "so-called")
    source = next(line for line in lines if line["category"] == "source")
    assert source["attributes"]["identification"] == "anonymous"


@pytest.mark.django_db
def test_the_command_reads_each_file_in_its_language_and_says_which_it_skips(tmp_path, capsys):
    english = tmp_path / "story.txt"
    english.write_text(
        "A senior Egyptian security source, who requested anonymity, told the agency "
        "that the so-called truce was over.",
        encoding="utf-8",
    )
    french = tmp_path / "recit.txt"
    french.write_text(
        "Une source sécuritaire égyptienne, qui a requis l'anonymat, a déclaré à l'agence "
        'que la "trêve" était terminée et que les négociations reprendraient au Caire '
        "mardi prochain avec les délégations des deux parties.",
        encoding="utf-8",
    )
    call_command("suggest", str(tmp_path), "--json", "--default-lexicon")
    captured = capsys.readouterr()
    files = {json.loads(line)["file"] for line in captured.out.splitlines()}
    assert files == {str(english)}
    assert f"{french}: in “fr”: the suggestion rules read English only" in captured.err
    # --language names the language of every file.
    call_command("suggest", str(english), "--language", "fr", "--default-lexicon")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 suggestions in 1 file(s); 1 in a language the rules do not read." in captured.err


def test_the_command_refuses_unreadable_and_binary_files(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("suggest", str(tmp_path / "missing.txt"))
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00")
    with pytest.raises(CommandError, match="binary"):
        call_command("suggest", str(binary))


def test_a_speaking_clause_joins_the_source_only_when_it_explains_anonymity(nlp):
    text = (
        "A senior official, speaking on condition of anonymity, said the deal was off. "
        "Its general secretary, speaking outside the ministry, said talks would go on."
    )
    quotes = [s.quote for s in suggest.attributions(text, nlp=nlp)]
    assert quotes == [
        "A senior official, speaking on condition of anonymity",
        "Its general secretary",
    ]


HELDOUT = DATA / "suggest_heldout"


@pytest.mark.parametrize(
    "folder, floors",
    [
        # Developed on: optimistic by construction (measured P/R: source 1.00/0.99,
        # claim 0.96/0.94, framing 0.94/1.00).
        ("suggest_dev", {"source": (0.95, 0.95), "claim": (0.9, 0.9), "framing": (0.85, 0.9)}),
        # Written after "Suggesters frozen" and measured once: source 0.99/0.95, claim
        # 0.97/0.97, framing 0.71/0.45 (7 suggested). The floors are that minus a margin.
        (
            "suggest_heldout",
            {"source": (0.95, 0.9), "claim": (0.92, 0.92), "framing": (0.55, 0.35)},
        ),
    ],
)
def test_brat_gold_figures_stay_at_what_was_measured(nlp, folder, floors, capsys):
    documents = suggest_score.read_gold(DATA / folder)
    scores = {}
    for document in documents:
        found = suggest.suggest(document.text, nlp=nlp, lexicon=suggest.default_lexicon())
        for item in found:
            assert document.text[item.start : item.end] == item.quote
        for s in suggest_score.score(document.spans, found):
            scores[s.category] = scores[s.category].add(s) if s.category in scores else s
    if folder == "suggest_heldout":
        assert scores["source"].gold >= 100
    for category, (precision, recall) in floors.items():
        s = scores[category]
        with capsys.disabled():
            print(f"\n{folder} {category}: P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}")
        assert s.precision >= precision and s.recall >= recall


def test_claims_are_linked_to_their_source_and_figures_are_check_worthy(nlp):
    text = (
        '"We are sorry," Marsh said. Officials said 300 ships were waiting. '
        "Exports fell 4 percent in May."
    )
    found = suggest.suggest(text, nlp=nlp, lexicon=[])
    sources = {s.quote: s for s in found if s.category == "source"}
    claims = {s.quote: s for s in found if s.category == "claim"}
    assert list(sources) == ["Marsh", "Officials"]
    assert claims["We are sorry"].link == ("attributed_to", *_span(sources["Marsh"]))
    assert claims["300 ships were waiting"].attributes["check-worthy"] is True
    assert claims["Exports fell 4 percent in May"].link is None
    assert claims["Exports fell 4 percent in May"].attributes == {"check-worthy": True}


def _span(s):
    return s.start, s.end


@pytest.mark.parametrize(
    "text",
    [
        "The party maintains a lead, with 60 percent of precincts reporting.",
        "A group called Free Ports Now, citing low growth, was set up in May.",
        "Goods will be shared according to their preference.",
        "Mara Lind reported from Velthaven.",
        '"We expected to win," he said, smiling.',
    ],
)
def test_it_suggests_no_source_for_the_false_alarm_shapes(nlp, text):
    quotes = [s.quote for s in suggest.attributions(text, nlp=nlp)]
    assert quotes in ([], ["he"])


@pytest.mark.django_db
def test_the_commands_read_folders_and_score_brat_gold(tmp_path, capsys):
    call_command("suggest", str(HELDOUT), "--json", "--default-lexicon")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {Path(line["file"]).name for line in lines} >= {"mine.txt", "rail.txt"}
    call_command(
        "evaluate_suggestions", str(HELDOUT), "--json", "--default-lexicon",
        "--source-label", "Source", "--claim-label", "Claim", "--framing-label", "Nothing",
    )  # fmt: skip
    figures = {f["category"]: f for f in json.loads(capsys.readouterr().out)}
    assert figures["source"]["gold"] == 120 and figures["source"]["recall"] >= 0.9
    assert figures["framing"]["gold"] == 0
