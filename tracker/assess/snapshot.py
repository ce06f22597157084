"""The Snapshot the pages draw from, read from the store: in full, or again only where data changed.

Recomputing every status after each upload costs about a second with a million values; an upload
touches one unit (and the units linked to it by mergers), so the previous snapshot is kept and only
those units are read and assessed again. The result is the same as a full computation — the tests
compare the two.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import pickle
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from tracker.assess.assessment import assess_all
from tracker.catalogue import Catalogue, Indicator
from tracker.core.periods import parse_period
from tracker.assess.value_kinds import not_official   # valuestatus

# Above this share of the units touched, one full pass is cheaper than a partial one.
PARTIAL_MAX_SHARE = 0.25


@dataclass(frozen=True)
class Snapshot:
    """Everything the pages draw from, computed once per database change."""

    results: dict            # unit -> {"numeric": [Assessment], "milestones": [MilestoneAssessment]}
    latest_period: str | None  # latest period with accepted data, "2026-Q3"
    demo: bool
    reported: dict           # unit -> set of period codes
    today: dt.date
    token: str = ""          # the store's last_change() the data were read at
    withdrawn: frozenset = frozenset()  # ids of withdrawn submissions at that time
    demo_units: frozenset = frozenset()  # units whose current values include demo ones
    # unit -> {(indicator, sector, period): "estimate" | "preliminary"}: the current figures that are not
    # official (tracker.assess.value_kinds.not_official), read with the values the statuses were computed from.
    kinds: dict | None = None

    def kind(self, indicator_id: str, sector: str, period: str | None) -> str | None:
        """'estimate' / 'preliminary' for a current figure that is not official, else None."""
        from tracker.assess.value_kinds import lookup

        return lookup(self.kinds, indicator_id, sector, period)

    @property
    def empty(self) -> bool:
        return self.latest_period is None

    def shows_demo(self, units: list[str] | None = None) -> bool:
        """Whether what is drawn for these units (None: anywhere) includes demo values."""
        if units is None or not self.demo_units or "*" in self.demo_units:   # not known per unit
            return self.demo
        return any(u in self.demo_units for u in units)


def latest_period(reported: dict[str, set[str]]) -> str | None:
    # Distinct codes first: a thousand units report the same few dozen periods.
    periods = [parse_period(p) for p in set().union(*reported.values())]
    return max(periods).code if periods else None


def _token_parts(token: str) -> tuple[str, int] | None:
    """(database id, highest submission id) from Store.last_change()."""
    parts = token.split(":")
    try:
        return parts[0], int(parts[1])
    except (IndexError, ValueError):
        return None


def _reading(store):
    """The store's reads as one unit of work (one read-only connection, one state of the database)
    where it offers one; stand-in stores in tests read directly."""
    reading = getattr(store, "reading", None)
    return reading() if reading is not None else contextlib.nullcontext()


def build_snapshot(store, catalogue: Catalogue, today: dt.date, previous: Snapshot | None = None) -> Snapshot:
    """Statuses of every target as the store holds them now.

    With ``previous`` (made from the same catalogue and database), only the units touched by
    submissions accepted or withdrawn since then are assessed again; everything else is reused.
    Whatever process wrote the change: the token is read from the database on every call.

    The database is read in one unit of work and released before assessing, so another process
    waiting to commit waits for the reads only, not for the computation.
    """
    with _reading(store):
        token = store.last_change()
        if previous is not None and previous.token == token and previous.today == today:
            return previous   # the common case on every page view: one small query
        withdrawn = _state_marks(store)
        before, now = _token_parts(previous.token) if previous is not None else None, _token_parts(token)
        units = None
        if not (previous is None or previous.today != today or before is None or now is None or before[0] != now[0]):
            changed = {abs(mark) for mark in withdrawn ^ previous.withdrawn}
            touched = store.units_touched(after_id=before[1], submission_ids=changed)
            units = catalogue.lineage_group(touched)
            if len(units) > PARTIAL_MAX_SHARE * max(1, len(catalogue.jurisdictions)):
                units = None
        if units is None:
            data = _read_all(store)
        else:
            wanted = sorted(units)
            data = (store.current_values(wanted), store.current_milestones(wanted), store.reported_periods(units=wanted),
                    _demo_units(store))
    if units is None:
        return _assess_all(catalogue, today, data, token, withdrawn)
    values, milestones, reported_part, demo = data
    part = assess_all(catalogue.subset(units), values, milestones, today)
    merged = {u: r for u, r in previous.results.items() if u not in units} | part
    # Same order as a full pass: the catalogue's.
    results = {u: merged[u] for u in catalogue.jurisdictions if u in merged}
    reported = {u: p for u, p in previous.reported.items() if u not in units} | reported_part
    kinds = {u: k for u, k in (previous.kinds or {}).items() if u not in units} | not_official(values)  # valuestatus
    return Snapshot(results=results, latest_period=latest_period(reported), demo=bool(demo),
                    reported=reported, today=today, token=token, withdrawn=withdrawn, demo_units=frozenset(demo),
                    kinds=kinds)


def _state_marks(store) -> frozenset[int]:
    """What has happened to submissions stored earlier, as the snapshot's ``withdrawn`` set keeps it:
    the id of each withdrawn submission, and minus the id of each one an approver approved or returned
    (issue 21). Two snapshots' marks differ exactly where a submission of before changed state, so a
    decision on an old submission is assessed again like a withdrawal (an approval then a withdrawal
    shows as two marks). Stand-in stores without approvals give their withdrawals only."""
    marks = store.withdrawn_ids()
    decided = getattr(store, "decided_ids", None)
    return marks | frozenset(-i for i in decided()) if decided is not None else marks


@functools.lru_cache(maxsize=8)
def catalogue_digest(key: tuple) -> str:
    """SHA-256 of every catalogue file's name and bytes, from tracker.catalogue.catalogue_key()'s
    ((path, mtime), …): the same on every replica that has the same files, wherever they are kept."""
    digest = hashlib.sha256()
    for path, _ in key:
        digest.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


class _SnapshotPickler(pickle.Pickler):
    """Catalogue entries by id, not by value: they are the catalogue's own objects (the digest in the
    key says which catalogue), and copying them would double the bytes and the time to read them back."""

    def persistent_id(self, obj):
        return ("indicator", obj.id) if isinstance(obj, Indicator) else None


class _SnapshotUnpickler(pickle.Unpickler):
    def __init__(self, file, catalogue: Catalogue):
        super().__init__(file)
        self.catalogue = catalogue

    def persistent_load(self, pid):
        kind, ident = pid
        if kind != "indicator":
            raise pickle.UnpicklingError(f"unknown reference {kind!r}")
        return self.catalogue.indicator(ident)


# A saved snapshot unpacks to tens of megabytes for a national catalogue; past this it is not one.
MAX_SNAPSHOT_BYTES = 1_000_000_000


def snapshot_bytes(snap: Snapshot) -> bytes:
    """The snapshot pickled, compressed and signed with the owner-only key (tracker.core.signing)."""
    from tracker.core import signing

    buffer = io.BytesIO()
    _SnapshotPickler(buffer, protocol=5).dump(snap)
    return signing.sign(zlib.compress(buffer.getvalue(), 1))


def snapshot_from_bytes(data: bytes, catalogue: Catalogue, *, max_bytes: int = MAX_SNAPSHOT_BYTES) -> Snapshot | None:
    """The saved snapshot, or None when it cannot be read back: not signed with this installation's key
    (a row written by someone else is never unpickled), unpacking past ``max_bytes``, or saved by another
    version of the software."""
    from tracker.core import signing

    packed = signing.verify(bytes(data))
    if packed is None:
        return None
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, max_bytes)
        if inflate.unconsumed_tail or not inflate.eof:
            return None
        snap = _SnapshotUnpickler(io.BytesIO(raw), catalogue).load()
    except Exception:
        return None
    return snap if isinstance(snap, Snapshot) else None


_saving = threading.Lock()   # one save at a time per process; a change made meanwhile saves again


def _save(store, digest: str, today: dt.date, snap: Snapshot, replace: bool = False) -> None:
    try:
        if replace or not store.snapshot_saved(digest, today, snap.token):   # another replica was first
            store.save_snapshot(digest, today, snap.token, snapshot_bytes(snap), replace=replace)
    except Exception as exc:   # the page has its snapshot; only a restart's head start is lost
        print(f"NQ45 Tracker: snapshot not saved: {exc}", flush=True)
    finally:
        _saving.release()


def shared_snapshot(store, catalogue: Catalogue, today: dt.date, previous: Snapshot | None = None, *,
                    catalogue_key: tuple, background: bool = True) -> Snapshot:
    """build_snapshot, starting from and saving to the snapshot the store keeps, where it keeps one.

    A PostgreSQL store shared by several dashboard processes keeps the last assessed snapshot per
    (catalogue digest, today): a process with nothing in memory (just started, or a second replica)
    loads it and applies only what changed since (by the change token, as build_snapshot does),
    instead of assessing everything again; whichever process assesses a change first saves the result,
    in a background thread (``background``), so the page view that assessed it does not wait for that.
    The DuckDB store keeps none (writing it would take the file's write lock on page views): there
    this is build_snapshot.

    The saved bytes are a pickle signed with the installation's owner-only key (tracker.core.signing), so a
    row written by anyone without it is never unpickled; one that cannot be read back is replaced.
    """
    saved = getattr(store, "saved_snapshot", None)
    if saved is None:
        return build_snapshot(store, catalogue, today, previous)
    digest = catalogue_digest(catalogue_key)
    unreadable = False
    if previous is None:
        found = saved(digest, today)
        if found is not None:
            previous = snapshot_from_bytes(found[1], catalogue)
            unreadable = previous is None
            if previous is not None and previous.today != today:
                previous = None
    snap = build_snapshot(store, catalogue, today, previous)
    if (snap is not previous or unreadable) and _saving.acquire(blocking=not background):
        if background:
            threading.Thread(target=_save, args=(store, digest, today, snap, unreadable), name="nq45-save-snapshot",
                             daemon=True).start()
        else:
            _save(store, digest, today, snap, unreadable)
    return snap


def load_snapshot(store, catalogue: Catalogue, today: dt.date, *, period: str | None = None) -> Snapshot:
    """A full snapshot, optionally as it stood with data up to ``period`` (a briefing of a past quarter).

    Periods after ``period`` are dropped before assessing; a year ("2026") counts as after its
    quarters, so a Q3 briefing ignores an annual figure for that year. The database is read, and
    released, before anything is assessed (the briefing renders its pictures after that).
    """
    with _reading(store):
        data = _read_all(store)
    return _assess_all(catalogue, today, data, period=period)


def _database_name(store) -> str:
    """The database a store reads, as one string: its URL, its file, or (":memory:") the object itself."""
    url = getattr(store, "url", None)
    if url:
        return str(url)
    path = getattr(store, "path", None)
    return str(Path(path).resolve()) if path is not None else f"object:{id(store)}"


class LatestSnapshot:
    """The last snapshot made in this process, shared by every session and by the server's warm-up
    (tracker.server.warmup makes it before the first visitor), and the "as of" snapshots asked for since.

    The process holds one, LATEST; the dashboard (tracker.web.state) hands it the pages' store. The
    key names the database, not the Store object, so that the warm-up's store and the pages' one share
    a snapshot; a database replaced under the same name has another id in its token, which
    build_snapshot checks before it reuses anything.
    """

    # "As of" snapshots kept: each a full assessment, so a few quarters' worth, least recently asked first out.
    AS_OF_KEPT = 24

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.snapshot: Snapshot | None = None
        self.current: tuple = (None, None)   # (key, snapshot) as one value: read without the lock
        self._as_of: OrderedDict = OrderedDict()
        self._as_of_lock = threading.Lock()
        self._making: dict = {}

    def latest(self, store, load_catalogue, today: dt.date, catalogue_key: tuple, on_new=None) -> Snapshot:
        """The snapshot of the database now; ``on_new`` is called when it replaced the one before."""
        key = (catalogue_key, _database_name(store))
        # Most page runs find the database unchanged: that is checked outside the lock (one small query),
        # or thirty sessions at once would queue behind each other's reads.
        kept_key, kept = self.current
        if kept is not None and kept_key == key and kept.today == today and store.last_change() == kept.token:
            return kept
        # One session computes; the others wait for its result instead of computing it again.
        with self.lock:
            previous = self.snapshot if self.key == key else None
            # With PostgreSQL, from the snapshot another replica (or this one before a restart) saved.
            snap = shared_snapshot(store, load_catalogue(), today, previous, catalogue_key=catalogue_key)
            self.key, self.snapshot = key, snap
            self.current = (key, snap)
            if snap is not previous and on_new is not None:
                on_new()
        return snap

    def as_of(self, period: str, current: Snapshot, store, load_catalogue, catalogue_key: tuple) -> Snapshot:
        """The snapshot as it stood with data up to ``period``, kept per (period, database change):
        ``current`` is today's snapshot, whose token names the change. Two sessions asking for the
        same one wait for one assessment; sessions asking for others do not wait."""
        if period == current.latest_period:
            return current
        key = (period, current.token, current.today, catalogue_key)
        with self._as_of_lock:
            found = self._as_of.get(key)
            if found is not None:
                self._as_of.move_to_end(key)
                return found
            making = self._making.setdefault(key, threading.Lock())
        with making:
            with self._as_of_lock:
                found = self._as_of.get(key)
            if found is None:
                found = load_snapshot(store, load_catalogue(), current.today, period=period)
                with self._as_of_lock:
                    self._as_of[key] = found
                    while len(self._as_of) > self.AS_OF_KEPT:
                        self._as_of.popitem(last=False)
                    self._making.pop(key, None)
        return found


LATEST = LatestSnapshot()



def _read_all(store) -> tuple:
    return store.current_values(), store.current_milestones(), store.reported_periods(), _demo_units(store)


def _demo_units(store) -> set[str]:
    """Units still drawing demo values (a store without per-unit knowledge: all or nothing)."""
    if hasattr(store, "demo_units"):
        return store.demo_units()
    return {"*"} if store.has_demo_data() else set()


def _assess_all(catalogue: Catalogue, today: dt.date, data: tuple, token: str = "", withdrawn: frozenset = frozenset(),
                period: str | None = None) -> Snapshot:
    observations, milestones, reported, demo = data
    if period:
        limit = parse_period(period)

        def upto(code) -> bool:
            return not (limit < parse_period(str(code)))

        # .loc with a bool mask: an empty object-typed mask would otherwise select columns, not rows.
        if "period" in getattr(observations, "columns", ()):
            observations = observations.loc[observations["period"].map(upto).astype(bool)]
        if "period" in getattr(milestones, "columns", ()):
            milestones = milestones.loc[milestones["period"].map(upto).astype(bool)]
        reported = {u: {p for p in codes if upto(p)} for u, codes in reported.items()}
        reported = {u: codes for u, codes in reported.items() if codes}
    results = assess_all(catalogue, observations, milestones, today)
    return Snapshot(results=results, latest_period=latest_period(reported), demo=bool(demo),
                    reported=reported, today=today, token=token, withdrawn=withdrawn, demo_units=frozenset(demo),
                    kinds=not_official(observations))   # valuestatus: which figures are not official
