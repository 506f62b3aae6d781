"""CLI commands for splitting, assigning, rebalancing and plan files.

``add_parsers(subparsers)`` adds ``grids``, ``plan``, ``assign`` and ``rebalance`` to the
``gridmap`` command (see :mod:`gridmap.cli`). Each command parses,
calls the library and prints; errors are :class:`~gridmap.errors.GridmapError` and
reach the user as one line on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from gridmap._cli import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_store_arguments,
    args_lang,
    local_operator,
    parse_date,
    problem_line,
)
from gridmap._cli import err as _err
from gridmap._cli import open_store as _store
from gridmap._cli import out as _out
from gridmap.messages import text

__all__ = ["add_parsers"]


def _user(args: argparse.Namespace) -> Any:
    """Return the CLI user: the local operator, who may administer any store they can open."""
    return local_operator(getattr(args, "user", None))


def _lang(args: argparse.Namespace) -> str:
    return args_lang(args)


# --- commands ---------------------------------------------------------------------------


def cmd_grids_split(args: argparse.Namespace) -> int:
    """Generate grids for a community; print them; optionally write a file or save."""
    from gridmap.grids import service as grid_service
    from gridmap.grids import split

    store = _store(args)
    grids = grid_service.split_community(
        store,
        args.community,
        method=args.method,
        cell_m=args.cell_m,
        shape=args.shape,
        target_households=args.target_households,
        target_area_m2=args.target_area_m2,
        min_households=args.min_households,
        max_households=args.max_households,
        seed=args.seed,
    )
    _out(f"{'code':<16} {'households':>10} {'residents':>10} {'area m²':>10}  problem")
    for row in grids.itertuples():
        hh = "" if row.households is None or str(row.households) == "<NA>" else row.households
        rs = "" if row.residents is None or str(row.residents) == "<NA>" else row.residents
        _out(
            f"{row.code or '':<16} {hh!s:>10} {rs!s:>10} {row.area_m2:>10,.0f}  {row.problem or ''}"
        )
    problems = split.split_problems(grids)
    _out(f"{len(grids)} grids, {len(problems)} outside the bounds")
    if args.out:
        from gridmap.io.writers import write_layer_file

        n = write_layer_file(grids, args.out, layer_name="grids")
        _out(f"wrote {n} grids to {args.out}")
    if args.save and not args.dry_run:
        result = grid_service.save_grids(
            store,
            _user(args),
            args.community,
            grids,
            reason=f"split by {args.method} (seed {args.seed})",
        )
        _out(
            f"saved: {result['retired']} grids retired, {result['created']} created, "
            f"{result['carried']} assignments carried over"
        )
        if result["unstaffed"]:
            _out(f"grids without workers (assign them): {', '.join(result['unstaffed'])}")
    elif args.save:
        _out("dry run: nothing saved")
    return EXIT_OK


def cmd_grids_history(args: argparse.Namespace) -> int:
    """Print who held a grid on a date, or write the grid layout of a date."""
    from gridmap.grids import service as grid_service

    store = _store(args)
    day = parse_date(args.on, option="--on") or dt.date.today()
    if args.grid:
        holders = grid_service.holders_on(store, args.grid, day)
        if not holders:
            _out(f"nobody held grid {args.grid} on {day.isoformat()}")
        for h in holders:
            _out(
                f"{h['worker_code']:<8} {h['worker_name'] or '':<10} {h['role']:<10} "
                f"from {h['valid_from'] or '-'} to {h['valid_to'] or '-'}"
            )
        return EXIT_OK
    layout = grid_service.grids_as_of(store, day)
    retired = int(layout["retired"].sum())
    _out(f"{len(layout)} grids on {day.isoformat()} ({retired} since replaced)")
    if args.out:
        from gridmap.io.writers import write_layer_file

        write_layer_file(layout, args.out, layer_name="grids")
        _out(f"wrote {args.out}")
    return EXIT_OK


def cmd_plan_export(args: argparse.Namespace) -> int:
    """Write the assignment (as of a date) to CSV or XLSX."""
    from gridmap.grids import service as grid_service

    n = grid_service.export_plan(
        _store(args), args.file, as_of=parse_date(args.as_of, option="--as-of"), user=_user(args)
    )
    _out(f"wrote {n} assignments to {args.file}")
    return EXIT_OK


def cmd_plan_import(args: argparse.Namespace) -> int:
    """Import a plan file, all or nothing."""
    from gridmap.grids import service as grid_service

    report = grid_service.import_plan(_store(args), _user(args), args.file, dry_run=args.dry_run)
    lang = _lang(args)
    for problem in report.problems:
        _err(problem_line(problem, lang))
    if not report.ok:
        _err(text("cli.plan.refused", lang, file=report.file, n=len(report.errors)))
        return EXIT_PROBLEMS
    key = "cli.plan.checked" if args.dry_run else "cli.plan.imported"
    _out(text(key, lang, file=report.file, rows=report.rows, n=report.written))
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    """Give one grid to a worker in a role (replacing whoever held that role)."""
    from gridmap.grids import service as grid_service

    store = _store(args)
    day = parse_date(args.from_date, option="--from")
    plan = grid_service.read_plan(store, on=day)
    if args.grid not in plan.assignments:
        from gridmap.errors import NotFound

        msg = f"no grid with code {args.grid!r}"
        raise NotFound(msg)
    plan.assign(args.grid, args.worker, args.role, replace=not args.add)
    result = grid_service.save_assignments(store, _user(args), plan, today=day)
    _out(
        f"grid {args.grid}: {args.worker} as {args.role} "
        f"({result['ended']} ended, {result['added']} added)"
    )
    return EXIT_OK


def cmd_rebalance(args: argparse.Namespace) -> int:
    """Propose (and with --apply, save) moves bringing every worker within bounds."""
    from gridmap.grids import balance
    from gridmap.grids import service as grid_service

    store = _store(args)
    communities = args.community or None
    inputs = grid_service.workload_inputs(store, communities=communities)
    plan, metrics, adjacency = inputs.plan, inputs.metrics, inputs.adjacency
    totals = balance.worker_totals(plan, metrics, roles=[args.role])
    if args.min is not None or args.max is not None:
        bounds = {args.metric: balance.Bounds(args.min, args.target, args.max)}
    else:
        bounds = balance.default_bounds(totals, tolerance=args.tolerance, metrics=[args.metric])
    b = bounds.get(args.metric)
    lang = _lang(args)
    if b is None:
        _out(text("cli.rebalance.nobody", lang))
        return EXIT_OK
    _out(text("cli.rebalance.bounds", lang, metric=args.metric, min=b.min, target=b.target,
              max=b.max))
    moves = balance.rebalance(
        plan,
        metrics,
        bounds,
        adjacency=adjacency,
        role=args.role,
        seed=args.seed,
        require_contiguity=not args.allow_split,
        workers=inputs.idle if args.include_idle else (),
    )
    for m in moves:
        _out(text("cli.rebalance.move", lang, grid=m.grid, source=m.from_worker or "-",
                  target=m.to_worker, role=m.role))
    after = plan.copy()
    after.apply(moves)
    left = [
        f
        for f in balance.validate_plan(
            after, metrics, bounds, roles=[args.role], require_head=False
        )
        if f.kind in ("low", "high")
    ]
    _out(text("cli.rebalance.summary", lang, moves=len(moves), left=len(left)))
    for f in left:
        _out(f"  {f.text(lang)}")
    if args.dry_run or not args.apply:
        if moves:
            _out(text("cli.rebalance.not_saved", lang))
        return EXIT_OK
    if moves:
        result = grid_service.save_assignments(store, _user(args), after, note="rebalance")
        _out(text("cli.rebalance.saved", lang, n=result["grids"]))
    return EXIT_OK


# --- parsers ----------------------------------------------------------------------------


#: ``--user`` help of these commands: the name goes to the audit log.
_USER_HELP = "name recorded in the audit log (default: $USER)"


def add_parsers(subparsers: Any) -> None:
    """Add the grid, plan, assign and rebalance commands to ``gridmap``.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.
    """
    from gridmap.grids.split import METHODS
    from gridmap.model import WorkerRole

    roles = [r.value for r in WorkerRole]

    grids = subparsers.add_parser("grids", help="generate grids for a community")
    gsub = grids.add_subparsers(dest="grids_command", metavar="ACTION", required=True)
    p = gsub.add_parser("split", help="split a community into grids (preview; --save to store)")
    p.add_argument("community", metavar="COMMUNITY", help="12-digit community code")
    p.add_argument("--method", choices=METHODS, required=True)
    p.add_argument(
        "--cell-m",
        "--size",
        dest="cell_m",
        type=float,
        help="cells: cell size in metres (default 200)",
    )
    p.add_argument("--shape", choices=["square", "hex"], default="square")
    p.add_argument(
        "--target-households",
        type=float,
        help="streets: merge blocks to about this many households",
    )
    p.add_argument("--target-area-m2", type=float, help="streets: merge blocks to this area")
    p.add_argument("--min", "--min-households", dest="min_households", type=int, default=300)
    p.add_argument("--max", "--max-households", dest="max_households", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", metavar="FILE", help="also write the grids (GeoJSON/GeoPackage)")
    p.add_argument(
        "--save",
        action="store_true",
        help="replace the community's grids in the store (old ones kept in history)",
    )
    p.add_argument("--dry-run", action="store_true", help="never save")
    add_store_arguments(p, user_help=_USER_HELP)
    p.set_defaults(func=cmd_grids_split)

    p = gsub.add_parser("history", help="who held a grid on a date, or the layout of a date")
    p.add_argument("grid", metavar="GRID", nargs="?", help="a grid code (omit for the layout)")
    p.add_argument("--on", metavar="DATE", help="the date (default today)")
    p.add_argument("--out", metavar="FILE", help="layout: write the grids of that date")
    add_store_arguments(p, user_help=_USER_HELP)
    p.set_defaults(func=cmd_grids_history)

    plan = subparsers.add_parser("plan", help="export or import the assignment plan")
    psub = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    p = psub.add_parser("export", help="write grid code, worker, role, valid from (CSV/XLSX)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--as-of", metavar="DATE", help="the plan valid on this date (YYYY-MM-DD)")
    add_store_arguments(p, user_help=_USER_HELP)
    p.set_defaults(func=cmd_plan_export)
    p = psub.add_parser("import", help="import a plan file (all or nothing)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check only")
    add_store_arguments(p, user_help=_USER_HELP)
    p.set_defaults(func=cmd_plan_import)

    p = subparsers.add_parser("assign", help="give a grid to a worker in a role")
    p.add_argument("grid", metavar="GRID")
    p.add_argument("worker", metavar="WORKER", help="worker code")
    p.add_argument("--role", choices=roles, required=True)
    p.add_argument("--from", dest="from_date", metavar="DATE", help="start date (default today)")
    p.add_argument(
        "--add",
        action="store_true",
        help="add beside whoever holds the role instead of replacing them",
    )
    add_store_arguments(p, user_help=_USER_HELP)
    p.set_defaults(func=cmd_assign)

    p = subparsers.add_parser("rebalance", help="propose moves that balance workloads")
    p.add_argument(
        "--community", action="append", metavar="CODE", help="only these communities (repeatable)"
    )
    p.add_argument(
        "--metric",
        default="households",
        choices=["grids", "households", "residents", "area_m2", "points", "open_issues"],
    )
    p.add_argument("--role", choices=roles, default=WorkerRole.FULL_TIME.value)
    p.add_argument("--min", type=float)
    p.add_argument("--target", type=float)
    p.add_argument("--max", type=float)
    p.add_argument(
        "--tolerance",
        type=float,
        default=0.25,
        help="without --min/--max: bounds at mean ∓ this share (default 0.25)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--allow-split",
        action="store_true",
        help="do not require each worker's grids to stay connected",
    )
    p.add_argument(
        "--include-idle",
        action="store_true",
        help="also give grids to active workers who hold none (e.g. new ones)",
    )
    p.add_argument("--apply", action="store_true", help="save the proposed moves")
    p.add_argument("--dry-run", action="store_true", help="never save")
    add_store_arguments(p, user_help=_USER_HELP)
    p.set_defaults(func=cmd_rebalance)
