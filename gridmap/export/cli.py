"""``gridmap export ...``: rosters, dossiers, supervision orders, weekly reports and data files.

Wire it into the main parser with :func:`add_parsers`. The commands parse, call
:mod:`gridmap.export` and print; errors are :class:`~gridmap.errors.GridmapError`
handled by :func:`gridmap.cli.main`.

Who exports: ``--user NAME`` names an app user of the store, whose role and
scope apply (phones masked for viewers). Without ``--user`` the command runs as
the local operator (the person with the database file), with the admin role,
named after ``$USER``; every export is audited under that name.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gridmap._cli import acting_user, add_db_argument, add_user_argument, parse_date
from gridmap._cli import err as _err
from gridmap._cli import open_store as _open_store
from gridmap._cli import out as _out
from gridmap.errors import GridmapError

__all__ = ["EXPORT_KINDS", "add_parsers", "cmd_export"]

#: The export subcommands.
EXPORT_KINDS = ("roster", "dossier", "gpkg", "geojson", "weekly", "supervision")

_FORMATS = {
    "roster": ("xlsx", "csv"),
    "dossier": ("pdf",),
    "supervision": ("pdf",),
    "weekly": ("xlsx", "pdf"),
    "gpkg": ("gpkg",),
    "geojson": ("geojson",),
}
_HELP = {
    "roster": "grid roster (网格员花名册), XLSX or CSV",
    "dossier": "per-grid dossier (一档一册一图), PDF; a community's with a contents page",
    "gpkg": "GeoPackage with every layer (for QGIS)",
    "geojson": "one GeoJSON file per layer (a folder, or a .zip)",
    "weekly": "weekly progress report (每周上报进展), XLSX or PDF",
    "supervision": "supervision orders (督办单), one PDF page per grid with check failures",
}


def _default_out(args: argparse.Namespace, fmt: str, store: Any, user: Any) -> Path:
    """Return the file named after the place, the kind and the date.

    For example 清波社区_网格员花名册_2026-12-05.xlsx.
    """
    from gridmap.export import parse_week, suggested_file_name

    if args.kind == "weekly":
        day = parse_week(args.week)[0]
    else:
        day = parse_date(getattr(args, "as_of", None), option="--as-of")
    name = suggested_file_name(
        store,
        args.kind,
        user=user,
        community=args.community,
        grid=getattr(args, "grid", None),
        worker=getattr(args, "worker", None),
        day=day,
        fmt="" if args.kind == "geojson" else fmt,
        lang=args.lang,
    )
    return Path(name)


def cmd_export(args: argparse.Namespace) -> int:
    """Run one export; print what was written."""
    from gridmap import export

    kind = args.kind
    formats = _FORMATS[kind]
    suffix = Path(args.out).suffix.lstrip(".").lower() if args.out else ""
    fmt = args.format or (suffix if suffix in formats else formats[0])
    if fmt not in formats:
        raise GridmapError.keyed("exports.format", kind=kind, formats=list(formats), fmt=fmt)
    store = _open_store(args)
    try:
        user = acting_user(store, args.user, must_exist=True)
        out = args.out or _default_out(args, fmt, store, user)
        as_of = parse_date(args.as_of, option="--as-of")

        def progress(i: int, n: int, label: str) -> None:
            if label != "pdf" and sys.stderr.isatty():
                _err(f"  {i}/{n} {label}")

        result = export.run_export(
            kind,
            store,
            out,
            user=user,
            community=args.community,
            grid=args.grid,
            worker=args.worker,
            as_of=as_of,
            week=args.week,
            fmt=fmt,
            crs=args.crs or "wgs84",
            lang=args.lang,
            progress=progress,
        )
    finally:
        store.close()
    _out(
        f"wrote {out}: {kind} of {result.scope}, {result.rows} "
        f"{'grids' if kind in ('dossier', 'supervision') else 'rows'} "
        f"(audit #{result.audit_id})"
    )
    return 0


def add_parsers(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``gridmap export KIND [options]`` to the main parser's subparsers.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.

    Returns
    -------
    argparse.ArgumentParser
        The ``export`` parser.
    """
    parser = subparsers.add_parser(
        "export",
        help="rosters, dossiers, supervision orders, weekly reports, GeoPackage/GeoJSON",
        description="Export files. Every export is written to the audit log. Phone numbers are "
        "masked unless the exporting user's role may see them.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind in EXPORT_KINDS:
        p = kinds.add_parser(kind, help=_HELP[kind], description=_HELP[kind])
        p.add_argument("--community", metavar="CODE", help="only this community")
        if kind not in ("gpkg", "geojson"):
            p.add_argument("--grid", metavar="CODE", help="only this grid")
        if kind in ("roster", "supervision"):
            p.add_argument(
                "--worker", metavar="CODE", help="only this worker's grids (code or name)"
            )
        if kind in ("roster", "dossier", "supervision", "weekly"):
            p.add_argument(
                "--as-of",
                metavar="DATE",
                help="date whose assignments count, YYYY-MM-DD (default today)",
            )
            p.add_argument(
                "--lang",
                choices=["zh", "en"],
                default="zh",
                help="language of the file (default zh)",
            )
        if kind == "weekly":
            p.add_argument(
                "--week",
                metavar="YYYY-Www",
                help="ISO week, e.g. 2026-W45 (default: the week of --as-of, or this week)",
            )
        if len(_FORMATS[kind]) > 1:
            p.add_argument(
                "--format",
                choices=_FORMATS[kind],
                help=f"file format (default {_FORMATS[kind][0]})",
            )
        if kind in ("gpkg", "geojson"):
            p.add_argument(
                "--crs",
                choices=["wgs84", "gcj02"],
                default="wgs84",
                help="coordinates: wgs84 (default) or gcj02 (for Amap-based tools)",
            )
        p.add_argument(
            "--out",
            type=Path,
            metavar="PATH",
            help="file to write (geojson: a folder or a .zip); default a name from "
            "the kind and scope in the current folder",
        )
        add_user_argument(
            p,
            help="export as this app user (their role and scope apply); default the local operator",
            default_to_login=False,
        )
        add_db_argument(p)
        p.set_defaults(func=cmd_export, kind=kind)
        for name in ("grid", "worker", "as_of", "lang", "week", "format", "crs"):
            if name not in {a.dest for a in p._actions}:
                p.set_defaults(**{name: None if name != "lang" else "zh"})
    return parser
