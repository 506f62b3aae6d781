"""Server-side login sessions: a random cookie token, its SHA-256 in the store.

A login creates a row in the store's ``sessions`` table and gives the browser
a random token in an HttpOnly cookie (:data:`COOKIE`). Every page run and
every gridmap route resolves the token with :func:`resolve_session`, which
re-reads the user's role, scope and active flag from the store, so any app
process validates any session and a change by an admin takes effect on the
user's next click:

- disabling a user, changing their role or scope or resetting their password
  revokes all their sessions (:mod:`gridmap.records.users`), with the reason;
- a session ends ``session_max_hours`` after the login however active it is,
  and ``session_idle_minutes`` after its last use.

This module holds the policy; the SQL is in :mod:`gridmap.store.sessions`.
It imports neither Streamlit nor Starlette.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gridmap import auth, config
from gridmap.errors import GridmapError, NotFound, PermissionDenied
from gridmap.model import UserRole
from gridmap.store import sessions as store_sessions

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "COOKIE",
    "REASONS",
    "Resolved",
    "Session",
    "end_session",
    "hash_token",
    "list_sessions",
    "resolve_session",
    "start_session",
]

#: Name of the HttpOnly cookie holding the session token.
COOKIE = "gridmap_session"
#: Why a session ended; each has an i18n text ``auth.ended.<reason>``.
REASONS = ("logout", "ended", "disabled", "role_changed", "password_reset", "password_changed",
           "expired", "idle")
#: A page run marks its session used at most this often (one write, not one per click).
TOUCH_EVERY = dt.timedelta(seconds=15)


@dataclass(frozen=True)
class Session:
    """A live login session: its id, the user as the store holds them now, and its ends."""

    id: int
    user: auth.User
    created_at: dt.datetime
    expires_at: dt.datetime
    idle_expires_at: dt.datetime


@dataclass(frozen=True)
class Resolved:
    """What a cookie token names: a live session, or why there is none.

    ``reason`` is one of :data:`REASONS` when the token named a session that
    has ended, and ``None`` for no token or an unknown one.
    """

    session: Session | None
    reason: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    """Return the SHA-256 (hex) under which a cookie token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lifetimes(settings: dict[str, Any] | None) -> tuple[dt.timedelta, dt.timedelta]:
    if settings is None:
        try:
            settings = config.load_settings()
        except GridmapError:
            settings = {s.name: s.default for s in config.SETTINGS}
    idle = dt.timedelta(minutes=float(settings["session_idle_minutes"]))
    absolute = dt.timedelta(hours=float(settings["session_max_hours"]))
    return idle, absolute


def start_session(store: Store, user: auth.User, *, user_agent: str | None = None,
                  now: dt.datetime | None = None,
                  settings: dict[str, Any] | None = None) -> tuple[str, Session]:
    """Create a session for a user who just logged in.

    Parameters
    ----------
    store
        The store.
    user
        The user :func:`gridmap.auth.login` returned (with its ``id``).
    user_agent
        The browser's User-Agent, shown in the session lists.
    now
        When (default now, UTC).
    settings
        Settings to take the lifetimes from (default: :func:`gridmap.config.load_settings`).

    Returns
    -------
    tuple
        The token for the cookie (never stored) and the :class:`Session`.
    """
    if user.id is None:
        msg = f"user {user.username!r} has no id; log in through gridmap.auth.login"
        raise ValueError(msg)
    now = now or _now()
    idle, absolute = _lifetimes(settings)
    token = secrets.token_urlsafe(32)
    expires = now + absolute
    idle_expires = min(now + idle, expires)
    store_sessions.prune_sessions(store, before=now - dt.timedelta(days=30))
    session_id = store_sessions.insert_session(
        store, token_hash=hash_token(token), user_id=user.id, at=now, expires_at=expires,
        idle_expires_at=idle_expires, user_agent=user_agent)
    return token, Session(session_id, user, now, expires, idle_expires)


def resolve_session(store: Store, token: str | None, *, now: dt.datetime | None = None,
                    touch: bool = True, settings: dict[str, Any] | None = None) -> Resolved:
    """Return the live session a cookie token names, with its user re-read from the store.

    Parameters
    ----------
    store
        The store.
    token
        The cookie's value (``None`` or empty: no session).
    now
        When (default now, UTC).
    touch
        Mark the session used (moves its idle end; at most every :data:`TOUCH_EVERY`).
    settings
        Settings to take the idle lifetime from.

    Returns
    -------
    Resolved
        The session, or ``None`` with the reason it ended.
    """
    if not token:
        return Resolved(None)
    now = now or _now()
    row = store_sessions.find_session(store, hash_token(token))
    if row is None:
        return Resolved(None)
    if row["revoked_at"] is not None:
        return Resolved(None, row["revoked_reason"] or "ended")
    if row["disabled"]:
        store_sessions.revoke_sessions(store, reason="disabled", at=now, session_id=row["id"])
        return Resolved(None, "disabled")
    if row["expires_at"] <= now:
        return Resolved(None, "expired")
    if row["idle_expires_at"] <= now:
        return Resolved(None, "idle")
    scope = row["scope"]
    user = auth.User(row["username"], UserRole(row["role"]),
                     tuple(scope) if scope is not None else None, row["user_id"],
                     row.get("worker_code"))
    idle_end = row["idle_expires_at"]
    if touch and now - row["last_seen_at"] >= TOUCH_EVERY:
        idle, _ = _lifetimes(settings)
        idle_end = min(now + idle, row["expires_at"])
        if not store_sessions.touch_session(store, row["id"], at=now, idle_expires_at=idle_end):
            return resolve_session(store, token, now=now, touch=False, settings=settings)
    return Resolved(Session(row["id"], user, row["created_at"], row["expires_at"], idle_end))


def end_session(store: Store, session_id: int, *, by: auth.User, reason: str = "ended",
                now: dt.datetime | None = None) -> None:
    """End one session: one's own (any user) or anyone's within an admin's scope.

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such live session.
    gridmap.errors.PermissionDenied
        If ``by`` may not end it.
    """
    now = now or _now()
    live = {s["id"]: s for s in store_sessions.list_sessions(store, at=now)}
    target = live.get(session_id)
    if target is None:
        raise NotFound.keyed("websession.no_such", session=session_id)
    if target["user_id"] != by.id:
        auth.require(by, "manage_users")
        owner = store.find_user(target["username"])
        scope = None if owner is None or owner.get("scope") is None else set(owner["scope"])
        if by.scope is not None and (scope is None or not scope <= set(by.scope)):
            raise PermissionDenied.keyed(
                "websession.not_allowed", user=by.username, target=target["username"]
            )
    store_sessions.revoke_sessions(store, reason=reason, at=now, session_id=session_id)


def list_sessions(store: Store, *, by: auth.User, everyone: bool = False,
                  now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Live sessions: one's own, or (``everyone``, admins) those of the users one manages.

    Returns
    -------
    list of dict
        ``id, user_id, username, created_at, last_seen_at, expires_at, idle_expires_at,
        user_agent`` per session, most recently used first.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``everyone`` is asked by a user who is not an admin.
    """
    now = now or _now()
    if not everyone:
        return store_sessions.list_sessions(store, at=now, user_id=by.id)
    auth.require(by, "manage_users")
    rows = store_sessions.list_sessions(store, at=now)
    if by.scope is None:
        return rows
    managed = {u["id"] for u in store.list_users()
               if u.get("scope") is not None and set(u["scope"]) <= set(by.scope)}
    return [r for r in rows if r["user_id"] in managed or r["user_id"] == by.id]
