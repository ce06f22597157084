"""Render benchmark on a real server: a database of 1 000 000 observations (many units, every indicator,
quarters 2024–2030) served by a real dashboard process on 127.0.0.1, pages asked for over Streamlit's
websocket protocol (bench/streamlit_client.py), the server's CPU read from /proc.

What it reports (AppTest is not used: it pre-loads modules and runs in the benchmark's own process):
- cold start: from starting the server process to the first overview received, the catalogue not
  loaded beforehand — with nothing parsed on disk (the first start of an installation, or after the
  big catalogue file itself or the code that reads it changed), with every file's parsed copy on disk
  (every later start), and the first start after a programme was saved into the catalogue folder (a
  catalogue change as the «Thêm chương trình» page makes one: the new file has no parsed copy; the
  catalogue is validated as a whole again);
- server CPU per overview view, warm, for the production entry (tracker.server: warm-up, GC policy,
  no file watcher) and for a plain `streamlit run dashboard.py` with Streamlit's defaults, and with
  Streamlit's post-script collection switched off instead (the option the GC policy replaces);
- the overview right after a data change (the snapshot brought up to date) and a unit page.

Last line printed, exactly:
render observations=<n> cold_start_ms=<a> overview_ms=<b> unit_page_ms=<c> server_cpu_ms_per_view=<d> backend=<e> cold_start_nocache_ms=<f> unit_page_cpu_ms=<g>
cold_start_ms: production entry, parsed catalogue on disk; cold_start_nocache_ms: production entry, the
first start after a programme was saved (above); overview_ms: the overview right after a
correction was committed; unit_page_ms: a unit page, warm (median wall time; its first view after the
snapshot, which builds what all its viewers share, is printed apart); server_cpu_ms_per_view: warm
overview views, production entry; unit_page_cpu_ms: server CPU per warm unit page view, measured the
same way. Both of these are measured with another tab left open on the server (bench/streamlit_client.py
OpenTab: Streamlit compiles the page scripts again whenever its last session has gone, which one
closed page load after another would make it do on every view); the lines above give them without.
Each figure line carries the machine's load average (1, 5, 15 min) when it was taken.

Options: --db-url postgresql://… measures that store instead of a DuckDB file (passed to the server as
TRACKER_DB); BENCH_OBSERVATIONS (default 1000000); BENCH_UNITS (every one of that many units filled,
instead); BENCH_DB keeps the filled DuckDB file between runs.

Two sizes (issue 24, goal 5): with BENCH_UNITS (DuckDB), the BENCH_OBSERVATIONS size is measured first
in the same run (without the plain `streamlit run` entries; BENCH_BASE_DB keeps its database), then
each figure is printed at both sizes with its ratio beside the data's, and the line before the last is
scale observations=<a>,<b> data_ratio=<r> snapshot_s_ratio=<q> … rss_mb_ratio=<q> faster_than_data=<names|none>
(the warm-up's own seconds, from the server's log, have no fixed part; the start has the imports).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import math
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_ROWS = int(os.environ.get("BENCH_OBSERVATIONS", "1000000"))
# BENCH_UNITS: that many units, every one filled (3400: 34 provinces and their communes, about 2,6
# million observations at the synthetic catalogue's 28 targets a unit); it wins over BENCH_OBSERVATIONS.
UNITS = int(os.environ["BENCH_UNITS"]) if os.environ.get("BENCH_UNITS") else None
TODAY = "2031-01-15"   # every quarter up to 2030 has ended
VIEWS = 10             # warm views per CPU figure


def fill(store, cat, target_rows: int = TARGET_ROWS) -> int:
    import random

    from tracker.core.observation import Observation, ParsedForm
    from tracker.core.periods import Period, quarters

    qs = [p.code for p in quarters(Period(2024, 1), Period(2030, 4))]
    years = [str(y) for y in range(2024, 2031)]
    rng = random.Random(45)
    total = 0
    for unit in cat.jurisdictions:
        obs = []
        for ind in cat.own_indicators(unit):
            periods = years if ind.reporting_frequency == "year" else qs
            for sector in [s.id for s in ind.sectors] or [""]:
                level = 50 + rng.random() * 50
                for k, p in enumerate(periods):
                    obs.append(Observation(ind.id, unit, p, round(level * (1 + 0.02 * k) + rng.random(), 2), sector))
        content = f"bench {unit}".encode()
        parsed = ParsedForm(file_name=f"{unit}.xlsx", sha256=hashlib.sha256(content).hexdigest(), unit=unit,
                            period="*", observations=obs)
        store.commit(parsed, content, user="bench")
        total += len(obs)
        if total >= target_rows:
            break
    return total


def backend_name(db_url: str | None) -> str:
    return "postgresql" if db_url and db_url.startswith(("postgresql:", "postgres:")) else "duckdb"


@contextlib.contextmanager
def prepared(db_url: str | None = None, units: int | None = UNITS, db_path: str | None = None):
    """A filled installation for the benchmark: yields (environment for the server, observation count,
    catalogue, catalogue path). The environment is also set in this process (the store is opened here).
    ``units``: that many units, every one filled (None: BENCH_OBSERVATIONS observations); ``db_path``:
    the DuckDB file to fill or reuse (default BENCH_DB, else a temporary one)."""
    from bench.synthetic import OUT, synthetic_catalogue
    from tracker.catalogue import parse_once, read_catalogue

    probe = read_catalogue(synthetic_catalogue(1))
    per_unit = sum((7 if i.reporting_frequency == "year" else 28) * max(1, len(i.sectors)) for i in probe.indicators)
    n_units = units or math.ceil(TARGET_ROWS / per_unit)
    cat_path = OUT / f"catalogue_{n_units}.yaml"
    if not cat_path.exists() or cat_path.stat().st_mtime < (ROOT / "indicators.yaml").stat().st_mtime:
        synthetic_catalogue(n_units, cat_path)
    start = time.perf_counter()
    os.environ["TRACKER_CACHE_DIR"] = str(OUT / "cache")   # this process's copy; the servers get their own
    cat = parse_once([cat_path])
    print(f"synthetic catalogue of {len(cat.indicators)} indicators ({n_units} units) loaded in "
          f"{time.perf_counter() - start:.1f} s")
    tmp = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        db = db_url or str(Path(db_path or os.environ.get("BENCH_DB") or tmp / "render.duckdb"))
        env = {"TRACKER_CATALOGUE": str(cat_path), "TRACKER_TODAY": TODAY, "TRACKER_DB": db,
               "TRACKER_USERS": str(tmp / "users.toml"), "TRACKER_CATALOGUE_DIR": str(tmp / "catalogue"),
               "TRACKER_CACHE_DIR": str(tmp / "cache")}
        os.environ.update({k: v for k, v in env.items() if k != "TRACKER_CACHE_DIR"})
        from tracker.storage import Store

        start = time.perf_counter()
        store = Store(db)
        n = store.observation_count()
        if n == 0:
            n = fill(store, cat, n_units * per_unit if units else TARGET_ROWS)
            print(f"filled {n} observations for {n_units} units in {time.perf_counter() - start:.1f} s")
        else:
            print(f"reused {n} observations")
        store.close()
        yield env, n, cat, cat_path
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def save_programme(folder: Path, k: int = 1) -> Path:
    """A programme of one more unit (the real targets, as the synthetic catalogue copies them) saved into
    the catalogue folder, as the «Thêm chương trình» page saves one: the catalogue has changed."""
    import yaml

    from bench.synthetic import synthetic_catalogue

    one = yaml.safe_load(synthetic_catalogue(1).read_text(encoding="utf-8"))
    unit, doc = f"don-vi-moi-{k}", f"doc-moi-{k}"

    def renamed(value):
        if isinstance(value, dict):
            return {key: renamed(v) for key, v in value.items()}
        if isinstance(value, list):
            return [renamed(v) for v in value]
        if isinstance(value, str):
            return value.replace("don-vi-0001", unit).replace("doc-0001", doc)
        return value

    programme = renamed(one)
    programme["jurisdictions"][0]["name"] = {"vi": f"Đơn vị mới {k}", "en": f"New unit {k}"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{unit}.yaml"
    path.write_text(yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def correct(cat, k: int) -> None:
    """A staff correction of one value: the database changes, so the next page brings the snapshot up to date."""
    from tracker.core.observation import Observation, ParsedForm
    from tracker.storage import Store

    unit = next(iter(cat.jurisdictions))
    ind = next(i for i in cat.own_indicators(unit) if i.reporting_frequency == "quarter" and not i.sectors)
    content = f"correction {k} {time.time_ns()}".encode()   # new bytes: not recognised as a file seen before
    parsed = ParsedForm(file_name=f"correction-{k}.xlsx", sha256=hashlib.sha256(content).hexdigest(), unit=unit,
                        period="2030-Q4", observations=[Observation(ind.id, unit, "2030-Q4", 999.0 + k)])
    writer = Store(os.environ["TRACKER_DB"])
    result = writer.commit(parsed, content, user="bench")
    writer.close()
    assert not result.duplicate


def snapshot_build(cat) -> tuple[float, float]:
    """(seconds to read the database and assess every target, MB of resident memory the snapshot added),
    measured here as a server's warm-up does it."""
    import gc

    from bench.streamlit_client import rss_mb
    from tracker.core.periods import today
    from tracker.assess.snapshot import build_snapshot
    from tracker.storage import Store

    # What the first build in a process imports (pandas' Arrow conversion, the assessment modules) is
    # not the snapshot's: imported here on an empty store, so that two sizes compare their builds alone.
    with Store(":memory:") as empty:
        build_snapshot(empty, cat.subset([next(iter(cat.jurisdictions))]), today())
    store = Store(os.environ["TRACKER_DB"])
    gc.collect()
    before, start = rss_mb(os.getpid()), time.perf_counter()
    snap = build_snapshot(store, cat, today())
    seconds, grown = time.perf_counter() - start, rss_mb(os.getpid()) - before
    del snap
    store.close()
    gc.collect()
    return seconds, grown


