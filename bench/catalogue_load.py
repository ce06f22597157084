"""Catalogue loading at national scale and three times that: does it stay linear?

For the synthetic catalogue of the render benchmark (the units that hold 1 000 000 observations) and
one with three times the units, each measured in a fresh process (nothing cached in memory):
- yaml_s: reading the YAML as the catalogue does (tracker.catalogue.yaml_reader on libyaml), and
  pyyaml_s: yaml.load with CSafeLoader, for comparison;
- validate_s: pydantic validation of every entry;
- checks_s: the cross-checks (ids, references, territories, concepts) and the indexes;
- cached_s: parse_once when the parsed copy is on disk (every server start after the first);
- edited_s: parse_once after one entry of the file was edited (the copy of every other entry on disk:
  tracker.catalogue.yaml_entries), the first load after a catalogue change.

Last lines printed, one per size, exactly:
catalogue units=<n> indicators=<m> yaml_s=<a> validate_s=<b> checks_s=<c> cached_s=<d> edited_s=<e> pyyaml_s=<f>
and the ratio of the larger to the smaller for each (3 means linear). The machine's load average is
printed with each line: on a shared machine ratios above 3 come from memory and CPU contention too.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEASURE = r"""
import gc, json, os, shutil, sys, time
from pathlib import Path
import yaml
from tracker import catalogue as C
from tracker.catalogue import loading, yaml_reader
path = Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
gc.disable()   # as parse_once does
t0 = time.perf_counter(); raw = yaml_reader.load(text)
t1 = time.perf_counter(); C.CatalogueFile.model_validate(raw)
t2 = time.perf_counter(); cat = C.parse_catalogue(raw, path)
t3 = time.perf_counter()
p0 = time.perf_counter(); yaml.load(text, Loader=yaml.CSafeLoader); p1 = time.perf_counter()   # after: the first
gc.enable()                                                                                   # read pays the heap's growth
del raw, cat
C.parse_once([path])              # writes the parsed copy (TRACKER_CACHE_DIR)
loading._cached.cache_clear()
t4 = time.perf_counter(); cat = C.parse_once([path]); t5 = time.perf_counter()
edited = Path(os.environ["TRACKER_CACHE_DIR"]) / "edited.yaml"   # a copy: the benchmarks' file stays as it is
shutil.copy(path, edited)
C.parse_once([edited])
text = edited.read_text(encoding="utf-8")
edited.write_text(text.replace("vi: Đơn vị 1\n", "vi: Đơn vị 1 (đã sửa)\n", 1), encoding="utf-8")
loading._cached.cache_clear()
t6 = time.perf_counter(); changed = C.parse_once([edited]); t7 = time.perf_counter()
assert changed.name("don-vi-0001") == "Đơn vị 1 (đã sửa)"
print(json.dumps({"indicators": len(cat.indicators), "yaml_s": t1 - t0, "validate_s": t2 - t1,
                  "checks_s": (t3 - t2) - (t2 - t1), "cached_s": t5 - t4, "edited_s": t7 - t6, "pyyaml_s": p1 - p0}))
"""


def main() -> None:
    from bench.render import TARGET_ROWS
    from bench.streamlit_client import load_average
    from bench.synthetic import OUT, synthetic_catalogue
    from tracker.catalogue import read_catalogue

    probe = read_catalogue(synthetic_catalogue(1))
    per_unit = sum((7 if i.reporting_frequency == "year" else 28) * max(1, len(i.sectors)) for i in probe.indicators)
    base = math.ceil(TARGET_ROWS / per_unit)
    results = {}
    for units in (base, 3 * base):
        path = OUT / f"catalogue_{units}.yaml"
        if not path.exists() or path.stat().st_mtime < (ROOT / "indicators.yaml").stat().st_mtime:
            synthetic_catalogue(units, path)
        with tempfile.TemporaryDirectory() as cache:
            out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, check=True, capture_output=True,
                                 text=True, env={**os.environ, "TRACKER_CACHE_DIR": cache}).stdout
        r = json.loads(out.strip().splitlines()[-1])
        results[units] = r
        print(f"catalogue units={units} indicators={r['indicators']} yaml_s={r['yaml_s']:.2f} "
              f"validate_s={r['validate_s']:.2f} checks_s={r['checks_s']:.2f} cached_s={r['cached_s']:.2f} "
              f"edited_s={r['edited_s']:.2f} pyyaml_s={r['pyyaml_s']:.2f}  "
              f"load {load_average()}", flush=True)
    small, large = results[base], results[3 * base]
    print("ratio 3x/1x: " + " ".join(f"{k}={large[k] / small[k]:.1f}" for k in ("yaml_s", "validate_s", "checks_s", "cached_s", "edited_s", "pyyaml_s")
                                      if small[k] > 0))


if __name__ == "__main__":
    main()
