"""Data exports for GIS tools: a GeoPackage with every layer, and GeoJSON per layer.

Every layer of :data:`gridmap.model.LAYERS` is written with its canonical
(English) column names and its values as stored (Chinese text stays UTF-8), so
QGIS shows names and attributes readably. Grids get ``community_name`` and
``area_m2`` (metric CRS). Coordinates are WGS-84 longitude/latitude
(EPSG:4326), or GCJ-02 on request for Amap/Tencent-based tools (then still
labelled EPSG:4326, as those tools expect, with a note in the layer metadata).
Phone numbers of workers are masked unless the user has ``see_phones``; a user
scoped to communities gets only what lies in them.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import auth
from gridmap.crs import normalize_crs_name, transform_geometries
from gridmap.errors import InputError, NotFound
from gridmap.export._common import (
    ExportResult,
    Output,
    Scope,
    finish_export,
    record_export,
    write_output,
)
from gridmap.io.writers import write_gpkg_layer
from gridmap.locate import locate_points
from gridmap.model import LAYERS, POINT_KINDS
from gridmap.snapshot import mask_phone

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = ["EXPORT_CRS", "export_geojson", "export_gpkg", "layer_frames"]

#: Coordinate systems the data can be exported in.
EXPORT_CRS = ("wgs84", "gcj02")
#: Columns of the store that are not data (left out).
_INTERNAL = ("version", "source_crs")
_REFERENCE_LAYERS = (
    "roads", "schools", "internet_cafes", "buildings", "service_centres", "hoardings",
)  # fmt: skip


def _check_crs(crs: str) -> str:
    name = normalize_crs_name(crs) if crs else "wgs84"
    if name == "cgcs2000":
        name = "wgs84"
    if name not in EXPORT_CRS:
        raise InputError.keyed("exports.crs", crs_names=list(EXPORT_CRS), crs=crs)
    return name


def _intersecting(frame: gpd.GeoDataFrame, areas: np.ndarray) -> np.ndarray:
    if len(frame) == 0 or len(areas) == 0:
        return np.zeros(len(frame), dtype=bool)
    tree = shapely.STRtree(np.asarray(frame.geometry.array, dtype=object))
    mask = np.zeros(len(frame), dtype=bool)
    mask[np.unique(tree.query(areas, predicate="intersects")[1])] = True
    return mask


def layer_frames(
    store: Store, *, user: User, community: str | None = None
) -> dict[str, pd.DataFrame]:
    """Read every layer the user may export, restricted to a community or the user's scope.

    Parameters
    ----------
    store
        The store.
    user
        Who exports (``export`` right); phones are masked unless ``see_phones``.
    community
        Only this community (code) and what lies in it.

    Returns
    -------
    dict
        Layer name -> frame in EPSG:4326 (plain DataFrames for workers,
        assignments and maintenance), internal columns removed.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not export (in that community).
    gridmap.errors.NotFound
        If the community does not exist.
    """
    auth.require(user, "export", community=community)
    frames = {name: store.read_layer(name) for name in LAYERS}
    communities = frames["communities"]
    wanted: set[str] | None = None
    if community is not None:
        if community not in set(communities["code"]):
            raise NotFound.keyed("exports.no_community", code=community)
        wanted = {community}
    if user.scope is not None:
        wanted = set(user.scope) if wanted is None else wanted & set(user.scope)
    grids = frames["grids"]
    if len(grids):
        from gridmap.crs import metric_crs, to_metric

        grids["area_m2"] = np.round(
            to_metric(grids.geometry, crs=metric_crs(grids)).area.to_numpy(), 1
        )
    names = dict(zip(communities["code"], communities["name"], strict=True))
    grids.insert(3, "community_name", [names.get(c, c) for c in grids["community"]])
    if wanted is not None:
        frames["communities"] = communities[communities["code"].isin(wanted)]
        grids = grids[grids["community"].isin(wanted)]
        codes = set(grids["code"])
        assignments = frames["assignments"]
        frames["assignments"] = assignments[assignments["grid"].isin(codes)]
        workers = frames["workers"]
        frames["workers"] = workers[workers["code"].isin(set(frames["assignments"]["worker"]))]
        for layer in (*POINT_KINDS, "issues"):
            points = frames[layer]
            where = (
                locate_points(points, grids, column="code")
                if len(grids) and len(points)
                else pd.Series([None] * len(points), index=points.index, dtype=object)
            )
            frames[layer] = points[where.notna().to_numpy()]
        point_codes = set()
        for layer in POINT_KINDS:
            point_codes |= set(frames[layer]["code"])
        maintenance = frames["maintenance"]
        frames["maintenance"] = maintenance[maintenance["point"].isin(point_codes)]
        for layer in ("compounds", "entrances"):
            frame = frames[layer]
            frames[layer] = frame[
                frame["community"].isin(wanted).to_numpy()
                | _intersecting(frame, frames["communities"].geometry.to_numpy())
            ]
        for layer in _REFERENCE_LAYERS:
            frame = frames[layer]
            frames[layer] = frame[_intersecting(frame, frames["communities"].geometry.to_numpy())]
    frames["grids"] = grids
    if not auth.can(user, "see_phones"):
        workers = frames["workers"].copy()
        workers["phone"] = [mask_phone(p) for p in workers["phone"]]
        frames["workers"] = workers
    return {
        name: frame.drop(columns=[c for c in _INTERNAL if c in frame.columns])
        for name, frame in frames.items()
    }


def _layer_facts(system: str, frames: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Audit facts of a data export: coordinate system and number of layers."""
    return {"crs": system, "layers": len(frames)}


