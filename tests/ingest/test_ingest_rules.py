"""No silent wrong value: forms filled the way real offices fill them (issue 10, one section per class).

Each case is a genuine form, changed as a clerk would change it, and the test asserts either the exact
values stored or the exact refusal (code, sheet, row, column). LibreOffice-saved .ods/.xls cases are
committed fixtures (tests/fixtures/libreoffice, see test_ingest_cells.py for the facts read from them).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.support.forms import fill, read
from tests.support.forms import header as _header
from tests.support.forms import row_of as _row_of
from tracker.catalogue import load_catalogue
from tracker.ingest import read_form
from tracker.ingest.container import check_container
from tracker.ingest.issues import CappedIssues
from tracker.core.report import ValidationReport
from tracker.forms.workbook import SHEET_DATA, SHEET_INSTRUCTIONS, SHEET_META, SHEET_MILESTONES, build_bulk_form, build_form

UNIT = "bac-ninh"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def form(cat):
    return build_form(cat, UNIT, "2026-Q3")


def _ind(cat, predicate, unit=UNIT, period="2026-Q3"):
    from tracker.forms.workbook import data_rows

    for ind, sector, _ in data_rows(cat, unit, period):
        if not sector and predicate(ind):
            return ind
    pytest.skip("no such target")


@pytest.fixture(scope="module")
def people(cat):
    return _ind(cat, lambda i: i.kind == "stock" and i.unit == "person")


@pytest.fixture(scope="module")
def count(cat, people):
    return _ind(cat, lambda i: i.unit in ("person", "enterprise", "paper", "patent", "work") and i.id != people.id)


@pytest.fixture(scope="module")
def share_form(cat):
    """A yearly form with a share (unit %) target."""
    for unit in cat.reporting_units():
        ind = next((i for i in cat.indicators_for(unit)
                    if i.unit == "percent" and i.reporting_frequency == "year" and not i.sectors and i.is_numeric), None)
        if ind:
            return unit, build_form(cat, unit, "2025"), ind
    pytest.skip("no yearly share")


def errors(parsed) -> list[tuple]:
    return [(i.code, i.sheet, i.row, i.column) for i in parsed.report.errors]


def one_error(parsed, code: str):
    errs = parsed.report.errors
    assert [e.code for e in errs] == [code], parsed.report.render()
    assert parsed.observations == [] and parsed.milestones == []
    return errs[0]


def _value_col(ws) -> int:
    _, cols = _header(ws)
    return cols["Giá trị"]


# --- 1. percent cells ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, typed, stored", [("0.0%", 0.295, 29.5), ("0%", 0.3, 30.0), ("0.00%", 0.0525, 5.25)])
def test_percent_formatted_share_stores_the_percentage_a_person_sees(cat, share_form, fmt, typed, stored):
    unit, blank, share = share_form

    def edit(wb):
        ws = wb[SHEET_DATA]
        ws.cell(_row_of(ws, share.id), _value_col(ws)).number_format = fmt

    parsed = read(fill(blank, {(share.id, ""): typed}, edit=edit), cat)
    assert parsed.ok, parsed.report.render()
    assert parsed.observations[0].value == pytest.approx(stored)


def test_rounding_format_stores_the_full_value(cat, share_form):
    unit, blank, share = share_form

    def edit(wb):
        ws = wb[SHEET_DATA]
        ws.cell(_row_of(ws, share.id), _value_col(ws)).number_format = "0"

    parsed = read(fill(blank, {(share.id, ""): 29.46}, edit=edit), cat)
    assert parsed.ok and parsed.observations[0].value == 29.46


@pytest.mark.parametrize("fmt", ["0%", '#,##0"%"', "#,##0,", '0.0,,"tr"', "dd/mm/yyyy"])
def test_format_that_changes_what_a_count_shows_is_refused(cat, form, people, fmt):
    def edit(wb):
        ws = wb[SHEET_DATA]
        ws.cell(_row_of(ws, people.id), _value_col(ws)).number_format = fmt

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    issue = one_error(parsed, "misleading_format")
    assert (issue.sheet, issue.row, issue.column) == (SHEET_DATA, _row_of(load_workbook(io.BytesIO(form))[SHEET_DATA], people.id),
                                                      "G (Giá trị)")
    assert people.id in issue.message_vi


# --- 2. which column is the value ---------------------------------------------------------------------------

def _insert_column(header: str, values: dict[str, float], at_value: bool = True):
    """A clerk's working column inserted just left of the value column, filled with their own figures."""
    def edit(wb):
        ws = wb[SHEET_DATA]
        hr, cols = _header(ws)
        col = cols["Giá trị"]
        ws.insert_cols(col)
        ws.cell(hr, col).value = header
        for code, v in values.items():
            ws.cell(_row_of(ws, code), col).value = v
    return edit


