"""Who may do what: user accounts (a TOML file of bcrypt hashes) and the permission rules.

Roles: viewer (the progress pages; optionally tied to units, which their overview opens on and, on an
installation whose pages are not public, the only units they see), uploader (upload and withdraw for its
own units only, optionally for one agency of them), approver (approves or returns its units'
submissions), admin (all units, users, and periods after they lock). Account changes themselves are
decided in tracker/accounts.py, which both the page and the command line call.

Period locks follow the reporting calendar (tracker/calendar.py): a quarter or year can be reported
once its window opens (under "nd09" on the data cut-off day, under "calendar" when it has ended),
stays open `lock_days` days after the deadline, and is then locked; only an admin may upload or
withdraw for a locked period. Nobody may report a period whose window has not opened.

The permission checks are pure functions returning a Decision that says why, in both languages,
so the dashboard and the command line show the same sentence.

Sign-in is throttled per (account, client) where the client is known, else per account, and a browser
that holds a valid session of the account keeps its own counter (throttle_keys); a
signed-in session is re-checked on every page run against the users file: a removed, disabled or
re-passworded account is signed out at its next click, role and units are read fresh, and a
session idle for longer than the setting ends.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import json
import os
import re
import secrets
import tempfile
import threading
import time
import tomllib
import unicodedata
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol

import bcrypt

from tracker.calendar import Calendar
from tracker.i18n import fmt_date
from tracker.periods import Period, parse_period

ROLES = ("viewer", "uploader", "approver", "admin")
# Roles tied to units: uploaders and approvers must have at least one, viewers may; admins have all.
UNIT_ROLES = ("viewer", "uploader", "approver")
UNITS_REQUIRED = ("uploader", "approver")
# An agency id (catalogue side: the agencies work), e.g. "so-khcn".
_AGENCY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ADMIN_USERNAME = "admin"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# bcrypt only looks at the first 72 bytes; a longer password would silently match its prefix.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8
DEFAULT_ROUNDS = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def normalise_text(text: str) -> str:
    """Unicode NFC: text typed with combining marks (Unikey's "Unicode tổ hợp", macOS) and the same text
    typed precomposed are one string, so a password set one way works typed the other."""
    return unicodedata.normalize("NFC", text) if isinstance(text, str) else text


class UserError(ValueError):
    """A refused account change or an unreadable users file; the message is Vietnamese / English."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    units: tuple[str, ...] = ()
    # Kept out of repr so that a logged or displayed User never shows the hash.
    password_hash: str = field(default="", repr=False)
    # An admin can disable an account without removing it (`tracker user disable`).
    disabled: bool = False
    # Raised by every change that must end the account's open sessions (password, disable, enable).
    epoch: int = 0
    # When an admin last lifted a sign-in lock (`tracker user unlock`); failures before it are forgiven.
    unlocked_at: dt.datetime | None = None
    # A random identity given at creation and held by the account's sessions: a user name removed and
    # created again (even as an admin) is another account, and no session of the old one resumes.
    # Empty for accounts created before identities were given.
    uid: str = ""
    # Where reminders go (`tracker remind`); optional.
    email: str = ""
    # The agency (department) an uploader reports for within its units, e.g. "so-khcn"; None: all of them.
    agency: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str
    message_vi: str = ""
    message_en: str = ""

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


# --- the users file -----------------------------------------------------------------------------

def _check_password(password: str) -> bytes:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự. "
                        f"/ The password must have at least {MIN_PASSWORD_CHARS} characters.")
    raw = normalise_text(password).encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        raise UserError(
            f"Mật khẩu quá dài: {len(raw)} byte, tối đa {MAX_PASSWORD_BYTES} byte (chữ có dấu chiếm 2–3 byte mỗi ký tự). "
            f"/ The password is too long: {len(raw)} bytes, at most {MAX_PASSWORD_BYTES} bytes (bcrypt's limit).")
    return raw


def _toml_string(text: str) -> str:
    # A JSON string with ASCII escapes is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=True)


