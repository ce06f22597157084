"""What a person sees in a sheet that the cell values alone do not say, per file format.

python-calamine gives each cell's value (the cached result of a formula). A person reading the sheet in
Excel or LibreOffice sees more, and the tracker must store what they see, or refuse:

- a number shown through a percent format (0,295 shown as "29,5 %");
- a number shown through a format that changes the magnitude without scaling the value ("#,##0," shows
  1.234.567 as "1.235"; a literal "%" in quotes shows 29,5 as "29,5%" of nothing) — ``misleading``;
- a number shown as a date or a time;
- an error cell (#DIV/0!, #N/A, #REF!, #VALUE! …), which calamine reads as blank or as text;
- a formula saved without a calculated value (a file written by a program, never opened);
- merged ranges (only the top-left cell holds a value; the others read blank);
- hidden rows and columns: hidden by hand, by an AutoFilter, in a collapsed group, or of zero height or
  width — a value there is stored by a reader but not seen by a person (``hidden_rows``, ``hidden_cols``);
- a number shown through a format whose section for that value is empty (``;;;``, ``0;-0;;@`` for a zero):
  the cell looks blank and holds a figure (``blank_shown``).

In an .xlsx the row and cell references (``r="G5"``) may be left out (the format allows it and some
writers do): rows and cells are then placed by their order, as Excel and python-calamine place them.

``read_cells(content, kind, sheet)`` returns a :class:`SheetCells` for one sheet, for every size of sheet.
When the facts cannot be read, it raises :class:`CellsUnreadable` with the reason, and the upload is
refused: a check that cannot run is never skipped silently.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

Cell = tuple[int, int]   # (row, column), 0-based


class CellsUnreadable(Exception):
    """The facts of a sheet cannot be read; ``args[0]`` says why (English, for the log and the report)."""


@dataclass
class SheetCells:
    percent: set[Cell] = field(default_factory=set)        # numeric, shown through a scaling percent format
    misleading: dict[Cell, str] = field(default_factory=dict)  # numeric, shown at another magnitude → format code
    dates: set[Cell] = field(default_factory=set)          # numeric, shown as a date or time
    errors: dict[Cell, str] = field(default_factory=dict)  # error cells → "#DIV/0!"
    formulas: set[Cell] = field(default_factory=set)       # formulas saved without a calculated value
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1) inclusive
    hidden_rows: set[int] = field(default_factory=set)     # rows a person does not see (hidden, filtered, collapsed)
    hidden_cols: set[int] = field(default_factory=set)     # columns likewise
    blank_shown: dict[Cell, str] = field(default_factory=dict)  # numeric, shown as nothing → format code

    def unseen(self, row: int, col: int) -> str | None:
        """'row', 'column' or 'format' when a person reading the sheet does not see cell (row, col)."""
        if row in self.hidden_rows:
            return "row"
        if col in self.hidden_cols:
            return "column"
        if (row, col) in self.blank_shown:
            return "format"
        return None

    def merged_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range that covers (row, col), if any."""
        for rng in self.merged:
            if rng[0] <= row <= rng[2] and rng[1] <= col <= rng[3]:
                return rng
        return None


def read_cells(content: bytes, kind: str, sheet_name: str) -> SheetCells:
    """The facts of sheet ``sheet_name`` in a workbook of ``kind`` ('xlsx', 'ods', 'xls')."""
    try:
        if kind == "xlsx":
            return _xlsx(content, sheet_name)
        if kind == "ods":
            return _ods(content, sheet_name)
        if kind == "xls":
            return _xls(content, sheet_name)
    except CellsUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 — any parser failure means the check did not run
        raise CellsUnreadable(f"{type(exc).__name__}: {exc}") from exc
    raise CellsUnreadable(f"cell formats of a .{kind} file cannot be checked")


# --- number formats, shared by every format ------------------------------------------------------------

_LITERAL = re.compile(r'"[^"]*"|\\.')
_BRACKET = re.compile(r"\[[^\]]*\]")
_SCALING_COMMA = re.compile(r"[0#?],+(?![0#?,])")
_DATE_TOKENS = re.compile(r"[dmyhsDMYHS]")
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.I)
_FRACTION_OF_SECOND = re.compile(r"(?<=[sS])\.0+")   # ss.000: milliseconds, still a time
# Excel's built-in number formats that matter here (ECMA-376 18.8.30)
_BUILTIN_PERCENT = {9, 10}
_BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}


