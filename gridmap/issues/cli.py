"""``gridmap issues ...``: the issue-report loop from the command line.

Wire it into :mod:`gridmap.cli` with ``issues_cli.add_parsers(sub)``. Commands
parse, call :mod:`gridmap.issues` and print; they return exit codes and let
:class:`~gridmap.errors.GridmapError` reach ``cli.main`` (message, exit 1).

The acting user (``--user NAME``, default ``$USER``) is the store user of that
name with its role and scope when one exists; otherwise the command acts as a
local operator with admin rights (whoever can run the CLI can open the
database file anyway). A disabled store user is refused. The name goes to
the audit log either way (see :func:`gridmap._cli.acting_user`).
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
    print_json,
    print_records,
)
from gridmap._cli import open_store as _open_store
from gridmap._cli import out as _out
from gridmap.i18n import format_time, format_value

__all__ = [
    "add_parsers",
    "cmd_confirm",
    "cmd_daily",
    "cmd_list",
    "cmd_merge",
    "cmd_move",
    "cmd_report",
    "cmd_scores",
    "cmd_show",
]

_STATES = (
    "立案/registered, 派遣/dispatched, 处置/handled, 核查/verified, 结案/closed, "
    "挂起/suspended, 退回/returned"
)


#: The columns of ``issues list --format json|csv`` (the keys of :func:`_records`).
_COLUMNS = (
    "id",
    "code",
    "category",
    "subcategory",
    "status",
    "lon",
    "lat",
    "grid",
    "workers",
    "reported_at",
    "deadline",
    "overdue",
)
#: The columns of the ``issues list`` table.
_TABLE_COLUMNS = (
    "id",
    "code",
    "status",
    "category",
    "grid",
    "workers",
    "reported_at",
    "deadline",
    "overdue",
)


def _iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _local(value: Any, zone: Any) -> str:
    text = format_time(value, tz=zone)
    return text or "-"


def _records(frame: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": int(row.id),
            "code": row.code,
            "category": row.category,
            "subcategory": row.subcategory,
            "status": row.status,
            "lon": round(float(row.lon), 7),
            "lat": round(float(row.lat), 7),
            "grid": row.grid,
            "workers": list(row.workers),
            "reported_at": _iso(row.reported_at),
            "deadline": _iso(row.deadline),
            "overdue": bool(row.overdue),
        }
        for row in frame.itertuples(index=False)
    ]


def _read_photos(paths: list[str] | None) -> list[bytes]:
    from gridmap.errors import InputError

    out = []
    for path in paths or []:
        try:
            out.append(Path(path).read_bytes())
        except OSError as exc:
            raise InputError.keyed(
                "files.photo_unreadable", file=str(path), reason=exc.strerror or exc
            ) from None
    return out


# --- commands ---------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    """List reports with filters."""
    from gridmap import issues

    store = _open_store(args)
    user = acting_user(store, args.user)
    frame = issues.list_issues(
        store,
        user,
        status=args.status or None,
        grid=args.grid,
        worker=args.worker,
        overdue=args.overdue,
    )
    rows = _records(frame)
    if args.format == "table":
        zone = issues.load_issue_config().working_hours.zone
        for r, row in zip(rows, frame.itertuples(index=False), strict=True):
            r["reported_at"] = _local(row.reported_at, zone)
            r["deadline"] = _local(row.deadline, zone)
            r["overdue"] = "!" if r["overdue"] else ""
        print_records(rows, "table", _TABLE_COLUMNS)
        _out(f"{len(rows)} report(s)")
        return EXIT_OK
    print_records(rows, args.format, _COLUMNS)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Record a new report; print its id, code and routed grid."""
    from gridmap import issues

    store = _open_store(args)
    user = acting_user(store, args.user)
    photos = _read_photos(args.photo)
    result = issues.report_issue(
        store,
        user,
        category=args.category,
        subcategory=args.subcategory,
        lon=args.lon,
        lat=args.lat,
        crs=args.crs,
        description=args.description,
        reporter=args.reporter,
        photos=photos,
    )
    workers = "、".join(w["name"] for w in result.workers) or "-"
    _out(f"reported {result.code} (id {result.id}) in grid {result.grid}; workers: {workers}")
    _out(f"deadline: {format_time(result.deadline)}")
    if result.route.flagged:
        near = ", ".join(result.route.neighbours) or "the street edge"
        _out(
            f"note: {result.route.boundary_distance_m:.1f} m from the grid boundary "
            f"(near {near}); a dispatcher should confirm the grid"
        )
    for dup in result.duplicates.itertuples(index=False):
        _out(f"possible duplicate: {dup.code} (id {dup.id}, {dup.status}, {dup.distance_m:.0f} m)")
    return EXIT_OK


