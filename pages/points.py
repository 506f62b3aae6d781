"""Point records: list, add (map click or coordinates), edit, move, retire, maintenance log."""

import streamlit as st

from gridmap import auth, snapshot
from gridmap.records import points
from pages import _shared as sh

user = sh.require_login()
store = sh.get_store()

st.subheader(sh.tr("nav.points"))
requested_layer = st.session_state.pop(sh.K_POINT_LAYER, None)
if requested_layer in points.POINT_LAYERS:
    st.session_state["gm_points_layer"] = requested_layer
layer = st.radio(
    sh.tr("points.layer"),
    points.POINT_LAYERS,
    horizontal=True,
    key="gm_points_layer",
    format_func=lambda v: sh.lbl(v, "layer"),
)
columns = points.editable_columns(layer)
records = points.list_points(store, user, layer)
columns_shown = ["code", "name", points.SUBTYPE_COLUMNS[layer], "status", "grid", "last_inspected"]
sh.show_frame(records[columns_shown], height=220)

ids = [int(i) for i in records["id"]]
labels = {
    int(i): f"{c} · {n if isinstance(n, str) else ''}"
    for i, c, n in zip(records["id"], records["code"], records["name"], strict=True)
}
requested = st.session_state.pop(sh.K_POINT, None)
if requested in ids or st.session_state.get("gm_points_pick") not in ids:
    st.session_state["gm_points_pick"] = requested if requested in ids else None
point_id = st.selectbox(
    sh.tr("points.select"),
    ids,
    format_func=labels.get,
    placeholder=sh.tr("points.select_hint"),
    key="gm_points_pick",
)

view = sh.sections(
    {"details": "points.tab.details", "log": "points.tab.maintenance", "add": "points.tab.add"},
    key="gm_points_view",
)

panel = None
if point_id is not None:
    panel = sh.run_action(lambda: points.point_panel(store, point_id, user=user))

if view == "details":
    if panel is None:
        st.info(sh.tr("points.none_selected"))
    else:
        st.caption(
            sh.tr(
                "points.where",
                grid=panel["grid"] or "—",
                lon=panel["lon"],
                lat=panel["lat"],
                crs=panel["source_crs"] or "wgs84",
            )
        )
        if not panel["can_edit"]:
            sh.show_fields(panel["values"])
        else:
            # edits, moves and retiring name the version this user read: a save after
            # somebody else's is refused and told (sh.conflict_notice), never dropped
            row_key = f"gm_point_{point_id}"
            sh.forget_read_versions("gm_point_", keep=row_key)
            read = sh.read_version(row_key, panel["version"], panel["values"])
            sh.conflict_notice(row_key)
            with st.form(f"gm_edit_{point_id}_{read}"):
                entered = sh.values_form(
                    columns,
                    panel["values"],
                    key=f"gm_edit_{point_id}_{read}",
                    exclude_choices={"status": ("retired",)},
                )
                if st.form_submit_button(sh.tr("points.save"), type="primary"):
                    changed = sh.changed_values(row_key, entered)
                    sh.versioned_action(
                        lambda v: points.update_point(store, user, point_id, changed, version=v),
                        key=row_key,
                        version=read,
                        success=sh.tr("points.saved"),
                    ) is not None and st.rerun()
            with st.form(f"gm_move_{point_id}_{read}"):
                st.markdown(f"**{sh.tr('points.move')}**")
                lon, lat, crs = sh.coordinate_inputs(
                    panel["lon"], panel["lat"], key=f"gm_move_{point_id}_{read}"
                )
                if st.form_submit_button(sh.tr("points.move")):
                    sh.versioned_action(
                        lambda v: points.move_point(
                            store, user, point_id, lon=lon, lat=lat, crs=crs, version=v
                        ),
                        key=row_key,
                        version=read,
                        success=sh.tr("points.moved"),
                    ) is not None and st.rerun()
            sure = st.checkbox(sh.tr("points.retire_confirm"), key=f"gm_retire_ok_{point_id}")
            if st.button(
                sh.tr("points.retire"), disabled=not sure, key=f"gm_retire_{point_id}"
            ) and sh.versioned_action(
                lambda v: points.retire_point(store, user, point_id, version=v),
                key=row_key,
                version=read,
                success=sh.tr("points.retired"),
            ) is not None:
                st.rerun()

if view == "log":
    if panel is None:
        st.info(sh.tr("points.none_selected"))
    else:
        if panel["can_record"]:
            sh.maintenance_form(store, user, point_id)
        sh.show_history(store, user, point_id)

if view == "add":
    if not auth.can(user, "edit_points"):
        st.info(sh.tr("auth.no_right", role=sh.lbl(user.role, "user_role")))
    else:
        st.caption(sh.tr("points.add_hint"))
        shown = sh.visible_frames(user, snapshot.MAP_LAYERS)
        frames = snapshot.filter_frames(shown, layers=[layer])
        picked = sh.pick_location(frames, key="gm_pick_map", height=360, reference=())
        lon0, lat0 = picked if picked is not None else (None, None)
        with st.form("gm_add_form"):
            lon, lat, crs = sh.coordinate_inputs(lon0, lat0, key="gm_add")
            entered = sh.values_form(
                columns, {}, key="gm_add", exclude_choices={"status": ("retired",)}
            )
            if st.form_submit_button(sh.tr("points.add"), type="primary"):
                new_id = sh.run_action(
                    lambda: points.add_point(
                        store, user, layer, lon=lon, lat=lat, crs=crs, values=entered
                    ),
                    success=sh.tr("points.added"),
                )
                if new_id:
                    st.session_state[sh.K_POINT] = new_id
                    st.rerun()