def test_clerk_column_that_reads_as_a_value_header_is_ambiguous(cat, form, people):
    content = fill(form, {(people.id, ""): 85000}, edit=_insert_column("Số liệu (quý trước)", {people.id: 80000}))
    issue = one_error(read(content, cat), "ambiguous_column")
    assert issue.sheet == SHEET_DATA and issue.row == 4 and issue.column.startswith("G")  # the clerk's column
    assert "Số liệu (quý trước)" in issue.message_vi and "Giá trị" in issue.message_vi


@pytest.mark.parametrize("header", ["Ước tính của phòng", "Kỳ này (nháp)", ""])
def test_clerk_working_column_with_another_header_is_left_alone(cat, form, people, header):
    content = fill(form, {(people.id, ""): 85000}, edit=_insert_column(header, {people.id: 80000}))
    parsed = read(content, cat)
    assert parsed.ok, parsed.report.render()
    assert [(o.indicator_id, o.value) for o in parsed.observations] == [(people.id, 85000)]


def test_copied_value_column_carries_a_second_marker(cat, form, people):
    def edit(wb):
        ws = wb[SHEET_DATA]
        hr, cols = _header(ws)
        col = cols["Giá trị"]
        ws.insert_cols(col + 1)
        for r in range(1, ws.max_row + 1):       # copy/paste of the whole column, hidden marker included
            ws.cell(r, col + 1).value = ws.cell(r, col).value
        ws.cell(hr, col + 1).value = "Giá trị quý trước"
        ws.cell(_row_of(ws, people.id), col + 1).value = 80000

    issue = one_error(read(fill(form, {(people.id, ""): 85000}, edit=edit), cat), "ambiguous_column")
    assert issue.row == 4 and issue.column == "H"


def _as_version_1(wb):
    """A form as downloaded before the marker row: no markers, version 1 in the metadata."""
    for name in (SHEET_DATA, SHEET_MILESTONES):
        wb[name].delete_rows(3)
    meta = wb[SHEET_META]
    for row in meta.iter_rows():
        if row[0].value == "form_version":
            row[1].value = "1"
        if row[0].value == "frequency":
            row[1].value = None
            row[0].value = None
    for row in wb[SHEET_INSTRUCTIONS].iter_rows():
        if row[0].value == "Phiên bản biểu mẫu":
            row[1].value = "1"


def test_old_form_without_markers_is_still_read_by_its_labels(cat, form, people):
    parsed = read(fill(form, {(people.id, ""): 85000}, edit=_as_version_1), cat)
    assert parsed.ok, parsed.report.render()
    assert parsed.form_version == "1" and parsed.observations[0].value == 85000


def test_old_form_with_a_second_value_column_says_download_a_new_form(cat, form, people):
    def edit(wb):
        _as_version_1(wb)
        _insert_column("Số liệu (quý trước)", {people.id: 80000})(wb)

    issue = one_error(read(fill(form, {(people.id, ""): 85000}, edit=edit), cat), "ambiguous_column")
    assert "Tải biểu mẫu mới" in issue.message_vi and issue.row == 3


