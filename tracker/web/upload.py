"""What the upload page says before any file: which periods are open now and until when, what opens
next, whom to ask for a late upload. Plain functions of the calendar and the date (tested without
Streamlit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.calendar import Calendar, next_window_line, window_line
from tracker.completeness import upload_period
from tracker.i18n import fmt_date
from tracker.periods import Period


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
