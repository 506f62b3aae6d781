r"""Delivery of one message over one channel, in each receiver's documented format.

=============  ==================================================================
``wecom``      企业微信 group robot: ``POST <url>`` (``.../webhook/send?key=KEY``),
               ``{"msgtype": "text", "text": {"content": ..., "mentioned_mobile_list":
               [...]}}`` or ``{"msgtype": "markdown", "markdown": {"content": ...}}``;
               the answer ``{"errcode": 0, ...}`` means delivered.
``dingtalk``   钉钉 custom robot: ``POST <url>&timestamp=T&sign=S`` where T is the time
               in milliseconds and S = urlencode(base64(HMAC-SHA256(key=secret,
               msg="T\\nsecret"))); body ``{"msgtype": "text", "text": {"content": ...},
               "at": {"atMobiles": [...], "isAtAll": false}}`` (or ``markdown`` with
               ``title`` and ``text``); ``{"errcode": 0}`` means delivered.
``feishu``     飞书 custom bot: ``POST <url>`` with ``{"msg_type": "text", "content":
               {"text": ...}}``, plus ``"timestamp"`` (seconds, text) and ``"sign"`` =
               base64(HMAC-SHA256(key="T\\nsecret", msg=b"")) when a secret is set;
               ``{"code": 0}`` (or the older ``{"StatusCode": 0}``) means delivered.
``webhook``    generic JSON: ``POST <url>`` with the message as JSON (``kind, title,
               text, link, ref, sent_at``) and the header ``X-Gridmap-Signature:
               sha256=<hex HMAC-SHA256(key=secret, msg=body)>`` plus
               ``X-Gridmap-Timestamp``; any 2xx answer means delivered.
``smtp``       email through :mod:`smtplib` (SSL, STARTTLS or plain), UTF-8 text.
=============  ==================================================================

:func:`send` raises :class:`DeliveryError` with a short reason when a message was
not accepted; the caller retries later. Nothing here touches the store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from gridmap.errors import GridmapError
from gridmap.notify.config import Channel

__all__ = [
    "DeliveryError",
    "HttpRequest",
    "build_email",
    "build_request",
    "dingtalk_sign",
    "feishu_sign",
    "send",
    "webhook_signature",
]

_MAX_ANSWER = 64 * 1024


class DeliveryError(GridmapError):
    """A message was not accepted by its channel (the reason is the text)."""


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP POST: address, headers and JSON body (bytes)."""

    url: str
    headers: dict[str, str]
    body: bytes


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    r"""Return 钉钉's signature: base64(HMAC-SHA256(key=secret, msg="timestamp\nsecret")).

    Not yet urlencoded (the caller does that for the query).
    """
    text = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    r"""Return 飞书's signature: base64(HMAC-SHA256(key="timestamp\nsecret", msg=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def webhook_signature(secret: str, body: bytes) -> str:
    """Return the generic webhook's ``X-Gridmap-Signature``: ``sha256=`` + hex HMAC of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _text(message: dict[str, Any]) -> str:
    text = str(message.get("text") or "")
    link = message.get("link")
    return f"{text}\n{link}" if link and link not in text else text


