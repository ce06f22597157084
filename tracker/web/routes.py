"""Sign-ins that survive a reload and a new tab (issue 13, item 7): the browser's side.

The server's side (tokens, WebSession, SessionStore) is tracker.accounts.sessions; here are the cookie
and the two Starlette routes of the st.App (app.py sets ROUTES_MOUNTED, tracker.web.auth reads it).

A Streamlit tab keeps its sign-in in st.session_state, which a reload or a new tab does not have. The
browser therefore also holds an HttpOnly cookie with a random session token, and the server keeps the
session (hashed token, user, the user's password epoch, created / last seen) in the database, so that
it can be revoked and every replica sees it.

How the browser gets the cookie: a Streamlit page cannot set an HttpOnly cookie (its script answers
over a websocket). After a sign-in through the dashboard's own form (throttling and audit unchanged),
the page hands the browser a one-time binding token, valid BIND_SECONDS and single-use; the browser
POSTs it to /api/session/bind, a route of the st.App in app.py, which answers with the cookie. On a
later page load st.context.cookies (the websocket's opening request) carries it, and the session is
re-checked like a tab's: user still there and enabled, same epoch, not idle (tracker.accounts.sessions).

The routes take no sign-in, so they are kept cheap for anyone (issue 19, items 8 and 9): a body is read
only up to what a token needs (413 past it), each client has a small budget of calls (429 past it), a
token that cannot be one never reaches the database, and one that names nothing costs a read, not a
write. Over https the cookie is ``__Host-nq45_session`` (Secure, Path=/, no Domain: a sibling subdomain
or a plain-http page of the host cannot set it); sign-out expires the name at every path it could have
been planted at; a request carrying the session cookie twice (one planted from another port of the
host) is refused rather than guessed at.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from urllib.parse import urlsplit

from tracker.accounts.sessions import _TOKEN, SessionStore

COOKIE_NAME = "nq45_session"
# Over https: a cookie only a secure response of this very host, for Path=/, can set (RFC 6265bis 4.1.3.2).
SECURE_COOKIE_NAME = "__Host-" + COOKIE_NAME
# Every path a cookie of that name could be planted at and still be sent with this site's requests:
# the pages, Streamlit's websocket and the routes (a cookie's path matches its prefixes).
PLANTABLE_PATHS = ("/", "/_stcore", "/_stcore/stream", "/api", "/api/session", "/api/session/bind",
                   "/api/session/signout")
MAX_BIND_BODY = 128
# Calls to the two routes per client: a burst of ROUTE_BURST, refilled at ROUTE_RATE a second.
ROUTE_BURST = 10
ROUTE_RATE = 1.0
BIND_PATH = "/api/session/bind"
SIGN_OUT_PATH = "/api/session/signout"

# Set by app.py when the routes above are served in this process (`streamlit run app.py`,
# `python -m tracker.server`). Under `streamlit run dashboard.py` there is no route to bind at, and
# sign-ins stay with the tab.
ROUTES_MOUNTED = False


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
        from tracker.core.settings import load_settings
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
    from tracker.accounts.signin import client_address
    from tracker.core.settings import load_settings

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
