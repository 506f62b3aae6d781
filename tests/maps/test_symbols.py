"""Point symbols: one shape per kind, status as the colour, one legend per kind (#17)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from gridmap import maps
from gridmap.maps import leaflet, styles
from gridmap.model import IssueStatus, PointStatus


def _points(kind_column: dict[str, list]) -> gpd.GeoDataFrame:
    n = len(next(iter(kind_column.values())))
    geoms = [shapely.Point(120.15 + i * 1e-4, 30.28) for i in range(n)]
    return gpd.GeoDataFrame(kind_column, geometry=geoms, crs="EPSG:4326")


def _layer(group) -> leaflet.PointLayer:
    for child in group._children.values():
        if isinstance(child, leaflet.PointLayer):
            return child
        for grand in getattr(child, "_children", {}).values():
            if isinstance(grand, leaflet.PointLayer):
                return grand
    raise AssertionError("no point layer")


def test_each_kind_has_its_own_symbol():
    kinds = ("board", "fitness", "bin", "collection_point", "issue")
    assert len({styles.KIND_SHAPES[k] for k in kinds}) == len(kinds)
    assert set(styles.KIND_SHAPES.values()) <= set(styles.SHAPES)


def test_a_damaged_facility_and_a_reported_case_differ_in_colour():
    assert styles.STATUS_COLORS["damaged"] != styles.STATUS_COLORS["reported"]
    facility = {s.value for s in PointStatus} & set(styles.STATUS_COLORS)
    case = {s.value for s in IssueStatus} & set(styles.STATUS_COLORS)
    assert len({styles.STATUS_COLORS[s] for s in facility}) == len(facility)
    assert len({styles.STATUS_COLORS[s] for s in case}) == len(case)


def test_points_carry_the_kind_symbol_and_collection_points_a_diamond():
    bins = _points({"status": ["active", "damaged", "active"],
                    "bin_type": ["other", "collection_point", "kitchen"]})
    group = maps.add_points(None, bins, layer_name="bins", kind="bin", cluster=False,
                            legend=True, lang="zh")
    data = _layer(group).data
    shapes = [data["styles"][c]["shape"] for c in data["cat"]]
    assert shapes == ["circle", "diamond", "circle"]
    fills = [data["styles"][c]["fillColor"] for c in data["cat"]]
    assert fills == [styles.STATUS_COLORS[s] for s in ("active", "damaged", "active")]
    boards = _points({"status": ["active"]})
    data = _layer(maps.add_points(None, boards, layer_name="boards", kind="board",
                                  cluster=False)).data
    assert data["styles"][0]["shape"] == "square"


def test_the_legend_of_a_kind_shows_its_symbol():
    boards = _points({"status": ["active", "damaged"]})
    group = maps.add_points(None, boards, layer_name="boards", kind="board", legend=True,
                            lang="zh")
    (legend,) = [c for c in group._children.values() if isinstance(c, leaflet.Legend)]
    assert legend.html.count('class="gridmap-sym"') == 2
    assert "<path" in legend.html  # a square, not a dot
    assert styles.STATUS_COLORS["damaged"] in legend.html


@given(st.sampled_from(styles.SHAPES), st.floats(1, 50))
def test_symbols_stay_within_their_drawn_box(shape, r):
    # the canvas sprite is 1.35 r wide on each side: no corner may leave it
    for x, y in styles.symbol_points(shape, r):
        assert abs(x) <= 1.35 * r + 1e-6 and abs(y) <= 1.35 * r + 1e-6


@pytest.mark.parametrize(("lang", "word"), [("zh", "垃圾收集点"), ("en", "collection point")])
def test_the_bins_legend_names_collection_points_not_their_symbol(lang, word):
    bins = _points({"status": ["active", "active"], "bin_type": ["other", "collection_point"]})
    group = maps.add_points(None, bins, layer_name="bins", kind="bin", legend=True, lang=lang)
    (legend,) = [c for c in group._children.values() if isinstance(c, leaflet.Legend)]
    assert word in legend.html.lower() and "diamond" not in legend.html
