"""Check that the grids of each community tile it: no gaps, overlaps or overhangs.

Every grid lies in exactly one community, and together a community's grids cover it
without overlapping (DB11/T 2157-2023: closed polygons with topology). This module
finds where that fails and says where, in square metres and lon/lat.

All areas are computed in a metric CRS. Slivers are ignored: every connected piece of
a gap, overlap or overhang with an area of at most ``tolerance_m2`` is dropped before
anything is reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from gridmap.crs import metric_crs, require_crs, to_metric, to_wgs84
from gridmap.errors import CRSError, InputError, TopologyError
from gridmap.grids.codes import normalize_code
from gridmap.io.layers import geos_reason
from gridmap.messages import Msg

__all__ = ["KINDS", "TilingFinding", "TilingReport", "validate_tiling"]

KINDS = ("invalid", "empty", "unknown_community", "gap", "overlap", "outside")
"""The kinds of tiling finding, in the order reports list them."""

_WGS84 = "EPSG:4326"
_POLYGON = 3  # shapely.GeometryType.POLYGON


@dataclass(frozen=True)
class TilingFinding:
    """One place where grids do not tile their community.

    Parameters
    ----------
    kind
        One of :data:`KINDS`: ``"gap"`` (part of a community covered by none of its
        grids), ``"overlap"`` (two grids of one community share area), ``"outside"``
        (part of a grid outside its community), ``"unknown_community"`` (the grid's
        community code is missing or not in the communities layer), ``"invalid"``
        (invalid or non-polygon geometry) or ``"empty"`` (no geometry).
    community
        Code of the community concerned, or ``None`` when unknown.
    grids
        Codes of the grids concerned (``"#n"`` for the n-th grid when it has no code);
        empty for problems of the community itself.
    area_m2
        Area of the problem in square metres.
    location
        A point inside the problem area, lon/lat (EPSG:4326); ``None`` when there is
        no geometry (kind ``"empty"``).
    message
        One English sentence saying what is wrong and where (:meth:`text` gives it
        in another language).
    geometry
        The problem area in EPSG:4326 (the gap, the shared area, the overhang, or the
        grid itself), if any.
    key, params
        The message key of :mod:`gridmap.messages` and its parameters.
    """

    kind: str
    community: str | None
    grids: tuple[str, ...]
    area_m2: float
    location: Point | None
    message: str
    geometry: BaseGeometry | None = field(default=None, repr=False, compare=False)
    key: str | None = field(default=None, repr=False, compare=False)
    params: tuple[tuple[str, object], ...] = field(default=(), repr=False, compare=False)

    @property
    def msg(self) -> Msg | str:
        """The sentence as a message, shown in the reader's language (plain text if unkeyed)."""
        return Msg(self.key, **dict(self.params)) if self.key else self.message

    def text(self, lang: str = "en") -> str:
        """Return the sentence in ``lang`` (``zh`` or ``en``)."""
        return self.msg.text(lang) if isinstance(self.msg, Msg) else self.message

    def __str__(self) -> str:
        return self.message


