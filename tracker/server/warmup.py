"""What a fresh dashboard server does before its first visitor, and its garbage-collection policy.

Without a warm-up the first visitor of a fresh server pays for parsing the catalogue, reading the
database and assessing every target (20–26 s at 1 000 000 observations). :func:`start` does that in
a background thread as the server starts; a visitor who comes sooner waits for the same result (the
snapshot's lock, the catalogue's lock) instead of computing it a second time. Any entry can call it:
tracker.server (what `make run` starts) does.

The GC policy. Streamlit runs a full garbage collection after every script run
(``runner.postScriptGC``); a full collection walks every object Python tracks, and the catalogue and
the snapshot are millions of them, so at 1 000 000 observations it was ~63 % of a page view's CPU.
They live until the data or the catalogue change, so the policy moves them out of the collector's
sight with ``gc.freeze()`` (the permanent generation, which collections skip): after the warm-up and
after each new snapshot. A frozen object is still freed by reference counting when the snapshot it
belongs to is replaced; only cyclic garbage stays, so once the frozen set has grown by half since the
last full collection, one full collection (unfreeze, collect, freeze) clears it: memory stays bounded
and that cost is paid once in many data changes, not on every view. The production entry enables
the policy and also turns Streamlit's post-script collection off (tracker.server): even without the
frozen data, a full collection after every run walks what every session alive has made, which with
thirty sessions at once was 70 % of the server's CPU; Python's generational collection frees cyclic
garbage as it goes. Development (`streamlit run dashboard.py`) keeps Streamlit's and Python's defaults.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from tracker.core import collector

_log = logging.getLogger("tracker.server.warmup")

_policy = {"enabled": False}
_start_lock = threading.Lock()
_thread: threading.Thread | None = None
# What the last warm-up did: seconds it took, or the error that stopped it (a page then shows it).
outcome: dict = {}
finished = threading.Event()


def enable_gc_policy() -> None:
    """Freeze long-lived data after the warm-up and after each new snapshot (production servers)."""
    _policy["enabled"] = True


def gc_policy_enabled() -> bool:
    return _policy["enabled"]


# A full collection when the frozen set has grown by this factor since the last one.
REGROW_FACTOR = 1.5
_frozen_after_collection = {"count": 0}


def freeze_long_lived(full: bool = False) -> int:
    """Move every object alive now to the permanent generation, after one full collection when ``full``
    or when the frozen set has grown by REGROW_FACTOR since the last one. Returns how many are frozen."""
    base = _frozen_after_collection["count"]
    gc.freeze()
    if full or (base and gc.get_freeze_count() > REGROW_FACTOR * base):
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _frozen_after_collection["count"] = gc.get_freeze_count()
    elif not base:   # the first freeze (the warm-up's) is the size the growth is measured from
        _frozen_after_collection["count"] = gc.get_freeze_count()
    return gc.get_freeze_count()


def after_new_snapshot() -> None:
    """Called (through tracker.assess.snapshot.LATEST) when a new snapshot replaced the previous one (once per data change)."""
    if _policy["enabled"]:
        freeze_long_lived()




def _import_page_modules() -> None:
    """What the overview and the unit page import on their first run (Plotly's figure classes are a
    second's worth of imports), so the first visitor does not pay for it either."""
    import plotly.graph_objects  # noqa: F401

    import tracker.present.figures  # noqa: F401
    import tracker.assess.assessment  # noqa: F401
    import tracker.present.overview  # noqa: F401
    import tracker.present.tables  # noqa: F401


def _previous_quarter(store, snap) -> None:
    """The overview's tiles show the change since the quarter before the latest: that snapshot too
    (a full assessment of its own, which the first visitor would otherwise wait for)."""
    from tracker.catalogue import catalogue_key, load_catalogue
    from tracker.core.periods import parse_period
    from tracker.assess.snapshot import LATEST

    if snap.empty:
        return
    latest = parse_period(snap.latest_period)
    if latest.is_quarter:
        LATEST.as_of(latest.previous().code, snap, store, load_catalogue, catalogue_key())


def _store():
    """The store the pages will use: the same database, named the same way (tracker.assess.snapshot keys
    the shared snapshot by the database, so the pages' own Store object finds what this one made)."""
    from tracker.core.settings import load_settings
    from tracker.storage import open_store

    settings = load_settings()
    return open_store(settings.database, str(settings.archive_dir))


def warm() -> float:
    """Catalogue, snapshot and page modules loaded in this process; seconds taken."""
    start = time.perf_counter()
    with collector.paused():
        from tracker.catalogue import catalogue_key, load_catalogue
        from tracker.core.periods import today
        from tracker.assess.snapshot import LATEST

        load_catalogue()
        # Left open: PostgreSQL saves the new snapshot through it in a background thread.
        store = _store()
        snap = LATEST.latest(store, load_catalogue, today(), catalogue_key(), on_new=after_new_snapshot)
        _previous_quarter(store, snap)
        _import_page_modules()
    if _policy["enabled"]:
        # Frozen without a collection first: the warm-up made long-lived objects, hardly any garbage,
        # and a full collection here would delay the first page by about a second.
        gc.freeze()
        _frozen_after_collection["count"] = gc.get_freeze_count()
    return time.perf_counter() - start


def _run() -> None:
    try:
        seconds = warm()
        outcome.update(seconds=seconds, error=None)
        _log.warning("warm-up: catalogue and snapshot ready in %.1f s (frozen objects: %d)", seconds,
                     gc.get_freeze_count())
    except Exception as exc:   # the first visitor computes instead, and sees the same error the way pages show it
        outcome.update(seconds=None, error=exc)
        _log.warning("warm-up failed, pages will load on first view: %s", exc)
    finally:
        finished.set()


def start() -> threading.Thread:
    """Start the warm-up in a background thread (once per process; later calls return the same thread)."""
    global _thread
    with _start_lock:
        if _thread is None:
            # Imported here, before the thread: plotly (while Streamlit's main thread imports it) looks
            # pandas up in sys.modules without the import lock, and finds the thread's half-imported one.
            import pandas  # noqa: F401

            _thread = threading.Thread(target=_run, name="tracker-warmup", daemon=True)
            _thread.start()
        return _thread
