"""Tổng quan: who is behind and by how much — the worst items first (a phone's first screen), tiles,
the chosen province's progress picture, the ranked list, what changed, unit cards, matrix.
The parts are tracker.web.overview."""

import streamlit as st

from tracker.core.i18n import t
from tracker.core.periods import parse_period
from tracker.present.overview import (
    attention_count,
    attention_rows,
    matrix_units,
    numeric_counts,
    reported_quarters,
    status_counts,
    unit_cards,
)
from tracker.present.tables import matrix_rows, status_table
from tracker.present.unit_page import unit_labels, unit_picture
from tracker.web import auth, banners, presentation, state, widgets
from tracker.web import overview as parts

lang = state.lang()
cat = state.catalogue()
live = state.snapshot()
units = auth.visible_units(cat.units_with_targets())   # public_pages = "none": a tied viewer's own
if presentation.presenting() and not live.empty:
    parts.present(cat, live, units, lang)
for left in ("nq_present_as_of", "nq_present_overview"):   # presenting again starts at the chosen province
    st.session_state.pop(left, None)
st.title(t("page.overview", lang))
banners.demo_banner(live, lang)
banners.reporting_window(lang)
if live.empty:
    banners.empty_state(lang)
    st.stop()

quarters = parts.as_of_choices(reported_quarters(live), live.latest_period)   # the live snapshot is the latest
worst_box = st.container(key="nq_worst")   # filled below, once the quarter is chosen: first on the screen
c1, c2, _ = st.columns([1, 1, 1])
as_of = c1.selectbox(t("ov.as_of", lang), quarters, index=0, key="as_of", format_func=lambda p: parse_period(p).label(lang))
snap = state.snapshot_at(as_of, live)
# The province whose picture is shown: ?unit=, else the one chosen earlier, else the one with most targets
# behind. Kept in the link and the session, as on its own page.
chosen = auth.chosen_unit(units)
default_unit = matrix_units(snap, units, limit=1)[0][:1] or units[:1]
unit = c2.selectbox(t("pic.choose", lang), units, index=parts.unit_index(units, chosen, default_unit),
                    format_func=unit_labels(cat, lang).__getitem__, key="overview_unit")
if parts.keeps_choice(unit, chosen, units, default_unit):
    auth.keep_unit(unit)
st.caption(t("ov.intro", lang, period=parse_period(as_of).label(lang)))
with worst_box:
    parts.worst(cat, snap, units, lang)
previous_code = parse_period(as_of).previous().code if parse_period(as_of).is_quarter else None
before = state.snapshot_at(previous_code, live) if previous_code else None
before = None if before is not None and before.empty else before
parts.tiles(numeric_counts(snap, units), status_counts(snap, units), numeric_counts(before, units) if before else None, lang)

if unit is not None:   # the chosen province's progress picture, prepared once per snapshot
    picture = unit_picture(cat, snap, unit, lang, present=presentation.presenting())
    if picture.has_data:
        widgets.chart(picture, f"{unit}_tien-do_{as_of}", key="overview_picture", anchor="tien-do",
                      present=presentation.presenting())
    else:
        st.caption(t("pic.no_bars", lang))
    st.page_link("views/unit.py", label=t("pic.open_unit", lang, unit=cat.name(unit, lang)),
                 icon=":material/location_on:", query_params={"unit": unit, **({"lang": "en"} if lang == "en" else {})})

st.header(t("ov.attention", lang), anchor="can-chu-y")
st.caption(t("ov.attention_intro", lang))
parts.attention(attention_rows(cat, snap, lang, units, limit=parts.ATTENTION_SHOWN + parts.ATTENTION_MORE),
                attention_count(snap, units), lang)
if previous_code:
    parts.changes(cat, before, snap, units, previous_code, lang)

st.header(t("ov.cards", lang))
shown_units, left_out = matrix_units(snap, units)   # the units with most targets behind, at most 12
if left_out:
    st.caption(t("ov.matrix_limited", lang, n=len(shown_units), left=left_out))
parts.cards(unit_cards(cat, snap, lang, shown_units), lang)
parts.matrix(cat, snap, shown_units, lang)
parts.late_units(cat, live, lang)

if st.toggle(t("ov.table", lang), value=False, key="overview_table"):
    widgets.table(status_table(matrix_rows(cat, snap, lang, units), lang), lang)
widgets.downloads(lambda: status_table(matrix_rows(cat, snap, lang, units), lang), f"tong-quan_{as_of}", lang, key="overview")
