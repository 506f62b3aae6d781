"""Workloads: per-worker totals against bounds, plan validation, rebalancing, undo/redo.

A *plan* says which worker holds which grid in which role (:class:`Plan`). Each
grid has figures (:func:`grid_metrics`: grids, households, residents, area, point
records, open issue reports); a worker's totals are the sums over the grids they
hold in the roles that count (:func:`worker_totals`). :class:`Bounds` give each
figure a hard minimum and maximum and a soft target (as in ArcGIS Territory
Design). :func:`validate_plan` lists what must be fixed before saving,
:func:`rebalance` proposes moves ``(grid, from, to)`` that bring workers within
bounds without touching locked grids or splitting anyone's area.

Two grids are *adjacent* when they share a boundary segment (not just a corner):
see :func:`grid_adjacency`. Everything here is pure: no store, no Streamlit.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.crs import metric_crs, to_metric
from gridmap.errors import InputError
from gridmap.grids.codes import normalize_code
from gridmap.model import WorkerRole

__all__ = [
    "GRID_ROW_COLUMNS",
    "METRICS",
    "Bounds",
    "Finding",
    "Move",
    "Plan",
    "accepted_moves",
    "bound_marks",
    "bounds_between",
    "codes_at_rows",
    "default_bounds",
    "grid_adjacency",
    "grid_metrics",
    "grid_rows",
    "is_contiguous",
    "moves_table",
    "plan_grids",
    "rebalance",
    "selected_grids",
    "suggested_bounds",
    "toggle_grid",
    "validate_plan",
    "worker_label",
    "worker_totals",
    "workload_table",
]

METRICS = ("grids", "households", "residents", "area_m2", "points", "open_issues")
"""The per-grid figures a workload is measured in."""

#: Roles whose grids count towards a worker's workload by default.
WORKLOAD_ROLES = (WorkerRole.FULL_TIME.value, WorkerRole.PART_TIME.value)

_POINT_COLUMNS = ("boards", "fitness", "bins")


# --------------------------------------------------------------------------- figures


def grid_metrics(grids_gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the figures of every grid, indexed by grid code.

    Parameters
    ----------
    grids_gdf
        Grids in EPSG:4326 with ``code`` and optionally ``households``,
        ``residents``, ``area_m2``, ``points`` (or ``boards``, ``fitness``, ``bins``,
        as :func:`gridmap.snapshot.load_frames` adds them) and ``open_issues``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`METRICS` (floats; missing figures are 0), index the grid codes.
        ``area_m2`` is computed in a metric CRS when the column is absent.

    Raises
    ------
    InputError
        If there is no ``code`` column.
    """
    if "code" not in grids_gdf.columns:
        raise InputError.keyed("grids.no_code_column")
    codes = [normalize_code(c) for c in grids_gdf["code"]]
    n = len(codes)
    out = pd.DataFrame(index=pd.Index(codes, name="grid"))
    out["grids"] = 1.0

    def column(name: str) -> np.ndarray:
        if name not in grids_gdf.columns:
            return np.zeros(n)
        return pd.to_numeric(grids_gdf[name], errors="coerce").fillna(0).to_numpy(dtype=float)

    out["households"] = column("households")
    out["residents"] = column("residents")
    if "area_m2" in grids_gdf.columns:
        out["area_m2"] = column("area_m2")
    elif isinstance(grids_gdf, gpd.GeoDataFrame) and n and grids_gdf.crs is not None:
        valid = ~(grids_gdf.geometry.isna() | grids_gdf.geometry.is_empty)
        areas = np.zeros(n)
        if valid.any():
            areas[valid.to_numpy()] = to_metric(grids_gdf.geometry[valid]).area.to_numpy()
        out["area_m2"] = areas
    else:
        out["area_m2"] = 0.0
    if "points" in grids_gdf.columns:
        out["points"] = column("points")
    else:
        out["points"] = sum((column(c) for c in _POINT_COLUMNS), np.zeros(n))
    out["open_issues"] = column("open_issues")
    return out


