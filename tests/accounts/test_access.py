"""Accounts (bcrypt hashes in a TOML file), period locks, permission decisions, `python -m tracker user`."""

from __future__ import annotations

import datetime as dt
import io
import stat
import tomllib

import pytest

from tracker.accounts.permissions import (

    Decision,

    can_manage_users,

    can_upload,

    can_view,

    can_withdraw,

    period_lock_state,

)

from tracker.accounts.users import User, UserError, UserStore, ensure_admin
from tracker.cli import main
from tracker.core.periods import Period

TODAY = dt.date(2026, 10, 15)  # Q3/2026 ended 30/09 and is open until the end of 30/10
LOCK = 30
VIEWER = User("lanhdao", "viewer", (), "")
UPLOADER = User("canbo", "uploader", ("khanh-hoa",), "")
ADMIN = User("admin", "admin", (), "")


@pytest.fixture
def store(tmp_path) -> UserStore:
    # 4 rounds: the cheapest bcrypt cost, so the tests stay fast; the format is the same.
    return UserStore(tmp_path / "users.toml", rounds=4)


# --- the users file -----------------------------------------------------------------------------

def test_add_list_authenticate_remove(store):
    store.add_user("canbo.khanhhoa", "uploader", "mat-khau-kh-2026", units=("khanh-hoa",))
    store.add_user("lanhdao", "viewer", "mat-khau-ld-2026")
    assert [(u.username, u.role, u.units) for u in store.list_users()] == [
        ("canbo.khanhhoa", "uploader", ("khanh-hoa",)), ("lanhdao", "viewer", ())]
    found = store.authenticate("canbo.khanhhoa", "mat-khau-kh-2026")
    assert found is not None and found.units == ("khanh-hoa",)
    assert store.authenticate("canbo.khanhhoa", "mat-khau-ld-2026") is None
    assert store.authenticate("nobody", "mat-khau-kh-2026") is None
    assert store.authenticate("lanhdao", "") is None
    store.remove_user("lanhdao")
    assert [u.username for u in store.list_users()] == ["canbo.khanhhoa"]
    assert store.get("lanhdao") is None


def test_file_holds_bcrypt_hashes_never_the_password(store):
    store.add_user("lanhdao", "viewer", "mat-khau-ld-2026")
    text = store.path.read_text(encoding="utf-8")
    assert "mat-khau-ld-2026" not in text
    entry = tomllib.loads(text)["users"]["lanhdao"]
    assert entry["password_hash"].startswith("$2b$")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert "mat-khau" not in repr(store.get("lanhdao"))
    assert [p.name for p in store.path.parent.iterdir()] == ["users.toml"]  # no temp or lock file left


def test_set_password_replaces_the_old_one(store):
    store.add_user("admin2", "admin", "first-password")
    store.set_password("admin2", "second-password")
    assert store.authenticate("admin2", "first-password") is None
    assert store.authenticate("admin2", "second-password").role == "admin"


def test_refusals_when_adding_users(store):
    store.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",))
    with pytest.raises(UserError, match="đã tồn tại"):
        store.add_user("canbo", "viewer", "mat-khau-2026")
    with pytest.raises(UserError, match="72"):
        store.add_user("dai", "viewer", "ồ" * 30)  # 30 characters but 90 bytes
    with pytest.raises(UserError, match="ít nhất"):
        store.add_user("ngan", "viewer", "short")
    with pytest.raises(UserError, match="vai trò|role"):
        store.add_user("la", "boss", "mat-khau-2026")
    with pytest.raises(UserError, match="--unit"):
        store.add_user("khongdonvi", "uploader", "mat-khau-2026")
    with pytest.raises(UserError, match="không hợp lệ"):
        store.add_user("Tên Có Dấu", "viewer", "mat-khau-2026")
    with pytest.raises(UserError, match="Không có người dùng"):
        store.remove_user("ghost")
    assert [u.username for u in store.list_users()] == ["canbo"]
    # an over-long password never authenticates (bcrypt would compare only its first 72 bytes)
    assert store.authenticate("canbo", "mat-khau-2026" + "x" * 80) is None


