"""Benchmark gridmap against the plain-library baseline measured in the same run.

``gridmap bench --size city`` builds a synthetic city (10,000 grids, 200,000
buildings, 1,000,000 points) and prints, for each operation, gridmap's time,
the baseline's time and their ratio beside the target: point-to-grid
assignment, reprojection and GCJ-02 conversion, the check rules, import into
SQLite with memory (and the spatial index's share of it), the roster,
``gridmap check`` end to end on the city store with its peak memory (beside the
sum of its geometric kernels); then, on the demo street, the map HTML (and a
100,000-point layer) beside plain folium and a community dossier.
``--size street`` runs the same on a street-sized data set in seconds. Timings
never appear in tests; the machine is shared and noisy, so each figure is the
best of a few runs.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from gridmap.bench._timing import best_of

__all__ = ["SIZES", "Figure", "main", "synthetic_city"]

#: size -> (grids per side, buildings, points)
SIZES = {"street": (7, 600, 20_000), "city": (100, 200_000, 1_000_000)}

_ORIGIN = (120.05, 30.15)  # south-west corner of the synthetic city (Hangzhou)
_CELL_DEG = 0.0025  # about 240 m x 280 m


@dataclass
class Figure:
    """One benchmark line: gridmap's time beside the baseline's."""

    name: str
    seconds: float
    baseline_seconds: float | None
    target: str
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """Gridmap time / baseline time."""
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    def line(self) -> str:
        """Return the printed line."""
        base = f"{self.baseline_seconds:9.3f} s" if self.baseline_seconds else " " * 11
        ratio = f"{self.ratio:6.2f}x" if self.ratio is not None else " " * 7
        return f"{self.name:<34} {self.seconds:9.3f} s {base} {ratio}   {self.target}  {self.note}"


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_city(size: str = "street", *, seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    """Build a synthetic city: communities of square grids, buildings and points.

    Parameters
    ----------
    size
        ``"street"`` or ``"city"`` (see :data:`SIZES`).
    seed
        Seed of the random generator.

    Returns
    -------
    dict
        ``communities``, ``grids``, ``buildings``, ``points`` (boards), ``bins``
        (collection points): EPSG:4326 GeoDataFrames with the canonical columns of
        their layers.
    """
    side, n_buildings, n_points = SIZES[size]
    rng = np.random.default_rng(seed)
    x0, y0 = _ORIGIN
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="xy")
    minx = x0 + ii.ravel() * _CELL_DEG
    miny = y0 + jj.ravel() * _CELL_DEG
    cells = shapely.box(minx, miny, minx + _CELL_DEG, miny + _CELL_DEG)
    block = 10  # communities are 10 x 10 grids
    comm_i = (ii.ravel() // block) * 1000 + (jj.ravel() // block)
    comm_ids, comm_index = np.unique(comm_i, return_inverse=True)
    comm_codes = np.array([f"330102011{k + 1:03d}" if len(comm_ids) < 1000
                           else f"330102{k // 999 + 1:03d}{k % 999 + 1:03d}"
                           for k in range(len(comm_ids))], dtype=object)
    grid_community = comm_codes[comm_index]
    seq = np.zeros(len(cells), dtype=int)
    for k in range(len(comm_ids)):
        members = np.flatnonzero(comm_index == k)
        seq[members] = np.arange(1, len(members) + 1)
    grids = gpd.GeoDataFrame(
        {"code": [f"{c}{s:03d}" for c, s in zip(grid_community, seq, strict=True)],
         "community": grid_community, "name": None, "households": 400, "residents": 1000},
        geometry=cells, crs="EPSG:4326")
    communities = grids.dissolve(by="community", as_index=False)[["community", "geometry"]]
    communities = communities.rename(columns={"community": "code"})
    communities["name"] = [f"社区{i + 1}" for i in range(len(communities))]
    width = side * _CELL_DEG

    def random_points(n: int) -> np.ndarray:
        return shapely.points(x0 + rng.random(n) * width, y0 + rng.random(n) * width)

    buildings = gpd.GeoDataFrame(
        {"code": [f"B{i:07d}" for i in range(n_buildings)],
         "households": rng.integers(10, 120, n_buildings)},
        geometry=random_points(n_buildings), crs="EPSG:4326")
    kinds = np.array(["public_ad", "publicity", "panel", "reminder"], dtype=object)
    points = gpd.GeoDataFrame(
        {"code": [f"P{i:07d}" for i in range(n_points)],
         "name": None,
         "board_type": kinds[rng.integers(0, len(kinds), n_points)],
         "theme": "核心价值观", "fixed": True, "outdoor": True, "panels": 1,
         "status": "active", "last_inspected": None},
        geometry=random_points(n_points), crs="EPSG:4326")
    n_bins = max(n_points // 20, 1)
    bins = gpd.GeoDataFrame(
        {"code": [f"X{i:07d}" for i in range(n_bins)], "name": None,
         "bin_type": "collection_point", "category": "mixed", "capacity_l": 240.0,
         "status": "active", "last_inspected": None},
        geometry=random_points(n_bins), crs="EPSG:4326")
    buildings["residential"] = True
    buildings["residents"] = (buildings["households"] * 2.6).round().astype(int)
    return {"communities": communities, "grids": grids, "buildings": buildings,
            "points": points, "bins": bins}


def _bench_locate(city: dict, repeat: int) -> list[Figure]:
    from gridmap.locate import polygon_index_of_points

    pts = city["points"].geometry.to_numpy()
    polys = city["grids"].geometry.to_numpy()
    t, ours = best_of(lambda: polygon_index_of_points(pts, polys), repeat)

    def baseline() -> np.ndarray:
        tree = shapely.STRtree(polys)
        p_idx, g_idx = tree.query(pts)
        xy = shapely.get_coordinates(pts)
        keep = shapely.contains_xy(polys[g_idx], xy[p_idx, 0], xy[p_idx, 1])
        out = np.full(len(pts), -1)
        out[p_idx[keep]] = g_idx[keep]
        return out

    tb, theirs = best_of(baseline, repeat)
    inside = (ours >= 0) & (theirs >= 0)
    assert np.array_equal(ours[inside], theirs[inside]), "point-to-grid results differ"
    ts, _ = best_of(lambda: gpd.sjoin(city["points"][["geometry"]],
                                       city["grids"][["code", "geometry"]],
                                       predicate="within"), 1)
    n = len(pts)
    return [Figure(f"point->grid ({n:,} pts)", t, tb, "<= 1.5x STRtree+contains_xy"),
            Figure("  (geopandas.sjoin for reference)", ts, tb, "", "not a target")]


def _bench_crs(city: dict, repeat: int) -> list[Figure]:
    from gridmap import crs

    gdf = city["points"][["geometry"]]
    xy = shapely.get_coordinates(gdf.geometry.to_numpy())
    lon, lat = xy[:, 0].copy(), xy[:, 1].copy()
    t, _ = best_of(lambda: crs.to_metric(gdf), repeat)
    epsg = crs.metric_crs(gdf).to_epsg()
    transformer = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)

    def baseline() -> object:
        x, y = transformer.transform(lon, lat)
        return gpd.GeoDataFrame(geometry=shapely.points(x, y), crs=epsg)

    tb, _ = best_of(baseline, repeat)
    tg, _ = best_of(lambda: crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat)), repeat)
    tf, _ = best_of(lambda: crs.wgs84_to_gcj02(lon, lat), repeat)
    ti, _ = best_of(lambda: crs.gcj02_to_wgs84(lon, lat), repeat)
    n = len(lon)
    return [
        Figure(f"reproject to metric ({n:,} pts)", t, tb, "<= 1.5x cached pyproj Transformer"),
        Figure(f"WGS-84 -> GCJ-02 ({n:,} pts)", tf, tb, "<= 0.5 s at 1e6 points",
               "baseline: pyproj"),
        Figure(f"GCJ-02 -> WGS-84 ({n:,} pts)", ti, tb, "<= 0.5 s at 1e6 points",
               "iterative inverse"),
        Figure("  (round trip)", tg, None, ""),
    ]


def _bench_checks(city: dict, repeat: int) -> list[Figure]:
    from gridmap import checks, crs

    layers = {"communities": city["communities"], "grids": city["grids"],
              "buildings": city["buildings"], "bins": city["bins"], "boards": city["points"]}
    t, report = best_of(lambda: checks.run(layers, rules=["bin_reach"]), repeat)

    epsg = crs.metric_epsg(120.2)
    try:
        from scipy.spatial import cKDTree

        def baseline() -> int:  # reprojection included, as the rule does it too
            b_xy = shapely.get_coordinates(city["buildings"].to_crs(epsg).geometry.to_numpy())
            c_xy = shapely.get_coordinates(city["bins"].to_crs(epsg).geometry.to_numpy())
            d, _ = cKDTree(c_xy).query(b_xy)
            return int((d > 120).sum())

        name = "scipy cKDTree"
    except ImportError:  # scipy is optional: fall back to geopandas

        def baseline() -> int:
            near = gpd.sjoin_nearest(city["buildings"][["geometry"]].to_crs(epsg),
                                     city["bins"][["geometry"]].to_crs(epsg), distance_col="d")
            return int((near.groupby(level=0)["d"].min() > 120).sum())

        name = "sjoin_nearest"
    tb, far = best_of(baseline, repeat)
    assert report.result("bin_reach").failed == far, f"bin_reach differs from {name}"
    from gridmap.checks.core import nearest_geometry_distance_m

    b_geoms = city["buildings"].to_crs(epsg).geometry.to_numpy()
    c_geoms = city["bins"].to_crs(epsg).geometry.to_numpy()
    tn, (dist, _) = best_of(lambda: nearest_geometry_distance_m(b_geoms, c_geoms), repeat)
    b_xy, c_xy = shapely.get_coordinates(b_geoms), shapely.get_coordinates(c_geoms)
    if name == "scipy cKDTree":
        tk, (dist_k, _) = best_of(lambda: cKDTree(c_xy).query(b_xy), repeat)
        assert np.allclose(dist, dist_k), "nearest distances differ from cKDTree"
    else:
        tk = None
    ts, full = best_of(lambda: checks.run(layers), 1)
    n = len(city["buildings"])
    return [Figure(f"nearest facility ({n:,} buildings)", tn, tk, "<= 2x scipy cKDTree",
                   "checks.core.nearest_geometry_distance_m"),
            Figure(f"bin_reach rule ({n:,} buildings)", t, tb, "",
                   f"whole rule incl. projection, footprints, workers; baseline: {name}"),
            Figure(f"full check suite ({len(full.results)} rules)", ts, None,
                   "city: <= 30 s", "layers: grids, buildings, bins, boards")]


def _bench_split(size: str) -> list[Figure]:
    """Household-balanced split of one community beside a plain shapely Voronoi tiling."""
    from gridmap import crs
    from gridmap.grids import split

    n = 5_000 if size == "city" else 600
    rng = np.random.default_rng(1)
    x0, y0, side = 500_000.0, 3_345_000.0, 2_000.0  # EPSG:4549 metres, in Hangzhou
    community = shapely.box(x0, y0, x0 + side, y0 + side)
    xs, ys = rng.uniform(x0 + 5, x0 + side - 10, n), rng.uniform(y0 + 5, y0 + side - 10, n)
    footprints = shapely.box(xs, ys, xs + 6, ys + 6)
    buildings = crs.to_wgs84(gpd.GeoDataFrame(
        {"households": rng.integers(5, 40, n)}, geometry=footprints, crs=4549))
    compounds = gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    boundary = crs.to_wgs84(gpd.GeoSeries([community], crs=4549)).iloc[0]
    t, grids = best_of(lambda: split.grids_from_households(
        boundary, buildings, compounds, community_code="330102011001"), 1)

    def baseline() -> object:  # plain shapely: Voronoi cells of the buildings, clipped
        cells = shapely.voronoi_polygons(shapely.multipoints(shapely.centroid(footprints)),
                                         extend_to=community)
        return shapely.intersection(shapely.get_parts(cells), community)

    tb, _ = best_of(baseline, 1)
    return [Figure(f"household split ({n:,} buildings)", t, tb, "<= 10 s at 5,000",
                   f"{len(grids)} grids; baseline: shapely Voronoi tiling")]


def _bench_import(city: dict, workdir: Path) -> list[Figure]:
    from gridmap.store import Store
    from gridmap.store.baseline import insert_points_bare

    points = city["points"]
    n = len(points)
    store = Store(f"sqlite:///{workdir / 'bench.sqlite'}")
    store.upgrade()
    store.write_layer("communities", city["communities"], source_crs="wgs84", username="bench")
    store.write_layer("grids", city["grids"], source_crs="wgs84", username="bench")
    rss0 = _peak_rss_mb()
    t0 = time.perf_counter()
    store.write_layer("boards", points, source_crs="wgs84", username="bench")
    t = time.perf_counter() - t0
    rss1 = _peak_rss_mb()
    from gridmap.bench.export import baseline_roster, bench_roster

    t_roster = bench_roster(store)
    t_roster_base = baseline_roster(store)
    store.close()

    def baseline() -> None:
        wkb = shapely.to_wkb(points.geometry.to_numpy())
        rows = zip(points["code"].tolist(), ["board"] * n, wkb.tolist(), strict=True)
        insert_points_bare(workdir / "baseline.sqlite", rows)

    tb, _ = best_of(baseline, 1)
    ts, _ = best_of(lambda: _import_same_columns(points, workdir / "same.sqlite"), 1)
    grids = len(city["grids"])
    return [Figure(f"import {n:,} points into SQLite", t, ts, "<= 2x executemany, <= 60 s",
                   f"peak RSS {rss1:.0f} MB (+{max(rss1 - rss0, 0):.0f} MB); baseline: bare "
                   "sqlite3 executemany of the same columns (JSON attributes, WKB, times)"),
            Figure("  (bare executemany of code, kind, WKB)", t, tb, "", "3 columns only"),
            Figure(f"roster XLSX ({grids:,} grids)", t_roster, t_roster_base,
                   "<= 10 s at 10,000 grids", "baseline: sjoin + crosstab + plain to_excel"),
            *_bench_tiles(city, workdir / "bench.sqlite"),
            *_bench_index_share(city, workdir, t),
            *_bench_check_store(city, workdir / "bench.sqlite")]


def _import_same_columns(points: gpd.GeoDataFrame, path: Path) -> None:
    """Write the import's rows (the columns the store writes) with pandas, json, sqlite3."""
    import datetime as dt
    import json

    from gridmap.store.baseline import insert_rows_bare

    path.unlink(missing_ok=True)
    n = len(points)
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    attr_names = ["theme", "fixed", "outdoor", "panels"]
    attr_columns = [points[c].astype(object).where(points[c].notna(), None).tolist()
                    for c in attr_names]  # fmt: skip
    attrs = [json.dumps({k: v for k, v in zip(attr_names, row, strict=True) if v is not None},
                        ensure_ascii=False) for row in zip(*attr_columns, strict=True)]  # fmt: skip
    columns = ["kind", "code", "name", "subtype", "status", "last_inspected", "attrs", "geom",
               "source_crs", "version", "created_at", "updated_at"]  # fmt: skip
    rows = zip(["board"] * n, points["code"].tolist(), points["name"].tolist(),
               points["board_type"].tolist(), points["status"].tolist(),
               points["last_inspected"].tolist(), attrs,
               shapely.to_wkb(points.geometry.to_numpy()).tolist(), ["wgs84"] * n, [1] * n,
               [now] * n, [now] * n, strict=True)  # fmt: skip
    insert_rows_bare(path, columns, rows)


