"""Security headers on every response, and the Content-Security-Policy they carry.

The policy lets pages load scripts, styles, fonts and frames from the app
itself only, images from the app and from the tile host of the configured
basemap (Tianditu, OpenStreetMap, Amap or the custom tile URL), and be framed
by the app itself only (``frame-ancestors 'self'``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from gridmap import config
from gridmap.errors import GridmapError

__all__ = ["SecurityHeadersMiddleware", "content_security_policy", "security_headers",
           "tile_hosts"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Tile hosts of the built-in basemaps (gridmap.maps.layers).
BASEMAP_HOSTS = {
    "none": (),
    "osm": ("https://tile.openstreetmap.org",),
    "tianditu": ("https://*.tianditu.gov.cn",),
    "amap": ("https://*.is.autonavi.com",),
}


def tile_hosts(settings: dict[str, Any]) -> tuple[str, ...]:
    """Return the origins map tiles may come from under ``settings`` (besides the app)."""
    basemap = str(settings.get("basemap", "none"))
    if basemap == "custom":
        url = str(settings.get("tile_url", ""))
        parts = urlsplit(url.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.netloc.split("@")[-1]
            if "{s}" in url:
                host = urlsplit(url).netloc.replace("{s}", "*")
            return (f"{parts.scheme}://{host}",)
        return ()
    return BASEMAP_HOSTS.get(basemap, ())


def content_security_policy(settings: dict[str, Any]) -> str:
    """Return the Content-Security-Policy for ``settings``.

    Scripts and styles come from the app only (Streamlit's frontend needs inline
    styles and its small inline bootstrap script, and the map component runs
    the map script it is sent); images also from the configured tile hosts.
    """
    images = " ".join(("'self'", "data:", "blob:", *tile_hosts(settings)))
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ))


def security_headers(settings: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """Every security header (name, value) as ASGI header bytes."""
    return [
        (b"content-security-policy", content_security_policy(settings).encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"SAMEORIGIN"),
    ]


class SecurityHeadersMiddleware:
    """ASGI middleware adding :func:`security_headers` to every HTTP response.

    The settings are re-read at most every few seconds, so a basemap changed on
    the settings page reaches the policy without a restart.
    """

    REFRESH_S = 5.0

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers: list[tuple[bytes, bytes]] = []
        self._read_at = -1e9

    def _current(self) -> list[tuple[bytes, bytes]]:
        if time.monotonic() - self._read_at > self.REFRESH_S:
            try:
                settings = config.load_settings()
            except GridmapError:
                settings = {s.name: s.default for s in config.SETTINGS}
            self._headers = security_headers(settings)
            self._read_at = time.monotonic()
        return self._headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._current()
        names = {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