def test_last_admin_cannot_be_removed(store):
    store.add_user("admin", "admin", "mat-khau-2026")
    with pytest.raises(UserError, match="cuối cùng"):
        store.remove_user("admin")


def test_ensure_admin_creates_once(store):
    password = ensure_admin(store)
    assert password and len(password) >= 16
    assert store.authenticate("admin", password).role == "admin"
    assert ensure_admin(store) is None
    assert len(store.list_users()) == 1


def test_ensure_admin_does_nothing_when_users_exist(store):
    store.add_user("lanhdao", "viewer", "mat-khau-ld-2026")
    assert ensure_admin(store) is None
    assert store.get("admin") is None


def test_broken_users_file_is_a_sentence(store):
    store.path.write_text("[users.x]\nrole = 'god'\n", encoding="utf-8")
    with pytest.raises(UserError, match="không hợp lệ"):
        store.list_users()


# --- period locks and decisions -----------------------------------------------------------------

def test_period_lock_state():
    assert period_lock_state("2026-Q3", TODAY, LOCK) == ("open", dt.date(2026, 10, 30))
    assert period_lock_state(Period(2026, 3), dt.date(2026, 10, 30), LOCK)[0] == "open"
    assert period_lock_state("2026-Q3", dt.date(2026, 10, 31), LOCK)[0] == "locked"
    assert period_lock_state("2026-Q3", dt.date(2026, 9, 30), LOCK)[0] == "not_ended"
    assert period_lock_state("2026-Q4", TODAY, LOCK) == ("not_ended", dt.date(2027, 1, 30))
    assert period_lock_state("2025", TODAY, LOCK) == ("locked", dt.date(2026, 1, 30))
    assert period_lock_state("2025", dt.date(2026, 1, 10), LOCK)[0] == "open"


def test_everyone_can_view_only_admins_manage_users():
    assert can_view(None).allowed and can_view(VIEWER).allowed and can_view(UPLOADER).allowed
    assert can_manage_users(ADMIN).allowed
    assert can_manage_users(UPLOADER).code == "admin_only"
    assert can_manage_users(None).code == "not_signed_in"


def test_upload_allowed_for_own_unit_in_open_period():
    d = can_upload(UPLOADER, "khanh-hoa", "2026-Q3", TODAY, LOCK)
    assert d == Decision(True, "ok", "", "")


@pytest.mark.parametrize("user, unit, period, today, code", [
    (VIEWER, "khanh-hoa", "2026-Q3", TODAY, "role_viewer"),
    (None, "khanh-hoa", "2026-Q3", TODAY, "not_signed_in"),
    (UPLOADER, "lam-dong", "2026-Q3", TODAY, "unit_not_allowed"),
    (UPLOADER, "khanh-hoa", "2026-Q2", TODAY, "period_locked"),
    (UPLOADER, "khanh-hoa", "2026-Q4", TODAY, "period_not_ended"),
    (ADMIN, "khanh-hoa", "2026-Q4", TODAY, "period_not_ended"),
    (ADMIN, "lam-dong", "2026", TODAY, "period_not_ended"),
    (UPLOADER, "khanh-hoa", "Q5/2026", TODAY, "bad_period"),
])
def test_upload_refusals(user, unit, period, today, code):
    d = can_upload(user, unit, period, today, LOCK)
    assert not d.allowed
    assert d.code == code
    assert d.message_vi and d.message_en and d.message_vi != d.message_en


def test_locked_period_message_says_why():
    d = can_upload(UPLOADER, "khanh-hoa", "2026-Q2", TODAY, LOCK)
    assert d.message_vi == (
        "Kỳ Quý II/2026 đã khóa từ 31/07/2026 (kỳ chỉ mở để nộp đến hết 30 ngày sau khi kết thúc quý, "
        "tức ngày 30/07/2026). Chỉ quản trị viên mới được tải lên hoặc rút số liệu của kỳ này.")
    assert "Q2/2026" in d.message_en and "31/07/2026" in d.message_en   # one date style in both languages
    assert "Khánh Hòa" in can_upload(UPLOADER, "lam-dong", "2026-Q3", TODAY, LOCK).message_vi


