"""What the pages, the CLI and the briefings show, computed from assessments: rows, counts, captions.

Pure functions over the catalogue and the results of :mod:`tracker.progress`; no Streamlit, no
DuckDB. Pages stay thin by asking this module for ready-to-draw rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.catalogue import Catalogue
from tracker.figures import Caption
from tracker.i18n import fmt_date, fmt_target, fmt_value, in_sentence
from tracker.periods import parse_period

# Order in which statuses are listed: the ones a leader must act on first.
NUMERIC_ORDER = ("moving_away", "off_track", "acceleration", "too_little_data", "no_data", "on_track", "achieved",
                 "unmeasured", "replaced")
MILESTONE_ORDER = ("overdue", "not_yet_due", "recurring", "no_deadline", "done", "replaced")


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

    @property
    def empty(self) -> bool:
        return self.latest_period is None


def latest_period(reported: dict[str, set[str]]) -> str | None:
    # Distinct codes first: a thousand units report the same few dozen periods.
    periods = [parse_period(p) for p in set().union(*reported.values())]
    return max(periods).code if periods else None


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
    return Caption(updated=updated, source=source, demo=snapshot.demo, lang=lang)


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
            rows.append({
                "unit": unit, "unit_name": unit_label(cat, unit, lang), "indicator_id": a.indicator_id,
                "sector": a.sector, "target_name": target_label(cat, a.indicator_id, a.sector, lang),
                "row_key": ind.slug + (f"/{a.sector}" if a.sector else ""),
                "status": a.status, "status_label": status_label(a.status, lang),
                "value_text": fmt_value(a.latest_value, ind.unit, lang) + (f" ({a.latest_year})" if a.latest_year else ""),
                "target_text": fmt_target(ind, lang), "explain": a.explain(lang),
                # The same as numbers, for tables that are downloaded and computed with.
                "latest_value": a.latest_value, "latest_period": a.latest_period, "measure": measure_label(ind.unit, lang),
                "target_value": a.target_value, "target_year": a.target_year,
            })
    return rows


def measure_label(unit: str, lang: str) -> str:
    """The unit of measure in words: 'người', '%', '%/năm'."""
    from tracker.catalogue import UNITS

    return UNITS.get(unit, {}).get("en" if lang == "en" else "vi", unit or "")


def period_label(code: str | None, lang: str) -> str:
    """'Quý III/2026', 'Năm 2025'; '' when there is none."""
    if not code:
        return ""
    try:
        return parse_period(str(code)).label(lang)
    except Exception:   # a code an older version stored: shown as it is rather than failing the table
        return str(code)


def status_counts(snapshot: Snapshot, units: list[str] | None = None) -> dict[str, int]:
    counts = {s: 0 for s in NUMERIC_ORDER + MILESTONE_ORDER}
    for unit, res in snapshot.results.items():
        if units and unit not in units:
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
                "name": ind.name.get(lang), "agency": agency, "due": m.due, "due_text": fmt_target(ind, lang),
                "completed_on": m.completed_on, "status": m.status, "status_label": status_label(m.status, lang),
                "days_late": m.days_late, "evidence": m.evidence or "", "explain": m.explain(lang),
            })
    order = {s: k for k, s in enumerate(MILESTONE_ORDER)}
    rows.sort(key=lambda r: (order.get(r["status"], 9), -(r["days_late"] or 0), r["due"] or dt.date.max, r["name"]))
    return rows


def milestone_table(rows: list[dict], lang: str) -> list[dict]:
    """The milestone rows as a plain table for display and download."""
    en = lang == "en"
    return [{
        ("Unit" if en else "Địa phương"): r["unit_name"],
        ("Task" if en else "Nhiệm vụ"): r["name"],
        ("Responsible" if en else "Cơ quan chủ trì"): r["agency"],
        ("Deadline" if en else "Thời hạn"): r["due_text"],
        ("Status" if en else "Tình trạng"): r["status_label"],
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
        ("Target" if en else "Chỉ tiêu"): r["target_name"],
        ("Status" if en else "Tình trạng"): r["status_label"],
        ("Latest value" if en else "Số liệu mới nhất"): r.get("latest_value"),
        ("Unit of measure" if en else "Đơn vị tính"): r.get("measure", ""),
        ("Period" if en else "Kỳ số liệu"): period_label(r.get("latest_period"), lang),
        ("Goal" if en else "Mục tiêu"): r["target_text"],
        ("Goal value" if en else "Giá trị mục tiêu"): r.get("target_value"),
        ("Goal year" if en else "Năm mục tiêu"): r.get("target_year"),
        ("Why" if en else "Căn cứ"): r["explain"],
    } for r in ranked]


def shared_targets(cat: Catalogue) -> dict[str, list[str]]:
    """Slug → indicator ids, for targets that more than one unit set (the compare page's choices)."""
    by_slug: dict[str, list[str]] = {}
    for ind in cat.indicators:
        if ind.is_numeric or ind.kind == "direction":
            by_slug.setdefault(ind.slug, []).append(ind.id)
    shared = {slug: ids for slug, ids in by_slug.items() if len({cat.indicator(i).jurisdiction for i in ids}) > 1}
    # Targets with numbers on more than one unit first: those are the comparisons leaders ask for.
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
                "points": [(p.year, p.value, p.partial) for p in a.series],
                "target_value": getattr(target, "value", None), "target_year": target.year,
                "status": a.status, "explain": a.explain(lang),
            })
    return out


def headline(snapshot: Snapshot, unit: str) -> dict[str, int]:
    """Counts for a unit's headline cards."""
    res = snapshot.results.get(unit, {"numeric": [], "milestones": []})
    numeric = res["numeric"]
    stones = res["milestones"]
    return {
        "targets": len(numeric),
        "good": sum(a.status in ("achieved", "on_track") for a in numeric),
        "behind": sum(a.status in ("acceleration", "off_track", "moving_away") for a in numeric),
        "unknown": sum(a.status in ("too_little_data", "no_data") for a in numeric),
        "tasks": len(stones),
        "done": sum(m.status == "done" for m in stones),
        "overdue": sum(m.status == "overdue" for m in stones),
    }


def chart_filename(unit: str, indicator_id: str, sector: str, period: str | None) -> str:
    """'khanh-hoa_international-papers_2026-Q3' — what a downloaded PNG is called."""
    slug = indicator_id.split(".", 1)[-1] + (f"-{sector}" if sector else "")
    return f"{unit}_{slug}_{period or 'chua-co-so-lieu'}"


MATRIX_LIMIT = 12


def matrix_units(snapshot: Snapshot, units: list[str], limit: int = MATRIX_LIMIT) -> tuple[list[str], int]:
    """At most ``limit`` units for the matrix, those with most targets behind first; and how many were left out.

    A matrix of hundreds of units reads as noise (and costs seconds to label); the full table stays
    downloadable. Only statuses are read here, no text is formatted.
    """
    present = [u for u in units if u in snapshot.results]
    if len(present) <= limit:
        return present, 0
    behind = {u: sum(a.status in ("moving_away", "off_track", "acceleration") for a in snapshot.results[u]["numeric"])
              for u in present}
    keep = set(sorted(present, key=lambda u: -behind[u])[:limit])
    return [u for u in present if u in keep], len(present) - limit
