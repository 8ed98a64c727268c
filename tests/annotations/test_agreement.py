"""Agreement figures on hand-worked examples, and alpha against the `krippendorff` package."""

import pickle
import random
import re
import time
from itertools import combinations

import krippendorff  # GPL-3: a test dependency only, never imported by the app
import numpy as np
import pytest

from annotations.agreement import (
    ALL,
    ArticleCoding,
    alpha_from_counts,
    alpha_nominal,
    article_pieces,
    combine,
    compute,
    kappa,
    tokens,
)

TEXT = "Hamas said on Tuesday that 1,200 people were killed in the attack."


def _fig(figures, label, measure, pair=None, attribute=None):
    found = [
        f
        for f in figures
        if f.label == label and f.measure == measure and f.pair == pair and f.attribute == attribute
    ]
    assert len(found) == 1, (label, measure, pair, found)
    return found[0]


def _span(word, label, attributes=None, text=TEXT):
    start = text.index(word)
    return (start, start + len(word), label, attributes or {})


def test_it_counts_word_tokens_as_runs_of_letters_and_digits():
    starts, ends = tokens("1,200 people — Iran's_state  news")
    words = ["1", "200", "people", "Iran", "s", "state", "news"]
    assert [
        "1,200 people — Iran's_state  news"[s:e] for s, e in zip(starts, ends, strict=True)
    ] == words


def test_it_gives_no_alpha_when_nobody_tagged_anything():
    figures = compute([ArticleCoding(TEXT, {"alice": [], "bob": []})], labels=["Claim"])
    alpha = _fig(figures, "Claim", "alpha")
    assert alpha.value is None
    assert (alpha.units, alpha.coders) == (len(tokens(TEXT)[0]), 2)
    assert _fig(figures, "Claim", "f1_exact").value is None


def test_it_needs_two_coders_on_a_unit():
    figures = compute([ArticleCoding(TEXT, {"alice": [_span("Hamas", "Source")]})])
    alpha = _fig(figures, "Source", "alpha")
    assert (alpha.value, alpha.units, alpha.coders) == (None, 0, 0)
    assert not [f for f in figures if f.measure == "kappa"]


def test_it_gives_one_for_identical_layers():
    layer = [
        _span("Hamas", "Source", {"identification": "named"}),
        _span("1,200 people were killed", "Claim"),
    ]
    figures = compute([ArticleCoding(TEXT, {"alice": layer, "bob": list(layer)})])
    for label in ("Source", "Claim", ALL):
        assert _fig(figures, label, "alpha").value == pytest.approx(1.0)
        assert _fig(figures, label, "kappa", pair=("alice", "bob")).value == pytest.approx(1.0)
    assert _fig(figures, "Claim", "f1_exact").value == 1.0
    assert _fig(figures, "Source", "f1_overlap").value == 1.0
    attr = _fig(figures, "Source", "attribute_agreement", attribute="identification")
    assert (attr.value, attr.units, attr.coders) == (1.0, 1, 2)
    alpha = _fig(figures, "Claim", "alpha")
    assert (alpha.units, alpha.coders) == (len(tokens(TEXT)[0]), 2)


def test_it_gives_minus_a_half_and_minus_one_when_all_disagree():
    text = "one two"
    figures = compute(
        [
            ArticleCoding(
                text,
                {"alice": [(0, 3, "Claim", {})], "bob": [(4, 7, "Claim", {})]},
            )
        ]
    )
    # Worked by hand: coincidences o01 = o10 = 2, n = 4, n0 = n1 = 2;
    # alpha = 1 - (n - 1) * 4 / (16 - 8) = -0.5. Kappa: p_o = 0, p_e = 0.5 → -1.
    assert _fig(figures, "Claim", "alpha").value == pytest.approx(-0.5)
    assert _fig(figures, "Claim", "kappa", pair=("alice", "bob")).value == pytest.approx(-1.0)
    assert _fig(figures, "Claim", "f1_exact").value == 0.0
    assert _fig(figures, "Claim", "f1_overlap").value == 0.0


def test_it_treats_a_coder_missing_from_an_article_as_missing_data():
    one = ArticleCoding("a b c", {"alice": [(0, 1, "Claim")], "bob": [(0, 1, "Claim")]})
    two = ArticleCoding(
        "d e f",
        {"alice": [(0, 1, "Claim")], "bob": [(0, 1, "Claim")], "charlie": [(2, 3, "Claim")]},
    )
    figures = compute([one, two])
    alpha = _fig(figures, "Claim", "alpha")
    # alice, bob, charlie × 6 tokens, charlie missing on the first three.
    data = [
        [1, 0, 0, 1, 0, 0],
        [1, 0, 0, 1, 0, 0],
        [np.nan, np.nan, np.nan, 0, 1, 0],
    ]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert alpha.value == pytest.approx(expected)
    assert (alpha.units, alpha.coders) == (6, 3)
    # Kappa of alice and charlie rests on the second article only.
    assert _fig(figures, "Claim", "kappa", pair=("alice", "charlie")).units == 3
    assert _fig(figures, "Claim", "kappa", pair=("alice", "bob")).units == 6


