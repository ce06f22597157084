"""The overview page's parts (views/overview.py): what presentation mode steps through, the quarters
offered, the tiles' changes, and the HTML of the worst items, the attention entries, the unit cards
and the matrix (plain functions of the rows, tested without Streamlit), then the Streamlit sections
that draw them."""

from __future__ import annotations

import html

import streamlit as st

from tracker.core.i18n import t
from tracker.core.periods import parse_period
from tracker.assess.judge import status_label
from tracker.present.labels import target_label, unit_label
from tracker.present.overview import STATUS_ICONS, attention_rows, matrix_table, status_changes
from tracker.web import auth, presentation
from tracker.web.widgets import chart, phone_only, plain, status_chip, wide_only

ATTENTION_SHOWN = 8
# A province has a few dozen targets; a national installation thousands. Beyond these, the table
# download has every row (drawing thousands of entries would cost seconds and read as noise).
ATTENTION_MORE = 60
CARDS_PER_ROW = 3


# --- decisions ---------------------------------------------------------------------------------

def present_steps(units: list[str], parts_of) -> list[tuple[str, int]]:
    """Presentation mode's screens: each unit's progress picture in turn, a long one in ``parts_of(unit)`` parts."""
    return [(u, part) for u in units for part in range(parts_of(u))]


def first_step(steps: list[tuple[str, int]], chosen: str | None) -> int:
    """Where presenting starts: the chosen province's first screen, else the first."""
    return next((k for k, (u, _) in enumerate(steps) if u == chosen), 0)


def as_of_choices(quarters: list[str], latest: str) -> list[str]:
    """The quarters "as of" offers, the latest first even when only a year reported it."""
    return quarters if latest in quarters else [latest, *quarters]


def unit_index(units: list[str], chosen: str | None, default: list[str]) -> int:
    """The province selected first: the chosen one, else the default (most targets behind), else the first."""
    if chosen in units:
        return units.index(chosen)
    return units.index(default[0]) if default else 0


def keeps_choice(unit: str | None, chosen: str | None, units: list[str], default: list[str]) -> bool:
    """Whether the selected province goes into the link: any real choice does; an unknown ?unit= stays
    in the link for the unit page to name (the default shown in its place is not a choice)."""
    return unit is not None and (chosen in units or unit != (default[0] if default else None))


def deltas(counts: dict, before: dict | None) -> dict:
    """The tiles' change since the quarter before, per count (None when there is no quarter before)."""
    return {k: (None if before is None else counts[k] - before[k]) for k in counts}


def worst_html(rows: list[dict], name_of) -> str:
    """The worst items, one line each: what a leader reads on a phone before scrolling. The province's
    short name (``name_of``): one line has room for the target too."""
    return "<ul class='nq-worst'>" + "".join(
        f"<li>{r['icon']} <b>{html.escape(name_of(r['unit']))}</b>: <a href='{r['link']}' target='_self'>"
        f"{html.escape(r['target_name'])}</a> — {html.escape(r['status_label'])}, "
        f"{html.escape(r['latest_text'])}</li>" for r in rows) + "</ul>"


def entry_heading(r: dict, lang: str) -> str:
    """An attention entry's first line. Names may come from an admin-added programme: shown as text,
    never as Markdown or HTML."""
    return (f"{status_chip(r['status'], lang)} &nbsp;**{plain(r['unit_name'])}** — "
            f"<a href='{r['link']}' target='_self'>{plain(r['target_name'])}</a>")


def entry_facts_html(r: dict, lang: str) -> str:
    facts = [(t("ov.col.latest", lang), r["latest_text"]), (t("ov.col.target", lang), r["target_text"]),
             (t("ov.col.gap", lang), r["gap_text"]), (t("ov.col.rate", lang), r["rate_text"])]
    return "<div class='nq-facts'>" + "".join(f"<div><b>{html.escape(k)}</b>{html.escape(v)}</div>"
                                              for k, v in facts) + "</div>"


def reason_sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + "."


def change_lines(changed: list[tuple], unit_name, target_name, status_name) -> list[str]:
    """One line per (unit, status before, status now) that improved or worsened."""
    return [f"- **{unit_name(u)}** — {target_name(a.indicator_id, a.sector)}: "
            f"{status_name(b.status)} → **{status_name(a.status)}**" for u, b, a in changed]