def check_scope(role: str, units=(), agency: str | None = None) -> tuple[tuple[str, ...], str | None]:
    """(units, agency) as stored for this role, or UserError saying what is wrong.

    Uploaders and approvers need at least one unit, viewers may have some, admins have none (they have
    all). An agency is a slug such as "so-khcn", for uploaders only."""
    if role not in ROLES:
        raise UserError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(ROLES)} "
                        f"/ unknown role; choose one of {', '.join(ROLES)}")
    units = tuple(dict.fromkeys(units or ()))
    if role in UNITS_REQUIRED and not units:
        what = ("Cán bộ nhập số liệu (uploader)" if role == "uploader" else "Người duyệt số liệu (approver)")
        raise UserError(f"{what} cần ít nhất một đơn vị (--unit). / An {role} needs at least one unit (--unit).")
    if role not in UNIT_ROLES and units:
        raise UserError(f"Quản trị viên làm việc với mọi đơn vị; vai trò {role} không nhận --unit. "
                        f"/ Administrators have every unit; role {role} takes no --unit.")
    agency = (agency or "").strip() or None
    if agency is not None:
        if not _AGENCY.match(agency):
            raise UserError(f"Mã cơ quan '{agency}' không hợp lệ: chỉ dùng chữ thường không dấu, số và '-', "
                            f"ví dụ so-khcn. / Invalid agency id: use a-z, 0-9 and '-', e.g. so-khcn.")
        if role != "uploader":
            raise UserError(f"Chỉ cán bộ nhập số liệu (uploader) mới gắn với một cơ quan; vai trò {role} không nhận "
                            f"--agency. / Only uploaders are tied to an agency; role {role} takes no --agency.")
    return units, agency


