"""Demo data: plausible quarterly forms for every unit, filled in as a clerk would, then ingested.

The demo goes through the same form and the same ingest as real uploads, so the first run of the
dashboard exercises the real path. Values are deterministic (seeded by indicator id), chosen so the
overview shows a mix of statuses. Everything loaded here is flagged ``is_demo`` and labelled
"Dữ liệu minh họa" wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

from tracker.catalogue import Catalogue, Indicator
from tracker.core.measures import measure
from tracker.core.periods import Period, latest_ended_quarter, parse_period, quarters

DEMO_USER = "demo"
FIRST_QUARTER = Period(2024, 1)
# Fraction of the rate needed to reach the target, by scenario; spreads statuses across the overview.
SCENARIOS = {"ahead": 1.25, "on_track": 1.02, "acceleration": 0.75, "off_track": 0.3, "moving_away": -0.3}
_SCENARIO_ORDER = ("on_track", "acceleration", "ahead", "off_track", "on_track", "acceleration", "moving_away")


@dataclass(frozen=True)
class DemoForm:
    unit: str
    period: str
    file_name: str
    content: bytes


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("|".join(parts).encode()))


def scenario(indicator: Indicator) -> str:
    return _SCENARIO_ORDER[zlib.crc32(indicator.id.encode()) % len(_SCENARIO_ORDER)]


def _reporter(catalogue: Catalogue, unit: str, period: Period) -> str | None:
    """Who files ``unit``'s targets for ``period``: the unit while it exists, then its successor."""
    j = catalogue.jurisdictions[unit]
    if j.valid_from and period.end() < j.valid_from:
        return None
    if j.valid_to and period.start() > j.valid_to:
        return _reporter(catalogue, j.successor, period) if j.successor else None
    return unit


def _increasing(ind: Indicator) -> bool:
    target = ind.target
    if ind.kind == "direction":
        return target.direction == "increase"
    return target.comparator in (">", ">=", "~", "=") and ind.unit != "rank"


def _start_value(ind: Indicator) -> float:
    """A 2024 level that leaves the target ahead, as in the documents' own diagnoses."""
    r = _rng(ind.id, "start")
    if ind.kind == "direction":
        return {"paper": 40, "patent": 6, "work": 25, "enterprise": 15, "person": 1200}.get(ind.unit, 10) * (0.8 + 0.4 * r.random())
    value = ind.target.value
    if ind.unit == "rank":
        return value + 3 + r.randint(0, 4)
    if ind.kind == "growth":
        return value * (0.7 + 0.2 * r.random())
    if ind.kind == "flow":
        # small yearly counts (one patent a year) still need whole items in some quarters
        return max(value * (0.45 + 0.25 * r.random()), 2.0)
    return value * (0.55 + 0.2 * r.random())


def yearly_value(ind: Indicator, year_fraction: float, sector: str = "") -> float:
    """The demo level at ``2024 + year_fraction`` years; a flow returns its yearly rate."""
    start = _start_value(ind) * (1 + 0.15 * (_rng(ind.id, sector).random() - 0.5) if sector else 1)
    factor = SCENARIOS[scenario(ind)]
    noise = 1 + 0.03 * (_rng(ind.id, sector, f"{year_fraction:.2f}").random() - 0.5)
    if ind.kind == "direction":
        sign = 1 if _increasing(ind) else -1
        return start * (1 + sign * 0.08 * factor) ** year_fraction * noise
    target = ind.target
    years_left = target.year - 2024
    if ind.unit == "rank":
        needed = (start - target.value) / years_left
        return max(1.0, round(start - needed * factor * year_fraction))
    if ind.kind == "growth" or getattr(target, "average", False):
        return max(start + (target.value - start) * min(1.0, factor) * min(year_fraction / 2, 1) * noise, 0.0)
    base = max(start, 1e-6)
    required = (target.value / base) ** (1 / years_left) - 1
    value = base * (1 + required * factor) ** year_fraction * noise
    if ind.unit == "percent":
        value = min(value, 99.0)
    return value


def _rounded(ind: Indicator, value: float) -> float:
    m = measure(ind.unit)
    return max(float(m.low), m.rounded(value)) if m.whole else m.rounded(value)


def values_for(catalogue: Catalogue, unit: str, period: Period) -> dict[tuple[str, str], float]:
    """(indicator id, sector) → value that ``unit`` reports for ``period`` in the demo."""
    out: dict[tuple[str, str], float] = {}
    # Retired entries and goals no statistic measures are not on the form (reportable_indicators_for).
    for ind in catalogue.reportable_indicators_for(unit):
        if not (ind.is_numeric or ind.kind == "direction"):
            continue
        if (ind.reporting_frequency == "year") != (not period.is_quarter):
            continue
        if _reporter(catalogue, ind.jurisdiction, period) != unit:
            continue
        sectors = [s.id for s in ind.sectors] or [""]
        for sector in sectors:
            if period.is_quarter:
                at = (period.year - 2024) + period.quarter / 4
            else:
                at = period.year - 2024 + 1
            level = yearly_value(ind, at, sector)
            if ind.rollup_kind == "flow" and period.is_quarter:
                level = level / 4 * (0.7 + 0.6 * _rng(ind.id, sector, period.code).random())
            out[(ind.id, sector)] = _rounded(ind, level)
    return out


