"""API tokens page (admins): list tokens, create one (shown once), revoke one."""

import streamlit as st

from gridmap.records import tokens
from pages import _shared as sh

admin = sh.require_login("manage_users")
store = sh.get_store()
names = sh.community_names(sh.visible_frames(admin, ["communities"]))

st.subheader(sh.tr("nav.tokens"))
st.caption(sh.tr("tokens.intro"))
table = tokens.list_tokens(store, by=admin)
if table.empty:
    st.info(sh.tr("tokens.none"))
else:
    shown = table.assign(
        scope=[
            sh.tr("app.scope_all") if s is None else "、".join(names.get(c, c) for c in s)
            for s in table["scope"]
        ],
        rights=["、".join(sh.tr(f"tokens.right.{r}") for r in rs) for rs in table["rights"]],
        state=[sh.tr(f"tokens.state.{s}") for s in table["state"]],
    )
    sh.dataframe(shown.rename(columns=lambda c: sh.tr(f"tokens.col.{c}")), hide_index=True)

create_tab, revoke_tab = st.tabs([sh.tr("tokens.create"), sh.tr("tokens.revoke")])
with create_tab, st.form("gm_token_create", clear_on_submit=True):
    name = st.text_input(sh.tr("tokens.name"))
    rights = st.multiselect(
        sh.tr("tokens.rights"),
        list(tokens.RIGHTS),
        default=["report", "read"],
        format_func=lambda r: sh.tr(f"tokens.right.{r}"),
        placeholder=sh.tr("widget.choose"),
    )
    whole = st.checkbox(sh.tr("app.scope_all"), value=admin.scope is None,
                        disabled=admin.scope is not None)
    picked = st.multiselect(sh.tr("app.scope"), list(names),
                            format_func=lambda c: names.get(c, c),
                            placeholder=sh.tr("widget.choose"))
    days = st.number_input(sh.tr("tokens.days"), min_value=1, max_value=tokens.MAX_DAYS,
                           value=tokens.DEFAULT_DAYS)
    rate = st.number_input(sh.tr("tokens.rate_limit"), min_value=1, max_value=10_000,
                           value=tokens.DEFAULT_RATE_LIMIT)
    if st.form_submit_button(sh.tr("tokens.create"), type="primary"):
        scope = None if whole and admin.scope is None else picked
        made = sh.run_action(lambda: tokens.create_token(
            store, name, rights=rights, scope=scope, days=days, rate_limit=int(rate), by=admin))
        if made is not None:  # shown in this run only; never kept in the session
            st.success(sh.tr("tokens.created", name=made.name))
            st.code(made.token, language=None)

with revoke_tab:
    active = [n for n, s in zip(table["name"], table["state"], strict=True) if s == "active"]
    # no key: the choice follows the list of active tokens (a keyed box keeps a stale None)
    target = st.selectbox(sh.tr("tokens.col.name"), active, placeholder=sh.tr("widget.choose"))
    confirm = st.checkbox(sh.tr("tokens.revoke_confirm"), key="gm_token_confirm")
    if target and st.button(sh.tr("tokens.revoke"), disabled=not confirm, key="gm_token_revoke"):
        sh.run_action(lambda: tokens.revoke_token(store, target, by=admin),
                      success=sh.tr("tokens.revoked", name=target)) and st.rerun()
