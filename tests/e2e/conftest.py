"""The browser tests' fixtures: the production server over a seeded installation, Chromium, a page."""

from __future__ import annotations

import pytest

from tests.support.browser import CHROMIUM, LAUNCH_ARGS
from tests.support.servers import served_demo


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard served by the production entry (tracker.server, app.py, as `make run`) on a free port, over
    its own demo database (seeded by the real first-run command; the server process owns that file)."""
    accounts = [("canbo.khanhhoa", "uploader", "mat-khau-kh-2026", ("khanh-hoa",)),
                ("lanhdao", "viewer", "mat-khau-ld-2026", ())]
    with served_demo(tmp_path_factory.mktemp("e2e"), accounts) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()
