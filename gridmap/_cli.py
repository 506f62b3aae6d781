"""Helpers shared by the ``gridmap`` sub-command modules.

The command modules (:mod:`gridmap.cli` and :mod:`gridmap.grids.cli`,
:mod:`gridmap.issues.cli`, :mod:`gridmap.records.cli`, :mod:`gridmap.export.cli`,
:mod:`gridmap.checks.cli`) parse, call the library and print. What they all need
lives here: the exit codes, ``out``/``err``, the ``--db`` and ``--user`` options,
opening the store, the acting :class:`~gridmap.auth.User`, date options, and
printing records as a table, JSON or CSV.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gridmap.errors import GridmapError, InputError, NotFound

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_PROBLEMS = 3

DB_HELP = (
    "store URL: sqlite:///path/to/file.sqlite or postgresql+psycopg://user@host/db "
    "(default: $GRIDMAP_DB, else a SQLite file in your user data folder)"
)


def out(text: str = "") -> None:
    """Print one line to stdout."""
    print(text)


def err(text: str) -> None:
    """Print one line to stderr."""
    print(text, file=sys.stderr)


def args_lang(args: argparse.Namespace) -> str:
    """Return the language of a command's messages (see :func:`gridmap.cli.cli_lang`).

    ``--lang`` before the command, then ``$GRIDMAP_LANG``, then the locale.
    """
    from gridmap.cli import cli_lang

    return cli_lang(getattr(args, "global_lang", None))


def problem_line(problem: Any, lang: str) -> str:
    """Return an :class:`~gridmap.errors.ImportProblem` as one line in ``lang``.

    Examples
    --------
    >>> from gridmap.errors import ImportReport
    >>> report = ImportReport("plan.csv", "assignments")
    >>> report.add_key("io.assign.no_grid", row=2, grid="1")
    >>> problem_line(report.problems[0], "zh")
    'plan.csv，第 2 行：没有编码为 1 的网格'
    >>> problem_line(report.problems[0], "en")
    'plan.csv, row 2: no grid with code 1'
    """
    from gridmap.messages import text

    if lang == "en":
        return str(problem)
    where = [str(problem.file)]
    if problem.row is not None:
        where.append(text("io.problem.row", lang, row=problem.row))
    if problem.column:
        where.append(text("io.problem.column", lang, column=problem.column))
    label = "" if problem.severity == "error" else text("io.problem.warning", lang)
    return "，".join(where) + "：" + label + problem.text(lang)


def print_json(value: Any, *, default: Any = None) -> None:
    """Print ``value`` as indented JSON, Chinese text unescaped.

    Parameters
    ----------
    value
        Anything :func:`json.dumps` takes.
    default
        Called for values JSON cannot hold (see :func:`json.dumps`).
    """
    out(json.dumps(value, ensure_ascii=False, indent=2, default=default))


def _cell(value: Any, *, list_sep: str) -> Any:
    if isinstance(value, list):
        return list_sep.join(value)
    return value


def print_records(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str]) -> None:
    """Print records as an aligned text table, JSON or CSV.

    Parameters
    ----------
    rows
        One dict a record; list values are joined (``、`` in tables, ``|`` in CSV).
    fmt
        ``"table"``, ``"json"`` (every key of every record) or ``"csv"`` (text a
        spreadsheet would run as a formula gets a leading apostrophe).
    columns
        The columns of the table or CSV, in order.
    """
    if fmt == "json":
        print_json(rows)
        return
    if fmt == "csv":
        from gridmap.io.writers import csv_text  # text a spreadsheet would run: apostrophe

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_text(_cell(v, list_sep="|")) for k, v in row.items()})
        sys.stdout.write(buffer.getvalue())
        return
    cells = [[_cell(r.get(c), list_sep="、") for c in columns] for r in rows]
    text_rows = [["" if v is None else str(v) for v in row] for row in cells]
    widths = [max([len(c), *(len(t[i]) for t in text_rows)]) for i, c in enumerate(columns)]
    out("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for t in text_rows:
        out("  ".join(v.ljust(w) for v, w in zip(t, widths, strict=True)))


def parse_date(text: str | None, *, option: str) -> dt.date | None:
    """Return the date of a ``YYYY-MM-DD`` option (``None`` or empty stays ``None``).

    Parameters
    ----------
    text
        The option's value.
    option
        The option's name, for the message (``"--date"``).

    Raises
    ------
    gridmap.errors.InputError
        If the text is not a date.
    """
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        msg = f"{option} must be a date like 2026-11-02 (YYYY-MM-DD), got {text!r}"
        raise InputError(msg) from None


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--db URL`` to a command's parser."""
    parser.add_argument("--db", metavar="URL", help=DB_HELP)


def add_user_argument(
    parser: argparse.ArgumentParser, *, help: str, default_to_login: bool = True
) -> None:
    """Add ``--user NAME`` to a command's parser.

    Parameters
    ----------
    parser
        The command's parser.
    help
        The option's help text.
    default_to_login
        Default to ``$USER`` (else ``"cli"``); when false, the default is ``None``.
    """
    default = os.environ.get("USER", "cli") if default_to_login else None
    parser.add_argument("--user", metavar="NAME", default=default, help=help)


