"""The upload page's decisions (tracker.web.upload), without Streamlit running. The calendar notice
itself is tested with the calendar (tests/test_calendar.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tracker.web import upload as up


class Cat:
    jurisdictions = {"lam-dong": "Lâm Đồng", "bac-ninh": "Bắc Ninh", "empty": "Không chỉ tiêu"}

    def indicators_for(self, unit):
        return [] if unit == "empty" else ["x"]

    def name(self, unit, lang):
        return self.jurisdictions[unit]


def user(role, units=(), agency=None, name="canbo"):
    return SimpleNamespace(role=role, units=units, agency=agency, username=name)


def test_an_uploader_is_offered_own_units_with_targets_and_an_admin_every_unit_with_targets():
    assert up.uploadable_units(Cat(), user("uploader", ("bac-ninh", "empty"))) == ["bac-ninh"]
    assert up.uploadable_units(Cat(), user("admin")) == ["lam-dong", "bac-ninh"]


def test_the_period_selected_first_is_the_calendars_where_offered():
    assert up.period_index(["2026-Q2", "2026-Q3"], "2026-Q3") == 1
    assert up.period_index(["2026-Q2"], "2026-Q4") == 0


def test_the_page_stays_for_a_user_signed_out_by_the_idle_timeout_only_when_they_may_upload():
    me, back, viewer = user("uploader"), user("uploader", name="back"), user("viewer")
    assert up.acting_user(me, None) is me
    assert up.acting_user(None, back) is back
    assert up.acting_user(None, viewer) is None
    assert up.own_agency(user("uploader", agency="so-khcn")) == "so-khcn" and up.own_agency(user("admin", agency="x")) is None


def decision(allowed, code="ok", vi="", en=""):
    return SimpleNamespace(allowed=allowed, code=code, message_vi=vi, message_en=en)


def test_each_row_of_a_file_is_decided_refusals_said_once_and_overrides_kept_in_order():
    said = {("lam-dong", "2025-Q4"): decision(False, "period_locked", "Kỳ đã khóa", "Locked"),
            ("lam-dong", "2026-Q1"): decision(False, "period_locked", "Kỳ đã khóa", "Locked"),
            ("bac-ninh", "2026-Q2"): decision(False, "not_your_unit", "Không phải đơn vị của bạn", "Not yours"),
            ("lam-dong", "2026-Q2"): decision(True)}
    refusals, overrides = up.row_decisions(said, lambda u, p: said[(u, p)], "vi")
    assert refusals == ["Không phải đơn vị của bạn", "Kỳ đã khóa"] and overrides == []
    admin = {("lam-dong", "2025-Q4"): decision(True, "admin_override", "Ghi vào kỳ đã khóa", "Writing into a locked period"),
             ("lam-dong", "2026-Q2"): decision(True)}
    assert up.row_decisions(admin, lambda u, p: admin[(u, p)], "en") == ([], ["Writing into a locked period"])


def parsed(unit="lam-dong", period="2026-Q2"):
    return SimpleNamespace(unit=unit, period=period,
                           observations=[SimpleNamespace(unit="lam-dong", period="2026-Q2")],
                           milestones=[SimpleNamespace(unit="bac-ninh", period="2026-Q1")])


def test_what_a_file_writes_and_what_the_preview_compares_with():
    form = parsed()
    assert up.written_pairs(form) == {("lam-dong", "2026-Q2"), ("bac-ninh", "2026-Q1")}
    assert up.touched_units(form) == {"lam-dong", "bac-ninh"}
    assert up.preview_units(form) == ["lam-dong"]
    assert up.preview_units(parsed(unit="*")) is None and up.preview_units(parsed(unit=None)) is None


def test_confirm_waits_for_checked_warnings_a_sign_in_and_an_admins_reason():
    assert up.may_confirm(True, True, [], "")
    assert not up.may_confirm(False, True, [], "")
    assert not up.may_confirm(True, False, [], "")          # returning after the idle timeout: sign in first
    assert not up.may_confirm(True, True, ["locked"], "")
    assert up.may_confirm(True, True, ["locked"], "sửa số liệu quý trước")


def test_the_receipt_names_the_forms_unit_its_period_and_who_sent_it():
    result = SimpleNamespace(submission_id=42, observations=12, milestones=2)
    kept = up.receipt(result, parsed(), "bac-ninh", Cat(), "nq45.xlsx", "canbo", dt.date(2026, 7, 3), "submitted", "vi")
    assert kept == {"id": 42, "obs": 12, "ms": 2, "file": "nq45.xlsx", "unit": "Lâm Đồng", "unit_code": "lam-dong",
                    "by": "canbo", "period": "Quý II/2026", "at": "03/07/2026", "approval": "submitted"}
    bulk = up.receipt(result, parsed(unit="*", period="*"), "bac-ninh", Cat(), "f.xlsx", "quantri", dt.date(2026, 7, 3),
                      "approved", "en")
    assert bulk["unit_code"] == "bac-ninh" and bulk["period"] == up.period_text("*", "en")
