"""The guard that the suite leaves the repository's data/ as it found it (issue 19, item 5).

data/ is what `make run` serves: a test writing there adds users and audit entries to a real
installation. The state is whether the folder exists and, for every file and folder under it, its
size and modification time; tests/conftest.py compares the state before and after the session.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.support import ROOT

DATA = ROOT / "data"

# path relative to the folder -> (size, mtime in ns); None: the folder does not exist
FolderState = dict[str, tuple[int, int]] | None


def folder_state(folder: Path) -> FolderState:
    if not folder.is_dir():
        return None
    state = {".": (0, folder.stat().st_mtime_ns)}   # a file made and removed again changes this
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue
            state[str(path.relative_to(folder))] = (0 if name in dirnames else st.st_size, st.st_mtime_ns)
    return state


def changes(before: FolderState, after: FolderState) -> list[str]:
    """What differs between two states, one line per path; empty when nothing does."""
    if before is None and after is None:
        return []
    if before is None:
        return ["the folder was created"] + [f"created: {p}" for p in sorted(after)]
    if after is None:
        return ["the folder was removed"]
    out = [f"created: {p}" for p in sorted(after.keys() - before.keys())]
    out += [f"removed: {p}" for p in sorted(before.keys() - after.keys())]
    out += [f"changed: {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return out


def verdict(folder: Path, before: FolderState) -> str | None:
    """A message naming what the session did to `folder`, or None when it is as `before`."""
    found = changes(before, folder_state(folder))
    if not found:
        return None
    shown = found[:20] + ([f"... and {len(found) - 20} more"] if len(found) > 20 else [])
    return (f"the test session created or changed {folder} (tests must use temporary folders and settings; "
            f"a dashboard or CLI run on this checkout at the same time also shows here):\n  " + "\n  ".join(shown))


def guard_fixture(folder: Path):
    """A session-wide autouse fixture failing the run (an error at the last teardown) when `folder` changed."""
    import pytest

    @pytest.fixture(scope="session", autouse=True)
    def data_untouched():
        before = folder_state(folder)
        yield
        problem = verdict(folder, before)
        assert problem is None, problem

    return data_untouched
