"""Every target traces back to its document: quotes are verbatim; every number and rank word in a goals
section, and every kind of task sentence, stands inside some target's quote (checked by position)."""

import re

import pytest

from tracker.catalogue import BUNDLED_SEEDS, load_catalogue, seeds_dir, shared_seeds_dir
from tracker.catalogue.sources import normalise, quote_problems, read_document


def test_the_documents_are_there():
    """The checks below must run on every clone: seeds/ carries the documents when ../shared does not."""
    cat = load_catalogue()
    for doc in cat.documents.values():
        assert (seeds_dir() / doc.file).is_file(), doc.file


@pytest.mark.skipif(not shared_seeds_dir().exists(), reason="no ../shared/seeds to compare the bundled copy with")
def test_bundled_copy_is_the_shared_documents():
    for path in shared_seeds_dir().iterdir():
        assert (BUNDLED_SEEDS / path.name).read_bytes() == path.read_bytes(), path.name

# Number occurrences in the goals sections (II) that are not targets: (a pattern the occurrence lies
# inside, the reason). Matched by position, so an excuse never covers another occurrence of the number.
NOT_TARGETS = {
    "002_873c75f986b45909.txt": [
        (r"Cách mạng công (?:\d+ )?nghiệp lần thứ 4", "the name of a revolution (a page number splits it)"),
    ],
}

_NUMBER = re.compile(r"(?<![\w/.,§-])\d+(?:[.,]\d+)*(?:\s*%)?")
# Rank words with no digit that set a goal as well as a number does.
_RANK_WORDS = re.compile(r"đứng đầu|dẫn đầu|nhóm \d+", re.IGNORECASE)
_NOT_A_QUANTITY = [
    re.compile(r"\d+\s*-\s*(?:NQ|KH|CTr)/\w+"),      # document numbers: 45-NQ/TW
    re.compile(r"\d{1,2}/\d{1,2}/\d{4}"),              # dates
    re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)"),        # years
    re.compile(r"^\s*\d+(?:\.\d+)*\.\s", re.MULTILINE),  # section numbers "2.2." at a line start
    re.compile(r"^\s*\d+\s*$", re.MULTILINE),                # page numbers left by the PDF
]


def _mask(text: str) -> str:
    """``text`` with the digits of non-quantities replaced by "§": same length, same spaces, so
    normalise() of it lines up character for character with normalise() of the original."""
    for pattern in _NOT_A_QUANTITY:
        text = pattern.sub(lambda m: re.sub(r"\d", "§", m.group(0)), text)
    return text


def _region(text: str, start: re.Pattern, end: re.Pattern) -> tuple[int, int]:
    a = start.search(text)
    b = end.search(text, a.end()) if a else None
    assert a and b, f"could not find the section between {start.pattern!r} and {end.pattern!r}"
    return a.end(), b.start()


def goals_span(text: str) -> tuple[int, int]:
    """Where section II (goals, including the 2045 vision) is in normalise(text)."""
    return _region(text, re.compile(r"(?:^| )II\s*[.\-–]\s"), re.compile(r" III\s*[.\-–]\s"))


def tasks_span(text: str) -> tuple[int, int]:
    """From section III (tasks) to the signature: the tasks and the implementation sections."""
    return _region(text, re.compile(r" III\s*[.\-–]\s"), re.compile(r"Nơi nhận"))


def quantities(text: str) -> set[str]:
    """The distinct quantities in ``text`` (years, dates, document, section and page numbers left out)."""
    return {m.group(0) for m in quantity_occurrences(text)}


def quantity_occurrences(text: str) -> list["_Found"]:
    """Every quantity in normalise(text), with its position there; "%" and spaces dropped from group 0."""
    masked = normalise(_mask(text))
    assert len(masked) == len(normalise(text)), "masking moved the text"
    return [_Found(m) for m in _NUMBER.finditer(masked)]


class _Found:
    """A quantity found: its text without spaces or "%", and where it stands."""

    def __init__(self, m: re.Match):
        self._m = m

    def group(self, _=0) -> str:
        return re.sub(r"\s+", "", self._m.group(0)).rstrip("%")

    def start(self) -> int:
        return self._m.start()

    def end(self) -> int:
        return self._m.end()


def quote_spans(text: str, quotes) -> list[tuple[int, int]]:
    """Every place in ``text`` (already normalised) where one of ``quotes`` stands."""
    spans = []
    for q in quotes:
        q = normalise(q)
        at = text.find(q)
        while at >= 0:
            spans.append((at, at + len(q)))
            at = text.find(q, at + 1)
    return spans


