"""The parsed catalogue kept on disk: used only for the exact bytes it was made from, never for a broken
or changed file, and the cross-checks stay linear (no list membership) for a national catalogue."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from tracker.catalogue import loading, models, yaml_files
from tracker.catalogue.yaml_files import cache_file
from tracker.catalogue import DEFAULT_PATH, CatalogueError, content_hash, parse_once


class Parsed(list):
    """The files whose YAML was parsed, one list of paths a parse; ``pieces``: the texts of each parse by
    entry (tracker.catalogue.yaml_entries)."""

    def __init__(self):
        super().__init__()
        self.pieces: list[list[str]] = []


@pytest.fixture
def files(tmp_path, monkeypatch):
    """A copy of indicators.yaml and a cache folder of its own; counts how often YAML is parsed."""
    main = tmp_path / "indicators.yaml"
    shutil.copy(DEFAULT_PATH, main)
    cache = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(cache))
    parsed = Parsed()
    whole, by_entry = yaml_files._parse_whole, yaml_files._parse_entries

    def counting(path, text):
        parsed.append([path])
        return whole(path, text)

    def counting_entries(path, texts):
        parsed.append([path])
        parsed.pieces.append(list(texts))
        return by_entry(path, texts)


    monkeypatch.setattr(yaml_files, "_parse_whole", counting)
    monkeypatch.setattr(yaml_files, "_parse_entries", counting_entries)
    return main, cache, parsed


def ids(catalogue) -> list[str]:
    return [i.id for i in catalogue.indicators]


def test_second_load_reads_the_kept_copy_not_the_yaml(files):
    main, cache, parsed = files
    first = parse_once([main])
    assert len(parsed) == 1
    kept = list(cache.glob("catalogue-*.pickle"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0 and cache.stat().st_mode & 0o077 == 0   # owner-only
    second = parse_once([main])
    assert len(parsed) == 1                       # no second parse
    assert second is not first and ids(second) == ids(first)
    assert second.indicator(first.indicators[0].id) == first.indicators[0]


def test_changed_bytes_are_parsed_again_and_the_copy_replaced(files):
    main, cache, parsed = files
    parse_once([main])
    old = {p: p.read_bytes() for p in cache.glob("catalogue-*.pickle")}
    main.write_text(main.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    parse_once([main])
    assert len(parsed) == 2
    now = {p: p.read_bytes() for p in cache.glob("catalogue-*.pickle")}
    assert list(now) == list(old) == [cache_file(main)] and now != old     # one copy a file, made anew


def test_a_programme_file_is_part_of_the_hash(files, tmp_path):
    main, _, _ = files
    extra = tmp_path / "programme.yaml"
    extra.write_text("jurisdictions: []\ndocuments: []\nindicators: []\n", encoding="utf-8")
    assert content_hash([main]) != content_hash([main, extra])
    before = content_hash([main, extra])
    extra.write_text("jurisdictions: []\ndocuments: []\nindicators: []\nconcepts: []\n", encoding="utf-8")
    assert content_hash([main, extra]) != before


@pytest.mark.parametrize("content", [b"not a pickle", pickle.dumps(("another digest", None, {})), pickle.dumps([1, 2]),
                                     pickle.dumps(("another digest", None))])
def test_a_damaged_or_foreign_copy_is_ignored(files, content):
    main, cache, parsed = files
    cache.mkdir()
    cache_file(main).write_bytes(content)
    catalogue = parse_once([main])
    assert len(parsed) == 1 and catalogue.indicators


def test_a_copy_made_for_other_bytes_is_not_used(files, tmp_path):
    """A kept copy whose stored digest is not this file's (renamed into place) is parsed over."""
    main, cache, parsed = files
    other = tmp_path / "other.yaml"
    other.write_text(main.read_text(encoding="utf-8").replace("Bắc Giang", "Bắc Giang (khác)", 1), encoding="utf-8")
    parse_once([other])
    stored = pickle.loads(cache_file(other).read_bytes())
    assert stored[0] == content_hash([other])
    cache_file(main).write_bytes(pickle.dumps((stored[0], stored[1], {})))   # other's values, no entries
    assert parse_once([main]).name("bac-giang") == "Bắc Giang"
    assert [p[0].name for p in parsed] == ["other.yaml", "indicators.yaml"]


