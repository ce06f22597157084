"""Plotly figures: one style for the screen, PNG stills and PowerPoint slides.

Every figure carries its own title (unit + indicator), the target labelled with value and year,
"Cập nhật: Quý …", the source, and a demo mark when the data is demo data, so that a still
pasted into a slide still says what it is. Numbers on axes and hovers use Vietnamese separators.
"""

from __future__ import annotations

import math
import re

import plotly.graph_objects as go

from tracker.core.measures import is_whole
from tracker.core.statuses import colour as status_colour
from tracker.core.i18n import fmt_number, fmt_value
from tracker.present.labels import Caption
from tracker.assess.value_kinds import NOT_OFFICIAL as KIND_ORDER
from tracker.assess.value_kinds import SYMBOLS as KIND_SYMBOLS
from tracker.assess.value_kinds import judged_words, with_kind
from tracker.assess.value_kinds import word as kind_word

INK = "#1f2933"
MUTED = "#52606d"
ACTUAL = "#1f4e79"
TARGET = "#c92a2a"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
# Slide size (16:9); PNG export doubles it with scale=2.
WIDTH, HEIGHT = 1600, 900
# Pixels below the plot area: tick labels, the legend and the footer ("Cập nhật …", source).
BOTTOM = 150


def status_label(status: str, lang: str = "vi") -> str:
    from tracker.assess.judge import status_label as label

    return label(status, lang)


# Units counted in whole things: a projection of 26,08 enterprises is shown as 26.
def value_text(value, unit: str, lang: str) -> str:
    """A value with its unit, counts rounded to whole numbers."""
    # Only a finite number is rounded: round(inf) raises, and a stored 1e308 or a flow summed past
    # the largest float must show as a value or "—", not stop the page.
    if is_whole(unit) and isinstance(value, (int, float)) and math.isfinite(value):
        return fmt_value(round(value), unit, lang)
    return fmt_value(value, unit, lang)


def _layout(title: str, subtitle: str, caption: Caption, height: int) -> dict:
    """The shared look of every figure, as a plain layout dict (annotations included).

    Title, subtitle and footer are also kept in ``meta`` so that the screen can draw them as page
    text (which wraps at any width) and the figure without them: see :func:`for_screen`.
    """
    # Long explanations wrap in the figure itself, so a still keeps all of it.
    lines = subtitle.count("<br>") + 1
    height += 22 * (lines - 1)
    annotations = [{"text": caption.footer(), "xref": "paper", "yref": "paper", "x": 0, "y": 0, "yshift": -(BOTTOM - 42),
                    "xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left",
                    "font": {"size": 13, "color": MUTED}, "name": "footer"}]
    if caption.demo:
        annotations.append({"text": "DỮ LIỆU MINH HỌA" if caption.lang != "en" else "DEMO DATA", "xref": "paper",
                            "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False, "textangle": -20, "opacity": 0.07,
                            "font": {"size": 90, "color": "#000"}, "name": "watermark"})
    return {
        "title": {"text": f"<b>{title}</b><br><span style='font-size:17px;color:{MUTED}'>{subtitle}</span>",
                  "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top", "font": {"size": 24, "color": INK}},
        # On a page the text wraps by itself: line breaks only before a note ("* …", "○ …").
        "meta": {"title": title, "subtitle": re.sub(r"<br>(?![*○◇◈] )", " ", subtitle), "footer": caption.footer()},
        "font": {"family": FONT, "size": 16, "color": INK},
        "separators": ",." if caption.lang != "en" else ".,",
        # No stock template: copying one costs ~60 ms a figure, and a unit page draws twenty.
        "template": "none",
        "xaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        # Vietnamese ticks: 100.000 (not 100k), 0,5; "~" drops trailing zeros.
        "yaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True,
                  "tickformat": ",~f"},
        "height": height,
        # Bottom band in pixels, so a still of any height keeps it: ticks, then the legend, then the footer.
        "margin": {"l": 80, "r": 40, "t": 110 + 22 * (lines - 1), "b": BOTTOM},
        "showlegend": False,
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 44 / height, "x": 0,
                   "font": {"size": 15}},
        "hoverlabel": {"font": {"family": FONT, "size": 15}},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "annotations": annotations,
    }


