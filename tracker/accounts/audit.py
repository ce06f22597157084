"""The audit log as the audit page shows it: events grouped into kinds an admin asks about, and the
filters (who, what, unit, dates) as a pure function over entries, tested without Streamlit.

A row of the log has no unit column: a unit is what its detail names (an upload's "#12 khanh-hoa
2026-Q3 …", an account's units, a programme entry's "khanh-hoa.ct-…"), or the unit of the submission
"#N" it names (withdrawals, approvals, returns), given by the caller's submission → unit map.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from tracker.storage.records import AUDIT_EVENTS, AuditEntry

# Kind of event -> (events, Vietnamese, English). Each event is in one kind; an event no kind names
# (a newer one) falls under "other", so a filter never hides it for ever.
EVENT_KINDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "signin": (("signin_ok", "signin_failed", "signin_locked", "sign_out", "session_end"),
               "Đăng nhập, đăng xuất", "Sign-in and sign-out"),
    "upload": (("upload", "upload_override", "withdraw"), "Nộp và rút số liệu", "Uploads and withdrawals"),
    "approval": (("approve", "return"), "Duyệt, trả lại số liệu", "Approvals and returns"),
    "account": (("user_add", "user_remove", "user_passwd", "user_disable", "user_enable", "user_unlock",
                 "user_role", "user_units", "user_agency"), "Tài khoản", "Accounts"),
    "golive": (("golive",), "Bắt đầu sử dụng thật", "Go-live"),
    "programme": (("programme_create", "programme_add", "programme_edit", "programme_retire"),
                  "Chương trình, chỉ tiêu", "Programmes and targets"),
    "other": ((), "Khác (sao lưu, thư nhắc…)", "Other (backups, reminders…)"),
}
# Labels of events written by other parts of the work whose label the storage table may not have yet.
_MORE_LABELS = {
    "approve": ("duyệt số liệu", "approved"),
    "return": ("trả lại số liệu", "returned"),
    "user_role": ("đổi vai trò", "role changed"),
    "user_units": ("đổi đơn vị", "units changed"),
    "user_agency": ("đổi cơ quan", "agency changed"),
}
_SUBMISSION = re.compile(r"#(\d+)")


def event_label(event: str, lang: str = "vi") -> str:
    vi, en = AUDIT_EVENTS.get(event) or _MORE_LABELS.get(event) or (event, event)
    return en if lang == "en" else vi


def kind_of(event: str) -> str:
    for kind, (events, _, _) in EVENT_KINDS.items():
        if event in events:
            return kind
    return "other"


def kind_label(kind: str, lang: str = "vi") -> str:
    _, vi, en = EVENT_KINDS[kind]
    return en if lang == "en" else vi


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked for; an empty field asks for everything."""

    who: str = ""                       # a user name, exact (case-insensitive)
    kinds: tuple[str, ...] = ()         # keys of EVENT_KINDS
    unit: str = ""                      # a unit id
    date_from: dt.date | None = None    # inclusive, on the entry's recorded date
    date_to: dt.date | None = None      # inclusive

    def problem(self, lang: str = "vi") -> str | None:
        """Why this filter cannot be applied (a message naming the field), else None."""
        unknown = [k for k in self.kinds if k not in EVENT_KINDS]
        if unknown:
            return (f"Unknown kind of event: {', '.join(unknown)}." if lang == "en"
                    else f"Loại việc không có: {', '.join(unknown)}.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            return ("The 'from' date is after the 'to' date." if lang == "en"
                    else "Ngày «từ» sau ngày «đến»; hãy chọn lại khoảng ngày.")
        return None


def names_unit(entry: AuditEntry, unit: str, submission_units: Mapping[int, str] | None = None) -> bool:
    """Whether the entry is about `unit`: its detail names it as a whole word (a programme id's
    "khanh-hoa." prefix too), or names a submission of that unit."""
    detail = entry.detail or ""
    if re.search(rf"(?<![a-z0-9-]){re.escape(unit)}(?![a-z0-9-])", detail):
        return True
    if submission_units:
        return any(submission_units.get(int(n)) == unit for n in _SUBMISSION.findall(detail))
    return False


def filter_entries(entries: Iterable[AuditEntry], wanted: AuditFilter,
                   submission_units: Mapping[int, str] | None = None) -> list[AuditEntry]:
    """The entries the filter keeps, in their order. A filter with a problem() keeps nothing."""
    if wanted.problem() is not None:
        return []
    who = wanted.who.strip().lower()
    kinds = set(wanted.kinds)
    kept = []
    for e in entries:
        if who and (e.username or "").lower() != who:
            continue
        if kinds and kind_of(e.event) not in kinds:
            continue
        day = e.at.date() if isinstance(e.at, dt.datetime) else e.at
        if wanted.date_from and day < wanted.date_from:
            continue
        if wanted.date_to and day > wanted.date_to:
            continue
        if wanted.unit and not names_unit(e, wanted.unit, submission_units):
            continue
        kept.append(e)
    return kept


def audit_rows(entries: Iterable[AuditEntry], lang: str = "vi") -> list[dict]:
    """Rows for the page's table (column names by language)."""
    if lang == "en":
        cols = ("When (UTC)", "User", "Kind", "What", "Detail")
    else:
        cols = ("Thời điểm (UTC)", "Người dùng", "Loại", "Việc", "Chi tiết")
    return [dict(zip(cols, (e.at, e.username, kind_label(kind_of(e.event), lang), event_label(e.event, lang), e.detail)))
            for e in entries]
