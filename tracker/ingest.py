"""Read an uploaded form into observations and milestone updates, with a report of what is wrong.

``read_form`` never raises and never writes: every problem becomes an :class:`Issue` with a stable
code, a place (sheet, row, column) and a Vietnamese and English message that says how to fix it.
An upload with any error is refused whole by the caller.

Order of checks — cheap and dangerous first, before any spreadsheet parser sees the bytes:

1. the container: size (``too_large``), empty, what the bytes are (zip, OLE or neither:
   ``not_workbook``), a zip's central directory (``corrupt_file``, ``zip_bomb`` from the declared
   uncompressed sizes, ``macro_enabled`` from vbaProject.bin / a macro content type / an .xlsm name /
   ODF Basic scripts), OLE files (``encrypted`` when they hold an EncryptedPackage stream, i.e. a
   password-protected .xlsx; ``macro_enabled`` when they hold a VBA project);
2. the workbook, read with python-calamine (xlsx, xlsm, xlsb, xls, ods; cached values of formulas):
   which form, unit, period and version (``not_our_form``, ``wrong_unit``, ``period_not_ended``);
3. each row of "Số liệu" and "Nhiệm vụ".

Where the form's metadata is read from, in order: the very hidden "_meta" sheet (key/value rows);
else the instructions sheet "Hướng dẫn", whose first column carries the labels "Mã đơn vị",
"Mã kỳ báo cáo" and "Phiên bản biểu mẫu" with the values beside them (a copy of the metadata that
survives programs which drop hidden sheets). Sheets are found by name (Vietnamese or English), the
data sheet failing that by its header. Columns are found by their header labels, in any order, with
case, diacritics, spaces and a trailing "(…)" ignored.

Numbers. A numeric cell is taken as it is. Text is read the Vietnamese way (see
:func:`parse_number`). Percentages (unit "percent" or "percent_per_year") are always in percent:
``5``, ``"5%"``, ``"5 %"`` and ``"0,5"`` mean 5 % and 0,5 %. A numeric cell is taken as a fraction
(×100) only when the cell is formatted as a percentage — that is how Excel stores a typed "5%"
(0.05 with a percent format). That format is visible in .xlsx files (read from styles.xml for sheets
up to 5 MB); in .xls and .ods it is not, so there a bare 0.05 stays 0,05 %. A share that is far from
the previous value is flagged anyway (``implausible_jump``).

Other rules, decided here and tested:

- blank value cells are skipped; a form with no value and no task status at all is an error
  (``empty_form``: nothing to store);
- hidden rows are read like any other (hiding is a display choice in Excel, not a deletion);
- a formula is read through its cached value; a formula cell saved without one (written by a program,
  never calculated) is ``not_a_number``, with a message to open and save the file in Excel;
- "Hoàn thành" (done) needs a completion date (error ``bad_date``); a date given with another status
  is ignored with a warning (``date_ignored``); dates after today are errors;
- negative values are errors except for growth rates; shares above 100 % are errors;
- ``implausible_jump`` (warning): the value is more than 3 times, or less than a third of, the
  previous one (ignored for counts that moved by fewer than 10), or a share/rate moved by more than
  20 percentage points. Previous values come from ``previous`` (a dict indicator id → value, or a
  callable ``(unit, period) -> dict`` such as ``Store.previous_values``) and, in bulk forms, from the
  latest earlier period of the same series in the file itself; a bulk form calls ``previous`` only
  when it covers at most 20 units (one call per unit) to keep a 100.000-row load fast;
- at most 200 issues of one code are listed, then one line says how many more there are.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from typing import Callable

from tracker.catalogue import Catalogue, Indicator
from tracker.i18n import fmt_number
from tracker.observation import MILESTONE_STATUSES, MilestoneUpdate, Observation, ParsedForm
from tracker.periods import Period, parse_period
from tracker.report import ValidationReport
from tracker.workbook import (BULK_KIND, COLUMN_LABELS, FORM_KIND, FORM_VERSION, INSTRUCTION_KEYS, SHEET_DATA,
                              SHEET_INSTRUCTIONS, SHEET_META, SHEET_MILESTONES, STATUS_LABELS)

Previous = dict[str, float] | Callable[[str, str], dict[str, float]] | None

ERROR_CODES = (
    "not_workbook", "empty_file", "corrupt_file", "encrypted", "macro_enabled", "too_large", "zip_bomb",
    "unreadable", "not_our_form", "missing_header_column", "wrong_unit", "bad_period", "period_not_ended",
    "unknown_indicator", "indicator_not_for_unit", "unknown_sector", "duplicate_indicator", "not_a_number",
    "negative_value", "over_100_percent", "bad_status", "bad_date", "empty_form",
)
WARNING_CODES = ("implausible_jump", "date_ignored", "too_many_issues")

MAX_ISSUES_PER_CODE = 200
# A zip whose contents are this many times larger than the zip itself is refused above this size.
SUSPICIOUS_RATIO = 100
SUSPICIOUS_RATIO_MIN_BYTES = 20_000_000
# Sheets up to this size (uncompressed XML) are scanned for percent formats and uncalculated formulas.
CELL_SCAN_MAX_BYTES = 5_000_000
BULK_PREVIOUS_MAX_UNITS = 20
HEADER_SEARCH_ROWS = 30

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_VBA_STREAMS = ("_VBA_PROJECT".encode("utf-16-le"), "VBA".encode("utf-16-le") + b"\x00\x00")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_PERCENT_UNITS = ("percent", "percent_per_year")


# --- numbers -------------------------------------------------------------------------------------

_DIGITS = re.compile(r"^\d+$")
_GROUPED = {sep: re.compile(r"^\d{1,3}(?:" + re.escape(sep) + r"\d{3})+$") for sep in (".", ",", " ")}
_SPACES = ("\u00a0", "\u202f", "\u2009", "\t")


def _parse_text(text: str) -> tuple[float | None, bool]:
    """(value, whether a % sign was written) for a number typed as text; (None, …) if it is not one."""
    s = text.strip()
    for space in _SPACES:
        s = s.replace(space, " ")
    s = s.replace("\u2212", "-").strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    sign = ""
    if s[:1] in ("+", "-"):
        sign, s = s[0], s[1:].lstrip()
    if not s:
        return None, percent
    if " " in s:
        # "90 000" or "1 234,5": spaces only as thousands separators
        head, _, tail = s.partition(",") if "," in s else s.partition(".") if s.count(".") == 1 else (s, "", "")
        if not _GROUPED[" "].match(head) or (tail and not _DIGITS.match(tail)):
            return None, percent
        s = head.replace(" ", "") + ("." + tail if tail else "")
        return float(sign + s), percent
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        decimal = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        if s.count(decimal) != 1:
            return None, percent
        head, tail = s.split(decimal)
        if not _GROUPED[thousands].match(head) and not _DIGITS.match(head) or not _DIGITS.match(tail):
            return None, percent
        return float(sign + head.replace(thousands, "") + "." + tail), percent
    sep = "," if commas else "." if dots else ""
    count = commas or dots
    if not sep:
        return (float(sign + s), percent) if _DIGITS.match(s) else (None, percent)
    if count > 1:
        # "1.234.567" / "1,234,567": only thousands grouping repeats
        return (float(sign + s.replace(sep, "")), percent) if _GROUPED[sep].match(s) else (None, percent)
    head, tail = s.split(sep)
    if not _DIGITS.match(tail) or (head and not _DIGITS.match(head)):
        return None, percent
    if sep == "." and len(tail) == 3 and head and head.lstrip("0"):
        # "90.000", "1.234": a Vietnamese thousands separator, not a decimal point
        return float(sign + head + tail), percent
    return float(sign + (head or "0") + "." + tail), percent


def parse_number(text) -> float | None:
    """A number as people type it in Vietnam, or None.

    ``"90.000"`` → 90000, ``"1.234.567"`` → 1234567, ``"0,5"`` → 0.5, ``"1.234,5"`` → 1234.5,
    ``"90 000"`` → 90000, ``"5 %"`` → 5, ``"1,234.5"`` → 1234.5, ``"12.5"`` → 12.5.
    A single comma is always a decimal comma (``"1,234"`` → 1.234); a single dot followed by exactly
    three digits after a non-zero whole part is a thousands dot (``"1.500"`` → 1500, ``"0.500"`` → 0.5).
    Numbers (int, float) pass through; booleans, dates, infinities and NaN are not numbers.
    """
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        value = float(text)
        return value if math.isfinite(value) else None
    if not isinstance(text, str):
        return None
    try:
        value, _ = _parse_text(text)
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


# --- labels ------------------------------------------------------------------------------------------

def normalise(text) -> str:
    """'Mã chỉ tiêu (*)' → 'ma chi tieu': lower case, no diacritics, no trailing note in brackets."""
    s = str(text or "").replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", s)
    s = re.sub(r"[\s_]+", " ", s).strip(" :*.")
    return s


_EXTRA_LABELS = {
    "code": ("ma", "code", "indicator id", "ma so"),
    "sector": ("nganh linh vuc", "nganh"),
    "unit": ("unit", "ma don vi", "don vi bao cao"),
    "period": ("ky", "ma ky bao cao"),
    "value": ("gia tri thuc hien", "so lieu", "so lieu thuc hien", "ket qua"),
    "note": ("notes", "note"),
    "source": ("nguon", "source"),
    "status": ("tinh trang", "tien do"),
    "completed_on": ("ngay", "completed on", "date completed"),
    "evidence": ("van ban", "minh chung hoan thanh"),
}
_LABEL_TO_FIELD: dict[str, str] = {}
for _field, _labels in COLUMN_LABELS.items():
    for _label in _labels:
        _LABEL_TO_FIELD.setdefault(normalise(_label), _field)
for _field, _labels in _EXTRA_LABELS.items():
    for _label in _labels:
        _LABEL_TO_FIELD.setdefault(_label, _field)

_STATUS_BY_LABEL = {normalise(label): code for code, labels in STATUS_LABELS.items() for label in labels}
_STATUS_BY_LABEL.update({normalise(code): code for code in MILESTONE_STATUSES})
_STATUS_BY_LABEL.update({"chua bat dau": "not_started", "dang trien khai": "in_progress", "da hoan thanh": "done",
                         "completed": "done", "not started": "not_started"})
_SHEET_NAMES = {
    "data": {normalise(SHEET_DATA), "data", "so lieu"},
    "milestones": {normalise(SHEET_MILESTONES), "milestones", "tasks", "nhiem vu"},
    "instructions": {normalise(SHEET_INSTRUCTIONS), "instructions", "huong dan"},
    "meta": {SHEET_META, "meta"},
}
_STATUS_HINT = ", ".join(f"“{vi}”" for vi, _ in STATUS_LABELS.values())


def column_letter(index: int) -> str:
    """0 → 'A', 27 → 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- the report, capped ---------------------------------------------------------------------------

