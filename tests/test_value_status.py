"""Value statuses (issue 20): estimate < preliminary < official whatever the upload order, the same rank
replaced by the later upload; the form's drop-down and its default; the bulk column; old databases."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.calendar import Calendar
from tracker.catalogue import load_catalogue
from tracker.demo import fill_form
from tracker.ingest import read_form
from tracker.periods import Period
from tracker.store import Store
from tracker.workbook import SHEET_DATA, build_form

ND09 = Calendar()


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def stock(cat):
    return next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)


def set_status(label: str):
    def edit(wb):
        ws = wb[SHEET_DATA]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "Loại số liệu":
                    col, header = cell.column, cell.row
                    for r in range(header + 1, ws.max_row + 1):
                        ws.cell(r, col).value = label
                    return
    return edit


def form(cat, value: float, *, window=None, status: str | None = None) -> tuple[bytes, object]:
    from openpyxl import load_workbook
    import io

    content = fill_form(build_form(cat, "khanh-hoa", "2026-Q4", window=window), {(stock(cat).id, ""): value})
    if status is not None:
        wb = load_workbook(io.BytesIO(content))
        set_status(status)(wb)
        out = io.BytesIO()
        wb.save(out)
        content = out.getvalue()
    parsed = read_form(content, "nq45_khanh-hoa_2026-Q4.xlsx", cat, today=dt.date(2027, 2, 10), calendar=ND09)
    return content, parsed


def current(store, cat):
    frame = store.current_observations(units=["khanh-hoa"])
    row = frame[(frame["indicator_id"] == stock(cat).id) & (frame["period"] == "2026-Q4")].iloc[0]
    values = store.current_values(units=["khanh-hoa"])
    fast = values[(values["indicator_id"] == stock(cat).id) & (values["period"] == "2026-Q4")].iloc[0]
    assert (fast["value"], fast["value_status"]) == (row["value"], row["value_status"])   # both reads agree
    return row["value"], row["value_status"]


def test_form_default_follows_the_window(cat):
    _, nd09 = form(cat, 10, window=ND09.window(Period(2026, 4)))
    assert {o.value_status for o in nd09.observations} == {"estimate"}      # window closes 14/12, before 31/12
    _, after = form(cat, 10, window=Calendar("calendar").window(Period(2026, 4)))
    assert {o.value_status for o in after.observations} == {"official"}
    _, bad = form(cat, 10, status="đoán")
    assert [i.code for i in bad.report.errors] == ["bad_value_status"] and bad.report.errors[0].column


def test_official_outranks_estimates_whatever_the_order(tmp_path, cat):
    with Store(tmp_path / "t.duckdb") as store:
        def commit(value, status, day):
            content, parsed = form(cat, value, status=status)
            assert parsed.ok, parsed.report.render()
            store.commit(parsed, content, user="canbo", now=dt.datetime(*day))

        commit(100, "Ước tính", (2026, 12, 16))
        assert current(store, cat) == (100, "estimate")
        commit(105, "Ước tính", (2026, 12, 17))                # same rank: the later replaces
        assert current(store, cat) == (105, "estimate")
        commit(111, "Chính thức", (2027, 2, 10))                 # February: the official figure
        assert current(store, cat) == (111, "official")
        commit(120, "Sơ bộ", (2027, 2, 11))                      # a later preliminary does not displace it
        assert current(store, cat) == (111, "official")
        history = store.value_history(stock(cat).id, "khanh-hoa", "2026-Q4")
        assert list(history["value_status"]) == ["estimate", "estimate", "official", "preliminary"]


def test_an_old_database_reads_its_values_as_official(tmp_path, cat):
    import duckdb

    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        content, parsed = form(cat, 7, status="Chính thức")
        store.commit(parsed, content, user="canbo")
    con = duckdb.connect(str(db))
    last = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    con.execute("UPDATE observations SET value_status = NULL")
    con.execute("ALTER TABLE observations DROP COLUMN value_status")
    # Issue 21's step came after this one: the database is made as it stood before both.
    for column in ("approval", "decided_by", "decided_at", "decision_reason", "agency"):
        con.execute(f"ALTER TABLE submissions DROP COLUMN {column}")
    con.execute("DELETE FROM schema_version WHERE version >= ?", [last - 1])
    con.close()
    with Store(db) as store:
        assert current(store, cat) == (7, "official")


def test_status_says_which_kind_of_figure(tmp_path, cat, monkeypatch, capsys):
    import json

    from tracker.cli import main

    db = tmp_path / "s.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-12-16")
    with Store(db) as store:
        content, parsed = form(cat, 100, status="Ước tính")
        store.commit(parsed, content, user="canbo")
    assert main(["status", "--unit", "khanh-hoa", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    row = next(a for a in out["units"]["khanh-hoa"]["numeric"] if a["indicator_id"] == stock(cat).id)
    assert (row["latest_period"], row["value_status"]) == ("2026-Q4", "estimate")
    assert main(["status", "--unit", "khanh-hoa"]) == 0
    assert "đánh giá theo số ước tính" in capsys.readouterr().out
