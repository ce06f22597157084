"""The reminder letter ("công văn đôn đốc", issue 20 item 6): a .docx for signature listing the units that
have not submitted the open (or just-closed) report, laid out as Nghị định 30/2020/NĐ-CP lays out an
administrative letter (Phụ lục I: A4, Times New Roman, text 14 pt, margins top and bottom 20 mm, left
30 mm, right 15 mm; the header block — issuing body on the left, the national motto on the right —
number and symbol, place and date, subject line "V/v …", recipients, body, "Nơi nhận", signature).

Who is late comes from tracker.reporting.completeness, the same count the upload page shows. The issuing body, its
symbol, the place and the signer are settings (``letter_*``); left empty, the letter keeps the dotted
blanks a clerk fills by hand, as a draft for signature does (the number is given by the records office
when it is issued, so "Số:" always keeps its blank before the symbol)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from tracker.core.calendar import Calendar, Window
from tracker.catalogue import Catalogue
from tracker.reporting.completeness import Completeness, completeness, expected_targets
from tracker.core.i18n import fmt_date

FONT = "Times New Roman"
BODY_PT = 14
# Nghị định 30/2020, Phụ lục I, mục I.4: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4_MM = (210, 297)
BLANK = "……"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class LateUnit:
    unit: str
    name: str
    missing: str       # what is missing, in words
    deadline: str      # the deadline, and the last day a late upload is taken once it has passed


@dataclass(frozen=True)
class LetterContent:
    window: Window
    today: dt.date
    late: list[LateUnit]
    submitted: int
    expected: int

    @property
    def subject(self) -> str:
        return f"V/v đôn đốc nộp báo cáo số liệu {self.window.period.label('vi')}"


def letter_window(cal: Calendar, today: dt.date) -> Window:
    """The report the letter chases: the open window due first (on time or late), else the one whose
    deadline passed last (just closed)."""
    open_now = [w for w in cal.open_windows(today) if w.period.is_quarter or w.period.is_year]
    if open_now:
        return open_now[0]
    past = [cal.window(p) for y in (today.year - 1, today.year) for p in cal.report_periods(y)]
    past = [w for w in past if w.due < today and (w.period.is_quarter or w.period.is_year)]
    last = max(w.due for w in past)
    # A quarter and the year due the same day (Quý IV and the year under nd09): the quarter, as when open.
    return min((w for w in past if w.due == last), key=lambda w: w.period.sort_key())


def letter_date(day: dt.date, place: str) -> str:
    """'Lâm Đồng, ngày 16 tháng 12 năm 2026' (Nghị định 30: days below 10 and months below 3 with a 0)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place or BLANK}, ngày {d} tháng {m} năm {day.year}"


def late_units(cat: Catalogue, done: Completeness, today: dt.date) -> list[LateUnit]:
    """Units with nothing in for the window, then units whose lead agencies have left targets empty."""
    w = done.window
    label = w.period.label("vi")
    deadline = fmt_date(w.due, "vi")
    if today > w.due:
        deadline += f" (đã quá hạn; nhận nộp muộn đến hết ngày {fmt_date(w.closes, 'vi')})"
    out = []
    for r in done.units:
        name = cat.name(r.unit, "vi") if r.unit in cat.jurisdictions else r.unit
        if r.submitted_on is None:
            n = len(expected_targets(cat, r.unit, w.period))
            # Nothing in at all: the whole unit is named, not each of its lead agencies (dozens at a province).
            missing = f"Chưa nộp báo cáo số liệu {label} ({n} chỉ tiêu)"
            out.append(LateUnit(r.unit, name, missing, deadline))
    for r in done.units:
        lacking = [a.name_vi for a in r.agencies if not a.submitted]
        if r.submitted_on is not None and lacking:
            name = cat.name(r.unit, "vi") if r.unit in cat.jurisdictions else r.unit
            out.append(LateUnit(r.unit, name, f"Đã nộp, còn thiếu số liệu của: {', '.join(lacking)}", deadline))
    return out


def letter_content(cat: Catalogue, store, cal: Calendar, today: dt.date, window: Window | None = None, *,
                   done: Completeness | None = None) -> LetterContent:
    """What the letter says for ``window`` (default: :func:`letter_window`); ``done``: its completeness,
    when the caller has it already (the upload page shows the same count)."""
    window = done.window if done is not None else (window or letter_window(cal, today))
    done = done or completeness(cat, store, window)
    return LetterContent(window, today, late_units(cat, done, today), done.submitted, len(done.units))


def _widths(table, widths) -> None:
    """Column widths both as Word reads them (each cell) and as LibreOffice does (the table's grid)."""
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _settings_text(settings, key: str) -> str:
    return (getattr(settings, key, "") or "").strip()


