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

from gridmap.web import app as web

app = st.App(
    Path(__file__).resolve().parent / "app.py",
    routes=web.routes(),
    middleware=web.middleware(),
    lifespan=web.lifespan,
)
