"""Tests for gridmap.crs: GCJ-02/BD-09 conversion, metric CRS choice and coordinate checks."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from gridmap import crs
from gridmap.errors import CRSError, InputError

# Mainland China, as the brief and the properties below use it.
MAINLAND_LON = (73.6, 134.7)
MAINLAND_LAT = (18.2, 53.5)

mainland_lon = st.floats(*MAINLAND_LON, allow_nan=False)
mainland_lat = st.floats(*MAINLAND_LAT, allow_nan=False)
fast = settings(deadline=None, max_examples=150)


def _textbook_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The public WGS-84 -> GCJ-02 formula, written term by term as it is published.

    An independent oracle for the vectorised implementation (which builds the
    twelve sines from six by angle doubling).
    """
    a, ee, pi = 6378245.0, 0.00669342162296594323, math.pi
    if not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lon, lat
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * pi) + 320 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * pi
    magic = 1 - ee * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((a * (1 - ee)) / (magic * sqrt_magic) * pi)
    d_lon = (d_lon * 180.0) / (a / sqrt_magic * math.cos(rad_lat) * pi)
    return lon + d_lon, lat + d_lat


def _random_mainland(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(*MAINLAND_LON, n), rng.uniform(*MAINLAND_LAT, n)


# ---------------------------------------------------------------------------
# published reference values
# ---------------------------------------------------------------------------

# (function, input lon/lat, expected lon/lat, source)
PUBLISHED_FORWARD = [
    # wandergis/coordtransform README.md, "result" block (coordtransform on npm).
    (crs.wgs84_to_gcj02, (116.404, 39.915), (116.41024449916938, 39.91640428150164), "wandergis"),
    (crs.gcj02_to_bd09, (116.404, 39.915), (116.41036949371029, 39.92133699351021), "wandergis"),
    # googollee/eviltransform python/test.py and go/transform_test.go, TESTS (lat, lng order there).
    (crs.wgs84_to_gcj02, (121.5272106, 31.1774276), (121.531541859215, 31.17530398364597), "evil"),
    (crs.wgs84_to_gcj02, (113.912316, 22.543847), (113.9171764808363, 22.540796131694766), "evil"),
    (crs.wgs84_to_gcj02, (116.377817, 39.911954), (116.38404722455657, 39.91334545536069), "evil"),
    # hujiulong/gcoord test/unit/crs/WGS84.spec.ts and GCJ02.spec.ts.
    (crs.wgs84_to_gcj02, (123.0, 45.0), (123.00607541, 45.00197815), "gcoord"),
    (crs.wgs84_to_bd09, (123.0, 45.0), (123.0124491, 45.0083293), "gcoord"),
    (crs.gcj02_to_bd09, (123.0, 45.0), (123.00636499, 45.00636899), "gcoord"),
]

# Inverses as published. These libraries use approximate inverses (a single step,
# or the closed-form BD-09 inverse), so they agree with the exact inverse only to
# about 1e-6 degrees.
PUBLISHED_INVERSE = [
    # hujiulong/gcoord test/unit/crs/GCJ02.spec.ts and BD09.spec.ts.
    (crs.gcj02_to_wgs84, (123.0, 45.0), (122.99395597, 44.99804071)),
    (crs.bd09_to_gcj02, (123.0, 45.0), (122.99363304, 44.99365430)),
    (crs.bd09_to_wgs84, (123.0, 45.0), (122.98762210, 44.99171540)),
    # wandergis/coordtransform README.md (closed-form bd09togcj02).
    (crs.bd09_to_gcj02, (116.404, 39.915), (116.39762729119315, 39.90865673957631)),
]


@pytest.mark.parametrize(("func", "given_ll", "expected", "source"), PUBLISHED_FORWARD)
def test_forward_matches_published_values(func, given_ll, expected, source):
    lon, lat = func(*given_ll)
    assert lon == pytest.approx(expected[0], abs=1e-6), source
    assert lat == pytest.approx(expected[1], abs=1e-6), source


@pytest.mark.parametrize(("func", "given_ll", "expected"), PUBLISHED_INVERSE)
def test_inverse_close_to_published_approximations(func, given_ll, expected):
    lon, lat = func(*given_ll)
    assert lon == pytest.approx(expected[0], abs=1e-5)
    assert lat == pytest.approx(expected[1], abs=1e-5)


def test_bd09_inverse_is_exact_where_the_closed_form_is_not():
    # The closed-form value published by wandergis/coordtransform does not map back
    # onto its input; gridmap's iterative inverse does.
    closed_form = (116.39762729119315, 39.90865673957631)
    back = crs.gcj02_to_bd09(*closed_form)
    assert crs.distance_m(*back, 116.404, 39.915) > 0.01
    exact = crs.bd09_to_gcj02(116.404, 39.915)
    assert crs.distance_m(*crs.gcj02_to_bd09(*exact), 116.404, 39.915) < 1e-4


@fast
@given(mainland_lon, mainland_lat)
def test_forward_equals_textbook_formula(lon, lat):
    got = crs.wgs84_to_gcj02(lon, lat)
    want = _textbook_gcj02(lon, lat)
    assert got[0] == pytest.approx(want[0], abs=1e-12)
    assert got[1] == pytest.approx(want[1], abs=1e-12)


def test_forward_equals_textbook_formula_over_the_whole_box():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(72.01, 137.83, 3000), rng.uniform(0.83, 55.82, 3000)
    got_lon, got_lat = crs.wgs84_to_gcj02(lon, lat)
    want = np.array([_textbook_gcj02(a, b) for a, b in zip(lon, lat, strict=True)])
    np.testing.assert_allclose(got_lon, want[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got_lat, want[:, 1], rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------
# round trips and invariants
# ---------------------------------------------------------------------------


@fast
@given(mainland_lon, mainland_lat)
def test_round_trips_stay_under_a_centimetre(lon, lat):
    assert crs.distance_m(*crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat)), lon, lat) < 0.01
    assert crs.distance_m(*crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lon, lat)), lon, lat) < 0.01
    assert crs.distance_m(*crs.bd09_to_gcj02(*crs.gcj02_to_bd09(lon, lat)), lon, lat) < 0.01


