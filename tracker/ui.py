"""The thin Streamlit layer shared by the pages: language, the store connection, banners.

The only tracker module that imports Streamlit; pages call these and the pure package.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tracker.catalogue import load_catalogue
from tracker.i18n import DEFAULT_LANG, LANGS, t


def lang() -> str:
    """The language chosen in the sidebar (kept in the session and the URL: ?lang=en)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in LANGS else DEFAULT_LANG
    return st.session_state["lang"]


def language_switch() -> str:
    current = lang()
    labels = {"vi": "Tiếng Việt", "en": "English"}
    choice = st.sidebar.radio(
        t("app.language", current), LANGS, index=LANGS.index(current),
        format_func=labels.get, horizontal=True, key="lang_switch",
    )
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
    return choice


def catalogue():
    return load_catalogue()


def damaged_programmes_notice(lang: str) -> None:
    """For admins: the programme files left out of the catalogue because they are damaged."""
    from tracker.catalogue import skipped_programme_notice

    try:
        notice = skipped_programme_notice(catalogue(), lang)
    except Exception:   # the page itself will say what is wrong with the catalogue
        return
    if notice:
        st.warning(notice)


def _damaged_file_errors() -> tuple:
    from tracker.catalogue import CatalogueError
    from tracker.store import StoreError

    return (StoreError, CatalogueError)


def damaged_file_message(exc: Exception, lang: str) -> str:
    """What a visitor is told when the database or the catalogue cannot be read: the file, and what to do."""
    from tracker.catalogue import CatalogueError

    if isinstance(exc, CatalogueError):
        problems = "; ".join(getattr(exc, "problems", [])[:3]) or str(exc)
        if lang == "en":
            return (f"The catalogue file {getattr(exc, 'path', '')} cannot be read ({problems}). An administrator should "
                    "restore it from the backup or the repository; nothing stored has been lost.")
        return (f"Không đọc được tệp danh mục {getattr(exc, 'path', '')} ({problems}). Quản trị viên hãy khôi phục tệp từ bản "
                "sao lưu hoặc từ kho mã; số liệu đã lưu không bị mất.")
    what = exc.message(lang) if hasattr(exc, "message") else str(exc)
    if lang == "en":
        return (f"The database cannot be used now: {what}. If the file is damaged, an administrator should stop the server "
                "and restore the last backup (`python -m tracker backup` makes them); the uploaded files are kept in the archive.")
    return (f"Hiện chưa dùng được cơ sở dữ liệu: {what}. Nếu tệp bị hỏng, quản trị viên hãy dừng máy chủ và khôi phục bản "
            "sao lưu gần nhất (tạo bằng `python -m tracker backup`); các tệp đã nộp vẫn được giữ trong kho lưu trữ.")


# Errors of a damaged file that a page cannot recover from (dashboard.py shows damaged_file_message).
DAMAGED_FILE_ERRORS = _damaged_file_errors()


# --- data: one shared store, results cached per database change --------------------------------

# cache_resource so that the schema is checked (and migrated) once per server process; the Store
# holds no connection between calls, so the file stays free for the CLI between page views.
@st.cache_resource(show_spinner=False)
def _open_store(path: str, archive: str):
    from tracker.store import Store

    return Store(path, archive)


def store():
    """The Store of this server process: each call it serves opens the file for that call only."""
    from tracker.settings import load_settings

    settings = load_settings()
    return _open_store(settings.database, str(settings.archive_dir))   # a PostgreSQL URL when db_url is set


class _LatestSnapshot:
    """The last snapshot made in this server process, shared by every session."""

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.snapshot = None
        self.current: tuple = (None, None)   # (key, snapshot) as one value: read without the lock


# cache_resource, not cache_data keyed on the database's last change: a snapshot holds tens of
# thousands of assessments, which cache_data would pickle on every view, and the previous one is
# what lets a change be applied to the units it touched only (tracker.snapshot).
@st.cache_resource(show_spinner=False)
def _latest() -> _LatestSnapshot:
    return _LatestSnapshot()


def snapshot():
    """Statuses of every target, brought up to date with the database on each page run.

    The database's change token is read on every run, so a commit by any process (the CLI, another
    session) shows on the next page view. A database kept busy by another process longer than the
    store waits stops the page with a sentence saying to reload, not a traceback.
    """
    from tracker.store import StoreError

    try:
        snap = current_snapshot()
    except StoreError as exc:
        if exc.code != "busy":
            raise
        from tracker.i18n import fmt_number

        st.warning(t("busy.page", lang(), s=fmt_number(exc.waited, lang())), icon=":material/hourglass_top:")
        st.stop()
    return snap