def grid_adjacency(
    grids_gdf: gpd.GeoDataFrame, *, tolerance_m: float = 0.5, min_shared_m: float = 1.0
) -> dict[str, set[str]]:
    """Return which grids share a boundary segment with which.

    Two grids are adjacent when at least ``min_shared_m`` metres of one's boundary
    lie within ``tolerance_m`` of the other (beyond the ``2 * tolerance_m`` a mere
    corner contact gives) (so imported grids whose edges do not
    match vertex for vertex still count); touching at a corner does not count.
    Computed in a metric CRS with a spatial index.

    Parameters
    ----------
    grids_gdf
        Grids in EPSG:4326 with a ``code`` column.
    tolerance_m
        How far apart two edges may be and still be shared.
    min_shared_m
        The shortest shared boundary that makes two grids adjacent.

    Returns
    -------
    dict
        Grid code -> codes of its neighbours (every grid is a key).
    """
    codes = [normalize_code(c) for c in grids_gdf["code"]]
    adj: dict[str, set[str]] = {c: set() for c in codes if c is not None}
    valid = ~(grids_gdf.geometry.isna() | grids_gdf.geometry.is_empty).to_numpy()
    if valid.sum() < 2:
        return adj
    sub = grids_gdf[valid]
    sub_codes = [c for c, v in zip(codes, valid, strict=True) if v]
    geoms = np.asarray(to_metric(sub.geometry, crs=metric_crs(sub)).array, dtype=object)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = shapely.make_valid(geoms[bad])
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance_m)
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return adj
    shared = shapely.length(
        shapely.intersection(
            shapely.boundary(geoms[left]), shapely.buffer(geoms[right], tolerance_m)
        )
    )
    for a, b, length in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
        ca, cb = sub_codes[a], sub_codes[b]
        # a corner contact yields up to 2 * tolerance_m of "shared" boundary: discount it
        if (
            length - 2 * tolerance_m >= min_shared_m
            and ca is not None
            and cb is not None
            and ca != cb
        ):
            adj[ca].add(cb)
            adj[cb].add(ca)
    return adj


def _n_components(grids: Iterable[str], adjacency: Mapping[str, set[str]]) -> int:
    todo = set(grids)
    n = 0
    while todo:
        n += 1
        stack = [todo.pop()]
        while stack:
            g = stack.pop()
            for h in adjacency.get(g, ()):
                if h in todo:
                    todo.discard(h)
                    stack.append(h)
    return n


def is_contiguous(grids: Iterable[str], adjacency: Mapping[str, set[str]]) -> bool:
    """Return whether ``grids`` form one connected area (empty and single sets do)."""
    todo = set(grids)
    if len(todo) <= 1:
        return True
    start = next(iter(todo))
    seen = {start}
    stack = [start]
    while stack:
        g = stack.pop()
        for h in adjacency.get(g, ()):
            if h in todo and h not in seen:
                seen.add(h)
                stack.append(h)
    return len(seen) == len(todo)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Move:
    """Move one grid from one worker to another, in ``role``."""

    grid: str
    from_worker: str | None
    to_worker: str
    role: str = WorkerRole.FULL_TIME.value

    def __str__(self) -> str:
        return f"{self.grid}: {self.from_worker or '-'} -> {self.to_worker} ({self.role})"


@dataclass(frozen=True)
class _Change:
    grid: str
    before: tuple[tuple[str, str], ...]  # ((worker, role), ...) sorted
    after: tuple[tuple[str, str], ...]
    locked_before: bool
    locked_after: bool


