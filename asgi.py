"""The ASGI application ``gridmap serve`` runs with uvicorn: Streamlit's ``st.App`` around app.py.

gridmap's routes (login, logout, /healthz, tiles, the local basemap, /api/v1),
its middleware (security headers, Chinese "not found", private metrics) and
its lifespan come from :mod:`gridmap.web.app`, which does not import
Streamlit: this file, beside app.py and outside the library, is the one place
that joins the two. Run by hand with::

    GRIDMAP_DB=sqlite:///gridmap.sqlite uvicorn asgi:app --app-dir /path/to/gridmap

(``gridmap serve`` also sets Streamlit's options and prepares the store first.)
"""

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from gridmap.web import app as web

# app.py lists its pages with st.navigation. Without this, Streamlit treats the app as a
# legacy pages/ folder app until the first run calls st.navigation, so the first deep link
# after a start (/issues) would run pages/issues.py on its own, without app.py's login.
PagesManager.uses_pages_directory = False

app = st.App(
    Path(__file__).resolve().parent / "app.py",
    routes=web.routes(),
    middleware=web.middleware(),
    lifespan=web.lifespan,
)
