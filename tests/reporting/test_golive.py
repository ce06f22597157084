"""Going live (issue 20): the demo out in one audited, idempotent step through the real CLI and the
admin page; before that, demo values never come back once a unit has real data, and the demo mark
is only where demo values are drawn."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.accounts.users import User
from tracker.storage import Store

ROOT = Path(__file__).resolve().parents[2]
ADMIN = User("admin", "admin", (), "")   # the first admin the seed made


@pytest.fixture
def install(seeded, tmp_path, monkeypatch) -> dict:
    dest = tmp_path / "install"
    shutil.copytree(Path(seeded["TRACKER_DB"]).parent, dest)
    env = {"TRACKER_DB": str(dest / "tracker.duckdb"), "TRACKER_USERS": str(dest / "users.toml"),
           "TRACKER_TODAY": seeded["TRACKER_TODAY"]}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def cli(env: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tracker", *args], env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                          cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=300)


def real_q3_form(tmp_path: Path, env: dict, unit: str, value: float) -> Path:
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form

    blank = tmp_path / "blank.xlsx"
    assert cli(env, "template", "--unit", unit, "--period", "2026-Q3", "--out", str(blank)).returncode == 0
    ind = next(i for i in load_catalogue().indicators_for(unit) if i.kind == "stock" and not i.sectors)
    out = tmp_path / f"nq45_{unit}_2026-Q3.xlsx"
    out.write_bytes(fill_form(blank.read_bytes(), {(ind.id, ""): value}))
    return out


def test_golive_cli_removes_every_demo_value_once_and_keeps_real_ones(install, tmp_path):
    real = real_q3_form(tmp_path, install, "khanh-hoa", 4321)
    assert cli(install, "ingest", str(real)).returncode == 0
    before = json.loads(cli(install, "status", "--json").stdout)
    assert before["demo"] is True and "khanh-hoa" not in before["demo_units"] and "bac-ninh" in before["demo_units"]

    refused = cli(install, "golive")                      # no keyboard, no --yes: nothing happens
    assert refused.returncode != 0 and "Sẽ rút 59 lần nộp minh họa" in refused.stdout
    with Store(install["TRACKER_DB"]) as store:
        assert store.has_demo_data()
        archive = sorted(p.name for p in store.archive_dir.iterdir())

    done = cli(install, "golive", "--yes")
    assert done.returncode == 0 and "rút 59 lần nộp minh họa" in done.stdout
    again = cli(install, "golive", "--yes")
    assert again.returncode == 0 and "Không còn dữ liệu minh họa" in again.stdout

    after = json.loads(cli(install, "status", "--json").stdout)
    assert after["demo"] is False and after["demo_units"] == []
    with Store(install["TRACKER_DB"]) as store:
        current = store.current_observations()
        assert set(current["is_demo"].astype(bool)) == {False} and 4321.0 in set(current["value"])
        assert not len(store.current_milestones()) or not store.current_milestones()["is_demo"].astype(bool).any()
        assert sorted(p.name for p in store.archive_dir.iterdir()) == archive          # archive kept
        golives = [e for e in store.audit_log(events=["golive"])]
        assert len(golives) == 1 and "59" in golives[0].detail
        real_sub = next(s for s in store.submissions() if not s.is_demo)
        assert real_sub.status == "accepted"
    csv = cli(install, "status", "--json").stdout
    assert "Dữ liệu minh họa" not in csv


def test_withdrawing_the_real_submission_never_brings_demo_back(install, tmp_path):
    real = real_q3_form(tmp_path, install, "khanh-hoa", 4321)
    assert cli(install, "ingest", str(real)).returncode == 0
    with Store(install["TRACKER_DB"]) as store:
        sid = next(s.id for s in store.submissions() if not s.is_demo)
        store.withdraw(sid, user="quantri", reason="nộp nhầm")
        kh = store.current_observations(units=["khanh-hoa"])
        assert kh.empty                                  # neither the real nor the demo value
        assert "khanh-hoa" not in store.demo_units() and "bac-ninh" in store.demo_units()
        values = store.current_values(units=["khanh-hoa"])
        assert values.empty


def test_unit_page_banner_only_where_demo_is_drawn(install, tmp_path):
    from tests.support.pages import run, texts

    assert cli(install, "ingest", str(real_q3_form(tmp_path, install, "khanh-hoa", 4321))).returncode == 0
    demo_word = "minh họa"
    assert demo_word not in texts(run("views/unit.py", params={"unit": "khanh-hoa"}))
    assert demo_word in texts(run("views/unit.py", params={"unit": "bac-ninh"}))


def test_admin_page_goes_live_after_saying_what_goes(install):
    from tests.support.pages import run, texts

    at = run("views/golive.py", ADMIN)
    assert "Sẽ rút 59 lần nộp minh họa" in texts(at)
    assert at.button(key="golive_confirm").disabled
    at.checkbox(key="golive_sure").check().run()
    at.button(key="golive_confirm").click().run()
    assert not at.exception
    assert "Đã bắt đầu sử dụng thật: rút 59 lần nộp minh họa." in texts(at)
    assert "Không còn dữ liệu minh họa" in texts(at)
    with Store(install["TRACKER_DB"]) as store:
        assert not store.has_demo_data()
    with pytest.raises(ValueError, match="Could not find a navigation page"):   # not offered to uploaders
        run("views/golive.py", User("canbo.kh", "uploader", ("khanh-hoa",), ""))
