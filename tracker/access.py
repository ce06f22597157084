"""Who may do what: user accounts (a TOML file of bcrypt hashes) and the permission rules.

Roles: viewer (every page but upload), uploader (upload and withdraw for its own units only),
admin (all units, users, and periods after they lock).

Period locks follow DHIS2's "expiry days": a quarter or year can be reported once it has ended,
stays open for `lock_days` days after its last day, and is then locked; only an admin may upload
or withdraw for a locked period. Nobody may report a period that has not ended yet.

The permission checks are pure functions returning a Decision that says why, in both languages,
so the dashboard and the command line show the same sentence.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import tempfile
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt

from tracker.i18n import fmt_date
from tracker.periods import Period, parse_period

ROLES = ("viewer", "uploader", "admin")
ADMIN_USERNAME = "admin"
# bcrypt only looks at the first 72 bytes; a longer password would silently match its prefix.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8
DEFAULT_ROUNDS = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class UserError(ValueError):
    """A refused account change or an unreadable users file; the message is Vietnamese / English."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    units: tuple[str, ...] = ()
    # Kept out of repr so that a logged or displayed User never shows the hash.
    password_hash: str = field(default="", repr=False)


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
    raw = password.encode("utf-8")
    if len(raw) > MAX_PASSWORD_BYTES:
        raise UserError(
            f"Mật khẩu quá dài: {len(raw)} byte, tối đa {MAX_PASSWORD_BYTES} byte (chữ có dấu chiếm 2–3 byte mỗi ký tự). "
            f"/ The password is too long: {len(raw)} bytes, at most {MAX_PASSWORD_BYTES} bytes (bcrypt's limit).")
    return raw


def _toml_string(text: str) -> str:
    # A JSON string with ASCII escapes is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=True)


