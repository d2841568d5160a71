"""Language of an article: declared by the feed, else detected with py3langid."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["detect_language"]

MIN_CHARS = 12
"""Below this there is too little text to guess from; the article keeps no language."""


@lru_cache(maxsize=1)
def _identifier():
    # Loading the model takes ~0.5 s, so it happens on first use, once per process.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's most likely language, None when the text is too short."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < MIN_CHARS:
        return None
    code, _score = _identifier().classify(sample)
    return code
