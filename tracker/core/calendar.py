"""The reporting calendar: when each period's data window runs, when its report is due, when it locks.

Two presets (setting `calendar`):
- "nd09" (default) follows Nghị định 09/2019/NĐ-CP, Điều 12: a periodic report's data run from the 15th
  of the month before the period to the 14th of the period's last month (Quý IV/2026 = 15/9–14/12/2026;
  6 months = 15/12 of the year before–14/6; 9 months = 15/12–14/9; year = 15/12–14/12). Uploads open on
  the cut-off day, are due on `due_day` of the period's last month (at least one working day after the
  cut-off) and lock `lock_days` after the deadline.
- "calendar": calendar quarters and years, opened the day after the period ends and locked `lock_days`
  later (the deadline is that last day).

Nothing here reads settings, the clock or the database: callers pass them in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.core.periods import Period

PRESETS = ("nd09", "calendar")
DEFAULT_DUE_DAY = 18
# The Decree's cut-off day: data run to the 14th of the period's last month.
CUTOFF_DAY = 14

# Mùng 1 Tết (lunar new year) by Gregorian year. The Labour Code (Bộ luật Lao động 2019, Điều 112) gives
# five days off for Tết; taken here as the eve (30 Tết) and mùng 1–4, which is how the yearly
# Prime Minister's notice usually falls (it may shift a day; such a shift does not touch a deadline).
TET = {
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
}
# Giỗ Tổ Hùng Vương (10 tháng 3 âm lịch), also a day off under Điều 112.
HUNG_KINGS = {
    2024: dt.date(2024, 4, 18),
    2025: dt.date(2025, 4, 7),
    2026: dt.date(2026, 4, 26),
    2027: dt.date(2027, 4, 16),
    2028: dt.date(2028, 4, 4),
    2029: dt.date(2029, 4, 23),
    2030: dt.date(2030, 4, 12),
    2031: dt.date(2031, 4, 1),
}

# Quốc khánh: 2/9 and "one adjacent day, before or after", as the Prime Minister's notice of each year
# chose it (1/9 or 3/9); the day before where the table stops.
NATIONAL_DAY_ADJACENT = {2024: 3, 2025: 1, 2026: 1, 2027: 3, 2028: 1, 2029: 3, 2030: 3, 2031: 1}


def public_holidays(year: int) -> set[dt.date]:
    """The fixed days off of Điều 112: 1/1, 30/4, 1/5, 2/9 with its adjacent day, Giỗ Tổ and Tết where
    the tables have them. Days moved by a yearly notice (bù, hoán đổi) are not modelled."""
    days = {dt.date(year, 1, 1), dt.date(year, 4, 30), dt.date(year, 5, 1), dt.date(year, 9, 2),
            dt.date(year, 9, NATIONAL_DAY_ADJACENT.get(year, 1))}
    if year in HUNG_KINGS:
        days.add(HUNG_KINGS[year])
    if year in TET:
        first = TET[year]
        days.update(first + dt.timedelta(days=d) for d in range(-1, 4))
    return days


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days in (first, last]."""
    n, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        n += is_working_day(day)
    return n


@dataclass(frozen=True)
class Window:
    """One period's report: the data it covers, when uploads open, the deadline and the last open day."""
    period: Period
    data_from: dt.date
    data_to: dt.date
    opens: dt.date
    due: dt.date
    closes: dt.date

    def state(self, today: dt.date) -> str:
        """"not_open" before the window opens, "open" to the deadline, "late" after it until the lock,
        "locked" afterwards."""
        if today < self.opens:
            return "not_open"
        if today <= self.due:
            return "open"
        return "late" if today <= self.closes else "locked"

    def is_open(self, today: dt.date) -> bool:
        return self.state(today) in ("open", "late")

    def on_time(self, submitted_on: dt.date) -> bool:
        return submitted_on <= self.due

    def to_dict(self, today: dt.date | None = None) -> dict:
        out = {"period": self.period.code, "label": {"vi": self.period.label("vi"), "en": self.period.label("en")},
               "data_from": self.data_from.isoformat(), "data_to": self.data_to.isoformat(),
               "opens": self.opens.isoformat(), "due": self.due.isoformat(), "closes": self.closes.isoformat()}
        if today is not None:
            out["state"] = self.state(today)
        return out


