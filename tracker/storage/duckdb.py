"""The DuckDB engine: a file (or memory) holding the tables of tracker.storage.schema, the accepted
files in a folder beside it. The queries are tracker.storage.queries'; this module keeps what is
DuckDB's own: opening and sharing the file, the archive folder, backup, and the fast current_values.

One commit is one transaction. The accepted file is written to `<archive>/<sha256><ext>` before the
transaction commits: a crash in between leaves an orphan file (harmless, the next upload of the same
file overwrites it), never a submission without its file.

Concurrency. DuckDB lets one process at a time open a file for writing, or any number of processes
open it read-only, never both. So a Store holds the file only while it works: every read opens a
read-only connection and closes it when done, every commit or withdrawal opens a writable one for its
one transaction (closing it also checkpoints the WAL into the file). The dashboard server therefore
holds no lock between page views, and the CLI can read or write beside it. Measured on the
development machine (2 cores): opening costs tens of milliseconds and a commit's lock lasts tens of
milliseconds, flat in the size of the database (bench/store_locks.py prints the figures).
`Store.reading()` groups several reads in one connection (one opening, one consistent state).

Whoever finds the file held by another process in the conflicting mode retries with a short,
growing pause until ``lock_timeout`` has passed, then raises StoreError(code="busy"). Inside one
process the same rule is kept by a readers-writer gate per file, because DuckDB refuses a
read-only and a writable connection to one file in the same process. A ":memory:" store cannot be
reopened, so it keeps its one connection.

Times are stored as naive UTC timestamps.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import duckdb
import pandas as pd

from tracker.storage import schema
from tracker.storage.queries import DEMO_STILL_SHOWN, Store
from tracker.storage.schema import VALUE_RANK
from tracker.storage.records import MEMORY, StoreError, default_db_path

MIGRATIONS = schema.migrations(schema.DUCKDB)

# Submissions that still count: approved and not withdrawn (DuckDB's anti join, the measured path of
# current_values).
_LIVE = "SELECT s.* FROM submissions s ANTI JOIN withdrawals w ON w.submission_id = s.id WHERE s.approval = 'approved'"


# DuckDB's file begins with its main header and the two database headers (4 KiB each), one of which every
# checkpoint rewrites.
_HEADERS_BYTES = 3 * 4096


class _FileGate:
    """Within this process: readers share a file, a writer has it alone, waiting writers go first.

    The rule DuckDB applies between processes, kept between threads too, because DuckDB refuses a
    read-only connection to a file while a writable one is open in the same process (and the
    reverse). Writers go first so that steady page views cannot hold a commit off.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def acquire(self, write: bool, deadline: float) -> bool:
        with self._cond:
            if write:
                self._writers_waiting += 1
                try:
                    ok = self._cond.wait_for(lambda: not self._writing and self._readers == 0,
                                             max(0.0, deadline - time.monotonic()))
                finally:
                    self._writers_waiting -= 1
                if ok:
                    self._writing = True
                else:
                    self._cond.notify_all()   # readers held back for this writer may go on
                return ok
            ok = self._cond.wait_for(lambda: not self._writing and self._writers_waiting == 0,
                                     max(0.0, deadline - time.monotonic()))
            if ok:
                self._readers += 1
            return ok

    def release(self, write: bool) -> None:
        with self._cond:
            if write:
                self._writing = False
            else:
                self._readers -= 1
            self._cond.notify_all()


_GATES: dict[str, _FileGate] = {}
_GATES_GUARD = threading.Lock()


def _gate_for(key: str) -> _FileGate:
    with _GATES_GUARD:
        return _GATES.setdefault(key, _FileGate())


