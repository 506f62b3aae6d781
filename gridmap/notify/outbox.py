"""The outbox: messages written with their event, sent later with retries, never lost.

Writing
    :func:`on_issue_move` (called by :mod:`gridmap.issues.service` inside the
    move's transaction), :func:`scan_deadlines` (超时预警 and overdue, one message
    per case, deadline, kind and channel), :func:`enqueue_daily` (the daily list at
    ``daily_at``) and :func:`enqueue_supervision` (a 督办单 was issued) write one
    ``outbox`` row per channel that takes the message. A settings file that cannot
    be read writes nothing and never fails the user's action.
Sending
    :func:`deliver_due` leases due rows (:func:`gridmap.store.outbox.claim`),
    sends each, and records the outcome: ``sent``; ``pending`` again after the
    backoff (``backoff_s``); or ``dead`` after ``max_attempts`` attempts. Every
    attempt is logged in ``outbox_attempts``.
Running
    :func:`tick` does one round (sender lease, scans, delivery); :class:`Sender`
    runs rounds in a background thread of the web app (started by its lifespan)
    and ``gridmap notify run`` runs them from cron. Only the holder of the sender
    lease works, so one sender runs across processes.

Delivery is **at least once**: a row is marked sent only after the receiver
accepted it. If the sender dies between the receiver's acceptance and that
mark, the row's lease runs out and it is sent again (the receiver may see it
twice); a row is never lost, and never sent by two senders at the same time.

A failed attempt keeps its reason in ``last_error`` (and the attempts log) as JSON
``{"key", "params", "text"}`` when the error has a message key, so the notification
log shows it in the reader's language (:func:`error_text`); other reasons, and rows
written before, are plain text and shown as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
from typing import TYPE_CHECKING, Any

from gridmap import i18n
from gridmap.errors import GridmapError, InputError
from gridmap.notify import channels as gm_channels
from gridmap.notify import rules
from gridmap.notify.config import NotifySettings, load_notify
from gridmap.notify.messages import compose
from gridmap.store import outbox as store_outbox

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.issues.categories import IssueConfig
    from gridmap.store import Store

__all__ = [
    "Sender",
    "deliver_due",
    "enqueue",
    "enqueue_daily",
    "enqueue_supervision",
    "error_text",
    "on_issue_move",
    "on_supervision_move",
    "scan_deadlines",
    "send_test",
    "sender_name",
    "stored_error",
    "tick",
]

log = logging.getLogger(__name__)


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)


#: Longest text kept of one parameter of a stored error (the column keeps 2000 characters).
_PARAM_CHARS = 400


def _short_param(value: object) -> object:
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)[:_PARAM_CHARS]


def stored_error(err: BaseException) -> str:
    """Return the text kept in ``last_error`` for ``err``.

    A keyed :class:`~gridmap.errors.GridmapError` is kept as JSON (key, parameters,
    English text) so it can be shown in any language; anything else as plain text.

    Examples
    --------
    >>> from gridmap.notify.channels import DeliveryError
    >>> kept = stored_error(DeliveryError.keyed("delivery.http", status=502, answer="x"))
    >>> error_text(kept, "en"), error_text(kept, "zh")
    ('HTTP 502: x', '接收方返回 HTTP 502：x')
    """
    if isinstance(err, GridmapError) and err.key:
        record: dict[str, Any] = {
            "key": err.key,
            "params": {k: _short_param(v) for k, v in err.params.items()},
            "text": str(err)[:_PARAM_CHARS],
        }
        if isinstance(err, InputError):
            record.update(file=err.file, row=err.row)
        return json.dumps(record, ensure_ascii=False)
    if isinstance(err, GridmapError):
        return str(err) or type(err).__name__
    return f"{type(err).__name__}: {err}"


def error_text(stored: str | None, lang: str = "en") -> str | None:
    """Return a stored delivery error (``last_error``) in ``lang``; plain text as it is.

    Examples
    --------
    >>> error_text("HTTP 500: boom", "zh")
    'HTTP 500: boom'
    >>> error_text(None, "zh") is None
    True
    """
    if not isinstance(stored, str) or not stored.startswith("{"):
        return stored
    try:
        record = json.loads(stored)
    except ValueError:
        return stored
    if not (isinstance(record, dict) and isinstance(record.get("key"), str)):
        return stored
    params = record.get("params")
    err = InputError(
        None,
        file=record.get("file"),
        row=record.get("row"),
        key=record["key"],
        params=params if isinstance(params, dict) else {},
    )
    return err.text(lang)


def sender_name() -> str:
    """Return this process's name in the sender lease and the attempts log: ``host:pid:thread``."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _settings(settings: NotifySettings | None) -> NotifySettings | None:
    if settings is not None:
        return settings
    try:
        return load_notify()
    except GridmapError as err:  # a broken file never fails the user's action
        log.warning("notifications not written: %s", err)
        return None


