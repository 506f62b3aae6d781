"""The :class:`Store`: every read and write of gridmap data goes through here.

One class serves both backends: an SQLite file (the embedded default, stdlib
driver) and PostgreSQL + PostGIS (``postgresql+psycopg://`` URLs). Geometries
travel as shapely objects in EPSG:4326; layers travel as (Geo)DataFrames with
the canonical columns of :data:`gridmap.model.LAYERS`.

Every write runs in one transaction and writes its audit row in the same
transaction. Edits of single rows carry the row ``version`` they read; a stale
version raises :class:`~gridmap.errors.ConflictError` instead of overwriting
somebody else's change. Database failures reach callers as
:class:`~gridmap.errors.StoreError`, bad data as
:class:`~gridmap.errors.InputError`; never as raw SQLAlchemy exceptions.

The store does no geometry calculations.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Table,
    Text,
    and_,
    case,
    cast,
    create_engine,
    delete,
    event,
    exc,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url

from gridmap.errors import (
    ConflictError,
    CRSError,
    GridmapError,
    InputError,
    NotFound,
    StoreError,
)
from gridmap.model import LAYERS, POINT_KINDS, Column, layer_spec
from gridmap.store import schema, spatial
from gridmap.store.types import Geometry, GeometryWKB, UTCDateTime, to_wkb

__all__ = ["Store", "default_url", "open_store"]

#: Rows per ``executemany`` batch in :meth:`Store.write_layer`.
CHUNK_ROWS = 10_000

#: Point layer -> the canonical column stored in ``points.subtype``.
POINT_SUBTYPE = {"boards": "board_type", "fitness": "equipment_type", "bins": "bin_type"}

#: Point kind -> prefix of generated point codes (B0000001, F0000001, X0000001).
POINT_CODE_PREFIX = {"board": "B", "fitness": "F", "bin": "X"}
_POINT_CODE_DIGITS = 7
_WORKER_CODE_PREFIX = "W"
_WORKER_CODE_DIGITS = 4

#: Order in which roles are listed (grid head first).
_ROLE_ORDER = {"grid_head": 0, "full_time": 1, "part_time": 2, "volunteer": 3}

#: Key of the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK = 0x67726964  # "grid"

#: Free bytes below which an SQLite I/O error is reported as a full disk.
_FULL_DISK_BYTES = 64 * 1024

#: Key of the PostgreSQL advisory lock held by :meth:`Store.startup_lock`.
_STARTUP_LOCK = _MIGRATION_LOCK + 1

#: Tables written only through dedicated calls, never through insert/update/delete.
_PROTECTED_TABLES = {"audit_log", "alembic_version"}

#: Columns never copied into audit rows.
_SECRET_COLUMNS = {"password_hash"}

_T = TypeVar("_T")


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


# --------------------------------------------------------------------------- URLs


def default_url() -> str:
    """Return the store URL to use when none is given.

    The ``GRIDMAP_DB`` environment variable wins; otherwise an SQLite file
    ``gridmap.sqlite`` in the user's data directory (created if missing).

    Returns
    -------
    str
        An SQLAlchemy database URL.

    Raises
    ------
    gridmap.errors.StoreError
        If the data directory cannot be created.
    """
    env = os.environ.get("GRIDMAP_DB", "").strip()
    if env:
        return env
    import platformdirs

    folder = Path(platformdirs.user_data_dir("gridmap", appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        msg = f"cannot create the data folder {folder}: {err.strerror or err}"
        raise StoreError(msg) from None
    return f"sqlite:///{(folder / 'gridmap.sqlite').as_posix()}"


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open the store at ``url`` (default: :func:`default_url`) and bring its schema up to date.

    Parameters
    ----------
    url
        Database URL: ``sqlite:///path`` or ``postgresql+psycopg://user:pw@host/db``.
    upgrade
        Run the Alembic migrations to the newest revision (creates an empty store).

    Returns
    -------
    Store
        The open store.

    Raises
    ------
    gridmap.errors.StoreError
        If the store cannot be reached or upgraded.
    """
    store = Store(url)
    if upgrade:
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
    return store


def _reason(err: BaseException) -> str:
    """Short, user-readable text of a database error."""
    orig = getattr(err, "orig", None) or err
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("(Background", "[SQL", "[parameters"))]
    return " ".join(lines[:2]) or type(orig).__name__


#: SQLSTATE classes and codes of PostgreSQL errors meaning "the server went away or is not
#: accepting connections" (08: connection exception; 57P01-57P03: shutdown, crash, starting up).
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
_UNREACHABLE_WORDS = (
    "connection refused",
    "connection failed",
    "could not connect",
    "terminating connection",
    "server closed the connection",
    "connection is closed",
    "connection timeout",
    "timeout expired",
    "the database system is",  # ... starting up / shutting down / in recovery mode
    "consuming input failed",
    "no route to host",
    "could not translate host name",
)


def _fault(err: BaseException, reason: str) -> str | None:
    """Classify a database error: ``"full"``, ``"read-only"``, ``"unreachable"`` or ``None``."""
    orig = getattr(err, "orig", None)
    sqlstate = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    low = reason.lower()
    if sqlstate in ("53100", "53400") or "disk is full" in low or "no space left" in low:
        return "full"
    if sqlstate == "25006" or "readonly database" in low or "read-only" in low:
        return "read-only"
    if (
        getattr(err, "connection_invalidated", False)
        or sqlstate.startswith(_UNREACHABLE_SQLSTATES)
        or any(word in low for word in _UNREACHABLE_WORDS)
    ):
        return "unreachable"
    return None


#: Audit ids counted by :meth:`Store.data_stamp` (far more than writes in flight at once).
STAMP_WINDOW = 10_000


