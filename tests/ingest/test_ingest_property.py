"""Property: whatever valid values a clerk types, in whatever style, what is stored is what was typed — or the
file is refused. Never a different number.

Hypothesis writes random values (within each target's physical limits) into a genuine form, each in a random
way people write numbers: a number cell, a number cell with a rounding or grouping format, text in the
Vietnamese style ("85.000", "29,5", "85 000"), text with a percent sign or a percent-formatted cell for shares.
Fixed seed, no deadline and a bounded number of examples, so it cannot flake on two cores.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.support.forms import header as _header
from tracker.catalogue import load_catalogue
from tracker.ingest import read_form
from tracker.ingest.values import bounds
from tracker.forms.workbook import SHEET_DATA, build_form, data_rows

CAT = load_catalogue()
# A quarterly form with people, counts and sectors, and a yearly one with shares and a growth rate.
FORMS = {period: (unit, build_form(CAT, unit, period), data_rows(CAT, unit, period))
         for unit, period in (("bac-ninh", "2026-Q3"), ("bac-ninh", "2025"))}


def _vn(value: Decimal) -> str:
    """85000 → '85.000', 29.5 → '29,5' (Vietnamese grouping and decimal comma)."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    frac = frac.rstrip("0")
    return sign + grouped + ("," + frac if frac else "")


@st.composite
def typed_value(draw, ind):
    """(what to write in the cell, its number format or None, the value a person reads)."""
    b = bounds(ind)
    percent = ind.unit in ("percent", "percent_per_year")
    if b.whole:
        value = Decimal(draw(st.integers(int(max(b.low, 0)), int(min(b.high, 10_000_000)))))
    else:
        hundredths = draw(st.integers(int(b.low * 100), int(min(b.high, 1000) * 100)))
        value = Decimal(hundredths) / 100
    styles = ["number", "rounded", "text_plain", "text_vn"]
    if abs(value) >= 1000 and value == value.to_integral():
        styles.append("text_spaces")
    if percent:
        styles += ["text_percent", "percent_cell"]
    style = draw(st.sampled_from(styles))
    if style == "number":
        return float(value), None, value
    if style == "rounded":
        return float(value), draw(st.sampled_from(["0", "#,##0", "0.0", "#,##0.00"])), value
    if style == "text_plain":
        return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}", None, value
    if style == "text_vn":
        return _vn(value), None, value
    if style == "text_spaces":
        return _vn(value).replace(".", " "), None, value
    if style == "text_percent":
        return _vn(value) + draw(st.sampled_from(["%", " %"])), None, value
    return float(value / 100), draw(st.sampled_from(["0%", "0.0%", "0.00%"])), value


@st.composite
def filled_form(draw):
    period = draw(st.sampled_from(sorted(FORMS)))
    unit, blank, rows = FORMS[period]
    chosen = draw(st.lists(st.sampled_from(range(len(rows))), min_size=1, max_size=len(rows), unique=True))
    cells = {}
    for n in chosen:
        ind, sector, _ = rows[n]
        cells[(ind.id, sector)] = draw(typed_value(ind))
    return period, cells


def _write(blank: bytes, cells: dict) -> bytes:
    wb = load_workbook(io.BytesIO(blank))
    ws = wb[SHEET_DATA]
    hr, cols = _header(ws)
    where = {(ws.cell(r, cols["Mã chỉ tiêu"]).value, ws.cell(r, cols["Lĩnh vực"]).value or ""): r
             for r in range(hr + 1, ws.max_row + 1)}
    for key, (written, fmt, _) in cells.items():
        cell = ws.cell(where[key], cols["Giá trị"])
        cell.value = written
        if fmt:
            cell.number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(filled_form())
def test_stored_value_is_the_typed_value_or_the_file_is_refused(case):
    period, cells = case
    unit, blank, _ = FORMS[period]
    parsed = read_form(_write(blank, cells), "form.xlsx", CAT, today=dt.date(2026, 11, 25))
    if not parsed.ok:
        assert parsed.report.errors and parsed.observations == []
        return
    stored = {(o.indicator_id, o.sector): o.value for o in parsed.observations}
    assert set(stored) == set(cells)
    for key, (written, fmt, seen) in cells.items():
        assert stored[key] == pytest.approx(float(seen), rel=1e-12, abs=1e-12), (key, written, fmt)
