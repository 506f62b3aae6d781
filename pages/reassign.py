"""Reassign page (planners): select grids, assign workers, watch the balance, save safely.

One unsaved plan kept in the session; the logic is in :mod:`gridmap.grids.balance`.
"""

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

from gridmap import maps
from gridmap.grids import balance
from gridmap.grids import service as grid_service
from gridmap.maps import panels
from gridmap.model import WorkerRole
from pages import _shared as sh

K_STATE = "gm_reassign"  # {"inputs": grid_service.WorkloadInputs, "communities": [...]}
K_SELECTED = "gm_reassign_selected"  # grid codes selected (widget key)
K_CLICK = "gm_reassign_click"  # the last map click already handled
K_MOVES = "gm_reassign_moves"  # proposed rebalance moves
K_TABLE = "gm_reassign_table_rows"  # the grid table's last row selection already applied

user = sh.require_login("assign")
store = sh.get_store()
frames = sh.visible_frames(user, ["communities", "grids", "workers"])
names = sh.community_names(frames, user=user)
worker_names = sh.names_by_code(frames)

st.subheader(sh.tr("nav.reassign"))
c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
chosen = c1.multiselect(sh.tr("field.community"), list(names), default=list(names)[:1],
                        format_func=lambda c: names.get(c, c), key="gm_reassign_comm",
                        placeholder=sh.tr("widget.choose"))
role = c2.selectbox(sh.tr("reassign.role"), [r.value for r in WorkerRole], index=1,
                    format_func=lambda r: sh.lbl(r, "role"), key="gm_reassign_role")
metric = c3.selectbox(sh.tr("reassign.metric"), balance.METRICS, index=1,
                      format_func=lambda m: sh.tr(f"field.{m}"), key="gm_reassign_metric")
state = st.session_state.get(K_STATE)
if c4.button(sh.tr("reassign.reload")) or state is None or state["communities"] != chosen:
    state = dict(inputs=grid_service.workload_inputs(store, communities=chosen), communities=chosen)
    st.session_state[K_STATE] = state
    st.session_state[K_SELECTED] = []
    st.session_state.pop(K_MOVES, None)
inputs: grid_service.WorkloadInputs = state["inputs"]
plan, metrics = inputs.plan, inputs.metrics

default = balance.suggested_bounds(plan, metrics, metric=metric, role=role)
*cols, b4 = st.columns(4)
lo, target, hi = (col.number_input(sh.tr(f"field.{k}"), value=getattr(default, k),
                                   key=f"gm_rb_{k}_{metric}")
                  for col, k in zip(cols, ("min", "target", "max"), strict=True))
contiguous = b4.checkbox(sh.tr("reassign.contiguity"), value=True, key="gm_reassign_contig")
bounds = {metric: balance.bounds_between(lo, target, hi)}
shown = balance.plan_grids(frames["grids"], plan, role=role, names=worker_names,
                           communities=chosen)
left, right = st.columns([3, 2])
with left:
    fmap = maps.new_map(bounds=shown.total_bounds, lang=sh.lang())  # empty: the default view
    # the grids take no clicks themselves (no popup): a click anywhere reaches the map and
    # selects the grid under it
    maps.add_grids(fmap, shown, lang=sh.lang(), interactive=False)
    picked = balance.selected_grids(shown, st.session_state.get(K_SELECTED, []))
    if len(picked):
        maps.add_polygons(fmap, picked, layer_name=sh.tr("reassign.selected"), kind="selected",
                          style={"color": "#d62728", "weight": 4, "fillOpacity": 0.05},
                          interactive=False)
    out = st_folium(fmap, key="gm_reassign_map", height=520, use_container_width=True,
                    returned_objects=["last_clicked"])
    click = (out or {}).get("last_clicked")
    if click and click != st.session_state.get(K_CLICK):
        st.session_state[K_CLICK] = click
        code = panels.grid_at(shown, click["lng"], click["lat"])
        if code is not None:
            st.session_state[K_SELECTED] = balance.toggle_grid(
                st.session_state.get(K_SELECTED, []), code)
            st.rerun()
    st.caption(sh.tr("reassign.click_hint"))
    listed = balance.grid_rows(shown)
    event = sh.dataframe(listed.rename(columns=lambda c: sh.tr(f"field.{c}")), hide_index=True,
                         height=240, on_select="rerun", selection_mode="multi-row",
                         key="gm_reassign_table")
    rows = sorted(event.selection.rows) if event else []
    if rows != st.session_state.get(K_TABLE, []):  # picking rows in the table selects those grids
        st.session_state[K_TABLE] = rows
        st.session_state[K_SELECTED] = balance.codes_at_rows(listed, rows)
