"""The one-to-two-page A4 brief on one province, as a PDF made on the server.

What a leader takes into a meeting: the progress picture (tracker.present.picture_figure.progress_picture, as
vector SVG so its words stay text), the targets needing attention with their figures, the overdue
tasks, the targets with nothing to chart, the source documents (number and date) and the date line,
and "DỮ LIỆU MINH HỌA" on every page when demo values are drawn.

The page is HTML printed to PDF by the headless Chromium the dashboard already needs for its PNG
stills (``chromium --headless --print-to-pdf``): its text is real text, searchable, with Vietnamese
diacritics in DejaVu Sans, laid out by a browser's own line breaking. No new library to keep up.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from tracker.assess.judge import status_label
from tracker.catalogue import Catalogue
from tracker.core.statuses import colour as status_colour
from tracker.core.i18n import fmt_date
from tracker.core.periods import parse_period
from tracker.present.briefing.charts import picture_figure
from tracker.present.briefing.png import browser_path, figure_image, png_export_available
from tracker.present.figures import for_screen
from tracker.present.labels import unit_label
from tracker.present.overview import attention_rows
from tracker.present.picture import document_line, not_charted, picture_rows
from tracker.present.tables import milestone_rows

PRINT_TIMEOUT_S = 90
# Picture rows on the brief: beyond these the picture would push the tables to a third page.
BRIEF_PICTURE_ROWS = 14
ATTENTION_ROWS = 8

TEXT = {
    "title": ("Tình hình thực hiện Nghị quyết 45-NQ/TW", "Implementation of Resolution 45-NQ/TW"),
    "data_to": ("Số liệu đến {period}", "Data up to {period}"),
    "no_data": ("Chưa có số liệu báo cáo", "No data reported yet"),
    "made_on": ("Ngày lập: {date}", "Prepared on {date}"),
    "demo": ("DỮ LIỆU MINH HỌA — KHÔNG PHẢI SỐ LIỆU THẬT", "DEMO DATA — NOT REAL FIGURES"),
    "picture": ("Tiến độ các chỉ tiêu định lượng", "Progress of the numeric targets"),
    "picture_none": ("Chưa có chỉ tiêu nào đủ số liệu để vẽ tiến độ.", "No target has the figures to draw its progress yet."),
    "attention": ("Chỉ tiêu cần chú ý", "Targets that need attention"),
    "attention_none": ("Không có chỉ tiêu nào đi ngược, chậm hoặc cần tăng tốc.", "No target is moving away, off track or needing acceleration."),
    "col.target": ("Chỉ tiêu", "Target"),
    "col.status": ("Tình trạng", "Status"),
    "col.latest": ("Mới nhất", "Latest"),
    "col.goal": ("Mục tiêu", "Target"),
    "col.gap": ("Còn thiếu", "Gap"),
    "col.rate": ("Tốc độ/năm", "Yearly pace"),
    "overdue": ("Nhiệm vụ quá hạn", "Overdue tasks"),
    "overdue_none": ("Không có nhiệm vụ quá hạn.", "No task is overdue."),
    "col.task": ("Nhiệm vụ", "Task"),
    "col.due": ("Thời hạn", "Deadline"),
    "col.late": ("Trễ", "Late"),
    "days": ("{n} ngày", "{n} days"),
    "more": ("… và {n} chỉ tiêu khác (xem trang Địa phương của NQ45 Tracker).", "… and {n} more (see the unit page of NQ45 Tracker)."),
    "not_charted": ("Không vẽ biểu đồ", "Not charted"),
    "source": ("Nguồn: {docs}. Số liệu: biểu mẫu báo cáo quý của địa phương, tổng hợp bằng NQ45 Tracker.",
               "Source: {docs}. Data: the unit's quarterly report forms, compiled with NQ45 Tracker."),
    "no_chromium": ("Không tìm thấy trình duyệt Chromium trên máy chủ nên không tạo được PDF; quản trị viên cài bằng lệnh: apt-get install chromium.",
                    "Chromium was not found on the server, so no PDF can be made; an administrator can install it with: apt-get install chromium."),
    "print_failed": ("Chromium không in được trang ra PDF ({why}).", "Chromium could not print the page to PDF ({why})."),
}


def _t(key: str, lang: str, **kw) -> str:
    vi, en = TEXT[key]
    text = en if lang == "en" else vi
    return text.format(**kw) if kw else text


class BriefUnavailable(RuntimeError):
    """The PDF cannot be made here; the message (vi / en) says why and what to do."""

    def __init__(self, key: str, **kw):
        self.message_vi, self.message_en = _t(key, "vi", **kw), _t(key, "en", **kw)
        super().__init__(f"{self.message_vi} / {self.message_en}")

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_vi


def brief_filename(unit: str, period: str | None) -> str:
    return f"nq45_{unit}_{period or 'chua-co-so-lieu'}.pdf"


def _e(text) -> str:
    return html.escape(unicodedata.normalize("NFC", "" if text is None else str(text)))


CSS = """
@page {size: A4; margin: 12mm 12mm 14mm 12mm;}
* {box-sizing: border-box;}
body {font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2933; font-size: 10pt; line-height: 1.35; margin: 0;}
h1 {font-size: 17pt; margin: 0 0 1mm 0;}
h2 {font-size: 12.5pt; margin: 5mm 0 1.5mm 0; color: #1f4e79; break-after: avoid;}
h2 + table, h2 + p {break-before: avoid;}
.sub {color: #52606d; margin: 0 0 2mm 0;}
.demo {color: #c92a2a; font-weight: bold; border: 1.5pt solid #c92a2a; padding: 1mm 2mm; display: inline-block; margin: 1mm 0 2mm 0;}
.picture svg, .picture img {width: 100%; height: auto; display: block;}
table {border-collapse: collapse; width: 100%; font-size: 9pt;}
th {background: #1f4e79; color: #fff; text-align: left; font-weight: bold;}
th, td {border: 0.5pt solid #cbd2d9; padding: 1.2mm 1.6mm; vertical-align: top;}
tr {break-inside: avoid;}
.chip {font-weight: bold; white-space: nowrap;}
.lines p {margin: 0.8mm 0;}
.foot {color: #52606d; font-size: 8.5pt; margin-top: 5mm; border-top: 0.5pt solid #cbd2d9; padding-top: 1.5mm;}
"""


def brief_html(cat: Catalogue, snapshot, unit: str, *, lang: str = "vi", made_on: dt.date | None = None,
               picture_svg: str | None = None) -> str:
    """The brief as one HTML page (what is printed to PDF). ``picture_svg``: the progress picture
    drawn by Plotly; without it the picture's rows are a table (the same figures, as text)."""
    made_on = made_on or snapshot.today
    name = unit_label(cat, unit, lang)
    period = (_t("data_to", lang, period=parse_period(snapshot.latest_period).label(lang))
              if snapshot.latest_period else _t("no_data", lang))
    out = [f"<!doctype html><html lang='{'en-US' if lang == 'en' else 'vi-VN'}'><head><meta charset='utf-8'>",
           f"<title>{_e(name)} — {_e(_t('title', lang))}</title><style>{CSS}</style></head><body>"]
    out.append(f"<h1>{_e(name)}</h1><p class='sub'>{_e(_t('title', lang))} · {_e(period)} · "
               f"{_e(_t('made_on', lang, date=fmt_date(made_on, lang)))}</p>")
    if snapshot.shows_demo([unit]):
        out.append(f"<div class='demo'>{_e(_t('demo', lang))}</div>")

    out.append(f"<h2>{_e(_t('picture', lang))}</h2>")
    rows = picture_rows(cat, snapshot, unit, lang)
    if not rows:
        out.append(f"<p>{_e(_t('picture_none', lang))}</p>")
    elif picture_svg:
        out.append(f"<div class='picture'>{picture_svg}</div>")
    else:
        out.append(f"<table><tr><th>{_e(_t('col.target', lang))}</th><th>{_e(_t('col.status', lang))}</th>"
                   f"<th>%</th></tr>")
        for r in rows:
            out.append(f"<tr><td>{_e(r.name)}</td><td class='chip' style='color:{status_colour(r.status)}'>"
                       f"{_e(status_label(r.status, lang))}</td><td>{round(100 * r.share)} %</td></tr>")
        out.append("</table>")
    nc = not_charted(cat, snapshot, unit, lang)
    if nc:
        out.append("<div class='lines'>" + "".join(f"<p><b>{_e(label)}:</b> {_e(names)}</p>"
                                                  for label, names in nc.lines(lang)) + "</div>")

    out.append(f"<h2>{_e(_t('attention', lang))}</h2>")
    attention = attention_rows(cat, snapshot, lang, [unit])
    if not attention:
        out.append(f"<p>{_e(_t('attention_none', lang))}</p>")
    else:
        head = ("target", "status", "latest", "goal", "gap", "rate")
        out.append("<table><tr>" + "".join(f"<th>{_e(_t('col.' + h, lang))}</th>" for h in head) + "</tr>")
        for r in attention[:ATTENTION_ROWS]:
            out.append(f"<tr><td>{_e(r['target_name'])}</td><td class='chip' style='color:{status_colour(r['status'])}'>"
                       f"{_e(r['icon'])} {_e(r['status_label'])}</td><td>{_e(r['latest_text'])}</td>"
                       f"<td>{_e(r['target_text'])}</td><td>{_e(r['gap_text'])}</td><td>{_e(r['rate_text'])}</td></tr>")
        out.append("</table>")
        if len(attention) > ATTENTION_ROWS:
            out.append(f"<p>{_e(_t('more', lang, n=len(attention) - ATTENTION_ROWS))}</p>")

    out.append(f"<h2>{_e(_t('overdue', lang))}</h2>")
    late = [r for r in milestone_rows(cat, snapshot, lang, [unit]) if r["status"] == "overdue"]
    if not late:
        out.append(f"<p>{_e(_t('overdue_none', lang))}</p>")
    else:
        out.append(f"<table><tr><th>{_e(_t('col.task', lang))}</th><th>{_e(_t('col.due', lang))}</th>"
                   f"<th>{_e(_t('col.late', lang))}</th></tr>")
        for r in late:
            days = _t("days", lang, n=r["days_late"]) if r["days_late"] else ""
            out.append(f"<tr><td>{_e(r['name'])}</td><td>{_e(r['due_text'])}</td><td>{_e(days)}</td></tr>")
        out.append("</table>")

    docs = document_line(cat, unit, lang)
    out.append(f"<div class='foot'>{_e(_t('source', lang, docs=docs))}<br>{_e(period)} · "
               f"{_e(_t('made_on', lang, date=fmt_date(made_on, lang)))}"
               + (f" · <b style='color:#c92a2a'>{_e(_t('demo', lang))}</b>" if snapshot.shows_demo([unit]) else "") + "</div>")
    out.append("</body></html>")
    return "".join(out)


def _picture_svg(cat: Catalogue, snapshot, unit: str, lang: str) -> str | None:
    """The picture as SVG (its words stay text in the PDF), or None where charts cannot be drawn."""
    rows = picture_rows(cat, snapshot, unit, lang)
    if not rows[:BRIEF_PICTURE_ROWS] or not png_export_available()[0]:
        return None
    fig = picture_figure(cat, snapshot, unit, lang)
    # The page gives the title, the lists and the source; the picture is the bars alone.
    _, bare = for_screen(fig)
    # The page says "DỮ LIỆU MINH HỌA" in words; a watermark's letters would sit among the names in the text.
    bare.layout.annotations = [a for a in bare.layout.annotations if a.name != "watermark"]
    height = int(bare.layout.height or 400)
    try:
        svg = figure_image(bare, width=900, height=height, fmt="svg")
    except Exception as exc:  # no browser, or it failed mid-way: the figures go in as a table
        print(f"NQ45 Tracker: brief picture drawn as a table ({type(exc).__name__}: {exc})", flush=True)
        return None
    text = svg.decode("utf-8") if isinstance(svg, bytes) else str(svg)
    return text[text.index("<svg"):] if "<svg" in text else None


def chromium_path() -> str | None:
    return browser_path()


def html_to_pdf(page: str) -> bytes:
    """Print one HTML page to PDF with headless Chromium (A4, no header or footer lines)."""
    browser = chromium_path()
    if browser is None:
        raise BriefUnavailable("no_chromium")
    with tempfile.TemporaryDirectory(prefix="nq45-brief-") as folder:
        source, target = Path(folder) / "brief.html", Path(folder) / "brief.pdf"
        source.write_text(page, encoding="utf-8")
        argv = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={folder}/profile", "--no-pdf-header-footer", f"--print-to-pdf={target}",
                source.as_uri()]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S,
                                  env={**os.environ, "HOME": folder})
        except subprocess.TimeoutExpired:
            raise BriefUnavailable("print_failed", why=f"> {PRINT_TIMEOUT_S} s") from None
        if not target.exists() or target.stat().st_size == 0:
            raise BriefUnavailable("print_failed", why=(done.stderr or "").strip().splitlines()[-1:][0][:200]
                                   if done.stderr.strip() else f"exit {done.returncode}")
        return target.read_bytes()


def build_brief(cat: Catalogue, snapshot, unit: str, *, lang: str = "vi", made_on: dt.date | None = None) -> bytes:
    """The A4 brief on ``unit`` as PDF bytes. Raises BriefUnavailable without a browser."""
    if chromium_path() is None:
        raise BriefUnavailable("no_chromium")
    page = brief_html(cat, snapshot, unit, lang=lang, made_on=made_on,
                      picture_svg=_picture_svg(cat, snapshot, unit, lang))
    return html_to_pdf(page)
