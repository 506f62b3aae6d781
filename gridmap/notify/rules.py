"""Who gets what: the receivers of each kind of notification.

==============  ===================================================  ==========================
kind            when                                                 receivers (audiences)
==============  ===================================================  ==========================
``dispatched``  a case is dispatched (派遣)                           its worker (or the grid's)
``returned``    a case is returned (退回) for rework                  its worker
``warning``     ``warn_share`` of its time limit has passed (超时预警)  its worker
``overdue``     its deadline has passed                              its worker, the grid head,
                                                                     the inspectors
``daily``       each day at ``daily_at`` (local time)                the street office
``supervision`` a 督办单 export is issued                              the street office
==============  ===================================================  ==========================

``supervision_move`` (a tracked 督办单 is accepted, rectified, re-checked or closed)
goes to the street office and the inspectors.

A channel takes a message when one of its ``audience`` entries is among the
message's audiences, its ``events`` (if any) name the kind, and its
``communities`` (if any) hold the case's community. "Its worker" is the worker
a case was dispatched to, else every worker of its grid that day; they are
@-mentioned (by mobile number) on 企业微信 and 钉钉 group channels.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AUDIENCES_OF", "audiences", "recipients"]

#: Kind -> the audiences it goes to.
AUDIENCES_OF: dict[str, frozenset[str]] = {
    "dispatched": frozenset({"workers"}),
    "returned": frozenset({"workers"}),
    "warning": frozenset({"workers"}),
    "overdue": frozenset({"workers", "grid_heads", "inspectors"}),
    "daily": frozenset({"office"}),
    "supervision": frozenset({"office"}),
    "supervision_move": frozenset({"office", "inspectors"}),
    "test": frozenset({"workers", "grid_heads", "inspectors", "office"}),
}


def audiences(kind: str) -> set[str]:
    """Return the audiences of a kind of notification."""
    return set(AUDIENCES_OF.get(kind, frozenset()))


def case_workers(people: list[dict[str, Any]], dispatched_to: str | None) -> list[dict[str, Any]]:
    """Return the workers a case's message is about: the dispatched one, else the grid's workers."""
    if dispatched_to:
        chosen = [p for p in people if p.get("code") == dispatched_to]
        if chosen:
            return chosen
    return [p for p in people if p.get("role") != "volunteer"] or list(people)


def recipients(
    kind: str, people: list[dict[str, Any]], dispatched_to: str | None
) -> tuple[list[dict[str, Any]], str]:
    """Workers to name and @-mention, and the ``recipient`` text stored with the message.

    Returns
    -------
    tuple
        ``(workers, text)``: for ``overdue`` the case's workers plus the grid
        head; ``text`` such as ``"worker:W001,grid_head:W002,inspectors"``.
    """
    workers = case_workers(people, dispatched_to)
    if kind == "overdue":
        workers += [p for p in people if p.get("role") == "grid_head" and p not in workers]
    parts = [
        f"{'grid_head' if kind == 'overdue' and w.get('role') == 'grid_head' else 'worker'}:"
        f"{w.get('code')}"
        for w in workers
    ]
    if kind == "overdue":
        parts.append("inspectors")
    return workers, ",".join(parts)
