"""Every page is laid out for a laptop, a small laptop and a phone, measured in a real browser.

At 1920×1080, 1440×900, 1280×800 and 390×844 (Playwright driving Debian's /usr/bin/chromium) every page is
opened and, in every Plotly chart, every text element (ticks, labels, annotations, legend) must lie
inside its SVG and no two may overlap — the demo watermark excepted, it is meant to lie under the
rest. A chart's plot area must keep at least half its width (no squashed charts on a phone), the
page must not scroll sideways, and the overview's ranked list entries must not be cut. Screenshots
go to test-output/layout/ for a person to look at.

Presentation mode must show each chart whole on one screen (stepped with the arrow keys), printing
must drop the sidebar and fit every chart to the A4 width, and on a phone the overview's first screen
names the worst items.

Set LAYOUT_URL=http://127.0.0.1:8501 to measure a dashboard that is already running.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.support import OUTPUT
from tests.support.browser import CHROMIUM, LAUNCH_ARGS, needs_chromium

pytestmark = needs_chromium

SIZES = [(1920, 1080), (1440, 900), (1280, 800), (390, 844)]
PAGES = {
    "tong-quan": "/tong-quan",
    "dia-phuong-khanh-hoa": "/dia-phuong?unit=khanh-hoa",
    "dia-phuong-bac-giang": "/dia-phuong?unit=bac-giang",
    "so-sanh": "/so-sanh",
    "nhiem-vu": "/nhiem-vu",
    "danh-muc": "/danh-muc",
    "phuong-phap": "/phuong-phap",
    "tong-quan-en": "/tong-quan?lang=en",
    "dia-phuong-en": "/dia-phuong?unit=khanh-hoa&lang=en",
}
WATERMARKS = ("DỮ LIỆU MINH HỌA", "DEMO DATA")
SHOTS = OUTPUT / "layout"

# Measured in the page: every Plotly chart's text boxes, its SVG box and its plot area.
MEASURE_CHARTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot, k) => {
  const svg = plot.querySelector('svg.main-svg');
  const box = svg.getBoundingClientRect();
  const drag = plot.querySelector('.nsewdrag');
  const texts = [];
  plot.querySelectorAll('svg.main-svg text').forEach(t => {
    const content = (t.textContent || '').trim();
    if (!content) return;
    if (t.closest('.hoverlayer')) return;
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) return;
    const r = t.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return;
    texts.push({text: content, left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  });
  // The progress picture's ticks ("where it should be by now"): Plotly's line-ns markers, a path "M0,hV-h".
  const ticks = [];
  plot.querySelectorAll('.scatterlayer path.point').forEach(p => {
    if (!/^M0,[-\\d.]+V[-\\d.]+$/.test(p.getAttribute('d') || '')) return;
    const r = p.getBoundingClientRect();
    ticks.push({text: 'tick', left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  });
  // Bars (any orientation): a name or a value written over a bar, or touching the neighbouring one, is unreadable.
  const bars = [];
  plot.querySelectorAll('.barlayer .point path').forEach(p => {
    const r = p.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return;
    bars.push({text: 'bar', left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  });
  return {index: k, box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom, width: box.width},
          plotWidth: drag ? drag.getBoundingClientRect().width : null, texts: texts, ticks: ticks, bars: bars};
})"""


def tick_covers(chart: dict) -> list[str]:
    """Texts that a progress-picture tick stands on (a bar's value label once covered it)."""
    return [t["text"] for tick in chart.get("ticks", []) for t in chart["texts"] if overlaps([tick, t])]

def texts_on_bars(chart: dict, tolerance: float = -2.0) -> list[str]:
    """Texts that lie on or touch a bar (a progress-picture name crowded onto the bar above it, a value on
    a bar): a text must keep 2 px from every bar."""
    texts = [t for t in chart["texts"] if not any(w in t["text"] for w in WATERMARKS)]   # meant to lie under the rest
    return sorted({t["text"] for bar in chart.get("bars", []) for t in texts if overlaps([bar, t], tolerance)})


