"""Figures derived from a snapshot are computed once per snapshot: the same answer as computing them
afresh, a copy per caller, forgotten with the snapshot, and a new snapshot computes them again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc

import pytest

from tracker.present.memo import _derived, per_snapshot
from tracker.present.overview import attention_rows, numeric_counts, reported_quarters
from tracker.catalogue import load_catalogue
from tracker.assess.snapshot import load_snapshot
from tracker.storage import Store

TODAY = dt.date(2026, 10, 15)


@pytest.fixture
def snap(seeded):
    with Store(seeded["TRACKER_DB"], read_only=True) as store:
        return load_snapshot(store, load_catalogue(), TODAY)


def test_same_answer_as_a_fresh_computation_and_each_caller_gets_a_copy(snap):
    cat = load_catalogue()
    units = cat.units_with_targets()
    fresh = attention_rows.__wrapped__(cat, snap, "vi", units, limit=10)
    first = attention_rows(cat, snap, "vi", units, limit=10)
    assert first == fresh and first
    first[0]["unit"] = "changed by a caller"
    first.append({})
    assert attention_rows(cat, snap, "vi", units, limit=10) == fresh
    assert numeric_counts(snap, units) == numeric_counts.__wrapped__(snap, units)
    assert numeric_counts(snap, units[:1]) == numeric_counts.__wrapped__(snap, units[:1])
    assert attention_rows(cat, snap, "en", units, limit=10) == \
        attention_rows.__wrapped__(cat, snap, "en", units, limit=10)


def test_computed_once_per_snapshot_and_again_for_a_new_one(snap, monkeypatch):
    calls = []
    counted = per_snapshot(lambda s, units=None: calls.append(1) or len(s.results))
    units = ["bac-ninh"]
    assert counted(snap, units) == counted(snap, list(units)) == len(snap.results)
    assert len(calls) == 1
    other = dataclasses.replace(snap)          # a new snapshot (the next data change)
    counted(other, units)
    assert len(calls) == 2
    key = id(other)
    assert key in _derived
    del other
    gc.collect()
    assert key not in _derived       # forgotten with its snapshot


def test_reported_quarters_latest_first_without_years(snap):
    from tracker.core.periods import parse_period

    expected = sorted({p for codes in snap.reported.values() for p in codes if parse_period(p).is_quarter},
                      key=lambda p: parse_period(p).sort_key(), reverse=True)
    assert reported_quarters(snap) == expected and len(expected) > 1
    assert all("Q" in p for p in expected)
