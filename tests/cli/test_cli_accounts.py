"""The command line's account side (issue 13): `--as` asks for that user's password, `--reason` for an
admin writing into a locked period, `user disable|enable|unlock`, owner-only files. Every refusal
leaves the database as it was."""

from __future__ import annotations

import io
import stat

import pytest

from tracker.accounts.users import UserStore
from tracker.catalogue import load_catalogue
from tracker.cli import main
from tracker.forms.demo import fill_form
from tracker.storage import Store
from tracker.forms.workbook import build_form


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "data" / "t.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "data" / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-10-15")  # Q3/2026 open, Q2/2026 locked
    users = UserStore(tmp_path / "data" / "users.toml", rounds=4)
    users.add_user("quantri", "admin", "mat-khau-qt-2026")
    users.add_user("canbo", "uploader", "mat-khau-kh-2026", units=("khanh-hoa",))
    return tmp_path


def form(tmp_path, period: str, value: float):
    cat = load_catalogue()
    ind = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    path = tmp_path / f"nq45_khanh-hoa_{period}.xlsx"
    path.write_bytes(fill_form(build_form(cat, "khanh-hoa", period), {(ind.id, ""): value}))
    return str(path)


def submissions(tmp_path) -> list:
    db = tmp_path / "data" / "t.duckdb"
    if not db.exists():
        return []
    with Store(db) as store:
        return [(s.uploaded_by, s.period) for s in store.submissions()]


def run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_as_user_needs_that_users_password(env, monkeypatch, capsys):
    path = form(env, "2026-Q3", 27)
    assert run(monkeypatch, ["ingest", path, "--as", "canbo", "--password-stdin"], "sai-mat-khau\n") == 1
    assert "Sai tên đăng nhập hoặc mật khẩu" in capsys.readouterr().err
    assert run(monkeypatch, ["ingest", path, "--as", "ghost", "--password-stdin"], "mat-khau-kh-2026\n") == 1
    # stdin is not a terminal and no --password-stdin: a usage error, never a write without a password
    assert run(monkeypatch, ["ingest", path, "--as", "canbo"]) == 2
    assert submissions(env) == []
    assert run(monkeypatch, ["ingest", path, "--as", "canbo", "--password-stdin"], "mat-khau-kh-2026\n") == 0
    assert submissions(env) == [("canbo", "2026-Q3")]


def test_without_as_the_record_says_local_login(env, monkeypatch):
    import getpass

    assert run(monkeypatch, ["ingest", form(env, "2026-Q3", 28)]) == 0
    assert submissions(env) == [(f"local:{getpass.getuser()}", "2026-Q3")]


def test_a_disabled_user_cannot_act_through_as(env, monkeypatch, capsys):
    assert run(monkeypatch, ["user", "disable", "canbo"]) == 0
    path = form(env, "2026-Q3", 27)
    assert run(monkeypatch, ["ingest", path, "--as", "canbo", "--password-stdin"], "mat-khau-kh-2026\n") == 1
    assert "vô hiệu hóa" in capsys.readouterr().err
    assert submissions(env) == []
    assert run(monkeypatch, ["user", "enable", "canbo"]) == 0
    assert run(monkeypatch, ["ingest", path, "--as", "canbo", "--password-stdin"], "mat-khau-kh-2026\n") == 0


def test_admin_writing_into_a_locked_period_must_give_a_reason(env, monkeypatch, capsys):
    path = form(env, "2026-Q2", 29)
    assert run(monkeypatch, ["ingest", path]) == 1
    err = capsys.readouterr().err
    assert "đã khóa" in err and "--reason" in err
    assert run(monkeypatch, ["ingest", path, "--as", "quantri", "--password-stdin"], "mat-khau-qt-2026\n") == 1
    assert submissions(env) == []
    assert run(monkeypatch, ["ingest", path, "--dry-run"]) == 0   # checking needs no reason
    assert submissions(env) == []
    # an uploader cannot get in with a reason either
    assert run(monkeypatch, ["ingest", path, "--as", "canbo", "--password-stdin", "--reason", "x"], "mat-khau-kh-2026\n") == 1
    assert submissions(env) == []
    assert run(monkeypatch, ["ingest", path, "--reason", "Sở KH&CN gửi số liệu chính thức muộn"]) == 0
    assert [p for _, p in submissions(env)] == ["2026-Q2"]


def test_user_disable_enable_unlock(env, monkeypatch, capsys):
    users = UserStore(env / "data" / "users.toml")
    assert run(monkeypatch, ["user", "disable", "canbo"]) == 0
    assert users.get("canbo").disabled
    assert run(monkeypatch, ["user", "list"]) == 0
    assert run(monkeypatch, ["user", "enable", "canbo"]) == 0
    assert not users.get("canbo").disabled and users.get("canbo").epoch == 2
    assert run(monkeypatch, ["user", "unlock", "canbo"]) == 0
    assert users.get("canbo").unlocked_at is not None
    capsys.readouterr()
    assert run(monkeypatch, ["user", "disable", "quantri"]) == 1   # the last enabled admin
    assert "cuối cùng" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "unlock", "ghost"]) == 1


def test_files_the_cli_creates_are_owner_only(env, monkeypatch):
    import os

    umask = os.umask(0o022)  # a usual login umask: the CLI must not depend on it
    try:
        assert run(monkeypatch, ["ingest", form(env, "2026-Q3", 30)]) == 0
    finally:
        os.umask(umask)
    data = env / "data"
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data / "t.duckdb") == 0o600
    assert mode(data / "archive") == 0o700
    assert [mode(p) for p in (data / "archive").iterdir()] == [0o600]
    assert mode(data / "users.toml") == 0o600


def test_the_cli_refuses_to_run_as_another_user_than_the_datas_owner(env, monkeypatch, capsys):
    import os

    assert run(monkeypatch, ["ingest", form(env, "2026-Q3", 31)]) == 0
    before = submissions(env)
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 4242)
    assert run(monkeypatch, ["ingest", form(env, "2026-Q3", 32)]) == 1
    assert "hãy chạy với đúng người dùng đó" in capsys.readouterr().err.lower()
    assert submissions(env) == before
