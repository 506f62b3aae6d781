"""Scores on the imported demo cases: never NaN, dismissals kept apart from 结案."""

from __future__ import annotations

import pandas as pd

from gridmap import issues
from gridmap.auth import User
from gridmap.issues.scores import case_facts, monthly_scores
from gridmap.model import UserRole


def test_imported_demo_cases_have_a_score(demo_store):
    for month in ("2026-08", "2026-09", "2026-10"):
        for by in ("grid", "worker"):
            table = issues.month_scores(demo_store, month=month, by=by)
            assert len(table), (month, by)
            assert table["score"].notna().all() and table["score"].between(0, 100).all()
            assert list(table["rank"]) == list(range(1, len(table) + 1))
            assert table["score"].is_monotonic_decreasing


def test_a_dismissal_is_not_a_closure(demo_store):
    inspector = User("inspector", UserRole.INSPECTOR)
    found = issues.list_issues(demo_store, None)
    found["month"] = found["reported_at"].dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m")
    busy = found.groupby(["grid", "month"])["id"].transform("size") > 1
    case = found[(found["status"] == "reported") & busy].iloc[0]  # its grid keeps other cases
    month = case["month"]
    before = issues.month_scores(demo_store, month=month).set_index("grid").loc[case["grid"]]
    issues.move_issue(demo_store, inspector, int(case["id"]), "closed",
                      version=int(case["version"]), note="不属于受理范围")  # fmt: skip
    after = issues.month_scores(demo_store, month=month).set_index("grid")
    row = after.loc[case["grid"]]
    assert row["dismissed"] == before["dismissed"] + 1
    assert row["closed"] == before["closed"] and row["reports"] == before["reports"] - 1


def test_an_imported_verified_case_closed_later_is_a_closure():
    frame = pd.DataFrame({"id": [1, 2], "status": ["closed", "closed"],
                          "deadline": [pd.NaT, pd.NaT]})  # fmt: skip
    events = pd.DataFrame(
        {
            "issue_id": [1, 2, 2],
            "at": pd.to_datetime(["2026-10-02", "2026-10-02", "2026-10-03"], utc=True),
            "from_status": ["verified", "reported", "registered"],
            "to_status": ["closed", "registered", "closed"],
        }
    )
    facts = case_facts(frame, events)
    assert list(facts["dismissed"]) == [False, True]
    assert list(facts["handled"]) == [True, False]


def test_score_is_the_closure_rate_when_no_handling_time_is_known():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "grid": ["A", "A"],
            "status": ["closed", "handled"],
            "reported_at": pd.to_datetime(["2026-10-02", "2026-10-03"], utc=True),
            "deadline": pd.to_datetime(["2026-10-03", "2026-10-04"], utc=True),
        }
    )
    empty = pd.DataFrame({"issue_id": [], "at": [], "from_status": [], "to_status": []})
    table = monthly_scores(frame, empty, month="2026-10")
    assert pd.isna(table["on_time_rate"].iloc[0]) and table["score"].iloc[0] == 50.0
