"""The upload page's Streamlit steps (views/upload.py): the form for a unit's agency, the reminder
letter, the uploader's own submissions, the receipt, the check's report, the preview and the confirm
buttons. What they decide is tracker.web.upload."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.core.i18n import fmt_date, t
from tracker.core.periods import parse_period
from tracker.web.upload import may_confirm, period_text, preview_units, receipt, touched_units


def agency_choice(cat, unit: str, own: str | None, lang: str) -> str | None:
    """The agency whose form this is (issue 21): the uploader's own, else the one picked, else the whole unit."""
    unit_agencies = [a.id for a in cat.agencies_for(unit)]
    if own is not None and own not in unit_agencies:
        st.error(t("up.agency_unknown", lang, agency=own, unit=cat.name(unit, lang)))
        st.stop()
    agency = own if own is not None else (st.selectbox(
        t("up.form_for", lang), [None, *unit_agencies], key="up_agency",
        format_func=lambda a: t("up.whole_unit", lang) if a is None else cat.agency(unit, a).name.get(lang))
        if unit_agencies else None)
    if agency is not None:
        st.caption(t("up.agency_form", lang, agency=cat.agency(unit, agency).name.get(lang)))
    return agency


def reminder_letter(cat, store, cal, now, done, settings, window, lang: str) -> None:
    """For an admin: the reminder letter ("công văn đôn đốc") listing the units still missing, for signature."""
    from tracker.present.letter import DOCX_MIME, letter_content, letter_filename, reminder_letter as letter_docx

    letter = letter_content(cat, store, cal, now, done=done)
    st.download_button(t("letter.download", lang, period=window.period.label(lang), n=len(letter.late)),
                       lambda: letter_docx(letter, settings), file_name=letter_filename(letter), mime=DOCX_MIME,
                       help=t("letter.help", lang), key="letter_download", icon=":material/description:")


def own_submissions(store, unit: str, username: str, lang: str) -> None:
    """Issue 21: the uploader's own submissions of this unit with their state (chờ duyệt / đã duyệt / bị trả lại: lý do)."""
    from tracker.reporting.approval import state_label

    own = [s for s in store.submissions(unit=unit) if s.uploaded_by == username and not s.is_demo][:10]
    if not own:
        return
    st.subheader(t("up.my_submissions", lang))
    st.dataframe(pd.DataFrame([{"#": s.id, t("up.period", lang): period_text(s.period, lang),
                                t("hist.col.at", lang): fmt_date(s.uploaded_at, lang),
                                t("hist.col.file", lang): s.file_name, t("up.col.state", lang): state_label(s, lang)}
                               for s in own]), hide_index=True, width="stretch", key="up_own")


def show_receipt(kept: dict, lang: str) -> None:
    """After saving, the receipt stands where the form was: nothing left to confirm twice. Stops the page."""
    if kept.get("approval") == "submitted":   # issue 21: waiting for an approver of the unit
        st.success(f"**{t('up.submitted_title', lang)}** — " + t("up.submitted", lang, id=kept["id"], obs=kept["obs"],
                                                                  ms=kept["ms"]))
    else:
        st.success(f"**{t('up.receipt_title', lang)}** — " + t("up.saved", lang, id=kept["id"], obs=kept["obs"], ms=kept["ms"]))
    st.markdown(t("up.receipt", lang, **kept))
    st.page_link("views/unit.py", label=t("up.see_unit", lang, name=kept["unit"]), icon=":material/location_on:",
                 query_params={"unit": kept["unit_code"]})
    if st.button(t("up.another", lang), key="up_another"):
        del st.session_state["up_receipt"]
        st.rerun()
    st.stop()


def checked_file(upload, content: bytes, unit: str, period: str, cat, store, user, own_agency, settings, now,
                 lang: str) -> tuple[str, object]:
    """(the key the checked file is kept under in this tab, the ParsedForm): read once per file, unit,
    period and user, with a progress bar, and kept until it is saved or cancelled."""
    from tracker.ingest import read_form

    cache_key = f"parsed_{user.username}_{unit}_{period}_{upload.file_id if hasattr(upload, 'file_id') else upload.name}_{len(content)}"
    if cache_key not in st.session_state:
        bar = st.progress(0.0, text=t("up.reading", lang))
        st.session_state[cache_key] = read_form(
            content, upload.name, cat, today=now, previous=store.previous_values,
            expected_units=None if user.role == "admin" else set(user.units),
            max_bytes=settings.upload_max_mb * 1_000_000, calendar=settings.reporting_calendar, expected_agency=own_agency,
            progress=lambda fraction, stage: bar.progress(min(fraction, 1.0), text=t(f"up.stage.{stage}", lang)))
        bar.empty()
    return cache_key, st.session_state[cache_key]


