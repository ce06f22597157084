"""Several replicas on one PostgreSQL database (issue 14, part 3): two `streamlit run` servers on two
ports and four `tracker ingest` processes at once. Nothing is lost, both servers show the new data and
the same statuses, and those are the statuses `status --json` reads (statuses compared as data, the
pages only compared with each other).

Slow (a seeded database, two servers, a browser): generous timeouts, one test.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest

from tests.support import ROOT, TODAY
from tests.support.browser import CHROMIUM, LAUNCH_ARGS, needs_chromium
from tests.support.browser import wait_ready as _wait_ready
from tests.support.installation import child_env, cli, installation
from tests.support.servers import running_server

pytestmark = needs_chromium

UNITS = ("khanh-hoa", "bac-ninh", "can-tho", "ha-noi")
BASE_VALUE = 8761    # + n: values no demo form carries


def _ok(done) -> None:
    assert done.returncode == 0, f"{done.args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _form_codes(content: bytes) -> list[str]:
    """Target ids a generated form asks a whole-unit figure for, in its order."""
    import io

    from openpyxl import load_workbook

    from tracker.forms.demo import find_header

    sheet = load_workbook(io.BytesIO(content))["Số liệu"]
    header_row, cols = find_header(sheet)
    return [sheet.cell(r, cols["code"]).value for r in range(header_row + 1, sheet.max_row + 1)
            if sheet.cell(r, cols["code"]).value and not ("sector" in cols and sheet.cell(r, cols["sector"]).value)]


def _units(cat) -> dict[str, tuple[str, bytes]]:
    """Four units -> (a whole-unit target their 2026-Q3 form asks for, the blank form): a stock
    target where the unit has one, else a directional one."""
    from tracker.forms.workbook import build_form

    chosen = {}
    for unit, place in cat.jurisdictions.items():
        if not cat.indicators_for(unit) or (place.valid_to is not None and place.valid_to.isoformat() < "2026-10-01"):
            continue   # merged away: its figures for 2026-Q3 come from its successor
        blank = build_form(cat, unit, "2026-Q3")
        kinds = {code: cat.indicator(code).kind for code in _form_codes(blank) if cat.has_indicator(code)}
        for kind in ("stock", "direction"):
            found = [code for code, k in kinds.items() if k == kind]
            if found:
                chosen[unit] = (found[0], blank)
                break
        if len(chosen) == 4:
            break
    return chosen


def _statuses(units: dict) -> dict:
    """(unit, indicator) -> (status, latest value) of every numeric target: what the pages colour."""
    return {(u, a["indicator_id"], a.get("sector", "")): (a["status"], a["latest_value"])
            for u, parts in units.items() for a in parts["numeric"]}


TEXT_WITHOUT_CHARTS = """() => {
    const main = document.querySelector('[data-testid=stMain]').cloneNode(true);
    main.querySelectorAll('[data-testid=stPlotlyChart], .js-plotly-plot, img').forEach(e => e.remove());
    return main.innerText; }"""


def test_two_servers_and_four_concurrent_ingests_share_one_postgres(postgres, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    from tracker.catalogue import catalogue_key, load_catalogue
    from tracker.forms.demo import fill_form
    from tracker.assess.snapshot import catalogue_digest, snapshot_from_bytes
    from tracker.storage import Store
    url = postgres.new_database("replicas")
    env = child_env(installation(tmp_path, database=url))
    _ok(cli(env, "seed", "--if-empty"))
    with Store(url) as store:
        seeded = len(store.submissions())
    assert seeded > 0

    cat = load_catalogue()
    targets = _units(cat)
    assert len(targets) == 4
    forms = {}
    for n, (unit, (indicator, blank)) in enumerate(targets.items()):
        path = tmp_path / f"nq45_{unit}_2026-Q3.xlsx"
        path.write_bytes(fill_form(blank, {(indicator, ""): BASE_VALUE + n}))
        forms[unit] = path
    targets = {unit: indicator for unit, (indicator, _) in targets.items()}

    with ExitStack() as stack:
        servers = [stack.enter_context(running_server("dashboard.py", env, log=tmp_path / f"streamlit-{n}.log", timeout=240))
                   for n in range(2)]
        urls = [server.url for server in servers]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
            pages = [context.new_page() for _ in servers]

            def overview(page, base) -> str:
                page.set_default_timeout(180_000)
                page.goto(base)
                page.get_by_role("heading", name="Tổng quan").wait_for()
                _wait_ready(page)
                # The figures the servers agree on, not how far each browser has got with drawing its charts
                # (a Plotly chart's text appears once it is drawn): the page's text without the charts.
                return page.evaluate(TEXT_WITHOUT_CHARTS)

            def agreed(texts: list[str]) -> list[str]:
                # A page may still be growing after its run ended (charts, tables below, a snapshot that
                # one server has assessed a moment before the other): read both again until they agree.
                for _ in range(60):
                    if texts[0] == texts[1]:
                        break
                    time.sleep(1)
                    texts = [page.evaluate(TEXT_WITHOUT_CHARTS) for page in pages]
                return texts

            # Both servers have read and assessed the database before the ingests.
            before = agreed([overview(page, base) for page, base in zip(pages, urls)])
            assert before[0] == before[1]

            # Four ingests at once, each its own process; every one is stored.
            running = [subprocess.Popen([sys.executable, "-m", "tracker", "ingest", str(path)], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                       for path in forms.values()]
            for proc in running:
                out, err = proc.communicate(timeout=600)
                _ok(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
                assert "Đã lưu lần nộp" in out, out

            # Nothing lost: four new submissions, each value current.
            with Store(url) as store:
                assert len(store.submissions()) == seeded + 4
                current = store.current_observations(units=list(targets))
                for n, (unit, indicator) in enumerate(targets.items()):
                    mine = current[(current.unit == unit) & (current.indicator_id == indicator) & (current.period == "2026-Q3")]
                    assert mine["value"].tolist() == [BASE_VALUE + n], (unit, indicator)
                token = store.last_change()

            # Both servers noticed the change (the counter in the database) and show the same thing.
            after = agreed([overview(page, base) for page, base in zip(pages, urls)])
            assert after[0] == after[1]
            for page, base in zip(pages, urls):
                page.goto(base + "/dia-phuong?unit=" + next(iter(targets)))
                page.get_by_text(f"{BASE_VALUE // 1000}.{BASE_VALUE % 1000:03d}", exact=False).first.wait_for()
            context.close()
            browser.close()
        assert all(server.proc.poll() is None for server in servers)

        # The statuses the servers assessed (saved in the database for the latest change) are the
        # statuses `status --json` computes on its own.
        status = cli(env, "status", "--json")
        _ok(status)
        from_cli = _statuses(json.loads(status.stdout)["units"])
        with Store(url) as store:   # saved in the background by whichever server assessed it first
            for _ in range(120):
                saved = store.saved_snapshot(catalogue_digest(catalogue_key()), dt.date.fromisoformat(TODAY))
                if saved is not None and saved[0] == token:
                    break
                time.sleep(1)
        assert saved is not None and saved[0] == token
        # The saved snapshot is signed with the installation's key (beside its users file): read it as one of them.
        for name in ("TRACKER_USERS", "TRACKER_SETTINGS"):
            monkeypatch.setenv(name, env[name])
        snapshot = snapshot_from_bytes(saved[1], cat)
        from_servers = _statuses({u: {"numeric": [a.to_dict() for a in r["numeric"]]} for u, r in snapshot.results.items()})
        assert from_servers == from_cli
        for n, (unit, indicator) in enumerate(targets.items()):
            assert from_cli[(unit, indicator, "")][1] == BASE_VALUE + n