class UserStore:
    """The accounts in one TOML file. Every call reads the file afresh, so the command line and a
    running dashboard see each other's changes; every change rewrites it atomically (mode 0600)."""

    def __init__(self, path: str | Path, rounds: int = DEFAULT_ROUNDS):
        self.path = Path(path)
        self.rounds = rounds

    # reading

    # Parsed files by path, reused while the file's (inode, size, mtime) stay the same: the dashboard
    # re-checks the signed-in user on every click, and every change replaces the file (a new inode).
    _parsed: dict[str, tuple[tuple, dict[str, "User"]]] = {}

    def _read(self) -> dict[str, User]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return {}
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        cached = UserStore._parsed.get(str(self.path))
        if cached and cached[0] == identity:
            return dict(cached[1])
        users = self._parse()
        UserStore._parsed[str(self.path)] = (identity, users)
        return dict(users)

    def _parse(self) -> dict[str, User]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"Tệp người dùng {self.path} bị hỏng / the users file is broken: {exc}") from None
        users = {}
        for name, entry in (data.get("users") or {}).items():
            role = entry.get("role") if isinstance(entry, dict) else None
            units = entry.get("units", []) if isinstance(entry, dict) else None
            hashed = entry.get("password_hash") if isinstance(entry, dict) else None
            disabled = entry.get("disabled", False) if isinstance(entry, dict) else None
            epoch = entry.get("epoch", 0) if isinstance(entry, dict) else None
            unlocked = entry.get("unlocked_at") if isinstance(entry, dict) else None
            uid = entry.get("uid", "") if isinstance(entry, dict) else None
            email = entry.get("email", "") if isinstance(entry, dict) else None
            agency = entry.get("agency") if isinstance(entry, dict) else None
            if not isinstance(uid, str) or not isinstance(email, str) \
                    or not (agency is None or (isinstance(agency, str) and _AGENCY.match(agency))):
                raise UserError(f"Tệp người dùng {self.path}: mục '{name}' không hợp lệ "
                                f"/ the users file has an invalid entry '{name}'")
            if role not in ROLES or not isinstance(units, list) or not all(isinstance(u, str) for u in units) \
                    or not isinstance(hashed, str) or not hashed.startswith("$2") or not isinstance(disabled, bool) \
                    or isinstance(epoch, bool) or not isinstance(epoch, int) \
                    or not (unlocked is None or isinstance(unlocked, dt.datetime)):
                raise UserError(f"Tệp người dùng {self.path}: mục '{name}' không hợp lệ "
                                f"/ the users file has an invalid entry '{name}'")
            if unlocked is not None and unlocked.tzinfo is None:
                unlocked = unlocked.replace(tzinfo=dt.UTC)
            users[name] = User(name, role, tuple(units), hashed, disabled, epoch, unlocked, uid, email, agency)
        return users

    def get(self, username: str) -> User | None:
        return self._read().get(username)

    def list_users(self) -> list[User]:
        return sorted(self._read().values(), key=lambda u: u.username)

    # writing

    @contextmanager
    def _locked(self):
        """Serialise read-modify-write between processes (the CLI and the dashboard)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not on POSIX: no cross-process lock, the atomic replace still holds
            yield
            return
        # Lock the folder rather than a ".lock" file, so that no stray file is left beside the users file.
        handle = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # closing releases the lock

    def _write(self, users: dict[str, User]) -> None:
        lines = ["# NQ45 Tracker — tài khoản người dùng / user accounts.",
                 "# Quản lý bằng `python -m tracker user ...`; không sửa tay. Manage with `python -m tracker user`.",
                 ""]
        for user in sorted(users.values(), key=lambda u: u.username):
            lines += [f"[users.{_toml_string(user.username)}]",
                      f"role = {_toml_string(user.role)}",
                      f"units = [{', '.join(_toml_string(u) for u in user.units)}]",
                      f"password_hash = {_toml_string(user.password_hash)}"]
            if user.uid:
                lines.append(f"uid = {_toml_string(user.uid)}")
            if user.disabled:
                lines.append("disabled = true")
            if user.epoch:
                lines.append(f"epoch = {int(user.epoch)}")
            if user.unlocked_at is not None:
                lines.append(f"unlocked_at = {user.unlocked_at.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}")
            if user.email:
                lines.append(f"email = {_toml_string(user.email)}")
            if user.agency:
                lines.append(f"agency = {_toml_string(user.agency)}")
            lines.append("")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)  # mkstemp creates it 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("\n".join(lines))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _hash(self, password: str) -> str:
        return bcrypt.hashpw(_check_password(password), bcrypt.gensalt(self.rounds)).decode("ascii")

    def add_user(self, username: str, role: str, password: str, units=(), email: str = "",
                 agency: str | None = None) -> User:
        if not isinstance(username, str) or not _USERNAME.match(username):
            raise UserError(f"Tên đăng nhập '{username}' không hợp lệ: chỉ dùng chữ thường không dấu, số, '.', '_', '-' "
                            f"(tối đa 64 ký tự). / Invalid user name: use a-z, 0-9, '.', '_', '-' (up to 64).")
        units, agency = check_scope(role, units, agency)
        email = (email or "").strip()
        if email and not _EMAIL.match(email):
            raise UserError(f"Địa chỉ thư '{email}' không hợp lệ / not an e-mail address")
        user = User(username, role, units, self._hash(password), uid=secrets.token_hex(16), email=email, agency=agency)
        with self._locked():
            users = self._read()
            if username in users:
                raise UserError(f"Người dùng '{username}' đã tồn tại. / User '{username}' already exists.")
            users[username] = user
            self._write(users)
        return user

    def set_scope(self, username: str, *, role: str | None = None, units=None, agency: str | None | type = ...) -> User:
        """Change an account's role, units and/or agency (what is not given stays); checked together, so
        that a role and the units it needs change in one step. The last enabled admin keeps its role."""
        with self._locked():
            users = self._read()
            if username not in users:
                raise UserError(f"Không có người dùng '{username}'. / No user '{username}'.")
            old = users[username]
            new_role = old.role if role is None else role
            new_units = old.units if units is None else units
            new_agency = old.agency if agency is ... else agency
            # A role change drops what the new role cannot hold, unless it was given in the same step.
            if new_role == "admin" and units is None:
                new_units = ()
            if new_role != "uploader" and agency is ...:
                new_agency = None
            new_units, new_agency = check_scope(new_role, new_units, new_agency)
            if old.role == "admin" and new_role != "admin" and not old.disabled \
                    and sum(u.role == "admin" and not u.disabled for u in users.values()) == 1:
                raise UserError("Không thể đổi vai trò của quản trị viên cuối cùng còn hoạt động; hãy tạo quản trị viên "
                                "khác trước. / Cannot change the role of the last enabled admin; add another admin first.")
            users[username] = replace(old, role=new_role, units=new_units, agency=new_agency)
            self._write(users)
            return users[username]

    def remove_user(self, username: str) -> None:
        with self._locked():
            users = self._read()
            if username not in users:
                raise UserError(f"Không có người dùng '{username}'. / No user '{username}'.")
            if users[username].role == "admin" and sum(u.role == "admin" for u in users.values()) == 1:
                raise UserError("Không thể xóa quản trị viên cuối cùng; hãy tạo quản trị viên khác trước. "
                                "/ Cannot remove the last admin; add another admin first.")
            del users[username]
            self._write(users)

    def set_password(self, username: str, password: str) -> None:
        hashed = self._hash(password)
        with self._locked():
            users = self._read()
            if username not in users:
                raise UserError(f"Không có người dùng '{username}'. / No user '{username}'.")
            old = users[username]
            # A new epoch ends every session opened with the old password.
            users[username] = replace(old, password_hash=hashed, epoch=old.epoch + 1)
            self._write(users)

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (or enable again) an account; either way its open sessions end."""
        with self._locked():
            users = self._read()
            if username not in users:
                raise UserError(f"Không có người dùng '{username}'. / No user '{username}'.")
            old = users[username]
            if disabled and old.role == "admin" and not old.disabled \
                    and sum(u.role == "admin" and not u.disabled for u in users.values()) == 1:
                raise UserError("Không thể vô hiệu hóa quản trị viên cuối cùng còn hoạt động; hãy tạo quản trị viên khác trước. "
                                "/ Cannot disable the last enabled admin; add another admin first.")
            users[username] = replace(old, disabled=disabled, epoch=old.epoch + 1)
            self._write(users)
            return users[username]

    def unlock(self, username: str, now: dt.datetime | None = None) -> User:
        """Lift a sign-in lock: failures recorded before now no longer count for this account."""
        with self._locked():
            users = self._read()
            if username not in users:
                raise UserError(f"Không có người dùng '{username}'. / No user '{username}'.")
            when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
            users[username] = replace(users[username], unlocked_at=when)
            self._write(users)
            return users[username]

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right, else None. An unknown user or an over-long password
        costs the same bcrypt check, so timing does not reveal which user names exist. A disabled
        account is returned as it is (the caller refuses it, after the same check)."""
        user = self._read().get(normalise_text(username)) if isinstance(username, str) else None
        raw = normalise_text(password).encode("utf-8") if isinstance(password, str) else b""
        usable = 0 < len(raw) <= MAX_PASSWORD_BYTES
        if user is None or not usable:
            bcrypt.checkpw(raw[:MAX_PASSWORD_BYTES] or b"x", _dummy_hash(self.rounds))
            return None
        if bcrypt.checkpw(raw, user.password_hash.encode("ascii")):
            return user
        # A password set before passwords were normalised, typed the same way again (not NFC): its own bytes.
        typed = password.encode("utf-8")
        if typed != raw and len(typed) <= MAX_PASSWORD_BYTES and bcrypt.checkpw(typed, user.password_hash.encode("ascii")):
            return user
        return None


@functools.cache
def _dummy_hash(rounds: int) -> bytes:
    """One hash per process and cost, built once: rebuilding it on every attempt made an unknown
    user name take a hash *and* a check, twice the time of a wrong password."""
    return bcrypt.hashpw(b"not a real password", bcrypt.gensalt(rounds))


def users_file_problem(store: UserStore, *, has_data: Callable[[], bool] | bool = False,
                       error: Exception | None = None, lang: str = "vi") -> str | None:
    """Why nobody can sign in with this users file, naming it and what to do; None when it is usable.

    A file that cannot be read (a syntax error, an unknown role) signs nobody in rather than guessing. A
    file that is there but holds no account, or none at all while the database holds data, means the
    accounts were lost: a new admin is never made silently then (ensure_admin is for a first run only)."""
    path = store.path
    if error is not None:
        detail = str(error).split(" / ")[-1] if lang == "en" else str(error).split(" / ")[0]
        if lang == "en":
            return (f"The users file {path} is damaged ({detail}), so nobody can sign in; the pages stay open to read. "
                    "An administrator should restore it from the backup, or fix it with `python -m tracker user list` "
                    "and `python -m tracker user add`.")
        return (f"Tệp tài khoản {path} bị hỏng ({detail}) nên chưa ai đăng nhập được; các trang xem vẫn mở. Quản trị viên "
                "hãy khôi phục tệp từ bản sao lưu, hoặc sửa bằng `python -m tracker user list` và `python -m tracker user add`.")
    if store.list_users():
        return None
    data = has_data() if callable(has_data) else has_data
    if not path.exists() and not data:
        return None   # a first run: ensure_admin makes the first admin
    if lang == "en":
        return (f"The users file {path} holds no account{' although the database holds data' if data else ''}, so nobody "
                "can sign in and no new admin is made on its own. Restore the file from the backup, or add an admin: "
                "`python -m tracker user add NAME --role admin`.")
    return (f"Tệp tài khoản {path} không có tài khoản nào{' trong khi cơ sở dữ liệu đã có số liệu' if data else ''}, nên chưa "
            "ai đăng nhập được và hệ thống không tự tạo quản trị viên mới. Hãy khôi phục tệp từ bản sao lưu, hoặc tạo quản "
            "trị viên: `python -m tracker user add TÊN --role admin`.")


def ensure_admin(store: UserStore) -> str | None:
    """On a first run with no users at all, create "admin" with a random password and return it
    (the caller prints it once). Otherwise None."""
    if store.list_users():
        return None
    password = secrets.token_urlsafe(12)
    try:
        store.add_user(ADMIN_USERNAME, "admin", password)
    except UserError:  # another process created it between our read and our write
        return None
    return password


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


# --- who may see what in the history ------------------------------------------------------------

def can_see_names(user: User | None) -> bool:
    """Uploaders' names, file names and withdrawal reasons: any signed-in user; not anonymous visitors."""
    return user is not None and user.role in ROLES