def current_snapshot():
    """snapshot() without anything on the page (a busy database raises StoreError): what the server's
    warm-up (tracker.warmup) calls at start, so the first visitor finds it made."""
    from tracker import warmup
    from tracker.catalogue import catalogue_key
    from tracker.periods import today
    from tracker.snapshot import shared_snapshot

    s = store()
    key = (catalogue_key(), id(s))   # every catalogue file, added programmes too
    latest = _latest()
    # Most page runs find the database unchanged: that is checked outside the lock (one small query),
    # or thirty sessions at once would queue behind each other's reads.
    kept_key, kept = latest.current
    if kept is not None and kept_key == key and kept.today == today() and s.last_change() == kept.token:
        return kept
    # One session computes; the others wait for its result instead of computing it again.
    with latest.lock:
        previous = latest.snapshot if latest.key == key else None
        # With PostgreSQL, from the snapshot another replica (or this one before a restart) saved.
        snap = shared_snapshot(s, load_catalogue(), today(), previous, catalogue_key=key[0])
        latest.key, latest.snapshot = key, snap
        latest.current = (key, snap)
        if snap is not previous:
            previous = None
            warmup.after_new_snapshot()   # the server's GC policy, when it is on
    return snap


@st.cache_resource(show_spinner=False, max_entries=24)
def _snapshot_at(period: str, token: str, today_iso: str, catalogue_key: tuple):
    import datetime as dt

    from tracker.snapshot import load_snapshot

    return load_snapshot(store(), load_catalogue(), dt.date.fromisoformat(today_iso), period=period)


def snapshot_at(period: str, current):
    """The snapshot as it stood with data up to ``period`` ("as of" on the overview), cached per
    (period, database change): ``current`` is today's snapshot, whose token names the change."""
    from tracker.catalogue import catalogue_key

    if period == current.latest_period:
        return current
    return _snapshot_at(period, current.token, current.today.isoformat(), catalogue_key())


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


def sign_in_to_upload() -> None:
    """What a visitor who is not signed in as staff sees at /nhap-so-lieu."""
    current = lang()
    st.title(t("page.upload", current))
    st.info(t("auth.upload_sign_in", current), icon=":material/login:")


def page_style() -> None:
    st.markdown(PAGE_CSS + streamlit_chrome_css(lang()), unsafe_allow_html=True)
    st.html(PRINT_SCRIPT, unsafe_allow_javascript=True)


def scroll_to_link() -> None:
    """After the page has drawn its charts, bring the chart the link names (#…) into view."""
    st.html(SCROLL_SCRIPT, unsafe_allow_javascript=True)


def wide_only():
    """A container shown on screens wider than a phone (and printed)."""
    return st.container(key="nq_wide_only")


def phone_only():
    """A container shown on phones only (≤ 640 px), in place of wide_only's content."""
    return st.container(key="nq_phone_only")


def not_charted(lines: list[tuple[str, str]]) -> None:
    """Targets with nothing to draw, one line per reason, never an empty chart."""
    for label, names in lines:
        st.markdown(f"<div class='nq-notcharted'><b>{plain_html(label)}:</b> {plain_html(names)}</div>",
                    unsafe_allow_html=True)


def plain_html(text) -> str:
    import html

    return html.escape("" if text is None else str(text))


def chosen_unit(units: list[str]) -> str | None:
    """The province the visitor chose: ?unit= in the link, else the one chosen earlier in this session,
    else the signed-in user's first own unit (a viewer tied to Bắc Ninh opens on Bắc Ninh).
    An unknown code in the link is returned as it is (the page says so)."""
    wanted = st.query_params.get("unit")
    if wanted:
        return wanted
    kept = st.session_state.get("nq_unit")
    if kept in units:
        return kept
    return next(iter(own_units(units)), None)


def keep_unit(unit: str) -> None:
    """Remember the chosen province in the link and the session (shared by the overview and the unit page)."""
    st.session_state["nq_unit"] = unit
    if st.query_params.get("unit") != unit:
        st.query_params["unit"] = unit


def status_chip(status: str, lang: str) -> str:
    """A coloured status word with its icon, as inline HTML (colour is never the only sign)."""
    from tracker.core import statuses

    look = statuses.look(status)
    text = f"{look.icon} {statuses.label(status, lang)}".strip()
    if look.outlined:   # a direction-only goal: an outline, never a numeric target's filled chip
        return (f"<span class='nq-chip nq-chip-outline' style='border:2px solid {look.colour};color:{look.colour};"
                f"background:#fff'>{text}</span>")
    # Dark text where white would be hard to read on the light fills.
    ink = "#1f2933" if status in ("on_track", "acceleration", "too_little_data", "no_data") else "#fff"
    return f"<span class='nq-chip' style='background:{look.colour};color:{ink}'>{text}</span>"


def file_size_text(size: int, lang: str) -> str:
    """A file's size the page's way: '14,4 KB', '2,5 MB' (Streamlit's own '14.4KB' reads as 144 in Vietnamese)."""
    from tracker.i18n import fmt_number

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


