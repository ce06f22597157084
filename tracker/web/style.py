"""The page's look: its CSS (phones, print, presentation's chart box aside), the print and scroll
scripts, and Streamlit's and Plotly's own English words swapped for the page's language."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker.core.i18n import t
from tracker.web.state import lang


# The printable width of an A4 page at 96 CSS px per inch: 210 mm less two 12 mm margins.
PRINT_WIDTH_PX = 700


# Reflow on phones without a second layout: Streamlit stacks columns below 640 px; these rules make
# the tiles compact there and keep wide tables scrolling inside their box instead of squashing.
PAGE_CSS = """<style>
.nq-subtitle {color:#52606d; font-size:0.95rem; line-height:1.45; margin:-0.4rem 0 0.3rem 0;}
.nq-chip {display:inline-block; padding:0.05rem 0.5rem; border-radius:0.7rem; color:#fff; font-weight:600;
          font-size:0.85rem; white-space:nowrap;}
.nq-facts {display:flex; flex-wrap:wrap; gap:0.2rem 1.4rem; font-size:0.92rem; margin:0.2rem 0;}
.nq-facts div {min-width:9rem;} .nq-facts b {color:#52606d; font-weight:500; display:block; font-size:0.8rem;}
.nq-scroll {overflow-x:auto; max-width:100%;}
/* Tile labels wrap instead of ending in "…". */
.st-key-nq_tiles [data-testid="stMetricLabel"], .st-key-nq_tiles [data-testid="stMetricLabel"] * {
          white-space:normal !important; overflow:visible !important; text-overflow:clip !important;}
.nq-matrix {border-collapse:collapse; font-size:0.85rem;}
.nq-matrix th, .nq-matrix td {border:1px solid #e4e7eb; padding:0.3rem 0.45rem; vertical-align:top; text-align:left;}
.nq-matrix th {background:#f5f7fa; min-width:7.5rem;}
.nq-matrix td:first-child, .nq-matrix th:first-child {position:sticky; left:0; background:#fff; min-width:11rem;
          max-width:18rem; z-index:1;}
.nq-matrix td a {text-decoration:none; color:inherit; display:block;}
.nq-matrix .nq-v {color:#52606d; font-size:0.8rem;}
.nq-anchor {scroll-margin-top:4.5rem; height:0;}
/* One layout for wide screens, another for phones: a matrix or a task table becomes a stacked list. */
.st-key-nq_phone_only {display:none;}
.nq-stack {list-style:none; padding:0; margin:0;}
.nq-stack li {border-bottom:1px solid #e4e7eb; padding:0.45rem 0; line-height:1.4;}
.nq-stack li a {text-decoration:none; color:inherit;}
.nq-stack .nq-v {color:#52606d; font-size:0.85rem; display:block;}
.nq-worst {margin:0.1rem 0 0.6rem 0; padding:0; list-style:none;}
.nq-worst li {white-space:nowrap; overflow:hidden; text-overflow:ellipsis; padding:0.15rem 0;}
.nq-worst li a {color:inherit;}
.nq-notcharted {color:#52606d; font-size:0.92rem; margin:0.15rem 0;}
@media (max-width: 640px) {
  .st-key-nq_phone_only {display:block;}
  .st-key-nq_wide_only {display:none;}
  [data-testid="stMetricValue"] {font-size:1.6rem;}
  [data-testid="stMetricLabel"] p {font-size:0.8rem;}
  .nq-matrix td:first-child, .nq-matrix th:first-child {min-width:8rem; max-width:10rem;}
  h1 {font-size:1.8rem !important;}
  h2 {font-size:1.45rem !important;}
  h3 {font-size:1.15rem !important;}
  /* Tiles two by two on a phone instead of one tall column. */
  .st-key-nq_tiles [data-testid="stHorizontalBlock"] {flex-direction:row !important; flex-wrap:wrap !important; gap:0.5rem;}
  .st-key-nq_tiles [data-testid="stColumn"] {width:calc(50% - 0.5rem) !important; flex:1 1 calc(50% - 0.5rem) !important;
          min-width:calc(50% - 0.5rem) !important;}
}
/* Printing a page (Ctrl+P, "Lưu dưới dạng PDF"): no sidebar, sign-in box, toolbar or buttons; the page
   as wide as the paper; each chart scaled to the A4 width by PRINT_SCRIPT, so 2030 stays in view. */
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer,
  .stDownloadButton, .stButton, [data-testid="stExpander"], .modebar-container, .st-key-nq_present_nav
      {display:none !important;}
  [data-testid="stMain"], [data-testid="stAppViewContainer"] {margin-left:0 !important; padding:0 !important;}
  .block-container {max-width:100% !important; padding:0 !important;}
  .stPlotlyChart, .element-container:has(.stPlotlyChart) {break-inside:avoid; overflow:visible !important;}
  .stPlotlyChart {max-width:__PRINT_WIDTH__px !important;}
  .st-key-nq_phone_only {display:none !important;} .st-key-nq_wide_only {display:block !important;}
  .nq-scroll {overflow:visible;}
}
</style>""".replace("__PRINT_WIDTH__", str(PRINT_WIDTH_PX))


# A chart keeps the width it was laid out at on screen; printed, the paper is narrower or wider: a chart
# laid out on a wide screen lost its right end (2030), one laid out on a phone printed at half the page.
# Before printing (Ctrl+P fires beforeprint; a print-media switch fires the media query) each chart is laid
# out again by Plotly at the A4 width, text staying text; afterwards at its box's width again. Zoom is the
# fallback where Plotly's global is missing (it only shrinks, so a phone's chart stays narrow there).
PRINT_SCRIPT = """<script>
(function () {
  if (window.__nqPrintFit) return;
  window.__nqPrintFit = true;
  var printing = false;
  function fit(on) {
    if (on === printing) return;
    printing = on;
    document.querySelectorAll('.stPlotlyChart').forEach(function (box) {
      var plot = box.querySelector('.js-plotly-plot');
      if (!plot) return;
      if (window.Plotly && window.Plotly.relayout && plot._fullLayout) {
        // The boxes too: Streamlit lays its chart out again at its element's width after any relayout.
        box.style.zoom = '';
        [box, box.closest('[data-testid=stElementContainer]')].forEach(function (el) {
          if (!el) return;
          el.style.width = on ? '%(width)dpx' : '';
          el.style.maxWidth = on ? '%(width)dpx' : '';
        });
        window.Plotly.relayout(plot, {width: on ? %(width)d : (box.clientWidth || plot._fullLayout.width)});
        return;
      }
      box.style.zoom = '';
      if (!on) return;
      var w = plot.getBoundingClientRect().width;
      if (w > %(width)d) box.style.zoom = (%(width)d / w).toFixed(4);
    });
  }
  var mq = window.matchMedia('print');
  mq.addEventListener('change', function (e) { fit(e.matches); });
  window.addEventListener('beforeprint', function () { fit(true); });
  window.addEventListener('afterprint', function () { fit(false); });
})();
</script>""" % {"width": PRINT_WIDTH_PX}


# A link to one chart (#c-khanh-hoa-papers) is followed before the charts above it have their height,
# and the browser lands on an earlier chart: once the page stops growing, scroll to it again.
SCROLL_SCRIPT = """<script>
(function () {
  var id = decodeURIComponent((window.location.hash || '').slice(1));
  if (!id || window.__nqScrolled === id) return;
  var last = -1, still = 0, tries = 0;
  var timer = setInterval(function () {
    var el = document.getElementById(id), h = document.body.scrollHeight;
    still = (h === last) ? still + 1 : 0; last = h; tries += 1;
    if ((el && still >= 3) || tries > 60) {
      clearInterval(timer);
      if (el) { el.scrollIntoView({block: 'start'}); window.__nqScrolled = id; }
    }
  }, 250);
})();
</script>"""


def css_text(text: str) -> str:
    """``text`` as a CSS string literal (for ``content:``): quotes and backslashes escaped, no line breaks."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


# Plotly's toolbar tooltips are CSS text drawn from each button's data-title (plotly.js puts
# `content: attr(data-title)` on ::after), so the words can be swapped per button; Streamlit loads no
# Plotly locale. Keys: plotly.js's own titles of the buttons these charts can show.
PLOTLY_TITLES = {
    "Zoom": "Phóng to vùng chọn", "Pan": "Kéo biểu đồ", "Zoom in": "Phóng to", "Zoom out": "Thu nhỏ",
    "Autoscale": "Tự co giãn", "Reset axes": "Trục như ban đầu", "Download plot as a png": "Tải ảnh PNG",
    "Toggle Spike Lines": "Bật/tắt đường dóng", "Show closest data on hover": "Số liệu gần nhất khi trỏ chuột",
    "Compare data on hover": "So sánh số liệu khi trỏ chuột", "Reset view": "Khung nhìn như ban đầu",
    "Box Select": "Chọn theo khung", "Lasso Select": "Chọn tự do",
}


def streamlit_chrome_css(lang: str) -> str:
    """Streamlit's and Plotly's own English words on a Vietnamese page, swapped for CSS text where their
    markup allows it (Streamlit 1.67): the running indicator's "Stop" button, the "Press Enter to
    submit form / apply" hints under text fields, and the charts' toolbar tooltips. What cannot be
    swapped (aria-labels, the data grid's tooltips, the connection-lost box) is listed in the README."""
    if lang == "en":
        return ""
    hint = '[data-testid="InputInstructions"] > span:first-child'
    rules = [
        # The running indicator: "Stop" while a page runs, "Stopping..." once pressed (the button is disabled).
        '[data-testid="stStatusWidget"] button, [data-testid="stStatusWidget"] button * {font-size:0 !important;}',
        f'[data-testid="stStatusWidget"] button::after {{content:{css_text(t("chrome.stop", lang))}; font-size:0.875rem;}}',
        f'[data-testid="stStatusWidget"] button:disabled::after {{content:{css_text(t("chrome.stopping", lang))};}}',
        f'{hint} {{font-size:0 !important;}}',
        f'{hint}::after {{content:{css_text(t("chrome.enter_apply", lang))}; font-size:0.75rem;}}',
        f'[data-testid="stForm"] {hint}::after {{content:{css_text(t("chrome.enter_submit", lang))};}}',
        f'[data-testid="stTextArea"] {hint}::after {{content:{css_text(t("chrome.ctrl_enter_apply", lang))};}}',
    ]
    rules += [f'.js-plotly-plot .plotly .modebar-btn[data-title={css_text(en)}]::after {{content:{css_text(vi)} !important;}}'
              for en, vi in PLOTLY_TITLES.items()]
    return "<style>\n" + "\n".join(rules) + "\n</style>"


ASSETS = Path(__file__).resolve().parent.parent / "assets"


def page_style() -> None:
    st.markdown(PAGE_CSS + streamlit_chrome_css(lang()), unsafe_allow_html=True)
    st.html(PRINT_SCRIPT, unsafe_allow_javascript=True)


def scroll_to_link() -> None:
    """After the page has drawn its charts, bring the chart the link names (#…) into view."""
    st.html(SCROLL_SCRIPT, unsafe_allow_javascript=True)


def file_size_text(size: int, lang: str) -> str:
    """A file's size the page's way: '14,4 KB', '2,5 MB' (Streamlit's own '14.4KB' reads as 144 in Vietnamese)."""
    from tracker.core.i18n import fmt_number

    if size < 1024 * 1024:
        return f"{fmt_number(size / 1024, lang, decimals=1)} KB"
    return f"{fmt_number(size / (1024 * 1024), lang, decimals=1)} MB"


def uploader_chrome(lang: str, max_mb: int, kinds: str = ".xlsx, .xls, .ods", key: str = "uploader") -> None:
    """Streamlit's file uploader in the page's language. Its own words ("Upload", "10MB per file • XLSX,
    XLSM…", the chosen file's "14.4KB") cannot be set, so they are hidden and replaced by CSS text
    (Streamlit 1.67's markup): before a file is chosen, the button's word and the two lines beside it;
    after, the chip shows the whole file name (Streamlit cuts it to "nq45_k...026-Q3.xlsx") and the size
    written the page's way, and the "+" button says what it does. Every rule names the one element it
    changes: a rule on every button of the box put "Chọn tệp" on the chip's remove button, over the name.
    English pages get the same rules, so that the instruction ("press Choose a file") names the button."""
    drop, limit = t("up.drop_here", lang), t("up.limit_kinds", lang, mb=max_mb, kinds=kinds)
    button, another = t("up.choose_button", lang), t("up.choose_another", lang)
    chosen = st.session_state.get(key)
    chosen = chosen[0] if isinstance(chosen, list) and chosen else chosen
    size = file_size_text(chosen.size, lang) if getattr(chosen, "size", None) is not None else ""
    zone = f".st-key-{key} [data-testid=\"stFileUploaderDropzone\"]"
    st.markdown(f"""<style>
{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div > span,
{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div > small {{display:none;}}
{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div::before {{content:{css_text(drop)}; display:block;}}
{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{content:{css_text(limit)}; display:block;
  font-size:0.8em; opacity:0.7;}}
{zone} > span > button [data-testid="stMarkdownContainer"] {{display:none;}}
{zone} > span > button span[data-has-shortcut]::after {{content:{css_text(button)};}}
{zone} [data-testid="stFileChipName"] {{font-size:0 !important; white-space:normal; overflow-wrap:anywhere;}}
{zone} [data-testid="stFileChipName"]::after {{content:attr(title); font-size:0.875rem;}}
{zone} [data-testid="stFileChipName"] + div {{font-size:0 !important;}}
{zone} [data-testid="stFileChipName"] + div::after {{content:{css_text(size)}; font-size:0.75rem;}}
{zone} button[data-testid="stBaseButton-borderlessIcon"] span[data-has-shortcut]::after {{content:{css_text(another)};
  font-size:0.875rem; margin-left:0.25rem; white-space:nowrap;}}
</style>""", unsafe_allow_html=True)
