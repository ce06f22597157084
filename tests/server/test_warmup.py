"""The production server's warm-up and GC policy: the catalogue and snapshot made before any visitor,
then frozen out of the collector's sight; a full collection once the frozen set has grown by half;
the production entry turns the file watcher off and the policy on, development keeps the defaults."""

from __future__ import annotations

import gc
import sys
import weakref
from pathlib import Path

import pytest

from tracker import server

from tracker.server import warmup


@pytest.fixture
def policy():
    """The GC policy on for one test, and everything as it was afterwards (frozen objects thawed)."""
    saved = dict(warmup._policy), dict(warmup._frozen_after_collection)
    gc.unfreeze()
    warmup._frozen_after_collection["count"] = 0
    warmup.enable_gc_policy()
    yield
    gc.unfreeze()
    warmup._policy.update(saved[0])
    warmup._frozen_after_collection.update(saved[1])


def tracked(obj) -> bool:
    """Whether a collection would walk ``obj``: gc.get_objects() lists the three generations, not the
    permanent one gc.freeze() moves objects to."""
    return any(o is obj for o in gc.get_objects())


def test_warm_up_makes_the_snapshot_and_freezes_it(seeded_env, policy):
    from tracker.catalogue import load_catalogue
    from tracker.assess.snapshot import LATEST
    from tracker.web import state

    seconds = warmup.warm()
    assert seconds >= 0
    made = LATEST.snapshot
    snap = state.current_snapshot()         # what the first visitor gets: the one the warm-up made
    assert snap.results and snap is made and snap is LATEST.snapshot
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()                   # the pause ended
    assert not tracked(snap.results)
    assert not tracked(load_catalogue().jurisdictions)
    # The quarter before, which the overview's tiles compare with, is made and frozen too.
    from tracker.core.periods import parse_period

    before = state.snapshot_at(parse_period(snap.latest_period).previous().code, snap)
    assert before is not snap and before.results and not tracked(before.results)
    # Development: the policy off, nothing is frozen by a new snapshot.
    gc.unfreeze()
    warmup._policy["enabled"] = False
    warmup.after_new_snapshot()
    assert gc.get_freeze_count() == 0 and tracked(snap.results)


class Node:
    pass


def test_frozen_cyclic_garbage_is_collected_once_the_frozen_set_grew_by_half(policy):
    base = warmup.freeze_long_lived(full=True)
    assert base > 0 and warmup._frozen_after_collection["count"] == base
    node = Node()
    node.self = node                        # a cycle: only a collection frees it
    gone = weakref.ref(node)
    del node
    warmup.after_new_snapshot()             # a new snapshot: frozen, no collection yet
    assert gone() is not None
    assert warmup._frozen_after_collection["count"] == base
    keep = [Node() for _ in range(int(base * warmup.REGROW_FACTOR) + 1000)]   # the frozen set grows by half
    warmup.after_new_snapshot()
    assert gone() is None                   # the full collection freed the frozen garbage
    assert warmup._frozen_after_collection["count"] == gc.get_freeze_count() >= len(keep)
    assert not tracked(keep)


def test_production_entry_runs_the_dashboard_without_file_watcher_and_with_the_policy(monkeypatch):
    import streamlit.web.cli as cli

    seen = {}
    monkeypatch.setattr(cli, "main", lambda: seen.update(argv=list(sys.argv)))
    monkeypatch.setattr(warmup, "start", lambda: seen.update(started=True))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    saved = dict(warmup._policy)
    try:
        server.main(["--server.port", "8600", "--server.fileWatcherType", "auto"])
        assert warmup.gc_policy_enabled()
    finally:
        warmup._policy.update(saved)
    argv = seen["argv"]
    # The app file (dashboard.py, or an app wrapping it) of this repository.
    assert seen["started"] and argv[:2] == ["streamlit", "run"]
    assert Path(argv[2]).parent == server.ROOT and Path(argv[2]).is_file()
    options = argv[3:]
    watcher = options.index("--server.fileWatcherType")
    assert options[watcher + 1] == "none"
    # No full collection after each page run: with many sessions at once it was most of the CPU.
    assert options[options.index("--runner.postScriptGC") + 1] == "false"
    # Options given on the command line come after the production ones, so Streamlit keeps them.
    assert options[-4:] == ["--server.port", "8600", "--server.fileWatcherType", "auto"]


def test_the_production_server_warms_up_freezes_and_serves_the_overview(seeded_env, tmp_path, monkeypatch):
    """A real `python -m tracker.server` on 127.0.0.1: the warm-up reports the frozen objects in the
    server's log, and the overview arrives over Streamlit's websocket protocol."""
    import asyncio
    import re
    import time

    from bench.streamlit_client import view
    from tests.support.servers import running_server

    with running_server("tracker.server", seeded_env, log=tmp_path / "server.log", timeout=120) as server:
        ms, received = asyncio.run(view(server.stream_url, timeout=120, expect="Tổng quan"))
        deadline = time.monotonic() + 60
        found = None
        while time.monotonic() < deadline and found is None:
            found = re.search(r"warm-up: catalogue and snapshot ready in [\d.]+ s \(frozen objects: (\d+)\)",
                              server.log.read_text(errors="replace"))
            time.sleep(0.2)
    assert found is not None, server.log.read_text(errors="replace")[-2000:]
    assert int(found.group(1)) > 10_000 and received > 0


def test_collector_paused_restores_what_it_found_even_on_an_error():
    import gc

    from tracker.core import collector

    assert gc.isenabled()
    try:
        with collector.paused():
            assert not gc.isenabled()
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()        # it was off before: it stays off
    finally:
        gc.enable()
