"""What a person sees that the cell values alone do not say (tracker.ingest.cells), per file format.

Forms saved by LibreOffice Calc are committed under fixtures/libreoffice/ (khanh-hoa_*, see its README.md);
the OpenDocument cases that LibreOffice does not write on its own (column default styles, repeated rows
with content, conditional sections, formulas without a result …) are crafted here as content.xml.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tracker.ingest.cells import CellsUnreadable, SheetCells, classify_format, read_cells

LIBREOFFICE = Path(__file__).parent.parent / "fixtures" / "libreoffice"
SHEET = "Số liệu"
VALUE = 6                     # column G, the form's value column
TITLES = [(0, 0, 0, 9), (1, 0, 1, 9)]   # the form's two merged title rows (A1:J1, A2:J2)
FORMATS = ["ods", "xls", "libreoffice.xlsx"]


def _facts(cells: SheetCells) -> dict:
    return {"percent": cells.percent, "misleading": cells.misleading, "dates": cells.dates,
            "errors": cells.errors, "formulas": cells.formulas, "merged": sorted(cells.merged)}


def _read_fixture(name: str, fmt: str) -> SheetCells:
    kind = fmt.rsplit(".", 1)[-1]
    return read_cells((LIBREOFFICE / f"{name}.{fmt}").read_bytes(), kind, SHEET)


# --- forms saved by LibreOffice ------------------------------------------------------------------------------
# Rows 0–1 titles, 2 the hidden markers, 3 the header, 4… the indicators, in each of the three fixtures.

@pytest.mark.parametrize("fmt", FORMATS)
def test_percent_literal_percent_and_date_cells(fmt):
    """tfp-share 0,295 shown as 29,5 %; st-budget-share 12,5 shown through a literal "%"; a date."""
    literal = '0.0"%"' if fmt == "ods" else "0.0\\%"    # LibreOffice writes the literal as \% in Excel files
    assert _facts(_read_fixture("khanh-hoa_2026.percent", fmt)) == {
        "percent": {(4, VALUE)}, "misleading": {(5, VALUE): literal}, "dates": {(6, VALUE)},
        "errors": {}, "formulas": set(), "merged": TITLES}


@pytest.mark.parametrize("fmt", FORMATS)
def test_thousands_scaling_and_error_cells(fmt):
    """1 234 567 through "#,##0," (a person sees 1.235), =1/0 and =NA() recalculated by LibreOffice."""
    assert _facts(_read_fixture("khanh-hoa_2026-Q3.errors", fmt)) == {
        "percent": set(), "misleading": {(4, VALUE): "#,##0,"}, "dates": set(),
        "errors": {(5, VALUE): "#DIV/0!", (6, VALUE): "#N/A"}, "formulas": set(), "merged": TITLES}


@pytest.mark.parametrize("fmt", FORMATS)
def test_merged_value_cells_and_a_rounding_format(fmt):
    """G5:G6 merged over two value cells; 7,25 through "0.0" only rounds and is no fact."""
    assert _facts(_read_fixture("khanh-hoa_2026-Q3.merged", fmt)) == {
        "percent": set(), "misleading": {}, "dates": set(), "errors": {}, "formulas": set(),
        "merged": TITLES + [(4, VALUE, 5, VALUE)]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_percent_cell_among_plain_numbers(fmt):
    assert _facts(_read_fixture("khanh-hoa_2026.share", fmt)) == {
        "percent": {(4, VALUE)}, "misleading": {}, "dates": set(), "errors": {}, "formulas": set(),
        "merged": TITLES}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_form_reader_stores_what_a_person_sees_or_refuses(fmt):
    """Through read_form: 0,295 shown as 29,5 % is stored as 29,5; every other fixture is refused at the
    cell (row and column as the clerk sees them: G5 is row 5)."""
    import datetime as dt

    from tracker.catalogue import load_catalogue
    from tracker.ingest import read_form

    cat = load_catalogue()

    def read(name):
        file_name = f"{name}.{fmt}"
        return read_form((LIBREOFFICE / file_name).read_bytes(), file_name, cat, today=dt.date(2027, 1, 20))

    parsed = read("khanh-hoa_2026.share")
    assert parsed.ok and parsed.report.issues == [], parsed.report.render()
    assert {o.indicator_id: o.value for o in parsed.observations} == {
        "khanh-hoa.tfp-share": 29.5, "khanh-hoa.st-investment-share": 2.5}
    for name, refusals in [
        ("khanh-hoa_2026.percent", [("misleading_format", 6), ("misleading_format", 7)]),
        ("khanh-hoa_2026-Q3.errors", [("misleading_format", 5), ("error_cell", 6), ("error_cell", 7)]),
        ("khanh-hoa_2026-Q3.merged", [("merged_cell", 5)]),
    ]:
        parsed = read(name)
        assert not parsed.ok and parsed.observations == []
        assert [(i.code, i.sheet, i.row, (i.column or "")[:1]) for i in parsed.report.issues] == [
            (code, SHEET, row, "G") for code, row in refusals], name


@pytest.mark.parametrize("fmt", FORMATS)
def test_coordinates_are_calamines(fmt):
    """The facts' (row, column) address the cell python-calamine reads there (to_python grid from A1)."""
    from python_calamine import CalamineWorkbook

    name = "khanh-hoa_2026.percent"
    grid = CalamineWorkbook.from_filelike(io.BytesIO((LIBREOFFICE / f"{name}.{fmt}").read_bytes())) \
        .get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    cells = _read_fixture(name, fmt)
    [(row, col)] = cells.percent
    assert grid[row][col] == pytest.approx(0.295) and grid[row][0] == "khanh-hoa.tfp-share"
    [(row, col)] = cells.misleading
    assert grid[row][col] == pytest.approx(12.5) and grid[row][0] == "khanh-hoa.st-investment-share"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_sheet_is_unreadable(fmt):
    with pytest.raises(CellsUnreadable, match="Số liệu \\(2\\)"):
        read_cells((LIBREOFFICE / f"khanh-hoa_2026.percent.{fmt}").read_bytes(), fmt.rsplit(".", 1)[-1],
                   "Số liệu (2)")


