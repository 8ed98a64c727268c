"""Suggested tags: attributions from the spaCy parse, framing from a lexicon and quotes.

Pure functions over text (no database): the worker, the ``suggest`` command and the
evaluation all call the same code. A suggestion is only a proposal; it becomes a tag when
an annotator accepts it. Attribute names and values match the news codebook.
"""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotations import voice
from newsdesk import ner
from newsdesk.ner import paragraphs

# Verbs (by lemma) that attribute information to whoever is their subject. A verb counts
# only with something said: a clause ("said that …", "think the offer falls short"), a
# quotation, or an object that is speech ("denied the report"); so "maintains a lead",
# "claim a majority", "precincts reporting" and "reported from Cairo" do not.
# The languages these rules are written for: their cue verbs, nouns and patterns are English.
RULE_LANGUAGES = frozenset({"en"})

CUE_VERBS = frozenset(
    {
        "say", "tell", "report", "announce", "state", "add", "confirm", "deny", "claim", "insist",
        "warn", "note", "explain", "allege", "accuse", "acknowledge", "admit", "assert", "argue",
        "declare", "disclose", "estimate", "predict", "reveal", "stress", "suggest", "write",
        "describe", "call", "quote", "indicate", "maintain", "think", "believe", "fear", "vow",
        "pledge", "promise", "tweet", "post", "expect", "hope", "worry", "urge", "caution",
        "concede", "contend", "recall", "testify", "reply", "respond", "counter", "complain",
        "charge", "rule", "conclude", "agree", "signal", "hint", "doubt", "dismiss", "slam",
        "criticise", "criticize", "condemn", "blame", "brand", "dub", "threaten", "demand",
        "emphasise", "emphasize", "assure", "reiterate", "forecast", "project", "calculate",
        "find", "show", "assess", "boast", "lament", "recount", "retort",
        "question", "reckon", "suspect", "hold", "observe", "remark", "ask",
    }
)  # fmt: skip
# Objects that are speech themselves: "denied the report", "confirmed the figures".
_SPEECH_OBJECTS = frozenset(
    {
        "report", "account", "claim", "allegation", "accusation", "figure", "figures", "death",
        "deaths", "toll", "attack", "plan", "deal", "charge", "charges", "story", "rumour",
        "rumor", "news", "decision", "ruling",
    }
)  # fmt: skip
# Speech verbs whose object alone carries the statement ("denied the account").
_OBJECT_CUES = frozenset({"deny", "confirm", "dismiss", "reject", "slam", "criticise", "condemn"})
# "released a statement saying …": the participle's noun is the light verb's object.
_STATEMENT_NOUNS = frozenset(
    {"statement", "communique", "communiqué", "note", "letter", "report", "message", "post",
     "tweet", "video", "notice", "press release", "release", "memo", "comment", "comments"}
)  # fmt: skip
# Head nouns of unnamed *people* (anonymous unless named); other unnamed heads are
# institutions (partially identified), per the codebook's guideline.
PERSON_NOUNS = frozenset(
    {
        "official", "aide", "source", "people", "person", "man", "woman", "spokesman",
        "spokeswoman", "spokesperson", "diplomat", "resident", "witness", "villager", "analyst",
        "expert", "economist", "doctor", "nurse", "executive", "lawyer", "campaigner", "critic",
        "activist", "monitor", "observer", "farmer", "shopkeeper", "worker", "member", "leader",
        "commander", "officer", "soldier", "fighter", "rebel", "student", "teacher", "parent",
        "relative", "neighbour", "neighbor", "survivor", "envoy", "mediator", "negotiator",
        "insider", "adviser", "advisor", "staffer", "employee", "manager", "director", "judge",
        "politician", "lawmaker", "senator", "voter", "supporter", "opponent", "citizen",
        "local", "journalist", "reporter", "researcher", "scientist", "professor", "scholar",
        "minister", "president", "mayor", "governor", "general", "chief", "head", "ambassador",
        "colleague", "friend", "owner", "driver", "engineer", "father", "mother", "son",
        "daughter", "child", "patient", "victim", "medic", "paramedic", "trader", "investor",
        "banker", "founder", "chairman", "chairwoman", "secretary", "organiser", "organizer",
        "protester", "demonstrator", "militant", "insurgent", "guard", "pilot", "sailor",
        "passenger", "customer", "user", "fan", "player", "coach", "priest", "imam", "cleric",
    }
)  # fmt: skip
# Head nouns of bodies that can be a source ("according to the central bank").
INSTITUTION_NOUNS = frozenset(
    {
        "bank", "court", "company", "firm", "group", "council", "union", "committee",
        "commission", "board", "institute", "university", "hospital", "clinic", "school",
        "agency", "ministry", "government", "army", "police", "office", "authority", "party",
        "campaign", "alliance", "coalition", "organisation", "organization", "association",
        "federation", "network", "foundation", "charity", "operator", "airline", "regulator",
        "prosecutor", "prosecutors", "tribunal", "parliament", "senate", "assembly", "cabinet",
        "administration", "department", "service", "treasury", "embassy", "consulate",
        "newspaper", "broadcaster", "paper", "outlet", "station", "website", "study", "survey",
        "report", "statement", "data", "poll", "census", "record", "document", "filing",
        "spokesperson", "military", "navy", "force", "forces", "monitor", "observatory",
    }
)  # fmt: skip
# Titles held by one person at a time: "the labour minister" is identified by role.
_OFFICE_TITLES = frozenset(
    {"minister", "president", "mayor", "governor", "chief", "head", "chairman", "chairwoman",
     "secretary", "ambassador", "envoy", "director", "founder", "judge", "general"}
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
    # ("same_as" | "attributed_to", start, end) of the source suggestion it points to.
    link: tuple[str, int, int] | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class LexiconEntry:
    expression: str
    device: str


def load_parser(name: str):
    """The full pipeline (tagger, parser, lemmatiser, NER): only workers and commands. The
    same object the entity run parses with, so a worker loads it once."""
    return ner.load_full_model(name)


def suggest(
    text: str, *, nlp, lexicon: Iterable[LexiconEntry], docs: list | None = None
) -> list[Suggestion]:
    """Everything the suggesters propose for ``text``. ``docs`` (offset, Doc) pairs from a
    run that already parsed it (the entity run) spare the parse; else ``nlp`` parses."""
    if docs is None:
        docs = parse(text, nlp)  # once, for every suggester that reads the parse
    sources, claims = _attributions_and_claims(text, docs)
    claims = _check_worthy(docs, claims)
    framing_found = _lexicon_matches(text, tuple(lexicon)) + _scare_quotes(text)
    framing_found = _with_voice(text, framing_found + _hidden_agency_in(docs), claims)
    found = sources + claims + framing_found
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
    """Source phrases: the subject of a cue verb, the object of "according to" / "citing",
    a headline's "Minister:"; pronouns linked to the mention they stand for."""
    return _attributions_and_claims(text, parse(text, nlp))[0]


def claims(text: str, *, nlp) -> list[Suggestion]:
    docs = parse(text, nlp)
    return _check_worthy(docs, _attributions_and_claims(text, docs)[1])


def _attributions_and_claims(text: str, docs) -> tuple[list[Suggestion], list[Suggestion]]:
    quotes = voice.quotations(text)
    sources: list[Suggestion] = []
    kinds: dict[tuple[int, int], str] = {}  # what each named mention can be called
    claims_found: list[Suggestion] = []
    for paragraph, (offset, doc) in enumerate(docs):
        headline = _headline(doc, offset)
        if headline:
            sources.append(headline[0])
            claims_found.append(headline[1])
            continue
        for token in doc:
            head, cue, content = _source_head(token)
            if head is None or _inside(quotes, offset + head.idx):
                continue
            if head.lower_ in _RELATIVE or head.dep_ == "expl":
                continue
            pronoun = head.pos_ == "PRON" or head.lower_ in _PRONOUNS
            if pronoun and head.lower_ not in _SOURCE_PRONOUNS:
                continue
            start, end = (head.idx, head.idx + len(head)) if pronoun else _phrase(head)
            if not pronoun:
                end = _with_speaking_clause(head, end)
            quote = doc.text[start:end]
            if not quote:
                continue
            attributes = _source_attributes(quote, head, cue)
            link = None
            if pronoun:
                antecedent = _antecedent(head, sources, kinds, paragraph, docs)
                if antecedent is not None:
                    link = ("same_as", antecedent.start, antecedent.end)
                    attributes = {**antecedent.attributes, "cue": cue.lower()}
                else:
                    attributes = {"cue": cue.lower()}
            source = Suggestion(
                category="source",
                start=offset + start,
                end=offset + end,
                quote=quote,
                attributes=attributes,
                reason=f"cue “{cue}”" + (", pronoun" if pronoun else ""),
                link=link,
            )
            sources.append(source)
            if not pronoun:
                kinds.setdefault((source.start, source.end), _head_kind(head))
            if content is not None and (claim := _claim(doc, offset, content, quotes, source)):
                claims_found.append(claim)
    return sources, claims_found


_RELATIVE = frozenset({"who", "which", "that", "whom", "whose"})
_SOURCE_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we"})
_HEADLINE = re.compile(r"\A([A-Z][\w'’.\- ]{1,40}?):[ \t]+(\S[^\n]*)\Z")


def _headline(doc, offset: int):
    """ "Minister: talks will resume": a one-line paragraph whose head is a short name."""
    match = _HEADLINE.match(doc.text)
    if not match or len(match[1].split()) > 4:
        return None
    head_tokens = [t for t in doc if t.idx < match.end(1)]
    if any(t.pos_ in ("VERB", "AUX") for t in head_tokens) or not any(
        t.pos_ in ("NOUN", "PROPN") for t in head_tokens
    ):
        return None
    head = max(head_tokens, key=lambda t: t.pos_ in ("NOUN", "PROPN"))
    source = Suggestion(
        category="source",
        start=offset,
        end=offset + match.end(1),
        quote=match[1],
        attributes=_source_attributes(match[1], head, ":"),
        reason="headline colon",
    )
    claim = Suggestion(
        category="claim",
        start=offset + match.start(2),
        end=offset + match.end(2),
        quote=match[2],
        attributes={"attributed": "yes"},
        reason="headline colon",
        link=("attributed_to", source.start, source.end),
    )
    return source, claim


def _inside(quotes: list[tuple[int, int]], index: int) -> bool:
    return any(start < index < end - 1 for start, end in quotes)


def _antecedent(pronoun, sources: list[Suggestion], kinds: dict, paragraph: int, docs):
    """The nearest source mention before the pronoun, in its paragraph or the one before,
    that agrees with it: he / she a single person, they a plural, it a single institution."""
    lower = pronoun.lower_
    earliest = docs[max(paragraph - 1, 0)][0]
    here = docs[paragraph][0] + pronoun.idx
    for candidate in reversed(sources):
        if candidate.start >= here or candidate.start < earliest:
            continue
        kind = kinds.get((candidate.start, candidate.end))
        if kind is None:
            continue  # a pronoun
        if (
            (lower in ("he", "she") and kind == "person")
            or (lower == "they" and kind == "plural")
            or (lower == "it" and kind == "institution")
        ):
            return candidate
    return None


def _source_head(token):
    """(head noun of a source phrase, cue words, the token whose subtree is what was said)
    when ``token`` is an attribution cue."""
    lower = token.lower_
    to = _child(token, "prep", "to") if lower == "according" else None
    if to is not None and (obj := _child(to, "pobj")) is not None:
        return (obj, "according to", token) if _source_like(obj) else (None, "", None)
    if token.lemma_ == "cite" and (obj := _child(token, "dobj")) is not None:
        return (obj, token.text, None) if _source_like(obj) else (None, "", None)
    if token.pos_ not in ("VERB", "AUX") or token.lemma_ not in CUE_VERBS:
        return None, "", None
    content = _content(token)
    if content is None:
        return None, "", None
    subject = _subject(token)
    if subject is not None:
        return subject, token.text, content
    # "… was reported by the agency": the agent is the source.
    if (by := _child(token, "agent")) is not None and (obj := _child(by, "pobj")) is not None:
        return obj, token.text, content
    return None, "", None


def _content(verb):
    """What the cue verb says: its clause, its quotation, or its speech object; None when
    it says nothing (then it is no cue)."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis") or (
            child.dep_ == "xcomp"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
        ):
            return child
    text = verb.doc.text
    for child in verb.children:
        if child.dep_ in ("dobj", "oprd", "attr", "prep", "advcl", "xcomp"):
            if child.dep_ == "advcl" and child.tag_ == "VBG":
                continue  # "…, saying …" is a cue of its own
            tokens = list(child.subtree)
            span = text[tokens[0].idx : tokens[-1].idx + len(tokens[-1])]
            if re.search('["“”]', span):
                return child
    if verb.lemma_ in ("call", "describe", "brand", "dub"):
        obj = _child(verb, "dobj")
        if obj is not None and (
            _child(verb, "oprd")
            or _child(verb, "prep", "as")
            or _child(obj, "prep", "as")
            or _child(verb, "ccomp")
        ):
            return None if _child(verb, "nsubjpass") else verb  # claim is its object clause
        return None
    if (quoted := _quote_before(verb)) is not None:
        return quoted
    if verb.lemma_ in ("fear", "expect", "predict", "forecast") and _child(verb, "dobj"):
        return verb  # "aides fear a second walkout"
    if verb.lemma_ in _OBJECT_CUES | {"accuse", "warn", "blame", "urge"}:
        obj = _child(verb, "dobj")
        if obj is not None and (verb.lemma_ not in _OBJECT_CUES or obj.lemma_ in _SPEECH_OBJECTS):
            return verb
        if verb.lemma_ == "warn" and _child(verb, "prep", "of") is not None:
            return verb
    return None


def _quote_before(verb):
    """'"…," a campaign manager told the Gazette': the quotation just before the clause;
    (index of its closing mark, verb), or None."""
    subject = _child(verb, "nsubj")
    anchor = min(verb.i, subject.left_edge.i) if subject is not None else verb.i
    text = verb.doc.text
    before = text[: verb.doc[anchor].idx].rstrip()
    if before.endswith(('"', "”")) and before[:-1].rstrip().endswith((",", "?", "!")):
        return (len(before) - 1, verb)
    return None


def _subject(verb):
    """The verb's subject, or that of the verb it hangs on: "He doubled down and said",
    "…, saying the deal was dead", "released a statement saying …"."""
    seen = 0
    while verb is not None and seen < 4:
        seen += 1
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.dep_ != "nsubjpass":
                return child
        if verb.dep_ == "conj":
            verb = verb.head
        elif verb.dep_ == "advcl" and verb.tag_ == "VBG":
            verb = verb.head
            if verb.dep_ == "ccomp" and verb.head.lemma_ in CUE_VERBS:
                verb = verb.head  # "said the clinic had …, adding that …": the sayer
        elif verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.lemma_ in _STATEMENT_NOUNS:
            verb = verb.head.head  # the statement's verb: released, issued, posted
        else:
            return None
    return None


def _source_like(head) -> bool:
    """ "citing officials" names a source; "citing low growth" and "according to their
    preference" do not."""
    if any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in head.subtree):
        return True
    lemma = head.lemma_.lower()
    return (
        lemma in PERSON_NOUNS
        or lemma in INSTITUTION_NOUNS
        or bool(any(pattern.search(head.text) for _, pattern in _source_type_patterns()))
    )