def demo_banner(snap, lang: str, units: list[str] | None = None) -> None:
    """Only where demo values are drawn: anywhere (units None), or on these units' pages."""
    if snap.shows_demo(units):
        st.warning(t("app.demo_banner", lang), icon=":material/science:")


def reporting_window(lang: str) -> None:
    """For signed-in staff: the open report windows and how many units have submitted for each."""
    user = current_user()
    if user is None or user.role not in ("uploader", "approver", "admin"):
        return
    from tracker.completeness import completeness
    from tracker.periods import today
    from tracker.settings import load_settings
    from tracker.upload_policy import calendar_notice

    cal = load_settings().reporting_calendar
    now = today()
    notice = calendar_notice(cal, now, lang)
    lines = list(notice.lines[:1]) if notice.state == "closed" else list(notice.lines)
    lines += [completeness(catalogue(), store(), w).summary(lang) for w in cal.open_windows(now)
              if w.period.is_quarter or w.period.is_year]
    st.caption("  \n".join(lines))


def empty_state(lang: str) -> None:
    """What to do when nothing has been reported yet."""
    st.info(t("app.empty", lang))
    user = current_user()
    if user is not None and user.role in ("uploader", "admin"):
        st.page_link("views/upload.py", label=t("page.upload", lang), icon=":material/upload_file:")
    else:
        st.caption(t("app.empty_sign_in", lang))


def chart(fig, file_name: str, key: str | None = None, anchor: str | None = None, height: int | None = None,
          short_title: bool = False, present: bool = False) -> None:
    """A figure on screen: its title and status as page text (wraps on a phone), the chart sized by
    its container, the footer as a caption, and a button for the whole figure as a slide-sized PNG.

    ``short_title``: on one unit's page the unit is said once at the top, so the title drops it (the
    PNG keeps it). ``present``: the chart fills the screen's height below its title (presentation mode).
    """
    from tracker.screen_figure import ScreenFigure, prepare

    # A ScreenFigure was prepared once for every viewer (tracker.unit_page); a figure is prepared here.
    shown = fig if isinstance(fig, ScreenFigure) else prepare(fig, height, present=present)
    meta, screen = shown.meta, shown.screen
    title = meta.get("screen_title") if short_title and meta.get("screen_title") else meta.get("title")
    if anchor:
        # The anchor is an element of its own just above the title, so a link lands on this chart's
        # title (Streamlit's heading anchors are placed after the page settles, too late for #links).
        st.markdown(f"<div id='{anchor}' class='nq-anchor'></div>", unsafe_allow_html=True)
    if title:
        st.subheader(plain(title), anchor=False)   # names may come from an admin-added programme
    if meta.get("subtitle"):
        st.markdown(f"<div class='nq-subtitle'>{meta['subtitle']}</div>", unsafe_allow_html=True)
    server_png = _png_available()
    # Presented, the chart's box takes the height the window has left (presentation_mode's CSS: a column
    # of the window's height), and Plotly lays the figure out in it: prepare(present=True) left the
    # figure without a height of its own.
    box = st.container(key=f"nq_present_chart_{key}") if present else st.container()
    box.plotly_chart(screen, width="stretch", height="stretch" if present else "content", key=key, config={
        "displaylogo": False, "responsive": True,
        # The camera would save the screen figure, without its title and source; the button below
        # saves the whole still. Without a server-side renderer the camera is the fallback.
        "toImageButtonOptions": {"format": "png", "filename": file_name, "width": 1600, "height": 900, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"] + (["toImage"] if server_png else []),
    })
    if meta.get("footer"):
        st.caption(meta["footer"].replace("<br>", " · ").replace("<b>", "**").replace("</b>", "**"))
    if server_png and not present:   # a projected screen is the chart's; the PNG is on the page
        from tracker.present.briefing.png import figure_png

        st.download_button(t("app.download_png", lang()), lambda: figure_png(shown.figure()), file_name=f"{file_name}.png",
                           mime="image/png", key=f"{key or file_name}_png", on_click="ignore", icon=":material/image:",
                           type="tertiary")


@st.cache_resource(show_spinner=False)
def _png_available() -> bool:
    from tracker.present.briefing.png import png_export_available

    return png_export_available()[0]


def downloads(rows, base_name: str, lang: str, key: str) -> None:
    """A page's table as CSV (UTF-8 with BOM, so Excel shows diacritics) and as Excel.

    ``rows`` is a list of dicts, or a function returning one: the files are made only when a
    button is clicked, so a big table costs nothing until someone wants it. Numbers stay numbers
    and staff text can never run as a formula (tracker.downloads).
    """
    from tracker.downloads import XLSX_MIME, table_csv, table_xlsx

    if isinstance(rows, list) and not rows:
        return

    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("app.download_csv", lang), lambda: table_csv(rows), file_name=f"{base_name}.csv",
                       mime="text/csv", key=f"{key}_csv", on_click="ignore")
    c2.download_button(t("app.download_xlsx", lang), lambda: table_xlsx(rows), file_name=f"{base_name}.xlsx",
                       mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore")


def screen_rows(rows: list[dict], lang: str) -> list[dict]:
    """The rows as shown on screen: fractional numbers written the Vietnamese way (1.470,5), ±inf/NaN
    as '—'; whole numbers and text as they are (the download keeps the plain numbers)."""
    import numbers

    from tracker.i18n import fmt_number

    floats = {k for r in rows for k, v in r.items()
              if isinstance(v, float) or (isinstance(v, numbers.Real) and not isinstance(v, (int, bool)))}
    if not floats:
        return rows
    return [{k: (fmt_number(v, lang) if k in floats and v is not None else v) for k, v in r.items()} for r in rows]


def table(rows: list[dict], lang: str, *, key: str | None = None, height: int | str = "auto") -> None:
    """A table on screen: long text columns (reasons, explanations, evidence) wide enough to read,
    dates as dd/mm/yyyy. Cells are plain text: nothing in them is read as Markdown or HTML."""
    import datetime as dt
    import numbers

    import pandas as pd

    from tracker.downloads import text_widths

    config = {name: st.column_config.TextColumn(width=width) for name, width in text_widths(rows).items()}
    for name in {k for r in rows for k, v in r.items() if isinstance(v, dt.date)}:
        is_time = any(isinstance(r.get(name), dt.datetime) for r in rows)
        config[name] = (st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm") if is_time
                        else st.column_config.DateColumn(format="DD/MM/YYYY"))
    frame = pd.DataFrame(screen_rows(rows, lang))
    for name in frame.columns:
        # Whole numbers with gaps (days late: 789 or nothing) stay whole, not "789.0".
        present = [r.get(name) for r in rows if r.get(name) is not None]
        if present and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in present):
            frame[name] = pd.array([r.get(name) for r in rows], dtype="Int64")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key, height=height)


