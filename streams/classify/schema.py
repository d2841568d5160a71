"""The rule file schema, declared once: what an editor may write in rules/*.yaml.

Unknown keys are refused (``extra="forbid"``) so that a typo such as
``keywrods`` is an error with a suggestion, never a silently ignored line.
rules/README.md documents the same fields for editors.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "TermSpec",
    "TermListSpec",
    "ExampleSpec",
    "ExamplesSpec",
    "RuleSpec",
    "TopicFile",
    "SalienceSpec",
    "DenialSpec",
    "SenseSpec",
    "FrameSpec",
    "FIELDS",
    "LANGUAGES",
    "SEVERITIES",
]

Field_ = Literal["title", "summary", "content"]
FIELDS: tuple[Field_, ...] = ("title", "summary", "content")
LANGUAGES = ("id", "en", "vi", "ko", "ms")
SEVERITIES = ("low", "medium", "high", "critical")

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


class SalienceSpec(BaseModel):
    """When a rule's hits make the story about the topic, not a passing mention.

    The rule's hits are salient when one is in the title or the lead (the
    summary, or the first ``lead_words`` words of the content), or when there
    are at least ``min_hits`` of them. ``lead_words: 0`` and ``min_hits: 1``
    (the defaults) accept any hit.

    ``lead_paragraphs`` also ends the lead with the content's first
    paragraph(s): a name in the third paragraph of a short story is not in
    its lead, however few words came before. ``per_sentence`` counts the hits
    of one sentence as one mention ("pencurian aset kripto" is one passing
    mention, not two). ``mentions`` says which of the rule's terms are
    mentions of the topic; the others (company words such as "minister",
    "summit") then help the rule match but never make a passing mention
    salient.
    """

    model_config = _STRICT
    lead_words: int = Field(default=0, ge=0)
    min_hits: int = Field(default=1, ge=1)
    lead_paragraphs: int = Field(default=0, ge=0, le=20)
    per_sentence: bool = False
    title_alone_words: int = Field(default=0, ge=0)
    """> 0: a title hit alone makes the story only in a text shorter than this; a longer one must name the
    topic again in its lead, or ``min_hits`` times below the title (a film review, an obituary, a list)."""
    title_like_text: bool = False
    """True: when every hit below the title was voided (another sense, a denial: "apa bedanya kita dengan
    Korea Utara"), the title's hit is read the same way and alone does not make the story; ``min_hits``
    hits still do."""
    mentions: list[Item] = Field(default_factory=list)
    other_names: list[Item] = Field(default_factory=list)
    """The topic named without its name (the regime, its army, its spy agency, its cities, "the Jakarta
    secretariat"): below a title hit they name it again, and anywhere each adds a hit towards ``min_hits``.
    They never make a rule match, and alone they never make a lead."""
    beside: list[str] = Field(default_factory=list)
    """Topics whose stories make this one's lead not enough: beside a North Korea story, one sentence
    about crypto theft is a passing mention; only a title hit or ``min_hits`` sentences make the topic."""


def _windows_in_range(value: dict[str, int]) -> dict[str, int]:
    """Per-language reaches of 0 to 20 words, else an error naming the language."""
    for code, words in value.items():
        if not 0 <= words <= 20:
            raise ValueError(f"windows: {code}: {words} is out of range; give 0 to 20 words")
    return value


class HeadlineSpec(BaseModel):
    """A denial in the headline scopes the whole story: only these terms, this often, can overturn it."""

    model_config = _STRICT
    needs: list[Item] = Field(min_length=1)
    min_hits: int = Field(default=2, ge=1, le=20)


class FrameSpec(BaseModel):
    """A headline that frames the story as something else: a training, a contest, a product launch.

    When a ``title`` cue is in the headline ("BSSN Latih 300 ASN ...", "Ponsel
    Baru Bawa Fitur Deteksi Penipuan"), the topic's words in the story tell
    what the lesson or the feature is about, not a crime: the topic then needs
    ``min_hits`` hits of ``needs`` (a victim, a loss, an arrest) anywhere.
    """

    model_config = _STRICT
    why: str = Field(min_length=1)
    title: list[Item] = Field(min_length=1)
    needs: list[Item] = Field(min_length=1)
    min_hits: int = Field(default=1, ge=1, le=20)
    taken_back: bool = False
    """A denied hit anywhere in the story keeps the frame, however many ``needs`` it names: a
    correction that takes the crime back ("situs tidak diretas") is no crime story."""


class DenialSpec(BaseModel):
    """Cues that deny a hit in the same clause ("bukan serangan siber", "해킹은 아닌").

    ``before`` cues come before the hit (Indonesian, English, Vietnamese),
    ``after`` cues follow it (Korean; passives like "dibantah"), at most
    ``window`` words away, with no sentence, comma or "but" between; a cue
    inside an ``unless`` phrase ("bukan hanya", "not only") denies nothing.
    ``windows`` sets the reach per article language: Vietnamese counts every
    syllable as a word ("không phải là một cuộc tấn công mạng"), Korean glues
    particles to the noun ("해킹은 아닌"), so one size does not fit all.
    """

    model_config = _STRICT
    before: list[Item] = Field(default_factory=list)
    after: list[Item] = Field(default_factory=list)
    unless: list[Item] = Field(default_factory=list)
    window: int = Field(default=4, ge=0, le=20)
    windows: dict[Language, int] = Field(default_factory=dict)
    """Per article language, e.g. ``{vi: 8, ko: 3}``; other languages use ``window``."""
    headline: HeadlineSpec | None = None
    """When the title's hit is denied ("BKN Bantah Diretas"), the story needs ``min_hits`` of ``needs``."""

    @field_validator("windows")
    @classmethod
    def _reach(cls, value: dict[str, int]) -> dict[str, int]:
        return _windows_in_range(value)


class SenseSpec(BaseModel):
    """Another sense of the topic's words: hits next to these cues do not count.

    ``terms`` (default: every term of the topic) next to a ``before`` or
    ``after`` cue within ``window`` words in the same sentence; with
    ``min_cues: 2`` a hit needs two cues around it (a name in a list of
    countries); ``anywhere: true`` voids the terms when a cue is anywhere in
    the article; ``in_list: 4`` voids a hit listed among at least four names;
    ``fields`` limits the hits it may void to those fields (advice in the body
    is a tip, in the headline it is the story). ``why`` is shown in
    explanations.
    """

    model_config = _STRICT
    why: str = Field(min_length=1)
    terms: list[Item] = Field(default_factory=list)
    before: list[Item] = Field(default_factory=list)
    after: list[Item] = Field(default_factory=list)
    window: int = Field(default=1, ge=0, le=20)
    windows: dict[Language, int] = Field(default_factory=dict)
    """Per article language, like a denial's: Vietnamese counts every syllable as a word."""
    anywhere: bool = False
    """True: a cue anywhere in the article voids every hit of ``terms`` (a story about a hackathon)."""
    min_cues: int = Field(default=1, ge=1, le=10)
    fields: list[Field_] = Field(default_factory=lambda: list(FIELDS), min_length=1)
    """Where the hits it voids may be: ``[summary, content]`` leaves the headline's hits counting."""
    in_list: int = Field(default=0, ge=0, le=20)
    """N > 0: a hit that is one of at least N short names listed in its sentence ("Jepang, Iran, Korea Utara,
    dan Kuba": a medal table, a draw, a ranking) does not count; no cue words needed."""
    in_lines: int = Field(default=0, ge=0, le=20)
    """N > 0: a hit on a list line ("3. ...", "- ...", "TUESDAY: ...") with at least N such lines in a row (an
    agenda, a markets week ahead, a digest) does not count; no cue words needed."""

    @field_validator("windows")
    @classmethod
    def _reach(cls, value: dict[str, int]) -> dict[str, int]:
        return _windows_in_range(value)


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
    salience: SalienceSpec | None = None
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
    denials: DenialSpec | None = None
    senses: list[SenseSpec] = Field(default_factory=list)
    frames: list[FrameSpec] = Field(default_factory=list)
    salience: SalienceSpec | None = None
    rules: list[RuleSpec] = Field(min_length=1)
