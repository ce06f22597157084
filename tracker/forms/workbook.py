"""The Excel form a unit fills each period, built with openpyxl.

One workbook per unit and period:

- "Hướng dẫn": how to fill the form (Vietnamese, one English line), and the unit, period and form
  version in labelled cells — a visible copy of the metadata for readers that cannot see hidden sheets;
- "Số liệu": one row per numeric or direction target (per sector where the target applies per sector),
  codes, names, units, targets and the previous value locked; value, note and source to fill. A hidden,
  locked row above the header marks each column with its key ("nq45:value" …): the marker moves with its
  column when a clerk inserts a working column (allowed), so the reader never takes another column for
  the value column;
- "Nhiệm vụ": one row per task, with a status drop-down, a completion date and the evidence;
- "_meta": very hidden key/value rows (form, unit, period, frequency, form_version, created_at).

The reader (tracker/ingest/) finds columns by the marker row (version 2) or by their exact header labels
(version 1 forms and bulk files), so the markers and labels below are the contract between the two;
``COLUMN_LABELS`` holds both languages.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.catalogue import Catalogue, Indicator
from tracker.core.measures import measure
from tracker.core.i18n import fmt_target
from tracker.core.periods import parse_period
from tracker.forms.spec import (
    FORM_VERSION,
    MARKER_PREFIX,
    FORM_KIND,
    BULK_KIND,
    SHEET_INSTRUCTIONS,
    SHEET_DATA,
    SHEET_MILESTONES,
    SHEET_META,
    COLUMN_LABELS,
    DATA_COLUMNS,
    BULK_COLUMNS,
    MILESTONE_COLUMNS,
    FILL_COLUMNS,
    VALUE_STATUS_LABELS,
    SCOPE_LABELS,
    STATUS_LABELS,
    INSTRUCTION_KEYS,
)


_WIDTHS = {"code": 34, "sector": 16, "unit": 16, "period": 11, "name": 52, "measure": 13, "target": 30,
           "previous": 13, "value": 15, "scope": 24, "note": 28, "source": 28, "task": 60, "agency": 30, "due": 26,
           "status": 18, "completed_on": 16, "evidence": 30, "value_status": 14}
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_FILL_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill, pale yellow
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_ROW, _SUBTITLE_ROW, _MARKER_ROW, _HEADER_ROW = 1, 2, 3, 4


def form_filename(unit: str, period: str, agency: str | None = None) -> str:
    return f"nq45_{unit}_{agency + '_' if agency else ''}{parse_period(period).code}.xlsx"


def label(field: str, lang: str = "vi") -> str:
    vi, en = COLUMN_LABELS[field]
    return en if lang == "en" else vi


def fits_period(indicator: Indicator, period_code: str) -> bool:
    """Whether a form for ``period_code`` carries this target: quarterly ones in quarters, yearly in years."""
    return (indicator.reporting_frequency == "quarter") == parse_period(period_code).is_quarter


def _for_agency(indicator: Indicator, agency: str | None) -> bool:
    """Whether a form for ``agency`` (None: the whole unit's form) carries this target."""
    return agency is None or indicator.agency_id == agency


def data_rows(catalogue: Catalogue, unit: str, period: str, agency: str | None = None) -> list[tuple[Indicator, str, str]]:
    """(indicator, sector id, sector name) for each row of the data sheet, in catalogue order; with ``agency``,
    only the targets that agency leads."""
    rows = []
    for ind in catalogue.reportable_indicators_for(unit):
        if not (ind.is_numeric or ind.kind == "direction") or not fits_period(ind, period) or not _for_agency(ind, agency):
            continue
        if ind.sectors:
            rows.extend((ind, s.id, s.name.vi) for s in ind.sectors)
        else:
            rows.append((ind, "", ""))
    return rows


def milestone_rows(catalogue: Catalogue, unit: str, period: str, agency: str | None = None) -> list[Indicator]:
    return [i for i in catalogue.reportable_indicators_for(unit)
            if i.is_milestone and fits_period(i, period) and _for_agency(i, agency)]


def _put(ws, row: int, col: int, value):
    """A cell holding ``value``; text is always text (openpyxl makes any text starting with "=" a formula, and a
    programme added by an admin could name a target that way)."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _meta_sheet(wb: Workbook, meta: dict[str, str]) -> None:
    ws = wb.create_sheet(SHEET_META)
    for key, value in meta.items():
        ws.append([key, value])
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _header(ws, fields: tuple[str, ...], lang: str) -> None:
    for col, field in enumerate(fields, 1):
        marker = ws.cell(_MARKER_ROW, col, MARKER_PREFIX + field)
        marker.protection = Protection(locked=True)
        marker.font = Font(color="FFFFFF", size=6)
        cell = ws.cell(_HEADER_ROW, col, label(field, lang))
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS[field]
    ws.row_dimensions[_HEADER_ROW].height = 32
    ws.row_dimensions[_MARKER_ROW].hidden = True


def _title(ws, text: str, subtitle: str, width: int) -> None:
    ws.cell(_TITLE_ROW, 1, text).font = Font(bold=True, size=14, color="1F4E78")
    ws.merge_cells(start_row=_TITLE_ROW, start_column=1, end_row=_TITLE_ROW, end_column=width)
    ws.cell(_SUBTITLE_ROW, 1, subtitle).font = Font(italic=True, color="595959")
    ws.merge_cells(start_row=_SUBTITLE_ROW, start_column=1, end_row=_SUBTITLE_ROW, end_column=width)
    ws.row_dimensions[_TITLE_ROW].height = 24


# Points per printed line of 11 pt text, and characters of ordinary text per unit of column width (a
# width counts "0" digits; Vietnamese words with their diacritics run a little wider once wrapped by word).
_LINE_PT = 15
_CHARS_PER_WIDTH = 1.0


def _lines(text, width: float) -> int:
    """Printed lines a wrapped cell of ``width`` needs: every hard line break, each long line by words."""
    if text is None or text == "":
        return 1
    per_line = max(1, int(width * _CHARS_PER_WIDTH))
    total = 0
    for part in str(text).split("\n"):
        used, lines = 0, 1
        for word in part.split():
            need = len(word) + (1 if used else 0)
            if used and used + need > per_line:
                lines += 1 + (len(word) - 1) // per_line
                used = len(word) % per_line or per_line
            else:
                used += need
        total += lines
    return total


def _fit_row(ws, row: int, texts: dict[int, object], widths: dict[int, float]) -> None:
    """A row height that shows every wrapped cell whole: long names no longer run over the next row
    when printed (Excel does not fit row heights of a generated file by itself)."""
    lines = max((_lines(t, widths[c]) for c, t in texts.items()), default=1)
    ws.row_dimensions[row].height = _LINE_PT * lines + 4


def _print_setup(ws, last_row: int, last_col: int, landscape: bool = True, one_page: bool = False) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    if not one_page:
        ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
        ws.oddFooter.center.text = "Trang &P / &N"


def _signatures(ws, row: int, left_col: int, right_col: int, lang: str) -> int:
    """The block an office signs on paper: "Người lập biểu" and "Thủ trưởng đơn vị" with the date line.

    Its cells are outside the columns the reader takes values from, so a signed and scanned-then-retyped
    form reads as before. Returns the last row used."""
    bold, italic = Font(bold=True), Font(italic=True, color="595959")
    centre = Alignment(horizontal="center")
    date_line = "…………, ngày …… tháng …… năm 20……" if lang != "en" else "…………, day …… month …… year 20……"
    row += 2
    _put(ws, row, right_col, date_line).font = italic
    row += 1
    _put(ws, row, left_col, "NGƯỜI LẬP BIỂU" if lang != "en" else "PREPARED BY").font = bold
    _put(ws, row, right_col, "THỦ TRƯỞNG ĐƠN VỊ" if lang != "en" else "HEAD OF THE UNIT").font = bold
    row += 1
    _put(ws, row, left_col, "(Ký, ghi rõ họ tên)" if lang != "en" else "(signature, full name)").font = italic
    _put(ws, row, right_col, "(Ký, ghi rõ họ tên, đóng dấu)" if lang != "en" else "(signature, full name, seal)").font = italic
    for r in range(row - 2, row + 1):
        for c in (left_col, right_col):
            ws.cell(r, c).alignment = centre
    row += 4   # room to sign
    _put(ws, row, left_col, "…………………………")
    _put(ws, row, right_col, "…………………………")
    ws.cell(row, left_col).alignment = ws.cell(row, right_col).alignment = centre
    return row


def _protect(ws) -> None:
    # No password: protection is there so nobody overwrites a code by accident, not to keep secrets.
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # column widths may still be changed
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    # Clerks add working columns; a form that forbids it gets pasted into a fresh workbook instead.
    ws.protection.insertColumns = False


def _value_rule(ind: Indicator) -> tuple[str, str | None, str | None]:
    """(key, minimum, maximum) of the data validation for an indicator's value cell (tracker.core.measures)."""
    if ind.kind == "growth" or ind.unit == "percent_per_year":
        return "growth", "-1000", "1000"
    if ind.unit == "percent":
        return "percent", "0", "100"
    m = measure(ind.unit)
    if ind.unit == "rank":
        return "rank", f"{m.low:g}", f"{m.high:g}"
    if m.whole:
        return "whole", "0", None
    return "count", "0", None


def _validation(key: str, low: str, high: str | None, lang: str) -> DataValidation:
    kind = "whole" if key in ("whole", "rank") else "decimal"
    if high is None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=low, allow_blank=True)
    else:
        dv = DataValidation(type=kind, operator="between", formula1=low, formula2=high, allow_blank=True)
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    vi = {"count": "Nhập một số không âm, ví dụ 90000 hoặc 12,5.",
          "whole": "Nhập số nguyên không âm (đếm người, doanh nghiệp, bài báo, phát minh, văn bằng, công trình), ví dụ 90000.",
          "rank": f"Nhập thứ hạng là số nguyên từ {low} đến {high}.",
          "percent": "Nhập tỷ lệ phần trăm từ 0 đến 100, ví dụ 5 hoặc 0,5 (không nhập 0,05 cho 5 %).",
          "growth": "Nhập tốc độ tăng (%), có thể âm, ví dụ 7 hoặc -1,5."}[key]
    en = {"count": "Enter a number ≥ 0.", "whole": "Enter a whole number ≥ 0 (a count).",
          "rank": f"Enter a whole rank from {low} to {high}.",
          "percent": "Enter a percentage between 0 and 100 (5 for 5 %).",
          "growth": "Enter a growth rate in %, may be negative."}[key]
    dv.errorTitle = "Giá trị không hợp lệ" if lang != "en" else "Invalid value"
    dv.error = vi if lang != "en" else en
    dv.promptTitle = "Giá trị" if lang != "en" else "Value"
    dv.prompt = vi if lang != "en" else en
    dv.showInputMessage = True
    return dv