with right:
    selected = st.multiselect(sh.tr("reassign.selected"), list(shown["code"]), key=K_SELECTED,
                              placeholder=sh.tr("widget.choose"))
    worker = st.selectbox(sh.tr("field.worker"), inputs.active, key="gm_reassign_worker",
                          format_func=lambda w: balance.worker_label(w, worker_names))
    a1, a2, a3 = st.columns(3)
    u1, u2, u3 = st.columns(3)
    edits = {
        a1.button(sh.tr("reassign.assign"), disabled=not selected or worker is None):
            lambda: plan.assign(selected, worker, role),
        a2.button(sh.tr("reassign.lock"), disabled=not selected): lambda: plan.lock(selected),
        a3.button(sh.tr("reassign.unlock"), disabled=not selected): lambda: plan.unlock(selected),
        u1.button(sh.tr("reassign.undo"), disabled=not plan.can_undo): plan.undo,
        u2.button(sh.tr("reassign.redo"), disabled=not plan.can_redo): plan.redo,
    }
    if True in edits:
        sh.run_action(edits[True])
        st.rerun()
    if u3.button(sh.tr("reassign.rebalance")):
        st.session_state[K_MOVES] = inputs.rebalance(bounds, role=role,
                                                     require_contiguity=contiguous)

st.markdown(f"**{sh.tr('reassign.bars')}**")
# idle workers (active, holding no grid) are shown in the bars and may receive grids
table = inputs.workload(bounds, metric=metric, role=role, names=worker_names)
bars = alt.Chart(table).mark_bar().encode(
    x=alt.X("value:Q", title=sh.tr(f"field.{metric}")),
    y=alt.Y("name:N", sort=None, title=None),
    color=alt.condition(alt.datum.status == "ok", alt.value("#4e79a7"), alt.value("#e15759")),
    tooltip=["name", "value", "min", "target", "max"],
)
rules = alt.Chart(balance.bound_marks(bounds[metric])).mark_rule(strokeDash=[4, 3]).encode(
    x="x:Q", color=alt.value("#333"))
st.altair_chart(bars + rules, width="stretch")

moves = st.session_state.get(K_MOVES)
if moves is not None:
    if not moves:
        st.info(sh.tr("reassign.no_moves"))
    else:
        diff = balance.moves_table(moves, worker_names)
        edited = st.data_editor(diff.rename(columns=lambda c: sh.tr(f"field.{c}")),
                                hide_index=True, key="gm_reassign_diff",
                                disabled=[sh.tr(f"field.{c}") for c in diff.columns[1:]])
        if st.button(sh.tr("reassign.apply")):
            accepted = balance.accepted_moves(moves, edited.iloc[:, 0])
            sh.run_action(lambda: plan.apply(accepted))
            del st.session_state[K_MOVES]
            st.rerun()

changes = plan.changes()
st.caption(sh.tr("reassign.changes", n=len(changes)))
v1, v2 = st.columns(2)
if v1.button(sh.tr("reassign.validate")):
    findings = inputs.validate(bounds, role=role, require_contiguity=contiguous)
    if not findings:
        st.success(sh.tr("reassign.valid"))
    for f in findings:
        st.warning(sh.md(f.text(sh.lang())))
if v2.button(sh.tr("reassign.save"), type="primary", disabled=not changes):
    result = sh.run_action(lambda: grid_service.save_assignments(store, user, plan))
    if result is not None:
        st.session_state[sh.K_NOTICE] = ("success", sh.tr("reassign.saved", grids=result["grids"]))
        del st.session_state[K_STATE]
        st.rerun()
