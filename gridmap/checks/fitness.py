"""Fitness rules (健身): equipment within reach of homes, inspected on time, repaired on time.

Rules
-----
``fitness_reach`` / ``fitness_reach_advisory``
    Every residential building within 1,000 m (failure: the 15-minute life circle,
    800–1,000 m walk) and 500 m (advisory: the 10-minute circle) of fitness
    equipment, walked along roads and paths where they cover the area, else in a
    straight line from the building's footprint.
``fitness_inspection``
    Every item inspected within its interval (gridmap's default 90 days, per
    equipment type configurable), from its maintenance log and its
    ``last_inspected`` date.
``fitness_repairs``
    Equipment reported poor or broken (or marked damaged) is repaired within 30 days
    (gridmap's default). The plans ask for 更换、维修、记录 without numbers, so both
    intervals are configurable defaults, not the plans' figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gridmap.checks._context import Context, Objects, Outcome, col, object_ids
from gridmap.checks._lines import REACH_PARAMS, reach_outcome
from gridmap.checks.registry import Param, rule

__all__: list[str] = []

_FAMILY = "fitness"
#: The plans ask for maintenance records without numbers: the intervals are gridmap's own.
_DEFAULTS = (
    "gridmap default, configurable (the campaign plan asks for 更换、维修、记录 "
    "without numbers; STANDARDS §8)"
)
_BAD_CONDITIONS = ("poor", "broken")
_BAD_STATUSES = ("damaged", "repairing")
_FIX_ACTIONS = ("repaired", "replaced")
_OK_CONDITIONS = ("good", "fair")


def _equipment(ctx: Context) -> pd.DataFrame:
    items = ctx.metric("fitness")
    if items.empty or "status" not in items.columns:
        return items
    return items[col(items, "status") != "retired"]


def _dates_of(items: pd.DataFrame, column: str) -> pd.Series:
    """Return column ``column`` as dates (all NaT when missing)."""
    return _dates(items[column] if column in items.columns else [None] * len(items))


def _reach(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    items = _equipment(ctx)
    return reach_outcome(
        ctx,
        items.geometry.to_numpy(),
        object_ids(items),
        max_distance_m=float(params["max_distance_m"]),
        key="fitness_reach",
        targets_key="fitness",
        no_targets_note="no fitness equipment",
        params=params,
    )


@rule(
    id="fitness_reach",
    family=_FAMILY,
    title_zh="住宅楼 1000 米内有健身设施（15 分钟生活圈）",
    title_en="Fitness equipment within 1,000 m of every residential building",
    source="GB 50180-2018 15-minute life circle (walk 800–1,000 m); 全民健身计划 15分钟健身圈",
    params=[
        Param("max_distance_m", "m", "farthest a building may be from fitness equipment"),
        *REACH_PARAMS,
    ],
    layers=("buildings", "fitness", "roads"),
)
def check_fitness_reach(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every residential building lies within reach of fitness equipment (default 1,000 m).

    Measured as a walk along the roads layer (roads and paths) where it covers the
    area, else in a straight line from the building's footprint to the nearest item
    (as ``bin_reach``: the finding names the method and gives both figures); retired
    items do not count. Coverage: a circle of the threshold around each item.
    """
    return _reach(ctx, params)


