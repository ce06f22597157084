"""Reading uploaded forms: the round trip, every refusal with its place and message, Vietnamese numbers.

Every file is made here, in the test (no binary fixtures): generated forms filled with openpyxl, and
crafted bytes for broken, encrypted, macro-enabled and oversized files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.forms import READ_ON as TODAY
from tests.support.forms import fill, read
from tests.support.forms import header as _header
from tests.support.forms import row_of as _row_of
from tests.support.forms import data_sheet_member as _data_sheet_member
from tests.support.forms import rewrite_member as _rewrite
from tracker.catalogue import load_catalogue
from tracker.ingest import ERROR_CODES, WARNING_CODES, normalise, parse_number, read_form
from tracker.forms.workbook import FORM_VERSION, SHEET_DATA, SHEET_META, SHEET_MILESTONES, build_bulk_form, build_form



@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def codes(parsed) -> list[str]:
    return [i.code for i in parsed.report.issues]


def only_error(parsed, code: str):
    errors = parsed.report.errors
    assert [e.code for e in errors] == [code], parsed.report.render()
    assert errors[0].message_vi and errors[0].message_en and errors[0].message_vi != errors[0].message_en
    assert not parsed.observations and not parsed.milestones
    return errors[0]


def _pick(cat, unit: str, predicate):
    for ind in cat.reportable_indicators_for(unit):
        if predicate(ind):
            return ind
    pytest.skip("no such target in the catalogue")


@pytest.fixture(scope="module")
def q(cat):
    """A blank Bắc Ninh form for 2026-Q3 (it files Bắc Giang's inherited targets) and targets on it."""
    unit = "bac-ninh"
    quarterly = lambda i: i.reporting_frequency == "quarter" and not i.is_milestone  # noqa: E731
    return {
        "unit": unit,
        "blank": build_form(cat, unit, "2026-Q3"),
        "stock": _pick(cat, unit, lambda i: quarterly(i) and i.kind == "stock" and not i.sectors),
        "sectored": _pick(cat, unit, lambda i: quarterly(i) and bool(i.sectors)),
        "direction": _pick(cat, unit, lambda i: quarterly(i) and i.kind == "direction" and not i.sectors),
        "task": _pick(cat, unit, lambda i: i.is_milestone),
    }


@pytest.fixture(scope="module")
def y(cat):
    """A blank yearly form of a unit with a share target (unit percent)."""
    for unit in cat.reporting_units():
        share = next((i for i in cat.indicators_for(unit)
                      if i.unit == "percent" and i.reporting_frequency == "year" and not i.sectors), None)
        if share:
            return {"unit": unit, "blank": build_form(cat, unit, "2025"), "share": share}
    pytest.skip("no yearly share target")


# --- round trip ---------------------------------------------------------------------------------------------

def test_round_trip_values_sectors_and_tasks(cat, q):
    sector = q["sectored"].sectors[1].id
    values = {(q["stock"].id, ""): 90500, (q["sectored"].id, sector): 3, (q["direction"].id, ""): 12}
    stones = {q["task"].id: ("Hoàn thành", dt.datetime(2026, 8, 15), "Số 123/QĐ-UBND")}
    parsed = read(fill(q["blank"], values, stones), cat)
    assert parsed.ok, parsed.report.render()
    assert (parsed.unit, parsed.period, parsed.form_version) == ("bac-ninh", "2026-Q3", FORM_VERSION)
    got = {(o.indicator_id, o.sector): o.value for o in parsed.observations}
    assert got == values
    assert all(o.unit == "bac-ninh" and o.period == "2026-Q3" for o in parsed.observations)
    [m] = parsed.milestones
    assert (m.indicator_id, m.status, m.completed_on, m.evidence) == (q["task"].id, "done", dt.date(2026, 8, 15), "Số 123/QĐ-UBND")
    assert parsed.report.issues == []


LIBREOFFICE = Path(__file__).parent.parent / "fixtures" / "libreoffice"


@pytest.mark.parametrize("name", ["bac-ninh_2026-Q3.xls", "bac-ninh_2026-Q3.ods", "bac-ninh_2026-Q3.libreoffice.xlsx"])
def test_forms_saved_by_libreoffice_as_xls_ods_and_xlsx(cat, name):
    """Files really written by LibreOffice Calc (see fixtures/libreoffice/README.md), not made by hand."""
    parsed = read((LIBREOFFICE / name).read_bytes(), cat, name=name)
    assert parsed.ok and parsed.report.issues == [], parsed.report.render()
    assert (parsed.unit, parsed.period) == ("bac-ninh", "2026-Q3")
    assert {(o.indicator_id, o.sector): o.value for o in parsed.observations} == {
        ("bac-giang.university-graduates", ""): 90500.0, ("bac-giang.phds-per-sector", "science-technology"): 3.0}
    [m] = parsed.milestones
    assert (m.indicator_id, m.status, m.completed_on, m.evidence) == (
        "bac-giang.startup-centre", "done", dt.date(2026, 8, 15), "Số 123/QĐ-UBND")


def test_sha256_and_file_name(cat, q):
    import hashlib

    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    parsed = read(content, cat, name="my form.xlsx")
    assert parsed.file_name == "my form.xlsx" and parsed.sha256 == hashlib.sha256(content).hexdigest()


def test_demo_filler_output_is_read(cat, q):
    from tracker.forms.demo import fill_form

    content = fill_form(q["blank"], {(q["stock"].id, ""): 4321.0},
                        {q["task"].id: ("Đang thực hiện", None, "")}, note="Số liệu minh họa")
    parsed = read(content, cat)
    assert parsed.ok, parsed.report.render()
    assert [(o.value, o.note) for o in parsed.observations] == [(4321.0, "Số liệu minh họa")]
    assert [m.status for m in parsed.milestones] == ["in_progress"]


def test_year_form_with_shares(cat, y):
    parsed = read(fill(y["blank"], {(y["share"].id, ""): "0,5"}), cat)
    assert parsed.ok, parsed.report.render()
    assert [(o.indicator_id, o.period, o.value) for o in parsed.observations] == [(y["share"].id, "2025", 0.5)]


def test_note_and_source_are_kept(cat, q):
    def edit(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        r = _row_of(ws, q["stock"].id)
        ws.cell(r, cols["Ghi chú"]).value = "  ước tính  "
        ws.cell(r, cols["Nguồn số liệu"]).value = "Cục Thống kê"

    [o] = read(fill(q["blank"], {(q["stock"].id, ""): 7}, edit=edit), cat).observations
    assert (o.note, o.source) == ("ước tính", "Cục Thống kê")


# --- numbers --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("90.000", 90000), ("90000", 90000), ("1.234.567", 1234567), ("0,5", 0.5), ("1.234,5", 1234.5),
    ("90 000", 90000), ("90\u00a0000", 90000), ("1 234,5", 1234.5), ("5 %", 5), ("5%", 5), ("0,5 %", 0.5),
    ("1,234.5", 1234.5), ("1,234,567", 1234567), ("12.5", 12.5), ("0.500", 0.5), ("1.500", 1500),
    ("1,234", 1.234), ("-3,2", -3.2), ("−1,5", -1.5), ("+7", 7), (" 42 ", 42), (",5", 0.5),
    (12, 12.0), (0.05, 0.05),
])
def test_parse_number_reads_vietnamese_writing(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "", "  ", "1.2.3,4,5", "12abc", "1,2,3", "9 0", "1.23.4", "%", "--1",
                                  None, True, float("nan"), float("inf"), dt.date(2026, 1, 1), "1e5"])
