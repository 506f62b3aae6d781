"""Grid codes, tilings and splits refuse and explain in Chinese and English (issue #17)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from _split_data import CODE, X0, Y0, community_lonlat, to_lonlat
from shapely.geometry import box

from gridmap.errors import InputError, TopologyError
from gridmap.grids import codes, split
from gridmap.grids.tiling import TilingReport, validate_tiling

# --------------------------------------------------------------------------- grids


def test_a_bad_grid_code_in_both_languages():
    with pytest.raises(InputError, match="is not 15 digits") as info:
        codes.parse_grid_code("12345")
    assert info.value.text("zh").startswith("网格编码 '12345' 不是 15 位数字")


def test_a_grid_without_community_code_names_its_row():
    grids = gpd.GeoDataFrame(
        {"code": [None], "community": [None]},
        geometry=[box(116.40, 39.90, 116.41, 39.91)],
        crs="EPSG:4326",
    )
    with pytest.raises(InputError) as info:
        codes.assign_grid_codes(grids)
    assert info.value.row == 1
    assert (
        info.value.text("zh")
        == "第 1 行：该网格没有所属社区编码，无法生成网格编码；请先填写社区编码"
    )


def test_a_tiling_summary_in_chinese():
    community = gpd.GeoDataFrame(
        {"code": ["110101001001"]}, geometry=[box(116.40, 39.90, 116.42, 39.92)], crs="EPSG:4326"
    )
    grids = gpd.GeoDataFrame(
        {"code": ["110101001001001"], "community": ["110101001001"]},
        geometry=[box(116.401, 39.901, 116.41, 39.919)],
        crs="EPSG:4326",
    )
    report = validate_tiling(community, grids)
    assert report.summary() == "1 tiling problem: 1 gap"
    assert report.summary_msg().text("zh") == "1 处网格拼接问题：缝隙 1 处"
    with pytest.raises(TopologyError) as info:
        report.raise_for_findings()
    assert str(info.value).startswith("1 tiling problem: 1 gap; first: gap of")
    assert info.value.text("zh").startswith("1 处网格拼接问题：缝隙 1 处；第一处：")
    assert TilingReport().summary() == "the grids tile every community"


def test_split_problems_are_keyed_and_shown_in_chinese():
    geom = box(X0, Y0, X0 + 200, Y0 + 200)
    buildings = to_lonlat([box(X0 + 10, Y0 + 10, X0 + 30, Y0 + 30)], households=[120])
    grids = split.grids_from_households(
        community_lonlat(geom), buildings, None, community_code=CODE
    )
    assert grids["problem"].iloc[0] == (
        "the whole community has only 120 households, fewer than the minimum 300"
    )
    (keyed,) = json.loads(grids["problem_keys"].iloc[0])
    assert keyed == {"key": "split.problem.community_small_hh",
                     "params": {"total": 120.0, "lo": 300}}  # fmt: skip
    assert split.problem_texts(grids, "zh").iloc[0] == "整个社区只有 120 户，少于下限 300"
    assert split.problem_texts(grids).iloc[0] == grids["problem"].iloc[0]
    (line,) = split.split_problems(grids, "zh")
    assert line == f"{grids['code'].iloc[0]}：整个社区只有 120 户，少于下限 300"
    assert split.split_problems(grids) == [f"{grids['code'].iloc[0]}: {grids['problem'].iloc[0]}"]


def test_split_problem_texts_fall_back_to_the_english_column():
    old = gpd.GeoDataFrame({"code": ["1"], "problem": ["too big"]}, geometry=[None])
    assert split.problem_texts(old, "zh").tolist() == ["too big"]


def test_bad_split_options_in_chinese():
    with pytest.raises(InputError) as info:
        split.grids_from_cells(community_lonlat(box(0, 0, 100, 100)), cell_m=-5)
    assert str(info.value) == "cell_m must be a positive number of metres, not -5"
    assert info.value.text("zh") == "格网边长须为正的米数，不能是 -5"
