"""Several departments feeding one unit (issue 21): lead agencies in the catalogue, traced to the document's
words; an agency's form and its checks; the unit's figures as the union of its agencies' forms; completeness
per agency; `template --agency`, `agencies` and `calendar --json` through the real CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from tests.support.agency_programme import (DOCUMENT_FILE, PAPERS, PHD, ST, TASK, UNIT, catalogue_with_programme,
                                            install_programme, programme)
from tests.support.forms import READ_ON, fill, read
from tests.support.installation import cli, installation
from tracker.catalogue.agencies import agency_listing, agency_problems, agency_targets
from tracker.core.calendar import Calendar
from tracker.catalogue import CatalogueError, load_catalogue
from tracker.reporting.completeness import completeness
from tracker.core.periods import parse_period
from tracker.forms.workbook import SHEET_DATA, SHEET_INSTRUCTIONS, build_form, data_rows, form_filename

PERIOD = "2026-Q3"


@pytest.fixture(scope="module")
def cat():
    return catalogue_with_programme()


def _meta(content: bytes) -> dict:
    wb = load_workbook(io.BytesIO(content))
    return {r[0]: r[1] for r in wb["_meta"].iter_rows(values_only=True)}


# --- catalogue ------------------------------------------------------------------------------------------

def test_an_agency_id_names_the_agency_from_the_table(cat):
    assert [a.id for a in cat.agencies_for(UNIT)] == ["so-khcn", "so-noi-vu"]
    assert cat.indicator(ST).agency.vi == "Sở Khoa học và Công nghệ"
    assert cat.indicator(PAPERS).agency is None and cat.indicator(PAPERS).agency_id is None
    assert [i.id for i in agency_targets(cat, UNIT, "so-khcn")] == [ST, TASK]
    # Bắc Giang's inherited targets name none, and a unit of the bundled catalogue has no agency at all.
    assert cat.agencies_for("khanh-hoa") == [] and load_catalogue().agencies_for(UNIT) == []


@pytest.mark.parametrize("change, problem", [
    (lambda p: p["indicators"][0].update(agency_id="so-tai-chinh"), "agency_id: 'so-tai-chinh' is not in the agencies table"),
    (lambda p: p["indicators"][0].pop("agency_quote"), "give agency_quote"),
    (lambda p: p["indicators"][0].update(agency={"vi": "Sở KH&CN", "en": "DOST"}), "differs from agencies table"),
    (lambda p: p["agencies"].append(dict(p["agencies"][0])), "duplicate id for bac-ninh"),
    (lambda p: p["agencies"][1].update(jurisdiction="ha-noi"), "unknown jurisdiction 'ha-noi'"),
])
def test_a_wrong_agency_is_refused_naming_the_entry(change, problem):
    broken = programme()
    change(broken)
    with pytest.raises(CatalogueError) as err:
        catalogue_with_programme(broken)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_an_agency_named_without_an_id_stays_a_name(cat):
    """Programmes saved before agency ids may name a body on a numeric target: still loaded (never skipped as
    damaged), shown as a name, and no form of its own."""
    older = programme()
    older["indicators"][2]["agency"] = {"vi": "Sở Tài chính", "en": "Department of Finance"}
    loaded = catalogue_with_programme(older)
    assert loaded.indicator(PAPERS).agency.vi == "Sở Tài chính"
    assert [a.id for a in loaded.agencies_for(UNIT)] == ["so-khcn", "so-noi-vu"]


def test_a_saved_programme_file_carries_its_agencies(tmp_path, monkeypatch):
    for k, v in installation(tmp_path).items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    install_programme(tmp_path / "catalogue")
    first = load_catalogue()
    assert first.skipped_programmes == [] and [a.id for a in first.agencies_for(UNIT)] == ["so-khcn", "so-noi-vu"]
    from tracker.catalogue import catalogue_key, parse_once
    from pathlib import Path

    again = parse_once([Path(p) for p, _ in catalogue_key()])     # read back from the pickle kept on disk
    assert list((tmp_path / "cache").glob("catalogue-*.pickle"))
    assert again.agencies == first.agencies and again.indicator(PHD).agency_id == "so-noi-vu"


# --- every agency traced to its document -------------------------------------------------------------------

def test_every_agency_on_a_target_is_named_near_its_quote():
    assert agency_problems(load_catalogue()) == []


def test_the_programmes_agencies_are_named_near_their_quotes(cat, tmp_path):
    from tests.support.agency_programme import DOCUMENT_TEXT

    (tmp_path / DOCUMENT_FILE).write_text(DOCUMENT_TEXT, encoding="utf-8")
    sub = cat.subset([UNIT])        # the programme's entries only: Bắc Ninh sets no bundled target
    assert len([i for i in sub.indicators if i.agency_id]) == 3
    assert agency_problems(sub, tmp_path) == []


def test_the_agency_check_fails_on_an_agency_the_text_does_not_name_there(tmp_path):
    from tests.support.agency_programme import DOCUMENT_TEXT

    (tmp_path / DOCUMENT_FILE).write_text(DOCUMENT_TEXT, encoding="utf-8")
    wrong = programme()
    # Sở Nội vụ is named in the document, but for the doctors, not beside the enterprises' sentence.
    wrong["indicators"][2].update(agency_id="so-noi-vu", agency_quote="Giao Sở Nội vụ chủ trì")
    wrong["indicators"][0].update(agency_quote="Giao Sở Tài chính chủ trì")
    problems = [p for p in agency_problems(catalogue_with_programme(wrong), tmp_path, near=60) if "kh-01" in p]
    assert sorted(p.split(":")[0] for p in problems) == [PAPERS, ST]


# --- an agency's form ---------------------------------------------------------------------------------------

def test_an_agencys_form_holds_only_its_targets_and_names_it(cat):
    form = build_form(cat, UNIT, PERIOD, agency="so-khcn")
    meta = _meta(form)
    assert meta["agency"] == "so-khcn" and meta["unit"] == UNIT
    wb = load_workbook(io.BytesIO(form))
    codes = [r[0] for r in wb[SHEET_DATA].iter_rows(min_row=5, values_only=True) if r[0] and "." in str(r[0])]
    assert codes == [ST]
    shown = [c for row in wb[SHEET_INSTRUCTIONS].iter_rows(values_only=True) for c in row if c]
    assert "Sở Khoa học và Công nghệ" in shown and "so-khcn" in shown
    assert form_filename(UNIT, PERIOD, "so-khcn") == "nq45_bac-ninh_so-khcn_2026-Q3.xlsx"
    whole = _meta(build_form(cat, UNIT, PERIOD))
    assert "agency" not in whole and len(data_rows(cat, UNIT, PERIOD)) > 3
    with pytest.raises(ValueError, match="so-tai-chinh"):
        build_form(cat, UNIT, PERIOD, agency="so-tai-chinh")


def test_an_agencys_form_is_read_back_with_its_agency(cat):
    form = fill(build_form(cat, UNIT, PERIOD, agency="so-noi-vu"), {(PHD, ""): 120})
    parsed = read(form, cat)
    assert parsed.ok, [str(i) for i in parsed.report.issues]
    assert parsed.agency == "so-noi-vu" and [(o.indicator_id, o.value) for o in parsed.observations] == [(PHD, 120)]
    whole = read(fill(build_form(cat, UNIT, PERIOD), {(PAPERS, ""): 12, (PHD, ""): 100}), cat)
    assert whole.ok and whole.agency is None and len(whole.observations) == 2


def _add_row(code: str, value):
    def edit(wb):
        ws = wb[SHEET_DATA]
        row = max(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == ST) + 1
        ws.insert_rows(row)
        ws.cell(row, 1).value = code
        ws.cell(row, 7).value = value
        ws.cell(row, 8).value = "Chính thức"
    return edit


def test_a_value_for_another_agencys_target_is_refused_naming_the_cell(cat):
    form = fill(build_form(cat, UNIT, PERIOD, agency="so-khcn"), {(ST, ""): 45}, edit=_add_row(PHD, 150))
    parsed = read(form, cat)
    issue = next(i for i in parsed.report.issues if i.code == "indicator_not_for_agency")
    assert not parsed.ok and parsed.observations == []
    assert (issue.sheet, issue.column) == (SHEET_DATA, "G") and f"G{issue.row}" in issue.message_vi
    assert "Sở Nội vụ" in issue.message_vi and "Sở Khoa học và Công nghệ" in issue.message_vi
    # A target no agency leads belongs to the whole unit's form, not to an agency's.
    parsed = read(fill(build_form(cat, UNIT, PERIOD, agency="so-khcn"), {}, edit=_add_row(PAPERS, 30)), cat)
    assert [i.code for i in parsed.report.errors] == ["indicator_not_for_agency"]


def test_the_agency_is_not_changed_on_the_visible_sheet_nor_by_the_wrong_uploader(cat):
    def retype(wb):
        ws = wb[SHEET_INSTRUCTIONS]
        for row in ws.iter_rows():
            for c in row:
                if c.value == "so-khcn":
                    c.value = "so-noi-vu"
    tampered = read(fill(build_form(cat, UNIT, PERIOD, agency="so-khcn"), {(ST, ""): 45}, edit=retype), cat)
    assert [i.code for i in tampered.report.errors] == ["agency_mismatch"]
    form = fill(build_form(cat, UNIT, PERIOD, agency="so-khcn"), {(ST, ""): 45})
    assert read(form, cat, expected_agency="so-khcn").ok
    other = read(form, cat, expected_agency="so-noi-vu")
    assert [i.code for i in other.report.errors] == ["wrong_agency"] and "Sở Nội vụ" in other.report.errors[0].message_vi
    whole = read(fill(build_form(cat, UNIT, PERIOD), {(ST, ""): 45}), cat, expected_agency="so-khcn")
    assert [i.code for i in whole.report.errors] == ["wrong_agency"]


# --- the unit's figures: the union of its agencies' forms; completeness per agency ---------------------------

def test_two_agencies_forms_both_count_and_neither_hides_the_other(cat, tmp_path):
    from tracker.storage import Store

    khcn = fill(build_form(cat, UNIT, PERIOD, agency="so-khcn"), {(ST, ""): 45})
    noi_vu = fill(build_form(cat, UNIT, PERIOD, agency="so-noi-vu"), {(PHD, ""): 120})
    window = Calendar().window(parse_period(PERIOD))     # due 18/09/2026
    with Store(str(tmp_path / "t.duckdb")) as store:
        before = completeness(cat, store, window)
        unit = next(u for u in before.units if u.unit == UNIT)
        assert [(a.id, a.state()) for a in unit.agencies if a.id] == [("so-khcn", "missing"), ("so-noi-vu", "missing")]
        store.commit(read(khcn, cat), khcn, user="canbo.khcn", now=dt.datetime(2026, 9, 16, 3))
        store.commit(read(noi_vu, cat), noi_vu, user="canbo.noivu", now=dt.datetime(2026, 9, 25, 3))
        current = store.current_observations(units=[UNIT])
        values = dict(zip(current["indicator_id"], current["value"]))
        assert values == {ST: 45, PHD: 120}
        done = completeness(cat, store, window)
    unit = next(u for u in done.units if u.unit == UNIT)
    assert unit.state() == "on_time" and unit.submitted_on == dt.date(2026, 9, 16)
    states = {a.id: (a.state(), a.submitted_on) for a in unit.agencies if a.id}
    assert states == {"so-khcn": ("on_time", dt.date(2026, 9, 16)), "so-noi-vu": ("late", dt.date(2026, 9, 25))}
    assert unit.agency_line() == ("Sở Khoa học và Công nghệ: đã nộp 16/09/2026 (đúng hạn); "
                                  "Sở Nội vụ: đã nộp 25/09/2026 (muộn)")
    listed = next(u for u in done.to_dict()["units"] if u["unit"] == UNIT)["agencies"]
    assert {"agency": "Sở Nội vụ", "agency_en": "Department of Home Affairs", "id": "so-noi-vu", "submitted": True,
            "state": "late", "submitted_on": "2026-09-25"} in listed


def test_a_returned_submission_does_not_count(cat, tmp_path):
    """Until the approval step stores a state, every submission reads as approved; a returned one never counts."""
    import dataclasses

    from tracker.reporting.completeness import counts
    from tracker.core.observation import Submission

    sub = Submission(1, "f.xlsx", "0" * 64, "u", dt.datetime(2026, 9, 16), UNIT, PERIOD, 1, 0, "accepted")
    assert counts(sub)
    assert not counts(dataclasses.replace(sub, is_demo=True))

    @dataclasses.dataclass(frozen=True)
    class WithApproval:
        is_demo: bool
        approval: str
    assert counts(WithApproval(False, "submitted")) and not counts(WithApproval(False, "returned"))


def test_the_listing_gives_each_agency_its_targets(cat):
    rows = agency_listing(cat, [UNIT], "vi")
    assert [(r["agency"], [t["id"] for t in r["targets"]]) for r in rows] == [("so-khcn", [ST, TASK]), ("so-noi-vu", [PHD])]
    assert agency_listing(cat, ["khanh-hoa"]) == []


# --- through the real CLI -----------------------------------------------------------------------------------

def test_template_agencies_and_calendar_through_the_cli(tmp_path):
    from tracker.forms.demo import fill_form

    env = installation(tmp_path / "install", today="2026-12-16")
    install_programme(tmp_path / "install" / "catalogue")
    listed = cli(env, "agencies", "--unit", UNIT, "--json")
    assert listed.returncode == 0, listed.stderr
    assert [r["agency"] for r in json.loads(listed.stdout)] == ["so-khcn", "so-noi-vu"]
    text = cli(env, "agencies", "--unit", "khanh-hoa").stdout
    assert "không chỉ tiêu nào ghi cơ quan chủ trì" in text

    blank = tmp_path / "khcn.xlsx"
    made = cli(env, "template", "--unit", UNIT, "--period", "2026-Q4", "--agency", "so-khcn", "--out", str(blank))
    assert made.returncode == 0, made.stderr
    assert "Sở Khoa học và Công nghệ" in made.stdout and _meta(blank.read_bytes())["agency"] == "so-khcn"
    refused = cli(env, "template", "--unit", UNIT, "--period", "2026-Q4", "--agency", "so-y-te")
    assert refused.returncode == 2 and "so-khcn, so-noi-vu" in refused.stderr
    filled = tmp_path / "khcn-filled.xlsx"
    filled.write_bytes(fill_form(blank.read_bytes(), {(ST, ""): 50}))
    ingest = cli(env, "ingest", str(filled))
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr

    shown = cli(env, "calendar", "--json")
    assert shown.returncode == 0, shown.stderr
    q4 = next(w for w in json.loads(shown.stdout)["open"] if w["period"] == "2026-Q4")
    unit = next(u for u in q4["completeness"]["units"] if u["unit"] == UNIT)
    agencies = {a["id"]: a for a in unit["agencies"] if a["id"]}
    assert agencies["so-khcn"]["submitted"] and agencies["so-khcn"]["state"] in ("on_time", "late")
    assert agencies["so-noi-vu"] == {"agency": "Sở Nội vụ", "agency_en": "Department of Home Affairs", "id": "so-noi-vu",
                                     "submitted": False, "state": "missing", "submitted_on": None}
    text = cli(env, "calendar").stdout
    assert "Sở Nội vụ: chưa nộp" in text and "Sở Khoa học và Công nghệ: đã nộp" in text


def test_the_upload_page_offers_each_agencys_form(tmp_path, monkeypatch):
    from tests.support.pages import run, texts
    from tracker.accounts.users import User

    for k, v in installation(tmp_path, today="2026-12-16").items():
        monkeypatch.setenv(k, v)
    install_programme(tmp_path / "catalogue")
    at = run("views/upload.py", User("canbo.bn", "uploader", (UNIT, "khanh-hoa"), ""))
    # A unit whose targets name no agency shows no choice: the whole form, as before.
    assert at.selectbox(key="up_unit").value == "khanh-hoa"
    assert not [s for s in at.selectbox if s.key == "up_agency"] and at.get("download_button")
    at.selectbox(key="up_unit").select(UNIT).run()
    choice = at.selectbox(key="up_agency")
    assert choice.options == ["Cả đơn vị (mọi chỉ tiêu)", "Sở Khoa học và Công nghệ", "Sở Nội vụ"]
    choice.select("so-khcn").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Biểu mẫu của Sở Khoa học và Công nghệ: chỉ gồm các chỉ tiêu cơ quan này chủ trì." in texts(at)
    assert at.get("download_button")


def test_an_uploader_tied_to_an_agency_sends_its_form_and_not_the_whole_one(tmp_path):
    """The account's agency (tracker.accounts) and the form's (tracker.ingest) meet in `ingest --as`."""
    from tracker.forms.demo import fill_form

    env = installation(tmp_path / "install", today="2026-12-16")
    install_programme(tmp_path / "install" / "catalogue")
    added = cli(env, "user", "add", "canbo.khcn", "--role", "uploader", "--unit", UNIT, "--agency", "so-khcn",
                "--password-stdin", input="mat-khau-khcn-2026\n")
    assert added.returncode == 0, added.stdout + added.stderr
    forms = {}
    for agency in ("so-khcn", None):
        blank = tmp_path / f"{agency or 'whole'}.xlsx"
        made = cli(env, "template", "--unit", UNIT, "--period", "2026-Q4", "--out", str(blank),
                   *(("--agency", agency) if agency else ()))
        assert made.returncode == 0, made.stderr
        forms[agency] = tmp_path / f"{agency or 'whole'}-filled.xlsx"
        forms[agency].write_bytes(fill_form(blank.read_bytes(), {(ST, ""): 50}))

    whole = cli(env, "ingest", str(forms[None]), "--as", "canbo.khcn", "--password-stdin", input="mat-khau-khcn-2026\n")
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert "Sở Khoa học và Công nghệ" in whole.stdout + whole.stderr or "so-khcn" in whole.stdout + whole.stderr
    own = cli(env, "ingest", str(forms["so-khcn"]), "--as", "canbo.khcn", "--password-stdin", input="mat-khau-khcn-2026\n")
    assert own.returncode == 0, own.stdout + own.stderr
