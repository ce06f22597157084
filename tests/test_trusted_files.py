"""Files and rows the server unpickles are trusted only when only its own user can have written them
(issue 19 item 13): the catalogue cache (owner, mode, regular file, no FIFO hang) and the snapshot kept in
PostgreSQL (HMAC with the owner-only key beside the users file, decompressed size capped, a row that
fails to load replaced)."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import signal
import stat
import zlib

import pytest

from tracker.core import signing
from tracker.catalogue import DEFAULT_PATH, parse_once
from tracker.catalogue.yaml_files import cache_file


class _Planted:
    """A pickle that runs code when loaded: it writes a marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    main = tmp_path / "indicators.yaml"
    shutil.copy(DEFAULT_PATH, main)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(folder))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    return main, cache_file(main)


@pytest.mark.parametrize("weak", ["folder_writable_by_others", "file_writable_by_others"])
def test_a_planted_pickle_in_the_catalogue_cache_is_never_loaded(cache, tmp_path, weak):
    main, file = cache
    marker = tmp_path / "planted-code-ran"
    file.write_bytes(pickle.dumps(_Planted(marker)))
    if weak == "folder_writable_by_others":
        os.chmod(file.parent, 0o777)
    else:
        os.chmod(file, 0o666)
    catalogue = parse_once([main])
    assert catalogue.indicators and not marker.exists()


def test_a_fifo_in_the_catalogue_cache_does_not_hang_the_start(cache):
    main, file = cache
    os.mkfifo(file, 0o600)
    old = signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("hung on the FIFO")))
    signal.alarm(60)
    try:
        assert parse_once([main]).indicators
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert stat.S_ISFIFO(os.lstat(file).st_mode) or stat.S_ISREG(os.lstat(file).st_mode)


def test_the_owners_own_cache_is_still_used(cache, monkeypatch):
    from tracker.catalogue import yaml_files

    main, file = cache
    parse_once([main])
    assert file.exists()
    monkeypatch.setattr(yaml_files, "_parse_whole", lambda path, text: pytest.fail("parsed again"))
    monkeypatch.setattr(yaml_files, "_parse_entries", lambda path, texts: pytest.fail("parsed again"))
    assert parse_once([main]).indicators


def test_the_snapshot_is_signed_capped_and_a_planted_one_never_loaded(tmp_path, monkeypatch):
    from tracker.catalogue import load_catalogue
    from tracker.assess.snapshot import build_snapshot, snapshot_bytes, snapshot_from_bytes
    from tracker.storage.queries import Store

    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    cat = load_catalogue()
    with Store(tmp_path / "t.duckdb", tmp_path / "archive") as store:
        snap = build_snapshot(store, cat, dt.date(2026, 10, 15))
    blob = snapshot_bytes(snap)
    key = tmp_path / signing.KEY_NAME
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert snapshot_from_bytes(blob, cat).token == snap.token
    marker = tmp_path / "planted-code-ran"
    assert snapshot_from_bytes(zlib.compress(pickle.dumps(_Planted(marker))), cat) is None   # unsigned
    forged = blob[:6] + bytes(32) + zlib.compress(pickle.dumps(_Planted(marker)))
    assert snapshot_from_bytes(forged, cat) is None and not marker.exists()
    assert snapshot_from_bytes(blob, cat, max_bytes=1000) is None                             # past the cap
    # a key file others can read is not used
    os.chmod(key, 0o644)
    assert snapshot_from_bytes(blob, cat) is None
    with pytest.raises(signing.KeyUnavailable):
        signing.sign(b"x")


def test_a_saved_snapshot_row_that_fails_to_load_is_replaced(pg_url, tmp_path, monkeypatch):
    import tracker.assess.snapshot as snapshot_module
    from tracker.catalogue import catalogue_key, load_catalogue
    from tracker.assess.snapshot import shared_snapshot
    from tracker.storage.queries import Store

    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    cat, key, today = load_catalogue(), catalogue_key(), dt.date(2026, 10, 15)
    digest = snapshot_module.catalogue_digest(key)
    with Store(pg_url) as store:
        made = shared_snapshot(store, cat, today, catalogue_key=key, background=False)
        store.save_snapshot(digest, today, made.token, b"not a snapshot", replace=True)   # damaged in place
        assert store.saved_snapshot(digest, today)[1] == b"not a snapshot"
        again = shared_snapshot(store, cat, today, catalogue_key=key, background=False)
        assert again.token == made.token
        token, data = store.saved_snapshot(digest, today)
        assert token == made.token and snapshot_module.snapshot_from_bytes(data, cat) is not None