# What stands on the page around a presentation step's chart: every heading, subtitle, caption and
# button of the main area, and whether the page would scroll (it must not: the step is one screen).
MEASURE_PAGE_TEXTS = """() => ({
  texts: Array.from(document.querySelectorAll('[data-testid=stMain] h3, [data-testid=stMain] .nq-subtitle, '
                                            + '[data-testid=stMain] [data-testid=stCaptionContainer], [data-testid=stMain] button'))
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
    .map(e => { const range = document.createRange(); range.selectNodeContents(e);   // the text, not its margins
                const r = e.tagName === 'BUTTON' ? e.getBoundingClientRect() : range.getBoundingClientRect();
                return {text: (e.innerText || '').trim().slice(0, 50), top: r.top, bottom: r.bottom}; }),
  scroll: document.querySelector('[data-testid=stMain]').scrollHeight})"""


def clipped(page_texts: dict, height: int, tolerance: float = 1.0) -> list[str]:
    """Page texts not wholly inside a window ``height`` px tall."""
    return [t["text"] for t in page_texts["texts"] if t["top"] < -tolerance or t["bottom"] > height + tolerance]


# The ranked list's entries (bordered containers holding a status chip and a link): not cut.
MEASURE_ENTRIES = """() => Array.from(document.querySelectorAll('[class*="st-key-nq_entry_"]'))
  .filter(b => b.offsetParent !== null)
  .map(b => ({text: b.innerText.slice(0, 60), right: b.getBoundingClientRect().right, scroll: b.scrollWidth,
              client: b.clientWidth}))"""


def overlaps(texts: list[dict], tolerance: float = 1.5) -> list[tuple[str, str]]:
    """Pairs of text boxes that overlap by more than ``tolerance`` px both ways (touching is fine)."""
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > tolerance and dy > tolerance:
                found.append((a["text"], b["text"]))
    return found


def outside(texts: list[dict], box: dict, tolerance: float = 1.5) -> list[str]:
    return [t["text"] for t in texts if t["left"] < box["left"] - tolerance or t["right"] > box["right"] + tolerance
            or t["top"] < box["top"] - tolerance or t["bottom"] > box["bottom"] + tolerance]


def test_overlap_check_can_fail():
    """The measuring functions themselves: two boxes on top of each other are caught, neighbours are not."""
    a = {"text": "2024", "left": 0, "top": 0, "right": 30, "bottom": 12}
    b = {"text": "2025", "left": 20, "top": 2, "right": 50, "bottom": 14}
    c = {"text": "2026", "left": 30, "top": 0, "right": 60, "bottom": 12}
    assert overlaps([a, b]) == [("2024", "2025")]
    assert overlaps([a, c]) == []
    assert outside([a, c], {"left": 0, "top": 0, "right": 50, "bottom": 20}) == ["2026"]
    # A name 1 px under the bar above it is caught; one 3 px clear of it is not.
    bar = {"text": "bar", "left": 0, "top": 40, "right": 300, "bottom": 52}
    crowded = {"text": "Số doanh nghiệp", "left": 2, "top": 53, "right": 200, "bottom": 72}   # touching: 1 px
    clear = {"text": "Số bài báo", "left": 2, "top": 55, "right": 200, "bottom": 74}
    assert texts_on_bars({"bars": [bar], "texts": [crowded, clear]}) == ["Số doanh nghiệp"]
    page = {"texts": [{"text": "Cập nhật", "top": 780, "bottom": 812}, {"text": "Tiến độ", "top": 120, "bottom": 150}]}
    assert clipped(page, 800) == ["Cập nhật"]


