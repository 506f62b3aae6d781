"""AppTest smoke tests of the split, reassign and workers pages (run directly, as a planner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n
from gridmap.model import UserRole

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "pages/split.py": "nav.split",
    "pages/reassign.py": "nav.reassign",
    "pages/workers.py": "nav.workers",
}
C1 = "330102011001"


def _page(page: str, role: str = "planner", scope=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state["gm_user"] = auth.User(role, UserRole(role), scope)
    return at


def _button(at: AppTest, key: str):
    label = i18n.t(key)
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_for_a_planner(app_url, page):
    at = _page(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert [s.value for s in at.subheader] == [i18n.t(PAGES[page])]


@pytest.mark.parametrize("page", list(PAGES))
def test_page_refuses_a_viewer(app_url, page):
    at = _page(page, "viewer").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == []
    assert len(at.error) == 1


def test_split_preview_then_save(app_url, app_store):
    at = _page("pages/split.py").run()
    at.radio(key="gm_split_method").set_value("cells").run()
    _button(at, "split.preview").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    summaries = [m.value for m in at.markdown if m.value.startswith("共 ")]
    assert summaries and "个网格" in summaries[0]
    at.checkbox(key="gm_split_confirm").check().run()
    _button(at, "split.save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert app_store.read_audit(limit=1000)["action"].eq("replace_grids").any()


def test_reassign_assign_undo_and_save(app_url, app_store):
    at = _page("pages/reassign.py").run()
    assert not at.exception
    grid = f"{C1}001"
    at.multiselect(key="gm_reassign_selected").set_value([grid]).run()
    at.selectbox(key="gm_reassign_worker").set_value("W0010").run()
    _button(at, "reassign.assign").click().run()
    assert not at.exception
    assert i18n.t("reassign.changes", n=1) in [c.value for c in at.caption]
    _button(at, "reassign.undo").click().run()
    assert i18n.t("reassign.changes", n=0) in [c.value for c in at.caption]
    _button(at, "reassign.redo").click().run()
    _button(at, "reassign.validate").click().run()
    assert not at.exception
    _button(at, "reassign.save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert "W0010" in {w["code"] for w in app_store.workers_of(grid)}


def test_reassign_rebalance_shows_a_diff_and_applies_it(app_url):
    at = _page("pages/reassign.py").run()
    # tight bounds around the target, so that moves are needed
    target = at.number_input(key="gm_rb_target_households").value
    at.number_input(key="gm_rb_min_households").set_value(target * 0.95)
    at.number_input(key="gm_rb_max_households").set_value(target * 1.05).run()
    tables = len(at.dataframe)  # the grid table
    _button(at, "reassign.rebalance").click().run()
    assert not at.exception
    assert len(at.dataframe) == tables + 1, [i.value for i in at.info]  # plus the diff
    _button(at, "reassign.apply").click().run()
    assert not at.exception
    assert not any(c.value == i18n.t("reassign.changes", n=0) for c in at.caption)


def test_workers_add_and_deactivate(app_url, app_store):
    at = _page("pages/workers.py").run()
    at.text_input[0].set_value("新网格员")
    at.button[0].click().run()
    assert not at.exception
    assert "新网格员" in set(app_store.read_layer("workers")["name"])
    at.selectbox(key="gm_worker_off_code").set_value("W0001").run()
    at.checkbox(key="gm_worker_off_sure").check().run()
    _button(at, "workers.deactivate").click().run()
    assert not at.exception
    assert "W0001" not in set(app_store.read_layer("workers")["code"])


def test_reassign_stale_save_is_refused_with_a_message(app_url, app_store):
    from gridmap.grids import service as grid_service

    at = _page("pages/reassign.py").run()
    grid = f"{C1}001"
    at.multiselect(key="gm_reassign_selected").set_value([grid]).run()
    at.selectbox(key="gm_reassign_worker").set_value("W0010").run()
    _button(at, "reassign.assign").click().run()
    # meanwhile another planner reassigns the same grid
    other = grid_service.read_plan(app_store)
    other.assign(grid, "W0011", "full_time")
    grid_service.save_assignments(app_store, auth.User("other", UserRole.PLANNER), other)
    _button(at, "reassign.save").click().run()
    assert not at.exception
    # told in the user's language (Chinese by default), with what the others changed
    told = [w.value for w in at.warning if "未保存" in w.value]
    assert len(told) == 1 and grid in told[0] and "W0011" in told[0]
    holders = {w["code"] for w in app_store.workers_of(grid)}
    assert "W0011" in holders and "W0010" not in holders
