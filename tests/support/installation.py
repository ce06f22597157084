"""An installation of the tracker in a temp folder: the environment that points every path there.

The database, users file, archive, demo forms and added programmes all live under one folder, named
by a settings file of its own, so that nothing a test runs (in process, a CLI child or a server) falls
back to the repository's data/. A PostgreSQL URL may take the database's place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT, TODAY


def installation(base: Path, database: str | None = None, today: str = TODAY) -> dict[str, str]:
    """TRACKER_* variables for an installation under `base` (made if missing); `database` a URL or file."""
    base.mkdir(parents=True, exist_ok=True)
    settings = base / "test-settings.toml"   # not settings.toml, which a test may write for itself
    settings.write_text("".join(f"{key} = {json.dumps(str(base / name))}\n" for key, name in
                                (("archive_dir", "archive"), ("demo_dir", "demo"), ("catalogue_dir", "catalogue"))),
                        encoding="utf-8")
    return {"TRACKER_DB": database or str(base / "tracker.duckdb"), "TRACKER_USERS": str(base / "users.toml"),
            "TRACKER_TODAY": today, "TRACKER_SETTINGS": str(settings)}


def tracker_variables(mapping: dict) -> dict[str, str]:
    """The TRACKER_* entries of `mapping` (a server fixture's dict holds its url beside them)."""
    return {k: v for k, v in mapping.items() if k.startswith("TRACKER_")}


def child_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of a child process: this one's, with `env` on top and this checkout importable."""
    return {**os.environ, **env, "PYTHONPATH": str(ROOT)}


def cli(env: dict[str, str], *args: str, timeout: float = 600, input: str | None = None) -> subprocess.CompletedProcess:
    """`python -m tracker <args>` as its own process over the installation `env` names (`input` its stdin)."""
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=ROOT, env=child_env(env), input=input,
                          capture_output=True, text=True, timeout=timeout)
