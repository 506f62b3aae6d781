"""Map page: communities, grids by worker, point layers; click a grid or point for its panel.

A store above the ``map_tile_threshold`` setting is drawn from the app's tiles
(:func:`gridmap.maps.tiles.use_tiles`): the page then reads only what it shows
(the scope's extent, a grid found by code, the feature under a click). The map
and its side panel run in a fragment, so a click reruns only them. What the side
panel shows, a click's position and a search hit's view come from
:mod:`gridmap.maps.selection`.
"""

import streamlit as st

from gridmap import maps, snapshot
from gridmap.maps import panels, selection
from pages import _mapview as mapview
from pages import _shared as sh

user = sh.require_login()
conf = sh.settings()
basemap = st.session_state.get("gm_map_basemap", conf["basemap"])
st.subheader(sh.tr("nav.map"))
K_VIEW = "gm_map_view"  # (map, center, zoom) the browser last showed: filter changes keep it


def show_point(attrs: dict, names: dict) -> None:
    """The side panel of a point record or issue."""
    panel = selection.point_panel(attrs, names)
    st.markdown(f"#### {sh.lbl(panel['layer'], 'layer')} · {sh.md(panel['code'])}")
    sh.show_fields(panel["fields"])
    if panel["opens"] and st.button(sh.tr("map.open_point"), key="gm_open_point"):
        st.session_state[sh.K_POINT] = panel["id"]
        st.session_state[sh.K_POINT_LAYER] = panel["layer"]
        st.switch_page("pages/points.py")


def show_panel(choice: selection.PanelChoice, names: dict) -> None:
    """The side panel: a message, a grid's panel or a point's."""
    if choice.kind == "info":
        st.info(sh.tr(choice.value))
    elif choice.kind == "grid":
        panel = sh.run_action(lambda: sh.grid_panel(user, choice.value))
        if panel is not None:
            sh.show_grid_panel(panel)
    else:
        show_point(choice.value, names)


@st.fragment
def tile_map(bounds, center, zoom, found_grid, names) -> None:
    """The city map drawn from tiles and its side panel; a click asks the store what is there."""
    left, right = st.columns([3, 1])
    with left:
        out, shown_basemap = mapview.show_street_map(
            {}, key="gm_map_tiles", height=640, returned_objects=["last_clicked", "zoom"],
            center=center, zoom=zoom, basemap=basemap, n_features=sh.map_size(), bounds=bounds)
    click = selection.clicked_position(out, basemap=shown_basemap)
    selected = sh.map_selection(click, found_grid)
    with right:
        show_panel(selection.tiles_panel(sh.get_store(), selected, user=user,
                                         zoom=(out or {}).get("zoom")), names)


@st.fragment
def layer_map(frames, shown, center, zoom, found_grid, names) -> None:
    """The street's layers drawn in the browser and the side panel; a click reruns only this."""
    left, right = st.columns([3, 1])
    with left:  # no search target: filter changes keep the view (K_VIEW)
        out, shown_basemap = mapview.show_street_map(
            shown, key="gm_map", height=640, center=center, zoom=zoom, basemap=basemap,
            returned_objects=["last_object_clicked", "last_clicked", "center", "zoom"],
            view_key=K_VIEW)
        st.caption(sh.tr("map.counts", grids=len(shown["grids"]),
                         points=selection.count_points(shown)))
    click = selection.clicked_position(out, basemap=shown_basemap,
                                       keys=("last_object_clicked", "last_clicked"))
    selected = sh.map_selection(click, found_grid)
    with right:
        show_panel(selection.frames_panel(frames, shown, selected), names)


if sh.tile_mode():
    communities = sh.visible_communities(user)
    names = panels.community_names(communities)
    st.caption(sh.tr("map.tiles_note", n=f"{sh.map_size():,}"))
    c1, c2 = st.columns(2)
    chosen = sh.one_or_all(c1, sh.tr("map.filter.community"), list(names), key="gm_t_comm",
                           format_func=lambda c: names.get(c, c))
    query = c2.text_input(sh.tr("map.search"), key="gm_t_search",
                          placeholder=sh.tr("map.search_code_hint"))
    bounds = selection.community_bounds(communities, chosen, default=sh.visible_extent(user))
    found = snapshot.find_grid(sh.get_store(), query, user) if query.strip() else None
    if query.strip() and found is None:
        st.info(sh.tr("map.search_none"))
    tile_map(bounds, *selection.search_target(found), names)
else:
    frames = sh.visible_frames(user, snapshot.MAP_LAYERS)
    names = sh.community_names(frames)
    everyone = sh.tr("map.filter.all")
    c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 2])
    chosen_communities = c1.multiselect(sh.tr("map.filter.community"), list(names),
                                        format_func=lambda c: names.get(c, c), key="gm_f_comm",
                                        placeholder=everyone)
    chosen_workers = c2.multiselect(sh.tr("map.filter.worker"), panels.worker_names(frames),
                                    key="gm_f_worker", placeholder=everyone)
    chosen_layers = c3.multiselect(
        sh.tr("map.filter.layers"), list(snapshot.POINT_LAYERS),
        default=list(snapshot.POINT_LAYERS), format_func=lambda v: sh.lbl(v, "layer"),
        key="gm_f_layers", placeholder=everyone)
    chosen_status = c4.multiselect(sh.tr("map.filter.status"), panels.point_statuses(frames),
                                   format_func=lambda v: sh.lbl(v, "status"), key="gm_f_status",
                                   placeholder=everyone)
    query = c5.text_input(sh.tr("map.search"), key="gm_f_search",
                          placeholder=sh.tr("map.search_hint"))
    hits = snapshot.search(frames, query) if query.strip() else []
    found = None
    if hits:
        found = st.selectbox(sh.tr("map.search_results", n=len(hits)), hits,
                             format_func=lambda h: h.label, key="gm_f_hit")
    elif query.strip():
        st.info(sh.tr("map.search_none"))
    shown = mapview.filter_frames(frames, communities=chosen_communities, workers=chosen_workers,
                                  layers=chosen_layers or None, statuses=chosen_status)
    layer_map(frames, shown, *selection.search_target(found), names)

with st.expander(sh.tr("map.basemap")):
    st.selectbox(sh.tr("map.basemap"), list(maps.BASEMAPS),
                 index=selection.basemap_index(basemap), key="gm_map_basemap",
                 format_func=lambda b: sh.tr(f"map.basemap.{b}"))