@fast
@given(mainland_lon, mainland_lat)
def test_inverse_of_inverse_round_trips(lon, lat):
    # Treat the point as GCJ-02 / BD-09 first: the inverse, then the forward.
    assert crs.distance_m(*crs.wgs84_to_gcj02(*crs.gcj02_to_wgs84(lon, lat)), lon, lat) < 0.01
    assert crs.distance_m(*crs.wgs84_to_bd09(*crs.bd09_to_wgs84(lon, lat)), lon, lat) < 0.01


def test_round_trip_on_many_points_is_far_below_tolerance():
    lon, lat = _random_mainland(100_000, seed=1)
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert crs.distance_m(*back, lon, lat).max() < 1e-4
    back = crs.bd09_to_gcj02(*crs.gcj02_to_bd09(lon, lat))
    assert crs.distance_m(*back, lon, lat).max() < 1e-4


def test_two_iterations_already_reach_a_tenth_of_a_millimetre():
    lon, lat = _random_mainland(20_000, seed=2)
    lon = lon[np.abs(lon - 105.0) > 1e-3]  # away from the cusp of sqrt|lon - 105|
    lat = lat[: lon.size]
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat), max_iter=2)
    assert crs.distance_m(*back, lon, lat).max() < 1e-4
    # A single step is not enough, so the iteration does matter.
    one = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat), max_iter=1)
    assert crs.distance_m(*one, lon, lat).max() > 1e-3


@pytest.mark.parametrize(
    "lon", [105.0, 105.0 - 1e-9, 105.0 + 1e-12, 105.0 + 1e-7, 105.000005, 104.99998]
)
@pytest.mark.parametrize("lat", [22.0, 31.08, 51.97])
def test_round_trip_at_the_formulas_cusp(lon, lat):
    # sqrt(|lon - 105|) has an infinite derivative at 105 E, where Newton slows down.
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert crs.distance_m(*back, lon, lat) < 1e-3


def test_forward_offsets_have_sane_sizes():
    lon, lat = _random_mainland(50_000, seed=3)
    gcj = crs.wgs84_to_gcj02(lon, lat)
    shift = crs.distance_m(lon, lat, *gcj)
    assert shift.min() > 0
    assert shift.max() < 1000
    bd_shift = crs.distance_m(*gcj, *crs.gcj02_to_bd09(*gcj))
    assert bd_shift.min() > 500
    assert bd_shift.max() < 1200


