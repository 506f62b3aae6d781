"""Every write of gridmap.points and gridmap.users checks role and scope in the library.

The table :data:`WRITES` names each write function with a call that would
succeed for an allowed user. Each is called (1) by a role without the right and
(2) by a user with the right whose scope does not contain the object, and must
raise PermissionDenied without changing the store; (3) by an allowed user in
scope, and must succeed. A test enumerates the public functions of both modules,
so a new write function without a row here fails.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass

import pytest

from gridmap import auth, snapshot
from gridmap.errors import PermissionDenied
from gridmap.model import UserRole
from gridmap.records import points, users


@dataclass
class Ctx:
    """Objects in the first community (``inside``) and in another one (``outside``)."""

    store: object
    inside: str
    outside: str
    point_in: int
    point_out: int
    lonlat_in: tuple[float, float]
    lonlat_out: tuple[float, float]


def _user(role: str, scope: tuple[str, ...] | None = None) -> auth.User:
    return auth.User(f"test_{role}", UserRole(role), scope)


def _version(ctx: Ctx, point_id: int) -> int:
    return int(ctx.store.get("points", point_id)["version"])


def _inside(grid) -> tuple[float, float]:
    inside = grid.geometry.representative_point()
    return float(inside.x), float(inside.y)


@pytest.fixture
def ctx(app_store) -> Ctx:
    frames = snapshot.load_frames(app_store)
    codes = sorted(frames["communities"]["code"])
    inside, outside = codes[0], codes[1]
    boards = frames["boards"]
    point_in = int(boards.loc[boards["community"] == inside, "id"].iloc[0])
    point_out = int(boards.loc[boards["community"] == outside, "id"].iloc[0])
    grids = frames["grids"]
    lonlat_in = _inside(grids[grids["community"] == inside].iloc[0])
    lonlat_out = _inside(grids[grids["community"] == outside].iloc[0])
    # users managed by the users functions: one per community
    admin = auth.SYSTEM
    auth.create_user(app_store, "user_in", "password-in-1", role="viewer", scope=[inside], by=admin)
    auth.create_user(
        app_store, "user_out", "password-out-1", role="viewer", scope=[outside], by=admin
    )
    return Ctx(app_store, inside, outside, point_in, point_out, lonlat_in, lonlat_out)


# name -> (right needed, call(ctx, user, target) where target is "in" or "out")
def _add_point(c, u, t):
    lon, lat = c.lonlat_in if t == "in" else c.lonlat_out
    return points.add_point(
        c.store, u, "boards", lon=lon, lat=lat, values={"board_type": "publicity", "name": "new"}
    )


def _update_point(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    return points.update_point(c.store, u, pid, {"theme": "changed"}, version=_version(c, pid))


def _move_point(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    lon, lat = c.lonlat_in if t == "in" else c.lonlat_out
    return points.move_point(c.store, u, pid, lon=lon, lat=lat, version=_version(c, pid))


def _retire_point(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    return points.retire_point(c.store, u, pid, version=_version(c, pid))


def _add_maintenance(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    return points.add_maintenance(c.store, u, pid, date=dt.date(2026, 1, 5), action="cleaned")


def _add_user(c, u, t):
    scope = [c.inside if t == "in" else c.outside]
    return users.add_user(
        c.store, "someone_new", "password-new-1", role="viewer", scope=scope, by=u
    )


def _import_worker_accounts(c, u, t):
    import pandas as pd

    scope = [c.inside if t == "in" else c.outside]
    code = c.store.read_layer("workers")["code"].iloc[0]
    table = pd.DataFrame({"worker": [code], "username": ["worker_new"]})
    return users.import_worker_accounts(c.store, table, scope=scope, by=u)


def _reset_password(c, u, t):
    return users.reset_password(c.store, f"user_{t}", "password-reset-1", by=u)


def _set_role_and_scope(c, u, t):
    scope = [c.inside if t == "in" else c.outside]
    return users.set_role_and_scope(c.store, f"user_{t}", role="inspector", scope=scope, by=u)


def _disable_user(c, u, t):
    return users.disable_user(c.store, f"user_{t}", by=u)


def _enable_user(c, u, t):
    return users.enable_user(c.store, f"user_{t}", by=u)


def _unlock_user(c, u, t):
    return users.unlock_user(c.store, f"user_{t}", by=u)


WRITES = {
    points.add_point: ("edit_points", _add_point),
    points.update_point: ("edit_points", _update_point),
    points.move_point: ("edit_points", _move_point),
    points.retire_point: ("edit_points", _retire_point),
    points.add_maintenance: ("record_maintenance", _add_maintenance),
    users.add_user: ("manage_users", _add_user),
    users.import_worker_accounts: ("manage_users", _import_worker_accounts),
    users.reset_password: ("manage_users", _reset_password),
    users.set_role_and_scope: ("manage_users", _set_role_and_scope),
    users.disable_user: ("manage_users", _disable_user),
    users.enable_user: ("manage_users", _enable_user),
    users.unlock_user: ("manage_users", _unlock_user),
}

#: Public functions that only read (they check view scope where they take a user).
READS = {
    points.clean_photo,
    points.editable_columns,
    points.layer_of_kind,
    points.list_points,
    points.maintenance_history,
    points.maintenance_photo,
    points.point_panel,
    points.validate_values,
    users.list_users,
    users.display_table,
}

_ORDER = [UserRole.VIEWER, UserRole.INSPECTOR, UserRole.PLANNER, UserRole.ADMIN]


def _highest_role_without(right: str) -> str:
    needed = _ORDER.index(auth.RIGHTS[right])
    return _ORDER[needed - 1].value


def _lowest_role_with(right: str) -> str:
    return auth.RIGHTS[right].value


def _snapshot(store) -> tuple:
    audit = store.read_audit(limit=1)
    return (0 if audit.empty else int(audit["id"].iloc[0]), tuple(store.counts().items()))


def test_every_public_function_is_classified():
    public = {
        obj
        for module in (points, users)
        for name, obj in vars(module).items()
        if inspect.isfunction(obj)
        and not name.startswith("_")
        and obj.__module__ == module.__name__
    }
    assert public == set(WRITES) | READS, "add new write functions to WRITES (and test them)"
    for module in (points, users):
        exported = {
            getattr(module, n) for n in module.__all__ if inspect.isfunction(getattr(module, n))
        }
        assert exported <= set(WRITES) | READS


@pytest.mark.parametrize("func", list(WRITES), ids=lambda f: f.__name__)
def test_write_refused_for_role_without_the_right(ctx, func):
    right, call = WRITES[func]
    user = _user(_highest_role_without(right))
    before = _snapshot(ctx.store)
    with pytest.raises(PermissionDenied, match="may not"):
        call(ctx, user, "in")
    assert _snapshot(ctx.store) == before


@pytest.mark.parametrize("func", list(WRITES), ids=lambda f: f.__name__)
def test_write_refused_outside_the_users_scope(ctx, func):
    right, call = WRITES[func]
    user = _user(_lowest_role_with(right), (ctx.inside,))
    before = _snapshot(ctx.store)
    with pytest.raises(PermissionDenied):
        call(ctx, user, "out")
    assert _snapshot(ctx.store) == before


@pytest.mark.parametrize("func", list(WRITES), ids=lambda f: f.__name__)
def test_write_allowed_in_scope_and_audited(ctx, func):
    right, call = WRITES[func]
    user = _user(_lowest_role_with(right), (ctx.inside,))
    before = _snapshot(ctx.store)
    call(ctx, user, "in")
    assert _snapshot(ctx.store)[0] > before[0]  # an audit row was written
    newest = ctx.store.read_audit(limit=1).iloc[0]
    assert newest["username"] == user.username