def plain(text) -> str:
    """User text (a reason, a note, a user name) made safe inside st.markdown / st.caption: every
    Markdown and HTML character escaped, so ``![x](http://…)`` is shown, never fetched."""
    import html
    import re

    escaped = html.escape("" if text is None else str(text), quote=False)
    # Markdown punctuation (CommonMark's escapable set) and line breaks that would start a block.
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|~>:$])", r"\\\1", escaped)
    return escaped.replace("\n", " ")


# --- who is using the dashboard -----------------------------------------------------------------

def visible_units(units: list[str]) -> list[str]:
    """The units of `units` the visitor may see (tracker.access.visible_units: all of them, except on an
    installation with public_pages = "none", where a viewer tied to units sees only those)."""
    from tracker.access import visible_units as allowed
    from tracker.settings import load_settings

    return allowed(current_user(), units, load_settings(), related=catalogue().lineage_group)


def may_see_pages(user) -> bool:
    """Whether this visitor may open the progress pages (public_pages, tracker.access.may_see_pages)."""
    from tracker.access import may_see_pages as allowed
    from tracker.settings import load_settings

    return allowed(user, load_settings())


def own_units(units: list[str]) -> list[str]:
    """The signed-in user's own units among `units` (what their overview opens on)."""
    from tracker.access import home_units

    return home_units(current_user(), units, related=catalogue().lineage_group)


def users():
    from tracker.access import UserStore
    from tracker.settings import load_settings

    return UserStore(load_settings().users_file)


@st.cache_resource(show_spinner=False)
def _prepare(db_path: str, archive_dir: str, users_file: str, upload_max_mb: int) -> str | None:
    """Once per server process and installation: refuse to run as another user than the data's
    owner, make the data owner-only, clear stale `.part` files, and let settings.toml's upload
    limit drive Streamlit's (the upload route reads it at each request, the widget at each run)."""
    from streamlit import config

    from tracker.settings import data_owner_problem, load_settings, secure_data

    settings = load_settings()
    problem = data_owner_problem(settings)
    if problem:
        print(problem, flush=True)
        return problem
    removed = secure_data(settings)
    if removed:
        print(f"NQ45 Tracker: đã xóa {len(removed)} tệp .part dở dang / removed stale .part files", flush=True)
    config.set_option("server.maxUploadSize", upload_max_mb, where_defined="settings.toml (upload_max_mb)")
    return None


def installation_problem() -> str | None:
    """A sentence when the dashboard must not run (data owned by another user), else None."""
    from tracker.settings import load_settings

    s = load_settings()
    return _prepare(str(s.db_path), str(s.archive_dir), str(s.users_file), s.upload_max_mb)


