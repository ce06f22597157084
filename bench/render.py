"""Render benchmark: a database of 1.000.000 observations (many units, every indicator, quarters
2024–2030), timing the overview computation and AppTest runs of the overview and a unit page.

Last line printed, exactly:
render observations=<n> overview_ms=<a> unit_page_ms=<b>
overview_ms is an AppTest run of the overview right after the data changed (a correction was
committed), so the snapshot is brought up to date from the database (the units the correction touched
are read and assessed again, see tracker/snapshot.py); unit_page_ms is an AppTest run of a unit page on
that snapshot. The full computation, the first page of a fresh server process (which computes every
status), the unchanged overview and the unit page after a change are printed on the lines above.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_ROWS = int(os.environ.get("BENCH_OBSERVATIONS", "1000000"))
TODAY = "2031-01-15"   # every quarter up to 2030 has ended


def fill(store, cat) -> int:
    import random

    from tracker.observation import Observation, ParsedForm
    from tracker.periods import Period, quarters

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
        if total >= TARGET_ROWS:
            break
    return total


def main() -> None:
    from bench.synthetic import synthetic_catalogue
    from tracker.catalogue import read_catalogue

    probe = read_catalogue(synthetic_catalogue(1))
    per_unit = sum((7 if i.reporting_frequency == "year" else 28) * max(1, len(i.sectors))
                   for i in probe.indicators)
    n_units = math.ceil(TARGET_ROWS / per_unit)
    cat_path = synthetic_catalogue(n_units)
    os.environ["TRACKER_CATALOGUE"] = str(cat_path)
    os.environ["TRACKER_TODAY"] = TODAY
    start = time.perf_counter()
    cat = read_catalogue(cat_path)
    print(f"read synthetic catalogue in {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        # BENCH_DB keeps the filled database between runs (filling takes about a minute).
        db = Path(os.environ.get("BENCH_DB") or Path(tmp) / "render.duckdb")
        os.environ["TRACKER_DB"] = str(db)
        os.environ["TRACKER_USERS"] = str(Path(tmp) / "users.toml")
        from tracker.store import Store

        start = time.perf_counter()
        reuse = db.exists()
        store = Store(db)
        n = store.observation_count() if reuse else fill(store, cat)
        print(f"{'reused' if reuse else 'filled'} {n} observations for {n_units} units × {len(probe.indicators)} indicators "
              f"in {time.perf_counter() - start:.1f} s")

        from tracker.progress import assess_all

        timings = []
        for _ in range(3):
            start = time.perf_counter()
            obs = store.current_values()
            ms = store.current_milestones()
            t_query = time.perf_counter() - start
            results = assess_all(cat, obs, ms, dt.date.fromisoformat(TODAY))
            timings.append((time.perf_counter() - start, t_query))
        best = min(timings)
        print(f"overview computation (queries + assess_all of {sum(len(r['numeric']) for r in results.values())} targets): "
              f"{best[0] * 1000:.0f} ms (queries {best[1] * 1000:.0f} ms)")
        store.close()

        from streamlit.testing.v1 import AppTest

        from tracker.catalogue import load_catalogue

        start = time.perf_counter()
        load_catalogue()   # loaded once per server process, before any page; not part of a page's time
        print(f"catalogue of {len(cat.indicators)} indicators loaded in {time.perf_counter() - start:.1f} s")

        def run(page: str, params: dict | None = None) -> float:
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
            for k, v in (params or {}).items():
                at.query_params[k] = v
            if page != "views/overview.py":
                at.switch_page(page)   # open the page directly, as a link or a reload does
            start = time.perf_counter()
            at.run()
            elapsed = time.perf_counter() - start
            if at.exception:
                raise SystemExit(f"{page}: {at.exception[0].value}")
            return elapsed * 1000

        def correct(k: int) -> None:
            """A staff correction of one value: the database changes, so the next page recomputes."""
            from tracker.observation import Observation, ParsedForm

            unit = next(iter(cat.jurisdictions))
            ind = next(i for i in cat.own_indicators(unit) if i.reporting_frequency == "quarter" and not i.sectors)
            content = f"correction {k} {time.time_ns()}".encode()   # new bytes: not recognised as a file seen before
            parsed = ParsedForm(file_name=f"correction-{k}.xlsx", sha256=hashlib.sha256(content).hexdigest(), unit=unit,
                                period="2030-Q4", observations=[Observation(ind.id, unit, "2030-Q4", 999.0 + k)])
            writer = Store(db)
            result = writer.commit(parsed, content, user="bench")
            writer.close()
            assert not result.duplicate

        unit = next(iter(cat.jurisdictions))
        first = run("views/overview.py")   # a fresh server's first page: imports, first admin (bcrypt), progress plan
        correct(1)
        overview_changed = run("views/overview.py")   # snapshot recomputed: queries + every status + the page
        overview_cached = run("views/overview.py")    # same data: the snapshot comes from the cache
        unit_cached = run("views/unit.py", {"unit": unit})
        correct(2)
        unit_changed = run("views/unit.py", {"unit": unit})
        print(f"AppTest overview: first page of a fresh server {first:.0f} ms; after a data change {overview_changed:.0f} ms; "
              f"cached {overview_cached:.0f} ms")
        print(f"AppTest unit page ({unit}): cached {unit_cached:.0f} ms; after a data change {unit_changed:.0f} ms")
        print(f"render observations={n} overview_ms={overview_changed:.0f} unit_page_ms={unit_cached:.0f}")


if __name__ == "__main__":
    main()
