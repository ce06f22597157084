"""NQ45 Tracker served with its sign-in routes: `streamlit run app.py` (what `make run` and
`python -m tracker.server` start).

The same dashboard as `streamlit run dashboard.py`, plus two POST routes (tracker.web.routes) that set
and clear the HttpOnly cookie which lets a sign-in survive a reload and a new tab. Under
`streamlit run dashboard.py` a sign-in lasts as long as the browser tab.
"""

import streamlit as st

from tracker.web import routes

routes.ROUTES_MOUNTED = True
app = st.App("dashboard.py", routes=routes.routes())