def _covered(pos: tuple[int, int], spans) -> bool:
    return any(a <= pos[0] and pos[1] <= b for a, b in spans)


def _line_of(raw: str, text: str, at: int) -> int:
    """The line of the raw file where position ``at`` of normalise(raw) falls (for messages).

    normalise() of the whole text equals its lines, each normalised, joined by one space (empty
    ones left out), so the offset of each line in the normalised text is a running sum.
    """
    offset = 0
    for n, line in enumerate(raw.splitlines(), start=1):
        piece = normalise(line)
        if not piece:
            continue
        if at < offset + len(piece) + 1:
            return n
        offset += len(piece) + 1
    return 0


def test_every_quote_is_in_its_document():
    problems = quote_problems(load_catalogue())
    assert not problems, "\n".join(problems)


def test_quote_check_can_fail():
    cat = load_catalogue()
    ind = cat.indicators[0]
    text = normalise(read_document(cat.document_of(ind).file))
    assert normalise(ind.quote) in text
    assert normalise(ind.quote.replace("9", "8")) not in text or "9" not in ind.quote


def _uncovered_goals(cat, doc, text_raw):
    text = normalise(text_raw)
    a, b = goals_span(text)
    numeric = [i.quote for i in cat.indicators if i.document == doc.id and i.is_numeric]
    spans = quote_spans(text, numeric)
    excused = [m.span() for pattern, _ in NOT_TARGETS.get(doc.file, [])
               for m in re.finditer(pattern, text)]
    missing = []
    for m in quantity_occurrences(text_raw):
        if a <= m.start() < b and not _covered((m.start(), m.end()), spans + excused):
            missing.append((m.start(), m.group(0)))
    for m in _RANK_WORDS.finditer(text):
        if a <= m.start() < b and not _covered(m.span(), spans):
            missing.append((m.start(), m.group(0)))
    return [f"{doc.file} line {_line_of(text_raw, text, at)}: {word!r} in section II is in no numeric target's quote "
            f"(…{text[max(0, at - 50):at + 30]}…)" for at, word in sorted(missing)]


def test_every_number_and_rank_word_in_goal_sections_is_a_target():
    """Each occurrence counts, by its position: a "10" already quoted elsewhere does not cover
    "thuộc nhóm 10 tỉnh, thành phố dẫn đầu" (Bắc Giang's 2045 goal)."""
    cat = load_catalogue()
    missing = []
    for doc in cat.documents.values():
        missing += _uncovered_goals(cat, doc, read_document(doc.file))
    assert not missing, "\n".join(missing)


def test_the_number_check_counts_occurrences_not_the_set_of_numbers():
    """Without Bắc Giang's 2045 goals the check fails, though "10" stands in other quotes."""
    import copy

    import yaml

    from tracker.catalogue import DEFAULT_PATH, parse_catalogue

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data = copy.deepcopy(raw)
    data["indicators"] = [i for i in data["indicators"] if not i["id"].endswith("-rank-2045")]
    cat = parse_catalogue(data)
    doc = cat.documents["bac-giang-kh-45"]
    missing = "\n".join(_uncovered_goals(cat, doc, read_document(doc.file)))
    assert "'10'" in missing and "'dẫn đầu'" in missing and "'đứng đầu'" in missing and "'nhóm 10'" in missing
    assert "line 39" in missing
    assert "10" in " ".join(i.quote for i in cat.indicators if i.document == doc.id and i.is_numeric)


# Kinds of task sentence that every unit whose document has one must catalogue, each by the
# phrase that marks it. Every occurrence in the tasks and implementation sections (III to the
# signature) must stand inside the quote of one of that document's milestones.
TASK_KINDS = {
    "consultation / dialogue": r"thường xuyên tổ chức (?:tham vấn, )?đối thoại",
    "meetings honouring intellectuals": r"hình thức đối thoại, gặp mặt, tôn vinh",
    "periodic review (sơ kết, tổng kết)": r"sơ kết, tổng kết|sơ, tổng kết",
    "periodic check / monitoring": r"định kỳ kiểm tra|kiểm tra, đôn đốc|theo dõi, đôn đốc",
    "oversight (giám sát) by councils and the Front": r"tổ chức giám sát|giám sát, kiểm tra|tăng cường giám sát|"
                                                      r"công tác giám sát|tuyên truyền, giám sát|thực hiện và giám sát|"
                                                      r"vai trò phản biện",
    "periodic retraining policy": r"chính sách định kỳ",
    "yearly or periodic (hằng năm, định kỳ)": r"h[àằ]ng năm|định kỳ",
    "standing (thường xuyên)": r"thực hiện thường xuyên|thường xuyên (?:tổ chức|kiểm tra|theo dõi|giám sát)",
    "dated (quý, tháng, năm)": r"\((?:hoàn thành|thực hiện|ban hành|xây dựng)[^)]*(?:quý|tháng|năm) [^)]*\)",
    "local programmes (chương trình, kế hoạch)": r"xây dựng chương trình, kế hoạch",
    "successor intellectuals plan": r"kế hoạch thu hút, đào tạo, bồi dưỡng đội ngũ trí thức kế cận",
    "intellectuals database": r"cơ sở dữ liệu về đội ngũ trí thức",
    "public services by associations": r"tham gia thực hiện một số dịch vụ công",
}


