"""Settings: defaults, a settings file, the environment, and refusals that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.core.settings import ROOT, Settings, SettingsError, data_owner_problem, load_settings, secure_data


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for var in ("TRACKER_DB", "TRACKER_USERS", "TRACKER_SETTINGS", "TRACKER_APPROVAL"):
        monkeypatch.delenv(var, raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path):
    s = load_settings(write(tmp_path, ""))
    assert s == Settings()
    assert s.db_path == ROOT / "data" / "tracker.duckdb"
    assert s.archive_dir == ROOT / "data" / "archive"
    assert s.users_file == ROOT / "data" / "users.toml"
    assert s.demo_dir == ROOT / "data" / "demo"
    assert (s.upload_max_mb, s.lock_days, s.default_lang) == (10, 30, "vi")


def test_missing_default_file_means_defaults(monkeypatch, tmp_path):
    import tracker.core.settings as settings_module

    monkeypatch.setattr(settings_module, "DEFAULT_SETTINGS_FILE", tmp_path / "absent.toml")
    assert load_settings() == Settings()


def test_file_overrides_and_relative_paths_resolve_against_the_repo(tmp_path):
    s = load_settings(write(tmp_path, 'db_path = "var/x.duckdb"\nusers_file = "/srv/users.toml"\n'
                                      'lock_days = 45\nupload_max_mb = 3\ndefault_lang = "en"\n'))
    assert s.db_path == ROOT / "var" / "x.duckdb"
    assert s.users_file == Path("/srv/users.toml")
    assert (s.lock_days, s.upload_max_mb, s.default_lang) == (45, 3, "en")
    assert s.archive_dir == Settings().archive_dir


def test_settings_env_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SETTINGS", str(write(tmp_path, "lock_days = 7\n")))
    assert load_settings().lock_days == 7


def test_environment_wins_over_the_file(monkeypatch, tmp_path):
    path = write(tmp_path, 'db_path = "from-file.duckdb"\nusers_file = "from-file.toml"\n')
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "env-users.toml"))
    s = load_settings(path)
    assert s.db_path == tmp_path / "env.duckdb"
    assert s.users_file == tmp_path / "env-users.toml"


def test_a_database_from_the_environment_keeps_its_folders_beside_it(monkeypatch, tmp_path):
    """Archive, added programmes and demo forms follow $TRACKER_DB, so a database elsewhere (a test's,
    a trial's) never writes into the repository's data/; the settings file still wins for each."""
    monkeypatch.delenv("TRACKER_CATALOGUE_DIR", raising=False)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "trial" / "t.duckdb"))
    s = load_settings(write(tmp_path, ""))
    assert (s.archive_dir, s.catalogue_dir, s.demo_dir) == tuple(tmp_path / "trial" / n for n in ("archive", "catalogue", "demo"))
    s = load_settings(write(tmp_path, 'demo_dir = "/srv/demo"\n'))
    assert s.demo_dir == Path("/srv/demo") and s.archive_dir == tmp_path / "trial" / "archive"


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings().lock_days = 1  # type: ignore[misc]


@pytest.mark.parametrize("text, key", [
    ("lockdays = 30\n", "lockdays"),
    ('lock_days = "30"\n', "lock_days"),
    ("lock_days = true\n", "lock_days"),
    ("lock_days = -1\n", "lock_days"),
    ("upload_max_mb = 0\n", "upload_max_mb"),
    ("upload_max_mb = 2.5\n", "upload_max_mb"),
    ("db_path = 3\n", "db_path"),
    ('default_lang = "fr"\n', "default_lang"),
])
def test_bad_key_or_type_is_named_in_both_languages(tmp_path, text, key):
    with pytest.raises(SettingsError) as err:
        load_settings(write(tmp_path, text))
    message = str(err.value)
    assert f"'{key}'" in message
    assert "khóa" in message and "key" in message


def test_broken_toml_and_missing_explicit_file(tmp_path):
    with pytest.raises(SettingsError, match="TOML"):
        load_settings(write(tmp_path, "lock_days = = 3\n"))
    with pytest.raises(SettingsError, match="không tìm thấy"):
        load_settings(tmp_path / "nope.toml")


def test_example_file_documents_every_key_with_the_defaults():
    example = ROOT / "settings.example.toml"
    s = load_settings(example)
    assert s == Settings()
    text = example.read_text(encoding="utf-8")
    for key in Settings.__dataclass_fields__:
        assert f"\n{key} = " in text


def test_approval_is_on_by_default_and_a_file_or_the_environment_turns_it_off(tmp_path, monkeypatch):
    assert load_settings(write(tmp_path, "")).approval is True
    assert load_settings(write(tmp_path, "approval = false\n")).approval is False
    with pytest.raises(SettingsError, match="approval"):
        load_settings(write(tmp_path, 'approval = "no"\n'))
    monkeypatch.setenv("TRACKER_APPROVAL", "true")
    assert load_settings(write(tmp_path, "approval = false\n")).approval is True
    monkeypatch.setenv("TRACKER_APPROVAL", "maybe")
    with pytest.raises(SettingsError, match="TRACKER_APPROVAL"):
        load_settings(write(tmp_path, ""))


# --- sign-in settings and the data folder (issue 13) ---------------------------------------------

def test_sign_in_settings_and_trusted_proxies(tmp_path):
    s = load_settings(write(tmp_path, 'idle_minutes = 0\nsignin_lock_minutes = 30\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8"]\n'))
    assert (s.idle_minutes, s.signin_lock_minutes, s.trusted_proxies) == (0, 30, ("127.0.0.1", "10.0.0.0/8"))
    assert (Settings().idle_minutes, Settings().signin_backoff_after, Settings().signin_lock_after) == (60, 5, 10)
    for text, key in [('trusted_proxies = ["proxy.local"]\n', "trusted_proxies"), ("trusted_proxies = 1\n", "trusted_proxies"),
                      ("signin_backoff_after = 8\nsignin_lock_after = 4\n", "signin_lock_after"),
                      ("idle_minutes = -5\n", "idle_minutes")]:
        with pytest.raises(SettingsError, match=key):
            load_settings(write(tmp_path, text))


def _install(tmp_path: Path) -> Settings:
    """An installation in the old modes: world-readable database, folders 0755."""
    import os

    base = tmp_path / "data"
    (base / "archive").mkdir(parents=True)
    os.chmod(base, 0o755)
    os.chmod(base / "archive", 0o755)
    for path in (base / "tracker.duckdb", base / "users.toml", base / "archive" / "abc.xlsx"):
        path.write_bytes(b"x")
        os.chmod(path, 0o644)
    return Settings(db_path=base / "tracker.duckdb", archive_dir=base / "archive", users_file=base / "users.toml")


def test_secure_data_makes_everything_owner_only_and_clears_stale_parts(tmp_path):
    import os
    import stat
    import time

    s = _install(tmp_path)
    old_part = s.archive_dir / ".abc.xlsx.x1.part"
    new_part = s.archive_dir / ".def.xlsx.x2.part"
    old_part.write_bytes(b"half")
    new_part.write_bytes(b"half")
    now = time.time()
    os.utime(old_part, (now - 3600, now - 3600))  # a kill -9 an hour ago
    umask = os.umask(0o022)
    try:
        removed = secure_data(s, now=now)
        made = tmp_path / "data" / "new-file"
        made.write_bytes(b"x")                    # created after: owner-only by the umask
    finally:
        os.umask(umask)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert removed == [old_part] and not old_part.exists() and new_part.exists()  # one still being written stays
    assert mode(s.db_path.parent) == 0o700 and mode(s.archive_dir) == 0o700
    assert mode(s.db_path) == mode(s.users_file) == mode(s.archive_dir / "abc.xlsx") == 0o600
    assert mode(made) == 0o600


def test_secure_data_leaves_a_shared_folder_alone(tmp_path):
    import os
    import stat

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    s = Settings(db_path=shared / "x.duckdb", archive_dir=tmp_path / "elsewhere" / "archive", users_file=shared / "u.toml")
    umask = os.umask(0o022)
    try:
        secure_data(s)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


def test_secure_data_leaves_tmp_alone_when_the_database_and_archive_sit_directly_in_it(tmp_path):
    """TRACKER_DB=/tmp/x.duckdb puts the archive in /tmp/archive: /tmp itself must stay 1777."""
    import os
    import stat

    shared = tmp_path / "tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    s = Settings(db_path=shared / "x.duckdb", archive_dir=shared / "archive", users_file=shared / "u.toml")
    (shared / "archive").mkdir()
    secure_data(s)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "archive").stat().st_mode) == 0o700


def test_data_owned_by_another_user_is_refused_with_the_owners_name(tmp_path, monkeypatch):
    import os
    import pwd

    s = _install(tmp_path)
    assert data_owner_problem(s) is None
    me = pwd.getpwuid(os.geteuid()).pw_name
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 4242)  # as if root or another login ran it
    problem = data_owner_problem(s)
    assert problem and f"thuộc người dùng '{me}'" in problem and f"sudo -u {me}" in problem
