"""Plotly figures: one style for the screen, PNG stills and PowerPoint slides.

Every figure carries its own title (unit + indicator), the target labelled with value and year,
"Cập nhật: Quý …", the source, and a demo mark when the data is demo data, so that a still
pasted into a slide still says what it is. Numbers on axes and hovers use Vietnamese separators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go

from tracker.i18n import fmt_date, fmt_value

# One colour per status, everywhere (screen, PNG, PPTX). Colour-blind safe-ish: the order runs
# green → amber → orange → red, greys for missing data, and every mark also carries its label.
STATUS_COLOURS = {
    "achieved": "#1a7f37",
    "on_track": "#4cae4f",
    "acceleration": "#e3a008",
    "off_track": "#e8590c",
    "moving_away": "#c92a2a",
    "too_little_data": "#9aa5b1",
    "no_data": "#ced4da",
    "done": "#1a7f37",
    "not_yet_due": "#1c7ed6",
    "overdue": "#c92a2a",
    "recurring": "#7048e8",
    "no_deadline": "#9aa5b1",
    "unmeasured": "#adb5bd",
    "replaced": "#868e96",
}
INK = "#1f2933"
MUTED = "#52606d"
ACTUAL = "#1f4e79"
TARGET = "#c92a2a"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
# Slide size (16:9); PNG export doubles it with scale=2.
WIDTH, HEIGHT = 1600, 900
# Pixels below the plot area: tick labels, the legend and the footer ("Cập nhật …", source).
BOTTOM = 150


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


def status_label(status: str, lang: str = "vi") -> str:
    from tracker.progress import status_label as label

    return label(status, lang)


def _layout(title: str, subtitle: str, caption: Caption, height: int) -> dict:
    """The shared look of every figure, as a plain layout dict (annotations included)."""
    # Long explanations wrap in the figure itself, so a still keeps all of it.
    lines = subtitle.count("<br>") + 1
    height += 22 * (lines - 1)
    annotations = [{"text": caption.footer(), "xref": "paper", "yref": "paper", "x": 0, "y": 0, "yshift": -(BOTTOM - 42),
                    "xanchor": "left", "yanchor": "top", "showarrow": False, "align": "left",
                    "font": {"size": 13, "color": MUTED}}]
    if caption.demo:
        annotations.append({"text": "DỮ LIỆU MINH HỌA" if caption.lang != "en" else "DEMO DATA", "xref": "paper",
                            "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False, "textangle": -20, "opacity": 0.07,
                            "font": {"size": 90, "color": "#000"}})
    return {
        "title": {"text": f"<b>{title}</b><br><span style='font-size:17px;color:{MUTED}'>{subtitle}</span>",
                  "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top", "font": {"size": 24, "color": INK}},
        "font": {"family": FONT, "size": 16, "color": INK},
        "separators": ",." if caption.lang != "en" else ".,",
        # No stock template: copying one costs ~60 ms a figure, and a unit page draws twenty.
        "template": "none",
        "xaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        "height": height,
        # Bottom band in pixels, so a still of any height keeps it: ticks, then the legend, then the footer.
        "margin": {"l": 80, "r": 40, "t": 110 + 22 * (lines - 1), "b": BOTTOM},
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 44 / height, "x": 0,
                   "font": {"size": 15}},
        "hoverlabel": {"font": {"family": FONT, "size": 15}},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "annotations": annotations,
    }


def _style(fig: go.Figure, title: str, subtitle: str, caption: Caption, *, height: int = 560) -> go.Figure:
    layout = _layout(title, subtitle, caption, height)
    annotations = layout.pop("annotations")
    fig.update_layout(layout)
    for note in annotations:   # added, not set: a figure may carry its own annotations already
        fig.add_annotation(note)
    return fig


def progress_figure(indicator, assessment, *, unit_name: str, caption: Caption, sector_name: str = "") -> go.Figure:
    """Actuals by year, the target, the projection to the target year, and the status.

    Built as plain dicts and handed to Plotly once: a unit page draws one per target, and Plotly's
    object API (add_scatter, update_xaxes …) costs ~20 ms a figure against ~3 ms this way.
    """
    lang = caption.lang
    unit = indicator.unit
    series = list(assessment.series)
    data: list[dict] = []
    whole = [p for p in series if not p.partial]
    partial = [p for p in series if p.partial]

    def hover(points, note=""):
        return [f"{p.year}: {fmt_value(p.value, unit, lang)}{note}" for p in points]

    if indicator.rollup_kind == "flow":
        data.append({"type": "bar", "x": [p.year for p in whole], "y": [p.value for p in whole],
                     "name": "Thực tế" if lang != "en" else "Actual", "marker": {"color": ACTUAL},
                     "text": [fmt_value(p.value, unit, lang) for p in whole], "textposition": "outside",
                     "hovertext": hover(whole), "hoverinfo": "text"})
        if partial:
            note = " (chưa đủ năm)" if lang != "en" else " (partial year)"
            data.append({"type": "bar", "x": [p.year for p in partial], "y": [p.value for p in partial],
                         "name": "Năm chưa đủ quý" if lang != "en" else "Partial year",
                         "marker": {"color": "white", "line": {"color": ACTUAL, "width": 2}, "pattern": {"shape": "/"}},
                         "text": [fmt_value(p.value, unit, lang) + note for p in partial], "textposition": "outside",
                         "hovertext": hover(partial, note), "hoverinfo": "text"})
    else:
        data.append({"type": "scatter", "x": [p.year for p in series], "y": [p.value for p in series],
                     "mode": "lines+markers+text", "name": "Thực tế" if lang != "en" else "Actual",
                     "line": {"color": ACTUAL, "width": 3},
                     "marker": {"size": 11, "line": {"color": ACTUAL, "width": 2},
                                "color": [("white" if (p.partial or getattr(p, "provisional", False)) else ACTUAL) for p in series]},
                     "text": [fmt_value(p.value, unit, lang) for p in series], "textposition": "top center",
                     "hovertext": hover(series), "hoverinfo": "text"})

    xaxis = {"dtick": 1, "tickformat": "d", "showgrid": False}
    target = indicator.target
    years = [p.year for p in series]
    if indicator.is_numeric:
        first_year = min(years + [target.year - 1, 2024])
        label = (f"Mục tiêu {target.year}: " if lang != "en" else f"Target {target.year}: ") + _target_words(indicator, lang)
        data.append({"type": "scatter", "x": [first_year - 0.4, target.year + 0.4], "y": [target.value, target.value],
                     "mode": "lines", "name": label, "line": {"color": TARGET, "width": 2, "dash": "dot"},
                     "hoverinfo": "skip"})
        data.append({"type": "scatter", "x": [target.year], "y": [target.value], "mode": "markers+text",
                     "showlegend": False, "marker": {"symbol": "star", "size": 18, "color": TARGET}, "text": [label],
                     "textposition": "top left", "textfont": {"color": TARGET, "size": 15}, "hovertext": [label],
                     "hoverinfo": "text"})
        proj = getattr(assessment, "projection", None)
        if proj is not None and whole:
            last = whole[-1]
            name = ("Dự báo " if lang != "en" else "Projection ") + f"{target.year}: {fmt_value(proj, unit, lang)}"
            data.append({"type": "scatter", "x": [last.year, target.year], "y": [last.value, proj],
                         "mode": "lines+markers", "name": name, "line": {"color": MUTED, "width": 2, "dash": "dash"},
                         "marker": {"size": [0, 10], "color": MUTED}, "hovertext": ["", name], "hoverinfo": "text"})
        xaxis["range"] = [first_year - 0.6, target.year + 0.6]

    status = assessment.status
    colour = STATUS_COLOURS.get(status, MUTED)
    label = status_label(status, lang)
    # 110 characters fit the narrowest still (1280 px, slide charts) and a laptop screen.
    explain = _wrap(f"{label} · " + assessment.explain(lang), 110, max_lines=6)
    subtitle = f"<span style='color:{colour}'>● <b>{label}</b></span>" + explain[len(label):]
    name = indicator.name.get(lang) + (f" — {sector_name}" if sector_name else "")
    layout = _layout(f"{unit_name} — {name}", subtitle, caption, 560)
    layout["xaxis"].update(xaxis)
    layout["yaxis"].update({"title": {"text": indicator.unit_label(lang)}, "rangemode": "tozero",
                            "autorange": "reversed" if unit == "rank" else True})
    return go.Figure({"data": data, "layout": layout})


def _target_words(indicator, lang: str) -> str:
    from tracker.i18n import fmt_target

    text = fmt_target(indicator, lang)
    return text.rsplit(" (", 1)[0] if text.endswith(")") else text


def status_matrix(rows: list[dict], *, caption: Caption, title: str) -> go.Figure:
    """Targets (rows) × units (columns), each cell coloured by status and labelled.

    Rows with the same ``row_key`` (the same kind of target, e.g. S&T enterprises) share a line, so
    units that set the same target line up. ``rows``: dicts with unit_name, target_name, status,
    status_label, value_text and optionally row_key.
    """
    units = list(dict.fromkeys(r["unit_name"] for r in rows))
    keys = list(dict.fromkeys(r.get("row_key") or r["target_name"] for r in rows))
    names = {}
    for r in rows:
        names.setdefault(r.get("row_key") or r["target_name"], r["target_name"])
    order = list(STATUS_COLOURS)
    z = [[None] * len(units) for _ in keys]
    text = [[""] * len(units) for _ in keys]
    hover = [[""] * len(units) for _ in keys]
    for r in rows:
        i, j = keys.index(r.get("row_key") or r["target_name"]), units.index(r["unit_name"])
        z[i][j] = order.index(r["status"])
        text[i][j] = r["status_label"]
        hover[i][j] = f"{r['unit_name']}<br>{r['target_name']}<br><b>{r['status_label']}</b><br>{r.get('value_text', '')}"
    n = len(order)
    scale = []
    for k, status in enumerate(order):
        scale += [(k / n, STATUS_COLOURS[status]), ((k + 1) / n, STATUS_COLOURS[status])]
    labels = [_wrap(names[k], 48, max_lines=2) for k in keys]
    fig = go.Figure(go.Heatmap(z=z, x=[_wrap(u, 22, max_lines=2) for u in units], y=labels, text=text,
                               texttemplate="%{text}", textfont={"size": 13, "color": "white"}, hovertext=hover,
                               hoverinfo="text", colorscale=scale, zmin=0, zmax=n, showscale=False, xgap=3, ygap=3))
    fig.update_yaxes(autorange="reversed", tickfont={"size": 13})
    fig.update_xaxes(side="top", tickfont={"size": 14}, tickangle=0)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status_label"]] = counts.get(r["status_label"], 0) + 1
    subtitle = " · ".join(f"{k}: {v}" for k, v in counts.items())
    fig = _style(fig, title, subtitle, caption, height=max(480, 260 + 40 * len(keys)))
    fig.update_layout(margin={"l": 400, "t": 170})
    return fig


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

    ``series``: dicts with unit_name, points [(year, value, partial)], target_value, target_year, status.
    """
    lang = caption.lang
    palette = ["#1f4e79", "#e8590c", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285"]
    fig = go.Figure()
    for k, s in enumerate(series):
        colour = palette[k % len(palette)]
        xs = [p[0] for p in s["points"]]
        ys = [p[1] for p in s["points"]]
        fig.add_scatter(x=xs, y=ys, mode="lines+markers", name=s["unit_name"], line={"color": colour, "width": 3},
                        marker={"size": 10}, hovertext=[f"{s['unit_name']} {x}: {fmt_value(y, unit, lang)}" for x, y in zip(xs, ys)],
                        hoverinfo="text")
        if s.get("target_value") is not None:
            label = f"{s['unit_name']}: " + ("mục tiêu " if lang != "en" else "target ") + \
                f"{fmt_value(s['target_value'], unit, lang)} ({s['target_year']})"
            fig.add_scatter(x=[s["target_year"]], y=[s["target_value"]], mode="markers+text", name=label,
                            marker={"symbol": "star", "size": 18, "color": colour}, text=[label],
                            textposition="top left", textfont={"color": colour}, hovertext=[label], hoverinfo="text")
    fig.update_xaxes(dtick=1, tickformat="d", showgrid=False)
    fig.update_yaxes(title=None, rangemode="tozero", gridcolor="#e4e7eb")
    subtitle = ("So sánh giữa các địa phương cùng chỉ tiêu" if lang != "en" else "Across the units that share this target")
    return _style(fig, indicator_name, subtitle, caption)


def milestone_timeline(items: list[dict], *, title: str, caption: Caption, today: dt.date) -> go.Figure:
    """Tasks on a time axis by due date (or completion date), coloured by status, overdue first.

    ``items``: dicts with name, due (date|None), completed_on (date|None), status, status_label, unit_name.
    """
    lang = caption.lang
    dated = [i for i in items if i.get("due") or i.get("completed_on")]
    fig = go.Figure()
    for status in STATUS_COLOURS:
        group = [i for i in dated if i["status"] == status]
        if not group:
            continue
        xs = [i.get("completed_on") or i["due"] for i in group]
        fig.add_scatter(
            x=xs, y=[_wrap(i["name"], 60).replace("<br>", " ")[:70] for i in group], mode="markers",
            name=group[0]["status_label"], marker={"size": 16, "color": STATUS_COLOURS[status], "symbol": "diamond"},
            hovertext=[f"{i['unit_name']}: {i['name']}<br>{i['status_label']} · "
                       + ("hạn " if lang != "en" else "due ") + fmt_date(i.get("due"), lang) for i in group],
            hoverinfo="text")
    fig.add_vline(x=today, line={"color": INK, "width": 1, "dash": "dot"})
    fig.add_annotation(x=today, y=1.02, yref="paper", text=("Hôm nay " if lang != "en" else "Today ") + fmt_date(today, lang),
                       showarrow=False, font={"size": 13, "color": INK})
    fig.update_yaxes(autorange="reversed", tickfont={"size": 13})
    fig.update_xaxes(tickformat="%m/%Y" if lang != "en" else "%b %Y", gridcolor="#e4e7eb")
    undated = len(items) - len(dated)
    subtitle = (f"{len(dated)} nhiệm vụ có thời hạn; {undated} nhiệm vụ thường xuyên / không ấn định thời hạn"
                if lang != "en" else f"{len(dated)} tasks with a deadline; {undated} standing or undated")
    fig = _style(fig, title, subtitle, caption, height=max(480, 160 + 34 * len(dated)))
    fig.update_layout(margin={"l": 520})
    return fig
