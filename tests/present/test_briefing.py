"""Briefings: chart PNGs rendered on the server and the unit's PowerPoint deck.

The deck is built from a hand-made catalogue and hand-made observations run through the real
progress.assess_all, so the tests do not depend on how far indicators.yaml has grown.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tracker.present.briefing import png
from tracker.present.briefing.charts import unit_charts, unit_pngs_zip
from tracker.present.briefing.deck import MILESTONE_ROWS_PER_SLIDE, STATUS_LINE_CHARS, build_deck, deck_filename, slide_texts, status_line
from tracker.catalogue import parse_catalogue
from tracker.assess.snapshot import load_snapshot
from tracker.assess.snapshot import Snapshot, latest_period

TODAY = dt.date(2026, 10, 15)
HAS_CHROMIUM = png.browser_path() is not None
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium at /usr/bin/chromium (or $BROWSER_PATH): "
                                    "PNG export cannot run; `bash scripts/setup.sh test` installs it")
N_TASKS = 11  # more than one slide holds, so the milestone table continues


def _catalogue():
    doc = {"id": "khanh-hoa-ctr-45", "jurisdiction": "khanh-hoa", "issuer": "Tỉnh ủy Khánh Hòa", "kind": "Chương trình hành động",
           "number": "45-CTr/TU", "date": "2024-03-01", "title": "Chương trình hành động thực hiện Nghị quyết số 45-NQ/TW",
           "file": "khanh_hoa_ctr_45.txt"}
    base = {"jurisdiction": "khanh-hoa", "document": "khanh-hoa-ctr-45", "section": "II.2",
            "quote": "Câu trích dẫn đủ dài cho kiểm tra."}
    indicators = [
        dict(base, id="khanh-hoa.graduates", name={"vi": "Số người có trình độ đại học trở lên", "en": "University graduates"},
             kind="stock", unit="person", target={"comparator": ">=", "value": 90000, "year": 2030},
             baseline={"value": 60000, "year": 2023, "source": "Niên giám thống kê"}),
        dict(base, id="khanh-hoa.papers", name={"vi": "Số bài báo khoa học quốc tế", "en": "International papers"},
             kind="flow", unit="paper", target={"comparator": ">=", "value": 400, "year": 2030}),
        dict(base, id="khanh-hoa.budget-share", name={"vi": "Tỷ lệ chi ngân sách cho khoa học", "en": "S&T budget share"},
             kind="ratio", unit="percent", target={"comparator": ">=", "value": 3, "year": 2030}),
    ]
    for k in range(N_TASKS):
        indicators.append(dict(base, id=f"khanh-hoa.task-{k:02d}", kind="milestone", unit="task",
                               name={"vi": f"Nhiệm vụ số {k + 1}: thành lập trung tâm đổi mới sáng tạo",
                                     "en": f"Task {k + 1}: open the innovation centre"},
                               target={"due": f"{2025 + k % 3}-06-30"}))
    return parse_catalogue({
        "jurisdictions": [{"id": "khanh-hoa", "name": {"vi": "Khánh Hòa", "en": "Khanh Hoa"}, "level": "province"}],
        "documents": [doc], "indicators": indicators})


def _observations() -> pd.DataFrame:
    rows = []
    for year, grads, share in ((2024, 64000, 1.2), (2025, 70000, 1.6)):
        rows.append(("khanh-hoa.graduates", f"{year}-Q4", grads))
        rows.append(("khanh-hoa.budget-share", str(year), share))
    rows.append(("khanh-hoa.graduates", "2026-Q3", 74000))
    for period, n in (("2024-Q1", 20), ("2024-Q2", 25), ("2024-Q3", 22), ("2024-Q4", 30),
                      ("2025-Q1", 30), ("2025-Q2", 35), ("2025-Q3", 31), ("2025-Q4", 40), ("2026-Q1", 42)):
        rows.append(("khanh-hoa.papers", period, n))
    return pd.DataFrame([{"indicator_id": i, "unit": "khanh-hoa", "period": p, "sector": "", "value": float(v)}
                         for i, p, v in rows])


def _milestones() -> pd.DataFrame:
    return pd.DataFrame([{"indicator_id": "khanh-hoa.task-00", "unit": "khanh-hoa", "period": "2026-Q2",
                          "status": "done", "completed_on": dt.date(2025, 5, 2), "evidence": "Quyết định 1/QĐ"}])


def _snapshot(cat, demo: bool = True) -> Snapshot:
    from tracker.assess.assessment import assess_all

    obs = _observations()
    reported = {"khanh-hoa": set(obs["period"])}
    return Snapshot(results=assess_all(cat, obs, _milestones(), TODAY), latest_period=latest_period(reported),
                    demo=demo, reported=reported, today=TODAY)


@pytest.fixture(scope="module")
def cat():
    return _catalogue()


@pytest.fixture(scope="module")
def snap(cat):
    return _snapshot(cat)


@pytest.fixture(scope="module")
def deck(cat, snap):
    return build_deck(cat, snap, "khanh-hoa", made_on=dt.date(2026, 10, 16))


# Slides: title, the progress picture (one slide for three targets), summary, a chart per target,
# the tasks (five a slide), sources.
PICTURE = 1
SUMMARY = 1 + PICTURE
CHARTS = (SUMMARY + 1, SUMMARY + 2, SUMMARY + 3)
TASKS = SUMMARY + 4


def _titles(prs) -> list[str]:
    return [s.shapes.title.text_frame.text for s in prs.slides]


def test_deck_has_one_slide_per_part_in_order(cat, snap, deck):
    prs = Presentation(io.BytesIO(deck))
    numeric = snap.results["khanh-hoa"]["numeric"]
    assert len(numeric) == 3
    milestone_slides = math.ceil(N_TASKS / MILESTONE_ROWS_PER_SLIDE)
    assert milestone_slides == 3
    assert len(prs.slides) == 1 + PICTURE + 1 + len(numeric) + milestone_slides + 1
    assert round(prs.slide_width / 914400, 2) == 13.33 and prs.slide_height == 914400 * 7.5
    titles = _titles(prs)
    assert titles[0] == "Khánh Hòa"
    assert titles[1] == "Tiến độ các chỉ tiêu định lượng"       # the first content slide: the picture
    assert titles[SUMMARY] == "Tổng hợp các chỉ tiêu"
    assert set(titles[CHARTS[0]:CHARTS[-1] + 1]) == {"Số người có trình độ đại học trở lên", "Số bài báo khoa học quốc tế",
                                                    "Tỷ lệ chi ngân sách cho khoa học"}
    assert titles[TASKS:TASKS + 3] == ["Nhiệm vụ có thời hạn"] + ["Nhiệm vụ có thời hạn (tiếp)"] * 2
    assert titles[TASKS + 3] == "Nguồn văn bản và số liệu"


def test_title_slide_names_resolution_period_date_and_demo(deck):
    first = slide_texts(deck)[0]
    for text in ("Tình hình thực hiện Nghị quyết 45-NQ/TW", "Số liệu đến Quý III/2026", "16/10/2026", "DỮ LIỆU MINH HỌA"):
        assert text in first


def test_status_labels_appear_in_vietnamese_and_coloured(cat, snap, deck):
    from tracker.core.statuses import colour
    from tracker.assess.judge import status_label

    texts = slide_texts(deck)
    summary = texts[SUMMARY]
    for a in snap.results["khanh-hoa"]["numeric"]:
        assert status_label(a.status, "vi") in summary
        # whole clauses, two lines at 18 pt (the chart's own subtitle has it all)
        assert status_line(a.explain("vi"), 170) in "\n".join(texts[CHARTS[0]:CHARTS[-1] + 1])
    stones = "\n".join(texts[TASKS:TASKS + 3])
    statuses = {m.status for m in snap.results["khanh-hoa"]["milestones"]}
    assert {"done", "overdue"} <= statuses
    for s in statuses:
        assert status_label(s, "vi") in stones
    # the status cell's words carry the status colour
    prs = Presentation(io.BytesIO(deck))
    table = next(sh for sh in prs.slides[SUMMARY].shapes if sh.has_table).table
    for row in list(table.rows)[1:]:
        runs = row.cells[3].text_frame.paragraphs[0].runs
        label = runs[-1].text
        status = next(a.status for a in snap.results["khanh-hoa"]["numeric"] if status_label(a.status, "vi") == label)
        assert str(runs[-1].font.color.rgb) == colour(status).lstrip("#").upper()


def test_status_line_under_a_chart_is_at_most_two_lines():
    long = ("Năm 2025: 0 văn bằng (gốc năm 2024: 0 văn bằng); cần tăng 0,17 văn bằng/năm để đạt từ 1 văn bằng, "
            "hằng năm từ 2030, thực tế không đổi (tỷ lệ 0); tính theo mức thay đổi tuyến tính vì có giá trị bằng 0 "
            "hoặc âm; năm 2026 đến hết Quý III/2026: 1 văn bằng (chưa đủ năm).")
    line = status_line(long)
    assert line.startswith("Năm 2025: 0 văn bằng") and line.endswith("(tỷ lệ 0) …")
    assert len(line) <= STATUS_LINE_CHARS + 2
    assert status_line("Đã đạt mục tiêu: 5 %.") == "Đã đạt mục tiêu: 5 %."
    assert status_line("x " * 200).endswith("…") and len(status_line("x " * 200)) <= 192


def test_overdue_tasks_come_first(deck):
    from tracker.assess.judge import status_label

    prs = Presentation(io.BytesIO(deck))
    first = next(sh for sh in prs.slides[TASKS].shapes if sh.has_table).table
    assert first.cell(1, 2).text_frame.text == "● " + status_label("overdue", "vi")
    assert "trễ" in first.cell(1, 3).text_frame.text
    middle = next(sh for sh in prs.slides[TASKS + 1].shapes if sh.has_table).table
    last = next(sh for sh in prs.slides[TASKS + 2].shapes if sh.has_table).table
    assert last.cell(len(last.rows) - 1, 2).text_frame.text == "● " + status_label("done", "vi")
    assert len(first.rows) - 1 + len(middle.rows) - 1 + len(last.rows) - 1 == N_TASKS


def test_demo_mark_on_every_slide_and_not_when_real(cat, deck):
    assert all("Dữ liệu minh họa — không phải số liệu thật" in t for t in slide_texts(deck))
    real = build_deck(cat, _snapshot(cat, demo=False), "khanh-hoa")
    assert not any("minh họa" in t.lower() for t in slide_texts(real))


def test_text_is_nfc_unicode_in_arial(deck):
    prs = Presentation(io.BytesIO(deck))
    fonts = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for r in shape.table.rows for c in r.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        assert unicodedata.is_normalized("NFC", run.text), run.text
                        if run.text.strip():
                            fonts.add(run.font.name)
    assert fonts == {"Arial"}
    assert "Khánh Hòa" in slide_texts(deck)[0]


def test_sources_slide_lists_the_document(deck):
    last = slide_texts(deck)[-1]
    assert "Chương trình hành động số 45-CTr/TU ngày 01/03/2024" in last
    assert "Tỉnh ủy Khánh Hòa" in last and "Chương trình hành động thực hiện Nghị quyết số 45-NQ/TW" in last


def test_english_deck(cat, snap):
    from tracker.assess.judge import status_label

    texts = slide_texts(build_deck(cat, snap, "khanh-hoa", lang="en"))
    assert "Implementation of Resolution 45-NQ/TW" in texts[0] and "Data up to Q3/2026" in texts[0]
    assert "Progress of the numeric targets" in texts[1]
    assert "Targets at a glance" in texts[SUMMARY]
    for a in snap.results["khanh-hoa"]["numeric"]:
        assert status_label(a.status, "en") in texts[SUMMARY]
    assert all("Demo data — not real figures" in t for t in texts)


def test_without_a_browser_chart_slides_carry_a_table_and_a_note(cat, snap, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(png, "DEFAULT_BROWSER", "/nonexistent/chromium")
    monkeypatch.setattr(png.shutil, "which", lambda name: None)
    ok, why = png.png_export_available()
    assert not ok and "Chromium" in why and "apt-get install chromium" in why
    with pytest.raises(png.PngExportUnavailable):
        png.figure_png(unit_charts(cat, snap, "khanh-hoa")[0].figure)
    content = build_deck(cat, snap, "khanh-hoa")
    prs = Presentation(io.BytesIO(content))
    texts = slide_texts(content)
    for k in CHARTS:
        shapes = list(prs.slides[k].shapes)
        assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in shapes)
        assert any(s.has_table for s in shapes)
        assert "Không tạo được ảnh biểu đồ" in texts[k]
    assert "90.000 người" in "\n".join(texts[CHARTS[0]:CHARTS[-1] + 1])
    # the picture's slide carries its rows as a table too
    assert any(s.has_table for s in prs.slides[1].shapes) and "Số bài báo khoa học quốc tế" in texts[1]


def test_load_snapshot_limits_data_to_the_period(cat):
    class FakeStore:
        def current_values(self):
            return _observations()

        def current_milestones(self):
            return _milestones()

        def reported_periods(self):
            return {"khanh-hoa": set(_observations()["period"])}

        def has_demo_data(self):
            return False

    full = load_snapshot(FakeStore(), cat, TODAY)
    assert full.latest_period == "2026-Q3"
    cut = load_snapshot(FakeStore(), cat, TODAY, period="2025-Q2")
    assert cut.latest_period == "2025-Q2" and not cut.demo
    grads = next(a for a in cut.results["khanh-hoa"]["numeric"] if a.indicator_id == "khanh-hoa.graduates")
    assert grads.latest_value == 64000  # the 2025-Q4 and 2026-Q3 values are after the cut
    assert deck_filename("khanh-hoa", "2026-Q3") == "nq45_khanh-hoa_2026-Q3.pptx"


def test_load_snapshot_of_an_empty_store_keeps_the_columns(cat):
    class EmptyStore:
        def current_values(self):
            return _observations().iloc[0:0]

        def current_milestones(self):
            return _milestones().iloc[0:0]

        def reported_periods(self):
            return {}

        def has_demo_data(self):
            return False

    snap = load_snapshot(EmptyStore(), cat, TODAY, period="2026-Q3")
    assert snap.empty and snap.latest_period is None
    texts = slide_texts(build_deck(cat, snap, "khanh-hoa"))
    assert "Chưa có số liệu báo cáo" in texts[0]


def test_cli_briefing_unknown_unit_is_a_usage_error(capsys):
    from tracker.cli import main

    assert main(["briefing", "--unit", "khong-co"]) == 2
    err = capsys.readouterr().err
    assert "khong-co" in err and "Traceback" not in err


# --- PNG -------------------------------------------------------------------------------------------------

def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_chromium
def test_figure_png_is_slide_sized(cat, snap):
    fig = unit_charts(cat, snap, "khanh-hoa")[0].figure
    assert _png_size(png.figure_png(fig, width=1600, height=900, scale=2)) == (3200, 1800)
    assert _png_size(png.figure_png(fig, width=800, height=450, scale=1)) == (800, 450)
    assert png.png_export_available() == (True, "")


@needs_chromium
def test_export_keeps_the_footer_inside_the_picture(cat, snap):
    fig = unit_charts(cat, snap, "khanh-hoa")[0].figure
    fitted = png._fit_for_export(fig, 1600, 900)
    footer = next(a for a in fitted["layout"]["annotations"] if "Cập nhật" in a["text"])
    plot_height = 900 - fitted["layout"]["margin"]["t"] - fitted["layout"]["margin"]["b"]
    assert -footer["y"] * plot_height + 20 <= fitted["layout"]["margin"]["b"]
    assert "Quý III/2026" in footer["text"] and "MINH HỌA" in footer["text"]


@needs_chromium
def test_chart_slides_hold_the_picture(deck):
    prs = Presentation(io.BytesIO(deck))
    for k in (1,) + CHARTS:
        pictures = [s for s in prs.slides[k].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert _png_size(pictures[0].image.blob) == (2880, 1620)   # 800×450 at 3,6×: 18 pt text when shown


@needs_chromium
def test_pngs_zip_names_each_chart(cat, snap):
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(unit_pngs_zip(cat, snap, "khanh-hoa"))).namelist()
    assert names[0] == "khanh-hoa_tien-do_2026-Q3.png"           # the progress picture first
    assert sorted(names[1:]) == ["khanh-hoa_budget-share_2026-Q3.png", "khanh-hoa_graduates_2026-Q3.png",
                                 "khanh-hoa_papers_2026-Q3.png"]


# Impress (libsdlo.so) reads .pptx; a machine with only LibreOffice Calc has soffice but cannot convert a deck.
_IMPRESS = Path("/usr/lib/libreoffice/program/libsdlo.so")


@pytest.mark.skipif(shutil.which("soffice") is None or not _IMPRESS.exists(),
                    reason="LibreOffice Impress not installed; PDF check skipped")
def test_libreoffice_renders_the_deck_to_pdf(deck, tmp_path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(deck)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=120)
    pdf = (tmp_path / "deck.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert pdf.startswith(b"%PDF") and len(pages) == len(Presentation(io.BytesIO(deck)).slides)


@needs_chromium
def test_cli_briefing_from_the_demo_database_exits_cleanly(seeded, tmp_path):
    """The command a user runs: a deck with chart pictures, and no traceback when the browser shuts down."""
    import os
    import sys

    # A copy: this test process may hold the seeded database open (pages run earlier in it).
    db = tmp_path / "tracker.duckdb"
    shutil.copy(seeded["TRACKER_DB"], db)
    out = tmp_path / "deck.pptx"
    proc = subprocess.run([sys.executable, "-m", "tracker", "briefing", "--unit", "khanh-hoa", "--out", str(out)],
                          env={**os.environ, **seeded, "TRACKER_DB": str(db)}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    prs = Presentation(str(out))
    pictures = [sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(prs.slides) >= 5 and pictures


def test_a_browser_that_will_not_start_is_reported_and_the_deck_still_builds(cat, snap, monkeypatch):
    # Last in the file: it closes the shared browser.
    png.close_png_renderer()
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    monkeypatch.setattr(png._RENDERER, "failure", None)
    try:
        with pytest.raises(png.PngExportUnavailable) as err:
            png.figure_png(unit_charts(cat, snap, "khanh-hoa")[0].figure)
        assert "không khởi động được" in str(err.value) and "did not start" in str(err.value)
        ok, why = png.png_export_available()
        assert not ok and why == str(err.value)
        texts = slide_texts(build_deck(cat, snap, "khanh-hoa", lang="en"))
        assert "The chart image could not be made" in texts[CHARTS[0]] and "did not start" in texts[CHARTS[0]]
        assert "không khởi động" not in texts[CHARTS[0]]
    finally:
        png._RENDERER.failure = None


def test_a_chart_slide_says_whose_area_when_and_from_where(cat, snap, deck):
    """Pasted into another deck, a chart slide still names the territory, the period and the source."""
    texts = slide_texts(deck)[CHARTS[0]:CHARTS[-1] + 1]
    for text in texts:
        assert "Khánh Hòa" in text and "Cập nhật:" in text and "Nguồn:" in text
    prs = Presentation(io.BytesIO(deck))
    for slide in list(prs.slides)[1:CHARTS[-1] + 1]:
        boxes = [s for s in slide.shapes if s.has_text_frame and s is not slide.shapes.title]
        bottoms = sorted((s.top + s.height) / 914400 for s in boxes)
        assert bottoms[-1] <= 7.5 + 1e-6                      # nothing runs off the slide
        title = slide.shapes.title
        assert all(s.top >= title.top + title.height - 1 for s in boxes if s.top > 914400 * 0.9)


def test_the_deck_says_which_figures_are_estimates(cat, monkeypatch):
    """Issue 20: the summary's latest value and the chart slide of a target drawn with an estimate carry
    its word; a slide whose chart has only official figures carries none (built without a browser: the
    charts' marks are checked in test_value_kinds_shown)."""
    from tracker.assess.assessment import assess_all
    from tracker.assess.value_kinds import not_official

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(png, "DEFAULT_BROWSER", "/nonexistent/chromium")
    monkeypatch.setattr(png.shutil, "which", lambda name: None)
    obs = _observations()
    obs["value_status"] = ["estimate" if (i, p) == ("khanh-hoa.graduates", "2026-Q3") else "official"
                           for i, p in zip(obs["indicator_id"], obs["period"])]
    reported = {"khanh-hoa": set(obs["period"])}
    snap = Snapshot(results=assess_all(cat, obs, _milestones(), TODAY), latest_period=latest_period(reported),
                    demo=False, reported=reported, today=TODAY, kinds=not_official(obs))
    texts = slide_texts(build_deck(cat, snap, "khanh-hoa", made_on=TODAY))
    summary = next(t for t in texts if "Tổng hợp các chỉ tiêu" in t)
    assert "74.000 người (ước tính) (Quý III/2026)" in summary
    graduates = next(t for t in texts if t.startswith("Số người có trình độ đại học trở lên"))
    assert "◇ số ước tính" in graduates and "đánh giá theo số ước tính" in graduates
    assert "74.000 người (ước tính)" in graduates            # the chart drawn as a table says it as well
    papers = next(t for t in texts if t.startswith("Số bài báo khoa học quốc tế"))
    assert "ước tính" not in papers
