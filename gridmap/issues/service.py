"""Store-backed writes of the issue loop: report, move, merge and link duplicates.

Every write checks the user's role and scope here (:func:`gridmap.auth.require`
via :func:`gridmap.issues.lifecycle.check_move`), runs in one transaction,
carries the row ``version`` the caller read (a stale one raises
:class:`~gridmap.errors.ConflictError`) and writes exactly one audit row.
Every status move also writes one ``issue_events`` row (who, when, from, to,
note), to which before/after photos are attached in ``issue_photos``.
Reading (lists, details, daily lists, scores) is in :mod:`gridmap.issues.queries`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
import shapely

from gridmap import auth
from gridmap.crs import lonlat_to_wgs84, normalize_crs_name
from gridmap.errors import ConflictError, InputError, NotFound, PermissionDenied
from gridmap.issues import lifecycle
from gridmap.issues._common import (
    S,
    _community_of_row,
    _config,
    _issue_rows,
    _now,
    resolve_issue,
)
from gridmap.issues.categories import IssueConfig
from gridmap.issues.deadlines import add_hours, deadline_for, hours_between
from gridmap.issues.routing import Route, find_duplicates, route_point
from gridmap.messages import Msg
from gridmap.model import IssueStatus, row_version
from gridmap.notify import outbox as notify_outbox
from gridmap.photos import check_photos, clean_photo, photo_location
from gridmap.store import assignments as store_assignments
from gridmap.store import issues as store_issues

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "ReportResult",
    "confirm_grid",
    "link_duplicate",
    "mark_duplicate",
    "merge_duplicate",
    "move_issue",
    "report_issue",
    "resolve_issue",
]


@dataclass(frozen=True)
class ReportResult:
    """What :func:`report_issue` did: the new report, its route and likely duplicates."""

    id: int
    code: str
    grid: str
    community: str
    workers: list[dict[str, Any]]
    deadline: dt.datetime
    route: Route
    duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    lon: float = math.nan
    lat: float = math.nan
    location_source: str = "typed"


def _check_version(row: dict[str, Any] | None, issue_id: int, version: int) -> dict[str, Any]:
    if row is None:
        raise NotFound.keyed("issues.gone", issue=issue_id)
    if row["version"] != row_version(version):
        what = Msg("issues.report_ref", code=row.get("code") or issue_id)
        raise ConflictError.stale(
            what, int(version), row["version"], table="issue_reports", row_id=issue_id
        )
    return row


def _report_and_other(
    store: Store, user: User, issue: int | str, other: int | str, *, self_key: str, verb: Msg
) -> tuple[int, int, dict[str, Any]]:
    """Resolve a report and a second one (link or merge target): ``(id, other id, other row)``.

    Refuses the report itself as the second one (message ``self_key``) and, for a
    scoped user, a second report outside their communities.
    """
    issue_id = resolve_issue(store, issue)
    other_id = resolve_issue(store, other)
    if other_id == issue_id:
        raise InputError.keyed(self_key)
    row = store.get("issue_reports", other_id)
    if user.scope is not None:
        community = _community_of_row(store, row)
        if community is None or not user.in_scope(community):
            raise PermissionDenied.keyed(
                "issues.pair_out_of_scope", user=user.username, verb=verb, code=row["code"]
            )
    return issue_id, other_id, row


def _clean_all(photos: Iterable[bytes]) -> list[bytes]:
    """Re-encode every photo; an empty one or too many are refused, never dropped."""
    return [clean_photo(p) for p in check_photos(photos)]


# --------------------------------------------------------------------------- report


def report_issue(
    store: Store,
    user: User,
    *,
    category: str,
    lon: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    subcategory: str | None = None,
    description: str | None = None,
    reporter: str | None = None,
    photos: Sequence[bytes] = (),
    at: dt.datetime | None = None,
    config: IssueConfig | None = None,
    client_token: str | None = None,
) -> ReportResult:
    """Record a new report (上报): route it to its grid, set its deadline, store its photos.

    Parameters
    ----------
    store
        The store.
    user
        Who records it (needs ``edit_issues`` in the report's community).
    category, subcategory
        Event class and subclass (see :func:`gridmap.issues.load_issue_config`).
    lon, lat
        Position in ``crs``. Leave both out to take the position from the first
        photo with EXIF GPS (WGS-84).
    crs
        ``wgs84`` (also CGCS2000), ``gcj02`` (Amap, Tencent) or ``bd09`` (Baidu).
    description, reporter
        Free text.
    photos
        Uploaded photo files; stored re-encoded without EXIF. At most the
        ``max_photos_per_report`` setting; an empty file is refused, never dropped.
    at
        When it was reported (default now, UTC).
    config
        Issue configuration (default :func:`load_issue_config`).
    client_token
        The submitting form's token: a second submit with the same token
        (a double tap) records nothing and returns the first report.

    Returns
    -------
    ReportResult
        Id, code, grid, community, the grid's current workers, deadline, route
        (boundary flag and distance) and likely duplicates (same category within
        the duplicate radius in the last days) for the caller to offer.

    Raises
    ------
    gridmap.errors.InputError
        Unknown category, bad coordinates, no position, a position outside every
        grid, or a file that is not an image.
    gridmap.errors.PermissionDenied
        If the user may not record reports in that community.
    """
    token = (client_token or "").strip()[:64] or None
    if token is not None:
        with store.transaction() as conn:
            first = store_issues.find_issue_by_token(conn, token)
        if first is not None:
            return _result_of(store, first, config)
    cfg = _config(config)
    when = _now(at)
    category = str(category).strip()
    limit = cfg.limit_for(category, subcategory)
    source = "typed"
    photos = check_photos(photos)
    if lon is None and lat is None:
        for data in photos:
            found = photo_location(data)
            if found is not None:
                lon, lat, crs, source = found[0], found[1], "wgs84", "photo"
                break
        else:
            raise InputError.keyed("issues.needs_position")
    x, y = lonlat_to_wgs84(lon, lat, crs, what="report coordinates")
    point = shapely.Point(x, y)
    grids = store.read_layer("grids")
    route = route_point(point, grids, boundary_flag_m=cfg.boundary_flag_m)
    auth.require(user, "report", community=route.community)
    cleaned = _clean_all(photos)
    existing = _issue_rows(store)
    duplicates = find_duplicates(
        existing,
        point,
        category=category,
        at=when,
        radius_m=cfg.duplicate_radius_m,
        days=cfg.duplicate_days,
    )
    deadline = deadline_for(when, limit, calendar=cfg.working_hours)
    local_day = cfg.working_hours.local(when).date()
    attrs = {
        "community": route.community,
        "boundary_distance_m": round(route.boundary_distance_m, 2),
        "boundary_flag": route.flagged,
        "neighbours": list(route.neighbours),
        "location_source": source,
        "possible_duplicates": [int(i) for i in duplicates["id"]],
    }
    values = {
        "category": category,
        "subcategory": (subcategory or "").strip() or None,
        "description": (description or "").strip() or None,
        "reporter": (reporter or "").strip() or user.username,
        "status": S.REPORTED.value,
        "reported_at": when,
        "deadline": deadline,
        "grid_code": route.grid,
        "geom": point,
        "source_crs": normalize_crs_name(crs),
        "attrs": attrs,
        "client_token": token,
    }
    # the day's counter gives every writer its own code; only a code stored at the same
    # moment with a given code (an import) can still clash: then write the report again
    tried: list[str] = []
    for attempt in range(_CODE_ATTEMPTS):
        try:
            issue_id, code = _insert_report(store, user, values, cleaned, local_day, tried)
            break
        except InputError:
            if token is not None:  # the same form, submitted at the same moment
                with store.transaction() as conn:
                    first = store_issues.find_issue_by_token(conn, token)
                if first is not None:
                    return _result_of(store, first, cfg)
            clash = bool(tried) and store_issues.find_issue(store, tried[-1]) is not None
            if attempt + 1 == _CODE_ATTEMPTS or not clash:
                raise
    return ReportResult(
        id=issue_id,
        code=code,
        grid=route.grid,
        community=route.community,
        workers=store.workers_of(route.grid, on=local_day),
        deadline=deadline,
        route=route,
        duplicates=duplicates,
        lon=x,
        lat=y,
        location_source=source,
    )


_CODE_ATTEMPTS = 5


def _insert_report(
    store: Store,
    user: User,
    values: dict[str, Any],
    photos: list[bytes],
    day: dt.date,
    tried: list[str],
) -> tuple[int, str]:
    """Write a report with the next code of ``day``, its first event and photos (one transaction).

    Returns the report's id and code; the code is appended to ``tried`` before writing.
    """
    when = values["reported_at"]
    with store.transaction() as conn:
        code = store_issues.next_issue_code(conn, day)
        tried.append(code)
        issue_id = store.insert(
            "issue_reports", {**values, "code": code}, username=user.username, conn=conn
        )
        event_id = store_issues.add_issue_event(
            conn,
            issue_id,
            at=when,
            user=user.username,
            from_status=None,
            to_status=S.REPORTED.value,
            note=values["description"],
        )
        store_issues.add_issue_photos(
            conn, issue_id, photos, event_id=event_id, kind="report", at=when
        )
    return issue_id, code


def _result_of(store: Store, row: dict[str, Any], config: IssueConfig | None) -> ReportResult:
    """Return the :class:`ReportResult` of a report already stored (a repeated submit)."""
    cfg = _config(config)
    attrs = row.get("attrs") or {}
    point = row.get("geom")
    grid = row.get("grid_code") or ""
    day = cfg.working_hours.local(row["reported_at"]).date()
    route = Route(
        grid=grid,
        community=attrs.get("community") or "",
        boundary_distance_m=float(attrs.get("boundary_distance_m") or 0.0),
        flagged=bool(attrs.get("boundary_flag")),
        neighbours=tuple(attrs.get("neighbours") or ()),
    )
    return ReportResult(
        id=int(row["id"]),
        code=row["code"],
        grid=grid,
        community=route.community,
        workers=store.workers_of(grid, on=day) if grid else [],
        deadline=row["deadline"],
        route=route,
        lon=float(point.x) if point is not None else math.nan,
        lat=float(point.y) if point is not None else math.nan,
        location_source=str(attrs.get("location_source") or "typed"),
    )


# --------------------------------------------------------------------------- moves


def _write(
    store: Store,
    user: User,
    issue: int | str,
    *,
    version: int,
    target: IssueStatus | None,
    note: str | None,
    at: dt.datetime | None,
    action: str,
    photos: Sequence[bytes] = (),
    photo_kind: str | None = None,
    before: Sequence[bytes] = (),
    extra: Any = None,
    config: IssueConfig | None = None,
    field_ok: bool = False,
) -> int:
    """Apply one change to a report in one transaction with one audit row; return the new version.

    ``target`` is a status move (checked against the table and the separation of
    duties, with an event row); ``None`` changes only attributes (``extra``),
    checked for ``edit_issues`` (or, with ``field_ok``, for a field user's own case).
    ``extra(row, events) -> dict`` returns further column values. ``before``
    photos are stored with the event as ``before`` beside ``photos``.
    """
    issue_id = resolve_issue(store, issue)
    when = _now(at)
    first = store.get("issue_reports", issue_id)
    community = _community_of_row(store, first)
    cleaned = _clean_all(photos)
    cleaned_before = _clean_all(before)
    cfg = _config(config)
    own_case = user.is_field and _is_own_case(store, user, first, cfg.working_hours.local(when))
    with store.transaction() as conn:
        row = _check_version(store_issues.lock_issue(conn, issue_id), issue_id, version)
        history = store_issues.issue_transitions(conn, issue_id)
        pairs = [(h.from_status, h.to_status) for h in history]
        values: dict[str, Any] = {}
        if target is not None:
            current = lifecycle.parse_status(row["status"])
            previous = lifecycle.status_before_suspension(pairs)
            if current == S.SUSPENDED and previous is None:
                previous = S.REGISTERED  # imported as suspended: no history to resume from
            move = lifecycle.check_move(
                user, current, target, community=community, previous=previous, note=note,
                field_access=own_case,
            )
            lifecycle.check_separation(
                user, move, [(h.from_status, h.to_status, h.user) for h in history],
                cfg.separation,
            )
            values["status"] = move.target.value
            action = action or f"issue_{move.action}"
        elif field_ok and user.is_field:
            if not own_case:
                raise PermissionDenied.keyed("issues.not_your_case", user=user.username)
        else:
            auth.require(user, "edit_issues", community=community)
            if community is None and user.scope is not None:
                raise PermissionDenied.keyed("issues.no_grid_scope", user=user.username)
        if extra is not None:
            values.update(extra(row, history, when))
        after = store_issues.update_issue(
            conn, issue_id, values, version=row["version"], at=when
        )
        if after is None:
            raise ConflictError.keyed("issues.not_changed", issue=issue_id)
        event_id = None
        if target is not None:
            event_id = store_issues.add_issue_event(
                conn,
                issue_id,
                at=when,
                user=user.username,
                from_status=row["status"],
                to_status=values["status"],
                note=(note or "").strip() or None,
            )
            notify_outbox.on_issue_move(conn, after, event_id=event_id, at=when)  # same transaction
        kind = photo_kind or ("after" if values.get("status") == S.HANDLED.value else "before")
        store_issues.add_issue_photos(
            conn, issue_id, cleaned, event_id=event_id, kind=kind, at=when
        )
        store_issues.add_issue_photos(
            conn, issue_id, cleaned_before, event_id=event_id, kind="before", at=when
        )
        moved = f"{row['status']} -> {values['status']}" if target is not None else action
        text = f"{moved}: {note.strip()}" if note and note.strip() else moved
        store.audit(
            action,
            username=user.username,
            table="issue_reports",
            row_id=issue_id,
            before=row,
            after=after,
            note=text,
            conn=conn,
            at=when,
        )
    return int(row["version"]) + 1


def _is_own_case(store: Store, user: User, row: dict[str, Any], local: dt.datetime) -> bool:
    """Return whether a report is a case of a ``worker`` user.

    That is: in a grid their worker record holds today, and dispatched to that
    worker or to nobody in particular.
    """
    if user.worker is None or not row.get("grid_code"):
        return False
    grids = store_assignments.worker_grids(store, user.worker, on=local.date())
    chosen = (row.get("attrs") or {}).get("worker")
    return row["grid_code"] in grids and chosen in (None, user.worker)


def move_issue(
    store: Store,
    user: User,
    issue: int | str,
    to: IssueStatus | str,
    *,
    version: int,
    note: str | None = None,
    photos: Sequence[bytes] = (),
    photo_kind: str | None = None,
    before: Sequence[bytes] = (),
    worker: str | None = None,
    at: dt.datetime | None = None,
    config: IssueConfig | None = None,
) -> int:
    """Move a report to another status of the loop (立案, 派遣, 处置, 核查, 结案, 挂起, 退回 ...).

    Parameters
    ----------
    store
        The store.
    user
        Who moves it; the move's minimal role and the user's scope are checked.
    issue
        The report's id or code.
    to
        The new status, English or Chinese (``"dispatched"`` or ``"派遣"``).
    version
        The report's ``version`` as the caller read it.
    note
        Why / what was done (required to dismiss, return or suspend).
    photos
        Photos of this step (stored without EXIF).
    photo_kind
        ``"before"`` or ``"after"``; default ``"after"`` for handling, else ``"before"``.
    before
        Further photos of this step stored as ``before`` (with handling: the scene
        before the work, beside the ``after`` photos in ``photos``).
    worker
        For a dispatch: the code or name of the grid worker it goes to (one of
        the grid's workers that day); default the grid's workers as a whole.
    at
        When (default now, UTC).
    config
        Issue configuration (for the deadline of a resumed report).

    Returns
    -------
    int
        The report's new version.

    Raises
    ------
    gridmap.errors.InputError
        The move is not allowed from the current status, a required note is
        missing, the worker is not one of the grid's, or a photo is not an image.
    gridmap.errors.PermissionDenied
        The user's role is below the move's minimal role or the report is outside
        the user's scope.
    gridmap.errors.ConflictError
        Someone else changed the report since ``version`` was read.
    gridmap.errors.NotFound
        There is no such report.
    """
    target = lifecycle.parse_status(to)
    if photo_kind not in (None, "before", "after"):
        raise InputError.keyed("issues.photo_kind", kind=photo_kind)

    def extra(row: dict[str, Any], history: Sequence[Any], when: dt.datetime) -> dict[str, Any]:
        out: dict[str, Any] = {}
        attrs = dict(row.get("attrs") or {})
        if target == S.DISPATCHED and worker:
            cfg = _config(config)
            day = cfg.working_hours.local(when).date()
            grid = row.get("grid_code")
            options = store.workers_of(grid, on=day) if grid else []
            match = [w for w in options if worker in (w["code"], w["name"])]
            if not match:
                names = [f"{w['name']} ({w['code']})" for w in options]
                raise InputError.keyed("issues.not_grid_worker", worker=worker, grid=grid,
                                       day=day, names=names)
            attrs["worker"] = match[0]["code"]
            out["attrs"] = attrs
        if row["status"] == S.SUSPENDED.value and target != S.SUSPENDED and row.get("deadline"):
            suspended = [h.at for h in history if h.to_status == S.SUSPENDED.value]
            if suspended:
                cfg = _config(config)
                limit = cfg.limit_or_none(row["category"], row.get("subcategory"))
                working = bool(limit and limit.working)
                left = hours_between(
                    suspended[-1], row["deadline"], working=working, calendar=cfg.working_hours
                )
                if left > 0:
                    out["deadline"] = add_hours(
                        when, left, working=working, calendar=cfg.working_hours
                    )
        return out

    return _write(
        store,
        user,
        issue,
        version=version,
        target=target,
        note=note,
        at=at,
        action="",
        photos=photos,
        photo_kind=photo_kind,
        before=before,
        extra=extra,
        config=config,
    )


def merge_duplicate(
    store: Store,
    user: User,
    issue: int | str,
    *,
    into: int | str,
    version: int,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Close a report as a duplicate of another (合并), keeping a pointer to it.

    The report must be ``reported`` or ``registered`` (the dismiss move); the
    event and the audit row say which report it was merged into.

    Parameters
    ----------
    store, user
        The store and who merges (inspector in the report's community).
    issue
        The duplicate's id or code.
    into
        The id or code of the report it duplicates.
    version
        The duplicate's version as read.
    note
        Extra note.
    at
        When (default now).

    Returns
    -------
    int
        The duplicate's new version.

    Raises
    ------
    gridmap.errors.InputError
        Merging a report into itself or into a report that was merged itself, or
        the duplicate is past registration.
    gridmap.errors.PermissionDenied
        If the user may not dismiss the report, or ``into`` lies outside the
        user's communities.
    """
    issue_id, into_id, target = _report_and_other(
        store, user, issue, into, self_key="issues.duplicate_self", verb=Msg("issues.verb_merge")
    )
    if target.get("duplicate_of") is not None:
        raise InputError.keyed("issues.merged_target", code=target["code"])
    text = f"duplicate of {target['code']} (重复, 已合并)" + (f"; {note.strip()}" if note else "")

    def extra(row: dict[str, Any], history: Sequence[Any], when: dt.datetime) -> dict[str, Any]:
        attrs = dict(row.get("attrs") or {})
        attrs["merged_into"] = target["code"]
        return {"duplicate_of": into_id, "attrs": attrs}

    return _write(
        store,
        user,
        issue_id,
        version=version,
        target=S.CLOSED,
        note=text,
        at=at,
        action="issue_merge",
        extra=extra,
    )


def confirm_grid(
    store: Store,
    user: User,
    issue: int | str,
    *,
    grid: str,
    version: int,
    at: dt.datetime | None = None,
) -> int:
    """Confirm (or correct) the grid of a report flagged near a grid boundary; audited.

    Parameters
    ----------
    store, user
        The store and the dispatcher (``edit_issues`` in the old and the new
        grid's community).
    issue
        The report's id or code.
    grid
        The grid it belongs to: its routed grid or one of the neighbouring grids
        found when it was routed.
    version
        The report's version as read.
    at
        When (default now).

    Returns
    -------
    int
        The report's new version.

    Raises
    ------
    gridmap.errors.InputError
        If ``grid`` is neither the routed grid nor one of its neighbours.
    """
    grids = store.read_layer("grids")
    community_of = dict(zip(grids["code"], grids["community"], strict=True))

    def extra(row: dict[str, Any], history: Sequence[Any], when: dt.datetime) -> dict[str, Any]:
        attrs = dict(row.get("attrs") or {})
        allowed = [row.get("grid_code"), *attrs.get("neighbours", [])]
        if grid not in allowed or grid not in community_of:
            raise InputError.keyed("issues.not_neighbour", grid=grid,
                                   choices=[str(c) for c in allowed])
        auth.require(user, "edit_issues", community=community_of[grid])
        attrs.update(
            boundary_flag=False,
            grid_confirmed_by=user.username,
            community=community_of[grid],
            routed_grid=attrs.get("routed_grid", row.get("grid_code")),
        )
        return {"grid_code": grid, "attrs": attrs}

    return _write(
        store,
        user,
        issue,
        version=version,
        target=None,
        note=f"grid confirmed: {grid}",
        at=at,
        action="issue_confirm_grid",
        extra=extra,
    )


def link_duplicate(
    store: Store,
    user: User,
    issue: int | str,
    *,
    other: int | str,
    version: int,
    at: dt.datetime | None = None,
) -> int:
    """Record that a report is related to another (a likely duplicate kept open); audited.

    Both reports must lie in the user's communities: a scoped user may not link
    (and so learn of) another community's case.

    Returns
    -------
    int
        The report's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If either report lies outside the user's communities (or in no grid, for a
        scoped user).
    """
    issue_id, _, other_row = _report_and_other(
        store, user, issue, other, self_key="issues.link_self", verb=Msg("issues.verb_link")
    )
    other_code = other_row["code"]

    def extra(row: dict[str, Any], history: Sequence[Any], when: dt.datetime) -> dict[str, Any]:
        attrs = dict(row.get("attrs") or {})
        linked = [c for c in attrs.get("linked", []) if c != other_code]
        attrs["linked"] = [*linked, other_code]
        return {"attrs": attrs}

    return _write(
        store,
        user,
        issue_id,
        version=version,
        target=None,
        note=f"linked to {other_code}",
        at=at,
        action="issue_link",
        extra=extra,
    )


def mark_duplicate(
    store: Store,
    user: User,
    issue: int | str,
    other: str,
    *,
    how: str,
    version: int,
    at: dt.datetime | None = None,
) -> int:
    """Link a report to another (``how="link"``) or merge it into another (``"merge"``).

    Parameters
    ----------
    store, user, issue
        As for :func:`link_duplicate` and :func:`merge_duplicate`.
    other
        The other report's code or id as typed (surrounding spaces are dropped).
    how
        ``"link"`` (:func:`link_duplicate`) or ``"merge"`` (:func:`merge_duplicate`).
    version
        The report's version the user read.
    at
        When (default now).

    Returns
    -------
    int
        The report's new version.

    Raises
    ------
    ValueError
        If ``how`` names neither action.
    """
    other = other.strip()
    if how == "link":
        return link_duplicate(store, user, issue, other=other, version=version, at=at)
    if how == "merge":
        return merge_duplicate(store, user, issue, into=other, version=version, at=at)
    msg = f"unknown duplicate action {how!r}"
    raise ValueError(msg)
