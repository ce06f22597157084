"""Figures derived from a snapshot, computed once per snapshot and the arguments asked with.

A snapshot never changes once made, so what the pages count and rank from it can be kept until it
goes; tracker.present.overview's counts, matrix and attention list are wrapped with ``per_snapshot``.
"""

from __future__ import annotations

import copy
import functools
import weakref

from tracker.assess.snapshot import Snapshot


# Derived figures per snapshot: a snapshot never changes once made, and at a national scale (tens
# of thousands of targets) counting and ranking them again on every view was most of a page view's
# CPU. Kept beside the snapshot, not in it (a saved snapshot must not carry them), and dropped with it.
_derived: dict[int, dict] = {}


def per_snapshot(fn):
    """Compute ``fn(..., snapshot, ...)`` once per snapshot and arguments (lists count by their
    items); each caller gets its own copy of the result, so changing it changes nothing kept."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        snap = next((a for a in args if isinstance(a, Snapshot)), None)
        if snap is None:
            return fn(*args, **kwargs)
        memo = _derived.get(id(snap))
        if memo is None:
            memo = _derived[id(snap)] = {}
            weakref.finalize(snap, _derived.pop, id(snap), None)
        key = (fn.__name__, tuple(id(a) if a is snap else _hashable(a) for a in args),
               tuple(sorted((k, _hashable(v)) for k, v in kwargs.items())))
        if key not in memo:
            memo[key] = fn(*args, **kwargs)
        return copy.deepcopy(memo[key])
    return wrapper


def _hashable(value):
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    return ("id", id(value))   # a catalogue or another snapshot: the same object, the same result
