"""Fixtures for the classification tests: rule directories in tmp_path, articles."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest

from pantau.core.article import Article

ROOT = Path(__file__).resolve().parents[3]
SHIPPED_RULES = ROOT / "rules"
CORPUS = ROOT / "rules" / "corpus"

MINIMAL = """\
topic: {topic}
title: {topic}
owner: tests@example.org
{body}
"""


def make_article(content: str = "", *, title: str = "", summary: str = "", language: str | None = "id") -> Article:
    """An Article with just the text fields a test cares about."""
    return Article(
        id="t",
        url="https://example.org/a",
        title=title,
        summary=summary,
        content=content,
        fetched=datetime.now(timezone.utc),
        feed="test",
        language=language,
    )


@pytest.fixture
def article() -> Callable[..., Article]:
    """Factory: article(content, title=..., summary=..., language=...)."""
    return make_article


@pytest.fixture
def rules_dir(tmp_path: Path) -> Callable[..., Path]:
    """Factory: rules_dir(topic=yaml_body, ...) writes one file per topic and returns the directory."""

    def write(directory: Path | None = None, **files: str) -> Path:
        target = directory or tmp_path / "rules"
        target.mkdir(parents=True, exist_ok=True)
        for topic, body in files.items():
            topic = topic.replace("_", "-")
            text = textwrap.dedent(body)
            if not text.lstrip().startswith("topic:"):
                text = MINIMAL.format(topic=topic, body=text)
            (target / f"{topic}.yaml").write_text(text, encoding="utf-8")
        return target

    return write
