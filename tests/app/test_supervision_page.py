"""AppTest of the 督办 page: accept, report, re-check after the data is fixed, close."""

from __future__ import annotations

import datetime as dt

from apptest_login import app_as

from gridmap import i18n, supervision
from gridmap.auth import User
from gridmap.model import UserRole

GRID = "330102011001008"  # 513 households: fails grid_households


def _button(at, action):
    return at.button(key=f"gm_sv_{action}")


def _state(app_store, number):
    return supervision.order_detail(app_store, None, number)["state"]


def test_the_page_takes_an_order_through_the_loop(app_url, app_store):
    inspector = User("inspector", UserRole.INSPECTOR)
    number = supervision.issue_from_failures(
        app_store, inspector, rules=["grid_households"], grids=[GRID], as_of=dt.date.today()
    )[0]["number"]
    at = app_as("inspector").switch_page("pages/supervision.py").run()
    assert not at.exception and [e.value for e in at.error] == []
    assert at.selectbox(key="gm_sv_pick").value == number
    _button(at, "accept").click().run()
    assert _state(app_store, number) == "rectifying"
    at.text_input(key="gm_sv_note").input("户数已重新核定").run()
    _button(at, "report").click().run()
    assert _state(app_store, number) == "rectified"
    _button(at, "recheck").click().run()  # data not fixed yet: back to 整改中
    assert _state(app_store, number) == "rectifying"
    assert any(i18n.t("supervision.recheck_left", n=1) in s.value for s in at.success)
    grids = app_store.read_layer("grids")
    row = grids[grids["code"] == GRID].iloc[0]
    app_store.update("grids", int(row["id"]), {"households": 460},
                     version=int(row["version"]), username="t")  # fmt: skip
    at.text_input(key="gm_sv_note").input("已拆分").run()
    _button(at, "report").click().run()
    _button(at, "recheck").click().run()
    assert _state(app_store, number) == "passed"
    _button(at, "close").click().run()
    assert _state(app_store, number) == "done"
    assert not at.exception


def test_viewers_may_not_open_the_page(app_url):
    at = app_as("viewer").switch_page("pages/supervision.py").run()
    assert not at.exception
    assert i18n.t("nav.supervision") not in [s.value for s in at.subheader]


def test_the_dashboard_shows_the_ledger_without_nan(app_url):
    at = app_as("admin").switch_page("pages/dashboard.py").run(timeout=60)
    assert not at.exception and [e.value for e in at.error] == []
    tables = [d.value for d in at.dataframe]
    score = i18n.t("ledger.col.score")
    ledgers = [t for t in tables if score in t.columns]
    assert ledgers and len(ledgers[0]) > 0 and ledgers[0][score].notna().all()
    for level in ("community", "worker"):
        at.radio(key="gm_dash_ledger_level").set_value(level).run(timeout=60)
        assert not at.exception
