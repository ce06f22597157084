"""Bắt đầu sử dụng thật: an admin ends the demo in one step, after reading what goes."""

import streamlit as st

from tracker.web import auth, state
from tracker.reporting.golive import done_message, golive_plan
from tracker.storage import StoreError

lang = state.lang()
cat = state.catalogue()
user = auth.current_user()
title = "Go live (remove the demo data)" if lang == "en" else "Bắt đầu sử dụng thật (xóa dữ liệu minh họa)"
st.title(title)
if user is None or user.role != "admin":
    st.error("Only an administrator can do this." if lang == "en" else "Chỉ quản trị viên mới làm được việc này.")
    st.stop()
store = state.store()
if "golive_done" in st.session_state:
    st.success(st.session_state.pop("golive_done"))
plan = golive_plan(store)
st.write(plan.describe(lambda u: cat.name(u, lang) if u in cat.jurisdictions else u, lang))
if plan.nothing_to_do:
    st.stop()
sure = st.checkbox("I have read what goes and want to go live." if lang == "en" else
                   "Tôi đã đọc những gì sẽ bị rút và muốn bắt đầu sử dụng thật.", key="golive_sure")
if st.button(title, type="primary", disabled=not sure, key="golive_confirm"):
    try:
        ids = store.golive(user=user.username)
    except StoreError as exc:
        st.error(exc.message(lang))
        st.stop()
    st.session_state["golive_done"] = done_message(len(ids), lang)
    st.rerun()
