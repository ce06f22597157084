"""What an accepted upload would change, against what is stored: the preview before Confirm."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tracker.observation import ParsedForm

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


def preview_rows(changes: list[Change], catalogue, lang: str = "vi") -> list[dict]:
    """Rows for the preview table, changed values first."""
    from tracker.i18n import fmt_value

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
            ("Change" if en else "Thay đổi"): words[c.kind][en],
            ("Target" if en else "Chỉ tiêu"): name + (f" — {c.sector}" if c.sector else ""),
            ("Unit" if en else "Đơn vị"): c.unit,
            ("Period" if en else "Kỳ"): c.period,
            ("Stored" if en else "Đang lưu"): old,
            ("Uploaded" if en else "Trong tệp"): new,
        })
    return rows
