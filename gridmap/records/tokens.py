"""API tokens: create (shown once), list, revoke, and admit each API call.

A token is ``gm_`` plus 43 random URL-safe characters (256 bits). Only its
sha256 hash is stored (a fast hash is enough for a secret this long), with a
name, a scope (the whole street or some communities), rights, a rate limit
(calls per minute) and an expiry. Admins create and revoke tokens
(``manage_users``); an admin scoped to communities handles only tokens within
their own scope.

Rights:

========= ================================================================
report    post issue reports (Open311 ``POST requests.json``)
read      read reports, locate positions, grids and point layers
phones    see workers' phone numbers unmasked (with ``read``)
========= ================================================================

Every call is admitted by :func:`admit`: the token's row is read on each call,
so a revoked or expired token is refused at once in every process, and the call
is written to the audit log (``api_call`` or ``api_refused``). The rate limit is
a sliding window of :data:`WINDOW_S` seconds counted from those audit rows in the
store, so it holds across several server processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap import auth
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.model import UserRole
from gridmap.records import TOKEN_DAYS, TOKEN_RATE_LIMIT
from gridmap.records.users import _clean_scope, _within
from gridmap.store import tokens as sql

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_RATE_LIMIT",
    "RIGHTS",
    "TOKEN_COLUMNS",
    "WINDOW_S",
    "Call",
    "NewToken",
    "admit",
    "create_token",
    "hash_token",
    "list_tokens",
    "revoke_token",
    "token_user",
]

#: The rights a token can carry.
RIGHTS: tuple[str, ...] = ("report", "read", "phones")
#: Default lifetime of a new token (days).
DEFAULT_DAYS = TOKEN_DAYS
#: Longest lifetime of a token (days): tokens must expire.
MAX_DAYS = 3 * 365
#: Default rate limit (calls per :data:`WINDOW_S` seconds).
DEFAULT_RATE_LIMIT = TOKEN_RATE_LIMIT
#: Length of the rate-limit window (s).
WINDOW_S = 60.0
_PREFIX = "gm_"

#: Columns of :func:`list_tokens`.
TOKEN_COLUMNS = (
    "name", "prefix", "scope", "rights", "rate_limit", "expires_at", "revoked_at",
    "created_by", "created_at", "last_used_at", "state",
)  # fmt: skip


@dataclass(frozen=True)
class NewToken:
    """A token just created; ``token`` is the secret, shown this once and never stored."""

    id: int
    name: str
    token: str
    prefix: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Call:
    """An admitted or refused API call (see :func:`admit`).

    Attributes
    ----------
    refused : str or None
        ``None`` when admitted, else a machine code: ``token_missing``,
        ``token_invalid``, ``token_revoked``, ``token_expired``, ``right_missing``,
        ``rate_limited``.
    token : dict or None
        The token's row (no hash).
    user : gridmap.auth.User or None
        Whom the call acts as: ``api:<name>`` with the token's scope.
    retry_after_s : int
        For ``rate_limited``: seconds until the window has room again.
    """

    refused: str | None
    token: dict[str, Any] | None = None
    user: User | None = None
    retry_after_s: int = 0

    def has(self, right: str) -> bool:
        """Whether the token carries ``right``."""
        return self.token is not None and right in (self.token.get("rights") or [])


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def hash_token(token: str) -> str:
    """Return the sha256 hex digest of a token (what the store keeps).

    Examples
    --------
    >>> len(hash_token("gm_example"))
    64
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _clean_rights(rights: Iterable[str]) -> list[str]:
    if isinstance(rights, str):
        rights = [r for r in rights.replace(",", " ").split() if r]
    picked = sorted({str(r).strip().lower() for r in rights if str(r).strip()})
    unknown = [r for r in picked if r not in RIGHTS]
    if unknown:
        raise InputError.keyed("apitoken.unknown_rights", rights=unknown, known=list(RIGHTS))
    if not picked:
        raise InputError.keyed("apitoken.no_rights", known=list(RIGHTS))
    return picked


def _scope_of(row: dict[str, Any]) -> tuple[str, ...] | None:
    scope = row.get("scope")
    return None if scope is None else tuple(scope)


def _require_within(by: User, scope: Sequence[str] | None, name: str) -> None:
    auth.require(by, "manage_users")
    if not _within(scope, by.scope):
        raise PermissionDenied.keyed("apitoken.out_of_scope", user=by.username, name=name)


