"""Column types that work on both SQLite and PostgreSQL/PostGIS.

:class:`Geometry`
    shapely geometries in EPSG:4326 (lon/lat). SQLite stores ISO WKB in a BLOB;
    PostgreSQL stores a PostGIS ``geometry(GEOMETRY,4326)`` and converts on the
    way in (``ST_GeomFromWKB(:p, 4326)``) and out (``ST_AsBinary(col)``), so the
    Python side always exchanges WKB.
:class:`UTCDateTime`
    timezone-aware datetimes, stored and returned in UTC on both backends.
:data:`JSONType`
    JSON documents (``sqlalchemy.JSON``; SQL NULL for ``None``).

No geometry calculations happen here: the types only encode and decode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, DateTime, LargeBinary
from sqlalchemy.dialects.postgresql import base as _postgresql_base
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, UserDefinedType

__all__ = [
    "SRID",
    "Geometry",
    "GeometryWKB",
    "JSONType",
    "UTCDateTime",
    "geometries_from_wkb",
    "to_wkb",
    "wkb_array",
]

#: The spatial reference of every stored geometry (WGS-84 / CGCS2000 lon/lat).
SRID = 4326

#: JSON column type for both backends; ``None`` is stored as SQL NULL.
JSONType = JSON(none_as_null=True)


def to_wkb(geoms: Any) -> Any:
    """Encode shapely geometries as 2-D ISO WKB (vectorised).

    Parameters
    ----------
    geoms
        A geometry, or an array-like of geometries (``None`` allowed).

    Returns
    -------
    bytes or numpy.ndarray
        WKB bytes (``None`` where the input was ``None``). Z values are dropped:
        the store is two-dimensional.
    """
    return shapely.to_wkb(geoms, output_dimension=2, flavor="iso")


class _PostGISGeometry(UserDefinedType):
    """The PostGIS column type ``geometry(GEOMETRY,4326)``."""

    cache_ok = True

    def __init__(self, *args: Any, **kwargs: Any):
        # reflection passes the type modifiers; the store always uses GEOMETRY,4326
        super().__init__()

    def get_col_spec(self, **kw: Any) -> str:
        return f"geometry(GEOMETRY,{SRID})"


# let reflection (Alembic autogenerate) recognise PostGIS columns
_postgresql_base.ischema_names.setdefault("geometry", _PostGISGeometry)


class _GeomFromWKB(FunctionElement):
    """``ST_GeomFromWKB(value, 4326)`` on PostgreSQL; the bare value elsewhere."""

    name = "gridmap_geom_from_wkb"
    inherit_cache = True
    type = LargeBinary()


class _GeomAsWKB(FunctionElement):
    """``ST_AsBinary(column)`` on PostgreSQL; the bare column elsewhere."""

    name = "gridmap_geom_as_wkb"
    inherit_cache = True

    def __init__(self, column: Any):
        super().__init__(column)
        # results are decoded by the column's own type (Geometry or GeometryWKB)
        self.type = column.type


def _only_argument(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    (argument,) = element.clauses.clauses
    return compiler.process(argument, **kw)


@compiles(_GeomFromWKB)
@compiles(_GeomAsWKB)
def _compile_plain(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    return _only_argument(element, compiler, **kw)


@compiles(_GeomFromWKB, "postgresql")
def _compile_pg_from_wkb(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    return f"ST_GeomFromWKB({_only_argument(element, compiler, **kw)}, {SRID})"


@compiles(_GeomAsWKB, "postgresql")
def _compile_pg_as_wkb(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    return f"ST_AsBinary({_only_argument(element, compiler, **kw)})"


class Geometry(TypeDecorator):
    """A geometry column in EPSG:4326, exchanged as shapely geometries.

    Bind values may be shapely geometries, WKB ``bytes`` (already encoded, e.g. by
    :func:`to_wkb` for bulk writes) or ``None``. Result values are shapely
    geometries or ``None``.
    """

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        """Use PostGIS ``geometry`` on PostgreSQL, a BLOB elsewhere."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGISGeometry())
        return dialect.type_descriptor(LargeBinary())

    def bind_expression(self, bindvalue: Any) -> ColumnElement[Any]:
        """Wrap the parameter in ``ST_GeomFromWKB(:p, 4326)`` on PostgreSQL."""
        return _GeomFromWKB(bindvalue)

    def column_expression(self, column: Any) -> ColumnElement[Any]:
        """Select ``ST_AsBinary(col)`` on PostgreSQL."""
        return _GeomAsWKB(column)

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        """Encode a shapely geometry as WKB; pass WKB bytes and ``None`` through."""
        if value is None or isinstance(value, bytes):
            return value
        if isinstance(value, bytearray | memoryview):
            return bytes(value)
        if isinstance(value, BaseGeometry):
            return to_wkb(value)
        msg = f"expected a shapely geometry or WKB bytes, got {type(value).__name__}"
        raise TypeError(msg)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        """Decode WKB into a shapely geometry."""
        if value is None:
            return None
        return shapely.from_wkb(bytes(value))


