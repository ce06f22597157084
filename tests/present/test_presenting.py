"""Issue 23 item 4 (what the first pass left): presentation mode's progress picture in parts that fit
the window, the overview stepping one picture a screen, and the deck's notes never under its footer."""

from __future__ import annotations

import io

import pytest

from tests.support.pages import charts, run, texts


def _rows(n):
    from tracker.present.picture import PictureRow

    return [PictureRow(f"x.{k}", "", f"Chỉ tiêu số {k} có một cái tên khá dài để đo", "acceleration", 0.1 * k, 0.5,
                       "1", "2", "0", f"c-{k}") for k in range(n)]


def test_a_part_never_holds_more_bars_than_keep_their_names_clear():
    from tracker.present.presenting import (BAR_SHARE, LINE_BOX, PRESENT_PLOT_PX, TICK_HALF_PX, bars_per_part, part_layout,
                                    split_rows)

    most = bars_per_part()
    assert 4 <= most < 20
    for n in range(1, most + 1):
        fit = part_layout(n)
        assert fit is not None and 14 <= fit.font <= 20
        row = PRESENT_PLOT_PX / (n + 0.5)
        name_top = BAR_SHARE / 2 * row + fit.lift + LINE_BOX * fit.font   # above this bar's centre
        assert name_top < row - BAR_SHARE / 2 * row and name_top < row - TICK_HALF_PX   # under the bar above
        assert fit.lift >= TICK_HALF_PX - BAR_SHARE / 2 * row                              # over its own tick
    assert part_layout(most + 1) is None
    assert part_layout(3).font > part_layout(most).font   # few bars: larger words for a projector
    rows = list(range(2 * most + 1))
    parts = split_rows(rows)
    assert [x for p in parts for x in p] == rows and len(parts) == 3
    assert max(map(len, parts)) <= most and max(map(len, parts)) - min(map(len, parts)) <= 1
    assert split_rows([]) == []


def test_names_are_anchored_to_their_own_bar_in_the_presentation_figure():
    from tracker.present.labels import Caption
    from tracker.present.picture_figure import progress_picture
    from tracker.present.presenting import BAR_SHARE, fit_to_screen, part_layout

    rows = _rows(6)
    fig = progress_picture(rows, unit_name="Khánh Hòa", caption=Caption("Quý III/2026", "Nguồn thử"), name_chars=part_layout(6).name_chars)
    fit_to_screen(fig, part_layout(6))
    names = [a for a in fig.layout.annotations if a.name == "target_name"]
    assert [round(a.y, 3) for a in names] == [round(k - BAR_SHARE / 2, 3) for k in range(6)]
    assert all(a.yanchor == "bottom" and a.font.size == part_layout(6).font and "<br>" not in a.text for a in names)
    assert all(a.font.size == part_layout(6).font for a in fig.layout.annotations if a.name == "bar_value")


def test_a_long_picture_is_presented_in_numbered_parts(seeded_env, monkeypatch):
    from tracker.present import presenting
    from tracker.catalogue import load_catalogue
    from tracker.core.periods import today
    from tracker.present.picture import picture_rows
    from tracker.core.settings import load_settings
    from tracker.assess.snapshot import load_snapshot
    from tracker.storage import Store

    s = load_settings()
    cat = load_catalogue()
    snap = load_snapshot(Store(s.database, str(s.archive_dir)), cat, today())
    n = len(picture_rows(cat, snap, "khanh-hoa", "vi"))
    assert presenting.part_count(cat, snap, "khanh-hoa", "vi") == 1
    monkeypatch.setattr(presenting, "PRESENT_PLOT_PX", 160)   # a window so small that the bars need two screens
    monkeypatch.setattr(presenting.part_layout, "__defaults__", (160,))
    monkeypatch.setattr(presenting.bars_per_part, "__defaults__", (160,))
    monkeypatch.setattr(presenting.split_rows, "__defaults__", (160,))
    figs = presenting.presentation_pictures(cat, snap, "khanh-hoa", "vi")
    assert len(figs) >= 2
    assert [f.layout.meta["title"].endswith(f"({k + 1}/{len(figs)})") for k, f in enumerate(figs)] == [True] * len(figs)
    bars = sum(len([a for a in f.layout.annotations if a.name == "target_name"]) for f in figs)
    assert bars == n
    # The lists of what has no chart stand under the last part only.
    assert "Chưa có thước đo" in figs[-1].layout.meta["subtitle"] and "Chưa có thước đo" not in figs[0].layout.meta["subtitle"]