def _settle(page, timeout_s: float = 90) -> None:
    """Wait until the script run is over and the charts stop appearing."""
    page.wait_for_selector("[data-testid='stMain']", timeout=timeout_s * 1000)
    last, stable, start = -1, 0, time.time()
    while time.time() - start < timeout_s:
        time.sleep(0.5)
        running = page.evaluate("document.querySelectorAll('[data-testid=stStatusWidget] button').length")
        count = page.evaluate("document.querySelectorAll('.js-plotly-plot .main-svg').length")
        stable = stable + 1 if (not running and count == last) else 0
        if stable >= 3:
            break
        last = count
    time.sleep(0.5)   # Plotly's last relayout after the container got its width


@pytest.fixture(scope="module")
def base_url(request):
    if os.environ.get("LAYOUT_URL"):
        return os.environ["LAYOUT_URL"].rstrip("/")
    return request.getfixturevalue("server")["url"]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_is_laid_out_without_overlap_or_clipping(base_url, chromium, width, height):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": height})
    problems = []
    charts_seen = 0
    try:
        for name, path in PAGES.items():
            page.goto(base_url + path)
            _settle(page)
            page.screenshot(path=str(SHOTS / f"{name}_{width}x{height}.png"))
            if page.locator("[data-testid='stException']").count():
                problems.append(f"{name}: the page shows an exception")
            sideways = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth - window.innerWidth")
            if sideways > 1:
                problems.append(f"{name}: the page scrolls sideways by {sideways} px")
            for chart in page.evaluate(MEASURE_CHARTS):
                charts_seen += 1
                texts = [t for t in chart["texts"] if not any(w in t["text"] for w in WATERMARKS)]
                where = f"{name} chart {chart['index']}"
                for a, b in overlaps(texts):
                    problems.append(f"{where}: '{a}' overlaps '{b}'")
                for text in outside(texts, chart["box"]):
                    problems.append(f"{where}: '{text}' lies outside the chart")
                for text in tick_covers(chart):
                    problems.append(f"{where}: a tick stands on '{text}'")
                if chart["plotWidth"] is not None and chart["plotWidth"] < 0.5 * chart["box"]["width"]:
                    problems.append(f"{where}: plot area {chart['plotWidth']:.0f} px of {chart['box']['width']:.0f} px")
            if name.startswith("tong-quan"):
                entries = page.evaluate(MEASURE_ENTRIES)
                if not entries:
                    problems.append(f"{name}: no ranked list entries found")
                for e in entries:
                    if e["right"] > width + 1 or e["scroll"] > e["client"] + 1:
                        problems.append(f"{name}: ranked entry cut: {e['text']!r}")
        if width == 1280:
            page.goto(base_url + "/dia-phuong?unit=khanh-hoa")
            _settle(page)
            # A chart with a projection, for a person to look at.
            chart = page.locator(".js-plotly-plot", has_text="Dự báo").first
            chart.scroll_into_view_if_needed()
            chart.screenshot(path=str(SHOTS / "unit-chart_1280.png"))
            page.screenshot(path=str(SHOTS / "unit-chart-in-page_1280x800.png"))
    finally:
        page.close()
    assert charts_seen, "no chart was measured"
    assert not problems, "\n".join(problems)


def _chart_problems(page, where: str) -> list[str]:
    problems = []
    for chart in page.evaluate(MEASURE_CHARTS):
        texts = [t for t in chart["texts"] if not any(w in t["text"] for w in WATERMARKS)]
        for a, b in overlaps(texts):
            problems.append(f"{where} chart {chart['index']}: '{a}' overlaps '{b}'")
        for text in outside(texts, chart["box"]):
            problems.append(f"{where} chart {chart['index']}: '{text}' lies outside the chart")
        for text in tick_covers(chart):
            problems.append(f"{where} chart {chart['index']}: a tick stands on '{text}'")
    return problems


