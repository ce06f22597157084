"""Reminder e-mails (issue 20): `remind_days` before a deadline and the day after it, the uploaders of
each unit that has not submitted get a Vietnamese message with the period, the deadline and the link.
Each reminder sent is in the audit log (event "remind"), which is also what stops a second one for the
same window, kind, unit and person."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from tracker.core.calendar import Calendar, Window, window_line
from tracker.reporting.completeness import completeness
from tracker.core.i18n import fmt_date

EVENT = "remind"


@dataclass(frozen=True)
class Reminder:
    window: Window
    kind: str          # "before" (remind_days before the deadline) or "after" (the day after it)
    unit: str
    username: str
    email: str

    @property
    def key(self) -> str:
        return f"{self.window.period.code} {self.kind} {self.unit} {self.username}"


def windows_to_remind(cal: Calendar, today: dt.date, remind_days: int) -> list[tuple[Window, str]]:
    out = []
    for w in cal.open_windows(today) + [cal.next_window(today)]:
        if not (w.period.is_quarter or w.period.is_year):
            continue
        if w.due - dt.timedelta(days=remind_days) == today and w.opens <= today:
            out.append((w, "before"))
        elif w.due + dt.timedelta(days=1) == today:
            out.append((w, "after"))
    return out


def pending(cat, store, users: list, cal: Calendar, today: dt.date, remind_days: int) -> list[Reminder]:
    """Reminders due today that have not been sent."""
    sent = {e.detail.split(" — ")[0] for e in store.audit_log(limit=100_000, events=[EVENT])}
    out = []
    for window, kind in windows_to_remind(cal, today, remind_days):
        for unit in completeness(cat, store, window).missing():
            for user in users:
                if user.role == "uploader" and unit in user.units and user.email and not user.disabled:
                    reminder = Reminder(window, kind, unit, user.username, user.email)
                    if reminder.key not in sent:
                        out.append(reminder)
    return out


def message(reminder: Reminder, unit_name: str, base_url: str, sender: str) -> EmailMessage:
    w, label = reminder.window, reminder.window.period.label("vi")
    mail = EmailMessage()
    if reminder.kind == "before":
        mail["Subject"] = f"Nhắc nộp số liệu {label} — hạn nộp {fmt_date(w.due, 'vi')}"
        opening = f"Đến nay {unit_name} chưa nộp số liệu {label}. Hạn nộp là ngày {fmt_date(w.due, 'vi')}."
    else:
        mail["Subject"] = f"Quá hạn nộp số liệu {label} (hạn {fmt_date(w.due, 'vi')})"
        opening = (f"{unit_name} chưa nộp số liệu {label}; hạn nộp ngày {fmt_date(w.due, 'vi')} đã qua. Kỳ còn nhận "
                   f"nộp muộn đến hết ngày {fmt_date(w.closes, 'vi')}.")
    link = (base_url.rstrip("/") + "/nhap-so-lieu") if base_url else "trang “Nhập số liệu” của bảng điều khiển"
    mail["From"] = sender
    mail["To"] = reminder.email
    mail.set_content(f"Kính gửi {reminder.username},\n\n{opening}\n{window_line(w, 'vi')}.\n\n"
                     f"Nộp số liệu tại: {link}\n\nThư này được gửi tự động từ NQ45 Tracker; vui lòng không trả lời.\n")
    return mail


def send_all(reminders: list[Reminder], settings, cat, store, *, who: str) -> int:
    """Send each reminder and record it; one that fails is not recorded (it is tried again next run)."""
    if not settings.smtp_host:
        raise ValueError("Chưa cài đặt smtp_host trong settings.toml / smtp_host is not set")
    sender = settings.smtp_from or (settings.smtp_user or "nq45-tracker@localhost")
    sent = 0
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        password = os.environ.get("TRACKER_SMTP_PASSWORD", "")
        if settings.smtp_user and password:
            smtp.starttls()
            smtp.login(settings.smtp_user, password)
        for r in reminders:
            name = cat.name(r.unit, "vi") if r.unit in cat.jurisdictions else r.unit
            smtp.send_message(message(r, name, settings.base_url, sender))
            store.audit(EVENT, who, f"{r.key} — {r.email}")
            sent += 1
    return sent
