"""A programme an admin might add for Bắc Ninh whose text names the lead department of each figure (issue 21):
two agencies (Sở KH&CN, Sở Nội vụ) and one target with none. The five bundled documents name no lead agency
for a numeric target, so the departments' forms are tested on this one."""

from __future__ import annotations

from pathlib import Path

import yaml

DOCUMENT_FILE = "bac_ninh_kh_01.txt"
DOCUMENT_TEXT = """KẾ HOẠCH
thực hiện Nghị quyết số 45-NQ/TW trên địa bàn tỉnh Bắc Ninh

II. MỤC TIÊU ĐẾN NĂM 2030

- Giao Sở Khoa học và Công nghệ chủ trì: tăng số lượng doanh nghiệp khoa học và công nghệ trên địa bàn tỉnh
lên trên 60 doanh nghiệp.

- Giao Sở Nội vụ chủ trì: nâng số người có trình độ tiến sĩ làm việc trong hệ thống chính trị của tỉnh lên
300 người.

- Số bài báo khoa học quốc tế của các nhà khoa học trên địa bàn tỉnh đạt 200 bài mỗi năm.

III. NHIỆM VỤ
- Sở Khoa học và Công nghệ xây dựng cơ sở dữ liệu về doanh nghiệp khoa học và công nghệ.
"""

UNIT = "bac-ninh"
ST = "bac-ninh.kh-01.st-enterprises"
PHD = "bac-ninh.kh-01.phds"
PAPERS = "bac-ninh.kh-01.papers"
TASK = "bac-ninh.kh-01.st-database"


def programme() -> dict:
    """The programme's YAML content (the keys of a data/catalogue/*.yaml file)."""
    def entry(slug, kind, unit, target, quote, name, **extra):
        return {"id": f"bac-ninh.kh-01.{slug}", "jurisdiction": UNIT, "document": "bac-ninh-kh-01", "section": "II",
                "quote": quote, "name": {"vi": name, "en": name}, "kind": kind, "unit": unit, "target": target, **extra}

    return {
        "documents": [{"id": "bac-ninh-kh-01", "jurisdiction": UNIT, "issuer": "Ban Thường vụ Tỉnh ủy Bắc Ninh",
                       "kind": "Kế hoạch", "date": "2025-09-01", "file": DOCUMENT_FILE,
                       "title": "Kế hoạch thực hiện Nghị quyết số 45-NQ/TW trên địa bàn tỉnh Bắc Ninh"}],
        "agencies": [
            {"id": "so-khcn", "jurisdiction": UNIT,
             "name": {"vi": "Sở Khoa học và Công nghệ", "en": "Department of Science and Technology"}},
            {"id": "so-noi-vu", "jurisdiction": UNIT, "name": {"vi": "Sở Nội vụ", "en": "Department of Home Affairs"}},
        ],
        "indicators": [
            entry("st-enterprises", "stock", "enterprise", {"comparator": ">", "value": 60, "year": 2030},
                  "tăng số lượng doanh nghiệp khoa học và công nghệ trên địa bàn tỉnh lên trên 60 doanh nghiệp.",
                  "Số doanh nghiệp khoa học và công nghệ", agency_id="so-khcn",
                  agency_quote="Giao Sở Khoa học và Công nghệ chủ trì"),
            entry("phds", "stock", "person", {"comparator": ">=", "value": 300, "year": 2030},
                  "nâng số người có trình độ tiến sĩ làm việc trong hệ thống chính trị của tỉnh lên 300 người.",
                  "Số tiến sĩ trong hệ thống chính trị", agency_id="so-noi-vu", agency_quote="Giao Sở Nội vụ chủ trì"),
            entry("papers", "flow", "paper", {"comparator": ">=", "value": 200, "year": 2030},
                  "Số bài báo khoa học quốc tế của các nhà khoa học trên địa bàn tỉnh đạt 200 bài mỗi năm.",
                  "Số bài báo khoa học quốc tế"),
            entry("st-database", "milestone", "task", {"due": None},
                  "Sở Khoa học và Công nghệ xây dựng cơ sở dữ liệu về doanh nghiệp khoa học và công nghệ.",
                  "Cơ sở dữ liệu doanh nghiệp khoa học và công nghệ", section="III", agency_id="so-khcn",
                  agency_quote="Sở Khoa học và Công nghệ xây dựng cơ sở dữ liệu"),
        ],
    }


def catalogue_with_programme(extra: dict | None = None):
    """indicators.yaml with the programme, validated as the dashboard loads it."""
    from tracker.catalogue import DEFAULT_PATH, merge_programmes, parse_catalogue

    main = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    return parse_catalogue(merge_programmes(main, [extra or programme()]))


def install_programme(catalogue_dir: Path, seeds: Path | None = None) -> Path:
    """Write the programme into an installation's catalogue folder (and its text into ``seeds``)."""
    catalogue_dir.mkdir(parents=True, exist_ok=True)
    path = catalogue_dir / "bac-ninh-kh-01.yaml"
    path.write_text(yaml.safe_dump(programme(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    if seeds is not None:
        seeds.mkdir(parents=True, exist_ok=True)
        (seeds / DOCUMENT_FILE).write_text(DOCUMENT_TEXT, encoding="utf-8")
    return path
