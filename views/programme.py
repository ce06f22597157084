"""Thêm chương trình (admin): a programme's text → reviewed proposals → saved into the catalogue, then
kept up (rename, English name, agency, deadline wording; add and retire entries).

The logic is in tracker.propose (reading, proposing, in a child process with a time limit),
tracker.programme_review (the table in words, the sentences to pick) and tracker.programmes
(checking, saving, the change log); this page only gathers the admin's choices.
"""

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.web import auth, state, style
from tracker.catalogue import DEFAULT_PATH
from tracker.i18n import fmt_date, t
from tracker.programme_review import (GRID_COLUMNS, comparator_labels, grid_rows, kind_labels, measure_labels,
                                      row_from_sentence, saved_rows, sentences, unit_labels)
from tracker.programmes import (LEVELS, add_entries, changes, edit_entry, retire_entries, save_programme, saved_programmes,
                                slugify)
from tracker.propose import MAX_BYTES
from tracker.propose.guarded import propose_guarded
from tracker.settings import load_settings

lang = state.lang()
st.title(t("page.programme", lang))
user = auth.current_user()
if user is None or user.role != "admin":
    st.warning(t("prog.admin_only", lang))
    st.stop()

cat = state.catalogue()
settings = load_settings()
folder = settings.catalogue_dir
main_path = os.environ.get("TRACKER_CATALOGUE") or str(DEFAULT_PATH)
store = state.store()
col = st.column_config
st.caption(t("prog.intro", lang))


def has_values(ident: str) -> bool:
    if not store.value_history(ident).empty:
        return True
    done = store.current_milestones()
    return bool(len(done)) and ident in set(done["indicator_id"])


