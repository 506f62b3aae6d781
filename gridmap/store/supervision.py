"""SQL of the 督办 loop: supervision orders as tracked objects, their items, events, photos.

The orders and their per-year numbers are written by
:func:`gridmap.store.documents.issue_orders` (which calls :func:`add_items` and
:func:`add_event` in the same transaction); this module holds the moves (a
versioned update of the order's ``state``, one event per move, photos) and the
reads of the list, one order, its items, events and photos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, insert, select, update

from gridmap.store import schema
from gridmap.store._base import guard

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from gridmap.store import Store

__all__ = [
    "add_event",
    "add_items",
    "add_photos",
    "find_order",
    "lock_order",
    "read_events",
    "read_items",
    "read_orders",
    "read_photo",
    "read_photos",
    "set_items_resolved",
    "update_order",
]

_O = schema.supervision_orders
_I = schema.supervision_items
_E = schema.supervision_events
_P = schema.supervision_photos

_ITEM_KEYS = ("kind", "rule_id", "object_id", "layer", "grid", "message", "weight")


def add_items(conn: Connection, order_id: int, items: Iterable[Mapping[str, Any]]) -> int:
    """Store the failures or cases an order lists; return how many."""
    rows = [
        {
            "order_id": order_id,
            **{k: item.get(k) for k in _ITEM_KEYS},
        }
        for item in items
    ]
    for row in rows:
        row["kind"] = row["kind"] or "rule"
        row["object_id"] = str(row["object_id"])
        row["weight"] = 1.0 if row["weight"] is None else float(row["weight"])
    if rows:
        conn.execute(insert(_I), rows)
    return len(rows)


def add_event(
    conn: Connection,
    order_id: int,
    *,
    at: dt.datetime,
    user: str | None,
    from_state: str | None,
    to_state: str,
    note: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Record a state move of an order; return the event's id."""
    return int(
        conn.execute(
            insert(_E).values(
                order_id=order_id,
                at=at,
                user=user,
                from_state=from_state,
                to_state=to_state,
                note=note,
                details=dict(details) if details else None,
            )
        ).inserted_primary_key[0]
    )


def add_photos(
    conn: Connection, order_id: int, photos: Iterable[bytes], *, event_id: int, at: dt.datetime
) -> int:
    """Store rectification photos (JPEG bytes, EXIF already removed); return how many."""
    n = 0
    for jpeg in photos:
        conn.execute(
            insert(_P).values(order_id=order_id, event_id=event_id, jpeg=jpeg, created_at=at)
        )
        n += 1
    return n


def lock_order(conn: Connection, order_id: int) -> dict[str, Any] | None:
    """Read order ``order_id`` and lock its row until the transaction ends (``None``: gone)."""
    row = conn.execute(select(_O).where(_O.c.id == order_id).with_for_update()).mappings().first()
    return None if row is None else dict(row)


def update_order(
    conn: Connection, order_id: int, values: Mapping[str, Any], *, version: int, at: dt.datetime
) -> dict[str, Any] | None:
    """Change an order if its version is still ``version``; return the new row (``None``: stale)."""
    stmt = (
        update(_O)
        .where(_O.c.id == order_id, _O.c.version == version)
        .values(**values, version=version + 1, updated_at=at)
    )
    if not conn.execute(stmt).rowcount:
        return None
    return dict(conn.execute(select(_O).where(_O.c.id == order_id)).mappings().one())


def set_items_resolved(conn: Connection, resolved: Mapping[int, dt.datetime | None]) -> None:
    """Set (or clear, with ``None``) when each item was found fixed."""
    for item_id, at in resolved.items():
        conn.execute(update(_I).where(_I.c.id == item_id).values(resolved_at=at))


@guard
def find_order(store: Store, text: str) -> int | None:
    """Return the id of the order with this id or 文号 (``None``: no such order)."""
    text = str(text).strip()
    with store.engine.connect() as conn:
        found = conn.execute(select(_O.c.id).where(_O.c.number == text)).scalar()
        if found is None and text.isdigit():
            found = conn.execute(select(_O.c.id).where(_O.c.id == int(text))).scalar()
    return None if found is None else int(found)


@guard
def read_orders(
    store: Store,
    *,
    ids: Sequence[int] | None = None,
    states: Iterable[str] | None = None,
    communities: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return orders with their item counts (``items``, ``resolved``), newest first."""
    counts = (
        select(
            _I.c.order_id,
            func.count().label("n_items"),
            func.count(_I.c.resolved_at).label("n_resolved"),
        )
        .group_by(_I.c.order_id)
        .subquery()
    )
    query = (
        select(
            _O,
            func.coalesce(counts.c.n_items, 0).label("items"),
            func.coalesce(counts.c.n_resolved, 0).label("resolved"),
        )
        .select_from(_O.outerjoin(counts, counts.c.order_id == _O.c.id))
        .order_by(_O.c.year.desc(), _O.c.seq.desc())
    )
    if ids is not None:
        query = query.where(_O.c.id.in_([int(i) for i in ids]))
    if states is not None:
        query = query.where(_O.c.state.in_(list(states)))
    if communities is not None:
        query = query.where(_O.c.community.in_(list(communities)))
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    columns = [*(c.name for c in _O.columns), "items", "resolved"]
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


@guard
def read_items(store: Store, order_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Return the items of orders (all orders when ``order_ids`` is ``None``), by id."""
    query = select(_I).order_by(_I.c.order_id, _I.c.id)
    if order_ids is not None:
        query = query.where(_I.c.order_id.in_([int(i) for i in order_ids]))
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in _I.columns])


@guard
def read_events(store: Store, order_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Return the state moves of orders, oldest first."""
    query = select(_E).order_by(_E.c.order_id, _E.c.id)
    if order_ids is not None:
        query = query.where(_E.c.order_id.in_([int(i) for i in order_ids]))
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in _E.columns])


@guard
def read_photos(store: Store, order_id: int) -> list[dict[str, Any]]:
    """Return the photos of an order without their bytes (``id``, ``event_id``, ``created_at``)."""
    query = (
        select(_P.c.id, _P.c.event_id, _P.c.created_at)
        .where(_P.c.order_id == int(order_id))
        .order_by(_P.c.id)
    )
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


@guard
def read_photo(store: Store, photo_id: int) -> tuple[int, bytes] | None:
    """Return ``(order_id, jpeg)`` of a photo (``None``: no such photo)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(_P.c.order_id, _P.c.jpeg).where(_P.c.id == int(photo_id))).first()
    return None if row is None else (int(row[0]), bytes(row[1]))
