"""gridmap.maps.selection: the map page's click, side panel, search view and filter reads."""

from __future__ import annotations

import pytest

from gridmap import auth, crs, snapshot, tiles
from gridmap.maps import BASEMAPS, panels, selection
from gridmap.maps.selection import PanelChoice
from gridmap.model import UserRole

VIEWER = auth.User("viewer", UserRole.VIEWER)

HINT = PanelChoice("info", "map.click_hint")
NOTHING = PanelChoice("info", "map.no_grid")
FILTERED = PanelChoice("info", "map.filtered_out")


@pytest.fixture
def frames(demo_store):
    return snapshot.load_frames(demo_store)


def _inside(grid) -> tuple[float, float]:
    p = grid.geometry.representative_point()
    return float(p.x), float(p.y)


def _without(frames, layer, mask):
    """A copy of ``frames`` whose ``layer`` drops the rows of ``mask`` (a filter's result)."""
    return {**frames, layer: frames[layer][~mask]}


# --- the clicked position ----------------------------------------------------------------


def test_clicked_position_reads_the_first_key_holding_a_click():
    marker, pixel = {"lng": 120.1, "lat": 30.2}, {"lng": 120.3, "lat": 30.4}
    answer = {"last_object_clicked": marker, "last_clicked": pixel}
    assert selection.clicked_position(answer, basemap="none") == (120.3, 30.4)
    keys = ("last_object_clicked", "last_clicked")
    assert selection.clicked_position(answer, basemap="osm", keys=keys) == (120.1, 30.2)
    # no marker under the click: the pixel
    answer = {"last_object_clicked": None, "last_clicked": pixel}
    assert selection.clicked_position(answer, basemap="none", keys=keys) == (120.3, 30.4)


@pytest.mark.parametrize("answer", [None, {}, {"last_clicked": None}, {"zoom": 15}])
def test_clicked_position_without_a_click_is_none(answer):
    assert selection.clicked_position(answer, basemap="none") is None


def test_clicked_position_on_amap_is_turned_back_into_wgs84():
    lon, lat = 120.19, 30.24
    shown = crs.wgs84_to_gcj02(lon, lat)
    click = {"last_clicked": {"lng": shown[0], "lat": shown[1]}}
    back = selection.clicked_position(click, basemap="amap")
    assert crs.distance_m(*back, lon, lat) < 1.0
    assert crs.distance_m(*shown, lon, lat) > 100  # the shift is real: it was undone


# --- the side panel of a map drawn from frames --------------------------------------------


def test_frames_panel_hint_grid_point_and_nothing(frames):
    assert selection.frames_panel(frames, frames, None) == HINT
    grid = frames["grids"].iloc[4]
    assert selection.frames_panel(frames, frames, ("grid", grid["code"])) == (
        "grid", grid["code"])
    assert selection.frames_panel(frames, frames, ("click", *_inside(grid))) == (
        "grid", grid["code"])
    board = frames["boards"].iloc[2]
    kind, attrs = selection.frames_panel(
        frames, frames, ("click", float(board.geometry.x), float(board.geometry.y)))
    assert kind == "point"
    assert (attrs["layer"], attrs["id"]) == ("boards", int(board["id"]))
    assert attrs["code"] == board["code"]
    assert selection.frames_panel(frames, frames, ("click", 100.0, 20.0)) == NOTHING


def test_frames_panel_clears_what_the_filters_hide(frames):
    grid = frames["grids"].iloc[4]
    grids = frames["grids"]
    shown = _without(frames, "grids", grids["code"] == grid["code"])
    assert selection.frames_panel(frames, shown, ("grid", grid["code"])) == FILTERED
    assert selection.frames_panel(frames, shown, ("click", *_inside(grid))) == FILTERED
    board = frames["boards"].iloc[2]
    click = ("click", float(board.geometry.x), float(board.geometry.y))
    shown = _without(frames, "boards", frames["boards"]["id"] == board["id"])
    assert selection.frames_panel(frames, shown, click) == FILTERED
    # another grid hidden: the clicked one still shows
    other = grids["code"] == grids["code"].iloc[0]
    assert selection.frames_panel(frames, _without(frames, "grids", other),
                                  ("grid", grid["code"])) == ("grid", grid["code"])


# --- the side panel of a map drawn from tiles ---------------------------------------------


def test_tiles_panel_asks_the_store(demo_store, frames):
    assert selection.tiles_panel(demo_store, None, user=VIEWER) == HINT
    assert selection.tiles_panel(demo_store, ("grid", "ANY"), user=VIEWER) == ("grid", "ANY")
    grid = frames["grids"].iloc[4]
    below_points = tiles.POINT_MIN_ZOOM - 1  # no point is found under the click
    assert selection.tiles_panel(demo_store, ("click", *_inside(grid)), user=VIEWER,
                                 zoom=below_points) == ("grid", grid["code"])
    board = frames["boards"].iloc[2]
    click = ("click", float(board.geometry.x), float(board.geometry.y))
    # no zoom reported: CLICK_ZOOM, where points are drawn and found
    kind, attrs = selection.tiles_panel(demo_store, click, user=VIEWER)
    assert kind == "point" and (attrs["layer"], attrs["id"]) == ("boards", int(board["id"]))
    assert attrs["code"] == board["code"]
    # zoomed out below the points: the grid under them
    assert selection.tiles_panel(demo_store, click, user=VIEWER, zoom=below_points) == (
        "grid", board["grid"])
    assert selection.tiles_panel(demo_store, ("click", 100.0, 20.0), user=VIEWER) == NOTHING


