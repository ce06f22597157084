"""Every target traces back to its document: quotes are verbatim, and no number in a goals section is left out."""

import re

import pytest

from tracker.catalogue import BUNDLED_SEEDS, load_catalogue, seeds_dir, shared_seeds_dir
from tracker.sources import normalise, quote_problems, read_document


def test_the_documents_are_there():
    """The checks below must run on every clone: seeds/ carries the documents when ../shared does not."""
    cat = load_catalogue()
    for doc in cat.documents.values():
        assert (seeds_dir() / doc.file).is_file(), doc.file


@pytest.mark.skipif(not shared_seeds_dir().exists(), reason="no ../shared/seeds to compare the bundled copy with")
def test_bundled_copy_is_the_shared_documents():
    for path in shared_seeds_dir().iterdir():
        assert (BUNDLED_SEEDS / path.name).read_bytes() == path.read_bytes(), path.name

# Numbers in the goals sections (II) that are not targets, with the reason.
NOT_TARGETS = {
    "002_873c75f986b45909.txt": {
        "4": "“Cách mạng công nghiệp lần thứ 4” — the name of a revolution",
    },
}

_HEADING_II = re.compile(r"^\s*II\s*[.\-–]\s*", re.MULTILINE)
_HEADING_III = re.compile(r"^\s*III\s*[.\-–]\s*", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\w/.,-])\d+(?:[.,]\d+)*(?:\s*%)?")
_NOT_A_QUANTITY = [
    re.compile(r"\d+\s*-\s*(?:NQ|KH|CTr)/\w+"),      # document numbers: 45-NQ/TW
    re.compile(r"\d{1,2}/\d{1,2}/\d{4}"),              # dates
    re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)"),        # years
    re.compile(r"^\s*\d+(?:\.\d+)*\.\s", re.MULTILINE),  # section numbers "2.2." at a line start
    re.compile(r"^\s*\d+\s*$", re.MULTILINE),                # page numbers left by the PDF
]


def goals_section(text: str) -> str:
    start = _HEADING_II.search(text)
    end = _HEADING_III.search(text, start.end()) if start else None
    assert start and end, "could not find sections II and III"
    return text[start.end():end.start()]


def quantities(text: str) -> set[str]:
    for pattern in _NOT_A_QUANTITY:
        text = pattern.sub(" ", text)
    text = normalise(text)
    return {re.sub(r"\s+", "", m.group(0)).rstrip("%") for m in _NUMBER.finditer(text)}


def test_every_quote_is_in_its_document():
    problems = quote_problems(load_catalogue())
    assert not problems, "\n".join(problems)


def test_quote_check_can_fail():
    cat = load_catalogue()
    ind = cat.indicators[0]
    text = normalise(read_document(cat.document_of(ind).file))
    assert normalise(ind.quote) in text
    assert normalise(ind.quote.replace("9", "8")) not in text or "9" not in ind.quote


def test_every_number_in_goal_sections_is_a_target():
    cat = load_catalogue()
    missing = []
    for doc in cat.documents.values():
        section = goals_section(read_document(doc.file))
        numeric_quotes = " ".join(normalise(i.quote) for i in cat.indicators if i.document == doc.id and i.is_numeric)
        covered = quantities(numeric_quotes)
        for number in sorted(quantities(section)):
            if number in NOT_TARGETS.get(doc.file, {}):
                continue
            if number not in covered:
                missing.append(f"{doc.file}: {number!r} in section II is in no numeric target's quote")
    assert not missing, "\n".join(missing)


def test_quantities_ignores_years_dates_and_document_numbers():
    text = "Nghị quyết số 45-NQ/TW ngày 24/11/2023 đến năm 2030: trên 90.000 người, 0,5% và 02 - 03 tiến sĩ"
    assert quantities(text) == {"90.000", "0,5", "02", "03"}
