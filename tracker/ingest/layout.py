"""Where things are in a workbook: the form's metadata, its data and task sheets, and their columns.

Nothing here guesses. A form (version 2 on) marks its own columns with a hidden row of keys
("nq45:value" …) above the header, so a clerk's extra column, wherever it is inserted, is never read as
the value column; a second column that carries the same key, or whose header also reads as a value
header, is an error, not a choice. Forms of version 1 (downloaded before the marker) and bulk files are
read by their exact header labels, with the same refusal of a second candidate. A sheet is the data sheet
by its exact name; a copied sheet ("Số liệu (2)", "Copy of Số liệu") that also holds figures makes the
file ambiguous.

Metadata: the very hidden "_meta" sheet (key/value rows) and the visible copy on the instructions sheet
("Mã đơn vị", "Mã kỳ báo cáo", "Phiên bản biểu mẫu" and the period in words, "Kỳ báo cáo"). Where both are
there they must agree: a period changed on the visible sheet only is an error, never silently overruled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from tracker.ingest.issues import CappedIssues
from tracker.core.periods import Period, parse_period
from tracker.forms.spec import (BULK_KIND, COLUMN_LABELS, FORM_KIND, INSTRUCTION_KEYS, MARKER_PREFIX, SHEET_DATA,
                                SHEET_INSTRUCTIONS, SHEET_META, SHEET_MILESTONES)

HEADER_SEARCH_ROWS = 30


def normalise(text) -> str:
    """'Mã chỉ tiêu (*)' → 'ma chi tieu': lower case, no diacritics, no trailing note in brackets."""
    s = str(text or "").replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", s)
    s = re.sub(r"[\s_]+", " ", s).strip(" :*.")
    return s


def exact(text) -> str:
    """A label compared as written: case, spaces and Unicode form folded, nothing else removed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text or ""))).strip().casefold()


# Labels other programs or older forms use for the same columns. They are how a header is recognised
# as *a candidate* for a field; only the form's own label (or marker) chooses the column.
_EXTRA_LABELS = {
    "code": ("ma", "code", "indicator id", "ma so"),
    "sector": ("nganh linh vuc", "nganh"),
    "unit": ("unit", "ma don vi", "don vi bao cao"),
    "period": ("ky", "ma ky bao cao"),
    "value": ("gia tri thuc hien", "so lieu", "so lieu thuc hien", "ket qua", "thuc hien", "value"),
    "note": ("notes", "note"),
    "scope": ("pham vi", "area covered"),
    "source": ("nguon", "source"),
    "status": ("tinh trang", "tien do"),
    "completed_on": ("ngay", "completed on", "date completed"),
    "evidence": ("van ban", "minh chung hoan thanh"),
}
_CANDIDATE: dict[str, str] = {}
for _field, _labels in COLUMN_LABELS.items():
    for _label in _labels:
        _CANDIDATE.setdefault(normalise(_label), _field)
for _field, _labels in _EXTRA_LABELS.items():
    for _label in _labels:
        _CANDIDATE.setdefault(_label, _field)
_OWN_LABEL = {exact(label): f for f, labels in COLUMN_LABELS.items() for label in labels}
# Fields where two candidate columns make the file ambiguous: they decide what is stored.
DECIDING = ("code", "sector", "unit", "period", "value", "scope", "status", "completed_on")

_SHEET_NAMES = {
    "data": {exact(SHEET_DATA), "data"},
    "milestones": {exact(SHEET_MILESTONES), "milestones", "tasks"},
    "instructions": {exact(SHEET_INSTRUCTIONS), "instructions"},
}
_LOOKS_LIKE = {"data": {"so lieu", "data"}, "milestones": {"nhiem vu", "milestones", "tasks"}}