def _instructions(wb: Workbook, catalogue: Catalogue, unit: str, period: str, lang: str, bulk: bool = False,
                  window=None, agency=None) -> None:
    ws = wb.active
    ws.title = SHEET_INSTRUCTIONS
    p = parse_period(period) if not bulk else None
    unit_name = catalogue.name(unit, lang) if catalogue is not None and unit in catalogue.jurisdictions else unit
    ws["A1"] = ("Biểu báo cáo số liệu thực hiện Nghị quyết 45-NQ/TW" if lang != "en"
                else "Resolution 45-NQ/TW progress report form")
    ws["A1"].font = Font(bold=True, size=14, color="1F4E78")
    lines = [
        ("Đơn vị báo cáo" if lang != "en" else "Reporting unit", unit_name),
        ("Kỳ báo cáo" if lang != "en" else "Period", p.label(lang) if p else "*"),
        (INSTRUCTION_KEYS["unit"][lang == "en"], unit),
        (INSTRUCTION_KEYS["period"][lang == "en"], p.code if p else "*"),
        (INSTRUCTION_KEYS["form_version"][lang == "en"], FORM_VERSION),
    ]
    if agency is not None:
        lines.insert(1, ("Cơ quan chủ trì" if lang != "en" else "Lead agency", agency.name.get(lang)))
        lines.append((INSTRUCTION_KEYS["agency"][lang == "en"], agency.id))
    if window is not None:
        from tracker.core.calendar import window_line

        lines.insert(2, ("Thời hạn" if lang != "en" else "Window", window_line(window, lang)))
    for n, (key, value) in enumerate(lines, 3):
        ws.cell(n, 1, key).font = Font(bold=True)
        ws.cell(n, 2, value)
    steps = [
        "Cách điền:",
        "1. Trang “Số liệu”: điền cột “Giá trị” (ô màu vàng) cho từng chỉ tiêu; có thể ghi chú và nguồn số liệu. "
        "Các cột khác đã khóa, không sửa mã chỉ tiêu.",
        "2. Số nhập theo cách thông thường: 90000 hoặc 90.000; số thập phân dùng dấu phẩy (0,5). "
        "Tỷ lệ nhập theo phần trăm: 5 nghĩa là 5 %, 0,5 nghĩa là 0,5 %.",
        "3. Số lượng trong kỳ (bài báo, văn bằng…) là số phát sinh trong kỳ; quy mô (doanh nghiệp, người…) là số có đến cuối kỳ.",
        "4. Chỉ tiêu chưa có số liệu thì để trống; không ghi “0” nếu chưa thống kê.",
        "   Chỉ tiêu đặt cho địa bàn cũ (trước khi sáp nhập, ghi ở tên chỉ tiêu): ghi số liệu của địa bàn đó. Nếu không tách "
        "được, chọn “Không tách được số liệu địa bàn cũ” ở cột “Phạm vi số liệu” và ghi số của cả đơn vị; số này được lưu "
        "riêng, không so với chỉ tiêu của địa bàn cũ.",
        "   Có thể chèn thêm cột làm việc; không xóa, không sửa dòng tiêu đề và cột của biểu mẫu.",
        "5. Trang “Nhiệm vụ”: chọn trạng thái trong danh sách; nếu “Hoàn thành” thì ghi ngày hoàn thành và số văn bản làm minh chứng.",
        "6. Lưu dưới dạng .xlsx (không dùng .xlsm, không đặt mật khẩu) rồi nộp ở trang “Nhập số liệu”. "
        "Không đổi tên hay xóa các trang tính.",
        "",
        "English: fill the yellow “Giá trị” (value) cells and the task status, save as .xlsx (no macros, no password) "
        "and upload it on the “Nhập số liệu” (Upload data) page.",
    ]
    # Each step across both columns, wrapped, its row fitted: the sheet prints on one A4 page, portrait.
    widths = {1: 24, 2: 66}
    last = 3 + len(lines)
    for n, text in enumerate(steps, 3 + len(lines) + 1):
        ws.cell(n, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=2)
        ws.row_dimensions[n].height = _LINE_PT * _lines(text, sum(widths.values()) - 2) + 3
        last = n
    ws.cell(3 + len(lines) + 1, 1).font = Font(bold=True)
    ws.column_dimensions["A"].width = widths[1]
    ws.column_dimensions["B"].width = widths[2]
    _print_setup(ws, last, 2, landscape=False, one_page=True)
    ws.protection.sheet = True


