"""The rules the test suite keeps about itself: test modules share code only through tests/support,
and the suite leaves the repository's data/ as it found it (the guard in tests/conftest.py)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from tests.support import ROOT
from tests.support.data_guard import changes, folder_state, verdict

TESTS = ROOT / "tests"
pytest_plugins = ["pytester"]   # the guard is tried on a session of its own


def _imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the file, in functions too; relative ones resolved."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package[:len(package) - node.level + 1])
            found += [(node.lineno, f"{base}.{node.module}")] if node.module else \
                [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, node.module))
    return found


def _offenders(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*.py")):
        if "support" in path.relative_to(folder).parts[:1]:
            continue
        for line, module in _imported_modules(path, folder.parent):
            if (module == "tests" or module.startswith("tests.")) and not (
                    module == "tests.support" or module.startswith("tests.support.")):
                out.append(f"{path.relative_to(folder.parent)}:{line}: {module}")
    return out


def test_no_test_module_imports_another_test_module():
    """A helper two test files need goes to tests/support/, a fixture to a conftest.py."""
    assert _offenders(TESTS) == []


def test_the_import_rule_sees_absolute_relative_and_in_function_imports(tmp_path):
    tests = tmp_path / "tests"
    (tests / "support").mkdir(parents=True)
    (tests / "support" / "pages.py").write_text("from tests.test_a import x\n")   # support itself is not checked
    (tests / "test_a.py").write_text("x = 1\n")
    (tests / "test_b.py").write_text("import tests.support.pages\nfrom tests.support import ROOT\n"
                                     "def f():\n    from tests.test_a import x\n")
    (tests / "test_c.py").write_text("from . import test_a\nfrom .test_a import x\nfrom tests.conftest import TODAY\n")
    assert _offenders(tests) == ["tests/test_b.py:4: tests.test_a", "tests/test_c.py:1: tests.test_a",
                                 "tests/test_c.py:2: tests.test_a", "tests/test_c.py:3: tests.conftest"]


# --- the guard of data/ ------------------------------------------------------------------------------

def test_the_guard_sees_a_folder_created_where_there_was_none(tmp_path):
    data = tmp_path / "data"
    before = folder_state(data)
    assert before is None and verdict(data, before) is None
    (data / "demo").mkdir(parents=True)
    (data / "demo" / "form.xlsx").write_bytes(b"x")
    found = changes(before, folder_state(data))
    assert found == ["the folder was created", "created: .", "created: demo", "created: demo/form.xlsx"]
    assert str(data) in verdict(data, before) and "demo/form.xlsx" in verdict(data, before)


def test_the_guard_sees_files_added_removed_rewritten_or_touched(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    kept, rewritten, touched, removed = (data / n for n in ("kept.toml", "tracker.duckdb", "users.toml", "old.txt"))
    for path in (kept, rewritten, touched, removed):
        path.write_bytes(b"abc")
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    os.utime(data, ns=(1_000_000_000, 1_000_000_000))
    before = folder_state(data)
    assert verdict(data, before) is None                      # nothing done: nothing to say
    rewritten.write_bytes(b"abcd")                            # a size differs
    os.utime(touched, ns=(2_000_000_000, 2_000_000_000))      # same bytes, written again
    removed.unlink()
    (data / "archive").mkdir()
    found = changes(before, folder_state(data))
    assert "created: archive" in found and "removed: old.txt" in found
    assert "changed: tracker.duckdb" in found and "changed: users.toml" in found and "changed: ." in found
    assert not any("kept.toml" in line for line in found)


def test_the_guard_sees_a_file_made_and_removed_again(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.utime(data, ns=(1_000_000_000, 1_000_000_000))
    before = folder_state(data)
    (data / "tracker.duckdb.wal").write_bytes(b"x")
    (data / "tracker.duckdb.wal").unlink()
    assert changes(before, folder_state(data)) == ["changed: ."]


def test_the_guard_sees_the_folder_removed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    before = folder_state(data)
    data.rmdir()
    assert changes(before, folder_state(data)) == ["the folder was removed"]



def test_a_session_that_writes_into_the_guarded_folder_fails(pytester, tmp_path, monkeypatch):
    """The guard as tests/conftest.py uses it: a session-wide fixture whose last teardown fails the run."""
    data = tmp_path / "data"
    pytester.makeconftest(f"""
from pathlib import Path
from tests.support.data_guard import guard_fixture

data_untouched = guard_fixture(Path({str(data)!r}))
""")
    pytester.makepyfile(test_clean="def test_clean():\n    pass\n", test_writes=f"""
from pathlib import Path

def test_forgets_its_fixture():
    Path({str(data)!r}).mkdir()
    (Path({str(data)!r}) / "tracker.duckdb").write_bytes(b"x")
""")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*the test session created or changed*", "*created: tracker.duckdb*"])
    assert "2 passed, 1 error" in result.stdout.str()
    data.joinpath("tracker.duckdb").unlink()
    data.rmdir()
    assert pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_clean.py").ret == 0   # untouched: no error


def test_a_test_without_an_installation_fixture_still_gets_temporary_folders():
    """The session's own TRACKER_* (tests/conftest.py): the defaults of a test that forgot its fixture."""
    from tracker.catalogue import cache_dir
    from tracker.core.settings import load_settings

    s = load_settings()
    for path in (s.db_path, s.users_file, s.archive_dir, s.demo_dir, s.catalogue_dir, cache_dir()):
        assert ROOT not in path.parents, path
