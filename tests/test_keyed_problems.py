"""Import problems carry a message key: Chinese by key, English as text (#17, #18).

Two parts: a walk over the source of ``gridmap/`` that refuses a problem added to an
import report as plain text (``report.add("...")``), and files with typical problems
whose problems CSV and problems table read in Chinese (and in English with ``en``).
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from pathlib import Path

import pytest

from gridmap import importing
from gridmap.errors import ImportReport, InputError
from gridmap.io import read_layer_file

CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(__file__).resolve().parents[1] / "gridmap"
ALLOW = "# programmer error"


# --------------------------------------------------------------------------- the walk


def _mentions_report(tree: ast.Module) -> bool:
    """True when the module imports ImportReport or has a variable called ``report``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "ImportReport" for a in node.names):
            return True
        if isinstance(node, ast.Name) and node.id == "report":
            return True
        if isinstance(node, ast.arg) and node.arg == "report":
            return True
    return False


def _plain_text(node: ast.expr) -> bool:
    """A string literal, an f-string, or ``"..." + x`` / ``"..." % x`` built from one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _plain_text(node.left) or _plain_text(node.right)
    return False


def _sets(tree: ast.Module) -> set[str]:
    """Names bound to a set in the module (``x = set()``, ``x: set[str] = ...``, ``{...}``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if ast.unparse(node.annotation).startswith("set"):
                names.add(node.target.id)
        elif isinstance(node, ast.Assign) and (
            isinstance(node.value, ast.Set | ast.SetComp)
            or (isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "set")
        ):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def plain_problems(source: str) -> list[int]:
    """Lines of ``<x>.add(<str literal or f-string>, ...)`` not marked as a programmer error.

    ``x`` is anything but a name the module binds to a set.
    """
    tree = ast.parse(source)
    if not _mentions_report(tree):
        return []
    sets = _sets(tree)
    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add"
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id in sets)
        ):
            continue
        first = (
            node.args[0]
            if node.args
            else next((k.value for k in node.keywords if k.arg == "message"), None)
        )
        if first is None or not _plain_text(first):
            continue
        end = node.end_lineno or node.lineno
        if not any(ALLOW in line for line in lines[node.lineno - 1 : end]):
            found.append(node.lineno)
    return sorted(found)


def test_every_import_problem_is_added_by_key():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).as_posix()
        offenders += [f"{rel}:{n}" for n in plain_problems(path.read_text(encoding="utf-8"))]
    assert offenders == [], (
        "add these problems with report.add_key(key, ...) and zh/en texts in "
        f"gridmap.messages (or mark a programmer-only one with '{ALLOW}'): {offenders}"
    )


def test_the_walk_finds_plain_problems_and_allows_keys_and_sets():
    source = (
        "from gridmap.errors import ImportReport\n"
        "def f(report, seen, n):\n"
        "    report.add('empty geometry')\n"  # 3: literal
        "    report.add(f'{n} rows', row=2)\n"  # 4: f-string
        "    report.add_key('io.geom.empty', row=2)\n"
        "    seen.add('code')\n"  # 6: a set, but in a report module: also found
        "    report.add(p.message, row=2)\n"
        "    report.add('x')  # programmer error\n"
        "    report.add(\n"  # 9: over two lines
        "        'no rows: ' + str(n))\n"
        "    report.add(message='x')\n"  # 11: by keyword
        "    done: set[str] = set()\n"
        "    done.add('code')\n"  # a set: not a report
        "    more = {'a'}\n"
        "    more.add('b')\n"
    )
    assert plain_problems(source) == [3, 4, 6, 9, 11]
    assert plain_problems("def g(seen):\n    seen.add('x')\n") == []  # no report here


# --------------------------------------------------------------------------- samples


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_csv_with_a_bad_coordinate_and_a_duplicate_code_in_both_languages(tmp_path):
    path = tmp_path / "垃圾桶.csv"
    path.write_text(
        "编号,类型,经度,纬度,备注\nA,垃圾桶,NaN,39.9,x\nA,收集点,116.41,39.91,y\n", encoding="utf-8"
    )
    _frame, report = read_layer_file(path, "bins")
    assert [p.key for p in report.problems] == [
        "io.table.extra_columns",
        "io.coord.bad",
        "io.value.duplicate",
    ]
    zh = _rows(report.problems_csv("zh"))
    assert [(r["row"], r["column"]) for r in zh] == [("", ""), ("2", "经度"), ("3", "编号")]
    assert zh[0]["message"] == "已忽略 1 个垃圾桶与收集点图层没有的列：备注"
    assert zh[1]["message"].startswith("经度无效：'NaN' 不是坐标")
    assert zh[2]["message"] == "编码“A”重复：第 2 行和第 3 行的值相同；请改为不同的值"
    en = _rows(report.problems_csv("en"))
    assert en[0]["message"] == "ignored 1 column(s) that layer 'bins' does not have: 备注"
    assert en[1]["message"].startswith("bad longitude: 'NaN' is not a coordinate")
    assert en[2]["message"] == "duplicate code 'A': rows 2 and 3 have the same value"
    table = importing.problems_table(report, "zh")
    assert list(table.iloc[:, -1]) == [r["message"] for r in zh]
    assert list(importing.problems_table(report, "en").iloc[:, -1]) == [r["message"] for r in en]