outside_points = st.one_of(
    st.tuples(st.floats(-180, 72.0), st.floats(-90, 90)),
    st.tuples(st.floats(137.84, 180), st.floats(-90, 90)),
    st.tuples(st.floats(-180, 180), st.floats(-90, 0.829)),
    st.tuples(st.floats(-180, 180), st.floats(55.828, 90)),
)


#: Every lon/lat conversion between WGS-84, GCJ-02 and BD-09.
CONVERSIONS = (
    crs.wgs84_to_gcj02,
    crs.gcj02_to_wgs84,
    crs.gcj02_to_bd09,
    crs.bd09_to_gcj02,
    crs.wgs84_to_bd09,
    crs.bd09_to_wgs84,
)


@fast
@given(outside_points)
def test_no_offset_outside_china(point):
    lon, lat = point
    for func in CONVERSIONS:
        assert func(lon, lat) == (lon, lat)


@settings(deadline=None, max_examples=40)
@given(st.lists(st.tuples(mainland_lon, mainland_lat), min_size=1, max_size=12))
def test_arrays_and_scalars_agree(points):
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    for func, atol in ((crs.wgs84_to_gcj02, 0.0), (crs.gcj02_to_bd09, 0.0)):
        arr = func(lon, lat)
        one = np.array([func(a, b) for a, b in points])
        np.testing.assert_allclose(arr[0], one[:, 0], rtol=0, atol=atol)
        np.testing.assert_allclose(arr[1], one[:, 1], rtol=0, atol=atol)
    # Iterative inverses stop when a whole block has converged, so a point may get
    # one step more in an array than alone: they agree to 1e-9 degrees (0.1 mm).
    for func in (crs.gcj02_to_wgs84, crs.bd09_to_gcj02, crs.bd09_to_wgs84):
        arr = func(lon, lat)
        one = np.array([func(a, b) for a, b in points])
        np.testing.assert_allclose(arr[0], one[:, 0], rtol=0, atol=1e-9)
        np.testing.assert_allclose(arr[1], one[:, 1], rtol=0, atol=1e-9)


def test_scalar_in_scalar_out_and_shapes_kept():
    lon, lat = crs.wgs84_to_gcj02(120.0, 30.0)
    assert isinstance(lon, np.float64)
    assert isinstance(lat, np.float64)
    grid_lon, grid_lat = np.meshgrid(np.linspace(110, 120, 4), np.linspace(25, 35, 3))
    out = crs.gcj02_to_wgs84(grid_lon, grid_lat)
    assert out[0].shape == (3, 4)
    assert out[0].dtype == np.float64
    # broadcasting a scalar latitude against an array of longitudes
    out = crs.wgs84_to_bd09([110.0, 115.0, 120.0], 30.0)
    assert out[0].shape == out[1].shape == (3,)
    # inputs are not modified
    before = grid_lon.copy()
    crs.gcj02_to_wgs84(grid_lon, grid_lat)
    np.testing.assert_array_equal(grid_lon, before)


@pytest.mark.parametrize("func", CONVERSIONS)
def test_nan_and_inf_pass_through_without_warnings(func):
    lon = np.array([120.0, np.nan, 121.0, np.inf, np.nan])
    lat = np.array([30.0, 30.0, np.nan, 30.0, np.nan])
    out_lon, out_lat = func(lon, lat)
    assert np.isnan(out_lon[[1, 4]]).all()
    assert np.isnan(out_lat[[2, 4]]).all()
    assert out_lon[3] == np.inf
    assert out_lat[1] == 30.0  # the other coordinate of an unusable point is untouched
    assert out_lon[2] == 121.0
    # the valid point is converted exactly as on its own
    single = func(120.0, 30.0)
    assert out_lon[0] == pytest.approx(single[0], abs=1e-12)
    assert out_lat[0] == pytest.approx(single[1], abs=1e-12)
    assert np.isnan(func(np.nan, np.nan)[0])


def test_bad_input_raises_input_error():
    with pytest.raises(InputError, match="numbers"):
        crs.wgs84_to_gcj02(["east"], [30.0])
    with pytest.raises(InputError, match="tol_m"):
        crs.gcj02_to_wgs84(120.0, 30.0, tol_m=0)
    with pytest.raises(InputError, match="max_iter"):
        crs.bd09_to_gcj02(120.0, 30.0, max_iter=0)


