"""A figure made ready for a page once: its texts, what st.plotly_chart sends, and the whole still.

`st.plotly_chart(fig)` copies a Plotly figure (`to_dict`, a deep copy) and encodes it on every run,
and `figures.for_screen` copies and validates it again: on a unit's page of some thirty charts
that was most of a view's server CPU. A page whose figures are the same for every viewer (a unit
and a snapshot: tracker.unit_page) prepares each one once with ``frozen=True``; each view then
sends the kept plain dict. No Streamlit here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io


class FrozenFigure(go.Figure):
    """A screen figure that is never changed once made: ``to_dict`` gives its kept plain dict (JSON
    types only) instead of a deep copy, so st.plotly_chart's copy and encoding cost a few
    microseconds. Made only by `freeze`; the figure's own attributes stay those it was made with."""

    _nq_spec: dict

    def to_dict(self) -> dict:
        # The traces are copied one level: plotly.io.to_json pops each trace's "uid" from what it is given.
        return {**self._nq_spec, "data": [dict(trace) for trace in self._nq_spec["data"]]}

    def _frozen(self, *args, **kwargs):
        raise TypeError("a FrozenFigure is shared by every viewer and is never changed; change the figure it came from")

    update_layout = update_traces = add_trace = add_traces = add_annotation = add_shape = _frozen


def freeze(fig: go.Figure) -> FrozenFigure:
    """``fig`` as a FrozenFigure (the same object: nothing is copied or validated again). Its dict is
    what Plotly's own encoder makes of it (NaN as null), read back as plain lists, numbers and text."""
    spec = json.loads(plotly.io.to_json(fig, validate=False))
    fig.__class__ = FrozenFigure   # a subclass without new state: the figure stays as it was made
    fig._nq_spec = spec            # plotly's __setattr__ lets names with a leading underscore through
    return fig


@dataclass(frozen=True)
class ScreenFigure:
    """What ui.chart draws: ``meta`` (title, screen_title, subtitle, footer as texts), ``screen`` (the
    figure without them, for st.plotly_chart) and the whole still behind them (PNG button, slides)."""

    meta: dict
    screen: go.Figure
    still: go.Figure | dict

    def figure(self) -> go.Figure:
        """The whole still as a figure of its own (a new one when it is kept as a dict)."""
        return go.Figure(self.still) if isinstance(self.still, dict) else self.still


def prepare(fig: go.Figure, height: int | None = None, *, present: bool = False, frozen: bool = False) -> ScreenFigure:
    """``fig`` for a page (figures.for_screen); ``present``: sized by the screen, not by a height
    (presentation mode). ``frozen``: to be kept and sent to many viewers (the still kept as a dict,
    which holds a fraction of a figure's memory)."""
    from tracker.figures import for_screen

    meta, screen = for_screen(fig, height)
    if present:
        screen.update_layout(height=None, autosize=True)
    if not frozen:
        return ScreenFigure(meta, screen, fig)
    return ScreenFigure(meta, freeze(screen), fig.to_dict())
