"""The Excel form: sheets, rows per target and sector, locked codes, drop-downs, print setup, bulk form."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.support.forms import header as _header
from tracker.catalogue import load_catalogue
from tracker.forms.workbook import (FORM_VERSION, SHEET_DATA, SHEET_INSTRUCTIONS, SHEET_META, SHEET_MILESTONES,
                              build_bulk_form, build_form, data_rows, form_filename)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def _codes(ws) -> list[tuple[str, str]]:
    hr, cols = _header(ws)
    out = []
    for r in range(hr + 1, ws.max_row + 1):
        code = ws.cell(r, cols["Mã chỉ tiêu"]).value
        if code:
            sector = ws.cell(r, cols["Lĩnh vực"]).value if "Lĩnh vực" in cols else None
            out.append((code, sector or ""))
    return out


def _unit_with(cat, predicate):
    for unit in cat.reporting_units():
        if any(predicate(i) for i in cat.indicators_for(unit)):
            return unit
    pytest.skip("no unit with such a target in the catalogue")


def test_filename():
    assert form_filename("bac-ninh", "2026-Q3") == "nq45_bac-ninh_2026-Q3.xlsx"
    assert form_filename("khanh-hoa", "2025") == "nq45_khanh-hoa_2025.xlsx"
    assert form_filename("khanh-hoa", "Quý III/2026") == "nq45_khanh-hoa_2026-Q3.xlsx"


def test_sheets_and_hidden_metadata(cat):
    wb = _open(build_form(cat, "khanh-hoa", "2026-Q3"))
    assert wb.sheetnames == [SHEET_INSTRUCTIONS, SHEET_DATA, SHEET_MILESTONES, SHEET_META]
    meta = wb[SHEET_META]
    assert meta.sheet_state == "veryHidden"
    values = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert values["form"] == "nq45" and values["unit"] == "khanh-hoa" and values["period"] == "2026-Q3"
    assert values["form_version"] == FORM_VERSION and values["created_at"]
    # the instructions sheet carries a visible copy of unit and period, and an English line
    text = [c for row in wb[SHEET_INSTRUCTIONS].iter_rows(values_only=True) for c in row if c]
    assert "khanh-hoa" in text and "2026-Q3" in text
    assert any(str(t).startswith("English:") for t in text)
    assert wb.security.lockStructure


def test_quarter_form_has_one_row_per_quarterly_target_and_sector(cat):
    unit = "bac-ninh"
    wb = _open(build_form(cat, unit, "2026-Q3"))
    codes = _codes(wb[SHEET_DATA])
    expected = []
    for ind in cat.reportable_indicators_for(unit):
        if (ind.is_numeric or ind.kind == "direction") and ind.reporting_frequency == "quarter":
            expected += [(ind.id, s.id) for s in ind.sectors] or [(ind.id, "")]
    assert codes == expected and codes
    assert len(set(codes)) == len(codes)
    # milestones are on their own sheet, never among the numbers
    assert not any(cat.indicator(c).is_milestone for c, _ in codes)
    stones = [c for c, _ in _codes(wb[SHEET_MILESTONES])]
    assert stones == [i.id for i in cat.reportable_indicators_for(unit) if i.is_milestone and i.reporting_frequency == "quarter"]
    # replaced targets and goals no statistic measures are never asked for
    asked = {c for c, _ in codes} | set(stones)
    assert not any(cat.indicator(c).retired or not cat.indicator(c).measurable for c in asked)
    assert any(i.retired for i in cat.indicators_for(unit))


def test_successor_gets_inherited_targets(cat):
    inherited = [i.id for i in cat.indicators_for("bac-ninh") if i.jurisdiction == "bac-giang"]
    assert inherited
    wb = _open(build_form(cat, "bac-ninh", "2026-Q3"))
    codes = {c for c, _ in _codes(wb[SHEET_DATA])} | {c for c, _ in _codes(wb[SHEET_MILESTONES])}
    assert "bac-giang.university-graduates" in codes
    assert codes <= set(inherited) | {i.id for i in cat.own_indicators("bac-ninh")}
    title = wb[SHEET_DATA]["A1"].value
    assert "Bắc Ninh" in title and "Quý III/2026" in title and "45-NQ/TW" in title


def test_per_sector_target_gets_a_row_per_sector(cat):
    unit = _unit_with(cat, lambda i: bool(i.sectors) and i.reporting_frequency == "quarter")
    ind = next(i for i in cat.indicators_for(unit) if i.sectors and i.reporting_frequency == "quarter")
    codes = _codes(_open(build_form(cat, unit, "2026-Q3"))[SHEET_DATA])
    assert [s for c, s in codes if c == ind.id] == [s.id for s in ind.sectors]


def test_year_form_carries_yearly_targets_only(cat):
    unit = _unit_with(cat, lambda i: i.reporting_frequency == "year" and not i.is_milestone)
    codes = _codes(_open(build_form(cat, unit, "2025"))[SHEET_DATA])
    assert codes
    assert all(cat.indicator(c).reporting_frequency == "year" for c, _ in codes)
    assert {c for c, _ in codes} == {i.id for i in cat.reportable_indicators_for(unit)
                                     if (i.is_numeric or i.kind == "direction") and i.reporting_frequency == "year"}


def test_columns_locking_and_validation(cat):
    unit = "bac-ninh"
    ws = _open(build_form(cat, unit, "2026-Q3", previous={"bac-giang.university-graduates": 81234}))[SHEET_DATA]
    hr, cols = _header(ws)
    assert list(cols) == ["Mã chỉ tiêu", "Lĩnh vực", "Tên chỉ tiêu", "Đơn vị tính", "Mục tiêu 2030", "Kỳ trước",
                          "Giá trị", "Loại số liệu", "Phạm vi số liệu", "Ghi chú", "Nguồn số liệu"]
    assert ws.cell(hr, 1).font.b and ws.cell(hr, 1).fill.fgColor.rgb.endswith("1F4E78")
    assert ws.freeze_panes and int(ws.freeze_panes.lstrip("ABCDEFGHIJ")) == hr + 1
    assert ws.protection.sheet and not ws.protection.password
    row = next(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, 1).value == "bac-giang.university-graduates")
    assert ws.cell(row, cols["Kỳ trước"]).value == 81234
    assert "90.000" in ws.cell(row, cols["Mục tiêu 2030"]).value
    assert ws.cell(row, cols["Mã chỉ tiêu"]).protection.locked
    assert ws.cell(row, cols["Kỳ trước"]).protection.locked
    for label in ("Giá trị", "Loại số liệu", "Phạm vi số liệu", "Ghi chú", "Nguồn số liệu"):
        assert not ws.cell(row, cols[label]).protection.locked
    # the kind of figure: a drop-down, official for a form made without a report window
    assert ws.cell(row, cols["Loại số liệu"]).value == "Chính thức"
    status_letter = ws.cell(row, cols["Loại số liệu"]).column_letter
    assert any(f"{status_letter}{row}" in dv.sqref and "Ước tính" in dv.formula1 for dv in ws.data_validations.dataValidation)
    # an inherited target asks for the old area's figure, and offers "not separable"
    assert "địa bàn tỉnh Bắc Giang cũ" in ws.cell(row, cols["Tên chỉ tiêu"]).value
    assert ws.cell(row, cols["Phạm vi số liệu"]).value == "Địa bàn của chỉ tiêu"
    scope_letter = ws.cell(row, cols["Phạm vi số liệu"]).column_letter
    assert any(f"{scope_letter}{row}" in dv.sqref and "Không tách được" in dv.formula1
               for dv in ws.data_validations.dataValidation)
    value_letter = ws.cell(row, cols["Giá trị"]).column_letter
    rules = [dv for dv in ws.data_validations.dataValidation if f"{value_letter}{row}" in dv.sqref]
    assert len(rules) == 1 and rules[0].type == "whole" and rules[0].formula1 == "0"
    # the print setup: landscape, one page wide, header repeated
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${hr}:${hr}"


def test_percent_rows_are_validated_up_to_100(cat):
    unit = _unit_with(cat, lambda i: i.unit == "percent" and i.reporting_frequency == "year")
    ws = _open(build_form(cat, unit, "2025"))[SHEET_DATA]
    hr, cols = _header(ws)
    checked = 0
    for r in range(hr + 1, ws.max_row + 1):
        if not ws.cell(r, 1).value:       # the signature block below the rows
            continue
        ind = cat.indicator(ws.cell(r, 1).value)
        ref = f"{ws.cell(r, cols['Giá trị']).column_letter}{r}"
        rule = next(dv for dv in ws.data_validations.dataValidation if ref in dv.sqref)
        if ind.unit == "percent":
            assert (rule.formula1, rule.formula2) == ("0", "100")
            checked += 1
    assert checked


def test_milestone_sheet_has_status_list_and_date_check(cat):
    ws = _open(build_form(cat, "khanh-hoa", "2026-Q3"))[SHEET_MILESTONES]
    hr, cols = _header(ws)
    for label in ("Tên nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Trạng thái", "Ngày hoàn thành", "Minh chứng"):
        assert label in cols
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert rules["list"].formula1 == '"Chưa thực hiện,Đang thực hiện,Hoàn thành"'
    status_ref = f"{ws.cell(hr + 1, cols['Trạng thái']).column_letter}{hr + 1}"
    assert status_ref in rules["list"].sqref
    assert rules["date"].type == "date"
    assert not ws.cell(hr + 1, cols["Trạng thái"]).protection.locked
    assert ws.cell(hr + 1, cols["Mã chỉ tiêu"]).protection.locked
    assert ws.page_setup.orientation == "landscape"


def test_title_is_merged_above_the_header(cat):
    ws = _open(build_form(cat, "khanh-hoa", "2026-Q3"))[SHEET_DATA]
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    assert "Khánh Hòa" in ws["A1"].value and "Quý III/2026" in ws["A1"].value


def test_english_form(cat):
    ws = _open(build_form(cat, "khanh-hoa", "2026-Q3", lang="en"))[SHEET_DATA]
    labels = [c.value for c in ws[4]]
    assert labels[0] == "Indicator code" and "Value" in labels
    assert "Khanh Hoa" in ws["A1"].value


def test_columns_carry_hidden_markers_that_move_with_them(cat):
    """The reader finds the value column by its marker, so a clerk's inserted column cannot take its place."""
    wb = _open(build_form(cat, "khanh-hoa", "2026-Q3"))
    for name in (SHEET_DATA, SHEET_MILESTONES):
        ws = wb[name]
        markers = [c.value for c in ws[3]]
        assert all(m.startswith("nq45:") for m in markers) and ws.row_dimensions[3].hidden
        assert "nq45:code" in markers
    data = wb[SHEET_DATA]
    assert [c.value for c in data[3]].index("nq45:value") == [c.value for c in data[4]].index("Giá trị")
    # working columns may be inserted; structure (sheet names) stays locked, without a password
    assert data.protection.insertColumns is False and data.protection.password is None


