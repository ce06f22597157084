"""The store on both engines (tests taking `store`), and the DuckDB file: round trips, duplicates, corrections, withdrawals, crashes and two writers at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm
from tracker.core.report import ValidationReport
from tracker.storage.duckdb import MIGRATIONS
from tracker.storage import Store
from tracker.storage import StoreError, default_db_path

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 10, 1, 8, 0)


def form(content: bytes, observations=(), milestones=(), *, unit="bac_ninh", period="2026-Q3",
         file_name="bac_ninh_2026-Q3.xlsx", report: ValidationReport | None = None) -> ParsedForm:
    return ParsedForm(file_name=file_name, sha256=hashlib.sha256(content).hexdigest(), unit=unit, period=period,
                      form_version="1", observations=list(observations), milestones=list(milestones),
                      report=report or ValidationReport())


def obs(indicator, value, period="2026-Q3", unit="bac_ninh", sector="", note=""):
    return Observation(indicator, unit, period, value, sector=sector, note=note)


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    """The same tests on both engines: a DuckDB file, and a new database in a throwaway PostgreSQL
    cluster (skipped, saying why, where PostgreSQL cannot be installed)."""
    target = request.getfixturevalue("pg_url") if request.param == "postgresql" else tmp_path / "db" / "tracker.duckdb"
    with Store(target) as s:
        yield s


def table_counts(path: Path) -> tuple[int, int, int]:
    with Store(path) as s, s._cursor() as cur:
        return tuple(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("submissions", "observations", "milestone_updates"))


# --- round trip ------------------------------------------------------------------------------------

def test_commit_and_query_round_trip(store):
    content = b"form one"
    parsed = form(content, [obs("sci.enterprises", 120, note="ước tính"), obs("rd.spending", 0.5, sector="agri")],
                  [MilestoneUpdate("lab.plan", "bac_ninh", "2026-Q3", "done", dt.date(2026, 9, 1), "QĐ 12/2026")])
    parsed.report.warning("jump", "Tăng đột biến", "Sudden jump", sheet="Số liệu", row=5)
    assert store.is_empty()
    result = store.commit(parsed, content, user="an.nguyen", now=T0)
    assert (result.duplicate, result.observations, result.milestones) == (False, 2, 1)
    assert not store.is_empty()

    current = store.current_observations()
    assert list(current.columns) == ["indicator_id", "unit", "period", "sector", "value", "note", "source", "territory",
                                     "value_status", "submission_id", "recorded_at", "uploaded_by", "is_demo"]
    assert set(current["value_status"]) == {"official"}
    by_id = current.set_index("indicator_id")
    assert by_id.loc["sci.enterprises", "value"] == 120
    assert by_id.loc["sci.enterprises", "note"] == "ước tính"
    assert by_id.loc["rd.spending", "sector"] == "agri"
    assert set(current["submission_id"]) == {result.submission_id}
    assert set(current["uploaded_by"]) == {"an.nguyen"}
    assert current["recorded_at"].iloc[0] == T0

    stones = store.current_milestones()
    assert list(stones.columns) == ["indicator_id", "unit", "period", "status", "completed_on", "evidence",
                                    "submission_id", "recorded_at", "uploaded_by", "is_demo"]
    assert stones.iloc[0]["status"] == "done"
    assert stones.iloc[0]["completed_on"] == dt.date(2026, 9, 1)
    assert stones.iloc[0]["evidence"] == "QĐ 12/2026"

    sub = store.submission(result.submission_id)
    assert (sub.unit, sub.period, sub.uploaded_by, sub.status) == ("bac_ninh", "2026-Q3", "an.nguyen", "accepted")
    assert (sub.observation_count, sub.milestone_count, sub.uploaded_at) == (2, 1, T0)
    assert sub.sha256 == hashlib.sha256(content).hexdigest()
    assert ValidationReport.from_json(sub.report_json).warnings[0].code == "jump"
    assert store.find_by_sha256(sub.sha256) == sub
    assert store.submissions() == [sub]
    assert store.observation_count() == 2
    assert store.reported_periods() == {"bac_ninh": {"2026-Q3"}}
    assert not store.has_demo_data()


def test_filters_and_bulk_forms(store):
    a = b"a"
    store.commit(form(a, [obs("x", 1), obs("y", 2)]), a, user="u", now=T0)
    bulk = b"bulk"
    store.commit(form(bulk, [obs("x", 7, unit="khanh_hoa", period="2026-Q2"), obs("x", 8, unit="khanh_hoa", period="2025")],
                      unit=None, period="*", file_name="many.xlsx"), bulk, user="u", is_demo=True, now=T0)
    newest = store.submissions()[0]
    assert (newest.unit, newest.period, newest.is_demo) == ("*", "*", True)
    assert [s.unit for s in store.submissions(unit="khanh_hoa")] == ["*"]
    assert [s.unit for s in store.submissions(unit="bac_ninh")] == ["bac_ninh"]
    assert [s.period for s in store.submissions(period="2025")] == ["*"]
    assert set(store.current_observations(units=["khanh_hoa"])["period"]) == {"2026-Q2", "2025"}
    assert list(store.current_observations(indicator_ids=["y"])["value"]) == [2]
    assert store.current_observations(units=[]).empty
    assert store.reported_periods("khanh_hoa") == {"khanh_hoa": {"2026-Q2", "2025"}}
    assert store.has_demo_data()


def test_refuses_a_form_with_errors(store):
    report = ValidationReport()
    report.error("bad", "Sai", "Wrong")
    with pytest.raises(ValueError):
        store.commit(form(b"bad", [obs("x", 1)], report=report), b"bad", user="u")
    assert store.is_empty() and store.submissions() == []


def test_refuses_content_that_does_not_match_its_hash(store):
    parsed = form(b"one", [obs("x", 1)])
    with pytest.raises(ValueError, match="SHA-256"):
        store.commit(parsed, b"another", user="u")
    assert store.submissions() == []


def test_same_file_twice_is_a_duplicate_and_stores_nothing(store):
    content = b"same bytes"
    first = store.commit(form(content, [obs("x", 1)]), content, user="u", now=T0)
    token = store.last_change()
    again = store.commit(form(content, [obs("x", 1)]), content, user="v", now=T0 + dt.timedelta(hours=1))
    assert again.duplicate and again.submission_id == first.submission_id
    assert (again.observations, again.milestones) == (0, 0)
    assert len(store.submissions()) == 1 and store.observation_count() == 1
    assert store.last_change() == token


def test_correction_new_row_wins_history_lists_both(store):
    first, second = b"v1", b"v2"
    store.commit(form(first, [obs("x", 100)], file_name="v1.xlsx"), first, user="an", now=T0)
    fix = store.commit(form(second, [obs("x", 110)], file_name="v2.xlsx"), second, user="binh", now=T0 + dt.timedelta(days=1))
    current = store.current_observations()
    assert len(current) == 1
    assert (current.iloc[0]["value"], current.iloc[0]["submission_id"]) == (110, fix.submission_id)
    history = store.value_history("x", "bac_ninh")
    assert list(history["value"]) == [100, 110]
    assert list(history["file_name"]) == ["v1.xlsx", "v2.xlsx"]
    assert list(history["uploaded_by"]) == ["an", "binh"]
    assert not history["withdrawn"].any()


def test_milestone_latest_by_period_then_time(store):
    q3, q2_late = b"q3", b"q2"
    store.commit(form(q3, milestones=[MilestoneUpdate("plan", "bac_ninh", "2026-Q3", "in_progress")]), q3, user="u", now=T0)
    # A late report for an earlier quarter does not override the newer quarter's status.
    store.commit(form(q2_late, milestones=[MilestoneUpdate("plan", "bac_ninh", "2026-Q2", "not_started")], period="2026-Q2"),
                 q2_late, user="u", now=T0 + dt.timedelta(days=3))
    assert list(store.current_milestones()["status"]) == ["in_progress"]
    assert store.current_milestones().iloc[0]["completed_on"] is None
    year = b"year"
    store.commit(form(year, milestones=[MilestoneUpdate("plan", "bac_ninh", "2026", "done", dt.date(2026, 12, 1))], period="2026"),
                 year, user="u", now=T0 - dt.timedelta(days=3))
    assert list(store.current_milestones(units=["bac_ninh"])["status"]) == ["done"]
    assert store.current_milestones(units=["khanh_hoa"]).empty


# --- withdrawal ------------------------------------------------------------------------------------

def test_withdraw_hides_rows_but_history_keeps_them(store):
    first, second = b"w1", b"w2"
    kept = store.commit(form(first, [obs("x", 100)], [MilestoneUpdate("plan", "bac_ninh", "2026-Q3", "in_progress")]),
                        first, user="an", now=T0)
    wrong = store.commit(form(second, [obs("x", 999)], [MilestoneUpdate("plan", "bac_ninh", "2026-Q3", "done")]),
                         second, user="an", now=T0 + dt.timedelta(hours=1))
    assert store.current_observations().iloc[0]["value"] == 999
    token = store.last_change()

    sub = store.withdraw(wrong.submission_id, user="lead", reason="nhập nhầm đơn vị", now=T0 + dt.timedelta(hours=2))
    assert (sub.status, sub.withdrawn_by, sub.withdraw_reason) == ("withdrawn", "lead", "nhập nhầm đơn vị")
    assert sub.withdrawn_at == T0 + dt.timedelta(hours=2)
    assert store.last_change() != token

    current = store.current_observations()
    assert (current.iloc[0]["value"], current.iloc[0]["submission_id"]) == (100, kept.submission_id)
    assert list(store.current_milestones()["status"]) == ["in_progress"]
    history = store.value_history("x")
    assert list(zip(history["value"], history["withdrawn"])) == [(100, False), (999, True)]
    assert [s.status for s in store.submissions()] == ["withdrawn", "accepted"]
    assert [s.id for s in store.submissions(include_withdrawn=False)] == [kept.submission_id]
    assert store.find_by_sha256(hashlib.sha256(second).hexdigest()) is None
    assert store.archived_file(wrong.submission_id) is not None  # the original stays downloadable

    # The same file may be sent again after its withdrawal: a new submission.
    again = store.commit(form(second, [obs("x", 999)]), second, user="an", now=T0 + dt.timedelta(hours=3))
    assert not again.duplicate and again.submission_id != wrong.submission_id


def test_withdraw_needs_a_reason_a_known_id_and_only_once(store):
    content = b"c"
    sid = store.commit(form(content, [obs("x", 1)]), content, user="u").submission_id
    with pytest.raises(ValueError, match="lý do"):
        store.withdraw(sid, user="lead", reason="   ")
    with pytest.raises(ValueError, match="#999"):
        store.withdraw(999, user="lead", reason="sai")
    store.withdraw(sid, user="lead", reason="sai")
    with pytest.raises(ValueError, match="already withdrawn"):
        store.withdraw(sid, user="lead", reason="lần nữa")
    assert store.is_empty() and store.current_observations().empty


# --- previous values and cache token ---------------------------------------------------------------

def test_previous_values_follow_period_order(store):
    rows = [obs("x", 4.0, "2025-Q4"), obs("x", 2025.0, "2025"), obs("x", 1.0, "2026-Q1"),
            obs("y", 7.0, "2025-Q3"), obs("y", 70.0, "2025-Q3", sector="agri"), obs("z", 5.0, "2026-Q2"),
            obs("x", 9.0, "2025-Q4", unit="khanh_hoa")]
    content = b"series"
    store.commit(form(content, rows, period="*"), content, user="u", now=T0)
    # "2025" (the whole year) sorts after "2025-Q4" and before "2026-Q1".
    assert store.previous_values("bac_ninh", "2026-Q1") == {"x": 2025.0, "y": 7.0}
    assert store.previous_values("bac_ninh", "2025") == {"x": 4.0, "y": 7.0}
    assert store.previous_values("bac_ninh", "2026-Q3") == {"x": 1.0, "y": 7.0, "z": 5.0}
    assert store.previous_values("bac_ninh", "2025-Q3") == {}
    assert store.previous_values("khanh_hoa", "2026") == {"x": 9.0}

    fix = b"fix"
    sid = store.commit(form(fix, [obs("x", 2030.0, "2025")], period="2025"), fix, user="u", now=T0 + dt.timedelta(1)).submission_id
    assert store.previous_values("bac_ninh", "2026-Q1")["x"] == 2030.0
    store.withdraw(sid, user="lead", reason="sai số")
    assert store.previous_values("bac_ninh", "2026-Q1")["x"] == 2025.0


def test_last_change_moves_on_every_write(store):
    seen = {store.last_change()}
    for content in (b"one", b"two"):
        store.commit(form(content, [obs("x", 1)]), content, user="u")
        seen.add(store.last_change())
    store.withdraw(1, user="lead", reason="sai")
    seen.add(store.last_change())
    assert len(seen) == 4


def test_last_change_differs_for_a_new_database_at_the_same_path(tmp_path):
    path = tmp_path / "t.duckdb"
    with Store(path) as s:
        token = s.last_change()
    path.unlink()
    with Store(path) as s:
        assert s.last_change() != token


# --- the file: schema, reopening, archive, errors --------------------------------------------------

def test_schema_version_and_reopening(tmp_path):
    path = tmp_path / "deep" / "dir" / "tracker.duckdb"
    with Store(path) as s:
        assert s.schema_version == len(MIGRATIONS) >= 1
        s.commit(form(b"keep", [obs("x", 42)]), b"keep", user="u", now=T0)
    with Store(path) as s:
        assert s.schema_version == len(MIGRATIONS)
        assert s.current_observations().iloc[0]["value"] == 42
        with s._cursor() as cur:
            assert cur.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    with Store(path, read_only=True) as s:
        assert s.observation_count() == 1
        with pytest.raises(StoreError):
            s.commit(form(b"no", [obs("x", 1)]), b"no", user="u")


def test_archive_file_named_by_sha256(tmp_path):
    with Store(tmp_path / "tracker.duckdb") as s:
        content = b"PK\x03\x04 pretend workbook"
        sid = s.commit(form(content, [obs("x", 1)], file_name="Báo cáo Quý III.XLSX"), content, user="u").submission_id
        path = s.archived_file(sid)
        assert path == tmp_path / "archive" / f"{hashlib.sha256(content).hexdigest()}.xlsx"
        assert path.read_bytes() == content
        plain = b"no extension"
        sid = s.commit(form(plain, [obs("x", 2)], file_name="upload"), plain, user="u").submission_id
        assert s.archived_file(sid).name == hashlib.sha256(plain).hexdigest() + ".xlsx"
        assert s.archived_file(12345) is None
        assert not list((tmp_path / "archive").glob("*.part"))


def test_memory_store_archives_in_a_temporary_folder():
    s = Store(":memory:")
    s.commit(form(b"m", [obs("x", 1)]), b"m", user="u")
    folder = s.archived_file(1).parent
    assert folder.is_dir()
    s.close()
    assert not folder.exists()


def test_unreadable_or_missing_file_is_a_store_error(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database" * 500)
    with pytest.raises(StoreError, match="Không đọc được"):
        Store(junk)
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_default_db_path_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("TRACKER_DB")
    assert default_db_path() == ROOT / "data" / "tracker.duckdb"


# --- atomicity ------------------------------------------------------------------------------------

def test_commit_failing_half_way_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "t.duckdb"
    content = b"half"
    parsed = form(content, [obs("x", 1), obs("y", 2)], [MilestoneUpdate("plan", "bac_ninh", "2026-Q3", "done")])

    def explode(*args):  # runs after the observations were inserted
        raise RuntimeError("disk on fire")

    with Store(path) as s:
        monkeypatch.setattr(Store, "_insert_milestones", staticmethod(explode))
        with pytest.raises(RuntimeError, match="disk on fire"):
            s.commit(parsed, content, user="u")
        assert s.is_empty() and s.submissions() == [] and s.current_observations().empty
        monkeypatch.undo()
        assert not s.commit(parsed, content, user="u").duplicate  # the store is still usable
    assert table_counts(path) == (1, 2, 1)


def test_many_threads_share_one_store(store):
    errors, results = [], []

    def work(i):
        try:
            content = f"thread {i % 4}".encode()  # pairs of threads send the same file
            results.append(store.commit(form(content, [obs(f"x{i % 4}", i)]), content, user=f"t{i}"))
            store.current_observations()
            store.submissions()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(not r.duplicate for r in results) == 4
    assert len(store.submissions()) == 4 and store.observation_count() == 4


def test_one_hundred_thousand_observations(store):
    rows = [Observation(f"ind{i % 250}", f"unit{i // 250 % 40}", f"{2016 + i // 10_000}-Q{i % 4 + 1}", float(i), sector=str(i % 1))
            for i in range(100_000)]
    content = b"big"
    result = store.commit(form(content, rows, unit="*", period=None, file_name="all.xlsx"), content, user="u")
    assert result.observations == 100_000
    assert store.observation_count() == 100_000
    current = store.current_observations()
    assert len(current) == 100_000 and current["value"].sum() == sum(range(100_000))


# --- other processes ------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import hashlib, os, sys, time
    import duckdb
    from tracker.core.observation import Observation, ParsedForm
    from tracker.storage import Store
    from tracker.storage import StoreError

    mode, db, label, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    content = label.encode()
    parsed = ParsedForm(label + ".xlsx", hashlib.sha256(content).hexdigest(), "bac_ninh", "2026-Q3",
                        observations=[Observation(f"{label}.{k}", "bac_ninh", "2026-Q3", float(k)) for k in range(n)])
    original = Store._write_archive

    def inside(self, name, data):  # after every row was inserted, before COMMIT
        path = original(self, name, data)
        print("inside", flush=True)
        if mode == "pause-inside":
            time.sleep(120)  # the test kills this process here
        else:
            sys.stdin.readline()  # the test says when to go on
        return path

    if mode in ("pause-inside", "hold"):
        Store._write_archive = inside
    real_connect = duckdb.connect

    def connect(*args, **kwargs):
        try:
            return real_connect(*args, **kwargs)
        except duckdb.IOException:
            print("locked", flush=True)
            raise

    duckdb.connect = connect
    if mode == "read-hold":  # a reader in the middle of its reads, as the dashboard is during a page view
        with Store(db).reading() as store:
            print("reading", store.observation_count(), flush=True)
            sys.stdin.readline()
        sys.exit(0)
    try:
        with Store(db, lock_timeout=float(os.environ.get("LOCK_TIMEOUT", "20"))) as store:
            result = store.commit(parsed, content, user=label)
            print("committed", result.submission_id, flush=True)
            if mode == "pause-after-commit":
                time.sleep(120)
    except StoreError as exc:
        print("storeerror", exc, flush=True)
        sys.exit(3)
""")


