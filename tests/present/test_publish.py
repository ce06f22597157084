"""The static public site (tracker.present.publish): what a rebuild rewrites, escaping, the CSV rule, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.support import ROOT, TODAY


@pytest.fixture(scope="module")
def demo(seeded):
    """(catalogue, snapshot) of the seeded demo database, read the way the leaders' pages read it."""
    from tracker.catalogue import read_catalogue
    from tracker.assess.snapshot import build_snapshot
    from tracker.storage import Store

    cat = read_catalogue(ROOT / "indicators.yaml")
    store = Store(seeded["TRACKER_DB"])
    try:
        snap = build_snapshot(store, cat, dt.date.fromisoformat(TODAY))
    finally:
        store.close()
    return cat, snap


def _with_changed_value(snap, unit: str):
    """The snapshot with one value of ``unit`` changed (its first numeric target's latest year + 1)."""
    res = snap.results[unit]
    a = res["numeric"][0]
    series = list(a.series)
    series[-1] = dataclasses.replace(series[-1], value=series[-1].value + 1)
    changed = dataclasses.replace(a, latest_value=(a.latest_value or 0) + 1, _series=series)
    results = dict(snap.results)
    results[unit] = {**res, "numeric": [changed] + res["numeric"][1:]}
    return dataclasses.replace(snap, results=results)


def test_rebuild_draws_and_writes_only_the_changed_unit_and_the_overview(demo, tmp_path):
    from tracker.present.publish import publish_site

    cat, snap = demo
    out = tmp_path / "site"
    first = publish_site(cat, snap, out)
    assert first.drawn == first.pages and len(first.written) == first.files
    assert (out / "vi/can-tho/index.html").is_file() and (out / "en/can-tho/index.html").is_file()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    same = publish_site(cat, snap, out)
    assert same.drawn == 0 and same.written == [] and same.removed == []

    again = publish_site(cat, _with_changed_value(snap, "can-tho"), out)
    written = set(again.written)
    assert {"vi/can-tho/index.html", "en/can-tho/index.html"} <= written
    overview = {"vi/index.html", "en/index.html", "vi/dia-phuong.csv", "en/units.csv", "vi/can-chu-y.csv",
                "en/attention.csv"}
    assert written <= {f for f in written if f.startswith(("vi/can-tho/", "en/can-tho/"))} | overview | {"manifest.json"}
    assert again.drawn <= 4        # the unit's two pages and at most the two overviews
    # Files not rewritten are untouched on disk (a web server's cache and rsync see no change).
    khanh_hoa = out / "vi/khanh-hoa/index.html"
    assert khanh_hoa.stat().st_mtime_ns == before[khanh_hoa]


def test_unit_that_disappears_loses_its_pages_and_a_lost_file_is_written_again(demo, tmp_path):
    from tracker.present.publish import publish_site

    cat, snap = demo
    out = tmp_path / "site"
    publish_site(cat, snap, out)
    (out / "en/khanh-hoa/index.html").unlink()            # someone removed a file by hand
    results = {u: r for u, r in snap.results.items() if u != "can-tho"}
    result = publish_site(cat, dataclasses.replace(snap, results=results), out)
    assert not (out / "vi/can-tho").exists() and not (out / "en/can-tho").exists()
    assert "vi/can-tho/index.html" in result.removed and "en/can-tho/targets.csv" in result.removed
    assert (out / "en/khanh-hoa/index.html").is_file() and "en/khanh-hoa/index.html" in result.written
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "vi/can-tho/" not in manifest["pages"] and "vi/khanh-hoa/" in manifest["pages"]


def test_fingerprint_depends_on_names_and_language(demo, tmp_path):
    from tracker.catalogue import read_catalogue
    from tracker.present.publish import site_pages

    cat, snap = demo
    text = (ROOT / "indicators.yaml").read_text(encoding="utf-8")
    renamed = tmp_path / "indicators.yaml"
    renamed.write_text(text.replace('name: {vi: "Cần Thơ", en: "Can Tho"}', 'name: {vi: "TP Cần Thơ", en: "Can Tho"}'),
                       encoding="utf-8")
    before = {p.key: p.fingerprint for p in site_pages(cat, snap)}
    after = {p.key: p.fingerprint for p in site_pages(read_catalogue(renamed), snap)}
    assert before["vi/can-tho/"] != after["vi/can-tho/"]
    assert before["en/can-tho/"] == after["en/can-tho/"]          # the English name did not change
    assert before["vi/khanh-hoa/"] == after["vi/khanh-hoa/"]
    assert before["vi/can-tho/"] != before["en/can-tho/"]