# --- 3. which sheet is the data -----------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Số liệu (2)", "Copy of Số liệu", "Nháp"])
def test_copied_sheet_with_figures_is_ambiguous(cat, form, people, title):
    def edit(wb):
        wb.security = None
        copy = wb.copy_worksheet(wb[SHEET_DATA])
        copy.title = title
        wb.move_sheet(copy, offset=-(len(wb.sheetnames) - 2))   # placed before the real one
        copy.cell(_row_of(copy, people.id), _value_col(copy)).value = 70000

    content = fill(form, {(people.id, ""): 85000}, edit=edit)
    assert load_workbook(io.BytesIO(content)).sheetnames.index(title) < load_workbook(io.BytesIO(content)).sheetnames.index(SHEET_DATA)
    issue = one_error(read(content, cat), "ambiguous_sheet")
    assert SHEET_DATA in issue.message_vi and title in issue.message_vi and issue.sheet == title


def test_empty_copy_of_the_sheet_is_harmless(cat, form, people):
    def edit(wb):
        copy = wb.copy_worksheet(wb[SHEET_DATA])
        copy.title = "Số liệu (2)"
        copy.cell(_row_of(copy, people.id), _value_col(copy)).value = None

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    assert parsed.ok and [o.value for o in parsed.observations] == [85000]


def test_renamed_data_sheet_is_not_guessed(cat, form, people):
    def edit(wb):
        wb[SHEET_DATA].title = "Số liệu Q3"

    issue = one_error(read(fill(form, {(people.id, ""): 85000}, edit=edit), cat), "ambiguous_sheet")
    assert "Số liệu Q3" in issue.message_vi


# --- 4. frequency vs period -------------------------------------------------------------------------------------

def _set_period(hidden: str | None = None, visible_code: str | None = None, visible_label: str | None = None):
    def edit(wb):
        if hidden is not None:
            for row in wb[SHEET_META].iter_rows():
                if row[0].value == "period":
                    row[1].value = hidden
        for row in wb[SHEET_INSTRUCTIONS].iter_rows():
            if row[0].value == "Mã kỳ báo cáo" and visible_code is not None:
                row[1].value = visible_code
            if row[0].value == "Kỳ báo cáo" and visible_label is not None:
                row[1].value = visible_label
    return edit


def test_quarter_form_relabelled_as_a_year_is_refused(cat, form, people):
    content = fill(form, {(people.id, ""): 85000}, edit=_set_period("2025", "2025", "Năm 2025"))
    issue = one_error(read(content, cat), "wrong_frequency")
    assert issue.sheet == SHEET_META and "Năm 2025" in issue.message_vi


def test_visible_period_changed_alone_is_refused(cat, form, people):
    issue = one_error(read(fill(form, {(people.id, ""): 85000}, edit=_set_period(visible_label="Quý II/2026")), cat),
                      "period_mismatch")
    assert "Quý II/2026" in issue.message_vi and "Quý III/2026" in issue.message_vi
    issue = one_error(read(fill(form, {(people.id, ""): 85000}, edit=_set_period(visible_code="2026-Q2")), cat),
                      "period_mismatch")


def test_old_form_relabelled_as_a_year_is_refused_row_by_row(cat, form, people):
    def edit(wb):
        _as_version_1(wb)
        _set_period("2025", "2025", "Năm 2025")(wb)

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    issue = one_error(parsed, "wrong_frequency")
    assert issue.sheet == SHEET_DATA and issue.row == _row_of(load_workbook(io.BytesIO(form))[SHEET_DATA], people.id) - 1


# --- 5. magnitudes -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, code", [
    (1e308, "out_of_range"), (1e13, "out_of_range"), (1e9, "out_of_range"), (85000.5, "out_of_range"),
    ("1e308", "not_a_number"), (float("inf"), "not_a_number"), (-3, "negative_value"),
])
def test_physical_limits_of_a_count_of_people(cat, form, people, value, code):
    def edit(wb):
        if value == float("inf"):
            ws = wb[SHEET_DATA]
            ws.cell(_row_of(ws, people.id), _value_col(ws)).value = "∞"

    issue = one_error(read(fill(form, {(people.id, ""): value if value != float("inf") else None}, edit=edit), cat), code)
    assert issue.sheet == SHEET_DATA and issue.column == "G (Giá trị)"


