"""gridmap.bench.app on a tiny store with tiny N: the figures come back whole (no timing asserts).

Runs ``gridmap serve`` and Debian's Chromium (offline), like tests/browser.
"""

from __future__ import annotations

import math

import pytest

from gridmap.bench import Figure, app, synthetic_city
from gridmap.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _finite_positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def tiny_city() -> dict:
    return app.scaled(synthetic_city("street"), 0.2)


def test_scaled_cuts_every_layer_to_a_corner_of_the_city():
    city = synthetic_city("street")
    small = app.scaled(city, 0.25)
    for name, frame in city.items():
        assert len(small[name]) <= len(frame)
    assert 0 < len(small["grids"]) < len(city["grids"])
    assert 0.1 < len(small["points"]) / len(city["points"]) < 0.45
    assert small["points"].geometry.within(
        small["grids"].geometry.union_all().envelope.buffer(1e-9)).all()
    assert app.scaled(city, 1.0)["points"] is city["points"]


def test_build_store_writes_the_layers(tiny_city, tmp_path):
    url = app.build_store(tmp_path / "s.sqlite", tiny_city)
    store = open_store(url, upgrade=False)
    try:
        assert len(store.read_layer("grids")) == len(tiny_city["grids"])
        assert len(store.read_layer("boards")) == len(tiny_city["points"])
    finally:
        store.close()


def test_size_figure_prints_megabytes():
    line = app.SizeFigure("x", 2_000_000, 1_000_000, "<= 2 MB").line()
    assert "2.00 MB" in line and "1.00 MB" in line and "2.00x" in line
    assert isinstance(app.SizeFigure("x", 1, None, ""), Figure)
