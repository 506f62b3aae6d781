"""Random communities, buildings, compounds and roads for the split tests (metres → lon/lat).

Geometry is drawn in metres in EPSG:4549 (CGCS2000 / 3-degree Gauss-Krüger CM 120E, the
metric CRS gridmap picks near Hangzhou) and handed to gridmap in EPSG:4326.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import strategies as st
from shapely.geometry import box

from gridmap.grids import validate_tiling

METRIC = "EPSG:4549"
X0, Y0 = 514436.0, 3347836.0
CODE = "330102011001"


def to_lonlat(geoms, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=METRIC).to_crs("EPSG:4326")


def community_lonlat(geom_m) -> shapely.Geometry:
    return to_lonlat([geom_m]).geometry.iloc[0]


def community_frame(geom_ll) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": [CODE], "name": ["c"]}, geometry=[geom_ll], crs="EPSG:4326")


def metric_area(geom_ll) -> float:
    return float(gpd.GeoSeries([geom_ll], crs="EPSG:4326").to_crs(METRIC).area.iloc[0])


@st.composite
def communities(draw, *, allow_islands: bool = True):
    """A union of 1-3 axis-aligned boxes (possibly L-shaped, possibly with an island)."""
    n = draw(st.integers(1, 3))
    boxes = []
    for _ in range(n):
        x = draw(st.floats(0, 600))
        y = draw(st.floats(0, 600))
        w = draw(st.floats(150, 700))
        h = draw(st.floats(150, 700))
        boxes.append(box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h))
    if draw(st.booleans()):  # a rotated one, so edges are not all axis-aligned
        angle = draw(st.floats(5, 80))
        boxes[0] = shapely.affinity.rotate(boxes[0], angle)
    geom = shapely.union_all(boxes)
    if not allow_islands and geom.geom_type != "Polygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    return geom


def random_buildings(geom_m, seed: int, n: int, *, size_m: float = 12.0):
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = geom_m.bounds
    out, hh = [], []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        b = box(x, y, x + size_m, y + size_m * 0.6)
        if geom_m.contains(b) and not any(b.intersects(o) for o in out[-30:]):
            out.append(b)
            hh.append(int(rng.integers(0, 60)))
    return out, hh


def random_compounds(geom_m, seed: int, n: int):
    rng = np.random.default_rng(seed + 1)
    minx, miny, maxx, maxy = geom_m.bounds
    out = []
    tries = 0
    while len(out) < n and tries < n * 30:
        tries += 1
        w, h = rng.uniform(40, 160), rng.uniform(40, 160)
        if maxx - minx <= w or maxy - miny <= h:
            continue
        x, y = rng.uniform(minx, maxx - w), rng.uniform(miny, maxy - h)
        c = box(x, y, x + w, y + h)
        if geom_m.contains(c) and not any(c.intersects(o) for o in out):
            out.append(c)
    return out


def assert_tiles(grids_ll, community_ll) -> None:
    """The grids tile the community: validate_tiling is clean and the areas add up."""
    report = validate_tiling(community_frame(community_ll), grids_ll.assign(community=CODE))
    assert report.ok, report.summary()
    total = float(grids_ll.to_crs(METRIC).area.sum())
    assert abs(total - float(grids_ll["area_m2"].sum())) <= 0.05 * len(grids_ll) + 1e-6
    expected = metric_area(community_ll)
    assert abs(total - expected) <= max(1.0, 1e-6 * expected), (total, expected)
