"""Report an issue (随手拍), phone-friendly: category, description, photos, location, reporter."""

import streamlit as st
from streamlit_folium import st_folium

from gridmap import i18n, issues, maps, photos, snapshot
from gridmap.errors import GridmapError
from pages import _shared as sh

user = sh.require_login("edit_issues")
store = sh.get_store()
st.subheader(sh.tr("nav.report"))
try:
    cfg = issues.load_issue_config()
except GridmapError as exc:
    st.error(sh.tr("error.generic", message=sh.err_text(exc)))
    st.stop()
lang = sh.lang()

category = st.selectbox(
    sh.tr("field.category"),
    list(cfg.categories),
    format_func=lambda c: cfg.categories[c].label(lang),
    key="gm_rep_cat",
)
cat = cfg.categories[category]
subcategory = st.selectbox(
    sh.tr("field.subcategory"),
    [None, *cat.subcategories],
    format_func=lambda s: "—" if s is None else cat.subcategory_label(s, lang),
    key="gm_rep_sub",
    placeholder=sh.tr("widget.choose"),
)
uploads = st.file_uploader(
    sh.tr("report.photos"),
    type=["jpg", "jpeg", "png", "webp"],
    accept_multiple_files=True,
    key="gm_rep_photos",
)
photo_data = [u.getvalue() for u in uploads or []]
source = st.radio(
    sh.tr("report.location"),
    ["map", "typed", "photo"],
    format_func=lambda s: sh.tr(f"report.loc.{s}"),
    horizontal=True,
    key="gm_rep_source",
)

lon = lat = None
crs = "wgs84"
if source == "map":
    frames = snapshot.filter_frames(sh.visible_frames(user), layers=["issues"])
    fmap, basemap = sh.street_map(frames)
    picked = st_folium(
        fmap,
        key="gm_rep_map",
        height=360,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    click = (picked or {}).get("last_clicked")
    if click:
        lon, lat = maps.display_to_wgs84(click["lng"], click["lat"], basemap=basemap)
        st.caption(sh.tr("report.picked", lon=lon, lat=lat))
    else:
        st.caption(sh.tr("report.map_hint"))
elif source == "typed":
    lon, lat, crs = sh.coordinate_inputs(None, None, key="gm_rep")
else:
    found = None
    for data in photo_data:
        try:
            found = photos.photo_location(data)
        except GridmapError as exc:
            st.error(sh.tr("error.generic", message=sh.err_text(exc)))
        if found:
            break
    if found:
        st.caption(sh.tr("report.photo_gps", lon=found[0], lat=found[1]))
    else:
        st.info(sh.tr("report.no_photo_gps"))

with st.form("gm_rep_form"):
    description = st.text_area(sh.tr("field.description"), key="gm_rep_text")
    reporter = st.text_input(sh.tr("report.reporter"), value=user.username, key="gm_rep_reporter")
    submitted = st.form_submit_button(
        sh.tr("report.submit"), type="primary", use_container_width=True
    )
if submitted:
    if source != "photo" and (lon is None or lat is None):
        st.warning(sh.tr("report.no_pick" if source == "map" else "report.no_coords"))
    else:
        result = sh.run_action(
            lambda: issues.report_issue(
                store,
                user,
                category=category,
                subcategory=subcategory,
                lon=None if source == "photo" else lon,
                lat=None if source == "photo" else lat,
                crs=crs,
                description=description,
                reporter=reporter,
                photos=photo_data,
                config=cfg,
            )
        )
        if result is not None:
            st.session_state["gm_rep_result"] = result

result = st.session_state.get("gm_rep_result")
if result is not None:
    deadline = i18n.format_time(result.deadline, tz=cfg.working_hours.zone)
    names = "、".join(w["name"] for w in result.workers) or "—"
    st.success(
        sh.tr("report.done", code=result.code, grid=result.grid, workers=names, deadline=deadline)
    )
    if result.route.flagged:
        near = "、".join(result.route.neighbours) or "—"
        st.warning(
            sh.tr("report.flagged", distance=result.route.boundary_distance_m, neighbours=near)
        )
    if len(result.duplicates):
        st.info(sh.tr("report.duplicates", n=len(result.duplicates)))
        version = store.get("issue_reports", result.id)["version"]
        for dup in result.duplicates.itertuples(index=False):
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.markdown(
                f"{sh.md(dup.code)} · {sh.lbl(dup.status, 'status')} · {dup.distance_m:.0f} m"
            )
            other = int(dup.id)
            if c2.button(sh.tr("report.link"), key=f"gm_rep_link_{other}") and sh.run_action(
                lambda o=other: issues.link_duplicate(
                    store, user, result.id, other=o, version=version
                ),
                success=sh.tr("report.linked"),
            ):
                st.rerun()
            if c3.button(sh.tr("report.merge"), key=f"gm_rep_merge_{other}") and sh.run_action(
                lambda o=other: issues.merge_duplicate(
                    store, user, result.id, into=o, version=version
                ),
                success=sh.tr("report.merged"),
            ):
                del st.session_state["gm_rep_result"]
                st.rerun()
