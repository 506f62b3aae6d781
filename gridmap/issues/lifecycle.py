"""The 数字城管 case loop as a state machine: which moves exist and who may make them.

::

    reported(上报) -> registered(立案) -> dispatched(派遣) -> handled(处置)
        -> verified(核查) -> closed(结案)

plus ``returned`` (退回) for rework from handled or verified back to a new
dispatch, ``suspended`` (挂起) and resumed to the state it was suspended from,
and ``dismiss`` (不予立案/作废, also used to merge a duplicate) from reported
or registered straight to closed. ``closed`` is terminal.

Roles (:class:`gridmap.model.UserRole`, each including the ones before it):
inspectors (督查员) register, dispatch, record the handling, verify, return,
close and dismiss; planners (the street's dispatch supervisors) suspend and
resume, because that stops the clock. Every such move also needs the
``edit_issues`` right within the report's community (:func:`gridmap.auth.require`).

Grid workers with an account (role ``worker``) handle (处置) the cases
dispatched to their own grids and may ask to send one back (申请退回:
``dispatched -> returned`` with a reason, so the dispatcher dispatches it
again); the moves that allow it list the role in :attr:`Move.field_roles`.
Acknowledging a dispatched case (签收) is not a move: it is recorded on the
report (:func:`gridmap.issues.field.acknowledge`). Workers without an account
still have an inspector record the handling on their behalf.

Separation of duties (:func:`check_separation`): by default whoever handled a
case cannot verify or close it (``[issues.separation]`` in the configuration).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridmap import auth
from gridmap.errors import InputError, PermissionDenied
from gridmap.model import LAYERS, IssueStatus, UserRole

if TYPE_CHECKING:
    from gridmap.auth import User

__all__ = [
    "MOVES",
    "OPEN_STATUSES",
    "Move",
    "check_move",
    "check_separation",
    "find_move",
    "moves_from",
    "parse_status",
    "replay",
    "status_before_suspension",
]

S = IssueStatus
_ROLE_ORDER = [UserRole.VIEWER, UserRole.INSPECTOR, UserRole.PLANNER, UserRole.ADMIN]


@dataclass(frozen=True)
class Move:
    """One allowed transition: ``source -> target`` by ``action``, needing at least ``min_role``."""

    source: IssueStatus
    target: IssueStatus
    action: str
    min_role: UserRole = UserRole.INSPECTOR
    note_required: bool = False
    #: Field roles (outside the office ladder) that may make the move on cases of their grids.
    field_roles: frozenset[UserRole] = frozenset()


#: The transition table. Resuming (``suspended -> X``) is allowed only back to the
#: state the report was suspended from; see :func:`moves_from`.
MOVES: tuple[Move, ...] = (
    Move(S.REPORTED, S.REGISTERED, "register"),
    Move(S.REPORTED, S.CLOSED, "dismiss", note_required=True),
    Move(S.REGISTERED, S.DISPATCHED, "dispatch"),
    Move(S.REGISTERED, S.CLOSED, "dismiss", note_required=True),
    Move(S.DISPATCHED, S.HANDLED, "handle", field_roles=frozenset({UserRole.WORKER})),
    Move(S.DISPATCHED, S.RETURNED, "return", note_required=True,
         field_roles=frozenset({UserRole.WORKER})),
    Move(S.HANDLED, S.VERIFIED, "verify"),
    Move(S.HANDLED, S.RETURNED, "return", note_required=True),
    Move(S.VERIFIED, S.CLOSED, "close"),
    Move(S.VERIFIED, S.RETURNED, "return", note_required=True),
    Move(S.RETURNED, S.DISPATCHED, "redispatch"),
    Move(S.REGISTERED, S.SUSPENDED, "suspend", UserRole.PLANNER, note_required=True),
    Move(S.DISPATCHED, S.SUSPENDED, "suspend", UserRole.PLANNER, note_required=True),
    Move(S.RETURNED, S.SUSPENDED, "suspend", UserRole.PLANNER, note_required=True),
    Move(S.SUSPENDED, S.REGISTERED, "resume", UserRole.PLANNER),
    Move(S.SUSPENDED, S.DISPATCHED, "resume", UserRole.PLANNER),
    Move(S.SUSPENDED, S.RETURNED, "resume", UserRole.PLANNER),
)

_BY_PAIR = {(m.source, m.target): m for m in MOVES}

#: Statuses of reports still in the loop (the clock runs except while suspended).
OPEN_STATUSES: frozenset[IssueStatus] = frozenset(set(IssueStatus) - {S.CLOSED})

_SPELLINGS: dict[str, IssueStatus] = {}
for _column in LAYERS["issues"].columns:
    if _column.name == "status":
        for _value, _aliases in _column.choices.items():
            for _alias in (_value, *_aliases):
                _SPELLINGS[str(_alias).strip().lower()] = IssueStatus(_value)


def parse_status(text: object) -> IssueStatus:
    """Return the status named in English or Chinese (``"立案"``, ``"registered"``, ``"已立案"``).

    Raises
    ------
    gridmap.errors.InputError
        If the text names no status.

    Examples
    --------
    >>> parse_status("派遣"), parse_status("Closed")
    (<IssueStatus.DISPATCHED: 'dispatched'>, <IssueStatus.CLOSED: 'closed'>)
    """
    if isinstance(text, IssueStatus):
        return text
    found = _SPELLINGS.get(str(text).strip().lower())
    if found is None:
        raise InputError.keyed("issues.status_unknown", value=text)
    return found


def moves_from(
    status: IssueStatus | str, *, previous: IssueStatus | str | None = None
) -> list[Move]:
    """Return the moves allowed from ``status``.

    Parameters
    ----------
    status
        The current status.
    previous
        For ``suspended``: the status the report was suspended from (the only
        one it may resume to). ``None`` allows no resume.
    """
    current = parse_status(status)
    out = [m for m in MOVES if m.source == current]
    if current == S.SUSPENDED:
        back = None if previous is None else parse_status(previous)
        out = [m for m in out if m.target == back]
    return out


def find_move(
    source: IssueStatus | str,
    target: IssueStatus | str,
    *,
    previous: IssueStatus | str | None = None,
) -> Move:
    """Return the move ``source -> target``.

    Raises
    ------
    gridmap.errors.InputError
        If the move is not in the table (the message lists the allowed ones).
    """
    src, dst = parse_status(source), parse_status(target)
    for move in moves_from(src, previous=previous):
        if move.target == dst:
            return move
    if src == S.CLOSED:
        raise InputError.keyed("issues.closed_no_moves", target=dst)
    allowed = [m.target for m in moves_from(src, previous=previous)]
    raise InputError.keyed("issues.move_not_allowed", source=src, target=dst, allowed=allowed)


def _role_at_least(user: User, role: UserRole) -> bool:
    mine = UserRole(user.role)
    return mine in _ROLE_ORDER and _ROLE_ORDER.index(mine) >= _ROLE_ORDER.index(role)


def check_move(
    user: User,
    source: IssueStatus | str,
    target: IssueStatus | str,
    *,
    community: str | None,
    previous: IssueStatus | str | None = None,
    note: str | None = None,
    field_access: bool = False,
) -> Move:
    """Check that ``user`` may move a report of ``community`` from ``source`` to ``target``.

    Parameters
    ----------
    user
        Who moves it.
    source, target
        Current and wanted status.
    community
        The report's community code (checked against the user's scope); ``None``
        for a report in no grid, which only whole-street users may move.
    previous
        For a resume: the status before the suspension.
    note
        The note given with the move (some moves require one).
    field_access
        For a field role: whether the report is one of the user's own cases
        (dispatched to a grid of their worker record, to them or to nobody in particular).

    Returns
    -------
    Move
        The move from the table.

    Raises
    ------
    gridmap.errors.InputError
        If the move is not allowed from this status or lacks a required note.
    gridmap.errors.PermissionDenied
        If the user's role is too low or the report is outside the user's scope.
    """
    move = find_move(source, target, previous=previous)
    if UserRole(user.role) in auth.FIELD_RIGHTS:
        if UserRole(user.role) not in move.field_roles:
            raise PermissionDenied.keyed("issues.field_move", user=user.username,
                                         action=move.action)
        if not field_access:
            raise PermissionDenied.keyed("issues.not_your_case", user=user.username)
        if move.note_required and not (note or "").strip():
            raise InputError.keyed("issues.note_required", action=move.action)
        return move
    auth.require(user, "edit_issues", community=community)
    if community is None and user.scope is not None:
        raise PermissionDenied.keyed("issues.no_grid_scope", user=user.username)
    if not _role_at_least(user, move.min_role):
        raise PermissionDenied.keyed("issues.role_too_low", user=user.username,
                                     role=UserRole(user.role), action=move.action,
                                     need=move.min_role)
    if move.note_required and not (note or "").strip():
        raise InputError.keyed("issues.note_required", action=move.action)
    return move


def _action_of(source: object, target: object) -> str | None:
    if source is None:
        return "report"
    move = _BY_PAIR.get((parse_status(source), parse_status(target)))
    return None if move is None else move.action


def check_separation(
    user: User,
    move: Move,
    events: Sequence[tuple[object, object, object]],
    rules: Mapping[str, Sequence[str]],
) -> None:
    """Refuse ``move`` when ``user`` took a step the rules keep apart from it (分离职责).

    Parameters
    ----------
    user
        Who wants to make the move.
    move
        The move (from :func:`check_move`).
    events
        The report's history as ``(from_status, to_status, username)`` in order;
        the first event (``None -> reported``) is the ``report`` step. Only the
        steps since the last ``redispatch`` count for ``handle``, so a case
        reworked by someone else can be verified by the earlier handler.
    rules
        Action -> earlier actions whose person may not take it, e.g.
        ``{"verify": ["handle"]}`` (:attr:`IssueConfig.separation`).

    Raises
    ------
    gridmap.errors.PermissionDenied
        Keyed ``issues.separation`` (the steps named in the user's language).
    """
    kept = tuple(rules.get(move.action, ()))
    if not kept:
        return
    for source, target, who in reversed(list(events)):
        action = _action_of(source, target)
        if action in kept and who == user.username:
            raise PermissionDenied.keyed("issues.separation", user=user.username,
                                         done=action, step=move.action)
        if action == "redispatch":
            kept = tuple(a for a in kept if a != "handle")


def status_before_suspension(events: Sequence[tuple[object, object]]) -> IssueStatus | None:
    """Return the status the last suspension started from (``(from, to)`` event pairs in order)."""
    for source, target in reversed(list(events)):
        if target is not None and parse_status(target) == S.SUSPENDED and source is not None:
            return parse_status(source)
    return None


def replay(events: Iterable[tuple[object, object]]) -> IssueStatus:
    """Replay ``(from_status, to_status)`` events in order and return the resulting status.

    The first event creates the report (``from`` empty, ``to`` reported); each
    later one must start where the previous ended and be an allowed move.

    Raises
    ------
    gridmap.errors.InputError
        If the chain is empty, broken or contains a move the table does not allow.

    Examples
    --------
    >>> replay([(None, "reported"), ("reported", "registered"), ("registered", "dispatched")])
    <IssueStatus.DISPATCHED: 'dispatched'>
    """
    current: IssueStatus | None = None
    history: list[tuple[object, object]] = []
    for source, target in events:
        dst = parse_status(target)
        if current is None:
            if source is not None or dst != S.REPORTED:
                raise InputError.keyed("issues.history_start", source=source or "-",
                                       target=dst)
        else:
            if source is None or parse_status(source) != current:
                raise InputError.keyed("issues.history_broken", source=source, current=current)
            find_move(current, dst, previous=status_before_suspension(history))
        history.append((source, target))
        current = dst
    if current is None:
        raise InputError.keyed("issues.history_empty")
    return current
