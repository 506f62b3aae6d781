"""Weekly progress report: figures against the store, XLSX and PDF read back."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from pdfcheck import pdf_text
from sqlalchemy import insert

from gridmap.auth import User
from gridmap.errors import InputError
from gridmap.export import export_weekly, parse_week, weekly
from gridmap.model import UserRole
from gridmap.store import schema

WEEK = "2026-W42"  # 2026-10-12 .. 2026-10-18
VIEWER = User("viewer", UserRole.VIEWER)


def test_parse_week():
    assert parse_week("2026-W42") == (dt.date(2026, 10, 12), dt.date(2026, 10, 18))
    assert parse_week("2026w01") == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert parse_week(dt.date(2026, 10, 15)) == parse_week("2026-W42")
    assert parse_week("2026-10-18") == parse_week("2026-W42")
    for bad in ("2026-W60", "last week", "2026-13-01"):
        with pytest.raises(InputError):
            parse_week(bad)


def test_opened_and_closed_counts(demo_store):
    issues = demo_store.read_layer("issues")
    reported = pd.to_datetime(issues["reported_at"], utc=True)
    start, end = pd.Timestamp("2026-10-12", tz="UTC"), pd.Timestamp("2026-10-19", tz="UTC")
    in_week = issues[(reported >= start) & (reported < end)]
    report = weekly.weekly_report(demo_store, user=VIEWER, week=WEEK)
    assert report["opened"] == len(in_week) > 0
    assert report["by_category"]["opened"].sum() == len(in_week)
    assert report["daily"]["opened"].sum() == len(in_week)
    assert dict(report["by_category"]["opened"][report["by_category"]["opened"] > 0]) == dict(
        in_week["category"].value_counts()
    )
    assert report["closed"] == 0
    # close one report inside the week: an issue_events transition
    target = issues.iloc[0]
    with demo_store.transaction() as conn:
        conn.execute(
            insert(schema.issue_events).values(
                issue_id=int(target["id"]),
                at=dt.datetime(2026, 10, 14, 9, 0, tzinfo=dt.UTC),
                user="inspector",
                from_status="verified",
                to_status="closed",
            )
        )
    report = weekly.weekly_report(demo_store, user=VIEWER, week=WEEK)
    assert report["closed"] == 1
    assert report["daily"]["closed"].tolist() == [0, 0, 1, 0, 0, 0, 0]
    assert report["by_category"].loc[target["category"], "closed"] == 1


def test_reassignments_come_from_the_audit_log(demo_store):
    grids = demo_store.read_layer("grids")
    workers = demo_store.read_layer("workers")
    grid, worker = grids.iloc[3], workers.iloc[5]
    demo_store.insert(
        "assignments",
        {
            "grid_id": int(grid["id"]),
            "worker_id": int(worker["id"]),
            "role": "volunteer",
            "valid_from": dt.date.today(),
        },
        username="planner",
    )
    report = weekly.weekly_report(demo_store, user=VIEWER, week=dt.date.today())
    moves = report["reassignments"]
    assert len(moves) == 1
    assert moves.iloc[0]["user"] == "planner"
    assert grid["code"] in moves.iloc[0]["detail"] and worker["name"] in moves.iloc[0]["detail"]
    assert "志愿者" in moves.iloc[0]["detail"]
    other = sorted(set(grids["community"]) - {grid["community"]})[0]
    scoped = weekly.weekly_report(demo_store, user=VIEWER, week=dt.date.today(), community=other)
    assert scoped["reassignments"].empty


def test_xlsx_and_pdf(demo_store):
    buf = io.BytesIO()
    result = export_weekly(demo_store, buf, user=VIEWER, week=WEEK)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == [
        "概况", "按类别", "按网格", "检查结果及变化", "网格检查得分及变化", "网格员调整"
    ]
    summary = wb.worksheets[0]
    assert "每周上报进展" in summary["A1"].value and WEEK in summary["A1"].value
    assert [c.value for c in summary[2]][:2] == ["指标", "数值"]
    values = {row[0].value: row[1].value for row in summary.iter_rows(min_row=3) if row[0].value}
    assert values["本周新上报"] == result.rows
    assert len(summary._images) == 2  # the two charts
    buf = io.BytesIO()
    export_weekly(demo_store, buf, user=VIEWER, week=WEEK, fmt="pdf")
    text = "\n".join(pdf_text(buf.getvalue()))
    assert "每周上报进展" in text and WEEK in text and "按类别" in text
    audit = demo_store.read_audit(limit=1).iloc[0]
    assert audit["after"]["what"] == "weekly" and audit["after"]["week"] == WEEK
    with pytest.raises(InputError):
        export_weekly(demo_store, io.BytesIO(), user=VIEWER, week=WEEK, fmt="docx")


def test_check_scores_with_the_real_engine(demo_store):
    report = weekly.weekly_report(
        demo_store, user=VIEWER, week="2026-W44", community="330102011001"
    )
    checks, scores = report["checks"], report["scores"]
    assert len(checks) > 0
    assert (checks["change"] == checks["end"] - checks["start"]).all()
    assert set(scores["grid"]) <= set(demo_store.read_layer("grids")["code"])
    assert scores["grid"].str.startswith("330102011001").all()
    assert scores["end"].between(0, 100).all()


def test_xlsx_holds_no_formula(demo_store):
    """A grid named like a formula is a text cell in the workbook, never a formula."""
    from sqlalchemy import update

    hostile = '=HYPERLINK("http://127.0.0.1/x","点我")'
    with demo_store.transaction() as conn:
        conn.execute(update(schema.grids).values(name=hostile))
    buffer = io.BytesIO()
    export_weekly(demo_store, buffer, user=VIEWER, week=WEEK, fmt="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r]
    assert any(c.value == hostile and c.data_type == "s" for c in cells)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
