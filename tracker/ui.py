"""The thin Streamlit layer shared by the pages: language, the store connection, banners.

The only tracker module that imports Streamlit; pages call these and the pure package.
"""

from __future__ import annotations

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


# --- data: one shared store, results cached per database change --------------------------------

@st.cache_resource(show_spinner=False)
def _open_store(path: str, archive: str):
    from tracker.store import Store

    return Store(path, archive)


def store():
    """The one shared Store of this server process (sessions use cursors of its connection)."""
    from tracker.settings import load_settings

    settings = load_settings()
    return _open_store(str(settings.db_path), str(settings.archive_dir))


class _LatestSnapshot:
    """The last snapshot made in this server process, shared by every session."""

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.snapshot = None


# cache_resource, not cache_data keyed on the database's last change: a snapshot holds tens of
# thousands of assessments, which cache_data would pickle on every view, and the previous one is
# what lets a change be applied to the units it touched only (tracker.snapshot).
@st.cache_resource(show_spinner=False)
def _latest() -> _LatestSnapshot:
    return _LatestSnapshot()


def snapshot():
    """Statuses of every target, brought up to date with the database on each page run."""
    import os

    from tracker.catalogue import DEFAULT_PATH
    from tracker.periods import today
    from tracker.snapshot import build_snapshot

    s = store()
    cat_path = os.environ.get("TRACKER_CATALOGUE") or str(DEFAULT_PATH)
    key = (cat_path, os.path.getmtime(cat_path), id(s))
    latest = _latest()
    # One session computes; the others wait for its result instead of computing it again.
    with latest.lock:
        previous = latest.snapshot if latest.key == key else None
        snap = build_snapshot(s, load_catalogue(), today(), previous)
        latest.key, latest.snapshot = key, snap
    return snap


def demo_banner(snap, lang: str) -> None:
    if snap.demo:
        st.warning(t("app.demo_banner", lang), icon=":material/science:")


def empty_state(lang: str) -> None:
    """What to do when nothing has been reported yet."""
    st.info(t("app.empty", lang))
    user = current_user()
    if user is not None and user.role in ("uploader", "admin"):
        st.page_link("views/upload.py", label=t("page.upload", lang), icon=":material/upload_file:")
    else:
        st.caption(t("app.empty_sign_in", lang))


def chart(fig, file_name: str, key: str | None = None) -> None:
    """A figure on screen, its camera button saving a slide-sized PNG with a meaningful name."""
    st.plotly_chart(fig, width="stretch", key=key, config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_name, "width": 1600, "height": 900, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    })


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

    import pandas as pd

    from tracker.downloads import text_widths

    config = {name: st.column_config.TextColumn(width=width) for name, width in text_widths(rows).items()}
    for name in {k for r in rows for k, v in r.items() if isinstance(v, dt.date)}:
        is_time = any(isinstance(r.get(name), dt.datetime) for r in rows)
        config[name] = (st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm") if is_time
                        else st.column_config.DateColumn(format="DD/MM/YYYY"))
    st.dataframe(pd.DataFrame(screen_rows(rows, lang)), hide_index=True, width="stretch", column_config=config,
                 key=key, height=height)


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

def users():
    from tracker.access import UserStore
    from tracker.settings import load_settings

    return UserStore(load_settings().users_file)


def current_user():
    """The signed-in user, or None (anonymous visitors see the viewer pages)."""
    return st.session_state.get("user")


def login_box(lang: str) -> None:
    """Sign in / out in the sidebar. On a first run with no users, an admin is created and its
    password printed once in the terminal that started the dashboard."""
    from tracker.access import ensure_admin

    store_ = users()
    password = ensure_admin(store_)
    if password:
        print("=" * 72, flush=True)
        print(f"NQ45 Tracker: tài khoản quản trị đầu tiên / first admin: admin  mật khẩu / password: {password}", flush=True)
        print("=" * 72, flush=True)
    user = current_user()
    box = st.sidebar.container(border=True)
    if user:
        box.markdown(t("auth.signed_in", lang, name=plain(user.username), role=t(f"role.{user.role}", lang)))
        if user.units:
            box.caption(", ".join(catalogue().name(u, lang) for u in user.units if u in catalogue().jurisdictions))
        if box.button(t("auth.sign_out", lang), key="sign_out"):
            del st.session_state["user"]
            st.rerun()
        return
    with box.form("login", clear_on_submit=False, border=False):
        st.markdown(t("auth.title", lang))
        name = st.text_input(t("auth.user", lang), key="login_user")
        secret = st.text_input(t("auth.password", lang), type="password", key="login_password")
        if st.form_submit_button(t("auth.sign_in", lang)):
            found = store_.authenticate(name.strip(), secret)
            if found:
                st.session_state["user"] = found
                st.rerun()
            else:
                st.error(t("auth.failed", lang))


# --- presentation view and briefing material ---------------------------------------------------

def presentation_mode(lang: str) -> bool:
    """Hide the sidebar and Streamlit's chrome and enlarge charts, for projecting or screenshots."""
    on = st.query_params.get("present") == "1"
    if not on:
        if st.sidebar.toggle(t("app.presentation", lang), value=False, key="present_toggle"):
            st.query_params["present"] = "1"
            st.rerun()
        return False
    st.markdown(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
        [data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
        .block-container {padding-top: 1rem !important; max-width: 100% !important;}
        .stPlotlyChart {min-height: 78vh;}
        h1 {font-size: 2.6rem !important;}
        </style>""",
        unsafe_allow_html=True,
    )
    if st.button("✕ " + t("app.presentation_exit", lang), key="present_exit"):
        del st.query_params["present"]
        st.rerun()
    return True


def briefing_buttons(unit: str, snap, lang: str) -> None:
    """Offer the unit's briefing deck and its charts as PNGs (server-side), or say why not."""
    from tracker import briefing

    with st.expander(t("unit.briefing", lang), expanded=False, icon=":material/slideshow:"):
        ok, why = briefing.png_export_available()
        if not ok:
            st.warning(why if lang != "en" else why)
            st.caption(t("unit.png_browser", lang))
        if st.button(t("unit.make_deck", lang), key="make_deck"):
            with st.spinner(t("unit.making_deck", lang)):
                st.session_state[f"deck_{unit}"] = briefing.build_deck(catalogue(), snap, unit, lang=lang)
        deck = st.session_state.get(f"deck_{unit}")
        if deck:
            st.download_button(t("unit.deck", lang), deck, file_name=f"nq45_{unit}_{snap.latest_period}.pptx",
                               mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                               key="deck_download")
        if ok and st.button(t("unit.make_pngs", lang), key="make_pngs"):
            with st.spinner(t("unit.making_pngs", lang)):
                st.session_state[f"pngs_{unit}"] = briefing.unit_pngs_zip(catalogue(), snap, unit, lang=lang)
        pngs = st.session_state.get(f"pngs_{unit}")
        if pngs:
            st.download_button(t("unit.png", lang), pngs, file_name=f"nq45_{unit}_{snap.latest_period}_png.zip",
                               mime="application/zip", key="png_download")
