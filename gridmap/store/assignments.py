"""Who holds which grid when: the store's queries on assignments and the grid history.

An assignment (``assignments`` row) is valid from ``valid_from`` to ``valid_to``
inclusive; an empty date is open-ended (:func:`valid_on`). Ending an assignment
(:func:`end_assignment`) keeps it as history: it ends the day before, or is removed
when it had not started yet. Replaced grids keep their assignments as JSON in
``grid_history`` (:func:`grid_history`).

Functions that take ``conn`` run inside a transaction from
:meth:`~gridmap.store.Store.transaction` (and see what it wrote); the others open
their own read connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from gridmap.errors import NotFound
from gridmap.store import schema
from gridmap.store._base import guard

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = [
    "assignments_of_grids",
    "end_assignment",
    "find_worker",
    "grid_history",
    "grid_states",
    "unstaffed_grids",
    "valid_on",
    "worker_assignments",
    "worker_communities",
    "worker_ids",
    "workers_of",
]

#: Order in which roles are listed (grid head first).
ROLE_ORDER = {"grid_head": 0, "full_time": 1, "part_time": 2, "volunteer": 3}

#: Rows per ``IN (...)`` list in :func:`grid_states`.
_IN_CHUNK = 500


def valid_on(table: Table, day: dt.date) -> ColumnElement[bool]:
    """Return the SQL condition "assignment valid on ``day``" (NULL dates are open-ended).

    Parameters
    ----------
    table
        ``assignments`` (or an alias of it): any table with ``valid_from`` and
        ``valid_to`` date columns.
    day
        The date.
    """
    return and_(
        or_(table.c.valid_from.is_(None), table.c.valid_from <= day),
        or_(table.c.valid_to.is_(None), table.c.valid_to >= day),
    )


def _valid_since(table: Table, day: dt.date) -> ColumnElement[bool]:
    """Return the SQL condition "valid on ``day`` or later" (not ended before ``day``)."""
    return or_(table.c.valid_to.is_(None), table.c.valid_to >= day)


@guard
def workers_of(store: Store, grid_code: str, *, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Who was responsible for a grid on a date.

    Parameters
    ----------
    store
        The store.
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
    with store.connect() as conn:
        grid_id = conn.execute(select(g.c.id).where(g.c.code == grid_code)).scalar()
        if grid_id is None:
            raise NotFound.keyed("store.no_grid", code=grid_code)
        rows = (
            conn.execute(
                select(w.c.name, w.c.code, w.c.phone, a.c.role, a.c.valid_from, a.c.valid_to)
                .join(a, a.c.worker_id == w.c.id)
                .where(a.c.grid_id == grid_id, valid_on(a, day))
            )
            .mappings()
            .all()
        )
    out = [dict(r) for r in rows]
    out.sort(key=lambda r: (ROLE_ORDER.get(r["role"], 99), r["name"], r["code"]))
    return out


@guard
def find_worker(store: Store, code: str) -> dict[str, Any] | None:
    """Return the ``workers`` row with code ``code``, or ``None``."""
    w = schema.workers
    with store.connect() as conn:
        row = conn.execute(select(w).where(w.c.code == code)).mappings().first()
    return None if row is None else dict(row)


@guard
def worker_grids(store: Store, code: str, *, on: dt.date) -> list[str]:
    """Return the codes of the grids worker ``code`` holds on ``on`` (sorted; none if unknown)."""
    a, g, w = schema.assignments, schema.grids, schema.workers
    with store.connect() as conn:
        return sorted(
            conn.execute(
                select(g.c.code)
                .select_from(a.join(g, a.c.grid_id == g.c.id).join(w, a.c.worker_id == w.c.id))
                .where(w.c.code == code, valid_on(a, on))
            ).scalars()
        )


@guard
def worker_communities(store: Store, worker_id: int, *, since: dt.date) -> set[str]:
    """Codes of the communities of the grids a worker holds on ``since`` or later.

    Parameters
    ----------
    store
        The store.
    worker_id
        The ``workers.id``.
    since
        Assignments that ended before this date do not count.
    """
    a, g, c = schema.assignments, schema.grids, schema.communities
    with store.connect() as conn:
        return set(
            conn.execute(
                select(c.c.code)
                .select_from(a.join(g, a.c.grid_id == g.c.id).join(c, g.c.community_id == c.c.id))
                .where(a.c.worker_id == worker_id, _valid_since(a, since))
            ).scalars()
        )


def worker_assignments(conn: Connection, worker_id: int, *, since: dt.date) -> list[dict[str, Any]]:
    """Return a worker's assignments valid on ``since`` or later, by grid code (in a transaction).

    Returns
    -------
    list of dict
        Every ``assignments`` column plus ``grid_code`` and ``community`` (its code).
    """
    a, g, c = schema.assignments, schema.grids, schema.communities
    rows = conn.execute(
        select(a, g.c.code.label("grid_code"), c.c.code.label("community"))
        .join(g, a.c.grid_id == g.c.id)
        .join(c, g.c.community_id == c.c.id)
        .where(a.c.worker_id == worker_id, _valid_since(a, since))
        .order_by(g.c.code)
    ).mappings()
    return [dict(r) for r in rows]


def end_assignment(
    store: Store,
    conn: Connection,
    row: Mapping[str, Any],
    day: dt.date,
    *,
    username: str,
) -> None:
    """End an assignment the day before ``day`` (remove it if it starts on or after ``day``).

    Parameters
    ----------
    store
        The store.
    conn
        The connection of the caller's transaction.
    row
        The ``assignments`` row (``id``, ``version``, ``valid_from``) as read in
        that transaction.
    day
        The first day without the assignment.
    username
        Who ends it, for the audit log.

    Raises
    ------
    gridmap.errors.ConflictError
        If the row changed since it was read.
    """
    start = row["valid_from"]
    if start is not None and start >= day:
        store.delete(
            "assignments", int(row["id"]), version=int(row["version"]), username=username,
            conn=conn,
        )
    else:
        store.update(
            "assignments",
            int(row["id"]),
            {"valid_to": day - dt.timedelta(days=1)},
            version=int(row["version"]),
            username=username,
            conn=conn,
        )


@guard
def unstaffed_grids(store: Store, *, on: dt.date, roles: Iterable[str]) -> list[str]:
    """Codes of the grids without an assignment of one of ``roles`` valid on ``on``, by code."""
    a, g = schema.assignments, schema.grids
    valid = and_(valid_on(a, on), a.c.role.in_(list(roles)))
    with store.connect() as conn:
        staffed = set(conn.execute(select(a.c.grid_id).where(valid)).scalars())
        grids = conn.execute(select(g.c.id, g.c.code).order_by(g.c.code)).all()
    return [code for gid, code in grids if gid not in staffed]


def assignments_of_grids(conn: Connection, grid_ids: list[int]) -> list[dict[str, Any]]:
    """Every assignment (past, current and future) of the grids ``grid_ids``, in a transaction.

    Returns
    -------
    list of dict
        Every ``assignments`` column plus ``worker_code``, by assignment id.
    """
    a, w = schema.assignments, schema.workers
    if not grid_ids:
        return []
    rows = conn.execute(
        select(a, w.c.code.label("worker_code"))
        .join(w, a.c.worker_id == w.c.id)
        .where(a.c.grid_id.in_(grid_ids))
        .order_by(a.c.id)
    ).mappings()
    return [dict(r) for r in rows]


def grid_states(
    conn: Connection, codes: list[str], day: dt.date
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Grid rows by code, and their assignments valid on ``day``, in a transaction.

    Returns
    -------
    tuple of dict
        ``{code: {id, code, version, locked, community}}`` for the grids that exist,
        and ``{code: [assignment row + worker_code, ...]}`` for each of them.
    """
    g, a, w, c = schema.grids, schema.assignments, schema.workers, schema.communities
    grid_rows = {}
    for i in range(0, len(codes), _IN_CHUNK):
        stmt = (
            select(g.c.id, g.c.code, g.c.version, g.c.locked, c.c.code.label("community"))
            .join(c, g.c.community_id == c.c.id)
            .where(g.c.code.in_(codes[i : i + _IN_CHUNK]))
        )
        for r in conn.execute(stmt).mappings():
            grid_rows[r["code"]] = dict(r)
    by_id = {r["id"]: code for code, r in grid_rows.items()}
    assigned: dict[str, list[dict[str, Any]]] = {code: [] for code in grid_rows}
    ids = list(by_id)
    for i in range(0, len(ids), _IN_CHUNK):
        stmt = (
            select(a, w.c.code.label("worker_code"))
            .join(w, a.c.worker_id == w.c.id)
            .where(a.c.grid_id.in_(ids[i : i + _IN_CHUNK]), valid_on(a, day))
        )
        for r in conn.execute(stmt).mappings():
            assigned[by_id[r["grid_id"]]].append(dict(r))
    return grid_rows, assigned


def worker_ids(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    """``{code: workers.id}`` of the workers with these codes (unknown codes left out)."""
    w = schema.workers
    return {
        r.code: int(r.id)
        for r in conn.execute(select(w.c.id, w.c.code).where(w.c.code.in_(list(codes))))
    }


@guard
def grid_history(store: Store) -> list[dict[str, Any]]:
    """Every ``grid_history`` row (replaced grids with their assignments), oldest first.

    Returns
    -------
    list of dict
        The row's columns; ``attrs`` a dict (never ``None``), ``retired_at`` UTC.
    """
    h = schema.grid_history
    with store.connect() as conn:
        rows = conn.execute(select(h).order_by(h.c.id)).mappings().all()
    out = []
    for r in rows:
        row = dict(r)
        row["attrs"] = dict(r["attrs"] or {})
        if row["retired_at"].tzinfo is None:
            row["retired_at"] = row["retired_at"].replace(tzinfo=dt.UTC)
        out.append(row)
    return out
