"""Map tiles for city-size stores: PNG tiles rendered server-side, and click identification.

A city store (10,000 grids, 1,000,000 points) cannot be sent to the browser as
layers. :func:`render_tile` draws one 256 x 256 web-mercator tile
(``/tiles/{layer}/{z}/{x}/{y}.png``) of one layer from a bounding-box read of the
store (spatial index: :mod:`gridmap.store.spatial`), and :func:`identify` answers
a click with a store query, so the side panel works without loading any layer.

Why raster tiles (PNG) and not vector tiles (MVT): Leaflet draws raster tiles
natively, so no plugin is needed (no XStatic package exists for a vector-tile
decoder, and third-party JavaScript is never copied into gridmap); the tiles
carry no attributes at all (nothing to leak across scopes); and, measured on the
synthetic city (``docs/scale.md``), a PNG tile of grids is about as large as its
MVT while rendering in comparable time.

Rules of the drawing
--------------------
* layers :data:`TILE_LAYERS`: ``communities`` (outlines), ``grids`` (filled by
  worker as :func:`gridmap.maps.add_grids` fills them, outlined from zoom 13),
  the point layers ``boards``, ``fitness``, ``bins`` and ``issues`` (dots filled by
  status as :func:`gridmap.maps.add_points`, from zoom :data:`POINT_MIN_ZOOM`; a
  tile with more than :data:`MAX_DOTS` points draws their density instead);
* geometry is clipped to the tile plus a :data:`BUFFER_PX` margin, so outlines
  and dots crossing a tile edge join up;
* scope: a user scoped to communities never gets a feature outside them drawn
  (grids of other communities, points outside the user's grids);
* every tile is cached by (store, data version, day, layer, z, x, y, scope) in
  an in-process LRU bounded in bytes (:class:`TileCache`) and optionally on disk;
  the data version is that of the layers the tile reads (:func:`tile_version`,
  :data:`TILE_READS`): a write changes the versions of the layers it changed, so a
  changed feature is drawn anew on the next request and the tiles of other layers
  stay cached.

Nothing here imports Streamlit or a web framework.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import shutil
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from PIL import Image, ImageDraw

from gridmap import auth
from gridmap.errors import InputError
from gridmap.locate import polygon_index_of_points
from gridmap.maps.styles import (
    KIND_COLORS,
    PALETTE,
    STATUS_COLORS,
    UNASSIGNED_COLOR,
)
from gridmap.model import WorkerRole
from gridmap.store import spatial

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "BUFFER_PX",
    "DEFAULT_CACHE",
    "MAX_DOTS",
    "MAX_ZOOM",
    "POINT_MIN_ZOOM",
    "TILE_LAYERS",
    "TILE_READS",
    "TILE_SIZE",
    "TileCache",
    "empty_tile",
    "identify",
    "render_tile",
    "tile_bounds",
    "tile_of",
    "tile_versions",
]

#: Tile width and height in pixels.
TILE_SIZE = 256
#: Layers :func:`render_tile` draws.
TILE_LAYERS: tuple[str, ...] = ("communities", "grids", "boards", "fitness", "bins", "issues")
#: Point layers are drawn from this zoom on (a tile below it is empty).
POINT_MIN_ZOOM = 13
#: Highest zoom served.
MAX_ZOOM = 22
#: Margin drawn around a tile, in pixels, so strokes and dots cross tile edges.
BUFFER_PX = 8
#: A tile with more points than this draws their density (4-pixel cells) instead of dots.
MAX_DOTS = 20_000
#: Grid outlines are drawn from this zoom on (below, grids are a few pixels wide).
GRID_OUTLINE_MIN_ZOOM = 13
#: Click tolerance of :func:`identify` for points, in pixels.
CLICK_TOLERANCE_PX = 6

_POINT_LAYERS = ("boards", "fitness", "bins", "issues")
#: What the scope and grid colours of a tile are read from (:func:`_context`).
_CONTEXT_READS = ("assignments", "communities", "grids", "workers")
#: The layers each tile layer's drawing reads: its cache key holds their versions.
TILE_READS: dict[str, tuple[str, ...]] = {
    "communities": ("communities",),
    "grids": _CONTEXT_READS,
    **{layer: ("communities", "grids", layer) for layer in _POINT_LAYERS},
}
_KIND_OF_LAYER = {"boards": "board", "fitness": "fitness", "bins": "bin", "issues": "issue"}
_GRID_FILL_ALPHA = round(0.45 * 255)
_GRID_LINE = (0x44, 0x44, 0x44, round(0.9 * 255))
_COMMUNITY_LINE = (0x08, 0x30, 0x6B, round(0.9 * 255))
_ROLE_ORDER = {role.value: i for i, role in enumerate(WorkerRole)}  # grid head first


def _rgb(color: str) -> tuple[int, int, int]:
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


# --------------------------------------------------------------------------------------
# web-mercator tile math
# --------------------------------------------------------------------------------------


def _check_tile(z: int, x: int, y: int) -> None:
    if not (0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise InputError.keyed("tiles.no_tile", z=z, x=x, y=y, max_zoom=MAX_ZOOM, top=2**z - 1)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Return the ``(west, south, east, north)`` edges of a tile in WGS-84 degrees.

    Parameters
    ----------
    z, x, y
        The tile (XYZ scheme, as Leaflet requests it: ``y`` counted from the north).

    Returns
    -------
    tuple of float
        ``(minlon, minlat, maxlon, maxlat)``.

    Examples
    --------
    >>> tile_bounds(0, 0, 0)[0], round(tile_bounds(0, 0, 0)[3], 4)
    (-180.0, 85.0511)
    """
    _check_tile(z, x, y)
    n = 2.0**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """Return the ``(x, y)`` of the zoom-``z`` tile holding a position (WGS-84 degrees).

    Examples
    --------
    >>> tile_of(120.15, 30.27, 14)
    (13660, 6745)
    """
    n = 2**z
    px, py = _world_pixels(np.array([lon]), np.array([lat]), z)
    return min(max(int(px[0] // TILE_SIZE), 0), n - 1), min(max(int(py[0] // TILE_SIZE), 0), n - 1)


def _world_pixels(lon: np.ndarray, lat: np.ndarray, z: int) -> tuple[np.ndarray, np.ndarray]:
    """Web-mercator pixel coordinates at zoom ``z`` (origin: north-west corner of the world)."""
    scale = TILE_SIZE * 2.0**z
    lat = np.clip(lat, -85.05112878, 85.05112878)
    px = (lon + 180.0) / 360.0 * scale
    sin = np.sin(np.radians(lat))
    py = (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return px, py


def _to_tile_pixels(geoms: np.ndarray, z: int, x: int, y: int) -> np.ndarray:
    """Geometries in tile pixels, clipped to the tile plus :data:`BUFFER_PX`."""

    def project(coords: np.ndarray) -> np.ndarray:
        px, py = _world_pixels(coords[:, 0], coords[:, 1], z)
        return np.column_stack([px - x * TILE_SIZE, py - y * TILE_SIZE])

    pixels = shapely.transform(geoms, project)
    lo, hi = -BUFFER_PX, TILE_SIZE + BUFFER_PX
    return shapely.clip_by_rect(pixels, lo, lo, hi, hi)


def _query_box(z: int, x: int, y: int, margin_px: float = BUFFER_PX) -> tuple[float, ...]:
    """Return the tile's bounds widened by ``margin_px`` pixels, in degrees."""
    west, south, east, north = tile_bounds(z, x, y)
    dx = (east - west) * margin_px / TILE_SIZE
    dy = (north - south) * margin_px / TILE_SIZE
    return west - dx, max(south - dy, -90.0), east + dx, min(north + dy, 90.0)


# --------------------------------------------------------------------------------------
# cache
# --------------------------------------------------------------------------------------


@dataclass
class TileCache:
    """An LRU cache of encoded tiles, bounded in bytes, optionally backed by a folder.

    Parameters
    ----------
    max_bytes
        The most bytes of tiles kept in memory (least recently used dropped first).
    directory
        A folder to keep tiles in across processes and restarts (``None``: memory
        only). Tiles of older data versions of a store are deleted from it when a
        newer version is written.
    """

    max_bytes: int = 64 * 1024 * 1024
    directory: Path | str | None = None
    _items: OrderedDict[Hashable, bytes] = field(default_factory=OrderedDict, repr=False)
    _size: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def size_bytes(self) -> int:
        """Bytes of tiles held in memory."""
        return self._size

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget every tile held in memory."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def _path(self, key: tuple[Any, ...]) -> Path | None:
        if self.directory is None:
            return None
        store_dir = hashlib.sha256(str(key[0]).encode()).hexdigest()[:16]
        layer_dir = hashlib.sha256(repr(key[3:4]).encode()).hexdigest()[:16]  # versions per layer
        name = hashlib.sha256(repr(key[2:]).encode()).hexdigest()
        return Path(self.directory) / store_dir / layer_dir / str(key[1]) / f"{name}.png"

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        """Return the tile cached under ``key`` or ``None``."""
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
                return data
        path = self._path(key)
        if path is not None and path.is_file():
            data = path.read_bytes()
            self._remember(key, data)
            return data
        return None

    def put(self, key: tuple[Any, ...], data: bytes) -> None:
        """Cache ``data`` under ``key`` (``(store, version, ...)``)."""
        self._remember(key, data)
        path = self._path(key)
        if path is None:
            return
        version_dir = path.parent
        if not version_dir.is_dir() and version_dir.parent.is_dir():
            for old in version_dir.parent.iterdir():  # a newer version of the layer: drop older
                shutil.rmtree(old, ignore_errors=True)
        version_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{threading.get_ident()}.part")
        partial.write_bytes(data)
        partial.replace(path)

    def _remember(self, key: Hashable, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)


#: The cache :func:`render_tile` uses unless given another.
DEFAULT_CACHE = TileCache()


# --------------------------------------------------------------------------------------
# what a scope and a data version fix: community ids, grid colours
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    community_codes: dict[int, str]
    scope_ids: frozenset[int] | None  # community ids the user may see; None: all
    grid_colors: dict[int, tuple[int, int, int]]  # grid id -> fill colour


_CONTEXTS: OrderedDict[tuple[Any, ...], _Context] = OrderedDict()
_CONTEXT_LOCK = threading.Lock()


def _context(store: Store, version: Any, scope: tuple[str, ...] | None, day: dt.date) -> _Context:
    key = (store.url, version, scope, day)
    with _CONTEXT_LOCK:
        found = _CONTEXTS.get(key)
        if found is not None:
            _CONTEXTS.move_to_end(key)
            return found
    community_codes, grid_rows = spatial.community_and_grid_ids(store)
    scope_ids = None
    if scope is not None:
        wanted = set(scope)
        scope_ids = frozenset(i for i, code in community_codes.items() if code in wanted)
    visible = [(gid, code) for gid, code, cid in grid_rows if scope_ids is None or cid in scope_ids]
    # the grid's worker as gridmap.snapshot names it: the grid head, else the first worker
    assignments = store.read_layer("assignments", as_of=day)
    workers = store.read_layer("workers", include_retired=True)
    names = dict(zip(workers["code"], workers["name"], strict=True))
    best: dict[str, tuple[int, str]] = {}
    for grid, worker, role in zip(
        assignments["grid"], assignments["worker"], assignments["role"], strict=True
    ):
        entry = (_ROLE_ORDER.get(role, 99), str(names.get(worker, worker)))
        if grid not in best or entry < best[grid]:
            best[grid] = entry
    grid_worker = {gid: best[code][1] for gid, code in visible if code in best}
    # the palette of gridmap.maps.palette_for over the workers of the visible grids
    distinct = sorted(set(grid_worker.values()))
    palette = {name: _rgb(PALETTE[i % len(PALETTE)]) for i, name in enumerate(distinct)}
    unassigned = _rgb(UNASSIGNED_COLOR)
    colors = {gid: palette[grid_worker[gid]] if gid in grid_worker else unassigned
              for gid, _ in visible}  # fmt: skip
    context = _Context(community_codes, scope_ids, colors)
    with _CONTEXT_LOCK:
        _CONTEXTS[key] = context
        while len(_CONTEXTS) > 16:
            _CONTEXTS.popitem(last=False)
    return context


# --------------------------------------------------------------------------------------
# reads
# --------------------------------------------------------------------------------------


def _scoped_grids(
    store: Store, box: Sequence[float], context: _Context
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ids, community ids, geometries)`` of the grids the context may see in ``box``."""
    values, geoms = spatial.read_layer_bbox(
        store, "grids", box, columns=("id", "community_id"), community_ids=context.scope_ids
    )
    return values["id"], values["community_id"], geoms


def _points(
    store: Store, layer: str, box: Sequence[float], context: _Context
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ids, statuses, geometries)`` of a point layer in ``box``, within the scope."""
    values, geoms = spatial.read_layer_bbox(store, layer, box, columns=("id", "status"))
    ids, statuses = values["id"], values["status"]
    if context.scope_ids is not None and len(geoms):
        _, _, grid_geoms = _scoped_grids(store, box, context)
        inside = polygon_index_of_points(geoms, grid_geoms) >= 0
        ids, statuses, geoms = ids[inside], statuses[inside], geoms[inside]
    return ids, statuses, geoms


# --------------------------------------------------------------------------------------
# drawing
# --------------------------------------------------------------------------------------


def _rings(geom: Any) -> list[tuple[list[tuple[float, float]], list[list[tuple[float, float]]]]]:
    """``(exterior, holes)`` coordinate lists of every polygon part of ``geom``."""
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        out.append((
            list(part.exterior.coords),
            [list(ring.coords) for ring in part.interiors],
        ))  # fmt: skip
    return out


def _draw_polygons(
    draw: ImageDraw.ImageDraw,
    geoms: np.ndarray,
    fills: Sequence[tuple[int, int, int, int] | None],
    line: tuple[int, int, int, int] | None,
    width: int,
) -> None:
    shapes = [(_rings(g), fill) for g, fill in zip(geoms, fills, strict=True)]
    if any(fill is not None for fill in fills):
        # polygons with holes first, holes punched, so the features inside them draw over
        order = sorted(range(len(shapes)), key=lambda i: not any(h for _, h in shapes[i][0]))
        for i in order:
            parts, fill = shapes[i]
            if fill is None:
                continue
            for exterior, holes in parts:
                if len(exterior) >= 3:
                    draw.polygon(exterior, fill=fill)
                for hole in holes:
                    if len(hole) >= 3:
                        draw.polygon(hole, fill=(0, 0, 0, 0))
    if line is None:
        return
    for parts, _ in shapes:
        for exterior, holes in parts:
            for ring in (exterior, *holes):
                if len(ring) >= 2:
                    draw.line(ring, fill=line, width=width, joint="curve")


def _dot_radius(z: int) -> float:
    return {13: 2.0, 14: 2.5, 15: 3.0, 16: 4.0}.get(z, 2.0 if z < 13 else 5.0)


def _draw_points(
    image: Image.Image, layer: str, statuses: np.ndarray, geoms: np.ndarray, z: int
) -> None:
    kind_rgb = _rgb(KIND_COLORS.get(_KIND_OF_LAYER[layer], "#3366cc"))
    # a point the index read just outside the clip rectangle (a float at its edge) is
    # clipped to empty: drop it with its status, so dots and colours stay aligned
    drawn = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    statuses, geoms = np.asarray(statuses)[drawn], np.asarray(geoms)[drawn]
    xy = shapely.get_coordinates(geoms)
    if len(xy) > MAX_DOTS:  # density: 4-pixel cells, opacity by log count
        cells = TILE_SIZE // 4
        counts, _, _ = np.histogram2d(
            xy[:, 1], xy[:, 0], bins=cells, range=[[0, TILE_SIZE], [0, TILE_SIZE]]
        )
        alpha = np.where(counts > 0, 60 + 195 * np.log1p(counts) / np.log1p(counts.max()), 0)
        rgba = np.zeros((cells, cells, 4), dtype=np.uint8)
        rgba[..., :3] = kind_rgb
        rgba[..., 3] = alpha.astype(np.uint8)
        density = Image.fromarray(rgba, "RGBA").resize((TILE_SIZE, TILE_SIZE), Image.NEAREST)
        image.alpha_composite(density)
        return
    # dots stamped with numpy: every pixel within the radius of a point, all points at once
    r = _dot_radius(z)
    kind_color = KIND_COLORS.get(_KIND_OF_LAYER[layer], "#3366cc")
    colors = {str(v): (*_rgb(STATUS_COLORS.get(str(v), kind_color)), 220) for v in set(statuses)}
    fills = np.array([colors[str(v)] for v in statuses], dtype=np.uint8).reshape(-1, 4)
    rgba = np.array(image)
    centre_x, centre_y = np.floor(xy[:, 0]).astype(int), np.floor(xy[:, 1]).astype(int)
    reach = math.ceil(r)
    dy, dx = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    ring = np.hypot(dx, dy)
    passes = [(ring <= r, fills)]
    if r >= 3:  # an outline in the kind colour, then the status fill inside it
        outline = np.array([(*_rgb(kind_color), 230)], dtype=np.uint8)
        passes = [(ring <= r, np.repeat(outline, len(xy), axis=0)), (ring <= r - 1.2, fills)]
    for mask, color in passes:
        ox, oy = dx[mask], dy[mask]
        px = (centre_x[:, None] + ox[None, :]).ravel()
        py = (centre_y[:, None] + oy[None, :]).ravel()
        values = np.repeat(color, len(ox), axis=0)
        inside = (px >= 0) & (px < TILE_SIZE) & (py >= 0) & (py < TILE_SIZE)
        rgba[py[inside], px[inside]] = values[inside]
    image.paste(Image.fromarray(rgba, "RGBA"))


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


_EMPTY: bytes | None = None


def empty_tile() -> bytes:
    """Return the PNG of a fully transparent tile (what a tile without features is)."""
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = _encode(Image.new("RGBA", (TILE_SIZE, TILE_SIZE), (0, 0, 0, 0)))
    return _EMPTY


def _draw(store: Store, layer: str, z: int, x: int, y: int, context: _Context) -> bytes:
    box = _query_box(z, x, y)
    image = Image.new("RGBA", (TILE_SIZE, TILE_SIZE), (0, 0, 0, 0))
    if layer == "communities":
        _, geoms = spatial.read_layer_bbox(
            store, "communities", box, columns=("id",), community_ids=context.scope_ids
        )
        if not len(geoms):
            return empty_tile()
        width = 3 if z >= GRID_OUTLINE_MIN_ZOOM else 2
        pixels = _to_tile_pixels(geoms, z, x, y)
        _draw_polygons(ImageDraw.Draw(image), pixels, [None] * len(pixels), _COMMUNITY_LINE, width)
    elif layer == "grids":
        ids, _, geoms = _scoped_grids(store, box, context)
        if not len(geoms):
            return empty_tile()
        unassigned = _rgb(UNASSIGNED_COLOR)
        fills = [(*context.grid_colors.get(int(i), unassigned), _GRID_FILL_ALPHA) for i in ids]
        line = _GRID_LINE if z >= GRID_OUTLINE_MIN_ZOOM else None
        pixels = _to_tile_pixels(geoms, z, x, y)
        _draw_polygons(ImageDraw.Draw(image), pixels, fills, line, 1)
    else:
        if z < POINT_MIN_ZOOM:
            return empty_tile()
        _, statuses, geoms = _points(store, layer, box, context)
        if not len(geoms):
            return empty_tile()
        _draw_points(image, layer, statuses, _to_tile_pixels(geoms, z, x, y), z)
    return _encode(image)


def _stamp(versions: dict[str, int], layers: Sequence[str]) -> str:
    return "-".join(str(versions[layer]) for layer in layers)


def tile_versions(store: Store, layers: Sequence[str] = TILE_LAYERS) -> dict[str, str]:
    """Return the data version of each tile layer, in one store query.

    A tile layer's version is made of the versions of the layers its drawing reads
    (:data:`TILE_READS`): it changes when one of them is written, and only then.

    Parameters
    ----------
    store
        The store.
    layers
        Layers of :data:`TILE_LAYERS`.

    Returns
    -------
    dict
        Layer -> version text (part of the tile's cache key and of its URL,
        :func:`gridmap.maps.tiles.tile_url`).
    """
    reads = sorted({name for layer in layers for name in TILE_READS[layer]})
    versions = store.data_versions(reads)
    return {layer: _stamp(versions, TILE_READS[layer]) for layer in layers}


def _scope_of(user: User) -> tuple[str, ...] | None:
    return None if user.scope is None else tuple(sorted(set(user.scope)))


def render_tile(
    store: Store,
    layer: str,
    z: int,
    x: int,
    y: int,
    *,
    user: User,
    cache: TileCache | None = DEFAULT_CACHE,
    version: Any = None,
    on: dt.date | None = None,
) -> bytes:
    """Return one map tile of one layer as PNG bytes (256 x 256, RGBA, web mercator).

    Parameters
    ----------
    store
        The store.
    layer
        One of :data:`TILE_LAYERS`.
    z, x, y
        The tile in the XYZ scheme Leaflet requests (``{z}/{x}/{y}``).
    user
        Who looks (needs the ``view`` right); features outside the user's scope
        are never drawn.
    cache
        The tile cache (default :data:`DEFAULT_CACHE`; ``None``: no caching).
    version
        The data version of the layer if the caller has just read it
        (:func:`tile_versions`); ``None`` reads it.
    on
        The day whose worker assignments colour the grids (default today).

    Returns
    -------
    bytes
        A PNG image; transparent where the layer has nothing (:func:`empty_tile`
        for a tile without features).

    Raises
    ------
    gridmap.errors.InputError
        If the layer is unknown or the tile does not exist.
    gridmap.errors.PermissionDenied
        If the user may not view.
    gridmap.errors.StoreError
        If the store cannot be read.
    """
    auth.require(user, "view")
    if layer not in TILE_LAYERS:
        raise InputError.keyed("tiles.no_layer", layer=layer, layers=list(TILE_LAYERS))
    _check_tile(z, x, y)
    context_version = None
    if version is None:
        versions = store.data_versions(sorted({*TILE_READS[layer], *_CONTEXT_READS}))
        version = _stamp(versions, TILE_READS[layer])
        context_version = _stamp(versions, _CONTEXT_READS)
    elif isinstance(version, tuple):
        version = "-".join(str(v) for v in version)
    day = on or dt.date.today()
    scope = _scope_of(user)
    key = (store.url, version, day.isoformat(), layer, z, x, y, scope)
    if cache is not None:
        found = cache.get(key)
        if found is not None:
            return found
    context = _context(store, context_version or f"tile:{layer}:{version}", scope, day)
    data = _draw(store, layer, z, x, y, context)
    if cache is not None:
        cache.put(key, data)
    return data


# --------------------------------------------------------------------------------------
# identify
# --------------------------------------------------------------------------------------


def identify(
    store: Store,
    lon: float,
    lat: float,
    *,
    user: User,
    zoom: int,
    layers: Sequence[str] = TILE_LAYERS,
) -> dict[str, Any] | None:
    """Return the feature drawn under a click: a point near it, else the grid or community.

    Parameters
    ----------
    store
        The store.
    lon, lat
        The clicked position in WGS-84 degrees.
    user
        Who clicks (needs ``view``); features outside the user's scope are never found.
    zoom
        The map's zoom: points are found within :data:`CLICK_TOLERANCE_PX` pixels
        at that zoom, and only from :data:`POINT_MIN_ZOOM` on (where they are drawn).
    layers
        The layers shown (default all of :data:`TILE_LAYERS`).

    Returns
    -------
    dict or None
        ``layer``, ``id``, ``code`` and, for grids, ``community``; for points also
        ``grid`` and ``community`` (the grid holding the point), ``lon``, ``lat``.
        ``None`` if nothing visible is there.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not view.
    """
    auth.require(user, "view")
    scope = _scope_of(user)
    versions = store.data_versions(_CONTEXT_READS)
    context = _context(store, _stamp(versions, _CONTEXT_READS), scope, dt.date.today())
    z = int(min(max(zoom, 0), MAX_ZOOM))
    here = shapely.Point(lon, lat)

    def grid_under(position: Any) -> tuple[int, int] | None:
        box = (position.x, position.y, position.x, position.y)
        ids, communities, geoms = _scoped_grids(store, box, context)
        hits = np.flatnonzero(shapely.intersects(geoms, position)) if len(geoms) else []
        return (int(ids[hits[0]]), int(communities[hits[0]])) if len(hits) else None

    def code_of(layer: str, row_id: int) -> str | None:
        return spatial.code_of(store, layer, row_id)

    shown_points = [layer for layer in _POINT_LAYERS if layer in layers]
    if z >= POINT_MIN_ZOOM and shown_points:
        px, py = _world_pixels(np.array([lon]), np.array([lat]), z)
        deg_per_px = 360.0 / (TILE_SIZE * 2**z)
        window = CLICK_TOLERANCE_PX * deg_per_px
        box = (lon - window, lat - window, lon + window, lat + window)
        best: tuple[float, str, int, Any] | None = None
        for layer in shown_points:
            ids, _, geoms = _points(store, layer, box, context)
            if not len(geoms):
                continue
            xy = shapely.get_coordinates(geoms)
            qx, qy = _world_pixels(xy[:, 0], xy[:, 1], z)
            distance = np.hypot(qx - px[0], qy - py[0])
            i = int(np.argmin(distance))
            if distance[i] <= CLICK_TOLERANCE_PX and (best is None or distance[i] < best[0]):
                best = (float(distance[i]), layer, int(ids[i]), geoms[i])
        if best is not None:
            _, layer, row_id, geom = best
            found: dict[str, Any] = {"layer": layer, "id": row_id, "code": code_of(layer, row_id),
                                     "lon": float(geom.x), "lat": float(geom.y)}  # fmt: skip
            under = grid_under(geom)
            found["grid"] = None if under is None else code_of("grids", under[0])
            found["community"] = None if under is None else context.community_codes.get(under[1])
            return found
    if "grids" in layers:
        under = grid_under(here)
        if under is not None:
            return {"layer": "grids", "id": under[0], "code": code_of("grids", under[0]),
                    "community": context.community_codes.get(under[1])}  # fmt: skip
    if "communities" in layers:
        values, geoms = spatial.read_layer_bbox(
            store, "communities", (lon, lat, lon, lat), columns=("id", "code"),
            community_ids=context.scope_ids,
        )
        hits = np.flatnonzero(shapely.intersects(geoms, here)) if len(geoms) else []
        if len(hits):
            i = int(hits[0])
            return {"layer": "communities", "id": int(values["id"][i]), "code": values["code"][i]}
    return None
