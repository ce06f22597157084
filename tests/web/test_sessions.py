"""Sign-ins that survive a reload (issue 13, item 7): the server-side session store behind the cookie
(tracker.accounts.sessions), and the routes (tracker.web.routes) that set and clear the cookie.

The browser flow itself (sign in, reload, new tab, revocation, sign-out) is tests/e2e/test_persistent_sign_in.py."""

from __future__ import annotations

import pytest

from tracker.accounts.sessions import resume_session

from tracker.accounts.users import UserStore
from tracker.accounts.sessions import BIND_SECONDS, SessionStore, digest
from tracker.web import routes
from tracker.web.routes import same_origin
from tracker.storage import Store

T0 = 1_800_000_000.0


@pytest.fixture(params=["duckdb", "postgresql"])
def web(request, tmp_path):
    """The same store on both engines (PostgreSQL: a throwaway cluster, skipped where there is none)."""
    target = tmp_path / "t.duckdb" if request.param == "duckdb" else request.getfixturevalue("pg_url")
    with Store(target, tmp_path / "archive") as store:
        yield SessionStore(store)


def _bound(web, username="canbo", epoch=0, now=T0, account="") -> tuple[str, str]:
    sid, bind = web.begin(username, epoch, account=account, now=now)
    token = web.bind(bind, now=now + 1)
    assert token is not None
    return sid, token


def test_create_bind_and_find(web):
    sid, bind = web.begin("canbo", 3, now=T0)
    assert web.find(bind) is None                  # a binding token is not a session token
    token = web.bind(bind, now=T0 + 5)
    found = web.find(token)
    assert (found.id, found.username, found.epoch, found.created_at, found.last_seen) == (sid, "canbo", 3, T0, T0 + 5)
    assert web.find("not-a-token") is None
    assert web.find("") is None


def test_binding_token_is_single_use(web):
    _, bind = web.begin("canbo", 0, now=T0)
    assert web.bind(bind, now=T0 + 1) is not None
    assert web.bind(bind, now=T0 + 2) is None
    assert web.count() == 1


def test_binding_token_expires(web):
    _, bind = web.begin("canbo", 0, now=T0)
    assert web.bind(bind, now=T0 + BIND_SECONDS + 1) is None
    assert web.bind("made-up", now=T0 + 1) is None


def test_tokens_are_stored_hashed_only(web):
    sid, bind = web.begin("canbo", 0, now=T0)
    with web.store._cursor() as cur:
        pending = cur.execute("SELECT * FROM web_sessions").fetchall()
    assert bind not in repr(pending) and digest(bind) in repr(pending)
    token = web.bind(bind, now=T0 + 1)
    with web.store._cursor() as cur:
        bound = cur.execute("SELECT * FROM web_sessions").fetchall()
    assert token not in repr(bound) and digest(token) in repr(bound)
    assert digest(bind) not in repr(bound)           # spent: nothing left to bind with


def test_touch_end_and_purge(web):
    sid, token = _bound(web)
    assert web.touch(sid, now=T0 + 600)
    assert web.find(token).last_seen == T0 + 600
    assert web.touch(sid, now=T0 + 300)              # an older time never moves it back
    assert web.find(token).last_seen == T0 + 600
    web.end(sid)
    assert web.find(token) is None
    assert web.touch(sid, now=T0 + 700) is False    # the tab learns it was signed out elsewhere

    _, other = _bound(web, now=T0)
    web.end(token=other)
    assert web.find(other) is None

    _, idle = _bound(web, now=T0)
    _, unbound = web.begin("canbo", 0, now=T0)
    web.purge(now=T0 + 61 * 60, idle_minutes=60)     # idle past the timeout, binding token past its time
    assert web.find(idle) is None and web.count() == 0