def _bench_index_share(city: dict, workdir: Path, with_index_s: float) -> list[Figure]:
    """Time the same import into a store without the SQLite spatial index (its share)."""
    from gridmap.store import Store, spatial

    store = Store(f"sqlite:///{workdir / 'noindex.sqlite'}")
    store.upgrade()
    store.write_layer("communities", city["communities"], source_crs="wgs84", username="bench")
    store.write_layer("grids", city["grids"], source_crs="wgs84", username="bench")
    with store.engine.begin() as conn:
        spatial.drop_sqlite(conn)
    t0 = time.perf_counter()
    store.write_layer("boards", city["points"], source_crs="wgs84", username="bench")
    t = time.perf_counter() - t0
    store.close()
    share = max(with_index_s - t, 0.0) / with_index_s if with_index_s else 0.0
    return [Figure("  (same import, no spatial index)", t, None, "",
                   f"the index's share of the import: {100 * share:.0f} %")]


def _check_kernels(city: dict) -> float:
    """Seconds of the geometric kernels a check run needs, on the same arrays.

    Reprojection of every layer with a cached Transformer, point-to-grid
    (STRtree + contains_xy) of buildings, boards and bins, the nearest collection
    point of each building (cKDTree) and the boards within 10 m of each building
    (STRtree ``dwithin``): what the engine cannot avoid, so that the ratio shows
    its overhead.
    """
    from gridmap import crs

    start = time.perf_counter()
    epsg = crs.metric_epsg(float(city["grids"].total_bounds[[0, 2]].mean()))
    transformer = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)

    def metric(name: str) -> np.ndarray:
        geoms = city[name].geometry.to_numpy()
        return shapely.transform(geoms, lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1])))

    grids = metric("grids")
    tree = shapely.STRtree(grids)
    layers = {name: metric(name) for name in ("buildings", "points", "bins")}
    for pts in layers.values():
        p_idx, g_idx = tree.query(pts)
        xy = shapely.get_coordinates(pts)
        shapely.contains_xy(grids[g_idx], xy[p_idx, 0], xy[p_idx, 1])
    try:
        from scipy.spatial import cKDTree
    except ImportError:  # the bench extra installs scipy; without it, an STRtree
        shapely.STRtree(layers["bins"]).query_nearest(layers["buildings"], all_matches=False)
    else:
        b_xy = shapely.get_coordinates(layers["buildings"])
        cKDTree(shapely.get_coordinates(layers["bins"])).query(b_xy)
    shapely.STRtree(layers["points"]).query(layers["buildings"], predicate="dwithin",
                                            distance=10.0)
    return time.perf_counter() - start


