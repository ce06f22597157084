"""What the storage layer hands back and refuses with, whichever engine: errors, commit results, audit
entries, and the small conversions every engine applies the same way (period keys, UTC times)."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tracker.core.periods import parse_period

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = ROOT / "data" / "tracker.duckdb"
MEMORY = ":memory:"
BULK = "*"  # unit or period of a form that covers several
URL_PREFIXES = ("postgresql://", "postgres://")


class StoreError(Exception):
    """The database cannot be used now; an error value with a code, a place and a vi / en message.

    Codes: "busy" (another process holds the file in the conflicting mode for longer than the
    store waits), "unreadable" (not a database, no permission), "missing" (no database yet),
    "schema" (too new, or an upgrade needs a writable store), "read_only", "closed".
    ``str()`` gives "vi / en", as every refusal of the package does.
    """

    def __init__(self, message_vi: str, message_en: str | None = None, *, code: str = "unreadable", place: str = ""):
        if message_en is None:   # one "vi / en" sentence, split where the two meet
            message_vi, _, message_en = message_vi.partition(" / ")
        self.message_vi, self.message_en, self.code, self.place = message_vi, message_en or message_vi, code, place
        self.holder_pid: int | None = None   # busy: the process holding the file, when DuckDB names it
        self.waited: float = 0.0             # busy: seconds waited
        super().__init__(f"{self.message_vi} / {self.message_en}")

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


@dataclass(frozen=True)
class CommitResult:
    submission_id: int
    duplicate: bool
    observations: int
    milestones: int


# What the audit log records (event -> Vietnamese, English).
AUDIT_EVENTS = {
    "signin_ok": ("đăng nhập", "signed in"),
    "signin_failed": ("đăng nhập sai", "failed sign-in"),
    "signin_locked": ("tạm khóa đăng nhập", "sign-in locked"),
    "sign_out": ("đăng xuất", "signed out"),
    "session_end": ("phiên kết thúc", "session ended"),
    "upload": ("nộp số liệu", "upload"),
    "upload_override": ("nộp vào kỳ đã khóa", "upload into a locked period"),
    "withdraw": ("rút lần nộp", "withdrawal"),
    "approve": ("duyệt lần nộp", "submission approved"),
    "return": ("trả lại lần nộp", "submission returned"),
    "user_add": ("thêm người dùng", "user added"),
    "user_remove": ("xóa người dùng", "user removed"),
    "user_passwd": ("đổi mật khẩu", "password changed"),
    "user_disable": ("vô hiệu hóa", "user disabled"),
    "user_enable": ("bật lại", "user enabled"),
    "user_unlock": ("mở khóa đăng nhập", "sign-in unlocked"),
    "backup": ("sao lưu", "backup"),
    "remind": ("gửi thư nhắc nộp", "reminder sent"),
    "golive": ("bắt đầu sử dụng thật (xóa dữ liệu minh họa)", "go-live (demo data removed)"),
    "programme_create": ("lưu chương trình mới", "programme saved"),
    "programme_add": ("thêm chỉ tiêu vào chương trình", "entries added to a programme"),
    "programme_edit": ("sửa chỉ tiêu của chương trình", "programme entry edited"),
    "programme_retire": ("ngừng theo dõi chỉ tiêu", "programme entries retired"),
    # --- accounts (tracker/accounts.py) ---
    "user_role": ("đổi vai trò", "role changed"),
    "user_units": ("đổi đơn vị", "units changed"),
    "user_agency": ("đổi cơ quan", "agency changed"),
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    username: str
    event: str
    detail: str

    def event_label(self, lang: str = "vi") -> str:
        vi, en = AUDIT_EVENTS.get(self.event, (self.event, self.event))
        return en if lang == "en" else vi


def is_database_url(target) -> bool:
    """A PostgreSQL URL (postgresql://… or postgres://…), as opposed to a DuckDB file path."""
    return isinstance(target, str) and target.startswith(URL_PREFIXES)


def database_exists(target) -> bool:
    """Whether there is a database to read: a server URL is taken to exist (connecting tells), a file must."""
    return is_database_url(str(target)) or Path(target).exists()


def default_db_path() -> Path:
    """$TRACKER_DB, or data/tracker.duckdb in the repository."""
    env = os.environ.get("TRACKER_DB")
    return Path(env) if env else DEFAULT_DB


def period_key(code: str) -> int:
    """An integer that sorts periods: year * 10 + quarter, a whole year after its fourth quarter."""
    p = parse_period(code)
    return p.year * 10 + (p.quarter or 5)


def period_columns(periods: list[str]) -> tuple[list[str], list[int]]:
    """Normalised codes and sort keys, parsing each distinct period once (a form has a handful)."""
    known = {p: (parse_period(p).code, period_key(p)) for p in set(periods)}
    return [known[p][0] for p in periods], [known[p][1] for p in periods]


def utc_naive(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if now.tzinfo is not None:
        return now.astimezone(dt.UTC).replace(tzinfo=None)
    return now  # a naive time is taken to be UTC already


def archive_suffix(file_name: str) -> str:
    suffix = Path(file_name or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".xlsx"


def disk_full(exc: BaseException | None) -> bool:
    """A full disk, as the OS (ENOSPC) or a database engine (its own error text) reports it."""
    import errno

    while exc is not None:
        if getattr(exc, "errno", None) == errno.ENOSPC or "no space left on device" in str(exc).lower() \
                or "disk full" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False
