"""What a form carries and what the store keeps: observations, milestone updates, submissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from tracker.core.report import ValidationReport

MILESTONE_STATUSES = ("not_started", "in_progress", "done")
# What kind of figure a value is (issue 20): an estimate (ước tính / ước thực hiện), preliminary (sơ bộ)
# or official (chính thức). For one indicator, unit, period and sector the current value is the best
# kind present, and the latest upload within that kind.
VALUE_STATUSES = ("estimate", "preliminary", "official")
VALUE_STATUS_RANK = {s: n for n, s in enumerate(VALUE_STATUSES, 1)}


@dataclass(frozen=True)
class Observation:
    indicator_id: str
    unit: str          # the jurisdiction that reported (a successor reports inherited targets)
    period: str        # "2026-Q3" or "2026"
    value: float
    sector: str = ""   # sector id for per-sector targets, "" otherwise
    note: str = ""
    source: str = ""
    # "target": the area the target was set for (for an inherited target, the old province's area);
    # "whole": the reporting unit's whole area today, given where the old area cannot be separated.
    territory: str = "target"
    value_status: str = "official"


TERRITORIES = ("target", "whole")


@dataclass(frozen=True)
class MilestoneUpdate:
    indicator_id: str
    unit: str
    period: str
    status: str        # one of MILESTONE_STATUSES
    completed_on: dt.date | None = None
    evidence: str = ""


@dataclass
class ParsedForm:
    """An uploaded workbook as read by ingest: what it says and what is wrong with it."""

    file_name: str
    sha256: str
    unit: str | None = None
    period: str | None = None
    form_version: str | None = None
    # A list, or for a bulk file the ObservationRows the reader keeps its columns in.
    observations: list[Observation] = field(default_factory=list)
    milestones: list[MilestoneUpdate] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    # The agency whose form this is (an agency id of the unit, issue 21); None: the whole unit's form.
    # Last, so that forms built by position (file, sha, unit, period, version, observations, milestones)
    # keep their meaning.
    agency: str | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok


@dataclass(frozen=True)
class Submission:
    id: int
    file_name: str
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime
    unit: str
    period: str
    observation_count: int
    milestone_count: int
    status: str                     # accepted | rejected | withdrawn
    report_json: str = "{}"
    withdrawn_by: str | None = None
    withdrawn_at: dt.datetime | None = None
    withdraw_reason: str | None = None
    is_demo: bool = False
    override_reason: str | None = None  # why an admin wrote into a locked period
    # Issue 21: 'submitted' (waiting for an approver), 'approved' (current) or 'returned' (with the reason).
    approval: str = "approved"
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    decision_reason: str | None = None
    agency: str | None = None           # the department that filled the form (None: the whole unit)


# --- ingestspeed: observations held as columns -----------------------------------------------------------

class ObservationRows(Sequence):
    """Observations kept as columns, one a field of :class:`Observation` (the bulk reader's 100 000 rows):
    an Observation object is made only for a row that is asked for, and the store writes the columns as
    they are (``columns``). A column is a list, or for text a pandas Categorical (codes into the distinct
    values, none missing). Read like a list of Observations; compared equal to one."""

    FIELDS = tuple(f.name for f in fields(Observation))

    def __init__(self, columns: dict[str, list]):
        missing = [f for f in self.FIELDS if f not in columns]
        lengths = {len(columns[f]) for f in self.FIELDS if f in columns}
        if missing or len(lengths) > 1:
            raise ValueError(f"observation columns: missing {missing}, lengths {sorted(lengths)}")
        self.columns = {f: columns[f] for f in self.FIELDS}
        self._length = lengths.pop() if lengths else 0

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return Observation(*(column[index] for column in self.columns.values()))

    def __iter__(self):
        return map(Observation, *self.columns.values())

    def __eq__(self, other) -> bool:
        if isinstance(other, (list, tuple, ObservationRows)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ObservationRows({self._length} rows)"
