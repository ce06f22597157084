"""The unit page's parts (views/unit.py): which unit a link opens, the headline tiles, a target's
points awaiting approval, the tasks as a phone's list (plain functions, tested without Streamlit),
then the Streamlit sections: the headline and presentation mode's screens."""

from __future__ import annotations

import html

import streamlit as st

from tracker.core.i18n import t
from tracker.web import presentation
from tracker.web.widgets import chart, status_chip

# The headline tiles, in order; the tile-of help ("of n targets") is said on the target counts only.
HEADLINE = (("ov.moving_away", "moving_away"), ("ov.slow", "slow"), ("ov.good", "good"), ("ov.unknown", "unknown"),
            ("ov.overdue", "overdue"), ("ov.done", "done"))
COUNTS_OF_TARGETS = {"moving_away", "slow", "good", "unknown"}


# --- decisions ---------------------------------------------------------------------------------

def opening_index(units: list[str], wanted: str | None) -> tuple[int | None, bool]:
    """(the unit selected first, whether the link named an unknown one). A mistyped or old link says
    so, and no unit is shown in its place; no link opens the first."""
    unknown = bool(wanted) and wanted not in units
    return (units.index(wanted) if wanted in units else (None if unknown else 0)), unknown


def headline_tiles(head: dict, lang: str) -> list[tuple[str, int, str | None]]:
    """(label, value, help) per tile."""
    of = t("ov.tile_of", lang, n=head["targets"])
    return [(t(label, lang), head[key], of if key in COUNTS_OF_TARGETS else None) for label, key in HEADLINE]


def pending_of(pending, assessment):
    """The points awaiting approval of one target (its indicator and sector), or None when there are none."""
    if pending is None:
        return None
    rows = pending[(pending["indicator_id"] == assessment.indicator_id) & (pending["sector"] == (assessment.sector or ""))]
    return None if rows.empty else rows


def tasks_stack_html(rows: list[dict], lang: str) -> str:
    """A phone gets the tasks as a stacked list: name, status and deadline, one entry each."""
    return "<ul class='nq-stack'>" + "".join(
        f"<li>{status_chip(r['status'], lang)} {html.escape(r['name'])}"
        f"<span class='nq-v'>{html.escape(r['due_text'] or '')}"
        + (f" · {html.escape(r['reported'])}" if r.get("reported") else "") + "</span></li>" for r in rows) + "</ul>"


# --- sections ----------------------------------------------------------------------------------

def headline(head: dict, lang: str) -> None:
    tiles = headline_tiles(head, lang)
    for col, (label, value, help_text) in zip(st.container(key="nq_tiles").columns(len(tiles)), tiles):
        col.metric(label, value, help=help_text)
    if head["direction"]:
        st.caption(f"**{t('ov.direction', lang)}:** {head['direction']}")


def present(page, unit: str, snap, target_chart, lang: str) -> None:
    """One whole chart per screen: the progress picture (in parts that fit the window), then each
    target's chart, stepping with buttons and keys. Titles keep the unit here: the page's own title
    is left out to give the chart the screen. Stops the page."""
    items = [("picture", p) for p in page.pictures] + [("target", target) for target in page.targets]
    if not items:
        st.info(t("unit.no_targets", lang))
        st.stop()
    k = presentation.present_step(len(items), lang, key=unit, demo=snap.shows_demo([unit]))
    kind, item = items[k]
    if kind == "picture":
        chart(item, f"{unit}_tien-do_{page.period}", key=f"present_picture_{k}", present=True)
    else:
        chart(target_chart(item), item.file_name, key=item.key, present=True)
    st.stop()