class GeometryWKB(Geometry):
    """Like :class:`Geometry` but returns the driver's raw WKB, for vectorised decoding.

    No per-row processing: values come back as the driver gives them (``bytes``
    from sqlite3 and psycopg 3; a ``memoryview`` from some drivers), and the reader
    decodes a whole column at once (:func:`wkb_array`).
    """

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> None:
        """Return no processor: the raw values are decoded per column by the reader."""
        return None


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and returned as an aware UTC datetime.

    Naive datetimes are taken to be UTC already. Callers holding local times
    (e.g. Asia/Shanghai) should attach their zone before writing.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        """Use ``timestamptz`` on PostgreSQL, a plain datetime elsewhere."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Normalise to UTC (naive on SQLite, aware on PostgreSQL)."""
        if value is None:
            return None
        if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
            value = value.to_pydatetime()
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if not isinstance(value, dt.datetime):
            if isinstance(value, dt.date):
                value = dt.datetime(value.year, value.month, value.day)
            else:
                msg = f"expected a datetime, got {type(value).__name__}"
                raise TypeError(msg)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        if dialect.name == "postgresql":
            return value
        return value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def wkb_array(values: Sequence[Any]) -> np.ndarray:
    """Return an object array of WKB ``bytes`` (``None`` kept) from raw driver values."""
    values = list(values)
    if any(not (v is None or isinstance(v, bytes)) for v in values[:1000]):
        values = [None if v is None else bytes(v) for v in values]
    # fromiter, not np.array: numpy would unpack a memoryview (a buffer) into its bytes
    return np.fromiter(values, dtype=object, count=len(values))


#: A 2-D little-endian WKB point: byte order, geometry type, x, y (21 bytes).
_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def geometries_from_wkb(values: Sequence[Any]) -> np.ndarray:
    """Decode raw driver WKB values (``None`` kept) into an array of shapely geometries.

    The same as ``shapely.from_wkb(wkb_array(values))``, faster for points: when every
    value is a 2-D little-endian WKB point with real coordinates, the coordinates are
    read with one :func:`numpy.frombuffer` call and the points made by
    :func:`shapely.points` (a million points: a tenth of a second, not more than half a
    second).
    """
    wkb = wkb_array(values)
    xy = _point_xy(wkb.tolist())
    if xy is not None:
        return shapely.points(*xy)
    return shapely.from_wkb(wkb)


def points_xy_from_wkb(values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """Return (x, y) of raw WKB values that are all 2-D little-endian points, else ``None``.

    ``None`` as well for no values, a missing value or a NaN coordinate (which
    :func:`shapely.from_wkb` reads as POINT EMPTY).
    """
    return _point_xy(wkb_array(values).tolist())


def _point_xy(blobs: list[bytes | None]) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`points_xy_from_wkb` of values already made ``bytes`` (or ``None``)."""
    try:
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs))
    except TypeError:  # a None
        return None
    if not len(blobs) or not (lengths == _WKB_POINT.itemsize).all():
        return None
    raw = np.frombuffer(b"".join(blobs), dtype=_WKB_POINT)
    x, y = raw["x"], raw["y"]
    if (raw["order"] == 1).all() and (raw["type"] == 1).all() and not (
            np.isnan(x).any() or np.isnan(y).any()):
        return np.ascontiguousarray(x), np.ascontiguousarray(y)
    return None