class Plan:
    """Who holds which grid in which role, with locks and an undo/redo history.

    Every editing call (:meth:`assign`, :meth:`unassign`, :meth:`lock`,
    :meth:`unlock`, :meth:`apply`) is one step that :meth:`undo` takes back and
    :meth:`redo` repeats. A new edit after an undo clears the redo stack. The plan
    remembers the versions of the rows it was loaded from (``base_versions``) so a
    save can detect whether anyone changed them meanwhile.

    Parameters
    ----------
    assignments
        Grid code -> {worker code: role}.
    locked
        Codes of locked grids (their assignment must not change in a rebalance).
    grids
        Every grid code of the plan (grids without workers included); default the
        keys of ``assignments``.
    base_versions
        What the plan was loaded from: ``{"grids": {code: version}, "assignments":
        {id: version}}``.
    """

    def __init__(
        self,
        assignments: Mapping[str, Mapping[str, str]] | None = None,
        *,
        locked: Iterable[str] = (),
        grids: Iterable[str] | None = None,
        base_versions: Mapping[str, Mapping[Any, int]] | None = None,
    ):
        self.assignments: dict[str, dict[str, str]] = {
            str(g): {str(w): str(r) for w, r in ws.items()} for g, ws in (assignments or {}).items()
        }
        for g in grids or ():
            self.assignments.setdefault(str(g), {})
        self.locked: set[str] = {str(g) for g in locked}
        self.base_versions: dict[str, dict[Any, int]] = {
            k: dict(v) for k, v in (base_versions or {}).items()
        }
        self._undo: list[list[_Change]] = []
        self._redo: list[list[_Change]] = []
        self._original = (copy.deepcopy(self.assignments), set(self.locked))

    # -- construction

    @classmethod
    def from_frames(cls, grids: pd.DataFrame, assignments: pd.DataFrame) -> Plan:
        """Build a plan from store frames.

        Parameters
        ----------
        grids
            Grids with ``code`` and optionally ``locked`` and ``version``.
        assignments
            Assignments valid on the plan's day with ``grid``, ``worker``, ``role``
            and optionally ``id`` and ``version``.

        Returns
        -------
        Plan
            A plan without history.
        """
        codes = [normalize_code(c) for c in grids["code"]]
        locked: list[str] = []
        if "locked" in grids.columns:
            locked = [
                c
                for c, flag in zip(codes, grids["locked"], strict=True)
                if c and not pd.isna(flag) and bool(flag)
            ]
        data: dict[str, dict[str, str]] = {c: {} for c in codes if c}
        for g, w, r in zip(
            assignments["grid"], assignments["worker"], assignments["role"], strict=True
        ):
            g, w = normalize_code(g), normalize_code(w)
            if g is None or w is None:
                continue
            data.setdefault(g, {})[w] = str(r)
        versions: dict[str, dict[Any, int]] = {"grids": {}, "assignments": {}}
        if "version" in grids.columns:
            versions["grids"] = {
                c: int(v) for c, v in zip(codes, grids["version"], strict=True) if c and pd.notna(v)
            }
        if "id" in assignments.columns and "version" in assignments.columns:
            versions["assignments"] = {
                int(i): int(v)
                for i, v in zip(assignments["id"], assignments["version"], strict=True)
            }
        return cls(data, locked=locked, base_versions=versions)

    # -- reading

    @property
    def grids(self) -> list[str]:
        """Every grid code, sorted."""
        return sorted(self.assignments)

    def workers_of(self, grid: str) -> dict[str, str]:
        """Worker code -> role on ``grid``."""
        return dict(self.assignments.get(grid, {}))

    def holder(self, grid: str, role: str) -> str | None:
        """Return the (first, by code) worker holding ``grid`` in ``role``, or ``None``."""
        found = sorted(w for w, r in self.assignments.get(grid, {}).items() if r == role)
        return found[0] if found else None

    def grids_of(self, worker: str, *, roles: Iterable[str] | None = None) -> list[str]:
        """Codes of the grids ``worker`` holds (in ``roles``, default any role), sorted."""
        wanted = None if roles is None else set(roles)
        return sorted(
            g
            for g, ws in self.assignments.items()
            if worker in ws and (wanted is None or ws[worker] in wanted)
        )

    def workers(self) -> list[str]:
        """Every worker code holding at least one grid, sorted."""
        return sorted({w for ws in self.assignments.values() for w in ws})

    def rows(self) -> list[dict[str, str]]:
        """Return the plan as rows ``{"grid", "worker", "role"}`` sorted by grid, role, worker."""
        order = {r.value: i for i, r in enumerate(WorkerRole)}
        out = [
            {"grid": g, "worker": w, "role": r}
            for g, ws in self.assignments.items()
            for w, r in ws.items()
        ]
        out.sort(key=lambda x: (x["grid"], order.get(x["role"], 99), x["worker"]))
        return out

    def changes(self) -> list[dict[str, Any]]:
        """List what differs from the plan as loaded: ``{"grid", "before", "after"}`` per grid."""
        original, original_locked = self._original
        out = []
        for g in sorted(set(original) | set(self.assignments)):
            before = original.get(g, {})
            after = self.assignments.get(g, {})
            lb, la = g in original_locked, g in self.locked
            if before != after or lb != la:
                out.append(
                    {
                        "grid": g,
                        "before": dict(before),
                        "after": dict(after),
                        "locked_before": lb,
                        "locked_after": la,
                    }
                )
        return out

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self._redo)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return self.assignments == other.assignments and self.locked == other.locked

    def __repr__(self) -> str:
        n = sum(len(ws) for ws in self.assignments.values())
        return f"Plan({len(self.assignments)} grids, {n} assignments, {len(self.locked)} locked)"

    def copy(self) -> Plan:
        """Return an independent copy (history included)."""
        return copy.deepcopy(self)

    # -- editing

    def _state(self, grid: str) -> tuple[tuple[tuple[str, str], ...], bool]:
        return tuple(sorted(self.assignments.get(grid, {}).items())), grid in self.locked

    def _set(self, grid: str, state: tuple[tuple[str, str], ...], locked: bool) -> None:
        self.assignments[grid] = dict(state)
        if locked:
            self.locked.add(grid)
        else:
            self.locked.discard(grid)

    def _edit(self, grids: Iterable[str], change: Any) -> int:
        step: list[_Change] = []
        for grid in dict.fromkeys(str(g) for g in grids):
            if grid not in self.assignments:
                raise InputError.keyed("grids.not_in_plan", grid=grid)
            before, lb = self._state(grid)
            change(grid)
            after, la = self._state(grid)
            if before != after or lb != la:
                step.append(_Change(grid, before, after, lb, la))
        if step:
            self._undo.append(step)
            self._redo.clear()
        return len(step)

    def assign(
        self, grids: Iterable[str] | str, worker: str, role: str, *, replace: bool = True
    ) -> int:
        """Give ``grids`` to ``worker`` in ``role``.

        Parameters
        ----------
        grids
            One grid code or several.
        worker
            The worker's code.
        role
            A :class:`gridmap.model.WorkerRole` value.
        replace
            Remove whoever else holds these grids in ``role`` (a reassignment).

        Returns
        -------
        int
            How many grids changed (0: nothing to undo was recorded).

        Raises
        ------
        InputError
            If a grid is not in the plan or the role is unknown.
        """
        role = _check_role(role)
        worker = str(worker)

        def change(grid: str) -> None:
            ws = self.assignments[grid]
            if replace:
                for w in [w for w, r in ws.items() if r == role and w != worker]:
                    del ws[w]
            ws[worker] = role

        return self._edit([grids] if isinstance(grids, str) else grids, change)

    def unassign(
        self, grids: Iterable[str] | str, *, worker: str | None = None, role: str | None = None
    ) -> int:
        """Remove ``worker`` (or everyone in ``role``, or everyone) from ``grids``."""
        role = None if role is None else _check_role(role)

        def change(grid: str) -> None:
            ws = self.assignments[grid]
            for w in [
                w
                for w, r in ws.items()
                if (worker is None or w == worker) and (role is None or r == role)
            ]:
                del ws[w]

        return self._edit([grids] if isinstance(grids, str) else grids, change)

    def lock(self, grids: Iterable[str] | str) -> int:
        """Lock grids: :func:`rebalance` will not move them."""
        return self._edit([grids] if isinstance(grids, str) else grids, self.locked.add)

    def unlock(self, grids: Iterable[str] | str) -> int:
        """Unlock grids."""
        return self._edit([grids] if isinstance(grids, str) else grids, self.locked.discard)

    def apply(self, moves: Sequence[Move]) -> int:
        """Apply rebalance moves as one undoable step; return how many grids changed.

        Raises
        ------
        InputError
            If a move's grid is locked or its ``from_worker`` no longer holds it.
        """
        by_grid: dict[str, list[Move]] = {}
        for m in moves:
            if m.grid in self.locked:
                raise InputError.keyed("grids.locked", grid=m.grid)
            held = self.assignments.get(m.grid, {})
            if m.from_worker is not None and held.get(m.from_worker) != m.role:
                raise InputError.keyed("grids.no_longer_held", grid=m.grid,
                                       worker=m.from_worker, role=m.role)
            by_grid.setdefault(m.grid, []).append(m)

        def change(grid: str) -> None:
            ws = self.assignments[grid]
            for m in by_grid[grid]:
                if m.from_worker is not None:
                    ws.pop(m.from_worker, None)
                ws[m.to_worker] = m.role

        return self._edit(list(by_grid), change)

    def undo(self) -> bool:
        """Take back the last edit; return whether there was one."""
        if not self._undo:
            return False
        step = self._undo.pop()
        for c in reversed(step):
            self._set(c.grid, c.before, c.locked_before)
        self._redo.append(step)
        return True

    def redo(self) -> bool:
        """Repeat the last undone edit; return whether there was one."""
        if not self._redo:
            return False
        step = self._redo.pop()
        for c in step:
            self._set(c.grid, c.after, c.locked_after)
        self._undo.append(step)
        return True