@rule(
    id="fitness_reach_advisory",
    family=_FAMILY,
    title_zh="住宅楼 500 米内有健身设施（10 分钟生活圈，建议）",
    title_en="Fitness equipment within 500 m of every residential building (advisory)",
    source="GB 50180-2018 10-minute life circle (walk about 500 m)",
    params=[
        Param("max_distance_m", "m", "recommended largest distance to fitness equipment"),
        *REACH_PARAMS,
    ],
    layers=("buildings", "fitness", "roads"),
    severity="advisory",
)
def check_fitness_reach_advisory(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every residential building lies within the 10-minute circle (default 500 m).

    Same measurement as ``fitness_reach``; an advisory.
    """
    return _reach(ctx, params)


def _dates(values: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce")


def _log(ctx: Context) -> pd.DataFrame:
    log = ctx.frame("maintenance")
    if log.empty or not {"point", "date"} <= set(log.columns):
        return pd.DataFrame({"point": [], "date": [], "action": [], "condition": []})
    out = pd.DataFrame(
        {
            "point": col(log, "point"),
            "date": _dates(log["date"]).to_numpy(),
            "action": col(log, "action"),
            "condition": col(log, "condition"),
        }
    )
    return out.dropna(subset=["point", "date"])


@rule(
    id="fitness_inspection",
    family=_FAMILY,
    title_zh="健身器材按期巡检",
    title_en="Fitness equipment inspected on schedule",
    source=f"{_DEFAULTS}: every 90 days",
    params=[
        Param("interval_days", "days", "longest time between inspections"),
        Param(
            "interval_days_by_type", "days", "interval per equipment type, overriding the default"
        ),
        Param("counted_actions", "", "maintenance actions that count as an inspection"),
    ],
    layers=("fitness", "maintenance"),
)
def check_fitness_inspection(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Every item was inspected within its interval before the run's date.

    The last inspection is the latest of the item's ``last_inspected`` and the dates
    of its maintenance records whose action counts (inspected, repaired, replaced;
    cleaning does not). The interval is the item type's entry in
    ``interval_days_by_type``, else ``interval_days``. Measured: days since the last
    inspection; an item never inspected is measured from its installation date, or
    not at all (``None``) when that is unknown too.
    """
    items = Objects(ctx, "fitness", _equipment(ctx))
    if items.empty:
        return Outcome.skipped("no fitness equipment")
    codes = list(col(items.frame, "code"))
    log = _log(ctx)
    counted = log[log["action"].isin(list(params["counted_actions"]))]
    latest_log = counted.groupby("point")["date"].max()
    own = _dates_of(items.frame, "last_inspected")
    from_log = _dates([latest_log.get(c) if c is not None else None for c in codes])
    last = pd.concat([own, from_log], axis=1).max(axis=1)
    installed = _dates_of(items.frame, "installed")
    today = pd.Timestamp(ctx.as_of)
    by_type = dict(params["interval_days_by_type"])
    types = list(col(items.frame, "equipment_type"))
    interval = np.array([float(by_type.get(t, params["interval_days"])) for t in types])
    base = last.fillna(installed)
    days = (today - base).dt.days.to_numpy(dtype=float, na_value=np.nan)
    findings = []
    for i in np.flatnonzero(~(days <= interval)):
        never = pd.isna(last.iloc[i])
        findings.append(
            items.finding(
                i,
                measured=None if np.isnan(days[i]) else float(days[i]),
                key=(
                    "inspection_unknown"
                    if np.isnan(days[i])
                    else "inspection_never"
                    if never
                    else "inspection_overdue"
                ),
                args={
                    "name": items.label(i),
                    "days": 0 if np.isnan(days[i]) else days[i],
                    "interval": interval[i],
                    "last": "" if never else last.iloc[i].date().isoformat(),
                },
                details={
                    "last_inspected": None if never else last.iloc[i].date().isoformat(),
                    "interval_days": interval[i],
                    "equipment_type": types[i],
                },
            )
        )
    return Outcome(items.checked, findings)


@rule(
    id="fitness_repairs",
    family=_FAMILY,
    title_zh="损坏健身器材及时维修",
    title_en="Damaged fitness equipment repaired on time",
    source=f"{_DEFAULTS}: within 30 days",
    params=[Param("max_days", "days", "longest time a poor or broken item may wait for repair")],
    layers=("fitness", "maintenance"),
)
def check_fitness_repairs(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Items found poor or broken are repaired or replaced within the allowed days.

    An item needs repair when its ``condition`` is poor or broken or its ``status``
    damaged or under repair. It has needed it since the first maintenance record
    reporting a poor or broken condition after its last repair, replacement or
    good/fair record; without such a record, since its ``last_inspected`` date.
    Measured: days waiting (``None`` when the start is unknown, which fails too).
    """
    items = Objects(ctx, "fitness", _equipment(ctx))
    if items.empty:
        return Outcome.skipped("no fitness equipment")
    codes = list(col(items.frame, "code"))
    cond = list(col(items.frame, "condition"))
    status = list(col(items.frame, "status"))
    needs = np.array(
        [c in _BAD_CONDITIONS or s in _BAD_STATUSES for c, s in zip(cond, status, strict=True)],
        dtype=bool,
    )
    log = _log(ctx)
    fixed = log["action"].isin(_FIX_ACTIONS) | log["condition"].isin(_OK_CONDITIONS)
    last_fix = log[fixed].groupby("point")["date"].max()
    bad = log[log["condition"].isin(_BAD_CONDITIONS)].copy()
    bad["fix"] = bad["point"].map(last_fix)
    bad = bad[bad["fix"].isna() | (bad["date"] > bad["fix"])]
    first_bad = bad.groupby("point")["date"].min()
    own = _dates_of(items.frame, "last_inspected")
    since = _dates([first_bad.get(c) if c is not None else None for c in codes]).fillna(own)
    days = (pd.Timestamp(ctx.as_of) - since).dt.days.to_numpy(dtype=float, na_value=np.nan)
    limit = float(params["max_days"])
    findings = []
    for i in np.flatnonzero(needs & ~(days <= limit)):
        known = not np.isnan(days[i])
        findings.append(
            items.finding(
                i,
                measured=float(days[i]) if known else None,
                key="repair_overdue" if known else "repair_unknown",
                args={
                    "name": items.label(i),
                    "days": days[i] if known else 0,
                    "condition": cond[i] or status[i] or "",
                    "since": since.iloc[i].date().isoformat() if known else "",
                },
                details={
                    "condition": cond[i],
                    "status": status[i],
                    "since": since.iloc[i].date().isoformat() if known else None,
                },
            )
        )
    return Outcome(items.checked, findings)
