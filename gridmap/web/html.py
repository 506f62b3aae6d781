"""Small HTML documents of the web layer: the login form and the "not found" page.

Every text comes from :mod:`gridmap.i18n` and every value is escaped. Neither
document has a script or an inline style, so both pass the app's
Content-Security-Policy.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from gridmap import i18n

__all__ = ["login_form", "not_found_page", "safe_next"]


def safe_next(path: str | None) -> str:
    r"""Return ``path`` if it is a path on this site (``/...``), else ``/``.

    Keeps a login from redirecting to another site (``//evil``, ``https://...``,
    ``/\\evil``).
    """
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in path):
        return "/"
    return path


def login_form(lang: str, *, next_path: str, action: str = "/auth/login") -> str:
    """Return the login form: user name, password and a button, posting to the login route.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``.
    next_path
        The page to return to after the login (checked with :func:`safe_next`).
    action
        The route the form posts to.
    """
    t = lambda key: escape(i18n.t(key, lang))  # noqa: E731
    nxt = escape(safe_next(next_path), quote=True)
    return (
        f'<form method="post" action="{escape(action, quote=True)}" class="gm-login">'
        f'<input type="hidden" name="next" value="{nxt}">'
        f'<p><label for="gm-username">{t("auth.username")}</label><br>'
        '<input id="gm-username" name="username" type="text" autocomplete="username" '
        'required maxlength="100"></p>'
        f'<p><label for="gm-password">{t("auth.password")}</label><br>'
        '<input id="gm-password" name="password" type="password" '
        'autocomplete="current-password" required maxlength="200"></p>'
        f'<p><button type="submit">{t("auth.login")}</button></p>'
        "</form>"
    )


def not_found_page(lang: str = "zh") -> str:
    """Return a whole HTML page saying the address is no page of the app, with a link home.

    The page is in ``lang`` (Chinese by default) with one English line below.
    """
    t = lambda key: escape(i18n.t(key, lang))  # noqa: E731
    en = lambda key: escape(i18n.t(key, "en"))  # noqa: E731
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{t("notfound.title")} - gridmap</title></head><body>'
        f"<h1>{t('notfound.title')}</h1><p>{t('notfound.text')}</p>"
        f'<p><a href="/">{t("notfound.home")}</a></p>'
        f'<p lang="en">{en("notfound.title")}. <a href="/">{en("notfound.home")}</a></p>'
        "</body></html>"
    )
