"""The export page (AppTest): pickers, generate, download; progress for a dossier."""

from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n
from gridmap.model import UserRole

PAGE = Path(__file__).resolve().parents[2] / "pages" / "export.py"


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def _page(role: str, scope=None) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=90)
    at.session_state["gm_user"] = auth.User(role, UserRole(role), scope)
    at.session_state["gm_last_active"] = time.time()
    return at


def _downloads(at: AppTest) -> list:
    return list(at.get("download_button"))


def test_roster_download_for_a_viewer(demo_db, demo_store):
    at = _page("viewer").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [i18n.t("nav.export")]
    kinds = at.selectbox(key="gm_export_kind").options
    assert i18n.t("export.page.kind.supervision") not in kinds  # viewers cannot run checks
    assert i18n.t("export.page.masked") in [c.value for c in at.caption]
    at.button(key="gm_export_go").click().run()
    assert not at.exception and not at.error
    assert len(_downloads(at)) == 1
    audit = demo_store.read_audit(limit=1).iloc[0]
    assert audit["action"] == "export" and audit["username"] == "viewer"
    assert audit["after"]["what"] == "roster"


def test_grid_dossier_download(demo_db, demo_store):
    at = _page("inspector").run()
    at.selectbox(key="gm_export_kind").set_value("dossier").run()
    at.radio(key="gm_export_scope_dossier").set_value("grid").run()
    assert not at.exception
    at.button(key="gm_export_go").click().run()
    assert not at.exception and not at.error
    assert len(_downloads(at)) == 1
    assert demo_store.read_audit(limit=1).iloc[0]["after"]["what"] == "dossier"


def test_scoped_user_sees_only_their_communities(demo_db):
    at = _page("viewer", ("330102011001",)).run()
    at.radio(key="gm_export_scope_roster").set_value("community").run()
    assert at.selectbox(key="gm_export_comm").options == ["清波社区 (330102011001)"]


def test_viewer_gets_a_masked_roster_file(demo_db):
    at = _page("viewer").run()
    at.radio(key="gm_export_fmt_roster").set_value("xlsx").run()
    at.button(key="gm_export_go").click().run()
    payload = at.session_state["gm_export_result"][2]
    ws = openpyxl.load_workbook(io.BytesIO(payload)).active
    assert [c.value for c in ws[2]][1] == "网格编码"
    assert "****" in " ".join(str(c.value) for c in ws["F"][2:])
