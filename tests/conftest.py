"""Shared fixtures: a database seeded with the demo data through the real CLI, in a temp folder.

The whole session runs with TRACKER_* pointing into a temp folder of its own, so that a test that
forgets its fixture still cannot reach the repository's data/; and data/ is checked to be as the
session found it (tests/support/data_guard.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support import OUTPUT, ROOT, TODAY  # noqa: F401 (ROOT, TODAY: for a module not yet moved to tests.support)
from tests.support.data_guard import DATA, guard_fixture
from tests.support.installation import installation
from tests.support.postgres import pg_url, postgres  # noqa: F401 (fixtures every test may ask for)

# Variables a developer's shell may hold for a real installation: the tests never follow them.
_FOREIGN = ("TRACKER_CATALOGUE_DIR", "TRACKER_TODAY")
_session_base: Path | None = None


def pytest_configure(config):
    """Before any test module is imported: every default path of the tracker in a session temp folder,
    and no settings.toml of the checkout (an empty settings file of the session's own)."""
    global _session_base
    _session_base = Path(tempfile.mkdtemp(prefix="nq45-tests-"))
    for var in _FOREIGN:
        os.environ.pop(var, None)
    (_session_base / "settings.toml").write_text("", encoding="utf-8")
    os.environ.update({
        "TRACKER_DB": str(_session_base / "tracker.duckdb"),
        "TRACKER_USERS": str(_session_base / "users.toml"),
        "TRACKER_SETTINGS": str(_session_base / "settings.toml"),
        # One catalogue cache for the session (its tests set their own).
        "TRACKER_CACHE_DIR": str(_session_base / "cache"),
        # Issue 21 made approval the default; the tests written before it expect an upload to be current
        # at once, as an installation with `approval = false` has it. The approval tests turn it on
        # (tests/reporting/test_approval*.py, tests/e2e/test_approval_flow.py), child processes inherit either.
        "TRACKER_APPROVAL": "false",
    })


def pytest_unconfigure(config):
    if _session_base is not None:
        shutil.rmtree(_session_base, ignore_errors=True)


# The repository's data/ (the installation `make run` serves) is as it was when the session started.
data_untouched = guard_fixture(DATA)


def _with_env(env: dict[str, str], work) -> None:
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        work()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> dict[str, str]:
    """Environment of a seeded installation: demo database, users file, archive, pinned today."""
    from tracker.cli import main

    env = installation(tmp_path_factory.mktemp("seeded"))

    def seed():
        assert main(["seed", "--if-empty"]) == 0

    _with_env(env, seed)
    return env


@pytest.fixture
def seeded_env(seeded, monkeypatch) -> dict[str, str]:
    for k, v in seeded.items():
        monkeypatch.setenv(k, v)
    return seeded


@pytest.fixture
def empty_env(tmp_path, monkeypatch) -> dict[str, str]:
    env = installation(tmp_path)
    env["TRACKER_DB"] = str(tmp_path / "empty.duckdb")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture
def own_copy(seeded, tmp_path, monkeypatch) -> Path:
    """A private copy of the seeded installation, so that what a test stores stays in that test."""
    dest = tmp_path / "install"
    shutil.copytree(Path(seeded["TRACKER_DB"]).parent, dest)
    for k, v in installation(dest, today=seeded["TRACKER_TODAY"]).items():
        monkeypatch.setenv(k, v)
    return dest


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
