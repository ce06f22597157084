"""A programme's text → proposed catalogue entries (numeric targets, directions, tasks).

Rule-based and offline: the documents implementing Resolution 45-NQ/TW are written in one
administrative style (numbered sections "II. MỤC TIÊU", bullets "- ", deadlines in brackets
"(hoàn thành trong quý III/2024)"), so wording rules find their targets without a model. Every
proposal carries the verbatim span it was read from (whitespace folded, as indicators.yaml's
quotes are), the section and the line, so an admin can check it against the document before
anything is saved. Nothing here writes the catalogue: tracker.catalogue.programmes does, after review.

Readers: .txt, .docx (python-docx), .pdf with a text layer (pdfplumber), .doc through LibreOffice
and scanned PDFs through tesseract when those are installed. Problems are values
(:class:`ProposeIssue`, a code and a vi/en message), never exceptions.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tracker.catalogue.propose.model import Proposal, ProposeIssue, ProposeResult, _issue, normalise, quote_in_text
from tracker.catalogue.propose.reading import MAX_BYTES, TEXT_SUFFIXES, legacy_encoding, libreoffice_writer, read_programme
from tracker.catalogue.propose.sections import RESOLUTION_NAMES, Section, check_text, joined, names_resolution, pieces, sections_of
from tracker.catalogue.propose.targets import _FROM_YEAR, _YEAR_NEAR, _numeric, table_targets
from tracker.catalogue.propose.tasks import (_ACTION, _AGENCY, _DIRECTION, _YEARLY, _due_of, _short_task_quote, _task_score, agency_of,
                                   task_name)

_GOAL_CUE = re.compile(r"mục tiêu|xác định|yêu cầu|phấn đấu|chỉ tiêu|định hướng", re.I)
_DIRECTION_START = re.compile(r"^(?:(?:Tiếp tục|Từng bước|Đổi mới,?|Phải|Cần)\s+)*(?:tăng cường|tăng|nâng cao|nâng|giảm|cải thiện|mở rộng)\b", re.I)
_DIRECTION_SPLIT = re.compile(r",\s+(?=(?:(?:từng bước|tiếp tục|đồng thời)\s+)*(?:tăng cường|tăng|nâng cao|giảm|cải thiện|mở rộng)\b)", re.I)


def _directions(clause: str, section: Section, line: int) -> list[Proposal]:
    """Directional goals of a clause, one per verb of change ("nâng cao …, tăng cường …"), each quoted
    from its verb to the next one."""
    if section.kind == "situation" or not _DIRECTION.search(clause):
        return []
    if section.kind == "other" and not (_DIRECTION_START.match(clause) or _GOAL_CUE.search(clause)):
        return []
    out = []
    year = section.horizon or 2030
    parts = _DIRECTION_SPLIT.split(clause)
    for part in parts:
        dm = _DIRECTION.search(part)
        if not dm:
            continue
        start = dm.start(1)
        lead = re.search(r"(?:(?:từng bước|tiếp tục|đổi mới,?)\s+)+$", part[:start], re.I)
        quote = part[lead.start() if lead else start:].strip(" ,;.") if len(parts) > 1 or not _DIRECTION_START.match(part) else part.strip(" ,;.")
        if len(quote.split()) < 3:
            continue
        name = quote[:1].upper() + quote[1:]
        out.append(Proposal("direction", name, quote, section.label, line, year=year, horizon=2045 if year >= 2045 else 2030,
                            direction="decrease" if dm.group(1).lower() == "giảm" else "increase", confidence=0.6))
    return out


def propose_text(text: str, unit: str | None = None) -> ProposeResult:
    """Proposals for a programme's text (already read); issues when the text is not one, or when
    nothing could be proposed (with the reason)."""
    text = unicodedata.normalize("NFC", text)
    problem = check_text(text)
    if problem:
        return ProposeResult(issues=[problem], text=text)
    proposals: list[Proposal] = []
    sections = sections_of(text)
    for section in sections:
        if section.kind == "situation":
            continue
        agency_here = None
        if section.kind == "organisation":
            am = _AGENCY.match(normalise(section.title))
            agency_here = am.group(1).strip(" ,") if am else (normalise(section.title).rstrip(":") if len(section.title) < 90 and not _ACTION.search(section.title.split(" ", 3)[-1]) else None)
        body = joined(section)
        proposals.extend(table_targets([(n, row) for n, _, row in body.table_rows], section))
        for sentence, clause, _offset, line in pieces(section, body):
            numbers = _numeric(sentence, clause, section, line) if section.kind != "organisation" else []
            # In the tasks sections a number is a target only when the clause sets it for a year.
            if section.kind in ("tasks",):
                numbers = [p for p in numbers if _YEAR_NEAR.search(clause) or _FROM_YEAR.search(sentence)]
            proposals.extend(numbers)
            if numbers:
                continue
            score = _task_score(clause, section)
            threshold = 0.3 if section.kind == "organisation" else 0.6
            # In a tasks section "Tăng cường tuyên truyền …" is an activity, not a goal.
            if section.kind in ("goals", "vision", "other") and score < threshold:
                found = _directions(clause, section, line)
                if found:
                    proposals.extend(found)
                    continue
            if section.kind == "vision" or score < threshold:
                continue
            due = _due_of(clause, section)
            agency = agency_of(clause) or agency_here
            year = int(due["due"][:4]) if due.get("due") else None
            proposals.append(Proposal("milestone", task_name(clause, agency_of(clause)), _short_task_quote(clause), section.label,
                                      line, year=year, due=due.get("due"), due_text=due.get("due_text"),
                                      recurring=bool(due.get("recurring")), start=due.get("start"),
                                      per_year=bool(_YEARLY.search(clause)), agency=agency,
                                      horizon=2030, confidence=round(0.4 + 0.5 * score, 2)))
    proposals = _dedupe(proposals)
    if not proposals:
        return ProposeResult(issues=[_nothing_found(sections)], text=text)
    return ProposeResult(proposals=proposals, text=text)


def _nothing_found(sections: list[Section]) -> ProposeIssue:
    """Why a programme gave no proposal: never a silent zero."""
    goals = [s for s in sections if s.kind in ("goals", "vision")]
    numbers = any(re.search(r"\d+\s*(?:%|người|tiến sĩ)", line) for s in sections for _, line in s.lines)
    if not goals and not numbers:
        why_vi = ("không thấy phần mục tiêu, chỉ tiêu nào và không có con số nào kèm đơn vị và năm, "
                  "cũng không có câu nhiệm vụ có thời hạn")
        why_en = "no goals section, no number with a unit and a year, and no task with a deadline was found"
    elif not goals:
        why_vi = "không thấy phần mục tiêu, chỉ tiêu; các con số trong văn bản là số liệu tình hình, ngày tháng hoặc số hiệu văn bản"
        why_en = "no goals section was found; the numbers in the text are situation figures, dates or document numbers"
    else:
        why_vi = "có phần mục tiêu nhưng không có câu nào nêu con số kèm đơn vị và năm, định hướng hay nhiệm vụ có thời hạn"
        why_en = "a goals section was found but no sentence in it sets a number with a unit and a year, a direction or a dated task"
    return _issue("no_proposals",
                  f"Không đề xuất được chỉ tiêu nào: {why_vi}. Có thể thêm từng dòng bằng cách chọn câu trong văn bản.",
                  f"Nothing could be proposed: {why_en}. Rows can be added by picking their sentence in the text.")


_RESTATED_OVERLAP = 0.5


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", normalise(text).lower()))


def _dedupe(proposals: list[Proposal]) -> list[Proposal]:
    """Each target once: the same quote twice is dropped, and a numeric target restated elsewhere
    (same value, comparator, year and unit, mostly the same words) keeps the first place and cites the
    other in ``also``."""
    seen, out = set(), []
    for p in proposals:
        key = (p.kind, normalise(p.quote), p.value, p.comparator, p.year)
        if key in seen:
            continue
        seen.add(key)
        if p.kind == "numeric":
            twin = next((q for q in out if q.kind == "numeric" and q.value == p.value and q.comparator == p.comparator
                         and q.year == p.year and q.unit == p.unit and _similar(q.quote, p.quote)), None)
            if twin:
                twin.also.append({"line": p.line, "section": p.section, "quote": p.quote})
                continue
        out.append(p)
    return out


def _similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= _RESTATED_OVERLAP


def propose_file(name: str, data: bytes, unit: str | None = None) -> ProposeResult:
    """Read an uploaded programme and propose its entries; every problem comes back as an issue."""
    text, problem = read_programme(name, data)
    if problem:
        return ProposeResult(issues=[problem])
    return propose_text(text, unit)


def result_json(result: ProposeResult) -> dict:
    """The JSON the CLI prints (issue 15's shape) with the issues, if any."""
    keys = ("kind", "measure", "name", "quote", "value", "comparator", "unit", "per_population", "year", "from_year",
            "horizon", "due", "recurring", "per_year", "average", "sector", "agency", "section", "line", "confidence")
    out = {"proposals": [{k: getattr(p, k) for k in keys} | {"due_text": p.due_text, "start": p.start, "direction": p.direction,
                                                                 "also": p.also}
                         for p in result.proposals]}
    if result.issues:
        out["issues"] = [{"code": i.code, "message_vi": i.message_vi, "message_en": i.message_en} for i in result.issues]
    return out


def run_cli(args) -> int:
    """`python -m tracker propose FILE [--unit SLUG] [--json]`: 0 proposals printed, 1 refused, 2 usage."""
    import json
    import sys

    path = Path(args.file)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            data = b"\0" * (MAX_BYTES + 1)   # refused by size without reading a huge file
        else:
            data = path.read_bytes()
    except FileNotFoundError:
        print(f"Không tìm thấy tệp {path} / file not found", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Không đọc được tệp {path}: {exc.strerror} / cannot read the file", file=sys.stderr)
        return 1
    result = propose_file(path.name, data, args.unit)
    if size > MAX_BYTES:
        result = ProposeResult(issues=[_issue("too_large",
                                              f"Tệp quá lớn ({size / 1024 / 1024:.0f} MB; tối đa {MAX_BYTES // 1024 // 1024} MB). "
                                              "Một chương trình thường chỉ vài trăm KB: hãy lưu lại văn bản dưới dạng .docx hoặc .txt.",
                                              f"The file is too large ({size / 1024 / 1024:.0f} MB; at most {MAX_BYTES // 1024 // 1024} MB).")])
    if args.json:
        print(json.dumps(result_json(result), ensure_ascii=False, indent=2))
        return 1 if result.issues else 0
    if result.issues:
        for issue in result.issues:
            print(f"Từ chối / refused [{issue.code}]: {issue.message_vi}\n  {issue.message_en}", file=sys.stderr)
        return 1
    kinds = {"numeric": "Chỉ tiêu số", "direction": "Định hướng", "milestone": "Nhiệm vụ"}
    for p in result.proposals:
        what = kinds[p.kind]
        if p.kind == "numeric":
            what += f" {p.comparator} {p.value:g} {p.unit_text or ''} ({p.measure}, năm {p.year}{', tầm nhìn 2045' if p.horizon == 2045 else ''})"
        elif p.kind == "milestone":
            what += f" ({p.due_text or 'không ghi thời hạn'}{', ' + p.agency if p.agency else ''})"
        print(f"[{p.section} dòng {p.line}] {what}\n    “{p.quote}”")
    print(f"\n{len(result.proposals)} đề xuất; chưa có gì được lưu — duyệt và lưu ở trang «Thêm chương trình».")
    return 0
