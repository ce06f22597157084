"""Staff text leaving the dashboard: never a live formula in a CSV, an Excel file or a slide table, never
Markdown or HTML on a page; numbers in downloads stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.support import ROOT
from tracker.present.downloads import is_formula_like, safe_text, table_csv, table_frame, table_xlsx

CRAFTED = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '  =HYPERLINK("http://x")', "\t=1", "\r=1", "=cmd|' /C calc'!A0",
           "\u00a0=1+1", "-1+cmd|' /C calc'!A0"]
HARMLESS = ["Quyết định 12/QĐ", "-3,2", "+5 %", "-1.470", "", "a = b", "Nộp nhầm kỳ"]
REASON = "![x](http://127.0.0.1:9/p.png) **bold** <img src=x>"


def _viewer():
    from tracker.accounts.users import User

    return User("lanhdao", "viewer", (), "")


VIEWER = _viewer()


def _table():
    rows = [{"Ghi chú": text, "Giá trị": -3.2, "Số ngày trễ": 789, "Ngày": dt.date(2026, 9, 30)} for text in CRAFTED]
    rows.append({"Ghi chú": "bình thường", "Giá trị": None, "Số ngày trễ": None, "Ngày": None})
    return rows


@pytest.mark.parametrize("text", CRAFTED)
def test_formula_like_text_gets_a_leading_quote(text):
    assert is_formula_like(text)
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_and_numbers_written_as_text_are_left_alone(text):
    assert safe_text(text) == text


def test_csv_neutralises_text_and_keeps_numbers_numeric():
    content = table_csv(_table())
    assert content.startswith("\ufeff".encode())            # BOM: Excel reads the diacritics
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Ghi chú", "Giá trị", "Số ngày trễ", "Ngày"]
    notes = [r[0] for r in rows[1:-1]]
    assert notes == ["'" + t for t in CRAFTED]
    assert all(r[1] == "-3.2" for r in rows[1:-1])            # a number, not text, not quoted
    assert all(r[2] == "789" for r in rows[1:-1])             # whole numbers without ".0"
    assert rows[1][3] == "2026-09-30"
    assert rows[-1] == ["bình thường", "", "", ""]


def test_xlsx_writes_text_as_string_cells_and_numbers_as_numbers():
    content = table_xlsx(_table())
    sheet = load_workbook(io.BytesIO(content)).active
    body = list(sheet.iter_rows(min_row=2, max_row=len(CRAFTED) + 1))
    for row, text in zip(body, CRAFTED):
        note, value, days, day = row
        assert (note.value, note.data_type) == ("'" + text, "s")
        assert (value.value, value.data_type) == (-3.2, "n")
        assert (days.value, days.data_type) == (789, "n")
        assert day.is_date and day.value.date() == dt.date(2026, 9, 30)
    # Not one formula anywhere in the file.
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert sheet.freeze_panes == "A2"


def test_xlsx_is_written_even_with_characters_xml_cannot_hold():
    sheet = load_workbook(io.BytesIO(table_xlsx([{"Ghi chú": "a\x01b\x1fc", "n": 1}]))).active
    assert sheet["A2"].value == "abc"


def test_non_finite_numbers_become_empty_cells_not_broken_files():
    rows = [{"v": float("inf")}, {"v": float("nan")}, {"v": 1e308}, {"v": 0.5}]
    read = list(csv.reader(io.StringIO(table_csv(rows).decode("utf-8-sig"), newline="")))
    assert read == [["v"], [""], [""], ["1e+308"], ["0.5"]]
    sheet = load_workbook(io.BytesIO(table_xlsx(rows))).active
    assert [c.value for c in sheet["A"]] == ["v", None, None, 1e308, 0.5]


def test_a_header_that_looks_like_a_formula_is_neutralised_too():
    assert list(table_frame([{"=1+1": "x"}]).columns) == ["'=1+1"]


def test_no_page_writes_a_table_file_on_its_own():
    """Every CSV / Excel table download goes through tracker.present.downloads (via widgets.downloads), in
    every folder of the package."""
    offenders = []
    for path in list((ROOT / "views").glob("*.py")) + list((ROOT / "tracker").rglob("*.py")):
        if path == ROOT / "tracker" / "present" / "downloads.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.to_csv\(|\.to_excel\(|csv\.writer\(", text):
            offenders.append(path.name)
    assert not offenders


# --- the briefing deck ---------------------------------------------------------------------------

def test_deck_tables_neutralise_formula_like_text_and_keep_negative_numbers_readable():
    from tests.support import TODAY
    from tracker.present.briefing.deck import build_deck, slide_texts
    from tracker.catalogue import parse_catalogue
    from tracker.assess.assessment import assess_all
    from tracker.assess.snapshot import Snapshot, latest_period

    doc = {"id": "kh-doc", "jurisdiction": "khanh-hoa", "issuer": "Tỉnh ủy Khánh Hòa", "kind": "Chương trình hành động",
           "number": "45-CTr/TU", "date": "2024-03-01", "title": "Chương trình", "file": "khanh_hoa_ctr_45.txt"}
    base = {"jurisdiction": "khanh-hoa", "document": "kh-doc", "section": "II.2", "quote": "Câu trích dẫn đủ dài cho kiểm tra."}
    cat = parse_catalogue({
        "jurisdictions": [{"id": "khanh-hoa", "name": {"vi": "Khánh Hòa", "en": "Khanh Hoa"}, "level": "province"}],
        "documents": [doc],
        "indicators": [
            dict(base, id="khanh-hoa.growth", name={"vi": "=HYPERLINK(\"http://x\")", "en": "=HYPERLINK(\"http://x\")"},
                 kind="growth", unit="percent_per_year", target={"comparator": ">=", "value": 7, "year": 2030}),
            dict(base, id="khanh-hoa.task-00", kind="milestone", unit="task", name={"vi": "@cmd nhiệm vụ", "en": "@cmd task"},
                 target={"due": "2025-06-30"}),
        ]})
    import pandas as pd

    obs = pd.DataFrame([{"indicator_id": "khanh-hoa.growth", "unit": "khanh-hoa", "period": p, "sector": "", "value": v}
                        for p, v in (("2024", 1.0), ("2025", -3.2))])
    milestones = pd.DataFrame([{"indicator_id": "khanh-hoa.task-00", "unit": "khanh-hoa", "period": "2026-Q2",
                                "status": "done", "completed_on": dt.date(2025, 5, 2), "evidence": "Quyết định 1/QĐ"}])
    reported = {"khanh-hoa": set(obs["period"])}
    today = dt.date.fromisoformat(TODAY)
    snap = Snapshot(results=assess_all(cat, obs, milestones, today), latest_period=latest_period(reported),
                    demo=False, reported=reported, today=today)
    deck = build_deck(cat, snap, "khanh-hoa", made_on=dt.date(2026, 10, 16))
    texts = slide_texts(deck)
    summary = next(t for t in texts if "Tổng hợp các chỉ tiêu" in t)   # the progress picture comes first
    tasks = "\n".join(t for t in texts if "Nhiệm vụ có thời hạn" in t)
    assert "'=HYPERLINK(\"http://x\")" in summary
    assert "\u22123,2 %/năm" in summary and "'-3,2" not in summary and "'\u2212" not in summary
    assert "'@cmd nhiệm vụ" in tasks


# --- pages: staff text is shown as typed -----------------------------------------------------------

@pytest.fixture
def hostile_env(tmp_path, monkeypatch):
    """A database with one submission carrying hostile text everywhere, withdrawn with a Markdown reason."""
    from tests.support import TODAY
    from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm
    from tracker.storage import Store

    env = {"TRACKER_DB": str(tmp_path / "hostile.duckdb"), "TRACKER_USERS": str(tmp_path / "users.toml"),
           "TRACKER_TODAY": TODAY}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    content = b"hostile"
    parsed = ParsedForm('=HYPERLINK("http://x").xlsx', hashlib.sha256(content).hexdigest(), "khanh-hoa", "2026-Q3", "1",
                        [Observation("khanh-hoa.st-enterprises", "khanh-hoa", "2026-Q3", 40.0, note="=1+1")],
                        [MilestoneUpdate("khanh-hoa.startup-centre", "khanh-hoa", "2026-Q3", "in_progress", None, "@cmd")])
    with Store(env["TRACKER_DB"], tmp_path / "archive") as store:
        sid = store.commit(parsed, content, user="@cmd", now=dt.datetime(2026, 10, 1, 8)).submission_id
        store.withdraw(sid, user="quantri", reason=REASON, now=dt.datetime(2026, 10, 2, 8))
    return env


def _markdown_sources(at) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] \
        + [w.value for w in at.warning] + [e.value for e in at.error] + [s.value for s in at.success]


def test_history_shows_a_withdrawal_reason_literally(hostile_env):
    from tests.support.pages import run

    at = run("views/history.py", user=VIEWER)   # names and reasons are for signed-in users
    frame = at.dataframe[0].value
    row = frame.iloc[0]
    assert row["Lý do rút"] == REASON and row["Người rút"] == "quantri"
    assert row["Người nộp"] == "@cmd" and row["Tệp"] == '=HYPERLINK("http://x").xlsx'
    assert row["Đơn vị"] == "Khánh Hòa"
    # The sentence under the chosen submission is plain text (st.text), not Markdown.
    assert any(REASON in t.value for t in at.text)
    assert not any("](http" in s or "<img" in s for s in _markdown_sources(at))


def test_history_value_table_has_names_and_numbers(hostile_env):
    from tests.support.pages import run

    at = run("views/history.py", user=VIEWER)   # names and reasons are for signed-in users
    at.selectbox(key="hist_ind").set_value("khanh-hoa.st-enterprises")
    at.run()
    view = at.dataframe[-1].value
    row = view.iloc[0]
    assert row["Đơn vị"] == "Khánh Hòa" and row["Kỳ"] == "Quý III/2026"
    assert row["Giá trị"] == "40" and row["Đơn vị tính"] == "doanh nghiệp" and row["Ghi chú"] == "=1+1"


def test_signed_in_user_name_is_escaped_in_the_sidebar(hostile_env):
    """User names may hold '_' and '.', which Markdown reads ('a.__b__' would show a bold b)."""
    from tests.support.pages import run
    from tracker.accounts.users import User
    from tracker.web.widgets import plain

    at = run("views/history.py", user=User("a.__b__", "viewer", (), ""))
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert plain("a.__b__") == r"a\.\_\_b\_\_" and plain("a.__b__") in sidebar


def test_plain_escapes_markdown_and_html():
    from tracker.web.widgets import plain

    out = plain(REASON)
    assert "<img" not in out and "](" not in out and "**" not in out
    # Each escape is a backslash before the character, so the rendered text reads as typed.
    assert re.sub(r"\\(.)", r"\1", out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == REASON


# --- tables: numbers as numbers, names not codes, most urgent first --------------------------------

def test_milestone_table_keeps_days_late_whole_on_screen_and_in_the_download(seeded_env):
    from tests.support.pages import run

    at = run("views/milestones.py")
    frame = at.dataframe[0].value
    assert str(frame["Số ngày trễ"].dtype) == "Int64"          # whole days, never float64's "789.0"
    assert frame["Số ngày trễ"].notna().any()
    assert hasattr(frame["Ngày đến hạn"].dropna().iloc[0], "year")   # a date, shown as dd/mm/yyyy


def test_status_table_has_value_unit_period_columns_sorted_by_severity(seeded_env):
    from tracker.catalogue import load_catalogue
    from tracker.core.periods import today
    from tracker.assess.snapshot import load_snapshot
    from tracker.storage import Store
    from tracker.core.statuses import NUMERIC_ORDER
    from tracker.present.tables import matrix_rows, status_table

    cat = load_catalogue()
    with Store(seeded_env["TRACKER_DB"]) as store:
        snap = load_snapshot(store, cat, today())
    rows = matrix_rows(cat, snap, "vi")
    table = status_table(rows, "vi")
    order = [NUMERIC_ORDER.index(r["status"]) for r in sorted(rows, key=lambda r: NUMERIC_ORDER.index(r["status"]))]
    labels = [r["Tình trạng"] for r in table]
    from tracker.assess.judge import status_label

    assert labels == [status_label(NUMERIC_ORDER[k], "vi") for k in order]
    with_value = [r for r in table if r["Số liệu mới nhất"] is not None]
    assert with_value and all(isinstance(r["Số liệu mới nhất"], float) for r in with_value)
    assert all(r["Đơn vị tính"] and re.fullmatch(r"(Quý [IV]+/|Năm )\d{4}", r["Kỳ số liệu"]) for r in with_value)
    csv_rows = list(csv.DictReader(io.StringIO(table_csv(table).decode("utf-8-sig"), newline="")))
    assert all(not re.search(r"\d\.0$", row["Năm mục tiêu"]) for row in csv_rows)   # 2030, not 2030.0
    assert {row["Địa phương"] for row in csv_rows} <= {r["unit_name"] for r in rows}   # names, not codes
    float(csv_rows[0]["Số liệu mới nhất"] or 0)                                          # a number a sheet reads
