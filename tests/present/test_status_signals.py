"""One meaning per signal (issue 23, item 1): tiles, cards, matrix, chips, attention list, deck, and
``status --json`` all read the one status of tracker.assess, with tracker.core.statuses' looks."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from tracker.assess.snapshot import Snapshot
from tracker.present.overview import attention_count, attention_rows, headline, matrix_table, numeric_counts, status_changes, unit_cards
from tracker.catalogue import parse_catalogue
from tracker.core import statuses
from tracker.assess.assessment import assess_all

TODAY = dt.date(2028, 2, 1)
UNITS = ("khanh-hoa", "lam-dong")


def _ind(unit, slug, kind, measure, target, **extra):
    return dict(id=f"{unit}.{slug}", jurisdiction=unit, document=f"{unit}-doc", section="II",
                quote="Câu trích dẫn đủ dài cho kiểm tra.", name={"vi": f"Chỉ tiêu {slug}", "en": f"Target {slug}"},
                kind=kind, unit=measure, target=target, **extra)


def _catalogue():
    jurs = [{"id": "khanh-hoa", "name": {"vi": "Khánh Hòa", "en": "Khanh Hoa"}, "level": "province"},
            {"id": "lam-dong", "name": {"vi": "Lâm Đồng", "en": "Lam Dong"}, "level": "province"}]
    docs = [{"id": f"{u}-doc", "jurisdiction": u, "issuer": "Tỉnh ủy", "kind": "Kế hoạch", "title": "Kế hoạch",
             "file": "plan.txt"} for u in UNITS]
    inds = []
    for u in UNITS:
        inds += [
            _ind(u, "firms", "stock", "enterprise", {"comparator": ">", "value": 30, "year": 2030},
                 baseline={"value": 20, "year": 2023, "source": "Niên giám"}),
            _ind(u, "share", "ratio", "percent", {"comparator": ">=", "value": 40, "year": 2030}),
            _ind(u, "awards", "direction", "work", {"direction": "increase", "year": 2030}, rollup="flow"),
        ]
    return parse_catalogue({"jurisdictions": jurs, "documents": docs, "indicators": inds})


def _snapshot(cat):
    rows = []
    # khanh-hoa: firms on pace since 2023 but falling the last four years (projected 26 < 30): needs acceleration;
    #            a share 18,4 → 20 % against 40 % by 2030; awards down: the wrong way.
    # lam-dong: firms rising to reach it (on track); a share at 40 % (achieved); awards up: the right way.
    for y, kh, ld in ((2024, 29, 24), (2025, 28.5, 26), (2026, 28, 28), (2027, 27.5, 29)):
        rows += [("khanh-hoa.firms", f"{y}-Q4", kh), ("lam-dong.firms", f"{y}-Q4", ld)]
    rows += [("khanh-hoa.share", "2025", 18.4), ("khanh-hoa.share", "2027", 20.0),
             ("lam-dong.share", "2025", 35.0), ("lam-dong.share", "2027", 40.0),
             ("khanh-hoa.awards", "2026", 7), ("khanh-hoa.awards", "2027", 5),
             ("lam-dong.awards", "2026", 5), ("lam-dong.awards", "2027", 7)]
    obs = pd.DataFrame([{"indicator_id": i, "unit": i.split(".")[0], "period": p, "sector": "", "value": float(v)}
                        for i, p, v in rows])
    reported = {u: set(obs[obs["unit"] == u]["period"]) for u in UNITS}
    return Snapshot(results=assess_all(cat, obs, None, TODAY), latest_period="2027-Q4", demo=False,
                      reported=reported, today=TODAY)


@pytest.fixture(scope="module")
def cat():
    return _catalogue()


@pytest.fixture(scope="module")
def snap(cat):
    return _snapshot(cat)


def _status(snap, unit, slug):
    return next(a for a in snap.results[unit]["numeric"] if a.indicator_id == f"{unit}.{slug}")


def test_the_statuses_of_the_fixture(snap):
    assert _status(snap, "khanh-hoa", "firms").status == "acceleration"     # on pace, projected short
    assert _status(snap, "lam-dong", "firms").status == "on_track"
    assert _status(snap, "lam-dong", "share").status == "achieved"
    assert _status(snap, "khanh-hoa", "awards").status == "wrong_way"
    assert _status(snap, "lam-dong", "awards").status == "right_way"


def test_no_on_track_chip_beside_a_projection_short_of_the_target(cat, snap):
    for unit in UNITS:
        for a in snap.results[unit]["numeric"]:
            text = a.explain("vi")
            if "chưa đạt mục tiêu" in text and "dự báo" in text:
                assert a.status != "on_track", text
    rows = attention_rows(cat, snap, "vi", list(UNITS))
    short = next(r for r in rows if r["indicator_id"] == "khanh-hoa.firms")
    assert short["status_label"] == "Cần tăng tốc" and "xu hướng các năm gần đây chưa đủ" in short["reason"]


def test_direction_goals_get_their_own_outlined_chips_and_counts(cat, snap):
    from tracker.web.widgets import status_chip

    wrong, right = status_chip("wrong_way", "vi"), status_chip("right_way", "vi")
    assert "↘ Ngược hướng" in wrong and "↗ Đúng hướng" in right
    assert "nq-chip-outline" in wrong and "background:#fff" in wrong
    red = statuses.colour("moving_away")
    assert red not in wrong and "Đi ngược mục tiêu" not in wrong
    counts = numeric_counts(snap, list(UNITS))
    assert counts["direction"] == 2 and counts["direction_right"] == 1 and counts["direction_wrong"] == 1
    # the red tile counts numeric targets only: nothing here is moving away
    assert counts["moving_away"] == 0 and counts["targets"] == 4
    matrix = matrix_table(cat, snap, "vi", list(UNITS))
    chips = [c for _, cells in matrix["rows"] for c in cells.values()]
    assert sum(c["status"] == "moving_away" for c in chips) == counts["moving_away"]
    direction = [c for c in chips if c["status"] in statuses.DIRECTION]
    assert {c["label"] for c in direction} == {"Đúng hướng", "Ngược hướng"}
    assert not attention_count(snap, list(UNITS)) - 2      # the two numeric targets behind, no direction goal


def test_green_chips_are_counted_on_tiles_and_cards(cat, snap):
    counts = numeric_counts(snap, list(UNITS))
    matrix = matrix_table(cat, snap, "vi", list(UNITS))
    green = [c for _, cells in matrix["rows"] for c in cells.values() if c["status"] in statuses.GOOD]
    assert counts["good"] == len(green) == 2
    cards = {c["unit"]: c for c in unit_cards(cat, snap, "vi", list(UNITS))}
    assert cards["lam-dong"]["good"] == 2 and cards["khanh-hoa"]["good"] == 0
    assert sum(c["good"] for c in cards.values()) == counts["good"]
    head = headline(snap, "lam-dong")
    assert head["good"] == 2 and head["direction_right"] == 1


def test_share_pace_in_points_on_the_attention_list(cat, snap):
    rows = {r["indicator_id"]: r for r in attention_rows(cat, snap, "vi", list(UNITS))}
    share = rows["khanh-hoa.share"]
    # 20 % in 2027, 40 % by 2030: 20 points in 3 years = 6,7 points a year; did 0,8 a year since 2025
    assert share["gap_text"] == "20 điểm %"
    assert share["rate_text"] == "cần +6,7 điểm %/năm · thực tế +0,8 điểm %/năm"


def test_leaders_screens_carry_no_method_ratio(cat, snap):
    for r in attention_rows(cat, snap, "vi", list(UNITS)):
        assert "tỷ lệ" not in r["reason"] and "gốc năm" not in r["reason"]
    for unit in UNITS:
        for a in snap.results[unit]["numeric"]:
            assert "tỷ lệ " not in a.explain("vi") and "gốc năm" not in a.explain("vi")


def test_status_json_and_deck_read_the_same_status(cat, snap):
    from tracker.present.briefing.deck import build_deck, slide_texts

    a = _status(snap, "khanh-hoa", "firms")
    d = json.loads(json.dumps(a.to_dict()))
    assert d["status"] == "acceleration" and d["status_label"]["vi"] == "Cần tăng tốc"
    assert "projection_short" in d["notes"]
    deck = build_deck(cat, snap, "khanh-hoa", made_on=TODAY)
    summary = next(s for s in slide_texts(deck) if "Tổng hợp các chỉ tiêu" in s)
    assert "Cần tăng tốc" in summary and "Ngược hướng" in summary and "Đúng tiến độ" not in summary
    assert "Đi ngược mục tiêu" not in summary


def test_changes_compare_direction_goals_on_their_own_scale(cat, snap):
    import dataclasses

    before = dataclasses.replace(snap, results={u: {"numeric": [dataclasses.replace(a, status="right_way")
                                                                if a.status == "wrong_way" else a
                                                                for a in r["numeric"]], "milestones": []}
                                                for u, r in snap.results.items()})
    changed = status_changes(before, snap, list(UNITS))
    assert [(u, b.status, a.status) for u, b, a in changed["worsened"]] == [("khanh-hoa", "right_way", "wrong_way")]