def test_data_rows_skip_milestones(cat):
    assert all(not ind.is_milestone for ind, _, _ in data_rows(cat, "khanh-hoa", "2026-Q3"))


def test_bulk_form_columns_and_meta():
    rows = [(f"u{n % 7}.x", f"u{n % 7}", "2025-Q1", "", float(n)) for n in range(20_000)]
    content = build_bulk_form(rows)
    wb = load_workbook(io.BytesIO(content), read_only=True)
    assert wb.sheetnames == [SHEET_INSTRUCTIONS, SHEET_DATA, SHEET_META]
    data = list(wb[SHEET_DATA].iter_rows(values_only=True))
    assert data[0] == ("Mã chỉ tiêu", "Lĩnh vực", "Đơn vị", "Kỳ báo cáo", "Giá trị", "Ghi chú", "Nguồn số liệu")
    assert len(data) == 20_001
    assert data[5][:5] == ("u4.x", None, "u4", "2025-Q1", 4)
    meta = {r[0]: r[1] for r in wb[SHEET_META].iter_rows(values_only=True)}
    assert (meta["form"], meta["unit"], meta["period"]) == ("bulk", "*", "*")


def test_names_that_look_like_formulas_stay_text(cat, monkeypatch):
    """A target named "=HYPERLINK(…)" (an admin-added programme) is written as text, never as a live formula."""
    from openpyxl import load_workbook as load

    ind = next(i for i in cat.reportable_indicators_for("khanh-hoa") if i.is_numeric and i.reporting_frequency == "quarter")
    hostile = ind.model_copy(update={"name": ind.name.model_copy(update={"vi": '=HYPERLINK("http://x","y")'})})
    monkeypatch.setattr(cat, "reportable_indicators_for", lambda unit: [hostile])
    ws = load(io.BytesIO(build_form(cat, "khanh-hoa", "2026-Q3")))[SHEET_DATA]
    names = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(c.data_type == "s" for c in names)


