"""Tables leaving the dashboard as files: CSV and Excel that a spreadsheet can compute with and never runs.

Every table download of every page, and the text of the briefing deck's tables, goes through here:

- text typed by staff (notes, evidence, file names, withdrawal reasons) that a spreadsheet would read
  as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after
  leading spaces — gets a leading single quote (OWASP's CSV-injection rule), and in .xlsx is written
  as a string cell, never as a formula (openpyxl turns any text starting with "=" into one);
- numbers stay numbers: whole numbers as integers (no "789.0" days), values that cannot be
  written (±inf, NaN) as empty cells, dates as dates.

No Streamlit here: tracker/web/widgets.py puts these bytes behind the download buttons.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
from collections.abc import Callable, Iterable

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Leading characters a spreadsheet skips before it looks for "=" (so "  =1+1" is a formula too).
_LEADING = " \t\r\n\x0b\x0c\u00a0"
# A number written as text ("-3,2", "+5 %", "-1.470"): no spreadsheet runs it, so it keeps its sign.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:\s?%)?")
# Characters an .xlsx (XML) cannot hold; openpyxl refuses the whole file over one of them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rows = list[dict] | pd.DataFrame | Callable[[], "list[dict] | pd.DataFrame"]

# The column every download of figures carries (issue 20): which kind each figure is, in words.
VALUE_STATUS_COLUMN = ("Loại số liệu", "Value status")


def value_status_header(lang: str) -> str:
    return VALUE_STATUS_COLUMN[lang == "en"]


def value_status_cell(kind: str | None, lang: str, has_value: bool = True) -> str:
    """'ước tính' / 'sơ bộ' / 'chính thức' for a figure's row ('' where the row has no figure). A stored
    value without a kind is official: every figure of before the kinds were kept was."""
    from tracker.assess.value_kinds import word

    return word(kind or "official", lang) if has_value else ""


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (or a DDE command)?"""
    if not text:
        return False
    if text[0] in ("\t", "\r"):
        return True
    head = text.lstrip(_LEADING)
    return bool(head) and head[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(head)


def safe_text(value) -> str:
    """Text as it may go into a CSV, an Excel cell or a slide table: formula-like text behind a ' ."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def _is_number(v) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def _finite_or_none(v):
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return f if math.isfinite(f) else None


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _column(values: list) -> tuple[str, list]:
    """A column's kind (int, float, date, datetime, bool, text) and its values cleaned for that kind."""
    present = [v for v in values if not _missing(v)]
    if present and all(_is_number(v) for v in present):
        cleaned = [None if _missing(v) else _finite_or_none(v) for v in values]
        finite = [v for v in cleaned if v is not None]
        if all(v.is_integer() and abs(v) < 2 ** 53 for v in finite):
            return "int", [None if v is None else int(v) for v in cleaned]
        return "float", cleaned
    if present and all(isinstance(v, bool) for v in present):
        return "bool", [None if _missing(v) else bool(v) for v in values]
    if present and all(isinstance(v, (dt.datetime, pd.Timestamp)) for v in present):
        return "datetime", [None if _missing(v) else pd.Timestamp(v).to_pydatetime() for v in values]
    if present and all(isinstance(v, dt.date) for v in present):
        return "date", [None if _missing(v) else v for v in values]
    return "text", ["" if _missing(v) else safe_text(v) for v in values]


def _records(rows: Rows) -> tuple[list[str], list[list]]:
    if callable(rows):
        rows = rows()
    if isinstance(rows, pd.DataFrame):
        return [str(c) for c in rows.columns], [list(rows[c]) for c in rows.columns]
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(k)
    return [str(c) for c in columns], [[r.get(c) for r in rows] for c in columns]


def table_columns(rows: Rows) -> list[tuple[str, str, list]]:
    """(name, kind, values) per column, cleaned: what the CSV and the Excel file are written from."""
    names, cols = _records(rows)
    out = []
    for name, values in zip(names, cols):
        kind, cleaned = _column(values)
        out.append((safe_text(name), kind, cleaned))
    return out


def table_frame(rows: Rows) -> pd.DataFrame:
    """The table as a typed DataFrame: Int64 for whole numbers, floats, dates, neutralised text."""
    data = {}
    for name, kind, values in table_columns(rows):
        if kind == "int":
            data[name] = pd.array(values, dtype="Int64")
        elif kind == "float":
            data[name] = pd.array([math.nan if v is None else v for v in values], dtype="float64")
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def table_csv(rows: Rows) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel shows diacritics), numbers with a '.' decimal point."""
    frame = table_frame(rows)
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = [v.isoformat(sep=" ", timespec="minutes") if isinstance(v, dt.datetime)
                           else v.isoformat() if isinstance(v, dt.date) else v for v in frame[name]]
    # CRLF, as RFC 4180 has it: the csv module then quotes any field holding a CR or LF (with "\n"
    # alone, a note with a bare CR was written unquoted and split its row in two).
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _width(name: str, kind: str, values: list) -> float:
    if kind == "date":
        longest = 10
    elif kind == "datetime":
        longest = 16
    elif kind in ("int", "float"):
        longest = max((len(f"{v:,}") for v in values if v is not None), default=4)
    else:
        longest = max((len(str(v)) for v in values), default=0)
    return float(min(60, max(8, len(name) + 2, longest + 2)))


def table_xlsx(rows: Rows, sheet: str = "Dữ liệu") -> bytes:
    """An Excel workbook of the table: typed cells, text never a formula, a frozen bold header, filters."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = table_columns(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = _XML_ILLEGAL.sub("", sheet)[:31] or "Sheet1"
    for j, (name, kind, values) in enumerate(columns, start=1):
        head = ws.cell(row=1, column=j)
        head.value = _XML_ILLEGAL.sub("", name)
        head.data_type = "s"
        head.font = Font(bold=True)
        wrap = kind == "text" and _width(name, kind, values) >= 60
        for i, v in enumerate(values, start=2):
            if v is None or v == "":
                continue
            cell = ws.cell(row=i, column=j)
            if kind == "text":
                cell.value = _XML_ILLEGAL.sub("", v)
                cell.data_type = "s"        # never a formula, whatever the text starts with
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.value = v
                if kind == "date":
                    cell.number_format = "dd/mm/yyyy"
                elif kind == "datetime":
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif kind == "int":
                    cell.number_format = "#,##0"
        ws.column_dimensions[get_column_letter(j)].width = _width(name, kind, values)
    if columns:
        ws.freeze_panes = "A2"
        n_rows = max(len(v) for _, _, v in columns)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def text_widths(rows: Iterable[dict]) -> dict[str, str]:
    """'large' / 'medium' per text column by its longest entry, for st.column_config (reasons, explanations)."""
    longest: dict[str, int] = {}
    for r in rows:
        for k, v in r.items():
            if isinstance(v, str):
                longest[k] = max(longest.get(k, 0), len(v))
    return {k: ("large" if n > 50 else "medium") for k, n in longest.items() if n > 14}