def cmd_move(args: argparse.Namespace) -> int:
    """Move a report to another status."""
    from gridmap import issues
    from gridmap.errors import InputError

    target = args.to or args.state
    if not target:
        raise InputError.keyed("args.move_to", states=_STATES)
    store, user, issue_id, version = _open_issue(args, version=args.version)
    photos = _read_photos(args.photo)
    new_version = issues.move_issue(
        store,
        user,
        issue_id,
        target,
        version=version,
        note=args.note,
        photos=photos,
        worker=args.worker,
    )
    row = store.get("issue_reports", issue_id)
    _out(f"{row['code']} (id {issue_id}) is now {row['status']} (version {new_version})")
    return EXIT_OK


def _open_issue(
    args: argparse.Namespace, *, version: int | None = None
) -> tuple[Any, Any, int, int]:
    """Return the store, the acting user, the id of ``args.issue`` and its version.

    The version is ``version`` when given, else the report's current one.
    """
    from gridmap import issues

    store = _open_store(args)
    user = acting_user(store, args.user)
    issue_id = issues.resolve_issue(store, args.issue)
    if version is None:
        version = int(store.get("issue_reports", issue_id)["version"])
    return store, user, issue_id, version


def cmd_merge(args: argparse.Namespace) -> int:
    """Close a report as a duplicate of another."""
    from gridmap import issues

    store, user, issue_id, version = _open_issue(args)
    issues.merge_duplicate(store, user, issue_id, into=args.into, version=version, note=args.note)
    _out(f"report {args.issue} closed as a duplicate of {args.into}")
    return EXIT_OK


