"""The audit log, the reason an admin gives for a locked period, and `tracker backup` (issue 13).

Refusals leave the data (submissions, values, withdrawals) as they were; what they add is an audit
row saying who was refused."""

from __future__ import annotations

import io
import stat

import pytest

from tests.support.pages import XLSX, rerun, texts
from tests.support.pages import run as open_page
from tracker.accounts.users import User, UserStore
from tracker.catalogue import load_catalogue
from tracker.cli import main
from tracker.forms.demo import fill_form
from tracker.storage import Store
from tracker.forms.workbook import build_form


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "data" / "t.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "data" / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-10-15")
    users = UserStore(tmp_path / "data" / "users.toml", rounds=4)
    users.add_user("quantri", "admin", "mat-khau-qt-2026")
    users.add_user("canbo", "uploader", "mat-khau-kh-2026", units=("khanh-hoa",))
    return tmp_path


def form_bytes(period: str, value: float) -> bytes:
    cat = load_catalogue()
    ind = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    return fill_form(build_form(cat, "khanh-hoa", period), {(ind.id, ""): value})


def form(tmp_path, period: str, value: float) -> str:
    path = tmp_path / f"nq45_khanh-hoa_{period}.xlsx"
    path.write_bytes(form_bytes(period, value))
    return str(path)


def data_state(db) -> tuple:
    """Everything but the audit log."""
    with Store(db) as store, store._cursor() as cur:
        return tuple(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("submissions", "observations", "milestone_updates", "withdrawals"))


def run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def events(db) -> list[tuple[str, str]]:
    with Store(db) as store:
        return [(e.event, e.username) for e in reversed(store.audit_log())]


def test_store_audit_and_override_reason(tmp_path):
    from tracker.ingest import read_form

    cat = load_catalogue()
    with Store(tmp_path / "t.duckdb") as store:
        content = form_bytes("2026-Q2", 12)
        import datetime as dt

        parsed = read_form(content, "nq45_khanh-hoa_2026-Q2.xlsx", cat, today=dt.date(2026, 10, 15))
        result = store.commit(parsed, content, user="quantri", reason="Số liệu chính thức gửi muộn")
        sub = store.submission(result.submission_id)
        assert sub.override_reason == "Số liệu chính thức gửi muộn"
        store.withdraw(result.submission_id, user="quantri", reason="Nộp nhầm")
        store.audit("signin_failed", "khong-co", "client=203.0.113.5")
        log = store.audit_log()
        assert [(e.event, e.username) for e in log] == [("signin_failed", "khong-co"), ("withdraw", "quantri"),
                                                         ("upload_override", "quantri")]
        assert "Số liệu chính thức gửi muộn" in log[2].detail and log[1].detail.endswith("Nộp nhầm")
        assert log[2].event_label("vi") == "nộp vào kỳ đã khóa"
        assert [e.event for e in store.audit_log(username="khong-co")] == ["signin_failed"]


def test_cli_refusals_leave_the_data_unchanged_and_are_audited(env, monkeypatch, capsys):
    db = env / "data" / "t.duckdb"
    assert run(monkeypatch, ["ingest", form(env, "2026-Q3", 27), "--as", "canbo", "--password-stdin"], "mat-khau-kh-2026\n") == 0
    before = data_state(db)
    refusals = [
        (["ingest", form(env, "2026-Q3", 28), "--as", "canbo", "--password-stdin"], "sai-mat-khau\n"),   # wrong password
        (["ingest", form(env, "2026-Q2", 29)], ""),                                                        # locked, no reason
        (["ingest", form(env, "2026-Q2", 30), "--as", "canbo", "--password-stdin", "--reason", "x"], "mat-khau-kh-2026\n"),
    ]
    for argv, stdin in refusals:
        assert run(monkeypatch, argv, stdin) == 1, argv
        assert data_state(db) == before, argv
    assert ("signin_failed", "canbo") in events(db)
    assert run(monkeypatch, ["ingest", form(env, "2026-Q2", 31), "--reason", "Sở gửi bản chính thức"]) == 0
    with Store(db) as store:
        newest = store.submissions()[0]
    assert newest.period == "2026-Q2" and newest.override_reason == "Sở gửi bản chính thức"
    capsys.readouterr()
    assert run(monkeypatch, ["audit", "--limit", "10"]) == 0
    out = capsys.readouterr().out
    assert "nộp vào kỳ đã khóa" in out and "Sở gửi bản chính thức" in out and "đăng nhập sai" in out


