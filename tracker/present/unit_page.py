"""One unit's page as every viewer of it sees it, built once per (snapshot, unit, language, presentation).

The province page is the page leaders open most, many of them before the same meeting. Its figures,
their screen copies, its rows and captions depend only on the catalogue, the snapshot (which names the
database's change), the unit, the language and whether the page is presented; building them again for
each viewer was most of the page's server CPU (issue 24). `unit_page` builds them once and keeps the
last few (``MEMO_SIZE``); views/unit.py only emits them, and adds what is per viewer (figures awaiting
approval, for the unit's staff). No Streamlit here.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

from tracker.present.screen_figure import ScreenFigure, prepare

# Pages kept at once, across units, languages and presentation: every province of a country in both
# languages; a commune's page beyond them is built again. A page keeps the JSON text of its charts
# (screen and still), not Plotly objects; a server holding 30 of them with 30 sessions at once had an RSS
# of 1 042–1 114 MB against 615–713 MB with one page and no crowd (bench/load.py, bench/render.py).
MEMO_SIZE = 128


@dataclass(frozen=True)
class TargetChart:
    """One target's chart on the page, and what stands around it."""

    assessment: object
    chart: ScreenFigure          # the approved series, prepared for every viewer
    file_name: str
    key: str
    anchor: str
    heading: str | None          # "Chỉ tiêu hướng" before the first direction-only goal
    subheading: str | None       # the old unit whose targets this one inherited, before its first one
    whole_unit_note: str | None  # figures of the whole unit where an old area could not be separated


@dataclass(frozen=True)
class UnitPage:
    unit: str
    lang: str
    present: bool
    period: str | None
    caption: object
    lineage: list[str]
    headline: dict
    missing: list[tuple[str, str]]        # what is listed instead of charted, by reason
    has_targets: bool                     # the unit has numeric targets at all (charted or not)
    picture: ScreenFigure | None          # every numeric target at a glance
    pictures: list[ScreenFigure] = field(default_factory=list)   # presented: the picture in parts that fit a screen
    targets: list[TargetChart] = field(default_factory=list)
    task_rows: list[dict] = field(default_factory=list)
    task_table: list[dict] = field(default_factory=list)
    timeline: ScreenFigure | None = None


class _Memo:
    """The last MEMO_SIZE pages (and pictures), each built by one thread while the others asking for it wait."""

    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.pages: OrderedDict[tuple, object] = OrderedDict()   # UnitPage or a unit's picture
        self.building: dict[tuple, threading.Lock] = {}
        self.watched: set[int] = set()

    def get(self, key: tuple, build, snapshot):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
                return page
            gate = self.building.setdefault(key, threading.Lock())
        with gate:
            with self.lock:
                page = self.pages.get(key)
            if page is None:
                page = build()
                with self.lock:
                    self.pages[key] = page
                    self.pages.move_to_end(key)
                    while len(self.pages) > self.size:
                        self.pages.popitem(last=False)
                    self.building.pop(key, None)
                    if id(snapshot) not in self.watched:
                        # A replaced snapshot's pages go with it, not when the bound pushes them out.
                        self.watched.add(id(snapshot))
                        weakref.finalize(snapshot, self.drop_snapshot, id(snapshot))
        return page

    def drop_snapshot(self, snapshot_id: int) -> None:
        with self.lock:
            for key in [k for k in self.pages if k[0] == snapshot_id]:
                del self.pages[key]
            self.watched.discard(snapshot_id)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


_memo = _Memo(MEMO_SIZE)


def unit_page(cat, snap, store, unit: str, lang: str, present: bool = False) -> UnitPage:
    """The page of ``unit`` for every viewer: built on the first call for this snapshot (which changes
    with every change to the database or the catalogue), then kept. ``store``: read once, for the
    unit's current observations (figures of a whole unit beside an old area's target)."""
    key = (id(snap), snap.token, snap.today, id(cat), "page", unit, lang, bool(present))
    return _memo.get(key, lambda: build_unit_page(cat, snap, store, unit, lang, present), snap)


def unit_picture(cat, snap, unit: str, lang: str, present: bool = False) -> ScreenFigure:
    """The unit's progress picture (briefing.charts.picture_figure, wrapped for a screen), prepared once per
    snapshot: its page and the overview (which shows the chosen province's) share it."""
    from tracker.present.briefing.charts import picture_figure

    key = (id(snap), snap.token, snap.today, id(cat), "picture", unit, lang, bool(present))
    return _memo.get(key, lambda: prepare(picture_figure(cat, snap, unit, lang, screen=True), present=present,
                                          frozen=True), snap)


