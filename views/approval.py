"""Duyệt số liệu: each submission awaiting approval, its preview (stored vs new) and its report's
warnings; Duyệt / Trả lại (with a reason the uploader sees). The rules are tracker.reporting.approval's."""

import pandas as pd
import streamlit as st

from tracker.reporting import approval
from tracker.web import auth, state, widgets
from tracker.ingest.preview import counts, preview, preview_rows
from tracker.core.i18n import fmt_date, t
from tracker.core.periods import parse_period
from tracker.core.report import sentences
from tracker.core.settings import load_settings

lang = state.lang()
cat = state.catalogue()
settings = load_settings()
user = auth.current_user()
st.title(t("page.approval", lang))
if user is None or user.role not in approval.APPROVER_ROLES:
    st.error(t("ap.not_allowed", lang))
    st.stop()
store = state.store()
admins = approval.admin_count(state.users().list_users())
st.caption(t("ap.intro", lang))
if not settings.approval:
    st.info(t("ap.setting_off", lang))
done = st.session_state.pop("ap_done", None)
if done:   # the last decision, said once after the page is drawn again without that submission
    st.success(done)
pending = approval.pending_for(user, store)
if not pending:
    st.info(t("ap.empty", lang))
    st.stop()


def _name(unit: str) -> str:
    return cat.name(unit, lang) if unit in cat.jurisdictions else unit


def _period(code: str) -> str:
    return parse_period(code).label(lang) if code not in (None, "*") else t("hist.several", lang)


for sub in pending:
    form = approval.submitted_form(store, sub)
    units = sorted({o.unit for o in form.observations} | {m.unit for m in form.milestones}) or [sub.unit]
    with st.container(border=True, key=f"ap_sub_{sub.id}"):
        st.subheader(t("ap.heading", lang, id=sub.id, unit=", ".join(_name(u) for u in units), period=_period(sub.period)))
        agency = t("ap.agency", lang, agency=widgets.plain(sub.agency)) if sub.agency else t("ap.whole_unit", lang)
        st.markdown(t("ap.meta", lang, by=widgets.plain(sub.uploaded_by), at=fmt_date(sub.uploaded_at, lang),
                      file=widgets.plain(sub.file_name), agency=agency))
        changes = preview(form, store.current_observations(units=units), store.current_milestones(units=units))
        n = counts(changes)
        st.markdown(f"**{t('ap.preview', lang)}**")
        for col, key in zip(st.columns(4), ("new", "changed", "unchanged", "milestone")):
            col.metric(t(f"up.count.{key}", lang), n[key])
        st.dataframe(pd.DataFrame(preview_rows(changes, cat, lang)), hide_index=True, width="stretch")
        warned = [s for s in sentences(form.report, lang, lambda i: cat.indicator(i).name.get(lang)
                                       if cat.has_indicator(i) else None) if s.severity == "warning"]
        if warned:
            st.markdown(t("ap.warnings", lang, n=len(warned)))
            for said in warned:
                st.warning(said.text)
        else:
            st.caption(t("ap.no_warnings", lang))
        allowed = approval.may_decide(user, sub, admins=admins, units=units)
        if not allowed.allowed:   # the four-eyes rule (or another unit's figures), said where the buttons would be
            st.warning(allowed.message(lang))
            continue
        if allowed.code == "sole_admin_own":
            st.info(allowed.message(lang))
        reason = st.text_input(t("ap.reason", lang), key=f"ap_reason_{sub.id}").strip()
        b1, b2, _ = st.columns([1, 1, 4])
        approve = b1.button(t("ap.approve", lang), type="primary", key=f"ap_approve_{sub.id}")
        give_back = b2.button(t("ap.return", lang), key=f"ap_return_{sub.id}")
        if give_back and not reason:
            st.error(t("ap.reason_required", lang))
        elif approve or give_back:
            outcome = approval.decide(store, user, sub.id, "approved" if approve else "returned", admins=admins,
                                      reason=reason or None)
            # The message carries the reason typed here: shown as text, never read as Markdown.
            if outcome.ok:
                st.session_state["ap_done"] = widgets.plain(outcome.message(lang))
                st.rerun()
            st.error(widgets.plain(outcome.message(lang)))
