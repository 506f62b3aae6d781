"""AppTest of the inspection page (pages/checks.py) on a copy of the demo store."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n
from gridmap.model import UserRole

PAGE = Path(__file__).resolve().parents[2] / "pages" / "checks.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from gridmap.importing import import_demo
    from gridmap.store import Store

    path = tmp_path_factory.mktemp("checks_page") / "demo.sqlite"
    store = Store(f"sqlite:///{path.as_posix()}")
    store.upgrade()
    import_demo(store)
    store.close()
    return f"sqlite:///{path.as_posix()}"


def page(role: str, demo_db: str, monkeypatch, tmp_path, scope=None) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", demo_db)
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "gridmap.toml"))
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["gm_user"] = auth.User(role, UserRole(role), scope)
    at.session_state["gm_last_active"] = time.time()
    at.session_state["gm_lang"] = "zh"
    return at


def test_inspector_runs_the_checks(demo_db, monkeypatch, tmp_path):
    at = page("inspector", demo_db, monkeypatch, tmp_path).run()
    assert not at.exception and [s.value for s in at.subheader] == [i18n.t("nav.checks")]
    assert [i.value for i in at.info] == [i18n.t("checks.none_yet")]
    at.button(key="gm_chk_run").click().run()
    assert not at.exception and not at.error
    summary, failures, scores = at.dataframe
    assert len(summary.value) == len(at.multiselect(key="gm_chk_rules").value)
    assert len(failures.value) > 50
    assert "星际网咖" in " ".join(failures.value[i18n.t("field.check_object")])
    assert len(scores.value) == 40  # one row per grid
    at.multiselect(key="gm_chk_sev").set_value(["advisory"]).run()
    advisory = at.dataframe[1].value[i18n.t("field.check_severity")]
    assert set(advisory) == {i18n.t("checks.severity.advisory")}


def test_scoped_inspector_sees_only_their_community(demo_db, monkeypatch, tmp_path):
    at = page("inspector", demo_db, monkeypatch, tmp_path, scope=("330102011003",)).run()
    assert at.selectbox(key="gm_chk_scope").options == ["近江社区"]
    at.multiselect(key="gm_chk_rules").set_value(["bin_reach", "staffing"])
    at.button(key="gm_chk_run").click().run()
    assert not at.exception
    grids = at.dataframe[1].value[i18n.t("field.check_grid")]
    assert len(grids) and all(g.startswith("330102011003") for g in grids)


def test_viewer_may_not_run_checks(demo_db, monkeypatch, tmp_path):
    at = page("viewer", demo_db, monkeypatch, tmp_path).run()
    assert not at.exception
    assert at.error[0].value == i18n.t("auth.no_right", role=i18n.label("viewer", "zh"))