def test_admin_may_upload_to_a_locked_period_and_any_unit():
    d = can_upload(ADMIN, "lam-dong", "2026-Q2", TODAY, LOCK)
    assert d.allowed and d.code == "admin_override"
    assert "quản trị viên" in d.message_vi
    assert can_upload(ADMIN, "lam-dong", "2026-Q3", TODAY, LOCK).code == "ok"


def test_lock_days_setting_moves_the_lock():
    assert can_upload(UPLOADER, "khanh-hoa", "2026-Q2", TODAY, 120).allowed
    assert not can_upload(UPLOADER, "khanh-hoa", "2026-Q3", TODAY, 10).allowed


@pytest.mark.parametrize("user, unit, period, by, code", [
    (UPLOADER, "khanh-hoa", "2026-Q3", "someone-else", "not_own_submission"),
    (UPLOADER, "khanh-hoa", "2026-Q2", "canbo", "period_locked"),
    (UPLOADER, "lam-dong", "2026-Q3", "canbo", "unit_not_allowed"),
    (VIEWER, "khanh-hoa", "2026-Q3", "lanhdao", "role_viewer"),
    (None, "khanh-hoa", "2026-Q3", "canbo", "not_signed_in"),
])
def test_withdraw_refusals(user, unit, period, by, code):
    d = can_withdraw(user, unit, period, by, TODAY, LOCK)
    assert (d.allowed, d.code) == (False, code)
    assert d.message_vi and d.message_en


def test_withdraw_allowed():
    assert can_withdraw(UPLOADER, "khanh-hoa", "2026-Q3", "canbo", TODAY, LOCK).allowed
    assert can_withdraw(ADMIN, "lam-dong", "2024-Q1", "someone-else", TODAY, LOCK).allowed


# --- python -m tracker user ---------------------------------------------------------------------

def run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_cli_add_list_passwd_remove(empty_env, tmp_path, monkeypatch, capsys):   # the audit rows go to its database
    users = str(tmp_path / "users.toml")
    assert run(monkeypatch, ["user", "add", "canbo", "--role", "uploader", "--unit", "khanh-hoa",
                             "--password-stdin", "--users", users], "mat-khau-2026\n") == 0
    assert run(monkeypatch, ["user", "add", "quantri", "--role", "admin", "--password-stdin", "--users", users],
               "mat-khau-qt-2026\n") == 0
    capsys.readouterr()
    assert run(monkeypatch, ["user", "list", "--users", users]) == 0
    out = capsys.readouterr().out
    assert "canbo" in out and "uploader" in out and "khanh-hoa" in out and "quantri" in out
    assert "$2b$" not in out and "mat-khau" not in out
    store = UserStore(users)
    assert store.authenticate("canbo", "mat-khau-2026") is not None  # trailing newline not part of it

    assert run(monkeypatch, ["user", "passwd", "canbo", "--password-stdin", "--users", users], "mat-khau-moi-2026\n") == 0
    assert store.authenticate("canbo", "mat-khau-moi-2026") is not None
    assert run(monkeypatch, ["user", "remove", "canbo", "--users", users]) == 0
    assert store.get("canbo") is None


def test_cli_refusals_and_usage_errors(empty_env, tmp_path, monkeypatch, capsys):   # the audit rows go to its database
    users = str(tmp_path / "users.toml")
    assert run(monkeypatch, ["user", "add", "x", "--role", "uploader", "--unit", "atlantis",
                             "--password-stdin", "--users", users], "mat-khau-2026\n") == 1
    assert "atlantis" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "add", "x", "--role", "viewer", "--password-stdin", "--users", users], "ngan\n") == 1
    assert run(monkeypatch, ["user", "remove", "ghost", "--users", users]) == 1
    # stdin is not a terminal and no --password-stdin: a usage error, not a hang on getpass
    assert run(monkeypatch, ["user", "add", "x", "--role", "viewer", "--users", users]) == 2
    assert run(monkeypatch, ["user"]) == 2
    with pytest.raises(SystemExit) as stop:
        run(monkeypatch, ["user", "add", "x", "--role", "boss", "--users", users])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not (tmp_path / "users.toml").exists() or UserStore(users).list_users() == []


