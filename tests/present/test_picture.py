"""Issue 23, items 2–5 and the deck part of 7: the progress picture, no chart without data,
presentation mode, the PDF brief, phone-first pages and the deck's language tags and sizes."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest

from tests.support.pages import charts, run, spec, texts

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture
def demo(seeded_env):
    from tracker.catalogue import load_catalogue
    from tracker.core.periods import today
    from tracker.core.settings import load_settings
    from tracker.assess.snapshot import load_snapshot
    from tracker.storage import Store

    s = load_settings()
    return load_catalogue(), load_snapshot(Store(s.database, str(s.archive_dir)), load_catalogue(), today())


# --- the rows: pure ---------------------------------------------------------------------------------

def _assessment(**kw):
    from tracker.assess.assessment import Assessment

    base = dict(indicator_id="x.y", unit="x", sector="", status="acceleration", latest_value=30.0, latest_year=2026,
                baseline_value=20.0, baseline_year=2024, target_value=50.0, target_year=2030, method="linear")
    base.update(kw)
    return Assessment(**base)


def test_share_runs_from_the_start_to_the_target_with_the_path_the_status_uses():
    from tracker.present.picture import _share

    share, expected = _share(_assessment())
    assert share == pytest.approx(10 / 30) and expected == pytest.approx(2 / 6)       # a straight line
    share, expected = _share(_assessment(method="cagr"))
    # compound growth 20 → 50 over 6 years: two years in, 20·2,5^(1/3) = 27,14 → 23,8 % of the way
    assert expected == pytest.approx((20 * 2.5 ** (1 / 3) - 20) / 30)
    # moving away: below the start is a negative share (drawn at zero, its label says −…)
    assert _share(_assessment(latest_value=15.0))[0] < 0
    # a rank climbs down: rank 40 → 10, now 30, a third of the way
    assert _share(_assessment(baseline_value=40.0, target_value=10.0, latest_value=30.0, method="rank"))[0] == pytest.approx(1 / 3)
    # an "on average" target: the mean against the value, the tick at 100 %
    assert _share(_assessment(method="average", average_value=80.0, target_value=100.0)) == (0.8, 1.0)
    # nothing to compare with: no bar
    assert _share(_assessment(latest_value=None)) == (None, None)


def test_picture_rows_and_lists_on_the_demo(demo):
    from tracker.present.picture import not_charted, picture_rows

    cat, snap = demo
    rows = picture_rows(cat, snap, "khanh-hoa", "vi")
    assert rows, "the demo has Khánh Hòa targets with figures"
    order = ("moving_away", "off_track", "acceleration", "on_track", "achieved")
    assert [order.index(r.status) for r in rows] == sorted(order.index(r.status) for r in rows)   # worst first
    missing = not_charted(cat, snap, "khanh-hoa", "vi")
    lines = dict(missing.lines("vi"))
    assert "tốp đầu khu vực" in lines["Chưa có thước đo"]
    # A retired target says what replaced it by name, never by its internal id.
    assert "đã thay thế bằng «Tỷ lệ chi đầu tư cho khoa học" in lines["Chỉ tiêu đã thay thế"]
    assert "khanh-hoa." not in json.dumps(lines, ensure_ascii=False)


def _row(share, expected, status="acceleration", k=0):
    from tracker.present.picture import PictureRow

    return PictureRow(f"x.t{k}", "", f"Chỉ tiêu {k}", status, share, expected, "3 %", "trên 5 % (2030)", "2 % (2024)", f"c-x-t{k}")


@pytest.mark.parametrize("share,expected", [(0.48, 0.5), (0.5, 0.5), (0.52, 0.5), (0.0, 0.02), (1.49, 1.6), (0.3, None)])
def test_a_bar_value_never_covers_its_tick(share, expected):
    """The value label starts to the right of both the bar's end and the tick, by a gap wider than the
    tick's half-width, at any scale: in pixels, label left = x + LABEL_GAP_PX > tick right = tick + 1,5 px."""
    from tracker.present.labels import Caption
    from tracker.present.picture_figure import LABEL_GAP_PX, TICK_LINE_PX, progress_picture

    fig = progress_picture([_row(share, expected)], unit_name="Khánh Hòa", caption=Caption("Quý III/2026", "nguồn"))
    [label] = [a for a in fig.layout.annotations if a.name == "bar_value"]
    assert label.xanchor == "left" and label.xref == "x" and label.y == 0
    bar = next(d for d in fig.data if d.type == "bar")
    assert not bar.text and bar.textposition is None        # no second, bar-drawn copy of the value
    assert label.x >= bar.x[0]                               # after the bar's end
    ticks = [d for d in fig.data if d.type == "scatter"]
    if expected is None:
        assert not ticks
        return
    tick_x = ticks[0].x[0]
    # the tick spans [tick_x − w/2, tick_x + w/2] px; the label starts at label.x + xshift px
    assert label.x >= tick_x and label.xshift > TICK_LINE_PX / 2 + 2 and LABEL_GAP_PX == label.xshift
    assert ticks[0].marker.line.width == TICK_LINE_PX


