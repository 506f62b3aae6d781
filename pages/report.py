"""Report an issue (上报, 随手拍), phone-first: category, photo, location, submit.

The form is a server-side draft (gridmap.issues.field): a reload or a trip to the
camera keeps it. The submit button carries the draft's token, so a double tap
records one case; after a success the form clears and shows the case code.
"""

import hashlib

import streamlit as st

from gridmap import auth, i18n, issues, photos, snapshot
from gridmap.errors import GridmapError
from gridmap.issues import field
from pages import _shared as sh

K_DONE = "gm_rep_result"  # the last ReportResult of this session
K_PHOTO_SIG = "gm_rep_photo_sig"  # digest of the upload already kept in the draft

user = sh.require_login("report")
store = sh.get_store()
sh.phone_page()
try:
    cfg = issues.load_issue_config()
except GridmapError as exc:
    st.error(sh.tr("error.generic", message=sh.err_text(exc)))
    st.stop()
lang = sh.lang()
draft = field.load_draft(store, user)
changes: dict = {}

st.subheader(sh.tr("nav.report"))
result = st.session_state.get(K_DONE)
if result is not None:
    st.success(sh.tr("report.done_short", code=result.code))

cats = list(cfg.categories)
# the inputs' keys carry the form's token, so a new form (after a submit) starts empty
cat_key = f"gm_rep_cat_{draft.token}"
if cat_key not in st.session_state and draft.category in cats:
    st.session_state[cat_key] = draft.category
category = st.pills(
    sh.tr("field.category"),
    cats,
    format_func=lambda c: cfg.categories[c].label(lang),
    key=cat_key,
)
if category != draft.category:
    changes["category"] = category

upload = st.file_uploader(
    sh.tr("report.photo"), type=["jpg", "jpeg", "png", "webp"], key=f"gm_rep_photo_{draft.token}"
)
kept = st.container()  # the photo kept in the draft (after a reload), filled below

frames = snapshot.filter_frames(sh.visible_frames(user, snapshot.MAP_LAYERS), layers=["issues"])
current = (draft.lon, draft.lat) if draft.lon is not None else None
picked = sh.pick_location(frames, key="gm_rep_map", height=240, current=current)
if picked is not None and picked != current:
    changes.update(lon=picked[0], lat=picked[1], location_source="map")
# the main action right under the map (above the fold on a phone); the optional
# inputs follow it and are read before it acts
action = st.container()

description = st.text_input(
    sh.tr("field.description"), value=draft.description, key=f"gm_rep_text_{draft.token}",
    placeholder=sh.tr("report.description_hint"),
)
if description != draft.description:
    changes["description"] = description
with st.expander(sh.tr("report.camera")):
    shot = st.camera_input(sh.tr("report.camera"), key=f"gm_rep_camera_{draft.token}",
                           label_visibility="collapsed")
with st.expander(sh.tr("report.more")):
    cat = cfg.categories.get(category) if category else None
    subs = list(cat.subcategories) if cat else []
    subcategory = st.selectbox(
        sh.tr("field.subcategory"),
        [None, *subs],
        index=([None, *subs].index(draft.subcategory) if draft.subcategory in subs else 0),
        format_func=lambda s: "—" if s is None else cat.subcategory_label(s, lang),
        key=f"gm_rep_sub_{category}",
    )
    if subcategory != draft.subcategory:
        changes["subcategory"] = subcategory
    reporter = st.text_input(sh.tr("report.reporter"), value=user.username,
                             key="gm_rep_reporter")
    lon_t, lat_t, crs_t = sh.coordinate_inputs(None, None, key="gm_rep")
    typed = lon_t is not None and lat_t is not None

new_photo = (shot or upload).getvalue() if (shot or upload) else None
if new_photo:
    sig = hashlib.sha256(new_photo).hexdigest()
    if sig != st.session_state.get(K_PHOTO_SIG):
        st.session_state[K_PHOTO_SIG] = sig
        try:
            found = photos.photo_location(new_photo)
            changes["photo"] = new_photo
        except GridmapError as exc:
            found = None
            st.error(sh.tr("error.generic", message=sh.err_text(exc)))
        if found and draft.lon is None and "lon" not in changes:
            changes.update(lon=found[0], lat=found[1], location_source="photo")
if draft.photo and not new_photo:
    c1, c2 = kept.columns([1, 2], vertical_alignment="center")
    c1.image(draft.photo, width=96)
    if c2.button(sh.tr("report.photo_remove"), key="gm_rep_photo_remove"):
        changes["photo"] = None

if changes:
    draft = field.save_draft(store, user, draft, **changes)

ready = bool(draft.category) and (draft.lon is not None or typed)
# the button's key carries the form's token: after a success the token changes, so a
# second tap that arrives later finds no such button and records nothing
with action:  # warnings and errors show under the button
    if st.button(sh.tr("report.submit"), type="primary", use_container_width=True,
                 key=f"gm_rep_submit_{draft.token}"):
        if not draft.category:
            st.warning(sh.tr("report.no_category"))
        elif not ready:
            st.warning(sh.tr("report.no_pick"))
        else:
            done = sh.run_action(
                lambda: issues.report_issue(
                    store,
                    user,
                    category=draft.category,
                    subcategory=draft.subcategory,
                    lon=lon_t if typed else draft.lon,
                    lat=lat_t if typed else draft.lat,
                    crs=crs_t if typed else "wgs84",
                    description=draft.description,
                    reporter=reporter,
                    photos=[draft.photo] if draft.photo else [],
                    config=cfg,
                    client_token=draft.token,
                )
            )
            if done is not None:
                field.clear_draft(store, user)
                st.session_state[K_DONE] = done
                for key in ("gm_rep_cat", "gm_rep_photo", "gm_rep_camera", K_PHOTO_SIG,
                            "gm_rep_map_pos"):
                    st.session_state.pop(key, None)
                st.rerun()

if result is not None:
    deadline = i18n.format_time(result.deadline, tz=cfg.working_hours.zone)
    names = "、".join(w["name"] for w in result.workers) or "—"
    st.caption(
        sh.tr("report.done", code=result.code, grid=result.grid, workers=names, deadline=deadline)
    )
    if result.route.flagged:
        near = "、".join(result.route.neighbours) or "—"
        st.warning(
            sh.tr("report.flagged", distance=result.route.boundary_distance_m, neighbours=near)
        )
    if len(result.duplicates) and auth.can(user, "edit_issues"):
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
                del st.session_state[K_DONE]
                st.rerun()
