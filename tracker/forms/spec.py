"""The contract between the form and its reader: sheet names, column markers and labels, form versions.

tracker/forms/workbook.py writes forms with these; tracker/ingest/ finds sheets and columns by them (by
the marker row in version 2, by the exact header labels in version 1 forms and bulk files). Both import
them from here, so the reader does not depend on the writer.
"""

from __future__ import annotations

FORM_VERSION = "2"
# Forms still read: version 1 (no marker row) by its exact header labels.
ACCEPTED_FORM_VERSIONS = ("1", "2")
MARKER_PREFIX = "nq45:"
FORM_KIND = "nq45"
BULK_KIND = "bulk"

SHEET_INSTRUCTIONS = "Hướng dẫn"
SHEET_DATA = "Số liệu"
SHEET_MILESTONES = "Nhiệm vụ"
SHEET_META = "_meta"

# field -> (Vietnamese label, English label). The reader accepts either, in any column order.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "code": ("Mã chỉ tiêu", "Indicator code"),
    "sector": ("Lĩnh vực", "Sector"),
    "unit": ("Đơn vị", "Reporting unit"),
    "period": ("Kỳ báo cáo", "Period"),
    "name": ("Tên chỉ tiêu", "Indicator"),
    "measure": ("Đơn vị tính", "Unit of measure"),
    "target": ("Mục tiêu 2030", "2030 target"),
    "previous": ("Kỳ trước", "Previous period"),
    "value": ("Giá trị", "Value"),
    "scope": ("Phạm vi số liệu", "Area the figure covers"),
    "note": ("Ghi chú", "Note"),
    "source": ("Nguồn số liệu", "Data source"),
    "task": ("Tên nhiệm vụ", "Task"),
    "agency": ("Cơ quan chủ trì", "Responsible body"),
    "due": ("Thời hạn", "Deadline"),
    "status": ("Trạng thái", "Status"),
    "completed_on": ("Ngày hoàn thành", "Completion date"),
    "evidence": ("Minh chứng", "Evidence"),
    "value_status": ("Loại số liệu", "Kind of figure"),
}
DATA_COLUMNS = ("code", "sector", "name", "measure", "target", "previous", "value", "value_status", "scope", "note",
                "source")
BULK_COLUMNS = ("code", "sector", "unit", "period", "value", "note", "source")  # "Loại số liệu" may be added
MILESTONE_COLUMNS = ("code", "task", "agency", "due", "status", "completed_on", "evidence")
FILL_COLUMNS = {"value", "value_status", "note", "source", "status", "completed_on", "evidence"}
# value status code -> (label in the Vietnamese form, label in the English form)
VALUE_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "estimate": ("Ước tính", "Estimate"),
    "preliminary": ("Sơ bộ", "Preliminary"),
    "official": ("Chính thức", "Official"),
}

# A target set for an area that has since changed (Bắc Giang's, reported by Bắc Ninh) asks for the figure of
# that area; where the office cannot separate it, it says so and gives the whole unit's figure, which is
# stored as such and never compared with the old area's target.
SCOPE_LABELS: dict[str, tuple[str, str]] = {
    "target": ("Địa bàn của chỉ tiêu", "The target's area"),
    "whole": ("Không tách được số liệu địa bàn cũ (số của cả đơn vị)", "Old area not separable (whole unit's figure)"),
}

# status code -> (label in the Vietnamese form, label in the English form)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "not_started": ("Chưa thực hiện", "Not started"),
    "in_progress": ("Đang thực hiện", "In progress"),
    "done": ("Hoàn thành", "Done"),
}

# Labels in the instructions sheet's first column whose neighbour carries the metadata.
INSTRUCTION_KEYS: dict[str, tuple[str, str]] = {
    "unit": ("Mã đơn vị", "Unit code"),
    "period": ("Mã kỳ báo cáo", "Period code"),
    "form_version": ("Phiên bản biểu mẫu", "Form version"),
    # Only on an agency's form (issue 21): the department whose targets the form holds.
    "agency": ("Mã cơ quan", "Agency code"),
}
