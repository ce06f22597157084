"""Issue 13, item 7 in a real browser, against the production entry (`python -m tracker.server`, what
`make run` starts: app.py's st.App with the sign-in routes): a sign-in survives a reload and a new tab;
the cookie is HttpOnly and SameSite=Strict; removing the account through the CLI ends it at the next
reload; signing out ends it too."""

from __future__ import annotations

import time

import pytest

from tests.support.browser import needs_chromium
from tests.support.browser import sign_in as _sign_in
from tests.support.browser import wait_ready as _wait_ready
from tests.support.installation import cli, tracker_variables
from tests.support.servers import served_demo
from tracker.web.routes import COOKIE_NAME

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The production server on a free port over its own demo database, started like `make run`."""
    accounts = [("canbo.khanhhoa", "uploader", "mat-khau-kh-2026", ("khanh-hoa",)),
                ("canbo.tamthoi", "uploader", "mat-khau-tt-2026", ("khanh-hoa",))]
    with served_demo(tmp_path_factory.mktemp("e2e_cookie"), accounts) as served:
        yield served


def _cli(server, *args, input=None):
    return cli(tracker_variables(server), *args, input=input)


def _session_cookie(context, timeout: float = 15.0) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
        if found:
            return found[0]
        time.sleep(0.2)
    return None


def _signed_in_as(page, user) -> None:
    page.get_by_text(f"Đang đăng nhập: {user}").wait_for()


def _signed_out(page) -> None:
    _wait_ready(page)
    page.get_by_role("button", name="Đăng nhập").wait_for()
    assert page.get_by_text("Đang đăng nhập", exact=False).count() == 0


def test_sign_in_survives_reload_and_new_tab_until_removed(server, page, output_dir):
    _sign_in(page, server["url"], "canbo.tamthoi", "mat-khau-tt-2026")
    cookie = _session_cookie(page.context)
    assert cookie is not None, "the browser never got the session cookie"
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert page.evaluate("() => document.cookie").find(COOKIE_NAME) == -1   # scripts cannot read it

    page.reload()
    _wait_ready(page)
    _signed_in_as(page, "canbo.tamthoi")

    other = page.context.new_page()   # a link opened in a new tab: the upload page, for uploaders only
    other.goto(server["url"] + "/nhap-so-lieu")
    _wait_ready(other)
    _signed_in_as(other, "canbo.tamthoi")
    other.get_by_role("heading", name="Nhập số liệu").wait_for()
    other.screenshot(path=str(output_dir / "e2e_cookie_new_tab.png"), full_page=True)
    other.close()

    done = _cli(server, "user", "remove", "canbo.tamthoi")
    assert done.returncode == 0, done.stdout + done.stderr
    page.reload()
    _signed_out(page)
    page.goto(server["url"] + "/nhap-so-lieu")
    _signed_out(page)


def test_password_change_through_the_cli_ends_the_cookie_session(server, page):
    _sign_in(page, server["url"], "canbo.khanhhoa", "mat-khau-kh-2026")
    assert _session_cookie(page.context) is not None
    done = _cli(server, "user", "passwd", "canbo.khanhhoa", "--password-stdin", input="mat-khau-kh-2027\n")
    assert done.returncode == 0, done.stdout + done.stderr
    page.reload()
    _signed_out(page)
    _sign_in(page, server["url"], "canbo.khanhhoa", "mat-khau-kh-2027")   # the new password works


def test_sign_out_ends_the_cookie_session(server, page):
    _sign_in(page, server["url"], "canbo.khanhhoa", "mat-khau-kh-2027")
    token = _session_cookie(page.context)["value"]
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Đăng nhập").wait_for()
    deadline = time.monotonic() + 15
    while any(c["name"] == COOKIE_NAME for c in page.context.cookies()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(c["name"] == COOKIE_NAME for c in page.context.cookies()), "the sign-out left the cookie"
    page.reload()
    _signed_out(page)
    # The server forgot the session: the old cookie value, sent again by hand, signs nobody in.
    page.context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": server["url"]}])
    page.reload()
    _signed_out(page)
