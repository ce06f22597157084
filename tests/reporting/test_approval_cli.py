"""Approval through the real command line (issue 21), each command its own process: a clerk's `ingest`
waits ("đã nộp, chờ duyệt"), `status --json` shows what a leader sees (approved only), `--pending` adds
the waiting figures, `approve` / `return` sign in with --as as `ingest` does and follow the four-eyes
rule; on a DuckDB file and on PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.support.installation import cli, installation
from tracker.catalogue import load_catalogue
from tracker.forms.demo import fill_form

PASSWORD = "mat-khau-dai-du"


def _stock():
    cat = load_catalogue()
    return next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)


def _run(env, *args, password: str | None = None, ok: int | None = 0):
    done = cli(env, *args, input=f"{password}\n" if password is not None else None, timeout=300)
    if ok is not None:
        assert done.returncode == ok, (args, done.stdout, done.stderr)
    return done


def _latest(env, ind_id) -> tuple:
    out = json.loads(_run(env, "status", "--unit", "khanh-hoa", "--json").stdout)
    row = next(a for a in out["units"]["khanh-hoa"]["numeric"] if a["indicator_id"] == ind_id)
    return row["latest_value"], out


@pytest.fixture(params=["duckdb", "postgresql"])
def env(request, tmp_path):
    database = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    env = installation(tmp_path / "install", database) | {"TRACKER_APPROVAL": "true"}
    for name, role in (("canbo", "uploader"), ("duyet", "approver")):
        _run(env, "user", "add", name, "--role", role, "--unit", "khanh-hoa", "--password-stdin", password=PASSWORD)
    return env


def _filled(env, tmp_path, value, name):
    form = tmp_path / f"{name}.xlsx"
    _run(env, "template", "--unit", "khanh-hoa", "--period", "2026-Q3", "--out", str(form))
    form.write_bytes(fill_form(form.read_bytes(), {(_stock().id, ""): value}))
    return form


def test_clerk_ingests_approver_approves_or_returns(env, tmp_path):
    ind = _stock()
    first = _filled(env, tmp_path, 27, "first")
    done = _run(env, "ingest", str(first), "--as", "canbo", "--password-stdin", password=PASSWORD)
    assert "Lần nộp #1 đã nộp, chờ duyệt" in done.stdout
    value, out = _latest(env, ind.id)
    assert value is None and "pending" not in out                   # a leader sees nothing yet
    pending = json.loads(_run(env, "status", "--unit", "khanh-hoa", "--json", "--pending").stdout)["pending"]
    [row] = [r for r in pending["khanh-hoa"]["numeric"] if r["indicator_id"] == ind.id]
    assert (row["value"], row["approval"], row["submission_id"], row["uploaded_by"]) == (27, "pending", 1, "canbo")
    assert "chờ duyệt" in _run(env, "history", "--unit", "khanh-hoa").stdout

    refused = _run(env, "approve", "1", "--as", "canbo", "--password-stdin", password=PASSWORD, ok=1)
    assert "approver" in refused.stderr                             # an uploader does not approve
    _run(env, "approve", "1", "--as", "duyet", "--password-stdin", password="sai-mat-khau", ok=1)
    done = _run(env, "approve", "1", "--as", "duyet", "--password-stdin", password=PASSWORD)
    assert "Đã duyệt lần nộp #1" in done.stdout
    assert _latest(env, ind.id)[0] == 27
    again = _run(env, "approve", "1", "--as", "duyet", "--password-stdin", password=PASSWORD, ok=1)
    assert "đã được duyệt" in again.stderr

    second = _filled(env, tmp_path, 35, "second")
    _run(env, "ingest", str(second), "--as", "canbo", "--password-stdin", password=PASSWORD)
    usage = _run(env, "return", "2", "--as", "duyet", "--password-stdin", password=PASSWORD, ok=2)
    assert "--reason" in usage.stderr
    done = _run(env, "return", "2", "--reason", "Số doanh nghiệp KH&CN chưa khớp báo cáo của Sở",
                "--as", "duyet", "--password-stdin", password=PASSWORD)
    assert "Đã trả lại lần nộp #2" in done.stdout
    assert _latest(env, ind.id)[0] == 27                            # returned: never shown
    pending = json.loads(_run(env, "status", "--json", "--pending").stdout)["pending"]
    assert pending == {}
    history = _run(env, "history", "--unit", "khanh-hoa").stdout
    assert "bị trả lại" in history and "chưa khớp báo cáo của Sở" in history
    audit = _run(env, "audit").stdout
    assert "duyệt lần nộp" in audit and "trả lại lần nộp" in audit


def test_four_eyes_from_the_command_line(env, tmp_path):
    # An approver does not upload (tracker.accounts.permissions: the check is always someone else's).
    form = _filled(env, tmp_path, 11, "own")
    refused = _run(env, "ingest", str(form), "--as", "duyet", "--password-stdin", password=PASSWORD, ok=1)
    assert "người duyệt không tự nộp" in refused.stderr
    # An admin's own upload, with a second admin on the installation: the other admin decides.
    for name in ("quantri", "quantri2"):
        _run(env, "user", "add", name, "--role", "admin", "--password-stdin", password=PASSWORD)
    _run(env, "ingest", str(form), "--as", "quantri", "--password-stdin", password=PASSWORD)
    refused = _run(env, "approve", "1", "--as", "quantri", "--password-stdin", password=PASSWORD, ok=1)
    assert "bốn mắt" in refused.stderr
    # The server's operator acts as an admin (no --as), as for ingest.
    assert "Đã duyệt lần nộp #1" in _run(env, "approve", "1").stdout


def test_the_public_site_publishes_approved_figures_only(env, tmp_path):
    # `publish` writes what the public may see: a pending figure is not on the site; once approved, it is.
    form = _filled(env, tmp_path, 4321, "pending")
    _run(env, "ingest", str(form), "--as", "canbo", "--password-stdin", password=PASSWORD)

    def site_text(folder) -> str:
        _run(env, "publish", "--out", str(folder), "--lang", "vi")
        return (folder / "vi" / "khanh-hoa" / "index.html").read_text(encoding="utf-8")

    assert "4.321" not in site_text(tmp_path / "before")
    _run(env, "approve", "1", "--as", "duyet", "--password-stdin", password=PASSWORD)
    assert "4.321" in site_text(tmp_path / "after")
