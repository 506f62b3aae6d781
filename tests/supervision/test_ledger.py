"""The monthly 考核 ledger: traceable lines, rankings without NaN, overdue 督办单, exports."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from gridmap import ledger, supervision
from gridmap.auth import User
from gridmap.model import UserRole

INSPECTOR = User("inspector", UserRole.INSPECTOR)
MONTH = "2026-11"
TODAY = dt.date(2026, 12, 5)


def test_every_line_names_its_cause_and_the_scores_add_up(demo_store):
    orders = supervision.issue_from_failures(
        demo_store, INSPECTOR, rules=["staffing"], as_of=dt.date(2026, 11, 2), deadline_days=5
    )
    lines = ledger.ledger_lines(demo_store, month=MONTH, today=TODAY)
    assert set(lines["cause"]) <= set(ledger.CAUSES) and lines["ref"].str.len().gt(0).all()
    rules = lines[lines["cause"] == "rule"]
    assert rules["ref"].str.contains(":").all()  # rule:object_id
    overdue = lines[lines["cause"] == "order_overdue"]
    assert sorted(overdue["ref"]) == sorted(o["number"] for o in orders)
    assert (overdue["points"] == ledger.POINTS["order_overdue"]).all()
    grids = ledger.ledger_scores(demo_store, lines, level="grid", month=MONTH)
    assert grids["score"].notna().all() and len(grids) == len(demo_store.read_layer("grids"))
    for grid in (o["grid"] for o in orders):
        row = grids.set_index("key").loc[grid]
        mine = lines[lines["grid"] == grid]
        assert row["deducted"] == round(mine["points"].sum(), 1)
        assert row["score"] == max(0.0, 100 - row["deducted"])
    communities = ledger.ledger_scores(demo_store, lines, level="community", month=MONTH)
    assert communities["deducted"].sum() == round(lines["points"].sum(), 1)
    workers = ledger.ledger_scores(demo_store, lines, level="worker", month=MONTH)
    assert workers["score"].notna().all() and list(workers["rank"])[:1] == [1]


def test_a_passed_order_is_not_overdue(demo_store):
    order = supervision.issue_from_failures(
        demo_store, INSPECTOR, rules=["staffing"], as_of=dt.date(2026, 11, 2), deadline_days=30
    )[0]
    lines = ledger.ledger_lines(demo_store, month=MONTH, today=TODAY)
    assert order["number"] not in set(lines["ref"])  # deadline in December


def test_scope_and_exports(demo_store):
    scoped = User("s", UserRole.INSPECTOR, scope=("330102011001",))
    lines = ledger.ledger_lines(demo_store, month=MONTH, user=scoped, today=TODAY)
    assert set(lines["community"]) <= {"330102011001"}
    pdf = ledger.ledger_pdf(demo_store, month=MONTH, user=User("admin", UserRole.ADMIN))
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "月度考核排名" in text and "扣分原因" in text
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(ledger.ledger_xlsx(demo_store, month=MONTH)))
    assert book.sheetnames == ["网格", "网格员", "社区", "扣分项"]
    assert [c.value for c in book["网格"][2]][:4] == ["排名", "对象", "名称", "得分"]
    assert demo_store.read_audit(limit=1).iloc[0]["action"] == "export"
