"""Tổng quan: every unit's targets in one glance — status counts, the status matrix, who is late."""

import streamlit as st

from tracker import ui
from tracker.figures import status_matrix
from tracker.i18n import t
from tracker.periods import parse_period
from tracker.progress import overdue_units, status_label
from tracker.summaries import caption, matrix_rows, matrix_units, status_counts, status_table, unit_label

lang = ui.lang()
cat = ui.catalogue()
st.title(t("page.overview", lang))
snap = ui.snapshot()
ui.demo_banner(snap, lang)
if snap.empty:
    ui.empty_state(lang)
    st.stop()

st.caption(t("ov.intro", lang, period=parse_period(snap.latest_period).label(lang)))
units = cat.units_with_targets()
counts = status_counts(snap, units)
cards = [
    (t("ov.good", lang), counts["achieved"] + counts["on_track"]),
    (t("ov.behind", lang), counts["acceleration"] + counts["off_track"] + counts["moving_away"]),
    (t("ov.unknown", lang), counts["too_little_data"] + counts["no_data"]),
    (t("ov.overdue", lang), counts["overdue"]),
    (t("ov.done", lang), counts["done"]),
]
for col, (label, value) in zip(st.columns(len(cards)), cards):
    col.metric(label, value)

shown, left_out = matrix_units(snap, units)
rows = matrix_rows(cat, snap, lang, shown)
if rows:
    if left_out:
        st.caption(t("ov.matrix_limited", lang, n=len(shown), left=left_out))
    fig = status_matrix(rows, caption=caption(cat, snap, lang, shown), title=t("ov.matrix_title", lang))
    ui.chart(fig, f"tong-quan_{snap.latest_period}", key="matrix")

st.subheader(t("ov.late_title", lang))
late = overdue_units(snap.reported, cat.reporting_units(), snap.today)
if late:
    for unit, period in late:
        st.markdown("- " + t("ov.late_row", lang, unit=unit_label(cat, unit, lang), period=parse_period(period).label(lang)))
else:
    due = parse_period(snap.latest_period).label(lang)
    st.success(t("ov.late_none", lang, period=due))

if st.toggle(t("ov.table", lang), value=False, key="overview_table"):
    table = status_table(rows if not left_out else matrix_rows(cat, snap, lang, units), lang)
    ui.table(table, lang)
ui.downloads(lambda: status_table(matrix_rows(cat, snap, lang, units), lang), f"tong-quan_{snap.latest_period}", lang,
             key="overview")
st.caption(" · ".join(f"{status_label(s, lang)}: {n}" for s, n in counts.items() if n))
