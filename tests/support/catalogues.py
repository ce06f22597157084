"""A small catalogue made by hand for the assessment tests (so they do not move when indicators.yaml
grows): four units, Bắc Giang merged into Bắc Ninh, a target of every kind; and the frames and runs over it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tracker.assess import assessment
TODAY = dt.date(2026, 10, 15)

JURISDICTIONS = [
    {"id": "bac-giang", "name": {"vi": "Bắc Giang", "en": "Bac Giang"}, "level": "province",
     "valid_to": "2025-06-30", "successor": "bac-ninh"},
    {"id": "bac-ninh", "name": {"vi": "Bắc Ninh", "en": "Bac Ninh"}, "level": "province"},
    {"id": "khanh-hoa", "name": {"vi": "Khánh Hòa", "en": "Khanh Hoa"}, "level": "province"},
    {"id": "lam-dong", "name": {"vi": "Lâm Đồng", "en": "Lam Dong"}, "level": "province"},
]
DOCUMENTS = [{"id": f"{u}-doc", "jurisdiction": u, "issuer": "Tỉnh ủy", "kind": "Kế hoạch", "title": "Kế hoạch",
              "file": "plan.txt"} for u in ("bac-giang", "khanh-hoa")]
# Bắc Giang merged into Bắc Ninh: the catalogue requires the territory its targets were set for.
DOCUMENTS[0]["territory"] = {"name": {"vi": "tỉnh Bắc Giang trước 01/7/2025", "en": "Bac Giang before 1 July 2025"},
                             "label": {"vi": "địa bàn tỉnh Bắc Giang cũ", "en": "area of former Bac Giang"}}


def indicator_entry(slug, kind, unit, target, unit_id="bac-giang", **extra):
    return dict(id=f"{unit_id}.{slug}", jurisdiction=unit_id, document=f"{unit_id}-doc", section="II",
                quote="Câu trích dẫn đủ dài cho kiểm tra.", name={"vi": f"Chỉ tiêu {slug}", "en": f"Target {slug}"},
                kind=kind, unit=unit, target=target, **extra)


INDICATORS = [
    indicator_entry("graduates", "stock", "person", {"comparator": ">", "value": 90000, "year": 2030}),
    indicator_entry("enterprises", "stock", "enterprise", {"comparator": ">", "value": 30, "year": 2030},
         baseline={"value": 20, "year": 2023, "source": "Niên giám"}),
    indicator_entry("papers", "flow", "paper", {"comparator": ">=", "value": 100, "year": 2030}),
    indicator_entry("patents", "flow", "patent", {"comparator": ">=", "value": 10, "year": 2030}),
    indicator_entry("phd-share", "ratio", "percent", {"comparator": "~", "value": 5, "year": 2030, "tolerance": 0.25}),
    indicator_entry("about", "ratio", "percent", {"comparator": "~", "value": 100, "year": 2030}),
    indicator_entry("poor-share", "ratio", "percent", {"comparator": "<", "value": 3, "year": 2030}),
    indicator_entry("grdp-rank", "rank", "rank", {"comparator": "<=", "value": 10, "year": 2030}),
    indicator_entry("avg-papers", "flow", "paper", {"comparator": ">=", "value": 100, "year": 2030, "average": True}),
    indicator_entry("productivity", "growth", "percent_per_year", {"comparator": ">=", "value": 7, "year": 2030, "average": True}),
    indicator_entry("yearly-patents", "flow", "patent", {"comparator": ">=", "value": 1, "year": 2030, "from_year": 2030}),
    indicator_entry("avg-from", "flow", "paper", {"comparator": ">=", "value": 100, "year": 2030, "average": True,
                                       "from_year": 2030}),
    indicator_entry("awards", "direction", "work", {"direction": "increase", "year": 2030}, rollup="flow"),
    indicator_entry("experts", "direction", "person", {"direction": "increase", "year": 2030}, rollup="stock"),
    indicator_entry("waste", "direction", "work", {"direction": "decrease", "year": 2030}, rollup="flow"),
    indicator_entry("phds", "stock", "person", {"comparator": ">=", "value": 2, "year": 2030},
         sectors=[{"id": "health", "name": {"vi": "Y tế", "en": "Health"}},
                  {"id": "industry", "name": {"vi": "Công nghiệp", "en": "Industry"}}]),
    indicator_entry("centre", "milestone", "task", {"due": "2025-06-30"}),
    indicator_entry("scheme", "milestone", "task", {"due": "2027-06-30"}),
    indicator_entry("standing", "milestone", "task", {"recurring": True}),
    indicator_entry("someday", "milestone", "task", {"due": None}),
    indicator_entry("enterprises", "stock", "enterprise", {"comparator": ">=", "value": 30, "year": 2030}, unit_id="khanh-hoa"),
]


def frame(rows, unit="bac-giang", sector="") -> pd.DataFrame:
    """rows: (indicator slug or id, period, value[, unit[, sector]])."""
    out = []
    for r in rows:
        ind_id = r[0] if "." in r[0] else f"bac-giang.{r[0]}"
        out.append({"indicator_id": ind_id, "unit": r[3] if len(r) > 3 else unit, "period": r[1],
                    "sector": r[4] if len(r) > 4 else sector, "value": float(r[2])})
    return pd.DataFrame(out, columns=["indicator_id", "unit", "period", "sector", "value"])


def run(cat, slug, points, today=TODAY, **kw):
    ind = cat.indicator(f"bac-giang.{slug}")
    return assessment.assess(ind, frame([(slug, p, v) for p, v in points]), "bac-giang", today=today, **kw)


def quarters(year, values):
    return [(f"{year}-Q{q}", v) for q, v in enumerate(values, start=1)]
