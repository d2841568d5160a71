"""Article language: the feed's declaration, else detected among pantau's languages.

Detection is restricted to the languages the rules are written for, so a
short Indonesian headline is never labelled Tagalog. Malay and Indonesian are
one family for rule restrictions: detectors confuse them and editors mean both.
"""

from __future__ import annotations

import threading

__all__ = ["detect_language", "article_language", "same_family", "DETECTABLE"]

DETECTABLE = ("id", "en", "vi", "ko", "ms")
_FAMILY = {"ms": "id"}
_lock = threading.Lock()
_identifier = None


def _model():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE)
            ident.set_languages(list(DETECTABLE))
            _identifier = ident
    return _identifier


def detect_language(text: str) -> str | None:
    """The most likely of id/en/vi/ko/ms for ``text`` (None for text without letters)."""
    sample = text[:2000]
    if not any(ch.isalpha() for ch in sample):
        return None
    lang, _score = _model().classify(sample)
    return lang


def article_language(declared: str | None, title: str, summary: str, content: str) -> str | None:
    """The declared ISO 639-1 code (``id-ID`` -> ``id``), else a detected one."""
    if declared:
        return declared.split("-")[0].split("_")[0].lower()
    return detect_language(" ".join(part for part in (title, summary, content[:1500]) if part))


def same_family(language: str | None, allowed: frozenset[str]) -> bool:
    """True when ``language`` (or its family, ms -> id) is among ``allowed``."""
    if language is None:
        return False
    return language in allowed or _FAMILY.get(language) in allowed
