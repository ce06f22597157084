"""What the commands share: exit codes, the two refusals (usage, refused), the store the command
names, the period and unit of its arguments, who is writing (--as or the local operator), the audit log."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def store_of(args):
    from tracker.core.settings import load_settings
    from tracker.storage import Store

    if getattr(args, "db", None):
        return Store(args.db)          # its archive beside it
    settings = load_settings()
    return Store(settings.database, settings.archive_dir)   # a PostgreSQL URL when db_url is set


def period_or_usage(text: str):
    from tracker.core.periods import parse_period

    try:
        return parse_period(text)
    except ValueError:
        raise UsageError(f"kỳ báo cáo không hợp lệ: {text!r} (ví dụ 2026-Q3 hoặc 2026) / not a period") from None


class UsageError(Exception):
    pass


def unit_or_usage(cat, unit: str) -> str:
    if unit not in cat.jurisdictions:
        raise UsageError(f"không có địa phương '{unit}'; chọn một trong: {', '.join(sorted(cat.jurisdictions))}")
    if not cat.indicators_for(unit):
        raise UsageError(f"'{unit}' không có chỉ tiêu nào để báo cáo / has no targets to report")
    return unit


def operator_of(args) -> tuple[str, object]:
    """Who is writing: --as USER, who must give their password, or the local operator.

    Whoever runs the CLI on the server owns the database file, so without --as the write is
    recorded as "local:<login>" with admin rights; --as makes the CLI act with that user's rights,
    once that user's password is given (typed, or one line on stdin with --password-stdin).
    """
    import getpass

    from tracker.accounts.signin import Throttle, sign_in
    from tracker.accounts.users import User, UserError, UserStore
    from tracker.core.settings import load_settings

    if not args.as_user:
        return f"local:{getpass.getuser()}", User(f"local:{getpass.getuser()}", "admin", (), "")
    users = UserStore(load_settings().users_file)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Mật khẩu của {args.as_user} / password of {args.as_user}: ")
    else:
        raise UsageError("--as cần mật khẩu của người dùng đó: gõ ở bàn phím hoặc dùng --password-stdin "
                          "/ --as needs that user's password: type it or use --password-stdin")
    try:
        # The command line is one process per command: its throttle starts empty every time, but
        # each attempt costs a bcrypt check and is written to the audit log.
        result = sign_in(users, Throttle(), args.as_user, password, audit=audit_writer(args))
    except UserError as exc:
        raise Refused(str(exc)) from None
    if not result.ok:
        raise Refused(f"{result.message('vi')} / {result.message('en')} (--as {args.as_user})")
    return result.user.username, result.user


class Refused(Exception):
    pass


def audit_writer(args):
    """audit(event, user, detail) writing to the database's audit log, if it has one yet."""
    def write(event: str, username: str, detail: str = "") -> None:
        try:
            with store_of(args) as store:
                if hasattr(store, "audit"):
                    store.audit(event, username, detail)
        except Exception as exc:  # the log must not turn a refusal into a crash
            print(f"(nhật ký kiểm tra chưa ghi được / audit log not written: {exc})", file=sys.stderr)
    return write


def end_web_sessions_of(args, username: str) -> int:
    """Delete a removed account's web sessions (their cookies name nothing any more); its new identity
    would refuse them anyway, so a database that cannot be reached now is said, not fatal."""
    from tracker.accounts.sessions import SessionStore

    try:
        with store_of(args) as store:
            return SessionStore(store).end_account(username)
    except Exception as exc:  # noqa: BLE001 — the account is removed already; its sessions no longer resume
        print(f"(phiên trên trình duyệt chưa xóa được / browser sessions not deleted: {exc})", file=sys.stderr)
        return 0


def local_login() -> str:
    import getpass

    return f"local:{getpass.getuser()}"
