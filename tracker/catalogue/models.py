"""The catalogue's entries as typed, validated models (pydantic): units, documents, targets, and the
error a broken file raises.

A broken file fails with :class:`CatalogueError`, whose problems each name the entry
(by position and id) and the key, so whoever edits the YAML can find the line to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from tracker.core.measures import MEASURES, measure

Comparator = Literal[">", ">=", "=", "~", "<=", "<"]
Level = Literal["province", "city", "district", "commune", "ward"]
NUMERIC_KINDS = ("stock", "flow", "ratio", "growth", "rank")
Kind = Literal["stock", "flow", "ratio", "growth", "rank", "direction", "milestone"]

# Units a target may be measured in, with their labels. A new unit is added here first.
# The unit keys a catalogue may use, with their labels (tracker.core.measures holds every fact of a unit).
UNITS: dict[str, dict[str, str]] = {k: {"vi": m.vi, "en": m.en} for k, m in MEASURES.items()}

# Default tolerance for "khoảng" (~) targets, relative to the target value.
DEFAULT_TOLERANCE = 0.05


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


# Names typed by admins (a unit, a document's issuer) are shown on every page, often inside Markdown:
# a character that Markdown or HTML acts on ("![x](http://…)" makes every visitor's browser fetch it,
# "$…$" is typeset, "<b>" …) is refused, so that no page has to remember to escape them.
_MARKUP = re.compile(r"[<>\[\]`*_|\\$~{}]|\]\(|^\s*[#>=+-]|[\x00-\x1f\x7f]")


def _plain_name(text: str) -> str:
    found = _MARKUP.search(text)
    if found:
        raise ValueError(f"name {text[:60]!r} contains {found.group(0)!r}: names are plain text (no Markdown, HTML "
                         "or control characters)")
    return text


def _plain_names(names: "Names") -> "Names":
    _plain_name(names.vi)
    _plain_name(names.en)
    return names


# A unit's or an agency's name in both languages, plain text only (it is drawn on pages and forms).
PlainNames = Annotated["Names", AfterValidator(_plain_names)]


class Jurisdiction(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    name: PlainNames
    level: Level
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # The unit that took over this one's targets and reporting after a merger.
    successor: str | None = None
    # Every unit the area went to, when it was split (the successor is one of them).
    split_into: list[str] = Field(default_factory=list)
    note: Names | None = None

    @model_validator(mode="after")
    def _lineage(self) -> "Jurisdiction":
        if self.successor and not self.valid_to:
            raise ValueError("successor given without valid_to")
        if self.split_into and self.successor and self.successor not in self.split_into:
            raise ValueError("successor must be one of split_into")
        return self


class Territory(Strict):
    """The area a target was set for: the unit as it was when its document was issued.

    ``name`` says it in full ("tỉnh Bắc Giang trước 01/7/2025"); ``label`` is what follows the
    unit a target is shown under ("Bắc Ninh — địa bàn tỉnh Bắc Giang cũ").
    """

    name: Names
    label: Names


class Document(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=160)
    jurisdiction: str
    issuer: str

    @field_validator("issuer")
    @classmethod
    def _plain_issuer(cls, v: str) -> str:
        return _plain_name(v)
    kind: str
    number: str | None = None
    date: dt.date | None = None
    title: str
    file: str = Field(pattern=r"^[0-9a-zA-Z_]+\.txt$")
    signed_by: str | None = None
    # Required when the issuing unit's area has changed since (merged away, or others merged in):
    # its targets keep covering the old area, and every title must say so.
    territory: Territory | None = None


class Concept(Strict):
    """What several units' indicators all measure; only indicators sharing a concept are compared."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: Names
    definition: Names


