"""What a person sees in a sheet that the cell values alone do not say, per file format.

python-calamine gives each cell's value (the cached result of a formula). A person reading the sheet in
Excel or LibreOffice sees more, and the tracker must store what they see, or refuse:

- a number shown through a percent format (0,295 shown as "29,5 %");
- a number shown through a format that changes the magnitude without scaling the value ("#,##0," shows
  1.234.567 as "1.235"; a literal "%" in quotes shows 29,5 as "29,5%" of nothing) — ``misleading``;
- a number shown as a date or a time;
- an error cell (#DIV/0!, #N/A, #REF!, #VALUE! …), which calamine reads as blank or as text;
- a formula saved without a calculated value (a file written by a program, never opened);
- merged ranges (only the top-left cell holds a value; the others read blank).

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
# Excel's built-in number formats that matter here (ECMA-376 18.8.30)
_BUILTIN_PERCENT = {9, 10}
_BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}


def classify_format(code: str) -> str | None:
    """'percent', 'misleading', 'date' or None (a format that at most rounds) for an Excel format code."""
    if not code or code.lower() == "general":
        return None
    literals = "".join(m.group(0) for m in _LITERAL.finditer(code))
    bare = _BRACKET.sub("", _LITERAL.sub("", code))
    if "%" in bare:
        return "percent"
    if "%" in literals or _SCALING_COMMA.search(bare):
        return "misleading"
    if _DATE_TOKENS.search(bare) and not re.search(r"[0#?]", bare):
        return "date"
    return None


# --- xlsx ------------------------------------------------------------------------------------------------

def _xml(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    try:
        return ET.fromstring(zf.read(name))
    except KeyError:
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_styles(zf: zipfile.ZipFile) -> dict[int, tuple[str, str]]:
    """Style index → (class, format code) for the styles whose format is not plain."""
    root = _xml(zf, "xl/styles.xml")
    if root is None:
        return {}
    codes: dict[int, str] = {}
    for el in root.iter():
        if _local(el.tag) == "numFmt":
            codes[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
    out: dict[int, tuple[str, str]] = {}
    for el in root.iter():
        if _local(el.tag) != "cellXfs":
            continue
        for n, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in codes:
                code = codes[fmt]
                kind = classify_format(code)
            elif fmt in _BUILTIN_PERCENT:
                code, kind = ("0%" if fmt == 9 else "0.00%"), "percent"
            elif fmt in _BUILTIN_DATES:
                code, kind = "dd/mm/yyyy", "date"
            else:
                continue
            if kind:
                out[n] = (kind, code)
        break
    return out


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


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _xlsx(content: bytes, sheet_name: str) -> SheetCells:
    out = SheetCells()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        path = _xlsx_sheet_path(zf, sheet_name)
        try:
            data = zf.read(path)
        except KeyError:
            raise CellsUnreadable(f"sheet file {path} is missing") from None
        styles = _xlsx_styles(zf) if b' s="' in data else {}
    for m in _MERGE.finditer(data):
        c0, r0 = _col_index(m.group(1)), int(m.group(2)) - 1
        c1, r1 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c0, r0)
        out.merged.append((r0, c0, r1, c1))
    # Scanning every cell of a 100 MB sheet costs seconds: only when something to find is there at all.
    wanted = [b' s="%d"' % n for n in styles]
    if not (b't="e"' in data or b"<f" in data or any(w in data for w in wanted)):
        return out
    for m in _CELL.finditer(data):
        attrs, inner = m.group(1), m.group(2) or b""
        ref = _REF.search(attrs)
        if not ref:
            continue
        key = (int(ref.group(2)) - 1, _col_index(ref.group(1)))
        kind = _TYPE.search(attrs)
        kind = kind.group(1) if kind else b"n"
        value = _VALUE.search(inner)
        if kind == b"e":
            out.errors[key] = (value.group(1).decode("utf-8", "replace") if value else "#N/A") or "#N/A"
            continue
        if b"<f" in inner and (value is None or not value.group(1)):
            out.formulas.add(key)
            continue
        if kind != b"n" or not styles:
            continue
        style = _STYLE.search(attrs)
        look = styles.get(int(style.group(1))) if style else None
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
_ODS_GRID = {_TABLE + "table-row", _TABLE + "table-cell", _TABLE + "covered-table-cell", _TABLE + "table-column",
             _TABLE + "table"}
# Sanity bound on a repeat count: an ODS sheet has at most 1 048 576 rows and 16 384 columns.
_ODS_MAX_REPEAT = 1 << 21


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
            self.data_styles.setdefault(name, el)
        elif tag == "style" and el.get(_STYLE_NS + "family") == "table-cell" and name:
            self.cell_styles.setdefault(name, (el.get(_STYLE_NS + "parent-style-name"),
                                               el.get(_STYLE_NS + "data-style-name")))
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

    def has_data_style(self, cell_style: str | None) -> bool:
        name, seen = cell_style, set()
        while name and name not in seen:
            seen.add(name)
            parent, data = self.cell_styles.get(name, (None, None))
            if data:
                return data in self.data_styles
            name = parent
        return self.default_data_style in self.data_styles

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
            parts.append(text if text == "%" and _local(el.tag) == "percentage-style" else
                         f'"{text}"' if text.strip() and text not in "/:-., " else text)
        elif tag == "currency-symbol":
            parts.append(f'"{"".join(child.itertext())}"')
        elif tag in ("day", "month", "year", "hours", "minutes", "seconds"):
            long = child.get(_NUMBER + "style") == "long"
            letter = {"day": "d", "month": "m", "year": "y", "hours": "h", "minutes": "m", "seconds": "s"}[tag]
            parts.append(letter * (4 if tag == "year" and long else 2 if long else 1 if tag != "year" else 2))
    return "".join(parts) or _local(el.tag)


def _ods_repeat(el: ET.Element, attr: str) -> int:
    raw = el.get(_TABLE + attr)
    if raw is None:
        return 1
    n = int(raw)
    if not 1 <= n <= _ODS_MAX_REPEAT:
        raise CellsUnreadable(f"table:{attr}={raw} is out of range")
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
                for event, el in ET.iterparse(fh, events=("end",)):
                    styles.add(el)
        with zf.open("content.xml") as fh:
            out = _ods_content(fh, sheet_name, styles)
    if out is None:
        raise CellsUnreadable(f"sheet {sheet_name!r} is not in the workbook")
    return out


def _ods_content(fh, sheet_name: str, styles: _OdsStyles) -> SheetCells | None:
    out: SheetCells | None = None
    stack: list[ET.Element] = []
    in_body = False
    nested = 0            # depth of tables inside the sheet (a table in a cell): not the sheet's grid
    columns: list[tuple[int, int, str | None]] = []   # (first, last, default cell style) of the sheet
    col_count = 0
    row = 0               # index of the current row
    row_reps = 1
    row_style: str | None = None
    col = 0               # index of the current cell in the row
    row_facts: list[tuple[str, int, object]] = []     # facts of the current row, repeated at its end
    cell_facts: tuple[int, int, str | None, bool] | None = None   # pending cell: (col, reps, kind, formula)
    for event, el in ET.iterparse(fh, events=("start", "end")):
        if event == "start":
            stack.append(el)
            if not in_body:
                if el.tag == _OFFICE + "body":
                    in_body = True
                continue
            if out is None:
                if el.tag == _TABLE + "table" and el.get(_TABLE + "name") == sheet_name:
                    out = SheetCells()
                continue
            if el.tag == _TABLE + "table":
                nested += 1
            if nested:
                continue
            tag = el.tag
            if tag == _TABLE + "table-column":
                n = _ods_repeat(el, "number-columns-repeated")
                columns.append((col_count, col_count + n - 1, el.get(_TABLE + "default-cell-style-name")))
                col_count += n
            elif tag == _TABLE + "table-row":
                row_reps = _ods_repeat(el, "number-rows-repeated")
                row_style = el.get(_TABLE + "default-cell-style-name")
                col, row_facts = 0, []
            elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                reps = _ods_repeat(el, "number-columns-repeated")
                cell_facts = _ods_cell_start(el, col, reps, row_style, columns, styles, row_facts)
                col += reps
            continue
        # event == "end"
        stack.pop()
        if not in_body:
            if el.tag.startswith(_NUMBER) or el.tag in (_STYLE_NS + "style", _STYLE_NS + "default-style"):
                styles.add(el)
            if el.tag == _OFFICE + "automatic-styles":
                el.clear()
            continue
        if out is not None and not nested:
            tag = el.tag
            if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell") and cell_facts is not None:
                first, reps, pending, formula = cell_facts
                text = "".join(el.itertext())
                if pending == "error":
                    for c in range(first, first + reps):
                        row_facts.append(("error", c, text.strip() or "#N/A"))
                elif formula and not text:
                    for c in range(first, first + reps):
                        row_facts.append(("formula", c, None))
                cell_facts = None
            elif tag == _TABLE + "table-row":
                for r in range(row, row + row_reps) if row_facts else ():
                    _ods_put(out, r, row_facts)
                row += row_reps
                row_facts = []
            elif tag == _TABLE + "table" and el.get(_TABLE + "name") == sheet_name:
                return out
        elif el.tag == _TABLE + "table" and nested:
            nested -= 1
        if stack and el.tag in _ODS_GRID:
            stack[-1].remove(el)   # what is read is dropped (with its text): memory stays flat on a large sheet
    return out


def _ods_cell_start(el: ET.Element, col: int, reps: int, row_style: str | None,
                    columns: list[tuple[int, int, str | None]], styles: _OdsStyles,
                    row_facts: list[tuple[str, int, object]]) -> tuple[int, int, str | None, bool] | None:
    """Facts seen in a cell's attributes; returns what must wait for the cell's text (errors, formulas)."""
    rows = _ods_repeat(el, "number-rows-spanned")
    cols = _ods_repeat(el, "number-columns-spanned")
    if rows > 1 or cols > 1:
        for c in range(col, col + reps):
            row_facts.append(("merged", c, (rows, cols)))
    if el.get(_CALCEXT + "value-type") == "error":
        return (col, reps, "error", False)
    value_type = el.get(_OFFICE + "value-type")
    if value_type is None:
        return (col, reps, None, True) if el.get(_TABLE + "formula") else None
    if value_type not in _ODS_NUMERIC_TYPES:
        return None
    style = el.get(_TABLE + "style-name") or row_style
    if style is None:
        style = next((s for first, last, s in columns if first <= col <= last), None)
    look = styles.look(style)
    if look and look[0] == "misleading":
        fact: tuple[str, object] = ("misleading", look[1])
    elif value_type in ("date", "time") or (look and look[0] == "date"):
        fact = ("date", None)
    elif (look and look[0] == "percent") or (value_type == "percentage" and not styles.has_data_style(style)):
        fact = ("percent", None)
    else:
        return None
    for c in range(col, col + reps):
        row_facts.append((fact[0], c, fact[1]))
    return None


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
