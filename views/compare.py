"""So sánh: one target across the units that set it (S&T enterprises in Bắc Giang and Khánh Hòa…)."""

import streamlit as st

from tracker.web import auth, banners, state, widgets
from tracker.present.figures import compare_figure
from tracker.core.i18n import t
from tracker.assess.judge import status_label
from tracker.present.downloads import value_status_cell, value_status_header
from tracker.core.statuses import NUMERIC_ORDER
from tracker.present.labels import caption, measure_label
from tracker.present.tables import compare_series, shared_targets

lang = state.lang()
cat = state.catalogue()
snap = state.snapshot()
st.title(t("page.compare", lang))
banners.demo_banner(snap, lang)
if snap.empty:
    banners.empty_state(lang)
    st.stop()

shared = shared_targets(cat)
if not shared:
    st.info(t("compare.none", lang))
    st.stop()
slug = st.selectbox(t("compare.choose", lang), list(shared), format_func=lambda c: cat.concepts[c].name.get(lang))
concept = cat.concepts[slug]
st.caption(concept.definition.get(lang))
visible = set(auth.visible_units(cat.units_with_targets()))   # public_pages = "none": a tied viewer's own
ids = [i for i in shared[slug] if cat.indicator(i).jurisdiction in visible]
if not ids:
    st.info(t("acc.no_visible_units", lang))
    st.stop()
ind = cat.indicator(ids[0])
units = [cat.indicator(i).jurisdiction for i in ids]
series = compare_series(cat, snap, ids, lang)
fig = compare_figure(series, indicator_name=concept.name.get(lang), unit=ind.unit, caption=caption(cat, snap, lang, units))
widgets.chart(fig, f"so-sanh_{slug}_{snap.latest_period}", key="compare")
table = [{("Unit" if lang == "en" else "Địa phương"): s["unit_name"],
          ("Status" if lang == "en" else "Tình trạng"): status_label(s["status"], lang),
          ("Latest value" if lang == "en" else "Số liệu mới nhất"): s["points"][-1][1] if s["points"] else None,
          ("Unit of measure" if lang == "en" else "Đơn vị tính"): measure_label(ind.unit, lang),
          ("Year" if lang == "en" else "Năm"): s["points"][-1][0] if s["points"] else None,
          # valuestatus: ước tính / sơ bộ / chính thức of the latest value
          value_status_header(lang): value_status_cell(s["points"][-1][3], lang) if s["points"] else "",
          ("Why" if lang == "en" else "Căn cứ"): s["explain"]}
         for s in sorted(series, key=lambda s: NUMERIC_ORDER.index(s["status"]) if s["status"] in NUMERIC_ORDER else 99)]
widgets.table(table, lang)
widgets.downloads(table, f"so-sanh_{slug}_{snap.latest_period}", lang, key="compare")
