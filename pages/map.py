"""Map page: communities, grids by worker, point layers; click a grid or point for its panel."""

import streamlit as st
from streamlit_folium import st_folium

from gridmap import maps, snapshot
from gridmap.maps import panels
from pages import _shared as sh

user = sh.require_login()
frames = sh.visible_frames(user)
conf = sh.settings()
basemap = st.session_state.get("gm_map_basemap", conf["basemap"])

st.subheader(sh.tr("nav.map"))
names = sh.community_names(frames)
workers = sorted({n for names_ in frames["grids"]["worker_names"] for n in names_})
statuses = sorted({s for layer in snapshot.POINT_LAYERS for s in frames[layer]["status"].dropna()})
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
query = c5.text_input(sh.tr("map.search"), key="gm_f_search", placeholder=sh.tr("map.search_hint"))

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
        minx, miny, maxx, maxy = found.bounds
        center, zoom = ((miny + maxy) / 2, (minx + maxx) / 2), 17
    else:
        st.info(sh.tr("map.search_none"))

shown = snapshot.filter_frames(
    frames,
    communities=chosen_communities,
    workers=chosen_workers,
    layers=chosen_layers or None,
    statuses=chosen_status,
)
fmap, basemap = sh.street_map(shown, basemap=basemap)

left, right = st.columns([3, 1])
with left:
    out = st_folium(
        fmap,
        key="gm_map",
        height=640,
        use_container_width=True,
        returned_objects=["last_object_clicked", "last_clicked"],
        center=center,
        zoom=zoom,
    )
    st.caption(
        sh.tr(
            "map.counts",
            grids=len(shown["grids"]),
            points=sum(len(shown[layer]) for layer in snapshot.POINT_LAYERS),
        )
    )

click = (out or {}).get("last_object_clicked") or (out or {}).get("last_clicked")
click_wgs = maps.display_to_wgs84(click["lng"], click["lat"], basemap=basemap) if click else None
selected = sh.map_selection(click_wgs, found.grid if found else None)
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
    if point is not None:
        layer, row_id = point
        attrs = panels.feature_attributes(frames, layer, row_id)
        attrs["community"] = names.get(attrs.get("community"), attrs.get("community"))
        st.markdown(f"#### {sh.lbl(layer, 'layer')} · {sh.md(attrs.get('code', ''))}")
        sh.show_fields(attrs, skip=("layer", "id", "version", "lon", "lat"))
        if layer != "issues" and st.button(sh.tr("map.open_point"), key="gm_open_point"):
            st.session_state[sh.K_POINT] = row_id
            st.session_state[sh.K_POINT_LAYER] = layer
            st.switch_page("pages/points.py")
    elif code is not None:
        panel = sh.run_action(lambda: sh.grid_panel(user, code))
        if panel is not None:
            sh.show_grid_panel(panel)

with st.expander(sh.tr("map.basemap")):
    options = ["none", "osm", "tianditu", "amap", "custom"]
    st.selectbox(
        sh.tr("map.basemap"),
        options,
        index=options.index(basemap) if basemap in options else 0,
        key="gm_map_basemap",
        format_func=lambda b: sh.tr(f"map.basemap.{b}"),
    )
