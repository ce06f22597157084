"""Which kind of figure (estimate / preliminary / official) an assessed value rests on, and its words.

A value made of several stored rows (a year summed from its quarters) is only as firm as its least firm
part; a year's own (annual) figure wins over its quarters, as in the rollup.

Only the figures that are *not* official are remembered (:func:`not_official`): every value of before
issue 20 is official, and a year-end report's estimates are a few rows among tens of thousands, so the
map a snapshot carries stays small and costs nothing where everything is official."""

from __future__ import annotations

import pandas as pd

from tracker.core.observation import VALUE_STATUS_RANK
from tracker.core.periods import parse_period

WORDS = {"estimate": ("ước tính", "estimate"), "preliminary": ("sơ bộ", "preliminary"),
         "official": ("chính thức", "official")}
# What a chart draws for each kind that is not official (tracker.present.figures, tracker.present.svg_chart), and the
# legend's sign: a hollow (white) diamond for an estimate, a diamond with a cross for a preliminary
# figure; official points stay solid circles. Diamonds, not open circles: an open circle already means
# "a part of the year" on every chart. (Plotly's "-open" symbols take the fill colour for their stroke,
# so a white one vanishes: the diamonds are filled white with the series' colour as their outline.)
SYMBOLS = {"estimate": ("diamond", "◇"), "preliminary": ("diamond-cross", "◈")}
NOT_OFFICIAL = ("estimate", "preliminary")


def word(status: str | None, lang: str = "vi") -> str:
    return WORDS[status][lang == "en"] if status in WORDS else ""


def least_firm(kinds) -> str | None:
    """The least firm of several kinds (estimate < preliminary < official); None for none."""
    kinds = [k for k in kinds if k]
    return min(kinds, key=lambda s: VALUE_STATUS_RANK.get(s, 3)) if kinds else None


def not_official(observations: pd.DataFrame | None) -> dict[str, dict[tuple[str, str, str], str]]:
    """unit → {(indicator_id, sector, period): 'estimate' | 'preliminary'} for the current values that are
    not official, and for each year such a value falls in, the kind of that year's figure: the annual
    row's own kind where there is one, else the least firm of its parts (quarters, 6 or 9 months).

    ``observations``: current values (Store.current_values / current_observations) with ``value_status``;
    a frame without the column (an old reader, a test's stand-in) holds official figures only."""
    if observations is None or len(observations) == 0 or "value_status" not in observations:
        return {}
    kinds = observations["value_status"]
    soft = observations[kinds.isin(NOT_OFFICIAL)]
    if soft.empty:
        return {}
    out: dict[str, dict[tuple[str, str, str], str]] = {}
    years_of: dict[tuple[str, str, str, int], list[str]] = {}
    for unit, ind, sector, period, kind in zip(soft["unit"], soft["indicator_id"], soft["sector"].fillna(""),
                                               soft["period"].astype(str), soft["value_status"]):
        out.setdefault(unit, {})[(ind, sector, period)] = least_firm([kind, out.get(unit, {}).get((ind, sector, period))])
        p = parse_period(period)
        if not p.is_year:
            years_of.setdefault((unit, ind, sector, p.year), []).append(kind)
    if years_of:
        # A year whose own figure is stored is that figure's kind (already above when not official).
        touched = {(u, i, s) for u, i, s, _ in years_of}
        annual = observations[observations["period"].astype(str).str.fullmatch(r"\d{4}")]
        has_year = {(u, i, s, int(p)) for u, i, s, p in zip(annual["unit"], annual["indicator_id"],
                                                         annual["sector"].fillna(""), annual["period"].astype(str))
                    if (u, i, s) in touched}
        for (unit, ind, sector, year), parts in years_of.items():
            if (unit, ind, sector, year) not in has_year:
                key = (ind, sector, str(year))
                out[unit][key] = least_firm(parts + [out[unit].get(key)])
    return out


def lookup(kinds: dict | None, indicator_id: str, sector: str, period: str | None) -> str | None:
    """The kind behind (indicator, sector, period) in a :func:`not_official` map, None when official.

    Every unit is looked at: a successor's page shows an inherited target with its predecessor's figures,
    and the same (indicator, period) is filed by one unit of a lineage; where two did, the least firm."""
    if not kinds or not period:
        return None
    key = (indicator_id, sector or "", str(period))
    return least_firm(m.get(key) for m in kinds.values())


def of_series(kinds: dict | None, assessment) -> dict[str, str]:
    """period → kind for the points of an assessment's series that are not official (what a chart marks)."""
    if not kinds:
        return {}
    out = {}
    for p in assessment.series:
        kind = lookup(kinds, assessment.indicator_id, assessment.sector, p.period or str(p.year))
        if kind:
            out[p.period or str(p.year)] = kind
    return out


def judged_on(kinds: dict | None, assessment) -> str | None:
    """The kind of the latest value a target is judged on, when it is not official."""
    return lookup(kinds, assessment.indicator_id, assessment.sector, getattr(assessment, "latest_period", None))


def judged_words(kind: str | None, lang: str = "vi") -> str:
    """'đánh giá theo số ước tính' — said wherever a status rests on a figure that is not official."""
    if kind not in NOT_OFFICIAL:
        return ""
    if lang == "en":
        return "judged on an estimate" if kind == "estimate" else "judged on a preliminary figure"
    return f"đánh giá theo số {word(kind, 'vi')}"


def with_kind(text: str, kind: str | None, lang: str = "vi") -> str:
    """'1.234 người (ước tính)': a figure's text with its kind, when it is not official."""
    return f"{text} ({word(kind, lang)})" if kind in NOT_OFFICIAL and text else text


def kind_of(current: pd.DataFrame, indicator_id: str, unit: str, sector: str, period: str | None) -> str | None:
    """The value status behind (indicator, unit, sector, period) in a current_observations frame; None
    when no stored row carries it. Official where a row is official (the same reading as the charts')."""
    if not period or current is None or current.empty or "value_status" not in current:
        return None
    rows = current[current["indicator_id"] == indicator_id]
    if rows.empty:
        return None
    found = lookup(not_official(rows), indicator_id, sector, period)
    if found:
        return found
    rows = rows[rows["sector"].fillna("") == (sector or "")]
    p = parse_period(period)
    present = rows["period"].astype(str).eq(period).any() or (
        p.is_year and rows["period"].map(lambda c: parse_period(str(c)).year == p.year).any())
    return "official" if present else None