class Child:
    """A process committing one form of n rows to db, in one of the CHILD modes."""

    def __init__(self, tmp_path: Path, mode: str, db: Path, label: str, n: int = 1000, lock_timeout: float | None = None):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        if lock_timeout is not None:
            env["LOCK_TIMEOUT"] = str(lock_timeout)
        self.stderr = (tmp_path / f"{label}.err").open("w+")
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(db), label, str(n)], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True)

    def expect(self, word: str) -> str:
        line = self.proc.stdout.readline()
        if not line.startswith(word):
            self.stderr.seek(0)
            raise AssertionError(f"expected {word!r}, got {line!r}; stderr:\n{self.stderr.read()}")
        return line

    def say_go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def finish(self) -> tuple[int, str]:
        out, _ = self.proc.communicate(timeout=60)
        return self.proc.returncode, out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


@pytest.fixture
def children(tmp_path):
    started: list[Child] = []

    def start(*args, **kwargs) -> Child:
        child = Child(tmp_path, *args, **kwargs)
        started.append(child)
        return child

    yield start
    for child in started:
        child.kill()


def test_process_killed_inside_the_transaction_leaves_nothing(tmp_path, children):
    db = tmp_path / "t.duckdb"
    with Store(db) as s:
        s.commit(form(b"before", [obs("x", 1)]), b"before", user="u")
    child = children("pause-inside", db, "killed", n=20_000)
    child.expect("inside")
    os.kill(child.proc.pid, signal.SIGKILL)
    child.proc.wait()
    assert child.proc.returncode == -signal.SIGKILL
    assert table_counts(db) == (1, 1, 0)  # the earlier upload whole, none of the killed one
    with Store(db) as s:
        assert [sub.file_name for sub in s.submissions()] == ["bac_ninh_2026-Q3.xlsx"]
        # The orphan archive file is harmless: the same upload goes through afterwards.
        assert s.commit(form(b"killed", [obs("x", 2)], file_name="killed.xlsx"), b"killed", user="u").duplicate is False


