"""A layer read a few rows at a time equals the same layer read at once (refs #16)."""

from __future__ import annotations

import pandas as pd
import pytest

from gridmap.store import layers as store_layers


@pytest.mark.parametrize("layer", ["grids", "buildings", "boards", "assignments", "workers"])
def test_a_layer_read_in_partitions_equals_one_read(demo_store, monkeypatch, layer):
    whole = demo_store.read_layer(layer)
    assert len(whole) > 3
    monkeypatch.setattr(store_layers, "_READ_ROWS", 3)  # many partitions, the last one short
    parts = demo_store.read_layer(layer)
    assert list(parts.columns) == list(whole.columns)
    assert list(parts.dtypes) == list(whole.dtypes)
    pd.testing.assert_frame_equal(pd.DataFrame(parts), pd.DataFrame(whole))
    bbox = demo_store.read_layer(layer, bbox=(-180, -90, 180, 90)) if "geometry" in whole else None
    if bbox is not None:
        assert bbox["id"].tolist() == whole["id"].tolist()


@pytest.mark.parametrize("layer", ["grids", "boards", "bins", "workers", "issues"])
def test_a_read_without_bookkeeping_is_the_full_read_less_those_columns(demo_store, layer):
    full = demo_store.read_layer(layer)
    lean = demo_store.read_layer(layer, bookkeeping=False)
    left_out = [c for c in ("version", "source_crs", "retired_at") if c in full.columns]
    assert "version" in left_out
    assert not set(left_out) & set(lean.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(lean), pd.DataFrame(full.drop(columns=left_out)))
    if "retired_at" in full.columns:  # asked for, retired records keep their date
        assert "retired_at" in demo_store.read_layer(layer, include_retired=True,
                                                     bookkeeping=False).columns