# Task sentences that repeat a task already catalogued where the document assigns it: (a pattern
# the occurrence lies inside, the reason).
SAME_TASK_ELSEWHERE = {
    "002_873c75f986b45909.txt": [
        (r"Xây dựng cơ sở dữ liệu về đội ngũ trí thức, làm tốt công tác dự báo",
         "section III.3 states the task that section IV.3 assigns: khanh-hoa.intellectuals-database"),
    ],
}


def uncovered_tasks(cat, doc, text_raw: str) -> list[str]:
    text = normalise(text_raw)
    a, b = tasks_span(text)
    spans = quote_spans(text, [i.quote for i in cat.indicators if i.document == doc.id and i.is_milestone])
    spans += [m.span() for pattern, _ in SAME_TASK_ELSEWHERE.get(doc.file, []) for m in re.finditer(pattern, text)]
    out = []
    for kind, pattern in TASK_KINDS.items():
        for m in re.finditer(pattern, text[a:b], re.IGNORECASE):
            at = (a + m.start(), a + m.end())
            if not _covered(at, spans):
                out.append(f"{doc.file} line {_line_of(text_raw, text, at[0])}: {kind} — "
                           f"“…{text[max(0, at[0] - 60):at[1] + 40]}…” is in no task's quote")
    return out


def test_every_task_kind_is_catalogued_in_each_unit_whose_document_has_it():
    cat = load_catalogue()
    missing = []
    for doc in cat.documents.values():
        missing += uncovered_tasks(cat, doc, read_document(doc.file))
    assert not missing, "\n".join(missing)


def test_task_kind_check_fails_for_a_missing_task():
    """Drop Bắc Giang's consultation task and the check names it, with its line."""
    import copy

    import yaml

    from tracker.catalogue import DEFAULT_PATH, parse_catalogue

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data = copy.deepcopy(raw)
    data["indicators"] = [i for i in data["indicators"] if i["id"] != "bac-giang.intellectuals-dialogue"]
    cat = parse_catalogue(data)
    doc = cat.documents["bac-giang-kh-45"]
    missing = uncovered_tasks(cat, doc, read_document(doc.file))
    assert missing and all("line 49" in m for m in missing)
    assert [m for m in missing if "consultation / dialogue" in m]


def test_every_task_kind_appears_in_some_document():
    """A kind whose phrase is in no document would be a check that cannot fail."""
    cat = load_catalogue()
    texts = [normalise(read_document(d.file)) for d in cat.documents.values()]
    for kind, pattern in TASK_KINDS.items():
        assert any(re.search(pattern, t[slice(*tasks_span(t))], re.IGNORECASE) for t in texts), kind


def test_quantities_ignores_years_dates_and_document_numbers():
    text = "Nghị quyết số 45-NQ/TW ngày 24/11/2023 đến năm 2030: trên 90.000 người, 0,5% và 02 - 03 tiến sĩ"
    assert quantities(text) == {"90.000", "0,5", "02", "03"}


def test_quantity_occurrences_keep_their_positions_and_repeats():
    text = "2.1. Mục tiêu\ncó 10 tỉnh; nhóm 10 tỉnh\n3\nđến năm 2030"
    found = [(m.group(0), m.start()) for m in quantity_occurrences(text)]
    flat = normalise(text)
    assert [w for w, _ in found] == ["10", "10"]
    assert [flat[at:at + 2] for _, at in found] == ["10", "10"] and found[0][1] != found[1][1]


# --- fidelity classes found by an independent line-by-line read (issue 22 item 5) ---------------

# A cycle is set only by these words; "định kỳ" alone sets none.
_CYCLE_WORDS = re.compile(r"hằng năm|hàng năm|mỗi năm|hằng quý|hàng quý|hằng tháng|hàng tháng|\d+ tháng|năm một lần", re.I)


