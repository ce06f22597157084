"""So sánh: one target across the units that set it (S&T enterprises in Bắc Giang and Khánh Hòa…)."""

import pandas as pd
import streamlit as st

from tracker import ui
from tracker.figures import compare_figure
from tracker.i18n import t
from tracker.progress import status_label
from tracker.summaries import caption, compare_series, shared_targets

lang = ui.lang()
cat = ui.catalogue()
snap = ui.snapshot()
st.title(t("page.compare", lang))
ui.demo_banner(snap, lang)
if snap.empty:
    ui.empty_state(lang)
    st.stop()

shared = shared_targets(cat)
if not shared:
    st.info(t("compare.none", lang))
    st.stop()
slug = st.selectbox(t("compare.choose", lang), list(shared),
                    format_func=lambda s: cat.indicator(shared[s][0]).name.get(lang))
ids = shared[slug]
ind = cat.indicator(ids[0])
units = [cat.indicator(i).jurisdiction for i in ids]
series = compare_series(cat, snap, ids, lang)
fig = compare_figure(series, indicator_name=ind.name.get(lang), unit=ind.unit, caption=caption(cat, snap, lang, units))
ui.chart(fig, f"so-sanh_{slug}_{snap.latest_period}", key="compare")
table = [{("Unit" if lang == "en" else "Địa phương"): s["unit_name"],
          ("Status" if lang == "en" else "Tình trạng"): status_label(s["status"], lang),
          ("Why" if lang == "en" else "Căn cứ"): s["explain"]} for s in series]
st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
ui.downloads(table, f"so-sanh_{slug}_{snap.latest_period}", lang, key="compare")
