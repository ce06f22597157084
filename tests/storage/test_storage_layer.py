"""The storage layer's own pieces (tracker.storage): the dialect on both engines, the migration list
filled per engine with the version numbers existing databases carry, and open_store's choice."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.storage import open_store, schema
from tracker.storage.dialect import Dialect, PostgresDialect


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    target = tmp_path / "t.duckdb" if request.param == "duckdb" else request.getfixturevalue("pg_url")
    with open_store(target, tmp_path / "archive") as opened:
        yield opened


def test_postgres_placeholders_leave_quoted_text_and_percent_signs_alone():
    d = PostgresDialect()
    assert d.sql("SELECT ? WHERE a = 'why?' AND b LIKE '10%' AND c = ?") == \
        "SELECT %s WHERE a = 'why?' AND b LIKE '10%%' AND c = %s"
    assert d.sql("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"
    assert Dialect().sql("SELECT ? WHERE a = '10%'") == "SELECT ? WHERE a = '10%'"


def test_placeholders_and_percent_run_on_both_engines(store):
    rows = store._rows("SELECT ?, 'why?', '10%' || ?", ["a", "b"])
    assert [tuple(r) for r in rows] == [("a", "why?", "10%b")]


@pytest.mark.parametrize("wanted, found", [(["a", "c"], {"a", "c"}), ([], set()), (["zz"], set())])
def test_in_list_binds_one_list_on_both_engines(store, wanted, found):
    store._rows("CREATE TABLE probe (name TEXT, n BIGINT)", write=True)
    store._rows("INSERT INTO probe VALUES ('a', 1), ('b', 2), ('c', 3)", write=True)
    assert {r[0] for r in store._rows(f"SELECT name FROM probe WHERE {store.dialect.in_list('name')}", [wanted])} == found
    assert {r[0] for r in store._rows(f"SELECT n FROM probe WHERE {store.dialect.in_list('n', 'bigint')}", [[2, 3]])} == {2, 3}


def test_bulk_insert_puts_the_fixed_values_on_every_row_and_read_frame_types_them(store):
    store._rows("CREATE TABLE probe (submission_id BIGINT, name TEXT, value DOUBLE PRECISION)", write=True)
    frame = pd.DataFrame({"name": pd.Series(["x", "y"], dtype=object), "value": [1.5, 2.5]})
    with store._cursor(write=True) as cur:
        store.dialect.bulk_insert(cur, "probe", frame, {"submission_id": 7})
        store.dialect.bulk_insert(cur, "probe", frame.iloc[:0], {"submission_id": 8})   # nothing to insert
    with store._cursor() as cur:
        read = store.dialect.read_frame(cur, "SELECT submission_id, name, value FROM probe WHERE submission_id = ? ORDER BY name",
                                        [7], ["submission_id", "name", "value"], schema.FRAME_TYPES)
    assert read.to_dict("records") == [{"submission_id": 7, "name": "x", "value": 1.5},
                                       {"submission_id": 7, "name": "y", "value": 2.5}]
    assert str(read["submission_id"].dtype) == "int64" and str(read["value"].dtype) == "float64"


def test_a_write_that_fails_leaves_nothing_on_both_engines(store):
    store._rows("CREATE TABLE probe (name TEXT)", write=True)
    with pytest.raises(RuntimeError), store._cursor(write=True) as cur:
        store._run(cur, "INSERT INTO probe VALUES (?)", ["lost"])
        raise RuntimeError("half way")
    assert store._rows("SELECT count(*) FROM probe")[0][0] == 0


def test_each_engine_keeps_its_version_numbers():
    """DuckDB files are at 4 and PostgreSQL databases at 5 with the steps as they were: a step marked for
    one engine is not counted on the other, and an engine-only statement is left out of the other's step."""
    duck, pg = schema.migrations(schema.DUCKDB), schema.migrations(schema.POSTGRES)
    # + issue 19 item 6's step on both engines (web_sessions.account), then issue 20's (value_status),
    # then issue 21's (approval on submissions)
    assert len(duck) == 7 and len(pg) == 8 and "account" in duck[4][0] and "account" in pg[5][0]
    assert "value_status" in duck[5][0] and "value_status" in pg[6][0]
    assert "approval" in duck[6][0] and "approval" in pg[7][0]
    assert "web_sessions" in duck[3][0] and "web_sessions" in pg[4][0] and "archive_files" in pg[3][0]
    assert duck[0][1] == "CREATE SEQUENCE submission_ids START 1" and not any("SEQUENCE" in s for s in pg[0])
    assert all("{" not in s for step in duck + pg for s in step)   # every engine word filled in
    assert "VARCHAR" in duck[0][0] and "TEXT" in pg[0][0]


def test_open_store_picks_the_engine_and_old_store_calls_still_work(tmp_path):
    from tracker.storage.duckdb import DuckDBStore
    from tracker.storage import Store

    with open_store(":memory:") as memory, Store(tmp_path / "old.duckdb") as old:
        assert isinstance(memory, DuckDBStore) and isinstance(old, DuckDBStore) and isinstance(old, Store)
        assert memory.schema_version == old.schema_version == len(schema.migrations(schema.DUCKDB))


def test_duckdb_current_values_gives_its_reading_connection_back_with_the_threads_it_had(tmp_path):
    """current_values runs its GROUP BY on one DuckDB thread (issue 24, goal 5); the setting is the
    database's, so another read in the same unit of work still has the default."""
    with open_store(tmp_path / "t.duckdb", tmp_path / "archive") as store, store.reading():
        default = store._rows("SELECT current_setting('threads')")[0][0]
        assert store.current_values().empty
        assert store._rows("SELECT current_setting('threads')")[0][0] == default


def test_duckdb_change_token_is_kept_while_the_file_is_unchanged_and_read_again_after_any_write(tmp_path,
                                                                                                 monkeypatch):
    """last_change gives its kept token while the file and its WAL are as they were (no connection
    opened), and reads the database after every commit of another store on the same file, however
    quickly they follow each other (the file's size comes back to what it was; its headers do not)."""
    import hashlib

    from tracker.core.observation import Observation, ParsedForm
    from tracker.storage import duckdb as engine

    path = tmp_path / "t.duckdb"
    with open_store(path, tmp_path / "archive") as reader, open_store(path, tmp_path / "archive") as writer:
        opened = []
        real = engine._connect
        monkeypatch.setattr(engine, "_connect", lambda *a: opened.append(a) or real(*a))
        tokens = [reader.last_change()]
        assert reader.last_change() == tokens[0] and len(opened) == 1   # the second read opened nothing
        for k in range(6):
            content = f"file {k}".encode()
            writer.commit(ParsedForm("f.xlsx", hashlib.sha256(content).hexdigest(), "u", "*", "2",
                                     [Observation("i", "u", "2025-Q1", float(k))]), content, user="t")
            tokens.append(reader.last_change())
        assert len(set(tokens)) == len(tokens) and tokens[-1] == writer.last_change()
        with reader.reading():   # inside a unit of work: read from its connection, as always
            assert reader.last_change() == tokens[-1]
