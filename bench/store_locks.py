"""How long the store holds the DuckDB file (issue 14): the dashboard holds it only while it reads or
commits, so these times are what another process (the CLI) can have to wait.

For each database size (BENCH_LOCK_ROWS, default "100000,1000000" observations):
  open_ms         open a read-only connection and close it
  page_view_ms    a page view on unchanged data: open, read the change token, close
  snapshot_ms     the reads of a full snapshot in one unit of work (open … close), without assessing
  commit_lock_ms  a commit of a 40-value form, from opening the file writable to closing it
                  (the checkpoint of the WAL into the file included): how long the file is locked
Medians of several runs. Then, unless BENCH_LOCK_DASHBOARD=0, the latency of `python -m tracker status`
on the demo database, alone and while a real `streamlit run dashboard.py` serves it and a headless
Chromium has opened the overview (needs /usr/bin/chromium and Playwright).

Last line printed, exactly:
store_locks rows=<largest n> open_ms=<a> page_view_ms=<b> commit_lock_ms=<c> status_ms=<d> status_ms_dashboard=<e>
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"


def _median_ms(values) -> float:
    return round(statistics.median(values) * 1000, 1)


def _fill(db: Path, rows: int) -> None:
    """A database of ``rows`` observations in one submission, written with SQL (seconds, not minutes)."""
    from tracker.storage.queries import Store

    with Store(db) as store, store._cursor(write=True) as cur:
        cur.execute("""INSERT INTO submissions (file_name, sha256, archive_name, uploaded_by, uploaded_at, unit, period,
                           form_version, observation_count, milestone_count, report_json, is_demo)
                       VALUES ('bench.xlsx', 'bench', 'bench.xlsx', 'bench', now()::TIMESTAMP, '*', '*', '1', ?, 0, '{}', false)""",
                    [rows])
        cur.execute("""INSERT INTO observations (submission_id, indicator_id, unit, period, period_key, sector, value,
                                                 note, source, recorded_at)
                       SELECT 1, 'ind' || (i % 250), 'unit' || (i // 250 % 400), (2016 + i // 40000 % 15) || '-Q' || (i % 4 + 1),
                              (2016 + i // 40000 % 15) * 10 + i % 4 + 1, '', i::DOUBLE, '', '', now()::TIMESTAMP
                       FROM range(?) t(i)""", [rows])


def _form(k: int):
    from tracker.core.observation import Observation, ParsedForm

    content = f"bench lock {k}".encode()
    parsed = ParsedForm(file_name=f"f{k}.xlsx", sha256=hashlib.sha256(content).hexdigest(), unit="unit1", period="2026-Q3",
                        observations=[Observation(f"ind{i}", "unit1", "2026-Q3", float(k + i)) for i in range(40)])
    return parsed, content


def measure(db: Path, runs: int = 15) -> dict[str, float]:
    import duckdb

    from tracker.storage.queries import Store

    store = Store(db)
    opens, views, snaps, commits = [], [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        duckdb.connect(str(db), read_only=True).close()
        opens.append(time.perf_counter() - start)
        start = time.perf_counter()
        with store.reading():
            store.last_change()
        views.append(time.perf_counter() - start)
    for _ in range(5):
        start = time.perf_counter()
        with store.reading():
            store.current_values(), store.current_milestones(), store.reported_periods(), store.has_demo_data()
        snaps.append(time.perf_counter() - start)

    real = Store._connection

    @contextmanager
    def timed(self, write=False):
        start = time.perf_counter()
        with real(self, write) as cur:
            yield cur
        if write:
            commits.append(time.perf_counter() - start)

    Store._connection = timed
    try:
        for k in range(runs):
            parsed, content = _form(k)
            store.commit(parsed, content, user="bench")
    finally:
        Store._connection = real
    return {"open_ms": _median_ms(opens), "page_view_ms": _median_ms(views), "snapshot_ms": _median_ms(snaps),
            "commit_lock_ms": _median_ms(commits)}




def _status_ms(env, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tracker", "status", "--json"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"status failed: {done.stderr[-2000:]}")
    return _median_ms(times)


def status_beside_dashboard(tmp: Path) -> tuple[float, float | None]:
    from tracker.server import free_port, wait_until_healthy

    env = {**os.environ, "TRACKER_DB": str(tmp / "demo.duckdb"), "TRACKER_USERS": str(tmp / "users.toml"),
           "TRACKER_TODAY": "2026-10-15", "PYTHONPATH": str(ROOT)}
    env.pop("TRACKER_CATALOGUE", None)
    subprocess.run([sys.executable, "-m", "tracker", "seed", "--if-empty"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    alone = _status_ms(env)
    if os.environ.get("BENCH_LOCK_DASHBOARD", "1") == "0" or not Path(CHROMIUM).exists():
        return alone, None
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true",
                               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, timeout=120)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.get_by_text("Dữ liệu minh họa", exact=False).first.wait_for()   # the snapshot was read
            beside = _status_ms(env)
            browser.close()
    finally:
        server.terminate()
        server.wait(15)
    return alone, beside


def main() -> None:
    sizes = [int(n) for n in os.environ.get("BENCH_LOCK_ROWS", "100000,1000000").split(",")]
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            db = Path(tmp) / f"locks_{rows}.duckdb"
            start = time.perf_counter()
            _fill(db, rows)
            print(f"filled {rows} observations in {time.perf_counter() - start:.1f} s", flush=True)
            figures = measure(db)
            print(f"rows={rows} " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
            db.unlink()
        alone, beside = status_beside_dashboard(Path(tmp))
        print(f"status on the demo database: alone {alone} ms, while the dashboard serves it "
              f"{'(not measured)' if beside is None else f'{beside} ms'}")
    print(f"store_locks rows={sizes[-1]} open_ms={figures['open_ms']} page_view_ms={figures['page_view_ms']} "
          f"commit_lock_ms={figures['commit_lock_ms']} status_ms={alone} status_ms_dashboard={beside}")


if __name__ == "__main__":
    main()
