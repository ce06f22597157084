"""Presentation mode: the sidebar and Streamlit's chrome hidden, one chart per screen, stepped with
buttons and the arrow keys (for projecting or screenshots)."""

from __future__ import annotations

import streamlit as st

from tracker.core.i18n import t
from tracker.web.widgets import plain_html


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
