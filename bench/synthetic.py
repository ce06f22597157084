"""A synthetic catalogue for benchmarks: the real targets copied to many made-up units.

Benchmarks need more units than the five documents have; copying the real indicators keeps the
kinds, units and sectors realistic. Written to bench/out/ (git-ignored).
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def synthetic_catalogue(n_units: int, path: Path | None = None) -> Path:
    raw = yaml.safe_load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    # Retired entries point to their replacements and concepts to the real catalogue's list: neither is
    # needed to measure speed, so the copies leave them out.
    template = [{k: v for k, v in i.items() if k not in ("concept", "replaced_by")}
                for i in raw["indicators"] if i["kind"] != "milestone" and not i.get("retired")]
    source_doc = raw["documents"][0]
    jurisdictions, documents, indicators = [], [], []
    for n in range(1, n_units + 1):
        unit = f"don-vi-{n:04d}"
        jurisdictions.append({"id": unit, "name": {"vi": f"Đơn vị {n}", "en": f"Unit {n}"}, "level": "province"})
        doc = dict(source_doc, id=f"doc-{n:04d}", jurisdiction=unit)
        documents.append(doc)
        for ind in template:
            copy_ = copy.deepcopy(ind)
            copy_["id"] = f"{unit}.{ind['id'].split('.', 1)[1]}"
            copy_["jurisdiction"] = unit
            copy_["document"] = doc["id"]
            indicators.append(copy_)
    # the same slug may be used twice within one real unit's copy only if it was unique there
    seen, unique = set(), []
    for ind in indicators:
        if ind["id"] not in seen:
            seen.add(ind["id"])
            unique.append(ind)
    OUT.mkdir(parents=True, exist_ok=True)
    path = path or OUT / f"catalogue_{n_units}.yaml"
    path.write_text(yaml.safe_dump({"jurisdictions": jurisdictions, "documents": documents, "indicators": unique},
                                   allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
