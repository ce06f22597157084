"""Who may do what: pure functions returning a Decision that says why, in both languages, so the
dashboard and the command line show the same sentence.

Period locks follow the reporting calendar (tracker/core/calendar.py): a quarter or year can be reported
once its window opens (under "nd09" on the data cut-off day, under "calendar" when it has ended),
stays open `lock_days` days after the deadline, and is then locked; only an admin may upload or
withdraw for a locked period. Nobody may report a period whose window has not opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from tracker.accounts.users import ROLES, User
from tracker.core.calendar import Calendar
from tracker.core.i18n import fmt_date
from tracker.core.periods import Period, parse_period


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str
    message_vi: str = ""
    message_en: str = ""

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


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
