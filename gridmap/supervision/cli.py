"""``gridmap supervision ...``: the 督办 loop from the command line.

``issue`` runs the checks and issues one tracked order per failing grid (or, with
``--case``, one per grid of the given cases); ``list`` and ``show`` read them;
``move`` takes an action: 签收 accept, 整改完成 report (with ``--photo`` or
``--note``), 复查 recheck (re-runs the items' rules), 办结 close. The acting user
is found as for ``gridmap issues`` (see :func:`gridmap._cli.acting_user`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gridmap._cli import (
    EXIT_OK,
    acting_user,
    add_store_arguments,
    help_by_default,
    parse_date,
    print_records,
)
from gridmap._cli import open_store as _open_store
from gridmap._cli import out as _out
from gridmap.i18n import format_time, t

__all__ = ["add_parsers", "cmd_issue", "cmd_list", "cmd_move", "cmd_show"]

_COLUMNS = ("id", "number", "grid", "community", "state", "deadline", "items", "resolved",
            "overdue")  # fmt: skip


def _state(value: str) -> str:
    return f"{t(f'supervision.state.{value}', 'zh')}/{value}"


def _records(frame: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": int(r.id),
            "number": r.number,
            "grid": r.grid,
            "community": r.community,
            "state": _state(r.state),
            "deadline": r.deadline.isoformat(),
            "items": int(r.items),
            "resolved": int(r.resolved),
            "overdue": bool(r.overdue),
        }
        for r in frame.itertuples(index=False)
    ]


def cmd_list(args: argparse.Namespace) -> int:
    """List the orders."""
    from gridmap import supervision

    store = _open_store(args)
    user = acting_user(store, args.user)
    frame = supervision.list_orders(
        store, user, states=args.state, overdue=args.overdue,
        today=parse_date(args.today, option="--today"),
    )  # fmt: skip
    print_records(_records(frame), args.format, _COLUMNS)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Print one order with its items and history."""
    from gridmap import supervision

    store = _open_store(args)
    user = acting_user(store, args.user)
    d = supervision.order_detail(store, user, args.order)
    flag = "  (逾期 overdue)" if d["overdue"] else ""
    _out(f"{d['number']}  grid {d['grid']}  {_state(d['state'])}  fix by {d['deadline']}{flag}")
    _out(f"items ({int(d['resolved'])}/{int(d['items'])} fixed):")
    for item in d["items_table"].itertuples(index=False):
        mark = "x" if item.resolved_at is not None and str(item.resolved_at) != "NaT" else " "
        what = item.rule_id or "case"
        _out(f"  [{mark}] {what} {item.object_id}: {item.message or ''}")
    _out("history:")
    for e in d["events"].itertuples(index=False):
        src = "" if e.from_state is None or str(e.from_state) == "nan" else f"{e.from_state} -> "
        note = "" if e.note is None or str(e.note) == "nan" else f"  {e.note}"
        _out(f"  {format_time(e.at)}  {e.user or '-'}  {src}{e.to_state}{note}")
    if d["photos"]:
        _out(f"photos: {len(d['photos'])}")
    _out(f"next: {', '.join(d['actions']) or '-'}")
    return EXIT_OK


def cmd_move(args: argparse.Namespace) -> int:
    """Take an action on an order."""
    from gridmap import supervision
    from gridmap.errors import InputError

    store = _open_store(args)
    user = acting_user(store, args.user)
    photos = []
    for path in args.photo or []:
        try:
            photos.append(Path(path).read_bytes())
        except OSError as exc:
            raise InputError.keyed(
                "files.photo_unreadable", file=str(path), reason=exc.strerror or exc
            ) from None
    row = supervision.move_order(
        store, user, args.order, args.action, version=args.version, note=args.note,
        photos=photos, as_of=parse_date(args.as_of, option="--as-of"),
    )  # fmt: skip
    _out(f"{row['number']} is now {_state(row['state'])} (version {row['version']})")
    if "remaining" in row:
        _out(f"re-check: {row['fixed']} fixed, {row['remaining']} left")
    return EXIT_OK


def cmd_issue(args: argparse.Namespace) -> int:
    """Issue tracked orders from the check failures or from cases."""
    from gridmap import supervision

    store = _open_store(args)
    user = acting_user(store, args.user)
    as_of = parse_date(args.as_of, option="--as-of")
    if args.case:
        orders = supervision.issue_from_cases(
            store, user, args.case, as_of=as_of, deadline_days=args.days
        )
    else:
        orders = supervision.issue_from_failures(
            store, user, community=args.community, grids=args.grid, rules=args.rule,
            as_of=as_of, deadline_days=args.days,
        )  # fmt: skip
    for o in orders:
        _out(f"{o['number']}  grid {o['grid']}  {o['failures']} item(s)  fix by {o['deadline']}")
    _out(f"{len(orders)} order(s) issued")
    return EXIT_OK


def add_parsers(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``supervision`` and its subcommands to the ``gridmap`` subparsers."""
    parser = subparsers.add_parser(
        "supervision",
        help="督办单: issue, list, show, move (accept, report, recheck, close)",
        description="The 督办 loop: 已下发 issued -> 整改中 rectifying -> 已整改 rectified -> "
        "复查 recheck (通过 passed, or back to 整改中) -> 办结 done.",
    )
    help_by_default(parser)
    sub = parser.add_subparsers(dest="supervision_command", metavar="SUBCOMMAND")

    p = sub.add_parser("list", help="list orders (filters: state, overdue)")
    p.add_argument("--state", action="append", help="only this state (repeatable; 中文 or English)")
    p.add_argument("--overdue", action="store_true", help="only overdue orders")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="measure overdue on this day")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    add_store_arguments(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one order with its items and history")
    p.add_argument("order", metavar="ORDER", help="order id or number (文号)")
    add_store_arguments(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("move", help="accept, report, recheck or close an order")
    p.add_argument("order", metavar="ORDER", help="order id or number (文号)")
    p.add_argument("action", metavar="ACTION",
                   help="签收/accept, 整改完成/report, 复查/recheck, 办结/close")  # fmt: skip
    p.add_argument("--note", help="what was done (a report needs a note or a photo)")
    p.add_argument("--photo", action="append", metavar="FILE", help="photo of the fix")
    p.add_argument("--version", type=int, help="the version you read (default: the current one)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="re-check the data as of this day")
    add_store_arguments(p)
    p.set_defaults(func=cmd_move)

    p = sub.add_parser("issue", help="issue orders from the check failures (or --case)")
    p.add_argument("--community", metavar="CODE", help="only this community")
    p.add_argument("--grid", action="append", metavar="CODE", help="only this grid (repeatable)")
    p.add_argument("--rule", action="append", metavar="ID", help="only this rule (repeatable)")
    p.add_argument("--case", action="append", metavar="CODE", help="issue for these cases")
    p.add_argument("--days", type=int, default=7, help="days to fix (default 7)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="check and issue as of this day")
    add_store_arguments(p)
    p.set_defaults(func=cmd_issue)
    return parser
