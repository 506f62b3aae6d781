"""Saving grid layouts and assignment plans to the store, with history and conflict checks.

``save_grids``
    replace a community's grids in one transaction; the old grids (with everyone
    who ever held them) go to ``grid_history``; workers carry over to a new grid
    that covers more than half of an old one.
``save_assignments``
    write a :class:`~gridmap.grids.balance.Plan` with optimistic concurrency: if
    a grid or assignment the plan changes was changed by someone else since the
    plan was loaded, nothing is written and :class:`~gridmap.errors.ConflictError`
    lists what changed.
``export_plan`` / ``import_plan``
    the assignment as CSV or XLSX (grid code, worker code, worker name, role,
    valid from); imports are validated row by row and all-or-nothing.
``roster_as_of`` / ``holders_on`` / ``grids_as_of``
    history: the roster and the grid layout on any date, who held a grid then.

Every write checks the user's role and scope (:func:`gridmap.auth.require`) and is
audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.auth import User, require
from gridmap.crs import metric_crs, to_metric
from gridmap.errors import ConflictError, ImportReport, InputError, NotFound, TopologyError
from gridmap.grids import balance
from gridmap.grids.balance import Bounds, Finding, Move, Plan
from gridmap.grids.codes import assign_grid_codes, grid_code_problems, normalize_code
from gridmap.grids.scope import grid_placement_problems
from gridmap.grids.tiling import validate_tiling
from gridmap.messages import Msg
from gridmap.model import LAYERS, WorkerRole
from gridmap.store import assignments as store_assignments

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "CARRY_OVER_SHARE",
    "PLAN_COLUMNS",
    "WorkloadInputs",
    "export_plan",
    "grids_as_of",
    "holders_on",
    "import_plan",
    "read_plan",
    "roster_as_of",
    "save_assignments",
    "save_grids",
    "split_community",
    "workload_inputs",
]

#: A new grid takes over an old grid's workers when it covers more than this share of it.
CARRY_OVER_SHARE = 0.5

#: Columns of a plan file, in order.
PLAN_COLUMNS = ("grid_code", "worker_code", "worker_name", "role", "valid_from")

_PLAN_ALIASES = {
    "grid_code": ("grid", "网格", "网格编码", "网格代码"),
    "worker_code": ("worker", "工号", "网格员编码", "网格员工号"),
    "worker_name": ("name", "姓名", "网格员", "网格员姓名"),
    "role": ("角色", "职务", "岗位"),
    "valid_from": ("from", "起始日期", "开始日期", "生效日期"),
}


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def read_plan(
    store: Store, *, on: dt.date | None = None, communities: Iterable[str] | None = None
) -> Plan:
    """Load the plan valid on a day (default today), with the versions it was read at.

    Parameters
    ----------
    store
        The store.
    on
        The day whose assignments are loaded.
    communities
        Only the grids of these community codes (default all).

    Returns
    -------
    Plan
        Every grid (with or without workers), its locks and ``base_versions``.
    """
    grids = store.read_layer("grids")
    if communities is not None:
        grids = grids[grids["community"].isin(list(communities))]
    assignments = store.read_layer("assignments", as_of=_today(on))
    assignments = assignments[assignments["grid"].isin(set(grids["code"]))]
    return Plan.from_frames(grids, assignments)


# --------------------------------------------------------------------------- split


def split_community(
    store: Store,
    community_code: str,
    *,
    method: str,
    cell_m: float | None = None,
    shape: str = "square",
    target_households: float | None = None,
    target_area_m2: float | None = None,
    min_households: int = 300,
    max_households: int = 500,
    seed: int = 0,
) -> gpd.GeoDataFrame:
    """Generate new grids for a stored community (nothing is saved).

    Parameters
    ----------
    store
        The store (communities, buildings, compounds and roads are read).
    community_code
        The community to split.
    method
        ``"streets"``, ``"cells"`` or ``"households"`` (:data:`split.METHODS`).
    cell_m, shape
        For ``cells``: cell size in metres (default 200) and ``square``/``hex``.
    target_households, target_area_m2
        For ``streets``: the size to merge blocks to (default: the middle of the
        household bounds when there are buildings).
    min_households, max_households, seed
        For ``households``; for ``streets`` the bounds too (grids under the minimum
        are merged where they can be, and every grid outside is reported) and the
        default target. The streets method keeps compounds whole.

    Returns
    -------
    geopandas.GeoDataFrame
        The generator's output (EPSG:4326).

    Raises
    ------
    NotFound
        If the community does not exist.
    InputError
        For an unknown method or bad options.
    """
    from gridmap.grids import split

    communities = store.read_layer("communities")
    row = communities[communities["code"] == community_code]
    if len(row) == 0:
        raise NotFound.keyed("grids.no_community", code=community_code)
    geom = row.geometry.iloc[0]
    if method == "cells":
        return split.grids_from_cells(
            geom,
            cell_m=200.0 if cell_m is None else cell_m,
            shape=shape,
            community_code=community_code,
            buildings=store.read_layer("buildings"),
        )
    if method == "streets":
        buildings = store.read_layer("buildings")
        if target_households is None and target_area_m2 is None and len(buildings):
            target_households = (min_households + max_households) / 2
        compounds = store.read_layer("compounds")
        return split.grids_from_streets(
            geom,
            store.read_layer("roads"),
            target_households=target_households,
            target_area_m2=target_area_m2,
            buildings=buildings if len(buildings) else None,
            community_code=community_code,
            compounds=compounds if len(compounds) else None,
            min_households=min_households if len(buildings) else None,
            max_households=max_households if len(buildings) else None,
        )
    if method == "households":
        return split.grids_from_households(
            geom,
            store.read_layer("buildings"),
            store.read_layer("compounds"),
            min_households=min_households,
            max_households=max_households,
            seed=seed,
            community_code=community_code,
        )
    raise InputError.keyed("grids.unknown_method", method=method, methods=list(split.METHODS))


@dataclass
class WorkloadInputs:
    """What balancing a set of communities needs (see :func:`workload_inputs`)."""

    plan: Plan
    metrics: pd.DataFrame
    adjacency: dict[str, set[str]]
    active: list[str]  # codes of every active worker
    idle: list[str]  # active workers holding no grid anywhere (e.g. new ones)

    def rebalance(
        self, bounds: dict[str, Bounds], *, role: str, require_contiguity: bool = True
    ) -> list[Move]:
        """Propose moves for ``role``, idle workers included (:func:`.balance.rebalance`)."""
        return balance.rebalance(
            self.plan,
            self.metrics,
            bounds,
            adjacency=self.adjacency,
            role=role,
            workers=self.idle,
            require_contiguity=require_contiguity,
        )

    def validate(
        self, bounds: dict[str, Bounds], *, role: str, require_contiguity: bool = True
    ) -> list[Finding]:
        """List what must be fixed before saving (:func:`.balance.validate_plan`)."""
        return balance.validate_plan(
            self.plan,
            self.metrics,
            bounds,
            adjacency=self.adjacency,
            require_contiguity=require_contiguity,
            roles=[role],
            active_workers=self.active,
            workers=self.idle,
        )

    def workload(
        self, bounds: dict[str, Bounds], *, metric: str, role: str, names: dict[str, str]
    ) -> pd.DataFrame:
        """Return the balance bars' rows (:func:`.balance.workload_table`) with ``name``.

        ``name`` is ``名字 (code)``; a worker without a name in ``names`` shows its code twice.
        """
        table = balance.workload_table(
            self.plan, self.metrics, bounds, metric=metric, roles=[role], workers=self.idle
        )
        table["name"] = [balance.worker_label(w, names) for w in table["worker"]]
        return table


def workload_inputs(
    store: Store, *, on: dt.date | None = None, communities: Iterable[str] | None = None
) -> WorkloadInputs:
    """Read what balancing needs: the plan, per-grid figures, adjacency, workers.

    Parameters
    ----------
    store
        The store.
    on
        The day of the plan (default today).
    communities
        Only these community codes (default all).

    Returns
    -------
    WorkloadInputs
        The plan with its base versions, :func:`~gridmap.grids.balance.grid_metrics`,
        :func:`~gridmap.grids.balance.grid_adjacency`, active and idle workers.
    """
    from gridmap import snapshot
    from gridmap.grids.balance import grid_adjacency, grid_metrics

    frames = snapshot.load_frames(store, on=on)
    grids = frames["grids"]
    if communities is not None:
        grids = grids[grids["community"].isin(list(communities))]
    plan = read_plan(store, on=on, communities=communities)
    workers = store.read_layer("workers")
    busy = set(frames["assignments"]["worker"])
    active = sorted(workers["code"])
    return WorkloadInputs(
        plan,
        grid_metrics(grids),
        grid_adjacency(grids),
        active,
        [w for w in active if w not in busy],
    )


# --------------------------------------------------------------------------- grids


def _overlap_shares(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> list[tuple[int, int, float]]:
    """(old position, new position, share of the old grid's area the new one covers)."""
    if len(old) == 0 or len(new) == 0:
        return []
    crs = metric_crs(pd.concat([old.geometry, new.geometry]))
    og = np.asarray(to_metric(old.geometry, crs=crs).array, dtype=object)
    ng = np.asarray(to_metric(new.geometry, crs=crs).array, dtype=object)
    og = np.where(shapely.is_valid(og), og, shapely.make_valid(og))
    ng = np.where(shapely.is_valid(ng), ng, shapely.make_valid(ng))
    tree = shapely.STRtree(ng)
    oi, ni = tree.query(og, predicate="intersects")
    if len(oi) == 0:
        return []
    inter = shapely.area(shapely.intersection(og[oi], ng[ni]))
    base = shapely.area(og[oi])
    share = np.divide(inter, base, out=np.zeros_like(inter), where=base > 0)
    return list(zip(oi.tolist(), ni.tolist(), share.tolist(), strict=True))


def save_grids(
    store: Store,
    user: User,
    community_code: str,
    new_grids_gdf: gpd.GeoDataFrame,
    *,
    base_versions: Mapping[str, int] | None = None,
    reason: str | None = None,
    today: dt.date | None = None,
    tolerance_m2: float = 1.0,
) -> dict[str, Any]:
    """Replace a community's grids with new ones, in one transaction.

    The new grids must tile the community (checked with
    :func:`~gridmap.grids.tiling.validate_tiling`); grids without a code are
    numbered. Every old grid is copied into ``grid_history`` together with all its
    assignments (past and current), then removed. The workers holding an old grid
    today carry over (from ``today``) to the new grid covering more than
    :data:`CARRY_OVER_SHARE` of it. Every row written is audited, plus one summary
    row ``replace_grids``.

    Parameters
    ----------
    store
        The store.
    user
        Who saves; needs the planner role with the community in scope.
    community_code
        The community whose grids are replaced.
    new_grids_gdf
        The new grids (EPSG:4326) with ``geometry`` and optionally ``code``,
        ``name``, ``households``, ``residents`` (e.g. a generator's output).
    base_versions
        Old grid code -> version as the planner saw them; if any differs now (or
        grids were added or removed), nothing is written.
    reason
        Why, for history and the audit log.
    today
        The day the new layout starts (default today).
    tolerance_m2
        Sliver tolerance of the tiling check.

    Returns
    -------
    dict
        ``{"retired": n_old, "created": n_new, "carried": n_assignments,
        "unstaffed": [new codes without carried workers]}``.

    Raises
    ------
    PermissionDenied
        If the user may not edit grids in this community.
    NotFound
        If the community does not exist.
    TopologyError
        If the new grids do not tile the community.
    ConflictError
        If the old grids changed since ``base_versions`` were read.
    """
    require(user, "edit_grids", community=community_code)
    day = _today(today)
    communities = store.read_layer("communities")
    community = communities[communities["code"] == community_code]
    if len(community) == 0:
        raise NotFound.keyed("grids.no_community", code=community_code)
    community_id = int(community["id"].iloc[0])
    new = new_grids_gdf.copy()
    if len(new) == 0:
        raise TopologyError.keyed("grids.needs_one", community=community_code)
    new["community"] = community_code
    if "code" not in new.columns:
        new["code"] = None
    new = assign_grid_codes(new)
    problems = [
        Msg(f"grids.code.problem.{kind}", **fields)
        for c in new["code"]
        for kind, fields in grid_code_problems(c, community_code=community_code)
    ]
    dupes = new["code"][new["code"].duplicated()].tolist()
    problems += [Msg("grids.code.twice", code=d) for d in dupes]
    if problems:
        raise InputError.keyed("grids.code.problems", problems=tuple(problems))
    report = validate_tiling(community, new, tolerance_m2=tolerance_m2)
    if not report.ok:
        raise TopologyError.keyed(
            "grids.not_tiling", community=community_code, summary=report.summary_msg()
        )

    stored = store.read_layer("grids")
    # inside the community (checked by the tiling) is not enough when community
    # polygons overlap: the grids of another community may not be covered either
    clashes = grid_placement_problems(new, communities, stored, tolerance_m2=tolerance_m2)
    if clashes:
        raise TopologyError.keyed("grids.placement", problems=tuple(p.msg for p in clashes))
    old = stored[stored["community"] == community_code].reset_index(drop=True)
    if base_versions is not None:
        now_versions = {c: int(v) for c, v in zip(old["code"], old["version"], strict=True)}
        if now_versions != {str(k): int(v) for k, v in base_versions.items()}:
            changed = sorted(
                c
                for c in set(now_versions) | set(base_versions)
                if now_versions.get(c) != base_versions.get(c)
            )
            err = ConflictError.keyed(
                "grids.changed_since_loaded", community=community_code, changed=tuple(changed)
            )
            err.changes = changed  # type: ignore[attr-defined]
            raise err
    shares = _overlap_shares(old, new)
    takes: dict[int, list[int]] = {}
    for o, n, share in shares:
        if share > CARRY_OVER_SHARE:
            takes.setdefault(n, []).append(o)

    now = dt.datetime.now(dt.UTC)
    carried = 0
    unstaffed = []
    with store.transaction() as conn:
        old_ids = [int(i) for i in old["id"]]
        rows = store_assignments.assignments_of_grids(conn, old_ids)
        by_grid: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            by_grid.setdefault(int(r["grid_id"]), []).append(r)
        # 1. history, then remove the old assignments and grids
        for i, g in old.iterrows():
            gid = int(g["id"])
            try:
                stored = store.get("grids", gid, conn=conn)
            except NotFound:
                stored = None
            if stored is None or int(stored["version"]) != int(g["version"]):
                raise ConflictError.keyed("grids.changed_while_saving", grid=g["code"])
            history = [
                {
                    "worker": r["worker_code"],
                    "role": r["role"],
                    "valid_from": None if r["valid_from"] is None else r["valid_from"].isoformat(),
                    "valid_to": None if r["valid_to"] is None else r["valid_to"].isoformat(),
                }
                for r in by_grid.get(gid, [])
            ]
            attrs = {
                "name": None if pd.isna(g["name"]) else str(g["name"]),
                "households": None if pd.isna(g["households"]) else int(g["households"]),
                "residents": None if pd.isna(g["residents"]) else int(g["residents"]),
                "locked": bool(stored["locked"]),
                "version": int(stored["version"]),
                "created_at": stored["created_at"].isoformat() if stored["created_at"] else None,
                "assignments": history,
            }
            store.insert(
                "grid_history",
                {
                    "grid_code": g["code"],
                    "community_code": community_code,
                    "geom": g.geometry,
                    "attrs": attrs,
                    "retired_at": now,
                    "reason": reason or "replaced by a new split",
                },
                username=user.username,
                conn=conn,
            )
            del i
        for r in rows:
            store.delete(
                "assignments",
                int(r["id"]),
                version=int(r["version"]),
                username=user.username,
                conn=conn,
            )
        for gid, version in zip(old["id"], old["version"], strict=True):
            store.delete("grids", int(gid), version=int(version), username=user.username, conn=conn)
        # 2. the new grids, and the workers carried over
        for n, (_, g) in enumerate(new.iterrows()):
            values = {
                "code": g["code"],
                "community_id": community_id,
                "name": None if "name" not in new.columns or pd.isna(g["name"]) else g["name"],
                "households": _int_or_none(g.get("households")),
                "residents": _int_or_none(g.get("residents")),
                "locked": False,
                "geom": g.geometry,
                "source_crs": "EPSG:4326",
            }
            gid = store.insert("grids", values, username=user.username, conn=conn)
            seen: set[int] = set()
            for o in takes.get(n, []):
                for r in by_grid.get(int(old["id"].iloc[o]), []):
                    current = (r["valid_from"] is None or r["valid_from"] <= day) and (
                        r["valid_to"] is None or r["valid_to"] >= day
                    )
                    if not current or int(r["worker_id"]) in seen:
                        continue
                    seen.add(int(r["worker_id"]))
                    store.insert(
                        "assignments",
                        {
                            "grid_id": gid,
                            "worker_id": int(r["worker_id"]),
                            "role": r["role"],
                            "valid_from": day,
                            "valid_to": None,
                        },
                        username=user.username,
                        conn=conn,
                    )
                    carried += 1
            if not seen:
                unstaffed.append(g["code"])
        store.audit(
            "replace_grids",
            username=user.username,
            table="grids",
            note=(
                f"community {community_code}: {len(old)} grids retired, {len(new)} created, "
                f"{carried} assignments carried over" + (f"; reason: {reason}" if reason else "")
            ),
            conn=conn,
        )
    return {"retired": len(old), "created": len(new), "carried": carried, "unstaffed": unstaffed}


def _int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return round(float(value))


# --------------------------------------------------------------------------- assignments


def save_assignments(
    store: Store,
    user: User,
    plan: Plan,
    *,
    base_versions: Mapping[str, Mapping[Any, int]] | None = None,
    today: dt.date | None = None,
    note: str | None = None,
    valid_from: Mapping[tuple[str, str], dt.date] | None = None,
) -> dict[str, int]:
    """Save the grids a plan changed, refusing if anyone changed them meanwhile.

    For every grid whose workers or lock differ from the plan as loaded: an
    assignment no longer in the plan ends yesterday (or is removed if it had not
    started yet), a new one starts ``today``, the grid's lock is set, and the grid's
    version goes up (so another planner's stale save of the same grid is refused).
    All in one transaction; each row change is audited, plus one ``reassign`` row.

    Parameters
    ----------
    store
        The store.
    user
        Who saves; needs the ``assign`` right in each changed grid's community.
    plan
        The edited plan.
    base_versions
        ``{"grids": {code: version}, "assignments": {id: version}}`` as loaded;
        default ``plan.base_versions``.
    today
        The day the changes take effect (default today).
    note
        Free text for the audit log.
    valid_from
        Start date per new ``(grid, worker)`` (default ``today``).

    Returns
    -------
    dict
        ``{"grids": changed grids, "ended": assignments ended, "added": added}``.

    Raises
    ------
    ConflictError
        If a changed grid, or its assignments, were changed since the plan was
        loaded; ``err.changes`` lists them. Nothing is written.
    PermissionDenied
        If the user may not assign in a grid's community.
    NotFound
        If a grid or worker does not exist.
    """
    day = _today(today)
    base = base_versions if base_versions is not None else plan.base_versions
    base_grids = {str(k): int(v) for k, v in (base.get("grids") or {}).items()}
    base_assign = {int(k): int(v) for k, v in (base.get("assignments") or {}).items()}
    changes = plan.changes()
    if not changes:
        return {"grids": 0, "ended": 0, "added": 0}
    codes = [c["grid"] for c in changes]
    wanted_workers = sorted({w for c in changes for w in c["after"]})
    ended = added = 0
    with store.transaction() as conn:
        grid_rows, assigned = store_assignments.grid_states(conn, codes, day)
        missing = [c for c in codes if c not in grid_rows]
        if missing:
            raise NotFound.keyed("grids.gone", codes=missing)
        for code in codes:
            require(user, "assign", community=grid_rows[code]["community"])
        conflicts = []
        for ch in changes:
            code = ch["grid"]
            row = grid_rows[code]
            if code in base_grids and int(row["version"]) != base_grids[code]:
                conflicts.append(
                    f"grid {code} was changed (version {base_grids[code]} -> {row['version']})"
                )
            now = {(r["worker_code"], r["role"]) for r in assigned[code]}
            before = set(ch["before"].items())
            if now != before:
                gone = sorted(before - now)
                new = sorted(now - before)
                added = tuple(f"{w} ({r})" for w, r in new)
                removed = tuple(f"{w} ({r})" for w, r in gone)
                key = "added_removed" if added and removed else "added" if added else "removed"
                conflicts.append(
                    Msg(f"grids.conflict.{key}", code=code, added=added, removed=removed)
                )
            for r in assigned[code]:
                if int(r["id"]) in base_assign and int(r["version"]) != base_assign[int(r["id"])]:
                    conflicts.append(
                        Msg("grids.conflict.edited", code=code, worker=r["worker_code"])
                    )
        if conflicts:
            err = ConflictError.keyed("grids.view_out_of_date", changes=tuple(conflicts))
            err.changes = [str(c) for c in conflicts]  # type: ignore[attr-defined]
            raise err
        worker_ids = store_assignments.worker_ids(conn, wanted_workers)
        unknown = [x for x in wanted_workers if x not in worker_ids]
        if unknown:
            raise NotFound.keyed("grids.no_workers", codes=unknown)
        for ch in changes:
            code = ch["grid"]
            row = grid_rows[code]
            after = ch["after"]
            for r in assigned[code]:
                if after.get(r["worker_code"]) == r["role"]:
                    continue
                ended += 1
                store_assignments.end_assignment(store, conn, r, day, username=user.username)
            have = {(r["worker_code"], r["role"]) for r in assigned[code]}
            for worker, role in sorted(after.items()):
                if (worker, role) in have:
                    continue
                start = (valid_from or {}).get((code, worker), day)
                store.insert(
                    "assignments",
                    {
                        "grid_id": row["id"],
                        "worker_id": worker_ids[worker],
                        "role": role,
                        "valid_from": start,
                        "valid_to": None,
                    },
                    username=user.username,
                    conn=conn,
                )
                added += 1
            store.update(
                "grids",
                row["id"],
                {"locked": bool(ch["locked_after"])},
                version=int(row["version"]),
                username=user.username,
                conn=conn,
            )
        store.audit(
            "reassign",
            username=user.username,
            table="assignments",
            note=f"{len(changes)} grids changed: {ended} assignments ended, {added} added"
            + (f"; {note}" if note else ""),
            conn=conn,
        )
    return {"grids": len(changes), "ended": ended, "added": added}


# --------------------------------------------------------------------------- history


def _layout_batches(store: Store, day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Community code -> the retired grids that were its layout on ``day``.

    A community whose grids were replaced after ``day`` had, on ``day``, the grids
    retired in the first replacement after it (each replacement retires a whole
    community at once). Communities not replaced since keep their current grids.
    """
    batches: dict[str, dt.datetime] = {}
    rows = store_assignments.grid_history(store)
    for h in rows:
        if h["retired_at"].date() > day:
            c = h["community_code"]
            if c not in batches or h["retired_at"] < batches[c]:
                batches[c] = h["retired_at"]
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in batches}
    for h in rows:
        c = h["community_code"]
        if c in batches and h["retired_at"] == batches[c]:
            out[c].append(h)
    return out


def roster_as_of(store: Store, day: dt.date | None = None) -> pd.DataFrame:
    """Return who held which grid on ``day``, including grids replaced since.

    Parameters
    ----------
    store
        The store.
    day
        The date (default today).

    Returns
    -------
    pandas.DataFrame
        Columns ``grid_code, worker_code, worker_name, role, valid_from, valid_to,
        retired`` (``retired``: the grid has since been replaced by a new split),
        sorted by grid and role.
    """
    day = _today(day)
    workers = store.read_layer("workers", include_retired=True)
    names = dict(zip(workers["code"], workers["name"], strict=True))
    batches = _layout_batches(store, day)
    grids = store.read_layer("grids")
    replaced = {
        code for code, c in zip(grids["code"], grids["community"], strict=True) if c in batches
    }
    current = store.read_layer("assignments", as_of=day)
    rows = [
        {
            "grid_code": r.grid,
            "worker_code": r.worker,
            "worker_name": names.get(r.worker),
            "role": r.role,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
            "retired": False,
        }
        for r in current.itertuples()
        if r.grid not in replaced
    ]
    for batch in batches.values():
        for h in batch:
            for a in h["attrs"].get("assignments", []):
                start = _date(a.get("valid_from"))
                end = _date(a.get("valid_to"))
                if (start is None or start <= day) and (end is None or end >= day):
                    rows.append(
                        {
                            "grid_code": h["grid_code"],
                            "worker_code": a["worker"],
                            "worker_name": names.get(a["worker"]),
                            "role": a["role"],
                            "valid_from": start,
                            "valid_to": end,
                            "retired": True,
                        }
                    )
    order = {r.value: i for i, r in enumerate(WorkerRole)}
    frame = pd.DataFrame(
        rows,
        columns=[
            "grid_code",
            "worker_code",
            "worker_name",
            "role",
            "valid_from",
            "valid_to",
            "retired",
        ],
    )
    if len(frame):
        frame["_o"] = frame["role"].map(order).fillna(99)
        frame = frame.sort_values(["grid_code", "_o", "worker_code"]).drop(columns="_o")
    return frame.reset_index(drop=True)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def holders_on(store: Store, grid_code: str, day: dt.date) -> list[dict[str, Any]]:
    """Return who held grid ``grid_code`` on ``day`` (also for grids replaced since).

    Returns
    -------
    list of dict
        ``worker_code, worker_name, role, valid_from, valid_to`` per holder.
    """
    roster = roster_as_of(store, day)
    rows = roster[roster["grid_code"] == grid_code]
    return rows.drop(columns=["grid_code", "retired"]).to_dict("records")


def grids_as_of(store: Store, day: dt.date) -> gpd.GeoDataFrame:
    """Return the grid layout on ``day``: for each community its grids of that day.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code, community, name, households, residents, retired`` in EPSG:4326.
    """
    batches = _layout_batches(store, day)
    grids = store.read_layer("grids")
    current = grids[~grids["community"].isin(list(batches))]
    current = current[["code", "community", "name", "households", "residents", "geometry"]]
    current = current.assign(retired=False)
    old = [
        {
            "code": h["grid_code"],
            "community": h["community_code"],
            "name": h["attrs"].get("name"),
            "households": h["attrs"].get("households"),
            "residents": h["attrs"].get("residents"),
            "retired": True,
            "geometry": h["geom"],
        }
        for batch in batches.values()
        for h in batch
    ]
    if old:
        frame = pd.concat([current, gpd.GeoDataFrame(old, crs="EPSG:4326")], ignore_index=True)
        return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    return gpd.GeoDataFrame(current.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")


# --------------------------------------------------------------------------- plan files


def export_plan(
    store: Store, path: str | Path, *, as_of: dt.date | None = None, user: User | None = None
) -> int:
    """Write the assignment valid on a day as CSV (UTF-8 with BOM) or XLSX.

    Parameters
    ----------
    store
        The store.
    path
        Output file; ``.xlsx`` writes a workbook, anything else CSV.
    as_of
        The day (default today); grids retired since are left out.
    user
        Who exports (needs the ``export`` right; default the system): only the grids
        of the user's communities are written; named in the audit log.

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not export.
    """
    from gridmap.auth import SYSTEM
    from gridmap.io.atomic import replacing
    from gridmap.io.writers import csv_text, xlsx_plain_text

    user = user or SYSTEM
    require(user, "export")
    roster = roster_as_of(store, as_of)
    roster = roster.loc[~roster["retired"].astype(bool)]
    if user.scope is not None:  # a grid code starts with its community's code
        roster = roster.loc[roster["grid_code"].str[:12].isin(list(user.scope))]
    frame = roster[list(PLAN_COLUMNS)].copy()
    frame["valid_from"] = [None if v is None else v.isoformat() for v in frame["valid_from"]]
    path = Path(path)
    with replacing(path) as tmp:  # whole or not at all: a full disk leaves no half file
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            frame.to_excel(tmp, index=False)
            book = openpyxl.load_workbook(tmp)
            xlsx_plain_text(book)  # names are data, never formulas
            book.save(tmp)
        else:
            frame.map(csv_text).to_csv(tmp, index=False, encoding="utf-8-sig")
    store.audit(
        "export",
        username=None if user is None else user.username,
        table="assignments",
        note=f"plan as of {_today(as_of).isoformat()} to {path.name} ({len(frame)} rows)",
    )
    return len(frame)


def _read_plan_file(path: Path, report: ImportReport) -> pd.DataFrame | None:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str)
        else:
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                report.add_key("io.table.undecodable")
                return None
            import io

            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        report.add_key("io.file.unreadable", detail=str(exc))
        return None
    except Exception as exc:
        report.add_key("io.file.unreadable", detail=f"{type(exc).__name__}: {exc}")
        return None
    rename = {}
    for column in frame.columns:
        key = str(column).strip().lower().replace(" ", "_")
        for name, aliases in _PLAN_ALIASES.items():
            if key == name or key in aliases:
                rename[column] = name
    frame = frame.rename(columns=rename)
    for name in ("grid_code", "role"):
        if name not in frame.columns:
            report.add_key("io.plan.no_column", name=name)
    if "worker_code" not in frame.columns and "worker_name" not in frame.columns:
        report.add_key("io.plan.no_worker_column")
    return None if report.errors else frame


def _role_lookup() -> dict[str, str]:
    spec = LAYERS["assignments"].column("role")
    out = {}
    for value, spellings in spec.choices.items():
        out[value.lower()] = value
        for s in spellings:
            out[s.strip().lower()] = value
    return out


def import_plan(
    store: Store,
    user: User,
    path: str | Path,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import a plan file: the workers of every grid it lists become exactly its rows.

    Rows are checked one by one (grid exists, worker exists and is active and is
    named consistently, role known, date valid, no duplicate grid/worker); any error
    means nothing is written. Grids not in the file keep their workers. A row equal
    to the current assignment changes nothing, so importing an export is a no-op.

    Parameters
    ----------
    store
        The store.
    user
        Who imports; needs ``import`` and ``assign`` in every community concerned.
    path
        A ``.csv`` (UTF-8 or GBK) or ``.xlsx`` file with the columns
        :data:`PLAN_COLUMNS` (Chinese headers accepted).
    dry_run
        Check only.
    today
        Start date of rows without ``valid_from`` (default today).

    Returns
    -------
    ImportReport
        ``rows``, ``problems`` with their row numbers, and ``written`` (assignments
        added or ended).

    Raises
    ------
    PermissionDenied
        If the user may not import or assign in a community of the file.
    ConflictError
        If the store changed while importing (nothing is written).
    """
    require(user, "import")
    day = _today(today)
    path = Path(path)
    report = ImportReport(str(path.name), "assignments")
    frame = _read_plan_file(path, report)
    if frame is None:
        return report
    report.rows = len(frame)
    grids = store.read_layer("grids")
    grid_community = dict(zip(grids["code"], grids["community"], strict=True))
    workers = store.read_layer("workers", include_retired=True)
    by_code = {c: r for c, r in zip(workers["code"], workers.itertuples(), strict=True)}
    by_name: dict[str, list[str]] = {}
    for r in workers.itertuples():
        by_name.setdefault(r.name, []).append(r.code)
    roles = _role_lookup()
    wanted: dict[str, dict[str, str]] = {}
    starts: dict[tuple[str, str], dt.date] = {}
    for i, row in enumerate(frame.to_dict("records"), start=1):
        grid = normalize_code(row.get("grid_code"))
        code = normalize_code(row.get("worker_code"))
        name = normalize_code(row.get("worker_name"))
        role_text = normalize_code(row.get("role"))
        ok = True
        if grid is None:
            report.add_key("io.assign.grid_empty", row=i, column="grid_code")
            ok = False
        elif grid not in grid_community:
            report.add_key("io.assign.no_grid", row=i, column="grid_code", grid=grid)
            ok = False
        worker = None
        if code is not None:
            if code not in by_code:
                report.add_key("io.assign.no_worker", row=i, column="worker_code", code=code)
                ok = False
            else:
                worker = code
                if name is not None and by_code[code].name != name:
                    report.add_key(
                        "io.assign.wrong_name",
                        row=i,
                        column="worker_name",
                        code=code,
                        stored=by_code[code].name,
                        name=name,
                    )
                    ok = False
        elif name is not None:
            found = by_name.get(name, [])
            if len(found) != 1:
                report.add_key(
                    "io.assign.name_unknown" if not found else "io.assign.name_twice",
                    row=i,
                    column="worker_name",
                    name=name,
                )
                ok = False
            else:
                worker = found[0]
        else:
            report.add_key("io.assign.worker_missing", row=i, column="worker_code")
            ok = False
        if worker is not None and not bool(by_code[worker].active):
            report.add_key("io.assign.inactive", row=i, column="worker_code", worker=worker)
            ok = False
        role = roles.get((role_text or "").strip().lower())
        if role is None:
            report.add_key(
                "io.assign.unknown_role",
                row=i,
                column="role",
                role=role_text,
                roles=[r.value for r in WorkerRole],
            )
            ok = False
        start = day
        raw_start = normalize_code(row.get("valid_from"))
        if raw_start is not None:
            try:
                start = _date(raw_start)  # type: ignore[assignment]
            except ValueError:
                report.add_key("io.assign.bad_date", row=i, column="valid_from", value=raw_start)
                ok = False
        if not ok:
            continue
        assert grid is not None and worker is not None and role is not None
        if worker in wanted.get(grid, {}):
            report.add_key("io.assign.twice", row=i, worker=worker, grid=grid)
            continue
        wanted.setdefault(grid, {})[worker] = role
        starts[(grid, worker)] = start
    if not report.ok:
        return report
    for community in sorted({grid_community[g] for g in wanted}):
        require(user, "assign", community=community)
    plan = read_plan(store, on=day)
    for grid, ws in wanted.items():
        current = plan.workers_of(grid)
        if current == ws:
            continue
        plan.unassign(grid)
        for worker, role in ws.items():
            plan.assign(grid, worker, role, replace=False)
    changes = plan.changes()
    report.written = sum(len(set(c["before"].items()) ^ set(c["after"].items())) for c in changes)
    if dry_run or not changes:
        return report
    save_assignments(
        store, user, plan, today=day, note=f"plan import {path.name}", valid_from=starts
    )
    return report
