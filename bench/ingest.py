"""Ingest benchmark: a 100.000-row bulk workbook (``--rows N`` for another size, e.g. 400000), parsed +
validated + committed end to end, against a baseline of pandas.read_excel(engine="openpyxl") on the same file.
``--no-baseline`` skips the (slow) baseline. ``--db-url postgresql://…`` commits into that PostgreSQL
database instead of a new DuckDB file: each run in a schema of its own (created, then dropped), so
that every run stores the file anew.

Each measurement runs in a fresh process so that peak memory (ru_maxrss) is that step's own.
Last line printed, exactly:
ingest rows=<n> seconds=<s> rows_per_s=<r> peak_mb=<m> baseline_seconds=<b> commit_seconds=<c> backend=<duckdb|postgresql> floor_seconds=<f> ratio=<q>
(commit_seconds: the store's part, Store.commit, of the best run; floor_seconds: python-calamine alone
reading every sheet of the same bytes, in the same process as that run, with the cyclic collector paused
as the ingest has it, the better of one read just before and one just after the ingest; ratio:
seconds / floor_seconds; all three of the best run. The runs line also gives the floor of a plain
script, collector running, which is slower.)
The machine's load average (/proc/loadavg) is printed at the start and at the end (just before that
line): the figures of a loaded machine are read as ratios.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
# Every quarter 2024–2030 has ended, so one bulk form can carry seven years of a unit's figures.
TODAY = dt.date(2031, 1, 15)


def build(path: Path, catalogue_path: Path) -> int:
    from tracker.catalogue import read_catalogue
    from tracker.core.periods import Period, quarters
    from tracker.forms.workbook import build_bulk_form

    cat = read_catalogue(catalogue_path)
    periods = [p.code for p in quarters(Period(2024, 1), Period(2030, 4))]
    rows = []
    for unit in cat.jurisdictions:
        reportable = {i.id for i in cat.reportable_indicators_for(unit)}   # unmeasured goals take no figures
        for ind in cat.own_indicators(unit):
            if ind.reporting_frequency != "quarter" or ind.kind == "milestone" or ind.id not in reportable:
                continue
            for sector in [s.id for s in ind.sectors] or [""]:
                for k, period in enumerate(periods):
                    rows.append((ind.id, unit, period, sector, float(100 + k)))
                    if len(rows) >= ROWS:
                        path.write_bytes(build_bulk_form(rows))
                        return len(rows)
    raise SystemExit(f"synthetic catalogue too small for {ROWS} rows (got {len(rows)})")


def _schema_url(db_url: str, schema: str) -> str:
    """The URL with the schema first on the search path (libpq's options parameter)."""
    from urllib.parse import quote

    return db_url + ("&" if "?" in db_url else "?") + "options=" + quote(f"-c search_path={schema}")


@contextlib.contextmanager
def _target(tmp: str, db_url: str | None):
    """Where one run commits: a new DuckDB file, or a new schema in the PostgreSQL database."""
    if not db_url:
        yield str(Path(tmp) / "bench.duckdb")
        return
    import psycopg

    schema = f"nq45_bench_{os.getpid()}"
    with psycopg.connect(db_url, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _schema_url(db_url, schema)
    finally:
        with psycopg.connect(db_url, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {schema} CASCADE")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as the kernel gives them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def measure_floor(content: bytes, collector_paused: bool = True) -> float:
    """python-calamine alone reading every sheet of the workbook into Python rows, as the reader asks for
    them (skip_empty_area=False): what no ingest can go under. With the cyclic collector paused, as the
    ingest reads (tracker.core.collector): the stricter floor; with it running, what a plain script pays."""
    import io

    from python_calamine import CalamineWorkbook

    from tracker.core import collector

    with collector.paused() if collector_paused else contextlib.nullcontext():
        start = time.perf_counter()
        book = CalamineWorkbook.from_object(io.BytesIO(content))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return time.perf_counter() - start


def measure_ingest(path: Path, catalogue_path: Path, db_url: str | None = None) -> dict:
    from tracker.catalogue import read_catalogue
    from tracker.ingest import read_form
    from tracker.storage import Store

    cat = read_catalogue(catalogue_path)
    content = path.read_bytes()
    floor_before = measure_floor(content)
    with tempfile.TemporaryDirectory() as tmp, _target(tmp, db_url) as target:
        store = Store(target, Path(tmp) / "archive")
        start = time.perf_counter()
        parsed = read_form(content, path.name, cat, today=TODAY, previous=store.previous_values)
        parse_s = time.perf_counter() - start
        if not parsed.ok:
            raise SystemExit("bulk form refused:\n" + parsed.report.render()[:2000])
        committing = time.perf_counter()
        result = store.commit(parsed, content, user="bench")
        total = time.perf_counter() - start
        commit_s = time.perf_counter() - committing
        assert result.observations == len(parsed.observations)
        store.close()
    floor = min(floor_before, measure_floor(content))
    plain = measure_floor(content, collector_paused=False)   # after: every read before the ingest leaves garbage
    return {"rows": len(parsed.observations), "seconds": total, "parse_seconds": parse_s, "commit_seconds": commit_s,
            "floor_seconds": floor, "ratio": total / floor, "floor_gc_seconds": plain,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_baseline(path: Path) -> dict:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(path, sheet_name="Số liệu", engine="openpyxl", header=None)
    return {"seconds": time.perf_counter() - start, "rows": len(frame),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(step: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, step, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stdout + out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from bench.synthetic import OUT, synthetic_catalogue

    if len(sys.argv) > 1 and sys.argv[1] in ("ingest", "baseline"):
        step = sys.argv[1]
        os.environ["TRACKER_CATALOGUE"] = sys.argv[3]
        result = (measure_ingest(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
                  if step == "ingest" else measure_baseline(Path(sys.argv[2])))
        print(json.dumps(result))
        return
    import argparse

    global ROWS
    parser = argparse.ArgumentParser(description="ingest benchmark")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--db-url", help="commit into this PostgreSQL database (postgresql://…) instead of a DuckDB file")
    args = parser.parse_args()
    print(f"load average at start: {load_average()}")
    ROWS = args.rows
    # 18 quarterly targets a unit over 28 quarters: enough made-up units for the rows asked
    catalogue_path = synthetic_catalogue(max(200, -(-ROWS // (18 * 28)) + 10))
    path = OUT / f"bulk_{ROWS}.xlsx"
    start = time.perf_counter()
    n = build(path, catalogue_path)
    print(f"built {path.name}: {n} rows, {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")
    runs = [_child("ingest", str(path), str(catalogue_path), *([args.db_url] if args.db_url else [])) for _ in range(3)]
    backend = "postgresql" if args.db_url else "duckdb"
    best = min(runs, key=lambda r: r["seconds"])
    print(f"ingest runs (s), {backend}: " + ", ".join(f"{r['seconds']:.3f} (parse {r['parse_seconds']:.3f}, commit "
                                                       f"{r['commit_seconds']:.3f}, floor {r['floor_seconds']:.3f}, "
                                                       f"ratio {r['ratio']:.2f}; floor with the collector running "
                                                       f"{r['floor_gc_seconds']:.3f}, ratio "
                                                       f"{r['seconds'] / r['floor_gc_seconds']:.2f})" for r in runs))
    with __import__("zipfile").ZipFile(path) as zf:
        print(f"sheet XML unpacked: {sum(i.file_size for i in zf.infolist()) / 1e6:.0f} MB")
    if args.no_baseline:
        base = {"seconds": float("nan")}
    else:
        base = _child("baseline", str(path), str(catalogue_path))
        print(f"baseline pandas.read_excel(openpyxl): {base['seconds']:.2f} s, peak {base['peak_mb']:.0f} MB")
        print(f"speed-up over baseline: {base['seconds'] / best['seconds']:.1f}x")
    print(f"load average at end: {load_average()}")
    print(f"ingest rows={best['rows']} seconds={best['seconds']:.3f} rows_per_s={best['rows'] / best['seconds']:.0f} "
          f"peak_mb={max(r['peak_mb'] for r in runs):.0f} baseline_seconds={base['seconds']:.3f} "
          f"commit_seconds={best['commit_seconds']:.3f} backend={backend} floor_seconds={best['floor_seconds']:.3f} "
          f"ratio={best['ratio']:.2f}")


if __name__ == "__main__":
    main()
