"""Progress against the targets: quarters rolled up to years, a status per target, a projection.

Pure functions over the catalogue and plain data (a DataFrame like Store.current_observations, or
lists of (period, value)); no Streamlit, no DuckDB.

Statuses of a numeric target (Open SDG's progress measure, after Statistics Canada):

- ``achieved``: the latest value meets the target (for flows, the latest *whole* year; for levels —
  stock, share, rank — the latest value; "khoảng" within the catalogue's tolerance);
- otherwise, with a baseline (the catalogue's, else the first year with data) and a later year:
  ratio = observed compound annual growth / required compound annual growth; ≥ 0.95 ``on_track``,
  ≥ 0.6 ``acceleration``, ≥ 0 ``off_track``, < 0 ``moving_away``. Linear rates replace compound
  ones when a value is zero or negative (method ``linear``) and for ranks (method ``rank``).
  Once the data reach the target year unmet, the status is at best ``off_track``;
- "on average" targets: the mean of the whole years (those from ``from_year`` on, once there are
  any) against the value: meets → ``on_track`` (``achieved`` once the target year is in),
  ≥ 0.6 of it → ``acceleration``, > 0 → ``off_track``, else ``moving_away``; one whole year is
  enough, the mean being the measure itself;
- "every year from <from_year>" targets, before from_year: the rate comparison toward the value at
  from_year; already at the level → ``on_track`` (``achieved`` needs a year from from_year on);
- direction-only targets: the latest two years (flows: whole years): the right way ``on_track``,
  unchanged ``off_track``, the wrong way ``moving_away``;
- ``too_little_data`` (saying what is missing) and ``no_data``.

The work is done on whole arrays (one row per target × sector, one column per year) so that a
million observations assess in well under a second; :func:`assess` runs the same code for one target.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import math
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from tracker import collector
from tracker.catalogue import Catalogue, Indicator
from tracker.i18n import fmt_date, fmt_number, fmt_percent, fmt_target, fmt_value
from tracker.periods import Period, latest_ended_quarter, parse_period

STATUSES = ("achieved", "on_track", "acceleration", "off_track", "moving_away", "too_little_data", "no_data",
            "done", "not_yet_due", "overdue", "recurring", "no_deadline", "unmeasured", "replaced")
NUMERIC_STATUSES = STATUSES[:7]
MILESTONE_STATUSES = STATUSES[7:12]
# Entries listed but never assessed: a goal no statistic measures; a retired entry (kept with its values).
UNASSESSED_STATUSES = STATUSES[12:]

_LABELS = {
    "achieved": ("Đã đạt", "Achieved"),
    "on_track": ("Đúng tiến độ", "On track"),
    "acceleration": ("Cần tăng tốc", "Needs acceleration"),
    "off_track": ("Chậm tiến độ", "Off track"),
    "moving_away": ("Đi ngược mục tiêu", "Moving away"),
    "too_little_data": ("Chưa đủ số liệu", "Too little data"),
    "no_data": ("Chưa có số liệu", "No data"),
    "done": ("Hoàn thành", "Done"),
    "not_yet_due": ("Chưa đến hạn", "Not yet due"),
    "overdue": ("Quá hạn", "Overdue"),
    "recurring": ("Thường xuyên", "Ongoing"),
    "no_deadline": ("Không thời hạn", "No deadline"),
    "unmeasured": ("Chưa có thước đo", "No measure yet"),
    "replaced": ("Chỉ tiêu đã thay thế", "Replaced target"),
}

# Thresholds of the ratio observed / required rate (Open SDG).
ON_TRACK, ACCELERATION = 0.95, 0.6
# Yearly points (the baseline included) below which no projection is drawn or stated.
MIN_PROJECTION_POINTS = 3


def status_label(status: str, lang: str = "vi") -> str:
    vi, en = _LABELS[status]
    return en if lang == "en" else vi


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class YearValue:
    """One year of a target's series, rolled up from its quarters (or the annual figure)."""

    year: int
    value: float
    # A flow year with fewer than 4 quarters, or a stock whose Q4 is not in yet.
    partial: bool = False
    # Taken from a quarter where the year's figure is what counts (shares, growth, ranks, stock before Q4).
    provisional: bool = False
    # How many quarters it is made of (4 for an annual figure).
    quarters: int = 4
    # The period the value stands for: "2026" for a year or a summed flow year, "2026-Q3" for a level.
    period: str = ""

    def to_dict(self) -> dict:
        return {"year": self.year, "value": _json_number(self.value), "partial": self.partial, "provisional": self.provisional,
                "quarters": self.quarters, "period": self.period}


@dataclass(slots=True)
class Assessment:
    """Where one numeric (or direction-only) target stands, with every number it came from."""

    indicator_id: str
    unit: str                       # the unit whose page shows it (a successor shows inherited targets)
    sector: str                     # "" unless the target applies per sector
    status: str
    latest_value: float | None = None
    latest_year: int | None = None
    latest_period: str | None = None  # "2025" or "2026-Q3"
    partial: bool = False
    provisional: bool = False
    baseline_value: float | None = None   # for direction targets: the year compared with
    baseline_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    comparator: str | None = None
    observed_rate: float | None = None    # per year: a fraction (0.051) for cagr, units for linear/rank
    required_rate: float | None = None
    ratio: float | None = None            # observed / required; for averages mean / target
    projection: float | None = None       # linear fit on the recent years, at the target year
    gap: float | None = None              # target − projection, in the indicator's unit
    method: str = ""                      # comparator | cagr | linear | rank | average | direction
    missing: str = ""
    missing_en: str = ""
    # The yearly values, read through .series; assess_all leaves them in its grid until asked for,
    # since it assesses tens of thousands of targets and pages draw a few.
    _series: list[YearValue] | None = field(default=None, repr=False, compare=False)
    average_value: float | None = None
    average_years: tuple[int, int, int] | None = None   # (first, last, how many) whole years averaged
    notes: tuple[str, ...] = ()          # from_year_before | deadline_passed | base_met_lost | nonpositive
    indicator: Indicator | None = field(default=None, repr=False, compare=False)
    _grid: "_Years | None" = field(default=None, repr=False, compare=False)
    _row: int = field(default=0, repr=False, compare=False)

    @property
    def series(self) -> list[YearValue]:
        if self._series is None:
            self._series = self._grid.series(self._row) if self._grid is not None else []
        return self._series

    def explain(self, lang: str = "vi") -> str:
        return _explain(self, lang)

    def to_dict(self) -> dict:
        out = {}
        for name in ("indicator_id", "unit", "sector", "status", "latest_value", "latest_year", "latest_period",
                     "partial", "provisional", "baseline_value", "baseline_year", "target_value", "target_year",
                     "comparator", "observed_rate", "required_rate", "ratio", "projection", "gap", "method",
                     "missing", "missing_en", "average_value"):
            out[name] = _json_number(getattr(self, name))
        out["average_years"] = list(self.average_years) if self.average_years else None
        out["notes"] = list(self.notes)
        out["status_label"] = {"vi": status_label(self.status, "vi"), "en": status_label(self.status, "en")}
        out["explain"] = {"vi": self.explain("vi"), "en": self.explain("en")}
        out["series"] = [p.to_dict() for p in self.series]
        return out


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


