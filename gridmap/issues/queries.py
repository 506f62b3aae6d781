"""Store-backed reading of issue reports: lists, details, daily lists, dashboard, scores.

Nothing here writes except :func:`record_scores_export` (an audit row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.auth import SYSTEM, require
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.issues import lifecycle
from gridmap.issues._common import (
    S,
    _can_see,
    _community_of_row,
    _config,
    _events,
    _issue_rows,
    _now,
    _place,
    _responsible,
    _workers_on,
    resolve_issue,
)
from gridmap.issues.categories import IssueConfig
from gridmap.issues.scores import monthly_scores, scores_xlsx
from gridmap.model import IssueStatus
from gridmap.store import issues as store_issues

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "LIST_COLUMNS",
    "daily_list",
    "daily_lists",
    "issue_detail",
    "issue_photo",
    "issue_stats",
    "list_issues",
    "month_scores",
    "overdue_counts",
    "record_scores_export",
    "scores_workbook",
    "timeline_frame",
]

#: Columns of :func:`list_issues` the issues page lists, in order.
LIST_COLUMNS = (
    "code",
    "status",
    "category",
    "subcategory",
    "grid",
    "reported_at",
    "deadline",
    "overdue",
    "age_h",
)


#: Fields of a report shown in lists and in its detail, in order.
_REPORT_FIELDS = (
    "code",
    "category",
    "subcategory",
    "description",
    "reporter",
    "status",
    "reported_at",
    "deadline",
    "grid",
)


def list_issues(
    store: Store,
    user: User | None = None,
    *,
    status: Iterable[str] | str | None = None,
    grid: str | None = None,
    worker: str | None = None,
    overdue: bool = False,
    now: dt.datetime | None = None,
    config: IssueConfig | None = None,
) -> gpd.GeoDataFrame:
    """Return the reports a user may see, with grid, workers, age and overdue flag.

    Parameters
    ----------
    store
        The store.
    user
        Limits the reports to the user's scope (``None``: all).
    status
        Only these statuses (English or Chinese).
    grid
        Only this grid code.
    worker
        Only reports a worker (code or name) is responsible for.
    overdue
        Only open, not suspended reports past their deadline.
    now
        The time overdue and age are measured at (default now).
    config
        Issue configuration (for the local calendar).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points with ``id, code, category, subcategory, description,
        reporter, status, reported_at, deadline, grid, community, workers``
        (names), ``worker_codes``, ``lon, lat, age_h, overdue, flagged,
        boundary_distance_m, duplicate_of, version``, newest first.
    """
    cfg = _config(config)
    when = _now(now)
    issues = _issue_rows(store)
    grids = store.read_layer("grids")
    grid_codes, communities = _place(issues, grids) if len(issues) else ([], [])
    issues["grid"] = list(grid_codes)
    issues["community"] = list(communities)
    today = cfg.working_hours.local(when).date()
    table = _workers_on(store.read_layer("assignments"), store.read_layer("workers"))
    responsible = [
        _responsible(g, today, table, a.get("worker"))
        for g, a in zip(issues["grid"], issues["attrs"], strict=True)
    ]
    issues["worker_codes"] = [r[0] for r in responsible]
    issues["workers"] = [r[1] for r in responsible]
    issues["lon"] = shapely.get_x(issues.geometry.to_numpy())
    issues["lat"] = shapely.get_y(issues.geometry.to_numpy())
    open_ = issues["status"] != S.CLOSED.value
    running = open_ & (issues["status"] != S.SUSPENDED.value)
    issues["overdue"] = (running & issues["deadline"].notna() & (issues["deadline"] < when)).astype(
        bool
    )
    age = (pd.Timestamp(when) - issues["reported_at"]).dt.total_seconds() / 3600
    issues["age_h"] = age.where(open_).round(1)
    issues["flagged"] = [bool(a.get("boundary_flag")) for a in issues["attrs"]]
    issues["boundary_distance_m"] = [a.get("boundary_distance_m") for a in issues["attrs"]]
    keep = np.ones(len(issues), dtype=bool)
    if user is not None and user.scope is not None:
        keep &= issues["community"].isin(list(user.scope)).to_numpy()
    if status:
        wanted = {
            lifecycle.parse_status(s).value
            for s in ([status] if isinstance(status, str) else status)
        }
        keep &= issues["status"].isin(wanted).to_numpy()
    if grid:
        keep &= (issues["grid"] == grid).to_numpy()
    if worker:
        keep &= np.array(
            [
                worker in c or worker in n
                for c, n in zip(issues["worker_codes"], issues["workers"], strict=True)
            ],
            dtype=bool,
        )
    if overdue:
        keep &= issues["overdue"].to_numpy()
    columns = [
        "id",
        *_REPORT_FIELDS,
        "community",
        "workers",
        "worker_codes",
        "lon",
        "lat",
        "age_h",
        "overdue",
        "flagged",
        "boundary_distance_m",
        "duplicate_of",
        "version",
        "geometry",
    ]
    out = issues.loc[keep, columns].sort_values("reported_at", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def overdue_counts(issues: pd.DataFrame, *, by: str = "grid") -> pd.DataFrame:
    """Count open and overdue reports per grid or per worker.

    Parameters
    ----------
    issues
        A frame from :func:`list_issues`.
    by
        ``"grid"`` or ``"worker"`` (a report counts for each responsible worker).

    Returns
    -------
    pandas.DataFrame
        ``grid`` (or ``worker``), ``open``, ``overdue``; most overdue first.
    """
    if by not in ("grid", "worker"):
        raise InputError.keyed("queries.overdue_by", by=by)
    frame = pd.DataFrame(issues.drop(columns="geometry", errors="ignore"))
    frame = frame[frame["status"] != S.CLOSED.value]
    if by == "worker":
        frame = frame.explode("workers").rename(columns={"workers": "worker"})
    frame = frame[frame[by].notna()]
    if frame.empty:
        return pd.DataFrame(columns=[by, "open", "overdue"])
    table = frame.groupby(by).agg(open=("id", "size"), overdue=("overdue", "sum")).reset_index()
    table["overdue"] = table["overdue"].astype(int)
    return table.sort_values(["overdue", "open", by], ascending=[False, False, True]).reset_index(
        drop=True
    )


_DAILY_COLUMNS = [
    "code",
    "category",
    "subcategory",
    "status",
    "grid",
    "reported_at",
    "deadline",
    "overdue",
    "due_today",
    "description",
]


def _day_window(day: dt.date | None, cfg: IssueConfig) -> tuple[dt.datetime, dt.datetime]:
    zone = cfg.working_hours.zone
    day = day or dt.datetime.now(zone).date()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def _daily_rows(
    frame: pd.DataFrame, worker: str, start: dt.datetime, end: dt.datetime
) -> pd.DataFrame:
    mine = [
        worker in c or worker in n
        for c, n in zip(frame["worker_codes"], frame["workers"], strict=True)
    ]
    rows = frame[np.array(mine, dtype=bool)]
    rows = rows[(rows["status"] != S.CLOSED.value) & (rows["reported_at"] < pd.Timestamp(end))]
    out = pd.DataFrame(rows.drop(columns="geometry"))
    out["due_today"] = (out["deadline"] >= pd.Timestamp(start)) & (
        out["deadline"] < pd.Timestamp(end)
    )
    out = out.sort_values(["overdue", "deadline"], ascending=[False, True], kind="stable")
    return out[_DAILY_COLUMNS].reset_index(drop=True)


def daily_list(
    store: Store,
    *,
    worker: str,
    day: dt.date | None = None,
    user: User | None = None,
    config: IssueConfig | None = None,
) -> pd.DataFrame:
    """Return a grid worker's daily list (每日反馈): open reports of their grids, overdue first.

    Parameters
    ----------
    store
        The store.
    worker
        Worker code or name.
    day
        The day (local calendar; default today). Due and overdue are judged at
        the end of that day.
    user
        Limits to the user's scope.
    config
        Issue configuration.

    Returns
    -------
    pandas.DataFrame
        ``code, category, subcategory, status, grid, reported_at, deadline,
        overdue, due_today, description`` (times UTC).

    Raises
    ------
    gridmap.errors.NotFound
        If no worker has that code or name.
    """
    cfg = _config(config)
    workers = store.read_layer("workers", include_retired=True)
    if worker not in set(workers["code"]) and worker not in set(workers["name"]):
        raise NotFound.keyed("queries.no_worker", worker=worker)
    start, end = _day_window(day, cfg)
    frame = list_issues(store, user, now=end, config=cfg)
    return _daily_rows(frame, worker, start, end)


def daily_lists(
    store: Store,
    *,
    day: dt.date | None = None,
    user: User | None = None,
    config: IssueConfig | None = None,
) -> dict[str, pd.DataFrame]:
    """Return every worker's daily list (see :func:`daily_list`) for workers with open reports.

    Returns
    -------
    dict
        Worker code -> daily list, in code order.
    """
    cfg = _config(config)
    start, end = _day_window(day, cfg)
    frame = list_issues(store, user, now=end, config=cfg)
    open_ = frame[frame["status"] != S.CLOSED.value]
    codes = sorted({c for cs in open_["worker_codes"] for c in cs})
    return {code: _daily_rows(frame, code, start, end) for code in codes}


def issue_detail(
    store: Store,
    user: User,
    issue: int | str,
    *,
    now: dt.datetime | None = None,
    config: IssueConfig | None = None,
) -> dict[str, Any]:
    """One report with its timeline, photos, duplicates and the moves this user may make.

    Returns
    -------
    dict
        ``id, code, version, values`` (display fields), ``lon, lat, grid,
        community, workers, overdue, flagged, boundary_distance_m, neighbours,
        duplicate_of`` (code), ``duplicates`` (codes merged into it), ``linked``,
        ``timeline`` (events with their photo ids), ``photos`` (id, kind,
        event_id), ``moves`` (allowed :class:`~gridmap.issues.lifecycle.Move`
        objects for ``user``) and ``dispatch_to`` (code -> name of the workers
        answering for its grid today, grid head first: whom a dispatch may name).

    Raises
    ------
    gridmap.errors.NotFound
        If the report does not exist or lies outside the user's scope.
    """
    issue_id = resolve_issue(store, issue)
    frame = list_issues(store, None, now=now, config=config)
    rows = frame[frame["id"] == issue_id]
    row = rows.iloc[0]
    if not _can_see(user, row["community"]):
        raise NotFound.keyed("issues.not_in_scope", issue=issue)
    events = _events(store, [issue_id])
    photos = store_issues.issue_photos(store, issue_id)
    merged = store_issues.merged_into(store, issue_id)
    full = store.get("issue_reports", issue_id)
    attrs = full.get("attrs") or {}
    dup_code = None
    if full.get("duplicate_of") is not None:
        dup_code = store.get("issue_reports", int(full["duplicate_of"]))["code"]
    timeline = []
    for ev in events.itertuples(index=False):
        timeline.append(
            {
                "id": int(ev.id),
                "at": ev.at,
                "user": ev.user,
                "from_status": ev.from_status,
                "to_status": ev.to_status,
                "note": ev.note,
                "photos": [p["id"] for p in photos if p["event_id"] == ev.id],
            }
        )
    pairs = [(e["from_status"], e["to_status"]) for e in timeline]
    previous = lifecycle.status_before_suspension(pairs)
    if row["status"] == S.SUSPENDED.value and previous is None:
        previous = S.REGISTERED
    moves = []
    for move in lifecycle.moves_from(row["status"], previous=previous):
        try:
            lifecycle.check_move(
                user,
                move.source,
                move.target,
                community=row["community"],
                previous=previous,
                note="-",
            )
        except (PermissionDenied, InputError):
            continue
        moves.append(move)
    values = {k: row[k] for k in _REPORT_FIELDS}
    values["workers"] = "、".join(row["workers"])
    return {
        "id": issue_id,
        "code": row["code"],
        "version": int(row["version"]),
        "status": row["status"],
        "values": values,
        "lon": float(row["lon"]),
        "lat": float(row["lat"]),
        "grid": row["grid"],
        "community": row["community"],
        "workers": list(row["workers"]),
        "worker_codes": list(row["worker_codes"]),
        "overdue": bool(row["overdue"]),
        "flagged": bool(attrs.get("boundary_flag")),
        "boundary_distance_m": attrs.get("boundary_distance_m"),
        "neighbours": list(attrs.get("neighbours", [])),
        "possible_duplicates": list(attrs.get("possible_duplicates", [])),
        "duplicate_of": dup_code,
        "duplicates": merged,
        "linked": list(attrs.get("linked", [])),
        "timeline": timeline,
        "photos": photos,
        "moves": moves,
        "dispatch_to": {
            w["code"]: w["name"] for w in (store.workers_of(row["grid"]) if row["grid"] else [])
        },
    }


def timeline_frame(detail: dict[str, Any]) -> pd.DataFrame:
    """Return the timeline of an :func:`issue_detail` as a table (at, user, statuses, note)."""
    columns = ["at", "user", "from_status", "to_status", "note"]
    return pd.DataFrame(detail["timeline"], columns=columns)


def issue_photo(store: Store, user: User, photo_id: int) -> bytes:
    """Return a stored report photo (JPEG without EXIF).

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such photo or its report is outside the user's scope.
    """
    found = store_issues.read_issue_photo(store, int(photo_id))
    if found is None:
        raise NotFound.keyed("queries.no_photo", photo=photo_id)
    issue_id, jpeg = found
    if user.scope is not None:
        community = _community_of_row(store, store.get("issue_reports", issue_id))
        if not _can_see(user, community):
            raise NotFound.keyed("queries.no_photo_scope", photo=photo_id)
    return jpeg


# --------------------------------------------------------------------------- scores


def _scoring_frame(store: Store, cfg: IssueConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    issues = _issue_rows(store)
    grids = store.read_layer("grids")
    grid_codes, communities = _place(issues, grids) if len(issues) else ([], [])
    issues["grid"] = list(grid_codes)
    issues["community"] = list(communities)
    table = _workers_on(
        store.read_layer("assignments"), store.read_layer("workers", include_retired=True)
    )
    zone = cfg.working_hours.zone
    issues["workers"] = [
        _responsible(g, t.astimezone(zone).date(), table, a.get("worker"))[0]
        for g, t, a in zip(issues["grid"], issues["reported_at"], issues["attrs"], strict=True)
    ]
    return pd.DataFrame(issues.drop(columns="geometry")), _events(store)


def scoring_frame(
    store: Store, *, config: IssueConfig | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the reports and their lifecycle events, as the monthly scores take them.

    The reports carry ``grid``, ``community`` and the responsible ``workers`` (codes).
    """
    return _scoring_frame(store, _config(config))


