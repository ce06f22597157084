"""Nhập số liệu: download the unit's form, upload it filled, read the report, preview, confirm."""

import pandas as pd
import streamlit as st

from tracker.web import auth, state, style
from tracker.approval import initial_state, state_label
from tracker.access import can_upload, period_lock_state
from tracker.completeness import completeness
from tracker.changes import counts, preview, preview_rows
from tracker.i18n import fmt_date, t
from tracker.report import sentences
from tracker.ingest import read_form
from tracker.store import StoreError
from tracker.periods import parse_period, today
from tracker.settings import load_settings
from tracker.web.upload import calendar_notice, late_contact
from tracker.workbook import build_form, form_filename

lang = state.lang()
cat = state.catalogue()
settings = load_settings()
user = auth.current_user()
st.title(t("page.upload", lang))
# Signed out by the idle timeout: the page (and the checked file) stays, confirming waits for sign-in.
returning = auth.returning_user() if user is None else None
if returning is not None and returning.role in ("uploader", "admin"):
    st.warning(t("up.sign_in_to_confirm", lang))
    user_for_view = returning
else:
    user_for_view = user
if user_for_view is None or user_for_view.role not in ("uploader", "admin"):
    st.error(t("up.not_allowed", lang))
    st.stop()

store = state.store()
now = today()
allowed = [u for u in cat.jurisdictions if cat.indicators_for(u) and (user_for_view.role == "admin" or u in user_for_view.units)]
if not allowed:
    st.error(t("up.no_units", lang))
    st.stop()

cal = settings.reporting_calendar
notice = calendar_notice(cal, now, lang)
# The calendar first: what is open now and until when, or when the next window opens.
(st.info if notice.state == "open" else st.warning)("  \n".join(notice.lines))
codes = [p.code for p in notice.periods]
c1, c2 = st.columns(2)
unit = c1.selectbox(t("up.unit", lang), allowed, format_func=lambda u: cat.name(u, lang), key="up_unit")
period = c2.selectbox(t("up.period", lang), codes, index=codes.index(notice.default_period.code)
                      if notice.default_period.code in codes else 0,
                      format_func=lambda p: parse_period(p).label(lang), key="up_period")
window = cal.window(parse_period(period))
# --- agencies (issue 21): an uploader tied to an agency gets that agency's form; others may pick one ---
own_agency = getattr(user_for_view, "agency", None) if user_for_view.role != "admin" else None
unit_agencies = [a.id for a in cat.agencies_for(unit)]
if own_agency is not None and own_agency not in unit_agencies:
    st.error(t("up.agency_unknown", lang, agency=own_agency, unit=cat.name(unit, lang)))
    st.stop()
agency = own_agency if own_agency is not None else (st.selectbox(
    t("up.form_for", lang), [None, *unit_agencies], key="up_agency",
    format_func=lambda a: t("up.whole_unit", lang) if a is None else cat.agency(unit, a).name.get(lang))
    if unit_agencies else None)
if agency is not None:
    st.caption(t("up.agency_form", lang, agency=cat.agency(unit, agency).name.get(lang)))
# --- end agencies ---
done = completeness(cat, store, window)
st.caption(done.summary(lang))
if user is not None and user.role == "admin" and (window.period.is_quarter or window.period.is_year):
    # valuestatus: the reminder letter ("công văn đôn đốc") listing the units still missing, for signature
    from tracker.letter import DOCX_MIME, letter_content, letter_filename, reminder_letter

    letter = letter_content(cat, store, cal, now, done=done)
    st.download_button(t("letter.download", lang, period=window.period.label(lang), n=len(letter.late)),
                       lambda: reminder_letter(letter, settings), file_name=letter_filename(letter), mime=DOCX_MIME,
                       help=t("letter.help", lang), key="letter_download", icon=":material/description:")
lock_state, closes = period_lock_state(period, now, settings.lock_days, cal)
decision = can_upload(user_for_view, unit, period, now, settings.lock_days, cal, agency=agency)
if lock_state == "open":
    st.caption(t("up.open_until", lang, date=fmt_date(closes, lang)))
