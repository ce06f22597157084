"""Lịch sử: every submission, its original file, the revisions of one value, and withdrawal.
The rows and the withdrawal are tracker.web.history."""

import streamlit as st

from tracker.reporting import approval
from tracker.accounts.permissions import can_download_original, can_see_names, can_withdraw
from tracker.core.i18n import fmt_date, t
from tracker.core.periods import today
from tracker.core.settings import load_settings
from tracker.web import auth, state, widgets
from tracker.web import history as parts

lang = state.lang()
cat = state.catalogue()
settings = load_settings()
user = auth.current_user()
store = state.store()
# Anonymous visitors see units, periods, times and counts; names, file names and reasons need a sign-in.
names = can_see_names(user)
st.title(t("page.history", lang))

with_targets = [u for u in cat.jurisdictions if cat.indicators_for(u)]
units = auth.visible_units(with_targets)
unit = st.selectbox(t("hist.unit", lang), [None] + units, format_func=lambda u: t("hist.all", lang) if u is None else cat.name(u, lang),
                    key="hist_unit")
subs = store.submissions(unit=unit)
if unit is None and len(units) < len(with_targets):
    subs = [s for s in subs if s.unit in units]   # a viewer tied to units on an internal installation
if not subs:
    st.info(t("hist.empty", lang))
    st.stop()

table = parts.submission_rows(subs, cat, lang, names)
widgets.table(table, lang, key="hist_table")
widgets.downloads(table, "lich-su-nop", lang, key="history")

st.subheader(t("hist.one", lang))
chosen = st.selectbox(t("hist.pick", lang), [s.id for s in subs], key="hist_pick",
                      format_func=lambda i: next(parts.pick_label(s, cat, lang, names) for s in subs if s.id == i))
sub = store.submission(chosen)
path = store.archived_file(chosen)
if path and path.exists() and can_download_original(user, sub.unit).allowed:
    st.download_button(t("hist.download", lang), path.read_bytes(), file_name=sub.file_name, key="orig_download")
if names and getattr(sub, "override_reason", None):   # st.text: staff text, never read as Markdown
    st.text(t("hist.override", lang, reason=sub.override_reason))
if sub.status == "withdrawn" and not names:
    st.caption(t("hist.withdrawn_at", lang, at=fmt_date(sub.withdrawn_at, lang)))
elif sub.status == "withdrawn":
    # st.text: the reason is staff text, shown as typed, never read as Markdown or HTML.
    st.text(t("hist.was_withdrawn", lang, by=sub.withdrawn_by, at=fmt_date(sub.withdrawn_at, lang), reason=sub.withdraw_reason))
elif user is None:
    st.caption(t("hist.sign_in_to_withdraw", lang))
else:
    decision = can_withdraw(user, sub.unit, sub.period, sub.uploaded_by, today(), settings.lock_days,
                            settings.reporting_calendar)
    if not decision.allowed:
        st.text(decision.message_en if lang == "en" else decision.message_vi)
    else:
        parts.withdrawal(sub, chosen, user, store, cat, lang)

st.subheader(t("hist.value", lang))
ids = [i.id for i in cat.indicators if not i.is_milestone]
c1, c2 = st.columns(2)
ind_id = c1.selectbox(t("hist.indicator", lang), ids, key="hist_ind", format_func=lambda i: (
    f"{cat.indicator(i).name.get(lang)} ({parts.unit_name(cat, cat.indicator(i).jurisdiction, lang)})"))
rows = parts.visible_revisions(store.value_history(ind_id, unit), units, lambda u: approval.sees_pending(user, u))
if rows.empty:
    st.info(t("hist.no_values", lang))
else:
    view = parts.revision_rows(rows.to_dict("records"), cat.indicator(ind_id), cat, lang, names)
    widgets.table(view, lang, key="hist_values")
    widgets.downloads(view, f"lich-su_{ind_id}", lang, key="history_values")

# The audit log: administrators only (sign-ins, uploads, withdrawals, account changes, lock overrides).
if user is not None and user.role == "admin":
    st.subheader(t("hist.audit", lang))
    entries = store.audit_log(limit=200)
    if not entries:
        st.info(t("hist.audit_empty", lang))
    else:
        st.dataframe(parts.audit_rows(entries, lang), hide_index=True, width="stretch", key="hist_audit")
