"""Approval in a real browser over the production server (issue 21), approval on: a clerk of Khánh Hòa
uploads → the public unit page does not show the figure → the province's approver approves it on
"Duyệt số liệu" → the public page shows it; a second upload returned with a reason is never shown, and
the clerk reads the reason. Every step waits for its text; no sleeps."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import needs_chromium, wait_ready
from tests.support.browser import sign_in as _sign_in
from tests.support.servers import served_demo

pytestmark = needs_chromium

CLERK = ("canbo.khanhhoa", "mat-khau-kh-2026")
APPROVER = ("duyet.khanhhoa", "mat-khau-duyet-2026")


@pytest.fixture(scope="module")
def approving_server(tmp_path_factory):
    accounts = [(CLERK[0], "uploader", CLERK[1], ("khanh-hoa",)), (APPROVER[0], "approver", APPROVER[1], ("khanh-hoa",))]
    with served_demo(tmp_path_factory.mktemp("e2e-approval"), accounts, extra_env={"TRACKER_APPROVAL": "true"}) as served:
        yield served


def _tab(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    return context, tab


def _upload(tab, tmp_path, value: int, name: str) -> None:
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form

    tab.get_by_role("link", name="Nhập số liệu").click()
    tab.get_by_role("heading", name="Nhập số liệu").wait_for()
    with tab.expect_download() as dl:
        tab.get_by_role("button", name="Tải biểu mẫu Excel").click()
    form = tmp_path / dl.value.suggested_filename
    dl.value.save_as(form)
    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    upload = tmp_path / name
    upload.write_bytes(fill_form(form.read_bytes(), {(stock.id, ""): value}))
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    # Both values are far from the previous one and the target: the warnings' box is there to tick (waited
    # for, not counted: it is drawn after the preview), then Confirm is enabled (click waits for that).
    tab.get_by_text("4. Xem trước thay đổi").wait_for()
    wait_ready(tab)   # the preview's run has finished: a tick now is not lost to a run still going
    tab.get_by_text("Tôi đã kiểm tra", exact=False).first.click()
    wait_ready(tab)
    confirm = tab.get_by_role("button", name="Xác nhận lưu")
    expect(confirm).to_be_enabled()
    confirm.click()
    try:
        tab.get_by_text("Đã nộp — chờ duyệt", exact=False).wait_for()
    except Exception:
        from tests.support import OUTPUT

        tab.screenshot(path=str(OUTPUT / f"e2e_approval_upload_failed_{name}.png"), full_page=True)
        raise


def _public_unit_text(browser, url: str, shown: str | None = None) -> str:
    """The Khánh Hòa page as a visitor sees it, once its charts are drawn (and ``shown`` is on it)."""
    context, tab = _tab(browser)
    try:
        tab.goto(url + "/dia-phuong?unit=khanh-hoa")
        tab.get_by_role("heading", name="Địa phương: Khánh Hòa").wait_for()
        tab.locator(".js-plotly-plot").nth(1).wait_for()
        wait_ready(tab)
        if shown:
            tab.get_by_text(shown, exact=False).first.wait_for()
        return tab.inner_text("body")
    finally:
        context.close()


def _decide(browser, url: str, output_dir, *, reason: str | None = None) -> None:
    context, tab = _tab(browser)
    try:
        _sign_in(tab, url, *APPROVER)
        tab.get_by_role("link", name="Duyệt số liệu").click()
        tab.get_by_role("heading", name="Duyệt số liệu").wait_for()
        tab.get_by_text("Đang lưu (đã duyệt) so với lần nộp này").wait_for()
        tab.get_by_text("Giá trị thay đổi").first.wait_for()
        if reason is None:
            tab.screenshot(path=str(output_dir / "e2e_approval_pending.png"), full_page=True)
            tab.get_by_role("button", name="Duyệt", exact=True).click()
            tab.get_by_text("Đã duyệt lần nộp", exact=False).wait_for()
        else:
            tab.get_by_label("Lý do trả lại (người nộp sẽ thấy)").fill(reason)
            tab.get_by_label("Lý do trả lại (người nộp sẽ thấy)").press("Enter")
            tab.get_by_role("button", name="Trả lại", exact=True).click()
            tab.get_by_text("Đã trả lại lần nộp", exact=False).wait_for()
        tab.get_by_text("Không có lần nộp nào chờ duyệt.").wait_for()
        tab.screenshot(path=str(output_dir / f"e2e_approval_{'returned' if reason else 'approved'}.png"), full_page=True)
    finally:
        context.close()


def test_clerk_uploads_approver_approves_public_page_shows_it_returned_never(approving_server, browser, output_dir,
                                                                             tmp_path):
    url = approving_server["url"]
    context, clerk = _tab(browser)
    try:
        _sign_in(clerk, url, *CLERK)
        _upload(clerk, tmp_path, 4321, "first.xlsx")
        assert "4.321" not in _public_unit_text(browser, url)           # waiting: not shown to anyone outside

        _decide(browser, url, output_dir)
        assert "4.321" in _public_unit_text(browser, url, shown="4.321")

        clerk.get_by_role("button", name="Nộp tệp khác").click()     # the receipt stood where the form was
        clerk.locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached")
        _upload(clerk, tmp_path, 5555, "second.xlsx")
        _decide(browser, url, output_dir, reason="Số doanh nghiệp chưa khớp báo cáo của Sở KH&CN")
        public = _public_unit_text(browser, url, shown="4.321")
        assert "5.555" not in public and "4.321" in public

        clerk.reload()
        wait_ready(clerk)
        clerk.get_by_role("link", name="Nhập số liệu").click()
        # The list is a data grid drawn on a canvas; its cells are in the page for readers, not visible.
        clerk.get_by_text("bị trả lại: Số doanh nghiệp chưa khớp", exact=False).first.wait_for(state="attached")
        clerk.screenshot(path=str(output_dir / "e2e_approval_clerk_sees_reason.png"), full_page=True)
    finally:
        context.close()