def build_unit_page(cat, snap, store, unit: str, lang: str, present: bool = False) -> UnitPage:
    """Everything views/unit.py shows of ``unit`` that is the same for every viewer."""
    from tracker.catalogue import lineage_text
    from tracker.present.figures import progress_figure
    from tracker.present.timeline import milestone_timeline
    from tracker.core.i18n import t
    from tracker.present.labels import caption, chart_anchor, chart_filename, is_direction, target_label
    from tracker.present.overview import headline
    from tracker.present.picture import has_chart, not_charted
    from tracker.present.presenting import presentation_pictures
    from tracker.present.tables import milestone_rows, milestone_table, whole_unit_figures
    from tracker.assess.value_kinds import of_series

    cap = caption(cat, snap, lang, [unit])
    res = snap.results.get(unit, {"numeric": [], "milestones": []})
    period = snap.latest_period
    # Direction-only goals last, in their own group: they have no number to be on track towards.
    # Targets with nothing to draw (unmeasured, replaced, no value yet) are listed, never drawn empty.
    numeric = [a for a in res["numeric"] if not is_direction(a) and has_chart(a)]
    directions = [a for a in res["numeric"] if is_direction(a) and has_chart(a)]
    own = {i.id for i in cat.own_indicators(unit)}
    picture = unit_picture(cat, snap, unit, lang, present) if numeric and not present else None
    # Presentation mode: the picture in parts of at most a screen's bars (tracker.present.presenting).
    pictures = ([prepare(fig, present=True, frozen=True) for fig in presentation_pictures(cat, snap, unit, lang)]
                if present else [])
    # Figures of the whole unit where an old area could not be separated: kept, shown, never judged.
    whole_unit = {} if present else whole_unit_figures(cat, store.current_observations(units=[unit]), lang)

    targets, shown_inherited = [], set()
    for a in numeric + directions:
        ind = cat.indicator(a.indicator_id)
        heading = t("unit.direction", lang) if directions and a is directions[0] else None
        subheading = None
        if ind.id not in own and ind.jurisdiction not in shown_inherited:
            shown_inherited.add(ind.jurisdiction)
            subheading = t("unit.inherited", lang, name=cat.name(ind.jurisdiction, lang))
        sector_name = target_label(cat, a.indicator_id, a.sector, lang).split(" — ", 1)[1] if a.sector else ""
        # "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ": the still's title says whose territory the target covers.
        fig = progress_figure(ind, a, unit_name=cat.territory_label(ind, unit, lang), caption=cap,
                              sector_name=sector_name, kinds=of_series(snap.kinds, a))   # estimates hollow
        targets.append(TargetChart(
            assessment=a, chart=prepare(fig, present=present, frozen=True), file_name=chart_filename(unit, a.indicator_id, a.sector, period),
            key=(f"present_{a.indicator_id}_{a.sector}" if present else f"fig_{a.indicator_id}_{a.sector}"),
            anchor=chart_anchor(a.indicator_id, a.sector), heading=heading, subheading=subheading,
            whole_unit_note=whole_unit.get((a.indicator_id, a.sector))))

    rows, table, timeline = [], [], None
    if not present:
        rows = milestone_rows(cat, snap, lang, [unit])
        if rows:
            timeline = prepare(milestone_timeline(rows, title=f"{cat.name(unit, lang)} — {t('ms.timeline', lang)}",
                                                  caption=cap, today=snap.today, with_unit=False), frozen=True)
            table = milestone_table(rows, lang)
    return UnitPage(unit=unit, lang=lang, present=present, period=period, caption=cap,
                    lineage=lineage_text(cat, unit, lang), headline=headline(snap, unit),
                    missing=not_charted(cat, snap, unit, lang).lines(lang), has_targets=bool(res["numeric"]),
                    picture=picture, pictures=pictures, targets=targets, task_rows=rows, task_table=table, timeline=timeline)


# The units that have a page (some indicator of theirs), and their labels for the unit chooser, per
# catalogue object: a new catalogue is a new object. Two catalogues kept (one being replaced).
_choices: OrderedDict[tuple, object] = OrderedDict()
_choices_lock = threading.Lock()


def _per_catalogue(cat, name: str, make):
    key = (id(cat), name)
    with _choices_lock:
        if key in _choices:
            return _choices[key][1]
    value = make()
    with _choices_lock:
        _choices[key] = (cat, value)   # the catalogue itself is held, so its id is not reused meanwhile
        while len({k[0] for k in _choices}) > 2:
            oldest = next(iter(_choices))[0]
            for k in [k for k in _choices if k[0] == oldest]:
                del _choices[k]
    return value


def units_with_pages(cat) -> list[str]:
    """Units with at least one indicator, in catalogue order (a copy: the caller may filter it)."""
    return list(_per_catalogue(cat, "units", lambda: [u for u in cat.jurisdictions if cat.indicators_for(u)]))


def unit_labels(cat, lang: str) -> dict[str, str]:
    """unit → its label in the chooser ("Bắc Giang (nay thuộc tỉnh Bắc Ninh)")."""
    from tracker.present.labels import unit_label

    return _per_catalogue(cat, f"labels-{lang}", lambda: {u: unit_label(cat, u, lang) for u in cat.jurisdictions})
