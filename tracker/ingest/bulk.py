"""The bulk reader: one data sheet of rows (indicator, unit, period, sector, value) for many units and periods.

Used by administrators for official annual figures and back-loads, and by the benchmark. A tight loop: the
common row (a plain float within its bounds, no special cell) is checked inline; anything else goes through
the same value rules as a form (tracker.ingest.values). Implausible jumps are judged along each series in
period order, and each series' earliest value against the stored one (for files of at most 20 units, one
store query per unit, to keep a 100.000-row load fast).
"""

from __future__ import annotations

from tracker.core.measures import is_percent
from tracker.ingest.cells import SheetCells
from tracker.ingest.layout import Sheet, text
from tracker.ingest.values import bounds, cell_value, check_text, jump, jump_warning
from tracker.observation import Observation
from tracker.periods import Period

BULK_PREVIOUS_MAX_UNITS = 20
_PROGRESS_EVERY = 20_000


def bulk_rows(reader, sheet: Sheet, cells: SheetCells) -> None:
    cols = sheet.columns
    c_code, c_value, c_unit, c_period = cols["code"], cols["value"], cols["unit"], cols["period"]
    c_sector, c_note, c_source = cols.get("sector"), cols.get("note"), cols.get("source")
    c_status = cols.get("value_status")   # optional: without it every figure is official
    from tracker.ingest.form import read_value_status   # form.py reads bulk sheets through this module
    letters = {k: sheet.letter(k) for k in cols}
    special = cells.errors.keys() | cells.formulas | cells.percent | cells.misleading.keys() | cells.dates
    special_rows = {r for r, c in special if c == c_value}
    # rows where the value cell is not seen: checked for filled rows only, the loop stays tight
    unseen_rows = cells.hidden_rows | {r for r, c in cells.blank_shown if c == c_value}
    value_hidden = c_value in cells.hidden_cols
    indicators = {i.id: i for i in reader.cat.indicators}
    fast = {i.id: (bounds(i), is_percent(i.unit)) for i in reader.cat.indicators}
    periods: dict[str, str | None] = {}        # as written -> period code, None when refused
    period_objects: dict[str, Period] = {}
    units_ok: dict[tuple[str, str], bool] = {}
    allowed: dict[str, set[str]] = {}
    sectors = {i.id: {s.id for s in i.sectors} for i in reader.cat.indicators if i.sectors}
    seen: dict[tuple, int] = {}
    observations: list[Observation] = []
    rows_of: list[int] = []   # the sheet row of each observation
    append, append_row = observations.append, rows_of.append
    sort_keys: dict[str, tuple[int, int]] = {}
    last: dict[tuple, tuple] = {}
    jumps: list = []
    ordered = True
    rows = sheet.rows
    width = max(cols.values()) + 1
    total = max(len(rows) - sheet.header_row - 1, 1)
    str_ = str
    issues = reader.issues
    # A tight loop: 100.000 rows must parse and validate in well under a second and a half.
    for r in range(sheet.header_row + 1, len(rows)):
        if (r - sheet.header_row) % _PROGRESS_EVERY == 0:
            reader.progress(0.5 + 0.4 * (r - sheet.header_row) / total, "rows")
        row = rows[r]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        cell = row[c_value]
        is_special = r in special_rows
        if not is_special and (cell == "" or cell is None or (cell.__class__ is str_ and not cell.strip())):
            continue
        code = row[c_code]
        code = code.strip() if code.__class__ is str_ else text(code)
        if (value_hidden or r in unseen_rows) and reader.unseen(sheet, cells, r, c_value,
                                                                 (f"chỉ tiêu “{code}”", f"indicator “{code}”")):
            continue
        unit = row[c_unit]
        unit = unit.strip() if unit.__class__ is str_ else text(unit)
        raw_period = row[c_period]
        period = periods.get(raw_period, False) if raw_period.__class__ is str_ else False
        if period is False:
            checked = reader.check_period(text(raw_period), sheet.name, r + 1, letters["period"])
            period = periods[raw_period if raw_period.__class__ is str_ else text(raw_period)] = checked and checked.code
            if checked:
                period_objects[checked.code] = checked
        if period is None:
            continue
        ok = units_ok.get((unit, period))
        if ok is None:
            ok = units_ok[(unit, period)] = reader.check_unit(unit, period_objects[period], sheet.name, r + 1, letters["unit"])
            allowed[unit] = reader.allowed(unit) if ok else set()
        if not ok:
            continue
        ind = indicators.get(code)
        if ind is None or code not in allowed[unit] or ind.is_milestone or not ind.assessable:
            if not code:
                issues.error("unknown_indicator", "Dòng có giá trị nhưng không có mã chỉ tiêu.",
                             "A value with no indicator code.", sheet.name, r + 1, letters["code"])
            else:
                reader.check_indicator(code, unit, sheet.name, r + 1, letters["code"], milestone=False)
            continue
        if c_sector is None:
            sector = ""
        else:
            sector = row[c_sector]
            sector = sector.strip() if sector.__class__ is str_ else text(sector)
        if (sector in sectors[code] if code in sectors else not sector) is False:
            reader.sector_ok(ind, sector, sheet.name, r + 1, letters.get("sector", letters["code"]))
            continue
        key = (code, unit, period, sector)
        if key in seen:
            reader.duplicate(code, sector, seen[key], sheet.name, r + 1, letters["code"])
            continue
        seen[key] = r + 1
        b, percent = fast[code]
        if (not is_special and cell.__class__ is float and not percent
                and b.low <= cell <= b.high and (not b.whole or cell.is_integer())):
            value = cell  # the common case, checked inline (NaN fails the comparisons)
        else:
            value = cell_value(cell, r, c_value, ind, cells, issues, sheet.name, letters["value"])
            if value is None:
                continue
        note = row[c_note] if c_note is not None else ""
        source = row[c_source] if c_source is not None else ""
        if (note.__class__ is str_ and len(note) > 2000) or (source.__class__ is str_ and len(source) > 2000):
            if check_text(note, "Ghi chú", "Note", issues, sheet.name, r + 1, letters.get("note")) is None or \
                    check_text(source, "Nguồn số liệu", "Data source", issues, sheet.name, r + 1, letters.get("source")) is None:
                continue
        value_status = "official"
        if c_status is not None and row[c_status] not in ("", None):
            value_status = read_value_status(row[c_status], issues, sheet.name, r + 1, letters["value_status"])
            if value_status is None:
                continue
        append(Observation(code, unit, period, value, sector,
                           note.strip() if note.__class__ is str_ else text(note),
                           source.strip() if source.__class__ is str_ else text(source), "target", value_status))
        append_row(r + 1)
        # The previous value of the same series, for files ordered by period (the usual case);
        # anything else is checked afterwards in period order.
        series = (code, unit, sector)
        at = sort_keys.get(period) or sort_keys.setdefault(period, period_objects[period].sort_key())
        before = last.get(series)
        if before is None:
            last[series] = (at, value)
        elif before[0] < at:
            if jump(value, before[1], ind.unit):
                jumps.append((ind, value, before[1], r + 1))
            last[series] = (at, value)
        else:
            ordered = False
    if not ordered:
        jumps = _jumps_in_period_order(observations, rows_of, indicators, sort_keys)
    for ind, value, before, row_number in jumps:
        jump_warning(ind, value, before, issues, sheet.name, row_number, letters["value"])
    _jumps_against_stored(reader, observations, rows_of, indicators, period_objects, sheet.name, letters["value"])
    reader.parsed.observations.extend(observations)