if not decision.allowed:
    st.warning(decision.message_en if lang == "en" else decision.message_vi)
    if decision.code == "period_locked":
        st.caption(late_contact(settings.contact, lang))

# Issue 21: the uploader's own submissions of this unit with their state (chờ duyệt / đã duyệt / bị trả lại: lý do).
own = [s for s in store.submissions(unit=unit) if s.uploaded_by == user_for_view.username and not s.is_demo][:10]
if own:
    st.subheader(t("up.my_submissions", lang))
    st.dataframe(pd.DataFrame([{"#": s.id, t("up.period", lang): parse_period(s.period).label(lang) if s.period != "*"
                                else t("hist.several", lang), t("hist.col.at", lang): fmt_date(s.uploaded_at, lang),
                                t("hist.col.file", lang): s.file_name, t("up.col.state", lang): state_label(s, lang)}
                               for s in own]), hide_index=True, width="stretch", key="up_own")

st.subheader(t("up.step1", lang))
form = build_form(cat, unit, period, store.previous_values(unit, period), window=window, agency=agency)
st.download_button(t("up.download_form", lang), form, file_name=form_filename(unit, period, agency),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="form_download")
if not decision.allowed:
    # The lock (or a window not yet open) is said before any file is read; the form stays for preparing.
    st.stop()

st.subheader(t("up.step2", lang))
receipt = st.session_state.get("up_receipt")
if receipt:   # after saving, the receipt stands where the form was: nothing left to confirm twice
    if receipt.get("approval") == "submitted":   # issue 21: waiting for an approver of the unit
        st.success(f"**{t('up.submitted_title', lang)}** — " + t("up.submitted", lang, id=receipt["id"], obs=receipt["obs"],
                                                                  ms=receipt["ms"]))
    else:
        st.success(f"**{t('up.receipt_title', lang)}** — " + t("up.saved", lang, id=receipt["id"], obs=receipt["obs"], ms=receipt["ms"]))
    st.markdown(t("up.receipt", lang, **receipt))
    st.page_link("views/unit.py", label=t("up.see_unit", lang, name=receipt["unit"]), icon=":material/location_on:",
                 query_params={"unit": receipt["unit_code"]})
    if st.button(t("up.another", lang), key="up_another"):
        del st.session_state["up_receipt"]
        st.rerun()
    st.stop()
st.markdown(t("up.uploader_hint", lang))
style.uploader_chrome(lang, settings.upload_max_mb)
upload = st.file_uploader(t("up.choose_file", lang), type=["xlsx", "xlsm", "xls", "ods"], key="uploader",
                          help=t("up.file_help", lang, mb=settings.upload_max_mb), max_upload_size=settings.upload_max_mb)
if upload is None:
    st.info(t("up.waiting", lang))
    st.stop()

content = upload.getvalue()
cache_key = f"parsed_{user_for_view.username}_{unit}_{period}_{upload.file_id if hasattr(upload, 'file_id') else upload.name}_{len(content)}"
if cache_key not in st.session_state:
    bar = st.progress(0.0, text=t("up.reading", lang))
    st.session_state[cache_key] = read_form(
        content, upload.name, cat, today=now, previous=store.previous_values,
        expected_units=None if user_for_view.role == "admin" else set(user_for_view.units),
        max_bytes=settings.upload_max_mb * 1_000_000, calendar=cal, expected_agency=own_agency,
        progress=lambda fraction, stage: bar.progress(min(fraction, 1.0), text=t(f"up.stage.{stage}", lang)))
    bar.empty()
parsed = st.session_state[cache_key]

st.subheader(t("up.step3", lang))
issues = parsed.report.sorted()
if issues:   # whole sentences, errors first, targets by name; the check's code in small print
    st.caption(t("up.report_counts", lang, **parsed.report.counts()))
    for k, said in enumerate(sentences(parsed.report, lang, lambda i: cat.indicator(i).name.get(lang) if cat.has_indicator(i) else None)):
        with st.container(key=f"up_issue_{k}"):
            (st.error if said.severity == "error" else st.warning)(f"**{t(f'up.sev.{said.severity}', lang)}.** {said.text}")
            st.caption(t("up.report_code", lang, code=said.code))