def test_cli_uses_tracker_users_env(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "env-users.toml"))
    assert run(monkeypatch, ["user", "add", "lanhdao", "--role", "viewer", "--password-stdin"], "mat-khau-ld-2026\n") == 0
    assert UserStore(tmp_path / "env-users.toml").get("lanhdao").role == "viewer"


# --- throttling, sessions, who sees what (issue 13) ---------------------------------------------

from tracker.accounts.permissions import can_download_original, can_see_names

from tracker.accounts.sessions import Session, resume_session, start_session

from tracker.accounts.signin import Gate, MemoryFailureLog, Throttle, ThrottlePolicy, client_address, sign_in

T0 = 1_800_000_000.0  # an injected clock: seconds since the epoch


class Recorder:
    def __init__(self):
        self.rows = []

    def __call__(self, event, username, detail=""):
        self.rows.append((event, username))


def test_backoff_after_five_failures_doubles_the_wait():
    throttle = Throttle(ThrottlePolicy(backoff_after=5, lock_after=10, lock_minutes=15, first_wait_s=2))
    keys = ["user:canbo"]
    for n in range(4):
        assert throttle.failed(keys, T0 + n).code == "ok"
    g = throttle.failed(keys, T0 + 4)                       # the 5th failure
    assert (g.code, g.until) == ("wait", T0 + 4 + 2)
    assert throttle.gate(keys, T0 + 5).code == "wait"       # 1 s later: still waiting
    assert throttle.gate(keys, T0 + 6.5).allowed            # after 2 s: one more try
    assert throttle.failed(keys, T0 + 7).until == T0 + 7 + 4  # the 6th: 4 s


def test_lock_after_ten_failures_for_the_lock_time_and_message_says_how_long():
    throttle = Throttle(ThrottlePolicy(lock_minutes=15))
    keys = ["user:canbo"]
    for n in range(9):
        throttle.failed(keys, T0 + n * 100)
    g = throttle.failed(keys, T0 + 900)
    assert g.code == "locked" and g.until == T0 + 900 + 15 * 60
    assert throttle.gate(keys, T0 + 900 + 14 * 60).code == "locked"
    msg = throttle.gate(keys, T0 + 900 + 60).message("vi", T0 + 900 + 60)
    assert "tạm khóa đăng nhập 15 phút" in msg and "thử lại sau 14 phút" in msg and "user unlock" in msg
    assert "try again in 14 min" in g.message("en", T0 + 900 + 60)
    assert throttle.gate(keys, T0 + 900 + 15 * 60 + 1).allowed  # the lock ends by itself


def test_success_clears_the_account_but_not_the_client():
    throttle = Throttle(ThrottlePolicy(backoff_after=2, lock_after=3))
    throttle.failed(["user:a", "client:10.0.0.9"], T0)
    throttle.failed(["user:a", "client:10.0.0.9"], T0 + 1)
    throttle.succeeded("user:a")
    assert throttle.gate(["user:a"], T0 + 1.5).allowed
    assert throttle.gate(["user:b", "client:10.0.0.9"], T0 + 1.5).code == "wait"


def test_failure_log_is_bounded():
    log = MemoryFailureLog(max_keys=3)
    for i in range(5):
        log.put(f"user:x{i}", 1, T0)
    assert log.get("user:x0") == (0, 0.0) and log.get("user:x4") == (1, T0)


def test_sign_in_locks_after_ten_and_refuses_the_right_password_during_the_lock(store):
    store.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",))
    throttle, audit = Throttle(ThrottlePolicy(first_wait_s=0.5)), Recorder()
    now = T0
    for n in range(10):
        now += 60  # past any backoff wait
        assert sign_in(store, throttle, "canbo", "sai-mat-khau", now=now, audit=audit).code == "failed"
    assert audit.rows.count(("signin_failed", "canbo")) == 10 and ("signin_locked", "canbo") in audit.rows
    locked = sign_in(store, throttle, "canbo", "mat-khau-2026", now=now + 60, audit=audit)
    assert (locked.code, locked.user) == ("locked", None)
    assert "thử lại sau 14 phút" in locked.message("vi")
    # an admin lifts the lock: failures before it are forgiven, and the right password works
    store.unlock("canbo", now=dt.datetime.fromtimestamp(now + 61, dt.UTC))
    ok = sign_in(store, throttle, "canbo", "mat-khau-2026", now=now + 63, audit=audit)
    assert ok.ok and ok.user.username == "canbo" and audit.rows[-1] == ("signin_ok", "canbo")


