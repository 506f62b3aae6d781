"""Workers page (planners): each worker's grids, totals and open issues; add, edit, deactivate."""

import streamlit as st

from gridmap import i18n
from gridmap.grids import service as grid_service
from gridmap.records import workers
from pages import _shared as sh

user = sh.require_login("assign")
store = sh.get_store()
frames = sh.visible_frames(user, ["grids", "workers", "assignments"])

st.subheader(sh.tr("nav.workers"))
overview = workers.worker_overview(frames)
if not st.checkbox(sh.tr("workers.show_inactive"), key="gm_workers_inactive"):
    overview = overview[overview["active"]]
shown = overview.assign(grid=["、".join(g) for g in overview["grids"]])
sh.dataframe(
    shown[
        [
            "code",
            "name",
            "phone",
            "n_grids",
            "grid",
            "households",
            "residents",
            "open_issues",
            "active",
            "active_from",
            "active_to",
            "notes",
        ]
    ].rename(columns=lambda c: i18n.field_label(c, sh.lang(), layer="workers")),
    hide_index=True,
)
unstaffed = workers.unstaffed_grids(store)
visible = set(frames["grids"]["code"])
unstaffed = [g for g in unstaffed if g in visible]
if unstaffed:
    st.warning(sh.tr("workers.unstaffed", codes=", ".join(unstaffed)))
else:
    st.success(sh.tr("workers.all_staffed"))

active = overview[overview["active"]]
labels = {r.code: f"{r.name} ({r.code})" for r in active.itertuples()}
add_tab, edit_tab, off_tab = st.tabs(
    [sh.tr("workers.add"), sh.tr("workers.edit"), sh.tr("workers.deactivate")]
)
with add_tab, st.form("gm_worker_add", clear_on_submit=True):
    name = st.text_input(sh.tr("field.person_name") + " *")
    phone = st.text_input(sh.tr("field.phone"), placeholder=sh.tr("workers.phone_hint"))
    notes = st.text_input(sh.tr("field.notes"))
    d1, d2 = st.columns(2)
    start = d1.date_input(sh.tr("field.active_from"), value=None)
    end = d2.date_input(sh.tr("field.active_to"), value=None)
    if st.form_submit_button(sh.tr("workers.add"), type="primary"):
        code = sh.run_action(
            lambda: workers.add_worker(
                store,
                user,
                name=name,
                phone=phone or None,
                notes=notes or None,
                active_from=start,
                active_to=end,
            )
        )
        if code is not None:
            st.session_state[sh.K_NOTICE] = ("success", sh.tr("workers.added", code=code))
            st.rerun()

with edit_tab:
    code = st.selectbox(
        sh.tr("field.worker"), list(labels), format_func=labels.get, key="gm_worker_edit_code"
    )
    if code is not None:
        row = workers.get_worker(store, code)
        # the form names the version this user read: a save after someone else's is told
        row_key = f"gm_worker_{code}"
        sh.forget_read_versions("gm_worker_", keep=row_key)
        read = sh.read_version(
            row_key,
            row["version"],
            {k: row[k] for k in ("name", "phone", "notes", "active_from", "active_to")},
        )
        sh.conflict_notice(row_key)
        form = f"gm_worker_edit_{code}_{read}"
        with st.form(form):
            values = {
                "name": st.text_input(
                    sh.tr("field.person_name") + " *", value=row["name"] or "",
                    key=f"{form}_name",
                ),
                "phone": st.text_input(
                    sh.tr("field.phone"), value=row["phone"] or "", key=f"{form}_phone",
                    placeholder=sh.tr("workers.phone_hint"),
                ),
                "notes": st.text_input(
                    sh.tr("field.notes"), value=row["notes"] or "", key=f"{form}_notes"
                ),
                "active_from": st.date_input(
                    sh.tr("field.active_from"), value=row["active_from"], key=f"{form}_from"
                ),
                "active_to": st.date_input(
                    sh.tr("field.active_to"), value=row["active_to"], key=f"{form}_to"
                ),
            }
            if st.form_submit_button(sh.tr("workers.edit"), type="primary"):
                changed = sh.changed_values(row_key, values)
                sh.versioned_action(
                    lambda v: workers.update_worker(store, user, code, version=v, **changed),
                    key=row_key,
                    version=read,
                    success=sh.tr("workers.updated", code=code),
                ) is not None and st.rerun()

with off_tab:
    code = st.selectbox(
        sh.tr("field.worker"), list(labels), format_func=labels.get, key="gm_worker_off_code"
    )
    day = st.date_input(sh.tr("field.date"), key="gm_worker_off_day")
    sure = st.checkbox(sh.tr("workers.deactivate_confirm"), key="gm_worker_off_sure")
    if st.button(sh.tr("workers.deactivate"), disabled=not sure or code is None):
        flagged = sh.run_action(lambda: workers.deactivate_worker(store, user, code, on=day))
        if flagged is not None:
            st.session_state[sh.K_NOTICE] = (
                "warning" if flagged else "success",
                sh.tr("workers.deactivated", code=code, grids=", ".join(flagged) or "—"),
            )
            st.rerun()

with st.expander(sh.tr("workers.roster")):
    roster_day = st.date_input(sh.tr("workers.roster_day"), key="gm_workers_roster_day")
    roster = grid_service.roster_as_of(store, roster_day)
    roster = roster[[user.in_scope(str(code)[:12]) for code in roster["grid_code"]]]
    sh.dataframe(
        roster.assign(role=[sh.lbl(r, "role") for r in roster["role"]]).rename(
            columns=lambda c: sh.tr(f"field.{c}")
        ),
        hide_index=True,
    )