def _present_position(page) -> tuple[int, int]:
    import re

    found = re.search(r"Biểu đồ (\d+)/(\d+)", page.inner_text("body"))
    assert found, page.inner_text("body")[:300]
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("where", ["dia-phuong", "tong-quan"])
@pytest.mark.parametrize("width,height", [(1920, 1080), (1440, 900), (1280, 800)], ids=["1920", "1440", "1280"])
def test_presentation_mode_shows_each_chart_whole_on_one_screen(base_url, chromium, width, height, where):
    """Every step in turn, stepped with the arrow keys: one chart on the screen, its whole box (title to
    the x axis with its years) and the caption under it inside the window, the page not scrolling,
    nothing overlapping or cut, no name or value written on a bar (a name crowded onto the bar above).
    The unit page steps through the progress picture and each target's chart; the overview through
    each province's progress picture."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": height})
    problems = []
    path = "/dia-phuong?unit=khanh-hoa&present=1" if where == "dia-phuong" else "/tong-quan?unit=khanh-hoa&present=1"
    try:
        page.goto(base_url + path)
        _settle(page)
        first, total = _present_position(page)
        for _ in range(first - 1):   # the overview opens on the chosen province: back to the first step
            page.keyboard.press("ArrowLeft")
            _settle(page)
        assert _present_position(page) == (1, total)
        assert total >= (3 if where == "dia-phuong" else 2), page.inner_text("body")[:300]
        seen = set()
        for k in range(total):
            charts = page.evaluate(MEASURE_CHARTS)
            where_ = f"presentation {where} {width}x{height} step {k + 1}"
            if len(charts) != 1:
                problems.append(f"{where_}: {len(charts)} charts on the screen")
            for chart in charts:
                if chart["box"]["bottom"] > height + 1 or chart["box"]["top"] < 0:
                    problems.append(f"{where_}: chart box {chart['box']['top']:.0f}–{chart['box']['bottom']:.0f} px "
                                    f"is not inside the {height} px window")
                for text in texts_on_bars(chart):
                    problems.append(f"{where_}: '{text}' is written on a bar")
            around = page.evaluate(MEASURE_PAGE_TEXTS)
            for text in clipped(around, height):
                problems.append(f"{where_}: '{text}' is cut at the window's edge")
            if around["scroll"] > height + 1:
                problems.append(f"{where_}: the step is {around['scroll']} px tall, more than the {height} px window")
            # which chart this is: its title (the page text above it)
            seen.add(page.evaluate("Array.from(document.querySelectorAll('[data-testid=stMain] h3')).map(h => h.innerText).join('|')"))
            problems += _chart_problems(page, where_)
            if k in (0, 1):
                page.screenshot(path=str(SHOTS / f"presentation-{where}-{k + 1}_{width}x{height}.png"))
            if k < total - 1:
                page.keyboard.press("ArrowRight")
                _settle(page)
                if f"Biểu đồ {k + 2}/{total}" not in page.inner_text("body"):
                    problems.append(f"{where_}: the right arrow key did not step to chart {k + 2}")
        assert len(seen) == total, "stepping showed the same chart twice"
    finally:
        page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path,width", [("/dia-phuong?unit=khanh-hoa", 1280), ("/tong-quan?unit=khanh-hoa", 1280),
                                        ("/dia-phuong?unit=khanh-hoa", 390), ("/dia-phuong?unit=khanh-hoa", 1920)],
                         ids=["unit", "overview", "unit-from-phone", "unit-from-1920"])
def test_print_drops_the_sidebar_and_fits_charts_to_a4(base_url, chromium, path, width):
    """Printed (print media): no sidebar nor sign-in box, every chart the A4 width (not more: the right
    end with 2030 was cut; not half of it: a chart laid out on a phone printed at half the page), all
    its texts inside — the target year 2030 included."""
    from tracker.web.style import PRINT_WIDTH_PX

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(base_url + path)
        _settle(page)
        page.emulate_media(media="print")
        time.sleep(1.5)
        name = path.strip("/").split("?")[0]
        page.screenshot(path=str(SHOTS / f"print-{name}_{width}x800.png"), timeout=120_000)   # a long print page, slow under load
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        assert not page.get_by_text("Đăng nhập").first.is_visible() if page.get_by_text("Đăng nhập").count() else True
        charts = page.evaluate(MEASURE_CHARTS)
        assert charts
        problems = _chart_problems(page, f"print {path}")
        for chart in charts:
            if not 0.95 * PRINT_WIDTH_PX <= chart["box"]["width"] <= PRINT_WIDTH_PX + 2:
                problems.append(f"print {path} at {width} px chart {chart['index']}: {chart['box']['width']:.0f} px wide, "
                                f"not the A4 width ({PRINT_WIDTH_PX} px)")
        if "dia-phuong" in path:
            years = [t["text"] for c in charts for t in c["texts"]]
            assert "2030" in years, "the target year is not in view on the printed charts"
        assert not problems, "\n".join(problems)
        page.emulate_media(media="screen")
    finally:
        page.close()


def test_phone_first_screen_names_the_worst_items(base_url, chromium):
    """At 390 px the overview's first screen (844 px) names the worst two or three targets, each on one line."""
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base_url + "/tong-quan")
        _settle(page)
        items = page.evaluate("""() => Array.from(document.querySelectorAll('ul.nq-worst li')).map(li => {
            const r = li.getBoundingClientRect();
            return {text: li.innerText, top: r.top, bottom: r.bottom, height: r.height,
                    line: parseFloat(getComputedStyle(li).lineHeight) || 24}; })""")
        assert 2 <= len(items) <= 3, items
        for item in items:
            assert item["bottom"] <= 844, f"below the first screen: {item}"
            assert item["height"] < 2 * item["line"] + 8, f"more than one line: {item}"
        # The matrix is a stacked list on a phone, not 1½ columns of a table.
        assert not page.locator(".nq-matrix").first.is_visible()
        assert page.locator("ul.nq-stack").first.count() == 1
    finally:
        page.close()


