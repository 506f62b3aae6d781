"""Map page: communities, grids by worker, point layers; click a grid or point for its panel.

A store above the ``map_tile_threshold`` setting is drawn from the app's tiles
(:func:`gridmap.maps.tiles.use_tiles`): the page then reads only what it shows
(the scope's extent, a grid found by code, the feature under a click). The map
and its side panel run in a fragment, so a click reruns only them.

Longer than 150 lines because it draws the map two ways (from tiles for a large city,
from the frames below the threshold), each a fragment with its own side panel and
filters, and both share the point and grid panels and the basemap choice.
"""

import streamlit as st

from gridmap import maps, snapshot, tiles
from gridmap.maps import panels
from pages import _mapview as mapview
from pages import _shared as sh

user = sh.require_login()
conf = sh.settings()
basemap = st.session_state.get("gm_map_basemap", conf["basemap"])
st.subheader(sh.tr("nav.map"))
K_VIEW = "gm_map_view"  # (map, center, zoom) the browser last showed: filter changes keep it


def show_point(attrs: dict, names: dict) -> None:
    """The side panel of a point record or issue."""
    layer, row_id = attrs["layer"], attrs["id"]
    attrs["community"] = names.get(attrs.get("community"), attrs.get("community"))
    st.markdown(f"#### {sh.lbl(layer, 'layer')} · {sh.md(attrs.get('code', ''))}")
    sh.show_fields(attrs, skip=("layer", "id", "version", "lon", "lat"))
    if layer != "issues" and st.button(sh.tr("map.open_point"), key="gm_open_point"):
        st.session_state[sh.K_POINT] = row_id
        st.session_state[sh.K_POINT_LAYER] = layer
        st.switch_page("pages/points.py")


def show_grid(code: str) -> None:
    panel = sh.run_action(lambda: sh.grid_panel(user, code))
    if panel is not None:
        sh.show_grid_panel(panel)


@st.fragment
def tile_map(bounds, center, zoom, found_grid, names) -> None:
    """The city map drawn from tiles and its side panel; a click asks the store what is there."""
    left, right = st.columns([3, 1])
    with left:
        out, shown_basemap = mapview.show_street_map(
            {}, key="gm_map_tiles", height=640, returned_objects=["last_clicked", "zoom"],
            center=center, zoom=zoom, basemap=basemap, n_features=sh.map_size(), bounds=bounds)
    click = (out or {}).get("last_clicked")
    click_wgs = (maps.display_to_wgs84(click["lng"], click["lat"], basemap=shown_basemap)
                 if click else None)
    selected = sh.map_selection(click_wgs, found_grid)
    with right:
        if selected is None:
            st.info(sh.tr("map.click_hint"))
            return
        if selected[0] == "grid":
            show_grid(selected[1])
            return
        hit = tiles.identify(sh.get_store(), selected[1], selected[2], user=user,
                             zoom=int((out or {}).get("zoom") or 17))
        if hit is None or hit["layer"] == "communities":
            st.info(sh.tr("map.no_grid"))
        elif hit["layer"] == "grids":
            show_grid(hit["code"])
        else:
            attrs = snapshot.point_record(sh.get_store(), hit, user)
            if attrs is None:
                st.info(sh.tr("map.no_grid"))
            else:
                show_point(attrs, names)


@st.fragment
def layer_map(frames, shown, center, zoom, found_grid, names) -> None:
    """The street's layers drawn in the browser and the side panel; a click reruns only this."""
    left, right = st.columns([3, 1])
    with left:  # no search target: filter changes keep the view (K_VIEW)
        out, shown_basemap = mapview.show_street_map(
            shown, key="gm_map", height=640, center=center, zoom=zoom, basemap=basemap,
            returned_objects=["last_object_clicked", "last_clicked", "center", "zoom"],
            view_key=K_VIEW)
        points = sum(len(shown[layer]) for layer in snapshot.POINT_LAYERS)
        st.caption(sh.tr("map.counts", grids=len(shown["grids"]), points=points))
    click = (out or {}).get("last_object_clicked") or (out or {}).get("last_clicked")
    click_wgs = (maps.display_to_wgs84(click["lng"], click["lat"], basemap=shown_basemap)
                 if click else None)
    selected = sh.map_selection(click_wgs, found_grid)
    with right:
        point, code = None, None
        if selected is None:
            st.info(sh.tr("map.click_hint"))
        elif selected[0] == "grid":
            code = selected[1]
        else:
            point = panels.point_at(frames, selected[1], selected[2])
            code = None if point else panels.grid_at(frames, selected[1], selected[2])
            if point is None and code is None:
                st.info(sh.tr("map.no_grid"))
        # the filters hide the selected object: the panel is cleared, not left stale
        if not panels.shows(shown, point=point, grid=code):
            point, code = None, None
            st.info(sh.tr("map.filtered_out"))
        if point is not None:
            show_point(panels.feature_attributes(frames, *point), names)
        elif code is not None:
            show_grid(code)


