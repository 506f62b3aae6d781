"""Report an issue (上报, 随手拍), phone-first: category, photo, location, submit.

The form is a server-side draft (gridmap.issues.field): a reload or a trip to the
camera keeps it. The submit button carries the draft's token, so a double tap
records one case; after a success the form clears and shows the case code.
"""

import hashlib

import streamlit as st

from gridmap import auth, issues, photos, snapshot
from gridmap.errors import GridmapError
from gridmap.issues import field
from pages import _shared as sh

K_DONE = "gm_rep_result"  # the last ReportResult of this session
K_PHOTO_SIG = "gm_rep_photo_sig"  # digest of the upload already kept in the draft

user = sh.require_login("report")
store = sh.get_store()
sh.phone_page()
cfg = sh.issue_config()
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
    sh.tr("field.category"), cats, format_func=lambda c: cfg.categories[c].label(lang), key=cat_key
)

upload = st.file_uploader(
    sh.tr("report.photo"), type=list(photos.PHOTO_TYPES), key=f"gm_rep_photo_{draft.token}"
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
    reporter = st.text_input(sh.tr("report.reporter"), value=user.username,
                             key="gm_rep_reporter")
    lon_t, lat_t, crs_t = sh.coordinate_inputs(None, None, key="gm_rep")
    typed = lon_t is not None and lat_t is not None

changes.update(
    field.draft_changes(draft, category=category, description=description, subcategory=subcategory)
)
new_photo = (shot or upload).getvalue() if (shot or upload) else None
sig = hashlib.sha256(new_photo).hexdigest() if new_photo else None
if sig and sig != st.session_state.get(K_PHOTO_SIG):
    st.session_state[K_PHOTO_SIG] = sig
    try:
        changes.update(field.photo_changes(draft, new_photo, located="lon" in changes))
    except GridmapError as exc:
        st.error(sh.tr("error.generic", message=sh.err_text(exc)))
if draft.photo and not new_photo:
    c1, c2 = kept.columns([1, 2], vertical_alignment="center")
    c1.image(draft.photo, width=96)
    if c2.button(sh.tr("report.photo_remove"), key="gm_rep_photo_remove"):
        changes["photo"] = None

if changes:
    draft = field.save_draft(store, user, draft, **changes)

# the button's key carries the form's token: after a success the token changes, so a
# second tap that arrives later finds no such button and records nothing
with action:  # warnings and errors show under the button
    if st.button(sh.tr("report.submit"), type="primary", use_container_width=True,
                 key=f"gm_rep_submit_{draft.token}"):
        if missing := field.draft_missing(draft, typed=typed):
            st.warning(sh.tr(f"report.{missing}"))
        else:
            done = sh.run_action(
                lambda: field.submit_draft(
                    store,
                    user,
                    draft,
                    reporter=reporter,
                    position=(lon_t, lat_t, crs_t) if typed else None,
                    config=cfg,
                )
            )
            if done is not None:
                st.session_state[K_DONE] = done
                for key in (K_PHOTO_SIG, "gm_rep_map_pos"):  # the inputs' keys carry the token
                    st.session_state.pop(key, None)
                st.rerun()

if result is not None:
    done = field.report_done_fields(result, config=cfg)
    st.caption(sh.tr("report.done", **done))
    if result.route.flagged:
        st.warning(sh.tr("report.flagged", **done))
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
