"""Reporting periods: "2026-Q3" (a quarter), "2026-H1" (the first six months), "2026-M9" (the first nine
months) and "2026" (a year), their labels and dates."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from functools import total_ordering

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ROMAN_BACK = {v: k for k, v in ROMAN.items()}
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_MONTHS = re.compile(r"^\s*(\d{4})\s*-?\s*(H1|M9)\s*$", re.IGNORECASE)
# Reports that run from January to the end of a month: H1 (six months) and M9 (nine months).
_MONTHS_CODE = {6: "H1", 9: "M9"}
_QUY = re.compile(r"^\s*(?:quý|quy|q)\s*([IV]+|[1-4])\s*[/ -]\s*(\d{4})\s*$", re.IGNORECASE)


@total_ordering
@dataclass(frozen=True)
class Period:
    year: int
    # 1-4 for a quarter; None for a whole year or a six- or nine-month report.
    quarter: int | None = None
    # 6 or 9 for the report on the first six (H1) or nine (M9) months; None otherwise.
    months: int | None = None

    def __post_init__(self):
        if self.months is not None and (self.quarter is not None or self.months not in _MONTHS_CODE):
            raise ValueError(f"not a period: quarter={self.quarter}, months={self.months}")

    @property
    def code(self) -> str:
        if self.months:
            return f"{self.year}-{_MONTHS_CODE[self.months]}"
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def is_year(self) -> bool:
        return self.quarter is None and self.months is None

    @property
    def last_month(self) -> int:
        return 3 * self.quarter if self.quarter else (self.months or 12)

    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    def end(self) -> dt.date:
        month = self.last_month
        next_first = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return next_first - dt.timedelta(days=1)

    def label(self, lang: str = "vi") -> str:
        if self.months:
            if lang == "en":
                return f"{'first six' if self.months == 6 else 'first nine'} months of {self.year}"
            return f"6 tháng đầu năm {self.year}" if self.months == 6 else f"9 tháng năm {self.year}"
        if self.quarter:
            return f"Q{self.quarter}/{self.year}" if lang == "en" else f"Quý {ROMAN[self.quarter]}/{self.year}"
        return f"{self.year}" if lang == "en" else f"Năm {self.year}"

    def next(self) -> "Period":
        if self.months:
            return Period(self.year + 1, months=self.months)
        if not self.quarter:
            return Period(self.year + 1)
        return Period(self.year + (self.quarter == 4), self.quarter % 4 + 1)

    def previous(self) -> "Period":
        if self.months:
            return Period(self.year - 1, months=self.months)
        if not self.quarter:
            return Period(self.year - 1)
        return Period(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def has_ended(self, today: dt.date) -> bool:
        return self.end() < today

    def sort_key(self) -> tuple[int, int, int]:
        # A year sorts after its own fourth quarter; H1 after the second quarter, M9 after the third.
        if self.months:
            return (self.year, self.months // 3, 1)
        return (self.year, self.quarter or 5, 0)

    def __lt__(self, other: "Period") -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """'2026-Q3', '2026Q3', 'Quý III/2026', 'Q3/2026', '2026-H1', '2026-M9' or '2026'. Raises ValueError otherwise."""
    # Pages parse the same few dozen codes for every unit on every view: remembered (a Period is frozen).
    if isinstance(text, str):
        return _parse_period_cached(text)
    return _parse_period(text)


@functools.lru_cache(maxsize=4096)
def _parse_period_cached(text: str) -> Period:
    return _parse_period(text)


def _parse_period(text) -> Period:
    raw = str(text).strip()
    if m := _QUARTER.match(raw):
        return Period(int(m.group(1)), int(m.group(2)))
    if m := _YEAR.match(raw):
        return Period(int(m.group(1)))
    if m := _MONTHS.match(raw):
        return Period(int(m.group(1)), months=6 if m.group(2).upper() == "H1" else 9)
    if m := _QUY.match(raw):
        q = m.group(1).upper()
        return Period(int(m.group(2)), int(q) if q.isdigit() else _ROMAN_BACK[q])
    raise ValueError(f"not a period: {text!r} (expected e.g. 2026-Q3, 2026-H1, 2026-M9 or 2026)")


def latest_ended_quarter(today: dt.date) -> Period:
    current = Period(today.year, (today.month - 1) // 3 + 1)
    return current.previous()


def quarters(first: Period, last: Period) -> list[Period]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = p.next()
    return out


def quarter_of(day: dt.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def today() -> dt.date:
    """Today's date; $TRACKER_TODAY (YYYY-MM-DD) pins it for tests and demos."""
    import os

    pinned = os.environ.get("TRACKER_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()
