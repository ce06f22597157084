"""Who is behind and by how much: the counts, cards, matrix and attention list the overview, the unit
headlines and the briefings show, computed from a snapshot's assessments.

Pure functions over the catalogue and a snapshot (tracker.assess.snapshot); no Streamlit, no DuckDB.
The counts and rankings are kept per snapshot (tracker.present.memo): at a national scale they were
most of a page view's CPU.
"""

from __future__ import annotations

from tracker.assess.explain import _rate_words, pace
from tracker.assess.judge import status_label
from tracker.assess.snapshot import Snapshot
from tracker.catalogue import Catalogue
from tracker.core.statuses import (BEHIND, DIRECTION_GOODNESS, GOOD, GOODNESS, LOOKS, MILESTONE_ORDER, NUMERIC_ORDER,
                                   Status)
from tracker.core.i18n import fmt_number, fmt_target, fmt_value
from tracker.core.periods import parse_period
from tracker.present.figures import value_text
from tracker.present.labels import chart_anchor, is_direction, target_label, unit_label, unit_link, with_judged
from tracker.present.memo import per_snapshot
from tracker.assess.value_kinds import with_kind


# The icons of the statuses a target (numeric or direction-only) can show, in the attention order.
STATUS_ICONS = {str(s): LOOKS[s].icon for s in NUMERIC_ORDER}


@per_snapshot
def reported_quarters(snapshot: Snapshot) -> list[str]:
    """Every quarter some unit reported, latest first (the overview's "as of" choices)."""
    codes = set().union(*snapshot.reported.values()) if snapshot.reported else set()
    return sorted((p for p in codes if parse_period(p).is_quarter), key=lambda p: parse_period(p).sort_key(), reverse=True)


@per_snapshot
def status_counts(snapshot: Snapshot, units: list[str] | None = None) -> dict[str, int]:
    counts = {s: 0 for s in NUMERIC_ORDER + MILESTONE_ORDER}
    wanted = set(units) if units else None
    for unit, res in snapshot.results.items():
        if wanted is not None and unit not in wanted:
            continue
        for a in res["numeric"]:
            counts[a.status] = counts.get(a.status, 0) + 1
        for m in res["milestones"]:
            counts[m.status] = counts.get(m.status, 0) + 1
    return counts


@per_snapshot
def numeric_counts(snapshot: Snapshot, units: list[str] | None = None) -> dict[str, int]:
    """Counts for the overview tiles and cards, each status counted once under its one meaning: numeric
    targets (moving away, slow = off track or needing acceleration, good = the green chips: achieved or on
    track, unknown) and direction-only goals apart ("direction_*", their own outlined chips)."""
    out = {"moving_away": 0, "slow": 0, "good": 0, "unknown": 0, "targets": 0, "direction": 0}
    directions = []
    wanted = set(units) if units else None
    for unit, res in snapshot.results.items():
        if wanted is not None and unit not in wanted:
            continue
        for a in res["numeric"]:
            if is_direction(a):
                out["direction"] += 1
                directions.append(a)
                continue
            out["targets"] += 1
            if a.status == Status.MOVING_AWAY:
                out["moving_away"] += 1
            elif a.status in BEHIND:
                out["slow"] += 1
            elif a.status in GOOD:
                out["good"] += 1
            else:
                out["unknown"] += 1
    out.update(_direction_counts(directions))
    out["direction_other"] = out["direction"] - out["direction_right"]
    return out


def _direction_counts(assessments) -> dict[str, int]:
    out = {"direction_right": 0, "direction_wrong": 0, "direction_flat": 0, "direction_unknown": 0}
    key = {Status.RIGHT_WAY: "direction_right", Status.WRONG_WAY: "direction_wrong", Status.NO_CHANGE: "direction_flat"}
    for a in assessments:
        out[key.get(a.status, "direction_unknown")] += 1
    return out