class _Issues:
    """A report that lists at most MAX_ISSUES_PER_CODE issues of one code, then counts the rest."""

    def __init__(self, report: ValidationReport):
        self.report = report
        self.counts: dict[str, int] = {}
        self.errors = 0

    def add(self, severity: str, code: str, vi: str, en: str, sheet=None, row=None, column=None) -> None:
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        if severity == "error":
            self.errors += 1
        if n <= MAX_ISSUES_PER_CODE:
            (self.report.error if severity == "error" else self.report.warning)(code, vi, en, sheet, row, column)

    def error(self, code, vi, en, sheet=None, row=None, column=None) -> None:
        self.add("error", code, vi, en, sheet, row, column)

    def warning(self, code, vi, en, sheet=None, row=None, column=None) -> None:
        self.add("warning", code, vi, en, sheet, row, column)

    def finish(self) -> None:
        for code, n in self.counts.items():
            if n > MAX_ISSUES_PER_CODE:
                more = n - MAX_ISSUES_PER_CODE
                self.report.warning("too_many_issues",
                                    f"Còn {fmt_number(more)} lỗi/cảnh báo “{code}” nữa không liệt kê; sửa các dòng trên rồi nộp lại để xem tiếp.",
                                    f"{more} more “{code}” issues not listed; fix the rows above and upload again to see the rest.")


# --- the container ------------------------------------------------------------------------------------