def test_process_killed_right_after_commit_keeps_everything(tmp_path, children):
    db = tmp_path / "t.duckdb"
    child = children("pause-after-commit", db, "survives", n=20_000)
    child.expect("committed")
    os.kill(child.proc.pid, signal.SIGKILL)
    child.proc.wait()
    with Store(db) as s:
        assert s.observation_count() == 20_000
        assert s.submissions()[0].observation_count == 20_000
        assert s.archived_file(s.submissions()[0].id) is not None


def test_two_ingests_at_once_the_second_waits_for_the_first(tmp_path, children):
    db = tmp_path / "t.duckdb"
    first = children("hold", db, "first")
    first.expect("inside")                 # the first holds the file, mid-transaction
    second = children("plain", db, "second")
    second.expect("locked")                # the second found the file locked and keeps trying
    first.say_go()
    assert first.finish()[0] == 0
    code, out = second.finish()
    assert code == 0 and "committed" in out
    with Store(db) as s:
        assert sorted(sub.uploaded_by for sub in s.submissions()) == ["first", "second"]
        assert s.observation_count() == 2000
        assert all(sub.observation_count == 1000 for sub in s.submissions())


def test_two_ingests_at_once_the_second_gives_up_clearly_then_retries(tmp_path, children):
    db = tmp_path / "t.duckdb"
    first = children("hold", db, "first")
    first.expect("inside")
    impatient = children("plain", db, "second", lock_timeout=0.3)
    code, out = impatient.finish()
    assert code == 3
    assert "đang được một tiến trình khác sử dụng" in out and "in use by another process" in out
    first.say_go()
    assert first.finish()[0] == 0
    assert table_counts(db) == (1, 1000, 0)  # only the first, whole
    retry = children("plain", db, "second")
    assert retry.finish()[0] == 0
    assert table_counts(db) == (2, 2000, 0)


