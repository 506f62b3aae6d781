"""Helpers shared by the ``gridmap`` sub-command modules.

The command modules (:mod:`gridmap.cli` and :mod:`gridmap.grids.cli`,
:mod:`gridmap.issues.cli`, :mod:`gridmap.records.cli`, :mod:`gridmap.export.cli`,
:mod:`gridmap.checks.cli`) parse, call the library and print. What they all need
lives here: the exit codes, ``out``/``err``, the language of what they print
(:func:`cli_lang`, :func:`lang_of`), the parser class that words argparse's errors in
that language, the ``--db`` and ``--user`` options, opening the store, the acting
:class:`~gridmap.auth.User`, date options, and printing records as a table, JSON or CSV.

Every line a command prints goes through :func:`gridmap.i18n.t` (keys ``cli.*``) or,
for errors, :mod:`gridmap.messages`; the command-line help (``--help``) stays English.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from gridmap.errors import GridmapError, InputError, NotFound
from gridmap.i18n import t

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


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk command runs.

    A city check makes and drops tens of millions of small objects (rows, cells,
    texts) and holds millions more; each pass of the collector walks the objects
    it tracks, which is a tenth of the run for nothing: reference counting frees
    them, and the little cyclic garbage is collected when the collector resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cli_lang(choice: str | None = None) -> str:
    """Return the language of the command's messages: ``zh`` or ``en``.

    ``choice`` (a ``--lang`` option) first, then ``$GRIDMAP_LANG``, then the locale
    (``$LC_ALL``, ``$LC_MESSAGES``, ``$LANG``): Chinese on a Chinese locale
    (``zh_CN.UTF-8``), English otherwise.

    Examples
    --------
    >>> cli_lang("zh")
    'zh'
    """
    for value in (choice, os.environ.get("GRIDMAP_LANG")):
        if value:
            return "en" if str(value).lower().startswith("en") else "zh"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def lang_of(args: argparse.Namespace, *, own: bool = False) -> str:
    """Return the language a command prints in: ``gridmap --lang``, else :func:`cli_lang`.

    Parameters
    ----------
    args
        The parsed command line.
    own
        The command's own ``--lang`` (``check``, ``rules``, ``import``) comes first.
    """
    choice = getattr(args, "lang", None) if own else None
    return cli_lang(choice or getattr(args, "global_lang", None))


def lang_in_argv(argv: Sequence[str]) -> str | None:
    """Return the value of the first ``--lang`` in a command line, before it is parsed.

    Examples
    --------
    >>> lang_in_argv(["--lang", "zh", "info"]), lang_in_argv(["info", "--lang=en"])
    ('zh', 'en')
    """
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


#: argparse's error messages (Python 3.11+) and their keys in :mod:`gridmap.i18n`.
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli.argparse.required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "cli.argparse.unrecognized"),
    (re.compile(r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from "
                r"(?P<choices>.+)\)"), "cli.argparse.choice"),
    (re.compile(r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: (?P<value>.+)"),
     "cli.argparse.type"),
    (re.compile(r"argument (?P<arg>\S+): expected one argument"), "cli.argparse.one"),
    (re.compile(r"argument (?P<arg>\S+): expected at least one argument"),
     "cli.argparse.one"),
    (re.compile(r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)"),
     "cli.argparse.exclusive"),
    (
        re.compile(
            r"argument (?P<arg>\S+): not a date: (?P<value>.+) "
            r"\(use YYYY-MM-DD or YYYY-MM-DDTHH:MM\)"
        ),
        "cli.argparse.date",
    ),
    (re.compile(r"argument (?P<arg>\S+): not a number of processes: (?P<value>.+) "
                r"\(use 1 or more\)"), "cli.argparse.jobs"),
    (re.compile(r"argument (?P<arg>\S+): (?P<message>.+)"), "cli.argparse.argument"),
)


def argparse_message(message: str, lang: str) -> str:
    """Return one of argparse's error messages in ``lang`` (unknown ones as they are).

    Examples
    --------
    >>> argparse_message("unrecognized arguments: --x", "zh")
    '无法识别的参数：--x'
    """
    if lang == "en":
        return message
    for pattern, key in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return t(key, lang, **match.groupdict())
    return message


class CliParser(argparse.ArgumentParser):
    """An argument parser whose errors are in the command's language.

    The usage line and ``--help`` stay English (docs/architecture.md, "What we do not
    translate"); the error itself is worded through ``cli.argparse.*`` keys.

    Parameters
    ----------
    lang
        ``--lang`` as found on the command line (:func:`lang_in_argv`), else ``None``
        for :func:`cli_lang`'s default.
    """

    def __init__(self, *args: Any, lang: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang

    def add_subparsers(self, **kwargs: Any) -> Any:
        """Add subcommands whose parsers are :class:`CliParser` in the same language."""
        kwargs.setdefault("parser_class", functools.partial(CliParser, lang=self.lang))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in the command's language; exit 2."""
        lang = cli_lang(self.lang)
        self.print_usage(sys.stderr)
        text = t("cli.argparse.error", lang, prog=self.prog,
                 message=argparse_message(message, lang))
        self.exit(2, text + "\n")


def out(text: str = "") -> None:
    """Print one line to stdout."""
    print(text)


def err(text: str) -> None:
    """Print one line to stderr."""
    print(text, file=sys.stderr)


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


def text_width(text: str) -> int:
    """Return the columns ``text`` takes in a terminal: two for each wide (CJK) character.

    Examples
    --------
    >>> text_width("W0001"), text_width("蔡丽")
    (5, 4)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Return ``text`` padded with spaces to ``width`` terminal columns (:func:`text_width`).

    Examples
    --------
    >>> pad("网格", 6) + "|", pad("12", 4, right=True)
    ('网格  |', '  12')
    """
    fill = " " * max(width - text_width(text), 0)
    return fill + text if right else text + fill


def print_records(
    rows: list[dict[str, Any]],
    fmt: str,
    columns: Sequence[str],
    *,
    headers: Mapping[str, str] | None = None,
) -> None:
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
    headers
        The table's header of each column (e.g. Chinese); default the column names.
        JSON and CSV keep the column names.
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
    names = [(headers or {}).get(c, c) for c in columns]
    cells = [[_cell(r.get(c), list_sep="、") for c in columns] for r in rows]
    text_rows = [["" if v is None else str(v) for v in row] for row in cells]
    widths = [max([text_width(c), *(text_width(r[i]) for r in text_rows)])
              for i, c in enumerate(names)]
    out("  ".join(pad(c, w) for c, w in zip(names, widths, strict=True)).rstrip())
    for row in text_rows:
        out("  ".join(pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip())


def headers_of(
    columns: Sequence[str], lang: str, *, layer: str | None = None
) -> dict[str, str]:
    """Return the table header of each column: its name in English, a Chinese header in Chinese.

    The header is ``cli.col.<column>`` where the CLI has its own, else the app's
    (:func:`gridmap.i18n.field_label`; a person's ``name`` in ``layer`` is 姓名).

    Examples
    --------
    >>> headers_of(["code", "status"], "zh")
    {'code': '编码', 'status': '状态'}
    >>> headers_of(["code"], "en")
    {'code': 'code'}
    """
    from gridmap.i18n import STRINGS, field_label

    if lang == "en":
        return {c: c for c in columns}
    return {c: t(f"cli.col.{c}", lang) if f"cli.col.{c}" in STRINGS
            else field_label(c, lang, layer=layer) for c in columns}


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
        raise InputError.keyed("cli.date", option=option, value=repr(text)) from None


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
        password, source = line.rstrip("\r\n"), None
    elif given is not None:
        password, source = given, "--admin-password"
    elif path:
        try:
            with open(path, encoding="utf-8") as f:
                password = f.readline().rstrip("\r\n")
        except OSError as exc:
            raise InputError.keyed("cli.password_file", file=str(path),
                                   reason=exc.strerror or str(exc)) from None
        source = str(path)
    elif env is not None:
        password, source = env, f"${ADMIN_PASSWORD_ENV}"
    else:
        return None
    if not password:
        if source is None:
            raise InputError.keyed("cli.password_empty_stdin")
        raise InputError.keyed("cli.password_empty", source=source)
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
            raise NotFound(key="cli.no_user", name=repr(name))
        return local_operator(name)
    if row.get("disabled"):
        raise GridmapError(key="cli.user_disabled", name=repr(name))
    scope = row.get("scope")
    return User(
        row["username"],
        UserRole(row["role"]),
        tuple(scope) if scope is not None else None,
        row.get("id"),
    )