def test_gate_refusals_cost_no_password_check(store, monkeypatch):
    store.add_user("canbo", "viewer", "mat-khau-2026")
    throttle = Throttle(ThrottlePolicy(backoff_after=1, lock_after=2))
    sign_in(store, throttle, "canbo", "sai-mat-khau", now=T0)
    calls = []
    monkeypatch.setattr("bcrypt.checkpw", lambda *a: calls.append(a) or True)
    assert sign_in(store, throttle, "canbo", "mat-khau-2026", now=T0 + 0.5).code == "wait"
    assert calls == []


def test_unknown_users_are_throttled_like_real_ones(store):
    throttle = Throttle(ThrottlePolicy(backoff_after=5, lock_after=10))
    for n in range(10):
        sign_in(store, throttle, "khong-co", "sai-mat-khau", now=T0 + n * 60)
    assert sign_in(store, throttle, "khong-co", "x", now=T0 + 601).code == "locked"


def test_the_dummy_hash_for_unknown_users_is_built_once(tmp_path, monkeypatch):
    import bcrypt

    from tracker.accounts import users
    users._dummy_hash.cache_clear()
    built = []
    real = bcrypt.hashpw
    monkeypatch.setattr("bcrypt.hashpw", lambda pw, salt: built.append(pw) or real(pw, salt))
    # a new UserStore per page run, as the dashboard makes: still one dummy hash
    for _ in range(3):
        assert UserStore(tmp_path / "users.toml", rounds=4).authenticate("khong-co", "mat-khau-2026") is None
    assert built == [b"not a real password"]


def test_disabled_account_cannot_sign_in_and_the_reason_is_only_given_after_the_right_password(store):
    store.add_user("quantri", "admin", "mat-khau-qt-2026")
    store.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",))
    store.set_disabled("canbo", True)
    throttle = Throttle()
    assert sign_in(store, throttle, "canbo", "sai-mat-khau", now=T0).code == "failed"
    assert sign_in(store, throttle, "canbo", "mat-khau-2026", now=T0 + 1).code == "disabled"
    store.set_disabled("canbo", False)
    assert sign_in(store, throttle, "canbo", "mat-khau-2026", now=T0 + 2).ok
    with pytest.raises(UserError, match="cuối cùng"):
        store.set_disabled("quantri", True)


def test_sessions_end_when_the_account_is_removed_disabled_or_repassworded(store):
    store.add_user("quantri", "admin", "mat-khau-qt-2026")
    for change, code in [(lambda: store.remove_user("canbo"), "removed"),
                         (lambda: store.set_disabled("canbo", True), "disabled"),
                         (lambda: store.set_password("canbo", "mat-khau-moi-2026"), "password_changed")]:
        store.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",)) if not store.get("canbo") else None
        if store.get("canbo").disabled:
            store.set_disabled("canbo", False)
        session = start_session(store.get("canbo"), now=T0)
        assert resume_session(session, store, now=T0 + 1)[2] == "ok"
        change()
        user, renewed, got = resume_session(session, store, now=T0 + 2)
        assert (user, renewed, got) == (None, None, code)


def test_role_and_units_are_read_fresh_on_every_run(store):
    store.add_user("quantri", "admin", "mat-khau-qt-2026")
    store.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",))
    session = start_session(store.get("canbo"), now=T0)
    # the file is changed by hand (or by a future `user edit`): the session sees the new units
    text = store.path.read_text(encoding="utf-8").replace('units = ["khanh-hoa"]', 'units = ["lam-dong"]')
    store.path.write_text(text, encoding="utf-8")
    user, _, code = resume_session(session, store, now=T0 + 1)
    assert code == "ok" and user.units == ("lam-dong",)


