"""Nhiệm vụ & mốc: every task with a deadline, overdue first, by unit and responsible body."""

import streamlit as st

from tracker.web import auth, banners, state, widgets
from tracker.present.timeline import milestone_timeline
from tracker.core.i18n import t
from tracker.present.labels import caption, unit_label
from tracker.present.tables import milestone_rows, milestone_table

lang = state.lang()
cat = state.catalogue()
snap = state.snapshot()
st.title(t("page.milestones", lang))
banners.demo_banner(snap, lang)

all_rows = milestone_rows(cat, snap, lang, auth.visible_units(cat.units_with_targets()))  # public_pages = "none": own units
units = list(dict.fromkeys(r["unit"] for r in all_rows))
agencies = sorted({r["agency"] for r in all_rows if r["agency"]})
c1, c2 = st.columns(2)
chosen_units = c1.multiselect(t("ms.filter_unit", lang), units, format_func=lambda u: unit_label(cat, u, lang),
                              placeholder=t("ms.filter_unit", lang))
chosen_agencies = c2.multiselect(t("ms.filter_agency", lang), agencies, placeholder=t("ms.filter_agency", lang))
rows = [r for r in all_rows if (not chosen_units or r["unit"] in chosen_units)
        and (not chosen_agencies or r["agency"] in chosen_agencies)]
if not rows:
    st.info(t("ms.none", lang))
    st.stop()
counts = {}
for r in rows:
    counts[r["status_label"]] = counts.get(r["status_label"], 0) + 1
for col, (label, n) in zip(st.container(key="nq_tiles").columns(len(counts)), counts.items()):
    col.metric(label, n)
table = milestone_table(rows, lang)
widgets.table(table, lang)
widgets.downloads(table, f"nhiem-vu_{snap.latest_period or 'tat-ca'}", lang, key="milestones")
fig = milestone_timeline(rows, title=t("ms.timeline", lang), caption=caption(cat, snap, lang, chosen_units or units),
                         today=snap.today)
widgets.chart(fig, f"nhiem-vu_{snap.latest_period or 'tat-ca'}", key="timeline")
