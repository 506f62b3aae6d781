"""Import a file into a layer of the store: read, validate in context, write all or nothing.

:func:`gridmap.io.read_layer_file` checks a file on its own (format, columns,
values, geometries, coordinates). This module adds what needs the store: the
street's location (coordinates far from it are in the wrong system), the
grids (point records must fall inside one), existing codes, and grid codes
for new grids. Then it writes every row in one transaction, or nothing.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import config, i18n
from gridmap.auth import SYSTEM, User, require
from gridmap.errors import ImportReport, InputError, PermissionDenied
from gridmap.grids.scope import communities_of_points, grid_placement_problems
from gridmap.io import read_layer_file
from gridmap.locate import polygon_index_of_points
from gridmap.model import layer_spec

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "POINT_RECORD_LAYERS",
    "discard_upload",
    "import_file",
    "problems_table",
    "safe_file_name",
    "stage_upload",
    "street_area",
    "street_center",
]

#: Layers whose every feature must fall inside a grid.
POINT_RECORD_LAYERS = ("boards", "fitness", "bins", "issues")


def street_center(store: Store) -> tuple[float, float] | None:
    """Return the (lon, lat) centre of the stored communities, or ``None`` if there are none."""
    communities = store.read_layer("communities")
    if communities.empty:
        return None
    minx, miny, maxx, maxy = communities.total_bounds
    return (float(minx + maxx) / 2, float(miny + maxy) / 2)


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    """Return the row number a person sees for each frame row (Excel row, feature number)."""
    rows = frame.attrs.get("rows")
    if rows is not None and len(rows) == len(frame):
        return [int(r) for r in rows]
    return list(range(1, len(frame) + 1))


def _check_inside_grids(
    frame: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, report: ImportReport
) -> None:
    """Report every point that lies in no grid."""
    if grids.empty or frame.empty:
        return
    idx = polygon_index_of_points(frame.geometry.to_numpy(), grids.geometry.to_numpy())
    rows = _row_numbers(frame)
    for i in np.flatnonzero(idx < 0):
        pt = frame.geometry.iloc[i]
        if isinstance(pt, shapely.Point):
            report.add_key("io.point.outside_grids_at", row=rows[i], x=pt.x, y=pt.y)
        else:
            report.add_key("io.point.outside_grids", row=rows[i])


def _assign_missing_grid_codes(
    frame: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, report: ImportReport
) -> gpd.GeoDataFrame:
    from gridmap.grids.codes import assign_grid_codes

    if not frame["code"].isna().any():
        return frame
    existing = grids[["code", "community", "geometry"]]
    both = pd.concat([existing.assign(_new=False), frame.assign(_new=True)], ignore_index=True)
    try:
        coded = assign_grid_codes(both)
    except InputError as exc:
        report.add_error(exc)
        return frame
    out = frame.copy()
    out["code"] = coded.loc[coded["_new"], "code"].to_numpy()
    n = int(frame["code"].isna().sum())
    report.add_key("io.grid.codes_generated", severity="info", n=n)
    return out


#: Layers whose rows carry their community directly (column ``community`` or, for
#: communities, ``code``); other spatial layers are placed by the grid they fall in.
_COMMUNITY_COLUMN = {"communities": "code", "grids": "community", "compounds": "community"}
#: Layers that belong to the whole street: only users scoped to the whole street import them.
_STREET_LAYERS = ("roads", "schools", "internet_cafes", "workers", "maintenance")


def _check_scope(
    frame: gpd.GeoDataFrame,
    layer: str,
    grids: gpd.GeoDataFrame,
    user: User,
    report: ImportReport,
    community_polygons: Callable[[], gpd.GeoDataFrame],
) -> None:
    """Report rows outside ``user``'s communities (nothing to do for whole-street users)."""
    if user.scope is None or frame.empty:
        return
    if layer in _STREET_LAYERS:
        report.add_key(
            "io.scope.street_layer", layer=layer, user=user.username, communities=tuple(user.scope)
        )
        return
    if layer in _COMMUNITY_COLUMN:
        communities = frame[_COMMUNITY_COLUMN[layer]]
    elif layer == "assignments":
        communities = frame["grid"].map(dict(zip(grids["code"], grids["community"], strict=True)))
    else:  # a point belongs to the community polygon it lies in (not to a grid's name)
        communities = communities_of_points(frame.geometry.to_numpy(), community_polygons())
    rows = _row_numbers(frame)
    for i, community in enumerate(communities):
        if community is not None and not user.in_scope(community):
            report.add_key(
                "io.scope.row_outside", row=rows[i], community=community, user=user.username
            )


