"""Read an uploaded form into observations and milestone updates, with a report of what is wrong.

The rule: a value is stored only if it equals what a person reading the value column of that row, in Excel
or LibreOffice, sees; otherwise the file is refused with a message naming sheet, row, column and indicator,
or the value is accepted with a warning the clerk confirms. ``read_form`` never raises and never writes:
every problem becomes an :class:`~tracker.core.report.Issue` with a stable code, a place and a Vietnamese and
English message that says how to fix it. An upload with any error is refused whole by the caller.

The package, one job a module, cheap and dangerous checks first:

- ``container``: what the bytes are, bombs, macros, encryption — before any spreadsheet parser sees them;
- ``cells``: what a person sees that values alone do not say (percent and misleading formats, dates, error
  cells, formulas never calculated, merged ranges), per format (.xlsx, .ods, .xls);
- ``layout``: the form's metadata, its sheets and columns, found by the form's own markers, never guessed;
- ``form`` and ``bulk``: the two readers (a unit's form for one period; many units and periods);
- ``values``: from a cell to a number, its physical limits and plausibility warnings, the kind of figure;
- ``numbers``: Vietnamese number text ("90.000", "0,5");
- ``issues``: the codes and a report capped at 200 issues a code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable

from tracker.core import collector
from tracker.catalogue import Catalogue
from tracker.ingest.container import MAX_UNCOMPRESSED, check_container
from tracker.ingest.form import Previous, Reader
from tracker.ingest.issues import ERROR_CODES, MAX_ISSUES_PER_CODE, WARNING_CODES, CappedIssues
from tracker.ingest.layout import column_letter, normalise
from tracker.ingest.numbers import parse_number
from tracker.core.observation import ParsedForm

__all__ = ["ERROR_CODES", "WARNING_CODES", "MAX_ISSUES_PER_CODE", "column_letter", "normalise", "parse_number",
           "read_form"]


def read_form(content: bytes, file_name: str, catalogue: Catalogue, *, today: dt.date | None = None,
              previous: Previous = None, expected_units: set[str] | None = None,
              max_bytes: int = 10_000_000, max_uncompressed: int = MAX_UNCOMPRESSED,
              progress: Callable[[float, str], None] | None = None, calendar=None,
              expected_agency: str | None = None) -> ParsedForm:
    """Read and check an uploaded form. Never raises; look at ``result.report`` (and ``result.ok``).

    ``progress(fraction, stage)`` is called as the reading goes on (stages: open, cells, rows, check), for
    a progress bar on slow (bulk) files. ``calendar`` (tracker.core.calendar.Calendar) says from when a
    period may be reported; without it a period must have ended. ``expected_agency``: the agency an
    uploader is scoped to (issue 21); then only that agency's form is taken.
    """
    content = bytes(content or b"")
    parsed = ParsedForm(file_name=file_name, sha256=hashlib.sha256(content).hexdigest())
    issues = CappedIssues(parsed.report)
    report_progress = progress or (lambda fraction, stage: None)
    # A big form makes millions of small objects at once and no cycles: the collector pauses while we read.
    try:
        if today is None:
            from tracker.core.periods import today as today_

            today = today_()
        report_progress(0.0, "container")
        kind = check_container(content, file_name or "", issues, max_bytes, max_uncompressed)
        if kind is not None:
            with collector.paused():
                Reader(parsed, content, kind, catalogue, today, previous, expected_units, issues, report_progress,
                       calendar, expected_agency=expected_agency).read()
    except Exception as exc:  # noqa: BLE001 — a reader that raises would take the upload page down with it
        _unreadable(parsed, exc)
        return parsed
    issues.finish()
    report_progress(1.0, "done")
    if not parsed.report.ok:
        # Nothing from a refused file may be stored, so nothing is handed on.
        parsed.observations, parsed.milestones = [], []
    return parsed


def _unreadable(parsed: ParsedForm, exc: Exception) -> None:
    import logging

    logging.getLogger(__name__).exception("reading %s failed", parsed.file_name)
    name = type(exc).__name__
    parsed.observations, parsed.milestones = [], []
    if name == "PasswordError":
        parsed.report.error("encrypted", "Tệp có mật khẩu nên không đọc được. Hãy bỏ mật khẩu, lưu lại rồi nộp.",
                            "The file has a password. Remove the password, save and upload again.")
    elif name in ("CalamineError", "ZipError", "XmlError", "BadZipFile"):
        parsed.report.error("corrupt_file", f"Tệp bị hỏng, không đọc được ({name}). Hãy mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi nộp.",
                            f"The file is damaged and cannot be read ({name}: {exc}). Open it in Excel, save as .xlsx and upload again.")
    else:
        parsed.report.error("unreadable", f"Không đọc được tệp ({name}). Hãy lưu lại biểu mẫu dưới dạng .xlsx rồi nộp; nếu vẫn lỗi, "
                            "gửi tệp cho quản trị viên.",
                            f"The file could not be read ({name}: {exc}). Save the form as .xlsx and upload again; if it still "
                            "fails, send the file to an admin.")
