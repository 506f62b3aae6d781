"""The ASGI application ``gridmap serve`` runs with uvicorn: Streamlit's ``st.App`` around app.py.

gridmap's routes (login, logout, /healthz, tiles, the local basemap, /api/v1),
its middleware (security headers, Chinese "not found", private metrics) and
its lifespan come from :mod:`gridmap.web.app`, which does not import
Streamlit: this file, beside app.py and outside the library, is the one place
that joins the two. Run by hand with::

    GRIDMAP_DB=sqlite:///gridmap.sqlite uvicorn asgi:app --app-dir /path/to/gridmap

(``gridmap serve`` also sets Streamlit's options and prepares the store first.)
"""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager

from gridmap.web import app as web
from gridmap.web import memory

# app.py lists its pages with st.navigation. Without this, Streamlit treats the app as a
# legacy pages/ folder app until the first run calls st.navigation, so the first deep link
# after a start (/issues) would run pages/issues.py on its own, without app.py's login.
PagesManager.uses_pages_directory = False



def _is_connected(session_id: str) -> bool:
    return Runtime.exists() and Runtime.instance().is_active_session(session_id)


def _close(session_id: str) -> None:
    if Runtime.exists():  # runs on the event loop, as Runtime.close_session requires
        Runtime.instance().close_session(session_id)


def _grace_s() -> float:
    """Streamlit's ``server.disconnectedSessionTTL``; its environment variable counts first."""
    return float(os.environ.get("STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL")
                 or st.get_option("server.disconnectedSessionTTL"))


def _register_components() -> None:
    """Register the map component in this process before any page runs.

    Streamlit registers a custom component when its module is first imported inside
    a script run, in that process only. With ``gridmap serve --workers N`` the
    browser's request for the map's iframe may reach a worker that has not run a
    page yet: it answered 404 and the map stayed blank. Registering at start-up
    makes every worker serve it.
    """
    import streamlit_folium

    if Runtime.exists():
        Runtime.instance().component_registry.register_component(
            streamlit_folium._component_func
        )


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Run gridmap's lifespan, plus the sweeper that closes sessions whose browser has gone.

    Streamlit forgets a disconnected session lazily without shutting it down, so its
    state and uploaded files stayed in memory (:mod:`gridmap.web.memory`).
    """
    async with web.lifespan(app):
        _register_components()
        task = asyncio.create_task(memory.reap_forever(_is_connected, _close, _grace_s))
        try:
            yield
        finally:
            task.cancel()


app = st.App(
    Path(__file__).resolve().parent / "app.py",
    routes=web.routes(),
    middleware=web.middleware(),
    lifespan=lifespan,
)
