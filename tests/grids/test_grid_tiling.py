"""Tests for gridmap.grids.tiling.validate_tiling."""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.ops import split

from gridmap.errors import CRSError, InputError, TopologyError
from gridmap.grids import KINDS, TilingReport, validate_tiling

# Geometry is drawn in metres in CGCS2000 3-degree Gauss-Krüger CM 120E (the metric CRS
# gridmap picks here) near Hangzhou, lon 120.15, lat 30.25, and handed to validate_tiling
# in EPSG:4326 like real input. Drawing in the same projection keeps straight edges
# straight, so exact tilings stay exact up to floating-point noise.
METRIC = "EPSG:4549"
X0, Y0 = 514436.0, 3347836.0
C1 = "330102011001"
C2 = "330102011002"
NEAR = re.compile(r"near \((120\.\d{5}), (30\.\d{5})\)")


def lonlat(geoms, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=METRIC).to_crs("EPSG:4326")


def communities(geoms, codes=(C1,)) -> gpd.GeoDataFrame:
    return lonlat(geoms, code=list(codes), name=[f"社区{i}" for i in range(len(codes))])


def grids(geoms, community=C1, codes=None) -> gpd.GeoDataFrame:
    geoms = list(geoms)
    if codes is None:
        codes = [f"{C1}{i + 1:03d}" for i in range(len(geoms))]
    if isinstance(community, str):
        community = [community] * len(geoms)
    return lonlat(geoms, code=list(codes), community=list(community))


def sq(x, y, w, h=None) -> Polygon:
    """A w×h box whose south-west corner is (x, y) metres from the origin."""
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def lattice(n=3, size=100.0) -> list[Polygon]:
    return [sq(i * size, j * size, size) for j in range(n) for i in range(n)]


def to_metric_point(point: Point) -> Point:
    return gpd.GeoSeries([point], crs="EPSG:4326").to_crs(METRIC).iloc[0]


# --------------------------------------------------------------------------- examples


def test_exact_lattice_is_ok_and_frame_is_empty():
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(lattice()))
    assert report.ok
    assert report.findings == []
    frame = report.to_frame()
    assert len(frame) == 0
    assert frame.crs == "EPSG:4326"
    for column in ("kind", "community", "grids", "area_m2", "message", "geometry"):
        assert column in frame.columns
    assert str(report) == "the grids tile every community"
    report.raise_for_findings()  # nothing to raise


def test_gap_has_area_location_and_specific_message():
    cells = lattice()
    cells[4] = sq(100, 100, 90, 100)  # leaves a 10 m × 100 m gap
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(cells))
    assert [f.kind for f in report.findings] == ["gap"]
    gap = report.findings[0]
    assert gap.community == C1
    assert gap.grids == ()
    assert gap.area_m2 == pytest.approx(1000, rel=5e-3)
    assert sq(190, 100, 10, 100).buffer(0.01).contains(to_metric_point(gap.location))
    assert re.fullmatch(
        rf"gap of \d+\.\d m² in community {C1} near \(120\.\d{{5}}, 30\.\d{{5}}\)", gap.message
    )
    lon, lat = (float(v) for v in NEAR.search(gap.message).groups())
    assert (lon, lat) == pytest.approx((gap.location.x, gap.location.y), abs=1e-5)
    frame = report.to_frame()
    assert frame.loc[0, "kind"] == "gap"
    assert frame.geometry.iloc[0].geom_type == "Polygon"
    assert gpd.GeoSeries(frame.geometry, crs="EPSG:4326").to_crs(METRIC).area.iloc[0] == (
        pytest.approx(1000, rel=5e-3)
    )


def test_each_connected_gap_piece_is_separate():
    cells = lattice()
    cells[0] = sq(0, 0, 90, 100)  # gap 10 × 100 at x 90..100
    cells[8] = sq(200, 200, 100, 80)  # gap 100 × 20 at the top right
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(cells))
    gaps = report.of_kind("gap")
    assert sorted(round(g.area_m2) for g in gaps) == pytest.approx([1000, 2000], rel=5e-3)
    assert len(report.findings) == 2


def test_community_without_grids_is_one_big_gap():
    report = validate_tiling(
        communities([sq(0, 0, 300), sq(300, 0, 100)], codes=(C1, C2)), grids(lattice())
    )
    (gap,) = report.findings
    assert gap.kind == "gap"
    assert gap.community == C2
    assert gap.area_m2 == pytest.approx(10_000, rel=5e-3)
    assert "has no grids" in gap.message


