"""Pages through Streamlit's AppTest: open one (signed in or not), read its text, sign in from the box."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support import ROOT
from tracker.accounts.users import User, UserStore

TIMEOUT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def users() -> UserStore:
    """The users file of the test's installation (cheapest bcrypt cost)."""
    from tracker.core.settings import load_settings

    return UserStore(load_settings().users_file, rounds=4)


def signed_in(user: User):
    """A session for `user`, added to the users file of the test's installation if it is not there
    (the dashboard re-checks every session against that file on each run)."""
    from tracker.accounts.sessions import start_session

    store = users()
    found = store.get(user.username) or store.add_user(user.username, user.role, "mat-khau-thu-nghiem", units=user.units)
    return start_session(found)


def run(page: str, user: User | None = None, lang: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if user:
        at.session_state["auth"] = signed_in(user)
    if lang:
        at.session_state["lang"] = lang
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [t.value for t in at.title]
    parts += [h.value for h in at.header] + [h.value for h in at.subheader] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success] + [e.value for e in at.error]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    return "\n".join(str(p) for p in parts)


def dashboard() -> AppTest:
    """The dashboard's first page, nobody signed in."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def try_sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_user").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Đăng nhập").click()
    return rerun(at)


def signed_in_as(at: AppTest) -> str | None:
    """Who the tab is signed in as: the session kept, and the sign-out button shown."""
    session = at.session_state["auth"] if "auth" in at.session_state else None
    shown = any(b.label == "Đăng xuất" for b in at.button)
    assert shown == (session is not None)
    return session.username if session else None


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def spec(chart) -> str:
    """A chart's Plotly JSON with its Vietnamese text readable (the proto escapes it)."""
    import json

    return json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)
