"""A catalogue file read by entry (tracker.catalogue.yaml_entries) means exactly what it means read whole:
for every bundled file, after an edit, with aliases between entries, and where a line only looks like an
entry's start; an edited file parses again only the entries it changed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tracker.catalogue import yaml_entries
from tests.support.catalogue_yaml import dumped_like_the_bench
from tracker.catalogue.yaml_entries import NotCut, cut, read

ROOT = Path(__file__).resolve().parents[2]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def whole(text: str) -> object:
    return yaml.load(text, Loader=LOADER)


class Parser:
    """Parses pieces as the catalogue does, and remembers which texts it was given."""

    def __init__(self):
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> list:
        self.texts.extend(texts)
        return [whole(t) for t in texts]


def by_entry(text: str, kept: dict | None = None) -> tuple[object, dict, Parser]:
    parser = Parser()
    values, keep = read(text, kept or {}, parser)
    return values, keep, parser


def bundled_texts() -> list[tuple[str, str]]:
    files = [ROOT / "indicators.yaml", *sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))]
    return [(p.name, p.read_text(encoding="utf-8")) for p in files] + [("dumped", dumped_like_the_bench())]


@pytest.mark.parametrize(("name", "text"), bundled_texts(), ids=[n for n, _ in bundled_texts()])
def test_every_bundled_file_reads_by_entry_as_it_reads_whole(name, text):
    values, keep, _ = by_entry(text)          # each is cut (NotCut would fail the test)
    assert values == whole(text)
    again, _, parser = by_entry(text, keep)
    assert again == whole(text) and parser.texts == []          # everything from what was kept


def test_indicators_yaml_and_a_dumped_catalogue_are_read_by_entry():
    """Both layouts are cut (entries at column 2 and at 0), comments holding "*" included."""
    bundled = cut((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    assert [s.key for s in bundled] == ["jurisdictions", "documents", "concepts", "agencies", "indicators"]
    assert sum(n for _, n in next(s for s in bundled if s.key == "indicators").groups) > 100
    dumped = {s.key: s for s in cut(dumped_like_the_bench())}
    assert sum(n for _, n in dumped["indicators"].groups) == len(dumped["indicators"].groups) == 20


def test_one_changed_entry_is_the_only_text_parsed_again():
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    _, keep, _ = by_entry(text)
    edited = text.replace('vi: "Bắc Giang"', 'vi: "Bắc Giang (sửa)"', 1)
    assert edited != text
    values, _, parser = by_entry(edited, keep)
    assert values == whole(edited)
    assert len(parser.texts) == 1 and "id: bac-giang\n" in parser.texts[0] and parser.texts[0].count("- id:") == 1


def test_an_alias_is_parsed_with_the_entry_of_its_anchor():
    """The dumped documents share their date through an anchor in the first: a changed anchor reaches
    every entry that names it, because they are one group."""
    text = dumped_like_the_bench()
    assert "&id001" in text and "*id001" in text
    documents = next(s for s in cut(text) if s.key == "documents")
    assert len(documents.groups) == 1 and documents.groups[0][1] == 4
    _, keep, _ = by_entry(text)
    edited = text.replace("&id001 2024-03-06", "&id001 2024-04-07", 1)
    assert edited != text
    values, _, parser = by_entry(edited, keep)
    assert values == whole(edited) and {str(d["date"]) for d in values["documents"]} == {"2024-04-07"}
    assert len(parser.texts) == 1


@pytest.mark.parametrize("text", [
    "indicators:\n- id: a\nversion: 2\n",                                  # a key that is not a catalogue key
    "indicators:\n- id: a\nindicators:\n- id: b\n",                        # a key given twice
    "indicators:\n- id: a\n\tname: x\n",                                   # a tab
    "\ufeffindicators:\n- id: a\n",                                        # a byte-order mark
    "  indicators:\n  - id: a\n",                                          # an indented top level
    "- id: a\n",                                                           # a list at the top
    "documents:\n- id: d\n  date: &day 2024-01-01\nindicators:\n- id: a\n  date: *day\n",  # an alias across lists
    "indicators:\n  - id: a\n name: x\n",                                  # a line left of the entries
    "indicators:\n  - id: a\n  name: x\n",                                 # a line at the entries' column
    "--- \nindicators:\n- id: a\n",                                        # a document marker
])
def test_a_layout_it_does_not_know_is_not_cut(text):
    with pytest.raises(NotCut):
        read(text, {}, Parser())


@pytest.mark.parametrize("text", [
    'indicators:\n- id: a\n  quote: "first line\n- not an entry"\n- id: b\n',
    'indicators:\n- id: a\n  quote: "first line\ndocuments: not a key"\n- id: b\n',
])
def test_a_line_that_only_looks_like_an_entry_start_leaves_the_file_read_whole(text, tmp_path, monkeypatch):
    """Inside a quoted scalar: the piece before it is cut off inside the quote and fails to parse, or the
    count of entries differs; the file is then read whole, and means what it means."""
    from tracker.catalogue import yaml_files

    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception):
        read(text, {}, Parser())
    wholes = []
    real = yaml_files._parse_whole
    monkeypatch.setattr(yaml_files, "_parse_whole", lambda p, t: wholes.append(p) or real(p, t))
    values, keep = yaml_files._read_by_entry(path, text, {})
    assert values == whole(text) and keep == {} and wholes == [path]


def test_kept_entries_never_stand_in_for_text_cut_inside_a_quote():
    """An entry kept from an earlier version whose text now follows an unclosed quote is not used to
    skip the quote's piece: that piece must be parsed, and fails."""
    before = "indicators:\n- id: a\n- not an entry\"\n- id: b\n"
    _, keep, _ = by_entry(before)
    after = 'indicators:\n- id: a\n  quote: "first line\n- not an entry"\n- id: b\n'
    with pytest.raises(yaml.YAMLError):
        by_entry(after, keep)


def test_a_star_or_ampersand_in_words_neither_joins_entries_nor_stops_the_cut():
    """"KH & CN", "a * b", "**đậm**", "*.yaml" in quotes are text: each entry stays its own piece."""
    text = ('indicators:\n- id: a\n  quote: "KH & CN, a * b"\n- id: b\n  quote: "**đậm** và *.yaml"\n'
            '- id: c\n  quote: "R&D *nghiêng*"\n')
    [section] = cut(text)
    assert [n for _, n in section.groups] == [1, 1, 1]
    values, _, _ = by_entry(text)
    assert values == whole(text)


def test_only_what_is_still_in_the_file_is_kept():
    text = "indicators:\n- id: a\n- id: b\n"
    _, keep, _ = by_entry(text)
    _, keep_after, _ = by_entry("indicators:\n- id: a\n- id: c\n", keep)
    assert len(keep) == len(keep_after) == 2 and set(keep) != set(keep_after)
    assert yaml_entries.entry_key("indicators", "- id: a\n") in keep_after
