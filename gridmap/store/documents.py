"""SQL of issued documents: supervision orders (督办单) and their per-year numbers (文号).

:func:`issue_orders` numbers a batch of orders in one write transaction: the next
sequence number of the year is one more than the largest stored for that year, so
numbers run 1, 2, 3 ... per year without gaps and never repeat (a unique constraint
on ``(year, seq)`` guards concurrent issuers: the loser's transaction fails and
nothing of it is kept).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from gridmap.store import schema
from gridmap.store import supervision as store_supervision
from gridmap.store._base import utcnow

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = ["issue_orders", "list_orders"]

_T = schema.supervision_orders


def issue_orders(
    store: Store,
    orders: Sequence[Mapping[str, Any]],
    *,
    year: int,
    number: Callable[[int], str],
    username: str | None,
) -> list[dict[str, Any]]:
    """Record ``orders`` as issued in ``year`` and return them with their numbers.

    Parameters
    ----------
    store
        The store.
    orders
        One mapping per order: ``grid``, ``community``, ``issued_on``, ``deadline``,
        ``failures``, optionally ``origin`` (``checks`` or ``cases``) and ``items``
        (the failures or cases it lists, see :func:`gridmap.store.supervision.add_items`).
    year
        The year of the document numbers.
    number
        ``number(seq)`` -> the 文号 as printed (``望江街督〔2026〕3号``).
    username
        Who issues them (stored and audited).

    Returns
    -------
    list of dict
        The stored rows (``id``, ``year``, ``seq``, ``number`` ...), in the given order.
    """
    at = utcnow()
    out: list[dict[str, Any]] = []
    with store.transaction() as conn:
        last = conn.execute(select(func.max(_T.c.seq)).where(_T.c.year == year)).scalar()
        seq = int(last or 0)
        for order in orders:
            seq += 1
            row = {
                "year": year,
                "seq": seq,
                "number": number(seq),
                "grid": str(order["grid"]),
                "community": order.get("community"),
                "issued_on": order["issued_on"],
                "deadline": order["deadline"],
                "failures": int(order["failures"]),
                "issued_by": username,
                "created_at": at,
                "state": "issued",
                "origin": str(order.get("origin") or "checks"),
                "version": 1,
                "updated_at": at,
            }
            row_id = int(conn.execute(insert(_T).values(**row)).inserted_primary_key[0])
            store_supervision.add_items(conn, row_id, order.get("items") or ())
            store_supervision.add_event(
                conn, row_id, at=at, user=username, from_state=None, to_state="issued"
            )
            out.append({"id": row_id, **row})
        if out:
            store.audit(
                "supervision_issue",
                username=username,
                table="supervision_orders",
                after={"numbers": [r["number"] for r in out], "year": year},
                note=f"{len(out)} supervision orders, {out[0]['number']} – {out[-1]['number']}",
                conn=conn,
                at=at,
            )
    return out


def list_orders(store: Store, *, year: int | None = None) -> list[dict[str, Any]]:
    """Return the issued orders (of ``year``, or all), newest first."""
    query = select(_T).order_by(_T.c.year.desc(), _T.c.seq.desc())
    if year is not None:
        query = query.where(_T.c.year == year)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings().all()]