def test_nan_empty_and_3d_geometries_in_chinese(tmp_path):
    path = tmp_path / "网吧.geojson"
    features = [
        '{"type": "Feature", "properties": {"名称": "a"}, '
        '"geometry": {"type": "Point", "coordinates": [116.4, 39.9, 12]}}',
        '{"type": "Feature", "properties": {"名称": "b"}, '
        '"geometry": {"type": "Point", "coordinates": [NaN, 39.9]}}',
        '{"type": "Feature", "properties": {"名称": "c"}, "geometry": null}',
    ]
    path.write_text('{"type": "FeatureCollection", "features": [' + ",".join(features) + "]}")
    _frame, report = read_layer_file(path, "internet_cafes")
    shown = {(p.row, p.text("zh")) for p in report.problems}
    assert (1, "三维几何：已去掉高程（Z）值") in shown
    assert (2, "有坐标缺失、为 NaN 或为无穷大；请填写有效的坐标") in shown
    assert (3, "几何为空：该要素没有坐标；请补上位置或删除该行") in shown
    assert {(p.row, p.message) for p in report.problems} >= {
        (2, "a coordinate is missing, NaN or infinite"),
        (3, "empty geometry: the feature has no coordinates"),
    }
    with_z = next(p for p in report.problems if p.row == 1)
    assert with_z.severity == "warning"


