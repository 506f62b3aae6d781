"""Read vector files: GeoJSON, Shapefile (also zipped), GeoPackage and KML.

The readers return features *raw*: attribute columns as found, geometries as
shapely objects in the file's own coordinates (Z kept), plus a list of
per-feature problems (a feature whose geometry cannot be built gets ``None`` and
a problem, instead of failing the file). Validation against a layer lives in
:mod:`gridmap.io.layers`.

Formats
-------
GeoJSON (``.geojson``, ``.json``)
    Parsed with :mod:`json` (so syntax errors carry line and column). A
    FeatureCollection, a bare Feature, a bare JSON array of Features or a bare
    geometry is accepted. Coordinates are lon/lat by RFC 7946; a legacy
    ``crs`` member naming an EPSG code is honoured.
Shapefile (``.shp`` or a ``.zip`` holding one)
    Read with pyogrio. The ``.cpg`` file names the ``.dbf`` encoding; without
    one, a GBK language-driver byte in the ``.dbf`` header means GBK, else
    UTF-8 is tried and GBK (GB 18030) is the fallback.
GeoPackage (``.gpkg``)
    Read with pyogrio; the layer named like the gridmap layer, else the first.
KML (``.kml``, or zipped as ``.kmz``)
    Decoded by its XML declaration (``GB2312``/``GBK`` as GB 18030), then parsed
    with :mod:`defusedxml` (no DTD entities, no external references):
    Placemarks with Point, LineString, Polygon (with holes) and MultiGeometry;
    attributes from ``<name>``, ``<description>``, ``<ExtendedData><Data>`` and
    ``<SimpleData>``. Altitudes that are all 0 are dropped.

Safety: files larger than ``max_bytes`` are refused before reading; zips with
absolute or ``..`` member paths, more than 1,000 members or more than 500 MB
uncompressed are refused. A :class:`~gridmap.io.limits.Limits` caps features,
coordinates and the size of files parsed whole in memory (GeoJSON, KML), checked
before the expensive step wherever the format allows.
"""

from __future__ import annotations

import codecs
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from gridmap.errors import InputError
from gridmap.io.limits import DEFAULT_LIMITS, Limits
from gridmap.messages import Msg

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "MAX_BYTES",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_MEMBERS",
    "VECTOR_FORMATS",
    "VectorData",
    "check_size",
    "check_zip",
    "error_from_problem",
    "load_vector",
    "read_vector",
]

#: Files larger than this (bytes) are refused before reading.
MAX_BYTES = 200 * 1024 * 1024
#: A zip may hold at most this many members ...
MAX_ZIP_MEMBERS = 1000
#: ... and at most this many bytes once uncompressed.
MAX_ZIP_BYTES = 500 * 1024 * 1024

#: File extensions read by :func:`read_vector`.
VECTOR_FORMATS = (".geojson", ".json", ".shp", ".zip", ".gpkg", ".kml", ".kmz")

_GEOJSON_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)
_MAX_COLLECTION_DEPTH = 8
_GBK_LDIDS = (0x4D, 0x7A)  # dBASE language-driver ids of code page 936


@dataclass
class VectorData:
    """Features as read from a vector file, before validation.

    Attributes
    ----------
    frame
        Attribute columns (object dtype), one row per feature in file order.
    geometry
        Object array of shapely geometries (``None`` where missing or unreadable),
        in the file's coordinates.
    crs
        The coordinate system the file declares (``"EPSG:n"`` or WKT), or ``None``.
    problems
        ``(row, message, severity)``: 1-based feature number or ``None`` for the file;
        the message is a :class:`~gridmap.messages.Msg` (English as ``str``, Chinese
        by its key) or plain text.
    feature_ids
        GeoJSON feature ``id`` members (``None`` where absent), or ``None``.
    """

    frame: pd.DataFrame
    geometry: np.ndarray
    crs: str | None = None
    problems: list[tuple[int | None, str | Msg, str]] = field(default_factory=list)
    feature_ids: list[object] | None = None


# ---------------------------------------------------------------- file safety


def check_size(
    path: Path, *, max_bytes: int = MAX_BYTES, file: str | None = None, extra: tuple[str, ...] = ()
) -> None:
    """Refuse ``path`` (plus sidecar files with suffixes ``extra``) if larger than ``max_bytes``.

    Raises
    ------
    gridmap.errors.InputError
        If the file is too large.
    """
    size = path.stat().st_size
    for suffix in extra:
        side = path.with_suffix(suffix)
        if side.is_file():
            size += side.stat().st_size
    if size > max_bytes:
        raise InputError.keyed(
            "io.file.too_large",
            file=file or path.name,
            size_mb=size / 1e6,
            limit_mb=max_bytes / 1e6,
        )


def _unsafe_member(name: str) -> bool:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return ".." in PurePosixPath(norm).parts


