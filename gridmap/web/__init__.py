"""The web layer: one ASGI app around the Streamlit pages (see ``asgi.py`` beside ``app.py``).

``pages``     the app's pages as data: file, title, icon, the right each needs
``sessions``  server-side login sessions (cookie token -> user re-read from the store)
``headers``   security headers and the Content-Security-Policy
``tiles``     the tile route skeleton and the local MBTiles basemap
``api``       the token-guarded JSON API under /api/v1 (``open311``: GeoReport v2)
``app``       Starlette routes (login, logout, health, tiles), middleware and lifespan
``views``     what the app's shared widgets, tables and caches show or key on

Nothing here imports Streamlit; ``asgi.py`` (outside the library) builds the
``st.App`` from :func:`gridmap.web.app.routes` and :func:`gridmap.web.app.middleware`.
"""

from __future__ import annotations