def headline(snapshot: Snapshot, unit: str) -> dict[str, int]:
    """Counts for a unit's headline cards; direction-only goals are counted apart, not as numeric targets."""
    res = snapshot.results.get(unit, {"numeric": [], "milestones": []})
    numeric = [a for a in res["numeric"] if not is_direction(a)]
    stones = res["milestones"]
    return {
        "targets": len(numeric),
        "good": sum(a.status in GOOD for a in numeric),
        "behind": sum(a.status in BEHIND for a in numeric),
        "moving_away": sum(a.status == "moving_away" for a in numeric),
        "slow": sum(a.status in ("acceleration", "off_track") for a in numeric),
        "unknown": sum(a.status in ("too_little_data", "no_data") for a in numeric),
        "direction": len(res["numeric"]) - len(numeric),
        **_direction_counts(a for a in res["numeric"] if is_direction(a)),
        "tasks": len(stones),
        "done": sum(m.status == "done" for m in stones),
        "overdue": sum(m.status == "overdue" for m in stones),
    }


def unit_cards(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str]) -> list[dict]:
    """One card per unit: counts by status (numeric targets, direction goals apart), share on track,
    latest period reported; units with most targets behind first."""
    cards = []
    for unit in units:
        res = snapshot.results.get(unit)
        if res is None:
            continue
        counts = numeric_counts(snapshot, [unit])
        periods = snapshot.reported.get(unit) or set()
        latest = max((parse_period(p) for p in periods), default=None)
        judged = counts["targets"]
        cards.append({
            "unit": unit, "unit_name": unit_label(cat, unit, lang), **counts,
            "share_good": (counts["good"] / judged) if judged else None,
            "latest_period": latest.label(lang) if latest else "—",
            "overdue": sum(m.status == "overdue" for m in res["milestones"]),
            "link": unit_link(unit, lang),
        })
    cards.sort(key=lambda c: (-c["moving_away"], -c["slow"], c["unit_name"]))
    return cards


MATRIX_LIMIT = 12


@per_snapshot
def matrix_units(snapshot: Snapshot, units: list[str], limit: int = MATRIX_LIMIT) -> tuple[list[str], int]:
    """At most ``limit`` units for the matrix, those with most targets behind first; and how many were left out.

    A matrix of hundreds of units reads as noise (and costs seconds to label); the full table stays
    downloadable. Only statuses are read here, no text is formatted.
    """
    present = [u for u in units if u in snapshot.results]
    if len(present) <= limit:
        return present, 0
    behind = {u: sum(a.status in BEHIND for a in snapshot.results[u]["numeric"])
              for u in present}
    keep = set(sorted(present, key=lambda u: -behind[u])[:limit])
    return [u for u in present if u in keep], len(present) - limit


@per_snapshot
def matrix_table(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str]) -> dict:
    """Targets × units for the readable matrix: rows sorted by their worst status, each cell with
    the status, the value (% of target where that means something) and a link to the chart."""
    order = {s: k for k, s in enumerate(NUMERIC_ORDER)}
    cells: dict[str, dict[str, dict]] = {}
    names: dict[str, str] = {}
    for unit in units:
        res = snapshot.results.get(unit)
        if res is None:
            continue
        for a in res["numeric"]:
            ind = cat.indicator(a.indicator_id)
            key = (ind.concept or ind.slug) + (f"/{a.sector}" if a.sector else "")
            names.setdefault(key, target_label(cat, a.indicator_id, a.sector, lang))
            value = fmt_value(a.latest_value, ind.unit, lang) if a.latest_value is not None else ""
            if (a.comparator in (">", ">=") and ind.rollup_kind in ("stock", "ratio") and ind.unit != "percent"
                    and a.latest_value is not None and a.target_value):
                value = f"{fmt_number(100 * a.latest_value / a.target_value, lang, 0)} % " + \
                    ("mục tiêu" if lang != "en" else "of target")
            value = with_kind(value, snapshot.kind(a.indicator_id, a.sector, a.latest_period), lang)
            cells.setdefault(key, {})[unit] = {
                "status": a.status, "label": status_label(a.status, lang), "icon": STATUS_ICONS.get(a.status, ""),
                "value": value, "link": unit_link(unit, lang, chart_anchor(a.indicator_id, a.sector)),
                "target": fmt_target(ind, lang),
            }
    keys = sorted(cells, key=lambda k: (min(order.get(c["status"], 9) for c in cells[k].values()), names[k]))
    shown_units = [u for u in units if any(u in cells[k] for k in keys)]
    return {"units": [(u, unit_label(cat, u, lang)) for u in shown_units],
            "rows": [(names[k], cells[k]) for k in keys]}