def _busy(path: str, waited: float, detail: str = "") -> StoreError:
    """The busy error, naming the process DuckDB reports as holding the lock when it does."""
    holder = re.search(r"PID (\d+)", detail)
    who_vi = f" (tiến trình {holder.group(1)})" if holder else ""
    who_en = f" (process {holder.group(1)})" if holder else ""
    error = StoreError(
        f"Cơ sở dữ liệu {path} đang được một tiến trình khác sử dụng{who_vi}: đã chờ {waited:g} giây mà chưa xong",
        f"The database {path} is in use by another process{who_en}: still busy after waiting {waited:g} s",
        code="busy", place=path)
    error.holder_pid = int(holder.group(1)) if holder else None
    error.waited = waited
    return error


def _connect(path: str, read_only: bool, deadline: float, waited: float) -> duckdb.DuckDBPyConnection:
    """Open the file, trying again while another process holds it in the conflicting mode.

    DuckDB does not wait for a lock: it fails at once ("Could not set lock on file"). So retry with
    a short pause that grows (20 ms → 200 ms, with jitter so that two waiting processes do not keep
    colliding) until the deadline; a commit holds the file for tens of milliseconds.
    """
    pause = 0.02
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            detail = str(exc)
            if "lock" not in detail.lower():
                if read_only and not Path(path).exists():
                    raise StoreError(f"Chưa có cơ sở dữ liệu {path}", f"There is no database at {path}",
                                     code="missing", place=path) from exc
                raise StoreError(
                    f"Không đọc được cơ sở dữ liệu {path}: {detail}. Kiểm tra đường dẫn ($TRACKER_DB) và quyền đọc tệp",
                    f"Cannot read the database {path}: {detail}. Check the path ($TRACKER_DB) and file permissions",
                    code="unreadable", place=path) from exc
            if time.monotonic() >= deadline:
                raise _busy(path, waited, detail) from exc
            time.sleep(min(pause * random.uniform(0.5, 1.0), max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.2)
        except duckdb.Error as exc:
            raise StoreError(f"Không mở được cơ sở dữ liệu {path}: {exc}", f"Cannot open the database {path}: {exc}",
                             code="unreadable", place=path) from exc


class DuckDBStore(Store):
    """Submissions and their rows in one DuckDB file (or in memory); see the module for how the file is shared."""

    def __init__(self, path: str | Path | None = None, archive_dir: str | Path | None = None, read_only: bool = False,
                 *, lock_timeout: float | None = None):
        self._set_up(read_only, lock_timeout)
        self._memory: duckdb.DuckDBPyConnection | None = None
        self._kept_change: tuple | None = None   # (file state, change token): see last_change
        if str(path) == MEMORY:
            self.path: Path | None = None
            if archive_dir is None:
                archive_dir = self._temporary_archive()
            self._write_lock = threading.Lock()
            self._memory = duckdb.connect(MEMORY)
        else:
            self.path = Path(path) if path is not None else default_db_path()
            if read_only and not self.path.exists():
                raise StoreError(f"Chưa có cơ sở dữ liệu {self.path}", f"There is no database at {self.path}",
                                 code="missing", place=str(self.path))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if archive_dir is None:
                archive_dir = self.path.parent / "archive"
            self._gate = _gate_for(str(self.path.resolve()))
        self.archive_dir = Path(archive_dir)
        self._open()

    # --- lifecycle -----------------------------------------------------------------------------

    def _release(self) -> None:
        """Nothing of a file store stays open between calls; a :memory: store's one connection does."""
        if self._memory is not None:
            self._memory.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path) if self.path else MEMORY!r})"

    @contextmanager
    def _connection(self, write: bool = False):
        """A connection for one unit of work, closed (the file released) when the block ends.

        Reads get a read-only connection; a write gets a writable one and one transaction, committed
        when the block ends, rolled back if it raises. Inside a unit of work already open in this
        thread (Store.reading(), or the reads a write makes), a cursor of that connection.
        """
        held = self._unit_in_progress(write)
        if held is not None:
            with held.cursor() as cur:
                yield cur
            return
        if self._memory is not None:
            with self._write_lock if write else nullcontext(), self._memory.cursor() as cur:
                yield from self._unit_of_work(cur, write)
            return
        place = str(self.path)
        deadline = time.monotonic() + self.lock_timeout
        if not self._gate.acquire(write, deadline):
            raise _busy(place, self.lock_timeout, f"PID {os.getpid()}")   # another thread of this process
        try:
            con = _connect(place, not write, deadline, self.lock_timeout)
            try:
                yield from self._unit_of_work(con, write)
            finally:
                con.close()
        finally:
            self._gate.release(write)

    def _unit_of_work(self, con, write: bool):
        self._local.held = (con, write)
        try:
            if not write:
                yield con
                return
            con.begin()
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()
        finally:
            self._local.held = None

    # --- schema --------------------------------------------------------------------------------

    @staticmethod
    def _version_on(cur) -> int:
        if cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchone()[0] == 0:
            return 0
        return cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    def _migrate(self) -> None:
        """Bring the schema up to date, once, when the store is made (the missing steps in one transaction).

        An up-to-date file is only looked at read-only, so that starting a command does not wait for
        the dashboard's readers. A file left with a WAL (a writer was killed after committing) is
        opened writable once, which folds the WAL into the file instead of every reader replaying it.
        """
        wal = self.path is not None and Path(f"{self.path}.wal").exists()
        if self.read_only or (self.path is not None and self.path.exists() and not wal):
            with self._connection() as cur:
                current = self._version_on(cur)
            self._check_version(current, len(MIGRATIONS))
            if current == len(MIGRATIONS):
                return
        with self._connection(write=True) as cur:
            current = self._version_on(cur)   # again: another process may have upgraded meanwhile
            self._check_version(current, len(MIGRATIONS))
            for version in range(current + 1, len(MIGRATIONS) + 1):
                self._apply_step(cur, version, MIGRATIONS[version - 1])

    # --- what DuckDB does its own way ----------------------------------------------------------

    def _keep_file(self, cur, name: str, content: bytes) -> None:
        """The accepted file into the archive folder, before the transaction commits."""
        self._write_archive(name, content)

    def archived_file(self, submission_id: int) -> Path | None:
        rows = self._rows("SELECT archive_name FROM submissions WHERE id = ?", [submission_id])
        if not rows:
            return None
        path = self.archive_dir / rows[0][0]
        return path if path.exists() else None

    def last_change(self) -> str:
        """Changes whenever anything is written (and when the file is replaced by another database): a
        commit, a withdrawal, an approver's decision.

        Every page view asks, and opening the file for it was a fifth of a warm view's CPU in a crowd
        (bench/load.py --py-spy: 13–20 ms a view). So the token is kept with the state of the file it
        was read from (_file_state) and given again while that state is the same; any other state,
        and every call inside a unit of work already open, reads the database."""
        state = self._file_state() if self._memory is None and self._unit_in_progress(False) is None else None
        kept = self._kept_change
        if state is not None and kept is not None and kept[0] == state:
            return kept[1]
        row = self._rows("""SELECT (SELECT database_id FROM store_info LIMIT 1),
                                   (SELECT coalesce(max(id), 0) FROM submissions), (SELECT count(*) FROM submissions),
                                   (SELECT count(*) FROM withdrawals),
                                   (SELECT count(decided_at) FROM submissions)""")[0]   # approvals, returns
        token = ":".join(str(x) for x in row)
        if state is not None:
            self._kept_change = (state, token)   # the state seen before the read: a write after it reads again
        return token

    def _file_state(self) -> tuple | None:
        """What every committed write changes, whichever process makes it: the WAL (a commit appends to it)
        and the database headers at the file's start (a checkpoint, which folds the WAL in, writes one;
        the file's size may come back to what it was). Identity, size and times are kept too (a file
        replaced by another). None when the file cannot be looked at: then the database is read."""
        try:
            db = os.stat(self.path)
            with open(self.path, "rb") as fh:
                headers = fh.read(_HEADERS_BYTES)
            try:
                wal = os.stat(f"{self.path}.wal")
                wal_state = (wal.st_ino, wal.st_size, wal.st_mtime_ns)
            except FileNotFoundError:
                wal_state = None
        except OSError:
            return None
        return db.st_dev, db.st_ino, db.st_size, db.st_mtime_ns, headers, wal_state

    def current_values(self, units: list[str] | None = None) -> pd.DataFrame:
        """Only what status needs: the latest value per (indicator_id, unit, period, sector), unordered.

        The lean twin of current_observations for the dashboard's snapshot: a GROUP BY with
        arg_max over submission ids (later submissions are committed later) and five columns to
        hand to pandas, which matters at a million rows.

        Only figures of the area the target was set for: where the latest figure of a period covers the
        reporting unit's whole area instead ('whole', an old area that could not be separated), that
        period has no figure the target can be judged on, and none is returned.
        """
        where, params = self._filters("o", units)
        # The best kind of figure first, then the latest submission (ids grow with commits).
        rank = f"{VALUE_RANK.format(alias='o')} * 1000000000000 + o.submission_id"
        sql = f"""
            SELECT o.indicator_id, o.unit, o.period, o.sector, arg_max(o.value, {rank}) AS value,
                   arg_max(o.value_status, {rank}) AS value_status
            FROM observations o JOIN ({_LIVE}) s ON s.id = o.submission_id
            WHERE {DEMO_STILL_SHOWN.format(submission="s", alias="o")} {where}
            GROUP BY o.indicator_id, o.unit, o.period, o.sector
            HAVING arg_max(o.territory, {rank}) = 'target'"""
        with self._connection() as cur:
            # One DuckDB thread for this GROUP BY (about one row a group): two threads each build a table
            # of every key and merge them, which grew faster than the rows (issue 24, goal 5: ×3,1 the
            # time for ×2,6 the rows against ×2,6 with one thread) and cost more CPU and memory at every
            # size (1 M rows: 0,56 → 0,44 s of CPU; 2,6 M: 1,84 → 1,2 s, peak 1,50 → 1,23 GB). The
            # setting is the database's, so it goes back for the connection's other readers.
            cur.execute("SET threads = 1")
            try:
                # Through Arrow: pandas keeps the strings Arrow-backed, where .df() would make a Python
                # object per cell (850 ms against 250 ms for a million rows).
                return cur.sql(sql, params=params or None).to_arrow_table().to_pandas()
            finally:
                cur.execute("RESET threads")

    def backup(self, out_db: str | Path, out_archive: str | Path) -> tuple[int, int]:
        """A consistent copy: the database copied inside one writable connection (so no commit runs
        meanwhile, in this process or another), then the archived files. (submissions, files) copied."""
        out_db, out_archive = Path(out_db), Path(out_archive)
        if out_db.exists():
            raise StoreError(f"Tệp sao lưu {out_db} đã có", f"The backup file {out_db} already exists", code="exists",
                             place=str(out_db))
        out_db.parent.mkdir(parents=True, exist_ok=True)
        with self._connection(write=True) as cur:
            cur.commit()   # ATTACH and COPY FROM DATABASE run outside a transaction
            name = cur.execute("SELECT current_database()").fetchone()[0]
            cur.execute(f"ATTACH '{str(out_db).replace(chr(39), chr(39) * 2)}' AS nq45_backup")
            try:
                cur.execute(f'COPY FROM DATABASE "{name}" TO nq45_backup')
            finally:
                cur.execute("DETACH nq45_backup")
            count = cur.execute("SELECT count(*) FROM submissions").fetchone()[0]
            out_archive.mkdir(parents=True, exist_ok=True)
            files = 0
            if self.archive_dir.is_dir():
                for path in self.archive_dir.iterdir():
                    if path.is_file() and not path.name.endswith(".part"):
                        shutil.copy2(path, out_archive / path.name)
                        files += 1
            cur.begin()   # the unit of work commits when the block ends
        return count, files

