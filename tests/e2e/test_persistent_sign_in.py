"""Issue 13, item 7 in a real browser, against the production entry (`python -m tracker.server`, what
`make run` starts: app.py's st.App with the sign-in routes): a sign-in survives a reload and a new tab;
the cookie is HttpOnly and SameSite=Strict; removing the account through the CLI ends it at the next
reload; signing out ends it too."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.e2e.test_browser import _sign_in, _wait_ready, browser, page, pytestmark  # noqa: F401
from tests.e2e.test_revocation import _cli
from tracker.server import free_port, wait_until_healthy
from tracker.sessions import COOKIE_NAME


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The production server on a free port over its own demo database, started like `make run`."""
    from tests.conftest import TODAY
    from tracker.access import UserStore

    base = tmp_path_factory.mktemp("e2e_cookie")
    seeded = {"TRACKER_DB": str(base / "tracker.duckdb"), "TRACKER_USERS": str(base / "users.toml"),
              "TRACKER_TODAY": TODAY}
    env = {**os.environ, **seeded, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tracker", "seed", "--if-empty"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    users = UserStore(seeded["TRACKER_USERS"])
    users.add_user("canbo.khanhhoa", "uploader", "mat-khau-kh-2026", units=("khanh-hoa",))
    users.add_user("canbo.tamthoi", "uploader", "mat-khau-tt-2026", units=("khanh-hoa",))
    port = free_port()
    log = open(base / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker.server", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not wait_until_healthy(url, proc, timeout=60):
        proc.kill()
        raise RuntimeError("server did not start: " + (base / "server.log").read_text(errors="replace")[-2000:])
    yield {"url": url, **seeded}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


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
    env = {**os.environ, "TRACKER_DB": server["TRACKER_DB"], "TRACKER_USERS": server["TRACKER_USERS"],
           "TRACKER_TODAY": server["TRACKER_TODAY"], "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tracker", "user", "passwd", "canbo.khanhhoa", "--password-stdin"],
                          cwd=ROOT, env=env, input="mat-khau-kh-2027\n", capture_output=True, text=True)
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
