"""Numeric targets in a clause: value, unit, comparator, year, the phrase they come from, a name."""

from __future__ import annotations

import re

from tracker.catalogue.propose.model import Proposal
from tracker.catalogue.propose.sections import Section


_NUMBER = r"(?<![\w./,-])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d/])"
_NUM = re.compile(_NUMBER)
_RANGE = re.compile(_NUMBER + r"\s*[-–]\s*" + r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")

# Unit words after a number, longest first; None: a count of something UNITS has no unit for.
_PERSON_WORDS = ("người học", "người", "nghiên cứu sinh", "tiến sĩ", "thạc sĩ", "chuyên gia", "nhà khoa học", "trí thức",
                 "cán bộ", "sinh viên", "học viên", "phó giáo sư", "giáo sư", "bác sĩ", "dược sĩ", "hội viên", "giáo viên",
                 "giảng viên", "nhà giáo", "kỹ sư", "lao động", "công chức", "viên chức", "doanh nhân", "nhân lực")
_UNIT_WORDS: list[tuple[str, str | None]] = [
    ("%/năm", "percent_per_year"), ("% / năm", "percent_per_year"), ("%", "percent"),
    ("doanh nghiệp", "enterprise"), ("bài báo", "paper"), ("bài", "paper"), ("công bố", "paper"),
    ("bằng sáng chế", "patent"), ("văn bằng", "patent"), ("sáng chế", "patent"), ("giải pháp hữu ích", "patent"),
    ("phát minh", "invention"), ("công trình", "work"),
    *[(w, "person") for w in _PERSON_WORDS],
    *[(f"lượt {w}", "person") for w in _PERSON_WORDS],
    ("đề tài", None), ("sản phẩm", None), ("tỷ đồng", None), ("triệu đồng", None),
    ("tổ chức", None), ("trung tâm", None), ("cơ sở", None), ("hội", None), ("giải thưởng", None),
    ("tạp chí", None), ("phòng thí nghiệm", None), ("chương trình", None), ("dự án", None),
]
_UNIT_WORDS.sort(key=lambda w: -len(w[0]))
_UNIT_RE = re.compile(r"\s*(" + "|".join(re.escape(w) for w, _ in _UNIT_WORDS) + r")(?!\w)", re.I)
_UNIT_MAP = {w.lower(): u for w, u in _UNIT_WORDS}
# A count of any other countable noun ("20 trường", "02 sáng kiến", "150 lượt"): a word, not one of
# time, of the programme's own parts ("5 nhóm nhiệm vụ"), nor a measure word that needs a unit.
_NOT_COUNTED = (r"năm|tháng|quý|ngày|tuần|giờ|lần|kỳ|khóa|khoá|nhiệm kỳ|giai đoạn|nhóm|nhiệm vụ|giải pháp|nội dung|phần|"
                r"chương|điều|mục|khoản|điểm|khâu|quan điểm|mục tiêu|chỉ tiêu|bước|trụ cột|đột phá|văn bản|trang|tuổi|"
                r"vạn|nghìn|ngàn|triệu|tỷ|và|hoặc|đến|trở|trên|dưới|của|tại|trong|cấp|mức|độ|điểm|bậc|hạng|dân")
_COUNT_NOUN = re.compile(r"\s+(?!(?:" + _NOT_COUNTED + r")(?!\w))([^\W\d_]+(?:\s+[^\W\d_]+)?)", re.I)

_CMP_BEFORE = [
    (re.compile(r"(?:ít nhất|tối thiểu|không dưới|không ít hơn)\s*(?:là\s*)?$", re.I), ">="),
    (re.compile(r"(?:trên|hơn|vượt)\s*(?:mức\s*)?$", re.I), ">"),
    (re.compile(r"(?:khoảng|xấp xỉ|gần|chừng)\s*$", re.I), "~"),
    (re.compile(r"(?:không quá|không vượt quá|tối đa|không cao hơn)\s*$", re.I), "<="),
    (re.compile(r"(?:dưới|thấp hơn|ít hơn)\s*(?:mức\s*)?$", re.I), "<"),
]
_TARGET_VERB_BEFORE = re.compile(
    r"(?:đạt|có|lên|tăng|giảm|còn|là|phấn đấu|từ|thêm|mới|trung bình|bình quân|ít nhất|tối thiểu|trên|hơn|khoảng|xấp xỉ|"
    r"dưới|không quá|tối đa|hàng năm|hằng năm|mỗi năm|đến năm 20\d\d|vượt)\s*(?:mức\s*|con số\s*|là\s*)?$", re.I)
_NOT_QUANTITY_BEFORE = re.compile(r"(?:năm|tháng|quý|ngày|lần thứ|thứ|khóa|khoá|số|giai đoạn|Điều|điểm|khoản|mục|Nghị quyết|Kế hoạch)\s*$", re.I)
_PER_POPULATION = re.compile(r"(?:/|trên|trên mỗi)\s*(\d+(?:\.\d{3})*|một|1)\s*(vạn|nghìn|ngàn|triệu)?\s*dân", re.I)
_RANK_GROUP = re.compile(r"(?:nhóm|tốp|top)\s+(\d{1,3})\s+(?:tỉnh|địa phương|thành phố|đơn vị|quốc gia)", re.I)
_RANK_FIRST = re.compile(r"(?:đứng|dẫn)\s+đầu\s+(?:các|cả|khu vực|vùng|toàn)", re.I)
_RANK_AFTER_GROUP = re.compile(r"(?:đứng|dẫn)\s+đầu", re.I)
_YEAR_NEAR = re.compile(r"(?:đến|tới|trong|vào|đến hết)\s+năm\s+(20\d\d)", re.I)
_FROM_YEAR = re.compile(r"(?:từ|kể từ|bắt đầu từ)\s+năm\s+(20\d\d)", re.I)
_PER_YEAR = re.compile(r"hàng năm|hằng năm|mỗi năm|/\s*năm|một năm", re.I)
_AVERAGE = re.compile(r"trung bình|bình quân", re.I)
# A rate of increase ("tốc độ tăng … đạt 7%"), not a share of growth ("đóng góp … vào tăng trưởng").
_GROWTH = re.compile(r"(?:tốc độ tăng|tốc độ tăng trưởng|tăng trưởng bình quân|tăng bình quân)(?:(?!đóng góp|tỷ trọng|tỷ lệ|vào).)*$", re.I)


def _number_value(whole: str, frac: str | None) -> float:
    value = float(whole.replace(".", ""))
    if frac:
        value += float("0." + frac)
    return value


def _year_of(sentence: str, clause: str, section: Section) -> tuple[int, int | None]:
    """(year, from_year) for a target in ``clause``: the clause's own "đến năm …", the sentence's
    "Từ năm …", else the section's horizon, else 2030 (the resolution's horizon)."""
    from_year = _FROM_YEAR.search(sentence)
    near = _YEAR_NEAR.search(clause) or _YEAR_NEAR.search(sentence)
    if from_year:
        return int(from_year.group(1)), int(from_year.group(1))
    if near:
        return int(near.group(1)), None
    return section.horizon or 2030, None


def _comparator(before: str, after: str) -> tuple[str, float]:
    """The comparator the wording gives, and how sure the rule is."""
    if re.match(r"\s*(?:%\s*(?:/\s*năm)?\s*)?(?:\S+\s+){0,4}?trở lên", after, re.I) and not re.match(r"\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+trở lên", after):
        return ">=", 0.9
    if re.match(r"\s*(?:%\s*)?(?:\S+\s+){0,3}?trở xuống", after, re.I):
        return "<=", 0.9
    tail = before[-30:]
    for pattern, cmp in _CMP_BEFORE:
        if pattern.search(tail):
            return cmp, 0.85
    if re.search(r"(?:đạt|có|lên|là)\s*(?:mức\s*)?$", tail, re.I):
        return ">=", 0.7
    return ">=", 0.5


# Words that open a target sentence but are not part of what is counted.
_LEAD_IN = re.compile(r"^(?:(?:Phấn đấu|phấn đấu|Mục tiêu|mục tiêu|Chỉ tiêu|Đến năm 20\d\d|đến năm 20\d\d|Đến hết năm 20\d\d|"
                      r"Từ năm 20\d\d|Hằng năm|Hàng năm|Mỗi năm|mỗi năm|hằng năm|Trong đó|trong đó|Toàn tỉnh|toàn tỉnh|"
                      r"Tỉnh|Thành phố|toàn thành phố|Toàn thành phố|Xã|Phường|Cũng|Bảo đảm|bảo đảm|Đảm bảo|đảm bảo)\b[, :]*)+", re.I)
_TRAILING = re.compile(r"\s*(?:\b(?:đạt|có|(?<!trở )lên|là|trên|dưới|khoảng|ít nhất|tối thiểu|không dưới|từ|mức|tăng|tăng lên|còn|"
                       r"thêm|mới|chiếm|bình quân|trung bình|xuống|giảm|giảm xuống|cho|được|phải|cần|sẽ|đạt từ|"
                       r"đạt mức|tăng thêm|hơn|xấp xỉ|gần|tới|đến|đứng|đứng trong|trong|nằm trong|vào)\b|[,:;.\-–])\s*$", re.I)
# A phrase that starts with an action names what is done, not what is counted ("Đào tạo ít nhất 800 …").
_ACTION_START = re.compile(r"^(?:có|đạt|thu hút|đào tạo|bồi dưỡng|cử|tuyển|tuyển dụng|thành lập|xây dựng|hỗ trợ|phát triển|tăng|"
                           r"giảm|nâng|hình thành|cho|tổ chức|đưa|hoàn thành|triển khai|thực hiện|tạo|chuyển giao|đăng ký)\b", re.I)


def _strip_trailing(text: str) -> str:
    while True:
        new = _TRAILING.sub("", text).rstrip()
        if new == text:
            return text
        text = new


def _counted_after(clause: str, num_end: int) -> str:
    """The noun phrase the number counts, from the word after it to the next "và <number>", comma
    (when long), semicolon, bracket or clause end: "tiến sĩ làm việc tại tỉnh"."""
    tail = clause[num_end:]
    tail = re.sub(r"^\s*%\s*", "", tail)
    stop = re.search(r"\s+(?:và|hoặc)\s+(?=\d)|[;()/]|\s[-–]\s|\s(?:trở lên|trở xuống)\b", tail)
    phrase = tail[:stop.start()] if stop else tail
    # A comma ends the phrase only where another target follows it ("…, tỷ lệ … đạt 25%").
    for comma in re.finditer(r",\s", phrase):
        if re.search(r"\d", phrase[comma.end():]) or len(phrase[:comma.start()].split()) > 14:
            phrase = phrase[:comma.start()]
            break
    phrase = re.sub(r"/\s*\S*\s*dân.*$", "", phrase)
    return _strip_trailing(phrase.strip(" ,.;:"))


def name_of(clause: str, begin: int, num_start: int, num_end: int, percent: bool) -> str:
    """A complete noun phrase for the entry, taken from the sentence: the words before the number
    when they name a measure ("Số người có trình độ từ đại học trở lên"), else "Số"/"Tỷ lệ" and the
    phrase the number counts ("Số tiến sĩ y học")."""
    before = _LEAD_IN.sub("", clause[begin:num_start].strip(" ,:;")).strip(" ,:;")
    before = _strip_trailing(before)
    # "tăng tỉ lệ lao động trí thức … lên 25%": the measure is what the verb changes.
    before = re.sub(r"^(?:tăng|nâng|nâng cao|giảm|đưa)\s+(?=(?:tỷ lệ|tỉ lệ|số|số lượng|quy mô|tổng số)\b)", "", before, flags=re.I)
    if len(before.split()) >= 2 and not _ACTION_START.match(before):
        name = before
    else:
        counted = _counted_after(clause, num_end)
        if not counted:
            name = before or clause[begin:].strip()
        else:
            name = ("Tỷ lệ " if percent else "Số ") + counted
    name = name.strip(" ,:;.")
    return name[:1].upper() + name[1:]


def _quote_end(clause: str, pos: int) -> int:
    """End of the phrase holding the number at ``pos``: the next comma outside brackets after which
    another number stands (the next target), or the clause end."""
    depth = 0
    for i in range(pos, len(clause) - 1):
        ch = clause[i]
        if ch in "(“":
            depth += 1
        elif ch in ")”":
            depth = max(0, depth - 1)
        elif ch == "," and clause[i + 1] == " " and depth == 0 and re.search(r"\d", clause[i:]):
            return i
    return len(clause.rstrip(". "))


def _top_commas(clause: str) -> list[int]:
    """Positions of ", " outside brackets and quotation marks."""
    out, depth = [], 0
    for i, ch in enumerate(clause[:-1]):
        if ch in "(“":
            depth += 1
        elif ch in ")”":
            depth = max(0, depth - 1)
        elif ch == "," and clause[i + 1] == " " and depth == 0:
            out.append(i)
    return out


def _quote_start(clause: str, pos: int, end: int | None = None) -> int:
    """Start of the shortest phrase that names what the number at ``pos`` counts: the previous comma,
    unless the clause opens with a lead ending in ":" (that lead names the object) or the phrase
    would be too short to say what is counted."""
    colon = clause.find(":")
    if 0 <= colon < pos:
        return 0
    end = len(clause) if end is None else end
    cuts = [c for c in _top_commas(clause) if c < pos]
    while cuts and len(clause[cuts[-1] + 2:end].split()) < 5:
        cuts.pop()
    return cuts[-1] + 2 if cuts else 0


# A sentence that reports what is, not what is to be: "hiện toàn tỉnh có 41.200 người", "năm 2023 tỉnh mới có".
_SITUATION = re.compile(r"(?<!thực )(?<!thể )(?<!xuất )(?<!phát )(?<!biểu )\b(?:hiện nay|hiện có|hiện toàn|hiện tại|hiện|đã có|đã đạt|mới có|mới đạt|tính đến|qua \d+ năm|sau \d+ năm|"
                        r"năm (?:19\d\d|20[01]\d|202[0-4])\b(?! trở)|chiếm)\b", re.I)
_FUTURE = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|đến năm 20\d\d|đến hết năm|tới năm 20\d\d|vào năm 20[3-9]\d|trở thành", re.I)
# What makes a sentence outside a goals section set a target.
_TARGET_CUE = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|đến năm 20\d\d|đến hết năm 20\d\d|mỗi năm|hằng năm|hàng năm|ít nhất|"
                         r"tối thiểu|không dưới|trở lên|\bđạt\b|tăng lên|thu hút|bảo đảm|đảm bảo", re.I)
