"""Trusting bytes the server unpickles: files only its own user can have written, and an owner-only key.

Loading a pickle runs whatever code it names. The parsed catalogue kept on disk is read only from a
regular file of this process's user, not writable by others, in a folder likewise (``read_owned``: no
link followed, no FIFO waited on). The snapshot kept in PostgreSQL, a row anyone with the database's
password could write, is signed with HMAC-SHA256 under a key of 32 random bytes in ``signing.key``
beside the users file (made on first use, mode 0600; refused when it is not a regular file of this user
that only this user can read): a row written without the key is never unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

KEY_NAME = "signing.key"
TAG_BYTES = 32
_MAGIC = b"NQ45S1"


class KeyUnavailable(Exception):
    """The key file cannot be made or is not safe to trust; args[0] says why."""


def key_path() -> Path:
    from tracker.core.settings import load_settings

    return Path(load_settings().users_file).with_name(KEY_NAME)


def owner_only(st: os.stat_result, *, folder: bool = False) -> str | None:
    """Why a file (or folder) is not safe to read trusted bytes from, or None."""
    if folder:
        if not stat.S_ISDIR(st.st_mode):
            return "not a folder"
    elif not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_uid != os.geteuid():
        return f"owned by user {st.st_uid}, not {os.geteuid()}"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "writable by others"
    return None


def read_owned(path: Path, limit: int) -> bytes:
    """A regular file of this user, not writable by others, in a folder likewise, read without
    following a link and without waiting on a FIFO; at most ``limit`` bytes. Raises OSError."""
    problem = owner_only(os.stat(path.parent), folder=True)
    if problem:
        raise PermissionError(f"{path.parent}: {problem}")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        problem = owner_only(os.fstat(fd))
        if problem:
            raise PermissionError(f"{path}: {problem}")
        size = os.fstat(fd).st_size
        if size > limit:
            raise PermissionError(f"{path}: {size} bytes, more than {limit}")
        chunks, left = [], size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _key(path: Path | None = None) -> bytes:
    path = path or key_path()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:   # another process made it first: use that one
            return _key(path)
        with os.fdopen(fd, "wb") as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        return key
    except OSError as exc:
        raise KeyUnavailable(f"{path}: {exc}") from exc
    try:
        st = os.fstat(fd)
        problem = owner_only(st)
        if problem is None and st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
            problem = "readable by others"
        if problem:
            raise KeyUnavailable(f"{path}: {problem}")
        key = os.read(fd, 64)
    finally:
        os.close(fd)
    if len(key) < 32:
        raise KeyUnavailable(f"{path}: shorter than 32 bytes")
    return key


def sign(data: bytes, *, path: Path | None = None) -> bytes:
    """``data`` with its tag in front. Raises KeyUnavailable."""
    return _MAGIC + hmac.new(_key(path), data, hashlib.sha256).digest() + data


def verify(blob: bytes, *, path: Path | None = None) -> bytes | None:
    """The data of a signed blob, or None when the tag is missing or wrong (or the key unavailable)."""
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + TAG_BYTES:
        return None
    tag, data = blob[len(_MAGIC):len(_MAGIC) + TAG_BYTES], blob[len(_MAGIC) + TAG_BYTES:]
    try:
        key = _key(path)
    except KeyUnavailable:
        return None
    return data if hmac.compare_digest(tag, hmac.new(key, data, hashlib.sha256).digest()) else None