def test_overview_presents_one_province_picture_a_screen(seeded_env):
    at = run("views/overview.py", params={"unit": "khanh-hoa", "present": "1"})
    assert not at.exception
    shown = charts(at)
    assert len(shown) == 1 and shown[0].key.startswith("present_overview_")
    body = texts(at)
    assert "Biểu đồ " in body and "Cần chú ý nhất" not in body   # the chart has the screen
    import re

    k, n = map(int, re.search(r"Biểu đồ (\d+)/(\d+)", body).groups())
    assert n >= 2
    first = at.query_params["unit"]
    assert first == "khanh-hoa"
    button = "nq_present_overview_prev" if k > 1 else "nq_present_overview_next"
    at.button(key=button).click().run()
    assert not at.exception and len(charts(at)) == 1
    assert at.query_params["unit"] != "khanh-hoa"   # the province shown is kept in the link


def test_lines_are_measured_by_width():
    from tracker.present.textfit import box_lines, lines_that_fit, paragraph_lines

    assert paragraph_lines([("Chưa có thước đo", True)], 12.33, 18) == 1
    assert paragraph_lines([("Đội ngũ trí thức một số ngành trọng điểm " * 6, False)], 12.33, 18) >= 3
    assert lines_that_fit(1.1, 18) == 3 and lines_that_fit(5.3, 18) >= 14
    assert box_lines([[("a", {})], [("b", {"bold": True})]], 12.33, 18) == 2


def test_deck_notes_never_run_under_the_footer(seeded_env):
    """On every progress-picture slide, the lines of each text box (measured at 18 pt) end above the
    footer; the lists of targets without a chart are on the deck, on a slide of their own if need be."""
    from pptx import Presentation
    from pptx.util import Emu

    from tracker.present.briefing.png import close_png_renderer
    from tracker.present.briefing.deck import MIN_PT, build_deck
    from tracker.catalogue import load_catalogue
    from tracker.core.periods import today
    from tracker.core.settings import load_settings
    from tracker.assess.snapshot import load_snapshot
    from tracker.storage import Store
    from tracker.present.textfit import INSET_IN, LINE_SPACING, box_lines

    s = load_settings()
    cat = load_catalogue()
    snap = load_snapshot(Store(s.database, str(s.archive_dir)), cat, today())
    try:
        content = build_deck(cat, snap, "khanh-hoa", lang="vi")
    finally:
        close_png_renderer()
    prs = Presentation(io.BytesIO(content))
    inch = lambda v: Emu(v).inches   # noqa: E731
    picture_slides = [sl for sl in prs.slides if sl.shapes.title.text_frame.text.startswith("Tiến độ các chỉ tiêu")]
    assert picture_slides
    said = ""
    for slide in picture_slides:
        boxes = [sh for sh in slide.shapes if sh.has_text_frame and sh != slide.shapes.title]
        footer = max(boxes, key=lambda sh: sh.top)
        for sh in boxes:
            if sh is footer or inch(sh.top) < 1.0:   # the demo mark stands above the title
                continue
            paragraphs = [[(r.text, {"bold": bool(r.font.bold)}) for r in p.runs] for p in sh.text_frame.paragraphs]
            lines = box_lines(paragraphs, inch(sh.width), MIN_PT)
            bottom = inch(sh.top) + 2 * INSET_IN[1] + lines * MIN_PT * LINE_SPACING / 72
            assert bottom <= inch(footer.top) + 0.01, (sh.text_frame.text[:80], lines, bottom, inch(footer.top))
            assert all(r.font.size is None or r.font.size.pt >= MIN_PT for p in sh.text_frame.paragraphs for r in p.runs)
            said += sh.text_frame.text
    assert "Chưa có thước đo" in said and "đã thay thế bằng «" in said
