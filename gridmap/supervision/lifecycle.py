"""The 督办单 as a state machine: which moves exist and who may make them (pure).

::

    issued(已下发) -> rectifying(整改中) -> rectified(已整改, with photos)
        -> recheck: passed(复查通过) -> done(办结)
                    or back to rectifying (复查不通过)

A re-check (复查) is not chosen by hand: :func:`gridmap.supervision.service.recheck`
re-runs the items' rules and takes the ``pass`` or the ``fail`` move by the result.
*Overdue* (逾期) is not a state: an order is overdue while it is open past its
deadline, and was overdue when it reached ``passed`` after its deadline
(:func:`is_overdue`).

Every move needs the ``run_checks`` right (inspectors and above) within the order's
community; closing (办结) and a failing re-check need a note-free move, a report of
rectification (``report``) accepts photos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gridmap.errors import InputError

__all__ = [
    "MOVES",
    "OPEN_STATES",
    "Move",
    "State",
    "find_move",
    "is_overdue",
    "moves_from",
    "parse_action",
    "parse_state",
    "replay",
]


class State(StrEnum):
    """States of a 督办单."""

    ISSUED = "issued"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    PASSED = "passed"
    DONE = "done"


S = State


@dataclass(frozen=True)
class Move:
    """One allowed transition ``source -> target`` by ``action``."""

    source: State
    target: State
    action: str
    manual: bool = True


#: The transition table. ``recheck_pass``/``recheck_fail`` are taken by the re-check only.
MOVES: tuple[Move, ...] = (
    Move(S.ISSUED, S.RECTIFYING, "accept"),
    Move(S.RECTIFYING, S.RECTIFIED, "report"),
    Move(S.RECTIFIED, S.PASSED, "recheck_pass", manual=False),
    Move(S.RECTIFIED, S.RECTIFYING, "recheck_fail", manual=False),
    Move(S.PASSED, S.DONE, "close"),
)

#: States of orders still in the loop.
OPEN_STATES: frozenset[State] = frozenset({S.ISSUED, S.RECTIFYING, S.RECTIFIED})

_SPELLINGS: dict[str, State] = {}
for _state, _names in {
    S.ISSUED: ("已下发", "下发"),
    S.RECTIFYING: ("整改中", "整改"),
    S.RECTIFIED: ("已整改",),
    S.PASSED: ("复查通过", "通过"),
    S.DONE: ("办结", "已办结"),
}.items():
    for _name in (_state.value, *_names):
        _SPELLINGS[_name.lower()] = _state
_ACTIONS = {m.action: m for m in MOVES}
_ACTION_SPELLINGS = {"签收": "accept", "整改完成": "report", "复查": "recheck", "结案": "close",
                     "办结": "close"}  # fmt: skip


def parse_state(text: object) -> State:
    """Return the state named in English or Chinese (``"整改中"``, ``"rectifying"``).

    Examples
    --------
    >>> parse_state("复查通过"), parse_state("Done")
    (<State.PASSED: 'passed'>, <State.DONE: 'done'>)
    """
    if isinstance(text, State):
        return text
    found = _SPELLINGS.get(str(text).strip().lower())
    if found is None:
        raise InputError.keyed("supervision.state_unknown", value=str(text))
    return found


def parse_action(text: object) -> str:
    """Return the action named in English or Chinese (``"复查"`` -> ``"recheck"``)."""
    word = str(text).strip().lower()
    word = _ACTION_SPELLINGS.get(word, word)
    if word == "recheck" or (word in _ACTIONS and _ACTIONS[word].manual):
        return word
    raise InputError.keyed("supervision.action_unknown", value=str(text))


def moves_from(state: State | str) -> list[Move]:
    """Return the moves allowed from ``state``."""
    current = parse_state(state)
    return [m for m in MOVES if m.source == current]


def find_move(state: State | str, action: str) -> Move:
    """Return the move ``action`` from ``state``.

    Raises
    ------
    gridmap.errors.InputError
        If the action is not allowed from this state (the message says which are).

    Examples
    --------
    >>> find_move("issued", "accept").target
    <State.RECTIFYING: 'rectifying'>
    """
    current = parse_state(state)
    for move in moves_from(current):
        if move.action == action:
            return move
    allowed = sorted({"recheck" if not m.manual else m.action for m in moves_from(current)})
    if current == S.DONE:
        raise InputError.keyed("supervision.closed_no_moves", action=action)
    raise InputError.keyed("supervision.move_not_allowed", state=current, action=action,
                           allowed=allowed)


def replay(events: Iterable[tuple[object, object]]) -> State:
    """Replay ``(from_state, to_state)`` events in order; return the resulting state.

    Raises
    ------
    gridmap.errors.InputError
        If the chain is empty, broken or holds a move the table does not allow.

    Examples
    --------
    >>> replay([(None, "issued"), ("issued", "rectifying"), ("rectifying", "rectified")])
    <State.RECTIFIED: 'rectified'>
    """
    current: State | None = None
    for source, target in events:
        dst = parse_state(target)
        if current is None:
            if source is not None or dst != S.ISSUED:
                raise InputError.keyed("supervision.history_start", source=source or "-",
                                       target=target)
        else:
            if source is None or parse_state(source) != current:
                raise InputError.keyed("supervision.history_broken", source=source,
                                       current=current)
            if not any(m.target == dst for m in moves_from(current)):
                raise InputError.keyed("supervision.history_move", source=current, target=dst)
        current = dst
    if current is None:
        raise InputError.keyed("supervision.history_empty")
    return current


def is_overdue(
    state: State | str, deadline: dt.date, today: dt.date, passed_on: dt.date | None = None
) -> bool:
    """Whether an order is (or was) overdue on ``today``.

    Open orders are overdue after their deadline day; an order that passed its
    re-check is overdue when it passed after the deadline.

    Examples
    --------
    >>> is_overdue("rectifying", dt.date(2026, 11, 7), dt.date(2026, 11, 8))
    True
    >>> is_overdue("done", dt.date(2026, 11, 7), dt.date(2026, 12, 1), dt.date(2026, 11, 6))
    False
    """
    current = parse_state(state)
    if current in OPEN_STATES:
        return today > deadline
    return passed_on is not None and passed_on > deadline
