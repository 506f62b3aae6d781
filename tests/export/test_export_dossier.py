"""Per-grid dossiers: PDF text (pypdf), embedded CJK font, rendered map page (pdftoppm)."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from pdfcheck import colour_pixels, embedded_fonts, pdf_text, render_page

from gridmap.auth import User
from gridmap.errors import NotFound, PermissionDenied
from gridmap.export import dossier, export_dossier
from gridmap.export.mapimage import OUTLINE_COLOR
from gridmap.export.supervision import failures_frame
from gridmap.model import UserRole

DAY = dt.date(2026, 11, 1)
GRID = "330102011001001"


@dataclass
class Rule:
    id: str
    title: dict
    source: str
    unit: str = "m"


@dataclass
class Failure:
    grid: str
    workers: list
    measured: float
    message: str


@dataclass
class Result:
    rule: Rule
    failures: list


def fake_failures(grid: str = GRID):
    rule = Rule("bin_reach", {"zh": "收集点服务半径", "en": "Bin reach"}, "GB 55013-2021 §3.2.2")
    return failures_frame([Result(rule, [Failure(grid, ["蔡丽"], 143.5, "3号楼距最近收集点过远")])])


def viewer(scope=None) -> User:
    return User("viewer", UserRole.VIEWER, scope)


def _export(store, user, **kw) -> bytes:
    buf = io.BytesIO()
    export_dossier(store, buf, user=user, as_of=DAY, **kw)
    return buf.getvalue()


def test_grid_dossier_has_roster_facilities_and_embedded_cjk_font(demo_store, monkeypatch):
    monkeypatch.setattr(dossier, "current_failures", lambda *a, **k: fake_failures())
    payload = _export(demo_store, viewer(), grid=GRID)
    text = "\n".join(pdf_text(payload))
    assert GRID in text and "网格长" in text and "一档一册一图" in text
    for worker in demo_store.workers_of(GRID, on=DAY):
        assert worker["name"] in text
        assert worker["phone"] not in text  # masked for a viewer
    assert re.search(r"\d{3}\*{4}\d{4}", text)
    boards = demo_store.read_layer("boards")
    assert "宣传牌" in text and "最近巡检" in text and "未结问题上报" in text
    assert any(code in text for code in boards["code"])
    assert "收集点服务半径" in text and "3号楼距最近收集点过远" in text and "144米" in text
    flat = "".join(text.split())
    assert "《市容环卫工程项目规范》GB55013-2021第3.2.2条" in flat
    # Chinese units, local times, the scope in the title; no web pages, sections or "UTC"
    for foreign in ("UTC", "STANDARDS", "DESIGN", ".com", "http", " workers", " days", " h "):
        assert foreign not in text
    assert "清波社区第一网格“一档一册一图”" in flat and "截至2026-11-01" in flat
    fonts = embedded_fonts(payload)
    cjk = {
        name: emb
        for name, emb in fonts.items()
        if "WenQuanYi" in name or "CJK" in name or "Hei" in name or "Ming" in name
    }
    assert cjk and all(cjk.values())


def test_community_dossier_has_contents_progress_and_a_map_per_grid(
    demo_store, monkeypatch, tmp_path
):
    monkeypatch.setattr(dossier, "current_failures", lambda *a, **k: failures_frame([]))
    grids = demo_store.read_layer("grids")
    community = grids["community"].value_counts().idxmin()
    codes = sorted(grids.loc[grids["community"] == community, "code"])
    calls = []
    buf = io.BytesIO()
    result = export_dossier(
        demo_store,
        buf,
        user=viewer(),
        community=community,
        as_of=DAY,
        progress=lambda *a: calls.append(a),
    )
    payload = buf.getvalue()
    assert result.rows == len(codes)
    assert [c[0] for c in calls] == [*range(1, len(codes) + 1), len(codes)]
    assert [c[2] for c in calls] == [*codes, "pdf"]
    pages = pdf_text(payload)
    assert "目录" in pages[0]
    assert all(code in pages[0] for code in codes)  # the contents page lists every grid
    for code in codes:
        assert any(f"网格 {code}" in p for p in pages[1:])
    assert "当前检查全部合格" in "\n".join(pages)  # no failures given: every check passes
    first = next(i for i, p in enumerate(pages) if i and f"网格 {codes[0]}" in p) + 1
    image = render_page(payload, first, tmp_path)
    assert colour_pixels(image, OUTLINE_COLOR) > 200  # the grid's outline is drawn
    audit = demo_store.read_audit(limit=1).iloc[0]
    assert audit["after"]["what"] == "dossier" and audit["after"]["rows"] == len(codes)


def test_inspector_sees_full_phones(demo_store, monkeypatch):
    monkeypatch.setattr(dossier, "current_failures", lambda *a, **k: failures_frame([]))
    text = "\n".join(pdf_text(_export(demo_store, User("insp", UserRole.INSPECTOR), grid=GRID)))
    assert any(w["phone"] in text for w in demo_store.workers_of(GRID, on=DAY))


def test_scope_is_enforced(demo_store):
    with pytest.raises(PermissionDenied):
        _export(demo_store, viewer(("330102011002",)), grid=GRID)
    with pytest.raises(NotFound):
        _export(demo_store, viewer(), grid="330102011001999")


def test_grid_dossier_lists_its_road_segments_and_hoardings(demo_store):
    """Issue 19: the dossier names the road segments in the grid's charge and its hoardings."""
    import geopandas as gpd
    import shapely

    roads = demo_store.read_layer("roads")
    owned = roads[roads["owner"] == GRID]
    assert len(owned)  # the demo records an owner for every road but one
    grid_geom = demo_store.read_layer("grids").set_index("code").geometry[GRID]
    spot = grid_geom.representative_point()
    demo_store.write_layer(
        "hoardings",
        gpd.GeoDataFrame(
            {"code": ["WD09"], "name": ["测试工地围挡"], "panels": [10], "public_ad_panels": [3]},
            geometry=[shapely.LineString([(spot.x, spot.y), (spot.x + 0.0003, spot.y)])],
            crs="EPSG:4326",
        ),
        source_crs="wgs84",
        username="t",
    )
    text = "\n".join(pdf_text(_export(demo_store, viewer(), grid=GRID)))
    assert "责任路段" in text and "登记为本网格负责" in text
    assert all(name in text for name in owned["name"])
    assert "工地围挡" in text and "WD09" in text


def test_real_failures_read_as_chinese_figures(demo_store, tmp_path):
    """The dossier of a grid with real check failures: Chinese units, cited sources."""
    from pdfcheck import render_page

    payload = _export_on(demo_store, dt.date(2026, 12, 5))
    text = "\n".join(pdf_text(payload))
    flat = "".join(text.split())
    assert "天" in flat and "小时" in flat  # days since inspection, hours past the deadline
    for english in (" days", " themes", " workers", " h\n", "max.book118", "STANDARDS", "UTC"):
        assert english not in text
    assert "创建工作方案：" in flat
    page = render_page(payload, 1, tmp_path, dpi=30)
    assert page.width > 200


def _export_on(store, day):
    buf = io.BytesIO()
    export_dossier(store, buf, user=viewer(), as_of=day, grid=GRID)
    return buf.getvalue()
