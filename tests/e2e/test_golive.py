"""Issue 20, item 1 in a real browser: on a fresh demo installation with one real upload, an admin signs
in, presses "Bắt đầu sử dụng thật (xóa dữ liệu minh họa)", confirms, and the demo banner and the charts'
watermark are gone from the overview and from a unit page, whose real figure is still drawn.

Every wait is for something on the page (a text, a chart), never a fixed time."""

from __future__ import annotations

import datetime as dt

from tests.support import TODAY
from tests.support.browser import needs_chromium, sign_in, wait_ready

pytestmark = needs_chromium

ADMIN = ("quantri.golive", "mat-khau-golive-2026")
BANNER = "Dữ liệu minh họa — không phải số liệu thật"
WATERMARK = "DỮ LIỆU MINH HỌA"
GO_LIVE = "Bắt đầu sử dụng thật (xóa dữ liệu minh họa)"


def _real_upload(server) -> float:
    """One real Khánh Hòa form for Quý III/2026, stored beside the running dashboard (as the CLI would)."""
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form
    from tracker.ingest import read_form
    from tracker.storage import Store
    from tracker.forms.workbook import build_form

    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    content = fill_form(build_form(cat, "khanh-hoa", "2026-Q3"), {(stock.id, ""): 4321})
    with Store(server["TRACKER_DB"]) as store:
        parsed = read_form(content, "nq45_khanh-hoa_2026-Q3.xlsx", cat, today=dt.date.fromisoformat(TODAY),
                           previous=store.previous_values)
        assert parsed.ok, parsed.report.render()
        # a jump against the demo value is a warning a clerk confirms; the test confirms it by storing
        store.commit(parsed, content, user="canbo.khanhhoa")
    return stock


def _charts_drawn(page, at_least: int = 1) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {at_least}",
                           timeout=90_000)


def _page_text(page) -> str:
    """What the page shows, charts' SVG text included (the watermark is an annotation of each chart)."""
    return page.evaluate("() => document.body.innerText + ' ' + [...document.querySelectorAll('svg text')]"
                         ".map(t => t.textContent).join(' ')")


def test_an_admin_goes_live_and_nothing_demo_is_left(server, page, output_dir):
    from tracker.accounts.users import UserStore

    UserStore(server["TRACKER_USERS"]).add_user(ADMIN[0], "admin", ADMIN[1])
    stock = _real_upload(server)

    # Before (as anyone sees it): the banner on the overview, and on a unit still drawing demo values, with
    # the charts' watermark (Khánh Hòa's real upload already took its demo values out of what it shows).
    page.goto(server["url"])
    wait_ready(page)
    page.get_by_text(BANNER, exact=False).first.wait_for()
    page.goto(server["url"] + "/dia-phuong?unit=lam-dong")
    wait_ready(page)
    page.get_by_text(BANNER, exact=False).first.wait_for()
    _charts_drawn(page)
    page.wait_for_function(f"() => [...document.querySelectorAll('svg text')].some(t => t.textContent.includes('{WATERMARK}'))",
                           timeout=60_000)

    # Go live: the page says what goes, asks to tick, then the one button.
    sign_in(page, server["url"], *ADMIN)
    page.get_by_role("link", name="Bắt đầu sử dụng thật").click()
    page.get_by_role("heading", name=GO_LIVE).wait_for()
    button = page.get_by_role("button", name=GO_LIVE)
    button.wait_for()
    assert button.is_disabled()
    page.get_by_text("Tôi đã đọc những gì sẽ bị rút", exact=False).click()
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           f"b => b.innerText.includes('{GO_LIVE}') && !b.disabled)")
    button.click()
    page.get_by_text("Đã bắt đầu sử dụng thật: rút", exact=False).wait_for()

    # After (as anyone sees it): no banner on the overview; no banner nor watermark on the unit pages, and
    # Khánh Hòa's real figure still drawn.
    page.goto(server["url"])
    wait_ready(page)
    page.get_by_role("heading", name="Tổng quan", exact=False).first.wait_for()
    page.locator('[data-testid="stMetric"]').first.wait_for()
    page.screenshot(path=str(output_dir / "e2e_golive_overview.png"), full_page=True)
    text = _page_text(page)
    assert BANNER not in text and WATERMARK not in text

    for unit, name in (("lam-dong", "Lâm Đồng"), ("khanh-hoa", "Khánh Hòa")):
        page.goto(server["url"] + f"/dia-phuong?unit={unit}")
        wait_ready(page)
        page.get_by_role("heading", name=name, exact=False).first.wait_for()
        if unit == "khanh-hoa":   # the real figure is still drawn
            _charts_drawn(page)
            page.wait_for_function("() => [...document.querySelectorAll('svg text')].some(t => t.textContent.includes('4.321'))",
                                   timeout=60_000)
            page.screenshot(path=str(output_dir / "e2e_golive_unit.png"), full_page=True)
            assert stock.name.get("vi") in _page_text(page)
        text = _page_text(page)
        assert BANNER not in text and WATERMARK not in text, unit
