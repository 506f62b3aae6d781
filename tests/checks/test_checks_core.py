"""The array cores of the rules, against brute force (Hypothesis) and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gridmap.checks import core

coords = arrays(
    np.float64,
    st.tuples(st.integers(1, 40), st.just(2)),
    elements=st.floats(-1000, 1000, allow_nan=False, width=32),
)


@pytest.fixture(params=["kdtree", "strtree"])
def backend(request, monkeypatch):
    """Run a test with scipy's KD-tree and with the STRtree fallback."""
    if request.param == "strtree":
        monkeypatch.setattr(core, "_kdtree", lambda: None)
    return request.param


@given(src=coords, dst=coords)
@settings(max_examples=60, deadline=None)
def test_nearest_distance_equals_brute_force(src, dst):
    d, i = core.nearest_distance_m(src, dst)
    brute = np.hypot(*(src[:, None, :] - dst[None, :, :]).transpose(2, 0, 1))
    np.testing.assert_allclose(d, brute.min(axis=1), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(brute[np.arange(len(src)), i], brute.min(axis=1), atol=1e-6)


@given(src=coords, dst=coords)
@settings(max_examples=30, deadline=None)
def test_nearest_distance_without_scipy_equals_brute_force(src, dst):
    original = core._kdtree
    core._kdtree = lambda: None
    try:
        d, _ = core.nearest_distance_m(src, dst)
    finally:
        core._kdtree = original
    brute = np.hypot(*(src[:, None, :] - dst[None, :, :]).transpose(2, 0, 1)).min(axis=1)
    np.testing.assert_allclose(d, brute, atol=1e-6)


def test_nearest_distance_with_no_targets():
    d, i = core.nearest_distance_m([[0, 0], [1, 1]], np.zeros((0, 2)))
    assert np.isinf(d).all() and (i == -1).all()
    d, i = core.nearest_distance_m(np.zeros((0, 2)), [[0, 0]])
    assert len(d) == len(i) == 0


def test_geometry_distance_is_from_the_wall_not_the_centre():
    building = shapely.box(0, 0, 40, 20)
    point = shapely.Point(40 + 130, 10)
    d, _i = core.nearest_geometry_distance_m([building], [point])
    assert d[0] == pytest.approx(130.0)
    assert shapely.distance(building.centroid, point) == pytest.approx(150.0)
    inside, _ = core.nearest_geometry_distance_m([building], [shapely.Point(5, 5)])
    assert inside[0] == 0.0


@given(src=coords, dst=coords, radius=st.floats(0.5, 500))
@settings(max_examples=50, deadline=None)
def test_count_within_equals_brute_force(src, dst, radius):
    a, b = shapely.points(src), shapely.points(dst)
    distances = shapely.distance(a[:, None], b[None, :])
    # GEOS's dwithin and a computed distance may round apart exactly at the radius
    # (e.g. a distance of 1 + 1e-36 against 1.0): a measure-zero edge, not a real case
    assume(not np.isclose(distances, radius, rtol=1e-12, atol=1e-12).any())
    expected = (distances <= radius).sum(axis=1)
    np.testing.assert_array_equal(core.count_within(a, b, radius), expected)


def test_sum_within_weights():
    polys = [shapely.box(0, 0, 10, 10), shapely.box(100, 100, 110, 110)]
    pts = shapely.points([(5, 5), (6, 6), (105, 105)])
    assert core.sum_within(polys, pts, 0, [1, 3, 2]).tolist() == [4.0, 2.0]


positions = st.lists(st.floats(-50, 1300, allow_nan=False), max_size=30)


@given(length=st.floats(1, 1200), pos=positions, max_gap=st.floats(1, 800))
@settings(max_examples=200, deadline=None)
def test_stretches_cover_the_line_and_gaps_are_the_long_ones(length, pos, max_gap):
    start, end = core.stretches(length, pos)
    assert (end - start).sum() == pytest.approx(length)
    assert (end >= start).all()
    gs, ge = core.uncovered_stretches(length, pos, max_gap_m=max_gap)
    assert ((ge - gs) > max_gap + 1e-3).all()
    covered = (end - start)[(end - start) <= max_gap + 1e-3].sum()
    assert covered + (ge - gs).sum() == pytest.approx(length)


def test_one_uncovered_stretch_on_a_1200_m_street():
    start, end = core.uncovered_stretches(1200, [0, 450, 1150], max_gap_m=500)
    assert start.tolist() == [450.0] and end.tolist() == [1150.0]
    assert core.uncovered_stretches(1200, [], max_gap_m=500)[0].tolist() == [0.0]


@given(
    lengths=st.lists(st.floats(1, 2000), min_size=1, max_size=6),
    data=st.data(),
    max_gap=st.floats(10, 600),
)
@settings(max_examples=100, deadline=None)
def test_gaps_along_lines_equals_one_line_at_a_time(lengths, data, max_gap):
    n = len(lengths)
    line = data.draw(st.lists(st.integers(0, n - 1), max_size=40))
    pos = [data.draw(st.floats(0, lengths[k])) for k in line]
    gl, gs, ge = core.gaps_along_lines(lengths, line, pos, max_gap_m=max_gap)
    for k in range(n):
        mine = [p for p, owner in zip(pos, line, strict=True) if owner == k]
        s, e = core.uncovered_stretches(lengths[k], mine, max_gap_m=max_gap)
        np.testing.assert_allclose(gs[gl == k], s)
        np.testing.assert_allclose(ge[gl == k], e)


def test_gaps_along_lines_per_line_limits():
    gl, gs, ge = core.gaps_along_lines([300, 300], [0, 1], [150, 150], max_gap_m=[100, 200])
    assert gl.tolist() == [0, 0] and gs.tolist() == [0.0, 150.0] and ge.tolist() == [150.0, 300.0]


def test_positions_along_lines_projects_near_points_only():
    lines = [shapely.LineString([(0, 0), (1000, 0)])]
    pts = shapely.points([(100, 5), (500, -40), (700, 80)])
    li, pi, pos = core.positions_along_lines(lines, pts, near_m=50)
    assert li.tolist() == [0, 0] and pi.tolist() == [0, 1]
    np.testing.assert_allclose(pos, [100, 500])


def _components_brute(xy: np.ndarray, radius: float) -> list[set[int]]:
    n = len(xy)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    seen, groups = set(), []
    for s in range(n):
        if s in seen:
            continue
        stack, group = [s], set()
        while stack:
            k = stack.pop()
            if k in group:
                continue
            group.add(k)
            stack += [j for j in np.flatnonzero(d[k] <= radius) if j not in group]
        seen |= group
        groups.append(group)
    return groups


@given(xy=coords, radius=st.floats(1, 300))
@settings(max_examples=80, deadline=None)
def test_cluster_labels_are_the_connected_components(xy, radius):
    labels = core.cluster_labels(xy, radius)
    got = {frozenset(np.flatnonzero(labels == k).tolist()) for k in np.unique(labels)}
    assert got == {frozenset(g) for g in _components_brute(xy, radius)}
    assert labels[0] == 0 and set(np.unique(labels)) == set(range(labels.max() + 1))


def test_cluster_labels_chain_and_fallback(backend):
    xy = [[0, 0], [15, 0], [30, 0], [100, 0], [119, 0]]
    assert core.cluster_labels(xy, 20).tolist() == [0, 0, 0, 1, 1]
    assert core.cluster_labels(np.zeros((0, 2)), 20).tolist() == []