def test_a_broken_file_fails_and_nothing_is_kept(files):
    main, cache, _ = files
    main.write_text("jurisdictions: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        parse_once([main])
    assert "not valid YAML" in str(info.value)
    assert not list(cache.glob("catalogue-*.pickle"))


def test_an_unwritable_cache_folder_only_means_parsing_each_time(files, monkeypatch, tmp_path):
    main, _, parsed = files
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(blocker / "cache"))   # a folder under a file cannot exist
    assert parse_once([main]).indicators and parse_once([main]).indicators
    assert len(parsed) == 2


class CountingId(str):
    """An id that counts how often it is compared: a set or dict lookup compares about once, a scan of
    a list compares with every entry before the match."""

    comparisons = 0

    def __eq__(self, other):
        CountingId.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_cross_checks_look_ids_up_instead_of_scanning(monkeypatch):
    """With 300 more units listed first, every reference is still checked with about one comparison:
    the checks grow with the catalogue, not with its square (the issue measured 0,7 s → 10,3 s for
    three times the units when they scanned lists)."""
    import yaml

    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    extra = [{"id": f"don-vi-{n:03d}", "name": {"vi": f"Đơn vị {n}", "en": f"Unit {n}"}, "level": "province"}
             for n in range(300)]
    raw["jurisdictions"] = extra + raw["jurisdictions"]
    original = models.CatalogueFile.model_validate
    references = []

    def validate(data):
        result = original(data)
        for d in result.documents:
            object.__setattr__(d, "jurisdiction", CountingId(d.jurisdiction))
            references.append(d)
        for i in result.indicators:
            object.__setattr__(i, "jurisdiction", CountingId(i.jurisdiction))
            object.__setattr__(i, "document", CountingId(i.document))
            references.extend([i, i])
        for j in result.jurisdictions:
            if j.successor:
                object.__setattr__(j, "successor", CountingId(j.successor))
                references.append(j)
        CountingId.comparisons = 0
        return result

    monkeypatch.setattr(models.CatalogueFile, "model_validate", staticmethod(validate))
    catalogue = loading.parse_catalogue(raw)
    assert len(catalogue.jurisdictions) > 300 and len(references) > 100
    # Scanning the list of units would cost over 300 comparisons per reference.
    assert CountingId.comparisons <= 4 * len(references)


# --- the key covers the code that shapes the catalogue, not catalogue.py alone ----------------------

def copy_sources(root) -> tuple:
    """The catalogue's shaping modules copied under ``root`` as they lie in the repository, and their
    import closure computed there."""
    from tracker.core.module_sources import ROOT, import_closure

    for source in yaml_files.model_sources():
        target = root / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return import_closure("tracker.catalogue", root)