def test_overlap_between_two_grids_is_reported_once_with_its_area():
    cells = lattice()
    cells[0] = sq(0, 0, 105, 100)  # reaches 5 m into cell 1
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(cells))
    (overlap,) = report.findings
    assert overlap.kind == "overlap"
    assert overlap.grids == (f"{C1}001", f"{C1}002")
    assert overlap.area_m2 == pytest.approx(500, rel=5e-3)
    assert sq(100, 0, 5, 100).buffer(0.01).contains(to_metric_point(overlap.location))
    assert overlap.message.startswith(f"grids {C1}001 and {C1}002 of community {C1} overlap by ")


def test_grid_inside_another_grid_is_an_overlap():
    cells = [*lattice(), sq(10, 10, 20)]
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(cells))
    (overlap,) = report.findings
    assert overlap.grids == (f"{C1}001", f"{C1}010")
    assert overlap.area_m2 == pytest.approx(400, rel=5e-3)


def test_grids_of_different_communities_are_not_compared_for_overlap():
    comms = communities([sq(0, 0, 100), sq(100, 0, 100)], codes=(C1, C2))
    cells = grids([sq(0, 0, 110, 100), sq(100, 0, 100)], community=[C1, C2])
    report = validate_tiling(comms, cells)
    assert [f.kind for f in report.findings] == ["outside"]
    (outside,) = report.findings
    assert outside.community == C1
    assert outside.grids == (f"{C1}001",)
    assert outside.area_m2 == pytest.approx(1000, rel=5e-3)
    assert "outside its community" in outside.message


def test_grid_outside_its_community():
    cells = lattice()
    cells[2] = sq(200, 0, 120, 100)  # 20 m beyond the east edge
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(cells))
    (outside,) = report.findings
    assert outside.kind == "outside"
    assert outside.area_m2 == pytest.approx(2000, rel=5e-3)
    assert sq(300, 0, 20, 100).buffer(0.01).contains(to_metric_point(outside.location))


def test_unknown_and_missing_community():
    cells = grids(lattice(), community=[C1] * 8 + ["330102011099"])
    cells = cells.copy()
    extra = grids([sq(400, 0, 50)], community=[None], codes=[None])
    both = gpd.GeoDataFrame(
        {
            "code": [*cells["code"], *extra["code"]],
            "community": [*cells["community"], *extra["community"]],
        },
        geometry=[*cells.geometry, *extra.geometry],
        crs="EPSG:4326",
    )
    report = validate_tiling(communities([sq(0, 0, 300)]), both)
    unknown = report.of_kind("unknown_community")
    assert [(f.community, f.grids) for f in unknown] == [
        (None, ("#10",)),
        ("330102011099", (f"{C1}009",)),
    ]
    assert "330102011099, which is not in the communities layer" in unknown[1].message
    assert "has no community code" in unknown[0].message
    # The grid with the unknown community leaves a gap in C1.
    (gap,) = report.of_kind("gap")
    assert gap.area_m2 == pytest.approx(10_000, rel=5e-3)


def test_invalid_grid_is_reported_with_reason_and_still_checked():
    bowtie = Polygon([(X0 + 310, Y0), (X0 + 330, Y0 + 20), (X0 + 330, Y0), (X0 + 310, Y0 + 20)])
    report = validate_tiling(communities([sq(0, 0, 300)]), grids([*lattice(), bowtie]))
    (invalid,) = report.of_kind("invalid")
    assert invalid.grids == (f"{C1}010",)
    assert "Self-intersection[120." in invalid.message  # the reason, in lon/lat
    assert invalid.area_m2 == pytest.approx(200, rel=5e-3)
    # The repaired bowtie lies wholly outside the community.
    (outside,) = report.of_kind("outside")
    assert outside.grids == (f"{C1}010",)
    assert outside.area_m2 == pytest.approx(200, rel=5e-3)


def test_line_grid_is_invalid_not_a_crash():
    line = LineString([(X0, Y0), (X0 + 10, Y0 + 10)])
    report = validate_tiling(communities([sq(0, 0, 300)]), grids([*lattice(), line]))
    (invalid,) = report.findings
    assert invalid.kind == "invalid"
    assert "is a LineString, not a polygon" in invalid.message


def test_empty_geometries():
    cells = grids(lattice())
    cells.loc[cells.index[4], "geometry"] = None
    comms = communities([sq(0, 0, 300), sq(0, 0, 1)], codes=(C1, C2))
    comms.loc[comms.index[1], "geometry"] = Polygon()
    report = validate_tiling(comms, cells)
    empty = report.of_kind("empty")
    assert [(f.community, f.grids) for f in empty] == [(C1, (f"{C1}005",)), (C2, ())]
    assert all(f.location is None and f.area_m2 == 0 for f in empty)
    assert "has no geometry" in empty[0].message
    (gap,) = report.of_kind("gap")
    assert gap.area_m2 == pytest.approx(10_000, rel=5e-3)
    frame = report.to_frame()
    assert frame.geometry.isna().sum() == 2
    assert frame["lon"].isna().sum() == 2