def column_letter(index: int) -> str:
    """0 → 'A', 27 → 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text(cell) -> str:
    if cell is None or cell == "":
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


@dataclass
class Sheet:
    name: str
    rows: list[list]
    header_row: int = -1                     # 0-based index into rows
    columns: dict[str, int] = field(default_factory=dict)
    marked: bool = False                     # columns found by the form's own marker row

    def letter(self, key: str) -> str:
        col = self.columns[key]
        header = self.rows[self.header_row][col] if 0 <= self.header_row < len(self.rows) and col < len(self.rows[self.header_row]) else ""
        return f"{column_letter(col)} ({str(header).strip()})" if header else column_letter(col)

    def has_values(self, key: str) -> bool:
        col = self.columns.get(key)
        if col is None or self.header_row < 0:
            return False
        return any(col < len(row) and text(row[col]) for row in self.rows[self.header_row + 1:])


class Book:
    """A workbook's sheets as rows, each sheet read once (a bulk sheet of 400.000 rows costs seconds)."""

    def __init__(self, workbook):
        self._book = workbook
        self.names: list[str] = list(workbook.sheet_names)
        self._rows: dict[str, list[list]] = {}

    def rows(self, name: str) -> list[list]:
        if name not in self._rows:
            self._rows[name] = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return self._rows[name]


# --- metadata --------------------------------------------------------------------------------------------

@dataclass
class Meta:
    values: dict[str, str]          # from the hidden sheet, else the instructions sheet
    place: str                      # the sheet it was read from
    visible: dict[str, str]         # what the instructions sheet shows (may be empty)


_PERIOD_WORDS = re.compile(r"^(n[ăa]m|year)\s+", re.I)


def read_meta(book: Book) -> Meta | None:
    names = book.names
    hidden, visible = {}, {}
    if SHEET_META in names:
        rows = book.rows(SHEET_META)
        hidden = {normalise(r[0]).replace(" ", "_"): text(r[1]) for r in rows if len(r) >= 2 and text(r[0])}
    instructions = next((n for n in names if exact(n) in _SHEET_NAMES["instructions"]), None)
    if instructions:
        wanted = {exact(label): key for key, labels in INSTRUCTION_KEYS.items() for label in labels}
        wanted.update({exact(label): "period_label" for label in ("Kỳ báo cáo", "Period")})
        for row in book.rows(instructions)[:60]:
            for c, cell in enumerate(row[:-1]):
                key = wanted.get(exact(cell)) if isinstance(cell, str) else None
                if key and key not in visible:
                    visible[key] = text(row[c + 1])
    if hidden.get("unit") or hidden.get("form"):
        return Meta(hidden, SHEET_META, visible)
    if visible.get("unit") and visible.get("period"):
        values = dict(visible)
        values["form"] = BULK_KIND if values["unit"] == "*" else FORM_KIND
        return Meta(values, instructions, visible)
    return None


def visible_period(meta: Meta) -> tuple[str, Period | None] | None:
    """(what the instructions sheet shows as the period, parsed) for each visible period cell that disagrees
    with the form's own period; None when they agree or nothing is shown."""
    own = meta.values.get("period", "")
    try:
        own_period = parse_period(own)
    except ValueError:
        return None
    for key in ("period", "period_label"):
        shown = meta.visible.get(key)
        if not shown or shown == "*":
            continue
        try:
            shown_period = parse_period(_PERIOD_WORDS.sub("", shown))
        except ValueError:
            return shown, None
        if shown_period != own_period:
            return shown, shown_period
    return None


# --- sheets and columns ------------------------------------------------------------------------------------

def own_sheet_name(names: list[str], kind: str) -> str | None:
    """The workbook's sheet named as the form's data or task sheet (kind 'data' or 'milestones'), if any."""
    return next((n for n in names if exact(n) in _SHEET_NAMES[kind]), None)


