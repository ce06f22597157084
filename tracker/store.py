"""The DuckDB file: submissions, the values and task updates they carried, withdrawals, archived files.

The only module that talks to DuckDB. Everything is append-only: a correction is a new row, the
current value is the latest row per (indicator, unit, period, sector) among submissions that were
not withdrawn, and a withdrawal is a row in `withdrawals` (nothing is updated in place or deleted).

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

import datetime as dt
import hashlib
import math
import os
import random
import re
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from tracker.observation import MILESTONE_STATUSES, ParsedForm, Submission
from tracker.periods import parse_period

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "tracker.duckdb"
MEMORY = ":memory:"
BULK = "*"  # unit or period of a form that covers several
DEFAULT_LOCK_TIMEOUT = 5.0  # seconds to wait for another process to release the file (a commit takes tens of ms)

# Each migration is a list of SQL statements, applied in one transaction together with the row that
# records it in schema_version. Append new steps; never edit an applied one.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE store_info (database_id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)""",
        """CREATE SEQUENCE submission_ids START 1""",
        """CREATE TABLE submissions (
            id BIGINT PRIMARY KEY DEFAULT nextval('submission_ids'),
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            archive_name VARCHAR NOT NULL,
            uploaded_by VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            unit VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            form_version VARCHAR,
            observation_count INTEGER NOT NULL,
            milestone_count INTEGER NOT NULL,
            report_json VARCHAR NOT NULL,
            is_demo BOOLEAN NOT NULL
        )""",
        # period_key orders periods: year * 10 + quarter, a whole year as quarter 5 (after its Q4).
        """CREATE TABLE observations (
            submission_id BIGINT NOT NULL,
            indicator_id VARCHAR NOT NULL,
            unit VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            period_key INTEGER NOT NULL,
            sector VARCHAR NOT NULL,
            value DOUBLE NOT NULL,
            note VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE milestone_updates (
            submission_id BIGINT NOT NULL,
            indicator_id VARCHAR NOT NULL,
            unit VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            period_key INTEGER NOT NULL,
            status VARCHAR NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
            completed_on DATE,
            evidence VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE withdrawals (
            submission_id BIGINT PRIMARY KEY,
            withdrawn_by VARCHAR NOT NULL,
            withdrawn_at TIMESTAMP NOT NULL,
            reason VARCHAR NOT NULL
        )""",
        """INSERT INTO store_info SELECT uuid()::VARCHAR, now()::TIMESTAMP""",
    ],
    # The area a figure covers: 'target' (the area its target was set for, e.g. the former Bắc Giang) or
    # 'whole' (the reporting unit's whole area today, where the old area could not be separated).
    ["""ALTER TABLE observations ADD COLUMN territory VARCHAR DEFAULT 'target'"""],
    # Issue 13: who did what (sign-ins, uploads, withdrawals, account changes), and the reason an admin
    # gave for writing into a locked period, kept with the submission.
    [
        """CREATE SEQUENCE audit_ids START 1""",
        """CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
            logged_at TIMESTAMP NOT NULL,
            username VARCHAR NOT NULL,
            event VARCHAR NOT NULL,
            detail VARCHAR NOT NULL
        )""",
        """ALTER TABLE submissions ADD COLUMN override_reason VARCHAR""",
    ],
    # Issue 13, item 7: sign-ins that survive a reload (tracker.sessions: hashed tokens only).
    # Times are Unix seconds, as in tracker.access.Session.
    [
        """CREATE TABLE web_sessions (
            id VARCHAR PRIMARY KEY,
            token_hash VARCHAR,
            bind_hash VARCHAR,
            bind_expires DOUBLE PRECISION,
            username VARCHAR NOT NULL,
            epoch INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL
        )""",
    ],
]

OBSERVATION_COLUMNS = ["indicator_id", "unit", "period", "sector", "value", "note", "source", "territory",
                       "submission_id", "recorded_at", "uploaded_by", "is_demo"]
MILESTONE_COLUMNS = ["indicator_id", "unit", "period", "status", "completed_on", "evidence",
                     "submission_id", "recorded_at", "uploaded_by", "is_demo"]
HISTORY_COLUMNS = ["period", "unit", "sector", "value", "note", "submission_id", "file_name", "uploaded_by",
                   "recorded_at", "withdrawn"]

