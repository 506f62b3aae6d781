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
    headers_of,
    help_by_default,
    lang_of,
    parse_date,
    print_records,
)
from gridmap._cli import open_store as _open_store
from gridmap._cli import out as _out
from gridmap.i18n import format_time, t

__all__ = ["add_parsers", "cmd_issue", "cmd_list", "cmd_move", "cmd_show"]

_COLUMNS = ("id", "number", "grid", "community", "state", "deadline", "items", "resolved",
            "overdue")  # fmt: skip


def _state(value: str, lang: str = "en") -> str:
    """Return an order's state: ``已下发/issued`` in English (both names), 已下发 in Chinese."""
    if lang != "en":
        return t(f"supervision.state.{value}", lang)
    return f"{t(f'supervision.state.{value}', 'zh')}/{value}"


def _action(value: str, lang: str) -> str:
    """Return an action on an order: ``accept`` in English, 签收 in Chinese."""
    return value if lang == "en" else t(f"supervision.action.{value}", lang)


def _rule_title(rule_id: str | None, lang: str) -> str:
    """Return what an item is: its rule's id in English, its title in Chinese; else a case."""
    if not rule_id:
        return t("cli.supervision.case", lang)
    if lang == "en":
        return rule_id
    from gridmap.checks.registry import get_rule
    from gridmap.errors import InputError

    try:
        return get_rule(rule_id).title(lang)
    except InputError:  # a rule since removed: its id
        return rule_id


def _records(frame: Any, lang: str = "en") -> list[dict[str, Any]]:
    return [
        {
            "id": int(r.id),
            "number": r.number,
            "grid": r.grid,
            "community": r.community,
            "state": _state(r.state, lang),
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
    if args.format != "table":
        print_records(_records(frame), args.format, _COLUMNS)
        return EXIT_OK
    lang = lang_of(args)
    rows = _records(frame, lang)
    if lang != "en":
        for row in rows:
            row["overdue"] = t("cli.supervision.overdue_mark", lang) if row["overdue"] else ""
    headers = headers_of(_COLUMNS, lang)
    if lang != "en":
        headers["deadline"] = t("checks.col.fix_by", lang)  # 整改期限, not a case's 处置时限
    print_records(rows, "table", _COLUMNS, headers=headers)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Print one order with its items and history."""
    from gridmap import supervision

    store = _open_store(args)
    user = acting_user(store, args.user)
    d = supervision.order_detail(store, user, args.order)
    lang = lang_of(args)
    flag = t("cli.supervision.overdue", lang) if d["overdue"] else ""
    _out(
        t(
            "cli.supervision.head",
            lang,
            number=d["number"],
            grid=d["grid"],
            state=_state(d["state"], lang),
            deadline=d["deadline"],
            flag=flag,
        )
    )
    _out(t("cli.supervision.items", lang, resolved=int(d["resolved"]), items=int(d["items"])))
    for item in d["items_table"].itertuples(index=False):
        mark = "x" if item.resolved_at is not None and str(item.resolved_at) != "NaT" else " "
        _out(
            t(
                "cli.supervision.item",
                lang,
                mark=mark,
                what=_rule_title(item.rule_id, lang),
                object=item.object_id,
                message=item.message or "",
            )
        )
    _out(t("cli.supervision.history", lang))
    for e in d["events"].itertuples(index=False):
        src = (
            ""
            if e.from_state is None or str(e.from_state) == "nan"
            else f"{_event_state(e.from_state, lang)} -> "
        )
        note = "" if e.note is None or str(e.note) == "nan" else f"  {e.note}"
        _out(f"  {format_time(e.at)}  {e.user or '-'}  {src}{_event_state(e.to_state, lang)}{note}")
    if d["photos"]:
        _out(t("cli.supervision.photos", lang, n=len(d["photos"])))
    sep = ", " if lang == "en" else "、"
    _out(
        t(
            "cli.supervision.next",
            lang,
            actions=sep.join(_action(a, lang) for a in d["actions"]) or "-",
        )
    )
    return EXIT_OK


def _event_state(value: str, lang: str) -> str:
    """Return a state in an order's history: as stored in English, its label in Chinese."""
    return value if lang == "en" else _state(value, lang)


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
                "cli.photo", file=str(path), reason=exc.strerror or str(exc)
            ) from None
    row = supervision.move_order(
        store, user, args.order, args.action, version=args.version, note=args.note,
        photos=photos, as_of=parse_date(args.as_of, option="--as-of"),
    )  # fmt: skip
    lang = lang_of(args)
    _out(
        t(
            "cli.supervision.moved",
            lang,
            number=row["number"],
            state=_state(row["state"], lang),
            version=row["version"],
        )
    )
    if "remaining" in row:
        _out(t("cli.supervision.rechecked", lang, fixed=row["fixed"], left=row["remaining"]))
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
    lang = lang_of(args)
    for o in orders:
        _out(
            t(
                "cli.supervision.issued_one",
                lang,
                number=o["number"],
                grid=o["grid"],
                n=o["failures"],
                deadline=o["deadline"],
            )
        )
    _out(t("cli.supervision.issued", lang, n=len(orders)))
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
