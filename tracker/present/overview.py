"""What the pages, the CLI and the briefings show, computed from assessments: rows, counts, captions.

Pure functions over the catalogue and the results of :mod:`tracker.progress`; no Streamlit, no
DuckDB. Pages stay thin by asking this module for ready-to-draw rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import weakref
from dataclasses import dataclass

from tracker.catalogue import Catalogue
from tracker.core.measures import MEASURES
from tracker.core.statuses import (BEHIND, DIRECTION_GOODNESS, GOOD, GOODNESS, LOOKS, MILESTONE_ORDER, NUMERIC_ORDER,
                                   Status)
from tracker.downloads import value_status_cell, value_status_header
from tracker.figures import Caption
from tracker.i18n import fmt_date, fmt_number, fmt_target, fmt_value, in_sentence
from tracker.periods import parse_period
from tracker.value_kinds import judged_words, with_kind


@dataclass(frozen=True)
class Snapshot:
    """Everything the pages draw from, computed once per database change."""

    results: dict            # unit -> {"numeric": [Assessment], "milestones": [MilestoneAssessment]}
    latest_period: str | None  # latest period with accepted data, "2026-Q3"
    demo: bool
    reported: dict           # unit -> set of period codes
    today: dt.date
    token: str = ""          # the store's last_change() the data were read at
    withdrawn: frozenset = frozenset()  # ids of withdrawn submissions at that time
    demo_units: frozenset = frozenset()  # units whose current values include demo ones
    # unit -> {(indicator, sector, period): "estimate" | "preliminary"}: the current figures that are not
    # official (tracker.value_kinds.not_official), read with the values the statuses were computed from.
    kinds: dict | None = None

    def kind(self, indicator_id: str, sector: str, period: str | None) -> str | None:
        """'estimate' / 'preliminary' for a current figure that is not official, else None."""
        from tracker.value_kinds import lookup

        return lookup(self.kinds, indicator_id, sector, period)

    @property
    def empty(self) -> bool:
        return self.latest_period is None

    def shows_demo(self, units: list[str] | None = None) -> bool:
        """Whether what is drawn for these units (None: anywhere) includes demo values."""
        if units is None or not self.demo_units or "*" in self.demo_units:   # not known per unit
            return self.demo
        return any(u in self.demo_units for u in units)


# Derived figures per snapshot: a snapshot never changes once made, and at a national scale (tens
# of thousands of targets) counting and ranking them again on every view was most of a page view's
# CPU. Kept beside the snapshot, not in it (a saved snapshot must not carry them), and dropped with it.
_derived: dict[int, dict] = {}


def per_snapshot(fn):
    """Compute ``fn(..., snapshot, ...)`` once per snapshot and arguments (lists count by their
    items); each caller gets its own copy of the result, so changing it changes nothing kept."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        snap = next((a for a in args if isinstance(a, Snapshot)), None)
        if snap is None:
            return fn(*args, **kwargs)
        memo = _derived.get(id(snap))
        if memo is None:
            memo = _derived[id(snap)] = {}
            weakref.finalize(snap, _derived.pop, id(snap), None)
        key = (fn.__name__, tuple(id(a) if a is snap else _hashable(a) for a in args),
               tuple(sorted((k, _hashable(v)) for k, v in kwargs.items())))
        if key not in memo:
            memo[key] = fn(*args, **kwargs)
        return copy.deepcopy(memo[key])
    return wrapper


def _hashable(value):
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    return ("id", id(value))   # a catalogue or another snapshot: the same object, the same result


def latest_period(reported: dict[str, set[str]]) -> str | None:
    # Distinct codes first: a thousand units report the same few dozen periods.
    periods = [parse_period(p) for p in set().union(*reported.values())]
    return max(periods).code if periods else None


@per_snapshot
def reported_quarters(snapshot: Snapshot) -> list[str]:
    """Every quarter some unit reported, latest first (the overview's "as of" choices)."""
    codes = set().union(*snapshot.reported.values()) if snapshot.reported else set()
    return sorted((p for p in codes if parse_period(p).is_quarter), key=lambda p: parse_period(p).sort_key(), reverse=True)


