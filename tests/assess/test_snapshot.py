"""Snapshots brought up to date unit by unit give exactly what a full computation gives."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from tracker.assess import snapshot as snapshot_module
from tracker.catalogue import load_catalogue
from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm
from tracker.assess.snapshot import build_snapshot
from tracker.storage import Store

TODAY = dt.date(2026, 10, 15)


@pytest.fixture
def store(seeded, tmp_path):
    """A private copy of the seeded demo database, free to change."""
    path = tmp_path / "tracker.duckdb"
    shutil.copy(seeded["TRACKER_DB"], path)
    with Store(path, tmp_path / "archive") as s:
        yield s


@pytest.fixture
def spy(monkeypatch):
    """Records the units each assess_all call was given."""
    calls = []
    real = snapshot_module.assess_all

    def recording(cat, *args, **kwargs):
        calls.append(set(cat.jurisdictions))
        return real(cat, *args, **kwargs)

    monkeypatch.setattr(snapshot_module, "assess_all", recording)
    return calls


def commit(store, unit, observations=(), milestones=(), tag="x"):
    content = f"snapshot test {tag}".encode()
    parsed = ParsedForm(file_name=f"{tag}.xlsx", sha256=hashlib.sha256(content).hexdigest(), unit=unit,
                        period="2026-Q3", observations=list(observations), milestones=list(milestones))
    result = store.commit(parsed, content, user="test")
    assert not result.duplicate
    return result.submission_id


def flat(snap) -> dict:
    return {"results": {u: {"numeric": [a.to_dict() for a in r["numeric"]],
                            "milestones": [m.to_dict() for m in r["milestones"]]}
                        for u, r in snap.results.items()},
            "order": list(snap.results), "reported": snap.reported, "latest": snap.latest_period, "demo": snap.demo}


def test_a_correction_reassesses_only_the_merged_units_and_matches_a_full_pass(store, spy):
    cat = load_catalogue()
    before = build_snapshot(store, cat, TODAY)
    # Bắc Ninh reports a target Bắc Giang set: both pages must change, nothing else is recomputed.
    commit(store, "bac-ninh", [Observation("bac-giang.st-enterprises", "bac-ninh", "2026-Q3", 777.0)],
           [MilestoneUpdate("bac-giang.startup-centre", "bac-ninh", "2026-Q3", "done", dt.date(2026, 9, 1), "QĐ 9")])
    spy.clear()
    partial = build_snapshot(store, cat, TODAY, before)
    assert spy == [{"bac-giang", "bac-ninh"}]
    full = build_snapshot(store, cat, TODAY)
    assert flat(partial) == flat(full)
    assert flat(partial) != flat(before)
    latest = {a.indicator_id: a for a in partial.results["bac-ninh"]["numeric"]}["bac-giang.st-enterprises"]
    assert latest.latest_value == 777.0


def test_a_withdrawal_is_applied_to_its_units(store, spy):
    cat = load_catalogue()
    sid = commit(store, "khanh-hoa", [Observation("khanh-hoa.st-enterprises", "khanh-hoa", "2026-Q3", 4321.0)])
    before = build_snapshot(store, cat, TODAY)
    store.withdraw(sid, user="admin", reason="nhập nhầm")
    spy.clear()
    partial = build_snapshot(store, cat, TODAY, before)
    assert spy == [{"khanh-hoa", "ninh-thuan"}]
    assert flat(partial) == flat(build_snapshot(store, cat, TODAY))
    value = {a.indicator_id: a for a in partial.results["khanh-hoa"]["numeric"]}["khanh-hoa.st-enterprises"].latest_value
    assert value != 4321.0


def test_nothing_changed_returns_the_same_snapshot(store, spy):
    cat = load_catalogue()
    before = build_snapshot(store, cat, TODAY)
    spy.clear()
    assert build_snapshot(store, cat, TODAY, before) is before and spy == []


def test_a_new_day_or_another_database_is_a_full_pass(store, spy, tmp_path):
    cat = load_catalogue()
    before = build_snapshot(store, cat, TODAY)
    spy.clear()
    build_snapshot(store, cat, TODAY + dt.timedelta(days=1), before)
    assert spy == [set(cat.jurisdictions)]
    with Store(tmp_path / "other.duckdb") as other:
        spy.clear()
        empty = build_snapshot(other, cat, TODAY, before)
    assert spy == [set(cat.jurisdictions)] and empty.empty


def test_lineage_group_follows_mergers_both_ways():
    cat = load_catalogue()
    assert cat.lineage_group({"bac-giang"}) == {"bac-giang", "bac-ninh"}
    assert cat.lineage_group({"bac-ninh"}) == {"bac-giang", "bac-ninh"}
    assert cat.lineage_group({"no-such-unit"}) == {"no-such-unit"}
    sub = cat.subset({"bac-giang", "bac-ninh"})
    assert set(sub.jurisdictions) == {"bac-giang", "bac-ninh"}
    assert {i.jurisdiction for i in sub.indicators} <= {"bac-giang", "bac-ninh"} and sub.indicators
