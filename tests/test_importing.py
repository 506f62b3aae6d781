"""Importing into a store: bad files name their row and change nothing; good files land."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridmap import importing
from gridmap.importing import import_file

DATA = Path(__file__).parent / "data" / "io"

#: bad fixture -> (layer, a fragment of the expected message, the row it must name or None)
BAD_FILES = {
    "malformed.geojson": ("communities", "", None),
    "communities_missing_name.geojson": ("communities", "name", None),
    "communities_selfintersect.geojson": ("communities", "", 2),
    "communities_empty_geometry.geojson": ("communities", "empty", 2),
    "communities_linestring.geojson": ("communities", "", 2),
    "communities_duplicate.geojson": ("communities", "", 3),
    "bins_swapped.csv": ("bins", "swap", 3),
    "bins_projected.csv": ("bins", "", 2),
    "bins_nan.csv": ("bins", "", 3),
    "boards_bad_enum.csv": ("boards", "", 4),
    "boards_bad_date.csv": ("boards", "", 3),
    "billion_laughs.kml": ("boards", "", None),
    "traversal.zip": ("buildings", "", None),
    "corrupt.zip": ("buildings", "", None),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_names_its_row_and_changes_nothing(demo_store, name):
    layer, fragment, row = BAD_FILES[name]
    before = demo_store.counts()
    audit_before = len(demo_store.read_audit(limit=100000))
    report = import_file(demo_store, layer, DATA / name)
    assert not report.ok
    assert report.written == 0
    messages = [str(p) for p in report.errors]
    assert all(name in m for m in messages), messages
    if fragment:
        assert any(fragment.lower() in m.lower() for m in messages), messages
    if row is not None:
        assert any(p.row == row for p in report.errors), messages
    assert demo_store.counts() == before
    assert len(demo_store.read_audit(limit=100000)) == audit_before


def test_failed_store_write_rolls_back_everything(demo_store, tmp_path):
    """A file valid on its own but with an unknown community on row 2 writes nothing."""
    import json

    grids = demo_store.read_layer("grids")
    geom = grids.geometry.iloc[0].__geo_interface__
    features = [
        {"type": "Feature", "geometry": geom,
         "properties": {"code": None, "community": grids["community"].iloc[0]}},
        {"type": "Feature", "geometry": geom,
         "properties": {"code": None, "community": "999999999999"}},
    ]
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    before = demo_store.counts()
    report = import_file(demo_store, "grids", path)
    assert not report.ok
    assert any(p.row == 2 for p in report.errors), [str(p) for p in report.errors]
    assert demo_store.counts() == before


def test_gcj02_demo_layer_lands_in_wgs84(demo_store):
    """The demo bins arrive as GCJ-02 field data and are stored converted, inside grids."""
    from gridmap.locate import locate_points

    bins = demo_store.read_layer("bins")
    assert set(bins["source_crs"]) == {"gcj02"}
    grids = demo_store.read_layer("grids")
    assert locate_points(bins, grids).notna().all()


def test_grids_without_codes_get_ordered_codes(demo_store, tmp_path):
    """New grids of an empty community get community code + sequence, west to east."""
    import geopandas as gpd
    import shapely

    from gridmap.store import open_store

    communities = demo_store.read_layer("communities")
    new = gpd.GeoDataFrame(
        {"code": ["330102011009"], "name": ["新社区"]},
        geometry=[shapely.box(120.30, 30.20, 120.302, 30.201)], crs="EPSG:4326")
    new.to_file(tmp_path / "c.geojson", driver="GeoJSON")
    del communities
    report = import_file(demo_store, "communities", tmp_path / "c.geojson")
    assert report.ok, [str(p) for p in report.problems]
    cells = gpd.GeoDataFrame(
        {"community": ["330102011009"] * 2},
        geometry=[shapely.box(120.301, 30.20, 120.302, 30.201),
                  shapely.box(120.30, 30.20, 120.301, 30.201)], crs="EPSG:4326")
    cells.to_file(tmp_path / "g.geojson", driver="GeoJSON")
    report = import_file(demo_store, "grids", tmp_path / "g.geojson")
    assert report.ok, [str(p) for p in report.problems]
    stored = open_store(demo_store.url).read_layer("grids")
    mine = stored[stored["community"] == "330102011009"].sort_values("code")
    assert mine["code"].tolist() == ["330102011009001", "330102011009002"]
    assert mine.geometry.iloc[0].bounds[0] == pytest.approx(120.30)  # 001 is the western one


def _boards_csv(tmp_path, points):
    rows = "".join(f"宣传栏{i},宣传栏,{p.x},{p.y}\n" for i, p in enumerate(points))
    path = tmp_path / "boards.csv"
    path.write_text("名称,类型,经度,纬度\n" + rows, encoding="utf-8")
    return path


def test_viewer_and_inspector_may_not_import(demo_store, tmp_path):
    from gridmap.auth import User
    from gridmap.errors import PermissionDenied

    grids = demo_store.read_layer("grids")
    path = _boards_csv(tmp_path, [grids.geometry.iloc[0].representative_point()])
    before = demo_store.counts()
    for role in ("viewer", "inspector"):
        with pytest.raises(PermissionDenied):
            import_file(demo_store, "boards", path, user=User(role, role))
    assert demo_store.counts() == before


def test_scoped_planner_imports_only_inside_their_communities(demo_store, tmp_path):
    from gridmap.auth import User
    from gridmap.errors import PermissionDenied

    grids = demo_store.read_layer("grids").sort_values("code")
    mine, other = grids["community"].iloc[0], grids["community"].iloc[-1]
    inside = grids[grids["community"] == mine].geometry.iloc[0].representative_point()
    outside = grids[grids["community"] == other].geometry.iloc[0].representative_point()
    planner = User("p", "planner", (mine,))
    before = demo_store.counts()["boards"]
    report = import_file(demo_store, "boards", _boards_csv(tmp_path, [inside, outside]),
                         user=planner)
    assert not report.ok
    assert [p.row for p in report.errors] == [3]  # the Excel row of the second point
    assert "outside the communities" in report.errors[0].message
    assert demo_store.counts()["boards"] == before
    report = import_file(demo_store, "boards", _boards_csv(tmp_path, [inside]), user=planner)
    assert report.ok and report.written == 1
    with pytest.raises(PermissionDenied):
        import_file(demo_store, "boards", _boards_csv(tmp_path, [inside]), user=planner,
                    replace=True)
    roads = tmp_path / "roads.geojson"
    roads.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                     '{"road_class":"lane"},"geometry":{"type":"LineString","coordinates":'
                     f'[[{inside.x},{inside.y}],[{inside.x + 0.001},{inside.y}]]}}}}]}}',
                     encoding="utf-8")
    report = import_file(demo_store, "roads", roads, user=planner)
    assert not report.ok and "whole street" in report.errors[0].message


def test_progress_is_reported_in_stages(demo_store, tmp_path):
    grids = demo_store.read_layer("grids")
    stages = []
    import_file(demo_store, "boards",
                _boards_csv(tmp_path, [grids.geometry.iloc[0].representative_point()]),
                progress=lambda fraction, stage: stages.append((fraction, stage)))
    assert [s for _, s in stages] == ["read", "check", "write", "done"]
    assert [f for f, _ in stages] == sorted(f for f, _ in stages)


def test_issue_19_layers_import_with_chinese_headers(demo_store, tmp_path):
    """Hoardings and service centres import from CSV/GeoJSON with their Chinese headers."""
    import json

    spot = demo_store.read_layer("grids").geometry.iloc[0].representative_point()
    x, y = round(spot.x, 6), round(spot.y, 6)
    hoardings = tmp_path / "工地围挡.geojson"
    feature = {
        "type": "Feature",
        "properties": {"编号": "WD99", "工地名称": "望江路项目", "画面数": 20, "公益广告幅数": 6},
        "geometry": {"type": "LineString", "coordinates": [[x, y], [x + 0.001, y]]},
    }
    hoardings.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False),
        encoding="utf-8",
    )
    report = import_file(demo_store, "hoardings", hoardings)
    assert report.ok, report.problems
    back = demo_store.read_layer("hoardings")
    back = back[back["code"] == "WD99"]
    assert back[["code", "name", "panels", "public_ad_panels"]].values.tolist() == [
        ["WD99", "望江路项目", 20, 6]
    ]
    centres = tmp_path / "服务中心.csv"
    centres.write_text(f"编号,服务中心名称,经度,纬度\nFW99,清波社区新服务中心,{x},{y}\n",
                       encoding="utf-8")
    report = import_file(demo_store, "service_centres", centres)
    assert report.ok, report.problems
    assert "清波社区新服务中心" in set(demo_store.read_layer("service_centres")["name"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bins.csv", "bins.csv"),
        ("../../etc/网格.xlsx", "网格.xlsx"),
        ("C:\\Users\\me\\点位.geojson", "点位.geojson"),
        ("a\x00b\nc.csv", "abc.csv"),
        ("", "upload"),
        ("...", "upload"),
    ],
)
def test_safe_file_name(name, expected):
    assert importing.safe_file_name(name) == expected


def test_safe_file_name_fits_any_file_system():
    name = importing.safe_file_name("网格垃圾桶点位" * 43 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode("utf-8")) <= 120
    assert name.startswith("网格垃圾桶点位")


def test_an_upload_is_staged_under_a_safe_name_and_discarded_with_its_folder():
    path = importing.stage_upload("../网格" * 60 + ".csv", b"code,name\n")
    try:
        assert path.read_bytes() == b"code,name\n"
        assert path.suffix == ".csv" and len(path.name.encode("utf-8")) <= 120
        assert path.parent.name.startswith("gridmap-upload-")
    finally:
        importing.discard_upload(path)
    assert not path.parent.exists()
    importing.discard_upload(path)  # gone already: fine


def test_problems_table_has_headers_and_severities_in_the_language():
    from gridmap.errors import ImportReport

    report = ImportReport("a.csv", "bins")
    report.add("the file has no rows")
    report.add_key("points.required", row=3, column="households")
    report.add("odd value", row=4, severity="warning")
    zh = importing.problems_table(report, "zh", limit=2)
    assert list(zh.columns) == ["行", "列", "级别", "问题"]
    assert zh["行"].tolist() == ["", "3"] and zh["列"].tolist() == ["", "households"]
    assert zh["级别"].tolist() == ["错误", "错误"]
    assert zh["问题"].iloc[1] == report.problems[1].text("zh") != report.problems[1].text("en")
    en = importing.problems_table(report, "en")
    assert len(en) == 3 and en["Severity"].tolist() == ["error", "error", "warning"]