def _claim(doc, offset: int, content, quotes, source: Suggestion):
    """The statement a source is credited with: its quotation when the cue sits next to
    one, else the cue's clause (without "that")."""
    text = doc.text
    if isinstance(content, tuple):  # a quotation closing at content[0]
        closing = content[0]
        for quote_start, quote_end in quotes:
            if quote_end - offset - 1 == closing:
                start, end = quote_start - offset + 1, closing
                break
        else:
            return None
    elif content.lower_ == "according":
        sentence = content.sent
        tokens = list(content.subtree)
        a, b = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        s, e = sentence.start_char, sentence.end_char
        start, end = (b, e) if a - s < e - b else (s, a)
    elif content.i == content.head.i or content.dep_ == "ROOT" and content.lemma_ in CUE_VERBS:
        start, end = _object_statement(content)
        if start is None:
            return None
    else:
        start, end = _phrase(content)
    for quote_start, quote_end in quotes:
        # Cue beside a quotation: the quotation's words are the claim.
        if quote_start - offset <= start < quote_end - offset or (
            start <= quote_start - offset < end
        ):
            start, end = quote_start - offset + 1, quote_end - offset - 1
            break
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM + ".":
        end -= 1
    if text[start:end].lower().startswith("that "):
        start += 5
    if end - start < 3:
        return None
    return Suggestion(
        category="claim",
        start=offset + start,
        end=offset + end,
        quote=text[start:end],
        attributes={"attributed": "yes"},
        reason=f"what {source.quote[:40]} said",
        link=("attributed_to", source.start, source.end),
    )


