"""The texts of notifications: short Chinese (or English) messages, masked per receiver.

A message is built from *facts* (plain values: case code, category, place,
deadline in UTC, workers with name and phone) for one channel, whose ``role``
says what the receiver may see: phone numbers are masked below ``inspector``
(the ``see_phones`` right) and worker names are shortened to their first
character for ``viewer`` receivers. The result is the stored payload: ``kind,
title, text`` (plain text), ``markdown`` (the same with user text escaped),
``link``, ``mobiles`` (numbers to @-mention in a group), ``ref`` and ``case``.

Every text comes from :mod:`gridmap.i18n`. Times are shown in the local zone
(default Asia/Shanghai) by :func:`gridmap.i18n.format_time`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from gridmap import i18n
from gridmap.notify.config import Channel
from gridmap.snapshot import mask_phone

__all__ = ["compose", "mask_name", "plain"]

_ROLE_RANK = {"viewer": 0, "inspector": 1, "planner": 2, "admin": 3}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def plain(value: Any, *, limit: int = 80) -> str:
    """Make user text safe for a message: one line, no control characters, at most ``limit``."""
    text = _CONTROL.sub(" ", str(value or "")).replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mask_name(name: Any) -> str:
    """Shorten a person's name to its first character: ``张三`` -> ``张*``."""
    text = plain(name, limit=40)
    return text[:1] + "*" * min(max(len(text) - 1, 1), 3) if text else ""


def _person(worker: dict[str, Any], rank: int) -> str:
    name = plain(worker.get("name"), limit=40)
    phone = worker.get("phone")
    if rank < _ROLE_RANK["inspector"]:
        name = mask_name(name)
        phone = mask_phone(phone)
    return f"{name}（{plain(phone, limit=32)}）" if phone else name


def _escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def compose(
    facts: dict[str, Any],
    channel: Channel,
    *,
    public_url: str = "",
    timezone: str = "Asia/Shanghai",
) -> dict[str, Any]:
    """Build the payload of one message for one channel.

    Parameters
    ----------
    facts
        ``kind`` plus, for a case, ``code, category, place, deadline`` (UTC ISO
        text), ``workers`` (``name, phone, role``), ``hours`` (left or over);
        for the daily list ``day, open, overdue, due, cases``; for 督办单
        ``orders, grids, deadline``; for a test ``channel``.
    channel
        The receiving channel (its ``role`` decides the masking, ``lang`` the language).
    public_url
        The app's address; the link is ``<public_url>/issues?code=<code>``.
    timezone
        Zone of the times shown.

    Returns
    -------
    dict
        The payload stored in the outbox.
    """
    lang = getattr(channel, "lang", "zh")
    rank = _ROLE_RANK.get(channel.role, 0)
    kind = str(facts.get("kind"))
    title = i18n.t(f"notify.kind.{kind}", lang)
    lines: list[str] = []
    link = ""
    code = plain(facts.get("code"), limit=32)
    if code:
        lines.append(
            i18n.t(
                "notify.line.case", lang, code=code, category=plain(facts.get("category"), limit=40)
            )
        )
        if facts.get("place"):
            lines.append(i18n.t("notify.line.place", lang, place=plain(facts["place"])))
        if facts.get("deadline"):
            lines.append(
                i18n.t(
                    "notify.line.deadline",
                    lang,
                    deadline=i18n.format_time(facts["deadline"], tz=timezone),
                )
            )
        if kind == "warning" and facts.get("hours") is not None:
            lines.append(i18n.t("notify.line.left", lang, hours=f"{facts['hours']:.1f}"))
        if kind == "overdue" and facts.get("hours") is not None:
            lines.append(i18n.t("notify.line.over", lang, hours=f"{facts['hours']:.1f}"))
        people = [_person(w, rank) for w in facts.get("workers") or []]
        if people:
            lines.append(i18n.t("notify.line.workers", lang, workers="、".join(people)))
        if public_url:
            link = f"{public_url}/issues?code={quote(code)}"
    elif kind == "daily":
        lines.append(
            i18n.t(
                "notify.daily.summary",
                lang,
                day=facts.get("day", ""),
                open=facts.get("open", 0),
                overdue=facts.get("overdue", 0),
                due=facts.get("due", 0),
            )
        )
        for case in facts.get("cases", [])[:10]:
            flag = i18n.t("notify.daily.overdue_flag", lang) if case.get("overdue") else ""
            lines.append(
                f"{plain(case.get('code'), limit=32)} {plain(case.get('category'), limit=30)}"
                f" {i18n.format_time(case.get('deadline'), tz=timezone)}{flag}"
            )
        more = len(facts.get("cases", [])) - 10
        if more > 0:
            lines.append(i18n.t("notify.daily.more", lang, n=more))
        if public_url:
            link = f"{public_url}/issues"
    elif kind == "supervision":
        grids = "、".join(plain(g, limit=32) for g in facts.get("grids", [])[:10])
        lines.append(
            i18n.t(
                "notify.supervision.text",
                lang,
                n=facts.get("orders", 0),
                grids=grids,
                deadline=facts.get("deadline", ""),
            )
        )
    elif kind == "supervision_move":
        lines.append(
            i18n.t(
                "notify.supervision_move.text",
                lang,
                number=plain(facts.get("number"), limit=60),
                grids="、".join(plain(g, limit=32) for g in facts.get("grids", [])[:10]),
                state=i18n.t(f"supervision.state.{facts.get('state', '')}", lang),
                deadline=facts.get("deadline", ""),
            )
        )
        if public_url:
            link = f"{public_url}/supervision"
    else:
        lines.append(i18n.t("notify.test.text", lang, name=plain(facts.get("channel"))))
    text = "\n".join([title, *lines])
    markdown = "\n\n".join([f"**{title}**", *(_escape(x) for x in lines)])
    if link:
        text += "\n" + i18n.t("notify.line.link", lang, link=link)
        markdown += "\n\n" + f"[{i18n.t('notify.open_case', lang)}]({link})"
    mobiles = [str(w["phone"]) for w in facts.get("workers") or [] if w.get("phone")]
    return {
        "kind": kind,
        "title": title,
        "text": text,
        "markdown": markdown,
        "link": link or None,
        "mobiles": sorted(set(mobiles)),
        "ref": facts.get("ref"),
        "case": code or None,
    }
