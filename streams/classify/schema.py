"""The rule file schema, declared once: what an editor may write in rules/*.yaml.

Unknown keys are refused (``extra="forbid"``) so that a typo such as
``keywrods`` is an error with a suggestion, never a silently ignored line.
rules/README.md documents the same fields for editors.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "TermSpec",
    "TermListSpec",
    "ExampleSpec",
    "ExamplesSpec",
    "RuleSpec",
    "TopicFile",
    "FIELDS",
    "LANGUAGES",
    "SEVERITIES",
]

FIELDS = ("title", "summary", "content")
LANGUAGES = ("id", "en", "vi", "ko", "ms")
SEVERITIES = ("low", "medium", "high", "critical")

Field_ = Literal["title", "summary", "content"]
Language = Literal["id", "en", "vi", "ko", "ms"]
Severity = Literal["low", "medium", "high", "critical"]
_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TermSpec(BaseModel):
    """One term written out in full, when it needs a weight or exact matching."""

    model_config = _STRICT
    term: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)
    exact: bool = False
    """True: match only as written (no Indonesian affixes, no English endings)."""


Item = str | TermSpec


class TermListSpec(BaseModel):
    """A named list with options that apply to every term in it."""

    model_config = _STRICT
    terms: list[Item] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)
    exact: bool = False
    description: str = ""


class ExampleSpec(BaseModel):
    """An example article, when a plain text is not enough."""

    model_config = _STRICT
    title: str = ""
    summary: str = ""
    content: str = ""
    language: Language | None = None


Example = str | ExampleSpec


class ExamplesSpec(BaseModel):
    """Texts the rule must match and must not match; checked on every load."""

    model_config = _STRICT
    should_match: list[Example] = Field(default_factory=list)
    should_not_match: list[Example] = Field(default_factory=list)


class RuleSpec(BaseModel):
    """One rule: when it matches, the article belongs to the file's topic."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = ""
    description: str = ""
    enabled: bool = True
    any: list[Item] = Field(default_factory=list)
    all: list[Item] = Field(default_factory=list)
    none: list[Item] = Field(default_factory=list)
    query: str | None = None
    fields: list[Field_] = Field(default_factory=lambda: list(FIELDS))
    languages: list[Language] = Field(default_factory=list)
    min_score: float = Field(default=1.0, ge=0)
    title_boost: float = Field(default=2.0, ge=1)
    max_per_term: int = Field(default=3, ge=1)
    severity: Severity = "medium"
    tags: list[str] = Field(default_factory=list)
    examples: ExamplesSpec = Field(default_factory=ExamplesSpec)


class TopicFile(BaseModel):
    """A whole rule file: one topic, its named term lists and its rules."""

    model_config = _STRICT
    topic: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    owner: str
    enabled: bool = True
    regex_budget_ms: float = Field(default=50.0, gt=0, le=5000)
    terms: dict[str, list[Item] | TermListSpec] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(min_length=1)
