"""Where each check rule comes from: citations for documents, notes for reviewers.

:file:`sources.toml` beside this module holds, per rule id, the citation in Chinese
(``zh``, as an official document cites it: 《市容环卫工程项目规范》GB 55013-2021
第3.2.2条), in English (``en``), and ``notes`` naming the web pages and sections the
figure was found in. Documents print :func:`citation` only; :func:`notes` stays out of
documents (``gridmap rules --notes`` and reviews).
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from gridmap import i18n

__all__ = ["citation", "notes", "sources"]


@functools.cache
def sources() -> dict[str, dict[str, str]]:
    """Return every rule's entry: rule id -> ``{"zh", "en", "notes"}``."""
    text = resources.files("gridmap.checks").joinpath("sources.toml").read_text("utf-8")
    return {k: dict(v) for k, v in tomllib.loads(text).items()}


def citation(rule_id: str, lang: str = i18n.DEFAULT_LANG, *, default: str = "") -> str:
    """Return how a document cites the source of rule ``rule_id`` in ``lang``.

    Examples
    --------
    >>> citation("bin_reach")
    '《市容环卫工程项目规范》GB 55013-2021 第3.2.2条（生活垃圾收集点服务半径不超过120米）'
    >>> citation("no_such_rule", default="s")
    's'
    """
    entry = sources().get(rule_id)
    if not entry:
        return default
    return entry.get(i18n.normalize_lang(lang)) or entry.get("zh") or default


def notes(rule_id: str) -> str:
    """Return the reviewer's notes on a rule's source (web pages, sections); ``""`` if none."""
    return sources().get(rule_id, {}).get("notes", "")
