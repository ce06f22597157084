"""A catalogue file's YAML: read (libyaml), and kept on disk parsed, one copy per file, so that a start
reads again only the files that changed."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import yaml

from tracker.catalogue.models import CatalogueError

ROOT = Path(__file__).resolve().parents[2]   # the repository: indicators.yaml, data/, seeds/


def read_yaml(path: Path) -> object:
    try:
        # libyaml's loader when PyYAML has it (the wheels do: yaml.__with_libyaml__), PyYAML's own otherwise
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise CatalogueError(path, ["file not found"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CatalogueError(path, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None


# --- The parsed YAML kept on disk, one copy per catalogue file --------------------------------------
# Reading YAML is most of a fresh server's start: libyaml scans fast, but PyYAML builds every node and
# value in Python (about 10 s for the benchmark's 29 MB file on this machine, against 0,3 s to unpickle
# what it produced). Validation and the cross-checks (1–2 s for 36 000 targets) run on every load, from
# the YAML or from the kept copy alike: nothing validated before is trusted, and a changed model takes
# effect without a stale copy to invalidate. The copy is kept per file, so a programme saved on the page
# reads only its own YAML, not indicators.yaml or a national catalogue beside it.
#
# Each kept file is named by the hash of the file's name and bytes and of the modules that shape the
# result (model_sources; the YAML reader lives in this module), and holds that hash again: a file that
# does not match, or does not load, is ignored and the YAML read as before. What it holds is only what
# PyYAML's safe loader makes (dicts, lists, strings, numbers, dates), and the unpickler refuses any other
# class, so even a planted file could not run code; it is also read only when owner-only
# (tracker.signing.read_owned), written only by this process, in the data folder.

CACHE_FORMAT = 2


def cache_dir() -> Path:
    """Where parsed catalogue files are kept: $TRACKER_CACHE_DIR, else a ``cache`` folder beside the
    catalogue folder (data/cache by default)."""
    env = os.environ.get("TRACKER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from tracker.settings import SettingsError, catalogue_dir

    try:
        return catalogue_dir().parent / "cache"
    except SettingsError:
        return ROOT / "data" / "cache"


def model_sources() -> tuple[Path, ...]:
    """The source files that shape a parsed catalogue: this module and every tracker module it imports,
    transitively (computed from the imports, so a model moved or newly imported is never left out)."""
    from tracker.module_sources import import_closure

    return import_closure(__name__)


def content_hash(paths: list[Path], sources: tuple[Path, ...] | None = None) -> str:
    """sha256 over PyYAML's and pydantic's versions, the name and bytes of each of ``sources`` (default:
    model_sources()) and every catalogue file's name and bytes."""
    import hashlib

    import pydantic

    h = hashlib.sha256(f"{CACHE_FORMAT}|{yaml.__version__}|{yaml.__with_libyaml__}|{pydantic.VERSION}|".encode())
    for source in model_sources() if sources is None else sources:
        code = source.read_bytes()
        h.update(f"|{source.parent.name}/{source.name}|{len(code)}|".encode())
        h.update(code)
    for p in paths:
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise CatalogueError(p, ["file not found"]) from None
        h.update(f"|{p.name}|{len(data)}|".encode())
        h.update(data)
    return h.hexdigest()


def _cache_file(digest: str) -> Path:
    return cache_dir() / f"catalogue-{digest[:32]}.pickle"


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


def _read_cached(file: Path, digest: str) -> tuple[bool, object]:
    """(True, the kept YAML values) or (False, None). Only a regular file of this user, not writable by
    others, in a folder likewise, is read (tracker.signing.read_owned): a FIFO there would hang the start,
    and a file others could write is not this process's."""
    from tracker import signing

    try:
        data = signing.read_owned(file, _CACHE_MAX_BYTES)
    except FileNotFoundError:
        return False, None
    except OSError as exc:
        print(f"NQ45 Tracker: bộ nhớ đệm danh mục không được dùng, đọc lại YAML / catalogue cache not used: {exc}",
              flush=True)
        return False, None
    try:
        stored = _YamlValuesUnpickler(io.BytesIO(data)).load()
    except Exception:   # truncated, damaged, planted, from another format: read the YAML instead
        return False, None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest):
        return False, None
    return True, stored[1]


def _write_cached(file: Path, digest: str, values: object) -> None:
    import tempfile

    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)   # owner-only, like the rest of data/
        blob = pickle.dumps((digest, values), protocol=pickle.HIGHEST_PROTOCOL)
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
    """Remove the kept copies of files no longer in the catalogue or of their earlier versions."""
    try:
        for old in cache_dir().glob("catalogue-*.pickle"):
            if old not in kept:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _parse_files(paths: list[Path]) -> list[object]:
    """The YAML of each of ``paths``, read from the files (CatalogueError for one that cannot be)."""
    return [read_yaml(p) for p in paths]


def yaml_values(path: Path, used: set[Path] | None = None) -> object:
    """The YAML of ``path``: the kept copy when it matches the file's bytes, else read and kept. A file
    that cannot be read raises CatalogueError as reading it does; nothing is kept for it."""
    digest = content_hash([path])
    file = _cache_file(digest)
    if used is not None:
        used.add(file)
    found, values = _read_cached(file, digest)
    if found:
        return values
    values = _parse_files([path])[0]
    _write_cached(file, digest, values)
    return values