PRODUCTION = [sys.executable, "-m", "tracker.server"]
PLAIN = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py")]
NO_GC = [*PLAIN, "--server.fileWatcherType", "none", "--runner.postScriptGC", "false"]


def cold_start(env: dict, entry: list[str]) -> tuple[float, float]:
    """(ms from starting the server to the first overview received, ms until the server answered its
    health check), polling the health check as a browser would be refused until then. The warm-up's
    own seconds (catalogue and snapshot, tracker.server.warmup) are kept in ``last_warmup`` for the printout."""
    from bench.streamlit_client import Server, view

    with Server(env=env, entry=entry) as server:
        ready = server.wait_ready(timeout=600)
        asyncio.run(view(server.url, timeout=600))
        ms = (time.perf_counter() - server.started) * 1000
        last_warmup["seconds"] = warmup_seconds(server.log)
        return ms, ready * 1000


last_warmup: dict = {"seconds": float("nan")}
_WARMUP_LINE = re.compile(r"warm-up: catalogue and snapshot ready in ([0-9.]+) s")


def warmup_seconds(log: Path | None) -> float:
    """The production server's warm-up time as it logs it (NaN for an entry without a warm-up)."""
    try:
        found = _WARMUP_LINE.search(log.read_text(errors="replace")) if log else None
    except OSError:
        return float("nan")
    return float(found.group(1)) if found else float("nan")


