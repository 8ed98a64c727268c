"""Suggested tags: attributions from the spaCy parse, framing from a lexicon and quotes.

Pure functions over text (no database): the worker, the ``suggest`` command and the
evaluation all call the same code. A suggestion is only a proposal; it becomes a tag when
an annotator accepts it. Attribute names and values match the news codebook.
"""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.ner import paragraphs

# Verbs (by lemma) that attribute information to whoever is their subject.
CUE_VERBS = frozenset(
    {
        "say", "tell", "report", "announce", "state", "add", "confirm", "deny", "claim", "insist",
        "warn", "note", "explain", "allege", "accuse", "acknowledge", "admit", "assert", "argue",
        "declare", "disclose", "estimate", "predict", "reveal", "stress", "suggest", "write",
        "describe", "call", "quote", "indicate", "maintain",
    }
)  # fmt: skip
# Words in a source phrase that say what kind of source it is. First match wins, so the
# more specific kinds come first. Matched as whole words, ignoring case, except acronyms.
SOURCE_TYPES: list[tuple[str, tuple[str, ...]]] = [
    ("state media", ("state news agency", "state media", "state television", "state tv",
                     "state-run", "state broadcaster", "official news agency")),
    ("security or intelligence", ("security", "intelligence", "police", "spy")),
    ("military", ("army", "military", "soldier", "commander", "troops",
                  "forces", "officer", "colonel")),
    ("diplomat or mediator", ("diplomat", "mediator", "envoy", "ambassador", "negotiator")),
    ("NGO or UN", ("united nations", "UN", "UNICEF", "UNRWA", "NGO", "WHO", "red cross",
                   "red crescent", "amnesty", "human rights watch", "charity", "aid group",
                   "aid agency", "aid workers")),
    ("news agency or other media", ("news agency", "newspaper", "broadcaster", "channel",
                                    "television", "reporter", "journalist", "media",
                                    "agency", "magazine", "reuters", "associated press")),
    ("party or armed group", ("party", "movement", "militia", "militant", "armed group",
                              "faction", "rebel", "insurgent", "hamas", "hezbollah")),
    ("expert", ("analyst", "expert", "professor", "researcher", "economist", "scholar",
                "scientist", "think tank")),
    ("witness or citizen", ("witness", "resident", "citizen", "villager", "survivor",
                            "neighbour", "neighbor", "shopkeeper", "farmer", "parent",
                            "student", "relative", "local")),
    ("document", ("report", "statement", "document", "study", "survey", "memo",
                  "letter", "data", "figures", "filing")),
    ("government or official", ("minister", "ministry", "government", "official",
                                "president", "prime minister", "spokesman", "spokeswoman",
                                "spokesperson", "mayor", "governor", "cabinet", "office",
                                "authority", "authorities", "department", "senator",
                                "lawmaker", "parliament")),
]  # fmt: skip
ANONYMOUS_WORDS = re.compile(
    r"\b(anonymity|anonymous|unnamed|unidentified|declined to be (?:named|identified)|"
    r"not authori[sz]ed to|asked not to be (?:named|identified))\b",
    re.I,
)
ANONYMITY_REASON = re.compile(
    r"\b(requested anonymity|condition of anonymity|not authori[sz]ed to|"
    r"declined to be (?:named|identified)|asked not to be (?:named|identified)|"
    r"for fear of|because (?:he|she|they) (?:was|were) not)\b",
    re.I,
)
DEMONYMS = {
    "american": "United States", "british": "United Kingdom", "chinese": "China",
    "egyptian": "Egypt", "french": "France", "german": "Germany", "iranian": "Iran",
    "iraqi": "Iraq", "israeli": "Israel", "jordanian": "Jordan", "lebanese": "Lebanon",
    "palestinian": "Palestine", "qatari": "Qatar", "russian": "Russia", "saudi": "Saudi Arabia",
    "syrian": "Syria", "turkish": "Turkey", "ukrainian": "Ukraine", "yemeni": "Yemen",
}  # fmt: skip
_PRONOUNS = frozenset(
    {
        "i", "we", "you", "he", "she", "it", "they", "who", "which", "that", "this", "these",
        "those", "one",
    }
)  # fmt: skip
_TRIM = " \t\n,;:—–-\"'“”‘’("


