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

The routes take no sign-in, so they are kept cheap for anyone (issue 19, items 8 and 9): a body is read
only up to what a token needs (413 past it), each client has a small budget of calls (429 past it), a
token that cannot be one never reaches the database, and one that names nothing costs a read, not a
write. Over https the cookie is ``__Host-nq45_session`` (Secure, Path=/, no Domain: a sibling subdomain
or a plain-http page of the host cannot set it); sign-out expires the name at every path it could have
been planted at; a request carrying the session cookie twice (one planted from another port of the
host) is refused rather than guessed at.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.access import Session

COOKIE_NAME = "nq45_session"
# Over https: a cookie only a secure response of this very host, for Path=/, can set (RFC 6265bis 4.1.3.2).
SECURE_COOKIE_NAME = "__Host-" + COOKIE_NAME
# Every path a cookie of that name could be planted at and still be sent with this site's requests:
# the pages, Streamlit's websocket and the routes (a cookie's path matches its prefixes).
PLANTABLE_PATHS = ("/", "/_stcore", "/_stcore/stream", "/api", "/api/session", "/api/session/bind",
                   "/api/session/signout")
# token_urlsafe(32) is 43 characters; anything else is not a token.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_BIND_BODY = 128
# Calls to the two routes per client: a burst of ROUTE_BURST, refilled at ROUTE_RATE a second.
ROUTE_BURST = 10
ROUTE_RATE = 1.0
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
    account: str = ""      # the account's random identity (tracker.access.User.uid)

    def as_tab_session(self) -> Session:
        return Session(self.username, self.epoch, self.created_at, self.last_seen, self.account)