def cycle_invented(cat) -> list[str]:
    """Tasks judged on a yearly cycle whose quote words no cycle (the "Quá hạn — trễ 337 ngày" class)."""
    return [i.id for i in cat.indicators if i.is_milestone and not i.retired and i.target.every == "year"
            and not _CYCLE_WORDS.search(i.quote)]


def test_no_task_is_given_a_cycle_its_sentence_does_not_set():
    cat = load_catalogue()
    assert not cycle_invented(cat)
    periodic = [i for i in cat.indicators if i.is_milestone and i.target.periodic]
    assert len(periodic) >= 9 and all(re.search(r"định kỳ", i.quote, re.I) for i in periodic)


def test_cycle_check_fails_when_a_periodic_task_gets_a_yearly_cycle_again():
    import copy

    import yaml

    from tracker.catalogue import DEFAULT_PATH, parse_catalogue

    data = copy.deepcopy(yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8")))
    entry = next(i for i in data["indicators"] if i["id"] == "lam-dong.progress-reports")
    entry["target"] = {"recurring": True, "every": "year", "start": "2025-01-01", "due_text": "Định kỳ"}
    assert cycle_invented(parse_catalogue(data)) == ["lam-dong.progress-reports"]


def test_a_periodic_task_is_never_overdue_and_shows_when_it_was_last_reported():
    import datetime as dt

    from tracker.assess.milestones import assess_milestone

    cat = load_catalogue()
    task = cat.indicator("lam-dong.progress-reports")
    never = assess_milestone(task, None, "lam-dong", dt.date(2026, 12, 3))
    assert never.status == "recurring" and never.days_late is None
    assert "không nêu chu kỳ" in never.explain("vi")
    done = assess_milestone(task, {"status": "in_progress", "last_done_on": "2025-03-02"}, "lam-dong", dt.date(2030, 1, 1))
    assert done.status == "recurring" and "02/03/2025" in done.explain("vi")


# 2045 goals with a countable object, each in a vision sentence whose other goals are catalogued.
VISION_GOALS_WITH_AN_OBJECT = {
    "000_e8a0ee78a5b9b026.txt": [r"Có cơ chế, chính sách nhằm phát huy vai trò của các trung tâm"],
    "001_f31f3f139891829a.txt": [r"có một số nhà khoa học có ảnh hưởng trong nước và trên thế giới",
                                 r"một số tổ chức khoa học và công nghệ, cơ sở giáo dục và đào tạo đạt chuẩn quốc gia, quốc tế"],
    "004_954b1b79be3801f7.txt": [r"nhiều nhà khoa học có ảnh hưởng trong khu vực, quốc gia và trên thế giới",
                                 r"một số tổ chức khoa học và công nghệ, cơ sở giáo dục và đào tạo đạt chuẩn quốc tế"],
}


def uncatalogued_vision_goals(cat) -> list[str]:
    out = []
    for doc in cat.documents.values():
        quotes = [normalise(i.quote) for i in cat.indicators if i.document == doc.id and not i.retired]
        for phrase in VISION_GOALS_WITH_AN_OBJECT.get(doc.file, []):
            if not any(re.search(re.escape(phrase), q) for q in quotes):
                out.append(f"{doc.file}: “{phrase}” is in no entry's quote")
    return out


def test_every_2045_goal_with_a_countable_object_is_catalogued():
    cat = load_catalogue()
    assert not uncatalogued_vision_goals(cat)
    for ident in ("bac-giang.influential-scientists-2045", "can-tho.accredited-institutions-2045"):
        entry = cat.indicator(ident)
        assert entry.target.year == 2045 and not entry.measurable


def test_vision_goal_check_fails_when_one_is_dropped():
    import copy

    import yaml

    from tracker.catalogue import DEFAULT_PATH, parse_catalogue

    data = copy.deepcopy(yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8")))
    data["indicators"] = [i for i in data["indicators"] if i["id"] != "can-tho.influential-scientists-2045"]
    missing = uncatalogued_vision_goals(parse_catalogue(data))
    assert len(missing) == 1 and "nhiều nhà khoa học" in missing[0]


# Entries whose sentence names no agency (and whose section heading names none): an agency there
# would be invented. lam-dong.innovation-ecosystem's III.4 sentence names nobody.
AGENCY_NOT_NAMED = {"lam-dong.innovation-ecosystem", "lam-dong.research-institutions-policy-2045"}


def test_no_agency_is_given_where_the_sentence_names_none():
    cat = load_catalogue()
    invented = [i.id for i in cat.indicators if i.id in AGENCY_NOT_NAMED and i.agency is not None]
    assert not invented
    for ident in AGENCY_NOT_NAMED:
        entry = cat.indicator(ident)
        assert "cơ quan chủ trì" in entry.note.vi
