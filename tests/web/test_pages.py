"""Every page through Streamlit's AppTest: real content on the seeded demo, and the empty state."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import ROOT
from tests.support.pages import TIMEOUT, charts, run, signed_in, spec, texts
from tracker.accounts.users import User


def test_overview_shows_demo_statuses_and_matrix(seeded_env):
    at = run("views/overview.py")
    body = texts(at)
    assert "Tổng quan" in body
    assert "Dữ liệu minh họa" in body
    assert "Quý III/2026" in body
    # The ranked list and the matrix are page text; the one chart is the chosen province's progress picture.
    assert [c.key for c in charts(at)] == ["overview_picture"]
    assert "Chỉ tiêu cần chú ý" in body and "nq-matrix" in body and "Khánh Hòa" in body
    labels = [m.label for m in at.metric]
    assert "Đi ngược mục tiêu" in labels and "Chậm / cần tăng tốc" in labels and "Đã đạt / đúng tiến độ" in labels


def test_overview_ranked_list_is_worst_first_with_gap_rate_and_link(seeded_env):
    from tracker.core.statuses import BEHIND

    at = run("views/overview.py")
    entries = [m.value for m in at.markdown if "nq-chip" in m.value and "/dia-phuong?unit=" in m.value
               and "nq-matrix" not in m.value and "nq-stack" not in m.value]
    assert entries, "the ranked list is empty on the demo data"
    ranks = []
    for e in entries:
        found = [k for k, s in enumerate(BEHIND) if _label(s) in e]
        assert found, e
        ranks.append(found[0])
    assert ranks == sorted(ranks), ranks
    assert "#c-" in entries[0]          # the link lands on the chart
    facts = [m.value for m in at.markdown if m.value.startswith("<div class='nq-facts'>")]
    assert len(facts) >= len(entries) and "Còn thiếu" in facts[0] and "Tốc độ/năm" in facts[0]
    # The tiles separate "moving away" from "slow", and agree with the list.
    tiles = {m.label: int(m.value) for m in at.metric}
    assert tiles["Đi ngược mục tiêu"] == sum(r == 0 for r in ranks)


def _label(status):
    from tracker.assess.judge import status_label

    return status_label(status)


def test_overview_as_of_an_earlier_quarter_and_what_changed(seeded_env):
    at = run("views/overview.py")
    picker = at.selectbox(key="as_of")
    options = list(picker.options)
    assert options[0] == "Quý III/2026" and "Quý II/2026" in options
    picker.set_value("2026-Q2").run()
    assert not at.exception
    body = texts(at)
    assert "tính đến Quý II/2026" in body and "Thay đổi so với Quý I/2026" in body


def test_overview_in_english(seeded_env):
    at = run("views/overview.py", lang="en")
    body = texts(at)
    assert "Targets that need attention" in body and "By unit" in body
    assert any(m.label == "Moving away" for m in at.metric)


def test_overview_empty_database_says_what_to_do(empty_env):
    at = run("views/overview.py")
    assert "Chưa có số liệu nào" in texts(at)
    assert not charts(at)


def test_unit_page_shows_a_chart_per_target_with_status(seeded_env):
    from tracker.catalogue import load_catalogue

    at = run("views/unit.py", params={"unit": "khanh-hoa"})
    body = texts(at)
    assert "Khánh Hòa" in body
    cat = load_catalogue()
    numeric = [i for i in cat.indicators_for("khanh-hoa") if i.is_numeric or i.kind == "direction"]
    assert len(charts(at)) >= len(numeric)
    specs = " ".join(spec(c) for c in charts(at))
    assert "Mục tiêu 2030" in specs and "Cập nhật: Quý III/2026" in specs
    from tracker.assess.judge import status_label

    assert any(status_label(s) in specs for s in ("achieved", "on_track", "acceleration", "off_track", "moving_away", "too_little_data"))


def test_successor_page_shows_inherited_targets_and_lineage(seeded_env):
    at = run("views/unit.py", params={"unit": "bac-ninh"})
    body = texts(at)
    assert "Kế thừa chỉ tiêu của: Bắc Giang" in body
    assert "Chỉ tiêu kế thừa từ Bắc Giang" in body
    assert charts(at)


def test_unit_page_in_english(seeded_env):
    at = run("views/unit.py", lang="en", params={"unit": "bac-giang"})
    body = texts(at)
    assert "Since 1 July 2025 part of Bac Ninh" in body or "part of Bac Ninh" in body
    assert "Demo data" in body


def test_compare_page_lines_up_units(seeded_env):
    at = run("views/compare.py")
    assert len(charts(at)) == 1
    text = spec(charts(at)[0])
    assert "Doanh nghiệp khoa học và công nghệ" in text
    # Each unit's target is a star with its own hover, and all are listed once in the subtitle
    # (two labels on one spot used to print over each other).
    assert text.count("mục tiêu ") >= 2 and "Mục tiêu: " in text


def test_compare_page_offers_only_concepts_declared_comparable(seeded_env):
    from tracker.catalogue import load_catalogue

    cat = load_catalogue()
    at = run("views/compare.py")
    offered = list(at.selectbox[0].options)
    names = {c.name.get("vi"): c.id for c in cat.concepts.values()}
    assert offered and all(o in names for o in offered), offered
    # Khánh Hòa's "sáng chế, giải pháp hữu ích" is not set beside another unit's "phát minh".
    assert not any("sáng chế" in o.lower() or "phát minh" in o.lower() for o in offered)
    for o in offered:
        units = {i.jurisdiction for i in cat.concept_groups()[names[o]]}
        assert len(units) > 1


def test_milestones_page_lists_overdue_first(seeded_env):
    at = run("views/milestones.py")
    frame = at.dataframe[0].value
    statuses = list(frame["Tình trạng"])
    assert statuses, "no milestones listed"
    if "Quá hạn" in statuses:
        first_other = next((k for k, s in enumerate(statuses) if s != "Quá hạn"), len(statuses))
        assert all(s == "Quá hạn" for s in statuses[:first_other])
        assert "Quá hạn" not in statuses[first_other:]


def test_method_page_explains_the_measure(seeded_env):
    at = run("views/method.py")
    assert "CAGR" in texts(at) and "0,95" in texts(at)


def test_catalogue_page_lists_every_unit(seeded_env):
    at = run("views/catalogue.py")
    body = texts(at)
    for name in ("Lâm Đồng", "Bắc Giang", "Khánh Hòa", "Huyện Lạc Dương", "Cần Thơ"):
        assert name in body


def test_history_lists_demo_submissions(seeded_env):
    at = run("views/history.py", user=User("lanhdao", "viewer", (), ""))
    frame = at.dataframe[0].value
    assert len(frame) > 10
    assert (frame["Người nộp"] == "demo").all()


def test_upload_page_refuses_viewers(seeded_env):
    at = run("views/history.py", user=User("lanhdao", "viewer", (), ""))
    # a viewer has no upload page in the navigation at all; the page itself refuses too
    at2 = AppTest.from_file(str(ROOT / "views" / "upload.py"), default_timeout=TIMEOUT)
    at2.session_state["auth"] = signed_in(User("lanhdao", "viewer", (), ""))
    at2.run()
    assert not at2.exception
    assert "chỉ dành cho cán bộ nhập số liệu" in texts(at2)
    assert not at2.get("file_uploader")


def test_upload_page_offers_the_form_to_an_uploader(seeded_env):
    at = run("views/upload.py", user=User("canbo", "uploader", ("khanh-hoa",), ""))
    assert [s.value for s in at.selectbox][0] == "khanh-hoa"
    assert at.selectbox[0].options == ["Khánh Hòa"]
    assert "Quý III/2026" in at.selectbox[1].options
    assert at.get("file_uploader")
    # nd09 (the default): Quý III/2026 was due 18/09 and takes late uploads for 30 days after that
    assert "mở để nộp đến hết ngày 18/10/2026" in texts(at)


def test_status_json_agrees_with_the_overview(seeded_env, capsys):
    import json

    from tracker.catalogue import load_catalogue
    from tracker.cli import main
    from tracker.present.labels import target_label, unit_label

    assert main(["status", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["demo"] is True
    cat = load_catalogue()
    # The overview lists each target once, under the unit that set it; the CLI also repeats inherited
    # targets under the successor (Bắc Ninh), with the same assessment.
    own = cat.units_with_targets()
    from_cli = {(unit_label(cat, u, "vi"), target_label(cat, a["indicator_id"], a["sector"], "vi")):
                (a["status_label"]["vi"], a["explain"]["vi"])
                for u, res in out["units"].items() if u in own for a in res["numeric"]}
    by_target = {(a["indicator_id"], a["sector"]): a["status"] for u in own for a in out["units"][u]["numeric"]}
    inherited = [(a["indicator_id"], a["sector"], a["status"]) for u, res in out["units"].items() if u not in own
                 for a in res["numeric"]]
    assert inherited and all(by_target[(i, s)] == status for i, s, status in inherited)

    at = run("views/overview.py")
    at.toggle(key="overview_table").set_value(True)
    at.run()
    frame = at.dataframe[0].value
    on_page = {(r["Địa phương"], r["Chỉ tiêu"]): (r["Tình trạng"], r["Căn cứ"]) for _, r in frame.iterrows()}
    assert on_page == from_cli
    # Direction-only goals are not numeric targets: the tile leaves them out.
    good = sum(a["status"] in ("achieved", "on_track") for u in own for a in out["units"][u]["numeric"]
               if cat.indicator(a["indicator_id"]).kind != "direction")
    assert {m.label: m.value for m in at.metric}["Đã đạt / đúng tiến độ"] == str(good)


def test_unit_page_says_an_unknown_unit_is_unknown(seeded_env):
    at = run("views/unit.py", params={"unit": "khong-co"})
    body = texts(at)
    assert "Không có địa phương mã “khong-co”" in body
    assert not charts(at) and not [t for t in at.title if t.value.startswith("Địa phương:")]


def test_ranked_list_says_whose_territory_a_target_covers(seeded_env):
    """Khánh Hòa's targets were set before Ninh Thuận joined: its overview entries say so, as the unit page does."""
    at = run("views/overview.py")
    entries = [m.value for m in at.markdown if "nq-chip" in m.value]      # the ranked list's entries
    khanh_hoa = [e for e in entries if "**Khánh Hòa" in e]
    assert khanh_hoa, "the demo has Khánh Hòa targets behind"
    assert all("địa bàn tỉnh Khánh Hòa trước 01/7/2025" in e for e in khanh_hoa)
