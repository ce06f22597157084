"""The history page's parts (views/history.py): the submissions and a value's revisions as rows, what
an anonymous visitor is not shown, which revisions a visitor may see (plain functions, tested without
Streamlit), then the withdrawal, asked twice, as a Streamlit section."""

from __future__ import annotations

import streamlit as st

from tracker.core.i18n import t

# Needing a sign-in: names, file names and reasons (anonymous visitors see units, periods, times, counts).
PRIVATE_KEYS = ("hist.col.by", "hist.col.file", "hist.col.withdrawn_by", "hist.col.reason")


# --- decisions ---------------------------------------------------------------------------------

def unit_name(cat, code, lang: str) -> str:
    """A unit's name, never its code ("Lâm Đồng", not "lam-dong")."""
    if code in cat.jurisdictions:
        return cat.name(code, lang)
    return t("hist.several", lang) if code in (None, "*") else str(code)


def period_label(code, lang: str) -> str:
    from tracker.core.periods import parse_period

    try:
        return parse_period(str(code)).label(lang)
    except Exception:   # a bulk form ("*") or a code an older version stored
        return t("hist.several", lang) if code in (None, "*") else str(code)


def without_private(rows: list[dict], lang: str) -> list[dict]:
    private = {t(k, lang) for k in PRIVATE_KEYS}
    return [{k: v for k, v in row.items() if k not in private} for row in rows]


def submission_state(s, lang: str, names: bool) -> str:
    """Accepted or withdrawn; an approval that is not (yet) given, with the approver's reason for staff; demo."""
    said = {"accepted": t("hist.accepted", lang), "withdrawn": t("hist.withdrawn", lang)}.get(s.status, s.status)
    if (s.approval or "approved") != "approved":
        said += " · " + t(f"hist.approval.{s.approval}", lang) + (f": {s.decision_reason}" if names and s.decision_reason else "")
    return said + (" · " + t("app.demo_tag", lang) if s.is_demo else "")


def submission_rows(subs: list, cat, lang: str, names: bool) -> list[dict]:
    """Every submission, withdrawn ones first (they are what a reader of this page is looking for)."""
    rows = [{
        "#": s.id, t("hist.col.unit", lang): unit_name(cat, s.unit, lang), t("hist.col.period", lang): period_label(s.period, lang),
        t("hist.col.by", lang): s.uploaded_by, t("hist.col.at", lang): s.uploaded_at,
        t("hist.col.file", lang): s.file_name, t("hist.col.values", lang): s.observation_count,
        t("hist.col.tasks", lang): s.milestone_count, t("hist.col.status", lang): submission_state(s, lang, names),
        t("hist.col.withdrawn_by", lang): s.withdrawn_by or "", t("hist.col.withdrawn_at", lang): s.withdrawn_at,
        t("hist.col.reason", lang): s.withdraw_reason or "",
    } for s in sorted(subs, key=lambda s: (s.status != "withdrawn", -s.id))]
    return rows if names else without_private(rows, lang)


def pick_label(s, cat, lang: str, names: bool) -> str:
    """A submission in the picker: by file and uploader for staff, by unit and period for anyone."""
    if names:
        return f"#{s.id} · {s.file_name} · {s.uploaded_by}"
    return f"#{s.id} · {unit_name(cat, s.unit, lang)} · {period_label(s.period, lang)}"


def visible_revisions(rows, units: list[str], may_see_pending):
    """A value's revisions a visitor may see: of the visible units, approved ones for leaders and the
    public, pending and returned ones for whom may see them (``may_see_pending(unit)``)."""
    if rows.empty:
        return rows
    return rows[rows["unit"].isin(units) & ((rows["approval"].fillna("approved") == "approved")
                                            | rows["unit"].map(may_see_pending))]


def revision_state(r: dict, lang: str) -> str:
    if r["withdrawn"]:
        return t("hist.withdrawn", lang)
    if (r.get("approval") or "approved") == "approved":
        return t("hist.accepted", lang)
    return t(f"hist.approval.{r['approval']}", lang)


def revision_rows(records: list[dict], ind, cat, lang: str, names: bool) -> list[dict]:
    """One value's revisions: period, unit, sector, value with its unit of measure and status, who, when."""
    from tracker.catalogue import UNITS
    from tracker.present.downloads import value_status_cell, value_status_header

    sectors = {s.id: s.name.get(lang) for s in ind.sectors}
    measure = UNITS.get(ind.unit, {}).get("en" if lang == "en" else "vi", ind.unit)
    rows = [{
        t("hist.col.period", lang): period_label(r["period"], lang),
        t("hist.col.unit", lang): unit_name(cat, r.get("unit"), lang),
        t("hist.col.sector", lang): sectors.get(r["sector"], r["sector"] or ""),
        t("hist.col.value", lang): r["value"],
        t("hist.col.measure", lang): measure,
        value_status_header(lang): value_status_cell(r.get("value_status"), lang),   # ước tính / sơ bộ / chính thức
        t("hist.col.note", lang): r.get("note") or "",
        "#": r["submission_id"],
        t("hist.col.by", lang): r["uploaded_by"],
        t("hist.col.at", lang): r["recorded_at"].to_pydatetime() if hasattr(r["recorded_at"], "to_pydatetime") else r["recorded_at"],
        t("hist.col.file", lang): r["file_name"],
        t("hist.col.status", lang): revision_state(r, lang),
    } for r in records]
    return rows if names else without_private(rows, lang)


def audit_rows(entries: list, lang: str) -> list[dict]:
    return [{t("hist.col.at", lang): e.at, t("hist.audit_user", lang): e.username,
             t("hist.audit_event", lang): e.event_label(lang), t("hist.audit_detail", lang): e.detail} for e in entries]


# --- sections ----------------------------------------------------------------------------------

def withdrawal(sub, chosen: int, user, store, cat, lang: str) -> None:
    """Withdraw a submission: a reason, then asked once more with what the withdrawal does."""
    from tracker.ingest.preview import withdrawal_effect, withdrawal_statement
    from tracker.storage import StoreError

    asked = st.session_state.get("withdraw_pending")
    if not (asked and asked[0] == chosen):
        with st.form("withdraw"):
            reason = st.text_input(t("hist.reason", lang), key="withdraw_reason")
            if st.form_submit_button(t("hist.withdraw", lang)):
                if not reason.strip():
                    st.error(t("hist.reason_needed", lang))
                else:
                    st.session_state["withdraw_pending"] = (chosen, reason.strip())
                    st.rerun()
        return
    # Which values stop being current, and what is current instead.
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
