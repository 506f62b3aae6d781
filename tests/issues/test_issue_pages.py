"""AppTest smoke tests of the report, issues and dashboard pages on a copy of the demo store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n
from gridmap.model import UserRole
from gridmap.store import Store

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"report": "nav.report", "issues": "nav.issues", "dashboard": "nav.dashboard"}


@pytest.fixture
def app_db(issue_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDMAP_DB", issue_db)
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "gridmap.toml"))
    return issue_db


def page(name: str, role: str, scope=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["gm_user"] = auth.User(role, UserRole(role), scope)
    at.session_state["gm_last_active"] = time.time()
    return at


def button(at: AppTest, key: str):
    label = i18n.t(key)
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("role", ["viewer", "inspector", "admin"])
def test_page_runs(app_db, name, role):
    at = page(name, role).run()
    assert not at.exception
    if name == "report" and role == "viewer":
        assert [e.value for e in at.error] == [
            i18n.t("auth.no_right", role=i18n.label("viewer", field="user_role"))
        ]
        return
    assert [e.value for e in at.error] == []
    assert [s.value for s in at.subheader] == [i18n.t(PAGES[name])]


def stored_page(app_db, name: str, role: str, **draft) -> AppTest:
    """A page run by a user the store holds (the report form keeps its draft there)."""
    from gridmap.issues import field

    store = Store(app_db)
    user_id = auth.create_user(store, f"{role}1", "page-pass-1", role=role)
    user = auth.User(f"{role}1", UserRole(role), None, user_id)
    if draft:
        field.save_draft(store, user, field.load_draft(store, user), **draft)
    store.close()
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["gm_user"] = user
    return at


def test_report_with_typed_coordinates(app_db):
    store = Store(app_db)
    point = store.read_layer("grids").geometry.iloc[4].representative_point()
    store.close()
    at = stored_page(app_db, "report", "inspector", category="市容环境")
    at.run()
    at.number_input[0].set_value(round(point.x, 6))
    at.number_input[1].set_value(round(point.y, 6))
    at.run()
    at.text_input[0].input("路边暴露垃圾")
    button(at, "report.submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert any(s.value.startswith("已上报，案件编号 AJ") for s in at.success)
    store = Store(app_db)
    assert store.counts()["issues"] == 81
    store.close()


def test_report_needs_a_category_and_a_position(app_db):
    at = stored_page(app_db, "report", "volunteer").run()
    button(at, "report.submit").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [i18n.t("report.no_category")]
    at = stored_page(app_db, "report", "inspector", category="市容环境").run()
    button(at, "report.submit").click().run()
    assert [w.value for w in at.warning] == [i18n.t("report.no_pick")]


@pytest.mark.parametrize("name", ["todo", "my_reports"])
def test_field_pages_run(app_db, name):
    store = Store(app_db)
    worker = store.read_layer("workers")["code"].iloc[0]
    user_id = auth.create_user(store, "wk", "page-pass-1", role="worker", worker=worker)
    store.close()
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["gm_user"] = auth.User("wk", UserRole.WORKER, None, user_id, worker)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert [s.value for s in at.subheader] == [i18n.t(f"nav.{name}")]


def test_issue_detail_and_move(app_db):
    store = Store(app_db)
    row = store.read_layer("issues")
    target = int(row.loc[row["status"] == "reported", "id"].iloc[0])
    store.close()
    at = page("issues", "inspector").run()
    at.selectbox(key="gm_iss_pick").set_value(target).run()
    assert not at.exception
    assert any(b.label == i18n.t("issues.move") for b in at.button)
    button(at, "issues.move").click().run()  # first move offered: register
    assert not at.exception
    assert [e.value for e in at.error] == []
    store = Store(app_db)
    assert store.get("issue_reports", target)["status"] == "registered"
    store.close()


def test_viewer_sees_no_moves(app_db):
    store = Store(app_db)
    target = int(store.read_layer("issues")["id"].iloc[0])
    store.close()
    at = page("issues", "viewer").run()
    at.selectbox(key="gm_iss_pick").set_value(target).run()
    assert not at.exception
    assert i18n.t("issues.no_moves") in [c.value for c in at.caption]
    assert not any(b.label == i18n.t("issues.move") for b in at.button)


def test_daily_tab(app_db):
    at = page("issues", "inspector")
    at.session_state["gm_iss_view"] = "daily"  # the segmented control's choice
    at.run()
    at.selectbox(key="gm_iss_daily_worker").select_index(0).run()
    assert not at.exception


def test_dashboard_month_switch(app_db):
    at = page("dashboard", "admin").run()
    at.selectbox(key="gm_dash_month").set_value("2026-10").run()
    assert not at.exception
    assert [e.value for e in at.error] == []


def test_other_pages_can_open_a_case(app_db):
    store = Store(app_db)
    target = int(store.read_layer("issues")["id"].iloc[5])
    code = store.get("issue_reports", target)["code"]
    store.close()
    at = page("issues", "viewer")
    at.session_state["gm_issue_request"] = target
    at.run()
    assert not at.exception
    assert at.selectbox(key="gm_iss_pick").value == target
    assert any(code in t.value.to_string() for t in at.table)
