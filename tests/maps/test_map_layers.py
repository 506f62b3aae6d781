"""Map layers: offline links, escaped popups, styles, dense points, display shift."""

from __future__ import annotations

import html
import json
import re
import time

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from geopandas.testing import assert_geodataframe_equal

from gridmap import i18n, maps
from gridmap.assets import STATIC_URL, markercluster_links, offline_links
from gridmap.crs import distance_m
from gridmap.errors import CRSError, InputError
from gridmap.maps import leaflet

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
CDN_WORDS = (
    "cdn",
    "jsdelivr",
    "unpkg",
    "bootstrapcdn",
    "googleapis",
    "cloudflare",
    "code.jquery",
    "fontawesome",
    "netdna",
)
URL_RE = re.compile(r"https?://", re.IGNORECASE)

# --- fixtures -----------------------------------------------------------------------------

X0, Y0 = 116.39, 39.90  # a street in Beijing
D = 0.005


def _frame(data: dict, geoms: list, crs: object = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=geoms, crs=crs)


def make_communities(name: str = "东华门社区") -> gpd.GeoDataFrame:
    return _frame(
        {"code": ["110101001001"], "name": [name], "households": [2400]},
        [shapely.box(X0, Y0, X0 + 2 * D, Y0 + D)],
    )


def make_grids(workers=("张三", "李四", None)) -> gpd.GeoDataFrame:
    n = len(workers)
    return _frame(
        {
            "code": [f"110101001001{i + 1:03d}" for i in range(n)],
            "community": ["110101001001"] * n,
            "worker": list(workers),
            "households": [350 + i for i in range(n)],
        },
        [shapely.box(X0 + i * D / n, Y0, X0 + (i + 1) * D / n, Y0 + D) for i in range(n)],
    )


def make_points(n: int, *, seed: int = 0, name_prefix: str = "牌") -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return _frame(
        {
            "name": [f"{name_prefix}{i}" for i in range(n)],
            "code": [f"B{i:06d}" for i in range(n)],
            "board_type": rng.choice(["public_ad", "publicity", "reminder"], n),
            "status": rng.choice(["active", "damaged", "repairing"], n),
        },
        list(shapely.points(X0 + rng.random(n) * D, Y0 + rng.random(n) * D)),
    )


def make_roads() -> gpd.GeoDataFrame:
    return _frame(
        {"name": ["王府井大街", "东单北大街", "金鱼胡同", "无名路"],
         "road_class": ["main_commercial", "main", "lane", None]},
        [shapely.LineString([(X0, Y0 + D / 2 + i * 1e-4), (X0 + D, Y0 + D / 2 + i * 1e-4)])
         for i in range(4)],
    )  # fmt: skip


def make_schools(name: str = "东华门小学") -> gpd.GeoDataFrame:
    return _frame(
        {"name": [name], "level": ["primary"]},
        [shapely.box(X0 + 0.001, Y0 + 0.001, X0 + 0.002, Y0 + 0.002)],
    )


def full_map(*, names: str | None = None, basemap: str = "none", **kw) -> folium.Map:
    """A map with every layer type; ``names`` replaces every user-visible name."""
    m = maps.new_map(bounds=(X0, Y0, X0 + 2 * D, Y0 + D), basemap=basemap, **kw)
    communities = make_communities(names or "东华门社区")
    grids = make_grids((names or "张三", "李四", None))
    roads = make_roads()
    schools = make_schools(names or "东华门小学")
    boards = make_points(20)
    bins = make_points(2_500, seed=1, name_prefix="桶")
    issues = _frame(
        {"code": ["E1"], "category": [names or "暴露垃圾"], "description": [names or "路边垃圾"],
         "status": ["reported"]},
        [shapely.Point(X0 + 0.001, Y0 + 0.001)],
    )  # fmt: skip
    if names:
        boards["name"] = names
        roads["name"] = names
    maps.add_communities(m, communities)
    maps.add_grids(m, grids)
    maps.add_lines(m, roads, legend=True)
    maps.add_polygons(m, schools, layer_name="schools", kind="school")
    maps.add_points(m, boards, layer_name="boards", kind="board", legend=True)
    maps.add_points(m, bins, layer_name="bins", kind="bin")
    maps.add_points(m, issues, layer_name="issues", kind="issue")
    maps.add_legend(m, {names or "图例": "#123456"}, title=names)
    maps.add_layer_control(m)
    return m


