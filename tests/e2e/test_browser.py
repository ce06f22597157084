"""The main flows in a real browser: Playwright driving Debian's /usr/bin/chromium.

A leader opens the overview and a unit page; an uploader of Khánh Hòa downloads the form, fills it,
uploads it, reads the report and the preview, confirms and finds the new value on the Khánh Hòa page,
then is refused a Bắc Giang form; a viewer finds no upload page. Screenshots go to test-output/.
"""

from __future__ import annotations

import io

from tests.support.browser import needs_chromium
from tests.support.browser import sign_in as _sign_in

pytestmark = needs_chromium


def test_leader_sees_overview_and_unit_page(server, page, output_dir):
    page.goto(server["url"])
    page.get_by_role("heading", name="Tổng quan").wait_for()
    # The overview is page text: the ranked list of targets behind, the unit cards, the matrix.
    page.get_by_role("heading", name="Chỉ tiêu cần chú ý").wait_for()
    page.get_by_text("Dữ liệu minh họa", exact=False).first.wait_for()
    assert "tính đến Quý III/2026" in page.inner_text("body")
    page.screenshot(path=str(output_dir / "e2e_overview.png"), full_page=True)

    page.goto(server["url"] + "/dia-phuong?unit=khanh-hoa")
    page.get_by_role("heading", name="Địa phương: Khánh Hòa").wait_for()
    page.locator(".js-plotly-plot").nth(1).wait_for()
    # First the progress picture of every numeric target, then one chart per target.
    assert "Mục tiêu" in page.locator(".js-plotly-plot").first.inner_text()
    text = page.locator(".js-plotly-plot").nth(1).inner_text()
    # On screen the chart's title, status and source are page text around it (they wrap on a phone).
    assert "Mục tiêu 2030" in text and "Cập nhật: Quý III/2026" in page.inner_text("body")
    page.screenshot(path=str(output_dir / "e2e_unit_khanh-hoa.png"), full_page=True)


def test_uploader_round_trip_and_refusal(server, page, output_dir, tmp_path):
    from openpyxl import load_workbook

    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form
    from tracker.forms.workbook import build_form

    _sign_in(page, server["url"], "canbo.khanhhoa", "mat-khau-kh-2026")
    page.get_by_role("link", name="Nhập số liệu").click()
    page.get_by_role("heading", name="Nhập số liệu").wait_for()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Tải biểu mẫu Excel").click()
    form = tmp_path / dl.value.suggested_filename
    dl.value.save_as(form)
    assert form.name == "nq45_khanh-hoa_2026-Q3.xlsx"

    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    filled = fill_form(form.read_bytes(), {(stock.id, ""): 4321})
    wb = load_workbook(io.BytesIO(filled))
    assert "Số liệu" in wb.sheetnames
    upload = tmp_path / "nq45_khanh-hoa_2026-Q3_filled.xlsx"
    upload.write_bytes(filled)

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_text("4. Xem trước thay đổi").wait_for()
    page.get_by_text("Giá trị thay đổi").wait_for()
    # The Confirm button is drawn after the warnings' check box: once it is there, the box is too (if any).
    page.get_by_role("button", name="Xác nhận lưu").wait_for()
    warning_box = page.get_by_text("Tôi đã kiểm tra", exact=False)
    if warning_box.count():
        warning_box.first.click()
    page.screenshot(path=str(output_dir / "e2e_upload_preview.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận lưu").click()
    page.get_by_text("Đã lưu lần nộp", exact=False).wait_for()
    page.screenshot(path=str(output_dir / "e2e_upload_saved.png"), full_page=True)

    page.get_by_role("link", name="Xem trang Khánh Hòa").click()
    page.get_by_role("heading", name="Địa phương: Khánh Hòa").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_text("4.321", exact=False).first.wait_for()
    page.screenshot(path=str(output_dir / "e2e_unit_after_upload.png"), full_page=True)

    # a Bắc Giang form from the same uploader is refused, and nothing is stored
    other = tmp_path / "nq45_bac-giang_2025-Q2.xlsx"
    bg = next(i for i in cat.own_indicators("bac-giang") if i.kind == "stock" and not i.sectors)
    other.write_bytes(fill_form(build_form(cat, "bac-giang", "2025-Q2"), {(bg.id, ""): 100}))
    page.get_by_role("link", name="Nhập số liệu").click()
    page.get_by_role("heading", name="Nhập số liệu").wait_for()
    # the receipt of the saved file stands where the form was, until the clerk asks for another
    page.get_by_role("button", name="Nộp tệp khác").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(other))
    page.get_by_text("Tệp bị từ chối", exact=False).wait_for()
    page.screenshot(path=str(output_dir / "e2e_upload_refused.png"), full_page=True)


def test_viewer_has_no_upload_page(server, page, output_dir):
    _sign_in(page, server["url"], "lanhdao", "mat-khau-ld-2026")
    page.get_by_role("link", name="Lịch sử").wait_for()
    assert page.get_by_role("link", name="Nhập số liệu").count() == 0
    page.screenshot(path=str(output_dir / "e2e_viewer.png"), full_page=True)


def test_page_file_names_are_not_served_outside_the_navigation(server, page):
    """/upload or /overview must not run a page file on its own (no sign-in box, no language switch)."""
    for path in ("/upload", "/overview"):
        page.goto(server["url"] + path)
        page.get_by_role("heading", name="Tổng quan").wait_for()   # the default page, inside the navigation
        nav = page.locator("[data-testid=stSidebarNav]").inner_text()
        assert "Tiến độ" in nav and "Tổng quan" in nav and "overview" not in nav and "upload" not in nav
        assert page.get_by_role("link", name="Nhập số liệu").count() == 0