def test_idle_timeout_with_an_injected_clock(store):
    store.add_user("canbo", "viewer", "mat-khau-2026")
    session = start_session(store.get("canbo"), now=T0)
    user, renewed, code = resume_session(session, store, now=T0 + 59 * 60, idle_minutes=60)
    assert code == "ok" and renewed.last_seen == T0 + 59 * 60
    # activity moves the deadline: 59 minutes after the last click is still fine
    assert resume_session(renewed, store, now=T0 + 118 * 60, idle_minutes=60)[2] == "ok"
    assert resume_session(renewed, store, now=T0 + 119 * 60 + 1, idle_minutes=60)[2] == "idle"
    assert resume_session(session, store, now=T0 + 10 * 86400, idle_minutes=0)[2] == "ok"  # 0: never
    assert resume_session(None, store, now=T0)[2] == "anonymous"


def test_users_file_is_reread_when_it_changes(store):
    store.add_user("canbo", "viewer", "mat-khau-2026")
    store.add_user("quantri", "admin", "mat-khau-qt-2026")
    assert store.get("canbo") is not None  # parsed and kept
    UserStore(store.path, rounds=4).remove_user("canbo")  # as the command line would, beside the dashboard
    assert store.get("canbo") is None and store.get("quantri").role == "admin"


