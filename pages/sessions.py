"""My sessions: see and end one's login sessions, change one's password; admins see everyone's."""

import pandas as pd
import streamlit as st

from gridmap import auth, i18n
from gridmap.web import sessions as web_sessions
from pages import _shared as sh

user = sh.require_login("account")
store = sh.get_store()
this = sh.current_session()


def session_table(rows: list[dict], *, key: str) -> None:
    """The sessions as a table, and a picker with a button that ends the chosen one."""
    if not rows:
        st.info(sh.tr("sessions.none"))
        return
    frame = pd.DataFrame(rows)[["username", "created_at", "last_seen_at", "expires_at",
                               "user_agent"]]
    sh.dataframe(frame.rename(columns=lambda c: sh.tr(f"sessions.col.{c}")), hide_index=True)
    labels = {
        r["id"]: f"{r['username']} · {i18n.format_time(r['created_at'])} · {r['user_agent'] or ''}"
        + (f" {sh.tr('sessions.current')}" if this and r["id"] == this.id else "")
        for r in rows
    }
    with st.form(f"gm_sessions_end_{key}"):
        chosen = st.selectbox(sh.tr("sessions.pick"), list(labels), format_func=labels.get)
        if st.form_submit_button(sh.tr("sessions.end")):
            done = sh.run_action(
                lambda: web_sessions.end_session(store, chosen, by=user) or True,
                success=sh.tr("sessions.ended"))
            if done:
                st.rerun()


st.subheader(sh.tr("sessions.mine"))
session_table(web_sessions.list_sessions(store, by=user), key="mine")

st.subheader(sh.tr("sessions.password"))
with st.form("gm_password_change", clear_on_submit=True):
    old = st.text_input(sh.tr("sessions.old"), type="password")
    new = st.text_input(sh.tr("sessions.new"), type="password",
                        help=sh.tr("sessions.password_rule"))
    again = st.text_input(sh.tr("sessions.new2"), type="password")
    if st.form_submit_button(sh.tr("sessions.password"), type="primary"):
        if new != again:
            st.error(sh.tr("sessions.mismatch"))
        else:
            ended = sh.run_action(lambda: auth.change_password(
                store, user, old, new, keep_session=this.id if this else None))
            if ended is not None:
                st.success(sh.tr("sessions.changed", n=ended))

if auth.can(user, "manage_users"):
    st.subheader(sh.tr("sessions.all"))
    session_table(web_sessions.list_sessions(store, by=user, everyone=True), key="all")
