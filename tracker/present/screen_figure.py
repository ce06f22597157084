"""A figure made ready for a page once: its texts, what st.plotly_chart sends, and the whole still.

`st.plotly_chart(fig)` copies a Plotly figure (`to_dict`, a deep copy) and encodes it on every run,
and `figures.for_screen` copies and validates it again: on a unit's page of some thirty charts
that was most of a view's server CPU. A page whose figures are the same for every viewer (a unit
and a snapshot: tracker.present.unit_page) prepares each one once with ``frozen=True``; each view then
sends the kept plain dict. No Streamlit here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io


class FrozenFigure(go.Figure):
    """What st.plotly_chart sends of a screen figure shared by every viewer: its JSON text, kept as one
    string. ``to_dict`` reads it back (a C parse of a few kilobytes) instead of deep-copying a figure,
    and Streamlit's encoding of that plain dict is C-fast. The Plotly objects are not kept: a server
    holding many pages would otherwise carry hundreds of thousands of objects that every full garbage
    collection (one after each page run) walks; a string is not walked. Made by `freeze`; its own
    data and layout are empty, and it refuses to be changed."""

    def __init__(self, spec_json: str):
        super().__init__()
        self._nq_json = spec_json   # plotly's __setattr__ lets names with a leading underscore through

    def to_dict(self) -> dict:
        return json.loads(self._nq_json)

    def _frozen(self, *args, **kwargs):
        raise TypeError("a FrozenFigure is shared by every viewer and is never changed; change the figure it came from")

    update_layout = update_traces = add_trace = add_traces = add_annotation = add_shape = _frozen


def freeze(fig: go.Figure) -> FrozenFigure:
    """``fig`` as a FrozenFigure: the JSON Plotly's own encoder makes of it (NaN as null)."""
    return FrozenFigure(plotly.io.to_json(fig, validate=False))


@dataclass(frozen=True)
class ScreenFigure:
    """What ui.chart draws: ``meta`` (title, screen_title, subtitle, footer as texts), ``screen`` (the
    figure without them, for st.plotly_chart) and the whole still behind them (PNG button, slides)."""

    meta: dict
    screen: go.Figure
    still: go.Figure | str       # a frozen one keeps the still as its JSON text
    has_data: bool = True        # the figure draws something (the picture of a unit with no bars does not)

    def figure(self) -> go.Figure:
        """The whole still as a figure of its own (a new one when it is kept as JSON)."""
        return plotly.io.from_json(self.still, skip_invalid=False) if isinstance(self.still, str) else self.still


def prepare(fig: go.Figure, height: int | None = None, *, present: bool = False, frozen: bool = False) -> ScreenFigure:
    """``fig`` for a page (figures.for_screen); ``present``: sized by the screen, not by a height
    (presentation mode). ``frozen``: to be kept and sent to many viewers (the still kept as its JSON
    text, a fraction of a figure's memory and nothing for the garbage collector to walk)."""
    from tracker.present.figures import for_screen

    meta, screen = for_screen(fig, height)
    if present:
        screen.update_layout(height=None, autosize=True)
    if not frozen:
        return ScreenFigure(meta, screen, fig, bool(fig.data))
    return ScreenFigure(meta, freeze(screen), plotly.io.to_json(fig, validate=False), bool(fig.data))