def _check_role(role: str) -> str:
    try:
        return WorkerRole(str(role)).value
    except ValueError:
        raise InputError.keyed("io.assign.unknown_role", role=str(role),
                               roles=[r.value for r in WorkerRole]) from None


# --------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class Bounds:
    """Hard minimum and maximum and soft target of one figure (``None``: no limit)."""

    min: float | None = None
    target: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise InputError.keyed("grids.bounds_reversed", min=self.min, max=self.max)

    def miss(self, value: float) -> float:
        """How far ``value`` lies outside the bounds (0 inside)."""
        below = 0.0 if self.min is None else max(0.0, self.min - value)
        above = 0.0 if self.max is None else max(0.0, value - self.max)
        return below + above

    def status(self, value: float) -> str:
        """``"low"``, ``"high"`` or ``"ok"``."""
        if self.min is not None and value < self.min:
            return "low"
        if self.max is not None and value > self.max:
            return "high"
        return "ok"

    def scale(self) -> float:
        """Return a typical size of the figure, to compare misses across figures."""
        for v in (self.target, self.max, self.min):
            if v:
                return abs(float(v))
        return 1.0


def default_bounds(
    totals: pd.DataFrame, *, tolerance: float = 0.25, metrics: Iterable[str] = ("households",)
) -> dict[str, Bounds]:
    """Bounds around the mean of each figure: target = mean, min/max = mean ∓ tolerance.

    Parameters
    ----------
    totals
        Per-worker totals (:func:`worker_totals`).
    tolerance
        Allowed relative deviation from the mean.
    metrics
        The figures to bound.

    Returns
    -------
    dict
        Figure -> :class:`Bounds` (rounded to whole numbers).
    """
    out = {}
    for m in metrics:
        if m not in totals.columns or len(totals) == 0:
            continue
        mean = float(totals[m].mean())
        out[m] = Bounds(round(mean * (1 - tolerance)), round(mean), round(mean * (1 + tolerance)))
    return out


