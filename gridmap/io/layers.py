"""Read a file for one layer and validate it against the layer's schema.

:func:`read_layer_file` is the one entry point importers use: it reads any
supported format, maps headers to the canonical columns of
:data:`gridmap.model.LAYERS`, converts values, checks geometries and coordinates,
converts coordinates to WGS-84 (EPSG:4326), and returns the canonical frame with
an :class:`~gridmap.errors.ImportReport`. It never raises for bad content: every
problem is in the report, located by file, row and column.

Row numbers
-----------
Vector files: the 1-based feature (Placemark) number in file order. CSV/TXT/XLSX:
the 1-based *data row* below the header, blank rows included, so data row ``N``
is spreadsheet row ``N + 1`` when the header is in the first row (see
:mod:`gridmap.io.tabular`). Blank table rows are skipped without a problem.

Coordinate systems
------------------
``crs`` declares the system of the coordinates (``wgs84``, ``cgcs2000``,
``gcj02``, ``bd09`` or ``EPSG:n``). GeoJSON, KML, CSV and XLSX carry no
coordinate system of their own (GeoJSON and KML are lon/lat by specification,
possibly GCJ-02/BD-09 shifted), so the declaration applies. GeoPackages and
shapefiles with a ``.prj`` declare their own: a projected or other EPSG system in
the file wins over the default ``wgs84`` declaration, while a different explicit
declaration (``gcj02`` or another ``EPSG:n``) is reported as a conflict. A file
labelled WGS-84/CGCS2000 with ``gcj02``/``bd09`` declared is read as GCJ-02/BD-09
(shifted data is routinely labelled WGS-84).

Coordinate findings (:func:`gridmap.crs.check_coordinates`) are errors, one per
row (the first 1,000 rows of each kind, then a summary): swapped axes, projected
metres in a lon/lat file, out-of-range values, points outside China, and points
farther than ``max_km`` from ``street_center`` (almost always a wrong system).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import crs as crs_mod
from gridmap.errors import GridmapError, ImportReport, InputError
from gridmap.io._columns import (
    converter,
    header_lookup,
    is_empty,
    match_headers,
    normalize_header,
    pandas_dtype,
    to_str,
)
from gridmap.io._coords import CoordinateError, parse_coordinate, parse_location
from gridmap.io.limits import DEFAULT_LIMITS, Limits
from gridmap.io.tabular import (
    TABLE_FORMATS,
    find_coordinate_columns,
    find_location_column,
    find_wkt_column,
    read_table,
)
from gridmap.io.vector import MAX_BYTES, load_vector
from gridmap.messages import Msg
from gridmap.model import Column, LayerSpec, grid_head_overlaps, layer_spec

__all__ = ["LAYER_FORMATS", "MAX_ROW_PROBLEMS", "read_layer_file", "validate_layer_frame"]

#: File extensions :func:`read_layer_file` reads.
LAYER_FORMATS = (
    ".geojson",
    ".json",
    ".shp",
    ".zip",
    ".gpkg",
    ".kml",
    ".kmz",
    ".csv",
    ".txt",
    ".xlsx",
)

#: Coordinate findings of one kind are reported row by row up to this many rows.
MAX_ROW_PROBLEMS = 1000

_WGS84_LIKE = ("wgs84", "cgcs2000")
_ALLOWED_TYPES = {
    "polygon": ((3, 6), "a Polygon or MultiPolygon"),
    "point": ((0,), "a Point"),
    "line": ((1, 5), "a LineString or MultiLineString"),
    "point_or_polygon": ((0, 3, 6), "a Point, Polygon or MultiPolygon"),
}
_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


@dataclass
class _Raw:
    """A file's rows before validation."""

    frame: pd.DataFrame
    geometry: np.ndarray | None
    rows: np.ndarray
    file_crs: str | None = None
    feature_ids: list[object] | None = None
    table: bool = False
    reported: np.ndarray | None = None  # rows whose geometry problem the reader reported
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (message key, params)


# ---------------------------------------------------------------- frames


def _typed_empty(spec: LayerSpec) -> pd.DataFrame:
    data = {c.name: pd.Series([], dtype=pandas_dtype(c)) for c in spec.columns}
    if spec.geometry is None:
        return pd.DataFrame(data)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def _finish(
    columns: dict[str, pd.Series], geoms: np.ndarray | None, spec: LayerSpec
) -> pd.DataFrame:
    n = len(geoms) if geoms is not None else len(next(iter(columns.values())))
    index = pd.RangeIndex(n)
    data = {name: s.set_axis(index) for name, s in columns.items()}
    if spec.geometry is None:
        return pd.DataFrame(data, index=index)
    return gpd.GeoDataFrame(
        data, geometry=gpd.GeoSeries(geoms, index=index, crs="EPSG:4326"), crs="EPSG:4326"
    )


