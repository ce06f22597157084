"""Địa phương: one unit's targets — headline cards, a progress chart per target, its tasks, its lineage."""

import streamlit as st

from tracker import ui
from tracker.catalogue import lineage_text
from tracker.figures import milestone_timeline, progress_figure
from tracker.i18n import t
from tracker.summaries import (caption, chart_anchor, chart_filename, headline, is_direction, milestone_rows,
                               milestone_table, target_label, unit_label, whole_unit_figures)

lang = ui.lang()
cat = ui.catalogue()
snap = ui.snapshot()

units = [u for u in cat.jurisdictions if cat.indicators_for(u)]
wanted = st.query_params.get("unit")
unknown = bool(wanted) and wanted not in units
# A mistyped or old link says so, and no unit is shown in its place.
index = units.index(wanted) if wanted in units else (None if unknown else 0)
if unknown:
    st.warning(t("unit.unknown", lang, unit=wanted))
unit = st.selectbox(t("unit.choose", lang), units, index=index, format_func=lambda u: unit_label(cat, u, lang),
                    placeholder=t("unit.choose", lang))
if unit is None:
    st.stop()
if unit != wanted:
    st.query_params["unit"] = unit

st.title(f"{t('page.unit', lang)}: {cat.name(unit, lang)}")
for line in lineage_text(cat, unit, lang):
    st.caption(f":material/merge: {line}")
ui.demo_banner(snap, lang, [unit])
if snap.empty:
    ui.empty_state(lang)
    st.stop()

cap = caption(cat, snap, lang, [unit])
res = snap.results.get(unit, {"numeric": [], "milestones": []})
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

st.header(t("unit.targets", lang))
if not res["numeric"]:
    st.info(t("unit.no_targets", lang))
own = {i.id for i in cat.own_indicators(unit)}
shown_inherited = set()
# Direction-only goals last, in their own group: they have no number to be on track towards.
numeric = [a for a in res["numeric"] if not is_direction(a)]
directions = [a for a in res["numeric"] if is_direction(a)]
# Figures of the whole unit where an old area could not be separated: kept, shown, never judged.
whole_unit = whole_unit_figures(cat, ui.store().current_observations(units=[unit]), lang)
for k, a in enumerate(numeric + directions):
    ind = cat.indicator(a.indicator_id)
    if directions and a is directions[0]:
        st.header(t("unit.direction", lang))
    if ind.id not in own and ind.jurisdiction not in shown_inherited:
        shown_inherited.add(ind.jurisdiction)
        st.subheader(t("unit.inherited", lang, name=cat.name(ind.jurisdiction, lang)))
    sector_name = target_label(cat, a.indicator_id, a.sector, lang).split(" — ", 1)[1] if a.sector else ""
    # "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ": the title says whose territory the target covers.
    fig = progress_figure(ind, a, unit_name=cat.territory_label(ind, unit, lang), caption=cap, sector_name=sector_name)
    ui.chart(fig, chart_filename(unit, a.indicator_id, a.sector, snap.latest_period), key=f"fig_{a.indicator_id}_{a.sector}",
             anchor=chart_anchor(a.indicator_id, a.sector))
    if (a.indicator_id, a.sector) in whole_unit:
        st.info(whole_unit[(a.indicator_id, a.sector)], icon=":material/call_split:")

st.header(t("unit.tasks", lang))
rows = milestone_rows(cat, snap, lang, [unit])
if not rows:
    st.info(t("unit.no_tasks", lang))
else:
    fig = milestone_timeline(rows, title=f"{cat.name(unit, lang)} — {t('ms.timeline', lang)}", caption=cap, today=snap.today)
    ui.chart(fig, f"{unit}_nhiem-vu_{snap.latest_period}", key="unit_timeline")
    table = milestone_table(rows, lang)
    ui.table(table, lang)
    ui.downloads(table, f"{unit}_nhiem-vu_{snap.latest_period}", lang, key="unit_tasks")
