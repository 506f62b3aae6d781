"""Shared helpers of the store-backed issue modules (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.errors import NotFound
from gridmap.issues.categories import IssueConfig, load_issue_config
from gridmap.issues.deadlines import to_utc
from gridmap.locate import polygon_index_of_points
from gridmap.model import IssueStatus
from gridmap.store import issues as store_issues

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

S = IssueStatus
_ROLE_RANK = {"grid_head": 0, "full_time": 1, "part_time": 2, "volunteer": 3}


def _now(at: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if at is None else to_utc(at)


def _config(config: IssueConfig | None) -> IssueConfig:
    return config if config is not None else load_issue_config()


def _issue_rows(store: Store, ids: Sequence[int] | None = None) -> gpd.GeoDataFrame:
    frame = store_issues.read_issue_reports(store, ids)
    geoms = frame.pop("geom").tolist() if len(frame) else []
    for name in ("reported_at", "deadline", "updated_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    frame["attrs"] = [a if isinstance(a, dict) else {} for a in frame["attrs"]]
    frame["duplicate_of"] = frame["duplicate_of"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def _events(store: Store, ids: Sequence[int] | None = None) -> pd.DataFrame:
    frame = store_issues.read_issue_events(store, ids).astype(object)
    frame = frame.where(frame.notna(), None)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def _place(issues: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Grid and community code of each report (stored grid, else located)."""
    grid = issues["grid_code"].to_numpy(dtype=object).copy()
    missing = np.array([not isinstance(g, str) or not g for g in grid], dtype=bool)
    if missing.any() and len(grids):
        geoms = issues.geometry.to_numpy()[missing]
        ok = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
        found = np.full(len(geoms), -1)
        if ok.any():
            found[ok] = polygon_index_of_points(geoms[ok], grids.geometry.to_numpy())
        codes = grids["code"].to_numpy(dtype=object)
        grid[missing] = [codes[i] if i >= 0 else None for i in found]
    community_of = dict(zip(grids["code"], grids["community"], strict=True))
    community = np.array([community_of.get(g) for g in grid], dtype=object)
    return grid, community


def _workers_on(assignments: pd.DataFrame, workers: pd.DataFrame) -> dict[Any, list[tuple]]:
    """Grid code -> its assignments ``(code, name, valid_from, valid_to)``, grid head first."""
    names = dict(zip(workers["code"], workers["name"], strict=True))
    out: dict[Any, list[tuple]] = {}
    for grid, worker, role, start, stop in zip(
        assignments["grid"],
        assignments["worker"],
        assignments["role"],
        assignments["valid_from"],
        assignments["valid_to"],
        strict=True,
    ):
        start = None if pd.isna(start) else start
        stop = None if pd.isna(stop) else stop
        name = str(names.get(worker, worker))
        out.setdefault(grid, []).append((_ROLE_RANK.get(role, 9), name, str(worker), start, stop))
    for rows in out.values():
        rows.sort()
    return {g: [(c, n, a, b) for _, n, c, a, b in rows] for g, rows in out.items()}


def _responsible(
    grid: object, day: dt.date, table: dict[Any, list[tuple]], dispatched: object
) -> tuple[list[str], list[str]]:
    """Worker codes and names responsible for ``grid`` on ``day`` (or the dispatched one)."""
    rows = [
        (code, name)
        for code, name, start, stop in table.get(grid, [])
        if (start is None or start <= day) and (stop is None or stop >= day)
    ]
    if isinstance(dispatched, str) and dispatched:
        rows = [r for r in rows if r[0] == dispatched] or [(dispatched, dispatched)]
    return [r[0] for r in rows], [r[1] for r in rows]


def resolve_issue(store: Store, issue: int | str) -> int:
    """Return the id of a report given its id or its code (e.g. ``AJ20261102001``).

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such report.
    """
    found = store_issues.find_issue(store, str(issue).strip())
    if found is None:
        raise NotFound.keyed("issues.no_such", issue=issue)
    return found


def _community_of_row(store: Store, row: dict[str, Any]) -> str | None:
    attrs = row.get("attrs") or {}
    if attrs.get("community"):
        return str(attrs["community"])
    grids = store.read_layer("grids")
    frame = gpd.GeoDataFrame(
        {"grid_code": [row.get("grid_code")]},
        geometry=gpd.GeoSeries([row.get("geom")], crs="EPSG:4326"),
        crs="EPSG:4326",
    )
    return _place(frame, grids)[1][0]


def _can_see(user: User | None, community: str | None) -> bool:
    if user is None or user.scope is None:
        return True
    return community is not None and community in user.scope