#: Runs ``gridmap ARGS`` as ``python -m gridmap`` would and writes, at exit, the process's
#: own peak RSS (VmHWM, kB) and the largest peak RSS of the worker processes it forked
#: (``gridmap check --jobs``) to stderr. ``wait4``'s figure would count the bench's memory,
#: which the child holds between fork and exec.
_PEAK_PROBE = """
import resource, runpy, sys
sys.argv = ["gridmap", *sys.argv[1:]]
try:
    runpy.run_module("gridmap", run_name="__main__", alter_sys=True)
finally:
    try:
        with open("/proc/self/status") as fh:
            hwm = [line.split()[1] for line in fh if line.startswith("VmHWM:")]
    except OSError:
        hwm = [str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)]
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.stderr.write(f"GRIDMAP_PEAK {hwm[0]} {workers}\\n")
"""


def _bench_check_store(city: dict, path: Path) -> list[Figure]:
    """``gridmap check`` end to end on the city store: the command a user runs, in its own process.

    Time from start to exit (interpreter start, imports, read, every rule, JSON
    written) and that process's own peak RSS (:data:`_PEAK_PROBE`), not the
    bench's, which holds the synthetic city.
    """
    import json
    import subprocess
    import sys

    from gridmap.store import Store

    with Store(f"sqlite:///{path}") as store:
        store.write_layer("buildings", city["buildings"], source_crs="wgs84", username="bench")
        store.write_layer("bins", city["bins"], source_crs="wgs84", username="bench")
    out = path.with_name("check.json")
    command = [sys.executable, "-c", _PEAK_PROBE, "check", "--db", f"sqlite:///{path}",
               "--format", "json", "--out", str(out), "--as-of", "2026-11-01"]
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    t = time.perf_counter() - start
    errors = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        msg = f"gridmap check failed ({proc.returncode}): {errors[-2000:]}"
        raise RuntimeError(msg)  # programmer error
    peaks = [line.split()[1:] for line in errors.splitlines() if line.startswith("GRIDMAP_PEAK")]
    peak, worker = (float(v) / 1024 for v in peaks[-1]) if peaks else (float("nan"),) * 2
    with out.open(encoding="utf-8") as fh:
        failures = sum(len(r["failures"]) for r in json.load(fh)["rules"])
    size_mb = out.stat().st_size / 1e6
    tb, _ = best_of(lambda: _check_kernels(city), 1)
    from gridmap.checks.parallel import default_jobs

    jobs = default_jobs()
    memory = (f"peak RSS {peak + worker:.0f} MB ({peak:.0f} MB + a worker's {worker:.0f} MB, "
              "pages shared after the fork counted twice)" if jobs > 1 else
              f"peak RSS {peak:.0f} MB")
    return [Figure("gridmap check on the store -> JSON", t, tb, "<= 10 s, <= 1.5 GB",
                   f"{memory}; {failures:,} failures, {size_mb:.0f} MB JSON; the command in "
                   f"its own process, rules shared by {jobs} processes (--jobs); baseline: "
                   "its geometric kernels in one process (projection, STRtree, cKDTree)")]