@pytest.mark.parametrize("value, ok", [(-150, False), (1500, False), (-99.5, True), (850, True)])
def test_growth_rates_between_minus_100_and_1000(cat, value, ok):
    for unit in cat.reporting_units():
        growth = next((i for i in cat.indicators_for(unit) if i.kind == "growth" and i.reporting_frequency == "year"), None)
        if growth:
            parsed = read(fill(build_form(cat, unit, "2025"), {(growth.id, ""): value}), cat)
            assert parsed.ok is ok, parsed.report.render()
            if ok:
                assert parsed.observations[0].value == value
            else:
                assert [e.code for e in parsed.report.errors] == ["out_of_range"]
            return
    pytest.skip("no growth target")


def test_share_outside_0_100(cat, share_form):
    unit, blank, share = share_form
    assert one_error(read(fill(blank, {(share.id, ""): 100.5}), cat), "over_100_percent")
    assert one_error(read(fill(blank, {(share.id, ""): -0.5}), cat), "negative_value")


def test_value_ten_times_the_target_is_a_warning_to_confirm(cat, form, people):
    parsed = read(fill(form, {(people.id, ""): people.target.value * 12}), cat)
    assert parsed.ok and [w.code for w in parsed.report.warnings] == ["implausible_value"]
    assert parsed.report.warnings[0].column == "G (Giá trị)"


# --- 6. error cells ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shown", ["#DIV/0!", "#N/A", "#REF!", "#VALUE!"])
def test_error_cell_is_refused_naming_it(cat, form, people, shown):
    def edit(wb):
        ws = wb[SHEET_DATA]
        cell = ws.cell(_row_of(ws, people.id), _value_col(ws))
        cell.value = shown
        assert cell.data_type == "e"

    parsed = read(fill(form, edit=edit), cat)
    issue = one_error(parsed, "error_cell")
    assert shown in issue.message_vi and people.id in issue.message_vi and issue.column == "G (Giá trị)"


def test_error_cell_among_good_values_refuses_the_file(cat, form, people, count):
    def edit(wb):
        ws = wb[SHEET_DATA]
        ws.cell(_row_of(ws, count.id), _value_col(ws)).value = "#DIV/0!"

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    assert [e.code for e in parsed.report.errors] == ["error_cell"] and parsed.observations == []


# --- 7. merged cells -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("span", ["value2rows", "value+note", "code2rows"])
def test_merged_cells_over_values_are_refused(cat, form, people, span):
    def edit(wb):
        ws = wb[SHEET_DATA]
        r, c = _row_of(ws, people.id), _value_col(ws)
        if span == "value2rows":
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
        elif span == "value+note":
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + 1)
        else:
            ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    issue = one_error(parsed, "merged_cell")
    assert issue.sheet == SHEET_DATA and issue.row == _row_of(load_workbook(io.BytesIO(form))[SHEET_DATA], people.id)


