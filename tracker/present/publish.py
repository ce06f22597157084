"""The public face: a static site of what the public may see, written from the shared snapshot.

`python -m tracker publish --out site/` writes, per language, an overview and one page per unit with
targets (charts as inline SVG with the dashboard's titles, target labels and 'Cập nhật … Nguồn …'
lines, the tables as HTML and as CSV), a stylesheet and a manifest. Any web server serves the folder
(relative links, an index.html per folder, no JavaScript), and so does a browser from disk.

Figures come only from the Snapshot the dashboard's leaders read (tracker.assess.snapshot.shared_snapshot):
whatever that view leaves out (a submission not yet approved) is not published either.

Rebuilding touches only what changed. Each page has a fingerprint of everything drawn on it — the
unit's assessments and yearly values, the catalogue entries and names shown, the caption, the
language and the code that turns them into text — kept in ``manifest.json`` with the SHA-256 of each
file written. A page whose fingerprint is unchanged is not drawn again; a drawn file whose bytes are
unchanged is not written again; pages of units that are gone are removed. Files are replaced
atomically (a web server never serves half a page) and the manifest is written last.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.assess.judge import status_label
from tracker.assess.snapshot import Snapshot
from tracker.catalogue import Catalogue, lineage_text
from tracker.core import statuses
from tracker.core.statuses import BEHIND
from tracker.core.i18n import fmt_date, fmt_number, t
from tracker.core.periods import parse_period
from tracker.present.downloads import table_csv
from tracker.present.figures import progress_spec
from tracker.present.labels import caption, chart_anchor, is_direction, target_label
from tracker.present.overview import attention_rows, headline, numeric_counts, status_counts, unit_cards
from tracker.present.svg_chart import render_svg, safe_html
from tracker.present.tables import matrix_rows, milestone_rows, milestone_table, status_table
from tracker.assess.value_kinds import of_series

MANIFEST = "manifest.json"
LANGS = ("vi", "en")
ATTENTION_SHOWN = 60

WORDS = {
    "site": ("NQ45 — Theo dõi thực hiện chỉ tiêu đến năm 2030", "NQ45 — Progress towards the 2030 targets"),
    "demo": ("DỮ LIỆU MINH HỌA — KHÔNG PHẢI SỐ LIỆU THẬT", "DEMO DATA — NOT REAL FIGURES"),
    "public": ("Trang công khai, chỉ gồm số liệu đã được duyệt.", "Public pages: approved figures only."),
    "csv": ("Tải bảng (CSV)", "Download the table (CSV)"),
    "all_targets": ("Các chỉ tiêu", "All targets"),
    "units": ("Các địa phương", "Units"),
    "unit_col": ("Địa phương", "Unit"),
    "latest_col": ("Kỳ báo cáo gần nhất", "Latest period reported"),
    "targets_col": ("Số chỉ tiêu", "Targets"),
    "other_lang": ("English", "Tiếng Việt"),
    "back": ("← Tổng quan", "← Overview"),
    "none_behind": ("Không có chỉ tiêu nào đang chậm hoặc đi ngược.", "No target is behind or moving away."),
    "more": ("Còn {n} chỉ tiêu cần chú ý khác trong tệp CSV.", "{n} more targets that need attention are in the CSV."),
    "empty": ("Chưa có số liệu được công bố.", "No figures published yet."),
    "tasks_none": ("Chưa có nhiệm vụ.", "No tasks."),
    "updated": ("Số liệu cập nhật đến {period}.", "Figures up to {period}."),
}
FILES = {"vi": {"targets": "chi-tieu.csv", "tasks": "nhiem-vu.csv", "units": "dia-phuong.csv",
                "attention": "can-chu-y.csv"},
         "en": {"targets": "targets.csv", "tasks": "tasks.csv", "units": "units.csv", "attention": "attention.csv"}}

CSS = """*{box-sizing:border-box}
body{margin:0;font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#1f2933;background:#fff;line-height:1.45;
font-size:16px;-webkit-text-size-adjust:100%}
main,header,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.3rem 1rem;padding-top:.8rem;padding-bottom:.4rem;
border-bottom:1px solid #e4e7eb;font-size:.92rem}
a{color:#1f4e79}
h1{font-size:1.7rem;margin:.8rem 0 .3rem}h2{font-size:1.35rem;margin:1.6rem 0 .4rem}h3{font-size:1.05rem;margin:0 0 .2rem}
.demo{background:#fff3bf;border:1px solid #e3a008;padding:.5rem .8rem;border-radius:.4rem;font-weight:bold}
.note{color:#52606d;font-size:.92rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem;margin:.6rem 0}
.tile{border:1px solid #e4e7eb;border-radius:.4rem;padding:.5rem .7rem}.tile b{display:block;font-size:1.6rem}
.tile span{font-size:.85rem;color:#52606d}
.chart{border:1px solid #e4e7eb;border-radius:.4rem;padding:.7rem;margin:.8rem 0}
.chart svg{display:block;width:100%;height:auto;max-width:40rem}
.sub{color:#52606d;font-size:.92rem;margin:.1rem 0 .4rem;overflow-wrap:anywhere}
.foot{color:#52606d;font-size:.8rem;margin:.3rem 0 0;overflow-wrap:anywhere}
.entry{border:1px solid #e4e7eb;border-radius:.4rem;padding:.5rem .7rem;margin:.5rem 0;overflow-wrap:anywhere}
.chip{display:inline-block;padding:0 .5rem;border-radius:.7rem;color:#fff;font-weight:bold;font-size:.85rem}
.facts{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;font-size:.9rem}.facts b{display:block;color:#52606d;font-weight:normal;
font-size:.8rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #e4e7eb;padding:.3rem .45rem;text-align:left;
vertical-align:top}th{background:#f5f7fa}td.n{text-align:right;white-space:nowrap}
@media (max-width:640px){h1{font-size:1.45rem}h2{font-size:1.2rem}.tile b{font-size:1.3rem}}
@media print{header a.lang{display:none}.chart{break-inside:avoid}}
"""


def _w(key: str, lang: str, **kwargs) -> str:
    vi, en = WORDS[key]
    return (en if lang == "en" else vi).format(**kwargs)


@dataclass
class Page:
    """One page of the site: where it lives, what its content depends on, and how to draw its files."""

    key: str                                   # "vi/khanh-hoa/"
    fingerprint: str
    draw: Callable[[], dict[str, bytes]]       # site-relative path -> bytes


@dataclass
class PublishResult:
    pages: int = 0
    drawn: int = 0                             # pages whose fingerprint changed
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


class PublishError(Exception):
    """The output folder cannot be used; the message says why, in Vietnamese and English."""


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """SHA-256 of the code whose output is drawn on the pages: this module and every tracker module it
    imports, directly or not (tracker.core.module_sources), so a change to any of them draws every page
    again. A hand-kept list of file names went stale when the modules moved into folders (issue 18)."""
    from tracker.core.module_sources import import_closure

    digest = hashlib.sha256()
    for file in import_closure(__name__):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _fingerprint(*parts) -> str:
    return hashlib.sha256(repr((_code_version(),) + parts).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=8)
def _state_fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_") and f.name != "indicator")


def _assessment_state(a) -> tuple:
    """Every value of an assessment that text or a chart is made from (its yearly series included)."""
    state = tuple(getattr(a, name) for name in _state_fields(type(a)))
    series = getattr(a, "series", None)
    if series is not None:
        state += tuple((p.year, p.value, p.partial, p.provisional, p.quarters, p.period) for p in series)
    return state


def unit_folder(unit: str) -> str:
    """The unit's folder name: its id where that is a plain slug, otherwise a name made from it."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,80}", unit):
        return unit
    return "u-" + hashlib.sha256(unit.encode("utf-8")).hexdigest()[:16]


def published_units(cat: Catalogue, snap: Snapshot) -> list[str]:
    """The units with a page: those the dashboard's unit page offers (any target) and the snapshot assessed."""
    return [u for u in cat.jurisdictions if u in snap.results and cat.indicators_for(u)]


# --- HTML pieces --------------------------------------------------------------------------------

def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _cell(value, lang: str) -> tuple[str, bool]:
    """A table value as page text (Vietnamese numbers and dates) and whether it is a number."""
    if value is None or value == "":
        return "", False
    if isinstance(value, bool):
        return _e(str(value)), False
    if isinstance(value, (int, float)):
        return _e(fmt_number(value, lang)), True
    if isinstance(value, (dt.date, dt.datetime)):
        return _e(fmt_date(value, lang)), False
    return _e(value), False


def _table_html(rows: list[dict], lang: str, links: list[str] | None = None) -> str:
    """The rows as an HTML table scrolling inside its box; ``links``: a relative link per row for its first cell."""
    if not rows:
        return ""
    columns = list(rows[0])
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = []
    for k, r in enumerate(rows):
        cells = []
        for j, c in enumerate(columns):
            text, number = _cell(r.get(c), lang)
            if j == 0 and links:
                text = f'<a href="{_e(links[k])}">{text}</a>'
            cells.append(f'<td class="n">{text}</td>' if number else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _chip(status: str, lang: str) -> str:
    return f'<span class="chip" style="background:{statuses.colour(status)}">{_e(status_label(status, lang))}</span>'


def _document(lang: str, title: str, body: str, *, depth: int, other: str, demo: bool) -> bytes:
    """A whole page: ``depth`` folders below the site's root, ``other`` the same page in the other language."""
    root = "../" * depth
    banner = f'<p class="demo">{_e(_w("demo", lang))}</p>' if demo else ""
    other_lang = "en" if lang != "en" else "vi"
    page = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)} — NQ45</title>"
            f'<link rel="stylesheet" href="{root}style.css"></head><body>'
            f'<header><a href="{root}{lang}/index.html">{_e(_w("site", lang))}</a>'
            f'<a class="lang" href="{other}" hreflang="{other_lang}">{_e(_w("other_lang", lang))}</a></header>'
            f"<main>{banner}{body}</main>"
            f'<footer><p class="note">{_e(_w("public", lang))}</p></footer></body></html>\n')
    return page.encode("utf-8")


def _tiles(items: list[tuple[str, int]], lang: str) -> str:
    return '<div class="tiles">' + "".join(
        f'<div class="tile"><b>{_e(fmt_number(n, lang))}</b><span>{_e(label)}</span></div>' for label, n in items) + "</div>"


# --- the unit page ------------------------------------------------------------------------------

def _unit_state(cat: Catalogue, snap: Snapshot, unit: str) -> str:
    """A digest of what a unit's pages are drawn from in any language: its assessments and their
    catalogue entries (made once, for both languages' fingerprints)."""
    res = snap.results.get(unit, {"numeric": [], "milestones": []})
    state = tuple((_assessment_state(a), _indicator_state(cat.indicator(a.indicator_id)))
                  for a in res["numeric"] + res["milestones"])
    # An estimate replaced by an official figure of the same value changes the page (its marks and words).
    state += tuple(sorted(of_series(snap.kinds, a).items()) for a in res["numeric"])
    return hashlib.sha256(repr(state).encode("utf-8")).hexdigest()


def _unit_page(cat: Catalogue, snap: Snapshot, unit: str, lang: str, langs: tuple[str, ...], state: str) -> Page:
    folder = unit_folder(unit)
    res = snap.results.get(unit, {"numeric": [], "milestones": []})
    cap = caption(cat, snap, lang, [unit])
    name = cat.name(unit, lang)
    lineage = lineage_text(cat, unit, lang)
    # Names from other entries of the catalogue drawn on the page (merged units' territories, predecessors).
    names = tuple((cat.territory_label(cat.indicator(a.indicator_id), unit, lang),
                   cat.name(cat.indicator(a.indicator_id).jurisdiction, lang)) for a in res["numeric"] + res["milestones"])
    fingerprint = _fingerprint("unit", lang, langs, unit, name, lineage, cap, state, names)

    def draw() -> dict[str, bytes]:
        files = FILES[lang]
        head = headline(snap, unit)
        parts = [f"<h1>{_e(t('page.unit', lang))}: {_e(name)}</h1>"]
        parts += [f'<p class="note">{_e(line)}</p>' for line in lineage]
        parts.append(f'<p class="note">{_e(_w("updated", lang, period=cap.updated))}</p>')
        parts.append(_tiles([(t("ov.moving_away", lang), head["moving_away"]), (t("ov.slow", lang), head["slow"]),
                             (t("ov.good", lang), head["good"]), (t("ov.unknown", lang), head["unknown"]),
                             (t("ov.overdue", lang), head["overdue"]), (t("ov.done", lang), head["done"])], lang))
        parts.append(f"<h2>{_e(t('unit.targets', lang))}</h2>")
        if not res["numeric"]:
            parts.append(f'<p class="note">{_e(t("unit.no_targets", lang))}</p>')
        own = {i.id for i in cat.own_indicators(unit)}
        inherited = set()
        numeric = [a for a in res["numeric"] if not is_direction(a)]
        directions = [a for a in res["numeric"] if is_direction(a)]
        for a in numeric + directions:
            ind = cat.indicator(a.indicator_id)
            if directions and a is directions[0]:
                parts.append(f"<h2>{_e(t('unit.direction', lang))}</h2>")
            if ind.id not in own and ind.jurisdiction not in inherited:
                inherited.add(ind.jurisdiction)
                parts.append(f"<h3>{_e(t('unit.inherited', lang, name=cat.name(ind.jurisdiction, lang)))}</h3>")
            sector = target_label(cat, a.indicator_id, a.sector, lang).split(" — ", 1)[1] if a.sector else ""
            spec = progress_spec(ind, a, unit_name=cat.territory_label(ind, unit, lang), caption=cap, sector_name=sector,
                                 kinds=of_series(snap.kinds, a))
            meta = spec["layout"]["meta"]
            parts.append(f'<section class="chart" id="{chart_anchor(a.indicator_id, a.sector)}">'
                         f'<h3>{_e(meta["title"])}</h3><p class="sub">{safe_html(meta["subtitle"])}</p>'
                         f'{render_svg(spec, lang, meta["title"])}<p class="foot">{safe_html(meta["footer"])}</p></section>')
        out: dict[str, bytes] = {}
        rows = status_table(matrix_rows(cat, snap, lang, [unit]), lang)
        if rows:
            parts.append(f"<h2>{_e(_w('all_targets', lang))}</h2>")
            parts.append(f'<p><a href="{files["targets"]}" download>{_e(_w("csv", lang))}</a></p>' + _table_html(rows, lang))
            out[f"{lang}/{folder}/{files['targets']}"] = table_csv(rows)
        parts.append(f"<h2>{_e(t('unit.tasks', lang))}</h2>")
        tasks = milestone_table(milestone_rows(cat, snap, lang, [unit]), lang)
        if tasks:
            parts.append(f'<p><a href="{files["tasks"]}" download>{_e(_w("csv", lang))}</a></p>' + _table_html(tasks, lang))
            out[f"{lang}/{folder}/{files['tasks']}"] = table_csv(tasks)
        else:
            parts.append(f'<p class="note">{_e(t("unit.no_tasks", lang))}</p>')
        other = f"../../{_other(lang, langs)}/{folder}/index.html"
        out[f"{lang}/{folder}/index.html"] = _document(lang, name, "".join(parts), depth=2, other=other, demo=cap.demo)
        return out

    return Page(key=f"{lang}/{folder}/", fingerprint=fingerprint, draw=draw)


def _indicator_state(ind) -> str:
    return _indicator_json(id(ind), ind)


_indicator_cache: dict[int, tuple[object, str]] = {}


def _indicator_json(key: int, ind) -> str:
    """A digest of the catalogue entry (names, target, unit, document), kept per object: a catalogue's
    entries never change once loaded."""
    found = _indicator_cache.get(key)
    if found is None or found[0] is not ind:
        found = _indicator_cache[key] = (ind, hashlib.sha256(ind.model_dump_json().encode("utf-8")).hexdigest())
    return found[1]


def _other(lang: str, langs: tuple[str, ...]) -> str:
    other = "en" if lang != "en" else "vi"
    return other if other in langs else lang


# --- the overview -------------------------------------------------------------------------------

def _overview_page(cat: Catalogue, snap: Snapshot, units: list[str], lang: str, langs: tuple[str, ...]) -> Page:
    cap = caption(cat, snap, lang, None)   # None: the demo mark wherever any unit still draws demo values
    counts = numeric_counts(snap, units)
    tasks = status_counts(snap, units)
    cards = unit_cards(cat, snap, lang, units)
    # Its text (gaps, paces, reasons of every target behind) is made from the units' assessments and
    # catalogue entries, and the units' and targets' names: those are its fingerprint, so that a rebuild
    # formats the rows only when something in them changed.
    shown = set(units)
    behind = tuple((u, cat.territory_label(cat.indicator(a.indicator_id), u, lang),
                    target_label(cat, a.indicator_id, a.sector, lang), _assessment_state(a),
                    _indicator_state(cat.indicator(a.indicator_id)), snap.kind(a.indicator_id, a.sector, a.latest_period))
                   for u, res in snap.results.items() if u in shown for a in res["numeric"]
                   if a.status in BEHIND and not is_direction(a))
    fingerprint = _fingerprint("overview", lang, langs, cap, snap.latest_period, counts, tasks, cards, behind)

    def draw() -> dict[str, bytes]:
        return _draw_overview(cat, snap, units, lang, langs, cap, counts, tasks, cards)

    return Page(key=f"{lang}/", fingerprint=fingerprint, draw=draw)


def _draw_overview(cat, snap, units, lang, langs, cap, counts, tasks, cards) -> dict[str, bytes]:
    files = FILES[lang]
    attention = attention_rows(cat, snap, lang, units, limit=None)
    en = lang == "en"
    attention_table = [{
        ("Unit" if en else "Địa phương"): r["unit_name"], ("Target" if en else "Chỉ tiêu"): r["target_name"],
        ("Status" if en else "Tình trạng"): r["status_label"], t("ov.col.latest", lang): r["latest_text"],
        t("ov.col.target", lang): r["target_text"], t("ov.col.gap", lang): r["gap_text"],
        t("ov.col.rate", lang): r["rate_text"], ("Why" if en else "Căn cứ"): r["reason"]} for r in attention]
    unit_table = [{
        _w("unit_col", lang): c["unit_name"], t("ov.moving_away", lang): c["moving_away"], t("ov.slow", lang): c["slow"],
        t("ov.good", lang): c["good"], t("ov.unknown", lang): c["unknown"], t("ov.overdue", lang): c["overdue"],
        _w("targets_col", lang): c["targets"], _w("latest_col", lang): c["latest_period"]} for c in cards]
    period = parse_period(snap.latest_period).label(lang) if snap.latest_period else "—"
    parts = [f"<h1>{_e(t('page.overview', lang))}</h1>"]
    if snap.empty:
        parts.append(f'<p class="note">{_e(_w("empty", lang))}</p>')
    else:
        parts.append(f'<p class="note">{_e(t("ov.intro", lang, period=period))}</p>')
    parts.append(_tiles([(t("ov.moving_away", lang), counts["moving_away"]), (t("ov.slow", lang), counts["slow"]),
                         (t("ov.good", lang), counts["good"]), (t("ov.unknown", lang), counts["unknown"]),
                         (t("ov.overdue", lang), tasks["overdue"])], lang))
    parts.append(f"<h2 id=\"can-chu-y\">{_e(t('ov.attention', lang))}</h2>")
    if not attention:
        parts.append(f'<p class="note">{_e(_w("none_behind", lang))}</p>')
    for r in attention[:ATTENTION_SHOWN]:
        href = f"{unit_folder(r['unit'])}/index.html#{chart_anchor(r['indicator_id'], r['sector'])}"
        facts = [(t("ov.col.latest", lang), r["latest_text"]), (t("ov.col.target", lang), r["target_text"]),
                 (t("ov.col.gap", lang), r["gap_text"]), (t("ov.col.rate", lang), r["rate_text"])]
        reason = r["reason"][:1].upper() + r["reason"][1:]
        parts.append(f'<div class="entry">{_chip(r["status"], lang)} <b>{_e(r["unit_name"])}</b> — '
                     f'<a href="{_e(href)}">{_e(r["target_name"])}</a><div class="facts">'
                     + "".join(f"<div><b>{_e(k)}</b>{_e(v)}</div>" for k, v in facts)
                     + f'</div><p class="note">{_e(reason)}.</p></div>')
    if attention:
        if len(attention) > ATTENTION_SHOWN:
            parts.append(f'<p class="note">{_e(_w("more", lang, n=fmt_number(len(attention) - ATTENTION_SHOWN, lang)))}</p>')
        parts.append(f'<p><a href="{files["attention"]}" download>{_e(_w("csv", lang))}</a></p>')
    parts.append(f"<h2>{_e(_w('units', lang))}</h2>")
    parts.append(f'<p><a href="{files["units"]}" download>{_e(_w("csv", lang))}</a></p>')
    parts.append(_table_html(unit_table, lang, [f"{unit_folder(c['unit'])}/index.html" for c in cards]))
    parts.append(f'<p class="foot">{safe_html(cap.footer())}</p>')
    out = {f"{lang}/index.html": _document(lang, t("page.overview", lang), "".join(parts), depth=1,
                                            other=f"../{_other(lang, langs)}/index.html", demo=cap.demo),
           f"{lang}/{files['units']}": table_csv(unit_table)}
    if attention:
        out[f"{lang}/{files['attention']}"] = table_csv(attention_table)
    return out


def _root_page(langs: tuple[str, ...]) -> Page:
    first = langs[0]
    links = " · ".join(f'<a href="{lang}/index.html" hreflang="{lang}">{_e(_w("site", lang))}</a>' for lang in langs)
    page = (f'<!DOCTYPE html>\n<html lang="{first}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="refresh" content="0; url={first}/index.html"><title>NQ45</title>'
            f'<link rel="stylesheet" href="style.css"></head><body><main><p>{links}</p></main></body></html>\n')
    content = {"index.html": page.encode("utf-8"), "style.css": CSS.encode("utf-8")}
    return Page(key="", fingerprint=_fingerprint("root", langs), draw=lambda: content)


def site_pages(cat: Catalogue, snap: Snapshot, langs: tuple[str, ...] = LANGS) -> list[Page]:
    """Every page of the site, fingerprinted; drawing happens only when a page is asked for its files."""
    units = published_units(cat, snap)
    pages = [_root_page(langs)]
    states = {unit: _unit_state(cat, snap, unit) for unit in units}
    for lang in langs:
        pages.append(_overview_page(cat, snap, cat.units_with_targets(), lang, langs))
        pages.extend(_unit_page(cat, snap, unit, lang, langs, states[unit]) for unit in units)
    return pages


# --- writing ------------------------------------------------------------------------------------

def _inside(out: Path, rel: str) -> Path | None:
    """The path of a site-relative name, or None when it would leave the folder (a damaged manifest)."""
    path = (out / rel).resolve()
    return path if path.is_relative_to(out.resolve()) and path != out.resolve() else None


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.chmod(tmp, 0o644)     # a public site: the web server's user reads it
    os.replace(tmp, path)


def _read_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        pages = data.get("pages")
        return pages if isinstance(pages, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _public_folders(out: Path, path: Path) -> None:
    """Folders of the site readable by a web server's user (the CLI's umask makes them owner-only)."""
    root = out.resolve()
    folder = path.resolve().parent
    while folder != root and folder.is_relative_to(root):
        os.chmod(folder, 0o755)
        folder = folder.parent


def publish_site(cat: Catalogue, snap: Snapshot, out: Path, langs: tuple[str, ...] = LANGS) -> PublishResult:
    """Write the site into ``out``, drawing only the pages whose fingerprint changed (see the module text)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} không phải là thư mục. / {out} is not a folder.")
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise PublishError(f"Thư mục {out} đã có tệp nhưng không phải trang công khai (thiếu {MANIFEST}); "
                           f"hãy chọn thư mục trống. / {out} holds other files (no {MANIFEST}); choose an empty folder.")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o755)
    before = _read_manifest(out)
    after: dict[str, dict] = {}
    result = PublishResult()
    for page in site_pages(cat, snap, langs):
        result.pages += 1
        prev = before.get(page.key) if isinstance(before.get(page.key), dict) else None
        prev_files = prev.get("files", {}) if prev and isinstance(prev.get("files"), dict) else {}
        if (prev and prev.get("fingerprint") == page.fingerprint
                and all((p := _inside(out, rel)) is not None and p.is_file() for rel in prev_files)):
            after[page.key] = prev
            continue
        result.drawn += 1
        files = page.draw()
        hashes = {}
        for rel, content in files.items():
            digest = hashlib.sha256(content).hexdigest()
            hashes[rel] = digest
            path = out / rel
            if prev_files.get(rel) != digest or not path.is_file():
                _write(path, content)
                _public_folders(out, path)
                result.written.append(rel)
        for rel in prev_files:
            if rel not in files:
                _remove(out, rel, result)
        after[page.key] = {"fingerprint": page.fingerprint, "files": hashes}
    for key, prev in before.items():
        if key not in after and isinstance(prev, dict):
            for rel in prev.get("files", {}) if isinstance(prev.get("files"), dict) else ():
                _remove(out, rel, result)
    manifest = {"format": 1, "languages": list(langs), "snapshot": snap.token, "latest_period": snap.latest_period,
                "pages": after}
    _write(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8"))
    for prev in after.values():
        for rel in prev["files"]:
            result.files += 1
            path = out / rel
            result.bytes += path.stat().st_size if path.is_file() else 0
    return result


def _remove(out: Path, rel: str, result: PublishResult) -> None:
    path = _inside(out, rel)
    if path is None or not path.is_file():
        return
    path.unlink()
    result.removed.append(rel)
    folder = path.parent
    while folder != out.resolve() and folder.is_relative_to(out.resolve()) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
