"""tracker.catalogue.yaml_reader gives exactly what yaml.load(text, Loader=yaml.CSafeLoader) gives: the same
values, the same sharing of aliased lists and mappings, the same error, on every YAML file of the
repository and on the corners of YAML 1.1 a catalogue could hold."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.catalogue_yaml import dumped_like_the_bench
from tracker.catalogue import yaml_reader
from tracker.catalogue.yaml_reader import load

ROOT = Path(__file__).resolve().parents[2]
PYYAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def outcome(read, text: str):
    try:
        return "values", read(text)
    except Exception as exc:   # the same kind of error with the same words
        return "error", type(exc).__name__, str(exc)


def pyyaml(text: str):
    return yaml.load(text, Loader=PYYAML)


def repository_yaml() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.yaml", "*.yml"], cwd=ROOT, capture_output=True, text=True)
    return [ROOT / name for name in listed.stdout.split()] or [ROOT / "indicators.yaml"]


@pytest.mark.parametrize("path", repository_yaml(), ids=lambda p: p.name)
def test_every_yaml_file_of_the_repository_reads_the_same(path):
    text = path.read_text(encoding="utf-8")
    assert outcome(load, text) == outcome(pyyaml, text)


def test_a_catalogue_dumped_as_the_bench_and_the_page_write_one_reads_the_same():
    text = dumped_like_the_bench(6)
    assert "*id001" in text and load(text) == pyyaml(text)


CORNERS = {
    "booleans and nulls": "a: yes\nb: No\nc: on\nd: OFF\ne: ~\nf: null\ng: ''\nh:\n",
    "numbers": "a: 017\nb: 0x1F\nc: 1:30\nd: .inf\ne: -.NaN\nf: 1_000\ng: 1e3\nh: 0b101\ni: +12\nj: 3.\n",
    "dates": "a: 2024-01-02\nb: 2024-01-02 10:00:00+07:00\nc: 2024-1-2T3:04:05Z\nd: '2024-01-02'\n",
    "explicit tags": "a: !!str 5\nb: !!float 1\nc: !!int '7'\n",
    "flow": "a: [1, 2, {b: c}]\nd: {e: [f, g]}\n",
    "merge keys": "base: &b {x: 1, y: 1}\nd:\n  <<: *b\n  y: 2\n",
    "a set, an omap, pairs, binary": "s: !!set {a, b}\no: !!omap [a: 1]\np: !!pairs [a: 1]\nb: !!binary aGVsbG8=\n",
    "a value key": "=: 1\nv: =\n",
    "duplicate keys": "a: 1\na: 2\n",
    "a key that is a list": "? [1, 2]\n: x\n",
    "empty": "",
    "a comment only": "# nothing\n",
    "a list at the top": "- 1\n- two\n",
    "block scalars": "a: |\n  one\n  two\nb: >-\n  folded\n  text\n",
    "an invalid date": "x: 2024-13-45\n",
    "a wrong explicit int": "x: !!int abc\n",
    "a tag it does not know": "x: !thing 1\n",
    "an undefined alias": "x: *nothing\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "broken": "a: [1, 2\n",
}


@pytest.mark.parametrize("text", CORNERS.values(), ids=CORNERS.keys())
def test_the_corners_of_yaml_read_the_same(text):
    assert outcome(load, text) == outcome(pyyaml, text)


def test_an_aliased_list_is_one_object_as_in_pyyaml():
    values = load("a: &x [1, {b: 2}]\nc: *x\nd: [*x]\n")
    assert values["a"] is values["c"] is values["d"][0]
    assert values == pyyaml("a: &x [1, {b: 2}]\nc: *x\nd: [*x]\n")


def test_plain_data_is_built_by_the_direct_walk_and_the_rest_by_pyyaml(monkeypatch):
    """The speed comes from the walk: it must be what reads plain catalogue data, and hand over the rest."""
    handed = []
    real = yaml_reader._Loader.construct_document
    monkeypatch.setattr(yaml_reader._Loader, "construct_document", lambda self, node: handed.append(1) or real(self, node))
    load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    assert handed == []
    load(CORNERS["merge keys"])
    assert handed == [1]
