"""Static-site benchmark: `tracker.present.publish` at the bench's 1 401 units (1 000 000 observations, the
36 426-indicator synthetic catalogue of bench/render.py), in this process.

What it measures:
- the snapshot, read and assessed as the dashboard does (not part of the site's figures);
- a full build into an empty folder: every page fingerprinted, drawn and written (vi and en);
- a rebuild after one staff correction of one unit's value: the snapshot brought up to date for that
  unit (as the dashboard does) and the site published again — only that unit's pages and the
  overview are drawn and written;
- what one chart costs through Plotly's own SVG writer (kaleido), for comparison with tracker.present.svg_chart.

Last line printed, exactly:
publish units=<n> seconds=<s> rebuild_one_unit_seconds=<r> files=<f> mb=<m>
followed by the load average on the same line ("load 1 5 15"). With --units N only the first N units
are published (a machine too loaded for the full build); the line then gives the measured build of
those and `extrapolated_seconds=` for all units, linear in the pages (each page is drawn independently);
rebuild_one_unit_seconds is then for the whole site: the subset's rebuild plus the measured fingerprint
pass over the pages left out (a rebuild draws only the changed pages, but fingerprints all of them).

Options: --units N, --kaleido-charts K (default 2; 0 skips); BENCH_OBSERVATIONS, BENCH_DB as bench/render.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def kaleido_ms(cat, snap, charts: int) -> float | None:
    """Milliseconds a chart through Plotly's SVG export (kaleido), the first call (browser start) excluded."""
    from tracker.present.figures import progress_figure
    from tracker.present.labels import caption

    if charts <= 0:
        return None
    unit = next(u for u, r in snap.results.items() if r["numeric"])
    cap = caption(cat, snap, "vi", [unit])
    figs = [progress_figure(cat.indicator(a.indicator_id), a, unit_name=cat.name(unit, "vi"), caption=cap)
            for a in snap.results[unit]["numeric"][:charts + 1]]
    figs[0].to_image(format="svg")
    start = time.perf_counter()
    for fig in figs[1:]:
        fig.to_image(format="svg")
    return (time.perf_counter() - start) / max(1, len(figs) - 1) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=0, help="publish only the first N units (0: all)")
    parser.add_argument("--kaleido-charts", type=int, default=2)
    args = parser.parse_args()

    from bench.render import TODAY, correct, prepared
    from bench.streamlit_client import load_average
    from tracker.present.publish import publish_site, published_units, site_pages
    from tracker.assess.snapshot import build_snapshot
    from tracker.storage.queries import Store

    with prepared() as (env, n_obs, cat, _):
        today = dt.date.fromisoformat(TODAY)
        store = Store(env["TRACKER_DB"])
        start = time.perf_counter()
        snap = build_snapshot(store, cat, today)
        print(f"snapshot of {n_obs} observations in {time.perf_counter() - start:.1f} s  load {load_average()}")
        all_units = published_units(cat, snap)
        chosen = all_units[:args.units] if args.units else all_units
        keep = set(chosen)

        def subset(s):
            return s if not args.units else dataclasses.replace(s, results={u: r for u, r in s.results.items() if u in keep})

        out = Path(tempfile.mkdtemp(prefix="bench-publish-")) / "site"
        try:
            start = time.perf_counter()
            full = publish_site(cat, subset(snap), out)
            seconds = time.perf_counter() - start
            print(f"full build: {full.pages} pages, {full.files} files, {full.bytes / 1e6:.1f} MB in {seconds:.1f} s "
                  f"({seconds / max(1, full.pages) * 1000:.0f} ms a page)  load {load_average()}")

            start = time.perf_counter()
            same = publish_site(cat, subset(snap), out)
            print(f"rebuild, nothing changed: {same.drawn} pages drawn, {len(same.written)} files written in "
                  f"{time.perf_counter() - start:.1f} s  load {load_average()}")

            # One value of the first unit, committed as staff would; a new value on every run (the same
            # value again would change nothing drawn, and nothing would be drawn again).
            correct(cat, time.time_ns() % 1_000_000)
            start = time.perf_counter()
            after = build_snapshot(store, cat, today, previous=snap)
            snap_s = time.perf_counter() - start
            start = time.perf_counter()
            again = publish_site(cat, subset(after), out)
            site_s = time.perf_counter() - start
            rebuild = snap_s + site_s
            assert again.drawn >= 2, "the corrected unit's pages were not drawn again"
            print(f"rebuild after one unit's correction: snapshot {snap_s:.1f} s + site {site_s:.1f} s; "
                  f"{again.drawn} pages drawn, files written: {', '.join(sorted(again.written))}  load {load_average()}")
            if args.units and len(chosen) < len(all_units):
                # A rebuild of the whole site fingerprints every page and draws only the changed ones: the
                # subset's rebuild plus the fingerprints of the pages it left out, both measured here.
                start = time.perf_counter()
                site_pages(cat, after)
                full_fp = time.perf_counter() - start
                start = time.perf_counter()
                site_pages(cat, subset(after))
                sub_fp = time.perf_counter() - start
                rebuild = snap_s + site_s + full_fp - sub_fp
                print(f"fingerprints of all {len(all_units)} units' pages {full_fp:.1f} s (of the {len(chosen)} published "
                      f"{sub_fp:.1f} s): a rebuild of the whole site {rebuild:.1f} s  load {load_average()}")

            ms = kaleido_ms(cat, snap, args.kaleido_charts)
            charts = sum(len(r["numeric"]) for u, r in snap.results.items() if u in keep) * 2
            if ms is not None:
                print(f"kaleido (Plotly's SVG export): {ms:.0f} ms a chart; the {charts} charts of this build would take "
                      f"{ms * charts / 3.6e6:.1f} h through it  load {load_average()}")
            extra = ""
            if args.units and len(chosen) < len(all_units):
                extra = f" extrapolated_seconds={seconds * len(all_units) / len(chosen):.0f} of_units={len(all_units)}"
            print(f"publish units={len(chosen)} seconds={seconds:.1f} rebuild_one_unit_seconds={rebuild:.1f} "
                  f"files={full.files} mb={full.bytes / 1e6:.1f}{extra}  load {load_average()}")
        finally:
            store.close()
            shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