def _shifted(frame: pd.DataFrame, crs: str) -> pd.DataFrame:
    if crs == "wgs84" or not isinstance(frame, gpd.GeoDataFrame) or not len(frame):
        return frame
    return transform_geometries(frame, src="wgs84", dst=crs)


def export_gpkg(
    store: Store, out: Output, *, user: User, community: str | None = None, crs: str = "wgs84"
) -> ExportResult:
    """Write every layer into one GeoPackage and audit the export.

    Parameters
    ----------
    store
        The store.
    out
        A ``.gpkg`` path (replaced if it exists) or a writable binary file.
    user
        Who exports (``export`` right).
    community
        Only this community and what lies in it (default: the user's scope).
    crs
        ``wgs84`` (default) or ``gcj02``.

    Returns
    -------
    ExportResult
        ``rows`` is the number of features and table rows written.

    Raises
    ------
    gridmap.errors.InputError
        For another CRS or an unwritable file.
    gridmap.errors.PermissionDenied
        If the user may not export.
    """
    system = _check_crs(crs)
    frames = layer_frames(store, user=user, community=community)
    folder = Path(tempfile.mkdtemp(prefix="gridmap-gpkg-"))
    try:
        path = folder / "gridmap.gpkg"
        total = 0
        note = (
            "coordinates: GCJ-02 (Amap/Tencent), labelled EPSG:4326"
            if system == "gcj02"
            else "coordinates: WGS-84 (EPSG:4326)"
        )
        for name, frame in frames.items():
            write_gpkg_layer(
                _shifted(frame, system),
                path,
                layer=name,
                append=True,
                description=f"gridmap {name}; {note}",
            )
            total += len(frame)
        payload = path.read_bytes()
    except OSError as err:
        raise InputError.keyed("exports.gpkg", reason=err.strerror or err) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return finish_export(
        store,
        user,
        "gpkg",
        Scope(community),
        out,
        payload,
        fmt="gpkg",
        rows=total,
        extra=_layer_facts(system, frames),
    )


def export_geojson(
    store: Store, out: Output, *, user: User, community: str | None = None, crs: str = "wgs84"
) -> ExportResult:
    """Write one GeoJSON file per layer (RFC 7946, UTF-8) and audit the export.

    Parameters
    ----------
    store
        The store.
    out
        A folder (created; files ``<layer>.geojson``), a ``.zip`` path, or a writable
        binary file (a zip is written to it).
    user
        Who exports (``export`` right).
    community
        Only this community and what lies in it (default: the user's scope).
    crs
        ``wgs84`` (default) or ``gcj02``.

    Returns
    -------
    ExportResult
        ``rows`` is the number of features written.

    Raises
    ------
    gridmap.errors.InputError
        For another CRS or an unwritable file.
    gridmap.errors.PermissionDenied
        If the user may not export.
    """
    from gridmap.io import write_layer_file

    system = _check_crs(crs)
    frames = layer_frames(store, user=user, community=community)
    as_zip = not isinstance(out, str | os.PathLike) or str(out).lower().endswith(".zip")
    folder = Path(tempfile.mkdtemp(prefix="gridmap-geojson-")) if as_zip else Path(out)
    written: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for name, frame in frames.items():
            total += write_layer_file(_shifted(frame, system), folder / f"{name}.geojson")
        if as_zip:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
                for name in frames:
                    archive.write(folder / f"{name}.geojson", f"{name}.geojson")
            written = write_output(out, buf.getvalue())
        else:
            written = folder
    except OSError as err:
        raise InputError.keyed("exports.geojson", reason=err.strerror or err) from None
    finally:
        if as_zip:
            shutil.rmtree(folder, ignore_errors=True)
    return record_export(
        store,
        user,
        "geojson",
        Scope(community),
        fmt="geojson",
        rows=total,
        path=written,
        extra=_layer_facts(system, frames),
    )
