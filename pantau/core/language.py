"""The language of an article, decided once for every stage: declared by the feed, else detected.

pantau's rules and routes are written for Indonesian, English, Vietnamese
and Korean (``HANDLED``). A feed that declares its language is believed. An
undeclared one is detected with py3langid, but the answer is one of the
handled languages or ``"other"``: an unrestricted guess labels short
Indonesian headlines Javanese, Nigerian Pidgin or Bikol, and a rule or route
with ``languages: [id]`` would then skip them. "other" is answered only when
a language pantau does not handle beats every handled one by a wide margin
(German, Thai, Chinese...), never for a near tie on a short title.

Malay is one family with Indonesian: detectors confuse them and editors
mean both, so detection folds ``ms`` into ``id`` and a rule restricted to
``id`` also takes an article a feed declared ``ms``. The Article records
whether its language was ``declared`` or ``detected`` (``language_source``).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # loaded on first use (the model takes ~0.5 s)
    from py3langid.langid import LanguageIdentifier

__all__ = [
    "HANDLED",
    "OTHER",
    "DECLARED",
    "DETECTED",
    "Language",
    "declared_code",
    "detect_language",
    "resolve_language",
    "article_language",
    "same_family",
]

HANDLED = ("id", "en", "vi", "ko")
"""The languages pantau's rules are written for."""
OTHER = "other"
"""Detected answer for text in a language pantau does not handle."""
DECLARED, DETECTED = "declared", "detected"
"""Values of ``Article.language_source``."""

_FAMILY = {"ms": "id"}
_ALIASES = {"in": "id"}  # the withdrawn ISO 639 code for Indonesian, still sent by some feeds
_CANDIDATES = frozenset((*HANDLED, *_FAMILY))
MIN_LETTERS = 6
"""Below this many letters there is nothing to detect from: the language stays unknown (None)."""
OTHER_MARGIN = 40.0
"""How far (py3langid log-probability) a language pantau does not handle must lead for "other"."""

_lock = threading.Lock()
_identifier: LanguageIdentifier | None = None


def _model() -> LanguageIdentifier:
    global _identifier
    with _lock:  # loading takes ~0.5 s: once per process, on first use, from any thread
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    return _identifier


def declared_code(value: str | None) -> str | None:
    """The ISO 639-1 code of a declaration: ``id-ID`` -> ``id``, ``in`` -> ``id``; None when empty."""
    if not value or not value.strip():
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return _ALIASES.get(code, code) or None


def detect_language(text: str) -> str | None:
    """One of ``HANDLED`` or ``"other"`` for ``text``; None when it has too few letters to tell."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    best_handled: str | None = None
    handled_score = other_score = float("-inf")
    for code, score in _model().rank(sample):
        if code in _CANDIDATES:
            if score > handled_score:
                best_handled, handled_score = code, score
        elif score > other_score:
            other_score = score
    if best_handled is None or other_score - handled_score > OTHER_MARGIN:
        return OTHER
    return _FAMILY.get(best_handled, best_handled)


class Language(NamedTuple):
    """An article's language and where it came from (``declared``, ``detected``, or None when unknown)."""

    code: str | None
    source: str | None


def resolve_language(declared: str | None, title: str, summary: str = "", content: str = "") -> Language:
    """The declared language when there is one, else the detected one (see the module's rules)."""
    code = declared_code(declared)
    if code:
        return Language(code, DECLARED)
    detected = detect_language("\n".join(part for part in (title, summary, content[:1500]) if part))
    return Language(detected, DETECTED if detected else None)


def article_language(declared: str | None, title: str, summary: str, content: str) -> str | None:
    """The code alone of :func:`resolve_language` (what rule and route restrictions compare)."""
    return resolve_language(declared, title, summary, content).code


def same_family(language: str | None, allowed: Collection[str]) -> bool:
    """True when ``language`` (or its family, ms -> id) is among ``allowed``."""
    if language is None:
        return False
    return language in allowed or _FAMILY.get(language) in allowed
