"""The approval pages through AppTest (issue 21), on a copy of the seeded demo with approval on: the
upload receipt says "Đã nộp — chờ duyệt" and the uploader's list shows each state; "Duyệt số liệu"
previews each pending submission against the stored figures with its warnings, approves, returns with a
reason, says the four-eyes refusal, and has an empty state; the unit page draws pending points apart."""

from __future__ import annotations

import pytest

from tests.support.forms import khanh_hoa_form
from tests.support.pages import XLSX, charts, rerun, spec, texts
from tests.support.pages import run as open_page
from tracker.accounts.users import User

KH_UPLOADER = User("canbo.kh", "uploader", ("khanh-hoa",), "")
KH_APPROVER = User("duyet.kh", "approver", ("khanh-hoa",), "")
BN_APPROVER = User("duyet.bn", "approver", ("bac-ninh",), "")


@pytest.fixture
def approving(own_copy, monkeypatch):
    monkeypatch.setenv("TRACKER_APPROVAL", "true")
    return own_copy


def _upload(value: float) -> tuple:
    at = open_page("views/upload.py", KH_UPLOADER)
    name, content, indicator_id = khanh_hoa_form(value)
    at.file_uploader(key="uploader").upload(name, content, XLSX)
    rerun(at)
    for box in at.checkbox:   # the jump against the demo value is a warning to tick
        box.check()
    rerun(at)
    at.button(key="confirm").click()
    rerun(at)
    return at, indicator_id


def _stored(indicator_id: str):
    from tracker.core.settings import load_settings
    from tracker.storage import Store

    with Store(load_settings().database) as store:
        frame = store.current_observations(units=["khanh-hoa"], indicator_ids=[indicator_id])
        return list(frame.loc[frame["period"] == "2026-Q3", "value"])


def _own_states(at) -> list[str]:
    return list(next(d for d in at.dataframe if "Trạng thái" in d.value.columns).value["Trạng thái"])


def test_upload_waits_then_the_approver_approves(approving):
    at, indicator_id = _upload(4321)
    assert any("Đã nộp — chờ duyệt" in s.value for s in at.success)
    assert _own_states(at)[0] == "chờ duyệt"
    before = _stored(indicator_id)
    assert 4321 not in before                                        # not current before approval
    # The unit's clerk sees the pending point apart ("chờ duyệt", its own trace); a visitor does not.
    staff = open_page("views/unit.py", KH_UPLOADER, params={"unit": "khanh-hoa"})
    pending_specs = [spec(c) for c in charts(staff) if "chờ duyệt" in spec(c)]
    assert pending_specs and '"hourglass-open"' in pending_specs[0] and "Quý III/2026: 4.321" in pending_specs[0]
    assert "lãnh đạo chưa thấy" in texts(staff)
    public = open_page("views/unit.py", None, params={"unit": "khanh-hoa"})
    assert not any("chờ duyệt" in spec(c) for c in charts(public)) and "4.321" not in texts(public)

    page = open_page("views/approval.py", KH_APPROVER)
    body = texts(page)
    assert "Lần nộp #" in body and "Khánh Hòa · Quý III/2026" in body
    assert "Người nộp **canbo\\.kh**" in body                         # user text escaped for Markdown
    assert {m.label: m.value for m in page.metric}["Giá trị thay đổi"] == "1"
    preview = page.dataframe[0].value
    assert preview[preview["Thay đổi"] == "thay đổi"].iloc[0]["Trong tệp"].startswith("4.321")
    assert any("ô G" in w.value for w in page.warning)               # the report's warning, in a sentence
    page.button(key=next(b.key for b in page.button if (b.key or "").startswith("ap_approve_"))).click()
    rerun(page)
    assert any("Đã duyệt lần nộp" in s.value for s in page.success)
    assert any(i.value == "Không có lần nộp nào chờ duyệt." for i in page.info)
    assert _stored(indicator_id) == [4321]

    again = open_page("views/upload.py", KH_UPLOADER)
    assert _own_states(again)[0] == "đã duyệt"


def test_return_needs_a_reason_the_uploader_sees(approving):
    _, indicator_id = _upload(4321)
    page = open_page("views/approval.py", KH_APPROVER)
    give_back = next(b.key for b in page.button if (b.key or "").startswith("ap_return_"))
    page.button(key=give_back).click()
    rerun(page)
    assert any("Cần ghi lý do trả lại" in e.value for e in page.error)
    reason_key = next(t.key for t in page.text_input if (t.key or "").startswith("ap_reason_"))
    page.text_input(key=reason_key).input("Số liệu quý III chưa khớp báo cáo của Sở KH&CN")
    page.button(key=give_back).click()
    rerun(page)
    assert any("Đã trả lại lần nộp" in s.value for s in page.success)
    assert 4321 not in _stored(indicator_id)                         # returned: never shown
    mine = open_page("views/upload.py", KH_UPLOADER)
    assert _own_states(mine)[0] == "bị trả lại: Số liệu quý III chưa khớp báo cáo của Sở KH&CN"


def test_four_eyes_and_other_units_are_said_without_buttons(approving):
    import hashlib

    from tracker.core.observation import Observation, ParsedForm
    from tracker.core.settings import load_settings
    from tracker.storage import Store

    name, content, indicator_id = khanh_hoa_form(777)
    with Store(load_settings().database) as store:   # the approver's own upload (from the command line)
        store.commit(ParsedForm(name, hashlib.sha256(content).hexdigest(), "khanh-hoa", "2026-Q3",
                                observations=[Observation(indicator_id, "khanh-hoa", "2026-Q3", 777.0)]),
                     content, user=KH_APPROVER.username, approval="submitted")
    page = open_page("views/approval.py", KH_APPROVER)
    assert any("bốn mắt" in w.value for w in page.warning)
    assert not [b for b in page.button if (b.key or "").startswith("ap_approve_")]
    other = open_page("views/approval.py", BN_APPROVER)            # another unit's approver sees none of it
    assert any(i.value == "Không có lần nộp nào chờ duyệt." for i in other.info)
    with pytest.raises(ValueError, match="navigation page"):        # not in an uploader's navigation at all
        open_page("views/approval.py", KH_UPLOADER)


def test_empty_state(approving):
    page = open_page("views/approval.py", KH_APPROVER)
    assert any(i.value == "Không có lần nộp nào chờ duyệt." for i in page.info)
    assert "Duyệt số liệu" in texts(page)


def test_the_page_in_english(approving):
    _upload(4321)
    page = open_page("views/approval.py", KH_APPROVER, lang="en")
    body = texts(page)
    assert "Approve figures" in body and "Stored (approved) against this submission" in body
    assert [b.label for b in page.button if (b.key or "").startswith("ap_")] == ["Approve", "Return"]


def test_the_history_shows_pending_and_returned_figures_only_to_the_units_staff(approving):
    # Leaders and the public read approved figures only, on the history page too; the clerk sees the
    # pending value marked "chờ duyệt".
    _, indicator_id = _upload(4321)

    def values_of(user) -> list[tuple]:
        at = open_page("views/history.py", user)
        at.selectbox(key="hist_ind").set_value(indicator_id)
        rerun(at)
        [table] = [d.value for d in at.dataframe if "Giá trị" in d.value.columns]
        return list(zip(table["Giá trị"], table["Trạng thái"]))

    assert "4.321" not in [v for v, _ in values_of(None)]
    assert ("4.321", "chờ duyệt") in values_of(KH_UPLOADER)
    assert "4.321" not in [v for v, _ in values_of(User("canbo.bn", "uploader", ("bac-ninh",), ""))]