def build_form(catalogue: Catalogue, unit: str, period: str, previous: dict[str, float] | None = None,
               lang: str = "vi", window=None, agency: str | None = None) -> bytes:
    """The form ``unit`` fills for ``period`` ("2026-Q3" or "2026"), as .xlsx bytes.

    ``window`` (tracker.core.calendar.Window): the report's data window and deadline, said on the form.
    ``agency``: an agency id of the unit (Catalogue.agencies_for): the form holds only the targets it leads
    and names it in its metadata; None: the whole unit's form. An id that leads none raises ValueError."""
    previous = previous or {}
    p = parse_period(period)
    unit_name = catalogue.name(unit, lang)
    lead = None
    if agency is not None:
        from tracker.catalogue.agencies import unknown_agency_message

        lead = catalogue.agency(unit, agency)
        if lead is None:
            raise ValueError(unknown_agency_message(catalogue, unit, agency, lang))
        unit_name = f"{unit_name} — {lead.name.get(lang)}"
    wb = Workbook()
    _instructions(wb, catalogue, unit, p.code, lang, window=window, agency=lead)
    title = (f"Biểu báo cáo số liệu thực hiện Nghị quyết 45-NQ/TW — {unit_name} — {p.label('vi')}" if lang != "en"
             else f"Resolution 45-NQ/TW progress report — {unit_name} — {p.label('en')}")
    span = f"{p.start():%d/%m/%Y} – {p.end():%d/%m/%Y}"
    if window is not None:
        from tracker.core.calendar import window_line

        span = window_line(window, lang)

    # --- data -----------------------------------------------------------------------------------
    ws = wb.create_sheet(SHEET_DATA)
    _title(ws, title, (f"Kỳ báo cáo: {p.label('vi')} ({span}). Điền cột “Giá trị” (ô màu vàng); để trống nếu chưa có số liệu."
                       if lang != "en" else f"Period: {p.label('en')} ({span}). Fill the yellow “Value” cells; "
                                            "leave blank when there is no figure."), len(DATA_COLUMNS))
    _header(ws, DATA_COLUMNS, lang)
    col = {f: n for n, f in enumerate(DATA_COLUMNS, 1)}
    data_widths = {n: _WIDTHS[f] for f, n in col.items()}
    rules: dict[str, tuple[DataValidation, list[str]]] = {}
    scope_cells: list[str] = []
    # A report whose data window closes before the period ends (Decree 09: the 14th of its last month)
    # carries estimates ("ước thực hiện") unless the clerk says otherwise; after the period, official.
    default_status = "estimate" if window is not None and window.data_to < p.end() else "official"
    status_label = VALUE_STATUS_LABELS[default_status][lang == "en"]
    row = _HEADER_ROW
    for ind, sector, sector_name in data_rows(catalogue, unit, p.code, agency):
        row += 1
        name = ind.name.get(lang)
        if sector:
            sector_label = next(s.name.get(lang) for s in ind.sectors if s.id == sector)
            name = f"{name} — {sector_label}"
        old_area = catalogue.covers_old_territory(ind, unit)
        if old_area:
            territory = catalogue.territory_of(ind)
            area = territory.label.get(lang) if territory else catalogue.name(ind.jurisdiction, lang)
            name += f" — {'số liệu của' if lang != 'en' else 'figure for'} {area}"
        prev = previous.get(ind.id) if not sector else None
        values = {"code": ind.id, "sector": sector or None, "name": name, "measure": ind.unit_label(lang),
                  "target": fmt_target(ind, lang), "previous": prev, "value": None,
                  "value_status": status_label, "scope": SCOPE_LABELS["target"][lang == "en"] if old_area else None, "note": None, "source": None}
        _fit_row(ws, row, {n: values[f] for f, n in col.items()}, data_widths)
        for field, n in col.items():
            cell = _put(ws, row, n, values[field])
            cell.border = _BORDER
            cell.alignment = _WRAP
            if field in FILL_COLUMNS or (field == "scope" and old_area):
                cell.protection = Protection(locked=False)
                cell.fill = _FILL_FILL
            else:
                cell.protection = Protection(locked=True)
        if prev is not None:
            ws.cell(row, col["previous"]).number_format = "#,##0" if float(prev).is_integer() else "#,##0.0#"
        key, low, high = _value_rule(ind)
        if key not in rules:
            rules[key] = (_validation(key, low, high, lang), [])
        rules[key][1].append(f"{get_column_letter(col['value'])}{row}")
        if old_area:
            scope_cells.append(f"{get_column_letter(col['scope'])}{row}")
    if row > _HEADER_ROW:
        status_dv = DataValidation(type="list", allow_blank=False, formula1='"' + ",".join(
            labels[lang == "en"] for labels in VALUE_STATUS_LABELS.values()) + '"')
        status_dv.showErrorMessage = True
        status_dv.error = ("Chọn trong danh sách." if lang != "en" else "Pick one from the list.")
        ws.add_data_validation(status_dv)
        letter = get_column_letter(col["value_status"])
        status_dv.add(f"{letter}{_HEADER_ROW + 1}:{letter}{row}")
    if scope_cells:
        scope_dv = DataValidation(type="list", allow_blank=True, formula1='"' + ",".join(
            labels[lang == "en"] for labels in SCOPE_LABELS.values()) + '"')
        scope_dv.showErrorMessage = True
        scope_dv.error = ("Chọn trong danh sách." if lang != "en" else "Pick one from the list.")
        ws.add_data_validation(scope_dv)
        for ref in scope_cells:
            scope_dv.add(ref)
    for dv, cells in rules.values():
        ws.add_data_validation(dv)
        for ref in cells:
            dv.add(ref)
    ws.freeze_panes = ws.cell(_HEADER_ROW + 1, col["name"] + 1)
    last = _signatures(ws, row, col["name"], col["note"], lang)
    _print_setup(ws, last, len(DATA_COLUMNS))
    _protect(ws)

    # --- milestones -------------------------------------------------------------------------------
    ms = wb.create_sheet(SHEET_MILESTONES)
    _title(ms, title.replace("số liệu", "tiến độ nhiệm vụ") if lang != "en" else title.replace("progress report", "task report"),
           "Chọn trạng thái trong danh sách; “Hoàn thành” cần ngày hoàn thành và minh chứng (số, ngày văn bản)."
           if lang != "en" else "Pick a status from the list; “Done” needs the completion date and evidence.",
           len(MILESTONE_COLUMNS))
    _header(ms, MILESTONE_COLUMNS, lang)
    mcol = {f: n for n, f in enumerate(MILESTONE_COLUMNS, 1)}
    statuses = [STATUS_LABELS[s][lang == "en"] for s in STATUS_LABELS]
    status_dv = DataValidation(type="list", formula1='"' + ",".join(statuses) + '"', allow_blank=True)
    status_dv.showErrorMessage = True
    status_dv.errorTitle = "Trạng thái không hợp lệ" if lang != "en" else "Invalid status"
    status_dv.error = ("Chọn một trạng thái trong danh sách: " if lang != "en" else "Pick one of: ") + ", ".join(statuses)
    date_dv = DataValidation(type="date", operator="between", formula1="DATE(2020,1,1)", formula2="DATE(2035,12,31)",
                             allow_blank=True)
    date_dv.showErrorMessage = True
    date_dv.errorTitle = "Ngày không hợp lệ" if lang != "en" else "Invalid date"
    date_dv.error = ("Nhập ngày dạng ngày/tháng/năm, ví dụ 15/08/2026." if lang != "en"
                     else "Enter a date, e.g. 15/08/2026.")
    ms.add_data_validation(status_dv)
    ms.add_data_validation(date_dv)
    row = _HEADER_ROW
    for ind in milestone_rows(catalogue, unit, p.code, agency):
        row += 1
        name = ind.name.get(lang)
        if catalogue.covers_old_territory(ind, unit):
            territory = catalogue.territory_of(ind)
            area = territory.label.get(lang) if territory else catalogue.name(ind.jurisdiction, lang)
            name += f" — {'nhiệm vụ của' if lang != 'en' else 'task for'} {area}"
        values = {"code": ind.id, "task": name, "agency": ind.agency.get(lang) if ind.agency else None,
                  "due": fmt_target(ind, lang), "status": None, "completed_on": None, "evidence": None}
        _fit_row(ms, row, {n: values[f] for f, n in mcol.items()}, {n: _WIDTHS[f] for f, n in mcol.items()})
        for field, n in mcol.items():
            cell = _put(ms, row, n, values[field])
            cell.border = _BORDER
            cell.alignment = _WRAP
            if field in FILL_COLUMNS:
                cell.protection = Protection(locked=False)
                cell.fill = _FILL_FILL
        ms.cell(row, mcol["completed_on"]).number_format = "DD/MM/YYYY"
        status_dv.add(f"{get_column_letter(mcol['status'])}{row}")
        date_dv.add(f"{get_column_letter(mcol['completed_on'])}{row}")
    ms.freeze_panes = ms.cell(_HEADER_ROW + 1, mcol["task"] + 1)
    # The reader takes a task row when its status, date or evidence is filled: the block stays left of them.
    last = _signatures(ms, row, mcol["task"], mcol["due"], lang)
    _print_setup(ms, last, len(MILESTONE_COLUMNS))
    _protect(ms)

    meta = {"form": FORM_KIND, "unit": unit, "period": p.code,
            "frequency": "quarter" if p.is_quarter else "year", "form_version": FORM_VERSION,
            "created_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}
    if agency is not None:
        meta["agency"] = agency
    _meta_sheet(wb, meta)
    # Sheets cannot be renamed, moved or deleted; the reader relies on their names.
    wb.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_bulk_form(rows: Iterable[tuple[str, str, str, str, float]], lang: str = "vi") -> bytes:
    """A data sheet of (indicator_id, unit, period, sector, value) rows for bulk loads and benchmarks.

    Written in openpyxl's write-only mode (streamed, constant memory): 100.000 rows take seconds.
    """
    wb = Workbook(write_only=True)
    info = wb.create_sheet(SHEET_INSTRUCTIONS)
    info.append(["Biểu nạp số liệu hàng loạt (nhiều đơn vị, nhiều kỳ) — Nghị quyết 45-NQ/TW" if lang != "en"
                 else "Bulk load form (several units and periods) — Resolution 45-NQ/TW"])
    info.append([])
    info.append([INSTRUCTION_KEYS["unit"][lang == "en"], "*"])
    info.append([INSTRUCTION_KEYS["period"][lang == "en"], "*"])
    info.append([INSTRUCTION_KEYS["form_version"][lang == "en"], FORM_VERSION])
    ws = wb.create_sheet(SHEET_DATA)
    for n, field in enumerate(BULK_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(n)].width = _WIDTHS[field]
    ws.freeze_panes = "A2"
    header = []
    for field in BULK_COLUMNS:
        cell = WriteOnlyCell(ws, label(field, lang))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    append = ws.append
    for indicator_id, unit, period, sector, value in rows:
        append([indicator_id, sector or None, unit, period, value])
    meta = wb.create_sheet(SHEET_META)
    for key, value in {"form": BULK_KIND, "unit": "*", "period": "*", "form_version": FORM_VERSION,
                       "created_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}.items():
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