@st.cache_resource(show_spinner=False)
def _throttle(backoff_after: int, lock_after: int, lock_minutes: int):
    """Failed sign-ins: in memory for the DuckDB file (a restart forgets them), in the database for
    PostgreSQL, so that a lockout holds on every replica."""
    from tracker.access import Throttle, ThrottlePolicy

    failure_log = getattr(store(), "failure_log", None)
    return Throttle(ThrottlePolicy(backoff_after, lock_after, lock_minutes), failure_log() if failure_log else None)


def throttle():
    from tracker.settings import load_settings

    s = load_settings()
    return _throttle(s.signin_backoff_after, s.signin_lock_after, s.signin_lock_minutes)


def _client() -> tuple[str | None, bool]:
    """(address the request came from, whether it was read through a trusted proxy); (None, False) when
    unknown. Without trusted proxies the peer address is still used for the (account, client) counter:
    behind an undeclared proxy it is everyone's, which makes that counter the account's, as before."""
    from tracker.access import client_address
    from tracker.settings import load_settings

    trusted = load_settings().trusted_proxies
    try:
        if trusted:
            return client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"), trusted), True
        peer = st.context.ip_address
        if peer is not None and not isinstance(peer, str):
            return None, False        # no real request (AppTest): per account only
        return (peer or "127.0.0.1"), False   # Streamlit reports a loopback peer as None
    except Exception:  # no request context (tests): per account only
        return None, False


def _cookie_token() -> str | None:
    """The session token this browser's request carries; None when none, or when the session cookie is
    there twice (one planted from another port of the host: refused rather than guessed at)."""
    from tracker import sessions

    try:
        raw = st.context.headers.get("Cookie")
        if raw is None:   # no raw header: the parsed cookies (one value a name)
            cookies = st.context.cookies
            raw = "; ".join(f"{k}={cookies[k]}" for k in (sessions.COOKIE_NAME, sessions.SECURE_COOKIE_NAME) if k in cookies)
    except Exception:   # no browser request (tests)
        return None
    token, twice = sessions.session_cookie(raw)
    return None if twice else token


def _known_device(name: str) -> str | None:
    """The id of a valid web session of account ``name`` whose cookie this browser holds, else None."""
    from tracker.access import resume_session

    web = web_sessions()
    if web is None or not name:
        return None
    token = _cookie_token()
    if not token:
        return None
    found = _web_call(lambda: web.find(token), "find")
    if found is None or found.username != name:
        return None
    user, _, _ = resume_session(found.as_tab_session(), users(), idle_minutes=0)
    return found.id if user is not None else None


def audit(event: str, username: str, detail: str = "") -> None:
    """One row in the audit log; never fails the page that records it."""
    try:
        s = store()
        if hasattr(s, "audit"):
            s.audit(event, username, detail)
    except Exception as exc:  # the log must not stop a sign-in; the server log keeps the reason
        print(f"NQ45 Tracker: audit log not written ({event}, {username}): {exc}", flush=True)


# --- sign-ins that survive a reload (tracker.sessions; only where app.py serves its routes) -----

def web_sessions():
    """The server-side sessions behind the cookie, or None: under `streamlit run dashboard.py` (no
    route sets the cookie) a sign-in stays with the tab."""
    from tracker import sessions

    if not sessions.ROUTES_MOUNTED:
        return None
    return sessions.SessionStore(store())


def _web_call(action, what: str):
    """A database call for the cookie session; a failure leaves the tab-bound sign-in working."""
    try:
        return action()
    except Exception as exc:
        print(f"NQ45 Tracker: sign-in cookie session not kept ({what}): {exc}", flush=True)
        return None


def _session_from_cookie(idle: int):
    """A new tab or a reload: the session its cookie names, if still valid (once per tab session)."""
    from tracker import sessions
    from tracker.access import resume_session

    web = web_sessions()
    if web is None:
        return None
    token = _cookie_token()
    if not isinstance(token, str) or not token or st.session_state.get("web_cookie_seen") == sessions.digest(token):
        return None
    st.session_state["web_cookie_seen"] = sessions.digest(token)
    found = _web_call(lambda: web.find(token), "find")
    if found is None:
        return None
    user, renewed, code = resume_session(found.as_tab_session(), users(), idle_minutes=idle)
    if user is None:   # removed, disabled, re-passworded or idle: the cookie names nothing any more
        _web_call(lambda: web.end(found.id), "end")
        return None
    _web_call(lambda: web.touch(found.id), "touch")
    st.session_state["web_session"] = (found.id, renewed.last_seen)
    return renewed


def _touch_web_session(now: float) -> bool:
    """Keep the cookie session's last-seen close to the tab's, so that a reload after an hour of work
    in this tab is not refused as idle; at most once a minute (a database write). False when the
    session was ended meanwhile (signed out in another tab of this browser): this tab signs out too."""
    from tracker import sessions

    held = st.session_state.get("web_session")
    web = web_sessions()
    if held is None or web is None or now - held[1] < sessions.TOUCH_EVERY_SECONDS:
        return True
    st.session_state["web_session"] = (held[0], now)
    return _web_call(lambda: web.touch(held[0], now=now), "touch") is not False


