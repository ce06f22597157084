"""`python -m tracker ...`: the command line. Exit 0 = done, 1 = refused (report printed), 2 = usage.

Every command catches what it expects and prints a sentence, never a traceback. This module holds the
parser and main(); the commands are in data.py, present.py, admin.py and catalogue.py, what they share in
common.py.
"""

from __future__ import annotations

import argparse
import os
import sys

from tracker.catalogue import CatalogueError
from tracker.cli.admin import cmd_audit, cmd_backup, cmd_user
from tracker.cli.catalogue import cmd_catalogue, cmd_propose
from tracker.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, Refused, UsageError  # noqa: F401
from tracker.cli.data import (cmd_agencies, cmd_calendar, cmd_decide, cmd_golive, cmd_history, cmd_ingest, cmd_remind,
                              cmd_seed, cmd_status, cmd_template)
from tracker.cli.present import cmd_brief, cmd_briefing, cmd_publish
from tracker.core.i18n import STRINGS, fmt_number, t



class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors; keep that, with our wording
        self.print_usage(sys.stderr)
        print(f"{self.prog}: lỗi cú pháp / usage error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _lang(args) -> str:
    """--lang where the command has it, else the installation's default language."""
    if getattr(args, "lang", None):
        return args.lang
    from tracker.core.settings import load_settings

    try:
        return load_settings().default_lang
    except Exception:   # a broken settings file is reported by the commands that need it
        return "vi"


def _busy_message(args, exc) -> str:
    """The database stayed busy longer than a command waits: say what was not done and what to do,
    in the words of the command (a briefing user is not sent to the upload page)."""
    lang = _lang(args)
    holder = t("busy.holder", lang, pid=exc.holder_pid) if exc.holder_pid else t("busy.holder_unknown", lang)
    what = f"busy.{args.command}"
    return t("busy.cli", lang, db=exc.place, holder=holder, s=fmt_number(exc.waited, lang),
             what=t(what, lang) if what in STRINGS else "")


# Commands that read or write the installation's data; they must run as the data's owner.
_DATA_COMMANDS = {"template", "ingest", "history", "seed", "status", "briefing", "user", "audit", "backup", "calendar",
                  "golive", "remind", "publish", "approve", "return"}


def _data_owner_problem() -> str | None:
    from tracker.core.settings import SettingsError, data_owner_problem, load_settings

    try:
        return data_owner_problem(load_settings())
    except SettingsError:
        return None  # the command itself reports a broken settings file


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tracker", description="NQ45 Tracker — dòng lệnh / command line")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("catalogue", help="in danh mục chỉ tiêu / print the targets")
    p.add_argument("--unit", help="chỉ một địa phương, vd. khanh-hoa")
    p.add_argument("--kind", choices=["stock", "flow", "ratio", "growth", "rank", "direction", "milestone"])
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--catalogue", help="đường dẫn indicators.yaml")
    p.set_defaults(func=cmd_catalogue)
    p = sub.add_parser("template", help="tạo biểu mẫu Excel / write an Excel form")
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True, help="vd. 2026-Q3 hoặc 2026")
    p.add_argument("--out", help="tệp ra (mặc định nq45_<unit>_<period>.xlsx)")
    p.add_argument("--db", help="cơ sở dữ liệu (mặc định data/tracker.duckdb; TRACKER_DB)")
    p.add_argument("--agency", help="biểu mẫu của một cơ quan chủ trì (mã: python -m tracker agencies) / one agency's form")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("agencies", help="cơ quan chủ trì và chỉ tiêu của từng cơ quan / lead agencies and their targets")
    p.add_argument("--unit", help="chỉ một địa phương, vd. bac-ninh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_agencies)

    p = sub.add_parser("ingest", help="nộp một biểu mẫu đã điền / ingest a filled form")
    p.add_argument("file")
    p.add_argument("--db")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
    p.add_argument("--as", dest="as_user", help="người dùng (mặc định: người vận hành máy chủ); hỏi mật khẩu của người đó")
    p.add_argument("--password-stdin", action="store_true", help="với --as: đọc mật khẩu từ một dòng stdin")
    p.add_argument("--reason", help="bắt buộc khi quản trị viên ghi vào kỳ đã khóa; lưu cùng lần nộp")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("history", help="lịch sử nộp và giá trị / submissions and value history")
    p.add_argument("--unit")
    p.add_argument("--indicator")
    p.add_argument("--db")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("seed", help="lần chạy đầu: tài khoản quản trị, dữ liệu minh họa / first run")
    p.add_argument("--if-empty", action="store_true", help="chỉ nạp khi cơ sở dữ liệu trống")
    p.add_argument("--db")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("status", help="tình hình từng chỉ tiêu / status of every target")
    p.add_argument("--unit")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pending", action="store_true", help="với --json: thêm số liệu đang chờ duyệt / add figures awaiting approval")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_status)
    for name, text in (("approve", "duyệt một lần nộp đang chờ duyệt / approve a submission"),
                       ("return", "trả lại một lần nộp đang chờ duyệt, kèm lý do / return a submission, with a reason")):
        p = sub.add_parser(name, help=text)
        p.add_argument("id", type=int, help="số lần nộp, vd. 12 (xem `history`)")
        p.add_argument("--reason", required=name == "return", help="lý do (bắt buộc khi trả lại; người nộp sẽ thấy)")
        p.add_argument("--db")
        p.add_argument("--as", dest="as_user", help="người duyệt; hỏi mật khẩu của người đó")
        p.add_argument("--password-stdin", action="store_true", help="với --as: đọc mật khẩu từ một dòng stdin")
        p.add_argument("--lang", choices=["vi", "en"], default="vi")
        p.set_defaults(func=cmd_decide)
    p = sub.add_parser("remind", help="gửi thư nhắc nộp cho đơn vị chưa nộp / e-mail reminders (cron)")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi")
    p.add_argument("--today", help="ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay; TRACKER_TODAY)")
    p.add_argument("--letter", metavar="OUT.docx", help="ghi công văn đôn đốc (.docx) thay vì gửi thư / write the letter")
    p.add_argument("--db")
    p.set_defaults(func=cmd_remind)
    p = sub.add_parser("golive", help="bắt đầu sử dụng thật: rút toàn bộ dữ liệu minh họa / go live: demo data out")
    p.add_argument("--yes", action="store_true", help="không hỏi lại")
    p.add_argument("--db")
    p.add_argument("--as", dest="as_user", help=argparse.SUPPRESS)
    p.add_argument("--password-stdin", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_golive)
    p = sub.add_parser("calendar", help="lịch báo cáo: kỳ đang mở, hạn nộp, đơn vị đã nộp / reporting calendar")
    p.add_argument("--today", help="ngày xem lịch, dạng YYYY-MM-DD (mặc định: hôm nay; TRACKER_TODAY)")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_calendar)
    _unit_document(sub, "briefing", "bản trình chiếu PowerPoint của một địa phương / a unit's briefing deck", "pptx",
                   cmd_briefing)
    _unit_document(sub, "brief", "bản tóm tắt PDF khổ A4 của một địa phương / a unit's A4 PDF brief", "pdf", cmd_brief)
    p = sub.add_parser("publish", help="xuất trang công khai tĩnh (HTML, SVG, CSV) / write the static public site")
    p.add_argument("--out", required=True, help="thư mục của trang, vd. site/ (chỉ ghi lại những trang đã thay đổi)")
    p.add_argument("--lang", default="vi,en", help="ngôn ngữ, vd. vi,en (mặc định) hoặc vi")
    p.add_argument("--db")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("audit", help="nhật ký kiểm tra: đăng nhập, nộp, rút, tài khoản / the audit log")
    p.add_argument("--limit", type=int, default=50, help="số mục mới nhất (mặc định 50)")
    p.add_argument("--user", help="chỉ một người dùng")
    p.add_argument("--db")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("backup", help="sao lưu nhất quán: cơ sở dữ liệu, tệp gốc, tệp người dùng / a consistent backup")
    p.add_argument("out", help="thư mục mới để chứa bản sao lưu")
    p.add_argument("--db")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("propose", help="đề xuất chỉ tiêu, nhiệm vụ từ văn bản một chương trình / propose targets from a programme")
    p.add_argument("file", help="chương trình: .docx, .doc, .pdf hoặc .txt")
    p.add_argument("--unit", help="mã địa phương ban hành, vd. can-tho")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_propose)
    p = sub.add_parser("user", help="tài khoản người dùng / user accounts")
    p.set_defaults(func=cmd_user)
    user_sub = p.add_subparsers(dest="user_action", parser_class=_Parser)
    users_file = _Parser(add_help=False)
    users_file.add_argument("--users", help="tệp người dùng (mặc định data/users.toml; TRACKER_USERS)")
    q = user_sub.add_parser("add", parents=[users_file], help="thêm người dùng / add a user")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=["viewer", "uploader", "approver", "admin"])
    q.add_argument("--unit", action="append",
                   help="đơn vị (uploader, approver: bắt buộc; viewer: tùy chọn), lặp lại được, vd. --unit khanh-hoa")
    q.add_argument("--agency", help="cơ quan mà cán bộ nhập số liệu nộp thay, vd. so-khcn (uploader, tùy chọn)")
    q.add_argument("--email", help="địa chỉ thư nhận nhắc nộp (tùy chọn)")
    secret = q.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng stdin")
    secret.add_argument("--generate-password", action="store_true", help="tạo mật khẩu ngẫu nhiên, in ra một lần")
    q = user_sub.add_parser("set", parents=[users_file], help="đổi vai trò, đơn vị, cơ quan / change role, units, agency")
    q.add_argument("name")
    q.add_argument("--role", choices=["viewer", "uploader", "approver", "admin"])
    q.add_argument("--unit", action="append", help="danh sách đơn vị mới (thay cho danh sách cũ), lặp lại được")
    q.add_argument("--agency", help="cơ quan mới, vd. so-khcn")
    q.add_argument("--no-agency", action="store_true", help="bỏ cơ quan (nộp cho cả đơn vị)")
    q = user_sub.add_parser("remove", parents=[users_file], help="xóa người dùng / remove a user")
    q.add_argument("name")
    q = user_sub.add_parser("list", parents=[users_file], help="danh sách người dùng / list users")
    q = user_sub.add_parser("passwd", parents=[users_file], help="đổi mật khẩu / change a password")
    q.add_argument("name")
    secret = q.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng stdin")
    secret.add_argument("--generate-password", action="store_true", help="tạo mật khẩu ngẫu nhiên, in ra một lần")
    for action, text in (("disable", "vô hiệu hóa (các phiên đang mở kết thúc) / disable"),
                         ("enable", "bật lại / enable again"),
                         ("unlock", "mở khóa đăng nhập sau nhiều lần sai / lift a sign-in lock")):
        q = user_sub.add_parser(action, parents=[users_file], help=text)
        q.add_argument("name")
    return parser