@dataclass
class TilingReport:
    """The outcome of :func:`validate_tiling`.

    Parameters
    ----------
    findings
        Every problem found, ordered by kind (as in :data:`KINDS`), community and grids.
    tolerance_m2
        The sliver tolerance used.
    """

    findings: list[TilingFinding] = field(default_factory=list)
    tolerance_m2: float = 1.0

    @property
    def ok(self) -> bool:
        """True when the grids tile every community within the tolerance."""
        return not self.findings

    def of_kind(self, kind: str) -> list[TilingFinding]:
        """Return the findings of one kind.

        Parameters
        ----------
        kind
            One of :data:`KINDS`.

        Returns
        -------
        list of TilingFinding
            The matching findings, in report order.

        Raises
        ------
        InputError
            If ``kind`` is not one of :data:`KINDS`.
        """
        if kind not in KINDS:
            msg = f"unknown tiling finding kind {kind!r}; expected one of {', '.join(KINDS)}"
            raise InputError(msg)  # programmer error
        return [f for f in self.findings if f.kind == kind]

    def summary(self) -> str:
        """Return a one-line summary such as ``"3 tiling problems: 2 gaps, 1 overlap"``.

        Returns
        -------
        str
            The summary.
        """
        return str(self.summary_msg())

    def summary_msg(self) -> Msg:
        """Return the summary as a message (shown in the reader's language).

        Examples
        --------
        >>> TilingReport().summary_msg().text("zh")
        '网格完整覆盖每个社区，无缝隙、无重叠'
        """
        if self.ok:
            return Msg("tiling.ok")
        counts = [(kind, len(self.of_kind(kind))) for kind in KINDS]
        parts = tuple(
            Msg("tiling.kind_count", n=n, kind=Msg(f"tiling.kind{'' if n == 1 else 's'}.{kind}"))
            for kind, n in counts
            if n
        )
        total = len(self.findings)
        key = "tiling.summary_one" if total == 1 else "tiling.summary"
        return Msg(key, total=total, parts=parts)

    def __str__(self) -> str:
        return self.summary()

    def raise_for_findings(self) -> None:
        """Raise :class:`TopologyError` if there is any finding.

        Raises
        ------
        TopologyError
            Naming the count of problems and the first one.
        """
        if not self.ok:
            raise TopologyError.keyed(
                "tiling.failed", summary=self.summary_msg(), first=self.findings[0].msg
            )

    def to_frame(self, lang: str = "en") -> gpd.GeoDataFrame:
        """Return the findings as a GeoDataFrame in EPSG:4326.

        Parameters
        ----------
        lang
            The language of the ``message`` column (``zh`` or ``en``).

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``kind``, ``community``, ``grids`` (codes joined by ``", "``),
            ``area_m2``, ``message``, ``lon``, ``lat`` (the finding's location) and
            ``geometry`` (the problem area; missing for empty geometries).
        """
        rows = {
            "kind": [f.kind for f in self.findings],
            "community": [f.community for f in self.findings],
            "grids": [", ".join(f.grids) for f in self.findings],
            "area_m2": np.array([f.area_m2 for f in self.findings], dtype=float),
            "message": [f.text(lang) for f in self.findings],
            "lon": np.array([_xy(f.location)[0] for f in self.findings], dtype=float),
            "lat": np.array([_xy(f.location)[1] for f in self.findings], dtype=float),
        }
        geometry = gpd.GeoSeries([f.geometry for f in self.findings], crs=_WGS84)
        return gpd.GeoDataFrame(rows, geometry=geometry, crs=_WGS84)


def _xy(point: Point | None) -> tuple[float, float]:
    if point is None or point.is_empty:
        return (math.nan, math.nan)
    return (point.x, point.y)


# --------------------------------------------------------------------------- helpers


@dataclass
class _Raw:
    """A finding before its geometry is taken back to lon/lat and its message written."""

    kind: str
    community: str | None
    grids: tuple[str, ...]
    area_m2: float
    geometry: Any  # metric CRS, or None
    key: str  # the message key; its "near" (the location) is filled in by _finish
    params: dict[str, Any] = field(default_factory=dict)


def _check_layer(gdf: Any, layer: str, columns: tuple[str, ...]) -> None:
    require_crs(gdf, layer)
    if gdf.crs.to_epsg() not in (4326, 4490):
        raise CRSError.keyed("tiling.not_lonlat", layer=layer, crs=str(gdf.crs))
    for column in columns:
        if column not in gdf.columns:
            raise InputError.keyed("tiling.no_column", layer=layer, name=column)