def for_screen(fig: go.Figure, height: int | None = None) -> tuple[dict, go.Figure]:
    """The figure's title, subtitle and footer as texts, and the figure without them, for a page.

    Plotly does not wrap text: a title that fits 1600 px runs off a 390 px phone. The page draws
    these three as text above and below the chart (as Our World in Data does), and the stills
    (PNG, slides) keep the whole figure.
    """
    meta = dict(fig.layout.meta or {})
    screen = go.Figure(fig)
    # Assigned, not updated: update_layout would merge the shortened list into the old one by index.
    screen.layout.annotations = [a for a in screen.layout.annotations if a.name != "footer"]
    for note in screen.layout.annotations:
        if note.name == "watermark":   # sized for a 1600 px still; a phone needs it smaller
            note.font.size = 26
    legend = bool(screen.layout.showlegend)
    top, bottom = (40 if legend else 24), 10
    # The bands the title and footer had are given back: the plot keeps its height, not the figure.
    freed = (screen.layout.margin.t or 0) + (screen.layout.margin.b or 0) - top - bottom
    screen.update_layout(title=None, height=height or max(360, (screen.layout.height or 560) - max(0, freed)),
                         margin={"t": top, "b": bottom, "l": 10, "r": 10},
                         legend={"yref": "paper", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 13}})
    return meta, screen


# Height of a text label as a share of the plot height (a 14 px line on a ~400 px plot, with room).
_BAND = 0.09


def slide_figure(fig: go.Figure, font_px: int = 22) -> go.Figure:
    """The figure for a slide: the slide carries the title, the status and the sources, so the
    picture is the chart alone, with every text at ``font_px`` or more (22 px on a 960 px wide
    chart shown 8,9 inches wide is 14,7 pt)."""
    _, slide = for_screen(fig)
    slide.update_layout(font={"size": font_px}, margin={"t": 30, "b": 20, "l": 20, "r": 20},
                        xaxis={"tickfont": {"size": font_px}}, yaxis={"tickfont": {"size": font_px},
                                                                     "title": {"font": {"size": font_px}}})
    for note in slide.layout.annotations:
        if note.name == "watermark":
            note.font.size = 64
        elif note.font is None or (note.font.size or 0) < font_px:
            note.font.size = font_px
    for trace in slide.data:
        if getattr(trace, "text", None) is not None and hasattr(trace, "textfont"):
            trace.textfont.size = font_px
    return slide


def _place_labels(points: list[tuple[int, float]], bars: bool, target_value, target_year: int | None,
                  projection, reversed_axis: bool) -> tuple[str, str, str, bool]:
    """Sides ("top"/"bottom") of the target label (two lines), the projection label and the latest
    value's label, and whether the projection is said in the target's label instead (when the two
    lines lie too close for two labels).

    The target and projection labels end at the right edge (the years to come) and may reach four
    years left on a phone; each goes on the side of its line where no other label or the axis is.
    """
    values = [v for _, v in points]
    top = max([abs(v) for v in values] + [abs(target_value or 0), abs(projection or 0), 1e-9])

    def h(v):   # 0 at the bottom of the plot, 1 at the top
        return 1 - v / top if reversed_axis else v / top

    def band(v, side, lines=1):
        return (h(v), h(v) + lines * _BAND) if side == "top" else (h(v) - lines * _BAND, h(v))

    def clash(b, others):
        return b[0] < 0 or b[1] > 1.1 or any(b[0] < o[1] and o[0] < b[1] for o in others)

    near = [(y, v) for y, v in points if target_year is None or y >= target_year - 5]
    # Bar values sit above their bars; the latest point's label is decided below.
    taken = [band(v, "top") for _, v in near] if bars else []
    latest = "top"
    if not bars and points:
        v = points[-1][1]
        latest = "bottom" if target_value is not None and h(v) < h(target_value) and h(v) > 2 * _BAND else "top"
        taken.append(band(v, latest))
    merged = target_value is not None and projection is not None and abs(h(projection) - h(target_value)) < 3 * _BAND
    lines = 3 if merged else 2
    proj = None if merged else projection
    # The first pair of sides where neither label meets the other, a data label or the edges.
    for ts, ps in (("top", "top"), ("bottom", "top"), ("top", "bottom"), ("bottom", "bottom")):
        tb = band(target_value, ts, lines) if target_value is not None else None
        pb = band(proj, ps) if proj is not None else None
        if tb is not None and clash(tb, taken):
            continue
        if pb is not None and clash(pb, taken + ([tb] if tb else [])):
            continue
        return ts, ps, latest, merged
    return "top", "top", latest, merged


