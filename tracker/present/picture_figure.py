"""The progress picture as a Plotly figure: one unit's numeric targets as bars from start (0 %) to target
(100 %), a tick where each should stand today, coloured by status (rows: tracker.present.picture)."""

from __future__ import annotations

import plotly.graph_objects as go

from tracker.core.i18n import fmt_number
from tracker.core.statuses import colour as status_colour
from tracker.present.figures import INK, PENDING, TARGET, _layout, _wrap, status_label
from tracker.present.labels import Caption


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip(" ,;:—-") + "…"


# The progress picture's tick is a vertical line 3 px wide; a bar's value label starts this many pixels to
# the right of the bar's end or of the tick, whichever is further right.
TICK_LINE_PX = 3
LABEL_GAP_PX = 8


def picture_label_x(row) -> float:
    """Where a progress-picture bar's value label starts (before LABEL_GAP_PX): the bar's end or the tick."""
    from tracker.present.picture import BAR_CAP

    end = min(BAR_CAP, max(0.0, row.share))
    return max(end, min(BAR_CAP, max(0.0, row.expected))) if row.expected is not None else end


def progress_picture(rows: list, *, unit_name: str, caption: Caption, not_charted=None, name_chars: int = 46,
                     row_px: int = 58, wrap: int | None = None) -> go.Figure:
    """One unit's numeric targets as horizontal bars: how far along from the start to the target
    (0–100 %, more once passed), a tick where each should be today, coloured by its status.

    ``rows``: tracker.present.picture.PictureRow, top to bottom. Each name sits above its bar (cut at
    ``name_chars``, whole in the hover) so a phone keeps the bars wide; the share is written at the
    bar's end with the status icon, so colour is never the only sign. Targets with nothing to draw
    (``not_charted``, tracker.present.picture.NotCharted) are lines in the subtitle, never empty bars.
    ``wrap``: names in two lines of at most that many characters (a page, where a phone is 360 px
    wide), the rows taller to hold them; stills keep one line of ``name_chars``.
    The axis starts at zero; 100 % (the target) is a dashed line.
    """
    from tracker.core.statuses import NUMERIC
    from tracker.core.statuses import icon as status_icon
    from tracker.present.picture import BAR_CAP

    lang = caption.lang
    pct = lambda v: fmt_number(100 * v, lang, 0).replace("-", "\u2212") + " %"   # noqa: E731
    data, annotations = [], []
    for status in NUMERIC:
        picked = [(k, r) for k, r in enumerate(rows) if r.status == status]
        if not picked:
            continue
        label = status_label(status, lang)
        data.append({"type": "bar", "orientation": "h", "y": [k for k, _ in picked],
                     "x": [min(BAR_CAP, max(0.0, r.share)) for _, r in picked], "width": 0.34,
                     "marker": {"color": status_colour(status)}, "name": label,
                     "hovertext": [f"{r.name}<br>{label} · " + ("đã đi được " if lang != "en" else "done ")
                                   + f"{pct(r.share)}<br>" + ("Xuất phát" if lang != "en" else "Start")
                                   + f": {r.start_text} · " + ("Mới nhất" if lang != "en" else "Latest")
                                   + f": {r.latest_text} · " + ("Mục tiêu" if lang != "en" else "Target")
                                   + f": {r.target_text}" for _, r in picked], "hoverinfo": "text"})
    ticks = [(k, r) for k, r in enumerate(rows) if r.expected is not None]
    if ticks:
        tick_name = "Mức cần đạt đến nay" if lang != "en" else "Where it should be by now"
        data.append({"type": "scatter", "mode": "markers", "x": [min(BAR_CAP, max(0.0, r.expected)) for _, r in ticks],
                     "y": [k for k, _ in ticks], "name": tick_name,
                     "marker": {"symbol": "line-ns", "size": 20, "line": {"width": TICK_LINE_PX, "color": INK}},
                     "hovertext": [f"{tick_name}: {pct(r.expected)}" for _, r in ticks], "hoverinfo": "text"})
    # Each bar's value is written after the bar's end or after its tick, whichever is further right: a tick
    # just past the bar's end never lies under the written value (the bar's own "outside" text covered it).
    for k, r in enumerate(rows):
        annotations.append({"text": f"{pct(r.share)} {status_icon(r.status)}", "x": picture_label_x(r), "xref": "x",
                            "y": k, "yref": "y", "xanchor": "left", "yanchor": "middle", "xshift": LABEL_GAP_PX,
                            "showarrow": False, "font": {"size": 14, "color": INK}, "name": "bar_value"})
    if wrap:
        row_px = max(row_px, 78)
    for k, r in enumerate(rows):
        annotations.append({"text": _wrap(r.name, wrap, max_lines=2) if wrap else _cut(r.name, name_chars), "x": 0, "xref": "paper", "y": k, "yref": "y",
                            "xanchor": "left", "yanchor": "bottom", "yshift": 14, "showarrow": False, "align": "left",
                            "font": {"size": 14, "color": INK}, "hovertext": r.name, "name": "target_name"})
    counts = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    legend = " · ".join(f"<span style='color:{status_colour(s)}'>■</span> {status_label(s, lang)} {n}"
                        for s, n in sorted(counts.items(), key=lambda sn: NUMERIC.index(sn[0])))
    how = ("Thanh: đã đi được bao nhiêu từ mức xuất phát đến mục tiêu (100 %); vạch đen: mức cần đạt đến nay"
           if lang != "en" else "Bar: how far from the starting value to the target (100 %); black tick: where it should be by now")
    subtitle = (legend + ". " if legend else "") + how   # one sentence after another, also where a page joins lines
    for label, names in (not_charted.lines(lang) if not_charted else []):
        subtitle += "<br>○ " + _wrap(f"{label}: {names}", 120, max_lines=3)
    title = ("Tiến độ các chỉ tiêu định lượng" if lang != "en" else "Progress of the numeric targets")
    # Height for the bars alone (a row each, and half a row for the target line's label) plus the
    # title and footer bands, which the screen gives back (for_screen): the bars keep their spacing.
    layout = _layout(f"{unit_name} — {title}" if unit_name else title, subtitle, caption,
                     300 + round(row_px * (max(1, len(rows)) + 0.5)))
    layout["meta"]["screen_title"] = title
    layout["annotations"] = annotations + layout["annotations"]
    top = max([1.0] + [min(BAR_CAP, r.share) for r in rows] + [r.expected or 0 for r in rows])
    layout["xaxis"].update({"range": [0, top + 0.3], "tickvals": [0, 0.25, 0.5, 0.75, 1.0] + ([1.5] if top > 1.2 else []),
                            "ticktext": [pct(v) for v in (0, 0.25, 0.5, 0.75, 1.0)] + ([pct(1.5)] if top > 1.2 else []),
                            "showgrid": True, "zeroline": True, "zerolinecolor": "#9aa5b1"})
    layout["yaxis"].update({"autorange": False, "range": [len(rows) - 0.45, -0.95], "showticklabels": False,
                            "showgrid": False, "tickformat": None})
    layout["shapes"] = [{"type": "line", "x0": 1, "x1": 1, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
                         "line": {"color": TARGET, "width": 2, "dash": "dash"}}]
    layout["annotations"].insert(0, {"text": ("Mục tiêu" if lang != "en" else "Target"), "x": 1, "xref": "x", "y": 1,
                                     "yref": "paper", "yanchor": "bottom", "xanchor": "center", "showarrow": False,
                                     "font": {"size": 13, "color": TARGET}, "name": "target_line"})
    layout["margin"]["l"] = 20
    layout["bargap"] = 0.5
    return go.Figure({"data": data, "layout": layout})


# Figures awaiting approval (issue 21): an open hourglass of their own colour — not the actuals' circle and
# not the estimates' diamond, so that each mark has one meaning.
