"""Completeness of a report window: which units (and, where the catalogue names a lead agency, which
agencies) have submitted real data for the period, on time or late.

A six- or nine-month report carries the quarterly targets of its last quarter (H1: Q2, M9: Q3), so its
completeness is that quarter's. Demo and withdrawn submissions never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker.core.calendar import Window
from tracker.catalogue import Catalogue
from tracker.core.periods import Period


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


# Approval states of a submission that count as "submitted" (issue 20/21): pending or approved, not returned.
COUNTING_APPROVALS = ("submitted", "approved")


def counts(submission) -> bool:
    """Whether a live submission counts towards completeness: real (not demo) and not returned. Stores made
    before the approval step have no state: their submissions are approved."""
    return not submission.is_demo and getattr(submission, "approval", "approved") in COUNTING_APPROVALS


@dataclass(frozen=True)
class AgencyReturn:
    """One lead agency of a unit for the period: whether it has submitted, on time or late.

    ``id`` is the agency's id where the catalogue gives one (a department with its own form); None for a body
    named on tasks only, which has "submitted" once one of its targets has a value for the period."""

    id: str | None
    name_vi: str
    name_en: str
    submitted_on: dt.date | None
    on_time: bool | None

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None

    def state(self) -> str:
        if self.submitted_on is None:
            return "missing"
        return "on_time" if self.on_time else "late"

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi

    def line(self, lang: str = "vi") -> str:
        """"Sở KH&CN: đã nộp 15/12/2026 (đúng hạn)" / "Sở Nội vụ: chưa nộp"; a body named on tasks only does not
        submit forms of its own: "… : đã có số liệu" / "chưa có số liệu"."""
        from tracker.core.i18n import fmt_date

        if self.id is None:
            has = self.submitted_on is not None
            return f"{self.name(lang)}: " + (("has figures" if has else "no figures yet") if lang == "en" else
                                             ("đã có số liệu" if has else "chưa có số liệu"))
        if self.submitted_on is None:
            return f"{self.name(lang)}: {'not yet submitted' if lang == 'en' else 'chưa nộp'}"
        when = fmt_date(self.submitted_on, lang)
        if lang == "en":
            return f"{self.name(lang)}: submitted {when} ({'on time' if self.on_time else 'late'})"
        return f"{self.name(lang)}: đã nộp {when} ({'đúng hạn' if self.on_time else 'muộn'})"


@dataclass(frozen=True)
class UnitReturn:
    unit: str
    # The first real (not demo, not withdrawn, not returned) submission's date, None while nothing is in.
    submitted_on: dt.date | None
    on_time: bool | None
    # The lead agencies of the unit's expected targets, in catalogue order.
    agencies: list[AgencyReturn] = field(default_factory=list)

    def state(self) -> str:
        """"missing", "on_time" or "late"."""
        if self.submitted_on is None:
            return "missing"
        return "on_time" if self.on_time else "late"

    def departments(self) -> list[AgencyReturn]:
        """The agencies with an id: departments that submit forms of their own."""
        return [a for a in self.agencies if a.id]

    def agency_line(self, lang: str = "vi") -> str:
        """"Sở KH&CN: đã nộp …; Sở Nội vụ: chưa nộp" ('' when no target of the unit names a department)."""
        return "; ".join(a.line(lang) for a in self.departments())


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
                           "agencies": [{"agency": a.name_vi, "agency_en": a.name_en, "id": a.id, "submitted": a.submitted,
                                         "state": a.state(),
                                         "submitted_on": a.submitted_on.isoformat() if a.submitted_on else None}
                                        for a in u.agencies]}
                          for u in self.units]}


def expected_targets(cat: Catalogue, unit: str, period: Period) -> list:
    frequency = "quarter" if upload_period(period).is_quarter else "year"
    return [i for i in cat.indicators_for(unit) if i.reporting_frequency == frequency and not i.retired]


def _value_rows(store, units: list[str], period: str) -> list:
    """(unit, indicator id, submission id) of every value for ``period``: the current ones and, where the store
    keeps them apart, those of submissions waiting for approval (they count as submitted)."""
    frames = [store.current_observations(units=units), store.current_milestones(units=units)]
    pending = getattr(store, "pending_observations", None)
    if pending is not None:
        frames.append(pending(units))
    rows = []
    for frame in frames:
        if not len(frame) or not {"unit", "indicator_id", "submission_id", "period"} <= set(frame.columns):
            continue
        frame = frame[frame["period"] == period]
        if "is_demo" in frame.columns:
            frame = frame[~frame["is_demo"].astype(bool)]
        rows.extend(zip(frame["unit"], frame["indicator_id"], frame["submission_id"]))
    return rows


def completeness(cat: Catalogue, store, window: Window) -> Completeness:
    """How far the window's period has come in, from the store's live real submissions.

    A lead agency has submitted on the day of the first counting submission that is its own form (the
    submission's agency) or that carries a value for one of its targets (a whole unit's form)."""
    period = upload_period(window.period).code
    units = [u for u in cat.reporting_units() if expected_targets(cat, u, window.period)]
    submissions = {s.id: s for s in store.submissions(period=period, include_withdrawn=False) if counts(s)}
    first: dict[str, dt.date] = {}
    # (unit, indicator id) -> the first day a counting submission gave it a value
    valued: dict[tuple[str, str], dt.date] = {}
    for unit, indicator, sid in _value_rows(store, units, period):
        s = submissions.get(int(sid))
        if s is None:
            continue
        day = _local_day(s.uploaded_at)
        first[unit] = min(first.get(unit, day), day)
        valued[(unit, indicator)] = min(valued.get((unit, indicator), day), day)
    by_agency: dict[tuple[str, str], dt.date] = {}
    for s in submissions.values():     # a unit's form counts even when every value in it was superseded
        if s.unit in units:
            day = _local_day(s.uploaded_at)
            first[s.unit] = min(first.get(s.unit, day), day)
            agency = getattr(s, "agency", None)
            if agency:
                by_agency[(s.unit, agency)] = min(by_agency.get((s.unit, agency), day), day)
    out = []
    for unit in units:
        seen: dict[str, tuple[str | None, str, str, dt.date | None]] = {}
        for ind in expected_targets(cat, unit, window.period):
            if not ind.agency:
                continue
            key = ind.agency_id or ind.agency.vi
            agency_id, vi, en, day = seen.get(key, (ind.agency_id, ind.agency.vi, ind.agency.en, None))
            days = [d for d in (day, valued.get((unit, ind.id)),
                                by_agency.get((unit, ind.agency_id)) if ind.agency_id else None) if d is not None]
            day = min(days) if days else None
            seen[key] = (agency_id, vi, en, day)
        agencies = [AgencyReturn(a, vi, en, day, None if day is None else window.on_time(day))
                    for a, vi, en, day in seen.values()]
        day = first.get(unit)
        out.append(UnitReturn(unit, day, None if day is None else window.on_time(day), agencies))
    return Completeness(window, out)
