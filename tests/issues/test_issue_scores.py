"""Monthly scores on a hand-made month, the ranking and the XLSX export."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from gridmap.errors import InputError
from gridmap.issues.scores import XLSX_HEADERS, monthly_scores, scores_xlsx


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Asia/Shanghai").tz_convert("UTC")


# October 2026. Grid A: 3 cases (one handled late, one returned once then closed, one open);
# grid B: 1 case closed on time; one case merged as a duplicate; one case reported in September;
# one case reported 2026-10-31 23:30 local (= 15:30 UTC, still October).
ISSUES = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6, 7],
        "grid": ["A", "A", "A", "B", "B", "A", "B"],
        "workers": [["w1", "w2"], ["w1"], ["w1", "w2"], ["w3"], ["w3"], ["w1"], ["w3"]],
        "status": ["closed", "closed", "dispatched", "closed", "closed", "closed", "reported"],
        "reported_at": [
            ts("2026-10-05 10:00"), ts("2026-10-06 10:00"), ts("2026-10-20 10:00"),
            ts("2026-10-07 10:00"), ts("2026-10-08 10:00"), ts("2026-09-30 10:00"),
            ts("2026-10-31 23:30"),
        ],
        "deadline": [
            ts("2026-10-05 14:00"), ts("2026-10-06 18:00"), ts("2026-10-20 14:00"),
            ts("2026-10-07 12:00"), ts("2026-10-08 12:00"), ts("2026-09-30 12:00"),
            ts("2026-11-01 12:00"),
        ],
        "duplicate_of": pd.array([None, None, None, None, 4, None, None], dtype="Int64"),
    }
)  # fmt: skip

EVENTS = pd.DataFrame(
    [
        (1, "2026-10-05 16:00", "dispatched", "handled"),  # 6 h, late
        (1, "2026-10-05 17:00", "verified", "closed"),
        (2, "2026-10-06 12:00", "dispatched", "handled"),
        (2, "2026-10-06 13:00", "handled", "returned"),
        (2, "2026-10-06 14:00", "dispatched", "handled"),  # last handling: 4 h, on time
        (2, "2026-10-06 15:00", "verified", "closed"),
        (3, "2026-10-20 10:30", "registered", "dispatched"),
        (4, "2026-10-07 11:00", "dispatched", "handled"),  # 1 h, on time
        (5, "2026-10-08 10:30", "reported", "closed"),  # merged duplicate
        (6, "2026-09-30 11:00", "dispatched", "handled"),
    ],
    columns=["issue_id", "at", "from_status", "to_status"],
)
EVENTS["at"] = [ts(t) for t in EVENTS["at"]]


def test_scores_by_grid():
    table = monthly_scores(ISSUES, EVENTS, month="2026-10", by="grid").set_index("grid")
    a, b = table.loc["A"], table.loc["B"]
    assert (a["reports"], a["handled"], a["closed"], a["returned"]) == (3, 2, 2, 1)
    assert a["closure_rate"] == pytest.approx(2 / 3)
    assert a["on_time_rate"] == pytest.approx(0.5)
    assert a["mean_handling_h"] == pytest.approx(5.0)
    assert (b["reports"], b["handled"], b["closed"], b["returned"]) == (2, 1, 1, 0)
    assert b["closure_rate"] == pytest.approx(0.5)
    assert b["on_time_rate"] == pytest.approx(1.0)
    assert b["mean_handling_h"] == pytest.approx(1.0)
    assert table.loc["B", "rank"] == 1 and table.loc["A", "rank"] == 2


def test_scores_by_worker_count_each_responsible_worker():
    table = monthly_scores(ISSUES, EVENTS, month="2026-10", by="worker").set_index("worker")
    assert table.loc["w1", "reports"] == 3
    assert table.loc["w2", "reports"] == 2
    assert table.loc["w2", "mean_handling_h"] == pytest.approx(6.0)
    assert table.loc["w2", "on_time_rate"] == 0
    assert table.loc["w3", "reports"] == 2
    assert list(table["rank"]) == [1, 2, 3]
    assert table.index[0] == "w3" and table.index[-1] == "w2"


def test_other_month_and_empty():
    september = monthly_scores(ISSUES, EVENTS, month="2026-09", by="grid")
    assert september["grid"].tolist() == ["A"] and september["reports"].tolist() == [1]
    assert monthly_scores(ISSUES, EVENTS, month="2025-01").empty
    assert monthly_scores(ISSUES.iloc[0:0], EVENTS, month="2026-10").empty


@pytest.mark.parametrize("month", ["2026-13", "202610", "Oct"])
def test_bad_month(month):
    with pytest.raises(InputError, match="month"):
        monthly_scores(ISSUES, EVENTS, month=month)


def test_bad_grouping():
    with pytest.raises(InputError):
        monthly_scores(ISSUES, EVENTS, month="2026-10", by="street")


def test_xlsx_has_chinese_headers_and_values():
    from openpyxl import load_workbook

    grid = monthly_scores(ISSUES, EVENTS, month="2026-10", by="grid")
    worker = monthly_scores(ISSUES, EVENTS, month="2026-10", by="worker")
    data = scores_xlsx({"网格考核": grid, "网格员考核": worker}, month="2026-10")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["网格考核", "网格员考核"]
    sheet = book["网格考核"]
    headers = [c.value for c in sheet[2]]
    assert headers == [XLSX_HEADERS[c] for c in grid.columns]
    assert "结案率" in headers and "按时处置率" in headers and "平均处置时长（小时）" in headers
    first = [c.value for c in sheet[3]]
    assert first[:3] == [1, "B", 2]
    assert first[headers.index("结案率")] == 0.5
    assert sheet.cell(3, headers.index("结案率") + 1).number_format == "0.0%"
    assert not np.isnan(first[headers.index("平均处置时长（小时）")])
