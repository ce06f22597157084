"""The import guard (issue 18): `lint-imports` with the contracts of .importlinter — the layers of
tracker/, tracker.core importing nothing else of tracker, no cycle between sibling modules — keeps the
repository's code green, and refuses an upward import, an import out of core and a new cycle when one
is added to a copy of the package (so the guard is shown able to fail, not only to pass)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    assert LINT_IMPORTS.exists(), f"{LINT_IMPORTS} missing: pip install -r requirements-dev.txt (import-linter)"
    # The package is found on the path of the folder checked, never an installed copy.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)}, timeout=120)


def test_the_repository_keeps_every_contract():
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 3 kept, 0 broken." in run.stdout


@pytest.fixture
def package_copy(tmp_path):
    """The tracker package and the contracts, copied where an import can be added without touching
    the repository."""
    shutil.copytree(ROOT / "tracker", tmp_path / "tracker", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _add(copy: Path, module: str, code: str) -> None:
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code + "\n", encoding="utf-8")


@pytest.mark.parametrize(("module", "code", "said"), [
    # storage importing the accounts above it, inside a function (grimp sees those too)
    ("tracker/storage/records.py", "def _upward():\n    from tracker.accounts import users  # noqa: F401",
     "tracker.storage is not allowed to import tracker.accounts"),
    # the catalogue reaching up to the reporting cycle (approval), two layers above it
    ("tracker/catalogue/loading.py", "def _upward():\n    import tracker.reporting.approval  # noqa: F401",
     "tracker.catalogue is not allowed to import tracker.reporting"),
    # core importing anything of tracker outside core
    ("tracker/core/measures.py", "from tracker.storage import records  # noqa: F401",
     "tracker.core is not allowed to import tracker.storage"),
    # a cycle between two modules of one package: calendar imports periods, then periods -> calendar
    ("tracker/core/periods.py", "def _cycle():\n    import tracker.core.calendar  # noqa: F401",
     "No cycles are allowed in tracker.core."),
])
def test_the_guard_refuses_an_upward_import_and_a_cycle(package_copy, module, code, said):
    assert _lint(package_copy).returncode == 0         # the copy as it is passes
    _add(package_copy, module, code)
    run = _lint(package_copy)
    assert run.returncode == 1, run.stdout
    assert said in run.stdout
