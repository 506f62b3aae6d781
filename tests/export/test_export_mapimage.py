"""Static grid maps: drawn offline, the grid's outline really in the image."""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from gridmap.errors import NotFound
from gridmap.export._common import load_data
from gridmap.export.mapimage import (
    OUTLINE_COLOR,
    _window,
    grid_map_png,
    project_frames,
    scale_bar_length_m,
)

GRID = "330102011002002"


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])


def _outline_mask(image: Image.Image, tol: int = 40) -> np.ndarray:
    pixels = np.asarray(image.convert("RGB")).astype(int)
    return np.abs(pixels - _rgb(OUTLINE_COLOR)).sum(axis=2) < tol


@pytest.fixture
def frames(demo_store):
    return project_frames(load_data(demo_store, as_of=dt.date(2026, 11, 1), roads=True))


def test_map_shows_the_grid_outline_where_the_grid_is(frames):
    png = grid_map_png(frames, GRID, width_in=6, height_in=4.5, dpi=100)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (600, 450)
    mask = _outline_mask(image)
    assert mask.sum() > 500  # a drawn outline, not a stray pixel
    # the outline's pixels surround the image centre (where the grid is drawn) on every side
    ys, xs = np.nonzero(mask)
    assert xs.min() < 300 < xs.max() and ys.min() < 225 < ys.max()
    # and they follow the grid's boundary: map boundary points into pixel space
    geom = frames["grids"].set_index("code").geometry[GRID]
    minx, miny, maxx, maxy = _window(geom, aspect=6 / 4.5)
    sample = shapely.get_coordinates(shapely.segmentize(geom.exterior, 5.0))
    px = ((sample[:, 0] - minx) / (maxx - minx) * 600).astype(int).clip(0, 599)
    py = ((maxy - sample[:, 1]) / (maxy - miny) * 450).astype(int).clip(0, 449)
    hits = [
        mask[max(y - 3, 0) : y + 4, max(x - 3, 0) : x + 4].any()
        for x, y in zip(px, py, strict=True)
    ]
    assert np.mean(hits) > 0.8


def test_map_is_not_blank_and_has_point_markers(frames):
    png = grid_map_png(frames, GRID, dpi=60)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert (pixels.sum(axis=2) < 740).mean() > 0.2  # the grid fill and more: not blank
    board = _rgb("#1f77b4")  # KIND_COLORS["board"]
    assert (np.abs(pixels - board).sum(axis=2) < 30).sum() > 10


def test_map_projects_wgs84_frames_itself(demo_store):
    data = load_data(demo_store, as_of=dt.date(2026, 11, 1))
    png = grid_map_png(data, GRID, dpi=50)
    assert _outline_mask(Image.open(io.BytesIO(png))).sum() > 50


def test_unknown_grid_is_not_found(frames):
    with pytest.raises(NotFound):
        grid_map_png(frames, "000000000000000")


@given(st.floats(min_value=1.0, max_value=1e7))
def test_scale_bar_is_a_round_length_of_a_tenth_to_a_fifth_of_the_width(width_m):
    length = scale_bar_length_m(width_m)
    mantissa = length / 10 ** math.floor(math.log10(length) + 1e-9)
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert width_m / 12.5 - 1e-9 <= length <= width_m / 5 + 1e-9