if not parsed.ok:
    st.error(t("up.refused", lang, n=len(parsed.report.errors)))
    st.stop()
refusals, overrides = [], []
for u, p in sorted({(o.unit, o.period) for o in parsed.observations} | {(m.unit, m.period) for m in parsed.milestones}):
    d = can_upload(user_for_view, u, p, now, settings.lock_days, cal, agency=parsed.agency)
    if not d.allowed:
        refusals.append(d.message_en if lang == "en" else d.message_vi)
    elif d.code == "admin_override":
        overrides.append(d.message_en if lang == "en" else d.message_vi)
if refusals:
    for msg in dict.fromkeys(refusals):
        st.error(msg)
    st.stop()
if not issues:
    st.success(t("up.clean", lang))

st.subheader(t("up.step4", lang))
changes = preview(parsed, store.current_observations(units=[parsed.unit] if parsed.unit and parsed.unit != "*" else None),
                  store.current_milestones(units=[parsed.unit] if parsed.unit and parsed.unit != "*" else None))
n = counts(changes)
if parsed.unit in cat.jurisdictions and parsed.period not in (None, "*"):
    st.markdown(t("up.preview_of", lang, unit=cat.name(parsed.unit, lang), period=parse_period(parsed.period).label(lang)))
cols = st.columns(4)
for col, key in zip(cols, ("new", "changed", "unchanged", "milestone")):
    col.metric(t(f"up.count.{key}", lang), n[key])
st.dataframe(pd.DataFrame(preview_rows(changes, cat, lang)), hide_index=True, width="stretch")

touched = {o.unit for o in parsed.observations} | {m.unit for m in parsed.milestones}
for demo_unit in sorted(touched & store.demo_units()):
    st.warning(t("up.demo_unit", lang, name=cat.name(demo_unit, lang) if demo_unit in cat.jurisdictions else demo_unit))
if touched & store.demo_units() and user_for_view.role == "admin":
    st.page_link("views/golive.py", label=t("up.offer_golive", lang), icon=":material/rocket_launch:")
checked = True
if parsed.report.warnings:
    checked = st.checkbox(t("up.checked_warnings", lang, n=len(parsed.report.warnings)), key=f"ack_{cache_key}")
override_reason = ""
if overrides:   # an admin writing into a locked period says why; the reason is kept with the submission
    st.warning(overrides[0])
    override_reason = st.text_input(t("up.override_reason", lang), key=f"override_{cache_key}").strip()
b1, b2, _ = st.columns([1, 1, 4])
confirm = b1.button(t("up.confirm", lang), type="primary", key="confirm",
                    disabled=not checked or user is None or (bool(overrides) and not override_reason))
cancel = b2.button(t("up.cancel", lang), key="cancel")
if cancel:
    del st.session_state[cache_key]
    st.info(t("up.cancelled", lang))
    st.stop()
if confirm and user is not None and not (overrides and not override_reason):
    try:
        with st.spinner(t("up.saving", lang)):
            approval_state = initial_state(settings)
            result = store.commit(parsed, content, user=user.username, approval=approval_state,
                                  **({"reason": override_reason} if overrides else {}))
    except StoreError as exc:
        # Nothing was stored; the checked file stays here so that Confirm can simply be pressed again.
        st.error(t("up.not_saved", lang, why=exc.message(lang)))
        st.stop()
    del st.session_state[cache_key]
    if result.duplicate:
        st.info(t("up.duplicate", lang, id=result.submission_id))
        st.stop()
    shown_unit = parsed.unit if parsed.unit in cat.jurisdictions else unit
    st.session_state["up_receipt"] = {
        "id": result.submission_id, "obs": result.observations, "ms": result.milestones, "file": upload.name,
        "unit": cat.name(shown_unit, lang), "unit_code": shown_unit, "by": user.username,
        "period": parse_period(parsed.period).label(lang) if parsed.period not in (None, "*") else t("hist.several", lang),
        "at": fmt_date(now, lang), "approval": approval_state}
    st.rerun()
