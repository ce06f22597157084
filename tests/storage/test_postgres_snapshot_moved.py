"""A snapshot saved in PostgreSQL by an earlier version of the code, whose classes have since moved
(issue 18: the package split into folders; pickles name a class by its module path), is ignored: the
process assesses everything once, as if nothing were saved, and saves a snapshot that loads — never a
crash, never the old values read through a wrong class. Real throwaway cluster (tests/support/postgres.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import types
import zlib

import pytest

from tracker.core.observation import Observation, ParsedForm
from tracker.storage import Store

T0 = dt.datetime(2026, 10, 1, 8, 0)
TODAY = dt.date(2026, 10, 15)


def form(content: bytes, values: dict[str, float], unit: str = "khanh-hoa", period: str = "2026-Q3") -> ParsedForm:
    return ParsedForm(f"{unit}.xlsx", hashlib.sha256(content).hexdigest(), unit, period,
                      observations=[Observation(i, unit, period, v) for i, v in values.items()])


def pickled_from_elsewhere(snap, monkeypatch, *, module: str, name: str, moved: str = "Assessment") -> bytes:
    """The snapshot's bytes as a version whose class ``moved`` (Assessment, or Snapshot itself) lived at
    ``module``.``name`` would have saved them (signed with this installation's key, like a row this
    installation wrote); afterwards that path resolves to nothing, as after a move."""
    from tracker.core import signing
    from tracker.assess.assessment import Assessment
    from tracker.assess.snapshot import Snapshot
    from tracker.assess.snapshot import snapshot_bytes

    cls = {"Assessment": Assessment, "Snapshot": Snapshot}[moved]
    was = (cls.__module__, cls.__qualname__)
    with monkeypatch.context() as patch:
        home = sys.modules.get(module) or types.ModuleType(module)
        patch.setitem(sys.modules, module, home)
        patch.setattr(home, name, cls, raising=False)
        try:   # set and put back by hand: monkeypatch would delete __qualname__, which a class cannot lose
            cls.__module__, cls.__qualname__ = module, name
            blob = snapshot_bytes(snap)
        finally:
            cls.__module__, cls.__qualname__ = was
    raw = zlib.decompress(signing.verify(blob))
    assert module.encode() in raw and name.encode() in raw        # the pickle names the old place
    return blob


@pytest.mark.parametrize("module, name, moved", [
    ("tracker.progress_before_the_move", "Assessment", "Assessment"),    # the module is gone
    ("tracker.progress", "AssessmentOfBefore", "Assessment"),            # the module is there, the class is not
    ("tracker.summaries", "Snapshot", "Snapshot"),     # Snapshot's home before tracker.assess.snapshot (issue 18)
])
def test_a_saved_snapshot_whose_classes_moved_is_ignored_with_one_full_assessment(pg_url, monkeypatch, tmp_path,
                                                                                  module, name, moved):
    import tracker.assess.snapshot as snapshot_module

    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))   # the signing key beside it
    from tracker.catalogue import catalogue_key, load_catalogue
    from tracker.assess.snapshot import shared_snapshot, snapshot_from_bytes

    cat, key = load_catalogue(), catalogue_key()
    digest = snapshot_module.catalogue_digest(key)
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    with Store(pg_url) as first, Store(pg_url) as second:
        first.commit(form(b"one", {stock.id: 5.0}), b"one", user="u", now=T0)
        made = shared_snapshot(first, cat, TODAY, catalogue_key=key, background=False)
        old = pickled_from_elsewhere(made, monkeypatch, module=module, name=name, moved=moved)
        assert snapshot_from_bytes(old, cat) is None           # the class path no longer resolves
        first.save_snapshot(digest, TODAY, made.token, old, replace=True)
        assert first.saved_snapshot(digest, TODAY) == (made.token, old)

        assessed = []
        real = snapshot_module.assess_all
        monkeypatch.setattr(snapshot_module, "assess_all",
                            lambda c, *a, **k: assessed.append(set(c.jurisdictions)) or real(c, *a, **k))
        loaded = shared_snapshot(second, cat, TODAY, catalogue_key=key, background=False)
        assert assessed == [set(cat.jurisdictions)]            # one full assessment, nothing partial
        assert loaded.token == made.token and loaded.results == made.results
        # The unreadable row was replaced by one this version reads: the next process loads it.
        token, data = first.saved_snapshot(digest, TODAY)
        assert token == made.token and data != old
        again = snapshot_from_bytes(data, cat)
        assert again is not None and again.results == made.results
        assessed.clear()
        assert shared_snapshot(second, cat, TODAY, catalogue_key=key).results == made.results
        assert assessed == []
