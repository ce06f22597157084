"""Units of measure: one row each, the only place their facts live.

A row says how the unit is named (vi/en, with the English singular), which values are plausible (bounds),
whether a value must be a whole number (a count of people, enterprises, papers, inventions, patents, works,
tasks, a rank) and whether it is a percentage. Ingest, the demo, figures, progress and i18n read these rows,
so a new unit cannot be accepted by one and refused or misprinted by another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_MAGNITUDE = 1e12


@dataclass(frozen=True)
class Measure:
    key: str
    vi: str                # label after a number: "90.000 người"
    en: str                # English plural (or the only form)
    en_one: str            # English singular: "1 invention"
    low: float
    high: float
    whole: bool = False    # counts of things and ranks: 7,83 inventions is refused
    percent: bool = False  # shares and yearly rates, written with % (and whose pace is in points)

    def label(self, lang: str = "vi", value: float | None = None) -> str:
        if lang != "en":
            return self.vi
        return self.en_one if value is not None and value == 1 else self.en

    def rounded(self, value: float) -> float:
        """The value as shown and as the demo makes it: counts whole, the rest to two decimals."""
        if not math.isfinite(value):
            return value
        return float(round(value)) if self.whole else round(value, 2)


# People: Viet Nam has about 100 million; ranks: 63 provinces before 1/7/2025.
MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("person", "người", "people", "person", 0, 100_000_000, whole=True),
    Measure("percent", "%", "%", "%", 0, 100, percent=True),
    Measure("percent_per_year", "%/năm", "%/year", "%/year", -100, 1000, percent=True),
    Measure("enterprise", "doanh nghiệp", "enterprises", "enterprise", 0, 10_000_000, whole=True),
    Measure("paper", "bài báo", "papers", "paper", 0, 10_000_000, whole=True),
    Measure("patent", "văn bằng", "patents", "patent", 0, 10_000_000, whole=True),
    Measure("invention", "phát minh", "inventions", "invention", 0, 10_000_000, whole=True),
    Measure("work", "công trình", "works", "work", 0, 10_000_000, whole=True),
    Measure("organisation", "tổ chức", "organisations", "organisation", 0, 10_000_000, whole=True),
    Measure("rank", "hạng", "rank", "rank", 1, 63, whole=True),
    Measure("task", "nhiệm vụ", "tasks", "task", 0, 10_000_000, whole=True),
)}

# A unit no row names (never in a valid catalogue, which refuses it): any plain magnitude.
ANY = Measure("", "", "", "", 0, MAX_MAGNITUDE)
# Growth targets are yearly rates whatever unit their level is counted in.
GROWTH = MEASURES["percent_per_year"]


def measure(unit: str | None) -> Measure:
    return MEASURES.get(unit or "", ANY)


def is_whole(unit: str | None) -> bool:
    return measure(unit).whole


def is_percent(unit: str | None) -> bool:
    return measure(unit).percent
