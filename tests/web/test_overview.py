"""The overview page's decisions and HTML (tracker.web.overview), without Streamlit running."""

from __future__ import annotations

from types import SimpleNamespace

from tracker.web import overview as ov


def test_presenting_steps_through_every_part_from_the_chosen_province():
    steps = ov.present_steps(["a", "b", "c"], {"a": 1, "b": 2, "c": 0}.get)
    assert steps == [("a", 0), ("b", 0), ("b", 1)]            # c has nothing to draw: no screen
    assert ov.first_step(steps, "b") == 1
    assert ov.first_step(steps, "c") == 0 and ov.first_step(steps, None) == 0


def test_as_of_offers_the_latest_period_first_even_when_no_quarter_reported_it():
    assert ov.as_of_choices(["2026-Q3", "2026-Q2"], "2026-Q3") == ["2026-Q3", "2026-Q2"]
    assert ov.as_of_choices(["2026-Q2"], "2026") == ["2026", "2026-Q2"]


def test_the_province_shown_is_the_chosen_one_else_the_default_and_an_unknown_link_is_left_alone():
    units = ["bac-ninh", "khanh-hoa", "lam-dong"]
    assert ov.unit_index(units, "lam-dong", ["khanh-hoa"]) == 2
    assert ov.unit_index(units, "nowhere", ["khanh-hoa"]) == 1
    assert ov.unit_index(units, None, []) == 0
    # ?unit=nowhere: the default shown in its place is not a choice, so the link keeps what it said.
    assert not ov.keeps_choice("khanh-hoa", "nowhere", units, ["khanh-hoa"])
    assert ov.keeps_choice("bac-ninh", "nowhere", units, ["khanh-hoa"])     # picked in the box
    assert ov.keeps_choice("khanh-hoa", "khanh-hoa", units, ["khanh-hoa"])
    assert not ov.keeps_choice(None, None, [], [])


def test_tile_changes_are_against_the_quarter_before_or_none():
    counts = {"slow": 4, "good": 7}
    assert ov.deltas(counts, {"slow": 6, "good": 5}) == {"slow": -2, "good": 2}
    assert ov.deltas(counts, None) == {"slow": None, "good": None}


ROW = {"icon": "🔴", "unit": "khanh-hoa", "link": "/dia-phuong?unit=khanh-hoa#c-x", "target_name": "R&D <b>chi</b>",
       "status_label": "Đi ngược", "latest_text": "0,4 %", "status": "moving_away", "unit_name": "Khánh *Hòa*",
       "target_text": "2 %", "gap_text": "1,6", "rate_text": "—", "reason": "số liệu giảm"}


def test_worst_items_and_entries_show_names_as_text_never_markup():
    html = ov.worst_html([ROW], lambda u: "Khánh Hòa <i>")
    assert html.startswith("<ul class='nq-worst'><li>🔴 <b>Khánh Hòa &lt;i&gt;</b>")
    assert "R&amp;D &lt;b&gt;chi&lt;/b&gt;</a> — Đi ngược, 0,4 %" in html
    heading = ov.entry_heading(ROW, "vi")
    assert "**Khánh \\*Hòa\\***" in heading and "<b>chi" not in heading
    facts = ov.entry_facts_html(ROW, "vi")
    assert facts.count("<div><b>") == 4 and "<b>Mục tiêu</b>2 %" in facts
    assert ov.reason_sentence("số liệu giảm") == "Số liệu giảm."


def test_a_card_lists_directions_and_overdue_tasks_only_where_there_are_some():
    icons = {"moving_away": "🔴", "off_track": "🟠", "on_track": "🟢", "too_little_data": "⚪"}
    card = {"moving_away": 1, "slow": 2, "good": 3, "unknown": 0, "direction": 0, "direction_right": 0,
            "direction_wrong": 0, "overdue": 0}
    assert ov.card_lines(card, icons, "vi") == ["🔴 Đi ngược mục tiêu: **1**", "🟠 Chậm / cần tăng tốc: **2**",
                                                "🟢 Đã đạt / đúng tiến độ: **3**", "⚪ Chưa đủ số liệu: **0**"]
    more = ov.card_lines(card | {"direction": 3, "direction_right": 2, "direction_wrong": 1, "overdue": 2}, icons, "en")
    assert len(more) == 6 and "↗ 2 · ↘ 1 / 3" in more[4] and more[5].endswith("**2**")


def test_a_change_line_names_the_unit_the_target_and_both_statuses():
    before, after = SimpleNamespace(status="on_track"), SimpleNamespace(status="off_track", indicator_id="rd", sector=None)
    lines = ov.change_lines([("khanh-hoa", before, after)], str.upper, lambda i, s: f"T:{i}", str.title)
    assert lines == ["- **KHANH-HOA** — T:rd: On_Track → **Off_Track**"]


MATRIX = {"units": [("a", "Tỉnh A"), ("b", "Tỉnh <B>")],
          "rows": [("Chi R&D", {"a": {"link": "/x?unit=a", "target": "2 % <2030>", "status": "on_track", "value": "1,2"}}),
                   ("Sáng chế", {"b": {"link": "/x?unit=b", "target": "10", "status": "no_data", "value": ""}})]}


def test_the_matrix_has_a_cell_per_unit_and_the_phone_list_only_the_units_with_a_target():
    wide = ov.matrix_html(MATRIX, "vi")
    assert "<th>Tỉnh &lt;B&gt;</th>" in wide and "<td>Chi R&amp;D</td>" in wide
    assert wide.count("<td></td>") == 2                                   # a and b each miss one target
    assert "title='2 % &lt;2030&gt;'" in wide and "<div class='nq-v'>1,2</div>" in wide
    phone = ov.matrix_stack_html(MATRIX, "vi")
    assert phone.count("<span class='nq-v'>") == 2
    assert "Tỉnh A: 1,2</a>" in phone and "Tỉnh &lt;B&gt;</a>" in phone    # no ": " without a value
