"""The history page's rows and who sees what (tracker.web.history), without Streamlit running."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd

from tracker.core.i18n import t
from tracker.web import history as hist


class Cat:
    jurisdictions = {"lam-dong": "Lâm Đồng", "khanh-hoa": "Khánh Hòa"}

    def name(self, code, lang):
        return self.jurisdictions[code]


def sub(id, status="accepted", approval="approved", reason=None, demo=False, unit="lam-dong", period="2026-Q2"):
    return SimpleNamespace(id=id, unit=unit, period=period, uploaded_by="canbo.ld", uploaded_at=dt.datetime(2026, 7, 3, 9, 0),
                           file_name="nq45_lam-dong_2026-Q2.xlsx", observation_count=12, milestone_count=2, status=status,
                           approval=approval, decision_reason=reason, is_demo=demo, withdrawn_by="canbo.ld" if status == "withdrawn" else None,
                           withdrawn_at=None, withdraw_reason="nhầm kỳ" if status == "withdrawn" else None)


def test_units_and_periods_are_named_and_a_bulk_form_is_several():
    cat = Cat()
    assert hist.unit_name(cat, "lam-dong", "vi") == "Lâm Đồng"
    assert hist.unit_name(cat, "*", "vi") == hist.unit_name(cat, None, "vi") == t("hist.several", "vi")
    assert hist.unit_name(cat, "old-code", "vi") == "old-code"
    assert hist.period_label("2026-Q2", "vi") == "Quý II/2026"
    assert hist.period_label("*", "en") == t("hist.several", "en") and hist.period_label("?x", "vi") == "?x"


def test_withdrawn_submissions_come_first_and_anonymous_visitors_see_no_names_files_or_reasons():
    cat = Cat()
    subs = [sub(1), sub(2, status="withdrawn"), sub(3, approval="returned", reason="thiếu nguồn"), sub(4, demo=True)]
    staff = hist.submission_rows(subs, cat, "vi", names=True)
    assert [r["#"] for r in staff] == [2, 4, 3, 1]
    status = t("hist.col.status", "vi")
    assert staff[2][status] == f"{t('hist.accepted', 'vi')} · {t('hist.approval.returned', 'vi')}: thiếu nguồn"
    assert staff[1][status].endswith(" · " + t("app.demo_tag", "vi"))
    assert staff[0][t("hist.col.reason", "vi")] == "nhầm kỳ" and staff[0][t("hist.col.by", "vi")] == "canbo.ld"
    public = hist.submission_rows(subs, cat, "vi", names=False)
    hidden = {t(k, "vi") for k in hist.PRIVATE_KEYS}
    assert all(not (hidden & set(r)) for r in public) and len(public[0]) == len(staff[0]) - 4
    assert public[2][status] == f"{t('hist.accepted', 'vi')} · {t('hist.approval.returned', 'vi')}"   # no reason


def test_the_picker_names_a_submission_by_file_for_staff_and_by_unit_and_period_for_anyone():
    s = sub(7)
    assert hist.pick_label(s, Cat(), "vi", True) == "#7 · nq45_lam-dong_2026-Q2.xlsx · canbo.ld"
    assert hist.pick_label(s, Cat(), "vi", False) == "#7 · Lâm Đồng · Quý II/2026"


def test_pending_and_returned_revisions_are_only_for_whom_may_see_them():
    rows = pd.DataFrame({"unit": ["lam-dong", "lam-dong", "khanh-hoa", "lam-dong"],
                         "approval": [None, "submitted", "approved", "returned"]})
    seen = hist.visible_revisions(rows, ["lam-dong"], lambda u: False)
    assert list(seen.index) == [0]                             # another unit, and what awaits approval, left out
    assert list(hist.visible_revisions(rows, ["lam-dong"], lambda u: u == "lam-dong").index) == [0, 1, 3]
    assert hist.visible_revisions(rows.iloc[:0], ["lam-dong"], lambda u: True).empty


def test_a_revision_is_withdrawn_accepted_or_in_its_approval_state():
    assert hist.revision_state({"withdrawn": True, "approval": "approved"}, "vi") == t("hist.withdrawn", "vi")
    assert hist.revision_state({"withdrawn": False, "approval": None}, "vi") == t("hist.accepted", "vi")
    assert hist.revision_state({"withdrawn": False, "approval": "submitted"}, "en") == t("hist.approval.submitted", "en")