def gap_text(a, lang: str) -> str:
    """How far the latest value is from the target, in the target's own terms.

    ≥/> targets: target − latest; ≤/< targets: latest − target; ranks in places; "% of target" only
    for ≥ targets on levels (stock, share); "khoảng"/"=": the distance either way.
    """
    ind = a.indicator
    if ind is None or a.latest_value is None or a.target_value is None or is_direction(a):
        return "—"
    unit, comp = ind.unit, a.comparator
    if unit == "rank":
        places = abs(a.latest_value - a.target_value)
        return (f"{fmt_number(places, lang)} bậc" if lang != "en" else f"{fmt_number(places, lang)} places") \
            if places else ("0 bậc" if lang != "en" else "0 places")
    if comp in (">", ">="):
        gap = a.target_value - a.latest_value
    elif comp in ("<", "<="):
        gap = a.latest_value - a.target_value
    else:
        gap = abs(a.latest_value - a.target_value)
    if gap <= 0:
        return "0"
    if unit == "percent":
        text = fmt_number(gap, lang, 2 if gap < 10 else 1) + (" điểm %" if lang != "en" else " pp")
    else:
        text = value_text(gap, unit, lang)
    if comp in (">", ">=") and ind.rollup_kind in ("stock", "ratio") and unit != "percent" and a.target_value > 0:
        share = fmt_number(100 * a.latest_value / a.target_value, lang, 0)
        text += f" (đạt {share} % mục tiêu)" if lang != "en" else f" ({share} % of target)"
    return text


def rate_text(a, lang: str) -> str:
    """'cần +7,6 %/năm · thực tế +2,1 %/năm' — the needed and the actual yearly change (shares in points)."""
    def signed(rate):
        if rate is None:
            return "—"
        return ("+" if rate > 0 else "−" if rate < 0 else "±") + _rate_words(rate, a, lang)

    needed, actual = pace(a)
    if needed is None and actual is None:
        return "—"
    need, got = ("cần", "thực tế") if lang != "en" else ("needed", "actual")
    return f"{need} {signed(needed)} · {got} {signed(actual)}"


def projection_text(a, lang: str) -> str:
    """The projection to the target year, or plainly that there is none."""
    if a.projection is None:
        return "chưa đủ số liệu để dự báo" if lang != "en" else "too little data for a projection"
    unit = a.indicator.unit if a.indicator else ""
    return (f"dự báo năm {a.target_year}: {value_text(a.projection, unit, lang)}" if lang != "en"
            else f"projected {a.target_year}: {value_text(a.projection, unit, lang)}")


def _reason(a, lang: str) -> str:
    notes = set(a.notes)
    if "base_met_lost" in notes:
        why = (f"năm {a.baseline_year} đã đạt nhưng nay không còn đạt" if lang != "en"
               else f"met in {a.baseline_year}, no longer met")
    elif "deadline_passed" in notes:
        why = "đã đến năm mục tiêu mà chưa đạt" if lang != "en" else "target year reached, target not met"
    elif a.method == "average" and a.ratio is not None:
        share = fmt_number(100 * a.ratio, lang, 0)
        why = f"bình quân mới bằng {share} % mức mục tiêu" if lang != "en" else f"the average is {share} % of the target"
    elif a.status == "moving_away":
        why = "số liệu đi theo hướng ngược mục tiêu" if lang != "en" else "moving the wrong way"
    elif a.status == "off_track":
        why = "tốc độ thực tế chưa đến 60 % mức cần" if lang != "en" else "below 60 % of the pace needed"
    elif "projection_short" in notes:
        why = (f"đủ tốc độ từ năm {a.baseline_year} nhưng xu hướng các năm gần đây chưa đủ để đạt mục tiêu" if lang != "en"
               else f"the pace since {a.baseline_year} is enough, the recent years' trend is not")
    else:
        why = "tốc độ thực tế 60–95 % mức cần" if lang != "en" else "at 60–95 % of the pace needed"
    return f"{why}; {projection_text(a, lang)}"