def create_token(
    store: Store,
    name: str,
    *,
    rights: Iterable[str],
    scope: Sequence[str] | None = None,
    days: float | None = DEFAULT_DAYS,
    expires_at: dt.datetime | None = None,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    by: User,
    at: dt.datetime | None = None,
) -> NewToken:
    """Create an API token and return it with its secret (shown once).

    Parameters
    ----------
    store
        The store.
    name
        A unique name saying who uses it (``"12345 hotline"``).
    rights
        Some of :data:`RIGHTS`.
    scope
        Community codes the token may see and report in; ``None`` for the whole street.
    days
        Lifetime in days from now (ignored when ``expires_at`` is given).
    expires_at
        The expiry (UTC if naive).
    rate_limit
        Calls per minute (1 to 10,000).
    by
        The admin creating it; a scoped admin only within their scope.
    at
        Now (for tests).

    Returns
    -------
    NewToken

    Raises
    ------
    gridmap.errors.InputError
        Empty or taken name, unknown rights or communities, an expiry in the past or
        more than :data:`MAX_DAYS` days ahead, a rate limit out of range.
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin or the scope is wider than ``by``'s.
    """
    now = _now(at)
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise InputError.keyed("apitoken.name")
    scope = _clean_scope(store, scope)
    _require_within(by, scope, name)
    picked = _clean_rights(rights)
    if expires_at is None:
        if days is None or not 0 < float(days) <= MAX_DAYS:
            raise InputError.keyed("apitoken.days", max_days=MAX_DAYS, days=days)
        expires_at = now + dt.timedelta(days=float(days))
    expires_at = _now(expires_at)
    if expires_at <= now or expires_at > now + dt.timedelta(days=MAX_DAYS):
        raise InputError.keyed(
            "apitoken.expiry", max_days=MAX_DAYS, at=expires_at.isoformat()
        )
    if isinstance(rate_limit, bool) or not 1 <= int(rate_limit) <= 10_000:
        raise InputError.keyed("apitoken.rate", rate=rate_limit)
    secret = _PREFIX + secrets.token_urlsafe(32)
    prefix = secret[:10]
    token_id = sql.insert_token(
        store,
        {
            "name": name,
            "token_hash": hash_token(secret),
            "prefix": prefix,
            "scope": scope,
            "rights": picked,
            "rate_limit": int(rate_limit),
            "expires_at": expires_at,
            "created_by": by.username,
        },
        username=by.username,
        at=now,
    )
    return NewToken(token_id, name, secret, prefix, expires_at)


def _state(row: dict[str, Any], now: dt.datetime) -> str:
    if row.get("revoked_at") is not None:
        return "revoked"
    if _now(row["expires_at"]) <= now:
        return "expired"
    return "active"


def list_tokens(store: Store, *, by: User, at: dt.datetime | None = None) -> pd.DataFrame:
    """Return the tokens ``by`` may handle, newest first, with their ``state``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TOKEN_COLUMNS` (never the hash); ``state`` is ``active``,
        ``expired`` or ``revoked``.
    """
    auth.require(by, "manage_users")
    now = _now(at)
    rows = [r for r in sql.list_tokens(store) if _within(_scope_of(r), by.scope)]
    for r in rows:
        r["state"] = _state(r, now)
    return pd.DataFrame(rows, columns=list(TOKEN_COLUMNS))


def revoke_token(store: Store, name: str, *, by: User, at: dt.datetime | None = None) -> None:
    """Revoke the token called ``name``: every later call with it is refused.

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such token (or it is outside ``by``'s scope).
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin.
    """
    auth.require(by, "manage_users")
    row = sql.find_token(store, name)
    if row is None or not _within(_scope_of(row), by.scope):
        raise NotFound.keyed("apitoken.no_such", name=name)
    sql.revoke_token(store, name, username=by.username, at=_now(at))


def token_user(token: dict[str, Any]) -> User:
    """Return the :class:`~gridmap.auth.User` a token's calls act as.

    ``api:<name>`` with the token's scope; the inspector role when it may report
    (``edit_issues``), else the viewer role. Phone numbers follow the token's
    ``phones`` right, not the role (the caller masks them).
    """
    role = UserRole.INSPECTOR if "report" in (token.get("rights") or []) else UserRole.VIEWER
    return auth.User(f"api:{token['name']}", role, _scope_of(token), token.get("id"))


def admit(
    store: Store,
    secret: str | None,
    *,
    right: str | Sequence[str],
    note: str,
    at: dt.datetime | None = None,
) -> Call:
    """Admit or refuse one API call with token ``secret`` needing ``right``; audit it.

    Parameters
    ----------
    store
        The store.
    secret
        The token the caller presented (``None``: none).
    right
        One of :data:`RIGHTS` the call needs, or several of which any will do.
    note
        What was called (``"GET /locate"``), for the audit log; never the token.
    at
        When (default now).

    Returns
    -------
    Call
        ``refused`` is ``None`` when the call may go on.
    """
    now = _now(at)
    needed = (right,) if isinstance(right, str) else tuple(right)

    def check(row: dict[str, Any] | None, calls: int) -> str | None:
        if secret is None:
            return "token_missing"
        if row is None:
            return "token_invalid"
        if row.get("revoked_at") is not None:
            return "token_revoked"
        if _now(row["expires_at"]) <= now:
            return "token_expired"
        if not set(needed) & set(row.get("rights") or []):
            return "right_missing"
        if calls >= int(row["rate_limit"]):
            return "rate_limited"
        return None

    found = sql.admit_call(
        store,
        None if secret is None else hash_token(secret),
        at=now,
        window_s=WINDOW_S,
        note=note,
        check=check,
    )
    retry = 0
    if found.refused == "rate_limited" and found.oldest_in_window is not None:
        wait = found.oldest_in_window + dt.timedelta(seconds=WINDOW_S) - now
        retry = max(1, int(wait.total_seconds() + 0.999))
    user = None if found.token is None else token_user(found.token)
    return Call(found.refused, found.token, user, retry)