def enqueue(
    conn: Any,
    facts: dict[str, Any],
    *,
    at: dt.datetime,
    community: str | None = None,
    recipient: str | None = None,
    dedupe: str | None = None,
    settings: NotifySettings | None = None,
) -> int:
    """Write the message of ``facts`` for every channel that takes it, in ``conn``'s transaction.

    Parameters
    ----------
    conn
        The transaction of the event (:meth:`gridmap.store.Store.transaction`).
    facts
        ``kind`` and the values :func:`gridmap.notify.messages.compose` shows.
    at
        When (UTC); the rows are due from then.
    community
        The case's community code (for channels limited to communities).
    recipient
        Who it is meant for (stored with each row).
    dedupe
        A key that makes the message unique per channel (``<dedupe>:<channel>``).
    settings
        Notification settings (default read from ``gridmap.toml``).

    Returns
    -------
    int
        The number of rows written.
    """
    cfg = _settings(settings)
    if cfg is None:
        return 0
    kind = str(facts["kind"])
    wanted = rules.audiences(kind)
    written = 0
    for channel in cfg.channels:
        if not channel.wants(kind, wanted, community):
            continue
        payload = compose(facts, channel, public_url=cfg.public_url, timezone=cfg.timezone)
        key = None if dedupe is None else f"{dedupe}:{channel.name}"[:200]
        done = store_outbox.enqueue(
            conn,
            kind=kind,
            channel=channel.name,
            recipient=recipient,
            payload=payload,
            at=at,
            ref=facts.get("ref"),
            dedupe=key,
        )
        written += done is not None
    return written


def _case_facts(
    conn: Any, row: dict[str, Any], kind: str, *, at: dt.datetime, timezone: str
) -> tuple[dict[str, Any], str, str | None]:
    from zoneinfo import ZoneInfo

    attrs = row.get("attrs") or {}
    day = at.astimezone(ZoneInfo(timezone)).date()
    people, community_name = store_outbox.case_people(conn, row.get("grid_code"), day)
    workers, recipient = rules.recipients(kind, people, attrs.get("worker"))
    place = " ".join(p for p in (community_name, row.get("grid_code")) if p)
    deadline = row.get("deadline")
    facts = {
        "kind": kind,
        "code": row.get("code"),
        "category": row.get("category"),
        "place": place,
        "deadline": deadline.isoformat() if isinstance(deadline, dt.datetime) else deadline,
        "workers": [
            {"code": w.get("code"), "name": w.get("name"), "phone": w.get("phone")} for w in workers
        ],
    }
    return facts, recipient, attrs.get("community")


def on_issue_move(
    conn: Any,
    row: dict[str, Any],
    *,
    event_id: int | None,
    at: dt.datetime,
    settings: NotifySettings | None = None,
) -> int:
    """Write the messages of a status move (派遣 dispatched, 退回 returned) in its transaction.

    ``row`` is the report after the move; other moves write nothing. Returns the
    number of rows written.
    """
    kind = {"dispatched": "dispatched", "returned": "returned"}.get(str(row.get("status")))
    if kind is None:
        return 0
    cfg = _settings(settings)
    if cfg is None or not cfg.channels:
        return 0
    facts, recipient, community = _case_facts(conn, row, kind, at=at, timezone=cfg.timezone)
    facts["ref"] = f"issue_events:{event_id}"
    return enqueue(conn, facts, at=at, community=community, recipient=recipient, settings=cfg)


def scan_deadlines(
    store: Store,
    *,
    now: dt.datetime | None = None,
    settings: NotifySettings | None = None,
    config: IssueConfig | None = None,
) -> int:
    """Write 超时预警 and overdue messages that are due and not yet written; return how many.

    A running case (not closed, not suspended) with a deadline gets a warning
    once ``warn_share`` of the time from its report to its deadline has passed,
    and an overdue message once the deadline has passed; each once per case,
    deadline (a resumed case has a new one), kind and channel. A case already
    overdue when first seen gets only the overdue message.
    """
    from gridmap.issues.queries import list_issues

    cfg = _settings(settings)
    if cfg is None or not cfg.channels:
        return 0
    when = _now(now)
    frame = list_issues(store, None, now=when, config=config)
    running = frame[~frame["status"].isin(["closed", "suspended"]) & frame["deadline"].notna()]
    due: list[tuple[int, str, dt.datetime, str]] = []
    for case in running.itertuples():
        deadline = case.deadline.to_pydatetime()
        reported = case.reported_at.to_pydatetime()
        span = (deadline - reported).total_seconds()
        if when >= deadline:
            kind = "overdue"
        elif span > 0 and (when - reported).total_seconds() >= cfg.warn_share * span:
            kind = "warning"
        else:
            continue
        due.append((int(case.id), kind, deadline, f"{kind}:{int(case.id)}:{deadline.isoformat()}"))
    keys = [f"{k}:{c.name}"[:200] for *_, k in due for c in cfg.channels]
    taken = store_outbox.dedupe_taken(store, keys)
    written = 0
    for issue_id, kind, deadline, key in due:
        if all(f"{key}:{c.name}"[:200] in taken for c in cfg.channels):
            continue
        with store.transaction() as conn:
            from gridmap.store import issues as store_issues

            row = store_issues.lock_issue(conn, issue_id)
            if row is None or row.get("deadline") != deadline:
                continue
            facts, recipient, community = _case_facts(
                conn, row, kind, at=when, timezone=cfg.timezone
            )
            hours = abs((deadline - when).total_seconds()) / 3600
            facts.update(ref=f"issue_reports:{issue_id}", hours=round(hours, 1))
            written += enqueue(
                conn,
                facts,
                at=when,
                community=community,
                recipient=recipient,
                dedupe=key,
                settings=cfg,
            )
    return written


