"""Issue rule: reports still open past their category's handling deadline (处置时限).

The deadline of a report is the one recorded on it when it was registered; when
none was recorded, it comes from the issue categories' time limits
(:func:`gridmap.issues.load_issue_config`: per category and subcategory, in
working or calendar hours, with the street's working hours), so the check and the
issue pages agree on what is overdue. A category unknown there gets ``default_h``
calendar hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gridmap.checks._context import (
    FIELD_TZ,
    Context,
    Objects,
    Outcome,
    col,
    to_timestamp,
)
from gridmap.checks.registry import Param, rule
from gridmap.issues.categories import load_issue_config

__all__ = ["deadlines_from_categories"]


def deadlines_from_categories(
    reported: pd.Series,
    categories: list[str | None],
    subcategories: list[str | None],
    *,
    default_h: float,
    issue_config: Any = None,
) -> pd.Series:
    """Return the deadline of each report from its category's time limit.

    Parameters
    ----------
    reported
        When each report came in (UTC timestamps).
    categories, subcategories
        Category (大类) and subcategory (小类) of each report.
    default_h
        Calendar hours for reports whose category the issue configuration does not
        know (or all reports, without an issue configuration).
    issue_config
        A :class:`gridmap.issues.IssueConfig` (its time limits and working hours).

    Returns
    -------
    pandas.Series
        UTC deadlines on ``reported``'s index (NaT where ``reported`` is missing).

    Examples
    --------
    >>> import pandas as pd
    >>> when = pd.Series(pd.to_datetime(["2026-11-02 09:00"], utc=True))
    >>> deadlines_from_categories(when, ["其他"], [None], default_h=72)[0].isoformat()
    '2026-11-05T09:00:00+00:00'
    """
    fallback = reported + pd.to_timedelta(float(default_h), unit="h")
    if issue_config is None:
        return fallback
    from gridmap.issues.deadlines import deadline_for

    out = fallback.copy()
    for i, (when, cat, sub) in enumerate(zip(reported, categories, subcategories, strict=True)):
        if pd.isna(when):
            continue
        limit = issue_config.limit_or_none(cat, sub)
        if limit is not None:
            due = deadline_for(when.to_pydatetime(), limit, calendar=issue_config.working_hours)
            out.iloc[i] = pd.Timestamp(due)
    return out


@rule(
    id="issue_deadlines",
    family="issues",
    title_zh="问题上报在处置时限内办结",
    title_en="Issue reports handled within their category deadline",
    source=(
        "local 数字城管 case tables (e.g. 暴露垃圾 4 working hours, 道路不洁 2 h; STANDARDS §2), "
        "as configured for the issue workflow; CJ/T 315-2009 sets the principle"
    ),
    params=[
        Param("default_h", "h", "calendar hours for categories the issue configuration lacks"),
        Param("use_recorded_deadline", "", "use the deadline stored on a report when it has one"),
        Param("open_statuses", "", "statuses in which a report's clock runs"),
    ],
    layers=("issues",),
)
def check_issue_deadlines(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Open issue reports are not past their handling deadline at the run's moment.

    A report's clock runs while its status is one of ``open_statuses`` (every
    status but closed, and suspended, which stops the clock: the rule of the issue
    pages). Its deadline is the recorded one, else its category's time limit from
    the issue configuration (working hours where the category says so), else
    ``default_h`` calendar hours after it came in. Measured: hours past the
    deadline (wall-clock). The grid is the one the report was routed to
    (``grid_code``), else the one it lies in.
    """
    reports = Objects(ctx, "issues")
    if reports.empty:
        return Outcome.skipped("no issue reports")
    issues = reports.frame
    statuses = list(col(issues, "status"))
    open_ = np.array([s in set(params["open_statuses"]) for s in statuses], dtype=bool)
    cats = list(col(issues, "category"))
    subs = list(col(issues, "subcategory"))
    reported = to_timestamp(issues["reported_at"]).reset_index(drop=True)
    due = pd.Series(pd.NaT, index=reported.index, dtype=reported.dtype)
    if bool(params["use_recorded_deadline"]) and "deadline" in issues.columns:
        due = to_timestamp(issues["deadline"]).reset_index(drop=True)
    todo = np.flatnonzero(open_ & due.isna().to_numpy())  # only open reports without one
    if len(todo):
        due.iloc[todo] = deadlines_from_categories(
            reported.iloc[todo],
            [cats[i] for i in todo],
            [subs[i] for i in todo],
            default_h=float(params["default_h"]),
            issue_config=ctx.cache("issue_config", load_issue_config),
        ).to_numpy()
    now = pd.Timestamp(ctx.now)
    late_h = ((now - due).dt.total_seconds() / 3600.0).to_numpy(dtype=float, na_value=np.nan)
    routed = list(col(issues, "grid_code"))
    findings = []
    for i in np.flatnonzero(open_ & (late_h > 0)):
        findings.append(
            reports.finding(
                i,
                name=reports.labels[i] or subs[i] or cats[i],
                measured=float(late_h[i]),
                key="issue_overdue",
                args={
                    "id": reports.ids[i],
                    "category": "/".join(v for v in (cats[i], subs[i]) if v),
                    "hours": float(late_h[i]),
                    "due": due.iloc[i].tz_convert(FIELD_TZ).strftime("%Y-%m-%d %H:%M"),
                    "status": statuses[i] or "",
                },
                grid=routed[i],
                details={
                    "status": statuses[i],
                    "deadline": due.iloc[i].tz_convert(FIELD_TZ).isoformat(),
                    "category": cats[i],
                    "subcategory": subs[i],
                },
            )
        )
    return Outcome(reports.checked[open_], findings)
