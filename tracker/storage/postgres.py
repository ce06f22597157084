"""The PostgreSQL engine: the same Store over a server that several dashboard and CLI processes share.

Chosen by a ``postgresql://`` URL (settings.toml ``db_url``, or $TRACKER_DB) in tracker.storage.open_store,
so pages and commands do not know which engine they use. The queries are tracker.storage.queries'
(the same rules as the DuckDB file; the tables of tracker.storage.schema with PostgreSQL's words, plus
the steps marked for this engine); this module keeps what is PostgreSQL's own.

What differs, and why:
- Archive: the accepted files live in the database (``archive_files``, bytea), written in the
  submission's own transaction. Replicas on different machines need no shared volume, a file can
  never be missing for a submission (nor orphaned), and one pg_dump backs up everything. Files are
  at most ``upload_max_mb`` (10 MB by default), far below bytea's limit. ``archived_file`` copies a
  file into the local ``archive_dir`` (a cache, named by SHA-256) to hand back a path.
- Writers are serialised on one row (``store_changes``), locked first in every commit and
  withdrawal; its counter goes up by one with each. So submission ids are handed out in commit
  order, which lets a reader that saw id N ask for "everything after N" (tracker.assess.snapshot), and two
  uploads of the same file cannot both be accepted. Waiting longer than ``lock_timeout`` for that
  row is StoreError(code="busy"), as for the DuckDB file.
- Reads: ``Store.reading()`` is one REPEATABLE READ, READ ONLY transaction (one state of the
  database). The dashboard's big read (``current_values``) goes through COPY … TO STDOUT as CSV,
  parsed by pyarrow, so a million rows do not become a million Python tuples.
- Shared state of replicas also kept here: sign-in failure counts (``signin_failures``, so a lockout
  holds on every replica) and the assessed snapshot (``snapshots``, see tracker.assess.snapshot).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from tracker.storage import schema
from tracker.storage.dialect import PostgresDialect
from tracker.storage.queries import APPROVED, DEMO_STILL_SHOWN, NOT_WITHDRAWN, Store
from tracker.storage.schema import VALUE_RANK
from tracker.storage.records import URL_PREFIXES, StoreError, utc_naive

__all__ = ["PG_MIGRATIONS", "SNAPSHOT_KEEP_DAYS", "PostgresFailureLog", "PostgresStore", "is_url", "redacted"]

PG_MIGRATIONS = schema.migrations(schema.POSTGRES)

# Kept persisted snapshots this long (older catalogue versions and days are of no further use).
SNAPSHOT_KEEP_DAYS = 2


def is_url(target) -> bool:
    return isinstance(target, str) and target.startswith(URL_PREFIXES)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


class PostgresStore(Store):
    """Submissions and their rows in a PostgreSQL database; see the module for what differs from DuckDB."""

    dialect = PostgresDialect()

    def __init__(self, path: str, archive_dir: str | Path | None = None, read_only: bool = False, *,
                 lock_timeout: float | None = None):
        import psycopg  # noqa: F401 - a clear ImportError here, not at the first query

        self.url = str(path)
        self.path = None
        self._set_up(read_only, lock_timeout)
        self._pool = None
        # A local cache only: the files themselves are in the database.
        self.archive_dir = Path(archive_dir) if archive_dir is not None else self._temporary_archive()
        self._open()

    def _ready(self) -> None:
        from psycopg_pool import ConnectionPool

        # A few connections kept open: a page view costs no connection set-up. Closed with the store.
        # Each is checked when taken (one round trip), so a restarted server costs no failed page.
        self._pool = ConnectionPool(self.url, min_size=1, max_size=8, kwargs={"autocommit": True},
                                    timeout=max(self.lock_timeout, 5.0), open=True, name="nq45-tracker",
                                    check=ConnectionPool.check_connection)

    # --- lifecycle -----------------------------------------------------------------------------

    def _release(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def __repr__(self) -> str:
        return f"Store({redacted(self.url)!r})"

    def _place(self) -> str:
        return redacted(self.url)

    def _error(self, exc: Exception) -> StoreError:
        """A driver error as the store's error value."""
        import psycopg

        place = self._place()
        if isinstance(exc, psycopg.errors.LockNotAvailable):
            error = StoreError(
                f"Cơ sở dữ liệu {place} đang được một tiến trình khác ghi: đã chờ {self.lock_timeout:g} giây mà chưa xong",
                f"The database {place} is being written by another process: still busy after waiting {self.lock_timeout:g} s",
                code="busy", place=place)
            error.waited = self.lock_timeout
            return error
        return StoreError(
            f"Không kết nối được cơ sở dữ liệu {place}: {str(exc).strip()}. Kiểm tra db_url ($TRACKER_DB), máy chủ và quyền truy cập",
            f"Cannot use the database {place}: {str(exc).strip()}. Check db_url ($TRACKER_DB), the server and access rights",
            code="unreadable", place=place)

    @contextmanager
    def _connection(self, write: bool = False):
        """A pooled connection for one unit of work (a transaction when writing); nested blocks share it."""
        import psycopg

        held = self._unit_in_progress(write)
        if held is not None:
            with held.cursor() as cur:
                yield cur
            return
        try:
            if self._pool is None:   # while migrating
                con_cm = psycopg.connect(self.url, autocommit=True, connect_timeout=max(2, int(self.lock_timeout)))
            else:
                con_cm = self._pool.connection()
            with con_cm as con:
                self._local.held = (con, write)
                try:
                    with con.transaction(), con.cursor() as cur:
                        if write:
                            # Wait for another writer at most lock_timeout, then say "busy".
                            cur.execute(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'")
                        else:
                            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        yield cur
                finally:
                    self._local.held = None
        except StoreError:
            raise
        except psycopg.errors.UniqueViolation:
            raise
        except (psycopg.OperationalError, psycopg.errors.LockNotAvailable, psycopg.errors.InsufficientPrivilege) as exc:
            raise self._error(exc) from exc
        except Exception as exc:
            from psycopg_pool import PoolTimeout

            if isinstance(exc, PoolTimeout):
                raise self._error(exc) from exc
            raise

    # --- schema --------------------------------------------------------------------------------

    @staticmethod
    def _version_on(cur) -> int:
        cur.execute("SELECT to_regclass('schema_version') IS NOT NULL")
        if not cur.fetchone()[0]:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM schema_version")
        return cur.fetchone()[0]

    def _migrate(self) -> None:
        """Each missing step in its own transaction, under an advisory lock so that processes starting
        together do not both apply it."""
        with self._connection() as cur:
            current = self._version_on(cur)
        self._check_version(current, len(PG_MIGRATIONS))
        for version in range(current + 1, len(PG_MIGRATIONS) + 1):
            with self._connection(write=True) as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext('nq45-tracker-migrate'))")
                if self._version_on(cur) >= version:
                    continue   # another process applied it meanwhile
                self._apply_step(cur, version, PG_MIGRATIONS[version - 1])

    # --- what PostgreSQL does its own way ------------------------------------------------------

    def _count_change(self, cur) -> None:
        """Take the writers' row (waits for another commit, at most lock_timeout) and count this change.

        So submission ids are handed out in commit order, which lets a reader that saw id N ask for
        "everything after N" (tracker.assess.snapshot), and two uploads of one file cannot both be accepted."""
        self._run(cur, "UPDATE store_changes SET counter = counter + 1 WHERE id = 1")

    def _keep_file(self, cur, name: str, content: bytes) -> None:
        # The same file accepted again after a withdrawal: its bytes are already there.
        self._run(cur, "INSERT INTO archive_files VALUES (?, ?) ON CONFLICT (archive_name) DO NOTHING", [name, content])

    def archived_file(self, submission_id: int) -> Path | None:
        """The accepted file, copied from the database into the local cache folder (named by SHA-256)."""
        rows = self._rows("SELECT s.archive_name, a.content FROM submissions s JOIN archive_files a "
                          "ON a.archive_name = s.archive_name WHERE s.id = ?", [submission_id])
        if not rows:
            return None
        name, content = rows[0]
        path = self.archive_dir / name
        if not path.exists() or path.stat().st_size != len(content):
            self._write_archive(name, bytes(content))
        return path

    def last_change(self) -> str:
        """database id : highest submission id : change counter — moves with every commit and withdrawal."""
        row = self._rows("""SELECT (SELECT database_id FROM store_info LIMIT 1),
                                   (SELECT coalesce(max(id), 0) FROM submissions),
                                   (SELECT counter FROM store_changes WHERE id = 1)""")[0]
        return ":".join(str(x) for x in row)

    def change_counter(self) -> int:
        return self._rows("SELECT counter FROM store_changes WHERE id = 1")[0][0]

    def current_values(self, units: list[str] | None = None) -> pd.DataFrame:
        """As DuckDBStore.current_values: the latest value by submission id, only where it covers the target's area.

        Read with COPY … TO STDOUT (CSV) into pyarrow: a million rows arrive as one buffer parsed in C++,
        not as a million Python tuples."""
        import psycopg
        import pyarrow as pa
        import pyarrow.csv as pacsv

        where, params = self._filters("o", units)
        query = self.dialect.sql(f"""
            SELECT indicator_id, unit, period, sector, value, value_status FROM (
                SELECT DISTINCT ON (o.indicator_id, o.unit, o.period, o.sector)
                       o.indicator_id, o.unit, o.period, o.sector, o.value, o.value_status, o.territory
                FROM observations o JOIN submissions s ON s.id = o.submission_id
                WHERE {NOT_WITHDRAWN.format(alias="o")} AND {APPROVED.format(submission="s")}
                      AND {DEMO_STILL_SHOWN.format(submission="s", alias="o")} {where}
                ORDER BY o.indicator_id, o.unit, o.period, o.sector, {VALUE_RANK.format(alias="o")} DESC,
                         o.submission_id DESC) c
            WHERE territory = 'target'""")
        buffer = io.BytesIO()
        with self._connection() as cur:
            # COPY takes no bind parameters: the filter values are quoted by the driver (ClientCursor).
            statement = psycopg.ClientCursor(cur.connection).mogrify(query, params)
            with cur.copy(f"COPY ({statement}) TO STDOUT (FORMAT csv, HEADER)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
        names = ["indicator_id", "unit", "period", "sector", "value", "value_status"]
        types = {n: pa.string() for n in names} | {"value": pa.float64()}
        table = pacsv.read_csv(pa.BufferReader(buffer.getvalue()),
                               convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                                    quoted_strings_can_be_null=False))
        return table.to_pandas()

    def backup(self, out_db, out_archive):
        """A PostgreSQL database is backed up with its own tool, which also takes the archived files."""
        place = self._place()
        raise StoreError(
            f"Cơ sở dữ liệu PostgreSQL ({place}) được sao lưu bằng pg_dump (gồm cả các tệp đã nộp), ví dụ: pg_dump -Fc -f nq45.dump <db_url>",
            f"A PostgreSQL database ({place}) is backed up with pg_dump (the archived files included), e.g. pg_dump -Fc -f nq45.dump <db_url>",
            code="unsupported", place=place)

    # --- shared between replicas: the assessed snapshot, sign-in failures ----------------------

    def saved_snapshot(self, catalogue_key: str, today: dt.date) -> tuple[str, bytes] | None:
        """(token, data) of the newest snapshot saved for this catalogue and day, or None."""
        rows = self._rows("SELECT token, data FROM snapshots WHERE catalogue_key = ? AND today = ? "
                          "ORDER BY made_at DESC LIMIT 1", [catalogue_key, today])
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def snapshot_saved(self, catalogue_key: str, today: dt.date, token: str) -> bool:
        return self._rows("SELECT EXISTS (SELECT 1 FROM snapshots WHERE catalogue_key = ? AND today = ? AND token = ?)",
                          [catalogue_key, today, token])[0][0]

    def save_snapshot(self, catalogue_key: str, today: dt.date, token: str, data: bytes, *, replace: bool = False) -> None:
        """Keep this snapshot, replacing older ones of the catalogue and day (and any older than two days);
        ``replace`` also replaces a row of the same token (one that failed to load)."""
        now = utc_naive(None)
        with self._connection(write=True) as cur:   # not a change of data: no writers' row, never waits for a commit
            if replace:
                self._run(cur, "DELETE FROM snapshots WHERE catalogue_key = ? AND today = ? AND token = ?",
                          [catalogue_key, today, token])
            self._run(cur, "DELETE FROM snapshots WHERE (catalogue_key = ? AND today = ? AND token <> ?) OR made_at < ?",
                      [catalogue_key, today, token, now - dt.timedelta(days=SNAPSHOT_KEEP_DAYS)])
            self._run(cur, "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                      [catalogue_key, today, token, now, data])

    def failure_log(self) -> "PostgresFailureLog":
        return PostgresFailureLog(self)


class PostgresFailureLog:
    """tracker.accounts.signin.FailureLog in the database: a lockout holds on every replica and survives restarts.

    A DuckDB store has none: there tracker.accounts.signin.Throttle keeps its counts in memory."""

    def __init__(self, store: PostgresStore):
        self.store = store

    def get(self, key: str) -> tuple[int, float]:
        rows = self.store._rows("SELECT failures, last_failure FROM signin_failures WHERE key = ?", [key])
        return (int(rows[0][0]), float(rows[0][1])) if rows else (0, 0.0)

    def put(self, key: str, failures: int, last: float) -> None:
        self.store._rows("""INSERT INTO signin_failures VALUES (?, ?, ?)
                            ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure""",
                         [key, failures, last], write=True)

    def clear(self, key: str) -> None:
        self.store._rows("DELETE FROM signin_failures WHERE key = ?", [key], write=True)
