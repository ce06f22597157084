"""Issue 24, goal 1: the province page's shared part built once per snapshot (tracker.present.unit_page) and its
figures kept as plain dicts (tracker.present.screen_figure). Pure: no Streamlit; the page tests in
test_pages.py, test_approval_pages.py and test_picture.py check what the page shows."""

from __future__ import annotations

import json
import threading

import plotly.io
import pytest


@pytest.fixture
def demo(seeded_env):
    from tracker.catalogue import load_catalogue
    from tracker.core.periods import today
    from tracker.core.settings import load_settings
    from tracker.assess.snapshot import load_snapshot
    from tracker.storage import Store

    s = load_settings()
    store = Store(s.database, str(s.archive_dir))
    cat = load_catalogue()
    return cat, load_snapshot(store, cat, today()), store


def _charted_unit(cat, snap):
    """A unit with a numeric (not direction-only) target that has a chart."""
    from tracker.present.picture import has_chart
    from tracker.present.labels import is_direction

    return next(u for u in cat.jurisdictions
                if any(has_chart(a) and not is_direction(a) for a in snap.results.get(u, {}).get("numeric", [])))


def test_a_frozen_figure_sends_what_plotly_would_and_cannot_be_changed():
    import plotly.graph_objects as go

    from tracker.present.screen_figure import FrozenFigure, freeze

    fig = go.Figure(go.Scatter(x=[2024, 2025, 2026], y=[1.5, float("nan"), 3.0], name="a"))
    fig.update_layout(title="T", height=400)
    expected = json.loads(plotly.io.to_json(fig, validate=False))
    frozen = freeze(fig)
    assert isinstance(frozen, FrozenFigure) and isinstance(frozen, go.Figure)
    assert json.loads(plotly.io.to_json(frozen, validate=False)) == expected
    assert expected["data"][0]["y"][1] is None          # NaN travels as null, as Plotly's encoder writes it
    # st.plotly_chart pops each trace's uid from what to_dict gives: the kept dict must not lose anything
    frozen.to_dict()["data"][0]["name"] = "changed"
    assert frozen.to_dict()["data"][0]["name"] == "a"
    with pytest.raises(TypeError):
        frozen.update_layout(height=200)


def test_prepare_matches_for_screen_and_keeps_the_whole_still():
    import plotly.graph_objects as go

    from tracker.present.figures import for_screen
    from tracker.present.screen_figure import prepare

    def fig():
        f = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
        f.update_layout(title="Tiêu đề", height=560, meta={"title": "Tiêu đề", "footer": "Nguồn"})
        return f

    meta, screen = for_screen(fig())
    shown = prepare(fig(), frozen=True)
    assert shown.meta == meta
    assert shown.screen.to_dict() == json.loads(plotly.io.to_json(screen, validate=False))
    assert shown.figure().layout.title.text == "Tiêu đề" and shown.figure() is not shown.figure()
    present = prepare(fig(), present=True, frozen=True)
    assert "height" not in present.screen.to_dict()["layout"] and present.screen.to_dict()["layout"]["autosize"] is True


def test_the_page_is_built_once_per_snapshot_unit_language_and_presentation(demo):
    from tracker.present import unit_page as up

    cat, snap, store = demo
    unit = _charted_unit(cat, snap)
    up._memo.clear()
    built = []
    real = up.build_unit_page

    def counting(*args, **kwargs):
        built.append(args[3:])
        return real(*args, **kwargs)

    up.build_unit_page = counting
    try:
        first = up.unit_page(cat, snap, store, unit, "vi")
        assert up.unit_page(cat, snap, store, unit, "vi") is first
        english = up.unit_page(cat, snap, store, unit, "en")
        presented = up.unit_page(cat, snap, store, unit, "vi", present=True)
        assert len(built) == 3 and english is not first and presented is not first
        # Many viewers at once: one of them builds, the others wait for it.
        up._memo.clear()
        built.clear()
        pages = []
        threads = [threading.Thread(target=lambda: pages.append(up.unit_page(cat, snap, store, unit, "vi")))
                   for _ in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(built) == 1 and all(p is pages[0] for p in pages)
    finally:
        up.build_unit_page = real
        up._memo.clear()


def test_a_new_snapshot_makes_a_new_page_and_the_old_one_goes(demo):
    import gc

    from tracker.present import unit_page as up
    from tracker.core.periods import today
    from tracker.assess.snapshot import load_snapshot

    cat, _, store = demo
    snap = load_snapshot(store, cat, today())   # this test's own: the fixture keeps its snapshot alive
    unit = _charted_unit(cat, snap)
    up._memo.clear()
    first = up.unit_page(cat, snap, store, unit, "vi")
    other = load_snapshot(store, cat, today())
    assert up.unit_page(cat, other, store, unit, "vi") is not first
    del snap
    gc.collect()
    assert up._memo.pages
    assert all(key[0] == id(other) for key in up._memo.pages)   # the dropped snapshot's page went with it
    up._memo.clear()


def test_the_bound_holds(demo, monkeypatch):
    from tracker.present import unit_page as up

    cat, snap, store = demo
    units = [u for u in cat.jurisdictions if snap.results.get(u)][:3]
    monkeypatch.setattr(up, "_memo", up._Memo(2))
    for u in units:
        up.unit_page(cat, snap, store, u, "vi")
    assert len(up._memo.pages) == min(2, len(units))


def test_the_page_holds_a_chart_per_charted_target_as_the_figures_draw_it(demo):
    from tracker.present.figures import for_screen, progress_figure
    from tracker.present.picture import has_chart
    from tracker.present.labels import chart_anchor, is_direction, target_label
    from tracker.present.unit_page import build_unit_page
    from tracker.assess.value_kinds import of_series

    cat, snap, store = demo
    unit = _charted_unit(cat, snap)
    page = build_unit_page(cat, snap, store, unit, "vi")
    res = snap.results[unit]["numeric"]
    charted = [a for a in res if not is_direction(a) and has_chart(a)] + [a for a in res if is_direction(a) and has_chart(a)]
    assert [t.assessment for t in page.targets] == charted
    assert page.picture is not None and page.has_targets
    first = page.targets[0]
    a = first.assessment
    ind = cat.indicator(a.indicator_id)
    sector_name = target_label(cat, a.indicator_id, a.sector, "vi").split(" — ", 1)[1] if a.sector else ""
    fig = progress_figure(ind, a, unit_name=cat.territory_label(ind, unit, "vi"), caption=page.caption,
                          sector_name=sector_name, kinds=of_series(snap.kinds, a))
    meta, screen = for_screen(fig)
    assert first.chart.meta == meta
    assert first.chart.screen.to_dict() == json.loads(plotly.io.to_json(screen, validate=False))
    assert first.anchor == chart_anchor(a.indicator_id, a.sector) and first.key == f"fig_{a.indicator_id}_{a.sector}"
    # The screen copy is sent from the kept dict; the still (the PNG button) is a whole figure again.
    assert first.chart.figure().layout.meta["title"] == meta["title"]
