"""The store's queries of the notification outbox (see :mod:`gridmap.notify`).

A message is written by :func:`enqueue` in the transaction of the event it tells
about (``conn`` of :meth:`~gridmap.store.Store.transaction`), so it exists if and
only if the event was committed. A sender takes due rows with :func:`claim`,
which leases them (status ``sending``, ``lease_until``) so that two senders never
send the same row at once, and reports each outcome with :func:`finish`. A row
whose lease ran out (its sender died mid-delivery) is due again: delivery is
*at least once*.

The sender lease (:func:`take_sender_lease`) is a row of the ``meta`` table
(``notify.sender`` = ``owner|expiry``), changed in a write transaction, so that
one sender runs at a time across processes on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import and_, desc, exists, insert, or_, select, update
from sqlalchemy.engine import Connection

from gridmap.store import schema
from gridmap.store._base import guard
from gridmap.store.assignments import ROLE_ORDER, valid_on

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = [
    "case_people",
    "claim",
    "dedupe_taken",
    "enqueue",
    "finish",
    "read_attempts",
    "read_outbox",
    "release_sender_lease",
    "requeue",
    "take_sender_lease",
]

_O = schema.outbox
_A = schema.outbox_attempts
_M = schema.meta
_LEASE_KEY = "notify.sender"


def case_people(
    conn: Connection, grid_code: str | None, day: dt.date
) -> tuple[list[dict[str, Any]], str | None]:
    """Return the workers of a grid on ``day`` and the name of its community.

    Workers are ``code, name, phone, role``, grid head first; read in the
    caller's transaction.
    """
    if not grid_code:
        return [], None
    g, a, w, c = schema.grids, schema.assignments, schema.workers, schema.communities
    community = conn.execute(
        select(c.c.name).join(g, g.c.community_id == c.c.id).where(g.c.code == grid_code)
    ).scalar()
    rows = conn.execute(
        select(w.c.code, w.c.name, w.c.phone, a.c.role)
        .join(a, a.c.worker_id == w.c.id)
        .join(g, g.c.id == a.c.grid_id)
        .where(g.c.code == grid_code, valid_on(a, day))
    ).mappings()
    people = sorted(
        (dict(r) for r in rows), key=lambda r: (ROLE_ORDER.get(r["role"], 99), r["name"], r["code"])
    )
    return people, None if community is None else str(community)


def enqueue(
    conn: Connection,
    *,
    kind: str,
    channel: str,
    recipient: str | None,
    payload: dict[str, Any],
    at: dt.datetime,
    ref: str | None = None,
    dedupe: str | None = None,
) -> int | None:
    """Write one pending message in the caller's transaction; return its id.

    With ``dedupe``, nothing is written when a row with that key exists already
    (``None`` is returned): one warning per case and deadline, one daily list per day.
    """
    if dedupe is not None and conn.execute(select(exists().where(_O.c.dedupe == dedupe))).scalar():
        return None
    return int(
        conn.execute(
            insert(_O).values(
                kind=kind,
                channel=channel,
                recipient=recipient,
                payload=payload,
                status="pending",
                attempts=0,
                next_at=at,
                ref=ref,
                dedupe=dedupe,
                created_at=at,
            )
        ).inserted_primary_key[0]
    )


@guard
def dedupe_taken(store: Store, keys: Iterable[str]) -> set[str]:
    """Return those of ``keys`` that some outbox row already carries."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    with store.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                k for (k,) in conn.execute(select(_O.c.dedupe).where(_O.c.dedupe.in_(chunk)))
            )
    return found


#: The reason logged for an attempt whose lease ran out (the sender passes a keyed one).
INTERRUPTED = "interrupted: the sender stopped before it reported (lease ran out)"


