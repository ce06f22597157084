"""The targets: indicators.yaml loaded into typed, validated models.

A broken file fails with :class:`CatalogueError`, whose problems each name the entry
(by position and id) and the key, so whoever edits the YAML can find the line to fix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import io
import os
import pickle
import re
import threading
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator, model_validator

from tracker import collector
from tracker.core.measures import MEASURES, measure

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "indicators.yaml"

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


class Jurisdiction(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    name: Names

    @field_validator("name")
    @classmethod
    def _plain(cls, v: "Names") -> "Names":
        _plain_name(v.vi)
        _plain_name(v.en)
        return v
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
    name: Names

    @field_validator("name")
    @classmethod
    def _plain(cls, v: "Names") -> "Names":
        _plain_name(v.vi)
        _plain_name(v.en)
        return v


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
    # document's words that name it, in the quote's sentence or paragraph (tests/test_agencies.py checks).
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


class Catalogue:
    # Programme files left out because they are damaged: (path, problems); see read_with_programmes.
    skipped_programmes: list = []

    def __init__(self, data: CatalogueFile):
        self.jurisdictions = {j.id: j for j in data.jurisdictions}
        self.documents = {d.id: d for d in data.documents}
        self.concepts = {c.id: c for c in getattr(data, "concepts", None) or []}
        # (unit, agency id) -> Agency: the departments that lead some targets (issue 21).
        self.agencies = {(a.jurisdiction, a.id): a for a in getattr(data, "agencies", None) or []}
        # Entries retired before any value was stored are kept in the file (ids never return) but
        # nowhere else: every page, form and deck reads ``indicators``.
        self.hidden_indicators = [i for i in data.indicators if i.hidden]
        self.indicators = [i for i in data.indicators if not i.hidden]
        self._by_id = {i.id: i for i in self.indicators}
        # Pages ask per unit many times a run; index once (a catalogue never changes after loading).
        self._by_unit: dict[str, list[Indicator]] = {}
        for i in self.indicators:
            self._by_unit.setdefault(i.jurisdiction, []).append(i)
        self._successors_of: dict[str, list[Jurisdiction]] = {}
        for j in self.jurisdictions.values():
            if j.successor:
                self._successors_of.setdefault(j.successor, []).append(j)
        self._inherited: dict[str, list[Indicator]] = {}
        self._predecessors: dict[str, list[Jurisdiction]] = {}

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def own_indicators(self, unit: str) -> list[Indicator]:
        return list(self._by_unit.get(unit, []))

    def predecessors(self, unit: str) -> list[Jurisdiction]:
        """Units whose targets passed to ``unit`` through mergers, nearest first."""
        if unit not in self._predecessors:
            found, frontier = [], [unit]
            while frontier:
                current = frontier.pop(0)
                for j in self._successors_of.get(current, []):
                    if j not in found:
                        found.append(j)
                        frontier.append(j.id)
            self._predecessors[unit] = found
        return list(self._predecessors[unit])

    def successor_chain(self, unit: str) -> list[Jurisdiction]:
        """The units that took over from ``unit``, in order (empty if it still exists)."""
        chain, seen = [], {unit}
        current = self.jurisdictions[unit]
        while current.successor and current.successor not in seen:
            current = self.jurisdictions[current.successor]
            seen.add(current.id)
            chain.append(current)
        return chain

    def current_unit(self, unit: str) -> str:
        """The unit that reports today for ``unit``'s targets."""
        chain = self.successor_chain(unit)
        return chain[-1].id if chain else unit

    def lineage_group(self, units) -> set[str]:
        """``units`` with every unit linked to them by mergers, either way: their results move together.

        A value Bắc Giang reports counts on Bắc Ninh's page too (and Bắc Ninh's on Bắc Giang's
        targets), so a change to one means both are assessed again. Units not in the catalogue
        are kept as they are.
        """
        found, frontier = set(units), list(units)
        while frontier:
            current = frontier.pop()
            j = self.jurisdictions.get(current)
            linked = [p.id for p in self._successors_of.get(current, [])] + ([j.successor] if j and j.successor else [])
            for u in linked:
                if u not in found:
                    found.add(u)
                    frontier.append(u)
        return found

    def subset(self, units) -> "Catalogue":
        """The same catalogue restricted to ``units`` and the targets they set (already validated)."""
        keep = set(units)
        return Catalogue(CatalogueFile.model_construct(
            jurisdictions=[j for j in self.jurisdictions.values() if j.id in keep],
            documents=list(self.documents.values()),
            indicators=[i for i in self.indicators if i.jurisdiction in keep],
            concepts=list(self.concepts.values()),
            agencies=[a for a in getattr(self, "agencies", {}).values() if a.jurisdiction in keep]))

    def indicators_for(self, unit: str) -> list[Indicator]:
        """Targets a unit reports on: its own and those it inherited from merged units."""
        if unit not in self._inherited:
            units = {unit} | {p.id for p in self.predecessors(unit)}
            self._inherited[unit] = [i for i in self.indicators if i.jurisdiction in units] if len(units) > 1 \
                else list(self._by_unit.get(unit, []))
        return list(self._inherited[unit])

    def reporting_units(self) -> list[str]:
        """Units that exist today and have targets of their own or inherited."""
        return [
            j.id
            for j in self.jurisdictions.values()
            if j.valid_to is None and (j.id in self._by_unit or self.indicators_for(j.id))
        ]

    def units_with_targets(self) -> list[str]:
        """Every unit that set targets itself, in the file's order."""
        return list(self._by_unit)

    def document_of(self, indicator: Indicator) -> Document:
        return self.documents[indicator.document]

    # --- Comparable indicators ------------------------------------------------------------

    def comparable(self, indicator_id: str) -> list[Indicator]:
        """The indicators that measure the same thing as ``indicator_id``, itself included.

        Only indicators sharing a ``concept`` are comparable across units; retired entries are
        left out. An indicator with no concept, or a retired one, is comparable with nothing: [].
        The compare page offers only these groups, so "sáng chế, giải pháp hữu ích" is never set
        beside "phát minh".
        """
        ind = self._by_id[indicator_id]
        if not ind.concept or ind.retired:
            return []
        return list(self.concept_groups().get(ind.concept, []))

    def concept_groups(self) -> dict[str, list[Indicator]]:
        """concept id -> its active (not retired) indicators in file order, for every declared concept.

        A concept with fewer than two indicators is still listed (an empty comparison is honest).
        """
        groups: dict[str, list[Indicator]] = {c: [] for c in self.concepts}
        for i in self.indicators:
            if i.concept and not i.retired:
                groups.setdefault(i.concept, []).append(i)
        return groups

    def reportable_indicators_for(self, unit: str) -> list[Indicator]:
        """The targets a form asks ``unit`` for: indicators_for minus retired entries and goals
        that no statistic measures (those are listed on pages, never asked for)."""
        return [i for i in self.indicators_for(unit) if i.assessable]

    # --- Lead agencies (issue 21) -----------------------------------------------------------

    def agencies_for(self, unit: str) -> list[Agency]:
        """The agencies leading some of the targets ``unit`` reports (its own and inherited ones), one per
        id, in catalogue order; [] for a unit whose targets name none (it reports on one whole form)."""
        table = getattr(self, "agencies", {})
        found: dict[str, Agency] = {}
        for ind in self.reportable_indicators_for(unit):
            if ind.agency_id and ind.agency_id not in found:
                found[ind.agency_id] = table.get((ind.jurisdiction, ind.agency_id)) or Agency(
                    id=ind.agency_id, jurisdiction=ind.jurisdiction,
                    name=ind.agency or Names(vi=ind.agency_id, en=ind.agency_id))
        return list(found.values())

    def agency(self, unit: str, agency_id: str) -> Agency | None:
        """``unit``'s agency of that id (one leading a target it reports), or None."""
        return next((a for a in self.agencies_for(unit) if a.id == agency_id), None)

    # --- Territory ------------------------------------------------------------------------

    def territory_of(self, indicator: Indicator) -> Territory | None:
        """The area ``indicator`` was set for, when it is not simply today's unit of that name."""
        return indicator.territory or self.documents[indicator.document].territory

    def covers_old_territory(self, indicator: Indicator, shown_under_unit: str) -> bool:
        """Whether the target, shown under ``shown_under_unit``, covers an area other than that unit's today.

        True for an inherited target (Bắc Giang's under Bắc Ninh) and for a unit's own target set
        before others merged into it (Khánh Hòa's, once Ninh Thuận joined); False when the unit
        shown is the one that set it and its area has not changed (or no longer exists, so its
        name already says which area).
        """
        if shown_under_unit != indicator.jurisdiction:
            return True
        doc = self.documents[indicator.document]
        merged_in = [p for p in self._successors_of.get(shown_under_unit, [])
                     if p.valid_to and (doc.date is None or p.valid_to >= doc.date)]
        return bool(merged_in) or indicator.territory is not None

    def territory_label(self, indicator: Indicator, shown_under_unit: str, lang: str = "vi") -> str:
        """The name to title a target with when it is shown under ``shown_under_unit``.

        "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ" for Bắc Giang's targets on Bắc Ninh's page;
        "Khánh Hòa — địa bàn tỉnh Khánh Hòa trước 01/7/2025" for Khánh Hòa's pre-merger targets;
        "Xã Lạc Dương — địa bàn huyện Lạc Dương cũ (nay chủ yếu thuộc xã Lạc Dương)"; just the
        unit's name when the target covers the unit as it is. Titles of pages, charts, slides,
        CSVs, forms and ``status --json`` call this one function so they all say the same.
        """
        name = self.name(shown_under_unit, lang)
        if not self.covers_old_territory(indicator, shown_under_unit):
            return name
        territory = self.territory_of(indicator)
        if territory is None:     # parse_catalogue requires one; a hand-built catalogue may lack it
            setter = self.name(indicator.jurisdiction, lang)
            return name if setter == name else f"{name} — {setter}"
        return f"{name} — {territory.label.get(lang)}"

    def name(self, unit: str, lang: str = "vi") -> str:
        return self.jurisdictions[unit].name.get(lang)


