"""User accounts: the users file (TOML of bcrypt hashes), the account record, password rules, the
first admin, and the scope (units, agency) each role may have.

Roles: viewer (the progress pages; optionally tied to units, which their overview opens on and, on an
installation whose pages are not public, the only units they see), uploader (upload and withdraw for its
own units only, optionally for one agency of them), approver (approves or returns its units'
submissions), admin (all units, users, and periods after they lock). Account changes themselves are
decided in tracker.accounts.desk, which both the page and the command line call; what each role may
do is tracker.accounts.permissions.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import secrets
import tempfile
import tomllib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import bcrypt

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


def first_admin_notice(password: str) -> str:
    """What the terminal that made the first admin shows, once (`seed` and a dashboard's first run alike):
    the name, the password and how to change it. Nowhere else keeps the password."""
    rule = "=" * 72
    return "\n".join([
        rule,
        "Tài khoản quản trị đầu tiên đã được tạo (chỉ hiện một lần) / first admin account (shown once):",
        f"    tên đăng nhập / user: {ADMIN_USERNAME}    mật khẩu / password: {password}",
        f"Đổi mật khẩu: python -m tracker user passwd {ADMIN_USERNAME}",
        rule,
    ])


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