def _jumps_in_period_order(observations, rows_of, indicators, sort_keys) -> list:
    last: dict[tuple, tuple] = {}
    jumps = []
    order = sorted(range(len(observations)), key=lambda n: sort_keys[observations[n].period])
    for n in order:
        o = observations[n]
        series, at = (o.indicator_id, o.unit, o.sector), sort_keys[o.period]
        before = last.get(series)
        if before is not None and before[0] < at:
            ind = indicators[o.indicator_id]
            if jump(o.value, before[1], ind.unit):
                jumps.append((ind, o.value, before[1], rows_of[n]))
        if before is None or before[0] < at:
            last[series] = (at, o.value)
    return jumps


def _jumps_against_stored(reader, observations, rows_of, indicators, period_objects, sheet: str, letter: str) -> None:
    """Each series' earliest value in the file against the stored value before it (few units only)."""
    if reader.previous is None:
        return
    units = {o.unit for o in observations}
    if callable(reader.previous) and len(units) > BULK_PREVIOUS_MAX_UNITS:
        return
    earliest: dict[tuple, int] = {}
    for n, o in enumerate(observations):
        if o.sector:
            continue
        series = (o.indicator_id, o.unit)
        if series not in earliest or period_objects[o.period] < period_objects[observations[earliest[series]].period]:
            earliest[series] = n
    stored: dict[str, dict[str, float]] = {}
    for unit in units:
        first = min((period_objects[o.period] for o in observations if o.unit == unit), key=Period.sort_key)
        stored[unit] = reader.previous_for(unit, first.code)
    for (code, unit), n in earliest.items():
        if code in stored.get(unit, {}):
            jump_warning(indicators[code], observations[n].value, float(stored[unit][code]), reader.issues, sheet,
                         rows_of[n], letter)
