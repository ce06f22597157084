"""Forms as a clerk fills them: find the header and a target's row, type values and tasks, read it back."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import load_workbook

from tracker.ingest import read_form
from tracker.forms.workbook import SHEET_DATA, SHEET_MILESTONES

# The day the ingest tests read their forms on (2026-Q3 ended; 2026-Q4 not yet).
READ_ON = dt.date(2026, 11, 25)


def header(ws) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows(min_row=1, max_row=10):
        labels = {str(c.value).strip(): c.column for c in row if c.value}
        if "Mã chỉ tiêu" in labels:
            return row[0].row, labels
    raise AssertionError("no header")


def row_of(ws, code: str, sector: str = "") -> int:
    hr, cols = header(ws)
    for r in range(hr + 1, ws.max_row + 1):
        if ws.cell(r, cols["Mã chỉ tiêu"]).value == code and (ws.cell(r, cols["Lĩnh vực"]).value or "") == sector:
            return r
    raise AssertionError(f"no row for {code} {sector}")


def fill(content: bytes, values: dict | None = None, milestones: dict | None = None, edit=None) -> bytes:
    """Type values into a form as a clerk would: {(code, sector): value}, {code: (status, date, evidence)}."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[SHEET_DATA]
    _, cols = header(ws)
    for (code, sector), value in (values or {}).items():
        ws.cell(row_of(ws, code, sector), cols["Giá trị"]).value = value
    if milestones:
        ms = wb[SHEET_MILESTONES]
        hr, mcols = header(ms)
        for r in range(hr + 1, ms.max_row + 1):
            code = ms.cell(r, 1).value
            if code in milestones:
                status, day, evidence = milestones[code]
                ms.cell(r, mcols["Trạng thái"]).value = status
                ms.cell(r, mcols["Ngày hoàn thành"]).value = day
                ms.cell(r, mcols["Minh chứng"]).value = evidence
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(content: bytes, cat, name="nq45_form.xlsx", **kw):
    kw.setdefault("today", READ_ON)
    return read_form(content, name, cat, **kw)


def khanh_hoa_form(value: float) -> tuple[str, bytes, str]:
    """A Khánh Hòa 2026-Q3 form with `value` for its first whole-unit stock target: name, bytes, target id."""
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form
    from tracker.forms.workbook import build_form, form_filename

    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    content = fill_form(build_form(cat, "khanh-hoa", "2026-Q3"), {(stock.id, ""): value})
    return form_filename("khanh-hoa", "2026-Q3"), content, stock.id


def rewrite_member(content: bytes, member: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, change(data) if info.filename == member else data)
    return out.getvalue()


def data_sheet_member(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        wbxml = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet[^>]*name="Số liệu"[^>]*r:id="(rId\d+)"', wbxml).group(1)
    target = re.search(rf'<Relationship[^>]*Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    path = target.group(1) or target.group(2)
    return path.lstrip("/") if path.startswith("/") else "xl/" + path
