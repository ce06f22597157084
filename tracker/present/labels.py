"""The words a page, a still or a table puts beside a figure: a unit's, a target's, a period's and a
measure's name, the caption every figure carries, a chart's anchor, link and file name.

Pure functions over the catalogue (and a snapshot's dates, for the caption); no Streamlit, no Plotly.
Everything else in tracker.present names things through these, so this module imports none of its
siblings: the figures, the picture and the rows all sit above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.catalogue import Catalogue
from tracker.core.measures import MEASURES
from tracker.core.i18n import in_sentence
from tracker.core.periods import parse_period
from tracker.assess.value_kinds import judged_words


@dataclass(frozen=True)
class Caption:
    """What every figure says about itself in its footer."""

    updated: str            # "Quý III/2026"
    source: str             # document and data source, one line
    demo: bool = False
    lang: str = "vi"

    def footer(self) -> str:
        upd = "Updated" if self.lang == "en" else "Cập nhật"
        src = "Source" if self.lang == "en" else "Nguồn"
        text = f"{upd}: {self.updated} · {src}: {self.source}"
        if self.demo:
            text += "<br><b>" + ("DEMO DATA — NOT REAL FIGURES" if self.lang == "en" else "DỮ LIỆU MINH HỌA — KHÔNG PHẢI SỐ LIỆU THẬT") + "</b>"
        return text


def caption(cat: Catalogue, snapshot: Snapshot, lang: str, units: list[str] | None = None) -> Caption:
    """The footer every figure carries: update period, the source documents, the demo mark."""
    updated = parse_period(snapshot.latest_period).label(lang) if snapshot.latest_period else "—"
    docs = []
    for unit in units or []:
        for ind in cat.indicators_for(unit):
            doc = cat.document_of(ind)
            label = f"{doc.kind} {doc.number or ''} {doc.issuer}".replace("  ", " ").strip()
            if label not in docs:
                docs.append(label)
    data = "biểu mẫu báo cáo quý của địa phương" if lang != "en" else "the units' quarterly report forms"
    if len(docs) > 2 or not docs:
        docs = [f"văn bản thực hiện NQ 45-NQ/TW của {len(docs)} địa phương (xem Danh mục chỉ tiêu)" if lang != "en"
                else f"the Resolution 45 implementation documents of {len(docs)} units (see the catalogue)"] if docs else []
    source = ("; ".join(docs) + " · " if docs else "") + ("Số liệu: " if lang != "en" else "Data: ") + data
    return Caption(updated=updated, source=source, demo=snapshot.shows_demo(units), lang=lang)


def unit_label(cat: Catalogue, unit: str, lang: str) -> str:
    j = cat.jurisdictions[unit]
    name = j.name.get(lang)
    if j.valid_to and j.successor:
        succ = cat.jurisdictions[cat.current_unit(unit)].name.get(lang)
        name += f" (nay thuộc {in_sentence(succ)})" if lang != "en" else f" (now {succ})"
    return name


def target_label(cat: Catalogue, indicator_id: str, sector: str, lang: str) -> str:
    ind = cat.indicator(indicator_id)
    name = ind.name.get(lang)
    if sector:
        sec = next((s for s in ind.sectors if s.id == sector), None)
        name += f" — {sec.name.get(lang) if sec else sector}"
    return name


def measure_label(unit: str, lang: str) -> str:
    """The unit of measure in words: 'người', '%', '%/năm'."""
    return MEASURES[unit].label(lang) if unit in MEASURES else (unit or "")


def period_label(code: str | None, lang: str) -> str:
    """'Quý III/2026', 'Năm 2025'; '' when there is none."""
    if not code:
        return ""
    try:
        return parse_period(str(code)).label(lang)
    except Exception:   # a code an older version stored: shown as it is rather than failing the table
        return str(code)


def with_judged(text: str, kind: str | None, lang: str) -> str:
    """A status's reason, with "đánh giá theo số ước tính" when the latest figure is not official
    (tracker.assess.explain's sentences does not know the kinds: they are read from the store beside it)."""
    said = judged_words(kind, lang)
    if not said:
        return text
    return f"{text.rstrip('. ')} ({said})." if text.endswith(".") else f"{text} ({said})"


def chart_anchor(indicator_id: str, sector: str = "") -> str:
    """The id of a target's chart on its unit page, for links from the overview ('#c-khanh-hoa-papers')."""
    raw = f"c-{indicator_id}-{sector}" if sector else f"c-{indicator_id}"
    return "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in raw.lower())


def unit_link(unit: str, lang: str, anchor: str = "") -> str:
    """The unit page of ``unit`` (language kept), optionally scrolled to one chart."""
    return f"/dia-phuong?unit={unit}" + ("&lang=en" if lang == "en" else "") + (f"#{anchor}" if anchor else "")


def chart_filename(unit: str, indicator_id: str, sector: str, period: str | None) -> str:
    """'khanh-hoa_international-papers_2026-Q3' — what a downloaded PNG is called."""
    slug = indicator_id.split(".", 1)[-1] + (f"-{sector}" if sector else "")
    return f"{unit}_{slug}_{period or 'chua-co-so-lieu'}"


def is_direction(assessment) -> bool:
    ind = getattr(assessment, "indicator", None)
    return ind is not None and ind.kind == "direction"