def test_in_china_box_edges():
    inside = crs.in_china([72.004, 137.8347, 72.0, 120.0, np.nan], [0.8293, 55.8271, 30, 56, 30])
    assert inside.tolist() == [True, True, False, False, False]


# ---------------------------------------------------------------------------
# names and general transform
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WGS84", "wgs84"),
        ("wgs-84", "wgs84"),
        ("WGS 84", "wgs84"),
        ("EPSG:4326", "wgs84"),
        ("4326", "wgs84"),
        (4326, "wgs84"),
        ("GCJ02", "gcj02"),
        ("gcj-02", "gcj02"),
        ("amap", "gcj02"),
        ("高德", "gcj02"),
        ("bd09", "bd09"),
        ("BD-09", "bd09"),
        ("baidu", "bd09"),
        ("百度", "bd09"),
        ("cgcs2000", "cgcs2000"),
        ("CGCS 2000", "cgcs2000"),
        ("EPSG:4490", "cgcs2000"),
        ("epsg:4549", "EPSG:4549"),
        (" EPSG:32650 ", "EPSG:32650"),
        ("urn:ogc:def:crs:EPSG::4490", "cgcs2000"),
    ],
)
def test_normalize_crs_name(text, expected):
    assert crs.normalize_crs_name(text) == expected


@pytest.mark.parametrize("text", ["mercator-ish", "", "EPSG:99999", "bd09mc", "lat/lon please"])
def test_normalize_crs_name_rejects_unknown_names_helpfully(text):
    with pytest.raises(CRSError) as info:
        crs.normalize_crs_name(text)
    message = str(info.value)
    assert repr(text.strip()) in message  # names what the user typed
    if text == "mercator-ish":
        assert "gcj02" in message
        assert "EPSG:4549" in message


def test_systems_constant():
    assert crs.SYSTEMS == ("wgs84", "gcj02", "bd09")


