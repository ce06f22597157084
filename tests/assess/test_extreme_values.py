"""Extreme values already in the store never crash anything: status, pages, CSV, the briefing deck.

The ingest refuses values above 10^12 and non-finite ones, but older databases may hold 1e308, and
allowed values can still be awkward (0, 1e-12, growth of −99,99 %, flows whose quarters add up past
the largest float). These tests write such values straight through Store.commit, bypassing the ingest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math

import pandas as pd
import pytest

from tests.support import TODAY
from tracker.catalogue import load_catalogue
from tracker.core.i18n import fmt_number, fmt_percent, fmt_value
from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm
from tracker.assess.assessment import assess_all
from tracker.storage import Store

PERIODS = ("2024", "2025", "2026-Q1", "2026-Q2", "2026-Q3")
# One series per pattern, over PERIODS. 1e308 quarters of a flow add up to inf; −1e308 and −99,99
# are below any baseline; 0 and 1e-12 break a compound growth rate (division, log of zero).
PATTERNS = {
    "huge": (1e308, 1e12, 1e308, 1e308, 1e308),
    "zeros": (0.0, 1e-12, 0.0, 1e-12, 0.0),
    "tiny_then_big": (1e-12, 0.0, 1e12, 1e-12, 1e12),
    "growth_collapse": (-99.99, 1e12, -99.99, -99.99, 1e308),
    "negative_huge": (1e12, -1e308, 1e12, 0.0, -99.99),
    "flat_max": (1e12, 1e12, 1e12, 1e12, 1e12),
    "max_to_tiny": (1e308, 1e-12, 1e308, 1e-12, 1e-300),
}
today = dt.date.fromisoformat(TODAY)


def _observations(cat, pattern_of) -> list[Observation]:
    rows = []
    for k, ind in enumerate(i for i in cat.indicators if i.kind != "milestone"):
        values = PATTERNS[pattern_of(k)]
        sector = ind.sectors[0].id if ind.sectors else ""
        rows += [Observation(ind.id, ind.jurisdiction, p, v, sector=sector) for p, v in zip(PERIODS, values)]
    return rows


def _frame(rows: list[Observation]) -> pd.DataFrame:
    return pd.DataFrame([{"indicator_id": o.indicator_id, "unit": o.unit, "period": o.period, "sector": o.sector,
                          "value": o.value} for o in rows])


# --- number formatting -------------------------------------------------------------------------

@pytest.mark.parametrize("value, vi, en", [
    (1e308, "1 × 10³⁰⁸", "1 × 10³⁰⁸"),          # Babel raised decimal.InvalidOperation from 10^28 on
    (-1.5e20, "-1,5 × 10²⁰", "-1.5 × 10²⁰"),
    (1e12, "1.000.000.000.000", "1,000,000,000,000"),
    (1e-12, "1 × 10⁻¹²", "1 × 10⁻¹²"),          # not a false "0"
    (0.004, "0,004", "0.004"),
    (-99.99, "-99,99", "-99.99"),
    (0.0, "0", "0"),
    (-0.0, "0", "0"),
    (math.inf, "—", "—"),
    (-math.inf, "—", "—"),
    (math.nan, "—", "—"),
    (None, "—", "—"),
])
def test_fmt_number_shows_every_value_or_a_dash(value, vi, en):
    assert fmt_number(value, "vi") == vi
    assert fmt_number(value, "en") == en


def test_percent_and_value_of_a_non_finite_number_are_a_plain_dash():
    assert fmt_percent(math.inf) == "—"
    assert fmt_value(math.nan, "person") == "—"
    assert fmt_value(1e308, "percent") == "1 × 10³⁰⁸ %"


# --- the assessment itself, every indicator of the catalogue × every pattern --------------------

@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_every_target_assesses_and_explains_extreme_values(pattern):
    cat = load_catalogue()
    results = assess_all(cat, _frame(_observations(cat, lambda k: pattern)), None, today)
    numeric = [a for res in results.values() for a in res["numeric"]]
    assert len(numeric) >= 31
    for a in numeric:
        for lang in ("vi", "en"):
            text = a.explain(lang)
            assert text and "nan" not in text.lower().split() and "inf" not in text.lower().split()
        # Strict JSON: no NaN / Infinity tokens, which JSON does not have.
        json.dumps(a.to_dict(), allow_nan=False, default=str)


# --- the stored database through every consumer -------------------------------------------------

@pytest.fixture(scope="module")
def extreme_env(tmp_path_factory):
    """A database holding every pattern (spread over the targets), a task update, no demo data."""
    cat = load_catalogue()
    base = tmp_path_factory.mktemp("extreme")
    db = base / "tracker.duckdb"
    names = list(PATTERNS)
    rows = _observations(cat, lambda k: names[k % len(names)])
    task = next(i for i in cat.indicators if i.kind == "milestone")
    stones = [MilestoneUpdate(task.id, task.jurisdiction, "2026-Q3", "done", dt.date(2026, 9, 1), "QĐ 1/QĐ")]
    content = b"extreme values written past the ingest"
    parsed = ParsedForm("extreme.xlsx", hashlib.sha256(content).hexdigest(), "*", "*", "1", rows, stones)
    with Store(db, base / "archive") as store:
        store.commit(parsed, content, user="kiemthu", now=dt.datetime(2026, 10, 1, 8))
    return {"TRACKER_DB": str(db), "TRACKER_USERS": str(base / "users.toml"), "TRACKER_TODAY": TODAY}


@pytest.fixture
def extreme(extreme_env, monkeypatch):
    for k, v in extreme_env.items():
        monkeypatch.setenv(k, v)
    return extreme_env


def test_snapshot_and_summaries_of_extreme_values(extreme):
    from tracker.assess.snapshot import load_snapshot
    from tracker.present.tables import compare_series, matrix_rows, milestone_rows, milestone_table, status_table

    cat = load_catalogue()
    with Store(extreme["TRACKER_DB"]) as store:
        snap = load_snapshot(store, cat, today)
    assert snap.latest_period == "2026-Q3"
    for lang in ("vi", "en"):
        rows = matrix_rows(cat, snap, lang)
        assert len(rows) >= 31
        table = status_table(rows, lang)
        assert table and all(r for r in table)
        milestone_table(milestone_rows(cat, snap, lang), lang)
        compare_series(cat, snap, [i.id for i in cat.indicators if i.kind != "milestone"], lang)
    shown = " ".join(str(v) for r in status_table(matrix_rows(cat, snap, "vi"), "vi") for v in r.values())
    assert "10³⁰⁸" in shown and "InvalidOperation" not in shown


def test_status_and_status_json_of_extreme_values(extreme, capsys):
    from tracker.cli import main

    assert main(["status"]) == 0
    text = capsys.readouterr().out
    assert "10³⁰⁸" in text
    assert main(["status", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    values = [a["latest_value"] for res in data["units"].values() for a in res["numeric"]]
    assert 1e308 in values and 0.0 in values


@pytest.mark.parametrize("page, params", [
    ("views/overview.py", None), ("views/unit.py", {"unit": "khanh-hoa"}), ("views/unit.py", {"unit": "lam-dong"}),
    ("views/unit.py", {"unit": "bac-ninh"}), ("views/unit.py", {"unit": "can-tho"}), ("views/compare.py", None),
    ("views/milestones.py", None), ("views/history.py", None), ("views/catalogue.py", None), ("views/method.py", None),
])
def test_every_page_shows_extreme_values(extreme, page, params):
    from tests.support.pages import run

    at = run(page, params=params)   # run() asserts there was no exception
    assert not at.exception


def test_every_unit_page_and_the_overview_table_in_english(extreme):
    from tests.support.pages import run

    at = run("views/overview.py", lang="en")
    at.toggle(key="overview_table").set_value(True)
    at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) >= 31
    shown = frame["Latest value"].astype(str)
    assert shown.str.contains("10³⁰⁸").any() and shown.str.fullmatch("1,000,000,000,000").any()


def test_table_downloads_of_extreme_values_are_numbers(extreme):
    import io

    from openpyxl import load_workbook

    from tracker.present.downloads import table_csv, table_xlsx
    from tracker.assess.snapshot import load_snapshot
    from tracker.present.tables import matrix_rows, status_table

    cat = load_catalogue()
    with Store(extreme["TRACKER_DB"]) as store:
        snap = load_snapshot(store, cat, today)
    table = status_table(matrix_rows(cat, snap, "vi"), "vi")
    csv = table_csv(table).decode("utf-8-sig")
    assert "1e+308" in csv and "inf" not in csv.lower()
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert 1e308 in values
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in values)


def test_briefing_deck_of_extreme_values(extreme):
    from tracker.present.briefing.png import browser_path, close_png_renderer
    from tracker.present.briefing.deck import build_deck, slide_texts
    from tracker.assess.snapshot import load_snapshot

    cat = load_catalogue()
    with Store(extreme["TRACKER_DB"]) as store:
        snap = load_snapshot(store, cat, today)
    # Khánh Hòa holds most patterns; the charts go through Chromium when there is one, else tables.
    try:
        deck = build_deck(cat, snap, "khanh-hoa", lang="vi")
    finally:
        close_png_renderer()
    texts = "\n".join(slide_texts(deck))
    assert "Khánh Hòa" in texts and "10³⁰⁸" in texts
    assert "nan" not in texts.lower().split()
    if browser_path() is not None:
        # The charts themselves were drawn: no slide fell back to a table for want of a picture.
        assert "Không tạo được ảnh biểu đồ" not in texts
