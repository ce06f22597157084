"""Python's cyclic garbage collector, paused around work that makes many objects and no cycles.

Reading a bulk workbook, parsing the catalogue and assessing every target each make hundreds of thousands
of small objects; every few hundred of them would set off a collection walking all made so far, which
costs more than making them (measured: unpickling a 1 401-unit catalogue 2,5 s → 0,4 s). None of these
objects form cycles, so nothing is lost by waiting. The long-lived ones are then frozen by
tracker.server.warmup's policy.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """The collector off inside the block, and back as it was (on or off) after it, even on an error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