class _NoTraceback(__import__("logging").Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 — logging's name
        return ""

    def format(self, record) -> str:
        record.exc_text = ""
        saved, record.exc_info = record.exc_info, None
        try:
            return super().format(record)
        finally:
            record.exc_info = saved


def _sentences_not_tracebacks() -> None:
    """A log record at the terminal is one line: Python's last-resort handler would print the traceback of
    an exception the command has already turned into a sentence (an unreadable upload)."""
    import logging

    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(_NoTraceback("(nhật ký / log: %(message)s)"))
    root.addHandler(handler)



def _unit_document(sub, name: str, help_text: str, suffix: str, func) -> None:
    """A command that writes one unit's document (the deck, the A4 brief): the same five options."""
    p = sub.add_parser(name, help=help_text)
    p.add_argument("--unit", required=True)
    p.add_argument("--period", help="chỉ dùng số liệu đến kỳ này, vd. 2026-Q3")
    p.add_argument("--out", help=f"tệp ra (mặc định nq45_<unit>_<period>.{suffix})")
    p.add_argument("--db")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=func)

def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    if args.command in _DATA_COMMANDS:
        problem = _data_owner_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_REFUSED
    _sentences_not_tracebacks()
    # Every file a command creates (database, archive, users file, backup) is owner-only.
    umask = os.umask(0o077)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"{parser.prog}: lỗi cú pháp / usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except CatalogueError as exc:
        print(f"Danh mục chỉ tiêu bị lỗi / the catalogue is broken:\n{exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return EXIT_REFUSED
    except Exception as exc:  # the last guard: a sentence, never a traceback
        from tracker.storage import StoreError

        if isinstance(exc, StoreError):
            print(_busy_message(args, exc) if exc.code == "busy" else str(exc), file=sys.stderr)
            return EXIT_REFUSED
        print(f"Lỗi không mong đợi / unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        os.umask(umask)
