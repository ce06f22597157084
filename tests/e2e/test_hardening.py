"""Issue 19 items 7–9 against the real server (`python -m tracker.server`, app.py's routes) on 127.0.0.1,
as bounded loops that stop by themselves.

- 8: a bind body far larger than a token is refused with 413 and never read into memory; a burst of
  sign-outs is held to a budget (429), never a 500, and the dashboard stays up.
- 9: sign-out expires the cookie at every path it could have been planted at; a request carrying the
  session cookie twice is refused.
- 7: wrong passwords from one client (through a trusted proxy: the header names it) keep that client
  waiting, while the account's owner at another address signs in at once, in a real browser.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time

import pytest

from tests.support import ROOT
from tracker.server import free_port, wait_until_healthy
from tracker.web.routes import BIND_PATH, PLANTABLE_PATHS, ROUTE_BURST, SIGN_OUT_PATH


def _rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.support import TODAY
    from tracker.accounts.users import UserStore

    base = tmp_path_factory.mktemp("e2e_harden")
    settings = base / "settings.toml"
    # 127.0.0.1 is the proxy: the browser contexts below name their client in X-Forwarded-For
    settings.write_text('trusted_proxies = ["127.0.0.1"]\nsignin_backoff_after = 3\nsignin_lock_after = 6\n',
                        encoding="utf-8")
    seeded = {"TRACKER_DB": str(base / "tracker.duckdb"), "TRACKER_USERS": str(base / "users.toml"),
              "TRACKER_TODAY": TODAY, "TRACKER_SETTINGS": str(settings)}
    env = {**os.environ, **seeded, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tracker", "seed", "--if-empty"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    UserStore(seeded["TRACKER_USERS"]).add_user("quantri.hai", "admin", "mat-khau-qt-2026")
    port = free_port()
    log = open(base / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker.server", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not wait_until_healthy(url, proc, timeout=90):
        proc.kill()
        raise RuntimeError("server did not start: " + (base / "server.log").read_text(errors="replace")[-2000:])
    yield {"url": url, "port": port, "pid": proc.pid, "log": base / "server.log"}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _post(server, path: str, body: bytes = b"", headers: dict | None = None, xff: str = "192.0.2.10"):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    host = f"127.0.0.1:{server['port']}"
    conn.request("POST", path, body=body, headers={"Host": host, "Origin": f"http://{host}", "X-Forwarded-For": xff,
                                                   "Content-Type": "text/plain", **(headers or {})})
    answer = conn.getresponse()
    out = (answer.status, answer.getheaders(), answer.read())
    conn.close()
    return out


def _stream(server, path: str, total: int, *, declared: bool, xff: str) -> int | None:
    """POST ``total`` bytes in 1 MB pieces (with or without Content-Length); the status, or None when the
    server closed the connection before answering (it read no further)."""
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    host = f"127.0.0.1:{server['port']}"
    conn.putrequest("POST", path)
    for k, v in {"Host": host, "Origin": f"http://{host}", "X-Forwarded-For": xff, "Content-Type": "text/plain"}.items():
        conn.putheader(k, v)
    if declared:
        conn.putheader("Content-Length", str(total))
    else:
        conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    piece = b"A" * 1_000_000
    try:
        for _ in range(total // len(piece)):
            conn.send(piece if declared else b"%x\r\n%s\r\n" % (len(piece), piece))
        if not declared:
            conn.send(b"0\r\n\r\n")
        status = conn.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = None
    conn.close()
    return status


def test_a_huge_bind_body_is_refused_unread_and_a_burst_is_held_to_a_budget(server):
    before = _rss_mb(server["pid"])
    assert _stream(server, BIND_PATH, 300_000_000, declared=True, xff="192.0.2.21") in (413, None)
    assert _stream(server, BIND_PATH, 300_000_000, declared=False, xff="192.0.2.22") in (413, None)
    status, _, _ = _post(server, BIND_PATH, b"x" * 5000, xff="192.0.2.23")
    assert status == 413
    grown = _rss_mb(server["pid"]) - before
    print(f"RSS before {before:.0f} MB, grown {grown:.0f} MB after 600 MB of bodies; load {os.getloadavg()}")
    assert grown < 100
    # a bounded burst of 60 sign-outs from one client: the budget, then 429; never a 500
    started = time.monotonic()
    statuses = [_post(server, SIGN_OUT_PATH, xff="192.0.2.30")[0] for _ in range(60)]
    print(f"60 sign-outs in {time.monotonic() - started:.2f} s: {sorted(set(statuses))}")
    assert statuses[:ROUTE_BURST] == [204] * ROUTE_BURST and set(statuses[ROUTE_BURST:]) <= {204, 429}
    assert statuses.count(429) >= 40 and 500 not in statuses
    assert _post(server, SIGN_OUT_PATH, xff="192.0.2.31")[0] == 204       # another client is not held back
    assert wait_until_healthy(server["url"], timeout=10)


def test_sign_out_expires_every_plantable_path_and_a_doubled_cookie_is_refused(server):
    status, headers, _ = _post(server, SIGN_OUT_PATH, xff="192.0.2.40")
    assert status == 204
    paths = {v.split("Path=")[1].split(";")[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("nq45_session=")}
    assert paths == set(PLANTABLE_PATHS)
    doubled = "nq45_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; nq45_session=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    assert _post(server, SIGN_OUT_PATH, headers={"Cookie": doubled}, xff="192.0.2.41")[0] == 400


def test_an_attack_from_one_client_never_locks_the_owner_out(server):
    from tests.support.browser import CHROMIUM, LAUNCH_ARGS
    from tests.support.browser import wait_ready as _wait_ready

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    def attempt(page, password):
        page.get_by_label("Tên đăng nhập").fill("quantri.hai")
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_timeout(300)
        _wait_ready(page)
        return page.locator('[data-testid="stSidebar"]').inner_text()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            attacker = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.7"}).new_page()
            attacker.set_default_timeout(60_000)
            attacker.goto(server["url"])
            _wait_ready(attacker)
            refused = 0
            deadline = time.monotonic() + 120
            for n in range(12):                   # bounded: 12 wrong passwords, two minutes at most
                text = attempt(attacker, f"doan-sai-{n}")
                refused += ("hãy chờ" in text) or ("tạm khóa" in text)
                if time.monotonic() > deadline:
                    break
            assert refused >= 3, "the attacker's own client was never made to wait"
            text = attempt(attacker, "mat-khau-qt-2026")   # the right password, from the attacker's client: held
            assert ("hãy chờ" in text or "tạm khóa" in text) and "Đang đăng nhập" not in text
            owner = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.9"}).new_page()
            owner.set_default_timeout(60_000)
            owner.goto(server["url"])
            _wait_ready(owner)
            attempt(owner, "mat-khau-qt-2026")
            owner.get_by_text("Đang đăng nhập: quantri.hai").wait_for(timeout=30_000)
        finally:
            browser.close()
