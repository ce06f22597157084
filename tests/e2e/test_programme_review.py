"""The «Thêm chương trình» review in a real browser (Playwright, Debian's /usr/bin/chromium): an admin
pastes a programme, adds a row the reader missed by picking its sentence, saves, then renames the
saved entry; the id stays and the change log shows the edit. Screenshots go to test-output/."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import needs_chromium
from tests.support.browser import sign_in as _sign_in
from tests.support.browser import wait_ready as _wait_ready
from tests.support.servers import served_demo

pytestmark = needs_chromium

TEXT = """KẾ HOẠCH
thực hiện Nghị quyết số 45-NQ/TW của Ban Chấp hành Trung ương về đội ngũ trí thức

Phấn đấu đến năm 2030 toàn huyện có ít nhất 40 tiến sĩ làm việc tại các cơ quan, đơn vị.

Tăng cường tuyên truyền về vai trò của đội ngũ trí thức trong các cơ quan, đơn vị của huyện.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e_programme")
    with served_demo(base, [("quantri.e2e", "admin", "mat-khau-qt-2026", ())],
                     {"TRACKER_CATALOGUE_DIR": str(base / "catalogue")}) as served:
        yield served


def _choose(page, label: str, text: str) -> None:
    # A select box drawn by a rerun that is still arriving can lose the typed filter or show the options of
    # before: type again until the wanted option is offered (it was flaky under load with one attempt).
    option = page.get_by_role("option").filter(has_text=text).first
    for attempt in range(5):
        _wait_ready(page)
        box = page.get_by_role("combobox", name=label, exact=True).last
        box.click()
        box.fill(text)
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    _wait_ready(page)


def test_admin_adds_a_missed_row_saves_and_renames_it(server, page, output_dir):
    _sign_in(page, server["url"], "quantri.e2e", "mat-khau-qt-2026")
    page.get_by_role("link", name="Thêm chương trình").click()
    page.get_by_role("heading", name="Thêm chương trình").wait_for()
    _wait_ready(page)
    page.get_by_label("Hoặc dán văn bản").fill(TEXT)
    page.get_by_role("button", name="Đề xuất chỉ tiêu").click()
    page.get_by_text("đề xuất:", exact=False).first.wait_for()

    page.get_by_text("Thêm dòng bộ đọc bỏ sót").click()
    _choose(page, "Câu trong văn bản", "Tăng cường tuyên truyền")
    _choose(page, "Loại dòng", "Nhiệm vụ")
    page.get_by_label("Tên (có thể sửa sau)").first.fill("Tuyên truyền về vai trò trí thức")
    page.get_by_label("Tên (có thể sửa sau)").first.press("Enter")
    _wait_ready(page)
    page.get_by_role("button", name="Thêm dòng").first.click()
    _wait_ready(page)

    _choose(page, "Đơn vị ban hành", "Sóc Trăng")
    page.get_by_label("Số, ký hiệu (vd. 12-CTr/TU)").fill("09-KH/HU")
    page.get_by_label("Số, ký hiệu (vd. 12-CTr/TU)").press("Enter")
    _wait_ready(page)
    page.screenshot(path=str(output_dir / "e2e_programme_review.png"), full_page=True)
    page.get_by_role("button", name="Lưu chương trình").click()
    page.get_by_text("Đã lưu 1 chỉ tiêu", exact=False).wait_for()

    folder = Path(server["TRACKER_CATALOGUE_DIR"])
    [saved] = list(folder.glob("*.yaml"))
    [entry] = yaml.safe_load(saved.read_text(encoding="utf-8"))["indicators"]
    assert entry["quote"].startswith("Tăng cường tuyên truyền về vai trò của đội ngũ trí thức")
    doc_id = saved.stem

    _wait_ready(page)
    page.get_by_text(f"({doc_id})", exact=False).click()
    _wait_ready(page)
    _choose(page, "Chỉ tiêu", "Tuyên truyền về vai trò trí thức")
    name = page.get_by_label("Tên", exact=True).last
    name.fill("Tuyên truyền về vai trò của đội ngũ trí thức")
    name.press("Enter")
    _wait_ready(page)
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.get_by_text(f"Đã sửa {entry['id']}").wait_for()
    page.screenshot(path=str(output_dir / "e2e_programme_renamed.png"), full_page=True)
    [renamed] = yaml.safe_load(saved.read_text(encoding="utf-8"))["indicators"]
    assert renamed["id"] == entry["id"] and renamed["name"]["vi"] == "Tuyên truyền về vai trò của đội ngũ trí thức"
    assert '"action": "edit"' in (folder / f"{doc_id}.changes.jsonl").read_text(encoding="utf-8")
