"""Users page (admins): add users, reset passwords, change roles and scopes, disable, unlock;
worker accounts (linked to a worker record) one by one or from a CSV of worker codes.

Disabling a user, changing their role or scope or resetting their password ends all
their login sessions (gridmap.records.users).
"""

import streamlit as st

from gridmap.io.tabular import read_table_bytes
from gridmap.model import UserRole
from gridmap.records import users
from pages import _shared as sh

admin = sh.require_login("manage_users")
store = sh.get_store()
frames = sh.visible_frames(admin, ["communities", "workers"])
names = sh.community_names(frames)
roles = [r.value for r in UserRole]
worker_codes = [None, *frames["workers"]["code"]]
worker_names = sh.names_by_code(frames)


def worker_label(code: str | None) -> str:
    return sh.tr("users.no_worker") if code is None else f"{worker_names.get(code, '')} ({code})"


st.subheader(sh.tr("nav.users"))
table = users.list_users(store, by=admin)
sh.dataframe(users.display_table(table, names=names, lang=sh.lang()), hide_index=True)


def scope_inputs(key: str, current: list | None = None) -> list | None:
    """Whole street, or a list of communities; returns None for the whole street."""
    whole = st.checkbox(
        sh.tr("app.scope_all"),
        value=current is None,
        key=f"{key}_all",
        disabled=admin.scope is not None,
    )
    picked = st.multiselect(
        sh.tr("app.scope"),
        list(names),
        default=current or [],
        format_func=lambda c: names.get(c, c),
        key=f"{key}_codes",
        placeholder=sh.tr("users.scope_hint"),
        help=sh.tr("users.scope_help"),
    )
    return None if whole and admin.scope is None else picked


add_tab, edit_tab, import_tab = st.tabs(
    [sh.tr("users.add"), sh.tr("users.edit"), sh.tr("users.import_workers")]
)
with add_tab, st.form("gm_user_add", clear_on_submit=True):
    username = st.text_input(sh.tr("auth.username"))
    password = st.text_input(
        sh.tr("auth.password"), type="password", help=sh.tr("users.password_help")
    )
    role = st.selectbox(sh.tr("app.role"), roles, format_func=lambda r: sh.lbl(r, "user_role"))
    worker = st.selectbox(sh.tr("users.worker"), worker_codes, format_func=worker_label,
                          help=sh.tr("users.worker_help"))
    scope = scope_inputs("gm_user_add_scope")
    if st.form_submit_button(sh.tr("users.add"), type="primary"):
        sh.run_action(
            lambda: users.add_user(store, username, password, role=role, scope=scope,
                                   worker=worker, by=admin),
            success=sh.tr("users.added", user=username),
        ) and st.rerun()

with edit_tab:
    target = st.selectbox(sh.tr("auth.username"), list(table["username"]), key="gm_user_pick")
    if target:
        row = table[table["username"] == target].iloc[0]
        current_scope = None if row["scope"] is None else list(row["scope"])
        # the form names the version this admin read: a save after someone else's is told
        row_key = f"gm_user_{target}"
        sh.forget_read_versions("gm_user_", keep=row_key)
        read = sh.read_version(row_key, row["version"])
        sh.conflict_notice(row_key)
        with st.form(f"gm_user_role_{target}_{read}"):
            new_role = st.selectbox(
                sh.tr("app.role"),
                roles,
                index=roles.index(row["role"]),
                format_func=lambda r: sh.lbl(r, "user_role"),
                key=f"gm_user_role_{target}_{read}_role",
            )
            linked = row.get("worker_code")
            new_worker = st.selectbox(
                sh.tr("users.worker"), worker_codes, format_func=worker_label,
                index=worker_codes.index(linked) if linked in worker_codes else 0,
                help=sh.tr("users.worker_help"),
            )
            new_scope = scope_inputs(f"gm_user_scope_{target}_{read}", current_scope)
            if st.form_submit_button(sh.tr("users.save_role")):
                sh.versioned_action(
                    lambda v: users.set_role_and_scope(
                        store, target, role=new_role, scope=new_scope, worker=new_worker,
                        by=admin, version=v
                    ),
                    key=row_key,
                    version=read,
                    success=sh.tr("users.saved", user=target),
                ) is not None and st.rerun()
        with st.form(f"gm_user_pw_{target}", clear_on_submit=True):
            new_password = st.text_input(
                sh.tr("users.new_password"), type="password", help=sh.tr("users.password_help")
            )
            if st.form_submit_button(sh.tr("users.reset_password")):
                sh.run_action(
                    lambda: users.reset_password(store, target, new_password, by=admin) or True,
                    success=sh.tr("users.password_set", user=target),
                ) and st.rerun()
        if row["disabled"]:
            if st.button(sh.tr("users.enable"), key=f"gm_user_enable_{target}"):
                sh.run_action(
                    lambda: users.enable_user(store, target, by=admin),
                    success=sh.tr("users.enabled", user=target),
                ) and st.rerun()
        elif st.button(sh.tr("users.disable"), key=f"gm_user_disable_{target}"):
            sh.run_action(
                lambda: users.disable_user(store, target, by=admin),
                success=sh.tr("users.disabled", user=target),
            ) and st.rerun()

        locked = bool(row["failed_logins"]) or row["locked_until"] is not None
        if locked and st.button(sh.tr("users.unlock"), key=f"gm_user_unlock_{target}"):
            sh.run_action(
                lambda: users.unlock_user(store, target, by=admin) or True,
                success=sh.tr("users.unlocked", user=target),
            ) and st.rerun()

with import_tab:
    st.caption(sh.tr("users.import_help"))
    table_file = st.file_uploader(sh.tr("users.import_file"), type=["csv", "xlsx"],
                                  key="gm_user_import")
    if table_file is not None and st.button(sh.tr("users.import_workers"), type="primary",
                                            key="gm_user_import_go"):
        made = sh.run_action(lambda: users.import_worker_accounts(
            store, read_table_bytes(table_file.name, table_file.getvalue()), by=admin))
        if made is not None:
            st.success(sh.tr("users.imported", n=len(made)))
            st.dataframe(made.rename(columns=lambda c: sh.tr(f"users.col.{c}")),
                         hide_index=True)