class Agency(Strict):
    """A department of a unit that leads some of its targets and may report them on its own form (issue 21):
    ``id`` is the stable slug forms, accounts (``user add --agency``) and submissions name it by."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    jurisdiction: str
    name: PlainNames


class Baseline(Strict):
    value: float
    year: int = Field(ge=2000, le=2030)
    source: str


class NumericTarget(Strict):
    comparator: Comparator
    value: float
    year: int = Field(ge=2024, le=2050)
    # For "~": how far from value still counts as met, in the indicator's unit.
    tolerance: float | None = Field(default=None, ge=0)
    # Judged on the average of the years (e.g. "trung bình 100 bài báo/năm").
    average: bool = False
    # For targets that hold every year from a given year on ("từ năm 2030, hàng năm ...").
    from_year: int | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, v):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"target value must be a number, got {v!r}")
        return v

    def effective_tolerance(self) -> float:
        if self.comparator != "~":
            return 0.0
        return self.tolerance if self.tolerance is not None else abs(self.value) * DEFAULT_TOLERANCE


class DirectionTarget(Strict):
    direction: Literal["increase", "decrease"]
    year: int = Field(ge=2024, le=2050)


class MilestoneTarget(Strict):
    # Last day by which the task is due; None for standing tasks with no deadline.
    due: dt.date | None = None
    # The deadline as the document words it ("hoàn thành trong quý III/2024").
    due_text: str | None = None
    # Standing tasks ("thực hiện thường xuyên"), possibly starting at a date.
    recurring: bool = False
    start: dt.date | None = None
    # Recurring tasks the document asks for every year ("hằng năm", "định kỳ"): judged per
    # calendar year from ``start`` (done this year / not yet / overdue once a year ends undone).
    every: Literal["year"] | None = None
    # Tasks worded "định kỳ" (periodically) with no cycle in the document: standing, shown with the
    # date last reported, never overdue by a cycle the document does not set.
    periodic: bool = False

    @model_validator(mode="after")
    def _every(self) -> "MilestoneTarget":
        if self.periodic and (not self.recurring or self.every or self.due is not None):
            raise ValueError("periodic: a periodic task is recurring, with no cycle (every) and no due date")
        if self.every and not self.recurring:
            raise ValueError("every: only a recurring task is repeated")
        if self.every and self.start is None:
            raise ValueError("every: give start, the first day of the first year the task is judged")
        if self.every and self.due is not None:
            raise ValueError("every: a task repeated each year has no single due date")
        return self


def _target_form(value) -> str:
    """Which target model a target mapping is, from its keys, so errors point at the right one."""
    keys = set(value) if isinstance(value, dict) else set(type(value).model_fields) if isinstance(value, BaseModel) else set()
    if "direction" in keys:
        return "direction"
    if keys & {"due", "due_text", "recurring", "start", "every", "periodic"} and "value" not in keys:
        return "milestone"
    return "number"


class Sector(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: Names


class Indicator(Strict):
    # <unit>.<slug> for the bundled documents; <unit>.<document-slug>.<slug> for programmes added by an admin,
    # so a successor's own programme never collides with the targets it inherited.
    id: str = Field(pattern=r"^[a-z0-9-]+\.[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)?$")
    jurisdiction: str
    document: str
    section: str = Field(min_length=1)
    quote: str = Field(min_length=10)
    name: Names
    kind: Kind
    unit: str
    target: Annotated[
        Union[
            Annotated[NumericTarget, Tag("number")],
            Annotated[DirectionTarget, Tag("direction")],
            Annotated[MilestoneTarget, Tag("milestone")],
        ],
        Discriminator(_target_form),
    ]
    baseline: Baseline | None = None
    sectors: list[Sector] = Field(default_factory=list)
    # Who is responsible (milestones; the agency named in the document).
    agency: Names | None = None
    # The lead agency of a target as an id of the agencies table (its unit's); ``agency`` is then filled
    # from the table. Given only where the document names the agency, and ``agency_quote`` holds the
    # document's words that name it, in the quote's sentence or paragraph (tests/catalogue/test_agencies.py checks).
    agency_id: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    agency_quote: str | None = None
    # How quarters roll up for a direction-only target: counted per period or a level.
    rollup: Literal["flow", "stock"] | None = None
    # How often it is reported: "quarter" or "year" (by default shares, growth and ranks are yearly).
    frequency: Literal["quarter", "year"] | None = None
    note: Names | None = None
    # Indicators of different units that measure the same thing share a concept (concepts: list).
    concept: str | None = None
    # The area this target covers, when it differs from its document's territory.
    territory: Territory | None = None
    # Built by the catalogue from a task, not stated as a target by the document (note says how).
    derived: bool = False
    # A goal no statistic can be entered for ("thuộc nhóm 10 tỉnh dẫn đầu"): listed, never assessed.
    measurable: bool = True
    # An entry whose meaning changed is never redefined: it is retired, kept with its stored
    # values, and points at the entry that replaces it.
    retired: bool = False
    replaced_by: str | None = None
    # Retired before any value was stored for it (a wrong row saved from a programme): it has no
    # history to keep in sight, so progress pages, forms and decks never show it.
    hidden: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "Indicator":
        if self.hidden and not self.retired:
            raise ValueError("hidden: only a retired entry is hidden")
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {', '.join(UNITS)}")
        expected = {"milestone": MilestoneTarget, "direction": DirectionTarget}.get(self.kind, NumericTarget)
        if not isinstance(self.target, expected):
            raise ValueError(f"kind {self.kind} needs a target of the form {expected.__name__}")
        if self.kind == "ratio" and self.unit != "percent":
            raise ValueError("a ratio is measured in percent")
        if not self.id.startswith(self.jurisdiction + "."):
            raise ValueError(f"id must start with its jurisdiction '{self.jurisdiction}.'")
        if self.derived and self.note is None:
            raise ValueError("derived: a derived target needs a note saying what it was built from")
        if self.replaced_by and not self.retired:
            raise ValueError("replaced_by: only a retired entry is replaced")
        if self.retired and self.note is None:
            raise ValueError("retired: a retired entry needs a note saying why")
        if not self.measurable and not (self.is_numeric or self.kind == "direction"):
            raise ValueError("measurable: only a numeric or directional goal can lack a statistic")
        if self.agency_quote and not self.agency_id:
            raise ValueError("agency_quote: give agency_id, the agency the words name")
        if self.agency_id and not self.agency_quote:
            raise ValueError("agency_id: give agency_quote, the document's words that name the agency")
        return self

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def is_milestone(self) -> bool:
        return self.kind == "milestone"

    @property
    def rollup_kind(self) -> str:
        """How quarters roll up to a year for this indicator."""
        if self.kind == "direction":
            return self.rollup or "flow"
        return self.kind

    @property
    def reporting_frequency(self) -> str:
        if self.frequency:
            return self.frequency
        return "year" if self.kind in ("ratio", "growth", "rank") else "quarter"

    @property
    def assessable(self) -> bool:
        """Whether progress is judged: not for retired entries, nor goals no statistic measures."""
        return self.measurable and not self.retired

    @property
    def slug(self) -> str:
        return self.id.split(".", 1)[1]

    def unit_label(self, lang: str = "vi") -> str:
        return measure(self.unit).label(lang)


class CatalogueFile(Strict):
    jurisdictions: list[Jurisdiction]
    documents: list[Document]
    indicators: list[Indicator]
    concepts: list[Concept] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)


class CatalogueError(ValueError):
    """The catalogue file is broken; ``problems`` lists each place and what is wrong."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in problems))

