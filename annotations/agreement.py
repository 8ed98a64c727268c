"""Inter-coder agreement. Pure functions over plain data, no Django.

Input, per article: its text and, per coder who coded it, a list of tags
``(start, end, label, attributes)`` (code-point offsets, half-open) and optionally the
coder's claim→source links as ``((claim_start, claim_end), (source_start, source_end))``.
A coder missing from an article's layers did not code it (missing data); a coder present
with no tags coded it and found nothing.

Units of the token measures: the article's word tokens, maximal runs of letters and
digits (``[^\\W_]+``). Per label, a coder's value for a token is 1 when a tag of that label
covers (overlaps) the token, else 0. Tags of different labels are separate questions, so
nested and overlapping tags of different labels never interfere.

Measures (each figure says how many units and coders it rests on):

- ``alpha``: Krippendorff's alpha, nominal, any number of coders, missing data allowed;
  per label and overall (the label units pooled).
- ``kappa``: Cohen's kappa for each pair of coders, over the tokens both coded.
- ``f1_exact`` / ``f1_overlap``: span F1 between each pair of coders, pooled over the
  articles both coded; exact = same start, end and label; overlap = same label and
  overlapping spans, matched one to one (largest overlap first). Units = spans.
- ``attribute_alpha`` / ``attribute_agreement``: on the attribute values of spans
  matched by overlap, per label and attribute: alpha over matched pairs (each pair a unit
  of two values) and the share of pairs with equal values.
- ``link_f1``: claim→source links, a link of one coder matching one of another when both
  the claim spans and the source spans overlap. Units = links.

A figure whose value cannot be computed (no variation at all, fewer than two coders on
any unit) has ``value`` None rather than a made-up number.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations

import numpy as np

TOKEN = re.compile(r"[^\W_]+")
ALL = "(all)"

MEASURES = (
    "alpha",
    "kappa",
    "f1_exact",
    "f1_overlap",
    "attribute_alpha",
    "attribute_agreement",
    "link_f1",
)


@dataclass(frozen=True)
class Tag:
    start: int
    end: int
    label: str
    attributes: Mapping = field(default_factory=dict)


Span = tuple[int, int]
Link = tuple[Span, Span]


@dataclass
class ArticleCoding:
    """One article as coded: the text, each coder's tags and each coder's links."""

    text: str
    layers: Mapping[str, Sequence]  # coder -> tags, as Tag or (start, end, label, attrs)
    links: Mapping[str, Sequence[Link]] = field(default_factory=dict)
    key: object = None  # the article's id, carried into per-article results


@dataclass(frozen=True)
class Figure:
    label: str
    measure: str
    value: float | None
    units: int
    coders: int
    pair: tuple[str, str] | None = None
    attribute: str | None = None

    def as_dict(self) -> dict:
        row = asdict(self)
        row["pair"] = list(self.pair) if self.pair else None
        return row


def tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the text's word tokens."""
    spans = [m.span() for m in TOKEN.finditer(text)]
    if not spans:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(spans, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def _tag(raw) -> Tag:
    if isinstance(raw, Tag):
        return raw
    start, end, label, *rest = raw
    return Tag(int(start), int(end), str(label), rest[0] if rest and rest[0] else {})


def _coverage(starts: np.ndarray, ends: np.ndarray, tags: Iterable[Tag], label: str):
    """0/1 per token: does a tag of this label overlap it?"""
    marks = np.zeros(len(starts) + 1, dtype=np.int32)
    for tag in tags:
        if tag.label != label:
            continue
        first = np.searchsorted(ends, tag.start, side="right")  # first token ending after start
        last = np.searchsorted(starts, tag.end, side="left")  # tokens starting before end
        if first < last:
            marks[first] += 1
            marks[last] -= 1
    return (np.cumsum(marks[:-1]) > 0).astype(np.int8)


def alpha_from_counts(counts: np.ndarray) -> tuple[float | None, int]:
    """Nominal Krippendorff's alpha from a units × values table of how many coders chose
    each value. Returns (alpha, pairable units). Units with fewer than two values drop out."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.size == 0:
        return None, 0
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    units = int(keep.sum())
    if units == 0:
        return None, 0
    w = 1.0 / (m - 1.0)
    # Coincidence matrix: o_ck = sum_u n_uc (n_uk - [c == k]) / (m_u - 1).
    coincidence = (counts * w[:, None]).T @ counts - np.diag((counts * w[:, None]).sum(axis=0))
    n_c = coincidence.sum(axis=0)
    n = n_c.sum()
    expected = n * n - float((n_c * n_c).sum())
    if expected <= 0:
        return None, units
    observed = n - float(np.trace(coincidence))
    return 1.0 - (n - 1.0) * observed / expected, units


def alpha_nominal(data: Sequence[Sequence]) -> tuple[float | None, int]:
    """Alpha from a coders × units table of values, None where a coder gave none."""
    values = sorted({v for row in data for v in row if v is not None}, key=repr)
    index = {v: i for i, v in enumerate(values)}
    n_units = max((len(row) for row in data), default=0)
    counts = np.zeros((n_units, len(values)))
    for row in data:
        for u, v in enumerate(row):
            if v is not None:
                counts[u, index[v]] += 1
    return alpha_from_counts(counts)


def kappa(a: Sequence, b: Sequence) -> float | None:
    """Cohen's kappa of two coders' values on the same units."""
    if len(a) != len(b) or not len(a):
        return None
    a, b = np.asarray(a), np.asarray(b)
    values = np.union1d(a, b)
    p_o = float((a == b).mean())
    p_e = float(sum((a == v).mean() * (b == v).mean() for v in values))
    if p_e >= 1.0:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def _overlap(a: Span, b: Span) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def match_spans(a: Sequence[Tag], b: Sequence[Tag]) -> list[tuple[Tag, Tag]]:
    """One-to-one pairs of overlapping tags with the same label: exact matches first, then
    the largest overlaps (greedy)."""
    pairs = []
    for label in {t.label for t in a} & {t.label for t in b}:
        ia = [i for i, t in enumerate(a) if t.label == label]
        ib = [j for j, t in enumerate(b) if t.label == label]
        sa = np.fromiter((a[i].start for i in ia), np.int64, len(ia))
        ea = np.fromiter((a[i].end for i in ia), np.int64, len(ia))
        sb = np.fromiter((b[j].start for j in ib), np.int64, len(ib))
        eb = np.fromiter((b[j].end for j in ib), np.int64, len(ib))
        size = np.minimum.outer(ea, eb) - np.maximum.outer(sa, sb)
        exact = (sa[:, None] == sb[None, :]) & (ea[:, None] == eb[None, :])
        rows, cols = np.nonzero(size > 0)
        if not len(rows):
            continue
        order = np.lexsort((cols, rows, -size[rows, cols], ~exact[rows, cols]))
        used_a, used_b = set(), set()
        for k in order:
            i, j = int(rows[k]), int(cols[k])
            if i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                pairs.append((a[ia[i]], b[ib[j]]))
    return pairs


def _f1(matched: int, total: int) -> float | None:
    return 2.0 * matched / total if total else None


def _links_matched(a: Sequence[Link], b: Sequence[Link]) -> int:
    used, matched = set(), 0
    for la in a:
        for j, lb in enumerate(b):
            if j not in used and _overlap(la[0], lb[0]) > 0 and _overlap(la[1], lb[1]) > 0:
                used.add(j)
                matched += 1
                break
    return matched


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def _pairs(coders) -> list[tuple[str, str]]:
    return list(combinations(sorted(coders, key=str), 2))


@dataclass
class ArticlePieces:
    """What one article adds to every figure, in sums that add up across articles: per
    label the token coincidence matrix (Krippendorff's alpha of several articles is the
    alpha of their summed coincidence matrices), per pair of coders and label the 2 × 2
    table of token values (kappa), span and link match counts, and the attribute value
    pairs of matched spans. Plain data: it is cached per article and combined."""

    key: object
    labels: tuple[str, ...]
    coders: tuple[str, ...]  # everyone with a layer on the article
    token_coders: tuple[str, ...] = ()  # the same when the article has tokens and two coders
    coincidence: dict = field(default_factory=dict)  # label -> ((o00, o01), (o10, o11)), units
    confusion: dict = field(default_factory=dict)  # (pair, label) -> (n00, n01, n10, n11)
    spans: dict = field(default_factory=dict)  # (label, pair) -> (exact, overlap, total)
    attributes: dict = field(default_factory=dict)  # (label, attribute) -> [(x, y), ...]
    attribute_coders: dict = field(default_factory=dict)  # (label, attribute) -> coders
    links: dict = field(default_factory=dict)  # pair -> (matched, total)
    overall: Figure | None = None  # the article's own alpha over all its labels


def _binary_coincidence(ones: np.ndarray, coders: int) -> tuple[tuple, int]:
    """Coincidence matrix of 0/1 values on tokens each coded by all ``coders``, ``ones``
    of whom said 1: o_ck = sum_u n_uc (n_uk - [c == k]) / (m_u - 1)."""
    if coders < 2 or not len(ones):
        return ((0.0, 0.0), (0.0, 0.0)), 0
    zeros = coders - ones
    w = 1.0 / (coders - 1.0)
    o00 = float((zeros * (zeros - 1)).sum()) * w
    o11 = float((ones * (ones - 1)).sum()) * w
    o01 = float((zeros * ones).sum()) * w
    return ((o00, o01), (o01, o11)), len(ones)


def alpha_from_coincidence(matrix, units: int) -> float | None:
    o = np.asarray(matrix, dtype=np.float64)
    if units == 0 or o.size == 0:
        return None
    n_c = o.sum(axis=0)
    n = n_c.sum()
    expected = n * n - float((n_c * n_c).sum())
    if expected <= 0:
        return None
    observed = n - float(np.trace(o))
    return 1.0 - (n - 1.0) * observed / expected


def _add(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _add2(a: tuple, b: tuple) -> tuple:
    return tuple(_add(x, y) for x, y in zip(a, b, strict=True))


ZERO2 = ((0.0, 0.0), (0.0, 0.0))


def kappa_from_table(n00: int, n01: int, n10: int, n11: int) -> float | None:
    """Cohen's kappa from the 2 × 2 table of two coders' 0/1 values (first coder's value
    first): the same as ``kappa`` over the values themselves."""
    total = n00 + n01 + n10 + n11
    if not total:
        return None
    p_o = (n00 + n11) / total
    a0, a1, b0, b1 = (
        (n00 + n01) / total,
        (n10 + n11) / total,
        (n00 + n10) / total,
        (n01 + n11) / total,
    )
    p_e = a0 * b0 + a1 * b1
    if p_e >= 1.0:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def article_pieces(article: ArticleCoding, *, labels: Sequence[str]) -> ArticlePieces:
    """One article's share of every figure (see ArticlePieces)."""
    layers = {c: [_tag(t) for t in tags] for c, tags in article.layers.items()}
    coders = tuple(sorted(layers, key=str))
    pairs = _pairs(coders)
    pieces = ArticlePieces(article.key, tuple(labels), coders)
    starts, ends = tokens(article.text)
    if layers and len(starts):
        if len(layers) >= 2:
            pieces.token_coders = coders
        total, units = ZERO2, 0
        for label in labels:
            cover = {c: _coverage(starts, ends, tags, label) for c, tags in layers.items()}
            ones = np.sum(list(cover.values()), axis=0, dtype=np.int64)
            matrix, units = _binary_coincidence(ones, len(layers))
            pieces.coincidence[label] = (matrix, units)
            total = _add2(total, matrix)
            for a, b in pairs:
                cell = np.bincount(cover[a] * 2 + cover[b], minlength=4)
                pieces.confusion[((a, b), label)] = tuple(int(x) for x in cell)
        if labels:
            units *= len(labels)
            value = alpha_from_coincidence(total, units)
            pieces.overall = Figure(ALL, "alpha", value, units, len(layers) if units else 0)
    for a, b in pairs:
        for label in labels:
            ta = [t for t in layers[a] if t.label == label]
            tb = [t for t in layers[b] if t.label == label]
            exact = len({(t.start, t.end) for t in ta} & {(t.start, t.end) for t in tb})
            matched = match_spans(ta, tb)
            pieces.spans[(label, (a, b))] = (exact, len(matched), len(ta) + len(tb))
            for x, y in matched:
                for name in sorted(set(x.attributes) | set(y.attributes)):
                    key = (label, name)
                    pieces.attributes.setdefault(key, []).append(
                        (_hashable(x.attributes.get(name)), _hashable(y.attributes.get(name)))
                    )
                    pieces.attribute_coders.setdefault(key, set()).update((a, b))
        la, lb = article.links.get(a, ()), article.links.get(b, ())
        pieces.links[(a, b)] = (_links_matched(la, lb), len(la) + len(lb))
    return pieces


def combine(
    all_pieces: Iterable[ArticlePieces], *, labels: Sequence[str], only_alpha: bool = False
) -> list[Figure]:
    """Every figure, per label and overall, from the articles' pieces (their sums)."""
    all_pieces = list(all_pieces)
    coders = sorted({c for p in all_pieces for c in p.coders}, key=str)
    pairs = _pairs(coders)
    figures: list[Figure] = []

    token_coders = {c for p in all_pieces for c in p.token_coders}
    pooled, pooled_units, any_tables = ZERO2, 0, False
    for label in labels:
        matrix, units, tables = ZERO2, 0, False
        for p in all_pieces:
            if label in p.coincidence:
                tables = True
                m, u = p.coincidence[label]
                matrix, units = _add2(matrix, m), units + u
        value = alpha_from_coincidence(matrix, units) if tables else None
        figures.append(Figure(label, "alpha", value, units, len(token_coders) if units else 0))
        pooled, pooled_units = _add2(pooled, matrix), pooled_units + units
        any_tables = any_tables or tables
    value = alpha_from_coincidence(pooled, pooled_units) if any_tables else None
    n = len(token_coders) if labels and pooled_units else 0
    figures.append(Figure(ALL, "alpha", value, pooled_units, n))
    if only_alpha:
        return figures

    tables: dict = {}
    for p in all_pieces:
        for key, table in p.confusion.items():
            tables[key] = _add(tables[key], table) if key in tables else table
    for pair in pairs:
        pooled = (0, 0, 0, 0)
        for label in labels:
            table = tables.get((pair, label), (0, 0, 0, 0))
            pooled = _add(pooled, table)
            units = sum(table)
            figures.append(
                Figure(
                    label, "kappa", kappa_from_table(*table), units, 2 if units else 0, pair=pair
                )
            )
        units = sum(pooled)
        figures.append(
            Figure(ALL, "kappa", kappa_from_table(*pooled), units, 2 if units else 0, pair=pair)
        )

    spans: dict = {}
    for p in all_pieces:
        for key, row in p.spans.items():
            spans[key] = _add(spans[key], row) if key in spans else row
    for label in labels:
        pooled = (0, 0, 0)
        for pair in pairs:
            row = spans.get((label, pair), (0, 0, 0))
            exact, overlap, total = row
            pooled = _add(pooled, row)
            n = 2 if total else 0
            figures.append(Figure(label, "f1_exact", _f1(exact, total), total, n, pair=pair))
            figures.append(Figure(label, "f1_overlap", _f1(overlap, total), total, n, pair=pair))
        n = len(coders) if pooled[2] else 0
        figures.append(Figure(label, "f1_exact", _f1(pooled[0], pooled[2]), pooled[2], n))
        figures.append(Figure(label, "f1_overlap", _f1(pooled[1], pooled[2]), pooled[2], n))

    attribute_pairs: dict[tuple[str, str], list[tuple]] = {}
    attribute_coders: dict[tuple[str, str], set] = {}
    for p in all_pieces:
        for key, values in p.attributes.items():
            attribute_pairs.setdefault(key, []).extend(values)
            attribute_coders.setdefault(key, set()).update(p.attribute_coders[key])
    for (label, name), values in sorted(attribute_pairs.items()):
        n = len(attribute_coders[(label, name)])
        value, units = alpha_nominal([[x for x, _ in values], [y for _, y in values]])
        figures.append(Figure(label, "attribute_alpha", value, units, n, attribute=name))
        same = sum(1 for x, y in values if x == y) / len(values)
        figures.append(Figure(label, "attribute_agreement", same, len(values), n, attribute=name))

    links: dict = {}
    for p in all_pieces:
        for pair, row in p.links.items():
            links[pair] = _add(links[pair], row) if pair in links else row
    pooled = (0, 0)
    for pair in pairs:
        row = links.get(pair, (0, 0))
        matched, total = row
        pooled = _add(pooled, row)
        figures.append(
            Figure(ALL, "link_f1", _f1(matched, total), total, 2 if total else 0, pair=pair)
        )
    figures.append(Figure(ALL, "link_f1", _f1(*pooled), pooled[1], len(coders) if pooled[1] else 0))
    return figures


def compute(
    articles: Iterable[ArticleCoding],
    *,
    labels: Sequence[str] | None = None,
    only_alpha: bool = False,
    per_article: dict | None = None,
) -> list[Figure]:
    """Every figure for a set of articles, per label and overall (or alpha only): each
    article's pieces, combined.

    With a ``per_article`` dict, it also receives each article's overall alpha (as a
    Figure, by the article's key), from the same token tables at no extra cost.
    """
    articles = list(articles)
    if labels is None:
        labels = sorted(
            {_tag(t).label for a in articles for tags in a.layers.values() for t in tags}
        )
    all_pieces = [article_pieces(a, labels=labels) for a in articles]
    if per_article is not None:
        for p in all_pieces:
            if p.overall is not None:
                per_article[p.key] = p.overall
    return combine(all_pieces, labels=labels, only_alpha=only_alpha)


def _hashable(value):
    if isinstance(value, list):
        return tuple(sorted(map(str, value)))
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value


def article_alphas(articles: Iterable[ArticleCoding], *, labels=None) -> dict[object, float | None]:
    """Overall token alpha of each article on its own (to rank disagreements)."""
    result = {}
    for article in articles:
        figure = next(
            f for f in compute([article], labels=labels, only_alpha=True) if f.label == ALL
        )
        result[article.key] = figure.value
    return result
