"""The programme page's parts (views/programme.py): what an admin's choices become (the new unit, the
counts found, the saved entries and change log as rows; plain functions, tested without Streamlit),
then the Streamlit sections that gather them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.core.i18n import fmt_date, t
from tracker.catalogue.programme_review import (GRID_COLUMNS, comparator_labels, kind_labels, measure_labels, row_from_sentence,
                                      saved_rows, sentences, unit_labels)
from tracker.catalogue.programmes import LEVELS, add_entries, changes, edit_entry, retire_entries, slugify

NEW = "__new__"
NONE = "__none__"
DOC_KINDS = ["Chương trình hành động", "Chương trình", "Kế hoạch"]
DOC_TITLE = "Chương trình thực hiện Nghị quyết số 45-NQ/TW"
# A sentence offered to pick: its line, and enough of it to tell it from its neighbours.
SENTENCE_SHOWN = 160


# --- decisions ---------------------------------------------------------------------------------

def found_counts(rows: list[dict]) -> dict:
    """What the reader proposed, by kind (the success line's numbers)."""
    kinds = [r["kind"] for r in rows]
    return {"n": len(rows), "num": kinds.count("numeric"), "dir": kinds.count("direction"), "ms": kinds.count("milestone")}


def new_unit_record(unit_id: str, name_vi: str, name_en: str, level: str, parent: str = NONE, successor: str = NONE,
                    valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> dict | None:
    """The unit an admin adds with a programme, or None until it has an id and a Vietnamese name; the
    English name falls back to the Vietnamese one, and only what was chosen is written."""
    unit, vi = unit_id.strip(), name_vi.strip()
    if not unit or not vi:
        return None
    record = {"id": unit, "name": {"vi": vi, "en": name_en.strip() or vi}, "level": level}
    for key, value in (("parent", parent), ("successor", successor)):
        if value != NONE:
            record[key] = value
    for key, value in (("valid_from", valid_from), ("valid_to", valid_to)):
        if value:
            record[key] = value
    return record


def sentence_label(pick: dict) -> str:
    return f"[{pick['line']}] {pick['text'][:SENTENCE_SHOWN]}"


def entry_rows(indicators: list[dict], lang: str) -> list[dict]:
    """A saved programme's entries as the page lists them (retired ones marked)."""
    return [{"id": e["id"], t("prog.col.name", lang): e["name"]["vi"] if lang == "vi" else e["name"]["en"],
             t("prog.col.kind", lang): t(f"kind.{e['kind']}", lang),
             t("prog.col.agency", lang): (e.get("agency") or {}).get(lang, ""),
             t("prog.retire", lang): "✓" if e.get("retired") else ""} for e in indicators]


def change_rows(log: list[dict], lang: str) -> list[dict]:
    """A saved programme's change log: when (date and hh:mm, which fmt_date writes for a time), who,
    what, which entries, why."""
    return [{"at": fmt_date(dt.datetime.fromisoformat(c["at"]), lang), "who": c["who"],
             "action": c["action"], "ids": ", ".join(c["ids"]), "reason": c.get("reason", "")} for c in log]


def has_values(store, ident: str) -> bool:
    """Whether anything was reported against an entry (a retired entry with values keeps them)."""
    if not store.value_history(ident).empty:
        return True
    done = store.current_milestones()
    return bool(len(done)) and ident in set(done["indicator_id"])


# --- sections ----------------------------------------------------------------------------------

def _choice_columns(lang: str) -> dict:
    col = st.column_config
    return {"measure_label": col.SelectboxColumn(t("prog.col.measure", lang), options=list(measure_labels(lang).values())),
            "unit_label": col.SelectboxColumn(t("prog.col.unit", lang), options=list(unit_labels(lang).values())),
            "comparator_label": col.SelectboxColumn(t("prog.col.comparator", lang),
                                                    options=list(comparator_labels(lang).values()))}


def review_columns(lang: str) -> dict:
    col = st.column_config
    return {
        "accept": col.CheckboxColumn(t("prog.col.accept", lang)),
        "kind_label": col.TextColumn(t("prog.col.kind", lang)),
        "name": col.TextColumn(t("prog.col.name", lang), width="medium"),
        "name_en": col.TextColumn(t("prog.col.name_en", lang), width="medium"),
        "quote": col.TextColumn(t("prog.col.quote", lang), width="large"),
        "measure_label": _choice_columns(lang)["measure_label"],
        "unit_label": _choice_columns(lang)["unit_label"],
        "confirmed": col.CheckboxColumn(t("prog.col.confirmed", lang)),
        "comparator_label": _choice_columns(lang)["comparator_label"],
        "value": col.NumberColumn(t("prog.col.value", lang)),
        "year": col.NumberColumn(t("prog.col.year", lang), format="%d"),
        "due": col.TextColumn(t("prog.col.due", lang)),
        "due_text": col.TextColumn(t("prog.col.due_text", lang)),
        "recurring": col.CheckboxColumn(t("prog.col.recurring", lang)),
        "agency": col.TextColumn(t("prog.col.agency", lang)),
        "section": col.TextColumn(t("prog.col.section", lang)),
        "line": col.NumberColumn(t("prog.col.line", lang)),
    }


def unit_choice(cat, lang: str) -> tuple[str, dict | None]:
    """The unit the programme is for: one of the catalogue's, or a new one described here."""
    unit_ids = sorted(cat.jurisdictions, key=lambda u: cat.name(u, lang))
    unit = st.selectbox(t("prog.unit", lang), [NEW] + unit_ids, key="prog_unit",
                        format_func=lambda u: t("prog.new_unit", lang) if u == NEW else cat.name(u, lang))
    if unit != NEW:
        return unit, None
    named = lambda u: t("prog.none", lang) if u == NONE else cat.name(u, lang)   # noqa: E731
    c1, c2, c3 = st.columns(3)
    name_vi = c1.text_input(t("prog.unit_name_vi", lang), key="prog_unit_name_vi")
    name_en = c2.text_input(t("prog.unit_name_en", lang), key="prog_unit_name_en")
    unit_id = c3.text_input(t("prog.unit_id", lang), value=slugify(name_vi) if name_vi else "", key="prog_unit_id")
    c1, c2, c3 = st.columns(3)
    level = c1.selectbox(t("prog.level", lang), LEVELS, key="prog_level", format_func=lambda x: t(f"prog.level.{x}", lang))
    parent = c2.selectbox(t("prog.parent", lang), [NONE] + unit_ids, key="prog_parent", format_func=named)
    successor = c3.selectbox(t("prog.successor", lang), [NONE] + unit_ids, key="prog_successor", format_func=named)
    c1, c2 = st.columns(2)
    valid_from = c1.date_input(t("prog.valid_from", lang), value=None, key="prog_valid_from", format="DD/MM/YYYY")
    valid_to = c2.date_input(t("prog.valid_to", lang), value=None, key="prog_valid_to", format="DD/MM/YYYY")
    return unit_id.strip(), new_unit_record(unit_id, name_vi, name_en, level, parent, successor, valid_from, valid_to)


def document_fields(lang: str) -> dict:
    """The programme document's kind, number, date, issuer and title."""
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox(t("prog.doc_kind", lang), DOC_KINDS, key="prog_doc_kind")
    number = c2.text_input(t("prog.doc_number", lang), key="prog_doc_number")
    date = c3.date_input(t("prog.doc_date", lang), value=None, key="prog_doc_date", format="DD/MM/YYYY",
                         min_value=dt.date(2023, 11, 24), max_value=dt.date(2035, 12, 31))
    c1, c2 = st.columns([1, 2])
    issuer = c1.text_input(t("prog.doc_issuer", lang), key="prog_doc_issuer")
    title = c2.text_input(t("prog.doc_title", lang), key="prog_doc_title", value=DOC_TITLE)
    return {"kind": kind, "number": number, "date": date, "issuer": issuer, "title": title}


def add_from_text(rows: list[dict], lang: str) -> None:
    """A row the reader missed, made from a sentence of the text the admin picks."""
    with st.expander(t("prog.add_row", lang)):
        st.caption(t("prog.add_row_help", lang))
        picks = sentences(st.session_state.get("prog_text", ""))
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox(t("prog.pick_sentence", lang), range(len(picks)), key="prog_pick", index=None,
                            format_func=lambda i: sentence_label(picks[i]))
        pick_kind = c2.selectbox(t("prog.pick_kind", lang), list(kind_labels(lang)), key="prog_pick_kind",
                                 format_func=lambda k: kind_labels(lang)[k])
        pick_name = st.text_input(t("prog.pick_name", lang), key="prog_pick_name")
        if st.button(t("prog.add_row_button", lang), key="prog_add_row") and pick is not None:
            st.session_state["prog_rows"] = rows + [row_from_sentence(picks[pick], pick_kind, lang, pick_name)]
            st.session_state["prog_editor_version"] = st.session_state.get("prog_editor_version", 0) + 1
            st.success(t("prog.row_added", lang, line=picks[pick]["line"]))
            st.rerun()


def review(rows: list[dict], lang: str) -> pd.DataFrame:
    """The proposals in an editable table (accept, names, measure, unit, target, deadline, agency)."""
    extra = [c for c in (rows[0] if rows else {}) if c not in GRID_COLUMNS]
    return st.data_editor(pd.DataFrame(rows, columns=GRID_COLUMNS + extra),
                          key=f"prog_editor_{st.session_state.get('prog_editor_version', 0)}", hide_index=True,
                          num_rows="fixed", width="stretch", column_order=GRID_COLUMNS,
                          disabled=["kind_label", "section", "line"], column_config=review_columns(lang))


def _issues_or(res, lang: str, done: str) -> None:
    for issue in res.issues:
        st.error(issue.message(lang))
    if not res.issues:
        st.success(done)


def saved_programme(item: dict, folder: Path, main_path: Path, user, store, lang: str) -> None:
    """One saved programme: its entries; rename one, add entries from its text, retire some; its changes."""
    doc = item["document"]
    key = doc["id"]
    # Open while the admin is editing in it: a rerun must not fold the form away.
    busy = bool(st.session_state.get(f"edit_id_{key}")) or st.session_state.get(f"add_pick_{key}") is not None
    with st.expander(f"{doc['kind']} {doc.get('number') or ''} — {doc['issuer']} ({key})", expanded=busy):
        st.dataframe(pd.DataFrame(entry_rows(item["indicators"], lang)), hide_index=True, width="stretch")
        entries = {e["id"]: e for e in item["indicators"] if not e.get("retired")}
        common = {"main_path": main_path, "folder": folder, "doc_id": key, "who": user.username, "audit": store.audit}

        st.markdown(f"**{t('prog.edit', lang)}**")
        ident = st.selectbox(t("prog.edit_entry", lang), list(entries), key=f"edit_id_{key}", index=None,
                             format_func=lambda i: f"{entries[i]['name']['vi']} ({i})")
        if ident:
            e = entries[ident]
            c1, c2 = st.columns(2)
            new_vi = c1.text_input(t("prog.col.name", lang), value=e["name"]["vi"], key=f"edit_vi_{key}_{ident}")
            new_en = c2.text_input(t("prog.col.name_en", lang), value=e["name"]["en"], key=f"edit_en_{key}_{ident}")
            c1, c2 = st.columns(2)
            new_agency = c1.text_input(t("prog.col.agency", lang), value=(e.get("agency") or {}).get("vi", ""),
                                       key=f"edit_agency_{key}_{ident}")
            new_due = c2.text_input(t("prog.col.due_text", lang), value=(e.get("target") or {}).get("due_text", ""),
                                    key=f"edit_due_{key}_{ident}", disabled=e["kind"] != "milestone")
            if st.button(t("prog.edit_save", lang), key=f"edit_save_{key}"):
                res = edit_entry(**common, ident=ident, changes={"name_vi": new_vi, "name_en": new_en, "agency": new_agency,
                                                                 "due_text": new_due if e["kind"] == "milestone" else None})
                _issues_or(res, lang, t("prog.edited", lang, id=ident))

        st.markdown(f"**{t('prog.add_saved', lang)}**")
        saved_text = (folder / doc["file"]).read_text(encoding="utf-8") if (folder / doc["file"]).exists() else ""
        picks = sentences(saved_text)
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox(t("prog.pick_sentence", lang), range(len(picks)), key=f"add_pick_{key}", index=None,
                            format_func=lambda i: sentence_label(picks[i]))
        pick_kind = c2.selectbox(t("prog.pick_kind", lang), ["milestone", "direction", "numeric"], key=f"add_kind_{key}",
                                 format_func=lambda k: kind_labels(lang)[k])
        pick_name = st.text_input(t("prog.pick_name", lang), key=f"add_name_{key}")
        if pick is not None:
            new_row = row_from_sentence(picks[pick], pick_kind, lang, pick_name)
            added = st.data_editor(pd.DataFrame([new_row]), key=f"add_editor_{key}_{pick}_{pick_kind}", hide_index=True,
                                   column_order=[c for c in GRID_COLUMNS if c not in ("accept", "section", "line")],
                                   disabled=["kind_label", "quote"], width="stretch", column_config=_choice_columns(lang))
            if st.button(t("prog.add_row_button", lang), key=f"add_save_{key}"):
                res = add_entries(**common, rows=[dict(r, accept=True) for r in saved_rows(added.to_dict("records"), lang)])
                _issues_or(res, lang, t("prog.added", lang, n=len(res.ids)))

        st.markdown(f"**{t('prog.retire', lang)}**")
        ids = st.multiselect(t("prog.retire_ids", lang), list(entries), key=f"retire_ids_{key}")
        reason = st.text_input(t("prog.retire_reason", lang), key=f"retire_reason_{key}")
        if st.button(t("prog.retire", lang), key=f"retire_{key}"):
            res = retire_entries(**common, ids=ids, reason=reason, has_values=lambda ident: has_values(store, ident))
            _issues_or(res, lang, t("prog.retired", lang, n=len(res.ids)))
        log = changes(folder, key)
        if log:
            st.caption(t("prog.changes", lang))
            st.dataframe(pd.DataFrame(change_rows(log, lang)), hide_index=True)
