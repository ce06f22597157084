"""What an accepted upload would change, against what is stored: the preview before Confirm."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tracker.core.observation import ParsedForm

STATUS_WORDS = {
    "vi": {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Hoàn thành"},
    "en": {"not_started": "Not started", "in_progress": "In progress", "done": "Done"},
}


@dataclass(frozen=True)
class Change:
    kind: str                 # new | changed | unchanged | milestone
    indicator_id: str
    unit: str
    period: str
    sector: str
    old: object
    new: object


def preview(parsed: ParsedForm, current: pd.DataFrame, milestones: pd.DataFrame) -> list[Change]:
    """Each value of the upload as new, changed (old → new) or unchanged; milestones whose status moves."""
    stored: dict[tuple, float] = {}
    if current is not None and not current.empty:
        for r in current[["indicator_id", "unit", "period", "sector", "value"]].itertuples(index=False):
            stored[(r.indicator_id, r.unit, r.period, r.sector or "")] = r.value
    out = []
    for o in parsed.observations:
        key = (o.indicator_id, o.unit, o.period, o.sector or "")
        old = stored.get(key)
        if old is None:
            kind = "new"
        elif math.isclose(old, o.value, rel_tol=1e-9, abs_tol=1e-12):
            kind = "unchanged"
        else:
            kind = "changed"
        out.append(Change(kind, o.indicator_id, o.unit, o.period, o.sector or "", old, o.value))
    # A task changes when its status, its completion date or its evidence does: "Hoàn thành" reported
    # again with the date filled in is a change the preview must count.
    latest: dict[tuple, tuple] = {}
    if milestones is not None and not milestones.empty:
        cols = [c for c in ("indicator_id", "unit", "status", "completed_on", "evidence") if c in milestones.columns]
        for r in milestones[cols].to_dict("records"):
            latest[(r["indicator_id"], r["unit"])] = (r["status"], _day(r.get("completed_on")), (r.get("evidence") or "").strip())
    for m in parsed.milestones:
        old = latest.get((m.indicator_id, m.unit))
        new = (m.status, _day(m.completed_on), (m.evidence or "").strip())
        if old is None or old[0] != new[0] or (new[1] and new[1] != old[1]) or (new[2] and new[2] != old[2]):
            out.append(Change("milestone", m.indicator_id, m.unit, m.period, "", old[0] if old else None, m.status))
    return out


def _day(value):
    """A date or None (a missing date from the database arrives as None, NaT or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def counts(changes: list[Change]) -> dict[str, int]:
    result = {"new": 0, "changed": 0, "unchanged": 0, "milestone": 0}
    for c in changes:
        result[c.kind] += 1
    return result


def _sector_name(ind, sector: str, lang: str) -> str:
    if not sector:
        return ""
    found = next((x.name.get(lang) for x in ind.sectors if x.id == sector), sector) if ind is not None else sector
    return f" — {found}"


def _unit_name(catalogue, unit: str, lang: str) -> str:
    return catalogue.name(unit, lang) if unit in catalogue.jurisdictions else unit


def _period_name(code: str, lang: str) -> str:
    from tracker.core.periods import parse_period

    try:
        return parse_period(code).label(lang)
    except ValueError:
        return code


def preview_rows(changes: list[Change], catalogue, lang: str = "vi") -> list[dict]:
    """Rows for the preview table, changed values first: "Chỉ tiêu · Đang lưu → Trong tệp", by names.

    The two values come right after the target's name, so that the new one is in view on a laptop; the
    unit and the period follow, by name ("Khánh Hòa", "Quý III/2026"), never as codes."""
    from tracker.core.i18n import fmt_value

    en = lang == "en"
    words = {"new": ("mới", "new"), "changed": ("thay đổi", "changed"), "unchanged": ("không đổi", "unchanged"),
             "milestone": ("nhiệm vụ", "task")}
    order = {"changed": 0, "new": 1, "milestone": 2, "unchanged": 3}
    rows = []
    for c in sorted(changes, key=lambda c: (order[c.kind], c.indicator_id, c.sector, c.period)):
        ind = catalogue.indicator(c.indicator_id) if catalogue.has_indicator(c.indicator_id) else None
        name = ind.name.get(lang) if ind else c.indicator_id
        if c.kind == "milestone":
            status = STATUS_WORDS["en" if en else "vi"]
            old = status.get(c.old, "—") if c.old else "—"
            new = status.get(c.new, c.new)
        else:
            old = fmt_value(c.old, ind.unit, lang) if c.old is not None and ind else "—"
            new = fmt_value(c.new, ind.unit, lang) if ind else str(c.new)
        rows.append({
            ("Target" if en else "Chỉ tiêu"): name + _sector_name(ind, c.sector, lang),
            ("Stored" if en else "Đang lưu"): old,
            ("In the file" if en else "Trong tệp"): new,
            ("Change" if en else "Thay đổi"): words[c.kind][en],
            ("Unit" if en else "Đơn vị"): _unit_name(catalogue, c.unit, lang),
            ("Period" if en else "Kỳ"): _period_name(c.period, lang),
        })
    return rows


# --- withdrawal: what stops being current, and what becomes current instead -------------------------------


@dataclass(frozen=True)
class Withdrawn:
    indicator_id: str
    unit: str
    period: str
    sector: str
    value: float            # the submission's value, current until the withdrawal
    after: float | None     # what is current once it is withdrawn (an earlier submission's), None: no value
    after_submission: int | None


def withdrawal_effect(current: pd.DataFrame, history, submission_id: int) -> list[Withdrawn]:
    """The values of ``submission_id`` that are current now, each with what replaces it once withdrawn.

    ``current``: Store.current_observations for the submission's unit; ``history(indicator_id, unit, period)``:
    Store.value_history. What replaces a value is the latest other submission not withdrawn — the same rule
    the current values follow. Values of the submission already overridden by a later one change nothing."""
    out: list[Withdrawn] = []
    if current is None or current.empty:
        return out
    mine = current[current["submission_id"] == submission_id]
    for r in mine.itertuples(index=False):
        revisions = history(r.indicator_id, r.unit, r.period)
        others = revisions[(revisions["submission_id"] != submission_id) & ~revisions["withdrawn"].astype(bool)
                           & (revisions["sector"].fillna("") == (r.sector or ""))] if revisions is not None else None
        if others is not None and not others.empty:
            last = others.sort_values(["recorded_at", "submission_id"]).iloc[-1]
            after, after_id = float(last["value"]), int(last["submission_id"])
        else:
            after, after_id = None, None
        out.append(Withdrawn(r.indicator_id, r.unit, r.period, r.sector or "", float(r.value), after, after_id))
    return out


def withdrawal_statement(effects: list[Withdrawn], submission_id: int, catalogue, lang: str = "vi") -> tuple[str, list[dict]]:
    """A sentence saying what the withdrawal does, and one row per value (name, now → after)."""
    from tracker.core.i18n import fmt_value

    en = lang == "en"
    if not effects:
        text = (f"Submission #{submission_id} has no value that is current now: withdrawing it changes no figure "
                "on the pages (its rows stay in the history, marked withdrawn)." if en else
                f"Lần nộp #{submission_id} không còn giá trị nào đang được dùng: rút đi không làm đổi con số nào trên "
                "các trang (các dòng vẫn ở lịch sử, ghi là đã rút).")
        return text, []
    back = sum(e.after is not None for e in effects)
    gone = len(effects) - back
    if en:
        text = (f"Withdrawing submission #{submission_id} stops {len(effects)} value(s) from being current: "
                f"{back} go back to the value stored before, {gone} will have no value. Status and charts are recomputed.")
    else:
        text = (f"Rút lần nộp #{submission_id} thì {len(effects)} giá trị thôi được dùng: {back} giá trị trở về số đã lưu "
                f"trước đó, {gone} giá trị sẽ không còn số liệu. Tình trạng và biểu đồ được tính lại.")
    rows = []
    for e in effects:
        ind = catalogue.indicator(e.indicator_id) if catalogue.has_indicator(e.indicator_id) else None
        unit = ind.unit if ind else ""
        rows.append({
            ("Target" if en else "Chỉ tiêu"): (ind.name.get(lang) if ind else e.indicator_id) + _sector_name(ind, e.sector, lang),
            ("Period" if en else "Kỳ"): _period_name(e.period, lang),
            ("Current now" if en else "Đang dùng"): fmt_value(e.value, unit, lang),
            ("After withdrawal" if en else "Sau khi rút"): (fmt_value(e.after, unit, lang) + f" (#{e.after_submission})")
            if e.after is not None else ("no value" if en else "không còn số liệu"),
        })
    return text, rows