def can_download_original(user: User | None, unit: str) -> Decision:
    """An archived original file: admins, and signed-in users of that unit (a bulk file: admins only)."""
    if user is None:
        return _not_signed_in()
    if user.role == "admin":
        return _OK
    if user.role in ("uploader", "approver") and unit in user.units:
        return _OK
    return _refuse("original_not_allowed",
                   "Tệp gốc chỉ dành cho cán bộ của đơn vị đó và quản trị viên.",
                   "Original files are for that unit's staff and administrators only.")


# --- period locks -------------------------------------------------------------------------------

def _period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def period_lock_state(period: str | Period, today: dt.date, lock_days: int,
                      calendar: Calendar | None = None) -> tuple[str, dt.date]:
    """("not_ended" | "open" | "locked", closes_on): closes_on is the last day uploads are open.

    "not_ended" means the period's window has not opened yet. Without a calendar: the "calendar"
    preset with `lock_days` (a period opens when it ends)."""
    window = _calendar(calendar, lock_days).window(_period(period))
    state = window.state(today)
    return {"not_open": "not_ended", "late": "open"}.get(state, state), window.closes


def _calendar(calendar: Calendar | None, lock_days: int) -> Calendar:
    return calendar if calendar is not None else Calendar("calendar", lock_days=lock_days)


