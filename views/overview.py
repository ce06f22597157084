"""Tổng quan: who is behind and by how much — the worst items first (a phone's first screen), tiles,
the chosen province's progress picture, the ranked list, what changed, unit cards, matrix."""

import html

import streamlit as st

from tracker.web import auth, banners, presentation, state, widgets
from tracker.i18n import t
from tracker.periods import parse_period
from tracker.presenting import part_count, presentation_pictures
from tracker.progress import overdue_units
from tracker.summaries import (STATUS_ICONS, attention_count, attention_rows, matrix_rows, matrix_table, matrix_units, numeric_counts,
                               reported_quarters, status_changes, status_counts, status_table, target_label, unit_cards,
                               unit_label)
from tracker.unit_page import unit_labels, unit_picture

ATTENTION_SHOWN = 8
# A province has a few dozen targets; a national installation thousands. Beyond these, the table
# download has every row (drawing thousands of entries would cost seconds and read as noise).
ATTENTION_MORE = 60

lang = state.lang()
cat = state.catalogue()
live = state.snapshot()
units = auth.visible_units(cat.units_with_targets())   # public_pages = "none": a tied viewer's own
if presentation.presenting() and not live.empty:
    # One whole chart per screen: each province's progress picture in turn (a long one in parts), from
    # the chosen province on, stepping with the buttons and the arrow keys as on a unit page. The quarter
    # chosen before presenting is kept (its widget is not drawn, so Streamlit would forget it).
    as_of = st.session_state.setdefault("nq_present_as_of", st.session_state.get("as_of") or live.latest_period)
    snap = state.snapshot_at(as_of, live)
    steps = [(u, part) for u in units for part in range(part_count(cat, snap, u, lang))]
    if not steps:
        st.info(t("pic.no_bars", lang))
        st.stop()
    chosen = auth.chosen_unit(units)
    st.session_state.setdefault("nq_present_overview", next((k for k, (u, _) in enumerate(steps) if u == chosen), 0))
    # The step's callbacks have run: the province about to be shown says whether its figures are demo ones.
    shown = steps[min(max(0, st.session_state["nq_present_overview"]), len(steps) - 1)][0]
    k = presentation.present_step(len(steps), lang, key="overview", demo=snap.shows_demo([shown]))
    unit, part = steps[k]
    auth.keep_unit(unit)   # leaving presentation mode shows the province last presented
    widgets.chart(presentation_pictures(cat, snap, unit, lang, only=part)[0], f"{unit}_tien-do_{as_of}",
             key=f"present_overview_{k}", present=True)
    st.stop()
for left in ("nq_present_as_of", "nq_present_overview"):   # presenting again starts at the chosen province
    st.session_state.pop(left, None)
st.title(t("page.overview", lang))
banners.demo_banner(live, lang)
banners.reporting_window(lang)
if live.empty:
    banners.empty_state(lang)
    st.stop()

# "As of": any quarter with data; the live snapshot is the latest one.
quarters = reported_quarters(live)
if live.latest_period not in quarters:
    quarters.insert(0, live.latest_period)
worst_box = st.container(key="nq_worst")   # filled below, once the quarter is chosen: first on the screen
c1, c2, _ = st.columns([1, 1, 1])
as_of = c1.selectbox(t("ov.as_of", lang), quarters, index=0, key="as_of",
                     format_func=lambda p: parse_period(p).label(lang))
snap = state.snapshot_at(as_of, live)
period_label = parse_period(as_of).label(lang)
# The province whose progress picture is shown: the link's ?unit=, else the one chosen earlier in this
# session, else the one with most targets behind. Kept in the link and the session, as on its own page.
chosen = auth.chosen_unit(units)
default_unit = matrix_units(snap, units, limit=1)[0][:1] or units[:1]
unit = c2.selectbox(t("pic.choose", lang), units, index=units.index(chosen) if chosen in units else
                    units.index(default_unit[0]) if default_unit else 0, format_func=unit_labels(cat, lang).__getitem__,
                    key="overview_unit")
# An unknown ?unit= is left in the link for the unit page to name; any real choice is kept.
if unit is not None and (chosen in units or unit != (default_unit[0] if default_unit else None)):
    auth.keep_unit(unit)
st.caption(t("ov.intro", lang, period=period_label))

with worst_box:
    # One line each, worst first: what a leader reads on a phone before scrolling.
    worst = attention_rows(cat, snap, lang, units, limit=3)
    st.markdown(f"**{t('pic.worst', lang)}**")
    if worst:
        st.markdown("<ul class='nq-worst'>" + "".join(
            # The province's short name: one line on a phone has room for the target too.
            f"<li>{r['icon']} <b>{html.escape(cat.name(r['unit'], lang))}</b>: <a href='{r['link']}' target='_self'>"
            f"{html.escape(r['target_name'])}</a> — {html.escape(r['status_label'])}, "
            f"{html.escape(r['latest_text'])}</li>" for r in worst) + "</ul>", unsafe_allow_html=True)
    else:
        st.caption(t("pic.worst_none", lang))
