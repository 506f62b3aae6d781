"""Board rules (文明城市 publicity): counts per community, compound and building; gaps on roads.

Rules
-----
``community_entrance_boards``
    At least 20 fixed boards per community at its pedestrian entrances.
``compound_boards`` / ``building_boards``
    At least 10 fixed boards in each compound; at least 2 at each residential building.
``compound_public_ads`` / ``compound_public_ad_panels``
    Public-service ads in each compound at 3 or more locations, with 10 or more
    panels; boards 20 m or more apart are separate locations (counted along the
    frontage; closer boards add panels to a location).
``main_road_public_ads``
    At least one public-service ad every 200 m along main and secondary roads.
``commercial_street_reminders``
    At least one reminder board (遵德守礼提示牌) on every main commercial street, and
    one every 500 m along it, each uncovered stretch reported with its length,
    start and end.
``compound_themes``
    核心价值观 and 关爱未成年人 ads present in every compound.
``public_ad_share``
    Public-service ads at least 20 % of the outdoor ads of each community.

Only fixed boards count (``fixed`` true or missing): banners and roll-ups do not
(STANDARDS §4). Retired boards are never read.

Choices made where the plans are vague (all configurable): a board stands "at" an
entrance when it is within 30 m of it; a board belongs to a building when it is
within 10 m of the footprint (inside it included, e.g. in the stairwell); a board
"along" a road is within 50 m of its centre-line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from gridmap.checks._context import Context, Finding, Objects, Outcome, col, to_bool, to_number
from gridmap.checks._lines import count_outcome, residential_objects, road_gap_outcome
from gridmap.checks.core import pairs_within, spaced_locations
from gridmap.checks.registry import Param, rule
from gridmap.locate import polygon_index_of_points

__all__: list[str] = []

_FAMILY = "boards"
_CAMPAIGN = "campaign plan (civilized-city work plans, STANDARDS §7)"


def _boards(
    ctx: Context,
    *,
    types: list[str] | None = None,
    fixed: bool | None = True,
    outdoor: bool | None = None,
) -> pd.DataFrame:
    """Return the boards (metric) of the given types, fixed and/or outdoor ones only."""
    boards = ctx.metric("boards")
    if boards.empty:
        return boards
    # the columns read as texts and flags once per run (several rules filter the boards)
    of = ctx.cache("boards:columns", lambda: {
        "board_type": col(boards, "board_type") if "board_type" in boards.columns else None,
        "fixed": to_bool(boards["fixed"], True) if "fixed" in boards.columns else None,
        "outdoor": to_bool(boards["outdoor"], True) if "outdoor" in boards.columns else None,
        "live": col(boards, "status") != "retired" if "status" in boards.columns else None,
    })
    keep = np.ones(len(boards), dtype=bool)
    if types is not None and of["board_type"] is not None:
        keep &= np.isin(of["board_type"], list(types))
    if fixed is not None and of["fixed"] is not None:
        keep &= of["fixed"] == fixed
    if outdoor is not None and of["outdoor"] is not None:
        keep &= of["outdoor"] == outdoor
    if of["live"] is not None:
        keep &= of["live"]
    return boards if keep.all() else boards[keep]


def _panels(boards: pd.DataFrame) -> NDArray[np.float64]:
    if "panels" not in boards.columns:
        return np.ones(len(boards))
    p = to_number(boards["panels"])
    return np.where(np.isnan(p), 1.0, p)


@rule(
    id="community_entrance_boards",
    family=_FAMILY,
    title_zh="社区人行出入口固定展板不少于 20 块",
    title_en="At least 20 fixed boards per community at pedestrian entrances",
    source=f"{_CAMPAIGN}: 社区设置固定展板数量不低于20块，放在走人的出入口处",
    params=[
        Param("min_boards", "boards", "fewest fixed boards per community near its entrances"),
        Param("radius_m", "m", "a board within this distance of an entrance stands at it"),
    ],
    layers=("communities", "entrances", "boards"),
)
def check_community_entrance_boards(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each community has enough fixed boards at its pedestrian entrances (default 20).

    Counts the fixed boards inside the community within ``radius_m`` of any of its
    pedestrian entrances (community and compound gates that name the community, or
    lie in it), each board once. Measured: that count. Drawn: circles of
    ``radius_m`` around the entrances; the grid charged is that of the entrance with
    the fewest boards.
    """
    communities = Objects(ctx, "communities")
    if communities.empty:
        return Outcome.skipped("no communities")
    radius = float(params["radius_m"])
    need = int(params["min_boards"])
    codes, polys = col(communities.frame, "code"), communities.geoms
    entrances = ctx.metric("entrances")
    if not entrances.empty and "pedestrian" in entrances.columns:
        entrances = entrances[to_bool(entrances["pedestrian"], True)]
    e_pts = entrances.geometry.to_numpy()
    e_comm = ctx.community_of(e_pts)
    if "community" in entrances.columns:
        named = col(entrances, "community")
        e_comm = np.where(named != None, named, e_comm)  # noqa: E711
    boards = _boards(ctx)
    b_pts = boards.geometry.to_numpy()
    bi, ei = pairs_within(b_pts, e_pts, radius)
    # only a board near an entrance is counted: only those are located
    b_comm = np.full(len(b_pts), None, dtype=object)
    near = np.unique(bi)
    if len(near):
        b_idx = polygon_index_of_points(b_pts[near], polys)
        b_comm[near] = np.where(b_idx >= 0, codes[np.clip(b_idx, 0, None)], None)
    same = b_comm[bi] == e_comm[ei] if len(bi) else np.zeros(0, dtype=bool)
    bi, ei = bi[same], ei[same]
    per_entrance = np.bincount(ei, minlength=len(e_pts))
    counted = pd.DataFrame({"board": bi, "community": b_comm[bi] if len(bi) else []})
    counts = counted.drop_duplicates("board").groupby("community").size().to_dict()

    def circles() -> np.ndarray:
        return shapely.buffer(e_pts, radius, quad_segs=16)

    findings = []
    for i, code in enumerate(codes):
        n = int(counts.get(code, 0))
        if n >= need:
            continue
        mine = np.flatnonzero(e_comm == code)
        if len(mine):
            worst = mine[np.argmin(per_entrance[mine])]
            geom = shapely.union_all(shapely.buffer(e_pts[mine], radius, quad_segs=16))
            anchor = e_pts[worst]
        else:
            geom, anchor = polys[i], shapely.point_on_surface(polys[i])
        findings.append(
            Finding(
                layer="communities",
                object_id=code,
                name=communities.labels[i],
                measured=n,
                key="community_entrance_boards" if len(mine) else "community_no_entrances",
                args={
                    "name": communities.labels[i] or code,
                    "count": n,
                    "min": need,
                    "entrances": len(mine),
                },
                geometry=geom,
                anchor=anchor,
                community=code,
                details={"pedestrian_entrances": len(mine)},
            )
        )
    return Outcome(codes.copy(), findings, coverage=circles, coverage_kind="entrance_radius")


