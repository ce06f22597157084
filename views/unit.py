"""Địa phương: one unit's targets — headline cards, the progress picture, a chart per target, its tasks."""

import html

import streamlit as st

from tracker import approval, ui
from tracker.brief import picture_figure
from tracker.catalogue import lineage_text
from tracker.figures import add_pending_points, milestone_timeline, progress_figure
from tracker.i18n import t
from tracker.picture import has_chart, not_charted
from tracker.value_kinds import of_series
from tracker.presenting import presentation_pictures
from tracker.summaries import (caption, chart_anchor, chart_filename, headline, is_direction, milestone_rows,
                               milestone_table, target_label, unit_label, whole_unit_figures)

lang = ui.lang()
cat = ui.catalogue()
snap = ui.snapshot()

units = ui.visible_units([u for u in cat.jurisdictions if cat.indicators_for(u)])   # public_pages = "none": own units
if not units:
    st.info(t("acc.no_visible_units", lang))
    st.stop()
wanted = ui.chosen_unit(units)
unknown = bool(wanted) and wanted not in units
# A mistyped or old link says so, and no unit is shown in its place.
index = units.index(wanted) if wanted in units else (None if unknown else 0)
if unknown:
    st.warning(t("unit.unknown", lang, unit=wanted))
present = ui.presenting()
if present and not unknown:
    # The screen is the chart's: the unit comes from the link, and each chart's title names it.
    unit = units[index]
else:
    unit = st.selectbox(t("unit.choose", lang), units, index=index, format_func=lambda u: unit_label(cat, u, lang),
                        placeholder=t("unit.choose", lang))
if unit is None:
    st.stop()
ui.keep_unit(unit)

if present and not snap.empty:
    present_screen = True
else:
    present_screen = False
    st.title(f"{t('page.unit', lang)}: {cat.name(unit, lang)}")
if not present_screen:
    for line in lineage_text(cat, unit, lang):
        st.caption(f":material/merge: {line}")
    ui.demo_banner(snap, lang, [unit])
if snap.empty:
    ui.empty_state(lang)
    st.stop()

cap = caption(cat, snap, lang, [unit])
res = snap.results.get(unit, {"numeric": [], "milestones": []})
period = snap.latest_period
missing = not_charted(cat, snap, unit, lang)
own = {i.id for i in cat.own_indicators(unit)}
# Direction-only goals last, in their own group: they have no number to be on track towards.
# Targets with nothing to draw (unmeasured, replaced, no value yet) are listed, never drawn empty.
numeric = [a for a in res["numeric"] if not is_direction(a) and has_chart(a)]
directions = [a for a in res["numeric"] if is_direction(a) and has_chart(a)]


# Issue 21: the unit's uploaders and approvers (and admins) also see figures awaiting approval, drawn apart.
viewer = ui.current_user()
sees_pending = approval.sees_pending(viewer, unit)
pending = ui.store().pending_observations([unit]) if sees_pending else None


def target_chart(a):
    ind = cat.indicator(a.indicator_id)
    sector_name = target_label(cat, a.indicator_id, a.sector, lang).split(" — ", 1)[1] if a.sector else ""
    # "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ": the still's title says whose territory the target covers.
    fig = progress_figure(ind, a, unit_name=cat.territory_label(ind, unit, lang), caption=cap, sector_name=sector_name,
                          kinds=of_series(snap.kinds, a))   # estimates drawn hollow, with their word
    if pending is not None and not pending.empty:
        fig = add_pending_points(fig, pending[(pending["indicator_id"] == a.indicator_id)
                                              & (pending["sector"] == (a.sector or ""))], ind, lang)
    return fig


