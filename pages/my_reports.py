"""我的上报: the reports the user made, newest first, with status and before/after photos."""

import streamlit as st

from gridmap import issues
from gridmap.issues import field
from pages import _shared as sh

user = sh.require_login("my_reports")
store = sh.get_store()
sh.phone_page()
st.subheader(sh.tr("nav.my_reports"))
cfg = issues.load_issue_config()
mine = sh.run_action(lambda: field.my_reports(store, user, config=cfg))
if mine is None:
    st.stop()
if mine.empty:
    st.info(sh.tr("my_reports.none"))
else:
    st.caption(sh.tr("my_reports.count", n=len(mine)))
for row in mine.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{sh.md(row.code)}** · {sh.lbl(row.status, 'status')} · "
                    f"{sh.md(row.category)}")
        when = cfg.working_hours.local(row.reported_at)
        st.caption(f"{when:%Y-%m-%d %H:%M} · {sh.md(row.grid or '—')}"
                   + (f" · {sh.md(row.description)}" if isinstance(row.description, str)
                      else ""))
        shots = field.case_photos(store, user, int(row.id))
        if shots:
            st.image([p["jpeg"] for p in shots[:6]], width=96,
                     caption=[sh.lbl(p["kind"], "photo_kind") for p in shots[:6]])
