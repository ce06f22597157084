"""The catalogue loads, and a broken copy fails naming the entry and the key."""

import copy

import pytest
import yaml

from tracker.catalogue import DEFAULT_PATH, CatalogueError, load_catalogue, parse_catalogue


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def broken(raw, change):
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data)
    return "\n".join(info.value.problems)


def test_real_catalogue_loads():
    cat = load_catalogue()
    assert len(cat.indicators) >= 3
    assert set(cat.units_with_targets()) <= set(cat.jurisdictions)
    for ind in cat.indicators:
        assert cat.document_of(ind).jurisdiction == ind.jurisdiction or cat.jurisdictions[ind.jurisdiction]


def test_missing_key_names_entry_and_key(raw):
    def drop_quote(d):
        del d["indicators"][0]["quote"]
    msg = broken(raw, drop_quote)
    first = raw["indicators"][0]["id"]
    assert f"indicators[0] (id: {first}) → quote: missing required key" in msg


def test_unknown_jurisdiction(raw):
    def change(d):
        d["indicators"][1]["jurisdiction"] = "ha-tay"
    msg = broken(raw, change)
    assert "indicators[1]" in msg and "jurisdiction" in msg and "ha-tay" in msg


def test_duplicate_id(raw):
    def change(d):
        d["indicators"].append(copy.deepcopy(d["indicators"][0]))
    msg = broken(raw, change)
    assert f"indicators[{len(raw['indicators'])}]" in msg and "duplicate id" in msg


def test_non_number_target(raw):
    n = next(k for k, i in enumerate(raw["indicators"]) if "value" in i["target"])

    def change(d):
        d["indicators"][n]["target"]["value"] = "chín mươi nghìn"
    msg = broken(raw, change)
    assert f"indicators[{n}]" in msg and "target.value" in msg and "must be a number" in msg


def test_unknown_kind(raw):
    def change(d):
        d["indicators"][0]["kind"] = "vibes"
    msg = broken(raw, change)
    assert "indicators[0]" in msg and "→ kind" in msg


def test_bad_date(raw):
    ms = next(n for n, i in enumerate(raw["indicators"]) if i["kind"] == "milestone")

    def change(d):
        d["indicators"][ms]["target"]["due"] = "2024-13-45"
    msg = broken(raw, change)
    assert f"indicators[{ms}]" in msg and "target.due" in msg


def test_unknown_unit_and_bad_id_prefix(raw):
    def change(d):
        d["indicators"][0]["unit"] = "furlongs"
        d["indicators"][1]["id"] = "khanh-hoa.share"
    msg = broken(raw, change)
    assert "unit 'furlongs'" in msg and "id must start with its jurisdiction" in msg


def test_unknown_document_and_successor(raw):
    def change(d):
        d["indicators"][0]["document"] = "nope"
        d["jurisdictions"][1]["successor"] = "atlantis"
    msg = broken(raw, change)
    assert "document: unknown document 'nope'" in msg
    assert "successor: unknown jurisdiction 'atlantis'" in msg