# The order proposed values are shown in (the news codebook's).
ATTRIBUTE_ORDER = [
    "identification",
    "source type",
    "affiliation",
    "reason for anonymity given",
    "cue",
    "device",
]


@dataclass(frozen=True)
class Suggestion:
    category: str
    start: int
    end: int
    quote: str
    attributes: dict = field(default_factory=dict, hash=False, compare=False)
    reason: str = field(default="", compare=False)


@dataclass(frozen=True)
class LexiconEntry:
    expression: str
    device: str


@functools.cache
def load_parser(name: str):
    """The full pipeline (tagger, parser, lemmatiser, NER): only workers and commands."""
    import spacy

    return spacy.load(name)


def suggest(text: str, *, nlp, lexicon: Iterable[LexiconEntry]) -> list[Suggestion]:
    docs = parse(text, nlp)  # once, for both suggesters that read the parse
    found = (
        _attributions_in(docs)
        + _lexicon_matches(text, tuple(lexicon))
        + _scare_quotes(text)
        + _hidden_agency_in(docs)
    )
    return _outermost(sorted(set(found), key=lambda s: (s.start, -s.end, s.category)))


def parse(text: str, nlp) -> list[tuple[int, object]]:
    """Each paragraph's offset and parsed Doc: memory bounded by the longest paragraph."""
    chunks = paragraphs(text)
    return list(zip((o for o, _ in chunks), nlp.pipe(c for _, c in chunks), strict=True))


def _outermost(ordered: list[Suggestion]) -> list[Suggestion]:
    """One suggestion per stretch and category: drop any inside another of its category."""
    kept: list[Suggestion] = []
    reach: dict[str, int] = {}
    for suggestion in ordered:
        if suggestion.end <= reach.get(suggestion.category, -1):
            continue
        kept.append(suggestion)
        reach[suggestion.category] = max(reach.get(suggestion.category, -1), suggestion.end)
    return kept


def attributions(text: str, *, nlp) -> list[Suggestion]:
    """Source phrases: the subject of a cue verb, the object of "according to" / "citing"."""
    return _attributions_in(parse(text, nlp))


def _attributions_in(docs) -> list[Suggestion]:
    found = []
    for offset, doc in docs:
        for token in doc:
            head, cue = _source_head(token)
            if head is None or head.lower_ in _PRONOUNS or head.pos_ == "PRON":
                continue
            start, end = _phrase(head)
            end = _with_speaking_clause(head, end)
            quote = doc.text[start:end]
            if not quote:
                continue
            found.append(
                Suggestion(
                    category="source",
                    start=offset + start,
                    end=offset + end,
                    quote=quote,
                    attributes=_source_attributes(quote, head, cue),
                    reason=f"cue “{cue}”",
                )
            )
    return found


def _source_head(token):
    """(head noun of a source phrase, cue words) when ``token`` is an attribution cue."""
    lower = token.lower_
    to = _child(token, "prep", "to") if lower == "according" else None
    if to is not None and (obj := _child(to, "pobj")) is not None:
        return obj, "according to"
    if token.lemma_ == "cite" and (obj := _child(token, "dobj")) is not None:
        return obj, token.text
    if token.pos_ in ("VERB", "AUX") and token.lemma_ in CUE_VERBS:
        if (subj := _child(token, "nsubj")) is not None:
            return subj, token.text
        # "… was reported by the agency": the agent is the source.
        if (by := _child(token, "agent")) is not None and (obj := _child(by, "pobj")):
            return obj, token.text
    return None, ""


def _child(token, dep: str, lower: str | None = None):
    for child in token.children:
        if child.dep_ == dep and (lower is None or child.lower_ == lower):
            return child
    return None