def find_sheet(book: Book, kind: str, wanted: tuple[str, ...], issues: CappedIssues, marked: bool,
               skip: tuple[str, ...] = ()) -> Sheet | None:
    """The data or task sheet, by its exact name; None when there is none (the caller says so).

    Any other sheet that also holds the table (by name or by header) with something filled in makes the
    file ambiguous: an error naming both, and None.
    """
    names = book.names
    own = own_sheet_name(names, kind)
    sheet = None
    if own is not None:
        sheet = locate_columns(own, book.rows(own), wanted, issues, marked)
        if sheet is None:
            return None
    others = []
    for name in names:
        if name == own or name in skip or name == SHEET_META or exact(name) in _SHEET_NAMES["instructions"]:
            continue
        looks = normalise(name).replace("copy of ", "").replace("ban sao cua ", "").strip(" 0123456789-") in _LOOKS_LIKE[kind]
        rows = book.rows(name)
        probe = locate_columns(name, rows, wanted, CappedIssues(type(issues.report)()), marked=False, quiet=True)
        if probe is not None and any(probe.has_values(k) for k in wanted if k in probe.columns):
            others.append(name)
        elif looks and own is None:
            others.append(name)
    if own is not None and others:
        issues.error("ambiguous_sheet",
                     f"Tệp có hai trang tính cùng chứa bảng {_KIND_VI[kind]}: “{own}” và “{others[0]}”. Không rõ trang nào là "
                     f"số liệu cần nộp. Xóa trang nháp (hoặc chép số liệu vào trang “{own}”) rồi nộp lại.",
                     f"The workbook has two sheets holding the {_KIND_EN[kind]} table: “{own}” and “{others[0]}”. It is not "
                     f"clear which one to read. Delete the draft (or copy its figures into “{own}”) and upload again.",
                     others[0])
        return None
    if own is None and others:
        issues.error("ambiguous_sheet",
                     f"Không có trang “{_OWN_VI[kind]}” đúng tên của biểu mẫu, chỉ có “{others[0]}”. Đổi tên trang đó lại "
                     f"thành “{_OWN_VI[kind]}” (hoặc tải biểu mẫu mới) rồi nộp.",
                     f"There is no sheet named “{_OWN_VI[kind]}” as in the form, only “{others[0]}”. Rename it back to "
                     f"“{_OWN_VI[kind]}” (or download a new form) and upload again.", others[0])
        return None
    return sheet


_KIND_VI = {"data": "số liệu", "milestones": "nhiệm vụ"}
_KIND_EN = {"data": "figures", "milestones": "tasks"}
_OWN_VI = {"data": SHEET_DATA, "milestones": SHEET_MILESTONES}


