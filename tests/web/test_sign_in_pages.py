"""Sign-in, throttling, revocation, idle timeout and private history through AppTest (issue 13).

Each test works on its own copy of the seeded installation (own_copy); user names are unique per
test because the throttle lives for the whole test process, as it does in a server process."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import ROOT
from tests.support.forms import khanh_hoa_form
from tests.support.pages import XLSX, dashboard, rerun, signed_in_as, texts, try_sign_in, users
from tests.support.pages import run as open_page
from tracker.accounts.users import User

KH = ("khanh-hoa",)


def submissions() -> list:
    from tracker.core.settings import load_settings
    from tracker.storage import Store

    s = load_settings()
    with Store(s.db_path, s.archive_dir) as store:
        return [(x.id, x.status) for x in store.submissions()]


def sidebar(at: AppTest) -> str:
    return texts(at)


def test_wrong_password_is_refused_and_the_field_emptied_then_the_right_one_signs_in(own_copy):
    users().add_user("canbo.a", "uploader", "mat-khau-a-2026", units=KH)
    at = try_sign_in(dashboard(), "canbo.a", "sai-mat-khau")
    assert "Sai tên đăng nhập hoặc mật khẩu." in sidebar(at)
    assert at.text_input(key="login_password").value == ""
    assert at.text_input(key="login_user").value == "canbo.a"
    at = try_sign_in(at, "canbo.a", "mat-khau-a-2026")
    assert signed_in_as(at) == "canbo.a"


def test_backoff_then_lock_then_unlock_by_the_cli(own_copy, tmp_path, monkeypatch, capsys):
    from tracker.cli import main

    settings = tmp_path / "settings.toml"
    settings.write_text("signin_backoff_after = 3\nsignin_lock_after = 4\nsignin_lock_minutes = 15\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings))
    users().add_user("canbo.b", "uploader", "mat-khau-b-2026", units=KH)
    at = dashboard()
    for _ in range(3):
        at = try_sign_in(at, "canbo.b", "sai-mat-khau")
    assert "Đã đăng nhập sai 3 lần liên tiếp: hãy chờ 2 giây rồi thử lại." in sidebar(at)
    at = try_sign_in(at, "canbo.b", "mat-khau-b-2026")   # at once: the right password waits too
    assert "hãy chờ" in sidebar(at) and signed_in_as(at) is None
    time.sleep(2.1)
    at = try_sign_in(at, "canbo.b", "sai-mat-khau")      # the 4th failure locks
    assert "tạm khóa đăng nhập 15 phút" in sidebar(at) and "thử lại sau 15 phút" in sidebar(at)
    at = try_sign_in(at, "canbo.b", "mat-khau-b-2026")
    assert "tạm khóa" in sidebar(at) and signed_in_as(at) is None
    assert main(["user", "unlock", "canbo.b"]) == 0
    assert "canbo.b" in capsys.readouterr().out
    time.sleep(1.1)  # the unlock forgives failures up to the second after it was given
    at = try_sign_in(at, "canbo.b", "mat-khau-b-2026")
    assert signed_in_as(at) == "canbo.b"


@pytest.mark.parametrize("revoke, notice", [
    (lambda s: s.remove_user("canbo.rev"), "không còn tồn tại"),
    (lambda s: s.set_disabled("canbo.rev", True), "bị vô hiệu hóa"),
    (lambda s: s.set_password("canbo.rev", "mat-khau-moi-2026"), "đăng nhập lại"),
])
def test_revoked_account_is_signed_out_at_its_next_click_and_its_upload_refused(own_copy, revoke, notice):
    before = submissions()
    at = open_page("views/upload.py", User("canbo.rev", "uploader", KH, ""))
    name, content, _ = khanh_hoa_form(4321)
    at.file_uploader(key="uploader").upload(name, content, XLSX)
    rerun(at)
    at.checkbox[0].check()
    rerun(at)
    assert not at.button(key="confirm").disabled
    revoke(users())
    at.button(key="confirm").click()
    rerun(at)
    assert notice in sidebar(at)
    assert signed_in_as(at) is None
    assert not any("Đã lưu lần nộp" in s.value for s in at.success)
    assert submissions() == before  # the refusal left the database unchanged


def test_role_and_units_are_read_fresh(own_copy):
    at = open_page("views/upload.py", User("canbo.units", "uploader", KH, ""))
    assert at.selectbox[0].options == ["Khánh Hòa"]
    store = users()
    text = store.path.read_text(encoding="utf-8").replace('units = ["khanh-hoa"]', 'units = ["lam-dong"]')
    store.path.write_text(text, encoding="utf-8")
    rerun(at)
    assert at.selectbox[0].options == ["Lâm Đồng"]


def test_idle_timeout_signs_out_but_keeps_a_checked_upload_until_sign_in(own_copy):
    from dataclasses import replace

    before = submissions()
    users().add_user("canbo.idle", "uploader", "mat-khau-idle-2026", units=KH)
    at = open_page("views/upload.py", User("canbo.idle", "uploader", KH, ""))
    name, content, _ = khanh_hoa_form(4321)
    at.file_uploader(key="uploader").upload(name, content, XLSX)
    rerun(at)
    at.checkbox[0].check()
    rerun(at)
    # an hour and a minute without a click (the clock is injected through the session's last click)
    at.session_state["auth"] = replace(at.session_state["auth"], last_seen=time.time() - 61 * 60)
    rerun(at)
    assert "không hoạt động 60 phút" in sidebar(at)
    assert "Tệp đã kiểm tra vẫn được giữ" in texts(at)
    assert at.button(key="confirm").disabled
    assert submissions() == before
    at = try_sign_in(at, "canbo.idle", "mat-khau-idle-2026")
    assert signed_in_as(at) == "canbo.idle"
    at.checkbox[0].check()
    rerun(at)
    at.button(key="confirm").click()
    rerun(at)
    assert any("Đã lưu lần nộp" in s.value for s in at.success)
    assert len(submissions()) == len(before) + 1


def test_anonymous_history_shows_no_names_reasons_or_files(own_copy):
    admin = User("quantri.h", "admin", (), "")
    at = open_page("views/history.py", admin)
    chosen = at.selectbox(key="hist_pick").value
    at.text_input(key="withdraw_reason").input("Nộp nhầm kỳ — lý do riêng")
    at.button[[b.label for b in at.button].index("Rút lần nộp này")].click()
    rerun(at)
    at.button(key="withdraw_confirm").click()   # the page states the effect and asks once more
    rerun(at)
    assert at.get("download_button")  # the admin gets the original

    anon = open_page("views/history.py", None)
    frame = anon.dataframe[0].value
    assert {"Người nộp", "Tệp", "Lý do rút"}.isdisjoint(frame.columns)
    assert {"Đơn vị", "Kỳ", "Thời điểm", "Số liệu", "Trạng thái"} <= set(frame.columns)
    anon.selectbox(key="hist_pick").set_value(chosen)
    rerun(anon)
    body = texts(anon)
    assert "lý do riêng" not in body and "quantri.h" not in body and "demo" not in body.split("Chọn lần nộp")[-1]
    assert "Đã rút lúc" in body
    assert not [d for d in anon.get("download_button") if "tệp gốc" in str(d.proto.label)]
    revisions = anon.dataframe[-1].value
    assert {"Người nộp", "Tệp"}.isdisjoint(revisions.columns)


def test_original_files_go_to_that_units_staff_and_admins_only(own_copy):
    at = open_page("views/history.py", User("canbo.kh.h", "uploader", KH, ""))
    frame = at.dataframe[0].value
    assert "Người nộp" in frame.columns  # any signed-in user sees names
    originals = lambda a: [d for d in a.get("download_button") if "tệp gốc" in str(d.proto.label)]  # noqa: E731
    own = int(frame[frame["Đơn vị"] == "Khánh Hòa"].iloc[0]["#"])
    other = int(frame[frame["Đơn vị"] != "Khánh Hòa"].iloc[0]["#"])
    at.selectbox(key="hist_pick").set_value(own)
    rerun(at)
    assert originals(at)
    at.selectbox(key="hist_pick").set_value(other)
    rerun(at)
    assert not originals(at)
    viewer = open_page("views/history.py", User("lanhdao.h", "viewer", (), ""))
    viewer.selectbox(key="hist_pick").set_value(own)
    rerun(viewer)
    assert not originals(viewer)


def test_a_user_changes_their_own_password_and_their_other_sessions_end(own_copy):
    users().add_user("canbo.pw", "viewer", "mat-khau-cu-2026")
    other_tab = dashboard()
    other_tab = try_sign_in(other_tab, "canbo.pw", "mat-khau-cu-2026")
    at = try_sign_in(dashboard(), "canbo.pw", "mat-khau-cu-2026")
    at.text_input(key="pw_current").input("mat-khau-cu-2026")
    at.text_input(key="pw_new").input("mat-khau-moi-2026")
    at.text_input(key="pw_repeat").input("mat-khau-moi-2026")
    next(b for b in at.button if b.label == "Đổi mật khẩu").click()
    rerun(at)
    assert "Đã đổi mật khẩu" in texts(at)
    assert signed_in_as(at) == "canbo.pw"                 # this tab goes on
    assert at.text_input(key="pw_new").value == ""
    rerun(other_tab)
    assert signed_in_as(other_tab) is None                # the other one is signed out at its next click
    assert users().authenticate("canbo.pw", "mat-khau-moi-2026") is not None


def test_dashboard_sign_ins_are_audited(own_copy):
    from tracker.core.settings import load_settings
    from tracker.storage import Store

    users().add_user("canbo.au", "viewer", "mat-khau-au-2026")
    at = try_sign_in(dashboard(), "canbo.au", "sai-mat-khau")
    at = try_sign_in(at, "canbo.au", "mat-khau-au-2026")
    s = load_settings()
    with Store(s.db_path, s.archive_dir) as store:
        mine = [e.event for e in reversed(store.audit_log(username="canbo.au"))]
    assert mine == ["signin_failed", "signin_ok"]


def test_safe_defaults_error_details_hidden_and_one_upload_limit(own_copy, tmp_path, monkeypatch):
    import tomllib

    from streamlit import config

    conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert conf["client"]["showErrorDetails"] == "none"
    settings = tmp_path / "settings.toml"
    settings.write_text("upload_max_mb = 3\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings))
    before = config.get_option("server.maxUploadSize")
    try:
        at = open_page("views/upload.py", User("canbo.mb", "uploader", KH, ""))
        assert config.get_option("server.maxUploadSize") == 3      # what the upload route enforces
        assert at.get("file_uploader")[0].proto.max_upload_size_mb == 3
    finally:
        config.set_option("server.maxUploadSize", before)