# Submissions that still count: accepted and not withdrawn.
_LIVE = "SELECT s.* FROM submissions s ANTI JOIN withdrawals w ON w.submission_id = s.id"

_SUBMISSION_SELECT = """
    SELECT s.id, s.file_name, s.sha256, s.uploaded_by, s.uploaded_at, s.unit, s.period,
           s.observation_count, s.milestone_count,
           CASE WHEN w.submission_id IS NULL THEN 'accepted' ELSE 'withdrawn' END,
           s.report_json, w.withdrawn_by, w.withdrawn_at, w.reason, s.is_demo, s.override_reason
    FROM submissions s LEFT JOIN withdrawals w ON w.submission_id = s.id
"""


class StoreError(Exception):
    """The database cannot be used now; an error value with a code, a place and a vi / en message.

    Codes: "busy" (another process holds the file in the conflicting mode for longer than the
    store waits), "unreadable" (not a database, no permission), "missing" (no database yet),
    "schema" (too new, or an upgrade needs a writable store), "read_only", "closed".
    ``str()`` gives "vi / en", as every refusal of the package does.
    """

    def __init__(self, message_vi: str, message_en: str | None = None, *, code: str = "unreadable", place: str = ""):
        if message_en is None:   # one "vi / en" sentence, split where the two meet
            message_vi, _, message_en = message_vi.partition(" / ")
        self.message_vi, self.message_en, self.code, self.place = message_vi, message_en or message_vi, code, place
        self.holder_pid: int | None = None   # busy: the process holding the file, when DuckDB names it
        self.waited: float = 0.0             # busy: seconds waited
        super().__init__(f"{self.message_vi} / {self.message_en}")

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


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


@dataclass(frozen=True)
class CommitResult:
    submission_id: int
    duplicate: bool
    observations: int
    milestones: int


def is_database_url(target) -> bool:
    """A PostgreSQL URL (postgresql://… or postgres://…), as opposed to a DuckDB file path."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def database_exists(target) -> bool:
    """Whether there is a database to read: a server URL is taken to exist (connecting tells), a file must."""
    return is_database_url(str(target)) or Path(target).exists()


def default_db_path() -> Path:
    """$TRACKER_DB, or data/tracker.duckdb in the repository."""
    env = os.environ.get("TRACKER_DB")
    return Path(env) if env else DEFAULT_DB


def period_key(code: str) -> int:
    """An integer that sorts periods: year * 10 + quarter, a whole year after its fourth quarter."""
    p = parse_period(code)
    return p.year * 10 + (p.quarter or 5)


def _period_columns(periods: list[str]) -> tuple[list[str], list[int]]:
    """Normalised codes and sort keys, parsing each distinct period once (a form has a handful)."""
    known = {p: (parse_period(p).code, period_key(p)) for p in set(periods)}
    return [known[p][0] for p in periods], [known[p][1] for p in periods]


def _utc_naive(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if now.tzinfo is not None:
        return now.astimezone(dt.UTC).replace(tzinfo=None)
    return now  # a naive time is taken to be UTC already


def _archive_suffix(file_name: str) -> str:
    suffix = Path(file_name or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".xlsx"


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    """Rows to insert; text kept as plain Python objects, which DuckDB scans faster than pandas' string dtype."""
    return pd.DataFrame({name: pd.Series(values, dtype="float64" if name == "value" else "int64" if name == "period_key"
                                         else object) for name, values in columns.items()})


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


