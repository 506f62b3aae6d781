"""gridmap.store.assignments: validity of assignments, ending them, a worker's grids."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_store import C1, C2, G1, G3, sample_frames, write_all

from gridmap.store import assignments, schema


def test_valid_on_matches_the_inclusive_open_ended_rule(store):
    write_all(store, sample_frames())
    rows = store.read_layer("assignments")
    spans = list(zip(rows["id"], rows["valid_from"], rows["valid_to"], strict=True))
    a = schema.assignments

    @settings(max_examples=40, deadline=None)
    @given(st.dates(dt.date(2023, 11, 1), dt.date(2025, 3, 1)))
    def check(day):
        with store.connect() as conn:
            got = set(conn.execute(select(a.c.id).where(assignments.valid_on(a, day))).scalars())
        expected = {
            int(i) for i, start, end in spans
            if (start is None or start <= day) and (end is None or end >= day)
        }
        assert got == expected

    check()


def _assignment(store, worker_code):
    rows = store.read_layer("assignments")
    row = rows[(rows["grid"] == G1) & (rows["worker"] == worker_code)].iloc[0]
    return store.get("assignments", int(row["id"]))


def test_end_assignment_ends_the_day_before_or_removes_one_not_started(store):
    write_all(store, sample_frames())
    running = _assignment(store, "W0001")  # 2024-01-01 .. 2024-06-30
    day = dt.date(2024, 3, 1)
    with store.transaction() as conn:
        assignments.end_assignment(store, conn, running, day, username="t")
    assert store.get("assignments", running["id"])["valid_to"] == dt.date(2024, 2, 29)
    later = _assignment(store, "W0002")  # starts 2024-07-01
    with store.transaction() as conn:
        assignments.end_assignment(store, conn, later, dt.date(2024, 7, 1), username="t")
    assert later["id"] not in set(store.read_layer("assignments")["id"])
    actions = list(store.read_audit(table="assignments", limit=2)["action"])
    assert actions == ["delete", "update"]


def test_a_workers_grids_and_communities_from_a_day_on(store):
    write_all(store, sample_frames())
    worker = assignments.find_worker(store, "W0001")
    assert worker["name"] == "张三"
    assert assignments.find_worker(store, "W9999") is None
    wid = int(worker["id"])
    # head of G1 until 2024-06-30, volunteer in G3 (another community) since 2024-03-01
    assert assignments.worker_communities(store, wid, since=dt.date(2024, 6, 30)) == {C1, C2}
    assert assignments.worker_communities(store, wid, since=dt.date(2024, 7, 1)) == {C2}
    with store.transaction() as conn:
        held = assignments.worker_assignments(conn, wid, since=dt.date(2024, 1, 1))
        later = assignments.worker_assignments(conn, wid, since=dt.date(2024, 7, 1))
    assert [(r["grid_code"], r["community"]) for r in held] == [(G1, C1), (G3, C2)]
    assert [r["grid_code"] for r in later] == [G3]
