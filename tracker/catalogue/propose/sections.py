"""Is this a programme of Resolution 45, and its text cut into sections, paragraphs, sentences, clauses.

Programmes are not all written with numbered "II. MỤC TIÊU" headings: press summaries, lead
paragraphs, ministry decisions ("Điều 1.") and commune plans put their targets anywhere. So a text is
cut at whatever headings it has (Roman, "Điều", Arabic, lettered), each section gets a kind from its
title (goals, vision, tasks, organisation, situation, other), and a text without headings is one
section of kind "other", where a sentence is a target only when its own wording sets one. A heading,
a title line or a metadata line ("Số: …", "Hà Tĩnh, ngày …") ends the paragraph before it, so a
quote never runs across one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from tracker.catalogue.propose.model import ProposeIssue, _issue, normalise
from tracker.catalogue.propose.reading import legacy_encoding

# The resolution by any of its names: its number as offices spell it, its plenum, its title, the
# Politburo's plan that implements it, and the national strategy on intellectuals that follows it.
RESOLUTION_NAMES: list[tuple[str, re.Pattern]] = [
    ("45-NQ/TW (45-NQ/TƯ, 45/NQ-TW)", re.compile(r"\b45\s*[-/]\s*NQ\s*[-/]\s*T(?:W|Ư)\b", re.I)),
    ("Nghị quyết số 45", re.compile(r"Nghị quyết\s+(?:số\s+)?45\b(?![.,]\d)", re.I)),
    ("Hội nghị Trung ương 8 khóa XIII",
     re.compile(r"(?:Hội nghị\s+(?:lần thứ\s+)?(?:8|tám)|Trung ương\s+(?:8|tám))\b[^.]{0,80}?kh(?:óa|oá)\s+XIII", re.I)),
    ("xây dựng và phát huy vai trò của đội ngũ trí thức",
     re.compile(r"xây dựng và phát huy vai trò\s+(?:của\s+)?đội ngũ trí thức", re.I)),
    ("Kế hoạch 20-KH/TW", re.compile(r"\b20\s*-\s*KH\s*/\s*T(?:W|Ư)\b", re.I)),
    ("Chiến lược quốc gia về phát triển đội ngũ trí thức",
     re.compile(r"chiến lược quốc gia\s+(?:về\s+)?phát triển đội ngũ trí thức", re.I)),
]
_OTHER_RESOLUTION = re.compile(r"\b(\d{1,3})\s*-\s*NQ\s*/\s*T(?:W|Ư)\b", re.I)


def names_resolution(text: str) -> str | None:
    """The first of the resolution's names the text uses, or None."""
    for label, pattern in RESOLUTION_NAMES:
        if pattern.search(text):
            return label
    return None


def check_text(text: str) -> ProposeIssue | None:
    """Why ``text`` is not a programme this tool can read, or None."""
    if not text.strip():
        return _issue("empty", "Văn bản trống: không có nội dung nào để đọc.", "The text is empty.")
    legacy = legacy_encoding(text)
    if legacy:
        return _issue("legacy_encoding",
                      f"Văn bản được gõ bằng phông chữ cũ (mã {legacy}, ví dụ .VnTime hoặc VNI-Times), không phải Unicode: "
                      "các dấu sẽ bị đọc sai. Hãy chuyển sang Unicode (Unikey: Công cụ chuyển mã) rồi tải lên lại.",
                      f"The text is in a legacy Vietnamese encoding ({legacy}), not Unicode; convert it (e.g. Unikey's converter) and upload again.")
    words = len(text.split())
    if words < 30:
        return _issue("too_short", "Văn bản quá ngắn để là một chương trình, kế hoạch.", "The text is too short to be a programme.")
    head = normalise(text)
    if names_resolution(head):
        return None
    looked_for = "; ".join(label for label, _ in RESOLUTION_NAMES)
    others = sorted({f"{m.group(1)}-NQ/TW" for m in _OTHER_RESOLUTION.finditer(head)})
    if others:
        return _issue("other_resolution",
                      f"Văn bản thực hiện {', '.join(others)}, không phải Nghị quyết 45-NQ/TW: công cụ này chỉ theo dõi các "
                      f"chương trình thực hiện Nghị quyết 45-NQ/TW. Đã tìm các tên gọi: {looked_for}.",
                      f"The document implements {', '.join(others)}, not Resolution 45-NQ/TW, which is all this tool tracks. "
                      f"Looked for: {looked_for}.")
    return _issue("no_resolution",
                  f"Văn bản không nhắc đến Nghị quyết 45-NQ/TW dưới tên gọi nào: đã tìm {looked_for}. "
                  "Nếu đây là chương trình thực hiện Nghị quyết, hãy kiểm tra văn bản có ghi số hoặc tên Nghị quyết.",
                  f"The text names Resolution 45-NQ/TW in none of its forms (looked for: {looked_for}).")