def _script_form(text: str) -> str:
    """``text`` as folium writes it inside JSON in a <script> (jinja's htmlsafe tojson)."""
    return (json.dumps(text)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("'", "\\u0027"))  # fmt: skip


def _children(element, cls):
    out = []
    for child in element._children.values():
        if isinstance(child, cls):
            out.append(child)
        out.extend(_children(child, cls))
    return out


def _geojson_data(group) -> dict:
    (layer,) = _children(group, folium.GeoJson)
    return layer.data


def _point_data(group) -> dict:
    (layer,) = _children(group, leaflet.PointLayer)
    return layer.data


# --- offline: links and rendered HTML ------------------------------------------------------


def test_new_map_uses_local_links_on_the_instance_only():
    class_js, class_css = list(folium.Map.default_js), list(folium.Map.default_css)
    m = maps.new_map()
    js, css = offline_links()
    assert m.default_js == js
    assert m.default_css == css
    # the folium class keeps its CDN defaults: nothing global was changed
    assert folium.Map.default_js == class_js
    assert folium.Map.default_css == class_css
    assert any("http" in url for _, url in folium.Map.default_js)
    assert not m._children or not any(isinstance(c, folium.TileLayer) for c in m._children.values())


def test_asset_base_is_configurable():
    m = maps.new_map(asset_base="/prefix/app/static/vendor")
    assert m.default_js[0][1] == "/prefix/app/static/vendor/leaflet/leaflet.js"
    group = maps.add_points(m, make_points(3000), layer_name="boards", kind="board")
    (cluster,) = _children(group, MarkerCluster)
    assert cluster.default_js == markercluster_links("/prefix/app/static/vendor")[0]


def test_full_map_html_is_offline():
    m = full_map()
    page = maps.map_html(m)
    assert page.startswith("<!DOCTYPE html>")
    assert not URL_RE.search(page), URL_RE.findall(page)[:5]
    lowered = page.lower()
    for word in CDN_WORDS:
        assert word not in lowered, word
    srcs = re.findall(r'<script src="([^"]+)"', page)
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert srcs and hrefs
    assert all(u.startswith(STATIC_URL) for u in srcs + hrefs)
    assert f"{STATIC_URL}/leaflet_markercluster/leaflet.markercluster.js" in srcs
    assert f"{STATIC_URL}/jquery/jquery.min.js" in srcs


def test_every_js_css_element_has_local_links():
    """streamlit-folium collects default_js/default_css from every JSCSSMixin in the tree."""
    m = full_map()
    found = [m, *_children(m, JSCSSMixin)]
    assert any(isinstance(e, MarkerCluster) for e in found)
    for element in found:
        for _, url in [*element.default_js, *element.default_css]:
            assert url.startswith(STATIC_URL), (type(element).__name__, url)


def test_markercluster_class_defaults_untouched():
    before = list(MarkerCluster.default_js)
    full_map()
    assert before == MarkerCluster.default_js
    assert "http" in MarkerCluster.default_js[0][1]


# --- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize("evil", XSS)
def test_user_text_is_escaped_everywhere(evil):
    page = maps.map_html(full_map(names=evil))
    assert evil not in page
    assert evil[:12] not in page  # "<script>aler" / "<img src=x o"
    escaped = html.escape(evil)
    assert escaped not in page  # only inside JSON, where & is written \u0026 ...
    assert _script_form(escaped) in page  # ... as the escaped text, not the raw tag
    assert _script_form(evil) not in page


def test_user_text_with_jinja_syntax_is_written_not_evaluated():
    # folium/branca would compile rendered layer scripts (data included) as Jinja templates
    text = "{{ range(3)|list }}{% if 1 %}gm-if{% endif %}{#"
    page = maps.map_html(full_map(names=text))
    assert "[0, 1, 2]" not in page
    assert _script_form(maps.escape_text(text)) in page


def test_popup_values_are_escaped_and_labelled():
    grids = make_grids(("<b>王</b>", "李四", None))
    group = maps.add_grids(None, grids, lang="en")
    data = _geojson_data(group)
    first = data["features"][0]["properties"]
    assert "&lt;b&gt;王&lt;/b&gt;" in first["v"]
    assert "350" in first["v"]
    (bind,) = _children(group, leaflet.Bind)
    assert "Households" in bind.heads and "Code" in bind.heads
    zh_bind = _children(maps.add_grids(None, grids), leaflet.Bind)[0]
    assert "户数" in zh_bind.heads