def cpu_per_view(server, views: int = VIEWS, query: str = "", page: str = "",
                 expect: str = "Tổng quan") -> tuple[float, float]:
    """(server CPU ms per view, median wall ms) over ``views`` sequential views of a warm server, each
    checked to show the heading ``expect``."""
    from bench.streamlit_client import percentile, view

    walls = []
    before = server.cpu()
    for _ in range(views):
        walls.append(asyncio.run(view(server.url, query_string=query, page_name=page, expect=expect))[0])
    return (server.cpu() - before) * 1000 / views, percentile(walls, 50)


def measure(db_url: str | None, units: int | None, *, compare_entries: bool = True,
            db_path: str | None = None) -> dict:
    """One size's figures, each printed as it is measured with the load average, and returned (for the
    last line and for the comparison of two sizes). ``compare_entries``: also the plain `streamlit run`
    entries (cold start and CPU per view), which the comparison of sizes leaves out."""
    from bench.streamlit_client import OpenTab, Server, load_average, view

    with prepared(db_url, units, db_path) as (env, n, cat, _):
        snapshot_seconds, snapshot_mb = snapshot_build(cat)
        print(f"snapshot of {n} observations ({len(cat.jurisdictions)} units, {len(cat.indicators)} targets) built in "
              f"{snapshot_seconds:.1f} s in this process, which grew by {snapshot_mb:.0f} MB  load {load_average()}")
        cache = Path(env["TRACKER_CACHE_DIR"])
        shutil.rmtree(cache, ignore_errors=True)
        empty_ms, ready_ms = cold_start(env, PRODUCTION)
        print(f"cold start, production entry, nothing parsed on disk (first start; the big catalogue file or the "
              f"code reading it changed): first overview {empty_ms:.0f} ms (server answering after {ready_ms:.0f} ms)  "
              f"load {load_average()}")
        cold_ms, ready_ms = cold_start(env, PRODUCTION)
        warm_s = last_warmup["seconds"]
        print(f"cold start, production entry, parsed catalogue on disk: first overview {cold_ms:.0f} ms "
              f"(server answering after {ready_ms:.0f} ms; its warm-up, catalogue and snapshot, {warm_s:.1f} s)  "
              f"load {load_average()}")
        programme = save_programme(Path(env["TRACKER_CATALOGUE_DIR"]))
        nocache_ms, ready_ms = cold_start(env, PRODUCTION)
        print(f"cold start, production entry, first start after a programme was saved (no parsed copy of it on "
              f"disk): first overview {nocache_ms:.0f} ms (server answering after {ready_ms:.0f} ms)  "
              f"load {load_average()}")
        programme.unlink()   # the figures below are of the benchmark's catalogue alone, as before
        if compare_entries:
            plain_ms, _ = cold_start(env, PLAIN)
            print(f"cold start, plain `streamlit run dashboard.py` (no warm-up, parsed catalogue on disk): first "
                  f"overview {plain_ms:.0f} ms  load {load_average()}")
            for label, entry in (("plain streamlit run (GC after each run, file watcher)", PLAIN),
                                 ("streamlit run, post-script GC and file watcher off", NO_GC),
                                 ("production entry (warm-up, gc.freeze policy, no file watcher)", PRODUCTION)):
                with Server(env=env, entry=entry) as server:
                    server.wait_ready(timeout=600)
                    asyncio.run(view(server.url, timeout=600))
                    cpu_ms, wall = cpu_per_view(server)
                    print(f"{label}: server CPU {cpu_ms:.0f} ms per overview view, median {wall:.0f} ms "
                          f"({VIEWS} views, rss {server.rss():.0f} MB)  load {load_average()}")

        unit = next(iter(cat.jurisdictions))
        with Server(env=env, entry=PRODUCTION) as server:
            server.wait_ready(timeout=600)
            asyncio.run(view(server.url, timeout=600))
            with OpenTab(server.url):
                prod_cpu, prod_ms = cpu_per_view(server)
            print(f"production entry, another tab open: server CPU {prod_cpu:.0f} ms per overview view, median "
                  f"{prod_ms:.0f} ms  load {load_average()}")
            correct(cat, 1)
            before = server.cpu()
            changed_ms, _ = asyncio.run(view(server.url, timeout=600, expect="Tổng quan"))
            changed_cpu = (server.cpu() - before) * 1000
            # The unit's first view after the snapshot builds what every viewer of it shares
            # (tracker.present.unit_page); the warm views after it are what a crowd of its viewers costs.
            first_cpu, first_ms = cpu_per_view(server, views=1, query=f"unit={unit}", page="dia-phuong",
                                               expect=f"Địa phương: {cat.name(unit)}")
            alone_cpu, alone_ms = cpu_per_view(server, query=f"unit={unit}", page="dia-phuong",
                                               expect=f"Địa phương: {cat.name(unit)}")
            with OpenTab(server.url):
                unit_cpu, unit_ms = cpu_per_view(server, query=f"unit={unit}", page="dia-phuong",
                                                 expect=f"Địa phương: {cat.name(unit)}")
            rss = server.rss()
            print(f"overview after a data change: {changed_ms:.0f} ms (server CPU {changed_cpu:.0f} ms, "
                  f"GC policy's collection included)  load {load_average()}")
            print(f"unit page ({unit}), first view after the snapshot: {first_ms:.0f} ms, server CPU {first_cpu:.0f} ms  "
                  f"load {load_average()}")
            print(f"unit page ({unit}), warm, no other tab open: median {alone_ms:.0f} ms, server CPU {alone_cpu:.0f} ms "
                  f"per view  load {load_average()}")
            print(f"unit page ({unit}), warm, another tab open: median {unit_ms:.0f} ms, server CPU {unit_cpu:.0f} ms "
                  f"per view ({VIEWS} views, rss {rss:.0f} MB)  load {load_average()}")
    return {"observations": n, "units": len(cat.jurisdictions), "snapshot_s": snapshot_seconds,
            "snapshot_mb": snapshot_mb, "warmup_s": warm_s, "cold_start_ms": cold_ms, "cold_start_nocache_ms": nocache_ms,
            "cold_start_empty_ms": empty_ms, "overview_cpu_ms": prod_cpu, "unit_page_cpu_ms": unit_cpu, "rss_mb": rss,
            "overview_ms": changed_ms, "unit_page_ms": unit_ms}


