"""Errors as values: a validation report is a list of issues, each with a code and a place.

In the spirit of frictionless-py's reports: nothing here raises; readers collect issues and
the caller decides (an upload with any error is refused whole).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message_vi: str
    message_en: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def place(self, lang: str = "vi") -> str:
        parts = []
        if self.sheet:
            parts.append(f"{'sheet' if lang == 'en' else 'trang tính'} '{self.sheet}'")
        if self.row:
            parts.append(f"{'row' if lang == 'en' else 'dòng'} {self.row}")
        if self.column:
            parts.append(f"{'column' if lang == 'en' else 'cột'} {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        place = self.place()
        return f"[{self.severity} {self.code}] {place + ': ' if place else ''}{self.message_vi}"


@dataclass
class ValidationReport:
    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def error(self, code: str, vi: str, en: str, sheet=None, row=None, column=None) -> None:
        self.add(Issue(code, "error", vi, en, sheet, row, column))

    def warning(self, code: str, vi: str, en: str, sheet=None, row=None, column=None) -> None:
        self.add(Issue(code, "warning", vi, en, sheet, row, column))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"errors": len(self.errors), "warnings": len(self.warnings)}

    def sorted(self) -> list[Issue]:
        """Errors first, then by sheet and row, as a reader fixes them."""
        return sorted(self.issues, key=lambda i: (i.severity != "error", i.sheet or "", i.row or 0))

    def to_json(self) -> str:
        return json.dumps({"counts": self.counts(), "issues": [asdict(i) for i in self.issues]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ValidationReport":
        data = json.loads(text or "{}")
        return cls([Issue(**i) for i in data.get("issues", [])])

    def render(self, lang: str = "vi") -> str:
        if not self.issues:
            return "Không có lỗi." if lang != "en" else "No problems found."
        lines = []
        for i in self.sorted():
            sev = {"error": "LỖI", "warning": "CẢNH BÁO"}[i.severity] if lang != "en" else i.severity.upper()
            place = i.place(lang)
            lines.append(f"{sev} [{i.code}] {place + ': ' if place else ''}{i.message(lang)}")
        return "\n".join(lines)