def caption(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None) -> Caption:
    """The footer every figure carries: update period, the source documents, the demo mark."""
    updated = parse_period(snapshot.latest_period).label(lang) if snapshot.latest_period else "—"
    docs = []
    for unit in units or []:
        for ind in cat.indicators_for(unit):
            doc = cat.document_of(ind)
            label = f"{doc.kind} {doc.number or ''} {doc.issuer}".replace("  ", " ").strip()
            if label not in docs:
                docs.append(label)
    data = "biểu mẫu báo cáo quý của địa phương" if lang != "en" else "the units' quarterly report forms"
    if len(docs) > 2 or not docs:
        docs = [f"văn bản thực hiện NQ 45-NQ/TW của {len(docs)} địa phương (xem Danh mục chỉ tiêu)" if lang != "en"
                else f"the Resolution 45 implementation documents of {len(docs)} units (see the catalogue)"] if docs else []
    source = ("; ".join(docs) + " · " if docs else "") + ("Số liệu: " if lang != "en" else "Data: ") + data
    return Caption(updated=updated, source=source, demo=snapshot.shows_demo(units), lang=lang)


def unit_label(cat: Catalogue, unit: str, lang: str) -> str:
    j = cat.jurisdictions[unit]
    name = j.name.get(lang)
    if j.valid_to and j.successor:
        succ = cat.jurisdictions[cat.current_unit(unit)].name.get(lang)
        name += f" (nay thuộc {in_sentence(succ)})" if lang != "en" else f" (now {succ})"
    return name


def target_label(cat: Catalogue, indicator_id: str, sector: str, lang: str) -> str:
    ind = cat.indicator(indicator_id)
    name = ind.name.get(lang)
    if sector:
        sec = next((s for s in ind.sectors if s.id == sector), None)
        name += f" — {sec.name.get(lang) if sec else sector}"
    return name


def matrix_rows(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None) -> list[dict]:
    """One row per unit × numeric target, for the status matrix and its table."""
    from tracker.progress import status_label

    rows = []
    for unit, res in snapshot.results.items():
        if units and unit not in units:
            continue
        for a in res["numeric"]:
            ind = cat.indicator(a.indicator_id)
            kind = snapshot.kind(a.indicator_id, a.sector, a.latest_period)   # None: official (or no value)
            rows.append({
                "unit": unit, "unit_name": unit_label(cat, unit, lang), "indicator_id": a.indicator_id,
                "territory": cat.territory_label(ind, unit, lang),
                "sector": a.sector, "target_name": target_label(cat, a.indicator_id, a.sector, lang),
                "row_key": ind.slug + (f"/{a.sector}" if a.sector else ""),
                "status": a.status, "status_label": status_label(a.status, lang),
                # "1.234 người (ước tính) (2026)": a figure that is not official says so, for leaders too.
                "value_text": with_kind(fmt_value(a.latest_value, ind.unit, lang), kind, lang)
                + (f" ({a.latest_year})" if a.latest_year else ""),
                "target_text": fmt_target(ind, lang), "explain": with_judged(a.explain(lang), kind, lang),
                "value_status": kind or ("official" if a.latest_value is not None else None),
                # The same as numbers, for tables that are downloaded and computed with.
                "latest_value": a.latest_value, "latest_period": a.latest_period, "measure": measure_label(ind.unit, lang),
                "target_value": a.target_value, "target_year": a.target_year,
            })
    return rows


def with_judged(text: str, kind: str | None, lang: str) -> str:
    """A status's reason, with "đánh giá theo số ước tính" when the latest figure is not official
    (tracker.progress's explanation does not know the kinds: they are read from the store beside it)."""
    said = judged_words(kind, lang)
    if not said:
        return text
    return f"{text.rstrip('. ')} ({said})." if text.endswith(".") else f"{text} ({said})"


def measure_label(unit: str, lang: str) -> str:
    """The unit of measure in words: 'người', '%', '%/năm'."""
    return MEASURES[unit].label(lang) if unit in MEASURES else (unit or "")


def period_label(code: str | None, lang: str) -> str:
    """'Quý III/2026', 'Năm 2025'; '' when there is none."""
    if not code:
        return ""
    try:
        return parse_period(str(code)).label(lang)
    except Exception:   # a code an older version stored: shown as it is rather than failing the table
        return str(code)


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


def milestone_rows(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None,
                   agencies: list[str] | None = None) -> list[dict]:
    """Every milestone, overdue first (most late first), then by due date."""
    from tracker.progress import status_label

    rows = []
    for unit, res in snapshot.results.items():
        if units and unit not in units:
            continue
        for m in res["milestones"]:
            ind = cat.indicator(m.indicator_id)
            agency = ind.agency.get(lang) if ind.agency else ""
            if agencies and agency not in agencies:
                continue
            rows.append({
                "unit": unit, "unit_name": unit_label(cat, unit, lang), "indicator_id": m.indicator_id,
                "territory": cat.territory_label(ind, unit, lang),
                "name": ind.name.get(lang), "agency": agency, "due": m.due, "due_text": fmt_target(ind, lang),
                "completed_on": m.completed_on, "status": m.status, "status_label": status_label(m.status, lang),
                # What the unit last reported ("Đang thực hiện"), shown beside the status once uploaded.
                "reported": _reported_words(m.progress_status, lang),
                "days_late": m.days_late, "evidence": m.evidence or "", "explain": m.explain(lang),
            })
    order = {s: k for k, s in enumerate(MILESTONE_ORDER)}
    rows.sort(key=lambda r: (order.get(r["status"], 9), -(r["days_late"] or 0), r["due"] or dt.date.max, r["name"]))
    return rows


