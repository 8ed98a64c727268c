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


def compute(
    articles: Iterable[ArticleCoding],
    *,
    labels: Sequence[str] | None = None,
    only_alpha: bool = False,
    per_article: dict | None = None,
) -> list[Figure]:
    """Every figure for a set of articles, per label and overall (or alpha only).

    With a ``per_article`` dict, it also receives each article's overall alpha (as a
    Figure, by the article's key), from the same token tables at no extra cost.
    """
    articles = [a for a in articles]
    parsed = [{c: [_tag(t) for t in tags] for c, tags in a.layers.items()} for a in articles]
    if labels is None:
        labels = sorted({t.label for layers in parsed for tags in layers.values() for t in tags})
    coders = sorted({c for layers in parsed for c in layers}, key=str)
    pairs = list(combinations(coders, 2))
    figures: list[Figure] = []

    # Token values: per label, a counts table (units × {0, 1}) for alpha, and each coder's
    # values with a unit index so that pairs can be lined up for kappa.
    label_counts: dict[str, list[np.ndarray]] = {label: [] for label in labels}
    label_values: dict[str, dict[str, list[tuple[int, np.ndarray]]]] = {
        label: {c: [] for c in coders} for label in labels
    }
    article_coders: dict[str, set] = {label: set() for label in labels}
    for number, (article, layers) in enumerate(zip(articles, parsed, strict=True)):
        starts, ends = tokens(article.text)
        if len(layers) == 0 or len(starts) == 0:
            continue
        tables = []
        for label in labels:
            ones = np.zeros(len(starts))
            for coder, tags in layers.items():
                cover = _coverage(starts, ends, tags, label)
                ones += cover
                label_values[label][coder].append((number, cover))
            if len(layers) >= 2:
                article_coders[label].update(layers)
            label_counts[label].append(np.column_stack([len(layers) - ones, ones]))
            tables.append(label_counts[label][-1])
        if per_article is not None and tables:
            value, units = alpha_from_counts(np.vstack(tables))
            per_article[article.key] = Figure(
                ALL, "alpha", value, units, len(layers) if units else 0
            )

    def token_figures(label: str, tables: list[np.ndarray], n_coders: int):
        if tables:
            value, units = alpha_from_counts(np.vstack(tables))
        else:
            value, units = None, 0
        figures.append(Figure(label, "alpha", value, units, n_coders if units else 0))

    all_tables: list[np.ndarray] = []
    for label in labels:
        token_figures(label, label_counts[label], len(article_coders[label]))
        all_tables.extend(label_counts[label])
    token_figures(ALL, all_tables, len(set().union(*article_coders.values())) if labels else 0)
    if only_alpha:
        return figures

    # Cohen's kappa per pair: the tokens both coded, per label and pooled over labels.
    for a, b in pairs:
        pooled_a, pooled_b = [], []
        for label in labels:
            va = dict(label_values[label][a])
            vb = dict(label_values[label][b])
            both = sorted(set(va) & set(vb))
            xa = np.concatenate([va[k] for k in both]) if both else np.zeros(0)
            xb = np.concatenate([vb[k] for k in both]) if both else np.zeros(0)
            pooled_a.append(xa)
            pooled_b.append(xb)
            figures.append(
                Figure(label, "kappa", kappa(xa, xb), len(xa), 2 if len(xa) else 0, pair=(a, b))
            )
        xa = np.concatenate(pooled_a) if pooled_a else np.zeros(0)
        xb = np.concatenate(pooled_b) if pooled_b else np.zeros(0)
        figures.append(
            Figure(ALL, "kappa", kappa(xa, xb), len(xa), 2 if len(xa) else 0, pair=(a, b))
        )

    # Spans, attributes and links: pairwise over the articles both coders coded.
    span_totals: dict[tuple, list[int]] = {}  # (label, pair) -> [exact, overlap, total]
    attribute_pairs: dict[tuple[str, str], list[tuple]] = {}  # (label, attr) -> value pairs
    attribute_coders: dict[tuple[str, str], set] = {}
    link_totals: dict[tuple, list[int]] = {}  # pair -> [matched, total]
    for article, layers in zip(articles, parsed, strict=True):
        for a, b in pairs:
            if a not in layers or b not in layers:
                continue
            for label in labels:
                ta = [t for t in layers[a] if t.label == label]
                tb = [t for t in layers[b] if t.label == label]
                exact = len({(t.start, t.end) for t in ta} & {(t.start, t.end) for t in tb})
                matched = match_spans(ta, tb)
                row = span_totals.setdefault((label, (a, b)), [0, 0, 0])
                row[0] += exact
                row[1] += len(matched)
                row[2] += len(ta) + len(tb)
                for x, y in matched:
                    for name in sorted(set(x.attributes) | set(y.attributes)):
                        key = (label, name)
                        attribute_pairs.setdefault(key, []).append(
                            (_hashable(x.attributes.get(name)), _hashable(y.attributes.get(name)))
                        )
                        attribute_coders.setdefault(key, set()).update((a, b))
            la, lb = article.links.get(a, ()), article.links.get(b, ())
            row = link_totals.setdefault((a, b), [0, 0])
            row[0] += _links_matched(la, lb)
            row[1] += len(la) + len(lb)

    for label in labels:
        pooled = [0, 0, 0]
        for pair in pairs:
            exact, overlap, total = span_totals.get((label, pair), [0, 0, 0])
            pooled = [pooled[0] + exact, pooled[1] + overlap, pooled[2] + total]
            n = 2 if total else 0
            figures.append(Figure(label, "f1_exact", _f1(exact, total), total, n, pair=pair))
            figures.append(Figure(label, "f1_overlap", _f1(overlap, total), total, n, pair=pair))
        n = len(coders) if pooled[2] else 0
        figures.append(Figure(label, "f1_exact", _f1(pooled[0], pooled[2]), pooled[2], n))
        figures.append(Figure(label, "f1_overlap", _f1(pooled[1], pooled[2]), pooled[2], n))

    for (label, name), values in sorted(attribute_pairs.items()):
        n = len(attribute_coders[(label, name)])
        value, units = alpha_nominal([[x for x, _ in values], [y for _, y in values]])
        figures.append(Figure(label, "attribute_alpha", value, units, n, attribute=name))
        same = sum(1 for x, y in values if x == y) / len(values)
        figures.append(Figure(label, "attribute_agreement", same, len(values), n, attribute=name))

    pooled = [0, 0]
    for pair in pairs:
        matched, total = link_totals.get(pair, [0, 0])
        pooled = [pooled[0] + matched, pooled[1] + total]
        figures.append(
            Figure(ALL, "link_f1", _f1(matched, total), total, 2 if total else 0, pair=pair)
        )
    figures.append(Figure(ALL, "link_f1", _f1(*pooled), pooled[1], len(coders) if pooled[1] else 0))
    return figures


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
