"""Notification settings: the ``[notify]`` table of ``gridmap.toml`` and its channels.

::

    [notify]
    public_url = "https://grid.example.gov.cn"   # links: <public_url>/issues?code=AJ...
    warn_share = 0.8         # 超时预警 when this share of the time limit has passed
    daily_at = "08:30"       # local time of the daily list to the street office
    max_attempts = 5         # then the message is dead (dead-letter)
    backoff_s = [60, 300, 1800, 7200]   # wait before the 2nd, 3rd ... attempt
    timezone = "Asia/Shanghai"

    [notify.channels.office]
    type = "wecom"           # wecom | dingtalk | feishu | smtp | webhook
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."
    audience = ["office", "inspectors"]   # workers, grid_heads, inspectors, office
    events = []              # empty: every kind (dispatched, returned, warning, overdue,
                             # daily, supervision, supervision_move)
    communities = []         # empty: every community
    role = "viewer"          # the receiver's role: phones are masked below "inspector"

    [notify.channels.mail]
    type = "smtp"
    host = "smtp.example.gov.cn"; port = 465; security = "ssl"   # ssl | starttls | none
    user = "grid@example.gov.cn"; password_env = "GRIDMAP_SMTP_PASSWORD"
    sender = "grid@example.gov.cn"; to = ["office@example.gov.cn"]

A secret (``secret``, ``password``) may be given in the file or, better, by the
name of an environment variable (``secret_env``, ``password_env``). Secrets are
never shown back (:meth:`Channel.public`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gridmap import config as gm_config
from gridmap.errors import InputError

__all__ = [
    "AUDIENCES",
    "CHANNEL_TYPES",
    "EVENT_KINDS",
    "Channel",
    "NotifySettings",
    "channel_from_dict",
    "load_notify",
    "remove_channel",
    "save_channel",
    "save_notify",
]

CHANNEL_TYPES = ("wecom", "dingtalk", "feishu", "smtp", "webhook")
AUDIENCES = ("workers", "grid_heads", "inspectors", "office")
EVENT_KINDS = (
    "dispatched", "returned", "warning", "overdue", "daily", "supervision", "supervision_move",
)  # fmt: skip
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SECRET_KEYS = ("secret", "password")
_ROLES = ("viewer", "inspector", "planner", "admin")


@dataclass(frozen=True)
class Channel:
    """One configured channel: where and how messages go, and which ones."""

    name: str
    type: str
    url: str = ""
    secret: str = ""
    audience: tuple[str, ...] = AUDIENCES
    events: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    role: str = "viewer"
    lang: str = "zh"
    markdown: bool = False
    timeout_s: float = 10.0
    host: str = ""
    port: int = 0
    security: str = "starttls"
    user: str = ""
    password: str = ""
    sender: str = ""
    to: tuple[str, ...] = ()

    def wants(self, kind: str, audiences: set[str], community: str | None) -> bool:
        """Whether this channel takes a message of ``kind`` for ``audiences`` in ``community``."""
        if kind == "test":
            return True
        if self.events and kind not in self.events:
            return False
        if not audiences & set(self.audience):
            return False
        return not (
            self.communities and community is not None and community not in self.communities
        )

    def public(self) -> dict[str, Any]:
        """Return the channel's settings without secrets (the URL's query and tokens hidden)."""
        return {
            "name": self.name,
            "type": self.type,
            "url": redact_url(self.url),
            "secret": bool(self.secret or self.password),
            "audience": list(self.audience),
            "events": list(self.events),
            "communities": list(self.communities),
            "role": self.role,
            "host": self.host,
            "to": list(self.to),
        }


def redact_url(url: str) -> str:
    """``url`` with its query and the last path segment hidden (they carry the robot's key)."""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path
    if path.count("/") > 1 and "hook" in path:
        path = path.rsplit("/", 1)[0] + "/***"
    return urlunsplit((parts.scheme, parts.netloc, path, "***" if parts.query else "", ""))


@dataclass(frozen=True)
class NotifySettings:
    """The ``[notify]`` table: channels and the timing of warnings, lists and retries."""

    channels: tuple[Channel, ...] = ()
    public_url: str = ""
    warn_share: float = 0.8
    daily_at: dt.time = dt.time(8, 30)
    max_attempts: int = 5
    backoff_s: tuple[float, ...] = (60.0, 300.0, 1800.0, 7200.0, 21600.0)
    timezone: str = "Asia/Shanghai"
    lease_s: float = 120.0
    interval_s: float = 15.0
    extra: dict[str, Any] = field(default_factory=dict)

    def channel(self, name: str) -> Channel:
        """Return the channel called ``name``."""
        for c in self.channels:
            if c.name == name:
                return c
        known = [c.name for c in self.channels]
        raise InputError.keyed("channels.no_such", name=name, known=known)

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt."""
        steps = self.backoff_s or (60.0,)
        return float(steps[min(max(attempts, 1), len(steps)) - 1])


def _strings(value: Any, what: str, *, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError.keyed("channels.text_list", what=what)
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            raise InputError.keyed(
                "channels.unknown_items", what=what, bad=bad, allowed=list(allowed)
            )
    return tuple(value)


def _secret(data: dict[str, Any], key: str) -> str:
    env = data.get(f"{key}_env")
    if env:
        return os.environ.get(str(env), "")
    return str(data.get(key) or "")


def channel_from_dict(name: str, data: dict[str, Any]) -> Channel:
    """Build and check a :class:`Channel` from its TOML table.

    Raises
    ------
    gridmap.errors.InputError
        For a bad name, an unknown type, audience, event or role, or a missing URL or host.
    """
    where = f"[notify.channels.{name}]"
    if not _NAME.match(name):
        raise InputError.keyed("channels.bad_name", where=where)
    kind = str(data.get("type", ""))
    if kind not in CHANNEL_TYPES:
        raise InputError.keyed(
            "channels.bad_type", where=where, types=list(CHANNEL_TYPES), kind=kind
        )
    url = str(data.get("url") or "")
    if kind != "smtp" and not url.startswith(("http://", "https://")):
        raise InputError.keyed("channels.needs_url", where=where)
    if kind == "smtp" and not data.get("host"):
        raise InputError.keyed("channels.needs_host", where=where)
    role = str(data.get("role", "viewer"))
    if role not in _ROLES:
        raise InputError.keyed("channels.bad_role", where=where, roles=list(_ROLES))
    security = str(data.get("security", "starttls"))
    if security not in ("ssl", "starttls", "none"):
        raise InputError.keyed("channels.bad_security", where=where)
    try:
        port = int(data.get("port") or {"ssl": 465, "starttls": 587}.get(security, 25))
        timeout = float(data.get("timeout_s", 10.0))
    except (TypeError, ValueError):
        raise InputError.keyed("channels.numbers", where=where) from None
    audience = _strings(data.get("audience"), f"{where} audience", allowed=AUDIENCES)
    return Channel(
        name=name,
        type=kind,
        url=url,
        secret=_secret(data, "secret"),
        audience=audience or AUDIENCES,
        events=_strings(data.get("events"), f"{where} events", allowed=(*EVENT_KINDS, "test")),
        communities=_strings(data.get("communities"), f"{where} communities"),
        role=role,
        lang="en" if str(data.get("lang", "zh")).startswith("en") else "zh",
        markdown=bool(data.get("markdown", False)),
        timeout_s=timeout,
        host=str(data.get("host") or ""),
        port=port,
        security=security,
        user=str(data.get("user") or ""),
        password=_secret(data, "password"),
        sender=str(data.get("sender") or data.get("user") or ""),
        to=_strings(data.get("to"), f"{where} to"),
    )


def _time(text: Any) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise InputError.keyed("channels.daily_at", value=text) from None


def load_notify(path: Path | None = None) -> NotifySettings:
    """Read ``[notify]`` and its channels from the settings file (``gridmap.toml``).

    Raises
    ------
    gridmap.errors.InputError
        For a broken file or a bad value, naming the table.
    """
    path = gm_config.config_path() if path is None else Path(path)
    data = dict(gm_config.read_toml(path).get("notify", {}))
    tables = data.pop("channels", {}) or {}
    channels = tuple(channel_from_dict(str(n), dict(t)) for n, t in tables.items())
    try:
        share = float(data.get("warn_share", 0.8))
        attempts = int(data.get("max_attempts", 5))
        backoff = tuple(float(s) for s in data.get("backoff_s", NotifySettings.backoff_s))
        lease = float(data.get("lease_s", 120.0))
        interval = float(data.get("interval_s", 15.0))
    except (TypeError, ValueError):
        raise InputError.keyed("channels.notify_numbers", file=str(path)) from None
    if not 0 < share < 1:
        raise InputError.keyed("channels.warn_share", file=str(path), value=share)
    if attempts < 1:
        raise InputError.keyed("channels.max_attempts", file=str(path))
    return NotifySettings(
        channels=channels,
        public_url=str(data.get("public_url") or "").rstrip("/"),
        warn_share=share,
        daily_at=_time(data.get("daily_at", "08:30")),
        max_attempts=attempts,
        backoff_s=backoff,
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        lease_s=lease,
        interval_s=interval,
    )


def save_notify(values: dict[str, Any], *, by: Any, path: Path | None = None) -> Path:
    """Write the general ``[notify]`` values (not the channels); needs ``edit_settings``."""
    from gridmap import auth

    auth.require_street(by, "edit_settings")
    path = gm_config.config_path() if path is None else Path(path)
    current = dict(gm_config.read_toml(path).get("notify", {}))
    current.update({k: v for k, v in values.items() if k != "channels"})
    current.setdefault("channels", {})
    if not current["channels"]:
        current.pop("channels")
    probe = gm_config.read_toml(path)
    probe["notify"] = current
    _check_document(probe)
    return gm_config.write_table(("notify",), current, path=path)


def _check_document(document: dict[str, Any]) -> None:
    import tempfile

    import tomli_w

    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.toml"
        probe.write_text(tomli_w.dumps(document), encoding="utf-8")
        load_notify(probe)


def save_channel(name: str, values: dict[str, Any], *, by: Any, path: Path | None = None) -> Path:
    """Add or replace channel ``name``; an empty secret or password keeps the stored one.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` may not edit settings.
    gridmap.errors.InputError
        If the channel's values are not valid (nothing is written then).
    """
    from gridmap import auth

    auth.require_street(by, "edit_settings")
    path = gm_config.config_path() if path is None else Path(path)
    old = dict(gm_config.read_toml(path).get("notify", {}).get("channels", {}).get(name, {}))
    table = {k: v for k, v in values.items() if v not in (None, "", [], ())}
    for key in _SECRET_KEYS:
        if not values.get(key) and old.get(key):
            table[key] = old[key]
    channel_from_dict(name, table)
    return gm_config.write_table(("notify", "channels", name), table, path=path)


def remove_channel(name: str, *, by: Any, path: Path | None = None) -> Path:
    """Remove channel ``name`` from the settings file."""
    from gridmap import auth

    auth.require_street(by, "edit_settings")
    return gm_config.write_table(("notify", "channels", name), {}, path=path)
