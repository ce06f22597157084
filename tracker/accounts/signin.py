"""Signing in: the throttle (per account and client, with its failure log), the client's address
behind trusted proxies, sign_in and change_own_password.

Sign-in is throttled per (account, client) where the client is known, else per account, and a browser
that holds a valid session of the account keeps its own counter (throttle_keys).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Protocol

from tracker.accounts.permissions import Decision, _refuse
from tracker.accounts.users import User, UserError, UserStore, normalise_text


# --- sign-in throttling ------------------------------------------------------------------------

@dataclass(frozen=True)
class ThrottlePolicy:
    """After `backoff_after` failures in a row each attempt waits twice as long as the one before
    (from `first_wait_s`); after `lock_after` the key is locked for `lock_minutes`. Failures are
    forgotten after a success or after `lock_minutes` without another failure."""

    backoff_after: int = 5
    lock_after: int = 10
    lock_minutes: int = 15
    first_wait_s: float = 2.0


class FailureLog(Protocol):
    """Where failure counts live: (failures, time of the last failure) per key. In memory for now;
    a store shared by processes (the audit table) can take its place behind the same three calls."""

    def get(self, key: str) -> tuple[int, float]: ...
    def put(self, key: str, failures: int, last: float) -> None: ...
    def clear(self, key: str) -> None: ...


class MemoryFailureLog:
    """Failure counts of this server process only: a restart forgets them, and the command line
    (another process) neither sees nor adds to them. Bounded, so a flood of invented user names
    cannot grow it without end (the oldest keys go first)."""

    def __init__(self, max_keys: int = 10_000):
        self._data: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_keys = max_keys

    def get(self, key: str) -> tuple[int, float]:
        with self._lock:
            return self._data.get(key, (0, 0.0))

    def put(self, key: str, failures: int, last: float) -> None:
        with self._lock:
            self._data[key] = (failures, last)
            self._data.move_to_end(key)
            while len(self._data) > self.max_keys:
                self._data.popitem(last=False)

    def clear(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


def _minutes_seconds(seconds: float, lang: str) -> str:
    seconds = max(1, int(seconds + 0.999))
    if seconds < 60:
        return f"{seconds} giây" if lang != "en" else f"{seconds} s"
    minutes = (seconds + 59) // 60
    return f"{minutes} phút" if lang != "en" else f"{minutes} min"


@dataclass(frozen=True)
class Gate:
    """Whether a sign-in attempt may be checked now: "ok", "wait" (backoff) or "locked"."""

    code: str
    until: float = 0.0        # time.time() when the next attempt is allowed
    failures: int = 0
    lock_minutes: int = 0

    @property
    def allowed(self) -> bool:
        return self.code == "ok"

    def message(self, lang: str, now: float) -> str:
        left = _minutes_seconds(self.until - now, lang)
        if self.code == "locked":
            if lang == "en":
                return (f"Too many failed sign-ins ({self.failures}): signing in is locked for {self.lock_minutes} minutes; "
                        f"try again in {left}. An administrator can lift the lock sooner "
                        "(`python -m tracker user unlock NAME`).")
            return (f"Đăng nhập sai quá nhiều lần ({self.failures} lần): tạm khóa đăng nhập {self.lock_minutes} phút; "
                    f"hãy thử lại sau {left}. Quản trị viên có thể mở khóa sớm hơn "
                    "(`python -m tracker user unlock TÊN`).")
        if self.code == "wait":
            if lang == "en":
                return f"{self.failures} failed sign-ins in a row: wait {left} before the next attempt."
            return f"Đã đăng nhập sai {self.failures} lần liên tiếp: hãy chờ {left} rồi thử lại."
        return ""


class Throttle:
    """Counts failed sign-ins per key ("user:NAME", "client:ADDRESS") and says when the next attempt
    may be checked. Attempts refused by the gate do not count: they cost no bcrypt check, and
    counting them would let anyone keep an account locked for ever by retrying."""

    def __init__(self, policy: ThrottlePolicy | None = None, log: FailureLog | None = None):
        self.policy = policy or ThrottlePolicy()
        self.log = log if log is not None else MemoryFailureLog()

    def _count(self, key: str, now: float, forgiven_before: float) -> tuple[int, float]:
        failures, last = self.log.get(key)
        if failures and (last <= forgiven_before or now - last > self.policy.lock_minutes * 60):
            self.log.clear(key)
            return 0, 0.0
        return failures, last

    def _gate(self, failures: int, last: float) -> Gate:
        p = self.policy
        if failures >= p.lock_after:
            return Gate("locked", last + p.lock_minutes * 60, failures, p.lock_minutes)
        if failures >= p.backoff_after:
            return Gate("wait", last + p.first_wait_s * 2 ** (failures - p.backoff_after), failures, p.lock_minutes)
        return Gate("ok", 0.0, failures, p.lock_minutes)

    def gate(self, keys: list[str], now: float, forgiven_before: dict[str, float] | None = None) -> Gate:
        """The strictest gate among the keys (ok when every key is clear)."""
        worst = Gate("ok")
        for key in keys:
            g = self._gate(*self._count(key, now, (forgiven_before or {}).get(key, 0.0)))
            if g.code != "ok" and now < g.until and g.until > worst.until:
                worst = g
        return worst

    def failed(self, keys: list[str], now: float) -> Gate:
        """Record a failed check on every key; the gate that now applies (locked if this one locked it)."""
        worst = Gate("ok")
        for key in keys:
            failures, _ = self._count(key, now, 0.0)
            self.log.put(key, failures + 1, now)
            g = self._gate(failures + 1, now)
            if g.code != "ok" and g.until > worst.until:
                worst = g
        return worst

    def succeeded(self, account_key: str) -> None:
        # Only the account is cleared: clearing the client too would let someone who owns one account
        # reset the client counter between guesses at another.
        self.log.clear(account_key)


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: tuple[str, ...]) -> str | None:
    """The address to throttle a client by, or None to throttle per account only.

    Without trusted proxies configured we cannot tell a proxy from a client (behind a proxy every
    client has the proxy's address), so nobody is throttled by address. With them, a request from a
    trusted proxy is attributed to the right-most address in X-Forwarded-For that is not itself a
    trusted proxy; the left part of that header is the client's to write and is never believed.
    Streamlit reports a loopback peer as None; that is taken as 127.0.0.1.
    """
    if not trusted_proxies:
        return None
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted_proxies]

    def parse(text):
        try:
            return ipaddress.ip_address(text.strip())
        except ValueError:
            return None

    def trusted(addr):
        return addr is not None and any(addr in n for n in networks)

    here = parse(peer) if peer else ipaddress.ip_address("127.0.0.1")
    if here is None:
        return None
    if not trusted(here):
        return str(here)
    for hop in reversed((forwarded_for or "").split(",")):
        addr = parse(hop)
        if addr is None:
            break  # a malformed hop: stop believing the header here
        if not trusted(addr):
            return str(addr)
    return str(here)


# --- signing in and sessions --------------------------------------------------------------------

@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: code ok | failed | wait | locked | disabled."""

    code: str
    user: User | None = None
    gate: Gate | None = None
    now: float = 0.0

    @property
    def ok(self) -> bool:
        return self.code == "ok"

    def message(self, lang: str = "vi") -> str:
        if self.code in ("wait", "locked") and self.gate is not None:
            return self.gate.message(lang, self.now)
        if self.code == "disabled":
            return ("This account has been disabled by an administrator." if lang == "en"
                    else "Tài khoản này đã bị quản trị viên vô hiệu hóa.")
        if self.code == "failed":
            wrong = "Wrong user name or password." if lang == "en" else "Sai tên đăng nhập hoặc mật khẩu."
            return wrong + (" " + self.gate.message(lang, self.now) if self.gate is not None else "")
        return ""


# audit(event, username, detail): events "signin_ok", "signin_failed", "signin_locked".
Audit = Callable[[str, str, str], None]


def throttle_keys(name: str, client: str | None = None, *, client_trusted: bool = False,
                  device: str | None = None) -> list[str]:
    """The failure counters one attempt is checked against and adds to.

    Per (account, client) where the client is known, so that an attacker failing at an account from one
    address never makes anyone else wait; plus per client when its address comes through a trusted proxy
    (one client trying many accounts), never per bare peer address, which behind an undeclared proxy is
    everyone's. A browser holding a valid session of that account (a known device) has its own counter.
    With no client known (the command line, tests), per account only."""
    if device:
        return [f"user:{name}|device:{device}"]
    if client:
        return [f"user:{name}|client:{client}"] + ([f"client:{client}"] if client_trusted else [])
    return [f"user:{name}"]


def sign_in(users: UserStore, throttle: Throttle, username: str, password: str, *, client: str | None = None,
            client_trusted: bool = False, device: str | None = None, now: float | None = None,
            audit: Audit | None = None) -> SignIn:
    """Check a password through the throttle. A refusal by the gate costs no bcrypt check.

    ``client`` is the address the attempt came from (None when unknown), ``client_trusted`` whether it was
    read through a trusted proxy, ``device`` the id of a valid web session of this account that the browser
    already holds (see throttle_keys)."""
    now = time.time() if now is None else now
    name = normalise_text(username or "").strip()
    keys = throttle_keys(name, client, client_trusted=client_trusted, device=device)
    known = users.get(name) if name else None
    forgiven = {k: known.unlocked_at.timestamp() for k in keys if k.startswith("user:")} \
        if known is not None and known.unlocked_at else {}
    gate = throttle.gate(keys, now, forgiven)
    if not gate.allowed:
        return SignIn(gate.code, None, gate, now)
    found = users.authenticate(name, password)
    where = f"client={client}" if client else ("device" if device else "")
    if found is None:
        after = throttle.failed(keys, now)
        if audit:
            audit("signin_failed", name, where)
            if after.code == "locked":
                audit("signin_locked", name, f"{after.failures} lần sai / failures; {after.lock_minutes} phút / min"
                      + (f"; {where}" if where else ""))
        return SignIn("failed", None, None if after.allowed else after, now)
    throttle.succeeded(keys[0])
    if found.disabled:
        if audit:
            audit("signin_failed", name, "tài khoản bị vô hiệu hóa / account disabled")
        return SignIn("disabled", None, None, now)
    if audit:
        audit("signin_ok", name, where)
    return SignIn("ok", found, None, now)


def change_own_password(users: UserStore, throttle: Throttle, username: str, current: str, new: str, repeat: str,
                        *, now: float | None = None, audit: Audit | None = None) -> tuple[Decision, User | None]:
    """A signed-in user changes their own password: the current one is checked through the throttle
    (a stolen open tab cannot try passwords faster than the sign-in box). Returns the decision and the
    updated user, whose new epoch ends the account's other sessions."""
    if new != repeat:
        return _refuse("passwords_differ", "Hai lần nhập mật khẩu mới không khớp; chưa thay đổi gì.",
                       "The two new passwords differ; nothing changed."), None
    checked = sign_in(users, throttle, username, current, now=now, audit=audit)
    if not checked.ok:
        return _refuse(checked.code, checked.message("vi"), checked.message("en")), None
    try:
        users.set_password(username, new)
    except UserError as exc:
        vi, _, en = str(exc).partition(" / ")
        return _refuse("bad_password", vi, en or vi), None
    if audit:
        audit("user_passwd", username, "tự đổi / own change")
    return Decision(True, "ok", "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.",
                    "Password changed. Your other sessions have ended."), users.get(username)