def test_yaml_syntax_error_names_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("jurisdictions: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(bad)
    assert "line" in info.value.problems[0]


def test_lineage_successor_inherits():
    cat = load_catalogue()
    assert cat.current_unit("bac-giang") == "bac-ninh"
    inherited = {i.id for i in cat.indicators_for("bac-ninh")}
    assert {i.id for i in cat.own_indicators("bac-giang")} <= inherited
    assert cat.current_unit("lac-duong") == "xa-lac-duong"
    assert "bac-ninh" in cat.reporting_units() and "bac-giang" not in cat.reporting_units()


def test_lineage_sentences_write_level_words_in_lower_case():
    from tracker.catalogue import lineage_text
    from tracker.present.labels import unit_label

    cat = load_catalogue()
    vi = " ".join(lineage_text(cat, "lac-duong", "vi"))
    assert "thuộc xã Lạc Dương" in vi and "phường Lang Biang - Đà Lạt, xã Đam Rông 4" in vi
    assert "Kế thừa chỉ tiêu của: huyện Lạc Dương." in lineage_text(cat, "xa-lac-duong", "vi")
    assert unit_label(cat, "lac-duong", "vi") == "Huyện Lạc Dương (nay thuộc xã Lạc Dương)"
    assert "Lac Duong commune" in " ".join(lineage_text(cat, "lac-duong", "en"))


# ---------------------------------------------------------------------------------------------- issue 11:
# concepts, territory, derived / unmeasurable / retired entries, yearly tasks


def _index(raw, ident):
    return next(n for n, i in enumerate(raw["indicators"]) if i["id"] == ident)


def test_unknown_concept_and_a_concept_measured_two_ways(raw):
    bg, kh = _index(raw, "bac-giang.st-enterprises"), _index(raw, "khanh-hoa.patents")

    def change(d):
        d["indicators"][bg]["concept"] = "vibes"
        d["indicators"][kh]["concept"] = "st-enterprises"
    msg = broken(raw, change)
    assert f"indicators[{bg}] (id: bac-giang.st-enterprises) → concept: unknown concept 'vibes'" in msg
    assert f"indicators[{kh}] (id: khanh-hoa.patents) → concept: 'st-enterprises' is measured in enterprise" in msg


def test_retirement_needs_a_live_replacement_and_a_note(raw):
    old, new = _index(raw, "bac-giang.patents"), _index(raw, "bac-giang.award-winning-inventions")
    live = _index(raw, "khanh-hoa.st-enterprises")

    def unknown(d):
        d["indicators"][old]["replaced_by"] = "bac-giang.nowhere"
    msg = broken(raw, unknown)
    assert f"indicators[{old}] (id: bac-giang.patents) → replaced_by: unknown indicator 'bac-giang.nowhere'" in msg

    def change(d):
        d["indicators"][live]["replaced_by"] = "khanh-hoa.tfp-share"      # not retired itself
        d["indicators"][new]["retired"] = True                              # no note
        del d["indicators"][new]["note"]
    msg = broken(raw, change)
    assert f"indicators[{live}] (id: khanh-hoa.st-enterprises): replaced_by: only a retired entry is replaced" in msg
    assert "retired: a retired entry needs a note" in msg


def test_replacement_must_not_be_retired(raw):
    old = _index(raw, "khanh-hoa.st-budget-share")

    def change(d):
        d["indicators"][old]["replaced_by"] = "bac-giang.patents"
    msg = broken(raw, change)
    assert f"indicators[{old}] (id: khanh-hoa.st-budget-share) → replaced_by: bac-giang.patents is retired itself" in msg


def test_derived_needs_a_note_and_only_numbers_or_directions_can_be_unmeasurable(raw):
    der = _index(raw, "can-tho.st-enterprises")
    ms = next(n for n, i in enumerate(raw["indicators"]) if i["kind"] == "milestone")

    def change(d):
        del d["indicators"][der]["note"]
        d["indicators"][ms]["measurable"] = False
    msg = broken(raw, change)
    assert f"indicators[{der}] (id: can-tho.st-enterprises): derived: a derived target needs a note" in msg
    assert f"indicators[{ms}]" in msg and "measurable: only a numeric or directional goal can lack a statistic" in msg


def test_a_merged_unit_document_must_say_its_territory(raw):
    n = next(k for k, d in enumerate(raw["documents"]) if d["id"] == "khanh-hoa-ctr-45")

    def change(d):
        del d["documents"][n]["territory"]
    msg = broken(raw, change)
    assert f"documents[{n}] (id: khanh-hoa-ctr-45) → territory: khanh-hoa's area changed" in msg


def test_yearly_task_needs_start_and_recurring(raw):
    n = _index(raw, "khanh-hoa.council-yearly-resolutions")
    m = _index(raw, "lam-dong.plan-issued")

    def change(d):
        del d["indicators"][n]["target"]["start"]
        d["indicators"][m]["target"]["every"] = "year"
    msg = broken(raw, change)
    assert f"indicators[{n}] (id: khanh-hoa.council-yearly-resolutions) → target" in msg and "every: give start" in msg
    assert f"indicators[{m}] (id: lam-dong.plan-issued) → target" in msg and "only a recurring task" in msg


@pytest.mark.parametrize("ident, unit, vi, en", [
    ("bac-giang.university-graduates", "bac-ninh", "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ",
     "Bac Ninh — area of former Bac Giang province"),
    ("bac-giang.university-graduates", "bac-giang", "Bắc Giang", "Bac Giang"),
    ("khanh-hoa.st-enterprises", "khanh-hoa", "Khánh Hòa — địa bàn tỉnh Khánh Hòa trước 01/7/2025",
     "Khanh Hoa — area of Khanh Hoa province before 1 July 2025"),
    ("lam-dong.st-enterprises", "lam-dong", "Lâm Đồng — địa bàn tỉnh Lâm Đồng trước 01/7/2025",
     "Lam Dong — area of Lam Dong province before 1 July 2025"),
    ("can-tho.st-enterprises", "can-tho", "Cần Thơ — địa bàn thành phố Cần Thơ trước 01/7/2025",
     "Can Tho — area of Can Tho city before 1 July 2025"),
    ("lac-duong.plan-issued", "xa-lac-duong",
     "Xã Lạc Dương — địa bàn huyện Lạc Dương cũ (nay chủ yếu thuộc xã Lạc Dương)",
     "Lac Duong commune — area of former Lac Duong district (now mostly Lac Duong commune)"),
    ("lac-duong.plan-issued", "lac-duong", "Huyện Lạc Dương", "Lac Duong district"),
])
def test_territory_label_says_whose_territory_a_target_covers(ident, unit, vi, en):
    cat = load_catalogue()
    ind = cat.indicator(ident)
    assert cat.territory_label(ind, unit, "vi") == vi
    assert cat.territory_label(ind, unit, "en") == en
    assert cat.covers_old_territory(ind, unit) == ("—" in vi)


def test_pre_merger_targets_keep_their_ids_and_carry_the_old_territory():
    cat = load_catalogue()
    for unit in ("khanh-hoa", "lam-dong", "can-tho", "bac-giang", "lac-duong"):
        assert cat.own_indicators(unit), unit
        for ind in cat.own_indicators(unit):
            assert ind.id.startswith(unit + "."), ind.id
            assert "trước 01/7/2025" in cat.territory_of(ind).name.vi


def test_comparable_only_within_a_concept():
    cat = load_catalogue()
    group = {i.id for i in cat.comparable("bac-giang.st-enterprises")}
    assert group == {"bac-giang.st-enterprises", "khanh-hoa.st-enterprises", "lam-dong.st-enterprises",
                     "lac-duong.st-enterprises", "can-tho.st-enterprises"}
    # "sáng chế, giải pháp hữu ích" is not "phát minh": no concept joins them
    assert cat.comparable("khanh-hoa.patents") == [] and cat.comparable("can-tho.patents") == []
    assert cat.comparable("bac-giang.patents") == []        # retired
    groups = cat.concept_groups()
    assert set(groups) == set(cat.concepts) and all(len(v) >= 2 for v in groups.values())
    assert all(len({i.jurisdiction for i in v}) == len(v) for v in groups.values())


def test_retired_entries_point_at_their_replacement_and_are_not_asked_for():
    cat = load_catalogue()
    retired = [i for i in cat.indicators if i.retired]
    assert {i.id for i in retired} >= {"bac-giang.patents", "khanh-hoa.st-budget-share", "lam-dong.startup-centre",
                                       "can-tho.startup-centre", "khanh-hoa.talent-attraction-resolution"}
    for old in retired:
        new = cat.indicator(old.replaced_by)
        assert not new.retired and new.jurisdiction == old.jurisdiction and new.id in old.note.vi
    asked = {i.id for i in cat.reportable_indicators_for("bac-ninh")}
    assert "bac-giang.patents" not in asked and "bac-giang.intellectuals-national-rank-2045" not in asked
    assert "bac-giang.award-winning-inventions" in asked
    assert {i.id for i in cat.indicators_for("bac-ninh")} - asked == {
        "bac-giang.patents", "bac-giang.intellectuals-national-rank-2045", "bac-giang.intellectuals-regional-rank-2045",
        "bac-giang.influential-scientists-2045", "bac-giang.accredited-institutions-2045"}


def test_derived_targets_say_the_document_gives_no_year():
    cat = load_catalogue()
    derived = {i.id for i in cat.indicators if i.derived}
    assert derived == {"lam-dong.st-enterprises", "lac-duong.st-enterprises", "can-tho.st-enterprises"}
    for ident in derived:
        assert "không nêu năm" in cat.indicator(ident).note.vi


# ---------------------------------------------------------------------------------------------- the territory
# where targets are shown: chart titles, slides, tables (CSV), `status --json`


@pytest.fixture(scope="module")
def empty_snapshot():
    import datetime as dt

    from tracker.assess.assessment import assess_all
    from tracker.assess.snapshot import Snapshot

    cat = load_catalogue()
    today = dt.date(2026, 10, 15)
    return cat, Snapshot(results=assess_all(cat, None, None, today), latest_period=None, demo=False, reported={},
                         today=today)


def test_tables_say_whose_territory_each_target_covers(empty_snapshot):
    from tracker.present.tables import matrix_rows, milestone_rows, milestone_table, status_table

    cat, snap = empty_snapshot
    rows = matrix_rows(cat, snap, "vi", ["bac-ninh"])
    assert rows and {r["territory"] for r in rows} == {"Bắc Ninh — địa bàn tỉnh Bắc Giang cũ"}
    assert {r["Địa bàn của chỉ tiêu"] for r in status_table(rows, "vi")} == {"Bắc Ninh — địa bàn tỉnh Bắc Giang cũ"}
    tasks = milestone_table(milestone_rows(cat, snap, "en", ["xa-lac-duong"]), "en")
    assert {r["Territory covered"] for r in tasks} == {
        "Lac Duong commune — area of former Lac Duong district (now mostly Lac Duong commune)"}
    own = matrix_rows(cat, snap, "vi", ["bac-giang"])
    assert {r["territory"] for r in own} == {"Bắc Giang"}


def test_chart_and_slide_titles_say_the_territory(empty_snapshot):
    from tracker.present.figures import progress_figure
    from tracker.present.labels import caption

    cat, snap = empty_snapshot
    # With no data no chart is drawn (tracker.present.picture.has_chart); the title is the figure's all the same,
    # built as the unit page and the deck build it.
    cap = caption(cat, snap, "vi", ["bac-ninh"])
    titles = [progress_figure(cat.indicator(a.indicator_id), a, unit_name=cat.territory_label(cat.indicator(a.indicator_id),
                                                                                             "bac-ninh", "vi"),
                              caption=cap).layout.meta["title"]
              for a in snap.results["bac-ninh"]["numeric"] if a.status not in ("unmeasured", "replaced")
              and cat.covers_old_territory(cat.indicator(a.indicator_id), "bac-ninh")]
    assert titles and all(t.startswith("Bắc Ninh — địa bàn tỉnh Bắc Giang cũ — ") for t in titles)
    assert any("trên 90.000" in t or "đại học trở lên" in t for t in titles)


def test_status_json_says_the_territory(tmp_path, capsys):
    import json

    from tracker.cli import main

    assert main(["status", "--json", "--unit", "khanh-hoa", "--db", str(tmp_path / "t.duckdb")]) == 0
    out = json.loads(capsys.readouterr().out)
    items = out["units"]["khanh-hoa"]["numeric"] + out["units"]["khanh-hoa"]["milestones"]
    assert items and {i["territory"]["vi"] for i in items} == {"Khánh Hòa — địa bàn tỉnh Khánh Hòa trước 01/7/2025"}


def test_catalogue_rows_say_replaced_unmeasured_derived_and_territory():
    from tracker.catalogue import catalogue_rows

    cat = load_catalogue()
    rows = {r["id"]: r for r in catalogue_rows(cat, "vi")}
    assert rows["bac-giang.patents"]["state"] == "Chỉ tiêu đã thay thế (bằng bac-giang.award-winning-inventions)"
    assert rows["bac-giang.intellectuals-national-rank-2045"]["state"] == "Chưa có thước đo"
    assert rows["can-tho.st-enterprises"]["state"].startswith("Chỉ tiêu suy ra")
    assert rows["bac-giang.university-graduates"]["state"] == ""
    assert rows["bac-giang.university-graduates"]["territory"] == "tỉnh Bắc Giang trước 01/7/2025"
    assert rows["khanh-hoa.st-enterprises"]["concept"] == "Doanh nghiệp khoa học và công nghệ"
    assert catalogue_rows(cat, "en", ["khanh-hoa"])[0]["territory"] == "Khanh Hoa province before 1 July 2025"
