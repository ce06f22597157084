"""The bulk reader's columns change nothing: a file read with plain rows taken a column at a time gives the
same observations, in the same order, and the same report, issue for issue and in the same order, as the
same file read with every filled row through the row-by-row checks (bulk.ONE_BY_ONE_ONLY). The files mix
plain rows with every kind of row the checks refuse or warn about, placed before and after plain rows
that share their key, unit or period. Jumps are also checked against a plain-Python reading of
values.jump in file order and in period order. And the store writes ObservationRows as it writes a list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.support.forms import read
from tracker.catalogue import load_catalogue
from tracker.ingest import bulk
from tracker.ingest.layout import text
from tracker.ingest.values import jump
from tracker.core.observation import Observation, ObservationRows, ParsedForm
from tracker.storage import Store
from tracker.forms.workbook import SHEET_DATA, build_bulk_form


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def _pick(cat, unit, predicate):
    for ind in cat.reportable_indicators_for(unit):
        if predicate(ind):
            return ind
    pytest.skip("no such target in the catalogue")


def _both_ways(monkeypatch, content, cat, **kw):
    fast = read(content, cat, name="bulk.xlsx", **kw)
    with monkeypatch.context() as m:
        m.setattr(bulk, "ONE_BY_ONE_ONLY", True)
        slow = read(content, cat, name="bulk.xlsx", **kw)
    return fast, slow


def _same(fast, slow):
    assert fast.report.issues == slow.report.issues
    assert list(fast.observations) == list(slow.observations)
    assert [type(v) for o in fast.observations for v in (o.value, o.note)] == \
        [type(v) for o in slow.observations for v in (o.value, o.note)]


def _edit(content: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    edit(wb[SHEET_DATA])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _mixed_rows(cat):
    unit = "khanh-hoa"
    quarterly = lambda i: i.reporting_frequency == "quarter" and not i.is_milestone and not i.sectors  # noqa: E731
    stock = _pick(cat, unit, lambda i: quarterly(i) and i.kind == "stock" and not i.unit.startswith("percent"))
    flow = _pick(cat, unit, lambda i: quarterly(i) and i.kind == "flow" and i.id != stock.id)
    counted = _pick(cat, unit, lambda i: quarterly(i) and bulk.bounds(i).whole)
    other = next(i for i in cat.indicators if i.jurisdiction != unit and not i.is_milestone)
    return unit, stock, flow, counted, other, [
        (stock.id, unit, "2025-Q1", "", 100.0),                 # plain
        (stock.id, unit, "2025-Q2", "", "110"),                  # text: one by one
        (stock.id, unit, "2025-Q3", "", 400.0),                  # plain, a jump from the text row's value
        (stock.id, unit, "2025-Q1", "", "100"),                  # a text duplicate of a plain row before it
        (flow.id, unit, "2025-Q1", "", "4"),                     # text, then a plain duplicate after it
        (flow.id, unit, "2025-Q1", "", 4.0),
        (flow.id, unit, "quý 9", "", 5.0),                       # not a period, said once
        (flow.id, unit, "quý 9", "", 6.0),
        (flow.id, unit, " 2025-Q2 ", "", 7.0),                   # a period with spaces around it
        (flow.id, "ha-noi", "2025-Q3", "", 1.0),                 # unknown unit
        (other.id, unit, "2025-Q3", "", 1.0),                    # another unit's target
        (stock.id, unit, "2025-Q4", "", -1.0),                   # negative
        (counted.id, unit, "2024-Q1", "", 7.83),                 # a fraction of a count
        (flow.id, unit, "2026-Q4", "", 1.0),                     # not ended
        (flow.id, unit, "2024-Q4", "", ""),                      # blank: skipped
        (flow.id, unit, "2024-Q3", "", "   "),                   # blank text: skipped
        (flow.id, unit, "2024-Q2", "", "90.000"),                # Vietnamese text
        ("", unit, "2024-Q1", "", 3.0),                          # no code
    ] + [(flow.id, unit, f"{y}-Q{k}", "", float(10 + (y * 4 + k) % 9 * 40)) for y in (2020, 2021) for k in (1, 2, 3, 4)]


def test_mixed_file_reads_the_same_both_ways(cat, monkeypatch):
    unit, stock, flow, counted, other, rows = _mixed_rows(cat)
    fast, slow = _both_ways(monkeypatch, build_bulk_form(rows), cat)
    _same(fast, slow)
    codes = {i.code for i in fast.report.issues}
    assert {"duplicate_indicator", "bad_period", "wrong_unit", "indicator_not_for_unit", "negative_value",
            "out_of_range", "period_not_ended", "unknown_indicator", "implausible_jump"} <= codes
    assert [i.row for i in fast.report.issues if i.code == "duplicate_indicator"] == [5, 7]
    assert [i.row for i in fast.report.issues if i.code == "bad_period"] == [8]


def test_file_without_errors_reads_the_same_both_ways(cat, monkeypatch):
    unit, stock, flow, counted, other, rows = _mixed_rows(cat)
    good = [r for k, r in enumerate(rows) if k in (0, 1, 2, 8, 16) or k >= 18]
    fast, slow = _both_ways(monkeypatch, build_bulk_form(good), cat, previous={stock.id: 20.0, flow.id: 1.0})
    _same(fast, slow)
    assert fast.ok and isinstance(fast.observations, ObservationRows)
    assert [o.period for o in fast.observations][:4] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q2"]
    assert fast.observations[1].value == 110.0 and fast.observations[4].value == 90000.0


def test_formats_hidden_rows_notes_and_kinds_read_the_same_both_ways(cat, monkeypatch):
    unit, stock, flow, counted, other, rows = _mixed_rows(cat)
    good = [r for k, r in enumerate(rows) if k in (0, 2, 8) or k >= 18]

    def edit(ws):
        ws.cell(1, 8).value = "Loại số liệu"
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 8).value = "Chính thức" if r % 3 else "Ước tính"
        ws.cell(5, 8).value = "đoán"                               # not a kind of figure
        ws.cell(6, 8).value = None                                 # blank: official
        ws.cell(3, 5).number_format = "0%"                         # a percent format on a count
        ws.row_dimensions[7].hidden = True                         # a hidden row with a value
        ws.cell(8, 6).value = "x" * 2001                           # a note too long
        ws.cell(9, 6).value = "  nguồn: Cục Thống kê  "            # a note kept stripped
        ws.cell(10, 1).value = 12345                               # a number where a code is
    fast, slow = _both_ways(monkeypatch, _edit(build_bulk_form(good), edit), cat)
    _same(fast, slow)
    codes = {i.code for i in fast.report.issues}
    assert {"bad_value_status", "misleading_format", "unseen_value", "text_too_long", "unknown_indicator"} <= codes


def test_another_units_rows_said_once_both_ways(cat, monkeypatch):
    unit, stock, flow, counted, other, rows = _mixed_rows(cat)
    fast, slow = _both_ways(monkeypatch, build_bulk_form(rows[:3] + rows[18:]), cat, expected_units={"bac-ninh"})
    _same(fast, slow)
    assert [i.code for i in fast.report.errors] == ["wrong_unit"]


@pytest.mark.parametrize("cells", [
    ["a", " a", "b ", "a", "\u00a0b", "", "  ", "c"],              # all text: read by Arrow, stripped after
    ["a", 1.0, "1", True, 1, None, " a", dt.date(2025, 1, 1)],     # not all text: each cell on its own
    ["a", "\ud800", " a"],                                         # a lone surrogate, which is no UTF-8
    ["x"] * 5,
])
def test_a_column_reads_each_cell_as_the_checks_do(cells):
    """_Read, by Arrow or by pandas: each row's value is its cell as the checks read it (text stripped,
    anything else through text()), the values distinct, and the cells as written kept for their length."""
    column = bulk._Read(cells)
    read_as = [c.strip() if c.__class__ is str else text(c) for c in cells]
    assert [column.values[i] for i in column.ids] == read_as
    assert len(set(column.values)) == len(column.values)
    written = [column.raw[i] for i in column.raw_ids]
    assert written == cells and [type(c) for c in written] == [type(c) for c in cells]


def _reference_jump_rows(rows, cat):
    """Rows (1-based, header first) warned for a jump, read as the row-by-row reader did."""
    from tracker.core.periods import parse_period

    inds = {i.id: i for i in cat.indicators}
    keyed = [(code, unit, parse_period(p), v, n + 2) for n, (code, unit, p, _, v) in enumerate(rows)]
    last, ordered, warned = {}, True, []
    for code, unit, p, v, row in keyed:
        before = last.get((code, unit))
        if before is not None and not before[0] < p:
            ordered = False
            break
        if before is not None and jump(v, before[1], inds[code].unit):
            warned.append(row)
        last[(code, unit)] = (p, v)
    if ordered:
        return warned
    last, warned = {}, []
    for code, unit, p, v, row in sorted(keyed, key=lambda k: k[2].sort_key()):
        before = last.get((code, unit))
        if before is not None and jump(v, before[1], inds[code].unit):
            warned.append(row)
        last[(code, unit)] = (p, v)
    return warned


@pytest.mark.parametrize("shuffled", [False, True])
def test_jumps_as_values_jump_says(cat, shuffled):
    usable = [i for i in cat.indicators if not i.is_milestone and not i.sectors and i.assessable
              and not cat.jurisdictions[i.jurisdiction].valid_to]
    shares = [i for i in usable if i.unit.startswith("percent")][:2]
    targets = [i for i in usable if not i.unit.startswith("percent") and i.reporting_frequency == "quarter"][:2] + shares
    assert len(shares) == 2

    def period(ind, k):
        return f"{1990 + k // 4}-Q{k % 4 + 1}" if ind.reporting_frequency == "quarter" else str(1960 + k)

    rng = random.Random(45)
    rows = []
    # at the edges of values.jump: ×3 exactly and just past it, 20 points and just past, 10 apart and under, from 0.
    # (The numpy mask only picks candidates; values.jump_warning decides, so a looser mask is caught by nothing.)
    edges = {False: [100, 300, 100, 301, 1000, 333, 1000, 334, 0, 50, 5, 14, 5, 16, 2000, 6100],
             True: [10, 30, 10, 31, 50, 70, 50, 70.5, 1, 3, 1, 3.5, 0.5, 10, 60, 80]}
    edges[False] += [4, 14, 4, 13]
    for ind in targets:
        b = bulk.bounds(ind)
        high = min(b.high, 100.0 if ind.unit.startswith("percent") else 5000.0)
        values = [float(v) for v in edges[ind.unit.startswith("percent")]]
        values += [rng.choice([rng.uniform(max(b.low, 0), high), rng.choice([0.0, 1.0, 2.0, 50.0, high])])
                   for _ in range(40)]
        rows += [(ind.id, ind.jurisdiction, period(ind, k), "", float(round(v)) if b.whole else round(v, 2))
                 for k, v in enumerate(values)]
    if shuffled:
        rng.shuffle(rows)
    parsed = read(build_bulk_form(rows), cat, name="bulk.xlsx")
    assert parsed.ok, parsed.report.render()
    warned = [i.row for i in parsed.report.issues if i.code == "implausible_jump"]
    assert warned == _reference_jump_rows(rows, cat) and warned


def test_store_writes_observation_rows_as_a_list(tmp_path):
    observations = [Observation(f"ind{k % 7}", f"unit{k % 3}", f"{2020 + k % 5}-Q{k % 4 + 1}", float(k), sector="",
                                note=f"n{k}" if k % 2 else "", value_status="estimate" if k % 5 == 0 else "official")
                    for k in range(200)]
    columns = {f: [getattr(o, f) for o in observations] for f in ObservationRows.FIELDS}
    stored = []
    coded = {f: pd.Categorical(v) if f != "value" else v for f, v in columns.items()}   # as the bulk reader keeps text
    for label, rows in (("list", observations), ("columns", ObservationRows(columns)),
                        ("categorical", ObservationRows(coded))):
        content = label.encode()
        parsed = ParsedForm(f"{label}.xlsx", hashlib.sha256(content).hexdigest(), "*", "*", "2", rows)
        with Store(tmp_path / f"{label}.duckdb", tmp_path / label) as store:
            assert store.commit(parsed, content, user="u").observations == 200
            frame = store.current_observations().drop(columns=["submission_id", "recorded_at", "uploaded_by"])
            stored.append(frame.sort_values(["indicator_id", "unit", "period"]).reset_index(drop=True))
    assert stored[0].equals(stored[1]) and stored[0].equals(stored[2])
    assert list(ObservationRows(coded)) == observations
    for bad in (dict(columns, value=[float("nan")] + columns["value"][1:]),
                dict(coded, unit=pd.Categorical([""] + columns["unit"][1:]))):
        with Store(tmp_path / "bad.duckdb", tmp_path / "bad") as store, pytest.raises(ValueError):
            store.commit(ParsedForm("bad.xlsx", hashlib.sha256(b"bad").hexdigest(), "*", "*", "2", ObservationRows(bad)),
                         b"bad", user="u")


def test_postgres_writes_a_bulk_file_as_duckdb_does(cat, tmp_path, pg_url):
    """A bulk file read into Categorical columns, committed into PostgreSQL (COPY of their values) and
    into DuckDB: the same current values."""
    unit, stock, flow, counted, other, rows = _mixed_rows(cat)
    good = [r for k, r in enumerate(rows) if k in (0, 1, 2, 8, 16) or k >= 18]
    content = build_bulk_form(good)
    parsed = read(content, cat, name="bulk.xlsx")
    assert parsed.ok and isinstance(parsed.observations.columns["unit"], pd.Categorical)
    stored = []
    for target in (pg_url, tmp_path / "bulk.duckdb"):
        with Store(target, tmp_path / "archive") as store:
            assert store.commit(parsed, content, user="u").observations == len(good)
            frame = store.current_observations()[["indicator_id", "unit", "period", "sector", "value", "note"]]
            stored.append(frame.sort_values(["indicator_id", "period"]).reset_index(drop=True))
    assert stored[0].equals(stored[1])
