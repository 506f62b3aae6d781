"""Store-backed reading of the 督办 loop: the list of orders (with overdue) and one order."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap.errors import NotFound
from gridmap.store import supervision as store_supervision
from gridmap.supervision.lifecycle import OPEN_STATES, State, is_overdue, moves_from
from gridmap.supervision.service import resolve_order

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = ["list_orders", "order_detail", "passed_on"]


def passed_on(events: pd.DataFrame) -> dict[int, dt.date]:
    """Order id -> the (UTC) day its last passing re-check happened."""
    done = events[events["to_state"] == State.PASSED.value]
    out: dict[int, dt.date] = {}
    for order_id, at in zip(done["order_id"], pd.to_datetime(done["at"], utc=True), strict=True):
        out[int(order_id)] = at.date()
    return out


def list_orders(
    store: Store,
    user: User | None = None,
    *,
    states: list[str] | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Return the orders the user may see, newest first, with an ``overdue`` flag.

    Parameters
    ----------
    store, user
        The store; a user with a scope sees the orders of those communities.
    states
        Only these states (``issued`` ... ``done``).
    overdue
        Only orders open past their deadline, or that passed after it.
    today
        The day overdue is measured on (default today).

    Returns
    -------
    pandas.DataFrame
        The ``supervision_orders`` columns plus ``items``, ``resolved``, ``open``
        and ``overdue``.
    """
    from gridmap.supervision.lifecycle import parse_state

    day = today or dt.date.today()
    scope = None if user is None or user.scope is None else list(user.scope)
    wanted = None if not states else [parse_state(s).value for s in states]
    frame = store_supervision.read_orders(store, states=wanted, communities=scope)
    events = store_supervision.read_events(store, list(frame["id"])) if len(frame) else None
    passed = passed_on(events) if events is not None else {}
    frame["open"] = frame["state"].isin([s.value for s in OPEN_STATES])
    frame["overdue"] = [
        is_overdue(state, deadline, day, passed.get(int(i)))
        for i, state, deadline in zip(frame["id"], frame["state"], frame["deadline"], strict=True)
    ]
    if overdue:
        frame = frame[frame["overdue"]]
    return frame.reset_index(drop=True)


def order_detail(
    store: Store, user: User | None, order: int | str, *, today: dt.date | None = None
) -> dict[str, Any]:
    """One order with its items, history, photos and the actions the state allows.

    Raises
    ------
    gridmap.errors.NotFound
        If the order does not exist or lies outside the user's scope.
    """
    order_id = resolve_order(store, order)
    rows = list_orders(store, user, today=today)
    rows = rows[rows["id"] == order_id]
    if rows.empty:
        raise NotFound.keyed("supervision.not_in_scope", order=str(order))
    row = rows.iloc[0].to_dict()
    actions = sorted({m.action if m.manual else "recheck" for m in moves_from(row["state"])})
    return {
        **row,
        "items_table": store_supervision.read_items(store, [order_id]),
        "events": store_supervision.read_events(store, [order_id]),
        "photos": store_supervision.read_photos(store, order_id),
        "actions": actions,
    }
