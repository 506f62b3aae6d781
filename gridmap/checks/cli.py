"""The ``gridmap check`` and ``gridmap rules`` commands.

:func:`add_parsers` adds both to the ``gridmap`` command's subparsers
(:func:`gridmap.cli.build_parser` calls it). Like the rest of the CLI, the
commands parse, call the library and print; errors are
:class:`~gridmap.errors.GridmapError` exceptions, which ``gridmap``'s ``main``
turns into a message and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from gridmap._cli import (
    EXIT_OK,
    add_db_argument,
    cyclic_gc_paused,
    lang_of,
    pad,
    print_json,
    text_width,
)
from gridmap._cli import open_store as _open_store
from gridmap._cli import out as _out
from gridmap.i18n import t

__all__ = ["add_parsers", "cmd_check", "cmd_rules"]

#: The keys of each rule in ``gridmap rules --json``.
_RULE_KEYS = (
    "id",
    "title_zh",
    "title_en",
    "family",
    "severity",
    "threshold",
    "unit",
    "source",
    "enabled",
    "weight",
    "params",
)


def _date(text: str) -> dt.date | dt.datetime:
    """Parse ``--as-of``: ``YYYY-MM-DD`` or an ISO date and time."""
    try:
        if len(text.strip()) <= 10:
            return dt.date.fromisoformat(text.strip())
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        msg = f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
        raise argparse.ArgumentTypeError(msg) from None


def _load_rules(args: argparse.Namespace) -> Any:
    """Return the rule configuration of ``--config`` (default: the user's settings file)."""
    from gridmap.checks import load_rules

    return load_rules(args.config) if args.config else load_rules()


def cmd_check(args: argparse.Namespace) -> int:
    """Run the checks on the store and print or write the results; exit 0 whatever they find.

    The report is streamed as the rules finish, from ``--jobs`` processes
    (:func:`gridmap.checks.parallel.write_checks`), in every format.
    """
    from gridmap.checks import export
    from gridmap.checks.parallel import write_checks

    lang = lang_of(args, own=True)
    config = _load_rules(args)
    store = _open_store(args)
    options = {"jobs": args.jobs, "rules": args.rule or None, "config": config,
               "community": args.community, "as_of": args.as_of, "lang": lang}
    with cyclic_gc_paused():
        if args.out is None:  # (no byte order mark on a terminal)
            write_checks(store, args.format, sys.stdout, bom=False, **options)
            return EXIT_OK
        with export.report_file(args.out) as fh:
            written = write_checks(store, args.format, fh, **options)
    _out(t("cli.check.wrote", lang, rules=written.rules, failed=written.failed, out=args.out))
    return EXIT_OK


def _jobs(text: str) -> int:
    """Parse ``--jobs``: a whole number of processes, at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"not a number of processes: {text!r} (use 1 or more)"
        raise argparse.ArgumentTypeError(msg)
    return value


def cmd_rules(args: argparse.Namespace) -> int:
    """List every rule: id, titles, family, threshold and unit, source, enabled."""
    from gridmap.checks import rules_table

    lang = lang_of(args, own=True)
    rows = rules_table(_load_rules(args), lang=lang)
    if args.json:
        print_json([{k: r[k] for k in _RULE_KEYS} for r in rows])
        return EXIT_OK
    width = max(len(r["id"]) for r in rows)
    states = {True: t("cli.rules.on", lang), False: t("cli.rules.off", lang)}
    state_width = max(text_width(s) for s in states.values())
    severities = {r["severity"]: _severity(r["severity"], lang) for r in rows}
    severity_width = max(8, *(text_width(s) for s in severities.values()))
    indent = " " * (width + state_width + 4)
    family = None
    for r in rows:
        if r["family"] != family:
            family = r["family"]
            _out(f"[{family if lang == 'en' else t(f'checks.family.{family}', lang)}]")
        state = pad(states[bool(r["enabled"])], state_width)
        severity = pad(severities[r["severity"]], severity_width)
        _out(f"  {r['id']:<{width}}  {state}  {severity}  {r['threshold_text']}")
        title = f"{r['title_zh']} / {r['title_en']}" if lang == "en" else r["title_zh"]
        _out(f"  {indent}{title}")
        _out(f"  {indent}{t('cli.rules.source', lang, source=r['source'])}")
    return EXIT_OK


def _severity(value: str, lang: str) -> str:
    """Return a rule's severity: ``failure`` in English, 不达标 in Chinese."""
    return value if lang == "en" else t(f"checks.severity.{value}", lang)


def _add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="TOML",
        help="rule configuration file (default: your gridmap settings file)",
    )


def add_parsers(subparsers: Any) -> None:
    """Add the ``check`` and ``rules`` commands to the ``gridmap`` subparsers.

    Parameters
    ----------
    subparsers
        The object returned by :meth:`argparse.ArgumentParser.add_subparsers`.
    """
    from gridmap.checks import REPORT_FORMATS

    p = subparsers.add_parser(
        "check",
        help="run the coverage and distance checks (campaign and sanitation rules)",
        description="Run the check rules on the store and list every failure with its grid "
        "and responsible workers. Exit 0 when the checks ran, whatever they found. "
        'The JSON output is a stable contract: {"rules": [{"id", "title", '
        '"source", "threshold", "unit", "passed", "failed", "failures": '
        '[{"layer", "object_id", "name", "community", "grid", "workers", '
        '"measured", "severity", ...}]}]}.',
    )
    p.add_argument(
        "--rule",
        action="append",
        metavar="ID",
        help="run this rule (repeatable; default: every enabled rule; 'gridmap rules' lists them)",
    )
    p.add_argument("--community", metavar="CODE", help="only this community's objects")
    p.add_argument(
        "--format", choices=REPORT_FORMATS, default="table", help="output format (default table)"
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of printing")
    p.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="processes to run the rules in (default: the machine's cores, at most 4); "
        "the report is the same whatever N",
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="date whose assignments name the workers, and the moment deadlines are "
        "measured at (start of that day; default now)",
    )
    p.add_argument(
        "--lang",
        choices=["en", "zh"],
        default=None,
        help="language of the table's titles and messages (default: gridmap --lang, "
        "else $GRIDMAP_LANG, else Chinese on a Chinese locale, else English)",
    )
    _add_config_argument(p)
    add_db_argument(p)
    p.set_defaults(func=cmd_check)

    p = subparsers.add_parser(
        "rules",
        help="list the check rules with thresholds and sources",
        description="List every check rule: id, Chinese and English title, family, severity, "
        "threshold with unit, source, and whether it runs by default.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=["en", "zh"], default=None, help=argparse.SUPPRESS)
    _add_config_argument(p)
    p.set_defaults(func=cmd_rules)
