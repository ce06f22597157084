"""Every command works while the dashboard runs (issue 14): a real `streamlit run dashboard.py` has
served the overview to a real browser, then `status`, `template`, `briefing` and `ingest` run as
separate processes against the same DuckDB file, and the ingested value is on the page after a reload.

Before issue 14 the server held the file for its whole life and each of these commands failed after
5 s with "in use by another process".
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import ROOT
from tests.support.browser import CHROMIUM, LAUNCH_ARGS, needs_chromium
from tests.support.browser import wait_ready as _wait_ready
from tests.support.installation import child_env, cli, installation
from tests.support.servers import running_server

pytestmark = needs_chromium

VALUE = 8765          # a value no demo form carries
SHOWN = "8.765"       # as the unit page writes it


def _cli(env, *args, timeout=240) -> subprocess.CompletedProcess:
    return cli(env, *args, timeout=timeout)


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, f"{done.args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "đang bận" not in done.stderr and "in use by another process" not in done.stderr
    return done


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """A seeded installation in a temp folder and the dashboard serving it on a free port."""
    base = tmp_path_factory.mktemp("concurrent")
    env = child_env(installation(base))
    _ok(_cli(env, "seed", "--if-empty", timeout=600))
    with running_server("dashboard.py", env, log=base / "streamlit.log", timeout=120) as server:
        yield {"url": server.url, "env": env, "base": base, "proc": server.proc}


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
        pg = context.new_page()
        pg.set_default_timeout(90_000)
        yield pg
        context.close()
        browser.close()


def _overview(page, url):
    page.goto(url)
    page.get_by_role("heading", name="Tổng quan").wait_for()
    page.get_by_text("Dữ liệu minh họa", exact=False).first.wait_for()
    _wait_ready(page)


def _unit_page(page, url):
    page.goto(url + "/dia-phuong?unit=khanh-hoa")
    page.get_by_role("heading", name="Địa phương: Khánh Hòa").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    _wait_ready(page)


def test_every_command_works_while_the_dashboard_serves_pages(running, page, tmp_path, output_dir):
    from openpyxl import load_workbook

    from tracker.present.briefing.deck import slide_texts
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form

    url, env = running["url"], running["env"]
    stock = next(i for i in load_catalogue().indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)

    # A leader has the overview open: the server has opened the database, read it and assessed it
    # (the demo banner comes from the snapshot).
    _overview(page, url)
    _unit_page(page, url)
    assert SHOWN not in page.locator("[data-testid=stMain]").inner_text()
    assert running["proc"].poll() is None

    # Read commands, while the server runs.
    status = _ok(_cli(env, "status", "--json"))
    assert "khanh-hoa" in json.loads(status.stdout)["units"]
    form = tmp_path / "nq45_khanh-hoa_2026-Q3.xlsx"
    _ok(_cli(env, "template", "--unit", "khanh-hoa", "--period", "2026-Q3", "--out", str(form)))
    assert "Số liệu" in load_workbook(form).sheetnames
    deck = tmp_path / "deck.pptx"
    _ok(_cli(env, "briefing", "--unit", "khanh-hoa", "--out", str(deck), timeout=600))
    texts = slide_texts(deck.read_bytes())
    assert texts and any("Khánh Hòa" in text for text in texts)

    # A write: the form the CLI just made, filled, stored while the server runs.
    upload = tmp_path / "nq45_khanh-hoa_2026-Q3_filled.xlsx"
    upload.write_bytes(fill_form(form.read_bytes(), {(stock.id, ""): VALUE}))
    stored = _ok(_cli(env, "ingest", str(upload)))
    assert "Đã lưu lần nộp" in stored.stdout

    # The dashboard shows it on the next page view; meanwhile a `status` runs beside that view.
    beside = subprocess.Popen([sys.executable, "-m", "tracker", "status", "--json", "--unit", "khanh-hoa"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    page.reload()
    page.get_by_role("heading", name="Địa phương: Khánh Hòa").wait_for()
    page.get_by_text(SHOWN, exact=False).first.wait_for()
    page.screenshot(path=str(output_dir / "e2e_concurrent_cli_unit.png"), full_page=True)
    out, err = beside.communicate(timeout=240)
    _ok(subprocess.CompletedProcess(beside.args, beside.returncode, out, err))
    mine = {a["indicator_id"]: a for a in json.loads(out)["units"]["khanh-hoa"]["numeric"]}[stock.id]
    assert VALUE in [point["value"] for point in mine["series"]] or mine["latest_value"] == VALUE

    # And the server, still up, serves the overview again after all of it.
    _overview(page, url)
    assert running["proc"].poll() is None
