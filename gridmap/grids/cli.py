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
    lang_of,
    local_operator,
    pad,
    parse_date,
    problem_line,
)
from gridmap._cli import err as _err
from gridmap._cli import open_store as _store
from gridmap._cli import out as _out
from gridmap.i18n import format_date, label, t

__all__ = ["add_parsers"]


def _user(args: argparse.Namespace) -> Any:
    """Return the CLI user: the local operator, who may administer any store they can open."""
    return local_operator(getattr(args, "user", None))


def _lang(args: argparse.Namespace) -> str:
    return lang_of(args)


# --- commands ---------------------------------------------------------------------------


def cmd_grids_split(args: argparse.Namespace) -> int:
    """Generate grids for a community; print them; optionally write a file or save."""
    from gridmap.grids import service as grid_service
    from gridmap.grids import split

    lang = lang_of(args)
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
    heads = [t(f"cli.split.{c}", lang) for c in ("code", "households", "residents", "area")]
    _out(
        f"{pad(heads[0], 16)} {pad(heads[1], 10, right=True)} {pad(heads[2], 10, right=True)} "
        f"{pad(heads[3], 10, right=True)}  {t('cli.split.problem', lang)}"
    )
    texts = split.problem_texts(grids, lang)  # each grid's problem in the CLI's language
    for row, problem in zip(grids.itertuples(), texts, strict=True):
        hh = "" if row.households is None or str(row.households) == "<NA>" else row.households
        rs = "" if row.residents is None or str(row.residents) == "<NA>" else row.residents
        _out(f"{row.code or '':<16} {hh!s:>10} {rs!s:>10} {row.area_m2:>10,.0f}  {problem or ''}")
    problems = split.split_problems(grids, lang)
    _out(t("cli.split.total", lang, grids=len(grids), outside=len(problems)))
    if args.out:
        from gridmap.io.writers import write_layer_file

        n = write_layer_file(grids, args.out, layer_name="grids")
        _out(t("cli.split.wrote", lang, n=n, out=args.out))
    if args.save and not args.dry_run:
        result = grid_service.save_grids(
            store,
            _user(args),
            args.community,
            grids,
            reason=f"split by {args.method} (seed {args.seed})",
        )
        _out(
            t(
                "cli.split.saved",
                lang,
                retired=result["retired"],
                created=result["created"],
                carried=result["carried"],
            )
        )
        if result["unstaffed"]:
            _out(t("cli.split.unstaffed", lang, grids=_join(result["unstaffed"], lang)))
    elif args.save:
        _out(t("cli.dry_run", lang))
    return EXIT_OK


def _join(items: list[str], lang: str) -> str:
    """Codes joined as a list is written: ``a, b`` in English, ``a、b`` in Chinese."""
    return (", " if lang == "en" else "、").join(items)


def cmd_grids_history(args: argparse.Namespace) -> int:
    """Print who held a grid on a date, or write the grid layout of a date."""
    from gridmap.grids import service as grid_service

    lang = lang_of(args)
    store = _store(args)
    day = parse_date(args.on, option="--on") or dt.date.today()
    if args.grid:
        holders = grid_service.holders_on(store, args.grid, day)
        if not holders:
            _out(t("cli.history.nobody", lang, grid=args.grid, day=day.isoformat()))
        for h in holders:
            role = h["role"] if lang == "en" else label(h["role"], lang, field="role")
            _out(
                f"{h['worker_code']:<8} {pad(h['worker_name'] or '', 10)} {pad(role, 10)} "
                + t(
                    "cli.history.span",
                    lang,
                    start=format_date(h["valid_from"]) or "-",
                    end=format_date(h["valid_to"]) or "-",
                )
            )
        return EXIT_OK
    layout = grid_service.grids_as_of(store, day)
    retired = int(layout["retired"].sum())
    _out(t("cli.history.layout", lang, n=len(layout), day=day.isoformat(), retired=retired))
    if args.out:
        from gridmap.io.writers import write_layer_file

        write_layer_file(layout, args.out, layer_name="grids")
        _out(t("cli.wrote", lang, out=args.out))
    return EXIT_OK


def cmd_plan_export(args: argparse.Namespace) -> int:
    """Write the assignment (as of a date) to CSV or XLSX."""
    from gridmap.grids import service as grid_service

    n = grid_service.export_plan(
        _store(args), args.file, as_of=parse_date(args.as_of, option="--as-of"), user=_user(args)
    )
    _out(t("cli.plan.wrote", lang_of(args), n=n, out=args.file))
    return EXIT_OK


