"""Generated codes (issue reports, points) never fail a writer (issue #14, item 2).

Before the counters, codes were the day's largest code + 1: an imported code such as
``AJ20261205X`` or ``AJ20261205999`` blocked every later report of the day, and
parallel writers on PostgreSQL took the same number (duplicate key on
``uq_issue_reports_code`` / ``uq_points_code``).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap import issues
from gridmap.auth import User
from gridmap.importing import import_demo, import_file
from gridmap.model import UserRole
from gridmap.store import Store
from gridmap.store import issues as store_issues

ADMIN = User("admin", UserRole.ADMIN)
AT = dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC)
WRITERS = 20


def _report(store, *, at=AT):
    point = store.read_layer("grids").geometry.iloc[3].representative_point()
    return issues.report_issue(store, ADMIN, category="市容环境", lon=point.x, lat=point.y, at=at)


def _insert_report(store, code):
    values = {"code": code, "category": "市容环境", "status": "reported", "reported_at": AT}
    return store.insert("issue_reports", values, username="import")


def test_imported_codes_never_block_new_reports(demo_store):
    # an odd code, a code at the 3-digit limit and the next number all taken by imports
    for code in ("AJ20261205X", "AJ20261205001", "AJ20261205999"):
        _insert_report(demo_store, code)
    first, second = _report(demo_store), _report(demo_store)
    assert (first.code, second.code) == ("AJ202612051000", "AJ202612051001")


def test_a_reserved_future_day_does_not_block_it(demo_store):
    _insert_report(demo_store, "AJ20261207001")  # e.g. a scoped user's import dated ahead
    later = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
    assert _report(demo_store, at=later).code == "AJ20261207002"


def _boards_file(path, center):
    x, y = center
    features = [
        {
            "type": "Feature",
            "properties": {"board_type": "publicity", "name": f"栏{i}"},
            "geometry": {"type": "Point", "coordinates": [x + i * 1e-5, y]},
        }
        for i in range(3)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _in_parallel(task, n=WRITERS):
    start = threading.Barrier(n)

    def run(i):
        start.wait()
        return task(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgis", marks=[pytest.mark.postgis, pytest.mark.slow])]
)
def test_parallel_reports_all_get_a_code(make_store, backend):
    store = make_store(backend)
    import_demo(store)
    _insert_report(store, "AJ20261205002")  # an imported code among the generated ones
    results = _in_parallel(lambda i: _report(store))
    codes = [r.code for r in results]
    assert len(set(codes)) == WRITERS
    assert "AJ20261205002" not in codes
    assert len(store_issues.read_issue_reports(store)) == 80 + 1 + WRITERS


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgis", marks=[pytest.mark.postgis, pytest.mark.slow])]
)
def test_parallel_point_imports_are_all_written(make_store, backend, tmp_path):
    store = make_store(backend)
    import_demo(store)
    before = len(store.read_layer("boards"))
    center = store.read_layer("grids").geometry.iloc[5].representative_point()
    files = [_boards_file(tmp_path / f"boards{i}.geojson", (center.x, center.y))
             for i in range(WRITERS)]
    reports = _in_parallel(lambda i: import_file(store, "boards", files[i], crs="wgs84"))
    assert [r.errors for r in reports] == [[]] * WRITERS
    assert [r.written for r in reports] == [3] * WRITERS
    codes = store.read_layer("boards")["code"]
    assert len(codes) == before + 3 * WRITERS and codes.is_unique


CODE_TAILS = st.one_of(
    st.integers(0, 1200).map(lambda n: f"{n:03d}"),
    st.integers(0, 30).map(str),
    st.text("0123456789X", min_size=1, max_size=5),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(st.one_of(st.just(None), CODE_TAILS), min_size=1, max_size=12),
)
def test_generated_codes_never_collide_with_imported_codes(tmp_path_factory, steps):
    """Imports (given codes) and reports (generated codes) interleave: every write succeeds."""
    path = tmp_path_factory.mktemp("codes") / "store.sqlite"
    store = Store(f"sqlite:///{path.as_posix()}")
    try:
        store.upgrade()
        imported: set[str] = set()
        generated: list[str] = []
        for step in steps:
            if step is None:
                with store.transaction() as conn:
                    code = store_issues.next_issue_code(conn, AT.date())
                    store.insert("issue_reports", {"code": code, "category": "市容环境",
                                                   "status": "reported", "reported_at": AT},
                                 username="t", conn=conn)
                generated.append(code)
            elif f"AJ20261205{step}" not in imported | set(generated):
                _insert_report(store, f"AJ20261205{step}")
                imported.add(f"AJ20261205{step}")
        assert len(set(generated)) == len(generated)
        assert not set(generated) & imported
        assert all(c[10:].isdigit() and len(c) >= 13 for c in generated)
    finally:
        store.close()


POINT_CODES = st.one_of(
    st.none(),
    st.integers(1, 30).map(lambda n: f"B{n:07d}"),
    st.integers(1, 30).map(lambda n: f"B{n}"),
    st.text("0123456789X", min_size=1, max_size=4).map(lambda t: f"B{t}"),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(
    st.lists(POINT_CODES, min_size=1, max_size=6,
             unique_by=lambda c: object() if c is None else c),  # many blanks, no twice-given
    min_size=1, max_size=4))
def test_generated_point_codes_never_collide_with_imported_ones(tmp_path_factory, files):
    """Files of boards with and without codes: every file is written, given codes kept."""
    import geopandas as gpd
    import shapely

    path = tmp_path_factory.mktemp("points") / "store.sqlite"
    store = Store(f"sqlite:///{path.as_posix()}")
    try:
        store.upgrade()
        stored: set[str] = set()
        for codes in files:
            if stored & {c for c in codes if c}:
                continue  # a given code already stored is a real duplicate: refused, not tested
            frame = gpd.GeoDataFrame(
                {"code": codes, "board_type": ["publicity"] * len(codes)},
                geometry=[shapely.Point(120.15, 30.25)] * len(codes), crs="EPSG:4326")
            store.write_layer("boards", frame, source_crs="wgs84", username="t")
            back = store.read_layer("boards")["code"]
            assert back.is_unique
            assert {c for c in codes if c} <= set(back)
            stored = set(back)
        assert len(stored) == len(store.read_layer("boards"))
    finally:
        store.close()
