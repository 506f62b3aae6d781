"""Login sessions and counted logins of unknown names: the SQL behind :mod:`gridmap.web.sessions`.

Functions here take a :class:`~gridmap.store.Store` and hold no policy: the
session lifetimes, what a revocation reason means and when a name is locked
are decided by the callers (:mod:`gridmap.web.sessions`, :mod:`gridmap.auth`).
Every time is an aware UTC datetime.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, delete, insert, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gridmap.store import schema

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "count_unknown_failure",
    "find_session",
    "insert_session",
    "list_sessions",
    "prune_sessions",
    "revoke_sessions",
    "touch_session",
    "unknown_lock",
    "unlock_name",
]

_S = schema.sessions
_U = schema.users
_A = schema.login_attempts


def insert_session(store: Store, *, token_hash: str, user_id: int, at: dt.datetime,
                   expires_at: dt.datetime, idle_expires_at: dt.datetime,
                   user_agent: str | None) -> int:
    """Insert a session row and return its id."""
    values = {
        "token_hash": token_hash, "user_id": user_id, "created_at": at, "last_seen_at": at,
        "expires_at": expires_at, "idle_expires_at": idle_expires_at,
        "user_agent": (user_agent or "")[:300] or None,
    }
    with store._write() as conn:
        return int(conn.execute(insert(_S).values(**values)).inserted_primary_key[0])


def _session_columns() -> list[Any]:
    return [*_S.c, _U.c.username, _U.c.role, _U.c.scope, _U.c.disabled, _U.c.worker_code]


def find_session(store: Store, token_hash: str) -> dict[str, Any] | None:
    """Return the session with this token hash joined with its user's current row, or None.

    The row has every ``sessions`` column plus ``username``, ``role``, ``scope``,
    ``disabled`` and ``worker_code`` as the store holds them now (re-read on every call).
    """
    query = (select(*_session_columns()).join(_U, _U.c.id == _S.c.user_id)
             .where(_S.c.token_hash == token_hash))
    with store._connect() as conn:
        row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def touch_session(store: Store, session_id: int, *, at: dt.datetime,
                  idle_expires_at: dt.datetime) -> bool:
    """Mark a live session used at ``at``; return False if it was revoked or expired meanwhile."""
    query = (update(_S)
             .where(_S.c.id == session_id, _S.c.revoked_at.is_(None), _S.c.expires_at > at,
                    _S.c.idle_expires_at > at)
             .values(last_seen_at=at, idle_expires_at=idle_expires_at))
    with store._write() as conn:
        return conn.execute(query).rowcount == 1


def revoke_sessions(store: Store, *, reason: str, at: dt.datetime, session_id: int | None = None,
                    user_id: int | None = None, keep_id: int | None = None) -> int:
    """Revoke one session or every live session of a user; return how many were revoked.

    Parameters
    ----------
    store
        The store.
    reason
        Why (shown to the user on their next click), at most 20 characters.
    at
        When.
    session_id
        Revoke this session only.
    user_id
        Revoke every live session of this user (with ``session_id``: only if it is theirs).
    keep_id
        A session of ``user_id`` to leave alone (the one changing its own password).
    """
    if session_id is None and user_id is None:
        msg = "name a session or a user"
        raise ValueError(msg)
    conditions = [_S.c.revoked_at.is_(None)]
    if session_id is not None:
        conditions.append(_S.c.id == session_id)
    if user_id is not None:
        conditions.append(_S.c.user_id == user_id)
    if keep_id is not None:
        conditions.append(_S.c.id != keep_id)
    query = update(_S).where(*conditions).values(revoked_at=at, revoked_reason=reason[:20])
    with store._write() as conn:
        return int(conn.execute(query).rowcount)


def list_sessions(store: Store, *, at: dt.datetime, user_id: int | None = None,
                  user_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Live sessions (not revoked, not expired at ``at``), newest use first.

    Parameters
    ----------
    store
        The store.
    at
        The time that decides what is live.
    user_id, user_ids
        Only these users' sessions (default: everyone's).

    Returns
    -------
    list of dict
        ``id, user_id, username, created_at, last_seen_at, expires_at, idle_expires_at,
        user_agent`` per session (never the token hash).
    """
    conditions = [_S.c.revoked_at.is_(None), _S.c.expires_at > at, _S.c.idle_expires_at > at]
    if user_id is not None:
        conditions.append(_S.c.user_id == user_id)
    if user_ids is not None:
        conditions.append(_S.c.user_id.in_(user_ids))
    query = (select(_S.c.id, _S.c.user_id, _U.c.username, _S.c.created_at, _S.c.last_seen_at,
                    _S.c.expires_at, _S.c.idle_expires_at, _S.c.user_agent)
             .join(_U, _U.c.id == _S.c.user_id).where(*conditions)
             .order_by(_S.c.last_seen_at.desc(), _S.c.id.desc()))
    with store._connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]


def prune_sessions(store: Store, *, before: dt.datetime) -> int:
    """Delete sessions that ended (expired or revoked) before ``before``; return how many."""
    ended = or_(_S.c.expires_at < before, _S.c.idle_expires_at < before,
                and_(_S.c.revoked_at.is_not(None), _S.c.revoked_at < before))
    with store._write() as conn:
        return int(conn.execute(delete(_S).where(ended)).rowcount)


def unknown_lock(store: Store, username: str) -> dt.datetime | None:
    """When the counted name ``username`` (not a user) is locked until, or None."""
    with store._connect() as conn:
        return conn.execute(select(_A.c.locked_until).where(_A.c.username == username)).scalar()


def count_unknown_failure(store: Store, username: str, *, at: dt.datetime, lock_after: int,
                          locked_until: dt.datetime, forget_before: dt.datetime,
                          ) -> dt.datetime | None:
    """Count a failed login of a name that is not a user, like a user's; return its lock.

    The count starts again at one when the previous failure is older than
    ``forget_before`` or a lock has run out, and the name is locked until
    ``locked_until`` when this failure brings the count to ``lock_after``,
    all decided in one statement so processes cannot race past the limit.
    """
    name = username[:100]
    with store._write() as conn:
        new = (sqlite_insert if store.dialect == "sqlite" else pg_insert)(_A)
        conn.execute(new.values(username=name, failures=0).on_conflict_do_nothing())
        at_v = type_coerce(at, _A.c.last_failure_at.type)
        forget_v = type_coerce(forget_before, _A.c.last_failure_at.type)
        lock_v = type_coerce(locked_until, _A.c.locked_until.type)
        fresh = or_(_A.c.last_failure_at.is_(None), _A.c.last_failure_at < forget_v,
                    and_(_A.c.locked_until.is_not(None), _A.c.locked_until <= at_v))
        count = case((fresh, 1), else_=_A.c.failures + 1)
        conn.execute(update(_A).where(_A.c.username == name).values(
            failures=count,
            last_failure_at=at_v,
            locked_until=case((count >= lock_after, lock_v),
                              (fresh, None), else_=_A.c.locked_until),
        ))
        return conn.execute(select(_A.c.locked_until).where(_A.c.username == name)).scalar()


def unlock_name(store: Store, username: str) -> None:
    """Forget the counted failures of a name that is not a user."""
    with store._write() as conn:
        conn.execute(delete(_A).where(_A.c.username == username))
