"""The store's queries on issue reports, their events (status moves) and photos.

Reads open their own connection; writes take the ``conn`` of the caller's
:meth:`~gridmap.store.Store.transaction`, in which the caller also writes the
audit row (one per change, see :mod:`gridmap.issues.service`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Row

from gridmap.store import counters, schema
from gridmap.store._base import guard

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = [
    "add_issue_event",
    "add_issue_photos",
    "find_issue",
    "find_issue_by_token",
    "issue_photos",
    "issue_transitions",
    "lock_issue",
    "merged_into",
    "next_issue_code",
    "read_issue_events",
    "read_issue_photo",
    "read_issue_reports",
    "reports_by_user",
    "update_issue",
]

_T = schema.issue_reports
_E = schema.issue_events
_P = schema.issue_photos


# --------------------------------------------------------------------------- reads


@guard
def read_issue_reports(store: Store, ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Every issue report (or those with ``ids``) by id, as stored.

    Returns
    -------
    pandas.DataFrame
        Every ``issue_reports`` column but ``created_at``; ``geom`` holds shapely
        points (EPSG:4326) or ``None``.
    """
    columns = [c for c in _T.c if c.name not in ("created_at",)]
    stmt = select(*columns).order_by(_T.c.id)
    if ids is not None:
        stmt = stmt.where(_T.c.id.in_(list(ids)))
    with store.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(rows, columns=[c.name for c in columns])


@guard
def read_issue_events(store: Store, ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every status move (``issue_events`` row) of every report or of reports ``ids``.

    Returns
    -------
    pandas.DataFrame
        The ``issue_events`` columns (``id, issue_id, at, user, from_status,
        to_status, note``), by report and event id; ``at`` as stored.
    """
    stmt = select(_E).order_by(_E.c.issue_id, _E.c.id)
    if ids is not None:
        stmt = stmt.where(_E.c.issue_id.in_([int(i) for i in ids]))
    with store.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return pd.DataFrame(rows, columns=[c.name for c in _E.c])


@guard
def find_issue(store: Store, text: str) -> int | None:
    """Id of the report whose id (digits) or code (e.g. ``AJ20261102001``) is ``text``."""
    with store.connect() as conn:
        if text.isdigit():
            found = conn.execute(select(_T.c.id).where(_T.c.id == int(text))).scalar()
            if found is not None:
                return int(found)
        found = conn.execute(select(_T.c.id).where(_T.c.code == text)).scalar()
    return None if found is None else int(found)


@guard
def issue_photos(store: Store, issue_id: int) -> list[dict[str, Any]]:
    """Return the photos of a report, oldest first: ``id, kind, event_id`` (no image data)."""
    with store.connect() as conn:
        rows = conn.execute(
            select(_P.c.id, _P.c.kind, _P.c.event_id)
            .where(_P.c.issue_id == issue_id)
            .order_by(_P.c.id)
        ).mappings()
        return [dict(r) for r in rows]


@guard
def merged_into(store: Store, issue_id: int) -> list[str]:
    """Codes of the reports merged into report ``issue_id`` as its duplicates."""
    with store.connect() as conn:
        return [c for (c,) in conn.execute(select(_T.c.code).where(_T.c.duplicate_of == issue_id))]


@guard
def read_issue_photo(store: Store, photo_id: int) -> tuple[int, bytes] | None:
    """``(issue id, JPEG bytes)`` of a stored photo, or ``None`` if there is no such photo."""
    with store.connect() as conn:
        row = conn.execute(select(_P.c.issue_id, _P.c.jpeg).where(_P.c.id == int(photo_id))).first()
    return None if row is None else (int(row.issue_id), bytes(row.jpeg))


@guard
def reports_by_user(store: Store, username: str) -> list[int]:
    """Ids of the reports ``username`` created (their first event), newest first."""
    query = (select(_E.c.issue_id)
             .where(_E.c.user == username, _E.c.from_status.is_(None))
             .order_by(_E.c.issue_id.desc()))
    with store.connect() as conn:
        return [int(i) for i in conn.execute(query).scalars()]


def find_issue_by_token(conn: Connection, token: str) -> dict[str, Any] | None:
    """Return the report submitted with client token ``token``, or ``None`` (in a transaction)."""
    row = conn.execute(select(_T).where(_T.c.client_token == token)).mappings().first()
    return None if row is None else dict(row)


# --------------------------------------------------------------------------- writes


def next_issue_code(conn: Connection, day: dt.date) -> str:
    """Return the next free report code of ``day``: ``AJ`` + ``YYYYMMDD`` + a number.

    The number has 3 digits, more from the 1,000th report of a day on; it comes
    from the day's counter (:mod:`gridmap.store.counters`), skipping codes already
    stored (imported reports keep theirs). Call it in the transaction that inserts
    the report: concurrent reports then wait for each other's number.
    """
    return counters.next_codes(conn, f"AJ{day:%Y%m%d}", 1, digits=3, column=_T.c.code)[0]


def lock_issue(conn: Connection, issue_id: int) -> dict[str, Any] | None:
    """Read report ``issue_id`` and lock its row until the transaction ends (``None``: gone)."""
    row = conn.execute(select(_T).where(_T.c.id == issue_id).with_for_update()).mappings().first()
    return None if row is None else dict(row)


def issue_transitions(conn: Connection, issue_id: int) -> list[Row[Any]]:
    """Return the status moves of a report, oldest first.

    Rows: ``id, at, from_status, to_status, user``.
    """
    return list(
        conn.execute(
            select(_E.c.id, _E.c.at, _E.c.from_status, _E.c.to_status, _E.c.user)
            .where(_E.c.issue_id == issue_id)
            .order_by(_E.c.id)
        ).all()
    )


def update_issue(
    conn: Connection, issue_id: int, values: dict[str, Any], *, version: int, at: dt.datetime
) -> dict[str, Any] | None:
    """Change a report if its version is still ``version``; bump the version.

    The caller writes the audit row in the same transaction.

    Returns
    -------
    dict or None
        The report's row after the change, or ``None`` if it was not changed (its
        version moved on, or it is gone).
    """
    stmt = (
        update(_T)
        .where(_T.c.id == issue_id, _T.c.version == version)
        .values(**values, version=version + 1, updated_at=at)
    )
    if not conn.execute(stmt).rowcount:
        return None
    return dict(conn.execute(select(_T).where(_T.c.id == issue_id)).mappings().one())


def add_issue_event(
    conn: Connection,
    issue_id: int,
    *,
    at: dt.datetime,
    user: str,
    from_status: str | None,
    to_status: str,
    note: str | None,
) -> int:
    """Record a status move of a report; return the event's id."""
    return int(
        conn.execute(
            insert(_E).values(
                issue_id=issue_id,
                at=at,
                user=user,
                from_status=from_status,
                to_status=to_status,
                note=note,
            )
        ).inserted_primary_key[0]
    )


def add_issue_photos(
    conn: Connection,
    issue_id: int,
    photos: Iterable[bytes],
    *,
    event_id: int | None,
    kind: str,
    at: dt.datetime,
) -> None:
    """Store photos (JPEG bytes, already cleaned of EXIF) of a report and one of its events."""
    for jpeg in photos:
        conn.execute(
            insert(_P).values(
                issue_id=issue_id, event_id=event_id, kind=kind, jpeg=jpeg, created_at=at
            )
        )
