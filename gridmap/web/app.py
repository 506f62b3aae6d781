"""gridmap's Starlette routes, middleware and lifespan, mounted beside the Streamlit pages.

``asgi.py`` (beside ``app.py``, outside the library) builds the ASGI app::

    app = st.App("app.py", routes=web.routes(), middleware=web.middleware(),
                 lifespan=web.lifespan)

Routes:

``POST /auth/login``   form-encoded ``username``, ``password``, ``next``; sets the
                       session cookie and redirects (303) to ``next``; a failure
                       redirects there with ``?login_error=failed`` or ``locked-N``
``POST /auth/logout``  ends the cookie's session, clears the cookie, redirects to ``/``
``GET /healthz``       ``{"status": "ok", "schema": ..., "head": ...}``; 503 when the store fails
``GET /tiles/{layer}/{z}/{x}/{y}.png``  PNG data tiles drawn for the session's user
``GET /basemap/{z}/{x}/{y}``              the local MBTiles basemap package
``/api/v1``            the JSON API (:mod:`gridmap.web.api`), when that module exists

Both POST routes accept only requests whose ``Origin`` (or ``Referer``) is
this site: with the SameSite=Lax cookie that is the CSRF protection of a
same-site form. Middleware adds the security headers to every response,
answers an address that is no page with a Chinese "not found" page, and keeps
``/_stcore/metrics`` to logged-in admins.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import BaseRoute, Mount, Route

from gridmap import auth, config, i18n
from gridmap.errors import GridmapError, PermissionDenied
from gridmap.store import Store, default_url
from gridmap.web import html, tiles
from gridmap.web import sessions as web_sessions
from gridmap.web.headers import SecurityHeadersMiddleware
from gridmap.web.pages import page_paths

__all__ = ["current_store", "lifespan", "middleware", "routes"]

#: First path segments that are never app pages (Streamlit's and gridmap's routes).
NOT_PAGES = frozenset({"_stcore", "static", "component", "media", "app", "auth", "healthz",
                       "tiles", "basemap", "api", "oauth2callback", "-"})
_MAX_FORM_BYTES = 16 * 1024

_store: Store | None = None
_store_lock = threading.Lock()


def current_store() -> Store:
    """The process's store ($GRIDMAP_DB, else the default file), opened on first use."""
    global _store
    with _store_lock:
        if _store is None:
            _store = Store(default_url())
        return _store


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Open the store and start the notification sender; stop both when the server stops.

    The sender (:class:`gridmap.notify.Sender`) is a background thread that works
    only while channels are configured and this process holds the sender lease;
    ``GRIDMAP_NOTIFY_SENDER=0`` leaves it to ``gridmap notify run`` (cron).
    """
    global _store
    from gridmap.notify import Sender

    with contextlib.suppress(GridmapError):  # /healthz reports it; pages show the error
        await run_in_threadpool(current_store)
    sender = None
    if os.environ.get("GRIDMAP_NOTIFY_SENDER", "1") != "0":
        sender = Sender(current_store)
        sender.start()
    yield
    if sender is not None:
        await run_in_threadpool(sender.stop)
    with _store_lock:
        if _store is not None:
            _store.close()
            _store = None


# --- helpers ---------------------------------------------------------------------------------


def _same_origin(request: Request) -> bool:
    """Whether a POST comes from a page of this site (its Origin, else Referer, names this host)."""
    host = request.headers.get("host", "")
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    if not host or not source or source == "null":
        return False
    return urlsplit(source).netloc.lower() == host.lower()


def _with_query(path: str, **params: str) -> str:
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in params]
    query += list(params.items())
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def _settings() -> dict[str, Any]:
    try:
        return config.load_settings()
    except GridmapError:
        return {s.name: s.default for s in config.SETTINGS}


def _lang(request: Request) -> str:
    """The language of answers outside the app's pages: Chinese, the app's default."""
    return i18n.DEFAULT_LANG


def _resolve(request_cookies: dict[str, str], *, touch: bool = False) -> web_sessions.Resolved:
    token = request_cookies.get(web_sessions.COOKIE)
    if not token:
        return web_sessions.Resolved(None)
    return web_sessions.resolve_session(current_store(), token, touch=touch)


# --- routes ----------------------------------------------------------------------------------


async def login_post(request: Request) -> Response:
    """Check the posted user name and password; start a session and set its cookie."""
    if not _same_origin(request):
        return PlainTextResponse(i18n.t("auth.bad_origin", _lang(request)), status_code=403)
    if int(request.headers.get("content-length") or 0) > _MAX_FORM_BYTES:
        return PlainTextResponse("request too large", status_code=413)
    form = await request.form()
    username = str(form.get("username") or "")[:100]
    password = str(form.get("password") or "")[:200]
    next_path = html.safe_next(str(form.get("next") or "/"))
    store = current_store()
    result = await run_in_threadpool(auth.login, store, username, password)
    if result.user is None:
        code = "failed" if result.locked_minutes is None else f"locked-{result.locked_minutes}"
        return RedirectResponse(_with_query(next_path, login_error=code), status_code=303)
    settings = _settings()
    token, _ = await run_in_threadpool(
        web_sessions.start_session, store, result.user,
        user_agent=request.headers.get("user-agent"), settings=settings)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        web_sessions.COOKIE, token, max_age=int(float(settings["session_max_hours"]) * 3600),
        path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


async def login_get(request: Request) -> Response:
    """The login form lives on every page when logged out: go to the asked page."""
    return RedirectResponse(html.safe_next(request.query_params.get("next")), status_code=303)


async def logout_post(request: Request) -> Response:
    """End the cookie's session and clear the cookie."""
    if not _same_origin(request):
        return PlainTextResponse(i18n.t("auth.bad_origin", _lang(request)), status_code=403)
    resolved = await run_in_threadpool(_resolve, dict(request.cookies))
    if resolved.session is not None:
        await run_in_threadpool(web_sessions.end_session, current_store(), resolved.session.id,
                                by=resolved.session.user, reason="logout")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(web_sessions.COOKIE, path="/")
    return response