counts = numeric_counts(snap, units)
previous_code = parse_period(as_of).previous().code if parse_period(as_of).is_quarter else None
before = state.snapshot_at(previous_code, live) if previous_code else None
if before is not None and before.empty:
    before = None
prev_counts = numeric_counts(before, units) if before else None
tasks = status_counts(snap, units)


def delta(key):
    return None if prev_counts is None else counts[key] - prev_counts[key]


tiles = st.container(key="nq_tiles").columns(5)
tiles[0].metric(t("ov.moving_away", lang), counts["moving_away"], delta(key="moving_away"), delta_color="inverse",
                help=t("ov.tile_of", lang, n=counts["targets"]))
tiles[1].metric(t("ov.slow", lang), counts["slow"], delta(key="slow"), delta_color="inverse",
                help=t("ov.tile_of", lang, n=counts["targets"]))
tiles[2].metric(t("ov.good", lang), counts["good"], delta(key="good"), help=t("ov.tile_of", lang, n=counts["targets"]))
tiles[3].metric(t("ov.unknown", lang), counts["unknown"], help=t("ov.tile_of", lang, n=counts["targets"]))
tiles[4].metric(t("ov.overdue", lang), tasks["overdue"])
if counts["direction"]:
    st.caption(f"**{t('ov.direction', lang)}:** " + t("ov.direction_help", lang, right=counts["direction_right"],
                                                        wrong=counts["direction_wrong"], n=counts["direction"]))

# --- the chosen province's progress picture
if unit is not None:
    picture = unit_picture(cat, snap, unit, lang, present=presentation.presenting())   # prepared once per snapshot
    if picture.has_data:
        widgets.chart(picture, f"{unit}_tien-do_{as_of}", key="overview_picture", anchor="tien-do",
                 present=presentation.presenting())
    else:
        st.caption(t("pic.no_bars", lang))
    st.page_link("views/unit.py", label=t("pic.open_unit", lang, unit=cat.name(unit, lang)),
                 icon=":material/location_on:", query_params={"unit": unit, **({"lang": "en"} if lang == "en" else {})})

# --- the ranked list: worst first, every entry in page text (nothing drawn on a canvas)
st.header(t("ov.attention", lang), anchor="can-chu-y")
st.caption(t("ov.attention_intro", lang))
total = attention_count(snap, units)
rows = attention_rows(cat, snap, lang, units, limit=ATTENTION_SHOWN + ATTENTION_MORE)


def entry(k: int, r: dict) -> None:
    # Keyed, so the layout test can find every entry and check that none is cut.
    with st.container(border=True, key=f"nq_entry_{k}"):
        # Names may come from an admin-added programme: shown as text, never as Markdown or HTML.
        st.markdown(f"{widgets.status_chip(r['status'], lang)} &nbsp;**{widgets.plain(r['unit_name'])}** — "
                    f"<a href='{r['link']}' target='_self'>{widgets.plain(r['target_name'])}</a>", unsafe_allow_html=True)
        facts = [(t("ov.col.latest", lang), r["latest_text"]), (t("ov.col.target", lang), r["target_text"]),
                 (t("ov.col.gap", lang), r["gap_text"]), (t("ov.col.rate", lang), r["rate_text"])]
        st.markdown("<div class='nq-facts'>" + "".join(f"<div><b>{html.escape(k)}</b>{html.escape(v)}</div>"
                                                       for k, v in facts) + "</div>", unsafe_allow_html=True)
        st.caption(r["reason"][:1].upper() + r["reason"][1:] + ".")


if not rows:
    st.success(t("ov.attention_none", lang))
for k, r in enumerate(rows[:ATTENTION_SHOWN]):
    entry(k, r)
if len(rows) > ATTENTION_SHOWN:
    more = rows[ATTENTION_SHOWN:ATTENTION_SHOWN + ATTENTION_MORE]
    with st.expander(t("ov.more", lang, n=len(more))):
        for k, r in enumerate(more, start=ATTENTION_SHOWN):
            entry(k, r)
        if total > len(rows):
            st.caption(t("ov.more_in_table", lang, n=total - len(rows)))