def cmd_plan_import(args: argparse.Namespace) -> int:
    """Import a plan file, all or nothing."""
    from gridmap.grids import service as grid_service

    lang = lang_of(args)
    report = grid_service.import_plan(_store(args), _user(args), args.file, dry_run=args.dry_run)
    lang = _lang(args)
    for problem in report.problems:
        _err(problem_line(problem, lang))
    if not report.ok:
        _err(t("cli.plan.refused", lang, file=report.file, n=len(report.errors)))
        return EXIT_PROBLEMS
    key = "cli.plan.would_change" if args.dry_run else "cli.plan.changed"
    _out(t(key, lang, file=report.file, rows=report.rows, n=report.written))
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    """Give one grid to a worker in a role (replacing whoever held that role)."""
    from gridmap.grids import service as grid_service

    store = _store(args)
    day = parse_date(args.from_date, option="--from")
    plan = grid_service.read_plan(store, on=day)
    if args.grid not in plan.assignments:
        from gridmap.errors import NotFound

        raise NotFound(key="cli.no_grid", code=repr(args.grid))
    plan.assign(args.grid, args.worker, args.role, replace=not args.add)
    result = grid_service.save_assignments(store, _user(args), plan, today=day)
    lang = lang_of(args)
    role = args.role if lang == "en" else label(args.role, lang, field="role")
    _out(
        t(
            "cli.assign.done",
            lang,
            grid=args.grid,
            worker=args.worker,
            role=role,
            ended=result["ended"],
            added=result["added"],
        )
    )
    return EXIT_OK


def cmd_rebalance(args: argparse.Namespace) -> int:
    """Propose (and with --apply, save) moves bringing every worker within bounds."""
    from gridmap.grids import balance
    from gridmap.grids import service as grid_service

    lang = lang_of(args)
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
        _out(t("cli.rebalance.none", lang))
        return EXIT_OK
    metric = args.metric if lang == "en" else t(f"cli.metric.{args.metric}", lang)
    _out(
        t(
            "cli.rebalance.bounds",
            lang,
            metric=metric,
            min=_bound(b.min, lang),
            target=_bound(b.target, lang),
            max=_bound(b.max, lang),
        )
    )
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
        _out(_move(m, lang))
    after = plan.copy()
    after.apply(moves)
    left = [
        f
        for f in balance.validate_plan(
            after, metrics, bounds, roles=[args.role], require_head=False
        )
        if f.kind in ("low", "high")
    ]
    _out(t("cli.rebalance.total", lang, moves=len(moves), left=len(left)))
    for f in left:
        _out(f"  {_said(f, lang)}")
    if args.dry_run or not args.apply:
        if moves:
            _out(t("cli.rebalance.not_saved", lang))
        return EXIT_OK
    if moves:
        result = grid_service.save_assignments(store, _user(args), after, note="rebalance")
        _out(t("cli.rebalance.saved", lang, n=result["grids"]))
    return EXIT_OK


def _bound(value: float | None, lang: str) -> str:
    """Return a bound as Python writes it in English, rounded (不限 for none) in Chinese."""
    if lang == "en":
        return str(value)
    return t("cli.rebalance.unbounded", lang) if value is None else f"{value:,.0f}"


def _move(move: Any, lang: str) -> str:
    """Return a proposed move: ``G: W1 -> W2 (full_time)``; 网格 G：W1 → W2（专职网格员）."""
    if lang == "en":
        return str(move)
    return t(
        "cli.rebalance.move",
        lang,
        grid=move.grid,
        source=move.from_worker or "-",
        target=move.to_worker,
        role=label(move.role, lang, field="role"),
    )


def _said(thing: Any, lang: str) -> str:
    """Return a move or a finding of :mod:`gridmap.grids.balance` in ``lang`` where it can."""
    text = getattr(thing, "text", None)
    if lang != "en" and callable(text):
        return str(text(lang))
    return str(thing)


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
    from gridmap.grids import SPLIT_METHODS
    from gridmap.model import WorkerRole

    roles = [r.value for r in WorkerRole]

    grids = subparsers.add_parser("grids", help="generate grids for a community")
    gsub = grids.add_subparsers(dest="grids_command", metavar="ACTION", required=True)
    p = gsub.add_parser("split", help="split a community into grids (preview; --save to store)")
    p.add_argument("community", metavar="COMMUNITY", help="12-digit community code")
    p.add_argument("--method", choices=SPLIT_METHODS, required=True)
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
