"""The upload page's decisions (views/upload.py): what it says before any file (which periods are open
now and until when, what opens next, whom to ask for a late upload), which units and periods it
offers, which rows of a checked file are refused or need an admin's reason, and the receipt. Plain
functions (tested without Streamlit); the page's Streamlit steps are tracker.web.upload_steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.core.calendar import Calendar, next_window_line, window_line
from tracker.reporting.completeness import upload_period
from tracker.core.i18n import fmt_date
from tracker.core.periods import Period


@dataclass(frozen=True)
class CalendarNotice:
    # "open" when at least one window is open (on time or late), "closed" when none is.
    state: str
    lines: list[str]
    # The period the page selects first: the earliest open one, else the next to open (its form can be
    # prepared).
    default_period: Period
    periods: list[Period]


def calendar_notice(cal: Calendar, today: dt.date, lang: str = "vi") -> CalendarNotice:
    windows = [w for w in cal.open_windows(today) if w.period.is_quarter or w.period.is_year]
    periods = cal.uploadable_periods(today)
    if not windows:
        upcoming = cal.next_window(today)
        first = upload_period(upcoming.period)
        line = (f"No period is open for upload now. {next_window_line(upcoming, 'en')}." if lang == "en" else
                f"Hiện chưa có kỳ nào mở để nộp. {next_window_line(upcoming, 'vi')}.")
        prepare = ("Its form can be downloaded below to prepare the figures." if lang == "en" else
                   "Có thể tải biểu mẫu của kỳ này ở dưới để chuẩn bị số liệu.")
        return CalendarNotice("closed", [line, prepare], first, periods)
    lines = []
    for w in windows:
        if w.state(today) == "late":
            lines.append(f"{w.period.label('en')}: past its deadline {fmt_date(w.due, 'en')}; late uploads until "
                         f"{fmt_date(w.closes, 'en')}." if lang == "en" else
                         f"{w.period.label('vi')}: đã quá hạn nộp {fmt_date(w.due, 'vi')}; còn nhận nộp muộn đến hết "
                         f"ngày {fmt_date(w.closes, 'vi')}.")
        else:
            lines.append(f"Open now: {w.period.label('en')} — {window_line(w, 'en')}; open until {fmt_date(w.closes, 'en')}."
                         if lang == "en" else
                         f"Đang mở: {w.period.label('vi')} — {window_line(w, 'vi')}; nhận đến hết ngày "
                         f"{fmt_date(w.closes, 'vi')}.")
    return CalendarNotice("open", lines, windows[0].period, periods)


def late_contact(contact: str, lang: str = "vi") -> str:
    """Whom to ask when a period is locked (setting `contact`, else the administrator)."""
    if lang == "en":
        return f"For a late upload ask: {contact}." if contact else "For a late upload ask an administrator."
    return f"Cần nộp muộn, liên hệ: {contact}." if contact else "Cần nộp muộn, hãy liên hệ quản trị viên."


# Who may upload (and so open the page's steps); a returning user was signed out by the idle timeout.
UPLOAD_ROLES = ("uploader", "admin")


def acting_user(user, returning):
    """Whom the page is shown for: the signed-in user, else one signed out by the idle timeout with a
    checked upload waiting (the page and the file stay; confirming waits for the sign-in)."""
    return returning if user is None and returning is not None and returning.role in UPLOAD_ROLES else user


def decision_text(decision, lang: str) -> str:
    return decision.message_en if lang == "en" else decision.message_vi


def uploadable_units(cat, user) -> list[str]:
    """The units a user may upload for: every unit with targets for an admin, else the user's own."""
    return [u for u in cat.jurisdictions if cat.indicators_for(u) and (user.role == "admin" or u in user.units)]


def period_index(codes: list[str], default: str) -> int:
    """The period selected first: the calendar's default where it is offered, else the first."""
    return codes.index(default) if default in codes else 0


def own_agency(user) -> str | None:
    """An uploader tied to an agency gets that agency's form; an admin picks (issue 21)."""
    return getattr(user, "agency", None) if user.role != "admin" else None


def row_decisions(pairs, decide, lang: str) -> tuple[list[str], list[str]]:
    """(refusals, admin overrides) for the (unit, period) pairs a checked file writes, each said once,
    in the page's language: any refusal stops the upload; an override needs the admin's reason."""
    refusals, overrides = [], []
    for unit, period in sorted(pairs):
        d = decide(unit, period)
        if not d.allowed:
            refusals.append(decision_text(d, lang))
        elif d.code == "admin_override":
            overrides.append(decision_text(d, lang))
    return list(dict.fromkeys(refusals)), overrides


def written_pairs(parsed) -> set[tuple[str, str]]:
    return {(o.unit, o.period) for o in parsed.observations} | {(m.unit, m.period) for m in parsed.milestones}


def touched_units(parsed) -> set[str]:
    return {o.unit for o in parsed.observations} | {m.unit for m in parsed.milestones}


def preview_units(parsed) -> list[str] | None:
    """The units the preview compares with: the form's unit, or all of them for a bulk form ("*")."""
    return [parsed.unit] if parsed.unit and parsed.unit != "*" else None


def may_confirm(checked: bool, signed_in: bool, overrides: list[str], reason: str) -> bool:
    """Confirm is offered once the warnings are checked, the user is signed in (not only returning
    after the idle timeout), and an admin writing into a locked period has said why."""
    return checked and signed_in and not (overrides and not reason)


def period_text(period: str | None, lang: str) -> str:
    from tracker.core.i18n import t
    from tracker.core.periods import parse_period

    return parse_period(period).label(lang) if period not in (None, "*") else t("hist.several", lang)


def receipt(result, parsed, unit: str, cat, file_name: str, user: str, now: dt.date, approval: str, lang: str) -> dict:
    """What the page shows after saving, where the form was: the submission, its counts, for whom."""
    shown = parsed.unit if parsed.unit in cat.jurisdictions else unit
    return {"id": result.submission_id, "obs": result.observations, "ms": result.milestones, "file": file_name,
            "unit": cat.name(shown, lang), "unit_code": shown, "by": user, "period": period_text(parsed.period, lang),
            "at": fmt_date(now, lang), "approval": approval}
