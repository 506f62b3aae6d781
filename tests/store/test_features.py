"""read_layer_in_bbox: the same envelope filter on SQLite (in memory) and PostGIS (SQL)."""

from __future__ import annotations

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap.errors import InputError
from gridmap.importing import import_demo
from gridmap.store.features import read_layer_in_bbox

BACKENDS = ("sqlite", pytest.param("postgis", marks=pytest.mark.postgis))


def _envelope_overlaps(frame, box):
    west, south, east, north = box
    b = shapely.bounds(frame.geometry.to_numpy())
    keep = (b[:, 0] <= east) & (b[:, 2] >= west) & (b[:, 1] <= north) & (b[:, 3] >= south)
    return set(frame["code"][keep])


@pytest.mark.parametrize("backend", BACKENDS)
def test_bbox_keeps_the_features_whose_envelope_overlaps(make_store, backend):
    store = make_store(backend)
    import_demo(store)
    grids = store.read_layer("grids")
    bins = store.read_layer("bins")
    west, south, east, north = grids.total_bounds
    fractions = st.floats(0, 1)

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(fractions, fractions, fractions, fractions)
    def check(a, b, c, d):
        xs = sorted((west + a * (east - west), west + b * (east - west)))
        ys = sorted((south + c * (north - south), south + d * (north - south)))
        box = (xs[0], ys[0], xs[1], ys[1])
        assert set(read_layer_in_bbox(store, "grids", box)["code"]) == _envelope_overlaps(
            grids, box)
        assert set(read_layer_in_bbox(store, "bins", box)["code"]) == _envelope_overlaps(
            bins, box)

    check()
    assert len(read_layer_in_bbox(store, "grids", None)) == len(grids)
    with pytest.raises(InputError):
        read_layer_in_bbox(store, "grids", (1, 1, 0, 0))
