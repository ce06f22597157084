"""Installation settings: one optional `settings.toml` at the repository root, else the defaults.

Order of precedence, lowest first: the defaults below, the settings file, then the environment
($TRACKER_DB, $TRACKER_USERS), so that tests and one-off runs can point elsewhere without editing
a file. $TRACKER_SETTINGS names a different settings file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS_FILE = ROOT / "settings.toml"
LANGS = ("vi", "en")


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the key, in Vietnamese and English."""


@dataclass(frozen=True)
class Settings:
    # DuckDB file holding every submission and value.
    db_path: Path = ROOT / "data" / "tracker.duckdb"
    # Every accepted file is kept here, named by its SHA-256.
    archive_dir: Path = ROOT / "data" / "archive"
    # Accounts: user name, role, units, bcrypt hash.
    users_file: Path = ROOT / "data" / "users.toml"
    # Larger uploads are refused before they are read.
    upload_max_mb: int = 10
    # A period stays open for upload this many days after it ends (DHIS2 "expiry days").
    lock_days: int = 30
    default_lang: str = "vi"
    # Where `python -m tracker seed` writes the demo forms.
    demo_dir: Path = ROOT / "data" / "demo"


_PATH_KEYS = {"db_path", "archive_dir", "users_file", "demo_dir"}
_INT_KEYS = {"upload_max_mb": 1, "lock_days": 0}  # key -> smallest allowed value
_KNOWN = [f.name for f in fields(Settings)]
_ENV = {"db_path": "TRACKER_DB", "users_file": "TRACKER_USERS"}


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else ROOT / path


def _check(key: str, value, source: Path):
    if key in _PATH_KEYS:
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(
                f"{source}: khóa '{key}' phải là một đường dẫn dạng chuỗi, ví dụ \"data/tracker.duckdb\" "
                f"/ key '{key}' must be a path string")
        return _resolve(value)
    if key in _INT_KEYS:
        # bool is an int in Python; `lock_days = true` is a mistake, not 1.
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{source}: khóa '{key}' phải là số nguyên, ví dụ {getattr(Settings, key)} "
                                f"/ key '{key}' must be an integer")
        if value < _INT_KEYS[key]:
            raise SettingsError(f"{source}: khóa '{key}' phải lớn hơn hoặc bằng {_INT_KEYS[key]} "
                                f"/ key '{key}' must be at least {_INT_KEYS[key]}")
        return value
    if key == "default_lang":
        if value not in LANGS:
            raise SettingsError(f"{source}: khóa 'default_lang' phải là \"vi\" hoặc \"en\" "
                                f"/ key 'default_lang' must be \"vi\" or \"en\"")
        return value
    raise AssertionError(key)  # every field of Settings is handled above


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from `path`, else $TRACKER_SETTINGS, else settings.toml at the repository root.

    A missing default file means the defaults; a file asked for explicitly must exist.
    Raises SettingsError for an unreadable file, an unknown key or a value of the wrong type.
    """
    explicit = path or os.environ.get("TRACKER_SETTINGS")
    source = _resolve(str(explicit)) if explicit else DEFAULT_SETTINGS_FILE
    values: dict = {}
    if source.is_file():
        try:
            raw = tomllib.loads(source.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{source}: tệp cài đặt không đúng cú pháp TOML / not valid TOML: {exc}") from None
        for key, value in raw.items():
            if key not in _KNOWN:
                raise SettingsError(
                    f"{source}: khóa '{key}' không được hỗ trợ; các khóa hợp lệ: {', '.join(_KNOWN)} "
                    f"/ unknown key '{key}'")
            values[key] = _check(key, value, source)
    elif explicit:
        raise SettingsError(f"không tìm thấy tệp cài đặt {source} / settings file not found")
    for key, var in _ENV.items():
        if os.environ.get(var):
            # Like a path typed in a shell: relative to the current directory, as tracker.store does.
            values[key] = Path(os.environ[var]).expanduser()
    if os.environ.get("TRACKER_DB") and "archive_dir" not in values:
        # A database elsewhere keeps its archive beside it, not in the repository's data/.
        values["archive_dir"] = values["db_path"].parent / "archive"
    return Settings(**values)
