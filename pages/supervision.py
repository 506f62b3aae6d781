"""督办: issue tracked supervision orders from the checks, follow, re-check and close them."""

import datetime as dt

import streamlit as st

from gridmap import photos, supervision
from gridmap.i18n import format_time
from pages import _shared as sh

user = sh.require_login("run_checks")
store = sh.get_store()
st.subheader(sh.tr("nav.supervision"))
sh.show_notice()

with st.expander(sh.tr("supervision.issue")):
    days = st.number_input(sh.tr("supervision.deadline_days"), min_value=0, max_value=90,
                           value=7, key="gm_sv_days")  # fmt: skip
    if st.button(sh.tr("supervision.issue"), key="gm_sv_issue"):
        issued = sh.run_action(
            lambda: supervision.issue_from_failures(store, user, deadline_days=int(days))
        )
        if issued is not None:
            st.session_state[sh.K_NOTICE] = ("success", sh.tr("supervision.issued", n=len(issued)))
            st.rerun()

states = [s.value for s in supervision.State]
c1, c2 = st.columns(2)
wanted = c1.multiselect(sh.tr("supervision.state_filter"), states, key="gm_sv_states",
                        format_func=lambda s: sh.tr(f"supervision.state.{s}"),
                        placeholder=sh.tr("widget.choose"))  # fmt: skip
only_overdue = c2.checkbox(sh.tr("supervision.overdue_only"), key="gm_sv_overdue")
orders = supervision.list_orders(store, user, states=wanted or None, overdue=only_overdue)
if orders.empty:
    st.info(sh.tr("supervision.none"))
    st.stop()

shown = orders.assign(
    state=[sh.tr(f"supervision.state.{s}") for s in orders["state"]],
    overdue=[sh.tr("supervision.overdue") if o else "" for o in orders["overdue"]],
)[["number", "grid", "state", "deadline", "items", "resolved", "overdue"]]
shown.columns = [sh.tr(f"supervision.col.{c}") for c in shown.columns]
sh.dataframe(shown, hide_index=True, key="gm_sv_table")

numbers = orders["number"].tolist()
picked = st.selectbox(sh.tr("supervision.pick"), numbers, key="gm_sv_pick",
                      placeholder=sh.tr("widget.choose"))
detail = supervision.order_detail(store, user, picked)
st.markdown(
    f"**{sh.md(detail['number'])}** · {sh.md(detail['grid'])} · "
    f"{sh.tr('supervision.state.' + detail['state'])} · "
    f"{sh.tr('supervision.col.deadline')} {detail['deadline'].isoformat()}"
    + (f" · **{sh.tr('supervision.overdue')}**" if detail["overdue"] else "")
)
st.markdown(f"**{sh.tr('supervision.items')}**")
items = detail["items_table"]
listed = items.assign(resolved=items["resolved_at"].notna())[
    ["rule_id", "object_id", "message", "weight", "resolved"]
]
listed.columns = [sh.tr(f"supervision.item.{c}") for c in listed.columns]
sh.dataframe(listed, hide_index=True, key="gm_sv_items")
st.markdown(f"**{sh.tr('supervision.events')}**")
for e in detail["events"].itertuples(index=False):
    note = f" — {sh.md(e.note)}" if isinstance(e.note, str) and e.note else ""
    st.caption(f"{format_time(e.at)} · {sh.md(e.user or '')} · "
               f"{sh.tr('supervision.state.' + e.to_state)}{note}")  # fmt: skip

if detail["actions"]:
    note = st.text_input(sh.tr("supervision.note"), key="gm_sv_note")
    shots = []
    if "report" in detail["actions"]:
        files = st.file_uploader(sh.tr("supervision.photos"), type=list(photos.PHOTO_TYPES),
                                 accept_multiple_files=True, key="gm_sv_photos")  # fmt: skip
        shots = [f.getvalue() for f in files or []]
    cols = st.columns(len(detail["actions"]))
    for col, action in zip(cols, detail["actions"], strict=True):
        if col.button(sh.tr(f"supervision.action.{action}"), key=f"gm_sv_{action}"):
            row = sh.run_action(
                lambda action=action: supervision.move_order(
                    store, user, picked, action, version=int(detail["version"]), note=note,
                    photos=shots, as_of=dt.date.today(),
                )
            )  # fmt: skip
            if row is not None:
                text = sh.tr("supervision.moved", number=row["number"],
                             state=sh.tr("supervision.state." + row["state"]))  # fmt: skip
                if row.get("remaining"):
                    text += " " + sh.tr("supervision.recheck_left", n=row["remaining"])
                st.session_state[sh.K_NOTICE] = ("success", text)
                st.rerun()
