"""The loaded catalogue (class Catalogue): its units' merger lineage and the queries every page, form and
deck asks of it, and the catalogue's rows and lineage sentences in words."""

from __future__ import annotations

import datetime as dt

from tracker.catalogue.models import Agency, CatalogueFile, Document, Indicator, Jurisdiction, Names, Territory


class Catalogue:
    # Programme files left out because they are damaged: (path, problems); see read_with_programmes.
    skipped_programmes: list = []

    def __init__(self, data: CatalogueFile):
        self.jurisdictions = {j.id: j for j in data.jurisdictions}
        self.documents = {d.id: d for d in data.documents}
        self.concepts = {c.id: c for c in getattr(data, "concepts", None) or []}
        # (unit, agency id) -> Agency: the departments that lead some targets (issue 21).
        self.agencies = {(a.jurisdiction, a.id): a for a in getattr(data, "agencies", None) or []}
        # Entries retired before any value was stored are kept in the file (ids never return) but
        # nowhere else: every page, form and deck reads ``indicators``.
        self.hidden_indicators = [i for i in data.indicators if i.hidden]
        self.indicators = [i for i in data.indicators if not i.hidden]
        self._by_id = {i.id: i for i in self.indicators}
        # Pages ask per unit many times a run; index once (a catalogue never changes after loading).
        self._by_unit: dict[str, list[Indicator]] = {}
        for i in self.indicators:
            self._by_unit.setdefault(i.jurisdiction, []).append(i)
        self._successors_of: dict[str, list[Jurisdiction]] = {}
        for j in self.jurisdictions.values():
            if j.successor:
                self._successors_of.setdefault(j.successor, []).append(j)
        self._inherited: dict[str, list[Indicator]] = {}
        self._predecessors: dict[str, list[Jurisdiction]] = {}

    def indicator(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def own_indicators(self, unit: str) -> list[Indicator]:
        return list(self._by_unit.get(unit, []))

    def predecessors(self, unit: str) -> list[Jurisdiction]:
        """Units whose targets passed to ``unit`` through mergers, nearest first."""
        if unit not in self._predecessors:
            found, frontier = [], [unit]
            while frontier:
                current = frontier.pop(0)
                for j in self._successors_of.get(current, []):
                    if j not in found:
                        found.append(j)
                        frontier.append(j.id)
            self._predecessors[unit] = found
        return list(self._predecessors[unit])

    def successor_chain(self, unit: str) -> list[Jurisdiction]:
        """The units that took over from ``unit``, in order (empty if it still exists)."""
        chain, seen = [], {unit}
        current = self.jurisdictions[unit]
        while current.successor and current.successor not in seen:
            current = self.jurisdictions[current.successor]
            seen.add(current.id)
            chain.append(current)
        return chain

    def current_unit(self, unit: str) -> str:
        """The unit that reports today for ``unit``'s targets."""
        chain = self.successor_chain(unit)
        return chain[-1].id if chain else unit

    def lineage_group(self, units) -> set[str]:
        """``units`` with every unit linked to them by mergers, either way: their results move together.

        A value Bắc Giang reports counts on Bắc Ninh's page too (and Bắc Ninh's on Bắc Giang's
        targets), so a change to one means both are assessed again. Units not in the catalogue
        are kept as they are.
        """
        found, frontier = set(units), list(units)
        while frontier:
            current = frontier.pop()
            j = self.jurisdictions.get(current)
            linked = [p.id for p in self._successors_of.get(current, [])] + ([j.successor] if j and j.successor else [])
            for u in linked:
                if u not in found:
                    found.add(u)
                    frontier.append(u)
        return found

    def subset(self, units) -> "Catalogue":
        """The same catalogue restricted to ``units`` and the targets they set (already validated)."""
        keep = set(units)
        return Catalogue(CatalogueFile.model_construct(
            jurisdictions=[j for j in self.jurisdictions.values() if j.id in keep],
            documents=list(self.documents.values()),
            indicators=[i for i in self.indicators if i.jurisdiction in keep],
            concepts=list(self.concepts.values()),
            agencies=[a for a in getattr(self, "agencies", {}).values() if a.jurisdiction in keep]))

    def indicators_for(self, unit: str) -> list[Indicator]:
        """Targets a unit reports on: its own and those it inherited from merged units."""
        if unit not in self._inherited:
            units = {unit} | {p.id for p in self.predecessors(unit)}
            self._inherited[unit] = [i for i in self.indicators if i.jurisdiction in units] if len(units) > 1 \
                else list(self._by_unit.get(unit, []))
        return list(self._inherited[unit])

    def reporting_units(self) -> list[str]:
        """Units that exist today and have targets of their own or inherited."""
        return [
            j.id
            for j in self.jurisdictions.values()
            if j.valid_to is None and (j.id in self._by_unit or self.indicators_for(j.id))
        ]

    def units_with_targets(self) -> list[str]:
        """Every unit that set targets itself, in the file's order."""
        return list(self._by_unit)

    def document_of(self, indicator: Indicator) -> Document:
        return self.documents[indicator.document]

    # --- Comparable indicators ------------------------------------------------------------

    def comparable(self, indicator_id: str) -> list[Indicator]:
        """The indicators that measure the same thing as ``indicator_id``, itself included.

        Only indicators sharing a ``concept`` are comparable across units; retired entries are
        left out. An indicator with no concept, or a retired one, is comparable with nothing: [].
        The compare page offers only these groups, so "sáng chế, giải pháp hữu ích" is never set
        beside "phát minh".
        """
        ind = self._by_id[indicator_id]
        if not ind.concept or ind.retired:
            return []
        return list(self.concept_groups().get(ind.concept, []))

    def concept_groups(self) -> dict[str, list[Indicator]]:
        """concept id -> its active (not retired) indicators in file order, for every declared concept.

        A concept with fewer than two indicators is still listed (an empty comparison is honest).
        """
        groups: dict[str, list[Indicator]] = {c: [] for c in self.concepts}
        for i in self.indicators:
            if i.concept and not i.retired:
                groups.setdefault(i.concept, []).append(i)
        return groups

    def reportable_indicators_for(self, unit: str) -> list[Indicator]:
        """The targets a form asks ``unit`` for: indicators_for minus retired entries and goals
        that no statistic measures (those are listed on pages, never asked for)."""
        return [i for i in self.indicators_for(unit) if i.assessable]

    # --- Lead agencies (issue 21) -----------------------------------------------------------

    def agencies_for(self, unit: str) -> list[Agency]:
        """The agencies leading some of the targets ``unit`` reports (its own and inherited ones), one per
        id, in catalogue order; [] for a unit whose targets name none (it reports on one whole form)."""
        table = getattr(self, "agencies", {})
        found: dict[str, Agency] = {}
        for ind in self.reportable_indicators_for(unit):
            if ind.agency_id and ind.agency_id not in found:
                found[ind.agency_id] = table.get((ind.jurisdiction, ind.agency_id)) or Agency(
                    id=ind.agency_id, jurisdiction=ind.jurisdiction,
                    name=ind.agency or Names(vi=ind.agency_id, en=ind.agency_id))
        return list(found.values())

    def agency(self, unit: str, agency_id: str) -> Agency | None:
        """``unit``'s agency of that id (one leading a target it reports), or None."""
        return next((a for a in self.agencies_for(unit) if a.id == agency_id), None)

    # --- Territory ------------------------------------------------------------------------

    def territory_of(self, indicator: Indicator) -> Territory | None:
        """The area ``indicator`` was set for, when it is not simply today's unit of that name."""
        return indicator.territory or self.documents[indicator.document].territory

    def covers_old_territory(self, indicator: Indicator, shown_under_unit: str) -> bool:
        """Whether the target, shown under ``shown_under_unit``, covers an area other than that unit's today.

        True for an inherited target (Bắc Giang's under Bắc Ninh) and for a unit's own target set
        before others merged into it (Khánh Hòa's, once Ninh Thuận joined); False when the unit
        shown is the one that set it and its area has not changed (or no longer exists, so its
        name already says which area).
        """
        if shown_under_unit != indicator.jurisdiction:
            return True
        doc = self.documents[indicator.document]
        merged_in = [p for p in self._successors_of.get(shown_under_unit, [])
                     if p.valid_to and (doc.date is None or p.valid_to >= doc.date)]
        return bool(merged_in) or indicator.territory is not None

    def territory_label(self, indicator: Indicator, shown_under_unit: str, lang: str = "vi") -> str:
        """The name to title a target with when it is shown under ``shown_under_unit``.

        "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ" for Bắc Giang's targets on Bắc Ninh's page;
        "Khánh Hòa — địa bàn tỉnh Khánh Hòa trước 01/7/2025" for Khánh Hòa's pre-merger targets;
        "Xã Lạc Dương — địa bàn huyện Lạc Dương cũ (nay chủ yếu thuộc xã Lạc Dương)"; just the
        unit's name when the target covers the unit as it is. Titles of pages, charts, slides,
        CSVs, forms and ``status --json`` call this one function so they all say the same.
        """
        name = self.name(shown_under_unit, lang)
        if not self.covers_old_territory(indicator, shown_under_unit):
            return name
        territory = self.territory_of(indicator)
        if territory is None:     # parse_catalogue requires one; a hand-built catalogue may lack it
            setter = self.name(indicator.jurisdiction, lang)
            return name if setter == name else f"{name} — {setter}"
        return f"{name} — {territory.label.get(lang)}"

    def name(self, unit: str, lang: str = "vi") -> str:
        return self.jurisdictions[unit].name.get(lang)



def lineage_text(catalogue: Catalogue, unit: str, lang: str = "vi") -> list[str]:
    """Sentences on a unit's 2025 merger history, for the pages and the forms."""
    from tracker.core.i18n import fmt_date, in_sentence, t

    j = catalogue.jurisdictions[unit]
    lines = []
    if j.successor:
        succ = catalogue.jurisdictions[j.successor]
        day = j.valid_to + dt.timedelta(days=1)
        lines.append(t("cat.lineage.successor", lang, date=fmt_date(day, lang), name=in_sentence(succ.name.get(lang), lang)))
    if j.split_into:
        lines.append(t("cat.lineage.split", lang, names=", ".join(in_sentence(catalogue.name(u, lang), lang)
                                                                  for u in j.split_into)))
    preds = [p for p in catalogue.predecessors(unit) if catalogue.own_indicators(p.id)]
    if preds:
        lines.append(t("cat.lineage.inherits", lang, names=", ".join(in_sentence(p.name.get(lang), lang) for p in preds)))
    if j.note and not j.successor:
        lines.append(j.note.get(lang))
    return lines


def catalogue_rows(catalogue: Catalogue, lang: str = "vi", units: list[str] | None = None,
                   kinds: list[str] | None = None) -> list[dict]:
    """One plain row per target, labelled in ``lang``: what the catalogue page and exports show."""
    from tracker.core.i18n import fmt_target, t

    rows = []
    for ind in catalogue.indicators:
        if units and ind.jurisdiction not in units:
            continue
        if kinds and ind.kind not in kinds:
            continue
        doc = catalogue.document_of(ind)
        rows.append({
            "unit": ind.jurisdiction,
            "id": ind.id,
            "name": ind.name.get(lang),
            "kind": t(f"kind.{ind.kind}", lang),
            "kind_code": ind.kind,
            "target": fmt_target(ind, lang),
            "year": getattr(ind.target, "year", None) or (ind.target.due.year if getattr(ind.target, "due", None) else None),
            "measure": ind.unit_label(lang),
            "section": ind.section,
            "quote": ind.quote,
            "agency": ind.agency.get(lang) if ind.agency else "",
            "sectors": ", ".join(s.name.get(lang) for s in ind.sectors),
            "document": f"{doc.kind} {doc.number or ''} — {doc.issuer}".replace("  ", " "),
            "territory": territory.name.get(lang) if (territory := catalogue.territory_of(ind)) else "",
            "state": entry_state(ind, lang),
            "concept": catalogue.concepts[ind.concept].name.get(lang) if ind.concept in catalogue.concepts else "",
        })
    return rows


def entry_state(ind: Indicator, lang: str = "vi") -> str:
    """What a reader must know before reading an entry's status: replaced, unmeasured, derived (or '')."""
    from tracker.core.i18n import t

    if ind.retired:
        return t("cat.state.replaced", lang, new=ind.replaced_by or "—")
    if not ind.measurable:
        return t("cat.state.unmeasured", lang)
    if ind.derived:
        return t("cat.state.derived", lang)
    return ""
