"""What the issues page shows: the list's options and counts, a case's notices and actions.

Pure: the functions take the frame of :func:`gridmap.issues.list_issues` or the
dict of :func:`gridmap.issues.issue_detail` and return option lists, message keys
with their parameters and the actions a user may take. The page translates the
keys (``gridmap.i18n.t``) and draws them; nothing here reads a widget or the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap import auth
from gridmap.model import IssueStatus

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.issues.lifecycle import Move

__all__ = [
    "DUPLICATE_ACTIONS",
    "CaseView",
    "DuplicateAction",
    "Notice",
    "case_labels",
    "case_view",
    "grid_codes",
    "list_counts",
    "move_label_key",
    "move_request",
    "status_options",
    "worker_choices",
]

#: Separator of codes and names in a notice (Chinese enumeration comma).
_JOIN = "、"


@dataclass(frozen=True)
class Notice:
    """One message about a case: how it is shown, its message key and the key's parameters."""

    #: ``"warning"``, ``"info"`` or ``"caption"`` (the Streamlit element that shows it).
    level: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DuplicateAction:
    """A duplicate action of the case panel: its name, button label and success message keys."""

    #: ``"link"`` or ``"merge"`` (see :func:`gridmap.issues.service.mark_duplicate`).
    name: str
    label: str
    done: str


#: The duplicate actions, in the order of their buttons.
DUPLICATE_ACTIONS: tuple[DuplicateAction, ...] = (
    DuplicateAction("link", "report.link", "report.linked"),
    DuplicateAction("merge", "report.merge", "report.merged"),
)


@dataclass(frozen=True)
class CaseView:
    """What the case panel shows about one case for one user, and what the user may do."""

    #: Shown above the grid confirmation: overdue, near a grid boundary.
    alerts: tuple[Notice, ...]
    #: Grids the user may confirm for a boundary case (its grid first); empty: no confirmation.
    grids: tuple[str, ...]
    #: Shown below it: duplicate of, duplicates merged here, linked cases.
    references: tuple[Notice, ...]
    #: ``(photo id, caption key)`` of each photo, in the detail's order.
    photos: tuple[tuple[int, str], ...]
    #: Whether the user may link or merge the case with another.
    may_link: bool
    #: Each move the user may make (:func:`gridmap.issues.issue_detail`) -> its label key.
    moves: dict[Move, str] = field(default_factory=dict)