def test_it_keeps_nested_and_overlapping_tags_of_different_labels_apart():
    claim = _span("1,200 people were killed in the attack", "Claim")
    framing = _span("were killed", "Framing")
    other_framing = _span("killed in the", "Framing")
    figures = compute(
        [ArticleCoding(TEXT, {"alice": [claim, framing], "bob": [claim, other_framing, framing]})]
    )
    assert _fig(figures, "Claim", "alpha").value == pytest.approx(1.0)
    assert _fig(figures, "Claim", "f1_exact").value == 1.0
    framing_alpha = _fig(figures, "Framing", "alpha").value
    assert framing_alpha is not None and framing_alpha < 1.0
    # Two of bob's framing tags overlap alice's one; only one can match it.
    assert _fig(figures, "Framing", "f1_overlap").value == pytest.approx(2 * 1 / 3)
    assert _fig(figures, "Framing", "f1_exact").value == pytest.approx(2 * 1 / 3)


def test_it_counts_an_overlap_match_that_is_not_exact():
    figures = compute(
        [
            ArticleCoding(
                TEXT,
                {
                    "alice": [_span("1,200 people were killed", "Claim", {"type": "number"})],
                    "bob": [_span("1,200 people", "Claim", {"type": "event"})],
                },
            )
        ]
    )
    assert _fig(figures, "Claim", "f1_exact").value == 0.0
    assert _fig(figures, "Claim", "f1_overlap").value == 1.0
    agreement = _fig(figures, "Claim", "attribute_agreement", attribute="type")
    assert (agreement.value, agreement.units) == (0.0, 1)


def test_it_compares_claim_to_source_links():
    source, claim = (0, 5), (27, 51)
    figures = compute(
        [
            ArticleCoding(
                TEXT,
                {"alice": [], "bob": [], "charlie": []},
                links={
                    "alice": [(claim, source)],
                    "bob": [((27, 39), source)],
                    "charlie": [(claim, (14, 21))],
                },
            )
        ]
    )
    assert _fig(figures, ALL, "link_f1", pair=("alice", "bob")).value == 1.0
    assert _fig(figures, ALL, "link_f1", pair=("alice", "charlie")).value == 0.0
    pooled = _fig(figures, ALL, "link_f1")
    assert (pooled.value, pooled.units, pooled.coders) == (pytest.approx(2 / 6), 6, 3)


def test_it_computes_kappa_like_the_textbook():
    # 2×2 table: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → kappa 0.4.
    a = [1] * 25 + [0] * 25
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert kappa(a, b) == pytest.approx(0.4)


@pytest.mark.parametrize("seed", range(5))
def test_it_agrees_with_the_krippendorff_package_on_random_data(seed):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(60)]
    coders = ["alice", "bob", "charlie", "dana"]
    articles, data = [], {c: [] for c in coders}
    for _ in range(6):
        text = " ".join(rng.sample(words, 40))
        spans = [m.span() for m in re.finditer(r"\w+", text)]
        layers = {}
        for coder in coders:
            if rng.random() < 0.25:
                continue  # this coder did not code the article
            tags = []
            for _ in range(rng.randint(0, 6)):
                i = rng.randrange(len(spans))
                j = min(len(spans) - 1, i + rng.randint(0, 4))
                tags.append((spans[i][0], spans[j][1], "Claim", {}))
            layers[coder] = tags
        articles.append(ArticleCoding(text, layers))
        for coder in coders:
            for s, e in spans:
                if coder not in layers:
                    data[coder].append(np.nan)
                else:
                    data[coder].append(int(any(ts < e and te > s for ts, te, *_ in layers[coder])))
    expected = krippendorff.alpha(
        reliability_data=[data[c] for c in coders], level_of_measurement="nominal"
    )
    got = _fig(compute(articles, labels=["Claim"]), "Claim", "alpha").value
    assert got == pytest.approx(expected, abs=1e-9)


def test_it_computes_nominal_alpha_with_more_than_two_values_like_the_package():
    rng = random.Random(7)
    data = [[rng.choice(["a", "b", "c", None]) for _ in range(50)] for _ in range(3)]
    numeric = [[np.nan if v is None else "abc".index(v) for v in row] for row in data]
    expected = krippendorff.alpha(reliability_data=numeric, level_of_measurement="nominal")
    assert alpha_nominal(data)[0] == pytest.approx(expected)