def _check_container(content: bytes, file_name: str, issues: _Issues, max_bytes: int, max_uncompressed: int) -> str | None:
    """'zip' or 'ole' when the bytes may be handed to the spreadsheet reader; None after an error."""
    size = len(content)
    if size == 0:
        issues.error("empty_file", "Tệp rỗng (0 byte). Hãy lưu lại biểu mẫu trong Excel rồi nộp lại.",
                     "The file is empty (0 bytes). Save the form again in Excel and upload it again.")
        return None
    if size > max_bytes:
        issues.error("too_large", f"Tệp quá lớn ({fmt_number(size / 1e6, decimals=1)} MB, tối đa {fmt_number(max_bytes / 1e6, decimals=1)} MB). "
                     "Hãy dùng đúng biểu mẫu đã tải về, xóa ảnh hoặc trang tính thừa rồi nộp lại.",
                     f"The file is too large ({size / 1e6:.1f} MB, limit {max_bytes / 1e6:.1f} MB). Use the downloaded form, "
                     "remove pictures or extra sheets and upload again.")
        return None
    lower = file_name.lower()
    if content[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            issues.error("corrupt_file", "Tệp bị hỏng hoặc tải lên chưa hết (không đọc được cấu trúc tệp Excel). "
                         "Hãy mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi nộp lại.",
                         "The file is damaged or was cut short. Open it in Excel, save it as .xlsx and upload it again.")
            return None
        declared = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if declared > max_uncompressed or (declared > SUSPICIOUS_RATIO_MIN_BYTES and declared > SUSPICIOUS_RATIO * max(packed, 1)):
            issues.error("zip_bomb", f"Tệp giải nén ra quá lớn ({fmt_number(declared / 1e6, decimals=0)} MB, tối đa "
                         f"{fmt_number(max_uncompressed / 1e6, decimals=0)} MB) nên không được mở. Hãy dùng đúng biểu mẫu đã tải về.",
                         f"The file unpacks to {declared / 1e6:.0f} MB (limit {max_uncompressed / 1e6:.0f} MB) and is not opened. "
                         "Use the downloaded form.")
            return None
        names = {i.filename for i in infos}
        content_types = b""
        if "[Content_Types].xml" in names:
            content_types = zipfile.ZipFile(io.BytesIO(content)).read("[Content_Types].xml")
        if (any(n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names)
                or b"macroEnabled" in content_types or lower.endswith((".xlsm", ".xltm"))):
            issues.error("macro_enabled", "Tệp có macro (.xlsm) không được nhận vì lý do an toàn. Hãy chọn File → Save As → "
                         "“Excel Workbook (*.xlsx)” rồi nộp tệp .xlsx.",
                         "Macro-enabled files are refused for safety. Use File → Save As → “Excel Workbook (*.xlsx)” "
                         "and upload the .xlsx.")
            return None
        is_xlsx = any(n in names for n in ("xl/workbook.xml", "xl/workbook.bin"))
        is_ods = "mimetype" in names and zipfile.ZipFile(io.BytesIO(content)).read("mimetype").strip() == _ODS_MIME
        if not (is_xlsx or is_ods):
            issues.error("not_workbook", "Tệp nén này không phải bảng tính Excel (.xlsx) hay LibreOffice (.ods). "
                         "Hãy nộp biểu mẫu Excel đã tải về.",
                         "This zip file is not an Excel (.xlsx) or LibreOffice (.ods) workbook. Upload the downloaded Excel form.")
            return None
        return "zip"
    if content[:8] == _OLE_MAGIC:
        if _ENCRYPTED_STREAM in content:
            issues.error("encrypted", "Tệp được đặt mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu "
                         "(File → Info → Protect Workbook → Encrypt with Password, xóa mật khẩu), lưu lại rồi nộp.",
                         "The file is password-protected. Open it, remove the password (File → Info → Protect Workbook → "
                         "Encrypt with Password, clear it), save and upload again.")
            return None
        if any(stream in content for stream in _VBA_STREAMS):
            issues.error("macro_enabled", "Tệp Excel cũ (.xls) này có macro nên không được nhận. Hãy lưu lại dưới dạng "
                         "“Excel Workbook (*.xlsx)” rồi nộp.",
                         "This old Excel (.xls) file contains macros and is refused. Save it as “Excel Workbook (*.xlsx)” and upload that.")
            return None
        return "ole"
    issues.error("not_workbook", "Tệp không phải bảng tính Excel (có thể là tệp văn bản, PDF hoặc ảnh đổi tên thành .xlsx). "
                 "Hãy nộp biểu mẫu Excel (.xlsx) đã tải về và điền.",
                 "The file is not a spreadsheet (perhaps text, PDF or an image renamed to .xlsx). Upload the filled Excel (.xlsx) form.")
    return None


# --- cell facts calamine does not give: percent formats and formulas never calculated ----------------

def _xml(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    try:
        return ET.fromstring(zf.read(name))
    except (KeyError, ET.ParseError):
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    root = _xml(zf, "xl/styles.xml")
    if root is None:
        return set()
    percent_formats = {9, 10}
    for el in root.iter():
        if _local(el.tag) == "numFmt":
            code = re.sub(r'"[^"]*"|\\.', "", el.get("formatCode", ""))
            if "%" in code:
                percent_formats.add(int(el.get("numFmtId", "-1")))
    styles = set()
    for el in root.iter():
        if _local(el.tag) == "cellXfs":
            for n, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                if int(xf.get("numFmtId", "0")) in percent_formats:
                    styles.add(n)
    return styles


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    workbook, rels = _xml(zf, "xl/workbook.xml"), _xml(zf, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for el in workbook.iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            out[el.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_CACHED = re.compile(rb"<v>[^<]")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _cell_facts(content: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """(row, column), 0-based → 'percent' (numeric cell with a percent format) or 'formula' (no cached value)."""
    facts: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        path = _sheet_paths(zf).get(sheet_name)
        if not path:
            return facts
        try:
            info = zf.getinfo(path)
        except KeyError:
            return facts
        if info.file_size > CELL_SCAN_MAX_BYTES:
            return facts
        data = zf.read(path)
        percent = _percent_styles(zf) if b' s="' in data else set()
        if not percent and b"<f" not in data:
            return facts
        for m in _CELL.finditer(data):
            attrs, inner = m.group(1), m.group(2) or b""
            ref = _REF.search(attrs)
            if not ref:
                continue
            key = (int(ref.group(2)) - 1, _col_index(ref.group(1)))
            if b"<f" in inner and not _CACHED.search(inner):
                facts[key] = "formula"
            elif percent and (style := _STYLE.search(attrs)) and int(style.group(1)) in percent:
                facts[key] = "percent"
    return facts


# --- sheets -----------------------------------------------------------------------------------------------

@dataclass
class _Sheet:
    name: str
    rows: list[list]
    header_row: int = -1                     # 0-based index into rows
    columns: dict[str, int] = field(default_factory=dict)
    facts: dict[tuple[int, int], str] = field(default_factory=dict)

    def letter(self, key: str) -> str:
        col = self.columns[key]
        header = self.rows[self.header_row][col] if self.header_row >= 0 else ""
        return f"{column_letter(col)} ({str(header).strip()})" if header else column_letter(col)


def _find_sheet(names: list[str], kind: str) -> str | None:
    wanted = _SHEET_NAMES[kind]
    return next((n for n in names if (n if kind == "meta" else normalise(n)) in wanted), None)


def _find_header(rows: list[list], required: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """The first row (of the first 30) that has the code column and one of ``required``; its columns."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip():
                key = _LABEL_TO_FIELD.get(normalise(cell))
                if key and key not in found:
                    found[key] = c
        if "code" in found and any(k in found for k in required):
            return r, found
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for c, cell in enumerate(row):
            key = _LABEL_TO_FIELD.get(normalise(cell)) if isinstance(cell, str) else None
            if key and key not in found:
                found[key] = c
        if "code" in found:
            return r, found
    return -1, {}


def _text(cell) -> str:
    if cell is None or cell == "":
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _meta(book, names: list[str]) -> tuple[dict[str, str], str]:
    """The form's metadata and where it was found ('' when nowhere)."""
    sheet = _find_sheet(names, "meta")
    if sheet:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        meta = {normalise(r[0]).replace(" ", "_"): _text(r[1]) for r in rows if len(r) >= 2 and _text(r[0])}
        if meta.get("unit") or meta.get("form"):
            return meta, sheet
    sheet = _find_sheet(names, "instructions")
    if sheet:
        wanted = {normalise(label): key for key, labels in INSTRUCTION_KEYS.items() for label in labels}
        meta = {}
        for row in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[:60]:
            for c, cell in enumerate(row[:-1]):
                key = wanted.get(normalise(cell)) if isinstance(cell, str) else None
                if key and key not in meta:
                    meta[key] = _text(row[c + 1])
        if meta.get("unit") and meta.get("period"):
            meta["form"] = BULK_KIND if meta["unit"] == "*" else FORM_KIND
            return meta, sheet
    return {}, ""


# --- values ---------------------------------------------------------------------------------------

def _date(cell) -> dt.date | None | str:
    """A date from a cell, None when blank, 'bad' when it cannot be one."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        # an Excel serial day number that lost its date format
        if 30000 <= cell <= 60000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(cell))
        return "bad"
    text = str(cell).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return "bad"


def _jump(value: float, prev: float, unit: str) -> str | None:
    """Why ``value`` looks implausible next to ``prev`` (Vietnamese, English), or None."""
    if unit in _PERCENT_UNITS:
        if abs(value - prev) > 20:
            return "points"
        if unit == "percent" and prev >= 1 and (value / prev > 3 or value / prev < 1 / 3):
            return "ratio"
        return None
    if prev <= 0 or abs(value - prev) < 10:
        return None
    ratio = value / prev
    return "ratio" if ratio > 3 or ratio < 1 / 3 else None


# --- the reader ---------------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, parsed: ParsedForm, content: bytes, catalogue: Catalogue, today: dt.date, previous: Previous,
                 expected_units: set[str] | None, issues: _Issues):
        self.parsed, self.content, self.cat, self.today = parsed, content, catalogue, today
        self.previous, self.expected_units, self.issues = previous, expected_units, issues
        self._unit_checked: dict[str, bool] = {}
        self._period_checked: dict[str, str | None] = {}
        self._allowed: dict[str, set[str]] = {}
        self._own: dict[str, set[str]] | None = None
        self._refused_units: set[str] = set()
        self._merged_into: dict[str, list[str]] = {}

    # -- checks shared by forms and bulk rows --

    def check_unit(self, unit: str, period: Period | None, sheet=None, row=None, column=None) -> bool:
        key = f"{unit}|{period.code if period else ''}"
        if key in self._unit_checked:
            return self._unit_checked[key]
        ok = self._check_unit(unit, period, sheet, row, column)
        self._unit_checked[key] = ok
        return ok

    def _check_unit(self, unit, period, sheet, row, column) -> bool:
        cat, err = self.cat, self.issues.error
        if unit not in cat.jurisdictions or not self.allowed(unit):
            err("wrong_unit", f"Mã đơn vị “{unit}” không có trong danh mục. Hãy tải biểu mẫu của đúng địa phương ở trang “Nhập số liệu”.",
                f"Unit code “{unit}” is not in the catalogue. Download your unit's form from the Upload page.", sheet, row, column)
            return False
        name = cat.name(unit)
        if self.expected_units is not None and unit not in self.expected_units:
            if unit in self._refused_units:
                return False  # said once per unit (bulk forms carry many periods)
            self._refused_units.add(unit)
            allowed = ", ".join(cat.name(u) for u in sorted(self.expected_units) if u in cat.jurisdictions) or "—"
            err("wrong_unit", f"Số liệu này của {name}, không phải địa phương bạn được giao ({allowed}). "
                "Hãy tải và điền biểu mẫu của địa phương mình.",
                f"These figures are {cat.name(unit, 'en')}'s, not a unit you report for ({allowed}). Download and fill your own unit's form.",
                sheet, row, column)
            return False
        j = cat.jurisdictions[unit]
        if period is not None and j.valid_to and period.start() > j.valid_to:
            succ = cat.name(cat.current_unit(unit))
            err("wrong_unit", f"{name} đã sáp nhập vào {succ} từ {j.valid_to + dt.timedelta(days=1):%d/%m/%Y}; số liệu "
                f"{period.label()} do {succ} báo cáo. Hãy tải biểu mẫu của {succ}.",
                f"{cat.name(unit, 'en')} merged into {cat.name(cat.current_unit(unit), 'en')} on {j.valid_to + dt.timedelta(days=1)}; "
                f"{period.label('en')} is reported by the successor. Download its form.", sheet, row, column)
            return False
        if period is not None and j.valid_from and period.end() < j.valid_from:
            err("wrong_unit", f"{name} chỉ có từ {j.valid_from:%d/%m/%Y}; không báo cáo được {period.label()}.",
                f"{cat.name(unit, 'en')} exists only from {j.valid_from}; it cannot report {period.label('en')}.", sheet, row, column)
            return False
        return True

    def check_period(self, raw: str, sheet=None, row=None, column=None) -> Period | None:
        try:
            period = parse_period(raw)
        except ValueError:
            self.issues.error("bad_period", f"Kỳ báo cáo “{raw}” không đúng dạng. Ghi theo dạng 2026-Q3 (quý) hoặc 2026 (năm).",
                              f"Period “{raw}” is not valid. Write 2026-Q3 for a quarter or 2026 for a year.", sheet, row, column)
            return None
        if period.end() >= self.today:
            self.issues.error("period_not_ended", f"{period.label()} chưa kết thúc (hết ngày {period.end():%d/%m/%Y}); "
                              "chỉ báo cáo kỳ đã kết thúc. Hãy tải biểu mẫu của kỳ trước.",
                              f"{period.label('en')} has not ended yet (ends {period.end()}); only ended periods can be reported. "
                              "Download the form for an earlier period.", sheet, row, column)
            return None
        return period

    def allowed(self, unit: str) -> set[str]:
        """Ids of the targets ``unit`` reports on (as Catalogue.indicators_for), indexed once per read.

        Catalogue.indicators_for scans every indicator; a bulk form asks for hundreds of units.
        """
        if self._own is None:
            self._own, self._merged_into = {}, {}
            for ind in self.cat.indicators:
                self._own.setdefault(ind.jurisdiction, set()).add(ind.id)
            for j in self.cat.jurisdictions.values():
                if j.successor:
                    self._merged_into.setdefault(j.successor, []).append(j.id)
        if unit not in self._allowed:
            ids, frontier, seen = set(), [unit], {unit}
            while frontier:
                current = frontier.pop()
                ids |= self._own.get(current, set())
                for pred in self._merged_into.get(current, ()):
                    if pred not in seen:
                        seen.add(pred)
                        frontier.append(pred)
            self._allowed[unit] = ids
        return self._allowed[unit]

    def check_indicator(self, code: str, unit: str, sheet: str, row: int, column: str, milestone: bool) -> Indicator | None:
        cat, err = self.cat, self.issues.error
        if not cat.has_indicator(code):
            err("unknown_indicator", f"Mã chỉ tiêu “{code}” không có trong danh mục. Không sửa cột mã; hãy dùng biểu mẫu mới tải về.",
                f"Indicator code “{code}” is not in the catalogue. Do not edit the code column; use a freshly downloaded form.",
                sheet, row, column)
            return None
        ind = cat.indicator(code)
        if code not in self.allowed(unit):
            err("indicator_not_for_unit", f"Chỉ tiêu “{code}” không thuộc {cat.name(unit)}. Xóa dòng này hoặc dùng biểu mẫu của đúng địa phương.",
                f"Indicator “{code}” is not one of {cat.name(unit, 'en')}'s targets. Delete the row or use the right unit's form.",
                sheet, row, column)
            return None
        if milestone != ind.is_milestone:
            where_vi, where_en = ("trang “Nhiệm vụ”", "the “Nhiệm vụ” sheet") if ind.is_milestone else ("trang “Số liệu”", "the “Số liệu” sheet")
            err("indicator_not_for_unit", f"“{code}” là {'nhiệm vụ' if ind.is_milestone else 'chỉ tiêu số liệu'}; báo cáo ở {where_vi}.",
                f"“{code}” is a {'task' if ind.is_milestone else 'numeric target'}; report it on {where_en}.", sheet, row, column)
            return None
        return ind

    def previous_for(self, unit: str, period: str) -> dict[str, float]:
        if self.previous is None:
            return {}
        if callable(self.previous):
            return dict(self.previous(unit, period) or {})
        return dict(self.previous)

    # -- values --

    def value(self, sheet: _Sheet, r: int, cell, ind: Indicator, letter: str) -> float | None:
        """The value of a filled cell, or None after reporting why it is not one."""
        row, err = r + 1, self.issues.error
        pct_text = False
        if isinstance(cell, float) or (isinstance(cell, int) and not isinstance(cell, bool)):
            value = float(cell)
            if sheet.facts.get((r, sheet.columns["value"])) == "percent" and ind.unit in _PERCENT_UNITS:
                value *= 100
        elif isinstance(cell, str):
            value, pct_text = _parse_text(cell)
            if value is not None and pct_text and ind.unit not in _PERCENT_UNITS:
                err("not_a_number", f"Chỉ tiêu này tính bằng {ind.unit_label()}, không phải phần trăm: bỏ dấu % ở “{cell.strip()}”.",
                    f"This target is counted in {ind.unit_label('en')}, not percent: remove the % from “{cell.strip()}”.",
                    sheet.name, row, letter)
                return None
        else:
            value = None
        if value is None or not math.isfinite(value):
            shown = cell.isoformat() if isinstance(cell, (dt.date, dt.time)) else str(cell).strip()
            err("not_a_number", f"“{shown}” không phải là số. Nhập một số, ví dụ 90000, 90.000 hoặc 0,5; để trống nếu chưa có số liệu.",
                f"“{shown}” is not a number. Enter a number such as 90000, 90.000 or 0,5; leave blank when there is none.",
                sheet.name, row, letter)
            return None
        growth = ind.kind == "growth" or ind.unit == "percent_per_year"
        if value < 0 and not growth:
            err("negative_value", f"Giá trị âm ({fmt_number(value)}) không hợp lệ cho chỉ tiêu này. Nhập số từ 0 trở lên.",
                f"A negative value ({value:g}) is not valid here. Enter 0 or more.", sheet.name, row, letter)
            return None
        if ind.unit == "percent" and value > 100:
            err("over_100_percent", f"Tỷ lệ {fmt_number(value)} % vượt quá 100 %. Nhập tỷ lệ phần trăm từ 0 đến 100 (5 nghĩa là 5 %).",
                f"A share of {value:g} % is over 100 %. Enter a percentage from 0 to 100 (5 means 5 %).", sheet.name, row, letter)
            return None
        return value

    def jump_warning(self, ind: Indicator, value: float, prev: float, sheet: str, row: int, letter: str) -> None:
        why = _jump(value, prev, ind.unit)
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
        self.issues.warning("implausible_jump",
                            f"Giá trị {fmt_number(value)} khác xa kỳ trước ({fmt_number(prev)}): {vi}. Kiểm tra lại; nếu đúng, "
                            "ghi lý do vào cột “Ghi chú”.",
                            f"Value {value:g} is far from the previous one ({prev:g}): {en}. Check it; if it is right, "
                            "say why in the “Ghi chú” (note) column.", sheet, row, letter)

    # -- sheets --

    def data_sheet(self, book, names: list[str]) -> _Sheet | None:
        name = _find_sheet(names, "data")
        candidates = [name] if name else [n for n in names if _find_sheet([n], "meta") is None]
        for candidate in candidates:
            rows = book.get_sheet_by_name(candidate).to_python(skip_empty_area=False)
            r, columns = _find_header(rows, ("value",))
            if r >= 0 or name:
                return _Sheet(candidate, rows, r, columns)
        return None

    def read(self) -> None:
        from python_calamine import CalamineWorkbook

        issues, parsed = self.issues, self.parsed
        book = CalamineWorkbook.from_object(io.BytesIO(self.content))
        names = list(book.sheet_names)
        meta, meta_place = _meta(book, names)
        data = self.data_sheet(book, names)
        if not meta or data is None:
            missing = ", ".join(n for n, ok in ((SHEET_META, bool(meta)), (SHEET_DATA, data is not None)) if not ok)
            issues.error("not_our_form", f"Đây không phải biểu mẫu của hệ thống (không thấy: {missing}). Hãy tải biểu mẫu ở trang "
                         "“Nhập số liệu”, điền vào đó (không sao chép sang tệp khác, không xóa hay đổi tên trang tính) rồi nộp.",
                         f"This is not the tracker's form (missing: {missing}). Download the form from the Upload page, fill it in "
                         "(do not copy it to another file, delete or rename sheets) and upload it.")
            return
        form = meta.get("form", "")
        parsed.form_version = meta.get("form_version") or None
        if form not in (FORM_KIND, BULK_KIND):
            issues.error("not_our_form", f"Trang “{meta_place}” không ghi loại biểu mẫu hợp lệ (“{form}”). Hãy tải lại biểu mẫu.",
                         f"Sheet “{meta_place}” does not name a known form kind (“{form}”). Download the form again.", meta_place)
            return
        if parsed.form_version != FORM_VERSION:
            issues.error("not_our_form", f"Biểu mẫu phiên bản “{parsed.form_version or '?'}” không còn dùng (hiện là {FORM_VERSION}). "
                         "Hãy tải biểu mẫu mới rồi chép số liệu sang.",
                         f"Form version “{parsed.form_version or '?'}” is no longer accepted (current: {FORM_VERSION}). "
                         "Download a new form and copy the figures over.", meta_place)
            return
        bulk = form == BULK_KIND
        period = None
        if bulk:
            parsed.unit, parsed.period = "*", "*"
        else:
            parsed.unit = meta.get("unit") or None
            period_text = meta.get("period", "")
            try:
                parsed.period = parse_period(period_text).code
            except ValueError:
                issues.error("not_our_form", f"Trang “{meta_place}” ghi kỳ báo cáo “{period_text}” không hợp lệ. Hãy tải lại biểu mẫu.",
                             f"Sheet “{meta_place}” holds an invalid period “{period_text}”. Download the form again.", meta_place)
                return
            if not self.check_unit(parsed.unit or "", parse_period(parsed.period), meta_place):
                return
            period = self.check_period(parsed.period, meta_place)
            if period is None:
                return
        if data.header_row < 0:
            issues.error("not_our_form", f"Không tìm thấy dòng tiêu đề (có cột “Mã chỉ tiêu” và “Giá trị”) trong {HEADER_SEARCH_ROWS} dòng đầu. "
                         "Không xóa dòng tiêu đề; hãy dùng biểu mẫu mới tải về.",
                         f"No header row (with “Mã chỉ tiêu” and “Giá trị”) in the first {HEADER_SEARCH_ROWS} rows. "
                         "Keep the header row; use a freshly downloaded form.", data.name)
            return
        needed = ("code", "value") + (("unit", "period") if bulk else ())
        missing = [k for k in needed if k not in data.columns]
        for key in missing:
            vi, en = COLUMN_LABELS[key]
            issues.error("missing_header_column", f"Thiếu cột “{vi}” ở dòng tiêu đề. Không xóa hay đổi tên cột; hãy dùng biểu mẫu mới tải về.",
                         f"The “{vi}” ({en}) column is missing from the header row. Do not delete or rename columns; "
                         "use a freshly downloaded form.", data.name, data.header_row + 1)
        if missing:
            return
        if self.content[:2] == b"PK":
            data.facts = _cell_facts(self.content, data.name)
        if bulk:
            self.bulk_rows(data)
        else:
            self.form_rows(data, parsed.unit, period)
        stones = _find_sheet(names, "milestones")
        if stones:
            self.milestone_rows(book, stones, parsed.unit, period, bulk)
        if not parsed.observations and not parsed.milestones and issues.errors == 0:
            issues.error("empty_form", "Biểu mẫu chưa có số liệu nào: cột “Giá trị” và cột “Trạng thái” đều trống. "
                         "Hãy điền rồi nộp lại.",
                         "The form holds no figures: the “Giá trị” (value) and “Trạng thái” (status) columns are empty. "
                         "Fill them in and upload again.", data.name)

    def form_rows(self, sheet: _Sheet, unit: str, period: Period) -> None:
        cols = sheet.columns
        c_code, c_value = cols["code"], cols["value"]
        c_sector, c_note, c_source = cols.get("sector"), cols.get("note"), cols.get("source")
        code_letter, value_letter = sheet.letter("code"), sheet.letter("value")
        sector_letter = sheet.letter("sector") if c_sector is not None else code_letter
        previous = self.previous_for(unit, period.code)
        seen: dict[tuple[str, str], int] = {}
        out = self.parsed.observations
        for r in range(sheet.header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]
            cell = row[c_value]
            if (r, c_value) in sheet.facts and sheet.facts[(r, c_value)] == "formula":
                self._formula(sheet, r, value_letter)
                continue
            if cell == "" or cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            code = _text(row[c_code])
            if not code:
                self.issues.error("unknown_indicator", "Dòng có giá trị nhưng không có mã chỉ tiêu. Điền giá trị vào đúng dòng của chỉ tiêu.",
                                  "A value with no indicator code. Put the value on the indicator's own row.", sheet.name, r + 1, code_letter)
                continue
            ind = self.check_indicator(code, unit, sheet.name, r + 1, code_letter, milestone=False)
            if ind is None:
                continue
            sector = _text(row[c_sector]) if c_sector is not None else ""
            if not self._sector_ok(ind, sector, sheet.name, r + 1, sector_letter):
                continue
            key = (code, sector)
            if key in seen:
                self._duplicate(code, sector, seen[key], sheet.name, r + 1, code_letter)
                continue
            seen[key] = r + 1
            value = self.value(sheet, r, cell, ind, value_letter)
            if value is None:
                continue
            if not sector and code in previous:
                self.jump_warning(ind, value, float(previous[code]), sheet.name, r + 1, value_letter)
            out.append(Observation(code, unit, period.code, value, sector,
                                   _text(row[c_note]) if c_note is not None else "",
                                   _text(row[c_source]) if c_source is not None else ""))

    def bulk_rows(self, sheet: _Sheet) -> None:
        cols = sheet.columns
        c_code, c_value, c_unit, c_period = cols["code"], cols["value"], cols["unit"], cols["period"]
        c_sector, c_note, c_source = cols.get("sector"), cols.get("note"), cols.get("source")
        letters = {k: sheet.letter(k) for k in cols}
        facts = sheet.facts
        indicators = {i.id: i for i in self.cat.indicators}
        periods: dict[str, str | None] = {}        # as written -> period code, None when refused
        period_objects: dict[str, Period] = {}
        units_ok: dict[tuple[str, str], bool] = {}
        allowed: dict[str, set[str]] = {}
        sectors = {i.id: {s.id for s in i.sectors} for i in self.cat.indicators if i.sectors}
        seen: dict[tuple, int] = {}
        observations: list[Observation] = []
        rows_of: list[int] = []   # the sheet row of each observation
        append, append_row = observations.append, rows_of.append
        sort_keys: dict[str, tuple[int, int]] = {}
        last: dict[tuple, tuple] = {}
        jumps: list = []
        ordered, jump = True, _jump
        rows = sheet.rows
        str_ = str
        # A tight loop: 100.000 rows must parse and validate in well under a second and a half.
        for r in range(sheet.header_row + 1, len(rows)):
            row = rows[r]
            cell = row[c_value]
            if facts and facts.get((r, c_value)) == "formula":
                self._formula(sheet, r, letters["value"])
                continue
            if cell == "" or cell is None or (cell.__class__ is str_ and not cell.strip()):
                continue
            code = row[c_code]
            code = code.strip() if code.__class__ is str_ else _text(code)
            unit = row[c_unit]
            unit = unit.strip() if unit.__class__ is str_ else _text(unit)
            raw_period = row[c_period]
            period = periods.get(raw_period, False) if raw_period.__class__ is str_ else False
            if period is False:
                checked = self.check_period(_text(raw_period), sheet.name, r + 1, letters["period"])
                period = periods[raw_period if raw_period.__class__ is str_ else _text(raw_period)] = checked and checked.code
                if checked:
                    period_objects[checked.code] = checked
            if period is None:
                continue
            ok = units_ok.get((unit, period))
            if ok is None:
                ok = units_ok[(unit, period)] = self.check_unit(unit, period_objects[period], sheet.name, r + 1, letters["unit"])
                allowed[unit] = self.allowed(unit) if ok else set()
            if not ok:
                continue
            ind = indicators.get(code)
            if ind is None or code not in allowed[unit] or ind.is_milestone:
                if not code:
                    self.issues.error("unknown_indicator", "Dòng có giá trị nhưng không có mã chỉ tiêu.",
                                      "A value with no indicator code.", sheet.name, r + 1, letters["code"])
                else:
                    self.check_indicator(code, unit, sheet.name, r + 1, letters["code"], milestone=False)
                continue
            if c_sector is None:
                sector = ""
            else:
                sector = row[c_sector]
                sector = sector.strip() if sector.__class__ is str_ else _text(sector)
            if (sector in sectors[code] if code in sectors else not sector) is False:
                self._sector_ok(ind, sector, sheet.name, r + 1, letters.get("sector", letters["code"]))
                continue
            key = (code, unit, period, sector)
            if key in seen:
                self._duplicate(code, sector, seen[key], sheet.name, r + 1, letters["code"])
                continue
            seen[key] = r + 1
            if cell.__class__ is float and cell >= 0 and cell != math.inf and ind.unit not in _PERCENT_UNITS:
                value = cell  # the common case, checked inline (NaN fails cell >= 0)
            else:
                value = self.value(sheet, r, cell, ind, letters["value"])
                if value is None:
                    continue
            note = row[c_note] if c_note is not None else ""
            source = row[c_source] if c_source is not None else ""
            append(Observation(code, unit, period, value, sector,
                               note.strip() if note.__class__ is str_ else _text(note),
                               source.strip() if source.__class__ is str_ else _text(source)))
            append_row(r + 1)
            # The previous value of the same series, for files ordered by period (the usual case);
            # anything else is checked afterwards in period order.
            series = (code, unit, sector)
            at = sort_keys.get(period) or sort_keys.setdefault(period, period_objects[period].sort_key())
            before = last.get(series)
            if before is None:
                last[series] = (at, value)
            elif before[0] < at:
                if jump(value, before[1], ind.unit):
                    jumps.append((ind, value, before[1], r + 1))
                last[series] = (at, value)
            else:
                ordered = False
        if not ordered:
            jumps = self._jumps_in_period_order(observations, rows_of, indicators, sort_keys)
        for ind, value, before, row_number in jumps:
            self.jump_warning(ind, value, before, sheet.name, row_number, letters["value"])
        self._jumps_against_stored(observations, rows_of, indicators, period_objects, sheet.name, letters["value"])
        self.parsed.observations.extend(observations)

    @staticmethod
    def _jumps_in_period_order(observations, rows_of, indicators, sort_keys) -> list:
        last: dict[tuple, tuple] = {}
        jumps = []
        order = sorted(range(len(observations)), key=lambda n: sort_keys[observations[n].period])
        for n in order:
            o = observations[n]
            series, at = (o.indicator_id, o.unit, o.sector), sort_keys[o.period]
            before = last.get(series)
            if before is not None and before[0] < at:
                ind = indicators[o.indicator_id]
                if _jump(o.value, before[1], ind.unit):
                    jumps.append((ind, o.value, before[1], rows_of[n]))
            if before is None or before[0] < at:
                last[series] = (at, o.value)
        return jumps

    def _jumps_against_stored(self, observations, rows_of, indicators, period_objects, sheet: str, letter: str) -> None:
        """Each series' earliest value in the file against the stored value before it (few units only)."""
        if self.previous is None:
            return
        units = {o.unit for o in observations}
        if callable(self.previous) and len(units) > BULK_PREVIOUS_MAX_UNITS:
            return
        earliest: dict[tuple, int] = {}
        for n, o in enumerate(observations):
            if o.sector:
                continue
            series = (o.indicator_id, o.unit)
            if series not in earliest or period_objects[o.period] < period_objects[observations[earliest[series]].period]:
                earliest[series] = n
        stored: dict[str, dict[str, float]] = {}
        for unit in units:
            first = min((period_objects[o.period] for o in observations if o.unit == unit), key=Period.sort_key)
            stored[unit] = self.previous_for(unit, first.code)
        for (code, unit), n in earliest.items():
            if code in stored.get(unit, {}):
                self.jump_warning(indicators[code], observations[n].value, float(stored[unit][code]), sheet, rows_of[n], letter)

    def _sector_ok(self, ind: Indicator, sector: str, sheet: str, row: int, letter: str) -> bool:
        ids = [s.id for s in ind.sectors]
        if (sector in ids) if ids else not sector:
            return True
        if ids:
            vi = f"Lĩnh vực “{sector}” không thuộc chỉ tiêu “{ind.id}”. Dùng một trong: {', '.join(ids)}." if sector else \
                f"Chỉ tiêu “{ind.id}” báo cáo theo từng lĩnh vực; ghi mã lĩnh vực ({', '.join(ids)})."
            en = f"Sector “{sector}” is not one of “{ind.id}”'s: use one of {', '.join(ids)}." if sector else \
                f"“{ind.id}” is reported per sector; give the sector code ({', '.join(ids)})."
        else:
            vi = f"Chỉ tiêu “{ind.id}” không chia theo lĩnh vực; để trống cột “Lĩnh vực”."
            en = f"“{ind.id}” has no sectors; leave the “Lĩnh vực” (sector) column blank."
        self.issues.error("unknown_sector", vi, en, sheet, row, letter)
        return False

    def _duplicate(self, code: str, sector: str, first_row: int, sheet: str, row: int, letter: str) -> None:
        what = f"“{code}”" + (f" (lĩnh vực {sector})" if sector else "")
        self.issues.error("duplicate_indicator", f"Chỉ tiêu {what} đã có ở dòng {first_row}. Mỗi chỉ tiêu chỉ điền một lần; xóa một trong hai dòng.",
                          f"Indicator {what} already appears on row {first_row}. Give each indicator once; delete one of the rows.",
                          sheet, row, letter)

    def _formula(self, sheet: _Sheet, r: int, letter: str) -> None:
        self.issues.error("not_a_number", "Ô có công thức nhưng chưa có kết quả tính (tệp được tạo bằng chương trình, chưa mở bằng Excel). "
                          "Hãy mở tệp trong Excel hoặc LibreOffice, lưu lại rồi nộp; hoặc nhập thẳng con số.",
                          "The cell holds a formula with no calculated result (the file was written by a program and never opened "
                          "in Excel). Open and save it in Excel or LibreOffice, or type the number itself.", sheet.name, r + 1, letter)

    def milestone_rows(self, book, name: str, unit: str | None, period: Period | None, bulk: bool) -> None:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        header, cols = _find_header(rows, ("status",))
        if header < 0:
            return
        sheet = _Sheet(name, rows, header, cols)
        if "status" not in cols:
            vi, en = COLUMN_LABELS["status"]
            self.issues.error("missing_header_column", f"Thiếu cột “{vi}” ở trang “{name}”. Hãy dùng biểu mẫu mới tải về.",
                              f"The “{vi}” ({en}) column is missing on sheet “{name}”. Use a freshly downloaded form.", name, header + 1)
            return
        per_row = bulk and "unit" in cols and "period" in cols
        if bulk and not per_row:
            return
        letter = {k: sheet.letter(k) for k in cols}
        seen: dict[tuple, int] = {}
        fill = [cols[k] for k in ("status", "completed_on", "evidence") if k in cols]
        for r in range(header + 1, len(rows)):
            row = rows[r]
            if all(row[c] in ("", None) or (isinstance(row[c], str) and not row[c].strip()) for c in fill):
                continue
            code = _text(row[cols["code"]])
            if not code:
                self.issues.error("unknown_indicator", "Dòng có trạng thái nhưng không có mã nhiệm vụ.", "A status with no task code.",
                                  name, r + 1, letter["code"])
                continue
            row_unit, row_period = unit, period
            if per_row:
                row_period = self.check_period(_text(row[cols["period"]]), name, r + 1, letter["period"])
                row_unit = _text(row[cols["unit"]])
                if row_period is None or not self.check_unit(row_unit, row_period, name, r + 1, letter["unit"]):
                    continue
            ind = self.check_indicator(code, row_unit, name, r + 1, letter["code"], milestone=True)
            if ind is None:
                continue
            key = (code, row_unit, row_period.code)
            if key in seen:
                self._duplicate(code, "", seen[key], name, r + 1, letter["code"])
                continue
            seen[key] = r + 1
            status_text = _text(row[cols["status"]])
            status = _STATUS_BY_LABEL.get(normalise(status_text))
            if status is None:
                if status_text:
                    vi = f"Trạng thái “{status_text}” không hợp lệ. Chọn trong danh sách: {_STATUS_HINT}."
                    en = f"Status “{status_text}” is not valid. Pick one from the list: {_STATUS_HINT}."
                else:
                    vi = f"Chưa chọn trạng thái. Chọn trong danh sách: {_STATUS_HINT}."
                    en = f"No status chosen. Pick one from the list: {_STATUS_HINT}."
                self.issues.error("bad_status", vi, en, name, r + 1, letter["status"])
                continue
            completed = None
            if "completed_on" in cols:
                completed = _date(row[cols["completed_on"]])
                date_letter = letter["completed_on"]
                if completed == "bad":
                    self.issues.error("bad_date", f"“{_text(row[cols['completed_on']])}” không phải là ngày. Nhập ngày dạng ngày/tháng/năm, ví dụ 15/08/2026.",
                                      f"“{_text(row[cols['completed_on']])}” is not a date. Enter it as day/month/year, e.g. 15/08/2026.",
                                      name, r + 1, date_letter)
                    continue
                if completed and completed > self.today:
                    self.issues.error("bad_date", f"Ngày hoàn thành {completed:%d/%m/%Y} ở tương lai. Chỉ ghi ngày đã hoàn thành.",
                                      f"Completion date {completed} is in the future. Give the day it was actually done.",
                                      name, r + 1, date_letter)
                    continue
                if completed and status != "done":
                    self.issues.warning("date_ignored", f"Có ngày hoàn thành nhưng trạng thái là “{status_text}”; ngày này không được lưu. "
                                        "Nếu đã xong, chọn “Hoàn thành”.",
                                        f"A completion date with status “{status_text}” is not stored. If the task is done, pick “Hoàn thành”.",
                                        name, r + 1, date_letter)
                    completed = None
            if status == "done" and not completed:
                self.issues.error("bad_date", "Nhiệm vụ “Hoàn thành” cần ngày hoàn thành. Nhập ngày dạng ngày/tháng/năm, ví dụ 15/08/2026.",
                                  "A task marked done needs its completion date (day/month/year, e.g. 15/08/2026).",
                                  name, r + 1, letter.get("completed_on", letter["status"]))
                continue
            evidence = _text(row[cols["evidence"]]) if "evidence" in cols else ""
            self.parsed.milestones.append(MilestoneUpdate(code, row_unit, row_period.code, status, completed, evidence))


def read_form(content: bytes, file_name: str, catalogue: Catalogue, *, today: dt.date | None = None,
              previous: Previous = None, expected_units: set[str] | None = None,
              max_bytes: int = 10_000_000, max_uncompressed: int = 100_000_000) -> ParsedForm:
    """Read and check an uploaded form. Never raises; look at ``result.report`` (and ``result.ok``)."""
    content = bytes(content or b"")
    parsed = ParsedForm(file_name=file_name, sha256=hashlib.sha256(content).hexdigest())
    issues = _Issues(parsed.report)
    # A big form makes millions of small objects at once; the cyclic collector would rescan them
    # several times over for nothing (none of them form cycles), so it pauses while we read.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if today is None:
            from tracker.periods import today as today_

            today = today_()
        kind = _check_container(content, file_name or "", issues, max_bytes, max_uncompressed)
        if kind is not None:
            _Reader(parsed, content, catalogue, today, previous, expected_units, issues).read()
    except Exception as exc:  # noqa: BLE001 — a reader that raises would take the upload page down with it
        _unreadable(parsed, exc)
        return parsed
    finally:
        if collecting:
            gc.enable()
    issues.finish()
    if not parsed.report.ok:
        # Nothing from a refused file may be stored, so nothing is handed on.
        parsed.observations, parsed.milestones = [], []
    return parsed


def _unreadable(parsed: ParsedForm, exc: Exception) -> None:
    name = type(exc).__name__
    parsed.observations, parsed.milestones = [], []
    if name == "PasswordError":
        parsed.report.error("encrypted", "Tệp được đặt mật khẩu nên không đọc được. Hãy bỏ mật khẩu, lưu lại rồi nộp.",
                            "The file is password-protected. Remove the password, save and upload again.")
    elif name in ("CalamineError", "ZipError", "XmlError", "BadZipFile"):
        parsed.report.error("corrupt_file", f"Tệp bị hỏng, không đọc được ({name}). Hãy mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi nộp.",
                            f"The file is damaged and cannot be read ({name}: {exc}). Open it in Excel, save as .xlsx and upload again.")
    else:
        parsed.report.error("unreadable", f"Không đọc được tệp ({name}). Hãy lưu lại biểu mẫu dưới dạng .xlsx rồi nộp; nếu vẫn lỗi, "
                            "gửi tệp cho quản trị viên.",
                            f"The file could not be read ({name}: {exc}). Save the form as .xlsx and upload again; if it still "
                            "fails, send the file to an admin.")
