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

from gridmap.checks._context import Context, Finding, Outcome, col, names, object_ids
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
    threshold="min_distance_m",
    unit="m",
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
    cafes, schools = ctx.metric("internet_cafes"), ctx.metric("schools")
    if cafes.empty:
        return Outcome(np.zeros(0, dtype=object), note="no internet cafés")
    if "level" in schools.columns:
        levels = set(params["school_levels"])
        schools = schools[np.isin(col(schools, "level"), list(levels))]
    limit = float(params["min_distance_m"])
    pts = cafes.geometry.to_numpy()
    checked = ctx.community_of(pts)
    school_geoms = schools.geometry.to_numpy()

    def zones() -> np.ndarray:  # made only when the map asks
        return shapely.buffer(school_geoms, limit, quad_segs=16)

    dist, idx = nearest_geometry_distance_m(pts, school_geoms)
    ids, cafe_names = object_ids(cafes), names(cafes)
    school_names = names(schools)
    findings = []
    for i in np.flatnonzero(dist <= limit):
        school = school_geoms[idx[i]]
        line = shapely.shortest_line(pts[i], school.boundary)
        centre_m = float(shapely.distance(pts[i], shapely.centroid(school)))
        findings.append(
            Finding(
                layer="internet_cafes",
                object_id=ids[i],
                name=cafe_names[i],
                measured=float(dist[i]),
                key="cafe_near_school",
                args={
                    "name": cafe_names[i] or ids[i],
                    "distance": float(dist[i]),
                    "school": school_names[idx[i]] or "",
                },
                geometry=line if float(dist[i]) > 0 else pts[i],
                anchor=pts[i],
                details={"school": school_names[idx[i]], "to_centre_m": round(centre_m, 1)},
            )
        )
    return Outcome(checked, findings, coverage=zones, coverage_kind="school_buffer")
