"""Tasks (milestones) judged on their deadline and the latest reported update; reporting deadlines.

A task's status: done · recurring · no_deadline · not_yet_due · overdue · replaced; a task repeated
every year is judged per calendar year. Pure functions over the catalogue and plain rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from tracker.assess.explain import _explain_milestone
from tracker.assess.judge import status_label
from tracker.assess.rollup import _period_parts
from tracker.catalogue import Indicator
from tracker.core.periods import Period, latest_ended_quarter

if TYPE_CHECKING:
    from tracker.assess.assessment import _Plan


@dataclass(slots=True)
class MilestoneAssessment:
    indicator_id: str
    unit: str
    status: str                     # done | not_yet_due | overdue | recurring | no_deadline
    due: dt.date | None = None
    completed_on: dt.date | None = None
    days_late: int | None = None    # overdue: days past the due date; done: days late (0 when on time)
    progress_status: str | None = None  # not_started | in_progress | done, as last reported; None if never
    evidence: str = ""
    days_left: int | None = None    # not yet due: days until the due date
    indicator: Indicator | None = field(default=None, repr=False, compare=False)
    # Tasks repeated every year: the year judged (done this year / not yet / the ended year left undone).
    year: int | None = None

    def explain(self, lang: str = "vi") -> str:
        return _explain_milestone(self, lang)

    def to_dict(self) -> dict:
        return {"indicator_id": self.indicator_id, "unit": self.unit, "status": self.status,
                "status_label": {"vi": status_label(self.status, "vi"), "en": status_label(self.status, "en")},
                "due": self.due.isoformat() if self.due else None,
                "completed_on": self.completed_on.isoformat() if self.completed_on else None,
                "days_late": self.days_late, "days_left": self.days_left, "progress_status": self.progress_status,
                "evidence": self.evidence, "year": self.year,
                "explain": {"vi": self.explain("vi"), "en": self.explain("en")}}



def _latest_updates(plan: _Plan, frame: pd.DataFrame | None) -> dict[str, dict]:
    """The update that counts for each milestone: latest period, then the latest unit in the lineage."""
    if frame is None or len(frame) == 0:
        return {}
    best: dict[str, tuple] = {}
    cols = [c for c in ("indicator_id", "unit", "period", "status", "completed_on", "evidence") if c in frame.columns]
    # Tasks repeated every year are judged on the year of their latest completion, which a later
    # "in progress" report for the next round must not hide.
    last_done: dict[str, dt.date] = {}
    for row in frame[cols].to_dict("records"):
        ind_id = row.get("indicator_id")
        setter = plan.owners.get(ind_id)
        if setter is None:
            continue
        chain = plan.reporters.get(setter, [setter])
        if row.get("unit") not in chain:
            continue
        parts = _period_parts(str(row.get("period", ""))) or (0, 0, dt.date.min)
        key = (parts[0], parts[1] or 5, chain.index(row["unit"]))
        if ind_id not in best or key >= best[ind_id][0]:
            best[ind_id] = (key, row)
        if row.get("status") == "done":
            day = _as_date(row.get("completed_on"))
            if day is not None and (ind_id not in last_done or day > last_done[ind_id]):
                last_done[ind_id] = day
    out = {k: v[1] for k, v in best.items()}
    for ind_id, day in last_done.items():
        out[ind_id] = dict(out[ind_id], last_done_on=day)
    return out


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def assess_milestone(indicator: Indicator, update: dict | None, unit: str, today: dt.date) -> MilestoneAssessment:
    """A task's status on ``today`` from its deadline and the latest reported update.

    done (reported done; days_late counts a late completion, 0 when on time) · recurring (standing
    task) · no_deadline · not_yet_due (today is on or before the due date) · overdue (after it) ·
    replaced (a retired entry, not judged).

    A task repeated every year (``every: year``: "hằng năm", "định kỳ") is judged per calendar year,
    see :func:`_assess_yearly`.
    """
    target = indicator.target
    update = dict(update) if update is not None else {}
    if indicator.retired:
        return MilestoneAssessment(indicator.id, unit, "replaced", target.due, indicator=indicator)
    if target.every == "year":
        return _assess_yearly(indicator, update, unit, today)
    progress = update.get("status") or None
    if not isinstance(progress, str):
        progress = None
    completed = _as_date(update.get("completed_on")) if progress == "done" else None
    evidence = update.get("evidence")
    evidence = evidence if isinstance(evidence, str) else ""
    due = target.due
    days_late = days_left = None
    if target.recurring:
        status = "recurring"
        if target.periodic:
            # No cycle to fall behind: the date it was last reported done is what there is to show.
            completed = _as_date(update.get("last_done_on")) or _as_date(update.get("completed_on"))
    elif progress == "done":
        status = "done"
        if completed and due:
            days_late = max(0, (completed - due).days)
    elif due is None:
        status = "no_deadline"
    elif today > due:
        status, days_late = "overdue", (today - due).days
    else:
        status, days_left = "not_yet_due", (due - today).days
    return MilestoneAssessment(indicator.id, unit, status, due, completed, days_late, progress, evidence,
                               days_left, indicator)


def _assess_yearly(indicator: Indicator, update: dict, unit: str, today: dt.date) -> MilestoneAssessment:
    """A yearly task on ``today``: done (completed this year) · overdue (the last ended year, from
    the task's start, passed with no completion in it; days_late from its 31/12) · not_yet_due
    (this year's round is still open; days_left to 31/12)."""
    target = indicator.target
    progress = update.get("status") if isinstance(update.get("status"), str) else None
    evidence = update.get("evidence") if isinstance(update.get("evidence"), str) else ""
    done_on = _as_date(update.get("last_done_on"))
    if done_on is None and progress == "done":
        done_on = _as_date(update.get("completed_on"))
    first_year = target.start.year
    if today.year < first_year:
        start = target.start
        return MilestoneAssessment(indicator.id, unit, "not_yet_due", start, None, None, progress, evidence,
                                   (start - today).days, indicator, first_year)
    if done_on is not None and done_on.year >= today.year:
        return MilestoneAssessment(indicator.id, unit, "done", dt.date(today.year, 12, 31), done_on, 0, progress,
                                   evidence, None, indicator, today.year)
    last_ended = today.year - 1
    if last_ended >= first_year and (done_on is None or done_on.year < last_ended):
        due = dt.date(last_ended, 12, 31)
        return MilestoneAssessment(indicator.id, unit, "overdue", due, None, (today - due).days, progress, evidence,
                                   None, indicator, last_ended)
    due = dt.date(today.year, 12, 31)
    return MilestoneAssessment(indicator.id, unit, "not_yet_due", due, done_on, None, progress, evidence,
                               (due - today).days, indicator, today.year)


def due_quarter(today: dt.date, grace_days: int = 30) -> Period:
    """The latest quarter that must have been reported by ``today``: the latest ended one once its
    grace period is over, else the one before."""
    q = latest_ended_quarter(today)
    if q.end() + dt.timedelta(days=grace_days) < today:
        return q
    return q.previous()


def overdue_units(reported: dict[str, set[str]], units: list[str], today: dt.date,
                  grace_days: int = 30) -> list[tuple[str, str]]:
    """(unit, period) for each unit that has not reported the quarter due (see due_quarter).

    A fourth quarter also counts as reported when the year's annual figures are in.
    """
    due = due_quarter(today, grace_days)
    accepted = {due.code} | ({str(due.year)} if due.quarter == 4 else set())
    return [(u, due.code) for u in units if not (set(reported.get(u, ())) & accepted)]