def test_parse_number_refuses_what_is_not_a_number(text):
    assert parse_number(text) is None


def test_numbers_typed_as_text_in_the_form(cat, q):
    sectors = [s.id for s in q["sectored"].sectors]
    values = {(q["stock"].id, ""): " 90 000 ", (q["direction"].id, ""): "1.234", (q["sectored"].id, sectors[0]): "2",
              (q["sectored"].id, sectors[1]): "3,0", (q["sectored"].id, sectors[2]): "12"}
    parsed = read(fill(q["blank"], values), cat)
    assert parsed.ok, parsed.report.render()
    got = {(o.indicator_id, o.sector): o.value for o in parsed.observations}
    assert got == {(q["stock"].id, ""): 90000, (q["direction"].id, ""): 1234, (q["sectored"].id, sectors[0]): 2,
                   (q["sectored"].id, sectors[1]): 3, (q["sectored"].id, sectors[2]): 12}


def test_percentages_5_and_5_percent_text_and_excel_percent_cells(cat, y):
    share = y["share"].id
    assert read(fill(y["blank"], {(share, ""): 5}), cat).observations[0].value == 5
    assert read(fill(y["blank"], {(share, ""): "5%"}), cat).observations[0].value == 5
    assert read(fill(y["blank"], {(share, ""): "0,5 %"}), cat).observations[0].value == 0.5
    # a bare 0.5 is 0,5 % (a PhD share can be that small), not 50 %
    assert read(fill(y["blank"], {(share, ""): 0.5}), cat).observations[0].value == 0.5

    def percent_cell(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        cell = ws.cell(_row_of(ws, share), cols["Giá trị"])
        cell.value, cell.number_format = 0.05, "0%"   # what Excel stores when "5%" is typed

    parsed = read(fill(y["blank"], edit=percent_cell), cat)
    assert parsed.ok, parsed.report.render()
    assert parsed.observations[0].value == pytest.approx(5)


def test_percent_sign_on_a_count_is_refused(cat, q):
    issue = only_error(read(fill(q["blank"], {(q["stock"].id, ""): "5%"}), cat), "not_a_number")
    assert "%" in issue.message_vi and issue.column.startswith("G")


# --- layout: reordered columns, blank and hidden rows, formulas, metadata fallback --------------------------------

def _meta(wb, unit="khanh-hoa", period="2026-Q3", form="nq45", version="1"):
    meta = wb.create_sheet(SHEET_META)
    for row in (("form", form), ("unit", unit), ("period", period), ("form_version", version)):
        meta.append(row)
    meta.sheet_state = "veryHidden"


def test_reordered_columns_english_labels_and_merged_title(cat):
    stock = _pick(cat, "khanh-hoa", lambda i: i.kind == "stock" and i.reporting_frequency == "quarter" and not i.sectors)
    flow = _pick(cat, "khanh-hoa", lambda i: i.kind == "flow" and i.reporting_frequency == "quarter" and not i.sectors)
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Report form — Khanh Hoa — Q3/2026"
    ws.merge_cells("A1:E2")
    ws.append([])
    ws.append(["NOTE", "value (fill in)", "SECTOR", "Ma Chi Tieu", "Nguồn"])
    ws.append(["ok", 12, None, flow.id, "Sở KH&CN"])
    ws.append([None, "4.321", "", stock.id, None])
    _meta(wb)
    out = io.BytesIO()
    wb.save(out)
    parsed = read(out.getvalue(), cat)
    assert parsed.ok, parsed.report.render()
    assert {(o.indicator_id, o.value, o.note, o.source) for o in parsed.observations} == {
        (flow.id, 12, "ok", "Sở KH&CN"), (stock.id, 4321, "", "")}


def test_blank_and_hidden_rows(cat, q):
    def edit(wb):
        ws = wb[SHEET_DATA]
        hr, _ = _header(ws)
        ws.insert_rows(hr + 1, 3)           # blank rows right under the header
        ws.row_dimensions[_row_of(ws, q["stock"].id)].hidden = True

    parsed = read(fill(q["blank"], {(q["stock"].id, ""): 85000, (q["direction"].id, ""): 7}, edit=edit), cat)
    # blank rows are skipped without a word; a value in a hidden row is refused (tests/ingest/test_ingest_unseen.py)
    assert codes(parsed) == ["unseen_value"]
    parsed = read(fill(q["blank"], {(q["direction"].id, ""): 7}, edit=edit), cat)
    assert parsed.ok, parsed.report.render()
    assert {o.indicator_id: o.value for o in parsed.observations} == {q["direction"].id: 7}
    assert parsed.report.issues == []


def test_formula_with_cached_value_is_read_and_without_is_refused(cat, q):
    def formula(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        ws.cell(_row_of(ws, q["stock"].id), cols["Giá trị"]).value = "=4000+321"

    content = fill(q["blank"], edit=formula)
    # openpyxl writes no result: the reader says so rather than silently skipping the cell
    issue = only_error(read(content, cat), "not_a_number")
    assert "công thức" in issue.message_vi and issue.sheet == SHEET_DATA and issue.row and issue.column

    # as Excel saves it: the formula with its cached result
    member = _data_sheet_member(content)
    cached = _rewrite(content, member, lambda xml: re.sub(rb"(<f>4000\+321</f>)<v\s*/>|(<f>4000\+321</f>)<v></v>|(<f>4000\+321</f>)",
                                                          rb"<f>4000+321</f><v>4321</v>", xml, count=1))
    assert b"<v>4321</v>" in zipfile.ZipFile(io.BytesIO(cached)).read(member)
    parsed = read(cached, cat)
    assert parsed.ok, parsed.report.render()
    assert [o.value for o in parsed.observations] == [4321]


def test_metadata_falls_back_to_the_instructions_sheet(cat, q):
    # programs that drop hidden sheets keep the visible copy of unit and period
    parsed = read(fill(q["blank"], {(q["stock"].id, ""): 5}, edit=lambda wb: wb.remove(wb[SHEET_META])), cat)
    assert parsed.ok, parsed.report.render()
    assert (parsed.unit, parsed.period) == ("bac-ninh", "2026-Q3")


def test_hand_made_ods_is_read(cat):
    """A minimal OpenDocument spreadsheet as LibreOffice would save one (no odfpy needed)."""
    stock = _pick(cat, "khanh-hoa", lambda i: i.kind == "stock" and i.reporting_frequency == "quarter" and not i.sectors)

    def cell(v):
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    def table(name, rows):
        body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        return f'<table:table table:name="{name}">{body}</table:table>'

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet>'
        + table("Số liệu", [["Mã chỉ tiêu", "Giá trị"], [stock.id, 4321]])
        + table("_meta", [["form", "nq45"], ["unit", "khanh-hoa"], ["period", "2026-Q3"], ["form_version", "1"]])
        + "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    parsed = read(out.getvalue(), cat, name="form.ods")
    assert parsed.ok, parsed.report.render()
    assert [(o.indicator_id, o.value) for o in parsed.observations] == [(stock.id, 4321)]


# --- refusals of the file itself -----------------------------------------------------------------------------

def test_text_file_renamed_xlsx(cat):
    only_error(read(b"ma chi tieu;gia tri\nabc;1\n", cat), "not_workbook")


def test_a_zip_that_is_not_a_workbook(cat):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    only_error(read(out.getvalue(), cat), "not_workbook")


def test_empty_file(cat):
    only_error(read(b"", cat), "empty_file")


def test_truncated_file(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    only_error(read(content[: len(content) // 2], cat), "corrupt_file")


def test_password_protected_file(cat):
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    issue = only_error(read(fake, cat), "encrypted")
    assert "mật khẩu" in issue.message_vi


def test_macro_enabled_zip(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    issue = only_error(read(out.getvalue(), cat), "macro_enabled")
    assert ".xlsx" in issue.message_vi
    # an .xlsm name is refused as well, whatever is inside
    only_error(read(content, cat, name="form.xlsm"), "macro_enabled")


def test_old_excel_file_with_macros(cat):
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "_VBA_PROJECT".encode("utf-16-le") + b"\x00" * 512
    only_error(read(fake, cat, name="old.xls"), "macro_enabled")


def test_too_large(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    issue = only_error(read(content, cat, max_bytes=len(content) - 1), "too_large")
    assert "MB" in issue.message_vi


def test_zip_bomb_is_refused_before_parsing(cat, tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    chunk = b"\x00" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(200):
                member.write(chunk)
    content = path.read_bytes()
    assert len(content) < 1_000_000
    opened = []
    real_open = zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    only_error(read(content, cat), "zip_bomb")
    assert "xl/worksheets/sheet1.xml" not in opened   # refused from the sizes in the zip directory


# --- refusals of the form -----------------------------------------------------------------------------------------

def test_not_our_form(cat):
    wb = Workbook()
    wb.active.append(["Họ tên", "Tuổi"])
    out = io.BytesIO()
    wb.save(out)
    issue = only_error(read(out.getvalue(), cat), "not_our_form")
    assert "Nhập số liệu" in issue.message_vi


def test_header_row_deleted(cat, q):
    def edit(wb):
        ws = wb[SHEET_DATA]
        hr, _ = _header(ws)
        ws.delete_rows(hr)

    # The row under the column markers is read as the header; a figure there would be lost, so refuse.
    issue = only_error(read(fill(q["blank"], {(q["stock"].id, ""): 85000}, edit=edit), cat), "missing_header_column")
    assert issue.sheet == SHEET_DATA


def test_missing_value_column(cat, q):
    def edit(wb):
        ws = wb[SHEET_DATA]
        hr, cols = _header(ws)
        ws.cell(hr, cols["Giá trị"]).value = "Số"

    issue = only_error(read(fill(q["blank"], {(q["stock"].id, ""): 85000}, edit=edit), cat), "missing_header_column")
    assert issue.sheet == SHEET_DATA and issue.row == 4 and "Giá trị" in issue.message_vi


def test_another_units_form(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    issue = only_error(read(content, cat, expected_units={"khanh-hoa"}), "wrong_unit")
    assert "Bắc Ninh" in issue.message_vi and "Khánh Hòa" in issue.message_vi
    assert read(content, cat, expected_units={"bac-ninh", "khanh-hoa"}).ok


def test_unknown_unit(cat, q):
    def edit(wb):
        wb[SHEET_META]["B2"] = "ha-noi"

    only_error(read(fill(q["blank"], {(q["stock"].id, ""): 85000}, edit=edit), cat), "wrong_unit")


def test_merged_unit_cannot_report_after_the_merger(cat):
    stock = _pick(cat, "bac-giang", lambda i: i.kind == "stock" and not i.sectors and i.jurisdiction == "bac-giang")
    old = fill(build_form(cat, "bac-giang", "2025-Q2"), {(stock.id, ""): 10})
    assert read(old, cat).ok
    late = fill(build_form(cat, "bac-giang", "2025-Q3"), {(stock.id, ""): 10})
    issue = only_error(read(late, cat), "wrong_unit")
    assert "Bắc Ninh" in issue.message_vi


def test_period_not_ended(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    issue = only_error(read(content, cat, today=dt.date(2026, 9, 30)), "period_not_ended")
    assert "Quý III/2026" in issue.message_vi
    assert read(content, cat, today=dt.date(2026, 10, 1)).ok


def _set_code(code_of_row: str, new_code: str):
    def edit(wb):
        ws = wb[SHEET_DATA]
        ws.cell(_row_of(ws, code_of_row), 1).value = new_code
    return edit


def test_unknown_indicator(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000}, edit=_set_code(q["stock"].id, "bac-ninh.made-up"))
    issue = only_error(read(content, cat), "unknown_indicator")
    assert (issue.sheet, issue.column) == (SHEET_DATA, "A (Mã chỉ tiêu)") and issue.row == 5


def test_indicator_of_another_unit(cat, q):
    other = _pick(cat, "khanh-hoa", lambda i: i.is_numeric and i.jurisdiction == "khanh-hoa")
    content = fill(q["blank"], {(q["stock"].id, ""): 85000}, edit=_set_code(q["stock"].id, other.id))
    only_error(read(content, cat), "indicator_not_for_unit")


def test_duplicate_indicator(cat, q):
    def edit(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        r = _row_of(ws, q["direction"].id)
        ws.cell(r, 1).value = q["stock"].id
        ws.cell(r, cols["Giá trị"]).value = 2

    issue = only_error(read(fill(q["blank"], {(q["stock"].id, ""): 85000}, edit=edit), cat), "duplicate_indicator")
    assert "dòng 5" in issue.message_vi and issue.row > 5


def test_unknown_sector(cat, q):
    def edit(wb):
        ws = wb[SHEET_DATA]
        _, cols = _header(ws)
        ws.cell(_row_of(ws, q["sectored"].id, q["sectored"].sectors[0].id), cols["Lĩnh vực"]).value = "made-up"

    content = fill(q["blank"], {(q["sectored"].id, q["sectored"].sectors[0].id): 1}, edit=edit)
    issue = only_error(read(content, cat), "unknown_sector")
    assert issue.column.startswith("B")


@pytest.mark.parametrize("value, code", [("abc", "not_a_number"), (-5, "negative_value"), ("-5", "negative_value")])
def test_bad_values(cat, q, value, code):
    issue = only_error(read(fill(q["blank"], {(q["stock"].id, ""): value}), cat), code)
    assert (issue.sheet, issue.row, issue.column) == (SHEET_DATA, 5, "G (Giá trị)")


def test_share_over_100_percent(cat, y):
    issue = only_error(read(fill(y["blank"], {(y["share"].id, ""): 150}), cat), "over_100_percent")
    assert "100" in issue.message_vi


def test_negative_growth_is_allowed(cat):
    for unit in cat.reporting_units():
        growth = next((i for i in cat.indicators_for(unit) if i.kind == "growth" and i.reporting_frequency == "year"), None)
        if growth:
            parsed = read(fill(build_form(cat, unit, "2025"), {(growth.id, ""): "-1,5"}), cat)
            assert parsed.ok and parsed.observations[0].value == -1.5
            return
    pytest.skip("no growth target")


def test_empty_form_is_an_error(cat, q):
    issue = only_error(read(q["blank"], cat), "empty_form")
    assert issue.sheet == SHEET_DATA


# --- milestones ------------------------------------------------------------------------------------------------

def test_bad_status(cat, q):
    issue = only_error(read(fill(q["blank"], milestones={q["task"].id: ("Xong rồi", None, "")}), cat), "bad_status")
    assert issue.sheet == SHEET_MILESTONES and issue.column.startswith("E") and "Hoàn thành" in issue.message_vi


@pytest.mark.parametrize("day", ["32/13/2026", "hôm qua"])
def test_bad_date(cat, q, day):
    issue = only_error(read(fill(q["blank"], milestones={q["task"].id: ("Hoàn thành", day, "")}), cat), "bad_date")
    assert issue.sheet == SHEET_MILESTONES and issue.column.startswith("F")


def test_done_needs_a_date_in_the_past(cat, q):
    only_error(read(fill(q["blank"], milestones={q["task"].id: ("Hoàn thành", None, "QĐ 1")}), cat), "bad_date")
    only_error(read(fill(q["blank"], milestones={q["task"].id: ("Hoàn thành", dt.date(2027, 1, 1), "")}), cat), "bad_date")


def test_status_labels_dates_as_text_and_english(cat, q):
    parsed = read(fill(q["blank"], milestones={q["task"].id: ("done", "15/08/2026", "QĐ 9")}), cat)
    assert parsed.ok and parsed.milestones[0].completed_on == dt.date(2026, 8, 15)
    parsed = read(fill(q["blank"], milestones={q["task"].id: ("Chưa thực hiện", dt.date(2026, 8, 1), "")}), cat)
    assert parsed.ok and parsed.milestones[0].status == "not_started" and parsed.milestones[0].completed_on is None
    assert codes(parsed) == ["date_ignored"]


# --- warnings ------------------------------------------------------------------------------------------------------

def test_implausible_jump_against_the_previous_value(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 40000})
    parsed = read(content, cat, previous={q["stock"].id: 10000})
    assert parsed.ok and codes(parsed) == ["implausible_jump"]
    warning = parsed.report.warnings[0]
    assert (warning.sheet, warning.row, warning.column) == (SHEET_DATA, 5, "G (Giá trị)")
    assert "10.000" in warning.message_vi and "Ghi chú" in warning.message_vi
    assert codes(read(content, cat, previous={q["stock"].id: 20000})) == []
    # the store's callable form, asked for this unit and period
    asked = []
    parsed = read(content, cat, previous=lambda unit, period: asked.append((unit, period)) or {q["stock"].id: 200000})
    assert asked == [("bac-ninh", "2026-Q3")] and codes(parsed) == ["implausible_jump"]


def test_share_jump_is_in_points(cat, y):
    share = y["share"].id
    assert codes(read(fill(y["blank"], {(share, ""): 45}), cat, previous={share: 20})) == ["implausible_jump"]
    assert codes(read(fill(y["blank"], {(share, ""): 35}), cat, previous={share: 20})) == []
    # 0,05 where 5 was reported last year: probably a fraction typed for a percentage
    assert codes(read(fill(y["blank"], {(share, ""): 0.05}), cat, previous={share: 5})) == ["implausible_jump"]


# --- every issue has a place, and nothing raises ---------------------------------------------------------------------

def test_every_row_issue_names_sheet_row_and_column(cat, q):
    sector = q["sectored"].sectors[0].id
    content = fill(q["blank"], {(q["stock"].id, ""): "abc", (q["direction"].id, ""): -1, (q["sectored"].id, sector): "x"},
                   {q["task"].id: ("?", None, "")})
    parsed = read(content, cat)
    assert sorted(codes(parsed)) == ["bad_status", "negative_value", "not_a_number", "not_a_number"]
    for issue in parsed.report.issues:
        assert issue.sheet and issue.row and issue.column, issue
        assert issue.code in ERROR_CODES + WARNING_CODES
        assert issue.place("vi").startswith("trang tính") and "dòng" in issue.place("vi") and "cột" in issue.place("vi")


def test_never_raises(cat, q):
    content = fill(q["blank"], {(q["stock"].id, ""): 85000})
    parsed = read_form(content, "x.xlsx", None, today=TODAY)   # a broken catalogue argument
    assert not parsed.ok and codes(parsed) == ["unreadable"]
    assert read_form(None, "x.xlsx", cat, today=TODAY).report.errors[0].code == "empty_file"


def test_normalise_labels():
    assert normalise("Mã chỉ tiêu (*)") == "ma chi tieu"
    assert normalise("  GIÁ TRỊ  ") == "gia tri"
    assert normalise("Đơn vị tính") == "don vi tinh"


# --- bulk forms ------------------------------------------------------------------------------------------------------

def test_bulk_form_round_trip_and_per_row_checks(cat):
    stock = _pick(cat, "khanh-hoa", lambda i: i.kind == "stock" and i.reporting_frequency == "quarter" and not i.sectors)
    flow = _pick(cat, "khanh-hoa", lambda i: i.kind == "flow" and i.reporting_frequency == "quarter" and not i.sectors)
    rows = [(stock.id, "khanh-hoa", p, "", 100.0 + n) for n, p in enumerate(("2025-Q1", "2025-Q2", "2025-Q3"))]
    rows.append((flow.id, "khanh-hoa", "2025-Q1", "", 4.0))
    parsed = read(build_bulk_form(rows), cat, name="bulk.xlsx")
    assert parsed.ok, parsed.report.render()
    assert (parsed.unit, parsed.period) == ("*", "*")
    assert [(o.indicator_id, o.unit, o.period, o.value) for o in parsed.observations] == [r[:3] + (r[4],) for r in rows]

    bad = rows + [(stock.id, "khanh-hoa", "2025-Q1", "", 1.0),          # duplicate
                  (stock.id, "ha-noi", "2025-Q1", "", 1.0),              # unknown unit
                  (stock.id, "khanh-hoa", "2026-Q4", "", 1.0),           # not ended
                  (stock.id, "khanh-hoa", "quý 9", "", 1.0),             # not a period
                  ("bac-giang.university-graduates", "khanh-hoa", "2025-Q1", "", 1.0)]
    parsed = read(build_bulk_form(bad), cat, name="bulk.xlsx")
    assert sorted(codes(parsed)) == sorted(["duplicate_indicator", "wrong_unit", "period_not_ended", "bad_period",
                                            "indicator_not_for_unit"])
    assert [i.row for i in parsed.report.issues] == [6, 7, 8, 9, 10]
    assert not parsed.observations
    # another unit's rows: said once per unit, not once per row
    issue = only_error(read(build_bulk_form(rows), cat, name="bulk.xlsx", expected_units={"bac-ninh"}), "wrong_unit")
    assert issue.row == 2 and issue.column == "C (Đơn vị)"


def test_bulk_jumps_within_the_file_in_any_order(cat):
    stock = _pick(cat, "khanh-hoa", lambda i: i.kind == "stock" and i.reporting_frequency == "quarter" and not i.sectors)
    rows = [(stock.id, "khanh-hoa", "2025-Q2", "", 1000.0), (stock.id, "khanh-hoa", "2025-Q1", "", 100.0),
            (stock.id, "khanh-hoa", "2025-Q3", "", 1100.0)]
    parsed = read(build_bulk_form(rows), cat, name="bulk.xlsx")
    assert parsed.ok and codes(parsed) == ["implausible_jump"] and parsed.report.warnings[0].row == 2
    ordered = [rows[1], rows[0], rows[2]]
    parsed = read(build_bulk_form(ordered), cat, name="bulk.xlsx", previous={stock.id: 20.0})
    assert codes(parsed) == ["implausible_jump", "implausible_jump"]


def test_bulk_issues_are_capped(cat):
    stock = _pick(cat, "khanh-hoa", lambda i: i.kind == "stock" and i.reporting_frequency == "quarter" and not i.sectors)
    rows = [(stock.id, "khanh-hoa", "2025-Q1", "", -1.0)] + [(stock.id, "khanh-hoa", f"{y}-Q{k}", "", -1.0)
                                                              for y in range(1900, 2020) for k in (1, 2, 3, 4)]
    parsed = read(build_bulk_form(rows), cat, name="bulk.xlsx")
    assert len([i for i in parsed.report.issues if i.code == "negative_value"]) == 200
    assert codes(parsed)[-1] == "too_many_issues"


def test_bulk_form_of_20000_rows_is_read_whole(cat):
    """Every row of a large bulk form arrives; its speed is measured by bench/ingest.py, not here."""
    targets = [(i.id, i.jurisdiction) for i in cat.indicators
               if i.reporting_frequency == "quarter" and not i.is_milestone and not i.sectors
               and not cat.jurisdictions[i.jurisdiction].valid_to]
    periods = [f"{y}-Q{k}" for y in range(1000, 2026) for k in (1, 2, 3, 4)]
    rows = [(code, unit, p, "", 100.0 + k % 7) for k, (code, unit, p) in
            enumerate((code, unit, p) for code, unit in targets for p in periods)][:20_000]
    parsed = read(build_bulk_form(rows), cat, name="bulk.xlsx")
    assert parsed.ok and len(parsed.observations) == len(rows)
    got = {(o.indicator_id, o.unit, o.period): o.value for o in parsed.observations}
    assert all(got[(code, unit, p)] == value for code, unit, p, _, value in rows[::997])