def report(parsed, cat, lang: str) -> bool:
    """The check's report in whole sentences, errors first, targets by name, the check's code in small
    print; True when there was anything to say. Stops the page when the file is refused."""
    from tracker.core.report import sentences

    issues = parsed.report.sorted()
    if issues:
        st.caption(t("up.report_counts", lang, **parsed.report.counts()))
        named = lambda i: cat.indicator(i).name.get(lang) if cat.has_indicator(i) else None   # noqa: E731
        for k, said in enumerate(sentences(parsed.report, lang, named)):
            with st.container(key=f"up_issue_{k}"):
                (st.error if said.severity == "error" else st.warning)(f"**{t(f'up.sev.{said.severity}', lang)}.** {said.text}")
                st.caption(t("up.report_code", lang, code=said.code))
    if not parsed.ok:
        st.error(t("up.refused", lang, n=len(parsed.report.errors)))
        st.stop()
    return bool(issues)


def preview(parsed, store, cat, user, lang: str) -> None:
    """What the file changes against what is stored, and a word where it writes into a demo unit."""
    from tracker.ingest.preview import counts, preview as compare, preview_rows

    units = preview_units(parsed)
    changes = compare(parsed, store.current_observations(units=units), store.current_milestones(units=units))
    n = counts(changes)
    if parsed.unit in cat.jurisdictions and parsed.period not in (None, "*"):
        st.markdown(t("up.preview_of", lang, unit=cat.name(parsed.unit, lang), period=parse_period(parsed.period).label(lang)))
    for col, key in zip(st.columns(4), ("new", "changed", "unchanged", "milestone")):
        col.metric(t(f"up.count.{key}", lang), n[key])
    st.dataframe(pd.DataFrame(preview_rows(changes, cat, lang)), hide_index=True, width="stretch")
    demo = touched_units(parsed) & store.demo_units()
    for demo_unit in sorted(demo):
        st.warning(t("up.demo_unit", lang, name=cat.name(demo_unit, lang) if demo_unit in cat.jurisdictions else demo_unit))
    if demo and user.role == "admin":
        st.page_link("views/golive.py", label=t("up.offer_golive", lang), icon=":material/rocket_launch:")


def confirm(parsed, content: bytes, file_name: str, cache_key: str, overrides: list[str], unit: str, user, store, cat,
            settings, now, lang: str) -> None:
    """Confirm or cancel: the warnings checked, an admin's reason for a locked period, then one commit."""
    from tracker.reporting.approval import initial_state
    from tracker.storage import StoreError

    checked = True
    if parsed.report.warnings:
        checked = st.checkbox(t("up.checked_warnings", lang, n=len(parsed.report.warnings)), key=f"ack_{cache_key}")
    reason = ""
    if overrides:   # an admin writing into a locked period says why; the reason is kept with the submission
        st.warning(overrides[0])
        reason = st.text_input(t("up.override_reason", lang), key=f"override_{cache_key}").strip()
    b1, b2, _ = st.columns([1, 1, 4])
    pressed = b1.button(t("up.confirm", lang), type="primary", key="confirm",
                        disabled=not may_confirm(checked, user is not None, overrides, reason))
    if b2.button(t("up.cancel", lang), key="cancel"):
        del st.session_state[cache_key]
        st.info(t("up.cancelled", lang))
        st.stop()
    if not (pressed and may_confirm(True, user is not None, overrides, reason)):
        return
    try:
        with st.spinner(t("up.saving", lang)):
            approval = initial_state(settings)
            result = store.commit(parsed, content, user=user.username, approval=approval,
                                  **({"reason": reason} if overrides else {}))
    except StoreError as exc:
        # Nothing was stored; the checked file stays here so that Confirm can simply be pressed again.
        st.error(t("up.not_saved", lang, why=exc.message(lang)))
        st.stop()
    del st.session_state[cache_key]
    if result.duplicate:
        st.info(t("up.duplicate", lang, id=result.submission_id))
        st.stop()
    st.session_state["up_receipt"] = receipt(result, parsed, unit, cat, file_name, user.username, now, approval, lang)
    st.rerun()
