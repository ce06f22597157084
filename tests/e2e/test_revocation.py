"""Issue 13 in a real browser: an uploader signs in and checks a file, an admin removes the account
through the command line while the dashboard runs, and the uploader's next click (Confirm) is
refused: signed out, nothing stored."""

from __future__ import annotations

import subprocess

from tests.support.browser import needs_chromium
from tests.support.browser import sign_in as _sign_in
from tests.support.installation import cli, tracker_variables

pytestmark = needs_chromium


def _cli(server, *args) -> subprocess.CompletedProcess:
    return cli(tracker_variables(server), *args)


def _submission_count(server) -> int:
    from tracker.storage import Store

    with Store(server["TRACKER_DB"]) as store:   # beside the running dashboard
        return len(store.submissions())


def test_account_removed_through_the_cli_cannot_confirm_its_upload(server, page, output_dir, tmp_path):
    from tracker.accounts.users import UserStore
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form
    from tracker.forms.workbook import build_form

    UserStore(server["TRACKER_USERS"]).add_user("canbo.tamthoi", "uploader", "mat-khau-tt-2026", units=("khanh-hoa",))
    _sign_in(page, server["url"], "canbo.tamthoi", "mat-khau-tt-2026")
    page.get_by_role("link", name="Nhập số liệu").click()
    page.get_by_role("heading", name="Nhập số liệu").wait_for()
    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    upload = tmp_path / "nq45_khanh-hoa_2026-Q3.xlsx"
    upload.write_bytes(fill_form(build_form(cat, "khanh-hoa", "2026-Q3"), {(stock.id, ""): 9876}))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_text("4. Xem trước thay đổi").wait_for()
    confirm = page.get_by_role("button", name="Xác nhận lưu")
    confirm.wait_for()                       # drawn after the warnings tick box, if there is one
    warning_box = page.get_by_text("Tôi đã kiểm tra", exact=False)
    if warning_box.count():
        warning_box.first.click()
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('Xác nhận lưu') && !b.disabled)")
    before = _submission_count(server)

    done = _cli(server, "user", "remove", "canbo.tamthoi")
    assert done.returncode == 0, done.stdout + done.stderr

    confirm.click()
    page.get_by_text("Tài khoản của bạn không còn tồn tại", exact=False).wait_for()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(output_dir / "e2e_revoked.png"), full_page=True)
    assert page.get_by_text("Đã lưu lần nộp", exact=False).count() == 0
    assert page.get_by_role("button", name="Đăng xuất").count() == 0
    assert _submission_count(server) == before
