"""The command line end to end: template → fill → ingest → history; refusals leave the database as it was."""

from __future__ import annotations

import io
import zipfile

import pytest

from tracker.catalogue import load_catalogue
from tracker.cli import main
from tracker.forms.demo import fill_form
from tracker.storage import Store


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "t.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-10-15")
    return tmp_path


def _stock(unit="khanh-hoa"):
    cat = load_catalogue()
    return next(i for i in cat.indicators_for(unit) if i.kind == "stock" and not i.sectors)


def _snapshot(db) -> tuple:
    with Store(db) as store:
        return (len(store.submissions()), store.observation_count(), store.last_change())


def test_template_fill_ingest_history(env, capsys):
    form = env / "form.xlsx"
    assert main(["template", "--unit", "khanh-hoa", "--period", "2026-Q3", "--out", str(form)]) == 0
    ind = _stock()
    filled = env / "nq45_khanh-hoa_2026-Q3.xlsx"
    filled.write_bytes(fill_form(form.read_bytes(), {(ind.id, ""): 27}))
    assert main(["ingest", str(filled), "--dry-run"]) == 0
    assert _snapshot(env / "t.duckdb")[0] == 0          # a dry run stores nothing
    assert main(["ingest", str(filled)]) == 0
    out = capsys.readouterr().out
    assert "Đã lưu lần nộp #1" in out
    assert main(["ingest", str(filled)]) == 0           # the same file twice
    assert "đã được nhận trước đây" in capsys.readouterr().out
    assert _snapshot(env / "t.duckdb")[0] == 1
    assert main(["history", "--unit", "khanh-hoa"]) == 0
    out = capsys.readouterr().out
    assert "nq45_khanh-hoa_2026-Q3.xlsx" in out and "local:" in out
    assert main(["history", "--unit", "khanh-hoa", "--indicator", ind.id]) == 0
    out = capsys.readouterr().out
    assert "2026-Q3" in out and "27" in out


def _bad_files(tmp_path):
    cat = load_catalogue()
    ind = _stock()
    from tracker.forms.workbook import build_form

    good = build_form(cat, "khanh-hoa", "2026-Q3")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/vbaProject.bin", b"macro")
    return {
        "not_workbook.xlsx": b"this is a text file, not a workbook",
        "empty.xlsx": b"",
        "truncated.xlsx": good[: len(good) // 2],
        "macro.xlsm": buf.getvalue(),
        "future.xlsx": fill_form(build_form(cat, "khanh-hoa", "2026-Q4"), {(ind.id, ""): 5}),
        "negative.xlsx": fill_form(good, {(ind.id, ""): -5}),
        "text_value.xlsx": fill_form(good, {(ind.id, ""): "nhiều"}),
    }


def test_every_bad_file_is_refused_with_exit_1_and_nothing_changes(env, capsys):
    form = env / "ok.xlsx"
    main(["template", "--unit", "khanh-hoa", "--period", "2026-Q2", "--out", str(form)])
    form.write_bytes(fill_form(form.read_bytes(), {(_stock().id, ""): 20}))
    assert main(["ingest", str(form), "--reason", "số liệu nộp muộn"]) == 0   # 2026-Q2 is locked: an admin gives a reason
    before = _snapshot(env / "t.duckdb")
    for name, content in _bad_files(env).items():
        path = env / name
        path.write_bytes(content)
        capsys.readouterr()
        assert main(["ingest", str(path)]) == 1, name
        captured = capsys.readouterr()
        assert "LỖI" in captured.out, name
        assert "Traceback" not in captured.out + captured.err
        assert _snapshot(env / "t.duckdb") == before, name


def test_usage_errors_exit_2(env, capsys):
    assert main(["template", "--unit", "khong-co", "--period", "2026-Q3"]) == 2
    assert main(["template", "--unit", "khanh-hoa", "--period", "quý 9"]) == 2
    assert main(["ingest", str(env / "missing.xlsx")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["ingest"])
    assert exc.value.code == 2


def test_ingest_as_a_user_checks_rights(env, capsys, monkeypatch):
    from tracker.accounts.users import UserStore

    UserStore(env / "users.toml", rounds=4).add_user("canbo.bg", "uploader", "mat-khau-dai", units=("bac-ninh",))
    form = env / "kh.xlsx"
    main(["template", "--unit", "khanh-hoa", "--period", "2026-Q3", "--out", str(form)])
    form.write_bytes(fill_form(form.read_bytes(), {(_stock().id, ""): 21}))
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))   # --as asks for that user's password
    assert main(["ingest", str(form), "--as", "canbo.bg", "--password-stdin"]) == 1
    assert "Khánh Hòa" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["ingest", str(form), "--as", "ai-do", "--password-stdin"]) == 1
    assert _snapshot(env / "t.duckdb")[0] == 0
