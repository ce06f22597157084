"""The static public site opened from disk (file://) in a real browser at a phone's and a laptop's width:
nothing runs (no JavaScript needed), nothing scrolls sideways, the 2030 target is there to read."""

from __future__ import annotations

import pytest

from tests.support import OUTPUT
from tests.support.browser import CHROMIUM, LAUNCH_ARGS, needs_chromium

pytestmark = needs_chromium

SHOTS = OUTPUT / "public-site"


@pytest.fixture(scope="module")
def site(seeded, tmp_path_factory):
    from tracker.cli import main

    out = tmp_path_factory.mktemp("public") / "site"
    with pytest.MonkeyPatch.context() as env:
        for k, v in seeded.items():
            env.setenv(k, v)
        assert main(["publish", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_site_from_disk_reads_without_overflow(site, width, height):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            # JavaScript off: the site must be readable without it.
            context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
            page = context.new_page()
            for path, target in (("vi/khanh-hoa/index.html", "Mục tiêu 2030"), ("en/khanh-hoa/index.html", "Target 2030"),
                                 ("vi/index.html", "Mục tiêu"), ("en/index.html", "Target"),
                                 ("vi/bac-ninh/index.html", "Mục tiêu 2030")):
                page.goto((site / path).as_uri())
                name = path.replace("/index.html", "").replace("/", "_")
                page.screenshot(path=str(SHOTS / f"{name}_{width}x{height}.png"))
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{path} scrolls {overflow} px sideways at {width} px"
                shown = page.get_by_text(target).first
                shown.scroll_into_view_if_needed()
                assert shown.is_visible(), f"{target!r} not visible on {path}"
                box = shown.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (path, box)
            # A link from the overview to a unit page works from disk (relative links, index.html named).
            page.goto((site / "vi/index.html").as_uri())
            page.locator("a[href='khanh-hoa/index.html']").first.click()
            assert page.url.endswith("/vi/khanh-hoa/index.html")
            page.locator(".chart").first.screenshot(path=str(SHOTS / f"chart_{width}.png"))
            page.locator("a.lang").click()
            assert page.url.endswith("/en/khanh-hoa/index.html")
        finally:
            browser.close()
