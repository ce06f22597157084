"""Địa phương: one unit's targets — headline cards, the progress picture, a chart per target, its tasks.

What is the same for every viewer of the unit (figures, rows, captions) is built once per snapshot by
tracker.present.unit_page; this page emits it and adds what is the viewer's own (figures awaiting approval)."""

import streamlit as st

from tracker.reporting import approval
from tracker.present.figures import add_pending_points
from tracker.core.i18n import t
from tracker.present.unit_page import unit_labels, unit_page, units_with_pages
from tracker.web import auth, banners, presentation, state, style, widgets
from tracker.web import unit as parts

lang = state.lang()
cat = state.catalogue()
snap = state.snapshot()

units = auth.visible_units(units_with_pages(cat))   # public_pages = "none": own units
if not units:
    st.info(t("acc.no_visible_units", lang))
    st.stop()
wanted = auth.chosen_unit(units)
index, unknown = parts.opening_index(units, wanted)
if unknown:   # a mistyped or old link says so, and no unit is shown in its place
    st.warning(t("unit.unknown", lang, unit=wanted))
present = presentation.presenting()
if present and not unknown:
    # The screen is the chart's: the unit comes from the link, and each chart's title names it.
    unit = units[index]
else:
    labels = unit_labels(cat, lang)
    unit = st.selectbox(t("unit.choose", lang), units, index=index, format_func=labels.__getitem__,
                        placeholder=t("unit.choose", lang))
if unit is None:
    st.stop()
auth.keep_unit(unit)

present_screen = present and not snap.empty
if not present_screen:
    st.title(f"{t('page.unit', lang)}: {cat.name(unit, lang)}")
page = None if snap.empty else unit_page(cat, snap, state.store(), unit, lang, present=present_screen)
if not present_screen:
    from tracker.catalogue import lineage_text

    for line in (page.lineage if page else lineage_text(cat, unit, lang)):
        st.caption(f":material/merge: {line}")
    banners.demo_banner(snap, lang, [unit])
if snap.empty:
    banners.empty_state(lang)
    st.stop()

# Issue 21: the unit's uploaders and approvers (and admins) also see figures awaiting approval, drawn apart.
pending = state.store().pending_observations([unit]) if approval.sees_pending(auth.current_user(), unit) else None
pending = None if pending is not None and pending.empty else pending


def target_chart(target):
    """The target's chart as every viewer sees it, or a figure of this viewer's own with the pending points."""
    rows = parts.pending_of(pending, target.assessment)
    if rows is None:
        return target.chart
    return add_pending_points(target.chart.figure(), rows, cat.indicator(target.assessment.indicator_id), lang)


period = page.period
if present:
    parts.present(page, unit, snap, target_chart, lang)
parts.headline(page.headline, lang)
widgets.briefing_buttons(unit, snap, lang)

# --- the progress picture: every numeric target at a glance
if page.picture is not None:
    widgets.chart(page.picture, f"{unit}_tien-do_{period}", key="unit_picture", anchor="tien-do", short_title=True)
widgets.not_charted(page.missing)

st.header(t("unit.targets", lang))
if pending is not None:
    st.caption(t("pending.caption", lang))
if not page.has_targets:
    st.info(t("unit.no_targets", lang))
for target in page.targets:
    if target.heading:
        st.header(target.heading)
    if target.subheading:
        st.subheader(target.subheading)
    widgets.chart(target_chart(target), target.file_name, key=target.key, anchor=target.anchor, short_title=True)
    if target.whole_unit_note:
        st.info(target.whole_unit_note, icon=":material/call_split:")

st.header(t("unit.tasks", lang))
rows = page.task_rows
if not rows:
    st.info(t("unit.no_tasks", lang))
else:
    widgets.chart(page.timeline, f"{unit}_nhiem-vu_{period}", key="unit_timeline", short_title=True)
    table = page.task_table
    with widgets.wide_only():
        widgets.table(table, lang)
    with widgets.phone_only():
        st.markdown(parts.tasks_stack_html(rows, lang), unsafe_allow_html=True)
    widgets.downloads(table, f"{unit}_nhiem-vu_{period}", lang, key="unit_tasks")
style.scroll_to_link()
