"""Presentation mode's progress picture: the bars in parts that each fit a projected screen whole.

In presentation mode (tracker.web.presentation) the chart's box is the window's height less the
steps, the title and the caption (CSS, so the real window decides), and the bars share that height.
The server does not know the window, so the picture is made for the smallest window it is laid out
for (PRESENT_WINDOW_PX, a 1366×768 projector; 1280×800 and larger windows only add room): each part
holds as many bars as that height gives ``ROW_MIN`` to, and the names' font is the largest that keeps
every name clear of the bar, the tick and the value above it. A larger window only spreads the rows.

The names are one line (a presentation window is at least 1280 px wide), anchored to their own bar's
top in the axis' units, so they stay above their bar at any height instead of a fixed pixel offset.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.catalogue import Catalogue

# The plot's height (between the x axis and the top) at a 768 px window: the window less the exit
# button, the steps, the title, up to three subtitle lines, the caption and the chart's own margins
# and tick labels (measured at 1280×800: 436 px of an 800 px window, with three subtitle lines).
PRESENT_WINDOW_PX = 768
PRESENT_PLOT_PX = 400
# Bars are 0.34 of a row (picture_figure.progress_picture); the tick is 20 px tall across the bar's centre.
BAR_SHARE = 0.34
TICK_HALF_PX = 10
LINE_BOX = 1.35      # a Plotly annotation's box is about 1.35 × its font size tall (one line, with padding)
FONT_MIN, FONT_MAX = 14, 20
# The narrowest presentation window (1280 px) leaves about 1100 px for a name; a character is ~0.56 em.
NAME_WIDTH_PX = 1100
CHAR_EM = 0.56


@dataclass(frozen=True)
class PartLayout:
    """How one part of the picture is drawn: the names' and values' font, the names' lift above their
    bar's top (pixels), and how many characters of a name fit on its one line."""

    font: int
    lift: float
    name_chars: int


def part_layout(bars: int, plot_px: float = PRESENT_PLOT_PX) -> PartLayout | None:
    """The layout that keeps ``bars`` bars readable in ``plot_px`` of height, or None if none does.

    With ``row`` the pixels of one bar's band, a name (``LINE_BOX × font`` tall) sits ``lift`` px above
    its bar's top and must stay below the bar above (its bottom is 0.66 row higher than this bar's top),
    below the tick above (``TICK_HALF_PX`` under the row above's centre) and below the value above
    (half a line under that centre).
    """
    row = plot_px / (max(1, bars) + 0.5)
    half_bar = BAR_SHARE / 2 * row
    lift = 3 + max(0.0, TICK_HALF_PX - half_bar)   # clear of its own tick, which may stand out of a thin bar
    for font in range(FONT_MAX, FONT_MIN - 1, -1):
        name = LINE_BOX * font
        top = half_bar + lift + name            # the name's top, above this row's centre
        if (top + 1 <= row - half_bar and top + 1 <= row - TICK_HALF_PX
                and top + 1 <= row - LINE_BOX * font / 2):
            return PartLayout(font, lift, int(NAME_WIDTH_PX / (CHAR_EM * font)))
    return None


def bars_per_part(plot_px: float = PRESENT_PLOT_PX) -> int:
    """The most bars one part holds (at least one: a single bar always gets the whole height)."""
    n = 1
    while part_layout(n + 1, plot_px) is not None:
        n += 1
    return n


def split_rows(rows: list, plot_px: float = PRESENT_PLOT_PX) -> list[list]:
    """The picture's rows in parts of about equal size, none larger than ``bars_per_part``."""
    if not rows:
        return []
    most = bars_per_part(plot_px)
    parts = -(-len(rows) // most)
    size = -(-len(rows) // parts)
    return [rows[k:k + size] for k in range(0, len(rows), size)]


def part_count(cat: Catalogue, snapshot, unit: str, lang: str) -> int:
    """How many parts (screens) the unit's picture takes in presentation mode; 0 without bars."""
    from tracker.present.picture import picture_rows

    return len(split_rows(picture_rows(cat, snapshot, unit, lang)))


def presentation_pictures(cat: Catalogue, snapshot, unit: str, lang: str, only: int | None = None) -> list:
    """The unit's progress picture for presentation mode: one figure a part (``only``: that part
    alone, in a list), each titled with its place ("(1/2)") when there are several; the
    not-charted lists on the last part only."""
    from tracker.present.picture_figure import progress_picture
    from tracker.present.labels import caption, unit_label
    from tracker.present.picture import not_charted, picture_rows

    rows = picture_rows(cat, snapshot, unit, lang)
    parts = split_rows(rows)
    cap = caption(cat, snapshot, lang, [unit])
    missing = not_charted(cat, snapshot, unit, lang)
    figures = []
    for k, part in enumerate(parts):
        if only is not None and k != only:
            continue
        fit = part_layout(len(part))
        fig = progress_picture(part, unit_name=unit_label(cat, unit, lang), caption=cap, name_chars=fit.name_chars,
                               not_charted=missing if k == len(parts) - 1 else None)
        fit_to_screen(fig, fit)
        if len(parts) > 1:
            meta = dict(fig.layout.meta)
            meta["title"] = f"{meta['title']} ({k + 1}/{len(parts)})"
            fig.layout.meta = meta
        figures.append(fig)
    return figures


def fit_to_screen(fig, fit: PartLayout) -> None:
    """Names anchored to their bar's top (axis units) and lifted ``fit.lift`` px; names and values
    in ``fit.font``: the picture laid out for the presentation window, whatever its height."""
    for note in fig.layout.annotations:
        if note.name == "target_name":
            note.y = note.y - BAR_SHARE / 2
            note.yshift = fit.lift
            note.font.size = fit.font
        elif note.name == "bar_value":
            note.font.size = fit.font
