"""Lịch sử: every submission, its original file, the revisions of one value, and withdrawal."""

import streamlit as st

from tracker import approval
from tracker.web import auth, state, widgets
from tracker.access import can_download_original, can_see_names, can_withdraw
from tracker.catalogue import UNITS
from tracker.changes import withdrawal_effect, withdrawal_statement
from tracker.downloads import value_status_cell, value_status_header
from tracker.i18n import fmt_date, t
from tracker.periods import parse_period, today
from tracker.settings import load_settings
from tracker.store import StoreError

lang = state.lang()
cat = state.catalogue()
settings = load_settings()
user = auth.current_user()
store = state.store()
# Anonymous visitors see units, periods, times and counts; names, file names and reasons need a sign-in.
names = can_see_names(user)
PRIVATE = {t("hist.col.by", lang), t("hist.col.file", lang), t("hist.col.withdrawn_by", lang), t("hist.col.reason", lang)}
st.title(t("page.history", lang))


def unit_name(code) -> str:
    """A unit's name, never its code ("Lâm Đồng", not "lam-dong")."""
    if code in cat.jurisdictions:
        return cat.name(code, lang)
    return t("hist.several", lang) if code in (None, "*") else str(code)


def period_label(code) -> str:
    try:
        return parse_period(str(code)).label(lang)
    except Exception:   # a bulk form ("*") or a code an older version stored
        return t("hist.several", lang) if code in (None, "*") else str(code)


units = auth.visible_units([u for u in cat.jurisdictions if cat.indicators_for(u)])
unit = st.selectbox(t("hist.unit", lang), [None] + units, format_func=lambda u: t("hist.all", lang) if u is None else cat.name(u, lang),
                    key="hist_unit")
subs = store.submissions(unit=unit)
if unit is None and len(units) < len([u for u in cat.jurisdictions if cat.indicators_for(u)]):
    subs = [s for s in subs if s.unit in units]   # a viewer tied to units on an internal installation
if not subs:
    st.info(t("hist.empty", lang))
    st.stop()

status_words = {"accepted": t("hist.accepted", lang), "withdrawn": t("hist.withdrawn", lang)}
# Withdrawn ones first: they are what a reader of this page is looking for.
table = [{
    "#": s.id, t("hist.col.unit", lang): unit_name(s.unit), t("hist.col.period", lang): period_label(s.period),
    t("hist.col.by", lang): s.uploaded_by, t("hist.col.at", lang): s.uploaded_at,
    t("hist.col.file", lang): s.file_name, t("hist.col.values", lang): s.observation_count,
    t("hist.col.tasks", lang): s.milestone_count, t("hist.col.status", lang): status_words.get(s.status, s.status)
    + (" · " + t(f"hist.approval.{s.approval}", lang) + (f": {s.decision_reason}" if names and s.decision_reason else "")
       if (s.approval or "approved") != "approved" else "")
    + (" · " + t("app.demo_tag", lang) if s.is_demo else ""),
    t("hist.col.withdrawn_by", lang): s.withdrawn_by or "", t("hist.col.withdrawn_at", lang): s.withdrawn_at,
    t("hist.col.reason", lang): s.withdraw_reason or "",
} for s in sorted(subs, key=lambda s: (s.status != "withdrawn", -s.id))]
if not names:
    table = [{k: v for k, v in row.items() if k not in PRIVATE} for row in table]
widgets.table(table, lang, key="hist_table")
widgets.downloads(table, "lich-su-nop", lang, key="history")

