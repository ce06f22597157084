"""Lịch sử: every submission, its original file, the revisions of one value, and withdrawal."""

import pandas as pd
import streamlit as st

from tracker import ui
from tracker.access import can_withdraw
from tracker.i18n import fmt_date, fmt_number, t
from tracker.periods import parse_period, today
from tracker.settings import load_settings

lang = ui.lang()
cat = ui.catalogue()
settings = load_settings()
user = ui.current_user()
store = ui.store()
st.title(t("page.history", lang))

units = [u for u in cat.jurisdictions if cat.indicators_for(u)]
unit = st.selectbox(t("hist.unit", lang), [None] + units, format_func=lambda u: t("hist.all", lang) if u is None else cat.name(u, lang),
                    key="hist_unit")
subs = store.submissions(unit=unit)
if not subs:
    st.info(t("hist.empty", lang))
    st.stop()

status_words = {"accepted": t("hist.accepted", lang), "withdrawn": t("hist.withdrawn", lang)}
table = [{
    "#": s.id, t("hist.col.unit", lang): cat.name(s.unit, lang) if s.unit in cat.jurisdictions else s.unit,
    t("hist.col.period", lang): parse_period(s.period).label(lang) if s.period not in (None, "*") else s.period,
    t("hist.col.by", lang): s.uploaded_by, t("hist.col.at", lang): fmt_date(s.uploaded_at, lang),
    t("hist.col.file", lang): s.file_name, t("hist.col.values", lang): s.observation_count,
    t("hist.col.tasks", lang): s.milestone_count, t("hist.col.status", lang): status_words.get(s.status, s.status)
    + (" · " + t("app.demo_tag", lang) if s.is_demo else ""),
    t("hist.col.reason", lang): (f"{s.withdrawn_by}: {s.withdraw_reason}" if s.withdrawn_by else ""),
} for s in subs]
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
ui.downloads(table, "lich-su-nop", lang, key="history")

st.subheader(t("hist.one", lang))
chosen = st.selectbox(t("hist.pick", lang), [s.id for s in subs], key="hist_pick",
                      format_func=lambda i: next(f"#{s.id} · {s.file_name} · {s.uploaded_by}" for s in subs if s.id == i))
sub = store.submission(chosen)
path = store.archived_file(chosen)
if path and path.exists():
    st.download_button(t("hist.download", lang), path.read_bytes(), file_name=sub.file_name, key="orig_download")
if sub.status == "withdrawn":
    st.caption(t("hist.was_withdrawn", lang, by=sub.withdrawn_by, at=fmt_date(sub.withdrawn_at, lang), reason=sub.withdraw_reason))
elif user is None:
    st.caption(t("hist.sign_in_to_withdraw", lang))
else:
    decision = can_withdraw(user, sub.unit, sub.period, sub.uploaded_by, today(), settings.lock_days)
    if not decision.allowed:
        st.caption(decision.message_en if lang == "en" else decision.message_vi)
    else:
        with st.form("withdraw"):
            reason = st.text_input(t("hist.reason", lang), key="withdraw_reason")
            if st.form_submit_button(t("hist.withdraw", lang)):
                if not reason.strip():
                    st.error(t("hist.reason_needed", lang))
                else:
                    store.withdraw(chosen, user=user.username, reason=reason.strip())
                    st.success(t("hist.done", lang, id=chosen))
                    st.rerun()

st.subheader(t("hist.value", lang))
ids = [i.id for i in cat.indicators if not i.is_milestone]
c1, c2 = st.columns(2)
ind_id = c1.selectbox(t("hist.indicator", lang), ids, format_func=lambda i: cat.indicator(i).name.get(lang) + f" ({cat.indicator(i).jurisdiction})",
                      key="hist_ind")
rows = store.value_history(ind_id, unit)
if rows.empty:
    st.info(t("hist.no_values", lang))
else:
    ind = cat.indicator(ind_id)
    view = pd.DataFrame({
        t("hist.col.period", lang): [parse_period(p).label(lang) for p in rows["period"]],
        t("hist.col.unit", lang): rows["unit"] if "unit" in rows else "",
        t("hist.col.sector", lang): rows["sector"],
        t("hist.col.value", lang): [fmt_number(v, lang) for v in rows["value"]],
        "#": rows["submission_id"],
        t("hist.col.by", lang): rows["uploaded_by"],
        t("hist.col.at", lang): [fmt_date(x.to_pydatetime() if hasattr(x, "to_pydatetime") else x, lang) for x in rows["recorded_at"]],
        t("hist.col.file", lang): rows["file_name"],
        t("hist.col.status", lang): [t("hist.withdrawn", lang) if w else t("hist.accepted", lang) for w in rows["withdrawn"]],
    })
    st.dataframe(view, hide_index=True, width="stretch")
