"""Value rules: from a cell to the number a person sees, within the limits of what it measures.

What is stored is the cell's value; for a percent-formatted cell in a row whose unit is %, the percentage a
person sees (0,295 shown as 29,5 % → 29,5). Formats that only round store the full value. A format that
changes the magnitude shown, a number shown as a date, an error cell or a formula never calculated is an
error naming the cell. Text is read the Vietnamese way (tracker.ingest.numbers). The kind of figure (estimate,
preliminary, official) of a row is read here too, from its label in either language.

Limits. Physical limits are errors: non-finite numbers, magnitudes above 10^12, negative counts, shares
outside 0–100 %, growth rates outside −100…+1.000 %/năm, fractions of a person or an enterprise, ranks
outside 1–63. Values implausible against the previous value (×3, or 20 percentage points) or against the
target (more than ten times it, or a level under a hundredth of a large one) are warnings the clerk confirms.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from tracker.catalogue import Indicator
from tracker.core.measures import GROWTH, MAX_MAGNITUDE, Measure, is_percent, measure
from tracker.core.i18n import fmt_number
from tracker.ingest.cells import SheetCells
from tracker.ingest.issues import CappedIssues
from tracker.ingest.layout import normalise, text
from tracker.ingest.numbers import parse_text
from tracker.forms.workbook import VALUE_STATUS_LABELS

MAX_TEXT = 2000
_VALUE_STATUS_BY_LABEL = {normalise(label): code for code, labels in VALUE_STATUS_LABELS.items() for label in labels}
_VALUE_STATUS_BY_LABEL.update({code: code for code in VALUE_STATUS_LABELS})
_VALUE_STATUS_HINT = ", ".join(f"“{vi}”" for vi, _ in VALUE_STATUS_LABELS.values())


def bounds(ind: Indicator) -> Measure:
    """The row of the indicator's unit of measure (bounds, whole or not); growth targets are yearly rates."""
    return GROWTH if ind.kind == "growth" else measure(ind.unit)


def fast_ok(value: float, ind: Indicator) -> bool:
    """True when a plain float needs no more checks (the bulk reader's common case)."""
    b = bounds(ind)
    return not is_percent(ind.unit) and b.low <= value <= b.high and (not b.whole or value.is_integer())


def _shown(cell) -> str:
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    if isinstance(cell, float):
        return fmt_number(cell) if math.isfinite(cell) and abs(cell) < 1e15 else repr(cell)
    return str(cell).strip()[:60]


def cell_value(cell, r: int, c: int, ind: Indicator, cells: SheetCells, issues: CappedIssues, sheet: str,
               letter: str) -> float | None:
    """The value a person sees in a filled cell, or None after reporting why it cannot be stored."""
    row, err = r + 1, issues.error
    what = f"chỉ tiêu “{ind.id}”"
    if (r, c) in cells.errors:
        shown = cells.errors[(r, c)]
        err("error_cell", f"Ô báo lỗi {shown} ({what}): công thức không tính được nên không có số liệu. Sửa công thức hoặc "
            "nhập thẳng con số; để trống nếu chưa có số liệu.",
            f"The cell shows the error {shown} (indicator “{ind.id}”): its formula has no result. Fix the formula or type "
            "the number; leave it blank when there is no figure.", sheet, row, letter)
        return None
    if (r, c) in cells.formulas:
        err("not_a_number", "Ô có công thức nhưng chưa có kết quả tính (tệp được tạo bằng chương trình, chưa mở bằng Excel). "
            "Hãy mở tệp trong Excel hoặc LibreOffice, lưu lại rồi nộp; hoặc nhập thẳng con số.",
            "The cell holds a formula with no calculated result (the file was written by a program and never opened "
            "in Excel). Open and save it in Excel or LibreOffice, or type the number itself.", sheet, row, letter)
        return None
    pct_text = False
    if isinstance(cell, float) or (isinstance(cell, int) and not isinstance(cell, bool)):
        value = float(cell)
        if (r, c) in cells.misleading:
            code = cells.misleading[(r, c)]
            err("misleading_format", f"Ô định dạng “{code}” nên hiển thị khác giá trị thật ({_shown(cell)}) ({what}). "
                "Đặt lại định dạng số thông thường (Format Cells → Number) và nhập đúng con số.",
                f"The cell's format “{code}” shows a different magnitude than its value ({cell!r}) (indicator “{ind.id}”). "
                "Set a plain number format and type the real figure.", sheet, row, letter)
            return None
        if (r, c) in cells.dates:
            err("misleading_format", f"Ô đang hiển thị dạng ngày tháng, không phải con số ({what}). Đặt định dạng số "
                "(Format Cells → Number) và nhập lại con số.",
                f"The cell is shown as a date, not a number (indicator “{ind.id}”). Set a number format and type the figure.",
                sheet, row, letter)
            return None
        if (r, c) in cells.percent:
            if not is_percent(ind.unit):
                err("misleading_format", f"Chỉ tiêu “{ind.id}” tính bằng {ind.unit_label()}, nhưng ô định dạng phần trăm (hiển thị "
                    f"{_shown(value * 100) if math.isfinite(value) else _shown(cell)} %). Đặt định dạng số thông thường và nhập đúng con số.",
                    f"This target counts {ind.unit_label('en')}, but the cell is formatted as a percentage. Set a plain number "
                    "format and type the figure.", sheet, row, letter)
                return None
            # in decimal, so that 0,295 shown as 29,5 % is stored as 29,5 and not 29,499999999999996
            value = float(Decimal(repr(value)) * 100)
    elif isinstance(cell, str):
        try:
            value, pct_text = parse_text(cell)
        except (ValueError, OverflowError):
            value = None
        if value is not None and pct_text and not is_percent(ind.unit):
            err("not_a_number", f"Chỉ tiêu này tính bằng {ind.unit_label()}, không phải phần trăm: bỏ dấu % ở “{cell.strip()[:60]}”.",
                f"This target is counted in {ind.unit_label('en')}, not percent: remove the % from “{cell.strip()[:60]}”.",
                sheet, row, letter)
            return None
    elif isinstance(cell, (dt.date, dt.time)):
        err("misleading_format", f"Ô đang hiển thị dạng ngày giờ ({_shown(cell)}), không phải con số ({what}). Đặt định dạng số "
            "(Format Cells → Number) và nhập lại con số.",
            f"The cell shows a date or time ({_shown(cell)}), not a number (indicator “{ind.id}”). Set a number format and "
            "type the figure.", sheet, row, letter)
        return None
    else:
        value = None
    if value is None or not math.isfinite(value):
        shown = _shown(cell)
        err("not_a_number", f"“{shown}” không phải là số. Nhập một số, ví dụ 90000, 90.000 hoặc 0,5; để trống nếu chưa có số liệu.",
            f"“{shown}” is not a number. Enter a number such as 90000, 90.000 or 0,5; leave blank when there is none.",
            sheet, row, letter)
        return None
    return check_bounds(value, ind, issues, sheet, row, letter)


