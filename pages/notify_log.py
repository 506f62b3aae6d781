"""Notification log (admins): the outbox with each message's status and delivery attempts."""

import streamlit as st

from gridmap.notify import outbox as notify_outbox
from gridmap.store import outbox
from pages import _shared as sh

admin = sh.require_login("edit_settings")
store = sh.get_store()

st.subheader(sh.tr("nav.notify_log"))
st.caption(sh.tr("notify.log.intro"))
statuses = ["", "pending", "sending", "sent", "dead"]
status = st.selectbox(
    sh.tr("notify.log.status"),
    statuses,
    format_func=lambda s: sh.tr(f"notify.status.{s}") if s else sh.tr("notify.log.all"),
    key="gm_notify_status",
)
frame = outbox.read_outbox(store, status=status or None, limit=500)
if frame.empty:
    st.info(sh.tr("notify.log.empty"))
    st.stop()
shown = frame.assign(
    title=[(p or {}).get("title", "") for p in frame["payload"]],
    status=[sh.tr(f"notify.status.{s}") for s in frame["status"]],
    last_error=[notify_outbox.error_text(e, sh.lang()) for e in frame["last_error"]],
)[["id", "created_at", "kind", "channel", "title", "recipient", "status", "attempts",
   "next_at", "sent_at", "last_error"]]
st.dataframe(shown, hide_index=True, key="gm_notify_table")

picked = st.selectbox("id", frame["id"].tolist(), key="gm_notify_pick")
if picked is not None:
    row = frame[frame["id"] == picked].iloc[0]
    st.text((row["payload"] or {}).get("text", ""))
    st.markdown(f"**{sh.tr('notify.log.attempts')}**")
    attempts = outbox.read_attempts(store, int(picked))
    attempts["error"] = [notify_outbox.error_text(e, sh.lang()) for e in attempts["error"]]
    st.dataframe(attempts, hide_index=True)
    if row["status"] in ("dead", "sent") and st.button(sh.tr("notify.log.requeue"),
                                                       key="gm_notify_requeue"):
        import datetime as dt

        sh.run_action(lambda: outbox.requeue(store, int(picked), now=dt.datetime.now(dt.UTC)),
                      success=sh.tr("notify.log.requeued")) and st.rerun()