def _place(raw: dict, loc: tuple) -> str:
    """Turn a pydantic location into 'indicators[3] (bac-giang.x) → target.value'."""
    if len(loc) >= 2 and loc[0] in ("jurisdictions", "documents", "indicators", "concepts", "agencies") \
            and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        entry = raw.get(section, [])[index] if isinstance(raw.get(section), list) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        keys = [str(k) for k in loc[2:] if not (loc[2:3] == ("target",) and k in ("number", "direction", "milestone"))]
        where = f"{section}[{index}]" + (f" (id: {ident})" if ident else "")
        return where + (f" → {'.'.join(keys)}" if keys else "")
    return ".".join(str(k) for k in loc) or "(top level)"


def parse_catalogue(raw: object, path: Path | str = "indicators.yaml") -> Catalogue:
    """Validate already-parsed YAML; raise CatalogueError naming every problem."""
    if not isinstance(raw, dict):
        raise CatalogueError(path, ["the file must hold a mapping with jurisdictions, documents, indicators"])
    try:
        data = CatalogueFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "missing required key"
            elif err["type"] == "extra_forbidden":
                msg = "unknown key"
            problems.append(f"{_place(raw, err['loc'])}: {msg}")
        raise CatalogueError(path, problems) from None

    problems: list[str] = []
    # Sets and dicts only: membership in a list made these checks grow with the square of the units.
    jur_ids = {j.id for j in data.jurisdictions}
    doc_ids = {d.id for d in data.documents}
    for label, ids in (("jurisdictions", [j.id for j in data.jurisdictions]), ("documents", [d.id for d in data.documents]),
                       ("indicators", [i.id for i in data.indicators])):
        seen = set()
        for n, ident in enumerate(ids):
            if ident in seen:
                problems.append(f"{label}[{n}] (id: {ident}) → id: duplicate id")
            seen.add(ident)
    for n, j in enumerate(data.jurisdictions):
        for key in ("parent", "successor"):
            ref = getattr(j, key)
            if ref and ref not in jur_ids:
                problems.append(f"jurisdictions[{n}] (id: {j.id}) → {key}: unknown jurisdiction {ref!r}")
        for ref in j.split_into:
            if ref not in jur_ids:
                problems.append(f"jurisdictions[{n}] (id: {j.id}) → split_into: unknown jurisdiction {ref!r}")
    jurs = {j.id: j for j in data.jurisdictions}
    merged_into: dict[str, list[Jurisdiction]] = {}
    for j in data.jurisdictions:
        if j.successor and j.valid_to:
            merged_into.setdefault(j.successor, []).append(j)
    for n, d in enumerate(data.documents):
        if d.jurisdiction not in jur_ids:
            problems.append(f"documents[{n}] (id: {d.id}) → jurisdiction: unknown jurisdiction {d.jurisdiction!r}")
        elif d.territory is None and _area_changed(jurs, d, merged_into):
            problems.append(f"documents[{n}] (id: {d.id}) → territory: {d.jurisdiction}'s area changed after the "
                            "document was issued; say which territory its targets were set for")
    concept_ids = {c.id for c in data.concepts}
    seen = set()
    for n, c in enumerate(data.concepts):
        if c.id in seen:
            problems.append(f"concepts[{n}] (id: {c.id}) → id: duplicate id")
        seen.add(c.id)
    agency_table: dict[tuple[str, str], Agency] = {}
    for n, a in enumerate(data.agencies):
        if a.jurisdiction not in jur_ids:
            problems.append(f"agencies[{n}] (id: {a.id}) → jurisdiction: unknown jurisdiction {a.jurisdiction!r}")
        if (a.jurisdiction, a.id) in agency_table:
            problems.append(f"agencies[{n}] (id: {a.id}) → id: duplicate id for {a.jurisdiction}")
        agency_table[(a.jurisdiction, a.id)] = a
    with_agency = []
    for n, i in enumerate(data.indicators):
        if i.agency_id is None:
            continue
        a = agency_table.get((i.jurisdiction, i.agency_id))
        if a is None:
            problems.append(f"indicators[{n}] (id: {i.id}) → agency_id: {i.agency_id!r} is not in the agencies table "
                            f"of {i.jurisdiction}")
        elif i.agency is not None and i.agency != a.name:
            problems.append(f"indicators[{n}] (id: {i.id}) → agency: differs from agencies table entry {a.id!r} "
                            "(give agency_id alone)")
        else:
            with_agency.append((n, a))
    if with_agency and not problems:
        # The agency's names come from the table, so a page never shows two spellings of one department.
        indicators = list(data.indicators)
        for n, a in with_agency:
            indicators[n] = indicators[n].model_copy(update={"agency": a.name})
        data = data.model_copy(update={"indicators": indicators})
    by_id = {i.id: i for i in data.indicators}
    concept_units: dict[str, tuple[str, str, str]] = {}
    for n, i in enumerate(data.indicators):
        if i.jurisdiction not in jur_ids:
            problems.append(f"indicators[{n}] (id: {i.id}) → jurisdiction: unknown jurisdiction {i.jurisdiction!r}")
        if i.document not in doc_ids:
            problems.append(f"indicators[{n}] (id: {i.id}) → document: unknown document {i.document!r}")
        sector_ids = [s.id for s in i.sectors]
        if len(set(sector_ids)) != len(sector_ids):
            problems.append(f"indicators[{n}] (id: {i.id}) → sectors: duplicate sector id")
        if i.concept is not None:
            if i.concept not in concept_ids:
                problems.append(f"indicators[{n}] (id: {i.id}) → concept: unknown concept {i.concept!r}")
            else:
                # Same thing measured means the same unit of measure and the same rollup.
                first = concept_units.setdefault(i.concept, (i.id, i.unit, i.rollup_kind))
                if (first[1], first[2]) != (i.unit, i.rollup_kind):
                    problems.append(f"indicators[{n}] (id: {i.id}) → concept: {i.concept!r} is measured in "
                                    f"{first[1]} ({first[2]}) by {first[0]}, not {i.unit} ({i.rollup_kind})")
        if i.replaced_by is not None:
            new = by_id.get(i.replaced_by)
            if new is None:
                problems.append(f"indicators[{n}] (id: {i.id}) → replaced_by: unknown indicator {i.replaced_by!r}")
            elif new.retired or new.id == i.id:
                problems.append(f"indicators[{n}] (id: {i.id}) → replaced_by: {new.id} is retired itself")
    if problems:
        raise CatalogueError(path, problems)
    return Catalogue(data)