def progress_figure(indicator, assessment, *, unit_name: str, caption: Caption, sector_name: str = "",
                    kinds: dict | None = None) -> go.Figure:
    """Actuals by year, the target, the projection to the target year, and the status (progress_spec as a Figure)."""
    return go.Figure(progress_spec(indicator, assessment, unit_name=unit_name, caption=caption, sector_name=sector_name,
                                   kinds=kinds))


def progress_spec(indicator, assessment, *, unit_name: str, caption: Caption, sector_name: str = "",
                  kinds: dict | None = None) -> dict:
    """progress_figure's content as the plain {"data", "layout"} dict Plotly is given: what the static
    site (tracker.present.publish) draws as SVG itself, without Plotly's validation (~10 ms a figure).

    Built as plain dicts and handed to Plotly once: a unit page draws one per target, and Plotly's
    object API (add_scatter, update_xaxes …) costs ~20 ms a figure against ~3 ms this way.
    Labels are direct (no legend): the latest value at its point, the target on its line, the
    projection at its end.

    ``kinds``: period → "estimate" | "preliminary" for the points that are not official
    (tracker.assess.value_kinds.of_series): an estimate is drawn as a hollow diamond (a hollow bar), a
    preliminary figure as a diamond with a cross (a cross-hatched bar), each with its word in the hover,
    in the latest value's label and in a legend line under the status.
    """
    lang = caption.lang
    kinds = kinds or {}
    unit = indicator.unit
    series = list(assessment.series)
    data: list[dict] = []
    annotations: list[dict] = []
    whole = [p for p in series if not p.partial]
    partial = [p for p in series if p.partial]
    partial_note = " (chưa đủ năm)" if lang != "en" else " (partial year)"
    rank = unit == "rank"
    target = indicator.target
    target_value = getattr(target, "value", None) if indicator.is_numeric else None
    proj = getattr(assessment, "projection", None) if indicator.is_numeric else None
    target_side, proj_side, latest_side, merged = _place_labels(
        [(p.year, p.value) for p in series], indicator.rollup_kind == "flow", target_value,
        getattr(target, "year", None), proj, rank)

    def kind(p) -> str | None:
        return kinds.get(p.period or str(p.year))

    def hover(points, note=""):
        return [f"{p.year}: {value_text(p.value, unit, lang)}" + (partial_note if p.partial else note)
                + (f" ({kind_word(kind(p), lang)})" if kind(p) else "") for p in points]

    if indicator.rollup_kind == "flow":
        # An estimate's or a preliminary year's bar is drawn apart, whatever else it is (partial or whole).
        firm = [p for p in whole if not kind(p)]
        soft = {k: [p for p in series if kind(p) == k] for k in KIND_ORDER}
        hatched = [p for p in partial if not kind(p)]
        data.append({"type": "bar", "x": [p.year for p in firm], "y": [p.value for p in firm],
                     "name": "Thực tế" if lang != "en" else "Actual", "marker": {"color": ACTUAL},
                     "text": [fmt_number(p.value, lang) for p in firm], "textposition": "outside",
                     "cliponaxis": False, "hovertext": hover(firm), "hoverinfo": "text"})
        for k, points in soft.items():
            if points:
                data.append({"type": "bar", "x": [p.year for p in points], "y": [p.value for p in points],
                             "name": kind_word(k, lang).capitalize(), "meta": {"value_status": k},
                             "marker": {"color": "white", "line": {"color": ACTUAL, "width": 2},
                                        **({"pattern": {"shape": "x", "fgcolor": ACTUAL, "bgcolor": "white", "size": 9,
                                                        "solidity": 0.2}} if k == "preliminary" else {})},
                             "text": [with_kind(fmt_number(p.value, lang) + ("*" if p.partial else ""), k, lang)
                                      for p in points],
                             "textposition": "outside", "cliponaxis": False, "hovertext": hover(points),
                             "hoverinfo": "text"})
        if hatched:
            data.append({"type": "bar", "x": [p.year for p in hatched], "y": [p.value for p in hatched],
                         "name": "Năm chưa đủ quý" if lang != "en" else "Partial year",
                         "marker": {"color": "white", "line": {"color": ACTUAL, "width": 2},
                                    "pattern": {"shape": "/", "fgcolor": ACTUAL, "bgcolor": "white", "size": 9,
                                                "solidity": 0.25}},
                         "text": [fmt_number(p.value, lang) + "*" for p in hatched], "textposition": "outside",
                         "cliponaxis": False, "hovertext": hover(hatched), "hoverinfo": "text"})
    else:
        last = len(series) - 1
        data.append({"type": "scatter", "x": [p.year for p in series], "y": [p.value for p in series],
                     "mode": "lines+markers+text", "name": "Thực tế" if lang != "en" else "Actual",
                     "line": {"color": ACTUAL, "width": 3}, "cliponaxis": False,
                     "marker": {"size": [17 if kind(p) else 11 for p in series], "line": {"color": ACTUAL, "width": 2},
                                "symbol": [KIND_SYMBOLS[kind(p)][0] if kind(p) else "circle" for p in series],
                                "color": [("white" if (p.partial or getattr(p, "provisional", False) or kind(p)) else ACTUAL)
                                          for p in series]},
                     "meta": {"value_status": [kind(p) or "official" for p in series]},
                     "text": [with_kind(value_text(p.value, unit, lang) + ("*" if p.partial else ""), kind(p), lang)
                              if k == last else "" for k, p in enumerate(series)],
                     # Centred on the point, unless it is the first year (the axis is close on its
                     # left) or the last year on the axis (its right edge is close).
                     "textposition": f"{latest_side} " + ("right" if len(series) <= 1 else "left" if (
                         not indicator.is_numeric or series[-1].year >= target.year) else "center"),
                     "textfont": {"color": ACTUAL, "size": 14},
                     "hovertext": hover(series), "hoverinfo": "text"})

    years = [p.year for p in series]
    xaxis = {"dtick": 1, "tickformat": "d", "showgrid": False}
    if years:
        xaxis["range"] = [min(years) - 0.6, max(years) + 0.6]
    if indicator.is_numeric:
        first_year = min(years + [target.year - 1, 2024])
        label = (f"Mục tiêu {target.year}: " if lang != "en" else f"Target {target.year}: ") + _target_words(indicator, lang)
        # On the chart the value and year only ("từ 100 bài báo"); the conditions are in the subtitle.
        short = (f"Mục tiêu {target.year}:<br>" if lang != "en" else f"Target {target.year}:<br>") + \
            re.split(r", | \(", _target_words(indicator, lang))[0]
        if merged and proj is not None and whole:   # the two lines too close for two labels: one says both
            short += f"<br><span style='color:{MUTED}'>" + ("Dự báo: " if lang != "en" else "Projection: ") + \
                value_text(proj, unit, lang) + "</span>"
        data.append({"type": "scatter", "x": [first_year - 0.4, target.year + 0.4], "y": [target.value, target.value],
                     "mode": "lines", "name": label, "line": {"color": TARGET, "width": 2, "dash": "dot"},
                     "hoverinfo": "skip"})
        data.append({"type": "scatter", "x": [target.year], "y": [target.value], "mode": "markers",
                     "marker": {"symbol": "star", "size": 18, "color": TARGET}, "hovertext": [label],
                     "hoverinfo": "text", "name": label})
        # On the line, at its right end: the years to come, where no data are drawn.
        annotations.append({"text": short, "x": target.year - 0.25, "xref": "x",
                            "y": target.value, "yref": "y", "xanchor": "right", "align": "right",
                            "yanchor": "bottom" if target_side == "top" else "top", "showarrow": False,
                            "yshift": 2 if target_side == "top" else -2,
                            "font": {"color": TARGET, "size": 13}, "name": "target"})
        if proj is not None and whole:
            last_whole = whole[-1]
            name = ("Dự báo " if lang != "en" else "Projection ") + f"{target.year}: {value_text(proj, unit, lang)}"
            data.append({"type": "scatter", "x": [last_whole.year, target.year], "y": [last_whole.value, proj],
                         "mode": "lines+markers", "name": name, "line": {"color": MUTED, "width": 2, "dash": "dash"},
                         "marker": {"size": [0, 10], "color": MUTED}, "hovertext": ["", name], "hoverinfo": "text"})
            if not merged:
                annotations.append({"text": name, "x": target.year - 0.2, "xref": "x", "y": proj, "yref": "y",
                                    "xanchor": "right", "font": {"color": MUTED, "size": 13},
                                    "yanchor": "bottom" if proj_side == "top" else "top",
                                    "yshift": 8 if proj_side == "top" else -8, "showarrow": False,
                                    "name": "projection"})
        xaxis["range"] = [first_year - 0.6, max(years + [target.year]) + 0.6]

    status = assessment.status
    colour = status_colour(status, MUTED)
    label = status_label(status, lang)
    # 110 characters fit the narrowest still (1280 px, slide charts) and a laptop screen.
    explain = _wrap(f"{label} · " + assessment.explain(lang), 110, max_lines=6)
    subtitle = f"<span style='color:{colour}'>● <b>{label}</b></span>" + explain[len(label):]
    if partial and indicator.rollup_kind == "flow":
        subtitle += "<br>* " + ("năm chưa đủ 4 quý (cột gạch chéo)" if lang != "en" else "partial year (hatched bar)")
    elif any(p.partial for p in series):
        subtitle += "<br>* " + ("số liệu đến quý gần nhất, chưa đủ năm (điểm rỗng)" if lang != "en"
                                else "figure to the latest quarter, not a whole year (open marker)")
    subtitle += kinds_legend([kind(p) for p in series], indicator.rollup_kind == "flow", lang,
                             judged_words(kind(series[-1]) if series else None, lang))
    name = indicator.name.get(lang) + (f" — {sector_name}" if sector_name else "")
    layout = _layout(f"{unit_name} — {name}", subtitle, caption, 560)
    layout["meta"]["screen_title"] = name
    if kinds:
        layout["meta"]["kinds"] = dict(kinds)   # period → kind, for what is drawn from the figure (a deck's table)
    layout["annotations"] = annotations + layout["annotations"]
    layout["xaxis"].update(xaxis)
    ytitle = indicator.unit_label(lang)
    layout["yaxis"].update({"title": {"text": ytitle}, "rangemode": "tozero",
                            "autorange": "reversed" if rank else True})
    if rank:
        layout["yaxis"]["tickformat"] = "d"
    if is_whole(unit) or rank:
        # Whole steps for small counts: no "0,2 văn bằng" on the axis.
        top = max([p.value for p in series] + [target_value or 0, proj or 0, 0])
        if top <= 10:
            layout["yaxis"]["dtick"] = 1
    return {"data": data, "layout": layout}


