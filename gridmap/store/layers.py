"""Layers in and out of the store: :func:`read_layer` and :func:`write_layer`.

A layer (:data:`gridmap.model.LAYERS`) travels as a (Geo)DataFrame with its
canonical columns; here it becomes rows of its table and back: reference codes
become foreign keys (and codes again on the way out), point layers share the
``points`` table (kind, subtype, ``attrs`` JSON), missing worker and point codes are
generated, and a bulk import goes to the driver in chunks. Values are converted by
:mod:`gridmap.store.convert`. :class:`~gridmap.store.Store` exposes these as its
``read_layer`` / ``write_layer`` methods.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import String, Table, Text, cast, delete, exc, func, insert, select, type_coerce
from sqlalchemy.engine import Connection

from gridmap.errors import CRSError, InputError, StoreError
from gridmap.messages import Msg
from gridmap.model import LAYERS, POINT_KINDS, layer_spec
from gridmap.store import counters, jsontext, schema, spatial, versions
from gridmap.store._base import guard, reason, utcnow
from gridmap.store.assignments import valid_on
from gridmap.store.convert import (
    CONVERTERS,
    BadValueError,
    canonical_enum,
    clean_column,
    jsonable,
    quick_series,
    series_of,
    sql_dtype,
)
from gridmap.store.types import (
    Geometry,
    GeometryWKB,
    geometries_from_wkb,
    points_xy_from_wkb,
    to_wkb,
)

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = [
    "CHUNK_ROWS",
    "POINT_CODE_PREFIX",
    "POINT_SUBTYPE",
    "fill_codes",
    "read_layer",
    "read_point_geometries",
    "references",
    "write_layer",
]

#: Rows per ``executemany`` batch in :meth:`Store.write_layer`.
CHUNK_ROWS = 10_000

#: Point layer -> the canonical column stored in ``points.subtype``.
POINT_SUBTYPE = {"boards": "board_type", "fitness": "equipment_type", "bins": "bin_type"}

#: Point kind -> prefix of generated point codes (B0000001, F0000001, X0000001).
POINT_CODE_PREFIX = {"board": "B", "fitness": "F", "bin": "X"}
_POINT_CODE_DIGITS = 7
_WORKER_CODE_PREFIX = "W"
_WORKER_CODE_DIGITS = 4


@dataclass(frozen=True)
class _Ref:
    """A layer column holding a code that the store keeps as a foreign key."""

    fk: str  # column of the layer's table, e.g. "community_id"
    target: Table  # referenced table
    by: str  # column of the target the code is matched against
    alt: str | None = None  # second column tried when ``by`` does not match (unique values only)


_REFS: dict[str, dict[str, _Ref]] = {
    "grids": {"community": _Ref("community_id", schema.communities, "code")},
    "assignments": {
        "grid": _Ref("grid_id", schema.grids, "code"),
        "worker": _Ref("worker_id", schema.workers, "code", alt="name"),
    },
    "compounds": {"community": _Ref("community_id", schema.communities, "code")},
    "entrances": {
        "compound": _Ref("compound_id", schema.compounds, "name"),
        "community": _Ref("community_id", schema.communities, "code"),
    },
    "buildings": {"compound": _Ref("compound_id", schema.compounds, "name")},
    "maintenance": {"point": _Ref("point_id", schema.points, "code")},
}

#: Non-canonical columns read_layer returns as well.
_EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "grids": ("locked",),
    "workers": ("active", "active_from", "active_to"),
    "boards": ("retired_at",),
    "fitness": ("retired_at",),
    "bins": ("retired_at",),
    "issues": ("grid_code",),
}


def _first(indexes: Iterator[int]) -> int | None:
    return next(indexes, None)


#: Rows turned into columns at a time by :func:`read_layer`.
_READ_ROWS = 20_000


def _columns_frame(
    keys: list[str],
    rows: Sequence[Any],
    dtypes: dict[str, str],
    attr_columns: Any,
    processors: Mapping[str, Any] | None = None,
    *,
    lonlat: bool = False,
) -> tuple[pd.DataFrame, Any]:
    """Return some rows of a layer query as a frame of typed columns, and their geometries.

    ``rows`` are the driver's tuples; ``processors`` maps a column to the
    function that turns its driver values into Python values. With ``lonlat``,
    2-D points come back as their (x, y) arrays rather than as geometries.
    """
    # one column at a time: twice as fast as zip(*rows) for many short rows
    columns = {key: list(map(itemgetter(i), rows)) for i, key in enumerate(keys)}
    for key, proc in (processors or {}).items():
        columns[key] = _processed(proc, columns[key])
    texts = columns.pop("__attrs", ())
    attrs = _attr_series(texts, {n: dtypes[n] for n in attr_columns}) if attr_columns else {}
    wkb = columns.pop("__geom", None)
    data: dict[str, pd.Series] = {
        name: attrs[name] if name in attrs else series_of(columns[name], dtype)
        for name, dtype in dtypes.items()
    }
    if lonlat and wkb and (xy := points_xy_from_wkb(wkb)) is not None:
        return pd.DataFrame(data), xy
    return pd.DataFrame(data), geometries_from_wkb(wkb or ())


def _processed(proc: Any, values: Sequence[Any]) -> list[Any]:
    """Apply ``proc`` to each value; once per distinct value when all are text or ints.

    A column with a result processor (SQLite's dates and booleans) holds few distinct
    values; text and ints (or ``None``) are keys no other value equals.
    """
    if set(map(type, values)) <= _HASHED_TYPES:
        done = {value: proc(value) for value in dict.fromkeys(values)}
        return list(map(done.__getitem__, values))
    return list(map(proc, values))


_HASHED_TYPES = frozenset({str, int, type(None)})


def _attr_series(texts: Sequence[str | None], dtypes: Mapping[str, str]) -> dict[str, pd.Series]:
    """Build the columns kept in ``attrs`` (name -> dtype) of point rows from its JSON texts.

    Point records share few distinct ``attrs`` texts: each is decoded once, each
    column is built from the distinct texts' values and then spread over the rows.
    A missing key, JSON null and a text that is not an object read as missing.
    """
    index: dict[str | None, int] = {}
    codes = np.array([index.setdefault(t, len(index)) for t in texts], dtype=np.intp)
    decoded = _decode_json_texts(list(index))
    out: dict[str, pd.Series] = {}
    for name, dtype in dtypes.items():
        values = list(map(dict.get, decoded, repeat(name)))
        if dtype in ("date", "datetime"):
            values = [None if v is None else CONVERTERS[dtype](v) for v in values]
        distinct = quick_series(values, dtype)
        if distinct is None:  # values pandas converts one by one: all rows' values, as they are
            out[name] = series_of([values[code] for code in codes], dtype)
        else:
            out[name] = pd.Series(distinct.array.take(codes))
    return out


def _raw(column: Any, dtype: str) -> Any:
    """Return the column as read_layer selects it: timestamps as the driver gives them.

    A timestamp column is read without its per-row processor (SQLite's text,
    PostgreSQL's datetimes) and converted a whole column at once by
    :func:`~gridmap.store.convert.series_of`.
    """
    return type_coerce(column, String()) if dtype == "datetime" else column


@guard
def read_layer(
    store: Store,
    layer: str,
    *,
    as_of: dt.date | None = None,
    include_retired: bool = False,
    bbox: Sequence[float] | None = None,
    where: Mapping[str, Collection[Any]] | None = None,
    bookkeeping: bool = True,
    points_lonlat: bool = False,
) -> pd.DataFrame:
    """Read one layer as a frame with its canonical columns.

    Parameters
    ----------
    layer
        A name from :data:`gridmap.model.LAYERS`.
    as_of
        For ``assignments``: only those valid on that date
        (``valid_from <= as_of`` and ``valid_to`` empty or ``>= as_of``;
        an empty ``valid_from`` counts as "since always"). Ignored by other layers.
    include_retired
        Include retired point records (``retired_at`` set) and inactive workers.
    bbox
        ``(minx, miny, maxx, maxy)`` in EPSG:4326 degrees: only the features
        whose envelope intersects it, found with the spatial index
        (:mod:`gridmap.store.spatial`). Geometry layers only.
    where
        Column -> values: only the rows whose column holds one of the values, e.g.
        ``{"community": ["110101001001"]}`` (the grids of a community; a reference
        column is matched by the code it returns) or ``{"id": [...]}``.
    bookkeeping
        With ``False``, leave out what only editing needs (``version``,
        ``source_crs``, and ``retired_at`` when retired records are left out):
        a whole-city read for the checks is smaller and faster.
    points_lonlat
        When every geometry read is a 2-D point, return a plain frame whose
        ``lon`` and ``lat`` columns (EPSG:4326) stand for ``geometry``: a
        million points for the checks, which project them at once, are not made
        twice. Otherwise (or with ``bbox``) the usual geometry frame.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        ``id``, the canonical columns of the layer, layer extras (``locked``,
        ``active``, ``retired_at``, ``grid_code`` ...), ``version`` and, for
        geometry layers, ``source_crs`` and ``geometry`` (EPSG:4326). References
        come back as codes (names for compounds). Dates are ``datetime.date``
        objects, timestamps UTC.

    Raises
    ------
    gridmap.errors.InputError
        If the layer is unknown.
    gridmap.errors.StoreError
        If the database fails.
    """
    spec = layer_spec(layer)
    table = schema.LAYER_TABLES[layer]
    refs = _REFS.get(layer, {})
    subtype = POINT_SUBTYPE.get(layer)
    attr_columns = _point_attr_columns(layer)

    selected: list[Any] = [table.c.id.label("id")]
    exprs: dict[str, Any] = {"id": table.c.id}  # canonical column -> its SQL expression
    source: Any = table
    dtypes: dict[str, str] = {"id": "int"}
    for column in spec.columns:
        dtypes[column.name] = column.dtype
        if column.name in refs:
            ref = refs[column.name]
            target = ref.target.alias(f"ref_{column.name}")
            source = source.outerjoin(target, table.c[ref.fk] == target.c.id)
            selected.append(target.c[ref.by].label(column.name))
            exprs[column.name] = target.c[ref.by]
        elif layer == "communities" and column.name == "street":
            street = schema.streets.alias("ref_street")
            source = source.outerjoin(street, table.c.street_id == street.c.id)
            selected.append(street.c.name.label("street"))
        elif column.name == subtype:
            selected.append(table.c.subtype.label(column.name))
        elif column.name in attr_columns:
            continue
        else:
            selected.append(_raw(table.c[column.name], column.dtype).label(column.name))
            exprs[column.name] = table.c[column.name]
    if attr_columns:
        # JSON text, decoded below in one call rather than one call per row
        selected.append(cast(table.c.attrs, Text).label("__attrs"))
    for name in _EXTRA_COLUMNS.get(layer, ()):
        if name == "retired_at" and not (include_retired or bookkeeping):
            continue  # empty on every row read
        dtypes[name] = sql_dtype(table.c[name])
        selected.append(_raw(table.c[name], dtypes[name]).label(name))
    if "version" in table.c and bookkeeping:
        selected.append(table.c.version.label("version"))
        dtypes["version"] = "int"
    has_geom = "geom" in table.c
    if has_geom:
        if bookkeeping:
            selected.append(table.c.source_crs.label("source_crs"))
            dtypes["source_crs"] = "str"
        selected.append(type_coerce(table.c.geom, GeometryWKB()).label("__geom"))

    stmt = select(*selected).select_from(source).order_by(table.c.id)
    if layer in POINT_KINDS:
        stmt = stmt.where(table.c.kind == POINT_KINDS[layer])
        if not include_retired:
            stmt = stmt.where(table.c.retired_at.is_(None))
    if layer == "workers" and not include_retired:
        stmt = stmt.where(table.c.active.is_(True))
    if layer == "assignments" and as_of is not None:
        stmt = stmt.where(valid_on(table, as_of))
    if bbox is not None:
        stmt = stmt.where(spatial.bbox_condition(store.dialect, table, bbox))
    for name, wanted in (where or {}).items():
        if name not in exprs:
            msg = f"{layer} cannot be filtered by {name!r}"
            raise InputError(msg)  # programmer error
        stmt = stmt.where(exprs[name].in_(list(wanted)))

    frames: list[pd.DataFrame] = []
    geom_parts: list[np.ndarray] = []
    with store.connect() as conn:
        result = conn.execute(stmt)
        keys = list(result.keys())
        dialect = conn.dialect
        processors = {
            key: proc for key, expr, desc in zip(
                keys, selected, result.cursor.description, strict=True)
            if (proc := expr.type.dialect_impl(dialect).result_processor(dialect, desc[1]))
        }
        # Rows come from the driver's cursor as its tuples and become columns a
        # partition at a time, so a million-row layer never holds every row as
        # Python objects at once (the peak memory of a read); the few columns with a
        # result processor (SQLite's dates and booleans) are converted a column at a
        # time rather than SQLAlchemy building a Row per row.
        try:
            while rows := result.cursor.fetchmany(_READ_ROWS):
                frame, geoms = _columns_frame(keys, rows, dtypes, attr_columns, processors,
                                              lonlat=points_lonlat and bbox is None)
                frames.append(frame)
                geom_parts.append(geoms)
        finally:
            result.close()
    if geom_parts and all(isinstance(p, tuple) for p in geom_parts):
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        frame["lon"] = np.concatenate([p[0] for p in geom_parts])
        frame["lat"] = np.concatenate([p[1] for p in geom_parts])
        return frame
    geom_parts = [shapely.points(*p) if isinstance(p, tuple) else p for p in geom_parts]
    if not frames:
        frame, geoms = _columns_frame(keys, [], dtypes, attr_columns)
    elif len(frames) == 1:
        frame, geoms = frames[0], geom_parts[0]
    else:
        frame = pd.concat(frames, ignore_index=True)
        geoms = np.concatenate(geom_parts)
    del frames, geom_parts
    if not has_geom:
        return frame
    if bbox is not None:  # the index boxes are rounded outwards: make the answer exact
        keep = spatial.bounds_intersect(geoms, bbox)
        frame, geoms = frame[keep].reset_index(drop=True), geoms[keep]
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
    )

@guard
def write_layer(
    store: Store,
    layer: str,
    frame: pd.DataFrame,
    *,
    source_crs: str,
    username: str,
    file: str | None = None,
    replace: bool = False,
) -> int:
    """Insert every row of a canonical frame in one transaction (all or nothing).

    Parameters
    ----------
    layer
        A name from :data:`gridmap.model.LAYERS`.
    frame
        Canonical columns of the layer (as the importers produce them); for
        geometry layers a GeoDataFrame in EPSG:4326. Other columns are ignored.
        Reference columns hold codes (compound names for ``compound``; a
        unique worker name is accepted for ``assignments.worker``).
    source_crs
        The coordinate system the file came in (``"gcj02"``, ``"EPSG:4326"`` ...),
        recorded with every row and in ``layer_sources``.
    username
        Who imports, for the audit log.
    file
        The file the rows came from, for messages and the audit log.
    replace
        Delete the layer's rows first, in the same transaction.

    Returns
    -------
    int
        The number of rows written.

    Raises
    ------
    gridmap.errors.InputError
        Naming the first bad row (1-based): unknown reference, duplicate key,
        missing required value, bad value; or, with ``replace``, when other rows
        still refer to the rows to be replaced. Nothing is written.
    gridmap.errors.CRSError
        If the frame is not in EPSG:4326 (or CGCS2000 EPSG:4490).
    gridmap.errors.StoreError
        If the database fails.
    """
    # generated codes come from counters; only a code stored at the same moment with a
    # given code (another import) can still clash with one: then write the file again
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            return _write_layer(store, layer, frame, source_crs=source_crs, username=username,
                                file=file, replace=replace)
        except _CodeClash as clash:
            if attempt + 1 == _WRITE_ATTEMPTS:
                raise clash.error from None
    raise AssertionError  # not reached


_WRITE_ATTEMPTS = 5


class _CodeClash(Exception):
    """A unique violation in a write that generated codes: worth writing again."""

    def __init__(self, error: InputError):
        super().__init__(str(error))
        self.error = error


def _write_layer(
    store: Store,
    layer: str,
    frame: pd.DataFrame,
    *,
    source_crs: str,
    username: str,
    file: str | None,
    replace: bool,
) -> int:
    """Write a layer once (see :func:`write_layer`)."""
    spec = layer_spec(layer)
    table = schema.LAYER_TABLES[layer]
    n = len(frame)
    values, wkb = _prepare(layer, frame, file)
    bounds = values.pop("__bounds__", None)
    generates = "code" in values and None in values["code"]
    now = utcnow()
    with store.transaction() as conn:
        replaced = _delete_layer(conn, layer, file) if replace else 0
        try:
            _resolve(conn, layer, values, file)
        except BadValueError as bad:
            raise InputError.keyed(bad.key, file=file, row=bad.index + 1, **bad.params) from None
        _check_required(table, spec.name, values, file)
        constants: dict[str, Any] = {}
        if wkb is not None:
            values["geom"] = wkb
            constants["source_crs"] = source_crs
        if layer in POINT_KINDS:
            constants["kind"] = POINT_KINDS[layer]
        if "version" in table.c:
            constants["version"] = 1
        for name in ("created_at", "updated_at"):
            if name in table.c:
                constants[name] = now
        versions.touch(conn, *versions.written_keys(layer))  # the bulk insert runs raw SQL
        try:
            with spatial.bulk_insert(conn, table.name, bounds=bounds):
                _bulk_insert(conn, table, values, constants, n)
        except exc.IntegrityError as err:
            clash = InputError.keyed("store.layer_failed", file=file, layer=layer,
                                     reason=reason(err))
            if generates and layer in ("workers", *POINT_KINDS):
                raise _CodeClash(clash) from None
            raise clash from None
        conn.execute(
            insert(schema.layer_sources).values(
                layer=layer,
                file=file,
                source_crs=source_crs,
                rows=n,
                imported_at=now,
                username=username,
            )
        )
        note = f"{layer}: {n} rows from {file or 'a frame'} ({source_crs})"
        if replace:
            note += f", replacing {replaced} rows"
        store.audit("import", username=username, table=table.name, note=note, conn=conn, at=now)
    return n

def _prepare(
    layer: str, frame: pd.DataFrame, file: str | None
) -> tuple[dict[str, list[Any]], Any]:
    """Validate and convert a canonical frame to column lists (no database access)."""
    spec = layer_spec(layer)
    n = len(frame)
    values: dict[str, list[Any]] = {}
    for column in spec.columns:
        if column.name in frame.columns:
            try:
                cleaned = clean_column(frame[column.name], column)
                if column.dtype == "enum":
                    cleaned = canonical_enum(cleaned, column)
            except BadValueError as bad:
                raise InputError.keyed(
                    bad.key, file=file, row=bad.index + 1, **bad.params
                ) from None
        else:
            cleaned = [None] * n
        if column.default is not None and not column.required:
            cleaned = [column.default if v is None else v for v in cleaned]
        if column.required:
            bad = _first(i for i, v in enumerate(cleaned) if v is None or v == "")
            if bad is not None:
                raise InputError.keyed(
                    "store.required_empty", file=file, row=bad + 1, column=column.name
                )
        values[column.name] = cleaned

    wkb = None
    spec_geometry = spec.geometry
    if spec_geometry is not None:
        if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
            raise InputError.keyed("store.needs_geometry", file=file, layer=layer)
        crs = frame.crs
        if crs is not None and crs.to_epsg() not in (4326, 4490):
            raise CRSError.keyed(
                "store.crs_not_wgs84", file=file, layer=layer, crs=crs.to_string()
            )
        geoms = np.asarray(frame.geometry.values, dtype=object)
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        if layer != "issues" and missing.any():
            bad = int(np.flatnonzero(missing)[0])
            raise InputError.keyed("store.no_geometry", file=file, row=bad + 1)
        wkb = to_wkb(geoms).tolist() if n else []
        values["__bounds__"] = shapely.bounds(geoms)  # for the spatial index (NaN: none)
    if layer in POINT_KINDS:
        values = _point_values(layer, values)
    return values, wkb

def _point_values(layer: str, values: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Canonical point columns -> ``points`` columns (kind, subtype, attrs JSON)."""
    n = len(next(iter(values.values())))
    attr_names = _point_attr_columns(layer)
    # cleaned columns hold None, str, int, float (never NaN) and bool, or dates: only the
    # columns holding anything else go through jsonable, once per column
    attr_lists = {name: _json_ready(values.pop(name)) for name in attr_names}
    values["subtype"] = values.pop(POINT_SUBTYPE[layer])
    # JSON text written a column at a time, as json.dumps writes each row's dict
    values["attrs"] = jsontext.object_texts(attr_lists, n)
    return values

def _json_ready(column: list[Any]) -> list[Any]:
    """Return a cleaned column with its values JSON-safe (:func:`jsonable` where needed)."""
    if all(v is None or type(v) in _JSON_TYPES for v in column):
        return column
    return [jsonable(v) for v in column]


_JSON_TYPES = frozenset({str, int, bool})


def _resolve(
    conn: Connection, layer: str, values: dict[str, list[Any]], file: str | None
) -> None:
    """Replace reference codes by ids, generate codes, check unique keys (in place)."""
    table = schema.LAYER_TABLES[layer]
    for name, ref in _REFS.get(layer, {}).items():
        codes = values.pop(name)
        values[ref.fk] = _lookup(conn, ref, codes, name)
    if layer == "communities":
        values["street_id"] = _street_ids(conn, values.pop("street"), values["code"])
    if "code" in values and layer in ("workers", *POINT_KINDS):
        values["code"] = fill_codes(conn, layer, values["code"])
    for column in table.c:
        if not column.unique or column.name not in values:
            continue
        existing = {
            v
            for (v,) in conn.execute(select(column).where(column.is_not(None)))
            if v is not None
        }
        seen: set[Any] = set()
        for i, value in enumerate(values[column.name]):
            if value is None:
                continue
            if value in existing:
                raise BadValueError(
                    i, "store.value_exists", column=column.name, value=value, table=table.name
                )
            if value in seen:
                raise BadValueError(i, "store.value_repeated", column=column.name, value=value)
            seen.add(value)

def _lookup(conn: Connection, ref: _Ref, codes: list[Any], name: str) -> list[Any]:
    """Map reference codes to ids; ``BadValueError`` for the first unknown or ambiguous one."""
    target = ref.target

    def index(column_name: str) -> tuple[dict[Any, int], set[Any]]:
        mapping: dict[Any, int] = {}
        ambiguous: set[Any] = set()
        column = target.c[column_name]
        for key, row_id in conn.execute(select(column, target.c.id).where(column.is_not(None))):
            if key in mapping:
                ambiguous.add(key)
            mapping[key] = row_id
        return mapping, ambiguous

    primary, primary_ambiguous = index(ref.by)
    alternative: tuple[dict[Any, int], set[Any]] | None = None
    ids: list[Any] = []
    for i, code in enumerate(codes):
        if code is None:
            ids.append(None)
            continue
        if code in primary_ambiguous:
            raise BadValueError(
                i, "store.ref_ambiguous", column=name, value=code, table=target.name, by=ref.by
            )
        found = primary.get(code)
        if found is None and ref.alt is not None:
            if alternative is None:
                alternative = index(ref.alt)
            if code in alternative[1]:
                raise BadValueError(
                    i, "store.ref_ambiguous_alt", column=name, value=code, table=target.name,
                    alt=ref.alt, by=ref.by,
                )
            found = alternative[0].get(code)
        if found is None:
            raise BadValueError(
                i, "store.ref_unknown", column=name, value=code, table=target.name, by=ref.by
            )
        ids.append(found)
    return ids

def _street_ids(conn: Connection, names: list[Any], codes: list[Any]) -> list[Any]:
    """Street ids of communities, creating streets named in the file that are missing.

    A community code of 12 digits starts with its street's 9-digit code.
    """
    streets = schema.streets
    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for row_id, code, name in conn.execute(
        select(streets.c.id, streets.c.code, streets.c.name)
    ):
        if code:
            by_code[code] = row_id
        by_name.setdefault(name, row_id)
    now = utcnow()
    ids: list[Any] = []
    for name, code in zip(names, codes, strict=True):
        street_code = code[:9] if code and len(code) == 12 and code.isdigit() else None
        if street_code and street_code in by_code:
            ids.append(by_code[street_code])
        elif name and name in by_name:
            ids.append(by_name[name])
        elif name:
            row_id = conn.execute(
                insert(streets).values(
                    code=street_code, name=name, version=1, created_at=now, updated_at=now
                )
            ).inserted_primary_key[0]
            by_name[name] = row_id
            if street_code:
                by_code[street_code] = row_id
            ids.append(row_id)
        else:
            ids.append(None)
    return ids

def fill_codes(conn: Connection, layer: str, codes: list[Any]) -> list[Any]:
    """Generate W0001-style worker codes and B/F/X0000001-style point codes where empty.

    The numbers come from the prefix's counter (:func:`gridmap.store.counters.next_codes`):
    codes given in ``codes`` or already stored are kept and skipped, never blocking.
    """
    missing = sum(c is None for c in codes)
    if not missing:
        return codes
    if layer == "workers":
        prefix, digits, column = _WORKER_CODE_PREFIX, _WORKER_CODE_DIGITS, schema.workers.c.code
    else:
        prefix = POINT_CODE_PREFIX[POINT_KINDS[layer]]
        digits, column = _POINT_CODE_DIGITS, schema.points.c.code
    given = {c for c in codes if c is not None}
    fresh: list[str] = []
    while len(fresh) < missing:  # one pass: next_codes skips the given codes itself
        fresh += counters.next_codes(conn, prefix, missing - len(fresh), digits=digits,
                                     column=column, given=given)
    generated = iter(fresh)
    return [next(generated) if code is None else code for code in codes]

def _check_required(
    table: Table, layer: str, values: dict[str, list[Any]], file: str | None
) -> None:
    """Every NOT NULL column that the layer fills has a value in every row."""
    for name, column_values in values.items():
        column = table.c.get(name)
        if column is None or column.nullable or column.primary_key:
            continue
        bad = _first(i for i, v in enumerate(column_values) if v is None)
        if bad is not None:
            grid_code = name == "code" and layer == "grids"
            key = "store.grid_code_empty" if grid_code else "store.column_empty"
            raise InputError.keyed(key, file=file, row=bad + 1, layer=layer, column=name)

def _layer_condition(layer: str) -> Any:
    table = schema.LAYER_TABLES[layer]
    if layer in POINT_KINDS:
        return table.c.kind == POINT_KINDS[layer]
    return None

def references(conn: Connection, table: Table, ids: Any) -> list[tuple[str, int]]:
    """Tables (and row counts) whose foreign keys point at rows ``ids`` of ``table``."""
    found = []
    for other in schema.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table:
                continue
            count = conn.execute(
                select(func.count()).select_from(other).where(fk.parent.in_(ids))
            ).scalar()
            if count:
                found.append((other.name, int(count)))
    return found

def _delete_layer(conn: Connection, layer: str, file: str | None) -> int:
    """Delete all rows of ``layer``; refuse when other rows refer to them."""
    table = schema.LAYER_TABLES[layer]
    condition = _layer_condition(layer)
    ids = select(table.c.id)
    if condition is not None:
        ids = ids.where(condition)
    refs = references(conn, table, ids)
    if refs:
        what = [Msg("store.ref_rows", n=count, table=name) for name, count in refs]
        raise InputError.keyed("store.replace_referenced", file=file, layer=layer, what=what)
    stmt = delete(table).execution_options(**{versions.OPTION: versions.written_keys(layer)})
    if condition is not None:
        stmt = stmt.where(condition)
    return conn.execute(stmt).rowcount


def _decode_json_texts(texts: Sequence[str | None]) -> list[dict[str, Any]]:
    """Decode many JSON objects at once (``None``, JSON null or a non-object read as ``{}``)."""
    if not texts:
        return []
    decoded = json.loads("[" + ",".join(["{}" if t is None else t for t in texts]) + "]")
    if set(map(type, decoded)) - {dict}:
        decoded = [d if type(d) is dict else {} for d in decoded]
    return decoded


def _bulk_insert(
    conn: Connection,
    table: Table,
    columns: Mapping[str, list[Any]],
    constants: Mapping[str, Any],
    n: int,
) -> None:
    """Insert ``n`` rows with ``executemany`` in chunks of :data:`CHUNK_ROWS`.

    ``columns`` holds one list of values per column, ``constants`` one value per
    column for every row. Values are converted with the columns' own SQLAlchemy
    bind processors, but once per column rather than once per cell, and the
    driver is called directly: this is several times faster than
    ``Connection.execute`` with a list of dicts for a million rows.
    """
    dialect = conn.dialect
    keys = [*columns, *constants]
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.params)
    if sorted(names) != sorted(keys):  # bind names differ from column keys: use the slow path
        statement = insert(table).values(**constants)
        for start in range(0, n, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, n)
            rows = zip(*(c[start:stop] for c in columns.values()), strict=True)
            conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])
        return

    def processed(key: str, values: list[Any]) -> list[Any]:
        if isinstance(values, jsontext.JSONTexts):
            return jsontext.bound(values, dialect.name)
        column_type = table.c[key].type
        if isinstance(column_type, Geometry) and all(
            v is None or isinstance(v, bytes) for v in values[:1]
        ):
            return values  # WKB already: no per-cell processing
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            return values
        return [process(v) for v in values]

    ready: dict[str, Any] = {}
    for key, value in constants.items():
        ready[key] = processed(key, [value])[0]
    if not compiled.positional:
        names = keys
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        size = stop - start
        parts = []
        for name in names:
            if name in columns:
                parts.append(processed(name, columns[name][start:stop]))
            else:
                parts.append([ready[name]] * size)
        rows = list(zip(*parts, strict=True))
        if not compiled.positional:
            rows = [dict(zip(names, row, strict=True)) for row in rows]
        conn.exec_driver_sql(compiled.string, rows)


