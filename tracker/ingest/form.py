"""The form reader: a unit's form for one period (and the checks it shares with the bulk reader).

Order: the metadata (form kind and version; unit and period, hidden and visible copies agreeing); the data
sheet by its exact name and its columns by the form's marker row (tracker.ingest.layout); the facts a
person sees that values alone do not carry (tracker.ingest.cells); then each row: the indicator belongs to
the unit and to the form's frequency (a quarterly target in a yearly form is an error: relabelling a
quarter's form as the year would turn one quarter's flow into the year's total), the value through the value
rules (tracker.ingest.values), and the text fields within their length.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from typing import Callable

from tracker.catalogue import Catalogue, Indicator
from tracker.ingest.bulk import bulk_rows
from tracker.ingest.cells import CellsUnreadable, SheetCells, read_cells
from tracker.ingest.issues import CappedIssues
from tracker.ingest.layout import (HEADER_SEARCH_ROWS, Book, Sheet, column_letter, find_sheet, normalise, own_sheet_name,
                                   read_meta, text, visible_period)
from tracker.ingest.values import cell_value, check_text, jump_warning, read_value_status, target_warning
from tracker.core.observation import MILESTONE_STATUSES, MilestoneUpdate, Observation, ParsedForm
from tracker.core.periods import Period, parse_period
from tracker.core.report import ValidationReport
from tracker.forms.spec import (ACCEPTED_FORM_VERSIONS, BULK_KIND, COLUMN_LABELS, FORM_KIND, FORM_VERSION, SCOPE_LABELS,
                                SHEET_DATA, SHEET_META, STATUS_LABELS)

Previous = dict[str, float] | Callable[[str, str], dict[str, float]] | None
Progress = Callable[[float, str], None]

_STATUS_BY_LABEL = {normalise(label): code for code, labels in STATUS_LABELS.items() for label in labels}
_STATUS_BY_LABEL.update({normalise(code): code for code in MILESTONE_STATUSES})
_STATUS_BY_LABEL.update({"chua bat dau": "not_started", "dang trien khai": "in_progress", "da hoan thanh": "done",
                         "completed": "done", "not started": "not_started"})
_STATUS_HINT = ", ".join(f"“{vi}”" for vi, _ in STATUS_LABELS.values())
_FREQ_VI = {"quarter": "quý", "year": "năm"}
_SCOPE_BY_LABEL = {normalise(label): code for code, labels in SCOPE_LABELS.items() for label in labels}
_SCOPE_BY_LABEL.update({code: code for code in SCOPE_LABELS})
_SCOPE_HINT = ", ".join(f"“{vi}”" for vi, _ in SCOPE_LABELS.values())


def _date(cell) -> dt.date | None | str:
    """A date from a cell, None when blank, 'bad' when it cannot be one."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        # an Excel serial day number that lost its date format
        if 30000 <= cell <= 60000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(cell))
        return "bad"
    raw = str(cell).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return "bad"


def _blank(cell) -> bool:
    return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())


