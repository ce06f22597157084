"""NQ45 Tracker served with its sign-in routes: `streamlit run app.py` (what `make run` and
`python -m tracker.server` start).

The same dashboard as `streamlit run dashboard.py`, plus two POST routes (tracker.sessions) that set
and clear the HttpOnly cookie which lets a sign-in survive a reload and a new tab. Under
`streamlit run dashboard.py` a sign-in lasts as long as the browser tab.
"""

import streamlit as st

from tracker import sessions

sessions.ROUTES_MOUNTED = True
app = st.App("dashboard.py", routes=sessions.routes())