def _severity(a) -> tuple:
    ratio = a.ratio if a.ratio is not None else (-1.0 if a.status == "moving_away" else 0.0)
    return (BEHIND.index(a.status), ratio)


@per_snapshot
def attention_rows(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None,
                   limit: int | None = None) -> list[dict]:
    """The numeric targets moving away, off track or needing acceleration, worst first.

    Each row has what a leader asks in a meeting: unit, target (value and year), latest value and
    period, gap, required vs observed rate, status, a one-line reason and a link to the chart.
    Direction-only goals are left out (they have no number to be behind by). With ``limit``, only
    the worst ``limit`` are put into words (a national installation has tens of thousands).
    """
    wanted = set(units) if units else None   # a set: a list made this quadratic in the units
    found = []
    for unit, res in snapshot.results.items():
        if wanted is not None and unit not in wanted:
            continue
        for a in res["numeric"]:
            if a.status in BEHIND and not is_direction(a):
                found.append((unit, a))
    found.sort(key=lambda ua: _severity(ua[1]))
    rows = []
    for unit, a in found[:limit]:
        ind = cat.indicator(a.indicator_id)
        period = parse_period(a.latest_period).label(lang) if a.latest_period else "—"
        kind = snapshot.kind(a.indicator_id, a.sector, a.latest_period)
        rows.append({
            # the area the target covers ("Khánh Hòa — địa bàn tỉnh Khánh Hòa trước 01/7/2025"), as every title says it
            "unit": unit, "unit_name": cat.territory_label(ind, unit, lang) if cat.covers_old_territory(ind, unit)
            else unit_label(cat, unit, lang), "indicator_id": a.indicator_id, "sector": a.sector,
            "target_name": target_label(cat, a.indicator_id, a.sector, lang), "status": a.status,
            "status_label": status_label(a.status, lang), "icon": STATUS_ICONS[a.status],
            "target_text": fmt_target(ind, lang),
            "latest_text": f"{with_kind(fmt_value(a.latest_value, ind.unit, lang), kind, lang)} ({period})",
            "gap_text": gap_text(a, lang), "rate_text": rate_text(a, lang), "reason": with_judged(_reason(a, lang), kind, lang),
            "value_status": kind or "official",
            "link": unit_link(unit, lang, chart_anchor(a.indicator_id, a.sector)),
        })
    return rows


@per_snapshot
def attention_count(snapshot: Snapshot, units: list[str] | None = None) -> int:
    """How many targets attention_rows would list."""
    wanted = set(units) if units else None
    return sum(a.status in BEHIND and not is_direction(a) for u, res in snapshot.results.items()
               if wanted is None or u in wanted for a in res["numeric"])


def status_changes(before: Snapshot, after: Snapshot, units: list[str] | None = None) -> dict[str, list]:
    """Targets whose status got better or worse between two snapshots (e.g. two quarters).

    Only judged statuses are compared: a target going from "too little data" to any status is new
    information, not an improvement. Returns {"improved": [(unit, Assessment before, after)], "worsened": …}.
    """
    old = {}
    for unit, res in before.results.items():
        for a in res["numeric"]:
            old[(unit, a.indicator_id, a.sector)] = a
    out = {"improved": [], "worsened": []}
    for unit, res in after.results.items():
        if units and unit not in units:
            continue
        for a in res["numeric"]:
            b = old.get((unit, a.indicator_id, a.sector))
            if b is None:
                continue
            # numeric targets on their scale, direction-only goals on theirs; never one against the other
            scale = GOODNESS if a.status in GOODNESS else DIRECTION_GOODNESS
            if b.status not in scale or a.status not in scale:
                continue
            if scale[a.status] > scale[b.status]:
                out["improved"].append((unit, b, a))
            elif scale[a.status] < scale[b.status]:
                out["worsened"].append((unit, b, a))
    return out
