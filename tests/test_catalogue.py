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
    from tracker.summaries import unit_label

    cat = load_catalogue()
    vi = " ".join(lineage_text(cat, "lac-duong", "vi"))
    assert "thuộc xã Lạc Dương" in vi and "phường Lang Biang - Đà Lạt, xã Đam Rông 4" in vi
    assert "Kế thừa chỉ tiêu của: huyện Lạc Dương." in lineage_text(cat, "xa-lac-duong", "vi")
    assert unit_label(cat, "lac-duong", "vi") == "Huyện Lạc Dương (nay thuộc xã Lạc Dương)"
    assert "Lac Duong commune" in " ".join(lineage_text(cat, "lac-duong", "en"))
