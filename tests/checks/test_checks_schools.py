"""The internet-café rule measures from the school's boundary, not its centre."""

from __future__ import annotations

import pytest
import shapely
from checkfixtures import G2, box, frame, make_street, pt, run


def street(cafe, level="primary"):
    layers = make_street()
    # a 220 x 160 m school: its east wall at x = 610, its centre at (500, 500)
    layers["schools"] = frame([box(390, 420, 220, 160)], name=["望江小学"], level=[level])
    layers["internet_cafes"] = frame([cafe], name=["星际网咖"])
    return layers


def test_cafe_150_m_from_the_wall_but_260_m_from_the_centre_fails():
    cafe = pt(760, 500)
    layers = street(cafe)
    school = shapely.box(390, 420, 610, 580)
    assert shapely.distance(school.centroid, cafe) == pytest.approx(260.0)
    centroid_check_fails = shapely.distance(school.centroid, cafe) <= 200
    assert not centroid_check_fails  # a centre-based check would miss this café
    result = run(layers, "cafe_school_distance")
    (f,) = result.failures
    assert f.measured == pytest.approx(150.0, abs=0.5)
    assert f.details["school"] == "望江小学" and f.details["to_centre_m"] == pytest.approx(
        260, abs=1
    )
    assert f.geometry.geom_type == "LineString"  # from the café to the school's wall
    assert f.grid == G2 and f.workers == ("王三", "赵四")
    assert result.coverage["kind"].tolist() == ["school_buffer"]


@pytest.mark.parametrize(("x", "fails"), [(809, True), (811, False)])
def test_threshold_is_200_m_from_the_boundary(x, fails):
    assert (not run(street(pt(x, 500)), "cafe_school_distance").ok) is fails


def test_cafe_inside_the_school_grounds_measures_0():
    (f,) = run(street(pt(500, 500)), "cafe_school_distance").failures
    assert f.measured == 0.0 and f.geometry.geom_type == "Point"


def test_kindergartens_are_not_protected_by_default():
    assert run(street(pt(700, 500), level="kindergarten"), "cafe_school_distance").ok
    assert not run(
        street(pt(700, 500), level="kindergarten"),
        "cafe_school_distance",
        params={"school_levels": ["kindergarten"]},
    ).ok