def test_tolerance_ignores_slivers_at_or_below_it():
    comms = communities([sq(0, 0, 300)])
    thin = lattice()
    thin[0] = sq(0, 0, 99.995, 100)  # a 0.005 m × 100 m = 0.5 m² sliver gap
    assert validate_tiling(comms, grids(thin)).ok
    (gap,) = validate_tiling(comms, grids(thin), tolerance_m2=0.1).findings
    assert gap.area_m2 == pytest.approx(0.5, rel=2e-2)
    wider = lattice()
    wider[0] = sq(0, 0, 99.95, 100)  # 5 m²
    (gap,) = validate_tiling(comms, grids(wider)).findings
    assert gap.area_m2 == pytest.approx(5, rel=2e-2)
    assert validate_tiling(comms, grids(wider), tolerance_m2=10.0).ok


def test_reprojection_noise_is_far_below_a_small_tolerance():
    # Round trips through lon/lat leave slivers of ~1e-9 m² along shared edges; a tolerance
    # of 0 reports them (any positive area), 0.001 m² does not.
    comms, cells = communities([sq(0, 0, 300)]), grids(lattice())
    assert validate_tiling(comms, cells, tolerance_m2=0.001).ok
    noise = validate_tiling(comms, cells, tolerance_m2=0)
    assert all(f.area_m2 < 0.001 for f in noise.findings)


def test_community_split_over_two_rows_is_one_community():
    comms = communities([sq(0, 0, 300, 150), sq(0, 150, 300, 150)], codes=(C1, C1))
    assert validate_tiling(comms, grids(lattice())).ok


def test_numeric_codes_from_spreadsheets_match():
    comms = communities([sq(0, 0, 300)], codes=(int(C1),))
    codes = [int(f"{C1}{i:03d}") for i in range(1, 10)]
    cells = grids(lattice(), community=[float(C1)] * 9, codes=codes)
    assert cells["community"].dtype == float
    assert validate_tiling(comms, cells).ok
    cells.loc[cells.index[0], "geometry"] = None
    (empty,) = validate_tiling(comms, cells).of_kind("empty")
    assert empty.grids == (f"{C1}001",)
    assert empty.community == C1


def test_report_summary_and_raise():
    cells = lattice()
    cells[0] = sq(0, 0, 105, 100)
    cells[8] = sq(200, 200, 90, 100)
    report = validate_tiling(communities([sq(0, 0, 300)]), grids(cells))
    assert report.summary() == "2 tiling problems: 1 gap, 1 overlap"
    with pytest.raises(TopologyError, match=r"2 tiling problems.*first: gap of"):
        report.raise_for_findings()
    with pytest.raises(InputError):
        report.of_kind("hole")
    assert isinstance(report, TilingReport)
    assert set(report.to_frame()["kind"]) <= set(KINDS)


def test_large_lattice_finds_the_one_overlap():
    n = 40
    cells = lattice(n, 25.0)
    cells[n * 20 + 20] = sq(20 * 25, 20 * 25, 27, 25)
    report = validate_tiling(communities([sq(0, 0, n * 25.0)]), grids(cells))
    (overlap,) = report.findings
    assert overlap.kind == "overlap"
    assert overlap.area_m2 == pytest.approx(50, rel=1e-2)


@pytest.mark.parametrize(
    ("comms", "cells", "error", "match"),
    [
        (
            lambda c: c.drop(columns="code"),
            lambda g: g,
            InputError,
            "communities have no column 'code'",
        ),
        (lambda c: c, lambda g: g.drop(columns="community"), InputError, "no column 'community'"),
        (lambda c: c.set_crs(None, allow_override=True), lambda g: g, CRSError, "no coordinate"),
        (lambda c: c, lambda g: g.set_crs(None, allow_override=True), CRSError, "grids have no"),
        (lambda c: c, lambda g: list(g.geometry), InputError, "must be a GeoDataFrame"),
    ],
)
def test_bad_inputs_raise(comms, cells, error, match):
    with pytest.raises(error, match=match):
        validate_tiling(comms(communities([sq(0, 0, 300)])), cells(grids(lattice())))


@pytest.mark.parametrize("tolerance", [-1.0, math.nan, "1"])
def test_bad_tolerance(tolerance):
    with pytest.raises(InputError, match="tolerance_m2"):
        validate_tiling(communities([sq(0, 0, 300)]), grids(lattice()), tolerance_m2=tolerance)


def test_empty_inputs_are_ok():
    comms = communities([sq(0, 0, 300)]).iloc[:0]
    assert validate_tiling(comms, grids(lattice()).iloc[:0]).ok


# --------------------------------------------------------------------------- properties


coord = st.floats(0, 400, allow_nan=False)
unit = st.floats(0.02, 0.98, allow_nan=False)