_NUM_UNIT_HINT = re.compile(r"\d\s*%|\b(?:đạt|trên|ít nhất|tối thiểu)\s+\d")
_RECIPIENTS = re.compile(r"^(?:Nơi nhận|T/M|TM\.|K/T|KT\.)\s*[:.]?", re.I)
_ROMAN = re.compile(r"^\s*([IVX]{1,5})\s*[.\-–]\s*(\S.*)$")
_ARTICLE = re.compile(r"^\s*(Điều\s+\d{1,2})\s*[.:]\s*(\S.*)$")
_ARABIC = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\D.*)$")
_LETTER = re.compile(r"^\s*([a-zđ])\)\s+(.*)$")
# Lines that are no sentence of content: the document's number, place and date, a bare title.
_METADATA = re.compile(r"^(?:Số\s*[:.]?\s*\d|\S[^.]{0,60},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+20\d\d|\(?Tin bài\)?$)", re.I)


# A line ending on one of these words runs on into the next, whatever the next line starts with.
_DANGLING_END = re.compile(r"\b(?:trong|của|và|với|các|về|cho|tại|theo|là|được|những|từ|đến|trên|dưới|có|để|do|bởi)$", re.I)


@dataclass
class Section:
    label: str
    title: str
    kind: str        # situation | goals | vision | tasks | organisation | other
    horizon: int | None
    lines: list[tuple[int, str]] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)    # line numbers that start a new paragraph


def _section_kind(title: str, parent_kind: str | None) -> tuple[str, int | None]:
    low = title.lower()
    year = re.search(r"(20\d\d)", low)
    if "tầm nhìn" in low:
        return "vision", int(year.group(1)) if year else 2045
    if "mục tiêu" in low or re.match(r"^(?:các\s+)?chỉ tiêu", low):
        return "goals", int(year.group(1)) if year else None
    if any(w in low for w in ("tình hình", "thực trạng", "đánh giá", "kết quả thực hiện", "quan điểm")):
        return "situation", None
    if "tổ chức thực hiện" in low or "nhiệm vụ cụ thể" in low or "phân công" in low:
        return "organisation", None
    if "nhiệm vụ" in low or "giải pháp" in low:
        return "tasks", None
    # "Mục đích, yêu cầu" holds targets in some plans: its sentences are judged by their wording.
    return parent_kind or "other", None


def _is_sentence(heading: str) -> bool:
    """Whether a numbered line is a sentence of content rather than a section title."""
    heading = heading.strip()
    return heading.endswith((".", ";")) or len(heading.split()) > 25 or bool(_NUM_UNIT_HINT.search(heading))


def _is_title_line(line: str) -> bool:
    """An upper-case line ("KẾ HOẠCH", "ĐẢNG ỦY XÃ TÂN LẬP") or a metadata line."""
    letters = [c for c in line if c.isalpha()]
    return bool(_METADATA.match(line)) or (len(letters) >= 4 and all(c.isupper() for c in letters))


