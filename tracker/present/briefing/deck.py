"""A unit's PowerPoint briefing: title, the progress picture, a summary table, one chart per numeric
target, the tasks (overdue first) and the source documents, demo data marked on every slide.

The charts are drawn by the headless browser (tracker.present.briefing.png) in one batch. When no
browser is available the deck still builds: each chart slide then carries its numbers as a small
table and says why the picture is missing.

Slides use Arial (present in PowerPoint and LibreOffice; on Linux it falls back to a metric-compatible
font with Vietnamese glyphs) and every string is stored NFC-normalised, so diacritics such as "ệ" are
single characters that every viewer renders.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

from tracker.assess.judge import status_label
from tracker.assess.snapshot import Snapshot
from tracker.catalogue import Catalogue
from tracker.core.statuses import colour as status_colour
from tracker.core.i18n import fmt_date, fmt_target, fmt_value
from tracker.core.periods import parse_period
from tracker.present.briefing.charts import ChartItem, unit_charts
from tracker.present.briefing.png import PngExportUnavailable, figures_png
from tracker.present.downloads import safe_text
from tracker.present.figures import INK, MUTED, slide_figure
from tracker.present.picture_figure import progress_picture
from tracker.present.labels import caption, target_label, unit_label
from tracker.present.picture import document_head, document_line, goal_words, not_charted, picture_rows, unit_documents
from tracker.present.tables import milestone_rows
from tracker.present.textfit import box_lines, lines_that_fit
from tracker.assess.value_kinds import NOT_OFFICIAL, SYMBOLS, judged_words, of_series, with_kind

# Charts on slides are laid out at 800×450 CSS px and drawn at 3,6×: 2880×1620 pixels. Shown 4,35
# inches high, a CSS px is 0,696 pt, so the charts' 26 px texts are 18 pt (figures.slide_figure):
# nothing a projector shows is smaller.
SLIDE_CHART = {"width": 800, "height": 450, "scale": 3.6}
SLIDE_FONT_PX = 26
CHART_H_IN = 4.35
# The smallest text on any slide: what a projected room reads from the back.
MIN_PT = 18
PICTURE_ROWS_PER_SLIDE = 4

SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
FONT = "Arial"
DEMO_RED = "C92A2A"
SUMMARY_ROWS_PER_SLIDE = 5
MILESTONE_ROWS_PER_SLIDE = 5

TEXT = {
    "deck.subtitle": ("Tình hình thực hiện Nghị quyết 45-NQ/TW", "Implementation of Resolution 45-NQ/TW"),
    "deck.data_to": ("Số liệu đến {period}", "Data up to {period}"),
    "deck.no_data": ("Chưa có số liệu báo cáo", "No data reported yet"),
    "deck.made_on": ("Ngày lập: {date}", "Prepared on {date}"),
    "deck.demo_big": ("DỮ LIỆU MINH HỌA", "DEMO DATA"),
    "deck.demo_mark": ("Dữ liệu minh họa — không phải số liệu thật", "Demo data — not real figures"),
    "deck.summary": ("Tổng hợp các chỉ tiêu", "Targets at a glance"),
    "deck.picture": ("Tiến độ các chỉ tiêu định lượng", "Progress of the numeric targets"),
    "deck.picture_none": ("Chưa có chỉ tiêu nào đủ số liệu để vẽ tiến độ.", "No target has the figures to draw its progress yet."),
    "deck.picture_how": ("Thanh: đã đi được bao nhiêu từ mức xuất phát đến mục tiêu (100 %); vạch đen: mức cần đạt đến nay.",
                         "Bar: how far from the starting value to the target (100 %); black tick: where it should be by now."),
    "deck.footer": ("Cập nhật: {period} · Nguồn: {docs}", "Updated: {period} · Source: {docs}"),
    "deck.continued": (" (tiếp)", " (continued)"),
    "deck.col.target": ("Chỉ tiêu", "Target"),
    "deck.col.latest": ("Số liệu mới nhất", "Latest"),
    "deck.col.goal": ("Mục tiêu", "Target value"),
    "deck.col.status": ("Tình trạng", "Status"),
    "deck.no_numeric": ("Địa phương chưa có chỉ tiêu định lượng.", "This unit has no numeric targets."),
    "deck.milestones": ("Nhiệm vụ có thời hạn", "Tasks and deadlines"),
    "deck.col.task": ("Nhiệm vụ", "Task"),
    "deck.col.deadline": ("Thời hạn", "Deadline"),
    "deck.col.note": ("Ghi chú", "Note"),
    "deck.days_late": ("trễ {n} ngày", "{n} days late"),
    "deck.done_on": ("hoàn thành {date}", "done {date}"),
    "deck.sources": ("Nguồn văn bản và số liệu", "Source documents and data"),
    "deck.data_source": ("Số liệu: biểu mẫu báo cáo quý của địa phương, tổng hợp bằng NQ45 Tracker. "
                         "Cách đánh giá tình trạng: xem trang “Phương pháp” của NQ45 Tracker.",
                         "Data: the unit's quarterly report forms, compiled with NQ45 Tracker. "
                         "How statuses are judged: see the “Method” page of NQ45 Tracker."),
    "deck.no_chart": ("Không tạo được ảnh biểu đồ trên máy chủ nên số liệu được trình bày dạng bảng. {why}",
                      "The chart image could not be made on the server, so the figures are shown as a table. {why}"),
    "deck.col.year": ("Năm", "Year"),
    "deck.col.value": ("Giá trị", "Value"),
    "deck.partial": (" (chưa đủ năm)", " (partial year)"),
    "deck.kind.estimate": ("số ước tính (hình thoi rỗng, cột rỗng), chưa phải số chính thức",
                           "estimate (hollow diamond or bar), not yet official"),
    "deck.kind.preliminary": ("số sơ bộ (hình thoi có chữ thập, cột gạch ô), chưa phải số chính thức",
                              "preliminary figure (diamond with a cross, cross-hatched bar), not yet official"),
    "deck.projection": ("Dự báo {year}", "Projection {year}"),
}


def _t(key: str, lang: str, **kwargs) -> str:
    vi, en = TEXT[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


def deck_filename(unit: str, period: str | None) -> str:
    return f"nq45_{unit}_{period or 'chua-co-so-lieu'}.pptx"


# --- PowerPoint ------------------------------------------------------------------------------------------

STATUS_LINE_CHARS = 190


def status_line(explanation: str, limit: int = STATUS_LINE_CHARS) -> str:
    """The head of a status explanation that fits under a slide's chart (two lines at 14 pt).

    Whole clauses ("; "-separated) are kept while they fit; the full text is on the chart itself.
    """
    clauses = explanation.rstrip(". ").split("; ")
    line = clauses[0]
    for clause in clauses[1:]:
        if len(line) + 2 + len(clause) > limit:
            break
        line = f"{line}; {clause}"
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return line + ("." if line == explanation.rstrip(". ") else (" …" if not line.endswith("…") else ""))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    """NFC (precomposed diacritics) and without characters XML cannot hold."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", str(text)))


