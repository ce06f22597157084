"""Every intent-named query of the store, written once for both engines (``?`` placeholders, the
engine's words through ``self.dialect``).

The rules both engines keep: everything is append-only (a correction is a new row, a withdrawal a row
in ``withdrawals``; nothing is updated in place or deleted, web sessions and the sign-in failure log
aside); the current value is the latest row per (indicator, unit, period, sector) among submissions
not withdrawn; one commit or withdrawal is one transaction; times are stored as naive UTC.

An engine (tracker.storage.duckdb, tracker.storage.postgres) supplies the connection
(``_connection``: a read-only unit of work, or a transaction when writing; nested blocks share it),
its migration, where an accepted file is kept (``_keep_file``, ``archived_file``), what a change
token is made of (``last_change``), its backup and its fast read of ``current_values``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from tracker.core.observation import MILESTONE_STATUSES, ObservationRows, ParsedForm, Submission
from tracker.core.periods import parse_period
from tracker.storage import schema
from tracker.storage.account_queries import AccountQueries
from tracker.storage.dialect import Dialect
from tracker.storage.records import (
    BULK,
    CommitResult,
    StoreError,
    archive_suffix,
    disk_full,
    period_columns,
    period_key,
    utc_naive,
)

DEFAULT_LOCK_TIMEOUT = 5.0  # seconds to wait for another process to release the database (a commit takes tens of ms)

# The submission's rows that still count: its submission not withdrawn (``{alias}`` names the row).
NOT_WITHDRAWN = "NOT EXISTS (SELECT 1 FROM withdrawals w WHERE w.submission_id = {alias}.submission_id)"
_LIVE_SUBMISSION = "NOT EXISTS (SELECT 1 FROM withdrawals w WHERE w.submission_id = s.id)"
# Only approved submissions are current (issue 21); a submission is approved when it is stored with the
# approval step off, or when an approver approves it ({submission} names the submissions row).
APPROVED = "{submission}.approval = 'approved'"
# Units that have received an approved real (not demo) submission, withdrawn later or not: from then on
# their demo rows are never current again (issue 20), so withdrawing the real one cannot bring a demo
# value back. A submission waiting for approval, or returned, does not hide the demo values (issue 21).
REAL_UNITS = """(SELECT unit FROM submissions WHERE NOT is_demo AND approval = 'approved' AND unit <> '*'
    UNION SELECT ro.unit FROM observations ro WHERE ro.submission_id IN
        (SELECT id FROM submissions WHERE NOT is_demo AND approval = 'approved' AND unit = '*')
    UNION SELECT rm.unit FROM milestone_updates rm WHERE rm.submission_id IN
        (SELECT id FROM submissions WHERE NOT is_demo AND approval = 'approved' AND unit = '*'))"""
DEMO_STILL_SHOWN = "NOT ({submission}.is_demo AND {alias}.unit IN " + REAL_UNITS + ")"
# The same file is "already stored" while a submission of it counts or waits: a returned one does not
# stop the uploader from sending the file again.
_NOT_RETURNED = "s.approval <> 'returned'"
DECISIONS = ("approved", "returned")
GOLIVE_REASON = "Bắt đầu sử dụng thật: xóa dữ liệu minh họa / go-live: demo data removed"

_SUBMISSION_SELECT = (
    "SELECT " + ", ".join(f"s.{c}" for c in schema.SUBMISSION_COLUMNS)
    + ", CASE WHEN w.submission_id IS NULL THEN 'accepted' ELSE 'withdrawn' END, "
    + ", ".join(f"s.{c}" for c in schema.SUBMISSION_TAIL)
    + ", w.withdrawn_by, w.withdrawn_at, w.reason, "
    + ", ".join(f"s.{c}" for c in schema.SUBMISSION_EXTRA)
    + " FROM submissions s LEFT JOIN withdrawals w ON w.submission_id = s.id")
_SUBMISSION_HEAD = len(schema.SUBMISSION_COLUMNS) + 1 + len(schema.SUBMISSION_TAIL) + 3


class _Duplicate(Exception):
    """The file is already accepted: leave the transaction without a change."""


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    """Rows to insert; text kept as plain Python objects, which DuckDB scans faster than pandas' string dtype."""
    return pd.DataFrame({name: pd.Series(values, dtype="float64" if name == "value" else "int64" if name == "period_key"
                                         else object) for name, values in columns.items()})


