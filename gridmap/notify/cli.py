"""CLI of notifications: ``gridmap notify test CHANNEL | run [--once] | log``.

``add_parsers(subparsers)`` adds ``notify`` to the ``gridmap`` command (see
:mod:`gridmap.cli`). ``run --once`` is one round for cron: it scans deadlines and
the daily list and sends what is due, if no other process holds the sender lease.
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from gridmap._cli import (
    EXIT_ERROR,
    EXIT_OK,
    add_db_argument,
    add_user_argument,
    lang_of,
    local_operator,
    pad,
    print_json,
)
from gridmap._cli import open_store as _store
from gridmap._cli import out as _out
from gridmap.i18n import t

__all__ = ["add_parsers"]


def cmd_notify(args: argparse.Namespace) -> int:
    """Send a test message, run the sender, or print the delivery log."""
    from gridmap.notify import config, outbox
    from gridmap.store import outbox as store_outbox

    lang = lang_of(args)
    store = _store(args, upgrade=args.action == "run")
    if args.action == "test":
        if not args.channel:
            sep = ", " if lang == "en" else "、"
            names = sep.join(c.name for c in config.load_notify().channels) or t(
                "cli.notify.no_channels", lang
            )
            _out(t("cli.notify.give_channel", lang, names=names))
            return EXIT_ERROR
        result = outbox.send_test(store, args.channel, by=local_operator(args.user), lang=lang)
        if result["status"] == "sent":
            _out(t("cli.notify.test_sent", lang, id=result["id"], channel=args.channel))
            return EXIT_OK
        _out(
            t(
                "cli.notify.test_failed",
                lang,
                id=result["id"],
                channel=args.channel,
                error=result["error"],
            )
        )
        return EXIT_ERROR
    if args.action == "run":
        settings = config.load_notify()
        if args.once:
            counts = outbox.tick(store, settings=settings)
            if counts is None:
                _out(t("cli.notify.idle", lang))
            else:
                _out(_counts(counts, lang))
            return EXIT_OK
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set():
                counts = outbox.tick(store, settings=config.load_notify())
                if counts and any(counts.values()):
                    _out(_counts(counts, lang))
                stop.wait(settings.interval_s)
        except KeyboardInterrupt:
            pass
        return EXIT_OK
    frame = store_outbox.read_outbox(store, status=args.status, limit=args.limit)
    if args.json:
        records: list[dict[str, Any]] = []
        for row in frame.to_dict("records"):
            row["last_error"] = outbox.error_text(row["last_error"], lang)
            attempts = store_outbox.read_attempts(store, row["id"]).to_dict("records")
            for attempt in attempts:
                attempt["error"] = outbox.error_text(attempt["error"], lang)
            row["attempt_log"] = attempts
            records.append(row)
        print_json(records, default=str)
        return EXIT_OK
    if frame.empty:
        _out(t("cli.notify.none", lang))
    for r in frame.itertuples():
        title = (r.payload or {}).get("title", "")
        status = r.status if lang == "en" else t(f"notify.status.{r.status}", lang)
        kind = r.kind if lang == "en" else t(f"cli.notify.kind.{r.kind}", lang)
        shown = outbox.error_text(r.last_error, lang)
        error = ("- " + shown) if shown and r.status != "sent" else ""
        _out(
            t(
                "cli.notify.row",
                lang,
                id=f"{r.id:>6}",
                status=pad(status, 8),
                kind=pad(kind, 11),
                channel=pad(r.channel, 12),
                tries=r.attempts,
                title=title,
                error=error,
            )
        )
    return EXIT_OK


def _counts(counts: dict[str, int], lang: str) -> str:
    """One round's counts: ``written 2, sent 2, pending 0, dead 0`` (写入 2，已发送 2 …)."""
    if lang == "en":
        return ", ".join(f"{k} {v}" for k, v in counts.items())
    return "，".join(t(f"cli.notify.count.{k}", lang, n=v) for k, v in counts.items())


def add_parsers(sub: Any) -> None:
    """Add ``gridmap notify`` to the command's subparsers."""
    p = sub.add_parser(
        "notify",
        help="notifications: send a test, run the sender, show the delivery log",
        description="Notifications over the channels of [notify.channels] in gridmap.toml. "
        "'test CHANNEL' sends a test message now; 'run --once' scans deadlines "
        "(超时预警, overdue) and the daily list and sends what is due (for cron); "
        "'run' keeps doing so; 'log' prints the outbox with its attempts.",
    )
    p.add_argument("action", choices=["test", "run", "log"])
    p.add_argument("channel", nargs="?", help="for test: the channel's name")
    p.add_argument("--once", action="store_true", help="for run: one round, then exit")
    p.add_argument(
        "--status",
        choices=["pending", "sending", "sent", "dead"],
        help="for log: only rows of this status",
    )
    p.add_argument("--limit", type=int, default=50, help="for log: at most this many rows")
    p.add_argument("--json", action="store_true", help="for log: JSON with every attempt")
    add_user_argument(p, help="who sends the test (for the log)")
    add_db_argument(p)
    p.set_defaults(func=cmd_notify)
