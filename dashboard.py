"""NQ45 Tracker — entry point: `streamlit run dashboard.py`."""

import streamlit as st

from tracker import ui
from tracker.i18n import t

st.set_page_config(page_title="NQ45 Tracker", page_icon="📊", layout="wide")

lang = ui.language_switch()

pages = [
    st.Page("pages/catalogue.py", title=t("page.catalogue", lang), icon="📚", url_path="danh-muc"),
]
nav = st.navigation(pages)
st.sidebar.caption(t("app.title", lang))
nav.run()