def test_transform_between_named_systems_matches_the_functions():
    lon, lat = _random_mainland(50, seed=4)
    pairs = {
        ("wgs84", "gcj02"): crs.wgs84_to_gcj02,
        ("gcj02", "wgs84"): crs.gcj02_to_wgs84,
        ("gcj02", "bd09"): crs.gcj02_to_bd09,
        ("bd09", "gcj02"): crs.bd09_to_gcj02,
        ("wgs84", "bd09"): crs.wgs84_to_bd09,
        ("bd09", "wgs84"): crs.bd09_to_wgs84,
        ("cgcs2000", "gcj02"): crs.wgs84_to_gcj02,
        ("amap", "EPSG:4490"): crs.gcj02_to_wgs84,
    }
    for (src, dst), func in pairs.items():
        got = crs.transform(lon, lat, src=src, dst=dst)
        want = func(lon, lat)
        np.testing.assert_allclose(got[0], want[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(got[1], want[1], rtol=0, atol=1e-12)


def test_transform_same_system_returns_an_equal_copy():
    lon = np.array([120.0, 121.0])
    out_lon, _ = crs.transform(lon, [30.0, 31.0], src="wgs84", dst="cgcs2000")
    np.testing.assert_array_equal(out_lon, lon)
    out_lon[0] = 0.0
    assert lon[0] == 120.0


def test_transform_from_projected_epsg():
    # CGCS2000 / 3-degree Gauss-Kruger CM 120E: easting 500000 lies on 120 E.
    lon, lat = crs.transform(500000.0, 3320000.0, src="EPSG:4549", dst="wgs84")
    assert lon == pytest.approx(120.0, abs=1e-9)
    assert 29.9 < lat < 30.1
    gcj = crs.transform(500000.0, 3320000.0, src="EPSG:4549", dst="gcj02")
    assert gcj == pytest.approx(crs.wgs84_to_gcj02(lon, lat), abs=1e-12)
    # and back out to a projected system
    x, y = crs.transform(*gcj, src="gcj02", dst="EPSG:4549")
    assert x == pytest.approx(500000.0, abs=0.01)
    assert y == pytest.approx(3320000.0, abs=0.01)


def test_transform_epsg_with_nan_passes_nan():
    x, y = crs.transform([500000.0, np.nan], [3320000.0, np.nan], src="EPSG:4549", dst="wgs84")
    assert np.isfinite(x[0])
    assert np.isnan(x[1])
    assert np.isnan(y[1])


def test_transform_unknown_system_raises():
    with pytest.raises(CRSError):
        crs.transform(120.0, 30.0, src="wgs84", dst="google")


# ---------------------------------------------------------------------------
# metric CRS
# ---------------------------------------------------------------------------


def _expected_cm_epsg(lon: float) -> tuple[int, int]:
    """STANDARDS.md §5: zone = round(lon / 3), CM = 3 zone, EPSG = 4534 + (CM - 75) / 3."""
    zone = math.floor(lon / 3 + 0.5)
    cm = 3 * zone
    return cm, 4534 + (cm - 75) // 3


@pytest.mark.parametrize(
    ("lon", "epsg"),
    [(120.2, 4549), (116.4, 4548), (114.06, 4547), (75.0, 4534), (135.0, 4554), (73.5, 4534)],
)
def test_metric_epsg_gauss_kruger_zone(lon, epsg):
    assert _expected_cm_epsg(lon)[1] == epsg
    assert crs.metric_epsg(lon) == epsg
    cm = _expected_cm_epsg(lon)[0]
    assert f"CM {cm}E" in crs.metric_crs(lon).name


@fast
@given(st.floats(73.5, 136.49, allow_nan=False))
def test_metric_crs_central_meridian_is_nearest(lon):
    crs_obj = crs.metric_crs(lon)
    cm, epsg = _expected_cm_epsg(lon)
    assert crs_obj.to_epsg() == epsg
    assert abs(lon - cm) <= 1.5
    assert f"CM {cm}E" in crs_obj.name


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [(10.0, 50.0, 32632), (-70.0, -30.0, 32719), (180.0, 10.0, 32660), (137.0, 35.0, 32653)],
)
def test_metric_epsg_falls_back_to_utm(lon, lat, epsg):
    assert crs.metric_epsg(lon, lat) == epsg


def test_metric_epsg_of_arrays_and_layers():
    assert crs.metric_epsg(np.array([119.9, 120.1, 120.4, np.nan])) == 4549
    layer = gpd.GeoDataFrame(geometry=[Point(116.3, 39.9), Point(116.5, 40.0)], crs=4326)
    assert crs.metric_epsg(layer) == 4548
    assert crs.metric_epsg(layer.geometry) == 4548
    with pytest.raises(CRSError, match="EPSG:4326"):
        crs.metric_epsg(layer.to_crs(3857))
    with pytest.raises(CRSError, match="no coordinate system"):
        crs.metric_epsg(gpd.GeoDataFrame(geometry=[Point(116.3, 39.9)]))
    with pytest.raises(CRSError, match="no finite"):
        crs.metric_epsg(np.array([np.nan]))
    with pytest.raises(CRSError, match="longitude"):
        crs.metric_epsg(500000.0)


def test_a_100_m_offset_measures_100_m_in_the_metric_crs():
    geod = pyproj.Geod(ellps="WGS84")
    lon0, lat0 = 120.2, 30.25  # Hangzhou
    lon1, lat1, _ = geod.fwd(lon0, lat0, 90.0, 100.0)
    layer = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[Point(lon0, lat0), Point(lon1, lat1)], crs=4326
    )
    metric = crs.to_metric(layer)
    assert metric.crs.to_epsg() == 4549
    assert metric.geometry.iloc[0].distance(metric.geometry.iloc[1]) == pytest.approx(100, abs=0.01)
    assert metric["name"].tolist() == ["a", "b"]
    back = crs.to_wgs84(metric)
    assert back.crs.to_epsg() == 4326
    assert back.geometry.iloc[1].x == pytest.approx(lon1, abs=1e-9)
    assert back.geometry.iloc[1].y == pytest.approx(lat1, abs=1e-9)