def _guard(method: Callable[..., _T]) -> Callable[..., _T]:
    """Turn database exceptions escaping a public method into gridmap errors."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except GridmapError:
            raise
        except exc.IntegrityError as err:
            msg = f"the change conflicts with data already in the store: {_reason(err)}"
            raise InputError(msg) from None
        except (exc.DBAPIError, exc.ResourceClosedError) as err:
            raise self._store_error(err) from None

    return wrapper


# --------------------------------------------------------------------------- values


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return (
        value is pd.NA or value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value))
    )


class _BadValueError(Exception):
    """Internal: a cell that cannot be converted; carries the 0-based row."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index
        self.message = message


_TRUE = {"true", "1", "yes", "y", "t", "是", "有", "√"}
_FALSE = {"false", "0", "no", "n", "f", "否", "无", "×"}


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    if isinstance(value, float | np.floating) and value in (0.0, 1.0):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        raise ValueError(value)
    if isinstance(value, int | np.integer):
        return int(value)
    number = float(value.strip()) if isinstance(value, str) else float(value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def _to_float(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise ValueError(value)
    return float(value.strip()) if isinstance(value, str) else float(value)


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64 | str):
        return pd.Timestamp(value.strip() if isinstance(value, str) else value).date()
    raise ValueError(value)


def _to_datetime(value: Any) -> dt.datetime:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64 | str):
        return pd.Timestamp(value.strip() if isinstance(value, str) else value).to_pydatetime()
    raise ValueError(value)


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))  # codes read as numbers by spreadsheets
    return str(value)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": _to_str,
    "enum": _to_str,
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "date": _to_date,
    "datetime": _to_datetime,
}

_DTYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "yes/no",
    "date": "a date",
    "datetime": "a date and time",
}


def _python_list(series: pd.Series) -> list[Any]:
    """Values of ``series`` as Python objects, ``None`` for missing ones."""
    return series.astype(object).where(series.notna(), None).tolist()


def _clean_column(series: pd.Series, column: Column) -> list[Any]:
    """Convert one frame column to Python values of the column's dtype.

    Raises ``_BadValueError`` for the first cell that cannot be converted.
    """
    dtype = column.dtype
    # fast paths for plain numpy columns (nullable pandas dtypes hold pd.NA: converted below)
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""
    if dtype == "int" and kind and kind in "iu":
        return series.tolist()
    if dtype == "float" and kind and kind in "fiu":
        return [None if v != v else v for v in series.astype(float).tolist()]
    if dtype == "bool" and kind == "b":
        return series.tolist()
    if dtype == "date" and kind == "M":
        return _python_list(series.dt.date)
    values = _python_list(series)
    if dtype in ("str", "enum") and isinstance(series.dtype, pd.StringDtype):
        return values
    convert = _CONVERTERS.get(dtype, _to_str)
    out: list[Any] = []
    append = out.append
    for i, value in enumerate(values):
        if _missing(value):
            append(None)
            continue
        if dtype in ("str", "enum") and isinstance(value, str):
            append(value)
            continue
        try:
            append(convert(value))
        except (ValueError, TypeError, OverflowError):
            word = _DTYPE_WORDS.get(dtype, "text")
            raise _BadValueError(i, f"column {column.name!r}: {value!r} is not {word}") from None
    return out


def _enum_lookup(column: Column) -> dict[str, str]:
    """Map every accepted spelling (case-folded) of an enum column to its canonical value."""
    lookup: dict[str, str] = {}
    for canonical, aliases in column.choices.items():
        for word in (canonical, *aliases):
            lookup.setdefault(word.strip().casefold(), canonical)
    return lookup


def _canonical_enum(values: list[Any], column: Column) -> list[Any]:
    """Map enum spellings to canonical values; raise ``_BadValueError`` for unknown ones."""
    if not column.choices:
        return values
    canonical = set(column.choices)
    if all(v is None or v in canonical for v in values):
        return values
    lookup = _enum_lookup(column)
    out = []
    for i, value in enumerate(values):
        if value is None or value in canonical:
            out.append(value)
            continue
        mapped = lookup.get(str(value).strip().casefold())
        if mapped is None:
            allowed = ", ".join(column.choices)
            raise _BadValueError(
                i, f"column {column.name!r}: unknown value {value!r} (allowed: {allowed})"
            )
        out.append(mapped)
    return out


def _jsonable(value: Any) -> Any:
    """Return a JSON-safe form of a column value, for audit rows and JSON attributes."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, BaseGeometry):
        return shapely.to_wkt(value, rounding_precision=7, output_dimension=2)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def _audit_json(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Audit form of a row: JSON-safe, without secrets and binary blobs."""
    if row is None:
        return None
    out = {}
    for key, value in row.items():
        if key in _SECRET_COLUMNS:
            out[key] = "***"
        elif isinstance(value, bytes | bytearray | memoryview):
            continue
        else:
            out[key] = _jsonable(value)
    return out


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _valid_on(table: Table, day: dt.date) -> Any:
    """Return the SQL condition "assignment valid on ``day``" (NULL dates are open-ended)."""
    return and_(
        or_(table.c.valid_from.is_(None), table.c.valid_from <= day),
        or_(table.c.valid_to.is_(None), table.c.valid_to >= day),
    )


def _series(values: list[Any], dtype: str) -> pd.Series:
    """Build a column of read_layer output with the pandas dtype for ``dtype``."""
    if dtype in ("str", "enum"):
        return pd.Series(values, dtype="str")
    if dtype == "int":
        return pd.Series(values, dtype="Int64")
    if dtype == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if dtype == "bool":
        return pd.Series(values, dtype="boolean")
    if dtype == "date":
        return pd.Series([None if v is None else _to_date(v) for v in values], dtype=object)
    if dtype == "datetime":
        return pd.Series(
            pd.to_datetime(values, utc=True) if values else [], dtype="datetime64[us, UTC]"
        )
    return pd.Series(values, dtype=object)


def _sql_dtype(column: Any) -> str:
    """read_layer dtype of a non-canonical table column."""
    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, UTCDateTime):
        return "datetime"
    if isinstance(column.type, Date):
        return "date"
    if isinstance(column.type, Integer):
        return "int"
    return "str"


def _first(indexes: Iterator[int]) -> int | None:
    return next(indexes, None)


