"""First start after a catalogue change (issue 24 goal 3): a real production server (tracker.server) on
127.0.0.1 over the render benchmark's database of 1 000 000 observations and its 36 426-indicator
catalogue, from starting the process to the first overview received, for each kind of change:

- nothing parsed on disk (the first start of an installation, or after the code that reads the
  catalogue changed): the whole YAML is read;
- nothing changed (every later start): the parsed copy of the file is used whole;
- one entry of the big catalogue file edited (what an administrator's correction of indicators.yaml or
  of a national catalogue makes): only that entry's YAML is parsed again (tracker.catalogue.yaml_entries);
- a programme saved into the catalogue folder (what the «Thêm chương trình» page makes): only the new
  file is read.

Each changes the catalogue's key, so the snapshot is assessed again too (as on a real server). The
benchmark edits a copy of the catalogue in a temporary folder; bench/out stays as it is.

The four are measured in turn, BENCH_ROUNDS times (default 3; another entry edited and another
programme saved each round), and the median of each is printed: on a shared machine one start can take
twice another. Last line printed, exactly:
catalogue_change observations=<n> rounds=<r> nothing_on_disk_ms=<a> unchanged_ms=<b> edited_entry_ms=<c> programme_saved_ms=<d>
each line before it with the machine's load average. BENCH_DB keeps the filled DuckDB file between runs
(as for bench/render.py); BENCH_OBSERVATIONS and BENCH_UNITS as there.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from bench.render import PRODUCTION, cold_start, prepared, save_programme
    from bench.streamlit_client import load_average

    with prepared() as (env, n, cat, cat_path), tempfile.TemporaryDirectory(prefix="bench-change-") as tmp:
        catalogue = Path(tmp) / cat_path.name
        shutil.copy(cat_path, catalogue)
        env = {**env, "TRACKER_CATALOGUE": str(catalogue), "TRACKER_CACHE_DIR": str(Path(tmp) / "cache")}
        rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
        figures: dict[str, list[float]] = {}

        def measure(label: str, what: str) -> None:
            ms, ready = cold_start(env, PRODUCTION)
            figures.setdefault(label, []).append(ms)
            print(f"first overview, {what}: {ms:.0f} ms (server answering after {ready:.0f} ms)  "
                  f"load {load_average()}", flush=True)

        for k, unit in enumerate(list(cat.jurisdictions)[:rounds], start=1):
            shutil.rmtree(env["TRACKER_CACHE_DIR"], ignore_errors=True)
            measure("nothing_on_disk_ms", "nothing parsed on disk")
            measure("unchanged_ms", "catalogue unchanged since the last start")
            text = catalogue.read_text(encoding="utf-8")
            name = f"vi: {cat.name(unit)}\n"
            assert name in text, name
            catalogue.write_text(text.replace(name, f"vi: {cat.name(unit)} (đã sửa)\n", 1), encoding="utf-8")
            measure("edited_entry_ms", f"one entry of the big catalogue file edited ({unit}'s name)")
            save_programme(Path(env["TRACKER_CATALOGUE_DIR"]), k)
            measure("programme_saved_ms", "a programme saved into the catalogue folder")
        print(f"catalogue_change observations={n} rounds={rounds} "
              + " ".join(f"{k}={statistics.median(v):.0f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