def card_lines(c: dict, icons: dict, lang: str) -> list[str]:
    """A unit card's counts, one line each; directions and overdue tasks only where there are some."""
    parts = [f"{icons['moving_away']} {t('ov.moving_away', lang)}: **{c['moving_away']}**",
             f"{icons['off_track']} {t('ov.slow', lang)}: **{c['slow']}**",
             f"{icons['on_track']} {t('ov.good', lang)}: **{c['good']}**",
             f"{icons['too_little_data']} {t('ov.unknown', lang)}: **{c['unknown']}**"]
    if c["direction"]:
        parts.append(f"{t('ov.direction', lang)}: ↗ {c['direction_right']} · ↘ {c['direction_wrong']} / {c['direction']}")
    if c["overdue"]:
        parts.append(f"{t('ov.overdue', lang)}: **{c['overdue']}**")
    return parts


def matrix_html(matrix: dict, lang: str) -> str:
    """Every target × unit on a wide screen: a cell per unit with a target, each a link."""
    head = "".join(f"<th>{html.escape(name)}</th>" for _, name in matrix["units"])
    body = []
    for name, cells in matrix["rows"]:
        tds = []
        for unit, _ in matrix["units"]:
            c = cells.get(unit)
            if c is None:
                tds.append("<td></td>")
                continue
            tds.append(f"<td><a href='{c['link']}' target='_self' title='{html.escape(c['target'])}'>"
                       f"{status_chip(c['status'], lang)}<div class='nq-v'>{html.escape(c['value'])}</div></a></td>")
        body.append(f"<tr><td>{html.escape(name)}</td>{''.join(tds)}</tr>")
    return (f"<div class='nq-scroll'><table class='nq-matrix'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def matrix_stack_html(matrix: dict, lang: str) -> str:
    """A phone shows 1½ columns of a matrix: the same cells as a stacked list, a target and its units."""
    items = []
    for name, cells in matrix["rows"]:
        lines = "".join(f"<span class='nq-v'><a href='{c['link']}' target='_self'>{status_chip(c['status'], lang)} "
                        f"{html.escape(uname)}{': ' + html.escape(c['value']) if c['value'] else ''}</a></span>"
                        for u, uname in matrix["units"] if (c := cells.get(u)) is not None)
        items.append(f"<li><b>{html.escape(name)}</b>{lines}</li>")
    return f"<ul class='nq-stack'>{''.join(items)}</ul>"


# --- sections ----------------------------------------------------------------------------------

def tiles(counts: dict, tasks: dict, before: dict | None, lang: str) -> None:
    change = deltas(counts, before)
    of = t("ov.tile_of", lang, n=counts["targets"])
    box = st.container(key="nq_tiles").columns(5)
    box[0].metric(t("ov.moving_away", lang), counts["moving_away"], change["moving_away"], delta_color="inverse", help=of)
    box[1].metric(t("ov.slow", lang), counts["slow"], change["slow"], delta_color="inverse", help=of)
    box[2].metric(t("ov.good", lang), counts["good"], change["good"], help=of)
    box[3].metric(t("ov.unknown", lang), counts["unknown"], help=of)
    box[4].metric(t("ov.overdue", lang), tasks["overdue"])
    if counts["direction"]:
        st.caption(f"**{t('ov.direction', lang)}:** " + t("ov.direction_help", lang, right=counts["direction_right"],
                                                            wrong=counts["direction_wrong"], n=counts["direction"]))


def entry(k: int, r: dict, lang: str) -> None:
    # Keyed, so the layout test can find every entry and check that none is cut.
    with st.container(border=True, key=f"nq_entry_{k}"):
        st.markdown(entry_heading(r, lang), unsafe_allow_html=True)
        st.markdown(entry_facts_html(r, lang), unsafe_allow_html=True)
        st.caption(reason_sentence(r["reason"]))


def attention(rows: list[dict], total: int, lang: str) -> None:
    """The ranked list: worst first, every entry in page text (nothing drawn on a canvas)."""
    if not rows:
        st.success(t("ov.attention_none", lang))
    for k, r in enumerate(rows[:ATTENTION_SHOWN]):
        entry(k, r, lang)
    if len(rows) > ATTENTION_SHOWN:
        more = rows[ATTENTION_SHOWN:ATTENTION_SHOWN + ATTENTION_MORE]
        with st.expander(t("ov.more", lang, n=len(more))):
            for k, r in enumerate(more, start=ATTENTION_SHOWN):
                entry(k, r, lang)
            if total > len(rows):
                st.caption(t("ov.more_in_table", lang, n=total - len(rows)))


def cards(cards: list[dict], lang: str, icons: dict = STATUS_ICONS) -> None:
    for start in range(0, len(cards), CARDS_PER_ROW):
        for col, c in zip(st.columns(CARDS_PER_ROW), cards[start:start + CARDS_PER_ROW]):
            with col.container(border=True):
                st.markdown(f"<a href='{c['link']}' target='_self'><b>{html.escape(c['unit_name'])}</b></a>",
                            unsafe_allow_html=True)
                st.markdown("  \n".join(card_lines(c, icons, lang)))
                if c["targets"]:
                    st.progress(c["share_good"] or 0.0, text=t("ov.card_good", lang, good=c["good"], n=c["targets"]))
                st.caption(t("ov.card_latest", lang, period=c["latest_period"]))


def present(cat, live, units: list[str], lang: str) -> None:
    """Presentation mode: one whole chart per screen, each province's progress picture in turn (a long
    one in parts), from the chosen province on, stepping with the buttons and the arrow keys as on a
    unit page. The quarter chosen before presenting is kept (its widget is not drawn, so Streamlit
    would forget it). Stops the page."""
    from tracker.present.presenting import part_count, presentation_pictures
    from tracker.web.state import snapshot_at

    as_of = st.session_state.setdefault("nq_present_as_of", st.session_state.get("as_of") or live.latest_period)
    snap = snapshot_at(as_of, live)
    steps = present_steps(units, lambda u: part_count(cat, snap, u, lang))
    if not steps:
        st.info(t("pic.no_bars", lang))
        st.stop()
    st.session_state.setdefault("nq_present_overview", first_step(steps, auth.chosen_unit(units)))
    # The step's callbacks have run: the province about to be shown says whether its figures are demo ones.
    shown = steps[min(max(0, st.session_state["nq_present_overview"]), len(steps) - 1)][0]
    k = presentation.present_step(len(steps), lang, key="overview", demo=snap.shows_demo([shown]))
    unit, part = steps[k]
    auth.keep_unit(unit)   # leaving presentation mode shows the province last presented
    chart(presentation_pictures(cat, snap, unit, lang, only=part)[0], f"{unit}_tien-do_{as_of}",
          key=f"present_overview_{k}", present=True)
    st.stop()


def worst(cat, snap, units: list[str], lang: str) -> None:
    rows = attention_rows(cat, snap, lang, units, limit=3)
    st.markdown(f"**{t('pic.worst', lang)}**")
    if rows:
        st.markdown(worst_html(rows, lambda u: cat.name(u, lang)), unsafe_allow_html=True)
    else:
        st.caption(t("pic.worst_none", lang))


def changes(cat, before, snap, units: list[str], previous_code: str, lang: str) -> None:
    """What changed since the previous quarter (``before``: its snapshot, None when nothing was reported)."""
    prev_label = parse_period(previous_code).label(lang)
    st.subheader(t("ov.changes", lang, period=prev_label))
    if before is None:
        st.caption(t("ov.no_previous", lang))
        return
    changed = status_changes(before, snap, units)
    if not changed["improved"] and not changed["worsened"]:
        st.caption(t("ov.no_change", lang, period=prev_label))
    for key, icon in (("worsened", ":material/trending_down:"), ("improved", ":material/trending_up:")):
        if changed[key]:
            lines = change_lines(changed[key], lambda u: unit_label(cat, u, lang),
                                 lambda i, s: target_label(cat, i, s, lang), lambda s: status_label(s, lang))
            st.markdown(f"{icon} **{t('ov.' + key, lang)} ({len(lines)})**\n\n" + "\n".join(lines))


def matrix(cat, snap, shown_units: list[str], lang: str) -> None:
    """Every target × unit, readable, worst rows first, each cell a link; a stacked list on a phone."""
    st.header(t("ov.matrix_title", lang))
    table = matrix_table(cat, snap, lang, shown_units)
    legend = " · ".join(f"{STATUS_ICONS[s]} {status_label(s, lang)}" for s in STATUS_ICONS)
    st.caption(f"{t('ov.matrix_legend', lang)}: {legend}. {t('ov.matrix_help', lang)}")
    with wide_only():
        st.markdown(matrix_html(table, lang), unsafe_allow_html=True)
    with phone_only():
        st.markdown(matrix_stack_html(table, lang), unsafe_allow_html=True)


def late_units(cat, live, lang: str) -> None:
    """The reporting units whose latest quarter is missing."""
    from tracker.assess.milestones import overdue_units

    st.subheader(t("ov.late_title", lang))
    late = overdue_units(live.reported, auth.visible_units(cat.reporting_units()), live.today)
    for unit, period in late:
        st.markdown("- " + t("ov.late_row", lang, unit=unit_label(cat, unit, lang), period=parse_period(period).label(lang)))
    if not late:
        st.success(t("ov.late_none", lang, period=parse_period(live.latest_period).label(lang)))
