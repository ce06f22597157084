"""Settings: defaults, a settings file, the environment, and refusals that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.settings import ROOT, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for var in ("TRACKER_DB", "TRACKER_USERS", "TRACKER_SETTINGS"):
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
    import tracker.settings as settings_module

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
