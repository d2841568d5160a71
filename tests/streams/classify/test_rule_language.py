"""The article's language as the rules ask for it (rule_language.py): declared first, worked out once, on demand."""

from __future__ import annotations

import pytest

from pantau.streams.classify import rule_language
from pantau.streams.classify.rule_language import Language, ReachLanguage
from pantau.streams.classify.text import build_shadow
from tests.streams.classify.conftest import make_article

ENGLISH = "Police arrested three men over an online fraud ring that targeted bank customers across the region."


def _reach(content: str, language: str | None) -> ReachLanguage:
    article = make_article(content, language=language)
    return ReachLanguage(article, build_shadow(article.title, article.summary, article.content))


@pytest.mark.parametrize(
    ("content", "declared", "code"),
    [
        ("Công an bắt giữ nhóm lừa đảo trực tuyến.", None, "vi"),  # Vietnamese letters
        ("경찰은 온라인 사기 조직을 검거했다.", None, "ko"),  # Hangul
        ("Polisi menangkap komplotan penipu daring.", None, None),  # Latin letters alone: the default window
        (ENGLISH, None, None),
        ("Công an bắt giữ nhóm lừa đảo.", "id-ID", "id"),  # a declaration wins over the letters
    ],
)
def test_the_reach_language_is_declared_else_told_by_the_script(content: str, declared: str | None, code) -> None:
    assert _reach(content, declared)() == code


def test_neither_runs_a_detector_more_than_once_and_the_reach_never_runs_one(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(declared, title, summary, content):  # stands in for the detector
        calls.append(content)
        return "en"

    monkeypatch.setattr(rule_language, "article_language", counting)
    reach = _reach(ENGLISH, None)
    assert reach() is None and reach() is None and calls == []
    language = Language(make_article(ENGLISH, language=None))
    assert calls == []  # nothing until a rule asks
    assert language.code == "en" and language.code == "en"
    assert calls == [ENGLISH]


def test_the_language_code_is_the_feeds_declaration_else_detected() -> None:
    assert Language(make_article("Apa saja.", language="en-GB")).code == "en"
    assert Language(make_article(ENGLISH, language=None)).code == "en"
    assert (
        Language(make_article("Polisi menangkap komplotan penipu daring di Jakarta pekan lalu.", language=None)).code
        == "id"
    )