class UserStore:
    """The accounts in one TOML file. Every call reads the file afresh, so the command line and a
    running dashboard see each other's changes; every change rewrites it atomically (mode 0600)."""

    def __init__(self, path: str | Path, rounds: int = DEFAULT_ROUNDS):
        self.path = Path(path)
        self.rounds = rounds
        self._dummy_hash: bytes | None = None

    # reading

    def _read(self) -> dict[str, User]:
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
            if role not in ROLES or not isinstance(units, list) or not all(isinstance(u, str) for u in units) \
                    or not isinstance(hashed, str) or not hashed.startswith("$2"):
                raise UserError(f"Tệp người dùng {self.path}: mục '{name}' không hợp lệ "
                                f"/ the users file has an invalid entry '{name}'")
            users[name] = User(name, role, tuple(units), hashed)
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
                      f"password_hash = {_toml_string(user.password_hash)}",
                      ""]
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

    def add_user(self, username: str, role: str, password: str, units=()) -> User:
        if not isinstance(username, str) or not _USERNAME.match(username):
            raise UserError(f"Tên đăng nhập '{username}' không hợp lệ: chỉ dùng chữ thường không dấu, số, '.', '_', '-' "
                            f"(tối đa 64 ký tự). / Invalid user name: use a-z, 0-9, '.', '_', '-' (up to 64).")
        if role not in ROLES:
            raise UserError(f"Vai trò '{role}' không hợp lệ; chọn một trong: {', '.join(ROLES)} "
                            f"/ unknown role; choose one of {', '.join(ROLES)}")
        units = tuple(dict.fromkeys(units))
        if role == "uploader" and not units:
            raise UserError("Cán bộ nhập số liệu (uploader) cần ít nhất một đơn vị (--unit). "
                            "/ An uploader needs at least one unit (--unit).")
        if role != "uploader" and units:
            raise UserError(f"Chỉ vai trò uploader mới gắn với đơn vị; vai trò {role} không nhận --unit. "
                            f"/ Only uploaders are scoped to units; role {role} takes no --unit.")
        user = User(username, role, units, self._hash(password))
        with self._locked():
            users = self._read()
            if username in users:
                raise UserError(f"Người dùng '{username}' đã tồn tại. / User '{username}' already exists.")
            users[username] = user
            self._write(users)
        return user

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
            users[username] = User(old.username, old.role, old.units, hashed)
            self._write(users)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right, else None. An unknown user or an over-long password
        costs the same bcrypt check, so timing does not reveal which user names exist."""
        user = self._read().get(username) if isinstance(username, str) else None
        raw = password.encode("utf-8") if isinstance(password, str) else b""
        usable = 0 < len(raw) <= MAX_PASSWORD_BYTES
        if user is None or not usable:
            if self._dummy_hash is None:
                self._dummy_hash = bcrypt.hashpw(b"not a real password", bcrypt.gensalt(self.rounds))
            bcrypt.checkpw(raw[:MAX_PASSWORD_BYTES] or b"x", self._dummy_hash)
            return None
        return user if bcrypt.checkpw(raw, user.password_hash.encode("ascii")) else None


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


# --- period locks -------------------------------------------------------------------------------

def _period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def period_lock_state(period: str | Period, today: dt.date, lock_days: int) -> tuple[str, dt.date]:
    """("not_ended" | "open" | "locked", closes_on): closes_on is the last day uploads are open."""
    p = _period(period)
    closes_on = p.end() + dt.timedelta(days=lock_days)
    if not p.has_ended(today):
        return "not_ended", closes_on
    return ("open" if today <= closes_on else "locked"), closes_on


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


def _not_ended(p: Period) -> Decision:
    first = p.end() + dt.timedelta(days=1)
    return _refuse("period_not_ended",
                   f"Kỳ {p.label('vi')} chưa kết thúc (kết thúc ngày {fmt_date(p.end(), 'vi')}); chưa ai được báo cáo "
                   f"số liệu cho kỳ này. Có thể nộp từ ngày {fmt_date(first, 'vi')}.",
                   f"Period {p.label('en')} has not ended yet (it ends on {fmt_date(p.end(), 'en')}); nobody can "
                   f"report data for it yet. Uploads open on {fmt_date(first, 'en')}.")


def _locked_text(p: Period, closes_on: dt.date, lock_days: int) -> tuple[str, str]:
    since = closes_on + dt.timedelta(days=1)
    return (f"Kỳ {p.label('vi')} đã khóa từ {fmt_date(since, 'vi')} (kỳ chỉ mở để nộp đến hết {lock_days} ngày "
            f"sau khi kết thúc {_span(p, 'vi')}, tức ngày {fmt_date(closes_on, 'vi')}).",
            f"Period {p.label('en')} has been locked since {fmt_date(since, 'en')} (it stays open for {lock_days} days "
            f"after {_span(p, 'en')} ends, until the end of {fmt_date(closes_on, 'en')}).")


def _locked(p: Period, closes_on: dt.date, lock_days: int) -> Decision:
    vi, en = _locked_text(p, closes_on, lock_days)
    return _refuse("period_locked",
                   vi + " Chỉ quản trị viên mới được tải lên hoặc rút số liệu của kỳ này.",
                   en + " Only an administrator can upload or withdraw data for this period.")


def _admin_override(p: Period, closes_on: dt.date, lock_days: int) -> Decision:
    vi, en = _locked_text(p, closes_on, lock_days)
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


def can_upload(user: User | None, unit: str, period: str | Period, today: dt.date, lock_days: int) -> Decision:
    if user is None:
        return _not_signed_in()
    if user.role == "viewer":
        return _viewer(user)
    if user.role not in ROLES:
        return _unknown_role(user)
    if user.role == "uploader" and unit not in user.units:
        return _other_unit(user, unit)
    try:
        p = _period(period)
    except ValueError:
        return _bad_period(period)
    state, closes_on = period_lock_state(p, today, lock_days)
    if state == "not_ended":
        return _not_ended(p)
    if state == "locked":
        return _admin_override(p, closes_on, lock_days) if user.role == "admin" else _locked(p, closes_on, lock_days)
    return _OK


def can_withdraw(user: User | None, submission_unit: str, submission_period: str | Period, uploaded_by: str,
                 today: dt.date, lock_days: int) -> Decision:
    """Admins always; an uploader only its own submissions, for its own units, until the period locks."""
    if user is None:
        return _not_signed_in()
    if user.role == "viewer":
        return _viewer(user)
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
    state, closes_on = period_lock_state(p, today, lock_days)
    # A submission for a period that has not ended cannot normally exist; withdrawing it only removes data.
    if state == "locked":
        return _locked(p, closes_on, lock_days)
    return _OK