@pytest.fixture
def hostile(demo):
    """The demo with a unit and a target named like an attack: HTML, Markdown and a spreadsheet formula.

    The catalogue's loader refuses such names; they are put into a loaded copy here, as a name that got
    in some other way (an older catalogue, a hand-built one) would be: the site must escape them anyway."""
    from tracker.catalogue import read_catalogue

    _, snap = demo
    cat = read_catalogue(ROOT / "indicators.yaml")      # a copy of its own, changed below
    unit = cat.jurisdictions["can-tho"]
    object.__setattr__(unit, "name", unit.name.model_copy(update={
        "vi": "<script>alert(1)</script> **Cần Thơ**", "en": "<img src=x onerror=alert(1)> _Can Tho_"}))
    ind = cat.own_indicators("can-tho")[0]
    object.__setattr__(ind, "name", ind.name.model_copy(update={
        "vi": '=HYPERLINK("http://x") <b>đậm</b> [liên kết](http://x)'}))
    assert cat.name("can-tho", "vi").startswith("<script>")
    return cat, snap


def test_names_are_escaped_never_markup(hostile, tmp_path):
    from tracker.present.publish import publish_site

    cat, snap = hostile
    out = tmp_path / "site"
    publish_site(cat, snap, out)
    for page in (out / "vi/can-tho/index.html", out / "vi/index.html", out / "en/can-tho/index.html"):
        body = page.read_text(encoding="utf-8")
        assert "<script>" not in body and "<img" not in body
        assert "<b>đậm</b>" not in body and "<strong>" not in body
    unit = (out / "vi/can-tho/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **Cần Thơ**" in unit      # Markdown shown as typed
    assert "&lt;b&gt;đậm&lt;/b&gt; [liên kết](http://x)" in unit
    assert "&lt;img src=x onerror=alert(1)&gt; _Can Tho_" in (out / "en/can-tho/index.html").read_text(encoding="utf-8")


def test_csv_neutralises_formula_like_text(hostile, tmp_path):
    from tracker.present.publish import publish_site

    cat, snap = hostile
    out = tmp_path / "site"
    publish_site(cat, snap, out)
    csv = (out / "vi/can-tho/chi-tieu.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert not re.search(r"(^|,)\"?=HYPERLINK", csv, re.M)


def test_svg_text_keeps_only_the_builders_tags():
    from tracker.present.svg_chart import plain_lines, safe_html

    text = "<span style='color:#1a7f37'>● <b>Đạt</b></span> · <script>x</script><br>dòng 2"
    assert safe_html(text) == ('<span style="color:#1a7f37">● <b>Đạt</b></span> · &lt;script&gt;x&lt;/script&gt;'
                               '<br>dòng 2')
    assert plain_lines(text) == ["● Đạt · <script>x</script>", "dòng 2"]   # escaped when written into the SVG
    assert safe_html("<span style='color:red;background:url(x)'>a</span>") == "<span>a</span>"


def test_pages_use_relative_links_and_vietnamese_numbers(demo, tmp_path):
    from tracker.present.publish import publish_site

    cat, snap = demo
    out = tmp_path / "site"
    publish_site(cat, snap, out)
    for page in out.rglob("*.html"):
        body = page.read_text(encoding="utf-8")
        links = re.findall(r'(?:href|src)="([^"]+)"', body)
        assert links and all(not link.startswith(("/", "http:", "https:")) for link in links), page
        assert "<script" not in body
    unit = (out / "vi/khanh-hoa/index.html").read_text(encoding="utf-8")
    assert "DỮ LIỆU MINH HỌA" in unit and "Mục tiêu 2030" in unit and "Cập nhật: Quý III/2026" in unit
    assert "<svg" in unit and 'name="viewport"' in unit
    assert "Target 2030" in (out / "en/khanh-hoa/index.html").read_text(encoding="utf-8")


def test_cli_publishes_the_seeded_demo(seeded_env, tmp_path, capsys):
    from tracker.cli import main

    out = tmp_path / "site"
    assert main(["publish", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Đã xuất trang công khai" in said
    assert (out / "index.html").is_file() and (out / "vi/index.html").is_file() and (out / "en/can-tho/index.html").is_file()
    assert (out / "vi/can-tho/index.html").stat().st_mode & 0o777 == 0o644   # readable by the web server's user
    assert main(["publish", "--out", str(out)]) == 0
    assert "vẽ lại 0, ghi 0 tệp" in capsys.readouterr().out

    only_vi = tmp_path / "vi-only"
    assert main(["publish", "--out", str(only_vi), "--lang", "vi"]) == 0
    assert (only_vi / "vi/index.html").is_file() and not (only_vi / "en").exists()
    assert main(["publish", "--out", str(tmp_path / "x"), "--lang", "fr"]) == 2

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert main(["publish", "--out", str(foreign)]) == 1
    assert "thư mục trống" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_a_damaged_manifest_never_deletes_outside_the_site(demo, tmp_path):
    from tracker.present.publish import publish_site

    cat, snap = demo
    out = tmp_path / "site"
    publish_site(cat, snap, out)
    outside = tmp_path / "outside.txt"
    outside.write_text("mine")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["pages"]["vi/gone/"] = {"fingerprint": "x", "files": {"../outside.txt": "x"}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    publish_site(cat, snap, out)
    assert outside.read_text() == "mine"
    Path(out / "manifest.json").write_text("{not json", encoding="utf-8")
    result = publish_site(cat, snap, out)         # unreadable: everything drawn again, nothing lost
    assert result.drawn == result.pages and (out / "vi/index.html").is_file()