def test_whole_columns_formatted_in_libreoffice():
    """LibreOffice writes the cells of a formatted column without a style: the column's default counts."""
    cells = read_cells((LIBREOFFICE / "column-percent.ods").read_bytes(), "ods", SHEET)
    assert _facts(cells) == {"percent": {(4, 6), (6, 6)}, "misleading": {(4, 7): "#,##0,"}, "dates": set(),
                             "errors": {}, "formulas": set(), "merged": []}


def test_earlier_fixtures_have_no_facts_but_their_titles():
    """The Bắc Ninh forms (plain numbers, a date typed in the tasks sheet) carry nothing to refuse."""
    for fmt in FORMATS:
        cells = _read_fixture("bac-ninh_2026-Q3", fmt)
        assert (cells.percent, cells.misleading, cells.dates, cells.errors, cells.formulas) == (
            set(), {}, set(), {}, set()), fmt
        assert cells.merged and all(r0 < 3 for r0, _, _, _ in cells.merged), fmt


# --- .xls: bytes that are not a workbook ---------------------------------------------------------------------

def test_a_broken_xls_is_unreadable():
    content = (LIBREOFFICE / "khanh-hoa_2026.percent.xls").read_bytes()
    with pytest.raises(CellsUnreadable):
        read_cells(content[: len(content) // 3], "xls", SHEET)
    with pytest.raises(CellsUnreadable):
        read_cells(b"not an excel file at all", "xls", SHEET)


# --- OpenDocument crafted here ---------------------------------------------------------------------------------

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
      'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')
DATA_STYLES = (
    '<number:number-style style:name="Nplain"><number:number number:decimal-places="2"/></number:number-style>'
    '<number:number-style style:name="Ngeneral"><number:number number:min-integer-digits="1"/></number:number-style>'
    '<number:percentage-style style:name="Npct"><number:number number:decimal-places="1"/>'
    '<number:text>%</number:text></number:percentage-style>'
    '<number:number-style style:name="Nthousand"><number:number number:decimal-places="0" number:grouping="true" '
    'number:display-factor="1000"/></number:number-style>'
    '<number:number-style style:name="Nmillion"><number:number number:decimal-places="1" '
    'number:display-factor="1000000"/><number:text> tr</number:text></number:number-style>'
    '<number:number-style style:name="Nliteral"><number:number number:decimal-places="1"/>'
    '<number:text>%</number:text></number:number-style>'
    '<number:date-style style:name="Ndate"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    # a four-part format: positives plain, negatives scaled by a thousand (a style:map section)
    '<number:number-style style:name="NsectionP0"><number:number number:decimal-places="0"/></number:number-style>'
    '<number:number-style style:name="NsectionP1"><number:text>-</number:text><number:number number:decimal-places="0" '
    'number:display-factor="1000"/></number:number-style>'
    '<number:text-style style:name="Nsection"><number:text-content/>'
    '<style:map style:condition="value()&gt;0" style:apply-style-name="NsectionP0"/>'
    '<style:map style:condition="value()&lt;0" style:apply-style-name="NsectionP1"/></number:text-style>'
    # ";;;" as LibreOffice saves it: empty sections for positives and negatives, an empty style for zero
    '<number:number-style style:name="NnothingP0" style:volatile="true"/>'
    '<number:number-style style:name="NnothingP1" style:volatile="true"/>'
    '<number:number-style style:name="Nnothing">'
    '<style:map style:condition="value()&gt;0" style:apply-style-name="NnothingP0"/>'
    '<style:map style:condition="value()&lt;0" style:apply-style-name="NnothingP1"/></number:number-style>'
    # "0;-0;;@": positives and negatives shown, zero shown as nothing
    '<number:number-style style:name="NzeroP0" style:volatile="true"><number:number number:decimal-places="0"/></number:number-style>'
    '<number:number-style style:name="NzeroP1" style:volatile="true"><number:text>-</number:text>'
    '<number:number number:decimal-places="0"/></number:number-style>'
    '<number:number-style style:name="Nzero">'
    '<style:map style:condition="value()&gt;0" style:apply-style-name="NzeroP0"/>'
    '<style:map style:condition="value()&lt;0" style:apply-style-name="NzeroP1"/></number:number-style>'
)
CELL_STYLES = "".join(
    f'<style:style style:name="{name}" style:family="table-cell" style:parent-style-name="Default" '
    f'style:data-style-name="{data}"/>'
    for name, data in [("plain", "Nplain"), ("general", "Ngeneral"), ("pct", "Npct"), ("thousand", "Nthousand"), ("million", "Nmillion"),
                       ("literal", "Nliteral"), ("date", "Ndate"), ("section", "Nsection"), ("nothing", "Nnothing"),
                       ("zero", "Nzero")]
) + '<style:style style:name="inherits" style:family="table-cell" style:parent-style-name="Percent"/>'
# styles.xml: a named cell style "Percent" (as LibreOffice's own cell styles are) whose data style is percent
STYLES_XML = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}><office:styles>'
              '<number:percentage-style style:name="N10"><number:number number:decimal-places="0"/>'
              '<number:text>%</number:text></number:percentage-style>'
              '<style:style style:name="Default" style:family="table-cell"/>'
              '<style:style style:name="Percent" style:family="table-cell" style:parent-style-name="Default" '
              'style:data-style-name="N10"/></office:styles></office:document-styles>')


