"""Supervision orders: one page per failing grid; the adapter over check results."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import numpy as np
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
    assert first["rule"] == "收集点服务半径" and first["measured"] == "130米"
    assert first["workers"] == "许艳"
    # a known rule is cited by standard and article, whatever its object says
    assert first["source"].startswith("《市容环卫工程项目规范》GB 55013-2021 第3.2.2条")
    row = frame[frame["rule_id"] == "bin_reach"].iloc[1]
    assert row["workers"] == "蔡丽、吕超" and row["measured"] == "143米"
    assert frame[frame["rule_id"] == "grid_head"].iloc[0]["source"] == "网格化管理规范"
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
    assert "2026年11月6日前完成整改" in pages[0]  # deadline: 5 days after the date
    assert all("督办单" in p and "签收人" in p and "2026年11月1日" in p for p in pages)
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
    assert result.rows == len(grids) and all(
        "网格创建工作问题限期整改" in text for _ in advisory_only
    )


def test_orders_follow_the_official_layout_and_number_per_year(demo_store, monkeypatch, tmp_path):
    from pdfcheck import render_page

    from gridmap.store import documents

    monkeypatch.setattr(supervision, "current_failures", lambda *a, **k: failures_frame(_results()))
    inspector = User("i", UserRole.INSPECTOR)
    first = _export(demo_store, inspector)
    pages = pdf_text(first)
    street = str(demo_store.read_layer("communities")["street"].iloc[0])
    office = f"{street}办事处"
    prefix = street.removesuffix("街道") + "街督"
    page = pages[0]
    flat = "".join(page.split())  # table cells wrap
    # 版头: the office's mark and the document number; title; 主送; body; deadline; signature
    assert f"{office}督办单" in page and f"{prefix}〔2026〕1号" in page
    assert "关于" in page and "限期整改的督办单" in page
    heads = [w["name"] for w in demo_store.workers_of("330102011001001", on=DAY)
             if w["role"] == "grid_head"]
    assert f"网格长{heads[0]}：" in page
    assert "问题位置" in page and "实测" in page and "要求及依据" in page and "130米" in page
    assert "《市容环卫工程项目规范》GB55013-2021第3.2.2条" in flat
    assert "max.book118" not in page and "STANDARDS" not in page
    assert f"{office}" in page.split("整改要求")[1] and "2026年11月1日印发" in page
    assert f"{prefix}〔2026〕2号" in pages[1]
    # the next batch continues the year's sequence, and every order is in the store
    second = pdf_text(_export(demo_store, inspector))
    assert f"{prefix}〔2026〕3号" in second[0] and f"{prefix}〔2026〕4号" in second[1]
    stored = documents.list_orders(demo_store, year=2026)
    assert [o["seq"] for o in stored] == [4, 3, 2, 1]
    assert {o["grid"] for o in stored} == {"330102011001001", "330102011001002"}
    assert all(o["deadline"] == dt.date(2026, 11, 8) for o in stored)
    # the red mark is drawn at the top of the page
    image = render_page(first, 1, tmp_path, dpi=40)
    top = np.asarray(image.crop((0, 0, image.width, image.height // 6))).astype(int)
    reds = ((top[..., 0] > 150) & (top[..., 1] < 80) & (top[..., 2] < 80)).sum()
    assert reds > 200


def test_orders_in_english(demo_store, monkeypatch):
    monkeypatch.setattr(supervision, "current_failures",
                        lambda *a, **k: failures_frame(_results(), lang="en"))
    page = pdf_text(_export(demo_store, User("i", UserRole.INSPECTOR), lang="en"))[0]
    words = " ".join(page.split())
    assert "supervision order" in words and "No. 1" in words
    assert "fix every problem by 8 November 2026" in words