def _bench_tiles(city: dict, path: Path) -> list[Figure]:
    """Map tiles (zoom 14, grids and boards) from the store beside clip-and-draw in memory."""
    from gridmap.bench.tiles import bench_tiles
    from gridmap.store import Store

    with Store(f"sqlite:///{path}") as store:
        result = bench_tiles(store, {"grids": city["grids"], "boards": city["points"]})
    n = int(result["tiles"])
    return [Figure(f"{n} map tiles (z14, index)", result["seconds"], result["baseline_seconds"],
                   "<= 0.5 s per pan (about 12 tiles)",
                   f"{result['bytes'] / n / 1024:.1f} KB a tile; "
                   "baseline: geopandas.clip + Pillow, layers in memory")]


def _bench_demo(workdir: Path) -> list[Figure]:
    """Map building and a community dossier on the demo street."""
    import folium

    from gridmap import snapshot
    from gridmap.bench.export import bench_dossier
    from gridmap.bench.maps import bench_map
    from gridmap.importing import import_demo
    from gridmap.store import Store

    store = Store(f"sqlite:///{workdir / 'demo.sqlite'}")
    store.upgrade()
    import_demo(store)
    frames = snapshot.load_frames(store)
    t_map, t_map_base = bench_map(frames)
    grids = store.read_layer("grids")
    biggest = grids["community"].value_counts().index[0]
    t_dossier = bench_dossier(store, biggest)
    n_grids = int((grids["community"] == biggest).sum())
    rng = np.random.default_rng(1)
    big = gpd.GeoDataFrame(
        {"code": [f"P{i}" for i in range(100_000)], "status": "active",
         "board_type": "publicity"},
        geometry=shapely.points(120.18 + rng.random(100_000) * 0.02,
                                30.23 + rng.random(100_000) * 0.02), crs="EPSG:4326")
    from gridmap import maps

    def ours() -> str:
        m = maps.new_map(bounds=big.total_bounds)
        maps.add_points(m, big, layer_name="boards", kind="board")
        return m.get_root().render()

    def plain() -> str:
        m = folium.Map(tiles=None, prefer_canvas=True)
        folium.GeoJson(big[["geometry"]].to_json(),
                       marker=folium.CircleMarker(radius=3)).add_to(m)
        return m.get_root().render()

    t_big, html = best_of(ours, 1)
    t_big_base, html_base = best_of(plain, 1)
    store.close()
    draw = _browser_draw_seconds(big, workdir)
    return [
        Figure("street map HTML (demo street)", t_map, t_map_base, "rerun <= 0.3 s",
               "baseline: plain folium GeoJson per layer"),
        Figure("100,000-point layer HTML", t_big, t_big_base, "draws (clustered/canvas)",
               f"{len(html) / 1e6:.1f} MB vs {len(html_base) / 1e6:.1f} MB of HTML"),
        Figure(f"community dossier PDF ({n_grids} grids)", t_dossier, None,
               "<= 30 s for 10 grids"),
        *draw,
    ]


