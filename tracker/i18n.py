"""Vietnamese first, English by switch: every interface string, and numbers the Vietnamese way.

Strings live in one table so a missing translation is a test failure, not a surprise on screen.
"""

from __future__ import annotations

import datetime as dt
import math

from babel.numbers import format_decimal

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

STRINGS: dict[str, tuple[str, str]] = {
    # app
    "app.title": ("Theo dõi thực hiện Nghị quyết 45-NQ/TW", "Resolution 45-NQ/TW progress tracker"),
    "app.short": ("NQ45 Tracker", "NQ45 Tracker"),
    "app.language": ("Ngôn ngữ", "Language"),
    "app.demo_banner": (
        "Dữ liệu minh họa — không phải số liệu thật. Tải biểu mẫu đầu tiên lên để thay thế.",
        "Demo data — not real figures. Upload the first form to replace it.",
    ),
    "app.demo_tag": ("Dữ liệu minh họa", "Demo data"),
    "app.source": ("Nguồn", "Source"),
    "app.updated": ("Cập nhật", "Updated"),
    # pages
    "page.overview": ("Tổng quan", "Overview"),
    "page.unit": ("Địa phương", "Unit"),
    "page.compare": ("So sánh", "Compare"),
    "page.milestones": ("Nhiệm vụ & mốc", "Tasks & milestones"),
    "page.upload": ("Nhập số liệu", "Upload data"),
    "page.history": ("Lịch sử", "History"),
    "page.catalogue": ("Danh mục chỉ tiêu", "Target catalogue"),
    "page.method": ("Phương pháp", "Method"),
    # catalogue page
    "cat.intro": (
        "Mọi chỉ tiêu đều trích nguyên văn từ văn bản của địa phương. Lọc theo địa phương và loại chỉ tiêu.",
        "Every target is quoted verbatim from the unit's own document. Filter by unit and kind.",
    ),
    "cat.filter_unit": ("Địa phương", "Unit"),
    "cat.filter_kind": ("Loại chỉ tiêu", "Kind of target"),
    "cat.count": ("{n} chỉ tiêu của {u} địa phương", "{n} targets from {u} units"),
    "cat.none": ("Không có chỉ tiêu nào khớp bộ lọc. Hãy bỏ bớt điều kiện lọc.", "No target matches the filters. Clear some filters."),
    "cat.col.id": ("Mã", "Code"),
    "cat.col.name": ("Chỉ tiêu", "Target"),
    "cat.col.kind": ("Loại", "Kind"),
    "cat.col.target": ("Mục tiêu", "Target value"),
    "cat.col.year": ("Năm", "Year"),
    "cat.col.unit": ("Đơn vị tính", "Unit of measure"),
    "cat.col.section": ("Mục", "Section"),
    "cat.col.quote": ("Trích dẫn", "Quote"),
    "cat.col.agency": ("Cơ quan chủ trì", "Responsible body"),
    "cat.col.due": ("Thời hạn", "Deadline"),
    "cat.document": ("Văn bản", "Document"),
    "cat.lineage": ("Sáp nhập", "Merger"),
    "cat.lineage.successor": ("Từ {date} thuộc {name}.", "Since {date} part of {name}."),
    "cat.lineage.inherits": ("Kế thừa chỉ tiêu của: {names}.", "Inherits the targets of: {names}."),
    "cat.lineage.split": ("Địa bàn nay thuộc: {names}.", "The area is now: {names}."),
    "cat.sectors": ("Áp dụng cho từng ngành, lĩnh vực", "Applies per sector"),
    "cat.no_targets_own": ("Đơn vị này không tự đặt chỉ tiêu.", "This unit set no targets of its own."),
    # kinds
    "kind.stock": ("Quy mô (cuối kỳ)", "Level (end of period)"),
    "kind.flow": ("Số lượng trong kỳ", "Count in period"),
    "kind.ratio": ("Tỷ lệ", "Share"),
    "kind.growth": ("Tốc độ tăng", "Growth rate"),
    "kind.rank": ("Xếp hạng", "Rank"),
    "kind.direction": ("Định hướng (không có số)", "Direction only (no number)"),
    "kind.milestone": ("Nhiệm vụ / mốc", "Task / milestone"),
    # comparators
    "cmp.>": ("trên", "over"),
    "cmp.>=": ("từ", "at least"),
    "cmp.=": ("bằng", "exactly"),
    "cmp.~": ("khoảng", "about"),
    "cmp.<=": ("không quá", "at most"),
    "cmp.<": ("dưới", "under"),
    "dir.increase": ("tăng", "increase"),
    "dir.decrease": ("giảm", "decrease"),
    "due.none": ("Không ấn định", "No deadline"),
    "due.recurring": ("Thường xuyên", "Ongoing"),
    "avg.suffix": (" (bình quân)", " (on average)"),
    "from_year": ("hằng năm từ {year}", "every year from {year}"),
}