def _record_frame(rows: list, fields: tuple[str, ...], convert: dict) -> pd.DataFrame:
    """One column per stored field, read from the records by the field's name (``convert`` for the
    few that need it); period and period_key from the record's period."""
    codes, keys = period_columns([r.period for r in rows])
    derived = {"period": codes, "period_key": keys}
    return _frame({f: derived[f] if f in derived else [convert[f](getattr(r, f)) if f in convert else getattr(r, f)
                                                       for r in rows]
                   for f in fields})


def _text(value) -> str:
    return value or ""


# --- ingestspeed: the bulk reader's columns written as they are ---------------------------------------------

def _columns_frame(rows: ObservationRows) -> pd.DataFrame:
    """The frame of observations held as columns, with the same checks as for a list of them (values
    finite, indicator and unit given), without a Python object a row. Categorical columns (the bulk
    reader's text) are written as they are: DuckDB scans their codes, PostgreSQL's COPY their values."""
    import numpy as np

    columns = rows.columns
    values = np.asarray(columns["value"], dtype="float64")
    if not np.isfinite(values).all():
        raise ValueError("Có giá trị không phải số hữu hạn. / A value is not a finite number.")
    if _blank_in(columns["indicator_id"]) or _blank_in(columns["unit"]):
        raise ValueError("Thiếu mã chỉ tiêu hoặc đơn vị. / An observation lacks its indicator or unit.")
    period = columns["period"]
    if isinstance(period, pd.Categorical):
        if (period.codes < 0).any():
            raise ValueError("Thiếu kỳ báo cáo. / An observation lacks its period.")
        codes, keys = period_columns(list(period.categories))
        derived = {"period": np.asarray(codes, dtype=object)[period.codes],
                   "period_key": np.asarray(keys, dtype="int64")[period.codes]}
    else:
        codes, keys = period_columns(list(period))
        derived = {"period": pd.Series(codes, dtype=object), "period_key": pd.Series(keys, dtype="int64")}
    derived["value"] = values
    frame = {}
    for f in schema.OBSERVATION_FIELDS:
        column = derived[f] if f in derived else columns[f]
        if isinstance(column, pd.Categorical) and (column.codes < 0).any():
            column = list(column)                    # a missing text: written as "" below, as for a list
        if isinstance(column, list):
            column = pd.Series([_text(v) for v in column] if f in ("sector", "note", "source") and None in column
                               else column, dtype=object)
        frame[f] = column
    return pd.DataFrame(frame)


def _blank_in(column) -> bool:
    """Whether some row of a column (a list or a pandas Categorical) is empty or missing."""
    if isinstance(column, pd.Categorical):
        import numpy as np

        used = np.unique(column.codes)
        return bool((used < 0).any()) or not all(column.categories[used[used >= 0]])
    return not all(column)


