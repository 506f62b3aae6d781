"""Issue cases: filters, map by status, a case's timeline, photos and moves; daily lists.

Option lists, a case's notices and the actions a user may take: :mod:`gridmap.issues.panel`.
"""

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap import issues, maps, photos, snapshot
from gridmap.maps import panels
from pages import _shared as sh

user = sh.require_login()
store = sh.get_store()
st.subheader(sh.tr("nav.issues"))
cfg = sh.issue_config()
frames = sh.visible_frames(user, snapshot.MAP_LAYERS)
workers = panels.worker_names(frames)

c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
status = c1.multiselect(
    sh.tr("map.filter.status"),
    issues.status_options(),
    format_func=lambda v: sh.lbl(v, "status"),
    placeholder=sh.tr("map.filter.all"),
    key="gm_iss_status",
)
grid = sh.one_or_all(c2, sh.tr("issues.filter.grid"), issues.grid_codes(frames), key="gm_iss_grid")
worker = sh.one_or_all(c3, sh.tr("map.filter.worker"), workers, key="gm_iss_worker")
overdue = c4.checkbox(sh.tr("issues.filter.overdue"), key="gm_iss_overdue")
found = issues.list_issues(
    store, user, status=status, grid=grid, worker=worker, overdue=overdue, config=cfg
)
if (requested := st.session_state.pop("gm_issue_request", None)) is not None:  # set by other pages
    st.session_state["gm_iss_pick"] = int(requested)
st.caption(sh.tr("issues.count", **issues.list_counts(found)))


@st.fragment
def case_panel(found: pd.DataFrame) -> None:
    """The chosen case and its moves: a move or an edit reruns only this panel, not the map."""
    sh.show_notice()
    labels = issues.case_labels(found)
    if st.session_state.get("gm_iss_pick") not in labels:
        st.session_state["gm_iss_pick"] = None
    prompt = sh.tr("issues.select")
    pick = st.selectbox(
        prompt, list(labels), format_func=labels.get, key="gm_iss_pick", placeholder=prompt
    )
    if pick is None:
        st.info(sh.tr("issues.none") if not labels else prompt)
        return
    detail = sh.run_action(lambda: issues.issue_detail(store, user, pick, config=cfg))
    if detail is None:
        return
    # moves and edits name the version this user read: a stale one is told
    row_key = f"gm_iss_{pick}"
    sh.forget_read_versions("gm_iss_", keep=row_key)
    read = sh.read_version(row_key, detail["version"])
    sh.conflict_notice(row_key)

    def act(success: str, write, *args, **options) -> None:
        """Save ``write(store, user, pick, *args, version=read, **options)``; rerun if saved."""

        def change(version: int) -> object:
            return write(store, user, pick, *args, version=version, **options)

        done = sh.versioned_action(change, key=row_key, version=read, success=success)
        done is not None and sh.rerun_fragment()

    case = issues.case_view(user, detail)
    for notice in case.alerts:
        getattr(st, notice.level)(sh.tr(notice.key, **notice.params))
    if case.grids:
        g1, g2 = st.columns([2, 1])
        chosen = g1.selectbox(sh.tr("issues.filter.grid"), case.grids, key=f"gm_iss_grid_{pick}")
        if g2.button(sh.tr("issues.confirm_grid"), key=f"gm_iss_confirm_{pick}"):
            act(sh.tr("issues.grid_confirmed", grid=chosen), issues.confirm_grid, grid=chosen)
    for notice in case.references:
        getattr(st, notice.level)(sh.tr(notice.key, **notice.params))
    sh.show_fields(detail["values"])
    st.markdown(f"**{sh.tr('issues.timeline')}**")
    sh.show_frame(issues.timeline_frame(detail))
    for photo, kind in case.photos:
        st.image(issues.issue_photo(store, user, photo), width=260, caption=sh.tr(kind))
    if not detail["moves"]:
        st.caption(sh.tr("issues.no_moves"))
    else:
        with st.form(f"gm_iss_move_{pick}_{read}", clear_on_submit=True):
            st.markdown(f"**{sh.tr('issues.move')}**")
            move = st.selectbox(
                sh.tr("issues.move_to"), detail["moves"], format_func=lambda m: sh.tr(case.moves[m])
            )
            note = st.text_area(sh.tr("issues.note"))
            names = issues.worker_choices(detail, everyone=sh.tr("issues.worker_all"))
            to_worker = st.selectbox(sh.tr("issues.worker"), list(names), format_func=names.get)
            files = st.file_uploader(
                sh.tr("issues.move_photos"),
                accept_multiple_files=True,
                type=list(photos.PHOTO_TYPES),
            )
            st.caption(sh.tr("issues.handle_note"))
            if st.form_submit_button(sh.tr("issues.move"), type="primary"):
                shots = [f.getvalue() for f in files or []]
                change = issues.move_request(move, note=note, worker=to_worker, photos=shots)
                status = sh.lbl(move.target.value, "status")
                act(sh.tr("issues.moved", status=status), issues.move_issue, config=cfg, **change)
    if case.may_link:
        other = st.text_input(sh.tr("issues.other"), key=f"gm_iss_other_{pick}")
        for col, dup in zip(st.columns(2), issues.DUPLICATE_ACTIONS, strict=True):
            if col.button(sh.tr(dup.label), key=f"gm_iss_{dup.name}_{pick}", disabled=not other):
                act(sh.tr(dup.done), issues.mark_duplicate, other, how=dup.name)


view = sh.sections({"list": "issues.tab.list", "daily": "issues.tab.daily"}, key="gm_iss_view")
if view == "list":
    left, right = st.columns([3, 2])
    with left:
        fmap, basemap = sh.street_map(snapshot.filter_frames(frames, layers=["-"]))
        maps.add_issue_layer(fmap, found, lang=sh.lang(), basemap=basemap)
        clicked = ["last_object_clicked"]
        out = st_folium(
            fmap, key="gm_iss_map", height=460, use_container_width=True, returned_objects=clicked
        )
        click = (out or {}).get("last_object_clicked")
        if click and click != st.session_state.get("gm_iss_click"):
            st.session_state["gm_iss_click"] = click
            lon, lat = maps.display_to_wgs84(click["lng"], click["lat"], basemap=basemap)
            hit = panels.point_at({"issues": found}, lon, lat)
            if hit:
                st.session_state["gm_iss_pick"] = hit[1]
        sh.show_frame(found[list(issues.LIST_COLUMNS)], height=260)
    with right:
        case_panel(found)

if view == "daily":
    d1, d2 = st.columns(2)
    who = d1.selectbox(sh.tr("map.filter.worker"), workers, key="gm_iss_daily_worker")
    day = d2.date_input(sh.tr("issues.daily_day"), value=dt.date.today(), key="gm_iss_daily_day")
    if who:
        daily = sh.run_action(
            lambda: issues.daily_list(store, worker=who, day=day, user=user, config=cfg)
        )
        if daily is not None and daily.empty:
            st.info(sh.tr("issues.daily_none"))
        elif daily is not None:
            sh.show_frame(daily)
