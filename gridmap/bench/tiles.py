"""Time map tiles of the synthetic city beside a plain-library baseline.

Used by ``gridmap bench``: gridmap's figure is :func:`gridmap.tiles.render_tile`
(cache off) for the grids and boards tiles at zoom 14 over the city, read
through the spatial index of the store. The baseline draws the same tiles from
the layers already in memory the plain way: ``geopandas.clip`` of the whole
frame to each tile (no index) and the same Pillow drawing. The baseline's time
excludes reading the layers from the store (about the 23.5 s frames loader of
issue #16), which only favours it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import geopandas as gpd
import shapely
from PIL import Image, ImageDraw

from gridmap import tiles
from gridmap.auth import SYSTEM
from gridmap.bench._timing import best_of

__all__ = ["bench_tiles", "city_tiles"]


def city_tiles(bounds: tuple[float, float, float, float], *, z: int = 14, n: int = 24
               ) -> list[tuple[int, int, int]]:  # fmt: skip
    """Return ``n`` zoom-``z`` tiles spread over ``bounds`` (west, south, east, north)."""
    x0, y1 = tiles.tile_of(bounds[0], bounds[1], z)
    x1, y0 = tiles.tile_of(bounds[2], bounds[3], z)
    all_tiles = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    step = max(len(all_tiles) // n, 1)
    return all_tiles[::step][:n]


def _plain_tile(frame: gpd.GeoDataFrame, z: int, x: int, y: int, *, points: bool) -> bytes:
    west, south, east, north = tiles.tile_bounds(z, x, y)
    clipped = gpd.clip(frame, (west, south, east, north))
    image = Image.new("RGBA", (tiles.TILE_SIZE, tiles.TILE_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    geoms = tiles._to_tile_pixels(clipped.geometry.to_numpy(), z, x, y)
    if points:
        for px, py in shapely.get_coordinates(geoms):
            draw.ellipse((px - 2.5, py - 2.5, px + 2.5, py + 2.5), fill=(44, 160, 44, 220))
    else:
        for g in geoms:
            for part in shapely.get_parts(g):
                if part.geom_type == "Polygon" and not part.is_empty:
                    draw.polygon(list(part.exterior.coords), fill=(217, 217, 217, 115),
                                 outline=(68, 68, 68, 230))  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def bench_tiles(
    store: object, frames: Mapping[str, gpd.GeoDataFrame], *, n: int = 24, repeat: int = 1
) -> dict[str, float]:
    """Time ``n`` grid tiles and ``n`` board tiles at zoom 14, gridmap's and the baseline's.

    Parameters
    ----------
    store
        A store holding the city (:func:`gridmap.bench.synthetic_city` imported).
    frames
        ``grids`` and ``boards`` of the same city in memory, for the baseline.
    n
        Tiles of each layer.
    repeat
        Runs of each; the best counts.

    Returns
    -------
    dict
        ``seconds``, ``baseline_seconds``, ``tiles`` (tiles drawn by each),
        ``bytes`` (PNG bytes of gridmap's tiles, their total).
    """
    bounds = tuple(frames["grids"].total_bounds)
    chosen = city_tiles(bounds, n=n)  # type: ignore[arg-type]
    versions = tiles.tile_versions(store, ("grids", "boards"))  # type: ignore[arg-type]

    def ours() -> int:
        total = 0
        for z, x, y in chosen:
            for layer in ("grids", "boards"):
                total += len(tiles.render_tile(store, layer, z, x, y, user=SYSTEM,  # type: ignore[arg-type]
                                               cache=None, version=versions[layer]))  # fmt: skip
        return total

    def plain() -> int:
        total = 0
        for z, x, y in chosen:
            total += len(_plain_tile(frames["grids"], z, x, y, points=False))
            total += len(_plain_tile(frames["boards"], z, x, y, points=True))
        return total

    seconds, size = best_of(ours, repeat)
    baseline_seconds, _ = best_of(plain, repeat)
    return {"seconds": seconds, "baseline_seconds": baseline_seconds,
            "tiles": float(2 * len(chosen)), "bytes": float(size)}  # fmt: skip