def worker_totals(
    plan: Plan,
    metrics: pd.DataFrame,
    *,
    roles: Iterable[str] = WORKLOAD_ROLES,
    workers: Iterable[str] = (),
) -> pd.DataFrame:
    """Sum the figures of each worker's grids.

    Parameters
    ----------
    plan
        The plan.
    metrics
        Per-grid figures (:func:`grid_metrics`), indexed by grid code.
    roles
        Roles whose grids count towards the workload.
    workers
        Workers to list even when they hold no grid (e.g. a new worker).

    Returns
    -------
    pandas.DataFrame
        Index worker code (sorted), columns :data:`METRICS` present in ``metrics``.
    """
    cols = [c for c in METRICS if c in metrics.columns]
    roles = set(roles)
    pairs = [(w, g) for g, ws in plan.assignments.items() for w, r in ws.items() if r in roles]
    everyone = sorted({w for w, _ in pairs} | {str(w) for w in workers})
    if not pairs:
        return pd.DataFrame(0.0, index=pd.Index(everyone, name="worker"), columns=cols)
    frame = pd.DataFrame(pairs, columns=["worker", "grid"]).drop_duplicates()
    frame = frame[frame["grid"].isin(metrics.index)]
    values = metrics.loc[frame["grid"], cols].to_numpy()
    summed = pd.DataFrame(values, columns=cols).groupby(frame["worker"].to_numpy()).sum()
    return summed.reindex(everyone, fill_value=0.0).rename_axis("worker")


def workload_table(
    plan: Plan,
    metrics: pd.DataFrame,
    bounds: Mapping[str, Bounds],
    *,
    metric: str,
    roles: Iterable[str] = WORKLOAD_ROLES,
    workers: Iterable[str] = (),
) -> pd.DataFrame:
    """One row per worker: a figure's total against its bounds (for the balance bars).

    Returns
    -------
    pandas.DataFrame
        ``worker, value, min, target, max, status`` (``"low"``, ``"ok"``, ``"high"``).
    """
    totals = worker_totals(plan, metrics, roles=roles, workers=workers)
    b = bounds.get(metric, Bounds())
    values = totals[metric] if metric in totals.columns else pd.Series(0.0, index=totals.index)
    return pd.DataFrame(
        {
            "worker": list(totals.index),
            "value": values.to_numpy(dtype=float),
            "min": b.min,
            "target": b.target,
            "max": b.max,
            "status": [b.status(float(v)) for v in values],
        }
    )


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a plan.

    ``kind`` is ``"no_head"`` (a grid without a grid head), ``"unstaffed"`` (a grid
    nobody works in a workload role), ``"low"`` / ``"high"`` (a worker's total
    outside the bounds), ``"not_contiguous"`` (a worker's grids are not one
    area) or ``"inactive"`` (a grid held by a deactivated worker).
    """

    kind: str
    message: str
    grid: str | None = None
    worker: str | None = None
    metric: str | None = None
    value: float | None = None
    key: str | None = None
    params: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return self.message

    @classmethod
    def keyed(cls, kind: str, key: str, **params: Any) -> Finding:
        """Return the finding of message ``key`` (English ``message``; see :meth:`text`)."""
        from gridmap.messages import text

        fields = {k: params[k] for k in ("grid", "worker", "metric", "value") if k in params}
        return cls(kind, text(key, "en", **params), **fields, key=key,
                   params=tuple(params.items()))

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``zh`` or ``en``)."""
        if self.key is None:
            return self.message
        from gridmap.messages import text

        return text(self.key, lang, **dict(self.params))


