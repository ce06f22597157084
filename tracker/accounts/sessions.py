"""Sessions: what a signed-in tab keeps (Session, re-checked on every page run) and the revocable
web sessions behind the sign-in cookie (hashed tokens; their SQL is tracker.storage's).

A signed-in session is re-checked on every page run against the users file: a removed, disabled or
re-passworded account is signed out at its next click, role and units are read fresh, and a
session idle for longer than the setting ends.

A Streamlit tab keeps its sign-in in st.session_state, which a reload or a new tab does not have. The
browser therefore also holds an HttpOnly cookie with a random session token, and the server keeps the
session (hashed token, user, the user's password epoch, created / last seen) in the database, so that
it can be revoked and every replica sees it; the browser's side (cookie, routes) is tracker.web.routes.
Only digests of tokens are stored: a copy of the database gives no usable cookie. The tokens have 256
bits of randomness, so one SHA-256 is enough (no slow hash needed against guessing).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, replace

from tracker.accounts.users import User, UserError, UserStore


@dataclass(frozen=True)
class Session:
    """What a browser tab keeps after signing in: who, at which account epoch, last seen when."""

    username: str
    epoch: int
    started_at: float
    last_seen: float
    account: str = ""      # the account's identity (User.uid) when the session began


def start_session(user: User, now: float | None = None) -> Session:
    now = time.time() if now is None else now
    return Session(user.username, user.epoch, now, now, user.uid)


def resume_session(session: Session | None, users: UserStore, *, now: float | None = None,
                   idle_minutes: int = 60) -> tuple[User | None, Session | None, str]:
    """Re-check a session against the users file: (fresh user, renewed session, code).

    code is "ok", "anonymous", "removed", "disabled", "password_changed" (any change that raised the
    account's epoch) or "idle". Role and units always come from the file, never from the session.
    """
    if session is None:
        return None, None, "anonymous"
    now = time.time() if now is None else now
    try:
        user = users.get(session.username)
    except UserError:
        return None, None, "removed"  # an unreadable users file signs everybody out rather than trusting the tab
    if user is None or user.uid != session.account:
        return None, None, "removed"   # gone, or the name now belongs to another account
    if user.disabled:
        return None, None, "disabled"
    if user.epoch != session.epoch:
        return None, None, "password_changed"
    if idle_minutes and now - session.last_seen > idle_minutes * 60:
        return None, None, "idle"
    return user, replace(session, last_seen=now), "ok"


SIGNED_OUT_MESSAGES = {
    "removed": ("Tài khoản của bạn không còn tồn tại; bạn đã được đăng xuất.",
                "Your account no longer exists; you have been signed out."),
    "disabled": ("Tài khoản của bạn đã bị vô hiệu hóa; bạn đã được đăng xuất.",
                 "Your account has been disabled; you have been signed out."),
    "password_changed": ("Mật khẩu hoặc trạng thái tài khoản vừa thay đổi; hãy đăng nhập lại.",
                         "Your password or account changed; please sign in again."),
    "idle": ("Phiên làm việc đã hết hạn vì không hoạt động {minutes} phút; hãy đăng nhập lại. "
             "Tệp đã kiểm tra nhưng chưa xác nhận vẫn được giữ: đăng nhập rồi bấm Xác nhận.",
             "Your session ended after {minutes} minutes without activity; please sign in again. "
             "A checked upload waiting for confirmation is kept: sign in, then confirm."),
}


def signed_out_message(code: str, lang: str = "vi", idle_minutes: int = 60) -> str:
    vi, en = SIGNED_OUT_MESSAGES.get(code, ("", ""))
    return (en if lang == "en" else vi).format(minutes=idle_minutes)


# --- web sessions: the server side of the sign-in cookie -----------------------------------------

# token_urlsafe(32) is 43 characters; anything else is not a token.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
BIND_SECONDS = 60
# How often a tab in use moves its session's last-seen forward in the database: the idle timeout is
# counted in minutes, and a write per click would make every page view a database write.
TOUCH_EVERY_SECONDS = 60
# With no idle timeout (idle_minutes = 0), sessions unused this long are still removed.
KEEP_UNUSED_SECONDS = 30 * 24 * 3600

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
    account: str = ""      # the account's random identity (tracker.accounts.users.User.uid)

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