def _cell(value: float | None = None, style: str | None = None, vtype: str = "float", extra: str = "",
          text: str | None = None) -> str:
    attrs = f' table:style-name="{style}"' if style else ""
    if value is not None:
        attrs += f' office:value-type="{vtype}" office:value="{value}"'
    body = f"<text:p>{text}</text:p>" if text is not None else ""
    return f"<table:table-cell{attrs}{extra}>{body}</table:table-cell>"


def _row(*cells: str, extra: str = "") -> str:
    return f"<table:table-row{extra}>{''.join(cells)}</table:table-row>"


def _ods(rows: str, columns: str = "", sheet: str = SHEET, styles_xml: str | None = STYLES_XML) -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
               f"<office:automatic-styles>{DATA_STYLES}{CELL_STYLES}</office:automatic-styles>"
               "<office:body><office:spreadsheet>"
               # a sheet before the one asked for: its percent cell must not be reported
               f'<table:table table:name="Hướng dẫn">{_row(_cell(0.5, vtype="percentage"))}</table:table>'
               f'<table:table table:name="{sheet}">{columns}{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        if styles_xml is not None:
            zf.writestr("styles.xml", styles_xml)
    return buf.getvalue()


EMPTY = '<table:table-cell table:number-columns-repeated="{}"/>'