@rule(
    id="compound_boards",
    family=_FAMILY,
    title_zh="每个小区创城宣传板不少于 10 块",
    title_en="At least 10 fixed boards in every compound",
    source=f"{_CAMPAIGN}: 每个小区都设置了至少10块创城宣传板",
    params=[Param("min_boards", "boards", "fewest fixed boards inside a compound")],
    layers=("compounds", "boards"),
)
def check_compound_boards(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each compound has enough fixed boards inside its polygon (default 10).

    Measured: the number of fixed boards inside (or on the edge of) the compound.
    """
    compounds = Objects(ctx, "compounds", place_key="compounds")
    if compounds.empty:
        return Outcome.skipped("no compounds")
    return count_outcome(
        compounds,
        _boards(ctx).geometry.to_numpy(),
        radius_m=0.0,
        need=int(params["min_boards"]),
        key="compound_boards",
    )


@rule(
    id="building_boards",
    family=_FAMILY,
    title_zh="每栋住宅楼宣传板不少于 2 块",
    title_en="At least 2 boards at every residential building",
    source=(
        f"{_CAMPAIGN}: 每栋单体楼都设置了至少2块 (the plan's figure); switched off and "
        "advisory by default in gridmap, a configurable default, not the plan's"
    ),
    params=[
        Param("min_boards", "boards", "fewest fixed boards at a residential building"),
        Param("radius_m", "m", "boards within this distance of the footprint belong to it"),
    ],
    layers=("buildings", "boards"),
    severity="advisory",
)
def check_building_boards(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each residential building has enough fixed boards at it (default 2 within 10 m).

    Counts fixed boards within ``radius_m`` of the building's footprint (inside it
    too: boards in stairwells). The figure 2 is the plan's; that the rule is off
    and an advisory by default is gridmap's own choice (boards inside buildings are
    rarely surveyed): switch it on, as a failure, in the configuration where they
    are. Measured: the count.
    """
    homes = residential_objects(ctx)
    if homes.empty:
        return Outcome.skipped("no residential buildings")
    return count_outcome(
        homes,
        _boards(ctx).geometry.to_numpy(),
        radius_m=float(params["radius_m"]),
        need=int(params["min_boards"]),
        key="building_boards",
    )


def _compound_ads_outcome(
    ctx: Context, params: Mapping[str, Any], *, measure: str, need: float, key: str
) -> Outcome:
    """Fail the compounds whose public-service ads have fewer ``measure`` than ``need``.

    ``measure`` is ``"locations"`` or ``"panels"``; both rules share one count per
    run (cached on the location radius and board types).
    """
    compounds = Objects(ctx, "compounds", place_key="compounds")
    if compounds.empty:
        return Outcome.skipped("no compounds")
    cache_key = (
        f"compound_ads:{params['location_radius_m']}:{params.get('location_tolerance_m')}:"
        f"{sorted(params['board_types'])}"
    )
    figures = ctx.cache(cache_key, lambda: _count_compound_ads(ctx, compounds.geoms, params))
    return _ads_outcome(compounds, figures, measure=measure, need=need, key=key)


def _ads_outcome(
    places: Objects,
    figures: dict[str, NDArray[Any]],
    *,
    measure: str,
    need: float,
    key: str,
) -> Outcome:
    """Fail the ``places`` whose ``figures[measure]`` (:func:`_count_ads`) is below ``need``."""
    findings = []
    for i in np.flatnonzero(figures[measure] < need):
        counts = {name: int(values[i]) for name, values in figures.items()}
        findings.append(
            places.finding(
                i,
                key=key,
                measured=figures[measure][i].item(),
                args={"name": places.label(i), **counts},
                details=counts,
            )
        )
    return Outcome(places.checked, findings)


def _count_compound_ads(
    ctx: Context, polys: NDArray[np.object_], params: Mapping[str, Any]
) -> dict[str, NDArray[Any]]:
    """Return the ``locations`` (int) and ``panels`` (float) of public-service ads per compound."""
    return _count_ads(_boards(ctx, types=list(params["board_types"])), polys, params)


def _count_ads(
    boards: pd.DataFrame, polys: NDArray[np.object_], params: Mapping[str, Any]
) -> dict[str, NDArray[Any]]:
    """Count the ad locations (:func:`spaced_locations`, per polygon) and panels in each polygon."""
    pts = boards.geometry.to_numpy()
    xy = shapely.get_coordinates(pts) if len(pts) else np.zeros((0, 2))
    ci, bi = pairs_within(polys, pts, 0.0)
    panels = _panels(boards)
    spacing = float(params["location_radius_m"])
    tolerance = float(params.get("location_tolerance_m", 0.01))
    locations = np.zeros(len(polys), dtype=np.int64)
    totals = np.zeros(len(polys))
    for i in np.unique(ci):
        mine = bi[ci == i]
        locations[i] = int(spaced_locations(xy[mine], spacing, tolerance).max()) + 1
        totals[i] = float(panels[mine].sum())
    return {"locations": locations, "panels": totals}


_AD_PARAMS = [
    Param(
        "location_radius_m",
        "m",
        "a board this far or farther from every counted location is a new location",
    ),
    Param("location_tolerance_m", "m", "round-off allowance: exactly the distance is stable"),
    Param("board_types", "", "board types that carry public-service ads"),
]
_AD_SOURCE = (
    f"{_CAMPAIGN}: 生活小区公益广告按照3处及以上、10幅及以上(室外间隔20米一处); "
    "gaoyiwenming.cn (each 20 m outdoors = 1 location)"
)


@rule(
    id="compound_public_ads",
    family=_FAMILY,
    title_zh="小区公益广告不少于 3 处（室外每 20 米为一处）",
    title_en="Compound public-service ads at 3 or more locations",
    source=_AD_SOURCE,
    params=[
        Param("min_locations", "locations", "fewest locations with public-service ads"),
        *_AD_PARAMS,
    ],
    layers=("compounds", "boards"),
)
def check_compound_public_ads(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each compound shows public-service ads at enough locations (default 3).

    The fixed boards of the configured types inside a compound are counted into
    locations as an inspector walks them ("室外间隔20米一处", STANDARDS §8): taken
    in order along the frontage (their main direction), a board
    ``location_radius_m`` (20 m) or more from every location counted so far is a
    new location; a closer one adds its panels to the nearest location. Exactly
    20 m counts as a new location, with ``location_tolerance_m`` (1 cm) so the
    count does not change with reprojection noise; five boards every 15 m along a
    60 m fence are 3 locations (0, 30 and 60 m). Measured: the locations.
    """
    return _compound_ads_outcome(
        ctx,
        params,
        measure="locations",
        need=int(params["min_locations"]),
        key="compound_public_ads",
    )


@rule(
    id="compound_public_ad_panels",
    family=_FAMILY,
    title_zh="小区公益广告不少于 10 幅",
    title_en="Compound public-service ads with 10 or more panels",
    source=_AD_SOURCE,
    params=[Param("min_panels", "panels", "fewest panels of public-service ads"), *_AD_PARAMS],
    layers=("compounds", "boards"),
)
def check_compound_public_ad_panels(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each compound shows enough panels of public-service ads (default 10).

    Sums the ``panels`` (default 1 per board) of the fixed boards of the configured
    types inside the compound. Measured: the panels.
    """
    return _compound_ads_outcome(
        ctx,
        params,
        measure="panels",
        need=float(params["min_panels"]),
        key="compound_public_ad_panels",
    )


def _road_rule(
    ctx: Context, params: Mapping[str, Any], key: str, *, require_one: bool = False
) -> Outcome:
    boards = _boards(ctx, types=list(params["board_types"]))
    return road_gap_outcome(
        ctx,
        boards.geometry.to_numpy(),
        classes=list(params["road_classes"]),
        max_gap_m=float(params["max_gap_m"]),
        near_m=float(params["near_road_m"]),
        key=key,
        no_roads_note="no roads of these classes",
        require_one=require_one,
    )


_ROAD_PARAMS = [
    Param("max_gap_m", "m", "longest stretch of road without such a board"),
    Param("near_road_m", "m", "boards this close to the road's centre-line count for it"),
    Param("road_classes", "", "road classes checked"),
    Param("board_types", "", "board types that count"),
]


@rule(
    id="main_road_public_ads",
    family=_FAMILY,
    title_zh="主次干道每 200 米至少 1 处公益广告",
    title_en="A public-service ad every 200 m along main and secondary roads",
    source=(
        "civilized-city field-check practice: 主次干道每200米不少于1处公益广告 "
        "(zxxww.com, STANDARDS §4)"
    ),
    params=_ROAD_PARAMS,
    layers=("roads", "boards"),
)
def check_main_road_public_ads(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Check that main and secondary roads (主次干道) carry a public-service ad every 200 m.

    Fixed boards of the configured types within ``near_road_m`` of a road of the
    configured classes are projected onto it (linear referencing); each stretch
    longer than ``max_gap_m`` without one, the road's ends included, is a failure
    measured as its length and drawn as the stretch.
    """
    return _road_rule(ctx, params, "road_public_ads_gap")


@rule(
    id="commercial_street_reminders",
    family=_FAMILY,
    title_zh="主要商业大街每 500 米至少 1 块遵德守礼提示牌",
    title_en="A reminder board every 500 m along main commercial streets",
    source=f"{_CAMPAIGN}: 主要商业大街设置\u201c遵德守礼\u201d提示牌，每隔500米有一块以上",
    params=_ROAD_PARAMS,
    layers=("roads", "boards"),
)
def check_commercial_street_reminders(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Check that main commercial streets have a reminder board (遵德守礼提示牌) every 500 m.

    As ``main_road_public_ads``, for reminder boards on main commercial streets:
    each uncovered stretch is reported with its length and the points (lon/lat)
    where it starts and ends. Every main commercial street must have at least one
    ("设置…每隔500米有一块以上"): a street shorter than 500 m without any fails too
    (key ``reminder_none``, measured as the street's length).
    """
    return _road_rule(ctx, params, "reminder_gap", require_one=True)


@rule(
    id="compound_themes",
    family=_FAMILY,
    title_zh="小区内有核心价值观、关爱未成年人主题公益广告",
    title_en="Core-values and minors-care ads in every compound",
    source=(
        "local restatement of the 测评体系: 小区醒目位置有核心价值观、关爱未成年人公益广告 "
        "(max.book118.com, STANDARDS §4)"
    ),
    unit="themes",
    params=[Param("themes", "", "themes every compound must show (matched as text in theme)")],
    layers=("compounds", "boards"),
)
def check_compound_themes(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each compound shows every required theme on at least one fixed board inside it.

    A board shows a theme when its ``theme`` contains the theme's text. Measured:
    the number of required themes present; the message names the missing ones.
    """
    compounds = Objects(ctx, "compounds", place_key="compounds")
    if compounds.empty:
        return Outcome.skipped("no compounds")
    themes = list(params["themes"])
    boards = _boards(ctx)
    board_themes = [t or "" for t in col(boards, "theme")]
    ci, bi = pairs_within(compounds.geoms, boards.geometry.to_numpy(), 0.0)
    present = np.zeros((len(compounds), len(themes)), dtype=bool)
    for k, theme in enumerate(themes):
        shows = np.array([theme in t for t in board_themes], dtype=bool)
        hit = ci[shows[bi]] if len(bi) else ci
        present[np.unique(hit), k] = True
    findings = []
    for i in np.flatnonzero(~present.all(axis=1)):
        missing = [t for k, t in enumerate(themes) if not present[i, k]]
        findings.append(
            compounds.finding(
                i,
                key="compound_themes",
                measured=float(present[i].sum()),
                args={"name": compounds.label(i), "missing": "、".join(missing)},
                details={"missing": missing},
            )
        )
    return Outcome(compounds.checked, findings)


@rule(
    id="public_ad_share",
    family=_FAMILY,
    title_zh="户外公益广告占比不低于 20%",
    title_en="Public-service ads at least 20 % of outdoor ads",
    source=f"{_CAMPAIGN}: 户外公益广告达20%以上比例",
    params=[Param("min_share_pct", "%", "smallest share of public-service ads among outdoor ads")],
    layers=("communities", "boards"),
)
def check_public_ad_share(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """In each community, public-service ads make up enough of the outdoor ads (default 20 %).

    Outdoor ads are the fixed outdoor boards of type ``public_ad`` and
    ``commercial``; the share is public-service ads over both, per community (boards
    located in the community polygons). Communities with no outdoor ads are not
    checked. Measured: the share in percent.
    """
    communities = Objects(ctx, "communities")
    if communities.empty:
        return Outcome.skipped("no communities")
    codes = col(communities.frame, "code")
    boards = _boards(ctx, types=["public_ad", "commercial"], outdoor=True)
    idx = polygon_index_of_points(boards.geometry.to_numpy(), communities.geoms)
    public = col(boards, "board_type") == "public_ad" if len(boards) else np.zeros(0, dtype=bool)
    inside = idx >= 0
    total = np.bincount(idx[inside], minlength=len(codes))
    pub = np.bincount(idx[inside & public], minlength=len(codes))
    share = 100.0 * pub / np.maximum(total, 1)
    need = float(params["min_share_pct"])
    findings = [
        communities.finding(
            i,
            key="public_ad_share",
            measured=float(share[i]),
            args={
                "name": communities.labels[i] or codes[i],
                "share": float(share[i]),
                "public": int(pub[i]),
                "total": int(total[i]),
            },
            object_id=codes[i],
            community=codes[i],
            details={"public_ads": int(pub[i]), "outdoor_ads": int(total[i])},
        )
        for i in np.flatnonzero((total > 0) & (share + 1e-9 < need))
    ]
    return Outcome(codes[total > 0], findings)


# ------------------------------------------------------- service centres and hoardings (#19)


_CENTRE_SOURCE = f"{_CAMPAIGN}: 社区服务中心展示公益广告至少3处8幅及以上 (STANDARDS §8)"
_CENTRE_PARAMS = [
    Param("radius_m", "m", "boards this close to the centre (its outline, or its point) count"),
    *_AD_PARAMS,
]


def _centre_ads_outcome(
    ctx: Context, params: Mapping[str, Any], *, measure: str, need: float, key: str
) -> Outcome:
    """Fail the service centres whose public-service ads have fewer ``measure`` than ``need``."""
    centres = Objects(ctx, "service_centres", place_key="service_centres")
    if centres.empty:
        return Outcome.skipped("no service centres")
    radius = float(params["radius_m"])
    cache_key = (
        f"centre_ads:{radius}:{params['location_radius_m']}:"
        f"{params.get('location_tolerance_m')}:{sorted(params['board_types'])}"
    )

    def count() -> dict[str, NDArray[Any]]:
        areas = shapely.buffer(centres.geoms, radius, quad_segs=16) if radius > 0 else centres.geoms
        return _count_ads(_boards(ctx, types=list(params["board_types"])), areas, params)

    return _ads_outcome(centres, ctx.cache(cache_key, count), measure=measure, need=need, key=key)


@rule(
    id="service_centre_public_ads",
    family=_FAMILY,
    title_zh="社区服务中心公益广告不少于 3 处",
    title_en="Public-service ads at 3 or more locations at every community service centre",
    source=_CENTRE_SOURCE,
    params=[
        Param("min_locations", "locations", "fewest locations with public-service ads"),
        *_CENTRE_PARAMS,
    ],
    layers=("service_centres", "boards"),
)
def check_service_centre_public_ads(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each community service centre shows public-service ads at enough locations (default 3).

    The boards of the configured types within ``radius_m`` of the centre (its outline
    when it is a polygon, its point otherwise; inside included) are counted into
    locations as in a compound (``compound_public_ads``: one location per 20 m,
    exactly 20 m included). Measured: the locations.
    """
    return _centre_ads_outcome(
        ctx, params, measure="locations", need=int(params["min_locations"]),
        key="service_centre_public_ads",
    )  # fmt: skip


@rule(
    id="service_centre_public_ad_panels",
    family=_FAMILY,
    title_zh="社区服务中心公益广告不少于 8 幅",
    title_en="Public-service ads with 8 or more panels at every community service centre",
    source=_CENTRE_SOURCE,
    params=[
        Param("min_panels", "panels", "fewest panels of public-service ads"),
        *_CENTRE_PARAMS,
    ],
    layers=("service_centres", "boards"),
)
def check_service_centre_public_ad_panels(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each community service centre shows enough panels of public-service ads (default 8).

    Sums the ``panels`` (default 1 per board) of the boards counted by
    ``service_centre_public_ads``. Measured: the panels.
    """
    return _centre_ads_outcome(
        ctx, params, measure="panels", need=float(params["min_panels"]),
        key="service_centre_public_ad_panels",
    )  # fmt: skip


@rule(
    id="hoarding_public_ads",
    family=_FAMILY,
    title_zh="工地围挡公益广告占比不低于 30%",
    title_en="Public-service ads on at least 30 % of construction-site hoardings",
    source=(
        f"{_CAMPAIGN}: 工地围挡公益广告达30%以上; field-check restatement: ≥ 30 % of the "
        "hoarding area, at least 1 in every 3 ads (ouracg.cn, STANDARDS §4)"
    ),
    params=[
        Param("min_share_pct", "%", "smallest share of the hoarding carrying public-service ads"),
    ],
    layers=("hoardings",),
)
def check_hoarding_public_ads(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    """Each construction-site hoarding (工地围挡) carries enough public-service ads (default 30 %).

    The share is ``public_ad_panels`` over ``panels`` where the panels are counted,
    else ``public_ad_length_m`` over the hoarding's length (``length_m``, else the
    length of its line). A hoarding with panels but no public-ad count has 0 %; one
    with neither figure cannot be measured and fails too (key
    ``hoarding_public_ads_unknown``). Exactly 30 % passes. Measured: the share in
    percent.
    """
    hoardings = Objects(ctx, "hoardings")
    if hoardings.empty:
        return Outcome.skipped("no hoardings")
    frame = hoardings.frame

    def number(name: str) -> NDArray[np.float64]:
        return to_number(frame[name]) if name in frame.columns else np.full(len(frame), np.nan)

    panels, public_panels = number("panels"), number("public_ad_panels")
    length, public_length = number("length_m"), number("public_ad_length_m")
    length = np.where(np.isnan(length), shapely.length(hoardings.geoms), length)
    by_panels = panels > 0
    share = np.full(len(frame), np.nan)
    share[by_panels] = 100.0 * np.nan_to_num(public_panels[by_panels]) / panels[by_panels]
    by_length = ~by_panels & ~np.isnan(public_length) & (length > 0)
    share[by_length] = 100.0 * public_length[by_length] / length[by_length]
    need = float(params["min_share_pct"])
    findings = []
    # a thousandth of a percentage point is round-off (lengths measured after reprojection)
    for i in np.flatnonzero(~(share + 1e-3 >= need)):
        known = not np.isnan(share[i])
        basis = "panels" if by_panels[i] else "length" if by_length[i] else None
        findings.append(
            hoardings.finding(
                i,
                key="hoarding_public_ads" if known else "hoarding_public_ads_unknown",
                measured=float(share[i]) if known else None,
                args={"name": hoardings.label(i), "share": float(share[i]) if known else 0.0},
                details={
                    "basis": basis,
                    "panels": None if np.isnan(panels[i]) else int(panels[i]),
                    "public_ad_panels": (
                        None if np.isnan(public_panels[i]) else int(public_panels[i])
                    ),
                    "length_m": round(float(length[i]), 1),
                    "public_ad_length_m": (
                        None if np.isnan(public_length[i]) else float(public_length[i])
                    ),
                },
            )
        )
    return Outcome(hoardings.checked, findings)