def _unit_name(unit: str, lang: str) -> str:
    try:
        from tracker.catalogue import load_catalogue

        cat = load_catalogue()
        return cat.name(unit, lang) if unit in cat.jurisdictions else unit
    except Exception:  # the message must not fail because the catalogue does
        return unit


def _refuse(code: str, vi: str, en: str) -> Decision:
    return Decision(False, code, vi, en)


_OK = Decision(True, "ok")


def _not_signed_in() -> Decision:
    return _refuse("not_signed_in", "Bạn cần đăng nhập để làm việc này.", "You need to sign in to do this.")


def _viewer(user: User) -> Decision:
    return _refuse("role_viewer",
                   f"Tài khoản {user.username} chỉ có quyền xem; không được tải lên hoặc rút số liệu. "
                   "Liên hệ quản trị viên nếu cần quyền nhập số liệu.",
                   f"Account {user.username} can only view; it cannot upload or withdraw data. "
                   "Ask an administrator for uploader rights.")


def _unknown_role(user: User) -> Decision:
    return _refuse("unknown_role", f"Tài khoản {user.username} có vai trò không hợp lệ '{user.role}'.",
                   f"Account {user.username} has an unknown role '{user.role}'.")


def _other_unit(user: User, unit: str) -> Decision:
    own_vi = ", ".join(_unit_name(u, "vi") for u in user.units) or "không có"
    own_en = ", ".join(_unit_name(u, "en") for u in user.units) or "none"
    return _refuse("unit_not_allowed",
                   f"Tài khoản {user.username} chỉ được nộp và rút số liệu của: {own_vi}; "
                   f"không được làm việc này cho {_unit_name(unit, 'vi')}.",
                   f"Account {user.username} may only upload and withdraw data for: {own_en}; "
                   f"not for {_unit_name(unit, 'en')}.")


