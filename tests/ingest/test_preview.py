"""The preview before Confirm: what an upload would add, change or leave as it is."""

from __future__ import annotations

import pandas as pd

from tracker.catalogue import load_catalogue
from tracker.ingest.preview import counts, preview, preview_rows
from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm

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


def test_preview_names_units_and_periods_and_puts_the_values_first():
    cat = load_catalogue()
    ind = next(i for i in cat.indicators if i.sectors)
    sector = ind.sectors[0]
    form = parsed([Observation(ind.id, ind.jurisdiction, "2026-Q3", 3.0, sector.id)])
    row = preview_rows(preview(form, None, None), cat, "vi")[0]
    assert list(row)[:3] == ["Chỉ tiêu", "Đang lưu", "Trong tệp"]
    assert row["Chỉ tiêu"] == f"{ind.name.vi} — {sector.name.vi}"
    assert row["Đơn vị"] == cat.name(ind.jurisdiction, "vi") and row["Kỳ"] == "Quý III/2026"
    en = preview_rows(preview(form, None, None), cat, "en")[0]
    from tracker.core.periods import parse_period

    assert list(en)[:3] == ["Target", "Stored", "In the file"] and en["Period"] == parse_period("2026-Q3").label("en")


def _history(rows):
    frame = pd.DataFrame(rows, columns=["indicator_id", "unit", "period", "sector", "value", "submission_id",
                                        "recorded_at", "withdrawn"])
    return lambda ind, unit, period: frame[(frame.indicator_id == ind) & (frame.unit == unit) & (frame.period == period)]


def test_withdrawal_says_which_values_stop_being_current_and_what_replaces_them():
    from tracker.ingest.preview import withdrawal_effect, withdrawal_statement

    cat = load_catalogue()
    a, b = [i for i in cat.indicators_for(KH) if i.is_numeric and not i.sectors][:2]
    current = pd.DataFrame([(a.id, KH, "2026-Q3", "", 12.0, 7), (b.id, KH, "2026-Q3", "", 5.0, 7),
                            (a.id, KH, "2026-Q2", "", 9.0, 3)],
                           columns=["indicator_id", "unit", "period", "sector", "value", "submission_id"])
    history = _history([(a.id, KH, "2026-Q3", "", 10.0, 4, 1, False), (a.id, KH, "2026-Q3", "", 11.0, 5, 2, True),
                        (a.id, KH, "2026-Q3", "", 12.0, 7, 3, False), (b.id, KH, "2026-Q3", "", 5.0, 7, 3, False)])
    effects = withdrawal_effect(current, history, 7)
    by_id = {e.indicator_id: e for e in effects}
    assert (by_id[a.id].after, by_id[a.id].after_submission) == (10.0, 4)   # #5 is withdrawn: #4 comes back
    assert by_id[b.id].after is None
    said, rows = withdrawal_statement(effects, 7, cat, "vi")
    assert said.startswith("Rút lần nộp #7 thì 2 giá trị thôi được dùng: 1 giá trị trở về số đã lưu trước đó, 1 giá trị")
    first = next(r for r in rows if r["Chỉ tiêu"] == a.name.vi)
    assert first["Kỳ"] == "Quý III/2026" and first["Sau khi rút"].endswith("(#4)")
    assert next(r for r in rows if r["Chỉ tiêu"] == b.name.vi)["Sau khi rút"] == "không còn số liệu"
    nothing, none = withdrawal_statement(withdrawal_effect(current, history, 99), 99, cat, "vi")
    assert "không làm đổi con số nào" in nothing and none == []


def test_the_report_reads_as_sentences_errors_first_with_names_and_cells():
    from tracker.core.report import ValidationReport, sentences

    cat = load_catalogue()
    ind = next(i for i in cat.indicators_for(KH) if i.is_numeric)
    r = ValidationReport()
    r.warning("implausible_jump", "Giá trị 9 khác xa kỳ trước.", "Value 9 is far from the previous one.", "Số liệu", 7, "G (Giá trị)")
    r.error("unknown_indicator", f"Mã “{ind.id}” không có trong danh mục.", f"Code “{ind.id}” is unknown.", "Số liệu", 6, "A (Mã chỉ tiêu)")
    said = sentences(r, "vi", lambda i: cat.indicator(i).name.vi if cat.has_indicator(i) else None)
    assert [s.severity for s in said] == ["error", "warning"]
    assert said[0].text == f"Trang “Số liệu”, ô A6 (cột Mã chỉ tiêu): mã “{ind.name.vi}” không có trong danh mục."
    assert said[1].text == "Trang “Số liệu”, ô G7 (cột Giá trị): giá trị 9 khác xa kỳ trước." and said[1].code == "implausible_jump"
    en = sentences(r, "en")
    assert en[1].text == "Sheet “Số liệu”, cell G7 (Giá trị column): value 9 is far from the previous one."
