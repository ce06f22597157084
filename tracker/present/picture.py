"""One unit's standing in a few lines: the rows of its progress picture and what is not charted.

Pure (no Streamlit, no Plotly): tracker.present.figures draws the rows, the pages, the PDF brief
(tracker.present.briefing.pdf) and the deck (tracker.present.briefing.deck) list the rest. One rule for every reader:

- a numeric target with a starting value (the catalogue's baseline, else the first year with data)
  and a latest value is a bar: how far along it is from the start to the target (0 % at the start,
  100 % at the target, more once passed), with a tick where it should be at the latest value's time
  on the path the status is judged against (compound growth for ``cagr``, a straight line for
  ``linear``/``rank``); an "on average" target: its mean as a share of the target, the tick at 100 %;
- a target with too little data, no data, an unmeasured goal or a retired one is never a chart: it
  is a line of names ("Chưa có thước đo: …", "… (đã thay thế bằng «…»)").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.catalogue import Catalogue
from tracker.core.statuses import BEHIND, Status
from tracker.core.i18n import fmt_target, fmt_value

# Statuses the picture draws as bars (the one status table's): worst first, as the overview ranks.
DRAWN = tuple(str(s) for s in BEHIND + (Status.ON_TRACK, Status.ACHIEVED))
# Bars are cut at this share (the label keeps the true figure): a target passed three times over
# must not squeeze every other bar into a corner.
BAR_CAP = 1.5


@dataclass(frozen=True)
class PictureRow:
    """One bar of the progress picture."""

    indicator_id: str
    sector: str
    name: str              # the target's name (with sector), no unit prefix
    status: str
    share: float           # how far along, 0 at the start, 1 at the target (may be < 0 or > 1)
    expected: float | None  # where it should be at the latest value's time, same scale
    latest_text: str       # "3,1 % (Quý III/2026)"
    target_text: str       # "trên 5 % (2030)"
    start_text: str        # "2,0 % (2024)"
    anchor: str            # the target's chart on its unit page


def _share(a) -> tuple[float | None, float | None]:
    """(how far along, where it should be) of one assessment, or (None, None) without the figures."""
    if a.target_value is None or a.latest_value is None:
        return None, None
    if a.method == "average":
        if a.average_value is None or not a.target_value:
            return None, None
        return a.average_value / a.target_value, 1.0
    base, target, latest = a.baseline_value, a.target_value, a.latest_value
    if base is None or a.baseline_year is None or a.target_year is None:
        return (1.0, None) if a.status == "achieved" else (None, None)
    if math.isclose(target, base):
        return (1.0 if a.status == "achieved" else 0.0), None
    share = (latest - base) / (target - base)
    span = a.target_year - a.baseline_year
    year = a.latest_year if a.latest_year is not None else a.baseline_year
    fraction = min(1.0, max(0.0, (year - a.baseline_year) / span)) if span > 0 else 1.0
    if a.method == "cagr" and base > 0 and target > 0:
        expected_value = base * (target / base) ** fraction
        expected = (expected_value - base) / (target - base)
    else:
        expected = fraction
    if not (math.isfinite(share) and math.isfinite(expected)):
        return None, None
    return share, expected


def picture_rows(cat: Catalogue, snapshot, unit: str, lang: str) -> list[PictureRow]:
    """The bars of ``unit``'s progress picture, worst status first, then least far along."""
    from tracker.core.periods import parse_period
    from tracker.present.labels import chart_anchor, is_direction, target_label

    res = snapshot.results.get(unit, {"numeric": []})
    rows = []
    for a in res["numeric"]:
        if is_direction(a) or a.status not in DRAWN:
            continue
        share, expected = _share(a)
        if share is None:
            continue
        ind = cat.indicator(a.indicator_id)
        period = parse_period(a.latest_period).label(lang) if a.latest_period else ""
        start = (f"{fmt_value(a.baseline_value, ind.unit, lang)} ({a.baseline_year})"
                 if a.baseline_value is not None and a.baseline_year else "—")
        rows.append(PictureRow(a.indicator_id, a.sector, target_label(cat, a.indicator_id, a.sector, lang), a.status,
                               share, expected, f"{fmt_value(a.latest_value, ind.unit, lang)}"
                               + (f" ({period})" if period else ""), fmt_target(ind, lang), start,
                               chart_anchor(a.indicator_id, a.sector)))
    rows.sort(key=lambda r: (DRAWN.index(r.status), r.share))
    return rows


@dataclass(frozen=True)
class NotCharted:
    """The targets of a unit that have no chart, as lines of names by reason."""

    too_little: list[str]      # measured, but not enough data yet to draw or judge
    unmeasured: list[str]      # goals no statistic measures
    replaced: list[str]        # "Tên cũ (đã thay thế bằng «Tên mới»)"

    def lines(self, lang: str) -> list[tuple[str, str]]:
        """(label, names joined) per non-empty group, in reading order."""
        out = []
        for names, vi, en in ((self.too_little, "Chưa đủ số liệu để vẽ", "Too little data to chart"),
                              (self.unmeasured, "Chưa có thước đo", "No measure yet"),
                              (self.replaced, "Chỉ tiêu đã thay thế", "Replaced targets")):
            if names:
                out.append((en if lang == "en" else vi, "; ".join(names)))
        return out

    def __bool__(self) -> bool:
        return bool(self.too_little or self.unmeasured or self.replaced)


