"""The sentences that say why a target or a task has its status, in Vietnamese and English.

Numbers, dates and periods go through tracker.core.i18n and tracker.core.periods; nothing here judges: it reads
what tracker.assess.judge and tracker.assess.milestones decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tracker.assess.judge import UNASSESSED_STATUSES, _COMPARATORS, _meets
from tracker.catalogue import Indicator
from tracker.core.measures import is_whole
from tracker.core.i18n import fmt_date, fmt_number, fmt_percent, fmt_target, fmt_value
from tracker.core.periods import parse_period

if TYPE_CHECKING:   # the result types import this module for their explain()
    from tracker.assess.assessment import Assessment
    from tracker.assess.milestones import MilestoneAssessment


def _tr(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _period_words(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    return parse_period(code).label(lang)


def _year_words(year, lang: str) -> str:
    return _tr(lang, f"năm {year}", f"{year}")


def _target_words(ind: Indicator, lang: str) -> str:
    """'trên 90.000 người năm 2030' / 'từ 1 văn bằng, hằng năm từ 2030'."""
    text = fmt_target(ind, lang)
    year = getattr(ind.target, "year", None)
    suffix = f" ({year})"
    if year and text.endswith(suffix):
        return text[: -len(suffix)] + _tr(lang, f" năm {year}", f" by {year}")
    return text


def pace(a: Assessment) -> tuple[float | None, float | None]:
    """(needed, actual) yearly change as a leader reads it, in the units ``_rate_words`` writes.

    Shares (%) in percentage points a year — needed: what is still missing over the years left; actual:
    the change since the baseline — never a relative rate, which reads as points and misleads ("cần +9,4
    %/năm" for 3,7 points). Other targets: the method's own rates (compound or linear, ranks in places).
    """
    unit = a.indicator.unit if a.indicator else ""
    if unit != "percent" or a.method not in ("cagr", "linear"):
        return a.required_rate, a.observed_rate
    needed = actual = None
    if a.latest_value is not None and a.target_value is not None and a.target_year and a.latest_year \
            and a.required_rate is not None and a.target_year > a.latest_year:
        needed = (a.target_value - a.latest_value) / (a.target_year - a.latest_year)
    if a.latest_value is not None and a.baseline_value is not None and a.baseline_year and a.latest_year \
            and a.latest_year > a.baseline_year:
        actual = (a.latest_value - a.baseline_value) / (a.latest_year - a.baseline_year)
    elif a.observed_rate is not None:
        actual = 0.0 if abs(a.observed_rate) < 1e-12 else None
    return needed, actual


def _rate_words(rate: float, a: Assessment, lang: str) -> str:
    """A yearly pace without its sign: '7,6 %/năm', '1.500 người/năm', '3,7 điểm %/năm', '1,5 bậc/năm'.

    ``rate`` comes from :func:`pace`: shares are in points already."""
    size = abs(rate)
    unit = a.indicator.unit if a.indicator else ""
    if unit == "percent" and a.method in ("cagr", "linear"):
        return fmt_number(size, lang, 1 if size >= 1 else 2) + _tr(lang, " điểm %/năm", " percentage points/year")
    if a.method == "cagr":
        return fmt_percent(size * 100, lang, decimals=1) + _tr(lang, "/năm", "/year")
    if a.method == "rank" or unit == "rank":
        return fmt_number(size, lang, 1 if not float(size).is_integer() else 0) + _tr(lang, " bậc/năm", " places/year")
    label = a.indicator.unit_label(lang) if a.indicator else ""
    return f"{fmt_number(size, lang, 0 if size >= 100 else 2)} {label}".strip() + _tr(lang, "/năm", "/year")


def _verb(rate: float, rank: bool, lang: str, past: bool = False) -> str:
    if abs(rate) < 1e-12:
        return _tr(lang, "không đổi", "unchanged" if past else "stay level")
    if rank:   # a smaller rank number is a better place
        up = rate < 0
        return _tr(lang, "lên" if up else "xuống", ("climbed" if up else "fell") if past else ("climb" if up else "fall"))
    up = rate > 0
    return _tr(lang, "tăng" if up else "giảm", ("grew" if up else "fell") if past else ("grow" if up else "fall"))


def _partial_note(a: Assessment, lang: str) -> str:
    """For flows: the year in progress, which is shown but not judged."""
    if a.indicator is None or a.indicator.rollup_kind != "flow" or not a.series:
        return ""
    last = a.series[-1]
    if not last.partial or last.period == a.latest_period:
        return ""
    value = fmt_value(last.value, a.indicator.unit, lang)
    return _tr(lang, f"; năm {last.year} đến hết {_period_words(last.period, lang)}: {value} (chưa đủ năm)",
               f"; {last.year} to {_period_words(last.period, lang)}: {value} (partial year)")


def _missing(a: Assessment) -> tuple[str, str]:
    """What is missing before a status can be given, in Vietnamese and English."""
    if a.status == "no_data":
        return ("chưa có số liệu nào; hãy tải lên biểu mẫu quý đầu tiên",
                "no figures yet; upload the first quarterly form")
    flow = a.indicator is not None and a.indicator.rollup_kind == "flow"
    series = list(a.series)
    if flow:
        counted = [p for p in series if not p.partial]
    elif a.method == "average":
        counted = [p for p in series if not p.partial and not p.provisional]
    else:
        counted = series
    unfinished = [p for p in series if p not in counted]
    if a.method == "average":
        need_vi, need_en = "cần ít nhất 1 năm trọn vẹn có số liệu", "needs at least one whole year of figures"
    elif a.method == "direction":
        need_vi = "cần số liệu của ít nhất 2 năm" + (" đủ 4 quý" if flow else "") + " để biết xu hướng"
        need_en = "needs figures for at least two" + (" whole" if flow else "") + " years to see the direction"
    else:
        need_vi = "cần ít nhất 2 năm" + (" đủ 4 quý" if flow else "") + " có số liệu"
        need_en = "needs at least two" + (" whole" if flow else "") + " years of figures"
    years = ", ".join(str(p.year) for p in counted)
    got_vi = [f"mới có năm {years}"] if years else ["chưa có năm nào trọn vẹn"]
    got_en = [f"only {years} so far"] if years else ["no whole year yet"]
    for p in unfinished:
        got_vi.append(f"năm {p.year} mới có {p.quarters} quý" if flow else
                      f"năm {p.year} mới có số liệu đến {_period_words(p.period, 'vi')}")
        got_en.append(f"{p.year} has {p.quarters} quarter(s) only" if flow else
                      f"{p.year} has figures to {_period_words(p.period, 'en')} only")
    return f"{need_vi} ({'; '.join(got_vi)})", f"{need_en} ({'; '.join(got_en)})"


def _explain(a: Assessment, lang: str) -> str:
    if a.status in UNASSESSED_STATUSES:
        return _unassessed_words(a.status, a.indicator, lang)
    if a.status == "no_data":
        return _tr(lang, "Chưa có số liệu — hãy tải lên biểu mẫu quý đầu tiên.",
                   "No data yet — upload the first quarterly form.")
    if a.status == "too_little_data":
        missing = a.missing_en if lang == "en" else a.missing
        if not missing:
            missing = _missing(a)[1 if lang == "en" else 0]
        return _tr(lang, f"Chưa đủ số liệu: {missing}.", f"Too little data: {missing}.")
    ind = a.indicator
    unit = ind.unit if ind else ""
    latest = f"{_period_words(a.latest_period, lang)}: {fmt_value(a.latest_value, unit, lang)}"
    target = _target_words(ind, lang) if ind else ""
    notes = set(a.notes)
    tail = _partial_note(a, lang)
    if "from_year_before" in notes and ind is not None:
        fy = ind.target.from_year
        tail += _tr(lang, f"; chỉ tiêu áp dụng hằng năm từ năm {fy}, trước đó đánh giá theo xu hướng tiến tới mức này",
                    f"; the target holds every year from {fy}, so until then the trend towards it is judged")
    if "deadline_passed" in notes:
        tail += _tr(lang, "; đã đến năm mục tiêu mà chưa đạt", "; the target year has come without the target met")
    if "year_to_date" in notes:
        tail += _tr(lang, f"; cộng dồn các quý năm {a.latest_year} đã đạt mức của năm",
                    f"; the quarters of {a.latest_year} add up to the year's target already")

    if a.method == "average" and a.average_years:
        first, last, n = a.average_years
        span = (_tr(lang, f"{n} năm {first}–{last}", f"{n} years {first}–{last}") if n > 1 else _year_words(last, lang))
        mean = fmt_value(a.average_value, unit, lang)
        if a.status == "achieved":
            return _tr(lang, f"Bình quân {span}: {mean}, đã đạt mục tiêu {target}.",
                       f"Average over {span}: {mean}, target met ({target}).")
        share = fmt_percent((a.ratio or 0) * 100, lang, decimals=0)
        return _tr(lang, f"Bình quân {span}: {mean}, bằng {share} mức mục tiêu {target}{tail}.",
                   f"Average over {span}: {mean}, {share} of the target ({target}){tail}.")

    if a.method == "direction":
        before = fmt_value(a.baseline_value, unit, lang)
        change = (a.latest_value or 0) - (a.baseline_value or 0)
        moved = "" if abs(change) <= 1e-9 * max(1.0, abs(a.baseline_value or 0)) else ("up" if change > 0 else "down")
        wanted = ind.target.direction
        if lang == "en":
            words = {"up": "up", "down": "down", "": "unchanged"}[moved]
            verdict = {"right_way": "the right way for", "no_change": "no movement towards",
                       "wrong_way": "the wrong way for"}.get(a.status, "")
            return f"{latest}, {words} from {a.baseline_year} ({before}) — {verdict} the target to {wanted} by " \
                   f"{ind.target.year}{tail}."
        words = {"up": "tăng", "down": "giảm", "": "không đổi"}[moved]
        verdict = {"right_way": "đúng hướng", "no_change": "chưa chuyển biến theo",
                   "wrong_way": "ngược hướng"}.get(a.status, "")
        goal = "tăng" if wanted == "increase" else "giảm"
        return f"{latest}, {words} so với năm {a.baseline_year} ({before}) — {verdict} mục tiêu {goal} đến năm " \
               f"{ind.target.year}{tail}."

    if a.status == "achieved":
        return _tr(lang, f"{latest}, đã đạt mục tiêu {target}{tail}.", f"{latest}, target met ({target}){tail}.")
    if a.method == "comparator":     # at the level before the years it applies to
        return _tr(lang, f"{latest}, đã đạt mức {target}{tail}.", f"{latest}, already at the level of {target}{tail}.")
    # The year compared with, in plain words: "gốc", the ratio and its thresholds are the method's
    # vocabulary and stay on the Phương pháp page.
    base = ""
    if a.baseline_value is not None:
        base = _tr(lang, f" (năm {a.baseline_year}: {fmt_value(a.baseline_value, unit, lang)})",
                   f" ({a.baseline_year}: {fmt_value(a.baseline_value, unit, lang)})")
    if "base_met_lost" in notes:
        return _tr(lang, f"{latest}{base}; năm {a.baseline_year} đã đạt mục tiêu {target} nhưng nay không còn đạt{tail}.",
                   f"{latest}{base}; {a.baseline_year} met the target ({target}) but the latest value no longer does{tail}.")
    rank = a.method == "rank"
    req, obs = pace(a)
    observed = (_tr(lang, f"thực tế {_verb(obs, rank, lang, True)} {_rate_words(obs, a, lang)}",
                    f"actual: {_verb(obs, rank, lang, True)} {_rate_words(obs, a, lang)}")
                if obs is not None and abs(obs) > 1e-12 else _tr(lang, "thực tế không đổi", "actual: unchanged"))
    if req is None:
        return _tr(lang, f"{latest}{base}; chưa đạt mục tiêu {target}, {observed}{tail}.",
                   f"{latest}{base}; target not met ({target}), {observed}{tail}.")
    linear_note = ""
    if "nonpositive" in notes:
        linear_note = _tr(lang, "; tính theo mức thay đổi tuyến tính vì có giá trị bằng 0 hoặc âm",
                          "; linear change used because a value is zero or negative")
    short = ""
    if "projection_short" in notes:
        short = _tr(lang, "; tốc độ từ năm " + str(a.baseline_year) + " đủ, nhưng xu hướng các năm gần đây chưa đủ — cần tăng tốc",
                    f"; the pace since {a.baseline_year} is enough, but the recent years' trend is not — needs acceleration")
    return _tr(lang,
               f"{latest}{base}; cần {_verb(req, rank, lang)} {_rate_words(req, a, lang)} để đạt {target}, "
               f"{observed}{linear_note}{tail}; {_projection_words(a, lang)}{short}.",
               f"{latest}{base}; needs to {_verb(req, rank, lang)} {_rate_words(req, a, lang)} to reach {target}, "
               f"{observed}{linear_note}{tail}; {_projection_words(a, lang)}{short}.")


# Counted in whole things: a projection is said in whole numbers.


def _projection_words(a: Assessment, lang: str) -> str:
    """'dự báo năm 2030: 26 doanh nghiệp' or, with fewer than three yearly points, that there is none."""
    if a.projection is None:
        return _tr(lang, "chưa đủ số liệu để dự báo", "too little data for a projection")
    unit = a.indicator.unit if a.indicator else ""
    value = round(a.projection) if is_whole(unit) else a.projection
    # Whether the trend line reaches the target is said outright, so that a status judged on the
    # rate since the baseline and a line through the recent years never seem to disagree unexplained.
    meets = None
    if a.target_value is not None and a.comparator in _COMPARATORS:
        k = np.array([_COMPARATORS.index(a.comparator)])
        tol = a.indicator.target.effective_tolerance() if a.indicator is not None else 0.0
        meets = bool(_meets(np.array([float(a.projection)]), k, np.array([a.target_value]), np.array([tol]))[0])
    verdict = "" if meets is None else _tr(lang, ", theo xu hướng các năm gần đây " + ("sẽ đạt" if meets else "chưa đạt")
                                               + " mục tiêu", ", on the recent years' trend " + ("reaching" if meets else
                                                                                                  "short of") + " the target")
    return _tr(lang, f"dự báo năm {a.target_year}: {fmt_value(value, unit, lang)}{verdict}",
               f"projected {a.target_year}: {fmt_value(value, unit, lang)}{verdict}")


_PROGRESS_WORDS = {
    "not_started": ("chưa thực hiện", "not started"),
    "in_progress": ("đang thực hiện", "in progress"),
    "done": ("hoàn thành", "done"),
    None: ("chưa có báo cáo tiến độ", "no progress report yet"),
}


def _unassessed_words(status: str, ind: Indicator | None, lang: str) -> str:
    if status == "replaced":
        new = ind.replaced_by if ind is not None else None
        return _tr(lang, "Chỉ tiêu đã thay thế" + (f" bằng {new}" if new else "") + "; không đánh giá, số liệu đã lưu được giữ nguyên.",
                   "Replaced target" + (f" (by {new})" if new else "") + "; not assessed, its stored values are kept.")
    return _tr(lang, "Chưa có thước đo: văn bản không nêu số liệu thống kê nào đo được mục tiêu này; không đánh giá.",
               "No measure yet: no statistic named by the document measures this goal; not assessed.")


def _explain_milestone(m: MilestoneAssessment, lang: str) -> str:
    if m.status in UNASSESSED_STATUSES:
        return _unassessed_words(m.status, m.indicator, lang)
    if m.year is not None:
        return _explain_yearly(m, lang)
    vi, en = _PROGRESS_WORDS.get(m.progress_status, _PROGRESS_WORDS[None])
    progress = _tr(lang, f"tình trạng báo cáo: {vi}" if m.progress_status else vi,
                   f"reported: {en}" if m.progress_status else en)
    due = fmt_date(m.due, lang)
    if m.status == "done":
        if m.completed_on is None:
            return _tr(lang, "Đã hoàn thành (chưa ghi ngày hoàn thành).", "Done (completion date not given).")
        day = fmt_date(m.completed_on, lang)
        if m.due is None:
            return _tr(lang, f"Hoàn thành ngày {day}.", f"Done on {day}.")
        if m.days_late:
            return _tr(lang, f"Hoàn thành ngày {day}, chậm {m.days_late} ngày so với hạn {due}.",
                       f"Done on {day}, {m.days_late} days after the deadline {due}.")
        return _tr(lang, f"Hoàn thành ngày {day}, đúng hạn ({due}).", f"Done on {day}, on time (deadline {due}).")
    if m.status == "overdue":
        return _tr(lang, f"Quá hạn {m.days_late} ngày (hạn {due}); {progress}.",
                   f"{m.days_late} days overdue (deadline {due}); {progress}.")
    if m.status == "not_yet_due":
        return _tr(lang, f"Hạn {due}, còn {m.days_left} ngày; {progress}.",
                   f"Due {due}, {m.days_left} days left; {progress}.")
    if m.status == "recurring" and m.indicator is not None and m.indicator.target.periodic:
        if m.completed_on:
            day = fmt_date(m.completed_on, lang)
            return _tr(lang, f"Nhiệm vụ định kỳ (văn bản không nêu chu kỳ); lần báo cáo thực hiện gần nhất: {day}.",
                       f"Periodic task (the document sets no cycle); last reported done on {day}.")
        return _tr(lang, f"Nhiệm vụ định kỳ (văn bản không nêu chu kỳ); chưa có lần báo cáo thực hiện nào; {progress}.",
                   f"Periodic task (the document sets no cycle); not yet reported done; {progress}.")
    if m.status == "recurring":
        return _tr(lang, f"Nhiệm vụ thường xuyên; {progress}.", f"Standing task; {progress}.")
    return _tr(lang, f"Không ấn định thời hạn; {progress}.", f"No deadline set; {progress}.")


def _explain_yearly(m: MilestoneAssessment, lang: str) -> str:
    vi, en = _PROGRESS_WORDS.get(m.progress_status, _PROGRESS_WORDS[None])
    progress = _tr(lang, f"tình trạng báo cáo: {vi}" if m.progress_status else vi,
                   f"reported: {en}" if m.progress_status else en)
    y = m.year
    if m.status == "done":
        day = fmt_date(m.completed_on, lang)
        return _tr(lang, f"Nhiệm vụ hằng năm: năm {y} đã thực hiện (ngày {day}).",
                   f"Yearly task: done for {y} (on {day}).")
    if m.status == "overdue":
        return _tr(lang, f"Nhiệm vụ hằng năm: năm {y} đã hết mà chưa báo cáo hoàn thành (quá {m.days_late} ngày); {progress}.",
                   f"Yearly task: {y} ended with no completion reported ({m.days_late} days ago); {progress}.")
    if m.due is not None and m.due.year == y and m.due.month == 12:
        return _tr(lang, f"Nhiệm vụ hằng năm: năm {y} chưa thực hiện, còn {m.days_left} ngày đến {fmt_date(m.due, lang)}; {progress}.",
                   f"Yearly task: not yet done for {y}, {m.days_left} days left to {fmt_date(m.due, lang)}; {progress}.")
    return _tr(lang, f"Nhiệm vụ hằng năm, bắt đầu từ {fmt_date(m.due, lang)}; {progress}.",
               f"Yearly task, starting {fmt_date(m.due, lang)}; {progress}.")