def _reported_words(progress_status: str | None, lang: str) -> str:
    from tracker.changes import STATUS_WORDS

    if not progress_status:
        return "chưa báo cáo" if lang != "en" else "not reported"
    return STATUS_WORDS["en" if lang == "en" else "vi"].get(progress_status, progress_status)


def milestone_table(rows: list[dict], lang: str) -> list[dict]:
    """The milestone rows as a plain table for display and download."""
    en = lang == "en"
    return [{
        ("Unit" if en else "Địa phương"): r["unit_name"],
        ("Territory covered" if en else "Địa bàn của chỉ tiêu"): r.get("territory", r["unit_name"]),
        ("Task" if en else "Nhiệm vụ"): r["name"],
        ("Responsible" if en else "Cơ quan chủ trì"): r["agency"],
        ("Deadline" if en else "Thời hạn"): r["due_text"],
        ("Status" if en else "Tình trạng"): r["status_label"],
        ("Reported" if en else "Báo cáo của địa phương"): r.get("reported", ""),
        ("Due date" if en else "Ngày đến hạn"): r["due"],
        ("Days late" if en else "Số ngày trễ"): r["days_late"] if r["days_late"] else None,
        ("Completed" if en else "Ngày hoàn thành"): r["completed_on"],
        ("Evidence" if en else "Minh chứng"): r["evidence"],
    } for r in rows]


def status_table(rows: list[dict], lang: str) -> list[dict]:
    """The status rows as a table for display and download, the ones to act on first: the value, its
    unit and its period in separate columns so a spreadsheet can compute with them."""
    en = lang == "en"
    order = {s: k for k, s in enumerate(NUMERIC_ORDER)}
    ranked = sorted(rows, key=lambda r: (order.get(r["status"], len(order)), r["unit_name"], r["target_name"]))
    return [{
        ("Unit" if en else "Địa phương"): r["unit_name"],
        ("Territory covered" if en else "Địa bàn của chỉ tiêu"): r.get("territory", r["unit_name"]),
        ("Target" if en else "Chỉ tiêu"): r["target_name"],
        ("Status" if en else "Tình trạng"): r["status_label"],
        ("Latest value" if en else "Số liệu mới nhất"): r.get("latest_value"),
        ("Unit of measure" if en else "Đơn vị tính"): r.get("measure", ""),
        ("Period" if en else "Kỳ số liệu"): period_label(r.get("latest_period"), lang),
        value_status_header(lang): value_status_cell(r.get("value_status"), lang, r.get("latest_value") is not None),
        ("Goal" if en else "Mục tiêu"): r["target_text"],
        ("Goal value" if en else "Giá trị mục tiêu"): r.get("target_value"),
        ("Goal year" if en else "Năm mục tiêu"): r.get("target_year"),
        ("Why" if en else "Căn cứ"): r["explain"],
    } for r in ranked]


def shared_targets(cat: Catalogue) -> dict[str, list[str]]:
    """Concept → indicator ids, for what several units measure the same way (the compare page's choices).

    Only indicators the catalogue declares comparable (the same ``concept``) are offered: a shared
    slug or a similar name is not enough — Khánh Hòa's "sáng chế, giải pháp hữu ích" and Bắc Giang's
    "phát minh" are different things.
    """
    groups = cat.concept_groups() if hasattr(cat, "concept_groups") else {}
    shared = {}
    for concept, inds in groups.items():
        ids = [i.id for i in inds if i.is_numeric or i.kind == "direction"]
        if len({cat.indicator(i).jurisdiction for i in ids}) > 1:
            shared[concept] = ids
    # Concepts with numbers on more than one unit first: those are the comparisons leaders ask for.
    return dict(sorted(shared.items(), key=lambda kv: -sum(cat.indicator(i).is_numeric for i in kv[1])))


