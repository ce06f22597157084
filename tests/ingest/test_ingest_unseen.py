"""Values a person reading the sheet does not see are never stored silently (issue 19 items 1–4).

Every hostile file is built here: with openpyxl as Excel would save it, by editing the zip's XML where a
writer does what openpyxl does not (cells without references), or as an OpenDocument content.xml.
Refusing was chosen over a warning the clerk confirms: a confirmed warning still stores a figure nobody
checking the printed sheet saw, and the fix (unhide, look, send again) is one step.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.support.forms import data_sheet_member as _data_member
from tests.support.forms import header as _cols
from tests.support.forms import rewrite_member as _rewrite
from tests.support.forms import row_of as _row_of
from tracker.catalogue import load_catalogue
from tracker.ingest import read_form
from tracker.forms.workbook import SHEET_DATA, build_form

TODAY = dt.date(2026, 11, 25)
UNIT, PERIOD = "bac-ninh", "2026-Q3"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def form(cat):
    """A blank form, a stock target (85.000 is plausible) and a direction target (7 is) on it."""
    def pick(kind):
        return next(i for i in cat.reportable_indicators_for(UNIT)
                    if i.reporting_frequency == "quarter" and not i.is_milestone and not i.sectors and i.kind == kind)
    return {"blank": build_form(cat, UNIT, PERIOD), "a": pick("stock"), "b": pick("direction")}


def _fill(blank: bytes, values: dict[str, object], edit=None) -> bytes:
    wb = load_workbook(io.BytesIO(blank))
    ws = wb[SHEET_DATA]
    _, cols = _cols(ws)
    for code, value in values.items():
        ws.cell(_row_of(ws, code), cols["Giá trị"]).value = value
    if edit:
        edit(ws, cols)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(content: bytes, cat, name="form.xlsx"):
    return read_form(content, name, cat, today=TODAY)


def _refusals(parsed) -> list[tuple[str, int, str]]:
    return [(i.code, i.row, i.column) for i in parsed.report.errors]


# --- item 1: hidden rows, AutoFilter, collapsed groups, hidden value column -------------------------------

def _hide_row(code):
    def edit(ws, cols):
        ws.row_dimensions[_row_of(ws, code)].hidden = True
    return edit


def _filter_row(code):
    def edit(ws, cols):       # what Excel saves after filtering the row out: an autoFilter and a hidden row
        header, _ = _cols(ws)
        ws.auto_filter.ref = f"A{header}:J{ws.max_row}"
        ws.auto_filter.add_filter_column(0, ["nothing-matches"])
        ws.row_dimensions[_row_of(ws, code)].hidden = True
    return edit


def _collapse_row(code):
    def edit(ws, cols):       # a collapsed outline group: level 1, hidden, its summary row marked collapsed
        r = _row_of(ws, code)
        ws.row_dimensions.group(r, r, outline_level=1, hidden=True)
    return edit


@pytest.mark.parametrize("hide", [_hide_row, _filter_row, _collapse_row], ids=["hidden", "autofilter", "collapsed"])
def test_a_value_in_a_row_nobody_sees_is_refused_naming_the_cell(cat, form, hide):
    a, b = form["a"].id, form["b"].id
    content = _fill(form["blank"], {a: 85000, b: 7}, edit=hide(b))
    parsed = _read(content, cat)
    assert not parsed.ok and parsed.observations == []
    wb = load_workbook(io.BytesIO(content))
    row = _row_of(wb[SHEET_DATA], b)
    assert _refusals(parsed) == [("unseen_value", row, "G")]
    issue = parsed.report.errors[0]
    assert f"G{row}" in issue.message_vi and "ẩn" in issue.message_vi and b in issue.message_vi


def test_a_hidden_row_without_a_value_is_no_matter(cat, form):
    a, b = form["a"].id, form["b"].id
    parsed = _read(_fill(form["blank"], {a: 85000}, edit=_hide_row(b)), cat)
    assert parsed.ok, parsed.report.render()
    assert [o.value for o in parsed.observations] == [85000]


def test_a_hidden_value_column_is_refused(cat, form):
    a = form["a"].id

    def edit(ws, cols):
        ws.column_dimensions["G"].hidden = True

    parsed = _read(_fill(form["blank"], {a: 85000}, edit=edit), cat)
    assert [code for code, _, col in _refusals(parsed)] == ["unseen_value"]
    assert "cột G" in parsed.report.errors[0].message_vi


# --- item 2: number formats that show nothing --------------------------------------------------------------

@pytest.mark.parametrize("code, value, refused", [
    (";;;", 85000, True),
    ("0;-0;;@", 0, True),         # zero shows nothing
    ("0;-0;;@", 85000, False),    # the same format shows a positive
    ("#,##0;;", 5, False),        # negatives hidden, a positive shown
    ("0;[Red]-0", 85000, False),
])
def test_a_format_that_shows_nothing_is_refused(cat, form, code, value, refused):
    a = form["a"].id

    def edit(ws, cols):
        ws.cell(_row_of(ws, a), cols["Giá trị"]).number_format = code

    parsed = _read(_fill(form["blank"], {a: value}, edit=edit), cat)
    if refused:
        assert [c for c, _, _ in _refusals(parsed)] == ["unseen_value"], parsed.report.render()
        assert code in parsed.report.errors[0].message_vi
    else:
        assert [c for c, _, _ in _refusals(parsed)] == [], parsed.report.render()


# --- item 3: cells without references are placed by their order --------------------------------------------

def _without_references(xml: bytes) -> bytes:
    """Every cell written out in order with no r= (empty ones kept as <c/> so the order places them), and
    the rows' own numbers dropped where they follow each other."""
    def cells(row):
        body = row.group(2)
        out, col = [], 0
        for m in re.finditer(rb'<c r="([A-Z]+)\d+"([^>]*?)(/>|>.*?</c>)', body, re.S):
            target = 0
            for ch in m.group(1):
                target = target * 26 + ch - 64
            out.extend([b"<c/>"] * (target - 1 - col))
            col = target
            out.append(b"<c" + m.group(2) + m.group(3))
        return b"<row" + re.sub(rb'\sr="\d+"', b"", row.group(1)) + b">" + b"".join(out) + b"</row>"

    xml = re.sub(rb"<row\b([^>]*)>(.*?)</row>", cells, xml, flags=re.S)
    return re.sub(rb"<dimension[^>]*/>", b"", xml)


