"""The rules of issue 19 at their edges: service-centre ads, hoardings, road-segment owners."""

from __future__ import annotations

import math

import pytest
import shapely
from checkfixtures import G1, G2, boards, box, frame, make_street, pt, run


def centre_street(board_points, panels, centre=None):
    layers = make_street()
    layers["service_centres"] = frame(
        [centre if centre is not None else box(100, 100, 40, 40)],
        code=["FW01"],
        name=["清波社区党群服务中心"],
    )
    layers["boards"] = boards(board_points, "public_ad", panels=panels)
    return layers


@pytest.mark.parametrize("angle", [0.0, 33.0, 90.0])
@pytest.mark.parametrize(("spacing", "ok"), [(19.9, False), (20.0, True), (20.1, True)])
def test_service_centre_ads_at_3_locations_one_per_20_m(angle, spacing, ok):
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    three = [pt(120 + (k - 1) * spacing * dx, 120 + (k - 1) * spacing * dy) for k in range(3)]
    result = run(centre_street(three, [3, 3, 2]), "service_centre_public_ads")
    assert result.checked == 1 and result.ok is ok
    if not ok:
        (f,) = result.failures
        assert f.measured == 2 and f.details == {"locations": 2, "panels": 8}
        assert f.layer == "service_centres" and f.grid == G1
        assert "清波社区党群服务中心" in f.message_zh and "2 locations" in f.message


@pytest.mark.parametrize(("panels", "ok"), [([3, 3, 1], False), ([3, 3, 2], True)])
def test_service_centre_ads_with_8_panels(panels, ok):
    three = [pt(100, 100), pt(140, 100), pt(120, 140)]
    result = run(centre_street(three, panels), "service_centre_public_ad_panels")
    assert result.ok is ok
    if not ok:
        assert result.failures[0].measured == 7 and result.failures[0].unit == "panels"


@pytest.mark.parametrize(("distance", "counted"), [(29.5, True), (30.5, False)])
def test_a_point_centre_counts_boards_within_its_radius(distance, counted):
    centre = pt(700, 700)
    ads = [pt(700 + distance, 700), pt(700 - distance, 700), pt(700, 700 + distance)]
    result = run(centre_street(ads, [3, 3, 3], centre=centre), "service_centre_public_ads")
    assert result.ok is counted
    if not counted:
        assert result.failures[0].measured == 0 and result.failures[0].grid == G2


def hoardings(**columns):
    n = len(next(iter(columns.values())))
    lines = [shapely.LineString([(100, 100 + 50 * i), (200, 100 + 50 * i)]) for i in range(n)]
    layers = make_street()
    layers["hoardings"] = frame(lines, code=[f"WD{i + 1}" for i in range(n)], **columns)
    return layers


def test_hoardings_carry_30_percent_public_ads_by_panels():
    layers = hoardings(
        name=["甲工地", "乙工地", "丙工地"],
        panels=[10, 10, 10],
        public_ad_panels=[3, 2, None],
    )
    result = run(layers, "hoarding_public_ads")
    assert result.checked == 3
    assert [(f.name, f.measured) for f in result.failures] == [("乙工地", 20.0), ("丙工地", 0.0)]
    assert result.failures[0].details["basis"] == "panels"
    assert "20%" in result.failures[0].message_zh


@pytest.mark.parametrize(("public_m", "ok"), [(29.9, False), (30.0, True)])
def test_hoardings_by_length_exactly_30_percent_passes_after_reprojection(public_m, ok):
    # no length_m: the line's own length (100 m, measured after reprojection)
    layers = hoardings(name=["丁工地"], public_ad_length_m=[public_m])
    result = run(layers, "hoarding_public_ads")
    assert result.ok is ok
    if not ok:
        (f,) = result.failures
        assert f.measured == pytest.approx(29.9, abs=1e-3) and f.details["basis"] == "length"


def test_a_hoarding_without_figures_cannot_be_measured_and_fails():
    (f,) = run(hoardings(name=["戊工地"], panels=[None]), "hoarding_public_ads").failures
    assert f.measured is None and "无法核算" in f.message_zh


def owner_street(*rows):
    layers = make_street()
    layers["roads"] = frame(
        [shapely.LineString(r[1]) for r in rows],
        name=[r[0] for r in rows],
        road_class=["lane"] * len(rows),
        owner=[r[2] if len(r) > 2 else None for r in rows],
    )
    return layers


def test_road_segments_on_a_grid_boundary_need_an_owner_on_record():
    layers = owner_street(
        ("界路", [(500, 0), (500, 1000)]),  # on the G1/G2 boundary: no interior
        ("认领路", [(500, 0), (500, 1000)], G2),  # the same, with an owner
        ("内路", [(250, 0), (250, 1000)]),  # through G1
    )
    result = run(layers, "road_owners")
    assert result.checked == 3
    (f,) = result.failures
    assert f.name == "界路" and f.measured == pytest.approx(1000.0, abs=0.01)
    assert f.details["bordering_grids"] == [G1, G2]
    assert "1000 米" in f.message_zh and G1 in f.message


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [(260, 660, True), (340, 740, True), (300, 700, False)],
)
def test_a_road_crossing_grids_belongs_to_the_grid_holding_half_of_it(start, end, ok):
    result = run(owner_street(("横路", [(start, 300), (end, 300)])), "road_owners")
    assert result.ok is ok
    if not ok:
        assert result.failures[0].details["largest_share_pct"] == pytest.approx(49.8, abs=0.1)