def _phrase(head) -> tuple[int, int]:
    """Character span of the head's subtree, without edge punctuation."""
    tokens = list(head.subtree)
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    text = head.doc.text
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _with_speaking_clause(head, end: int) -> int:
    """Wire copy's ", speaking on condition of anonymity …" belongs to the source phrase;
    ", speaking outside the ministry" does not, whichever word the parser hangs it on."""
    for clause in head.children:
        if clause.lemma_ == "speak" and clause.idx < end:
            clause_end = _phrase(clause)[1]
            if not ANONYMITY_REASON.search(head.doc.text[clause.idx : clause_end]):
                end = clause.left_edge.idx
                while end > head.idx and head.doc.text[end - 1] in _TRIM:
                    end -= 1
                return end
    for clause in head.head.children:
        if (
            clause.lemma_ == "speak"
            and clause.dep_ in ("advcl", "xcomp", "acl")
            and (clause.idx >= end and not head.doc.text[end : clause.idx].strip(" ,"))
        ):
            clause_end = _phrase(clause)[1]
            # Only when it says why the source is unnamed, not where they spoke.
            if ANONYMITY_REASON.search(head.doc.text[clause.idx : clause_end]):
                return clause_end
    return end


def _source_attributes(quote: str, head, cue: str) -> dict:
    lowered = f" {quote.lower()} "
    entities = [ent for ent in head.doc.ents if head.left_edge.i <= ent.start <= head.right_edge.i]
    person = any(ent.label_ == "PERSON" for ent in entities)
    whole_org = any(
        ent.label_ in ("ORG", "GPE") and ent.start <= head.i < ent.end for ent in entities
    )
    if ANONYMOUS_WORDS.search(quote) or (
        not person and not whole_org and re.search(r"\bsources?\b", lowered)
    ):
        identification = "anonymous"
    elif person or whole_org:
        identification = "named"
    else:
        identification = "partially identified"
    attributes = {"identification": identification, "cue": cue.lower()}
    for source_type, pattern in _source_type_patterns():
        if pattern.search(quote):
            attributes["source type"] = source_type
            break
    if affiliation := _affiliation(entities, head):
        attributes["affiliation"] = affiliation
    if ANONYMITY_REASON.search(quote):
        attributes["reason for anonymity given"] = True
    return attributes