def _browser_draw_seconds(points: gpd.GeoDataFrame, workdir: Path) -> list[Figure]:
    """Time Chromium from opening a 100,000-point map until the page is idle.

    gridmap's map (canvas-rendered points) beside plain folium's (one GeoJson of
    CircleMarkers), both loading Leaflet from local files. Skipped, with a note,
    when Debian's Chromium or Playwright is missing.
    """
    import folium

    from gridmap import assets, maps

    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [Figure("100,000 points: browser draw", float("nan"), None, "<= 2 s",
                       "skipped: playwright is not installed")]
    if not chromium.exists():
        return [Figure("100,000 points: browser draw", float("nan"), None, "<= 2 s",
                       "skipped: /usr/bin/chromium is not installed")]
    vendor = assets.install_static(workdir / "static")
    base = vendor.as_uri()
    ours = maps.new_map(bounds=points.total_bounds, asset_base=base)
    maps.add_points(ours, points, layer_name="boards", kind="board")
    plain = folium.Map(tiles=None, prefer_canvas=True)
    plain.default_js, plain.default_css = assets.offline_links(base)
    plain.fit_bounds([[points.total_bounds[1], points.total_bounds[0]],
                      [points.total_bounds[3], points.total_bounds[2]]])
    folium.GeoJson(points[["geometry"]].to_json(),
                   marker=folium.CircleMarker(radius=3)).add_to(plain)
    files = {}
    for name, m in (("gridmap", ours), ("folium", plain)):
        files[name] = workdir / f"draw-{name}.html"
        files[name].write_text(m.get_root().render(), encoding="utf-8")
    idle = "() => new Promise(r => requestIdleCallback(() => r(true), {timeout: 60000}))"
    seconds = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--allow-file-access-from-files",
                  "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            for name, path in files.items():
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                start = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load", timeout=120_000)
                page.wait_for_function(idle, timeout=120_000)
                seconds[name] = time.perf_counter() - start
                page.close()
        finally:
            browser.close()
    return [Figure("100,000 points: browser draw to idle", seconds["gridmap"],
                   seconds["folium"], "<= 2 s", "headless Chromium, software rendering; "
                   "baseline: folium GeoJson CircleMarkers")]


