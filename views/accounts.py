"""Tài khoản: administrators manage accounts in the browser. Every decision is tracker.accounts'
(the same as `python -m tracker user`); this page only collects the fields and shows the result."""

import streamlit as st

from tracker.web import auth, state, widgets
from tracker.access import ROLES, can_manage_users
from tracker.accounts import AccountDesk
from tracker.i18n import t

lang = state.lang()
user = auth.current_user()
st.title(t("page.accounts", lang))
allowed = can_manage_users(user)
if not allowed.allowed:
    st.warning(t("acc.admin_only", lang))
    st.stop()

cat = state.catalogue()
users = state.users()
units = [u for u in cat.jurisdictions if cat.indicators_for(u)]


def unit_name(u: str) -> str:
    return cat.name(u, lang) if u in cat.jurisdictions else u


def desk() -> AccountDesk:
    return AccountDesk.for_store(users, state.store(), actor=user.username, known_units=cat.jurisdictions)


def keep(result) -> None:
    """The result for this run to show (a generated password once: it is popped when shown)."""
    st.session_state["acc_result"] = result


def add_account() -> None:
    get = st.session_state.get
    keep(desk().add((get("acc_new_name") or "").strip(), get("acc_new_role"), units=get("acc_new_units") or (),
                    agency=(get("acc_new_agency") or "").strip() or None, email=get("acc_new_email") or "",
                    password=get("acc_new_password") or None))
    st.session_state["acc_new_password"] = ""   # never left in the field
    if st.session_state["acc_result"].ok:
        for key in ("acc_new_name", "acc_new_agency", "acc_new_email"):
            st.session_state[key] = ""
        st.session_state["acc_new_units"] = []


def save_scope(name: str) -> None:
    get = st.session_state.get
    keep(desk().set_scope(name, role=get("acc_edit_role"), units=get("acc_edit_units") or (),
                          agency=(get("acc_edit_agency") or "").strip() or None))


def set_disabled(name: str, disabled: bool) -> None:
    keep(desk().set_disabled(name, disabled))


def reset_password(name: str) -> None:
    keep(desk().reset_password(name, st.session_state.get("acc_reset_password") or None))
    st.session_state["acc_reset_password"] = ""


def unlock(name: str) -> None:
    keep(desk().unlock(name))


def remove(name: str) -> None:
    if not st.session_state.get("acc_remove_sure"):
        from tracker.accounts import AccountResult

        keep(AccountResult(False, "unconfirmed", t("acc.remove_unconfirmed", "vi"), t("acc.remove_unconfirmed", "en")))
        return
    keep(desk().remove(name))
    st.session_state["acc_remove_sure"] = False


st.caption(t("acc.intro", lang))
result = st.session_state.pop("acc_result", None)
if result is not None:
    (st.success if result.ok else st.error)(result.message(lang))
    if result.password:
        st.warning(t("acc.generated", lang, name=result.user.username if result.user else ""))
        st.code(result.password, language=None)
    if result.sessions_ended:
        st.caption(t("acc.sessions_ended", lang, n=result.sessions_ended))

accounts = users.list_users()
if accounts:
    widgets.table([{t("acc.col.name", lang): a.username, t("acc.col.role", lang): t(f"role.{a.role}", lang),
               t("acc.col.units", lang): ", ".join(unit_name(u) for u in a.units) or
               (t("acc.all_units", lang) if a.role in ("admin", "viewer") else "—"),
               t("acc.col.agency", lang): a.agency or "",
               t("acc.col.state", lang): t("acc.disabled" if a.disabled else "acc.active", lang),
               t("acc.col.email", lang): a.email} for a in accounts], lang, key="acc_table")
else:
    st.info(t("acc.none", lang))

st.subheader(t("acc.add", lang))
with st.form("acc_add"):
    st.text_input(t("acc.name", lang), key="acc_new_name")
    st.selectbox(t("acc.role", lang), ROLES, index=0, format_func=lambda r: t(f"role.{r}", lang), key="acc_new_role")
    st.multiselect(t("acc.units", lang), units, format_func=unit_name, key="acc_new_units",
                   placeholder=t("acc.choose_units", lang))
    st.text_input(t("acc.agency", lang), key="acc_new_agency")
    st.text_input(t("acc.email", lang), key="acc_new_email")
    st.text_input(t("acc.password", lang), type="password", key="acc_new_password")
    st.form_submit_button(t("acc.add_button", lang), on_click=add_account)

if accounts:
    st.subheader(t("acc.change", lang))
    names = [a.username for a in accounts]
    name = st.selectbox(t("acc.pick", lang), names, key="acc_pick")
    chosen = users.get(name)
    if chosen is not None:
        # The fields follow the account picked (keyed by its name, so a new pick shows its own values).
        if st.session_state.get("acc_edit_for") != name:
            st.session_state.update(acc_edit_for=name, acc_edit_role=chosen.role,
                                    acc_edit_units=[u for u in chosen.units if u in units],
                                    acc_edit_agency=chosen.agency or "")
        with st.form("acc_scope"):
            st.selectbox(t("acc.role", lang), ROLES, format_func=lambda r: t(f"role.{r}", lang), key="acc_edit_role")
            st.multiselect(t("acc.units", lang), units, format_func=unit_name, key="acc_edit_units",
                           placeholder=t("acc.choose_units", lang))
            st.text_input(t("acc.agency", lang), key="acc_edit_agency")
            st.form_submit_button(t("acc.save_scope", lang), on_click=save_scope, args=(name,))
        c1, c2 = st.columns(2)
        if chosen.disabled:
            c1.button(t("acc.enable", lang), key="acc_enable", on_click=set_disabled, args=(name, False))
        else:
            c1.button(t("acc.disable", lang), key="acc_disable", on_click=set_disabled, args=(name, True))
        c2.button(t("acc.unlock", lang), key="acc_unlock", on_click=unlock, args=(name,))
        with st.form("acc_reset"):
            st.text_input(t("acc.reset_password", lang), type="password", key="acc_reset_password")
            st.form_submit_button(t("acc.reset", lang), on_click=reset_password, args=(name,))
        with st.form("acc_remove"):
            st.checkbox(t("acc.remove_confirm", lang), key="acc_remove_sure")
            st.form_submit_button(t("acc.remove", lang), on_click=remove, args=(name,))