def test_progress_picture_figure(demo):
    from tracker.present.briefing.charts import picture_figure
    from tracker.core.statuses import LOOKS
    from tracker.present.figures import for_screen

    cat, snap = demo
    fig = picture_figure(cat, snap, "khanh-hoa", "vi")
    bars = [d for d in fig.data if d.type == "bar"]
    assert bars and all(d.orientation == "h" for d in bars)
    assert {d.marker.color for d in bars} <= {look.colour for look in LOOKS.values()}
    assert fig.layout.xaxis.range[0] == 0                       # the axis starts at zero
    ticks = [d for d in fig.data if d.type == "scatter"]
    assert ticks and ticks[0].marker.symbol == "line-ns"          # where it should be by now
    assert "Khánh Hòa — Tiến độ" in fig.layout.title.text        # the still says whose picture it is
    meta, _ = for_screen(fig)
    assert meta["screen_title"] == "Tiến độ các chỉ tiêu định lượng"   # the unit page says it once, at its top
    assert "Chưa có thước đo" in meta["subtitle"] and "đã thay thế bằng «" in meta["subtitle"]


# --- pages -------------------------------------------------------------------------------------------

def test_unit_page_draws_the_picture_and_no_empty_chart(seeded_env):
    at = run("views/unit.py", params={"unit": "khanh-hoa"})
    keys = [c.key for c in charts(at)]
    assert keys[0] == "unit_picture"
    everything = " ".join(spec(c) for c in charts(at))
    # The unmeasured goal and the retired target are lines of text, not charts; no internal id anywhere.
    # (the retired st-budget-share names its successor st-investment-share, which has its own chart)
    assert "khanh-hoa.st-investment-share" not in everything
    assert not any(k.startswith(("fig_khanh-hoa.key-fields-regional-top-2045_", "fig_khanh-hoa.st-budget-share_"))
                   for k in keys)
    notes = " ".join(m.value for m in at.markdown if "nq-notcharted" in m.value)
    assert "Chưa có thước đo:" in notes and "đã thay thế bằng «" in notes
    # No title repeats the unit: it is on the page's own title once.
    assert not [h.value for h in at.subheader if h.value.startswith("Khánh Hòa —")]
    assert at.title[0].value == "Địa phương: Khánh Hòa"
    # Every target chart has its anchor right above it, for the overview's links.
    assert any("id='c-khanh-hoa-" in m.value for m in at.markdown)
    # Phones get the tasks as a stacked list.
    assert any("nq-stack" in m.value for m in at.markdown)


def test_unit_is_kept_in_the_link_and_the_session(seeded_env):
    at = run("views/unit.py", params={"unit": "bac-giang"})
    assert at.session_state["nq_unit"] == "bac-giang" and at.query_params["unit"] == "bac-giang"
    # The overview then shows that province's picture and keeps it in its link.
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert at.selectbox(key="overview_unit").value == "bac-giang"
    assert "Bắc Giang" in spec(charts(at)[0])
    at.selectbox(key="overview_unit").set_value("khanh-hoa").run()
    assert at.query_params["unit"] == "khanh-hoa" and at.session_state["nq_unit"] == "khanh-hoa"


