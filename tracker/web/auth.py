"""Who is using the dashboard: the sign-in box, the signed-in user re-checked on every run, the
sign-in cookie's flow (a web session bound by the browser through tracker.web.routes), and what that
user may see (visible units, own units, the province chosen)."""

from __future__ import annotations

import streamlit as st

from tracker.accounts import sessions as tokens
from tracker.core.i18n import t
from tracker.web import routes
from tracker.web.state import audit, catalogue, store, throttle, users
from tracker.web.widgets import plain


def chosen_unit(units: list[str]) -> str | None:
    """The province the visitor chose: ?unit= in the link, else the one chosen earlier in this session,
    else the signed-in user's first own unit (a viewer tied to Bắc Ninh opens on Bắc Ninh).
    An unknown code in the link is returned as it is (the page says so)."""
    wanted = st.query_params.get("unit")
    if wanted:
        return wanted
    kept = st.session_state.get("nq_unit")
    if kept in units:
        return kept
    return next(iter(own_units(units)), None)


def keep_unit(unit: str) -> None:
    """Remember the chosen province in the link and the session (shared by the overview and the unit page)."""
    st.session_state["nq_unit"] = unit
    if st.query_params.get("unit") != unit:
        st.query_params["unit"] = unit


def visible_units(units: list[str]) -> list[str]:
    """The units of `units` the visitor may see (tracker.accounts.permissions.visible_units: all of them, except on an
    installation with public_pages = "none", where a viewer tied to units sees only those)."""
    from tracker.accounts.permissions import visible_units as allowed
    from tracker.core.settings import load_settings

    return allowed(current_user(), units, load_settings(), related=catalogue().lineage_group)


def may_see_pages(user) -> bool:
    """Whether this visitor may open the progress pages (public_pages, tracker.accounts.permissions.may_see_pages)."""
    from tracker.accounts.permissions import may_see_pages as allowed
    from tracker.core.settings import load_settings

    return allowed(user, load_settings())


def own_units(units: list[str]) -> list[str]:
    """The signed-in user's own units among `units` (what their overview opens on)."""
    from tracker.accounts.permissions import home_units

    return home_units(current_user(), units, related=catalogue().lineage_group)


def _client() -> tuple[str | None, bool]:
    """(address the request came from, whether it was read through a trusted proxy); (None, False) when
    unknown. Without trusted proxies the peer address is still used for the (account, client) counter:
    behind an undeclared proxy it is everyone's, which makes that counter the account's, as before."""
    from tracker.accounts.signin import client_address
    from tracker.core.settings import load_settings

    trusted = load_settings().trusted_proxies
    try:
        if trusted:
            return client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"), trusted), True
        peer = st.context.ip_address
        if peer is not None and not isinstance(peer, str):
            return None, False        # no real request (AppTest): per account only
        return (peer or "127.0.0.1"), False   # Streamlit reports a loopback peer as None
    except Exception:  # no request context (tests): per account only
        return None, False


def _cookie_token() -> str | None:
    """The session token this browser's request carries; None when none, or when the session cookie is
    there twice (one planted from another port of the host: refused rather than guessed at)."""

    try:
        raw = st.context.headers.get("Cookie")
        if raw is None:   # no raw header: the parsed cookies (one value a name)
            cookies = st.context.cookies
            raw = "; ".join(f"{k}={cookies[k]}" for k in (routes.COOKIE_NAME, routes.SECURE_COOKIE_NAME) if k in cookies)
    except Exception:   # no browser request (tests)
        return None
    token, twice = routes.session_cookie(raw)
    return None if twice else token


def _known_device(name: str) -> str | None:
    """The id of a valid web session of account ``name`` whose cookie this browser holds, else None."""
    from tracker.accounts.sessions import resume_session

    web = web_sessions()
    if web is None or not name:
        return None
    token = _cookie_token()
    if not token:
        return None
    found = _web_call(lambda: web.find(token), "find")
    if found is None or found.username != name:
        return None
    user, _, _ = resume_session(found.as_tab_session(), users(), idle_minutes=0)
    return found.id if user is not None else None


def web_sessions():
    """The server-side sessions behind the cookie, or None: under `streamlit run dashboard.py` (no
    route sets the cookie) a sign-in stays with the tab."""

    if not routes.ROUTES_MOUNTED:
        return None
    return tokens.SessionStore(store())


def _web_call(action, what: str):
    """A database call for the cookie session; a failure leaves the tab-bound sign-in working."""
    try:
        return action()
    except Exception as exc:
        print(f"NQ45 Tracker: sign-in cookie session not kept ({what}): {exc}", flush=True)
        return None


