"""Issue categories, time limits, working hours and duplicate rules as configuration data.

The defaults ship in ``gridmap/issues/defaults.toml`` (the 数字城管 event classes
市容环境, 宣传广告, 施工管理, 街面秩序, 突发事件 and 其他, with subcategories). A
street overrides any part in its ``gridmap.toml`` (the file of
:func:`gridmap.config.config_path`) under the ``[issues]`` table; tables are
merged key by key, so an override names only what changes::

    [issues.categories."市容环境".subcategories."暴露垃圾"]
    hours = 2
    [issues.working_hours]
    periods = [["08:30", "12:00"], ["14:00", "17:30"]]

The distance that flags a report near a grid boundary is the ``boundary_flag_m``
setting of :mod:`gridmap.config`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridmap import config
from gridmap.errors import InputError
from gridmap.issues.deadlines import TimeLimit, WorkingHours
from gridmap.messages import Msg

__all__ = ["DEFAULTS_PATH", "Category", "IssueConfig", "load_issue_config"]

#: The shipped default configuration.
DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")


@dataclass(frozen=True)
class Category:
    """One event class (大类) with its subcategories (小类) and their time limits."""

    name: str
    en: str
    limit: TimeLimit
    subcategories: Mapping[str, tuple[str, TimeLimit]] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        """Display name: the Chinese name, or the English one for ``lang="en"``."""
        return self.en if lang == "en" and self.en else self.name

    def subcategory_label(self, name: str, lang: str) -> str:
        """Display name of a subcategory (the name itself when unknown)."""
        en = self.subcategories.get(name, ("", self.limit))[0]
        return en if lang == "en" and en else name


@dataclass(frozen=True)
class IssueConfig:
    """Everything the issue workflow reads from configuration."""

    categories: Mapping[str, Category]
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    duplicate_radius_m: float = 50.0
    duplicate_days: float = 7.0
    boundary_flag_m: float = 10.0
    #: Separation of duties: action -> earlier actions whose person may not take it
    #: (``{"verify": ("handle",)}``: who handled a case cannot verify it).
    separation: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {"verify": ("handle",), "close": ("handle",)}
    )

    def category(self, name: str) -> Category:
        """Return category ``name``.

        Raises
        ------
        gridmap.errors.InputError
            If there is no such category (the message lists the known ones).
        """
        found = self.categories.get(str(name).strip())
        if found is None:
            known = list(self.categories)
            raise InputError.keyed("workhours.unknown_category", name=name, known=known)
        return found

    def limit_for(self, category: str, subcategory: str | None = None) -> TimeLimit:
        """Return the time limit of a category or subcategory (unknown subcategory: the category's).

        Raises
        ------
        gridmap.errors.InputError
            If the category is unknown.
        """
        cat = self.category(category)
        if subcategory and subcategory in cat.subcategories:
            return cat.subcategories[subcategory][1]
        return cat.limit

    def limit_or_none(self, category: object, subcategory: object = None) -> TimeLimit | None:
        """Like :meth:`limit_for` but ``None`` for an unknown category (imported data)."""
        if not isinstance(category, str) or category.strip() not in self.categories:
            return None
        return self.limit_for(category, subcategory if isinstance(subcategory, str) else None)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _limit(entry: Mapping[str, Any], parent: TimeLimit | None, where: Msg, file: str) -> TimeLimit:
    hours = entry.get("hours", parent.hours if parent else None)
    working = entry.get("working", parent.working if parent else False)
    source = entry.get("source", parent.source if parent else "")
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not hours > 0:
        raise InputError.keyed("workhours.hours", file=file, where=where, value=hours)
    if not isinstance(working, bool):
        raise InputError.keyed("workhours.working", file=file, where=where, value=working)
    return TimeLimit(float(hours), working, str(source))


def _time(text: Any, file: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise InputError.keyed("workhours.time", file=file, value=text) from None


def _date(text: Any, file: str) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError.keyed("workhours.date", file=file, value=text) from None


def _working_hours(data: Mapping[str, Any], file: str) -> WorkingHours:
    periods = data.get("periods", [])
    if not isinstance(periods, list) or any(
        not isinstance(p, list) or len(p) != 2 for p in periods
    ):
        raise InputError.keyed("workhours.periods", file=file, value=periods)
    pairs = tuple((_time(s, file), _time(e, file)) for s, e in periods)
    days = data.get("days", [1, 2, 3, 4, 5])
    if not isinstance(days, list) or any(
        isinstance(d, bool) or not isinstance(d, int) for d in days
    ):
        raise InputError.keyed("workhours.days", file=file, value=days)
    try:
        return WorkingHours(
            timezone=str(data.get("timezone", "Asia/Shanghai")),
            days=tuple(days),
            periods=pairs,
            holidays=frozenset(_date(d, file) for d in data.get("holidays", [])),
            extra_workdays=frozenset(_date(d, file) for d in data.get("extra_workdays", [])),
        )
    except InputError as exc:  # the same refusal, located in the file
        raise InputError(message=exc.message, file=file, key=exc.key, params=exc.params) from None


def _number(data: Mapping[str, Any], key: str, default: float, file: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InputError.keyed("workhours.duplicates", file=file, setting=key, value=value)
    return float(value)


def config_from_dict(
    data: Mapping[str, Any], *, file: str | Msg | None = None, boundary_flag_m: float = 10.0
) -> IssueConfig:
    """Build an :class:`IssueConfig` from parsed TOML data (the shape of ``defaults.toml``).

    Parameters
    ----------
    data
        Mapping with ``categories``, ``working_hours`` and ``duplicates`` tables.
    file
        Name used in error messages; by default "案件设置" ("issues configuration"), in
        the reader's language.
    boundary_flag_m
        Distance to a grid boundary under which reports are flagged (m).

    Returns
    -------
    IssueConfig

    Raises
    ------
    gridmap.errors.InputError
        If a value is missing or malformed.
    """
    if file is None:
        file = Msg("workhours.config_file")  # shown in the reader's language
    raw = data.get("categories") or {}
    if not isinstance(raw, Mapping) or not raw:
        raise InputError.keyed("workhours.no_categories", file=file)
    categories: dict[str, Category] = {}
    for name, entry in raw.items():
        if not isinstance(entry, Mapping):
            raise InputError.keyed("workhours.category_table", file=file, name=name)
        limit = _limit(entry, None, Msg("workhours.where_category", name=name), file)
        subs: dict[str, tuple[str, TimeLimit]] = {}
        for sub, sub_entry in (entry.get("subcategories") or {}).items():
            if not isinstance(sub_entry, Mapping):
                sub_entry = {}
            subs[str(sub)] = (
                str(sub_entry.get("en", "")),
                _limit(sub_entry, limit, Msg("workhours.where_sub", name=name, sub=sub), file),
            )
        categories[str(name)] = Category(str(name), str(entry.get("en", "")), limit, subs)
    dup = data.get("duplicates") or {}
    sep = data.get("separation")
    separation = None
    if sep is not None:
        if not isinstance(sep, Mapping) or not all(
            isinstance(v, list | tuple) and all(isinstance(a, str) for a in v)
            for v in sep.values()
        ):
            raise InputError.keyed("workhours.separation", file=file)
        separation = {str(k): tuple(v) for k, v in sep.items()}
    extra = {} if separation is None else {"separation": separation}
    return IssueConfig(
        categories=categories,
        working_hours=_working_hours(data.get("working_hours") or {}, file),
        duplicate_radius_m=_number(dup, "radius_m", 50.0, file),
        duplicate_days=_number(dup, "days", 7.0, file),
        boundary_flag_m=float(boundary_flag_m),
        **extra,
    )


def load_issue_config(path: Path | str | None = None) -> IssueConfig:
    """Return the issue configuration: shipped defaults overridden by ``[issues]`` of the TOML file.

    Parameters
    ----------
    path
        The settings TOML file; default :func:`gridmap.config.config_path`. A
        missing file means the defaults.

    Returns
    -------
    IssueConfig

    Raises
    ------
    gridmap.errors.InputError
        If the file is not valid TOML or an ``[issues]`` value is malformed.

    Examples
    --------
    >>> cfg = load_issue_config("/nonexistent/gridmap.toml")
    >>> limit = cfg.limit_for("市容环境", "暴露垃圾")
    >>> limit.hours, limit.working
    (4.0, True)
    """
    data = config.read_toml(DEFAULTS_PATH)
    settings_path = config.config_path() if path is None else Path(path)
    file = str(DEFAULTS_PATH)
    if settings_path.exists():
        user = config.read_toml(settings_path).get("issues") or {}
        if not isinstance(user, Mapping):
            raise InputError.keyed("workhours.issues_table", file=str(settings_path))
        if user:
            data = _merge(data, user)
            file = str(settings_path)
    boundary = config.load_settings(settings_path)["boundary_flag_m"]
    return config_from_dict(data, file=file, boundary_flag_m=float(boundary))
