"""The status of every target from its yearly values, as arrays (one row per target × sector).

The statuses and their thresholds are described in the docstring of the tracker.assess package.
What the judgement found is said in two small integer columns, the method and the notes; their values
are the named constants below, and only their names (plain strings) reach an Assessment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, IntFlag

import numpy as np

from tracker.assess.rollup import _FLOW, _ROLLUP_CODE, _Years
from tracker.catalogue import Indicator
from tracker.core import statuses
from tracker.core.statuses import Status

STATUSES = tuple(str(s) for s in Status)
NUMERIC_STATUSES = statuses.NUMERIC
DIRECTION_STATUSES = statuses.DIRECTION
MILESTONE_STATUSES = statuses.MILESTONE
UNASSESSED_STATUSES = statuses.UNASSESSED

# Thresholds of the ratio observed / required rate (Open SDG).
ON_TRACK, ACCELERATION = 0.95, 0.6
# Yearly points (the baseline included) below which no projection is drawn or stated.
MIN_PROJECTION_POINTS = 3


def status_label(status: str, lang: str = "vi") -> str:
    return statuses.label(status, lang)


def status_counts(assessments: Iterable) -> dict[str, int]:
    """How many of each status, every status listed (zeros included), in STATUSES order."""
    counts = dict.fromkeys(STATUSES, 0)
    for a in assessments:
        counts[a.status] = counts.get(a.status, 0) + 1
    return counts


# Comparators of a numeric target, by their index in the judge's comp column.
_COMPARATORS = (">", ">=", "=", "~", "<=", "<")
_GT, _GE, _EQ, _APPROX, _LE, _LT = range(6)


class Method(IntEnum):
    """How a status was reached: the judge's method column holds the number, Assessment.method its name."""

    NONE = 0          # not judged: no data at all, or a series the catalogue does not assess
    COMPARATOR = 1    # the latest value meets the target (achieved), or is at its level before from_year
    CAGR = 2          # compound annual growth observed since the baseline against the growth required
    LINEAR = 3        # a yearly change in the unit, because the baseline, latest or target value is 0 or negative
    RANK = 4          # places a year (a smaller rank number is better), always linear
    AVERAGE = 5       # the mean of the whole years against the value ("bình quân")
    DIRECTION = 6     # the latest two usable years' change against the direction asked for


class Note(IntFlag):
    """Why a status reads as it does, one bit each: the judge's notes column, Assessment.notes their names."""

    FROM_YEAR_BEFORE = 1    # an "every year from <from_year>" target before from_year: the trend toward it is judged
    DEADLINE_PASSED = 2     # the data reach the target year and the target is unmet: at best off_track
    BASE_MET_LOST = 4       # the baseline met the target and the latest value no longer does: moving_away
    NONPOSITIVE = 8         # a value is zero or negative: linear rates instead of compound ones
    NO_REQUIRED_RATE = 16   # nothing to compare the pace with (no years left, or no change needed): judged on its sign
    YEAR_TO_DATE = 32       # a flow already met by the quarters of the year in progress
    PROJECTION_SHORT = 64   # on pace by the rate, but the recent years' trend falls short in the target year


# The names results carry, plain strings: a saved snapshot must not depend on the enumerations' module
# path. METHOD_NAMES[method]; NOTE_NAMES[k] is the note of bit 1 << k.
METHOD_NAMES = tuple("" if m is Method.NONE else m.name.lower() for m in Method)
NOTE_NAMES = tuple(n.name.lower() for n in Note)
# Plain strings in results: a saved snapshot must not depend on the enumeration's module path.
_ASSESSED = tuple(str(s) for s in statuses.ASSESSED)
_S = {s: k for k, s in enumerate(_ASSESSED)}


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
    method = np.full(n, Method.NONE, dtype=np.int8)
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
        method = np.where(achieved | early, Method.COMPARATOR, method)
        method = np.where(rate_ok, np.where(tg.rank, Method.RANK, np.where(nonpositive, Method.LINEAR, Method.CAGR)),
                          method)
        keep = rate_ok & ~base_met & ~no_req
        base_v = np.where(rate_ok | early | achieved, bv, base_v)
        base_y = np.where(rate_ok | early | achieved, by, base_y)
        base_v = np.where((rate_ok | early | achieved) & ~(use_bl | (n_usable >= 2)), np.nan, base_v)
        base_y = np.where(np.isnan(base_v), np.nan, base_y)
        obs = np.where(rate_ok, o, obs)
        req = np.where(rate_ok & ~no_req, r, req)
        ratio = np.where(keep, q, ratio)
        notes |= np.where(before_from & plain & (rate_ok | early), Note.FROM_YEAR_BEFORE, 0).astype(np.int16)
        notes |= np.where(deadline, Note.DEADLINE_PASSED, 0).astype(np.int16)
        notes |= np.where(rate_ok & base_met, Note.BASE_MET_LOST, 0).astype(np.int16)
        notes |= np.where(rate_ok & nonpositive & ~tg.rank, Note.NONPOSITIVE, 0).astype(np.int16)
        notes |= np.where(rate_ok & ~base_met & no_req, Note.NO_REQUIRED_RATE, 0).astype(np.int16)
        notes |= np.where(ytd & (achieved | early), Note.YEAR_TO_DATE, 0).astype(np.int16)

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
            method = np.where(is_avg & has_any, Method.AVERAGE, method)
            ratio = np.where(ok, share, ratio)
            avg_v = np.where(ok, mean, avg_v)
            avg_first = np.where(ok, first_y, avg_first)
            avg_last = np.where(ok, last_y, avg_last)
            avg_n = np.where(ok, avg_n, 0)
            before = ok & (tg.from_year > 0) & (last_y < tg.from_year)
            notes |= np.where(before, Note.FROM_YEAR_BEFORE, 0).astype(np.int16)
            notes |= np.where(ok & late, Note.DEADLINE_PASSED, 0).astype(np.int16)

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
            # Their own statuses: a goal with no number is never painted as a numeric target's chip.
            judged = np.select([sign * tg.direction > 0, sign == 0], [_S["right_way"], _S["no_change"]], _S["wrong_way"])
            ok = is_dir & (pi >= 0)
            status = np.where(ok, judged, status)
            method = np.where(is_dir & has_any, Method.DIRECTION, method)
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

        # One meaning per signal: on pace since the baseline but, on the recent years' trend, short of the
        # target in the target year reads "needs acceleration", never "on track" beside "projected short".
        short = (rate_ok & (status == _S["on_track"]) & np.isfinite(projection)
                 & ~_meets(np.where(np.isfinite(projection), projection, 0.0), tg.comp, tg.value, tg.tol))
        status = np.where(short, _S["acceleration"], status)
        notes |= np.where(short, Note.PROJECTION_SHORT, 0).astype(np.int16)

    # Where the status rests: the latest usable year, else the latest year with anything.
    shown = np.where(li >= 0, li, _last(yr.present))
    return {"status": status, "method": method, "notes": notes, "shown": shown, "baseline_value": base_v,
            "baseline_year": base_y, "observed_rate": obs, "required_rate": req, "ratio": ratio,
            "projection": projection, "gap": gap, "average_value": avg_v, "average_first": avg_first,
            "average_last": avg_last, "average_n": avg_n}