def test_a_target_link_lands_on_its_own_chart(base_url, chromium):
    """From the overview's ranked list, a target's link opens its unit page scrolled to that target's chart."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(base_url + "/tong-quan")
        _settle(page)
        link = page.locator("[class*='st-key-nq_entry_'] a").nth(1)
        name, href = link.inner_text(), link.get_attribute("href")
        anchor = href.split("#", 1)[1]
        page.goto(base_url + href)
        _settle(page)
        time.sleep(2)   # the page scrolls once it stops growing (style.SCROLL_SCRIPT)
        top = page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top")
        assert 0 <= top <= 200, f"the chart of {name!r} is at {top:.0f} px, not at the top of the window"
    finally:
        page.close()


def test_small_visible_items(base_url, chromium):
    """/tong-quan answers, a signed-out visitor at /nhap-so-lieu is told to sign in (in Vietnamese),
    an unknown unit says so, there is no Deploy button, and the page icon is served locally."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(base_url + "/tong-quan")
        _settle(page)
        body = page.inner_text("body")
        assert "Page not found" not in body and "Chỉ tiêu cần chú ý" in body
        assert page.locator("text=Deploy").count() == 0
        icons = page.evaluate("Array.from(document.querySelectorAll('link[rel~=icon]')).map(l => l.href)")
        assert icons and all(h.startswith(base_url) for h in icons), icons
        page.goto(base_url + "/nhap-so-lieu")
        _settle(page)
        body = page.inner_text("body")
        assert "Page not found" not in body and "hãy đăng nhập" in body
        page.goto(base_url + "/dia-phuong?unit=khong-co")
        _settle(page)
        body = page.inner_text("body")
        assert "Không có địa phương mã “khong-co”" in body and "Địa phương: Lâm Đồng" not in body
    finally:
        page.close()