# --- 1. the text ----------------------------------------------------------------------------
# One limit: the server's (settings upload_max_mb), never more than the reader accepts.
max_mb = min(settings.upload_max_mb, MAX_BYTES // (1024 * 1024))
style.uploader_chrome(lang, max_mb, kinds=".docx, .doc, .pdf, .txt", key="prog_upload")   # Streamlit's words in the page's language
upload = st.file_uploader(t("prog.upload", lang), type=["docx", "doc", "pdf", "txt"], max_upload_size=max_mb,
                          help=t("prog.upload_help", lang, mb=max_mb), key="prog_upload")
pasted = st.text_area(t("prog.paste", lang), height=120, key="prog_paste")
if st.button(t("prog.propose", lang), type="primary", key="prog_propose"):
    if upload is not None:
        result = propose_guarded(upload.name, upload.getvalue())
    elif pasted.strip():
        result = propose_guarded(text=pasted)
    else:
        result = None
        st.session_state.pop("prog_rows", None)
        st.info(t("prog.nothing", lang))
    if result is not None:
        st.session_state["prog_issues"] = result.issues
        if result.issues and not any(i.code == "no_proposals" for i in result.issues):
            st.session_state.pop("prog_rows", None)
        else:
            # Even with nothing proposed (and the reason shown) rows can be added from the text.
            st.session_state["prog_text"] = result.text
            st.session_state["prog_rows"] = grid_rows(result.proposals, lang)
            st.session_state["prog_editor_version"] = st.session_state.get("prog_editor_version", 0) + 1
for issue in st.session_state.get("prog_issues") or []:
    st.error(f"{issue.message(lang)} ({issue.code})")

rows = st.session_state.get("prog_rows")
if rows is not None:
    kinds = pd.Series([r["kind"] for r in rows], dtype=object).value_counts().to_dict()
    if rows:
        st.success(t("prog.found", lang, n=len(rows), num=kinds.get("numeric", 0), dir=kinds.get("direction", 0),
                     ms=kinds.get("milestone", 0)))

    # --- 2. the unit and the document ---------------------------------------------------------
    st.subheader(t("prog.unit", lang))
    NEW = "__new__"
    unit_ids = sorted(cat.jurisdictions, key=lambda u: cat.name(u, lang))
    unit = st.selectbox(t("prog.unit", lang), [NEW] + unit_ids, key="prog_unit",
                        format_func=lambda u: t("prog.new_unit", lang) if u == NEW else cat.name(u, lang))
    new_unit = None
    if unit == NEW:
        c1, c2, c3 = st.columns(3)
        name_vi = c1.text_input(t("prog.unit_name_vi", lang), key="prog_unit_name_vi")
        name_en = c2.text_input(t("prog.unit_name_en", lang), key="prog_unit_name_en")
        unit_id = c3.text_input(t("prog.unit_id", lang), value=slugify(name_vi) if name_vi else "", key="prog_unit_id")
        c1, c2, c3 = st.columns(3)
        level = c1.selectbox(t("prog.level", lang), LEVELS, key="prog_level", format_func=lambda x: t(f"prog.level.{x}", lang))
        none = "__none__"
        parent = c2.selectbox(t("prog.parent", lang), [none] + unit_ids, key="prog_parent",
                              format_func=lambda u: t("prog.none", lang) if u == none else cat.name(u, lang))
        successor = c3.selectbox(t("prog.successor", lang), [none] + unit_ids, key="prog_successor",
                                 format_func=lambda u: t("prog.none", lang) if u == none else cat.name(u, lang))
        c1, c2 = st.columns(2)
        valid_from = c1.date_input(t("prog.valid_from", lang), value=None, key="prog_valid_from", format="DD/MM/YYYY")
        valid_to = c2.date_input(t("prog.valid_to", lang), value=None, key="prog_valid_to", format="DD/MM/YYYY")
        unit = unit_id.strip()
        if unit and name_vi.strip():
            new_unit = {"id": unit, "name": {"vi": name_vi.strip(), "en": name_en.strip() or name_vi.strip()}, "level": level}
            if parent != none:
                new_unit["parent"] = parent
            if successor != none:
                new_unit["successor"] = successor
            if valid_from:
                new_unit["valid_from"] = valid_from
            if valid_to:
                new_unit["valid_to"] = valid_to

    st.subheader(t("prog.doc", lang))
    c1, c2, c3 = st.columns(3)
    doc_kind = c1.selectbox(t("prog.doc_kind", lang), ["Chương trình hành động", "Chương trình", "Kế hoạch"], key="prog_doc_kind")
    doc_number = c2.text_input(t("prog.doc_number", lang), key="prog_doc_number")
    doc_date = c3.date_input(t("prog.doc_date", lang), value=None, key="prog_doc_date", format="DD/MM/YYYY",
                             min_value=dt.date(2023, 11, 24), max_value=dt.date(2035, 12, 31))
    c1, c2 = st.columns([1, 2])
    doc_issuer = c1.text_input(t("prog.doc_issuer", lang), key="prog_doc_issuer")
    doc_title = c2.text_input(t("prog.doc_title", lang), key="prog_doc_title",
                              value="Chương trình thực hiện Nghị quyết số 45-NQ/TW")

    # --- 3. review --------------------------------------------------------------------------------
    st.subheader(t("prog.review", lang))
    st.caption(t("prog.review_help", lang))
    with st.expander(t("prog.add_row", lang)):
        st.caption(t("prog.add_row_help", lang))
        picks = sentences(st.session_state.get("prog_text", ""))
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox(t("prog.pick_sentence", lang), range(len(picks)), key="prog_pick", index=None,
                            format_func=lambda i: f"[{picks[i]['line']}] {picks[i]['text'][:160]}")
        pick_kind = c2.selectbox(t("prog.pick_kind", lang), list(kind_labels(lang)), key="prog_pick_kind",
                                 format_func=lambda k: kind_labels(lang)[k])
        pick_name = st.text_input(t("prog.pick_name", lang), key="prog_pick_name")
        if st.button(t("prog.add_row_button", lang), key="prog_add_row") and pick is not None:
            st.session_state["prog_rows"] = rows + [row_from_sentence(picks[pick], pick_kind, lang, pick_name)]
            st.session_state["prog_editor_version"] = st.session_state.get("prog_editor_version", 0) + 1
            st.success(t("prog.row_added", lang, line=picks[pick]["line"]))
            st.rerun()
    edited = st.data_editor(
        pd.DataFrame(rows, columns=GRID_COLUMNS + [c for c in (rows[0] if rows else {}) if c not in GRID_COLUMNS]),
        key=f"prog_editor_{st.session_state.get('prog_editor_version', 0)}", hide_index=True,
        num_rows="fixed", width="stretch", column_order=GRID_COLUMNS,
        disabled=["kind_label", "section", "line"],
        column_config={
            "accept": col.CheckboxColumn(t("prog.col.accept", lang)),
            "kind_label": col.TextColumn(t("prog.col.kind", lang)),
            "name": col.TextColumn(t("prog.col.name", lang), width="medium"),
            "name_en": col.TextColumn(t("prog.col.name_en", lang), width="medium"),
            "quote": col.TextColumn(t("prog.col.quote", lang), width="large"),
            "measure_label": col.SelectboxColumn(t("prog.col.measure", lang), options=list(measure_labels(lang).values())),
            "unit_label": col.SelectboxColumn(t("prog.col.unit", lang), options=list(unit_labels(lang).values())),
            "confirmed": col.CheckboxColumn(t("prog.col.confirmed", lang)),
            "comparator_label": col.SelectboxColumn(t("prog.col.comparator", lang), options=list(comparator_labels(lang).values())),
            "value": col.NumberColumn(t("prog.col.value", lang)),
            "year": col.NumberColumn(t("prog.col.year", lang), format="%d"),
            "due": col.TextColumn(t("prog.col.due", lang)),
            "due_text": col.TextColumn(t("prog.col.due_text", lang)),
            "recurring": col.CheckboxColumn(t("prog.col.recurring", lang)),
            "agency": col.TextColumn(t("prog.col.agency", lang)),
            "section": col.TextColumn(t("prog.col.section", lang)),
            "line": col.NumberColumn(t("prog.col.line", lang)),
        },
    )
    if st.button(t("prog.save", lang), type="primary", key="prog_save"):
        result = save_programme(main_path=Path(main_path), folder=folder,
                                text=st.session_state.get("prog_text", ""), rows=saved_rows(edited.to_dict("records"), lang),
                                who=user.username, unit=unit, new_unit=new_unit, audit=store.audit,
                                document={"kind": doc_kind, "number": doc_number, "date": doc_date,
                                          "issuer": doc_issuer, "title": doc_title})
        if result.issues:
            st.error(t("prog.refused", lang, n=len(result.issues)))
            for issue in result.issues:
                st.error(issue.message(lang))
        else:
            st.success(t("prog.saved", lang, n=len(result.ids), file=result.path.name))
            st.session_state.pop("prog_rows", None)

# --- saved programmes: edit, add, retire entries, see every change --------------------------
saved = saved_programmes(folder)
if saved:
    st.subheader(t("prog.saved_list", lang))
for item in saved:
    doc = item["document"]
    key = doc["id"]
    # Open while the admin is editing in it: a rerun must not fold the form away.
    busy = bool(st.session_state.get(f"edit_id_{key}")) or st.session_state.get(f"add_pick_{key}") is not None
    with st.expander(f"{doc['kind']} {doc.get('number') or ''} — {doc['issuer']} ({key})", expanded=busy):
        table = pd.DataFrame([{"id": e["id"], t("prog.col.name", lang): e["name"]["vi"] if lang == "vi" else e["name"]["en"],
                               t("prog.col.kind", lang): t(f"kind.{e['kind']}", lang),
                               t("prog.col.agency", lang): (e.get("agency") or {}).get(lang, ""),
                               t("prog.retire", lang): "✓" if e.get("retired") else ""} for e in item["indicators"]])
        st.dataframe(table, hide_index=True, width="stretch")
        entries = {e["id"]: e for e in item["indicators"] if not e.get("retired")}

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
                res = edit_entry(main_path=Path(main_path), folder=folder, doc_id=key, ident=ident, who=user.username,
                                 audit=store.audit, changes={"name_vi": new_vi, "name_en": new_en, "agency": new_agency,
                                                             "due_text": new_due if e["kind"] == "milestone" else None})
                for issue in res.issues:
                    st.error(issue.message(lang))
                if not res.issues:
                    st.success(t("prog.edited", lang, id=ident))

        st.markdown(f"**{t('prog.add_saved', lang)}**")
        saved_text = (folder / doc["file"]).read_text(encoding="utf-8") if (folder / doc["file"]).exists() else ""
        picks = sentences(saved_text)
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox(t("prog.pick_sentence", lang), range(len(picks)), key=f"add_pick_{key}", index=None,
                            format_func=lambda i: f"[{picks[i]['line']}] {picks[i]['text'][:160]}")
        pick_kind = c2.selectbox(t("prog.pick_kind", lang), ["milestone", "direction", "numeric"], key=f"add_kind_{key}",
                                 format_func=lambda k: kind_labels(lang)[k])
        pick_name = st.text_input(t("prog.pick_name", lang), key=f"add_name_{key}")
        if pick is not None:
            new_row = row_from_sentence(picks[pick], pick_kind, lang, pick_name)
            added = st.data_editor(pd.DataFrame([new_row]), key=f"add_editor_{key}_{pick}_{pick_kind}", hide_index=True,
                                   column_order=[c for c in GRID_COLUMNS if c not in ("accept", "section", "line")],
                                   disabled=["kind_label", "quote"], width="stretch",
                                   column_config={"measure_label": col.SelectboxColumn(t("prog.col.measure", lang), options=list(measure_labels(lang).values())),
                                                  "unit_label": col.SelectboxColumn(t("prog.col.unit", lang), options=list(unit_labels(lang).values())),
                                                  "comparator_label": col.SelectboxColumn(t("prog.col.comparator", lang), options=list(comparator_labels(lang).values()))})
            if st.button(t("prog.add_row_button", lang), key=f"add_save_{key}"):
                res = add_entries(main_path=Path(main_path), folder=folder, doc_id=key, who=user.username, audit=store.audit,
                                  rows=[dict(r, accept=True) for r in saved_rows(added.to_dict("records"), lang)])
                for issue in res.issues:
                    st.error(issue.message(lang))
                if not res.issues:
                    st.success(t("prog.added", lang, n=len(res.ids)))

        st.markdown(f"**{t('prog.retire', lang)}**")
        ids = st.multiselect(t("prog.retire_ids", lang), list(entries), key=f"retire_ids_{key}")
        reason = st.text_input(t("prog.retire_reason", lang), key=f"retire_reason_{key}")
        if st.button(t("prog.retire", lang), key=f"retire_{key}"):
            res = retire_entries(main_path=Path(main_path), folder=folder, doc_id=key, ids=ids, reason=reason,
                                 who=user.username, has_values=has_values, audit=store.audit)
            if res.issues:
                for issue in res.issues:
                    st.error(issue.message(lang))
            else:
                st.success(t("prog.retired", lang, n=len(res.ids)))
        log = changes(folder, key)
        if log:
            st.caption(t("prog.changes", lang))
            st.dataframe(pd.DataFrame([{"at": fmt_date(dt.datetime.fromisoformat(c["at"]), lang) + " " + c["at"][11:16],
                                        "who": c["who"], "action": c["action"], "ids": ", ".join(c["ids"]),
                                        "reason": c.get("reason", "")} for c in log]), hide_index=True)
