"""The bulk reader: one data sheet of rows (indicator, unit, period, sector, value) for many units and periods.

Used by administrators for official annual figures and back-loads, and by the benchmark. Implausible
jumps are judged along each series in period order, and each series' earliest value against the stored
one (for files of at most 20 units, one store query per unit, to keep a 100.000-row load fast).

Speed (issue 24: reading, checks and commit against python-calamine alone reading the file, measured by
bench/ingest.py). Touching a row's Python objects is what costs (each row is far from the last in
memory), so the rows are judged a column at a time: each distinct code, unit, period, sector, note and kind of
figure is looked at once (text columns told apart by Arrow, in C), and the bounds of the value by numpy. A row
is *plain* when the one-by-one checks would take it without a word: a float within its indicator's bounds (not
a percent target), in no cell the sheet shows otherwise (formats, errors, hidden rows or columns), a period and
unit the checks accept, an indicator of that unit with a valid sector, a key (indicator, unit, period, sector)
that no other filled row has, notes within their length. Plain rows become columns of an ObservationRows
without a Python object each. Every other filled row goes through the checks one by one (``_one_by_one``), in row
order, with the messages that say what is wrong with it: no check is skipped, and the report is the one
the row-by-row reader gave.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa

from tracker.core.measures import is_percent
from tracker.ingest.cells import SheetCells
from tracker.ingest.layout import Sheet, text
from tracker.ingest.values import MAX_TEXT, bounds, cell_value, check_text, jump_warning, read_value_status
from tracker.core.observation import ObservationRows
from tracker.core.periods import Period

BULK_PREVIOUS_MAX_UNITS = 20
# True: no row is taken as plain, every filled row goes through the row-by-row checks. The tests read
# files both ways and compare (tests/ingest/test_ingest_bulk_columns.py): the columns must change nothing.
ONE_BY_ONE_ONLY = False
_NOTE_MAX = MAX_TEXT   # a note or source longer as written goes through check_text, as it always did


def _as_read(cells: list) -> list[str]:
    """Each cell as the checks read a code, unit or sector: text stripped, anything else through text()."""
    stripped = {s: s.strip() for s in set(cells) if s.__class__ is str}
    out = list(map(stripped.get, cells))
    if None in out:   # a number or a date where text was expected
        out = [text(cell) if o is None else o for o, cell in zip(out, cells)]
    return out


def _distinct_text(cells: list) -> tuple[np.ndarray, list[str]] | None:
    """(each cell's index into the distinct cells, the distinct cells in order of first appearance) when
    every cell is text, else None. Arrow hashes the text in C, without a Python hash a cell: a third of
    the time of pandas' factorize on the cells as objects. Refused by Arrow, and so left to the caller:
    a number, a date, a boolean, a blank (None) or text that is no UTF-8 (a lone surrogate); python-calamine
    gives no bytes."""
    try:
        encoded = pa.array(cells, type=pa.string()).dictionary_encode()
    except (pa.ArrowException, UnicodeError):
        return None
    if encoded.null_count:
        return None
    return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary.to_pylist()


class _Read:
    """A column as the checks read it: each row's index (``ids``) among the distinct values read
    (``values``: text stripped, anything else through text()), and the cells as written (``raw_ids``
    into ``raw``) for what depends on them (a note's length)."""

    def __init__(self, cells: list):
        distinct = _distinct_text(cells)
        if distinct is not None:
            raw_ids, raw = distinct
        else:
            raw_ids, raw = pd.factorize(np.array(cells, dtype=object))
            raw = list(raw)
        if any(r.__class__ is not str for r in raw) or (raw_ids < 0).any():
            # 1.0 and True are one key to a hash table but are read differently: each cell on its own
            read = _as_read(cells)
            raw_ids, raw = np.arange(len(cells), dtype=np.int64), list(cells)
            ids, values = pd.factorize(np.array(read, dtype=object))
        else:
            shown = [r.strip() for r in raw]
            ids, values = pd.factorize(np.array(shown, dtype=object))
            ids = ids[raw_ids]
        self.ids, self.values = ids.astype(np.int64, copy=False), list(values)
        self.raw_ids, self.raw = raw_ids, raw

    def at(self, rows: np.ndarray) -> pd.Categorical:
        """The values read of the given rows, as a column of codes into the distinct values (the store
        writes it so, without a Python string a row)."""
        return pd.Categorical.from_codes(self.ids[rows], categories=self.values)


def _constant(value: str, m: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(m, dtype=np.int8), categories=[value])


def _per_pair(a: np.ndarray, b: np.ndarray, nb: int, judge) -> np.ndarray:
    """judge(i, j) for each row's pair of ids (a, b), asked once for each distinct pair (rows with a
    negative id get False)."""
    known = (a >= 0) & (b >= 0)
    pairs = np.where(known, a * max(nb, 1) + b, -1)
    inverse, uniques = pd.factorize(pairs)      # by hashing: no sort of the 100.000 pairs
    answers = np.array([p >= 0 and bool(judge(int(p) // max(nb, 1), int(p) % max(nb, 1))) for p in uniques.tolist()],
                       dtype=bool)
    return answers[inverse]


def _gather(column: list, at: list[int], n: int) -> list:
    if len(at) == n:
        return column
    if not at:
        return []
    picked = itemgetter(*at)(column)
    return [picked] if len(at) == 1 else list(picked)


def bulk_rows(reader, sheet: Sheet, cells: SheetCells) -> None:
    cols = sheet.columns
    c_code, c_value, c_unit, c_period = cols["code"], cols["value"], cols["unit"], cols["period"]
    c_sector, c_note, c_source = cols.get("sector"), cols.get("note"), cols.get("source")
    c_status = cols.get("value_status")   # optional: without it every figure is official
    letters = {k: sheet.letter(k) for k in cols}
    first = sheet.header_row + 1
    width = max(cols.values()) + 1
    data = sheet.rows[first:]
    n = len(data)
    if n == 0:
        return

    # One pass over the rows for every column (a pass per column costs more: each row is far in memory).
    # zip stops at the shortest row: fewer columns than the sheet's width means a short row, padded.
    by_column = list(zip(*data))
    if len(by_column) < width:
        data = [row if len(row) >= width else row + [""] * (width - len(row)) for row in data]
        by_column = list(zip(*data))

    def column(c):
        return by_column[c] if c is not None else None

    values = column(c_value)
    code, unit = _Read(column(c_code)), _Read(column(c_unit))
    sector = _Read(column(c_sector) if c_sector is not None else [""] * n)
    raw_periods = column(c_period)
    note = _Read(column(c_note) if c_note is not None else [""] * n)
    source = _Read(column(c_source) if c_source is not None else [""] * n)
    statuses = column(c_status)
    reader.progress(0.55, "rows")

    # --- each distinct value, once, quietly -------------------------------------------------------------
    period = _Read(raw_periods)                   # check_period reads text(cell)
    checked: dict[str, Period] = {}
    with reader.quietly():
        for shown in period.values:
            found = reader.check_period(shown)
            if found:
                checked[shown] = found
    periods: dict[str, str | None] = {raw: checked[raw.strip()].code for raw in set(period.raw)
                                      if raw.__class__ is str and raw.strip() in checked}
    period_objects: dict[str, Period] = {p.code: p for p in checked.values()}
    period_list = list(period_objects)
    where = {c: k for k, c in enumerate(period_list)}
    period_id = np.array([where[checked[v].code] if v in checked else -1 for v in period.values] or [-1],
                         dtype=np.int64)[period.ids]
    code_id, code_list = code.ids, code.values
    unit_id, unit_list = unit.ids, unit.values
    sector_id, sector_list = sector.ids, sector.values

    cat = reader.cat   # the indicators of the file's codes (every row's code is one of them)
    indicators = {c: cat.indicator(c) for c in code_list if cat.has_indicator(c)}
    sector_sets = {c: {s.id for s in i.sectors} for c, i in indicators.items() if i.sectors}
    units_ok: dict[tuple[str, str], bool] = {}
    allowed: dict[str, set[str]] = {}

    any_period: dict[str, bool] = {}    # units whose answer does not depend on the period: asked once

    def unit_ok(u: int, p: int) -> bool:
        unit, period = unit_list[u], period_list[p]
        if unit in any_period:
            accepted = any_period[unit]
        else:
            accepted = reader.would_accept_unit(unit, period_objects[period])
            if not reader.period_matters(unit):
                any_period[unit] = accepted
        if not accepted:
            return False
        units_ok[(unit, period)] = True       # a refusal is left for the one-by-one pass to say
        if unit not in allowed:
            allowed[unit] = reader.allowed(unit)
        return True

    def indicator_ok(c: int, u: int) -> bool:
        code, ind = code_list[c], indicators.get(code_list[c])
        return ind is not None and code in reader.allowed(unit_list[u]) and not ind.is_milestone and ind.assessable

    def sector_ok(c: int, s: int) -> bool:
        code, sector = code_list[c], sector_list[s]
        return sector in sector_sets[code] if code in sector_sets else not sector

    # --- which rows are plain -------------------------------------------------------------------------------
    if set(map(type, values)) == {float}:      # the usual file: every value cell a number
        is_float, value = np.ones(n, dtype=bool), np.array(values, dtype=np.float64)
    else:
        floats = [v.__class__ is float for v in values]
        is_float = np.array(floats, dtype=bool)
        value = np.array([v if f else np.nan for v, f in zip(values, floats)], dtype=np.float64)
    special = cells.errors.keys() | cells.formulas | cells.percent | cells.misleading.keys() | cells.dates
    looked_at = np.zeros(n, dtype=bool)       # rows whose value cell must go through cell_value or unseen
    for r in ({r for r, c in special if c == c_value} | cells.hidden_rows
              | {r for r, c in cells.blank_shown if c == c_value}):
        if 0 <= r - first < n:
            looked_at[r - first] = True
    filled = is_float | looked_at
    for i in np.flatnonzero(~filled).tolist():
        cell = values[i]
        filled[i] = not (cell == "" or cell is None or (cell.__class__ is str and not cell.strip()))
    if c_value in cells.hidden_cols:
        looked_at |= filled                   # every filled value cell is one a person does not see
    # a key two filled rows share is a duplicate, said at the later row: both rows go one by one
    dated = filled & (period_id >= 0)
    shared = np.zeros(n, dtype=bool)
    if dated.any():
        sizes = (len(code_list), len(unit_list), len(period_list), len(sector_list))
        if sizes[0] * sizes[1] * sizes[2] * sizes[3] < 2 ** 62:     # one number a key
            key = ((code_id * sizes[1] + unit_id) * sizes[2] + period_id) * sizes[3] + sector_id
            shared[dated] = pd.Series(key[dated]).duplicated(keep=False).to_numpy()
        else:
            keys = pd.DataFrame({"c": code_id[dated], "u": unit_id[dated], "p": period_id[dated], "s": sector_id[dated]})
            shared[dated] = keys.duplicated(keep=False).to_numpy()
    plain = is_float & ~looked_at & ~shared & (period_id >= 0) & (not ONE_BY_ONE_ONLY)
    plain &= _per_pair(unit_id, period_id, len(period_list), unit_ok)
    plain &= _per_pair(code_id, unit_id, len(unit_list), indicator_ok)
    plain &= _per_pair(code_id, sector_id, len(sector_list), sector_ok)
    measures = [bounds(indicators[c]) if c in indicators else None for c in code_list]
    low = np.array([m.low if m else np.nan for m in measures])
    high = np.array([m.high if m else np.nan for m in measures])
    whole = np.array([bool(m and m.whole) for m in measures])
    percent = np.array([c in indicators and is_percent(indicators[c].unit) for c in code_list])
    safe = np.where(code_id >= 0, code_id, 0)
    with np.errstate(invalid="ignore"):
        plain &= (np.isfinite(value) & ~percent[safe] & (low[safe] <= value) & (value <= high[safe])
                  & (~whole[safe] | (value == np.floor(value))))
    for text_column in (note, source):
        long = [k for k, r in enumerate(text_column.raw) if r.__class__ is str and len(r) > _NOTE_MAX]
        if long:
            plain &= ~np.isin(text_column.raw_ids, long)
    kinds = ["official"] * n
    if statuses is not None:
        with reader.quietly() as quiet:
            kind_of = {raw: read_value_status(raw, quiet, sheet.name, None, None)
                       for raw in set(statuses) if raw.__class__ is str and raw != ""}
        kinds = [kind_of.get(raw) if raw != "" and raw is not None else "official" for raw in statuses]
        plain &= np.fromiter((k is not None for k in kinds), dtype=bool, count=n)
    reader.progress(0.75, "rows")

    # --- the others, one by one, in row order ---------------------------------------------------------------
    others = np.flatnonzero(filled & ~plain).tolist()
    taken = _one_by_one(reader, sheet, cells, data, others, first, letters, periods, period_objects, units_ok,
                        allowed, indicators, sector_sets)
    accepted = plain.copy()
    for i, (number, kind) in taken.items():
        accepted[i] = True
        value[i] = number
        kinds[i] = kind
    at = np.flatnonzero(accepted)
    at_list = at.tolist()
    m = len(at_list)
    if m == 0:
        return
    columns = {
        "indicator_id": code.at(at), "unit": unit.at(at),
        "period": pd.Categorical.from_codes(period_id[at], categories=period_list), "value": value[at].tolist(),
        "sector": sector.at(at), "note": note.at(at), "source": source.at(at), "territory": _constant("target", m),
        "value_status": _constant("official", m) if statuses is None else pd.Categorical(_gather(kinds, at_list, n)),
    }
    rows_of = (at + first + 1)   # the sheet row of each observation
    reader.progress(0.85, "rows")
    _jumps_in_file(reader, sheet.name, letters["value"], value[at], code_id[at], unit_id[at], sector_id[at],
                   period_id[at], rows_of, code_list, period_list, period_objects, indicators)
    _jumps_against_stored(reader, columns, rows_of, indicators, period_objects, sheet.name, letters["value"])
    if reader.parsed.observations:
        reader.parsed.observations.extend(ObservationRows(columns))
    else:
        reader.parsed.observations = ObservationRows(columns)


def _one_by_one(reader, sheet: Sheet, cells: SheetCells, data: list, others: list[int], first: int, letters: dict,
                periods: dict, period_objects: dict, units_ok: dict, allowed: dict, indicators: dict,
                sector_sets: dict) -> dict[int, tuple[float, str]]:
    """The row-by-row checks of the rows that are not plain; {row index: (value, kind of figure)} of those
    taken. ``periods``, ``units_ok`` and ``allowed`` hold what the quiet checks accepted (a value they
    refused is checked here again, aloud, at the first row that has it)."""
    cols = sheet.columns
    c_code, c_value, c_unit, c_period = cols["code"], cols["value"], cols["unit"], cols["period"]
    c_sector, c_note, c_source = cols.get("sector"), cols.get("note"), cols.get("source")
    c_status = cols.get("value_status")
    special = cells.errors.keys() | cells.formulas | cells.percent | cells.misleading.keys() | cells.dates
    special_rows = {r for r, c in special if c == c_value}
    unseen_rows = cells.hidden_rows | {r for r, c in cells.blank_shown if c == c_value}
    value_hidden = c_value in cells.hidden_cols
    seen: dict[tuple, int] = {}
    taken: dict[int, tuple[float, str]] = {}
    str_ = str
    issues = reader.issues
    for i in others:
        r = first + i
        row = data[i]
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
        if (sector in sector_sets[code] if code in sector_sets else not sector) is False:
            reader.sector_ok(ind, sector, sheet.name, r + 1, letters.get("sector", letters["code"]))
            continue
        key = (code, unit, period, sector)
        if key in seen:
            reader.duplicate(code, sector, seen[key], sheet.name, r + 1, letters["code"])
            continue
        seen[key] = r + 1
        value = cell_value(cell, r, c_value, ind, cells, issues, sheet.name, letters["value"])
        if value is None:
            continue
        note = row[c_note] if c_note is not None else ""
        source = row[c_source] if c_source is not None else ""
        if (note.__class__ is str_ and len(note) > _NOTE_MAX) or (source.__class__ is str_ and len(source) > _NOTE_MAX):
            if check_text(note, "Ghi chú", "Note", issues, sheet.name, r + 1, letters.get("note")) is None or \
                    check_text(source, "Nguồn số liệu", "Data source", issues, sheet.name, r + 1, letters.get("source")) is None:
                continue
        value_status = "official"
        if c_status is not None and row[c_status] not in ("", None):
            value_status = read_value_status(row[c_status], issues, sheet.name, r + 1, letters["value_status"])
            if value_status is None:
                continue
        taken[i] = (value, value_status)
    return taken


def _jumps_in_file(reader, sheet: str, letter: str, value: np.ndarray, code_id: np.ndarray, unit_id: np.ndarray,
                   sector_id: np.ndarray, period_id: np.ndarray, rows_of: np.ndarray, code_list: list,
                   period_list: list, period_objects: dict, indicators: dict) -> None:
    """Each value against the one before it in its series (indicator, unit, sector) by period.

    A file whose every series runs forward in period order (the usual case) is warned in row order;
    any other, in period order. A series has each period once (a second is refused as a duplicate)."""
    m = len(value)
    rank = {code: k for k, code in enumerate(sorted(period_list, key=lambda c: period_objects[c].sort_key()))}
    at = np.array([rank[c] for c in period_list], dtype=np.int64)[period_id]
    width_u, width_s = int(unit_id.max(initial=0)) + 1, int(sector_id.max(initial=0)) + 1
    if (int(code_id.max(initial=0)) + 1) * width_u * width_s < 2 ** 62:     # one number a series
        series = pd.factorize((code_id * width_u + unit_id) * width_s + sector_id)[0].astype(np.int64)
    else:
        series = pd.DataFrame({"c": code_id, "u": unit_id, "s": sector_id}).groupby(["c", "u", "s"], sort=False).ngroup()
        series = series.to_numpy(dtype=np.int64)
    order = np.argsort(series, kind="stable")           # each series in row order
    same = series[order][1:] == series[order][:-1]
    ordered = bool(np.all(at[order][1:][same] > at[order][:-1][same]))
    if not ordered:
        order = np.lexsort((np.arange(m), at, series))   # each series in period order
        same = series[order][1:] == series[order][:-1]
    cur, prev = order[1:][same], order[:-1][same]
    v, p = value[cur], value[prev]
    # codes of the file that are no indicator have no observation: False for them
    percent = np.array([c in indicators and is_percent(indicators[c].unit) for c in code_list])[code_id[cur]]
    share = np.array([c in indicators and indicators[c].unit == "percent" for c in code_list])[code_id[cur]]
    with np.errstate(all="ignore"):
        ratio, change = v / p, np.abs(v - p)
        far = (ratio > 3) | (ratio < 1 / 3)
        # as values.jump: points or ratio for percent units, ratio (past 10 and above 0) for the others
        flagged = np.isfinite(v) & np.isfinite(p) & np.where(
            percent, (change > 20) | (share & (p >= 1) & far), (p > 0) & ~(change < 10) & far)
    cur, prev = cur[flagged], prev[flagged]
    said = np.argsort(cur, kind="stable") if ordered else np.lexsort((cur, at[cur]))
    for k in said.tolist():
        j, q = int(cur[k]), int(prev[k])
        jump_warning(indicators[code_list[code_id[j]]], float(value[j]), float(value[q]), reader.issues, sheet,
                     int(rows_of[j]), letter)


def _jumps_against_stored(reader, columns: dict, rows_of: np.ndarray, indicators, period_objects, sheet: str,
                          letter: str) -> None:
    """Each series' earliest value in the file against the stored value before it (few units only)."""
    if reader.previous is None:
        return
    units = set(columns["unit"])
    if callable(reader.previous) and len(units) > BULK_PREVIOUS_MAX_UNITS:
        return
    earliest: dict[tuple, int] = {}
    first_of: dict[str, Period] = {}
    codes, periods, values = columns["indicator_id"], columns["period"], columns["value"]
    for n, (code, unit, period, sector) in enumerate(zip(codes, columns["unit"], periods, columns["sector"])):
        at = period_objects[period]
        if unit not in first_of or at.sort_key() < first_of[unit].sort_key():
            first_of[unit] = at
        if sector:
            continue
        series = (code, unit)
        if series not in earliest or at < period_objects[periods[earliest[series]]]:
            earliest[series] = n
    stored: dict[str, dict[str, float]] = {}
    for unit in units:
        stored[unit] = reader.previous_for(unit, first_of[unit].code)
    for (code, unit), n in earliest.items():
        if code in stored.get(unit, {}):
            jump_warning(indicators[code], values[n], float(stored[unit][code]), reader.issues, sheet, int(rows_of[n]),
                         letter)