def build_request(
    channel: Channel, message: dict[str, Any], *, now: float | None = None
) -> HttpRequest:
    """Build the HTTP request that delivers ``message`` over a webhook channel.

    Parameters
    ----------
    channel
        A channel of type ``wecom``, ``dingtalk``, ``feishu`` or ``webhook``.
    message
        The stored payload: ``title``, ``text``, ``markdown``, ``link``,
        ``mobiles`` (numbers to @-mention), ``kind``, ``ref``.
    now
        Unix time of the signature (default now).

    Returns
    -------
    HttpRequest
        The address (with 钉钉's ``timestamp`` and ``sign``), headers and body.
    """
    clock = time.time() if now is None else now
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "gridmap"}
    mobiles = [str(m) for m in message.get("mobiles") or [] if m]
    url = channel.url
    if channel.type == "wecom":
        if channel.markdown and message.get("markdown"):
            body: dict[str, Any] = {
                "msgtype": "markdown",
                "markdown": {"content": message["markdown"]},
            }
        else:
            body = {"msgtype": "text", "text": {"content": _text(message)}}
            if mobiles:
                body["text"]["mentioned_mobile_list"] = mobiles
    elif channel.type == "dingtalk":
        if channel.markdown and message.get("markdown"):
            body = {
                "msgtype": "markdown",
                "markdown": {
                    "title": message.get("title") or "gridmap",
                    "text": message["markdown"],
                },
            }
        else:
            body = {"msgtype": "text", "text": {"content": _text(message)}}
        body["at"] = {"atMobiles": mobiles, "isAtAll": False}
        if channel.secret:
            stamp = int(clock * 1000)
            sign = urllib.parse.quote_plus(dingtalk_sign(channel.secret, stamp))
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={sign}"
    elif channel.type == "feishu":
        body = {"msg_type": "text", "content": {"text": _text(message)}}
        if channel.secret:
            stamp = int(clock)
            body = {"timestamp": str(stamp), "sign": feishu_sign(channel.secret, stamp), **body}
    elif channel.type == "webhook":
        body = {
            "kind": message.get("kind"),
            "title": message.get("title"),
            "text": message.get("text"),
            "link": message.get("link"),
            "ref": message.get("ref"),
            "case": message.get("case"),
            "sent_at": int(clock),
        }
        data = _json(body)
        headers["X-Gridmap-Timestamp"] = str(int(clock))
        if channel.secret:
            headers["X-Gridmap-Signature"] = webhook_signature(channel.secret, data)
        return HttpRequest(url, headers, data)
    else:
        raise DeliveryError.keyed("delivery.not_webhook", name=channel.name, type=channel.type)
    return HttpRequest(url, headers, _json(body))


def _accepted(channel: Channel, status: int, answer: bytes) -> None:
    """Raise DeliveryError unless the receiver's answer means delivered."""
    if not 200 <= status < 300:
        shown = answer[:200].decode("utf-8", "replace")
        raise DeliveryError.keyed("delivery.http", status=status, answer=shown)
    if channel.type == "webhook":
        return
    try:
        data = json.loads(answer.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise DeliveryError.keyed("delivery.not_json", answer=answer[:100]) from None
    if not isinstance(data, dict):
        data = {}
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
    if code not in (0, "0", None):
        text = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
        raise DeliveryError.keyed("delivery.refused", detail=f"{code} {text}".strip())


def _post(channel: Channel, request: HttpRequest) -> None:
    req = urllib.request.Request(
        request.url, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=channel.timeout_s) as answer:
            _accepted(channel, answer.status, answer.read(_MAX_ANSWER))
    except urllib.error.HTTPError as err:
        body = err.read(_MAX_ANSWER) if err.fp is not None else b""
        _accepted(channel, err.code, body)
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", None) or err
        raise DeliveryError.keyed("delivery.unreachable", reason=reason) from None


def build_email(channel: Channel, message: dict[str, Any]) -> EmailMessage:
    """Build the email of ``message`` for an ``smtp`` channel (UTF-8 text)."""
    mail = EmailMessage()
    mail["Subject"] = str(message.get("title") or "gridmap")
    mail["From"] = channel.sender or channel.user or "gridmap@localhost"
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="gridmap")
    mail.set_content(_text(message))
    return mail


def _mail(channel: Channel, message: dict[str, Any]) -> None:
    if not channel.to:
        raise DeliveryError.keyed("delivery.no_to", name=channel.name)
    mail = build_email(channel, message)
    try:
        if channel.security == "ssl":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                channel.host, channel.port, timeout=channel.timeout_s, context=context
            )
        else:
            client = smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout_s)
        with client:
            if channel.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if channel.user and channel.password:
                client.login(channel.user, channel.password)
            client.send_message(mail)
    except (smtplib.SMTPException, OSError, TimeoutError) as err:
        raise DeliveryError.keyed("delivery.smtp", reason=err) from None


def send(channel: Channel, message: dict[str, Any]) -> None:
    """Deliver ``message`` over ``channel`` now.

    Raises
    ------
    DeliveryError
        If the receiver could not be reached or did not accept the message.
    """
    if channel.type == "smtp":
        _mail(channel, message)
    else:
        _post(channel, build_request(channel, message))
