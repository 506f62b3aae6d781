"""Checks on the committed demo street (data/geo/), using geopandas, shapely and pandas only.

The demo is what newcomers see first and what the check tests rely on, so this file
pins both its integrity (files parse, codes, tiling, points inside grids, household
sums) and the deliberate shortfalls the checks must find (data/geo/README.md).
All distances and areas are computed in EPSG:4549 (CGCS2000 3-degree GK, CM 120°E).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.crs import gcj02_to_wgs84
from gridmap.model import LAYERS

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "geo"
METRIC = "EPSG:4549"
REF = pd.Timestamp("2026-11-01")
GEO_LAYERS = (
    "communities",
    "grids",
    "compounds",
    "entrances",
    "buildings",
    "roads",
    "schools",
    "internet_cafes",
    "boards",
    "fitness",
    "issues",
)
GEOMETRY = {
    "polygon": {"Polygon"},
    "point": {"Point"},
    "line": {"LineString"},
    "point_or_polygon": {"Point", "Polygon"},
}
BIN_HEADER = ["编码", "名称", "类型", "分类", "容量", "状态", "经度", "纬度"]
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"


# ----------------------------------------------------------------------------- fixtures
def read_table(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / name, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw() -> dict[str, dict]:
    """The GeoJSON files as parsed JSON."""
    return {n: json.loads((DEMO / f"{n}.geojson").read_text(encoding="utf-8")) for n in GEO_LAYERS}


@pytest.fixture(scope="module")
def wgs() -> dict[str, gpd.GeoDataFrame]:
    layers = {n: gpd.read_file(DEMO / f"{n}.geojson") for n in GEO_LAYERS}
    bins = read_table("bins_gcj02.csv")
    lon, lat = gcj02_to_wgs84(
        bins["经度"].astype(float).to_numpy(), bins["纬度"].astype(float).to_numpy()
    )
    layers["bins"] = gpd.GeoDataFrame(bins, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    return layers


@pytest.fixture(scope="module")
def m(wgs) -> dict[str, gpd.GeoDataFrame]:
    """Every geographic layer in metres (EPSG:4549)."""
    return {n: g.to_crs(METRIC) for n, g in wgs.items()}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {n: read_table(f"{n}.csv") for n in ("workers", "assignments", "maintenance")}


@pytest.fixture(scope="module")
def edges(m) -> shapely.Geometry:
    return shapely.union_all(m["grids"].boundary.to_numpy())


def grid_codes(m) -> gpd.GeoDataFrame:
    """The grids with only their code (as ``grid_code``), for spatial joins."""
    return m["grids"][["code", "geometry"]].rename(columns={"code": "grid_code"})


# ----------------------------------------------------------------------------- files
def test_manifest_lists_exactly_the_files_present(manifest):
    files = {e["file"] for e in manifest["layers"]}
    present = {p.name for p in DEMO.iterdir()} - {"README.md", "manifest.json"}
    assert files == present
    assert manifest["street"] == {"code": "330102011", "name": "望江街道", "city": "杭州市"}
    lon, lat = manifest["center"]
    assert 120.18 < lon < 120.20
    assert 30.23 < lat < 30.25


def test_total_size_is_small():
    assert sum(p.stat().st_size for p in DEMO.iterdir()) < 3_000_000


@pytest.mark.parametrize("layer", GEO_LAYERS)
def test_geojson_has_canonical_columns_and_geometry(raw, wgs, layer):
    spec = LAYERS[layer]
    columns = [c.name for c in spec.columns]
    for feature in raw[layer]["features"]:
        assert list(feature["properties"]) == columns
    assert set(wgs[layer].geom_type) <= GEOMETRY[spec.geometry]
    assert wgs[layer].crs.to_epsg() == 4326
    assert wgs[layer].is_valid.all()
    for name in spec.required:
        assert wgs[layer][name].notna().all(), name
    if spec.key:
        assert wgs[layer][spec.key].is_unique


@pytest.mark.parametrize("layer", GEO_LAYERS)
def test_values_are_canonical(raw, layer):
    types = {
        "str": str,
        "int": int,
        "float": float,
        "bool": bool,
        "enum": str,
        "date": str,
        "datetime": str,
    }
    for col in LAYERS[layer].columns:
        values = [f["properties"][col.name] for f in raw[layer]["features"]]
        values = [v for v in values if v is not None]
        assert all(type(v) is types[col.dtype] for v in values), col.name
        if col.dtype == "enum":
            assert set(values) <= set(col.choices), col.name
        elif col.dtype == "date":
            assert all(re.match(DATE_RE, v) for v in values), col.name
        elif col.dtype == "datetime":
            assert all(re.match(DATETIME_RE, v) for v in values), col.name


def test_coordinates_have_seven_decimals_and_polygons_run_counter_clockwise(raw):
    coords = []
    for layer in raw.values():
        for feature in layer["features"]:
            geom = shapely.geometry.shape(feature["geometry"])
            coords.append(shapely.get_coordinates(geom))
            if geom.geom_type == "Polygon":
                assert geom.exterior.is_ccw
    xy = np.concatenate(coords)
    assert np.array_equal(xy, np.round(xy, 7))
    assert xy[:, 0].min() > 120.175 and xy[:, 0].max() < 120.205
    assert xy[:, 1].min() > 30.225 and xy[:, 1].max() < 30.255


def test_csv_files_have_bom_and_canonical_headers(tables):
    for name, table in tables.items():
        assert (DEMO / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        assert list(table.columns) == [c.name for c in LAYERS[name].columns]
    assert (DEMO / "bins_gcj02.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(read_table("bins_gcj02.csv").columns) == BIN_HEADER


def test_bins_use_chinese_values_that_the_aliases_accept():
    bins = read_table("bins_gcj02.csv")
    assert set(bins["类型"]) == {"垃圾收集点", "废物箱"}
    assert set(bins["分类"]) <= {"可回收物", "有害垃圾", "厨余垃圾", "其他垃圾", "混合"}
    assert set(bins["状态"]) <= {"在用", "损坏"}
    spec = LAYERS["bins"]
    for header, column in (("类型", "bin_type"), ("分类", "category"), ("状态", "status")):
        accepted = {a for v in spec.column(column).choices.values() for a in v}
        assert set(bins[header]) <= accepted
    assert bins["编码"].is_unique
    assert (bins["容量"].astype(float) > 0).all()


def test_bins_are_shifted_to_gcj02(wgs):
    """The CSV holds GCJ-02: read as WGS-84 the points would be hundreds of metres off."""
    bins = read_table("bins_gcj02.csv")
    as_is = gpd.GeoSeries(
        gpd.points_from_xy(bins["经度"].astype(float), bins["纬度"].astype(float)), crs=4326
    )
    shift = as_is.to_crs(METRIC).distance(wgs["bins"].to_crs(METRIC))
    assert shift.between(300, 800).all()


# ----------------------------------------------------------------------------- counts, codes
def test_counts_are_in_range(m, tables):
    counts = {n: len(g) for n, g in m.items()} | {n: len(t) for n, t in tables.items()}
    ranges = {
        "communities": (5, 5),
        "grids": (36, 44),
        "compounds": (50, 70),
        "entrances": (80, 200),
        "buildings": (550, 750),
        "roads": (20, 60),
        "schools": (3, 3),
        "internet_cafes": (4, 5),
        "boards": (550, 800),
        "fitness": (60, 60),
        "bins": (230, 290),
        "issues": (80, 80),
        "workers": (50, 50),
        "assignments": (80, 130),
        "maintenance": (120, 180),
    }
    for name, (lo, hi) in ranges.items():
        assert lo <= counts[name] <= hi, (name, counts[name])
    per_community = m["grids"].groupby("community").size()
    assert per_community.between(6, 10).all()
    kinds = m["bins"]["类型"].value_counts()
    assert 80 <= kinds["垃圾收集点"] <= 105
    assert 140 <= kinds["废物箱"] <= 190


def test_community_and_grid_codes(m):
    communities, grids = m["communities"], m["grids"]
    assert communities["code"].str.fullmatch(r"330102011\d{3}").all()
    assert communities["code"].is_unique
    assert grids["code"].str.fullmatch(r"\d{15}").all()
    assert grids["code"].is_unique
    assert (grids["code"].str[:12] == grids["community"]).all()
    for _, codes in grids.groupby("community")["code"]:
        assert sorted(int(c[12:]) for c in codes) == list(range(1, len(codes) + 1))


def test_grid_codes_run_west_east_north_south(wgs):
    from gridmap.grids import codes

    assert codes.check_code_order(wgs["grids"]) == []


# ----------------------------------------------------------------------------- topology
def test_grids_tile_each_community(m):
    grids = m["grids"]
    for comm in m["communities"].itertuples():
        members = grids[grids["community"] == comm.code].geometry
        covered = shapely.union_all(members.to_numpy())
        assert covered.symmetric_difference(comm.geometry).area < 1.0, comm.code
        overlap = sum(a.intersection(b).area for a, b in combinations(members, 2))
        assert overlap < 1.0, comm.code


def test_communities_do_not_overlap(m):
    geoms = m["communities"].geometry
    assert sum(a.intersection(b).area for a, b in combinations(geoms, 2)) < 1.0


def test_each_grid_lies_in_exactly_one_community(m):
    communities = m["communities"]
    for grid in m["grids"].itertuples():
        shared = communities.geometry.intersection(grid.geometry).area
        inside = communities.loc[shared > 1.0, "code"].tolist()
        assert inside == [grid.community], grid.code
        assert shared.max() > grid.geometry.area - 1.0


def test_compounds_lie_in_one_community_and_mostly_one_grid(m):
    communities, grids = m["communities"], m["grids"]
    straddling = 0
    for comp in m["compounds"].itertuples():
        shared = communities.geometry.intersection(comp.geometry).area
        assert communities.loc[shared > 1.0, "code"].tolist() == [comp.community], comp.name
        straddling += int((grids.geometry.intersection(comp.geometry).area > 1.0).sum() > 1)
    assert 1 <= straddling <= 5


def test_buildings_lie_in_one_grid(m):
    joined = m["buildings"].sjoin(grid_codes(m), predicate="within")
    assert len(joined) == len(m["buildings"])
    assert joined.index.is_unique


@pytest.mark.parametrize(
    "layer", ["entrances", "internet_cafes", "boards", "fitness", "issues", "bins"]
)
def test_every_point_lies_inside_a_grid(m, layer):
    joined = m[layer].sjoin(grid_codes(m), predicate="within")
    assert len(joined) == len(m[layer])


def test_one_issue_report_lies_within_10_m_of_a_grid_boundary(m, edges):
    distance = m["issues"].distance(edges)
    assert (distance < 10).sum() == 1
    assert distance[distance >= 10].min() > 12


# ----------------------------------------------------------------------------- households
def test_households_add_up(m):
    buildings = m["buildings"].copy()
    buildings["geometry"] = buildings.centroid
    in_grid = buildings.sjoin(grid_codes(m), predicate="within")
    by_grid = in_grid.groupby("grid_code")[["households", "residents"]].sum()
    grids = m["grids"].set_index("code")
    assert (by_grid["households"] == grids["households"]).all()
    assert (by_grid["residents"] == grids["residents"]).all()
    by_comm = m["grids"].groupby("community")[["households", "residents"]].sum()
    comms = m["communities"].set_index("code")
    assert (by_comm["households"] == comms["households"]).all()
    assert (by_comm["residents"] == comms["residents"]).all()
    by_compound = m["buildings"].groupby("compound")["households"].sum()
    compounds = m["compounds"].set_index("name")["households"]
    assert (by_compound.reindex(compounds.index, fill_value=0) == compounds).all()


def test_household_distribution_has_the_two_outliers(m):
    hh = m["grids"]["households"].sort_values()
    assert 300 <= hh.iloc[1:-1].mean() <= 500
    assert 100 <= hh.iloc[0] <= 150  # one small grid
    assert 850 <= hh.iloc[-1] <= 950  # one crowded grid
    assert hh.iloc[1] > 250 and hh.iloc[-2] < 600
    b = m["buildings"]
    ratio = b.loc[b["residential"], "residents"].sum() / b["households"].sum()
    assert 2.5 <= ratio <= 2.7
    assert 0 < (~b["residential"]).sum() < 0.1 * len(b)
    assert (b.loc[~b["residential"], "households"] == 0).all()
    assert b["compound"].notna().mean() > 0.9


def test_building_footprints_are_small_rectangles(m):
    b = m["buildings"].geometry
    assert b.area.between(150, 1000).all()
    assert (b.area / b.minimum_rotated_rectangle().area > 0.999).all()


# ----------------------------------------------------------------------------- roads, schools
def test_road_classes_and_main_commercial_length(m):
    roads = m["roads"]
    assert set(roads["road_class"]) == {"main_commercial", "main", "secondary", "lane"}
    assert roads.loc[roads["road_class"] == "main_commercial"].length.sum() >= 1500
    assert roads["name"].notna().all()


def test_exactly_one_internet_cafe_near_a_school_that_a_centroid_check_misses(m):
    schools, cafes = m["schools"], m["internet_cafes"]
    assert set(schools["level"]) <= {"primary", "secondary"}
    near = [
        (c.name, s.name)
        for c in cafes.itertuples()
        for s in schools.itertuples()
        if s.geometry.distance(c.geometry) <= 200
    ]
    assert len(near) == 1
    cafe, school = near[0]
    cafe_pt = cafes.set_index("name").geometry[cafe]
    assert schools.set_index("name").geometry[school].centroid.distance(cafe_pt) > 200
    others = cafes[cafes["name"] != cafe]
    assert min(s.distance(o) for s in schools.geometry for o in others.geometry) > 300


# ----------------------------------------------------------------------------- boards
def fixed_boards_by(m, polygons, key):
    boards = m["boards"].loc[m["boards"]["fixed"], ["geometry"]]
    joined = boards.sjoin(polygons[[key, "geometry"]], predicate="within")
    return joined.groupby(key).size().reindex(polygons[key], fill_value=0)


def test_one_community_has_fewer_than_20_fixed_boards(m):
    per_community = fixed_boards_by(m, m["communities"], "code")
    assert (per_community < 20).sum() == 1
    poor = per_community.idxmin()
    assert poor == "330102011004"
    community = m["communities"].set_index("code").geometry[poor]
    assert m["boards"].within(community).sum() < 20  # temporary ones included
    # The others have at least 20 within 50 m of their pedestrian entrances.
    boards = m["boards"][m["boards"]["fixed"]]
    entrances = m["entrances"][m["entrances"]["pedestrian"]]
    for comm in m["communities"].itertuples():
        if comm.code == poor:
            continue
        gates = entrances[entrances["community"] == comm.code].geometry.to_numpy()
        inside = boards[boards.within(comm.geometry)].geometry.to_numpy()
        near = shapely.distance(inside[:, None], gates[None, :]).min(axis=1) <= 50
        assert near.sum() >= 20, comm.code


def test_some_compounds_have_fewer_than_10_fixed_boards(m):
    per_compound = fixed_boards_by(m, m["compounds"], "name")
    short = (per_compound < 10).sum()
    assert 5 <= short <= 0.4 * len(per_compound)


def test_board_attributes(m):
    boards = m["boards"]
    assert set(boards["board_type"]) == {
        "public_ad",
        "publicity",
        "panel",
        "reminder",
        "commercial",
    }
    themes = {
        "核心价值观",
        "讲文明树新风",
        "关爱未成年人",
        "文明健康有你有我",
        "诚信经营",
        "垃圾分类",
    }
    assert set(boards["theme"].dropna()) == themes
    assert boards["panels"].between(1, 4).all()
    assert boards["code"].str.fullmatch(r"330102(0307|0501)\d{6}").all()
    assert (~boards["fixed"]).sum() > 0


def gaps_along(line, points, *, within_m):
    """Gaps (m) between the projections of nearby points onto ``line``, ends included."""
    near = points[points.distance(line) <= within_m]
    stops = np.sort(np.concatenate([[0.0, line.length], line.project(near).to_numpy()]))
    return np.diff(stops)


def test_main_commercial_street_has_one_stretch_without_reminders(m):
    boards, roads = m["boards"], m["roads"]
    reminders = boards[boards["board_type"] == "reminder"].geometry
    street = roads.loc[roads["road_class"] == "main_commercial"].geometry.iloc[0]
    gaps = gaps_along(street, reminders, within_m=30)
    assert (gaps > 500).sum() == 1
    assert gaps.max() < 1000


def test_main_roads_have_a_public_ad_every_200_m(m):
    public = m["boards"][m["boards"]["board_type"] == "public_ad"].geometry
    for road in m["roads"][m["roads"]["road_class"].isin(["main", "main_commercial"])].geometry:
        assert gaps_along(road, public, within_m=15).max() <= 200


# ----------------------------------------------------------------------------- bins
def test_collection_point_shortfalls(m):
    bins, compounds = m["bins"], m["compounds"]
    points = bins[bins["类型"] == "垃圾收集点"]
    homes = m["buildings"][m["buildings"]["residential"]]
    reach = shapely.distance(
        homes.geometry.to_numpy()[:, None], points.geometry.to_numpy()[None, :]
    ).min(axis=1)
    assert 2 <= (reach > 120).sum() <= 20
    assert (reach > 70).sum() > (reach > 120).sum()  # the advisory 70 m fails more often
    enclosed = compounds[compounds["enclosed"]]
    with_point = points.sjoin(enclosed[["name", "geometry"]], predicate="within")["name"]
    assert len(set(enclosed["name"]) - set(with_point)) == 1
    assert 0.6 < compounds["enclosed"].mean() < 0.95


def test_one_road_has_street_bins_too_sparse(m):
    bins, roads = m["bins"], m["roads"]
    street_bins = bins[bins["类型"] == "废物箱"].geometry
    limit = {"main_commercial": 100, "main": 400, "secondary": 200, "lane": 200}
    sparse = []
    for road in roads.itertuples():
        near = street_bins[street_bins.distance(road.geometry) <= 6]
        stops = np.sort(road.geometry.project(near).to_numpy())
        if len(stops) > 1 and np.diff(stops).max() > limit[road.road_class]:
            sparse.append(road.name)
    assert sparse == ["柳浪路"]


# ----------------------------------------------------------------------------- fitness
def test_fitness_items_and_maintenance(m, tables):
    fitness, log = m["fitness"], tables["maintenance"]
    assert set(log["point"]) <= set(fitness["code"])
    assert set(log["action"]) == {"inspected", "cleaned", "repaired", "replaced"}
    assert log["date"].str.match(DATE_RE).all()
    installed = pd.to_datetime(fitness["installed"])
    assert installed.dt.year.between(2015, 2025).all()
    last = log.groupby("point")["date"].max()
    recorded = fitness.set_index("code")["last_inspected"]
    assert (recorded.dropna() == last.reindex(recorded.dropna().index)).all()
    assert recorded.isna().sum() == len(set(fitness["code"]) - set(log["point"]))
    age = (REF - pd.to_datetime(recorded)).dt.days
    assert 3 <= (age > 90).sum() <= 20
    assert (age > 365).sum() >= 2
    first = pd.to_datetime(log.groupby("point")["date"].min())
    assert (first > installed.set_axis(fitness["code"]).reindex(first.index)).all()
    assert fitness["equipment_type"].nunique() >= 5


# ----------------------------------------------------------------------------- issues
def test_issue_statuses_dates_and_deadlines(m):
    issues = m["issues"]
    assert set(issues["status"]) == set(LAYERS["issues"].column("status").choices)
    assert (issues["status"] == "closed").mean() > 0.5
    reported = pd.to_datetime(issues["reported_at"])
    assert reported.min() >= REF - pd.Timedelta(days=92)
    assert reported.max() < REF
    deadline = pd.to_datetime(issues["deadline"])
    assert (deadline > reported).all()
    open_ = issues["status"].isin(["reported", "registered", "dispatched", "returned"])
    assert (open_ & (deadline < REF)).sum() >= 3  # overdue
    assert (open_ & (deadline >= REF)).sum() >= 1  # not yet due
    classes = {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "其他"}
    assert set(issues["category"]) <= classes
    assert issues["description"].str.len().min() > 5


def test_two_pairs_of_likely_duplicate_reports(m):
    issues = m["issues"]
    when = pd.to_datetime(issues["reported_at"]).to_numpy()
    pairs = [
        (i, j)
        for i, j in combinations(range(len(issues)), 2)
        if issues["category"].iloc[i] == issues["category"].iloc[j]
        and issues.geometry.iloc[i].distance(issues.geometry.iloc[j]) < 50
        and abs(when[i] - when[j]) < np.timedelta64(7, "D")
    ]
    assert len(pairs) == 2


# ----------------------------------------------------------------------------- roster
def test_workers(tables):
    workers = tables["workers"]
    assert workers["code"].tolist() == [f"W{i:04d}" for i in range(1, 51)]
    assert workers["name"].is_unique
    assert workers["phone"].str.fullmatch(r"1[3578]\d{9}").all()
    assert workers["phone"].is_unique


def test_assignments(m, tables):
    rows, grids = tables["assignments"], m["grids"]
    assert set(rows["grid"]) == set(grids["code"])
    assert set(rows["worker"]) <= set(tables["workers"]["code"])
    assert rows["valid_from"].str.match(DATE_RE).all()
    current = rows[rows["valid_to"] == ""]
    heads = current[current["role"] == "grid_head"].groupby("grid").size()
    others = current[current["role"] != "grid_head"].groupby("grid").size()
    heads = heads.reindex(grids["code"], fill_value=0)
    others = others.reindex(grids["code"], fill_value=0)
    assert (heads <= 1).all()
    assert (heads == 0).sum() == 1  # one grid without a grid head
    assert ((heads == 1) & (others == 0)).sum() == 1  # one grid with only its head
    normal = (heads == 1) & (others > 0)
    assert others[normal].between(1, 2).all()
    assert normal.sum() == len(grids) - 2


def who_had(rows: pd.DataFrame, grid: str, role: str, on: str) -> list[str]:
    mine = rows[(rows["grid"] == grid) & (rows["role"] == role)]
    valid = (mine["valid_from"] <= on) & ((mine["valid_to"] == "") | (mine["valid_to"] >= on))
    return mine.loc[valid, "worker"].tolist()


def test_who_had_a_grid_depends_on_the_date(tables):
    rows = tables["assignments"]
    past = rows[rows["valid_to"] != ""]
    assert len(past) >= 4
    assert (past["valid_to"].str.startswith("2026-06")).all()
    changed = [
        (g, r)
        for g, r in zip(past["grid"], past["role"], strict=True)
        if who_had(rows, g, r, "2026-05-01") != who_had(rows, g, r, "2026-10-01")
    ]
    assert len(changed) == len(past)
    assert any(r == "grid_head" for _, r in changed)
    left = set(past["worker"])
    assert not left & set(rows.loc[rows["valid_to"] == "", "worker"])
    notes = tables["workers"].set_index("code")["notes"]
    assert (notes[list(left)] != "").all()


# ----------------------------------------------------------------------------- generator
def test_regenerating_with_the_same_seed_gives_identical_files(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_demo.py"),
            "--seed",
            "2026",
            "--out",
            str(tmp_path),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in DEMO.iterdir() if p.name != "README.md")
    assert made == committed
    for name in made:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_readme_states_origin_and_licence():
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    for phrase in ("fictional", "CC0", "330102011", "GCJ-02", "scripts/make_demo.py"):
        assert phrase in text, phrase
    assert re.search(r"centroid", text)
