"""gridmap.maps.panels: what a click on the map finds, and the grid's side panel."""

from __future__ import annotations

import pytest

from gridmap import auth, crs, snapshot
from gridmap.errors import NotFound, PermissionDenied
from gridmap.maps import panels
from gridmap.model import UserRole

VIEWER = auth.User("viewer", UserRole.VIEWER)
INSPECTOR = auth.User("inspector", UserRole.INSPECTOR)


@pytest.fixture
def frames(demo_store):
    return snapshot.load_frames(demo_store)


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


def test_grid_panel(demo_store, frames):
    grid = frames["grids"].iloc[3]
    panel = panels.grid_panel(demo_store, grid["code"], user=VIEWER, frames=frames)
    assert panel["code"] == grid["code"]
    assert panel["community_name"] == grid["community_name"]
    assert [w["name"] for w in panel["workers"]] == list(grid["worker_names"])
    assert all("****" in w["phone"] for w in panel["workers"] if w["phone"])
    assert panel["counts"]["boards"] == grid["boards"]
    assert panel["counts"]["issues"] == len(panel["open_issues"]) == grid["open_issues"]
    metric = crs.to_metric(frames["grids"].iloc[[3]])
    assert panel["area_m2"] == pytest.approx(float(metric.area.iloc[0]))
    assert 1_000 < panel["area_m2"] < 2_000_000
    full = panels.grid_panel(demo_store, grid["code"], user=INSPECTOR)
    assert not any("*" in (w["phone"] or "") for w in full["workers"])


def test_grid_panel_checks_scope_and_existence(demo_store, frames):
    grid = frames["grids"].iloc[0]
    other = next(c for c in frames["communities"]["code"] if c != grid["community"])
    outsider = auth.User("o", UserRole.VIEWER, (other,))
    with pytest.raises(PermissionDenied):
        panels.grid_panel(demo_store, grid["code"], user=outsider)
    with pytest.raises(PermissionDenied):
        panels.grid_panel(
            demo_store,
            grid["code"],
            user=outsider,
            frames=snapshot.restrict_frames(frames, outsider),
        )
    with pytest.raises(NotFound):
        panels.grid_panel(demo_store, "000000000000000", user=VIEWER)


def test_the_store_panel_equals_the_frames_panel_for_every_grid(demo_store, frames):
    """Without frames the panel reads only the one grid from the store: same answer."""
    for code in frames["grids"]["code"]:
        from_frames = panels.grid_panel(demo_store, code, user=INSPECTOR, frames=frames)
        from_store = panels.grid_panel(demo_store, code, user=INSPECTOR)
        assert from_store["counts"] == from_frames["counts"], code
        assert [i["code"] for i in from_store["open_issues"]] == [
            i["code"] for i in from_frames["open_issues"]]
        for key in ("code", "name", "community", "community_name", "workers", "households",
                    "residents", "lon", "lat", "bounds"):
            assert from_store[key] == from_frames[key], (code, key)
        assert from_store["area_m2"] == pytest.approx(from_frames["area_m2"])


def test_names_and_statuses_the_filters_offer(frames):
    names = panels.community_names(frames)
    assert list(names) == list(frames["communities"]["code"])
    assert names[frames["communities"]["code"].iloc[0]] == frames["communities"]["name"].iloc[0]
    workers = panels.worker_names(frames)
    assert workers == sorted(set(workers))
    assert set(workers) == {n for names_ in frames["grids"]["worker_names"] for n in names_}
    one_grid = {**frames, "grids": frames["grids"].iloc[[0]]}
    assert panels.worker_names(one_grid) == sorted(set(frames["grids"]["worker_names"].iloc[0]))
    statuses = panels.point_statuses(frames)
    assert statuses == sorted(set(statuses)) and statuses
    assert set(frames["boards"]["status"].dropna()) <= set(statuses)


def test_shows_tells_whether_a_filter_hides_the_selection(frames):
    board = ("boards", int(frames["boards"]["id"].iloc[0]))
    grid = frames["grids"]["code"].iloc[0]
    assert panels.shows(frames, point=board) and panels.shows(frames, grid=grid)
    assert panels.shows(frames)
    no_boards = snapshot.filter_frames(frames, layers=["bins"])
    assert not panels.shows(no_boards, point=board)
    assert not panels.shows(frames, point=("boards", -1))
    assert not panels.shows(frames, grid="no-such-grid")


def test_search_view_centres_the_hit():
    assert panels.search_view((120.0, 30.0, 120.2, 30.4)) == ((30.2, 120.1), 17)


def test_picked_place_names_the_grid_and_its_community(frames):
    grid = frames["grids"].iloc[2]
    inside = grid.geometry.representative_point()
    code, community = panels.picked_place(frames, inside.x, inside.y)
    assert code == grid["code"]
    assert community == panels.community_names(frames)[grid["community"]]
    assert panels.picked_place(frames, 100.0, 20.0) is None
    assert panels.picked_place({**frames, "grids": frames["grids"].iloc[:0]}, 120, 30) is None