def _json_number(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def status_counts(assessments: Iterable) -> dict[str, int]:
    """How many of each status, every status listed (zeros included), in STATUSES order."""
    counts = dict.fromkeys(STATUSES, 0)
    for a in assessments:
        counts[a.status] = counts.get(a.status, 0) + 1
    return counts


# --------------------------------------------------------------------------------------------
# Rolling quarters up to years, for many targets at once

_FLOW, _STOCK, _SHARE, _RANK = 0, 1, 2, 3
_ROLLUP_CODE = {"flow": _FLOW, "stock": _STOCK, "ratio": _SHARE, "growth": _SHARE, "rank": _RANK}


@lru_cache(maxsize=4096)
def _period_parts(code: str) -> tuple[int, int, dt.date] | None:
    """(year, slot, start) with slot 0 for a year and 1-4 for quarters; None if not a period."""
    try:
        p = parse_period(code)
    except ValueError:
        return None
    return p.year, p.quarter or 0, p.start()


@dataclass
class _Years:
    """Yearly values of G series over the years present in the data: 2-D arrays (G × years)."""

    years: np.ndarray          # (NY,) int
    value: np.ndarray
    present: np.ndarray
    partial: np.ndarray
    provisional: np.ndarray
    quarters: np.ndarray       # quarters in the year (4 for an annual figure)
    last_q: np.ndarray         # the last quarter reported (0 when the annual figure is used)
    annual: np.ndarray         # the annual figure was used
    t: np.ndarray              # when the value stands, in years: 2025 for the year 2025 (or its Q4), 2025.75 for its Q3
    kind: np.ndarray           # (G,) rollup code

    def period_code(self, row: int, col: int) -> str:
        year = int(self.years[col])
        if self.annual[row, col] or (self.kind[row] == _FLOW and self.quarters[row, col] == 4):
            return str(year)
        return f"{year}-Q{int(self.last_q[row, col])}"

    def series(self, row: int) -> list[YearValue]:
        out = []
        for col in np.flatnonzero(self.present[row]):
            out.append(YearValue(int(self.years[col]), float(self.value[row, col]), bool(self.partial[row, col]),
                                 bool(self.provisional[row, col]), int(self.quarters[row, col]),
                                 self.period_code(row, col)))
        return out


def _columns(year: Sequence[int], slot: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The sorted years present, and each point's column in the (year, slot) grid."""
    year = np.asarray(year, dtype=np.int64)
    years = np.unique(year)
    return years, np.searchsorted(years, year) * 5 + np.asarray(slot, dtype=np.int64)


def _rollup(kind: np.ndarray, g: np.ndarray, col: np.ndarray, value: np.ndarray, years: np.ndarray,
            prio: np.ndarray | None = None) -> _Years:
    """Place every observation in a (series, year, slot) grid and roll each year up by its kind.

    ``col`` is year index × 5 + slot (0 the annual figure, 1-4 the quarters). Where two rows land
    in one cell (a unit and its successor reporting the same period) the higher ``prio`` wins.
    An annual figure always wins over the year's quarters.
    """
    n_groups = len(kind)
    ny = len(years)
    cells = np.full(n_groups * max(ny, 1) * 5, np.nan)
    if len(g):
        flat = g.astype(np.int64) * (ny * 5) + col
        if prio is None or not prio.any():
            cells[flat] = value
        else:
            for p in np.unique(prio):          # ascending: later assignments win
                sel = prio == p
                cells[flat[sel]] = value[sel]
    grid = cells.reshape(n_groups, max(ny, 1), 5)[:, :ny, :]
    got = ~np.isnan(grid)
    annual = got[:, :, 0]
    qgot = got[:, :, 1:]
    nq = qgot.sum(axis=2)
    with np.errstate(over="ignore"):   # quarters of 1e308 add up to inf: shown as "—", not a warning
        qsum = np.where(qgot, grid[:, :, 1:], 0.0).sum(axis=2)
    last_idx = 3 - np.argmax(qgot[:, :, ::-1], axis=2)
    last_val = np.take_along_axis(grid[:, :, 1:], last_idx[:, :, None], axis=2)[:, :, 0]
    last_q = np.where(nq > 0, last_idx + 1, 0)
    k = kind[:, None]
    from_q = ~annual & (nq > 0)
    value2 = np.where(annual, grid[:, :, 0], np.where(k == _FLOW, qsum, last_val))
    partial = from_q & (((k == _FLOW) & (nq < 4)) | ((k == _STOCK) & (last_q < 4)))
    provisional = from_q & (((k == _STOCK) & (last_q < 4)) | (k == _SHARE) | ((k == _RANK) & (last_q < 4)))
    # A level read at the end of Q3 stands a quarter before the year's end.
    t = years[None, :].astype(float) - np.where(from_q & (k != _FLOW), (4 - last_q) / 4.0, 0.0)
    return _Years(years=years, value=value2, present=annual | from_q, partial=partial, provisional=provisional,
                  quarters=np.where(annual, 4, nq), last_q=np.where(annual, 0, last_q), annual=annual, t=t, kind=kind)


# --------------------------------------------------------------------------------------------
# Targets as arrays, and the judgement

_COMPARATORS = (">", ">=", "=", "~", "<=", "<")
_GT, _GE, _EQ, _APPROX, _LE, _LT = range(6)
_METHODS = ("", "comparator", "cagr", "linear", "rank", "average", "direction")
_NOTES = ("from_year_before", "deadline_passed", "base_met_lost", "nonpositive", "no_required_rate", "year_to_date")
_S = {s: k for k, s in enumerate(NUMERIC_STATUSES)}


@dataclass
class _Targets:
    kind: np.ndarray
    comp: np.ndarray       # index in _COMPARATORS, -1 for direction targets
    value: np.ndarray
    tol: np.ndarray
    year: np.ndarray
    average: np.ndarray
    from_year: np.ndarray  # 0 when none
    direction: np.ndarray  # +1 increase, -1 decrease, 0 numeric target
    rank: np.ndarray
    base_value: np.ndarray
    base_year: np.ndarray

    @classmethod
    def of(cls, indicators: Sequence[Indicator]) -> "_Targets":
        cols = [_target_row(i) for i in indicators]
        arrays = list(zip(*cols)) if cols else [()] * 11
        dtypes = (np.int8, np.int8, float, float, np.int64, bool, np.int64, np.int8, bool, float, float)
        return cls(*(np.array(a, dtype=d) for a, d in zip(arrays, dtypes)))


def _target_row(ind: Indicator) -> tuple:
    target = ind.target
    kind = _ROLLUP_CODE[ind.rollup_kind]
    base = (ind.baseline.value, ind.baseline.year) if ind.baseline else (math.nan, math.nan)
    if ind.kind == "direction":
        return (kind, -1, math.nan, 0.0, target.year, False, 0, 1 if target.direction == "increase" else -1,
                ind.unit == "rank", *base)
    return (kind, _COMPARATORS.index(target.comparator), float(target.value), target.effective_tolerance(),
            target.year, target.average, target.from_year or 0, 0, ind.unit == "rank", *base)


def _meets(v: np.ndarray, comp: np.ndarray, target: np.ndarray, tol: np.ndarray) -> np.ndarray:
    eps = 1e-9 * np.maximum(1.0, np.abs(target))
    with np.errstate(invalid="ignore"):
        out = np.select(
            [comp == _GT, comp == _GE, comp == _EQ, comp == _APPROX, comp == _LE, comp == _LT],
            [v > target + eps, v >= target - eps, np.abs(v - target) <= eps, np.abs(v - target) <= tol + eps,
             v <= target + eps, v < target - eps], False)
    return out & ~np.isnan(v)


def _last(mask: np.ndarray) -> np.ndarray:
    n = mask.shape[1]
    if n == 0:
        return np.full(mask.shape[0], -1)
    return np.where(mask.any(axis=1), n - 1 - np.argmax(mask[:, ::-1], axis=1), -1)


def _first(mask: np.ndarray) -> np.ndarray:
    if mask.shape[1] == 0:
        return np.full(mask.shape[0], -1)
    return np.where(mask.any(axis=1), np.argmax(mask, axis=1), -1)


def _at(a: np.ndarray, idx: np.ndarray, fill=np.nan) -> np.ndarray:
    if a.shape[1] == 0:
        return np.full(a.shape[0], fill, dtype=float)
    got = a[np.arange(a.shape[0]), np.maximum(idx, 0)]
    return np.where(idx >= 0, got, fill)


def _judge(tg: _Targets, yr: _Years) -> dict[str, np.ndarray]:
    """Status, rates, baseline and projection of every series, as arrays."""
    n = len(tg.kind)
    years = yr.years.astype(float)
    flow = (tg.kind == _FLOW)[:, None]
    whole = yr.present & ~yr.partial & ~yr.provisional
    # Which years a status may rest on: whole years for flows; for levels the latest value counts.
    usable = np.where(flow, yr.present & ~yr.partial, yr.present)
    has_any = yr.present.any(axis=1)
    li, fi = _last(usable), _first(usable)
    n_usable = usable.sum(axis=1)
    # A flow target already met by the year-to-date sum is met for that year (the rest of the year
    # can only add): the status rests on the partial year then.
    lp = _last(yr.present)
    ytd = ((tg.kind == _FLOW) & (tg.direction == 0) & ~tg.average & ((tg.comp == _GT) | (tg.comp == _GE))
           & (lp > li) & (_at(yr.partial.astype(float), lp, 0.0) > 0)
           & _meets(_at(yr.value, lp), tg.comp, tg.value, tg.tol))
    li = np.where(ytd, lp, li)
    lv, lt = _at(yr.value, li), _at(yr.t, li)
    ly = np.where(li >= 0, _at(np.broadcast_to(years, yr.value.shape), li), np.nan)

    is_dir = tg.direction != 0
    is_avg = tg.average & ~is_dir
    plain = ~is_dir & ~is_avg
    status = np.full(n, _S["no_data"], dtype=np.int8)
    method = np.zeros(n, dtype=np.int8)
    notes = np.zeros(n, dtype=np.int16)
    nan = np.full(n, np.nan)
    base_v, base_y, obs, req, ratio = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
    avg_v, avg_first, avg_last, avg_n = nan.copy(), nan.copy(), nan.copy(), np.zeros(n, dtype=np.int64)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # --- numeric targets judged on a rate (or met already)
        latest_met = (li >= 0) & _meets(lv, tg.comp, tg.value, tg.tol)
        before_from = (tg.from_year > 0) & (ly < tg.from_year)
        achieved = plain & latest_met & ~before_from
        early = plain & latest_met & before_from
        use_bl = ~np.isnan(tg.base_value) & (tg.base_year < lt)
        bv = np.where(use_bl, tg.base_value, _at(yr.value, fi))
        bt = np.where(use_bl, tg.base_year, _at(yr.t, fi))
        by = np.where(use_bl, tg.base_year, _at(np.broadcast_to(years, yr.value.shape), fi))
        rate_ok = plain & ~latest_met & (li >= 0) & (use_bl | (n_usable >= 2))
        t_req = np.where(tg.from_year > 0, tg.from_year, tg.year).astype(float)
        span_obs, span_req = lt - bt, t_req - bt
        nonpositive = (bv <= 0) | (lv <= 0) | (tg.value <= 0)
        linear = tg.rank | nonpositive
        o = np.where(linear, (lv - bv) / span_obs, np.power(lv / bv, 1.0 / span_obs) - 1)
        r = np.where(linear, (tg.value - bv) / span_req, np.power(tg.value / bv, 1.0 / span_req) - 1)
        base_met = _meets(bv, tg.comp, tg.value, tg.tol)
        need = np.where(tg.comp <= _GE, 1.0, np.where(tg.comp >= _LE, -1.0, np.sign(tg.value - bv)))
        q = o / r
        by_ratio = np.select([q >= ON_TRACK, q >= ACCELERATION, q >= 0], [_S["on_track"], _S["acceleration"],
                                                                           _S["off_track"]], _S["moving_away"])
        no_req = (span_req <= 0) | (r == 0) | ~np.isfinite(r)
        by_sign = np.select([o * need > 0, o * need == 0], [_S["on_track"], _S["off_track"]], _S["moving_away"])
        rated = np.where(base_met, _S["moving_away"], np.where(no_req, by_sign, by_ratio))
        deadline = rate_ok & (lt >= t_req)
        rated = np.where(deadline & (rated < _S["off_track"]), _S["off_track"], rated)
        status = np.where(rate_ok, rated, status)
        status = np.where(achieved, _S["achieved"], np.where(early, _S["on_track"], status))
        method = np.where(achieved | early, 1, method)
        method = np.where(rate_ok, np.where(tg.rank, 4, np.where(nonpositive, 3, 2)), method)
        keep = rate_ok & ~base_met & ~no_req
        base_v = np.where(rate_ok | early | achieved, bv, base_v)
        base_y = np.where(rate_ok | early | achieved, by, base_y)
        base_v = np.where((rate_ok | early | achieved) & ~(use_bl | (n_usable >= 2)), np.nan, base_v)
        base_y = np.where(np.isnan(base_v), np.nan, base_y)
        obs = np.where(rate_ok, o, obs)
        req = np.where(rate_ok & ~no_req, r, req)
        ratio = np.where(keep, q, ratio)
        notes |= np.where(before_from & plain & (rate_ok | early), 1, 0).astype(np.int16)
        notes |= np.where(deadline, 2, 0).astype(np.int16)
        notes |= np.where(rate_ok & base_met, 4, 0).astype(np.int16)
        notes |= np.where(rate_ok & nonpositive & ~tg.rank, 8, 0).astype(np.int16)
        notes |= np.where(rate_ok & ~base_met & no_req, 16, 0).astype(np.int16)
        notes |= np.where(ytd & (achieved | early), 32, 0).astype(np.int16)

        # --- on average
        if is_avg.any():
            later = whole & (years[None, :] >= tg.from_year[:, None]) & (tg.from_year > 0)[:, None]
            used = np.where(later.any(axis=1)[:, None], later, whole)
            avg_n = used.sum(axis=1)
            mean = np.where(used, yr.value, 0.0).sum(axis=1) / avg_n
            yrs = np.broadcast_to(years, used.shape)
            first_y, last_y = _at(yrs, _first(used)), _at(yrs, _last(used))
            met = _meets(mean, tg.comp, tg.value, tg.tol)
            down = tg.comp >= _LE
            share = np.where(down, tg.value / mean, mean / tg.value)
            judged = np.where(met, np.where(last_y >= tg.year, _S["achieved"], _S["on_track"]),
                              np.select([share >= ACCELERATION, share > 0], [_S["acceleration"], _S["off_track"]],
                                        _S["moving_away"]))
            late = ~met & (last_y >= tg.year)
            judged = np.where(late & (judged < _S["off_track"]), _S["off_track"], judged)
            ok = is_avg & (avg_n > 0)
            status = np.where(ok, judged, np.where(is_avg & has_any, _S["too_little_data"], status))
            method = np.where(is_avg & has_any, 5, method)
            ratio = np.where(ok, share, ratio)
            avg_v = np.where(ok, mean, avg_v)
            avg_first = np.where(ok, first_y, avg_first)
            avg_last = np.where(ok, last_y, avg_last)
            avg_n = np.where(ok, avg_n, 0)
            notes |= np.where(ok & (tg.from_year > 0) & (last_y < tg.from_year), 1, 0).astype(np.int16)
            notes |= np.where(ok & late, 2, 0).astype(np.int16)

        # --- direction only: the latest two usable years
        if is_dir.any():
            prev_mask = usable.copy()
            rows = np.flatnonzero(li >= 0)
            prev_mask[rows, li[rows]] = False
            pi = _last(prev_mask)
            pv, pt = _at(yr.value, pi), _at(yr.t, pi)
            change = lv - pv
            eps = 1e-9 * np.maximum(1.0, np.abs(pv))
            sign = np.where(change > eps, 1, np.where(change < -eps, -1, 0))
            judged = np.select([sign * tg.direction > 0, sign == 0], [_S["on_track"], _S["off_track"]], _S["moving_away"])
            ok = is_dir & (pi >= 0)
            status = np.where(ok, judged, status)
            method = np.where(is_dir & has_any, 6, method)
            base_v = np.where(ok, pv, base_v)
            base_y = np.where(ok, _at(np.broadcast_to(years, yr.value.shape), pi), base_y)
            obs = np.where(ok, np.where(pv > 0, np.power(lv / pv, 1.0 / (lt - pt)) - 1, (lv - pv) / (lt - pt)), obs)

        status = np.where(has_any & (status == _S["no_data"]), _S["too_little_data"], status)

        # --- projection: least squares on the last (up to) 4 usable years, at the target year.
        # At least three yearly points, the catalogue's baseline included when it is older than the
        # data: a line through two points says nothing about where a series is heading.
        from_end = np.cumsum(usable[:, ::-1], axis=1)[:, ::-1]
        m = usable & (from_end <= 4)
        k = m.sum(axis=1)
        first_t = np.where(m, yr.t, np.inf).min(axis=1) if m.shape[1] else np.full(n, np.inf)
        add_bl = ~np.isnan(tg.base_value) & (tg.base_year < first_t - 1e-9) & (k >= 1) & (k < 4)
        bx = np.where(add_bl, tg.base_year - 2000.0, 0.0)
        bvv = np.where(add_bl, tg.base_value, 0.0)
        kk = k + add_bl
        x = np.where(m, yr.t - 2000.0, 0.0)
        y = np.where(m, yr.value, 0.0)
        sx, sy = x.sum(axis=1) + bx, y.sum(axis=1) + bvv
        mx, my = sx / kk, sy / kk
        sxx = (np.where(m, (x - mx[:, None]) ** 2, 0.0)).sum(axis=1) + np.where(add_bl, (bx - mx) ** 2, 0.0)
        sxy = (np.where(m, (x - mx[:, None]) * (y - my[:, None]), 0.0)).sum(axis=1) + \
            np.where(add_bl, (bx - mx) * (bvv - my), 0.0)
        slope = sxy / sxx
        projection = np.where((kk >= MIN_PROJECTION_POINTS) & (sxx > 0), my + slope * (tg.year - 2000.0 - mx), np.nan)
        gap = np.where(is_dir, np.nan, tg.value - projection)

    # Where the status rests: the latest usable year, else the latest year with anything.
    shown = np.where(li >= 0, li, _last(yr.present))
    return {"status": status, "method": method, "notes": notes, "shown": shown, "baseline_value": base_v,
            "baseline_year": base_y, "observed_rate": obs, "required_rate": req, "ratio": ratio,
            "projection": projection, "gap": gap, "average_value": avg_v, "average_first": avg_first,
            "average_last": avg_last, "average_n": avg_n}


# --------------------------------------------------------------------------------------------
# From arrays to Assessment objects

_NOTE_TUPLES: dict[int, tuple[str, ...]] = {}


def _note_tuple(bits: int) -> tuple[str, ...]:
    got = _NOTE_TUPLES.get(bits)
    if got is None:
        got = _NOTE_TUPLES[bits] = tuple(name for k, name in enumerate(_NOTES) if bits & (1 << k))
    return got


def _floats(a: np.ndarray) -> list:
    """Python floats, None where there is no number."""
    ok = np.isfinite(a)
    if ok.all():
        return a.tolist()
    if not ok.any():
        return [None] * len(a)
    out = a.astype(object)
    out[~ok] = None
    return out.tolist()


def _ints(a: np.ndarray) -> list:
    a = np.asarray(a, dtype=float)
    ok = np.isfinite(a)
    out = np.where(ok, a, 0).astype(np.int64).astype(object)
    out[~ok] = None
    return out.tolist()


def _static(groups: Sequence[tuple[Indicator, str]]) -> dict[str, list]:
    """What every assessment of a series repeats from the catalogue, as columns."""
    numeric = [ind.kind != "direction" for ind, _ in groups]
    return {
        "ids": [ind.id for ind, _ in groups],
        "sectors": [sector for _, sector in groups],
        "target_values": [ind.target.value if n else None for (ind, _), n in zip(groups, numeric)],
        "target_years": [ind.target.year for ind, _ in groups],
        "comparators": [ind.target.comparator if n else None for (ind, _), n in zip(groups, numeric)],
        "indicators": [ind for ind, _ in groups],
        # Series listed but not judged, with the status they show instead.
        "unassessed": [(k, "replaced" if ind.retired else "unmeasured")
                       for k, (ind, _) in enumerate(groups) if not ind.assessable],
    }


def _shown_periods(yr: _Years, shown: np.ndarray) -> list:
    """The period code of each series' shown value ("2025", "2026-Q3"), None where there is none."""
    if len(yr.years) == 0:
        return [None] * len(shown)
    labels = np.array([str(y) if q == 0 else f"{y}-Q{q}" for y in yr.years.tolist() for q in range(5)] + [None],
                      dtype=object)
    rows = np.arange(len(shown))
    col = np.maximum(shown, 0)
    whole_year = yr.annual[rows, col] | ((yr.kind == _FLOW) & (yr.quarters[rows, col] == 4))
    idx = col * 5 + np.where(whole_year, 0, yr.last_q[rows, col])
    return labels[np.where(shown >= 0, idx, len(labels) - 1)].tolist()


def _assessments(static: dict[str, list], units: Sequence[str], yr: _Years, res: dict[str, np.ndarray],
                 lazy: bool = True) -> list[Assessment]:
    shown = res["shown"]
    n = len(shown)
    years = np.broadcast_to(yr.years.astype(float), yr.value.shape)
    f = {name: _floats(res[name]) for name in ("baseline_value", "observed_rate", "required_rate", "ratio",
                                               "projection", "gap", "average_value")}
    avg_n = res["average_n"]
    avg = [None] * n
    for k in np.flatnonzero(avg_n).tolist():
        avg[k] = (int(res["average_first"][k]), int(res["average_last"][k]), int(avg_n[k]))
    notes = res["notes"]
    note_col = [()] * n
    for k in np.flatnonzero(notes).tolist():
        note_col[k] = _note_tuple(int(notes[k]))
    series = [None] * n if lazy else [yr.series(k) for k in range(n)]
    out = list(map(
        Assessment, static["ids"], units, static["sectors"],
        [NUMERIC_STATUSES[s] for s in res["status"].tolist()],
        _floats(_at(yr.value, shown)), _ints(_at(years, shown)), _shown_periods(yr, shown),
        (_at(yr.partial.astype(float), shown, 0.0) > 0).tolist(),
        (_at(yr.provisional.astype(float), shown, 0.0) > 0).tolist(),
        f["baseline_value"], _ints(res["baseline_year"]), static["target_values"], static["target_years"],
        static["comparators"], f["observed_rate"], f["required_rate"], f["ratio"], f["projection"], f["gap"],
        [_METHODS[m] for m in res["method"].tolist()], [""] * n, [""] * n, series, f["average_value"], avg,
        note_col, static["indicators"], [yr] * n, range(n)))
    for k in np.flatnonzero(res["status"] >= _S["too_little_data"]).tolist():
        out[k].missing, out[k].missing_en = _missing(out[k])
    for k, status in static["unassessed"]:
        out[k].status, out[k].missing, out[k].missing_en = status, "", ""
    return out


# --------------------------------------------------------------------------------------------
# Public functions


def yearly(indicator: Indicator, points: Iterable[tuple[str, float]]) -> list[YearValue]:
    """A target's values by year from (period, value) pairs, rolled up by the indicator's kind.

    stock: the last quarter reported (partial and provisional until Q4 is in); flow: the sum of the
    quarters (partial with fewer than 4); ratio/growth: the annual figure, else the latest quarter
    (provisional); rank: the latest. An annual figure ("2026") always wins over that year's quarters.
    Unreadable periods and missing values are skipped; for a repeated period the later pair wins.
    """
    year, slot, value = [], [], []
    for period, v in points:
        parts = _period_parts(str(period))
        if parts is None or v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        year.append(parts[0])
        slot.append(parts[1])
        value.append(float(v))
    kind = np.array([_ROLLUP_CODE[indicator.rollup_kind]], dtype=np.int8)
    years, col = _columns(year, slot)
    yr = _rollup(kind, np.zeros(len(year), dtype=np.int64), col, np.array(value, dtype=float), years)
    return yr.series(0)


def assess(indicator: Indicator, observations_df: pd.DataFrame | None, unit: str, *, today: dt.date,
           sector: str = "", reporting_units: Sequence[str] | None = None) -> Assessment:
    """Where one target of ``unit`` stands, from the observations rows that belong to it.

    Rows count when they are for ``indicator`` and ``sector`` and were reported by one of
    ``reporting_units`` (default: the unit that set the target, then ``unit``); where two of them
    reported the same period, the later one in that list wins. Periods that begin after ``today``
    are ignored (a mistyped year must not decide a status).
    """
    units = list(reporting_units) if reporting_units is not None else list(dict.fromkeys([indicator.jurisdiction, unit]))
    year, slot, value, prio = [], [], [], []
    frame = _normalise(observations_df)
    if len(frame):
        sel = frame[(frame["indicator_id"] == indicator.id) & (frame["sector"] == sector) & frame["unit"].isin(units)]
        rank = {u: k for k, u in enumerate(units)}
        for period, v, u in zip(sel["period"].tolist(), sel["value"].tolist(), sel["unit"].tolist()):
            parts = _period_parts(str(period))
            if parts is None or parts[2] > today or v is None or math.isnan(v):
                continue
            year.append(parts[0])
            slot.append(parts[1])
            value.append(float(v))
            prio.append(rank[u])
    groups = [(indicator, sector)]
    kind = np.array([_ROLLUP_CODE[indicator.rollup_kind]], dtype=np.int8)
    years, col = _columns(year, slot)
    yr = _rollup(kind, np.zeros(len(year), dtype=np.int64), col, np.array(value, dtype=float), years,
                 np.array(prio, dtype=np.int64))
    res = _judge(_Targets.of([indicator]), yr)
    return _assessments(_static(groups), [unit], yr, res, lazy=False)[0]


def _normalise(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None or len(frame) == 0:
        return pd.DataFrame({"indicator_id": [], "unit": [], "period": [], "sector": [], "value": []})
    if "sector" not in frame.columns:
        frame = frame.assign(sector="")
    elif frame["sector"].isna().any():
        frame = frame.assign(sector=frame["sector"].fillna(""))
    return frame


# --- the whole catalogue at once


@dataclass
class _Plan:
    """Everything assess_all needs from a catalogue, worked out once per catalogue object."""

    groups: list[tuple[Indicator, str]]              # (indicator, sector) per series, in file order
    static: dict[str, list]
    owners_of_groups: list[str]
    targets: _Targets
    group_of: dict[tuple[str, str], int]
    ind_index: pd.Index                              # ids of the numeric and direction targets
    ind_first: np.ndarray                            # their first series
    ind_sectors: np.ndarray                          # whether they apply per sector
    jur_index: pd.Index
    group_jur: np.ndarray                            # jurisdiction position of each series' setter
    chain_pos: dict[tuple[int, int], int]            # (setter, reporter) -> 1, 2, … along the successors
    views: list[tuple[str, list[int], set[int], list[Indicator]]]  # unit, series, inherited ones, tasks
    owners: dict[str, str]                           # indicator id -> the unit that set it
    reporters: dict[str, list[str]]                  # setter -> [setter, its successor, …]


_PLANS: "weakref.WeakKeyDictionary[Catalogue, _Plan]" = weakref.WeakKeyDictionary()


def _plan(cat: Catalogue) -> _Plan:
    plan = _PLANS.get(cat)
    if plan is not None:
        return plan
    jur_ids = list(cat.jurisdictions)
    position = {j: k for k, j in enumerate(jur_ids)}
    successor = {j.id: j.successor for j in cat.jurisdictions.values() if j.successor}
    preds: dict[str, list[str]] = {}
    for j, s in successor.items():
        preds.setdefault(s, []).append(j)
    reporters: dict[str, list[str]] = {}
    chain_pos: dict[tuple[int, int], int] = {}
    for j in jur_ids:
        chain, seen, current = [j], {j}, j
        while current in successor and successor[current] not in seen:
            current = successor[current]
            seen.add(current)
            chain.append(current)
        reporters[j] = chain
        for pos, u in enumerate(chain[1:], start=1):
            chain_pos[(position[j], position[u])] = pos

    groups, group_jur, group_of, ind_ids, ind_first, ind_sectors = [], [], {}, [], [], []
    own_groups: dict[str, list[int]] = {}
    own_stones: dict[str, list[Indicator]] = {}
    for ind in cat.indicators:
        if ind.is_milestone:
            own_stones.setdefault(ind.jurisdiction, []).append(ind)
            continue
        ind_ids.append(ind.id)
        ind_first.append(len(groups))
        ind_sectors.append(bool(ind.sectors))
        for s in [s.id for s in ind.sectors] or [""]:
            group_of[(ind.id, s)] = len(groups)
            own_groups.setdefault(ind.jurisdiction, []).append(len(groups))
            groups.append((ind, s))
            group_jur.append(position.get(ind.jurisdiction, -1))

    order = {ind.id: k for k, ind in enumerate(cat.indicators)}
    views = []
    for j in jur_ids:
        setters, frontier = [j], [j]
        while frontier:     # predecessors, nearest first
            current = frontier.pop(0)
            for p in preds.get(current, []):
                if p not in setters:
                    setters.append(p)
                    frontier.append(p)
        gs = [g for s in setters for g in own_groups.get(s, [])]
        if len(setters) > 1:
            gs.sort(key=lambda g: (order[groups[g][0].id], g))
        stones = sorted((m for s in setters for m in own_stones.get(s, [])), key=lambda m: order[m.id])
        exists = cat.jurisdictions[j].valid_to is None
        if (exists and (gs or stones)) or own_groups.get(j) or own_stones.get(j):
            views.append((j, gs, set(gs) - set(own_groups.get(j, [])), stones))
    plan = _Plan(groups=groups, static=_static(groups), owners_of_groups=[ind.jurisdiction for ind, _ in groups],
                 targets=_Targets.of([g[0] for g in groups]), group_of=group_of, ind_index=pd.Index(ind_ids),
                 ind_first=np.array(ind_first, dtype=np.int64), ind_sectors=np.array(ind_sectors, dtype=bool),
                 jur_index=pd.Index(jur_ids), group_jur=np.array(group_jur, dtype=np.int64), chain_pos=chain_pos,
                 views=views, owners={i.id: i.jurisdiction for i in cat.indicators}, reporters=reporters)
    _PLANS[cat] = plan
    return plan


def _rows_to_groups(plan: _Plan, frame: pd.DataFrame | None, today: dt.date):
    """Observation rows as (series, grid column, value, priority) arrays plus the years; vectorised.

    Rows that do not count are dropped: unknown targets or sectors, units outside the target's
    lineage, unreadable periods or periods that begin after ``today``, missing values.
    """
    none = np.zeros(0, dtype=np.int64)
    if frame is None or len(frame) == 0 or not plan.groups:
        return none, none, np.zeros(0), none, none
    value = frame["value"].to_numpy(dtype=float, na_value=np.nan)

    ind_codes, ind_uniques = pd.factorize(frame["indicator_id"])
    if "sector" in frame.columns:
        sec_codes, sec_uniques = pd.factorize(frame["sector"])
        sec_list = [str(s) for s in sec_uniques]
        if (sec_codes < 0).any():     # a missing sector is no sector
            sec_codes = np.where(sec_codes < 0, len(sec_list), sec_codes)
            sec_list.append("")
    else:
        sec_codes, sec_list = np.zeros(len(frame), dtype=np.int64), [""]
    pos = plan.ind_index.get_indexer(ind_uniques)
    # (indicator code, sector code) -> series; the extra last row and column catch NaN codes (-1).
    table = np.full((len(ind_uniques) + 1, len(sec_list) + 1), -1, dtype=np.int64)
    known = pos >= 0
    plain = np.flatnonzero(known & ~plan.ind_sectors[np.maximum(pos, 0)])
    if "" in sec_list:
        table[plain, sec_list.index("")] = plan.ind_first[pos[plain]]
    per_sector = np.flatnonzero(known & plan.ind_sectors[np.maximum(pos, 0)])
    if len(per_sector):
        names = np.asarray(ind_uniques, dtype=object)[per_sector].tolist()
        for a, ind_id in zip(per_sector.tolist(), names):
            for b, s in enumerate(sec_list):
                table[a, b] = plan.group_of.get((ind_id, s), -1)
    g = table[ind_codes, sec_codes]

    unit_codes, unit_uniques = pd.factorize(frame["unit"])
    unit_j = np.append(plan.jur_index.get_indexer(unit_uniques), -2)[unit_codes]
    setter = np.where(g >= 0, plan.group_jur[np.maximum(g, 0)], -1)
    prio = np.where(unit_j == setter, 0, -1)
    others = np.flatnonzero((g >= 0) & (prio < 0) & (unit_j >= 0))
    if len(others) and plan.chain_pos:
        width = len(plan.jur_index) + 2
        uniq, inverse = np.unique(setter[others] * width + unit_j[others], return_inverse=True)
        found = np.array([plan.chain_pos.get((int(p) // width, int(p) % width), -1) for p in uniq.tolist()],
                         dtype=np.int64)
        prio[others] = found[inverse]

    per_codes, per_uniques = pd.factorize(frame["period"])
    parts = [_period_parts(str(p)) for p in per_uniques]
    usable = [p is not None and p[2] <= today for p in parts]
    years = np.unique(np.array([p[0] for p, ok in zip(parts, usable) if ok], dtype=np.int64))
    col_u = np.array([int(np.searchsorted(years, p[0])) * 5 + p[1] if ok else -1 for p, ok in zip(parts, usable)]
                     + [-1], dtype=np.int64)
    col = col_u[per_codes]
    keep = (g >= 0) & (prio >= 0) & (col >= 0) & ~np.isnan(value)
    if keep.all():
        return g, col, value, prio, years
    return g[keep], col[keep], value[keep], prio[keep], years


def assess_all(catalogue: Catalogue, observations_df: pd.DataFrame | None, milestones_df: pd.DataFrame | None,
               today: dt.date) -> dict[str, dict[str, list]]:
    """Every unit's targets assessed: unit -> {"numeric": [Assessment], "milestones": [MilestoneAssessment]}.

    Units: those that report today (reporting_units) and every unit that set targets itself. A
    target's data are the rows reported by the unit that set it and by its successors (Bắc Ninh
    reporting Bắc Giang's targets after the merger; the successor's row wins a period both
    reported), so the target shows the same series on both pages. Per-sector targets give one
    Assessment per sector (none for sector ""). Periods that begin after ``today`` are ignored.
    """
    with collector.paused():
        plan = _plan(catalogue)
        g, col, value, prio, years = _rows_to_groups(plan, observations_df, today)
        yr = _rollup(plan.targets.kind, g, col, value, years, prio)
        res = _judge(plan.targets, yr)
        own = _assessments(plan.static, plan.owners_of_groups, yr, res)
        updates = _latest_updates(plan, milestones_df)

        out: dict[str, dict[str, list]] = {}
        for unit, gs, inherited, stones in plan.views:
            if inherited:
                numeric = [replace(own[k], unit=unit) if k in inherited else own[k] for k in gs]
            else:
                numeric = [own[k] for k in gs]
            tasks = [assess_milestone(m, updates.get(m.id), unit, today) for m in stones]
            out[unit] = {"numeric": numeric, "milestones": tasks}
    return out




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


# --------------------------------------------------------------------------------------------
# Milestones and timeliness


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


# --------------------------------------------------------------------------------------------
# Words


def _tr(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _period_words(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    return parse_period(code).label(lang)


def _year_words(year, lang: str) -> str:
    return _tr(lang, f"năm {year}", f"{year}")


def _target_words(ind: Indicator, lang: str) -> str:
    """'trên 90.000 người năm 2030' / 'từ 1 văn bằng, hằng năm từ 2030'."""
    text = fmt_target(ind, lang)
    year = getattr(ind.target, "year", None)
    suffix = f" ({year})"
    if year and text.endswith(suffix):
        return text[: -len(suffix)] + _tr(lang, f" năm {year}", f" by {year}")
    return text


def _rate_words(rate: float, a: Assessment, lang: str) -> str:
    """A yearly rate without its sign: '7,6 %/năm', '1.500 người/năm', '0,3 điểm %/năm', '1,5 bậc/năm'."""
    size = abs(rate)
    if a.method == "cagr":
        return fmt_percent(size * 100, lang, decimals=1) + _tr(lang, "/năm", "/year")
    unit = a.indicator.unit if a.indicator else ""
    if a.method == "rank" or unit == "rank":
        return fmt_number(size, lang, 1 if not float(size).is_integer() else 0) + _tr(lang, " bậc/năm", " places/year")
    if unit == "percent":
        return fmt_number(size, lang, 2) + _tr(lang, " điểm %/năm", " percentage points/year")
    label = a.indicator.unit_label(lang) if a.indicator else ""
    return f"{fmt_number(size, lang, 0 if size >= 100 else 2)} {label}".strip() + _tr(lang, "/năm", "/year")


def _verb(rate: float, rank: bool, lang: str, past: bool = False) -> str:
    if abs(rate) < 1e-12:
        return _tr(lang, "không đổi", "unchanged" if past else "stay level")
    if rank:   # a smaller rank number is a better place
        up = rate < 0
        return _tr(lang, "lên" if up else "xuống", ("climbed" if up else "fell") if past else ("climb" if up else "fall"))
    up = rate > 0
    return _tr(lang, "tăng" if up else "giảm", ("grew" if up else "fell") if past else ("grow" if up else "fall"))


def _partial_note(a: Assessment, lang: str) -> str:
    """For flows: the year in progress, which is shown but not judged."""
    if a.indicator is None or a.indicator.rollup_kind != "flow" or not a.series:
        return ""
    last = a.series[-1]
    if not last.partial or last.period == a.latest_period:
        return ""
    value = fmt_value(last.value, a.indicator.unit, lang)
    return _tr(lang, f"; năm {last.year} đến hết {_period_words(last.period, lang)}: {value} (chưa đủ năm)",
               f"; {last.year} to {_period_words(last.period, lang)}: {value} (partial year)")


def _missing(a: Assessment) -> tuple[str, str]:
    """What is missing before a status can be given, in Vietnamese and English."""
    if a.status == "no_data":
        return ("chưa có số liệu nào; hãy tải lên biểu mẫu quý đầu tiên",
                "no figures yet; upload the first quarterly form")
    flow = a.indicator is not None and a.indicator.rollup_kind == "flow"
    series = list(a.series)
    if flow:
        counted = [p for p in series if not p.partial]
    elif a.method == "average":
        counted = [p for p in series if not p.partial and not p.provisional]
    else:
        counted = series
    unfinished = [p for p in series if p not in counted]
    if a.method == "average":
        need_vi, need_en = "cần ít nhất 1 năm trọn vẹn có số liệu", "needs at least one whole year of figures"
    elif a.method == "direction":
        need_vi = "cần số liệu của ít nhất 2 năm" + (" đủ 4 quý" if flow else "") + " để biết xu hướng"
        need_en = "needs figures for at least two" + (" whole" if flow else "") + " years to see the direction"
    else:
        need_vi = "cần ít nhất 2 năm" + (" đủ 4 quý" if flow else "") + " có số liệu"
        need_en = "needs at least two" + (" whole" if flow else "") + " years of figures"
    years = ", ".join(str(p.year) for p in counted)
    got_vi = [f"mới có năm {years}"] if years else ["chưa có năm nào trọn vẹn"]
    got_en = [f"only {years} so far"] if years else ["no whole year yet"]
    for p in unfinished:
        got_vi.append(f"năm {p.year} mới có {p.quarters} quý" if flow else
                      f"năm {p.year} mới có số liệu đến {_period_words(p.period, 'vi')}")
        got_en.append(f"{p.year} has {p.quarters} quarter(s) only" if flow else
                      f"{p.year} has figures to {_period_words(p.period, 'en')} only")
    return f"{need_vi} ({'; '.join(got_vi)})", f"{need_en} ({'; '.join(got_en)})"


def _explain(a: Assessment, lang: str) -> str:
    if a.status in UNASSESSED_STATUSES:
        return _unassessed_words(a.status, a.indicator, lang)
    if a.status == "no_data":
        return _tr(lang, "Chưa có số liệu — hãy tải lên biểu mẫu quý đầu tiên.",
                   "No data yet — upload the first quarterly form.")
    if a.status == "too_little_data":
        missing = a.missing_en if lang == "en" else a.missing
        if not missing:
            missing = _missing(a)[1 if lang == "en" else 0]
        return _tr(lang, f"Chưa đủ số liệu: {missing}.", f"Too little data: {missing}.")
    ind = a.indicator
    unit = ind.unit if ind else ""
    latest = f"{_period_words(a.latest_period, lang)}: {fmt_value(a.latest_value, unit, lang)}"
    target = _target_words(ind, lang) if ind else ""
    notes = set(a.notes)
    tail = _partial_note(a, lang)
    if "from_year_before" in notes and ind is not None:
        fy = ind.target.from_year
        tail += _tr(lang, f"; chỉ tiêu áp dụng hằng năm từ năm {fy}, trước đó đánh giá theo xu hướng tiến tới mức này",
                    f"; the target holds every year from {fy}, so until then the trend towards it is judged")
    if "deadline_passed" in notes:
        tail += _tr(lang, "; đã đến năm mục tiêu mà chưa đạt", "; the target year has come without the target met")
    if "year_to_date" in notes:
        tail += _tr(lang, f"; cộng dồn các quý năm {a.latest_year} đã đạt mức của năm",
                    f"; the quarters of {a.latest_year} add up to the year's target already")

    if a.method == "average" and a.average_years:
        first, last, n = a.average_years
        span = (_tr(lang, f"{n} năm {first}–{last}", f"{n} years {first}–{last}") if n > 1 else _year_words(last, lang))
        mean = fmt_value(a.average_value, unit, lang)
        if a.status == "achieved":
            return _tr(lang, f"Bình quân {span}: {mean}, đã đạt mục tiêu {target}.",
                       f"Average over {span}: {mean}, target met ({target}).")
        share = fmt_percent((a.ratio or 0) * 100, lang, decimals=0)
        return _tr(lang, f"Bình quân {span}: {mean}, bằng {share} mức mục tiêu {target}{tail}.",
                   f"Average over {span}: {mean}, {share} of the target ({target}){tail}.")

    if a.method == "direction":
        before = fmt_value(a.baseline_value, unit, lang)
        change = (a.latest_value or 0) - (a.baseline_value or 0)
        moved = "" if abs(change) <= 1e-9 * max(1.0, abs(a.baseline_value or 0)) else ("up" if change > 0 else "down")
        wanted = ind.target.direction
        if lang == "en":
            words = {"up": "up", "down": "down", "": "unchanged"}[moved]
            verdict = {"on_track": "the right way for", "off_track": "no movement towards",
                       "moving_away": "the wrong way for"}.get(a.status, "")
            return f"{latest}, {words} from {a.baseline_year} ({before}) — {verdict} the target to {wanted} by " \
                   f"{ind.target.year}{tail}."
        words = {"up": "tăng", "down": "giảm", "": "không đổi"}[moved]
        verdict = {"on_track": "đúng hướng", "off_track": "chưa chuyển biến theo",
                   "moving_away": "ngược hướng"}.get(a.status, "")
        goal = "tăng" if wanted == "increase" else "giảm"
        return f"{latest}, {words} so với năm {a.baseline_year} ({before}) — {verdict} mục tiêu {goal} đến năm " \
               f"{ind.target.year}{tail}."

    if a.status == "achieved":
        return _tr(lang, f"{latest}, đã đạt mục tiêu {target}{tail}.", f"{latest}, target met ({target}){tail}.")
    if a.method == "comparator":     # at the level before the years it applies to
        return _tr(lang, f"{latest}, đã đạt mức {target}{tail}.", f"{latest}, already at the level of {target}{tail}.")
    base = ""
    if a.baseline_value is not None:
        base = _tr(lang, f" (gốc năm {a.baseline_year}: {fmt_value(a.baseline_value, unit, lang)})",
                   f" (baseline {a.baseline_year}: {fmt_value(a.baseline_value, unit, lang)})")
    if "base_met_lost" in notes:
        return _tr(lang, f"{latest}{base}; năm gốc đã đạt mục tiêu {target} nhưng nay không còn đạt{tail}.",
                   f"{latest}{base}; the baseline met the target ({target}) but the latest value no longer does{tail}.")
    rank = a.method == "rank"
    obs = a.observed_rate
    observed = (_tr(lang, f"thực tế {_verb(obs, rank, lang, True)} {_rate_words(obs, a, lang)}",
                    f"actual: {_verb(obs, rank, lang, True)} {_rate_words(obs, a, lang)}")
                if obs is not None and abs(obs) > 1e-12 else _tr(lang, "thực tế không đổi", "actual: unchanged"))
    if a.required_rate is None:
        return _tr(lang, f"{latest}{base}; chưa đạt mục tiêu {target}, {observed}{tail}.",
                   f"{latest}{base}; target not met ({target}), {observed}{tail}.")
    req = a.required_rate
    linear_note = ""
    if "nonpositive" in notes:
        linear_note = _tr(lang, "; tính theo mức thay đổi tuyến tính vì có giá trị bằng 0 hoặc âm",
                          "; linear change used because a value is zero or negative")
    ratio = fmt_number(a.ratio, lang, 2) if a.ratio is not None else "—"
    return _tr(lang,
               f"{latest}{base}; cần {_verb(req, rank, lang)} {_rate_words(req, a, lang)} để đạt {target}, "
               f"{observed} (tỷ lệ {ratio}){linear_note}{tail}; {_projection_words(a, lang)}.",
               f"{latest}{base}; needs to {_verb(req, rank, lang)} {_rate_words(req, a, lang)} to reach {target}, "
               f"{observed} (ratio {ratio}){linear_note}{tail}; {_projection_words(a, lang)}.")


# Counted in whole things: a projection is said in whole numbers.
_COUNT_UNITS = {"person", "enterprise", "paper", "patent", "work", "task"}


def _projection_words(a: Assessment, lang: str) -> str:
    """'dự báo năm 2030: 26 doanh nghiệp' or, with fewer than three yearly points, that there is none."""
    if a.projection is None:
        return _tr(lang, "chưa đủ số liệu để dự báo", "too little data for a projection")
    unit = a.indicator.unit if a.indicator else ""
    value = round(a.projection) if unit in _COUNT_UNITS else a.projection
    # Whether the trend line reaches the target is said outright, so that a status judged on the
    # rate since the baseline and a line through the recent years never seem to disagree unexplained.
    meets = None
    if a.target_value is not None and a.comparator in _COMPARATORS:
        k = np.array([_COMPARATORS.index(a.comparator)])
        tol = a.indicator.target.effective_tolerance() if a.indicator is not None else 0.0
        meets = bool(_meets(np.array([float(a.projection)]), k, np.array([a.target_value]), np.array([tol]))[0])
    verdict = "" if meets is None else _tr(lang, ", theo xu hướng các năm gần đây " + ("sẽ đạt" if meets else "chưa đạt")
                                               + " mục tiêu", ", on the recent years' trend " + ("reaching" if meets else
                                                                                                  "short of") + " the target")
    return _tr(lang, f"dự báo năm {a.target_year}: {fmt_value(value, unit, lang)}{verdict}",
               f"projected {a.target_year}: {fmt_value(value, unit, lang)}{verdict}")


_PROGRESS_WORDS = {
    "not_started": ("chưa thực hiện", "not started"),
    "in_progress": ("đang thực hiện", "in progress"),
    "done": ("hoàn thành", "done"),
    None: ("chưa có báo cáo tiến độ", "no progress report yet"),
}


def _unassessed_words(status: str, ind: Indicator | None, lang: str) -> str:
    if status == "replaced":
        new = ind.replaced_by if ind is not None else None
        return _tr(lang, "Chỉ tiêu đã thay thế" + (f" bằng {new}" if new else "") + "; không đánh giá, số liệu đã lưu được giữ nguyên.",
                   "Replaced target" + (f" (by {new})" if new else "") + "; not assessed, its stored values are kept.")
    return _tr(lang, "Chưa có thước đo: văn bản không nêu số liệu thống kê nào đo được mục tiêu này; không đánh giá.",
               "No measure yet: no statistic named by the document measures this goal; not assessed.")


def _explain_milestone(m: MilestoneAssessment, lang: str) -> str:
    if m.status in UNASSESSED_STATUSES:
        return _unassessed_words(m.status, m.indicator, lang)
    if m.year is not None:
        return _explain_yearly(m, lang)
    vi, en = _PROGRESS_WORDS.get(m.progress_status, _PROGRESS_WORDS[None])
    progress = _tr(lang, f"tình trạng báo cáo: {vi}" if m.progress_status else vi,
                   f"reported: {en}" if m.progress_status else en)
    due = fmt_date(m.due, lang)
    if m.status == "done":
        if m.completed_on is None:
            return _tr(lang, "Đã hoàn thành (chưa ghi ngày hoàn thành).", "Done (completion date not given).")
        day = fmt_date(m.completed_on, lang)
        if m.due is None:
            return _tr(lang, f"Hoàn thành ngày {day}.", f"Done on {day}.")
        if m.days_late:
            return _tr(lang, f"Hoàn thành ngày {day}, chậm {m.days_late} ngày so với hạn {due}.",
                       f"Done on {day}, {m.days_late} days after the deadline {due}.")
        return _tr(lang, f"Hoàn thành ngày {day}, đúng hạn ({due}).", f"Done on {day}, on time (deadline {due}).")
    if m.status == "overdue":
        return _tr(lang, f"Quá hạn {m.days_late} ngày (hạn {due}); {progress}.",
                   f"{m.days_late} days overdue (deadline {due}); {progress}.")
    if m.status == "not_yet_due":
        return _tr(lang, f"Hạn {due}, còn {m.days_left} ngày; {progress}.",
                   f"Due {due}, {m.days_left} days left; {progress}.")
    if m.status == "recurring" and m.indicator is not None and m.indicator.target.periodic:
        if m.completed_on:
            day = fmt_date(m.completed_on, lang)
            return _tr(lang, f"Nhiệm vụ định kỳ (văn bản không nêu chu kỳ); lần báo cáo thực hiện gần nhất: {day}.",
                       f"Periodic task (the document sets no cycle); last reported done on {day}.")
        return _tr(lang, f"Nhiệm vụ định kỳ (văn bản không nêu chu kỳ); chưa có lần báo cáo thực hiện nào; {progress}.",
                   f"Periodic task (the document sets no cycle); not yet reported done; {progress}.")
    if m.status == "recurring":
        return _tr(lang, f"Nhiệm vụ thường xuyên; {progress}.", f"Standing task; {progress}.")
    return _tr(lang, f"Không ấn định thời hạn; {progress}.", f"No deadline set; {progress}.")


def _explain_yearly(m: MilestoneAssessment, lang: str) -> str:
    vi, en = _PROGRESS_WORDS.get(m.progress_status, _PROGRESS_WORDS[None])
    progress = _tr(lang, f"tình trạng báo cáo: {vi}" if m.progress_status else vi,
                   f"reported: {en}" if m.progress_status else en)
    y = m.year
    if m.status == "done":
        day = fmt_date(m.completed_on, lang)
        return _tr(lang, f"Nhiệm vụ hằng năm: năm {y} đã thực hiện (ngày {day}).",
                   f"Yearly task: done for {y} (on {day}).")
    if m.status == "overdue":
        return _tr(lang, f"Nhiệm vụ hằng năm: năm {y} đã hết mà chưa báo cáo hoàn thành (quá {m.days_late} ngày); {progress}.",
                   f"Yearly task: {y} ended with no completion reported ({m.days_late} days ago); {progress}.")
    if m.due is not None and m.due.year == y and m.due.month == 12:
        return _tr(lang, f"Nhiệm vụ hằng năm: năm {y} chưa thực hiện, còn {m.days_left} ngày đến {fmt_date(m.due, lang)}; {progress}.",
                   f"Yearly task: not yet done for {y}, {m.days_left} days left to {fmt_date(m.due, lang)}; {progress}.")
    return _tr(lang, f"Nhiệm vụ hằng năm, bắt đầu từ {fmt_date(m.due, lang)}; {progress}.",
               f"Yearly task, starting {fmt_date(m.due, lang)}; {progress}.")