def classify_format(code: str) -> str | None:
    """'percent', 'misleading', 'date' or None (a format that at most rounds) for an Excel format code."""
    if not code or code.lower() == "general":
        return None
    literals = "".join(m.group(0) for m in _LITERAL.finditer(code))
    # brackets hold colours, conditions and locales, except elapsed time ([h]:mm, [mm]:ss), which is a time
    bare = _BRACKET.sub(lambda m: m.group(0)[1:-1] if _ELAPSED.fullmatch(m.group(0)) else "",
                        _LITERAL.sub("", code))
    if "%" in bare:
        return "percent"
    if "%" in literals or _SCALING_COMMA.search(bare):
        return "misleading"
    if _DATE_TOKENS.search(bare) and not re.search(r"[0#?]", _FRACTION_OF_SECOND.sub("", bare)):
        return "date"
    return None


_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)")
_NOTHING = re.compile(r'\[[^\]]*\]|""|_.|\s')


def format_sections(code: str) -> list[str]:
    """The sections of a format code split at the semicolons outside quotes and escapes."""
    parts, current, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) - 1 if end < 0 else end
            current.append(code[i:end + 1])
            i = end + 1
            continue
        if ch == "\\":
            current.append(code[i:i + 2])
            i += 2
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def may_show_nothing(code: str) -> bool:
    """Whether some number is shown as nothing through this format (one of its number sections is empty)."""
    sections = format_sections(code or "")
    return any(not _NOTHING.sub("", s) and (len(sections) > 1 or bool(s)) for s in sections[:3])


def shows_nothing(code: str, value: float) -> bool:
    """Whether ``value`` is shown as nothing through the format ``code`` (Excel's rule: one section for
    every number; two: zero and positives, negatives; three or four: positives, negatives, zero, [text])."""
    sections = format_sections(code or "")
    if len(sections) < 2 or any(_CONDITION.search(s) for s in sections[:3]):
        # one section always shows the number; sections with their own conditions are not guessed
        return len(sections) == 1 and not _NOTHING.sub("", sections[0]) and bool(sections[0])
    if len(sections) == 2:
        section = sections[0] if value >= 0 else sections[1]
    else:
        section = sections[0] if value > 0 else sections[1] if value < 0 else sections[2]
    return not _NOTHING.sub("", section)


# --- xlsx ------------------------------------------------------------------------------------------------

