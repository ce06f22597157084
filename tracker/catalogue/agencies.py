"""Departments feeding one unit (issue 21): which agency leads which of a unit's targets, where the
document says so, and the checks that keep that traced to the document's words.

An agency is named on a target only where its document names it (``agency_id`` and ``agency_quote`` in
the catalogue); a unit whose targets name none reports on one whole form, as before.
"""

from __future__ import annotations

from pathlib import Path

from tracker.catalogue import Agency, Catalogue, Indicator

# How far (in characters of the whitespace-folded text) the words naming an agency may stand from the
# target's quote: the sentence and its paragraph, not another section's list of bodies.
NEAR = 400


def agency_targets(catalogue: Catalogue, unit: str, agency_id: str) -> list[Indicator]:
    """The targets ``unit`` reports that ``agency_id`` leads (its own and inherited), in catalogue order."""
    return [i for i in catalogue.reportable_indicators_for(unit) if i.agency_id == agency_id]


def unknown_agency_message(catalogue: Catalogue, unit: str, agency_id: str, lang: str = "vi") -> str:
    """What to say when ``agency_id`` leads none of ``unit``'s targets, with the ids that do."""
    known = ", ".join(a.id for a in catalogue.agencies_for(unit))
    if lang == "en":
        return (f"“{agency_id}” leads none of {catalogue.name(unit, 'en')}'s targets"
                + (f" (agencies: {known})." if known else "; this unit's targets name no lead agency: use the whole form."))
    return (f"“{agency_id}” không chủ trì chỉ tiêu nào của {catalogue.name(unit)}"
            + (f" (các cơ quan: {known})." if known else "; các chỉ tiêu của đơn vị này không ghi cơ quan chủ trì: dùng biểu mẫu chung."))


def agency_listing(catalogue: Catalogue, units: list[str] | None = None, lang: str = "vi") -> list[dict]:
    """One row per (unit, agency): its id, names and the targets it leads, for ``python -m tracker agencies``."""
    rows = []
    for unit in units if units is not None else catalogue.reporting_units():
        for agency in catalogue.agencies_for(unit):
            targets = agency_targets(catalogue, unit, agency.id)
            rows.append({"unit": unit, "unit_name": catalogue.name(unit, lang), "agency": agency.id,
                         "name": agency.name.get(lang), "name_vi": agency.name.vi, "name_en": agency.name.en,
                         "targets": [{"id": i.id, "name": i.name.get(lang), "kind": i.kind,
                                      "frequency": i.reporting_frequency} for i in targets]})
    return rows


def agency_problems(catalogue: Catalogue, folder: Path | None = None, near: int = NEAR) -> list[str]:
    """Every target whose agency is not named, in its ``agency_quote`` words, near its quote in its document."""
    from tracker.catalogue.sources import normalise, read_document

    texts: dict[str, str] = {}
    problems = []
    for ind in catalogue.indicators:
        if not ind.agency_id:
            continue
        doc = catalogue.document_of(ind)
        if doc.file not in texts:
            texts[doc.file] = normalise(read_document(doc.file, folder))
        text = texts[doc.file]
        quote, words = normalise(ind.quote), normalise(ind.agency_quote or "")
        at = text.find(quote)
        if at < 0:
            problems.append(f"{ind.id}: quote not found in {doc.file}")
            continue
        window = text[max(0, at - near): at + len(quote) + near]
        if not words or words not in window:
            problems.append(f"{ind.id}: agency {ind.agency_id!r} — “{(ind.agency_quote or '')[:60]}” is not within "
                            f"{near} characters of the quote in {doc.file}")
    return problems


def agency_label(agency: Agency | None, lang: str = "vi") -> str:
    return agency.name.get(lang) if agency is not None else ""