def check_zip(path: Path, *, file: str | None = None, check_names: bool = True) -> None:
    """Refuse a zip (or XLSX) with unsafe member paths, too many members or too many bytes.

    Parameters
    ----------
    path
        The zip file.
    file
        The name used in messages.
    check_names
        Also refuse members with absolute paths or ``..`` parts.

    Raises
    ------
    gridmap.errors.InputError
        If the zip is corrupt or unsafe.
    """
    file = file or path.name
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError.keyed("io.zip.bad", file=file, detail=str(exc)) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError.keyed("io.zip.too_many", file=file, n=len(members), limit=MAX_ZIP_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > MAX_ZIP_BYTES:
        raise InputError.keyed(
            "io.zip.too_big", file=file, mb=total / 1e6, limit_mb=MAX_ZIP_BYTES / 1e6
        )
    if check_names:
        for m in members:
            if _unsafe_member(m.filename):
                raise InputError.keyed("io.zip.unsafe_path", file=file, member=repr(m.filename))


def _extract_zip(path: Path, dest: Path, *, file: str) -> list[Path]:
    """Unpack a checked zip into ``dest``, counting real bytes; return the files written."""
    check_zip(path, file=file)
    written: list[Path] = []
    budget = MAX_ZIP_BYTES
    try:
        with zipfile.ZipFile(path) as zf:
            for m in zf.infolist():
                name = m.filename.replace("\\", "/")
                parts = PurePosixPath(name).parts
                if m.is_dir() or not parts or parts[0] == "__MACOSX" or parts[-1].startswith("._"):
                    continue
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, target.open("wb") as out:
                    while chunk := src.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise InputError.keyed(
                                "io.zip.too_big_stream",
                                file=file,
                                limit_mb=MAX_ZIP_BYTES / 1e6,
                            )
                        out.write(chunk)
                written.append(target)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError.keyed(
            "io.zip.cannot_unpack", file=file, detail=f"{exc.__class__.__name__}: {exc}"
        ) from None
    return written


# ---------------------------------------------------------------- GeoJSON


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError.keyed(
            "io.geom.not_number", value=json.dumps(value, ensure_ascii=False)[:30]
        )
    return float(value)


def _position(value: object) -> tuple[float, ...]:
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise InputError.keyed("io.geom.position")
    return tuple(_number(v) for v in value)


def _positions(value: object, *, what: str) -> list[tuple[float, ...]]:
    if not isinstance(value, list):
        raise InputError.keyed("io.geom.not_positions", what=what)
    positions = [_position(v) for v in value]
    if len({len(p) for p in positions}) > 1:
        raise InputError.keyed("io.geom.mixed_dims", what=what)
    return positions


def _polygon(value: object) -> shapely.Polygon:
    if not isinstance(value, list):
        raise InputError.keyed("io.geom.polygon_rings")
    rings = [_positions(r, what="ring") for r in value]
    if not rings:
        return shapely.Polygon()
    for ring in rings:
        if len(ring) < 4:
            raise InputError.keyed("io.geom.ring_short", n=len(ring))
    if len({len(p) for ring in rings for p in ring}) > 1:
        raise InputError.keyed("io.geom.mixed_dims", what="Polygon")
    return shapely.Polygon(rings[0], rings[1:])


def _line(value: object) -> shapely.LineString:
    positions = _positions(value, what="LineString")
    if len(positions) == 1:
        raise InputError.keyed("io.geom.line_short")
    return shapely.LineString(positions)


def geometry_from_geojson(obj: object, *, depth: int = 0) -> shapely.Geometry | None:
    """Build a shapely geometry from a GeoJSON geometry object, checking its structure.

    Parameters
    ----------
    obj
        The parsed ``geometry`` member.
    depth
        Nesting level of GeometryCollections (limited to 8).

    Returns
    -------
    shapely.Geometry or None
        ``None`` for a JSON ``null``.

    Raises
    ------
    ValueError
        With a user-facing message, if the object is not a valid GeoJSON geometry.
    """
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise InputError.keyed("io.geom.not_object")
    kind = obj.get("type")
    if kind not in _GEOJSON_TYPES:
        raise InputError.keyed(
            "io.geom.unknown_type", kind=json.dumps(kind, ensure_ascii=False)[:40]
        )
    if kind == "GeometryCollection":
        parts = obj.get("geometries")
        if not isinstance(parts, list):
            raise InputError.keyed("io.geom.collection_list")
        if depth >= _MAX_COLLECTION_DEPTH:
            raise InputError.keyed("io.geom.too_deep")
        geoms = [geometry_from_geojson(p, depth=depth + 1) for p in parts]
        return shapely.GeometryCollection([g for g in geoms if g is not None])
    if "coordinates" not in obj:
        raise InputError.keyed("io.geom.no_coordinates", kind=kind)
    coords = obj["coordinates"]
    if kind == "Point":
        if coords == []:
            return shapely.Point()
        return shapely.Point(_position(coords))
    if kind == "MultiPoint":
        return shapely.MultiPoint(_positions(coords, what="MultiPoint"))
    if kind == "LineString":
        return _line(coords)
    if not isinstance(coords, list):
        raise InputError.keyed("io.geom.coords_not_list", kind=kind)
    if kind == "MultiLineString":
        return shapely.MultiLineString([_line(c) for c in coords])
    if kind == "Polygon":
        return _polygon(coords)
    polygons = [_polygon(c) for c in coords]
    return shapely.MultiPolygon([p for p in polygons if not p.is_empty])


def _legacy_crs(obj: dict) -> str | None:
    crs = obj.get("crs")
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties")
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str):
        return None
    if re.search(r"CRS:?84$", name, re.IGNORECASE):
        return "EPSG:4326"
    match = re.search(r"EPSG:{1,2}(?:[\d.]*:)?(\d+)$", name, re.IGNORECASE)
    return f"EPSG:{match.group(1)}" if match else None


