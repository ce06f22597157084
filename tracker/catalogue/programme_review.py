"""The review table of the «Thêm chương trình» page, without Streamlit: proposals as rows in
Vietnamese words (measure, unit and comparator labels, never codes or "None"), rows back as the
keys tracker.catalogue.programmes saves, and the sentences of a text an admin can pick to add a row the
reader missed (its quote is then the sentence, verbatim)."""

from __future__ import annotations

import math

from tracker.catalogue.models import NUMERIC_KINDS, UNITS
from tracker.core.i18n import t
from tracker.catalogue.programmes import COMPARATORS, clean_text
from tracker.catalogue.propose import Proposal, normalise, pieces, sections_of

_UNIT_WORDS = {"vi": {"percent": "phần trăm (%)", "percent_per_year": "phần trăm mỗi năm (%/năm)", "rank": "thứ hạng",
                      "task": "nhiệm vụ"},
               "en": {"percent": "per cent (%)", "percent_per_year": "per cent a year (%/year)"}}
_COMPARATOR_WORDS = {"vi": {">": "trên (>)", ">=": "ít nhất (≥)", "=": "bằng (=)", "~": "khoảng (~)", "<=": "tối đa (≤)",
                            "<": "dưới (<)"},
                     "en": {">": "more than (>)", ">=": "at least (≥)", "=": "equal to (=)", "~": "about (~)",
                            "<=": "at most (≤)", "<": "less than (<)"}}
GRID_COLUMNS = ["accept", "kind_label", "name", "name_en", "quote", "measure_label", "unit_label", "confirmed",
                "comparator_label", "value", "year", "due", "due_text", "recurring", "agency", "section", "line"]


def measure_labels(lang: str) -> dict[str, str]:
    return {k: t(f"kind.{k}", lang) for k in NUMERIC_KINDS}


def unit_labels(lang: str) -> dict[str, str]:
    return {k: _UNIT_WORDS.get(lang, {}).get(k) or UNITS[k]["en" if lang == "en" else "vi"] for k in UNITS}


def comparator_labels(lang: str) -> dict[str, str]:
    return {k: _COMPARATOR_WORDS["en" if lang == "en" else "vi"][k] for k in COMPARATORS}


def kind_labels(lang: str) -> dict[str, str]:
    return {k: t(f"prog.kind.{k}", lang) for k in ("numeric", "direction", "milestone")}


def _blank(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def grid_row(p: Proposal | dict, lang: str) -> dict:
    """One proposal as a row of the review table, in words."""
    d = p.as_json() if isinstance(p, Proposal) else dict(p)
    return {"accept": bool(d.get("accept", False)), "kind": d["kind"], "kind_label": kind_labels(lang)[d["kind"]],
            "name": d.get("name") or "", "name_en": d.get("name_en") or "", "quote": d.get("quote") or "",
            "measure_label": measure_labels(lang).get(d.get("measure") or "", ""),
            "unit_label": unit_labels(lang).get(d.get("unit") or ("task" if d["kind"] == "milestone" else ""), ""),
            "confirmed": bool(d.get("confirmed", False)),
            "comparator_label": comparator_labels(lang).get(d.get("comparator") or "", ""),
            "value": _blank(d.get("value")), "year": _blank(d.get("year")), "due": d.get("due") or "",
            "due_text": d.get("due_text") or "", "recurring": bool(d.get("recurring")), "agency": d.get("agency") or "",
            "section": d.get("section") or "", "line": _blank(d.get("line")),
            # kept for saving, not shown
            "direction": d.get("direction"), "start": d.get("start"), "average": bool(d.get("average")),
            "from_year": d.get("from_year"), "horizon": d.get("horizon"), "sector": d.get("sector")}


def grid_rows(proposals: list, lang: str) -> list[dict]:
    return [grid_row(p, lang) for p in proposals]


def saved_rows(records: list[dict], lang: str) -> list[dict]:
    """Edited rows of the table → the keys build_entries reads (labels back to codes)."""
    back_measure = {v: k for k, v in measure_labels(lang).items()}
    back_unit = {v: k for k, v in unit_labels(lang).items()}
    back_cmp = {v: k for k, v in comparator_labels(lang).items()}
    out = []
    for r in records:
        row = dict(r)
        row["measure"] = back_measure.get(r.get("measure_label") or "")
        row["unit"] = back_unit.get(r.get("unit_label") or "")
        row["comparator"] = back_cmp.get(r.get("comparator_label") or "")
        out.append(row)
    return out


def sentences(text: str) -> list[dict]:
    """Every sentence (or bullet) of the text, once, with its line and section: what an admin picks
    from to add a row the reader missed."""
    seen, out = set(), []
    for section in sections_of(text):
        for sentence, _clause, _offset, line in pieces(section):
            key = normalise(sentence)
            if len(key) < 15 or key in seen:
                continue
            seen.add(key)
            out.append({"line": line, "section": section.label, "text": sentence})
    return out


def row_from_sentence(sentence: dict, kind: str, lang: str, name: str = "") -> dict:
    """A new row whose quote is the picked sentence, verbatim; the admin fills in the rest."""
    text = sentence["text"].strip(" ;.")
    default_name = clean_text(name) or (text if len(text) <= 90 else text[:90].rsplit(",", 1)[0])
    base = {"kind": kind, "name": default_name, "quote": text, "section": sentence["section"], "line": sentence["line"],
            "accept": True}
    if kind == "milestone":
        base["unit"] = "task"
    if kind == "direction":
        base["direction"] = "increase"
        base["year"] = 2030
    return grid_row(base, lang)