def cmd_confirm(args: argparse.Namespace) -> int:
    """Confirm or correct the grid of a report flagged near a grid boundary."""
    from gridmap import issues

    store, user, issue_id, version = _open_issue(args)
    issues.confirm_grid(store, user, issue_id, grid=args.grid, version=version)
    _out(f"report {args.issue} belongs to grid {args.grid}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """Print one report with its timeline."""
    from gridmap import issues

    store = _open_store(args)
    detail = issues.issue_detail(store, acting_user(store, args.user), args.issue)
    if args.json:
        payload = {k: v for k, v in detail.items() if k != "moves"}
        payload["moves"] = [m.target.value for m in detail["moves"]]
        print_json(payload, default=_iso)
        return EXIT_OK
    for key, value in detail["values"].items():
        _out(f"{key:>12}: {format_value(value) if _iso(value) else '-'}")
    for event in detail["timeline"]:
        _out(
            f"  {format_time(event['at'])}  {event['user']}: {event['from_status'] or '-'} -> "
            f"{event['to_status']}  {event['note'] or ''}"
        )
    _out("next: " + (", ".join(m.target.value for m in detail["moves"]) or "-"))
    return EXIT_OK


def cmd_daily(args: argparse.Namespace) -> int:
    """Print each worker's daily list (每日反馈)."""
    from gridmap import issues

    store = _open_store(args)
    user = acting_user(store, args.user)
    day = parse_date(args.date, option="--date")
    cfg = issues.load_issue_config()
    if args.worker:
        lists = {
            args.worker: issues.daily_list(
                store, worker=args.worker, day=day, user=user, config=cfg
            )
        }
    else:
        lists = issues.daily_lists(store, day=day, user=user, config=cfg)
    for code, table in lists.items():
        _out(f"== {code}: {len(table)} open, {int(table['overdue'].sum())} overdue")
        for row in table.itertuples(index=False):
            flag = "OVERDUE" if row.overdue else ("today" if row.due_today else "")
            _out(
                f"  {row.code}  {row.status:<10} {row.category}/{row.subcategory or '-'}  "
                f"grid {row.grid}  due {_local(row.deadline, cfg.working_hours.zone)} {flag}"
            )
    return EXIT_OK


def cmd_scores(args: argparse.Namespace) -> int:
    """Print the month's ranking per grid and worker; optionally write the XLSX."""
    from gridmap import issues

    store = _open_store(args)
    user = acting_user(store, args.user)
    for by in ("grid", "worker"):
        table = issues.month_scores(store, month=args.month, by=by, user=user)
        _out(f"== {args.month} by {by}")
        _out(table.to_string(index=False) if len(table) else "  (no cases)")
    if args.xlsx:
        data = issues.scores_workbook(store, month=args.month, user=user)
        Path(args.xlsx).write_bytes(data)
        _out(f"wrote {args.xlsx}")
    return EXIT_OK


# --- parser -----------------------------------------------------------------------------


def add_parsers(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``issues`` and its subcommands to the ``gridmap`` subparsers.

    Parameters
    ----------
    subparsers
        The object returned by ``parser.add_subparsers()`` in :mod:`gridmap.cli`.

    Returns
    -------
    argparse.ArgumentParser
        The ``issues`` parser.
    """
    issues_parser = subparsers.add_parser(
        "issues",
        help="issue reports: list, report, move, daily lists, monthly scores",
        description="The 数字城管 loop: 上报 reported -> 立案 registered -> 派遣 dispatched -> "
        "处置 handled -> 核查 verified -> 结案 closed (挂起 suspended, 退回 returned).",
    )
    help_by_default(issues_parser)
    sub = issues_parser.add_subparsers(dest="issues_command", metavar="SUBCOMMAND")

    p = sub.add_parser("list", help="list reports (filters: status, grid, worker, overdue)")
    p.add_argument(
        "--status", action="append", help="only this status (repeatable; 中文 or English)"
    )
    p.add_argument("--grid", metavar="CODE", help="only this grid")
    p.add_argument("--worker", metavar="CODE", help="only reports this worker (code or name) is on")
    p.add_argument("--overdue", action="store_true", help="only open reports past their deadline")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    add_store_arguments(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("report", help="record a new report; prints its id and routed grid")
    p.add_argument("--category", required=True, help="event class, e.g. 市容环境")
    p.add_argument("--subcategory", help="e.g. 暴露垃圾")
    p.add_argument("--lon", type=float, required=True, help="longitude in --crs")
    p.add_argument("--lat", type=float, required=True, help="latitude in --crs")
    p.add_argument(
        "--crs", default="wgs84", help="wgs84 (GPS, CGCS2000), gcj02 (Amap) or bd09 (Baidu)"
    )
    p.add_argument("--description", "--text", dest="description", help="what is wrong")
    p.add_argument("--photo", action="append", metavar="FILE", help="photo file (repeatable)")
    p.add_argument("--reporter", help="who reported it (default: --user)")
    add_store_arguments(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "move", help="move a report to another status", description=f"States: {_STATES}."
    )
    p.add_argument("issue", metavar="ID", help="report id or code")
    p.add_argument("state", nargs="?", metavar="STATE", help="new status (中文 or English)")
    p.add_argument("--to", metavar="STATE", help="new status (alternative to STATE)")
    p.add_argument("--note", help="note (required to dismiss, return or suspend)")
    p.add_argument("--worker", help="for a dispatch: the worker (code or name)")
    p.add_argument("--photo", action="append", metavar="FILE", help="before/after photo")
    p.add_argument("--version", type=int, help="the version you read (default: the current one)")
    add_store_arguments(p)
    p.set_defaults(func=cmd_move)

    p = sub.add_parser("merge", help="close a report as a duplicate of another")
    p.add_argument("issue", metavar="ID", help="the duplicate's id or code")
    p.add_argument("--into", required=True, metavar="ID", help="the report it duplicates")
    p.add_argument("--note", help="extra note")
    add_store_arguments(p)
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("confirm", help="confirm the grid of a report flagged near a boundary")
    p.add_argument("issue", metavar="ID", help="report id or code")
    p.add_argument("--grid", required=True, metavar="CODE", help="the routed grid or a neighbour")
    add_store_arguments(p)
    p.set_defaults(func=cmd_confirm)

    p = sub.add_parser("show", help="one report with its timeline")
    p.add_argument("issue", metavar="ID", help="report id or code")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_store_arguments(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("daily", help="each worker's daily list of open reports (每日反馈)")
    p.add_argument("--worker", metavar="CODE", help="only this worker (code or name)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default today)")
    add_store_arguments(p)
    p.set_defaults(func=cmd_daily)

    p = sub.add_parser("scores", help="monthly scores and ranking per grid and worker")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--xlsx", metavar="OUT", help="also write the ranking as XLSX")
    add_store_arguments(p)
    p.set_defaults(func=cmd_scores)
    return issues_parser
