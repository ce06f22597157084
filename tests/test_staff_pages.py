"""The staff pages through AppTest, with real uploads: report, preview, warnings tick, confirm, cancel,
refusal, and withdrawal on the history page. Each test works on its own copy of the seeded demo."""

from __future__ import annotations

from tests.support.forms import khanh_hoa_form
from tests.support.pages import XLSX, rerun, texts
from tests.support.pages import run as open_page
from tracker.access import User

KH_UPLOADER = User("canbo.kh", "uploader", ("khanh-hoa",), "")
ADMIN = User("quantri", "admin", (), "")


def submission_count(user: User | None = None) -> int:
    at = open_page("views/history.py", user)
    return len(at.dataframe[0].value)


def test_upload_report_preview_tick_confirm(own_copy):
    before = submission_count()
    at = open_page("views/upload.py", KH_UPLOADER)
    name, content, indicator_id = khanh_hoa_form(4321)
    at.file_uploader(key="uploader").upload(name, content, XLSX)
    rerun(at)
    body = texts(at)
    assert "4. Xem trước thay đổi" in body
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Giá trị thay đổi"] == "1"
    preview = at.dataframe[-1].value
    row = preview[preview["Thay đổi"] == "thay đổi"].iloc[0]
    assert row["Kỳ"] == "2026-Q3" and row["Trong tệp"].startswith("4.321")
    # 4.321 is a jump against the demo value: the report warns, and Confirm waits for the tick
    report = at.dataframe[0].value
    assert "implausible_jump" in set(report["Mã lỗi"])
    assert set(report["Mức"]) == {"Cảnh báo"}
    assert at.button(key="confirm").disabled
    at.checkbox[0].check()
    rerun(at)
    assert not at.button(key="confirm").disabled
    at.button(key="confirm").click()
    rerun(at)
    assert any("Đã lưu lần nộp" in s.value for s in at.success)
    assert submission_count() == before + 1

    # the new value is what the unit page now shows
    unit = open_page("views/unit.py", None)
    unit.query_params["unit"] = "khanh-hoa"
    rerun(unit)
    assert "4.321" in texts(unit) or any("4.321" in c.proto.spec for c in unit.get("plotly_chart"))

    # the history lists who sent it, and the value's revisions (names are for signed-in users)
    hist = open_page("views/history.py", KH_UPLOADER)
    frame = hist.dataframe[0].value
    assert frame.iloc[0]["Người nộp"] == "canbo.kh" and frame.iloc[0]["Tệp"] == name
    hist.selectbox(key="hist_ind").set_value(indicator_id)
    rerun(hist)
    revisions = hist.dataframe[-1].value
    assert "canbo.kh" in set(revisions["Người nộp"]) and "demo" in set(revisions["Người nộp"])


def test_cancel_stores_nothing(own_copy):
    before = submission_count()
    at = open_page("views/upload.py", KH_UPLOADER)
    name, content, _ = khanh_hoa_form(4321)
    at.file_uploader(key="uploader").upload(name, content, XLSX)
    rerun(at)
    at.button(key="cancel").click()
    rerun(at)
    assert "Đã hủy. Không có gì được lưu." in texts(at)
    assert submission_count() == before


def test_another_units_form_is_refused_and_nothing_stored(own_copy):
    from tracker.catalogue import load_catalogue
    from tracker.demo import fill_form
    from tracker.workbook import build_form

    before = submission_count()
    cat = load_catalogue()
    bg = next(i for i in cat.own_indicators("bac-giang") if i.kind == "stock" and not i.sectors)
    content = fill_form(build_form(cat, "bac-giang", "2025-Q2"), {(bg.id, ""): 100})
    at = open_page("views/upload.py", KH_UPLOADER)
    at.file_uploader(key="uploader").upload("nq45_bac-giang_2025-Q2.xlsx", content, XLSX)
    rerun(at)
    assert any("Tệp bị từ chối" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert "wrong_unit" in set(report["Mã lỗi"])
    assert "confirm" not in {b.key for b in at.button}
    assert submission_count() == before


def test_a_file_that_is_not_a_workbook_is_refused_with_a_sentence(own_copy):
    at = open_page("views/upload.py", KH_UPLOADER)
    at.file_uploader(key="uploader").upload("bao-cao.xlsx", b"day khong phai tep Excel", XLSX)
    rerun(at)
    assert any("Tệp bị từ chối" in e.value for e in at.error)
    report = at.dataframe[0].value
    assert report.iloc[0]["Mức"] == "Lỗi" and report.iloc[0]["Nội dung và cách sửa"]
    assert "confirm" not in {b.key for b in at.button}


def test_admin_withdraws_with_a_reason_and_the_rows_stay_visible(own_copy):
    at = open_page("views/history.py", ADMIN)
    chosen = at.selectbox(key="hist_pick").value
    at.button[[b.label for b in at.button].index("Rút lần nộp này")].click()
    rerun(at)
    assert "Hãy ghi lý do rút." in texts(at)

    at.text_input(key="withdraw_reason").input("Nộp nhầm kỳ")
    at.button[[b.label for b in at.button].index("Rút lần nộp này")].click()
    rerun(at)
    frame = at.dataframe[0].value
    row = frame[frame["#"] == chosen].iloc[0]
    assert row["Trạng thái"].startswith("đã rút")
    assert (row["Người rút"], row["Lý do rút"]) == ("quantri", "Nộp nhầm kỳ")
    assert any("Lý do: Nộp nhầm kỳ" in t.value for t in at.text)   # staff text as plain text
    assert "Rút lần nộp này" not in [b.label for b in at.button]


def test_uploader_cannot_withdraw_another_units_submission(own_copy):
    at = open_page("views/history.py", KH_UPLOADER)
    frame = at.dataframe[0].value
    other = int(frame[frame["Đơn vị"] != "Khánh Hòa"].iloc[0]["#"])
    at.selectbox(key="hist_pick").set_value(other)
    rerun(at)
    assert "Rút lần nộp này" not in [b.label for b in at.button]
    assert "withdraw_reason" not in {t.key for t in at.text_input}


def test_anonymous_visitor_is_asked_to_sign_in_to_withdraw(own_copy):
    at = open_page("views/history.py", None)
    assert "Đăng nhập để rút lần nộp" in texts(at)
    assert "Rút lần nộp này" not in [b.label for b in at.button]


def test_busy_database_at_confirm_stores_nothing_and_keeps_the_checked_file(own_copy, monkeypatch):
    """Another process holds the database past the wait: a clear sentence, nothing stored, Confirm works again."""
    from tracker.store import Store, StoreError

    real_commit = Store.commit
    calls = {"n": 0}

    def busy_once(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise StoreError("Cơ sở dữ liệu đang bận.", "The database is busy.", code="busy")
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(Store, "commit", busy_once)
    before = submission_count()
    at = open_page("views/upload.py", KH_UPLOADER)
    name, content, _ = khanh_hoa_form(4321)
    at.file_uploader(key="uploader").upload(name, content, XLSX)
    rerun(at)
    at.checkbox[0].check()
    rerun(at)
    at.button(key="confirm").click()
    rerun(at)
    assert any("Chưa lưu được" in e.value and "đang bận" in e.value for e in at.error)
    assert submission_count() == before
    at.button(key="confirm").click()          # the same checked file, no new upload
    rerun(at)
    assert any("Đã lưu lần nộp" in s.value for s in at.success)
    assert submission_count() == before + 1
