"""Where a grid or a point belongs, from its geometry (not from the rows written before it).

A grid row names its community, but the name alone proves nothing: a planner
scoped to community B could write a grid with ``community=B`` over community A's
area and, once A's grids are re-saved, edit A's records. So every grid write
(import, split save) checks the geometry: the grid must lie inside its
community's polygon (up to the tiling tolerance) and may not overlap the grids of
another community. A point's community is the community polygon containing it.

The functions here are pure: they take the frames, the callers
(:mod:`gridmap.importing`, :mod:`gridmap.grids.service`,
:mod:`gridmap.records.points`) read them from the store.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.crs import metric_crs, to_metric
from gridmap.locate import polygon_index_of_points
from gridmap.messages import Msg

__all__ = ["Placement", "communities_of_points", "grid_placement_problems"]


@dataclass(frozen=True)
class Placement:
    """A grid that may not be written where it is: its row (0-based) and why.

    ``kind`` is ``"outside"`` (part of it lies outside its community's polygon) or
    ``"overlap"`` (it covers part of a grid of another community); ``other`` names
    that grid, ``area_m2`` the area concerned.
    """

    row: int
    kind: str
    grid: str | None
    community: str
    area_m2: float
    other: str | None = None

    @property
    def msg(self) -> Msg:
        """The refusal as a message in the reader's language (``#n``: the n-th grid, no code)."""
        grid = self.grid or f"#{self.row + 1}"
        area = f"{self.area_m2:.1f}"
        if self.kind == "outside":
            return Msg("io.scope.grid_outside", grid=grid, community=self.community, area=area)
        return Msg(
            "io.scope.grid_overlap",
            grid=grid,
            community=self.community,
            other=self.other,
            area=area,
        )

    @property
    def message(self) -> str:
        """The refusal in English."""
        return self.msg.text("en")

    def text(self, lang: str = "en") -> str:
        """Return the refusal in ``lang`` (``zh`` or ``en``)."""
        return self.msg.text(lang)


def communities_of_points(points: np.ndarray, communities: gpd.GeoDataFrame) -> list[str | None]:
    """Return the code of the community polygon containing each point (``None``: none).

    Parameters
    ----------
    points
        Shapely points in EPSG:4326 (other geometries are placed by a point on
        their surface).
    communities
        The ``communities`` layer (``code`` and polygons, EPSG:4326).
    """
    geoms = np.asarray(points, dtype=object)
    if len(geoms) == 0:
        return []
    if len(communities) == 0:
        return [None] * len(geoms)
    plain = shapely.get_type_id(geoms) == 0
    geoms = np.where(plain, geoms, shapely.point_on_surface(geoms))
    idx = polygon_index_of_points(geoms, communities.geometry.to_numpy())
    codes = communities["code"].to_numpy(dtype=object)
    return [None if i < 0 else str(codes[i]) for i in idx]


def grid_placement_problems(
    grids: gpd.GeoDataFrame,
    communities: gpd.GeoDataFrame,
    stored: gpd.GeoDataFrame | None = None,
    *,
    tolerance_m2: float = 1.0,
    replaced: Collection[str] = (),
) -> list[Placement]:
    """Return the grids of ``grids`` that lie outside their community or over another's grids.

    Parameters
    ----------
    grids
        The grids to write (EPSG:4326) with a ``community`` column (community code)
        and optionally ``code``.
    communities
        The ``communities`` layer. A grid of an unknown community is left to the
        reference check of the store.
    stored
        The stored grids (``code``, ``community``); those of other communities may
        not be overlapped.
    tolerance_m2
        Pieces of at most this area are ignored (the tiling tolerance).
    replaced
        Codes of stored grids that the write replaces (not compared).

    Returns
    -------
    list of Placement
        By row, ``outside`` before ``overlap``.
    """
    if len(grids) == 0 or len(communities) == 0:
        return []
    crs = metric_crs(communities)

    def area_m2(pieces: list[object]) -> np.ndarray:
        # shapes are cut in lon/lat, where straight edges stay straight, and only the
        # pieces are measured: projecting first bends shared edges into false slivers
        if not pieces:
            return np.zeros(0)
        frame = gpd.GeoDataFrame(geometry=list(pieces), crs="EPSG:4326")
        return np.asarray(to_metric(frame, crs=crs).area, dtype=float)

    by_code: dict[str, object] = {}
    for code, geom in zip(communities["code"], communities.geometry, strict=True):
        if code is None or geom is None or geom.is_empty:
            continue
        key = str(code)
        geom = _valid(geom)
        by_code[key] = geom if key not in by_code else shapely.union(by_code[key], geom)
    geoms = np.array([_valid(g) for g in grids.geometry], dtype=object)
    codes = _codes(grids)
    comms = np.array([None if c is None or pd.isna(c) else str(c) for c in grids["community"]],
                     dtype=object)
    polygons = np.array([by_code.get(c) if c is not None else None for c in comms], dtype=object)
    rows = np.flatnonzero([g is not None and p is not None
                           for g, p in zip(geoms, polygons, strict=True)])
    spill = area_m2(list(shapely.difference(geoms[rows], polygons[rows]))) if len(rows) else []
    problems = [
        Placement(int(i), "outside", codes[i], str(comms[i]), float(area))
        for i, area in zip(rows, spill, strict=True)
        if area > tolerance_m2
    ]
    if stored is None or len(stored) == 0:
        return problems
    replaced = {str(c) for c in replaced}
    others = stored[[str(c) not in replaced for c in stored["code"]]]
    if len(others) == 0:
        return problems
    other_geoms = np.array([_valid(g) for g in others.geometry], dtype=object)
    other_codes = others["code"].to_numpy(dtype=object)
    other_comms = np.array([str(c) for c in others["community"]], dtype=object)
    placed = np.flatnonzero([g is not None and c is not None
                             for g, c in zip(geoms, comms, strict=True)])
    if len(placed) == 0:
        return problems
    mine, theirs = shapely.STRtree(other_geoms).query(geoms[placed], predicate="intersects")
    mine = placed[mine]
    foreign = other_comms[theirs] != comms[mine]
    mine, theirs = mine[foreign], theirs[foreign]
    if len(mine):
        shared = area_m2(list(shapely.intersection(geoms[mine], other_geoms[theirs])))
        problems += [
            Placement(int(i), "overlap", codes[i], str(comms[i]), float(area),
                      str(other_codes[j]))
            for i, j, area in zip(mine, theirs, shared, strict=True)
            if area > tolerance_m2
        ]
    return sorted(problems, key=lambda p: (p.row, p.kind != "outside"))


def _valid(geom: object) -> object:
    if geom is None or shapely.is_valid(geom):
        return geom
    return shapely.make_valid(geom)


def _codes(grids: pd.DataFrame) -> list[str | None]:
    if "code" not in grids:
        return [None] * len(grids)
    return [None if c is None or (isinstance(c, float) and np.isnan(c)) else str(c)
            for c in grids["code"]]