def check_bounds(value: float, ind: Indicator, issues: CappedIssues, sheet: str, row: int, letter: str) -> float | None:
    err = issues.error
    b = bounds(ind)
    if abs(value) > MAX_MAGNITUDE:
        err("out_of_range", f"Giá trị {_shown(value)} quá lớn cho chỉ tiêu “{ind.id}” (tối đa {fmt_number(b.high)} "
            f"{ind.unit_label()}). Kiểm tra lại con số (có thể nhập thừa chữ số).",
            f"The value {value!r} is far too large for “{ind.id}” (at most {b.high:g} {ind.unit_label('en')}). "
            "Check the figure (perhaps extra digits).", sheet, row, letter)
        return None
    if value < 0 and b.low == 0:
        err("negative_value", f"Giá trị âm ({fmt_number(value)}) không hợp lệ cho chỉ tiêu này. Nhập số từ 0 trở lên.",
            f"A negative value ({value:g}) is not valid here. Enter 0 or more.", sheet, row, letter)
        return None
    if ind.unit == "percent" and ind.kind != "growth" and value > 100:
        err("over_100_percent", f"Tỷ lệ {fmt_number(value)} % vượt quá 100 %. Nhập tỷ lệ phần trăm từ 0 đến 100 (5 nghĩa là 5 %).",
            f"A share of {value:g} % is over 100 %. Enter a percentage from 0 to 100 (5 means 5 %).", sheet, row, letter)
        return None
    if not b.low <= value <= b.high:
        err("out_of_range", f"Giá trị {fmt_number(value)} {ind.unit_label()} nằm ngoài giới hạn có thể có của chỉ tiêu "
            f"“{ind.id}” (từ {fmt_number(b.low)} đến {fmt_number(b.high)}). Kiểm tra lại con số và đơn vị tính.",
            f"The value {value:g} {ind.unit_label('en')} is outside what “{ind.id}” can be ({b.low:g} to {b.high:g}). "
            "Check the figure and its unit.", sheet, row, letter)
        return None
    if b.whole and not value.is_integer():
        # Counts of people and of things alike (tracker.core.measures): 7,83 "phát minh" is not a figure.
        # The place (sheet, row, column) goes with the issue: the report names the cell, "ô G6".
        err("out_of_range", f"Giá trị {fmt_number(value, decimals=2)} không phải số nguyên, mà chỉ tiêu "
            f"“{ind.name.vi}” đếm {ind.unit_label()}. Nhập số nguyên, ví dụ {fmt_number(math.floor(value))}.",
            f"The value {value:g} is not a whole number, and “{ind.name.en}” counts {ind.unit_label('en')}. "
            "Enter a whole number.", sheet, row, letter)
        return None
    return value


