"""Issue 20, item 4: every figure says which kind it is (estimate / preliminary / official) wherever it is
shown: charts (screen, stills, static site), tables, downloads, the deck and the history."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.support.catalogues import DOCUMENTS, INDICATORS, JURISDICTIONS, frame, quarters, run  # noqa: F401
from tracker.present import figures as F
from tracker.catalogue import parse_catalogue
from tracker.assess.value_kinds import kind_of, lookup, not_official, of_series

CAP = F.Caption(updated="Quý IV/2026", source="Chương trình 77-CTr/TU", lang="vi")


@pytest.fixture(scope="module")
def cat():
    return parse_catalogue({"jurisdictions": JURISDICTIONS, "documents": DOCUMENTS, "indicators": INDICATORS})


def with_kinds(rows, kinds: dict) -> pd.DataFrame:
    """A current-values frame whose rows carry value_status: ``kinds`` period → status, official otherwise."""
    out = frame(rows)
    out["value_status"] = [kinds.get(p, "official") for p in out["period"]]
    return out


# --- which figures are not official -----------------------------------------------------------------

def test_a_year_is_as_firm_as_its_least_firm_quarter_unless_its_own_figure_is_stored():
    obs = with_kinds([("papers", p, v) for p, v in quarters(2026, [5, 5, 5, 6])] + [("patents", "2026-Q4", 1),
                     ("patents", "2026", 4)], {"2026-Q4": "estimate"})
    kinds = not_official(obs)
    assert lookup(kinds, "bac-giang.papers", "", "2026-Q4") == "estimate"
    assert lookup(kinds, "bac-giang.papers", "", "2026") == "estimate"        # summed from an estimated quarter
    assert lookup(kinds, "bac-giang.papers", "", "2026-Q3") is None            # official
    assert lookup(kinds, "bac-giang.patents", "", "2026") is None              # the year's own (official) figure
    assert not_official(with_kinds([("papers", "2026-Q1", 1)], {})) == {}      # all official: nothing kept
    assert not_official(frame([("papers", "2026-Q1", 1)])) == {}               # a reader without the column
    # the CLI's reading agrees with the charts'
    assert kind_of(obs, "bac-giang.papers", "bac-giang", "", "2026") == "estimate"
    assert kind_of(obs, "bac-giang.patents", "bac-giang", "", "2026") == "official"
    assert kind_of(obs, "bac-giang.patents", "bac-giang", "", "2031") is None


def test_the_snapshot_carries_the_kinds_and_keeps_them_apart_per_unit(tmp_path):
    from tracker.assess.snapshot import Snapshot

    snap = Snapshot(results={}, latest_period=None, demo=False, reported={}, today=pd.Timestamp("2026-12-16").date(),
                    kinds=not_official(with_kinds([("graduates", "2026-Q4", 9)], {"2026-Q4": "preliminary"})))
    assert snap.kind("bac-giang.graduates", "", "2026-Q4") == "preliminary"
    assert snap.kind("bac-giang.graduates", "", "2026-Q3") is None
    assert Snapshot(results={}, latest_period=None, demo=False, reported={}, today=snap.today).kind(
        "bac-giang.graduates", "", "2026-Q4") is None


# --- charts ---------------------------------------------------------------------------------------------

def test_estimate_points_are_hollow_diamonds_preliminary_crossed_official_solid(cat):
    points = [("2024", 22), ("2025", 24), ("2026", 26)]
    a = run(cat, "enterprises", points)
    kinds = of_series(not_official(with_kinds([("enterprises", p, v) for p, v in points],
                                              {"2025": "preliminary", "2026": "estimate"})), a)
    assert kinds == {"2025": "preliminary", "2026": "estimate"}
    spec = F.progress_spec(a.indicator, a, unit_name="Bắc Giang", caption=CAP, kinds=kinds)
    actual = spec["data"][0]
    assert actual["marker"]["symbol"] == ["circle", "diamond-cross", "diamond"]
    assert actual["marker"]["color"][0] == F.ACTUAL and actual["marker"]["color"][2] == "white"
    assert actual["marker"]["line"]["color"] == F.ACTUAL     # the outline that makes a white diamond visible
    assert actual["meta"]["value_status"] == ["official", "preliminary", "estimate"]
    assert actual["text"][-1] == "26 doanh nghiệp (ước tính)"         # the latest value's label says so
    assert "(sơ bộ)" in actual["hovertext"][1] and "(ước tính)" not in actual["hovertext"][0]
    subtitle = spec["layout"]["meta"]["subtitle"]
    assert "◇ ước tính · ◈ sơ bộ: chưa phải số chính thức; đánh giá theo số ước tính" in subtitle
    # the legend line stays a line of its own on a page
    assert "<br>◇ ước tính" in subtitle
    en = F.progress_spec(a.indicator, a, unit_name="Bac Giang", caption=F.Caption("Q4/2026", "x", lang="en"), kinds=kinds)
    assert "◇ estimate · ◈ preliminary: not yet official; judged on an estimate" in en["layout"]["meta"]["subtitle"]
    # without kinds: solid circles and no legend line, as before
    plain = F.progress_spec(a.indicator, a, unit_name="Bắc Giang", caption=CAP)
    assert set(plain["data"][0]["marker"]["symbol"]) == {"circle"} and "ước tính" not in plain["layout"]["meta"]["subtitle"]


def test_an_estimated_flow_year_is_a_hollow_bar_with_its_word(cat):
    points = [("2024", 40), ("2025", 50)] + quarters(2026, [15, 15, 15, 16])
    a = run(cat, "papers", points)
    obs = with_kinds([("papers", p, v) for p, v in points], {"2026-Q4": "estimate"})
    spec = F.progress_spec(a.indicator, a, unit_name="Bắc Giang", caption=CAP, kinds=of_series(not_official(obs), a))
    bars = {tr.get("meta", {}).get("value_status", "official"): tr for tr in spec["data"] if tr["type"] == "bar"}
    assert bars["official"]["x"] == [2024, 2025] and bars["estimate"]["x"] == [2026]
    assert bars["estimate"]["marker"]["color"] == "white" and "pattern" not in bars["estimate"]["marker"]
    assert bars["estimate"]["text"] == ["61 (ước tính)"] and bars["estimate"]["name"] == "Ước tính"
    assert "cột rỗng" in spec["layout"]["meta"]["subtitle"]


def test_the_static_site_draws_estimates_hollow(cat):
    from tracker.present.svg_chart import render_svg

    points = [("2024", 22), ("2025", 24), ("2026", 26)]
    a = run(cat, "enterprises", points)
    svg_plain = render_svg(F.progress_spec(a.indicator, a, unit_name="Bắc Giang", caption=CAP), "vi")
    svg = render_svg(F.progress_spec(a.indicator, a, unit_name="Bắc Giang", caption=CAP,
                                     kinds={"2026": "estimate", "2025": "preliminary"}), "vi")
    assert 'data-kind="estimate"' in svg and 'data-kind="preliminary"' in svg and "data-kind" not in svg_plain
    hollow = re.search(r'<polygon [^>]*data-kind="estimate"/>', svg).group(0)
    assert 'fill="#fff"' in hollow and 'stroke="#1f4e79"' in hollow
    bars = run(cat, "papers", [("2024", 40), ("2025", 50)])
    svg_bars = render_svg(F.progress_spec(bars.indicator, bars, unit_name="Bắc Giang", caption=CAP,
                                          kinds={"2025": "preliminary"}), "vi")
    assert "<pattern" in svg_bars and 'data-kind="preliminary"' in svg_bars


def test_the_compare_chart_marks_estimates_too():
    series = [{"unit_name": "Khánh Hòa", "points": [(2025, 10, False, None), (2026, 12, False, "estimate")],
               "target_value": 20, "target_year": 2030, "status": "on_track"},
              {"unit_name": "Bắc Giang", "points": [(2025, 9, False), (2026, 11, True)],
               "target_value": 20, "target_year": 2030, "status": "on_track"}]
    fig = F.compare_figure(series, indicator_name="Doanh nghiệp KH&CN", unit="enterprise", caption=CAP)
    assert list(fig.data[0].marker.symbol) == ["circle", "diamond"] and "(ước tính)" in fig.data[0].hovertext[1]
    assert set(fig.data[2].marker.symbol) == {"circle"}     # no kinds (old callers): as before
    assert "◇ ước tính: chưa phải số chính thức" in fig.layout.meta["subtitle"]
