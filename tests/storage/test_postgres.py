"""The PostgreSQL store beyond what tests/storage/test_store.py runs on both engines: choosing it in settings,
its own migrations, the archive in the database, writers serialised on the change counter, what one
process sees of another's commits, the snapshot saved for replicas, shared sign-in lockouts and its
errors. Each test gets a new database in the throwaway cluster of tests/support/postgres.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest

from tracker.core.observation import Observation, ParsedForm
from tracker.storage import Store
from tracker.storage import StoreError

T0 = dt.datetime(2026, 10, 1, 8, 0)


def form(content: bytes, values: dict[str, float], unit: str = "khanh-hoa", period: str = "2026-Q3") -> ParsedForm:
    return ParsedForm(f"{unit}.xlsx", hashlib.sha256(content).hexdigest(), unit, period,
                      observations=[Observation(i, unit, period, v) for i, v in values.items()])


# --- choosing the engine ------------------------------------------------------------------------

def test_db_url_in_settings_or_env_selects_postgresql(tmp_path, monkeypatch):
    from tracker.core.settings import SettingsError, load_settings

    monkeypatch.delenv("TRACKER_DB", raising=False)
    settings = tmp_path / "settings.toml"
    settings.write_text('db_url = "postgresql://nq45@db.example/nq45"\n', encoding="utf-8")
    loaded = load_settings(settings)
    assert loaded.database == "postgresql://nq45@db.example/nq45"
    settings.write_text('db_path = "x.duckdb"\n', encoding="utf-8")
    assert load_settings(settings).database.endswith("x.duckdb")
    # The environment names a server as well as a file; a URL is not turned into a path.
    monkeypatch.setenv("TRACKER_DB", "postgresql://u@/nq45?host=/run/postgresql")
    loaded = load_settings(settings)
    assert loaded.db_url == "postgresql://u@/nq45?host=/run/postgresql"
    assert loaded.database == loaded.db_url
    assert loaded.archive_dir.name == "archive" and "postgresql:" not in str(loaded.archive_dir)
    settings.write_text('db_url = "mysql://u@h/db"\n', encoding="utf-8")
    monkeypatch.delenv("TRACKER_DB")
    with pytest.raises(SettingsError, match="db_url"):
        load_settings(settings)


def test_a_url_makes_a_postgres_store_with_its_own_migrations(pg_url):
    from tracker.storage.postgres import PG_MIGRATIONS, PostgresStore

    with Store(pg_url) as store:
        assert isinstance(store, PostgresStore) and isinstance(store, Store)
        assert store.schema_version == len(PG_MIGRATIONS)
        assert store.is_empty() and store.last_change().endswith(":0:0")
    with Store(pg_url, read_only=True) as again:   # reopening applies nothing
        assert again.schema_version == len(PG_MIGRATIONS)
        with pytest.raises(StoreError) as caught:
            again.commit(form(b"x", {"x": 1}), b"x", user="u")
        assert caught.value.code == "read_only"


def test_processes_starting_together_migrate_once(pg_url):
    """Four stores made at the same moment on an empty database: the advisory lock lets one apply
    each step, the others find it applied."""
    from tracker.storage.postgres import PG_MIGRATIONS

    errors, stores = [], []

    def start():
        try:
            stores.append(Store(pg_url))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with stores[0]._cursor() as cur:
        cur.execute("SELECT version FROM schema_version ORDER BY version")
        assert [r[0] for r in cur.fetchall()] == list(range(1, len(PG_MIGRATIONS) + 1))
    for s in stores:
        s.close()


def test_a_password_never_shows_in_messages():
    from tracker.storage.postgres import redacted

    assert redacted("postgresql://nq45:s3cret@db.example:5432/nq45") == "postgresql://nq45:***@db.example:5432/nq45"


def test_no_server_is_a_store_error_with_a_sentence(tmp_path):
    with pytest.raises(StoreError) as caught:
        Store(f"postgresql://nobody@/nq45?host={tmp_path}", lock_timeout=1)
    assert caught.value.code == "unreadable"
    assert "Không kết nối được" in caught.value.message("vi") and "db_url" in caught.value.message("en")


def test_connections_cut_by_the_server_are_replaced(pg_url):
    """A database restart (here: every connection of the store terminated) costs no failed read."""
    import psycopg

    with Store(pg_url) as store:
        assert store.is_empty()
        with psycopg.connect(pg_url, autocommit=True) as admin:
            cut = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
        assert cut >= 1
        assert store.is_empty() and store.change_counter() == 0


# --- archive, counter, writers ----------------------------------------------------------------------

def test_the_archive_lives_in_the_database(pg_url, tmp_path):
    """Another replica, with its own (empty) local folder, gets the file back from the database."""
    content = b"PK\x03\x04 a workbook"
    with Store(pg_url, tmp_path / "one") as first:
        sid = first.commit(form(content, {"x": 1}), content, user="u").submission_id
    with Store(pg_url, tmp_path / "two") as second:
        path = second.archived_file(sid)
        assert path.parent == tmp_path / "two" and path.read_bytes() == content
        assert second.archived_file(999) is None
        # Accepted again after a withdrawal: the same bytes, stored once.
        second.withdraw(sid, user="lead", reason="sai")
        again = second.commit(form(content, {"x": 1}), content, user="u")
        assert not again.duplicate and second.archived_file(again.submission_id).read_bytes() == content


def test_another_process_commit_moves_the_counter_and_the_snapshot_follows(pg_url):
    from tracker.catalogue import load_catalogue
    from tracker.assess.snapshot import build_snapshot

    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    today = dt.date(2026, 10, 15)
    with Store(pg_url) as dashboard, Store(pg_url) as cli:
        before = build_snapshot(dashboard, cat, today)
        assert dashboard.change_counter() == 0
        cli.commit(form(b"one", {stock.id: 123.0}), b"one", user="u", now=T0)
        assert dashboard.change_counter() == 1 and dashboard.last_change() != before.token
        after = build_snapshot(dashboard, cat, today, before)
        mine = {a.indicator_id: a for a in after.results["khanh-hoa"]["numeric"]}[stock.id]
        assert mine.latest_value == 123.0
        cli.withdraw(1, user="lead", reason="nhầm")
        assert dashboard.change_counter() == 2
        assert build_snapshot(dashboard, cat, today, after).results["khanh-hoa"] == before.results["khanh-hoa"]


def test_two_writers_of_the_same_file_store_it_once(pg_url):
    """Writers take the counter's row first, so the second sees the first's submission as a duplicate."""
    results, errors = [], []
    stores = [Store(pg_url) for _ in range(4)]

    def commit(store, n):
        try:
            content = f"file {n % 2}".encode()
            results.append(store.commit(form(content, {f"x{n % 2}": n}), content, user="u"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=commit, args=(s, n)) for n, s in enumerate(stores * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r.duplicate for r in results) == [False, False] + [True] * 6
    assert len(stores[0].submissions()) == 2 and stores[0].change_counter() == 2
    # Ids in commit order: every id a reader saw is below the next one committed.
    assert sorted(s.id for s in stores[0].submissions()) == [1, 2]
    for s in stores:
        s.close()


def test_a_writer_held_too_long_is_busy(pg_url):
    import psycopg

    with Store(pg_url, lock_timeout=0.3) as store, psycopg.connect(pg_url) as other:
        other.execute("UPDATE store_changes SET counter = counter WHERE id = 1")   # holds the writers' row
        with pytest.raises(StoreError) as caught:
            store.commit(form(b"late", {"x": 1}), b"late", user="u")
        assert caught.value.code == "busy" and "0.3 s" in caught.value.message("en")
        assert store.observation_count() == 0      # reads do not wait for a writer
        other.rollback()
        assert not store.commit(form(b"late", {"x": 1}), b"late", user="u").duplicate


def test_backup_names_pg_dump(pg_url, tmp_path):
    with Store(pg_url) as store, pytest.raises(StoreError) as caught:
        store.backup(tmp_path / "b.duckdb", tmp_path / "archive")
    assert caught.value.code == "unsupported" and "pg_dump" in str(caught.value)


def test_the_cli_stores_and_reads_through_a_url(pg_url, tmp_path, monkeypatch, capsys):
    import json

    from tracker.catalogue import load_catalogue
    from tracker.cli import main
    from tracker.forms.demo import fill_form
    from tracker.forms.workbook import build_form

    from tests.support.installation import installation

    for k, v in installation(tmp_path, database=pg_url).items():   # archive and programmes under tmp_path too
        monkeypatch.setenv(k, v)
    stock = next(i for i in load_catalogue().indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    upload = tmp_path / "nq45_khanh-hoa_2026-Q3.xlsx"
    upload.write_bytes(fill_form(build_form(load_catalogue(), "khanh-hoa", "2026-Q3"), {(stock.id, ""): 4321}))
    assert main(["ingest", str(upload)]) == 0
    capsys.readouterr()
    assert main(["status", "--json", "--unit", "khanh-hoa"]) == 0
    out = json.loads(capsys.readouterr().out)
    mine = {a["indicator_id"]: a for a in out["units"]["khanh-hoa"]["numeric"]}[stock.id]
    assert mine["latest_value"] == 4321
    assert main(["template", "--unit", "khanh-hoa", "--period", "2026-Q4", "--out", str(tmp_path / "next.xlsx")]) == 0
    capsys.readouterr()
    assert main(["audit"]) == 0
    assert upload.name in capsys.readouterr().out      # the upload's audit row, written in its transaction


# --- shared between replicas -----------------------------------------------------------------------

def test_a_second_replica_starts_from_the_saved_snapshot(pg_url, monkeypatch, tmp_path):
    """The first process assesses and saves; a second with nothing in memory loads it (no assessing),
    and after a commit re-assesses only the unit touched."""
    import tracker.assess.snapshot as snapshot_module

    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))   # the signing key beside it
    from tracker.catalogue import catalogue_key, load_catalogue
    from tracker.assess.snapshot import shared_snapshot

    cat, key, today = load_catalogue(), catalogue_key(), dt.date(2026, 10, 15)
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    with Store(pg_url) as first, Store(pg_url) as second:
        first.commit(form(b"one", {stock.id: 5.0}), b"one", user="u", now=T0)
        made = shared_snapshot(first, cat, today, catalogue_key=key, background=False)
        assessed = []
        real = snapshot_module.assess_all
        monkeypatch.setattr(snapshot_module, "assess_all", lambda c, *a, **k: assessed.append(set(c.jurisdictions)) or real(c, *a, **k))
        loaded = shared_snapshot(second, cat, today, catalogue_key=key)
        assert assessed == []                                   # loaded, not assessed again
        assert loaded.token == made.token and loaded.results == made.results
        first.commit(form(b"two", {stock.id: 6.0}, unit="khanh-hoa", period="2026-Q2"), b"two", user="u", now=T0)
        updated = shared_snapshot(second, cat, today, loaded, catalogue_key=key, background=False)
        assert len(assessed) == 1 and "khanh-hoa" in assessed[0] and len(assessed[0]) < len(cat.jurisdictions)
        # …and saved it, so a third process starts from the newest one.
        assert first.saved_snapshot(snapshot_module.catalogue_digest(key), today)[0] == updated.token
        # Another day: nothing saved for it yet, so everything is assessed.
        assessed.clear()
        shared_snapshot(second, cat, today + dt.timedelta(days=1), catalogue_key=key, background=False)
        assert assessed and assessed[0] == set(cat.jurisdictions)


def test_a_lockout_holds_on_every_replica(pg_url):
    from tracker.accounts.signin import Throttle, ThrottlePolicy

    policy = ThrottlePolicy(backoff_after=1, lock_after=2, lock_minutes=15)
    with Store(pg_url) as one, Store(pg_url) as two:
        first, second = Throttle(policy, one.failure_log()), Throttle(policy, two.failure_log())
        keys = ["user:an"]
        first.failed(keys, 1000.0)
        second.failed(keys, 1001.0)       # the second failure, on the other replica
        assert first.gate(keys, 1002.0, {}).code == "locked"
        first.succeeded("user:an")
        assert second.gate(keys, 1003.0, {}).allowed