def _point_attr_columns(layer: str) -> tuple[str, ...]:
    """Canonical columns of a point layer that live in ``points.attrs``."""
    if layer not in POINT_KINDS:
        return ()
    spec = LAYERS[layer]
    return tuple(
        c.name
        for c in spec.columns
        if c.name not in schema.points.c and c.name != POINT_SUBTYPE[layer]
    )


def read_point_geometries(store: Store) -> tuple[np.ndarray, np.ndarray]:
    """Kinds and geometries of every point record not retired, read lean (no attributes).

    Only the ``kind`` and ``geom`` columns are read. On SQLite the rows come straight
    from the driver's cursor (no SQLAlchemy row objects); the points are decoded by
    :func:`~gridmap.store.types.geometries_from_wkb`.

    Returns
    -------
    tuple of numpy.ndarray
        The ``kind`` of each point (``"board"``, ``"fitness"``, ``"bin"``) and its
        shapely point (EPSG:4326), in the same order.

    Raises
    ------
    gridmap.errors.StoreError
        If the store cannot be read.
    """
    points = schema.points
    try:
        with store.connect() as conn:
            if store.dialect == "sqlite":
                cursor = conn.connection.dbapi_connection.cursor()
                try:
                    cursor.execute("SELECT kind, geom FROM points WHERE retired_at IS NULL")
                    rows = cursor.fetchall()
                finally:
                    cursor.close()
            else:
                rows = conn.execute(
                    select(points.c.kind, type_coerce(points.c.geom, GeometryWKB())).where(
                        points.c.retired_at.is_(None)
                    )
                ).all()
    except exc.SQLAlchemyError as err:
        raise StoreError.keyed(
            "store.points_unreadable", url=store.safe_url, reason=err.__class__.__name__
        ) from None
    kinds = np.array(list(map(itemgetter(0), rows)), dtype=object)
    return kinds, geometries_from_wkb(list(map(itemgetter(1), rows)))