def t(key: str, lang: str = DEFAULT_LANG, **kwargs) -> str:
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """90000 -> '90.000'; 0.5 -> '0,5' (vi) or '90,000'; '0.5' (en). None/NaN -> '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else (1 if abs(value) >= 100 else 2)
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale="vi" if lang != "en" else "en")


def fmt_percent(value: float | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """5 -> '5 %'; 0.5 -> '0,5 %'. The value is already in percent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{fmt_number(value, lang, decimals)} %"


def fmt_value(value: float | None, unit: str, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """A value with its unit: '90.000 người', '0,5 %', '7 %/năm', 'hạng 10'."""
    from tracker.catalogue import UNITS

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "percent":
        return fmt_percent(value, lang, decimals)
    if unit == "rank":
        return f"{'rank' if lang == 'en' else 'hạng'} {fmt_number(value, lang, decimals)}"
    label = UNITS.get(unit, {}).get("en" if lang == "en" else "vi", "")
    if unit == "percent_per_year":
        return f"{fmt_number(value, lang, decimals)} {label}"
    return f"{fmt_number(value, lang, decimals)} {label}".strip()


def fmt_date(day: dt.date | dt.datetime | None, lang: str = DEFAULT_LANG) -> str:
    if day is None:
        return "—"
    if isinstance(day, dt.datetime):
        return day.strftime("%d/%m/%Y %H:%M") if lang != "en" else day.strftime("%Y-%m-%d %H:%M")
    return day.strftime("%d/%m/%Y") if lang != "en" else day.strftime("%Y-%m-%d")


def d3_locale() -> dict:
    """Plotly's number locale for Vietnamese axes and hovers (decimal ',', thousands '.')."""
    return {"separators": ",."}


def fmt_target(indicator, lang: str = DEFAULT_LANG) -> str:
    """A target in words: 'trên 90.000 người (2030)', 'khoảng 5 % (2030)', 'hoàn thành trong quý III/2024'."""
    target = indicator.target
    if indicator.kind == "milestone":
        if target.due_text:
            if lang != "en":
                return target.due_text
            return f"by {fmt_date(target.due, lang)}" if target.due else t("due.recurring", lang)
        if target.recurring:
            return t("due.recurring", lang)
        return fmt_date(target.due, lang) if target.due else t("due.none", lang)
    if indicator.kind == "direction":
        return f"{t('dir.' + target.direction, lang)} ({target.year})"
    if indicator.unit == "rank":
        text = f"{t('cmp.' + target.comparator, lang)} {fmt_number(target.value, lang)}"
        text = ("top " + fmt_number(target.value, lang)) if lang == "en" and target.comparator == "<=" else (
            f"trong nhóm {fmt_number(target.value, lang)} đứng đầu" if lang != "en" and target.comparator == "<=" else text)
    else:
        text = f"{t('cmp.' + target.comparator, lang)} {fmt_value(target.value, indicator.unit, lang)}"
    if target.average:
        text += t("avg.suffix", lang)
    if target.from_year:
        return f"{text}, {t('from_year', lang, year=target.from_year)}"
    return f"{text} ({target.year})"


def long_text(name: str, lang: str = DEFAULT_LANG) -> str:
    """A long Markdown text kept beside the code (tracker/texts/<name>.<lang>.md)."""
    from pathlib import Path

    folder = Path(__file__).parent / "texts"
    path = folder / f"{name}.{'en' if lang == 'en' else 'vi'}.md"
    return path.read_text(encoding="utf-8")