def _cell_text(value) -> str:
    """A table cell's text: a table pasted from a slide into a spreadsheet must not run a formula.

    A negative number written by the app ("-3,2 %/năm") takes the typographic minus, so it is not
    read as a formula nor shown behind the quote that tracker.present.downloads.safe_text puts before
    anything else formula-like (a catalogue name or a note starting with "=", "+", "-", "@").
    """
    text = str(value)
    if _NEGATIVE_NUMBER.match(text):
        text = "\u2212" + text[1:]
    return safe_text(text)


_NEGATIVE_NUMBER = re.compile(r"-\d")


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _style_run(run, size: float, *, bold: bool = False, colour: str = INK, italic: bool = False) -> None:
    from pptx.util import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = _rgb(colour)


def _write(frame, lines, size: float, *, bold: bool = False, colour: str = INK, align=None) -> None:
    """Fill a text frame: ``lines`` is a string, or a list of paragraphs, each a string or a list of
    (text, {size, bold, colour}) runs."""
    if isinstance(lines, str):
        lines = [lines]
    frame.word_wrap = True
    for k, line in enumerate(lines):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        runs = [(line, {})] if isinstance(line, str) else line
        for text, style in runs:
            run = para.add_run()
            run.text = _clean(text)
            _style_run(run, style.get("size", size), bold=style.get("bold", bold),
                       colour=style.get("colour", colour), italic=style.get("italic", False))


