"""gridmap web app: navigation, login, language and the sidebar frame.

Run with ``gridmap serve`` (which prepares the store and the offline map assets).
Pages live in pages/ and are registered explicitly with st.navigation, so
Streamlit's automatic pages/ discovery is not used.
"""

from pathlib import Path

import streamlit as st

from gridmap import auth, i18n
from gridmap.errors import GridmapError
from pages import _shared as sh

ROOT = Path(__file__).resolve().parent

# The favicon is a local image: Material or emoji icons as favicons are fetched from a CDN.
st.set_page_config(page_title="gridmap", page_icon=sh.favicon(), layout="wide")

# Language switch, on every run (also before login) so its state persists. Its label and
# options do not depend on the language: a changed label would make it a new widget.
st.sidebar.selectbox(
    " / ".join(i18n.t("settings.language", code) for code in i18n.LANGS),
    i18n.LANGS,
    key=sh.K_LANG,
    format_func=lambda code: i18n.t(f"lang.{code}", code),  # each name in its own language
)


def login_page() -> None:
    st.title(sh.tr("app.title"))
    st.caption(sh.tr("app.subtitle"))
    sh.show_notice()
    with st.columns([2, 3])[0], st.form("gm_login_form"):
        username = st.text_input(sh.tr("auth.username"))
        password = st.text_input(sh.tr("auth.password"), type="password")
        submitted = st.form_submit_button(sh.tr("auth.login"), type="primary")
    if submitted:
        user = sh.run_action(lambda: auth.authenticate(sh.get_store(), username.strip(), password))
        if user is None:
            st.error(sh.tr("auth.failed"))
        else:
            sh.log_in(user)
            st.rerun()


def sidebar(user: auth.User) -> None:
    store = sh.get_store()
    with st.sidebar:
        st.markdown(f"**{sh.tr('auth.logged_in_as', user=user.username)}**")  # escaped by tr
        st.caption(f"{sh.tr('app.role')}: {sh.lbl(user.role, 'user_role')}")
        if user.scope is None:
            scope = sh.tr("app.scope_all")
        else:
            names = sh.community_names(sh.visible_frames(user))
            scope = sh.md("、".join(names.get(c, c) for c in user.scope))
        st.caption(f"{sh.tr('app.scope')}: {scope}")
        st.caption(f"{sh.tr('app.store')}: {sh.md(store.safe_url)}")
        if st.button(sh.tr("auth.logout"), key="gm_logout"):
            sh.log_out(sh.tr("auth.logged_out"))
            st.rerun()


# (section, file, title key, Material icon, right needed); the first page is the default.
PAGES = [
    ("nav.section.map", "pages/map.py", "nav.map", "map", "view"),
    ("nav.section.map", "pages/points.py", "nav.points", "place", "view"),
    ("nav.section.map", "pages/report.py", "nav.report", "add_a_photo", "edit_issues"),
    ("nav.section.grids", "pages/split.py", "nav.split", "grid_on", "edit_grids"),
    ("nav.section.grids", "pages/reassign.py", "nav.reassign", "swap_horiz", "assign"),
    ("nav.section.grids", "pages/workers.py", "nav.workers", "badge", "assign"),
    ("nav.section.checks", "pages/checks.py", "nav.checks", "rule", "run_checks"),
    ("nav.section.checks", "pages/issues.py", "nav.issues", "assignment", "view"),
    ("nav.section.checks", "pages/dashboard.py", "nav.dashboard", "monitoring", "view"),
    ("nav.section.data", "pages/import.py", "nav.import", "upload_file", "import"),
    ("nav.section.data", "pages/export.py", "nav.export", "download", "export"),
    ("nav.section.admin", "pages/users.py", "nav.users", "group", "manage_users"),
    ("nav.section.admin", "pages/tokens.py", "nav.tokens", "key", "manage_users"),
    ("nav.section.admin", "pages/settings.py", "nav.settings", "settings", "edit_settings"),
    ("nav.section.admin", "pages/about.py", "nav.about", "info", "view"),
]

if sh.touch_session():
    user = sh.current_user()
    sections: dict[str, list] = {}
    for section, path, title, icon, right in PAGES:
        if auth.can(user, right) and (ROOT / path).is_file():
            url = Path(path).stem
            page = st.Page(
                path,
                title=sh.tr(title),
                icon=f":material/{icon}:",
                url_path=url,
                default=not sections,
            )
            sections.setdefault(sh.tr(section), []).append(page)
    current = st.navigation(sections, expanded=True)
    sidebar(user)
    sh.show_notice()
    try:
        current.run()
    except GridmapError as exc:  # e.g. the store is unreachable: a message, not a traceback
        st.error(sh.tr("error.generic", message=str(exc)))
else:
    st.navigation([st.Page(login_page, title=sh.tr("auth.login"), url_path="login")]).run()
