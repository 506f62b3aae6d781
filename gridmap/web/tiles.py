"""Tile routes: ``/tiles/{layer}/{z}/{x}/{y}.png`` (the street's data) and the local basemap.

``/tiles/...`` serves the PNG data tiles of :func:`gridmap.tiles.render_tile`,
one layer each of :data:`gridmap.tiles.TILE_LAYERS` (:data:`TILE_LAYERS` here maps
a layer to its drawing function; :func:`register_tile_layer` adds another). Data
tiles need a login session, since they carry the street's data, and are drawn
for the session's user: a viewer's tile never shows another community's
features. An unknown layer, tile or extension is a 404.

A tile URL carries the store's data version (``?v=``, see
:func:`gridmap.maps.tiles.tile_url`): a write changes it, so such a tile may be
cached by the browser for long (:data:`VERSIONED_CACHE`); one without ``?v=``
is checked again every time (:data:`UNVERSIONED_CACHE`). Both are ``private``:
what a tile shows depends on who asks.

``/basemap/{z}/{x}/{y}`` serves the MBTiles package named in the
``basemap_package`` setting (set ``basemap = "custom"`` and
``tile_url = "/basemap/{z}/{x}/{y}"`` to draw it), so a street office without
internet still sees a real basemap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gridmap import config
from gridmap import tiles as map_tiles
from gridmap.errors import GridmapError, InputError
from gridmap.store.mbtiles import MBTiles

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "TILE_LAYERS",
    "UNVERSIONED_CACHE",
    "VERSIONED_CACHE",
    "basemap_tile",
    "cache_control",
    "data_tile",
    "register_tile_layer",
]

#: Cache-Control of a data tile whose URL names the data version (``?v=``).
VERSIONED_CACHE = "private, max-age=31536000, immutable"
#: Cache-Control of a data tile without ``?v=``: the browser asks again every time.
UNVERSIONED_CACHE = "private, no-cache"

TileFunction = Callable[["Store", int, int, int, str, Any], "tuple[bytes, str] | None"]


def _png_layer(layer: str) -> TileFunction:
    def tile(store: Store, z: int, x: int, y: int, ext: str, user: Any) -> tuple[bytes, str] | None:
        if ext != "png":
            return None
        try:
            return map_tiles.render_tile(store, layer, z, x, y, user=user), "image/png"
        except InputError:  # no such tile (zoom or column out of range)
            return None

    return tile


#: Layer name -> ``tile(store, z, x, y, ext, user) -> (bytes, content type) | None``.
TILE_LAYERS: dict[str, TileFunction] = {name: _png_layer(name) for name in map_tiles.TILE_LAYERS}
_PACKAGES: dict[str, MBTiles] = {}
_LOCK = threading.Lock()


def register_tile_layer(name: str, tile: TileFunction) -> None:
    """Serve ``/tiles/<name>/...`` with ``tile(store, z, x, y, ext, user)``."""
    TILE_LAYERS[name] = tile


def cache_control(query: Any) -> str:
    """Return the Cache-Control of a data tile asked for with this query (a mapping)."""
    return VERSIONED_CACHE if query.get("v") else UNVERSIONED_CACHE


def data_tile(store: Store, layer: str, z: int, x: int, y: int, ext: str,
              user: Any) -> tuple[bytes, str] | None:
    """One data tile of a registered layer drawn for ``user``, or None (no such layer or tile).

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not view.
    gridmap.errors.StoreError
        If the store cannot be read.
    """
    tile = TILE_LAYERS.get(layer)
    if tile is None or not (0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    return tile(store, z, x, y, ext, user)


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
