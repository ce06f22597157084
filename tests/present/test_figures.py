"""Figures and the overview's rows, without Streamlit: what each shows and where its labels go."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.catalogues import DOCUMENTS, INDICATORS, JURISDICTIONS, quarters, run  # noqa: F401
from tracker.present import figures as F
from tracker.present.timeline import milestone_timeline
from tracker.assess.snapshot import Snapshot
from tracker.present.tables import milestone_rows, milestone_table
from tracker.present.overview import attention_rows, gap_text, numeric_counts, projection_text, rate_text, status_changes
from tracker.catalogue import parse_catalogue

CAP = F.Caption(updated="Quý III/2026", source="Chương trình 77-CTr/TU", demo=True, lang="vi")


@pytest.fixture(scope="module")
def cat():
    return parse_catalogue({"jurisdictions": JURISDICTIONS, "documents": DOCUMENTS, "indicators": INDICATORS})


def texts_of(fig) -> list[str]:
    out = [a.text for a in fig.layout.annotations]
    for trace in fig.data:
        out += [str(x) for x in (trace.text or []) if x] if not isinstance(trace.text, str) else [trace.text]
    return out


def test_for_screen_moves_title_status_and_source_out_of_the_figure(cat):
    a = run(cat, "enterprises", [("2024", 22), ("2025", 24)])
    fig = F.progress_figure(a.indicator, a, unit_name="Bắc Giang", caption=CAP)
    meta, screen = F.for_screen(fig)
    assert meta["title"] == "Bắc Giang — " + a.indicator.name.get("vi")
    assert "Cập nhật: Quý III/2026" in meta["footer"] and "<br>" not in meta["subtitle"].split("* ")[0]
    assert screen.layout.title.text is None
    names = [n.name for n in screen.layout.annotations]
    assert "footer" not in names and "watermark" in names and "target" in names
    # The still keeps everything: title, footer, the full watermark.
    assert "Bắc Giang" in fig.layout.title.text and "footer" in [n.name for n in fig.layout.annotations]
    assert [n.font.size for n in fig.layout.annotations if n.name == "watermark"] == [90]


def test_projection_of_a_count_is_a_whole_number_and_needs_three_points(cat):
    a = run(cat, "enterprises", [("2024", 22.3), ("2025", 24.4)])
    fig = F.progress_figure(a.indicator, a, unit_name="Bắc Giang", caption=CAP)
    # Near the target, the projection is said in the target's label ("Dự báo: 32 doanh nghiệp").
    label = next(n.text for n in fig.layout.annotations if n.name in ("projection", "target") and "Dự báo" in n.text)
    words = label.split("Dự báo", 1)[1]
    assert "doanh nghiệp" in words and "," not in words
    two = run(cat, "enterprises", [("2025", 24)])
    fig2 = F.progress_figure(two.indicator, two, unit_name="Bắc Giang", caption=CAP)
    assert "projection" not in [n.name for n in fig2.layout.annotations]
    assert "chưa đủ số liệu để dự báo" in fig2.layout.meta["subtitle"]


def test_axes_use_vietnamese_number_format_and_whole_steps_for_small_counts(cat):
    a = run(cat, "patents", [("2024", 1), ("2025", 2)])
    fig = F.progress_figure(a.indicator, a, unit_name="Bắc Giang", caption=CAP)
    assert fig.layout.separators == ",." and fig.layout.yaxis.tickformat == ",~f"
    assert fig.layout.yaxis.dtick == 1


def test_a_target_with_no_data_yet_draws_without_error(cat):
    a = run(cat, "graduates", [])
    fig = F.progress_figure(a.indicator, a, unit_name="Bắc Giang", caption=CAP)
    assert any(n.name == "target" for n in fig.layout.annotations)


def test_labels_go_where_nothing_else_is():
    # Projection well above the target: both labels above their lines.
    assert F._place_labels([(2024, 10), (2025, 20)], False, 30, 2030, 60, False) == ("top", "top", "bottom", False)
    # Projection close to the target: one label says both.
    assert F._place_labels([(2024, 10), (2025, 20)], False, 30, 2030, 31, False)[3] is True
    # A bar reaching the target line: its value sits above, so the target label goes under the line.
    assert F._place_labels([(2025, 5), (2026, 10)], True, 10, 2030, None, False)[0] == "bottom"
    # A projection near zero is labelled above its point, not over the year axis.
    assert F._place_labels([(2024, 30), (2025, 20)], False, 100, 2030, 1, False)[1] == "top"


def test_compare_figure_lists_targets_once_and_draws_partial_years_open():
    series = [
        {"unit_name": "Bắc Giang", "points": [(2024, 10, False), (2025, 12, False), (2026, 13, True)],
         "target_value": 30, "target_year": 2030, "status": "on_track"},
        {"unit_name": "Khánh Hòa", "points": [(2024, 20, False), (2025, 23, False)],
         "target_value": 30, "target_year": 2030, "status": "off_track"},
    ]
    fig = F.compare_figure(series, indicator_name="Doanh nghiệp KH&CN", unit="enterprise", caption=CAP)
    subtitle = fig.layout.meta["subtitle"]
    assert "Bắc Giang: 30 doanh nghiệp (2030)" in subtitle and "Khánh Hòa: 30 doanh nghiệp (2030)" in subtitle
    assert "năm chưa đủ quý" in subtitle
    stars = [t for t in fig.data if t.marker.symbol == "star"]
    assert len(stars) == 2 and all(not t.text for t in stars)     # no two labels on one spot
    first = fig.data[0]
    assert list(first.marker.color) == ["#1f4e79", "#1f4e79", "white"]


def test_timeline_draws_overdue_first_with_cut_labels_and_full_hover():
    long_name = "Thành lập Trung tâm nghiên cứu quốc tế về trí tuệ nhân tạo và dữ liệu lớn của tỉnh"
    items = [
        {"name": "Ban hành kế hoạch", "unit_name": "Bắc Giang", "due": dt.date(2027, 1, 1), "completed_on": None,
         "status": "not_yet_due", "status_label": "Chưa đến hạn"},
        {"name": long_name, "unit_name": "Khánh Hòa", "due": dt.date(2025, 6, 30), "completed_on": None,
         "status": "overdue", "status_label": "Quá hạn"},
    ]
    rows = sorted(items, key=lambda r: r["status"] != "overdue")
    fig = milestone_timeline(rows, title="Nhiệm vụ", caption=CAP, today=dt.date(2026, 10, 15))
    labels = [n for n in fig.layout.annotations if n.name == "task"]
    assert labels[0].y == 0 and "Khánh Hòa: Thành lập" in labels[0].text and labels[0].text.endswith("…")
    assert labels[0].hovertext == f"Khánh Hòa: {long_name}"
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]     # row 0 on top


def test_gap_follows_the_comparator(cat):
    up = run(cat, "enterprises", [("2024", 22), ("2025", 24)])
    assert gap_text(up, "vi") == "6 doanh nghiệp (đạt 80 % mục tiêu)"
    down = run(cat, "poor-share", [("2024", 5), ("2025", 4)])
    assert gap_text(down, "vi") == "1 điểm %"
    rank = run(cat, "grdp-rank", [("2024", 15), ("2025", 13)])
    assert gap_text(rank, "vi") == "3 bậc"


def test_rate_and_projection_words(cat):
    a = run(cat, "graduates", [("2020", 48000), ("2025", 62000)])
    assert rate_text(a, "vi") == "cần +6,5 %/năm · thực tế +5,3 %/năm"
    assert projection_text(a, "vi") == "chưa đủ số liệu để dự báo"


def _snap(results):
    return Snapshot(results=results, latest_period="2026-Q3", demo=False, reported={}, today=dt.date(2026, 10, 15))


def test_counts_keep_direction_goals_apart_and_changes_compare_judged_statuses(cat):
    behind = run(cat, "graduates", [("2020", 48000), ("2025", 50000)])        # slow growth
    good = run(cat, "enterprises", [("2024", 29), ("2025", 31)])              # achieved
    direction = run(cat, "awards", [("2024", 5), ("2025", 7)])                 # right way, no number
    after = _snap({"bac-giang": {"numeric": [behind, good, direction], "milestones": []}})
    counts = numeric_counts(after)
    assert counts["targets"] == 2 and counts["direction"] == 1 and counts["direction_right"] == 1
    assert counts["good"] == 1 and counts["moving_away"] + counts["slow"] == 1
    rows = attention_rows(cat, after, "vi")
    assert [r["indicator_id"] for r in rows] == ["bac-giang.graduates"]
    assert rows[0]["link"] == "/dia-phuong?unit=bac-giang#c-bac-giang-graduates"
    earlier = run(cat, "enterprises", [("2024", 22), ("2025", 23)])
    before = _snap({"bac-giang": {"numeric": [behind, earlier, direction], "milestones": []}})
    changed = status_changes(before, after)
    assert [(u, a.indicator_id) for u, _, a in changed["improved"]] == [("bac-giang", "bac-giang.enterprises")]
    assert changed["worsened"] == []


def test_task_table_shows_the_reported_progress_and_overdue_first(cat):
    from tracker.assess.milestones import MilestoneAssessment

    stones = [MilestoneAssessment("bac-giang.scheme", "bac-giang", "not_yet_due", due=dt.date(2027, 6, 30),
                                  progress_status="in_progress", days_left=600),
              MilestoneAssessment("bac-giang.centre", "bac-giang", "overdue", due=dt.date(2025, 6, 30), days_late=470)]
    snap = _snap({"bac-giang": {"numeric": [], "milestones": stones}})
    table = milestone_table(milestone_rows(cat, snap, "vi"), "vi")
    assert [r["Tình trạng"] for r in table] == ["Quá hạn", "Chưa đến hạn"]
    assert [r["Báo cáo của địa phương"] for r in table] == ["chưa báo cáo", "Đang thực hiện"]


def test_slide_chart_has_no_title_and_no_text_under_22_px(cat):
    a = run(cat, "enterprises", [("2023", 20), ("2024", 22), ("2025", 24)])
    slide = F.slide_figure(F.progress_figure(a.indicator, a, unit_name="Bắc Giang", caption=CAP))
    assert slide.layout.title.text is None and slide.layout.font.size >= 22
    sizes = [n.font.size for n in slide.layout.annotations if n.name != "watermark"]
    assert sizes and min(sizes) >= 22
    assert all(t.textfont.size >= 22 for t in slide.data if t.text is not None and hasattr(t, "textfont"))
