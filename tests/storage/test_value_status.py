"""Value statuses (issue 20): estimate < preliminary < official whatever the upload order, the same rank
replaced by the later upload; the form's drop-down and its default; the bulk column; old databases."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.core.calendar import Calendar
from tracker.catalogue import load_catalogue
from tracker.forms.demo import fill_form
from tracker.ingest import read_form
from tracker.core.periods import Period
from tracker.storage import Store
from tracker.forms.workbook import SHEET_DATA, build_form

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


def installation(tmp_path, monkeypatch):
    """A database, users file and day (16/12/2026) of the test's own, for the CLI and pages to open."""
    db = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-12-16")
    return db


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

    db = installation(tmp_path, monkeypatch)
    with Store(db) as store:
        content, parsed = form(cat, 100, status="Ước tính")
        store.commit(parsed, content, user="canbo")
    assert main(["status", "--unit", "khanh-hoa", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    row = next(a for a in out["units"]["khanh-hoa"]["numeric"] if a["indicator_id"] == stock(cat).id)
    assert (row["latest_period"], row["value_status"]) == ("2026-Q4", "estimate")
    assert main(["status", "--unit", "khanh-hoa"]) == 0
    assert "đánh giá theo số ước tính" in capsys.readouterr().out


def test_history_unit_page_and_downloads_say_which_kind(tmp_path, cat, monkeypatch, capsys):
    """The history (CLI and page) lists the kind of each stored value; the unit page draws the estimate
    hollow; the overview's download has the "Loại số liệu" column (issue 20, item 4)."""
    from tests.support.pages import run as open_page
    from tracker.accounts.users import User
    from tracker.cli import main
    from tracker.present.downloads import table_csv
    from tracker.assess.snapshot import load_snapshot
    from tracker.present.tables import matrix_rows, status_table

    db = installation(tmp_path, monkeypatch)
    with Store(db) as store:
        content, parsed = form(cat, 100, status="Ước tính")
        store.commit(parsed, content, user="canbo")
        content, parsed = form(cat, 90, status="Sơ bộ")
        store.commit(parsed, content, user="canbo")   # preliminary outranks the estimate
        snap = load_snapshot(store, cat, dt.date(2026, 12, 16))
    assert snap.kind(stock(cat).id, "", "2026-Q4") == "preliminary"

    assert main(["history", "--unit", "khanh-hoa", "--indicator", stock(cat).id]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("2026-Q4")]
    assert len(lines) == 2 and "ước tính" in lines[0] and "sơ bộ" in lines[1]

    rows = status_table(matrix_rows(cat, snap, "vi", ["khanh-hoa"]), "vi")
    row = next(r for r in rows if r["Số liệu mới nhất"] == 90)
    assert row["Loại số liệu"] == "sơ bộ"
    assert {r["Loại số liệu"] for r in rows if r["Số liệu mới nhất"] is None} <= {""}
    csv = table_csv(rows).decode("utf-8-sig")
    assert "Loại số liệu" in csv.splitlines()[0] and "sơ bộ" in csv
    en = status_table(matrix_rows(cat, snap, "en", ["khanh-hoa"]), "en")
    assert next(r for r in en if r["Latest value"] == 90)["Value status"] == "preliminary"

    hist = open_page("views/history.py", User("quantri", "admin", (), ""))
    hist.selectbox(key="hist_ind").set_value(stock(cat).id)
    hist.run()
    values = next(d.value for d in hist.dataframe if "Giá trị" in d.value.columns)   # the value's revisions
    assert sorted(values["Loại số liệu"]) == ["sơ bộ", "ước tính"]

    unit = open_page("views/unit.py", None, params={"unit": "khanh-hoa"})
    import json

    specs = [json.loads(c.proto.spec) for c in unit.get("plotly_chart")]
    drawn = [s for s in specs if any("diamond-cross" in str(tr.get("marker", {}).get("symbol")) for tr in s["data"])]
    assert drawn and "90 " in str(drawn[0]["data"][0]["text"]) and "(sơ bộ)" in str(drawn[0]["data"][0]["text"])


def test_the_snapshot_forgets_an_estimate_once_the_official_figure_is_in(tmp_path, cat):
    """The incremental update (only the touched units assessed again) keeps the kinds of the others and
    takes the touched unit's afresh: February's official figure replaces December's estimate."""
    from tracker.assess.snapshot import build_snapshot

    ind = stock(cat).id
    with Store(tmp_path / "k.duckdb") as store:
        other_unit = "bac-ninh"   # Bắc Giang's graduates target, reported by its successor
        other_ind = cat.indicator("bac-giang.university-graduates")
        other = fill_form(build_form(cat, other_unit, "2026-Q4", window=ND09.window(Period(2026, 4))), {(other_ind.id, ""): 5})
        other_parsed = read_form(other, "nq45_bac-ninh_2026-Q4.xlsx", cat, today=dt.date(2026, 12, 16), calendar=ND09)
        assert other_parsed.ok, other_parsed.report.render()
        store.commit(other_parsed, other, user="canbo.ld", now=dt.datetime(2026, 12, 16, 3))
        content, parsed = form(cat, 100, status="Ước tính")
        store.commit(parsed, content, user="canbo", now=dt.datetime(2026, 12, 16, 4))
        before = build_snapshot(store, cat, dt.date(2027, 2, 10))
        assert before.kind(ind, "", "2026-Q4") == "estimate" and before.kind(ind, "", "2026") == "estimate"
        assert before.kind(other_ind.id, "", "2026-Q4") == "estimate"     # the nd09 default of a Q4 form
        content, parsed = form(cat, 111, status="Chính thức")
        store.commit(parsed, content, user="canbo", now=dt.datetime(2027, 2, 10, 4))
        after = build_snapshot(store, cat, dt.date(2027, 2, 10), previous=before)
    assert after.results["bac-ninh"] is before.results["bac-ninh"]     # the incremental path: Bắc Ninh reused
    assert after is not before and after.kind(ind, "", "2026-Q4") is None and after.kind(ind, "", "2026") is None
    assert after.kind(other_ind.id, "", "2026-Q4") == "estimate"         # kept: Bắc Ninh was not touched


def test_postgres_gives_the_snapshot_the_same_kinds(pg_url, cat):
    """The PostgreSQL store's current values carry value_status too: the snapshot reads the same kinds."""
    from tracker.assess.snapshot import build_snapshot

    with Store(pg_url) as store:
        content, parsed = form(cat, 100, status="Ước tính")
        store.commit(parsed, content, user="canbo", now=dt.datetime(2026, 12, 16, 4))
        snap = build_snapshot(store, cat, dt.date(2026, 12, 16))
        assert snap.kind(stock(cat).id, "", "2026-Q4") == "estimate"
        content, parsed = form(cat, 111, status="Chính thức")
        store.commit(parsed, content, user="canbo", now=dt.datetime(2027, 2, 10, 4))
        assert build_snapshot(store, cat, dt.date(2027, 2, 10), previous=snap).kind(stock(cat).id, "", "2026-Q4") is None