@guard
def claim(
    store: Store,
    *,
    now: dt.datetime,
    lease_s: float,
    limit: int,
    sender: str,
    ids: Iterable[int] | None = None,
    interrupted: str = INTERRUPTED,
) -> list[dict[str, Any]]:
    """Lease up to ``limit`` due rows to ``sender`` and return them, oldest first.

    Due: ``pending`` rows whose ``next_at`` has come, and ``sending`` rows whose
    lease ran out (their sender died or hung; the interrupted attempt is logged with
    the reason ``interrupted``).
    Each claimed row's ``attempts`` goes up by one before it is sent, so a message
    that kills its sender still ends in dead-letter. ``ids`` limits the claim to
    those rows (a test message sent at once).
    """
    until = now + dt.timedelta(seconds=lease_s)
    due = or_(
        and_(_O.c.status == "pending", _O.c.next_at <= now),
        and_(_O.c.status == "sending", _O.c.lease_until < now),
    )
    if ids is not None:
        due = and_(due, _O.c.id.in_([int(i) for i in ids]))
    claimed: list[dict[str, Any]] = []
    with store.transaction() as conn:
        rows = conn.execute(
            select(_O.c.id, _O.c.status, _O.c.lease_until)
            .where(due)
            .order_by(_O.c.next_at, _O.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            done = conn.execute(
                update(_O)
                .where(_O.c.id == row.id, due)
                .values(status="sending", lease_until=until, attempts=_O.c.attempts + 1)
            ).rowcount
            if not done:
                continue
            if row.status == "sending":
                conn.execute(
                    insert(_A).values(
                        outbox_id=row.id,
                        at=now,
                        ok=False,
                        error=interrupted,
                        sender=None,
                    )
                )
            claimed.append(dict(conn.execute(select(_O).where(_O.c.id == row.id)).mappings().one()))
    return claimed


@guard
def finish(
    store: Store,
    outbox_id: int,
    *,
    now: dt.datetime,
    sender: str,
    error: str | None,
    retry_at: dt.datetime | None,
) -> str:
    """Record the outcome of one attempt; return the row's new status.

    ``error`` ``None`` marks the row ``sent``; otherwise it is ``pending`` again
    from ``retry_at``, or ``dead`` when ``retry_at`` is ``None``.
    """
    status = "sent" if error is None else ("pending" if retry_at is not None else "dead")
    values: dict[str, Any] = {"status": status, "lease_until": None}
    if error is None:
        values["sent_at"] = now
    else:
        values["last_error"] = error[:2000]
        if retry_at is not None:
            values["next_at"] = retry_at
    with store.transaction() as conn:
        conn.execute(update(_O).where(_O.c.id == outbox_id).values(**values))
        conn.execute(
            insert(_A).values(
                outbox_id=outbox_id,
                at=now,
                ok=error is None,
                error=None if error is None else error[:2000],
                sender=sender[:100],
            )
        )
    return status


@guard
def requeue(store: Store, outbox_id: int, *, now: dt.datetime) -> bool:
    """Make a dead (or sent) row pending again, due now, its attempts counted from zero."""
    with store.transaction() as conn:
        return bool(
            conn.execute(
                update(_O)
                .where(_O.c.id == outbox_id, _O.c.status.in_(["dead", "sent"]))
                .values(status="pending", next_at=now, attempts=0, lease_until=None)
            ).rowcount
        )


@guard
def read_outbox(
    store: Store,
    *,
    status: str | None = None,
    ids: Iterable[int] | None = None,
    limit: int = 200,
) -> pd.DataFrame:
    """Return outbox rows, newest first (every column)."""
    stmt = select(_O).order_by(desc(_O.c.id)).limit(int(limit))
    if status:
        stmt = stmt.where(_O.c.status == status)
    if ids is not None:
        stmt = stmt.where(_O.c.id.in_([int(i) for i in ids]))
    with store.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(rows, columns=[c.name for c in _O.c])


@guard
def read_attempts(store: Store, outbox_id: int | None = None, *, limit: int = 500) -> pd.DataFrame:
    """Return delivery attempts (of one row, or the latest), oldest first."""
    stmt = select(_A).order_by(desc(_A.c.id)).limit(int(limit))
    if outbox_id is not None:
        stmt = stmt.where(_A.c.outbox_id == int(outbox_id))
    with store.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    rows.reverse()
    return pd.DataFrame(rows, columns=[c.name for c in _A.c])


def _lease_value(conn: Connection) -> tuple[bool, str | None]:
    row = conn.execute(select(_M.c.value).where(_M.c.key == _LEASE_KEY).with_for_update()).first()
    return row is not None, None if row is None else row[0]


@guard
def take_sender_lease(store: Store, owner: str, *, now: dt.datetime, ttl_s: float) -> bool:
    """Take or renew the one sender lease for ``owner``; ``False`` if another holds it."""
    until = now + dt.timedelta(seconds=ttl_s)
    with store.transaction() as conn:
        present, value = _lease_value(conn)
        if value:
            holder, _, expiry = value.rpartition("|")
            try:
                ends = dt.datetime.fromisoformat(expiry)
            except ValueError:
                ends = now
            if holder != owner and ends > now:
                return False
        text = f"{owner}|{until.isoformat()}"
        if present:
            conn.execute(update(_M).where(_M.c.key == _LEASE_KEY).values(value=text))
        else:
            conn.execute(insert(_M).values(key=_LEASE_KEY, value=text))
    return True


@guard
def release_sender_lease(store: Store, owner: str) -> None:
    """Give the sender lease up if ``owner`` holds it."""
    with store.transaction() as conn:
        _, value = _lease_value(conn)
        if value and value.rpartition("|")[0] == owner:
            conn.execute(update(_M).where(_M.c.key == _LEASE_KEY).values(value=None))