def kinds_legend(kinds: list, bars: bool, lang: str, judged: str = "") -> str:
    """The legend line of the kinds of figure a chart draws ("◇ ước tính · ◈ sơ bộ: chưa phải số chính
    thức"), and that the status rests on one when its latest value is not official; "" when all are."""
    present = [k for k in KIND_ORDER if k in kinds]
    if not present:
        return ""
    if bars:
        marks = {"estimate": "cột rỗng" if lang != "en" else "hollow bar",
                 "preliminary": "cột gạch chéo ô" if lang != "en" else "cross-hatched bar"}
        words = " · ".join(f"{KIND_SYMBOLS[k][1]} {kind_word(k, lang)} ({marks[k]})" for k in present)
    else:
        words = " · ".join(f"{KIND_SYMBOLS[k][1]} {kind_word(k, lang)}" for k in present)
    words += ": chưa phải số chính thức" if lang != "en" else ": not yet official"
    if judged:
        words += f"; {judged}"
    return "<br>" + words   # a line of its own, kept as one on a page (see _layout's meta)


def _target_words(indicator, lang: str) -> str:
    from tracker.core.i18n import fmt_target

    text = fmt_target(indicator, lang)
    return text.rsplit(" (", 1)[0] if text.endswith(")") else text


def _wrap(text: str, width: int, max_lines: int = 4) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    return "<br>".join(lines)