# --- 8. oversized text ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column, size, ok", [("Ghi chú", 60_000, False), ("Nguồn số liệu", 2_001, False), ("Ghi chú", 2_000, True)])
def test_text_fields_are_capped(cat, form, people, column, size, ok):
    def edit(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        ws.cell(_row_of(ws, people.id), cols[column]).value = "x" * size

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    if ok:
        assert parsed.ok and len(parsed.observations[0].note) == size
    else:
        issue = one_error(parsed, "text_too_long")
        assert column in issue.message_vi and issue.column.endswith(f"({column})")


def test_evidence_of_a_task_is_capped(cat, form):
    import datetime as dt

    from tests.support.forms import header

    def edit(wb):
        ms = wb[SHEET_MILESTONES]
        hr, cols = header(ms)
        ms.cell(hr + 1, cols["Trạng thái"]).value = "Đang thực hiện"
        ms.cell(hr + 1, cols["Minh chứng"]).value = "y" * 5000

    issue = one_error(read(fill(form, edit=edit), cat), "text_too_long")
    assert issue.sheet == SHEET_MILESTONES and dt  # the task sheet is named


# --- 10. large files ---------------------------------------------------------------------------------------------------

def test_percent_cell_deep_in_a_big_bulk_file_is_seen(cat):
    """Over 8 MB of sheet XML (past the old 5 MB scan limit): a percent cell in the last row still counts."""
    share = next(i for i in cat.indicators if i.unit == "percent" and i.is_numeric and not i.sectors)
    people = next(i for i in cat.indicators if i.unit == "person" and i.kind == "stock" and not i.sectors)
    content = build_bulk_form([(people.id, people.jurisdiction, "2025", "", 85000.0)], lang="vi")
    wb = load_workbook(io.BytesIO(content))
    ws = wb[SHEET_DATA]
    for n in range(30_000):      # rows a clerk left without a value (skipped), with a working note
        ws.append([people.id, None, people.jurisdiction, "2024", None, f"chưa có số liệu, dòng {n}, chờ cục thống kê"])
    ws.append([share.id, None, share.jurisdiction, "2025", 0.295])
    ws.cell(ws.max_row, 5).number_format = "0.0%"
    big = io.BytesIO()
    wb.save(big)
    with zipfile.ZipFile(io.BytesIO(big.getvalue())) as zf:
        assert max(i.file_size for i in zf.infolist()) > 5_000_000
    parsed = read_form(big.getvalue(), "bulk.xlsx", cat, today=__import__("datetime").date(2026, 11, 25))
    assert parsed.ok, parsed.report.render()[:500]
    assert {o.indicator_id: o.value for o in parsed.observations} == {people.id: 85000, share.id: pytest.approx(29.5)}


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_bombs_are_judged_by_ratio_and_a_generous_cap():
    import os

    def verdict(content, **kw):
        issues = CappedIssues(ValidationReport())
        kind = check_container(content, "x.xlsx", issues, max_bytes=50_000_000, **kw)
        return kind, [i.code for i in issues.report.issues]

    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * 60_000_000})
    assert verdict(bomb) == (None, ["zip_bomb"])
    # big but packed like real XML (about 2 to one) is a real file, not a bomb; only the absolute cap stops it
    real = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": os.urandom(1_500_000).hex().encode() * 8})
    assert verdict(real) == ("xlsx", [])
    assert verdict(real, max_uncompressed=20_000_000) == (None, ["zip_bomb"])


# --- every refusal leaves the database as it was -----------------------------------------------------------------