def milestone_updates(catalogue: Catalogue, unit: str, period: Period) -> dict[str, tuple[str, dt.date | None, str]]:
    """indicator id → (status label as typed in the form, completion date, evidence), for this period's form."""
    out = {}
    for ind in catalogue.reportable_indicators_for(unit):
        if not ind.is_milestone or _reporter(catalogue, ind.jurisdiction, period) != unit:
            continue
        r = _rng(ind.id, "milestone")
        due = ind.target.due
        roll = r.random()
        if due and due <= period.end() and roll < 0.7:
            done_on = due - dt.timedelta(days=r.randint(-40, 60))
            done_on = min(max(done_on, dt.date(2024, 1, 15)), period.end())
            if period.start() <= done_on <= period.end() or (period == _first_period_of(catalogue, unit) and done_on < period.start()):
                out[ind.id] = ("Hoàn thành", done_on, f"Số {r.randint(10, 250)}/QĐ-UBND (minh họa)")
            elif done_on < period.start():
                continue
            else:
                out[ind.id] = ("Đang thực hiện", None, "")
        elif roll < 0.85 or ind.target.recurring:
            out[ind.id] = ("Đang thực hiện", None, "")
    return out


def _first_period_of(catalogue: Catalogue, unit: str) -> Period:
    j = catalogue.jurisdictions[unit]
    if j.valid_from:
        from tracker.core.periods import quarter_of

        return quarter_of(j.valid_from)
    return FIRST_QUARTER


def fill_form(content: bytes, values: dict[tuple[str, str], float],
              milestones: dict[str, tuple[str, dt.date | None, str]] | None = None, note: str = "") -> bytes:
    """Type values into a generated form the way a clerk would (tests and the demo use this)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    data = wb["Số liệu"]
    header_row, cols = find_header(data)
    for row in range(header_row + 1, data.max_row + 1):
        code = data.cell(row, cols["code"]).value
        if not code:
            continue
        sector = data.cell(row, cols["sector"]).value if "sector" in cols else ""
        key = (str(code).strip(), str(sector or "").strip())
        if key in values:
            data.cell(row, cols["value"]).value = values[key]
            if note and "note" in cols:
                data.cell(row, cols["note"]).value = note
    if milestones and "Nhiệm vụ" in wb.sheetnames:
        sheet = wb["Nhiệm vụ"]
        header_row, cols = find_header(sheet)
        for row in range(header_row + 1, sheet.max_row + 1):
            code = sheet.cell(row, cols["code"]).value
            if code and str(code).strip() in milestones:
                status, done_on, evidence = milestones[str(code).strip()]
                sheet.cell(row, cols["status"]).value = status
                if done_on:
                    sheet.cell(row, cols["completed_on"]).value = done_on
                if evidence:
                    sheet.cell(row, cols["evidence"]).value = evidence
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_LABELS = {
    "code": "mã chỉ tiêu", "sector": "lĩnh vực", "value": "giá trị", "note": "ghi chú",
    "status": "trạng thái", "completed_on": "ngày hoàn thành", "evidence": "minh chứng",
}


def find_header(sheet) -> tuple[int, dict[str, int]]:
    """The header row of a form sheet and the column of each field, found by label (not position)."""
    for row in sheet.iter_rows(min_row=1, max_row=30):
        found = {}
        for cell in row:
            text = str(cell.value or "").strip().lower()
            for key, label in _LABELS.items():
                if text.startswith(label) and key not in found:
                    found[key] = cell.column
        if "code" in found and ("value" in found or "status" in found):
            return row[0].row, found
    raise ValueError(f"no header row in sheet {sheet.title!r}")


def demo_periods(until: Period) -> list[Period]:
    years = [Period(y) for y in range(2024, until.year + (until.quarter == 4))]
    return sorted(quarters(FIRST_QUARTER, until) + years)


def build_demo(catalogue: Catalogue, until: Period | str | None = None, today: dt.date | None = None) -> list[DemoForm]:
    """Every demo form, oldest first, for each unit that reports (itself or for a merged unit)."""
    from tracker.core.periods import today as today_
    from tracker.forms.workbook import build_form, form_filename

    today = today or today_()
    until = parse_period(until) if isinstance(until, str) else until or latest_ended_quarter(today)
    reporters = sorted({u for u in catalogue.jurisdictions if catalogue.indicators_for(u)})
    forms = []
    for period in demo_periods(until):
        for unit in reporters:
            values = values_for(catalogue, unit, period)
            stones = milestone_updates(catalogue, unit, period) if period.is_quarter else {}
            if not values and not stones:
                continue
            blank = build_form(catalogue, unit, period.code)
            content = fill_form(blank, values, stones, note="Số liệu minh họa")
            forms.append(DemoForm(unit, period.code, form_filename(unit, period.code), content))
    return forms


def write_demo(catalogue: Catalogue, out_dir: Path, until: Period | str | None = None, today: dt.date | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for form in build_demo(catalogue, until, today):
        path = out_dir / form.file_name
        path.write_bytes(form.content)
        paths.append(path)
    return paths