def validate_plan(
    plan: Plan,
    metrics: pd.DataFrame,
    bounds: Mapping[str, Bounds] | None = None,
    *,
    adjacency: Mapping[str, set[str]] | None = None,
    require_contiguity: bool = False,
    require_head: bool = True,
    roles: Iterable[str] = WORKLOAD_ROLES,
    active_workers: Iterable[str] | None = None,
    workers: Iterable[str] = (),
) -> list[Finding]:
    """List everything that must be fixed before a plan can be saved.

    Parameters
    ----------
    plan
        The plan.
    metrics
        Per-grid figures (:func:`grid_metrics`).
    bounds
        Figure -> :class:`Bounds` for each worker's totals.
    adjacency
        Grid adjacency (:func:`grid_adjacency`); needed for ``require_contiguity``.
    require_contiguity
        Report workers whose grids (in the workload roles) are not one connected area.
    require_head
        Report grids without a grid head.
    roles
        Roles whose grids count towards the workload.
    active_workers
        Codes of active workers; grids held by anyone else are reported.
    workers
        Workers whose totals are checked even when they hold no grid.

    Returns
    -------
    list of Finding
        Empty when the plan is fine.

    Raises
    ------
    InputError
        If contiguity is required without an adjacency.
    """
    if require_contiguity and adjacency is None:
        raise InputError.keyed("grids.needs_adjacency")
    roles = tuple(roles)
    out: list[Finding] = []
    head = WorkerRole.GRID_HEAD.value
    active = None if active_workers is None else set(active_workers)
    for g in plan.grids:
        ws = plan.assignments[g]
        if require_head and head not in ws.values():
            out.append(Finding.keyed("no_head", "grids.no_head", grid=g))
        if active is not None:
            for w in sorted(ws):
                if w not in active:
                    out.append(Finding.keyed("inactive", "grids.inactive_worker", grid=g, worker=w))
    totals = worker_totals(plan, metrics, roles=roles, workers=workers)
    for metric, b in (bounds or {}).items():
        if metric not in totals.columns:
            continue
        for w, value in totals[metric].items():
            state = b.status(float(value))
            if state == "ok":
                continue
            limit = b.min if state == "low" else b.max
            out.append(
                Finding.keyed(
                    state,
                    "grids.worker_low" if state == "low" else "grids.worker_high",
                    worker=str(w),
                    metric=metric,
                    value=float(value),
                    limit=limit,
                )
            )
    if require_contiguity:
        assert adjacency is not None
        wanted = set(roles)
        held: dict[str, list[str]] = {}
        for g, ws in plan.assignments.items():
            for w, r in ws.items():
                if r in wanted:
                    held.setdefault(w, []).append(g)
        for w in totals.index:
            mine = held.get(str(w), [])
            if not is_contiguous(mine, adjacency):
                out.append(
                    Finding.keyed("not_contiguous", "grids.not_contiguous", worker=str(w),
                                  n=len(mine))
                )
    return out


# --------------------------------------------------------------------------- rebalance


def _score(totals: dict[str, np.ndarray], bounds: list[tuple[int, Bounds]]) -> float:
    return sum(b.miss(float(v[i])) / b.scale() for v in totals.values() for i, b in bounds)


def _spread(totals: dict[str, np.ndarray], bounds: list[tuple[int, Bounds]]) -> float:
    out = 0.0
    for v in totals.values():
        for i, b in bounds:
            if b.target is not None:
                out += ((float(v[i]) - b.target) / b.scale()) ** 2
    return out


def _keeps_pieces(
    grid: str, giver: set[str], taker: set[str], adjacency: Mapping[str, set[str]]
) -> bool:
    """Whether moving ``grid`` splits neither worker's area into more pieces."""
    if _n_components(giver - {grid}, adjacency) > _n_components(giver, adjacency):
        return False
    return not taker or _n_components(taker | {grid}, adjacency) <= _n_components(taker, adjacency)