def test_cells_without_references_keep_their_format_checks(cat):
    unit, period = next((u, "2025") for u in cat.reporting_units()
                        if any(i.unit == "percent" and i.reporting_frequency == "year" and not i.sectors
                               for i in cat.indicators_for(u)))
    share = next(i for i in cat.indicators_for(unit)
                 if i.unit == "percent" and i.reporting_frequency == "year" and not i.sectors)

    def percent(ws, cols):
        cell = ws.cell(_row_of(ws, share.id), cols["Giá trị"])
        cell.value, cell.number_format = 0.295, "0.0%"      # shown as 29,5 %

    content = _fill(build_form(cat, unit, period), {}, edit=percent)
    bare = _rewrite(content, _data_member(content), _without_references)
    with zipfile.ZipFile(io.BytesIO(bare)) as zf:
        assert b' r="' not in zf.read(_data_member(bare)).split(b"<sheetData")[1]
    parsed = _read(bare, cat)
    assert parsed.ok, parsed.report.render()
    assert [(o.indicator_id, o.value) for o in parsed.observations] == [(share.id, pytest.approx(29.5))]

    def hidden(ws, cols):
        percent(ws, cols)
        ws.row_dimensions[_row_of(ws, share.id)].hidden = True

    content = _fill(build_form(cat, unit, period), {}, edit=hidden)
    bare = _rewrite(content, _data_member(content), _without_references)
    row = _row_of(load_workbook(io.BytesIO(content))[SHEET_DATA], share.id)
    assert _refusals(_read(bare, cat)) == [("unseen_value", row, "G")]


# --- item 4: password-encrypted files, and the CLI's first line -----------------------------------------------

def _encrypted_xlsx(blank: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(blank)).encrypt("mat-khau", out)
    return out.getvalue()


def _encrypted_ods() -> bytes:
    """An .ods saved with a password: the manifest says content.xml is encrypted; its bytes are not XML."""
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="4000">'
                '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
                'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
                'manifest:initialisation-vector="AAAA"/><manifest:key-derivation manifest:key-derivation-name="PBKDF2" '
                'manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="AAAA"/></manifest:encryption-data>'
                '</manifest:file-entry></manifest:manifest>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", bytes(range(256)) * 16, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "t.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", "2026-10-15")
    return tmp_path


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_password_protected_file_is_refused_as_such_without_a_traceback(cat, form, cli_env, capfd, kind):
    from tracker.cli import main

    path = cli_env / f"form.{kind}"
    path.write_bytes(_encrypted_xlsx(form["blank"]) if kind == "xlsx" else _encrypted_ods())
    parsed = _read(path.read_bytes(), cat, name=path.name)
    assert [i.code for i in parsed.report.errors] == ["encrypted"]
    assert "có mật khẩu" in parsed.report.errors[0].message_vi
    capfd.readouterr()
    assert main(["ingest", str(path)]) == 1
    out, err = capfd.readouterr()
    assert "có mật khẩu" in out
    assert "Traceback" not in out + err and "hỏng" not in out + err


def test_another_units_form_is_refused_without_no_errors_first(cat, cli_env, capsys, monkeypatch):
    from tracker.accounts.users import UserStore
    from tracker.cli import main
    from tracker.forms.demo import fill_form

    UserStore(cli_env / "users.toml", rounds=4).add_user("canbo.bn", "uploader", "mat-khau-dai", units=("bac-ninh",))
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    path = cli_env / "kh.xlsx"
    path.write_bytes(fill_form(build_form(cat, "khanh-hoa", PERIOD), {(stock.id, ""): 21}))
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    capsys.readouterr()
    assert main(["ingest", str(path), "--as", "canbo.bn", "--password-stdin"]) == 1
    out, err = capsys.readouterr()
    assert "Không có lỗi" not in out + err and "No errors" not in out + err
    assert "Khánh Hòa" in err