@pytest.mark.parametrize("epsg", [4549, 4547, 4526, 32650])  # Gauss–Krüger zones, and UTM
def test_to_metric_and_back_equal_proj_to_the_last_bit(epsg):
    # gridmap builds a Gauss–Krüger transformer from CGCS2000 lon/lat (PROJ's own way from
    # WGS-84 is a zero "ballpark" shift): the coordinates must be PROJ's, bit for bit
    rng = np.random.default_rng(7)
    lon0 = pyproj.CRS.from_epsg(epsg).coordinate_operation.params[1].value  # central meridian
    lon, lat = lon0 + rng.uniform(-1.4, 1.4, 200), rng.uniform(18, 52, 200)
    layer = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    metric = crs.to_metric(layer, crs=epsg)
    proj = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = proj.transform(lon, lat)
    assert np.array_equal(metric.geometry.x, x) and np.array_equal(metric.geometry.y, y)
    back = crs.to_wgs84(metric)
    bx, by = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True).transform(x, y)
    assert np.array_equal(back.geometry.x, bx) and np.array_equal(back.geometry.y, by)


@pytest.mark.parametrize(
    "odd",
    [None, Point(), Point(120.22, 30.27, 8.0), LineString([(120.2, 30.2), (120.3, 30.3)])],
    ids=["points", "an empty point", "a 3-D point", "a line"],
)
def test_to_metric_keeps_the_frame_and_leaves_the_input_alone(odd):
    # points take a fast path; whatever the path, every vertex is PROJ's, bit for bit,
    # and the frame keeps its columns, their order, its index and its geometry's name
    where = [Point(120.2, 30.25), Point(120.21, 30.26), odd or Point(120.23, 30.24)]
    layer = gpd.GeoDataFrame(
        {"a": [1, 2, 3], "where": where, "b": list("xyz")},
        geometry="where",
        crs=4326,
        index=["p", "q", "r"],
    )
    before = layer.copy()
    metric = crs.to_metric(layer)
    assert list(metric.columns) == ["a", "where", "b"] and metric.geometry.name == "where"
    assert metric.index.equals(layer.index) and metric.crs == crs.metric_crs(layer)
    assert metric[["a", "b"]].equals(layer[["a", "b"]])
    proj = pyproj.Transformer.from_crs(4326, metric.crs, always_xy=True)
    expected = shapely.transform(
        np.asarray(layer.geometry.array),
        lambda xy: np.column_stack([*proj.transform(xy[:, 0], xy[:, 1]), *xy[:, 2:].T]),
        include_z=None,
    )
    assert all(shapely.equals_identical(np.asarray(metric.geometry.array), expected))
    series = crs.to_metric(layer.geometry)
    assert series.name == "where" and all(series.geom_equals_identical(metric.geometry))
    metric.loc["p", "a"] = 0
    assert layer.equals(before)


def test_to_metric_checks_its_input():
    layer = gpd.GeoDataFrame(geometry=[Point(120.2, 30.25)], crs=4326)
    assert crs.to_metric(layer, crs=4547).crs.to_epsg() == 4547
    with pytest.raises(CRSError):
        crs.to_metric(gpd.GeoDataFrame(geometry=[Point(120.2, 30.25)]))
    with pytest.raises(CRSError, match="empty"):
        crs.to_metric(gpd.GeoDataFrame(geometry=[], crs=4326))
    assert crs.to_metric(gpd.GeoDataFrame(geometry=[], crs=4326), crs=4549).empty
    with pytest.raises(CRSError):
        crs.to_wgs84(gpd.GeoDataFrame(geometry=[Point(0, 0)]))


# ---------------------------------------------------------------------------
# geometries
# ---------------------------------------------------------------------------

SHELL = [(120.10, 30.20), (120.20, 30.20), (120.20, 30.30), (120.10, 30.30), (120.10, 30.20)]
HOLE = [(120.13, 30.23), (120.17, 30.23), (120.17, 30.27), (120.13, 30.27), (120.13, 30.23)]


def test_transform_geometries_keeps_holes_and_moves_every_vertex():
    poly = Polygon(SHELL, [HOLE])
    out = crs.transform_geometries(poly, src="wgs84", dst="gcj02")
    assert len(out.interiors) == 1
    assert out.is_valid
    for (x, y), (gx, gy) in zip(HOLE, out.interiors[0].coords, strict=True):
        assert (gx, gy) == pytest.approx(crs.wgs84_to_gcj02(x, y), abs=1e-12)
    back = crs.transform_geometries(out, src="gcj02", dst="wgs84")
    assert shapely.equals_exact(back, poly, tolerance=1e-9)


