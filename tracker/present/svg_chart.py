"""Plotly figure specs drawn as small inline SVG, for the static site: no browser, no JavaScript.

Kaleido (Plotly's own SVG/PNG writer) starts a headless browser and took 3,4 s a chart on this
2-core machine under load (bench/publish.py prints the figure): the site's ~73 000 charts at 1 401
units would take days. This module draws the subset of a figure spec that tracker.present.figures.progress_spec
produces — bars (hatched ones too), lines, markers (circles, stars, the hollow diamonds of figures that
are not official), dotted/dashed lines, text labels, annotations on
the data axes and the demo watermark — from the same {"data", "layout"} dict, so the titles, the
target labels and the projection are the dashboard's own words.

Text in a spec is Plotly's HTML subset, written by our builders around names that come from the
catalogue (an admin-added programme may hold "<script>"): only the builders' own tags are kept
(<br>, <b>, <span style='color:…'>), everything else is escaped.
"""

from __future__ import annotations

import html
import math
import re

from tracker.core.i18n import fmt_number

# Narrow enough that its text stays readable scaled down to a 390 px phone (12 units ≈ 10 px there).
WIDTH, HEIGHT = 420, 280
LEFT, RIGHT, TOP, BOTTOM = 50, 10, 12, 28
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
_TAG = re.compile(r"<br>|</?b>|</span>|<span style='[^'<>]*'>")
_COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{3,8})")


def _tokens(text: str):
    """(is_tag, piece) of a Plotly text: the builders' tags apart from the text around them."""
    text = "" if text is None else str(text)
    pos = 0
    for m in _TAG.finditer(text):
        if m.start() > pos:
            yield False, text[pos:m.start()]
        yield True, m.group(0)
        pos = m.end()
    if pos < len(text):
        yield False, text[pos:]


def safe_html(text: str) -> str:
    """A Plotly text as HTML for a page: the builders' line breaks, bold and colours kept, the rest escaped."""
    out = []
    for is_tag, piece in _tokens(text):
        if not is_tag:
            out.append(html.escape(piece))
        elif piece.startswith("<span"):
            colour = _COLOUR.search(piece)
            out.append(f'<span style="color:{colour.group(1)}">' if colour else "<span>")
        else:
            out.append(piece)
    return "".join(out)


def plain_lines(text: str) -> list[str]:
    """A Plotly text as its lines of plain text (tags dropped, nothing else)."""
    lines, line = [], []
    for is_tag, piece in _tokens(text):
        if is_tag and piece == "<br>":
            lines.append("".join(line))
            line = []
        elif not is_tag:
            line.append(piece)
    lines.append("".join(line))
    return lines


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(1, ticks)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _finite(values) -> list[float]:
    out = []
    for v in values or []:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
    return out


# Plotly's bar pattern shapes the static site draws, by the name their <pattern> id carries.
_HATCH = {"/": "slash", "x": "cross"}


def _dash(line: dict) -> str:
    return {"dot": ' stroke-dasharray="2 4"', "dash": ' stroke-dasharray="7 5"'}.get(line.get("dash"), "")


def _star(x: float, y: float, r: float) -> str:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.45
        angle = -math.pi / 2 + k * math.pi / 5
        points.append(f"{x + radius * math.cos(angle):.1f},{y + radius * math.sin(angle):.1f}")
    return " ".join(points)


def _text(x: float, y: float, lines: list[str], *, anchor: str = "start", size: int = 12, colour: str = "#1f2933",
          weight: str = "", baseline: str = "bottom") -> str:
    """Lines of text whose block ends (baseline "bottom") or starts ("top") at y."""
    step = size * 1.2
    first = y - step * (len(lines) - 1) - 3 if baseline == "bottom" else y + size
    spans = "".join(f'<tspan x="{x:.1f}" y="{first + k * step:.1f}">{html.escape(line)}</tspan>'
                    for k, line in enumerate(lines))
    bold = ' font-weight="bold"' if weight else ""
    return f'<text font-size="{size}" fill="{colour}" text-anchor="{anchor}"{bold}>{spans}</text>'


