"""Log a demo user into an AppTest: a real session in the store (AppTest sends no cookies)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gridmap import auth
from gridmap.model import UserRole
from gridmap.store import open_store
from gridmap.web import sessions as web_sessions

APP = Path(__file__).resolve().parents[2] / "app.py"


def login_token(username: str, *, now: dt.datetime | None = None) -> str:
    """A real login session of a demo user in the store; returns its token."""
    store = open_store(upgrade=False)  # GRIDMAP_DB: the test's demo copy
    try:
        row = store.find_user(username)
        scope = tuple(row["scope"]) if row["scope"] is not None else None
        user = auth.User(username, UserRole(row["role"]), scope, row["id"])
        token, _ = web_sessions.start_session(store, user, user_agent="AppTest", now=now)
    finally:
        store.close()
    return token


def app_as(username: str | None = None) -> AppTest:
    """The app with ``username`` logged in (``None``: logged out)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if username is not None:
        at.session_state["gm_session_token"] = login_token(username)
    return at