class Store:
    """Submissions and their rows in one DuckDB file (or in memory); see the module for how the file is shared.

    ``Store("postgresql://…")`` makes a tracker.store_postgres.PostgresStore instead: same methods, a
    server shared by several processes and machines.
    """

    def __new__(cls, path=None, *args, **kwargs):
        if cls is Store and is_database_url(path):
            from tracker.store_postgres import PostgresStore

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: str | Path | None = None, archive_dir: str | Path | None = None, read_only: bool = False,
                 *, lock_timeout: float | None = None):
        self.read_only = read_only
        # Seconds to wait for another process (or thread) to release the file; None: the default.
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self._owned_archive: Path | None = None
        self._memory: duckdb.DuckDBPyConnection | None = None
        self._local = threading.local()   # the connection of the unit of work this thread is in, if any
        self._closed = True
        if str(path) == MEMORY:
            self.path: Path | None = None
            if archive_dir is None:
                self._owned_archive = Path(tempfile.mkdtemp(prefix="tracker-archive-"))
                archive_dir = self._owned_archive
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
        self._closed = False
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # --- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Nothing of a file store stays open between calls; a closed store refuses further use."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        if self._memory is not None:
            self._memory.close()
        if self._owned_archive is not None:
            shutil.rmtree(self._owned_archive, ignore_errors=True)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path) if self.path else MEMORY!r})"

    @contextmanager
    def _connection(self, write: bool = False):
        """A connection for one unit of work, closed (the file released) when the block ends.

        Reads get a read-only connection, writes a writable one. Inside a unit of work already open
        in this thread (Store.reading(), or the reads a write makes), a cursor of that connection.
        """
        if self._closed:
            raise StoreError("Kho dữ liệu đã đóng", "The store is closed", code="closed", place=repr(self))
        if write and self.read_only:
            raise StoreError("Kho dữ liệu mở ở chế độ chỉ đọc", "The store is open read-only", code="read_only",
                             place=repr(self))
        held = getattr(self._local, "held", None)
        if held is not None:
            con, writable = held
            if write and not writable:
                # A programming error, not a busy file: the gate would wait for this very thread.
                raise RuntimeError("Store: a write cannot start inside Store.reading()")
            with con.cursor() as cur:
                yield cur
            return
        if self._memory is not None:
            if write:
                with self._write_lock, self._memory.cursor() as cur:
                    yield cur
            else:
                with self._memory.cursor() as cur:
                    yield cur
            return
        place = str(self.path)
        deadline = time.monotonic() + self.lock_timeout
        if not self._gate.acquire(write, deadline):
            raise _busy(place, self.lock_timeout, f"PID {os.getpid()}")   # another thread of this process
        try:
            con = _connect(place, not write, deadline, self.lock_timeout)
            self._local.held = (con, write)
            try:
                yield con
            finally:
                self._local.held = None
                con.close()
        finally:
            self._gate.release(write)

    def _cursor(self, write: bool = False):
        """``with store._cursor() as cur:`` — a read-only connection (writable with write=True) for one block."""
        return self._connection(write)

    @contextmanager
    def reading(self):
        """Several reads as one unit of work: one read-only connection, so one opening and one state.

        Keep the block to reading: the file is held until it ends, and a writer in another process
        waits for it. Compute on the results after the block.
        """
        with self._connection():
            yield self

    @staticmethod
    def _version_on(cur) -> int:
        cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
        if cur.fetchone()[0] == 0:
            return 0
        return cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]

    def _check_version(self, current: int) -> None:
        place = repr(self)
        if current > len(MIGRATIONS):
            raise StoreError(
                f"Cơ sở dữ liệu có phiên bản lược đồ {current}, mới hơn phần mềm này ({len(MIGRATIONS)}); hãy cập nhật phần mềm",
                f"The database has schema version {current}, newer than this software ({len(MIGRATIONS)}); upgrade it",
                code="schema", place=place)
        if current < len(MIGRATIONS) and self.read_only:
            raise StoreError(
                f"Cơ sở dữ liệu cần nâng cấp lược đồ ({current} → {len(MIGRATIONS)}); hãy mở ở chế độ ghi một lần",
                f"The database needs a schema upgrade ({current} → {len(MIGRATIONS)}); open it writable once",
                code="schema", place=place)

    def _migrate(self) -> None:
        """Bring the schema up to date, once, when the store is made.

        An up-to-date file is only looked at read-only, so that starting a command does not wait for
        the dashboard's readers. A file left with a WAL (a writer was killed after committing) is
        opened writable once, which folds the WAL into the file instead of every reader replaying it.
        """
        wal = self.path is not None and Path(f"{self.path}.wal").exists()
        if self.read_only or (self.path is not None and self.path.exists() and not wal):
            with self._connection() as cur:
                current = self._version_on(cur)
            self._check_version(current)
            if current == len(MIGRATIONS):
                return
        with self._connection(write=True) as cur:
            current = self._version_on(cur)   # again: another process may have upgraded meanwhile
            self._check_version(current)
            if current == 0:
                cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
            for version in range(current + 1, len(MIGRATIONS) + 1):
                cur.begin()
                try:
                    for statement in MIGRATIONS[version - 1]:
                        cur.execute(statement)
                    cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _utc_naive(None)])
                    cur.commit()
                except BaseException:
                    cur.rollback()
                    raise

    @property
    def schema_version(self) -> int:
        with self._cursor() as cur:
            return cur.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    # --- writing -------------------------------------------------------------------------------

    def commit(self, parsed: ParsedForm, content: bytes, *, user: str, is_demo: bool = False,
               now: dt.datetime | None = None, reason: str | None = None) -> CommitResult:
        """Store an accepted upload whole, or recognise it as a file already accepted.

        ``reason``: why an admin writes into a locked period; kept with the submission and in the audit log."""
        if not parsed.ok:
            raise ValueError("Tệp có lỗi không được lưu. / A form with errors is not stored.")
        if self.read_only:
            raise StoreError("Kho dữ liệu mở ở chế độ chỉ đọc", "The store is open read-only", code="read_only", place=repr(self))
        if not user:
            raise ValueError("Thiếu người nộp. / Who is uploading must be given.")
        sha256 = hashlib.sha256(content).hexdigest()
        if parsed.sha256 and parsed.sha256.lower() != sha256:
            raise ValueError("Mã băm SHA-256 không khớp nội dung tệp. / The SHA-256 does not match the file content.")
        recorded_at = _utc_naive(now)
        observations = self._observation_frame(parsed)
        milestones = self._milestone_frame(parsed)
        archive_name = sha256 + _archive_suffix(parsed.file_name)
        unit = parsed.unit or BULK
        period = parsed.period or BULK
        if period != BULK:
            period = parse_period(period).code

        with self._cursor(write=True) as cur:
            cur.begin()
            try:
                existing = cur.execute(f"SELECT id FROM ({_LIVE}) WHERE sha256 = ? ORDER BY id LIMIT 1", [sha256]).fetchone()
                if existing:
                    cur.rollback()
                    return CommitResult(existing[0], True, 0, 0)
                submission_id = cur.execute(
                    """INSERT INTO submissions (file_name, sha256, archive_name, uploaded_by, uploaded_at, unit, period,
                           form_version, observation_count, milestone_count, report_json, is_demo, override_reason)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    [parsed.file_name, sha256, archive_name, user, recorded_at, unit, period, parsed.form_version,
                     len(observations), len(milestones), parsed.report.to_json(), is_demo,
                     (reason or "").strip() or None]).fetchone()[0]
                if not is_demo:
                    _audit_on(cur, recorded_at, user, "upload_override" if (reason or "").strip() else "upload",
                              f"#{submission_id} {unit} {period} {parsed.file_name}"
                              + (f" — lý do / reason: {reason.strip()}" if (reason or "").strip() else ""))
                self._insert_observations(cur, submission_id, observations, recorded_at)
                self._insert_milestones(cur, submission_id, milestones, recorded_at)
                self._write_archive(archive_name, content)
                cur.commit()
            except BaseException:
                cur.rollback()
                raise
        return CommitResult(submission_id, False, len(observations), len(milestones))

    @staticmethod
    def _observation_frame(parsed: ParsedForm) -> pd.DataFrame:
        rows = parsed.observations
        values = [float(o.value) for o in rows]
        if not all(map(math.isfinite, values)):
            raise ValueError("Có giá trị không phải số hữu hạn. / A value is not a finite number.")
        codes, keys = _period_columns([o.period for o in rows])
        if any(not o.indicator_id or not o.unit for o in rows):
            raise ValueError("Thiếu mã chỉ tiêu hoặc đơn vị. / An observation lacks its indicator or unit.")
        return _frame({
            "indicator_id": [o.indicator_id for o in rows],
            "unit": [o.unit for o in rows],
            "period": codes,
            "period_key": keys,
            "sector": [o.sector or "" for o in rows],
            "value": values,
            "note": [o.note or "" for o in rows],
            "source": [o.source or "" for o in rows],
            "territory": [o.territory for o in rows],
        })

    @staticmethod
    def _milestone_frame(parsed: ParsedForm) -> pd.DataFrame:
        rows = parsed.milestones
        bad = [m.status for m in rows if m.status not in MILESTONE_STATUSES]
        if bad:
            raise ValueError(f"Trạng thái nhiệm vụ không hợp lệ / unknown task status: {bad[0]!r}")
        codes, keys = _period_columns([m.period for m in rows])
        return _frame({
            "indicator_id": [m.indicator_id for m in rows],
            "unit": [m.unit for m in rows],
            "period": codes,
            "period_key": keys,
            "status": [m.status for m in rows],
            "completed_on": [m.completed_on.isoformat() if m.completed_on else None for m in rows],
            "evidence": [m.evidence or "" for m in rows],
        })

    @staticmethod
    def _insert_observations(cur, submission_id: int, frame: pd.DataFrame, recorded_at: dt.datetime) -> None:
        if frame.empty:
            return
        cur.register("incoming_observations", frame)
        try:
            cur.execute(
                """INSERT INTO observations (submission_id, indicator_id, unit, period, period_key, sector, value, note,
                                            source, recorded_at, territory)
                   SELECT $sid, indicator_id, unit, period, period_key, sector, value, note, source, $at, territory
                   FROM incoming_observations""", {"sid": submission_id, "at": recorded_at})
        finally:
            cur.unregister("incoming_observations")

    @staticmethod
    def _insert_milestones(cur, submission_id: int, frame: pd.DataFrame, recorded_at: dt.datetime) -> None:
        if frame.empty:
            return
        cur.register("incoming_milestones", frame)
        try:
            cur.execute(
                """INSERT INTO milestone_updates
                   SELECT $sid, indicator_id, unit, period, period_key, status, CAST(completed_on AS DATE), evidence, $at
                   FROM incoming_milestones""", {"sid": submission_id, "at": recorded_at})
        finally:
            cur.unregister("incoming_milestones")

    def _write_archive(self, name: str, content: bytes) -> Path:
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        target = self.archive_dir / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.archive_dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def withdraw(self, submission_id: int, *, user: str, reason: str, now: dt.datetime | None = None) -> Submission:
        """Hide a submission's rows from the current values; recorded in `withdrawals`, nothing deleted."""
        if self.read_only:
            raise StoreError("Kho dữ liệu mở ở chế độ chỉ đọc", "The store is open read-only", code="read_only", place=repr(self))
        if not (reason or "").strip():
            raise ValueError("Cần ghi lý do rút lần nộp. / A reason for the withdrawal is required.")
        if not user:
            raise ValueError("Thiếu người rút. / Who is withdrawing must be given.")
        with self._cursor(write=True) as cur:
            found = cur.execute("SELECT s.id, w.submission_id FROM submissions s LEFT JOIN withdrawals w "
                                "ON w.submission_id = s.id WHERE s.id = ?", [submission_id]).fetchone()
            if found is None:
                raise ValueError(f"Không có lần nộp #{submission_id}. / No submission #{submission_id}.")
            if found[1] is not None:
                raise ValueError(f"Lần nộp #{submission_id} đã được rút trước đó. / Submission #{submission_id} was already withdrawn.")
            cur.execute("INSERT INTO withdrawals VALUES (?, ?, ?, ?)", [submission_id, user, _utc_naive(now), reason.strip()])
            _audit_on(cur, _utc_naive(now), user, "withdraw", f"#{submission_id}: {reason.strip()}")
        return self.submission(submission_id)

    # --- submissions ---------------------------------------------------------------------------

    @staticmethod
    def _submission(row) -> Submission:
        return Submission(*row[:14], is_demo=bool(row[14]), override_reason=row[15] if len(row) > 15 else None)

    def submissions(self, unit: str | None = None, period: str | None = None, include_withdrawn: bool = True) -> list[Submission]:
        """Newest first. A bulk submission matches a unit or period if it carried rows for it."""
        where, params = [], []
        for column, wanted in (("unit", unit), ("period", None if period is None else parse_period(period).code)):
            if wanted is None:
                continue
            where.append(f"""(s.{column} = ?
                OR EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND o.{column} = ?)
                OR EXISTS (SELECT 1 FROM milestone_updates m WHERE m.submission_id = s.id AND m.{column} = ?))""")
            params += [wanted] * 3
        if not include_withdrawn:
            where.append("w.submission_id IS NULL")
        sql = _SUBMISSION_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.id DESC"
        with self._cursor() as cur:
            return [self._submission(r) for r in cur.execute(sql, params).fetchall()]

    def submission(self, submission_id: int) -> Submission | None:
        with self._cursor() as cur:
            row = cur.execute(_SUBMISSION_SELECT + " WHERE s.id = ?", [submission_id]).fetchone()
        return self._submission(row) if row else None

    def find_by_sha256(self, sha256: str) -> Submission | None:
        """The accepted (not withdrawn) submission of this file, if any."""
        with self._cursor() as cur:
            row = cur.execute(_SUBMISSION_SELECT + " WHERE s.sha256 = ? AND w.submission_id IS NULL ORDER BY s.id LIMIT 1",
                              [sha256.lower()]).fetchone()
        return self._submission(row) if row else None

    def archived_file(self, submission_id: int) -> Path | None:
        with self._cursor() as cur:
            row = cur.execute("SELECT archive_name FROM submissions WHERE id = ?", [submission_id]).fetchone()
        if row is None:
            return None
        path = self.archive_dir / row[0]
        return path if path.exists() else None

    def is_empty(self) -> bool:
        """No accepted (not withdrawn) submission."""
        with self._cursor() as cur:
            return cur.execute(f"SELECT count(*) FROM ({_LIVE})").fetchone()[0] == 0

    def has_demo_data(self) -> bool:
        with self._cursor() as cur:
            return bool(cur.execute(f"SELECT count(*) FROM ({_LIVE}) WHERE is_demo").fetchone()[0])

    def observation_count(self) -> int:
        """Value rows of accepted, not withdrawn submissions (superseded revisions included)."""
        with self._cursor() as cur:
            return cur.execute(f"SELECT count(*) FROM observations o SEMI JOIN ({_LIVE}) s ON s.id = o.submission_id").fetchone()[0]

    def last_change(self) -> str:
        """Changes whenever anything is written (and when the file is replaced by another database)."""
        with self._cursor() as cur:
            row = cur.execute("""SELECT (SELECT database_id FROM store_info LIMIT 1),
                                        (SELECT coalesce(max(id), 0) FROM submissions), (SELECT count(*) FROM submissions),
                                        (SELECT count(*) FROM withdrawals)""").fetchone()
        return ":".join(str(x) for x in row)

    # --- current values ------------------------------------------------------------------------

    @staticmethod
    def _filters(alias: str, units, indicator_ids=None) -> tuple[str, list]:
        where, params = [], []
        for column, wanted in (("unit", units), ("indicator_id", indicator_ids)):
            if wanted is not None:
                where.append(f"list_contains(?::VARCHAR[], {alias}.{column})")
                params.append(list(wanted))
        return ("WHERE " + " AND ".join(where)) if where else "", params

    def current_observations(self, units: list[str] | None = None, indicator_ids: list[str] | None = None) -> pd.DataFrame:
        """The latest value per (indicator_id, unit, period, sector) among submissions not withdrawn."""
        where, params = self._filters("o", units, indicator_ids)
        sql = f"""
            SELECT o.indicator_id, o.unit, o.period, o.sector, o.value, o.note, o.source, o.territory, o.submission_id,
                   o.recorded_at, s.uploaded_by, s.is_demo
            FROM observations o JOIN ({_LIVE}) s ON s.id = o.submission_id
            {where}
            QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.unit, o.period, o.sector
                                       ORDER BY o.recorded_at DESC, o.submission_id DESC) = 1
            ORDER BY o.unit, o.indicator_id, o.period_key, o.sector"""
        with self._cursor() as cur:
            return cur.execute(sql, params).df()[OBSERVATION_COLUMNS]

    def withdrawn_ids(self) -> frozenset[int]:
        with self._cursor() as cur:
            return frozenset(r[0] for r in cur.execute("SELECT submission_id FROM withdrawals").fetchall())

    def units_touched(self, *, after_id: int, submission_ids=()) -> set[str]:
        """Units with values or task updates in submissions after ``after_id`` or in ``submission_ids``."""
        ids = [int(i) for i in submission_ids]
        sql = """
            SELECT DISTINCT unit FROM observations WHERE submission_id > ? OR list_contains(?::BIGINT[], submission_id)
            UNION SELECT DISTINCT unit FROM milestone_updates WHERE submission_id > ? OR list_contains(?::BIGINT[], submission_id)"""
        with self._cursor() as cur:
            return {r[0] for r in cur.execute(sql, [after_id, ids, after_id, ids]).fetchall()}

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
        sql = f"""
            SELECT o.indicator_id, o.unit, o.period, o.sector, arg_max(o.value, o.submission_id) AS value
            FROM observations o JOIN ({_LIVE}) s ON s.id = o.submission_id
            {where}
            GROUP BY o.indicator_id, o.unit, o.period, o.sector
            HAVING arg_max(o.territory, o.submission_id) = 'target'"""
        with self._cursor() as cur:
            # Through Arrow: pandas keeps the strings Arrow-backed, where .df() would make a Python
            # object per cell (850 ms against 250 ms for a million rows).
            return cur.sql(sql, params=params or None).to_arrow_table().to_pandas()

    def current_milestones(self, units: list[str] | None = None) -> pd.DataFrame:
        """The latest update per (indicator_id, unit), by period then time recorded, among submissions not withdrawn."""
        where, params = self._filters("m", units)
        sql = f"""
            SELECT m.indicator_id, m.unit, m.period, m.status, m.completed_on, m.evidence, m.submission_id,
                   m.recorded_at, s.uploaded_by, s.is_demo
            FROM milestone_updates m JOIN ({_LIVE}) s ON s.id = m.submission_id
            {where}
            QUALIFY row_number() OVER (PARTITION BY m.indicator_id, m.unit
                                       ORDER BY m.period_key DESC, m.recorded_at DESC, m.submission_id DESC) = 1
            ORDER BY m.unit, m.indicator_id"""
        with self._cursor() as cur:
            frame = cur.execute(sql, params).df()[MILESTONE_COLUMNS]
        # Plain dates or None, so that `if row["completed_on"]` means "has a date" (NaT is truthy).
        frame["completed_on"] = pd.Series([None if pd.isna(d) else pd.Timestamp(d).date() for d in frame["completed_on"]],
                                          index=frame.index, dtype=object)
        return frame

    def value_history(self, indicator_id: str, unit: str | None = None, period: str | None = None) -> pd.DataFrame:
        """Every revision of one indicator's values, withdrawn ones included and flagged."""
        where, params = ["o.indicator_id = ?"], [indicator_id]
        if unit is not None:
            where.append("o.unit = ?")
            params.append(unit)
        if period is not None:
            where.append("o.period = ?")
            params.append(parse_period(period).code)
        sql = f"""
            SELECT o.period, o.unit, o.sector, o.value, o.note, o.submission_id, s.file_name, s.uploaded_by, o.recorded_at,
                   w.submission_id IS NOT NULL AS withdrawn
            FROM observations o JOIN submissions s ON s.id = o.submission_id
                 LEFT JOIN withdrawals w ON w.submission_id = o.submission_id
            WHERE {" AND ".join(where)}
            ORDER BY o.period_key, o.unit, o.sector, o.recorded_at, o.submission_id"""
        with self._cursor() as cur:
            return cur.execute(sql, params).df()[HISTORY_COLUMNS]

    def previous_values(self, unit: str, before_period: str) -> dict[str, float]:
        """Per indicator, the current whole-unit value (sector "") of the latest period before before_period."""
        sql = f"""
            WITH current AS (
                SELECT o.indicator_id, o.period_key, o.value
                FROM observations o JOIN ({_LIVE}) s ON s.id = o.submission_id
                WHERE o.unit = ? AND o.sector = '' AND o.period_key < ?
                QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.period
                                           ORDER BY o.recorded_at DESC, o.submission_id DESC) = 1)
            SELECT indicator_id, arg_max(value, period_key) FROM current GROUP BY indicator_id"""
        with self._cursor() as cur:
            return {i: float(v) for i, v in cur.execute(sql, [unit, period_key(before_period)]).fetchall()}

    def reported_periods(self, unit: str | None = None, *, units: list[str] | None = None) -> dict[str, set[str]]:
        """Unit -> the periods it has accepted (not withdrawn) values or task updates for."""
        where, params = self._filters("r", [unit] if unit is not None else units)
        sql = f"""
            SELECT r.unit, list(DISTINCT r.period) FROM (
                SELECT unit, period, submission_id FROM observations
                UNION ALL SELECT unit, period, submission_id FROM milestone_updates) r
            SEMI JOIN ({_LIVE}) s ON s.id = r.submission_id
            {where}
            GROUP BY r.unit"""
        with self._cursor() as cur:
            return {u: set(periods) for u, periods in cur.execute(sql, params).fetchall()}

    # --- audit log and backup (issue 13) -------------------------------------------------------

    def audit(self, event: str, username: str, detail: str = "", *, now: dt.datetime | None = None) -> None:
        """One row of the audit log: who, when, what (see AUDIT_EVENTS)."""
        with self._cursor(write=True) as cur:
            _audit_on(cur, _utc_naive(now), username, event, detail)

    def audit_log(self, limit: int = 200, username: str | None = None, events: list[str] | None = None) -> list["AuditEntry"]:
        """Newest first."""
        where, params = [], []
        if username:
            where.append("username = ?")
            params.append(username)
        if events:
            where.append("list_contains(?::VARCHAR[], event)")
            params.append(list(events))
        sql = ("SELECT id, logged_at, username, event, detail FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY id DESC LIMIT ?")
        with self._cursor() as cur:
            return [AuditEntry(*row) for row in cur.execute(sql, params + [int(limit)]).fetchall()]

    def backup(self, out_db: str | Path, out_archive: str | Path) -> tuple[int, int]:
        """A consistent copy: the database copied inside one writable connection (so no commit runs
        meanwhile, in this process or another), then the archived files. (submissions, files) copied."""
        out_db, out_archive = Path(out_db), Path(out_archive)
        if out_db.exists():
            raise StoreError(f"Tệp sao lưu {out_db} đã có", f"The backup file {out_db} already exists", code="exists",
                             place=str(out_db))
        out_db.parent.mkdir(parents=True, exist_ok=True)
        with self._cursor(write=True) as cur:
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
        return count, files


# What the audit log records (event -> Vietnamese, English).
AUDIT_EVENTS = {
    "signin_ok": ("đăng nhập", "signed in"),
    "signin_failed": ("đăng nhập sai", "failed sign-in"),
    "signin_locked": ("tạm khóa đăng nhập", "sign-in locked"),
    "sign_out": ("đăng xuất", "signed out"),
    "session_end": ("phiên kết thúc", "session ended"),
    "upload": ("nộp số liệu", "upload"),
    "upload_override": ("nộp vào kỳ đã khóa", "upload into a locked period"),
    "withdraw": ("rút lần nộp", "withdrawal"),
    "user_add": ("thêm người dùng", "user added"),
    "user_remove": ("xóa người dùng", "user removed"),
    "user_passwd": ("đổi mật khẩu", "password changed"),
    "user_disable": ("vô hiệu hóa", "user disabled"),
    "user_enable": ("bật lại", "user enabled"),
    "user_unlock": ("mở khóa đăng nhập", "sign-in unlocked"),
    "backup": ("sao lưu", "backup"),
    "programme_create": ("lưu chương trình mới", "programme saved"),
    "programme_add": ("thêm chỉ tiêu vào chương trình", "entries added to a programme"),
    "programme_edit": ("sửa chỉ tiêu của chương trình", "programme entry edited"),
    "programme_retire": ("ngừng theo dõi chỉ tiêu", "programme entries retired"),
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    username: str
    event: str
    detail: str

    def event_label(self, lang: str = "vi") -> str:
        vi, en = AUDIT_EVENTS.get(self.event, (self.event, self.event))
        return en if lang == "en" else vi


def _audit_on(cur, at: dt.datetime, username: str, event: str, detail: str = "") -> None:
    cur.execute("INSERT INTO audit_log (logged_at, username, event, detail) VALUES (?, ?, ?, ?)",
                [at, username or "?", event, (detail or "")[:2000]])