def replaced_name(cat: Catalogue, indicator, lang: str) -> str:
    """'Tên cũ (đã thay thế bằng «Tên mới»)': the successor by name, never by its id."""
    name = indicator.name.get(lang)
    new = getattr(indicator, "replaced_by", None)
    if not new:
        return name
    try:
        new_name = cat.indicator(new).name.get(lang)
    except (KeyError, ValueError):
        new_name = None
    if new_name is None:
        return name + (" (đã thay thế)" if lang != "en" else " (replaced)")
    return name + (f" (đã thay thế bằng «{new_name}»)" if lang != "en" else f" (replaced by «{new_name}»)")


def entry_state_text(cat: Catalogue, indicator, lang: str) -> str:
    """The catalogue page's state of an entry: a retired one names what replaced it by NAME
    ("Chỉ tiêu đã thay thế bằng «…»"), never by its internal id; others as tracker.catalogue says."""
    from tracker.catalogue import entry_state

    if not indicator.retired:
        return entry_state(indicator, lang)
    new = getattr(indicator, "replaced_by", None)
    try:
        new_name = cat.indicator(new).name.get(lang) if new else None
    except (KeyError, ValueError):
        new_name = None
    if new_name is None:
        return "Chỉ tiêu đã thay thế" if lang != "en" else "Replaced target"
    return (f"Chỉ tiêu đã thay thế bằng «{new_name}»" if lang != "en" else f"Replaced target, by «{new_name}»")


def not_charted(cat: Catalogue, snapshot, unit: str, lang: str) -> NotCharted:
    """What the unit's pages, stills and decks list in a line instead of drawing an empty chart."""
    from tracker.present.labels import target_label

    res = snapshot.results.get(unit, {"numeric": []})
    too_little, unmeasured, replaced = [], [], []
    for a in res["numeric"]:
        ind = cat.indicator(a.indicator_id)
        if a.status == "unmeasured":
            unmeasured.append(target_label(cat, a.indicator_id, a.sector, lang))
        elif a.status == "replaced":
            replaced.append(replaced_name(cat, ind, lang))
        elif not has_chart(a):
            too_little.append(target_label(cat, a.indicator_id, a.sector, lang))
    return NotCharted(too_little, unmeasured, replaced)


def has_chart(a) -> bool:
    """Whether a target's own chart has anything to draw: at least one value, and a measure."""
    if a.status in ("unmeasured", "replaced", "no_data"):
        return False
    return a.latest_value is not None


def goal_words(indicator, lang: str) -> str:
    """The goal as the document's comparator says it: 'trên 5 % (2030)', 'tăng (2030)'; a rank to
    climb 'vào tốp đầu khu vực (2045)' from the name's own words, never 'giảm' for a rank."""
    if indicator.kind != "direction":
        return fmt_target(indicator, lang)
    target = indicator.target
    if indicator.unit == "rank" and target.direction == "decrease":
        name = indicator.name.get(lang)
        if lang != "en" and "tốp đầu" in name:
            return f"vào {name[name.index('tốp đầu'):]} ({target.year})"
        if lang == "en" and " top" in name:
            return f"into {name[name.index('the '):] if 'the ' in name else 'the top'} ({target.year})"
        return (f"lên thứ hạng cao hơn ({target.year})" if lang != "en" else f"a higher rank ({target.year})")
    return fmt_target(indicator, lang)


def document_line(cat: Catalogue, unit: str, lang: str) -> str:
    """The programmes a unit's targets come from, each with its number and date:
    'Chương trình hành động số 45-CTr/TU ngày 20/3/2025 của Tỉnh ủy Khánh Hòa'."""
    return "; ".join(document_head(doc, lang) + ((" của " if lang != "en" else ", ") + doc.issuer if doc.issuer else "")
                     for doc in unit_documents(cat, unit))


def unit_documents(cat: Catalogue, unit: str) -> list:
    """The documents a unit's targets come from, in catalogue order, each once."""
    docs = []
    for ind in cat.indicators_for(unit):
        doc = cat.document_of(ind)
        if doc not in docs:
            docs.append(doc)
    return docs


def document_head(doc, lang: str) -> str:
    """'Chương trình hành động số 45-CTr/TU ngày 01/03/2024': kind, number and date where known."""
    from tracker.core.i18n import fmt_date

    number = ((" số " if lang != "en" else " No. ") + doc.number) if doc.number else ""
    when = ((" ngày " if lang != "en" else " of ") + fmt_date(doc.date, lang)) if doc.date else ""
    return f"{doc.kind}{number}{when}"
