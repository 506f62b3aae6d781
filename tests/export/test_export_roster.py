"""Grid roster: XLSX/CSV read back with openpyxl and csv, checked against the store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import geopandas as gpd
import openpyxl
import pytest

from gridmap.auth import User
from gridmap.crs import to_metric
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.export import export_roster
from gridmap.export.roster import ROSTER_COLUMNS
from gridmap.model import UserRole

DAY = dt.date(2026, 11, 1)
HEADERS = [
    "社区",
    "网格编码",
    "网格名称",
    "网格长",
    "其他网格员及角色",
    "联系电话",
    "户数",
    "人口",
    "面积(㎡)",
    "宣传牌",
    "健身器材",
    "垃圾桶/收集点",
    "未结问题",
]
MASKED = re.compile(r"\d{3}\*{4}\d{4}")
FULL = re.compile(r"(?<![\d*])1\d{10}(?![\d*])")


def viewer(scope=None) -> User:
    return User("viewer", UserRole.VIEWER, scope)


def inspector() -> User:
    return User("inspector", UserRole.INSPECTOR)


def _sheet(payload: bytes):
    return openpyxl.load_workbook(io.BytesIO(payload)).active


def _records(ws) -> list[dict]:
    headers = [c.value for c in ws[2]]
    return [
        dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=3)
    ]


def _export(store, user, **kw) -> bytes:
    buf = io.BytesIO()
    export_roster(store, buf, user=user, **kw)
    return buf.getvalue()


def test_street_roster_has_chinese_headers_and_one_row_per_grid(demo_store):
    ws = _sheet(_export(demo_store, viewer(), as_of=DAY))
    assert [c.value for c in ws[2]] == HEADERS
    assert len(HEADERS) == len(ROSTER_COLUMNS)
    rows = _records(ws)
    grids = demo_store.read_layer("grids")
    assert sorted(r["网格编码"] for r in rows) == sorted(grids["code"])
    assert "网格员花名册" in ws["A1"].value and "2026-11-01" in ws["A1"].value


def test_xlsx_is_laid_out_for_printing(demo_store):
    ws = _sheet(_export(demo_store, viewer(), as_of=DAY))
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$2"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert all(ws.column_dimensions[col].width >= 6 for col in "ABCDEFGHIJKLM")
    assert ws.column_dimensions["B"].width >= 15  # 15-digit grid codes fit
    assert ws["A3"].border.left.style == "thin" and ws["A3"].alignment.wrap_text
    assert ws["B3"].number_format == "@" and ws["I3"].number_format == "#,##0"
    assert ws["I3"].alignment.horizontal == "right"


def test_viewer_gets_masked_phones_and_inspector_full_ones(demo_store):
    masked = "\n".join(
        str(r["联系电话"]) for r in _records(_sheet(_export(demo_store, viewer(), as_of=DAY)))
    )
    full = "\n".join(
        str(r["联系电话"]) for r in _records(_sheet(_export(demo_store, inspector(), as_of=DAY)))
    )
    phones = set(demo_store.read_layer("workers")["phone"].dropna())
    assert MASKED.search(masked) and not FULL.search(masked)
    assert not any(p in masked for p in phones)
    assert FULL.search(full) and not MASKED.search(full)
    assert any(p in full for p in phones)


def test_workers_are_those_assigned_on_the_date(demo_store):
    # grid 330102011001002: head W0013 until 2026-06-14, then W0003
    workers = demo_store.read_layer("workers", include_retired=True).set_index("code")["name"]
    for day, head in ((dt.date(2026, 6, 1), "W0013"), (dt.date(2026, 7, 1), "W0003")):
        rows = {
            r["网格编码"]: r for r in _records(_sheet(_export(demo_store, viewer(), as_of=day)))
        }
        row = rows["330102011001002"]
        expected = [w for w in demo_store.workers_of("330102011001002", on=day)]
        assert row["网格长"] == workers[head]
        assert row["网格长"] == next(w["name"] for w in expected if w["role"] == "grid_head")
        for other in (w for w in expected if w["role"] != "grid_head"):
            assert other["name"] in row["其他网格员及角色"]


def test_counts_and_area_match_an_independent_computation(demo_store):
    rows = {r["网格编码"]: r for r in _records(_sheet(_export(demo_store, viewer(), as_of=DAY)))}
    grids = demo_store.read_layer("grids")
    cells = grids[["code", "geometry"]].rename(columns={"code": "cell"})
    for layer, header in (("boards", "宣传牌"), ("fitness", "健身器材"), ("bins", "垃圾桶/收集点")):
        points = demo_store.read_layer(layer)
        joined = gpd.sjoin(points, cells, predicate="within")
        expected = joined.groupby("cell").size()
        for code, row in rows.items():
            assert row[header] == int(expected.get(code, 0)), (layer, code)
    issues = demo_store.read_layer("issues")
    issues = issues[issues["status"] != "closed"]
    joined = gpd.sjoin(issues, cells, predicate="within")
    expected = joined.groupby("cell").size()
    assert {c: r["未结问题"] for c, r in rows.items()} == {c: int(expected.get(c, 0)) for c in rows}
    areas = dict(zip(grids["code"], to_metric(grids).area, strict=True))
    for code, row in rows.items():
        assert row["面积(㎡)"] == pytest.approx(areas[code], abs=1)
        assert row["户数"] == int(grids.set_index("code").loc[code, "households"])


def test_community_grid_and_worker_scopes(demo_store):
    grids = demo_store.read_layer("grids")
    community = sorted(grids["community"])[-1]
    rows = _records(_sheet(_export(demo_store, viewer(), community=community, as_of=DAY)))
    assert sorted(r["网格编码"] for r in rows) == sorted(
        grids.loc[grids["community"] == community, "code"]
    )
    rows = _records(_sheet(_export(demo_store, viewer(), grid="330102011001001", as_of=DAY)))
    assert [r["网格编码"] for r in rows] == ["330102011001001"]
    assignments = demo_store.read_layer("assignments", as_of=DAY)
    mine = sorted(assignments.loc[assignments["worker"] == "W0001", "grid"])
    rows = _records(_sheet(_export(demo_store, viewer(), worker="W0001", as_of=DAY)))
    assert sorted(r["网格编码"] for r in rows) == mine


def test_csv_has_bom_headers_and_rows(demo_store):
    payload = _export(demo_store, viewer(), fmt="csv", as_of=DAY)
    assert payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert len(rows) - 1 == len(demo_store.read_layer("grids"))
    assert not FULL.search(payload.decode("utf-8-sig"))


def test_scope_and_permissions(demo_store):
    grids = demo_store.read_layer("grids")
    first, last = sorted(set(grids["community"]))[0], sorted(set(grids["community"]))[-1]
    scoped = viewer((first,))
    rows = _records(_sheet(_export(demo_store, scoped, as_of=DAY)))
    assert {r["网格编码"][:12] for r in rows} == {first}
    with pytest.raises(PermissionDenied):
        _export(demo_store, scoped, community=last)
    with pytest.raises(NotFound):
        _export(demo_store, viewer(), community="999999999999")
    with pytest.raises(NotFound):
        _export(demo_store, viewer(), worker="nobody at all")
    with pytest.raises(InputError):
        _export(demo_store, viewer(), fmt="ods")


def test_export_writes_an_audit_row(demo_store, tmp_path):
    result = export_roster(
        demo_store, tmp_path / "r.xlsx", user=viewer(), community="330102011001", as_of=DAY
    )
    assert (tmp_path / "r.xlsx").is_file() and result.path == tmp_path / "r.xlsx"
    audit = demo_store.read_audit(limit=1).iloc[0]
    assert int(audit["id"]) == result.audit_id
    assert audit["action"] == "export" and audit["username"] == "viewer"
    assert audit["after"]["what"] == "roster"
    assert audit["after"]["scope"] == "community=330102011001"
    assert audit["after"]["rows"] == result.rows == 9
    assert audit["after"]["phones"] == "masked"


@pytest.mark.postgis
def test_roster_and_counts_on_postgis(make_store):
    from gridmap.importing import import_demo

    store = make_store("postgis")
    import_demo(store)
    rows = _records(_sheet(_export(store, viewer(), as_of=DAY)))
    grids = store.read_layer("grids")
    assert sorted(r["网格编码"] for r in rows) == sorted(grids["code"])
    assert sum(r["宣传牌"] for r in rows) == len(store.read_layer("boards"))
    assert sum(r["垃圾桶/收集点"] for r in rows) == len(store.read_layer("bins"))


def test_lean_point_reading_matches_the_full_layers(demo_store):
    from gridmap.export._common import load_data, point_counts

    full = load_data(demo_store, as_of=DAY)
    lean = load_data(demo_store, as_of=DAY, points="counts")
    codes = full["grids"]["code"]
    assert point_counts(full, codes).equals(point_counts(lean, codes))
    for layer in ("boards", "fitness", "bins"):
        assert len(lean[layer]) == len(full[layer])


def test_a_roster_as_of_a_date_before_a_re_split_lists_that_dates_grids_and_workers(demo_store):
    """Issue #19: a roster of a past date listed today's new grids with empty workers."""
    from gridmap.grids import service as grid_service

    community = "330102011001"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    before = grid_service.roster_as_of(demo_store, yesterday)
    old_codes = set(demo_store.read_layer("grids")["code"])
    new = grid_service.split_community(demo_store, community, method="cells", cell_m=250)
    planner = User("planner", UserRole.PLANNER)
    grid_service.save_grids(demo_store, planner, community, new, reason="re-split")
    assert set(demo_store.read_layer("grids")["code"]) != old_codes
    rows = _records(_sheet(_export(demo_store, viewer(), as_of=yesterday)))
    assert {r["网格编码"] for r in rows} == old_codes
    workers = demo_store.read_layer("workers", include_retired=True).set_index("code")["name"]
    heads = before[before["role"] == "grid_head"].groupby("grid_code")["worker_code"].apply(
        lambda codes: sorted(workers[c] for c in codes)
    )
    for r in rows:
        expected = heads.get(r["网格编码"], [])
        assert sorted(filter(None, (r["网格长"] or "").split("、"))) == expected, r["网格编码"]
    held = {r["网格编码"] for r in rows if r["网格长"] or r["其他网格员及角色"]}
    assert held == set(before["grid_code"])
    # today: the new grids
    today_rows = _records(_sheet(_export(demo_store, viewer())))
    assert {r["网格编码"] for r in today_rows} == set(demo_store.read_layer("grids")["code"])