# --- the file is held only while a store works (issue 14) -------------------------------------------

def test_a_store_holds_no_lock_between_calls(tmp_path, children):
    """The dashboard's Store, between page views: another process commits without waiting at all."""
    db = tmp_path / "t.duckdb"
    dashboard = Store(db)
    before = dashboard.last_change()
    assert dashboard.observation_count() == 0 and dashboard.current_values().empty
    code, out = children("plain", db, "cli", lock_timeout=0).finish()   # one attempt: no retry, no wait
    assert code == 0 and "committed" in out and "locked" not in out
    assert dashboard.observation_count() == 1000          # the other process's commit, seen on the next call
    assert dashboard.last_change() != before
    dashboard.close()


def test_a_reader_waits_for_a_commit_in_another_process_and_sees_it(tmp_path, children):
    db = tmp_path / "t.duckdb"
    reader = Store(db)
    writer = children("hold", db, "first")
    writer.expect("inside")                    # the writer holds the file, mid-transaction
    seen = []
    thread = threading.Thread(target=lambda: seen.append(reader.observation_count()))
    thread.start()
    writer.say_go()
    assert writer.finish()[0] == 0
    thread.join(60)
    # The file was locked until the commit ended, so a read that succeeded came after it.
    assert seen == [1000]


def test_a_reader_gives_up_with_a_busy_error_naming_the_writer(tmp_path, children):
    db = tmp_path / "t.duckdb"
    Store(db).close()
    writer = children("hold", db, "first")
    writer.expect("inside")
    with pytest.raises(StoreError) as caught:   # even opening the store reads the file
        Store(db, lock_timeout=0.2).observation_count()
    error = caught.value
    assert (error.code, error.holder_pid, error.waited, error.place) == ("busy", writer.proc.pid, 0.2, str(db))
    assert "đang được một tiến trình khác sử dụng" in str(error) and "in use by another process" in str(error)
    writer.say_go()
    assert writer.finish()[0] == 0


