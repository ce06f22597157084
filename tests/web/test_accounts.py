"""The accounts page's rows and fields (tracker.web.accounts), without Streamlit running."""

from __future__ import annotations

from types import SimpleNamespace

from tracker.core.i18n import t
from tracker.web import accounts as acc


def account(name, role, units=(), agency=None, disabled=False, email=""):
    return SimpleNamespace(username=name, role=role, units=units, agency=agency, disabled=disabled, email=email)


def test_accounts_are_listed_with_their_units_by_name_and_all_units_for_admins_and_untied_viewers():
    rows = acc.account_rows([account("quantri", "admin"), account("lanhdao", "viewer"), account("canbo", "uploader"),
                             account("ld", "uploader", ("lam-dong",), "Sở KH&CN", True, "ld@x.vn")],
                            {"lam-dong": "Lâm Đồng"}.get, "vi")
    units, state = t("acc.col.units", "vi"), t("acc.col.state", "vi")
    assert [r[units] for r in rows] == [t("acc.all_units", "vi"), t("acc.all_units", "vi"), "—", "Lâm Đồng"]
    assert rows[3][state] == t("acc.disabled", "vi") and rows[0][state] == t("acc.active", "vi")
    assert rows[3][t("acc.col.agency", "vi")] == "Sở KH&CN" and rows[0][t("acc.col.agency", "vi")] == ""
    assert rows[1][t("acc.col.role", "vi")] == t("role.viewer", "vi")


def test_the_change_form_starts_from_the_account_picked_among_the_units_offered():
    fields = acc.scope_fields(account("ld", "approver", ("lam-dong", "old-unit"), None), ["lam-dong", "bac-ninh"])
    assert fields == {"acc_edit_for": "ld", "acc_edit_role": "approver", "acc_edit_units": ["lam-dong"], "acc_edit_agency": ""}


def test_a_new_accounts_fields_are_trimmed_and_empty_ones_left_to_the_desk():
    typed = {"acc_new_name": "  canbo.moi ", "acc_new_role": "uploader", "acc_new_units": ["lam-dong"],
             "acc_new_agency": "  ", "acc_new_email": None, "acc_new_password": ""}
    assert acc.new_account(typed.get) == {"name": "canbo.moi", "role": "uploader", "units": ["lam-dong"], "agency": None,
                                          "email": "", "password": None}
    assert acc.new_account({}.get)["units"] == ()
