"""Issue cases: filters, map by status, a case's timeline, photos and moves; daily lists.

Longer than 150 lines because the case panel is one fragment (a move or an edit reruns
only it, not the map) holding five versioned actions of the case: confirm its grid,
move it with a note, photos and a worker, link and merge duplicates.
"""

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap import auth, issues, maps, snapshot
from gridmap.maps import panels
from gridmap.model import IssueStatus
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
    [s.value for s in IssueStatus],
    format_func=lambda v: sh.lbl(v, "status"),
    placeholder=sh.tr("map.filter.all"),
    key="gm_iss_status",
)
grid = sh.one_or_all(
    c2, sh.tr("issues.filter.grid"), sorted(frames["grids"]["code"]), key="gm_iss_grid"
)
worker = sh.one_or_all(c3, sh.tr("map.filter.worker"), workers, key="gm_iss_worker")
overdue = c4.checkbox(sh.tr("issues.filter.overdue"), key="gm_iss_overdue")
found = issues.list_issues(
    store, user, status=status, grid=grid, worker=worker, overdue=overdue, config=cfg
)
requested = st.session_state.pop("gm_issue_request", None)  # set by other pages (map click)
if requested is not None:
    st.session_state["gm_iss_pick"] = int(requested)
st.caption(sh.tr("issues.count", n=len(found), overdue=int(found["overdue"].sum())))


@st.fragment
def case_panel(found: pd.DataFrame) -> None:
    """The chosen case and its moves: a move or an edit reruns only this panel, not the map."""
    sh.show_notice()
    ids = [int(i) for i in found["id"]]
    if st.session_state.get("gm_iss_pick") not in ids:
        st.session_state["gm_iss_pick"] = None
    labels = dict(zip(ids, found["code"], strict=True))
    pick = st.selectbox(
        sh.tr("issues.select"),
        ids,
        format_func=labels.get,
        key="gm_iss_pick",
        placeholder=sh.tr("issues.select"),
    )
    detail = None
    if pick is None:
        st.info(sh.tr("issues.none") if not ids else sh.tr("issues.select"))
    else:
        detail = sh.run_action(lambda: issues.issue_detail(store, user, pick, config=cfg))
    if detail is not None:
        # moves and edits name the version this user read: a stale one is told
        row_key = f"gm_iss_{pick}"
        sh.forget_read_versions("gm_iss_", keep=row_key)
        read = sh.read_version(row_key, detail["version"])
        sh.conflict_notice(row_key)

        def act(change, success: str) -> None:
            """Save a versioned change of this case; a saved one reruns the panel."""
            done = sh.versioned_action(change, key=row_key, version=read, success=success)
            done is not None and sh.rerun_fragment()

        if detail["overdue"]:
            st.warning(sh.tr("issues.overdue_badge"))
        if detail["flagged"]:
            st.warning(
                sh.tr(
                    "issues.boundary",
                    distance=detail["boundary_distance_m"] or 0.0,
                    neighbours="、".join(detail["neighbours"]) or "—",
                )
            )
            if auth.can(user, "edit_issues", community=detail["community"]):
                g1, g2 = st.columns([2, 1])
                chosen = g1.selectbox(
                    sh.tr("issues.filter.grid"),
                    [detail["grid"], *detail["neighbours"]],
                    key=f"gm_iss_grid_{pick}",
                )
                if g2.button(sh.tr("issues.confirm_grid"), key=f"gm_iss_confirm_{pick}"):
                    act(
                        lambda v: issues.confirm_grid(store, user, pick, grid=chosen, version=v),
                        sh.tr("issues.grid_confirmed", grid=chosen),
                    )
        if detail["duplicate_of"]:
            st.info(sh.tr("issues.duplicate_of", code=detail["duplicate_of"]))
        if detail["duplicates"]:
            st.caption(sh.tr("issues.merged_here", codes="、".join(detail["duplicates"])))
        if detail["linked"]:
            st.caption(sh.tr("issues.linked", codes="、".join(detail["linked"])))
        sh.show_fields(detail["values"])
        st.markdown(f"**{sh.tr('issues.timeline')}**")
        sh.show_frame(issues.timeline_frame(detail))
        for photo in detail["photos"]:
            st.image(
                issues.issue_photo(store, user, photo["id"]),
                width=260,
                caption=sh.tr(f"issues.photo_kind.{photo['kind']}"),
            )
        if not detail["moves"]:
            st.caption(sh.tr("issues.no_moves"))
        else:
            with st.form(f"gm_iss_move_{pick}_{read}", clear_on_submit=True):
                st.markdown(f"**{sh.tr('issues.move')}**")
                move = st.selectbox(
                    sh.tr("issues.move_to"),
                    detail["moves"],
                    format_func=lambda m: sh.tr(f"issues.action.{m.action}"),
                )
                note = st.text_area(sh.tr("issues.note"))
                to_worker = st.selectbox(
                    sh.tr("issues.worker"),
                    [None, *detail["dispatch_to"]],
                    format_func=lambda c: (
                        sh.tr("issues.worker_all") if c is None else detail["dispatch_to"][c]
                    ),
                )
                files = st.file_uploader(
                    sh.tr("issues.move_photos"),
                    accept_multiple_files=True,
                    type=["jpg", "jpeg", "png", "webp"],
                )
                st.caption(sh.tr("issues.handle_note"))
                if st.form_submit_button(sh.tr("issues.move"), type="primary"):
                    photos = [f.getvalue() for f in files or []]
                    act(
                        lambda v: issues.move_issue(
                            store,
                            user,
                            pick,
                            move.target,
                            version=v,
                            note=note,
                            photos=photos,
                            worker=to_worker if move.target.value == "dispatched" else None,
                            config=cfg,
                        ),
                        sh.tr("issues.moved", status=sh.lbl(move.target.value, "status")),
                    )
        if auth.can(user, "edit_issues", community=detail["community"]):
            other = st.text_input(sh.tr("issues.other"), key=f"gm_iss_other_{pick}")
            b1, b2 = st.columns(2)
            if b1.button(sh.tr("report.link"), key=f"gm_iss_link_{pick}", disabled=not other):
                act(
                    lambda v: issues.link_duplicate(
                        store, user, pick, other=other.strip(), version=v
                    ),
                    sh.tr("report.linked"),
                )
            if b2.button(sh.tr("report.merge"), key=f"gm_iss_merge_{pick}", disabled=not other):
                act(
                    lambda v: issues.merge_duplicate(
                        store, user, pick, into=other.strip(), version=v
                    ),
                    sh.tr("report.merged"),
                )


view = sh.sections({"list": "issues.tab.list", "daily": "issues.tab.daily"}, key="gm_iss_view")
if view == "list":
    left, right = st.columns([3, 2])
    with left:
        fmap, basemap = sh.street_map(snapshot.filter_frames(frames, layers=["-"]))
        maps.add_issue_layer(fmap, found, lang=sh.lang(), basemap=basemap)
        out = st_folium(
            fmap,
            key="gm_iss_map",
            height=460,
            use_container_width=True,
            returned_objects=["last_object_clicked"],
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