def test_enum_values_shown_translated():
    boards = make_points(5)
    boards["status"] = "damaged"
    boards["board_type"] = "reminder"
    data = _point_data(maps.add_points(None, boards, layer_name="boards", kind="board"))
    values = {v for col in data["cols"] for v in col.get("d", col.get("v", []))}
    assert "损坏" in values and "提示牌" in values
    assert "damaged" not in values


def test_list_values_joined():
    grids = make_grids(("张三", "李四", None))
    grids["workers"] = [["张三 (网格长)", "王五"], [], None]
    data = _geojson_data(maps.add_grids(None, grids))
    assert "张三 (网格长)、王五" in data["features"][0]["properties"]["v"]


# --- grids ----------------------------------------------------------------------------------


def test_grid_colours_follow_workers():
    grids = make_grids(("张三", "李四", "张三", None))
    features = _geojson_data(maps.add_grids(None, grids))["features"]
    fills = [f["properties"]["style"]["fillColor"] for f in features]
    assert fills[0] == fills[2] != fills[1]
    assert fills[3] == maps.UNASSIGNED_COLOR
    assert set(fills[:3]) <= set(maps.PALETTE)


def test_grid_colour_overrides_and_bad_colour():
    grids = make_grids(("张三", "李四"))
    features = _geojson_data(maps.add_grids(None, grids, colors={"李四": "#010203"}))["features"]
    assert features[1]["properties"]["style"]["fillColor"] == "#010203"
    with pytest.raises(InputError, match="CSS colour"):
        maps.add_grids(None, grids, colors={"李四": "red;background:url(x)"})


def test_grid_labels_toggle_by_zoom():
    group = maps.add_grids(None, make_grids())
    features = _geojson_data(group)["features"]
    # short labels (the 3-digit sequence; the full code is in the panel), at a point inside
    assert [f["properties"]["label"] for f in features] == ["001", "002", "003"]
    for feature, geom in zip(features, make_grids().geometry, strict=True):
        lat, lon = feature["properties"]["lp"]
        assert geom.contains(shapely.Point(lon, lat))
    (toggle,) = _children(group, leaflet.LabelZoom)
    assert toggle.min_zoom == maps.LABEL_MIN_ZOOM == 15
    no_labels = maps.add_grids(None, make_grids(), labels=False)
    assert not _children(no_labels, leaflet.LabelZoom)
    assert all("label" not in f["properties"] for f in _geojson_data(no_labels)["features"])


def test_grid_legend_lists_workers_escaped():
    m = maps.new_map()
    group = maps.add_grids(m, make_grids(("<i>x</i>", "李四", None)))
    (legend,) = _children(group, leaflet.Legend)
    assert "&lt;i&gt;x&lt;/i&gt;" in legend.html
    assert "<i>x</i>" not in legend.html
    assert "李四" in legend.html and "未分配" in legend.html and "网格员" in legend.html
    assert not _children(maps.add_grids(None, make_grids(), legend=False), leaflet.Legend)


def test_input_frames_are_not_changed():
    grids = make_grids()
    points = make_points(50)
    before_g, before_p = grids.copy(), points.copy()
    m = maps.new_map()
    maps.add_grids(m, grids)
    maps.add_points(m, points, layer_name="boards", kind="board")
    assert_geodataframe_equal(grids, before_g)
    assert_geodataframe_equal(points, before_p)


# --- layers, names, CRS -----------------------------------------------------------------------


def test_groups_have_stable_translated_names():
    m = maps.new_map()
    g1 = maps.add_points(m, make_points(3), layer_name="boards", kind="board")
    g2 = maps.add_points(m, make_points(3), layer_name="boards", kind="board")
    assert g1.layer_name == g2.layer_name == "宣传牌"
    en = maps.add_points(None, make_points(3), layer_name="boards", kind="board", lang="en")
    assert en.layer_name == "Boards"
    assert maps.add_communities(None, make_communities()).layer_name == "社区"
    assert maps.add_grids(None, make_grids()).layer_name == "网格"
    assert maps.add_lines(None, make_roads()).layer_name == "道路"
    assert (
        maps.add_polygons(None, make_schools(), layer_name="schools", kind="school").layer_name
        == "学校"
    )
    assert (
        maps.add_points(None, make_points(2), layer_name="我的图层", kind="board").layer_name
        == "我的图层"
    )


