"""gridmap's Leaflet elements: their JS and CSS are package files, written once per page."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from test_map_layers import full_map, make_grids, make_points

from gridmap import maps
from gridmap.errors import InputError
from gridmap.maps import leaflet

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "gridmap" / "maps" / "static"
ELEMENTS = (leaflet.Bind, leaflet.Legend, leaflet.LabelZoom, leaflet.PointLayer,
            leaflet.CanvasPoints, leaflet.Pick, leaflet.ClickSend)  # fmt: skip
CALL_RE = re.compile(r"L\.gridmap\.(\w+)\(")
DEFINITION = "gm.{} = function("


def _children(element, cls):
    out = []
    for child in element._children.values():
        if isinstance(child, cls):
            out.append(child)
        out.extend(_children(child, cls))
    return out


def test_static_files_are_the_listed_package_data():
    assert sorted(p.name for p in STATIC.iterdir()) == sorted(leaflet.STATIC_FILES)
    assert {e.library for e in ELEMENTS} | {"gridmap.css"} == set(leaflet.STATIC_FILES)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["gridmap"]
    for name in leaflet.STATIC_FILES:
        assert any(fnmatch(f"maps/static/{name}", p) for p in patterns), name
        assert leaflet.static_text(name) == (STATIC / name).read_text(encoding="utf-8")
    with pytest.raises(InputError, match="no map static file"):
        leaflet.static_text("../layers.py")


def test_scripts_define_one_function_and_cannot_close_the_script_tag():
    for element in ELEMENTS:
        text = leaflet.static_text(element.library)
        assert "</script" not in text.lower()
        assert "http" not in text
        assert text.rstrip().endswith("})(L.gridmap = L.gridmap || {});")
        (name,) = re.findall(r"^gm\.(\w+) = function\(", text, re.MULTILINE)
        assert f"L.gridmap.{name}(" in element._template.module.invoke(_bare(element), {})


def _bare(cls):
    """An element of ``cls`` in a group, with the smallest arguments it takes."""
    import folium

    args = {
        leaflet.Bind: lambda: cls(["h"], "f", with_tip=True),
        leaflet.Legend: lambda: cls("<div></div>", "topright"),
        leaflet.LabelZoom: lambda: cls(15),
        leaflet.Pick: lambda: cls(locate="我的位置"),
        leaflet.ClickSend: cls,
    }.get(cls, lambda: cls({"xy": [], "cat": [], "styles": [], "cols": [], "tip": None}))
    element = args()
    folium.FeatureGroup().add_child(element)
    return element


@pytest.mark.parametrize("cls", ELEMENTS, ids=lambda c: c.__name__)
def test_an_element_script_carries_its_file_for_streamlit_folium(cls):
    """streamlit-folium builds its script from each element's own ``script`` macro."""
    element = _bare(cls)
    script = element._template.module.script(element, {})
    invoke = element._template.module.invoke(element, {})
    body = leaflet.static_text(cls.library)
    function = re.search(r"^gm\.(\w+) = function\(", body, re.MULTILINE).group(1)
    assert script.index(DEFINITION.format(function)) < script.index(f"L.gridmap.{function}(")
    assert DEFINITION.format(function) not in invoke
    # whole-line comments stay in the file, out of the page
    assert "// gridmap" in body and "// gridmap" not in script


def test_a_page_writes_each_file_once_before_its_first_call():
    m = full_map()
    grids = maps.add_grids(m, make_grids(("甲", "乙")))
    big = make_points(maps.CANVAS_MIN_POINTS + 1, seed=2)
    maps.add_points(m, big, layer_name="bins", kind="bin")
    page = maps.map_html(m)
    calls = CALL_RE.findall(page)
    binds = len(_children(m, leaflet.Bind))
    assert calls.count("bind") == binds >= 8
    assert calls.count("legend") == len(_children(m, leaflet.Legend)) >= 3
    for function in set(calls):
        definition = DEFINITION.format(function)
        assert page.count(definition) == 1, function
        assert page.index(definition) < page.index(f"L.gridmap.{function}(")
    # the CSS too, though every layer carries the element
    assert len(_children(m, leaflet.Css)) > 5
    assert page.count('s.id = "gridmap-css"') == 1
    assert _children(grids, leaflet.LabelZoom)


def test_streamlit_folium_script_is_self_contained():
    generate = pytest.importorskip("streamlit_folium").generate_leaflet_string
    m = maps.new_map()
    pts = gpd.GeoDataFrame({"status": ["active"]}, geometry=[shapely.Point(120.19, 30.24)],
                           crs="EPSG:4326")  # fmt: skip
    maps.add_points(m, pts, layer_name="boards", kind="board", legend=True)
    maps.add_grids(m, make_grids())
    m.get_root().render()
    script = generate(m)
    calls = CALL_RE.findall(script)
    assert {"bind", "points", "legend", "labelZoom"} <= set(calls)
    for match in CALL_RE.finditer(script):
        assert script.rfind(DEFINITION.format(match.group(1)), 0, match.start()) >= 0