def test_ods_number_styles():
    rows = _row(
        _cell(0.295, "pct"),                        # A1 percent through its data style
        _cell(0.295, vtype="percentage"),           # B1 percentage value, no data style: LibreOffice shows 29.5%
        _cell(0.295, "plain", vtype="percentage"),  # C1 percentage value but a "0.00" style: shows 0.30
        _cell(0.295, "inherits"),                   # D1 percent through the parent named style in styles.xml
        _cell(1234567, "thousand"),                 # E1 1.235
        _cell(2500000, "million"),                  # F1 2,5 tr
        _cell(12.5, "literal"),                     # G1 12,5%
        _cell(46204, "date"),                       # H1 a date through a float with a date style
        _cell(None, "date", extra=' office:value-type="date" office:date-value="2026-07-01"'),  # I1
        _cell(-5, "section"),                       # J1 a four-part format with a scaling section
        _cell(7.25, "plain"),                       # K1 only rounds
        _cell(None, "pct", extra=' office:value-type="string"', text="29,5%"),  # L1 text: not a number
        _cell(0.295, "general", vtype="percentage"),  # M1 percentage value through General: shows 29.5%
        _cell(0.295, "general"),                    # N1 a float through General: 0.295
    )
    cells = read_cells(_ods(rows), "ods", SHEET)
    assert _facts(cells) == {
        "percent": {(0, 0), (0, 1), (0, 3), (0, 12)},
        "misleading": {(0, 4): "#,##0,", (0, 5): '0.0,," tr"', (0, 6): '0.0"%"', (0, 9): "-0,"},
        "dates": {(0, 7), (0, 8)}, "errors": {}, "formulas": set(), "merged": []}


def test_ods_formats_that_show_nothing():
    rows = _row(_cell(85000, "nothing"), _cell(-3, "nothing"), _cell(0, "zero"), _cell(5, "zero"), _cell(-5, "zero"),
                _cell(0, "plain"))
    cells = read_cells(_ods(rows), "ods", SHEET)
    assert set(cells.blank_shown) == {(0, 0), (0, 1), (0, 2)}
    assert cells.unseen(0, 2) == "format" and cells.unseen(0, 3) is None


def test_ods_hidden_filtered_and_collapsed_rows_and_hidden_columns():
    """table:visibility 'collapse' (hidden by hand or in a collapsed group) and 'filter' (an AutoFilter);
    only rows that hold something are recorded, so LibreOffice's hidden tail of a million rows costs nothing."""
    columns = ('<table:table-column table:number-columns-repeated="2"/>'
               '<table:table-column table:visibility="collapse"/>'
               '<table:table-column table:number-columns-repeated="16381"/>')
    rows = (_row(_cell(1), _cell(2), _cell(3))
            + _row(_cell(4), extra=' table:visibility="collapse"')
            + _row(_cell(5), extra=' table:visibility="filter"')
            + "<table:table-row-group>" + _row(_cell(6), extra=' table:visibility="collapse"') + "</table:table-row-group>"
            + _row(EMPTY.format(3), extra=' table:visibility="collapse"')
            + _row(EMPTY.format(16384), extra=' table:number-rows-repeated="1048000" table:visibility="collapse"'))
    cells = read_cells(_ods(rows, columns), "ods", SHEET)
    assert cells.hidden_rows == {1, 2, 3}
    assert 2 in cells.hidden_cols and {0, 1, 3} & cells.hidden_cols == set()
    assert [cells.unseen(0, c) for c in range(3)] == [None, None, "column"]
    assert cells.unseen(1, 0) == "row"


def test_xlsx_formats_that_show_nothing_and_hidden_rows():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for col, (value, code) in enumerate([(85000, ";;;"), (0, "0;-0;;@"), (5, "0;-0;;@"), (-5, "0;;"), (7, "0.0")], 1):
        ws.cell(1, col, value).number_format = code
    ws.cell(3, 1, 1)
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["F"].hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    cells = read_cells(buf.getvalue(), "xlsx", SHEET)
    assert cells.blank_shown == {(0, 0): ";;;", (0, 1): "0;-0;;@", (0, 3): "0;;"}
    assert cells.hidden_rows == {2} and cells.hidden_cols == {5}