def rebalance(
    plan: Plan,
    metrics: pd.DataFrame,
    bounds: Mapping[str, Bounds],
    *,
    adjacency: Mapping[str, set[str]],
    role: str = WorkerRole.FULL_TIME.value,
    workers: Iterable[str] = (),
    require_contiguity: bool = True,
    seed: int = 0,
    max_moves: int = 500,
) -> list[Move]:
    """Propose moves that bring every worker within bounds.

    Greedy boundary moves: at each step every unlocked grid that a worker holds in
    ``role`` and that touches the area of another worker is a candidate move to
    that worker; the move that reduces the total miss of the bounds most is made
    (ties: closer to the targets, then a seeded random order). A move is allowed
    only if both workers' grids stay connected (more precisely: no worker's area
    falls into more pieces than before, when
    ``require_contiguity``) and
    the giver keeps at least one grid. Stops when every worker is within bounds,
    no move helps, or after ``max_moves``. The plan itself is not changed; apply
    the moves with :meth:`Plan.apply` (all or some).

    Parameters
    ----------
    plan
        The current plan.
    metrics
        Per-grid figures (:func:`grid_metrics`).
    bounds
        Figure -> :class:`Bounds`.
    adjacency
        Grid adjacency (:func:`grid_adjacency`).
    role
        The role whose grids are moved (and whose holders are balanced).
    workers
        Further workers who may receive grids (e.g. someone new with none yet).
    require_contiguity
        Keep each worker's grids one connected area.
    seed
        Seed for breaking ties; the same inputs and seed give the same moves.
    max_moves
        Stop after this many moves.

    Returns
    -------
    list of Move
        In the order they were chosen; one move per grid at most (a grid moved twice
        is reported once, from its first holder to its last).

    Raises
    ------
    InputError
        If the role is unknown.
    """
    role = _check_role(role)
    cols = [m for m in bounds if m in metrics.columns]
    blist = [(i, bounds[m]) for i, m in enumerate(cols)]
    owner: dict[str, str] = {}
    for g in plan.grids:
        h = plan.holder(g, role)
        if h is not None:
            owner[g] = h
    everyone = sorted(set(owner.values()) | {str(w) for w in workers})
    held: dict[str, set[str]] = {w: set() for w in everyone}
    for g, w in owner.items():
        held[w].add(g)
    values = {
        g: metrics.loc[g, cols].to_numpy(dtype=float) if g in metrics.index else np.zeros(len(cols))
        for g in owner
    }
    totals = {w: sum((values[g] for g in held[w]), np.zeros(len(cols))) for w in everyone}
    rng = np.random.default_rng(seed)
    tiebreak = {g: float(x) for g, x in zip(sorted(owner), rng.random(len(owner)), strict=True)}
    first_owner = dict(owner)
    moved: dict[str, str] = {}
    for _ in range(max_moves):
        current = _score(totals, blist)
        if current == 0:
            break
        best = None
        for g in sorted(owner):
            if g in plan.locked:
                continue
            a = owner[g]
            if len(held[a]) <= 1:
                continue
            targets = {owner[h] for h in adjacency.get(g, ()) if h in owner and owner[h] != a}
            targets |= {w for w in everyone if not held[w]}
            # someone already on this grid in another role (its grid head) keeps that role
            targets -= set(plan.assignments.get(g, {}))
            if not targets:
                continue
            for b in sorted(targets):
                before = {a: totals[a], b: totals[b]}
                totals[a] = totals[a] - values[g]
                totals[b] = totals[b] + values[g]
                score = _score(totals, blist)
                spread = _spread(totals, blist)
                totals.update(before)
                if score >= current - 1e-9:
                    continue
                key = (score, spread, tiebreak[g], b)
                if best is not None and key >= best[0]:
                    continue
                if require_contiguity and not _keeps_pieces(g, held[a], held[b], adjacency):
                    continue
                best = (key, g, a, b)
        if best is None:
            break
        _, g, a, b = best
        held[a].discard(g)
        held[b].add(g)
        totals[a] = totals[a] - values[g]
        totals[b] = totals[b] + values[g]
        owner[g] = b
        moved[g] = b
    out = []
    for g, b in moved.items():
        if first_owner[g] != b:
            out.append(Move(g, first_owner[g], b, role))
    return out


# --------------------------------------------------------------------------- tables for a page


