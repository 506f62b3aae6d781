"""Notifications: 企业微信, 钉钉, 飞书, email and webhook messages about cases, via an outbox.

``config``    the ``[notify]`` table of gridmap.toml and its channels
``channels``  one message over one channel, in the receiver's documented format
``messages``  the short texts (Chinese or English), masked per receiver
``rules``     who gets what
``outbox``    writing with the event, sending with retries and dead-letter, the sender
``cli``       ``gridmap notify test|run|log``

Nothing here imports Streamlit; the SQL is in :mod:`gridmap.store.outbox`.
"""

from __future__ import annotations

from gridmap._lazy import lazy_exports

# Everything loads on first use: ``gridmap notify --help`` needs none of it.
__getattr__, __dir__ = lazy_exports(
    __name__,
    modules=("channels", "config", "messages", "outbox", "rules"),
    names={
        "config": ("Channel", "NotifySettings", "load_notify"),
        "outbox": (
            "Sender",
            "deliver_due",
            "enqueue_daily",
            "enqueue_supervision",
            "on_issue_move",
            "scan_deadlines",
            "send_test",
            "tick",
        ),
    },
)

__all__ = [
    "Channel",
    "NotifySettings",
    "Sender",
    "deliver_due",
    "enqueue_daily",
    "enqueue_supervision",
    "load_notify",
    "on_issue_move",
    "scan_deadlines",
    "send_test",
    "tick",
]
