"""Write layers to GeoJSON, GeoPackage, CSV and XLSX, and convert files between GCJ-02/BD-09/WGS-84.

GeoJSON follows RFC 7946: UTF-8 without escapes (Chinese stays readable), no
``crs`` member, exterior rings counter-clockwise. CSV is written as UTF-8 with a
byte-order mark so Excel on Chinese Windows shows the Chinese correctly; point
layers get ``经度``/``纬度`` columns, other geometries a WKT ``geometry`` column.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import crs as crs_mod
from gridmap.errors import GridmapError, InputError
from gridmap.i18n import format_time
from gridmap.io.atomic import replacing
from gridmap.io.tabular import TABLE_FORMATS, find_coordinate_columns, read_table
from gridmap.io.vector import MAX_BYTES, error_from_problem, load_vector
from gridmap.messages import Msg

__all__ = [
    "FORMULA_STARTS",
    "WRITE_FORMATS",
    "convert_file",
    "csv_text",
    "write_gpkg_layer",
    "write_layer_file",
    "xlsx_plain_text",
]

#: File extensions :func:`write_layer_file` writes.
WRITE_FORMATS = (".geojson", ".json", ".gpkg", ".kml", ".shp", ".csv", ".xlsx")

#: Decimal places of converted coordinates in tables (1e-8 degrees is about 1 mm).
COORDINATE_DECIMALS = 8

_LONLAT = ("wgs84", "cgcs2000", "gcj02", "bd09")


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def _geometries(frame: pd.DataFrame) -> np.ndarray | None:
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        return np.asarray(frame.geometry.array, dtype=object)
    return None


def _attributes(frame: pd.DataFrame) -> pd.DataFrame:
    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name in frame.columns:
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return pd.DataFrame(frame)


def _write_geojson(frame: pd.DataFrame, path: Path) -> None:
    geoms = _geometries(frame)
    attrs = _attributes(frame)
    names = [str(c) for c in attrs.columns]
    if geoms is None:
        geo_text = ["null"] * len(attrs)
    else:
        oriented = shapely.orient_polygons(geoms, exterior_cw=False)
        geo_text = [("null" if g is None else shapely.to_geojson(g)) for g in oriented]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for i, row in enumerate(attrs.itertuples(index=False, name=None)):
            props = {n: _json_value(v) for n, v in zip(names, row, strict=True)}
            text = json.dumps(props, ensure_ascii=False, allow_nan=False)
            sep = ",\n" if i else ""
            out.write(
                f'{sep}{{"type": "Feature", "properties": {text}, "geometry": {geo_text[i]}}}'
            )
        out.write("\n]}\n")


#: First characters that make a spreadsheet treat a cell's text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s.,()]*")


def csv_text(value: Any) -> Any:
    """Return a CSV cell that no spreadsheet runs as a formula (CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
    a leading apostrophe, as OWASP recommends, unless it is only a signed number
    or phone number (``-12``, ``+86 138 1234 5678``). Other values are returned
    unchanged.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NUMBER_LIKE.fullmatch(value)
    ):
        return "'" + value
    return value


def xlsx_plain_text(workbook: Any) -> None:
    """Store every formula cell of an openpyxl workbook as plain text.

    openpyxl (and pandas through it) writes any text starting with ``=`` as a
    formula; exports hold data, never formulas, so such text (a name such as
    ``=HYPERLINK(...)``) is kept verbatim as a text cell instead.
    """
    for sheet in workbook.worksheets:
        for cell in sheet._cells.values():  # every cell written, without creating new ones
            if cell.data_type == "f":
                cell.data_type = "s"


def _table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the attribute table with 经度/纬度 (points) or WKT ``geometry`` columns.

    Times become the street's local time as ``2026-12-05 14:30`` (what a person reads
    and what the importers read back as Beijing time); missing values stay empty.
    """
    geoms = _geometries(frame)
    out = _attributes(frame).copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]) or (
            out[name].dtype == object and out[name].map(lambda v: isinstance(v, dt.datetime)).any()
        ):
            out[name] = [format_time(v) or None for v in out[name]]
    if geoms is None:
        return out
    kinds = shapely.get_type_id(geoms)
    if np.all((kinds == 0) | (kinds == -1)):
        present = kinds == 0
        x = np.full(len(geoms), np.nan)
        y = np.full(len(geoms), np.nan)
        if present.any():
            x[present] = shapely.get_x(geoms[present])
            y[present] = shapely.get_y(geoms[present])
        out["经度"] = x
        out["纬度"] = y
    else:
        out["geometry"] = [
            None if g is None else shapely.to_wkt(g, rounding_precision=-1) for g in geoms
        ]
    return out


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = out[name].map(
                lambda v: v if not isinstance(v, dict | list) else json.dumps(v, ensure_ascii=False)
            )
    return out


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as XLSX, text starting with ``=`` kept as text (never a formula)."""
    import io

    buffer = io.BytesIO()  # built in memory: a failed write leaves no open zip file behind
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False)
        xlsx_plain_text(writer.book)
    path.write_bytes(buffer.getvalue())


