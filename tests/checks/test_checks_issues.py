"""Issue reports open past their category deadline."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from checkfixtures import G1, G2, frame, make_street, pt, run

from gridmap.checks.issues import deadlines_from_categories
from gridmap.issues import load_issue_config

NOW = dt.datetime(2026, 11, 1, 12, 0)


@pytest.fixture(autouse=True)
def _default_issue_config(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "none.toml"))


def street_with_issues(rows):
    layers = make_street()
    layers["issues"] = frame(
        [pt(100 + 100 * i, 100) for i in range(len(rows))],
        code=[r[0] for r in rows],
        category=[r[1] for r in rows],
        subcategory=[r[2] for r in rows],
        status=[r[3] for r in rows],
        reported_at=[pd.Timestamp(r[4]) for r in rows],
        deadline=[None if r[5] is None else pd.Timestamp(r[5]) for r in rows],
    )
    return layers


def test_deadlines_from_the_issue_categories():
    cfg = load_issue_config("/nonexistent/gridmap.toml")
    # Monday 2026-11-02 09:00 in Shanghai; 暴露垃圾 has 4 working hours: 9-12 and 13:30-14:30
    when = pd.Series(pd.to_datetime(["2026-11-02 01:00", "2026-11-02 01:00"], utc=True))
    due = deadlines_from_categories(
        when, ["市容环境", "没有这类"], ["暴露垃圾", None], default_h=72, issue_config=cfg
    )
    assert due[0] == pd.Timestamp("2026-11-02 06:30", tz="UTC")
    assert due[1] == pd.Timestamp("2026-11-05 01:00", tz="UTC")
    plain = deadlines_from_categories(when, ["市容环境"] * 2, [None] * 2, default_h=10)
    assert (plain == pd.Timestamp("2026-11-02 11:00", tz="UTC")).all()


def test_open_reports_past_their_deadline():
    layers = street_with_issues(
        [
            ("A1", "市容环境", "暴露垃圾", "dispatched", "2026-11-01T07:00", "2026-11-01T11:00"),
            ("A2", "市容环境", "暴露垃圾", "dispatched", "2026-11-01T09:00", "2026-11-01T13:00"),
            ("A3", "市容环境", "暴露垃圾", "closed", "2026-10-01T07:00", "2026-10-01T11:00"),
            ("A4", "没有这类", None, "reported", "2026-10-29T11:00", None),  # 72 h: due 11-01 11:00
            ("A5", "施工管理", "无证掘路", "suspended", "2026-10-01T11:00", None),  # clock stopped
            ("A6", "其他", "噪声扰民", "registered", "2026-10-31T12:00", "2026-11-01T13:00"),
        ]
    )
    result = run(layers, "issue_deadlines", as_of=NOW)
    by_id = {f.object_id: f for f in result.failures}
    assert set(by_id) == {"A1", "A4"}
    assert by_id["A1"].measured == pytest.approx(1.0) and by_id["A1"].unit == "h"
    assert by_id["A4"].measured == pytest.approx(1.0)
    assert by_id["A1"].grid == G1 and by_id["A4"].grid == G1  # at x = 100 and 400 m
    assert result.checked == 4  # the open ones


def test_recorded_deadline_or_table():
    layers = street_with_issues(
        [
            ("A6", "其他", "噪声扰民", "registered", "2026-10-31T12:00", "2026-11-01T10:00"),
        ]
    )
    (f,) = run(layers, "issue_deadlines", as_of=NOW).failures
    assert f.measured == pytest.approx(2.0)
    # 其他/噪声扰民 has a calendar time limit in the issue configuration
    hours = load_issue_config("/nonexistent/gridmap.toml").limit_for("其他", "噪声扰民").hours
    late = run(layers, "issue_deadlines", as_of=NOW, params={"use_recorded_deadline": False})
    assert late.ok is (hours >= 24)


def test_routed_grid_answers():
    layers = street_with_issues([("A1", "没有这类", None, "reported", "2026-10-01", None)])
    layers["issues"]["grid_code"] = [G2]
    (f,) = run(layers, "issue_deadlines", as_of=NOW).failures
    assert f.grid == G2 and f.workers == ("王三", "赵四")


def test_a_date_means_the_start_of_that_day():
    layers = street_with_issues([("A1", "没有这类", None, "reported", "2026-10-29T01:00", None)])
    assert run(layers, "issue_deadlines", as_of=dt.date(2026, 11, 1)).ok  # due 01:00 on 11-01
    assert not run(layers, "issue_deadlines", as_of=dt.date(2026, 11, 2)).ok