@st.composite
def tiled_community(draw):
    """A convex community near Hangzhou and grids tiling it (metric geometries)."""
    corners = draw(st.lists(st.tuples(coord, coord), min_size=4, max_size=8))
    community = MultiPoint([(X0 + x, Y0 + y) for x, y in corners]).convex_hull
    assume(community.geom_type == "Polygon" and community.area > 20_000)
    minx, miny, maxx, maxy = community.bounds
    if draw(st.sampled_from(["voronoi", "cuts"])) == "voronoi":
        seeds = draw(st.lists(st.tuples(unit, unit), min_size=2, max_size=12))
        points = [Point(minx + u * (maxx - minx), miny + v * (maxy - miny)) for u, v in seeds]
        cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=community)
        pieces = [c.intersection(community) for c in shapely.get_parts(cells)]
    else:
        pieces = [community]
        for (u1, v1), (u2, v2) in draw(
            st.lists(
                st.tuples(st.tuples(unit, unit), st.tuples(unit, unit)), min_size=1, max_size=4
            )
        ):
            a = (minx + u1 * (maxx - minx), miny + v1 * (maxy - miny))
            b = (minx + u2 * (maxx - minx), miny + v2 * (maxy - miny))
            assume(math.dist(a, b) > 10)
            dx, dy = b[0] - a[0], b[1] - a[1]
            line = LineString(
                [(a[0] - 100 * dx, a[1] - 100 * dy), (b[0] + 100 * dx, b[1] + 100 * dy)]
            )
            pieces = [p for piece in pieces for p in split(piece, line).geoms]
    pieces = [p for p in pieces if not p.is_empty]
    assume(len(pieces) >= 2)
    assume(all(p.geom_type == "Polygon" and p.area > 200 for p in pieces))
    return community, pieces


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@SETTINGS
@given(tiled_community())
def test_random_tiling_is_ok(case):
    community, pieces = case
    report = validate_tiling(communities([community]), grids(pieces))
    assert report.ok, report.summary() + ": " + "; ".join(f.message for f in report.findings)


@SETTINGS
@given(tiled_community(), st.integers(0, 100))
def test_removing_a_grid_reports_a_gap_of_its_area(case, k):
    community, pieces = case
    k %= len(pieces)
    removed = pieces[k]
    report = validate_tiling(communities([community]), grids(pieces[:k] + pieces[k + 1 :]))
    assert {f.kind for f in report.findings} == {"gap"}
    total = sum(f.area_m2 for f in report.findings)
    assert total == pytest.approx(removed.area, rel=1e-2)
    for gap in report.findings:
        assert gap.community == C1
        assert removed.buffer(0.5).contains(to_metric_point(gap.location))


@SETTINGS
@given(tiled_community(), st.integers(0, 100), st.floats(1.0, 10.0))
def test_enlarging_a_grid_reports_overlaps_with_it(case, k, distance_m):
    community, pieces = case
    k %= len(pieces)
    grown = pieces[k].buffer(distance_m, join_style="mitre")
    cells = [*pieces[:k], grown, *pieces[k + 1 :]]
    report = validate_tiling(communities([community]), grids(cells))
    code = f"{C1}{k + 1:03d}"
    overlaps = report.of_kind("overlap")
    assert overlaps, "a grown grid must overlap a neighbour"
    assert all(code in f.grids for f in overlaps)
    assert not report.of_kind("gap")
    # Every neighbour it clearly overlaps is reported, none it does not touch.
    reported = {next(g for g in f.grids if g != code) for f in overlaps}
    for i, other in enumerate(pieces):
        if i == k:
            continue
        shared = grown.intersection(other).area
        other_code = f"{C1}{i + 1:03d}"
        if shared > 20:
            assert other_code in reported
        if shared < 0.5:
            assert other_code not in reported
    overhang = grown.difference(community).area
    outside = report.of_kind("outside")
    if overhang > 20:
        assert [f.grids for f in outside] == [(code,)]
        assert outside[0].area_m2 == pytest.approx(overhang, rel=1e-2)
    if overhang < 0.5:
        assert not outside


def test_property_helpers_make_exact_tilings():
    # Guard for the strategies themselves: union of the pieces is the community.
    community = sq(0, 0, 300)
    cells = shapely.voronoi_polygons(
        MultiPoint([(X0 + 50, Y0 + 50), (X0 + 250, Y0 + 120), (X0 + 90, Y0 + 260)]),
        extend_to=community,
    )
    pieces = [c.intersection(community) for c in shapely.get_parts(cells)]
    assert shapely.union_all(pieces).symmetric_difference(community).area < 1e-3
    assert sum(p.area for p in pieces) == pytest.approx(community.area)
    assert np.isclose(sum(p.area for p in pieces), 90_000)