def compare_figure(series: list[dict], *, indicator_name: str, unit: str, caption: Caption) -> go.Figure:
    """One indicator across units: each unit's yearly values and its own target.

    ``series``: dicts with unit_name, points [(year, value, partial[, kind])], target_value, target_year,
    status; a kind ("estimate", "preliminary") draws the point as on the unit page (hollow diamonds).
    Targets are listed in the subtitle (two units with the same target would print two labels on
    one spot); each unit's target is a star of its colour. Partial years are open markers, as on
    the unit page.
    """
    lang = caption.lang
    palette = ["#1f4e79", "#e8590c", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285"]
    partial_note = " (chưa đủ năm)" if lang != "en" else " (partial year)"
    data = []
    targets = []
    any_partial = False
    kinds_seen: list[str] = []
    for k, s in enumerate(series):
        colour = palette[k % len(palette)]
        pts = s["points"]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        flags = [bool(p[2]) if len(p) > 2 else False for p in pts]
        soft = [p[3] if len(p) > 3 and p[3] in KIND_SYMBOLS else None for p in pts]
        any_partial = any_partial or any(flags)
        kinds_seen += [k for k in soft if k]
        data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines+markers", "name": s["unit_name"],
                     "line": {"color": colour, "width": 3},
                     "marker": {"size": [14 if k else 10 for k in soft],
                                "symbol": [KIND_SYMBOLS[k][0] if k else "circle" for k in soft],
                                "color": ["white" if f or k else colour for f, k in zip(flags, soft)],
                                "line": {"color": colour, "width": 2}},
                     "meta": {"value_status": [k or "official" for k in soft]},
                     "hovertext": [f"{s['unit_name']} {x}: {value_text(y, unit, lang)}" + (partial_note if f else "")
                                   + (f" ({kind_word(k, lang)})" if k else "")
                                   for x, y, f, k in zip(xs, ys, flags, soft)], "hoverinfo": "text"})
        if s.get("target_value") is not None:
            words = f"{value_text(s['target_value'], unit, lang)} ({s['target_year']})"
            targets.append(f"<span style='color:{colour}'>★</span> {s['unit_name']}: {words}")
            data.append({"type": "scatter", "x": [s["target_year"]], "y": [s["target_value"]], "mode": "markers",
                         "name": s["unit_name"], "showlegend": False,
                         "marker": {"symbol": "star", "size": 18, "color": colour},
                         "hovertext": [f"{s['unit_name']}: " + ("mục tiêu " if lang != "en" else "target ") + words],
                         "hoverinfo": "text"})
    subtitle = ("Mục tiêu: " if lang != "en" else "Targets: ") + "; ".join(targets) if targets else (
        "So sánh giữa các địa phương cùng chỉ tiêu" if lang != "en" else "Across the units that share this target")
    if any_partial:
        subtitle += "<br>○ " + ("năm chưa đủ quý (điểm rỗng)" if lang != "en" else "partial year (open marker)")
    subtitle += kinds_legend(kinds_seen, False, lang)
    # Taller with more units: on a phone the legend wraps to a line per unit above the plot.
    layout = _layout(indicator_name, subtitle, caption, 560 + 30 * len(series))
    layout["showlegend"] = True
    layout["xaxis"].update({"dtick": 1, "tickformat": "d", "showgrid": False})
    layout["yaxis"].update({"title": {"text": UNIT_WORDS(unit, lang)}, "rangemode": "tozero"})
    return go.Figure({"data": data, "layout": layout})