def test_m_none_returns_a_detached_group():
    group = maps.add_grids(None, make_grids())
    assert isinstance(group, folium.FeatureGroup)
    assert group._parent is None
    m = maps.new_map()
    attached = maps.add_grids(m, make_grids())
    assert attached._parent is m


@pytest.mark.parametrize(
    "add",
    [
        lambda m, g: maps.add_communities(m, g),
        lambda m, g: maps.add_grids(m, g),
        lambda m, g: maps.add_lines(m, g),
        lambda m, g: maps.add_polygons(m, g, layer_name="schools", kind="school"),
        lambda m, g: maps.add_points(m, g, layer_name="boards", kind="board"),
    ],
    ids=["communities", "grids", "lines", "polygons", "points"],
)
def test_layers_reject_other_crs(add):
    points = make_points(3)
    with pytest.raises(CRSError, match="EPSG:4326"):
        add(maps.new_map(), points.set_crs(3857, allow_override=True))
    with pytest.raises(CRSError, match="no coordinate system"):
        add(maps.new_map(), points.set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="GeoDataFrame"):
        add(maps.new_map(), points.drop(columns="geometry"))
    assert issubclass(CRSError, InputError)


def test_points_layer_rejects_polygons():
    mixed = make_points(3)
    mixed.loc[1, "geometry"] = shapely.box(X0, Y0, X0 + 1e-4, Y0 + 1e-4)
    with pytest.raises(InputError, match="not points"):
        maps.add_points(None, mixed, layer_name="boards", kind="board")


def test_empty_and_missing_geometries_are_skipped():
    empty = make_points(0)
    group = maps.add_points(None, empty, layer_name="boards", kind="board", legend=True)
    assert not _children(group, leaflet.PointLayer)
    pts = make_points(3)
    pts.loc[0, "geometry"] = None
    pts.loc[1, "geometry"] = shapely.Point()
    data = _point_data(maps.add_points(None, pts, layer_name="boards", kind="board"))
    assert len(data["cat"]) == 1
    grids = make_grids()
    grids.loc[0, "geometry"] = None
    assert len(_geojson_data(maps.add_grids(None, grids))["features"]) == 2
    maps.map_html(maps.new_map())  # an empty map renders


def test_road_styles_by_class():
    features = _geojson_data(maps.add_lines(None, make_roads()))["features"]
    weights = [f["properties"]["style"]["weight"] for f in features]
    colours = [f["properties"]["style"]["color"] for f in features]
    commercial, main, lane, unknown = weights
    assert commercial > lane and main > lane
    assert commercial >= main
    assert colours[0] == maps.ROAD_STYLES["main_commercial"]["color"] == "#d7191c"
    assert unknown == lane
    assert (
        maps.ROAD_STYLES["main"]["weight"]
        > maps.ROAD_STYLES["secondary"]["weight"]
        > maps.ROAD_STYLES["lane"]["weight"]
    )


def test_road_legend_shows_classes_present():
    group = maps.add_lines(None, make_roads(), legend=True)
    (legend,) = _children(group, leaflet.Legend)
    assert "主要商业街" in legend.html and "主干道" in legend.html
    assert "次干道" not in legend.html


def test_polygon_kinds_styled():
    schools = maps.add_polygons(None, make_schools(), layer_name="schools", kind="school")
    style = _geojson_data(schools)["features"][0]["properties"]["style"]
    assert style == maps.POLYGON_STYLES["school"]
    custom = maps.add_polygons(
        None, make_schools(), layer_name="schools", kind="school", style={"fillColor": "#000000"}
    )
    assert _geojson_data(custom)["features"][0]["properties"]["style"]["fillColor"] == "#000000"


