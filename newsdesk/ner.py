"""Named-entity recognition with spaCy.

The model is loaded once per process, on first use: only worker processes (and tests)
ever call this, so web processes never pay for it.
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings

# The small pipelines' NER has its own token-to-vector layer (English) or shares one we
# keep (French): everything else (tagger, parser, lemmatiser) is work we would throw away.
_UNUSED_PIPES = ["tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    label: str
    text: str


@functools.cache
def load_model(name: str):
    import spacy

    return spacy.load(name, exclude=_UNUSED_PIPES)


@functools.cache
def load_full_model(name: str):
    """The whole pipeline (tagger, parser, lemmatiser and NER), for a run whose parse other
    code reads too (the suggesters): loaded once per process, like ``load_model``."""
    import spacy

    from newsdesk import fast_attributes

    nlp = spacy.load(name)
    fast_attributes.install(nlp)  # the same token attributes as its attribute_ruler, sooner
    return nlp


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Split at blank lines, keeping each paragraph's offset into the text."""
    spans, position = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, text[position : match.start()]))
        position = match.end()
    spans.append((position, text[position:]))
    return [(offset, chunk) for offset, chunk in spans if chunk.strip()]


# spaCy refuses a text over nlp.max_length (1,000,000) and its memory grows with the length:
# longer paragraphs are cut, at a line break, else after a sentence, else at a space.
PIECE_CHARS = 100_000
_CUTS = (re.compile(r"\n"), re.compile(r"[.!?][\"'’”)\]]*\s"), re.compile(r"\s"))


def pieces(offset: int, chunk: str, size: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """A paragraph as pieces of at most ``size`` characters, each with its offset."""
    out = []
    while len(chunk) > size:
        cut = 0
        for pattern in _CUTS:
            found = [m.end() for m in pattern.finditer(chunk, size // 2, size)]
            if found:
                cut = found[-1]
                break
        cut = cut or size  # no space at all in half the piece: cut anywhere
        out.append((offset, chunk[:cut]))
        offset, chunk = offset + cut, chunk[cut:]
    out.append((offset, chunk))
    return out


def parse(text: str, *, model: str | None = None) -> list[tuple[int, object]]:
    """Each paragraph (cut into pieces when very long) with its offset and its Doc from the
    whole pipeline: the entities and everything else the parse gives, for one run to share.
    """
    nlp = load_full_model(model or settings.NEWSDESK_SPACY_MODEL)
    chunks = [piece for paragraph in paragraphs(text) for piece in pieces(*paragraph)]
    docs = nlp.pipe(chunk for _, chunk in chunks)
    return list(zip((offset for offset, _ in chunks), docs, strict=True))


def extract_mentions(
    text: str, *, model: str | None = None, docs: list[tuple[int, object]] | None = None
) -> list[Mention]:
    """Entity mentions as code-point offsets into ``text``, read from ``docs`` (``parse``'s
    answer for this text) when given, else found with the NER-only pipeline.

    Paragraphs (cut into pieces when very long) go through ``nlp.pipe`` one by one, so
    memory stays bounded by the longest piece, not the article.
    """
    if docs is None:
        nlp = load_model(model or settings.NEWSDESK_SPACY_MODEL)
        chunks = [piece for paragraph in paragraphs(text) for piece in pieces(*paragraph)]
        found = nlp.pipe(chunk for _, chunk in chunks)
        docs = zip((offset for offset, _ in chunks), found, strict=True)
    mentions = []
    for offset, doc in docs:
        for ent in doc.ents:
            mentions.append(
                Mention(
                    start=offset + ent.start_char,
                    end=offset + ent.end_char,
                    label=ent.label_,
                    text=ent.text,
                )
            )
    return mentions