def plan_grids(
    grids: pd.DataFrame,
    plan: Plan,
    *,
    role: str,
    names: Mapping[str, str] | None = None,
    communities: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return ``grids`` with ``worker`` (who holds each for ``role``) and ``locked`` added.

    Parameters
    ----------
    grids
        Grids with a ``code`` column (a GeoDataFrame stays one, in its CRS).
    plan
        The plan.
    role
        The role whose holder fills ``worker``.
    names
        Worker code -> name shown; a code without a name stays a code.
    communities
        Keep only the grids of these community codes (column ``community``);
        default all.

    Returns
    -------
    pandas.DataFrame
        A copy of the kept rows of ``grids`` (their index kept) with ``worker``
        (missing where nobody holds the grid in ``role``) and ``locked``.
    """
    names = names or {}
    if communities is not None:
        grids = grids[grids["community"].isin(list(communities))]
    codes = list(grids["code"])
    return grids.assign(
        worker=[names.get(w, w) for w in (plan.holder(g, role) for g in codes)],
        locked=[g in plan.locked for g in codes],
    )


def moves_table(moves: Sequence[Move], names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return proposed moves as rows to accept: ``accept`` (True), ``grid``, from and to whom.

    ``names`` maps worker codes to the names shown; a code without a name stays a code.
    """
    names = names or {}
    return pd.DataFrame(
        {
            "accept": True,
            "grid": [m.grid for m in moves],
            "from_worker": [names.get(m.from_worker, m.from_worker) for m in moves],
            "to_worker": [names.get(m.to_worker, m.to_worker) for m in moves],
        }
    )


#: Columns of the reassign page's grid table (:func:`grid_rows`), in order.
GRID_ROW_COLUMNS = ("code", "worker", "households", "residents", "locked")


def worker_label(code: str, names: Mapping[str, str] | None = None) -> str:
    """Return how a worker is shown in a choice list or a bar: ``名字 (code)``.

    Parameters
    ----------
    code
        The worker's code.
    names
        Worker code -> name; a worker without a name shows its code twice.

    Returns
    -------
    str
        ``"name (code)"``.

    Examples
    --------
    >>> worker_label("W0001", {"W0001": "张三"})
    '张三 (W0001)'
    >>> worker_label("W0002")
    'W0002 (W0002)'
    """
    return f"{(names or {}).get(code, code)} ({code})"


def suggested_bounds(plan: Plan, metrics: pd.DataFrame, *, metric: str, role: str) -> Bounds:
    """Return the bounds a planner starts from for one figure and one role.

    Parameters
    ----------
    plan
        The plan.
    metrics
        Per-grid figures (:func:`grid_metrics`), indexed by grid code.
    metric
        The figure, one of :data:`METRICS`.
    role
        The role whose grids count (see :func:`worker_totals`).

    Returns
    -------
    Bounds
        :func:`default_bounds` of the workers' totals (mean ∓ 25 %, whole numbers) as
        floats; ``Bounds(0.0, 0.0, 0.0)`` when nobody holds a grid in ``role`` or the
        figure is unknown.
    """
    totals = worker_totals(plan, metrics, roles=[role])
    found = default_bounds(totals, metrics=[metric]).get(metric, Bounds(0, 0, 0))
    return Bounds(float(found.min or 0), float(found.target or 0), float(found.max or 0))


def bounds_between(low: float, target: float | None, high: float) -> Bounds:
    """Return bounds from two limits typed in either order and a target.

    Parameters
    ----------
    low, high
        The two limits; the smaller becomes the minimum, the larger the maximum.
    target
        The soft target (not checked against the limits).

    Returns
    -------
    Bounds
        ``Bounds(min(low, high), target, max(low, high))``.

    Examples
    --------
    >>> bounds_between(300.0, 250.0, 200.0)
    Bounds(min=200.0, target=250.0, max=300.0)
    """
    return Bounds(min(low, high), target, max(low, high))


def bound_marks(bounds: Bounds) -> pd.DataFrame:
    """Return the rule lines drawn over the balance bars: one row per limit.

    Parameters
    ----------
    bounds
        The bounds of the figure the bars show.

    Returns
    -------
    pandas.DataFrame
        Columns ``x`` (the value, None where unbounded) and ``kind`` (``"min"``,
        ``"target"``, ``"max"``), in that order.
    """
    return pd.DataFrame(
        {"x": [bounds.min, bounds.target, bounds.max], "kind": ["min", "target", "max"]}
    )


def toggle_grid(selected: Iterable[str], code: str) -> list[str]:
    """Return the selection after a click on a grid: removed if selected, else appended.

    Parameters
    ----------
    selected
        Grid codes selected, in the order they were picked.
    code
        The grid clicked.

    Returns
    -------
    list of str
        A new list; ``selected`` itself is left alone.

    Examples
    --------
    >>> toggle_grid(["a", "b"], "c")
    ['a', 'b', 'c']
    >>> toggle_grid(["a", "b"], "a")
    ['b']
    """
    out = list(selected)
    if code in out:
        out.remove(code)
    else:
        out.append(code)
    return out


def selected_grids(shown: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """Return the rows of ``shown`` whose ``code`` is in ``codes`` (to outline them).

    Parameters
    ----------
    shown
        Grids with a ``code`` column (e.g. :func:`plan_grids`).
    codes
        Grid codes selected.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in the order of ``shown``, of the same type and CRS.
    """
    return shown[shown["code"].isin(list(codes))]


def grid_rows(shown: pd.DataFrame) -> pd.DataFrame:
    """Return the grid table of the reassign page: :data:`GRID_ROW_COLUMNS`, rows numbered.

    Parameters
    ----------
    shown
        Grids from :func:`plan_grids` (with ``households`` and ``residents``).

    Returns
    -------
    pandas.DataFrame
        A plain frame (no geometry) indexed 0..n-1, so that a table's selected row
        positions are its index (see :func:`codes_at_rows`).
    """
    return pd.DataFrame(shown[list(GRID_ROW_COLUMNS)]).reset_index(drop=True)


def codes_at_rows(rows: pd.DataFrame, positions: Iterable[int]) -> list[str]:
    """Return the grid codes at the given row positions of a :func:`grid_rows` table.

    Parameters
    ----------
    rows
        The table (``code`` column, index 0..n-1).
    positions
        Selected row positions.

    Returns
    -------
    list of str
        The codes, in the order of ``positions``.
    """
    return [rows["code"].iloc[i] for i in positions]


def accepted_moves(moves: Sequence[Move], accept: Iterable[bool]) -> list[Move]:
    """Return the proposed moves the planner kept ticked in the :func:`moves_table`.

    Parameters
    ----------
    moves
        The proposed moves, in the order of the table.
    accept
        The table's ``accept`` column, one flag per move.

    Returns
    -------
    list of Move
        The moves whose flag is true, in order.

    Raises
    ------
    ValueError
        When there are not as many flags as moves.
    """
    return [m for m, ok in zip(moves, accept, strict=True) if ok]