if present:
    # One whole chart per screen: the progress picture (in parts that fit the window), then each target's
    # chart, stepping with buttons and keys.
    items = ([("picture", fig) for fig in presentation_pictures(cat, snap, unit, lang)]
             + [("target", a) for a in numeric + directions])
    if not items:
        st.info(t("unit.no_targets", lang))
        st.stop()
    k = ui.present_step(len(items), lang, key=unit, demo=snap.shows_demo([unit]))
    kind, item = items[k]
    # Titles keep the unit here: the page's own title is left out to give the chart the screen.
    if kind == "picture":
        ui.chart(item, f"{unit}_tien-do_{period}", key=f"present_picture_{k}", present=True)
    else:
        ui.chart(target_chart(item), chart_filename(unit, item.indicator_id, item.sector, period),
                 key=f"present_{item.indicator_id}_{item.sector}", present=True)
    st.stop()

head = headline(snap, unit)
cards = [(t("ov.moving_away", lang), head["moving_away"]), (t("ov.slow", lang), head["slow"]),
         (t("ov.good", lang), head["good"]), (t("ov.unknown", lang), head["unknown"]),
         (t("ov.overdue", lang), head["overdue"]), (t("ov.done", lang), head["done"])]
for col, (label, value) in zip(st.container(key="nq_tiles").columns(len(cards)), cards):
    col.metric(label, value, help=t("ov.tile_of", lang, n=head["targets"]) if label != t("ov.overdue", lang) and
               label != t("ov.done", lang) else None)
if head["direction"]:
    st.caption(f"**{t('ov.direction', lang)}:** {head['direction']}")

ui.briefing_buttons(unit, snap, lang)

# --- the progress picture: every numeric target at a glance
if numeric:
    ui.chart(picture_figure(cat, snap, unit, lang, screen=True), f"{unit}_tien-do_{period}", key="unit_picture",
             anchor="tien-do", short_title=True)
ui.not_charted(missing.lines(lang))

st.header(t("unit.targets", lang))
if pending is not None and not pending.empty:
    st.caption(t("pending.caption", lang))
if not res["numeric"]:
    st.info(t("unit.no_targets", lang))
shown_inherited = set()
# Figures of the whole unit where an old area could not be separated: kept, shown, never judged.
whole_unit = whole_unit_figures(cat, ui.store().current_observations(units=[unit]), lang)
for a in numeric + directions:
    ind = cat.indicator(a.indicator_id)
    if directions and a is directions[0]:
        st.header(t("unit.direction", lang))
    if ind.id not in own and ind.jurisdiction not in shown_inherited:
        shown_inherited.add(ind.jurisdiction)
        st.subheader(t("unit.inherited", lang, name=cat.name(ind.jurisdiction, lang)))
    ui.chart(target_chart(a), chart_filename(unit, a.indicator_id, a.sector, period), key=f"fig_{a.indicator_id}_{a.sector}",
             anchor=chart_anchor(a.indicator_id, a.sector), short_title=True)
    if (a.indicator_id, a.sector) in whole_unit:
        st.info(whole_unit[(a.indicator_id, a.sector)], icon=":material/call_split:")

st.header(t("unit.tasks", lang))
rows = milestone_rows(cat, snap, lang, [unit])
if not rows:
    st.info(t("unit.no_tasks", lang))
else:
    fig = milestone_timeline(rows, title=f"{cat.name(unit, lang)} — {t('ms.timeline', lang)}", caption=cap,
                             today=snap.today, with_unit=False)
    ui.chart(fig, f"{unit}_nhiem-vu_{period}", key="unit_timeline", short_title=True)
    table = milestone_table(rows, lang)
    with ui.wide_only():
        ui.table(table, lang)
    with ui.phone_only():
        # A phone gets the tasks as a stacked list: name, status and deadline, one entry each.
        st.markdown("<ul class='nq-stack'>" + "".join(
            f"<li>{ui.status_chip(r['status'], lang)} {html.escape(r['name'])}"
            f"<span class='nq-v'>{html.escape(r['due_text'] or '')}"
            + (f" · {html.escape(r['reported'])}" if r.get("reported") else "") + "</span></li>" for r in rows)
            + "</ul>", unsafe_allow_html=True)
    ui.downloads(table, f"{unit}_nhiem-vu_{period}", lang, key="unit_tasks")
ui.scroll_to_link()