def _object_statement(verb):
    """ "denied the account", "called the remarks reckless": after the verb to its
    clause's end."""
    after = [c for c in verb.children if c.i > verb.i and c.dep_ not in ("punct", "cc", "conj")]
    if not after:
        return None, None
    last = max(after, key=lambda c: c.right_edge.i).right_edge
    first = verb.i + 1
    return verb.doc[first].idx, last.idx + len(last)


_FIGURE_ENTS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})


def _check_worthy(docs, claims_found: list[Suggestion]) -> list[Suggestion]:
    """Statements that carry figures: the claim around the figure becomes check-worthy,
    or the sentence itself is suggested as a claim to check."""
    out = list(claims_found)
    for offset, doc in docs:
        for sentence in doc.sents:
            figures = [
                ent for ent in sentence.ents
                if ent.label_ in _FIGURE_ENTS and any(t.like_num for t in ent)
            ]  # fmt: skip
            if not figures:
                continue
            for ent in figures:
                at = offset + ent.start_char
                for index, claim in enumerate(out):
                    if claim.start <= at < claim.end:
                        out[index] = Suggestion(
                            claim.category, claim.start, claim.end, claim.quote,
                            {**claim.attributes, "check-worthy": True}, claim.reason, claim.link,
                        )  # fmt: skip
                        break
                else:
                    start, end = sentence.start_char, sentence.end_char
                    text = doc.text
                    while start < end and text[start] in _TRIM:
                        start += 1
                    while end > start and text[end - 1] in _TRIM + ".":
                        end -= 1
                    out.append(
                        Suggestion(
                            category="claim",
                            start=offset + start,
                            end=offset + end,
                            quote=text[start:end],
                            attributes={"check-worthy": True},
                            reason="statement with a figure",
                        )
                    )
    return out


