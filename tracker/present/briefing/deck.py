"""Briefing material for a unit: chart PNGs rendered on the server and a PowerPoint deck.

PNGs come from Plotly's own image export (kaleido 1.x), which drives a headless Chromium. Starting
a browser costs seconds, so one is kept open in a background thread and every figure of a deck is
rendered in one batch on it. When no browser is available the deck still builds: each chart slide
then carries its numbers as a small table and says why the picture is missing.

Slides use Arial (present in PowerPoint and LibreOffice; on Linux it falls back to a metric-compatible
font with Vietnamese glyphs) and every string is stored NFC-normalised, so diacritics such as "ệ" are
single characters that every viewer renders.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import io
import math
import os
import re
import shutil
import threading
import time
import unicodedata
import zipfile
from dataclasses import dataclass

from tracker.catalogue import Catalogue
from tracker.core.statuses import colour as status_colour
from tracker.figures import INK, MUTED, progress_figure, slide_figure
from tracker.i18n import fmt_date, fmt_target, fmt_value
from tracker.periods import parse_period
from tracker.picture import document_head, document_line, goal_words, has_chart, not_charted, picture_rows, unit_documents
from tracker.summaries import Snapshot, caption, chart_filename, milestone_rows, target_label, unit_label
from tracker.value_kinds import NOT_OFFICIAL, SYMBOLS, judged_words, of_series, with_kind
from tracker.textfit import box_lines, lines_that_fit

# Debian's Chromium; BROWSER_PATH (choreographer's own variable) points elsewhere when needed.
DEFAULT_BROWSER = "/usr/bin/chromium"
STARTUP_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 60
RETRY_AFTER_S = 300
# Tabs rendering side by side. Measured: a second tab adds ~1.7 s to the browser start and saves only
# ~0.08 s per figure (0.44 → 0.36 s), which a deck of a few charts never earns back.
TABS = 1
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
    "png.no_kaleido": ("Chưa cài gói kaleido nên không xuất được ảnh biểu đồ trên máy chủ.",
                       "The kaleido package is not installed, so charts cannot be exported as images on the server."),
    "png.no_browser": ("Không tìm thấy trình duyệt Chromium ({path}) trên máy chủ nên không xuất được ảnh biểu đồ; "
                       "quản trị viên cài bằng lệnh: apt-get install chromium.",
                       "Chromium was not found on the server ({path}), so charts cannot be exported as images; "
                       "an administrator can install it with: apt-get install chromium."),
    "png.failed": ("Trình duyệt Chromium trên máy chủ không khởi động được ({error}).",
                   "The server's Chromium browser did not start ({error})."),
}


def _t(key: str, lang: str, **kwargs) -> str:
    vi, en = TEXT[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


# --- PNG export ------------------------------------------------------------------------------------

class PngExportUnavailable(RuntimeError):
    """No browser to draw charts with; the message says why and how to fix it ("vi / en" as a string)."""

    def __init__(self, key: str, **kwargs):
        self.message_vi = _t(key, "vi", **kwargs)
        self.message_en = _t(key, "en", **kwargs)
        super().__init__(f"{self.message_vi} / {self.message_en}")

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_vi


def browser_path() -> str | None:
    """The Chromium kaleido will drive: $BROWSER_PATH, else Debian's, else one on PATH."""
    candidates = [os.environ.get("BROWSER_PATH"), DEFAULT_BROWSER,
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


class _ChartRenderer:
    """One headless Chromium (through kaleido), opened on first use and kept for the process.

    kaleido is asyncio code; it runs on an event loop in a daemon thread, and callers from any
    thread (Streamlit runs each session in its own) hand it work with run_coroutine_threadsafe.
    kaleido queues the figures over its tabs, so concurrent callers do not mix results.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.failure: PngExportUnavailable | None = None
        self.failed_at = 0.0

    def _open(self):
        import kaleido

        path = browser_path()
        if path is None:
            raise _missing_browser()
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="nq45-chart-renderer", daemon=True).start()

        async def start():
            # kaleido's page loads MathJax from a CDN unless told not to; the charts have no maths,
            # and a server without internet would wait for it. Sandboxing is off by default
            # (choreographer passes --no-sandbox), which root inside a container needs.
            k = kaleido.Kaleido(path=path, mathjax=False, n=TABS, timeout=RENDER_TIMEOUT_S)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(start(), loop).result(STARTUP_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            self.failure = PngExportUnavailable("png.failed", error=f"{type(exc).__name__}: {exc.args[0] if exc.args else ''}"[:200])
            self.failed_at = time.monotonic()
            raise self.failure from None
        self._loop = loop
        self.failure = None
        # Registered after kaleido made its temporary profile folder, so at exit (last in, first out)
        # the browser is closed before that folder's own cleanup runs, which fails under a live browser.
        atexit.register(self.close)

    def render(self, jobs: list[tuple[dict, dict]]) -> list[bytes]:
        """PNG bytes for each (figure dict, kaleido opts), in order; retries once on a fresh browser."""
        for attempt in (1, 2):
            with self._lock:
                if self._kaleido is None:
                    self._open()
                k, loop = self._kaleido, self._loop

            async def batch():
                return await asyncio.gather(*(k.calc_fig(fig, opts=opts) for fig, opts in jobs))

            try:
                timeout = STARTUP_TIMEOUT_S + RENDER_TIMEOUT_S * max(1, math.ceil(len(jobs) / TABS))
                return list(asyncio.run_coroutine_threadsafe(batch(), loop).result(timeout))
            except Exception:
                # A crashed or hung browser: drop it so the next attempt starts a new one.
                self.close(only=k)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self, only=None) -> None:
        with self._lock:
            k, loop = self._kaleido, self._loop
            if k is None or (only is not None and k is not only):
                return
            self._kaleido = self._loop = None
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        except Exception:  # closing a browser that already died
            pass
        loop.call_soon_threadsafe(loop.stop)


_RENDERER = _ChartRenderer()


def close_png_renderer() -> None:
    """Close the background browser (it is reopened on the next export)."""
    _RENDERER.close()


def _missing_browser() -> PngExportUnavailable:
    return PngExportUnavailable("png.no_browser", path=os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER)


def _why_unavailable() -> PngExportUnavailable | None:
    try:
        import kaleido  # noqa: F401
    except Exception:
        return PngExportUnavailable("png.no_kaleido")
    if browser_path() is None:
        return _missing_browser()
    # A browser that would not start is tried again after a while (an admin may have fixed it).
    if _RENDERER.failure and time.monotonic() - _RENDERER.failed_at < RETRY_AFTER_S:
        return _RENDERER.failure
    return None


def png_export_available() -> tuple[bool, str]:
    """Whether charts can be exported as PNG here, and if not a message ("vi / en") saying why. Never raises."""
    try:
        why = _why_unavailable()
    except Exception as exc:  # an odd filesystem must not break a page
        return False, f"{type(exc).__name__}: {exc}"
    return (False, str(why)) if why else (True, "")


def _fit_for_export(fig, width: int, height: int) -> dict:
    """The figure as a dict laid out at width × height, with room kept for the notes under the plot.

    The figure builders place the footer ("Cập nhật: …", source, demo mark) at a fraction of the plot
    height below it; at a taller size that lands beyond the bottom margin and would be cut off, so
    the bottom margin is widened until every such note fits.
    """
    import plotly.graph_objects as go

    fig = go.Figure(fig)
    layout = fig.layout
    top = layout.margin.t if layout.margin.t is not None else 100
    bottom = layout.margin.b if layout.margin.b is not None else 80
    for note in layout.annotations or ():
        if note.yref == "paper" and note.y is not None and note.y < 0:
            depth = -float(note.y)
            size = (note.font.size if note.font and note.font.size else (layout.font.size or 12))
            lines = 1 + str(note.text or "").count("<br>")
            text_height = size * 1.5 * lines + 8
            # depth × plot height + text height ≤ bottom, with plot height = height − top − bottom
            bottom = max(bottom, math.ceil((depth * (height - top) + text_height) / (1 + depth)))
    fig.update_layout(width=width, height=height, margin={"b": bottom})
    return fig.to_dict()


def figures_png(figs: list, width: int = 1600, height: int = 900, scale: float = 2) -> list[bytes]:
    """PNG of each figure (width × height CSS px, drawn at ``scale``), rendered in one batch.

    Raises PngExportUnavailable (message in Vietnamese and English) when there is no browser.
    """
    if not figs:
        return []
    why = _why_unavailable()
    if why:
        raise why
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    return _RENDERER.render([(_fit_for_export(f, width, height), opts) for f in figs])


def figure_image(fig, width: int = 1600, height: int = 900, fmt: str = "svg", scale: float = 1) -> bytes:
    """One figure in another format ("svg" for the PDF brief: its words stay text)."""
    why = _why_unavailable()
    if why:
        raise why
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    return _RENDERER.render([(_fit_for_export(fig, width, height), opts)])[0]


def figure_png(fig, width: int = 1600, height: int = 900, scale: float = 2) -> bytes:
    """PNG of one figure: 1600×900 at scale 2 gives a 3200×1800 image for a 16:9 slide."""
    return figures_png([fig], width, height, scale)[0]


# --- what goes on the slides -------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartItem:
    """One numeric target of a unit, ready for a slide or a PNG file."""

    assessment: object
    indicator: object
    name: str          # target name (with sector)
    file_name: str     # PNG name without extension
    figure: object
    place: str = ""    # the unit, and the old territory the target covers when it differs
                       # ("Bắc Ninh — địa bàn tỉnh Bắc Giang cũ"), as the chart's own title says


def unit_charts(catalogue: Catalogue, snapshot: Snapshot, unit: str, lang: str = "vi") -> list[ChartItem]:
    """The progress chart of each numeric target of ``unit``, as the unit page draws them."""
    cap = caption(catalogue, snapshot, lang, [unit])
    res = snapshot.results.get(unit, {"numeric": [], "milestones": []})
    items = []
    for a in res["numeric"]:
        if not has_chart(a):   # unmeasured, replaced or no value yet: listed by name, never an empty chart
            continue
        ind = catalogue.indicator(a.indicator_id)
        name = target_label(catalogue, a.indicator_id, a.sector, lang)
        sector_name = name.split(" — ", 1)[1] if a.sector and " — " in name else ""
        # The title says whose territory the target covers ("Bắc Ninh — địa bàn tỉnh Bắc Giang cũ").
        fig = progress_figure(ind, a, unit_name=catalogue.territory_label(ind, unit, lang), caption=cap,
                              sector_name=sector_name, kinds=of_series(snapshot.kinds, a))
        items.append(ChartItem(a, ind, name, chart_filename(unit, a.indicator_id, a.sector, snapshot.latest_period), fig,
                               catalogue.territory_label(ind, unit, lang)))
    return items


def unit_pngs_zip(catalogue: Catalogue, snapshot: Snapshot, unit: str, *, lang: str = "vi") -> bytes:
    """A zip of the unit's chart PNGs (1600×900 at scale 2), one per numeric target."""
    from tracker.brief import picture_figure

    items = unit_charts(catalogue, snapshot, unit, lang)
    picture = picture_figure(catalogue, snapshot, unit, lang)
    # The picture first, as tall as its rows need (a slide's 900 px would squeeze a long list).
    first = figures_png([picture], 1600, max(900, int(picture.layout.height or 900)))
    pngs = first + figures_png([i.figure for i in items])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:  # PNGs are compressed already
        zf.writestr(f"{unit}_tien-do_{snapshot.latest_period or 'chua-co-so-lieu'}.png", pngs[0])
        for item, png in zip(items, pngs[1:]):
            zf.writestr(f"{item.file_name}.png", png)
    return buf.getvalue()


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
    read as a formula nor shown behind the quote that tracker.downloads.safe_text puts before
    anything else formula-like (a catalogue name or a note starting with "=", "+", "-", "@").
    """
    from tracker.downloads import safe_text

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
    from tracker.progress import status_label

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

    from tracker.figures import progress_picture

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