def _box(slide, left, top, width, height, lines, size, **kw):
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _write(shape.text_frame, lines, size, **kw)
    return shape


class _Deck:
    def __init__(self, lang: str, demo: bool):
        from pptx import Presentation
        from pptx.util import Inches

        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_W_IN)
        self.prs.slide_height = Inches(SLIDE_H_IN)
        self.lang = lang
        self.demo = demo

    def slide(self, title: str, *, title_top: float = 0.35, title_size: float = 26, title_height: float = 0.85):
        """A "Title Only" slide whose title placeholder is moved to fit 16:9, with the demo mark."""
        from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
        from pptx.util import Inches

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        head = slide.shapes.title
        head.left, head.top = Inches(0.5), Inches(title_top)
        head.width, head.height = Inches(SLIDE_W_IN - 1.0), Inches(title_height)
        frame = head.text_frame
        frame.clear()
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _write(frame, title, title_size, bold=True, align=PP_ALIGN.LEFT)
        if self.demo:
            _box(slide, SLIDE_W_IN - 7.3, 0.0, 7.1, 0.4, _t("deck.demo_mark", self.lang), MIN_PT, bold=True,
                 colour=DEMO_RED, align=PP_ALIGN.RIGHT)
        return slide

    def table(self, slide, header: list[str], rows: list[list], widths: list[float], *, top: float = 1.35,
              size: float = 13):
        """A table; a cell is a string or (text, colour hex) for a coloured bold status."""
        from pptx.util import Inches

        shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.5), Inches(top),
                                       Inches(sum(widths)), Inches(0.45 * (len(rows) + 1)))
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(w)
        for j, text in enumerate(header):
            cell = table.cell(0, j)
            cell.text_frame.clear()
            _write(cell.text_frame, text, size, bold=True, colour="FFFFFF")
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb("#1f4e79")
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                cell = table.cell(i, j)
                cell.text_frame.clear()
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb("#ffffff" if i % 2 else "#f1f3f5")
                if isinstance(value, tuple):
                    text, colour = value
                    _write(cell.text_frame, [[("● ", {"colour": colour}),
                                              (_cell_text(text), {"colour": colour, "bold": True})]], size)
                else:
                    _write(cell.text_frame, _cell_text(value), size)
        return table

    def bytes(self) -> bytes:
        _tag_language(self.prs, "en-US" if self.lang == "en" else "vi-VN")
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _tag_language(prs, tag: str) -> None:
    """Every run, paragraph end and placeholder of every slide says its language (``a:rPr lang``), so
    PowerPoint checks Vietnamese spelling as Vietnamese instead of underlining every word."""
    from pptx.oxml.ns import qn

    for slide in prs.slides:
        for element in slide._element.iter(qn("a:r"), qn("a:fld")):
            rpr = element.find(qn("a:rPr"))
            if rpr is None:
                rpr = element.makeelement(qn("a:rPr"), {})
                element.insert(0, rpr)
            rpr.set("lang", tag)
        for end in slide._element.iter(qn("a:endParaRPr")):
            end.set("lang", tag)


def _status(status: str, lang: str) -> tuple[str, str]:
    return status_label(status, lang), status_colour(status, MUTED)


def _pages(rows: list, per_page: int) -> list[list]:
    return [rows[k:k + per_page] for k in range(0, len(rows), per_page)] or [[]]


