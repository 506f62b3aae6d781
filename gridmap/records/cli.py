"""CLI commands for the records kept by hand: ``gridmap workers``.

``add_parsers(subparsers)`` adds ``workers`` to the ``gridmap`` command (see
:mod:`gridmap.cli`). Each command parses, calls the library and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from gridmap._cli import (
    EXIT_OK,
    add_db_argument,
    add_user_argument,
    local_operator,
    parse_date,
    print_json,
)
from gridmap._cli import open_store as _store
from gridmap._cli import out as _out
from gridmap.errors import InputError
from gridmap.records import workers

__all__ = ["add_parsers"]


def cmd_workers(args: argparse.Namespace) -> int:
    """List, add, edit or deactivate workers."""
    store = _store(args)
    user = local_operator(getattr(args, "user", None))
    if args.action == "list":
        frame = workers.list_workers(store, include_inactive=args.all)
        if args.json:
            records = frame.assign(
                active_from=[None if v is None else str(v) for v in frame["active_from"]],
                active_to=[None if v is None else str(v) for v in frame["active_to"]],
            ).to_dict("records")
            print_json(records, default=str)
            return EXIT_OK
        for r in frame.itertuples():
            state = "" if r.active else " (inactive)"
            _out(
                f"{r.code:<8} {r.name}{state}: {r.n_grids} grids, {r.households} households, "
                f"{r.open_issues} open issues"
            )
        return EXIT_OK
    if args.action == "add":
        if not args.name:
            msg = "workers add needs --name"
            raise InputError(msg)
        code = workers.add_worker(
            store,
            user,
            name=args.name,
            phone=args.phone,
            notes=args.notes,
            code=args.code,
            active_from=parse_date(args.active_from, option="--active-from"),
            active_to=parse_date(args.active_to, option="--active-to"),
        )
        _out(f"added worker {code}")
        return EXIT_OK
    if not args.code:
        msg = f"workers {args.action} needs --code"
        raise InputError(msg)
    if args.action == "edit":
        values = {k: getattr(args, k) for k in ("name", "phone", "notes") if getattr(args, k)}
        for k in ("active_from", "active_to"):
            if getattr(args, k):
                values[k] = parse_date(getattr(args, k), option=f"--{k.replace('_', '-')}")
        if not values:
            msg = "nothing to change; give --name, --phone, --notes, --active-from or --active-to"
            raise InputError(msg)
        workers.update_worker(store, user, args.code, **values)
        _out(f"updated worker {args.code}")
        return EXIT_OK
    flagged = workers.deactivate_worker(
        store, user, args.code, on=parse_date(args.on, option="--on")
    )
    _out(f"deactivated worker {args.code}")
    if flagged:
        _out(f"grids to reassign: {', '.join(flagged)}")
    return EXIT_OK


def add_parsers(subparsers: Any) -> None:
    """Add the ``workers`` command to ``gridmap``.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.
    """
    p = subparsers.add_parser("workers", help="list, add, edit or deactivate grid workers")
    p.add_argument("action", choices=["list", "add", "edit", "deactivate"])
    p.add_argument("--code")
    p.add_argument("--name")
    p.add_argument("--phone")
    p.add_argument("--notes")
    p.add_argument("--active-from", metavar="DATE")
    p.add_argument("--active-to", metavar="DATE")
    p.add_argument("--on", metavar="DATE", help="deactivate: first day without the worker")
    p.add_argument("--all", action="store_true", help="list: include inactive workers")
    p.add_argument("--json", action="store_true", help="list: print JSON")
    add_db_argument(p)
    add_user_argument(p, help="name recorded in the audit log (default: $USER)")
    p.set_defaults(func=cmd_workers)
