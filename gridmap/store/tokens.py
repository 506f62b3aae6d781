"""SQL of the API tokens (table ``api_tokens``) and of the per-call admission audit.

The policy (what a token may do, when it is expired, how tokens are made) is in
:mod:`gridmap.records.tokens`; this module only reads and writes rows, each write
in one transaction with its audit row. Token hashes never reach the audit log.

Every API call is admitted by :func:`admit_call`, which in one write transaction
locks the token's row, counts the calls it made in the rate-limit window (audit
rows ``api_call`` about the token), lets the caller's ``check`` decide, and writes
one audit row: ``api_call`` when admitted, ``api_refused`` otherwise. Because the
window is counted from the shared audit log, the limit holds across processes
(SQLite serialises the write transactions; PostgreSQL locks the token's row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from gridmap.errors import InputError, NotFound
from gridmap.store import schema

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "Admission",
    "admit_call",
    "find_token",
    "insert_token",
    "list_tokens",
    "revoke_token",
]

_T = schema.api_tokens
_LOG = schema.audit_log

#: Columns returned by the reads (everything but the hash).
_PUBLIC = [c for c in _T.c if c.name != "token_hash"]


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "token_hash"}


def _audit_text(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in _public(row).items():
        out[key] = value.isoformat() if isinstance(value, dt.datetime | dt.date) else value
    return out


def insert_token(
    store: Store, values: Mapping[str, Any], *, username: str, at: dt.datetime
) -> int:
    """Insert one ``api_tokens`` row and its ``token_create`` audit row; return its id.

    Parameters
    ----------
    store
        The store.
    values
        Column values (``name, token_hash, prefix, scope, rights, rate_limit,
        expires_at, created_by``).
    username
        Who creates it (for the audit row).
    at
        When (UTC).

    Raises
    ------
    gridmap.errors.InputError
        If a token of that name exists.
    """
    row = {**values, "version": 1, "created_at": at, "updated_at": at}
    with store.transaction() as conn:
        taken = conn.execute(select(_T.c.id).where(_T.c.name == values["name"])).first()
        if taken is not None:
            raise InputError.keyed("apitoken.exists", name=values["name"])
        token_id = int(conn.execute(insert(_T).values(**row)).inserted_primary_key[0])
        store.audit("token_create", username=username, table="api_tokens", row_id=token_id,
                    after=_audit_text({"id": token_id, **row}), conn=conn, at=at)
    return token_id


def list_tokens(store: Store) -> list[dict[str, Any]]:
    """Return every ``api_tokens`` row without its hash, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(*_PUBLIC).order_by(_T.c.id.desc())).mappings().all()
    return [dict(r) for r in rows]


def find_token(store: Store, name: str) -> dict[str, Any] | None:
    """Return the ``api_tokens`` row called ``name`` (without its hash), or ``None``."""
    with store.engine.connect() as conn:
        row = conn.execute(select(*_PUBLIC).where(_T.c.name == name)).mappings().first()
    return None if row is None else dict(row)


def revoke_token(store: Store, name: str, *, username: str, at: dt.datetime) -> dict[str, Any]:
    """Set ``revoked_at`` of the token called ``name`` (once) and audit it; return the row.

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such token.
    """
    with store.transaction() as conn:
        row = conn.execute(select(_T).where(_T.c.name == name).with_for_update()).mappings().first()
        if row is None:
            raise NotFound.keyed("apitoken.no_such", name=name)
        before = dict(row)
        if before["revoked_at"] is None:
            conn.execute(
                update(_T)
                .where(_T.c.id == before["id"])
                .values(revoked_at=at, updated_at=at, version=before["version"] + 1)
            )
        after = dict(conn.execute(select(_T).where(_T.c.id == before["id"])).mappings().one())
        store.audit("token_revoke", username=username, table="api_tokens", row_id=before["id"],
                    before=_audit_text(before), after=_audit_text(after), conn=conn, at=at)
    return _public(after)


@dataclass(frozen=True)
class Admission:
    """The outcome of :func:`admit_call`.

    Attributes
    ----------
    token : dict or None
        The token's row (without its hash); ``None`` for an unknown token.
    refused : str or None
        The reason the call was refused (``None``: admitted).
    calls_in_window : int
        Admitted calls of this token in the window before this one.
    oldest_in_window : datetime or None
        When the oldest of those calls was made (for ``Retry-After``).
    """

    token: dict[str, Any] | None
    refused: str | None
    calls_in_window: int = 0
    oldest_in_window: dt.datetime | None = None


def admit_call(
    store: Store,
    token_hash: str | None,
    *,
    at: dt.datetime,
    window_s: float,
    note: str,
    check: Callable[[dict[str, Any] | None, int], str | None],
) -> Admission:
    """Admit or refuse one API call and audit it, in one write transaction.

    Parameters
    ----------
    store
        The store.
    token_hash
        The sha256 hex of the token presented (``None``: no token).
    at
        When the call arrived (UTC).
    window_s
        Length of the rate-limit window (s).
    note
        What was called (method and path), for the audit row.
    check
        ``check(token_row_or_None, calls_in_window) -> reason or None``: the policy;
        a reason refuses the call.

    Returns
    -------
    Admission
    """
    since = at - dt.timedelta(seconds=window_s)
    with store.transaction() as conn:
        row = None
        if token_hash is not None:
            row = (
                conn.execute(select(_T).where(_T.c.token_hash == token_hash).with_for_update())
                .mappings()
                .first()
            )
        token = None if row is None else _public(row)
        calls, oldest = 0, None
        if token is not None:
            calls, oldest = conn.execute(
                select(func.count(), func.min(_LOG.c.at)).where(
                    _LOG.c.table_name == "api_tokens",
                    _LOG.c.row_id == token["id"],
                    _LOG.c.action == "api_call",
                    _LOG.c.at > since,
                )
            ).one()
            calls = int(calls or 0)
        refused = check(token, calls)
        name = None if token is None else f"api:{token['name']}"
        store.audit(
            "api_refused" if refused else "api_call",
            username=name,
            table="api_tokens" if token is not None else None,
            row_id=None if token is None else token["id"],
            note=f"{note} ({refused})" if refused else note,
            conn=conn,
            at=at,
        )
        if token is not None and not refused:
            conn.execute(update(_T).where(_T.c.id == token["id"]).values(last_used_at=at))
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return Admission(token, refused, calls, oldest)