def _session_from_cookie(idle: int):
    """A new tab or a reload: the session its cookie names, if still valid (once per tab session)."""
    from tracker.accounts.sessions import resume_session

    web = web_sessions()
    if web is None:
        return None
    token = _cookie_token()
    if not isinstance(token, str) or not token or st.session_state.get("web_cookie_seen") == tokens.digest(token):
        return None
    st.session_state["web_cookie_seen"] = tokens.digest(token)
    found = _web_call(lambda: web.find(token), "find")
    if found is None:
        return None
    user, renewed, code = resume_session(found.as_tab_session(), users(), idle_minutes=idle)
    if user is None:   # removed, disabled, re-passworded or idle: the cookie names nothing any more
        _web_call(lambda: web.end(found.id), "end")
        return None
    _web_call(lambda: web.touch(found.id), "touch")
    st.session_state["web_session"] = (found.id, renewed.last_seen)
    return renewed


def _touch_web_session(now: float) -> bool:
    """Keep the cookie session's last-seen close to the tab's, so that a reload after an hour of work
    in this tab is not refused as idle; at most once a minute (a database write). False when the
    session was ended meanwhile (signed out in another tab of this browser): this tab signs out too."""

    held = st.session_state.get("web_session")
    web = web_sessions()
    if held is None or web is None or now - held[1] < tokens.TOUCH_EVERY_SECONDS:
        return True
    st.session_state["web_session"] = (held[0], now)
    return _web_call(lambda: web.touch(held[0], now=now), "touch") is not False


def _end_web_session() -> None:
    held = st.session_state.pop("web_session", None)
    web = web_sessions()
    if held is not None and web is not None:
        _web_call(lambda: web.end(held[0]), "end")


def _begin_web_session(user) -> None:
    """After a sign-in in this tab: a session waiting for the browser to bind it (login_box renders the call)."""
    import time

    from tracker.core.settings import load_settings

    web = web_sessions()
    if web is None:
        return
    began = _web_call(lambda: web.begin(user.username, user.epoch, account=user.uid,
                                        idle_minutes=load_settings().idle_minutes), "begin")
    if began is not None:
        st.session_state["web_session"] = (began[0], time.time())
        st.session_state["web_bind"] = (began[1], time.time())


def _web_browser_calls() -> None:
    """The browser's half: bind the new session's cookie, or clear it after a sign-out."""
    import time

    import streamlit.components.v1 as components


    if web_sessions() is None:
        return
    bind = st.session_state.get("web_bind")
    if bind is not None:
        if time.time() - bind[1] > tokens.BIND_SECONDS:
            del st.session_state["web_bind"]
        else:
            with st.sidebar:
                components.html(routes.browser_call(routes.BIND_PATH, bind[0]), height=0)
    if st.session_state.pop("web_sign_out", False):
        with st.sidebar:
            components.html(routes.browser_call(routes.SIGN_OUT_PATH), height=0)


def current_user():
    """The signed-in user read fresh from the users file, or None (anonymous visitors see the viewer
    pages). A removed, disabled or re-passworded account, or a session idle too long, is signed out here.
    A tab with no sign-in of its own takes the one its cookie names (tracker.web.routes), re-checked the same way."""
    from tracker.accounts.sessions import resume_session
    from tracker.core.settings import load_settings

    idle = load_settings().idle_minutes
    session = st.session_state.get("auth")
    if session is None:
        session = _session_from_cookie(idle)
        if session is None:
            return None
        st.session_state["auth"] = session
    user, renewed, code = resume_session(session, users(), idle_minutes=idle)
    if user is None:
        del st.session_state["auth"]
        _end_web_session()
        st.session_state["auth_notice"] = code
        if code == "idle":
            st.session_state["auth_expired"] = session
        audit("session_end", session.username, code)
        return None
    if not _touch_web_session(renewed.last_seen):
        del st.session_state["auth"]
        st.session_state.pop("web_session", None)
        audit("session_end", session.username, "signed_out_elsewhere")
        return None
    st.session_state["auth"] = renewed
    return user


def returning_user():
    """Who was signed out by the idle timeout in this tab and may sign in again to confirm a checked
    upload (the upload page keeps it); None if there is none or the account changed meanwhile."""
    from tracker.accounts.sessions import resume_session

    session = st.session_state.get("auth_expired")
    if session is None or st.session_state.get("auth") is not None:
        return None
    user, _, code = resume_session(session, users(), idle_minutes=0)
    if user is None:
        del st.session_state["auth_expired"]
    return user


