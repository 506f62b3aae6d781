"""Fixtures for the app tests, on the root conftest's demo store.

``app_url``
    a private copy of the demo store (``demo_db``); ``GRIDMAP_DB`` points at it and
    ``GRIDMAP_CONFIG`` at an empty settings file in the test's folder.
``app_password``
    the password of every demo user (``viewer`` … ``admin``, ``scoped_*``).
``app_store``
    the :class:`gridmap.store.Store` of ``app_url``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gridmap.store import Store

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep AppTest on st.navigation, as the served app is.

    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app
    until some run calls st.navigation (then for the whole process). AppTest
    resets that flag before every run, so its second run would execute the
    last page file on its own, without app.py. The served app switches the
    flag off on its first run and keeps it off.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def app_url(demo_db: str) -> str:
    """A private copy of the demo store (root conftest ``demo_db``); GRIDMAP_DB points at it."""
    return demo_db


@pytest.fixture
def app_password(demo_password: str) -> str:
    """The password of every user in ``demo_file``."""
    return demo_password


@pytest.fixture
def app_store(demo_store: Store) -> Store:
    """The :class:`gridmap.store.Store` of ``app_url``."""
    return demo_store
