"""gridmap.views and gridmap.panels: scoped frames, filters, search, clicks, the grid panel."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from gridmap import auth, crs, maps, snapshot
from gridmap.errors import NotFound, PermissionDenied
from gridmap.maps import panels
from gridmap.model import UserRole

VIEWER = auth.User("viewer", UserRole.VIEWER)
INSPECTOR = auth.User("inspector", UserRole.INSPECTOR)


@pytest.fixture
def frames(app_store):
    return snapshot.load_frames(app_store)


@given(st.text(alphabet="0123456789+- ", min_size=0, max_size=16))
def test_mask_phone_keeps_only_ends(phone):
    masked = snapshot.mask_phone(phone)
    text = phone.strip()
    if not text:
        assert masked is None
        return
    assert len(masked) == len(text)
    if len(text) > 7:
        assert masked[:3] == text[:3] and masked[-4:] == text[-4:]
        assert set(masked[3:-4]) <= {"*"}
    else:
        assert set(masked) == {"*"}


def test_frames_are_annotated(frames):
    grids = frames["grids"]
    for column in (
        "worker",
        "worker_names",
        "worker_roles",
        "phone",
        "community_name",
        "boards",
        "fitness",
        "bins",
        "open_issues",
    ):
        assert column in grids.columns
    # counts agree with the located points
    for layer in ("boards", "fitness", "bins"):
        assert grids[layer].sum() == frames[layer]["grid"].notna().sum()
    order = ["grid_head", "full_time", "part_time", "volunteer"]
    for roles in grids["worker_roles"]:  # grid head first, then by role
        assert [order.index(r) for r in roles] == sorted(order.index(r) for r in roles)


def test_restrict_masks_phones_for_viewers_only(frames):
    seen = snapshot.restrict_frames(frames, VIEWER)["grids"]["phone"].dropna()
    assert len(seen) and all("****" in p for p in seen)
    full = snapshot.restrict_frames(frames, INSPECTOR)["grids"]["phone"].dropna()
    assert not any("*" in p for p in full)


def test_restrict_to_scope(frames):
    community = sorted(frames["communities"]["code"])[2]
    user = auth.User("s", UserRole.VIEWER, (community,))
    scoped = snapshot.restrict_frames(frames, user)
    assert set(scoped["communities"]["code"]) == {community}
    assert set(scoped["grids"]["community"]) == {community}
    for layer in snapshot.POINT_LAYERS:
        assert set(scoped[layer]["community"]) <= {community}
        assert len(scoped[layer]) < len(frames[layer])
    area = scoped["communities"].geometry.iloc[0]
    roads = scoped["roads"].geometry.to_numpy()
    assert len(roads) and shapely.intersects(roads, area).all()


def test_filters(frames):
    code = sorted(frames["communities"]["code"])[1]
    only = snapshot.filter_frames(frames, communities=[code], layers=["bins"], statuses=["active"])
    assert set(only["grids"]["community"]) == {code}
    assert len(only["boards"]) == 0 and len(only["issues"]) == 0
    assert len(only["bins"]) and set(only["bins"]["status"]) == {"active"}
    worker = frames["grids"]["worker"].dropna().iloc[0]
    by_worker = snapshot.filter_frames(frames, workers=[worker])["grids"]
    assert len(by_worker) and all(worker in names for names in by_worker["worker_names"])
    assert snapshot.filter_frames(frames) == dict(frames)


def test_search_by_code_and_worker(frames):
    code = frames["grids"]["code"].iloc[4]
    hits = snapshot.search(frames, code)
    assert hits[0].grid == code
    worker = frames["grids"]["worker"].iloc[4]
    assert code in {h.grid for h in snapshot.search(frames, worker)}
    assert snapshot.search(frames, "no such thing") == []
    assert snapshot.search(frames, "   ") == []


def test_grid_at_and_point_at(frames):
    grid = frames["grids"].iloc[6]
    inside = grid.geometry.representative_point()
    assert panels.grid_at(frames, inside.x, inside.y) == grid["code"]
    assert panels.grid_at(frames, 100.0, 20.0) is None
    board = frames["boards"].iloc[3]
    # a marker click reports the marker position, rounded to 6 decimals on the map
    hit = panels.point_at(frames, round(board.geometry.x, 6), round(board.geometry.y, 6))
    assert hit is not None
    layer, row_id = hit
    found = frames[layer][frames[layer]["id"] == row_id].geometry.iloc[0]
    assert crs.distance_m(found.x, found.y, board.geometry.x, board.geometry.y) < 0.5
    # 50 m away from every point: nothing
    assert panels.point_at(frames, 100.0, 20.0) is None


def test_grid_panel(app_store, frames):
    grid = frames["grids"].iloc[3]
    panel = panels.grid_panel(app_store, grid["code"], user=VIEWER, frames=frames)
    assert panel["code"] == grid["code"]
    assert panel["community_name"] == grid["community_name"]
    assert [w["name"] for w in panel["workers"]] == list(grid["worker_names"])
    assert all("****" in w["phone"] for w in panel["workers"] if w["phone"])
    assert panel["counts"]["boards"] == grid["boards"]
    assert panel["counts"]["issues"] == len(panel["open_issues"]) == grid["open_issues"]
    metric = crs.to_metric(frames["grids"].iloc[[3]])
    assert panel["area_m2"] == pytest.approx(float(metric.area.iloc[0]))
    assert 1_000 < panel["area_m2"] < 2_000_000
    full = panels.grid_panel(app_store, grid["code"], user=INSPECTOR)
    assert not any("*" in (w["phone"] or "") for w in full["workers"])


def test_grid_panel_checks_scope_and_existence(app_store, frames):
    grid = frames["grids"].iloc[0]
    other = next(c for c in frames["communities"]["code"] if c != grid["community"])
    outsider = auth.User("o", UserRole.VIEWER, (other,))
    with pytest.raises(PermissionDenied):
        panels.grid_panel(app_store, grid["code"], user=outsider)
    with pytest.raises(PermissionDenied):
        panels.grid_panel(
            app_store,
            grid["code"],
            user=outsider,
            frames=snapshot.restrict_frames(frames, outsider),
        )
    with pytest.raises(NotFound):
        panels.grid_panel(app_store, "000000000000000", user=VIEWER)


def test_display_to_wgs84_undoes_the_amap_shift():
    lon, lat = 120.19, 30.24
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    back = maps.display_to_wgs84(glon, glat, basemap="amap")
    assert crs.distance_m(*back, lon, lat) < 0.01
    assert maps.display_to_wgs84(lon, lat, basemap="none") == (lon, lat)


def test_street_map_layers_and_amap_shift(frames):
    m = maps.street_map(snapshot.restrict_frames(frames, VIEWER), lang="en")
    html = m.get_root().render()
    assert "https://" not in html and "http://" not in html  # offline: no CDN, no tiles
    names = {child.layer_name for child in m._children.values() if hasattr(child, "layer_name")}
    assert {"Grids", "Communities", "Boards", "Issue reports", "Roads"} <= names
    shifted = maps.street_map(frames, basemap="amap")
    x = np.array([b[0] for b in shifted.get_bounds() if b[0] is not None])
    assert x.size  # the map has content, drawn at GCJ-02 positions