# ---------------------------------------------------------------- values


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorize cells (unhashable JSON values as text); empty cells get code -1."""
    cells = values.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # unhashable cells: JSON objects or arrays from GeoJSON properties
        cells = np.array(
            [to_str(v) if isinstance(v, dict | list) else v for v in cells], dtype=object
        )
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    blank = np.fromiter((is_empty(u) for u in uniques), dtype=bool, count=len(uniques))
    if blank.any():
        codes = np.where(np.isin(codes, np.flatnonzero(blank)), -1, codes)
    return codes, uniques


def _convert_column(
    values: pd.Series, column: Column, header: str, rows: np.ndarray, report: ImportReport
) -> pd.Series:
    """Convert one column, reporting bad cells and empty required cells by row."""
    convert = converter(column)
    codes, uniques = _factorize(values)
    converted = np.empty(len(uniques) + 1, dtype=object)
    converted[-1] = None  # code -1: empty
    bad: dict[int, Msg | str] = {}
    for k, value in enumerate(uniques):
        if is_empty(value):
            converted[k] = None
            continue
        try:
            converted[k] = convert(value)
        except ValueError as exc:
            converted[k] = None
            keyed = isinstance(exc, InputError) and exc.key
            bad[k] = Msg(exc.key, **exc.params) if keyed else str(exc)
    for k, reason in bad.items():
        for i in np.flatnonzero(codes == k):
            report.add_key(
                "io.value.bad", row=int(rows[i]), column=header, field=column.name, reason=reason
            )
    out = converted[codes]
    missing = codes == -1
    if column.required:
        for i in np.flatnonzero(missing):
            report.add_key("io.value.required", row=int(rows[i]), column=header, field=column.name)
    elif column.default is not None and missing.any():
        out[missing] = column.default
    return _as_dtype(out, column)


def _as_dtype(values: np.ndarray, column: Column) -> pd.Series:
    dtype = pandas_dtype(column)
    if dtype == "float64":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if dtype == "object":
        return pd.Series(values, dtype=object)
    return pd.Series(pd.array(list(values), dtype=dtype))


def _default_column(column: Column, n: int) -> pd.Series:
    return _as_dtype(np.full(n, column.default, dtype=object), column)


# ---------------------------------------------------------------- geometry from tables


def _numbers(
    values: pd.Series, header: str, rows: np.ndarray, what: str, report: ImportReport
) -> np.ndarray:
    """Parse a coordinate column; report empty cells and cells that are not coordinates.

    Numbers are parsed in bulk; the rest (full-width digits, odd spaces, degrees-
    minutes-seconds ...) one distinct value at a time by :func:`parse_coordinate`.
    """
    # a writable copy: under pandas 3 (copy-on-write) to_numpy() may be a read-only view
    out = np.array(pd.to_numeric(values, errors="coerce"), dtype=float, copy=True)
    todo = np.flatnonzero(np.isnan(out))
    parsed: dict[object, float | CoordinateError] = {}
    for i in todo:
        value = values.iloc[i]
        if is_empty(value):
            report.add_key("io.coord.empty", row=int(rows[i]), column=header, what=what)
            continue
        key = str(value)
        if key not in parsed:
            try:
                parsed[key] = parse_coordinate(value, what=what)
            except CoordinateError as exc:
                parsed[key] = exc
        result = parsed[key]
        if isinstance(result, CoordinateError):
            report.add_key(result.key, row=int(rows[i]), column=header, params=result.params)
        else:
            out[i] = result
    return out


def _points_from_columns(
    frame: pd.DataFrame, lon: str, lat: str, rows: np.ndarray, report: ImportReport
) -> np.ndarray:
    x = _numbers(frame[lon], lon, rows, "longitude", report)
    y = _numbers(frame[lat], lat, rows, "latitude", report)
    geoms = np.full(len(frame), None, dtype=object)
    parsed = ~(np.isnan(x) | np.isnan(y))
    if parsed.any():
        geoms[parsed] = shapely.points(x[parsed], y[parsed])
    return geoms


def _points_from_location(
    values: pd.Series, header: str, rows: np.ndarray, report: ImportReport
) -> np.ndarray:
    """Build points from one "lng,lat" column (Amap's ``location``)."""
    geoms = np.full(len(values), None, dtype=object)
    for i, value in enumerate(values):
        if is_empty(value):
            report.add_key("io.coord.empty", row=int(rows[i]), column=header, what="location")
            continue
        try:
            geoms[i] = shapely.Point(parse_location(value))
        except CoordinateError as exc:
            report.add_key(exc.key, row=int(rows[i]), column=header, params=exc.params)
    return geoms


def _geometries_from_wkt(
    values: pd.Series, header: str, rows: np.ndarray, report: ImportReport
) -> tuple[np.ndarray, np.ndarray]:
    geoms = np.full(len(values), None, dtype=object)
    reported = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values):
        if is_empty(value):
            continue
        try:
            geoms[i] = shapely.from_wkt(str(value).strip())
        except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
            report.add_key("io.geom.not_wkt", row=int(rows[i]), column=header, detail=str(exc))
            reported[i] = True
    return geoms, reported