def test_refused_files_of_every_class_leave_the_database_unchanged(cat, form, people, tmp_path, monkeypatch):
    """Through the real CLI: one accepted upload, then one refused file per class; nothing changes."""
    from tracker.cli import main
    from tracker.storage import Store

    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "t.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-10-15")

    def state():
        with Store(tmp_path / "t.duckdb") as store:
            return (len(store.submissions()), store.observation_count(), store.last_change(),
                    store.current_values().to_dict("records"))

    good = tmp_path / "good.xlsx"
    good.write_bytes(fill(form, {(people.id, ""): 85000}))
    assert main(["ingest", str(good)]) == 0
    before = state()

    def in_cell(value, fmt=None):
        def edit(wb):
            ws = wb[SHEET_DATA]
            cell = ws.cell(_row_of(ws, people.id), _value_col(ws))
            cell.value = value
            if fmt:
                cell.number_format = fmt
        return edit

    def merged(wb):
        ws = wb[SHEET_DATA]
        r = _row_of(ws, people.id)
        ws.merge_cells(start_row=r, start_column=_value_col(ws), end_row=r + 1, end_column=_value_col(ws))

    def long_note(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        ws.cell(_row_of(ws, people.id), cols["Ghi chú"]).value = "x" * 60_000

    def copied_sheet(wb):
        copy = wb.copy_worksheet(wb[SHEET_DATA])
        copy.title = "Số liệu (2)"

    refused = {
        "misleading_format": in_cell(86000, "#,##0,"),
        "ambiguous_column": _insert_column("Số liệu (quý trước)", {people.id: 80000}),
        "ambiguous_sheet": copied_sheet,
        "wrong_frequency": _set_period("2025", "2025", "Năm 2025"),
        "period_mismatch": _set_period(visible_label="Quý II/2026"),
        "out_of_range": in_cell(1e308),
        "error_cell": in_cell("#DIV/0!"),
        "merged_cell": merged,
        "text_too_long": long_note,
    }
    for code, edit in refused.items():
        path = tmp_path / f"{code}.xlsx"
        path.write_bytes(fill(form, {(people.id, ""): 86000}, edit=edit))
        assert main(["ingest", str(path)]) == 1, code
        assert state() == before, code


# --- the area a figure covers (issue 11: inherited targets) ------------------------------------------------------

@pytest.mark.parametrize("shown, stored", [(None, "target"), ("Địa bàn của chỉ tiêu", "target"),
                                           ("Không tách được số liệu địa bàn cũ (số của cả đơn vị)", "whole")])
def test_inherited_target_records_the_area_its_figure_covers(cat, form, people, shown, stored):
    def edit(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        ws.cell(_row_of(ws, people.id), cols["Phạm vi số liệu"]).value = shown

    parsed = read(fill(form, {(people.id, ""): 85000}, edit=edit), cat)
    assert parsed.ok, parsed.report.render()
    assert [(o.indicator_id, o.territory) for o in parsed.observations] == [(people.id, stored)]


def test_unknown_area_is_refused(cat, form, people):
    def edit(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        ws.cell(_row_of(ws, people.id), cols["Phạm vi số liệu"]).value = "cả tỉnh mới"

    issue = one_error(read(fill(form, {(people.id, ""): 85000}, edit=edit), cat), "bad_scope")
    assert issue.column.endswith("(Phạm vi số liệu)")


def test_figures_for_a_replaced_target_are_refused_with_the_new_id(cat):
    """An old form still lists a target corrected since (a new id); its figure must not land on the old id."""
    retired = next((i for i in cat.indicators if i.retired and i.is_numeric and not i.sectors), None)
    if retired is None:
        pytest.skip("no retired numeric target")
    from tracker.core.periods import parse_period
    period = "2025" if retired.reporting_frequency == "year" else "2025-Q3"
    unit = cat.current_unit(retired.jurisdiction) if parse_period(period).start() > (cat.jurisdictions[retired.jurisdiction].valid_to or __import__("datetime").date.max) else retired.jurisdiction
    content = build_bulk_form([(retired.id, unit, period, "", 5.0)])
    parsed = read_form(content, "bulk.xlsx", cat, today=__import__("datetime").date(2026, 11, 25))
    issue = one_error(parsed, "retired_indicator")
    assert retired.replaced_by in issue.message_vi


# --- whole numbers for every count (issue 23, item 7) ---------------------------------------------------------------

def test_a_fraction_of_inventions_is_refused_naming_the_cell(cat, form):
    inventions = _ind(cat, lambda i: i.unit == "invention")
    parsed = read(fill(form, {(inventions.id, ""): 7.83}), cat)
    issue = one_error(parsed, "out_of_range")
    row = _row_of(load_workbook(io.BytesIO(form))[SHEET_DATA], inventions.id)
    assert issue.sheet == SHEET_DATA and issue.row == row and issue.column == "G (Giá trị)"
    assert issue.message_vi.startswith("Giá trị 7,83 không phải số nguyên")
    assert inventions.name.vi in issue.message_vi and "phát minh" in issue.message_vi
    from tracker.core.report import sentences

    said = sentences(parsed.report, "vi", lambda i: cat.indicator(i).name.vi if cat.has_indicator(i) else None)
    assert said[0].text.startswith(f"Trang “Số liệu”, ô G{row} (cột Giá trị): giá trị 7,83 không phải số nguyên")
    assert "inventions" in issue.message_en
    assert read(fill(form, {(inventions.id, ""): 8}), cat).ok


@pytest.mark.parametrize("unit", ["person", "enterprise", "paper", "patent", "work", "invention"])
def test_every_count_is_whole_in_the_checks(cat, unit):
    from tracker.ingest.values import bounds, fast_ok

    ind = next((i for i in cat.indicators if i.unit == unit and i.kind != "growth"), None)
    if ind is None:
        pytest.skip(f"no {unit} target")
    assert bounds(ind).whole and not fast_ok(2.5, ind) and fast_ok(3.0, ind)