def test_revocation_and_idle_through_the_users_file(web, tmp_path):
    """What the dashboard does with a found session: resume it against the users file (tracker.accounts)."""
    users = UserStore(tmp_path / "users.toml", rounds=4)
    user = users.add_user("canbo", "uploader", "mat-khau-kh-2026", units=("khanh-hoa",))
    _, token = _bound(web, "canbo", user.epoch, now=T0, account=user.uid)
    found = web.find(token).as_tab_session()
    assert resume_session(found, users, now=T0 + 60, idle_minutes=60)[2] == "ok"
    assert resume_session(found, users, now=T0 + 62 * 60, idle_minutes=60)[2] == "idle"
    users.set_password("canbo", "mat-khau-moi-2026")
    assert resume_session(found, users, now=T0 + 60, idle_minutes=60)[2] == "password_changed"
    users.remove_user("canbo")
    assert resume_session(found, users, now=T0 + 60, idle_minutes=60)[2] == "removed"


def test_same_origin():
    assert same_origin("http://127.0.0.1:8501", "127.0.0.1:8501")
    assert same_origin("https://nq45.example.vn", "nq45.example.vn")
    assert not same_origin("https://evil.example", "nq45.example.vn")
    assert not same_origin(None, "nq45.example.vn")
    assert not same_origin("null", "nq45.example.vn")
    assert not same_origin("http://127.0.0.1:8501", None)


class _Answer:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]]):
        self.status_code = status
        self.all_set_cookies = [v.decode() for k, v in headers if k.lower() == b"set-cookie"]
        self.set_cookie = "; ".join(self.all_set_cookies)

    def cookie(self) -> str:
        return self.set_cookie.split(";")[0].split("=", 1)[1]

    def cookies(self) -> list[str]:
        return self.all_set_cookies


class _Client:
    """POSTs straight into the ASGI app of the two routes (no HTTP client library needed)."""

    def __init__(self):
        from starlette.applications import Starlette

        self.app = Starlette(routes=routes.routes())

    def post(self, path: str, body: str = "", headers: dict | None = None, cookie: str | None = None,
             client: str = "127.0.0.1") -> _Answer:
        import asyncio

        raw = [(b"host", b"nq45.test")] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if cookie:
            raw.append((b"cookie", f"{routes.COOKIE_NAME}={cookie}".encode()))
        scope = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http", "path": path,
                 "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw,
                 "client": (client, 50000), "server": ("nq45.test", 80)}
        sent: list[dict] = []

        async def receive():
            return {"type": "http.request", "body": body.encode(), "more_body": False}

        async def send(message):
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        return _Answer(start["status"], start.get("headers", []))


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "data" / "t.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "data" / "users.toml"))
    monkeypatch.setattr(routes, "_route_store", None)
    monkeypatch.setattr(routes, "_budget", routes.RouteBudget())
    (tmp_path / "data").mkdir()
    yield _Client()
    monkeypatch.setattr(routes, "_route_store", None)


def test_bind_route_sets_an_httponly_strict_cookie_once(client):
    web = routes._sessions_for_routes()
    _, bind = web.begin("canbo", 0)
    refused = client.post(routes.BIND_PATH, bind, {"Origin": "http://evil.test"})
    assert refused.status_code == 403 and refused.set_cookie == ""
    assert client.post(routes.BIND_PATH, bind).status_code == 403        # no Origin at all
    done = client.post(routes.BIND_PATH, bind, {"Origin": "http://nq45.test"})
    assert done.status_code == 204
    assert done.set_cookie.startswith(routes.COOKIE_NAME + "=")
    assert "HttpOnly" in done.set_cookie and "SameSite=strict" in done.set_cookie and "Secure" not in done.set_cookie
    assert web.find(done.cookie()).username == "canbo"
    assert client.post(routes.BIND_PATH, bind, {"Origin": "http://nq45.test"}).status_code == 403


def test_cookie_is_secure_behind_a_tls_proxy(client):
    _, bind = routes._sessions_for_routes().begin("canbo", 0)
    done = client.post(routes.BIND_PATH, bind, {"Origin": "http://nq45.test", "X-Forwarded-Proto": "https"})
    assert "Secure" in done.set_cookie
    # issue 19 item 9: over https the name carries the __Host- prefix (Path=/, no Domain)
    assert done.set_cookie.startswith("__Host-nq45_session=") and "Path=/" in done.set_cookie
    assert "Domain" not in done.set_cookie


