"""The field side of the loop: a worker's cases, one's own reports, acknowledging, drafts.

我的待办 (a grid worker's cases), 我的上报 (one's own reports), 签收
(acknowledging) and the report form kept server-side (drafts).

A ``worker`` user is linked to one worker record (:attr:`gridmap.auth.User.worker`);
their cases are the reports dispatched to the grids that worker holds today
(and to them or to nobody in particular). A ``volunteer`` user sees only the
reports they made. The rights are checked here and in
:mod:`gridmap.issues.service`; the pages only show what these return.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap import auth, i18n
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.issues._common import S, _config, _now, resolve_issue
from gridmap.issues.queries import list_issues
from gridmap.issues.service import ReportResult, _is_own_case, _write, move_issue, report_issue
from gridmap.photos import clean_photo, photo_location
from gridmap.store import assignments as store_assignments
from gridmap.store import drafts as store_drafts
from gridmap.store import issues as store_issues

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.issues.categories import IssueConfig
    from gridmap.store import Store

__all__ = [
    "ReportDraft",
    "acknowledge",
    "case_photos",
    "clear_draft",
    "draft_changes",
    "draft_missing",
    "handle_case",
    "load_draft",
    "my_grids",
    "my_reports",
    "photo_changes",
    "report_done_fields",
    "request_return",
    "save_draft",
    "submit_draft",
    "todo",
]


def _worker_code(user: User) -> str:
    auth.require(user, "todo")
    if not user.worker:
        raise PermissionDenied(key="field.not_linked", user=user.username)
    return user.worker


def my_grids(store: Store, user: User, *, on: dt.date | None = None) -> list[str]:
    """Codes of the grids the worker record of ``user`` holds on ``on`` (default today)."""
    return store_assignments.worker_grids(store, _worker_code(user), on=on or dt.date.today())


def todo(
    store: Store,
    user: User,
    *,
    now: dt.datetime | None = None,
    config: IssueConfig | None = None,
) -> pd.DataFrame:
    """Return the cases waiting for a worker (我的待办): dispatched to their grids, overdue first.

    Parameters
    ----------
    store
        The store.
    user
        A ``worker`` user linked to a worker record.
    now
        The time deadlines are measured from (default now).
    config
        Issue configuration.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`gridmap.issues.list_issues` plus ``left_h`` (hours
        to the deadline, negative when overdue) and ``acknowledged`` (签收 by whom,
        or ``None``); overdue first, then by deadline.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user is not a worker or is linked to no worker record.
    """
    code = _worker_code(user)
    when = _now(now)
    frame = list_issues(store, None, status=S.DISPATCHED.value, now=when, config=config)
    grids = set(store_assignments.worker_grids(
        store, code, on=_config(config).working_hours.local(when).date()))
    rows = [store.get("issue_reports", int(i)) for i in frame["id"]]
    chosen = [(r.get("attrs") or {}).get("worker") for r in rows]
    keep = [g in grids and c in (None, code) for g, c in zip(frame["grid"], chosen, strict=True)]
    out = frame[keep].copy()
    acks = [((r.get("attrs") or {}).get("acknowledged") or {}).get("by") for r in rows]
    out["acknowledged"] = [a for a, k in zip(acks, keep, strict=True) if k]
    left = (out["deadline"] - pd.Timestamp(when)).dt.total_seconds() / 3600
    out["left_h"] = left.round(1)
    out = out.sort_values(["overdue", "deadline"], ascending=[False, True], kind="stable",
                          na_position="last")
    return out.reset_index(drop=True)


def my_reports(
    store: Store, user: User, *, now: dt.datetime | None = None,
    config: IssueConfig | None = None,
) -> pd.DataFrame:
    """Return the reports ``user`` made (我的上报), newest first, with their status.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user lacks the ``my_reports`` right.
    """
    auth.require(user, "my_reports")
    ids = store_issues.reports_by_user(store, user.username)
    frame = list_issues(store, None, now=now, config=config)
    return frame[frame["id"].isin(ids)].reset_index(drop=True)


def _may_see(store: Store, user: User, issue_id: int) -> bool:
    if not user.is_field:
        return auth.can(user, "view")
    if issue_id in store_issues.reports_by_user(store, user.username):
        return True
    if user.worker is None or not auth.can(user, "todo"):
        return False
    return _is_own_case(store, user, store.get("issue_reports", issue_id),
                        _config(None).working_hours.local(_now(None)))


def case_photos(store: Store, user: User, issue: int | str) -> list[dict[str, Any]]:
    """Return the photos of a report the field user may see: ``id, kind, event_id, jpeg``.

    Raises
    ------
    gridmap.errors.NotFound
        If the report is neither the user's own report nor one of their cases.
    """
    issue_id = resolve_issue(store, issue)
    if not _may_see(store, user, issue_id):
        raise NotFound.keyed("queries.not_yours", issue=issue)
    out = []
    for photo in store_issues.issue_photos(store, issue_id):
        found = store_issues.read_issue_photo(store, int(photo["id"]))
        if found is not None:
            out.append({**photo, "jpeg": found[1]})
    return out


def acknowledge(
    store: Store, user: User, issue: int | str, *, version: int,
    at: dt.datetime | None = None,
) -> int:
    """Acknowledge (签收) a dispatched case: the worker has seen it and takes it on.

    Recorded on the report (``attrs.acknowledged``: by, at) and audited; the
    status stays ``dispatched``. Returns the report's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the case is not one of the user's (field users) or the user may not
        edit reports (office users).
    gridmap.errors.InputError
        If the report is not dispatched.
    gridmap.errors.ConflictError
        Someone else changed the report since ``version`` was read.
    """

    def extra(row: dict[str, Any], history: Sequence[Any], when: dt.datetime) -> dict[str, Any]:
        if row["status"] != S.DISPATCHED.value:
            raise InputError.keyed("queries.ack_status", status=row["status"])
        attrs = dict(row.get("attrs") or {})
        attrs["acknowledged"] = {"by": user.username, "at": when.isoformat()}
        return {"attrs": attrs}

    return _write(store, user, issue, version=version, target=None, note="acknowledged (签收)",
                  at=at, action="issue_acknowledge", extra=extra, field_ok=True)


def handle_case(
    store: Store, user: User, issue: int | str, *, version: int, note: str | None = None,
    before: Sequence[bytes] = (), after: Sequence[bytes] = (),
    at: dt.datetime | None = None, config: IssueConfig | None = None,
) -> int:
    """Record the handling (处置) of a case with before/after photos; returns the new version."""
    return move_issue(store, user, issue, S.HANDLED, version=version, note=note, photos=after,
                      photo_kind="after", before=before, at=at, config=config)


def request_return(
    store: Store, user: User, issue: int | str, *, version: int, reason: str,
    at: dt.datetime | None = None,
) -> int:
    """Ask to send a case back (申请退回) with a reason: it returns to the dispatcher."""
    return move_issue(store, user, issue, S.RETURNED, version=version, note=reason, at=at)


# --------------------------------------------------------------------------- drafts


@dataclass(frozen=True)
class ReportDraft:
    """The report form of one user, kept server-side until it is submitted.

    ``token`` is the form's submit token (a repeated submit returns the first
    report); ``lon``/``lat`` are WGS-84; ``photo`` is re-encoded without EXIF.
    """

    token: str
    category: str | None = None
    subcategory: str | None = None
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    location_source: str | None = None
    photo: bytes | None = field(default=None, repr=False)

    def data(self) -> dict[str, Any]:
        """Return the draft's fields as stored (all but the photo)."""
        return {"token": self.token, "category": self.category,
                "subcategory": self.subcategory, "description": self.description,
                "lon": self.lon, "lat": self.lat, "location_source": self.location_source}


