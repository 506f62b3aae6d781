"""Waste rules on hand-made streets: distances from footprints, per-compound counts, bin gaps."""

from __future__ import annotations

import pytest
import shapely
from checkfixtures import G1, G2, bins, box, buildings, frame, make_street, pt, run


def street_with(building, point):
    layers = make_street()
    layers["buildings"] = buildings([building])
    layers["bins"] = bins([point])
    return layers


def test_building_130_m_from_a_collection_point_fails_with_its_distance():
    # wall at x = 140; the point 130 m east of it, 140 m from the centre
    layers = street_with(box(100, 400, 40, 20), pt(270, 410))
    result = run(layers, "bin_reach")
    (f,) = result.failures
    assert f.measured == pytest.approx(130.0, abs=0.5)
    assert f.layer == "buildings" and f.object_id == "B1" and f.unit == "m"
    assert f.grid == G1 and f.workers == ("张一", "李二")
    assert f.threshold == 120.0 and "130 m" in f.message and "130 米" in f.message_zh
    assert f.geometry.geom_type == "Polygon"
    assert result.coverage is not None and result.coverage["kind"].tolist() == ["reach"]


def test_building_119_m_away_passes_the_failure_rule_and_fails_the_advisory():
    layers = street_with(box(100, 400, 40, 20), pt(259, 410))
    assert run(layers, "bin_reach").ok
    advisory = run(layers, "bin_reach_advisory")
    (f,) = advisory.failures
    assert f.severity == "advisory" and f.measured == pytest.approx(119.0, abs=0.5)


def test_distance_is_measured_from_the_footprint_not_the_centre():
    # 100 m from the wall but 160 m from the centre of a 120 m long building
    layers = street_with(box(0, 400, 120, 20), pt(220, 410))
    assert run(layers, "bin_reach").ok


def test_non_residential_buildings_and_street_bins_do_not_count():
    layers = make_street()
    layers["buildings"] = buildings(
        [box(100, 400, 40, 20), box(300, 400, 40, 20)], residential=[True, False]
    )
    layers["bins"] = bins([pt(150, 410)], bin_type="street_bin")
    result = run(layers, "bin_reach")
    assert result.checked == 1 and [f.object_id for f in result.failures] == ["B1"]


def test_one_collection_point_per_enclosed_compound():
    layers = make_street()
    layers["compounds"] = frame(
        [box(50, 50, 200, 200), box(600, 50, 200, 200), box(600, 600, 200, 200)],
        name=["有点小区", "无点小区", "开放小区"],
        enclosed=[True, True, False],
    )
    layers["bins"] = bins([pt(100, 100), pt(810, 100)])  # the second is just outside
    result = run(layers, "compound_collection_point")
    assert result.checked == 2
    (f,) = result.failures
    assert f.object_id == "无点小区" and f.measured == 0 and f.grid == G2
    assert run(layers, "compound_collection_point", params={"within_m": 20.0}).ok


def road(name, road_class, coords):
    return {"name": name, "road_class": road_class, "geometry": shapely.LineString(coords)}


def roads_frame(*rows):
    return frame(
        [r["geometry"] for r in rows],
        name=[r["name"] for r in rows],
        road_class=[r["road_class"] for r in rows],
    )


def test_street_bin_spacing_reports_each_stretch_by_road_class():
    layers = make_street()
    layers["roads"] = roads_frame(
        road("柳浪路", "secondary", [(0, 300), (1000, 300)]),
        road("望江路", "main_commercial", [(0, 700), (1000, 700)]),
    )
    secondary = [pt(x, 304) for x in (50, 200, 350, 900)]  # gap 350 -> 900 (550 m)
    commercial = [pt(x, 696) for x in range(40, 1000, 90)]  # every 90 m: fine for 100 m
    layers["bins"] = bins(secondary + commercial, bin_type="street_bin")
    result = run(layers, "street_bin_spacing")
    assert result.checked == 2
    (f,) = result.failures
    assert f.object_id == "柳浪路" and f.measured == pytest.approx(550.0)
    assert f.details["start_m"] == pytest.approx(350.0) and f.details["end_m"] == pytest.approx(900)
    assert f.threshold == 200.0  # the secondary road's spacing
    assert f.geometry.geom_type == "LineString"
    assert f.geometry.length == pytest.approx(550 / 111_320 * 1.16, rel=0.2)  # degrees, roughly
    # the stretch runs through both grids; its middle (625 m) is in the east one
    assert f.grid == G2


