"""Board rules on hand-made streets: counts, clusters, themes, shares and road gaps."""

from __future__ import annotations

import pytest
import shapely
from checkfixtures import COMMUNITY, G1, G2, boards, box, buildings, frame, make_street, pt, run


def street_with_entrances():
    layers = make_street()
    layers["entrances"] = frame(
        [pt(10, 500), pt(990, 500), pt(500, 10)],
        name=["西门", "东门", "南门"],
        of=["community"] * 3,
        community=[COMMUNITY] * 3,
        pedestrian=[True, True, False],
    )
    return layers


@pytest.mark.parametrize(("n", "fails"), [(19, True), (20, False)])
def test_community_boards_at_pedestrian_entrances(n, fails):
    layers = street_with_entrances()
    west = [pt(20 + i, 510) for i in range(n // 2)]
    east = [pt(980 - i, 495) for i in range(n - n // 2)]
    south = [pt(500 + i, 20) for i in range(10)]  # not a pedestrian entrance: do not count
    far = [pt(300, 500)] * 5  # not at any entrance
    temporary = [pt(25, 505)] * 3  # banners do not count
    layers["boards"] = boards(
        west + east + south + far + temporary, fixed=[True] * (n + 15) + [False] * 3
    )
    result = run(layers, "community_entrance_boards")
    assert result.checked == 1
    assert (not result.ok) is fails
    if fails:
        (f,) = result.failures
        assert f.measured == 19 and f.community == COMMUNITY
        assert f.grid == G1  # the west entrance has fewer boards
        assert f.geometry.geom_type == "MultiPolygon"


def test_compound_boards():
    layers = make_street()
    layers["compounds"] = frame(
        [box(50, 50, 200, 200), box(600, 50, 200, 200)], name=["十块小区", "九块小区"]
    )
    layers["boards"] = boards(
        [pt(60 + 10 * i, 100) for i in range(10)] + [pt(610 + 10 * i, 100) for i in range(9)]
    )
    (f,) = run(layers, "compound_boards").failures
    assert f.object_id == "九块小区" and f.measured == 9 and f.grid == G2


def test_building_boards_within_10_m_of_the_footprint():
    layers = make_street()
    layers["buildings"] = buildings([box(100, 100, 40, 15), box(300, 100, 40, 15)])
    layers["boards"] = boards(
        [
            pt(120, 120),
            pt(145, 110),  # 5 m above, 5 m east
            pt(320, 130),
        ]
    )  # 15 m away: not this building's
    result = run(layers, "building_boards")
    assert result.severity == "advisory"
    (f,) = result.failures
    assert f.object_id == "B2" and f.measured == 0


def test_compound_public_ads_count_one_location_per_20_m_and_closer_boards_add_panels():
    layers = make_street()
    layers["compounds"] = frame([box(0, 0, 400, 400)], name=["甲小区"])
    fence = [pt(10 + 15 * k, 10) for k in range(5)]  # five ads every 15 m along a 60 m fence
    layers["boards"] = boards(fence, "public_ad", panels=[2, 2, 2, 2, 2])
    ads = run(layers, "compound_public_ads")
    assert ads.ok and ads.checked == 1  # 3 locations: at 0, 30 and 60 m
    assert run(layers, "compound_public_ad_panels").ok  # 10 panels, exactly the minimum
    (g,) = run(layers, "compound_public_ad_panels", params={"min_panels": 11}).failures
    assert g.measured == 10 and g.details == {"locations": 3, "panels": 10}
    layers["boards"] = boards([*fence[:2], pt(200, 200)], "public_ad", panels=[4, 4, 1])
    (f,) = run(layers, "compound_public_ads").failures
    assert f.measured == 2 and f.details == {"locations": 2, "panels": 9}
    (g,) = run(layers, "compound_public_ad_panels").failures
    assert g.measured == 9 and g.unit == "panels"


@pytest.mark.parametrize("angle", [0.0, 37.0, 90.0, 151.0])
@pytest.mark.parametrize(("spacing", "locations"), [(19.9, 2), (20.0, 3), (20.1, 3)])
def test_ads_exactly_20_m_apart_are_separate_locations_after_reprojection(
    angle, spacing, locations
):
    import math

    layers = make_street()
    layers["compounds"] = frame([box(0, 0, 400, 400)], name=["甲小区"])
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    three = [pt(200 + k * spacing * dx, 150 + k * spacing * dy) for k in range(3)]
    layers["boards"] = boards(three, "public_ad", panels=[4, 4, 4])
    result = run(layers, "compound_public_ads")
    if locations >= 3:
        assert result.ok and result.checked == 1
    else:
        (f,) = result.failures
        assert f.measured == locations and f.details["panels"] == 12


def test_commercial_boards_are_not_public_ads():
    layers = make_street()
    layers["compounds"] = frame([box(0, 0, 400, 400)], name=["甲小区"])
    layers["boards"] = boards(
        [pt(10, 10), pt(100, 100), pt(200, 200)], "commercial", panels=[5, 5, 5]
    )
    assert run(layers, "compound_public_ads").failures[0].measured == 0


def commercial_street(board_positions, board_type="reminder"):
    layers = make_street()
    layers["roads"] = frame(
        [shapely.LineString([(0, 500), (1200, 500)])],
        name=["望江路"],
        road_class=["main_commercial"],
    )
    layers["boards"] = boards([pt(x, 505) for x in board_positions], board_type)
    return layers


def test_a_1200_m_street_with_boards_at_0_450_1150_has_one_uncovered_stretch():
    result = run(commercial_street([0, 450, 1150]), "commercial_street_reminders")
    (f,) = result.failures
    assert f.measured == pytest.approx(700.0, abs=0.01)
    assert (f.details["start_m"], f.details["end_m"]) == (450.0, 1150.0)
    start, end = f.details["start_point"], f.details["end_point"]
    assert start[0] < end[0] and start[1] == pytest.approx(end[1])
    assert f.geometry.geom_type == "LineString"
    assert "700 m" in f.message and "450" in f.message_zh and "1150" in f.message_zh


def test_reminders_every_500_m_pass_and_other_boards_do_not_count():
    assert run(commercial_street([0, 450, 900]), "commercial_street_reminders").ok
    result = run(commercial_street([0, 450, 900], "public_ad"), "commercial_street_reminders")
    assert result.failures[0].measured == pytest.approx(1200.0)


def test_public_ads_every_200_m_on_main_roads():
    layers = commercial_street([100, 300, 500, 700, 900, 1100], "public_ad")
    assert run(layers, "main_road_public_ads").ok
    layers = commercial_street([100, 300, 700, 900, 1100], "public_ad")
    (f,) = run(layers, "main_road_public_ads").failures
    assert f.measured == pytest.approx(400.0)


@pytest.mark.parametrize("road_class", ["main", "secondary"])
@pytest.mark.parametrize(("gap", "fails"), [(199.0, False), (200.0, False), (201.0, True)])
def test_public_ads_every_200_m_on_main_and_secondary_roads(road_class, gap, fails):
    # a 45-degree road, so the gap is measured after reprojection on both axes
    layers = make_street()
    layers["roads"] = frame(
        [shapely.LineString([(100, 100), (100 + 2 * gap / 2**0.5, 100 + 2 * gap / 2**0.5)])],
        name=["次干路"],
        road_class=[road_class],
    )
    ends = [(100 + k * gap / 2**0.5, 100 + k * gap / 2**0.5) for k in range(3)]
    layers["boards"] = boards([pt(x, y) for x, y in ends], "public_ad")
    result = run(layers, "main_road_public_ads")
    assert result.checked == 1
    assert result.ok is not fails
    if fails:
        assert {round(f.measured) for f in result.failures} == {201}
    layers["roads"]["road_class"] = ["lane"]
    assert run(layers, "main_road_public_ads").checked == 0


@pytest.mark.parametrize(("positions", "fails"), [([], True), ([150], False)])
def test_a_main_commercial_street_shorter_than_500_m_needs_a_reminder_board(positions, fails):
    layers = commercial_street(positions)
    layers["roads"] = frame(
        [shapely.LineString([(0, 500), (300, 500)])], name=["短街"], road_class=["main_commercial"]
    )
    result = run(layers, "commercial_street_reminders")
    assert result.checked == 1 and result.ok is not fails
    if fails:
        (f,) = result.failures
        assert f.measured == pytest.approx(300.0, abs=0.01)
        assert "短街" in f.message_zh and "reminder board" in f.message


@pytest.mark.parametrize(("first", "fails"), [(500.0, False), (500.05, True)])
def test_a_reminder_exactly_500_m_from_the_street_end_passes(first, fails):
    result = run(commercial_street([first, first + 500]), "commercial_street_reminders")
    assert result.ok is not fails


def test_compound_themes():
    layers = make_street()
    layers["compounds"] = frame(
        [box(0, 0, 300, 300), box(600, 0, 300, 300)], name=["齐全小区", "缺主题小区"]
    )
    layers["boards"] = boards(
        [pt(10, 10), pt(20, 20), pt(610, 10)],
        theme=["社会主义核心价值观", "关爱未成年人", "核心价值观"],
    )
    (f,) = run(layers, "compound_themes").failures
    assert f.object_id == "缺主题小区" and f.details["missing"] == ["关爱未成年人"]
    assert f.measured == 1 and "关爱未成年人" in f.message_zh


@pytest.mark.parametrize(("public", "fails"), [(1, True), (2, False)])
def test_public_ad_share_of_outdoor_ads(public, fails):
    layers = make_street()
    n_comm = 8
    kinds = ["public_ad"] * public + ["commercial"] * n_comm + ["publicity"] * 5
    layers["boards"] = boards(
        [pt(10 + 20 * i, 500) for i in range(len(kinds))],
        board_type=kinds,
        outdoor=[True] * len(kinds),
    )
    result = run(layers, "public_ad_share")
    assert (not result.ok) is fails  # 1/9 = 11 % < 20 % <= 2/10
    if fails:
        assert result.failures[0].measured == pytest.approx(100 / 9)
