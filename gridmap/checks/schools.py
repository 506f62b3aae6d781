"""School-surroundings rule: no internet café within 200 m of a primary or secondary school.

The distance is measured in a straight line from the school's boundary (any point
of its wall or site), not from its centre, as the 国务院法制办 reply on Art. 9 of
the 互联网上网服务营业场所管理条例 states: a café 150 m from the wall of a large
school can be 260 m from its centre and still break the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely

from gridmap.checks._context import Context, Objects, Outcome, col, names
from gridmap.checks.core import nearest_geometry_distance_m
from gridmap.checks.registry import Param, rule

__all__: list[str] = []


@rule(
    id="cafe_school_distance",
    family="schools",
    title_zh="中小学校园周边 200 米内无网吧",
    title_en="No internet café within 200 m of a primary or secondary school",
    source=(
        "互联网上网服务营业场所管理条例 (国务院令第363号) Art. 9; measured from the school "
        "boundary per the 国务院法制办 reply to 文市函[2003]560号"
    ),
    params=[
        Param("min_distance_m", "m", "cafés at or within this distance of a school fail"),
        Param("school_levels", "", "school levels the rule protects"),
    ],
    layers=("schools", "internet_cafes"),
)
def check_cafe_school_distance(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """No internet café lies within 200 m of a primary or secondary school's boundary.

    For each café, the distance to the nearest protected school polygon (0 inside
    it), from an STRtree nearest query in the metric CRS. A café at or within
    ``min_distance_m`` fails, measured as that distance; it is drawn as the straight
    line from the café to the nearest point of the school's boundary. Coverage: the
    school polygons buffered by ``min_distance_m`` (the exclusion zones).
    """
    cafes, schools = Objects(ctx, "internet_cafes"), ctx.metric("schools")
    if cafes.empty:
        return Outcome.skipped("no internet cafés")
    if "level" in schools.columns:
        schools = schools[np.isin(col(schools, "level"), list(params["school_levels"]))]
    limit = float(params["min_distance_m"])
    school_geoms, school_names = schools.geometry.to_numpy(), names(schools)
    dist, idx = nearest_geometry_distance_m(cafes.geoms, school_geoms)
    findings = []
    for i in np.flatnonzero(dist <= limit):
        cafe, school, d = cafes.geoms[i], school_geoms[idx[i]], float(dist[i])
        centre_m = float(shapely.distance(cafe, shapely.centroid(school)))
        findings.append(
            cafes.finding(
                i,
                key="cafe_near_school",
                measured=d,
                args={"name": cafes.label(i), "distance": d, "school": school_names[idx[i]] or ""},
                geometry=shapely.shortest_line(cafe, school.boundary) if d > 0 else cafe,
                anchor=cafe,
                details={"school": school_names[idx[i]], "to_centre_m": round(centre_m, 1)},
            )
        )

    def zones() -> np.ndarray:  # made only when the map asks
        return shapely.buffer(school_geoms, limit, quad_segs=16)

    return Outcome(cafes.checked, findings, coverage=zones, coverage_kind="school_buffer")
