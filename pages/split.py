"""Split page (planners): generate grids for a community, preview them, save them."""

import streamlit as st
from streamlit_folium import st_folium

from gridmap import maps
from gridmap.grids import service as grid_service
from gridmap.grids import split
from pages import _shared as sh

K_PREVIEW = "gm_split_preview"  # (community, method, GeoDataFrame) of the last preview

user = sh.require_login("edit_grids")
store = sh.get_store()
frames = sh.visible_frames(user, ["communities"])
names = sh.community_names(frames, user=user)

st.subheader(sh.tr("nav.split"))
if not names:
    st.info(sh.tr("split.none"))
    st.stop()
c1, c2 = st.columns([1, 2])
community = c1.selectbox(
    sh.tr("field.community"),
    list(names),
    format_func=lambda c: names.get(c, c),
    key="gm_split_community",
)
method = c2.radio(
    sh.tr("split.method"),
    split.METHODS,
    horizontal=True,
    key="gm_split_method",
    format_func=lambda m: sh.tr(f"split.method.{m}"),
)
options: dict = {}
o1, o2, o3 = st.columns(3)
if method == "cells":
    options["cell_m"] = o1.number_input(sh.tr("split.cell_m"), 30, 3000, 200, step=10)
    options["shape"] = o2.radio(
        sh.tr("split.shape"),
        ["square", "hex"],
        horizontal=True,
        format_func=lambda s: sh.tr(f"split.shape.{s}"),
    )
elif method == "streets":
    options["target_households"] = o1.number_input(
        sh.tr("split.target_households"), 50, 5000, 400, step=50
    )
else:
    options["min_households"] = o1.number_input(sh.tr("split.min"), 1, 10000, 300, step=10)
    options["max_households"] = o2.number_input(sh.tr("split.max"), 1, 10000, 500, step=10)
    options["seed"] = o3.number_input(sh.tr("split.seed"), 0, 10**6, 0, step=1)

if st.button(sh.tr("split.preview"), type="primary", key="gm_split_go"):
    grids = sh.run_action(
        lambda: grid_service.split_community(store, community, method=method, **options)
    )
    if grids is not None:
        st.session_state[K_PREVIEW] = (community, method, grids)

preview = st.session_state.get(K_PREVIEW)
if not preview or preview[0] != community:
    st.info(sh.tr("split.none"))
    st.stop()
grids = preview[2]
problems = split.split_problems(grids, sh.lang())
view = grids.assign(problem=split.problem_texts(grids, sh.lang()))  # in the reader's language
st.markdown(sh.tr("split.summary", n=len(grids), bad=len(problems)))
m1, m2, m3 = st.columns(3)
m1.metric(sh.tr("field.grids"), len(grids))
households = grids["households"].dropna()
m2.metric(sh.tr("field.households"), int(households.sum()) if len(households) else "—")
m3.metric(sh.tr("field.area_m2"), f"{grids['area_m2'].sum():,.0f}")

left, right = st.columns([3, 2])
with left:
    fmap = maps.new_map(bounds=grids.total_bounds, lang=sh.lang())
    maps.add_grids(
        fmap,
        view,
        color_by="code",
        legend=False,
        lang=sh.lang(),
        popup_columns=["code", "households", "residents", "area_m2", "problem"],
    )
    st_folium(fmap, key="gm_split_map", height=520, use_container_width=True, returned_objects=[])
with right:
    shown = view[["code", "households", "residents", "buildings", "area_m2", "problem"]]
    sh.table(shown.astype(object).where(shown.notna(), None).to_dict("records"))
for problem in problems:
    st.warning(sh.md(problem))

reason = st.text_input(sh.tr("split.reason"), key="gm_split_reason")
confirm = st.checkbox(sh.tr("split.confirm"), key="gm_split_confirm")
if st.button(sh.tr("split.save"), disabled=not confirm, key="gm_split_save"):
    result = sh.run_action(
        lambda: grid_service.save_grids(
            store, user, community, grids, reason=reason.strip() or None
        )
    )
    if result is not None:
        text = sh.tr("split.saved", **{k: result[k] for k in ("retired", "created", "carried")})
        if result["unstaffed"]:
            text += "\n\n" + sh.tr("split.unstaffed", codes=", ".join(result["unstaffed"]))
        st.session_state[sh.K_NOTICE] = ("success", text)
        del st.session_state[K_PREVIEW]
        st.rerun()