# "50% số xã có ít nhất 01 mô hình": the count is the condition of the share, not a target of its own.
_CONDITION_OF_SHARE = re.compile(r"\d\s*%\s+(?:số\s+)?[^,;%]{0,80}?\bcó\s+(?:ít nhất|tối thiểu|từ)?\s*$", re.I)


def is_situation(sentence: str) -> bool:
    return bool(_SITUATION.search(sentence)) and not _FUTURE.search(sentence)


def _numeric(sentence: str, clause: str, section: Section, line: int) -> list[Proposal]:
    found: list[Proposal] = []
    if is_situation(sentence):
        return found
    cue = section.kind in ("goals", "vision") or bool(_TARGET_CUE.search(sentence))
    if not cue:
        return found
    year, from_year = _year_of(sentence, clause, section)
    horizon = 2045 if (section.kind == "vision" or year >= 2045) else 2030
    used_rank_words: list[int] = []
    for m in _RANK_GROUP.finditer(clause):
        value = float(m.group(1))
        follow = _RANK_AFTER_GROUP.search(clause, m.end())
        if follow and follow.start() - m.end() < 60:
            used_rank_words.append(follow.start())
        end = _quote_end(clause, (follow.end() if follow else m.end()))
        begin = _quote_start(clause, m.start(), end)
        found.append(Proposal("numeric", name_of(clause, begin, m.start(), m.start(), False), clause[begin:end].strip(" ,;"),
                              section.label, line, measure="rank", value=value, comparator="<=", unit="rank", unit_text="hạng",
                              year=year, horizon=horizon, confidence=0.8))
    for m in _RANK_FIRST.finditer(clause):
        if m.start() in used_rank_words:
            continue
        end = _quote_end(clause, m.end())
        start = _quote_start(clause, m.start(), end)
        rank_name = re.split(r"\s+và\s+", clause[start:end].strip(" ,;"))[0]
        found.append(Proposal("numeric", rank_name[:1].upper() + rank_name[1:], clause[start:end].strip(" ,;"),
                              section.label, line, measure="rank", value=1.0, comparator="<=", unit="rank", unit_text="hạng",
                              year=year, horizon=horizon, confidence=0.6))
    ranges = {m.start(): m for m in _RANGE.finditer(clause)}
    per_pop_spans = [(p.start(), p.end()) for p in _PER_POPULATION.finditer(clause)]
    skip_until = -1
    for m in _NUM.finditer(clause):
        if m.start() < skip_until or any(a <= m.start() < b for a, b in per_pop_spans):
            continue
        before, after = clause[:m.start()], clause[m.end():]
        rng = ranges.get(m.start())
        if rng:
            skip_until = rng.end()
            after = clause[rng.end():]
        value = _number_value(m.group(1), m.group(2))
        if any(m.start() >= r.start() - 1 and m.end() <= r.end() + 1 for r in _RANK_GROUP.finditer(clause)):
            continue
        if re.match(r"\s*[-–/]\s*(?:NQ|KH|CTr|QĐ|TTg|CP|BCT|TW|TƯ|TU|HU|ĐU)", after) or _NOT_QUANTITY_BEFORE.search(before[-20:]):
            continue
        if 1900 <= value <= 2100 and not m.group(2) and not re.match(r"\s*%", after) and not _UNIT_RE.match(after):
            continue   # a year ("2.000 thạc sĩ" is a count: a unit follows it)
        if re.match(r"\s*[-–]\s*20\d\d", after) or re.search(r"20\d\d\s*[-–]\s*$", before):
            continue
        unit_m = _UNIT_RE.match(after)
        per_pop = _PER_POPULATION.search(after[:60])
        counted = None if unit_m else _COUNT_NOUN.match(after)
        if not unit_m and not counted:
            continue
        if not unit_m and (not _TARGET_VERB_BEFORE.search(before[-40:]) and section.kind not in ("goals", "vision")):
            continue   # "có 2 …" of something nameless is not a target one can measure
        if _CONDITION_OF_SHARE.search(before):
            continue
        unit_word = unit_m.group(1).lower() if unit_m else ""
        unit = _UNIT_MAP.get(unit_word)
        unit_end = m.end() + (unit_m.end() if unit_m else 0) if not rng else rng.end() + (unit_m.end() if unit_m else 0)
        cmp, conf = _comparator(before, after[unit_m.end():] if unit_m else after)
        if rng:
            cmp, conf = ">=", 0.75     # "từ 02 - 03 tiến sĩ": at least the lower bound
        end = _quote_end(clause, unit_end)
        per_year = bool(_PER_YEAR.search(clause[max(0, m.start() - 40):end]))
        average = bool(_AVERAGE.search(before[-40:]))
        if unit == "percent_per_year" or (unit == "percent" and _GROWTH.search(before[-60:])):
            measure, unit = "growth", "percent_per_year"
            average = average or bool(_AVERAGE.search(before))
        elif unit == "percent":
            measure = "ratio"
        elif per_year:
            measure = "flow"
        else:
            measure = "stock"
        population = None
        if per_pop:
            n = per_pop.group(1)
            base = 1.0 if n in ("một", "1") else _number_value(n, None)
            scale = {"vạn": 10_000, "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000}.get((per_pop.group(2) or "").lower(), 1)
            population = int(base * scale)
            measure = "ratio" if unit == "percent" else "stock"
            if unit is None and counted:
                unit = "person"
        sector = None
        sm = re.search(r"(?:ngành|lĩnh vực)[^()]*\(([^)]{5,200})\)", before)
        if sm and re.search(r"mỗi|một số|từng|các", before[max(0, sm.start() - 40):sm.start() + 20], re.I):
            sector = sm.group(1).strip()
        if not unit_m:
            conf -= 0.2
        begin = _quote_start(clause, m.start(), end)
        quote = clause[begin:end].strip(" ,;")
        unit_text = unit_m.group(1) if unit_m else counted.group(1)
        found.append(Proposal("numeric", name_of(clause, begin, m.start(), (rng or m).end(), unit == "percent"), quote,
                              section.label, line, measure=measure, value=value, comparator=cmp, unit=unit, unit_text=unit_text,
                              per_population=population, year=year, from_year=from_year, horizon=horizon,
                              per_year=per_year, average=average, sector=sector, confidence=round(max(0.1, conf), 2)))
    return found


# --- tables -------------------------------------------------------------------------------------

_YEAR_HEAD = re.compile(r"^(?:năm|đến năm|đến hết năm|mục tiêu(?: đến)?(?: năm)?|chỉ tiêu(?: năm)?|kế hoạch(?: năm)?)?\s*(20\d\d)$", re.I)
_UNIT_HEAD = re.compile(r"^(?:đơn vị(?: tính)?|đvt)$", re.I)
_NAME_HEAD = re.compile(r"chỉ tiêu|nội dung|tên chỉ tiêu|mục tiêu", re.I)
_TABLE_UNITS = {"người": "person", "%": "percent", "bài": "paper", "bài báo": "paper", "doanh nghiệp": "enterprise",
                "công trình": "work", "văn bằng": "patent", "sáng chế": "patent", "lượt": "person", "%/năm": "percent_per_year"}
_CELL_NUMBER = re.compile(r"^\s*(?:(≥|>=|>|≤|<=|<|~|khoảng|trên|ít nhất|tối thiểu|dưới)\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*%?\s*(trở lên)?\s*$", re.I)
_CELL_CMP = {"≥": ">=", ">=": ">=", ">": ">", "≤": "<=", "<=": "<=", "<": "<", "~": "~", "khoảng": "~", "trên": ">",
             "ít nhất": ">=", "tối thiểu": ">=", "dưới": "<"}


def table_targets(rows: list[tuple[int, str]], section: Section) -> list[Proposal]:
    """Targets of a table of targets (rows "cell | cell | …" as the readers give them): a header with a
    name column, maybe a unit column and one column per year; each row's name cell is the entry's
    name and each year cell a target for that year."""
    found: list[Proposal] = []
    header = None
    for line, row in rows:
        cells = [c.strip() for c in row.split(" | ")]
        years = {i: int(_YEAR_HEAD.match(c).group(1)) for i, c in enumerate(cells) if _YEAR_HEAD.match(c)}
        if years and any(_NAME_HEAD.search(c) for c in cells):
            name_col = next(i for i, c in enumerate(cells) if _NAME_HEAD.search(c))
            unit_col = next((i for i, c in enumerate(cells) if _UNIT_HEAD.match(c)), None)
            header = (name_col, unit_col, years)
            continue
        if not header or len(cells) <= max(header[2]):
            continue
        name_col, unit_col, years = header
        name = cells[name_col].strip()
        if len(name.split()) < 2:
            continue
        unit_text = cells[unit_col].strip() if unit_col is not None else ""
        per_pop = _PER_POPULATION.search(unit_text) or _PER_POPULATION.search(name)
        unit_key = unit_text.lower().split("/")[0].strip()
        unit = _TABLE_UNITS.get(unit_key) or _UNIT_MAP.get(unit_key)
        if unit is None and re.match(r"^(?:tỷ lệ|tỉ lệ)", name, re.I):
            unit = "percent"
        for col, year in years.items():
            cell = _CELL_NUMBER.match(cells[col])
            if not cell:
                continue
            cmp = _CELL_CMP.get((cell.group(1) or "").lower(), ">=")
            if cell.group(4):
                cmp = ">="
            value = _number_value(cell.group(2), cell.group(3))
            population = None
            if per_pop:
                n = per_pop.group(1)
                base = 1.0 if n in ("một", "1") else _number_value(n, None)
                population = int(base * {"vạn": 10_000, "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000}.get(
                    (per_pop.group(2) or "").lower(), 1))
            measure = "ratio" if unit == "percent" else ("growth" if unit == "percent_per_year" else "stock")
            found.append(Proposal("numeric", name[:1].upper() + name[1:], row, section.label, line, measure=measure, value=value,
                                  comparator=cmp, unit=unit, unit_text=unit_text or None, per_population=population,
                                  year=year, horizon=2045 if year >= 2045 else 2030, confidence=0.7))
    return found
