"""Progress: rollups, statuses, projections, milestones, timeliness — numbers worked out by hand.

The catalogue is made by hand (tests/support/catalogues.py) so that the tests do not move when indicators.yaml grows. Rates are
written as the numbers a calculator gives, e.g. (62 000 / 48 000)^(1/5) − 1 = 0.05252.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.support.catalogues import DOCUMENTS, INDICATORS, JURISDICTIONS, TODAY, frame, quarters, run
from tests.support.catalogues import indicator_entry as _ind
from tracker.assess import assessment
from tracker.assess import explain
from tracker.assess import judge
from tracker.assess import milestones
from tracker.catalogue import parse_catalogue
from tracker.core.statuses import LOOKS


@pytest.fixture(scope="module")
def cat():
    return parse_catalogue({"jurisdictions": JURISDICTIONS, "documents": DOCUMENTS, "indicators": INDICATORS})


# ---------------------------------------------------------------------------------------------- labels


def test_statuses_match_the_figure_colours_and_have_labels_in_both_languages():
    assert set(judge.STATUSES) == set(LOOKS)
    assert [judge.status_label(s) for s in judge.STATUSES] == [
        "Đã đạt", "Đúng tiến độ", "Cần tăng tốc", "Chậm tiến độ", "Đi ngược mục tiêu", "Chưa đủ số liệu",
        "Chưa có số liệu", "Đúng hướng", "Chưa chuyển hướng", "Ngược hướng", "Hoàn thành", "Chưa đến hạn", "Quá hạn", "Thường xuyên", "Không thời hạn",
        "Chưa có thước đo", "Chỉ tiêu đã thay thế"]
    english = [judge.status_label(s, "en") for s in judge.STATUSES]
    assert english[:3] == ["Achieved", "On track", "Needs acceleration"] and len(set(english)) == len(english)


# ---------------------------------------------------------------------------------------------- rollup


def test_flow_sums_quarters_and_marks_a_partial_year(cat):
    ind = cat.indicator("bac-giang.papers")
    got = assessment.yearly(ind, quarters(2024, [10, 20, 30, 40]) + [("2025-Q2", 6), ("2025-Q1", 5)])
    assert [(p.year, p.value, p.partial, p.quarters, p.period) for p in got] == [
        (2024, 100.0, False, 4, "2024"), (2025, 11.0, True, 2, "2025-Q2")]


def test_stock_takes_the_last_quarter_and_is_partial_until_q4(cat):
    ind = cat.indicator("bac-giang.graduates")
    got = assessment.yearly(ind, [("2024-Q4", 7), ("2024-Q2", 5), ("2025-Q3", 9), ("2025-Q1", 8)])
    assert [(p.year, p.value, p.partial, p.provisional, p.period) for p in got] == [
        (2024, 7.0, False, False, "2024-Q4"), (2025, 9.0, True, True, "2025-Q3")]


def test_ratio_takes_the_annual_figure_else_the_latest_quarter_provisionally(cat):
    ind = cat.indicator("bac-giang.phd-share")
    got = assessment.yearly(ind, [("2024-Q3", 1.2), ("2024", 1.5), ("2025-Q1", 1.6), ("2025-Q2", 1.7)])
    assert [(p.year, p.value, p.partial, p.provisional) for p in got] == [(2024, 1.5, False, False),
                                                                          (2025, 1.7, False, True)]


def test_annual_figure_beats_the_quarters_of_its_year(cat):
    ind = cat.indicator("bac-giang.papers")
    got = assessment.yearly(ind, quarters(2024, [10, 20, 30, 40]) + [("2024", 200)])
    assert [(p.year, p.value, p.partial, p.period) for p in got] == [(2024, 200.0, False, "2024")]


def test_rank_takes_the_latest_and_unreadable_periods_are_skipped(cat):
    ind = cat.indicator("bac-giang.grdp-rank")
    got = assessment.yearly(ind, [("2024-Q2", 12), ("2024-Q4", 11), ("not a period", 1), ("2025", float("nan"))])
    assert [(p.year, p.value) for p in got] == [(2024, 11.0)]


# ---------------------------------------------------------------------------------------------- statuses

# (slug, points, status, method, observed, required, ratio) — rates by hand:
#   graduates:   (62000/48000)^(1/5)-1 = 0.05252; (90000/48000)^(1/10)-1 = 0.06488
#   enterprises: baseline 20 (2023), target 30 (2030): required (1.5)^(1/7)-1 = 0.05963
#   poor-share:  (5/6)^(1/2)-1 = -0.08713; (3/6)^(1/7)-1 = -0.09428
#   grdp-rank:   linear (12-15)/2 = -1.5; (10-15)/7 = -0.7143
#   patents:     zero base: linear 4/2 = 2; 10/7 = 1.4286
#   phd-share:   (4.7/4)^(1/2)-1 = 0.08397; (5/4)^(1/7)-1 = 0.03239
CASES = [
    ("graduates", [("2020", 48000), ("2025", 62000)], "acceleration", "cagr", 0.05252, 0.06488, 0.8095),
    ("enterprises", [("2025-Q4", 25)], "on_track", "cagr", 0.11803, 0.05963, 1.9793),
    ("enterprises", [("2025-Q4", 21)], "off_track", "cagr", 0.02470, 0.05963, 0.4141),
    ("enterprises", [("2025-Q4", 18)], "moving_away", "cagr", -0.05132, 0.05963, -0.8605),
    ("enterprises", [("2025-Q4", 30)], "on_track", "cagr", 0.22474, 0.05963, 3.7687),   # "> 30": 30 is not met
    ("poor-share", [("2023", 6), ("2025", 5)], "acceleration", "cagr", -0.08713, -0.09428, 0.9242),
    ("grdp-rank", [("2023", 15), ("2025", 12)], "on_track", "rank", -1.5, -0.71429, 2.1),
    ("grdp-rank", [("2023", 15), ("2025", 17)], "moving_away", "rank", 1.0, -0.71429, -1.4),
    ("patents", [("2023", 0), ("2025", 4)], "on_track", "linear", 2.0, 1.42857, 1.4),
    ("phd-share", [("2023", 4.0), ("2025", 4.7)], "on_track", "cagr", 0.08397, 0.03239, 2.5925),
]


@pytest.mark.parametrize("slug, points, status, method, observed, required, ratio", CASES)
def test_rate_statuses(cat, slug, points, status, method, observed, required, ratio):
    a = run(cat, slug, points)
    assert (a.status, a.method) == (status, method)
    assert a.observed_rate == pytest.approx(observed, abs=5e-5)
    assert a.required_rate == pytest.approx(required, abs=5e-5)
    assert a.ratio == pytest.approx(ratio, abs=5e-4)


@pytest.mark.parametrize("slug, points", [
    ("graduates", [("2025", 90001)]),                 # "> 90 000"
    ("enterprises", [("2026-Q2", 32)]),               # a stock's latest value counts, even mid-year
    ("phd-share", [("2025", 4.8)]),                   # "khoảng 5" with tolerance 0.25
    ("about", [("2025", 95)]),                        # "khoảng 100", default tolerance 5 %
    ("grdp-rank", [("2025", 8)]),                     # "<= 10": rank 8 is better
    ("poor-share", [("2024", 2.9)]),
])
def test_achieved(cat, slug, points):
    a = run(cat, slug, points)
    assert a.status == "achieved" and a.method == "comparator"


def test_outside_the_tolerance_is_not_achieved(cat):
    assert run(cat, "phd-share", [("2025", 4.7)]).status == "too_little_data"
    assert run(cat, "about", [("2025", 94.9)]).status == "too_little_data"
    assert run(cat, "grdp-rank", [("2025", 11)]).status == "too_little_data"


def test_stock_partial_latest_is_used_with_a_fractional_year(cat):
    # baseline 20 at the end of 2023, 26 at the end of Q3 2026: 2.75 years
    a = run(cat, "enterprises", [("2026-Q3", 26)])
    assert (a.latest_period, a.partial, a.provisional) == ("2026-Q3", True, True)
    assert a.observed_rate == pytest.approx(1.3 ** (1 / 2.75) - 1)
    assert a.status == "on_track"


def test_partial_flow_year_is_never_compared_as_a_whole_one(cat):
    # 2026 has 30 papers in three quarters, under the target; the status rests on 2025 (80).
    points = quarters(2024, [15] * 4) + quarters(2025, [20] * 4) + quarters(2026, [10, 10, 10])
    a = run(cat, "papers", points)
    assert (a.latest_value, a.latest_year, a.latest_period, a.partial) == (80.0, 2025, "2025", False)
    assert a.status == "on_track"
    assert a.observed_rate == pytest.approx(80 / 60 - 1)
    assert a.required_rate == pytest.approx((100 / 60) ** (1 / 6) - 1)
    assert [p.partial for p in a.series] == [False, False, True]
    assert "năm 2026 đến hết Quý III/2026: 30 bài báo (chưa đủ năm)" in a.explain()


def test_flow_target_met_by_the_year_to_date_sum_is_met_for_that_year(cat):
    # 2026 has 120 papers in three quarters: the fourth can only add, so the year meets "≥ 100".
    points = quarters(2024, [15] * 4) + quarters(2025, [20] * 4) + quarters(2026, [40, 40, 40])
    a = run(cat, "papers", points)
    assert (a.status, a.latest_value, a.latest_period, a.partial) == ("achieved", 120.0, "2026-Q3", True)
    assert "year_to_date" in a.notes
    assert "cộng dồn các quý năm 2026 đã đạt" in a.explain()
    # Not for a "≤" flow, where the rest of the year could still break it, nor while under the target.
    assert run(cat, "papers", points[:-1]).status == "on_track"


def test_flow_with_only_partial_years_has_too_little_data(cat):
    # 10 papers so far, under the target of 100 (500 would have met it for the year already).
    a = run(cat, "papers", [("2026-Q1", 5), ("2026-Q2", 5)])
    assert a.status == "too_little_data"
    assert a.explain() == "Chưa đủ số liệu: cần ít nhất 2 năm đủ 4 quý có số liệu (chưa có năm nào trọn vẹn; " \
                          "năm 2026 mới có 2 quý)."


def test_one_year_is_too_little_and_says_what_is_missing(cat):
    a = run(cat, "graduates", [("2025", 62000)])
    assert a.status == "too_little_data"
    assert a.missing == "cần ít nhất 2 năm có số liệu (mới có năm 2025)"
    assert a.explain() == "Chưa đủ số liệu: cần ít nhất 2 năm có số liệu (mới có năm 2025)."
    assert "at least two years" in a.explain("en")


def test_no_rows_is_no_data(cat):
    a = run(cat, "graduates", [])
    assert a.status == "no_data" and a.latest_value is None and list(a.series) == []
    assert a.explain() == "Chưa có số liệu — hãy tải lên biểu mẫu quý đầu tiên."


def test_catalogue_baseline_and_one_observed_year_are_two_years(cat):
    a = run(cat, "enterprises", [("2025", 25)])
    assert (a.baseline_value, a.baseline_year) == (20, 2023)
    assert a.status == "on_track"


def test_baseline_met_then_lost_is_moving_away(cat):
    a = run(cat, "graduates", [("2023", 95000), ("2025", 85000)])
    assert a.status == "moving_away" and "base_met_lost" in a.notes and a.ratio is None


def test_target_year_reached_unmet_is_at_best_off_track(cat):
    # (29/20)^(1/7)-1 = 0.05451 against 0.05963: ratio 0.914 would be "acceleration"
    a = run(cat, "enterprises", [("2030", 29)], today=dt.date(2031, 3, 1))
    assert a.ratio == pytest.approx(0.9141, abs=5e-4)
    assert a.status == "off_track" and "deadline_passed" in a.notes


def test_zero_baseline_says_it_used_linear_rates(cat):
    a = run(cat, "patents", [("2023", 0), ("2025", 4)])
    assert a.notes == ("nonpositive",)
    assert "tuyến tính" in a.explain()


# --- on average


@pytest.mark.parametrize("points, status, mean, ratio", [
    (quarters(2024, [20] * 4) + quarters(2025, [17.5] * 4) + [("2026-Q1", 90)], "acceleration", 75, 0.75),
    ([("2024", 50), ("2025", 40)], "off_track", 45, 0.45),
    ([("2024", 120), ("2025", 100)], "on_track", 110, 1.1),       # met, but 2030 is not in yet
    ([("2029", 100), ("2030", 120)], "achieved", 110, 1.1),
    ([("2024", 0), ("2025", 0)], "moving_away", 0, 0.0),
    ([("2025", 80)], "acceleration", 80, 0.8),                    # one whole year is enough for a mean
])
def test_average_targets_are_judged_on_the_mean_of_whole_years(cat, points, status, mean, ratio):
    a = run(cat, "avg-papers", points, today=dt.date(2031, 3, 1))
    assert (a.status, a.method) == (status, "average")
    assert a.average_value == pytest.approx(mean) and a.ratio == pytest.approx(ratio)


def test_average_growth_leaves_out_provisional_quarters(cat):
    a = run(cat, "productivity", [("2024", 6.0), ("2025", 5.0), ("2026-Q2", 20.0)])
    assert a.average_value == pytest.approx(5.5) and a.average_years == (2024, 2025, 2)
    assert a.status == "acceleration"      # 5.5 / 7 = 0.786
    assert "Bình quân 2 năm 2024–2025: 5,5 %/năm" in a.explain()


def test_average_from_year_uses_the_years_from_then_once_there_are_any(cat):
    before = run(cat, "avg-from", [("2028", 50), ("2029", 70)], today=dt.date(2030, 3, 1))
    assert before.status == "acceleration" and before.average_value == 60 and "from_year_before" in before.notes
    after = run(cat, "avg-from", [("2029", 50), ("2030", 120)], today=dt.date(2031, 3, 1))
    assert after.status == "achieved" and after.average_value == 120 and after.average_years == (2030, 2030, 1)


# --- every year from a year


def test_from_year_target_before_that_year_is_judged_by_the_trend(cat):
    flat = run(cat, "yearly-patents", [("2024", 0), ("2025", 0)])
    assert flat.status == "off_track" and flat.ratio == 0 and "from_year_before" in flat.notes
    assert "trước đó đánh giá theo xu hướng" in flat.explain()
    early = run(cat, "yearly-patents", [("2025", 2)])
    assert early.status == "on_track" and early.method == "comparator"
    due = run(cat, "yearly-patents", [("2029", 0), ("2030", 1)], today=dt.date(2031, 3, 1))
    assert due.status == "achieved"


# --- direction only


@pytest.mark.parametrize("slug, points, status", [
    ("awards", [("2024", 5), ("2025", 7)], "right_way"),
    ("awards", [("2024", 5), ("2025", 5)], "no_change"),
    ("awards", [("2024", 6), ("2025", 4)], "wrong_way"),
    ("awards", [("2023", 9), ("2024", 4), ("2025", 6)], "right_way"),     # the latest two years count
    ("waste", [("2024", 6), ("2025", 4)], "right_way"),
    ("waste", [("2024", 4), ("2025", 6)], "wrong_way"),
    ("experts", [("2025-Q4", 10), ("2026-Q2", 12)], "right_way"),          # a stock's latest counts
    ("awards", [("2024", 5)] + quarters(2025, [9, 9]), "too_little_data"),  # 2025 not whole
])
def test_direction_targets(cat, slug, points, status):
    a = run(cat, slug, points)
    assert (a.status, a.method) == (status, "direction")


def test_direction_explains_both_years(cat):
    a = run(cat, "awards", [("2024", 5), ("2025", 7)])
    assert a.explain() == ("Năm 2025: 7 công trình, tăng so với năm 2024 (5 công trình) — đúng hướng mục tiêu tăng "
                           "đến năm 2030.")


# ---------------------------------------------------------------------------------------------- projection


def test_projection_is_a_least_squares_line_on_the_last_four_years(cat):
    # last four: 2023..2026 = 10, 13, 14, 17: slope 11/5 = 2.2, at 2030: 13.5 + 2.2 × 5.5 = 25.6
    a = run(cat, "enterprises", [("2021", 100), ("2022", 1), ("2023", 10), ("2024", 13), ("2025", 14), ("2026", 17)],
            today=dt.date(2027, 2, 1))
    assert a.projection == pytest.approx(25.6) and a.gap == pytest.approx(4.4)


def test_projection_skips_partial_flow_years_and_needs_three_points(cat):
    a = run(cat, "papers", [("2023", 40), ("2024", 60), ("2025", 80)] + quarters(2026, [1]))
    assert a.projection == pytest.approx(80 + 20 * 5) and a.gap == pytest.approx(100 - 180)
    # Two yearly points (no catalogue baseline): no projection, and the sentence says so.
    two = run(cat, "papers", [("2024", 60), ("2025", 80)] + quarters(2026, [1]))
    assert two.projection is None and two.gap is None
    assert "chưa đủ số liệu để dự báo" in two.explain() and "too little data for a projection" in two.explain("en")


def test_projection_counts_the_catalogue_baseline_as_a_point(cat):
    # enterprises: baseline 20 in 2023 (catalogue) + 2024, 2025 = three points on a line of slope 2.
    a = run(cat, "enterprises", [("2024", 22), ("2025", 24)])
    assert a.projection == pytest.approx(34)
    assert "dự báo năm 2030: 34 doanh nghiệp, theo xu hướng các năm gần đây sẽ đạt mục tiêu" in a.explain()
    slow = run(cat, "enterprises", [("2024", 20.5), ("2025", 21)])
    assert "theo xu hướng các năm gần đây chưa đạt mục tiêu" in slow.explain()
    assert run(cat, "enterprises", [("2025", 24)]).projection is None


def test_future_periods_are_ignored(cat):
    a = run(cat, "graduates", [("2024", 60000), ("2025", 62000), ("2027", 99999)])
    assert a.latest_year == 2025 and a.status != "achieved"


# ---------------------------------------------------------------------------------------------- explain


def test_explain_uses_vietnamese_number_formats(cat):
    a = run(cat, "graduates", [("2020", 48000), ("2025", 62000)])
    # No "gốc năm" and no "(tỷ lệ 0,81)": the method's words stay on the Phương pháp page (issue 23).
    assert a.explain() == ("Năm 2025: 62.000 người (năm 2020: 48.000 người); cần tăng 6,5 %/năm để đạt "
                           "trên 90.000 người năm 2030, thực tế tăng 5,3 %/năm; chưa đủ số liệu để dự báo.")
    assert "90,000" in a.explain("en") and "6.5 %/year" in a.explain("en")


def test_rank_explain_speaks_of_places(cat):
    a = run(cat, "grdp-rank", [("2023", 15), ("2025", 12)])
    assert "cần lên 0,7 bậc/năm" in a.explain() and "thực tế lên 1,5 bậc/năm" in a.explain()


def test_to_dict_is_json_ready(cat):
    import json

    a = run(cat, "graduates", [("2020", 48000), ("2025", 62000)])
    d = json.loads(json.dumps(a.to_dict()))
    assert d["status"] == "acceleration" and d["series"][1] == {"year": 2025, "value": 62000.0, "partial": False,
                                                                "provisional": False, "quarters": 4, "period": "2025"}
    assert d["explain"]["vi"] == a.explain()


# ---------------------------------------------------------------------------------------------- milestones


def _task(cat, slug):
    return cat.indicator(f"bac-giang.{slug}")


@pytest.mark.parametrize("slug, update, status, days_late, days_left, words", [
    ("centre", {"status": "done", "completed_on": dt.date(2025, 5, 2)}, "done", 0, None, "đúng hạn"),
    ("centre", {"status": "done", "completed_on": pd.Timestamp("2025-08-10")}, "done", 41, None, "chậm 41 ngày"),
    ("centre", {"status": "in_progress", "completed_on": None}, "overdue", 472, None, "Quá hạn 472 ngày"),
    ("centre", None, "overdue", 472, None, "chưa có báo cáo tiến độ"),
    ("scheme", {"status": "not_started"}, "not_yet_due", None, 258, "còn 258 ngày"),
    ("standing", {"status": "in_progress"}, "recurring", None, None, "thường xuyên"),
    ("someday", None, "no_deadline", None, None, "Không ấn định thời hạn"),
])
def test_milestones(cat, slug, update, status, days_late, days_left, words):
    m = milestones.assess_milestone(_task(cat, slug), update, "bac-giang", TODAY)
    assert (m.status, m.days_late, m.days_left) == (status, days_late, days_left)
    assert words in m.explain()


def test_milestone_due_today_is_not_yet_late(cat):
    m = milestones.assess_milestone(_task(cat, "centre"), {"status": "in_progress"}, "bac-giang", dt.date(2025, 6, 30))
    assert (m.status, m.days_left) == ("not_yet_due", 0)
    assert milestones.assess_milestone(_task(cat, "centre"), None, "bac-giang", dt.date(2025, 7, 1)).days_late == 1


# ---------------------------------------------------------------------------------------------- yearly tasks,
# goals no statistic measures, retired entries


@pytest.fixture(scope="module")
def cat_yearly():
    inds = [
        _ind("review", "milestone", "task", {"recurring": True, "every": "year", "start": "2024-04-01"}),
        _ind("rank-2045", "rank", "rank", {"comparator": "<=", "value": 10, "year": 2045}, measurable=False),
        _ind("old", "direction", "patent", {"direction": "increase", "year": 2030}, rollup="flow", retired=True,
             replaced_by="bac-giang.new", note={"vi": "Đổi nghĩa.", "en": "Meaning changed."}),
        _ind("new", "direction", "work", {"direction": "increase", "year": 2030}, rollup="flow"),
        _ind("old-task", "milestone", "task", {"due": "2025-06-30"}, retired=True, replaced_by="bac-giang.review",
             note={"vi": "Đổi nghĩa.", "en": "Meaning changed."}),
    ]
    return parse_catalogue({"jurisdictions": JURISDICTIONS, "documents": DOCUMENTS, "indicators": inds})


@pytest.mark.parametrize("today, updates, status, year, days_late, days_left", [
    # done in 2026 (even if a later report says the next round is under way)
    (TODAY, [("2026-Q2", "done", dt.date(2026, 5, 4)), ("2026-Q3", "in_progress", None)], "done", 2026, 0, None),
    # done in 2025, nothing yet in 2026: the 2026 round is still open
    (TODAY, [("2025-Q4", "done", dt.date(2025, 12, 1))], "not_yet_due", 2026, None, 77),
    # nothing done in 2025: once 2025 ended the task is overdue, from 31/12/2025
    (TODAY, [("2025-Q2", "in_progress", None)], "overdue", 2025, 288, None),
    (TODAY, [], "overdue", 2025, 288, None),
    # the first year (2024, from its start) has not ended yet: not yet due
    (dt.date(2024, 10, 1), [], "not_yet_due", 2024, None, 91),
    # before the start day but in the first year: that year's round is due by 31/12
    (dt.date(2024, 3, 1), [], "not_yet_due", 2024, None, 305),
    # in a year before the first: not yet due, counted to the start day
    (dt.date(2023, 12, 1), [], "not_yet_due", 2024, None, 122),
])
def test_yearly_task_is_judged_per_year(cat_yearly, today, updates, status, year, days_late, days_left):
    rows = pd.DataFrame([{"indicator_id": "bac-giang.review", "unit": "bac-giang", "period": p, "status": st,
                          "completed_on": day, "evidence": ""} for p, st, day in updates],
                        columns=["indicator_id", "unit", "period", "status", "completed_on", "evidence"])
    m = assessment.assess_all(cat_yearly, None, rows, today)["bac-giang"]["milestones"]
    m = next(x for x in m if x.indicator_id == "bac-giang.review")
    assert (m.status, m.year, m.days_late, m.days_left) == (status, year, days_late, days_left)
    assert f"{year}" in m.explain("vi") and "hằng năm" in m.explain("vi")


def test_unmeasured_and_retired_entries_are_listed_not_assessed(cat_yearly):
    obs = frame([("rank-2045", "2025", 3), ("old", "2024", 2), ("old", "2025", 5), ("new", "2025", 1)])
    res = assessment.assess_all(cat_yearly, obs, None, TODAY)["bac-giang"]
    status = {a.indicator_id: a.status for a in res["numeric"] + res["milestones"]}
    assert status["bac-giang.rank-2045"] == "unmeasured"
    assert status["bac-giang.old"] == status["bac-giang.old-task"] == "replaced"
    assert status["bac-giang.new"] != "replaced"
    old = next(a for a in res["numeric"] if a.indicator_id == "bac-giang.old")
    assert [p.value for p in old.series] == [2.0, 5.0]     # its stored values are kept and shown
    assert "bac-giang.new" in old.explain("vi") and judge.status_label("replaced") == "Chỉ tiêu đã thay thế"
    assert judge.status_label("unmeasured") == "Chưa có thước đo"
    one = assessment.assess(cat_yearly.indicator("bac-giang.rank-2045"), obs, "bac-ninh", today=TODAY)
    assert one.status == "unmeasured" and "không đánh giá" in one.explain("vi")


def test_done_without_a_date_and_with_nat(cat):
    m = milestones.assess_milestone(_task(cat, "centre"), {"status": "done", "completed_on": pd.NaT, "evidence": "QĐ 1"},
                           "bac-giang", TODAY)
    assert (m.status, m.completed_on, m.days_late, m.evidence) == ("done", None, None, "QĐ 1")


# ---------------------------------------------------------------------------------------------- timeliness


@pytest.mark.parametrize("today, due", [
    (dt.date(2026, 10, 15), "2026-Q2"),    # Q3 ended 30/9; its 30 days of grace run to 30/10
    (dt.date(2026, 10, 30), "2026-Q2"),
    (dt.date(2026, 10, 31), "2026-Q3"),
    (dt.date(2027, 2, 15), "2026-Q4"),
])
def test_overdue_units_within_and_after_the_grace(today, due):
    reported = {"a": {"2026-Q2", "2026-Q3", "2026-Q4"}, "b": {"2026-Q1"}}
    late = milestones.overdue_units(reported, ["a", "b", "c"], today)
    assert late == [("b", due), ("c", due)]


def test_overdue_units_accepts_the_annual_figure_for_q4_and_a_shorter_grace():
    assert milestones.overdue_units({"a": {"2026"}}, ["a"], dt.date(2027, 2, 15)) == []
    assert milestones.overdue_units({"a": {"2026-Q2"}}, ["a"], dt.date(2026, 10, 15), grace_days=10) == [("a", "2026-Q3")]


# ---------------------------------------------------------------------------------------------- assess_all


def test_assess_all_counts_a_successors_reports_for_inherited_targets(cat):
    obs = frame([("enterprises", "2024", 22, "bac-giang"), ("enterprises", "2025-Q4", 25, "bac-ninh"),
                 ("enterprises", "2025-Q2", 99, "khanh-hoa"),                 # not in the lineage: ignored
                 ("graduates", "2024", 60000, "bac-giang"), ("graduates", "2024", 61000, "bac-ninh")])
    stones = pd.DataFrame([{"indicator_id": "bac-giang.centre", "unit": "bac-ninh", "period": "2026-Q2",
                            "status": "done", "completed_on": dt.date(2025, 8, 10), "evidence": ""}])
    res = assessment.assess_all(cat, obs, stones, TODAY)
    assert list(res) == ["bac-giang", "bac-ninh", "khanh-hoa"]
    own = {(a.indicator_id, a.sector): a for a in res["bac-giang"]["numeric"]}
    heir = {(a.indicator_id, a.sector): a for a in res["bac-ninh"]["numeric"]}
    assert own.keys() == heir.keys()
    ent, ent2 = own[("bac-giang.enterprises", "")], heir[("bac-giang.enterprises", "")]
    assert (ent.unit, ent2.unit) == ("bac-giang", "bac-ninh")
    assert [(p.year, p.value) for p in ent.series] == [(2024, 22.0), (2025, 25.0)] == [(p.year, p.value) for p in ent2.series]
    assert ent.status == ent2.status == "on_track"
    assert own[("bac-giang.graduates", "")].latest_value == 61000      # the successor's figure wins a shared period
    # per sector: one assessment per sector, none for ""
    assert [k[1] for k in own if k[0] == "bac-giang.phds"] == ["health", "industry"]
    done = {m.indicator_id: m for m in res["bac-giang"]["milestones"]}["bac-giang.centre"]
    assert (done.status, done.days_late) == ("done", 41)
    assert [a.indicator_id for a in res["khanh-hoa"]["numeric"]] == ["khanh-hoa.enterprises"]
    assert res["khanh-hoa"]["numeric"][0].status == "no_data"


def test_assess_all_matches_assess_for_each_target(cat):
    obs = frame([("graduates", "2020", 48000), ("graduates", "2025", 62000), ("papers", "2025", 80),
                 ("avg-papers", "2025", 80), ("awards", "2024", 5), ("awards", "2025", 7),
                 ("phds", "2025-Q4", 1, "bac-giang", "health"), ("phds", "2024-Q4", 0, "bac-giang", "health")])
    res = assessment.assess_all(cat, obs, None, TODAY)
    for a in res["bac-giang"]["numeric"]:
        one = assessment.assess(cat.indicator(a.indicator_id), obs, "bac-giang", today=TODAY, sector=a.sector)
        assert (a.status, a.latest_value, a.ratio, a.projection, a.explain()) == \
               (one.status, one.latest_value, one.ratio, one.projection, one.explain())
        assert list(a.series) == list(one.series)


def test_status_counts(cat):
    res = assessment.assess_all(cat, frame([("graduates", "2025", 95000)]), None, TODAY)
    counts = judge.status_counts(res["bac-giang"]["numeric"] + res["bac-giang"]["milestones"])
    assert list(counts) == list(judge.STATUSES)
    assert counts["achieved"] == 1 and counts["overdue"] == 1 and counts["not_yet_due"] == 1
    assert counts["recurring"] == 1 and counts["no_deadline"] == 1
    assert sum(counts.values()) == len(res["bac-giang"]["numeric"]) + 4


def test_assess_all_with_nothing(cat):
    res = assessment.assess_all(cat, pd.DataFrame(columns=["indicator_id", "unit", "period", "sector", "value"]), None, TODAY)
    assert {a.status for a in res["bac-ninh"]["numeric"]} == {"no_data"}


def test_a_million_rows_are_assessed():
    """30 targets × 1.000 sectors × 7 years of quarters and annual figures = 1.050.000 rows, all assessed.

    How fast is measured by bench/render.py, not asserted here.
    """
    sectors = [{"id": f"s{k}", "name": {"vi": f"Ngành {k}", "en": f"Sector {k}"}} for k in range(1000)]
    kinds = [("stock", "person"), ("flow", "paper"), ("ratio", "percent")]
    inds = [_ind(f"t{k}", *kinds[k % 3], {"comparator": ">=", "value": 100, "year": 2030}, sectors=sectors)
            for k in range(30)]
    big = parse_catalogue({"jurisdictions": JURISDICTIONS, "documents": DOCUMENTS, "indicators": inds})
    periods = [f"{y}-Q{q}" for y in range(2024, 2031) for q in range(1, 5)] + [str(y) for y in range(2024, 2031)]
    n = 30 * 1000 * len(periods)
    ids = np.repeat([f"bac-giang.t{k}" for k in range(30)], 1000 * len(periods))
    secs = np.tile(np.repeat([s["id"] for s in sectors], len(periods)), 30)
    obs = pd.DataFrame({"indicator_id": ids, "unit": "bac-giang", "period": np.tile(periods, 30 * 1000),
                        "sector": secs, "value": np.random.default_rng(45).uniform(10, 120, n)})
    assessment.assess_all(big, obs.head(1000), None, dt.date(2031, 1, 15))       # the catalogue's plan, once
    res = assessment.assess_all(big, obs, None, dt.date(2031, 1, 15))
    assert len(res["bac-giang"]["numeric"]) == 30_000
    assert {a.status for a in res["bac-giang"]["numeric"]} <= set(judge.NUMERIC_STATUSES) - {"no_data", "too_little_data"}
    assert sum(len(a.series) for a in res["bac-giang"]["numeric"][:3]) == 3 * 7


# ---------------------------------------------------------------------------------------------- one meaning per signal


def test_on_pace_but_projected_short_reads_needs_acceleration_never_on_track(cat):
    # enterprises: > 30 by 2030, baseline 20 (2023). Since 2023: (27.5/20)^(1/4)-1 = 0.0829 against 0.0596
    # needed (ratio 1.39, "on track" by the rate alone); the last four years fall 0.5 a year: 26 in 2030.
    a = run(cat, "enterprises", [("2024", 29), ("2025", 28.5), ("2026", 28), ("2027", 27.5)], today=dt.date(2028, 2, 1))
    assert a.observed_rate == pytest.approx(0.08289, abs=5e-5) and a.ratio == pytest.approx(1.390, abs=1e-3)
    assert a.projection == pytest.approx(26) and a.status == "acceleration" and "projection_short" in a.notes
    text = a.explain()
    assert "Đúng tiến độ" not in text and "chưa đạt mục tiêu" in text and "cần tăng tốc" in text
    assert judge.status_label(a.status) == "Cần tăng tốc"
    # projected to reach it: on track stays on track
    ok = run(cat, "enterprises", [("2024", 24), ("2025", 26), ("2026", 28), ("2027", 29)], today=dt.date(2028, 2, 1))
    assert ok.status == "on_track" and "projection_short" not in ok.notes


def test_every_on_track_target_is_projected_to_reach_it_when_there_is_a_projection(cat):
    import itertools

    for a, b, c in itertools.product((21, 25, 29), (22, 26, 30), (23, 27, 31)):
        got = run(cat, "enterprises", [("2024", a), ("2025", b), ("2026", c)], today=dt.date(2027, 2, 1))
        if got.status == "on_track" and got.projection is not None:
            assert "sẽ đạt mục tiêu" in got.explain(), (a, b, c, got.explain())


def test_share_targets_give_their_pace_in_points_a_year(cat):
    import re

    # poor-share: < 3 % by 2030; 6 % (2023) → 5 % (2025): needs (3 − 5) / 5 = −0,4 points a year, did −0,5.
    a = run(cat, "poor-share", [("2023", 6), ("2025", 5)])
    assert a.required_rate == pytest.approx(-0.09428, abs=5e-5)      # the method's rate is unchanged
    assert explain.pace(a) == (pytest.approx(-0.4), pytest.approx(-0.5))
    text = a.explain()
    assert "cần giảm 0,4 điểm %/năm" in text and "thực tế giảm 0,5 điểm %/năm" in text
    assert not re.search(r"\d %/năm", text), text                  # never a relative rate for a share
    assert "0.4 percentage points/year" in a.explain("en")
    from tracker.present.overview import rate_text

    assert rate_text(a, "vi") == "cần −0,4 điểm %/năm · thực tế −0,5 điểm %/năm"
    # a larger gap in one decimal: 18,4 % (2024) → 20 % (2026) towards ≈ 5 % … use phd-share's "~ 5"
    b = run(cat, "phd-share", [("2023", 4.0), ("2025", 4.7)])
    assert "cần tăng 0,06 điểm %/năm" in b.explain() and "thực tế tăng 0,35 điểm %/năm" in b.explain()


def test_leaders_sentences_carry_no_method_ratio_or_baseline_jargon(cat):
    for slug, points in (("graduates", [("2020", 48000), ("2025", 62000)]), ("poor-share", [("2023", 6), ("2025", 5)]),
                         ("enterprises", [("2025-Q4", 21)]), ("grdp-rank", [("2023", 15), ("2025", 17)])):
        a = run(cat, slug, points)
        assert a.ratio is not None                          # kept for the method page and the JSON
        for lang, words in (("vi", ("tỷ lệ", "gốc")), ("en", ("ratio", "baseline"))):
            assert not any(w in a.explain(lang) for w in words), a.explain(lang)


def test_direction_goals_have_statuses_of_their_own(cat):
    from tracker.core.statuses import BEHIND, DIRECTION, NUMERIC

    got = {run(cat, "awards", pts).status for pts in ([("2024", 5), ("2025", 7)], [("2024", 5), ("2025", 5)],
                                                      [("2024", 6), ("2025", 4)])}
    assert got == set(DIRECTION) and not got & set(NUMERIC) and not got & set(BEHIND)
    assert judge.status_label("right_way") == "Đúng hướng" and judge.status_label("wrong_way", "en") == "Wrong way"
