"""The "each article to N annotators" draw: pure, no Django (issue 12, item 3).

Balanced: articles are taken in a seeded random order and each goes to the N annotators
with the fewest articles so far (ties broken by a seeded shuffle), so that, starting from
no assignments, any two annotators' loads differ by at most one. Nobody gets an article
twice: pairs already assigned are kept and count toward both the article's N and the
annotator's load. The same inputs and seed give the same draw.
"""

import random
from collections import Counter
from collections.abc import Iterable


class DrawError(ValueError):
    """A draw that cannot be made; the message is meant for the manager."""


def draw(
    *,
    articles: Iterable[int],
    annotators: Iterable[int],
    per_article: int,
    seed: int,
    existing: Iterable[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """The new (article, annotator) pairs that bring every article to ``per_article``
    annotators, in the order drawn."""
    articles, annotators = sorted(set(articles)), sorted(set(annotators))
    if per_article < 1:
        raise DrawError("Give each article to at least one annotator.")
    if per_article > len(annotators):
        raise DrawError(
            f"Each article to {per_article} annotators needs at least {per_article}; "
            f"the project has {len(annotators)}."
        )
    taken = {pair for pair in existing if pair[1] in set(annotators)}
    load = Counter(user for _, user in taken)
    have = Counter(article for article, _ in taken)
    rng = random.Random(seed)
    order = articles[:]
    rng.shuffle(order)
    pairs = []
    for article in order:
        candidates = [user for user in annotators if (article, user) not in taken]
        rng.shuffle(candidates)
        candidates.sort(key=lambda user: load[user])  # stable: the shuffle breaks ties
        for user in candidates[: max(per_article - have[article], 0)]:
            pairs.append((article, user))
            taken.add((article, user))
            load[user] += 1
    return pairs