class Reader:
    def __init__(self, parsed: ParsedForm, content: bytes, kind: str, catalogue: Catalogue, today: dt.date,
                 previous: Previous, expected_units: set[str] | None, issues: CappedIssues, progress: Progress,
                 calendar=None, expected_agency: str | None = None):
        self.parsed, self.content, self.kind, self.cat, self.today = parsed, content, kind, catalogue, today
        self.calendar = calendar
        self.expected_agency = expected_agency
        self.previous, self.expected_units, self.issues, self.progress = previous, expected_units, issues, progress
        self._unit_checked: dict[str, bool] = {}
        self._allowed: dict[str, set[str]] = {}
        self._own: dict[str, set[str]] | None = None
        self._refused_units: set[str] = set()
        self._merged_into: dict[str, list[str]] = {}

    # -- checks shared by forms and bulk rows --

    def check_unit(self, unit: str, period: Period | None, sheet=None, row=None, column=None) -> bool:
        key = f"{unit}|{period.code if period else ''}"
        if key in self._unit_checked:
            return self._unit_checked[key]
        ok = self._check_unit(unit, period, sheet, row, column)
        self._unit_checked[key] = ok
        return ok

    @contextmanager
    def quietly(self):
        """Checks run inside say nothing and leave nothing behind. The bulk reader asks them once of each
        distinct value; the rows holding a value they refuse are then checked one by one, in row order,
        with their messages (so nothing is said twice, nor out of order)."""
        issues, refused = self.issues, set(self._refused_units)
        self.issues = CappedIssues(ValidationReport())
        try:
            yield self.issues
        finally:
            self.issues, self._refused_units = issues, refused

    def would_accept_unit(self, unit: str, period: Period) -> bool:
        """Whether ``check_unit`` takes ``unit`` for ``period``, without a message and without remembering
        the answer (a refusal must still be said, at the first row that has it)."""
        with self.quietly():
            return self._check_unit(unit, period, None, None, None)

    def period_matters(self, unit: str) -> bool:
        """Whether ``_check_unit`` may answer differently for another period of ``unit``: only through the
        unit's dates of existence (kept beside it, so that a new check on the period is added here too)."""
        j = self.cat.jurisdictions.get(unit)
        return j is not None and bool(j.valid_to or j.valid_from)

    def _check_unit(self, unit, period, sheet, row, column) -> bool:
        cat, err = self.cat, self.issues.error
        if unit not in cat.jurisdictions or not self.allowed(unit):
            err("wrong_unit", f"Mã đơn vị “{unit}” không có trong danh mục. Hãy tải biểu mẫu của đúng địa phương ở trang “Nhập số liệu”.",
                f"Unit code “{unit}” is not in the catalogue. Download your unit's form from the Upload page.", sheet, row, column)
            return False
        name = cat.name(unit)
        if self.expected_units is not None and unit not in self.expected_units:
            if unit in self._refused_units:
                return False  # said once per unit (bulk forms carry many periods)
            self._refused_units.add(unit)
            allowed = ", ".join(cat.name(u) for u in sorted(self.expected_units) if u in cat.jurisdictions) or "—"
            err("wrong_unit", f"Số liệu này của {name}, không phải địa phương bạn được giao ({allowed}). "
                "Hãy tải và điền biểu mẫu của địa phương mình.",
                f"These figures are {cat.name(unit, 'en')}'s, not a unit you report for ({allowed}). Download and fill your own unit's form.",
                sheet, row, column)
            return False
        j = cat.jurisdictions[unit]
        if period is not None and j.valid_to and period.start() > j.valid_to:
            succ = cat.name(cat.current_unit(unit))
            err("wrong_unit", f"{name} đã sáp nhập vào {succ} từ {j.valid_to + dt.timedelta(days=1):%d/%m/%Y}; số liệu "
                f"{period.label()} do {succ} báo cáo. Hãy tải biểu mẫu của {succ}.",
                f"{cat.name(unit, 'en')} merged into {cat.name(cat.current_unit(unit), 'en')} on {j.valid_to + dt.timedelta(days=1)}; "
                f"{period.label('en')} is reported by the successor. Download its form.", sheet, row, column)
            return False
        if period is not None and j.valid_from and period.end() < j.valid_from:
            err("wrong_unit", f"{name} chỉ có từ {j.valid_from:%d/%m/%Y}; không báo cáo được {period.label()}.",
                f"{cat.name(unit, 'en')} exists only from {j.valid_from}; it cannot report {period.label('en')}.", sheet, row, column)
            return False
        return True

    def check_period(self, raw: str, sheet=None, row=None, column=None) -> Period | None:
        try:
            period = parse_period(raw)
        except ValueError:
            self.issues.error("bad_period", f"Kỳ báo cáo “{raw}” không đúng dạng. Ghi theo dạng 2026-Q3 (quý) hoặc 2026 (năm).",
                              f"Period “{raw}” is not valid. Write 2026-Q3 for a quarter or 2026 for a year.", sheet, row, column)
            return None
        if self.calendar is not None and self.calendar.preset != "calendar":
            window = self.calendar.window(period)
            if window.opens > self.today:
                self.issues.error("period_not_ended", f"{period.label()} chưa mở để nộp (số liệu tính đến hết ngày "
                                  f"{window.data_to:%d/%m/%Y}, mở từ {window.opens:%d/%m/%Y}). Hãy tải biểu mẫu của kỳ trước.",
                                  f"{period.label('en')} is not open yet (data to {window.data_to}, opens {window.opens}). "
                                  "Download the form for an earlier period.", sheet, row, column)
                return None
        elif period.end() >= self.today:
            self.issues.error("period_not_ended", f"{period.label()} chưa kết thúc (hết ngày {period.end():%d/%m/%Y}); "
                              "chỉ báo cáo kỳ đã kết thúc. Hãy tải biểu mẫu của kỳ trước.",
                              f"{period.label('en')} has not ended yet (ends {period.end()}); only ended periods can be reported. "
                              "Download the form for an earlier period.", sheet, row, column)
            return None
        return period

    def allowed(self, unit: str) -> set[str]:
        """Ids of the targets ``unit`` reports on (its own and its predecessors'), indexed once per read."""
        if self._own is None:
            self._own, self._merged_into = {}, {}
            for ind in self.cat.indicators:
                self._own.setdefault(ind.jurisdiction, set()).add(ind.id)
            for j in self.cat.jurisdictions.values():
                if j.successor:
                    self._merged_into.setdefault(j.successor, []).append(j.id)
        if unit not in self._allowed:
            ids, frontier, seen = set(), [unit], {unit}
            while frontier:
                current = frontier.pop()
                ids |= self._own.get(current, set())
                for pred in self._merged_into.get(current, ()):
                    if pred not in seen:
                        seen.add(pred)
                        frontier.append(pred)
            self._allowed[unit] = ids
        return self._allowed[unit]

    def check_indicator(self, code: str, unit: str, sheet: str, row: int, column: str, milestone: bool,
                        period: Period | None = None) -> Indicator | None:
        cat, err = self.cat, self.issues.error
        if not cat.has_indicator(code):
            err("unknown_indicator", f"Mã chỉ tiêu “{code}” không có trong danh mục. Không sửa cột mã; hãy dùng biểu mẫu mới tải về.",
                f"Indicator code “{code}” is not in the catalogue. Do not edit the code column; use a freshly downloaded form.",
                sheet, row, column)
            return None
        ind = cat.indicator(code)
        if code not in self.allowed(unit):
            err("indicator_not_for_unit", f"Chỉ tiêu “{code}” không thuộc {cat.name(unit)}. Xóa dòng này hoặc dùng biểu mẫu của đúng địa phương.",
                f"Indicator “{code}” is not one of {cat.name(unit, 'en')}'s targets. Delete the row or use the right unit's form.",
                sheet, row, column)
            return None
        if not ind.assessable:
            if ind.retired:
                new = f" bằng “{ind.replaced_by}”" if ind.replaced_by else ""
                vi = (f"Chỉ tiêu “{code}” đã được thay thế{new} (sửa cho đúng văn bản); số liệu cũ vẫn được giữ. "
                      "Hãy tải biểu mẫu mới và điền theo chỉ tiêu mới.")
                en = (f"“{code}” has been replaced{' by “' + ind.replaced_by + '”' if ind.replaced_by else ''} (corrected to "
                      "match its document); stored figures are kept. Download a new form and fill in the new target.")
            else:
                vi = f"Mục tiêu “{code}” chưa có thước đo nên không nhận số liệu. Xóa giá trị ở dòng này."
                en = f"“{code}” has no statistic that measures it, so no figure is taken. Clear this row's value."
            err("retired_indicator", vi, en, sheet, row, column)
            return None
        if milestone != ind.is_milestone:
            where_vi, where_en = ("trang “Nhiệm vụ”", "the “Nhiệm vụ” sheet") if ind.is_milestone else ("trang “Số liệu”", "the “Số liệu” sheet")
            err("indicator_not_for_unit", f"“{code}” là {'nhiệm vụ' if ind.is_milestone else 'chỉ tiêu số liệu'}; báo cáo ở {where_vi}.",
                f"“{code}” is a {'task' if ind.is_milestone else 'numeric target'}; report it on {where_en}.", sheet, row, column)
            return None
        if period is not None and not milestone and (ind.reporting_frequency == "quarter") != period.is_quarter:
            freq = ind.reporting_frequency
            err("wrong_frequency", f"Chỉ tiêu “{code}” báo cáo theo {_FREQ_VI[freq]}, nhưng biểu mẫu này ghi kỳ {period.label()}. "
                f"Không đổi kỳ của biểu mẫu: hãy tải biểu mẫu đúng kỳ {_FREQ_VI[freq]} ở trang “Nhập số liệu”.",
                f"“{code}” is reported per {freq}, but this form is for {period.label('en')}. Do not change a form's period: "
                f"download the form for the right {freq}.", sheet, row, column)
            return None
        return ind

    def previous_for(self, unit: str, period: str) -> dict[str, float]:
        if self.previous is None:
            return {}
        if callable(self.previous):
            return dict(self.previous(unit, period) or {})
        return dict(self.previous)

    def _read_cells_early(self, names: list[str]) -> None:
        """Start reading the data sheet's cell facts in a second thread, while python-calamine parses the
        sheets: calamine's parse and zlib let go of the GIL, so on a machine with a core free the facts
        cost no time of their own. The sheet is the one named as the form's (the one find_sheet takes
        whenever the file can be read); ``cells`` waits for it, or reads another sheet itself."""
        self._early = None
        name = own_sheet_name(names, "data")
        if name is None:
            return
        box: dict = {}

        def work() -> None:
            try:
                box["cells"] = read_cells(self.content, self.kind, name)
            except BaseException as exc:  # noqa: BLE001 — handed to the reading thread as it is
                box["error"] = exc

        thread = threading.Thread(target=work, name="nq45-cell-facts", daemon=True)
        thread.start()
        self._early = (name, thread, box)

    def _early_cells(self, name: str):
        """The facts read early for sheet ``name`` (raising as read_cells would), or None if not that sheet."""
        early, self._early = getattr(self, "_early", None), None
        if early is None:
            return None
        thread_name, thread, box = early
        thread.join()        # also when not used: nothing of a read goes on after it
        if thread_name != name:
            return None
        if "error" in box:
            raise box["error"]
        return box["cells"]

    def cells(self, sheet: Sheet) -> SheetCells | None:
        """The sheet's cell facts; None after refusing the file when they cannot be read."""
        try:
            early = self._early_cells(sheet.name)
            return early if early is not None else read_cells(self.content, self.kind, sheet.name)
        except CellsUnreadable as exc:
            self.issues.error("check_failed", f"Không kiểm tra được định dạng các ô của trang “{sheet.name}” ({exc}), nên không "
                              "thể chắc số lưu đúng số hiển thị. Hãy lưu lại tệp dưới dạng .xlsx (Excel Workbook) rồi nộp.",
                              f"The cell formats of sheet “{sheet.name}” could not be checked ({exc}), so the stored figures could "
                              "not be guaranteed to be the ones shown. Save the file as .xlsx (Excel Workbook) and upload it.",
                              sheet.name)
            return None

    def merged_over(self, sheet: Sheet, cells: SheetCells, keys: tuple[str, ...]) -> bool:
        """Refuse merged ranges that cover cells of the given columns below the header (True when any)."""
        found = False
        cols = {sheet.columns[k]: k for k in keys if k in sheet.columns}
        for r0, c0, r1, c1 in cells.merged:
            if r1 <= sheet.header_row or (r0 == r1 and c0 == c1):
                continue
            hit = [c for c in cols if c0 <= c <= c1]
            if not hit:
                continue
            found = True
            rng = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
            self.issues.error("merged_cell", f"Các ô {rng} bị gộp (merge) lên cột “{COLUMN_LABELS[cols[hit[0]]][0]}”: chỉ ô đầu có "
                              "giá trị, các ô còn lại bị đọc là trống. Bỏ gộp ô (Unmerge) và điền từng dòng rồi nộp lại.",
                              f"Cells {rng} are merged over the “{COLUMN_LABELS[cols[hit[0]]][1]}” column: only the first holds a "
                              "value, the others read as blank. Unmerge them, fill each row and upload again.",
                              sheet.name, r0 + 1, column_letter(hit[0]))
        return found

    def unseen(self, sheet: Sheet, cells: SheetCells, r: int, c: int, label: tuple[str, str]) -> bool:
        """Refuse a filled cell that a person reading the sheet does not see (True when refused).

        Refused rather than accepted with a warning: the figure would be stored although nobody checking the
        sheet, on screen or printed, saw it, and the clerk's fix is one step (unhide, look, send again)."""
        why = cells.unseen(r, c)
        if why is None:
            return False
        place = f"{column_letter(c)}{r + 1}"
        vi_what, en_what = label
        if why == "row":
            vi = (f"Ô {place} ({vi_what}) có giá trị nhưng dòng {r + 1} đang bị ẩn (ẩn dòng, bộ lọc AutoFilter hoặc nhóm "
                  "đang thu gọn), nên người đọc trang tính không thấy. Hãy bỏ ẩn (Unhide), bỏ lọc, mở nhóm, kiểm tra lại "
                  "số liệu rồi nộp.")
            en = (f"Cell {place} ({en_what}) holds a value but row {r + 1} is hidden (hidden row, AutoFilter or a "
                  "collapsed group), so a person reading the sheet does not see it. Unhide the row, clear the filter, "
                  "expand the group, check the figures and upload again.")
        elif why == "column":
            vi = (f"Ô {place} ({vi_what}) có giá trị nhưng cột {column_letter(c)} đang bị ẩn, nên người đọc trang tính "
                  "không thấy. Hãy bỏ ẩn cột (Unhide), kiểm tra lại số liệu rồi nộp.")
            en = (f"Cell {place} ({en_what}) holds a value but column {column_letter(c)} is hidden, so a person reading "
                  "the sheet does not see it. Unhide the column, check the figures and upload again.")
        else:
            code = cells.blank_shown[(r, c)]
            vi = (f"Ô {place} ({vi_what}) trông trống nhưng có giá trị: định dạng số “{code}” không hiển thị con số này. "
                  "Đặt lại định dạng số thông thường (Format Cells → Number), kiểm tra lại rồi nộp.")
            en = (f"Cell {place} ({en_what}) looks blank but holds a value: its number format “{code}” shows nothing "
                  "for it. Set a plain number format (Format Cells → Number), check and upload again.")
        self.issues.error("unseen_value", vi, en, sheet.name, r + 1, column_letter(c))
        return True

    # -- the workbook --

    def read(self) -> None:
        from python_calamine import CalamineWorkbook

        self.progress(0.1, "open")
        book = Book(CalamineWorkbook.from_object(__import__("io").BytesIO(self.content)))
        self._read_cells_early(book.names)
        try:
            self._read(book)
        finally:
            self._early_cells("")     # a file refused before its cells were asked for: wait for the thread

    def _read(self, book: Book) -> None:
        issues, parsed = self.issues, self.parsed
        meta = read_meta(book)
        if meta is None:
            issues.error("not_our_form", f"Đây không phải biểu mẫu của hệ thống (không thấy: {SHEET_META}). Hãy tải biểu mẫu ở trang "
                         "“Nhập số liệu”, điền vào đó (không sao chép sang tệp khác, không xóa hay đổi tên trang tính) rồi nộp.",
                         f"This is not the tracker's form (missing: {SHEET_META}). Download the form from the Upload page, fill it in "
                         "(do not copy it to another file, delete or rename sheets) and upload it.")
            return
        values, place = meta.values, meta.place
        form = values.get("form", "")
        parsed.form_version = values.get("form_version") or None
        if form not in (FORM_KIND, BULK_KIND):
            issues.error("not_our_form", f"Trang “{place}” không ghi loại biểu mẫu hợp lệ (“{form}”). Hãy tải lại biểu mẫu.",
                         f"Sheet “{place}” does not name a known form kind (“{form}”). Download the form again.", place)
            return
        if parsed.form_version not in ACCEPTED_FORM_VERSIONS:
            issues.error("not_our_form", f"Biểu mẫu phiên bản “{parsed.form_version or '?'}” không còn dùng (hiện là {FORM_VERSION}). "
                         "Hãy tải biểu mẫu mới rồi chép số liệu sang.",
                         f"Form version “{parsed.form_version or '?'}” is no longer accepted (current: {FORM_VERSION}). "
                         "Download a new form and copy the figures over.", place)
            return
        bulk = form == BULK_KIND
        marked = not bulk and parsed.form_version != "1"
        period = None
        if bulk:
            parsed.unit, parsed.period = "*", "*"
        else:
            period = self.form_period(meta)
            if period is None:
                return
        wanted = ("value",)
        data = find_sheet(book, "data", wanted, issues, marked)
        if data is None:
            if issues.errors == 0:
                issues.error("not_our_form", f"Đây không phải biểu mẫu của hệ thống (không thấy trang “{SHEET_DATA}”). Hãy tải biểu mẫu "
                             "ở trang “Nhập số liệu”, điền vào đó (không xóa hay đổi tên trang tính) rồi nộp.",
                             f"This is not the tracker's form (no “{SHEET_DATA}” sheet). Download the form from the Upload page, "
                             "fill it in (do not delete or rename sheets) and upload it.")
            return
        if data.header_row < 0:
            issues.error("not_our_form", f"Không tìm thấy dòng tiêu đề (có cột “Mã chỉ tiêu” và “Giá trị”) trong {HEADER_SEARCH_ROWS} dòng đầu. "
                         "Không xóa dòng tiêu đề; hãy dùng biểu mẫu mới tải về.",
                         f"No header row (with “Mã chỉ tiêu” and “Giá trị”) in the first {HEADER_SEARCH_ROWS} rows. "
                         "Keep the header row; use a freshly downloaded form.", data.name)
            return
        needed = ("code", "value") + (("unit", "period") if bulk else ())
        missing = [k for k in needed if k not in data.columns]
        for key in missing:
            vi, en = COLUMN_LABELS[key]
            issues.error("missing_header_column", f"Thiếu cột “{vi}” ở dòng tiêu đề. Không xóa hay đổi tên cột; hãy dùng biểu mẫu mới tải về.",
                         f"The “{vi}” ({en}) column is missing from the header row. Do not delete or rename columns; "
                         "use a freshly downloaded form.", data.name, data.header_row + 1)
        if missing:
            return
        self.progress(0.4, "cells")
        cells = self.cells(data)
        if cells is None or self.merged_over(data, cells, ("code", "sector", "unit", "period", "value")):
            return
        self.progress(0.5, "rows")
        if bulk:
            bulk_rows(self, data, cells)
        else:
            self.form_rows(data, cells, parsed.unit, period)
        stones = find_sheet(book, "milestones", ("status",), issues, marked, skip=(data.name,))
        if stones is not None and stones.header_row >= 0:
            self.milestone_rows(stones, parsed.unit, period, bulk)
        self.progress(0.95, "check")
        if not parsed.observations and not parsed.milestones and issues.errors == 0:
            issues.error("empty_form", "Biểu mẫu chưa có số liệu nào: cột “Giá trị” và cột “Trạng thái” đều trống. "
                         "Hãy điền rồi nộp lại.",
                         "The form holds no figures: the “Giá trị” (value) and “Trạng thái” (status) columns are empty. "
                         "Fill them in and upload again.", data.name)

    def form_period(self, meta) -> Period | None:
        """The form's unit and period, after checking the hidden and visible copies agree with each other and with
        the form's frequency."""
        issues, parsed, values, place = self.issues, self.parsed, meta.values, meta.place
        parsed.unit = values.get("unit") or None
        period_text = values.get("period", "")
        try:
            period = parse_period(period_text)
        except ValueError:
            issues.error("not_our_form", f"Trang “{place}” ghi kỳ báo cáo “{period_text}” không hợp lệ. Hãy tải lại biểu mẫu.",
                         f"Sheet “{place}” holds an invalid period “{period_text}”. Download the form again.", place)
            return None
        parsed.period = period.code
        disagree = visible_period(meta)
        if disagree is not None:
            shown, _ = disagree
            issues.error("period_mismatch", f"Trang hướng dẫn ghi kỳ “{shown}”, nhưng biểu mẫu được tạo cho {period.label()}. "
                         "Mỗi biểu mẫu dùng cho một kỳ, không sửa kỳ báo cáo: hãy tải biểu mẫu của đúng kỳ rồi chép số liệu sang.",
                         f"The instructions sheet shows the period “{shown}”, but the form was made for {period.label('en')}. "
                         "A form serves one period; do not change it: download the right period's form and copy the figures over.",
                         "Hướng dẫn")
            return None
        shown_unit = meta.visible.get("unit")
        if meta.place == SHEET_META and shown_unit and shown_unit != parsed.unit:
            issues.error("wrong_unit", f"Trang hướng dẫn ghi mã đơn vị “{shown_unit}”, nhưng biểu mẫu được tạo cho “{parsed.unit}”. "
                         "Không sửa mã đơn vị: hãy tải biểu mẫu của đúng địa phương.",
                         f"The instructions sheet shows unit “{shown_unit}”, but the form was made for “{parsed.unit}”. Do not change "
                         "it: download the right unit's form.", "Hướng dẫn")
            return None
        frequency = values.get("frequency")
        if frequency and frequency != ("quarter" if period.is_quarter else "year"):
            issues.error("wrong_frequency", f"Biểu mẫu theo {_FREQ_VI.get(frequency, frequency)} nhưng ghi kỳ {period.label()}. "
                         "Không đổi kỳ của biểu mẫu: hãy tải biểu mẫu đúng kỳ ở trang “Nhập số liệu”.",
                         f"A per-{frequency} form labelled {period.label('en')}. Do not change a form's period: download the "
                         "right period's form.", place)
            return None
        if not self.check_unit(parsed.unit or "", period, place):
            return None
        if not self.form_agency(meta):
            return None
        return self.check_period(parsed.period, place)

    def form_agency(self, meta) -> bool:
        """The agency an agency's form was made for (issue 21), hidden and visible copies agreeing and the id
        leading some of the unit's targets; False after an error. A whole unit's form has none."""
        from tracker.catalogue.agencies import unknown_agency_message

        parsed, place = self.parsed, meta.place
        own = meta.values.get("agency") or None
        shown = meta.visible.get("agency") or None
        if meta.place == SHEET_META and shown != own:
            self.issues.error("agency_mismatch", f"Trang hướng dẫn ghi mã cơ quan “{shown or ''}”, nhưng biểu mẫu được tạo "
                              f"{'cho “' + own + '”' if own else 'chung cho cả đơn vị'}. Không sửa mã cơ quan: hãy tải biểu mẫu "
                              "của đúng cơ quan ở trang “Nhập số liệu”.",
                              f"The instructions sheet shows agency “{shown or ''}”, but the form was made "
                              f"{'for “' + own + '”' if own else 'for the whole unit'}. Do not change it: download the right "
                              "agency's form from the Upload page.", "Hướng dẫn")
            return False
        if self.expected_agency is not None and own != self.expected_agency:
            lead = self.cat.agency(parsed.unit, self.expected_agency)
            name_vi = lead.name.vi if lead else self.expected_agency
            name_en = lead.name.en if lead else self.expected_agency
            what_vi = f"của cơ quan “{own}”" if own else "là biểu mẫu chung của cả đơn vị"
            what_en = f"agency “{own}”'s form" if own else "the whole unit's form"
            self.issues.error("wrong_agency", f"Tài khoản của bạn nộp số liệu cho {name_vi}, nhưng biểu mẫu này {what_vi}. "
                              f"Hãy tải và điền biểu mẫu của {name_vi} ở trang “Nhập số liệu”.",
                              f"Your account reports for {name_en}, but this form is {what_en}. Download and fill "
                              f"{name_en}'s form on the Upload page.", place)
            return False
        if own is None:
            return True
        if self.cat.agency(parsed.unit, own) is None:
            self.issues.error("unknown_agency", unknown_agency_message(self.cat, parsed.unit, own, "vi")
                              + " Hãy tải lại biểu mẫu ở trang “Nhập số liệu”.",
                              unknown_agency_message(self.cat, parsed.unit, own, "en") + " Download the form again.", place)
            return False
        parsed.agency = own
        return True

    def check_agency(self, ind: Indicator, sheet: str, row: int, column: str) -> bool:
        """On an agency's form, a value or status for another agency's target (or the whole unit's) is refused,
        naming its cell: one department must not overwrite what another reports."""
        agency = self.parsed.agency
        if agency is None or ind.agency_id == agency:
            return True
        cat, unit = self.cat, self.parsed.unit
        mine = cat.agency(unit, agency)
        other = cat.agency(unit, ind.agency_id) if ind.agency_id else None
        whose_vi = f"của {other.name.vi}" if other else "của đơn vị (không thuộc cơ quan chủ trì nào)"
        whose_en = f"led by {other.name.en}" if other else "the whole unit's (no lead agency)"
        self.issues.error("indicator_not_for_agency",
                          f"Ô {column}{row}: chỉ tiêu “{ind.id}” là chỉ tiêu {whose_vi}, không thuộc biểu mẫu của "
                          f"{mine.name.vi if mine else agency}. Xóa giá trị ở ô này; cơ quan chủ trì chỉ tiêu đó nộp trong biểu mẫu của mình.",
                          f"Cell {column}{row}: “{ind.id}” is {whose_en}, not part of {mine.name.en if mine else agency}'s form. "
                          "Clear this cell; that target is reported on its own agency's form.", sheet, row, column)
        return False

    def form_rows(self, sheet: Sheet, cells: SheetCells, unit: str, period: Period) -> None:
        cols = sheet.columns
        c_code, c_value = cols["code"], cols["value"]
        c_sector, c_note, c_source = cols.get("sector"), cols.get("note"), cols.get("source")
        c_scope = cols.get("scope")
        # Forms made before value statuses have no such column: their figures are official.
        c_status = cols.get("value_status")
        code_letter, value_letter = sheet.letter("code"), sheet.letter("value")
        sector_letter = sheet.letter("sector") if c_sector is not None else code_letter
        previous = self.previous_for(unit, period.code)
        seen: dict[tuple[str, str], int] = {}
        out = self.parsed.observations
        width = max(cols.values()) + 1
        for r in range(sheet.header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]
            if len(row) < width:
                row = row + [""] * (width - len(row))
            cell = row[c_value]
            filled = not _blank(cell) or (r, c_value) in cells.errors or (r, c_value) in cells.formulas
            if not filled:
                continue
            code = text(row[c_code])
            if self.unseen(sheet, cells, r, c_value, (f"chỉ tiêu “{code}”", f"indicator “{code}”")):
                continue
            if not code:
                self.issues.error("unknown_indicator", "Dòng có giá trị nhưng không có mã chỉ tiêu. Điền giá trị vào đúng dòng của chỉ tiêu.",
                                  "A value with no indicator code. Put the value on the indicator's own row.", sheet.name, r + 1, code_letter)
                continue
            ind = self.check_indicator(code, unit, sheet.name, r + 1, code_letter, milestone=False, period=period)
            if ind is None or not self.check_agency(ind, sheet.name, r + 1, column_letter(c_value)):
                continue
            sector = text(row[c_sector]) if c_sector is not None else ""
            if not self.sector_ok(ind, sector, sheet.name, r + 1, sector_letter):
                continue
            key = (code, sector)
            if key in seen:
                self.duplicate(code, sector, seen[key], sheet.name, r + 1, code_letter)
                continue
            seen[key] = r + 1
            value = cell_value(cell, r, c_value, ind, cells, self.issues, sheet.name, value_letter)
            if value is None:
                continue
            note = check_text(row[c_note], "Ghi chú", "Note", self.issues, sheet.name, r + 1, sheet.letter("note")) if c_note is not None else ""
            source = check_text(row[c_source], "Nguồn số liệu", "Data source", self.issues, sheet.name, r + 1,
                                sheet.letter("source")) if c_source is not None else ""
            if note is None or source is None:
                continue
            territory = self.territory(ind, unit, row[c_scope], sheet.name, r + 1, sheet.letter("scope")) \
                if c_scope is not None else "target"
            if territory is None:
                continue
            value_status = read_value_status(row[c_status], self.issues, sheet.name, r + 1, sheet.letter("value_status")) \
                if c_status is not None else "official"
            if value_status is None:
                continue
            if not sector and code in previous:
                jump_warning(ind, value, float(previous[code]), self.issues, sheet.name, r + 1, value_letter)
            if territory == "target":
                target_warning(ind, value, self.issues, sheet.name, r + 1, value_letter)
            out.append(Observation(code, unit, period.code, value, sector, note, source, territory, value_status))

    def territory(self, ind: Indicator, unit: str, raw, sheet: str, row: int, letter: str) -> str | None:
        """'target' or 'whole' from the "Phạm vi số liệu" cell (blank: the target's area); None after an error."""
        shown = text(raw)
        if not shown:
            return "target"
        scope = _SCOPE_BY_LABEL.get(normalise(shown))
        if scope is None:
            self.issues.error("bad_scope", f"Phạm vi “{shown[:60]}” không hợp lệ. Chọn trong danh sách: {_SCOPE_HINT}; để trống "
                              "nghĩa là số liệu của địa bàn ghi ở tên chỉ tiêu.",
                              f"Area “{shown[:60]}” is not valid. Pick one from the list: {_SCOPE_HINT}; blank means the area "
                              "named with the target.", sheet, row, letter)
            return None
        # For a target whose area has not changed, the unit's whole area is the target's area.
        return scope if scope == "target" or self.cat.covers_old_territory(ind, unit) else "target"

    def sector_ok(self, ind: Indicator, sector: str, sheet: str, row: int, letter: str) -> bool:
        ids = [s.id for s in ind.sectors]
        if (sector in ids) if ids else not sector:
            return True
        if ids:
            vi = f"Lĩnh vực “{sector}” không thuộc chỉ tiêu “{ind.id}”. Dùng một trong: {', '.join(ids)}." if sector else \
                f"Chỉ tiêu “{ind.id}” báo cáo theo từng lĩnh vực; ghi mã lĩnh vực ({', '.join(ids)})."
            en = f"Sector “{sector}” is not one of “{ind.id}”'s: use one of {', '.join(ids)}." if sector else \
                f"“{ind.id}” is reported per sector; give the sector code ({', '.join(ids)})."
        else:
            vi = f"Chỉ tiêu “{ind.id}” không chia theo lĩnh vực; để trống cột “Lĩnh vực”."
            en = f"“{ind.id}” has no sectors; leave the “Lĩnh vực” (sector) column blank."
        self.issues.error("unknown_sector", vi, en, sheet, row, letter)
        return False

    def duplicate(self, code: str, sector: str, first_row: int, sheet: str, row: int, letter: str) -> None:
        what = f"“{code}”" + (f" (lĩnh vực {sector})" if sector else "")
        self.issues.error("duplicate_indicator", f"Chỉ tiêu {what} đã có ở dòng {first_row}. Mỗi chỉ tiêu chỉ điền một lần; xóa một trong hai dòng.",
                          f"Indicator {what} already appears on row {first_row}. Give each indicator once; delete one of the rows.",
                          sheet, row, letter)

    def milestone_rows(self, sheet: Sheet, unit: str | None, period: Period | None, bulk: bool) -> None:
        name, rows, cols, header = sheet.name, sheet.rows, sheet.columns, sheet.header_row
        if "status" not in cols:
            vi, en = COLUMN_LABELS["status"]
            self.issues.error("missing_header_column", f"Thiếu cột “{vi}” ở trang “{name}”. Hãy dùng biểu mẫu mới tải về.",
                              f"The “{vi}” ({en}) column is missing on sheet “{name}”. Use a freshly downloaded form.", name, header + 1)
            return
        per_row = bulk and "unit" in cols and "period" in cols
        if bulk and not per_row:
            return
        cells = self.cells(sheet)
        if cells is None or self.merged_over(sheet, cells, ("code", "status", "completed_on")):
            return
        letter = {k: sheet.letter(k) for k in cols}
        seen: dict[tuple, int] = {}
        fill = [cols[k] for k in ("status", "completed_on", "evidence") if k in cols]
        width = max(cols.values()) + 1
        for r in range(header + 1, len(rows)):
            row = rows[r]
            if len(row) < width:
                row = row + [""] * (width - len(row))
            if all(_blank(row[c]) and (r, c) not in cells.errors for c in fill):
                continue
            for c in fill:
                if (r, c) in cells.errors:
                    self.issues.error("error_cell", f"Ô báo lỗi {cells.errors[(r, c)]}. Sửa công thức hoặc nhập thẳng nội dung.",
                                      f"The cell shows the error {cells.errors[(r, c)]}. Fix the formula or type the content.",
                                      name, r + 1, column_letter(c))
            if any((r, c) in cells.errors for c in fill):
                continue
            code = text(row[cols["code"]])
            if any(self.unseen(sheet, cells, r, c, (f"nhiệm vụ “{code}”", f"task “{code}”"))
                   for c in fill if not _blank(row[c])):
                continue
            if not code:
                self.issues.error("unknown_indicator", "Dòng có trạng thái nhưng không có mã nhiệm vụ.", "A status with no task code.",
                                  name, r + 1, letter["code"])
                continue
            row_unit, row_period = unit, period
            if per_row:
                row_period = self.check_period(text(row[cols["period"]]), name, r + 1, letter["period"])
                row_unit = text(row[cols["unit"]])
                if row_period is None or not self.check_unit(row_unit, row_period, name, r + 1, letter["unit"]):
                    continue
            ind = self.check_indicator(code, row_unit, name, r + 1, letter["code"], milestone=True)
            if ind is None or (not bulk and not self.check_agency(ind, name, r + 1, column_letter(cols["status"]))):
                continue
            key = (code, row_unit, row_period.code)
            if key in seen:
                self.duplicate(code, "", seen[key], name, r + 1, letter["code"])
                continue
            seen[key] = r + 1
            status_text = text(row[cols["status"]])
            status = _STATUS_BY_LABEL.get(normalise(status_text))
            if status is None:
                if status_text:
                    vi = f"Trạng thái “{status_text[:60]}” không hợp lệ. Chọn trong danh sách: {_STATUS_HINT}."
                    en = f"Status “{status_text[:60]}” is not valid. Pick one from the list: {_STATUS_HINT}."
                else:
                    vi = f"Chưa chọn trạng thái. Chọn trong danh sách: {_STATUS_HINT}."
                    en = f"No status chosen. Pick one from the list: {_STATUS_HINT}."
                self.issues.error("bad_status", vi, en, name, r + 1, letter["status"])
                continue
            completed = None
            if "completed_on" in cols:
                completed = _date(row[cols["completed_on"]])
                date_letter = letter["completed_on"]
                if completed == "bad":
                    shown = text(row[cols["completed_on"]])[:60]
                    self.issues.error("bad_date", f"“{shown}” không phải là ngày. Nhập ngày dạng ngày/tháng/năm, ví dụ 15/08/2026.",
                                      f"“{shown}” is not a date. Enter it as day/month/year, e.g. 15/08/2026.",
                                      name, r + 1, date_letter)
                    continue
                if completed and completed > self.today:
                    self.issues.error("bad_date", f"Ngày hoàn thành {completed:%d/%m/%Y} ở tương lai. Chỉ ghi ngày đã hoàn thành.",
                                      f"Completion date {completed} is in the future. Give the day it was actually done.",
                                      name, r + 1, date_letter)
                    continue
                if completed and status != "done":
                    self.issues.warning("date_ignored", f"Có ngày hoàn thành nhưng trạng thái là “{status_text}”; ngày này không được lưu. "
                                        "Nếu đã xong, chọn “Hoàn thành”.",
                                        f"A completion date with status “{status_text}” is not stored. If the task is done, pick “Hoàn thành”.",
                                        name, r + 1, date_letter)
                    completed = None
            if status == "done" and not completed:
                self.issues.error("bad_date", "Nhiệm vụ “Hoàn thành” cần ngày hoàn thành. Nhập ngày dạng ngày/tháng/năm, ví dụ 15/08/2026.",
                                  "A task marked done needs its completion date (day/month/year, e.g. 15/08/2026).",
                                  name, r + 1, letter.get("completed_on", letter["status"]))
                continue
            evidence = check_text(row[cols["evidence"]], "Minh chứng", "Evidence", self.issues, name, r + 1,
                                  letter["evidence"]) if "evidence" in cols else ""
            if evidence is None:
                continue
            self.parsed.milestones.append(MilestoneUpdate(code, row_unit, row_period.code, status, completed, evidence))
