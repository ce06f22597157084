"""Phương pháp: how statuses and projections are computed, in plain words."""

import streamlit as st

from tracker.web import state
from tracker.core.i18n import long_text, t

lang = state.lang()
st.title(t("page.method", lang))
st.markdown(long_text("method", lang))