def _check_grid_placement(
    frame: gpd.GeoDataFrame,
    communities: gpd.GeoDataFrame,
    grids: gpd.GeoDataFrame,
    report: ImportReport,
    *,
    replace: bool,
) -> None:
    """Report grids outside their community's polygon or over another community's grids.

    The community named in a row proves nothing: its geometry must lie there too
    (see :mod:`gridmap.grids.scope`), whoever imports.
    """
    if "community" not in frame or frame.empty:
        return
    tolerance = float(config.get("tiling_tolerance_m2"))
    replaced = list(grids["code"]) if replace else ()
    rows = _row_numbers(frame)
    for p in grid_placement_problems(
        frame, communities, grids, tolerance_m2=tolerance, replaced=replaced
    ):
        grid = p.grid or f"#{rows[p.row]}"
        area = f"{p.area_m2:.1f}"
        key = "io.scope.grid_outside" if p.kind == "outside" else "io.scope.grid_overlap"
        report.add_key(key, row=rows[p.row], column="geometry", grid=grid,
                       community=p.community, other=p.other, area=area)  # fmt: skip


def street_area(store: Store) -> np.ndarray | None:
    """Return the stored community polygons (WGS-84), or ``None`` if there are none."""
    communities = store.read_layer("communities")
    if communities.empty:
        return None
    geoms = np.asarray(communities.geometry.array, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return geoms[keep] if keep.any() else None


def _check_gcj02_fit(
    frame: gpd.GeoDataFrame, area: np.ndarray | None, report: ImportReport
) -> None:
    """Refuse undeclared coordinates that fit the stored communities better as GCJ-02.

    A GCJ-02 offset (a few hundred metres) is measurable against stored boundaries:
    count the points inside a community as read (WGS-84) and after converting them
    from GCJ-02; clearly more inside as GCJ-02 means the file is GCJ-02.
    """
    from gridmap import crs as crs_mod

    if area is None or frame.empty or not report.crs_assumed:
        return
    geoms = np.asarray(frame.geometry.array, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if ok.sum() < 3:
        return
    pts = shapely.point_on_surface(geoms[ok])
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    gx, gy = crs_mod.transform(x, y, src="gcj02", dst="wgs84")
    tree = shapely.STRtree(area)

    def inside(px: np.ndarray, py: np.ndarray) -> int:
        hits = tree.query(shapely.points(px, py), predicate="intersects")
        return len(np.unique(hits[0]))

    as_wgs, as_gcj = inside(x, y), inside(np.asarray(gx), np.asarray(gy))
    if as_gcj >= as_wgs + max(2, 0.1 * len(pts)):
        report.add_key("io.crs.gcj02_fit", inside_gcj=as_gcj, inside_wgs=as_wgs)


def _check_stored_grid_heads(frame: pd.DataFrame, store: Store, report: ImportReport) -> None:
    """Report a grid head that overlaps a stored grid head of the same grid."""
    import datetime as dt

    try:
        stored = store.read_layer("assignments")
    except Exception:
        return
    if stored.empty or frame.empty or "role" not in stored:
        return
    stored = stored[stored["role"] == "grid_head"]
    lo, hi = dt.date.min, dt.date.max

    def day(value: object, default: dt.date) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return pd.Timestamp(value).date() if not pd.isna(value) else default
        except (TypeError, ValueError):
            return default

    by_grid: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for rec in stored.to_dict("records"):
        by_grid.setdefault(str(rec.get("grid")), []).append(
            (day(rec.get("valid_from"), lo), day(rec.get("valid_to"), hi), str(rec.get("worker")))
        )
    workers = store.read_layer("workers")
    names = workers.groupby("name")["code"].agg(list).to_dict() if not workers.empty else {}
    rows = _row_numbers(frame)
    for i, rec in enumerate(frame.to_dict("records")):
        if rec.get("role") != "grid_head":
            continue
        who = str(rec.get("worker"))
        same = {who, *(names.get(who, []) if len(names.get(who, [])) == 1 else [])}
        a, b = day(rec.get("valid_from"), lo), day(rec.get("valid_to"), hi)
        for a0, b0, worker in by_grid.get(str(rec.get("grid")), []):
            if a <= b0 and a0 <= b and worker not in same:
                start, end = max(a, a0), min(b, b0)
                period = (
                    f"{start.isoformat() if start != lo else '…'} – "
                    f"{end.isoformat() if end != hi else '…'}"
                )
                report.add_key(
                    "io.assign.two_heads_stored",
                    row=rows[i],
                    grid=rec["grid"],
                    period=period,
                    w1=worker,
                    w2=rec.get("worker"),
                )
                break


def _read_capped(path: Path, layer: str, **options: object) -> tuple[pd.DataFrame, ImportReport]:
    """Read ``path`` under the import caps: in a child process when it is large."""
    from gridmap.io.bounded import run_bounded
    from gridmap.io.limits import Limits

    values = config.load_settings()
    options["limits"] = Limits.from_settings(values)
    threshold = float(values["child_import_mb"]) * 1024 * 1024
    if not path.is_file() or (path.stat().st_size <= threshold and threshold > 0):
        return read_layer_file(path, layer, **options)
    seconds = float(values["max_import_seconds"]) or None
    try:
        return run_bounded(
            read_layer_file,
            path,
            layer,
            seconds=seconds,
            memory_mb=float(values["max_import_memory_mb"]),
            file=path.name,
            **options,
        )
    except InputError as exc:
        if exc.key is None:
            raise
        report = ImportReport(file=path.name, layer=layer)
        report.add_error(exc)
        return pd.DataFrame(), report


def import_file(
    store: Store,
    layer: str,
    path: str | Path,
    *,
    user: User = SYSTEM,
    crs: str | None = None,
    dry_run: bool = False,
    repair: bool = False,
    replace: bool = False,
    allow_outside: bool = False,
    sheet: str | None = None,
    encoding: str | None = None,
    columns: str | dict[str, str] | None = None,
    code_prefix: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> ImportReport:
    """Import ``path`` into ``layer``: all rows or none.

    Files larger than the ``max_upload_mb`` setting are refused (reported, nothing
    written) before they are read, whoever calls: the app, the CLI or a script.
    So are files over the row, coordinate and parse-size caps (settings
    ``max_import_rows``, ``max_import_vertices``, ``max_parse_mb``; see
    :mod:`gridmap.io.limits`). Files larger than ``child_import_mb`` are read in a
    child process capped at ``max_import_seconds`` and ``max_import_memory_mb``
    (:mod:`gridmap.io.bounded`), so the calling process survives any file.

    Parameters
    ----------
    store
        The store to write to.
    layer
        A layer name from :data:`gridmap.model.LAYERS`.
    path
        The file to read (any format :mod:`gridmap.io` reads).
    user
        Who imports: needs the ``import`` right, and rows must lie in the user's
        communities; written to the audit log.
    crs
        The file's coordinate system: ``wgs84``, ``gcj02``, ``bd09`` or ``EPSG:n``;
        ``None`` (not declared) reads WGS-84 but refuses files that are recognisably
        GCJ-02 (Aliyun DataV, Amap exports, or a better fit with the stored
        communities once converted from GCJ-02) until the system is declared.
    dry_run
        Check only; write nothing.
    repair
        Repair invalid polygons (reported as warnings) instead of refusing them.
    replace
        Replace the layer's stored rows instead of adding to them (whole-street users only).
    allow_outside
        Import point records that lie outside every grid (reported as warnings).
    sheet, encoding
        Passed to the reader for XLSX sheets and CSV encodings.
    columns, code_prefix
        Passed to :func:`gridmap.io.read_layer_file`: a header mapping
        (``源列=目标列,...``) and the 9-digit street code for DataV community files.
    progress
        Called with (fraction done, stage) as the import goes: ``read``, ``check``, ``write``.

    Returns
    -------
    ImportReport
        Rows read, every problem with its row, and whether anything was written
        (``report.written``).

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not import, or a scoped user asks to replace a layer.
    """
    require(user, "import")
    if replace and user.scope is not None:
        raise PermissionDenied.keyed("import.no_replace_scoped", user=user.username)
    layer_spec(layer)  # unknown layer: InputError before reading anything
    step = progress or (lambda fraction, stage: None)
    path = Path(path)
    max_km = float(config.get("max_distance_from_street_km"))
    # the upload limit holds for every caller (CLI, app, scripts), not only the app's uploader
    max_bytes = int(float(config.get("max_upload_mb")) * 1024 * 1024)
    area = street_area(store)
    grids = functools.cache(lambda: store.read_layer("grids"))  # read once, only if needed
    communities = functools.cache(lambda: store.read_layer("communities"))
    step(0.0, "read")
    frame, report = _read_capped(
        path,
        layer,
        crs=crs,
        repair=repair,
        street_area=area,
        max_km=max_km if area is not None else None,
        sheet=sheet,
        encoding=encoding,
        max_bytes=max_bytes,
        columns=columns,
        code_prefix=code_prefix,
    )
    step(0.4, "check")
    if report.ok and isinstance(frame, gpd.GeoDataFrame):
        _check_gcj02_fit(frame, area, report)
    if report.ok and layer == "assignments" and not replace:
        _check_stored_grid_heads(frame, store, report)
    if report.ok and layer in POINT_RECORD_LAYERS:
        sub = ImportReport(report.file, layer)
        _check_inside_grids(frame, grids(), sub)
        for p in sub.problems:
            report.add_problem(p, severity="warning" if allow_outside else "error")
    if report.ok and layer == "grids" and isinstance(frame, gpd.GeoDataFrame):
        _check_grid_placement(frame, communities(), grids(), report, replace=replace)
    if report.ok and user.scope is not None:
        _check_scope(frame, layer, grids(), user, report, communities)
    if report.ok and layer == "grids" and "code" in frame:
        frame = _assign_missing_grid_codes(frame, grids(), report)
    if not report.ok or dry_run:
        step(1.0, "done")
        return report
    step(0.6, "write")
    try:
        report.written = store.write_layer(
            layer,
            frame,
            source_crs=report.source_crs or crs,
            username=user.username,
            file=str(path),
            replace=replace,
        )
    except InputError as exc:
        report.add_error(exc, row=exc.row)
    step(1.0, "done")
    return report


def import_demo(store: Store, *, user: User = SYSTEM) -> dict[str, int]:
    """Load the embedded demo street into an empty store.

    Returns
    -------
    dict
        Layer name -> rows written.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not import, or is scoped to communities (the demo is a whole street).
    gridmap.errors.InputError
        If the store already holds communities, or a demo file fails to import
        (a bug: the demo files are tested).
    """
    from gridmap import datasets

    require(user, "import")
    if user.scope is not None:
        raise PermissionDenied.keyed("import.no_street_scoped", user=user.username)
    if not store.is_empty():
        raise InputError.keyed("import.store_not_empty")
    manifest = datasets.demo_manifest()
    street = datasets.demo_street()
    store.insert("streets", street, username=user.username)
    written: dict[str, int] = {}
    for entry in manifest:
        report = import_file(store, entry.layer, entry.path, crs=entry.crs, user=user)
        report.raise_for_errors()
        written[entry.layer] = report.written
    return written


#: Longest file name :func:`safe_file_name` returns, in UTF-8 bytes (file systems allow 255).
MAX_NAME_BYTES = 120


def safe_file_name(name: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """Return an uploaded file's name fit to save: no folders, at most ``max_bytes`` bytes.

    The browser sends any name: a folder path, control characters, 300 characters
    (more than the 255 bytes a file system allows). The extension, which decides
    the reader, is kept; the stem is cut (on a character boundary) to fit.

    Examples
    --------
    >>> safe_file_name("../../etc/网格.csv")
    '网格.csv'
    >>> len(safe_file_name("格" * 300 + ".xlsx").encode("utf-8")) <= 120
    True
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().lstrip(".") or "upload"
    stem, dot, suffix = base.rpartition(".")
    if not dot or len(suffix.encode("utf-8")) > 16:
        stem, suffix = base, ""
    suffix = f".{suffix}" if suffix else ""
    room = max(1, max_bytes - len(suffix.encode("utf-8")))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").strip() or "upload"
    return stem + suffix


def stage_upload(name: str, data: bytes | memoryview) -> Path:
    """Save an uploaded file in a new temporary folder under a safe name; return its path.

    The folder's name starts with ``gridmap-upload-``; :func:`discard_upload` removes it.

    Raises
    ------
    OSError
        If the file cannot be written (the folder is removed first).
    """
    folder = Path(tempfile.mkdtemp(prefix="gridmap-upload-"))
    path = folder / safe_file_name(name)  # a 300-character name fits too
    try:
        path.write_bytes(data)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def discard_upload(path: str | Path) -> None:
    """Remove the temporary folder of a file :func:`stage_upload` saved (gone already is fine)."""
    shutil.rmtree(Path(path).parent, ignore_errors=True)


def problems_table(report: ImportReport, lang: str, *, limit: int | None = None) -> pd.DataFrame:
    """Return the first ``limit`` problems of a report as a table with headers in ``lang``.

    Columns: row (blank for the whole file), column, severity and the problem's text.
    """
    header = {
        name: i18n.t(f"import.{name}", lang) for name in ("row", "column", "severity", "problem")
    }
    return pd.DataFrame(
        [
            {
                header["row"]: "" if p.row is None else str(p.row),
                header["column"]: p.column or "",
                header["severity"]: i18n.t(f"import.{p.severity}", lang),
                header["problem"]: p.text(lang),
            }
            for p in report.problems[:limit]
        ]
    )
