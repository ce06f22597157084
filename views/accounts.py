"""Tài khoản: administrators manage accounts in the browser. Every decision is tracker.accounts'
(the same as `python -m tracker user`); this page only collects the fields and shows the result
(the rows and the forms' callbacks are tracker.web.accounts)."""

from functools import partial

import streamlit as st

from tracker.accounts.permissions import can_manage_users

from tracker.accounts.users import ROLES
from tracker.accounts import AccountDesk
from tracker.core.i18n import t
from tracker.web import auth, state, widgets
from tracker.web import accounts as parts

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


desk = partial(AccountDesk.for_store, users, state.store(), actor=user.username, known_units=cat.jurisdictions)
st.caption(t("acc.intro", lang))
parts.show_result(lang)

accounts = users.list_users()
if accounts:
    widgets.table(parts.account_rows(accounts, unit_name, lang), lang, key="acc_table")
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
    st.form_submit_button(t("acc.add_button", lang), on_click=parts.add_account, args=(desk,))

if accounts:
    st.subheader(t("acc.change", lang))
    name = st.selectbox(t("acc.pick", lang), [a.username for a in accounts], key="acc_pick")
    chosen = users.get(name)
    if chosen is not None:
        # The fields follow the account picked (keyed by its name, so a new pick shows its own values).
        if st.session_state.get("acc_edit_for") != name:
            st.session_state.update(parts.scope_fields(chosen, units))
        with st.form("acc_scope"):
            st.selectbox(t("acc.role", lang), ROLES, format_func=lambda r: t(f"role.{r}", lang), key="acc_edit_role")
            st.multiselect(t("acc.units", lang), units, format_func=unit_name, key="acc_edit_units",
                           placeholder=t("acc.choose_units", lang))
            st.text_input(t("acc.agency", lang), key="acc_edit_agency")
            st.form_submit_button(t("acc.save_scope", lang), on_click=parts.save_scope, args=(desk, name))
        c1, c2 = st.columns(2)
        if chosen.disabled:
            c1.button(t("acc.enable", lang), key="acc_enable", on_click=parts.set_disabled, args=(desk, name, False))
        else:
            c1.button(t("acc.disable", lang), key="acc_disable", on_click=parts.set_disabled, args=(desk, name, True))
        c2.button(t("acc.unlock", lang), key="acc_unlock", on_click=parts.unlock, args=(desk, name))
        with st.form("acc_reset"):
            st.text_input(t("acc.reset_password", lang), type="password", key="acc_reset_password")
            st.form_submit_button(t("acc.reset", lang), on_click=parts.reset_password, args=(desk, name))
        with st.form("acc_remove"):
            st.checkbox(t("acc.remove_confirm", lang), key="acc_remove_sure")
            st.form_submit_button(t("acc.remove", lang), on_click=parts.remove, args=(desk, name))