def reminder_letter(content: LetterContent, settings) -> bytes:
    """The letter as .docx bytes."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    authority = _settings_text(settings, "letter_authority")
    issuer = _settings_text(settings, "letter_issuer")
    symbol = _settings_text(settings, "letter_symbol")
    place = _settings_text(settings, "letter_place")
    signer = _settings_text(settings, "letter_signer")
    signer_title = _settings_text(settings, "letter_signer_title")
    contact = _settings_text(settings, "contact")
    w = content.window
    label = w.period.label("vi")

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word takes the East Asian font for Vietnamese letters in some set-ups: the same face for every script.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)

    def run(paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
            underline: bool = False):
        r = paragraph.add_run(text)
        r.font.name = FONT
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        r.font.size = Pt(size)
        r.bold, r.italic, r.underline = bold, italic, underline
        return r

    def para(cell_or_doc, text: str = "", *, align=WD_ALIGN_PARAGRAPH.CENTER, first=False, **kw):
        p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
        p.alignment = align
        if text:
            run(p, text, **kw)
        return p

    # The header block: issuing body on the left, the national motto on the right (Phụ lục I, mẫu 1.4).
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    _widths(head, (Mm(62), Mm(103)))
    left, right = head.rows[0].cells
    para(left, (authority or BLANK).upper(), first=True, size=13)
    para(left, (issuer or BLANK).upper(), size=13, bold=True)
    para(left, "———", size=13)
    para(left, f"Số:       /{symbol}" if symbol else f"Số:       /{BLANK}", size=13)
    para(left, content.subject, size=12)
    para(right, MOTTO[0], first=True, size=12, bold=True)
    para(right, MOTTO[1], size=14, bold=True)
    para(right, "———————————", size=13)
    para(right, letter_date(content.today, place), size=14, italic=True)

    doc.add_paragraph()
    recipients = doc.add_paragraph()
    recipients.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(recipients, "Kính gửi: ")
    run(recipients, "Các đơn vị có tên trong danh sách kèm theo.")

    def body(text: str):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Mm(12.7)
        p.paragraph_format.space_before = Pt(6)
        run(p, text)
        return p

    body(f"Thực hiện chế độ báo cáo định kỳ về thực hiện Nghị quyết số 45-NQ/TW, kỳ báo cáo {label} có số liệu "
         f"tính từ ngày {fmt_date(w.data_from, 'vi')} đến ngày {fmt_date(w.data_to, 'vi')}, hạn nộp ngày "
         f"{fmt_date(w.due, 'vi')}. Đến ngày {fmt_date(content.today, 'vi')}, {content.submitted}/{content.expected} "
         f"đơn vị đã nộp báo cáo.")
    if content.late:
        body(f"Để kịp tổng hợp, báo cáo cấp có thẩm quyền, đề nghị các đơn vị sau khẩn trương nộp báo cáo số liệu "
             f"{label} trên hệ thống NQ45 Tracker (trang “Nhập số liệu”):")
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = (Mm(15), Mm(42), Mm(68), Mm(40))
        for cell, text in zip(table.rows[0].cells, ("STT", "Đơn vị", "Nội dung chưa nộp", "Hạn nộp")):
            para(cell, text, first=True, size=13, bold=True)
        for k, unit in enumerate(content.late, 1):
            cells = table.add_row().cells
            for cell, text, align in zip(cells, (str(k), unit.name, unit.missing, unit.deadline),
                                         (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                          WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT)):
                para(cell, text, first=True, size=13, align=align)
        _widths(table, widths)
    else:
        body(f"Tất cả các đơn vị đã nộp báo cáo số liệu {label}.")
    ask = f" Trường hợp cần nộp muộn hoặc có vướng mắc, đề nghị liên hệ: {contact}." if contact else ""
    body("Đề nghị các đơn vị quan tâm, phối hợp thực hiện." + ask)

    # "Nơi nhận" on the left, the signature on the right (Phụ lục I, mục II.9–II.10).
    doc.add_paragraph()
    foot = doc.add_table(rows=1, cols=2)
    foot.autofit = False
    _widths(foot, (Mm(80), Mm(85)))
    to, sign = foot.rows[0].cells
    para(to, "Nơi nhận:", first=True, align=WD_ALIGN_PARAGRAPH.LEFT, size=12, bold=True, italic=True)
    para(to, "- Như trên;", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    para(to, "- Lưu: VT.", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    para(sign, (signer_title or BLANK).upper(), first=True, size=14, bold=True)
    para(sign, "(Ký, ghi rõ họ tên, đóng dấu)" if not signer else "", size=13, italic=True)
    for _ in range(3):
        para(sign, "")
    para(sign, signer or BLANK, size=14, bold=True)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letter_filename(content: LetterContent) -> str:
    return f"cong-van-don-doc_{content.window.period.code}_{content.today.isoformat()}.docx"