# --- what changed since the previous quarter
if previous_code:
    prev_label = parse_period(previous_code).label(lang)
    st.subheader(t("ov.changes", lang, period=prev_label))
    if before is None:
        st.caption(t("ov.no_previous", lang))
    else:
        changed = status_changes(before, snap, units)
        if not changed["improved"] and not changed["worsened"]:
            st.caption(t("ov.no_change", lang, period=prev_label))
        from tracker.progress import status_label

        for key, icon in (("worsened", ":material/trending_down:"), ("improved", ":material/trending_up:")):
            if changed[key]:
                lines = [f"- **{unit_label(cat, u, lang)}** — {target_label(cat, a.indicator_id, a.sector, lang)}: "
                         f"{status_label(b.status, lang)} → **{status_label(a.status, lang)}**" for u, b, a in changed[key]]
                st.markdown(f"{icon} **{t('ov.' + key, lang)} ({len(lines)})**\n\n" + "\n".join(lines))

# --- one card per unit
st.header(t("ov.cards", lang))
shown_units, left_out = matrix_units(snap, units)   # the units with most targets behind, at most 12
cards = unit_cards(cat, snap, lang, shown_units)
if left_out:
    st.caption(t("ov.matrix_limited", lang, n=len(shown_units), left=left_out))
per_row = 3
for start in range(0, len(cards), per_row):
    cols = st.columns(per_row)
    for col, c in zip(cols, cards[start:start + per_row]):
        with col.container(border=True):
            st.markdown(f"<a href='{c['link']}' target='_self'><b>{html.escape(c['unit_name'])}</b></a>",
                        unsafe_allow_html=True)
            parts = [f"{STATUS_ICONS['moving_away']} {t('ov.moving_away', lang)}: **{c['moving_away']}**",
                     f"{STATUS_ICONS['off_track']} {t('ov.slow', lang)}: **{c['slow']}**",
                     f"{STATUS_ICONS['on_track']} {t('ov.good', lang)}: **{c['good']}**",
                     f"{STATUS_ICONS['too_little_data']} {t('ov.unknown', lang)}: **{c['unknown']}**"]
            if c["direction"]:
                parts.append(f"{t('ov.direction', lang)}: ↗ {c['direction_right']} · ↘ {c['direction_wrong']} / {c['direction']}")
            if c["overdue"]:
                parts.append(f"{t('ov.overdue', lang)}: **{c['overdue']}**")
            st.markdown("  \n".join(parts))
            if c["targets"]:
                st.progress(c["share_good"] or 0.0, text=t("ov.card_good", lang, good=c["good"], n=c["targets"]))
            st.caption(t("ov.card_latest", lang, period=c["latest_period"]))

# --- the matrix: every target × unit, readable, worst rows first, each cell a link
st.header(t("ov.matrix_title", lang))
matrix = matrix_table(cat, snap, lang, shown_units)
from tracker.progress import status_label  # noqa: E402

legend = " · ".join(f"{STATUS_ICONS[s]} {status_label(s, lang)}" for s in STATUS_ICONS)
st.caption(f"{t('ov.matrix_legend', lang)}: {legend}. {t('ov.matrix_help', lang)}")
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
                   f"{widgets.status_chip(c['status'], lang)}<div class='nq-v'>{html.escape(c['value'])}</div></a></td>")
    body.append(f"<tr><td>{html.escape(name)}</td>{''.join(tds)}</tr>")
with widgets.wide_only():
    st.markdown(f"<div class='nq-scroll'><table class='nq-matrix'><thead><tr><th></th>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>", unsafe_allow_html=True)
with widgets.phone_only():
    # A phone shows 1½ columns of a matrix: the same cells as a stacked list, a target and its units.
    items = []
    for name, cells in matrix["rows"]:
        lines = "".join(f"<span class='nq-v'><a href='{c['link']}' target='_self'>{widgets.status_chip(c['status'], lang)} "
                        f"{html.escape(uname)}{': ' + html.escape(c['value']) if c['value'] else ''}</a></span>"
                        for u, uname in matrix["units"] if (c := cells.get(u)) is not None)
        items.append(f"<li><b>{html.escape(name)}</b>{lines}</li>")
    st.markdown(f"<ul class='nq-stack'>{''.join(items)}</ul>", unsafe_allow_html=True)

st.subheader(t("ov.late_title", lang))
late = overdue_units(live.reported, auth.visible_units(cat.reporting_units()), live.today)
if late:
    for unit, period in late:
        st.markdown("- " + t("ov.late_row", lang, unit=unit_label(cat, unit, lang), period=parse_period(period).label(lang)))
else:
    st.success(t("ov.late_none", lang, period=parse_period(live.latest_period).label(lang)))

if st.toggle(t("ov.table", lang), value=False, key="overview_table"):
    widgets.table(status_table(matrix_rows(cat, snap, lang, units), lang), lang)
widgets.downloads(lambda: status_table(matrix_rows(cat, snap, lang, units), lang), f"tong-quan_{as_of}", lang,
             key="overview")
