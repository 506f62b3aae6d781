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
    headers_of,
    lang_of,
    local_operator,
    parse_date,
    print_json,
    print_records,
)
from gridmap._cli import open_store as _store
from gridmap._cli import out as _out
from gridmap.errors import InputError
from gridmap.i18n import format_time, label, t
from gridmap.model import UserRole
from gridmap.records import TOKEN_DAYS, TOKEN_RATE_LIMIT

__all__ = ["add_parsers"]


def cmd_workers(args: argparse.Namespace) -> int:
    """List, add, edit or deactivate workers."""
    from gridmap.records import workers

    lang = lang_of(args)
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
            state = "" if r.active else t("cli.workers.inactive", lang)
            _out(t("cli.workers.line", lang, code=r.code, name=r.name, state=state,
                   grids=r.n_grids, households=r.households, open=r.open_issues))
        return EXIT_OK
    if args.action == "add":
        if not args.name:
            raise InputError.keyed("cli.needs", command="workers add", option="--name")
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
        _out(t("cli.workers.added", lang, code=code))
        return EXIT_OK
    if not args.code:
        raise InputError.keyed("cli.needs", command=f"workers {args.action}", option="--code")
    if args.action == "edit":
        values = {k: getattr(args, k) for k in ("name", "phone", "notes") if getattr(args, k)}
        for k in ("active_from", "active_to"):
            if getattr(args, k):
                values[k] = parse_date(getattr(args, k), option=f"--{k.replace('_', '-')}")
        if not values:
            raise InputError.keyed("cli.workers_nothing")
        workers.update_worker(store, user, args.code, **values)
        _out(t("cli.workers.updated", lang, code=args.code))
        return EXIT_OK
    flagged = workers.deactivate_worker(
        store, user, args.code, on=parse_date(args.on, option="--on")
    )
    _out(t("cli.workers.deactivated", lang, code=args.code))
    if flagged:
        _out(t("cli.workers.reassign", lang, grids=(", " if lang == "en" else "、").join(flagged)))
    return EXIT_OK


def cmd_users(args: argparse.Namespace) -> int:
    """List users, add one (a field worker linked to a worker record) or import worker accounts."""
    from gridmap import auth
    from gridmap.records import users

    lang = lang_of(args)
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
        columns = ["username", "role", "scope", "worker", "disabled"]
        if args.json:
            print_records(rows, "json", columns)
            return EXIT_OK
        if lang != "en":
            for r in rows:
                r["role"] = label(r["role"], lang, field="user_role")
                r["scope"] = t("cli.scope.all", lang) if r["scope"] == "all" else r["scope"]
                r["disabled"] = t("cli.yes", lang) if r["disabled"] else ""
        print_records(rows, "table", columns, headers=headers_of(columns, lang))
        return EXIT_OK
    if args.action == "import":
        if not args.name:
            raise InputError.keyed("cli.users_file")
        from gridmap.io.tabular import read_table

        table = read_table(args.name)
        made = users.import_worker_accounts(store, table, by=user)
        columns = ["username", "worker", "password"]
        print_records(made.to_dict("records"), "json" if args.json else "table", columns,
                      headers=headers_of(columns, lang))
        _out(t("cli.users.imported", lang, n=len(made)))
        return EXIT_OK
    if not args.name:
        raise InputError.keyed("cli.users_name")
    password = args.password or auth.random_password()
    users.add_user(store, args.name, password, role=args.role, scope=_codes(args.scope),
                   worker=args.worker, by=user)
    role = args.role if lang == "en" else label(args.role, lang, field="user_role")
    _out(t("cli.users.added", lang, name=args.name, role=role))
    if not args.password:
        _out(t("cli.users.password", lang, password=password))
        _out(t("cli.users.copy", lang))
    return EXIT_OK


def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]


def cmd_tokens(args: argparse.Namespace) -> int:
    """Create, list or revoke API tokens."""
    import datetime as dt

    from gridmap.records import tokens

    lang = lang_of(args)
    store = _store(args)
    user = acting_user(store, getattr(args, "user", None))
    if args.action == "list":
        frame = tokens.list_tokens(store, by=user)
        rows = [
            {k: (None if v is None or v != v else v) for k, v in r.items()}
            for r in frame.to_dict("records")
        ]
        times = ("expires_at", "revoked_at", "created_at", "last_used_at")
        for r in rows:
            r["scope"] = "all" if r["scope"] is None else ",".join(r["scope"])
            rights = list(r["rights"] or [])
            r["rights"] = ",".join(rights)
            if args.json:
                r.update({k: None if r[k] is None else str(r[k])[:19] for k in times})
                continue
            r.update({k: format_time(r[k]) or None for k in times})  # local time
            if lang != "en":
                r["scope"] = t("cli.scope.all", lang) if r["scope"] == "all" else r["scope"]
                r["state"] = t(f"tokens.state.{r['state']}", lang)
                r["rights"] = [t(f"cli.right.{x}", lang) for x in rights]
        columns = ["name", "prefix", "state", "rights", "scope", "rate_limit", "expires_at",
                   "last_used_at"]
        print_records(rows, "json" if args.json else "table", columns,
                      headers=headers_of(columns, lang))
        return EXIT_OK
    if not args.name:
        raise InputError.keyed("cli.needs", command=f"tokens {args.action}", option="--name")
    if args.action == "revoke":
        tokens.revoke_token(store, args.name, by=user)
        _out(t("cli.tokens.revoked", lang, name=args.name))
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
    _out(t("cli.tokens.created", lang, name=made.name, expires=format_time(made.expires_at)))
    _out(made.token)
    _out(t("cli.tokens.copy", lang))
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
    p.add_argument("--days", type=float, default=TOKEN_DAYS,
                   help=f"create: lifetime in days (default {TOKEN_DAYS})")
    p.add_argument("--expires", metavar="DATE", help="create: expiry date (instead of --days)")
    p.add_argument("--rate-limit", type=int, default=TOKEN_RATE_LIMIT,
                   help=f"create: calls per minute (default {TOKEN_RATE_LIMIT})")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_argument(p)
    add_user_argument(p, help="admin acting (a store user, else the local operator; "
                              "default: $USER)")
    p.set_defaults(func=cmd_tokens)
