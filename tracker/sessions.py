"""Sign-ins that survive a reload and a new tab (issue 13, item 7).

A Streamlit tab keeps its sign-in in st.session_state, which a reload or a new tab does not have. The
browser therefore also holds an HttpOnly cookie with a random session token, and the server keeps the
session (hashed token, user, the user's password epoch, created / last seen) in the database, so that
it can be revoked and every replica sees it.

How the browser gets the cookie: a Streamlit page cannot set an HttpOnly cookie (its script answers
over a websocket). After a sign-in through the dashboard's own form (throttling and audit unchanged),
the page hands the browser a one-time binding token, valid BIND_SECONDS and single-use; the browser
POSTs it to /api/session/bind, a route of the st.App in app.py, which answers with the cookie. On a
later page load st.context.cookies (the websocket's opening request) carries it, and the session is
re-checked like a tab's: user still there and enabled, same epoch, not idle (tracker.access).

Only digests of tokens are stored: a copy of the database gives no usable cookie. The tokens have 256
bits of randomness, so one SHA-256 is enough (no slow hash needed against guessing).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.access import Session

COOKIE_NAME = "nq45_session"
BIND_PATH = "/api/session/bind"
SIGN_OUT_PATH = "/api/session/signout"
BIND_SECONDS = 60
# How often a tab in use moves its session's last-seen forward in the database: the idle timeout is
# counted in minutes, and a write per click would make every page view a database write.
TOUCH_EVERY_SECONDS = 60
# With no idle timeout (idle_minutes = 0), sessions unused this long are still removed.
KEEP_UNUSED_SECONDS = 30 * 24 * 3600

# Set by app.py when the routes above are served in this process (`streamlit run app.py`,
# `python -m tracker.server`). Under `streamlit run dashboard.py` there is no route to bind at, and
# sign-ins stay with the tab.
ROUTES_MOUNTED = False

# The table: web_sessions in tracker.storage.schema; its queries: tracker.storage.queries.


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class WebSession:
    id: str
    username: str
    epoch: int
    created_at: float
    last_seen: float

    def as_tab_session(self) -> Session:
        return Session(self.username, self.epoch, self.created_at, self.last_seen)


class SessionStore:
    """Web sessions kept in a tracker.storage Store (either engine; its SQL is the store's)."""

    def __init__(self, store):
        self.store = store

    def begin(self, username: str, epoch: int, *, now: float | None = None, idle_minutes: int = 60) -> tuple[str, str]:
        """A session waiting for its browser: (session id, one-time binding token for the browser)."""
        now = time.time() if now is None else now
        self.purge(now=now, idle_minutes=idle_minutes)
        session_id = secrets.token_urlsafe(16)
        bind = secrets.token_urlsafe(32)
        self.store.add_web_session(session_id, digest(bind), now + BIND_SECONDS, username, int(epoch), now)
        return session_id, bind

    def bind(self, bind_token: str, *, now: float | None = None) -> str | None:
        """The session token for the cookie, once per binding token and within BIND_SECONDS; else None."""
        if not bind_token or len(bind_token) > 200:
            return None
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        return token if self.store.bind_web_session(digest(bind_token), digest(token), now) else None

    def find(self, token: str) -> WebSession | None:
        """The bound session this cookie token names, or None (the caller re-checks user, epoch, idle)."""
        if not token or len(token) > 200:
            return None
        row = self.store.find_web_session(digest(token))
        if row is None:
            return None
        sid, username, epoch, created, seen = row
        return WebSession(sid, username, int(epoch), float(created), float(seen))

    def touch(self, session_id: str, *, now: float | None = None) -> bool:
        """Move last-seen forward; False when the session is gone (signed out in another tab, purged)."""
        return self.store.touch_web_session(session_id, time.time() if now is None else now)

    def end(self, session_id: str | None = None, *, token: str | None = None) -> None:
        """Forget a session (sign-out, revoked account, idle): its cookie names nothing any more."""
        self.store.end_web_session(session_id, token_hash=digest(token) if token else None)

    def purge(self, *, now: float | None = None, idle_minutes: int = 60) -> None:
        """Remove unspent binding tokens past their time and sessions idle past the timeout."""
        now = time.time() if now is None else now
        unused = idle_minutes * 60 if idle_minutes else KEEP_UNUSED_SECONDS
        self.store.purge_web_sessions(now, now - unused)

    def count(self) -> int:
        return self.store.web_session_count()


# --- the browser's side: two POST routes of the st.App (app.py) --------------------------------

def same_origin(origin: str | None, host: str | None) -> bool:
    """A POST from a page of this site (CSRF): its Origin names the host the request was sent to."""
    if not origin or not host or origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def _secure(request) -> bool:
    """Secure cookie when the browser came over https, directly or through a TLS proxy."""
    forwarded = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


_route_store = None


def _sessions_for_routes() -> SessionStore:
    """The routes run outside a script run (no st.cache_resource): one Store per process, opened on
    first use. Store holds no connection between calls, so it shares the file like the pages' Store."""
    global _route_store
    if _route_store is None:
        from tracker.settings import load_settings
        from tracker.storage import open_store

        settings = load_settings()
        _route_store = SessionStore(open_store(settings.database, str(settings.archive_dir)))
    return _route_store


async def bind_route(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    if not same_origin(request.headers.get("origin"), request.headers.get("host")):
        return Response("forbidden", status_code=403, media_type="text/plain")
    body = (await request.body())[:400].decode("ascii", "replace").strip()
    token = await run_in_threadpool(lambda: _sessions_for_routes().bind(body))
    if token is None:
        return Response("expired", status_code=403, media_type="text/plain")
    response = Response(status_code=204)
    response.set_cookie(COOKIE_NAME, token, path="/", httponly=True, samesite="strict", secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


async def sign_out_route(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    if not same_origin(request.headers.get("origin"), request.headers.get("host")):
        return Response("forbidden", status_code=403, media_type="text/plain")
    token = request.cookies.get(COOKIE_NAME)
    if token:
        await run_in_threadpool(lambda: _sessions_for_routes().end(token=token))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list:
    from starlette.routing import Route

    return [Route(BIND_PATH, bind_route, methods=["POST"]), Route(SIGN_OUT_PATH, sign_out_route, methods=["POST"])]


def browser_call(path: str, body: str = "") -> str:
    """The HTML of a zero-height component that makes the browser POST to one of the routes above.

    Streamlit's component iframe is a srcdoc frame with allow-same-origin, so its fetch goes to this
    site with its cookies and an Origin header naming it. The routes answer at the site's root."""
    import json

    return ("<script>(function(){var base=(window.parent&&window.parent.location?window.parent.location:location);"
            f"fetch(new URL({json.dumps(path.lstrip('/'))}, base.origin + '/').href,"
            "{method:'POST',credentials:'same-origin',headers:{'Content-Type':'text/plain'},"
            f"body:{json.dumps(body)}}}).catch(function(){{}});}})();</script>")
