"""Shared fixtures: a database seeded with the demo data through the real CLI, in a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The demo and the locks depend on "today"; tests pin it so that 2026-Q3 is the latest ended quarter
# and still open for upload (30 days after 30/9/2026).
TODAY = "2026-10-15"
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> dict[str, str]:
    """Environment of a seeded installation: demo database, users file, archive, pinned today."""
    from tracker.cli import main

    base = tmp_path_factory.mktemp("seeded")
    env = {
        "TRACKER_DB": str(base / "tracker.duckdb"),
        "TRACKER_USERS": str(base / "users.toml"),
        "TRACKER_TODAY": TODAY,
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        assert main(["seed", "--if-empty"]) == 0
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return env


@pytest.fixture
def seeded_env(seeded, monkeypatch) -> dict[str, str]:
    for k, v in seeded.items():
        monkeypatch.setenv(k, v)
    return seeded


@pytest.fixture
def empty_env(tmp_path, monkeypatch) -> dict[str, str]:
    env = {
        "TRACKER_DB": str(tmp_path / "empty.duckdb"),
        "TRACKER_USERS": str(tmp_path / "users.toml"),
        "TRACKER_TODAY": TODAY,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