def render_svg(spec: dict, lang: str, label: str = "") -> str:
    """The figure as an <svg> element that scales to its container's width (viewBox, no fixed size)."""
    data, layout = spec.get("data", []), spec.get("layout", {})
    xaxis, yaxis = layout.get("xaxis", {}), layout.get("yaxis", {})
    xs = [x for tr in data for x in _finite(tr.get("x"))]
    x_range = xaxis.get("range") or ([min(xs) - 0.6, max(xs) + 0.6] if xs else [0, 1])
    ys = [y for tr in data for y in _finite(tr.get("y"))]
    lo, hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if yaxis.get("rangemode") == "tozero":
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi = lo + 1
    step = float(yaxis["dtick"]) if yaxis.get("dtick") else _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil((hi + 0.12 * (hi - lo)) / step) * step   # room above for the labels
    reversed_axis = yaxis.get("autorange") == "reversed"
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x_range[0]) / (x_range[1] - x_range[0]) * pw

    def py(y: float) -> float:
        share = (y - lo) / (hi - lo)
        return TOP + (share if reversed_axis else 1 - share) * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{html.escape(label, quote=True)}" font-family="{FONT}">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>']
    n_ticks = int(round((hi - lo) / step))
    for k in range(n_ticks + 1):
        v = lo + k * step
        y = py(v)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        parts.append(_text(LEFT - 6, y + 4, [fmt_number(v, lang)], anchor="end", size=12, colour="#52606d"))
    first_year, last_year = math.ceil(x_range[0]), math.floor(x_range[1])
    every = 1 if last_year - first_year <= 9 else 2
    for year in range(first_year, last_year + 1, every):
        parts.append(_text(px(year), HEIGHT - BOTTOM + 17, [str(year)], anchor="middle", size=12, colour="#52606d"))
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + ph}" y2="{TOP + ph}" stroke="#9aa5b1"/>')
    title = (yaxis.get("title") or {}).get("text") if isinstance(yaxis.get("title"), dict) else None
    if title:
        parts.append(f'<text font-size="11" fill="#52606d" transform="translate(13 {TOP + ph / 2:.0f}) rotate(-90)" '
                     f'text-anchor="middle">{html.escape(" ".join(plain_lines(title)))}</text>')

    bars = [tr for tr in data if tr.get("type") == "bar"]
    bar_w = min(28.0, pw / max(1, x_range[1] - x_range[0]) * 0.6)
    for tr in bars:
        marker = tr.get("marker", {})
        fill = marker.get("color", "#1f4e79")
        edge = (marker.get("line") or {}).get("color")
        kind = (tr.get("meta") or {}).get("value_status") if isinstance(tr.get("meta"), dict) else None
        pattern = marker.get("pattern") or {}
        if pattern.get("shape") in _HATCH:
            # A hatched bar (a partial year "/", a preliminary figure "x"): the pattern's id names its
            # shape and colour, so the same definition repeated by several charts of one page is one.
            ink = pattern.get("fgcolor", edge or "#1f4e79")
            pid = f"nq-hatch-{_HATCH[pattern['shape']]}-{ink.lstrip('#')}"
            lines = "".join(f'<path d="{d}" stroke="{html.escape(ink, quote=True)}" stroke-width="1.5"/>'
                            for d in (("M0,8 L8,0",) if pattern["shape"] == "/" else ("M0,8 L8,0", "M0,0 L8,8")))
            parts.append(f'<defs><pattern id="{html.escape(pid, quote=True)}" width="8" height="8" '
                         f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#fff"/>{lines}</pattern></defs>')
            fill = f"url(#{pid})"
        tag = f' data-kind="{html.escape(kind, quote=True)}"' if kind else ""
        base = py(max(lo, 0.0))
        for x, y, text in zip(tr.get("x", []), tr.get("y", []), tr.get("text") or [""] * len(tr.get("x", []))):
            if not _finite([x, y]) or len(_finite([x, y])) < 2:
                continue
            top = py(y)
            stroke = f' stroke="{edge}" stroke-width="2"' if edge else ""
            parts.append(f'<rect x="{px(x) - bar_w / 2:.1f}" y="{min(top, base):.1f}" width="{bar_w:.1f}" '
                         f'height="{abs(base - top):.1f}" fill="{fill}"{stroke}{tag}/>')
            if text:
                parts.append(_text(px(x), min(top, base), plain_lines(text), anchor="middle", size=11, colour="#1f2933"))
    for tr in data:
        if tr.get("type") != "scatter":
            continue
        mode = tr.get("mode", "lines")
        points = [(px(x), py(y)) for x, y in zip(tr.get("x", []), tr.get("y", [])) if len(_finite([x, y])) == 2]
        if not points:
            continue
        line = tr.get("line", {})
        colour = line.get("color", "#1f4e79")
        if "lines" in mode and len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="{line.get("width", 2)}"{_dash(line)}/>')
        marker = tr.get("marker", {})
        if "markers" in mode:
            sizes = marker.get("size", 8)
            fills = marker.get("color", colour)
            symbols = marker.get("symbol", "circle")
            kinds = (tr.get("meta") or {}).get("value_status") if isinstance(tr.get("meta"), dict) else None
            edge = (marker.get("line") or {}).get("color", colour)
            for k, (x, y) in enumerate(points):
                size = sizes[k] if isinstance(sizes, list) else sizes
                fill = fills[k] if isinstance(fills, list) else fills
                symbol = symbols[k] if isinstance(symbols, list) else symbols
                if not size:
                    continue
                if symbol == "star":
                    parts.append(f'<polygon points="{_star(x, y, size / 2 + 1)}" fill="{fill}"/>')
                elif str(symbol).startswith("diamond"):
                    # Figures that are not official (tracker.assess.value_kinds.SYMBOLS): hollow, a cross for preliminary.
                    kind = kinds[k] if isinstance(kinds, list) and k < len(kinds) else None
                    tag = f' data-kind="{html.escape(kind, quote=True)}"' if kind else ""
                    r = size / 2 * 0.8
                    parts.append(f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} '
                                 f'{x - r:.1f},{y:.1f}" fill="#fff" stroke="{edge}" stroke-width="2"{tag}/>')
                    if str(symbol).endswith("-cross"):
                        parts.append(f'<path d="M{x:.1f},{y - r:.1f} V{y + r:.1f} M{x - r:.1f},{y:.1f} H{x + r:.1f}" '
                                     f'stroke="{edge}" stroke-width="1.5"/>')
                else:
                    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size / 2 * 0.8:.1f}" fill="{fill}" '
                                 f'stroke="{edge}" stroke-width="2"/>')
        if "text" in mode:
            position = str(tr.get("textposition", "top center"))
            font = tr.get("textfont", {})
            for (x, y), text in zip(points, tr.get("text") or []):
                if not text:
                    continue
                anchor = "end" if "left" in position else "start" if "right" in position else "middle"
                dx = -6 if anchor == "end" else 6 if anchor == "start" else 0
                below = position.startswith("bottom")
                parts.append(_text(x + dx, y + (10 if below else -6), plain_lines(text), anchor=anchor, size=12,
                                   colour=font.get("color", colour), weight="bold",
                                   baseline="top" if below else "bottom"))
    for note in layout.get("annotations", []):
        name = note.get("name")
        if name == "footer":
            continue   # the page prints it under the chart as text
        font = note.get("font", {})
        if name == "watermark":
            parts.append(f'<text x="{LEFT + pw / 2:.0f}" y="{TOP + ph / 2:.0f}" font-size="26" fill="#000" opacity="0.09" '
                         f'text-anchor="middle" transform="rotate(-20 {LEFT + pw / 2:.0f} {TOP + ph / 2:.0f})">'
                         f'{html.escape(" ".join(plain_lines(note.get("text", ""))))}</text>')
            continue
        if note.get("xref") != "x" or note.get("yref") != "y" or len(_finite([note.get("x"), note.get("y")])) < 2:
            continue
        anchor = {"right": "end", "left": "start"}.get(note.get("xanchor"), "middle")
        top = note.get("yanchor") == "top"
        y = py(note["y"]) - (note.get("yshift") or 0)
        parts.append(_text(px(note["x"]), y + (3 if top else -1), plain_lines(note.get("text", "")), anchor=anchor,
                           size=12, colour=font.get("color", "#1f2933"), baseline="top" if top else "bottom"))
    parts.append("</svg>")
    return "".join(parts)