def test_the_key_covers_every_tracker_module_parsing_loads():
    """Whatever a fresh process has loaded of tracker once it has parsed the catalogue is in the key:
    the models it imports (core/measures.py …), the packages on the way, imports made inside functions, the
    cache code of load_catalogue."""
    import subprocess
    import sys

    from tracker.core.module_sources import ROOT

    script = ("import sys\nimport tracker.catalogue as c\nc.load_catalogue()\n"
              "print('\\n'.join(m.__file__ for n, m in list(sys.modules.items())"
              " if n.split('.')[0] == 'tracker' and getattr(m, '__file__', None)))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    loaded = {Path(p).resolve() for p in run.stdout.split()}
    keyed = set(yaml_files.model_sources())
    assert loaded and loaded <= keyed, sorted(map(str, loaded - keyed))
    for must in ("tracker/catalogue/models.py", "tracker/catalogue/loading.py", "tracker/catalogue/yaml_files.py",
                 "tracker/catalogue/yaml_entries.py", "tracker/catalogue/yaml_reader.py", "tracker/core/measures.py",
                 "tracker/core/collector.py", "tracker/__init__.py"):
        assert ROOT / must in keyed


def test_changing_any_shaping_module_changes_the_key(tmp_path):
    main = tmp_path / "indicators.yaml"
    shutil.copy(DEFAULT_PATH, main)
    sources = copy_sources(tmp_path / "code")
    assert len(sources) == len(yaml_files.model_sources()) >= 5
    assert content_hash([main]) == content_hash([main], yaml_files.model_sources())   # the default is the closure
    before = content_hash([main], sources)
    assert before == content_hash([main], sources)
    for source in sources:
        code = source.read_bytes()
        source.write_bytes(code + b"\n# an edit\n")
        assert content_hash([main], sources) != before, source
        source.write_bytes(code)
    assert content_hash([main], sources) == before


def test_a_changed_model_parses_again_instead_of_loading_the_old_copy(files, tmp_path, monkeypatch):
    main, cache, parsed = files
    sources = copy_sources(tmp_path / "code")
    monkeypatch.setattr(yaml_files, "model_sources", lambda: sources)
    parse_once([main])
    parse_once([main])
    assert len(parsed) == 1
    measures = next(s for s in sources if s.name == "measures.py")
    measures.write_text(measures.read_text(encoding="utf-8") + "\n# a changed unit of measure\n", encoding="utf-8")
    parse_once([main])
    assert len(parsed) == 2 and len(list(cache.glob("catalogue-*.pickle"))) == 1
    # no entry of the copy made by the other code is reused: every section is parsed again
    assert len(parsed.pieces[-1]) == len(parsed.pieces[0]) == 5


def test_an_edited_entry_of_the_main_file_is_seen_and_only_it_is_parsed_again(files):
    """Issue 24 goal 3: a change to the big catalogue file parses again only the entries it changed, and
    the catalogue loaded is the file's as it now is."""
    main, cache, parsed = files
    before = parse_once([main])
    text = main.read_text(encoding="utf-8")
    main.write_text(text.replace('vi: "Bắc Giang"', 'vi: "Bắc Giang (đã sửa)"', 1), encoding="utf-8")
    after = parse_once([main])
    assert before.name("bac-giang") == "Bắc Giang" and after.name("bac-giang") == "Bắc Giang (đã sửa)"
    assert ids(after) == ids(before)
    assert len(parsed) == 2 and len(parsed.pieces[-1]) == 1          # one entry, not the file
    assert "id: bac-giang\n" in parsed.pieces[-1][0]
    main.write_text(text, encoding="utf-8")                                       # put back: seen too
    assert parse_once([main]).name("bac-giang") == "Bắc Giang"
    assert len(list(cache.glob("catalogue-*.pickle"))) == 1


def test_the_closure_follows_imports_at_the_top_inside_functions_and_relative(tmp_path):
    from tracker.core.module_sources import import_closure

    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {"__init__.py": "", "a.py": "import json\nfrom pkg.b import thing\n",
             "b.py": "thing = 1\n\ndef later():\n    from . import c\n", "c.py": "import pkg.sub.d\n",
             "sub/__init__.py": "", "sub/d.py": "from ..e import *\n", "e.py": "", "unrelated.py": ""}
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    got = {p.relative_to(pkg).as_posix() for p in import_closure("pkg.a", tmp_path)}
    assert got == {"__init__.py", "a.py", "b.py", "c.py", "sub/__init__.py", "sub/d.py", "e.py"}


# --- one kept copy per file: a programme saved reads only its own YAML (issue 24 goal 3) ------------

def programme(unit: str, name: str) -> str:
    return (f"jurisdictions:\n- id: {unit}\n  name: {{vi: \"{name}\", en: \"{unit}\"}}\n  level: province\n"
            "documents: []\nindicators: []\n")


def test_a_changed_programme_reads_only_its_own_yaml(files, tmp_path):
    main, cache, parsed = files
    first, second = tmp_path / "a-mot.yaml", tmp_path / "b-hai.yaml"
    first.write_text(programme("thu-mot", "Tỉnh Thử Một"), encoding="utf-8")
    second.write_text(programme("thu-hai", "Tỉnh Thử Hai"), encoding="utf-8")
    before = parse_once([main, first, second])
    assert sorted(p[0].name for p in parsed) == ["a-mot.yaml", "b-hai.yaml", "indicators.yaml"]
    assert len(list(cache.glob("catalogue-*.pickle"))) == 3
    second.write_text(programme("thu-hai", "Tỉnh Thử Hai (sửa)"), encoding="utf-8")
    parsed.clear()
    after = parse_once([main, first, second])
    assert [p[0].name for p in parsed] == ["b-hai.yaml"]            # neither indicators.yaml nor a-mot.yaml
    assert after.name("thu-hai") == "Tỉnh Thử Hai (sửa)" and before.name("thu-hai") == "Tỉnh Thử Hai"
    assert ids(after) == ids(before) and after.name("thu-mot") == "Tỉnh Thử Một"
    assert len(list(cache.glob("catalogue-*.pickle"))) == 3          # the old copy of b-hai.yaml is gone
    parsed.clear()
    parse_once([main, first])                                          # a programme removed: nothing read
    assert parsed == [] and len(list(cache.glob("catalogue-*.pickle"))) == 2


def test_the_kept_copy_is_validated_on_every_load(files, monkeypatch):
    """The copy holds the YAML's values, not validated models: a load from it is checked like a load
    from the YAML, so a rule that changed (or a model) applies without a stale copy being trusted."""
    main, _, parsed = files
    parse_once([main])
    validated = []
    original = models.CatalogueFile.model_validate
    monkeypatch.setattr(models.CatalogueFile, "model_validate",
                        staticmethod(lambda data: validated.append(1) or original(data)))
    assert parse_once([main]).indicators
    assert len(parsed) == 1 and validated == [1]


def test_a_damaged_programme_is_left_out_from_its_kept_copy_too(files, tmp_path):
    main, cache, parsed = files
    good, bad = tmp_path / "a-tot.yaml", tmp_path / "b-hong.yaml"
    good.write_text(programme("thu-mot", "Tỉnh Thử Một"), encoding="utf-8")
    bad.write_text(programme("thu-mot", "Lặp lại"), encoding="utf-8")   # a unit id given twice
    for _ in range(2):
        catalogue = parse_once([main, good, bad])
        assert catalogue.name("thu-mot") == "Tỉnh Thử Một"
        assert [Path(p).name for p, _ in catalogue.skipped_programmes] == ["b-hong.yaml"]
        assert "duplicate id" in catalogue.skipped_programmes[0][1][0]
    assert len(parsed) == 3                                            # the second load read no YAML
    assert parse_once([main, good]).skipped_programmes == []


class _Planted:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_an_owner_only_copy_holding_anything_but_yaml_values_is_not_built(files, tmp_path):
    """Even a file that passes the owner check, with the right digest, is unpickled only as far as YAML
    values go: a class (here one whose loading would write a file) makes it ignored."""
    main, cache, parsed = files
    marker = tmp_path / "planted-code-ran"
    digest = content_hash([main])
    cache.mkdir(mode=0o700)
    copy = cache_file(main)
    copy.write_bytes(pickle.dumps((digest, {"jurisdictions": [_Planted(marker)]}, {})))
    copy.chmod(0o600)
    assert parse_once([main]).indicators
    assert not marker.exists() and len(parsed) == 1


def test_the_key_changes_when_a_file_is_put_back_with_its_old_time(tmp_path, monkeypatch):
    import os

    main = tmp_path / "indicators.yaml"
    shutil.copy(DEFAULT_PATH, main)
    before = loading.catalogue_key(main)
    stamp = main.stat().st_mtime_ns
    main.write_text(main.read_text(encoding="utf-8") + "\n# restored from another backup\n", encoding="utf-8")
    os.utime(main, ns=(stamp, stamp))
    assert loading.catalogue_key(main) != before


def test_the_copy_is_made_from_one_read_of_the_file(files, monkeypatch):
    """The hash a copy is kept under and the values kept are of the same bytes: a file saved again while
    it is being read can never leave values of one version under the hash of another."""
    main, _, _ = files
    reads = []
    real_bytes, real_text = Path.read_bytes, Path.read_text
    monkeypatch.setattr(Path, "read_bytes", lambda self: (self == main and reads.append(1)) or real_bytes(self))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: (self == main and reads.append(1)) or real_text(self, *a, **k))
    parse_once([main])
    assert len(reads) == 1
    main.write_text(real_text(main, encoding="utf-8").replace('vi: "Bắc Giang"', 'vi: "Bắc Giang (mới)"', 1),
                    encoding="utf-8")
    reads.clear()
    assert parse_once([main]).name("bac-giang") == "Bắc Giang (mới)" and len(reads) == 1