def _health() -> tuple[int, dict[str, Any]]:
    try:
        store = current_store()
        return 200, {"status": "ok", "schema": store.schema_version(),
                     "head": store.head_version()}
    except GridmapError as exc:
        return 503, {"status": "error", "error": str(exc)}


async def healthz(request: Request) -> Response:
    """Whether the store answers, and its schema version."""
    status, body = await run_in_threadpool(_health)
    return JSONResponse(body, status_code=status, headers={"cache-control": "no-store"})


async def data_tile(request: Request) -> Response:
    """A PNG data tile drawn for the session's user (401 without a session, 404 for no tile)."""
    resolved = await run_in_threadpool(_resolve, dict(request.cookies))
    if resolved.session is None:
        return JSONResponse({"error": "log in first"}, status_code=401)
    p = request.path_params
    try:
        tile = await run_in_threadpool(tiles.data_tile, current_store(), p["layer"], p["z"],
                                       p["x"], p["y"], p["ext"], resolved.session.user)
    except PermissionDenied as exc:
        return JSONResponse({"error": str(exc)}, status_code=403)
    if tile is None:
        return JSONResponse({"error": "no such tile layer or tile"}, status_code=404)
    data, content_type = tile
    return Response(data, media_type=content_type,
                    headers={"cache-control": tiles.cache_control(request.query_params)})


async def basemap_tile(request: Request) -> Response:
    """A tile of the local basemap package (404 when there is none or it lacks the tile)."""
    p = request.path_params
    try:
        tile = await run_in_threadpool(tiles.basemap_tile, p["z"], p["x"], p["y"])
    except GridmapError as exc:
        return PlainTextResponse(str(exc), status_code=503)
    if tile is None:
        return Response(status_code=404)
    data, headers = tile
    return Response(data, headers=headers)


def _api_mount() -> list[BaseRoute]:
    """Mount the JSON API at /api/v1 when gridmap.web.api exists."""
    if importlib.util.find_spec("gridmap.web.api") is None:
        return []
    from gridmap.web import api

    return [Mount("/api/v1", app=api.create_api(default_url()))]


def routes() -> list[BaseRoute]:
    """gridmap's routes, checked before Streamlit's."""
    return [
        Route("/auth/login", login_post, methods=["POST"]),
        Route("/auth/login", login_get, methods=["GET"]),
        Route("/auth/logout", logout_post, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/tiles/{layer}/{z:int}/{x:int}/{y:int}.{ext}", data_tile, methods=["GET"]),
        Route("/basemap/{z:int}/{x:int}/{y:int}", basemap_tile, methods=["GET"]),
        *_api_mount(),
    ]


# --- middleware ------------------------------------------------------------------------------


class PageGateMiddleware:
    """Answer addresses that are no page with a Chinese "not found"; keep metrics private.

    Streamlit serves its page for any address and then shows an English "Page
    not found" dialog; here a GET of an address whose first segment is neither
    an app page nor a route gets a 404 page with a link home instead.
    ``/_stcore/metrics`` answers 404 unless the request carries an admin's session.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.pages = set(page_paths())

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "/")
        if path.rstrip("/") == "/_stcore/metrics":
            if not await run_in_threadpool(self._is_admin, scope):
                await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
                return
        elif scope.get("method") in ("GET", "HEAD") and not self._known(path):
            page = html.not_found_page(i18n.DEFAULT_LANG)
            await HTMLResponse(page, status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _known(self, path: str) -> bool:
        segments = [s for s in path.split("/") if s]
        if not segments:
            return True
        if segments[0] in NOT_PAGES or "." in segments[-1]:
            return True  # a route, or a file (favicon.png, manifest.json, ...)
        return len(segments) == 1 and segments[0] in self.pages

    @staticmethod
    def _is_admin(scope: dict) -> bool:
        cookie = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie.load(value.decode("latin-1"))
        morsel = cookie.get(web_sessions.COOKIE)
        if morsel is None:
            return False
        try:
            resolved = _resolve({web_sessions.COOKIE: morsel.value})
        except GridmapError:
            return False
        return resolved.session is not None and auth.can(resolved.session.user, "manage_users")


#: Paths whose answers are compressed: the public scripts, styles and component files.
GZIP_PREFIXES = ("/static/", "/app/static/", "/component/")


class AssetGZipMiddleware:
    """Gzip the app's scripts and styles: under uvicorn Streamlit sends them uncompressed.

    A first visit fetches about 3 MB of Streamlit's JavaScript (slow on a mobile network);
    compressed it is about a third of that. Only public asset paths (:data:`GZIP_PREFIXES`) are
    compressed: pages and API answers that carry a user's data are sent as they are,
    so no compression side channel (BREACH) can reach a secret. Images are left alone.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024, compresslevel=6)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(GZIP_PREFIXES):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def middleware() -> list[Middleware]:
    """gridmap's middleware, outermost first (runs before Streamlit's own)."""
    return [Middleware(SecurityHeadersMiddleware), Middleware(PageGateMiddleware),
            Middleware(AssetGZipMiddleware)]
