"""The ``gridmap`` command line: every feature scriptable without a browser.

The CLI parses arguments, calls the library and prints. It holds no logic.
Errors go to stderr with a non-zero exit code, never as a traceback (set
``GRIDMAP_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gridmap import __version__
from gridmap._cli import (
    ADMIN_PASSWORD_ENV,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_PROBLEMS,
    CliParser,
    add_admin_password_arguments,
    add_db_argument,
    admin_password,
    cli_lang,
    err,
    lang_in_argv,
    lang_of,
    local_operator,
    open_store,
    out,
    pad,
    print_json,
    problem_line,
    text_width,
)
from gridmap.config import mask_url
from gridmap.errors import GridmapError
from gridmap.i18n import label, t
from gridmap.model import LAYERS

__all__ = ["build_parser", "cli_lang", "main"]

_CRS_HELP = ("coordinate system of the file: wgs84 (also CGCS2000), gcj02 (Amap, Tencent, "
             "Aliyun DataV), bd09 (Baidu) or EPSG:n (default: not declared, read as wgs84, "
             "but Amap/DataV exports are refused until declared; a file that declares its "
             "own CRS keeps it)")


# --- commands ---------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; optionally load the demo street and set the admin password."""
    from gridmap import auth
    from gridmap.importing import import_demo

    lang = lang_of(args)
    password = admin_password(args)
    with open_store(args, upgrade=True) as store:
        out(t("cli.init.store", lang, url=store.safe_url, schema=store.schema_version()))
        if args.demo:
            if store.is_empty():
                written = import_demo(store)
                total = sum(written.values())
                out(t("cli.init.demo", lang, rows=total, layers=len(written)))
            else:
                out(t("cli.init.demo_kept", lang))
        if args.demo or password:
            generated = False
            if not password and not auth.user_exists(store, "admin"):
                password = auth.random_password()
                generated = True
            if password:
                auth.set_password(store, "admin", password)
                if generated:
                    path = auth.write_password_file(password)
                    out(t("cli.init.admin_created", lang, path=path))
                    out(t("cli.init.admin_change", lang))
                else:
                    out(t("cli.init.admin_set", lang))
        return EXIT_OK


def _restart_without_password(password: str) -> None:
    """Re-start this ``gridmap serve`` without the password on its command line.

    A command line is readable by every user of the machine (``ps``) for the life of
    the process; the environment only by its owner. The process replaces itself
    (same pid) with one whose command line lacks ``--admin-password``, and the
    password travels in ``$GRIDMAP_ADMIN_PASSWORD``. Nothing happens when the
    password is not on this process's own command line (``main`` called in-process).
    """
    argv = sys.argv[1:]
    rest: list[str] = []
    found = False
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--admin-password" and i + 1 < len(argv) and argv[i + 1] == password:
            found, i = True, i + 2
            continue
        if arg == f"--admin-password={password}":
            found, i = True, i + 1
            continue
        rest.append(arg)
        i += 1
    if not found:
        return
    sys.stdout.flush()
    env = dict(os.environ, **{ADMIN_PASSWORD_ENV: password})
    os.execve(sys.executable, [sys.executable, "-m", "gridmap", *rest], env)


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the Streamlit app."""
    from gridmap import server

    if args.admin_password not in (None, "-"):
        _restart_without_password(args.admin_password)
    return server.serve(db=args.db, port=args.port, address=args.address,
                        demo=not args.no_demo, admin_password=admin_password(args),
                        workers=args.workers, echo=out, lang=lang_of(args))


#: The import prints at most this many problems; the rest are counted by kind.
SHOWN_PROBLEMS = 50


def _print_problems(report, *, lang: str, limit: int | None) -> None:
    """Print the first ``limit`` problems, then counts by kind of the rest."""
    from gridmap.io._messages import text

    problems = report.problems
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        (out if problem.severity != "error" else err)(problem_line(problem, lang))
    rest = problems[len(shown):]
    if rest:
        counts: dict[str, int] = {}
        for p in rest:
            counts[p.kind] = counts.get(p.kind, 0) + 1
        kinds = "; ".join(f"{k} ×{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        err(f"{report.file}: " + text("io.summary.more", lang, n=len(rest), kinds=kinds))


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file into a layer, all or nothing."""
    from gridmap.importing import import_file

    with open_store(args, upgrade=True) as store:
        user = local_operator(args.user)  # the shell user owns the store file
        report = import_file(store, args.layer, args.file, user=user, crs=args.crs,
                             dry_run=args.dry_run, repair=args.repair, replace=args.replace,
                             allow_outside=args.allow_outside, sheet=args.sheet,
                             encoding=args.encoding, columns=args.columns,
                             code_prefix=args.code_prefix)
        lang = lang_of(args, own=True)
        _print_problems(report, lang=lang,
                        limit=None if args.all_problems else SHOWN_PROBLEMS)
        if args.problems_csv:
            Path(args.problems_csv).write_text(report.problems_csv(lang),
                                               encoding="utf-8-sig")
            out(t("cli.import.problems_csv", lang, file=report.file,
                  n=len(report.problems), csv=args.problems_csv))
        if not report.ok:
            err(t("cli.import.refused", lang, file=report.file, n=len(report.errors)))
            return EXIT_PROBLEMS
        layer = _layer_name(args.layer, lang)
        if args.dry_run:
            out(t("cli.import.dry_run", lang, file=report.file, rows=report.rows, layer=layer,
                  crs=report.source_crs))
        else:
            out(t("cli.import.done", lang, file=report.file, rows=report.written, layer=layer,
                  crs=report.source_crs))
        return EXIT_OK