def grid_codes(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """Return the grid codes a list may be filtered by, sorted.

    Parameters
    ----------
    frames
        The user's visible frames (:func:`gridmap.snapshot.visible_frames`); only
        ``grids`` (its ``code`` column) is read.

    Returns
    -------
    list of str
        The codes of the visible grids in ascending order.
    """
    return sorted(frames["grids"]["code"])


def status_options() -> list[str]:
    """Return the statuses a list may be filtered by, in lifecycle order.

    Returns
    -------
    list of str
        The canonical values of :class:`gridmap.model.IssueStatus`.

    Examples
    --------
    >>> status_options()[:2]
    ['reported', 'registered']
    """
    return [s.value for s in IssueStatus]


def list_counts(issues: pd.DataFrame) -> dict[str, int]:
    """Return how many cases a list holds and how many of them are overdue.

    Parameters
    ----------
    issues
        A frame of :func:`gridmap.issues.list_issues` (its ``overdue`` column).

    Returns
    -------
    dict
        ``n`` (cases) and ``overdue`` (overdue cases): the parameters of the
        ``issues.count`` message.
    """
    return {"n": len(issues), "overdue": int(issues["overdue"].sum())}


def case_labels(issues: pd.DataFrame) -> dict[int, str]:
    """Return the cases a user may pick from a list: id -> code, in the list's order.

    Parameters
    ----------
    issues
        A frame of :func:`gridmap.issues.list_issues` (its ``id`` and ``code`` columns).

    Returns
    -------
    dict
        Case id (int) -> case code.
    """
    return {int(i): code for i, code in zip(issues["id"], issues["code"], strict=True)}


def _notices(detail: Mapping[str, Any]) -> tuple[tuple[Notice, ...], tuple[Notice, ...]]:
    alerts = []
    if detail["overdue"]:
        alerts.append(Notice("warning", "issues.overdue_badge"))
    if detail["flagged"]:
        params = {
            "distance": detail["boundary_distance_m"] or 0.0,
            "neighbours": _JOIN.join(detail["neighbours"]) or "—",
        }
        alerts.append(Notice("warning", "issues.boundary", params))
    references = []
    if detail["duplicate_of"]:
        references.append(Notice("info", "issues.duplicate_of", {"code": detail["duplicate_of"]}))
    for key, codes in (
        ("issues.merged_here", detail["duplicates"]),
        ("issues.linked", detail["linked"]),
    ):
        if codes:
            references.append(Notice("caption", key, {"codes": _JOIN.join(codes)}))
    return tuple(alerts), tuple(references)


def case_view(user: User, detail: Mapping[str, Any]) -> CaseView:
    """Return what the case panel shows about a case and which of its edits ``user`` may make.

    Parameters
    ----------
    user
        Who looks at the case.
    detail
        The case, as :func:`gridmap.issues.issue_detail` returns it.

    Returns
    -------
    CaseView
        Notices as message keys with parameters (codes and neighbour grids joined
        with ``、``; a boundary distance in metres, 0 when unknown), the grids to
        confirm (only for a case flagged near a grid boundary, and only for a user
        with the ``edit_issues`` right in its community), the photos with their
        caption keys, whether the user may link or merge duplicates and the
        label key of each move the detail allows the user.
    """
    may_edit = auth.can(user, "edit_issues", community=detail["community"])
    alerts, references = _notices(detail)
    grids = (detail["grid"], *detail["neighbours"]) if detail["flagged"] and may_edit else ()
    photos = tuple((p["id"], f"issues.photo_kind.{p['kind']}") for p in detail["photos"])
    moves = {move: move_label_key(move) for move in detail["moves"]}
    return CaseView(alerts, grids, references, photos, may_edit, moves)


def move_label_key(move: Move) -> str:
    """Return the message key naming a move (``issues.action.<action>``).

    Examples
    --------
    >>> from gridmap.issues.lifecycle import MOVES
    >>> move_label_key(MOVES[0])
    'issues.action.register'
    """
    return f"issues.action.{move.action}"


def worker_choices(detail: Mapping[str, Any], *, everyone: str) -> dict[str | None, str]:
    """Return whom a move may name: ``None`` (the grid's workers as a whole) then each worker.

    Parameters
    ----------
    detail
        The case, as :func:`gridmap.issues.issue_detail` returns it (its
        ``dispatch_to``: worker code -> name, grid head first).
    everyone
        The label of ``None`` (already translated).

    Returns
    -------
    dict
        Worker code (``None`` first) -> label, in the order to offer them.
    """
    return {None: everyone, **detail["dispatch_to"]}


def move_request(
    move: Move, *, note: str, worker: str | None, photos: Sequence[bytes]
) -> dict[str, Any]:
    """Return the arguments of :func:`gridmap.issues.move_issue` for a move the user chose.

    A worker is named only for a dispatch: for any other move the chosen worker
    is dropped.

    Parameters
    ----------
    move
        The move the user makes.
    note
        The note the user wrote.
    worker
        The worker code the user chose, or ``None`` (the grid's workers as a whole).
    photos
        The photos the user attached (image bytes).

    Returns
    -------
    dict
        ``to`` (the move's target status), ``note``, ``photos`` and ``worker``.
    """
    named = worker if move.target == IssueStatus.DISPATCHED else None
    return {"to": move.target, "note": note, "photos": photos, "worker": named}