def test_overview_names_the_worst_items_first(seeded_env):
    at = run("views/overview.py")
    worst = [m.value for m in at.markdown if "<ul class='nq-worst'>" in m.value]
    assert worst and 2 <= worst[0].count("<li>") <= 3
    # Before the tiles and the ranked list: the first thing under the title.
    first = [m.value for m in at.markdown if not m.value.startswith("<style>")]
    assert first[0] == "**Cần chú ý nhất**" and "nq-worst" in first[1]
    assert "/dia-phuong?unit=" in worst[0] and "#c-" in worst[0]
    # The matrix has its stacked list for phones.
    assert any("nq-stack" in m.value for m in at.markdown)


def test_presentation_mode_shows_one_whole_chart_and_steps(seeded_env):
    at = run("views/unit.py", params={"unit": "khanh-hoa", "present": "1"})
    assert [c.key for c in charts(at)] == ["present_picture_0"]
    assert "Biểu đồ 1/" in texts(at)
    at.button(key="nq_present_khanh-hoa_next").click().run()
    assert not at.exception
    keys = [c.key for c in charts(at)]
    assert len(keys) == 1 and keys[0].startswith("present_khanh-hoa.")
    assert "Biểu đồ 2/" in texts(at)
    # The chart fills its box (the box gets the screen's height in CSS), never a cut fixed height.
    assert json.loads(charts(at)[0].proto.spec)["layout"].get("height") is None
    at.button(key="nq_present_khanh-hoa_prev").click().run()
    assert [c.key for c in charts(at)] == ["present_picture_0"]


# --- the PDF brief -----------------------------------------------------------------------------------

@needs_chromium
def test_brief_pdf_has_real_vietnamese_text(demo, tmp_path):
    import pdfplumber

    from tracker.present.briefing.pdf import build_brief
    from tracker.present.briefing.png import close_png_renderer

    cat, snap = demo
    try:
        content = build_brief(cat, snap, "khanh-hoa")
    finally:
        close_png_renderer()
    assert content.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        assert 1 <= len(pdf.pages) <= 2
        assert all(abs(p.width - 595) < 2 and abs(p.height - 842) < 2 for p in pdf.pages)   # A4 in points
        text = unicodedata.normalize("NFC", "\n".join(p.extract_text() or "" for p in pdf.pages))
    for words in ("Khánh Hòa", "Tiến độ các chỉ tiêu định lượng", "Chỉ tiêu cần chú ý", "Nhiệm vụ quá hạn",
                  "DỮ LIỆU MINH HỌA", "Chưa có thước đo", "Số liệu đến Quý III/2026", "Ngày lập: 15/10/2026",
                  "Đi ngược mục tiêu", "Chương trình hành động"):
        assert words in text, words
    # The picture is vector: its target names are text in the PDF, not pixels.
    assert "Số doanh nghiệp khoa học và công nghệ" in text


@needs_chromium
def test_brief_command_writes_the_pdf(seeded_env, tmp_path, capsys):
    import pdfplumber

    from tracker.cli import main

    out = tmp_path / "brief.pdf"
    assert main(["brief", "--unit", "bac-giang", "--period", "2026-Q2", "--out", str(out)]) == 0
    assert "brief.pdf" in capsys.readouterr().out
    with pdfplumber.open(out) as pdf:
        text = unicodedata.normalize("NFC", "\n".join(p.extract_text() or "" for p in pdf.pages))
    assert "Bắc Giang" in text and "Số liệu đến Quý II/2026" in text
    assert main(["brief", "--unit", "khong-co", "--out", str(tmp_path / "x.pdf")]) != 0


def test_unit_page_offers_the_pdf_beside_the_deck(seeded_env):
    at = run("views/unit.py", params={"unit": "khanh-hoa"})
    labels = [b.label for b in at.button]
    assert "Tạo bản trình chiếu" in labels and "Tạo bản PDF" in labels


# --- the deck ----------------------------------------------------------------------------------------

def _runs(content: bytes):
    from pptx import Presentation
    from pptx.oxml.ns import qn

    prs = Presentation(io.BytesIO(content))
    for k, slide in enumerate(prs.slides):
        for r in slide._element.iter(qn("a:r")):
            rpr = r.find(qn("a:rPr"))
            text = "".join(t.text or "" for t in r.iter(qn("a:t")))
            yield k, text, rpr