#: ``--user`` help of the commands that act as a store user (``issues``, ``supervision``).
ACTING_USER_HELP = "acting user (a store user's role and scope apply; default $USER)"


def add_store_arguments(
    parser: argparse.ArgumentParser, *, user_help: str = ACTING_USER_HELP
) -> None:
    """Add ``--db URL`` and ``--user NAME`` (default ``$USER``) to a command's parser."""
    add_db_argument(parser)
    add_user_argument(parser, help=user_help)


def help_by_default(parser: argparse.ArgumentParser) -> None:
    """Make a command group print its help (exit 0) when no subcommand is given."""
    parser.set_defaults(func=lambda args: (parser.print_help(), EXIT_OK)[1])


#: Environment variable holding the admin password for ``gridmap init``/``serve``.
ADMIN_PASSWORD_ENV = "GRIDMAP_ADMIN_PASSWORD"


def add_admin_password_arguments(parser: argparse.ArgumentParser, *, serve: bool) -> None:
    """Add ``--admin-password`` and ``--admin-password-file`` (see :func:`admin_password`)."""
    where = ("; a command line is visible to every user (ps) for the life of the server, so "
             "gridmap serve re-starts itself at once without it and passes it on in the "
             "environment; prefer the file, - or $GRIDMAP_ADMIN_PASSWORD"
             if serve else " (visible in ps while the command runs; prefer the file, - or "
             "$GRIDMAP_ADMIN_PASSWORD)")
    parser.add_argument(
        "--admin-password", metavar="PW",
        help="set the password of user 'admin' (created if missing); '-' reads it from "
             "the first line of standard input" + where)
    parser.add_argument(
        "--admin-password-file", metavar="PATH",
        help="read the password of user 'admin' from the first line of this file")


def admin_password(args: argparse.Namespace, *, stdin: Any = None) -> str | None:
    """Return the admin password asked for, or None.

    In order: ``--admin-password PW`` (``-``: the first line of standard input),
    ``--admin-password-file PATH`` (its first line), ``$GRIDMAP_ADMIN_PASSWORD``.
    The environment variable is removed once read, so the processes started
    afterwards do not inherit it.

    Raises
    ------
    gridmap.errors.InputError
        If the file cannot be read or the password given is empty.
    """
    given = getattr(args, "admin_password", None)
    path = getattr(args, "admin_password_file", None)
    env = os.environ.pop(ADMIN_PASSWORD_ENV, None)
    if given == "-":
        line = (stdin or sys.stdin).readline()
        password, source = line.rstrip("\r\n"), "standard input"
    elif given is not None:
        password, source = given, "--admin-password"
    elif path:
        try:
            with open(path, encoding="utf-8") as f:
                password = f.readline().rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"cannot read the admin password file: {exc.strerror or exc}",
                             file=str(path)) from None
        source = str(path)
    elif env is not None:
        password, source = env, f"${ADMIN_PASSWORD_ENV}"
    else:
        return None
    if not password:
        raise InputError(f"the admin password from {source} is empty")
    return password


def open_store(args: argparse.Namespace, *, upgrade: bool = False) -> Store:
    """Open the store named by ``--db`` (default: ``$GRIDMAP_DB`` or the user data file).

    Parameters
    ----------
    args
        The parsed command line.
    upgrade
        Create or upgrade the schema first (commands that may meet a new store).
    """
    from gridmap.store import open_store as open_url

    store = open_url(getattr(args, "db", None))
    if upgrade:
        store.upgrade()
    return store


def local_operator(name: str | None) -> User:
    """Return the local operator: whoever can open the store, with the admin role.

    Parameters
    ----------
    name
        The name for the audit log (default ``$USER``, else ``"cli"``).
    """
    from gridmap.auth import User
    from gridmap.model import UserRole

    return User(name or os.environ.get("USER") or "cli", UserRole.ADMIN)


def acting_user(store: Store, name: str | None, *, must_exist: bool = False) -> User:
    """Return the user a command acts as.

    The store's user called ``name`` acts with its role and scope. Without a name,
    or (unless ``must_exist``) with a name the store does not know, the command acts
    as the :func:`local_operator`.

    Parameters
    ----------
    store
        The open store.
    name
        The ``--user`` value.
    must_exist
        Refuse a name that is not a store user.

    Raises
    ------
    gridmap.errors.NotFound
        If ``must_exist`` and the store has no user called ``name``.
    gridmap.errors.GridmapError
        If the user is disabled.
    """
    from gridmap.auth import User
    from gridmap.model import UserRole

    if name is None:
        return local_operator(None)
    row = store.find_user(name)
    if row is None:
        if must_exist:
            msg = f"no app user called {name!r} (leave out --user to act as the local operator)"
            raise NotFound(msg)
        return local_operator(name)
    if row.get("disabled"):
        msg = f"user {name!r} is disabled"
        raise GridmapError(msg)
    scope = row.get("scope")
    return User(
        row["username"],
        UserRole(row["role"]),
        tuple(scope) if scope is not None else None,
        row.get("id"),
    )
