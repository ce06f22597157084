"""Which kind of figure (estimate / preliminary / official) an assessed value rests on, and its words.

A value made of several stored rows (a year summed from its quarters) is only as firm as its least firm
part."""

from __future__ import annotations

import pandas as pd

from tracker.observation import VALUE_STATUS_RANK
from tracker.periods import parse_period

WORDS = {"estimate": ("ước tính", "estimate"), "preliminary": ("sơ bộ", "preliminary"),
         "official": ("chính thức", "official")}


def word(status: str | None, lang: str = "vi") -> str:
    return WORDS[status][lang == "en"] if status in WORDS else ""


def kind_of(current: pd.DataFrame, indicator_id: str, unit: str, sector: str, period: str | None) -> str | None:
    """The value status behind (indicator, unit, sector, period) in a current_observations frame; None
    when no stored row carries it."""
    if not period or current is None or current.empty or "value_status" not in current:
        return None
    rows = current[(current["indicator_id"] == indicator_id) & (current["sector"].fillna("") == (sector or ""))]
    if unit is not None:
        rows = rows[rows["unit"] == unit] if (rows["unit"] == unit).any() else rows
    exact = rows[rows["period"] == period]
    if exact.empty and parse_period(period).is_year:
        exact = rows[rows["period"].map(lambda p: parse_period(p).year == int(period) and parse_period(p).is_quarter)]
    if exact.empty:
        return None
    return min(exact["value_status"].fillna("official"), key=lambda s: VALUE_STATUS_RANK.get(s, 3))