def locate_columns(name: str, rows: list[list], wanted: tuple[str, ...], issues: CappedIssues, marked: bool,
                   quiet: bool = False) -> Sheet | None:
    """The sheet with its header row and columns, or None after an error.

    ``marked``: the form carries a marker row; columns come from it. Otherwise the header row is the first
    (of 30) with the code column and one of ``wanted``, and each column is the one whose header is the
    form's own label. In both cases a second column that could be the same field is an error.
    """
    sheet = Sheet(name, rows)
    if marked:
        for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            keys = [(c, cell[len(MARKER_PREFIX):]) for c, cell in enumerate(row)
                    if isinstance(cell, str) and cell.startswith(MARKER_PREFIX)]
            if not keys:
                continue
            seen: dict[str, int] = {}
            for c, key in keys:
                if key in seen:
                    if not quiet:
                        issues.error("ambiguous_column",
                                     f"Hai cột cùng mang dấu của cột “{_label_vi(key)}” ({column_letter(seen[key])} và "
                                     f"{column_letter(c)}), có lẽ do sao chép cột. Xóa cột thừa rồi nộp lại.",
                                     f"Two columns carry the marker of the “{_label_vi(key)}” column ({column_letter(seen[key])} "
                                     f"and {column_letter(c)}), probably a copied column. Delete the extra one and upload again.",
                                     name, r + 2, column_letter(c))
                    return None
                seen[key] = c
            sheet.header_row, sheet.columns, sheet.marked = r + 1, seen, True
            break
        else:
            if not quiet:
                issues.error("not_our_form",
                             f"Trang “{name}” thiếu dòng đánh dấu cột (dòng ẩn ngay trên dòng tiêu đề). Không xóa dòng hay cột "
                             "của biểu mẫu; hãy tải biểu mẫu mới rồi chép số liệu sang.",
                             f"Sheet “{name}” has lost the form's hidden column-marker row (just above the header). Do not delete "
                             "the form's rows or columns; download a new form and copy the figures over.", name)
            return None
        header = rows[sheet.header_row] if sheet.header_row < len(rows) else []
        for key in ("code",) + tuple(k for k in wanted if k in sheet.columns):
            col = sheet.columns.get(key)
            shown = header[col] if col is not None and col < len(header) else ""
            if col is not None and _OWN_LABEL.get(exact(shown)) != key:
                # The header under the marker was deleted or retyped: the row read as header may hold figures.
                if not quiet:
                    vi, en = COLUMN_LABELS[key]
                    issues.error("missing_header_column",
                                 f"Dòng tiêu đề không còn cột “{vi}” ở {column_letter(col)} (thấy “{str(shown).strip()[:40]}”). Không "
                                 "xóa hay sửa dòng tiêu đề; hãy khôi phục (Undo) hoặc tải biểu mẫu mới rồi chép số liệu sang.",
                                 f"The header row no longer shows “{vi}” ({en}) in column {column_letter(col)} (found "
                                 f"“{str(shown).strip()[:40]}”). Do not delete or retype the header; undo it or download a new "
                                 "form and copy the figures over.", name, sheet.header_row + 1, column_letter(col))
                return None
        for c, cell in enumerate(header):
            field_ = _CANDIDATE.get(normalise(cell)) if isinstance(cell, str) and cell.strip() else None
            if field_ in DECIDING and field_ in sheet.columns and sheet.columns[field_] != c:
                if not quiet:
                    _ambiguous(issues, name, sheet.header_row, field_, sheet.columns[field_], c, header)
                return None
        return sheet
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        candidates: dict[str, list[int]] = {}
        own: dict[str, int] = {}
        for c, cell in enumerate(row):
            if not (isinstance(cell, str) and cell.strip()):
                continue
            field_ = _CANDIDATE.get(normalise(cell))
            if field_:
                candidates.setdefault(field_, []).append(c)
            if (f := _OWN_LABEL.get(exact(cell))) and f not in own:
                own[f] = c
        if "code" not in candidates or not any(k in candidates for k in wanted):
            continue
        sheet.header_row = r
        for field_, cols in candidates.items():
            if field_ in DECIDING and len(cols) > 1:
                if not quiet:
                    _ambiguous(issues, name, r, field_, cols[0], cols[1], row, old_form=True)
                return None
            sheet.columns[field_] = own.get(field_, cols[0])
        return sheet
    return sheet  # header_row -1: the caller says what is missing


def _label_vi(key: str) -> str:
    return COLUMN_LABELS.get(key, (key, key))[0]


def _ambiguous(issues: CappedIssues, sheet: str, header_row: int, field_: str, first: int, second: int, header,
               old_form: bool = False) -> None:
    def shown(c):
        return f"{column_letter(c)} “{str(header[c]).strip()}”" if c < len(header) else column_letter(c)

    fix_vi = "Tải biểu mẫu mới, " if old_form else ""
    fix_en = "Download a new form, " if old_form else ""
    issues.error("ambiguous_column",
                 f"Có hai cột có thể là cột “{_label_vi(field_)}”: {shown(first)} và {shown(second)}. Không rõ cột nào là số "
                 f"liệu cần nộp. {fix_vi}{'x' if old_form else 'X'}óa hoặc đổi tên cột làm việc thêm vào (ví dụ “Ghi chú riêng”) rồi nộp lại.",
                 f"Two columns could be the “{COLUMN_LABELS.get(field_, (field_, field_))[1]}” column: {shown(first)} and "
                 f"{shown(second)}. It is not clear which to read. {fix_en}{'d' if old_form else 'D'}elete or rename the added "
                 "working column and upload again.", sheet, header_row + 1, column_letter(second))
