"""Địa phương: one unit's targets — headline cards, a progress chart per target, its tasks, its lineage."""

import streamlit as st

from tracker import ui
from tracker.catalogue import lineage_text
from tracker.figures import milestone_timeline, progress_figure
from tracker.i18n import t
from tracker.summaries import (caption, chart_filename, headline, milestone_rows, milestone_table,
                               target_label, unit_label)

lang = ui.lang()
cat = ui.catalogue()
snap = ui.snapshot()

units = [u for u in cat.jurisdictions if cat.indicators_for(u)]
wanted = st.query_params.get("unit")
index = units.index(wanted) if wanted in units else 0
unit = st.selectbox(t("unit.choose", lang), units, index=index, format_func=lambda u: unit_label(cat, u, lang))
if unit != wanted:
    st.query_params["unit"] = unit

st.title(f"{t('page.unit', lang)}: {cat.name(unit, lang)}")
for line in lineage_text(cat, unit, lang):
    st.caption(f":material/merge: {line}")
ui.demo_banner(snap, lang)
if snap.empty:
    ui.empty_state(lang)
    st.stop()

cap = caption(cat, snap, lang, [unit])
res = snap.results.get(unit, {"numeric": [], "milestones": []})
head = headline(snap, unit)
cards = [(t("unit.targets", lang), head["targets"]), (t("ov.good", lang), head["good"]),
         (t("ov.behind", lang), head["behind"]), (t("ov.unknown", lang), head["unknown"]),
         (t("ov.overdue", lang), head["overdue"]), (t("ov.done", lang), head["done"])]
for col, (label, value) in zip(st.columns(len(cards)), cards):
    col.metric(label, value)

ui.briefing_buttons(unit, snap, lang)

st.header(t("unit.targets", lang))
if not res["numeric"]:
    st.info(t("unit.no_targets", lang))
own = {i.id for i in cat.own_indicators(unit)}
shown_inherited = set()
for a in res["numeric"]:
    ind = cat.indicator(a.indicator_id)
    if ind.id not in own and ind.jurisdiction not in shown_inherited:
        shown_inherited.add(ind.jurisdiction)
        st.subheader(t("unit.inherited", lang, name=cat.name(ind.jurisdiction, lang)))
    sector_name = target_label(cat, a.indicator_id, a.sector, lang).split(" — ", 1)[1] if a.sector else ""
    fig = progress_figure(ind, a, unit_name=cat.name(unit, lang), caption=cap, sector_name=sector_name)
    ui.chart(fig, chart_filename(unit, a.indicator_id, a.sector, snap.latest_period), key=f"fig_{a.indicator_id}_{a.sector}")

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
