"""Directional goals and tasks (dated, recurring) with their agency."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from tracker.catalogue.propose.model import Proposal
from tracker.catalogue.propose.sections import Section

# A directional goal: a verb of change and what changes ("nâng cao chất lượng đội ngũ trí thức").
_DIRECTION = re.compile(r"(?:^|[\s,;:])(?:(?:từng bước|tiếp tục|phải|đổi mới,?)\s+)*(tăng cường|tăng|nâng cao|nâng|giảm|cải thiện|mở rộng)"
                        r"\s+(?!cường\b|cao\b)(?:\w+)", re.I)
_DUE_PAREN = re.compile(
    r"(?P<what>hoàn thành|thực hiện|ban hành|xây dựng|triển khai|tổ chức|trình|báo cáo)?[^()]{0,40}?"
    r"(?P<prep>trong|từ|trước|chậm nhất|xong trước|đến|vào)\s+(?P<unit>tháng|quý|năm|ngày)\s+(?:(?P<d>\d{1,2})\s*/\s*)?(?:(?P<n>[IVX]+|\d{1,2}(?!\d))\s*/\s*)?(?P<y>20\d\d)?", re.I)
_ROMAN_Q = {"I": 1, "II": 2, "III": 3, "IV": 4}
_RECURRING = re.compile(r"thường xuyên|định kỳ|hằng năm|hàng năm|hằng quý|hàng quý|mỗi năm|liên tục", re.I)
_YEARLY = re.compile(r"hằng năm|hàng năm|mỗi năm", re.I)
_OUTPUT_VERB = (r"xây dựng|ban hành|thành lập|tổ chức|rà soát|nghiên cứu|hoàn thiện|sửa đổi|bổ sung|cụ thể hóa|cụ thể hoá|"
                r"nâng cấp|hình thành|triển khai|áp dụng|khảo sát|tăng vốn|thể chế hóa|thể chế hoá|sơ kết|tổng kết|kiểm tra|"
                r"giám sát|theo dõi|đôn đốc|tuyên truyền|đề xuất|tham mưu|chỉ đạo|lãnh đạo|quán triệt|báo cáo|phát triển|"
                r"thực hiện|đẩy mạnh|hoàn thành|cử|có")
_OUTPUT_NOUN = (r"kế hoạch|chương trình|đề án|cơ sở dữ liệu|quy chế|quy định|quỹ|trung tâm|chiến lược|chính sách|cơ chế|"
                r"giải thưởng|diễn đàn|hội thảo|lớp bồi dưỡng|mạng lưới|đối thoại|gặp mặt|tôn vinh|hệ sinh thái|chi hội|"
                r"đại học|tạp chí|văn bản|nghị quyết|đào tạo|khảo sát|sơ kết|tổng kết|đề tài")
_TASK_OUTPUT = re.compile(r"(?:^|[\s,;:(])(?:" + _OUTPUT_VERB + r")\b[^.;]{0,60}?\b(?:" + _OUTPUT_NOUN + r")\b", re.I)
_ACTION = re.compile(r"(?:^|[\s,;:(])(?:" + _OUTPUT_VERB + r")\b", re.I)
_VAGUE_START = re.compile(r"^(?:Nhằm|Qua đó|Trong đó|Bên cạnh|Đồng thời,? (?:động viên|phát huy)|Góp phần|Là |Đây là|Với )", re.I)
_AGENCY = re.compile(
    r"^(?:Giao\s+)?((?:Đảng đoàn|Ban cán sự đảng|Ban Thường vụ|Ban Tuyên giáo|Ban Tổ chức|Ban Dân vận|Ban Nội chính|"
    r"Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng nhân dân|Mặt trận|Văn phòng|Sở|Các sở|Các huyện ủy|Các quận ủy|Các ban|Các cấp ủy|"
    r"Các tổ chức|Các đồng chí|Liên hiệp|Tỉnh đoàn|Thành đoàn|Huyện đoàn|Đảng ủy|Cấp ủy|Bộ|Các bộ|Phòng|Các phòng|"
    r"Trường|Viện|Hội|Công an|Bộ Chỉ huy)\b[^.;:]{0,160}?)"
    r"\s+(?=chủ trì|lãnh đạo|chỉ đạo|có trách nhiệm|tổ chức(?!\s+(?:chính trị|đảng|cơ sở))|xây dựng|quán triệt|tăng cường|căn cứ|phối hợp|"
    r"cụ thể hóa|thực hiện|đẩy mạnh|được giao|tham mưu|rà soát|bố trí|báo cáo|hướng dẫn|trình|định kỳ|hằng năm|hàng năm|hằng quý|"
    r"ban hành|theo dõi|kiểm tra|giám sát|lập|:|$)",
    re.I)


def _due_of(clause: str, section: Section) -> dict:
    """Deadline fields from the wording ("hoàn thành trong quý III/2024", "thực hiện thường xuyên")."""
    out: dict = {}
    paren = re.findall(r"\(([^()]{4,160})\)", clause)
    timing = [p for p in paren if re.search(r"tháng|quý|năm\s+20\d\d|thường xuyên|định kỳ|hằng năm|hàng năm", p, re.I)]
    text = timing[0] if timing else clause
    m = None
    for cand in _DUE_PAREN.finditer(text):
        if cand.group("y"):
            m = cand
            break
    if m:
        year = int(m.group("y"))
        unit, n, prep = m.group("unit").lower(), m.group("n"), m.group("prep").lower()
        if unit != "ngày" and m.group("d") and not n:
            n = m.group("d")      # "tháng 9/2025": the one number before the year is the month
        if unit == "ngày" and m.group("d") and n and n.isdigit() and 1 <= int(n) <= 12:
            day = min(int(m.group("d")), calendar.monthrange(year, int(n))[1])
            first = last = dt.date(year, int(n), day)
        elif unit == "quý" and n and n.upper() in _ROMAN_Q:
            q = _ROMAN_Q[n.upper()]
            first, last = dt.date(year, 3 * q - 2, 1), dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        elif unit == "tháng" and n and n.isdigit() and 1 <= int(n) <= 12:
            first, last = dt.date(year, int(n), 1), dt.date(year, int(n), calendar.monthrange(year, int(n))[1])
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if prep == "từ":
            out.update(recurring=True, start=first.isoformat())
        else:
            out.update(due=last.isoformat())
        out["due_text"] = (timing[0] if timing else m.group(0)).strip()
    if _RECURRING.search(text if timing else clause):
        out["recurring"] = True
        out.setdefault("due_text", _RECURRING.search(text if timing else clause).group(0))
        out.pop("due", None) if not timing else None
    if section.kind in ("goals",) and "due" not in out and not out.get("recurring"):
        year = section.horizon or 2030
        out.update(due=dt.date(year, 12, 31).isoformat(), due_text=f"đến năm {year}")
    return out


# "Có cơ chế, chính sách đột phá …" states an orientation, not an output one can see delivered.
_ORIENTATION = re.compile(r"^(?:có|xây dựng|tiếp tục hoàn thiện)?\s*(?:cơ chế|chính sách)(?:,\s*(?:cơ chế|chính sách))?\s+"
                          r"(?:mang tính\s+)?(?:đột phá|ưu tiên|khuyến khích|phát huy|đào tạo)", re.I)
# Names inside agencies that read like verbs ("Ban Tổ chức", "tổ chức chính trị - xã hội").
_AGENCY_WORDS = re.compile(r"Ban Tổ chức|tổ chức chính trị\s*-\s*xã hội|tổ chức đảng|tổ chức cơ sở đảng|các tổ chức", re.I)


def _only_an_agency(clause: str) -> bool:
    """"Ban Tổ chức Tỉnh ủy", "Đảng đoàn … và các tổ chức chính trị - xã hội tỉnh": who, not what."""
    return len(clause) < 160 and not _ACTION.search(_AGENCY_WORDS.sub(" ", clause))


# Time and assignment words before a task's verb ("Đến năm 2027, thành lập …", "Định kỳ hằng quý, UBND …").
_TASK_LEAD = re.compile(r"^(?:(?:Đến năm 20\d\d|Trong năm 20\d\d|Năm 20\d\d|Định kỳ(?: hằng| hàng)?(?: năm| quý| tháng)?|"
                        r"Hằng năm|Hàng năm|Hằng quý|Hàng quý|Mỗi năm|Giao|Trong đó|Đồng thời)[, ]+)+")
_DATED = re.compile(r"(?:hoàn thành|xong|trước|chậm nhất|trong|vào)\s+(?:ngày\s+\d{1,2}/\d{1,2}/20\d\d|tháng\s+\d{1,2}/20\d\d|"
                    r"quý\s+[IVX]+/20\d\d|năm\s+20\d\d)", re.I)


def task_core(clause: str) -> str:
    return _TASK_LEAD.sub("", clause)


def agency_of(clause: str) -> str | None:
    am = _AGENCY.match(task_core(clause))
    return am.group(1).strip(" ,") if am else None


_DEADLINE_TAIL = re.compile(r"(?:,?\s*\((?:[^()]*?)(?:tháng|quý|năm|ngày)[^()]*\)|,?\s*(?:hoàn thành\s+)?(?:trong|trước|chậm nhất|vào)\s+"
                            r"(?:ngày|tháng|quý|năm)\s+[\dIVX/]+|,\s*hoàn thành.*|\s+(?:hằng|hàng)\s+(?:năm|quý))\s*\.?$", re.I)


def task_name(clause: str, agency: str | None) -> str:
    """What is to be done, from the clause: without the agency in front, the time lead or the deadline
    behind ("Xây dựng Đề án thu hút nhân lực chất lượng cao")."""
    core = task_core(clause).strip()
    if agency and core.startswith(agency):
        core = core[len(agency):].strip(" ,")
        core = re.sub(r"^(?:được giao|chủ trì,?|có trách nhiệm)\s+", "", core)
    previous = None
    while previous != core:
        previous = core
        core = _DEADLINE_TAIL.sub("", core).strip(" ,;.")
    if len(core.split()) < 3:
        core = clause.strip(" ,;.")
    return core[:1].upper() + core[1:]


def _task_score(clause: str, section: Section) -> float:
    """How much ``clause`` reads as a task one can check done: an output named, a deadline, a rhythm."""
    original, clause = clause, task_core(clause)
    if _VAGUE_START.search(clause) or _only_an_agency(clause):
        return 0.0
    if _ORIENTATION.search(clause) and not re.search(r"\((?:[^()]*?)(?:tháng|quý|năm)\s*[IVX\d]", clause):
        return 0.2
    score = 0.0
    if re.search(r"\((?:[^()]*?)(?:hoàn thành|thực hiện|ban hành|xây dựng)[^()]*?(?:tháng|quý|năm)\s*[IVX\d]", clause, re.I):
        score += 0.6
    elif _DATED.search(original):
        score += 0.5
        if _ACTION.search(clause) and not _TASK_OUTPUT.search(clause[:140]):
            score += 0.2   # "… rà soát, lập danh sách …, hoàn thành trong quý III/2025": a dated action
    if _RECURRING.search(original):
        score += 0.4
        if _ACTION.search(clause) and not _TASK_OUTPUT.search(clause[:140]):
            score += 0.2   # "… định kỳ hằng năm báo cáo kết quả": a recurring action is a task to check
    if _TASK_OUTPUT.search(clause[:140]):
        score += 0.4
    if section.kind == "organisation" and _ACTION.search(clause):
        score += 0.3
    if re.match(r"^(?:Thành lập|Hoàn thành|Nâng cấp|Ban hành|Xây dựng|Tổ chức|Rà soát|Có (?:cơ chế|chính sách|kế hoạch)|Nghiên cứu)\b", clause, re.I):
        score += 0.2
    return min(score, 1.0)


def _short_task_quote(clause: str) -> str:
    return clause.strip(" ,;.")