def closed_codes(store: Store, codes: Sequence[str]) -> set[str]:
    """Return the codes among ``codes`` of reports closed after handling (结案).

    Dismissed reports (不予立案) and merged duplicates are closed without handling
    and are not among them.
    """
    from gridmap.issues.scores import case_facts

    issues = _issue_rows(store)
    issues = issues[issues["code"].isin(list(codes))]
    if issues.empty:
        return set()
    facts = case_facts(
        pd.DataFrame(issues.drop(columns="geometry")), _events(store, list(issues["id"]))
    )
    done = (issues["status"].astype(str) == "closed") & ~facts["dismissed"]
    return set(issues.loc[done, "code"])


def month_scores(
    store: Store,
    *,
    month: str,
    by: str = "grid",
    user: User | None = None,
    config: IssueConfig | None = None,
) -> pd.DataFrame:
    """Monthly scores per grid or worker from the store (see :mod:`gridmap.issues.scores`).

    Returns
    -------
    pandas.DataFrame
        :func:`gridmap.issues.scores.monthly_scores`, plus ``worker_name`` when ``by="worker"``.
    """
    cfg = _config(config)
    issues, events = _scoring_frame(store, cfg)
    if user is not None and user.scope is not None:
        issues = issues[issues["community"].isin(list(user.scope))]
    table = monthly_scores(issues, events, month=month, by=by, timezone=cfg.working_hours.timezone)
    if by == "worker":
        workers = store.read_layer("workers", include_retired=True)
        names = dict(zip(workers["code"], workers["name"], strict=True))
        table.insert(2, "worker_name", table["worker"].map(names))
    return table