def test_display_geometry_simplified_rounded_and_2d():
    wiggly = shapely.LineString(
        [(X0 + i * 1e-5, Y0 + (1e-7 if i % 2 else 0.0)) for i in range(500)]
    )  # ~0.01 m zigzag over ~400 m
    precise = shapely.Polygon(
        [(X0 + 0.1234567891, Y0 - 0.01, 5), (X0 + 0.2, Y0, 5), (X0 + 0.2, Y0 + 0.1, 5), (X0, Y0, 5)]
    )
    lines = _frame({"name": ["a"], "road_class": ["lane"]}, [wiggly])
    line_coords = _geojson_data(maps.add_lines(None, lines))["features"][0]["geometry"]
    assert len(line_coords["coordinates"]) < 10
    unsimplified = _geojson_data(maps.add_lines(None, lines, simplify_m=None))["features"][0]
    assert len(unsimplified["geometry"]["coordinates"]) == 500
    poly = _frame({"name": ["p"]}, [precise])
    ring = _geojson_data(maps.add_polygons(None, poly, layer_name="compounds", kind="compound"))
    coords = ring["features"][0]["geometry"]["coordinates"][0]
    assert all(len(c) == 2 for c in coords)
    assert coords[0][0] == round(X0 + 0.1234567891, 6)
    for x, y in coords:
        assert round(x, 6) == x and round(y, 6) == y


def test_legend_element():
    m = maps.new_map()
    legend = maps.add_legend(
        m,
        [("a", "#ff0000"), ("b", "#00ff00", "line", 5), maps.LegendItem("c", "blue", "dot")],
        title="T <x>",
    )
    assert "T &lt;x&gt;" in legend.html
    assert "border-top-width:5px" in legend.html and "gridmap-dot" in legend.html
    many = maps.add_legend(m, {f"w{i}": "#000000" for i in range(50)}, limit=10)
    assert "另有 40 项" in many.html
    with pytest.raises(InputError):
        maps.add_legend(m, {"x": "url(javascript:alert(1))"})
    with pytest.raises(InputError):
        maps.add_legend(m, [("only-label",)])
    with pytest.raises(InputError):
        maps.add_legend(m, {"x": "#000"}, position="middle")


def test_layer_control_added_once():
    m = maps.new_map()
    first = maps.add_layer_control(m)
    assert maps.add_layer_control(m) is first
    assert len(_children(m, folium.LayerControl)) == 1


def test_popup_columns_override():
    pts = make_points(3)
    group = maps.add_points(None, pts, layer_name="boards", kind="board", popup_columns=["code"])
    (bind,) = _children(group, leaflet.Bind)
    assert bind.heads == ["编码"]
    with pytest.raises(InputError, match="popup columns"):
        maps.add_points(None, pts, layer_name="boards", kind="board", popup_columns=["nope"])


def test_i18n_has_every_map_string():
    # popup columns and basemap names: tests/maps/test_popups.py and test_basemaps.py
    for key in ("map.legend.workers", "map.legend.roads", "map.unassigned", "map.unknown"):
        assert key in i18n.STRINGS


# --- dense points -------------------------------------------------------------------------


def test_render_mode_thresholds():
    assert maps.point_render_mode(maps.CLUSTER_MIN_POINTS) == "plain"
    assert maps.point_render_mode(maps.CLUSTER_MIN_POINTS + 1) == "cluster"
    assert maps.point_render_mode(maps.CANVAS_MIN_POINTS) == "cluster"
    assert maps.point_render_mode(maps.CANVAS_MIN_POINTS + 1) == "canvas"
    assert maps.point_render_mode(10, True) == "cluster"
    assert maps.point_render_mode(100_000, False) == "canvas"
    assert maps.point_render_mode(10, False) == "plain"
    with pytest.raises(InputError):
        maps.point_render_mode(10, "sometimes")


def test_clustering_switches_by_size():
    small = maps.add_points(None, make_points(2_000), layer_name="bins", kind="bin")
    assert not _children(small, MarkerCluster)
    assert len(_point_data(small)["cat"]) == 2_000
    large = maps.add_points(None, make_points(2_001), layer_name="bins", kind="bin")
    (cluster,) = _children(large, MarkerCluster)
    assert len(_point_data(cluster)["cat"]) == 2_001
    forced = maps.add_points(None, make_points(5), layer_name="bins", kind="bin", cluster=True)
    assert _children(forced, MarkerCluster)
    never = maps.add_points(None, make_points(2_500), layer_name="bins", kind="bin", cluster=False)
    assert not _children(never, MarkerCluster)
    with pytest.raises(InputError):
        maps.add_points(None, make_points(5), layer_name="bins", kind="bin", cluster="yes")