def _ogr_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as OGR formats hold them: dates as date-times, lists and dicts as JSON text."""
    out = frame.copy()
    for name in out.columns:
        if name == getattr(out, "_geometry_column_name", None) or out[name].dtype != object:
            continue
        present = out[name].dropna()
        if len(present) and present.map(lambda v: isinstance(v, dt.date)).all():
            out[name] = pd.to_datetime(out[name])
        elif len(present):
            out[name] = out[name].map(
                lambda v: (
                    None
                    if v is None
                    else (
                        json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v)
                    )
                )
            )
    if isinstance(out, gpd.GeoDataFrame) and out.crs is None:
        out = out.set_crs("EPSG:4326")
    return out


def write_gpkg_layer(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    layer: str,
    append: bool = False,
    description: str | None = None,
) -> None:
    """Write one layer of a GeoPackage (geometries in EPSG:4326, the CRS set if missing).

    Dates become date-times, lists and dicts JSON text and other Python objects text:
    what GeoPackage columns hold.

    Parameters
    ----------
    frame
        The rows: a GeoDataFrame in WGS-84 longitude/latitude, or a plain table.
    path
        The ``.gpkg`` file.
    layer
        The layer's name.
    append
        Add the layer to an existing file; otherwise the file is replaced.
    description
        The layer's ``DESCRIPTION`` metadata.
    """
    import pyogrio

    path = Path(path)
    out = _ogr_ready(frame)
    if path.exists() and not append:
        path.unlink()
    metadata = {"DESCRIPTION": description} if description else None
    pyogrio.write_dataframe(
        out, path, layer=layer, driver="GPKG", append=path.exists(), layer_metadata=metadata
    )


#: shapely type ids by the one kind of geometry a shapefile may hold
_SHAPE_KINDS = {0: "point", 4: "point", 1: "line", 2: "line", 5: "line", 3: "polygon", 6: "polygon"}


def _write_single_layer(frame: pd.DataFrame, path: Path, *, driver: str) -> None:
    """Write a KML or a Shapefile (one layer, geometries required)."""
    import pyogrio

    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError.keyed("io.write.needs_geometry", file=path.name, driver=driver)
    out = _ogr_ready(frame)
    path.unlink(missing_ok=True)
    if driver == "ESRI Shapefile":
        ids = shapely.get_type_id(out.geometry.dropna().to_numpy())
        if len({_SHAPE_KINDS.get(int(i), "other") for i in ids}) > 1:
            raise InputError.keyed("io.write.shp_mixed", file=path.name)
        for side in (".shx", ".dbf", ".prj", ".cpg"):
            path.with_suffix(side).unlink(missing_ok=True)
        pyogrio.write_dataframe(out, path, driver=driver, encoding="UTF-8")
        return
    pyogrio.write_dataframe(out, path, driver=driver)


def write_layer_file(
    frame: pd.DataFrame, path: str | Path, *, layer_name: str | None = None
) -> int:
    """Write a layer (GeoDataFrame in EPSG:4326, or a plain table) by the file's extension.

    Parameters
    ----------
    frame
        The rows to write; geometries in WGS-84 longitude/latitude.
    path
        ``.geojson``/``.json`` (RFC 7946), ``.gpkg`` (layer named ``layer_name`` or
        the file stem; the file is replaced), ``.kml``, ``.shp`` (UTF-8 with a
        ``.cpg``; one geometry kind only), ``.csv`` (UTF-8 with BOM; points as
        ``经度``/``纬度``, other geometries as WKT) or ``.xlsx`` (same columns).
    layer_name
        GeoPackage layer name (default: the file stem).

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    gridmap.errors.InputError
        If the extension is not supported or the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".geojson", ".json", ".kml", ".csv", ".xlsx"):
            with replacing(path) as tmp:  # one file: written whole or not at all
                if suffix == ".kml":
                    _write_single_layer(frame, tmp, driver="KML")
                elif suffix == ".csv":
                    _table_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig")
                elif suffix == ".xlsx":
                    _write_xlsx(_excel_ready(_table_frame(frame)), tmp)
                else:
                    _write_geojson(frame, tmp)
        elif suffix == ".gpkg":
            write_gpkg_layer(frame, path, layer=layer_name or path.stem)
        elif suffix == ".shp":
            _write_single_layer(frame, path, driver="ESRI Shapefile")
        else:
            raise InputError.keyed(
                "io.convert.cannot_write",
                file=path.name,
                suffix=suffix or Msg("io.file.no_extension"),
                formats=tuple(WRITE_FORMATS),
            )
    except (OSError, ValueError, TypeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError.keyed(
            "io.write.failed", file=path.name, detail=f"{exc.__class__.__name__}: {exc}"
        ) from None
    return len(frame)


def _lonlat_system(name: str, *, what: str) -> str:
    system = crs_mod.normalize_crs_name(name)
    if system not in _LONLAT:
        raise InputError.keyed("io.convert.lonlat_only", what=what, system=system)
    return system


def _format(value: float) -> str:
    return f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")


def _convert_table(src: Path, dst: Path, *, from_crs: str, to_crs: str) -> int:
    table = read_table(src)
    headers = [str(h) for h in table.columns]
    pair = find_coordinate_columns(headers)
    if pair is None:
        raise InputError.keyed("io.convert.no_coordinates", file=src.name, headers=tuple(headers))
    lon, lat = pair
    x = pd.to_numeric(
        table[lon].map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce"
    ).to_numpy(dtype=float)
    y = pd.to_numeric(
        table[lat].map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce"
    ).to_numpy(dtype=float)
    blank = table[lon].isna().to_numpy() & table[lat].isna().to_numpy()
    broken = ~blank & ~(np.isfinite(x) & np.isfinite(y))
    if broken.any():
        i = int(np.flatnonzero(broken)[0])
        raise InputError.keyed(
            "io.convert.not_numbers",
            file=src.name,
            row=i + 1,
            x=table[lon].iloc[i],
            y=table[lat].iloc[i],
        )
    ok = ~blank
    tx, ty = x.copy(), y.copy()
    if ok.any():
        tx[ok], ty[ok] = crs_mod.transform(x[ok], y[ok], src=from_crs, dst=to_crs)
    if dst.suffix.lower() in TABLE_FORMATS:
        out = table.copy()
        if dst.suffix.lower() == ".xlsx":
            out[lon] = np.where(ok, tx, np.nan)
            out[lat] = np.where(ok, ty, np.nan)
        else:
            out[lon] = [_format(v) if k else None for v, k in zip(tx, ok, strict=True)]
            out[lat] = [_format(v) if k else None for v, k in zip(ty, ok, strict=True)]
        write_table = out.to_excel if dst.suffix.lower() == ".xlsx" else None
        try:
            if write_table is not None:
                write_table(dst, index=False)
            else:
                out.to_csv(dst, index=False, encoding="utf-8-sig")
        except (OSError, ValueError) as exc:
            raise InputError.keyed("io.write.failed", file=dst.name, detail=str(exc)) from None
        return len(out)
    geoms = np.full(len(table), None, dtype=object)
    if ok.any():
        geoms[ok] = shapely.points(tx[ok], ty[ok])
    frame = gpd.GeoDataFrame(
        table.drop(columns=[lon, lat]),
        geometry=gpd.GeoSeries(geoms, index=table.index),
        crs="EPSG:4326",
    )
    return write_layer_file(frame, dst)


def convert_file(
    src: str | Path, dst: str | Path, *, from_crs: str, to_crs: str, max_bytes: int = MAX_BYTES
) -> int:
    """Convert a file's coordinates between WGS-84, GCJ-02 and BD-09 and write it.

    Parameters
    ----------
    src
        A vector file (GeoJSON, Shapefile/zip, GeoPackage, KML) or a CSV/TXT/XLSX
        table with coordinate columns (经度/纬度, lon/lat, ...).
    dst
        The output file; its extension chooses the format (see
        :func:`write_layer_file`). A table converted to a table keeps every
        column and only replaces the coordinate values.
    from_crs, to_crs
        ``wgs84`` (or ``cgcs2000``), ``gcj02`` or ``bd09``.
    max_bytes
        Refuse input files larger than this.

    Returns
    -------
    int
        Rows (features) written.

    Raises
    ------
    gridmap.errors.InputError
        If a system is unknown or not lon/lat, the input is missing or malformed
        (naming the file and row), or the output cannot be written.
    """
    src, dst = Path(src), Path(dst)
    if dst.suffix.lower() not in WRITE_FORMATS:  # say so before reading anything
        raise InputError.keyed(
            "io.convert.cannot_write",
            file=dst.name,
            suffix=dst.suffix or Msg("io.file.no_extension"),
            formats=tuple(WRITE_FORMATS),
        )
    source = _lonlat_system(from_crs, what="source")
    target = _lonlat_system(to_crs, what="target")
    if not src.is_file():
        raise InputError.keyed("io.file.not_found", file=str(src))
    if src.suffix.lower() in TABLE_FORMATS:
        return _convert_table(src, dst, from_crs=source, to_crs=target)
    data = load_vector(src, max_bytes=max_bytes)
    for row, message, severity in data.problems:
        if severity == "error":
            raise error_from_problem(message, file=src.name, row=row)
    if data.crs is not None:
        try:
            declared = crs_mod.normalize_crs_name(data.crs)
        except GridmapError:
            declared = None
        if declared not in _LONLAT:
            raise InputError.keyed(
                "io.convert.not_lonlat",
                file=src.name,
                system=declared or Msg("io.convert.unknown_system"),
            )
    geoms = data.geometry.copy()
    present = ~shapely.is_missing(geoms)
    if present.any():
        geoms[present] = crs_mod.transform_geometries(geoms[present], src=source, dst=target)
    attrs = data.frame.reindex(range(len(geoms))).copy()
    if "geometry" in attrs.columns:
        attrs = attrs.rename(columns={"geometry": "geometry_attr"})
    frame = gpd.GeoDataFrame(
        attrs, geometry=gpd.GeoSeries(geoms, index=attrs.index), crs="EPSG:4326"
    )
    return write_layer_file(frame, dst)
