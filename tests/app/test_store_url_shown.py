"""Only admins see the store URL (sidebar and About), and then with its password masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap import i18n
from tests.app.test_pages import _login

APP = Path(__file__).resolve().parents[2] / "app.py"


def _store_lines(at: AppTest) -> list[str]:
    label = i18n.t("app.store")
    texts = [e.value for e in (*at.main.caption, *at.sidebar.caption)]
    return [t for t in texts if t.startswith(f"{label}:")]


@pytest.mark.parametrize(("username", "shown"), [
    ("viewer", False), ("inspector", False), ("planner", False), ("scoped_planner", False),
    ("admin", True),
])
def test_the_store_url_is_shown_to_admins_only(app_url, username, shown):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["gm_session_token"] = _login(username)
    at.switch_page("pages/about.py").run()
    assert not at.exception
    lines = _store_lines(at)
    assert len(lines) == (2 if shown else 0)  # the sidebar and the About page
    database = Path(app_url.removeprefix("sqlite:///")).name.replace(".", "\\.")
    assert all(database in line for line in lines)
