"""Assessments of one target or of the whole catalogue: rows grouped into series, rolled up, judged.

Pure functions over the catalogue and plain data (a DataFrame like Store.current_observations, or
lists of (period, value)); no Streamlit, no database. The work is done on whole arrays (one row per
target × sector, one column per year) so that a million observations assess in well under a second;
:func:`assess` runs the same code for one target.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from tracker.core import collector
from tracker.assess.explain import _explain, _missing
from tracker.assess.judge import _ASSESSED, _S, METHOD_NAMES, NOTE_NAMES, _at, _judge, _Targets, status_label
from tracker.assess.milestones import _latest_updates, assess_milestone
from tracker.assess.rollup import _FLOW, _ROLLUP_CODE, YearValue, _columns, _json_number, _period_parts, _rollup, _Years
from tracker.catalogue import Catalogue, Indicator


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


_NOTE_TUPLES: dict[int, tuple[str, ...]] = {}


def _note_tuple(bits: int) -> tuple[str, ...]:
    got = _NOTE_TUPLES.get(bits)
    if got is None:
        got = _NOTE_TUPLES[bits] = tuple(name for k, name in enumerate(NOTE_NAMES) if bits & (1 << k))
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
        [_ASSESSED[s] for s in res["status"].tolist()],
        _floats(_at(yr.value, shown)), _ints(_at(years, shown)), _shown_periods(yr, shown),
        (_at(yr.partial.astype(float), shown, 0.0) > 0).tolist(),
        (_at(yr.provisional.astype(float), shown, 0.0) > 0).tolist(),
        f["baseline_value"], _ints(res["baseline_year"]), static["target_values"], static["target_years"],
        static["comparators"], f["observed_rate"], f["required_rate"], f["ratio"], f["projection"], f["gap"],
        [METHOD_NAMES[m] for m in res["method"].tolist()], [""] * n, [""] * n, series, f["average_value"], avg,
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
