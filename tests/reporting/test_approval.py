"""Approval (issue 21) in the store, on both engines, and tracker.reporting.approval's rules: submitted → approved
or returned, only approved figures current (every read path, the snapshot too), pending rows apart,
the demo rule, the four-eyes rule, and a database of the previous version opening with every
submission approved."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from tracker.reporting import approval
from tracker.accounts.users import User
from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm
from tracker.storage import schema
from tracker.storage import Store

T0 = dt.datetime(2026, 10, 1, 8, 0)
KH = "khanh-hoa"


def form(content: bytes, values: dict[str, float], unit: str = KH, period: str = "2026-Q3", tasks=()) -> ParsedForm:
    return ParsedForm(f"{unit}_{period}.xlsx", hashlib.sha256(content).hexdigest(), unit, period,
                      observations=[Observation(i, unit, period, v) for i, v in values.items()],
                      milestones=[MilestoneUpdate(i, unit, period, "done", dt.date(2026, 9, 1)) for i in tasks])


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    target = request.getfixturevalue("pg_url") if request.param == "postgresql" else tmp_path / "db" / "tracker.duckdb"
    with Store(target) as s:
        yield s


def current(store, unit=KH) -> dict:
    frame = store.current_observations(units=[unit])
    return dict(zip(frame["indicator_id"], frame["value"]))


def fast(store, unit=KH) -> dict:
    frame = store.current_values([unit])
    return dict(zip(frame["indicator_id"], frame["value"]))


def test_a_submitted_upload_is_pending_until_approved(store):
    store.commit(form(b"one", {"a": 1.0}), b"one", user="clerk", now=T0)                        # approval off: current
    sub = store.commit(form(b"two", {"a": 2.0, "b": 5.0}, tasks=["t"]), b"two", user="clerk", now=T0 + dt.timedelta(1),
                       approval="submitted")
    assert current(store) == fast(store) == {"a": 1.0}
    assert store.current_milestones([KH]).empty
    assert store.previous_values(KH, "2026-Q4") == {"a": 1.0}
    pending = store.pending_observations([KH])
    assert sorted(zip(pending["indicator_id"], pending["value"])) == [("a", 2.0), ("b", 5.0)]
    assert list(store.pending_milestones([KH])["indicator_id"]) == ["t"]
    assert [s.id for s in store.pending_submissions([KH])] == [sub.submission_id]
    assert store.pending_submissions(["bac-ninh"]) == []
    waiting = store.submission(sub.submission_id)
    assert (waiting.approval, waiting.decided_by, waiting.agency) == ("submitted", None, None)

    token = store.last_change()
    done = store.decide(sub.submission_id, "approved", user="boss", now=T0 + dt.timedelta(2))
    assert (done.approval, done.decided_by, done.decided_at) == ("approved", "boss", T0 + dt.timedelta(2))
    assert store.last_change() != token                          # a decision is a change (snapshots follow)
    assert current(store) == fast(store) == {"a": 2.0, "b": 5.0}
    assert list(store.current_milestones([KH])["indicator_id"]) == ["t"]
    assert store.pending_observations().empty and store.pending_submissions() == []
    assert [e.event for e in store.audit_log()][:1] == ["approve"]
    with pytest.raises(ValueError, match="đã được duyệt"):   # only once, only from 'submitted'
        store.decide(sub.submission_id, "returned", user="boss", reason="sai")


def test_a_returned_upload_is_never_current_and_keeps_its_reason(store):
    sub = store.commit(form(b"r", {"a": 9.0}), b"r", user="clerk", approval="submitted")
    with pytest.raises(ValueError, match="lý do"):
        store.decide(sub.submission_id, "returned", user="boss", reason="  ")
    back = store.decide(sub.submission_id, "returned", user="boss", reason="Số liệu quý II bị nhập nhầm")
    assert (back.approval, back.decision_reason) == ("returned", "Số liệu quý II bị nhập nhầm")
    assert current(store) == fast(store) == {} and store.pending_observations().empty
    assert store.reported_periods() == {}
    entry = store.audit_log()[0]
    assert (entry.event, entry.username) == ("return", "boss") and "nhập nhầm" in entry.detail
    # The same file may be sent again after a return: a new submission, waiting again.
    again = store.commit(form(b"r", {"a": 9.0}), b"r", user="clerk", approval="submitted")
    assert not again.duplicate and again.submission_id != sub.submission_id
    with pytest.raises(ValueError, match="approval"):
        store.commit(form(b"x", {"a": 1.0}), b"x", user="clerk", approval="maybe")


def test_a_withdrawn_pending_submission_cannot_be_decided(store):
    sub = store.commit(form(b"w", {"a": 1.0}), b"w", user="clerk", approval="submitted")
    store.withdraw(sub.submission_id, user="clerk", reason="nhầm tệp")
    assert store.pending_observations().empty and store.pending_submissions() == []
    with pytest.raises(ValueError, match="rút"):
        store.decide(sub.submission_id, "approved", user="boss")


def test_only_an_approved_real_submission_hides_the_demo_values(store):
    store.commit(form(b"demo", {"a": 1.0}), b"demo", user="demo", is_demo=True)
    assert store.demo_units() == {KH}
    pending = store.commit(form(b"real", {"a": 2.0}), b"real", user="clerk", approval="submitted")
    assert store.demo_units() == {KH} and current(store) == fast(store) == {"a": 1.0}   # pending: demo still shown
    returned = store.commit(form(b"real2", {"a": 3.0}), b"real2", user="clerk", approval="submitted")
    store.decide(returned.submission_id, "returned", user="boss", reason="sai")
    assert store.demo_units() == {KH}
    store.decide(pending.submission_id, "approved", user="boss")
    assert store.demo_units() == set() and current(store) == {"a": 2.0}
    store.withdraw(pending.submission_id, user="boss", reason="rút")            # withdrawn later: demo stays out
    assert store.demo_units() == set() and current(store) == fast(store) == {}


def test_the_snapshot_follows_a_decision_on_an_older_submission(store):
    from tracker.catalogue import load_catalogue
    from tracker.assess.snapshot import build_snapshot

    cat = load_catalogue()
    ind = next(i for i in cat.indicators_for(KH) if i.kind == "stock" and i.target and i.target.value is not None)
    today = dt.date(2026, 12, 1)
    pending = store.commit(form(b"p", {ind.id: 5.0}), b"p", user="clerk", approval="submitted")
    store.commit(form(b"other", {ind.id: 7.0}, unit="bac-ninh"), b"other", user="clerk")
    first = build_snapshot(store, cat, today)
    assert not any(a.indicator_id == ind.id and a.latest_value is not None for a in first.results[KH]["numeric"])
    store.decide(pending.submission_id, "approved", user="boss")
    again = build_snapshot(store, cat, today, previous=first)
    full = build_snapshot(store, cat, today)
    assert again.token == full.token and again.results[KH] == full.results[KH]
    assert any(a.indicator_id == ind.id and a.latest_value == 5.0 for a in again.results[KH]["numeric"])


# --- a database of the previous version -----------------------------------------------------------

def _old_database(cur, engine: str) -> None:
    """The schema as the version before issue 21 left it, with one submission and its value."""
    steps = schema.migrations(engine)[:-1]
    cur.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
    for version, statements in enumerate(steps, 1):
        for statement in statements:
            cur.execute(statement)
        cur.execute(f"INSERT INTO schema_version VALUES ({version}, TIMESTAMP '2026-01-01 00:00:00')")
    cur.execute("""INSERT INTO submissions (file_name, sha256, archive_name, uploaded_by, uploaded_at, unit, period,
                   form_version, observation_count, milestone_count, report_json, is_demo)
                   VALUES ('old.xlsx', 'ab', 'ab.xlsx', 'clerk', TIMESTAMP '2026-10-01 08:00:00', 'khanh-hoa', '2026-Q3',
                   '2', 1, 0, '{}', false)""")
    cur.execute("""INSERT INTO observations (submission_id, indicator_id, unit, period, period_key, sector, value, note,
                   source, recorded_at) VALUES (1, 'a', 'khanh-hoa', '2026-Q3', 20263, '', 4.0, '', '',
                   TIMESTAMP '2026-10-01 08:00:00')""")


def test_a_duckdb_file_of_the_previous_version_opens_with_every_submission_approved(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    _old_database(con, schema.DUCKDB)
    con.close()
    with Store(path) as store:
        assert store.schema_version == len(schema.migrations(schema.DUCKDB)) == 7
        old = store.submission(1)
        assert (old.approval, old.decided_by, old.agency) == ("approved", None, None)
        assert current(store) == fast(store) == {"a": 4.0}


def test_a_postgresql_database_of_the_previous_version_opens_with_every_submission_approved(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as con, con.cursor() as cur:
        _old_database(cur, schema.POSTGRES)
    with Store(pg_url) as store:
        assert store.schema_version == len(schema.migrations(schema.POSTGRES)) == 8
        assert store.submission(1).approval == "approved"
        assert current(store) == fast(store) == {"a": 4.0}


# --- who may decide (tracker.reporting.approval) ------------------------------------------------------------

def _pending(store, by="clerk", unit=KH, content=b"f"):
    sub = store.commit(form(content, {"a": 1.0}, unit=unit), content, user=by, approval="submitted")
    return store.submission(sub.submission_id)


def test_initial_state_follows_the_setting_and_demo_data_is_approved():
    from tracker.core.settings import Settings

    assert approval.initial_state(Settings()) == "submitted"
    assert approval.initial_state(Settings(approval=False)) == "approved"
    assert approval.initial_state(Settings(), is_demo=True) == "approved"


def test_the_four_eyes_rule(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        sub = _pending(store)
        approver = User("duyet", "approver", (KH,))
        other = User("duyet2", "approver", ("bac-ninh",))
        admin = User("admin", "admin")
        assert approval.may_decide(approver, sub, admins=1).code == "ok"
        assert approval.may_decide(other, sub, admins=1).code == "other_unit"
        assert approval.may_decide(User("clerk", "uploader", (KH,)), sub, admins=1).code == "not_approver"
        assert approval.may_decide(None, sub, admins=1).code == "not_signed_in"
        own = _pending(store, by="duyet", content=b"own")
        refused = approval.may_decide(approver, own, admins=1)
        assert (refused.allowed, refused.code) == (False, "own_submission") and "bốn mắt" in refused.message_vi
        admins_own = _pending(store, by="admin", content=b"admin")
        assert approval.may_decide(admin, admins_own, admins=2).code == "own_submission"
        sole = approval.may_decide(admin, admins_own, admins=[admin])
        assert (sole.allowed, sole.code) == (True, "sole_admin_own") and "duy nhất" in sole.message_vi


def test_decide_gives_values_never_exceptions(tmp_path):
    with Store(tmp_path / "d.duckdb") as store:
        sub = _pending(store)
        approver = User("duyet", "approver", (KH,))
        missing = approval.decide(store, approver, 99, "approved", admins=1)
        assert (missing.ok, missing.code) == (False, "missing")
        no_reason = approval.decide(store, approver, sub.id, "returned", admins=1, reason="")
        assert (no_reason.ok, no_reason.code) == (False, "reason_required") and no_reason.message("en").startswith("A reason")
        assert [s.id for s in approval.pending_for(approver, store)] == [sub.id]
        assert approval.pending_for(User("v", "viewer"), store) == []
        done = approval.decide(store, approver, sub.id, "approved", admins=1)
        assert done.ok and done.submission.approval == "approved" and done.submission.decided_by == "duyet"
        twice = approval.decide(store, approver, sub.id, "approved", admins=1)
        assert (twice.ok, twice.code) == (False, "not_pending")
        assert approval.state_label(done.submission) == "đã duyệt"
        back = _pending(store, content=b"back")
        returned = approval.decide(store, User("admin", "admin"), back.id, "returned", admins=1, reason="Thiếu số quý III")
        assert returned.ok and approval.state_label(returned.submission) == "bị trả lại: Thiếu số quý III"
        form_of = approval.submitted_form(store, _pending(store, content=b"third"))
        assert [(o.indicator_id, o.value) for o in form_of.observations] == [("a", 1.0)]


def test_approvers_carry_units_and_never_upload(tmp_path):
    from tracker.accounts.permissions import can_download_original, can_upload
    from tracker.accounts.users import UserError, UserStore

    users = UserStore(tmp_path / "users.toml", rounds=4)
    with pytest.raises(UserError, match="--unit"):
        users.add_user("duyet", "approver", "mat-khau-dai-du")
    approver = users.add_user("duyet", "approver", "mat-khau-dai-du", units=[KH])
    assert users.get("duyet").units == (KH,) and users.get("duyet").role == "approver"
    today = dt.date(2026, 10, 15)
    assert can_upload(approver, "bac-ninh", "2026-Q3", today, 30).code == "role_approver"
    assert can_upload(approver, KH, "2026-Q3", today, 30).code == "role_approver"
    assert can_download_original(approver, KH).allowed and not can_download_original(approver, "bac-ninh").allowed


def test_a_bulk_submission_waits_for_approvers_of_every_unit_it_carries(tmp_path):
    with Store(tmp_path / "b.duckdb") as store:
        content = b"bulk"
        parsed = ParsedForm("bulk.xlsx", hashlib.sha256(content).hexdigest(), "*", "*",
                            observations=[Observation("a", KH, "2026-Q3", 1.0), Observation("a", "bac-ninh", "2026-Q3", 2.0)])
        sub = store.submission(store.commit(parsed, content, user="clerk", approval="submitted").submission_id)
        assert [s.id for s in store.pending_submissions(["bac-ninh"])] == [sub.id]
        assert approval.submission_units(store, sub) == {KH, "bac-ninh"}
        only_kh = approval.decide(store, User("duyet", "approver", (KH,)), sub.id, "approved", admins=1)
        assert (only_kh.ok, only_kh.code) == (False, "other_unit")
        both = approval.decide(store, User("duyet2", "approver", (KH, "bac-ninh")), sub.id, "approved", admins=1)
        assert both.ok and sorted(store.current_values()["unit"]) == ["bac-ninh", KH]