def test_readers_share_the_file_across_processes_and_a_writer_waits_for_them(tmp_path, children):
    db = tmp_path / "t.duckdb"
    with Store(db) as s:
        s.commit(form(b"before", [obs("x", 1)]), b"before", user="u")
    reader = children("read-hold", db, "reader")
    assert reader.expect("reading") == "reading 1\n"
    # Another reader (the CLI's `status`) neither waits nor fails: opening the store needs no write lock.
    with Store(db, lock_timeout=0) as other:
        assert other.observation_count() == 1
    with Store(db, lock_timeout=0.2) as impatient, pytest.raises(StoreError) as caught:
        impatient.commit(form(b"later", [obs("x", 2)]), b"later", user="u")
    assert caught.value.code == "busy"
    with Store(db, lock_timeout=60) as patient:
        results = []
        thread = threading.Thread(target=lambda: results.append(
            patient.commit(form(b"later", [obs("x", 2)]), b"later", user="u")))
        thread.start()
        reader.say_go()
        thread.join(60)
        assert [r.duplicate for r in results] == [False]
        assert patient.observation_count() == 2
    assert reader.finish()[0] == 0


def test_in_one_process_a_commit_waits_for_a_unit_of_reads(store):
    """Threads of the dashboard: DuckDB refuses a writable and a read-only connection to one file in
    one process, so the store's gate makes a commit wait for the reads in progress."""
    errors, results = [], []

    def commit():
        try:
            results.append(store.commit(form(b"t", [obs("x", 1)]), b"t", user="u"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with store.reading():
        assert store.observation_count() == 0
        thread = threading.Thread(target=commit)
        thread.start()
        thread.join(0.5)
        assert store.observation_count() == 0      # one unit of work: one state, the commit waits
        with pytest.raises(RuntimeError):
            store.commit(form(b"own", [obs("x", 1)]), b"own", user="u")   # would wait for itself
    thread.join(60)
    assert errors == [] and len(results) == 1
    assert store.observation_count() == 1


def test_a_closed_store_refuses_work(tmp_path):
    s = Store(tmp_path / "t.duckdb")
    s.close()
    with pytest.raises(StoreError) as caught:
        s.is_empty()
    assert caught.value.code == "closed"


BUSY_WORDS = {  # what each command says it did not do when the database stays busy
    "status": ("Chưa đọc được tình hình các chỉ tiêu", "The statuses could not be read yet"),
    "briefing": ("Chưa tạo bản trình chiếu", "The briefing deck was not made"),
    "template": ("Chưa tạo biểu mẫu", "The form was not written"),
    "ingest": ("Chưa có gì được lưu", "Nothing was stored"),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_busy_database_gets_a_message_that_fits_the_command(tmp_path, children, monkeypatch, capsys, lang):
    import tracker.storage.queries as store_module   # where the default lock timeout is read
    from tracker.catalogue import load_catalogue
    from tracker.cli import main
    from tracker.forms.workbook import build_form

    db = tmp_path / "t.duckdb"
    Store(db).close()
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-10-15")
    monkeypatch.setattr(store_module, "DEFAULT_LOCK_TIMEOUT", 0.3)
    settings = tmp_path / "settings.toml"   # `template` has no --lang: the installation's language
    settings.write_text(f'default_lang = "{lang}"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings))
    upload = tmp_path / "nq45_khanh-hoa_2026-Q3.xlsx"
    upload.write_bytes(build_form(load_catalogue(), "khanh-hoa", "2026-Q3"))
    writer = children("hold", db, "first")
    writer.expect("inside")
    commands = {
        "status": ["status", "--lang", lang],
        "briefing": ["briefing", "--unit", "khanh-hoa", "--out", str(tmp_path / "deck.pptx"), "--lang", lang],
        "template": ["template", "--unit", "khanh-hoa", "--period", "2026-Q3", "--out", str(tmp_path / "form.xlsx")],
        "ingest": ["ingest", str(upload), "--lang", lang],
    }
    for name, argv in commands.items():
        capsys.readouterr()
        assert main(argv) == 1, name
        err = capsys.readouterr().err
        said = BUSY_WORDS[name][lang == "en"]
        assert said in err, (name, err)
        assert str(writer.proc.pid) in err and str(db) in err
        assert ("sau 0,3 giây" if lang == "vi" else "after 0.3 s") in err, (name, err)
        assert "Nộp số liệu" not in err and "Upload" not in err and "upload page" not in err.lower(), (name, err)
        assert "Traceback" not in err
    assert not (tmp_path / "deck.pptx").exists() and not (tmp_path / "form.xlsx").exists()
    writer.say_go()
    assert writer.finish()[0] == 0


def test_current_values_agrees_with_current_observations(tmp_path):
    """The dashboard's lean query gives the same latest values as the full one."""
    import hashlib

    from tracker.core.observation import Observation, ParsedForm
    from tracker.storage import Store

    store = Store(tmp_path / "v.duckdb")
    for n, value in enumerate((1.0, 2.0, 3.0)):
        content = f"form {n}".encode()
        obs = [Observation("khanh-hoa.st-enterprises", "khanh-hoa", "2026-Q1", value),
               Observation("khanh-hoa.st-enterprises", "khanh-hoa", f"2025-Q{n + 1}", 10 + value)]
        store.commit(ParsedForm("f.xlsx", hashlib.sha256(content).hexdigest(), "khanh-hoa", "*", observations=obs),
                     content, user="t")
    lean = store.current_values().sort_values(["period"]).reset_index(drop=True)
    full = store.current_observations()[["indicator_id", "unit", "period", "sector", "value", "value_status"]]
    full = full.sort_values(["period"]).reset_index(drop=True)
    assert lean.to_dict("records") == full.to_dict("records")
    assert lean.loc[lean.period == "2026-Q1", "value"].item() == 3.0