def _span(p: Period, lang: str) -> str:
    if lang == "en":
        return "the quarter" if p.is_quarter else "the year"
    return "quý" if p.is_quarter else "năm"


def _not_ended(p: Period, calendar: Calendar) -> Decision:
    if calendar.preset != "calendar":
        w = calendar.window(p)
        return _refuse("period_not_ended",
                       f"Kỳ {p.label('vi')} chưa mở để nộp: số liệu tính đến hết ngày {fmt_date(w.data_to, 'vi')}; "
                       f"kỳ mở từ {fmt_date(w.opens, 'vi')}, hạn nộp {fmt_date(w.due, 'vi')}.",
                       f"Period {p.label('en')} is not open yet: its data run to {fmt_date(w.data_to, 'en')}; "
                       f"it opens on {fmt_date(w.opens, 'en')} and is due {fmt_date(w.due, 'en')}.")
    first = p.end() + dt.timedelta(days=1)
    return _refuse("period_not_ended",
                   f"Kỳ {p.label('vi')} chưa kết thúc (kết thúc ngày {fmt_date(p.end(), 'vi')}); chưa ai được báo cáo "
                   f"số liệu cho kỳ này. Có thể nộp từ ngày {fmt_date(first, 'vi')}.",
                   f"Period {p.label('en')} has not ended yet (it ends on {fmt_date(p.end(), 'en')}); nobody can "
                   f"report data for it yet. Uploads open on {fmt_date(first, 'en')}.")


def _locked_text(p: Period, closes_on: dt.date, lock_days: int, calendar: Calendar | None = None) -> tuple[str, str]:
    since = closes_on + dt.timedelta(days=1)
    if calendar is not None and calendar.preset != "calendar":
        due = calendar.window(p).due
        return (f"Kỳ {p.label('vi')} đã khóa từ {fmt_date(since, 'vi')} (hạn nộp {fmt_date(due, 'vi')}; kỳ chỉ mở để "
                f"nộp muộn đến hết {lock_days} ngày sau hạn, tức ngày {fmt_date(closes_on, 'vi')}).",
                f"Period {p.label('en')} has been locked since {fmt_date(since, 'en')} (due {fmt_date(due, 'en')}; late "
                f"uploads were accepted for {lock_days} days after that, until the end of {fmt_date(closes_on, 'en')}).")
    return (f"Kỳ {p.label('vi')} đã khóa từ {fmt_date(since, 'vi')} (kỳ chỉ mở để nộp đến hết {lock_days} ngày "
            f"sau khi kết thúc {_span(p, 'vi')}, tức ngày {fmt_date(closes_on, 'vi')}).",
            f"Period {p.label('en')} has been locked since {fmt_date(since, 'en')} (it stays open for {lock_days} days "
            f"after {_span(p, 'en')} ends, until the end of {fmt_date(closes_on, 'en')}).")


def _locked(p: Period, closes_on: dt.date, lock_days: int, calendar: Calendar | None = None) -> Decision:
    vi, en = _locked_text(p, closes_on, lock_days, calendar)
    return _refuse("period_locked",
                   vi + " Chỉ quản trị viên mới được tải lên hoặc rút số liệu của kỳ này.",
                   en + " Only an administrator can upload or withdraw data for this period.")