def check_text(value, field_vi: str, field_en: str, issues: CappedIssues, sheet: str, row: int, letter: str) -> str | None:
    """Text of a note, source or evidence cell; None after an error when it is too long."""
    import unicodedata

    # NFC: a note typed with combining marks (Unikey "Unicode tổ hợp", macOS) is stored and counted as typed precomposed
    s = unicodedata.normalize("NFC", text(value))
    if len(s) > MAX_TEXT:
        issues.error("text_too_long", f"Ô “{field_vi}” dài {fmt_number(len(s))} ký tự, tối đa {fmt_number(MAX_TEXT)}. "
                     "Rút gọn (ghi số văn bản, đường dẫn) rồi nộp lại.",
                     f"The “{field_en}” cell is {len(s)} characters long, at most {MAX_TEXT}. Shorten it (cite the document "
                     "number or a link) and upload again.", sheet, row, letter)
        return None
    return s


def read_value_status(raw, issues, sheet: str, row: int, letter: str) -> str | None:
    """'estimate', 'preliminary' or 'official' from a "Loại số liệu" cell; None after an error (a blank
    cell is refused: the form fills it, and a cleared one is a question only the clerk can answer)."""
    shown = text(raw)
    found = _VALUE_STATUS_BY_LABEL.get(normalise(shown)) if shown else None
    if found is None:
        issues.error("bad_value_status",
                     f"Loại số liệu “{shown[:60]}” không hợp lệ. Chọn trong danh sách: {_VALUE_STATUS_HINT}." if shown else
                     f"Chưa chọn loại số liệu. Chọn trong danh sách: {_VALUE_STATUS_HINT}.",
                     f"Kind of figure “{shown[:60]}” is not valid; pick Estimate, Preliminary or Official." if shown else
                     "No kind of figure chosen; pick Estimate, Preliminary or Official.", sheet, row, letter)
    return found


# --- warnings ---------------------------------------------------------------------------------------------

def jump(value: float, prev: float, unit: str) -> str | None:
    """Why ``value`` looks implausible next to ``prev``, or None."""
    if not (math.isfinite(value) and math.isfinite(prev)):
        return None
    if is_percent(unit):
        if abs(value - prev) > 20:
            return "points"
        if unit == "percent" and prev >= 1 and (value / prev > 3 or value / prev < 1 / 3):
            return "ratio"
        return None
    if prev <= 0 or abs(value - prev) < 10:
        return None
    ratio = value / prev
    return "ratio" if ratio > 3 or ratio < 1 / 3 else None


def jump_warning(ind: Indicator, value: float, prev: float, issues: CappedIssues, sheet: str, row: int, letter: str) -> None:
    why = jump(value, prev, ind.unit)
    if not why:
        return
    if why == "points":
        vi = f"thay đổi {fmt_number(abs(value - prev), decimals=1)} điểm phần trăm"
        en = f"a change of {abs(value - prev):.1f} percentage points"
    else:
        factor = value / prev if value >= prev else (prev / value if value else math.inf)
        vi = (f"gấp {fmt_number(factor, decimals=1)} lần" if value >= prev else
              (f"chỉ bằng 1/{fmt_number(factor, decimals=1)}" if value else "giảm về 0"))
        en = (f"{factor:.1f} times as much" if value >= prev else (f"1/{factor:.1f} of it" if value else "down to 0"))
    issues.warning("implausible_jump",
                   f"Giá trị {fmt_number(value)} khác xa kỳ trước ({fmt_number(prev)}): {vi}. Kiểm tra lại; nếu đúng, "
                   "ghi lý do vào cột “Ghi chú”.",
                   f"Value {value:g} is far from the previous one ({prev:g}): {en}. Check it; if it is right, "
                   "say why in the “Ghi chú” (note) column.", sheet, row, letter)


def target_warning(ind: Indicator, value: float, issues: CappedIssues, sheet: str, row: int, letter: str) -> None:
    """A value ten times the target, or a hundredth of a large one, is most likely a slip of units."""
    target = getattr(ind.target, "value", None)
    if is_percent(ind.unit) or ind.kind in ("rank", "growth") or not target or target <= 0:
        return
    if value > 10 * target:
        vi, en = f"gấp {fmt_number(value / target, decimals=0)} lần mục tiêu", f"{value / target:.0f} times the target"
    elif ind.kind == "stock" and target >= 1000 and value < target / 100:
        vi, en = "chưa bằng 1/100 mục tiêu", "under a hundredth of the target"
    else:
        return
    issues.warning("implausible_value",
                   f"Giá trị {fmt_number(value)} {ind.unit_label()} {vi} ({fmt_number(target)}) của “{ind.id}”: có thể nhầm đơn vị "
                   "(nghìn, triệu) hoặc thừa/thiếu chữ số. Kiểm tra lại; nếu đúng, ghi lý do vào cột “Ghi chú”.",
                   f"Value {value:g} {ind.unit_label('en')} is {en} ({target:g}) of “{ind.id}”: perhaps a slip of units "
                   "(thousands, millions) or digits. Check it; if it is right, say why in the note column.", sheet, row, letter)
