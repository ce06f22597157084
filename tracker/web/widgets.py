"""What pages draw with: charts, tables, downloads, status chips, user text made safe (plain), the
wide-screen and phone containers, and the unit's briefing material."""

from __future__ import annotations

import streamlit as st

from tracker.core.i18n import t
from tracker.web.state import catalogue, lang


def plain(text) -> str:
    """User text (a reason, a note, a user name) made safe inside st.markdown / st.caption: every
    Markdown and HTML character escaped, so ``![x](http://…)`` is shown, never fetched."""
    import html
    import re

    escaped = html.escape("" if text is None else str(text), quote=False)
    # Markdown punctuation (CommonMark's escapable set) and line breaks that would start a block.
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|~>:$])", r"\\\1", escaped)
    return escaped.replace("\n", " ")


def plain_html(text) -> str:
    import html

    return html.escape("" if text is None else str(text))


def status_chip(status: str, lang: str) -> str:
    """A coloured status word with its icon, as inline HTML (colour is never the only sign)."""
    from tracker.core import statuses

    look = statuses.look(status)
    text = f"{look.icon} {statuses.label(status, lang)}".strip()
    if look.outlined:   # a direction-only goal: an outline, never a numeric target's filled chip
        return (f"<span class='nq-chip nq-chip-outline' style='border:2px solid {look.colour};color:{look.colour};"
                f"background:#fff'>{text}</span>")
    # Dark text where white would be hard to read on the light fills.
    ink = "#1f2933" if status in ("on_track", "acceleration", "too_little_data", "no_data") else "#fff"
    return f"<span class='nq-chip' style='background:{look.colour};color:{ink}'>{text}</span>"


def wide_only():
    """A container shown on screens wider than a phone (and printed)."""
    return st.container(key="nq_wide_only")


def phone_only():
    """A container shown on phones only (≤ 640 px), in place of wide_only's content."""
    return st.container(key="nq_phone_only")


def not_charted(lines: list[tuple[str, str]]) -> None:
    """Targets with nothing to draw, one line per reason, never an empty chart."""
    for label, names in lines:
        st.markdown(f"<div class='nq-notcharted'><b>{plain_html(label)}:</b> {plain_html(names)}</div>",
                    unsafe_allow_html=True)


def chart(fig, file_name: str, key: str | None = None, anchor: str | None = None, height: int | None = None,
          short_title: bool = False, present: bool = False) -> None:
    """A figure on screen: its title and status as page text (wraps on a phone), the chart sized by
    its container, the footer as a caption, and a button for the whole figure as a slide-sized PNG.

    ``short_title``: on one unit's page the unit is said once at the top, so the title drops it (the
    PNG keeps it). ``present``: the chart fills the screen's height below its title (presentation mode).
    """
    from tracker.present.screen_figure import ScreenFigure, prepare

    # A ScreenFigure was prepared once for every viewer (tracker.present.unit_page); a figure is prepared here.
    shown = fig if isinstance(fig, ScreenFigure) else prepare(fig, height, present=present)
    meta, screen = shown.meta, shown.screen
    title = meta.get("screen_title") if short_title and meta.get("screen_title") else meta.get("title")
    if anchor:
        # The anchor is an element of its own just above the title, so a link lands on this chart's
        # title (Streamlit's heading anchors are placed after the page settles, too late for #links).
        st.markdown(f"<div id='{anchor}' class='nq-anchor'></div>", unsafe_allow_html=True)
    if title:
        st.subheader(plain(title), anchor=False)   # names may come from an admin-added programme
    if meta.get("subtitle"):
        st.markdown(f"<div class='nq-subtitle'>{meta['subtitle']}</div>", unsafe_allow_html=True)
    server_png = _png_available()
    # Presented, the chart's box takes the height the window has left (presentation_mode's CSS: a column
    # of the window's height), and Plotly lays the figure out in it: prepare(present=True) left the
    # figure without a height of its own.
    box = st.container(key=f"nq_present_chart_{key}") if present else st.container()
    box.plotly_chart(screen, width="stretch", height="stretch" if present else "content", key=key, config={
        "displaylogo": False, "responsive": True,
        # The camera would save the screen figure, without its title and source; the button below
        # saves the whole still. Without a server-side renderer the camera is the fallback.
        "toImageButtonOptions": {"format": "png", "filename": file_name, "width": 1600, "height": 900, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"] + (["toImage"] if server_png else []),
    })
    if meta.get("footer"):
        st.caption(meta["footer"].replace("<br>", " · ").replace("<b>", "**").replace("</b>", "**"))
    if server_png and not present:   # a projected screen is the chart's; the PNG is on the page
        from tracker.present.briefing.png import figure_png

        st.download_button(t("app.download_png", lang()), lambda: figure_png(shown.figure()), file_name=f"{file_name}.png",
                           mime="image/png", key=f"{key or file_name}_png", on_click="ignore", icon=":material/image:",
                           type="tertiary")


@st.cache_resource(show_spinner=False)
def _png_available() -> bool:
    from tracker.present.briefing.png import png_export_available

    return png_export_available()[0]


def downloads(rows, base_name: str, lang: str, key: str) -> None:
    """A page's table as CSV (UTF-8 with BOM, so Excel shows diacritics) and as Excel.

    ``rows`` is a list of dicts, or a function returning one: the files are made only when a
    button is clicked, so a big table costs nothing until someone wants it. Numbers stay numbers
    and staff text can never run as a formula (tracker.present.downloads).
    """
    from tracker.present.downloads import XLSX_MIME, table_csv, table_xlsx

    if isinstance(rows, list) and not rows:
        return

    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(t("app.download_csv", lang), lambda: table_csv(rows), file_name=f"{base_name}.csv",
                       mime="text/csv", key=f"{key}_csv", on_click="ignore")
    c2.download_button(t("app.download_xlsx", lang), lambda: table_xlsx(rows), file_name=f"{base_name}.xlsx",
                       mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore")


def screen_rows(rows: list[dict], lang: str) -> list[dict]:
    """The rows as shown on screen: fractional numbers written the Vietnamese way (1.470,5), ±inf/NaN
    as '—'; whole numbers and text as they are (the download keeps the plain numbers)."""
    import numbers

    from tracker.core.i18n import fmt_number

    floats = {k for r in rows for k, v in r.items()
              if isinstance(v, float) or (isinstance(v, numbers.Real) and not isinstance(v, (int, bool)))}
    if not floats:
        return rows
    return [{k: (fmt_number(v, lang) if k in floats and v is not None else v) for k, v in r.items()} for r in rows]


def table(rows: list[dict], lang: str, *, key: str | None = None, height: int | str = "auto") -> None:
    """A table on screen: long text columns (reasons, explanations, evidence) wide enough to read,
    dates as dd/mm/yyyy. Cells are plain text: nothing in them is read as Markdown or HTML."""
    import datetime as dt
    import numbers

    import pandas as pd

    from tracker.present.downloads import text_widths

    config = {name: st.column_config.TextColumn(width=width) for name, width in text_widths(rows).items()}
    for name in {k for r in rows for k, v in r.items() if isinstance(v, dt.date)}:
        is_time = any(isinstance(r.get(name), dt.datetime) for r in rows)
        config[name] = (st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm") if is_time
                        else st.column_config.DateColumn(format="DD/MM/YYYY"))
    frame = pd.DataFrame(screen_rows(rows, lang))
    for name in frame.columns:
        # Whole numbers with gaps (days late: 789 or nothing) stay whole, not "789.0".
        present = [r.get(name) for r in rows if r.get(name) is not None]
        if present and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in present):
            frame[name] = pd.array([r.get(name) for r in rows], dtype="Int64")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key, height=height)