def _area_changed(jurs: dict[str, Jurisdiction], doc: Document, merged_into: dict[str, list[Jurisdiction]]) -> bool:
    """Whether the issuing unit was merged away or absorbed others after the document's date
    (``merged_into``: successor id -> the units that merged into it, each with its valid_to)."""
    j = jurs[doc.jurisdiction]
    if j.valid_to is not None and (doc.date is None or j.valid_to >= doc.date):
        return True
    return any(doc.date is None or o.valid_to >= doc.date for o in merged_into.get(j.id, ()))


def read_catalogue(path: Path | str = DEFAULT_PATH) -> Catalogue:
    """The catalogue of one file, read from its YAML (nothing kept on disk: parse_once does that)."""
    path = Path(path)
    return parse_catalogue(_read_yaml(path), path)


# --- The parsed YAML kept on disk, one copy per catalogue file --------------------------------------
# Reading YAML is most of a fresh server's start: libyaml scans fast, but PyYAML builds every node and
# value in Python (about 10 s for the benchmark's 29 MB file on this machine, against 0,3 s to unpickle
# what it produced). Validation and the cross-checks (1–2 s for 36 000 targets) run on every load, from
# the YAML or from the kept copy alike: nothing validated before is trusted, and a changed model takes
# effect without a stale copy to invalidate. The copy is kept per file, so a programme saved on the page
# reads only its own YAML, not indicators.yaml or a national catalogue beside it.
#
# Each kept file is named by the hash of the file's name and bytes and of the modules that shape the
# result (model_sources; the YAML reader lives in this module), and holds that hash again: a file that
# does not match, or does not load, is ignored and the YAML read as before. What it holds is only what
# PyYAML's safe loader makes (dicts, lists, strings, numbers, dates), and the unpickler refuses any other
# class, so even a planted file could not run code; it is also read only when owner-only
# (tracker.signing.read_owned), written only by this process, in the data folder.

