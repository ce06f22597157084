"""Thêm chương trình (admin): a programme's text → reviewed proposals → saved into the catalogue, then
kept up (rename, English name, agency, deadline wording; add and retire entries).

The logic is in tracker.catalogue.propose (reading, proposing, in a child process with a time limit),
tracker.catalogue.programme_review (the table in words, the sentences to pick) and tracker.catalogue.programmes
(checking, saving, the change log); tracker.web.programme holds the page's parts; this page only
gathers the admin's choices.
"""

import os
from pathlib import Path

import streamlit as st

from tracker.catalogue import DEFAULT_PATH
from tracker.core.i18n import t
from tracker.catalogue.programme_review import grid_rows, saved_rows
from tracker.catalogue.programmes import save_programme, saved_programmes
from tracker.catalogue.propose import MAX_BYTES
from tracker.catalogue.propose.guarded import propose_guarded
from tracker.core.settings import load_settings
from tracker.web import auth, state, style
from tracker.web import programme as parts

lang = state.lang()
st.title(t("page.programme", lang))
user = auth.current_user()
if user is None or user.role != "admin":
    st.warning(t("prog.admin_only", lang))
    st.stop()

cat = state.catalogue()
settings = load_settings()
folder = settings.catalogue_dir
main_path = Path(os.environ.get("TRACKER_CATALOGUE") or str(DEFAULT_PATH))
store = state.store()
st.caption(t("prog.intro", lang))

# --- 1. the text. One limit: the server's (settings upload_max_mb), never more than the reader accepts.
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
    if rows:
        st.success(t("prog.found", lang, **parts.found_counts(rows)))
    st.subheader(t("prog.unit", lang))   # --- 2. the unit and the document
    unit, new_unit = parts.unit_choice(cat, lang)
    st.subheader(t("prog.doc", lang))
    document = parts.document_fields(lang)
    st.subheader(t("prog.review", lang))   # --- 3. review
    st.caption(t("prog.review_help", lang))
    parts.add_from_text(rows, lang)
    edited = parts.review(rows, lang)
    if st.button(t("prog.save", lang), type="primary", key="prog_save"):
        result = save_programme(main_path=main_path, folder=folder, text=st.session_state.get("prog_text", ""),
                                rows=saved_rows(edited.to_dict("records"), lang), who=user.username, unit=unit,
                                new_unit=new_unit, audit=store.audit, document=document)
        if result.issues:
            st.error(t("prog.refused", lang, n=len(result.issues)))
            for issue in result.issues:
                st.error(issue.message(lang))
        else:
            st.success(t("prog.saved", lang, n=len(result.ids), file=result.path.name))
            st.session_state.pop("prog_rows", None)

# --- saved programmes: edit, add, retire entries, see every change
saved = saved_programmes(folder)
if saved:
    st.subheader(t("prog.saved_list", lang))
for item in saved:
    parts.saved_programme(item, folder, main_path, user, store, lang)
