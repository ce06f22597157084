"""The accounts page's parts (views/accounts.py): the accounts as rows, what the change form starts
from, a new account's fields (plain functions, tested without Streamlit), and the forms' callbacks,
which hand every decision to tracker.accounts.AccountDesk and keep its result for the next run."""

from __future__ import annotations

import streamlit as st

from tracker.core.i18n import t


# --- decisions ---------------------------------------------------------------------------------

def account_rows(accounts: list, unit_name, lang: str) -> list[dict]:
    """Every account: name, role, units (all for an admin or an untied viewer), agency, state, e-mail."""
    return [{t("acc.col.name", lang): a.username, t("acc.col.role", lang): t(f"role.{a.role}", lang),
             t("acc.col.units", lang): ", ".join(unit_name(u) for u in a.units) or
             (t("acc.all_units", lang) if a.role in ("admin", "viewer") else "—"),
             t("acc.col.agency", lang): a.agency or "",
             t("acc.col.state", lang): t("acc.disabled" if a.disabled else "acc.active", lang),
             t("acc.col.email", lang): a.email} for a in accounts]


def scope_fields(account, units: list[str]) -> dict:
    """What the change form shows for the account picked (its units among those offered)."""
    return {"acc_edit_for": account.username, "acc_edit_role": account.role,
            "acc_edit_units": [u for u in account.units if u in units], "acc_edit_agency": account.agency or ""}


def new_account(get) -> dict:
    """The add form's fields as AccountDesk.add takes them (``get``: the session's values)."""
    return {"name": (get("acc_new_name") or "").strip(), "role": get("acc_new_role"), "units": get("acc_new_units") or (),
            "agency": (get("acc_new_agency") or "").strip() or None, "email": get("acc_new_email") or "",
            "password": get("acc_new_password") or None}


# --- callbacks (run before the page, so they can empty the password fields) --------------------

def keep(result) -> None:
    """The result for this run to show (a generated password once: it is popped when shown)."""
    st.session_state["acc_result"] = result


def add_account(desk) -> None:
    fields = new_account(st.session_state.get)
    keep(desk().add(fields.pop("name"), fields.pop("role"), **fields))
    st.session_state["acc_new_password"] = ""   # never left in the field
    if st.session_state["acc_result"].ok:
        for key in ("acc_new_name", "acc_new_agency", "acc_new_email"):
            st.session_state[key] = ""
        st.session_state["acc_new_units"] = []


def save_scope(desk, name: str) -> None:
    get = st.session_state.get
    keep(desk().set_scope(name, role=get("acc_edit_role"), units=get("acc_edit_units") or (),
                          agency=(get("acc_edit_agency") or "").strip() or None))


def set_disabled(desk, name: str, disabled: bool) -> None:
    keep(desk().set_disabled(name, disabled))


def reset_password(desk, name: str) -> None:
    keep(desk().reset_password(name, st.session_state.get("acc_reset_password") or None))
    st.session_state["acc_reset_password"] = ""


def unlock(desk, name: str) -> None:
    keep(desk().unlock(name))


def remove(desk, name: str) -> None:
    if not st.session_state.get("acc_remove_sure"):
        from tracker.accounts import AccountResult

        keep(AccountResult(False, "unconfirmed", t("acc.remove_unconfirmed", "vi"), t("acc.remove_unconfirmed", "en")))
        return
    keep(desk().remove(name))
    st.session_state["acc_remove_sure"] = False


def show_result(lang: str) -> None:
    """The last change's result; a generated password shown once."""
    result = st.session_state.pop("acc_result", None)
    if result is None:
        return
    (st.success if result.ok else st.error)(result.message(lang))
    if result.password:
        st.warning(t("acc.generated", lang, name=result.user.username if result.user else ""))
        st.code(result.password, language=None)
    if result.sessions_ended:
        st.caption(t("acc.sessions_ended", lang, n=result.sessions_ended))
