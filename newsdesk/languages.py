"""An article's language: detecting it, and the spaCy pipeline configured for it.

Detection uses py3langid (a maintained fork of langid.py: a 0.7 MB model, numpy only,
under a millisecond for a paragraph), over its 97 languages, so an article in a language we
have no pipeline for is named as such rather than forced into one we have.
"""

import functools

from django.conf import settings

DEFAULT_LANGUAGE = "en"
# The opening of a long article says as much as the whole of it, at a fraction of the cost.
DETECT_CHARS = 5_000
# Below this many letters (a headline, a caption), or below this confidence, a guess is
# noise: the article keeps the default, which staff can correct.
MIN_LETTERS = 20
MIN_PROBABILITY = 0.9


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language; ``"en"`` when it cannot tell."""
    sample = text[:DETECT_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return DEFAULT_LANGUAGE
    language, probability = _identifier().classify(sample)
    return language if probability >= MIN_PROBABILITY else DEFAULT_LANGUAGE


def pipeline_for(language: str) -> str | None:
    """The spaCy pipeline configured for a language (NEWSDESK_SPACY_MODELS), or None."""
    return settings.NEWSDESK_SPACY_MODELS.get((language or "").lower())


def has_pipeline(language: str) -> bool:
    return pipeline_for(language) is not None