# --------------------------------------------------------------------------- Store


class Store:
    """Access to one gridmap database (SQLite file or PostgreSQL/PostGIS).

    Parameters
    ----------
    url
        Database URL; ``None`` uses :func:`default_url`. Opening checks that the
        database can be reached but does not create the schema: call
        :meth:`upgrade` (or use :func:`open_store`).

    Raises
    ------
    gridmap.errors.StoreError
        If the URL is invalid, the driver is missing, or the database cannot be
        opened (unreachable server, missing or read-only folder).

    Attributes
    ----------
    url : str
        The database URL as given (may contain a password).
    safe_url : str
        The URL with the password replaced by ``***``, for messages and logs.
    dialect : str
        ``"sqlite"`` or ``"postgresql"``.
    engine : sqlalchemy.engine.Engine
        The SQLAlchemy engine.
    """

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        try:
            parsed = make_url(self.url)
        except (exc.ArgumentError, ValueError):
            msg = (
                f"not a database URL: {self.url!r} (use sqlite:///path or postgresql+psycopg://...)"
            )
            raise StoreError(msg) from None
        self.safe_url = parsed.render_as_string(hide_password=True)
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            msg = (
                f"unsupported database {self.dialect!r} in {self.safe_url}: "
                "use SQLite or PostgreSQL"
            )
            raise StoreError(msg)
        self.engine = self._create_engine(parsed)
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except exc.DBAPIError as err:
            self.engine.dispose()
            raise self._store_error(err) from None

    def __repr__(self) -> str:
        return f"Store({self.safe_url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close all pooled database connections."""
        self.engine.dispose()

    # ----------------------------------------------------------------- engine

    def _create_engine(self, parsed: Any) -> Engine:
        kwargs: dict[str, Any] = {}
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["connect_args"] = {"connect_timeout": 10}
            kwargs["pool_pre_ping"] = True
        try:
            engine = create_engine(parsed, **kwargs)
        except (exc.NoSuchModuleError, ImportError) as err:
            hint = " (pip install 'gridmap[postgis]')" if self.dialect == "postgresql" else ""
            msg = f"cannot open {self.safe_url}: database driver not available{hint}: {err}"
            raise StoreError(msg) from None
        except exc.ArgumentError as err:
            msg = f"cannot open {self.safe_url}: {err}"
            raise StoreError(msg) from None
        if self.dialect == "sqlite":
            _configure_sqlite(engine)
        return engine

    def _store_error(self, err: BaseException) -> StoreError:
        reason = _reason(err)
        fault = _fault(err, reason)
        if fault is None and self.dialect == "sqlite" and self._sqlite_disk_full():
            fault = "full"  # SQLite reports a full disk as an I/O error when opening
        if "no such table" in reason or ("does not exist" in reason and "relation" in reason):
            msg = (
                f"{self.safe_url} is not an initialised gridmap store ({reason}); "
                "run `gridmap init` first"
            )
        elif fault == "full":
            msg = (
                f"the store {self.safe_url} is full ({reason}); nothing was saved. "
                "Free disk space (or raise the database's size limit) and try again."
            )
        elif fault == "read-only":
            msg = (
                f"the store {self.safe_url} is read-only ({reason}); nothing was saved. "
                "Make the store file and its folder writable (or connect to the primary "
                "database server), then try again."
            )
        elif fault == "unreachable":
            msg = (
                f"cannot use the database {self.safe_url}: the store is unreachable ({reason}). "
                "A change in progress was rolled back; check that the database server is "
                "running, then try again."
            )
        elif self.dialect == "sqlite":
            msg = (
                f"cannot use the SQLite store {self.safe_url}: {reason}. "
                "Check that its folder exists and is writable."
            )
        else:
            msg = f"cannot use the database {self.safe_url}: {reason}"
        return StoreError(msg)

    def _sqlite_disk_full(self) -> bool:
        """Whether the disk holding the SQLite file has (almost) no space left."""
        database = make_url(self.url).database or ""
        if database.startswith("file:"):  # URI filename: file:path?mode=ro
            database = database[len("file:") :].split("?", 1)[0]
        if not database or database == ":memory:":
            return False
        try:
            free = shutil.disk_usage(Path(database).resolve().parent).free
        except OSError:
            return False
        return free < _FULL_DISK_BYTES

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except exc.DBAPIError as err:
            if isinstance(err, exc.IntegrityError):
                raise
            raise self._store_error(err) from None

    @contextmanager
    def _write(self, conn: Connection | None = None) -> Iterator[Connection]:
        """Open a write transaction (``BEGIN IMMEDIATE`` on SQLite), or reuse ``conn``."""
        if conn is not None:
            yield conn
            return
        try:
            with self.engine.connect() as new:
                new.execution_options(gridmap_write=True)
                with new.begin():
                    yield new
        except exc.DBAPIError as err:
            if isinstance(err, exc.IntegrityError):
                raise
            raise self._store_error(err) from None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Run several writes in one transaction.

        Yields
        ------
        sqlalchemy.engine.Connection
            Pass it as ``conn=`` to :meth:`insert`, :meth:`update`, :meth:`delete`
            and :meth:`audit`, or execute Core statements on it. Everything is
            committed when the block ends and rolled back if it raises.

        Raises
        ------
        gridmap.errors.StoreError
            If the database fails.
        """
        try:
            with self._write() as conn:
                yield conn
        except exc.IntegrityError as err:
            msg = f"the change conflicts with data already in the store: {_reason(err)}"
            raise InputError(msg) from None

    @contextmanager
    def startup_lock(self) -> Iterator[None]:
        """Hold a lock that one process at a time gets, for start-up work such as the demo load.

        Several ``gridmap serve`` processes started at once on one PostgreSQL store
        would otherwise all find it empty and load the demo street (or create the
        admin user) together. On PostgreSQL this is a session-level advisory lock on
        a connection of its own, released when the block ends (or when the process
        dies); on SQLite, a single-host store, it does nothing.

        Raises
        ------
        gridmap.errors.StoreError
            If the database cannot be reached.
        """
        if self.dialect != "postgresql":
            yield
            return
        with self._connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _STARTUP_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _STARTUP_LOCK})
                conn.commit()

    # ----------------------------------------------------------------- schema

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        config = Config()
        folder = str(Path(__file__).with_name("migrations"))
        config.set_main_option("script_location", folder.replace("%", "%%"))  # configparser
        return config

    @_guard
    def upgrade(self, *, revision: str = "head") -> None:
        """Create or upgrade the schema to the newest Alembic revision.

        Safe to call on every start; several processes may call it at once
        (PostgreSQL serialises them with an advisory lock, SQLite with its write lock).
        All migrations run in one transaction: a failed upgrade leaves the store as it was.

        Parameters
        ----------
        revision
            Stop at this revision instead of the newest (for tests and staged upgrades).

        Raises
        ------
        gridmap.errors.StoreError
            If the database cannot be written, or was created by a newer gridmap.
        """
        from alembic import command
        from alembic.util.exc import CommandError

        config = self._alembic_config()
        try:
            with self._write() as conn:
                if self.dialect == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
        except CommandError as err:
            msg = (
                f"cannot upgrade {self.safe_url}: {err}. "
                "The store may have been written by a newer gridmap; upgrade gridmap."
            )
            raise StoreError(msg) from None

    @_guard
    def schema_version(self) -> str | None:
        """Return the Alembic revision of the store, or ``None`` if it has no schema yet."""
        from alembic.migration import MigrationContext

        with self._connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_version(self) -> str:
        """Return the newest schema revision this gridmap knows."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def needs_upgrade(self) -> bool:
        """Whether :meth:`upgrade` would change the schema."""
        return self.schema_version() != self.head_version()

    @_guard
    def is_empty(self) -> bool:
        """Whether the store holds no communities (or has no schema yet)."""
        if self.schema_version() is None:
            return True
        with self._connect() as conn:
            return not conn.execute(select(schema.communities.c.id).limit(1)).first()

    @_guard
    def counts(self) -> dict[str, int]:
        """Return the number of rows of every layer of :data:`~gridmap.model.LAYERS` and ``users``.

        Point layers count rows of ``points`` of their kind, retired ones included.
        """
        out: dict[str, int] = {}
        with self._connect() as conn:
            by_kind = dict(
                conn.execute(
                    select(schema.points.c.kind, func.count()).group_by(schema.points.c.kind)
                ).all()
            )
            for layer in LAYERS:
                if layer in POINT_KINDS:
                    out[layer] = int(by_kind.get(POINT_KINDS[layer], 0))
                else:
                    table = schema.LAYER_TABLES[layer]
                    out[layer] = int(conn.execute(select(func.count()).select_from(table)).scalar())
            out["users"] = int(
                conn.execute(select(func.count()).select_from(schema.users)).scalar()
            )
        return out

    # ----------------------------------------------------------------- meta

    @_guard
    def set_meta(self, key: str, value: str | None) -> None:
        """Store a setting (``meta`` table), replacing any previous value."""
        with self._write() as conn:
            done = conn.execute(
                update(schema.meta).where(schema.meta.c.key == key).values(value=value)
            ).rowcount
            if not done:
                conn.execute(insert(schema.meta).values(key=key, value=value))

    @_guard
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """Return a setting from the ``meta`` table, or ``default``."""
        with self._connect() as conn:
            row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).first()
        return default if row is None else row[0]

    # ----------------------------------------------------------------- layers

    @_guard
    def read_layer(
        self,
        layer: str,
        *,
        as_of: dt.date | None = None,
        include_retired: bool = False,
        bbox: Sequence[float] | None = None,
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
        source: Any = table
        dtypes: dict[str, str] = {"id": "int"}
        for column in spec.columns:
            dtypes[column.name] = column.dtype
            if column.name in refs:
                ref = refs[column.name]
                target = ref.target.alias(f"ref_{column.name}")
                source = source.outerjoin(target, table.c[ref.fk] == target.c.id)
                selected.append(target.c[ref.by].label(column.name))
            elif layer == "communities" and column.name == "street":
                street = schema.streets.alias("ref_street")
                source = source.outerjoin(street, table.c.street_id == street.c.id)
                selected.append(street.c.name.label("street"))
            elif column.name == subtype:
                selected.append(table.c.subtype.label(column.name))
            elif column.name in attr_columns:
                continue
            else:
                selected.append(table.c[column.name].label(column.name))
        if attr_columns:
            # JSON text, decoded below in one call rather than one call per row
            selected.append(cast(table.c.attrs, Text).label("__attrs"))
        for name in _EXTRA_COLUMNS.get(layer, ()):
            selected.append(table.c[name].label(name))
            dtypes[name] = _sql_dtype(table.c[name])
        if "version" in table.c:
            selected.append(table.c.version.label("version"))
            dtypes["version"] = "int"
        has_geom = "geom" in table.c
        if has_geom:
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
            stmt = stmt.where(_valid_on(table, as_of))
        if bbox is not None:
            stmt = stmt.where(spatial.bbox_condition(self.dialect, table, bbox))

        with self._connect() as conn:
            result = conn.execute(stmt)
            keys = list(result.keys())
            rows = result.all()
        columns = (
            dict(zip(keys, zip(*rows, strict=True), strict=True)) if rows else {k: () for k in keys}
        )

        attrs = _decode_json_texts(columns.pop("__attrs", ()))
        wkb = columns.pop("__geom", None)
        data: dict[str, pd.Series] = {}
        for name, dtype in dtypes.items():
            if name in attr_columns:
                values = [None if a is None else a.get(name) for a in attrs]
                if dtype in ("date", "datetime"):
                    values = [None if v is None else _CONVERTERS[dtype](v) for v in values]
            else:
                values = list(columns[name])
            data[name] = _series(values, dtype)
        frame = pd.DataFrame(data)
        if not has_geom:
            return frame
        geoms = shapely.from_wkb(np.array(list(wkb or ()), dtype=object))
        if bbox is not None:  # the index boxes are rounded outwards: make the answer exact
            keep = spatial.bounds_intersect(geoms, bbox)
            frame, geoms = frame[keep].reset_index(drop=True), geoms[keep]
        return gpd.GeoDataFrame(
            frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
        )

    @_guard
    def write_layer(
        self,
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
        spec = layer_spec(layer)
        table = schema.LAYER_TABLES[layer]
        n = len(frame)
        values, wkb = self._prepare(layer, frame, file)
        now = _utcnow()
        with self._write() as conn:
            replaced = self._delete_layer(conn, layer, file) if replace else 0
            try:
                self._resolve(conn, layer, values, file)
            except _BadValueError as bad:
                raise InputError(bad.message, file=file, row=bad.index + 1) from None
            self._check_required(table, spec.name, values, file)
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
            try:
                with spatial.bulk_insert(conn, table.name):
                    _bulk_insert(conn, table, values, constants, n)
            except exc.IntegrityError as err:
                msg = f"{layer} could not be stored: {_reason(err)}"
                raise InputError(msg, file=file) from None
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
            self.audit("import", username=username, table=table.name, note=note, conn=conn, at=now)
        return n

    def _prepare(
        self, layer: str, frame: pd.DataFrame, file: str | None
    ) -> tuple[dict[str, list[Any]], Any]:
        """Validate and convert a canonical frame to column lists (no database access)."""
        spec = layer_spec(layer)
        n = len(frame)
        values: dict[str, list[Any]] = {}
        for column in spec.columns:
            if column.name in frame.columns:
                try:
                    cleaned = _clean_column(frame[column.name], column)
                    if column.dtype == "enum":
                        cleaned = _canonical_enum(cleaned, column)
                except _BadValueError as bad:
                    raise InputError(bad.message, file=file, row=bad.index + 1) from None
            else:
                cleaned = [None] * n
            if column.default is not None and not column.required:
                cleaned = [column.default if v is None else v for v in cleaned]
            if column.required:
                bad = _first(i for i, v in enumerate(cleaned) if v is None or v == "")
                if bad is not None:
                    msg = f"column {column.name!r} is required but empty"
                    raise InputError(msg, file=file, row=bad + 1)
            values[column.name] = cleaned

        wkb = None
        spec_geometry = spec.geometry
        if spec_geometry is not None:
            if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
                msg = f"{layer} needs geometries: pass a GeoDataFrame in EPSG:4326"
                raise InputError(msg, file=file)
            crs = frame.crs
            if crs is not None and crs.to_epsg() not in (4326, 4490):
                msg = (
                    f"{layer} is in {crs.to_string()}, the store takes EPSG:4326 lon/lat; "
                    "convert it first"
                )
                raise CRSError(msg, file=file)
            geoms = np.asarray(frame.geometry.values, dtype=object)
            missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
            if layer != "issues" and missing.any():
                bad = int(np.flatnonzero(missing)[0])
                raise InputError("the row has no geometry", file=file, row=bad + 1)
            wkb = to_wkb(geoms).tolist() if n else []
        if layer in POINT_KINDS:
            values = self._point_values(layer, values)
        return values, wkb

    @staticmethod
    def _point_values(layer: str, values: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """Canonical point columns -> ``points`` columns (kind, subtype, attrs JSON)."""
        n = len(next(iter(values.values())))
        attr_names = _point_attr_columns(layer)
        attr_lists = [values.pop(name) for name in attr_names]
        attrs: list[dict[str, Any] | None] = []
        for row in zip(*attr_lists, strict=True) if attr_lists else [()] * n:
            doc = {k: _jsonable(v) for k, v in zip(attr_names, row, strict=True) if v is not None}
            attrs.append(doc or None)
        values["subtype"] = values.pop(POINT_SUBTYPE[layer])
        values["attrs"] = attrs
        return values

    def _resolve(
        self, conn: Connection, layer: str, values: dict[str, list[Any]], file: str | None
    ) -> None:
        """Replace reference codes by ids, generate codes, check unique keys (in place)."""
        table = schema.LAYER_TABLES[layer]
        for name, ref in _REFS.get(layer, {}).items():
            codes = values.pop(name)
            values[ref.fk] = self._lookup(conn, ref, codes, name)
        if layer == "communities":
            values["street_id"] = self._street_ids(conn, values.pop("street"), values["code"])
        if "code" in values and layer in ("workers", *POINT_KINDS):
            values["code"] = self._fill_codes(conn, layer, values["code"])
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
                    msg = f"{column.name} {value!r} is already in the store ({table.name})"
                    raise _BadValueError(i, msg)
                if value in seen:
                    msg = f"{column.name} {value!r} appears more than once in the file"
                    raise _BadValueError(i, msg)
                seen.add(value)

    @staticmethod
    def _lookup(conn: Connection, ref: _Ref, codes: list[Any], name: str) -> list[Any]:
        """Map reference codes to ids; ``_BadValueError`` for the first unknown or ambiguous one."""
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
                msg = f"{name} {code!r} matches several {target.name}; use a unique {ref.by}"
                raise _BadValueError(i, msg)
            found = primary.get(code)
            if found is None and ref.alt is not None:
                if alternative is None:
                    alternative = index(ref.alt)
                if code in alternative[1]:
                    msg = (
                        f"{name} {code!r} matches several {target.name} by {ref.alt}; "
                        f"use the {ref.by}"
                    )
                    raise _BadValueError(i, msg)
                found = alternative[0].get(code)
            if found is None:
                msg = f"unknown {name} {code!r}: no such {ref.by} in {target.name}"
                raise _BadValueError(i, msg)
            ids.append(found)
        return ids

    @staticmethod
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
        now = _utcnow()
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

    @staticmethod
    def _fill_codes(conn: Connection, layer: str, codes: list[Any]) -> list[Any]:
        """Generate W0001-style worker codes and B/F/X0000001-style point codes where empty."""
        if all(c is not None for c in codes):
            return codes
        if layer == "workers":
            prefix, digits, column = _WORKER_CODE_PREFIX, _WORKER_CODE_DIGITS, schema.workers.c.code
        else:
            prefix = POINT_CODE_PREFIX[POINT_KINDS[layer]]
            digits, column = _POINT_CODE_DIGITS, schema.points.c.code
        pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
        taken = [c for (c,) in conn.execute(select(column).where(column.like(f"{prefix}%")))]
        taken += [c for c in codes if c is not None]
        numbers = [int(m.group(1)) for c in taken if (m := pattern.match(c))]
        counter = max(numbers, default=0)
        out = []
        for code in codes:
            if code is None:
                counter += 1
                code = f"{prefix}{counter:0{digits}d}"
            out.append(code)
        return out

    @staticmethod
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
                msg = f"{layer}: column {name!r} is empty"
                if name == "code" and layer == "grids":
                    msg += "; number the grids (gridmap.grids) before storing them"
                raise InputError(msg, file=file, row=bad + 1)

    def _layer_condition(self, layer: str) -> Any:
        table = schema.LAYER_TABLES[layer]
        if layer in POINT_KINDS:
            return table.c.kind == POINT_KINDS[layer]
        return None

    def _references(self, conn: Connection, table: Table, ids: Any) -> list[tuple[str, int]]:
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

    def _delete_layer(self, conn: Connection, layer: str, file: str | None) -> int:
        """Delete all rows of ``layer``; refuse when other rows refer to them."""
        table = schema.LAYER_TABLES[layer]
        condition = self._layer_condition(layer)
        ids = select(table.c.id)
        if condition is not None:
            ids = ids.where(condition)
        refs = self._references(conn, table, ids)
        if refs:
            what = ", ".join(f"{count} rows of {name}" for name, count in refs)
            msg = f"cannot replace {layer}: {what} refer to them; remove those first"
            raise InputError(msg, file=file)
        stmt = delete(table)
        if condition is not None:
            stmt = stmt.where(condition)
        return conn.execute(stmt).rowcount

    # ----------------------------------------------------------------- rows

    def _table(self, name: str) -> Table:
        table = schema.metadata.tables.get(name)
        if table is None and name in schema.LAYER_TABLES:
            table = schema.LAYER_TABLES[name]
        if table is None:
            msg = f"unknown table {name!r}"
            raise InputError(msg)
        return table

    def _editable_table(self, name: str) -> Table:
        table = self._table(name)
        if table.name in _PROTECTED_TABLES:
            msg = f"{table.name} is written by the store itself"
            raise InputError(msg)
        return table

    @staticmethod
    def _row(
        conn: Connection, table: Table, row_id: int, *, lock: bool = False
    ) -> dict[str, Any] | None:
        stmt = select(table).where(table.c.id == row_id)
        if lock:
            stmt = stmt.with_for_update()
        row = conn.execute(stmt).mappings().first()
        return None if row is None else dict(row)

    @staticmethod
    def _check_columns(table: Table, values: Mapping[str, Any], forbidden: Sequence[str]) -> None:
        unknown = [k for k in values if k not in table.c]
        if unknown:
            msg = f"{table.name} has no column {', '.join(map(repr, unknown))}"
            raise InputError(msg)
        bad = [k for k in values if k in forbidden]
        if bad:
            msg = f"{', '.join(map(repr, bad))} of {table.name} cannot be set directly"
            raise InputError(msg)

    @_guard
    def get(self, table: str, row_id: int) -> dict[str, Any]:
        """Return one row as a dict (geometry as shapely, JSON as Python objects).

        Parameters
        ----------
        table
            A table name of :mod:`gridmap.store.schema` (or a layer name).
        row_id
            The row's ``id``.

        Raises
        ------
        gridmap.errors.NotFound
            If there is no such row.
        """
        t = self._table(table)
        with self._connect() as conn:
            row = self._row(conn, t, row_id)
        if row is None:
            msg = f"{t.name} row {row_id} does not exist"
            raise NotFound(msg)
        return row

    @_guard
    def insert(
        self,
        table: str,
        values: Mapping[str, Any],
        *,
        username: str,
        conn: Connection | None = None,
    ) -> int:
        """Insert one row and audit it.

        Parameters
        ----------
        table
            A table name (or a layer name).
        values
            Column values (``id``s for references, shapely geometry for ``geom``).
            ``version``, ``created_at`` and ``updated_at`` are set by the store; a
            missing worker or point ``code`` is generated.
        username
            Who writes, for the audit log.
        conn
            A connection from :meth:`transaction` to write in that transaction.

        Returns
        -------
        int
            The new row's ``id``.

        Raises
        ------
        gridmap.errors.InputError
            Unknown column, duplicate key, unknown reference or missing value.
        """
        t = self._editable_table(table)
        self._check_columns(t, values, ("id", "version"))
        row = dict(values)
        now = _utcnow()
        if "version" in t.c:
            row["version"] = 1
        for name in ("created_at", "updated_at"):
            if name in t.c and row.get(name) is None:
                row[name] = now
        with self._write(conn) as c:
            if t is schema.workers and row.get("code") is None:
                row["code"] = self._fill_codes(c, "workers", [None])[0]
            if t is schema.points and row.get("code") is None:
                layer = {v: k for k, v in POINT_KINDS.items()}.get(row.get("kind"))
                if layer is None:
                    msg = f"points need a kind: one of {', '.join(POINT_KINDS.values())}"
                    raise InputError(msg)
                row["code"] = self._fill_codes(c, layer, [None])[0]
            self._check_unique(c, t, row)
            try:
                with c.begin_nested():
                    row_id = c.execute(insert(t).values(**row)).inserted_primary_key[0]
            except exc.IntegrityError as err:
                msg = f"cannot add to {t.name}: {_reason(err)}"
                raise InputError(msg) from None
            after = self._row(c, t, row_id)
            self.audit(
                "insert", username=username, table=t.name, row_id=row_id, after=after, conn=c
            )
        return int(row_id)

    @staticmethod
    def _check_unique(
        conn: Connection, table: Table, row: Mapping[str, Any], row_id: int | None = None
    ) -> None:
        for column in table.c:
            if not column.unique or row.get(column.name) is None:
                continue
            stmt = select(table.c.id).where(column == row[column.name])
            if row_id is not None:
                stmt = stmt.where(table.c.id != row_id)
            if conn.execute(stmt.limit(1)).first():
                msg = f"{table.name}: {column.name} {row[column.name]!r} is already in the store"
                raise InputError(msg)

    @_guard
    def update(
        self,
        table: str,
        row_id: int,
        values: Mapping[str, Any],
        *,
        version: int,
        username: str,
        conn: Connection | None = None,
    ) -> int:
        """Change one row if nobody else changed it since it was read.

        Parameters
        ----------
        table
            A table name (or a layer name) with a ``version`` column.
        row_id
            The row's ``id``.
        values
            Columns to change.
        version
            The ``version`` of the row as the caller read it.
        username
            Who writes, for the audit log.
        conn
            A connection from :meth:`transaction`.

        Returns
        -------
        int
            The row's new version.

        Raises
        ------
        gridmap.errors.ConflictError
            If the row's version is no longer ``version`` (someone else saved
            first). The error's ``current_version`` holds the stored version.
        gridmap.errors.NotFound
            If the row does not exist.
        gridmap.errors.InputError
            Unknown column, duplicate key, or a table without versions.
        """
        t = self._versioned_table(table)
        self._check_columns(t, values, ("id", "version", "created_at"))
        with self._write(conn) as c:
            before = self._row(c, t, row_id, lock=True)
            self._check_version(t, row_id, before, version)
            row = dict(values)
            self._check_unique(c, t, row, row_id)
            if "updated_at" in t.c:
                row["updated_at"] = _utcnow()
            stmt = (
                update(t)
                .where(t.c.id == row_id, t.c.version == version)
                .values(**row, version=t.c.version + 1)
            )
            try:
                with c.begin_nested():
                    done = c.execute(stmt).rowcount
            except exc.IntegrityError as err:
                msg = f"cannot change {t.name} row {row_id}: {_reason(err)}"
                raise InputError(msg) from None
            if not done:  # changed between the locked read and the update: cannot happen
                self._check_version(t, row_id, self._row(c, t, row_id), version)
                msg = f"{t.name} row {row_id} could not be changed; reload it and try again"
                raise ConflictError(msg)
            after = self._row(c, t, row_id)
            self.audit(
                "update",
                username=username,
                table=t.name,
                row_id=row_id,
                before=before,
                after=after,
                conn=c,
            )
        return version + 1

    @_guard
    def delete(
        self,
        table: str,
        row_id: int,
        *,
        version: int,
        username: str,
        conn: Connection | None = None,
    ) -> None:
        """Delete one row if nobody else changed it since it was read.

        Raises
        ------
        gridmap.errors.ConflictError
            If the row's version is no longer ``version``.
        gridmap.errors.NotFound
            If the row does not exist.
        gridmap.errors.InputError
            If other rows refer to it, or the table has no versions.
        """
        t = self._versioned_table(table)
        with self._write(conn) as c:
            before = self._row(c, t, row_id, lock=True)
            self._check_version(t, row_id, before, version)
            refs = self._references(c, t, [row_id])
            if refs:
                what = ", ".join(f"{count} rows of {name}" for name, count in refs)
                msg = f"cannot delete {t.name} row {row_id}: {what} refer to it"
                raise InputError(msg)
            c.execute(delete(t).where(t.c.id == row_id, t.c.version == version))
            self.audit(
                "delete", username=username, table=t.name, row_id=row_id, before=before, conn=c
            )

    def _versioned_table(self, name: str) -> Table:
        t = self._editable_table(name)
        if "version" not in t.c:
            msg = f"{t.name} is append-only: its rows cannot be changed or deleted"
            raise InputError(msg)
        return t

    @staticmethod
    def _check_version(
        table: Table, row_id: int, row: Mapping[str, Any] | None, version: int
    ) -> None:
        if row is None:
            msg = f"{table.name} row {row_id} does not exist (deleted by someone else?)"
            raise NotFound(msg)
        if row["version"] != version:
            msg = (
                f"{table.name} row {row_id} was changed by someone else since you read it "
                f"(you read version {version}, the store has version {row['version']}); "
                "reload it and try again"
            )
            err = ConflictError(msg)
            err.current_version = row["version"]  # type: ignore[attr-defined]
            raise err

    # ----------------------------------------------------------------- audit

    @_guard
    def audit(
        self,
        action: str,
        *,
        username: str | None,
        table: str | None = None,
        row_id: int | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        note: str | None = None,
        conn: Connection | None = None,
        at: dt.datetime | None = None,
    ) -> int:
        """Write one audit row (e.g. for an export or a login).

        Parameters
        ----------
        action
            What happened: ``"export"``, ``"reassign"``, ``"login"`` ...
        username
            Who did it.
        table, row_id
            The table and row concerned, if any.
        before, after
            Row contents before and after; stored as JSON (geometry as WKT,
            dates ISO, password hashes masked, binary columns left out).
        note
            Free text.
        conn
            A connection from :meth:`transaction`.
        at
            When (default now, UTC).

        Returns
        -------
        int
            The audit row's id.
        """
        with self._write(conn) as c:
            result = c.execute(
                insert(schema.audit_log).values(
                    at=at or _utcnow(),
                    username=username,
                    action=action,
                    table_name=table,
                    row_id=row_id,
                    before=_audit_json(before),
                    after=_audit_json(after),
                    note=note,
                )
            )
            return int(result.inserted_primary_key[0])

    @_guard
    @_guard
    def data_stamp(self) -> tuple[int, int]:
        """Return ``(newest audit id, recent audit rows)``: it changes whenever data changes.

        Every write appends an audit row. The count of the rows among the newest
        :data:`STAMP_WINDOW` ids is part of the stamp because on PostgreSQL a
        transaction holding a lower id can commit after a higher id was already seen;
        the newest id alone would then miss it. Counting only that window keeps the
        stamp (read on every page rerun) a short primary-key range scan however long
        the audit log grows.
        """
        log = schema.audit_log
        with self._connect() as conn:
            newest = int(conn.execute(select(func.max(log.c.id))).scalar() or 0)
            rows = conn.execute(
                select(func.count()).where(log.c.id > newest - STAMP_WINDOW)).scalar()
        return newest, int(rows)

    def read_audit(
        self, *, table: str | None = None, row_id: int | None = None, limit: int = 200
    ) -> pd.DataFrame:
        """Return the newest audit rows first.

        Parameters
        ----------
        table
            Only rows about this table.
        row_id
            Only rows about this row id.
        limit
            At most this many rows.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, at, username, action, table_name, row_id, before, after, note``.
        """
        log = schema.audit_log
        stmt = select(log).order_by(log.c.id.desc()).limit(limit)
        if table is not None:
            stmt = stmt.where(log.c.table_name == self._table(table).name)
        if row_id is not None:
            stmt = stmt.where(log.c.row_id == row_id)
        with self._connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        names = [c.name for c in log.c]
        frame = pd.DataFrame([dict(r) for r in rows], columns=names)
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame

    # ----------------------------------------------------------------- users

    @_guard
    def find_user(self, username: str) -> dict[str, Any] | None:
        """Return the ``users`` row of ``username`` (password hash included), or ``None``."""
        users = schema.users
        with self._connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        return None if row is None else dict(row)

    @_guard
    def record_login(
        self,
        user_id: int,
        *,
        success: bool,
        at: dt.datetime | None = None,
        locked_until: dt.datetime | None = None,
        lock_after: int | None = None,
    ) -> None:
        """Count a login attempt and audit it.

        A success resets the failure count and the lock and sets ``last_login``;
        a failure adds one to ``failed_logins`` (atomically, so the count holds
        across app processes) and sets ``locked_until``. The row ``version`` is
        not changed: logins are not edits.

        Parameters
        ----------
        user_id
            The ``users.id``.
        success
            Whether the password was right.
        at
            When (default now, UTC).
        locked_until
            For a failure: refuse logins until then (``None``: no lock).
        lock_after
            With ``locked_until``: lock only when this failure brings the count to
            ``lock_after`` or more, decided in the same UPDATE, so processes failing
            at the same moment cannot slip past the limit.

        Raises
        ------
        gridmap.errors.NotFound
            If there is no such user.
        """
        users = schema.users
        at = at or _utcnow()
        if success:
            values: dict[str, Any] = {"failed_logins": 0, "last_login": at, "locked_until": None}
        else:
            lock: Any = locked_until
            if lock_after is not None and locked_until is not None:
                lock = case((users.c.failed_logins + 1 >= lock_after,
                             type_coerce(locked_until, users.c.locked_until.type)),
                            else_=users.c.locked_until)
            values = {"failed_logins": users.c.failed_logins + 1, "locked_until": lock}
        with self._write() as conn:
            name = conn.execute(select(users.c.username).where(users.c.id == user_id)).scalar()
            if name is None:
                msg = f"users row {user_id} does not exist"
                raise NotFound(msg)
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
            now_locked = conn.execute(
                select(users.c.locked_until).where(users.c.id == user_id)).scalar()
            note = None
            if not success and now_locked is not None and locked_until is not None:
                note = f"locked until {locked_until.isoformat()}"
            self.audit(
                "login" if success else "login_failed",
                username=name,
                table="users",
                row_id=user_id,
                note=note,
                conn=conn,
                at=at,
            )

    # ----------------------------------------------------------------- queries

    @_guard
    def workers_of(self, grid_code: str, *, on: dt.date | None = None) -> list[dict[str, Any]]:
        """Who was responsible for a grid on a date.

        Parameters
        ----------
        grid_code
            The grid's code.
        on
            The date (default today).

        Returns
        -------
        list of dict
            ``name, code, phone, role, valid_from, valid_to`` per worker, grid
            head first.

        Raises
        ------
        gridmap.errors.NotFound
            If there is no such grid.
        """
        day = on or dt.date.today()
        g, a, w = schema.grids, schema.assignments, schema.workers
        with self._connect() as conn:
            grid_id = conn.execute(select(g.c.id).where(g.c.code == grid_code)).scalar()
            if grid_id is None:
                msg = f"no grid with code {grid_code!r}"
                raise NotFound(msg)
            rows = (
                conn.execute(
                    select(w.c.name, w.c.code, w.c.phone, a.c.role, a.c.valid_from, a.c.valid_to)
                    .join(a, a.c.worker_id == w.c.id)
                    .where(a.c.grid_id == grid_id, _valid_on(a, day))
                )
                .mappings()
                .all()
            )
        out = [dict(r) for r in rows]
        out.sort(key=lambda r: (_ROLE_ORDER.get(r["role"], 99), r["name"], r["code"]))
        return out

    @_guard
    def list_users(self) -> list[dict[str, Any]]:
        """Return every ``users`` row without its password hash, by user name.

        Returns
        -------
        list of dict
            One dict a user: every column of ``users`` but ``password_hash``.
        """
        users = schema.users
        columns = [c for c in users.c if c.name != "password_hash"]
        with self._connect() as conn:
            rows = conn.execute(select(*columns).order_by(users.c.username)).mappings().all()
        return [dict(r) for r in rows]


def _decode_json_texts(texts: Sequence[str | None]) -> list[Any]:
    """Decode many JSON documents at once (``None`` stays ``None``)."""
    if not texts:
        return []
    return json.loads("[" + ",".join("null" if t is None else t for t in texts) + "]")


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


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL, busy timeout, and real transactions for pysqlite."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # let SQLAlchemy's begin event issue BEGIN (pysqlite's own handling
        # would skip it for DDL and SELECT)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()
        spatial.register_sqlite_functions(dbapi_connection)  # the spatial-index triggers call it

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("gridmap_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