# What a person reads in the file box: each element's own text (not its children's) and the CSS text
# put before or after it, with the element's box; Streamlit's words hidden by font-size 0 do not count.
READ_UPLOADER = """() => {
  const zone = document.querySelector('.st-key-uploader [data-testid=stFileUploaderDropzone]');
  const out = [];
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  zone.querySelectorAll('*').forEach(e => {
    const style = getComputedStyle(e);
    if (e.closest('[data-testid=stIconMaterial], svg') || e.getClientRects().length === 0) return;
    const own = Array.from(e.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own && parseFloat(style.fontSize) > 0 && style.display !== 'none') out.push({text: own, ...box(e)});
    ['::before', '::after'].forEach(p => {
      const c = getComputedStyle(e, p).content;
      if (c && c !== 'none' && c !== 'normal' && c !== '""') {
        const text = c.startsWith('"') ? c.slice(1, -1) : (c.startsWith('attr(') ? e.getAttribute(c.slice(5, -1)) : c);
        out.push({text: text, pseudo: p, ...box(e)});
      }
    });
  });
  const chip = zone.querySelector('[data-testid=stFileChipName]');
  const buttons = Array.from(zone.querySelectorAll('button')).map(b => ({text: b.getAttribute('aria-label') || b.innerText, ...box(b)}));
  return {words: out, buttons: buttons, chip: chip ? {text: chip.getAttribute('title'), ...box(chip)} : null};
}"""
STREAMLIT_ENGLISH = ("Upload", "per file", "Browse", "Drag and drop", "XLSM", "Add files")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_file_box_reads_cleanly_before_and_after_a_file_is_chosen(base_url, chromium, width, tmp_path):
    """The upload box in Vietnamese: no word of Streamlit's English, the button says «Chọn tệp»; once a
    file is chosen, its whole name and its size the Vietnamese way, and no text on the chip's remove
    button (CSS meant for the choose button once wrote «Chọn tệp» over the file name)."""
    from tests.support.browser import sign_in
    from tests.support.forms import khanh_hoa_form

    name, content, _ = khanh_hoa_form(1234.0)
    (tmp_path / name).write_bytes(content)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        sign_in(page, base_url, "canbo.khanhhoa", "mat-khau-kh-2026")
        page.get_by_role("link", name="Nhập số liệu").first.click()
        page.locator("[data-testid=stFileUploaderDropzoneInput]").wait_for(state="attached")
        page.set_viewport_size({"width": width, "height": 900})
        _settle(page)
        before = page.evaluate(READ_UPLOADER)
        said = " ".join(w["text"] for w in before["words"])
        assert not [w for w in STREAMLIT_ENGLISH if w in said], said
        assert "Chọn tệp" in said and "Kéo thả tệp vào đây" in said and "MB mỗi tệp" in said, said

        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(tmp_path / name))
        page.locator("[data-testid=stFileChipName]").wait_for()
        _settle(page)
        zone = page.locator(".st-key-uploader [data-testid=stFileUploaderDropzone]")
        zone.scroll_into_view_if_needed()
        zone.screenshot(path=str(SHOTS / f"upload-chosen_{width}.png"))
        after = page.evaluate(READ_UPLOADER)
        said = " ".join(w["text"] for w in after["words"])
        assert not [w for w in STREAMLIT_ENGLISH if w in said], said
        assert name in said, f"the whole file name is not shown: {said}"
        size = f"{len(content) / 1024:.0f}"
        assert f"{size} KB" in said or f"{size}," in said, said   # '14 KB' / '14,4 KB', never '14.4KB'
        remove = [b for b in after["buttons"] if b["text"].startswith("Remove")]
        assert remove, after["buttons"]
        pseudo_on_remove = [w for w in after["words"] if w.get("pseudo") and w["left"] >= remove[0]["left"] - 0.5
                            and w["right"] <= remove[0]["right"] + 0.5 and w["top"] >= remove[0]["top"] - 0.5
                            and w["bottom"] <= remove[0]["bottom"] + 0.5]
        assert not pseudo_on_remove, f"text on the remove button: {pseudo_on_remove}"
        for a, b in [(after["chip"], remove[0])] + [(after["chip"], o) for o in after["buttons"] if o is not remove[0]]:
            assert overlaps([a, b]) == [], f"{a['text']!r} overlaps {b['text']!r}"
    finally:
        context.close()