def test_point_colours_by_status_and_kind():
    pts = make_points(30)
    data = _point_data(maps.add_points(None, pts, layer_name="boards", kind="board"))
    fills = {s["fillColor"] for s in data["styles"]}
    assert fills == {maps.STATUS_COLORS[s] for s in ("active", "damaged", "repairing")}
    assert all(s["color"] == maps.KIND_COLORS["board"] for s in data["styles"])
    by_type = _point_data(
        maps.add_points(None, pts, layer_name="boards", kind="board", color_by="board_type")
    )
    assert len(by_type["styles"]) == 3
    plain = _point_data(
        maps.add_points(None, pts, layer_name="boards", kind="board", color_by=None)
    )
    assert plain["styles"][0]["fillColor"] == maps.KIND_COLORS["board"]
    assert set(plain["cat"]) == {0}


def test_points_data_is_compact_and_complete():
    pts = make_points(1_000)
    data = _point_data(maps.add_points(None, pts, layer_name="boards", kind="board"))
    assert len(data["xy"]) == 2_000
    assert data["xy"][0] == round(pts.geometry.iloc[0].x, 6)
    assert data["xy"][1] == round(pts.geometry.iloc[0].y, 6)
    status_col = next(c for c in data["cols"] if "d" in c and "在用" in c["d"])
    assert len(status_col["d"]) == 3 and len(status_col["i"]) == 1_000
    assert data["tip"]["v"][5] == "牌5"


def test_hundred_thousand_points_build():
    pts = make_points(100_000, seed=3)
    m = maps.new_map(bounds=tuple(pts.total_bounds))
    start = time.perf_counter()
    group = maps.add_points(m, pts, layer_name="bins", kind="bin")
    page = maps.map_html(m)
    elapsed = time.perf_counter() - start
    assert not _children(group, MarkerCluster)
    assert len(_point_data(group)["cat"]) == 100_000
    assert m.options["prefer_canvas"] is True
    assert len(page) < 12_000_000  # about 60 bytes a point
    assert not URL_RE.search(page)
    assert elapsed < 20, elapsed


def test_large_layer_is_one_canvas_layer_without_per_point_markers():
    n = maps.CANVAS_MIN_POINTS + 1
    pts = make_points(n, seed=5)
    pts.loc[7, "name"] = XSS[1]
    m = maps.new_map(bounds=tuple(pts.total_bounds))
    group = maps.add_points(m, pts, layer_name="boards", kind="board", legend=True)
    page = maps.map_html(m)
    (layer,) = _children(group, leaflet.PointLayer)
    assert isinstance(layer, leaflet.CanvasPoints)
    assert len(layer.data["cat"]) == n
    assert page.count("new GridmapCanvasPoints(") == 1
    assert page.count("L.Layer.extend(") == 1
    assert "new Symbol_(" not in page
    assert len(_children(group, leaflet.Bind)) == 1  # same popup/tooltip binding as markers
    assert _children(group, leaflet.Legend)
    assert XSS[1] not in page
    assert _script_form(html.escape(XSS[1])) in page
    # the modes at or below the threshold keep one circle marker per point
    for size in (maps.CLUSTER_MIN_POINTS, maps.CLUSTER_MIN_POINTS + 1):
        small_map = maps.new_map()
        small = maps.add_points(small_map, make_points(size), layer_name="bins", kind="bin")
        small_page = maps.map_html(small_map)
        assert not _children(small, leaflet.CanvasPoints)
        assert "new Symbol_(" in small_page
        assert "GridmapCanvasPoints" not in small_page


# --- display shift for Amap ------------------------------------------------------------------


def test_shift_for_display_moves_by_gcj_offset_and_keeps_input():
    pts = make_points(10)
    grids = make_grids()
    before = pts.copy()
    shifted = maps.shift_for_display(pts)
    assert_geodataframe_equal(pts, before)  # input untouched
    assert shifted is not pts
    assert shifted.crs.to_epsg() == 4326
    assert list(shifted["name"]) == list(pts["name"])
    moved = distance_m(
        pts.geometry.x.to_numpy(),
        pts.geometry.y.to_numpy(),
        shifted.geometry.x.to_numpy(),
        shifted.geometry.y.to_numpy(),
    )
    assert np.all((moved > 100) & (moved < 1_000)), moved  # Beijing: about 500 m
    # GCJ-02 shifts Beijing north-east
    assert np.all(shifted.geometry.x.to_numpy() > pts.geometry.x.to_numpy())
    assert np.all(shifted.geometry.y.to_numpy() > pts.geometry.y.to_numpy())
    shifted_grids = maps.shift_for_display(grids)
    assert shifted_grids.geometry.iloc[0].area == pytest.approx(
        grids.geometry.iloc[0].area, rel=1e-3
    )
    with pytest.raises(CRSError):
        maps.shift_for_display(pts.set_crs(3857, allow_override=True))