def test_unlock_and_disable_survive_in_the_users_file(store):
    store.add_user("quantri", "admin", "mat-khau-qt-2026")
    store.add_user("canbo", "viewer", "mat-khau-2026")
    store.set_disabled("canbo", True)
    store.unlock("canbo", now=dt.datetime(2026, 11, 29, 0, 10, tzinfo=dt.UTC))
    UserStore._parsed.clear()
    again = UserStore(store.path).get("canbo")
    assert again.disabled and again.epoch == 1
    assert again.unlocked_at == dt.datetime(2026, 11, 29, 0, 10, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("peer, forwarded, trusted, expected", [
    ("203.0.113.5", None, (), None),                                 # no proxies configured: per account only
    ("203.0.113.5", "198.51.100.1", ("127.0.0.1",), "203.0.113.5"),  # not from the proxy: the header is ignored
    (None, "198.51.100.7", ("127.0.0.1",), "198.51.100.7"),          # loopback proxy (Streamlit says None)
    (None, "6.6.6.6, 198.51.100.7", ("127.0.0.1",), "198.51.100.7"),  # the client's own left part is not believed
    ("10.0.0.2", "198.51.100.7, 10.0.0.3", ("10.0.0.0/8",), "198.51.100.7"),
    (None, "not-an-ip", ("127.0.0.1",), "127.0.0.1"),
])
def test_client_address(peer, forwarded, trusted, expected):
    assert client_address(peer, forwarded, trusted) == expected


def test_who_sees_names_and_original_files():
    assert not can_see_names(None)
    assert can_see_names(VIEWER) and can_see_names(UPLOADER) and can_see_names(ADMIN)
    assert can_download_original(None, "khanh-hoa").code == "not_signed_in"
    assert can_download_original(UPLOADER, "khanh-hoa").allowed
    assert can_download_original(UPLOADER, "lam-dong").code == "original_not_allowed"
    assert can_download_original(VIEWER, "khanh-hoa").code == "original_not_allowed"
    assert can_download_original(ADMIN, "*").allowed and not can_download_original(UPLOADER, "*").allowed


def test_change_own_password_checks_the_current_one_through_the_throttle(store):
    from tracker.accounts.signin import change_own_password

    store.add_user("canbo", "viewer", "mat-khau-2026")
    throttle, audit = Throttle(ThrottlePolicy(backoff_after=2, lock_after=3)), Recorder()
    d, user = change_own_password(store, throttle, "canbo", "mat-khau-2026", "moi-2026-abc", "moi-2026-xyz", now=T0)
    assert (d.code, user) == ("passwords_differ", None)
    d, user = change_own_password(store, throttle, "canbo", "sai", "moi-2026-abc", "moi-2026-abc", now=T0, audit=audit)
    assert (d.allowed, d.code) == (False, "failed")
    d, user = change_own_password(store, throttle, "canbo", "mat-khau-2026", "ngan", "ngan", now=T0 + 60)
    assert d.code == "bad_password" and "ít nhất" in d.message_vi
    d, user = change_own_password(store, throttle, "canbo", "mat-khau-2026", "moi-2026-abc", "moi-2026-abc",
                                  now=T0 + 120, audit=audit)
    assert d.allowed and user.epoch == 1 and ("user_passwd", "canbo") in audit.rows
    assert store.authenticate("canbo", "moi-2026-abc") is not None and store.authenticate("canbo", "mat-khau-2026") is None


# --- issue 19 item 7: nobody keeps an account locked for others; item 14: NFC passwords -------------------

def test_an_attack_from_one_client_never_makes_another_wait(store):
    """A bounded attack loop: wrong passwords every half second for five minutes from one address keep
    that address waiting and locked; the account's owner at another address, and a browser holding a
    valid session of the account at the attacker's own address, sign in at every try."""
    store.add_user("quantri2", "admin", "mat-khau-qt-2026")
    throttle = Throttle(ThrottlePolicy(backoff_after=5, lock_after=10, lock_minutes=15, first_wait_s=2))
    refused_attacker = owner_ok = device_ok = 0
    for n in range(600):                                      # 600 × 0,5 s = 5 minutes
        now = T0 + n * 0.5
        attempt = sign_in(store, throttle, "quantri2", "doan-mo-%d" % n, client="198.51.100.7",
                          client_trusted=True, now=now)
        refused_attacker += attempt.code in ("wait", "locked")
        if n % 20 == 10:                                      # the owner tries every 10 s: 30 tries
            owner_ok += sign_in(store, throttle, "quantri2", "mat-khau-qt-2026", client="203.0.113.9",
                                client_trusted=True, now=now + 0.1).ok
            device_ok += sign_in(store, throttle, "quantri2", "mat-khau-qt-2026", client="198.51.100.7",
                                 client_trusted=True, device="phien-1", now=now + 0.2).ok
    assert refused_attacker > 550
    assert (owner_ok, device_ok) == (30, 30)
    # the attacker's address is locked for every account it tries, the owner's for none
    assert sign_in(store, throttle, "khac", "x", client="198.51.100.7", client_trusted=True, now=T0 + 301).code == "locked"
    assert throttle.gate(["user:quantri2|client:203.0.113.9", "client:203.0.113.9"], T0 + 301).allowed


def test_without_a_known_client_the_account_is_throttled_but_a_known_device_is_not(store):
    store.add_user("canbo9", "uploader", "mat-khau-c9-2026", units=("khanh-hoa",))
    throttle = Throttle(ThrottlePolicy(backoff_after=2, lock_after=3))
    for n in range(3):
        sign_in(store, throttle, "canbo9", "sai-mat-khau", now=T0 + n * 10)
    assert sign_in(store, throttle, "canbo9", "mat-khau-c9-2026", now=T0 + 40).code == "locked"
    assert sign_in(store, throttle, "canbo9", "mat-khau-c9-2026", device="phien-2", now=T0 + 50).ok
    # a peer address read without a trusted proxy counts per (account, address), never per address alone
    for n in range(3):
        sign_in(store, throttle, "a", "sai-mat-khau", client="192.0.2.1", now=T0 + n * 10)
    assert sign_in(store, throttle, "a", "x", client="192.0.2.1", now=T0 + 40).code == "locked"
    assert sign_in(store, throttle, "canbo9", "mat-khau-c9-2026", client="192.0.2.1", now=T0 + 60).ok


def test_a_password_set_in_nfc_works_typed_in_nfd(store):
    import unicodedata

    password = "Mật khẩu đúng 2026"
    store.add_user("canbo.nfc", "viewer", unicodedata.normalize("NFC", password))
    assert store.authenticate("canbo.nfc", unicodedata.normalize("NFD", password)) is not None
    store.add_user("canbo.nfd", "viewer", unicodedata.normalize("NFD", password))
    assert store.authenticate("canbo.nfd", unicodedata.normalize("NFC", password)) is not None
    assert store.authenticate("canbo.nfd", "Mat khau dung 2026") is None