def test_the_form_prints_with_fitted_rows_a_one_page_guide_and_a_signature_block(cat):
    wb = _open(build_form(cat, "bac-ninh", "2026-Q3"))
    guide = wb[SHEET_INSTRUCTIONS]
    assert guide.page_setup.fitToWidth == 1 and guide.page_setup.fitToHeight == 1
    assert guide.page_setup.orientation == "portrait" and guide.sheet_properties.pageSetUpPr.fitToPage
    assert guide.print_area and guide.print_area.startswith("'Hướng dẫn'!$A$1:$B$")
    long_step = next(r for r in range(1, guide.max_row + 1) if len(str(guide.cell(r, 1).value or "")) > 150)
    assert guide.cell(long_step, 1).alignment.wrap_text and guide.row_dimensions[long_step].height >= 30
    from openpyxl.utils import get_column_letter
    from tracker.forms.workbook import DATA_COLUMNS, MILESTONE_COLUMNS

    for name, last_col in ((SHEET_DATA, get_column_letter(len(DATA_COLUMNS))),
                           (SHEET_MILESTONES, get_column_letter(len(MILESTONE_COLUMNS)))):
        ws = wb[name]
        hr, cols = _header(ws)
        assert ws.print_area.endswith(f"$A$1:${last_col}${ws.max_row}")
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        texts = [str(c.value) for row in ws.iter_rows(min_row=hr + 1) for c in row if c.value]
        assert "NGƯỜI LẬP BIỂU" in texts and "THỦ TRƯỞNG ĐƠN VỊ" in texts
        assert any(t.startswith("…………, ngày …… tháng …… năm") for t in texts)
    ws = wb[SHEET_DATA]
    hr, cols = _header(ws)
    name_col = cols["Tên chỉ tiêu"]
    width = ws.column_dimensions[ws.cell(hr, name_col).column_letter].width
    rows = [r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, 1).value]
    for r in rows:   # every name has the lines it wraps to
        name = ws.cell(r, name_col).value
        assert ws.row_dimensions[r].height >= 15 * max(1, -(-len(name) // int(width))), (name, ws.row_dimensions[r].height)
    assert max(ws.row_dimensions[r].height for r in rows) > min(ws.row_dimensions[r].height for r in rows)


def test_the_signed_form_still_reads(cat):
    from tracker.ingest import read_form

    wb = _open(build_form(cat, "bac-ninh", "2026-Q3"))
    ws = wb[SHEET_DATA]
    hr, cols = _header(ws)
    ws.cell(hr + 1, cols["Giá trị"]).value = 12
    out = io.BytesIO()
    wb.save(out)
    parsed = read_form(out.getvalue(), "nq45_bac-ninh_2026-Q3.xlsx", cat, today=dt.date(2026, 10, 15))
    assert parsed.report.errors == [] and [o.value for o in parsed.observations] == [12]


def test_counts_take_whole_numbers_in_excel_too(cat):
    wb = _open(build_form(cat, "bac-ninh", "2026-Q3"))
    ws = wb[SHEET_DATA]
    hr, cols = _header(ws)
    letter = ws.cell(hr, cols["Giá trị"]).column_letter
    for r in range(hr + 1, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if not code:
            continue
        ind = cat.indicator(code)
        rule = next(dv for dv in ws.data_validations.dataValidation if f"{letter}{r}" in dv.sqref)
        if ind.unit in ("person", "enterprise", "paper", "patent", "invention", "work") and ind.kind != "growth":
            assert rule.type == "whole", code