def _with_voice(text: str, found: list[Suggestion], claims_found: list[Suggestion]):
    """Framing inside someone's quotation or attributed claim is in their voice."""
    quotes = voice.quotations(text)
    spans = [voice.ClaimSpan(c.start, c.end, c.link is not None) for c in claims_found]
    out = []
    for item in found:
        said = voice.of_framing(item.start, item.end, {}, claims=spans, quotes=quotes)
        out.append(
            Suggestion(
                item.category, item.start, item.end, item.quote,
                {**item.attributes, "voice": said.value}, item.reason, item.link,
            )
        )  # fmt: skip
    return out


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
    elif _head_kind(head) != "institution" and not _office_holder(head):
        identification = "anonymous"  # unnamed people ("officials", "aides", "a diplomat")
    else:
        identification = "partially identified"  # unnamed institutions, "the minister"
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


def _head_kind(head) -> str:
    """person (one), plural (people or bodies), or institution (one): what a pronoun can
    stand for."""
    plural = head.tag_ in ("NNS", "NNPS") or head.lemma_.lower() == "people"
    if plural:
        return "plural"
    if head.ent_type_ == "PERSON" or head.lemma_.lower() in PERSON_NOUNS:
        return "person"
    return "institution"


def _office_holder(head) -> bool:
    """ "the labour minister", "the envoy": one office, identified by its role."""
    determiner = _child(head, "det")
    return (
        head.lemma_.lower() in _OFFICE_TITLES
        and determiner is not None
        and determiner.lower_ == "the"
    )


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
    r"(?<![\w'’])(?:'([^'\n]{1,40})'|‘([^’\n]{1,40})’|“([^”\n]{1,40})”|\"([^\"\n]{1,40})\")(?![\w])"
)
# A quoted phrase after one of these in its sentence is the speaker's wording (a partial
# quote: called it an "act of hate"), not the reporter's distancing.
_SPEECH_BEFORE = re.compile(
    r"\b(?:says?|said|saying|tell|told|telling|call(?:s|ed|ing)?|describ(?:es|ed|ing)|"
    r"dubb(?:ed|ing)|dubs|term(?:s|ed)|brand(?:s|ed|ing)|label(?:l?ed|s)|"
    r"warn(?:s|ed|ing)|vow(?:s|ed)|promis(?:es|ed)|insist(?:s|ed)|argu(?:es|ed)|"
    r"add(?:s|ed)|wr(?:ote|ites)|tweet(?:s|ed)|urg(?:es|ed)|accus(?:es|ed)|slamm(?:ed)|"
    r"condemn(?:s|ed)|denounc(?:es|ed)|hail(?:s|ed)|pledg(?:es|ed)|as)\b[^.!?\n]{0,60}\Z",
    re.I,
)
_HIDDEN_AGENCY_VERBS = frozenset(
    {
        "kill", "injure", "wound", "shoot", "arrest", "detain", "destroy", "bomb", "strike", "hit",
        "target", "raze", "displace", "evict", "demolish", "loot", "burn", "torture", "abduct",
        "kidnap", "execute", "expel", "deport", "seize", "fire", "shell",
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
    # Longest first, so the longest expression wins where several start; grouped by first
    # character (order kept within each group), so a word start tries only its group's.
    by_first: dict[str, list[str]] = {}
    for expression in sorted(devices, key=len, reverse=True):
        by_first.setdefault(expression[0], []).append(expression)
    groups = "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(e[1:]) for e in expressions) + ")"
        for first, expressions in by_first.items()
    )
    return re.compile(r"(?<!\w)(" + groups + r")(?!\w)", re.I), devices


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
        sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start()))
        if _SPEECH_BEFORE.search(text[sentence_start + 1 : match.start()]):
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
            # An English passive's auxiliary comes before its verb; one the parser hangs on
            # the verb from after it ("killed said") is a misparse, and took the span from
            # that auxiliary back to the verb: an end before its start.
            auxiliaries = [c for c in children if c.dep_ in ("aux", "auxpass") and c.i < token.i]
            if not any(c.dep_ == "auxpass" for c in auxiliaries):
                continue
            if any(c.dep_ == "agent" for c in children):
                continue
            # From the first auxiliary ("had been …") to a particle ("shot down").
            first = min(auxiliaries, key=lambda c: c.i)
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
        "crisis", "chaos", "trashed", "hawkish", "dovish", "bombshell", "slashes", "slashed",
        "shambolic", "sellout", "sell-out", "caved in", "propaganda", "smear campaign",
        "power grab", "alarmist", "fiasco", "debacle", "draconian", "scandal", "scandalous",
        "disgraceful", "outrageous", "shocking", "explosive", "fury", "outrage",
        "lashed out", "hit out", "blasted", "savaged", "torpedoed", "gutted", "doomed",
        "disastrous", "disaster", "humiliating", "humiliation", "embattled", "beleaguered",
        "controversial", "notorious", "infamous", "radical", "lavish", "bloated", "handout",
        "handouts", "scrounger", "scroungers", "meltdown", "collapse", "plunged", "soared",
        "skyrocketed", "spiralling", "spiraling", "cronies", "cronyism", "elite", "elites",
        "repelled", "crippling", "widely criticised", "widely criticized", "botched",
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