def test_tiles_panel_outside_a_scope_finds_nothing(demo_store, frames):
    grid = frames["grids"].iloc[4]
    other = next(c for c in frames["communities"]["code"] if c != grid["community"])
    outsider = auth.User("o", UserRole.VIEWER, (other,))
    assert selection.tiles_panel(demo_store, ("click", *_inside(grid)), user=outsider,
                                 zoom=tiles.POINT_MIN_ZOOM - 1) == NOTHING


def test_tiles_panel_community_or_a_gone_point_is_nothing(demo_store, frames, monkeypatch):
    board = frames["boards"].iloc[2]
    x, y = float(board.geometry.x), float(board.geometry.y)
    monkeypatch.setattr(tiles, "identify", lambda *a, **k: {"layer": "communities", "id": 1,
                                                            "code": "C"})
    assert selection.tiles_panel(demo_store, ("click", x, y), user=VIEWER) == NOTHING
    gone = {"layer": "boards", "id": 10**9, "code": "P", "lon": x, "lat": y,
            "grid": board["grid"], "community": board["community"]}
    monkeypatch.setattr(tiles, "identify", lambda *a, **k: gone)
    assert selection.tiles_panel(demo_store, ("click", x, y), user=VIEWER) == NOTHING


# --- a point's panel ----------------------------------------------------------------------


def test_point_panel_names_the_community_and_skips_internal_fields():
    attrs = {"layer": "bins", "id": 7, "lon": 120.0, "lat": 30.0, "code": "B7",
             "status": "active", "version": 3, "community": "C1", "grid": "G1"}
    panel = selection.point_panel(attrs, {"C1": "西湖社区"})
    assert panel == {
        "layer": "bins", "id": 7, "code": "B7", "opens": True,
        "fields": {"code": "B7", "status": "active", "community": "西湖社区", "grid": "G1"},
    }
    assert attrs["community"] == "C1"  # the caller's attributes are left as they were
    assert list(panel["fields"]) == ["code", "status", "community", "grid"]  # their order


def test_point_panel_of_an_issue_or_an_unknown_community():
    panel = selection.point_panel({"layer": "issues", "id": 1, "community": "X"}, {})
    assert panel["opens"] is False and panel["code"] == ""
    assert panel["fields"] == {"community": "X"}
    panel = selection.point_panel({"layer": "boards", "id": 2}, {"C1": "n"})
    assert panel["opens"] is True and panel["fields"] == {"community": None}


# --- search, filters, caption, basemap ----------------------------------------------------


def test_search_target(frames):
    assert selection.search_target(None) == (None, None, None)
    hit = snapshot.search(frames, frames["grids"]["code"].iloc[3])[0]
    center, zoom, code = selection.search_target(hit)
    minx, miny, maxx, maxy = hit.bounds
    assert center == pytest.approx(((miny + maxy) / 2, (minx + maxx) / 2))
    assert zoom == panels.SEARCH_ZOOM and code == hit.grid == frames["grids"]["code"].iloc[3]


def test_community_bounds(frames):
    communities = frames["communities"]
    everything = (0.0, 1.0, 2.0, 3.0)
    assert selection.community_bounds(communities, None, default=everything) is everything
    code = communities["code"].iloc[1]
    bounds = selection.community_bounds(communities, code, default=everything)
    one = communities[communities["code"] == code].geometry.iloc[0]
    assert bounds == pytest.approx(one.bounds)
    assert bounds != pytest.approx(tuple(communities.total_bounds))


def test_count_points(frames):
    expected = sum(len(frames[layer]) for layer in ("boards", "fitness", "bins", "issues"))
    assert expected > 0
    assert selection.count_points(frames) == expected
    fewer = _without(frames, "bins", frames["bins"]["id"] == frames["bins"]["id"].iloc[0])
    assert selection.count_points(fewer) == expected - 1


def test_basemap_index():
    assert [selection.basemap_index(b) for b in BASEMAPS] == list(range(len(BASEMAPS)))
    assert BASEMAPS[0] == "none"
    assert selection.basemap_index("bing") == 0
    assert selection.basemap_index(None) == 0


def test_community_names_of_frames_or_of_the_communities_frame(frames):
    names = panels.community_names(frames)
    assert names == panels.community_names(frames["communities"])
    assert list(names) == list(frames["communities"]["code"])


def test_community_names_in_a_users_scope(frames):
    first, *others = list(frames["communities"]["code"])
    scoped = auth.User("p", UserRole.PLANNER, (first,))
    assert list(panels.community_names(frames, user=scoped)) == [first]
    everyone = auth.User("a", UserRole.ADMIN)
    assert panels.community_names(frames, user=everyone) == panels.community_names(frames)
    assert others  # the demo street has more than one community


def test_names_by_code_of_the_workers(frames):
    workers = frames["workers"]
    names = panels.names_by_code(frames)
    assert len(names) == len(workers) > 0
    code, name = workers.iloc[0][["code", "name"]]
    assert names[code] == name