def _layer_name(layer: str, lang: str) -> str:
    """Return a layer's name as the CLI shows it: ``boards`` in English, 宣传牌 in Chinese."""
    if lang == "en":
        return layer
    name = label(layer, lang, field="layer")
    return t(f"cli.layer.{layer}", lang) if name == layer else name


def cmd_convert(args: argparse.Namespace) -> int:
    """Convert a file's coordinates between WGS-84, GCJ-02 and BD-09."""
    from gridmap.io import convert_file

    n = convert_file(args.input, args.output, from_crs=args.from_crs, to_crs=args.to_crs)
    out(t("cli.convert.done", lang_of(args), n=n, out=args.output, src=args.from_crs,
          dst=args.to_crs))
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    """Print counts per layer, the schema version and the store URL."""
    with open_store(args, upgrade=True) as store:
        info = {
            "store": store.safe_url,
            "backend": store.dialect,
            "schema_version": store.schema_version(),
            "gridmap_version": __version__,
            "counts": store.counts(),
        }
        if args.json:
            print_json(info)
            return EXIT_OK
        lang = lang_of(args)
        colon = t("cli.colon", lang)
        heads = {key: t(f"cli.info.{key}", lang) + colon
                 for key in ("store", "backend", "schema_version", "gridmap_version")}
        width = max(text_width(h) for h in heads.values()) + 1
        for key, head in heads.items():
            out(pad(head, width) + str(info[key]))
        names = {layer: _layer_name(layer, lang) for layer in info["counts"]}
        width = max(text_width(n) for n in names.values())
        for layer, n in info["counts"].items():
            out(f"  {pad(names[layer], width)}  {n:>8}")
        return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the integrity rules: tiling, codes, staffing, grid sizes, points in grids."""
    from gridmap.checks import export, run_checks_on_store

    with open_store(args, upgrade=True) as store:
        report = run_checks_on_store(store, families=["integrity"])
        if args.json:
            print_json(export.to_findings(report))
        else:
            for line in export.validation_lines(report, lang=lang_of(args)):
                out(line)
        failed = any(r.severity == "failure" and len(r.table) for r in report.results)
        return EXIT_PROBLEMS if failed else EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmark and print each figure beside its baseline."""
    from gridmap import bench

    return bench.main(size=args.size, echo=out, scale=args.scale, sessions=args.sessions,
                      cap=args.cap, app=not args.no_app)


# --- parser -----------------------------------------------------------------------------