def _describe_json(obj: object) -> Msg:
    """Name the kind of a JSON value (a message, shown in the reader's language)."""
    if isinstance(obj, dict):
        kind = obj.get("type")
        if kind is None:
            return Msg("io.json.kind.object")
        return Msg("io.json.kind.object_type", kind=json.dumps(kind, ensure_ascii=False)[:40])
    kinds = {list: "array", str: "string", bool: "bool", type(None): "null"}
    return Msg(f"io.json.kind.{kinds.get(type(obj), 'number')}")


def _invalid_geometry(exc: Exception) -> Msg:
    """Return the problem of a feature whose geometry cannot be built (``exc``)."""
    if isinstance(exc, InputError) and exc.key:
        return Msg("io.geom.invalid", reason=Msg(exc.key, **exc.params))
    return Msg("io.geom.invalid", reason=str(exc))


def error_from_problem(message: str | Msg, *, file: str, row: int | None) -> InputError:
    """Return the :class:`InputError` for a reader problem (keyed when the problem is).

    Examples
    --------
    >>> err = error_from_problem(Msg("io.geojson.properties"), file="a.geojson", row=2)
    >>> str(err)
    "a.geojson, row 2: the feature's 'properties' is not a JSON object"
    >>> err.text("zh")
    'a.geojson，第 2 行：该要素的 properties 不是 JSON 对象'
    """
    if isinstance(message, Msg):
        return InputError.keyed(message.key, file=file, row=row, **message.params)
    return InputError(message, file=file, row=row)


def _read_geojson(path: Path, *, file: str, limits: Limits = DEFAULT_LIMITS) -> VectorData:
    limits.check_parse_size(path.stat().st_size, file=file, kind="GeoJSON")
    data = path.read_bytes()
    problems: list[tuple[int | None, str | Msg, str]] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError.keyed("io.geojson.not_utf8", file=file) from None
        problems.append((None, Msg("io.geojson.gbk"), "warning"))
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.keyed(
            "io.json.syntax", file=file, line=exc.lineno, col=exc.colno, detail=exc.msg
        ) from None
    except RecursionError:
        raise InputError.keyed("io.json.too_deep", file=file) from None
    except ValueError as exc:  # e.g. a number with more than 4,300 digits
        raise InputError.keyed("io.json.invalid", file=file, detail=str(exc)[:120]) from None
    crs = None
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise InputError.keyed("io.geojson.no_features", file=file)
        crs = _legacy_crs(obj)
    elif isinstance(obj, dict) and obj.get("type") == "Feature":
        features = [obj]
        crs = _legacy_crs(obj)
    elif isinstance(obj, dict) and obj.get("type") in _GEOJSON_TYPES:
        features = [{"type": "Feature", "geometry": obj, "properties": {}}]
    elif (
        isinstance(obj, list)
        and all(isinstance(f, dict) for f in obj)
        and (not obj or any(f.get("type") == "Feature" or "geometry" in f for f in obj))
    ):
        features = obj
    else:
        raise InputError.keyed("io.geojson.not_geojson", file=file, found=_describe_json(obj))
    limits.check_rows(len(features), file=file)

    records: list[dict] = []
    ids: list[object] = []
    geoms = np.empty(len(features), dtype=object)
    point_rows: list[int] = []
    point_xy: list[tuple[float, float]] = []
    for i, feat in enumerate(features):
        row = i + 1
        props: dict = {}
        ids.append(None)
        records.append(props)
        if not isinstance(feat, dict) or feat.get("type", "Feature") != "Feature":
            found = _describe_json(feat)
            problems.append((row, Msg("io.geojson.not_feature", found=found), "error"))
            continue
        raw_props = feat.get("properties")
        if isinstance(raw_props, dict):
            props.update(raw_props)
        elif raw_props is not None:
            problems.append((row, Msg("io.geojson.properties"), "error"))
        fid = feat.get("id")
        ids[-1] = fid if isinstance(fid, str | int | float) and not isinstance(fid, bool) else None
        g = feat.get("geometry")
        # fast path for plain 2-D points: one vectorised call below
        if (
            isinstance(g, dict)
            and g.get("type") == "Point"
            and isinstance(c := g.get("coordinates"), list)
            and len(c) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in c)
        ):
            try:
                point_xy.append((float(c[0]), float(c[1])))
            except OverflowError:
                problems.append((row, Msg("io.geom.too_large"), "error"))
                continue
            point_rows.append(i)
            continue
        try:
            geoms[i] = geometry_from_geojson(g)
        except (ValueError, TypeError, OverflowError, shapely.errors.GEOSException) as exc:
            problems.append((row, _invalid_geometry(exc), "error"))
    if point_rows:
        geoms[np.asarray(point_rows)] = shapely.points(np.asarray(point_xy, dtype=float))
    frame = pd.DataFrame(records, index=range(len(records)))  # from_records fails on [] (pandas 2)
    frame = frame.astype(object) if len(frame.columns) else frame
    return VectorData(frame, geoms, crs, problems, ids)


