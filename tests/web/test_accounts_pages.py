"""The «Tài khoản» and «Nhật ký kiểm tra» pages, and public_pages = "none", through AppTest on a copy of
the seeded demo (the real server and browser: tests/e2e/test_accounts_browser.py)."""

from __future__ import annotations

import pytest

from tests.support.pages import dashboard, rerun, texts, try_sign_in
from tests.support.pages import run as open_page
from tests.support.pages import users as users_file
from tracker.accounts.users import User
from tracker.storage import Store

ADMIN = User("quantri.tk", "admin", (), "")


def test_accounts_and_audit_pages_are_for_admins_only(own_copy):
    for page in ("views/accounts.py", "views/audit.py"):
        for user in (None, User("canbo.tk", "uploader", ("khanh-hoa",), ""), User("duyet.tk", "approver", ("khanh-hoa",), "")):
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                open_page(page, user)
        assert "Tài khoản" in texts(open_page(page, ADMIN)) or "Nhật ký" in texts(open_page(page, ADMIN))


def test_add_change_disable_reset_remove_on_the_page(own_copy):
    at = open_page("views/accounts.py", ADMIN)
    at.text_input(key="acc_new_name").input("lanhdao.bn")
    at.selectbox(key="acc_new_role").set_value("viewer")
    at.multiselect(key="acc_new_units").set_value(["bac-ninh"])
    next(b for b in at.button if b.label == "Tạo tài khoản").click()
    rerun(at)
    assert any("Đã tạo người dùng lanhdao.bn" in s.value for s in at.success)
    password = at.code[0].value                      # generated, shown once
    assert users_file().authenticate("lanhdao.bn", password).units == ("bac-ninh",)
    table = at.dataframe[0].value
    row = table[table["Tên đăng nhập"] == "lanhdao.bn"].iloc[0]
    assert (row["Vai trò"], row["Đơn vị"], row["Trạng thái"]) == ("xem", "Bắc Ninh", "đang hoạt động")
    rerun(at)
    assert not at.code                               # not shown a second time

    # a refusal is a message naming what is wrong, nothing stored
    at.text_input(key="acc_new_name").input("canbo.thieu")
    at.selectbox(key="acc_new_role").set_value("uploader")
    next(b for b in at.button if b.label == "Tạo tài khoản").click()
    rerun(at)
    assert any("cần ít nhất một đơn vị" in e.value for e in at.error) and users_file().get("canbo.thieu") is None

    # change: the viewer becomes Khánh Hòa's uploader for Sở KH&CN
    at.selectbox(key="acc_pick").set_value("lanhdao.bn")
    rerun(at)
    at.selectbox(key="acc_edit_role").set_value("uploader")
    at.multiselect(key="acc_edit_units").set_value(["khanh-hoa"])
    at.text_input(key="acc_edit_agency").input("so-khcn")
    next(b for b in at.button if b.label == "Lưu vai trò, đơn vị, cơ quan").click()
    rerun(at)
    changed = users_file().get("lanhdao.bn")
    assert (changed.role, changed.units, changed.agency) == ("uploader", ("khanh-hoa",), "so-khcn")

    at.button(key="acc_disable").click()
    rerun(at)
    assert users_file().get("lanhdao.bn").disabled
    at.button(key="acc_enable").click()
    rerun(at)
    assert not users_file().get("lanhdao.bn").disabled
    at.text_input(key="acc_reset_password").input("mat-khau-moi-2026")
    next(b for b in at.button if b.label == "Đặt lại mật khẩu").click()
    rerun(at)
    assert users_file().authenticate("lanhdao.bn", "mat-khau-moi-2026") is not None and not at.code
    at.button(key="acc_unlock").click()
    rerun(at)
    assert users_file().get("lanhdao.bn").unlocked_at is not None

    next(b for b in at.button if b.label == "Xóa tài khoản").click()   # not confirmed: nothing removed
    rerun(at)
    assert users_file().get("lanhdao.bn") is not None and any("xác nhận" in e.value for e in at.error)
    at.checkbox(key="acc_remove_sure").check()
    next(b for b in at.button if b.label == "Xóa tài khoản").click()
    rerun(at)
    assert users_file().get("lanhdao.bn") is None

    # the admin cannot remove themselves on the page
    at.selectbox(key="acc_pick").set_value(ADMIN.username)
    rerun(at)
    at.checkbox(key="acc_remove_sure").check()
    next(b for b in at.button if b.label == "Xóa tài khoản").click()
    rerun(at)
    assert users_file().get(ADMIN.username) is not None and any("chính mình" in e.value for e in at.error)

    with Store(str(own_copy / "tracker.duckdb")) as store:
        mine = [e.event for e in reversed(store.audit_log(username="lanhdao.bn"))]
    assert mine == ["user_add", "user_role", "user_units", "user_agency", "user_disable", "user_enable",
                    "user_passwd", "user_unlock", "user_remove"]

    # the audit page, filtered to account changes of lanhdao.bn
    log = open_page("views/audit.py", ADMIN)
    log.selectbox(key="aud_who").set_value("lanhdao.bn")
    log.multiselect(key="aud_kinds").set_value(["account"])
    rerun(log)
    frame = log.dataframe[0].value
    assert set(frame["Người dùng"]) == {"lanhdao.bn"} and len(frame) == 9
    assert "thêm người dùng" in set(frame["Việc"]) and set(frame["Loại"]) == {"Tài khoản"}
    log.multiselect(key="aud_kinds").set_value(["golive"])
    rerun(log)
    assert not log.dataframe and "Không có mục nào khớp" in texts(log)


def test_internal_installation_shows_only_the_sign_in_box(own_copy):
    (own_copy / "test-settings.toml").open("a", encoding="utf-8").write('public_pages = "none"\n')
    at = dashboard()
    body = texts(at)
    assert "bản cài đặt nội bộ" in body and not at.metric and not at.dataframe
    assert at.text_input(key="login_user") is not None
    users_file().add_user("lanhdao.bn", "viewer", "mat-khau-2026", units=("bac-ninh",))
    try_sign_in(at, "lanhdao.bn", "mat-khau-2026")
    assert "bản cài đặt nội bộ" not in texts(at)
    # the overview opens on the targets Bắc Ninh holds (set by Bắc Giang before the merger), and only those
    assert at.selectbox(key="overview_unit").value == "bac-giang"
    assert at.selectbox(key="overview_unit").options == ["Bắc Giang (nay thuộc Bắc Ninh)"]
    unit = open_page("views/unit.py", User("lanhdao.bn", "viewer", ("bac-ninh",), ""))
    assert set(unit.selectbox[0].options) == {"Bắc Giang (nay thuộc Bắc Ninh)", "Bắc Ninh"}
