"""Storage written once for both engines: ``open_store(target)`` gives a Store over a DuckDB file (or
":memory:") or, for a ``postgresql://`` URL, a PostgreSQL database.

- schema.py   the one migration list (engine type words filled in, engine-only steps marked) and
              the columns each table is written and read with
- queries.py  class Store: every intent-named query, written once with ``?`` (submissions, values,
              task updates, withdrawals); account_queries.py: the audit log and web sessions
- dialect.py  what the queries need said differently: placeholder, in_list, bulk insert, frame reads
- duckdb.py   the file engine: file gate and retry, :memory:, archive folder, backup, Arrow reads
- postgres.py the server engine: pool, error mapping, writers' row, COPY, bytea archive, snapshots,
              sign-in failure log
- records.py  errors and results the store hands back
"""

from __future__ import annotations

from pathlib import Path

from tracker.storage.queries import DEFAULT_LOCK_TIMEOUT, Store
from tracker.storage.records import (
    AUDIT_EVENTS,
    BULK,
    MEMORY,
    AuditEntry,
    CommitResult,
    StoreError,
    database_exists,
    default_db_path,
    is_database_url,
    period_key,
)
from tracker.storage.schema import HISTORY_COLUMNS, MILESTONE_COLUMNS, OBSERVATION_COLUMNS

__all__ = ["AUDIT_EVENTS", "BULK", "DEFAULT_LOCK_TIMEOUT", "HISTORY_COLUMNS", "MEMORY", "MILESTONE_COLUMNS",
           "OBSERVATION_COLUMNS", "AuditEntry", "CommitResult", "Store", "StoreError",
           "database_exists", "default_db_path", "engine_for", "is_database_url", "open_store", "period_key"]


def engine_for(target) -> type[Store]:
    """The Store class for a target: PostgresStore for a postgresql:// URL, DuckDBStore otherwise."""
    if is_database_url(target):
        from tracker.storage.postgres import PostgresStore

        return PostgresStore
    from tracker.storage.duckdb import DuckDBStore

    return DuckDBStore


def open_store(target: str | Path | None = None, archive_dir: str | Path | None = None, read_only: bool = False, *,
               lock_timeout: float | None = None) -> Store:
    """The store at ``target`` (a DuckDB file path, ":memory:", a postgresql:// URL; None: $TRACKER_DB or
    data/tracker.duckdb), its schema brought up to date. ``archive_dir``: where accepted files are kept
    (DuckDB) or cached (PostgreSQL); ``lock_timeout``: seconds to wait for another writer."""
    return engine_for(target)(target, archive_dir, read_only, lock_timeout=lock_timeout)