# --- a real browser, offline -----------------------------------------------------------------


@pytest.mark.browser
def test_map_draws_offline_in_chromium(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    import functools
    import http.server
    import threading

    from gridmap.assets import install_static

    install_static(tmp_path / "app" / "static")
    evil = XSS[1]
    (tmp_path / "map.html").write_text(maps.map_html(full_map(names=evil)), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outside, errors = [], []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()

            def route(r):
                if r.request.url.startswith(base):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (errors.append("dialog " + d.message), d.dismiss()))
            page.goto(f"{base}/map.html", wait_until="load")
            page.wait_for_timeout(1000)
            info = page.evaluate(
                """() => {
                const map = Object.values(window).find(v => v instanceof L.Map);
                let markers = [];
                map.eachLayer(l => { if (l instanceof L.CircleMarker && l._gmt) markers.push(l); });
                const board = markers.find(l => l._gmt.cols.length && l._gm === 0);
                board.fire("click", {latlng: board.getLatLng()}, true);
                const popups = document.querySelectorAll(".leaflet-popup-content");
                return {
                    markers: markers.length,
                    clusters: typeof L.MarkerClusterGroup,
                    legends: Array.from(document.querySelectorAll(".gridmap-legend"))
                        .map(d => d.innerText),
                    popup: popups.length ? popups[popups.length - 1].innerText : null,
                    imgs: document.querySelectorAll("img[src='x']").length,
                };
            }"""
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert outside == []
    assert errors == []
    assert info["clusters"] == "function"
    assert info["markers"] >= 21
    assert any(evil in text for text in info["legends"])  # shown as text
    assert info["popup"] and evil in info["popup"]
    assert info["imgs"] == 0  # never parsed as a tag


def test_a_layer_added_after_the_control_is_declared_before_it():
    """The issue page adds its layer to a street map that already has a layer control."""
    import re

    import geopandas as gpd
    import shapely

    from gridmap.maps import layers as maps

    m = maps.new_map()
    pts = gpd.GeoDataFrame({"status": ["active"]}, geometry=[shapely.Point(120.19, 30.24)],
                           crs="EPSG:4326")
    maps.add_points(m, pts, layer_name="boards", kind="board")
    maps.add_layer_control(m)
    late = maps.add_points(m, pts, layer_name="issues", kind="issue")
    html = m.get_root().render()
    declared = re.search(rf"var {late.get_name()} = L\.featureGroup", html)
    assert declared is not None
    assert declared.start() < html.index("L.control.layers(")


def test_neighbouring_grids_never_share_a_colour():
    """A 6×5 tiling with 30 workers: worker colours would repeat, adjacency colours do not."""
    from gridmap.maps.styles import grid_adjacency

    cells = [shapely.box(X0 + i * D / 6, Y0 + j * D / 5, X0 + (i + 1) * D / 6, Y0 + (j + 1) * D / 5)
             for i in range(6) for j in range(5)]
    grids = _frame(
        {"code": [f"110101001001{k + 1:03d}" for k in range(30)],
         "worker": [f"W{k:02d}" for k in range(30)]},
        cells,
    )
    for mode in ("worker", "adjacency"):  # many workers: worker mode falls back to adjacency
        features = _geojson_data(maps.add_grids(None, grids, color_by=mode))["features"]
        fills = [f["properties"]["style"]["fillColor"] for f in features]
        neighbours = grid_adjacency(cells)
        assert all(fills[a] != fills[b] for a in range(30) for b in neighbours[a])
        assert len(set(fills)) <= 5
    # a few workers: their colours, with a legend
    few = make_grids(("张三", "李四", "王五"))
    group = maps.add_grids(None, few, color_by="worker")
    assert _children(group, leaflet.Legend)


def test_the_map_has_a_metric_scale_and_no_flag_in_the_attribution():
    html_text = maps.map_html(maps.new_map(bounds=(X0, Y0, X0 + D, Y0 + D)))
    assert "imperial: false" in html_text and "setPrefix('Leaflet')" in html_text
    assert "L.control.scale()" not in html_text
