"""Tiny hand-made streets for the rule tests, built in metres and stored as EPSG:4326.

Geometries are drawn in a local metric frame (metres east and north of a point near
lon 120°E, lat 30.2°N) in EPSG:4549 (CGCS2000 3-degree GK, CM 120°E), which is
also the metric CRS gridmap picks for data there, so distances measured by the
rules equal the distances drawn here to well under a millimetre.

``make_street()`` returns a dict of layers: one community ``C1`` (1000 × 1000 m)
split into two grids (``G1`` west, ``G2`` east), each with a grid head and a
full-time worker (``G1``: 张一 head, 李二; ``G2``: 王三 head, 赵四). Extra layers
are added with :func:`frame`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely import affinity

METRIC = "EPSG:4549"
ORIGIN = (500_000.0, 3_345_000.0)
AS_OF = dt.date(2026, 11, 1)
COMMUNITY = "330102011001"
G1, G2 = "330102011001001", "330102011001002"


def to_wgs(geoms: Sequence[Any]) -> list[Any]:
    """Local metric geometries -> EPSG:4326 geometries."""
    moved = [affinity.translate(g, *ORIGIN) if g is not None else None for g in geoms]
    return list(gpd.GeoSeries(moved, crs=METRIC).to_crs(4326))


def frame(geoms: Sequence[Any], **columns: Sequence[Any]) -> gpd.GeoDataFrame:
    """A layer in EPSG:4326 from local metric geometries and column values."""
    return gpd.GeoDataFrame(dict(columns), geometry=to_wgs(geoms), crs=4326)


def pt(x: float, y: float) -> shapely.Point:
    return shapely.Point(x, y)


def make_street(
    *, households: Sequence[int] = (400, 400), residents: Sequence[int] = (1000, 1000)
) -> dict[str, pd.DataFrame]:
    """A one-community street with two staffed grids (see the module docstring)."""
    communities = frame([shapely.box(0, 0, 1000, 1000)], code=[COMMUNITY], name=["清波社区"])
    grids = frame(
        [shapely.box(0, 0, 500, 1000), shapely.box(500, 0, 1000, 1000)],
        code=[G1, G2],
        community=[COMMUNITY, COMMUNITY],
        name=["第一网格", "第二网格"],
        households=list(households),
        residents=list(residents),
    )
    workers = pd.DataFrame(
        {"code": ["W1", "W2", "W3", "W4"], "name": ["张一", "李二", "王三", "赵四"]}
    )
    assignments = pd.DataFrame(
        {
            "grid": [G1, G1, G2, G2],
            "worker": ["W2", "W1", "W3", "W4"],
            "role": ["full_time", "grid_head", "grid_head", "full_time"],
            "valid_from": [dt.date(2024, 1, 1)] * 4,
            "valid_to": [None] * 4,
        }
    )
    return {
        "communities": communities,
        "grids": grids,
        "workers": workers,
        "assignments": assignments,
    }


def buildings(
    geoms: Sequence[Any], *, residential: Sequence[bool] | None = None
) -> gpd.GeoDataFrame:
    n = len(geoms)
    return frame(
        geoms,
        code=[f"B{i + 1}" for i in range(n)],
        name=[f"{i + 1}幢" for i in range(n)],
        residential=list(residential) if residential is not None else [True] * n,
    )


def bins(geoms: Sequence[Any], bin_type: str = "collection_point") -> gpd.GeoDataFrame:
    n = len(geoms)
    return frame(
        geoms, code=[f"X{i + 1}" for i in range(n)], bin_type=[bin_type] * n, status=["active"] * n
    )


def boards(
    geoms: Sequence[Any], board_type: str | Sequence[str] = "publicity", **columns: Sequence[Any]
) -> gpd.GeoDataFrame:
    n = len(geoms)
    types = [board_type] * n if isinstance(board_type, str) else list(board_type)
    values: dict[str, Any] = {
        "code": [f"P{i + 1}" for i in range(n)],
        "board_type": types,
        "fixed": [True] * n,
        "outdoor": [True] * n,
        "panels": [1] * n,
        "status": ["active"] * n,
    }
    values.update({k: list(v) for k, v in columns.items()})
    return frame(geoms, **values)


def box(x: float, y: float, w: float, h: float) -> shapely.Polygon:
    """Axis-aligned rectangle with its lower-left corner at (x, y)."""
    return shapely.box(x, y, x + w, y + h)


def run(layers: dict[str, pd.DataFrame], rule: str, **kwargs: Any):
    """Run one rule with the packaged defaults (plus ``params`` overrides) and return its result."""
    from gridmap.checks import run as run_checks
    from gridmap.checks.config import RuleConfig, default_rules

    config = default_rules()
    params = kwargs.pop("params", None)
    if params:
        base = config[rule]
        config[rule] = RuleConfig(
            base.id, base.enabled, base.severity, base.weight, {**base.params, **params}
        )
    report = run_checks(
        layers, rules=[rule], config=config, as_of=kwargs.pop("as_of", AS_OF), **kwargs
    )
    return report.result(rule)
