"""Each channel's payload as a real receiver on 127.0.0.1 gets it, signatures checked."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from gridmap.notify import channels
from gridmap.notify.config import channel_from_dict
from gridmap.notify.messages import compose

FACTS = {
    "kind": "dispatched",
    "code": "AJ20261102001",
    "category": "市容环境",
    "place": "一社区 110101001001001",
    "deadline": "2026-11-02T07:30:00+00:00",
    "workers": [{"code": "W1", "name": "张三", "phone": "13812345678"}],
}


def message(channel):
    return compose(FACTS, channel, public_url="http://grid.local")


def test_wecom_robot_gets_a_text_message_with_mentions(receiver):
    ch = channel_from_dict(
        "wx", {"type": "wecom", "url": receiver.url + "/cgi-bin/webhook/send?key=K"}
    )
    channels.send(ch, message(ch))
    (got,) = receiver.requests
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": ["K"]}
    body = got.json
    assert body["msgtype"] == "text"
    text = body["text"]["content"]
    assert "AJ20261102001" in text and "市容环境" in text and "2026-11-02 15:30" in text
    assert "http://grid.local/issues?code=AJ20261102001" in text
    assert body["text"]["mentioned_mobile_list"] == ["13812345678"]
    assert "13812345678" not in text and "138****5678" in text  # a viewer group: masked


def test_wecom_markdown(receiver):
    ch = channel_from_dict(
        "wx", {"type": "wecom", "url": receiver.url + "/s?key=K", "markdown": True}
    )
    channels.send(ch, message(ch))
    body = receiver.requests[0].json
    assert body["msgtype"] == "markdown"
    assert "[查看案件](http://grid.local/issues?code=AJ20261102001)" in body["markdown"]["content"]


def test_dingtalk_robot_is_signed(receiver):
    secret = "SEC0123456789abcdef"
    ch = channel_from_dict(
        "dd",
        {"type": "dingtalk", "url": receiver.url + "/robot/send?access_token=T", "secret": secret},
    )
    channels.send(ch, message(ch))
    got = receiver.requests[0]
    assert got.query["access_token"] == ["T"]
    stamp = got.query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert got.query["sign"] == [expected]  # parse_qs undid the urlencoding
    assert len(stamp) == 13  # milliseconds
    body = got.json
    assert body["msgtype"] == "text" and "AJ20261102001" in body["text"]["content"]
    assert body["at"] == {"atMobiles": ["13812345678"], "isAtAll": False}


def test_dingtalk_refusal_is_a_delivery_error(receiver):
    receiver.answer = {"errcode": 310000, "errmsg": "sign not match"}
    ch = channel_from_dict(
        "dd",
        {"type": "dingtalk", "url": receiver.url + "/robot/send?access_token=T", "secret": "S"},
    )
    with pytest.raises(channels.DeliveryError, match="310000"):
        channels.send(ch, message(ch))


def test_feishu_bot_is_signed_in_the_body(receiver):
    receiver.answer = {"code": 0, "msg": "success"}
    secret = "feishu-secret"
    ch = channel_from_dict(
        "fs",
        {"type": "feishu", "url": receiver.url + "/open-apis/bot/v2/hook/abc", "secret": secret},
    )
    channels.send(ch, message(ch))
    body = receiver.requests[0].json
    assert body["msg_type"] == "text" and "AJ20261102001" in body["content"]["text"]
    stamp = body["timestamp"]
    key = f"{stamp}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert len(stamp) == 10  # seconds


def test_generic_webhook_is_hmac_signed(receiver):
    receiver.answer = {}
    ch = channel_from_dict("hook", {"type": "webhook", "url": receiver.url + "/in", "secret": "k"})
    channels.send(ch, message(ch))
    got = receiver.requests[0]
    signature = got.headers["X-Gridmap-Signature"]
    assert signature == "sha256=" + hmac.new(b"k", got.body, hashlib.sha256).hexdigest()
    body = got.json
    assert body["kind"] == "dispatched" and body["case"] == "AJ20261102001"
    assert body["link"] == "http://grid.local/issues?code=AJ20261102001"


def test_unreachable_receiver_is_a_delivery_error(receiver):
    ch = channel_from_dict("hook", {"type": "webhook", "url": receiver.url + "/in"})
    receiver.fail_next = 1
    with pytest.raises(channels.DeliveryError, match="HTTP 500"):
        channels.send(ch, message(ch))


def test_smtp_email_reaches_the_server(smtp_server):
    host, port, messages = smtp_server
    ch = channel_from_dict(
        "mail",
        {
            "type": "smtp",
            "host": host,
            "port": port,
            "security": "none",
            "sender": "grid@example.org",
            "to": ["office@example.org"],
            "role": "inspector",
        },
    )
    channels.send(ch, message(ch))
    ((rcpt, mail),) = messages
    assert rcpt == ["office@example.org"]
    assert mail["Subject"] == "【派遣】新案件待处置"
    text = mail.get_content()
    assert "AJ20261102001" in text and "张三（13812345678）" in text  # an inspector sees phones


def test_secrets_are_never_shown_back():
    ch = channel_from_dict(
        "wx",
        {
            "type": "wecom",
            "secret": "s3",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
        },
    )
    shown = str(ch.public())
    assert "KEY" not in shown and "s3" not in shown


def test_bad_channel_is_refused():
    from gridmap.errors import InputError

    with pytest.raises(InputError, match="type"):
        channel_from_dict("x", {"type": "sms", "url": "http://a"})
    with pytest.raises(InputError, match="audience"):
        channel_from_dict("x", {"type": "wecom", "url": "http://a", "audience": ["mayor"]})
