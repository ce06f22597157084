"""Errors as values: a validation report is a list of issues, each with a code and a place.

In the spirit of frictionless-py's reports: nothing here raises; readers collect issues and
the caller decides (an upload with any error is refused whole).
"""

from __future__ import annotations

import json
import re
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


# An indicator id as messages write it ("khanh-hoa.international-papers").
_INDICATOR_ID = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*\b")


@dataclass(frozen=True)
class Sentence:
    """One issue as staff read it: a whole sentence that starts with where to look; the code in small print."""
    severity: Severity
    text: str
    code: str


def cell_words(issue: Issue, lang: str = "vi") -> str:
    """'Trang “Số liệu”, ô G6 (cột Giá trị)' — the place of an issue in the words of a spreadsheet user."""
    en = lang == "en"
    letter, _, rest = (issue.column or "").partition(" ")
    label = rest.strip("()")
    if not letter.isalpha():
        letter, label = "", issue.column or ""
    parts = [f"{'Sheet' if en else 'Trang'} “{issue.sheet}”"] if issue.sheet else []
    if issue.row and letter:
        column = (f" ({label} column)" if en else f" (cột {label})") if label else ""
        parts.append(f"{'cell' if en else 'ô'} {letter}{issue.row}{column}")
    elif issue.row:
        parts.append(f"{'row' if en else 'dòng'} {issue.row}")
    elif issue.column:
        parts.append(f"{'column' if en else 'cột'} {issue.column}")
    return ", ".join(parts)


def sentences(report: ValidationReport, lang: str = "vi", name_of=None) -> list[Sentence]:
    """The report as full sentences, errors first: the place, then the message with indicator ids replaced
    by their names (``name_of(id) -> name | None``)."""
    out = []
    for issue in report.sorted():
        text = issue.message(lang)
        if name_of is not None:
            text = _INDICATOR_ID.sub(lambda m: name_of(m.group(0)) or m.group(0), text)
        place = cell_words(issue, lang)
        if place and text[1:2].islower():    # "Giá trị …" continues the sentence: "…, ô G6: giá trị …"
            text = text[0].lower() + text[1:]
        out.append(Sentence(issue.severity, f"{place}: {text}" if place else text, issue.code))
    return out
