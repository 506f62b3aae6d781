"""Rule configuration: the packaged defaults (``gridmap/rules.toml``) and the user's overrides.

The defaults ship with gridmap as ``gridmap/rules.toml``. A user changes them in
the same TOML file as the other settings (:func:`gridmap.config.config_path`, or
``$GRIDMAP_CONFIG``), one table per rule::

    [rules.bin_reach]
    max_distance_m = 100
    enabled = true

    [rules.issue_deadlines.deadline_h]
    "市容环境/暴露垃圾" = 4

Keys left out keep their defaults; tables of numbers (per road class, category,
equipment type) are merged key by key. Every rule takes ``enabled``, ``severity``
(``"failure"`` or ``"advisory"``) and ``weight`` (its share in scores), plus its
own parameters; a value must have the type of its default (numbers stay numbers,
lists stay lists). :func:`save_rules` writes overrides back without touching the
file's other tables.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from gridmap.errors import InputError
from gridmap.messages import Msg

__all__ = [
    "COMMON_KEYS",
    "DEFAULTS_PATH",
    "RuleConfig",
    "default_rules",
    "load_rules",
    "save_rules",
]

#: The packaged default configuration.
DEFAULTS_PATH = Path(__file__).resolve().parents[1] / "rules.toml"

#: Keys every rule takes besides its own parameters.
COMMON_KEYS = ("enabled", "severity", "weight")

_SEVERITIES = ("failure", "advisory")


@dataclass(frozen=True)
class RuleConfig:
    """How one rule runs: switched on or off, its severity, score weight and parameters.

    Parameters
    ----------
    id
        Rule id.
    enabled
        Whether the rule runs when no rules are named.
    severity
        ``"failure"`` or ``"advisory"``.
    weight
        Share of the rule in scores.
    params
        Parameter name -> value (thresholds with their unit in the name).
    """

    id: str
    enabled: bool
    severity: str
    weight: float
    params: Mapping[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _defaults_raw() -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - packaging bug
        raise InputError.keyed(
            "rules.defaults_unreadable", file=str(DEFAULTS_PATH), reason=exc
        ) from None
    return data.get("rules", {})


def default_rules() -> dict[str, RuleConfig]:
    """Return the packaged default configuration of every rule.

    Returns
    -------
    dict
        Rule id -> :class:`RuleConfig`, in the order of ``gridmap/rules.toml``.

    Examples
    --------
    >>> default_rules()["bin_reach"].params["max_distance_m"]
    120.0
    """
    return {rule_id: _config(rule_id, table) for rule_id, table in _defaults_raw().items()}


def _config(rule_id: str, table: Mapping[str, Any]) -> RuleConfig:
    params = {k: v for k, v in table.items() if k not in COMMON_KEYS}
    return RuleConfig(
        id=rule_id,
        enabled=bool(table.get("enabled", True)),
        severity=str(table.get("severity", "failure")),
        weight=float(table.get("weight", 1.0)),
        params=params,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_value(rule_id: str, key: str, value: Any, default: Any, file: str | None) -> Any:
    """Return ``value`` if it has the type of ``default``; raise InputError otherwise."""
    where = Msg("rules.where", rule=rule_id, setting=key)
    if key == "severity":
        if value not in _SEVERITIES:
            raise InputError.keyed("rules.severity", file=file, where=where, value=value)
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise InputError.keyed("rules.bool", file=file, where=where, value=value)
        return value
    if _is_number(default):
        if not _is_number(value) or value < 0 or math.isnan(value):
            raise InputError.keyed("rules.number", file=file, where=where, value=value)
        return float(value) if isinstance(default, float) else value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise InputError.keyed("rules.text", file=file, where=where, value=value)
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError.keyed("rules.text_list", file=file, where=where, value=value)
        return list(value)
    if isinstance(default, dict):
        if not isinstance(value, Mapping):
            raise InputError.keyed("rules.number_table", file=file, where=where, value=value)
        merged = dict(default)
        for k, v in value.items():
            if not _is_number(v) or v < 0:
                item = Msg("rules.where", rule=rule_id, setting=f"{key}.{k}")
                raise InputError.keyed("rules.number", file=file, where=item, value=v)
            merged[str(k)] = float(v)
        return merged
    return value  # pragma: no cover - every default has one of the types above


def _merge(
    defaults: Mapping[str, RuleConfig], overrides: Mapping[str, Any], file: str | None
) -> dict[str, RuleConfig]:
    out = dict(defaults)
    if not isinstance(overrides, Mapping):
        raise InputError.keyed("rules.not_table", file=file)
    for rule_id, table in overrides.items():
        if rule_id not in defaults:
            raise InputError.keyed("rules.unknown", file=file, rule=rule_id, known=list(defaults))
        if not isinstance(table, Mapping):
            raise InputError.keyed("rules.rule_not_table", file=file, rule=rule_id)
        base = defaults[rule_id]
        current = {
            "enabled": base.enabled,
            "severity": base.severity,
            "weight": base.weight,
            **base.params,
        }
        for key, value in table.items():
            if key not in current:
                raise InputError.keyed(
                    "rules.no_setting", file=file, rule=rule_id, setting=key, known=list(current)
                )
            current[key] = _check_value(rule_id, key, value, current[key], file)
        out[rule_id] = _config(rule_id, current)
    return out


def load_rules(path: str | Path | None = None) -> dict[str, RuleConfig]:
    """Return the configuration of every rule: defaults overridden by the user's TOML file.

    Parameters
    ----------
    path
        TOML file to read (its ``[rules.<id>]`` tables); defaults to
        :func:`gridmap.config.config_path`. A missing file means "all defaults".

    Returns
    -------
    dict
        Rule id -> :class:`RuleConfig`.

    Raises
    ------
    gridmap.errors.InputError
        If the file is not valid TOML, names an unknown rule or setting, or gives a
        value of the wrong type (naming the file).
    """
    from gridmap.config import config_path, read_toml

    defaults = default_rules()
    file = Path(config_path() if path is None else path)
    if not file.exists():
        return defaults
    data = read_toml(file)
    return _merge(defaults, data.get("rules", {}), str(file))


def save_rules(
    values: Mapping[str, Mapping[str, Any]], *, by: Any, path: str | Path | None = None
) -> Path:
    """Write rule overrides to the user's TOML file, keeping everything else in it.

    Parameters
    ----------
    values
        Rule id -> ``{key: value}`` for the keys to change (``enabled``,
        ``severity``, ``weight`` or a parameter). Values equal to the packaged
        default are removed from the file, so it holds only real overrides.
    by
        The :class:`gridmap.auth.User` saving them (needs the ``edit_settings`` right).
    path
        TOML file to write; defaults to :func:`gridmap.config.config_path`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` may not edit settings.
    gridmap.errors.InputError
        For an unknown rule or key, a value of the wrong type, a file that is not
        valid TOML, or a file that cannot be written.
    """
    from gridmap import auth
    from gridmap.config import config_path, read_toml, write_table

    auth.require_street(by, "edit_settings")
    file = Path(config_path() if path is None else path)
    data = read_toml(file)
    user_rules = {k: dict(v) for k, v in data.get("rules", {}).items()}
    for rule_id, table in values.items():
        user_rules.setdefault(rule_id, {}).update(table)
    defaults = default_rules()
    merged = _merge(defaults, user_rules, str(file))  # validates everything
    out_rules: dict[str, dict[str, Any]] = {}
    for rule_id, cfg in merged.items():
        base = defaults[rule_id]
        diff: dict[str, Any] = {}
        for key in COMMON_KEYS:
            if getattr(cfg, key) != getattr(base, key):
                diff[key] = getattr(cfg, key)
        for key, value in cfg.params.items():
            default = base.params[key]
            if isinstance(default, dict):
                changed = {k: v for k, v in value.items() if default.get(k) != v}
                if changed:
                    diff[key] = changed
            elif value != default:
                diff[key] = value
        if diff:
            out_rules[rule_id] = diff
    return write_table(("rules",), out_rules, path=file)


#: Columns of :func:`editable_rules`, in order.
