"""The case loop as a state machine: the table, roles, and a Hypothesis model of the stored loop."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from gridmap import issues
from gridmap.auth import User
from gridmap.errors import ConflictError, InputError, PermissionDenied
from gridmap.issues import lifecycle
from gridmap.model import IssueStatus, UserRole
from gridmap.store import Store, schema

# The loop as the 数字城管 workflow describes it, written out independently of the code:
# (from, to) -> (minimal role, note required)
EXPECTED = {
    ("reported", "registered"): ("inspector", False),
    ("reported", "closed"): ("inspector", True),
    ("registered", "dispatched"): ("inspector", False),
    ("registered", "closed"): ("inspector", True),
    ("dispatched", "handled"): ("inspector", False),
    ("dispatched", "returned"): ("inspector", True),  # 申请退回: a worker sends a case back
    ("handled", "verified"): ("inspector", False),
    ("handled", "returned"): ("inspector", True),
    ("verified", "closed"): ("inspector", False),
    ("verified", "returned"): ("inspector", True),
    ("returned", "dispatched"): ("inspector", False),
    ("registered", "suspended"): ("planner", True),
    ("dispatched", "suspended"): ("planner", True),
    ("returned", "suspended"): ("planner", True),
    ("suspended", "registered"): ("planner", False),
    ("suspended", "dispatched"): ("planner", False),
    ("suspended", "returned"): ("planner", False),
}
ROLES = ["viewer", "inspector", "planner", "admin"]
# the moves a grid worker (role worker) makes on the cases of their own grids
WORKER_MOVES = {("dispatched", "handled"), ("dispatched", "returned")}


def test_table_is_the_expected_one():
    assert {
        (m.source.value, m.target.value): (m.min_role.value, m.note_required)
        for m in lifecycle.MOVES
    } == EXPECTED
    worker_moves = {
        (m.source.value, m.target.value)
        for m in lifecycle.MOVES
        if UserRole.WORKER in m.field_roles
    }
    assert worker_moves == WORKER_MOVES
    assert not any(UserRole.VOLUNTEER in m.field_roles for m in lifecycle.MOVES)


@pytest.mark.parametrize("text", ["立案", "registered", "已立案", " Registered "])
def test_status_names_in_both_languages(text):
    assert lifecycle.parse_status(text) == IssueStatus.REGISTERED


def test_unknown_status_is_refused():
    with pytest.raises(InputError, match="立案/registered"):
        lifecycle.parse_status("done")


def test_closed_is_terminal():
    assert lifecycle.moves_from("closed") == []
    with pytest.raises(InputError, match="closed"):
        lifecycle.find_move("closed", "registered")


def test_resume_only_to_the_state_before_suspension():
    assert [m.target for m in lifecycle.moves_from("suspended", previous="dispatched")] == [
        IssueStatus.DISPATCHED
    ]
    assert lifecycle.moves_from("suspended") == []


@pytest.mark.parametrize("move", lifecycle.MOVES, ids=lambda m: f"{m.source}-{m.target}")
def test_each_move_refuses_roles_below_its_minimum(move):
    previous = move.target if move.source == IssueStatus.SUSPENDED else None
    for role in ROLES:
        user = User("u", UserRole(role))
        allowed = ROLES.index(role) >= ROLES.index(move.min_role.value)
        if allowed:
            lifecycle.check_move(
                user, move.source, move.target, community="c", previous=previous, note="n"
            )
        else:
            with pytest.raises(PermissionDenied):
                lifecycle.check_move(
                    user, move.source, move.target, community="c", previous=previous, note="n"
                )


def test_scope_is_checked():
    user = User("u", UserRole.ADMIN, ("c1",))
    lifecycle.check_move(user, "reported", "registered", community="c1")
    with pytest.raises(PermissionDenied, match="scope"):
        lifecycle.check_move(user, "reported", "registered", community="c2")
    with pytest.raises(PermissionDenied, match="no grid"):
        lifecycle.check_move(user, "reported", "registered", community=None)


def test_note_required_for_return():
    user = User("u", UserRole.INSPECTOR)
    with pytest.raises(InputError, match="note"):
        lifecycle.check_move(user, "handled", "returned", community="c", note="  ")


def test_replay():
    chain = [
        (None, "reported"),
        ("reported", "registered"),
        ("registered", "suspended"),
        ("suspended", "registered"),
    ]
    assert lifecycle.replay(chain) == IssueStatus.REGISTERED
    with pytest.raises(InputError, match="broken"):
        lifecycle.replay([(None, "reported"), ("registered", "dispatched")])
    with pytest.raises(InputError):
        lifecycle.replay([(None, "reported"), ("reported", "handled")])
    with pytest.raises(InputError):
        lifecycle.replay([*chain[:3], ("suspended", "dispatched")])
    with pytest.raises(InputError, match="no history"):
        lifecycle.replay([])


# --------------------------------------------------------------------------- stateful


class IssueLoop(RuleBasedStateMachine):
    """One report on a copy of the demo store, moved at random by users of random roles."""

    def __init__(self, template: Path):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="gridmap_loop_"))
        shutil.copyfile(template, self.tmp / "s.sqlite")
        self.store = Store(f"sqlite:///{(self.tmp / 's.sqlite').as_posix()}")
        self.clock = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def counts(self) -> tuple[int, int]:
        with self.store.engine.connect() as conn:
            events = conn.execute(
                select(func.count())
                .select_from(schema.issue_events)
                .where(schema.issue_events.c.issue_id == self.id)
            ).scalar()
            audits = conn.execute(
                select(func.count())
                .select_from(schema.audit_log)
                .where(
                    schema.audit_log.c.table_name == "issue_reports",
                    schema.audit_log.c.row_id == self.id,
                )
            ).scalar()
        return int(events), int(audits)

    @initialize()
    def report(self) -> None:
        grid = self.store.read_layer("grids").geometry.iloc[3].representative_point()
        result = issues.report_issue(
            self.store,
            User("admin", UserRole.ADMIN),
            category="市容环境",
            lon=grid.x,
            lat=grid.y,
            at=self.clock,
        )
        self.id, self.version = result.id, 1
        self.status, self.before_suspension = "reported", None
        self.handler = None  # who handled since the last (re)dispatch: separation of duties
        assert self.counts() == (1, 1)

    @rule(
        to=st.sampled_from([s.value for s in IssueStatus]),
        role=st.sampled_from(ROLES),
        note=st.booleans(),
    )
    def move(self, to: str, role: str, note: bool) -> None:
        target = to
        self.clock += dt.timedelta(minutes=37)
        key = (self.status, target)
        expected = EXPECTED.get(key)
        if self.status == "suspended" and target != self.before_suspension:
            expected = None
        legal = expected is not None
        ok = legal and ROLES.index(role) >= ROLES.index(expected[0]) and (note or not expected[1])
        if key in (("handled", "verified"), ("verified", "closed")) and self.handler == role:
            ok = False  # whoever handled a case may not verify or close it
        before = self.counts()
        try:
            new_version = issues.move_issue(
                self.store,
                User(f"{role}-user", UserRole(role)),
                self.id,
                target,
                version=self.version,
                note="因为" if note else None,
                at=self.clock,
            )
        except (InputError, PermissionDenied) as exc:
            assert not ok, f"{key} by {role} refused: {exc}"
            if not legal:
                assert isinstance(exc, InputError) or role == "viewer"
            assert self.counts() == before
            return
        assert ok, f"{key} by {role} (note={note}) was accepted"
        assert new_version == self.version + 1
        assert self.counts() == (before[0] + 1, before[1] + 1)
        if target == "suspended":
            self.before_suspension = self.status
        if target == "handled":
            self.handler = role
        elif key == ("returned", "dispatched"):
            self.handler = None
        self.status, self.version = target, new_version

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """Make a legal move (so that runs reach deep states), by a user of sufficient role."""
        options = sorted(t for (f, t) in EXPECTED if f == self.status)
        if self.status == "suspended":
            options = [self.before_suspension]
        if not options:
            return
        to = data.draw(st.sampled_from(options))
        self.move(to=to, role="admin", note=True)

    @rule()
    def stale_write_is_refused(self) -> None:
        if self.status == "closed":
            return
        before = self.counts()
        with pytest.raises(ConflictError):
            issues.move_issue(
                self.store,
                User("admin", UserRole.ADMIN),
                self.id,
                "closed",
                version=self.version - 1,
                note="x",
            )
        assert self.counts() == before

    @invariant()
    def history_replays_to_the_status(self) -> None:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(schema.issue_events.c.from_status, schema.issue_events.c.to_status)
                .where(schema.issue_events.c.issue_id == self.id)
                .order_by(schema.issue_events.c.id)
            ).all()
        row = self.store.get("issue_reports", self.id)
        assert lifecycle.replay([tuple(r) for r in rows]).value == row["status"] == self.status
        assert row["version"] == self.version


def test_stored_loop_as_a_state_machine(demo_file):
    run_state_machine_as_test(
        lambda: IssueLoop(demo_file),
        settings=settings(max_examples=12, stateful_step_count=20, deadline=None),
    )
