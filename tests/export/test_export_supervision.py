"""Supervision orders: one page per failing grid; the adapter over check results."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
import pytest
from pdfcheck import pdf_text

from gridmap.auth import User
from gridmap.errors import PermissionDenied
from gridmap.export import export_supervision, supervision
from gridmap.export.supervision import FAILURE_COLUMNS, failures_frame
from gridmap.model import UserRole

DAY = dt.date(2026, 11, 1)


@dataclass
class Rule:
    id: str
    title: object
    source: str


@dataclass
class Result:
    rule: Rule
    failures: object


def _results():
    reach = Rule("bin_reach", {"zh": "收集点服务半径", "en": "Bin reach"}, "GB 55013-2021")
    head = Rule("grid_head", "每个网格有网格长", "网格化管理规范")
    return [
        Result(
            reach,
            [
                {
                    "grid": "330102011001002",
                    "workers": ["蔡丽", "吕超"],
                    "measured": 143.25,
                    "unit": "m",
                    "message": "5号楼距收集点过远",
                },
                {
                    "grid": "330102011001001",
                    "workers": "许艳",
                    "measured": 130.0,
                    "unit": "m",
                    "message": "2号楼距收集点过远",
                },
            ],
        ),
        Result(
            head,
            pd.DataFrame(
                [
                    {
                        "grid_code": "330102011001002",
                        "worker_names": [],
                        "value": 0,
                        "message": "无网格长",
                    }
                ]
            ),
        ),
    ]


def test_failures_frame_flattens_objects_mappings_and_frames():
    frame = failures_frame(_results(), lang="zh")
    assert list(frame.columns) == list(FAILURE_COLUMNS)
    assert list(frame["grid"]) == ["330102011001001", "330102011001002", "330102011001002"]
    first = frame.iloc[0]
    assert first["rule"] == "收集点服务半径" and first["measured"] == "130 m"
    assert first["workers"] == "许艳" and first["source"] == "GB 55013-2021"
    row = frame[frame["rule_id"] == "bin_reach"].iloc[1]
    assert row["workers"] == "蔡丽、吕超" and row["measured"] == "143.2 m"
    assert frame[frame["rule_id"] == "grid_head"].iloc[0]["message"] == "无网格长"
    assert failures_frame(_results(), lang="en").iloc[0]["rule"] == "Bin reach"
    assert failures_frame([]).empty


def _export(store, user, **kw) -> bytes:
    buf = io.BytesIO()
    export_supervision(store, buf, user=user, as_of=DAY, **kw)
    return buf.getvalue()


def test_one_order_per_failing_grid(demo_store, monkeypatch):
    monkeypatch.setattr(supervision, "current_failures", lambda *a, **k: failures_frame(_results()))
    buf = io.BytesIO()
    result = export_supervision(
        demo_store, buf, user=User("i", UserRole.INSPECTOR), as_of=DAY, deadline_days=5
    )
    pages = pdf_text(buf.getvalue())
    assert result.rows == 2 and len(pages) == 2
    assert "330102011001001" in pages[0] and "2号楼距收集点过远" in pages[0]
    assert "330102011001002" in pages[1] and "无网格长" in pages[1] and "收集点服务半径" in pages[1]
    assert "2026-11-06" in pages[0]  # deadline: 5 days after the date
    assert all("督" in p and "签" in p for p in pages)
    audit = demo_store.read_audit(limit=1).iloc[0]
    assert audit["after"]["what"] == "supervision" and audit["after"]["rows"] == 2


def test_community_scope_and_no_failures(demo_store, monkeypatch):
    monkeypatch.setattr(supervision, "current_failures", lambda *a, **k: failures_frame(_results()))
    pages = pdf_text(_export(demo_store, User("i", UserRole.INSPECTOR), community="330102011002"))
    assert len(pages) == 1 and "暂无不合格项" in pages[0]


def test_viewers_may_not_issue_orders(demo_store):
    with pytest.raises(PermissionDenied):
        _export(demo_store, User("v", UserRole.VIEWER))
    with pytest.raises(PermissionDenied):
        _export(
            demo_store, User("i", UserRole.INSPECTOR, ("330102011001",)), community="330102011002"
        )


@pytest.mark.slow
def test_orders_come_from_the_real_checks_engine(demo_store):
    frame = supervision.current_failures(demo_store, as_of=DAY)
    assert list(frame.columns) == list(FAILURE_COLUMNS)
    assert set(frame["severity"]) <= {"failure", "advisory"}
    buf = io.BytesIO()
    result = export_supervision(demo_store, buf, user=User("i", UserRole.INSPECTOR), as_of=DAY)
    grids = set(frame.loc[frame["severity"] == "failure", "grid"].dropna())
    assert result.rows == len(grids)
    text = "\n".join(pdf_text(buf.getvalue()))
    assert all(g in text for g in grids)
    advisory_only = set(frame["grid"].dropna()) - grids
    assert not any(f"DB20261101-{g}" in text for g in advisory_only)
