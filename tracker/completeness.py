"""Completeness of a report window: which units (and, where the catalogue names a lead agency, which
agencies) have submitted real data for the period, on time or late.

A six- or nine-month report carries the quarterly targets of its last quarter (H1: Q2, M9: Q3), so its
completeness is that quarter's. Demo and withdrawn submissions never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker.calendar import Window
from tracker.catalogue import Catalogue
from tracker.periods import Period


# Uploads are stored in UTC; a deadline is a day in Vietnam (UTC+7, no daylight saving).
VIETNAM = dt.timedelta(hours=7)


def _local_day(uploaded_at: dt.datetime) -> dt.date:
    return (uploaded_at + VIETNAM).date() if uploaded_at.tzinfo is None else uploaded_at.astimezone(
        dt.timezone(VIETNAM)).date()


def upload_period(period: Period) -> Period:
    """The period whose uploads a report is made of: itself, or the last quarter of an H1 / M9 report."""
    if period.months:
        return Period(period.year, period.months // 3)
    return period


@dataclass(frozen=True)
class UnitReturn:
    unit: str
    # The first real (not demo, not withdrawn) submission's date, None while nothing is in.
    submitted_on: dt.date | None
    on_time: bool | None
    # Lead agency (Vietnamese name) -> whether one of its targets has a value for the period.
    agencies: dict[str, bool] = field(default_factory=dict)

    def state(self) -> str:
        """"missing", "on_time" or "late"."""
        if self.submitted_on is None:
            return "missing"
        return "on_time" if self.on_time else "late"


@dataclass(frozen=True)
class Completeness:
    window: Window
    units: list[UnitReturn]

    @property
    def submitted(self) -> int:
        return sum(u.submitted_on is not None for u in self.units)

    def missing(self) -> list[str]:
        return [u.unit for u in self.units if u.submitted_on is None]

    def summary(self, lang: str = "vi") -> str:
        label = self.window.period.label(lang)
        if lang == "en":
            return f"{self.submitted}/{len(self.units)} units have submitted {label}"
        return f"{self.submitted}/{len(self.units)} đơn vị đã nộp {label}"

    def to_dict(self) -> dict:
        return {"period": self.window.period.code, "due": self.window.due.isoformat(),
                "submitted": self.submitted, "expected": len(self.units),
                "units": [{"unit": u.unit, "state": u.state(),
                           "submitted_on": u.submitted_on.isoformat() if u.submitted_on else None,
                           "agencies": [{"agency": a, "submitted": done} for a, done in u.agencies.items()]}
                          for u in self.units]}


def expected_targets(cat: Catalogue, unit: str, period: Period) -> list:
    frequency = "quarter" if upload_period(period).is_quarter else "year"
    return [i for i in cat.indicators_for(unit) if i.reporting_frequency == frequency and not i.retired]


def completeness(cat: Catalogue, store, window: Window) -> Completeness:
    """How far the window's period has come in, from the store's live real submissions."""
    period = upload_period(window.period).code
    units = [u for u in cat.reporting_units() if expected_targets(cat, u, window.period)]
    observations = store.current_observations(units=units)
    milestones = store.current_milestones(units=units)
    real_rows = [frame[(frame["period"] == period) & ~frame["is_demo"].astype(bool)]
                 for frame in (observations, milestones) if len(frame)]
    reported: dict[str, set[str]] = {}
    for frame in real_rows:
        for unit, indicator in zip(frame["unit"], frame["indicator_id"]):
            reported.setdefault(unit, set()).add(indicator)
    first: dict[str, dt.date] = {}
    submissions = {s.id: s for s in store.submissions(period=period, include_withdrawn=False) if not s.is_demo}
    for frame in real_rows:
        for unit, sid in zip(frame["unit"], frame["submission_id"]):
            s = submissions.get(int(sid))
            if s is not None:
                day = _local_day(s.uploaded_at)
                first[unit] = min(first.get(unit, day), day)
    for s in submissions.values():     # a unit's form counts even when every value in it was superseded
        if s.unit in units:
            first[s.unit] = min(first.get(s.unit, _local_day(s.uploaded_at)), _local_day(s.uploaded_at))
    out = []
    for unit in units:
        agencies: dict[str, bool] = {}
        for ind in expected_targets(cat, unit, window.period):
            if ind.agency:
                name = ind.agency.get("vi")
                agencies[name] = agencies.get(name, False) or ind.id in reported.get(unit, set())
        day = first.get(unit)
        out.append(UnitReturn(unit, day, None if day is None else window.on_time(day), agencies))
    return Completeness(window, out)
