"""Integrity checks of a stored street: tiling, codes, staffing, points inside grids.

These are the data-integrity checks behind ``gridmap validate``; the campaign
rules (distances, counts) live in :mod:`gridmap.checks`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gridmap import config
from gridmap.grids.codes import check_code_order, check_grid_codes
from gridmap.grids.tiling import validate_tiling
from gridmap.locate import polygon_index_of_points
from gridmap.model import POINT_KINDS

if TYPE_CHECKING:
    import geopandas as gpd

    from gridmap.store import Store

__all__ = [
    "Finding",
    "check_points_in_grids",
    "check_staffing",
    "validate_frames",
    "validate_store",
]


@dataclass(frozen=True)
class Finding:
    """One integrity problem: which check, how bad, what, and where (lon, lat)."""

    check: str
    severity: str
    message: str
    object: str = ""
    lon: float | None = None
    lat: float | None = None

    def __str__(self) -> str:
        where = f" at ({self.lon:.6f}, {self.lat:.6f})" if self.lon is not None else ""
        obj = f" {self.object}:" if self.object else ""
        return f"[{self.severity}] {self.check}:{obj} {self.message}{where}"

    def as_dict(self) -> dict:
        """Return the finding as a JSON-ready dict."""
        return asdict(self)


def check_staffing(grids: gpd.GeoDataFrame, assignments: pd.DataFrame) -> list[Finding]:
    """Every grid has a grid head and at least one other worker.

    Parameters
    ----------
    grids
        Grids with a ``code`` column.
    assignments
        Assignments valid on the day of interest, with ``grid`` and ``role`` columns.
    """
    from gridmap.checks.integrity import staffing_counts  # the core the staffing rule uses

    findings = []
    codes = list(grids["code"])
    heads, others = staffing_counts(codes, assignments["grid"], assignments["role"])
    for code, n_heads, n_others in zip(codes, heads, others, strict=True):
        if n_heads == 0:
            findings.append(Finding("staffing", "error", "has no grid head (网格长)", code))
        if n_others == 0:
            findings.append(Finding("staffing", "error",
                                    "has no grid worker besides the grid head", code))
    return findings


def check_points_in_grids(points: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, *,
                          layer: str) -> list[Finding]:
    """Every point record lies inside a grid (vectorised point-in-polygon)."""
    if points.empty:
        return []
    idx = polygon_index_of_points(points.geometry.to_numpy(), grids.geometry.to_numpy())
    findings = []
    codes = points["code"] if "code" in points else pd.Series(range(len(points)))
    for i in np.flatnonzero(idx < 0):
        pt = points.geometry.iloc[i]
        findings.append(Finding("points_in_grids", "error", "lies outside every grid",
                                f"{layer} {codes.iloc[i]}", float(pt.x), float(pt.y)))
    return findings


def validate_frames(communities: gpd.GeoDataFrame, grids: gpd.GeoDataFrame,
                    assignments: pd.DataFrame, points: dict[str, gpd.GeoDataFrame], *,
                    tolerance_m2: float = 1.0) -> list[Finding]:
    """Run every integrity check on in-memory layers (all EPSG:4326)."""
    findings: list[Finding] = []
    report = validate_tiling(communities, grids, tolerance_m2=tolerance_m2)
    for f in report.findings:
        loc = f.location
        findings.append(Finding("tiling", "error", f.message, ",".join(f.grids) or f.community,
                                loc.x if loc is not None else None,
                                loc.y if loc is not None else None))
    for problem in check_grid_codes(grids):
        findings.append(Finding("codes", "error", problem))
    for problem in check_code_order(grids):
        findings.append(Finding("codes", "warning", problem))
    findings += check_staffing(grids, assignments)
    for layer, frame in points.items():
        findings += check_points_in_grids(frame, grids, layer=layer)
    return findings


def validate_store(store: Store, *, on: date | None = None) -> list[Finding]:
    """Run every integrity check on the stored street as of ``on`` (default today)."""
    on = on or date.today()
    points = {layer: store.read_layer(layer) for layer in (*POINT_KINDS, "issues")}
    return validate_frames(
        store.read_layer("communities"),
        store.read_layer("grids"),
        store.read_layer("assignments", as_of=on),
        points,
        tolerance_m2=float(config.get("tiling_tolerance_m2")),
    )
