"""The web layer: the only package that imports Streamlit or Starlette (issue 18).

state.py (the process's caches and the tab's language), auth.py (who is using the dashboard),
routes.py (the sign-in cookie's two Starlette routes), style.py, widgets.py, banners.py,
presentation.py (what pages draw with), and one module of plain decisions per large page.
Nothing is imported here, so a page's plain functions can be tested without loading Streamlit.
"""
