"""Every account change, decided in one place: the «Tài khoản» page and `python -m tracker user …` both
call AccountDesk, so the rules are the same wherever an admin works.

The rules: user names and passwords as tracker.accounts.users checks them; the role's units and agency as
users.check_scope says (uploaders and approvers need units, viewers may have some, admins none, an
agency only for uploaders); units must be the catalogue's; the last enabled admin can be neither
removed, disabled nor made something else; an admin on the page cannot remove, disable or demote
their own account (they would lock themselves out mid-click). Every change is written to the audit
log with who made it; removing or disabling an account, or resetting its password, also ends its web
sessions (tracker.accounts.sessions), so that no open browser keeps working as it.

Results are values (AccountResult), never exceptions: a refusal names the account and what to do, in
Vietnamese and English. A generated password is in the result once and nowhere else (not in the audit
log, not in the users file, which holds only its bcrypt hash).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Callable, Iterable

from tracker.accounts.users import User, UserError, UserStore

# audit(event, username, detail); end_sessions(username) -> how many web sessions were ended.
Audit = Callable[[str, str, str], None]
EndSessions = Callable[[str], int]

GENERATED_PASSWORD_BYTES = 12   # token_urlsafe(12): 16 characters, 96 bits


@dataclass(frozen=True)
class AccountResult:
    ok: bool
    code: str
    message_vi: str
    message_en: str
    user: User | None = None
    # A password the desk made up: shown once to the admin, kept nowhere.
    password: str | None = None
    sessions_ended: int = 0

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


def _refused(code: str, exc_or_vi, en: str | None = None) -> AccountResult:
    if en is None:   # a UserError's "Vietnamese / English" sentence
        vi, _, en = str(exc_or_vi).partition(" / ")
        return AccountResult(False, code, vi, en or vi)
    return AccountResult(False, code, exc_or_vi, en)


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


class AccountDesk:
    """Account changes made by `actor` (an admin's user name, or "local:<login>" on the server's command
    line) on the users file `users`, audited through `audit`, ending web sessions through `end_sessions`.
    `known_units`: the catalogue's unit ids (None: not checked, for a users file without a catalogue)."""

    def __init__(self, users: UserStore, *, actor: str, audit: Audit | None = None,
                 end_sessions: EndSessions | None = None, known_units: Iterable[str] | None = None):
        self.users = users
        self.actor = actor
        self._audit = audit
        self._end_sessions = end_sessions
        self.known_units = None if known_units is None else set(known_units)

    @classmethod
    def for_store(cls, users: UserStore, store, *, actor: str, known_units: Iterable[str] | None = None) -> "AccountDesk":
        """A desk auditing into a tracker.storage Store and ending the sessions kept in it."""
        from tracker.accounts.sessions import SessionStore

        return cls(users, actor=actor, audit=getattr(store, "audit", None),
                   end_sessions=lambda name: SessionStore(store).end_account(name), known_units=known_units)

    # --- what the page and the command line call -------------------------------------------------

    def check_add(self, name: str, role: str, units=(), agency: str | None = None) -> AccountResult | None:
        """The refusal an add would meet before any password is asked for, else None."""
        from tracker.accounts.users import _USERNAME, check_scope

        if not isinstance(name, str) or not _USERNAME.match(name):
            return _refused("bad_name",
                            f"Tên đăng nhập '{name}' không hợp lệ: chỉ dùng chữ thường không dấu, số, '.', '_', '-' "
                            "(tối đa 64 ký tự).", "Invalid user name: use a-z, 0-9, '.', '_', '-' (up to 64).")
        unknown = self._unknown_units(units)
        if unknown:
            return unknown
        try:
            check_scope(role, units, agency)
            if self.users.get(name) is not None:
                return _refused("exists", f"Người dùng '{name}' đã tồn tại.", f"User '{name}' already exists.")
        except UserError as exc:
            return _refused("refused", exc)
        return None

    def add(self, name: str, role: str, *, units=(), agency: str | None = None, email: str = "",
            password: str | None = None) -> AccountResult:
        """A new account; with no password given one is generated and returned once in the result."""
        refused = self.check_add(name, role, units, agency)
        if refused:
            return refused
        generated = generate_password() if not password else None
        try:
            user = self.users.add_user(name, role, password or generated, units=units, email=email, agency=agency)
        except UserError as exc:
            return _refused("refused", exc)
        scope = " ".join(x for x in (", ".join(user.units), f"[{user.agency}]" if user.agency else "") if x)
        self._log("user_add", user.username, f"{user.role} {scope}".rstrip())
        return AccountResult(True, "added", f"Đã tạo người dùng {user.username} ({user.role}).",
                             f"User {user.username} ({user.role}) added.", user, generated)

    def set_scope(self, name: str, *, role: str | None = None, units=None, agency=...) -> AccountResult:
        """Change role, units and/or agency (what is not given stays). One audit row per kind of change."""
        old = self.users.get(name)
        if old is None:
            return self._no_such(name)
        if role is not None and role != old.role and name == self.actor:
            return _refused("own_role", "Bạn không thể đổi vai trò của chính mình; hãy nhờ một quản trị viên khác.",
                            "You cannot change your own role; ask another administrator.")
        if units is not None:
            unknown = self._unknown_units(units)
            if unknown:
                return unknown
        try:
            new = self.users.set_scope(name, role=role, units=units, agency=agency)
        except UserError as exc:
            return _refused("refused", exc)
        if new.role != old.role:
            self._log("user_role", name, f"{old.role} → {new.role}")
        if new.units != old.units:
            self._log("user_units", name, f"{', '.join(old.units) or '-'} → {', '.join(new.units) or '-'}")
        if new.agency != old.agency:
            self._log("user_agency", name, f"{old.agency or '-'} → {new.agency or '-'}")
        if new == old:
            return AccountResult(True, "unchanged", f"Tài khoản {name} không có gì thay đổi.", f"Nothing changed for {name}.", new)
        return AccountResult(True, "changed", f"Đã cập nhật tài khoản {name}.", f"Account {name} updated.", new)

    def set_disabled(self, name: str, disabled: bool) -> AccountResult:
        if self.users.get(name) is None:
            return self._no_such(name)
        if disabled and name == self.actor:
            return _refused("own_account", "Bạn không thể vô hiệu hóa tài khoản của chính mình.",
                            "You cannot disable your own account.")
        try:
            user = self.users.set_disabled(name, disabled)
        except UserError as exc:
            return _refused("refused", exc)
        self._log("user_disable" if disabled else "user_enable", name, "")
        ended = self._end(name) if disabled else 0
        if disabled:
            return AccountResult(True, "disabled", f"Đã vô hiệu hóa {name}; các phiên đang mở của tài khoản đã kết thúc.",
                                 f"{name} disabled; its open sessions have ended.", user, None, ended)
        return AccountResult(True, "enabled", f"Đã bật lại {name}.", f"{name} enabled again.", user)

    def reset_password(self, name: str, password: str | None = None) -> AccountResult:
        """A new password (typed, or generated and returned once); the account's sessions end."""
        if self.users.get(name) is None:
            return self._no_such(name)
        generated = generate_password() if not password else None
        try:
            self.users.set_password(name, password or generated)
        except UserError as exc:
            return _refused("refused", exc)
        self._log("user_passwd", name, "")
        ended = self._end(name)
        return AccountResult(True, "password_reset",
                             f"Đã đặt mật khẩu mới cho {name}; các phiên đang mở của tài khoản đã kết thúc.",
                             f"New password set for {name}; its open sessions have ended.",
                             self.users.get(name), generated, ended)

    def unlock(self, name: str) -> AccountResult:
        try:
            user = self.users.unlock(name)
        except UserError as exc:
            return _refused("refused", exc)
        self._log("user_unlock", name, "")
        return AccountResult(True, "unlocked", f"Đã mở khóa đăng nhập cho {name}.", f"Sign-in lock lifted for {name}.", user)

    def remove(self, name: str) -> AccountResult:
        if name == self.actor:
            return _refused("own_account", "Bạn không thể xóa tài khoản của chính mình.", "You cannot remove your own account.")
        try:
            self.users.remove_user(name)
        except UserError as exc:
            return _refused("refused", exc)
        self._log("user_remove", name, "")
        ended = self._end(name)
        return AccountResult(True, "removed", f"Đã xóa người dùng {name}.", f"User {name} removed.", None, None, ended)

    # --- helpers ---------------------------------------------------------------------------------

    def _unknown_units(self, units) -> AccountResult | None:
        if self.known_units is None:
            return None
        unknown = [u for u in (units or ()) if u not in self.known_units]
        if not unknown:
            return None
        return _refused("unknown_unit",
                        f"Không có địa phương: {', '.join(unknown)}. Chọn trong: {', '.join(sorted(self.known_units))}",
                        f"Unknown unit: {', '.join(unknown)}.")

    @staticmethod
    def _no_such(name: str) -> AccountResult:
        return _refused("no_such_user", f"Không có người dùng '{name}'.", f"No user '{name}'.")

    def _log(self, event: str, name: str, what: str) -> None:
        if self._audit is None:
            return
        detail = f"{what} — bởi / by {self.actor}" if what else f"bởi / by {self.actor}"
        try:
            self._audit(event, name, detail)
        except Exception as exc:  # noqa: BLE001 — the change is made; the server log keeps why it is not logged
            print(f"NQ45 Tracker: audit log not written ({event}, {name}): {exc}", flush=True)

    def _end(self, name: str) -> int:
        if self._end_sessions is None:
            return 0
        try:
            return int(self._end_sessions(name) or 0)
        except Exception as exc:  # noqa: BLE001 — the epoch or identity change refuses those sessions anyway
            print(f"NQ45 Tracker: web sessions of {name} not ended: {exc}", flush=True)
            return 0