def scores_workbook(
    store: Store,
    *,
    month: str,
    user: User | None = None,
    config: IssueConfig | None = None,
    audit: bool = True,
) -> bytes:
    """Return the month's grid and worker scores as XLSX (Chinese headers).

    Parameters
    ----------
    store
        The store.
    month
        ``"YYYY-MM"``.
    user
        Limits the scores to the user's scope; named in the audit row.
    config
        Issue configuration.
    audit
        Write an ``export`` audit row now; pass ``False`` when the file is only
        prepared (a download button) and call :func:`record_scores_export` when
        it is actually taken.

    Returns
    -------
    bytes
        The ``.xlsx`` file with sheets 网格考核 and 网格员考核.
    """
    require(user or SYSTEM, "export")
    tables = {
        "网格考核": month_scores(store, month=month, by="grid", user=user, config=config),
        "网格员考核": month_scores(store, month=month, by="worker", user=user, config=config),
    }
    data = scores_xlsx(tables, month=month)
    if audit:
        record_scores_export(store, user, month=month)
    return data


def record_scores_export(store: Store, user: User | None, *, month: str) -> None:
    """Write the audit row of a scores export (who took the month's ranking)."""
    require(user or SYSTEM, "export")
    store.audit(
        "export", username=user.username if user else None, note=f"issue scores {month} (xlsx)"
    )


def issue_stats(
    issues: pd.DataFrame, *, timezone: str = "Asia/Shanghai"
) -> dict[str, pd.DataFrame]:
    """Summaries for the dashboard: by status, by category per month, overdue by grid.

    Parameters
    ----------
    issues
        A frame from :func:`list_issues`.
    timezone
        Local zone deciding the month of each report.

    Returns
    -------
    dict
        ``by_status`` (status -> count), ``by_category`` (month x category counts,
        months as ``YYYY-MM``), ``overdue_by_grid`` (grid -> overdue count, open only).
    """
    frame = pd.DataFrame(issues.drop(columns="geometry", errors="ignore"))
    by_status = frame.groupby("status").size().rename("count")
    order = [s.value for s in IssueStatus if s.value in by_status.index]
    months = frame["reported_at"].dt.tz_convert(timezone).dt.strftime("%Y-%m")
    by_category = (
        frame.assign(month=months).groupby(["month", "category"]).size().unstack(fill_value=0)
    )
    overdue = frame[frame["overdue"]].groupby("grid").size().rename("overdue")
    return {
        "by_status": by_status.reindex(order).to_frame(),
        "by_category": by_category,
        "overdue_by_grid": overdue.sort_values(ascending=False).to_frame(),
    }