# What the comparison of two sizes reads (goal 5: nothing grows faster than the data). The per-view CPU
# and the RSS are expected to grow less; the start has a fixed part (imports), the warm-up has none.
SCALED = (("snapshot_s", "snapshot build", "s"), ("snapshot_mb", "its memory", "MB"),
          ("warmup_s", "warm-up (catalogue and snapshot)", "s"), ("cold_start_ms", "start → first overview", "ms"),
          ("cold_start_nocache_ms", "… after a programme was saved", "ms"),
          ("cold_start_empty_ms", "… nothing parsed on disk", "ms"), ("overview_cpu_ms", "overview CPU a view", "ms"),
          ("unit_page_cpu_ms", "unit page CPU a view", "ms"), ("rss_mb", "server RSS", "MB"))


def compare(small: dict, large: dict) -> str:
    """Prints each figure at both sizes with its ratio beside the data's; returns the machine-readable
    line: ``scale observations=<a>,<b> data_ratio=<r> <figure>_ratio=<q> … faster_than_data=<names|none>``."""
    from bench.streamlit_client import load_average

    data = large["observations"] / small["observations"]
    print(f"two sizes, {small['observations']} → {large['observations']} observations ({small['units']} → "
          f"{large['units']} units): ×{data:.2f} the data  load {load_average()}")
    ratios, faster = {}, []
    for key, label, unit in SCALED:
        a, b = small[key], large[key]
        ratio = b / a if a and math.isfinite(a) and math.isfinite(b) else float("nan")
        ratios[key] = ratio
        if ratio > data:
            faster.append(key)
        print(f"  {label}: {a:.1f} → {b:.1f} {unit} (×{ratio:.2f}){'  FASTER THAN THE DATA' if ratio > data else ''}")
    return (f"scale observations={small['observations']},{large['observations']} data_ratio={data:.2f} "
            + " ".join(f"{k}_ratio={v:.2f}" for k, v in ratios.items())
            + f" faster_than_data={','.join(faster) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-url", help="a PostgreSQL URL (TRACKER_DB of the server); default: a DuckDB file")
    args = parser.parse_args()
    backend = backend_name(args.db_url)
    small = None
    if UNITS and not args.db_url:
        # The national size is compared with the default one in the same run, so that the run itself
        # says whether anything grew faster than the data (one PostgreSQL database holds one size).
        print(f"-- {TARGET_ROWS} observations, to compare with {UNITS} units")
        small = measure(None, None, compare_entries=False, db_path=os.environ.get("BENCH_BASE_DB"))
        print(f"-- {UNITS} units")
    big = measure(args.db_url, UNITS)
    if small is not None:
        print(compare(small, big))
    print(f"render observations={big['observations']} cold_start_ms={big['cold_start_ms']:.0f} "
          f"overview_ms={big['overview_ms']:.0f} unit_page_ms={big['unit_page_ms']:.0f} "
          f"server_cpu_ms_per_view={big['overview_cpu_ms']:.0f} backend={backend} "
          f"cold_start_nocache_ms={big['cold_start_nocache_ms']:.0f} unit_page_cpu_ms={big['unit_page_cpu_ms']:.0f}")


if __name__ == "__main__":
    main()
