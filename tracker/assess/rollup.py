"""Quarters rolled up to years by the indicator's kind, for many series at once.

stock: the last quarter reported (partial and provisional until Q4 is in); flow: the sum of the
quarters (partial with fewer than 4); ratio/growth: the annual figure, else the latest quarter
(provisional); rank: the latest. An annual figure always wins over that year's quarters. The work is
one (series × year × slot) grid of numpy arrays, so a million observations roll up at once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tracker.core.periods import parse_period


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


def _json_number(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v



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
