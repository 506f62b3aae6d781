"""The 督办 loop: supervision orders (督办单) tracked from issue to closure.

``lifecycle``  the state machine (pure): 已下发 -> 整改中 -> 已整改 -> 复查 -> 复查通过 -> 办结
``service``    the store-backed writes: issue from check failures or cases, move, re-check
``queries``    the store-backed reading: the list with overdue flags, one order
``cli``        ``gridmap supervision list|show|move|issue``

The monthly 考核 ledger that counts overdue orders is :mod:`gridmap.ledger`.
"""

from __future__ import annotations

from gridmap.supervision import lifecycle, queries, service
from gridmap.supervision.lifecycle import MOVES, State, parse_state
from gridmap.supervision.queries import list_orders, order_detail
from gridmap.supervision.service import (
    issue_from_cases,
    issue_from_failures,
    move_order,
    recheck,
    resolve_order,
)

__all__ = [
    "MOVES",
    "State",
    "issue_from_cases",
    "issue_from_failures",
    "lifecycle",
    "list_orders",
    "move_order",
    "order_detail",
    "parse_state",
    "queries",
    "recheck",
    "resolve_order",
    "service",
]
