"""The 督办单 state machine: moves, spellings, replay and overdue (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.errors import InputError
from gridmap.supervision import lifecycle
from gridmap.supervision.lifecycle import MOVES, OPEN_STATES, State, find_move, replay

ACTIONS = sorted({m.action for m in MOVES})


def test_the_loop_reaches_done_through_a_passing_recheck():
    state = State.ISSUED
    for action in ("accept", "report", "recheck_fail", "report", "recheck_pass", "close"):
        state = find_move(state, action).target
    assert state == State.DONE


def test_no_move_leaves_done_and_the_message_says_so():
    with pytest.raises(InputError, match="closed"):
        find_move("done", "accept")
    with pytest.raises(InputError, match="allowed: report"):
        find_move("整改中", "close")


def test_chinese_spellings_of_states_and_actions():
    assert lifecycle.parse_state("复查通过") == State.PASSED
    assert lifecycle.parse_action("复查") == "recheck"
    assert lifecycle.parse_action("办结") == "close"
    with pytest.raises(InputError):
        lifecycle.parse_action("recheck_pass")  # taken by the re-check only
    with pytest.raises(InputError):
        lifecycle.parse_state("archived")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ACTIONS), max_size=12))
def test_random_action_sequences_replay_to_the_same_state(actions):
    state, history = State.ISSUED, [(None, "issued")]
    for action in actions:
        try:
            move = find_move(state, action)
        except InputError:
            continue
        history.append((state.value, move.target.value))
        state = move.target
    assert replay(history) == state
    # only a passing re-check leads out of the open states
    if state not in OPEN_STATES:
        assert ("rectified", "passed") in history


def test_replay_refuses_a_skipped_recheck():
    with pytest.raises(InputError):
        replay([(None, "issued"), ("issued", "rectifying"), ("rectifying", "done")])


@pytest.mark.parametrize(
    ("state", "passed", "today", "expected"),
    [
        ("rectifying", None, dt.date(2026, 11, 7), False),  # on the deadline day: not yet
        ("rectifying", None, dt.date(2026, 11, 8), True),
        ("rectified", None, dt.date(2026, 11, 8), True),  # fixed but not re-checked in time
        ("passed", dt.date(2026, 11, 9), dt.date(2026, 12, 1), True),
        ("done", dt.date(2026, 11, 7), dt.date(2026, 12, 1), False),
    ],
)
def test_overdue(state, passed, today, expected):
    assert lifecycle.is_overdue(state, dt.date(2026, 11, 7), today, passed) is expected