CACHE_FORMAT = 2


def cache_dir() -> Path:
    """Where parsed catalogue files are kept: $TRACKER_CACHE_DIR, else a ``cache`` folder beside the
    catalogue folder (data/cache by default)."""
    env = os.environ.get("TRACKER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from tracker.settings import SettingsError, catalogue_dir

    try:
        return catalogue_dir().parent / "cache"
    except SettingsError:
        return ROOT / "data" / "cache"


def model_sources() -> tuple[Path, ...]:
    """The source files that shape a parsed catalogue: this module and every tracker module it imports,
    transitively (computed from the imports, so a model moved or newly imported is never left out)."""
    from tracker.module_sources import import_closure

    return import_closure(__name__)


def content_hash(paths: list[Path], sources: tuple[Path, ...] | None = None) -> str:
    """sha256 over PyYAML's and pydantic's versions, the name and bytes of each of ``sources`` (default:
    model_sources()) and every catalogue file's name and bytes."""
    import hashlib

    import pydantic

    h = hashlib.sha256(f"{CACHE_FORMAT}|{yaml.__version__}|{yaml.__with_libyaml__}|{pydantic.VERSION}|".encode())
    for source in model_sources() if sources is None else sources:
        code = source.read_bytes()
        h.update(f"|{source.parent.name}/{source.name}|{len(code)}|".encode())
        h.update(code)
    for p in paths:
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise CatalogueError(p, ["file not found"]) from None
        h.update(f"|{p.name}|{len(data)}|".encode())
        h.update(data)
    return h.hexdigest()


def _cache_file(digest: str) -> Path:
    return cache_dir() / f"catalogue-{digest[:32]}.pickle"


# The parsed YAML of a national catalogue is tens of megabytes; a kept file past this is not one.
_CACHE_MAX_BYTES = 512_000_000


class _YamlValuesUnpickler(pickle.Unpickler):
    """Builds only what yaml's safe loader makes: the builtins pickle writes without naming a class, and
    the datetime classes of YAML timestamps. Any other class refuses the whole file."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timezone"), ("datetime", "timedelta")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a YAML value")
        return super().find_class(module, name)


def _read_cached(file: Path, digest: str) -> tuple[bool, object]:
    """(True, the kept YAML values) or (False, None). Only a regular file of this user, not writable by
    others, in a folder likewise, is read (tracker.signing.read_owned): a FIFO there would hang the start,
    and a file others could write is not this process's."""
    from tracker import signing

    try:
        data = signing.read_owned(file, _CACHE_MAX_BYTES)
    except FileNotFoundError:
        return False, None
    except OSError as exc:
        print(f"NQ45 Tracker: bộ nhớ đệm danh mục không được dùng, đọc lại YAML / catalogue cache not used: {exc}",
              flush=True)
        return False, None
    try:
        stored = _YamlValuesUnpickler(io.BytesIO(data)).load()
    except Exception:   # truncated, damaged, planted, from another format: read the YAML instead
        return False, None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest):
        return False, None
    return True, stored[1]


