"""The staff pages through AppTest, with real uploads: report, preview, warnings tick, confirm, cancel,
refusal, and withdrawal on the history page. Each test works on its own copy of the seeded demo."""

from __future__ import annotations

from tests.support.forms import khanh_hoa_form
from tests.support.pages import XLSX, rerun, texts
from tests.support.pages import run as open_page
from tracker.accounts.users import User

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
    # "Chỉ tiêu · Đang lưu → Trong tệp", by names: units and periods are never codes (issue 23, item 6)
    assert list(preview.columns)[:3] == ["Chỉ tiêu", "Đang lưu", "Trong tệp"]
    row = preview[preview["Thay đổi"] == "thay đổi"].iloc[0]
    assert (row["Kỳ"], row["Đơn vị"]) == ("Quý III/2026", "Khánh Hòa") and row["Trong tệp"].startswith("4.321")
    assert "khanh-hoa." not in row["Chỉ tiêu"]
    assert "Địa phương: **Khánh Hòa** · kỳ: **Quý III/2026**" in texts(at)
    # 4.321 is a jump against the demo value: the report warns in a whole sentence naming the cell, the
    # check's code in small print, and Confirm waits for the tick
    assert not at.error and "Mã lỗi" not in texts(at)
    warned = [w.value for w in at.warning if w.value.startswith("**Cảnh báo.** Trang “Số liệu”, ô G")]
    assert warned and "khanh-hoa." not in warned[0] and warned[0].rstrip().endswith(".")
    assert any(c.value == "mã kiểm tra: implausible_jump" for c in at.caption)
    assert at.button(key="confirm").disabled
    at.checkbox[0].check()
    rerun(at)
    assert not at.button(key="confirm").disabled
    at.button(key="confirm").click()
    rerun(at)
    assert any("Đã lưu lần nộp" in s.value and "Biên nhận" in s.value for s in at.success)
    # the receipt replaces the form: nothing left to confirm twice
    assert "confirm" not in {b.key for b in at.button} and not at.file_uploader
    assert "Khánh Hòa · Quý III/2026" in texts(at) and name in texts(at)
    assert submission_count() == before + 1
    at.button(key="up_another").click()
    rerun(at)
    assert at.file_uploader and "up_receipt" not in at.session_state

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
    from tracker.forms.demo import fill_form
    from tracker.forms.workbook import build_form

    before = submission_count()
    cat = load_catalogue()
    bg = next(i for i in cat.own_indicators("bac-giang") if i.kind == "stock" and not i.sectors)
    content = fill_form(build_form(cat, "bac-giang", "2025-Q2"), {(bg.id, ""): 100})
    at = open_page("views/upload.py", KH_UPLOADER)
    at.file_uploader(key="uploader").upload("nq45_bac-giang_2025-Q2.xlsx", content, XLSX)
    rerun(at)
    assert any("Tệp bị từ chối" in e.value for e in at.error)
    assert any(c.value == "mã kiểm tra: wrong_unit" for c in at.caption)
    assert any(e.value.startswith("**Lỗi.** ") for e in at.error)
    assert "confirm" not in {b.key for b in at.button}
    assert submission_count() == before


def test_a_file_that_is_not_a_workbook_is_refused_with_a_sentence(own_copy):
    at = open_page("views/upload.py", KH_UPLOADER)
    at.file_uploader(key="uploader").upload("bao-cao.xlsx", b"day khong phai tep Excel", XLSX)
    rerun(at)
    assert any("Tệp bị từ chối" in e.value for e in at.error)
    first = next(e.value for e in at.error if e.value.startswith("**Lỗi.** "))
    assert len(first) > 40 and first.rstrip().endswith(".")
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
    # asked once more, with the effect: which values stop being current and what becomes current instead
    assert submission_count() and at.button(key="withdraw_confirm")
    said = next(w.value for w in at.warning if w.value.startswith(f"Rút lần nộp #{chosen}"))
    assert "thôi được dùng" in said or "không làm đổi con số nào" in said
    at.button(key="withdraw_confirm").click()
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
    from tracker.storage import Store
    from tracker.storage import StoreError

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


def test_withdrawal_can_be_kept_after_reading_its_effect(own_copy):
    at = open_page("views/history.py", ADMIN)
    at.text_input(key="withdraw_reason").input("Thử")
    at.button[[b.label for b in at.button].index("Rút lần nộp này")].click()
    rerun(at)
    effect = next(d.value for d in at.dataframe if "Sau khi rút" in d.value.columns)
    assert list(effect.columns) == ["Chỉ tiêu", "Kỳ", "Đang dùng", "Sau khi rút"]
    assert effect["Kỳ"].str.startswith(("Quý", "Năm")).all() and not effect["Chỉ tiêu"].str.contains(r"\.").any()
    said = next(w.value for w in at.warning if w.value.startswith("Rút lần nộp #"))
    assert f"{len(effect)} giá trị thôi được dùng" in said
    at.button(key="withdraw_keep").click()
    rerun(at)
    frame = at.dataframe[0].value
    assert not frame["Trạng thái"].str.startswith("đã rút").any()
    assert "withdraw_confirm" not in {b.key for b in at.button}


def test_uploader_chrome_and_instructions_are_in_vietnamese(own_copy):
    at = open_page("views/upload.py", KH_UPLOADER)
    body = "\n".join(line for line in texts(at).split("\n") if "stFileUploader" not in line)   # not the CSS
    assert "Browse files" not in body and "Upload" not in body, [ln for ln in body.split("\n") if "Browse" in ln or "Upload" in ln]
    up = at.file_uploader(key="uploader")
    assert up.label.startswith("Kéo thả hoặc chọn tệp") and up.help.startswith("Tối đa")
    css = "".join(m.value for m in at.markdown if "stFileUploaderDropzone" in m.value)
    assert 'content:"Chọn tệp"' in css and "Kéo thả tệp vào đây" in css and "MB mỗi tệp" in css
