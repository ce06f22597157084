"""The administrator's commands: `user …` (decided by tracker.accounts.desk), `audit`, `backup`."""

from __future__ import annotations

import os
import sys

from tracker.catalogue import load_catalogue
from tracker.cli.common import (EXIT_OK, Refused, UsageError, audit_writer, end_web_sessions_of, local_login,
                                store_of)


def cmd_audit(args) -> int:
    """The audit log, newest first."""
    with store_of(args) as store:
        entries = store.audit_log(limit=args.limit, username=args.user)
    if not entries:
        print("Nhật ký kiểm tra chưa có mục nào. / The audit log is empty.")
        return EXIT_OK
    lang = args.lang
    print(f"{'Thời điểm (UTC)' if lang != 'en' else 'When (UTC)':<19}  {'Người dùng' if lang != 'en' else 'User':<20} "
          f"{'Việc' if lang != 'en' else 'What':<28} {'Chi tiết' if lang != 'en' else 'Detail'}")
    for e in entries:
        print(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.username:<20} {e.event_label(lang):<28} {e.detail}")
    return EXIT_OK


def cmd_backup(args) -> int:
    """A consistent copy of the installation in a new folder: database, archive, users file."""
    import shutil
    from pathlib import Path

    from tracker.accounts.users import UserStore
    from tracker.core.settings import load_settings

    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise Refused(f"Thư mục {out} đã có dữ liệu; hãy chọn một thư mục mới. / {out} is not empty; choose a new folder.")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    with store_of(args) as store:
        submissions, files = store.backup(out / "tracker.duckdb", out / "archive")
    users = UserStore(load_settings().users_file)
    with users._locked():   # not in the middle of an account change
        if users.path.exists():
            shutil.copy2(users.path, out / users.path.name)
    audit_writer(args)("backup", local_login(), str(out.resolve()))
    print(f"Đã sao lưu vào {out}: cơ sở dữ liệu ({submissions} lần nộp), {files} tệp gốc, tệp người dùng. "
          f"/ Backed up: database ({submissions} submissions), {files} original files, users file.")
    return EXIT_OK


def _user_store(args):
    from tracker.accounts.users import UserStore
    from tracker.core.settings import SettingsError, load_settings

    if args.users:
        return UserStore(args.users)
    try:
        return UserStore(load_settings().users_file)
    except SettingsError as exc:
        raise Refused(str(exc)) from None


def _read_password(args) -> str:
    """From stdin (--password-stdin, one line), else typed twice at a terminal; never an argument,
    which would land in the shell history and the process list."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("không có bàn phím để nhập mật khẩu; dùng --password-stdin "
                          "/ stdin is not a terminal; use --password-stdin")
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại mật khẩu / repeat password: "):
        raise Refused("Hai lần nhập mật khẩu không khớp; chưa thay đổi gì. / The passwords differ; nothing changed.")
    return first


def _account_desk(args, users, *, check_units: bool):
    """The one place account changes are decided (tracker.accounts), acting as the server's operator;
    the catalogue is read only when units are given (they must be its units)."""
    from tracker.accounts.desk import AccountDesk

    return AccountDesk(users, actor=local_login(), audit=audit_writer(args),
                       end_sessions=lambda name: end_web_sessions_of(args, name),
                       known_units=load_catalogue().jurisdictions if check_units else None)


def _done(result) -> None:
    """Print an account change's result, or refuse with its sentence (exit 1)."""
    if not result.ok:
        raise Refused(f"{result.message_vi} / {result.message_en}")
    print(f"{result.message_vi} / {result.message_en}")
    if result.password:
        print(f"Mật khẩu (chỉ hiện một lần) / password (shown once): {result.password}")
    if result.sessions_ended:
        print(f"Đã đóng {result.sessions_ended} phiên đăng nhập trên trình duyệt / "
              f"{result.sessions_ended} browser session(s) ended")


def _new_password(args) -> str | None:
    """None with --generate-password (the desk makes one and it is printed once), else read."""
    return None if getattr(args, "generate_password", False) else _read_password(args)


def cmd_user(args) -> int:
    """Accounts: add, set, remove, list, passwd, disable, enable, unlock — each decided by tracker.accounts.
    Refusals are sentences, exit 1."""
    from tracker.accounts.users import UserError

    if not getattr(args, "user_action", None):
        raise UsageError("thiếu thao tác: add, set, remove, list, passwd, disable, enable hoặc unlock / missing action")
    store = _user_store(args)
    try:
        if args.user_action == "list":
            users = store.list_users()
            if not users:
                print(f"Chưa có người dùng nào trong {store.path}. / No users yet.")
                return EXIT_OK
            width = max(len("Tên / name"), *(len(u.username) for u in users))
            print(f"{'Tên / name':<{width}}  {'Vai trò / role':<14}  {'Trạng thái / state':<18}  Đơn vị / units")
            for u in users:
                units = ", ".join(u.units) if u.units else ("(tất cả / all)" if u.role in ("admin", "viewer") else "-")
                state = "vô hiệu / disabled" if u.disabled else "hoạt động / active"
                print(f"{u.username:<{width}}  {u.role:<14}  {state:<18}  {units}" + (f"  [{u.agency}]" if u.agency else ""))
            return EXIT_OK
    except UserError as exc:
        raise Refused(str(exc)) from None
    desk = _account_desk(args, store, check_units=bool(getattr(args, "unit", None)))
    action = args.user_action
    if action == "add":
        refused = desk.check_add(args.name, args.role, args.unit or (), args.agency)
        if refused:   # said before asking for a password
            _done(refused)
        _done(desk.add(args.name, args.role, units=args.unit or (), agency=args.agency, email=args.email or "",
                       password=_new_password(args)))
    elif action == "set":
        if args.role is None and args.unit is None and args.agency is None and not args.no_agency:
            raise UsageError("user set cần ít nhất một trong --role, --unit, --agency, --no-agency / nothing to change")
        agency = None if args.no_agency else (args.agency if args.agency is not None else ...)
        _done(desk.set_scope(args.name, role=args.role, units=args.unit, agency=agency))
    elif action == "remove":
        _done(desk.remove(args.name))
    elif action in ("disable", "enable"):
        _done(desk.set_disabled(args.name, action == "disable"))
    elif action == "unlock":
        _done(desk.unlock(args.name))
    elif action == "passwd":
        if not store.get(args.name):
            raise Refused(f"Không có người dùng '{args.name}'. / No user '{args.name}'.")
        _done(desk.reset_password(args.name, _new_password(args)))
    else:
        raise UsageError(f"thao tác không hợp lệ: {action}")
    return EXIT_OK