def test_transform_geometries_on_a_layer_keeps_attributes():
    geoms = [
        Polygon(SHELL, [HOLE]),
        MultiPolygon([Polygon(SHELL), Polygon([(121, 31), (121.1, 31), (121.1, 31.1)])]),
        LineString([(120.1, 30.2), (120.2, 30.3)]),
        Point(120.15, 30.25),
        Point(2.35, 48.85),  # Paris: outside China, unchanged
        None,
    ]
    layer = gpd.GeoDataFrame(
        {"code": ["a", "b", "c", "d", "e", "f"], "n": [1, 2, 3, 4, 5, 6]},
        geometry=geoms,
        crs=4326,
        index=[10, 11, 12, 13, 14, 15],
    )
    out = crs.transform_geometries(layer, src="wgs84", dst="bd09")
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs.to_epsg() == 4326
    assert list(out.columns) == list(layer.columns)
    assert out.index.tolist() == layer.index.tolist()
    assert out["code"].tolist() == layer["code"].tolist()
    assert len(out.geometry.iloc[0].interiors) == 1
    assert len(out.geometry.iloc[1].geoms) == 2
    assert out.geometry.iloc[3].x == pytest.approx(crs.wgs84_to_bd09(120.15, 30.25)[0], abs=1e-12)
    assert out.geometry.iloc[4].equals(Point(2.35, 48.85))
    assert out.geometry.iloc[5] is None
    assert layer.geometry.iloc[3].x == 120.15  # the input is untouched
    series = crs.transform_geometries(layer.geometry, src="wgs84", dst="gcj02")
    assert isinstance(series, gpd.GeoSeries)
    assert series.index.tolist() == layer.index.tolist()


def test_transform_geometries_keeps_z_and_handles_arrays():
    out = crs.transform_geometries(
        [Point(120.0, 30.0, 12.5), Point(121, 31)], src="gcj02", dst="wgs84"
    )
    assert out[0].has_z
    assert out[0].z == 12.5
    assert not out[1].has_z
    assert (out[1].x, out[1].y) == pytest.approx(crs.gcj02_to_wgs84(121, 31), abs=1e-12)


def test_transform_geometries_refuses_projected_layers_for_lonlat_systems():
    layer = gpd.GeoDataFrame(geometry=[Point(500000, 3320000)], crs=4549)
    with pytest.raises(CRSError, match="longitude/latitude"):
        crs.transform_geometries(layer, src="gcj02", dst="wgs84")
    out = crs.transform_geometries(layer, src="EPSG:4549", dst="wgs84")
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].x == pytest.approx(120.0, abs=1e-9)
    with pytest.raises(CRSError, match="labelled"):
        crs.transform_geometries(layer, src="EPSG:4547", dst="wgs84")


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------

HANGZHOU = (120.16, 30.27)


def _kinds(findings):
    return {f.kind: f.rows for f in findings}


def test_clean_data_gives_no_findings():
    lon = [120.15, 120.16, 120.17, np.nan]
    lat = [30.26, 30.27, 30.28, np.nan]
    assert crs.check_coordinates(lon, lat) == []
    assert crs.check_coordinates(lon, lat, expected_center=HANGZHOU, max_km=5) == []
    assert not crs.looks_swapped(lon, lat)


def test_swapped_axes_are_found():
    lon = [120.15, 30.2, 39.9, 120.17, 40.0]
    lat = [30.26, 120.1, 116.4, 30.28, 80.0]  # row 4 swapped and still valid as given
    findings = crs.check_coordinates(lon, lat)
    assert _kinds(findings) == {"swapped": (1, 2, 4)}
    message = findings[0].message
    assert "swap" in message
    assert "rows 2, 3, 5" in message  # 1-based in the message
    assert crs.looks_swapped([30.2, 39.9, 120.1], [120.1, 116.4, 30.2])
    assert not crs.looks_swapped([30.2, 120.1, 120.2], [120.1, 30.2, 30.3])


def test_projected_coordinates_are_found_with_a_hint():
    lon = [120.15, 500123.4, 39500123.0]
    lat = [30.26, 3349000.0, 3349000.0]
    findings = crs.check_coordinates(lon, lat, first_row=2)
    assert _kinds(findings) == {"projected": (1, 2)}
    message = str(findings[0])
    assert "projected metres" in message
    assert "EPSG" in message
    assert "rows 3, 4" in message
    zoned = crs.check_coordinates([39500123.0, 39501000.0], [3349000.0, 3350000.0])
    assert "zone 39" in zoned[0].message
    assert "EPSG:4527" in zoned[0].message
    northing_first = crs.check_coordinates([3349000.0], [40500123.0])
    assert "EPSG:4528" in northing_first[0].message
    assert "northing" in northing_first[0].message