def test_sign_out_expires_the_name_at_every_plantable_path_and_a_doubled_cookie_is_refused(client):
    out = client.post(routes.SIGN_OUT_PATH, headers={"Origin": "http://nq45.test"})
    expired = {c.split("Path=")[1].split(";")[0] for c in out.cookies() if c.startswith("nq45_session=")}
    assert expired == set(routes.PLANTABLE_PATHS) and "/_stcore/stream" in expired
    web = routes._sessions_for_routes()
    _, bind = web.begin("canbo", 0)
    token = client.post(routes.BIND_PATH, bind, {"Origin": "http://nq45.test"}).cookie()
    planted = {"Origin": "http://nq45.test", "Cookie": f"nq45_session={token}; nq45_session=PLANTEDPLANTEDPLANTED00"}
    assert client.post(routes.SIGN_OUT_PATH, headers=planted).status_code == 400
    assert routes.session_cookie(planted["Cookie"]) == (None, True)
    assert routes.session_cookie(f"a=1; nq45_session={token}") == (token, False)
    assert routes.session_cookie(f"__Host-nq45_session={token}; nq45_session={token}")[1]


def test_bind_reads_at_most_a_token_and_the_routes_have_a_budget_per_client(client):
    web = routes._sessions_for_routes()
    _, bind = web.begin("canbo", 0)
    big = client.post(routes.BIND_PATH, bind + "x" * 10_000, {"Origin": "http://nq45.test"})
    assert big.status_code == 413
    declared = client.post(routes.BIND_PATH, "", {"Origin": "http://nq45.test", "Content-Length": "1000000000"})
    assert declared.status_code == 413
    answers = [client.post(routes.SIGN_OUT_PATH, headers={"Origin": "http://nq45.test"}, client="192.0.2.5").status_code
               for _ in range(routes.ROUTE_BURST + 5)]
    assert answers[:routes.ROUTE_BURST] == [204] * routes.ROUTE_BURST and set(answers[routes.ROUTE_BURST:]) == {429}
    # another client is not held back by that one
    assert client.post(routes.BIND_PATH, bind, {"Origin": "http://nq45.test"}, client="192.0.2.6").status_code == 204


def test_a_token_that_names_nothing_costs_no_write(web, monkeypatch):
    writes = []
    run = web.store._rows
    monkeypatch.setattr(web.store, "_rows", lambda sql, params=(), write=False: (writes.append(sql) if write else None)
                        or run(sql, params, write=write))
    assert web.bind("A" * 43) is None and web.bind("x" * 5000) is None
    web.end(token="B" * 43)
    assert writes == []


def test_sign_out_route_ends_the_session_and_clears_the_cookie(client):
    web = routes._sessions_for_routes()
    _, bind = web.begin("canbo", 0)
    token = client.post(routes.BIND_PATH, bind, {"Origin": "http://nq45.test"}).cookie()
    assert client.post(routes.SIGN_OUT_PATH, headers={"Origin": "http://evil.test"}, cookie=token).status_code == 403
    assert web.find(token) is not None
    out = client.post(routes.SIGN_OUT_PATH, headers={"Origin": "http://nq45.test"}, cookie=token)
    assert out.status_code == 204
    assert out.set_cookie.startswith(routes.COOKIE_NAME + '=""') and "Max-Age=0" in out.set_cookie
    assert web.find(token) is None


# --- the page's side, through AppTest (the routes mounted as under app.py) -----------------------

def _pending_rows() -> list[tuple]:
    from tracker.core.settings import load_settings

    s = load_settings()
    with Store(s.database, s.archive_dir) as store, store._cursor() as cur:
        return cur.execute("SELECT id, username, token_hash IS NULL FROM web_sessions").fetchall()


def test_page_sign_in_begins_a_session_for_the_browser_and_sign_out_ends_it(own_copy, monkeypatch):
    from tests.support.pages import dashboard, rerun, signed_in_as, try_sign_in, users

    monkeypatch.setattr(routes, "ROUTES_MOUNTED", True)
    users().add_user("canbo.cookie1", "uploader", "mat-khau-c1-2026", units=("khanh-hoa",))
    at = try_sign_in(dashboard(), "canbo.cookie1", "mat-khau-c1-2026")
    assert signed_in_as(at) == "canbo.cookie1"
    rows = _pending_rows()
    assert [(r[1], r[2]) for r in rows] == [("canbo.cookie1", True)]   # waiting for the browser to bind it
    assert at.session_state["web_session"][0] == rows[0][0]
    bind = at.session_state["web_bind"][0]
    assert digest(bind) != bind and len(bind) >= 40
    next(b for b in at.button if b.label == "Đăng xuất").click()
    at = rerun(at)
    assert signed_in_as(at) is None
    assert _pending_rows() == []


