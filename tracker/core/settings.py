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

from tracker.core.calendar import PRESETS, Calendar

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_SETTINGS_FILE = ROOT / "settings.toml"
LANGS = ("vi", "en")


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the key, in Vietnamese and English."""


@dataclass(frozen=True)
class Settings:
    # DuckDB file holding every submission and value.
    db_path: Path = ROOT / "data" / "tracker.duckdb"
    # A PostgreSQL server instead ("postgresql://user:password@host/db"), shared by several dashboard
    # and command-line processes; empty: the DuckDB file above.
    db_url: str = ""
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
    # A signed-in session ends after this many minutes without a click (0: never).
    idle_minutes: int = 60
    # Failed sign-ins in a row before each attempt must wait (doubling), and before a lock.
    signin_backoff_after: int = 5
    signin_lock_after: int = 10
    signin_lock_minutes: int = 15
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed; empty: the
    # client address is not used and sign-in is throttled per account only.
    trusted_proxies: tuple[str, ...] = ()
    # Programmes added on the "Thêm chương trình" page: one YAML file per document, its text beside it.
    catalogue_dir: Path = ROOT / "data" / "catalogue"
    # Reporting calendar (tracker/core/calendar.py): "nd09" (Nghị định 09/2019 cut-off windows) or
    # "calendar" (calendar quarters and years, opened when they end).
    calendar: str = "nd09"
    # nd09: the report is due on this day of the period's last month; the lock comes lock_days later.
    due_day: int = 18
    # Whom to ask for a late upload (a name, office, telephone or e-mail), shown on the upload page.
    contact: str = ""
    # Reminder e-mails go this many days before the deadline, and again the day after it.
    remind_days: int = 3
    # Outgoing mail; the password comes from $TRACKER_SMTP_PASSWORD, never from this file.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_from: str = ""
    # The dashboard's address as users reach it, for the link in reminders.
    base_url: str = ""
    # Who sees the progress pages: "all" (anyone, signed in or not) or "none" (an internal, "nội bộ"
    # installation: every page needs sign-in, and a viewer tied to units sees only those units).
    public_pages: str = "all"
    # Issue 21: uploads wait for an approver of the unit ("Duyệt số liệu") before anyone else sees them;
    # false: an upload is current the moment it is saved (the behaviour before). $TRACKER_APPROVAL overrides.
    approval: bool = True
    # --- valuestatus: the reminder letter ("công văn đôn đốc", tracker/present/letter.py); empty: a dotted blank.
    letter_authority: str = ""      # the body above the issuer ("UBND TỈNH LÂM ĐỒNG")
    letter_issuer: str = ""         # the issuing body ("SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    letter_symbol: str = ""         # the letter's symbol after its number ("SKHCN-KHTC")
    letter_place: str = ""          # the place before the date ("Lâm Đồng")
    letter_signer_title: str = ""   # "GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
    letter_signer: str = ""         # the signer's name

    @property
    def reporting_calendar(self):
        """The tracker.core.calendar.Calendar these settings describe."""
        return Calendar(self.calendar, self.due_day, self.lock_days)

    @property
    def database(self) -> str:
        """What tracker.storage.Store opens: the PostgreSQL URL when one is set, else the DuckDB file."""
        return self.db_url or str(self.db_path)


_PATH_KEYS = {"db_path", "archive_dir", "users_file", "demo_dir", "catalogue_dir"}
_URL_PREFIXES = ("postgresql://", "postgres://")
# key -> smallest allowed value
_INT_KEYS = {"upload_max_mb": 1, "lock_days": 0, "idle_minutes": 0, "signin_backoff_after": 1,
             "signin_lock_after": 1, "signin_lock_minutes": 1, "due_day": 15, "remind_days": 0, "smtp_port": 1}
_INT_MAX = {"due_day": 28, "smtp_port": 65535}
_TEXT_KEYS = {"contact", "smtp_host", "smtp_user", "smtp_from", "base_url",
              "letter_authority", "letter_issuer", "letter_symbol", "letter_place", "letter_signer_title", "letter_signer"}
_KNOWN = [f.name for f in fields(Settings)]
_ENV = {"db_path": "TRACKER_DB", "users_file": "TRACKER_USERS"}
_BOOL_KEYS = {"approval"}
_BOOL_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else ROOT / path



# key -> (the values it may take, "must be …" in Vietnamese, in English)
_CHOICES = {
    "calendar": (PRESETS, '"nd09" (Nghị định 09/2019) hoặc "calendar" (quý, năm dương lịch)', '"nd09" or "calendar"'),
    "public_pages": (("all", "none"), '"all" (ai cũng xem được) hoặc "none" (phải đăng nhập mới xem)',
                     '"all" or "none"'),
    "default_lang": (LANGS, '"vi" hoặc "en"', '"vi" or "en"'),
}

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
        if key in _INT_MAX and value > _INT_MAX[key]:
            raise SettingsError(f"{source}: khóa '{key}' phải nhỏ hơn hoặc bằng {_INT_MAX[key]} "
                                f"/ key '{key}' must be at most {_INT_MAX[key]}")
        return value
    if key in _BOOL_KEYS:
        if not isinstance(value, bool):
            raise SettingsError(f"{source}: khóa '{key}' phải là true hoặc false / key '{key}' must be true or false")
        return value
    if key in _CHOICES:
        allowed, vi, en = _CHOICES[key]
        if value not in allowed:
            raise SettingsError(f"{source}: khóa '{key}' phải là {vi} / key '{key}' must be {en}")
        return value
    if key in _TEXT_KEYS:
        if not isinstance(value, str):
            raise SettingsError(f"{source}: khóa '{key}' phải là một chuỗi / key '{key}' must be a string")
        return value.strip()
    if key == "trusted_proxies":
        import ipaddress

        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{source}: khóa 'trusted_proxies' phải là danh sách địa chỉ, ví dụ [\"127.0.0.1\"] "
                                f"/ key 'trusted_proxies' must be a list of addresses")
        for v in value:
            try:
                ipaddress.ip_network(v, strict=False)
            except ValueError:
                raise SettingsError(f"{source}: khóa 'trusted_proxies': '{v}' không phải địa chỉ IP hay mạng "
                                    f"/ key 'trusted_proxies': '{v}' is not an IP address or network") from None
        return tuple(value)
    if key == "db_url":
        if not isinstance(value, str) or (value and not value.startswith(_URL_PREFIXES)):
            raise SettingsError(f"{source}: khóa 'db_url' phải là địa chỉ PostgreSQL dạng \"postgresql://người_dùng@máy/csdl\" "
                                f"/ key 'db_url' must be a PostgreSQL URL such as \"postgresql://user@host/db\"")
        return value
    raise AssertionError(key)  # every field of Settings is handled above


def catalogue_dir() -> Path:
    """Where programmes added through the dashboard are kept (settings.catalogue_dir)."""
    return load_settings().catalogue_dir


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
    env_db = os.environ.get("TRACKER_DB", "")
    if env_db.startswith(_URL_PREFIXES):
        # $TRACKER_DB may name a server as well as a file; the server's URL is not a path.
        values["db_url"] = env_db
    for key, var in _ENV.items():
        if os.environ.get(var) and not (key == "db_path" and env_db.startswith(_URL_PREFIXES)):
            # Like a path typed in a shell: relative to the current directory, as tracker.storage does.
            values[key] = Path(os.environ[var]).expanduser()
    db_file_from_env = bool(env_db) and not env_db.startswith(_URL_PREFIXES)
    if db_file_from_env and "archive_dir" not in values:
        # A database elsewhere keeps its archive beside it, not in the repository's data/.
        values["archive_dir"] = values["db_path"].parent / "archive"
    if os.environ.get("TRACKER_APPROVAL"):
        word = os.environ["TRACKER_APPROVAL"].strip().lower()
        if word not in _BOOL_WORDS:
            raise SettingsError("TRACKER_APPROVAL phải là true hoặc false / TRACKER_APPROVAL must be true or false")
        values["approval"] = _BOOL_WORDS[word]
    if os.environ.get("TRACKER_CATALOGUE_DIR"):
        values["catalogue_dir"] = Path(os.environ["TRACKER_CATALOGUE_DIR"]).expanduser()
    elif db_file_from_env and "catalogue_dir" not in values:
        # Likewise the programmes added to its catalogue.
        values["catalogue_dir"] = values["db_path"].parent / "catalogue"
    if db_file_from_env and "demo_dir" not in values:
        # And the demo forms `seed` writes for it (else a seeded temp database wrote into data/demo).
        values["demo_dir"] = values["db_path"].parent / "demo"
    settings = Settings(**values)
    if settings.signin_lock_after < settings.signin_backoff_after:
        raise SettingsError(f"{source}: 'signin_lock_after' phải lớn hơn hoặc bằng 'signin_backoff_after' "
                            f"/ key 'signin_lock_after' must be at least 'signin_backoff_after'")
    return settings


# --- the data folder: owner-only, one owner -----------------------------------------------------

STALE_PART_SECONDS = 600  # a ".part" this old is left by a killed process, not one still writing


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def data_owner_problem(settings: Settings) -> str | None:
    """A sentence when this process runs as another user than the one owning the data, else None.

    A command run by root (or anyone else) would leave files the dashboard's user cannot read, or
    could not read the owner-only files at all; it must run as the owner instead.
    """
    if not hasattr(os, "geteuid"):
        return None
    for path in (settings.db_path, settings.users_file, settings.archive_dir):
        if path.exists():
            owner = path.stat().st_uid
            if owner != os.geteuid():
                name = _owner_name(owner)
                return (f"Dữ liệu ({path}) thuộc người dùng '{name}', còn lệnh này đang chạy với người dùng "
                        f"'{_owner_name(os.geteuid())}'. Hãy chạy với đúng người dùng đó, ví dụ: "
                        f"sudo -u {name} .venv/bin/python -m tracker ... / The data ({path}) belongs to '{name}'; "
                        f"run this as that user (e.g. sudo -u {name} ...).")
    return None


def secure_data(settings: Settings, now: float | None = None) -> list[Path]:
    """Make the data owner-only and clear what a killed process left behind; the removed `.part` files.

    From here on every file this process creates is owner-only (umask 077). Existing folders of the
    installation become 0700 and its files 0600: the database (and its write-ahead log), the users
    file and the archive. A folder is only changed when it is the installation's own (the archive, or
    the folder holding both the database and the archive), never a shared one such as /tmp.
    """
    import stat
    import time

    os.umask(0o077)
    now = time.time() if now is None else now
    mine = os.geteuid() if hasattr(os, "geteuid") else None

    def chmod(path: Path, mode: int) -> None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return
        if path.is_dir() and st.st_mode & (stat.S_ISVTX | stat.S_IWOTH):
            return   # a shared folder (/tmp, a sticky or world-writable one) is never the installation's own
        if (mine is None or st.st_uid == mine) and stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)

    folders = {settings.archive_dir}
    if settings.archive_dir.parent == settings.db_path.parent or settings.db_path.parent == ROOT / "data":
        folders.add(settings.db_path.parent)
    for folder in folders:
        chmod(folder, 0o700)
    for path in (settings.db_path, settings.db_path.with_name(settings.db_path.name + ".wal"), settings.users_file):
        chmod(path, 0o600)
    removed = []
    if settings.archive_dir.is_dir():
        for path in settings.archive_dir.iterdir():
            if path.name.endswith(".part"):
                try:
                    if now - path.stat().st_mtime > STALE_PART_SECONDS:
                        path.unlink()
                        removed.append(path)
                except FileNotFoundError:
                    pass
            elif path.is_file():
                chmod(path, 0o600)
    return removed