def briefing_buttons(unit: str, snap, lang: str) -> None:
    """Offer the unit's briefing deck and its charts as PNGs (server-side), or say why not."""
    from tracker.present.briefing.charts import unit_pngs_zip
    from tracker.present.briefing.deck import build_deck
    from tracker.present.briefing.pdf import BriefUnavailable, brief_filename, build_brief
    from tracker.present.briefing.png import png_export_available

    with st.expander(t("unit.briefing", lang), expanded=False, icon=":material/slideshow:"):
        ok, why = png_export_available()
        if not ok:
            st.warning(why if lang != "en" else why)
            st.caption(t("unit.png_browser", lang))
        deck_col, pdf_col = st.columns(2)
        if deck_col.button(t("unit.make_deck", lang), key="make_deck", icon=":material/slideshow:"):
            with deck_col, st.spinner(t("unit.making_deck", lang)):
                st.session_state[f"deck_{unit}"] = build_deck(catalogue(), snap, unit, lang=lang)
        deck = st.session_state.get(f"deck_{unit}")
        if deck:
            deck_col.download_button(t("unit.deck", lang), deck, file_name=f"nq45_{unit}_{snap.latest_period}.pptx",
                                     mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                                     key="deck_download")
        # The A4 brief beside the deck (tracker.present.briefing.pdf): made on the server, its text searchable.
        if pdf_col.button(t("brief.make", lang), key="make_pdf", icon=":material/picture_as_pdf:"):
            with pdf_col, st.spinner(t("brief.making", lang)):
                try:
                    st.session_state[f"pdf_{unit}"] = build_brief(catalogue(), snap, unit, lang=lang)
                except BriefUnavailable as exc:
                    pdf_col.error(t("brief.failed", lang, why=exc.message(lang)))
        pdf = st.session_state.get(f"pdf_{unit}")
        if pdf:
            pdf_col.download_button(t("brief.download", lang), pdf, file_name=brief_filename(unit, snap.latest_period),
                                    mime="application/pdf", key="pdf_download", icon=":material/download:")
        if ok and st.button(t("unit.make_pngs", lang), key="make_pngs"):
            with st.spinner(t("unit.making_pngs", lang)):
                st.session_state[f"pngs_{unit}"] = unit_pngs_zip(catalogue(), snap, unit, lang=lang)
        pngs = st.session_state.get(f"pngs_{unit}")
        if pngs:
            st.download_button(t("unit.png", lang), pngs, file_name=f"nq45_{unit}_{snap.latest_period}_png.zip",
                               mime="application/zip", key="png_download")
