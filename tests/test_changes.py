"""The preview before Confirm: what an upload would add, change or leave as it is."""

from __future__ import annotations

import pandas as pd

from tracker.catalogue import load_catalogue
from tracker.changes import counts, preview, preview_rows
from tracker.observation import MilestoneUpdate, Observation, ParsedForm

KH = "khanh-hoa"


def stored(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "unit", "period", "sector", "value"])


def stones(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "unit", "status"])


def parsed(observations=(), milestones=()):
    return ParsedForm("f.xlsx", "0" * 64, unit=KH, period="2026-Q3",
                      observations=list(observations), milestones=list(milestones))


def test_new_changed_unchanged_and_tasks():
    cat = load_catalogue()
    a, b, c = [i.id for i in cat.indicators_for(KH) if i.is_numeric and not i.sectors][:3]
    task = next(i.id for i in cat.indicators_for(KH) if i.is_milestone)
    current = stored([(a, KH, "2026-Q3", "", 10.0), (b, KH, "2026-Q3", "", 7.0),
                      (a, KH, "2026-Q2", "", 99.0)])   # another period: not the same value
    form = parsed([Observation(a, KH, "2026-Q3", 12.0), Observation(b, KH, "2026-Q3", 7.0),
                   Observation(c, KH, "2026-Q3", 3.0)],
                  [MilestoneUpdate(task, KH, "2026-Q3", "in_progress")])
    changes = preview(form, current, stones([(task, KH, "not_started")]))
    kinds = {(ch.indicator_id, ch.kind) for ch in changes}
    assert kinds == {(a, "changed"), (b, "unchanged"), (c, "new"), (task, "milestone")}
    changed = next(ch for ch in changes if ch.kind == "changed")
    assert (changed.old, changed.new) == (10.0, 12.0)
    assert counts(changes) == {"new": 1, "changed": 1, "unchanged": 1, "milestone": 1}

    rows = preview_rows(changes, cat, "vi")
    assert [r["Thay đổi"] for r in rows] == ["thay đổi", "mới", "nhiệm vụ", "không đổi"]
    assert rows[2]["Đang lưu"] == "Chưa thực hiện" and rows[2]["Trong tệp"] == "Đang thực hiện"
    assert rows[1]["Đang lưu"] == "—"
    assert "Change" in preview_rows(changes, cat, "en")[0]


def test_a_task_whose_status_stays_is_not_a_change():
    cat = load_catalogue()
    task = next(i.id for i in cat.indicators_for(KH) if i.is_milestone)
    changes = preview(parsed(milestones=[MilestoneUpdate(task, KH, "2026-Q3", "done")]),
                      stored([]), stones([(task, KH, "done")]))
    assert changes == []


def test_sectors_are_told_apart_and_an_empty_store_makes_everything_new():
    cat = load_catalogue()
    ind = next(i for i in cat.indicators if i.sectors)
    s1, s2 = [s.id for s in ind.sectors][:2]
    form = parsed([Observation(ind.id, ind.jurisdiction, "2026-Q3", 2.0, s1),
                   Observation(ind.id, ind.jurisdiction, "2026-Q3", 2.0, s2)])
    mixed = preview(form, stored([(ind.id, ind.jurisdiction, "2026-Q3", s1, 2.0)]), stones([]))
    assert sorted(ch.kind for ch in mixed) == ["new", "unchanged"]
    assert {ch.kind for ch in preview(form, None, None)} == {"new"}


def test_a_task_counts_as_changed_when_its_completion_date_or_evidence_is_new():
    import datetime as dt

    cat = load_catalogue()
    task = next(i.id for i in cat.indicators_for(KH) if i.is_milestone)
    before = pd.DataFrame([(task, KH, "done", None, "")], columns=["indicator_id", "unit", "status", "completed_on", "evidence"])
    same = parsed(milestones=[MilestoneUpdate(task, KH, "2026-Q3", "done")])
    dated = parsed(milestones=[MilestoneUpdate(task, KH, "2026-Q3", "done", dt.date(2026, 8, 1), "QĐ 12/QĐ-UBND")])
    assert counts(preview(same, stored([]), before))["milestone"] == 0
    assert counts(preview(dated, stored([]), before))["milestone"] == 1
