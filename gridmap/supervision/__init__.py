"""The 督办 loop: supervision orders (督办单) tracked from issue to closure.

``lifecycle``  the state machine (pure): 已下发 -> 整改中 -> 已整改 -> 复查 -> 复查通过 -> 办结
``service``    the store-backed writes: issue from check failures or cases, move, re-check
``queries``    the store-backed reading: the list with overdue flags, one order
``cli``        ``gridmap supervision list|show|move|issue``

The monthly 考核 ledger that counts overdue orders is :mod:`gridmap.ledger`.
"""

from __future__ import annotations

from gridmap._lazy import lazy_exports

# Everything loads on first use: ``gridmap supervision --help`` needs none of it.
__getattr__, __dir__ = lazy_exports(
    __name__,
    modules=("lifecycle", "queries", "service"),
    names={
        "lifecycle": ("MOVES", "State", "parse_state"),
        "queries": ("list_orders", "order_detail"),
        "service": (
            "issue_from_cases",
            "issue_from_failures",
            "move_order",
            "recheck",
            "resolve_order",
        ),
    },
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
