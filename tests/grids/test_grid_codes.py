"""Tests for gridmap.grids.codes: parsing, validation, ordering and assignment."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.affinity import translate
from shapely.geometry import Polygon, box

from gridmap.errors import CRSError, InputError
from gridmap.grids import (
    GridCode,
    assign_grid_codes,
    check_code_order,
    check_grid_codes,
    normalize_code,
    order_west_east_north_south,
    parse_grid_code,
    validate_grid_code,
)

METRIC = "EPSG:4549"  # CGCS2000 3-degree Gauss-Krüger CM 120E, near Hangzhou
X0, Y0 = 514436.0, 3347836.0
C1 = "330102011001"
C2 = "330102011002"
CELL = 100.0


def cell(row: int, col: int, size: float = CELL) -> Polygon:
    """The square in lattice row ``row`` (0 = north) and column ``col`` (0 = west)."""
    return box(X0 + col * size, Y0 - (row + 1) * size, X0 + (col + 1) * size, Y0 - row * size)


def frame(geoms, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=list(geoms), crs=METRIC).to_crs("EPSG:4326")


def lattice_frame(n=3, *, order=None, codes=None, community=C1) -> gpd.GeoDataFrame:
    """An n×n lattice; the label of each row is its row-major position from the north-west."""
    positions = list(range(n * n)) if order is None else list(order)
    geoms = [cell(p // n, p % n) for p in positions]
    if codes is None:
        codes = [None] * len(positions)
    gdf = frame(geoms, code=list(codes), community=[community] * len(positions))
    gdf.index = pd.Index(positions, name="cell")
    return gdf


# --------------------------------------------------------------------------- parse / validate


def test_parse_grid_code_parts():
    code = parse_grid_code("330102011001007")
    assert code == GridCode("330102", "011", "001", "007")
    assert code.community_code == "330102011001"
    assert code.sequence_number == 7
    assert str(code) == "330102011001007"


@pytest.mark.parametrize("value", [330102011001007, 330102011001007.0, " 330102011001007 "])
def test_parse_grid_code_accepts_spreadsheet_values(value):
    assert str(parse_grid_code(value)) == "330102011001007"


@pytest.mark.parametrize(
    "value",
    [
        "33010201100100",
        "3301020110010071",
        "33010201100100A",
        "",
        None,
        "３３０１０２０１１００１００７",
    ],
)
def test_parse_grid_code_rejects(value):
    with pytest.raises(InputError, match="is not 15 digits"):
        parse_grid_code(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (np.nan, None),
        (pd.NA, None),
        ("  ", None),
        (" 330102011001 ", "330102011001"),
        (330102011001, "330102011001"),
        (330102011001.0, "330102011001"),
        (np.int64(330102011001), "330102011001"),
        (12.5, "12.5"),
    ],
)
def test_normalize_code(value, expected):
    assert normalize_code(value) == expected


def test_validate_good_code():
    assert validate_grid_code("330102011001007") == []
    assert validate_grid_code("330102011001007", community_code="330102011001") == []
    assert validate_grid_code(330102011001007, community_code=330102011001) == []


@pytest.mark.parametrize(
    ("code", "community", "fragments"),
    [
        (None, None, ["grid code is missing"]),
        ("33010201100107", None, ["has 14 characters, not 15 digits"]),
        ("3301020110010A7", None, ["characters other than digits"]),
        ("330102011002007", C1, [f"does not start with the code of its community {C1}"]),
        ("330102011001000", C1, ["has sequence 000"]),
        ("330102011001007", "3301020110", ["community code '3301020110' is not 12 digits"]),
        ("33010201100", C1, ["has 11 characters", "does not start with"]),
    ],
)
def test_validate_bad_codes(code, community, fragments):
    problems = validate_grid_code(code, community_code=community)
    assert len(problems) == len(fragments)
    for problem, fragment in zip(problems, fragments, strict=True):
        assert fragment in problem


@pytest.mark.parametrize(
    ("code", "community", "fragments"),
    [
        (None, None, ["缺少网格编码"]),
        ("33010201100107", None, ["有 14 位，应为 15 位数字"]),
        ("3301020110010A7", None, ["含有数字以外的字符"]),
        ("330102011002007", C1, [f"不以所属社区编码 {C1} 开头"]),
        ("330102011001000", C1, ["顺序号为 000"]),
        ("330102011001007", "3301020110", ["社区编码 3301020110 不是 12 位数字"]),
        ("33010201100", C1, ["有 11 位", "不以所属社区编码"]),
    ],
)
def test_validate_bad_codes_in_chinese(code, community, fragments):
    problems = validate_grid_code(code, community_code=community, lang="zh")
    assert len(problems) == len(fragments)
    for problem, fragment in zip(problems, fragments, strict=True):
        assert fragment in problem
        assert "{" not in problem  # every field filled


@given(code=st.one_of(st.none(), st.text(max_size=18), st.from_regex(r"\d{10,16}", fullmatch=True)),
       community=st.one_of(st.none(), st.from_regex(r"\d{9,13}", fullmatch=True)))
def test_both_languages_name_the_same_problems(code, community):
    en = validate_grid_code(code, community_code=community)
    zh = validate_grid_code(code, community_code=community, lang="zh")
    assert len(en) == len(zh)
    assert all("{" not in text or "{" in str(code) for text in zh)


# --------------------------------------------------------------------------- ordering


def test_lattice_order_is_row_major_from_north_west():
    shuffled = [4, 8, 0, 2, 7, 1, 6, 3, 5]
    gdf = lattice_frame(order=shuffled)
    assert list(order_west_east_north_south(gdf)) == list(range(9))


def test_banding_beats_a_naive_sort():
    # Row 0: the west grid sits 20 m lower than the east one (cells are 100 m), so a
    # naive sort by (-northing, easting) would number the east grid first.
    west = translate(cell(0, 0), yoff=-20)
    east = cell(0, 1)
    below = cell(1, 0)
    gdf = frame([east, below, west], code=[None] * 3, community=[C1] * 3)
    assert list(order_west_east_north_south(gdf)) == [2, 0, 1]


def test_row_height_option():
    gdf = lattice_frame(order=[4, 8, 0, 2, 7, 1, 6, 3, 5])
    # One row as tall as the whole lattice: pure west→east, column by column.
    order = list(order_west_east_north_south(gdf, row_height_m=1000))
    assert [set(order[:3]), set(order[3:6]), set(order[6:])] == [{0, 3, 6}, {1, 4, 7}, {2, 5, 8}]
    # Rows just under half a cell tall still split the lattice into its three rows.
    assert list(order_west_east_north_south(gdf, row_height_m=CELL * 0.9)) == list(range(9))
    with pytest.raises(InputError, match="row_height_m"):
        order_west_east_north_south(gdf, row_height_m=0)


def test_empty_geometry_comes_last_and_empty_frame():
    gdf = lattice_frame()
    gdf.loc[0, "geometry"] = None
    assert list(order_west_east_north_south(gdf)) == [1, 2, 3, 4, 5, 6, 7, 8, 0]
    assert list(order_west_east_north_south(gdf.iloc[:0])) == []


def test_order_without_crs_raises():
    gdf = lattice_frame().set_crs(None, allow_override=True)
    with pytest.raises(CRSError):
        order_west_east_north_south(gdf)


jitter = st.floats(-0.19, 0.19, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(jitter, jitter, st.floats(0.8, 1.0)), min_size=9, max_size=9),
    st.permutations(list(range(9))),
)
def test_jittered_lattice_keeps_row_major_order(shifts, permutation):
    """Centroids moved by < 20 % of a cell (and cells shrunk a little) keep the order."""
    geoms = []
    for p in permutation:
        dx, dy, scale = shifts[p]
        square = cell(p // 3, p % 3)
        centre = square.centroid
        half = CELL * scale / 2
        geoms.append(
            box(
                centre.x - half + dx * CELL,
                centre.y - half + dy * CELL,
                centre.x + half + dx * CELL,
                centre.y + half + dy * CELL,
            )
        )
    gdf = frame(geoms, code=[None] * 9, community=[C1] * 9)
    gdf.index = pd.Index(permutation)
    assert list(order_west_east_north_south(gdf)) == list(range(9))
    coded = assign_grid_codes(gdf)
    assert [coded.loc[p, "code"] for p in range(9)] == [f"{C1}{s:03d}" for s in range(1, 10)]
    assert check_code_order(coded) == []


# --------------------------------------------------------------------------- assignment


def test_lattice_gets_codes_001_to_009_row_major():
    gdf = lattice_frame(order=[8, 7, 6, 5, 4, 3, 2, 1, 0])
    coded = assign_grid_codes(gdf)
    assert [coded.loc[p, "code"] for p in range(9)] == [f"{C1}{s:03d}" for s in range(1, 10)]
    assert coded.index.equals(gdf.index)
    assert list(coded.columns) == list(gdf.columns)
    assert gdf["code"].isna().all()  # input untouched


def test_code_column_created_when_missing():
    gdf = lattice_frame().drop(columns="code")
    coded = assign_grid_codes(gdf)
    assert coded.loc[0, "code"] == f"{C1}001"
    assert "code" not in gdf.columns


def test_existing_codes_are_kept_and_their_sequences_skipped():
    codes = [None] * 9
    codes[0] = f"{C1}007"  # the north-west cell already has 007
    codes[4] = f"{C1}002"
    codes[8] = "BAD"  # kept as it is, uses no sequence
    coded = assign_grid_codes(lattice_frame(codes=codes))
    got = [coded.loc[p, "code"] for p in range(9)]
    assert got == [
        f"{C1}007",
        f"{C1}001",
        f"{C1}003",
        f"{C1}004",
        f"{C1}002",
        f"{C1}005",
        f"{C1}006",
        f"{C1}008",
        "BAD",
    ]


def test_existing_numeric_codes_become_strings():
    codes = [float(f"{C1}00{i + 1}") for i in range(9)]
    codes[3] = np.nan
    coded = assign_grid_codes(lattice_frame(codes=codes))
    assert coded.loc[0, "code"] == f"{C1}001"
    assert coded.loc[3, "code"] == f"{C1}004"
    assert coded["code"].map(type).eq(str).all()


def test_overwrite_renumbers_everything():
    codes = [f"{C1}{s:03d}" for s in (9, 8, 7, 6, 5, 4, 3, 2, 1)]
    coded = assign_grid_codes(lattice_frame(codes=codes), overwrite=True)
    assert [coded.loc[p, "code"] for p in range(9)] == [f"{C1}{s:03d}" for s in range(1, 10)]


def test_communities_are_numbered_separately():
    west = lattice_frame(2, community=C1)
    east = frame(
        [translate(cell(r, c), xoff=500) for r in range(2) for c in range(2)],
        code=[None] * 4,
        community=[C2] * 4,
    )
    east.index = pd.Index([10, 11, 12, 13])
    both = pd.concat([east, west])
    coded = assign_grid_codes(both)
    assert [coded.loc[p, "code"] for p in (0, 1, 2, 3)] == [f"{C1}{s:03d}" for s in (1, 2, 3, 4)]
    assert [coded.loc[p, "code"] for p in (10, 11, 12, 13)] == [
        f"{C2}{s:03d}" for s in (1, 2, 3, 4)
    ]


def test_numeric_community_codes_work():
    gdf = lattice_frame(community=int(C1))
    assert assign_grid_codes(gdf).loc[0, "code"] == f"{C1}001"


def test_custom_column_names():
    gdf = lattice_frame().rename(columns={"community": "社区", "code": "网格编码"})
    coded = assign_grid_codes(gdf, community_col="社区", code_col="网格编码")
    assert coded.loc[8, "网格编码"] == f"{C1}009"


def test_bad_community_code_raises_with_row():
    gdf = lattice_frame(community="3301020110")
    with pytest.raises(InputError, match="community code '3301020110' is not 12 digits") as info:
        assign_grid_codes(gdf)
    assert info.value.row == 1


def test_missing_community_raises_only_when_a_code_is_needed():
    gdf = lattice_frame(codes=[f"{C1}{s:03d}" for s in range(1, 10)])
    gdf.loc[5, "community"] = None
    assert assign_grid_codes(gdf).loc[5, "code"] == f"{C1}006"  # nothing to assign
    gdf.loc[5, "code"] = None
    with pytest.raises(InputError, match="has no community code") as info:
        assign_grid_codes(gdf)
    assert info.value.row == 6


def test_more_than_999_grids_raises():
    geoms = [box(X0 + i * 5, Y0, X0 + i * 5 + 5, Y0 + 5) for i in range(1000)]
    gdf = frame(geoms, code=[None] * 1000, community=[C1] * 1000)
    with pytest.raises(InputError, match="has 1000 grids"):
        assign_grid_codes(gdf)
    assert assign_grid_codes(gdf.iloc[:999]).iloc[-1]["code"] == f"{C1}999"


def test_missing_community_column_raises():
    with pytest.raises(InputError, match="no column 'community'"):
        assign_grid_codes(lattice_frame().drop(columns="community"))


def test_nothing_to_assign_needs_no_crs():
    gdf = lattice_frame(codes=[f"{C1}{s:03d}" for s in range(1, 10)])
    gdf = gdf.set_crs(None, allow_override=True)
    assert assign_grid_codes(gdf)["code"].tolist() == gdf["code"].tolist()
    with pytest.raises(CRSError):
        assign_grid_codes(gdf, overwrite=True)


# --------------------------------------------------------------------------- checks


def test_check_code_order_accepts_good_order_with_gaps():
    codes = [f"{C1}{s:03d}" for s in (1, 2, 4, 5, 7, 10, 11, 20, 30)]
    assert check_code_order(lattice_frame(codes=codes)) == []


def test_check_code_order_reports_swapped_codes():
    codes = [f"{C1}{s:03d}" for s in range(1, 10)]
    codes[1], codes[2] = codes[2], codes[1]
    (problem,) = check_code_order(lattice_frame(codes=codes))
    assert problem.startswith(f"community {C1}: grid codes do not run west→east, north→south")
    assert f"{C1}003 lies before {C1}002" in problem


def test_check_code_order_limits_examples():
    codes = [f"{C1}{s:03d}" for s in range(9, 0, -1)]
    (problem,) = check_code_order(lattice_frame(codes=codes), max_examples=2)
    assert problem.count("lies before") == 2
    assert "and 6 more" in problem


def test_check_code_order_skips_bad_and_duplicate_codes():
    codes = [f"{C1}{s:03d}" for s in range(1, 10)]
    codes[0] = f"{C1}005"  # duplicate of cell 4's code: both skipped
    codes[8] = "bad"
    assert check_code_order(lattice_frame(codes=codes)) == []


def test_check_grid_codes_reports_bad_and_duplicates():
    codes = [f"{C1}{s:03d}" for s in range(1, 10)]
    codes[0] = f"{C1}005"
    codes[3] = f"{C2}004"
    codes[6] = None
    problems = check_grid_codes(lattice_frame(codes=codes))
    assert problems == [
        f"row 4: grid code {C2}004 does not start with the code of its community {C1}",
        "row 7: grid code is missing",
        f"grid code {C1}005 is used by 2 grids (rows 1, 5)",
    ]
    assert check_grid_codes(lattice_frame(codes=[f"{C1}{s:03d}" for s in range(1, 10)])) == []
    assert check_grid_codes(lattice_frame(codes=codes), lang="zh") == [
        f"第 4 行：网格编码 {C2}004 不以所属社区编码 {C1} 开头",
        "第 7 行：缺少网格编码",
        f"网格编码 {C1}005 被 2 个网格使用（第 1、5 行）",
    ]
