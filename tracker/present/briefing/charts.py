"""A unit's charts as the stills, the deck and the PDF brief draw them: the progress picture with the unit
in its title, one progress chart per numeric target, and the zip of their PNGs.

The figures are built here from the catalogue and the snapshot (tracker.present.figures draws them);
the headless browser (tracker.present.briefing.png) turns them into images.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from tracker.assess.snapshot import Snapshot
from tracker.catalogue import Catalogue
from tracker.present.briefing.png import figures_png
from tracker.present.figures import progress_figure
from tracker.present.picture_figure import progress_picture
from tracker.present.labels import caption, chart_filename, target_label, unit_label
from tracker.present.picture import has_chart, not_charted, picture_rows
from tracker.assess.value_kinds import of_series


def picture_figure(cat: Catalogue, snapshot, unit: str, lang: str, *, screen: bool = False):
    """The progress picture as the brief, the PNG still and the deck draw it (unit in the title);
    ``screen``: for a page, names wrapped in two short lines so a phone holds them."""
    rows = picture_rows(cat, snapshot, unit, lang)
    return progress_picture(rows, unit_name=unit_label(cat, unit, lang), caption=caption(cat, snapshot, lang, [unit]),
                            not_charted=not_charted(cat, snapshot, unit, lang), name_chars=80,
                            wrap=42 if screen else None)


@dataclass(frozen=True)
class ChartItem:
    """One numeric target of a unit, ready for a slide or a PNG file."""

    assessment: object
    indicator: object
    name: str          # target name (with sector)
    file_name: str     # PNG name without extension
    figure: object
    place: str = ""    # the unit, and the old territory the target covers when it differs
                       # ("Bắc Ninh — địa bàn tỉnh Bắc Giang cũ"), as the chart's own title says


def unit_charts(catalogue: Catalogue, snapshot: Snapshot, unit: str, lang: str = "vi") -> list[ChartItem]:
    """The progress chart of each numeric target of ``unit``, as the unit page draws them."""
    cap = caption(catalogue, snapshot, lang, [unit])
    res = snapshot.results.get(unit, {"numeric": [], "milestones": []})
    items = []
    for a in res["numeric"]:
        if not has_chart(a):   # unmeasured, replaced or no value yet: listed by name, never an empty chart
            continue
        ind = catalogue.indicator(a.indicator_id)
        name = target_label(catalogue, a.indicator_id, a.sector, lang)
        sector_name = name.split(" — ", 1)[1] if a.sector and " — " in name else ""
        # The title says whose territory the target covers ("Bắc Ninh — địa bàn tỉnh Bắc Giang cũ").
        fig = progress_figure(ind, a, unit_name=catalogue.territory_label(ind, unit, lang), caption=cap,
                              sector_name=sector_name, kinds=of_series(snapshot.kinds, a))
        items.append(ChartItem(a, ind, name, chart_filename(unit, a.indicator_id, a.sector, snapshot.latest_period), fig,
                               catalogue.territory_label(ind, unit, lang)))
    return items


def unit_pngs_zip(catalogue: Catalogue, snapshot: Snapshot, unit: str, *, lang: str = "vi") -> bytes:
    """A zip of the unit's chart PNGs (1600×900 at scale 2), one per numeric target."""
    items = unit_charts(catalogue, snapshot, unit, lang)
    picture = picture_figure(catalogue, snapshot, unit, lang)
    # The picture first, as tall as its rows need (a slide's 900 px would squeeze a long list).
    first = figures_png([picture], 1600, max(900, int(picture.layout.height or 900)))
    pngs = first + figures_png([i.figure for i in items])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:  # PNGs are compressed already
        zf.writestr(f"{unit}_tien-do_{snapshot.latest_period or 'chua-co-so-lieu'}.png", pngs[0])
        for item, png in zip(items, pngs[1:]):
            zf.writestr(f"{item.file_name}.png", png)
    return buf.getvalue()