class SessionStore:
    """Web sessions kept in a tracker.storage Store (either engine; its SQL is the store's)."""

    def __init__(self, store):
        self.store = store

    def begin(self, username: str, epoch: int, *, account: str = "", now: float | None = None,
              idle_minutes: int = 60) -> tuple[str, str]:
        """A session waiting for its browser: (session id, one-time binding token for the browser).
        ``account`` is the account's random identity: a user name created again is another account."""
        now = time.time() if now is None else now
        self.purge(now=now, idle_minutes=idle_minutes)
        session_id = secrets.token_urlsafe(16)
        bind = secrets.token_urlsafe(32)
        self.store.add_web_session(session_id, digest(bind), now + BIND_SECONDS, username, int(epoch), now, account)
        return session_id, bind

    def bind(self, bind_token: str, *, now: float | None = None) -> str | None:
        """The session token for the cookie, once per binding token and within BIND_SECONDS; else None."""
        if not bind_token or not _TOKEN.match(bind_token):
            return None
        now = time.time() if now is None else now
        # A token naming nothing costs a read, not a write (the routes take no sign-in).
        if not self.store.web_session_bindable(digest(bind_token), now):
            return None
        token = secrets.token_urlsafe(32)
        return token if self.store.bind_web_session(digest(bind_token), digest(token), now) else None

    def find(self, token: str) -> WebSession | None:
        """The bound session this cookie token names, or None (the caller re-checks user, epoch, idle)."""
        if not token or not _TOKEN.match(token):
            return None
        row = self.store.find_web_session(digest(token))
        if row is None:
            return None
        sid, username, epoch, created, seen, account = row
        return WebSession(sid, username, int(epoch), float(created), float(seen), account or "")

    def touch(self, session_id: str, *, now: float | None = None) -> bool:
        """Move last-seen forward; False when the session is gone (signed out in another tab, purged)."""
        return self.store.touch_web_session(session_id, time.time() if now is None else now)

    def end(self, session_id: str | None = None, *, token: str | None = None) -> None:
        """Forget a session (sign-out, revoked account, idle): its cookie names nothing any more."""
        # A cookie naming nothing costs a read, not a write (the sign-out route takes no sign-in).
        named = token and _TOKEN.match(token) and self.store.find_web_session(digest(token)) is not None
        if session_id or named:
            self.store.end_web_session(session_id, token_hash=digest(token) if named else None)

    def end_account(self, username: str) -> int:
        """Forget every session of an account (removed): none of its cookies names anything any more."""
        return self.store.end_web_sessions_of(username)

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


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def session_cookie(cookie_header: str | None) -> tuple[str | None, bool]:
    """(the session token a Cookie header carries, whether it carries the session cookie more than once).

    Read from the raw header because a parsed mapping keeps one of two same-named cookies and drops the
    other; two (one planted from another port of the host, or both names) mean nobody can tell which
    is the browser's own, and the request is refused rather than guessed at."""
    found = []
    for part in (cookie_header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() in (COOKIE_NAME, SECURE_COOKIE_NAME):
            found.append(value.strip().strip('"'))
    if len(found) > 1:
        return None, True
    return (found[0] or None) if found else None, False


class RouteBudget:
    """Calls per client to the routes: a token bucket per address, bounded in memory."""

    def __init__(self, burst: int = ROUTE_BURST, rate: float = ROUTE_RATE, max_clients: int = 10_000):
        self.burst, self.rate, self.max_clients = burst, rate, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            self._buckets.move_to_end(client)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return allowed


_budget = RouteBudget()


def _route_client(request) -> str:
    """The address to count calls by: through a trusted proxy its X-Forwarded-For, else the peer."""
    from tracker.access import client_address
    from tracker.settings import load_settings

    peer = request.client.host if request.client else None
    trusted = load_settings().trusted_proxies
    return (client_address(peer, request.headers.get("x-forwarded-for"), trusted) if trusted else peer) or "?"


def _plain(text: str, status: int, **headers):
    from starlette.responses import Response

    return Response(text, status_code=status, media_type="text/plain", headers={"Cache-Control": "no-store", **headers})


def _refusal(request):
    """The answer to a call refused before any work, or None when it may go on."""
    if not same_origin(request.headers.get("origin"), request.headers.get("host")):
        return _plain("forbidden", 403)
    if not _budget.take(_route_client(request)):
        return _plain("too many requests", 429, **{"Retry-After": str(max(1, int(1 / ROUTE_RATE)))})
    if session_cookie(request.headers.get("cookie"))[1]:
        return _plain("the session cookie is sent twice; sign out and sign in again", 400)
    return None


async def _small_body(request, limit: int) -> bytes | None:
    """The body, read only up to ``limit`` bytes; None when it is longer (the rest is never read)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                return None
        except ValueError:
            return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


async def _in_thread(action):
    from starlette.concurrency import run_in_threadpool

    try:
        return await run_in_threadpool(action), None
    except Exception as exc:  # a busy or failing database: a sentence and 503, not a 500 page
        print(f"NQ45 Tracker: session route failed: {type(exc).__name__}: {exc}", flush=True)
        return None, _plain("busy, try again", 503, **{"Retry-After": "2"})


async def bind_route(request):
    from starlette.responses import Response

    refused = _refusal(request)
    if refused is not None:
        return refused
    body = await _small_body(request, MAX_BIND_BODY)
    if body is None:
        return _plain("too large", 413)
    text = body.decode("ascii", "replace").strip()
    if not _TOKEN.match(text):
        return _plain("expired", 403)
    token, failed = await _in_thread(lambda: _sessions_for_routes().bind(text))
    if failed is not None:
        return failed
    if token is None:
        return _plain("expired", 403)
    secure = _secure(request)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(cookie_name(secure), token, path="/", httponly=True, samesite="strict", secure=secure)
    return response


async def sign_out_route(request):
    from starlette.responses import Response

    refused = _refusal(request)
    if refused is not None:
        return refused
    if await _small_body(request, MAX_BIND_BODY) is None:
        return _plain("too large", 413)
    token, _ = session_cookie(request.headers.get("cookie"))
    if token:
        _, failed = await _in_thread(lambda: _sessions_for_routes().end(token=token))
        if failed is not None:
            return failed
    secure = _secure(request)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    # Expire the name wherever it could have been planted (another port, a plain-http page of the host).
    for path in PLANTABLE_PATHS:
        response.delete_cookie(COOKIE_NAME, path=path, httponly=True, samesite="strict", secure=secure)
    if secure:
        response.delete_cookie(SECURE_COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=True)
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
