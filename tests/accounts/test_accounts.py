"""Accounts (issue 21): roles and scope, the one module that decides account changes (and audits them,
and ends web sessions), the `user` command that calls it, audit filters, and the public_pages setting."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tracker.accounts.permissions import home_units, may_see_pages, may_upload, visible_units

from tracker.accounts.users import User, UserError, UserStore, check_scope
from tracker.accounts import AccountDesk
from tracker.accounts.audit import AuditFilter, filter_entries, kind_of
from tracker.cli import main
from tracker.accounts.sessions import SessionStore
from tracker.core.settings import Settings, SettingsError, load_settings
from tracker.storage import AuditEntry
from tracker.storage import Store

UNITS = ("bac-ninh", "khanh-hoa", "lam-dong")


@pytest.fixture
def users(tmp_path) -> UserStore:
    return UserStore(tmp_path / "users.toml", rounds=4)


@pytest.fixture
def store(tmp_path):
    with Store(str(tmp_path / "t.duckdb")) as s:
        yield s


def desk(users, store, actor="quantri") -> AccountDesk:
    return AccountDesk.for_store(users, store, actor=actor, known_units=UNITS)


# --- roles and scope ----------------------------------------------------------------------------

def test_scope_rules_per_role():
    assert check_scope("viewer", ()) == ((), None)
    assert check_scope("viewer", ("bac-ninh",)) == (("bac-ninh",), None)
    assert check_scope("uploader", ("khanh-hoa", "khanh-hoa"), "so-khcn") == (("khanh-hoa",), "so-khcn")
    assert check_scope("approver", ("khanh-hoa",)) == (("khanh-hoa",), None)
    for role, units, agency, words in (("uploader", (), None, "--unit"), ("approver", (), None, "--unit"),
                                       ("admin", ("khanh-hoa",), None, "--unit"), ("boss", (), None, "role"),
                                       ("uploader", ("khanh-hoa",), "Sở KH&CN", "so-khcn"),
                                       ("viewer", ("khanh-hoa",), "so-khcn", "--agency")):
        with pytest.raises(UserError, match=words):
            check_scope(role, units, agency)


def test_agency_and_viewer_units_survive_the_users_file(users):
    users.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",), agency="so-khcn")
    users.add_user("lanhdao.bn", "viewer", "mat-khau-2026", units=("bac-ninh",))
    fresh = UserStore(users.path)
    assert fresh.get("canbo").agency == "so-khcn" and fresh.get("lanhdao.bn").units == ("bac-ninh",)
    assert fresh.get("lanhdao.bn").agency is None


def test_permissions():
    admin = User("qt", "admin")
    kh = User("canbo", "uploader", ("khanh-hoa",))
    kh_sokhcn = User("canbo.khcn", "uploader", ("khanh-hoa",), agency="so-khcn")
    approver = User("duyet", "approver", ("khanh-hoa",))
    viewer = User("xem", "viewer", ("bac-ninh",))
    assert may_upload(admin, "bac-ninh").allowed and may_upload(kh, "khanh-hoa").allowed
    assert may_upload(kh, "bac-ninh").code == "unit_not_allowed"
    assert may_upload(kh_sokhcn, "khanh-hoa", "so-khcn").allowed
    assert may_upload(kh_sokhcn, "khanh-hoa", "so-tc").code == "agency_not_allowed"
    assert may_upload(kh_sokhcn, "khanh-hoa", None).code == "agency_not_allowed"   # not the whole unit's form
    assert may_upload(approver, "khanh-hoa").code == "role_approver"
    assert may_upload(viewer, "bac-ninh").code == "role_viewer" and may_upload(None, "bac-ninh").code == "not_signed_in"


def test_visible_units_follow_public_pages():
    open_, internal = Settings(public_pages="all"), Settings(public_pages="none")
    viewer = User("xem", "viewer", ("bac-ninh",))
    assert visible_units(None, UNITS, open_) == list(UNITS) and visible_units(viewer, UNITS, open_) == list(UNITS)
    assert visible_units(None, UNITS, internal) == []
    assert visible_units(viewer, UNITS, internal) == ["bac-ninh"]
    assert visible_units(User("xem2", "viewer"), UNITS, internal) == list(UNITS)
    assert visible_units(User("canbo", "uploader", ("khanh-hoa",)), UNITS, internal) == list(UNITS)
    assert may_see_pages(None, open_) and not may_see_pages(None, internal) and may_see_pages(viewer, internal)
    assert home_units(viewer, UNITS) == ["bac-ninh"] and home_units(None, UNITS) == []
    merged = lambda units: set(units) | ({"bac-giang"} if "bac-ninh" in units else set())   # noqa: E731
    assert visible_units(viewer, ("bac-giang", "khanh-hoa", "bac-ninh"), internal, merged) == ["bac-giang", "bac-ninh"]
    assert home_units(viewer, ("bac-giang", "khanh-hoa", "bac-ninh"), merged) == ["bac-ninh", "bac-giang"]


def test_public_pages_setting(tmp_path):
    assert load_settings(_settings(tmp_path, "")).public_pages == "all"
    assert load_settings(_settings(tmp_path, 'public_pages = "none"\n')).public_pages == "none"
    with pytest.raises(SettingsError, match="public_pages"):
        load_settings(_settings(tmp_path, 'public_pages = "some"\n'))


def _settings(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- one module decides every change -------------------------------------------------------------

def test_add_with_a_generated_password_shown_once_and_audited(users, store):
    result = desk(users, store).add("lanhdao.bn", "viewer", units=("bac-ninh",))
    assert result.ok and result.password and len(result.password) >= 16
    assert users.authenticate("lanhdao.bn", result.password).units == ("bac-ninh",)
    log = store.audit_log()
    assert [(e.event, e.username) for e in log] == [("user_add", "lanhdao.bn")]
    assert "viewer bac-ninh" in log[0].detail and "quantri" in log[0].detail and result.password not in log[0].detail
    assert result.password not in users.path.read_text()
    typed = desk(users, store).add("canbo", "uploader", units=("khanh-hoa",), agency="so-khcn", password="mat-khau-2026")
    assert typed.ok and typed.password is None and users.get("canbo").agency == "so-khcn"


def test_refusals_are_values_naming_the_account(users, store):
    d = desk(users, store)
    assert d.add("canbo", "uploader", password="mat-khau-2026").code == "refused"        # no unit
    assert d.add("canbo", "uploader", units=("atlantis",)).code == "unknown_unit"
    assert d.add("Tên Có Dấu", "viewer").code == "bad_name"
    assert d.add("x", "viewer", password="ngan").code == "refused"
    assert d.add("qt2", "admin").ok
    assert d.add("qt2", "viewer").code == "exists"
    assert d.set_scope("ghost", role="viewer").code == "no_such_user"
    assert not d.remove("ghost").ok and "ghost" in d.remove("ghost").message("vi")
    assert [e.event for e in store.audit_log()] == ["user_add"]    # refusals change nothing and log nothing


def test_last_admin_and_own_account_rules(users, store):
    users.add_user("quantri", "admin", "mat-khau-2026")
    other = desk(users, store, actor="local:root")
    assert other.remove("quantri").code == "refused" and "cuối cùng" in other.remove("quantri").message_vi
    assert other.set_disabled("quantri", True).code == "refused"
    assert other.set_scope("quantri", role="viewer").code == "refused"
    assert users.get("quantri").role == "admin"
    other.add("quantri2", "admin", password="mat-khau-2026")
    me = desk(users, store, actor="quantri")
    assert me.remove("quantri").code == "own_account" and me.set_disabled("quantri", True).code == "own_account"
    assert me.set_scope("quantri", role="viewer").code == "own_role"
    assert me.set_scope("quantri2", role="approver", units=("lam-dong",)).ok   # another admin remains


def test_role_units_agency_changes_are_audited_each(users, store):
    users.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",))
    d = desk(users, store)
    assert d.set_scope("canbo", agency="so-khcn").ok
    assert d.set_scope("canbo", units=("khanh-hoa", "lam-dong")).ok
    changed = d.set_scope("canbo", role="approver")          # the agency goes with the uploader role
    assert changed.ok and changed.user.agency is None and changed.user.units == ("khanh-hoa", "lam-dong")
    assert d.set_scope("canbo", role="admin").user.units == ()
    assert [e.event for e in reversed(store.audit_log())] == [
        "user_agency", "user_units", "user_role", "user_agency", "user_role", "user_units"]
    assert d.set_scope("canbo", role="admin").code == "unchanged"


def test_disable_remove_and_reset_end_the_accounts_web_sessions(users, store):
    users.add_user("canbo", "uploader", "mat-khau-2026", units=("khanh-hoa",))
    web = SessionStore(store)

    def open_session():
        user = users.get("canbo")
        session_id, bind = web.begin("canbo", user.epoch, account=user.uid)
        token = web.bind(bind)
        assert web.find(token) is not None
        return token

    d = desk(users, store)
    token = open_session()
    assert d.set_disabled("canbo", True).sessions_ended == 1 and web.find(token) is None
    assert d.set_disabled("canbo", False).ok
    token = open_session()
    reset = d.reset_password("canbo")
    assert reset.sessions_ended == 1 and web.find(token) is None and users.authenticate("canbo", reset.password)
    assert d.unlock("canbo").ok and users.get("canbo").unlocked_at is not None
    token = open_session()
    assert d.remove("canbo").sessions_ended == 1 and web.find(token) is None
    assert [e.event for e in reversed(store.audit_log())] == [
        "user_disable", "user_enable", "user_passwd", "user_unlock", "user_remove"]


# --- the command line calls the same module ----------------------------------------------------

def run(monkeypatch, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_cli_viewer_and_approver_units_agency_set_and_generated_password(empty_env, monkeypatch, capsys):
    users = UserStore(empty_env["TRACKER_USERS"])
    assert run(monkeypatch, ["user", "add", "lanhdao.bn", "--role", "viewer", "--unit", "bac-ninh",
                             "--generate-password"]) == 0
    out = capsys.readouterr().out
    password = out.split("(shown once): ")[1].split()[0]
    assert users.authenticate("lanhdao.bn", password).units == ("bac-ninh",)
    assert run(monkeypatch, ["user", "add", "duyet.kh", "--role", "approver", "--unit", "khanh-hoa",
                             "--password-stdin"], "mat-khau-2026\n") == 0
    assert run(monkeypatch, ["user", "add", "canbo.khcn", "--role", "uploader", "--unit", "khanh-hoa",
                             "--agency", "so-khcn", "--password-stdin"], "mat-khau-2026\n") == 0
    assert users.get("canbo.khcn").agency == "so-khcn" and users.get("duyet.kh").role == "approver"
    assert run(monkeypatch, ["user", "add", "duyet2", "--role", "approver", "--password-stdin"], "mat-khau-2026\n") == 1
    assert "--unit" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "set", "canbo.khcn", "--no-agency", "--unit", "lam-dong"]) == 0
    assert users.get("canbo.khcn").agency is None and users.get("canbo.khcn").units == ("lam-dong",)
    assert run(monkeypatch, ["user", "set", "canbo.khcn", "--unit", "atlantis"]) == 1
    assert "atlantis" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "set", "canbo.khcn"]) == 2
    capsys.readouterr()
    assert run(monkeypatch, ["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "approver" in listing and "bac-ninh" in listing
    with Store(empty_env["TRACKER_DB"]) as s:
        assert [e.event for e in reversed(s.audit_log())] == ["user_add", "user_add", "user_add", "user_units", "user_agency"]


# --- audit filters ------------------------------------------------------------------------------

def _entry(i, event, who="quantri", detail="", day=1):
    return AuditEntry(i, dt.datetime(2026, 7, day, 9, 0), who, event, detail)


def test_audit_filters_who_kind_unit_dates():
    entries = [_entry(1, "upload", "canbo", "#7 khanh-hoa 2026-Q2 f.xlsx", 1),
               _entry(2, "approve", "duyet", "#7", 2),
               _entry(3, "return", "duyet", "#8: thiếu số liệu", 3),
               _entry(4, "golive", detail="3 lần nộp minh họa", day=4),
               _entry(5, "programme_create", detail="khanh-hoa.ct-12-2025: khanh-hoa.ct-12-2025.dn", day=5),
               _entry(6, "user_add", detail="viewer bac-ninh — bởi / by quantri", day=6),
               _entry(7, "backup", detail="/srv/bk", day=7)]
    units = {7: "khanh-hoa", 8: "lam-dong"}
    ids = lambda f: [e.id for e in filter_entries(entries, f, units)]   # noqa: E731
    assert ids(AuditFilter()) == [1, 2, 3, 4, 5, 6, 7]
    assert ids(AuditFilter(who="DUYET")) == [2, 3]
    assert ids(AuditFilter(kinds=("approval",))) == [2, 3]
    assert ids(AuditFilter(kinds=("golive", "programme"))) == [4, 5]
    assert ids(AuditFilter(kinds=("other",))) == [7]
    assert ids(AuditFilter(unit="khanh-hoa")) == [1, 2, 5]           # the upload, its approval, the programme
    assert ids(AuditFilter(unit="lam-dong")) == [3]
    assert ids(AuditFilter(unit="bac-ninh")) == [6]
    assert ids(AuditFilter(date_from=dt.date(2026, 7, 3), date_to=dt.date(2026, 7, 5))) == [3, 4, 5]
    assert AuditFilter(date_from=dt.date(2026, 7, 5), date_to=dt.date(2026, 7, 3)).problem() is not None
    assert ids(AuditFilter(date_from=dt.date(2026, 7, 5), date_to=dt.date(2026, 7, 3))) == []
    assert kind_of("something_new") == "other"
