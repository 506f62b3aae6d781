"""The checks find the shortfalls planted in the demo street (data/geo/README.md)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely

from gridmap import checks, datasets
from gridmap.crs import to_metric
from gridmap.io import read_layer_file

AS_OF = dt.datetime(2026, 11, 1)  # the demo's "today"


@pytest.fixture(scope="module")
def layers():
    out = {}
    for entry in datasets.demo_manifest():
        frame, report = read_layer_file(entry.path, entry.layer, crs=entry.crs)
        assert report.ok, report.problems
        out[entry.layer] = frame
    return out


@pytest.fixture(scope="module")
def report(layers):
    every = [r.id for r in checks.all_rules()]
    return checks.run(layers, rules=every, as_of=AS_OF)


def test_cafe_near_a_school_is_found_where_a_centroid_check_misses_it(report, layers):
    (f,) = report.result("cafe_school_distance").failures
    assert 100 < f.measured <= 200
    assert f.details["to_centre_m"] > 200
    schools = to_metric(layers["schools"], crs="EPSG:4549")
    cafes = to_metric(layers["internet_cafes"], crs="EPSG:4549")
    to_centres = shapely.distance(
        cafes.geometry.to_numpy()[:, None], schools.geometry.centroid.to_numpy()[None, :]
    )
    assert (to_centres > 200).all()  # measuring from centres finds nothing


def test_compound_without_a_collection_point(report, layers):
    (f,) = report.result("compound_collection_point").failures
    compounds = layers["compounds"].set_index("name")
    assert bool(compounds.loc[f.name, "enclosed"]) and f.measured == 0


def test_buildings_beyond_120_m_of_a_collection_point(report):
    failures = report.result("bin_reach").failures
    assert 2 <= len(failures) <= 20
    assert all(f.measured > 120 for f in failures)
    assert len(report.result("bin_reach_advisory").failures) > len(failures)
    stranded = report.result("compound_collection_point").failures[0].name
    assert any(f.name.startswith(stranded) for f in failures)


def test_grid_without_a_grid_head_and_grid_with_only_a_head(report):
    failures = report.result("staffing").failures
    assert sorted(f.details["grid_heads"] for f in failures) == [0, 1]
    no_head = next(f for f in failures if f.details["grid_heads"] == 0)
    assert no_head.workers and no_head.grid.startswith("330102011003")
    head_only = next(f for f in failures if f.details["grid_heads"] == 1)
    assert head_only.measured == 0 and len(head_only.workers) == 1


def test_reminder_board_gap_on_the_commercial_street(report):
    (f,) = report.result("commercial_street_reminders").failures
    assert f.name == "望江路" and 500 < f.measured < 1000
    assert f.geometry.geom_type == "LineString"
    # 紫阳街 runs through 望江社区, short of boards everywhere
    (gap,) = report.result("main_road_public_ads").failures
    assert gap.name == "紫阳街" and gap.details["road_class"] == "secondary"


def test_street_bins_too_sparse_on_one_road(report):
    assert {f.name for f in report.result("street_bin_spacing").failures} == {"柳浪路"}


def test_boards_shortfalls(report):
    assert [f.object_id for f in report.result("community_entrance_boards").failures] == [
        "330102011004"
    ]
    compounds = report.result("compound_boards")
    assert 5 <= compounds.failed <= 0.4 * compounds.checked


def test_households_outliers(report):
    measured = sorted(f.measured for f in report.result("grid_households").failures)
    assert measured[0] < 150 and measured[-1] > 850


def test_fitness_and_issues(report):
    assert 3 <= report.result("fitness_inspection").failed <= 20
    walked = report.result("fitness_reach").failures  # 钱江苑: a long walk round the blocks
    assert 1 <= len(walked) <= 10
    assert all(f.details["method"] == "network" for f in walked)
    assert all(f.details["straight_m"] <= 1000 < f.measured for f in walked)
    assert report.result("issue_deadlines").failed >= 3


def test_integrity_holds(report):
    for rule in ("tiling", "points_in_grids", "compounds_assigned", "grid_residents"):
        assert report.result(rule).ok, rule


def test_every_failure_names_its_grid_and_workers(report):
    for result in report.results:
        for f in result.failures:
            assert f.grid and f.community, (result.rule, f.object_id)
            assert f.workers, (result.rule, f.object_id)
            assert f.geometry is not None and np.isfinite([f.lon, f.lat]).all()


def test_community_scope(layers):
    scoped = checks.run(
        layers, rules=["bin_reach", "compound_boards"], as_of=AS_OF, community="330102011003"
    )
    assert all(f.community == "330102011003" for f in scoped.failures)
    assert scoped.result("bin_reach").failed >= 2  # the stranded compound lies there
    assert set(scoped.grids["community"]) == {"330102011003"}


def test_same_results_from_the_store(make_store, report):
    from gridmap.importing import import_demo

    store = make_store()
    import_demo(store)
    stored = checks.run_checks_on_store(store, rules=[r.rule for r in report.results], as_of=AS_OF)
    for a, b in zip(report.results, stored.results, strict=True):
        assert (a.rule, a.checked, a.failed) == (b.rule, b.checked, b.failed)


def test_the_one_road_without_an_owner(report):
    (f,) = report.result("road_owners").failures
    assert f.name == "柳翠弄" and 200 < f.measured < 400
    assert len(f.details["bordering_grids"]) >= 1


def test_service_centre_and_hoarding_shortfalls(report):
    (ads,) = report.result("service_centre_public_ads").failures
    (panels,) = report.result("service_centre_public_ad_panels").failures
    assert ads.name == panels.name == "望江社区党群服务中心"
    assert (ads.measured, panels.measured) == (2, 5)
    assert report.result("service_centre_public_ads").checked == 5
    (hoarding,) = report.result("hoarding_public_ads").failures
    assert hoarding.object_id == "WD03" and hoarding.measured == pytest.approx(20.0)


def test_points_read_as_lonlat_give_the_very_report_of_points_read_as_geometries(make_store):
    """The store run reads point layers as lon/lat (refs #16); the report is byte for byte
    the one of the same layers read with their point geometries."""
    from gridmap.checks import export
    from gridmap.checks.registry import BASE_LAYERS
    from gridmap.importing import import_demo

    store = make_store()
    import_demo(store)
    every = [r.id for r in checks.all_rules()]
    stored = checks.run_checks_on_store(store, rules=every, as_of=AS_OF)
    names = {*BASE_LAYERS, *(n for r in checks.all_rules() for n in r.layers)}
    frames = {n: store.read_layer(n, include_retired=n == "workers", bookkeeping=False)
              for n in names}
    assert not any("lon" in f.columns for f in frames.values())
    direct = checks.run(frames, rules=every, as_of=AS_OF)
    assert sum(r.failed for r in direct.results) > 20  # the planted cases are there
    for fmt in ("json", "geojson"):
        assert export.write_report(stored, fmt) == export.write_report(direct, fmt)