if sh.tile_mode():
    communities = sh.visible_communities(user)
    names = dict(zip(communities["code"], communities["name"], strict=True))
    st.caption(sh.tr("map.tiles_note", n=f"{sh.map_size():,}"))
    c1, c2 = st.columns(2)
    chosen = sh.one_or_all(c1, sh.tr("map.filter.community"), list(names), key="gm_t_comm",
                           format_func=lambda c: names.get(c, c))
    query = c2.text_input(sh.tr("map.search"), key="gm_t_search",
                          placeholder=sh.tr("map.search_code_hint"))
    bounds = sh.visible_extent(user)
    if chosen is not None:
        bounds = tuple(communities[communities["code"] == chosen].total_bounds)
    center, zoom, found = None, None, None
    if query.strip():
        found = snapshot.find_grid(sh.get_store(), query, user)
        if found is None:
            st.info(sh.tr("map.search_none"))
        else:
            center, zoom = panels.search_view(found.bounds)
    tile_map(bounds, center, zoom, found.grid if found else None, names)
else:
    frames = sh.visible_frames(user, snapshot.MAP_LAYERS)
    names = sh.community_names(frames)
    workers = panels.worker_names(frames)
    statuses = panels.point_statuses(frames)
    c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 2])
    chosen_communities = c1.multiselect(
        sh.tr("map.filter.community"),
        list(names),
        format_func=lambda c: names.get(c, c),
        key="gm_f_comm",
        placeholder=sh.tr("map.filter.all"),
    )
    chosen_workers = c2.multiselect(
        sh.tr("map.filter.worker"), workers, key="gm_f_worker", placeholder=sh.tr("map.filter.all")
    )
    chosen_layers = c3.multiselect(
        sh.tr("map.filter.layers"),
        list(snapshot.POINT_LAYERS),
        default=list(snapshot.POINT_LAYERS),
        format_func=lambda v: sh.lbl(v, "layer"),
        key="gm_f_layers",
        placeholder=sh.tr("map.filter.all"),
    )
    chosen_status = c4.multiselect(
        sh.tr("map.filter.status"),
        statuses,
        format_func=lambda v: sh.lbl(v, "status"),
        key="gm_f_status",
        placeholder=sh.tr("map.filter.all"),
    )
    query = c5.text_input(sh.tr("map.search"), key="gm_f_search",
                          placeholder=sh.tr("map.search_hint"))
    center, zoom, found = None, None, None
    if query.strip():
        hits = snapshot.search(frames, query)
        if hits:
            found = st.selectbox(
                sh.tr("map.search_results", n=len(hits)),
                hits,
                format_func=lambda h: h.label,
                key="gm_f_hit",
            )
            center, zoom = panels.search_view(found.bounds)
        else:
            st.info(sh.tr("map.search_none"))
    shown = mapview.filter_frames(
        frames,
        communities=chosen_communities,
        workers=chosen_workers,
        layers=chosen_layers or None,
        statuses=chosen_status,
    )
    layer_map(frames, shown, center, zoom, found.grid if found else None, names)

with st.expander(sh.tr("map.basemap")):
    options = ["none", "osm", "tianditu", "amap", "custom"]
    st.selectbox(
        sh.tr("map.basemap"),
        options,
        index=options.index(basemap) if basemap in options else 0,
        key="gm_map_basemap",
        format_func=lambda b: sh.tr(f"map.basemap.{b}"),
    )
