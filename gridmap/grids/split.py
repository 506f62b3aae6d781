"""Generate grids for a community: along streets, regular cells, or balanced by households.

Every generator works the same way, in a metric CRS:

1. **Faces.** The community boundary and a set of lines (road centre-lines, cell
   edges, compound and building outlines, Voronoi edges between buildings) are
   noded together once and polygonized (:func:`shapely.polygonize`). The faces inside
   the community tile it exactly: neighbouring faces share their edges vertex for
   vertex, because every edge was cut once.
2. **Grouping.** Faces are grouped into grids (cells, blocks merged to a target size,
   or a recursive spanning-tree partition of compounds and buildings), and each
   group is dissolved with :func:`shapely.coverage_union_all`.
3. **Output.** The grids go back to EPSG:4326, are numbered west→east,
   north→south (:func:`gridmap.grids.codes.assign_grid_codes`) and get their
   households, residents and area.

So every result tiles the community: no gaps, no overlaps, areas summing to the
community's area (check with :func:`gridmap.grids.tiling.validate_tiling`).

Outputs are GeoDataFrames in EPSG:4326 with the columns :data:`OUTPUT_COLUMNS`;
``problem`` holds, for a grid that misses the bounds, the reason in English (``None``
otherwise), and ``problem_keys`` the same reasons as message keys of
:mod:`gridmap.messages` with their parameters (JSON text, so files keep it):
:func:`problem_texts` and :func:`split_problems` show them in the reader's language.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from gridmap.crs import metric_crs, require_crs, to_metric, to_wgs84
from gridmap.errors import CRSError, InputError, TopologyError
from gridmap.grids import SPLIT_METHODS
from gridmap.grids.codes import (
    COMMUNITY_CODE_LENGTH,
    MAX_SEQUENCE,
    assign_grid_codes,
    normalize_code,
    order_west_east_north_south,
)
from gridmap.messages import Msg

__all__ = [
    "METHODS",
    "OUTPUT_COLUMNS",
    "grids_from_cells",
    "grids_from_households",
    "grids_from_streets",
    "problem_texts",
    "split_problems",
]

METHODS = SPLIT_METHODS
"""The names of the three generators (as used by the CLI and the split page)."""

OUTPUT_COLUMNS = (
    "code",
    "community",
    "name",
    "households",
    "residents",
    "buildings",
    "area_m2",
    "problem",
    "problem_keys",
    "geometry",
)
"""Columns of every generator's output, in this order."""

_SHARED_MIN_M = 0.01  # two faces are neighbours when they share at least 1 cm of boundary
_LINE_MARGIN_M = 5.0  # lines are clipped to the community buffered by this much
_NEEDLE_M2 = 0.01  # faces smaller than this are noding noise
_PATIENCE = 8  # random trees tried without a better cut before settling
_RESTART_PATIENCE = 4  # whole partitions tried without a better one before settling


# --------------------------------------------------------------------------- helpers


def _community_metric(community_geom: Any) -> tuple[BaseGeometry, Any]:
    """Return the community polygon in its metric CRS, and that CRS."""
    if isinstance(community_geom, gpd.GeoDataFrame | gpd.GeoSeries):
        if community_geom.crs is None:
            raise CRSError.keyed("split.err.no_crs")
        series = (
            community_geom.geometry
            if isinstance(community_geom, gpd.GeoDataFrame)
            else community_geom
        )
        series = to_wgs84(series)
        geom = shapely.union_all(np.asarray(series.array, dtype=object))
    elif isinstance(community_geom, BaseGeometry):
        geom = community_geom
    else:
        kind = type(community_geom).__name__
        msg = f"the community must be a shapely polygon in EPSG:4326, not {kind}"
        raise InputError(msg)  # programmer error
    if geom is None or geom.is_empty:
        raise InputError.keyed("split.err.no_geometry")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    geom = _polygonal(geom)
    if geom.is_empty:
        raise InputError.keyed("split.err.not_polygon")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise CRSError.keyed("split.err.not_lonlat")
    crs = metric_crs(geom.centroid.x, geom.centroid.y)
    metric = _to_metric([geom], crs)[0]
    metric = _polygonal(shapely.make_valid(metric)) if not metric.is_valid else metric
    return metric, crs


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def _to_metric(geoms: Iterable[Any], crs: Any) -> np.ndarray:
    series = gpd.GeoSeries(list(geoms), crs="EPSG:4326")
    if len(series) == 0:
        return np.array([], dtype=object)
    return np.asarray(to_metric(series, crs=crs).array, dtype=object)


def _layer_metric(gdf: gpd.GeoDataFrame | None, crs: Any, what: str) -> gpd.GeoDataFrame | None:
    if gdf is None:
        return None
    require_crs(gdf, what)
    keep = ~(gdf.geometry.isna() | gdf.geometry.is_empty)
    gdf = gdf[keep]
    if len(gdf) == 0:
        return gdf.set_crs(crs, allow_override=True) if gdf.crs is not None else gdf
    return to_metric(to_wgs84(gdf), crs=crs)


def _clip_lines(lines: np.ndarray, area: BaseGeometry) -> list[Any]:
    """Line work of ``lines`` near ``area`` (extending past its edge, so cuts reach it)."""
    if len(lines) == 0:
        return []
    frame = area.buffer(_LINE_MARGIN_M)
    tree = shapely.STRtree(lines)
    hits = tree.query(frame, predicate="intersects")
    clipped = shapely.intersection(lines[hits], frame)
    out = []
    for geom in clipped:
        for part in shapely.get_parts(geom):
            if part.geom_type in ("LineString", "LinearRing") and part.length > 0:
                out.append(part)
            elif part.geom_type in ("Polygon", "MultiPolygon"):
                out.extend(shapely.get_parts(shapely.boundary(part)))
    return out


def _faces(area: BaseGeometry, lines: list[Any], keep: np.ndarray | None = None) -> np.ndarray:
    """Polygonize the boundary of ``area`` with ``lines``; return the faces inside it.

    Needles are merged into a neighbour (:func:`_absorb_needles`), except those
    mostly inside one of the ``keep`` shapes (buildings, compounds): those stay, to
    be joined to their shape by label.
    """
    work = [*shapely.get_parts(shapely.boundary(area)), *lines]
    noded = shapely.union_all(np.asarray(work, dtype=object))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) > 0]
    if len(faces) == 0:
        return faces
    inside = shapely.within(shapely.point_on_surface(faces), area)
    faces = _absorb_needles(faces[inside], keep)
    # Parts of the area the noding lost (should not happen): add them as faces.
    covered = shapely.coverage_union_all(faces) if len(faces) else shapely.Polygon()
    rest = shapely.difference(area, covered)
    if not rest.is_empty and rest.area > _NEEDLE_M2:
        extra = [
            p for p in shapely.get_parts(rest) if p.geom_type == "Polygon" and p.area > _NEEDLE_M2
        ]
        if extra:
            faces = np.concatenate([faces, np.asarray(extra, dtype=object)])
    return faces