def _admin_override(p: Period, closes_on: dt.date, lock_days: int, calendar: Calendar | None = None) -> Decision:
    vi, en = _locked_text(p, closes_on, lock_days, calendar)
    return Decision(True, "admin_override", vi + " Bạn là quản trị viên nên vẫn được thay đổi; hãy ghi rõ lý do.",
                    en + " You are an administrator, so you may still change it; please record why.")


def _bad_period(period) -> Decision:
    return _refuse("bad_period", f"Kỳ báo cáo không hợp lệ: {period!r} (ví dụ 2026-Q3 hoặc 2026).",
                   f"Not a reporting period: {period!r} (e.g. 2026-Q3 or 2026).")


def can_view(user: User | None) -> Decision:
    """Everyone sees the dashboard pages other than upload, signed in or not."""
    if user is not None and user.role not in ROLES:
        return _unknown_role(user)
    return _OK


def can_manage_users(user: User | None) -> Decision:
    if user is None:
        return _not_signed_in()
    if user.role != "admin":
        return _refuse("admin_only", "Chỉ quản trị viên mới được quản lý tài khoản người dùng.",
                       "Only an administrator can manage user accounts.")
    return _OK


def _no_upload_role(user: User) -> Decision:
    if user.role == "approver":
        return _refuse("role_approver",
                       f"Tài khoản {user.username} là người duyệt số liệu; người duyệt không tự nộp hay rút số liệu "
                       "(để việc duyệt luôn do một người khác với người nộp).",
                       f"Account {user.username} approves figures; approvers do not upload or withdraw them "
                       "(so that a submission is always checked by someone else).")
    return _viewer(user)


def may_upload(user: User | None, unit: str, agency: str | None = None) -> Decision:
    """Whether this user may upload a form for `unit` (and `agency`: None is the whole unit's form),
    whatever the period: admins any; uploaders their units, and only their agency's form when tied to one."""
    if user is None:
        return _not_signed_in()
    if user.role not in ROLES:
        return _unknown_role(user)
    if user.role in ("viewer", "approver"):
        return _no_upload_role(user)
    if user.role == "admin":
        return _OK
    if unit not in user.units:
        return _other_unit(user, unit)
    if user.agency and agency != user.agency:
        return _refuse("agency_not_allowed",
                       f"Tài khoản {user.username} chỉ nộp số liệu của cơ quan {user.agency}; biểu mẫu này là của "
                       f"{agency or 'cả đơn vị'}.",
                       f"Account {user.username} only uploads the figures of agency {user.agency}; this form is for "
                       f"{agency or 'the whole unit'}.")
    return _OK


def may_approve(user: User | None, unit: str) -> Decision:
    """Whether this user may approve or return `unit`'s submissions: admins any, approvers their units.
    (Four eyes — not one's own submission — is the approval's rule, tracker/approval.py.)"""
    if user is None:
        return _not_signed_in()
    if user.role not in ROLES:
        return _unknown_role(user)
    if user.role == "admin":
        return _OK
    if user.role == "approver" and unit in user.units:
        return _OK
    if user.role == "approver":
        own_vi = ", ".join(_unit_name(u, "vi") for u in user.units)
        own_en = ", ".join(_unit_name(u, "en") for u in user.units)
        return _refuse("unit_not_allowed",
                       f"Tài khoản {user.username} chỉ duyệt số liệu của: {own_vi}; không duyệt {_unit_name(unit, 'vi')}.",
                       f"Account {user.username} only approves the figures of: {own_en}; not {_unit_name(unit, 'en')}.")
    return _refuse("approver_only",
                   f"Tài khoản {user.username} không có quyền duyệt số liệu; việc duyệt dành cho người duyệt của đơn vị "
                   "và quản trị viên.",
                   f"Account {user.username} cannot approve figures; approving is for the unit's approvers and "
                   "administrators.")


def public_pages_setting(settings) -> str:
    return getattr(settings, "public_pages", "all") if settings is not None else "all"