def test_ods_styles_from_rows_and_columns():
    """A cell without a style of its own is shown through the row's, else the column's default style."""
    columns = ('<table:table-column table:number-columns-repeated="3" table:default-cell-style-name="plain"/>'
               '<table:table-column table:default-cell-style-name="pct"/>'
               '<table:table-column table:number-columns-repeated="16380"/>')
    rows = (_row(_cell(1), _cell(2), _cell(3), _cell(0.4), _cell(5))
            + _row(_cell(1), _cell(0.2), extra=' table:default-cell-style-name="thousand"'))
    cells = read_cells(_ods(rows, columns), "ods", SHEET)
    assert (cells.percent, cells.misleading) == ({(0, 3)}, {(1, 0): "#,##0,", (1, 1): "#,##0,"})


def test_ods_repeats_spans_and_row_groups():
    """Repeated rows and cells count once per repeat; spans and covered cells; header rows and row groups."""
    rows = (
        "<table:table-header-rows>"
        + _row(_cell(None, extra=' table:number-columns-spanned="3" table:number-rows-spanned="2"', text="Tiêu đề"),
               '<table:covered-table-cell table:number-columns-repeated="2"/>', _cell(0.1, "pct"))
        + _row('<table:covered-table-cell table:number-columns-repeated="3"/>', _cell(0.2, "pct"))
        + "</table:table-header-rows><table:table-row-group>"
        + _row(EMPTY.format(2), _cell(0.3, "pct", extra=' table:number-columns-repeated="2"'),
               extra=' table:number-rows-repeated="3"')                           # rows 2–4, columns 2–3
        + "</table:table-row-group>"
        + _row(EMPTY.format(16384), extra=' table:number-rows-repeated="1048000"')   # LibreOffice's tail
        + _row(_cell(0.9, "pct"))                                                 # row 1 048 005
    )
    cells = read_cells(_ods(rows), "ods", SHEET)
    assert cells.merged == [(0, 0, 1, 2)]
    assert cells.percent == {(0, 3), (1, 3), (2, 2), (2, 3), (3, 2), (3, 3), (4, 2), (4, 3), (1048005, 0)}


def test_ods_error_cells_and_formulas_without_a_result():
    error = ' table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"'
    rows = (
        _row(EMPTY.format(1), _cell(None, extra=error, text="#DIV/0!"),
             _cell(None, extra=error.replace("1/0", "[.Z99]+") + ' table:number-columns-repeated="2"', text="Err:502"),
             _cell(None, extra=' table:formula="of:=NA()" calcext:value-type="error"', text="#N/A"))
        + _row(_cell(None, extra=' table:formula="of:=SUM([.A1:.A3])"'),          # never calculated
               _cell(6, extra=' table:formula="of:=SUM([.A1:.A3])"', text="6"),     # calculated: a value
               _cell(None, extra=' office:value-type="string"', text="#REF!"))     # typed text, not an error
    )
    cells = read_cells(_ods(rows), "ods", SHEET)
    assert cells.errors == {(0, 1): "#DIV/0!", (0, 2): "Err:502", (0, 3): "Err:502", (0, 4): "#N/A"}
    assert cells.formulas == {(1, 0)}
    assert (cells.percent, cells.misleading, cells.dates) == (set(), {}, set())


def test_ods_without_styles_xml_and_a_nested_table():
    """No styles.xml (written by a program): the content's own styles still count; a table inside a cell
    is not part of the sheet's grid."""
    nested = (f'<table:table-cell><table:table table:name="inner">{_row(_cell(0.7, "pct"), _cell(0.8, "pct"))}'
              "</table:table></table:table-cell>")
    rows = _row(nested, _cell(0.5, "pct")) + _row(_cell(0.6, "inherits"))
    cells = read_cells(_ods(rows, styles_xml=None), "ods", SHEET)
    assert cells.percent == {(0, 1)}   # "inherits" needs the Percent style of styles.xml, absent here


