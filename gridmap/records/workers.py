"""Grid workers (网格员): add, edit, deactivate, and an overview of their grids.

Deactivating a worker never leaves their grids silently unstaffed: their
assignments end, and :func:`deactivate_worker` returns the grids that now need
someone; :func:`unstaffed_grids` lists every grid without a worker besides its
grid head (what the staffing check reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap.auth import User, require
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.model import WorkerRole, check_phone
from gridmap.store import assignments as store_assignments

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "EDITABLE",
    "add_worker",
    "deactivate_worker",
    "get_worker",
    "list_workers",
    "unstaffed_grids",
    "update_worker",
    "worker_overview",
]

#: Worker fields that :func:`update_worker` may change.
EDITABLE = ("name", "phone", "notes", "active_from", "active_to")

#: Roles that staff a grid: everyone besides the grid head, as the staffing check
#: (:func:`gridmap.checks.integrity.check_staffing`) counts them.
STAFF_ROLES = tuple(r.value for r in WorkerRole if r is not WorkerRole.GRID_HEAD)


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in EDITABLE:
            raise InputError.keyed("workers.no_field", field=key, fields=list(EDITABLE))
        if isinstance(value, str):
            value = value.strip() or None
        if key in ("active_from", "active_to") and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise InputError.keyed("workers.bad_date", field=key, value=value) from None
        out[key] = value
    if "name" in out and not out["name"]:
        raise InputError.keyed("workers.name_required")
    if out.get("phone") is not None:
        out["phone"] = check_phone(out["phone"])
    start, end = out.get("active_from"), out.get("active_to")
    if start is not None and end is not None and end < start:
        raise InputError.keyed("workers.dates_reversed", start=start, end=end)
    return out


def get_worker(store: Store, code: str) -> dict[str, Any]:
    """Return the ``workers`` row of ``code``.

    Raises
    ------
    NotFound
        If there is no such worker.
    """
    row = store_assignments.find_worker(store, code)
    if row is None:
        raise NotFound.keyed("workers.no_such", code=code)
    return row


def add_worker(
    store: Store,
    user: User,
    *,
    name: str,
    phone: str | None = None,
    notes: str | None = None,
    code: str | None = None,
    active_from: dt.date | None = None,
    active_to: dt.date | None = None,
) -> str:
    """Add a worker and return their code (generated when not given).

    Raises
    ------
    PermissionDenied
        If the user may not assign workers, or is scoped to communities: workers
        belong to the whole street (as the workers layer's import does).
    InputError
        If the name is empty, the dates are reversed or the code is taken.
    """
    require(user, "assign")
    if user.scope is not None:
        raise PermissionDenied.keyed("workers.scoped_add", user=user.username)
    values = _clean(
        {
            "name": name,
            "phone": phone,
            "notes": notes,
            "active_from": active_from,
            "active_to": active_to,
        }
    )
    values["active"] = True
    if code is not None and str(code).strip():
        values["code"] = str(code).strip()
    row_id = store.insert("workers", values, username=user.username)
    return str(store.get("workers", row_id)["code"])


def _require_worker_in_scope(store: Store, user: User, row: dict) -> None:
    """Refuse unless every grid the worker holds now lies in the user's communities."""
    communities = store_assignments.worker_communities(store, int(row["id"]), since=dt.date.today())
    if not communities or not all(user.in_scope(code) for code in communities):
        raise PermissionDenied.keyed("workers.out_of_scope", user=user.username, name=row["name"],
                                     code=row["code"], communities=sorted(communities))


def update_worker(
    store: Store, user: User, code: str, *, version: int | None = None, **values: Any
) -> int:
    """Change a worker's name, phone, notes or active dates; return the new version.

    Parameters
    ----------
    store
        The store.
    user
        Who edits (``assign`` right).
    code
        The worker's code.
    version
        The version the editor read; a stale one raises
        :class:`~gridmap.errors.ConflictError`. ``None`` uses the current one.
    **values
        Fields of :data:`EDITABLE`.

    Raises
    ------
    NotFound
        If there is no such worker.
    ConflictError
        If someone else changed the worker since ``version``.
    InputError
        For an unknown field or a bad value.
    """
    require(user, "assign")
    row = get_worker(store, code)
    if user.scope is not None:
        _require_worker_in_scope(store, user, row)
    clean = _clean(values)
    return store.update(
        "workers",
        int(row["id"]),
        clean,
        version=int(row["version"]) if version is None else int(version),
        username=user.username,
    )


def deactivate_worker(
    store: Store, user: User, code: str, *, on: dt.date | None = None
) -> list[str]:
    """Deactivate a worker from ``on`` (default today) and end their assignments.

    The worker's assignments valid on ``on`` end the day before (assignments that
    start later are removed). Everything happens in one transaction and is audited.

    Parameters
    ----------
    store
        The store.
    user
        Who acts; needs the ``assign`` right in every community concerned.
    code
        The worker's code.
    on
        First day without the worker.

    Returns
    -------
    list of str
        Codes of the grids the worker held, now to be reassigned (the grids left
        with no worker in a staffing role are also listed by
        :func:`unstaffed_grids`).

    Raises
    ------
    NotFound
        If there is no such worker.
    PermissionDenied
        If the user may not assign in a community of the worker's grids, or is
        scoped to communities and the worker holds no grid (a worker without a
        grid belongs to the whole street).
    """
    require(user, "assign")
    day = on or dt.date.today()
    row = get_worker(store, code)
    flagged: list[str] = []
    with store.transaction() as conn:
        rows = store_assignments.worker_assignments(conn, int(row["id"]), since=day)
        if user.scope is not None and not rows:  # a worker with no grid belongs to the street
            raise PermissionDenied.keyed(
                "workers.deactivate_scope", user=user.username, name=row["name"],
                code=row["code"], day=day.isoformat(),
            )
        for r in rows:
            require(user, "assign", community=r["community"])
        for r in rows:
            store_assignments.end_assignment(store, conn, r, day, username=user.username)
            if r["grid_code"] not in flagged:
                flagged.append(r["grid_code"])
        store.update(
            "workers",
            int(row["id"]),
            {"active": False, "active_to": day - dt.timedelta(days=1)},
            version=int(row["version"]),
            username=user.username,
            conn=conn,
        )
        store.audit(
            "deactivate_worker",
            username=user.username,
            table="workers",
            row_id=int(row["id"]),
            note=(
                f"worker {code} deactivated from {day.isoformat()}; grids to reassign: "
                + (", ".join(flagged) or "none")
            ),
            conn=conn,
        )
    return flagged


def unstaffed_grids(
    store: Store, *, on: dt.date | None = None, roles: Iterable[str] = STAFF_ROLES
) -> list[str]:
    """Return the codes of grids without a worker besides the grid head on ``on``."""
    return store_assignments.unstaffed_grids(store, on=on or dt.date.today(), roles=roles)


def worker_overview(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each worker with their grids, totals and open issue reports.

    Parameters
    ----------
    frames
        Frames from :func:`gridmap.snapshot.load_frames` (``workers``, ``assignments``,
        ``grids`` with ``open_issues``).

    Returns
    -------
    pandas.DataFrame
        ``code, name, phone, notes, active, active_from, active_to, grids (list of
        codes), n_grids, households, residents, open_issues``, sorted by code.
    """
    workers = frames["workers"]
    assignments = frames["assignments"]
    grids = frames["grids"].set_index("code") if len(frames["grids"]) else frames["grids"]
    rows = []
    for w in workers.itertuples():
        held = sorted(set(assignments.loc[assignments["worker"] == w.code, "grid"]))
        held_known = [g for g in held if g in grids.index]

        def total(column: str, held_known: list[str] = held_known) -> int:
            if column not in grids.columns or not held_known:
                return 0
            return int(
                pd.to_numeric(grids.loc[held_known, column], errors="coerce").fillna(0).sum()
            )

        rows.append(
            {
                "code": w.code,
                "name": w.name,
                "phone": getattr(w, "phone", None),
                "notes": getattr(w, "notes", None),
                "active": bool(getattr(w, "active", True)),
                "active_from": getattr(w, "active_from", None),
                "active_to": getattr(w, "active_to", None),
                "grids": held,
                "n_grids": len(held),
                "households": total("households"),
                "residents": total("residents"),
                "open_issues": total("open_issues"),
            }
        )
    columns = [
        "code",
        "name",
        "phone",
        "notes",
        "active",
        "active_from",
        "active_to",
        "grids",
        "n_grids",
        "households",
        "residents",
        "open_issues",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values("code").reset_index(drop=True)


def list_workers(
    store: Store, *, include_inactive: bool = False, on: dt.date | None = None
) -> pd.DataFrame:
    """Return :func:`worker_overview` straight from the store (for the CLI)."""
    from gridmap import snapshot

    frames = snapshot.load_frames(store, on=on)
    out = worker_overview(frames)
    if not include_inactive:
        out = out[out["active"]].reset_index(drop=True)
    return out
