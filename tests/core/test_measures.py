"""Units of measure and statuses: one row each (tracker.core), every unit the catalogue uses covered."""

import ast
from pathlib import Path

import pytest

from tracker import catalogue as C
from tracker.core import statuses
from tracker.core.measures import MEASURES, is_percent, is_whole, measure
from tracker.core.statuses import Status
from tracker.core.i18n import fmt_value

ROOT = Path(__file__).resolve().parents[2]


def _units_used() -> dict[str, str]:
    """unit → where it is used: indicators.yaml, and whatever the five programmes propose."""
    from tracker.catalogue.propose import propose_text
    from tracker.catalogue.propose.targets import _UNIT_WORDS

    used = {i.unit: f"indicators.yaml {i.id}" for i in C.read_catalogue(ROOT / "indicators.yaml").indicators}
    for word, unit in _UNIT_WORDS:
        if unit:
            used.setdefault(unit, f"propose word “{word}”")
    for path in sorted(C.seeds_dir().glob("0*.txt")):
        for p in propose_text(path.read_text(encoding="utf-8")).proposals:
            if p.unit:
                used.setdefault(p.unit, f"programme {path.name}")
    return used


def test_every_unit_the_catalogue_uses_has_bounds_a_label_and_a_rounding_rule():
    used = _units_used()
    assert {"person", "invention", "percent", "rank"} <= set(used)
    for unit, where in used.items():
        assert unit in MEASURES, f"{unit} ({where}) has no row in tracker/core/measures.py"
        m = MEASURES[unit]
        assert m.vi and m.en and m.en_one, unit
        assert m.low < m.high, unit
        # the rounding rule: whole counts round to integers, other values to two decimals
        assert m.rounded(7.83) == (8.0 if m.whole else 7.83), unit
    # A programme may only choose a unit that has a row (programmes.py validates against catalogue.UNITS).
    assert set(C.UNITS) == set(MEASURES)


@pytest.mark.parametrize("unit", ["person", "enterprise", "paper", "invention", "patent", "work", "task", "rank"])
def test_counts_of_people_and_things_are_whole(unit):
    assert is_whole(unit) and not is_percent(unit)


def test_shares_and_rates_are_percent_and_not_whole():
    for unit in ("percent", "percent_per_year"):
        assert is_percent(unit) and not is_whole(unit)
    assert measure("no-such-unit").high > 0 and not measure(None).whole


@pytest.mark.parametrize("unit,one,two", [("invention", "1 invention", "2 inventions"), ("person", "1 person", "2 people"),
                                         ("patent", "1 patent", "2 patents"), ("work", "1 work", "2 works"),
                                         ("task", "1 task", "2 tasks"), ("enterprise", "1 enterprise", "2 enterprises"),
                                         ("paper", "1 paper", "2 papers")])
def test_english_singular_and_plural(unit, one, two):
    assert fmt_value(1, unit, "en") == one
    assert fmt_value(2, unit, "en") == two
    assert fmt_value(1, unit, "vi") == f"1 {MEASURES[unit].vi}"


def test_the_catalogue_labels_come_from_the_rows():
    ind = next(i for i in C.read_catalogue(ROOT / "indicators.yaml").indicators if i.unit == "invention")
    assert ind.unit_label("vi") == "phát minh" and ind.unit_label("en") == "inventions"


def test_every_status_has_a_look_and_one_group():
    groups = [statuses.NUMERIC, statuses.DIRECTION, statuses.MILESTONE, statuses.UNASSESSED]
    for s in Status:
        look = statuses.look(s)
        assert look.vi and look.en and look.colour.startswith("#")
        assert sum(s in g for g in groups) == 1, s
    assert len({statuses.label(s, "en") for s in Status}) == len(Status)
    # only direction-only goals are drawn outlined, so their chip never looks like a numeric target's
    assert {s for s in Status if statuses.look(s).outlined} == set(statuses.DIRECTION)
    assert statuses.look("right_way").icon == "↗" and statuses.look("wrong_way").icon == "↘"
    # the attention order lists every numeric and direction status once
    assert set(statuses.NUMERIC_ORDER) == set(statuses.ASSESSED + statuses.UNASSESSED)
    assert Status.ON_TRACK == "on_track" and {"on_track": 1}[Status.ON_TRACK] == 1


def test_core_imports_nothing_else_of_tracker():
    for path in (ROOT / "tracker" / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not any(n == "tracker" or (n.startswith("tracker.") and not n.startswith("tracker.core"))
                           for n in names), (path.name, names)


def test_the_demo_makes_whole_numbers_for_every_count():
    from tracker.forms.demo import values_for
    from tracker.core.periods import parse_period

    cat = C.read_catalogue(ROOT / "indicators.yaml")
    seen = set()
    for unit in cat.reporting_units():
        for code in ("2025", "2026-Q2", "2026-Q3"):
            for (ind_id, _), value in values_for(cat, unit, parse_period(code)).items():
                ind = cat.indicator(ind_id)
                if is_whole(ind.unit) and ind.kind != "growth":
                    seen.add(ind.unit)
                    assert float(value).is_integer(), (ind_id, code, value)
    assert "invention" in seen and "person" in seen