# ---------------------------------------------------------------- Shapefile / GeoPackage


def _codec(name: str) -> str | None:
    text = name.strip().strip("\x00").strip()
    if text.isdigit():
        text = "utf-8" if text == "65001" else f"cp{text}"
    upper = text.upper().replace("_", "-")
    if upper.startswith("ANSI "):
        text = "cp" + upper[5:]
    try:
        name = codecs.lookup(text).name
    except LookupError:
        return None
    # GB 18030 is a superset of GB 2312 and GBK; ArcGIS writes "GB2312" for GBK text
    return "gb18030" if name in ("gb2312", "gbk", "cp936") else name


def _shapefile_encoding(path: Path) -> tuple[str | None, Msg | None]:
    """Return (encoding, note) from the .cpg file or the .dbf language driver id."""
    for suffix in (".cpg", ".CPG"):
        cpg = path.with_suffix(suffix)
        if cpg.is_file():
            raw = cpg.read_bytes()[:100].decode("ascii", "replace")
            codec = _codec(raw)
            if codec:
                return codec, None
            return None, Msg("io.shp.unknown_cpg", name=repr(raw.strip()))
    for suffix in (".dbf", ".DBF"):
        dbf = path.with_suffix(suffix)
        if dbf.is_file():
            with dbf.open("rb") as f:
                head = f.read(32)
            if len(head) > 29 and head[29] in _GBK_LDIDS:
                return "gb18030", None
    return None, None


def _has_replacement(field_data: list, names: object) -> bool:
    for value in list(names):
        if isinstance(value, str) and "\ufffd" in value:
            return True
    for column in field_data:
        if column.dtype == object and any(isinstance(v, str) and "\ufffd" in v for v in column):
            return True
    return False


