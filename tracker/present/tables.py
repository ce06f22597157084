"""The rows the pages list and the tables they offer for download: a row per unit × target, per task,
per unit's series of a shared concept, and the whole-unit figures beside an old area's target.

Pure functions over the catalogue and a snapshot (tracker.assess.snapshot); no Streamlit, no DuckDB.
Columns are named in the reader's language, values kept as numbers where a spreadsheet computes with them.
"""

from __future__ import annotations

import datetime as dt

from tracker.assess.judge import status_label
from tracker.assess.snapshot import Snapshot
from tracker.catalogue import Catalogue
from tracker.core.statuses import MILESTONE_ORDER, NUMERIC_ORDER
from tracker.core.i18n import fmt_target, fmt_value
from tracker.core.periods import parse_period
from tracker.present.downloads import value_status_cell, value_status_header
from tracker.present.labels import measure_label, period_label, target_label, unit_label, with_judged
from tracker.assess.value_kinds import with_kind


def matrix_rows(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None) -> list[dict]:
    """One row per unit × numeric target, for the status matrix and its table."""
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


def milestone_rows(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None,
                   agencies: list[str] | None = None) -> list[dict]:
    """Every milestone, overdue first (most late first), then by due date."""
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
    from tracker.ingest.preview import STATUS_WORDS

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