def _user_id(store: Store, user: User) -> int | None:
    """Return the user's ``users.id``, or ``None`` for a user the store does not hold."""
    auth.require(user, "report")
    if user.id is not None:
        return int(user.id)
    row = store.find_user(user.username)
    return None if row is None else int(row["id"])


def load_draft(store: Store, user: User) -> ReportDraft:
    """Return the user's report draft, or a new stored one with a fresh submit token.

    A user the store does not hold (the local operator, a test) gets a new draft
    each time: nothing is kept for them.
    """
    user_id = _user_id(store, user)
    row = None if user_id is None else store_drafts.read_draft(store, user_id)
    if row is None:
        fresh = ReportDraft(token=secrets.token_urlsafe(16))
        if user_id is not None:  # stored at once: the form's token stays until a submit
            store_drafts.write_draft(store, user_id, fresh.data(), None,
                                     at=dt.datetime.now(dt.UTC))
        return fresh
    data = dict(row["data"] or {})
    known = {k: data.get(k) for k in ReportDraft.__dataclass_fields__ if k not in ("photo",)}
    known["token"] = known.get("token") or secrets.token_urlsafe(16)
    known["description"] = known.get("description") or ""
    return ReportDraft(**known, photo=row.get("photo"))


def save_draft(store: Store, user: User, draft: ReportDraft, **changes: Any) -> ReportDraft:
    """Store ``draft`` with ``changes`` applied (a new photo is re-encoded without EXIF)."""
    if changes.get("photo"):
        changes["photo"] = clean_photo(changes["photo"])
    new = replace(draft, **changes)
    user_id = _user_id(store, user)
    if user_id is not None:
        store_drafts.write_draft(store, user_id, new.data(), new.photo,
                                 at=dt.datetime.now(dt.UTC))
    return new