def _end_web_session() -> None:
    held = st.session_state.pop("web_session", None)
    web = web_sessions()
    if held is not None and web is not None:
        _web_call(lambda: web.end(held[0]), "end")


def _begin_web_session(user) -> None:
    """After a sign-in in this tab: a session waiting for the browser to bind it (login_box renders the call)."""
    import time

    from tracker.settings import load_settings

    web = web_sessions()
    if web is None:
        return
    began = _web_call(lambda: web.begin(user.username, user.epoch, account=user.uid,
                                        idle_minutes=load_settings().idle_minutes), "begin")
    if began is not None:
        st.session_state["web_session"] = (began[0], time.time())
        st.session_state["web_bind"] = (began[1], time.time())


def _web_browser_calls() -> None:
    """The browser's half: bind the new session's cookie, or clear it after a sign-out."""
    import time

    import streamlit.components.v1 as components

    from tracker import sessions

    if web_sessions() is None:
        return
    bind = st.session_state.get("web_bind")
    if bind is not None:
        if time.time() - bind[1] > sessions.BIND_SECONDS:
            del st.session_state["web_bind"]
        else:
            with st.sidebar:
                components.html(sessions.browser_call(sessions.BIND_PATH, bind[0]), height=0)
    if st.session_state.pop("web_sign_out", False):
        with st.sidebar:
            components.html(sessions.browser_call(sessions.SIGN_OUT_PATH), height=0)


def current_user():
    """The signed-in user read fresh from the users file, or None (anonymous visitors see the viewer
    pages). A removed, disabled or re-passworded account, or a session idle too long, is signed out here.
    A tab with no sign-in of its own takes the one its cookie names (tracker.sessions), re-checked the same way."""
    from tracker.access import resume_session
    from tracker.settings import load_settings

    idle = load_settings().idle_minutes
    session = st.session_state.get("auth")
    if session is None:
        session = _session_from_cookie(idle)
        if session is None:
            return None
        st.session_state["auth"] = session
    user, renewed, code = resume_session(session, users(), idle_minutes=idle)
    if user is None:
        del st.session_state["auth"]
        _end_web_session()
        st.session_state["auth_notice"] = code
        if code == "idle":
            st.session_state["auth_expired"] = session
        audit("session_end", session.username, code)
        return None
    if not _touch_web_session(renewed.last_seen):
        del st.session_state["auth"]
        st.session_state.pop("web_session", None)
        audit("session_end", session.username, "signed_out_elsewhere")
        return None
    st.session_state["auth"] = renewed
    return user


def returning_user():
    """Who was signed out by the idle timeout in this tab and may sign in again to confirm a checked
    upload (the upload page keeps it); None if there is none or the account changed meanwhile."""
    from tracker.access import resume_session

    session = st.session_state.get("auth_expired")
    if session is None or st.session_state.get("auth") is not None:
        return None
    user, _, code = resume_session(session, users(), idle_minutes=0)
    if user is None:
        del st.session_state["auth_expired"]
    return user


def _attempt_sign_in() -> None:
    """The sign-in form's callback: runs before the page, so it can empty the password field."""
    from tracker.access import sign_in, start_session

    from tracker.access import normalise_text

    name = normalise_text(st.session_state.get("login_user") or "").strip()
    secret = st.session_state.get("login_password") or ""
    st.session_state["login_password"] = ""  # a failed attempt must not leave the password typed in
    client, trusted = _client()
    result = sign_in(users(), throttle(), name, secret, client=client, client_trusted=trusted,
                     device=_known_device(name), audit=audit)
    if result.ok:
        st.session_state["auth"] = start_session(result.user)
        _begin_web_session(result.user)
        st.session_state.pop("auth_expired", None)
        st.session_state.pop("login_error", None)
    else:
        st.session_state["login_error"] = result


def _change_password() -> None:
    """The own-password form's callback: the three fields are emptied whatever the outcome."""
    from tracker.access import change_own_password, start_session

    session = st.session_state.get("auth")
    values = [st.session_state.get(k) or "" for k in ("pw_current", "pw_new", "pw_repeat")]
    for k in ("pw_current", "pw_new", "pw_repeat"):
        st.session_state[k] = ""
    if session is None:
        return
    decision, updated = change_own_password(users(), throttle(), session.username, *values, audit=audit)
    if decision.allowed and updated is not None:
        st.session_state["auth"] = start_session(updated)  # this tab goes on with the new epoch
        _end_web_session()                                   # its cookie, like every other, named the old one
        _begin_web_session(updated)
    st.session_state["pw_result"] = decision