def enqueue_daily(
    store: Store,
    *,
    now: dt.datetime | None = None,
    settings: NotifySettings | None = None,
    config: IssueConfig | None = None,
) -> int:
    """Write the day's list to the street office once ``daily_at`` has passed (once a day)."""
    from zoneinfo import ZoneInfo

    from gridmap.issues.queries import list_issues

    cfg = _settings(settings)
    if cfg is None or not any(c.wants("daily", {"office"}, None) for c in cfg.channels):
        return 0
    when = _now(now)
    local = when.astimezone(ZoneInfo(cfg.timezone))
    if local.time() < cfg.daily_at:
        return 0
    key = f"daily:{local.date().isoformat()}"
    if all(
        f"{key}:{c.name}" in store_outbox.dedupe_taken(store, [f"{key}:{c.name}"])
        for c in cfg.channels
    ):
        return 0
    end = dt.datetime.combine(
        local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(cfg.timezone)
    )
    frame = list_issues(store, None, now=when, config=config)
    open_ = frame[frame["status"] != "closed"].sort_values(
        ["overdue", "deadline"], ascending=[False, True]
    )
    due = open_["deadline"].notna() & (open_["deadline"] < end) & ~open_["overdue"]
    facts = {
        "kind": "daily",
        "day": i18n.format_date(when, tz=cfg.timezone),
        "open": len(open_),
        "overdue": int(open_["overdue"].sum()),
        "due": int(due.sum()),
        "cases": [
            {
                "code": r.code,
                "category": r.category,
                "overdue": bool(r.overdue),
                "deadline": None
                if r.deadline is None or r.deadline != r.deadline
                else r.deadline.isoformat(),
            }
            for r in open_.itertuples()
        ],
        "ref": key,
    }
    with store.transaction() as conn:
        return enqueue(conn, facts, at=when, recipient="office", dedupe=key, settings=cfg)


def enqueue_supervision(
    store: Store,
    *,
    grids: list[str],
    orders: int,
    deadline: dt.date | None,
    at: dt.datetime | None = None,
    settings: NotifySettings | None = None,
) -> int:
    """Tell the street office that 督办单 were issued (orders, grids, fix-by date)."""
    if not orders:
        return 0
    cfg = _settings(settings)
    if cfg is None or not cfg.channels:
        return 0
    when = _now(at)
    facts = {
        "kind": "supervision",
        "orders": int(orders),
        "grids": [str(g) for g in grids],
        "deadline": "" if deadline is None else deadline.isoformat(),
        "ref": f"supervision:{when.isoformat()}",
    }
    with store.transaction() as conn:
        return enqueue(conn, facts, at=when, recipient="office", settings=cfg)


def on_supervision_move(
    conn: Any,
    order: dict[str, Any],
    *,
    action: str,
    at: dt.datetime,
    settings: NotifySettings | None = None,
) -> int:
    """Tell the office and the inspectors that a 督办单 moved (in the move's transaction)."""
    facts = {
        "kind": "supervision_move",
        "number": str(order.get("number") or ""),
        "grids": [str(order.get("grid") or "")],
        "state": str(order.get("state") or ""),
        "action": action,
        "deadline": str(order.get("deadline") or ""),
        "ref": f"supervision:{order.get('id')}",
    }
    return enqueue(
        conn, facts, at=at, community=order.get("community"), recipient="office",
        dedupe=f"supervision:{order.get('id')}:{order.get('version')}", settings=settings,
    )  # fmt: skip