def test_a_wrong_geometry_type_and_an_invalid_polygon_name_the_layer_in_chinese(tmp_path):
    path = tmp_path / "c.geojson"
    ring = [[116.40, 39.90], [116.41, 39.91], [116.41, 39.90], [116.40, 39.91], [116.40, 39.90]]
    features = [
        {"type": "Feature", "properties": {"code": "110101001001", "name": "甲"},
         "geometry": {"type": "LineString", "coordinates": [[116.4, 39.9], [116.5, 39.9]]}},
        {"type": "Feature", "properties": {"code": "110101001002", "name": "乙"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    _frame, report = read_layer_file(path, "communities")
    wrong, bowtie = report.errors
    assert wrong.text("zh") == (
        "几何类型不对：该要素是线（LineString）；社区图层需要面（Polygon 或 MultiPolygon）"
    )
    assert "the feature is a LineString; layer 'communities' needs a Polygon" in wrong.message
    assert bowtie.message.startswith("invalid polygon: Self-intersection[")
    assert bowtie.text("zh").startswith("面无效：自相交[")
    assert "--repair" in bowtie.text("zh")


def test_a_missing_column_and_an_unsupported_file_in_chinese(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("编码,街道,wkt\n110101001001,x,POINT (1 2)\n", encoding="utf-8")
    _frame, report = read_layer_file(path, "communities")
    missing = next(p for p in report.errors if p.key == "io.table.missing_column_aliases")
    assert missing.text("zh").startswith("缺少必填列“名称”（表头可写作 name、")
    assert missing.message.startswith("missing required column 'name' (or ")
    dwg = tmp_path / "a.dwg"
    dwg.write_bytes(b"x")
    _frame, report = read_layer_file(dwg, "communities")
    (problem,) = report.errors
    assert problem.text("zh").startswith("不支持的文件类型“.dwg”；请使用以下格式之一：.geojson、")
    assert problem.message.startswith("unsupported file type '.dwg'; use one of .geojson, ")


def test_re_added_problems_and_errors_keep_their_key():
    inner = ImportReport("a.csv", "bins")
    inner.add_key("io.point.outside_grids_at", row=4, x=116.4, y=39.9)
    outer = ImportReport("a.csv", "bins")
    outer.add_problem(inner.problems[0], severity="warning")
    (p,) = outer.problems
    assert (p.row, p.severity, p.key) == (4, "warning", "io.point.outside_grids_at")
    assert p.text("zh").startswith("位于 (116.400000, 39.900000)，不在任何网格内")
    assert p.message.startswith("lies outside every grid at (116.400000, 39.900000)")
    # an error whose parameter is called "column" keeps it as a parameter
    outer.add_error(InputError.keyed("points.required", column="households", row=3), row=3)
    assert outer.problems[-1].text("zh") == "必须填写户数"
    assert outer.problems[-1].message == "households is required"
    assert outer.problems[-1].column is None


def test_a_plan_file_without_its_columns_in_chinese(demo_store, tmp_path):
    from gridmap import auth
    from gridmap.grids import service
    from gridmap.model import UserRole

    path = tmp_path / "plan.csv"
    path.write_text("网格,备注\n1,x\n", encoding="utf-8")
    admin = auth.User("admin", UserRole.ADMIN)
    report = service.import_plan(demo_store, admin, path, dry_run=True)
    texts = [p.text("zh") for p in report.problems]
    assert "文件缺少“角色”列" in texts
    assert "文件既没有“网格员编码”列，也没有“网格员姓名”列；请至少给出其中一列" in texts
    assert "the file has no column 'role'" in [p.message for p in report.problems]
    assert all(CJK.search(t) for t in texts)


# --------------------------------------------------------------------------- findings


def _tiles(cells, community_geoms=None):
    import geopandas as gpd
    from shapely.geometry import box

    c1 = "330102011001"
    x0, y0 = 514436.0, 3347836.0  # metres in EPSG:4549 near Hangzhou

    def sq(x, y, w, h=None):
        return box(x0 + x, y0 + y, x0 + x + w, y0 + y + (w if h is None else h))

    geoms = [g if not isinstance(g, tuple) else sq(*g) for g in cells]
    communities = gpd.GeoDataFrame(
        {"code": [c1], "name": ["社区"]}, geometry=[sq(0, 0, 300)], crs="EPSG:4549"
    ).to_crs("EPSG:4326")
    grids = gpd.GeoDataFrame(
        {"code": [f"{c1}{i + 1:03d}" for i in range(len(geoms))], "community": [c1] * len(geoms)},
        geometry=geoms,
        crs="EPSG:4549",
    ).to_crs("EPSG:4326")
    return communities, grids


def test_a_tiling_error_names_its_first_finding_in_chinese():
    from gridmap.errors import TopologyError
    from gridmap.grids.tiling import validate_tiling

    cells = [(i * 100.0, j * 100.0, 100.0) for j in range(3) for i in range(3)]
    cells[0] = (0.0, 0.0, 105.0, 100.0)  # overlaps its neighbour
    cells[8] = (200.0, 200.0, 90.0, 100.0)  # leaves a gap
    report = validate_tiling(*_tiles(cells))
    with pytest.raises(TopologyError) as caught:
        report.raise_for_findings()
    zh = caught.value.text("zh")
    assert zh.startswith(
        "2 处网格拼接问题：缝隙 1 处、重叠 1 处；第一处：社区 330102011001 在 (120."
    )
    assert "m² 的缝隙，未被任何网格覆盖" in zh and "gap of" not in zh
    assert "; first: gap of " in str(caught.value)
    gap, overlap = report.findings
    assert overlap.text("zh").startswith("社区 330102011001 的网格 330102011001001 和")
    assert overlap.message.startswith("grids 330102011001001 and 330102011001002 of community")
    frame = report.to_frame("zh")
    assert list(frame["message"]) == [gap.text("zh"), overlap.text("zh")]
    assert list(report.to_frame()["message"]) == [gap.message, overlap.message]


def test_an_invalid_or_non_polygon_grid_is_explained_in_chinese():
    from shapely.geometry import LineString, Polygon

    from gridmap.grids.tiling import validate_tiling

    x0, y0 = 514436.0, 3347836.0
    bowtie = Polygon([(x0, y0), (x0 + 300, y0 + 300), (x0 + 300, y0), (x0, y0 + 300)])
    line = LineString([(x0, y0), (x0 + 300, y0 + 300)])
    report = validate_tiling(*_tiles([bowtie, line]))
    invalid = report.of_kind("invalid")
    texts = {f.grids[0]: f.text("zh") for f in invalid}
    assert texts["330102011001001"].startswith("网格 330102011001001 的边界几何无效：自相交[120.")
    assert texts["330102011001002"].startswith(
        "网格 330102011001002 的边界是线（LineString），不是面，位置"
    )
    messages = {f.grids[0]: f.message for f in invalid}
    assert "has an invalid geometry: Self-intersection[120." in messages["330102011001001"]
    assert "is a LineString, not a polygon near (" in messages["330102011001002"]


def test_a_placement_refusal_in_both_languages():
    from gridmap.grids.scope import Placement

    outside = Placement(2, "outside", None, "330102011001", 12.34)
    assert outside.message == (
        "grid #3 reaches 12.3 m² outside the polygon of its community 330102011001; "
        "a grid must lie inside its community"
    )
    assert outside.text("zh").startswith("网格 #3 有 12.3 m² 超出其所属社区 330102011001 的边界")
    over = Placement(0, "overlap", "330102011001001", "330102011001", 5.0, "330102011002001")
    assert over.text("zh") == (
        "网格 330102011001001（社区 330102011001）与其他社区的网格 330102011002001 重叠 5.0 m²"
    )


def test_issue_settings_without_a_file_name_say_issue_settings_in_chinese():
    from gridmap.issues.categories import config_from_dict

    with pytest.raises(InputError) as caught:
        config_from_dict({"categories": {"道路": {"hours": 0}}})
    assert str(caught.value).startswith("issues configuration: category '道路'")
    assert caught.value.text("zh").startswith("案件设置：问题分类“道路”：处置时限 hours")
