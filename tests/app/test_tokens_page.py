"""The API tokens page: create (the token shown once), list, revoke."""

from __future__ import annotations

from pathlib import Path

from apptest_login import app_as
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n
from gridmap.records import tokens

APP = Path(__file__).resolve().parents[2] / "app.py"


def _admin_app() -> AppTest:
    return app_as("admin").switch_page("pages/tokens.py")


def test_tokens_page_creates_shows_once_and_revokes(app_url, app_store):
    at = _admin_app().run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [i18n.t("nav.tokens")]
    at.text_input[0].input("district platform")
    next(b for b in at.button if b.label == i18n.t("tokens.create")).click()
    at.run()
    assert not at.exception and [e.value for e in at.error] == []
    (shown,) = [c.value for c in at.code]
    assert tokens.admit(app_store, shown, right="read", note="test").refused is None
    listed = tokens.list_tokens(app_store, by=auth.SYSTEM)
    assert list(listed["name"]) == ["district platform"]
    assert set(listed["rights"].iloc[0]) == {"report", "read"}

    at.run()  # the next run no longer shows the token
    assert [c.value for c in at.code] == []
    at.checkbox(key="gm_token_confirm").check()
    at.run()
    at.button(key="gm_token_revoke").click()
    at.run()
    assert not at.exception
    assert tokens.admit(app_store, shown, right="read", note="test").refused == "token_revoked"