@pytest.mark.parametrize("damage", [
    lambda xml: xml[: len(xml) // 2],                                     # cut in the middle
    lambda xml: xml.replace(b"</table:table-row>", b"</table:row>", 1),   # not well-formed
    lambda xml: xml.replace(b'table:number-rows-repeated="3"', b'table:number-rows-repeated="many"'),
    lambda xml: xml.replace(b'table:number-rows-repeated="3"', b'table:number-rows-repeated="999999999"'),
])
def test_a_corrupt_content_xml_is_unreadable(damage):
    good = _ods(_row(_cell(0.1, "pct"), extra=' table:number-rows-repeated="3"') + _row(_cell(0.2, "pct")))
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        content = zf.read("content.xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("content.xml", damage(content))
        zf.writestr("styles.xml", STYLES_XML)
    with pytest.raises(CellsUnreadable):
        read_cells(buf.getvalue(), "ods", SHEET)


def test_an_ods_whose_repeats_stand_for_too_many_cells_is_unreadable():
    """A whole sheet of percent cells in a few bytes (every row, every column): refused, not expanded."""
    rows = _row(_cell(0.5, "pct", extra=' table:number-columns-repeated="16384"'),
                extra=' table:number-rows-repeated="1048576"')
    with pytest.raises(CellsUnreadable, match="more than"):
        read_cells(_ods(rows), "ods", SHEET)


def test_an_ods_without_content_xml_or_not_a_zip_is_unreadable():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("styles.xml", STYLES_XML)
    with pytest.raises(CellsUnreadable, match="content.xml"):
        read_cells(buf.getvalue(), "ods", SHEET)
    with pytest.raises(CellsUnreadable):
        read_cells(b"PK\x03\x04 not really", "ods", SHEET)


def large_ods(rows: int, percent_rows: tuple[int, ...]) -> bytes:
    """A sheet of ``rows`` rows of a code, a text and a number, with percent cells in ``percent_rows``, then
    LibreOffice's trailing repeated empty row (bench/ may use this too)."""
    body = []
    for r in range(rows):
        value = _cell(0.25, "pct") if r in percent_rows else _cell(r * 3 + 0.5)
        body.append(_row(_cell(None, extra=' office:value-type="string"', text=f"bulk.row-{r}"),
                         _cell(None, extra=' office:value-type="string"', text="Tỉnh"), value))
    body.append(_row(EMPTY.format(3), extra=f' table:number-rows-repeated="{1048576 - rows}"'))
    return _ods("".join(body))


def test_a_large_ods_is_read_to_the_end():
    """50 000 rows: nothing is skipped for size; the percent cells at the very end are found."""
    cells = read_cells(large_ods(50_000, (49_990, 49_999)), "ods", SHEET)
    assert cells.percent == {(49_990, 2), (49_999, 2)}
    assert (cells.misleading, cells.errors, cells.merged) == ({}, {}, [])


# --- number format codes (Excel) -------------------------------------------------------------------------------

@pytest.mark.parametrize("code, kind", [
    ("0%", "percent"),
    ("0.0%", "percent"),
    ("0.00 %", "percent"),
    ("#,##0", None),
    ("#,##0.00", None),
    ("0.0", None),
    ("#,##0,", "misleading"),
    ('0.0,,"tr"', "misleading"),
    ('#,##0,"k";-#,##0,"k"', "misleading"),
    ('0.0"%"', "misleading"),
    ("0\\%", "misleading"),
    ("dd/mm/yyyy", "date"),
    ("[$-42A]dd/mm/yyyy", "date"),
    ("h:mm:ss", "date"),
    ("[h]:mm", "date"),
    ("[mm]", "date"),
    ("mm:ss.0", "date"),
    ("yyyy-mm-dd hh:mm:ss.000", "date"),
    ("[$-42A]#,##0", None),
    ('#,##0 "đồng"', None),
    ('#,##0.0" ha"', None),
    ("General", None),
    ("general", None),
    ("", None),
    ("@", None),
    ("0.00E+00", None),
    ("#,##0.00_);[Red](#,##0.00)", None),
    ("[Red]0.0%", "percent"),
])
def test_classify_format(code, kind):
    assert classify_format(code) == kind
