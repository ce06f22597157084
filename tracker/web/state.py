"""What the dashboard's pages share in one server process: the store, the catalogue, the snapshots,
the users file and the sign-in throttle (cached once per process), and the tab's language.

The snapshots themselves are kept by tracker.assess.snapshot.LATEST, which has no Streamlit in it, so the
server's warm-up (tracker.server.warmup) fills the same one without importing the web layer.
"""

from __future__ import annotations

import streamlit as st

from tracker.catalogue import load_catalogue
from tracker.core.i18n import DEFAULT_LANG, LANGS, t


def lang() -> str:
    """The language chosen in the sidebar (kept in the session and the URL: ?lang=en)."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in LANGS else DEFAULT_LANG
    return st.session_state["lang"]


def language_switch() -> str:
    current = lang()
    labels = {"vi": "Tiếng Việt", "en": "English"}
    choice = st.sidebar.radio(
        t("app.language", current), LANGS, index=LANGS.index(current),
        format_func=labels.get, horizontal=True, key="lang_switch",
    )
    if choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
    return choice


def catalogue():
    return load_catalogue()


# cache_resource so that the schema is checked (and migrated) once per server process; the Store
# holds no connection between calls, so the file stays free for the CLI between page views.
@st.cache_resource(show_spinner=False)
def _open_store(path: str, archive: str):
    from tracker.storage import Store

    return Store(path, archive)


def store():
    """The Store of this server process: each call it serves opens the file for that call only."""
    from tracker.core.settings import load_settings

    settings = load_settings()
    return _open_store(settings.database, str(settings.archive_dir))   # a PostgreSQL URL when db_url is set


def snapshot():
    """Statuses of every target, brought up to date with the database on each page run.

    The database's change token is read on every run, so a commit by any process (the CLI, another
    session) shows on the next page view. A database kept busy by another process longer than the
    store waits stops the page with a sentence saying to reload, not a traceback.
    """
    from tracker.storage import StoreError

    try:
        snap = current_snapshot()
    except StoreError as exc:
        if exc.code != "busy":
            raise
        from tracker.core.i18n import fmt_number

        st.warning(t("busy.page", lang(), s=fmt_number(exc.waited, lang())), icon=":material/hourglass_top:")
        st.stop()
    return snap


def current_snapshot():
    """snapshot() without anything on the page (a busy database raises StoreError): the process's one
    (tracker.assess.snapshot.LATEST), which the server's warm-up (tracker.server.warmup) makes at start, so the
    first visitor finds it made."""
    from tracker.server import warmup
    from tracker.catalogue import catalogue_key
    from tracker.core.periods import today
    from tracker.assess.snapshot import LATEST

    return LATEST.latest(store(), load_catalogue, today(), catalogue_key(), on_new=warmup.after_new_snapshot)


def snapshot_at(period: str, current):
    """The snapshot as it stood with data up to ``period`` ("as of" on the overview), kept per
    (period, database change): ``current`` is today's snapshot, whose token names the change."""
    from tracker.catalogue import catalogue_key
    from tracker.assess.snapshot import LATEST

    return LATEST.as_of(period, current, store(), load_catalogue, catalogue_key())


def users():
    from tracker.accounts.users import UserStore
    from tracker.core.settings import load_settings

    return UserStore(load_settings().users_file)


@st.cache_resource(show_spinner=False)
def _prepare(db_path: str, archive_dir: str, users_file: str, upload_max_mb: int) -> str | None:
    """Once per server process and installation: refuse to run as another user than the data's
    owner, make the data owner-only, clear stale `.part` files, and let settings.toml's upload
    limit drive Streamlit's (the upload route reads it at each request, the widget at each run)."""
    from streamlit import config

    from tracker.core.settings import data_owner_problem, load_settings, secure_data

    settings = load_settings()
    problem = data_owner_problem(settings)
    if problem:
        print(problem, flush=True)
        return problem
    removed = secure_data(settings)
    if removed:
        print(f"NQ45 Tracker: đã xóa {len(removed)} tệp .part dở dang / removed stale .part files", flush=True)
    config.set_option("server.maxUploadSize", upload_max_mb, where_defined="settings.toml (upload_max_mb)")
    return None


def installation_problem() -> str | None:
    """A sentence when the dashboard must not run (data owned by another user), else None."""
    from tracker.core.settings import load_settings

    s = load_settings()
    return _prepare(str(s.db_path), str(s.archive_dir), str(s.users_file), s.upload_max_mb)


@st.cache_resource(show_spinner=False)
def _throttle(backoff_after: int, lock_after: int, lock_minutes: int):
    """Failed sign-ins: in memory for the DuckDB file (a restart forgets them), in the database for
    PostgreSQL, so that a lockout holds on every replica."""
    from tracker.accounts.signin import Throttle, ThrottlePolicy

    failure_log = getattr(store(), "failure_log", None)
    return Throttle(ThrottlePolicy(backoff_after, lock_after, lock_minutes), failure_log() if failure_log else None)


def throttle():
    from tracker.core.settings import load_settings

    s = load_settings()
    return _throttle(s.signin_backoff_after, s.signin_lock_after, s.signin_lock_minutes)


def audit(event: str, username: str, detail: str = "") -> None:
    """One row in the audit log; never fails the page that records it."""
    try:
        s = store()
        if hasattr(s, "audit"):
            s.audit(event, username, detail)
    except Exception as exc:  # the log must not stop a sign-in; the server log keeps the reason
        print(f"NQ45 Tracker: audit log not written ({event}, {username}): {exc}", flush=True)
