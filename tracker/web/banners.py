"""What a page says about the state of things before its content: a damaged file, demo figures, the
open report windows, nothing reported yet, a page that needs a sign-in."""

from __future__ import annotations

import streamlit as st

from tracker.core.i18n import t
from tracker.web.auth import current_user
from tracker.web.state import catalogue, lang, store


def _damaged_file_errors() -> tuple:
    from tracker.catalogue import CatalogueError
    from tracker.storage import StoreError

    return (StoreError, CatalogueError)


def damaged_file_message(exc: Exception, lang: str) -> str:
    """What a visitor is told when the database or the catalogue cannot be read: the file, and what to do."""
    from tracker.catalogue import CatalogueError

    if isinstance(exc, CatalogueError):
        problems = "; ".join(getattr(exc, "problems", [])[:3]) or str(exc)
        if lang == "en":
            return (f"The catalogue file {getattr(exc, 'path', '')} cannot be read ({problems}). An administrator should "
                    "restore it from the backup or the repository; nothing stored has been lost.")
        return (f"Không đọc được tệp danh mục {getattr(exc, 'path', '')} ({problems}). Quản trị viên hãy khôi phục tệp từ bản "
                "sao lưu hoặc từ kho mã; số liệu đã lưu không bị mất.")
    what = exc.message(lang) if hasattr(exc, "message") else str(exc)
    if lang == "en":
        return (f"The database cannot be used now: {what}. If the file is damaged, an administrator should stop the server "
                "and restore the last backup (`python -m tracker backup` makes them); the uploaded files are kept in the archive.")
    return (f"Hiện chưa dùng được cơ sở dữ liệu: {what}. Nếu tệp bị hỏng, quản trị viên hãy dừng máy chủ và khôi phục bản "
            "sao lưu gần nhất (tạo bằng `python -m tracker backup`); các tệp đã nộp vẫn được giữ trong kho lưu trữ.")


# Errors of a damaged file that a page cannot recover from (dashboard.py shows damaged_file_message).
DAMAGED_FILE_ERRORS = _damaged_file_errors()


def damaged_programmes_notice(lang: str) -> None:
    """For admins: the programme files left out of the catalogue because they are damaged."""
    from tracker.catalogue import skipped_programme_notice

    try:
        notice = skipped_programme_notice(catalogue(), lang)
    except Exception:   # the page itself will say what is wrong with the catalogue
        return
    if notice:
        st.warning(notice)


def sign_in_to_upload() -> None:
    """What a visitor who is not signed in as staff sees at /nhap-so-lieu."""
    current = lang()
    st.title(t("page.upload", current))
    st.info(t("auth.upload_sign_in", current), icon=":material/login:")


def demo_banner(snap, lang: str, units: list[str] | None = None) -> None:
    """Only where demo values are drawn: anywhere (units None), or on these units' pages."""
    if snap.shows_demo(units):
        st.warning(t("app.demo_banner", lang), icon=":material/science:")


def reporting_window(lang: str) -> None:
    """For signed-in staff: the open report windows and how many units have submitted for each."""
    user = current_user()
    if user is None or user.role not in ("uploader", "approver", "admin"):
        return
    from tracker.reporting.completeness import completeness
    from tracker.core.periods import today
    from tracker.core.settings import load_settings
    from tracker.web.upload import calendar_notice

    cal = load_settings().reporting_calendar
    now = today()
    notice = calendar_notice(cal, now, lang)
    lines = list(notice.lines[:1]) if notice.state == "closed" else list(notice.lines)
    lines += [completeness(catalogue(), store(), w).summary(lang) for w in cal.open_windows(now)
              if w.period.is_quarter or w.period.is_year]
    st.caption("  \n".join(lines))


def empty_state(lang: str) -> None:
    """What to do when nothing has been reported yet."""
    st.info(t("app.empty", lang))
    user = current_user()
    if user is not None and user.role in ("uploader", "admin"):
        st.page_link("views/upload.py", label=t("page.upload", lang), icon=":material/upload_file:")
    else:
        st.caption(t("app.empty_sign_in", lang))