def _ogr_read(
    path: Path,
    *,
    layer: str | None,
    encoding: str | None,
    file: str,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple:
    import pyogrio.raw
    from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

    if limits.rows is not None:  # the feature count GDAL knows, before reading any
        try:
            count = int(pyogrio.read_info(path, layer=layer, encoding=encoding)["features"])
        except Exception:
            count = -1
        limits.check_rows(count, file=file)
    try:
        return pyogrio.raw.read(path, layer=layer, encoding=encoding)
    except UnicodeDecodeError:
        raise
    except (
        DataSourceError,
        DataLayerError,
        FieldError,
        GeometryError,
        OSError,
        ValueError,
        RuntimeError,
    ) as exc:
        text = str(exc).split("\n")[0][:300]
        raise InputError.keyed("io.file.unreadable", file=file, detail=text) from None


def _frame_from_ogr(
    result: tuple, *, file: str
) -> tuple[pd.DataFrame, np.ndarray, str | None, list[tuple[int | None, str | Msg, str]]]:
    meta, _fids, wkb, field_data = result
    names = [str(n) for n in meta["fields"]]
    frame = pd.DataFrame(
        {n: pd.Series(col, dtype=object) for n, col in zip(names, field_data, strict=True)},
        index=range(len(field_data[0]) if field_data else len(wkb) if wkb is not None else 0),
    )
    problems: list[tuple[int | None, str | Msg, str]] = []
    if wkb is None:
        geoms = np.full(len(frame), None, dtype=object)
    else:
        try:
            geoms = shapely.from_wkb(wkb)
        except (shapely.errors.GEOSException, ValueError, TypeError):
            geoms = np.empty(len(wkb), dtype=object)
            for i, blob in enumerate(wkb):
                try:
                    geoms[i] = shapely.from_wkb(blob) if blob is not None else None
                except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
                    geoms[i] = None
                    problems.append((i + 1, Msg("io.geom.unreadable", detail=str(exc)), "error"))
        if len(frame) != len(geoms):
            frame = frame.reindex(range(len(geoms)))
    return frame, np.asarray(geoms, dtype=object), meta.get("crs"), problems


def _read_shapefile(path: Path, *, file: str, limits: Limits = DEFAULT_LIMITS) -> VectorData:
    missing = [
        s
        for s in (".shx", ".dbf")
        if not (path.with_suffix(s).is_file() or path.with_suffix(s.upper()).is_file())
    ]
    if missing:
        raise InputError.keyed("io.shp.incomplete", file=file, missing=tuple(missing))
    problems: list[tuple[int | None, str | Msg, str]] = []
    encoding, note = _shapefile_encoding(path)
    if note:
        problems.append((None, note, "warning"))
    if encoding:
        try:
            result = _ogr_read(path, layer=None, encoding=encoding, file=file, limits=limits)
        except UnicodeDecodeError:
            raise InputError.keyed("io.shp.bad_cpg_text", file=file, encoding=encoding) from None
    else:
        try:
            result = _ogr_read(path, layer=None, encoding="utf-8", file=file, limits=limits)
            bad = _has_replacement(result[3], result[0]["fields"])
        except UnicodeDecodeError:
            bad = True
        if bad:
            try:
                result = _ogr_read(path, layer=None, encoding="gb18030", file=file)
            except UnicodeDecodeError:
                raise InputError.keyed("io.shp.not_utf8_gbk", file=file) from None
            problems.append((None, Msg("io.shp.read_as_gbk"), "info"))
    frame, geoms, crs, geo_problems = _frame_from_ogr(result, file=file)
    if encoding:
        frame, redone, notes = _fix_mojibake(path, frame, (), encoding, file=file)
        if notes:
            geoms, crs, geo_problems = redone
            problems += notes
    return VectorData(frame, geoms, crs, problems + geo_problems)


def _common_cjk(text: str) -> bool:
    """Tell whether every non-ASCII character of ``text`` is a common (GB 2312) one."""
    try:
        "".join(c for c in text if not c.isascii()).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _garbled_columns(frame: pd.DataFrame) -> list[int]:
    """Return the positions of text columns (and -1 for the headers) that look garbled.

    Garbled: most non-ASCII cells hold characters outside common Chinese (GB 2312),
    as UTF-8 read as GBK does (``涓撮珮鍘`` for ``临高县``).
    """
    out = []
    headers = [h for h in map(str, frame.columns) if not h.isascii()]
    if headers and 2 * sum(not _common_cjk(h) for h in headers) > len(headers):
        out.append(-1)
    for k, name in enumerate(frame.columns):
        cells = [v for v in frame[name] if isinstance(v, str) and not v.isascii()]
        if cells and 2 * sum(not _common_cjk(v) for v in cells) > len(cells):
            out.append(k)
    return out


def _fix_mojibake(
    path: Path, frame: pd.DataFrame, geoms: tuple, used: str, *, file: str
) -> tuple[pd.DataFrame, tuple, list[tuple[int | None, str | Msg, str]]]:
    """Re-read a shapefile whose ``.cpg`` lies (UTF-8 text labelled GBK, or back).

    When text columns look garbled in the ``.cpg`` encoding and read cleanly in the
    other one, the other is used and a warning names the columns; when neither
    reads cleanly the file is refused, naming the column.
    """
    bad = _garbled_columns(frame)
    if not bad:
        return frame, geoms, []
    gb = codecs.lookup(used).name in ("gb18030", "gbk", "gb2312", "cp936")
    other = "utf-8" if gb else "gb18030"
    first = bad[0]
    column = "(headers)" if first == -1 else str(frame.columns[first])
    sample = (
        next(str(h) for h in frame.columns if not _common_cjk(str(h)))
        if first == -1
        else next(v for v in frame.iloc[:, first] if isinstance(v, str) and not _common_cjk(v))
    )
    try:
        result = _ogr_read(path, layer=None, encoding=other, file=file)
    except UnicodeDecodeError:
        result = None
    if result is not None:
        alt_frame, alt_geoms, alt_crs, alt_problems = _frame_from_ogr(result, file=file)
        if not _garbled_columns(alt_frame) and not _has_replacement(result[3], result[0]["fields"]):
            names = ["(headers)" if k == -1 else str(alt_frame.columns[k]) for k in bad]
            fixed = (
                str(alt_frame.columns[list(frame.columns).index(sample)])
                if first == -1
                else str(alt_frame.iloc[list(frame.iloc[:, first]).index(sample), first])
            )
            note = Msg(
                "io.text.mojibake",
                columns=", ".join(names),
                sample=sample[:20],
                used=used,
                other=other,
                fixed=fixed[:20],
            )
            return alt_frame, (alt_geoms, alt_crs, alt_problems), [(None, note, "warning")]
    raise InputError.keyed("io.text.mojibake_refused", file=file, name=column, sample=sample[:20])


def _read_gpkg(
    path: Path, *, layer_name: str | None, file: str, limits: Limits = DEFAULT_LIMITS
) -> VectorData:
    import pyogrio
    from pyogrio.errors import DataSourceError

    try:
        layers = [str(name) for name, _kind in pyogrio.list_layers(path)]
    except (DataSourceError, OSError, ValueError, RuntimeError) as exc:
        detail = (str(exc).splitlines() or [""])[0][:200]
        raise InputError.keyed("io.gpkg.unreadable", file=file, detail=detail) from None
    if not layers:
        raise InputError.keyed("io.gpkg.empty", file=file)
    problems: list[tuple[int | None, str | Msg, str]] = []
    chosen = layer_name if layer_name in layers else layers[0]
    if len(layers) > 1:
        others = tuple(n for n in layers if n != chosen)
        problems.append(
            (None, Msg("io.gpkg.chosen", chosen=repr(chosen), others=others), "warning")
        )
    try:
        result = _ogr_read(path, layer=chosen, encoding=None, file=file, limits=limits)
    except UnicodeDecodeError:
        raise InputError.keyed("io.gpkg.not_utf8", file=file) from None
    frame, geoms, crs, geo_problems = _frame_from_ogr(result, file=file)
    return VectorData(frame, geoms, crs, problems + geo_problems)


# ---------------------------------------------------------------- KML


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(elem: object, name: str) -> object | None:
    return next((c for c in elem if _local(c.tag) == name), None)


def _kml_coords(elem: object | None) -> list[tuple[float, ...]]:
    node = None if elem is None else _child(elem, "coordinates")
    if node is None or not (node.text or "").strip():
        raise InputError.keyed("io.kml.no_coordinates")
    text = re.sub(r"\s*,\s*", ",", node.text.strip())
    out = []
    for token in text.split():
        parts = token.split(",")
        if not 2 <= len(parts) <= 3:
            raise InputError.keyed("io.kml.bad_coordinate", token=repr(token[:40]))
        try:
            out.append(tuple(float(p) for p in parts))
        except ValueError:
            raise InputError.keyed(
                "io.kml.coordinate_not_numbers", token=repr(token[:40])
            ) from None
    if len({len(p) for p in out}) > 1:
        out = [p[:2] + ((p[2],) if len(p) == 3 else (0.0,)) for p in out]
    return out


def _kml_ring(boundary: object) -> list[tuple[float, ...]]:
    ring = _child(boundary, "LinearRing")
    coords = _kml_coords(ring)
    if len(coords) < 3:
        raise InputError.keyed("io.kml.ring_short", n=len(coords))
    return coords


def _kml_geometry(elem: object, *, depth: int = 0) -> shapely.Geometry:
    kind = _local(elem.tag)
    if kind == "Point":
        coords = _kml_coords(elem)
        if len(coords) != 1:
            raise InputError.keyed("io.kml.point_positions", n=len(coords))
        return shapely.Point(coords[0])
    if kind in ("LineString", "LinearRing"):
        coords = _kml_coords(elem)
        if len(coords) < 2:
            raise InputError.keyed("io.kml.line_short")
        return shapely.LineString(coords)
    if kind == "Polygon":
        outer = _child(elem, "outerBoundaryIs")
        if outer is None:
            raise InputError.keyed("io.kml.no_outer")
        holes = [
            _kml_coords(r)
            for b in elem
            if _local(b.tag) == "innerBoundaryIs"
            for r in b
            if _local(r.tag) == "LinearRing"
        ]
        shell = _kml_ring(outer)
        dims = {len(p) for ring in (shell, *holes) for p in ring}
        if len(dims) > 1:
            shell = [p[:2] for p in shell]
            holes = [[p[:2] for p in h] for h in holes]
        return shapely.Polygon(shell, holes)
    if kind == "MultiGeometry":
        if depth >= _MAX_COLLECTION_DEPTH:
            raise InputError.keyed("io.kml.too_deep")
        parts = [_kml_geometry(c, depth=depth + 1) for c in elem if _local(c.tag) in _KML_GEOMS]
        kinds = {p.geom_type for p in parts}
        if kinds == {"Point"}:
            return shapely.MultiPoint(parts)
        if kinds <= {"LineString"} and parts:
            return shapely.MultiLineString(parts)
        if kinds == {"Polygon"}:
            return shapely.MultiPolygon(parts)
        return shapely.GeometryCollection(parts)
    raise InputError.keyed("io.kml.unsupported", kind=kind)


_KML_GEOMS = ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry")
_KML_UNSUPPORTED = ("Track", "MultiTrack", "Model")


_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["'][^>]*\?>""")
#: Chinese encodings a KML may declare, read with their superset GB 18030.
_GB_FAMILY = {"gb2312", "gbk", "cp936", "gb18030", "euc-cn", "x-gbk", "ms936"}


def _kml_text(data: bytes, *, file: str) -> str:
    """Decode KML bytes by their XML declaration (GB2312/GBK too), without the declaration.

    Python's XML parser refuses multi-byte encodings other than UTF-8/UTF-16, so the
    text is decoded here and handed over as a string.
    """
    match = _XML_DECL.match(data)
    declared = match.group(1).decode("ascii").lower() if match else None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif declared in _GB_FAMILY:
        candidates = ["gb18030"]
    elif declared:
        candidates = [declared, "utf-8", "gb18030"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for name in candidates:
        try:
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
        return re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", text, count=1)
    raise InputError.keyed("io.kml.decode", file=file, encoding=declared or "UTF-8")


def _read_kmz(path: Path, *, file: str, limits: Limits = DEFAULT_LIMITS) -> VectorData:
    """Read a KMZ: the zipped KML (``doc.kml``, else the first ``.kml``) inside."""
    with tempfile.TemporaryDirectory(prefix="gridmap-kmz-") as tmp:
        files = _extract_zip(path, Path(tmp), file=file)
        kmls = sorted(
            (f for f in files if f.suffix.lower() == ".kml"),
            key=lambda f: (f.name.lower() != "doc.kml", str(f)),
        )
        if not kmls:
            raise InputError.keyed("io.kml.kmz_empty", file=file)
        return _read_kml(kmls[0], file=file, limits=limits)


def _read_kml(path: Path, *, file: str, limits: Limits = DEFAULT_LIMITS) -> VectorData:
    import xml.etree.ElementTree as ET

    import defusedxml.ElementTree as DET  # noqa: N814
    from defusedxml import DefusedXmlException

    limits.check_parse_size(path.stat().st_size, file=file, kind="KML")
    try:
        root = DET.fromstring(
            _kml_text(path.read_bytes(), file=file),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException as exc:
        raise InputError.keyed(
            "io.kml.entities", file=file, detail=exc.__class__.__name__
        ) from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise InputError.keyed("io.kml.xml_error", file=file, line=line, col=col) from None
    if _local(root.tag) != "kml" and not any(_local(e.tag) == "Placemark" for e in root.iter()):
        raise InputError.keyed("io.kml.not_kml", file=file, root=_local(root.tag))
    placemarks = [e for e in root.iter() if _local(e.tag) == "Placemark"]
    records: list[dict] = []
    geoms = np.empty(len(placemarks), dtype=object)
    problems: list[tuple[int | None, str | Msg, str]] = []
    for i, pm in enumerate(placemarks):
        props: dict[str, object] = {}
        for child in pm:
            tag = _local(child.tag)
            if tag in ("name", "description") and child.text and child.text.strip():
                props[tag] = child.text.strip()
            elif tag == "ExtendedData":
                for data in child.iter():
                    dtag = _local(data.tag)
                    if dtag == "Data" and data.get("name"):
                        value = _child(data, "value")
                        props[data.get("name")] = (
                            (value.text or "").strip() or None if value is not None else None
                        )
                    elif dtag == "SimpleData" and data.get("name"):
                        props[data.get("name")] = (data.text or "").strip() or None
        records.append(props)
        shapes = [c for c in pm if _local(c.tag) in _KML_GEOMS + _KML_UNSUPPORTED]
        if not shapes:
            continue
        try:
            geom = _kml_geometry(shapes[0])
        except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
            problems.append((i + 1, _invalid_geometry(exc), "error"))
            continue
        if shapely.has_z(geom):
            z = shapely.get_coordinates(geom, include_z=True)[:, 2]
            if not np.any(np.nan_to_num(z)):
                geom = shapely.force_2d(geom)
        geoms[i] = geom
    frame = pd.DataFrame(records, index=range(len(records)))  # from_records fails on [] (pandas 2)
    frame = frame.astype(object) if len(frame.columns) else frame
    return VectorData(frame, geoms, "EPSG:4326", problems)


# ---------------------------------------------------------------- zip and dispatch


def _read_zip(
    path: Path,
    *,
    layer_name: str | None,
    file: str,
    max_bytes: int,
    limits: Limits = DEFAULT_LIMITS,
) -> VectorData:
    with tempfile.TemporaryDirectory(prefix="gridmap-zip-") as tmp:
        files = _extract_zip(path, Path(tmp), file=file)
        readable = (".shp", ".geojson", ".json", ".gpkg", ".kml")
        candidates = sorted(
            (f for f in files if f.suffix.lower() in readable),
            key=lambda f: (f.suffix.lower() != ".shp", str(f)),
        )
        if not candidates:
            found = tuple(sorted(f.name for f in files)[:10])
            raise InputError.keyed("io.zip.no_vector", file=file, found=found)
        chosen = next((f for f in candidates if layer_name and f.stem == layer_name), candidates[0])
        inner = f"{file}/{chosen.relative_to(tmp).as_posix()}"
        data = load_vector(
            chosen, layer_name=layer_name, max_bytes=max_bytes, label=inner, limits=limits
        )
        if len(candidates) > 1:
            others = tuple(f.relative_to(tmp).as_posix() for f in candidates if f != chosen)
            note = Msg("io.zip.chosen", chosen=chosen.relative_to(tmp).as_posix(), others=others)
            data.problems.insert(0, (None, note, "warning"))
    return data


def load_vector(
    path: str | Path,
    *,
    layer_name: str | None = None,
    max_bytes: int = MAX_BYTES,
    label: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VectorData:
    """Read a vector file into raw features and per-feature problems.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.shp``, ``.zip``, ``.gpkg`` or ``.kml`` file.
    layer_name
        Preferred GeoPackage layer (or zip member stem); the first otherwise.
    max_bytes
        Refuse files larger than this.
    label
        The file's name in messages (default: the file name).
    limits
        Caps on features, coordinates and in-memory parse size (see
        :mod:`gridmap.io.limits`).

    Returns
    -------
    VectorData

    Raises
    ------
    gridmap.errors.InputError
        If the file is missing, too large (in bytes, features or coordinates), unsafe
        or malformed as a whole.
    """
    path = Path(path)
    file = label or path.name
    if not path.is_file():
        raise InputError.keyed("io.file.not_found", file=str(path))
    suffix = path.suffix.lower()
    check_size(
        path, max_bytes=max_bytes, file=file, extra=(".dbf", ".DBF") if suffix == ".shp" else ()
    )
    if suffix == ".zip":
        return _read_zip(path, layer_name=layer_name, file=file, max_bytes=max_bytes, limits=limits)
    if suffix in (".geojson", ".json"):
        data = _read_geojson(path, file=file, limits=limits)
    elif suffix == ".shp":
        data = _read_shapefile(path, file=file, limits=limits)
    elif suffix == ".gpkg":
        data = _read_gpkg(path, layer_name=layer_name, file=file, limits=limits)
    elif suffix == ".kml":
        data = _read_kml(path, file=file, limits=limits)
    elif suffix == ".kmz":
        data = _read_kmz(path, file=file, limits=limits)
    else:
        raise InputError.keyed(
            "io.file.not_vector",
            file=file,
            suffix=suffix or Msg("io.file.no_extension"),
            formats=VECTOR_FORMATS,
        )
    limits.check_rows(len(data.geometry), file=file)
    limits.check_vertices(data.geometry, file=file)
    return data


def read_vector(
    path: str | Path, *, layer_name: str | None = None, max_bytes: int = MAX_BYTES
) -> gpd.GeoDataFrame:
    """Read a vector file as a raw GeoDataFrame in the file's own coordinates.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``, ``.shp``, ``.zip``, ``.gpkg`` or ``.kml`` file.
    layer_name
        Preferred GeoPackage layer; the first otherwise.
    max_bytes
        Refuse files larger than this.

    Returns
    -------
    geopandas.GeoDataFrame
        Attribute columns as found and a ``geometry`` column (Z kept); ``crs`` set
        when the file declares one (GeoJSON and KML: EPSG:4326).

    Raises
    ------
    gridmap.errors.InputError
        If the file is missing, unsafe or malformed, or a feature cannot be read
        (the first such problem, with its feature number).
    """
    import geopandas as gpd

    data = load_vector(path, layer_name=layer_name, max_bytes=max_bytes)
    label = Path(path).name
    for row, message, severity in data.problems:
        if severity == "error":
            raise error_from_problem(message, file=label, row=row)
    crs = data.crs
    if crs is None and Path(path).suffix.lower() in (".geojson", ".json"):
        crs = "EPSG:4326"
    frame = data.frame.copy()
    if "geometry" in frame.columns:
        frame = frame.rename(columns={"geometry": "geometry_attr"})
    try:
        return gpd.GeoDataFrame(
            frame, geometry=gpd.GeoSeries(data.geometry, index=frame.index), crs=crs
        )
    except Exception:  # pyproj raises its own CRSError for WKT it cannot parse
        if crs is None:
            raise
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(data.geometry, index=frame.index))
        frame.attrs["crs_text"] = crs
        return frame