def _sign_out() -> None:
    session = st.session_state.pop("auth", None)
    st.session_state.pop("auth_expired", None)
    st.session_state.pop("web_bind", None)
    _end_web_session()
    if web_sessions() is not None:
        st.session_state["web_sign_out"] = True   # the browser drops its cookie (login_box)
    if session is not None:
        audit("sign_out", session.username)


# Databases seen holding a submission. Submissions are never deleted (a withdrawal is a row of its own),
# so one that held data holds it still: asked once per database, not on every page run of an
# installation whose users file is empty or missing (it read every submission each time).
_HOLDS_DATA: set[str] = set()


def _has_data() -> bool:
    """Whether the database holds any submission (an emptied users file must not make a new admin then)."""
    from tracker.settings import load_settings

    database = str(load_settings().database)
    if database in _HOLDS_DATA:
        return True
    try:
        held = bool(store().submissions())
    except Exception:   # an unreadable database: take it that there is data, never make an admin
        return True
    if held:
        _HOLDS_DATA.add(database)
    return held


def login_box(lang: str) -> None:
    """Sign in / out in the sidebar. On a first run with no users, an admin is created and its
    password printed once in the terminal that started the dashboard."""
    from tracker.access import UserError, ensure_admin, signed_out_message, users_file_problem
    from tracker.settings import load_settings

    store_ = users()
    try:
        problem = users_file_problem(store_, has_data=_has_data, lang=lang)
        password = None if problem else ensure_admin(store_)
    except UserError as exc:
        problem = users_file_problem(store_, error=exc, lang=lang)
        password = None
    if problem:   # a damaged or emptied users file: nobody signs in, every page still shows
        st.sidebar.container(border=True).error(problem)
        return
    if password:
        print("=" * 72, flush=True)
        print(f"NQ45 Tracker: tài khoản quản trị đầu tiên / first admin: admin  mật khẩu / password: {password}", flush=True)
        print("=" * 72, flush=True)
    user = current_user()
    _web_browser_calls()
    box = st.sidebar.container(border=True)
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        box.warning(signed_out_message(notice, lang, load_settings().idle_minutes))
    if user:
        box.markdown(t("auth.signed_in", lang, name=plain(user.username), role=t(f"role.{user.role}", lang)))
        if user.units:
            box.caption(", ".join(catalogue().name(u, lang) for u in user.units if u in catalogue().jurisdictions))
        box.button(t("auth.sign_out", lang), key="sign_out", on_click=_sign_out)
        with box.expander(t("auth.change_password", lang)):
            with st.form("own_password", border=False):
                st.text_input(t("auth.current_password", lang), type="password", key="pw_current")
                st.text_input(t("auth.new_password", lang), type="password", key="pw_new")
                st.text_input(t("auth.repeat_password", lang), type="password", key="pw_repeat")
                st.form_submit_button(t("auth.change_password", lang), on_click=_change_password)
            result = st.session_state.pop("pw_result", None)
            if result is not None:
                (st.success if result.allowed else st.error)(result.message(lang))
        return
    with box.form("login", clear_on_submit=False, border=False):
        st.markdown(t("auth.title", lang))
        st.text_input(t("auth.user", lang), key="login_user")
        st.text_input(t("auth.password", lang), type="password", key="login_password")
        st.form_submit_button(t("auth.sign_in", lang), on_click=_attempt_sign_in)
    failure = st.session_state.pop("login_error", None)
    if failure is not None:
        box.error(failure.message(lang))


# --- presentation view and briefing material ---------------------------------------------------

