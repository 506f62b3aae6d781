"""我的待办 (a grid worker's cases), phone-first: overdue first, 签收, 处置 with photos, 申请退回.

Only the cases gridmap.issues.field.todo returns are shown: dispatched to the grids of
the worker record the user is linked to. Every action is checked again in the library.
"""

import streamlit as st

from gridmap import maps, photos, snapshot
from gridmap.errors import GridmapError
from gridmap.issues import field
from pages import _shared as sh

user = sh.require_login("todo")
store = sh.get_store()
sh.phone_page()
st.subheader(sh.tr("nav.todo"))
try:
    cases = field.todo(store, user)
    grids = field.my_grids(store, user)
except GridmapError as exc:
    st.error(sh.tr("error.generic", message=sh.err_text(exc)))
    st.stop()

if cases.empty:
    st.info(sh.tr("todo.none"))
else:
    st.caption(sh.tr("todo.count", n=len(cases), overdue=int(cases["overdue"].sum())))


def photo_strip(issue_id: int) -> None:
    """The case's photos, small, side by side."""
    shots = field.case_photos(store, user, issue_id)
    if shots:
        st.image([p["jpeg"] for p in shots[:4]], width=80,
                 caption=[sh.lbl(p["kind"], "photo_kind") for p in shots[:4]])


for case in cases.itertuples(index=False):
    left = case.left_h
    when = (sh.tr("todo.overdue", h=-left) if case.overdue else sh.tr("todo.left", h=left)
            ) if left == left else "—"
    colour = "red" if case.overdue else "green"
    with st.container(border=True):
        st.markdown(f"**{sh.md(case.code)}** · {sh.md(case.category)} · "
                    f":{colour}-background[{sh.md(when)}]")
        st.caption(sh.tr("todo.where", grid=case.grid, lon=case.lon, lat=case.lat)
                   + (f" · {sh.md(case.description)}" if isinstance(case.description, str)
                      else ""))
        photo_strip(int(case.id))
        version = int(case.version)
        if case.acknowledged:
            st.caption(sh.tr("todo.acknowledged", user=case.acknowledged))
        elif st.button(sh.tr("todo.acknowledge"), key=f"gm_todo_ack_{case.id}", type="primary",
                       use_container_width=True):
            sh.run_action(
                lambda c=case, v=version: field.acknowledge(store, user, int(c.id), version=v),
                success=sh.tr("todo.acknowledged_ok", code=case.code),
            ) and st.rerun()
        with st.expander(sh.tr("todo.handle")):
            with st.form(f"gm_todo_handle_{case.id}_{version}", clear_on_submit=True):
                before = st.file_uploader(sh.tr("todo.before"), type=list(photos.PHOTO_TYPES),
                                          key=f"gm_todo_before_{case.id}")
                after = st.file_uploader(sh.tr("todo.after"), type=list(photos.PHOTO_TYPES),
                                         key=f"gm_todo_after_{case.id}")
                note = st.text_input(sh.tr("todo.note"), key=f"gm_todo_note_{case.id}")
                if st.form_submit_button(sh.tr("todo.handle_submit"), type="primary",
                                         use_container_width=True):
                    sh.run_action(
                        lambda c=case, v=version, b=before, a=after, n=note: field.handle_case(
                            store, user, int(c.id), version=v, note=n,
                            before=[b.getvalue()] if b else [],
                            after=[a.getvalue()] if a else [],
                        ),
                        success=sh.tr("todo.handled_ok", code=case.code),
                    ) and st.rerun()
            if st.toggle(sh.tr("todo.camera"), key=f"gm_todo_cam_on_{case.id}"):
                shot = st.camera_input(sh.tr("todo.after"), key=f"gm_todo_cam_{case.id}")
                if shot is not None and st.button(
                    sh.tr("todo.handle_submit"), key=f"gm_todo_cam_go_{case.id}",
                    use_container_width=True,
                ):
                    sh.run_action(
                        lambda c=case, v=version, s=shot: field.handle_case(
                            store, user, int(c.id), version=v, after=[s.getvalue()]),
                        success=sh.tr("todo.handled_ok", code=case.code),
                    ) and st.rerun()
        with st.expander(sh.tr("todo.return")), st.form(f"gm_todo_ret_{case.id}_{version}"):
            reason = st.text_input(sh.tr("todo.reason"), key=f"gm_todo_reason_{case.id}")
            if st.form_submit_button(sh.tr("todo.return_submit"), use_container_width=True):
                sh.run_action(
                    lambda c=case, v=version, r=reason: field.request_return(
                        store, user, int(c.id), version=v, reason=r),
                    success=sh.tr("todo.returned_ok", code=case.code),
                ) and st.rerun()

st.markdown(f"**{sh.tr('todo.map')}**")
st.caption(sh.tr("todo.grids", grids="、".join(grids) or "—"))
frames = sh.visible_frames(user, snapshot.MAP_LAYERS)
mine = frames["grids"][frames["grids"]["code"].isin(grids)]
if len(mine):
    from streamlit_folium import st_folium

    shown = {**snapshot.filter_frames(frames, layers=["issues"]),
             "issues": frames["issues"][frames["issues"]["code"].isin(set(cases["code"]))]}
    fmap, basemap = sh.street_map(shown, picking=True)  # no popups or legends on a phone
    outline = maps.shift_for_display(mine) if maps.basemap_needs_gcj(basemap) else mine
    maps.add_polygons(fmap, outline[["code", "geometry"]], layer_name=sh.tr("todo.map"),
                      kind="selected", interactive=False,
                      style={"color": "#d62728", "weight": 4, "fillOpacity": 0.0})
    x0, y0, x1, y1 = outline.total_bounds
    fmap.fit_bounds([[y0, x0], [y1, x1]])
    st_folium(fmap, key="gm_todo_map", height=300, use_container_width=True,
              returned_objects=[])