@needs_chromium
@pytest.mark.parametrize("lang,tag", [("vi", "vi-VN"), ("en", "en-US")])
def test_deck_language_tags_sizes_and_words(demo, lang, tag):
    from tracker.present.briefing.png import close_png_renderer
    from tracker.present.briefing.deck import build_deck, slide_texts

    cat, snap = demo
    try:
        content = build_deck(cat, snap, "khanh-hoa", lang=lang)
    finally:
        close_png_renderer()
    runs = [(k, text, rpr) for k, text, rpr in _runs(content) if text.strip()]
    assert runs
    untagged = [(k, text) for k, text, rpr in runs if rpr is None or rpr.get("lang") != tag]
    assert not untagged, untagged[:5]
    small = [(k, text, rpr.get("sz")) for k, text, rpr in runs if rpr.get("sz") is None or int(rpr.get("sz")) < 1800]
    assert not small, small[:5]
    slides = slide_texts(content)
    picture = "Tiến độ các chỉ tiêu định lượng" if lang == "vi" else "Progress of the numeric targets"
    assert picture in slides[1]                                  # the first content slide
    if lang == "vi":
        pictures = "".join(x for x in slides if x.startswith(picture))   # four targets a slide
        assert "Chưa có thước đo" in pictures and "đã thay thế bằng «" in pictures
        assert "giảm (2045)" not in "\n".join(slides)
        # The source line names the programme (with its number and date where the catalogue has them).
        assert "Nguồn: Chương trình hành động" in "\n".join(slides)


def test_goal_words_follow_the_comparator(demo):
    from tracker.present.picture import goal_words

    cat, _ = demo
    top = cat.indicator("khanh-hoa.key-fields-regional-top-2045")
    assert goal_words(top, "vi") == "vào tốp đầu khu vực (2045)"
    assert "decrease" not in goal_words(top, "en")


def test_document_line_has_number_and_date(demo):
    from tracker.present.picture import document_line

    cat, _ = demo
    docs = [d for d in cat.documents.values() if d.number and d.date] if hasattr(cat, "documents") else []
    if not docs:
        pytest.skip("no bundled document with both a number and a date")
    doc = docs[0]
    line = document_line(cat, doc.jurisdiction, "vi")
    assert f"số {doc.number}" in line and "ngày " in line


@pytest.mark.parametrize("lang,said", [("vi", "Chỉ tiêu đã thay thế bằng «Tỷ lệ chi đầu tư cho khoa học"),
                                       ("en", "Replaced target, by «")])
def test_catalogue_page_names_a_replaced_targets_successor_by_name(seeded_env, lang, said):
    from tracker.core.i18n import t

    at = run("views/catalogue.py", lang=lang)
    assert not at.exception
    column = t("cat.col.state", lang)
    states = [v for df in at.dataframe if column in df.value.columns for v in df.value[column] if v]
    replaced = [v for v in states if v.startswith(said.split("«")[0])]
    assert replaced and any(v.startswith(said) for v in replaced), replaced
    # the successor's name, never its id ("khanh-hoa.st-investment-share")
    import re

    assert not [v for v in states if re.search(r"[a-z]+(-[a-z]+)*\.[a-z0-9]+(-[a-z0-9]+)+", v)], states


def test_streamlit_chrome_words_are_swapped_on_vietnamese_pages_only():
    """Stop, the Enter hints and the chart toolbar's tooltips: CSS text in Vietnamese; English pages keep Streamlit's."""
    from tracker.web.style import PLOTLY_TITLES, streamlit_chrome_css

    css = streamlit_chrome_css("vi")
    assert 'stStatusWidget"] button::after {content:"Dừng"' in css and '"Đang dừng…"' in css
    assert '[data-testid="stForm"] [data-testid="InputInstructions"] > span:first-child::after {content:"Nhấn Enter để gửi"' in css
    for en, vi in PLOTLY_TITLES.items():
        assert f'[data-title="{en}"]::after {{content:"{vi}" !important;}}' in css
    assert streamlit_chrome_css("en") == ""
