"""CLI commands for the records kept by hand: ``gridmap workers``, ``users`` and ``tokens``.

``add_parsers(subparsers)`` adds ``workers``, ``users`` and ``tokens`` to the ``gridmap``
command (see :mod:`gridmap.cli`). Each command parses, calls the library and prints.
"""

from __future__ import annotations

import argparse
from typing import Any

from gridmap._cli import (
    EXIT_OK,
    acting_user,
    add_db_argument,
    add_user_argument,
    local_operator,
    parse_date,
    print_json,
    print_records,
)
from gridmap._cli import open_store as _store
from gridmap._cli import out as _out
from gridmap.errors import InputError
from gridmap.model import UserRole
from gridmap.records import tokens, users, workers

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
            raise InputError.keyed("args.workers_name")
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
        raise InputError.keyed("args.workers_code", action=args.action)
    if args.action == "edit":
        values = {k: getattr(args, k) for k in ("name", "phone", "notes") if getattr(args, k)}
        for k in ("active_from", "active_to"):
            if getattr(args, k):
                values[k] = parse_date(getattr(args, k), option=f"--{k.replace('_', '-')}")
        if not values:
            raise InputError.keyed("args.workers_nothing")
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


def cmd_users(args: argparse.Namespace) -> int:
    """List users, add one (a field worker linked to a worker record) or import worker accounts."""
    from gridmap import auth

    store = _store(args)
    user = acting_user(store, getattr(args, "user", None))
    if args.action == "list":
        frame = users.list_users(store, by=user)
        rows = [
            {"username": r["username"], "role": r["role"],
             "scope": "all" if r["scope"] is None else ",".join(r["scope"]),
             "worker": r.get("worker_code") or "", "disabled": bool(r["disabled"])}
            for r in frame.to_dict("records")
        ]
        print_records(rows, "json" if args.json else "table",
                      ["username", "role", "scope", "worker", "disabled"])
        return EXIT_OK
    if args.action == "import":
        if not args.name:
            raise InputError.keyed("args.users_file")
        from gridmap.io.tabular import read_table

        table = read_table(args.name)
        made = users.import_worker_accounts(store, table, by=user)
        print_records(made.to_dict("records"), "json" if args.json else "table",
                      ["username", "worker", "password"])
        _out(f"created {len(made)} worker accounts; copy the passwords now: "
             "they are shown only this once")
        return EXIT_OK
    if not args.name:
        raise InputError.keyed("args.users_name")
    password = args.password or auth.random_password()
    users.add_user(store, args.name, password, role=args.role, scope=_codes(args.scope),
                   worker=args.worker, by=user)
    _out(f"added user {args.name} ({args.role})")
    if not args.password:
        _out(f"password: {password}")
        _out("copy it now: it is shown only this once")
    return EXIT_OK


def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]


def cmd_tokens(args: argparse.Namespace) -> int:
    """Create, list or revoke API tokens."""
    import datetime as dt

    store = _store(args)
    user = acting_user(store, getattr(args, "user", None))
    if args.action == "list":
        frame = tokens.list_tokens(store, by=user)
        rows = [
            {k: (None if v is None or v != v else v) for k, v in r.items()}
            for r in frame.to_dict("records")
        ]
        for r in rows:
            r["scope"] = "all" if r["scope"] is None else ",".join(r["scope"])
            r["rights"] = ",".join(r["rights"] or [])
            for k in ("expires_at", "revoked_at", "created_at", "last_used_at"):
                r[k] = None if r[k] is None else str(r[k])[:19]
        print_records(rows, "json" if args.json else "table",
                      ["name", "prefix", "state", "rights", "scope", "rate_limit", "expires_at",
                       "last_used_at"])
        return EXIT_OK
    if not args.name:
        raise InputError.keyed("args.tokens_name", action=args.action)
    if args.action == "revoke":
        tokens.revoke_token(store, args.name, by=user)
        _out(f"revoked API token {args.name}: every call with it is refused from now on")
        return EXIT_OK
    expires = parse_date(args.expires, option="--expires")
    made = tokens.create_token(
        store,
        args.name,
        rights=_codes(args.rights) or [],
        scope=_codes(args.scope),
        days=args.days,
        expires_at=None if expires is None else dt.datetime.combine(expires, dt.time(), dt.UTC),
        rate_limit=args.rate_limit,
        by=user,
    )
    if args.json:
        print_json({"name": made.name, "token": made.token,
                    "expires_at": made.expires_at.isoformat()})
        return EXIT_OK
    _out(f"created API token {made.name} (expires {made.expires_at:%Y-%m-%d %H:%M} UTC)")
    _out(made.token)
    _out("copy it now: it is shown only this once (the store keeps only its hash)")
    return EXIT_OK


def add_parsers(subparsers: Any) -> None:
    """Add the ``workers``, ``users`` and ``tokens`` commands to ``gridmap``.

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

    p = subparsers.add_parser(
        "users", help="list users, add one, or import worker accounts from a CSV",
        description="Add app users. A grid worker's account is linked to their worker "
                    "record: gridmap users add NAME --role worker --worker CODE. "
                    "gridmap users import FILE creates one worker account per row "
                    "(columns worker, optional username and password).")
    p.add_argument("action", choices=["list", "add", "import"])
    p.add_argument("name", nargs="?", help="add: the user name; import: the CSV/XLSX file")
    p.add_argument("--role", default="viewer",
                   choices=[r.value for r in UserRole],
                   help="add: viewer, inspector, planner, admin, worker or volunteer")
    p.add_argument("--worker", metavar="CODE", help="add --role worker: the worker record's code")
    p.add_argument("--scope", metavar="CODES",
                   help="add: comma-separated community codes (default the whole street)")
    p.add_argument("--password", help="add: the password (default: a random one, printed once)")
    p.add_argument("--json", action="store_true", help="list, import: print JSON")
    add_db_argument(p)
    add_user_argument(p, help="admin acting (a store user, else the local operator; "
                              "default: $USER)")
    p.set_defaults(func=cmd_users)

    p = subparsers.add_parser(
        "tokens", help="create, list or revoke API tokens for /api/v1",
        description="API tokens let other systems call the JSON API. A new token is printed "
                    "once; only its hash is stored.")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("--name", help="who uses the token (unique)")
    p.add_argument("--rights", default="report,read",
                   help="create: comma-separated rights: report, read, phones "
                        "(default report,read)")
    p.add_argument("--scope", metavar="CODES",
                   help="create: comma-separated community codes (default the whole street)")
    p.add_argument("--days", type=float, default=tokens.DEFAULT_DAYS,
                   help=f"create: lifetime in days (default {tokens.DEFAULT_DAYS})")
    p.add_argument("--expires", metavar="DATE", help="create: expiry date (instead of --days)")
    p.add_argument("--rate-limit", type=int, default=tokens.DEFAULT_RATE_LIMIT,
                   help=f"create: calls per minute (default {tokens.DEFAULT_RATE_LIMIT})")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_argument(p)
    add_user_argument(p, help="admin acting (a store user, else the local operator; "
                              "default: $USER)")
    p.set_defaults(func=cmd_tokens)