def test_it_computes_200_articles_of_3_coders_with_50_tags_each_in_2_seconds():
    rng = random.Random(1)
    vocabulary = [f"word{i}" for i in range(500)]
    labels = ["Claim", "Source", "Framing"]
    articles = []
    for n in range(200):
        text = " ".join(rng.choice(vocabulary) for _ in range(700))
        spans = [m.span() for m in re.finditer(r"\w+", text)]
        layers = {}
        for coder in ("alice", "bob", "charlie"):
            tags = []
            for _ in range(50):
                i = rng.randrange(len(spans) - 8)
                tags.append(
                    (spans[i][0], spans[i + rng.randint(0, 7)][1], rng.choice(labels), {"x": "1"})
                )
            layers[coder] = tags
        links = {c: [((0, 5), (10, 15))] for c in layers}
        articles.append(ArticleCoding(text, layers, links=links, key=n))
    began = time.perf_counter()
    figures = compute(articles)
    elapsed = time.perf_counter() - began
    print(f"\nagreement: 200 articles × 3 coders × 50 tags in {elapsed:.2f} s (target ≤ 2 s)")
    assert elapsed <= 2.0
    assert _fig(figures, ALL, "alpha").coders == 3


def test_it_gives_each_articles_alpha_as_if_computed_alone():
    one = ArticleCoding("a b c", {"alice": [(0, 1, "Claim")], "bob": [(0, 1, "Claim")]}, key=1)
    two = ArticleCoding("d e f", {"alice": [(0, 1, "Claim")], "bob": [(2, 3, "Claim")]}, key=2)
    found = {}
    compute([one, two], labels=["Claim"], per_article=found)
    for coding in (one, two):
        alone = _fig(compute([coding], labels=["Claim"]), ALL, "alpha")
        assert found[coding.key] == alone
    assert found[1].value == pytest.approx(1.0) and found[2].value < 0


def _random_project(seed: int) -> tuple[list[ArticleCoding], list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(60)]
    labels = ["Claim", "Source", "Framing"]
    articles = []
    for key in range(10):
        text = " ".join(rng.sample(words, 40))
        spans = [m.span() for m in re.finditer(r"\w+", text)]
        layers, links = {}, {}
        for coder in ("alice", "bob", "charlie", "dana"):
            if rng.random() < 0.25:
                continue  # this coder did not code the article
            tags = {}
            for _ in range(rng.randint(0, 8)):
                i = rng.randrange(len(spans))
                j = min(len(spans) - 1, i + rng.randint(0, 4))
                values = {"tone": rng.choice("ab")} if rng.random() < 0.5 else {}
                tags[(spans[i][0], spans[j][1], rng.choice(labels))] = values
            layers[coder] = [(s, e, label, values) for (s, e, label), values in tags.items()]
            if rng.random() < 0.5:
                links[coder] = [(spans[0], spans[rng.randrange(len(spans))])]
        articles.append(ArticleCoding(text, layers, links=links, key=key))
    return articles, labels


def _token_values(article: ArticleCoding, label: str) -> dict[str, np.ndarray]:
    starts, ends = tokens(article.text)
    return {
        coder: np.array(
            [
                int(any(ts < e and te > s and tl == label for ts, te, tl, _ in tags))
                for s, e in zip(starts, ends, strict=True)
            ]
        )
        for coder, tags in article.layers.items()
    }


@pytest.mark.parametrize("seed", range(8))
def test_it_combines_cached_articles_into_the_figures_computed_from_scratch(seed):
    articles, labels = _random_project(seed)
    # Each article's pieces as the cache gives them back (pickled), combined in any order.
    cached = [pickle.loads(pickle.dumps(article_pieces(a, labels=labels))) for a in articles]
    random.Random(seed).shuffle(cached)
    combined = combine(cached, labels=labels)
    scratch = compute(articles, labels=labels)
    assert [(f.label, f.measure, f.pair, f.attribute, f.units, f.coders) for f in combined] == [
        (f.label, f.measure, f.pair, f.attribute, f.units, f.coders) for f in scratch
    ]
    for got, want in zip(combined, scratch, strict=True):
        assert got.value == pytest.approx(want.value, abs=1e-12), (got, want)
    # Alpha and kappa also against the textbook formulas over every token at once.
    tables = {label: [] for label in labels}
    pairs = {}
    for article in articles:
        for label in labels:
            values = _token_values(article, label)
            if len(values) >= 1:
                ones = sum(values.values())
                tables[label].append(np.column_stack([len(values) - ones, ones]))
            for a, b in combinations(sorted(values), 2):
                pairs.setdefault((a, b), {}).setdefault(label, []).append((values[a], values[b]))
    for label in [*labels, ALL]:
        stacked = np.vstack(tables[label] if label != ALL else sum(tables.values(), []))
        value, units = alpha_from_counts(stacked)
        figure = _fig(combined, label, "alpha")
        assert figure.units == units
        assert figure.value == pytest.approx(value, abs=1e-12)
    for pair, by_label in pairs.items():
        for label, chunks in by_label.items():
            xa = np.concatenate([x for x, _ in chunks])
            xb = np.concatenate([y for _, y in chunks])
            assert _fig(combined, label, "kappa", pair=pair).value == pytest.approx(
                kappa(xa, xb), abs=1e-12
            )