def UNIT_WORDS(unit: str, lang: str) -> str:  # noqa: N802 - reads as a label
    from tracker.catalogue import UNITS

    return UNITS.get(unit, {}).get("en" if lang == "en" else "vi", "")


PENDING = "#b26a00"


def add_pending_points(fig: go.Figure, rows, indicator, lang: str = "vi") -> go.Figure:
    """Draw the figures of one target awaiting approval apart, on a progress figure: their own trace
    (open hourglasses, legend word "chờ duyệt") beside the approved series, which stays as it is.

    ``rows``: Store.pending_observations rows of this target (its indicator, unit and sector); a
    quarter is drawn at its year, as the approved series is. Only the pending trace is put in the
    legend. No rows: the figure unchanged."""
    from tracker.core.i18n import t
    from tracker.core.periods import parse_period

    if rows is None or len(rows) == 0:
        return fig
    word = t("pending.legend", lang)
    periods = [parse_period(str(p)) for p in rows["period"]]
    values = [float(v) for v in rows["value"]]
    for trace in fig.data:   # the approved series keeps its direct labels; the legend names the pending points
        if trace.showlegend is None:
            trace.showlegend = False
    fig.add_trace(go.Scatter(
        x=[p.year for p in periods], y=values, mode="markers", name=word, showlegend=True,
        marker={"symbol": "hourglass-open", "size": 14, "color": PENDING, "line": {"width": 2.5, "color": PENDING}},
        hovertext=[f"{p.label(lang)}: {value_text(v, indicator.unit, lang)} — {word}" for p, v in zip(periods, values)],
        hoverinfo="text"))
    fig.update_layout(showlegend=True)
    return fig