@dataclass(frozen=True)
class Calendar:
    preset: str = "nd09"
    due_day: int = DEFAULT_DUE_DAY
    lock_days: int = 30

    def __post_init__(self):
        if self.preset not in PRESETS:
            raise ValueError(f"unknown calendar preset {self.preset!r}; expected one of {', '.join(PRESETS)}")
        if not CUTOFF_DAY < self.due_day <= 28:
            raise ValueError(f"due_day must be between {CUTOFF_DAY + 1} and 28, not {self.due_day}")

    def window(self, period: Period) -> Window:
        if self.preset == "calendar":
            opens = period.end() + dt.timedelta(days=1)
            closes = period.end() + dt.timedelta(days=self.lock_days)
            return Window(period, period.start(), period.end(), opens, closes, closes)
        start = period.start()
        before = start - dt.timedelta(days=1)            # the last day of the month before the period
        data_from = before.replace(day=CUTOFF_DAY + 1)
        data_to = dt.date(period.year, period.last_month, CUTOFF_DAY)
        # The deadline leaves at least one working day after the cut-off (a 15th that is a Saturday
        # moves to the Monday).
        due = max(dt.date(period.year, period.last_month, self.due_day), next_working_day(data_to))
        return Window(period, data_from, data_to, data_to, due, due + dt.timedelta(days=self.lock_days))

    def report_periods(self, year: int) -> list[Period]:
        """The reports of one year, in the order they fall due: four quarters, and under nd09 also the
        six- and nine-month reports."""
        out = [Period(year, q) for q in range(1, 5)] + [Period(year)]
        if self.preset == "nd09":
            out += [Period(year, months=6), Period(year, months=9)]
        return sorted(out, key=lambda p: (self.window(p).due, p.sort_key()))

    def open_windows(self, today: dt.date) -> list[Window]:
        """Windows open for upload today (on time or late), earliest deadline first."""
        out = [self.window(p) for y in (today.year - 1, today.year, today.year + 1) for p in self.report_periods(y)]
        return sorted((w for w in out if w.is_open(today)), key=lambda w: (w.due, w.period.sort_key()))

    def next_window(self, today: dt.date) -> Window:
        """The first window that opens after today."""
        ahead = [self.window(p) for y in (today.year, today.year + 1) for p in self.report_periods(y)]
        return min((w for w in ahead if w.opens > today), key=lambda w: (w.opens, w.period.sort_key()))

    def uploadable_periods(self, today: dt.date, back: int = 8) -> list[Period]:
        """Quarters and years a form can be made for (H1 and M9 reports carry the quarterly targets of
        their last quarter): the open ones, the next one, and `back` earlier quarters and the years since
        2024 for late or corrected data. Latest first."""
        nxt = self.next_window(today).period
        quarter = Period(today.year + 1, 4)
        out: list[Period] = []
        while len([p for p in out if p.is_quarter]) < back + 2 and quarter.year >= 2024:
            if self.window(quarter).opens <= max(today, self.window(nxt).opens):
                out.append(quarter)
            quarter = quarter.previous()
        years = [Period(y) for y in range(today.year + 1, 2023, -1)
                 if self.window(Period(y)).opens <= max(today, self.window(nxt).opens)]
        return sorted(set(out + years), reverse=True)


def next_window_line(window: Window, lang: str = "vi") -> str:
    """"Kỳ Quý IV/2026 mở từ 14/12/2026, hạn nộp 18/12/2026"."""
    from tracker.core.i18n import fmt_date

    if lang == "en":
        return f"{window.period.label('en')} opens on {fmt_date(window.opens, 'en')}, due {fmt_date(window.due, 'en')}"
    return f"Kỳ {window.period.label('vi')} mở từ {fmt_date(window.opens, 'vi')}, hạn nộp {fmt_date(window.due, 'vi')}"


def window_line(window: Window, lang: str = "vi") -> str:
    """The line a form and the upload page carry: the data window and the deadline."""
    from tracker.core.i18n import fmt_date

    if lang == "en":
        return (f"Data from {fmt_date(window.data_from, 'en')} to {fmt_date(window.data_to, 'en')}; "
                f"due {fmt_date(window.due, 'en')}")
    return (f"Số liệu tính từ {fmt_date(window.data_from, 'vi')} đến {fmt_date(window.data_to, 'vi')}; "
            f"hạn nộp {fmt_date(window.due, 'vi')}")