def test_outside_china_and_invalid_are_found():
    lon = [2.35, 120.15, 200.0, -74.0]
    lat = [48.85, 30.26, 95.0, 40.7]
    assert _kinds(crs.check_coordinates(lon, lat)) == {
        "invalid": (2,),
        "outside_china": (0, 3),
    }


def test_far_from_center_is_found():
    lon = [120.15, 116.40, 120.17, 121.47]
    lat = [30.26, 39.90, 30.28, 31.23]  # Beijing and Shanghai are far from Hangzhou
    findings = crs.check_coordinates(lon, lat, expected_center=HANGZHOU, max_km=50)
    assert _kinds(findings) == {"far_from_center": (1, 3)}
    assert "50 km" in findings[0].message
    assert "km away" in findings[0].message
    near = crs.check_coordinates(lon, lat, expected_center=HANGZHOU, max_km=2000)
    assert near == []


def test_findings_come_in_kind_order_and_each_row_once():
    lon = [116.40, 500000.0, 30.2, 2.35, 120.15, 200.0, np.nan]
    lat = [39.90, 3300000.0, 120.1, 48.85, 30.26, 95.0, 30.0]
    findings = crs.check_coordinates(lon, lat, expected_center=HANGZHOU, max_km=50)
    assert [f.kind for f in findings] == list(crs.FINDING_KINDS)
    rows = [r for f in findings for r in f.rows]
    assert sorted(rows) == [0, 1, 2, 3, 5]
    assert all(f.message.startswith(f"{len(f.rows)} of 6 point") for f in findings)


def test_check_coordinates_long_row_lists_are_shortened():
    lon = [2.35] * 25
    lat = [48.85] * 25
    message = crs.check_coordinates(lon, lat)[0].message
    assert "and 15 more" in message
    assert len(crs.check_coordinates(lon, lat)[0].rows) == 25


def test_check_coordinates_tolerates_text_and_checks_arguments():
    findings = crs.check_coordinates(["120.1", "n/a", "30.2"], ["30.2", "", "120.1"])
    assert _kinds(findings) == {"swapped": (2,)}
    with pytest.raises(InputError):
        crs.check_coordinates([120.0], [30.0], expected_center=HANGZHOU)
    with pytest.raises(InputError):
        crs.check_coordinates([120.0, 121.0], [30.0])


def test_distance_m():
    assert crs.distance_m(120.0, 30.0, 120.0, 31.0) == pytest.approx(111_195, abs=1)
    assert crs.distance_m(120.0, 30.0, 120.0, 30.0) == 0.0
    d = crs.distance_m([120.0, 121.0], [30.0, 31.0], 121.0, 31.0)
    assert d.shape == (2,)
    assert d[1] == 0.0
    assert crs.distance_m(116.4, 39.9, 120.16, 30.27) == pytest.approx(
        crs.distance_m(120.16, 30.27, 116.4, 39.9)
    )
    assert np.isnan(crs.distance_m(np.nan, 30.0, 120.0, 30.0))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.tuples(st.floats(200_000, 800_000), st.floats(2_000_000, 5_000_000)),
        ),
        max_size=30,
    )
)
def test_points_lonlat_is_to_wgs84_without_the_points(coords):
    """points_lonlat gives the very floats of to_wgs84 + get_coordinates, NaN for None."""
    metric = 4549
    pts = np.array([None if c is None else shapely.Point(*c) for c in coords], dtype=object)
    got = crs.points_lonlat(pts, metric)
    assert got.shape == (len(pts), 2)
    have = np.array([c is not None for c in coords], dtype=bool)
    assert np.isnan(got[~have]).all()
    if have.any():
        back = crs.to_wgs84(gpd.GeoSeries(pts[have], crs=metric)).to_numpy()
        np.testing.assert_array_equal(got[have], shapely.get_coordinates(back))


def test_points_lonlat_refuses_polygons():
    with pytest.raises(InputError):
        crs.points_lonlat([shapely.box(0, 0, 1, 1)], 4549)