st.subheader(t("hist.one", lang))
chosen = st.selectbox(t("hist.pick", lang), [s.id for s in subs], key="hist_pick",
                      format_func=lambda i: next(f"#{s.id} · {s.file_name} · {s.uploaded_by}" if names
                                                 else f"#{s.id} · {unit_name(s.unit)} · {period_label(s.period)}"
                                                 for s in subs if s.id == i))
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
        asked = st.session_state.get("withdraw_pending")
        if asked and asked[0] == chosen:
            # Asked once more, with what the withdrawal does: which values stop being current, and what instead.
            effects = withdrawal_effect(store.current_observations(units=None if sub.unit in (None, "*") else [sub.unit]),
                                        store.value_history, chosen)
            said, rows = withdrawal_statement(effects, chosen, cat, lang)
            st.warning(said)
            if rows:
                st.dataframe(rows, hide_index=True, width="stretch", key="withdraw_effect")
            st.text(t("hist.withdraw_ask", lang, reason=asked[1]))
            b1, b2, _ = st.columns([2, 1, 3])
            if b1.button(t("hist.withdraw_confirm", lang, id=chosen), type="primary", key="withdraw_confirm"):
                try:
                    store.withdraw(chosen, user=user.username, reason=asked[1])
                except StoreError as exc:
                    st.error(t("hist.not_withdrawn", lang, why=exc.message(lang)))
                else:
                    del st.session_state["withdraw_pending"]
                    st.success(t("hist.done", lang, id=chosen))
                    st.rerun()
            if b2.button(t("hist.withdraw_keep", lang), key="withdraw_keep"):
                del st.session_state["withdraw_pending"]
                st.rerun()
        else:
            with st.form("withdraw"):
                reason = st.text_input(t("hist.reason", lang), key="withdraw_reason")
                if st.form_submit_button(t("hist.withdraw", lang)):
                    if not reason.strip():
                        st.error(t("hist.reason_needed", lang))
                    else:
                        st.session_state["withdraw_pending"] = (chosen, reason.strip())
                        st.rerun()

st.subheader(t("hist.value", lang))
ids = [i.id for i in cat.indicators if not i.is_milestone]
c1, c2 = st.columns(2)
ind_id = c1.selectbox(t("hist.indicator", lang), ids,
                      format_func=lambda i: f"{cat.indicator(i).name.get(lang)} ({unit_name(cat.indicator(i).jurisdiction)})",
                      key="hist_ind")
rows = store.value_history(ind_id, unit)
if not rows.empty:
    # Only approved figures for leaders and the public; pending and returned ones for whom may see them.
    rows = rows[rows["unit"].isin(units) & ((rows["approval"].fillna("approved") == "approved")
                                            | rows["unit"].map(lambda u: approval.sees_pending(user, u)))]
if rows.empty:
    st.info(t("hist.no_values", lang))
else:
    ind = cat.indicator(ind_id)
    sectors = {s.id: s.name.get(lang) for s in ind.sectors}
    measure = UNITS.get(ind.unit, {}).get("en" if lang == "en" else "vi", ind.unit)
    records = rows.to_dict("records")
    view = [{
        t("hist.col.period", lang): period_label(r["period"]),
        t("hist.col.unit", lang): unit_name(r.get("unit")),
        t("hist.col.sector", lang): sectors.get(r["sector"], r["sector"] or ""),
        t("hist.col.value", lang): r["value"],
        t("hist.col.measure", lang): measure,
        value_status_header(lang): value_status_cell(r.get("value_status"), lang),   # ước tính / sơ bộ / chính thức
        t("hist.col.note", lang): r.get("note") or "",
        "#": r["submission_id"],
        t("hist.col.by", lang): r["uploaded_by"],
        t("hist.col.at", lang): r["recorded_at"].to_pydatetime() if hasattr(r["recorded_at"], "to_pydatetime") else r["recorded_at"],
        t("hist.col.file", lang): r["file_name"],
        t("hist.col.status", lang): (t("hist.withdrawn", lang) if r["withdrawn"] else t("hist.accepted", lang)
                                     if (r.get("approval") or "approved") == "approved"
                                     else t(f"hist.approval.{r['approval']}", lang)),
    } for r in records]
    if not names:
        view = [{k: v for k, v in row.items() if k not in PRIVATE} for row in view]
    widgets.table(view, lang, key="hist_values")
    widgets.downloads(view, f"lich-su_{ind_id}", lang, key="history_values")

# The audit log: administrators only (sign-ins, uploads, withdrawals, account changes, lock overrides).
if user is not None and user.role == "admin":
    st.subheader(t("hist.audit", lang))
    entries = store.audit_log(limit=200)
    if not entries:
        st.info(t("hist.audit_empty", lang))
    else:
        st.dataframe([{t("hist.col.at", lang): e.at, t("hist.audit_user", lang): e.username,
                       t("hist.audit_event", lang): e.event_label(lang), t("hist.audit_detail", lang): e.detail}
                      for e in entries], hide_index=True, width="stretch", key="hist_audit")
