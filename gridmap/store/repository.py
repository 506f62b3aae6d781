"""The :class:`Store`: engine, transactions, migrations, versioned row edits, the audit log.

One class serves both backends: an SQLite file (the embedded default, stdlib
driver) and PostgreSQL + PostGIS (``postgresql+psycopg://`` URLs). Geometries
travel as shapely objects in EPSG:4326; layers travel as (Geo)DataFrames with
the canonical columns of :data:`gridmap.model.LAYERS` (read and written by
:mod:`gridmap.store.layers`, behind :meth:`Store.read_layer` and
:meth:`Store.write_layer`). The named queries of the other store modules
(:mod:`~gridmap.store.assignments`, :mod:`~gridmap.store.issues`) run on the
connections this class opens.

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
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import (
    Table,
    and_,
    case,
    create_engine,
    delete,
    event,
    exc,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url

from gridmap.config import mask_url
from gridmap.errors import ConflictError, InputError, NotFound, StoreError
from gridmap.messages import Msg
from gridmap.model import LAYERS, POINT_KINDS
from gridmap.store import assignments, layers, schema, sessions, spatial, versions
from gridmap.store._base import guard as _guard
from gridmap.store._base import reason as _reason
from gridmap.store._base import utcnow as _utcnow
from gridmap.store.convert import jsonable as _jsonable
from gridmap.store.layers import fill_codes, references

__all__ = ["Store", "default_url", "open_store"]

#: Key of the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK = 0x67726964  # "grid"

#: Free bytes below which an SQLite I/O error is reported as a full disk.
_FULL_DISK_BYTES = 64 * 1024

#: Key of the PostgreSQL advisory lock held by :meth:`Store.startup_lock`.
_STARTUP_LOCK = _MIGRATION_LOCK + 1

#: Tables written only through dedicated calls, never through insert/update/delete.
_PROTECTED_TABLES = {"audit_log", "alembic_version", "code_counters"}

#: Columns never copied into audit rows.
_SECRET_COLUMNS = {"password_hash"}

_T = TypeVar("_T")


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
        raise StoreError.keyed(
            "store.folder", folder=folder, reason=err.strerror or err
        ) from None
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
        The URL with every password replaced by ``***`` (:func:`gridmap.config.mask_url`:
        ``user:pw@``, ``?password=``, ``passfile``), for messages and logs; show it
        to admins only.
    dialect : str
        ``"sqlite"`` or ``"postgresql"``.
    engine : sqlalchemy.engine.Engine
        The SQLAlchemy engine.
    """

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.safe_url = mask_url(self.url)
        self._password: str | None = None
        try:
            parsed = make_url(self.url)
        except (exc.ArgumentError, ValueError):
            raise StoreError(key="store.url_bad", url=self.safe_url) from None
        self._password = parsed.password or parsed.query.get("password") or None
        if not isinstance(self._password, str):
            self._password = None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreError(key="store.url_backend", backend=repr(self.dialect),
                             url=self.safe_url)
        self.engine = self._create_engine(parsed)
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except exc.DBAPIError as err:
            self.engine.dispose()
            raise self._store_error(err) from None

    def __repr__(self) -> str:
        return f"Store({self.safe_url!r})"

    def _hide(self, message: str) -> str:
        """Return a message with the store's password masked, wherever a driver quoted it."""
        message = mask_url(message)
        if self._password and len(self._password) >= 3:
            message = message.replace(self._password, "***")
        return message

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close all pooled database connections."""
        self.engine.dispose()

    def after_fork(self) -> None:
        """Make a forked process open its own connections (the parent's stay the parent's).

        Call it first thing in a child process (:mod:`gridmap.checks.parallel`):
        a database connection must never be shared by two processes.
        """
        self.engine.dispose(close=False)

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
            raise StoreError.keyed(
                "store.no_driver", url=self.safe_url, hint=hint, reason=self._hide(str(err))
            ) from None
        except exc.ArgumentError as err:
            raise StoreError.keyed(
                "store.open_failed", url=self.safe_url, reason=self._hide(str(err))
            ) from None
        if self.dialect == "sqlite":
            _configure_sqlite(engine)
        versions.install(engine)
        return engine

    def _store_error(self, err: BaseException) -> StoreError:
        reason = _reason(err)
        fault = _fault(err, reason)
        if fault is None and self.dialect == "sqlite" and self._sqlite_disk_full():
            fault = "full"  # SQLite reports a full disk as an I/O error when opening
        if "no such table" in reason or ("does not exist" in reason and "relation" in reason):
            key = "store.not_initialised"
        elif fault == "full":
            key = "store.full"
        elif fault == "read-only":
            key = "store.read_only"
        elif fault == "unreachable":
            key = "store.unreachable"
        elif self.dialect == "sqlite":
            key = "store.sqlite_failed"
        else:
            key = "store.db_failed"
        return StoreError.keyed(key, url=self.safe_url, reason=self._hide(reason))

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
    def connect(self) -> Iterator[Connection]:
        """Open a read connection (for the store's own query modules).

        Code outside :mod:`gridmap.store` calls the named store functions instead.

        Yields
        ------
        sqlalchemy.engine.Connection
            Closed when the block ends.

        Raises
        ------
        gridmap.errors.StoreError
            If the database cannot be reached.
        """
        with self._connect() as conn:
            yield conn

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
            raise InputError.keyed("store.integrity", reason=_reason(err)) from None

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
                conn.execution_options(**{versions.UNTRACKED_OPTION: True})
                if self.dialect == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
        except CommandError as err:
            raise StoreError.keyed(
                "store.upgrade_failed", url=self.safe_url, reason=self._hide(str(err))
            ) from None

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

    def read_layer(
        self,
        layer: str,
        *,
        as_of: dt.date | None = None,
        include_retired: bool = False,
        bbox: Sequence[float] | None = None,
        where: Mapping[str, Any] | None = None,
        bookkeeping: bool = True,
        points_lonlat: bool = False,
    ) -> pd.DataFrame:
        """Read one layer as a frame with its canonical columns.

        See :func:`gridmap.store.layers.read_layer`.
        """
        return layers.read_layer(self, layer, as_of=as_of, include_retired=include_retired,
                                 bbox=bbox, where=where, bookkeeping=bookkeeping,
                                 points_lonlat=points_lonlat)

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

        See :func:`gridmap.store.layers.write_layer`.
        """
        return layers.write_layer(
            self, layer, frame, source_crs=source_crs, username=username, file=file,
            replace=replace,
        )

    # ----------------------------------------------------------------- rows

    def _table(self, name: str) -> Table:
        table = schema.metadata.tables.get(name)
        if table is None and name in schema.LAYER_TABLES:
            table = schema.LAYER_TABLES[name]
        if table is None:
            raise InputError.keyed("store.unknown_table", name=name)
        return table

    def _editable_table(self, name: str) -> Table:
        table = self._table(name)
        if table.name in _PROTECTED_TABLES:
            raise InputError.keyed("store.table_internal", table=table.name)
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
            columns = [repr(k) for k in unknown]
            raise InputError.keyed("store.no_column", table=table.name, columns=columns)
        bad = [k for k in values if k in forbidden]
        if bad:
            columns = [repr(k) for k in bad]
            raise InputError.keyed("store.not_settable", table=table.name, columns=columns)

    @_guard
    def get(self, table: str, row_id: int, *, conn: Connection | None = None) -> dict[str, Any]:
        """Return one row as a dict (geometry as shapely, JSON as Python objects).

        Parameters
        ----------
        table
            A table name of :mod:`gridmap.store.schema` (or a layer name).
        row_id
            The row's ``id``.
        conn
            A connection from :meth:`transaction` to read in that transaction.

        Raises
        ------
        gridmap.errors.NotFound
            If there is no such row.
        """
        t = self._table(table)
        if conn is not None:
            row = self._row(conn, t, row_id)
        else:
            with self._connect() as c:
                row = self._row(c, t, row_id)
        if row is None:
            raise NotFound.keyed("store.no_row", table=t.name, row_id=row_id)
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
                row["code"] = fill_codes(c, "workers", [None])[0]
            if t is schema.points and row.get("code") is None:
                layer = {v: k for k, v in POINT_KINDS.items()}.get(row.get("kind"))
                if layer is None:
                    kinds = list(POINT_KINDS.values())
                    raise InputError.keyed("store.points_kind", kinds=kinds)
                row["code"] = fill_codes(c, layer, [None])[0]
            self._check_unique(c, t, row)
            try:
                with c.begin_nested():
                    stmt = insert(t).values(**row).execution_options(
                        **{versions.OPTION: _version_keys(t, row)})
                    row_id = c.execute(stmt).inserted_primary_key[0]
            except exc.IntegrityError as err:
                raise InputError.keyed(
                    "store.add_failed", table=t.name, reason=_reason(err)
                ) from None
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
                raise InputError.keyed(
                    "store.duplicate", table=table.name, column=column.name,
                    value=row[column.name],
                )

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
                .execution_options(**{versions.OPTION: _version_keys(t, before, row)})
            )
            try:
                with c.begin_nested():
                    done = c.execute(stmt).rowcount
            except exc.IntegrityError as err:
                raise InputError.keyed(
                    "store.change_failed", table=t.name, row_id=row_id, reason=_reason(err)
                ) from None
            if not done:  # changed between the locked read and the update: cannot happen
                self._check_version(t, row_id, self._row(c, t, row_id), version)
                raise ConflictError.keyed("store.change_conflict", table=t.name, row_id=row_id)
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
            refs = references(c, t, [row_id])
            if refs:
                what = [Msg("store.ref_rows", n=count, table=name) for name, count in refs]
                raise InputError.keyed(
                    "store.delete_referenced", table=t.name, row_id=row_id, what=what
                )
            c.execute(delete(t).where(t.c.id == row_id, t.c.version == version)
                      .execution_options(**{versions.OPTION: _version_keys(t, before)}))
            self.audit(
                "delete", username=username, table=t.name, row_id=row_id, before=before, conn=c
            )

    def _versioned_table(self, name: str) -> Table:
        t = self._editable_table(name)
        if "version" not in t.c:
            raise InputError.keyed("store.append_only", table=t.name)
        return t

    @staticmethod
    def _check_version(
        table: Table, row_id: int, row: Mapping[str, Any] | None, version: int
    ) -> None:
        if row is None:
            raise NotFound.keyed("error.row_gone", table=table.name, row_id=row_id)
        if row["version"] != version:
            raise ConflictError.stale(
                Msg("error.conflict.row", table=table.name, row_id=row_id), version,
                row["version"], table=table.name, row_id=row_id,
            )

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
    def data_versions(self, names: Sequence[str] | None = None) -> dict[str, int]:
        """Return the data version of each layer (or table) in ``names``, in one query.

        A layer's version changes when a commit changed its rows or the rows it
        reads codes from, and never for logins, sessions, API token use or exports
        (see :mod:`gridmap.store.versions`).

        Parameters
        ----------
        names
            Layers of :data:`~gridmap.model.LAYERS` or table names; ``None``: every
            counter kept, by key (``grids``, ``points.board`` ...).

        Returns
        -------
        dict
            Name -> version (0 for data never written).
        """
        return versions.read_versions(self, names)

    @_guard
    def read_audit(
        self,
        *,
        table: str | None = None,
        row_id: int | None = None,
        limit: int | None = 200,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> pd.DataFrame:
        """Return the newest audit rows first.

        Parameters
        ----------
        table
            Only rows about this table.
        row_id
            Only rows about this row id.
        limit
            At most this many rows (``None``: all).
        since, until
            Only rows written at ``since`` or later, and before ``until`` (UTC).

        Returns
        -------
        pandas.DataFrame
            Columns ``id, at, username, action, table_name, row_id, before, after, note``.
        """
        log = schema.audit_log
        stmt = select(log).order_by(log.c.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        if table is not None:
            stmt = stmt.where(log.c.table_name == self._table(table).name)
        if row_id is not None:
            stmt = stmt.where(log.c.row_id == row_id)
        if since is not None:
            stmt = stmt.where(log.c.at >= since)
        if until is not None:
            stmt = stmt.where(log.c.at < until)
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
    def add_failed_login(
        self,
        user_id: int,
        *,
        at: dt.datetime | None = None,
        lock_until: dt.datetime | None = None,
        lock_after: int | None = None,
    ) -> int:
        """Count one failed login of a user, atomically, and audit it (``login_failed``).

        The count goes up by one in a single UPDATE, which also decides the lock, so
        app processes failing at the same moment cannot slip past the limit; a failure
        after a lock ran out starts the count again at one. The row
        ``version`` is not changed: logins are not edits. The lockout policy (how many
        failures, how long) is :func:`gridmap.auth.record_login`'s.

        Parameters
        ----------
        user_id
            The ``users.id``.
        at
            When (default now, UTC).
        lock_until
            Refuse logins until then (``None``: no lock).
        lock_after
            With ``lock_until``: lock only if this failure brings the count to
            ``lock_after`` or more (``None``: lock now).

        Returns
        -------
        int
            The user's failed logins in a row, this one included.

        Raises
        ------
        gridmap.errors.NotFound
            If there is no such user.
        """
        users = schema.users
        at = at or _utcnow()
        # a lock that has run out starts the count again: one wrong try after it
        # does not lock the user for another full period
        expired = and_(users.c.locked_until.is_not(None),
                       users.c.locked_until <= type_coerce(at, users.c.locked_until.type))
        count = case((expired, 1), else_=users.c.failed_logins + 1)
        lock: Any = lock_until
        if lock_after is not None and lock_until is not None:
            lock = case((count >= lock_after,
                         type_coerce(lock_until, users.c.locked_until.type)),
                        (expired, None), else_=users.c.locked_until)
        values = {"failed_logins": count, "locked_until": lock}
        return self._count_login(user_id, values, success=False, at=at, lock_until=lock_until)

    @_guard
    def clear_failed_logins(self, user_id: int, *, at: dt.datetime | None = None) -> None:
        """Record a successful login: reset the failure count and the lock, set ``last_login``.

        Audited (``login``); the row ``version`` is not changed.

        Raises
        ------
        gridmap.errors.NotFound
            If there is no such user.
        """
        at = at or _utcnow()
        values = {"failed_logins": 0, "last_login": at, "locked_until": None}
        self._count_login(user_id, values, success=True, at=at, lock_until=None)

    def _count_login(
        self,
        user_id: int,
        values: Mapping[str, Any],
        *,
        success: bool,
        at: dt.datetime | None,
        lock_until: dt.datetime | None,
    ) -> int:
        users = schema.users
        at = at or _utcnow()
        with self._write() as conn:
            name = conn.execute(select(users.c.username).where(users.c.id == user_id)).scalar()
            if name is None:
                raise NotFound.keyed("store.no_row", table="users", row_id=user_id)
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
            failed, now_locked = conn.execute(
                select(users.c.failed_logins, users.c.locked_until).where(users.c.id == user_id)
            ).one()
            note = None
            if not success and now_locked is not None and lock_until is not None:
                note = f"locked until {lock_until.isoformat()}"
            self.audit(
                "login" if success else "login_failed",
                username=name,
                table="users",
                row_id=user_id,
                note=note,
                conn=conn,
                at=at,
            )
        return int(failed)

    # ----------------------------------------------------------------- queries

    def workers_of(self, grid_code: str, *, on: dt.date | None = None) -> list[dict[str, Any]]:
        """Who was responsible for a grid on a date (grid head first).

        See :func:`gridmap.store.assignments.workers_of`.
        """
        return assignments.workers_of(self, grid_code, on=on)

    def unknown_name_lock(self, username: str) -> dt.datetime | None:
        """When a name that is no user is locked until (see :mod:`gridmap.store.sessions`)."""
        return sessions.unknown_lock(self, username)

    def count_unknown_failure(self, username: str, **kwargs: Any) -> dt.datetime | None:
        """Count a failed login of a name that is no user; return its lock.

        See :func:`gridmap.store.sessions.count_unknown_failure`.
        """
        return sessions.count_unknown_failure(self, username, **kwargs)

    def revoke_sessions(self, **kwargs: Any) -> int:
        """Revoke sessions; return how many (:func:`gridmap.store.sessions.revoke_sessions`)."""
        return sessions.revoke_sessions(self, **kwargs)

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



def _version_keys(table: Table, *rows: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Version keys a row edit of ``table`` changes (point records: the rows' kinds)."""
    if table is not schema.points:
        return (table.name,)
    kinds = {row.get("kind") for row in rows if row is not None and row.get("kind")}
    if not kinds:
        return tuple(versions.point_key(k) for k in POINT_KINDS.values())
    return tuple(versions.point_key(str(k)) for k in sorted(kinds))


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