def sections_of(text: str) -> list[Section]:
    """The document cut at its headings ("II.", "Điều 2.", "2.2.", "a)"), each with its label and kind."""
    top, sub = "", []
    top_kind: str | None = None
    top_horizon: int | None = None
    current = Section("", "", "other", None)
    out = [current]
    blank_before = False
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("*", "").strip()
        if not line:
            blank_before = True
            continue
        if _RECIPIENTS.match(line):
            break
        if re.fullmatch(r"(?:-\s*)?\d{1,3}(?:\s*-)?", line):
            continue   # a page number a PDF's extraction left between two halves of a sentence   # the distribution list and the signature follow: no targets there
        m = _ROMAN.match(line) or _ARTICLE.match(line)
        if m and len(m.group(2)) > 3 and m.group(2)[:1].isupper():
            top, sub = m.group(1), []
            top_kind, top_horizon = _section_kind(m.group(2), None)
            current = Section(top, m.group(2).strip(), top_kind, top_horizon)
            out.append(current)
            if _is_sentence(m.group(2)) and top.startswith("Điều"):
                current.lines.append((n, raw))
            blank_before = False
            continue
        m = _ARABIC.match(line)
        if m and m.group(2)[:1].isupper() and not re.match(r"^\d+\s*$", line):
            parts = m.group(1).split(".")
            kind, horizon = _section_kind(m.group(2), top_kind)
            # Under "Tổ chức thực hiện" the numbered item is itself a task ("2. UBND tỉnh chỉ đạo …").
            if top_kind == "organisation":
                kind = "organisation"
            if top_kind == "goals" and kind == "situation":
                kind = "situation"
            label = ".".join(([top] if top else []) + parts)
            current = Section(label, m.group(2).strip(), kind, horizon or top_horizon)
            out.append(current)
            # Under "Tổ chức thực hiện" the heading is its first task, and a numbered sentence
            # ("1. Đến năm 2030, 100% … đạt chuẩn.") is a goal; elsewhere a heading is a title.
            title = m.group(2)
            if kind == "organisation" or _is_sentence(title):
                current.lines.append((n, raw))
            elif ":" in title and len(title.split(":", 1)[1].split()) >= 3:
                # "1. Mục tiêu chung: Xây dựng đội ngũ …" — the words after the colon are content.
                current.lines.append((n, raw))
            blank_before = False
            continue
        m = _LETTER.match(line)
        if m and len(m.group(2)) <= 80 and not _is_sentence(m.group(2)):
            # "a) Đến năm 2025:" opens targets for that year; the letter extends the parent's label.
            base = current.label.rsplit(".", 1)[0] if re.search(r"\.[a-zđ]$", current.label) else current.label
            year = re.search(r"(20\d\d)", m.group(2))
            parent_horizon = current.horizon
            current = Section(f"{base}.{m.group(1)}" if base else m.group(1), m.group(2).strip(), current.kind,
                              int(year.group(1)) if year else parent_horizon)
            out.append(current)
            blank_before = False
            continue
        previous = current.lines[-1][1].strip() if current.lines else ""
        # A paragraph ends at a blank line after a finished sentence or a title, and around title and
        # metadata lines; a PDF's line breaks inside a sentence do not end one.
        if (not current.lines or _is_title_line(line) or _is_title_line(previous) or " | " in line or " | " in previous
                or (blank_before and not _DANGLING_END.search(previous)
                    and (previous.endswith((".", ";", ":", "!", "?")) or line[:1].isupper()))):
            current.breaks.add(n)
        current.lines.append((n, raw))
        blank_before = False
    return out


@dataclass
class Joined:
    text: str
    starts: list[int]           # offset where each line starts
    numbers: list[int]          # that line's number
    items: list[int]            # offsets where a bullet item or a paragraph starts
    table_rows: list[tuple[int, int, str]] = field(default_factory=list)   # (line, offset, raw row)

    def line_at(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        return self.numbers[max(i, 0)] if self.numbers else 0


def joined(section: Section) -> Joined:
    """The section's text, whitespace folded, with the line and paragraph marks (a "-", "+" or "•" at the
    start of a line opens an item; inside a line " - " joins words, as in "chính trị - xã hội")."""
    parts, starts, numbers, items, rows, pos = [], [], [], [], [], 0
    for n, raw in section.lines:
        piece = normalise(raw)
        if not piece:
            continue
        bullet = _BULLET.match(piece)
        if bullet:
            items.append(pos + bullet.end())
        elif n in section.breaks:
            items.append(pos)
        if " | " in piece:
            rows.append((n, pos, piece))
        starts.append(pos)
        numbers.append(n)
        parts.append(piece)
        pos += len(piece) + 1
    return Joined(" ".join(parts), starts, numbers, items, rows)


# Items start at a bullet or a paragraph; sentences end at ". " before a capital; clauses at "; ".
_BULLET = re.compile(r"^(?:[-–+•]|[a-zđ]\))\s+(?=\S)")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ])")
_CLAUSE_SPLIT = re.compile(r";\s+")


def pieces(section: Section, text: Joined | None = None):
    """(sentence, clause, offset of the clause, line) for every clause of the section; table rows are
    left to the table reader."""
    text = text or joined(section)
    body = text.text
    bounds = sorted(set([0] + text.items + [len(body)]))
    for a, b in zip(bounds, bounds[1:]):
        item = body[a:b]
        if " | " in item:
            continue
        offset = a
        for sentence in _SENT_SPLIT.split(item):
            s_off = body.find(sentence, offset)
            offset = s_off + len(sentence)
            c_off = s_off
            for clause in _CLAUSE_SPLIT.split(sentence):
                cstart = body.find(clause, c_off)
                c_off = cstart + len(clause)
                clean = clause.strip().rstrip("-–+•").strip()
                # "UBND tỉnh lãnh đạo UBND tỉnh:" introduces the tasks that follow; it is none itself.
                if len(clean) >= 10 and not clean.endswith(":"):
                    yield sentence.strip(), clean, cstart, text.line_at(cstart)