def _attempt_sign_in() -> None:
    """The sign-in form's callback: runs before the page, so it can empty the password field."""
    from tracker.accounts.sessions import start_session
    from tracker.accounts.signin import sign_in

    from tracker.accounts.users import normalise_text

    name = normalise_text(st.session_state.get("login_user") or "").strip()
    secret = st.session_state.get("login_password") or ""
    st.session_state["login_password"] = ""  # a failed attempt must not leave the password typed in
    client, trusted = _client()
    result = sign_in(users(), throttle(), name, secret, client=client, client_trusted=trusted,
                     device=_known_device(name), audit=audit)
    if result.ok:
        st.session_state["auth"] = start_session(result.user)
        _begin_web_session(result.user)
        st.session_state.pop("auth_expired", None)
        st.session_state.pop("login_error", None)
    else:
        st.session_state["login_error"] = result


def _change_password() -> None:
    """The own-password form's callback: the three fields are emptied whatever the outcome."""
    from tracker.accounts.sessions import start_session
    from tracker.accounts.signin import change_own_password

    session = st.session_state.get("auth")
    values = [st.session_state.get(k) or "" for k in ("pw_current", "pw_new", "pw_repeat")]
    for k in ("pw_current", "pw_new", "pw_repeat"):
        st.session_state[k] = ""
    if session is None:
        return
    decision, updated = change_own_password(users(), throttle(), session.username, *values, audit=audit)
    if decision.allowed and updated is not None:
        st.session_state["auth"] = start_session(updated)  # this tab goes on with the new epoch
        _end_web_session()                                   # its cookie, like every other, named the old one
        _begin_web_session(updated)
    st.session_state["pw_result"] = decision


def _sign_out() -> None:
    session = st.session_state.pop("auth", None)
    st.session_state.pop("auth_expired", None)
    st.session_state.pop("web_bind", None)
    _end_web_session()
    if web_sessions() is not None:
        st.session_state["web_sign_out"] = True   # the browser drops its cookie (login_box)
    if session is not None:
        audit("sign_out", session.username)


# Databases seen holding a submission. Submissions are never deleted (a withdrawal is a row of its own),
# so one that held data holds it still: asked once per database, not on every page run of an
# installation whose users file is empty or missing (it read every submission each time).
_HOLDS_DATA: set[str] = set()


def _has_data() -> bool:
    """Whether the database holds any submission (an emptied users file must not make a new admin then)."""
    from tracker.core.settings import load_settings

    database = str(load_settings().database)
    if database in _HOLDS_DATA:
        return True
    try:
        held = bool(store().submissions())
    except Exception:   # an unreadable database: take it that there is data, never make an admin
        return True
    if held:
        _HOLDS_DATA.add(database)
    return held


def login_box(lang: str) -> None:
    """Sign in / out in the sidebar. On a first run with no users, an admin is created and its
    password printed once in the terminal that started the dashboard."""
    from tracker.accounts.sessions import signed_out_message
    from tracker.accounts.users import UserError, ensure_admin, first_admin_notice, users_file_problem
    from tracker.core.settings import load_settings

    store_ = users()
    try:
        problem = users_file_problem(store_, has_data=_has_data, lang=lang)
        password = None if problem else ensure_admin(store_)
    except UserError as exc:
        problem = users_file_problem(store_, error=exc, lang=lang)
        password = None
    if problem:   # a damaged or emptied users file: nobody signs in, every page still shows
        st.sidebar.container(border=True).error(problem)
        return
    if password:   # a dashboard started without `seed` (streamlit run): its terminal shows it, once
        print(first_admin_notice(password), flush=True)
    user = current_user()
    _web_browser_calls()
    box = st.sidebar.container(border=True)
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        box.warning(signed_out_message(notice, lang, load_settings().idle_minutes))
    if user:
        box.markdown(t("auth.signed_in", lang, name=plain(user.username), role=t(f"role.{user.role}", lang)))
        if user.units:
            box.caption(", ".join(catalogue().name(u, lang) for u in user.units if u in catalogue().jurisdictions))
        box.button(t("auth.sign_out", lang), key="sign_out", on_click=_sign_out)
        with box.expander(t("auth.change_password", lang)):
            with st.form("own_password", border=False):
                st.text_input(t("auth.current_password", lang), type="password", key="pw_current")
                st.text_input(t("auth.new_password", lang), type="password", key="pw_new")
                st.text_input(t("auth.repeat_password", lang), type="password", key="pw_repeat")
                st.form_submit_button(t("auth.change_password", lang), on_click=_change_password)
            result = st.session_state.pop("pw_result", None)
            if result is not None:
                (st.success if result.allowed else st.error)(result.message(lang))
        return
    with box.form("login", clear_on_submit=False, border=False):
        st.markdown(t("auth.title", lang))
        st.text_input(t("auth.user", lang), key="login_user")
        st.text_input(t("auth.password", lang), type="password", key="login_password")
        st.form_submit_button(t("auth.sign_in", lang), on_click=_attempt_sign_in)
    failure = st.session_state.pop("login_error", None)
    if failure is not None:
        box.error(failure.message(lang))