def test_cli_account_changes_are_audited(env, monkeypatch):
    db = env / "data" / "t.duckdb"
    assert run(monkeypatch, ["user", "add", "lanhdao", "--role", "viewer", "--password-stdin"], "mat-khau-ld-2026\n") == 0
    assert run(monkeypatch, ["user", "passwd", "lanhdao", "--password-stdin"], "mat-khau-moi-2026\n") == 0
    assert run(monkeypatch, ["user", "disable", "lanhdao"]) == 0
    assert run(monkeypatch, ["user", "enable", "lanhdao"]) == 0
    assert run(monkeypatch, ["user", "unlock", "lanhdao"]) == 0
    assert run(monkeypatch, ["user", "remove", "lanhdao"]) == 0
    assert [e for e, u in events(db) if u == "lanhdao"] == [
        "user_add", "user_passwd", "user_disable", "user_enable", "user_unlock", "user_remove"]


def test_backup_is_a_consistent_owner_only_copy(env, monkeypatch, capsys):
    assert run(monkeypatch, ["ingest", form(env, "2026-Q3", 27)]) == 0
    out = env / "backup"
    assert run(monkeypatch, ["backup", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    with Store(out / "tracker.duckdb") as copy:
        assert len(copy.submissions()) == 1 and copy.observation_count() == 1
        assert copy.archived_file(copy.submissions()[0].id) is not None
    assert UserStore(out / "users.toml").get("quantri").role == "admin"
    assert stat.S_IMODE((out / "tracker.duckdb").stat().st_mode) == 0o600
    capsys.readouterr()
    assert run(monkeypatch, ["backup", str(out)]) == 1          # never over an earlier backup
    assert "thư mục mới" in capsys.readouterr().err
    assert ("backup", f"local:{__import__('getpass').getuser()}") in events(env / "data" / "t.duckdb")


def test_admin_override_on_the_page_needs_a_reason_and_the_audit_log_is_for_admins(own_copy):
    admin = User("quantri.o", "admin", (), "")
    at = open_page("views/upload.py", admin)
    at.selectbox(key="up_unit").set_value("khanh-hoa")
    at.selectbox(key="up_period").set_value("2026-Q2")
    rerun(at)
    at.file_uploader(key="uploader").upload("nq45_khanh-hoa_2026-Q2.xlsx", form_bytes("2026-Q2", 4321), XLSX)
    rerun(at)
    for box in at.checkbox:
        box.check()
    rerun(at)
    reason_box = next(t for t in at.text_input if t.key and t.key.startswith("override_"))
    assert at.button(key="confirm").disabled                     # no reason yet
    reason_box.input("Sở KH&CN gửi số liệu chính thức muộn")
    rerun(at)
    assert not at.button(key="confirm").disabled
    at.button(key="confirm").click()
    rerun(at)
    assert any("Đã lưu lần nộp" in s.value for s in at.success)

    hist = open_page("views/history.py", admin)
    assert "Nhật ký kiểm tra" in texts(hist)
    frame = [d for d in hist.dataframe if "Việc" in d.value.columns][0].value
    assert "nộp vào kỳ đã khóa" in set(frame["Việc"])
    uploader = open_page("views/history.py", User("canbo.o", "uploader", ("khanh-hoa",), ""))
    assert "Nhật ký kiểm tra" not in texts(uploader)