def test_street_bin_spacing_ignores_far_bins_and_counts_road_ends():
    layers = make_street()
    layers["roads"] = roads_frame(road("紫阳街", "lane", [(0, 300), (1000, 300)]))
    layers["bins"] = bins([pt(x, 380) for x in range(0, 1001, 100)], bin_type="street_bin")
    (f,) = run(layers, "street_bin_spacing").failures  # all 80 m away: the whole road
    assert f.measured == pytest.approx(1000.0)
    layers["bins"] = bins([pt(x, 310) for x in range(150, 1000, 150)], bin_type="street_bin")
    assert run(layers, "street_bin_spacing").ok  # ends 150 and 100 m from a bin


def test_road_features_of_one_street_are_merged():
    layers = make_street()
    layers["roads"] = roads_frame(
        road("望江路", "main_commercial", [(0, 500), (600, 500)]),
        road("望江路", "main_commercial", [(600, 500), (1000, 500)]),
    )
    layers["bins"] = bins([pt(x, 505) for x in range(50, 1000, 100)], bin_type="street_bin")
    result = run(layers, "street_bin_spacing")
    assert result.checked == 1 and result.ok


# ----------------------------------------------------------------- walking distance


def tip(x, y):
    """A small building whose nearest point to a road below it is its tip at (x, y)."""
    return shapely.Polygon([(x, y), (x - 10, y + 20), (x + 10, y + 20)])


@pytest.mark.parametrize(("along", "fails"), [(109.0, False), (110.0, False), (111.0, True)])
def test_reach_is_walked_along_the_road_exactly_120_m_passes(along, fails):
    # the tip stands 10 m from the road; the point lies on it `along` metres further on
    layers = street_with(tip(110, 510), pt(110 + along, 500))
    layers["roads"] = roads_frame(road("江边路", "lane", [(0, 500), (600, 500)]))
    result = run(layers, "bin_reach")
    assert result.ok is not fails
    if fails:
        (f,) = result.failures
        assert f.measured == pytest.approx(121.0, abs=0.01)
        assert f.details["method"] == "network"
        assert f.details["walking_m"] == pytest.approx(121.0, abs=0.05)
        assert 100 < f.details["straight_m"] < 111  # from the nearest wall, not the tip
        assert "121" in f.message and "步行" in f.message_zh
    # in a straight line the same building is within reach
    assert run(layers, "bin_reach", params={"method": "straight"}).ok


def test_a_point_across_a_dead_end_is_a_long_walk_away():
    layers = street_with(tip(110, 510), pt(110, 555))  # 25 m away in a straight line
    layers["roads"] = roads_frame(
        road("南街", "lane", [(0, 500), (300, 500)]),
        road("连接路", "lane", [(300, 500), (300, 560)]),
        road("北街", "path", [(300, 560), (0, 560)]),
    )
    (f,) = run(layers, "bin_reach").failures
    assert f.measured == pytest.approx(10 + 190 + 60 + 190 + 5, abs=0.05)
    assert f.details["straight_m"] == pytest.approx(25.0, abs=0.05)


def test_off_the_network_and_direct_walks_are_named():
    # 150 m from any road (more than max_access_m): measured in a straight line
    layers = street_with(tip(110, 650), pt(110, 805))
    layers["roads"] = roads_frame(road("江边路", "lane", [(0, 500), (600, 500)]))
    (f,) = run(layers, "bin_reach").failures
    assert f.details["method"] == "straight" and f.details["walking_m"] is None
    assert f.measured == pytest.approx(135.0, abs=0.05)
    # a point nearer than the road is walked to directly
    layers = street_with(tip(110, 700), pt(110, 870))  # the road 200 m away, the point 150 m
    layers["roads"] = roads_frame(road("江边路", "lane", [(0, 500), (600, 500)]))
    (f,) = run(layers, "bin_reach", params={"max_access_m": 500.0}).failures
    assert f.details["method"] == "direct" and f.measured == pytest.approx(150.0, abs=0.05)
