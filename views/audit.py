"""Nhật ký kiểm tra: the audit log for administrators, with filters (who, what, unit, dates). The
filtering is tracker.accounts.audit's (a pure function over entries); this page collects the choices."""

import streamlit as st

from tracker.web import auth, state, widgets
from tracker.accounts.permissions import can_manage_users
from tracker.accounts.audit import AuditFilter, EVENT_KINDS, audit_rows, filter_entries, kind_label
from tracker.core.i18n import fmt_number, t

# The newest entries the page filters over; the command line (`python -m tracker audit --limit N`) reads further.
LATEST = 5000

lang = state.lang()
user = auth.current_user()
st.title(t("page.audit", lang))
if not can_manage_users(user).allowed:
    st.warning(t("aud.admin_only", lang))
    st.stop()
st.caption(t("aud.intro", lang))

cat = state.catalogue()
store = state.store()
entries = store.audit_log(limit=LATEST)
units = [u for u in cat.jurisdictions if cat.indicators_for(u)]
people = sorted({e.username for e in entries})

c1, c2, c3 = st.columns(3)
who = c1.selectbox(t("aud.who", lang), [""] + people, format_func=lambda n: n or t("aud.anyone", lang), key="aud_who")
kinds = c2.multiselect(t("aud.kinds", lang), list(EVENT_KINDS), format_func=lambda k: kind_label(k, lang), key="aud_kinds")
unit = c3.selectbox(t("aud.unit", lang), [""] + units, key="aud_unit",
                    format_func=lambda u: cat.name(u, lang) if u else t("aud.any_unit", lang))
d1, d2, _ = st.columns(3)
date_from = d1.date_input(t("aud.from", lang), value=None, format="DD/MM/YYYY", key="aud_from")
date_to = d2.date_input(t("aud.to", lang), value=None, format="DD/MM/YYYY", key="aud_to")

wanted = AuditFilter(who=who, kinds=tuple(kinds), unit=unit, date_from=date_from, date_to=date_to)
problem = wanted.problem(lang)
if problem:
    st.error(problem)
    st.stop()
# Withdrawals, approvals and returns name a submission "#N", not its unit.
submission_units = {s.id: s.unit for s in store.submissions()} if unit else None
kept = filter_entries(entries, wanted, submission_units)
st.caption(t("aud.count", lang, n=fmt_number(len(kept), lang), total=fmt_number(len(entries), lang)))
if kept:
    widgets.table(audit_rows(kept, lang), lang, key="aud_table")
else:
    st.info(t("aud.empty", lang))
