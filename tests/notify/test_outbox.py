"""The outbox on the demo street: written with the event, sent with retries, dead-letter,
deadline warnings with a frozen clock, masking per receiver, at-least-once after a kill."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gridmap import issues, notify
from gridmap.auth import User
from gridmap.errors import ConflictError, PermissionDenied
from gridmap.model import UserRole
from gridmap.notify import outbox
from gridmap.store import outbox as store_outbox

ADMIN = User("admin", UserRole.ADMIN)
AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
DEADLINE = dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC)  # 4 working hours later
H = dt.timedelta(hours=1)


def configure(tmp_path: Path, receiver, extra: str = "", **general) -> None:
    lines = ["[notify]", 'public_url = "http://grid.local"']
    lines += [
        f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in general.items()
    ]
    lines += [
        "",
        "[notify.channels.hook]",
        'type = "webhook"',
        f'url = "{receiver.url}/in"',
        'secret = "k"',
        "",
        extra,
    ]
    (tmp_path / "gridmap.toml").write_text("\n".join(lines), encoding="utf-8")


def new_case(store, index: int = 5):
    grids = store.read_layer("grids")
    row = grids.iloc[index]
    point = row.geometry.representative_point()
    result = issues.report_issue(
        store, ADMIN, category="市容环境", subcategory="暴露垃圾", lon=point.x, lat=point.y, at=AT
    )
    return result


def dispatch(store, result, at=AT):
    v = issues.move_issue(store, ADMIN, result.id, "registered", version=1, at=at)
    return issues.move_issue(store, ADMIN, result.id, "dispatched", version=v, at=at)


def rows(store, **kw):
    return store_outbox.read_outbox(store, **kw)


def test_dispatch_writes_the_message_with_the_move(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver)
    case = new_case(demo_store)
    issues.move_issue(demo_store, ADMIN, case.id, "registered", version=1, at=AT)
    assert rows(demo_store).empty  # registering tells no one
    with pytest.raises(ConflictError):  # a refused move writes no message
        issues.move_issue(demo_store, ADMIN, case.id, "dispatched", version=1, at=AT)
    assert rows(demo_store).empty
    issues.move_issue(demo_store, ADMIN, case.id, "dispatched", version=2, at=AT)
    (row,) = rows(demo_store).to_dict("records")
    assert (row["kind"], row["channel"], row["status"]) == ("dispatched", "hook", "pending")
    head = case.workers[0]
    assert f"worker:{head['code']}" in row["recipient"]
    assert row["payload"]["case"] == case.code
    assert row["ref"].startswith("issue_events:")
    counts = outbox.deliver_due(demo_store, now=AT)
    assert counts == {"sent": 1, "pending": 0, "dead": 0}
    (got,) = receiver.requests
    assert got.json["case"] == case.code and "暴露垃圾" not in got.json["text"]
    assert "市容环境" in got.json["text"] and "2026-11-02 15:30" in got.json["text"]
    sent = rows(demo_store).iloc[0]
    assert sent["status"] == "sent" and sent["attempts"] == 1
    attempts = store_outbox.read_attempts(demo_store, int(sent["id"]))
    assert attempts["ok"].tolist() == [True]
    assert outbox.deliver_due(demo_store, now=AT + H) == {"sent": 0, "pending": 0, "dead": 0}


def test_a_bad_channel_setting_never_blocks_a_move(demo_store, tmp_path):
    (tmp_path / "gridmap.toml").write_text(
        '[notify.channels.x]\ntype = "sms"\nurl = "http://127.0.0.1:9/"\n', encoding="utf-8"
    )
    case = new_case(demo_store)
    assert dispatch(demo_store, case) == 3
    assert rows(demo_store).empty


def test_failing_receiver_ends_in_dead_letter_with_attempts_logged(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver, max_attempts=3, backoff_s=[60, 300])
    dispatch(demo_store, new_case(demo_store))
    receiver.fail_next = 100
    now = AT
    assert outbox.deliver_due(demo_store, now=now)["pending"] == 1
    row = rows(demo_store).iloc[0]
    assert row["next_at"] == now + dt.timedelta(seconds=60)
    # not due before its backoff
    assert outbox.deliver_due(demo_store, now=now + dt.timedelta(seconds=59))["pending"] == 0
    assert outbox.deliver_due(demo_store, now=now + dt.timedelta(seconds=60))["pending"] == 1
    row = rows(demo_store).iloc[0]
    assert row["next_at"] == now + dt.timedelta(seconds=60 + 300)
    assert outbox.deliver_due(demo_store, now=now + H)["dead"] == 1
    row = rows(demo_store).iloc[0]
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert "HTTP 500" in row["last_error"]
    attempts = store_outbox.read_attempts(demo_store, int(row["id"]))
    assert attempts["ok"].tolist() == [False, False, False]
    assert len(receiver.requests) == 3
    assert outbox.deliver_due(demo_store, now=now + 10 * H)["dead"] == 0  # dead stays dead
    assert store_outbox.requeue(demo_store, int(row["id"]), now=now + 10 * H)
    receiver.fail_next = 0
    assert outbox.deliver_due(demo_store, now=now + 10 * H)["sent"] == 1


def case_rows(store, case):
    frame = rows(store, limit=10000)
    return frame[frame["ref"] == f"issue_reports:{case.id}"].sort_values("id")


def scan(store, case, now):
    """Scan at ``now``; return the kinds of the new rows about ``case``."""
    before = set(case_rows(store, case)["id"])
    outbox.scan_deadlines(store, now=now)
    after = case_rows(store, case)
    return after[~after["id"].isin(before)]["kind"].tolist()


def test_warning_fires_at_the_configured_share_with_a_frozen_clock(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver, warn_share=0.5)
    case = new_case(demo_store)
    assert case.deadline == DEADLINE  # span 5.5 h: the warning is due 2.75 h after the report
    assert scan(demo_store, case, AT + dt.timedelta(hours=2.74)) == []
    at_share = AT + dt.timedelta(hours=2.75)
    assert scan(demo_store, case, at_share) == ["warning"]
    assert scan(demo_store, case, at_share + H) == []  # once per case
    row = case_rows(demo_store, case).iloc[0]
    assert row["dedupe"].startswith(f"warning:{case.id}:")
    assert "剩余约 2.8 小时" in row["payload"]["text"]
    assert scan(demo_store, case, DEADLINE - dt.timedelta(seconds=1)) == []
    assert scan(demo_store, case, DEADLINE) == ["overdue"]
    assert scan(demo_store, case, DEADLINE + 3 * H) == []
    overdue = case_rows(demo_store, case).iloc[-1]
    assert "inspectors" in overdue["recipient"] and "grid_head:" in overdue["recipient"]


def test_warning_share_other_value(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver, warn_share=0.8)
    case = new_case(demo_store)
    assert scan(demo_store, case, AT + dt.timedelta(hours=4.39)) == []
    assert scan(demo_store, case, AT + dt.timedelta(hours=4.4)) == ["warning"]


def test_closed_and_suspended_cases_are_not_warned(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver)
    case = new_case(demo_store)
    v = issues.move_issue(demo_store, ADMIN, case.id, "registered", version=1, at=AT)
    issues.move_issue(demo_store, ADMIN, case.id, "suspended", version=v, at=AT, note="待协调")
    assert scan(demo_store, case, DEADLINE + H) == []


def test_phones_and_names_follow_the_receivers_role(demo_store, tmp_path, receiver):
    extra = "\n".join(
        [
            "[notify.channels.office]",
            'type = "webhook"',
            f'url = "{receiver.url}/office"',
            'role = "inspector"',
        ]
    )
    configure(tmp_path, receiver, extra=extra)
    case = new_case(demo_store)
    dispatch(demo_store, case)
    head = case.workers[0]
    by_channel = {r["channel"]: r["payload"]["text"] for r in rows(demo_store).to_dict("records")}
    assert head["phone"] and head["name"]
    assert head["phone"] in by_channel["office"] and head["name"] in by_channel["office"]
    assert head["phone"] not in by_channel["hook"] and head["name"] not in by_channel["hook"]
    assert head["name"][0] + "*" in by_channel["hook"]


def test_channel_filters_by_event_and_audience(demo_store, tmp_path, receiver):
    extra = "\n".join(
        [
            "[notify.channels.office]",
            'type = "webhook"',
            f'url = "{receiver.url}/office"',
            'audience = ["office"]',
            "[notify.channels.overdue_only]",
            'type = "webhook"',
            f'url = "{receiver.url}/o"',
            'events = ["overdue"]',
        ]
    )
    configure(tmp_path, receiver, extra=extra)
    dispatch(demo_store, new_case(demo_store))
    assert rows(demo_store)["channel"].tolist() == ["hook"]


def test_daily_list_at_the_configured_time(demo_store, tmp_path, receiver):
    extra = "\n".join(
        [
            "[notify.channels.office]",
            'type = "webhook"',
            f'url = "{receiver.url}/office"',
            'audience = ["office"]',
        ]
    )
    configure(tmp_path, receiver, extra=extra, daily_at="10:30")
    new_case(demo_store)
    assert outbox.enqueue_daily(demo_store, now=AT + dt.timedelta(minutes=29)) == 0
    # "hook" takes every audience (the default), "office" only the office
    assert outbox.enqueue_daily(demo_store, now=AT + dt.timedelta(minutes=30)) == 2
    assert outbox.enqueue_daily(demo_store, now=AT + 2 * H) == 0  # once a day
    written = rows(demo_store).to_dict("records")
    assert sorted(r["channel"] for r in written) == ["hook", "office"]
    assert {r["kind"] for r in written} == {"daily"}
    assert "2026-11-02 在办" in written[0]["payload"]["text"]
    assert outbox.enqueue_daily(demo_store, now=AT + 24 * H + H) == 2  # the next day


def test_send_test_from_settings_needs_an_admin(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver)
    with pytest.raises(PermissionDenied):
        outbox.send_test(demo_store, "hook", by=User("v", UserRole.VIEWER))
    result = notify.send_test(demo_store, "hook", by=ADMIN)
    assert result["status"] == "sent" and result["error"] is None
    assert receiver.requests[0].json["kind"] == "test"
    receiver.fail_next = 1
    failed = notify.send_test(demo_store, "hook", by=ADMIN)
    assert failed["status"] == "pending" and "HTTP 500" in failed["error"]


def test_one_sender_lease_across_processes(demo_store):
    assert store_outbox.take_sender_lease(demo_store, "a", now=AT, ttl_s=60)
    assert not store_outbox.take_sender_lease(
        demo_store, "b", now=AT + dt.timedelta(seconds=30), ttl_s=60
    )
    assert store_outbox.take_sender_lease(
        demo_store, "a", now=AT + dt.timedelta(seconds=30), ttl_s=60
    )
    assert store_outbox.take_sender_lease(
        demo_store, "b", now=AT + dt.timedelta(seconds=91), ttl_s=60
    )
    store_outbox.release_sender_lease(demo_store, "b")
    assert store_outbox.take_sender_lease(demo_store, "c", now=AT, ttl_s=60)


def test_two_claims_never_take_the_same_row(demo_store, tmp_path, receiver):
    configure(tmp_path, receiver)
    dispatch(demo_store, new_case(demo_store))
    first = store_outbox.claim(demo_store, now=AT, lease_s=60, limit=10, sender="a")
    second = store_outbox.claim(demo_store, now=AT, lease_s=60, limit=10, sender="b")
    assert len(first) == 1 and second == []
    later = store_outbox.claim(
        demo_store, now=AT + dt.timedelta(seconds=61), lease_s=60, limit=10, sender="b"
    )
    assert [r["id"] for r in later] == [first[0]["id"]] and later[0]["attempts"] == 2


def test_killed_sender_loses_nothing_at_least_once(demo_db, demo_store, tmp_path, receiver):
    """SIGKILL while the receiver holds the request: the row is sent again later.

    Delivery is at least once: the receiver got the message before the kill and
    gets it again after the lease ran out; it is never lost and ends ``sent``.
    """
    configure(tmp_path, receiver, lease_s=60)
    dispatch(demo_store, new_case(demo_store))
    receiver.hold = threading.Event()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridmap", "notify", "run", "--once", "--db", demo_db],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert receiver.got.wait(60), "the sender never reached the receiver"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    receiver.hold.set()
    sending = rows(demo_store, status="sending")
    assert len(sending) == 1  # leased by the dead sender; the rest still pending
    row_id = int(sending["id"].iloc[0])
    assert int(sending["attempts"].iloc[0]) == 1
    first = receiver.requests[0].json
    now = dt.datetime.now(dt.UTC)
    outbox.deliver_due(demo_store, now=now)
    assert rows(demo_store, ids=[row_id]).iloc[0]["status"] == "sending"  # its lease still runs
    outbox.deliver_due(demo_store, now=now + dt.timedelta(seconds=61), limit=1000)
    row = rows(demo_store, ids=[row_id]).iloc[0]
    assert (row["status"], row["attempts"]) == ("sent", 2)
    attempts = store_outbox.read_attempts(demo_store, row_id)
    assert attempts["ok"].tolist() == [False, True]
    assert "interrupted" in attempts["error"].iloc[0]
    same = [
        r
        for r in receiver.requests
        if (r.json["ref"], r.json["kind"]) == (first["ref"], first["kind"])
    ]
    assert len(same) == 2  # at least once: the receiver saw it twice, and no more
    assert rows(demo_store, status="pending").empty and rows(demo_store, status="sending").empty


def test_the_web_apps_lifespan_runs_the_sender(demo_store, tmp_path, receiver):
    """The app's lifespan starts the background sender; a pending message goes out by itself."""
    import asyncio

    from gridmap.web import app as web_app

    configure(tmp_path, receiver, interval_s=0.2)
    case = new_case(demo_store)
    dispatch(demo_store, case, at=dt.datetime.now(dt.UTC))

    async def serve() -> bool:
        async with web_app.lifespan(None):
            return await asyncio.to_thread(receiver.got.wait, 60)

    assert asyncio.run(serve()), "the sender thread never delivered"
    assert any(r.json.get("case") == case.code for r in receiver.requests)
    # stopping gave the sender lease up: another process may take it at once
    assert store_outbox.take_sender_lease(demo_store, "other", now=dt.datetime.now(dt.UTC),
                                          ttl_s=60)


def test_a_delivery_error_is_kept_by_key_and_read_in_both_languages(demo_store, tmp_path, receiver):
    """Issue #17: last_error keeps the key (JSON); rows written before stay plain text."""
    import json

    from gridmap.notify.channels import DeliveryError

    configure(tmp_path, receiver)
    receiver.fail_next = 1
    failed = notify.send_test(demo_store, "hook", by=ADMIN, lang="zh")
    assert failed["error"].startswith("接收方返回 HTTP 500：")
    kept = rows(demo_store)["last_error"].iloc[0]
    assert json.loads(kept)["key"] == "delivery.http"
    assert outbox.error_text(kept, "en").startswith("HTTP 500: ")
    assert outbox.error_text("HTTP 500: old row", "zh") == "HTTP 500: old row"  # plain: as is
    assert outbox.error_text('{"not": "ours"}', "zh") == '{"not": "ours"}'
    assert outbox.error_text("{broken", "zh") == "{broken"
    assert outbox.stored_error(ValueError("x")) == "ValueError: x"
    long = outbox.stored_error(DeliveryError.keyed("delivery.http", status=500, answer="x" * 5000))
    assert len(long) < 2000 and outbox.error_text(long, "zh").startswith("接收方返回 HTTP 500")
