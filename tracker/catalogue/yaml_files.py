"""A catalogue file's YAML: read (libyaml), and kept on disk parsed, one copy per file, so that a start
reads again only the files that changed."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path

import yaml

from tracker.catalogue import yaml_entries, yaml_reader
from tracker.catalogue.models import CatalogueError

ROOT = Path(__file__).resolve().parents[2]   # the repository: indicators.yaml, data/, seeds/


def read_yaml(path: Path) -> object:
    """The YAML of file ``path`` (CatalogueError naming the line when it is not YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(path, ["file not found"]) from None
    return _yaml_of(path, text)


def _yaml_of(path: Path, text: str) -> object:
    """The YAML of ``text``, the whole of file ``path``."""
    try:
        # libyaml's loader when PyYAML has it (the wheels do: yaml.__with_libyaml__), PyYAML's own otherwise
        return yaml_reader.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CatalogueError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None


# --- The parsed YAML kept on disk, one copy per catalogue file --------------------------------------
# Reading YAML is most of a fresh server's start: libyaml scans fast, but PyYAML builds every node and
# value in Python (about 5 s for the benchmark's 29 MB file on this machine when it is idle, against
# 0,3 s to unpickle what it produced). Validation and the cross-checks (about 1 s for 36 000 targets) run
# on every load, from the YAML or from the kept copy alike: nothing validated before is trusted, and a
# changed model takes effect without a stale copy to invalidate. The copy is kept per file, so a
# programme saved on the page reads only its own YAML, not indicators.yaml or a national catalogue beside
# it; and within a file per entry (tracker.catalogue.yaml_entries), so an edit of the big file parses
# again only the entries it changed.
#
# Each kept file is named by the hash of the file's path and of the modules that shape the result
# (model_sources; the YAML reader lives in this module), and holds the hash of those and of the file's
# bytes: when that matches, its values are the file's; when not, its entries whose text is unchanged are
# reused; a file that does not load is ignored and the YAML read as before. What it holds is only what
# PyYAML's safe loader makes (dicts, lists, strings, numbers, dates) and the entries' hashes (bytes), and
# the unpickler refuses any other class, so even a planted file could not run code; it is also read only
# when owner-only (tracker.core.signing.read_owned), written only by this process, in the data folder.

CACHE_FORMAT = 3


def cache_dir() -> Path:
    """Where parsed catalogue files are kept: $TRACKER_CACHE_DIR, else a ``cache`` folder beside the
    catalogue folder (data/cache by default)."""
    env = os.environ.get("TRACKER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from tracker.core.settings import SettingsError, catalogue_dir

    try:
        return catalogue_dir().parent / "cache"
    except SettingsError:
        return ROOT / "data" / "cache"


def model_sources() -> tuple[Path, ...]:
    """The source files that shape a parsed catalogue: this module and every tracker module it imports,
    transitively (computed from the imports, so a model moved or newly imported is never left out)."""
    from tracker.core.module_sources import import_closure

    return import_closure(__name__)


def _code_hash(sources: tuple[Path, ...] | None = None):
    """sha256 (not finished) over PyYAML's and pydantic's versions and the name and bytes of each of
    ``sources`` (default: model_sources())."""
    import pydantic

    h = hashlib.sha256(f"{CACHE_FORMAT}|{yaml.__version__}|{yaml.__with_libyaml__}|{pydantic.VERSION}|".encode())
    for source in model_sources() if sources is None else sources:
        code = source.read_bytes()
        h.update(f"|{source.parent.name}/{source.name}|{len(code)}|".encode())
        h.update(code)
    return h


def content_hash(paths: list[Path], sources: tuple[Path, ...] | None = None) -> str:
    """sha256 over PyYAML's and pydantic's versions, the name and bytes of each of ``sources`` (default:
    model_sources()) and every catalogue file's name and bytes."""
    h = _code_hash(sources)
    for p in paths:
        _add_file(h, p, _file_bytes(p))
    return h.hexdigest()


def _add_file(h, path: Path, data: bytes) -> None:
    h.update(f"|{path.name}|{len(data)}|".encode())
    h.update(data)


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(path, ["file not found"]) from None


def cache_file(path: Path) -> Path:
    """Where the copy of catalogue file ``path`` is kept: one per file and version of the code, whatever
    the file's bytes (the entries of its last version are what a changed file reuses)."""
    h = _code_hash()
    h.update(f"|copy of|{Path(path).resolve()}".encode())
    return cache_dir() / f"catalogue-{h.hexdigest()[:32]}.pickle"


# The parsed YAML of a national catalogue is tens of megabytes; a kept file past this is not one.
_CACHE_MAX_BYTES = 512_000_000


class _YamlValuesUnpickler(pickle.Unpickler):
    """Builds only what yaml's safe loader makes: the builtins pickle writes without naming a class, and
    the datetime classes of YAML timestamps. Any other class refuses the whole file."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timezone"), ("datetime", "timedelta")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a YAML value")
        return super().find_class(module, name)


def _read_cached(file: Path) -> tuple[str, object, dict] | None:
    """(digest, YAML values, entries) kept in ``file``, or None. Only a regular file of this user, not
    writable by others, in a folder likewise, is read (tracker.core.signing.read_owned): a FIFO there would
    hang the start, and a file others could write is not this process's."""
    from tracker.core import signing

    try:
        data = signing.read_owned(file, _CACHE_MAX_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        print(f"NQ45 Tracker: bộ nhớ đệm danh mục không được dùng, đọc lại YAML / catalogue cache not used: {exc}",
              flush=True)
        return None
    try:
        stored = _YamlValuesUnpickler(io.BytesIO(data)).load()
    except Exception:   # truncated, damaged, planted, from another format: read the YAML instead
        return None
    if not (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[0], str)
            and isinstance(stored[2], dict)):
        return None
    return stored


def _write_cached(file: Path, digest: str, values: object, entries: dict) -> None:
    import tempfile

    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)   # owner-only, like the rest of data/
        blob = pickle.dumps((digest, values, entries), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".catalogue-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:   # mkstemp: owner-only
                f.write(blob)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass   # a read-only data folder: the next start reads the YAML again, nothing else changes


def drop_unused_copies(kept: set[Path]) -> None:
    """Remove the kept copies of files no longer in the catalogue (and of other versions of the code)."""
    try:
        for old in cache_dir().glob("catalogue-*.pickle"):
            if old not in kept:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _parse_whole(path: Path, text: str) -> object:
    """The YAML of the whole of ``path``, whose text is ``text``: what the copy is made from when the file
    is not read by entry."""
    return _yaml_of(path, text)


def _parse_entries(path: Path, texts: list[str]) -> list[object]:
    """The YAML of each of ``texts``, pieces of ``path`` (its changed entries, tracker.catalogue.yaml_entries)."""
    return [yaml_reader.load(text) for text in texts]


def _read_by_entry(path: Path, text: str, kept: dict) -> tuple[object, dict]:
    """(the YAML of ``text``, file ``path``'s, and its entries to keep), parsing only the entries not in
    ``kept``; the whole text when it is not read by entry or a piece does not parse (so that its errors
    name the file's lines)."""
    try:
        return yaml_entries.read(text, kept, lambda texts: _parse_entries(path, texts))
    except Exception:   # NotCut, or a piece that is not YAML on its own: the file is read whole
        return _parse_whole(path, text), {}


def yaml_values(path: Path, used: set[Path] | None = None) -> object:
    """The YAML of ``path``: the kept copy when it matches the file's bytes, else read (only the entries
    that changed when the copy is of an earlier version) and kept. A file that cannot be read raises
    CatalogueError as reading it does; nothing is kept for it."""
    # One read: the hash kept and the values kept are of the same bytes, even if the file changes meanwhile.
    data = _file_bytes(path)
    h = _code_hash()
    _add_file(h, path, data)
    digest = h.hexdigest()
    file = cache_file(path)
    if used is not None:
        used.add(file)
    stored = _read_cached(file)
    if stored is not None and stored[0] == digest:
        return stored[1]
    # as Path.read_text: UTF-8 (a decoding error raised as there), universal newlines
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    values, entries = _read_by_entry(path, text, stored[2] if stored is not None else {})
    _write_cached(file, digest, values, entries)
    return values
