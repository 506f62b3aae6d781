"""Data versions: one counter per data table (point records: per kind), bumped by its writes.

Caches of what a page or a map tile shows are keyed by the versions of the
layers they hold (:meth:`gridmap.store.Store.data_versions`), so a write
invalidates only what it changed, and a login, an API call or an export, which
write only accounts, sessions and audit rows, invalidate nothing.

How the counters move
---------------------
Every ``INSERT``, ``UPDATE`` or ``DELETE`` that SQLAlchemy runs on a tracked
table (any table but :data:`UNTRACKED`) notes the table on its connection (a
``before_execute`` listener, whatever code writes); bulk writes that bypass Core
statements call :func:`touch`. Just before the transaction commits (the
``commit`` listener) the noted counters go up by one each, in name order, with an
upsert on ``data_versions``: in the same transaction, so a reader sees the new
data and the new version together, and a rolled-back write moves nothing. The
row locks are taken only at commit and always in the same order, so writers do
not wait on each other for longer than a commit, nor deadlock.

Point records share the table ``points``: a write whose kind is known (an insert
naming its ``kind``, :meth:`~gridmap.store.Store.insert`, ``update`` and
``delete`` of a row, an import) moves only that kind's counter
(``points.board`` ...); a statement on ``points`` of unknown kind moves all three.

A layer's version (:func:`layer_keys`) is the sum of the counters of its table
and of the tables its codes are read from (grids name their community's code):
counters only grow, so the sum changes whenever one of them does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import Insert, UpdateBase

from gridmap.model import LAYERS, POINT_KINDS
from gridmap.store import schema

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "UNTRACKED", "install", "layer_keys", "point_key", "read_versions", "touch",
    "written_keys",
]  # fmt: skip

#: Tables whose writes are not data: accounts, sessions, tokens, audit, outbox, counters.
UNTRACKED = frozenset({
    "alembic_version", "api_tokens", "audit_log", "code_counters", "data_versions",
    "login_attempts", "meta", "outbox", "outbox_attempts", "report_drafts", "sessions",
    "users",
})  # fmt: skip

#: Execution option naming the version keys a statement changes (overrides the guess).
OPTION = "gridmap_versions"
#: Execution option of a connection whose writes move no counter (the migrations).
UNTRACKED_OPTION = "gridmap_untracked"

_INFO = "gridmap_touched"  # key of the set of touched names in Connection.info
_POINT_KEYS = tuple(f"points.{kind}" for kind in POINT_KINDS.values())


def point_key(kind: str) -> str:
    """Return the version key of one kind of point record (``"board"`` -> ``"points.board"``)."""
    return f"points.{kind}"


def _table_keys(name: str) -> tuple[str, ...]:
    return _POINT_KEYS if name == "points" else (name,)


def written_keys(layer: str) -> tuple[str, ...]:
    """Return the version keys a write of ``layer``'s rows changes (its own table's)."""
    if layer in POINT_KINDS:
        return (point_key(POINT_KINDS[layer]),)
    table = schema.LAYER_TABLES.get(layer)
    return _table_keys(table.name if table is not None else layer)


def layer_keys(layer: str) -> tuple[str, ...]:
    """Return the version keys a layer's read depends on (its table and the tables it refers to).

    Parameters
    ----------
    layer
        A layer of :data:`gridmap.model.LAYERS`, or any table name.

    Returns
    -------
    tuple of str
        Sorted keys of ``data_versions``.

    Examples
    --------
    >>> layer_keys("boards"), layer_keys("grids")
    (('points.board',), ('communities', 'grids'))
    """
    from gridmap.store.layers import _REFS  # the codes a layer reads from other tables

    keys = set(written_keys(layer))
    if layer in LAYERS:
        for ref in _REFS.get(layer, {}).values():
            keys.update(_table_keys(ref.target.name))
        if layer == "communities":
            keys.add("streets")  # the street's name
    return tuple(sorted(keys))


def touch(conn: Connection, *keys: str) -> None:
    """Note that this transaction changed ``keys`` (moved up by one each when it commits)."""
    if keys:
        conn.info.setdefault(_INFO, set()).update(keys)


def _statement_keys(
    statement: UpdateBase, multiparams: Sequence[Any], params: Mapping[str, Any]
) -> tuple[str, ...]:
    name = statement.table.name  # type: ignore[attr-defined]
    if name != "points":
        return (name,)
    if isinstance(statement, Insert):
        rows = [p for p in (*multiparams, params) if isinstance(p, Mapping)]
        rows += [r for p in multiparams if isinstance(p, list | tuple) for r in p
                 if isinstance(r, Mapping)]  # fmt: skip
        kinds = {r.get("kind") for r in rows}
        values = getattr(statement, "_values", None) or {}
        for column, value in values.items():
            if getattr(column, "key", column) == "kind":
                kinds.add(getattr(value, "value", None))
        kinds.discard(None)
        if kinds and kinds <= set(POINT_KINDS.values()):
            return tuple(point_key(k) for k in sorted(kinds))
    return _POINT_KEYS


def _on_execute(
    conn: Connection,
    clauseelement: Any,
    multiparams: Sequence[Any],
    params: Mapping[str, Any],
    execution_options: Mapping[str, Any],
) -> None:
    if not isinstance(clauseelement, UpdateBase):
        return
    name = getattr(getattr(clauseelement, "table", None), "name", None)
    if name is None or name in UNTRACKED or name not in schema.metadata.tables:
        return  # not data, or not a gridmap table (a migration's copy, an index side table)
    keys = execution_options.get(OPTION)
    if keys is None:
        keys = _statement_keys(clauseelement, multiparams, params)
    touch(conn, *keys)


def _forget(conn: Connection) -> None:
    if conn.invalidated:  # a lost connection: its notes go with it (and begin clears them)
        return
    conn.info.pop(_INFO, None)


def _on_commit(conn: Connection) -> None:
    touched = conn.info.pop(_INFO, None)
    if not touched or conn.get_execution_options().get(UNTRACKED_OPTION):
        return
    if not _has_table(conn):  # a store at a revision before 0012 (being migrated)
        return
    t = schema.data_versions
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    for name in sorted(touched):  # one order for every writer: no deadlock
        stmt = upsert(t).values(name=name, version=1)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=[t.c.name], set_={"version": t.c.version + 1})
        )


def _has_table(conn: Connection) -> bool:
    if conn.dialect.name == "postgresql":
        found = conn.exec_driver_sql("SELECT to_regclass('data_versions') IS NOT NULL").scalar()
    else:
        found = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'data_versions'"
        ).scalar()
    return bool(found)


def install(engine: Engine) -> None:
    """Keep the data versions of every write made through ``engine`` (once per engine)."""
    event.listen(engine, "before_execute", _on_execute)
    event.listen(engine, "begin", _forget)
    event.listen(engine, "rollback", _forget)
    event.listen(engine, "commit", _on_commit)


def read_versions(store: Store, names: Iterable[str] | None = None) -> dict[str, int]:
    """Return the version of each layer (or table) in ``names``, in one query.

    Parameters
    ----------
    store
        The store.
    names
        Layers of :data:`gridmap.model.LAYERS` or table names; ``None``: every
        counter kept (keys of ``data_versions``).

    Returns
    -------
    dict
        Name -> version: the sum of the counters of :func:`layer_keys`, 0 for
        data never written.
    """
    t = schema.data_versions
    with store.connect() as conn:
        counters = {str(k): int(v) for k, v in conn.execute(select(t.c.name, t.c.version))}
    if names is None:
        return counters
    return {name: sum(counters.get(k, 0) for k in layer_keys(name)) for name in names}
