"""The codes an upload can be refused or warned with, and a report that lists at most 200 of each."""

from __future__ import annotations

from tracker.core.i18n import fmt_number
from tracker.core.report import ValidationReport

ERROR_CODES = (
    "not_workbook", "empty_file", "corrupt_file", "encrypted", "macro_enabled", "too_large", "zip_bomb",
    "unreadable", "check_failed", "not_our_form", "old_form", "ambiguous_sheet", "ambiguous_column",
    "missing_header_column", "wrong_unit", "bad_period", "period_mismatch", "wrong_frequency", "period_not_ended",
    "unknown_indicator", "retired_indicator", "indicator_not_for_unit", "unknown_sector", "duplicate_indicator", "not_a_number",
    "error_cell", "merged_cell", "misleading_format", "unseen_value", "negative_value", "over_100_percent", "out_of_range",
    "text_too_long", "bad_scope", "bad_value_status", "bad_status", "bad_date", "empty_form",
    # an agency's form (issue 21)
    "agency_mismatch", "unknown_agency", "wrong_agency", "indicator_not_for_agency",
)
WARNING_CODES = ("implausible_jump", "implausible_value", "date_ignored", "too_many_issues")

MAX_ISSUES_PER_CODE = 200


class CappedIssues:
    """A report that lists at most MAX_ISSUES_PER_CODE issues of one code, then counts the rest."""

    def __init__(self, report: ValidationReport):
        self.report = report
        self.counts: dict[str, int] = {}
        self.errors = 0

    def add(self, severity: str, code: str, vi: str, en: str, sheet=None, row=None, column=None) -> None:
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        if severity == "error":
            self.errors += 1
        if n <= MAX_ISSUES_PER_CODE:
            (self.report.error if severity == "error" else self.report.warning)(code, vi, en, sheet, row, column)

    def error(self, code, vi, en, sheet=None, row=None, column=None) -> None:
        self.add("error", code, vi, en, sheet, row, column)

    def warning(self, code, vi, en, sheet=None, row=None, column=None) -> None:
        self.add("warning", code, vi, en, sheet, row, column)

    def finish(self) -> None:
        for code, n in self.counts.items():
            if n > MAX_ISSUES_PER_CODE:
                more = n - MAX_ISSUES_PER_CODE
                self.report.warning("too_many_issues",
                                    f"Còn {fmt_number(more)} lỗi/cảnh báo “{code}” nữa không liệt kê; sửa các dòng trên rồi nộp lại để xem tiếp.",
                                    f"{more} more “{code}” issues not listed; fix the rows above and upload again to see the rest.")