def _own_and_related(user: User, related: Callable | None) -> set[str]:
    # A unit's targets may have been set by the units merged into it (Bắc Giang's are Bắc Ninh's now):
    # `related(units)` (Catalogue.lineage_group) gives those too.
    return set(related(user.units)) if related is not None else set(user.units)


def visible_units(user: User | None, all_units, settings=None, related: Callable | None = None) -> list[str]:
    """The units whose figures this visitor may see, in the order of `all_units`.

    With public_pages = "all" everybody sees every unit. With "none" (an internal installation) an
    anonymous visitor sees none, a viewer tied to units only those (and the units merged into them,
    given `related`), every other signed-in user all."""
    units = list(all_units)
    if public_pages_setting(settings) != "none":
        return units
    if user is None or user.role not in ROLES:
        return []
    if user.role == "viewer" and user.units:
        mine = _own_and_related(user, related)
        return [u for u in units if u in mine]
    return units


def may_see_pages(user: User | None, settings=None) -> bool:
    """Whether the progress pages open at all: always on a public installation, else signed in."""
    return public_pages_setting(settings) != "none" or (user is not None and user.role in ROLES)


def home_units(user: User | None, all_units, related: Callable | None = None) -> list[str]:
    """The units an overview opens on: the signed-in user's own units among `all_units` first, then the
    units merged into them (given `related`); none for anonymous visitors and admins."""
    if user is None or not user.units:
        return []
    units = list(all_units)
    mine = _own_and_related(user, related)
    return [u for u in units if u in user.units] + [u for u in units if u in mine and u not in user.units]


def can_upload(user: User | None, unit: str, period: str | Period, today: dt.date, lock_days: int,
               calendar: Calendar | None = None, *, agency: str | None = None) -> Decision:
    """Without a calendar: the "calendar" preset with `lock_days` (settings.reporting_calendar is the
    installation's). `agency`: the form's agency (None: the whole unit's form), see may_upload."""
    scope = may_upload(user, unit, agency)
    if not scope.allowed:
        return scope
    try:
        p = _period(period)
    except ValueError:
        return _bad_period(period)
    if not (p.is_quarter or p.is_year):
        return _refuse("report_only_period",
                       f"{p.label('vi')} là kỳ báo cáo tổng hợp; số liệu được nộp theo quý hoặc theo năm "
                       f"(báo cáo {p.label('vi')} lấy số của quý cuối kỳ).",
                       f"The {p.label('en')} is a summary report; figures are uploaded per quarter or per year.")
    cal = _calendar(calendar, lock_days)
    state, closes_on = period_lock_state(p, today, lock_days, cal)
    if state == "not_ended":
        return _not_ended(p, cal)
    if state == "locked":
        return (_admin_override(p, closes_on, lock_days, calendar) if user.role == "admin"
                else _locked(p, closes_on, lock_days, calendar))
    return _OK


def can_withdraw(user: User | None, submission_unit: str, submission_period: str | Period, uploaded_by: str,
                 today: dt.date, lock_days: int, calendar: Calendar | None = None) -> Decision:
    """Admins always; an uploader only its own submissions, for its own units, until the period locks."""
    if user is None:
        return _not_signed_in()
    if user.role in ("viewer", "approver"):
        return _no_upload_role(user)
    if user.role not in ROLES:
        return _unknown_role(user)
    if user.role == "admin":
        return _OK
    if submission_unit not in user.units:
        return _other_unit(user, submission_unit)
    if uploaded_by != user.username:
        return _refuse("not_own_submission",
                       f"Lần nộp này do {uploaded_by} thực hiện; cán bộ nhập số liệu chỉ được rút lần nộp của chính mình. "
                       "Liên hệ quản trị viên nếu cần rút.",
                       f"This submission was made by {uploaded_by}; uploaders can only withdraw their own submissions. "
                       "Ask an administrator to withdraw it.")
    try:
        p = _period(submission_period)
    except ValueError:
        return _bad_period(submission_period)
    state, closes_on = period_lock_state(p, today, lock_days, calendar)
    # A submission for a period that has not opened cannot normally exist; withdrawing it only removes data.
    if state == "locked":
        return _locked(p, closes_on, lock_days, calendar)
    return _OK
