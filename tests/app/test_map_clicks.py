"""The map page keeps its drawn map between reruns: a click shows the panel, writes and scope hold.

The street map is drawn and rendered once per frames (cached per data version,
day, scope and role) and options (``pages._mapview.show_street_map``); these
tests check what a user sees: the map a click reruns with, the panel, the map
after a write, and a scoped user's map after a wider one was kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from apptest_login import app_as
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n, snapshot
from gridmap.model import UserRole
from gridmap.records import points

ROOT = Path(__file__).resolve().parents[2]
PLANNER = auth.User("planner", UserRole.PLANNER)


def _map_page(username: str) -> AppTest:
    at = app_as(username).switch_page("pages/map.py").run()
    assert not at.exception
    return at


def _street_map(at: AppTest):
    maps = [c for c in at.get("component_instance")
            if c.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1
    return maps[0]


def _sent(at: AppTest) -> dict:
    return json.loads(_street_map(at).proto.json_args)


def _click(at: AppTest, lon: float, lat: float, *, center=None, zoom=None) -> AppTest:
    """What the browser sends when the map is clicked at (lon, lat): the component's new value."""
    key = _street_map(at).proto.id.rsplit("-", 1)[1]
    spot = {"lat": lat, "lng": lon}
    at.session_state[key] = {"last_object_clicked": spot, "last_clicked": spot,
                             "center": center, "zoom": zoom}
    at.run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.subheader, *at.caption)]


def _inside(grid) -> tuple[float, float]:
    p = grid.geometry.representative_point()
    return float(p.x), float(p.y)


def _counts(at: AppTest) -> dict:
    """The grid panel's counts (rows of its figures table): layer label -> count."""
    field, value = i18n.t("panel.field"), i18n.t("panel.value")
    frame = next(t.value for t in at.table if field in t.value.columns)
    layers = {i18n.label(layer, "zh", field="layer") for layer in snapshot.POINT_LAYERS}
    return {k: int(v) for k, v in zip(frame[field], frame[value], strict=True) if k in layers}


def test_a_click_shows_the_grid_panel_and_sends_the_same_map(app_url, app_store):
    grid = snapshot.load_frames(app_store)["grids"].iloc[4]
    at = _map_page("viewer")
    before = _sent(at)
    _click(at, *_inside(grid))
    assert any(grid["code"] in text for text in _texts(at))
    assert _sent(at) == before  # the same map: the browser keeps it and only shows the panel
    other = snapshot.load_frames(app_store)["grids"].iloc[9]
    _click(at, *_inside(other))
    assert any(other["code"] in text for text in _texts(at))
    assert _sent(at) == before


def test_the_shown_map_keeps_the_users_view_and_a_new_map_opens_at_it(app_url, app_store):
    grid = snapshot.load_frames(app_store)["grids"].iloc[4]
    at = _map_page("viewer")
    assert _sent(at)["center"] is None
    view = {"lat": float(grid.geometry.centroid.y), "lng": float(grid.geometry.centroid.x)}
    _click(at, *_inside(grid), center=view, zoom=18)
    # the map the browser shows is not set back to a view it reported (that moved it,
    # the browser reported the move, which reran the page, and so on for ever)
    assert _sent(at)["center"] is None
    at.run()
    assert _sent(at)["center"] is None
    community = sorted(app_store.read_layer("communities")["code"])[0]
    at.multiselect(key="gm_f_comm").select(community).run()  # another map: where the user was
    assert not at.exception
    assert _sent(at)["center"] == [view["lat"], view["lng"]] and _sent(at)["zoom"] == 18
    grids = app_store.read_layer("grids")
    others = grids.loc[grids["community"] != community, "code"]
    assert not [code for code in others if code in _sent(at)["script"]]
    at.multiselect(key="gm_f_comm").unselect(community).run()  # the filter off: all again
    assert all(code in _sent(at)["script"] for code in others)


def test_after_a_write_the_map_and_the_panel_show_it(app_url, app_store):
    grid = snapshot.load_frames(app_store)["grids"].iloc[5]
    at = _map_page("viewer")
    _click(at, *_inside(grid))
    bins = _counts(at)[i18n.label("bins", "zh", field="layer")]
    edge = grid.geometry.buffer(-0.0001).exterior.interpolate(0.5, normalized=True)
    pid = points.add_point(app_store, PLANNER, "bins", lon=edge.x, lat=edge.y,  # not clicked
                           values={"bin_type": "垃圾桶", "capacity_l": "240", "category": "厨余"})
    code = points.point_panel(app_store, pid, user=PLANNER)["values"]["code"]
    assert code not in _sent(at)["script"]
    at.run()  # the next rerun (any widget) reads the new data version
    assert not at.exception
    assert code in _sent(at)["script"]
    assert _counts(at)[i18n.label("bins", "zh", field="layer")] == bins + 1


def test_a_scoped_users_map_never_holds_another_community(app_url, app_store):
    communities = sorted(app_store.read_layer("communities")["code"])
    grids = app_store.read_layer("grids")
    others = list(grids.loc[grids["community"] != communities[0], "code"])
    mine = grids[grids["community"] == communities[0]].iloc[0]
    admin = _map_page("admin")  # the whole street's map is drawn and kept first
    assert all(code in _sent(admin)["script"] for code in others)
    for username in ("scoped_planner", "scoped_admin"):
        at = _map_page(username)
        script = _sent(at)["script"]
        assert not [code for code in others if code in script]
        assert mine["code"] in script
        _click(at, *_inside(mine))
        assert any(mine["code"] in text for text in _texts(at))
        assert not [code for code in others if code in _sent(at)["script"]]


def test_a_basemap_that_falls_back_warns_on_every_rerun(app_url, tmp_path):
    (tmp_path / "gridmap.toml").write_text('[settings]\nbasemap = "tianditu"\n')  # no key
    at = _map_page("viewer")
    warning = [w.value for w in at.warning]
    assert warning
    at.run()  # the kept map: its warning is shown again
    assert [w.value for w in at.warning] == warning


def test_the_language_switch_redraws_the_map(app_url):
    at = _map_page("viewer")
    zh = _sent(at)["script"]
    at.sidebar.selectbox(key="gm_lang").select("en").run()
    assert not at.exception
    en = _sent(at)["script"]
    assert en != zh
    assert i18n.label("bins", "en", field="layer") in en


KEPT_PAGE = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit_folium import st_folium
from gridmap import auth, snapshot
from gridmap.model import UserRole
from pages import _mapview as mapview
from pages import _shared as sh

frames = sh.visible_frames(auth.User("admin", UserRole.ADMIN, None), snapshot.MAP_LAYERS)
mapview.show_street_map(frames, key="kept", height=500, returned_objects=["last_clicked"])
fmap, _ = sh.street_map(frames)
st_folium(fmap, key="plain", height=500, use_container_width=True,
          returned_objects=["last_clicked"])
"""


def test_the_kept_map_is_what_st_folium_sends(app_url):
    at = AppTest.from_string(KEPT_PAGE, default_timeout=120)
    for _ in range(2):  # drawn, then kept
        at.run()
        assert not at.exception
        kept, plain = (json.loads(c.proto.json_args) for c in at.get("component_instance"))
        assert kept.pop("key") != plain.pop("key")  # the component's key hashes st_folium's
        assert kept == plain