def presentation_mode(lang: str) -> bool:
    """Hide the sidebar and Streamlit's chrome and enlarge charts, for projecting or screenshots."""
    on = st.query_params.get("present") == "1"
    if not on:
        if st.sidebar.toggle(t("app.presentation", lang), value=False, key="present_toggle"):
            st.query_params["present"] = "1"
            st.rerun()
        return False
    # A chart fills the screen below its title and status line, never more: the page is one column of
    # the window's height, the chart's box (ui.chart(present=True)) takes what the exit button, the
    # steps, the title, the subtitle and the caption leave, and Plotly lays the figure out in it. So the
    # x axis with its years, every bar's base and the caption stay inside the window, whatever its size.
    st.markdown(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
        [data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
        .block-container {padding-top: 0.6rem !important; max-width: 100% !important;
          padding-bottom: 1rem !important;   /* the last caption's paragraph margin (1rem) runs past its box */
          height: 100vh; box-sizing: border-box;}
        .block-container > [data-testid="stVerticalBlock"] {height: 100%;}
        .block-container > [data-testid="stVerticalBlock"] > * {flex-shrink: 0 !important;}   /* the chart gives way, not the caption */
        /* Elements that only carry a style or a script take no room (each would cost a gap). */
        .block-container > [data-testid="stVerticalBlock"] > .stElementContainer:not(:has(p, h1, h2, h3, button, li, img,
          .nq-subtitle, .stAlert, .js-plotly-plot)) {display: none;}
        .st-key-present_exit button, .st-key-nq_present_nav button {min-height: 2rem; padding: 0.1rem 0.6rem;}
        .block-container [data-testid="stLayoutWrapper"]:has(> [class*="st-key-nq_present_chart_"]) {flex: 1 1 0 !important; min-height: 240px;}
        [class*="st-key-nq_present_chart_"] {height: 100% !important;}
        [class*="st-key-nq_present_chart_"] > .stElementContainer,
        [class*="st-key-nq_present_chart_"] [data-testid="stFullScreenFrame"],
        [class*="st-key-nq_present_chart_"] .stPlotlyChart {height: 100% !important;}
        h1 {font-size: 2.2rem !important;}
        </style>""",
        unsafe_allow_html=True,
    )
    if st.button("✕ " + t("app.presentation_exit", lang), key="present_exit", type="tertiary"):
        del st.query_params["present"]
        st.rerun()
    return True


def presenting() -> bool:
    return st.query_params.get("present") == "1"


def present_step(count: int, lang: str, key: str, demo: bool = False) -> int:
    """Which of ``count`` charts presentation mode shows now (0-based), with buttons to step and the
    arrow keys (Streamlit's button shortcuts) doing the same."""
    state = f"nq_present_{key}"
    k = min(max(0, st.session_state.get(state, 0)), max(0, count - 1))

    def move(step: int) -> None:
        st.session_state[state] = min(max(0, k + step), max(0, count - 1))

    nav = st.container(key="nq_present_nav", horizontal=True, vertical_alignment="center")
    nav.button("← " + t("present.prev", lang), key=f"{state}_prev", on_click=move, args=(-1,), disabled=k == 0,
               shortcut="Left")
    nav.markdown(f"**{t('present.position', lang, k=k + 1, n=count)}**")
    nav.button(t("present.next", lang) + " →", key=f"{state}_next", on_click=move, args=(1,),
               disabled=k >= count - 1, shortcut="Right")
    nav.caption(t("present.keys", lang))
    if demo:   # the banner is left out to give the chart the screen; the mark is not
        nav.markdown(f"<span style='color:#c92a2a;font-weight:700'>{plain_html(t('present.demo', lang))}</span>",
                     unsafe_allow_html=True)
    st.session_state[state] = k
    return k


def briefing_buttons(unit: str, snap, lang: str) -> None:
    """Offer the unit's briefing deck and its charts as PNGs (server-side), or say why not."""
    from tracker.present.briefing.charts import unit_pngs_zip
    from tracker.present.briefing.deck import build_deck
    from tracker.present.briefing.pdf import BriefUnavailable, brief_filename, build_brief
    from tracker.present.briefing.png import png_export_available

    with st.expander(t("unit.briefing", lang), expanded=False, icon=":material/slideshow:"):
        ok, why = png_export_available()
        if not ok:
            st.warning(why if lang != "en" else why)
            st.caption(t("unit.png_browser", lang))
        deck_col, pdf_col = st.columns(2)
        if deck_col.button(t("unit.make_deck", lang), key="make_deck", icon=":material/slideshow:"):
            with deck_col, st.spinner(t("unit.making_deck", lang)):
                st.session_state[f"deck_{unit}"] = build_deck(catalogue(), snap, unit, lang=lang)
        deck = st.session_state.get(f"deck_{unit}")
        if deck:
            deck_col.download_button(t("unit.deck", lang), deck, file_name=f"nq45_{unit}_{snap.latest_period}.pptx",
                                     mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                                     key="deck_download")
        # The A4 brief beside the deck (tracker.present.briefing.pdf): made on the server, its text searchable.
        if pdf_col.button(t("brief.make", lang), key="make_pdf", icon=":material/picture_as_pdf:"):
            with pdf_col, st.spinner(t("brief.making", lang)):
                try:
                    st.session_state[f"pdf_{unit}"] = build_brief(catalogue(), snap, unit, lang=lang)
                except BriefUnavailable as exc:
                    pdf_col.error(t("brief.failed", lang, why=exc.message(lang)))
        pdf = st.session_state.get(f"pdf_{unit}")
        if pdf:
            pdf_col.download_button(t("brief.download", lang), pdf, file_name=brief_filename(unit, snap.latest_period),
                                    mime="application/pdf", key="pdf_download", icon=":material/download:")
        if ok and st.button(t("unit.make_pngs", lang), key="make_pngs"):
            with st.spinner(t("unit.making_pngs", lang)):
                st.session_state[f"pngs_{unit}"] = unit_pngs_zip(catalogue(), snap, unit, lang=lang)
        pngs = st.session_state.get(f"pngs_{unit}")
        if pngs:
            st.download_button(t("unit.png", lang), pngs, file_name=f"nq45_{unit}_{snap.latest_period}_png.zip",
                               mime="application/zip", key="png_download")
