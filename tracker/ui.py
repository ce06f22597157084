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