def _table_geometry(
    raw: _Raw,
    spec: LayerSpec,
    report: ImportReport,
    *,
    lon_col: str | None,
    lat_col: str | None,
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Build geometries from coordinate columns (or a WKT column).

    Returns the geometries, the headers used, and which rows already have a
    geometry problem reported (so it is not reported twice).
    """
    headers = [str(h) for h in raw.frame.columns]
    none = np.full(len(raw.frame), None, dtype=object)
    everything = np.ones(len(raw.frame), dtype=bool)
    try:
        pair = find_coordinate_columns(headers, lon_col=lon_col, lat_col=lat_col)
    except InputError as exc:
        _add_error(report, exc)
        return none, [], everything
    if pair:
        geoms = _points_from_columns(raw.frame, *pair, raw.rows, report)
        return geoms, list(pair), shapely.is_missing(geoms)
    location = find_location_column(headers)
    if location is not None:
        geoms = _points_from_location(raw.frame[location], location, raw.rows, report)
        return geoms, [location], shapely.is_missing(geoms)
    wkt = find_wkt_column(headers)
    if wkt is not None:
        geoms, reported = _geometries_from_wkt(raw.frame[wkt], wkt, raw.rows, report)
        return geoms, [wkt], reported
    points = spec.geometry in ("point", "point_or_polygon")
    key = "io.geom.none_points" if points else "io.geom.none_shapes"
    report.add_key(key, layer=spec.name, headers=tuple(headers))
    return none, [], everything


# ---------------------------------------------------------------- geometry checks


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = shapely.get_parts(shapely.get_parts(geom))
    polys = [p for p in parts if shapely.get_type_id(p) == 3 and not p.is_empty]
    if not polys:
        return None
    out = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    return out if shapely.get_type_id(out) in (3, 6) and out.is_valid else None


def _check_geometries(
    geoms: np.ndarray,
    rows: np.ndarray,
    spec: LayerSpec,
    report: ImportReport,
    *,
    repair: bool,
    reported: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Check presence, dimension, finiteness, type and validity; return (geoms, bad mask).

    Rows in ``reported`` already have a geometry problem in the report.
    """
    geoms = geoms.copy()
    n = len(geoms)
    bad = np.zeros(n, dtype=bool) if reported is None else reported.copy()
    for i in np.flatnonzero((shapely.is_missing(geoms) | shapely.is_empty(geoms)) & ~bad):
        report.add_key("io.geom.empty", row=int(rows[i]))
        bad[i] = True
    bad |= shapely.is_missing(geoms)
    has_z = shapely.has_z(geoms) & ~bad
    for i in np.flatnonzero(has_z):
        report.add_key("io.geom.z_dropped", row=int(rows[i]), severity="warning")
    if has_z.any():
        geoms[has_z] = shapely.force_2d(geoms[has_z])
    ok = np.flatnonzero(~bad)
    coords, index = shapely.get_coordinates(geoms[ok], return_index=True)
    nonfinite = np.unique(index[~np.isfinite(coords).all(axis=1)])
    for j in nonfinite:
        i = ok[j]
        report.add_key("io.geom.nonfinite", row=int(rows[i]))
        bad[i] = True
    kinds = shapely.get_type_id(geoms)
    if spec.geometry in ("point", "point_or_polygon"):
        single = (kinds == 4) & ~bad
        single[single] = shapely.get_num_geometries(geoms[single]) == 1
        geoms[single] = shapely.get_geometry(geoms[single], 0)
        kinds[single] = 0
    if spec.geometry == "line":
        ring = (kinds == 2) & ~bad
        geoms[ring] = shapely.linestrings(
            shapely.get_coordinates(geoms[ring]),
            indices=np.repeat(np.arange(ring.sum()), shapely.get_num_coordinates(geoms[ring])),
        )
        kinds[ring] = 1
    allowed, _needs = _ALLOWED_TYPES[spec.geometry]
    wrong = ~bad & ~np.isin(kinds, allowed)
    for i in np.flatnonzero(wrong):
        found: str | Msg = _TYPE_NAMES.get(int(kinds[i]), "unknown")
        if kinds[i] == 4:
            found = Msg("io.geom.multipoint_of", n=int(shapely.get_num_geometries(geoms[i])))
        report.add_key(
            "io.geom.wrong_type",
            row=int(rows[i]),
            found=found,
            layer=spec.name,
            needs=spec.geometry,
        )
        bad[i] = True
    polygonal = np.flatnonzero(~bad & np.isin(kinds, (3, 6)))
    if polygonal.size:
        invalid = polygonal[~shapely.is_valid(geoms[polygonal])]
        reasons = shapely.is_valid_reason(geoms[invalid]) if invalid.size else []
        for i, reason in zip(invalid, reasons, strict=True):
            why = geos_reason(reason)
            if not repair:
                report.add_key("io.geom.invalid_polygon", row=int(rows[i]), **why)
                bad[i] = True
                continue
            fixed = _polygonal_part(shapely.make_valid(geoms[i]))
            if fixed is None:
                report.add_key("io.geom.repair_empty", row=int(rows[i]), **why)
                bad[i] = True
                continue
            geoms[i] = fixed
            report.repaired += 1
            report.add_key("io.geom.repaired", row=int(rows[i]), severity="warning", **why)
    return geoms, bad


def geos_reason(reason: str) -> dict[str, str]:
    """Split GEOS's reason (``"Self-intersection[120.1 30.2]"``) into its head and place.

    The head is shown through ``{reason:@io.geos}`` (Chinese where known), the place
    ``at`` as it is.

    Examples
    --------
    >>> geos_reason("Self-intersection[120.1 30.2]")
    {'reason': 'Self-intersection', 'at': '[120.1 30.2]'}
    """
    head, bracket, rest = str(reason).partition("[")
    return {"reason": head, "at": bracket + rest}


# ---------------------------------------------------------------- coordinate systems


def _resolve_crs(declared: str, file_crs: str | None, report: ImportReport) -> str | None:
    """Return the source system to convert from, or ``None`` after reporting a conflict.

    ``wgs84``/``cgcs2000`` declarations count as the default: a file's own EPSG
    system wins over them. Other declarations must agree with the file.
    """
    if file_crs is None:
        return declared
    default = declared in _WGS84_LIKE
    report.crs_assumed = False  # the file says what it is
    try:
        in_file = crs_mod.normalize_crs_name(file_crs)
    except GridmapError:
        if default:
            short = " ".join(str(file_crs).split())[:80]
            report.add_key("io.crs.unrecognised", severity="warning", name=short)
        return declared
    if in_file in _WGS84_LIKE:
        if declared.startswith("EPSG:"):
            report.add_key("io.crs.conflict_lonlat", in_file=in_file, declared=declared)
            return None
        return in_file if default else declared
    if in_file == declared:
        return in_file
    if default:
        report.add_key("io.crs.converted", severity="info", in_file=in_file)
        return in_file
    report.add_key("io.crs.conflict", in_file=in_file, declared=declared)
    return None


def _centres(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the centres of the geometries' bounding boxes (NaN for missing ones)."""
    bounds = shapely.bounds(geoms)
    return bounds[:, 0] / 2 + bounds[:, 2] / 2, bounds[:, 1] / 2 + bounds[:, 3] / 2


def _report_findings(
    x: np.ndarray,
    y: np.ndarray,
    idx: np.ndarray,
    rows: np.ndarray,
    report: ImportReport,
    bad: np.ndarray,
    *,
    src: str,
    street_center: tuple[float, float] | None,
    max_km: float | None,
    street_area: np.ndarray | None = None,
) -> None:
    """Run :func:`gridmap.crs.check_coordinates` on the points ``idx`` and report by row.

    With ``street_area`` (the stored community polygons) the distance is measured
    from the nearest of them, and a point inside one is never far; otherwise from
    ``street_center``.
    """
    if not idx.size:
        return
    use_area = street_area is not None and len(street_area) > 0 and max_km is not None
    use_distance = not use_area and street_center is not None and max_km is not None
    findings = crs_mod.check_coordinates(
        x[idx],
        y[idx],
        expected_center=tuple(street_center) if use_distance else None,
        max_km=max_km if use_distance else None,
    )
    src_said = Msg("io.crs.src_assumed" if report.crs_assumed else "io.crs.src_declared", src=src)
    for finding in findings:
        positions = idx[np.asarray(finding.rows, dtype=int)]
        for count, i in enumerate(positions):
            if count == MAX_ROW_PROBLEMS:
                report.add_key(
                    "io.coord.more_rows", n=len(positions) - MAX_ROW_PROBLEMS, kind=finding.kind
                )
                break
            km = (
                float(crs_mod.distance_m(x[i], y[i], *street_center)) / 1000
                if use_distance
                else 0.0
            )
            report.add_key(
                f"io.coord.finding.{finding.kind}",  # one key per crs.FINDING_KINDS
                row=int(rows[i]),
                x=_short(x[i]),
                y=_short(y[i]),
                src_said=src_said,
                km=km,
                max_km=max_km or 0,
            )
        bad[positions] = True
    if use_area:
        _report_far_from_area(
            x,
            y,
            idx[~bad[idx]],
            rows,
            report,
            bad,
            area=street_area,
            max_km=float(max_km),
            src_said=src_said,
        )


def _short(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _report_far_from_area(
    x: np.ndarray,
    y: np.ndarray,
    idx: np.ndarray,
    rows: np.ndarray,
    report: ImportReport,
    bad: np.ndarray,
    *,
    area: np.ndarray,
    max_km: float,
    src_said: Msg,
) -> None:
    """Report points farther than ``max_km`` from the nearest polygon of ``area``."""
    if not idx.size:
        return
    points = shapely.points(x[idx], y[idx])
    tree = shapely.STRtree(area)
    inside = np.zeros(len(idx), dtype=bool)
    hits = tree.query(points, predicate="intersects")
    inside[np.unique(hits[0])] = True
    todo = np.flatnonzero(~inside)
    if not todo.size:
        return
    nearest = tree.query_nearest(points[todo], return_distance=False, all_matches=False)
    lines = shapely.shortest_line(points[todo][nearest[0]], area[nearest[1]])
    ends = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    km = crs_mod.distance_m(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1]) / 1000
    far = np.flatnonzero(km > max_km)
    for count, j in enumerate(far):
        if count == MAX_ROW_PROBLEMS:
            report.add_key(
                "io.coord.more_rows", n=len(far) - MAX_ROW_PROBLEMS, kind="far_from_street"
            )
            break
        i = idx[todo[nearest[0][j]]]
        report.add_key(
            "io.crs.far",
            row=int(rows[i]),
            x=_short(x[i]),
            y=_short(y[i]),
            km=float(km[j]),
            max_km=max_km,
            src=src_said,
        )
    bad[idx[todo[nearest[0][far]]]] = True


def _swapped_projected(x: np.ndarray, y: np.ndarray, src: str) -> np.ndarray:
    """Tell which projected points land in China only with x and y exchanged."""
    try:
        sx, sy = crs_mod.transform(y, x, src=src, dst="wgs84")
    except GridmapError:
        return np.zeros(len(x), dtype=bool)
    return np.isfinite(sx) & np.isfinite(sy) & crs_mod.in_china(sx, sy)


def _convert_coordinates(
    geoms: np.ndarray,
    bad: np.ndarray,
    rows: np.ndarray,
    report: ImportReport,
    *,
    src: str,
    street_center: tuple[float, float] | None,
    max_km: float | None,
    street_area: np.ndarray | None = None,
) -> np.ndarray:
    """Check coordinates and convert the good rows from ``src`` to WGS-84."""
    geoms = geoms.copy()
    good = np.flatnonzero(~bad)
    if not good.size:
        return geoms
    x, y = _centres(geoms)
    if not src.startswith("EPSG:"):
        _report_findings(
            x,
            y,
            good,
            rows,
            report,
            bad,
            src=src,
            street_center=street_center,
            street_area=street_area,
            max_km=max_km,
        )
        good = np.flatnonzero(~bad)
        if src not in _WGS84_LIKE and good.size:
            geoms[good] = crs_mod.transform_geometries(geoms[good], src=src, dst="wgs84")
        return geoms
    try:
        converted = crs_mod.transform_geometries(geoms[good], src=src, dst="wgs84")
    except GridmapError as exc:
        _add_error(report, exc)
        bad[good] = True
        return geoms
    cx, cy = _centres(converted)
    coords, index = shapely.get_coordinates(converted, return_index=True)
    failed = np.zeros(len(good), dtype=bool)
    failed[np.unique(index[~np.isfinite(coords).all(axis=1)])] = True
    failed |= ~crs_mod.in_china(cx, cy)
    swapped = np.zeros(len(good), dtype=bool)
    if failed.any():
        swapped[failed] = _swapped_projected(x[good][failed], y[good][failed], src)
    for j in np.flatnonzero(swapped):
        report.add_key(
            "io.crs.xy_swapped",
            row=int(rows[good[j]]),
            x=float(x[good[j]]),
            y=float(y[good[j]]),
            src=src,
        )
        bad[good[j]] = True
    nonfinite = failed & ~swapped & ~(np.isfinite(cx) & np.isfinite(cy))
    for j in np.flatnonzero(nonfinite):
        report.add_key(
            "io.crs.cannot_convert",
            row=int(rows[good[j]]),
            x=float(x[good[j]]),
            y=float(y[good[j]]),
            src=src,
        )
        bad[good[j]] = True
    keep = ~(swapped | nonfinite)
    geoms[good[keep]] = converted[keep]
    cx, cy = cx[keep], cy[keep]
    full_x = np.full(len(geoms), np.nan)
    full_y = np.full(len(geoms), np.nan)
    full_x[good[keep]], full_y[good[keep]] = cx, cy
    _report_findings(
        full_x,
        full_y,
        good[keep],
        rows,
        report,
        bad,
        src=src,
        street_center=street_center,
        street_area=street_area,
        max_km=max_km,
    )
    return geoms


# ---------------------------------------------------------------- validation


def _drop_blank_rows(raw: _Raw) -> _Raw:
    if not raw.table or raw.frame.empty:
        return raw
    blank = raw.frame.isna().all(axis=1).to_numpy()
    if raw.geometry is not None:
        blank &= shapely.is_missing(raw.geometry)
    if not blank.any():
        return raw
    keep = ~blank
    return _Raw(
        raw.frame.loc[keep].reset_index(drop=True),
        None if raw.geometry is None else raw.geometry[keep],
        raw.rows[keep],
        raw.file_crs,
        raw.feature_ids,
        raw.table,
    )


def _validate(
    raw: _Raw,
    spec: LayerSpec,
    report: ImportReport,
    *,
    declared: str,
    repair: bool,
    street_center: tuple[float, float] | None,
    max_km: float | None,
    street_area: np.ndarray | None = None,
    lon_col: str | None,
    lat_col: str | None,
    column_map: dict[str, str] | None = None,
    code_prefix: str | None = None,
) -> pd.DataFrame:
    raw = _drop_blank_rows(raw)
    frame, rows = raw.frame, raw.rows
    n = len(frame)
    headers = [str(h) for h in frame.columns]
    frame.columns = headers
    if column_map:
        frame = _apply_column_map(frame, column_map, spec, report)
        headers = [str(h) for h in frame.columns]
        raw.frame = frame
    source = _gcj02_source(headers)
    if source is not None and report.crs_assumed and spec.geometry is not None:
        report.add_key("io.crs.gcj02_source", source=source[0], keys=", ".join(source[1]))

    # geometry first: coordinate columns are not "extra" columns
    geometry_headers: list[str] = []
    reported = raw.reported
    geoms = raw.geometry
    if spec.geometry is not None:
        all_missing = geoms is None or bool(shapely.is_missing(geoms).all())
        coordinates = find_coordinate_columns(headers) or find_location_column(headers)
        if raw.table or (all_missing and n and coordinates):
            geoms, geometry_headers, reported = _table_geometry(
                raw, spec, report, lon_col=lon_col, lat_col=lat_col
            )
        elif geoms is None:
            geoms = np.full(n, None, dtype=object)
    elif geoms is not None and n and not bool(shapely.is_missing(geoms).all()):
        report.add_key("io.geom.ignored", severity="warning", layer=spec.name)

    match = match_headers(headers, spec)
    for header, canonical, used in match.duplicates:
        report.add_key(
            "io.table.header_duplicate",
            severity="warning",
            header=header,
            canonical=canonical,
            used=used,
        )
    extra = [
        h
        for h in match.unmatched
        if h not in geometry_headers and not (h.startswith("column ") and frame[h].isna().all())
    ]
    if extra:
        report.add_key(
            "io.table.extra_columns",
            severity="warning",
            n=len(extra),
            layer=spec.name,
            columns=tuple(extra),
        )
    if (
        raw.feature_ids is not None
        and "code" not in match.mapping
        and any(f is not None for f in raw.feature_ids)
        and any(c.name == "code" for c in spec.columns)
    ):
        frame = frame.assign(
            **{"\x00id": [to_str(f) if f is not None else None for f in raw.feature_ids]}
        )
        match.mapping["code"] = "\x00id"

    skip_missing: set[str] = set()
    if spec.name == "communities" and "code" not in match.mapping:
        adcode = next((h for h in headers if h.lower() == "adcode"), None)
        if adcode is not None:
            frame = _datav_codes(frame, adcode, rows, code_prefix, report)
            if "\x00code" in frame.columns:
                match.mapping["code"] = "\x00code"
            skip_missing.add("code")

    columns: dict[str, pd.Series] = {}
    for column in spec.columns:
        header = match.mapping.get(column.name)
        if header is None:
            if column.required and column.name not in skip_missing:
                report.add_key(
                    "io.table.missing_column_aliases"
                    if column.aliases
                    else "io.table.missing_column",
                    field=column.name,
                    aliases=tuple(column.aliases),
                    headers=tuple(headers),
                )
            columns[column.name] = _default_column(column, n)
            continue
        shown = "id" if header == "\x00id" else header
        columns[column.name] = _convert_column(
            frame[header].reset_index(drop=True), column, shown, rows, report
        )

    if spec.key and spec.key in match.mapping:
        _check_duplicates(columns[spec.key], spec.key, match.mapping[spec.key], rows, report)
    _check_codes(spec.name, columns, match.mapping, rows, report)
    if spec.name == "workers" and "phone" in columns:
        _check_phones(columns["phone"], match.mapping.get("phone"), rows, report)
    if spec.name == "assignments":
        _check_grid_heads(columns, rows, report)

    if spec.geometry is not None:
        geoms, bad = _check_geometries(geoms, rows, spec, report, repair=repair, reported=reported)
        src = _resolve_crs(declared, raw.file_crs, report)
        report.source_crs = src or declared
        if src is not None:
            geoms = _convert_coordinates(
                geoms,
                bad,
                rows,
                report,
                src=src,
                street_center=street_center,
                street_area=street_area,
                max_km=max_km,
            )
    if n == 0 and not report.errors:
        report.add_key("io.table.no_rows")
    report.rows = n
    report.problems.sort(key=lambda p: -1 if p.row is None else p.row)
    out = (
        _finish(columns, geoms if spec.geometry is not None else None, spec)
        if n
        else _typed_empty(spec)
    )
    out.attrs["rows"] = [int(r) for r in rows]  # the row number a person sees, per frame row
    return out


#: Property names that mark a file as an export of a Chinese map service (GCJ-02).
_GCJ02_SOURCES = (
    (
        "Aliyun DataV",
        (
            "adcode",
            "acroutes",
            "center",
            "centroid",
            "parent",
            "level",
            "childrenNum",
            "subFeatureIndex",
        ),
        3,
    ),
    (
        "Amap (高德)",
        (
            "typecode",
            "location",
            "pname",
            "cityname",
            "adname",
            "pcode",
            "citycode",
            "adcode",
            "business_area",
        ),
        3,
    ),
)


def _gcj02_source(headers: list[str]) -> tuple[str, list[str]] | None:
    """Return (service, matching headers) when the headers mark a GCJ-02 export."""
    lowered = {h.lower(): h for h in headers}
    for name, keys, need in _GCJ02_SOURCES:
        found = [lowered[k.lower()] for k in keys if k.lower() in lowered]
        if len(found) >= need:
            return name, found
    return None


_COORDINATE_TARGETS = ("lon", "lat", "经度", "纬度", "location", "geometry", "wkt")


def parse_column_map(text: str | dict[str, str] | None) -> dict[str, str]:
    """Parse ``源列=目标列,源列=目标列`` (``，`` and ``;`` also separate) into a dict.

    Raises
    ------
    gridmap.errors.InputError
        If an item is not ``source=target``.
    """
    if not text:
        return {}
    if isinstance(text, dict):
        return {str(k).strip(): str(v).strip() for k, v in text.items()}
    out: dict[str, str] = {}
    for item in re.split(r"[,，;；\n]", str(text)):
        if not item.strip():
            continue
        source, sep, target = item.replace("＝", "=").partition("=")
        if not sep or not source.strip() or not target.strip():
            raise InputError.keyed("io.table.columns_bad", item=repr(item.strip()))
        out[source.strip()] = target.strip()
    return out


def _apply_column_map(
    frame: pd.DataFrame, column_map: dict[str, str], spec: LayerSpec, report: ImportReport
) -> pd.DataFrame:
    """Rename the file's columns as ``column_map`` (source header -> layer column) says."""
    lookup = header_lookup(spec)
    by_key = {normalize_header(h): h for h in frame.columns}
    renames: dict[str, str] = {}
    for source, target in column_map.items():
        header = by_key.get(normalize_header(source))
        if header is None:
            report.add_key(
                "io.table.columns_unknown_source",
                source=repr(source),
                headers=", ".join(map(str, frame.columns)),
            )
            continue
        canonical = lookup.get(normalize_header(target))
        if canonical is None and normalize_header(target) in map(
            normalize_header, _COORDINATE_TARGETS
        ):
            canonical = target
        if canonical is None:
            report.add_key(
                "io.table.columns_unknown_target",
                target=repr(target),
                layer=spec.name,
                allowed=", ".join(c.name for c in spec.columns),
            )
            continue
        renames[header] = canonical
    # a column already called like a target gives way to the mapped one
    clash = {
        h: f"{h} (replaced)" for h in frame.columns if h in renames.values() and h not in renames
    }
    return frame.rename(columns={**clash, **renames})


def _datav_codes(
    frame: pd.DataFrame,
    adcode: str,
    rows: np.ndarray,
    code_prefix: str | None,
    report: ImportReport,
) -> pd.DataFrame:
    """Make 12-digit community codes for a DataV file: street prefix + file order.

    Without ``code_prefix`` (the 9-digit street code) an error says what to give.
    """
    codes = [to_str(v) for v in frame[adcode] if not is_empty(v)]
    first = codes[0] if codes else "330106"
    if not code_prefix:
        report.add_key("io.code.datav", adcode=first[:6])
        return frame
    prefix = str(code_prefix).strip()
    if not (len(prefix) == 9 and prefix.isascii() and prefix.isdigit()):
        report.add_key("io.code.prefix_bad", prefix=repr(prefix))
        return frame
    for i, value in enumerate(frame[adcode]):
        code = to_str(value) if not is_empty(value) else ""
        if code[:6] and code[:6] != prefix[:6]:
            report.add_key(
                "io.code.prefix_mismatch",
                row=int(rows[i]),
                column=adcode,
                adcode=code,
                prefix=prefix,
            )
    made = [f"{prefix}{i + 1:03d}" for i in range(len(frame))]
    if made:
        report.add_key("io.code.datav_mapped", severity="info", prefix=prefix, first=made[0])
    return frame.assign(**{"\x00code": made})


_WORKER_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")

#: (layer, column) -> the kind of code it holds.
_CODE_COLUMNS = {
    ("communities", "code"): "community",
    ("grids", "code"): "grid",
    ("grids", "community"): "community",
    ("compounds", "community"): "community",
    ("entrances", "community"): "community",
    ("assignments", "grid"): "grid",
    ("workers", "code"): "worker",
}


def _code_ok(kind: str, value: str) -> bool:
    if kind == "worker":
        return bool(_WORKER_CODE_RE.match(value))
    length = 12 if kind == "community" else 15
    ok = len(value) == length and value.isascii() and value.isdigit()
    return ok and not (kind == "grid" and value.endswith("000"))


def _check_codes(
    layer: str,
    columns: dict[str, pd.Series],
    mapping: dict[str, str],
    rows: np.ndarray,
    report: ImportReport,
) -> None:
    """Report codes of the wrong shape, saying what a correct one looks like."""
    for (name, column), kind in _CODE_COLUMNS.items():
        if name != layer or column not in columns:
            continue
        header = mapping.get(column, column)
        shown = "id" if header == "\x00id" else (None if header == "\x00code" else header)
        verdict: dict[str, bool] = {}
        for i, value in enumerate(columns[column]):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            text_value = str(value)
            if text_value not in verdict:
                verdict[text_value] = _code_ok(kind, text_value)
            if not verdict[text_value]:
                report.add_key(
                    f"io.code.{kind}", row=int(rows[i]), column=shown, value=repr(text_value)
                )
    if layer == "grids" and "code" in columns and "community" in columns:
        for i, (code, community) in enumerate(
            zip(columns["code"], columns["community"], strict=True)
        ):
            if (
                isinstance(code, str)
                and isinstance(community, str)
                and _code_ok("grid", code)
                and _code_ok("community", community)
                and not code.startswith(community)
            ):
                report.add_key(
                    "io.code.grid_prefix",
                    row=int(rows[i]),
                    column=mapping.get("code"),
                    value=code,
                    community=community,
                )


def _check_phones(
    phones: pd.Series, header: str | None, rows: np.ndarray, report: ImportReport
) -> None:
    """Report phone numbers that are neither a mainland mobile nor a landline with area code."""
    from gridmap.model import is_phone

    for i, value in enumerate(phones):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if str(value).strip() and not is_phone(value):
            report.add_key(
                "workers.bad_phone", row=int(rows[i]), column=header, value=str(value).strip()
            )


def _check_grid_heads(
    columns: dict[str, pd.Series], rows: np.ndarray, report: ImportReport
) -> None:
    """Report a second grid head (网格长) for one grid in overlapping periods."""
    grids = [g if isinstance(g, str) else None for g in columns["grid"]]
    workers = [str(w) for w in columns["worker"]]
    starts, ends = ([d if isinstance(d, dt.date) else None for d in columns[name]]
                    for name in ("valid_from", "valid_to"))  # fmt: skip
    for i, j, first, last in grid_head_overlaps(grids, workers, columns["role"], starts, ends):
        report.add_key(
            "io.assign.two_heads",
            row=int(rows[j]),
            grid=grids[j],
            period=f"{first.isoformat() if first else '…'} – {last.isoformat() if last else '…'}",
            first=int(rows[i]),
            w1=workers[i],
            w2=workers[j],
        )


def _check_duplicates(
    values: pd.Series, key: str, header: str, rows: np.ndarray, report: ImportReport
) -> None:
    present = values.notna().to_numpy()
    repeated = present & values.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    cells = values.to_numpy(dtype=object)
    first: dict[object, int] = {}
    for i in np.flatnonzero(repeated):
        value = cells[i]
        if value in first:
            shown = "id" if header == "\x00id" else header
            report.add_key(
                "io.value.duplicate",
                row=int(rows[i]),
                column=shown,
                field=key,
                value=value,
                first=first[value],
                second=int(rows[i]),
            )
        else:
            first[value] = int(rows[i])


# ---------------------------------------------------------------- public API


def _load(
    path: Path,
    spec: LayerSpec,
    *,
    label: str,
    encoding: str | None,
    sheet: str | int | None,
    max_bytes: int,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[_Raw, list[tuple]]:
    suffix = path.suffix.lower()
    if suffix in TABLE_FORMATS:
        table = read_table(path, encoding=encoding, sheet=sheet, max_bytes=max_bytes, limits=limits)
        rows = np.asarray(table.attrs.get("rows") or range(1, len(table) + 1), dtype=int)
        raw = _Raw(table.reset_index(drop=True), None, rows, table=True)
        raw.notes = list(table.attrs.get("notes") or [])
        return raw, []
    data = load_vector(path, layer_name=spec.name, max_bytes=max_bytes, label=label, limits=limits)
    n = len(data.geometry)
    frame = data.frame if len(data.frame) == n else data.frame.reindex(range(n))
    reported = np.zeros(n, dtype=bool)
    for row, _message, severity in data.problems:
        if row is not None and severity == "error" and 1 <= row <= n:
            reported[row - 1] = True
    return _Raw(
        frame.reset_index(drop=True),
        data.geometry,
        np.arange(1, n + 1),
        data.crs,
        data.feature_ids,
        reported=reported,
    ), data.problems


def read_layer_file(
    path: str | Path,
    layer: str,
    *,
    crs: str | None = None,
    repair: bool = False,
    street_center: tuple[float, float] | None = None,
    max_km: float | None = None,
    street_area: np.ndarray | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    max_bytes: int = MAX_BYTES,
    label: str | None = None,
    columns: str | dict[str, str] | None = None,
    code_prefix: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a file for ``layer``: canonical columns, checked values, WGS-84 geometries.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.shp``, ``.zip`` (holding a shapefile or another
        vector file), ``.gpkg``, ``.kml``, ``.csv``, ``.txt`` or ``.xlsx`` file.
    layer
        A layer name from :data:`gridmap.model.LAYERS`.
    crs
        The coordinates' system: ``wgs84``, ``cgcs2000``, ``gcj02``, ``bd09`` or
        ``EPSG:n``. ``None`` (default) means not declared: read as WGS-84 (messages
        say it was assumed), and files recognisably exported from Aliyun DataV or
        Amap (GCJ-02) are refused until a system is given. See the module notes on
        files that declare their own system.
    repair
        Repair invalid polygons with :func:`shapely.make_valid` (keeping the
        polygonal part) and report a warning, instead of an error.
    street_center
        ``(lon, lat)`` in WGS-84 where the data should lie; with ``max_km``, points
        farther away are errors.
    max_km
        Largest distance in kilometres from ``street_center``.
    encoding
        Text encoding of a CSV/TXT file (detected when omitted).
    sheet
        XLSX sheet name or 0-based number, also as a string of digits (the first
        sheet when omitted).
    lon_col, lat_col
        Coordinate headers of a CSV/XLSX file, when they are not one of the
        usual pairs (经度/纬度, lon/lat, lng/lat, longitude/latitude, x/y).
    max_bytes
        Refuse files larger than this many bytes (default 200 MB).
    label
        The file's name in messages (default: the file name).
    columns
        Map the file's headers to the layer's columns: ``{"源列": "目标列"}`` or the
        text ``"源列=目标列,源列=目标列"``; targets are canonical names or aliases, or
        ``lon``/``lat``/``location``/``geometry``.
    code_prefix
        For an Aliyun DataV boundary file imported as communities (``adcode``, no
        12-digit code): the 9-digit street code; communities are numbered 001, 002,
        ... in file order after it.
    limits
        Caps on rows, features, coordinates and in-memory parse size (see
        :mod:`gridmap.io.limits`); a file over a cap is reported, nothing read further.
    street_area
        The stored community polygons (WGS-84): with ``max_km``, points farther than
        that from the nearest of them are errors (points inside one never are).

    Returns
    -------
    frame : geopandas.GeoDataFrame or pandas.DataFrame
        Exactly the layer's columns in schema order (plus ``geometry`` in EPSG:4326
        for spatial layers; a plain DataFrame for ``workers``, ``assignments`` and
        ``maintenance``), index ``0..n-1``, one row per non-blank input row. ``int``
        columns are ``Int64``, ``bool`` ``boolean``, ``float`` ``float64``, ``date``
        cells :class:`datetime.date`, ``datetime`` cells naive
        :class:`datetime.datetime` (China time), others ``str``; empty cells are
        missing, or the column's default. Rows with errors are kept (their bad cells
        missing), so the frame is complete only when ``report.ok``.
    report : ImportReport
        Rows read, the source coordinate system and every problem by row.

    Raises
    ------
    gridmap.errors.InputError
        Only if the file does not exist or ``layer`` is unknown; bad content is
        reported, never raised.

    Examples
    --------
    >>> frame, report = read_layer_file("bins.csv", "bins", crs="gcj02")  # doctest: +SKIP
    >>> report.ok, report.rows, list(frame.columns)[:3]  # doctest: +SKIP
    (True, 12, ['code', 'name', 'bin_type'])
    """
    spec = layer_spec(layer)
    path = Path(path)
    if not path.is_file():
        raise InputError.keyed("io.file.not_found", file=str(path))
    report = ImportReport(file=label or path.name, layer=layer)
    suffix = path.suffix.lower()
    if suffix not in LAYER_FORMATS:
        report.add_key(
            "io.file.unsupported",
            suffix=suffix or Msg("io.file.none"),
            formats=tuple(LAYER_FORMATS),
        )
        return _typed_empty(spec), report
    declared = _declare_crs(report, crs)
    if declared is None:
        return _typed_empty(spec), report
    try:
        raw, problems = _load(
            path,
            spec,
            label=report.file,
            encoding=encoding,
            sheet=sheet,
            max_bytes=max_bytes,
            limits=limits,
        )
    except InputError as exc:
        _add_error(report, exc, row=exc.row)
        return _typed_empty(spec), report
    for row, message, severity in problems:
        if isinstance(message, Msg):
            report.add_key(message.key, row=row, severity=severity, params=message.params)
        else:
            report.add(message, row=row, severity=severity)
    try:
        column_map = parse_column_map(columns)
    except InputError as exc:
        _add_error(report, exc)
        return _typed_empty(spec), report
    for key, params in raw.notes:
        report.add_key(key, severity="info", params=params)
    if suffix in (".shp", ".zip") and raw.file_crs is None and report.crs_assumed:
        report.add_key("io.crs.assumed", severity="warning")
    frame = _validate(
        raw,
        spec,
        report,
        declared=declared,
        repair=repair,
        street_center=street_center,
        street_area=street_area,
        max_km=max_km,
        lon_col=lon_col,
        lat_col=lat_col,
        column_map=column_map,
        code_prefix=code_prefix,
    )
    return frame, report


def _add_error(report: ImportReport, exc: GridmapError, *, row: int | None = None) -> None:
    """Record ``exc`` in ``report``: by its message key when it has one (zh/en)."""
    report.add_error(exc, row=row)


def _declare_crs(report: ImportReport, crs: str | None) -> str | None:
    """Record the declared CRS name (default ``wgs84``) in ``report``; None if unknown.

    An unknown name is added to the report as an error.
    """
    report.crs_assumed = crs is None or not str(crs).strip()
    try:
        declared = crs_mod.normalize_crs_name("wgs84" if report.crs_assumed else crs)
    except GridmapError as exc:
        _add_error(report, exc)
        return None
    report.source_crs = declared
    return declared


def validate_layer_frame(
    frame: pd.DataFrame,
    layer: str,
    *,
    crs: str | None = "wgs84",
    repair: bool = False,
    street_center: tuple[float, float] | None = None,
    max_km: float | None = None,
    street_area: np.ndarray | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    file: str = "<table>",
) -> tuple[pd.DataFrame, ImportReport]:
    """Validate an in-memory table (e.g. edited in the app) like :func:`read_layer_file`.

    Parameters
    ----------
    frame
        Raw rows: a DataFrame with coordinate or WKT columns, or a GeoDataFrame
        whose geometries are in ``crs`` (its own CRS label, if any, wins over a
        default ``wgs84`` as for files).
    layer
        A layer name from :data:`gridmap.model.LAYERS`.
    crs, repair, street_center, max_km, lon_col, lat_col
        As for :func:`read_layer_file`.
    file
        The name used for the table in messages; rows are numbered from 1.

    Returns
    -------
    tuple
        The canonical frame and the :class:`~gridmap.errors.ImportReport`.

    Raises
    ------
    gridmap.errors.InputError
        If ``layer`` is unknown.
    """
    spec = layer_spec(layer)
    report = ImportReport(file=file, layer=layer)
    declared = _declare_crs(report, crs)
    if declared is None:
        return _typed_empty(spec), report
    geoms = None
    file_crs = None
    attrs = pd.DataFrame(frame).copy()
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        geoms = np.asarray(frame.geometry.array, dtype=object)
        attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        if frame.crs is not None:
            file_crs = frame.crs.to_string()
    attrs = attrs.astype(object).where(attrs.notna(), None).reset_index(drop=True)
    raw = _Raw(attrs, geoms, np.arange(1, len(attrs) + 1), file_crs, None, table=geoms is None)
    out = _validate(
        raw,
        spec,
        report,
        declared=declared,
        repair=repair,
        street_center=street_center,
        street_area=street_area,
        max_km=max_km,
        lon_col=lon_col,
        lat_col=lat_col,
    )
    return out, report
