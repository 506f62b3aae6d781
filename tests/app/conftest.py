"""Fixtures for the app tests: a demo store built once per session, copied per test.

``demo_file``
    an SQLite file with the demo street and one user per role (password
    :data:`PASSWORD`), plus ``scoped_planner`` / ``scoped_admin`` limited to the
    first community. Loading the demo takes seconds, so it is built once.
``app_url``
    a fresh copy of that file for one test; ``GRIDMAP_DB`` points at it and
    ``GRIDMAP_CONFIG`` at an empty settings file in the test's folder.
``app_store``
    the :class:`gridmap.store.Store` of ``app_url``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridmap import auth
from gridmap.importing import import_demo
from gridmap.store import Store, open_store

PASSWORD = "correct-horse-9"
ROLES = ("viewer", "inspector", "planner", "admin")
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


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = open_store(f"sqlite:///{path}")
    try:
        import_demo(store)
        first = sorted(store.read_layer("communities")["code"])[0]
        for role in ROLES:
            auth.create_user(store, role, PASSWORD, role=role)
        auth.create_user(store, "scoped_planner", PASSWORD, role="planner", scope=[first])
        auth.create_user(store, "scoped_admin", PASSWORD, role="admin", scope=[first])
        auth.create_user(store, "scoped_inspector", PASSWORD, role="inspector", scope=[first])
    finally:
        store.close()
    return path


@pytest.fixture
def app_url(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    copy = tmp_path / "store.sqlite"
    shutil.copyfile(demo_file, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "gridmap.toml"))
    return url


@pytest.fixture
def app_password() -> str:
    """The password of every user in ``demo_file``."""
    return PASSWORD


@pytest.fixture
def app_store(app_url: str) -> Iterator[Store]:
    store = open_store(app_url)
    yield store
    store.close()
