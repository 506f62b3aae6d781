"""A stale edit on the points page is told, with the other change and two ways out (#14)."""

from __future__ import annotations

import pytest

from gridmap import auth, i18n
from gridmap.model import UserRole
from gridmap.records import points
from tests.app.test_pages import _app

ADMIN = auth.User("admin", UserRole.ADMIN)


@pytest.fixture
def board(app_store):
    row = app_store.read_layer("boards").iloc[0]
    return int(row["id"]), int(row["version"])


def _stale_save(app_store, board):
    """The planner types a theme; the admin saves another first; the planner saves."""
    point_id, version = board
    at = _app("planner", "planner").switch_page("pages/points.py").run()
    at.selectbox(key="gm_points_pick").select(point_id).run()
    key = f"gm_edit_{point_id}_{version}"
    at.text_input(key=f"{key}_theme").input("规划员的主题")
    points.update_point(app_store, ADMIN, point_id, {"theme": "管理员的主题", "panels": 7},
                        version=version)
    at.button(key=f"FormSubmitter:{key}-{i18n.t('points.save')}").click().run()
    assert not at.exception
    return at


def test_a_stale_save_is_told_with_the_other_change(app_url, app_store, board):
    at = _stale_save(app_store, board)
    point_id, version = board
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "admin" in warnings[0] and "未保存" in warnings[0]
    shown = at.table[0].value
    after = dict(zip(shown[i18n.t("conflict.field")], shown[i18n.t("conflict.after")],
                     strict=True))
    assert after[i18n.t("field.theme")] == "管理员的主题"
    assert after[i18n.t("field.panels")] == "7"
    # nothing of the planner's was written, and the typed value is still in the form
    assert app_store.get("points", point_id)["attrs"]["theme"] == "管理员的主题"
    assert at.text_input(key=f"gm_edit_{point_id}_{version}_theme").value == "规划员的主题"


def test_reapplying_writes_the_change_on_the_new_version(app_url, app_store, board):
    at = _stale_save(app_store, board)
    point_id, version = board
    at.button(key=f"gm_point_{point_id}_conflict_reapply").click().run()
    assert not at.exception
    row = app_store.get("points", point_id)
    assert row["attrs"]["theme"] == "规划员的主题" and row["attrs"]["panels"] == 7
    assert row["version"] == version + 2
    assert not at.warning
    assert at.text_input(key=f"gm_edit_{point_id}_{version + 2}_theme").value == "规划员的主题"


def test_loading_their_version_drops_the_change(app_url, app_store, board):
    at = _stale_save(app_store, board)
    point_id, version = board
    at.button(key=f"gm_point_{point_id}_conflict_reload").click().run()
    assert not at.exception
    assert app_store.get("points", point_id)["version"] == version + 1
    assert at.text_input(key=f"gm_edit_{point_id}_{version + 1}_theme").value == "管理员的主题"
    assert [i.value for i in at.info] == [i18n.t("conflict.reloaded")]


def _page(name: str, role: str):
    import time
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parents[2]
    at = AppTest.from_file(str(root / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["gm_user"] = auth.User(role, UserRole(role))
    at.session_state["gm_last_active"] = time.time()
    return at


def test_a_stale_issue_move_is_told(app_url, app_store):
    from gridmap import issues

    frame = app_store.read_layer("issues")
    target = int(frame.loc[frame["status"] == "reported", "id"].iloc[0])
    at = _page("issues", "inspector").run()
    at.selectbox(key="gm_iss_pick").set_value(target).run()
    # someone else registers the case first, with a note
    issues.move_issue(app_store, ADMIN, target, "registered", version=1, note="已立案")
    next(b for b in at.button if b.label == i18n.t("issues.move")).click().run()
    assert not at.exception
    told = [w.value for w in at.warning if "未保存" in w.value]
    assert len(told) == 1 and "admin" in told[0]
    after_column = i18n.t("conflict.after")
    shown = next(t.value for t in at.table if after_column in t.value.columns)
    assert i18n.label("registered", field="status") in set(shown[after_column])
    assert app_store.get("issue_reports", target)["version"] == 2


def test_a_stale_worker_edit_is_told_not_dropped(app_url, app_store):
    from gridmap.records import workers

    at = _page("workers", "planner").run()
    at.selectbox(key="gm_worker_edit_code").set_value("W0002").run()
    version = int(workers.get_worker(app_store, "W0002")["version"])
    form = f"gm_worker_edit_W0002_{version}"
    at.text_input(key=f"{form}_phone").input("13900000000")
    workers.update_worker(app_store, ADMIN, "W0002", version=version, notes="管理员备注")
    at.button(key=f"FormSubmitter:{form}-{i18n.t('workers.edit')}").click().run()
    assert not at.exception
    assert [w.value for w in at.warning if "未保存" in w.value]
    at.button(key="gm_worker_W0002_conflict_reapply").click().run()
    assert not at.exception
    row = workers.get_worker(app_store, "W0002")
    assert (row["phone"], row["notes"]) == ("13900000000", "管理员备注")


def test_a_refused_versioned_save_is_told_in_chinese(app_url, app_store, board):
    """A versioned write refused for another reason than a conflict: its message, in Chinese."""
    point_id, version = board
    at = _app("planner", "planner").switch_page("pages/points.py").run()
    at.selectbox(key="gm_points_pick").select(point_id).run()
    key = f"gm_move_{point_id}_{version}"
    form = [n for n in at.number_input if n.label == i18n.t("points.lon")]
    form[-1].set_value(100.0)  # far outside every grid of the street
    at.button(key=f"FormSubmitter:{key}-{i18n.t('points.move')}").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "不在任何网格内" in errors[0]
    assert "outside" not in errors[0]  # not the English text
    assert app_store.get("points", point_id)["version"] == version  # nothing written