def test_a_session_ended_in_another_tab_signs_this_tab_out(own_copy, monkeypatch):
    from tests.support.pages import dashboard, rerun, signed_in_as, try_sign_in, users

    monkeypatch.setattr(routes, "ROUTES_MOUNTED", True)
    users().add_user("canbo.cookie2", "uploader", "mat-khau-c2-2026", units=("khanh-hoa",))
    at = try_sign_in(dashboard(), "canbo.cookie2", "mat-khau-c2-2026")
    sid = at.session_state["web_session"][0]
    from tracker.core.settings import load_settings

    s = load_settings()
    with Store(s.database, s.archive_dir) as store:
        SessionStore(store).end(sid)                         # the sign-out route, from another tab
    at.session_state["web_session"] = (sid, 0.0)             # a minute since the last touch
    at = rerun(at)
    assert signed_in_as(at) is None


def test_without_the_routes_a_sign_in_stays_with_the_tab(own_copy):
    from tests.support.pages import dashboard, signed_in_as, try_sign_in, users

    assert routes.ROUTES_MOUNTED is False                  # `streamlit run dashboard.py`
    users().add_user("canbo.cookie3", "uploader", "mat-khau-c3-2026", units=("khanh-hoa",))
    at = try_sign_in(dashboard(), "canbo.cookie3", "mat-khau-c3-2026")
    assert signed_in_as(at) == "canbo.cookie3"
    assert "web_session" not in at.session_state and _pending_rows() == []


# --- issue 19 item 6: a removed account's cookie never comes back under the same name ---------------------

def test_a_user_name_created_again_is_another_account_and_removal_ends_its_web_sessions(web, tmp_path, monkeypatch):
    from tracker.cli import main

    users = UserStore(tmp_path / "users.toml", rounds=4)
    users.add_user("quantri.a", "admin", "mat-khau-qa-2026")
    users.add_user("canbo.cu", "uploader", "mat-khau-cu-2026", units=("khanh-hoa",))
    old = users.get("canbo.cu")
    assert len(old.uid) == 32
    sid, bind = web.begin("canbo.cu", old.epoch, account=old.uid, now=T0)
    token = web.bind(bind, now=T0 + 1)
    found = web.find(token)
    assert found.account == old.uid
    assert resume_session(found.as_tab_session(), users, now=T0 + 2)[2] == "ok"
    # removed, then the same name created again, now as an admin, at epoch 0 like the old one
    users.remove_user("canbo.cu")
    users.add_user("canbo.cu", "admin", "mat-khau-moi-2026")
    assert users.get("canbo.cu").uid != old.uid and users.get("canbo.cu").epoch == old.epoch
    assert resume_session(found.as_tab_session(), users, now=T0 + 3)[:2] == (None, None)
    assert resume_session(found.as_tab_session(), users, now=T0 + 3)[2] == "removed"
    # the CLI's remove deletes the account's web sessions
    if "Postgres" in type(web.store).__name__:
        return   # the CLI below works on the DuckDB file of its settings
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "t.duckdb"))
    assert main(["user", "remove", "canbo.cu"]) == 0
    assert web.find(token) is None and web.count() == 0


def test_a_session_of_before_identities_still_resumes_for_its_account(tmp_path):
    """A users file and sessions written before identities were given: no uid on either side."""
    users = UserStore(tmp_path / "users.toml", rounds=4)
    (tmp_path / "users.toml").write_text(
        '[users."canbo"]\nrole = "viewer"\nunits = []\npassword_hash = "%s"\n'
        % __import__("bcrypt").hashpw(b"mat-khau-2026", __import__("bcrypt").gensalt(4)).decode(), encoding="utf-8")
    from tracker.accounts.sessions import Session

    assert users.get("canbo").uid == ""
    assert resume_session(Session("canbo", 0, T0, T0), users, now=T0 + 1)[2] == "ok"
