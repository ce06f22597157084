"""Nhập số liệu: download the unit's form, upload it filled, read the report, preview, confirm.
The decisions are tracker.web.upload, the steps tracker.web.upload_steps."""

import streamlit as st

from tracker.accounts.permissions import can_upload, period_lock_state
from tracker.reporting.completeness import completeness
from tracker.core.i18n import fmt_date, t
from tracker.core.periods import parse_period, today
from tracker.core.settings import load_settings
from tracker.web import auth, state, style
from tracker.web import upload as policy
from tracker.web import upload_steps as steps
from tracker.forms.workbook import build_form, form_filename

lang = state.lang()
cat = state.catalogue()
settings = load_settings()
user = auth.current_user()
st.title(t("page.upload", lang))
# Signed out by the idle timeout: the page (and the checked file) stays, confirming waits for sign-in.
returning = auth.returning_user() if user is None else None
if returning is not None and returning.role in policy.UPLOAD_ROLES:
    st.warning(t("up.sign_in_to_confirm", lang))
user_for_view = policy.acting_user(user, returning)
if user_for_view is None or user_for_view.role not in policy.UPLOAD_ROLES:
    st.error(t("up.not_allowed", lang))
    st.stop()

store = state.store()
now = today()
allowed = policy.uploadable_units(cat, user_for_view)
if not allowed:
    st.error(t("up.no_units", lang))
    st.stop()

cal = settings.reporting_calendar
notice = policy.calendar_notice(cal, now, lang)
# The calendar first: what is open now and until when, or when the next window opens.
(st.info if notice.state == "open" else st.warning)("  \n".join(notice.lines))
codes = [p.code for p in notice.periods]
c1, c2 = st.columns(2)
unit = c1.selectbox(t("up.unit", lang), allowed, format_func=lambda u: cat.name(u, lang), key="up_unit")
period = c2.selectbox(t("up.period", lang), codes, index=policy.period_index(codes, notice.default_period.code),
                      format_func=lambda p: parse_period(p).label(lang), key="up_period")
window = cal.window(parse_period(period))
own_agency = policy.own_agency(user_for_view)
agency = steps.agency_choice(cat, unit, own_agency, lang)
done = completeness(cat, store, window)
st.caption(done.summary(lang))
if user is not None and user.role == "admin" and (window.period.is_quarter or window.period.is_year):
    steps.reminder_letter(cat, store, cal, now, done, settings, window, lang)
lock_state, closes = period_lock_state(period, now, settings.lock_days, cal)
decision = can_upload(user_for_view, unit, period, now, settings.lock_days, cal, agency=agency)
if lock_state == "open":
    st.caption(t("up.open_until", lang, date=fmt_date(closes, lang)))
if not decision.allowed:
    st.warning(policy.decision_text(decision, lang))
    if decision.code == "period_locked":
        st.caption(policy.late_contact(settings.contact, lang))
steps.own_submissions(store, unit, user_for_view.username, lang)

st.subheader(t("up.step1", lang))
form = build_form(cat, unit, period, store.previous_values(unit, period), window=window, agency=agency)
st.download_button(t("up.download_form", lang), form, file_name=form_filename(unit, period, agency),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="form_download")
if not decision.allowed:
    # The lock (or a window not yet open) is said before any file is read; the form stays for preparing.
    st.stop()

st.subheader(t("up.step2", lang))
if st.session_state.get("up_receipt"):
    steps.show_receipt(st.session_state["up_receipt"], lang)
st.markdown(t("up.uploader_hint", lang))
style.uploader_chrome(lang, settings.upload_max_mb)
upload = st.file_uploader(t("up.choose_file", lang), type=["xlsx", "xlsm", "xls", "ods"], key="uploader",
                          help=t("up.file_help", lang, mb=settings.upload_max_mb), max_upload_size=settings.upload_max_mb)
if upload is None:
    st.info(t("up.waiting", lang))
    st.stop()

content = upload.getvalue()
cache_key, parsed = steps.checked_file(upload, content, unit, period, cat, store, user_for_view, own_agency, settings, now, lang)

st.subheader(t("up.step3", lang))
said = steps.report(parsed, cat, lang)
refusals, overrides = policy.row_decisions(policy.written_pairs(parsed), lambda u, p: can_upload(
    user_for_view, u, p, now, settings.lock_days, cal, agency=parsed.agency), lang)
for msg in refusals:
    st.error(msg)
if refusals:
    st.stop()
if not said:
    st.success(t("up.clean", lang))

st.subheader(t("up.step4", lang))
steps.preview(parsed, store, cat, user_for_view, lang)
steps.confirm(parsed, content, upload.name, cache_key, overrides, unit, user, store, cat, settings, now, lang)
