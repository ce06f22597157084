"""Danh mục chỉ tiêu: every target, grouped by unit, with its quote and the unit's merger lineage."""

import pandas as pd
import streamlit as st

from tracker.web import state
from tracker.catalogue import catalogue_rows, lineage_text
from tracker.core.i18n import t
from tracker.present.picture import entry_state_text

lang = state.lang()
cat = state.catalogue()

st.title(t("page.catalogue", lang))
st.caption(t("cat.intro", lang))

units = cat.units_with_targets()
kinds = ["stock", "flow", "ratio", "growth", "rank", "direction", "milestone"]
col1, col2 = st.columns(2)
chosen_units = col1.multiselect(t("cat.filter_unit", lang), units, format_func=lambda u: cat.name(u, lang),
                                placeholder=t("cat.filter_unit", lang))
chosen_kinds = col2.multiselect(t("cat.filter_kind", lang), kinds, format_func=lambda k: t(f"kind.{k}", lang),
                                placeholder=t("cat.filter_kind", lang))

rows = catalogue_rows(cat, lang, chosen_units or None, chosen_kinds or None)
st.markdown(t("cat.count", lang, n=len(rows), u=len({r["unit"] for r in rows})))
if not rows:
    st.info(t("cat.none", lang))

labels = {k: t(f"cat.col.{k}", lang) for k in ("id", "name", "kind", "target", "unit", "section", "quote", "agency")}
for unit in dict.fromkeys(r["unit"] for r in rows):
    unit_rows = [r for r in rows if r["unit"] == unit]
    st.subheader(f"{cat.name(unit, lang)} · {len(unit_rows)}")
    for line in lineage_text(cat, unit, lang):
        st.caption(f":material/merge: {line}")
    st.caption(f"{t('cat.document', lang)}: {unit_rows[0]['document']}")
    if unit_rows[0]["territory"]:
        st.caption(f"{t('cat.territory', lang)}: {unit_rows[0]['territory']}")
    numeric = [r for r in unit_rows if r["kind_code"] != "milestone"]
    tasks = [r for r in unit_rows if r["kind_code"] == "milestone"]
    # A replaced entry names its successor by name, not by its id (tracker.present.picture).
    for r in unit_rows:
        r["state"] = entry_state_text(cat, cat.indicator(r["id"]), lang)
    if numeric:
        frame = pd.DataFrame(numeric)[["id", "name", "kind", "target", "measure", "state", "section", "quote"]]
        frame = frame.rename(columns={**labels, "measure": labels["unit"], "state": t("cat.col.state", lang)})
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={labels["quote"]: st.column_config.TextColumn(width="large")})
    if tasks:
        frame = pd.DataFrame(tasks)[["id", "name", "agency", "target", "state", "section", "quote"]]
        frame = frame.rename(columns={**labels, "target": t("cat.col.due", lang), "state": t("cat.col.state", lang)})
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={labels["quote"]: st.column_config.TextColumn(width="large")})
