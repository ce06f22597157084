"""Thêm chương trình (admin): a programme's text → reviewed proposals → saved into the catalogue.

The logic is in tracker.propose (reading, proposing) and tracker.programmes (checking, saving);
this page only gathers the admin's choices.
"""

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import ui
from tracker.catalogue import DEFAULT_PATH, NUMERIC_KINDS, UNITS
from tracker.i18n import fmt_date, t
from tracker.programmes import COMPARATORS, LEVELS, changes, retire_entries, save_programme, saved_programmes, slugify
from tracker.propose import MAX_BYTES, propose_file, propose_text
from tracker.settings import load_settings

lang = ui.lang()
st.title(t("page.programme", lang))
user = ui.current_user()
if user is None or user.role != "admin":
    st.warning(t("prog.admin_only", lang))
    st.stop()

cat = ui.catalogue()
settings = load_settings()
folder = settings.catalogue_dir
main_path = os.environ.get("TRACKER_CATALOGUE") or str(DEFAULT_PATH)
st.caption(t("prog.intro", lang))

# --- 1. the text ----------------------------------------------------------------------------
max_mb = MAX_BYTES // (1024 * 1024)
upload = st.file_uploader(t("prog.upload", lang), type=["docx", "doc", "pdf", "txt"], max_upload_size=max_mb,
                          help=t("prog.upload_help", lang, mb=max_mb), key="prog_upload")
pasted = st.text_area(t("prog.paste", lang), height=120, key="prog_paste")
if st.button(t("prog.propose", lang), type="primary", key="prog_propose"):
    if upload is not None:
        result = propose_file(upload.name, upload.getvalue())
    elif pasted.strip():
        result = propose_text(pasted)
    else:
        result = None
        st.session_state.pop("prog_rows", None)
        st.info(t("prog.nothing", lang))
    if result is not None:
        st.session_state["prog_issues"] = result.issues
        if result.issues:
            st.session_state.pop("prog_rows", None)
        else:
            st.session_state["prog_text"] = result.text
            st.session_state["prog_rows"] = pd.DataFrame([dict(p.as_json(), accept=False, confirmed=False)
                                                          for p in result.proposals])
            st.session_state["prog_editor_version"] = st.session_state.get("prog_editor_version", 0) + 1
for issue in st.session_state.get("prog_issues") or []:
    st.error(f"{issue.message(lang)} ({issue.code})")

rows = st.session_state.get("prog_rows")
if rows is not None and len(rows):
    kinds = rows["kind"].value_counts().to_dict()
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
    kind_names = {k: t(f"prog.kind.{k}", lang) for k in ("numeric", "direction", "milestone")}
    shown = rows.copy()
    shown["kind_label"] = shown["kind"].map(kind_names)
    col = st.column_config
    edited = st.data_editor(
        shown, key=f"prog_editor_{st.session_state.get('prog_editor_version', 0)}", hide_index=True,
        num_rows="fixed", width="stretch",
        column_order=["accept", "kind_label", "name", "quote", "measure", "unit", "confirmed", "comparator", "value", "year",
                      "due", "due_text", "recurring", "agency", "section", "line", "confidence"],
        disabled=["kind_label", "section", "line", "confidence"],
        column_config={
            "accept": col.CheckboxColumn(t("prog.col.accept", lang)),
            "kind_label": col.TextColumn(t("prog.col.kind", lang)),
            "name": col.TextColumn(t("prog.col.name", lang), width="medium"),
            "quote": col.TextColumn(t("prog.col.quote", lang), width="large"),
            "measure": col.SelectboxColumn(t("prog.col.measure", lang), options=list(NUMERIC_KINDS),
                                           help=", ".join(f"{k}: {t(f'kind.{k}', lang)}" for k in NUMERIC_KINDS)),
            "unit": col.SelectboxColumn(t("prog.col.unit", lang), options=list(UNITS)),
            "confirmed": col.CheckboxColumn(t("prog.col.confirmed", lang)),
            "comparator": col.SelectboxColumn(t("prog.col.comparator", lang), options=list(COMPARATORS)),
            "value": col.NumberColumn(t("prog.col.value", lang)),
            "year": col.NumberColumn(t("prog.col.year", lang), format="%d"),
            "due": col.TextColumn(t("prog.col.due", lang)),
            "due_text": col.TextColumn(t("prog.col.due_text", lang)),
            "recurring": col.CheckboxColumn(t("prog.col.recurring", lang)),
            "agency": col.TextColumn(t("prog.col.agency", lang)),
            "section": col.TextColumn(t("prog.col.section", lang)),
            "line": col.NumberColumn(t("prog.col.line", lang)),
            "confidence": col.ProgressColumn(t("prog.col.confidence", lang), min_value=0.0, max_value=1.0),
        },
    )
    if st.button(t("prog.save", lang), type="primary", key="prog_save"):
        result = save_programme(main_path=Path(main_path), folder=folder,
                                text=st.session_state.get("prog_text", ""), rows=edited.to_dict("records"),
                                who=user.username, unit=unit, new_unit=new_unit,
                                document={"kind": doc_kind, "number": doc_number, "date": doc_date,
                                          "issuer": doc_issuer, "title": doc_title})
        if result.issues:
            st.error(t("prog.refused", lang, n=len(result.issues)))
            for issue in result.issues:
                st.error(issue.message(lang))
        else:
            st.success(t("prog.saved", lang, n=len(result.ids), file=result.path.name))
            st.session_state.pop("prog_rows", None)

# --- saved programmes: retire entries, see every change --------------------------------------
saved = saved_programmes(folder)
if saved:
    st.subheader(t("prog.saved_list", lang))
for item in saved:
    doc = item["document"]
    with st.expander(f"{doc['kind']} {doc.get('number') or ''} — {doc['issuer']} ({doc['id']})"):
        table = pd.DataFrame([{"id": e["id"], t("prog.col.name", lang): e["name"]["vi"] if lang == "vi" else e["name"]["en"],
                               t("prog.col.kind", lang): t(f"kind.{e['kind']}", lang),
                               t("prog.retire", lang): "✓" if e.get("retired") else ""} for e in item["indicators"]])
        st.dataframe(table, hide_index=True, width="stretch")
        active = [e["id"] for e in item["indicators"] if not e.get("retired")]
        ids = st.multiselect(t("prog.retire_ids", lang), active, key=f"retire_ids_{doc['id']}")
        reason = st.text_input(t("prog.retire_reason", lang), key=f"retire_reason_{doc['id']}")
        if st.button(t("prog.retire", lang), key=f"retire_{doc['id']}"):
            res = retire_entries(main_path=Path(main_path), folder=folder, doc_id=doc["id"], ids=ids,
                                 reason=reason, who=user.username)
            if res.issues:
                for issue in res.issues:
                    st.error(issue.message(lang))
            else:
                st.success(t("prog.retired", lang, n=len(res.ids)))
        log = changes(folder, doc["id"])
        if log:
            st.caption(t("prog.changes", lang))
            st.dataframe(pd.DataFrame([{"at": fmt_date(dt.datetime.fromisoformat(c["at"]), lang) + " " + c["at"][11:16],
                                        "who": c["who"], "action": c["action"], "n": len(c["ids"]),
                                        "reason": c.get("reason", "")} for c in log]), hide_index=True)