def _geoms(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(gdf.geometry.array, dtype=object)


def _polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split geometries into their polygons; return the polygons and their source positions."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    while True:
        nested = shapely.get_type_id(parts) >= 4  # multi-part or collection
        if not nested.any():
            break
        sub, sub_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        index = np.concatenate([index[~nested], index[nested][sub_index]])
    keep = (shapely.get_type_id(parts) == _POLYGON) & ~shapely.is_empty(parts)
    return parts[keep], index[keep]


def _clean(
    original: np.ndarray, metric: np.ndarray
) -> tuple[np.ndarray, list[Msg | None], np.ndarray]:
    """Check and repair polygon geometries.

    ``original`` are the geometries as given (their coordinates appear in the reasons),
    ``metric`` the same geometries in the metric CRS. Returns the polygonal metric
    geometries (``None`` where nothing usable is left), the reason each input is
    invalid (``None`` if valid) and a mask of empty inputs.
    """
    n = len(original)
    empty = shapely.is_missing(original) | shapely.is_empty(original)
    reasons: list[Msg | None] = [None] * n
    out = np.array([None] * n, dtype=object)
    for i in np.flatnonzero(~empty):
        geom = original[i]
        type_id = shapely.get_type_id(geom)
        if type_id not in (_POLYGON, 6):  # Polygon, MultiPolygon
            reasons[i] = Msg("tiling.reason.not_polygon", type=geom.geom_type)
            if type_id != 7:  # keep the polygons of a GeometryCollection
                continue
        elif not shapely.is_valid(geom):
            reasons[i] = Msg("tiling.reason.invalid", **geos_reason(explain_validity(geom)))
        repaired = metric[i]
        if not shapely.is_valid(repaired):
            repaired = shapely.make_valid(repaired)
        polygons, _ = _polygon_parts(np.array([repaired], dtype=object))
        if len(polygons):
            out[i] = polygons[0] if len(polygons) == 1 else shapely.multipolygons(polygons)
    return out, reasons, empty


def _area(geom: Any) -> float:
    return 0.0 if geom is None else float(shapely.area(geom))


def _big_parts(geoms: np.ndarray, tolerance_m2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the polygon pieces above the tolerance, their source positions and areas."""
    parts, index = _polygon_parts(geoms)
    areas = shapely.area(parts)
    keep = areas > tolerance_m2
    return parts[keep], index[keep], areas[keep]


def _grouped(
    parts: np.ndarray, index: np.ndarray, areas: np.ndarray
) -> dict[int, tuple[Any, float]]:
    """Combine pieces by source position into (multi)polygon and total area."""
    out: dict[int, tuple[Any, float]] = {}
    for pos in np.unique(index):
        mine = index == pos
        pieces = parts[mine]
        geom = pieces[0] if len(pieces) == 1 else shapely.multipolygons(pieces)
        out[int(pos)] = (geom, float(areas[mine].sum()))
    return out


def _inside_point(geom: Any) -> Point:
    """Return a point well inside ``geom`` (metric), away from zero-width spikes.

    Overlays of nearly coincident edges leave spikes a nanometre wide; a plain
    :func:`shapely.point_on_surface` can land on one, far from the real problem area.
    Shrinking the geometry first removes them.
    """
    for inset_m in (0.1, 0.001):
        core = shapely.buffer(geom, -inset_m, join_style="mitre")
        if not shapely.is_empty(core):
            return shapely.point_on_surface(core)
    return shapely.point_on_surface(geom)


# --------------------------------------------------------------------------- main


def validate_tiling(
    communities_gdf: gpd.GeoDataFrame,
    grids_gdf: gpd.GeoDataFrame,
    *,
    tolerance_m2: float = 1.0,
) -> TilingReport:
    """Check that the grids of every community cover it exactly once.

    Reports, each with its area in m² and a lon/lat point inside the problem:

    - ``gap``: a connected piece of a community covered by none of its grids;
    - ``overlap``: the area shared by two grids of the same community (candidate pairs
      come from a spatial index, so this scales to a city);
    - ``outside``: the part of a grid outside its own community;
    - ``unknown_community``: a grid whose community code is missing or unknown;
    - ``invalid``: an invalid (self-intersecting, ...) or non-polygon geometry, with
      GEOS's reason; the repaired geometry is still used for the other checks;
    - ``empty``: a grid or community without geometry.

    Parameters
    ----------
    communities_gdf
        Community polygons in EPSG:4326 with a ``code`` column. Rows sharing a code
        are treated as one community.
    grids_gdf
        Grid polygons in EPSG:4326 with ``code`` and ``community`` (community code)
        columns.
    tolerance_m2
        Sliver tolerance: connected pieces of a gap, overlap or overhang with an area
        of at most this many square metres are ignored.

    Returns
    -------
    TilingReport
        The findings; ``report.ok`` is true when there are none.

    Raises
    ------
    InputError
        If an input is not a GeoDataFrame, lacks a column, or the tolerance is negative.
    CRSError
        If an input has no CRS.
    """
    _check_layer(communities_gdf, "communities", ("code",))
    _check_layer(grids_gdf, "grids", ("code", "community"))
    if not (isinstance(tolerance_m2, int | float) and tolerance_m2 >= 0):
        raise InputError.keyed("tiling.tolerance", value=tolerance_m2)
    tolerance_m2 = float(tolerance_m2)

    grid_labels = tuple(
        normalize_code(code) or f"#{i + 1}" for i, code in enumerate(grids_gdf["code"])
    )
    grid_community = [normalize_code(c) for c in grids_gdf["community"]]
    community_labels = [
        normalize_code(code) or f"#{i + 1}" for i, code in enumerate(communities_gdf["code"])
    ]

    reference = communities_gdf
    if shapely.is_empty(_geoms(communities_gdf)).all():
        reference = grids_gdf
    reference = reference[~(reference.geometry.is_empty | reference.geometry.isna())]
    crs = None if len(reference) == 0 else metric_crs(reference)

    def metric(gdf: gpd.GeoDataFrame) -> np.ndarray:
        if crs is None:
            return _geoms(gdf)
        return _geoms(to_metric(gdf, crs=crs))

    raws: list[_Raw] = []

    # Communities: check, repair, merge rows sharing a code.
    c_geoms, c_reasons, c_empty = _clean(_geoms(communities_gdf), metric(communities_gdf))
    pieces: dict[str, list[Any]] = {}
    for i, label in enumerate(community_labels):
        if c_empty[i]:
            raws.append(
                _Raw(
                    "empty",
                    label,
                    (),
                    0.0,
                    None,
                    "tiling.find.community_empty",
                    {"community": label},
                )
            )
            continue
        if c_reasons[i] is not None:
            raws.append(
                _Raw(
                    "invalid",
                    label,
                    (),
                    _area(c_geoms[i]),
                    c_geoms[i],
                    "tiling.find.community_invalid",
                    {"community": label, "reason": c_reasons[i]},
                )
            )
        if c_geoms[i] is not None:
            pieces.setdefault(label, []).append(c_geoms[i])
    communities = {
        label: geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
        for label, geoms in pieces.items()
    }
    known = set(community_labels)

    # Grids: check, repair, match to communities.
    g_geoms, g_reasons, g_empty = _clean(_geoms(grids_gdf), metric(grids_gdf))
    usable = np.zeros(len(grid_labels), dtype=bool)
    for i, label in enumerate(grid_labels):
        community = grid_community[i]
        if g_empty[i]:
            raws.append(
                _Raw(
                    "empty",
                    community,
                    (label,),
                    0.0,
                    None,
                    "tiling.find.grid_empty",
                    {"grid": label},
                )
            )
            continue
        if g_reasons[i] is not None:
            raws.append(
                _Raw(
                    "invalid",
                    community,
                    (label,),
                    _area(g_geoms[i]),
                    g_geoms[i],
                    "tiling.find.grid_invalid",
                    {"grid": label, "reason": g_reasons[i]},
                )
            )
        if g_geoms[i] is None:
            continue
        if community is None:
            raws.append(
                _Raw(
                    "unknown_community",
                    None,
                    (label,),
                    _area(g_geoms[i]),
                    g_geoms[i],
                    "tiling.find.no_community",
                    {"grid": label},
                )
            )
        elif community not in known:
            raws.append(
                _Raw(
                    "unknown_community",
                    community,
                    (label,),
                    _area(g_geoms[i]),
                    g_geoms[i],
                    "tiling.find.unknown_community",
                    {"grid": label, "community": community},
                )
            )
        usable[i] = True

    raws.extend(_gaps(communities, g_geoms, grid_community, usable, tolerance_m2))
    raws.extend(_outside(communities, g_geoms, grid_community, grid_labels, usable, tolerance_m2))
    raws.extend(_overlaps(g_geoms, grid_community, grid_labels, usable, tolerance_m2))

    return TilingReport(_finish(raws, crs), tolerance_m2)


def _gaps(
    communities: dict[str, Any],
    g_geoms: np.ndarray,
    grid_community: list[str | None],
    usable: np.ndarray,
    tolerance_m2: float,
) -> Iterable[_Raw]:
    members: dict[str, list[Any]] = {}
    for i in np.flatnonzero(usable):
        community = grid_community[i]
        if community in communities:
            members.setdefault(community, []).append(g_geoms[i])
    labels = list(communities)
    if not labels:
        return []
    covers = np.array(
        [shapely.union_all(members[c]) if c in members else None for c in labels], dtype=object
    )
    shapes = np.array([communities[c] for c in labels], dtype=object)
    has_cover = np.array([c in members for c in labels])
    holes = shapes.copy()
    holes[has_cover] = shapely.difference(shapes[has_cover], covers[has_cover])
    parts, index, areas = _big_parts(holes, tolerance_m2)
    out = []
    for part, pos, area in zip(parts, index, areas, strict=True):
        label = labels[pos]
        out.append(
            _Raw(
                "gap",
                label,
                (),
                float(area),
                part,
                "tiling.find.gap" if has_cover[pos] else "tiling.find.gap_no_grids",
                {"community": label, "area": float(area)},
            )
        )
    return out


def _outside(
    communities: dict[str, Any],
    g_geoms: np.ndarray,
    grid_community: list[str | None],
    grid_labels: tuple[str, ...],
    usable: np.ndarray,
    tolerance_m2: float,
) -> Iterable[_Raw]:
    pos = np.array(
        [i for i in np.flatnonzero(usable) if grid_community[i] in communities], dtype=np.intp
    )
    if len(pos) == 0:
        return []
    shapes = np.array([communities[grid_community[i]] for i in pos], dtype=object)
    overhang = shapely.difference(g_geoms[pos], shapes)
    parts, index, areas = _big_parts(overhang, tolerance_m2)
    out = []
    for k, (geom, area) in _grouped(parts, index, areas).items():
        i = pos[k]
        community = grid_community[i]
        out.append(
            _Raw(
                "outside",
                community,
                (grid_labels[i],),
                area,
                geom,
                "tiling.find.outside",
                {"grid": grid_labels[i], "community": community, "area": float(area)},
            )
        )
    return out


def _overlaps(
    g_geoms: np.ndarray,
    grid_community: list[str | None],
    grid_labels: tuple[str, ...],
    usable: np.ndarray,
    tolerance_m2: float,
) -> Iterable[_Raw]:
    pos = np.flatnonzero(usable)
    if len(pos) < 2:
        return []
    geoms = g_geoms[pos]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    community = np.array([grid_community[i] or "" for i in pos], dtype=object)
    keep = (left < right) & (community[left] == community[right]) & (community[left] != "")
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return []
    interiors = shapely.relate_pattern(geoms[left], geoms[right], "2********")
    left, right = left[interiors], right[interiors]
    shared = shapely.intersection(geoms[left], geoms[right])
    parts, index, areas = _big_parts(shared, tolerance_m2)
    out = []
    for k, (geom, area) in _grouped(parts, index, areas).items():
        a, b = pos[left[k]], pos[right[k]]
        pair = tuple(sorted((grid_labels[a], grid_labels[b])))
        c = grid_community[a]
        out.append(
            _Raw(
                "overlap",
                c,
                pair,
                area,
                geom,
                "tiling.find.overlap",
                {"grid": pair[0], "other": pair[1], "community": c, "area": float(area)},
            )
        )
    return out


def _finish(raws: list[_Raw], crs: Any) -> list[TilingFinding]:
    """Take geometries back to lon/lat, write the messages and sort the findings."""
    geoms = np.array([r.geometry for r in raws], dtype=object)
    points = np.array([None] * len(raws), dtype=object)
    present = np.array([g is not None for g in geoms], dtype=bool)
    for i in np.flatnonzero(present):
        points[i] = _inside_point(geoms[i])
    if crs is not None and present.any():
        both = gpd.GeoSeries(np.concatenate([geoms[present], points[present]]), crs=crs)
        back = np.asarray(to_wgs84(both).array, dtype=object)
        n = int(present.sum())
        geoms[present] = back[:n]
        points[present] = back[n:]
    findings = []
    for raw, geom, point in zip(raws, geoms, points, strict=True):
        location = None if point is None or point.is_empty else point
        near = Msg("tiling.at_unknown")
        if location is not None:
            near = Msg("tiling.at", x=location.x, y=location.y)
        params = {**raw.params, "near": near}
        findings.append(
            TilingFinding(
                raw.kind,
                raw.community,
                raw.grids,
                round(raw.area_m2, 3),
                location,
                Msg(raw.key, **params).text("en"),
                geom,
                raw.key,
                tuple(params.items()),
            )
        )
    order = {kind: k for k, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.community or "", f.grids, -f.area_m2))
    return findings
