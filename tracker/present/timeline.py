"""The tasks' timeline: each task on a time axis by its deadline (or completion date), coloured by status."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from tracker.core.i18n import fmt_date
from tracker.core.statuses import Status
from tracker.core.statuses import colour as status_colour
from tracker.present.figures import INK, _layout
from tracker.present.labels import Caption


def task_label(item: dict, width: int = 34) -> str:
    """'Khánh Hòa: Thành lập trung tâm khởi nghiệp …' — unit first, cut with an ellipsis."""
    text = f"{item.get('unit_name', '')}: {item['name']}" if item.get("unit_name") else item["name"]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def milestone_timeline(items: list[dict], *, title: str, caption: Caption, today: dt.date,
                       with_unit: bool = True) -> go.Figure:
    """Tasks on a time axis by due date (or completion date), coloured by status, overdue first.

    ``items``: dicts with name, due (date|None), completed_on (date|None), status, status_label,
    unit_name — in the order to draw, top to bottom (tracker.present.tables.milestone_rows: overdue first).
    Each task's label sits above its mark, not on the axis, so a phone keeps the time axis wide;
    the label is cut with an ellipsis and the whole text is in the hover.
    """
    lang = caption.lang
    dated = [i for i in items if i.get("due") or i.get("completed_on")]
    data = []
    annotations = []
    for status in Status:
        rows = [(k, i) for k, i in enumerate(dated) if i["status"] == status]
        if not rows:
            continue
        data.append({"type": "scatter", "x": [i.get("completed_on") or i["due"] for _, i in rows],
                     "y": [k for k, _ in rows], "mode": "markers", "name": rows[0][1]["status_label"],
                     "marker": {"size": 12, "color": status_colour(status), "symbol": "diamond"},
                     "hovertext": [f"{i['unit_name']}: {i['name']}<br>{i['status_label']} · "
                                   + ("hạn " if lang != "en" else "due ") + fmt_date(i.get("due"), lang) for _, i in rows],
                     "hoverinfo": "text"})
    rules = []
    for k, i in enumerate(dated):
        colour = status_colour(i["status"], INK)
        # On one unit's page the unit is the page's: the label keeps the task's own words instead.
        label = task_label(i) if with_unit else task_label({**i, "unit_name": ""}, width=40)
        # Each task is one band, its label in the band's upper part and its marker below it; every
        # other band is shaded, so a marker reads as its label's, not as the next one's.
        annotations.append({"text": f"<span style='color:{colour}'>■</span> " + label, "x": 0, "xref": "paper",
                            "y": k, "yref": "y", "xanchor": "left", "yanchor": "bottom", "yshift": 8,
                            "showarrow": False, "align": "left", "font": {"size": 13, "color": INK},
                            "hovertext": f"{i['unit_name']}: {i['name']}", "name": "task"})
        if k % 2 == 0:
            rules.append({"type": "rect", "x0": 0, "x1": 1, "xref": "paper", "y0": k - 0.64, "y1": k + 0.34, "yref": "y",
                          "fillcolor": "#f1f3f5", "line": {"width": 0}, "layer": "below"})
    undated = len(items) - len(dated)
    subtitle = (f"{len(dated)} nhiệm vụ có thời hạn, quá hạn xếp trước; {undated} nhiệm vụ thường xuyên / không ấn định thời hạn"
                if lang != "en" else f"{len(dated)} tasks with a deadline, overdue first; {undated} standing or undated")
    layout = _layout(title, subtitle, caption, max(420, 200 + 46 * len(dated)))
    layout["meta"]["screen_title"] = title.split(" — ", 1)[-1]   # "Khánh Hòa — Tiến độ …": the page names the unit
    layout["annotations"] = annotations + [
        {"text": ("Hôm nay " if lang != "en" else "Today ") + fmt_date(today, lang), "x": today, "xref": "x",
         "y": 1, "yref": "paper", "yanchor": "bottom", "showarrow": False, "font": {"size": 13, "color": INK},
         "name": "today"}] + layout["annotations"]
    layout["shapes"] = rules + [{"type": "line", "x0": today, "x1": today, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
                                 "line": {"color": INK, "width": 1, "dash": "dot"}}]
    layout["yaxis"].update({"autorange": False, "range": [len(dated) - 0.4, -0.9], "showticklabels": False,
                            "showgrid": False, "tickformat": None})
    layout["xaxis"].update({"tickformat": "%m/%Y", "gridcolor": "#e4e7eb"})   # one date style in both languages
    layout["margin"]["l"] = 40
    return go.Figure({"data": data, "layout": layout})