def build_deck(catalogue: Catalogue, snapshot: Snapshot, unit: str, *, lang: str = "vi",
               made_on: dt.date | None = None) -> bytes:
    """A 16:9 PowerPoint briefing on ``unit``: title, summary table, one chart per numeric target,
    the tasks (overdue first), and the source documents. Demo data is marked on every slide."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    made_on = made_on or snapshot.today
    deck = _Deck(lang, snapshot.shows_demo([unit]))
    unit_name = unit_label(catalogue, unit, lang)
    period_text = (_t("deck.data_to", lang, period=parse_period(snapshot.latest_period).label(lang))
                   if snapshot.latest_period else _t("deck.no_data", lang))
    res = snapshot.results.get(unit, {"numeric": [], "milestones": []})

    # Title
    slide = deck.slide(unit_name, title_top=2.0, title_size=40, title_height=1.3)
    lines = [[(_t("deck.subtitle", lang), {"size": 26, "bold": True, "colour": "#1f4e79"})],
             [(period_text, {"size": 22})],
             [(_t("deck.made_on", lang, date=fmt_date(made_on, lang)), {"size": MIN_PT, "colour": MUTED})]]
    if snapshot.shows_demo([unit]):
        lines.append([(_t("deck.demo_big", lang), {"size": 28, "bold": True, "colour": DEMO_RED})])
    _box(slide, 0.5, 3.4, SLIDE_W_IN - 1.0, 3.0, lines, 20)

    # The progress picture first: every numeric target at a glance, then what has no chart, by name.
    footer = _t("deck.footer", lang, period=parse_period(snapshot.latest_period).label(lang) if snapshot.latest_period
                else "—", docs=document_line(catalogue, unit, lang))
    _picture_slides(deck, catalogue, snapshot, unit, lang, footer)

    # Summary
    summary = []
    for a in res["numeric"]:
        if a.status in ("unmeasured", "replaced"):   # listed on the picture's slide
            continue
        ind = catalogue.indicator(a.indicator_id)
        # "(Quý III/2026)" for a quarter's value, "(Năm 2025)" for a year's: never a quarter passed off as a year.
        # "1.234 người (ước tính) (Quý IV/2026)": a figure that is not official says so on the slide too.
        latest = with_kind(fmt_value(a.latest_value, ind.unit, lang), snapshot.kind(a.indicator_id, a.sector,
                                                                                   a.latest_period), lang) + (
            f" ({parse_period(a.latest_period).label(lang)})" if a.latest_period else "")
        summary.append([target_label(catalogue, a.indicator_id, a.sector, lang), latest, goal_words(ind, lang),
                        _status(a.status, lang)])
    header = [_t("deck.col.target", lang), _t("deck.col.latest", lang), _t("deck.col.goal", lang),
              _t("deck.col.status", lang)]
    for k, page in enumerate(_pages(summary, SUMMARY_ROWS_PER_SLIDE)):
        slide = deck.slide(_t("deck.summary", lang) + (_t("deck.continued", lang) if k else ""))
        if page:
            deck.table(slide, header, page, [5.2, 2.5, 2.5, 2.13], size=MIN_PT)
        else:
            _box(slide, 0.5, 1.5, 12.3, 0.6, _t("deck.no_numeric", lang), MIN_PT, colour=MUTED)

    # One chart per numeric target
    items = unit_charts(catalogue, snapshot, unit, lang)
    pngs: list[bytes | None] = [None] * len(items)
    why = ""
    try:
        pngs = list(figures_png([slide_figure(i.figure, SLIDE_FONT_PX) for i in items], **SLIDE_CHART))
    except PngExportUnavailable as exc:
        why = exc.message(lang)
    except Exception as exc:  # a browser that failed mid-way: the deck still ships, with tables
        why = f"{type(exc).__name__}: {exc}"[:300]
    for item, png in zip(items, pngs):
        # A slide pasted into another deck still says whose target it is, as of when, and from where.
        # Two lines at most: the longest names of the documents (about 160 characters) fit at 18 pt.
        slide = deck.slide(item.name, title_size=24 if len(item.name) <= 80 else MIN_PT, title_top=0.38,
                           title_height=0.62)
        if item.place:
            _box(slide, 0.5, 1.0, SLIDE_W_IN - 1.0, 0.32, [[(item.place, {"bold": True, "colour": MUTED})]], MIN_PT)
        a = item.assessment
        label, colour = _status(a.status, lang)
        if png is not None:
            height = CHART_H_IN   # chart text 26 px of 800 is 18 pt on the slide
            width = height * 16 / 9
            slide.shapes.add_picture(io.BytesIO(png), Inches((SLIDE_W_IN - width) / 2), Inches(1.33),
                                     Inches(width), Inches(height))
        else:
            _chart_as_table(deck, slide, item, lang, why)
        # The one status on the slide (the picture has none); at 18 pt two lines hold its head, whole clauses.
        _box(slide, 0.5, 5.72, SLIDE_W_IN - 1.0, 0.9,
             [[(f"● {label}: ", {"bold": True, "colour": colour}), (status_line(a.explain(lang), 170), {})]], MIN_PT)
        # The programme's number and date, and the period, as every chart's own footer says; before it,
        # the kinds of figure that are not official where the chart draws some (the slide's chart has
        # no subtitle, so its legend word is here).
        kinds = of_series(snapshot.kinds, a)
        note = kinds_footnote(kinds, judged_words(snapshot.kind(a.indicator_id, a.sector, a.latest_period), lang), lang)
        lines = ([[(note, {"colour": MUTED, "italic": True})]] if note else []) + [[(footer, {"colour": MUTED})]]
        _box(slide, 0.5, 6.5 if note else 6.72, SLIDE_W_IN - 1.0, 0.92 if note else 0.7, lines, MIN_PT)

    # Tasks, overdue first
    stones = milestone_rows(catalogue, snapshot, lang, [unit])
    if stones:
        header = [_t("deck.col.task", lang), _t("deck.col.deadline", lang), _t("deck.col.status", lang),
                  _t("deck.col.note", lang)]
        rows = []
        for r in stones:
            note = ""
            if r["completed_on"]:
                note = _t("deck.done_on", lang, date=fmt_date(r["completed_on"], lang))
            elif r["days_late"]:
                note = _t("deck.days_late", lang, n=r["days_late"])
            rows.append([r["name"], r["due_text"], (r["status_label"], status_colour(r["status"], MUTED)), note])
        for k, page in enumerate(_pages(rows, MILESTONE_ROWS_PER_SLIDE)):
            slide = deck.slide(_t("deck.milestones", lang) + (_t("deck.continued", lang) if k else ""))
            deck.table(slide, header, page, [5.6, 2.6, 2.1, 2.03], size=MIN_PT)

    # Sources
    slide = deck.slide(_t("deck.sources", lang))
    lines = []
    for doc in unit_documents(catalogue, unit):
        lines.append([(f"• {document_head(doc, lang)}", {"bold": True}), (f" — {doc.issuer}: ", {}),
                      (doc.title, {"italic": True})])
    lines.append([("", {})])
    lines.append([(_t("deck.data_source", lang), {"colour": MUTED, "size": MIN_PT})])
    lines.append([(_t("deck.made_on", lang, date=fmt_date(made_on, lang)) + " · " + period_text, {"colour": MUTED, "size": MIN_PT})])
    _box(slide, 0.5, 1.35, SLIDE_W_IN - 1.0, 5.6, lines, MIN_PT, align=PP_ALIGN.LEFT)
    return deck.bytes()


def _picture_slides(deck: _Deck, catalogue: Catalogue, snapshot: Snapshot, unit: str, lang: str, footer: str) -> None:
    """The progress picture, four targets a slide, and the targets with no chart as lines by name."""
    from pptx.util import Inches


    rows = picture_rows(catalogue, snapshot, unit, lang)
    pages = _pages(rows, PICTURE_ROWS_PER_SLIDE)
    cap = caption(catalogue, snapshot, lang, [unit])
    figs = [slide_figure(progress_picture(page, unit_name="", caption=cap, name_chars=48, row_px=100), SLIDE_FONT_PX)
            for page in pages if page]
    for fig in figs:   # the picture's own names above their bars: 18 pt as well
        for note in fig.layout.annotations:
            if note.name == "target_name":
                note.yshift = 24
    pngs: list = [None] * len(figs)
    try:
        pngs = figures_png(figs, **SLIDE_CHART)
    except Exception as exc:  # no browser: the rows go in as a table below
        print(f"NQ45 Tracker: progress picture slide as a table ({type(exc).__name__}: {exc})", flush=True)
    missing = not_charted(catalogue, snapshot, unit, lang)
    for k, page in enumerate(pages):
        slide = deck.slide(_t("deck.picture", lang) + (_t("deck.continued", lang) if k else ""))
        if not page:
            _box(slide, 0.5, 1.4, 12.3, 0.6, _t("deck.picture_none", lang), MIN_PT, colour=MUTED)
        elif pngs[k] is not None:
            width = CHART_H_IN * 16 / 9
            slide.shapes.add_picture(io.BytesIO(pngs[k]), Inches((SLIDE_W_IN - width) / 2), Inches(1.25),
                                     Inches(width), Inches(CHART_H_IN))
        else:
            deck.table(slide, [_t("deck.col.target", lang), _t("deck.col.status", lang), "%"],
                       [[r.name, _status(r.status, lang), f"{round(100 * r.share)} %"] for r in page],
                       [7.6, 3.0, 1.73], top=1.3, size=MIN_PT)
        notes = [[(_t("deck.picture_how", lang), {"colour": MUTED})]]
        lists = [[(f"{label}: ", {"bold": True}), (names, {})] for label, names in missing.lines(lang)] if k == len(pages) - 1 else []
        # The lists stay under the picture only if their measured lines fit the box above the footer; else
        # they get slides of their own (text never runs under the footer, and stays at 18 pt).
        fits = box_lines(notes + lists, SLIDE_W_IN - 1.0, MIN_PT) <= lines_that_fit(1.1, MIN_PT)
        _box(slide, 0.5, 5.62, SLIDE_W_IN - 1.0, 1.1, notes + (lists if fits else []), MIN_PT)
        _box(slide, 0.5, 6.85, SLIDE_W_IN - 1.0, 0.6, [[(footer, {"colour": MUTED})]], MIN_PT)
    for part in ([] if fits else _fill(lists, SLIDE_W_IN - 1.0, 5.3)):
        _box(deck.slide(_t("deck.picture", lang) + _t("deck.continued", lang)), 0.5, 1.4, SLIDE_W_IN - 1.0, 5.3, part, MIN_PT)
        _box(deck.prs.slides[-1], 0.5, 6.85, SLIDE_W_IN - 1.0, 0.6, [[(footer, {"colour": MUTED})]], MIN_PT)


def _fill(paragraphs: list, width_in: float, height_in: float) -> list[list]:
    """Paragraphs in groups whose measured lines fit a box ``width_in`` × ``height_in`` at MIN_PT."""
    groups, room = [[]], lines_that_fit(height_in, MIN_PT)
    for para in paragraphs:
        if groups[-1] and box_lines(groups[-1] + [para], width_in, MIN_PT) > room:
            groups.append([])
        groups[-1].append(para)
    return [g for g in groups if g]


def kinds_footnote(kinds: dict, judged: str, lang: str) -> str:
    """'◇ Điểm rỗng hình thoi: số ước tính, chưa phải số chính thức; đánh giá theo số ước tính' for a
    chart drawing figures that are not official; '' when all are official."""
    present = [k for k in NOT_OFFICIAL if k in kinds.values()]
    if not present:
        return ""
    words = " · ".join(f"{SYMBOLS[k][1]} {_t('deck.kind.' + k, lang)}" for k in present)
    return words + (f"; {judged}" if judged else "")


def _chart_as_table(deck: _Deck, slide, item: ChartItem, lang: str, why: str) -> None:
    """When no picture can be made: the yearly values, the target and the projection as a table."""
    a, ind = item.assessment, item.indicator
    kinds = (item.figure.layout.meta or {}).get("kinds", {}) if item.figure is not None else {}
    rows = [[str(p.year), with_kind(fmt_value(p.value, ind.unit, lang), kinds.get(p.period or str(p.year)), lang)
             + (_t("deck.partial", lang) if p.partial else "")] for p in a.series]
    target = ind.target
    rows.append([_t("deck.col.goal", lang), fmt_target(ind, lang)])
    projection = getattr(a, "projection", None)
    if projection is not None and getattr(target, "year", None):
        rows.append([_t("deck.projection", lang, year=target.year), fmt_value(projection, ind.unit, lang)])
    deck.table(slide, [_t("deck.col.year", lang), _t("deck.col.value", lang)], rows[:8], [2.4, 3.6], size=MIN_PT)
    _box(slide, 7.0, 1.35, 5.8, 3.0, [[(_t("deck.no_chart", lang, why=why), {"italic": True})]], MIN_PT, colour=MUTED)


def slide_texts(content: bytes) -> list[str]:
    """All the text of each slide of a deck (titles, boxes, tables), for checks and search."""
    from pptx import Presentation

    out = []
    for slide in Presentation(io.BytesIO(content)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts.extend(cell.text_frame.text for row in shape.table.rows for cell in row.cells)
        out.append("\n".join(parts))
    return out