class Store(AccountQueries):
    """Submissions and their rows in a database: a DuckDB file (or memory) or a PostgreSQL server.

    Open one with ``tracker.storage.open_store(target)``. ``Store(target)`` still does the same, for
    the code written before open_store.
    """

    dialect: Dialect = Dialect()
    url: str | None = None

    def __new__(cls, target=None, *args, **kwargs):
        if cls is Store:   # the engine the target names (see tracker.storage.engine_for)
            from tracker.storage import engine_for

            cls = engine_for(target)
        return super().__new__(cls)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _set_up(self, read_only: bool, lock_timeout: float | None) -> None:
        """The fields every engine has, before it opens anything."""
        self.read_only = read_only
        # Seconds to wait for another process (or thread) to release the database; None: the default.
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self._owned_archive: Path | None = None
        self._local = threading.local()   # the connection of the unit of work this thread is in, if any
        self._closed = True

    # --- lifecycle (the engine's __init__ sets its fields, then calls _open) -------------------

    def _open(self) -> None:
        """Bring the schema up to date and get ready; a store that cannot is closed again."""
        self._closed = False
        try:
            self._migrate()
            self._ready()
        except BaseException:
            self.close()
            raise

    def _ready(self) -> None:
        """After the migration (PostgreSQL: the pool)."""

    def _release(self) -> None:
        """What the engine holds open (DuckDB: the :memory: connection; PostgreSQL: the pool)."""

    def close(self) -> None:
        """A closed store refuses further use."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        self._release()
        if self._owned_archive is not None:
            shutil.rmtree(self._owned_archive, ignore_errors=True)

    def _temporary_archive(self) -> Path:
        """A folder of this store's own, removed when it closes (no archive folder was given)."""
        self._owned_archive = Path(tempfile.mkdtemp(prefix="tracker-archive-"))
        return self._owned_archive

    def _unit_in_progress(self, write: bool):
        """The checks every unit of work starts with; then the connection of the unit already open in
        this thread (Store.reading(), or the reads a write makes), or None."""
        if self._closed:
            raise StoreError("Kho dữ liệu đã đóng", "The store is closed", code="closed", place=repr(self))
        if write and self.read_only:
            raise StoreError("Kho dữ liệu mở ở chế độ chỉ đọc", "The store is open read-only", code="read_only",
                             place=repr(self))
        held = getattr(self._local, "held", None)
        if held is None:
            return None
        con, writable = held
        if write and not writable:
            # A programming error, not a busy database (DuckDB's gate would wait for this very thread).
            raise RuntimeError("Store: a write cannot start inside Store.reading()")
        return con

    # --- running statements --------------------------------------------------------------------

    def _cursor(self, write: bool = False):
        """``with store._cursor() as cur:`` — a read-only unit of work (a transaction with write=True)."""
        return self._connection(write)

    @contextmanager
    def reading(self):
        """Several reads as one unit of work: one connection, one state of the database.

        Keep the block to reading (a DuckDB file is held until it ends); compute after it."""
        with self._connection():
            yield self

    def _run(self, cur, statement: str, params=()):
        """Execute one shared statement (written with ``?``) on this engine; the cursor, to fetch from."""
        return cur.execute(self.dialect.sql(statement), list(params))

    def _rows(self, statement: str, params=(), *, write: bool = False) -> list[tuple]:
        with self._connection(write) as cur:
            result = self._run(cur, statement, params)
            return result.fetchall() if result.description else []

    def _frame(self, statement: str, params: list, columns: list[str]) -> pd.DataFrame:
        with self._connection() as cur:
            return self.dialect.read_frame(cur, statement, params, columns, schema.FRAME_TYPES)

    def _filters(self, alias: str, units, indicator_ids=None) -> tuple[str, list]:
        """`` AND …`` conditions on the unit and indicator lists given (None: no condition)."""
        where, params = [], []
        for column, wanted in (("unit", units), ("indicator_id", indicator_ids)):
            if wanted is not None:
                where.append(self.dialect.in_list(f"{alias}.{column}"))
                params.append(list(wanted))
        return "".join(f" AND {w}" for w in where), params

    # --- schema --------------------------------------------------------------------------------

    def _check_version(self, current: int, latest: int) -> None:
        place = repr(self)
        if current > latest:
            raise StoreError(
                f"Cơ sở dữ liệu có phiên bản lược đồ {current}, mới hơn phần mềm này ({latest}); hãy cập nhật phần mềm",
                f"The database has schema version {current}, newer than this software ({latest}); upgrade it",
                code="schema", place=place)
        if current < latest and self.read_only:
            raise StoreError(
                f"Cơ sở dữ liệu cần nâng cấp lược đồ ({current} → {latest}); hãy mở ở chế độ ghi một lần",
                f"The database needs a schema upgrade ({current} → {latest}); open it writable once",
                code="schema", place=place)

    def _apply_step(self, cur, version: int, statements: list[str]) -> None:
        self._run(cur, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
        for statement in statements:
            cur.execute(statement)
        self._run(cur, "INSERT INTO schema_version VALUES (?, ?)", [version, utc_naive(None)])

    @property
    def schema_version(self) -> int:
        return self._rows("SELECT max(version) FROM schema_version")[0][0]

    # --- writing -------------------------------------------------------------------------------

    def _count_change(self, cur) -> None:
        """Called first in every commit and withdrawal (PostgreSQL: the writers' row)."""

    def _refuse_read_only(self) -> None:
        if self.read_only:
            raise StoreError("Kho dữ liệu mở ở chế độ chỉ đọc", "The store is open read-only", code="read_only", place=repr(self))

    def commit(self, parsed: ParsedForm, content: bytes, *, user: str, is_demo: bool = False,
               now: dt.datetime | None = None, reason: str | None = None, approval: str = "approved") -> CommitResult:
        """Store an accepted upload whole, or recognise it as a file already accepted.

        ``reason``: why an admin writes into a locked period; kept with the submission and in the audit log.
        ``approval``: 'approved' (current at once) or 'submitted' (waiting for an approver; see
        tracker.reporting.approval.initial_state)."""
        if not parsed.ok:
            raise ValueError("Tệp có lỗi không được lưu. / A form with errors is not stored.")
        if approval not in ("approved", "submitted"):
            raise ValueError(f"Trạng thái duyệt không hợp lệ / unknown approval state: {approval!r}")
        self._refuse_read_only()
        if not user:
            raise ValueError("Thiếu người nộp. / Who is uploading must be given.")
        sha256 = hashlib.sha256(content).hexdigest()
        if parsed.sha256 and parsed.sha256.lower() != sha256:
            raise ValueError("Mã băm SHA-256 không khớp nội dung tệp. / The SHA-256 does not match the file content.")
        recorded_at = utc_naive(now)
        observations = self._observation_frame(parsed)
        milestones = self._milestone_frame(parsed)
        archive_name = sha256 + archive_suffix(parsed.file_name)
        unit = parsed.unit or BULK
        period = parsed.period or BULK
        if period != BULK:
            period = parse_period(period).code
        override = (reason or "").strip() or None
        row = {"file_name": parsed.file_name, "sha256": sha256, "archive_name": archive_name, "uploaded_by": user,
               "uploaded_at": recorded_at, "unit": unit, "period": period, "form_version": parsed.form_version,
               "observation_count": len(observations), "milestone_count": len(milestones),
               "report_json": parsed.report.to_json(), "is_demo": is_demo, "override_reason": override,
               "approval": approval, "agency": getattr(parsed, "agency", None) or None}
        try:
            with self._connection(write=True) as cur:
                self._count_change(cur)
                existing = self._run(cur, f"SELECT id FROM submissions s WHERE s.sha256 = ? AND {_LIVE_SUBMISSION} "
                                          f"AND {_NOT_RETURNED} ORDER BY id LIMIT 1", [sha256]).fetchone()
                if existing:
                    raise _Duplicate(existing[0])   # rolls back everything, the change count too
                submission_id = self._run(
                    cur, f"INSERT INTO submissions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) RETURNING id",
                    list(row.values())).fetchone()[0]
                if not is_demo:
                    self._audit_on(cur, recorded_at, user, "upload_override" if override else "upload",
                                   f"#{submission_id} {unit} {period} {parsed.file_name}"
                                   + (f" — lý do / reason: {override}" if override else "")
                                   + (" — chờ duyệt / awaiting approval" if approval == "submitted" else ""))
                self._insert_observations(cur, submission_id, observations, recorded_at)
                self._insert_milestones(cur, submission_id, milestones, recorded_at)
                self._keep_file(cur, archive_name, content)
        except _Duplicate as dup:
            return CommitResult(int(dup.args[0]), True, 0, 0)
        except StoreError:
            raise
        except Exception as exc:
            if disk_full(exc):   # the transaction rolled back: nothing of this upload is stored
                where = repr(self)
                raise StoreError(
                    f"Ổ đĩa đầy nên chưa lưu được số liệu ({where}); chưa có gì được lưu, tệp đã kiểm tra vẫn giữ ở đây. "
                    "Hãy báo quản trị hệ thống giải phóng dung lượng rồi bấm «Xác nhận lưu» lại",
                    f"The disk is full, so the figures were not stored ({where}); nothing was stored and the checked "
                    "file is kept here. Ask the system administrator to free space, then press Confirm again",
                    code="disk_full", place=where) from exc
            raise
        return CommitResult(submission_id, False, len(observations), len(milestones))

    @staticmethod
    def _observation_frame(parsed: ParsedForm) -> pd.DataFrame:
        rows = parsed.observations
        if isinstance(rows, ObservationRows):
            return _columns_frame(rows)
        if not all(math.isfinite(float(o.value)) for o in rows):
            raise ValueError("Có giá trị không phải số hữu hạn. / A value is not a finite number.")
        if any(not o.indicator_id or not o.unit for o in rows):
            raise ValueError("Thiếu mã chỉ tiêu hoặc đơn vị. / An observation lacks its indicator or unit.")
        return _record_frame(rows, schema.OBSERVATION_FIELDS,
                             {"value": float, "sector": _text, "note": _text, "source": _text})

    @staticmethod
    def _milestone_frame(parsed: ParsedForm) -> pd.DataFrame:
        rows = parsed.milestones
        bad = [m.status for m in rows if m.status not in MILESTONE_STATUSES]
        if bad:
            raise ValueError(f"Trạng thái nhiệm vụ không hợp lệ / unknown task status: {bad[0]!r}")
        return _record_frame(rows, schema.MILESTONE_FIELDS, {"evidence": _text})

    def _insert_observations(self, cur, submission_id: int, frame: pd.DataFrame, recorded_at: dt.datetime) -> None:
        self.dialect.bulk_insert(cur, "observations", frame, {"submission_id": submission_id, "recorded_at": recorded_at})

    def _insert_milestones(self, cur, submission_id: int, frame: pd.DataFrame, recorded_at: dt.datetime) -> None:
        self.dialect.bulk_insert(cur, "milestone_updates", frame, {"submission_id": submission_id, "recorded_at": recorded_at})

    def _write_archive(self, name: str, content: bytes) -> Path:
        """The file into ``archive_dir`` (written aside, then renamed: never half a file under its name)."""
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
        self._refuse_read_only()
        if not (reason or "").strip():
            raise ValueError("Cần ghi lý do rút lần nộp. / A reason for the withdrawal is required.")
        if not user:
            raise ValueError("Thiếu người rút. / Who is withdrawing must be given.")
        at = utc_naive(now)
        with self._connection(write=True) as cur:
            self._count_change(cur)
            found = self._run(cur, "SELECT s.id, w.submission_id FROM submissions s LEFT JOIN withdrawals w "
                                   "ON w.submission_id = s.id WHERE s.id = ?", [submission_id]).fetchone()
            if found is None:
                raise ValueError(f"Không có lần nộp #{submission_id}. / No submission #{submission_id}.")
            if found[1] is not None:
                raise ValueError(f"Lần nộp #{submission_id} đã được rút trước đó. / Submission #{submission_id} was already withdrawn.")
            self._run(cur, "INSERT INTO withdrawals VALUES (?, ?, ?, ?)", [submission_id, user, at, reason.strip()])
            self._audit_on(cur, at, user, "withdraw", f"#{submission_id}: {reason.strip()}")
        return self.submission(submission_id)

    def decide(self, submission_id: int, decision: str, *, user: str, reason: str | None = None,
               now: dt.datetime | None = None) -> Submission:
        """An approver's decision on a submission waiting for approval: 'approved' (its rows become
        current) or 'returned' (never current; ``reason`` required, shown to the uploader). Only from
        'submitted', only once; the decision is written on the submission row (who, when, why), counted
        as a change and audited ("approve" / "return"). Refusals are ValueError "vi / en" sentences;
        who may decide is tracker.reporting.approval's rule, not the store's."""
        self._refuse_read_only()
        if decision not in DECISIONS:
            raise ValueError(f"Quyết định không hợp lệ / unknown decision: {decision!r}")
        if not user:
            raise ValueError("Thiếu người duyệt. / Who is deciding must be given.")
        why = (reason or "").strip() or None
        if decision == "returned" and why is None:
            raise ValueError("Cần ghi lý do trả lại để người nộp biết cần sửa gì. / "
                             "A reason for returning is required, so that the uploader knows what to fix.")
        at = utc_naive(now)
        with self._connection(write=True) as cur:
            self._count_change(cur)
            found = self._run(cur, "SELECT s.approval, w.submission_id FROM submissions s LEFT JOIN withdrawals w "
                                   "ON w.submission_id = s.id WHERE s.id = ?", [submission_id]).fetchone()
            if found is None:
                raise ValueError(f"Không có lần nộp #{submission_id}. / No submission #{submission_id}.")
            if found[1] is not None:
                raise ValueError(f"Lần nộp #{submission_id} đã được rút; không còn gì để duyệt. "
                                 f"/ Submission #{submission_id} was withdrawn; there is nothing to decide.")
            if found[0] != "submitted":
                state_vi = {"approved": "đã được duyệt", "returned": "đã bị trả lại"}.get(found[0], found[0])
                state_en = {"approved": "already approved", "returned": "already returned"}.get(found[0], found[0])
                raise ValueError(f"Lần nộp #{submission_id} {state_vi}; chỉ lần nộp đang chờ duyệt mới được duyệt hoặc trả lại. "
                                 f"/ Submission #{submission_id} is {state_en}; only a submission awaiting approval can be decided.")
            # The one update in place of this store: the decision belongs to the submission row (its rows
            # stay as they were stored; nothing is deleted).
            self._run(cur, "UPDATE submissions SET approval = ?, decided_by = ?, decided_at = ?, decision_reason = ? "
                           "WHERE id = ?", [decision, user, at, why, submission_id])
            self._audit_on(cur, at, user, "approve" if decision == "approved" else "return",
                           f"#{submission_id}" + (f": {why}" if why else ""))
        return self.submission(submission_id)

    # --- submissions ---------------------------------------------------------------------------

    @staticmethod
    def _submission(row) -> Submission:
        extra = dict(zip(schema.SUBMISSION_EXTRA, row[_SUBMISSION_HEAD:]))
        extra["is_demo"] = bool(extra.get("is_demo"))
        return Submission(*row[:_SUBMISSION_HEAD], **extra)

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
        return [self._submission(r) for r in self._rows(sql, params)]

    def submission(self, submission_id: int) -> Submission | None:
        rows = self._rows(_SUBMISSION_SELECT + " WHERE s.id = ?", [submission_id])
        return self._submission(rows[0]) if rows else None

    def find_by_sha256(self, sha256: str) -> Submission | None:
        """The accepted (not withdrawn) submission of this file, if any."""
        rows = self._rows(_SUBMISSION_SELECT + f" WHERE s.sha256 = ? AND w.submission_id IS NULL AND {_NOT_RETURNED} "
                                               "ORDER BY s.id LIMIT 1", [sha256.lower()])
        return self._submission(rows[0]) if rows else None

    def is_empty(self) -> bool:
        """No accepted (not withdrawn) submission."""
        return bool(self._rows(f"SELECT NOT EXISTS (SELECT 1 FROM submissions s WHERE {_LIVE_SUBMISSION})")[0][0])

    def has_demo_data(self) -> bool:
        """Whether any demo value is still current somewhere (a unit that has real data shows none)."""
        return bool(self.demo_units())

    def demo_units(self) -> set[str]:
        """Units whose pages still draw demo values: live demo rows in units without real submissions."""
        sql = f"""
            SELECT DISTINCT o.unit FROM observations o JOIN submissions s ON s.id = o.submission_id
            WHERE s.is_demo AND {_LIVE_SUBMISSION} AND o.unit NOT IN {REAL_UNITS}
            UNION SELECT DISTINCT m.unit FROM milestone_updates m JOIN submissions s ON s.id = m.submission_id
            WHERE s.is_demo AND {_LIVE_SUBMISSION} AND m.unit NOT IN {REAL_UNITS}"""
        return {r[0] for r in self._rows(sql)}

    def golive(self, *, user: str, now: dt.datetime | None = None) -> list[int]:
        """End the demo: every demo submission not yet withdrawn is withdrawn, in one transaction, audited
        (event "golive"); files and rows stay (archive kept). Real submissions are not touched. Running it
        again withdraws nothing and writes no audit row. The ids withdrawn."""
        self._refuse_read_only()
        if not user:
            raise ValueError("Thiếu người thực hiện. / Who is going live must be given.")
        at = utc_naive(now)
        with self._connection(write=True) as cur:
            ids = [r[0] for r in self._run(cur, f"SELECT s.id FROM submissions s WHERE s.is_demo AND {_LIVE_SUBMISSION} "
                                                 "ORDER BY s.id").fetchall()]
            if not ids:
                return []
            self._count_change(cur)
            for submission_id in ids:
                self._run(cur, "INSERT INTO withdrawals VALUES (?, ?, ?, ?)", [submission_id, user, at, GOLIVE_REASON])
            self._audit_on(cur, at, user, "golive", f"{len(ids)} lần nộp minh họa đã rút / demo submissions withdrawn: "
                                                     f"#{ids[0]}–#{ids[-1]}")
        return ids

    def observation_count(self) -> int:
        """Value rows of accepted, not withdrawn submissions (superseded revisions included)."""
        return self._rows(f"SELECT count(*) FROM observations o WHERE {NOT_WITHDRAWN.format(alias='o')}")[0][0]

    def withdrawn_ids(self) -> frozenset[int]:
        return frozenset(r[0] for r in self._rows("SELECT submission_id FROM withdrawals"))

    def decided_ids(self) -> frozenset[int]:
        """Submissions an approver has approved or returned (their state changed after they were stored)."""
        return frozenset(r[0] for r in self._rows("SELECT id FROM submissions WHERE decided_at IS NOT NULL"))

    def units_touched(self, *, after_id: int, submission_ids=()) -> set[str]:
        """Units with values or task updates in submissions after ``after_id`` or in ``submission_ids``."""
        ids = [int(i) for i in submission_ids]
        listed = self.dialect.in_list("submission_id", "bigint")
        sql = f"""
            SELECT DISTINCT unit FROM observations WHERE submission_id > ? OR {listed}
            UNION SELECT DISTINCT unit FROM milestone_updates WHERE submission_id > ? OR {listed}"""
        return {r[0] for r in self._rows(sql, [after_id, ids, after_id, ids])}

    # --- current values ------------------------------------------------------------------------

    def current_observations(self, units: list[str] | None = None, indicator_ids: list[str] | None = None) -> pd.DataFrame:
        """The current value per (indicator_id, unit, period, sector) among submissions not withdrawn: the
        best kind present (official > preliminary > estimate), the latest upload within that kind."""
        where, params = self._filters("o", units, indicator_ids)
        row = ", ".join([f"o.{c}" for c in schema.OBSERVATION_FIELDS] + ["o.submission_id", "o.recorded_at",
                                                                         "s.uploaded_by", "s.is_demo"])
        sql = f"""
            SELECT {", ".join(schema.OBSERVATION_COLUMNS)} FROM (
                SELECT {row}, row_number() OVER (PARTITION BY o.indicator_id, o.unit, o.period, o.sector
                                                 ORDER BY {schema.VALUE_RANK.format(alias="o")} DESC, o.recorded_at DESC,
                                                          o.submission_id DESC) AS newest
                FROM observations o JOIN submissions s ON s.id = o.submission_id
                WHERE {NOT_WITHDRAWN.format(alias="o")} AND {APPROVED.format(submission="s")}
                      AND {DEMO_STILL_SHOWN.format(submission="s", alias="o")} {where}) c
            WHERE newest = 1
            ORDER BY unit, indicator_id, period_key, sector"""
        return self._frame(sql, params, schema.OBSERVATION_COLUMNS)

    def current_milestones(self, units: list[str] | None = None) -> pd.DataFrame:
        """The latest update per (indicator_id, unit), by period then time recorded, among submissions not withdrawn."""
        where, params = self._filters("m", units)
        row = ", ".join([f"m.{c}" for c in schema.MILESTONE_FIELDS] + ["m.submission_id", "m.recorded_at",
                                                                       "s.uploaded_by", "s.is_demo"])
        sql = f"""
            SELECT {", ".join(schema.MILESTONE_COLUMNS)} FROM (
                SELECT {row}, row_number() OVER (PARTITION BY m.indicator_id, m.unit
                                                 ORDER BY m.period_key DESC, m.recorded_at DESC, m.submission_id DESC) AS newest
                FROM milestone_updates m JOIN submissions s ON s.id = m.submission_id
                WHERE {NOT_WITHDRAWN.format(alias="m")} AND {APPROVED.format(submission="s")}
                      AND {DEMO_STILL_SHOWN.format(submission="s", alias="m")} {where}) c
            WHERE newest = 1
            ORDER BY unit, indicator_id"""
        frame = self._frame(sql, params, schema.MILESTONE_COLUMNS)
        # Plain dates or None, so that `if row["completed_on"]` means "has a date" (NaT is truthy).
        frame["completed_on"] = pd.Series([None if d is None or pd.isna(d) else pd.Timestamp(d).date()
                                           for d in frame["completed_on"]], index=frame.index, dtype=object)
        return frame

    def value_history(self, indicator_id: str, unit: str | None = None, period: str | None = None) -> pd.DataFrame:
        """Every revision of one indicator's values, withdrawn ones included and flagged, each with its
        submission's approval state (the caller shows pending and returned ones only to whom may see them)."""
        where, params = ["o.indicator_id = ?"], [indicator_id]
        if unit is not None:
            where.append("o.unit = ?")
            params.append(unit)
        if period is not None:
            where.append("o.period = ?")
            params.append(parse_period(period).code)
        sql = f"""
            SELECT o.period, o.unit, o.sector, o.value, o.value_status, o.note, o.submission_id, s.file_name, s.uploaded_by, o.recorded_at,
                   w.submission_id IS NOT NULL AS withdrawn, s.approval
            FROM observations o JOIN submissions s ON s.id = o.submission_id
                 LEFT JOIN withdrawals w ON w.submission_id = o.submission_id
            WHERE {" AND ".join(where)}
            ORDER BY o.period_key, o.unit, o.sector, o.recorded_at, o.submission_id"""
        return self._frame(sql, params, schema.HISTORY_COLUMNS)

    def previous_values(self, unit: str, before_period: str) -> dict[str, float]:
        """Per indicator, the current whole-unit value (sector "") of the latest period before before_period."""
        sql = f"""
            WITH current_rows AS (
                SELECT o.indicator_id, o.period_key, o.value,
                       row_number() OVER (PARTITION BY o.indicator_id, o.period
                                          ORDER BY o.recorded_at DESC, o.submission_id DESC) AS newest
                FROM observations o JOIN submissions s ON s.id = o.submission_id
                WHERE {NOT_WITHDRAWN.format(alias="o")} AND {APPROVED.format(submission="s")}
                      AND o.unit = ? AND o.sector = '' AND o.period_key < ?),
            latest AS (
                SELECT indicator_id, value, row_number() OVER (PARTITION BY indicator_id ORDER BY period_key DESC) AS newest
                FROM current_rows WHERE newest = 1)
            SELECT indicator_id, value FROM latest WHERE newest = 1"""
        return {i: float(v) for i, v in self._rows(sql, [unit, period_key(before_period)])}

    def reported_periods(self, unit: str | None = None, *, units: list[str] | None = None) -> dict[str, set[str]]:
        """Unit -> the periods it has accepted (not withdrawn) values or task updates for."""
        where, params = self._filters("r", [unit] if unit is not None else units)
        sql = f"""
            SELECT r.unit, array_agg(DISTINCT r.period) FROM (
                SELECT unit, period, submission_id FROM observations
                UNION ALL SELECT unit, period, submission_id FROM milestone_updates) r
            WHERE {NOT_WITHDRAWN.format(alias="r")}
                  AND r.submission_id IN (SELECT id FROM submissions WHERE approval = 'approved') {where}
            GROUP BY r.unit"""
        return {u: set(periods) for u, periods in self._rows(sql, params)}

    # --- waiting for approval ------------------------------------------------------------------

    def pending_observations(self, units: list[str] | None = None, submission_id: int | None = None) -> pd.DataFrame:
        """Every value row of the submissions waiting for approval (not withdrawn), for their uploaders and
        approvers to see apart ("chờ duyệt"); never part of the current values. Columns as
        current_observations'; ordered by unit, indicator, period, sector, then submission."""
        return self._pending("observations", "o", schema.OBSERVATION_FIELDS, schema.OBSERVATION_COLUMNS,
                             "o.unit, o.indicator_id, o.period_key, o.sector, o.submission_id", units, submission_id)

    def pending_milestones(self, units: list[str] | None = None, submission_id: int | None = None) -> pd.DataFrame:
        """Every task update of the submissions waiting for approval (not withdrawn); columns as current_milestones'."""
        frame = self._pending("milestone_updates", "m", schema.MILESTONE_FIELDS, schema.MILESTONE_COLUMNS,
                              "m.unit, m.indicator_id, m.period_key, m.submission_id", units, submission_id)
        frame["completed_on"] = pd.Series([None if d is None or pd.isna(d) else pd.Timestamp(d).date()
                                           for d in frame["completed_on"]], index=frame.index, dtype=object)
        return frame

    def _pending(self, table: str, alias: str, fields, columns, order: str, units, submission_id) -> pd.DataFrame:
        """The rows of ``table`` that submissions waiting for approval carry (the two pending reads above)."""
        where, params = self._filters(alias, units)
        if submission_id is not None:
            where += f" AND {alias}.submission_id = ?"
            params.append(int(submission_id))
        row = ", ".join([f"{alias}.{c}" for c in fields if c != "period_key"]
                        + [f"{alias}.submission_id", f"{alias}.recorded_at", "s.uploaded_by", "s.is_demo"])
        sql = f"""
            SELECT {row} FROM {table} {alias} JOIN submissions s ON s.id = {alias}.submission_id
            WHERE s.approval = 'submitted' AND {NOT_WITHDRAWN.format(alias=alias)} {where}
            ORDER BY {order}"""
        return self._frame(sql, params, columns)

    def pending_submissions(self, units: list[str] | None = None) -> list[Submission]:
        """Submissions waiting for approval (not withdrawn), oldest first; a bulk one matches a unit it carries rows for."""
        where, params = "", []
        if units is not None:
            listed = [self.dialect.in_list(f"{a}.unit") for a in ("s", "o", "m")]
            where = f""" AND ({listed[0]}
                OR EXISTS (SELECT 1 FROM observations o WHERE o.submission_id = s.id AND {listed[1]})
                OR EXISTS (SELECT 1 FROM milestone_updates m WHERE m.submission_id = s.id AND {listed[2]}))"""
            params = [list(units)] * 3
        sql = _SUBMISSION_SELECT + " WHERE s.approval = 'submitted' AND w.submission_id IS NULL" + where + " ORDER BY s.id"
        return [self._submission(r) for r in self._rows(sql, params)]
