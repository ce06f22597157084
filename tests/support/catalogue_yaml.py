"""Catalogue YAML as yaml.safe_dump writes it (bench/synthetic.py, the «Thêm chương trình» page): entries at
column 0, and objects shared between entries written as anchors and aliases."""

from __future__ import annotations

import copy

import yaml

from tests.support import ROOT


def dumped_like_the_bench(units: int = 4) -> str:
    """A catalogue written as bench/synthetic.py and the programme page write one (yaml.safe_dump, entries
    at column 0), whose documents share objects, so that the dump links them by anchors and aliases."""
    raw = yaml.safe_load((ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    source_doc = raw["documents"][0]
    template = [i for i in raw["indicators"] if i["jurisdiction"] == source_doc["jurisdiction"]][:5]
    jurisdictions, documents, indicators = [], [], []
    for n in range(1, units + 1):
        unit = f"don-vi-{n:04d}"
        jurisdictions.append({"id": unit, "name": {"vi": f"Đơn vị {n}", "en": f"Unit {n}"}, "level": "province"})
        documents.append(dict(source_doc, id=f"doc-{n:04d}", jurisdiction=unit))   # shares date and territory
        for ind in template:
            entry = copy.deepcopy(ind)
            entry.update(id=f"{unit}.{ind['id'].split('.', 1)[1]}", jurisdiction=unit, document=f"doc-{n:04d}")
            indicators.append(entry)
    return yaml.safe_dump({"jurisdictions": jurisdictions, "documents": documents, "indicators": indicators},
                          allow_unicode=True, sort_keys=False)
