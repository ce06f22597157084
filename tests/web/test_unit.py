"""The unit page's decisions (tracker.web.unit), without Streamlit running."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from tracker.core.i18n import t
from tracker.web import unit as up


def test_a_link_opens_its_unit_an_unknown_one_opens_none_and_no_link_the_first():
    units = ["bac-ninh", "lam-dong"]
    assert up.opening_index(units, "lam-dong") == (1, False)
    assert up.opening_index(units, "da-sap-nhap") == (None, True)
    assert up.opening_index(units, None) == (0, False) and up.opening_index(units, "") == (0, False)


def test_the_headline_says_of_how_many_targets_on_the_target_counts_only():
    head = {"moving_away": 1, "slow": 2, "good": 3, "unknown": 4, "overdue": 5, "done": 6, "targets": 10}
    tiles = up.headline_tiles(head, "vi")
    assert [v for _, v, _ in tiles] == [1, 2, 3, 4, 5, 6]
    assert [label for label, _, _ in tiles][:2] == [t("ov.moving_away", "vi"), t("ov.slow", "vi")]
    of = t("ov.tile_of", "vi", n=10)
    assert [h for _, _, h in tiles] == [of, of, of, of, None, None]


def test_pending_points_are_the_targets_own_by_indicator_and_sector():
    pending = pd.DataFrame({"indicator_id": ["rd", "rd", "patents"], "sector": ["", "public", ""], "value": [1, 2, 3]})
    whole = up.pending_of(pending, SimpleNamespace(indicator_id="rd", sector=None))
    assert list(whole["value"]) == [1]
    assert list(up.pending_of(pending, SimpleNamespace(indicator_id="rd", sector="public"))["value"]) == [2]
    assert up.pending_of(pending, SimpleNamespace(indicator_id="other", sector=None)) is None
    assert up.pending_of(None, SimpleNamespace(indicator_id="rd", sector=None)) is None


def test_a_phone_lists_each_task_with_its_deadline_and_last_report_as_text():
    rows = [{"status": "overdue", "name": "Đề án <A>", "due_text": "Quý IV/2025", "reported": "đang làm"},
            {"status": "done", "name": "Quy chế", "due_text": None}]
    html = up.tasks_stack_html(rows, "vi")
    assert html.startswith("<ul class='nq-stack'><li>") and html.count("<li>") == 2
    assert "Đề án &lt;A&gt;<span class='nq-v'>Quý IV/2025 · đang làm</span>" in html
    assert "Quy chế<span class='nq-v'></span>" in html