def _xml(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    try:
        return ET.fromstring(zf.read(name))
    except KeyError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_styles(zf: zipfile.ZipFile) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    """Style index → (class, format code) for the styles whose format is not plain, and style index →
    format code for the styles that show some numbers as nothing."""
    root = _xml(zf, "xl/styles.xml")
    if root is None:
        return {}, {}
    codes: dict[int, str] = {}
    for el in root.iter():
        if _local(el.tag) == "numFmt":
            codes[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
    out: dict[int, tuple[str, str]] = {}
    blank: dict[int, str] = {}
    for el in root.iter():
        if _local(el.tag) != "cellXfs":
            continue
        for n, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in codes:
                code = codes[fmt]
                kind = classify_format(code)
                if may_show_nothing(code):
                    blank[n] = code
            elif fmt in _BUILTIN_PERCENT:
                code, kind = ("0%" if fmt == 9 else "0.00%"), "percent"
            elif fmt in _BUILTIN_DATES:
                code, kind = "dd/mm/yyyy", "date"
            else:
                continue
            if kind:
                out[n] = (kind, code)
        break
    return out, blank


def _xlsx_sheet_path(zf: zipfile.ZipFile, sheet_name: str) -> str:
    workbook, rels = _xml(zf, "xl/workbook.xml"), _xml(zf, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise CellsUnreadable("the workbook has no xl/workbook.xml or its relationships")
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for el in workbook.iter():
        if _local(el.tag) == "sheet" and el.get("name") == sheet_name:
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rid, "")
            if target:
                return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise CellsUnreadable(f"sheet {sheet_name!r} is not in the workbook")


# A row's opening tag or a whole cell, in document order: cells without a reference are placed by it.
_ROW_OR_CELL = re.compile(rb"<row\b([^>]*?)/?>|<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ROW_TAG = re.compile(rb"<row\b([^>]*?)/?>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_COL = re.compile(rb"<col\b([^>]*?)/?>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ZERO_HEIGHT = re.compile(rb'\bht="0(?:\.0*)?"')
_ZERO_WIDTH = re.compile(rb'\bwidth="0(?:\.0*)?"')
_MIN = re.compile(rb'\bmin="(\d+)"')
_MAX = re.compile(rb'\bmax="(\d+)"')
# Rows of zero height by default (sheetFormatPr zeroHeight): every row not given a height is hidden.
_ZERO_HEIGHT_DEFAULT = re.compile(rb'<sheetFormatPr\b[^>]*\bzeroHeight="(?:1|true)"')
_CUSTOM_HEIGHT = re.compile(rb'\bht="[^"]*[1-9][^"]*"')
_MAX_HIDDEN_SPAN = 20_000      # a hidden range wider than this is the rest of the sheet, past any data


def _search_from(pattern: re.Pattern, literal: bytes, data: bytes, start: int = 0, end: int | None = None):
    """``pattern.search(data, start, end)`` for a pattern that opens with \\b and then ``literal``: tried only
    where the literal is (found at memchr speed). A pattern opening with \\b is otherwise tried at every
    byte of a 27 MB sheet (0,15 s each); match() at a position still sees the byte before it for \\b."""
    end = len(data) if end is None else end
    at = data.find(literal, start, end)
    while at >= 0:
        found = pattern.match(data, at, end)
        if found:
            return found
        at = data.find(literal, at + 1, end)
    return None


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _row_hidden(attrs: bytes, zero_default: bool) -> bool:
    if _HIDDEN.search(attrs) or _ZERO_HEIGHT.search(attrs):
        return True
    return zero_default and not _CUSTOM_HEIGHT.search(attrs)


def _xlsx_hidden_cols(data: bytes, out: SheetCells) -> None:
    head = data[:data.find(b"<sheetData")] if b"<sheetData" in data else data
    for m in _COL.finditer(head):
        attrs = m.group(1)
        if not (_HIDDEN.search(attrs) or _ZERO_WIDTH.search(attrs)):
            continue
        lo, hi = _MIN.search(attrs), _MAX.search(attrs)
        if not lo:
            continue
        first = int(lo.group(1)) - 1
        last = int(hi.group(1)) - 1 if hi else first
        out.hidden_cols.update(range(first, min(last, first + _MAX_HIDDEN_SPAN) + 1))


def _xlsx(content: bytes, sheet_name: str) -> SheetCells:
    out = SheetCells()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        path = _xlsx_sheet_path(zf, sheet_name)
        try:
            data = zf.read(path)
        except KeyError:
            raise CellsUnreadable(f"sheet file {path} is missing") from None
        styles, blank = _xlsx_styles(zf) if b' s="' in data else ({}, {})
    # The sheet's parts outside its rows (cols and sheetFormatPr before, mergeCells after): an element
    # there cannot be inside sheetData, where a "<" is always a tag, so the long middle is not searched.
    rows_start = data.find(b"<sheetData")
    rows_end = data.rfind(b"</sheetData>")
    head_end = rows_start if rows_start >= 0 else len(data)
    tail_start = rows_end if rows_end >= 0 else 0
    for where in ((0, head_end), (tail_start, len(data))) if tail_start >= head_end else ((0, len(data)),):
        for m in _MERGE.finditer(data, *where):
            c0, r0 = _col_index(m.group(1)), int(m.group(2)) - 1
            c1, r1 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c0, r0)
            out.merged.append((r0, c0, r1, c1))
    _xlsx_hidden_cols(data, out)
    zero_default = bool(_ZERO_HEIGHT_DEFAULT.search(data, 0, head_end))
    # Scanning every cell of a 100 MB sheet costs seconds: only when something to find is there at all.
    wanted = [b' s="%d"' % n for n in set(styles) | set(blank)]
    if not (b't="e"' in data or b"<f" in data or any(w in data for w in wanted)):
        rows_from = max(rows_start, 0)
        if zero_default or _search_from(_HIDDEN, b'hidden="', data, rows_from) or \
                _search_from(_ZERO_HEIGHT, b'ht="0', data, rows_from):
            row = -1
            for m in _ROW_TAG.finditer(data):
                number = _ROW_NUMBER.search(m.group(1))
                row = int(number.group(1)) - 1 if number else row + 1
                if _row_hidden(m.group(1), zero_default):
                    out.hidden_rows.add(row)
        return out
    row, col = -1, -1
    for m in _ROW_OR_CELL.finditer(data):
        row_attrs = m.group(1)
        if row_attrs is not None:
            number = _ROW_NUMBER.search(row_attrs)
            row, col = (int(number.group(1)) - 1 if number else row + 1), -1
            if _row_hidden(row_attrs, zero_default):
                out.hidden_rows.add(row)
            continue
        attrs, inner = m.group(2), m.group(3) or b""
        ref = _REF.search(attrs)
        if ref:
            row, col = int(ref.group(2)) - 1, _col_index(ref.group(1))
        else:
            col += 1            # a cell without its reference: the next column of the row
        key = (row, col)
        kind = _TYPE.search(attrs)
        kind = kind.group(1) if kind else b"n"
        value = _VALUE.search(inner)
        if kind == b"e":
            out.errors[key] = (value.group(1).decode("utf-8", "replace") if value else "#N/A") or "#N/A"
            continue
        if b"<f" in inner and (value is None or not value.group(1)):
            out.formulas.add(key)
            continue
        if kind != b"n" or not (styles or blank):
            continue
        style = _STYLE.search(attrs)
        if style is None:
            continue
        index = int(style.group(1))
        code = blank.get(index)
        if code is not None and value is not None:
            try:
                number = float(value.group(1))
            except ValueError:
                number = None
            if number is not None and shows_nothing(code, number):
                out.blank_shown[key] = code
        look = styles.get(index)
        if look is None:
            continue
        if look[0] == "percent":
            out.percent.add(key)
        elif look[0] == "misleading":
            out.misleading[key] = look[1]
        elif look[0] == "date":
            out.dates.add(key)
    return out


# --- ods and xls -----------------------------------------------------------------------------------------

# ODF namespaces (OpenDocument 1.2/1.3; calcext is LibreOffice's extension namespace).
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"

_ODS_DATA_STYLES = {"number-style", "currency-style", "percentage-style", "date-style", "time-style",
                    "boolean-style", "text-style"}
_ODS_NUMERIC_TYPES = {"float", "percentage", "currency", "date", "time"}
# Sanity bound on a repeat count: an ODS sheet has at most 1 048 576 rows and 16 384 columns.
_ODS_MAX_REPEAT = 1 << 21
# Repeats make a few bytes stand for millions of cells (a percent row repeated to the last row of the
# sheet): past this many facts the file is refused rather than expanded without end. A genuine
# 400 000-row bulk sheet with a percent column has 400 000.
_ODS_MAX_FACTS = 5_000_000


class _OdsStyles:
    """Cell style name → ('percent' | 'misleading' | 'date' | None, format code), resolved through
    parent styles and the data (number) styles of content.xml and styles.xml."""

    def __init__(self) -> None:
        self.cell_styles: dict[str, tuple[str | None, str | None]] = {}   # name → (parent, data style)
        self.data_styles: dict[str, ET.Element] = {}
        self.default_data_style: str | None = None
        self._looks: dict[str | None, tuple[str, str] | None] = {}

    def add(self, el: ET.Element) -> None:
        """Take a style element (cell style or data style) whose children are complete."""
        name = el.get(_STYLE_NS + "name")
        tag = _local(el.tag)
        if el.tag.startswith(_NUMBER) and tag in _ODS_DATA_STYLES and name:
            self.data_styles[name] = el          # content.xml, read last, wins over styles.xml
        elif tag == "style" and el.get(_STYLE_NS + "family") == "table-cell" and name:
            self.cell_styles[name] = (el.get(_STYLE_NS + "parent-style-name"), el.get(_STYLE_NS + "data-style-name"))
        elif tag == "default-style" and el.get(_STYLE_NS + "family") == "table-cell":
            self.default_data_style = el.get(_STYLE_NS + "data-style-name") or self.default_data_style

    def look(self, cell_style: str | None) -> tuple[str, str] | None:
        """What a numeric cell of this cell style looks like, or None for a plain (or only rounding) format."""
        if cell_style in self._looks:
            return self._looks[cell_style]
        data, name, seen = None, cell_style, set()
        while name and name not in seen and data is None:
            seen.add(name)
            parent, data = self.cell_styles.get(name, (None, None))
            name = parent
        look = self._data_look(data or self.default_data_style, set())
        self._looks[cell_style] = look
        return look

    def _data_name(self, cell_style: str | None) -> str | None:
        name, seen, data = cell_style, set(), None
        while name and name not in seen and data is None:
            seen.add(name)
            parent, data = self.cell_styles.get(name, (None, None))
            name = parent
        return data or self.default_data_style

    def blank_code(self, cell_style: str | None, value: float) -> str | None:
        """The format code when a number ``value`` in a cell of this style is shown as nothing, else None."""
        name = self._data_name(cell_style)
        el = self.data_styles.get(name or "")
        if el is None:
            return None
        for _ in range(4):      # a section may itself have sections; a loop of them is cut short
            section = next((m.get(_STYLE_NS + "apply-style-name") for m in el if _local(m.tag) == "map"
                            and _ods_condition(m.get(_STYLE_NS + "condition", ""), value)), None)
            if section is None or section not in self.data_styles:
                break
            el = self.data_styles[section]
        if _local(el.tag) == "text-style" or any(_local(c.tag) in _ODS_SHOWN for c in el):
            return None
        if any(_local(c.tag) == "text" and "".join(c.itertext()).strip() for c in el):
            return None
        return _ods_code(el) if _ods_code(el) != _local(el.tag) else ";;;"

    def has_number_format(self, cell_style: str | None) -> bool:
        """Whether the style sets a number format other than General. LibreOffice shows a value of type
        percentage through such a format, and as a percent only when the style has none (checked with
        LibreOffice 7.4: 0.295 of type percentage shows 0.30 through "0.00" and 29.5% through General)."""
        el = self.data_styles.get(self._data_name(cell_style) or "")
        return el is not None and not _ods_general(el)

    def _data_look(self, name: str | None, seen: set[str]) -> tuple[str, str] | None:
        el = self.data_styles.get(name) if name else None
        if el is None or name in seen:
            return None
        seen.add(name)
        tag = _local(el.tag)
        own: tuple[str, str] | None = None
        if tag == "percentage-style":
            own = ("percent", _ods_code(el))
        elif tag in ("date-style", "time-style"):
            own = ("date", _ods_code(el))
        elif tag in ("number-style", "currency-style") and _ods_misleading(el):
            own = ("misleading", _ods_code(el))
        # Conditional sections (style:map, e.g. negatives in red, or a four-part format) show some values
        # through another data style: a misleading section anywhere makes the whole format misleading.
        looks = [own] + [self._data_look(m.get(_STYLE_NS + "apply-style-name"), seen)
                         for m in el if _local(m.tag) == "map"]
        for kind in ("misleading", "percent", "date"):
            for found in looks:
                if found and found[0] == kind:
                    return found
        return None


_ODS_SHOWN = {"number", "scientific-number", "fraction", "currency-symbol", "day", "month", "year", "hours", "minutes",
              "seconds", "day-of-week", "quarter", "week-of-year", "era", "am-pm", "boolean", "text-content"}
_ODS_CONDITION = re.compile(r"^\s*value\(\)\s*(<=|>=|!=|<>|<|>|=)\s*(-?[0-9.]+(?:[eE][-+]?\d+)?)\s*$")


def _ods_condition(condition: str, value: float) -> bool:
    """Whether a style:map condition such as 'value()>0' holds for ``value``; an unknown one does not."""
    m = _ODS_CONDITION.match(condition)
    if not m:
        return False
    op, bound = m.group(1), float(m.group(2))
    return {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound,
            "=": value == bound, "!=": value != bound, "<>": value != bound}[op]


def _ods_general(el: ET.Element) -> bool:
    """LibreOffice's General format: a number style of one bare number element (no decimals fixed)."""
    children = list(el)
    return (_local(el.tag) == "number-style" and len(children) == 1 and _local(children[0].tag) == "number"
            and children[0].get(_NUMBER + "decimal-places") is None
            and children[0].get(_NUMBER + "display-factor") in (None, "1"))


def _ods_misleading(el: ET.Element) -> bool:
    """A number style that shows another magnitude than the value: a display factor, or a literal '%'."""
    for child in el.iter():
        tag = _local(child.tag)
        factor = child.get(_NUMBER + "display-factor")
        if factor not in (None, "1", "1.0"):
            return True
        if tag in ("text", "embedded-text") and "%" in "".join(child.itertext()):
            return True
    return False


def _ods_code(el: ET.Element) -> str:
    """An Excel-like format code for an ODS data style, for messages ('#,##0,', '0.0"%"', '0.0%')."""
    parts: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag in ("number", "scientific-number", "fraction"):
            ints = max(int(child.get(_NUMBER + "min-integer-digits", "1") or 1), 0)
            code = "0" * ints or "#"
            if child.get(_NUMBER + "grouping") == "true":
                code = "#,##" + code[-1:] if len(code) < 4 else code
            decimals = int(child.get(_NUMBER + "decimal-places", "0") or 0)
            if decimals > 0:
                least = int(child.get(_NUMBER + "min-decimal-places", str(decimals)) or 0)
                code += "." + "0" * least + "#" * max(decimals - least, 0)
            factor = child.get(_NUMBER + "display-factor")
            if factor not in (None, "1", "1.0"):
                number = float(factor)
                power = 0
                while number >= 1000 and number % 1000 == 0:
                    number, power = number / 1000, power + 1
                code += "," * power if number == 1 else f" (÷{factor})"
            if tag == "scientific-number":
                code += "E+" + "0" * int(child.get(_NUMBER + "min-exponent-digits", "2") or 2)
            elif tag == "fraction":
                code = "# ?/?"
            parts.append(code)
        elif tag == "text":
            text = "".join(child.itertext())
            parts.append(text if text.strip() == "%" and _local(el.tag) == "percentage-style" else
                         f'"{text}"' if text.strip() and text not in "/:-., " else text)
        elif tag == "currency-symbol":
            parts.append(f'"{"".join(child.itertext())}"')
        elif tag in ("day", "month", "year", "hours", "minutes", "seconds"):
            long = child.get(_NUMBER + "style") == "long"
            letter = {"day": "d", "month": "m", "year": "y", "hours": "h", "minutes": "m", "seconds": "s"}[tag]
            parts.append(letter * (4 if tag == "year" and long else 2 if long else 1 if tag != "year" else 2))
    return "".join(parts) or _local(el.tag)


def _ods_repeat(attrs: dict[str, str], attr: str) -> int:
    raw = attrs.get(attr)
    if raw is None:
        return 1
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not 1 <= n <= _ODS_MAX_REPEAT:
        raise CellsUnreadable(f"{_local(attr)}={raw!r} is out of range")
    return n


def _ods(content: bytes, sheet_name: str) -> SheetCells:
    """Facts of one sheet of an OpenDocument spreadsheet, read from content.xml as a stream.

    Coordinates count every repeated row and column from A1, as python-calamine's grid does; repeated
    rows are expanded only where they hold something to report (the trailing ~1 048 000 empty rows that
    LibreOffice writes as one element cost nothing)."""
    styles = _OdsStyles()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = set(zf.namelist())
        if "content.xml" not in names:
            raise CellsUnreadable("the file has no content.xml")
        if "styles.xml" in names:
            with zf.open("styles.xml") as fh:
                for _, el in ET.iterparse(fh, events=("end",)):
                    styles.add(el)
        with zf.open("content.xml") as fh:
            out = _OdsSheet(sheet_name, styles).read(fh)
    if out is None:
        raise CellsUnreadable(f"sheet {sheet_name!r} is not in the workbook")
    return out


# What the stream reader does with an element, by tag; anything else (text:p, spans …) is passed over.
_T_CELL, _T_ROW, _T_COLUMN, _T_TABLE, _T_GROUP, _T_BODY, _T_AUTO = range(7)
_ODS_TAGS = {
    _TABLE + "table-cell": _T_CELL, _TABLE + "covered-table-cell": _T_CELL, _TABLE + "table-row": _T_ROW,
    _TABLE + "table-column": _T_COLUMN, _TABLE + "table": _T_TABLE,
    # containers of rows: rows inside them are rows of the sheet like any other
    _TABLE + "table-header-rows": _T_GROUP, _TABLE + "table-rows": _T_GROUP, _TABLE + "table-row-group": _T_GROUP,
    _OFFICE + "body": _T_BODY, _OFFICE + "automatic-styles": _T_AUTO,
}
_A_REPEAT_COLS = _TABLE + "number-columns-repeated"
_A_REPEAT_ROWS = _TABLE + "number-rows-repeated"
_A_SPAN_COLS = _TABLE + "number-columns-spanned"
_A_SPAN_ROWS = _TABLE + "number-rows-spanned"
_A_STYLE = _TABLE + "style-name"
_A_DEFAULT_STYLE = _TABLE + "default-cell-style-name"
_A_VALUE_TYPE = _OFFICE + "value-type"
_A_CALC_TYPE = _CALCEXT + "value-type"
_A_FORMULA = _TABLE + "formula"
_A_VISIBILITY = _TABLE + "visibility"
_A_VALUE = _OFFICE + "value"
_ODS_HIDDEN = ("collapse", "filter")     # hidden by hand or in a collapsed group; hidden by a filter


class _OdsSheet:
    """One pass over content.xml: styles first, then the rows of the sheet asked for.

    Every row is dropped from the tree once read, with its cells and their text, so memory stays flat on
    a sheet of any length; reading stops at the end of the sheet."""

    def __init__(self, sheet_name: str, styles: _OdsStyles) -> None:
        self.sheet_name = sheet_name
        self.styles = styles
        self.columns: list[tuple[int, int, str | None]] = []   # (first, last, default cell style)
        self.col_count = 0
        self.row = 0
        self.row_reps = 1
        self.row_style: str | None = None
        self.col = 0
        self.row_facts: list[tuple[str, int, object]] = []
        self.pending: tuple[int, int, str] | None = None        # (column, repeats, 'error' | 'formula')
        self.facts = 0
        self.row_hidden = False
        self.row_has_value = False

    def read(self, fh) -> SheetCells | None:
        out: SheetCells | None = None
        in_body = False
        nested = 0                        # depth of tables inside cells of the sheet: not part of its grid
        containers: list[ET.Element] = []   # table and row groups open now: the parents of rows
        for event, el in ET.iterparse(fh, events=("start", "end")):
            what = _ODS_TAGS.get(el.tag)
            if not in_body:
                if what == _T_BODY:
                    in_body = True
                elif event == "end":
                    if what == _T_AUTO:
                        el.clear()
                    else:
                        self.styles.add(el)
                continue
            if what is None:
                continue
            if event == "start":
                if what == _T_CELL:
                    if out is not None and not nested:
                        self._cell(el.attrib)
                elif what == _T_ROW:
                    if out is not None and not nested:
                        attrs = el.attrib
                        self.row_reps = _ods_repeat(attrs, _A_REPEAT_ROWS)
                        self.row_style = attrs.get(_A_DEFAULT_STYLE)
                        self.row_hidden = attrs.get(_A_VISIBILITY) in _ODS_HIDDEN
                        self.row_has_value = False
                        self.col = 0
                elif what == _T_TABLE:
                    if out is not None:
                        nested += 1
                    elif el.get(_TABLE + "name") == self.sheet_name:
                        out = SheetCells()
                    containers.append(el)
                elif what == _T_GROUP:
                    containers.append(el)
                elif what == _T_COLUMN and out is not None and not nested:
                    n = _ods_repeat(el.attrib, _A_REPEAT_COLS)
                    self.columns.append((self.col_count, self.col_count + n - 1, el.get(_A_DEFAULT_STYLE)))
                    if el.get(_A_VISIBILITY) in _ODS_HIDDEN:
                        out.hidden_cols.update(range(self.col_count, self.col_count + min(n, _MAX_HIDDEN_SPAN)))
                    self.col_count += n
                continue
            # end
            if what == _T_CELL:
                if self.pending is not None and out is not None and not nested:
                    self._cell_end(el)
            elif what == _T_ROW:
                if out is not None and not nested:
                    if self.row_facts:
                        self.facts += len(self.row_facts) * self.row_reps
                        if self.facts > _ODS_MAX_FACTS:
                            raise CellsUnreadable(f"more than {_ODS_MAX_FACTS} formatted, error or merged cells")
                        for r in range(self.row, self.row + self.row_reps):
                            _ods_put(out, r, self.row_facts)
                        self.row_facts = []
                    if self.row_hidden and self.row_has_value:
                        # only rows holding something matter; they are each written out, or repeated as few
                        if len(out.hidden_rows) + self.row_reps > _ODS_MAX_FACTS:
                            raise CellsUnreadable(f"more than {_ODS_MAX_FACTS} hidden rows with values")
                        out.hidden_rows.update(range(self.row, self.row + self.row_reps))
                    self.row += self.row_reps
                el.clear()
                if containers:
                    containers[-1].remove(el)     # the row is always the first child left: O(1)
            elif what in (_T_TABLE, _T_GROUP):
                containers.pop()
                if what == _T_TABLE:
                    if nested:
                        nested -= 1
                    elif out is not None:
                        return out
                    el.clear()
        return out

    def _cell(self, attrs: dict[str, str]) -> None:
        col = self.col
        if not attrs:                     # an empty cell without style: the commonest case
            self.col = col + 1
            return
        reps = _ods_repeat(attrs, _A_REPEAT_COLS)
        self.col = col + reps
        facts = self.row_facts
        if _A_SPAN_COLS in attrs or _A_SPAN_ROWS in attrs:
            rows, cols = _ods_repeat(attrs, _A_SPAN_ROWS), _ods_repeat(attrs, _A_SPAN_COLS)
            if rows > 1 or cols > 1:
                facts.extend(("merged", c, (rows, cols)) for c in range(col, col + reps))
        if attrs.get(_A_CALC_TYPE) == "error":
            self.pending = (col, reps, "error")
            self.row_has_value = True
            return
        value_type = attrs.get(_A_VALUE_TYPE)
        if value_type is None:
            if _A_FORMULA in attrs:
                self.pending = (col, reps, "formula")
                self.row_has_value = True
            return
        self.row_has_value = True
        if value_type not in _ODS_NUMERIC_TYPES:
            return
        style = attrs.get(_A_STYLE) or self.row_style
        if style is None:
            style = next((s for first, last, s in self.columns if first <= col <= last), None)
        if value_type in ("float", "percentage", "currency") and self.styles.data_styles:
            try:
                number = float(attrs.get(_A_VALUE, "nan"))
            except ValueError:
                number = float("nan")
            blank = self.styles.blank_code(style, number) if number == number else None
            if blank is not None:
                facts.extend(("blank", c, blank) for c in range(col, col + reps))
        look = self.styles.look(style)
        if look and look[0] == "misleading":
            kind, extra = "misleading", look[1]
        elif value_type in ("date", "time") or (look and look[0] == "date"):
            kind, extra = "date", None
        elif (look and look[0] == "percent") or (value_type == "percentage" and not self.styles.has_number_format(style)):
            # LibreOffice shows a percentage value through the cell's own number style when it has one
            kind, extra = "percent", None
        else:
            return
        if len(facts) + reps > _ODS_MAX_FACTS:
            raise CellsUnreadable(f"more than {_ODS_MAX_FACTS} formatted, error or merged cells")
        facts.extend((kind, c, extra) for c in range(col, col + reps))

    def _cell_end(self, el: ET.Element) -> None:
        col, reps, kind = self.pending   # type: ignore[misc]
        self.pending = None
        text = "".join(el.itertext()).strip()
        if kind == "error":
            self.row_facts.extend(("error", c, text or "#N/A") for c in range(col, col + reps))
        elif not text:                   # a formula with neither a value nor a shown text
            self.row_facts.extend(("formula", c, None) for c in range(col, col + reps))


def _ods_put(out: SheetCells, row: int, facts: list[tuple[str, int, object]]) -> None:
    for kind, col, extra in facts:
        key = (row, col)
        if kind == "percent":
            out.percent.add(key)
        elif kind == "misleading":
            out.misleading[key] = str(extra)
        elif kind == "date":
            out.dates.add(key)
        elif kind == "error":
            out.errors[key] = str(extra)
        elif kind == "formula":
            out.formulas.add(key)
        elif kind == "blank":
            out.blank_shown[key] = str(extra)
        elif kind == "merged":
            rows, cols = extra  # type: ignore[misc]
            out.merged.append((row, col, row + rows - 1, col + cols - 1))


def _xls(content: bytes, sheet_name: str) -> SheetCells:
    """Facts of one sheet of an Excel 97–2003 workbook, through xlrd's formatting information.

    An .xls always stores the cached result of a formula, so ``formulas`` stays empty."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        raise CellsUnreadable(f"xlrd: {exc}") from exc
    try:
        try:
            sheet = book.sheet_by_name(sheet_name)
        except xlrd.XLRDError:
            raise CellsUnreadable(f"sheet {sheet_name!r} is not in the workbook") from None
        looks: dict[int, tuple[str, str] | None] = {}

        def look(xf_index: int) -> tuple[str, str] | None:
            if xf_index not in looks:
                try:
                    key = book.xf_list[xf_index].format_key
                except IndexError:
                    raise CellsUnreadable(f"cell format XF {xf_index} is not in the workbook") from None
                fmt = book.format_map.get(key)
                if fmt is None:
                    raise CellsUnreadable(f"number format {key} is not in the workbook")
                kind = classify_format(fmt.format_str)
                looks[xf_index] = (kind, fmt.format_str) if kind else None
            return looks[xf_index]

        out = SheetCells()
        for r in range(sheet.nrows):
            for c, ctype in enumerate(sheet.row_types(r)):
                if ctype == xlrd.XL_CELL_ERROR:
                    code = sheet.cell_value(r, c)
                    out.errors[(r, c)] = xlrd.error_text_from_code.get(code, f"#ERROR({code})")
                elif ctype == xlrd.XL_CELL_DATE:
                    out.dates.add((r, c))
                elif ctype == xlrd.XL_CELL_NUMBER:
                    found = look(sheet.cell_xf_index(r, c))
                    if found is None:
                        continue
                    if found[0] == "percent":
                        out.percent.add((r, c))
                    elif found[0] == "misleading":
                        out.misleading[(r, c)] = found[1]
                    elif found[0] == "date":
                        out.dates.add((r, c))
        # xlrd gives (rlo, rhi, clo, chi), half-open
        out.merged = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
        return out
    finally:
        book.release_resources()