def clear_draft(store: Store, user: User) -> None:
    """Forget the user's draft (after a submit: the next form gets a new token)."""
    user_id = _user_id(store, user)
    if user_id is not None:
        store_drafts.delete_draft(store, user_id)


def draft_changes(draft: ReportDraft, **entered: Any) -> dict[str, Any]:
    """Return the entered form fields that differ from the draft (what to save)."""
    return {name: value for name, value in entered.items() if value != getattr(draft, name)}


def draft_missing(draft: ReportDraft, *, typed: bool = False) -> str | None:
    """Return what the draft still needs before it can be submitted, or None.

    ``"no_category"`` before ``"no_pick"`` (no position picked and none ``typed``).
    """
    if not draft.category:
        return "no_category"
    if draft.lon is None and not typed:
        return "no_pick"
    return None


def photo_changes(draft: ReportDraft, photo: bytes, *, located: bool = False) -> dict[str, Any]:
    """Return the draft changes a new photo brings: the photo, and where it was taken.

    The photo's EXIF GPS position (WGS-84) becomes the draft's position only when
    the draft has none and none was ``located`` (picked on the map) in the same run.

    Raises
    ------
    gridmap.errors.InputError
        If the data is not an image (the draft keeps its old photo).
    """
    found = photo_location(photo)
    changes: dict[str, Any] = {"photo": photo}
    if found and draft.lon is None and not located:
        changes.update(lon=found[0], lat=found[1], location_source="photo")
    return changes


def submit_draft(
    store: Store,
    user: User,
    draft: ReportDraft,
    *,
    reporter: str | None = None,
    position: tuple[float, float, str] | None = None,
    config: IssueConfig | None = None,
) -> ReportResult:
    """Record the draft as a report (:func:`~gridmap.issues.service.report_issue`), then forget it.

    ``position`` is a typed ``(lon, lat, crs)``; without it the draft's picked
    WGS-84 position is used. The draft's token is the report's client token, so a
    second submit of the same form returns the first report.
    """
    lon, lat, crs = position if position is not None else (draft.lon, draft.lat, "wgs84")
    result = report_issue(
        store,
        user,
        category=draft.category or "",
        subcategory=draft.subcategory,
        lon=lon,
        lat=lat,
        crs=crs,
        description=draft.description,
        reporter=reporter,
        photos=[draft.photo] if draft.photo else [],
        config=config,
        client_token=draft.token,
    )
    clear_draft(store, user)
    return result


def report_done_fields(
    result: ReportResult, *, config: IssueConfig | None = None
) -> dict[str, Any]:
    """Return what the confirmation of a new report names.

    ``code``, ``grid``, ``workers`` (names joined by 、, — for none), ``deadline``
    (in the local time of the working hours' zone) and, for a report near a grid
    boundary, ``distance`` (metres) and ``neighbours`` (codes joined by 、, — for none).
    """
    zone = _config(config).working_hours.zone
    return {
        "code": result.code,
        "grid": result.grid,
        "workers": "、".join(w["name"] for w in result.workers) or "—",
        "deadline": i18n.format_time(result.deadline, tz=zone),
        "distance": result.route.boundary_distance_m,
        "neighbours": "、".join(result.route.neighbours) or "—",
    }