def main(*, size: str = "street", echo: Callable[[str], None] = print, scale: float = 1.0,
         sessions: int = 8, cap: float = 60.0, app: bool = True) -> int:
    """Run the benchmark and print its table; return 0.

    ``scale`` cuts the city to that share of its area for quick runs; ``app``
    runs the app in Chromium (:mod:`gridmap.bench.app`) with ``sessions``
    concurrent sessions and plain folium capped at ``cap`` seconds.
    """
    repeat = 3 if size == "street" else 2
    t0 = time.perf_counter()
    from gridmap.bench import app as app_bench

    city = app_bench.scaled(synthetic_city(size), scale)
    echo(f"synthetic {size}: {len(city['grids']):,} grids, {len(city['buildings']):,} "
         f"buildings, {len(city['points']):,} points (built in {time.perf_counter() - t0:.1f} s)")
    echo(f"{'operation':<34} {'gridmap':>11} {'baseline':>11} {'ratio':>7}   target")
    figures: list[Figure] = []
    for part in (_bench_locate, _bench_crs, _bench_checks):
        for fig in part(city, repeat):
            echo(fig.line())
            figures.append(fig)
    for fig in _bench_split(size):
        echo(fig.line())
    with tempfile.TemporaryDirectory(prefix="gridmap-bench-") as tmp:
        for fig in (*_bench_import(city, Path(tmp)), *_bench_demo(Path(tmp))):
            echo(fig.line())
        if app:
            try:  # the browser figures must not cost the figures above
                app_bench.figures(city, Path(tmp), sessions=sessions, cap_s=cap, echo=echo)
            except Exception as err:
                echo(f"app figures (Chromium) failed: {type(err).__name__}: {err}")
    echo(f"peak RSS of the run: {_peak_rss_mb():.0f} MB; cpus: {os.cpu_count()}")
    return 0
