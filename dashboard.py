"""NQ45 Tracker — entry point: `streamlit run dashboard.py`."""

import streamlit as st

from tracker.web import auth, banners, presentation, state, style
from tracker.core.i18n import t

# A local icon: a Material or emoji icon makes the browser fetch a font or image from the internet,
# which offices working offline do not have.
st.set_page_config(page_title="NQ45 Tracker", page_icon=str(style.ASSETS / "favicon.png"), layout="wide")
style.page_style()

problem = state.installation_problem()
if problem:
    st.error(problem)
    st.stop()
lang = state.language_switch()
presentation.presentation_mode(lang)
auth.login_box(lang)
user = auth.current_user()
# Signed out by the idle timeout with a checked upload waiting: the upload page stays, so that the
# file is kept until the user signs in again and confirms.
returning = auth.returning_user() if user is None else None
internal_only = not auth.may_see_pages(user)
if internal_only and returning is None:
    # public_pages = "none": nothing but the sign-in box and why, before any page (and figure) is built.
    st.title(t("app.title", lang))
    st.info(t("auth.internal", lang), icon=":material/lock:")
    st.stop()

pages = [
    st.Page("views/overview.py", title=t("page.overview", lang), icon=":material/dashboard:", url_path="trang-chu", default=True),
    # The default page answers at "/"; links and bookmarks to /tong-quan reach it too.
    st.Page("views/overview.py", title=t("page.overview", lang), url_path="tong-quan", visibility="hidden"),
    st.Page("views/unit.py", title=t("page.unit", lang), icon=":material/location_on:", url_path="dia-phuong"),
    st.Page("views/compare.py", title=t("page.compare", lang), icon=":material/compare_arrows:", url_path="so-sanh"),
    st.Page("views/milestones.py", title=t("page.milestones", lang), icon=":material/event:", url_path="nhiem-vu"),
]
staff = []
if (user or returning) is not None and (user or returning).role in ("uploader", "admin"):
    staff.append(st.Page("views/upload.py", title=t("page.upload", lang), icon=":material/upload_file:", url_path="nhap-so-lieu"))
else:   # a bookmark to /nhap-so-lieu is told to sign in, not Streamlit's English "Page not found"
    staff.append(st.Page(banners.sign_in_to_upload, title=t("page.upload", lang), url_path="nhap-so-lieu", visibility="hidden"))
if user is not None and user.role in ("approver", "admin"):   # issue 21: figures checked before leaders see them
    staff.append(st.Page("views/approval.py", title=t("page.approval", lang), icon=":material/fact_check:", url_path="duyet-so-lieu"))
staff.append(st.Page("views/history.py", title=t("page.history", lang), icon=":material/history:", url_path="lich-su"))
if user is not None and user.role == "admin":
    staff.append(st.Page("views/accounts.py", title=t("page.accounts", lang), icon=":material/manage_accounts:", url_path="tai-khoan"))
    staff.append(st.Page("views/audit.py", title=t("page.audit", lang), icon=":material/policy:", url_path="nhat-ky"))
    staff.append(st.Page("views/programme.py", title=t("page.programme", lang), icon=":material/post_add:", url_path="them-chuong-trinh"))
    staff.append(st.Page("views/golive.py", title=t("page.golive", lang), icon=":material/rocket_launch:", url_path="bat-dau-su-dung"))
reference = [
    st.Page("views/catalogue.py", title=t("page.catalogue", lang), icon=":material/menu_book:", url_path="danh-muc"),
    st.Page("views/method.py", title=t("page.method", lang), icon=":material/functions:", url_path="phuong-phap"),
]
if internal_only:   # signed out by the idle timeout with a checked upload: only the upload page, to sign in again
    pages, staff, reference = [], [p for p in staff if p.url_path == "nhap-so-lieu"], []
sections = {t("nav.progress", lang): pages, t("nav.data", lang): staff, t("nav.reference", lang): reference}
# expanded: an admin has about 14 entries, and Streamlit would fold those past 10 under "View more"
# (in English), hiding «Bắt đầu sử dụng thật» and «Thêm chương trình».
nav = st.navigation({name: entries for name, entries in sections.items() if entries}, expanded=True)
st.sidebar.caption(t("app.title", lang))
if user is not None and user.role == "admin":
    banners.damaged_programmes_notice(lang)
try:
    nav.run()
except banners.DAMAGED_FILE_ERRORS as exc:   # a damaged database or catalogue: a sentence naming it, not a traceback
    st.error(banners.damaged_file_message(exc, lang))
