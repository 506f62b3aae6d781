"""About page: the store (masked URL for admins, schema, row counts), versions, map assets."""

import pandas as pd
import streamlit as st

import gridmap
from gridmap import assets, auth
from pages import _shared as sh

user = sh.require_login("account")
store = sh.get_store()

st.subheader(sh.tr("nav.about"))
st.markdown(sh.tr("about.text"))
c1, c2, c3 = st.columns(3)
c1.metric(sh.tr("about.version"), gridmap.__version__)
c2.metric(sh.tr("about.backend"), store.dialect)
c3.metric(sh.tr("about.schema"), store.schema_version() or "—")
if auth.can(user, "manage_users"):  # the store URL is for admins only (masked)
    st.caption(f"{sh.tr('app.store')}: {sh.md(store.safe_url)}")
counts = store.counts()
if user.scope is not None or user.is_field:  # whole-store counts: not for scoped/field users
    counts = {"users": counts.get("users", 0)} if auth.can(user, "manage_users") else {}
if counts:
    sh.dataframe(
        pd.DataFrame(
            [
                (sh.tr("nav.users") if k == "users" else sh.lbl(k, "layer"), v)
                for k, v in counts.items()
            ],
            columns=[sh.tr("about.layer"), sh.tr("about.rows")],
        ),
        hide_index=True,
    )
st.markdown(f"**{sh.tr('about.assets')}**")
st.write(", ".join(f"{name} {version}" for name, version in assets.asset_versions().items()))
st.caption(sh.tr("about.offline"))