def compare_series(cat: Catalogue, snapshot: Snapshot, indicator_ids: list[str], lang: str) -> list[dict]:
    """Yearly series of each unit that set one of ``indicator_ids`` (its own target), for compare_figure."""
    out = []
    for ind_id in indicator_ids:
        ind = cat.indicator(ind_id)
        res = snapshot.results.get(ind.jurisdiction, {"numeric": []})
        for a in res["numeric"]:
            if a.indicator_id != ind_id:
                continue
            target = ind.target
            out.append({
                "unit": ind.jurisdiction,
                "unit_name": unit_label(cat, ind.jurisdiction, lang) + (f" — {a.sector}" if a.sector else ""),
                # (year, value, partial, kind): kind "estimate" / "preliminary" where the figure is not official
                "points": [(p.year, p.value, p.partial, snapshot.kind(ind_id, a.sector, p.period or str(p.year)))
                           for p in a.series],
                "target_value": getattr(target, "value", None), "target_year": target.year,
                "status": a.status, "explain": a.explain(lang),
            })
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


def chart_filename(unit: str, indicator_id: str, sector: str, period: str | None) -> str:
    """'khanh-hoa_international-papers_2026-Q3' — what a downloaded PNG is called."""
    slug = indicator_id.split(".", 1)[-1] + (f"-{sector}" if sector else "")
    return f"{unit}_{slug}_{period or 'chua-co-so-lieu'}"


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


# --- the overview: who is behind and by how much --------------------------------------------------

# The icons of the statuses a target (numeric or direction-only) can show, in the attention order.
STATUS_ICONS = {str(s): LOOKS[s].icon for s in NUMERIC_ORDER}


def whole_unit_figures(cat: Catalogue, observations, lang: str = "vi") -> dict[tuple[str, str], str]:
    """(indicator, sector) → a sentence for the periods whose figure covers the reporting unit's whole area.

    ``observations``: current observations (Store.current_observations) with their ``territory``. Such a
    figure ("không tách được số liệu địa bàn cũ") is never judged against a target set for an old area,
    so the series of that target breaks there; the unit page says so under the chart.
    """
    out: dict[tuple[str, str], str] = {}
    if observations is None or len(observations) == 0 or "territory" not in observations:
        return out
    whole = observations[observations["territory"] == "whole"]
    for (indicator_id, sector), rows in whole.groupby(["indicator_id", "sector"], sort=False):
        if not cat.has_indicator(indicator_id):
            continue
        ind = cat.indicator(indicator_id)
        rows = rows.assign(_key=[parse_period(p).sort_key() for p in rows["period"]]).sort_values("_key")
        parts = [f"{parse_period(p).label(lang)}: {fmt_value(v, ind.unit, lang)}" for p, v in zip(rows["period"], rows["value"])]
        if lang == "en":
            out[(indicator_id, sector)] = ("Figures of the whole unit, as the old area could not be separated (" + "; ".join(parts)
                                           + "): not compared with this target, whose series breaks there.")
        else:
            out[(indicator_id, sector)] = ("Số liệu của cả đơn vị, do không tách được số liệu địa bàn cũ (" + "; ".join(parts)
                                           + "): không so với chỉ tiêu này; chuỗi số liệu của chỉ tiêu gián đoạn ở các kỳ đó.")
    return out


def chart_anchor(indicator_id: str, sector: str = "") -> str:
    """The id of a target's chart on its unit page, for links from the overview ('#c-khanh-hoa-papers')."""
    raw = f"c-{indicator_id}-{sector}" if sector else f"c-{indicator_id}"
    return "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in raw.lower())


def unit_link(unit: str, lang: str, anchor: str = "") -> str:
    """The unit page of ``unit`` (language kept), optionally scrolled to one chart."""
    return f"/dia-phuong?unit={unit}" + ("&lang=en" if lang == "en" else "") + (f"#{anchor}" if anchor else "")


def is_direction(assessment) -> bool:
    ind = getattr(assessment, "indicator", None)
    return ind is not None and ind.kind == "direction"


def gap_text(a, lang: str) -> str:
    """How far the latest value is from the target, in the target's own terms.

    ≥/> targets: target − latest; ≤/< targets: latest − target; ranks in places; "% of target" only
    for ≥ targets on levels (stock, share); "khoảng"/"=": the distance either way.
    """
    from tracker.figures import value_text

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
    from tracker.progress import _rate_words, pace

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
    from tracker.figures import value_text

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
    from tracker.progress import status_label

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


def _direction_counts(assessments) -> dict[str, int]:
    out = {"direction_right": 0, "direction_wrong": 0, "direction_flat": 0, "direction_unknown": 0}
    key = {Status.RIGHT_WAY: "direction_right", Status.WRONG_WAY: "direction_wrong", Status.NO_CHANGE: "direction_flat"}
    for a in assessments:
        out[key.get(a.status, "direction_unknown")] += 1
    return out


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


@per_snapshot
def matrix_table(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str]) -> dict:
    """Targets × units for the readable matrix: rows sorted by their worst status, each cell with
    the status, the value (% of target where that means something) and a link to the chart."""
    from tracker.progress import status_label

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
