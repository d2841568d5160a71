"""The article's language as the rules ask for it: detected once, only when a rule or a denial's reach depends on it.

A rule with ``languages:`` needs the article's language; a denial window
needs only the writing (Vietnamese syllables, Korean particles), which the
letters tell without running a detector.
"""

from __future__ import annotations

import re

from pantau.core.article import Article
from pantau.core.language import article_language, declared_code
from pantau.streams.classify.text import Shadow

__all__ = ["Language", "ReachLanguage"]


_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


_HANGUL = re.compile("[\uac00-\ud7a3]")


class ReachLanguage:
    """The language a denial's reach depends on: declared, else told by the script (no detector run).

    Denial windows differ where the writing differs: Vietnamese syllables,
    Korean particles. A full language detection costs more than all the
    clause checks, and feeds' articles come with a language resolved at
    ingestion; an undeclared article is told apart by its letters alone
    (Indonesian and English share the default window).
    """

    __slots__ = ("_article", "_shadow", "_code", "_known")

    def __init__(self, article: Article, shadow: Shadow) -> None:
        self._article, self._shadow = article, shadow
        self._code: str | None = None
        self._known = False

    def __call__(self) -> str | None:
        if not self._known:
            code = declared_code(self._article.language)
            if code is None:
                sample = " ".join(f[:600] for f in self._shadow.originals)
                code = "ko" if _HANGUL.search(sample) else "vi" if _VIETNAMESE.search(sample) else None
            self._code, self._known = code, True
        return self._code


class Language:
    """The article's language, detected at most once and only when a rule asks."""

    __slots__ = ("_article", "_code", "_known")

    def __init__(self, article: Article) -> None:
        self._article = article
        self._code: str | None = None
        self._known = False

    @property
    def code(self) -> str | None:
        """ISO 639-1 code: declared by the feed, else detected."""
        if not self._known:
            a = self._article
            self._code, self._known = article_language(a.language, a.title, a.summary, a.content), True
        return self._code