def deliver_due(
    store: Store,
    *,
    now: dt.datetime | None = None,
    settings: NotifySettings | None = None,
    limit: int = 50,
    ids: list[int] | None = None,
) -> dict[str, int]:
    """Send the due messages once; return how many ended ``sent``, ``pending`` (retry), ``dead``.

    A message whose channel is no longer configured fails like an unreachable one.
    """
    cfg = _settings(settings) or NotifySettings()
    when = _now(now)
    me = sender_name()
    counts = {"sent": 0, "pending": 0, "dead": 0}
    for _ in range(limit):
        # one row per lease: a lease never runs out while the row waits behind others
        claimed = store_outbox.claim(
            store,
            now=when,
            lease_s=cfg.lease_s,
            limit=1,
            sender=me,
            ids=ids,
            interrupted=_INTERRUPTED,
        )
        if not claimed:
            break
        row = claimed[0]
        try:
            channel = cfg.channel(row["channel"])
            gm_channels.send(channel, dict(row["payload"] or {}))
            error = None
        except Exception as err:
            error = stored_error(err)
        done = _now(None) if now is None else when
        retry_at = None
        if error is not None and int(row["attempts"]) < cfg.max_attempts:
            retry_at = done + dt.timedelta(seconds=cfg.backoff(int(row["attempts"])))
        status = store_outbox.finish(
            store, int(row["id"]), now=done, sender=me, error=error, retry_at=retry_at
        )
        counts[status] += 1
        if error is not None:
            log.warning(
                "notification %s over %s: %s (%s)", row["id"], row["channel"], error, status
            )
    return counts


#: The reason logged for an attempt whose sender stopped before it reported.
_INTERRUPTED = stored_error(GridmapError(key="delivery.interrupted"))


def tick(
    store: Store,
    *,
    now: dt.datetime | None = None,
    settings: NotifySettings | None = None,
    owner: str | None = None,
) -> dict[str, int] | None:
    """One round of the sender: take the lease, scan deadlines and the daily list, deliver.

    Returns
    -------
    dict or None
        Counts (``written``, ``sent``, ``pending``, ``dead``), or ``None`` when
        nothing is configured or another process holds the sender lease.
    """
    cfg = _settings(settings)
    if cfg is None or not cfg.channels:
        return None
    when = _now(now)
    me = owner or sender_name()
    if not store_outbox.take_sender_lease(store, me, now=when, ttl_s=max(cfg.lease_s, 30.0)):
        return None
    written = scan_deadlines(store, now=when, settings=cfg)
    written += enqueue_daily(store, now=when, settings=cfg)
    counts = deliver_due(store, now=now, settings=cfg)
    return {"written": written, **counts}


def send_test(
    store: Store,
    name: str,
    *,
    by: User,
    now: dt.datetime | None = None,
    settings: NotifySettings | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """Send a test message over channel ``name`` now, logged like any other.

    Needs the ``edit_settings`` right.

    Returns
    -------
    dict
        ``id`` of the outbox row, ``status`` (``sent``, or ``pending``/``dead``
        when it failed) and ``error`` (why it failed, in ``lang``, or ``None``).

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` may not edit settings.
    gridmap.errors.InputError
        If there is no such channel.
    """
    from gridmap import auth

    auth.require_street(by, "edit_settings")
    cfg = _settings(settings) or NotifySettings()
    channel = cfg.channel(name)
    when = _now(now)
    payload = compose(
        {"kind": "test", "channel": channel.name},
        channel,
        public_url=cfg.public_url,
        timezone=cfg.timezone,
    )
    with store.transaction() as conn:
        row_id = store_outbox.enqueue(
            conn,
            kind="test",
            channel=channel.name,
            recipient=f"test:{by.username}",
            payload=payload,
            at=when,
            ref=f"test:{by.username}",
        )
    assert row_id is not None
    deliver_due(store, now=now, settings=cfg, ids=[row_id])
    row = store_outbox.read_outbox(store, ids=[row_id]).iloc[0]
    return {
        "id": row_id,
        "status": row["status"],
        "error": None if row["status"] == "sent" else error_text(row["last_error"], lang),
    }


class Sender:
    """The background sender of a web app process: :func:`tick` every ``interval_s`` seconds.

    It never runs on a user's request; a round that fails is logged and the next
    one runs as usual. :meth:`stop` ends it and gives the sender lease up.
    """

    def __init__(self, store_factory: Any, *, interval_s: float | None = None):
        self._store_factory = store_factory
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.owner = sender_name()

    def start(self) -> None:
        """Start the thread (a daemon: it never keeps the process alive)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="gridmap-notify", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            interval = self._interval or 15.0
            try:
                cfg = load_notify()
                interval = self._interval or cfg.interval_s
                tick(self._store_factory(), settings=cfg, owner=self.owner)
            except Exception:
                log.exception("notification round failed")
            self._stop.wait(interval)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and release the sender lease."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            store_outbox.release_sender_lease(self._store_factory(), self.owner)
        except Exception:
            log.debug("sender lease not released", exc_info=True)
