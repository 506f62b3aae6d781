"""Store-backed writes of the 督办 loop: issue orders, move them, re-check them.

Orders are issued from check failures (:func:`issue_from_failures`, one order per
failing grid, each failure an item with its rule, object id and rule weight) or
from cases (:func:`issue_from_cases`, one order per grid, each case an item), and
numbered per year by :func:`gridmap.store.documents.issue_orders`.

Every move checks the ``run_checks`` right within the order's community, runs in
one transaction, carries the version the caller read (a stale one raises
:class:`~gridmap.errors.ConflictError`), writes one ``supervision_events`` row and
one audit row, and enqueues the notification in the same transaction.
:func:`recheck` (复查) re-runs the items' rules and compares object ids: all fixed
passes the order (复查通过), anything left sends it back to 整改中 (复查不通过).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gridmap import auth, i18n
from gridmap.errors import ConflictError, InputError, NotFound
from gridmap.messages import Msg
from gridmap.photos import clean_photo
from gridmap.store import documents as store_documents
from gridmap.store import supervision as store_supervision
from gridmap.supervision import lifecycle
from gridmap.supervision.lifecycle import State

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.checks import CheckReport
    from gridmap.store import Store

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "issue_from_cases",
    "issue_from_failures",
    "items_of_report",
    "move_order",
    "recheck",
    "resolve_order",
]

#: Days given to fix the items of an order.
DEFAULT_DEADLINE_DAYS = 7


def _now(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def resolve_order(store: Store, order: int | str) -> int:
    """Return the id of an order given its id or its 文号.

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such order.
    """
    found = store_supervision.find_order(store, str(order))
    if found is None:
        raise NotFound.keyed("supervision.no_such", order=str(order))
    return found


def items_of_report(report: CheckReport, grids: Iterable[str] | None = None) -> dict[str, list]:
    """Group a check report's failures (advisories left out) into items per grid.

    Returns
    -------
    dict
        Grid code -> items (``kind`` rule, ``rule_id``, ``object_id``, ``layer``,
        ``grid``, ``message`` in Chinese, ``weight`` of the rule).
    """
    wanted = None if grids is None else set(grids)
    out: dict[str, list[dict[str, Any]]] = {}
    for failure in report.failures:
        if failure.severity == "advisory" or not failure.grid:
            continue
        if wanted is not None and failure.grid not in wanted:
            continue
        out.setdefault(str(failure.grid), []).append(
            {
                "kind": "rule",
                "rule_id": failure.rule,
                "object_id": str(failure.object_id),
                "layer": failure.layer,
                "grid": str(failure.grid),
                "message": failure.message_zh or failure.message,
                "weight": float(report.weights.get(failure.rule, 1.0)),
            }
        )
    return out


def _numbering(store: Store, year: int) -> Any:
    from gridmap.export.supervision import issuer

    _, prefix = issuer(store.read_layer("communities"))
    return lambda seq: i18n.t(
        "export.supervision.doc_number", "zh", prefix=prefix, year=year, seq=seq
    )


def _issue(
    store: Store,
    user: User,
    by_grid: dict[str, list[dict[str, Any]]],
    *,
    origin: str,
    issued: dt.date,
    deadline_days: int,
) -> list[dict[str, Any]]:
    if deadline_days < 0:
        raise InputError.keyed("supervision.deadline_negative", days=deadline_days)
    grids = store.read_layer("grids")
    community_of = dict(zip(grids["code"], grids["community"], strict=True))
    for grid in by_grid:
        auth.require(user, "run_checks", community=community_of.get(grid))
    deadline = issued + dt.timedelta(days=deadline_days)
    planned = [
        {
            "grid": grid,
            "community": community_of.get(grid),
            "issued_on": issued,
            "deadline": deadline,
            "failures": len(items),
            "origin": origin,
            "items": items,
        }
        for grid, items in sorted(by_grid.items())
        if items
    ]
    orders = store_documents.issue_orders(
        store, planned, year=issued.year, number=_numbering(store, issued.year),
        username=user.username,
    )  # fmt: skip
    if orders:
        from gridmap.notify import enqueue_supervision

        enqueue_supervision(
            store, grids=[o["grid"] for o in orders], orders=len(orders), deadline=deadline
        )
    return orders


def issue_from_failures(
    store: Store,
    user: User,
    *,
    community: str | None = None,
    grids: Sequence[str] | None = None,
    rules: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> list[dict[str, Any]]:
    """Run the checks and issue one tracked order per failing grid.

    Parameters
    ----------
    store, user
        The store and who issues (``run_checks`` in each order's community).
    community, grids, rules
        Narrow the checks to a community, the orders to these grids, the rules to these.
    as_of
        Check the state on this date and issue on it (default today).
    deadline_days
        Days given to fix the failures.

    Returns
    -------
    list of dict
        The stored orders (``id``, ``number``, ``grid`` ...).
    """
    from gridmap.checks import run_checks_on_store

    auth.require(user, "run_checks", community=community)
    issued = as_of or dt.date.today()
    report = run_checks_on_store(store, rules=rules, community=community, as_of=issued)
    by_grid = items_of_report(report, grids)
    if user.scope is not None:
        allowed = set(store.read_layer("grids").query("community in @user.scope")["code"])
        by_grid = {g: items for g, items in by_grid.items() if g in allowed}
    return _issue(store, user, by_grid, origin="checks", issued=issued, deadline_days=deadline_days)


def issue_from_cases(
    store: Store,
    user: User,
    cases: Sequence[int | str],
    *,
    as_of: dt.date | None = None,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> list[dict[str, Any]]:
    """Issue one tracked order per grid for cases (ids or codes), e.g. overdue or returned ones.

    Raises
    ------
    gridmap.errors.InputError
        If a case lies in no grid.
    """
    from gridmap.issues import list_issues, resolve_issue

    found = list_issues(store, user)
    by_id = found.set_index("id")
    by_grid: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        case_id = resolve_issue(store, case)
        if case_id not in by_id.index:
            raise NotFound.keyed("issues.not_in_scope", issue=str(case))
        detail = by_id.loc[case_id]
        grid = detail["grid"]
        if not isinstance(grid, str) or not grid:
            raise InputError.keyed("supervision.case_no_grid", code=detail["code"])
        by_grid.setdefault(grid, []).append(
            {
                "kind": "case",
                "object_id": str(detail["code"]),
                "layer": "issues",
                "grid": grid,
                "message": str(detail["description"] or detail["category"] or ""),
                "weight": 1.0,
            }
        )
    return _issue(
        store, user, by_grid, origin="cases", issued=as_of or dt.date.today(),
        deadline_days=deadline_days,
    )  # fmt: skip


def _apply(
    store: Store,
    user: User,
    order_id: int,
    move: lifecycle.Move,
    *,
    version: int | None,
    at: dt.datetime,
    note: str | None,
    photos: Sequence[bytes] = (),
    details: dict[str, Any] | None = None,
    resolved: dict[int, dt.datetime | None] | None = None,
) -> dict[str, Any]:
    from gridmap.notify import outbox as notify_outbox

    with store.transaction() as conn:
        row = store_supervision.lock_order(conn, order_id)
        if row is None:
            raise NotFound.keyed("supervision.gone", order=order_id)
        if version is not None and int(row["version"]) != int(version):
            what = Msg("supervision.order", number=row["number"])
            raise ConflictError.stale(what, int(version), int(row["version"]))
        if row["state"] != move.source.value:
            raise ConflictError.keyed("supervision.state_changed", number=row["number"],
                                      state=row["state"], expected=move.source)
        values: dict[str, Any] = {"state": move.target.value}
        if move.target == State.DONE:
            values["closed_at"] = at
        new = store_supervision.update_order(conn, order_id, values, version=int(row["version"]),
                                             at=at)  # fmt: skip
        if new is None:
            what = Msg("supervision.order", number=row["number"])
            raise ConflictError.stale(what, int(row["version"]), int(row["version"]) + 1)
        event_id = store_supervision.add_event(
            conn, order_id, at=at, user=user.username, from_state=move.source.value,
            to_state=move.target.value, note=(note or "").strip() or None, details=details,
        )  # fmt: skip
        if photos:
            store_supervision.add_photos(conn, order_id, photos, event_id=event_id, at=at)
        if resolved:
            store_supervision.set_items_resolved(conn, resolved)
        store.audit(
            "supervision_move",
            username=user.username,
            table="supervision_orders",
            row_id=order_id,
            before={"state": row["state"], "version": row["version"]},
            after={"state": move.target.value, "version": new["version"], **(details or {})},
            note=f"{row['number']}: {move.action} ({move.source.value} -> {move.target.value})",
            conn=conn,
            at=at,
        )
        notify_outbox.on_supervision_move(conn, new, action=move.action, at=at)
    return new


def move_order(
    store: Store,
    user: User,
    order: int | str,
    action: str,
    *,
    version: int | None = None,
    note: str | None = None,
    photos: Sequence[bytes] = (),
    at: dt.datetime | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Move an order by ``action``.

    Actions: ``accept`` (签收), ``report`` (整改完成), ``recheck`` (复查), ``close``
    (办结); Chinese names work too. ``report`` needs photos of the rectification
    or a note saying what was done.

    Returns
    -------
    dict
        The order's row after the move.

    Raises
    ------
    gridmap.errors.InputError
        If the action is not allowed from the order's state, or a report has no photo or note.
    gridmap.errors.PermissionDenied
        If the user may not run checks in the order's community.
    gridmap.errors.ConflictError
        If the order changed since ``version`` was read.
    """
    order_id = resolve_order(store, order)
    name = lifecycle.parse_action(action)
    if name == "recheck":
        return recheck(store, user, order_id, version=version, at=at, as_of=as_of)
    row = _row(store, order_id)
    auth.require(user, "run_checks", community=row["community"])
    move = lifecycle.find_move(row["state"], name)
    cleaned = [clean_photo(p) for p in photos if p]
    if move.action == "report" and not cleaned and not (note or "").strip():
        raise InputError.keyed("supervision.report_needs_proof")
    return _apply(store, user, order_id, move, version=version, at=_now(at), note=note,
                  photos=cleaned)  # fmt: skip


def _row(store: Store, order_id: int) -> dict[str, Any]:
    rows = store_supervision.read_orders(store, ids=[order_id])
    if rows.empty:
        raise NotFound.keyed("supervision.gone", order=order_id)
    return rows.iloc[0].to_dict()


def recheck(
    store: Store,
    user: User,
    order: int | str,
    *,
    version: int | None = None,
    at: dt.datetime | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Re-check (复查) a rectified order: re-run its items' rules, compare object ids, move it.

    A rule item is fixed when its rule no longer fails on its object; a case item
    when the case is closed (结案, not dismissed). All fixed: 复查通过 (``passed``);
    otherwise 复查不通过, back to 整改中 (``rectifying``) with the items left in the note.

    Returns
    -------
    dict
        The order's row after the move, plus ``fixed`` and ``remaining`` (item counts).
    """
    from gridmap.checks import run_checks_on_store

    order_id = resolve_order(store, order)
    row = _row(store, order_id)
    auth.require(user, "run_checks", community=row["community"])
    if row["state"] != State.RECTIFIED.value:
        raise InputError.keyed("supervision.recheck_not_rectified", number=row["number"],
                               state=row["state"])
    when = _now(at)
    items = store_supervision.read_items(store, [order_id])
    rule_items = items[items["kind"] == "rule"]
    failing: set[tuple[str, str]] = set()
    if len(rule_items):
        report = run_checks_on_store(
            store, rules=sorted(set(rule_items["rule_id"])), community=row["community"],
            as_of=as_of or when.date(),
        )  # fmt: skip
        failing = {(f.rule, str(f.object_id)) for f in report.failures}
    closed_cases = _closed_cases(store, list(items.loc[items["kind"] == "case", "object_id"]))
    resolved: dict[int, dt.datetime | None] = {}
    left: list[str] = []
    for item in items.itertuples(index=False):
        if item.kind == "case":
            fixed = item.object_id in closed_cases
        else:
            fixed = (item.rule_id, str(item.object_id)) not in failing
        resolved[int(item.id)] = when if fixed else None
        if not fixed:
            left.append(f"{item.rule_id or 'case'}:{item.object_id}")
    details = {"checked": len(items), "fixed": len(items) - len(left), "remaining": left[:50]}
    action = "recheck_fail" if left else "recheck_pass"
    move = lifecycle.find_move(row["state"], action)
    note = None
    if left:
        note = f"复查不通过：{len(left)} 项未整改（{'、'.join(left[:10])}）"
    new = _apply(store, user, order_id, move, version=version, at=when, note=note,
                 details=details, resolved=resolved)  # fmt: skip
    return {**new, "fixed": details["fixed"], "remaining": len(left)}


def _closed_cases(store: Store, codes: list[str]) -> set[str]:
    """Return the codes of cases closed after handling (结案; dismissals do not count)."""
    if not codes:
        return set()
    from gridmap.issues import queries

    return queries.closed_codes(store, codes)
