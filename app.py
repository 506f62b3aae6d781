"""gridmap web app: navigation, login, language and the sidebar frame.

Run with ``gridmap serve`` (which prepares the store and the offline map assets and
serves this script through ``asgi.py``). The login is a server-side session: the
form posts to gridmap's /auth/login route, which sets an HttpOnly cookie, and every
run resolves the user from that cookie (re-reading role, scope and active flag).
Pages (gridmap.web.pages.PAGES) are registered explicitly with st.navigation, so
Streamlit's automatic pages/ discovery is not used.
"""

from pathlib import Path

import streamlit as st

from gridmap import auth, i18n
from gridmap.errors import GridmapError
from gridmap.web import html as web_html
from gridmap.web.pages import PAGES
from pages import _shared as sh

ROOT = Path(__file__).resolve().parent

# The favicon is a local image: Material or emoji icons as favicons are fetched from a CDN.
st.set_page_config(page_title="gridmap", page_icon=sh.favicon(), layout="wide")
sh.track_session()  # its memory is released once the session has ended

# Language switch, on every run (also before login) so its state persists. Its label and
# options do not depend on the language: a changed label would make it a new widget.
st.sidebar.selectbox(
    " / ".join(i18n.t("settings.language", code) for code in i18n.LANGS),
    i18n.LANGS,
    key=sh.K_LANG,
    format_func=lambda code: i18n.t(f"lang.{code}", code),  # each name in its own language
)


def login_page() -> None:
    """The login form (it posts to gridmap's /auth/login route, which sets the cookie)."""
    st.title(sh.tr("app.title"))
    st.caption(sh.tr("app.subtitle"))
    sh.show_notice()
    sh.show_login_error()
    with st.columns([2, 3])[0]:
        st.html(web_html.login_form(sh.lang(), next_path=sh.next_path(current_path)))


def no_such_page() -> None:
    """A page the user may not open: the same answer as an address that is no page."""
    st.title(sh.tr("notfound.title"))
    st.markdown(sh.tr("notfound.text"))
    st.page_link(default_page, label=sh.tr("notfound.home"))


def start_page() -> None:
    """The site root: go on to the user's first page, whose own address then stays valid.

    Streamlit serves its default page at the root only: the default page's own
    address (a bookmark of /map, the login's way back to it) answered with an
    English "Page not found" dialog over the page. So no real page is the default.
    """
    st.switch_page(default_page)


def sidebar(user: auth.User) -> None:
    store = sh.get_store()
    with st.sidebar:
        st.markdown(f"**{sh.tr('auth.logged_in_as', user=user.username)}**")  # escaped by tr
        st.caption(f"{sh.tr('app.role')}: {sh.lbl(user.role, 'user_role')}")
        if user.scope is None:
            scope = sh.tr("app.scope_all")
        else:
            names = sh.community_names(sh.visible_frames(user, ["communities"]))
            scope = sh.md("、".join(names.get(c, c) for c in user.scope))
        st.caption(f"{sh.tr('app.scope')}: {scope}")
        if auth.can(user, "manage_users"):  # the store URL is for admins only (masked)
            st.caption(f"{sh.tr('app.store')}: {sh.md(store.safe_url)}")
        if st.button(sh.tr("auth.logout"), key="gm_logout"):
            sh.log_out()
            st.rerun()


current_path = ""  # the url path of the page asked for (login form: where to return)
if sh.resolve_login():
    user = sh.current_user()
    allowed = [p for p in PAGES if auth.can(user, p.right) and (ROOT / p.file).is_file()]
    sections: dict[str, list] = {}
    default_page = None
    hidden = []
    for page_def in PAGES:
        if page_def in allowed:
            page = st.Page(page_def.file, title=sh.tr(page_def.title),
                           icon=f":material/{page_def.icon}:", url_path=page_def.url_path)
            default_page = default_page or page
            sections.setdefault(sh.tr(page_def.section), []).append(page)
        else:  # registered hidden, so a bookmark of it gets a Chinese answer, not a dialog
            hidden.append(st.Page(no_such_page, title=sh.tr("notfound.title"),
                                  url_path=page_def.url_path, visibility="hidden"))
    if default_page is not None:  # the root goes on to the first page (start_page)
        hidden.append(st.Page(start_page, title=default_page.title, url_path="start",
                              default=True, visibility="hidden"))
    if hidden:
        sections.setdefault(sh.tr(PAGES[-1].section), []).extend(hidden)
    current = st.navigation(sections, expanded=True)
    sidebar(user)
    sh.show_notice()
    try:
        current.run()
    except GridmapError as exc:  # e.g. the store is unreachable: a message, not a traceback
        st.error(sh.tr("error.generic", message=sh.err_text(exc)))
else:
    # every page address shows the login form, which returns to that page afterwards
    # (the root is a page of its own: the default page's address would not be found)
    pages = [st.Page(login_page, title=sh.tr("auth.login"), url_path="start", default=True)]
    pages += [st.Page(login_page, title=sh.tr("auth.login"), url_path=p.url_path)
              for p in PAGES]
    current = st.navigation(pages, position="hidden")
    current_path = "" if current.url_path in ("", "start") else current.url_path
    current.run()