def build_parser(*, lang: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser of the ``gridmap`` command.

    Parameters
    ----------
    lang
        Language of argparse's error messages (``--lang`` as found on the command
        line); default :func:`~gridmap._cli.cli_lang`'s. The help stays English.
    """
    parser = CliParser(
        lang=lang,
        prog="gridmap",
        description="Grid management for street offices (网格化管理): grids, grid workers, "
                    "facilities, issue reports and campaign checks.",
        epilog="Run 'gridmap COMMAND --help' for a command's options. "
               "Errors exit non-zero; GRIDMAP_DEBUG=1 shows tracebacks.",
    )
    parser.add_argument("--version", action="version", version=f"gridmap {__version__}")
    parser.add_argument("--lang", dest="global_lang", choices=["zh", "en"], default=None,
                        help="language of messages and errors (default: $GRIDMAP_LANG, else "
                             "Chinese on a Chinese locale (zh_CN), else English)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="create or upgrade the store; load the demo street",
                       description="Create the schema (or upgrade an older store) and "
                                   "optionally load the embedded demo street. The admin "
                                   "password comes from --admin-password, "
                                   "--admin-password-file or $GRIDMAP_ADMIN_PASSWORD; with "
                                   "--demo and none, a random one is written to a file only "
                                   "you can read, and its path is printed.")
    add_db_argument(p)
    p.add_argument("--demo", action="store_true", help="load the demo street if the store is empty")
    add_admin_password_arguments(p, serve=False)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", help="start the web app (Streamlit on uvicorn)",
                       description="Start the web app. An empty store gets the demo street "
                                   "unless --no-demo is given. The admin password comes from "
                                   "$GRIDMAP_ADMIN_PASSWORD, --admin-password-file or "
                                   "--admin-password - (standard input); it is never passed "
                                   "on a command line to the server processes. Without one "
                                   "and without an admin, a random password is written to a "
                                   "file only you can read, and its path is printed.")
    add_db_argument(p)
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--address", default="localhost",
                   help="address to bind (default localhost; 0.0.0.0 for a LAN)")
    p.add_argument("--no-demo", action="store_true", help="do not load the demo street")
    add_admin_password_arguments(p, serve=True)
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="server processes sharing the store (default 1); a proxy in front "
                        "must keep each browser's websocket on one process (docs/deploy.md)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("import", help="import a file into a layer (all or nothing)",
                       description="Import GeoJSON, Shapefile (.shp or .zip), GeoPackage, KML, "
                                   "CSV or XLSX into a layer. Any error imports nothing.")
    p.add_argument("layer", choices=list(LAYERS), metavar="LAYER",
                   help="one of: " + ", ".join(LAYERS))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--crs", default=None, help=_CRS_HELP)
    p.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
    p.add_argument("--columns", metavar="SRC=DST,...",
                   help="map the file's headers to the layer's columns, e.g. "
                        "'网格号=code,所属社区=community' (源列=目标列)")
    p.add_argument("--code-prefix", metavar="STREET9",
                   help="for an Aliyun DataV boundary file imported as communities: the "
                        "9-digit street code; communities are numbered 001, 002, ... after it")
    p.add_argument("--problems-csv", metavar="FILE",
                   help="write every problem to this CSV file (only the first "
                        f"{SHOWN_PROBLEMS} are printed)")
    p.add_argument("--all-problems", action="store_true",
                   help=f"print every problem, not only the first {SHOWN_PROBLEMS}")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="language of the problems (default: $GRIDMAP_LANG, else Chinese on "
                        "a Chinese locale, else English)")
    p.add_argument("--repair", action="store_true",
                   help="repair invalid polygons (each repair is reported)")
    p.add_argument("--replace", action="store_true",
                   help="replace the layer's stored rows instead of adding to them")
    p.add_argument("--allow-outside", action="store_true",
                   help="import point records outside every grid (reported as warnings)")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first)")
    p.add_argument("--encoding", help="CSV/DBF text encoding (default: detected)")
    p.add_argument("--user", default=os.environ.get("USER", "cli"),
                   help="name written to the audit log")
    add_db_argument(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("convert", help="convert a file between WGS-84, GCJ-02 and BD-09",
                       description="Convert the coordinates of a GeoJSON/GeoPackage/Shapefile/"
                                   "KML/KMZ/CSV/XLSX file between coordinate systems. The "
                                   "output's extension chooses its format: .geojson, .gpkg, "
                                   ".kml, .shp, .csv or .xlsx.")
    p.add_argument("input", type=Path, metavar="IN")
    p.add_argument("output", type=Path, metavar="OUT")
    p.add_argument("--from", dest="from_crs", required=True, metavar="SYS",
                   help="source system: wgs84, gcj02 or bd09")
    p.add_argument("--to", dest="to_crs", required=True, metavar="SYS",
                   help="target system: wgs84, gcj02 or bd09")
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("info", help="counts per layer, schema version, store URL")
    add_db_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("validate", help="check tiling, grid codes, assignments, points in grids",
                       description="Run the integrity rules of 'gridmap check': grids tile "
                                   "their communities, codes are valid and ordered, every grid "
                                   "has a grid head and a worker and a household count in the "
                                   "band, every point record lies in a grid, every compound is "
                                   "assigned. Exit 3 on errors (failures; advisories are "
                                   "warnings).")
    add_db_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("bench", help="benchmark against plain geopandas/shapely baselines",
                       description="Build a synthetic city and time gridmap beside the plain "
                                   "library baseline, printing each ratio. The app figures "
                                   "serve the city and the demo street and drive Debian's "
                                   "Chromium (/usr/bin/chromium) with Playwright, offline.")
    p.add_argument("--size", choices=["street", "city"], default="street",
                   help="street (seconds) or city (10,000 grids, 1,000,000 points; minutes)")
    p.add_argument("--scale", type=float, default=1.0, metavar="F",
                   help="cut the synthetic city to this share of its area for a quick run "
                        "(e.g. 0.1; default 1: the whole city)")
    p.add_argument("--sessions", type=int, default=8, metavar="N",
                   help="concurrent browser sessions against 'serve --workers 2' (default 8)")
    p.add_argument("--cap", type=float, default=60.0, metavar="SECONDS",
                   help="timeout of the plain folium baseline in Chromium (default 60; "
                        "past it the line says '> cap')")
    p.add_argument("--no-app", action="store_true",
                   help="skip the app figures (gridmap serve + headless Chromium: login -> "
                        "map drawn, bytes, pan/zoom, sessions, demo street clicks)")
    p.set_defaults(func=cmd_bench)

    from gridmap.checks import cli as checks_cli
    from gridmap.export import cli as export_cli
    from gridmap.grids import cli as grids_cli
    from gridmap.issues import cli as issues_cli
    from gridmap.notify import cli as notify_cli
    from gridmap.records import cli as records_cli
    from gridmap.supervision import cli as supervision_cli

    checks_cli.add_parsers(sub)
    grids_cli.add_parsers(sub)
    issues_cli.add_parsers(sub)
    export_cli.add_parsers(sub)
    records_cli.add_parsers(sub)
    notify_cli.add_parsers(sub)
    supervision_cli.add_parsers(sub)
    return parser


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (captured)
        pass


class Terminated(KeyboardInterrupt):
    """The command was asked to stop (SIGTERM: ``kill``, a scheduler's timeout)."""


@contextlib.contextmanager
def _stop_on_sigterm(command: str) -> Iterator[None]:
    """While a command runs, let SIGTERM stop it as Ctrl-C does.

    Files being written are removed, workers stopped, transactions rolled back, and
    the exit code is 143. ``gridmap serve`` stops on SIGTERM its own way.
    """

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    previous = None
    if command != "serve":
        with contextlib.suppress(ValueError):  # (not in the main thread: left as it is)
            previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gridmap`` command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(lang=lang_in_argv(argv))
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_OK
    try:
        with _stop_on_sigterm(args.command):
            code = func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        # the reader went away (``gridmap info | head``): stop quietly, as cat does
        _silence_stdout()
        return EXIT_OK
    except GridmapError as exc:
        from gridmap.messages import text

        lang = _error_lang(args)
        err(text("error.cli", lang, command=args.command, message=mask_url(exc.text(lang))))
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        err(t("cli.interrupted", _error_lang(args)))
        return 143 if isinstance(exc, Terminated) else 130
    except Exception as exc:
        if os.environ.get("GRIDMAP_DEBUG"):
            raise
        lang = _error_lang(args)
        err(t("cli.internal", lang, command=args.command, kind=type(exc).__name__,
              message=mask_url(exc)))
        err(t("cli.bug", lang))
        return EXIT_ERROR


def _error_lang(args: argparse.Namespace) -> str:
    """Return the language of an error: ``gridmap --lang``, then the command's own."""
    # the import's, check's and rules' --lang is the messages' language; export's is a file's
    own = getattr(args, "lang", None) if args.command in ("import", "check", "rules") else None
    return cli_lang(args.global_lang or own)
