"""A small coded corpus written for the learned-suggester tests: fictional towns, people and
events, in the shapes the team codes (a source, what it said, a loaded word)."""

import itertools

PEOPLE = [
    ("Mayor", "Lena Ortiz"), ("Councillor", "Tomas Varga"), ("Inspector", "Ruth Okafor"),
    ("Professor", "Ines Holm"), ("Director", "Piet Lanner"), ("Minister", "Ada Morrow"),
    ("Captain", "Joel Brandt"), ("Doctor", "Mira Castell"),
]  # fmt: skip
THINGS = ["the bridge", "the clinic", "the ferry", "the market", "the school", "the depot"]
OUTCOMES = ["would reopen in May", "would close for a month", "had cost twice the budget",
            "was safe to use again", "would need new funding"]  # fmt: skip
LOADED = ["shambolic", "ruinous", "farcical", "reckless"]
TOWNS = ["Vellmar", "Orsk Bay", "Tannery Hill", "Lowbridge", "Castell Down", "Eastmere"]


def articles(count: int = 24) -> list[tuple[str, list[tuple[str, str]]]]:
    """(text, [(category, quote)...]) per article; each quote occurs once in its text."""
    people = itertools.cycle(PEOPLE)
    out = []
    for n in range(count):
        town = TOWNS[n % len(TOWNS)]
        paragraphs, tags = [], []
        for k in range(3):
            title, name = next(people)
            thing = THINGS[(n + k) % len(THINGS)]
            outcome = OUTCOMES[(n * 3 + k) % len(OUTCOMES)]
            word = LOADED[(n + k) % len(LOADED)]
            source = f"{title} {name}"
            claim = f"{thing} in {town} {outcome}"
            loaded = f"{word} handling"
            paragraphs.append(
                f"{source} said on day {n * 3 + k + 1} that {claim}. "
                f"Residents of {town} criticised the {loaded} of the works."
            )
            tags += [("source", source), ("claim", claim), ("framing", word)]
        out.append(("\n\n".join(paragraphs), tags))
    return out
