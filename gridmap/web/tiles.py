"""Tile routes: the ``/tiles/{layer}/{z}/{x}/{y}.{ext}`` skeleton and the local basemap.

``/tiles/...`` serves data tiles of registered layers (:data:`TILE_LAYERS`);
none is registered yet: the city-scale work fills it in. Data tiles need a
login session, since they carry the street's data.

``/basemap/{z}/{x}/{y}`` serves the MBTiles package named in the
``basemap_package`` setting (set ``basemap = "custom"`` and
``tile_url = "/basemap/{z}/{x}/{y}"`` to draw it), so a street office without
internet still sees a real basemap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from gridmap import config
from gridmap.errors import GridmapError
from gridmap.store.mbtiles import MBTiles

__all__ = ["TILE_LAYERS", "basemap_tile", "data_tile", "register_tile_layer"]

#: Layer name -> ``tile(z, x, y, ext, user) -> (bytes, content type) | None``.
TILE_LAYERS: dict[str, Callable[..., tuple[bytes, str] | None]] = {}
_PACKAGES: dict[str, MBTiles] = {}
_LOCK = threading.Lock()


def register_tile_layer(name: str, tile: Callable[..., tuple[bytes, str] | None]) -> None:
    """Serve ``/tiles/<name>/...`` with ``tile(z, x, y, ext, user)``."""
    TILE_LAYERS[name] = tile


def data_tile(layer: str, z: int, x: int, y: int, ext: str,
              user: Any) -> tuple[bytes, str] | None:
    """One data tile of a registered layer, or None (unknown layer or no tile)."""
    tile = TILE_LAYERS.get(layer)
    if tile is None or not (0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    return tile(z, x, y, ext, user)


def _package(path: str) -> MBTiles:
    with _LOCK:
        package = _PACKAGES.get(path)
        if package is None:
            package = _PACKAGES[path] = MBTiles(path)
        return package


def basemap_tile(z: int, x: int, y: int) -> tuple[bytes, dict[str, str]] | None:
    """One tile of the configured basemap package and its headers, or None.

    Raises
    ------
    gridmap.errors.InputError
        If the setting names a file that is missing or not an MBTiles package.
    """
    try:
        path = str(config.load_settings().get("basemap_package") or "")
    except GridmapError:
        path = ""
    if not path:
        return None
    package = _package(path)
    data = package.tile(z, x, y)
    if data is None:
        return None
    headers = {"content-type": package.content_type, "cache-control": "public, max-age=86400"}
    if package.format == "pbf" and data[:2] == b"\x1f\x8b":
        headers["content-encoding"] = "gzip"
    return data, headers