@functools.cache
def _source_type_patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for source_type, words in SOURCE_TYPES:
        acronyms = [w for w in words if w.isupper()]
        phrases = [w for w in words if not w.isupper()]
        alternatives = [re.escape(w) for w in acronyms] + [f"(?i:{re.escape(w)})" for w in phrases]
        patterns.append((source_type, re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")))
    return patterns


def _affiliation(entities, head) -> str:
    for ent in entities:
        if ent.label_ in ("GPE", "NORP") or (ent.label_ == "ORG" and not ent.start <= head.i):
            name = ent.text.removesuffix("'s").removesuffix("’s")
            return DEMONYMS.get(name.lower(), name)
    return ""


# Short quoted phrases: a scare quote rarely runs past a few words.
_QUOTED = re.compile(
    r"(?<![\w'’])(?:'([^'\n]{1,40})'|‘([^’\n]{1,40})’|“([^”\n]{1,40})”|\"([^\"\n]{1,40})\")"
)
_HIDDEN_AGENCY_VERBS = frozenset(
    {
        "kill", "injure", "wound", "shoot", "arrest", "detain", "destroy", "bomb", "strike", "hit",
        "target", "raze", "displace", "evict", "demolish", "loot", "burn", "torture", "abduct",
        "kidnap", "execute", "expel", "deport", "seize",
    }
)  # fmt: skip


def framing(text: str, *, lexicon: Iterable[LexiconEntry], nlp=None) -> list[Suggestion]:
    found = _lexicon_matches(text, tuple(lexicon)) + _scare_quotes(text)
    if nlp is not None:
        found += _hidden_agency_in(parse(text, nlp))
    return found


@functools.lru_cache(maxsize=8)
def _lexicon_pattern(lexicon: tuple[LexiconEntry, ...]):
    if not lexicon:
        return None, {}
    devices = {entry.expression.lower(): entry.device for entry in lexicon}
    alternatives = sorted(devices, key=len, reverse=True)
    pattern = r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)"
    return re.compile(pattern, re.I), devices


def _lexicon_matches(text: str, lexicon: tuple[LexiconEntry, ...]) -> list[Suggestion]:
    pattern, devices = _lexicon_pattern(lexicon)
    if pattern is None:
        return []
    return [
        Suggestion(
            category="framing",
            start=match.start(),
            end=match.end(),
            quote=match[0],
            attributes={"device": devices[match[0].lower()]},
            reason="lexicon",
        )
        for match in pattern.finditer(text)
    ]


def _scare_quotes(text: str) -> list[Suggestion]:
    found = []
    for match in _QUOTED.finditer(text):
        inner = next(group for group in match.groups() if group is not None)
        words = inner.split()
        # A quoted sentence is speech, not a scare quote.
        if not words or len(words) > 3 or inner.rstrip()[-1:] in ".?!,":
            continue
        found.append(
            Suggestion(
                category="framing",
                start=match.start(),
                end=match.end(),
                quote=match[0],
                attributes={"device": "scare quotes or distancing"},
                reason="short quoted phrase",
            )
        )
    return found


def _hidden_agency_in(docs) -> list[Suggestion]:
    """Passive violence verbs with no agent: "were killed" — by whom?"""
    found = []
    for offset, doc in docs:
        for token in doc:
            if token.lemma_ not in _HIDDEN_AGENCY_VERBS or token.tag_ != "VBN":
                continue
            children = list(token.children)
            if not any(c.dep_ == "auxpass" for c in children):
                continue
            if any(c.dep_ == "agent" for c in children):
                continue
            # From the first auxiliary ("had been …") to a particle ("shot down").
            first = min((c for c in children if c.dep_ in ("aux", "auxpass")), key=lambda c: c.i)
            last = max([token, *(c for c in children if c.dep_ == "prt")], key=lambda c: c.i)
            start, end = first.idx, last.idx + len(last)
            found.append(
                Suggestion(
                    category="framing",
                    start=offset + start,
                    end=offset + end,
                    quote=doc.text[start:end],
                    attributes={"device": "agency hidden by passive voice"},
                    reason="passive without agent",
                )
            )
    return found


# The lexicon a new installation starts with (the admin edits it): common labels, loaded
# words, distancing, euphemisms and hedges in English-language news, collected from the
# framing literature, not from any one article or from the evaluation set.
DEFAULT_LEXICON: dict[str, list[str]] = {
    "labeling or name-calling": [
        "terrorist", "terrorists", "terrorist group", "terrorist cell", "terrorist organisation",
        "terrorist organization", "extremist", "extremists", "extremist group", "thugs", "mob",
        "rioters", "looters", "jihadists", "radicals", "fanatics", "saboteurs", "infiltrators",
        "regime", "occupation regime", "zionist regime", "puppet government", "martyr",
        "martyrs", "freedom fighters", "hardline", "hardliners", "warmongers", "invaders",
    ],
    "loaded word": [
        "massacre", "slaughter", "bloodbath", "carnage", "cowardly", "barbaric", "brutal",
        "heinous", "atrocity", "atrocities", "crackdown", "stormed", "slammed", "blasted",
        "catastrophic", "devastated", "devastating", "reckless", "rigged",
        "witch hunt", "liberated", "invasion", "onslaught", "flood of", "swarm", "hordes",
        "crisis", "chaos",
    ],
    "scare quotes or distancing": ["so-called", "self-styled", "self-proclaimed", "purported"],
    "euphemism": [
        "neutralised", "neutralized", "collateral damage", "enhanced interrogation",
        "pacification", "relocated", "surgical strike", "downsizing",
    ],
    "hedging": [
        "reportedly", "allegedly", "apparently", "purportedly", "widely believed",
        "it is believed", "appears to", "seems to", "sources say", "it is understood",
    ],
}  # fmt: skip


def default_lexicon() -> list[LexiconEntry]:
    return [
        LexiconEntry(expression, device)
        for device, expressions in DEFAULT_LEXICON.items()
        for expression in expressions
    ]
