"""The process's latest snapshot (tracker.assess.snapshot.LatestSnapshot, no Streamlit): shared by the pages'
store and the warm-up's, made again only when the database changed, "as of" ones kept per change."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tracker.assess import snapshot as snapshots

TODAY = dt.date(2026, 10, 15)


class Store:
    """A store naming its database as tracker.storage's do (a file path), its change token settable."""

    def __init__(self, path, token="db1:1"):
        self.path, self.token = path, token

    def last_change(self):
        return self.token


@pytest.fixture
def made(monkeypatch):
    calls = []

    def shared(store, catalogue, today, previous, *, catalogue_key):
        calls.append(("latest", store.token, previous))
        return SimpleNamespace(token=store.token, today=today, latest_period="2026-Q3", made_from=previous)

    def as_of(store, catalogue, today, *, period):
        calls.append(("as_of", period))
        return SimpleNamespace(period=period)

    monkeypatch.setattr(snapshots, "shared_snapshot", shared)
    monkeypatch.setattr(snapshots, "load_snapshot", as_of)
    return calls


def test_two_store_objects_of_one_database_share_the_snapshot_and_a_change_builds_on_the_last(tmp_path, made):
    latest, news = snapshots.LatestSnapshot(), []
    warm = latest.latest(Store(tmp_path / "t.duckdb"), dict, TODAY, ("cat",), on_new=lambda: news.append(1))
    page_store = Store(tmp_path / "t.duckdb")
    assert latest.latest(page_store, dict, TODAY, ("cat",), on_new=lambda: news.append(1)) is warm
    assert len(made) == 1 and news == [1]
    page_store.token = "db1:2"                                   # an upload by another process
    again = latest.latest(page_store, dict, TODAY, ("cat",), on_new=lambda: news.append(1))
    assert again is not warm and again.made_from is warm and news == [1, 1]
    other = latest.latest(Store(tmp_path / "other.duckdb", "db2:2"), dict, TODAY, ("cat",))
    assert other.made_from is None                               # another database starts afresh
    changed_catalogue = latest.latest(Store(tmp_path / "other.duckdb", "db2:2"), dict, TODAY, ("cat", "added"))
    assert changed_catalogue.made_from is None and len(made) == 4


def test_as_of_snapshots_are_kept_per_change_and_bounded(tmp_path, made, monkeypatch):
    latest = snapshots.LatestSnapshot()
    store = Store(tmp_path / "t.duckdb")
    current = latest.latest(store, dict, TODAY, ("cat",))
    assert latest.as_of("2026-Q3", current, store, dict, ("cat",)) is current   # the latest quarter is today's
    q2 = latest.as_of("2026-Q2", current, store, dict, ("cat",))
    assert latest.as_of("2026-Q2", current, store, dict, ("cat",)) is q2 and made.count(("as_of", "2026-Q2")) == 1
    monkeypatch.setattr(snapshots.LatestSnapshot, "AS_OF_KEPT", 2)
    for period in ("2026-Q1", "2025-Q4"):
        latest.as_of(period, current, store, dict, ("cat",))
    latest.as_of("2026-Q2", current, store, dict, ("cat",))       # the oldest asked for was let go
    assert made.count(("as_of", "2026-Q2")) == 2
    store.token = "db1:9"
    newer = latest.latest(store, dict, TODAY, ("cat",))
    latest.as_of("2026-Q2", newer, store, dict, ("cat",))          # a new change: assessed again
    assert made.count(("as_of", "2026-Q2")) == 3
    latest.as_of("2026-Q2", current, store, dict, ("cat",))        # the one of before is still kept
    assert made.count(("as_of", "2026-Q2")) == 3