def _absorb_needles(faces: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """Merge each needle face (below :data:`_NEEDLE_M2`) into the neighbour sharing most edge.

    Nearly coincident lines (two overlapping building outlines, a Voronoi edge along
    a wall) leave needles far below a square centimetre. They share no measurable
    edge with anything, so left alone they would become grids of their own; dropped,
    they would leave holes (a building's corner in no grid). Merged, the tiling stays
    exact and a building loses at most a needle to its neighbour.
    """
    small = shapely.area(faces) <= _NEEDLE_M2
    if keep is not None and len(keep) and small.any():
        f_idx, _ = _mostly_within(faces, keep)
        small[f_idx] = False
    if not small.any() or small.all():
        return faces
    big_idx = np.flatnonzero(~small)
    big = faces[big_idx]
    tree = shapely.STRtree(big)
    into: dict[int, list[Any]] = {}
    for f in np.flatnonzero(small):
        near = tree.query(faces[f], predicate="intersects")
        if len(near) == 0:
            near = np.atleast_1d(tree.query_nearest(faces[f]))
        shared = shapely.length(
            shapely.intersection(shapely.boundary(big[near]), shapely.boundary(faces[f]))
        )
        into.setdefault(int(near[int(np.argmax(shared))]), []).append(faces[f])
    out = list(big)
    for k, needles in into.items():
        merged = shapely.union_all(np.asarray([big[k], *needles], dtype=object))
        if merged.geom_type == "Polygon":
            out[k] = merged
        else:  # a needle touching only at a point stays a face of its own
            out.extend(needles)
    return np.asarray(out, dtype=object)


def _adjacency(geoms: np.ndarray) -> dict[int, dict[int, float]]:
    """Neighbours of each polygon and the length of boundary they share (metres)."""
    adj: dict[int, dict[int, float]] = {i: {} for i in range(len(geoms))}
    if len(geoms) < 2:
        return adj
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return adj
    bounds = shapely.boundary(geoms)
    shared = shapely.length(shapely.intersection(bounds[left], bounds[right]))
    for a, b, length in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
        if length >= _SHARED_MIN_M:
            adj[a][b] = length
            adj[b][a] = length
    return adj


def _group_adjacency(
    face_adj: dict[int, dict[int, float]], group_of: np.ndarray, n_groups: int
) -> dict[int, dict[int, float]]:
    adj: dict[int, dict[int, float]] = {g: {} for g in range(n_groups)}
    for a, neighbours in face_adj.items():
        ga = int(group_of[a])
        for b, length in neighbours.items():
            gb = int(group_of[b])
            if ga != gb:
                adj[ga][gb] = adj[ga].get(gb, 0.0) + length
    return adj


def _components(nodes: Iterable[int], adj: dict[int, dict[int, float]]) -> list[list[int]]:
    """Return the connected components of the subgraph on ``nodes`` (each sorted)."""
    todo = set(nodes)
    out = []
    for start in sorted(todo):
        if start not in todo:
            continue
        todo.discard(start)
        stack, comp = [start], [start]
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if w in todo:
                    todo.discard(w)
                    stack.append(w)
                    comp.append(w)
        out.append(sorted(comp))
    return out


def _split_disconnected(labels: np.ndarray, face_adj: dict[int, dict[int, float]]) -> np.ndarray:
    """Relabel faces so that every label is one connected piece."""
    same = {
        a: {b: v for b, v in nb.items() if labels[b] == labels[a]} for a, nb in face_adj.items()
    }
    out = np.empty(len(labels), dtype=np.intp)
    for k, comp in enumerate(_components(range(len(labels)), same)):
        out[comp] = k
    return out


def _dense(labels: np.ndarray) -> tuple[np.ndarray, int]:
    _, inverse = np.unique(labels, return_inverse=True)
    return inverse.astype(np.intp), int(inverse.max()) + 1 if len(inverse) else 0


def _merge_region(
    adj: dict[int, dict[int, float]],
    parent: list[int],
    weights: np.ndarray,
    region: int,
    *,
    into: int,
) -> None:
    """Merge ``region`` into its neighbour ``into``: parent link, weight and shared borders."""
    parent[region] = into
    weights[into] += weights[region]
    for other, length in adj[region].items():
        if other != into:
            adj[into][other] = adj[into].get(other, 0.0) + length
            adj[other][into] = adj[other].get(into, 0.0) + length
        del adj[other][region]
    adj[region] = {}


def _root(parent: list[int], x: int) -> int:
    """Follow union-find ``parent`` links from ``x`` to its root."""
    while parent[x] != x:
        x = parent[x]
    return x


def _merge_small(
    group_of: np.ndarray,
    face_adj: dict[int, dict[int, float]],
    areas: np.ndarray,
    min_area_m2: float,
) -> np.ndarray:
    """Merge every group smaller than ``min_area_m2`` into the neighbour it shares most edge with.

    Groups without neighbours (islands) are kept whatever their size.
    """
    group_of, n = _dense(group_of)
    if n < 2 or min_area_m2 <= 0:
        return group_of
    adj = _group_adjacency(face_adj, group_of, n)
    size = np.bincount(group_of, weights=areas, minlength=n).astype(float)
    parent = list(range(n))
    alive = set(range(n))
    while True:
        small = [g for g in alive if size[g] < min_area_m2 and adj[g]]
        if not small:
            break
        g = min(small, key=lambda x: (size[x], x))
        target = max(adj[g], key=lambda x: (adj[g][x], -x))
        _merge_region(adj, parent, size, g, into=target)
        alive.discard(g)
    roots = np.array([_root(parent, g) for g in range(n)], dtype=np.intp)
    return _dense(roots[group_of])[0]


def _points_in(groups: list[BaseGeometry], points: np.ndarray) -> np.ndarray:
    """Index of the group containing each point, -1 when none."""
    out = np.full(len(points), -1, dtype=np.intp)
    if len(points) == 0 or len(groups) == 0:
        return out
    tree = shapely.STRtree(np.asarray(groups, dtype=object))
    pts, idx = tree.query(points, predicate="intersects")
    # the first hit per point (a point on a shared edge goes to the lower index)
    order = np.lexsort((idx, pts))
    pts, idx = pts[order], idx[order]
    first = np.ones(len(pts), dtype=bool)
    first[1:] = pts[1:] != pts[:-1]
    out[pts[first]] = idx[first]
    return out


def _numbers(frame: pd.DataFrame | None, column: str) -> np.ndarray | None:
    if frame is None or column not in frame.columns:
        return None
    return pd.to_numeric(frame[column], errors="coerce").fillna(0).to_numpy(dtype=float)


@dataclass
class _Buildings:
    """Buildings of the community in metric coordinates, with their figures."""

    geoms: np.ndarray
    points: np.ndarray
    households: np.ndarray
    residents: np.ndarray | None
    names: list[str]
    compound: list[str | None] = field(default_factory=list)


def _buildings(
    buildings: gpd.GeoDataFrame | None, crs: Any, area: BaseGeometry
) -> _Buildings | None:
    metric = _layer_metric(buildings, crs, "buildings")
    if metric is None:
        return None
    geoms = np.asarray(metric.geometry.array, dtype=object)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    points = shapely.point_on_surface(geoms) if len(geoms) else np.array([], dtype=object)
    inside = shapely.within(points, area) if len(points) else np.zeros(0, dtype=bool)
    households = _numbers(metric, "households")
    if households is None:
        households = np.zeros(len(metric))
    residents = _numbers(metric, "residents")
    names = [
        str(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else f"#{i + 1}"
        for i, v in enumerate(metric["code"] if "code" in metric.columns else [None] * len(metric))
    ]
    compound = (
        [normalize_code(v) for v in metric["compound"]]
        if "compound" in metric.columns
        else [None] * len(metric)
    )
    keep = np.flatnonzero(inside)
    return _Buildings(
        geoms[keep],
        points[keep],
        households[keep],
        None if residents is None else residents[keep],
        [names[i] for i in keep],
        [compound[i] for i in keep],
    )


def _finish(
    faces: np.ndarray,
    group_of: np.ndarray,
    crs: Any,
    *,
    community_code: str | None,
    buildings: _Buildings | None,
    problems: dict[int, list[Msg]] | None = None,
    households_of: dict[int, float] | None = None,
) -> gpd.GeoDataFrame:
    """Dissolve the faces of each group, number the grids and compute their figures.

    ``problems`` and ``households_of`` are keyed by the labels in ``group_of``.
    """
    labels, group_of = np.unique(group_of, return_inverse=True)
    group_of = group_of.astype(np.intp)
    n = len(labels)
    if n > MAX_SEQUENCE:
        raise InputError.keyed("split.err.too_many", n=n, max=MAX_SEQUENCE)
    order = np.argsort(group_of, kind="stable")
    bounds = np.searchsorted(group_of[order], np.arange(n + 1))
    grids_m = []
    for g in range(n):
        members = faces[order[bounds[g] : bounds[g + 1]]]
        geom = members[0] if len(members) == 1 else shapely.coverage_union_all(members)
        grids_m.append(_polygonal(geom))
    areas = shapely.area(np.asarray(grids_m, dtype=object)) if n else np.zeros(0)
    households = np.full(n, np.nan)
    residents = np.full(n, np.nan)
    counts = np.zeros(n, dtype=int)
    if buildings is not None:
        where = _points_in(grids_m, buildings.points)
        ok = where >= 0
        counts = np.bincount(where[ok], minlength=n)
        households = np.bincount(where[ok], weights=buildings.households[ok], minlength=n)
        if buildings.residents is not None:
            residents = np.bincount(where[ok], weights=buildings.residents[ok], minlength=n)
    if households_of is not None:
        households = np.array([households_of.get(int(lab), 0.0) for lab in labels], dtype=float)
    problems = {
        g: problems[int(lab)] for g, lab in enumerate(labels) if int(lab) in (problems or {})
    }
    wgs = to_wgs84(gpd.GeoSeries(grids_m, crs=crs))
    # a union of faces, or its reprojection, can leave a self-touching ring: repair it
    bad = ~wgs.is_valid.to_numpy()
    if bad.any():
        fixed = [_polygonal(g) for g in shapely.make_valid(wgs.to_numpy()[bad])]
        wgs = gpd.GeoSeries(np.where(bad, None, wgs.to_numpy()), crs=wgs.crs)
        wgs[bad] = fixed
    code = normalize_code(community_code)
    frame = gpd.GeoDataFrame(
        {
            "code": pd.Series([None] * n, dtype=object),
            "community": pd.Series([code] * n, dtype=object),
            "name": pd.Series([None] * n, dtype=object),
            "households": pd.array(
                [None if math.isnan(v) else round(v) for v in households], dtype="Int64"
            ),
            "residents": pd.array(
                [None if math.isnan(v) else round(v) for v in residents], dtype="Int64"
            ),
            "buildings": counts.astype(int),
            "area_m2": np.round(areas, 1),
            "problem": pd.Series(
                ["; ".join(map(str, problems[g])) if g in problems else None for g in range(n)],
                dtype=object,
            ),
            "problem_keys": pd.Series(
                [_problem_json(problems[g]) if g in problems else None for g in range(n)],
                dtype=object,
            ),
        },
        geometry=np.asarray(wgs.array, dtype=object),
        crs="EPSG:4326",
    )
    if n == 0:
        return frame[list(OUTPUT_COLUMNS)]
    ordered = order_west_east_north_south(frame)
    frame = frame.loc[ordered].reset_index(drop=True)
    if code is not None and len(code) == COMMUNITY_CODE_LENGTH and code.isdigit():
        frame = assign_grid_codes(frame, overwrite=True)
    return gpd.GeoDataFrame(frame[list(OUTPUT_COLUMNS)], geometry="geometry", crs="EPSG:4326")


def _problem_json(reasons: list[Msg]) -> str:
    """Return a grid's reasons as JSON text: ``[{"key": ..., "params": {...}}, ...]``."""
    return json.dumps(
        [{"key": m.key, "params": m.params} for m in reasons], ensure_ascii=False, default=str
    )


def problem_texts(grids_gdf: gpd.GeoDataFrame, lang: str = "en") -> pd.Series:
    """Return each grid's ``problem`` in ``lang`` (``zh`` or ``en``); ``None`` where fine.

    The text comes from ``problem_keys`` when the frame has it, else from ``problem``
    (a frame read back from an older file).

    Parameters
    ----------
    grids_gdf
        The output of one of the generators.
    lang
        The reader's language.

    Returns
    -------
    pandas.Series
        Object dtype, on the index of ``grids_gdf``.
    """
    plain = grids_gdf["problem"] if "problem" in grids_gdf.columns else None
    keyed = grids_gdf["problem_keys"] if "problem_keys" in grids_gdf.columns else None
    out = []
    sep = "; " if str(lang).lower().startswith("en") else "；"
    for i in range(len(grids_gdf)):
        raw = keyed.iloc[i] if keyed is not None else None
        if isinstance(raw, str) and raw:
            reasons = [Msg(r["key"], **r.get("params", {})) for r in json.loads(raw)]
            out.append(sep.join(m.text(lang) for m in reasons))
            continue
        text = plain.iloc[i] if plain is not None else None
        out.append(text if isinstance(text, str) and text else None)
    return pd.Series(out, index=grids_gdf.index, dtype=object)


def split_problems(grids_gdf: gpd.GeoDataFrame, lang: str = "en") -> list[str]:
    """Return the problems of a split, one sentence per grid that misses the bounds.

    Parameters
    ----------
    grids_gdf
        The output of one of the generators.
    lang
        The reader's language (``zh`` or ``en``; English by default).

    Returns
    -------
    list of str
        ``"<code>: <reason>"`` per grid with a ``problem``.
    """
    if "problem" not in grids_gdf.columns and "problem_keys" not in grids_gdf.columns:
        return []
    out = []
    texts = problem_texts(grids_gdf, lang)
    for i, (code, problem) in enumerate(zip(grids_gdf["code"], texts, strict=True)):
        if isinstance(problem, str) and problem:
            out.append(
                Msg("split.problem.line", code=code or f"#{i + 1}", problem=problem).text(lang)
            )
    return out


# --------------------------------------------------------------------------- cells


def _hex_lines(bounds: tuple[float, float, float, float], side_m: float) -> tuple[list[Any], Any]:
    """Edges of pointy-top hexagons of side ``side_m`` covering ``bounds``, and a locator.

    Every vertex sits on the lattice ``(x0 + i*w/2, y0 + j*s/2)`` and is computed from
    its integer indices only, so neighbouring hexagons share vertices exactly.
    """
    minx, miny, maxx, maxy = bounds
    s = side_m
    w = math.sqrt(3.0) * s
    x0, y0 = minx - w, miny - 2 * s
    rows = math.ceil((maxy - y0) / (1.5 * s)) + 2
    cols = math.ceil((maxx - x0) / w) + 2
    hx, hy = w / 2.0, s / 2.0
    lines = []
    for r in range(rows):
        # centre of hex (c, r): x = x0 + w*(c + (r%2)/2) -> half-width index 2c + r%2
        for c in range(cols):
            i = 2 * c + (r % 2)
            j = 3 * r  # centre y = y0 + 1.5*s*r = y0 + (s/2) * 3r
            ring = [
                (x0 + i * hx, y0 + (j + 2) * hy),
                (x0 + (i + 1) * hx, y0 + (j + 1) * hy),
                (x0 + (i + 1) * hx, y0 + (j - 1) * hy),
                (x0 + i * hx, y0 + (j - 2) * hy),
                (x0 + (i - 1) * hx, y0 + (j - 1) * hy),
                (x0 + (i - 1) * hx, y0 + (j + 1) * hy),
            ]
            lines.append(shapely.LinearRing(ring))

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        r0 = np.round((y - y0) / (1.5 * s)).astype(int)
        best = np.full(len(x), np.inf)
        ids = np.zeros(len(x), dtype=np.int64)
        for dr in (-1, 0, 1):
            r = r0 + dr
            c = np.round((x - x0) / w - (r % 2) / 2.0).astype(int)
            for dc in (-1, 0, 1):
                cc = c + dc
                cx = x0 + w * (cc + (r % 2) / 2.0)
                cy = y0 + 1.5 * s * r
                d = (x - cx) ** 2 + (y - cy) ** 2
                better = d < best
                best[better] = d[better]
                ids[better] = r[better].astype(np.int64) * 1_000_000 + cc[better]
        return ids

    return lines, locate


def _square_lines(
    bounds: tuple[float, float, float, float], cell_m: float
) -> tuple[list[Any], Any]:
    minx, miny, maxx, maxy = bounds
    # anchored at the community's south-west corner
    x0 = minx - cell_m
    y0 = miny - cell_m
    nx = math.ceil((maxx - x0) / cell_m) + 2
    ny = math.ceil((maxy - y0) / cell_m) + 2
    top, bottom = y0 + ny * cell_m, y0
    left, right = x0, x0 + nx * cell_m
    lines = [
        shapely.LineString([(x0 + i * cell_m, bottom), (x0 + i * cell_m, top)])
        for i in range(nx + 1)
    ]
    lines += [
        shapely.LineString([(left, y0 + j * cell_m), (right, y0 + j * cell_m)])
        for j in range(ny + 1)
    ]

    def locate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ix = np.floor((x - x0) / cell_m).astype(np.int64)
        iy = np.floor((y - y0) / cell_m).astype(np.int64)
        return iy * 1_000_000 + ix

    return lines, locate


def grids_from_cells(
    community_geom: Any,
    *,
    cell_m: float,
    shape: str = "square",
    community_code: str | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    min_fraction: float = 0.25,
) -> gpd.GeoDataFrame:
    """Cover a community with regular square or hexagonal cells clipped to its boundary.

    Cells are laid out in the community's metric CRS. A cell cut by the boundary into
    several pieces gives one grid per piece; pieces smaller than ``min_fraction`` of a
    whole cell (slivers along the boundary) are merged into the neighbour they share
    the longest edge with.

    Parameters
    ----------
    community_geom
        The community polygon in EPSG:4326 (a shapely geometry, or a GeoSeries /
        GeoDataFrame whose geometries are dissolved).
    cell_m
        Size of a cell in metres: the side of a square; a hexagon has the same area
        as that square.
    shape
        ``"square"`` or ``"hex"``.
    community_code
        The 12-digit community code; grids are then numbered with it. ``None`` leaves
        ``code`` empty (the rows are still in west→east, north→south order).
    buildings
        Buildings (EPSG:4326) with ``households`` and ``residents``, to fill the grids'
        figures; ``None`` leaves them empty.
    min_fraction
        Pieces smaller than this fraction of a whole cell are merged into a neighbour.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per grid, EPSG:4326, columns :data:`OUTPUT_COLUMNS`.

    Raises
    ------
    InputError
        If the cell size or shape is wrong, the community is not a polygon, or the
        split would give more than 999 grids.
    CRSError
        If the community is not in longitude/latitude.
    """
    if not (isinstance(cell_m, int | float) and math.isfinite(cell_m) and cell_m > 0):
        raise InputError.keyed("split.err.cell_m", value=cell_m)
    if shape not in ("square", "hex"):
        raise InputError.keyed("split.err.shape", value=shape)
    area, crs = _community_metric(community_geom)
    cell_area = float(cell_m) ** 2
    if area.area / cell_area > 20 * MAX_SEQUENCE:
        raise InputError.keyed("split.err.cells_too_small", cell_m=cell_m, area=area.area)
    bounds = area.bounds
    if shape == "square":
        lines, locate = _square_lines(bounds, float(cell_m))
    else:
        side = math.sqrt(2.0 * cell_area / (3.0 * math.sqrt(3.0)))
        lines, locate = _hex_lines(bounds, side)
    faces = _faces(area, _clip_lines(np.asarray(lines, dtype=object), area))
    points = shapely.point_on_surface(faces)
    labels = locate(shapely.get_x(points), shapely.get_y(points))
    face_adj = _adjacency(faces)
    groups = _split_disconnected(_dense(labels)[0], face_adj)
    groups = _merge_small(groups, face_adj, shapely.area(faces), min_fraction * cell_area)
    return _finish(
        faces,
        groups,
        crs,
        community_code=community_code,
        buildings=_buildings(buildings, crs, area),
    )


# --------------------------------------------------------------------------- streets


def _grow_regions(
    weights: np.ndarray,
    adj: dict[int, dict[int, float]],
    centroids: np.ndarray,
    target: float,
    cap: float = math.inf,
) -> np.ndarray:
    """Greedy region growing: grow grids from the north-west until each reaches ``target``.

    A region starts at the unassigned unit furthest north-west and takes, one at a
    time, the unassigned neighbour sharing the longest edge with it, as long as that
    brings the region closer to ``target``. Regions left under half the target are
    merged into the neighbouring region with the smallest total, as long as the sum
    stays within ``cap``.
    """
    n = len(weights)
    region = np.full(n, -1, dtype=np.intp)
    # north-west first: sort by (-y + x) banding
    order = sorted(range(n), key=lambda i: (-(centroids[i][1]) + centroids[i][0], i))
    k = 0
    for start in order:
        if region[start] >= 0:
            continue
        region[start] = k
        total = float(weights[start])
        frontier: dict[int, float] = {}
        for w, length in adj[start].items():
            if region[w] < 0:
                frontier[w] = frontier.get(w, 0.0) + length
        while frontier and total < target:
            best = max(frontier, key=lambda x: (frontier[x], -x))
            gain = float(weights[best])
            if abs(total + gain - target) > abs(total - target) and total > 0:
                # taking it would overshoot more than stopping: try a smaller one
                fitting = [x for x in frontier if total + float(weights[x]) <= target * 1.1]
                if not fitting:
                    break
                best = max(fitting, key=lambda x: (frontier[x], -x))
                gain = float(weights[best])
            del frontier[best]
            region[best] = k
            total += gain
            for w, length in adj[best].items():
                if region[w] < 0:
                    frontier[w] = frontier.get(w, 0.0) + length
        k += 1
    # merge small regions into neighbours
    totals = np.bincount(region, weights=weights, minlength=k).astype(float)
    radj: dict[int, dict[int, float]] = {r: {} for r in range(k)}
    for a, nb in adj.items():
        for b, length in nb.items():
            ra, rb = region[a], region[b]
            if ra != rb:
                radj[ra][rb] = radj[ra].get(rb, 0.0) + length
    parent = list(range(k))
    alive = set(range(k))
    while True:
        small = [
            r
            for r in alive
            if totals[r] < target / 2 and any(totals[x] + totals[r] <= cap for x in radj[r])
        ]
        if not small:
            break
        r = min(small, key=lambda x: (totals[x], x))
        fits = [x for x in radj[r] if totals[x] + totals[r] <= cap]
        into = min(fits, key=lambda x: (totals[x], -radj[r][x], x))
        _merge_region(radj, parent, totals, r, into=into)
        alive.discard(r)
    return np.array([_root(parent, int(r)) for r in region], dtype=np.intp)


def _compound_faces(
    faces: np.ndarray, compounds: gpd.GeoDataFrame | None, tolerance_m2: float
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Return the union-find labels joining the faces of each compound, and the compounds.

    A compound counts as lying in a face when more than ``tolerance_m2`` (and more
    than 1 % of the compound) of it does: compounds drawn a little over a road's
    centre-line do not pull the block across the road in.

    Returns
    -------
    labels : numpy.ndarray
        Per face, a label shared by every face of one compound.
    names : list of str
        The compounds' names.
    pairs : numpy.ndarray
        ``(2, n)``: the compound and the face of each overlap kept.
    """
    uf = _UnionFind(len(faces))
    names: list[str] = []
    pairs = np.zeros((2, 0), dtype=np.intp)
    if compounds is not None and len(compounds) and len(faces):
        geoms = np.asarray(compounds.geometry.array, dtype=object)
        bad = ~shapely.is_valid(geoms)
        if bad.any():
            geoms = geoms.copy()
            geoms[bad] = shapely.make_valid(geoms[bad])
        raw = compounds["name"] if "name" in compounds.columns else [None] * len(compounds)
        names = [normalize_code(v) or f"compound #{i + 1}" for i, v in enumerate(raw)]
        c_idx, f_idx = shapely.STRtree(faces).query(geoms, predicate="intersects")
        if len(c_idx):
            overlap = shapely.area(shapely.intersection(geoms[c_idx], faces[f_idx]))
            keep = (overlap > tolerance_m2) & (overlap > 0.01 * shapely.area(geoms[c_idx]))
            c_idx, f_idx = c_idx[keep], f_idx[keep]
            first: dict[int, int] = {}
            for c, f in zip(c_idx.tolist(), f_idx.tolist(), strict=True):
                if c in first:
                    uf.union(first[c], f)
                else:
                    first[c] = f
            pairs = np.vstack([c_idx, f_idx]).astype(np.intp)
    labels = np.array([uf.find(f) for f in range(len(faces))], dtype=np.intp)
    return _dense(labels)[0] if len(labels) else labels, names, pairs


def _merge_under_minimum(
    groups: np.ndarray,
    face_adj: dict[int, dict[int, float]],
    face_w: np.ndarray,
    lo: float,
    hi: float,
) -> np.ndarray:
    """Merge grids below ``lo`` households into a neighbour while the sum stays within ``hi``.

    The smallest grid goes first, into the neighbour with the fewest households
    that can take it (longest shared edge on ties); grids no neighbour can take stay.
    """
    groups, n = _dense(groups)
    if n < 2:
        return groups
    adj = _group_adjacency(face_adj, groups, n)
    totals = np.bincount(groups, weights=face_w, minlength=n).astype(float)
    parent = list(range(n))
    stuck: set[int] = set()
    while True:
        small = [g for g in range(n) if parent[g] == g and totals[g] < lo and g not in stuck]
        if not small:
            break
        g = min(small, key=lambda x: (totals[x], x))
        fits = [x for x in adj[g] if totals[x] + totals[g] <= hi]
        if not fits:
            stuck.add(g)
            continue
        into = min(fits, key=lambda x: (totals[x], -adj[g][x], x))
        _merge_region(adj, parent, totals, g, into=into)
        stuck.discard(into)
    roots = np.array([_root(parent, g) for g in range(n)], dtype=np.intp)
    return _dense(roots[groups])[0]


def grids_from_streets(
    community_geom: Any,
    roads_gdf: gpd.GeoDataFrame | None,
    *,
    target_households: float | None = None,
    target_area_m2: float | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    community_code: str | None = None,
    min_area_m2: float = 1000.0,
    compounds: gpd.GeoDataFrame | None = None,
    min_households: float | None = None,
    max_households: float | None = None,
    compound_tolerance_m2: float = 10.0,
) -> gpd.GeoDataFrame:
    """Split a community along its streets, merging blocks into grids of a target size.

    The community boundary is polygonized with the road centre-lines, giving the
    blocks between streets (dead ends do not cut). The blocks a compound spans
    (a road through it) are joined first, so no compound is cut. Blocks smaller
    than ``min_area_m2`` (road islands, slivers) join the neighbour they share most
    edge with. Then blocks are merged by region growing, from the north-west, into
    grids of about ``target_households`` households (needs ``buildings``) or
    ``target_area_m2`` square metres. Without a target every block is a grid.
    With household bounds, grids below ``min_households`` then join a neighbour
    while the sum stays within ``max_households``; last, grids still smaller than
    ``min_area_m2`` (slivers between roads) join the neighbour they share most edge
    with. Every grid outside the bounds gets a ``problem`` saying why.

    Parameters
    ----------
    community_geom
        The community polygon in EPSG:4326.
    roads_gdf
        Road centre-lines (EPSG:4326); ``None`` or empty gives one grid.
    target_households
        Aim for grids of about this many households (from ``buildings``).
    target_area_m2
        Aim for grids of about this area; used when ``target_households`` is not given.
    buildings
        Buildings (EPSG:4326) with ``households`` (and ``residents``).
    community_code
        The 12-digit community code used to number the grids.
    min_area_m2
        Blocks, and in the end grids, smaller than this are merged into a neighbour
        (default 1,000 m²; 0 keeps every sliver). An island smaller than this (no
        neighbour) is kept and reported.
    compounds
        Compound polygons (EPSG:4326) with ``name``; each is kept in one grid.
    min_households, max_households
        Household bounds per grid (need ``buildings``): grids under the minimum are
        merged where they can be, and every grid outside the bounds is reported.
    compound_tolerance_m2
        A compound reaching less than this (and less than 1 % of it) over a road
        is not joined across it.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per grid, EPSG:4326, columns :data:`OUTPUT_COLUMNS`.

    Raises
    ------
    InputError
        If a target is not positive, a household target is given without buildings,
        or the community is not a polygon.
    CRSError
        If an input is not in longitude/latitude.
    """
    for name, value in (
        ("target_households", target_households),
        ("target_area_m2", target_area_m2),
    ):
        if value is not None and not (
            isinstance(value, int | float) and math.isfinite(value) and value > 0
        ):
            raise InputError.keyed("split.err.positive", name=name, value=value)
    if target_households is not None and buildings is None:
        raise InputError.keyed("split.err.needs_buildings")
    lo = float(min_households) if min_households is not None else None
    hi = float(max_households) if max_households is not None else None
    if lo is not None and hi is not None and not (0 < lo <= hi):
        raise InputError.keyed("split.err.bounds", lo=f"{lo:g}", hi=f"{hi:g}")
    area, crs = _community_metric(community_geom)
    roads = _layer_metric(roads_gdf, crs, "roads")
    lines: list[Any] = []
    if roads is not None and len(roads):
        road_geoms = np.asarray(roads.geometry.array, dtype=object)
        lines = _clip_lines(road_geoms, area)
    faces = _faces(area, lines)
    face_adj = _adjacency(faces)
    face_areas = shapely.area(faces)
    comp_metric = _layer_metric(compounds, crs, "compounds")
    units, comp_names, comp_pairs = _compound_faces(faces, comp_metric, compound_tolerance_m2)
    groups = _merge_small(units, face_adj, face_areas, min_area_m2)
    blds = _buildings(buildings, crs, area)
    n = int(groups.max()) + 1 if len(groups) else 0
    face_w = None
    if blds is not None:
        face_of = _points_in(list(faces), blds.points)
        ok = face_of >= 0
        face_w = np.bincount(face_of[ok], weights=blds.households[ok], minlength=len(faces))
    if target_households is not None or target_area_m2 is not None:
        if target_households is not None and face_w is not None:
            weights_of_face = face_w
            target = float(target_households)
        else:
            weights_of_face = face_areas
            target = float(target_area_m2)  # type: ignore[arg-type]
        weights = np.bincount(groups, weights=weights_of_face, minlength=n).astype(float)
        unit_adj = _group_adjacency(face_adj, groups, n)
        cents = np.zeros((n, 2))
        sums = np.bincount(groups, weights=face_areas, minlength=n)
        pts = shapely.centroid(faces)
        cents[:, 0] = (
            np.bincount(groups, weights=shapely.get_x(pts) * face_areas, minlength=n) / sums
        )
        cents[:, 1] = (
            np.bincount(groups, weights=shapely.get_y(pts) * face_areas, minlength=n) / sums
        )
        cap = hi if (hi is not None and target_households is not None) else math.inf
        regions = _grow_regions(weights, unit_adj, cents, target, cap)
        groups = regions[groups]
    if face_w is not None and lo is not None:
        groups = _merge_under_minimum(
            groups, face_adj, face_w, lo, hi if hi is not None else math.inf
        )
    groups = _merge_small(groups, face_adj, face_areas, min_area_m2)
    problems = _street_problems(
        groups,
        face_adj,
        face_areas,
        face_w,
        units,
        comp_names,
        comp_pairs,
        lo=lo,
        hi=hi,
        min_area_m2=min_area_m2,
    )
    return _finish(
        faces, groups, crs, community_code=community_code, buildings=blds, problems=problems
    )


def _street_problems(
    groups: np.ndarray,
    face_adj: dict[int, dict[int, float]],
    face_areas: np.ndarray,
    face_w: np.ndarray | None,
    units: np.ndarray,
    comp_names: list[str],
    comp_pairs: np.ndarray,
    *,
    lo: float | None,
    hi: float | None,
    min_area_m2: float,
) -> dict[int, list[Msg]]:
    """Say why each grid of a street split misses the household bounds or is a sliver."""
    problems: dict[int, list[Msg]] = {}
    if len(groups) == 0:
        return problems
    n = int(groups.max()) + 1
    adj = _group_adjacency(face_adj, groups, n)
    area = np.bincount(groups, weights=face_areas, minlength=n)
    totals = None if face_w is None else np.bincount(groups, weights=face_w, minlength=n)
    comp_hh: dict[int, float] = {}
    if face_w is not None and comp_pairs.shape[1]:
        for c, f in zip(comp_pairs[0].tolist(), comp_pairs[1].tolist(), strict=True):
            comp_hh[c] = comp_hh.get(c, 0.0) + float(face_w[f])
    for g in range(n):
        reasons = []
        faces_g = np.flatnonzero(groups == g)
        if totals is not None and hi is not None and totals[g] > hi:
            unit_w = pd.Series(face_w[faces_g]).groupby(units[faces_g]).sum()
            big = [
                comp_names[c]
                for c in set(comp_pairs[0][np.isin(comp_pairs[1], faces_g)].tolist())
                if comp_hh.get(c, 0.0) > hi
            ]
            total = float(totals[g])
            if big:
                hh = comp_hh[comp_names.index(big[0])]
                reasons.append(
                    Msg("split.problem.compound_too_big", total=total, hi=hi, name=big[0], hh=hh)
                )
            elif float(unit_w.max()) > hi:
                hh = float(unit_w.max())
                reasons.append(Msg("split.problem.block_too_big", total=total, hi=hi, hh=hh))
            else:
                reasons.append(Msg("split.problem.blocks_ungroupable", total=total, hi=hi))
        elif totals is not None and lo is not None and totals[g] < lo:
            total = float(totals[g])
            if n == 1:
                reasons.append(Msg("split.problem.community_small", total=total, lo=lo))
            elif not adj[g]:
                reasons.append(Msg("split.problem.isolated", total=total, lo=lo))
            else:
                reasons.append(Msg("split.problem.no_neighbour_room", total=total, lo=lo))
        if area[g] < min_area_m2 and n > 1:
            reasons.append(
                Msg("split.problem.sliver", area=float(area[g]), min_area=float(min_area_m2))
            )
        if reasons:
            problems[g] = reasons
    return problems


# --------------------------------------------------------------------------- households


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


@dataclass
class _Atoms:
    """Indivisible pieces for the household split (compounds, buildings with their land)."""

    group_of: np.ndarray  # face -> atom
    weights: np.ndarray  # households per atom
    names: list[str]  # what each atom is, for messages
    adj: dict[int, dict[int, float]]


def _mostly_within(faces: np.ndarray, shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the (face, shape) pairs where more than half of the face lies in the shape.

    Faces are cut along the shapes' outlines, so a face lies in a shape or outside
    it; measuring the overlap (rather than testing one point of the face) decides
    slivers along an outline the right way, so no piece of a building is lost.
    """
    if len(faces) == 0 or len(shapes) == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    f_idx, s_idx = shapely.STRtree(shapes).query(faces, predicate="intersects")
    if len(f_idx) == 0:
        return f_idx, s_idx
    overlap = shapely.area(shapely.intersection(faces[f_idx], shapes[s_idx]))
    keep = overlap > 0.5 * shapely.area(faces[f_idx])
    return f_idx[keep], s_idx[keep]


def _household_atoms(
    area: BaseGeometry,
    blds: _Buildings,
    compounds: gpd.GeoDataFrame | None,
) -> tuple[np.ndarray, _Atoms]:
    """Build faces and group them into atoms that keep compounds and buildings whole."""
    comp_geoms = np.array([], dtype=object)
    comp_names: list[str] = []
    comp_households = np.zeros(0)
    if compounds is not None and len(compounds):
        geoms = np.asarray(compounds.geometry.array, dtype=object)
        bad = ~shapely.is_valid(geoms)
        if bad.any():
            geoms = geoms.copy()
            geoms[bad] = shapely.make_valid(geoms[bad])
        clipped = shapely.intersection(geoms, area)
        keep = shapely.area(clipped) > 1.0
        comp_geoms = np.asarray([_polygonal(g) for g in clipped[keep]], dtype=object)
        names = compounds["name"] if "name" in compounds.columns else [None] * len(compounds)
        comp_names = [
            normalize_code(v) or f"compound #{i + 1}"
            for i, v in zip(
                np.flatnonzero(keep), np.asarray(names, dtype=object)[keep], strict=True
            )
        ]
        hh = _numbers(compounds, "households")
        comp_households = hh[keep] if hh is not None else np.zeros(int(keep.sum()))
    n_comp = len(comp_geoms)
    n_b = len(blds.geoms)

    # which compound each building belongs to: by name, else by its point
    by_name = {name: i for i, name in enumerate(comp_names)}
    comp_of = np.full(n_b, -1, dtype=np.intp)
    for i, name in enumerate(blds.compound):
        if name is not None and name in by_name:
            comp_of[i] = by_name[name]
    if n_comp and n_b:
        located = _points_in(list(comp_geoms), blds.points)
        missing = comp_of < 0
        comp_of[missing] = located[missing]
    free = np.flatnonzero(comp_of < 0)

    # labels: 0..n_comp-1 compounds, n_comp + i building i (free buildings only used)
    n_labels = n_comp + n_b
    lines: list[Any] = []
    if n_comp:
        lines.extend(shapely.get_parts(shapely.boundary(comp_geoms)))
    crossing = np.zeros(n_b, dtype=bool)
    if n_b:
        in_comp = comp_of >= 0
        if in_comp.any():
            idx = np.flatnonzero(in_comp)
            crossing[idx] = ~shapely.covers(comp_geoms[comp_of[idx]], blds.geoms[idx])
        crossing[free] = True
        outline = shapely.boundary(blds.geoms[crossing])
        lines.extend(_clip_lines(np.asarray(outline, dtype=object), area))
    # seeds sharing out the land between compounds and buildings: every building,
    # and a point of every compound
    seed_points = np.concatenate(
        [blds.points, shapely.point_on_surface(comp_geoms) if n_comp else blds.points[:0]]
    )
    seed_label = np.concatenate(
        [np.where(comp_of >= 0, comp_of, n_comp + np.arange(n_b)), np.arange(n_comp)]
    ).astype(np.intp)
    if len(seed_points) >= 2:
        unique_pts = shapely.union_all(seed_points)
        if unique_pts.geom_type == "MultiPoint" and len(unique_pts.geoms) >= 2:
            cells = shapely.voronoi_polygons(unique_pts, extend_to=area.buffer(_LINE_MARGIN_M * 4))
            edges = shapely.boundary(shapely.get_parts(cells))
            lines.extend(_clip_lines(np.asarray(edges, dtype=object), area))
    faces = _faces(area, lines, keep=np.concatenate([comp_geoms, blds.geoms[crossing]]))
    n_f = len(faces)
    points = shapely.point_on_surface(faces)
    uf = _UnionFind(n_labels + n_f)  # extra labels: one filler per face
    face_label = np.full(n_f, -1, dtype=np.intp)
    anchored = np.zeros(n_f, dtype=bool)
    if n_comp:
        f_idx, c_idx = _mostly_within(faces, comp_geoms)
        for f, c in zip(f_idx.tolist(), c_idx.tolist(), strict=True):
            if face_label[f] < 0:
                face_label[f] = c
            else:
                uf.union(face_label[f], c)
            anchored[f] = True
    if n_b:
        idx = np.flatnonzero(crossing)
        f_idx, b_pos = _mostly_within(faces, blds.geoms[idx])
        for f, bp in zip(f_idx.tolist(), b_pos.tolist(), strict=True):
            b = int(idx[bp])
            label = int(comp_of[b]) if comp_of[b] >= 0 else n_comp + b
            if face_label[f] < 0:
                face_label[f] = label
            else:
                uf.union(int(face_label[f]), label)
            anchored[f] = True
    todo = np.flatnonzero(face_label < 0)
    if len(todo):
        if len(seed_points):
            tree = shapely.STRtree(seed_points)
            f_pos, s_pos = tree.query_nearest(points[todo], all_matches=False)
            face_label[todo[f_pos]] = seed_label[s_pos]
        else:
            face_label[todo] = n_labels + todo
    roots = np.array([uf.find(int(x)) for x in face_label], dtype=np.intp)
    # faces of a label not connected to its anchor become filler atoms of their own
    face_adj = _adjacency(faces)
    pieces = _split_disconnected(roots, face_adj)
    n_pieces = int(pieces.max()) + 1 if n_f else 0
    piece_anchored = np.zeros(n_pieces, dtype=bool)
    piece_anchored[pieces[anchored]] = True
    piece_root = np.zeros(n_pieces, dtype=np.intp)
    piece_root[pieces] = roots
    atom_key = np.where(piece_anchored[pieces], roots, n_labels + n_f + pieces)
    group_of, n_atoms = _dense(atom_key)
    # weights: households of the buildings in each atom (compound figure if it has none)
    weights = np.zeros(n_atoms)
    names = [""] * n_atoms
    label_atom: dict[int, int] = {}
    for f in range(n_f):
        if anchored[f]:
            label_atom[int(roots[f])] = int(group_of[f])
    for b in range(n_b):
        label = int(comp_of[b]) if comp_of[b] >= 0 else n_comp + b
        atom = label_atom.get(uf.find(label))
        if atom is None:  # a building whose land fell to a neighbour's face (tiny building)
            where = _points_in(list(faces), blds.points[b : b + 1])[0]
            atom = int(group_of[where]) if where >= 0 else None
        if atom is not None:
            weights[atom] += blds.households[b]
            if not names[atom]:
                names[atom] = f"building {blds.names[b]}"
    for c in range(n_comp):
        atom = label_atom.get(uf.find(c))
        if atom is None:
            continue
        names[atom] = f"compound {comp_names[c]}"
        has_buildings = bool((comp_of == c).any())
        if not has_buildings:
            weights[atom] += comp_households[c]
    atom_adj = _group_adjacency(face_adj, group_of, n_atoms)
    return faces, _Atoms(group_of, weights, names, atom_adj)


def _edges(nodes: list[int], adj: dict[int, dict[int, float]]) -> list[tuple[int, int]]:
    """Edges of the subgraph on ``nodes``, as pairs of positions in ``nodes``."""
    index = {v: i for i, v in enumerate(nodes)}
    return [(index[a], index[b]) for a in nodes for b in adj[a] if b in index and a < b]


def _random_tree(
    nodes: list[int], edges: list[tuple[int, int]], rng: np.random.Generator
) -> dict[int, list[int]]:
    """Return a random spanning tree of the subgraph on ``nodes`` (Kruskal, random weights)."""
    tree: dict[int, list[int]] = {v: [] for v in nodes}
    if not edges:
        return tree
    keys = rng.random(len(edges))
    parent = list(range(len(nodes)))
    needed = len(nodes) - 1
    for e in np.argsort(keys, kind="stable").tolist():
        a, b = edges[e]
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            parent[b] = a
            va, vb = nodes[edges[e][0]], nodes[edges[e][1]]
            tree[va].append(vb)
            tree[vb].append(va)
            needed -= 1
            if needed == 0:
                break
    return tree


def _subtree_weights(
    tree: dict[int, list[int]], root: int, weights: np.ndarray
) -> tuple[list[int], dict[int, int], dict[int, float]]:
    order, parent = [root], {root: -1}
    i = 0
    while i < len(order):
        v = order[i]
        i += 1
        for w in tree[v]:
            if w not in parent:
                parent[w] = v
                order.append(w)
    sub = {v: float(weights[v]) for v in order}
    for v in reversed(order[1:]):
        sub[parent[v]] += sub[v]
    return order, parent, sub


def _bisect(
    nodes: list[int],
    k: int,
    adj: dict[int, dict[int, float]],
    weights: np.ndarray,
    lo: float,
    hi: float,
    rng: np.random.Generator,
    attempts: int,
) -> tuple[list[int], list[int], int]:
    """Cut a random spanning tree into a part for ``k // 2`` grids and one for the rest."""
    total = float(weights[nodes].sum())
    k1 = k // 2
    k2 = k - k1
    ideal = total * k1 / k
    low = max(k1 * lo, total - k2 * hi)
    high = min(k1 * hi, total - k2 * lo)
    best: tuple[float, float] | None = None
    best_tree = None
    edges = _edges(nodes, adj)
    stale = 0
    for _ in range(attempts):
        tree = _random_tree(nodes, edges, rng)
        order, parent, sub = _subtree_weights(tree, nodes[0], weights)
        if len(order) < len(nodes):  # not connected: caller's bug
            msg = "the household split met a disconnected part; this is a bug"
            raise TopologyError(msg)  # programmer error
        if len(order) < 2:
            break
        cut = np.array([sub[v] for v in order[1:]])
        sides = np.concatenate([cut, total - cut])  # the subtree side, then the other side
        miss = np.maximum(0.0, np.maximum(low - sides, sides - high))
        dist = np.abs(sides - ideal)
        pick = int(np.lexsort((dist, miss))[0])
        score = (float(miss[pick]), float(dist[pick]))
        if best is None or score < best:
            best, stale = score, 0
            n_cut = len(cut)
            best_tree = (tree, parent, order[1 + pick % n_cut], pick < n_cut)
        else:
            stale += 1
        if best[0] == 0.0 or stale >= _PATIENCE:
            break
    assert best_tree is not None
    tree, parent, v, is_sub = best_tree
    # the subtree under v
    inside = {v}
    stack = [v]
    while stack:
        x = stack.pop()
        for y in tree[x]:
            if y != parent[x] and y not in inside:
                inside.add(y)
                stack.append(y)
    subtree = sorted(inside)
    rest = sorted(set(nodes) - inside)
    return (subtree, rest, k1) if is_sub else (rest, subtree, k1)


def _parts_count(total: float, lo: float, hi: float) -> tuple[int, bool]:
    """How many grids a connected piece with ``total`` households should become."""
    if total <= 0:
        return 1, False
    kmin = max(1, math.ceil(total / hi))
    kmax = math.floor(total / lo)
    k = max(1, round(total / ((lo + hi) / 2.0)))
    if kmin <= kmax:
        return min(max(k, kmin), kmax), True
    return max(1, k), False


def _tree_partition(
    nodes: list[int],
    adj: dict[int, dict[int, float]],
    weights: np.ndarray,
    lo: float,
    hi: float,
    rng: np.random.Generator,
    attempts: int,
) -> list[list[int]]:
    """Recursive spanning-tree bisection of one connected piece (GerryChain style)."""
    k, _ = _parts_count(float(weights[nodes].sum()), lo, hi)
    out: list[list[int]] = []
    stack = [(nodes, k)]
    while stack:
        part, kk = stack.pop()
        if kk <= 1 or len(part) == 1:
            out.append(part)
            continue
        a, b, ka = _bisect(part, kk, adj, weights, lo, hi, rng, attempts)
        if not a or not b:
            out.append(part)
            continue
        stack.append((b, kk - ka))
        stack.append((a, ka))
    return out


def _violation(parts: list[list[int]], weights: np.ndarray, lo: float, hi: float) -> float:
    totals = [float(weights[p].sum()) for p in parts]
    return sum(max(0.0, lo - t, t - hi) for t in totals)


def _best_partition(
    nodes: list[int],
    adj: dict[int, dict[int, float]],
    weights: np.ndarray,
    lo: float,
    hi: float,
    rng: np.random.Generator,
    attempts: int,
    restarts: int,
) -> list[list[int]]:
    """Run :func:`_tree_partition` up to ``restarts`` times; keep the partition missing least."""
    best, best_score = None, math.inf
    stale = 0
    for _ in range(max(1, restarts)):
        parts = _tree_partition(nodes, adj, weights, lo, hi, rng, attempts)
        score = _violation(parts, weights, lo, hi)
        if score < best_score:
            best, best_score, stale = parts, score, 0
        else:
            stale += 1
        if score == 0 or stale >= _RESTART_PATIENCE:
            break
    assert best is not None
    return best


def _miss(total: float, lo: float, hi: float) -> float:
    return max(0.0, lo - total, total - hi)


def _repair(
    parts: list[list[int]],
    adj: dict[int, dict[int, float]],
    weights: np.ndarray,
    lo: float,
    hi: float,
    *,
    max_moves: int = 2000,
) -> list[list[int]]:
    """Move atoms across part borders while that reduces the total miss of the bounds.

    A move takes one atom from a part into a neighbouring part; it is made only if
    the part it leaves stays connected and non-empty (the part it joins touches it,
    so stays connected). Parts out of bounds are worked on first, the best move for
    each is taken; deterministic.
    """
    if len(parts) < 2:
        return parts
    part_of = {a: i for i, part in enumerate(parts) for a in part}
    members = [set(part) for part in parts]
    totals = [float(weights[list(part)].sum()) for part in parts]

    def connected_without(i: int, atom: int) -> bool:
        rest = members[i] - {atom}
        if not rest:
            return False
        start = next(iter(rest))
        seen, stack = {start}, [start]
        while stack:
            x = stack.pop()
            for y in adj[x]:
                if y in rest and y not in seen:
                    seen.add(y)
                    stack.append(y)
        return len(seen) == len(rest)

    for _ in range(max_moves):
        bad = sorted(
            (i for i in range(len(parts)) if _miss(totals[i], lo, hi) > 0),
            key=lambda i: (-_miss(totals[i], lo, hi), i),
        )
        move = None
        for i in bad:
            best = None
            if totals[i] > hi:  # give an atom on the border to a neighbour
                pairs = [
                    (a, i, part_of[b])
                    for a in sorted(members[i])
                    for b in adj[a]
                    if part_of[b] != i
                ]
            else:  # take an atom from a neighbour
                pairs = [
                    (b, part_of[b], i)
                    for a in sorted(members[i])
                    for b in adj[a]
                    if part_of[b] != i
                ]
            for atom, src, dst in pairs:
                w = float(weights[atom])
                delta = (
                    _miss(totals[src] - w, lo, hi)
                    + _miss(totals[dst] + w, lo, hi)
                    - _miss(totals[src], lo, hi)
                    - _miss(totals[dst], lo, hi)
                )
                if delta >= -1e-9:
                    continue
                key = (delta, atom, dst)
                if best is not None and key >= best[0]:
                    continue
                if connected_without(src, atom):
                    best = (key, atom, src, dst)
            if best is not None:
                move = best
                break
        if move is None:
            break
        _, atom, src, dst = move
        members[src].discard(atom)
        members[dst].add(atom)
        part_of[atom] = dst
        w = float(weights[atom])
        totals[src] -= w
        totals[dst] += w
    return [sorted(m) for m in members if m]


def grids_from_households(
    community_geom: Any,
    buildings_gdf: gpd.GeoDataFrame,
    compounds_gdf: gpd.GeoDataFrame | None = None,
    *,
    min_households: int = 300,
    max_households: int = 500,
    seed: int = 0,
    community_code: str | None = None,
    attempts: int = 30,
    restarts: int = 3,
) -> gpd.GeoDataFrame:
    """Split a community into contiguous grids of ``min``-``max`` households each.

    Compounds and buildings are never cut. The community is first divided into
    *atoms*: each compound (clipped to the community) with every building in it, and
    each building outside a compound with its Voronoi cell (the land closer to it
    than to any other such building); a building crossing a compound boundary
    joins the compound. Atoms sharing a boundary segment are neighbours. Each
    connected piece of that graph is split into ``k`` grids (``k`` chosen so the
    average lies within the bounds) by recursive bisection of random spanning
    trees: at each step the tree edge is cut whose two sides can both still be
    divided within the bounds, as close to the ideal as possible (GerryChain's
    recursive tree partition). Every grid is therefore contiguous.

    Randomness comes from ``seed`` only: the same inputs and seed give the same
    grids.

    Parameters
    ----------
    community_geom
        The community polygon in EPSG:4326.
    buildings_gdf
        Buildings (polygons or points, EPSG:4326) with ``households`` and optionally
        ``residents``, ``code`` and ``compound`` (the compound's name).
    compounds_gdf
        Compound polygons (EPSG:4326) with ``name`` and optionally ``households``
        (used for compounds without buildings).
    min_households, max_households
        Bounds for every grid.
    seed
        Seed of the random spanning trees.
    community_code
        The 12-digit community code used to number the grids.
    attempts
        Spanning trees tried per cut before settling for the best cut found.
    restarts
        Whole partitions tried per connected piece when one misses the bounds; the
        one missing them least is kept.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per grid, EPSG:4326, columns :data:`OUTPUT_COLUMNS`. ``problem`` says
        why a grid misses the bounds: a single compound or building above the
        maximum, a separate part of the community (enclave) with too few
        households, or a community too small for the bounds.

    Raises
    ------
    InputError
        If the bounds are wrong or the community is not a polygon.
    CRSError
        If an input is not in longitude/latitude.
    """
    if not (0 < min_households <= max_households):
        raise InputError.keyed("split.err.bounds", lo=min_households, hi=max_households)
    if buildings_gdf is None:
        raise InputError.keyed("split.err.households_need_buildings")
    area, crs = _community_metric(community_geom)
    blds = _buildings(buildings_gdf, crs, area)
    assert blds is not None
    compounds = _layer_metric(compounds_gdf, crs, "compounds")
    faces, atoms = _household_atoms(area, blds, compounds)
    rng = np.random.default_rng(seed)
    lo, hi = float(min_households), float(max_households)
    n_atoms = len(atoms.weights)
    part_of = np.full(n_atoms, -1, dtype=np.intp)
    problems: dict[int, list[Msg]] = {}
    comps = _components(range(n_atoms), atoms.adj)
    capped = np.minimum(atoms.weights, hi)
    whole = float(atoms.weights.sum())
    p = 0
    for comp in comps:
        total = float(atoms.weights[comp].sum())
        # an atom above the maximum (a big compound) fills a grid on its own: partition with
        # weights capped at the maximum, so the rest can still be balanced
        parts = _best_partition(comp, atoms.adj, capped, lo, hi, rng, attempts, restarts)
        parts = _repair(parts, atoms.adj, capped, lo, hi)
        for part in parts:
            part_of[part] = p
            hh = float(atoms.weights[part].sum())
            reason = None
            if hh > hi:
                big = max(part, key=lambda a: (atoms.weights[a], -a))
                if atoms.weights[big] > hi:
                    reason = Msg(
                        "split.problem.piece_too_big",
                        name=atoms.names[big] or "",
                        hh=float(atoms.weights[big]),
                        hi=max_households,
                    )
                else:
                    reason = Msg("split.problem.area_too_big", hh=hh, hi=max_households)
            elif hh < lo:
                if len(parts) == 1 and len(comps) == 1:
                    reason = Msg("split.problem.community_small_hh", total=whole, lo=min_households)
                elif len(parts) == 1:
                    reason = Msg("split.problem.enclave", total=total, lo=min_households)
                else:
                    reason = Msg("split.problem.uneven", hh=hh, lo=min_households)
            if reason:
                problems[p] = [reason]
            p += 1
    groups = part_of[atoms.group_of]
    households_of = {
        int(q): float(v) for q, v in enumerate(np.bincount(part_of, weights=atoms.weights))
    }
    return _finish(
        faces,
        groups,
        crs,
        community_code=community_code,
        buildings=blds,
        problems=problems,
        households_of=households_of,
    )