def _write_cached(file: Path, digest: str, values: object) -> None:
    import tempfile

    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)   # owner-only, like the rest of data/
        blob = pickle.dumps((digest, values), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".catalogue-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:   # mkstemp: owner-only
                f.write(blob)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass   # a read-only data folder: the next start reads the YAML again, nothing else changes


def _drop_unused_copies(kept: set[Path]) -> None:
    """Remove the kept copies of files no longer in the catalogue or of their earlier versions."""
    try:
        for old in cache_dir().glob("catalogue-*.pickle"):
            if old not in kept:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _parse_files(paths: list[Path]) -> list[object]:
    """The YAML of each of ``paths``, read from the files (CatalogueError for one that cannot be)."""
    return [_read_yaml(p) for p in paths]


def _yaml_values(path: Path, used: set[Path] | None = None) -> object:
    """The YAML of ``path``: the kept copy when it matches the file's bytes, else read and kept. A file
    that cannot be read raises CatalogueError as reading it does; nothing is kept for it."""
    digest = content_hash([path])
    file = _cache_file(digest)
    if used is not None:
        used.add(file)
    found, values = _read_cached(file, digest)
    if found:
        return values
    values = _parse_files([path])[0]
    _write_cached(file, digest, values)
    return values


def parse_once(paths: list[Path]) -> Catalogue:
    """The catalogue made of ``paths`` (indicators.yaml first, then the programmes), each file's YAML read
    from its copy kept on disk when that matches its bytes, and everything validated. Broken files raise
    CatalogueError exactly as parsing does (a damaged programme is left out and named); nothing is kept
    for them."""
    main, *extra = paths
    used: set[Path] = set()
    with collector.paused():
        if extra:
            catalogue = read_with_programmes(main, extra, read=lambda p: _yaml_values(p, used))
        else:
            catalogue = parse_catalogue(_yaml_values(main, used), main)
    _drop_unused_copies(used)
    return catalogue


@functools.lru_cache(maxsize=2)   # this process's catalogue, and one other (a CLI's --catalogue)
def _cached(key: tuple) -> Catalogue:
    return parse_once([Path(p) for p, _ in key])


# One parse at a time: the server's warm-up and a first visitor asking at once share one result.
_loading = threading.Lock()


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The catalogue at ``path`` (default: indicators.yaml, or $TRACKER_CATALOGUE) with the programmes
    added through the dashboard (data/catalogue/*.yaml), cached per version of every one of those files:
    in this process by their names, modification times and sizes (catalogue_key: a programme saved by
    any process is seen at this process's next call), on disk by their bytes (parse_once)."""
    key = catalogue_key(path)
    with _loading:
        return _cached(key)


# --- Programmes added through the "Thêm chương trình" page --------------------------------------
# Each is one YAML file in the catalogue folder (settings.catalogue_dir) with the same keys as
# indicators.yaml, its source text beside it; loaded together with indicators.yaml.

PROGRAMME_KEYS = ("jurisdictions", "documents", "indicators", "concepts", "agencies")


def programme_files() -> list[Path]:
    """The saved programmes' YAML files, in name order (none when the folder does not exist)."""
    from tracker.settings import SettingsError, catalogue_dir

    try:
        folder = catalogue_dir()
    except SettingsError:
        return []
    if not folder.is_dir():
        return []
    _clean_parts(folder)
    return sorted(folder.glob("*.yaml"))


_cleaned: set[str] = set()


def _clean_parts(folder: Path) -> None:
    """Once per process: remove the ``.part`` files a save cut short (a full disk, a power cut) left."""
    if str(folder) in _cleaned:
        return
    _cleaned.add(str(folder))
    for part in folder.glob("*.part"):
        try:
            part.unlink()
        except OSError:
            pass


def catalogue_key(path: Path | str | None = None) -> tuple:
    """((file, (mtime, size)), …) of every catalogue file: what caches and snapshots are keyed on. Read
    afresh on each call (a stat per file), so a programme saved, edited or removed by any process, or a
    file put back from a backup with its old time but other bytes, changes the key at the next call."""
    main = Path(path or os.environ.get("TRACKER_CATALOGUE") or DEFAULT_PATH)
    key = []
    for f in [main, *programme_files()]:
        try:
            st = f.stat()
        except FileNotFoundError:
            raise CatalogueError(f, ["file not found"]) from None
        key.append((str(f), (st.st_mtime_ns, st.st_size)))
    return tuple(key)


def _read_yaml(path: Path) -> object:
    try:
        # libyaml's loader when PyYAML has it (the wheels do: yaml.__with_libyaml__), PyYAML's own otherwise
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise CatalogueError(path, ["file not found"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CatalogueError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None


def merge_programmes(main: dict, extras: list[dict]) -> dict:
    merged = {k: list(main.get(k) or []) for k in PROGRAMME_KEYS}
    for extra in extras:
        for k in PROGRAMME_KEYS:
            merged[k].extend(extra.get(k) or [])
    return merged


def _programme_values(path: Path, read) -> dict:
    raw = read(path)
    if not isinstance(raw, dict) or set(raw) - set(PROGRAMME_KEYS):
        raise CatalogueError(path, [f"a programme file holds only {', '.join(PROGRAMME_KEYS)}"])
    return raw


def read_with_programmes(main_path: Path, extra_paths: list[Path], read=None) -> Catalogue:
    """indicators.yaml and the saved programmes validated as one catalogue; a broken programme
    file is named in the error (each is checked with indicators.yaml alone first). ``read`` gives a
    file's YAML (default: read from the file; parse_once passes its kept copies)."""
    read = read or _read_yaml
    try:
        # Usually every file is sound: one validation of the whole, instead of one per programme.
        main = read(main_path)
        extras = [_programme_values(p, read) for p in extra_paths]
        catalogue = parse_catalogue(merge_programmes(main, extras), extra_paths[-1] if extras else main_path)
        catalogue.skipped_programmes = []
        return catalogue
    except (CatalogueError, OSError, UnicodeDecodeError):
        pass   # something is wrong: find what, file by file, as below
    main = read(main_path)
    parse_catalogue(main, main_path)
    extras, skipped = [], []
    for p in extra_paths:
        # A damaged programme (a file cut short by a power cut, edited by hand) is left out and named;
        # indicators.yaml and every other programme stay up. A broken indicators.yaml still raises.
        try:
            raw = _programme_values(p, read)
            parse_catalogue(merge_programmes(main, extras + [raw]), p)
        except CatalogueError as exc:
            skipped.append((str(p), list(exc.problems)))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            skipped.append((str(p), [f"{type(exc).__name__}: {exc}"]))
            continue
        extras.append(raw)
    catalogue = parse_catalogue(merge_programmes(main, extras), extra_paths[-1] if extras else main_path)
    catalogue.skipped_programmes = skipped
    return catalogue


def skipped_programme_notice(catalogue: "Catalogue", lang: str = "vi") -> str | None:
    """A sentence naming the programme files left out because they are damaged, and what to do."""
    skipped = getattr(catalogue, "skipped_programmes", None) or []
    if not skipped:
        return None
    names = "; ".join(f"{Path(p).name} ({problems[0] if problems else '?'})" for p, problems in skipped)
    if lang == "en":
        return (f"Programme file(s) damaged and left out: {names}. The rest of the site works. An administrator should "
                "restore the file from the backup (or remove it and add the programme again on the «Thêm chương trình» page).")
    return (f"Tệp chương trình bị hỏng nên tạm không dùng: {names}. Các phần khác vẫn hoạt động bình thường. Quản trị viên "
            "hãy khôi phục tệp từ bản sao lưu (hoặc xóa tệp và thêm lại chương trình ở trang «Thêm chương trình»).")


# A verbatim copy of ../shared/seeds, so that a clone on its own can still check every quote.
BUNDLED_SEEDS = ROOT / "seeds"


def shared_seeds_dir() -> Path:
    return ROOT.parent / "shared" / "seeds"


def seeds_dir() -> Path:
    """Where the source documents are: $TRACKER_SEEDS, else ../shared/seeds beside the repo, else seeds/."""
    env = os.environ.get("TRACKER_SEEDS")
    if env:
        return Path(env)
    shared = shared_seeds_dir()
    return shared if shared.exists() else BUNDLED_SEEDS


def lineage_text(catalogue: Catalogue, unit: str, lang: str = "vi") -> list[str]:
    """Sentences on a unit's 2025 merger history, for the pages and the forms."""
    from tracker.i18n import fmt_date, in_sentence, t

    j = catalogue.jurisdictions[unit]
    lines = []
    if j.successor:
        succ = catalogue.jurisdictions[j.successor]
        day = j.valid_to + dt.timedelta(days=1)
        lines.append(t("cat.lineage.successor", lang, date=fmt_date(day, lang), name=in_sentence(succ.name.get(lang), lang)))
    if j.split_into:
        lines.append(t("cat.lineage.split", lang, names=", ".join(in_sentence(catalogue.name(u, lang), lang)
                                                                  for u in j.split_into)))
    preds = [p for p in catalogue.predecessors(unit) if catalogue.own_indicators(p.id)]
    if preds:
        lines.append(t("cat.lineage.inherits", lang, names=", ".join(in_sentence(p.name.get(lang), lang) for p in preds)))
    if j.note and not j.successor:
        lines.append(j.note.get(lang))
    return lines


def catalogue_rows(catalogue: Catalogue, lang: str = "vi", units: list[str] | None = None,
                   kinds: list[str] | None = None) -> list[dict]:
    """One plain row per target, labelled in ``lang``: what the catalogue page and exports show."""
    from tracker.i18n import fmt_target, t

    rows = []
    for ind in catalogue.indicators:
        if units and ind.jurisdiction not in units:
            continue
        if kinds and ind.kind not in kinds:
            continue
        doc = catalogue.document_of(ind)
        rows.append({
            "unit": ind.jurisdiction,
            "id": ind.id,
            "name": ind.name.get(lang),
            "kind": t(f"kind.{ind.kind}", lang),
            "kind_code": ind.kind,
            "target": fmt_target(ind, lang),
            "year": getattr(ind.target, "year", None) or (ind.target.due.year if getattr(ind.target, "due", None) else None),
            "measure": ind.unit_label(lang),
            "section": ind.section,
            "quote": ind.quote,
            "agency": ind.agency.get(lang) if ind.agency else "",
            "sectors": ", ".join(s.name.get(lang) for s in ind.sectors),
            "document": f"{doc.kind} {doc.number or ''} — {doc.issuer}".replace("  ", " "),
            "territory": territory.name.get(lang) if (territory := catalogue.territory_of(ind)) else "",
            "state": entry_state(ind, lang),
            "concept": catalogue.concepts[ind.concept].name.get(lang) if ind.concept in catalogue.concepts else "",
        })
    return rows


def entry_state(ind: Indicator, lang: str = "vi") -> str:
    """What a reader must know before reading an entry's status: replaced, unmeasured, derived (or '')."""
    from tracker.i18n import t

    if ind.retired:
        return t("cat.state.replaced", lang, new=ind.replaced_by or "—")
    if not ind.measurable:
        return t("cat.state.unmeasured", lang)
    if ind.derived:
        return t("cat.state.derived", lang)
    return ""
