"""Access (issue 9, item 4): every library write checks role and scope; secrets and the log hold.

The table :data:`WRITES` names every write function of the library's write
modules with a call that succeeds for an allowed user. Each write is called (1)
by the highest role without the right, (2) by a user with the right whose scope
does not hold the object, and must be refused with the store (and the settings
file) unchanged; (3) by an allowed user in scope, and must succeed and be
audited. :func:`test_every_public_function_is_classified` enumerates the public
functions of those modules, so a new write without a row here fails.

Rights that even a viewer has (``export``) are raised to ``inspector`` for the
role test, which proves that the function asks for the right at all.

Also: password hashes are argon2, logins are rate limited per user, phone
numbers are masked in every view and export for roles without ``see_phones``,
and the audit log cannot be changed through the library or the app.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import inspect
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import gridmap
from gridmap import auth, config, importing, issues, maps, snapshot
from gridmap import export as exports
from gridmap.checks import config as checks_config
from gridmap.errors import GridmapError, ImportReport, InputError, PermissionDenied
from gridmap.grids import service as grid_service
from gridmap.issues import service as issue_service
from gridmap.maps import panels
from gridmap.model import UserRole
from gridmap.records import points, users, workers

ROOT = Path(gridmap.__file__).resolve().parent
AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 2)

#: Modules whose every public function is classified below.
WRITE_MODULES = (
    points,
    users,
    workers,
    grid_service,
    issue_service,
    issues,
    importing,
    config,
    checks_config,
    exports,
    auth,
)


@dataclass
class Ctx:
    """The demo store, one community in the scoped users' scope and one outside it."""

    store: object
    tmp: Path
    inside: str
    outside: str
    grid_in: str
    grid_out: str
    point_in: int
    point_out: int
    lonlat: dict[str, tuple[float, float]]
    issue_ids: dict[str, list[int]]
    worker_of: dict[str, str]


def _user(role: str, scope: tuple[str, ...] | None = None) -> auth.User:
    return auth.User(f"test_{role}", UserRole(role), scope)


@pytest.fixture
def ctx(demo_store, tmp_path) -> Ctx:
    store = demo_store
    frames = snapshot.load_frames(store, on=TODAY)
    codes = sorted(frames["communities"]["code"])
    inside, outside = codes[0], codes[1]
    grids = frames["grids"]
    assignments = frames["assignments"]
    boards = frames["boards"]

    def grid_of(community: str) -> str:
        held = assignments.groupby("grid")["worker"].nunique()
        mine = grids.loc[grids["community"] == community, "code"]
        return str(next(c for c in sorted(mine) if held.get(c, 0) >= 2))

    grid_in, grid_out = grid_of(inside), grid_of(outside)
    lonlat = {}
    for key, code in (("in", grid_in), ("out", grid_out)):
        pt = grids.loc[grids["code"] == code].geometry.iloc[0].representative_point()
        lonlat[key] = (float(pt.x), float(pt.y))
    point_in = int(boards.loc[boards["community"] == inside, "id"].iloc[0])
    point_out = int(boards.loc[boards["community"] == outside, "id"].iloc[0])
    issue_ids = {}
    for key in ("in", "out"):
        lon, lat = lonlat[key]
        issue_ids[key] = [
            issue_service.report_issue(
                store,
                auth.SYSTEM,
                category="市容环境",
                subcategory="暴露垃圾",
                lon=lon,
                lat=lat,
                at=AT,
            ).id
            for _ in range(2)
        ]
    # a worker who works only in one community, per side
    by_worker = assignments.merge(grids[["code", "community"]], left_on="grid", right_on="code")
    spread = by_worker.groupby("worker")["community"].agg(set)
    worker_of = {
        key: str(next(w for w, cs in sorted(spread.items()) if cs == {community}))
        for key, community in (("in", inside), ("out", outside))
    }
    auth.create_user(store, "user_in", "password-in-1", role="viewer", scope=[inside])
    auth.create_user(store, "user_out", "password-out-1", role="viewer", scope=[outside])
    return Ctx(
        store, tmp_path, inside, outside, grid_in, grid_out, point_in, point_out, lonlat,
        issue_ids, worker_of,
    )  # fmt: skip


def _version(c: Ctx, table: str, row_id: int) -> int:
    return int(c.store.get(table, row_id)["version"])


def _community(c: Ctx, t: str) -> str:
    return c.inside if t == "in" else c.outside


# ----------------------------------------------------------------- the calls
# each: call(ctx, user, target) with target "in" (the scoped user's community) or "out"


def _add_point(c, u, t):
    lon, lat = c.lonlat[t]
    values = {"board_type": "publicity", "name": "new"}
    return points.add_point(c.store, u, "boards", lon=lon, lat=lat, values=values)


def _update_point(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    version = _version(c, "points", pid)
    return points.update_point(c.store, u, pid, {"theme": "x"}, version=version)


def _move_point(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    lon, lat = c.lonlat[t]
    version = _version(c, "points", pid)
    return points.move_point(c.store, u, pid, lon=lon, lat=lat, version=version)


def _retire_point(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    return points.retire_point(c.store, u, pid, version=_version(c, "points", pid))


def _add_maintenance(c, u, t):
    pid = c.point_in if t == "in" else c.point_out
    return points.add_maintenance(c.store, u, pid, date=dt.date(2026, 1, 5), action="cleaned")


def _add_user(c, u, t):
    scope = [_community(c, t)]
    return users.add_user(c.store, "new_user", "password-new-1", scope=scope, by=u)


def _import_worker_accounts(c, u, t):
    import pandas as pd

    scope = [_community(c, t)]
    code = c.store.read_layer("workers")["code"].iloc[0]
    table = pd.DataFrame({"worker": [code], "username": ["worker_new"]})
    return users.import_worker_accounts(c.store, table, scope=scope, by=u)


def _reset_password(c, u, t):
    return users.reset_password(c.store, f"user_{t}", "password-reset-1", by=u)


def _set_role_and_scope(c, u, t):
    scope = [_community(c, t)]
    return users.set_role_and_scope(c.store, f"user_{t}", role="inspector", scope=scope, by=u)


def _disable_user(c, u, t):
    return users.disable_user(c.store, f"user_{t}", by=u)


def _enable_user(c, u, t):
    return users.enable_user(c.store, f"user_{t}", by=u)


def _unlock_user(c, u, t):
    return users.unlock_user(c.store, f"user_{t}", by=u)


def _create_user(c, u, t):
    scope = [_community(c, t)]
    return auth.create_user(c.store, "new_user", "password-new-1", scope=scope, by=u)


def _set_password(c, u, t):
    return auth.set_password(c.store, f"user_{t}", "password-set-1", by=u)


def _add_worker(c, u, t):
    # a new worker belongs to no community yet: the whole street (like importing workers)
    return workers.add_worker(c.store, u, name="新网格员", phone="13800000000")


def _update_worker(c, u, t):
    return workers.update_worker(c.store, u, c.worker_of[t], notes="changed")


def _deactivate_worker(c, u, t):
    return workers.deactivate_worker(c.store, u, c.worker_of[t], on=TODAY)


def _save_grids(c, u, t):
    community = _community(c, t)
    grids = c.store.read_layer("grids")
    mine = grids[grids["community"] == community]
    new = mine[["code", "name", "households", "residents", "geometry"]].copy()
    versions = dict(zip(mine["code"], mine["version"].astype(int), strict=True))
    return grid_service.save_grids(c.store, u, community, new, base_versions=versions, today=TODAY)


def _save_assignments(c, u, t):
    grid = c.grid_in if t == "in" else c.grid_out
    plan = grid_service.read_plan(c.store, on=TODAY)
    plan.unassign(grid, worker=sorted(plan.workers_of(grid))[-1])
    return grid_service.save_assignments(c.store, u, plan, today=TODAY)


def _plan_file(c: Ctx, t: str) -> Path:
    grid = c.grid_in if t == "in" else c.grid_out
    roster = grid_service.roster_as_of(c.store, TODAY)
    rows = roster[(roster["grid_code"] == grid) & ~roster["retired"].astype(bool)]
    rows = rows[list(grid_service.PLAN_COLUMNS)].iloc[:-1]  # drop one worker
    path = c.tmp / f"plan_{t}.csv"
    rows.assign(valid_from=None).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _import_plan(c, u, t):
    return grid_service.import_plan(c.store, u, _plan_file(c, t), today=TODAY)


def _export_plan(c, u, t):
    return grid_service.export_plan(c.store, c.tmp / "plan.csv", as_of=TODAY, user=u)


def _report_issue(c, u, t):
    lon, lat = c.lonlat[t]
    return issue_service.report_issue(
        c.store, u, category="市容环境", subcategory="暴露垃圾", lon=lon, lat=lat, at=AT
    )


def _move_issue(c, u, t):
    iid = c.issue_ids[t][0]
    version = _version(c, "issue_reports", iid)
    return issue_service.move_issue(c.store, u, iid, "registered", version=version, at=AT)


def _merge_duplicate(c, u, t):
    a, b = c.issue_ids[t]
    version = _version(c, "issue_reports", b)
    return issue_service.merge_duplicate(c.store, u, b, into=a, version=version, at=AT)


def _link_duplicate(c, u, t):
    a, b = c.issue_ids[t]
    version = _version(c, "issue_reports", b)
    return issue_service.link_duplicate(c.store, u, b, other=a, version=version, at=AT)


def _mark_duplicate(c, u, t):
    a, b = c.issue_ids[t]
    version = _version(c, "issue_reports", b)
    code = c.store.get("issue_reports", a)["code"]  # as typed into the page, spaces and all
    return issue_service.mark_duplicate(c.store, u, b, f" {code} ", how="link",
                                        version=version, at=AT)


def _confirm_grid(c, u, t):
    iid = c.issue_ids[t][0]
    grid = c.grid_in if t == "in" else c.grid_out
    version = _version(c, "issue_reports", iid)
    return issue_service.confirm_grid(c.store, u, iid, grid=grid, version=version, at=AT)


def _scores_workbook(c, u, t):
    return issues.scores_workbook(c.store, month="2026-11", user=u)


def _record_scores_export(c, u, t):
    return issues.record_scores_export(c.store, u, month="2026-11")


def _bins_file(c: Ctx, t: str) -> Path:
    lon, lat = c.lonlat[t]
    path = c.tmp / f"bins_{t}.csv"
    path.write_text(f"name,bin_type,经度,纬度\nnew bin,street_bin,{lon},{lat}\n", encoding="utf-8")
    return path


def _import_file(c, u, t):
    return importing.import_file(c.store, "bins", _bins_file(c, t), user=u)


def _import_demo(c, u, t):
    return importing.import_demo(c.store, user=u)


def _save_settings(c, u, t):
    return config.save_settings({"boundary_flag_m": 12.0}, by=u)


def _save_rules(c, u, t):
    rule = next(iter(checks_config.default_rules()))
    return checks_config.save_rules({rule: {"enabled": False}}, by=u)


def _export(kind: str, **options) -> Callable:
    def call(c, u, t):
        return exports.run_export(
            kind, c.store, c.tmp / f"out_{kind}", user=u, community=_community(c, t), **options
        )

    return call


def _export_direct(func: Callable, suffix: str, **options) -> Callable:
    def call(c, u, t):
        out = c.tmp / f"out_{func.__name__}{suffix}"
        return func(c.store, out, user=u, community=_community(c, t), **options)

    return call


def _export_dossier(c, u, t):
    grid = c.grid_in if t == "in" else c.grid_out  # one grid: a community's PDF is slow
    out = c.tmp / "dossier.pdf"
    return exports.export_dossier(c.store, out, user=u, community=_community(c, t), grid=grid)


#: function -> (right, call, street_wide): ``street_wide`` writes touch the whole
#: street, so the scope test uses a user scoped to a community at all.
WRITES: dict[Callable, tuple[str, Callable, bool]] = {
    points.add_point: ("edit_points", _add_point, False),
    points.update_point: ("edit_points", _update_point, False),
    points.move_point: ("edit_points", _move_point, False),
    points.retire_point: ("edit_points", _retire_point, False),
    points.add_maintenance: ("record_maintenance", _add_maintenance, False),
    users.add_user: ("manage_users", _add_user, False),
    users.import_worker_accounts: ("manage_users", _import_worker_accounts, False),
    users.reset_password: ("manage_users", _reset_password, False),
    users.set_role_and_scope: ("manage_users", _set_role_and_scope, False),
    users.disable_user: ("manage_users", _disable_user, False),
    users.enable_user: ("manage_users", _enable_user, False),
    users.unlock_user: ("manage_users", _unlock_user, False),
    auth.create_user: ("manage_users", _create_user, False),
    auth.set_password: ("manage_users", _set_password, False),
    workers.add_worker: ("assign", _add_worker, True),
    workers.update_worker: ("assign", _update_worker, False),
    workers.deactivate_worker: ("assign", _deactivate_worker, False),
    grid_service.save_grids: ("edit_grids", _save_grids, False),
    grid_service.save_assignments: ("assign", _save_assignments, False),
    grid_service.import_plan: ("import", _import_plan, False),
    grid_service.export_plan: ("export", _export_plan, True),
    issue_service.report_issue: ("edit_issues", _report_issue, False),
    issue_service.move_issue: ("edit_issues", _move_issue, False),
    issue_service.merge_duplicate: ("edit_issues", _merge_duplicate, False),
    issue_service.link_duplicate: ("edit_issues", _link_duplicate, False),
    issue_service.mark_duplicate: ("edit_issues", _mark_duplicate, False),
    issue_service.confirm_grid: ("edit_issues", _confirm_grid, False),
    issues.scores_workbook: ("export", _scores_workbook, True),
    issues.record_scores_export: ("export", _record_scores_export, True),
    importing.import_file: ("import", _import_file, False),
    importing.import_demo: ("import", _import_demo, True),
    config.save_settings: ("edit_settings", _save_settings, True),
    checks_config.save_rules: ("edit_settings", _save_rules, True),
    exports.run_export: ("export", _export("roster", fmt="csv"), False),
    exports.export_roster: ("export", _export_direct(exports.export_roster, ".xlsx"), False),
    exports.export_dossier: ("export", _export_dossier, False),
    exports.export_gpkg: ("export", _export_direct(exports.export_gpkg, ".gpkg"), False),
    exports.export_geojson: ("export", _export_direct(exports.export_geojson, ""), False),
    exports.export_weekly: (
        "export",
        _export_direct(exports.export_weekly, ".xlsx", week=TODAY),
        False,
    ),
    exports.export_supervision: (
        "run_checks",
        _export_direct(exports.export_supervision, ".pdf", as_of=TODAY),
        False,
    ),
}

#: Known gaps (a write that does not yet check what it should); strict: fixing one
#: makes its test pass, and then the entry must go.
GAPS: dict[tuple[Callable, str], str] = {}
#: Writes with no object outside the user's scope to ask for, each with the reason.
SCOPE_NOT_APPLICABLE = {
    grid_service.export_plan: "takes no community: it writes only the user's communities "
    "(test_a_scoped_plan_export_holds_only_the_users_grids)",
    issues.scores_workbook: "takes no community: the scores are limited to the user's scope",
    issues.record_scores_export: "only records that the user took their own scores",
}

#: Public functions that only read, compute or build (no store or settings write).
READS: set[Callable] = {
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
    workers.get_worker,
    workers.list_workers,
    workers.unstaffed_grids,
    workers.worker_overview,
    grid_service.read_plan,
    grid_service.split_community,
    grid_service.workload_inputs,
    grid_service.roster_as_of,
    grid_service.holders_on,
    grid_service.grids_as_of,
    issues.load_issue_config,
    issues.parse_status,
    issues.daily_list,
    issues.daily_lists,
    issues.issue_detail,
    issues.issue_photo,
    issues.issue_stats,
    issues.list_issues,
    issues.month_scores,
    issues.overdue_counts,
    issues.resolve_issue,
    issues.timeline_frame,
    issues.case_labels,
    issues.case_view,
    issues.grid_codes,
    issues.list_counts,
    issues.move_label_key,
    issues.move_request,
    issues.status_options,
    issues.worker_choices,
    importing.street_center,
    importing.street_area,
    importing.safe_file_name,
    importing.stage_upload,  # a temporary file, not the store
    importing.discard_upload,
    importing.problems_table,
    config.mask_url,
    config.street_zone,
    exports._common.file_name,
    exports._common.suggested_file_name,
    config.config_path,
    config.default_settings,
    config.load_settings,
    config.read_toml,
    config.get,
    checks_config.default_rules,
    checks_config.load_rules,
    exports.parse_date,
    exports.parse_week,
    exports.current_failures,
    auth.hash_password,
    auth.verify_password,
    auth.random_password,
    auth.can,
    auth.require,
    auth.require_street,
    auth.user_exists,
    auth.check_password_strength,
}

#: Public writes that take no acting user, each with the reason.
UNCHECKED = {
    auth.authenticate: "the login itself: counts attempts, tested below",
    auth.record_login: "counts a login attempt for authenticate (the lockout policy)",
    auth.login: "the login itself (authenticate with the lock minutes): tests/web",
    auth.change_password: "one's own password, proven by the current one: tests/web",
    config.write_table: "low-level TOML writer behind save_settings and save_rules",
    auth.write_password_file: "the operator's own first password, from the CLI: tests/test_server",
}


def _public_functions(module) -> set[Callable]:
    prefix = module.__name__
    is_package = hasattr(module, "__path__")
    # dir(), not vars(): a package's names load on first use (gridmap._lazy)
    found = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    return {
        obj
        for name, obj in found.items()
        if inspect.isfunction(obj)
        and not name.startswith("_")
        and (obj.__module__ == prefix or (is_package and obj.__module__.startswith(prefix + ".")))
    }


def test_every_public_function_is_classified():
    public = set().union(*(_public_functions(m) for m in WRITE_MODULES))
    known = set(WRITES) | READS | set(UNCHECKED)
    unknown = sorted(f"{f.__module__}.{f.__qualname__}" for f in public - known)
    assert not unknown, f"classify these as writes (with a test call) or reads: {unknown}"
    stale = sorted(f"{f.__module__}.{f.__qualname__}" for f in known - public)
    assert not stale


def test_reads_write_nothing_statically():
    """A function listed as a read must not call the store's write methods itself."""
    writes = re.compile(
        r"\bstore\.(insert|update|delete|audit|write_layer|add_failed_login|clear_failed_logins"
        r"|transaction)\("
        r"|\b(insert|update|delete)\(schema\."
    )
    for func in READS:
        source = inspect.getsource(func)
        assert not writes.search(source), f"{func.__module__}.{func.__name__} writes"


# ----------------------------------------------------------------- the table tests

_ORDER = [UserRole.VIEWER, UserRole.INSPECTOR, UserRole.PLANNER, UserRole.ADMIN]


def _snapshot(c: Ctx) -> tuple:
    audit = c.store.read_audit(limit=1)
    settings = config.config_path()
    digest = hashlib.sha256(settings.read_bytes()).hexdigest() if settings.exists() else None
    from sqlalchemy import select

    from gridmap.store import schema

    with c.store.engine.connect() as conn:
        users_rows = tuple(tuple(r) for r in conn.execute(select(schema.users)).all())
    return (
        0 if audit.empty else int(audit["id"].iloc[0]),
        tuple(c.store.counts().items()),
        digest,
        users_rows,
    )


def _assert_refused(call: Callable[[], object]) -> None:
    """The call raises PermissionDenied, or (importers) reports errors and writes nothing."""
    try:
        result = call()
    except PermissionDenied:
        return
    assert isinstance(result, ImportReport), f"not refused: returned {result!r:.120}"
    assert not result.ok and not result.written, result.problems


def _gap(request, func: Callable, kind: str) -> None:
    reason = GAPS.get((func, kind))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


_IDS = [f.__module__.removeprefix("gridmap.") + "." + f.__name__ for f in WRITES]


@pytest.mark.parametrize("func", list(WRITES), ids=_IDS)
def test_write_refused_for_a_role_without_the_right(ctx, func, monkeypatch, request):
    _gap(request, func, "role")
    right, call, _street = WRITES[func]
    needed = _ORDER.index(auth.RIGHTS[right])
    if needed == 0:  # even viewers have it: require more, to see that it is checked
        monkeypatch.setitem(auth.RIGHTS, right, UserRole.INSPECTOR)
        needed = 1
    user = _user(_ORDER[needed - 1].value)
    before = _snapshot(ctx)
    _assert_refused(lambda: call(ctx, user, "in"))
    assert _snapshot(ctx) == before


def _params(skip: dict) -> list:
    """WRITES without the ones in ``skip`` (their reason is documented there, not skipped)."""
    return [pytest.param(f, id=i) for f, i in zip(WRITES, _IDS, strict=True) if f not in skip]


@pytest.mark.parametrize("func", _params(SCOPE_NOT_APPLICABLE))
def test_write_refused_outside_the_users_scope(ctx, func, request):
    _gap(request, func, "scope")
    right, call, _street = WRITES[func]
    user = _user(auth.RIGHTS[right].value, (ctx.inside,))
    before = _snapshot(ctx)
    _assert_refused(lambda: call(ctx, user, "out"))
    assert _snapshot(ctx) == before


#: Writes whose "allowed" call cannot run on the demo street as it is.
_NOT_RUN_ALLOWED = {
    issue_service.confirm_grid: "needs a report flagged on a grid boundary (tests/issues)",
    importing.import_demo: "loads only into an empty store (tests/test_importing.py)",
}


@pytest.mark.parametrize("func", _params(_NOT_RUN_ALLOWED))
def test_write_allowed_in_scope_is_audited(ctx, func):
    right, call, street = WRITES[func]
    scope = None if street else (ctx.inside,)
    user = _user(auth.RIGHTS[right].value, scope)
    before = _snapshot(ctx)
    result = call(ctx, user, "in")
    if isinstance(result, ImportReport):
        assert result.ok and result.written, result.problems
    after = _snapshot(ctx)
    if func in (config.save_settings, checks_config.save_rules):
        assert after[2] != before[2]  # the settings file changed
    else:
        assert after[0] > before[0]  # an audit row was written
        assert ctx.store.read_audit(limit=1).iloc[0]["username"] == user.username


# ----------------------------------------------------------------- passwords


def test_passwords_are_stored_only_as_argon2_hashes(demo_store):
    from sqlalchemy import select

    from gridmap.store import schema

    auth.create_user(demo_store, "someone", "a-clear-password-9", role="viewer")
    auth.set_password(demo_store, "viewer", "another-clear-one-9")
    with demo_store.engine.connect() as conn:
        rows = conn.execute(select(schema.users)).mappings().all()
        audit = conn.execute(select(schema.audit_log)).mappings().all()
    assert len(rows) >= 8
    for row in rows:
        assert row["password_hash"].startswith("$argon2id$"), row["username"]
        assert "a-clear-password-9" not in str(dict(row))
    text = " ".join(str(dict(r)) for r in audit)
    assert "a-clear-password-9" not in text and "another-clear-one-9" not in text
    assert "$argon2" not in text  # hashes are masked in the audit log


def test_login_is_rate_limited_per_user(demo_store, demo_password):
    now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(auth.MAX_FAILED_LOGINS):
        assert auth.authenticate(demo_store, "planner", f"wrong-{i}", now=now) is None
    # locked: the right password is refused too, for this user only
    assert auth.authenticate(demo_store, "planner", demo_password, now=now) is None
    later = now + auth.LOCKOUT - dt.timedelta(seconds=1)
    assert auth.authenticate(demo_store, "planner", demo_password, now=later) is None
    assert auth.authenticate(demo_store, "viewer", demo_password, now=now) is not None
    # unlocked after the lockout time
    after = now + auth.LOCKOUT + dt.timedelta(seconds=1)
    user = auth.authenticate(demo_store, "planner", demo_password, now=after)
    assert user is not None and user.role == UserRole.PLANNER
    # the count starts again after a success
    for i in range(auth.MAX_FAILED_LOGINS - 1):
        assert auth.authenticate(demo_store, "planner", f"wrong-{i}", now=after) is None
    assert auth.authenticate(demo_store, "planner", demo_password, now=after) is not None


def test_lockout_holds_across_store_connections(demo_db, demo_password):
    """The failure count lives in the store, not in one process's memory."""
    from gridmap.store import open_store

    now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(auth.MAX_FAILED_LOGINS):
        other = open_store(demo_db)  # another app process
        try:
            assert auth.authenticate(other, "admin", f"wrong-{i}", now=now) is None
        finally:
            other.close()
    fresh = open_store(demo_db)
    try:
        assert auth.authenticate(fresh, "admin", demo_password, now=now) is None
    finally:
        fresh.close()


# ----------------------------------------------------------------- phones


@pytest.fixture
def phones(demo_store) -> dict:
    """Every worker's phone set to a distinct full number; returns the numbers."""
    numbers = {}
    for i, row in enumerate(demo_store.read_layer("workers").itertuples()):
        number = f"139{i:04d}{8765:04d}"
        workers.update_worker(demo_store, auth.SYSTEM, row.code, phone=number)
        numbers[row.code] = number
    return numbers


def _full_numbers_in(text: str, numbers: dict) -> list[str]:
    return [n for n in numbers.values() if n in text]


def _masked(number: str) -> str:
    return snapshot.mask_phone(number)


VIEWER = auth.User("viewer", UserRole.VIEWER)
INSPECTOR = auth.User("inspector", UserRole.INSPECTOR)


def test_phones_masked_in_map_popups_and_frames(demo_store, phones):
    frames = snapshot.visible_frames(demo_store, VIEWER, on=TODAY)
    page = maps.street_map(frames, lang="en").get_root().render()
    assert not _full_numbers_in(page, phones)
    assert any(_masked(n) in page for n in phones.values())
    for name, frame in frames.items():
        text = frame.drop(columns="geometry", errors="ignore").astype(str).to_csv()
        assert not _full_numbers_in(text, phones), name
    full = snapshot.visible_frames(demo_store, INSPECTOR, on=TODAY)
    page = maps.street_map(full, lang="en").get_root().render()
    assert _full_numbers_in(page, phones)  # the test can see a full number


def test_phones_masked_in_grid_panel(demo_store, phones):
    grid = sorted(demo_store.read_layer("grids")["code"])[0]
    panel = panels.grid_panel(demo_store, grid, user=VIEWER, on=TODAY)
    assert panel["workers"] and not _full_numbers_in(str(panel), phones)
    assert all(w["phone"] in (None, _masked(phones[w["code"]])) for w in panel["workers"])
    panel = panels.grid_panel(demo_store, grid, user=INSPECTOR, on=TODAY)
    assert _full_numbers_in(str(panel), phones)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return " ".join(
        str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value
    )


def _gpkg_text(path: Path) -> str:
    import pyogrio

    return " ".join(
        pyogrio.read_dataframe(path, layer=name).to_csv()
        for name, _kind in pyogrio.list_layers(path)
    )


def _first_grid(store) -> tuple[str, str]:
    grids = store.read_layer("grids").sort_values("code")
    return str(grids["community"].iloc[0]), str(grids["code"].iloc[0])


def _roster_xlsx(store, user, tmp):
    exports.export_roster(store, tmp / "r.xlsx", user=user, as_of=TODAY)
    return _xlsx_text(tmp / "r.xlsx")


def _roster_csv(store, user, tmp):
    exports.export_roster(store, tmp / "r.csv", user=user, fmt="csv", as_of=TODAY)
    return (tmp / "r.csv").read_text(encoding="utf-8-sig")


def _dossier_pdf(store, user, tmp):
    community, grid = _first_grid(store)
    exports.export_dossier(
        store, tmp / "d.pdf", user=user, community=community, grid=grid, as_of=TODAY
    )
    return _pdf_text(tmp / "d.pdf")


def _geojson(store, user, tmp):
    exports.export_geojson(store, tmp / "gj", user=user)
    return " ".join(p.read_text(encoding="utf-8") for p in (tmp / "gj").iterdir())


def _gpkg(store, user, tmp):
    exports.export_gpkg(store, tmp / "all.gpkg", user=user)
    return _gpkg_text(tmp / "all.gpkg")


def _supervision_pdf(store, user, tmp):
    _community, grid = _first_grid(store)
    exports.export_supervision(store, tmp / "s.pdf", user=user, grid=grid, as_of=TODAY)
    return _pdf_text(tmp / "s.pdf")


def _weekly_xlsx(store, user, tmp):
    exports.export_weekly(store, tmp / "w.xlsx", user=user, week=TODAY)
    return _xlsx_text(tmp / "w.xlsx")


def _daily_lists(store, user, tmp):
    lists = issues.daily_lists(store, day=TODAY, user=user)
    return " ".join(f.astype(str).to_csv() for f in lists.values())


def _scores(store, user, tmp):
    from openpyxl import load_workbook

    data = issues.scores_workbook(store, month="2026-11", user=user, audit=False)
    book = load_workbook(io.BytesIO(data))
    return " ".join(
        str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value
    )


#: export -> (build text, whether it lists phone numbers at all)
PHONE_EXPORTS = {
    "roster.xlsx": (_roster_xlsx, True),
    "roster.csv": (_roster_csv, True),
    "dossier.pdf": (_dossier_pdf, True),
    "geojson": (_geojson, True),
    "gpkg": (_gpkg, True),
    "weekly.xlsx": (_weekly_xlsx, False),
    "daily lists": (_daily_lists, False),
    "scores.xlsx": (_scores, False),
}


@pytest.mark.parametrize("name", list(PHONE_EXPORTS))
def test_phones_masked_in_every_export_for_a_viewer(demo_store, phones, tmp_path, name):
    build, lists_phones = PHONE_EXPORTS[name]
    text = build(demo_store, VIEWER, tmp_path)
    assert not _full_numbers_in(text, phones)
    if lists_phones:
        assert any(_masked(n) in text for n in phones.values())
        full = build(demo_store, INSPECTOR, tmp_path / "inspector")
        assert _full_numbers_in(full, phones)  # the right shows them: the test can tell


def test_supervision_orders_list_no_phone_numbers(demo_store, phones, tmp_path):
    """The 督办单 (公文 layout) addresses the community and grid head by name only."""
    text = _supervision_pdf(demo_store, INSPECTOR, tmp_path)
    assert "督办" in text  # the order was written
    assert not _full_numbers_in(text, phones)
    assert not any(_masked(n) in text for n in phones.values())


def test_every_place_phones_appear_is_covered():
    """Library modules that touch phone numbers; a new one must be added to the tests above."""
    touching = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        if re.search(r"\bphones?\b", path.read_text(encoding="utf-8")):
            touching.add(path.relative_to(ROOT).as_posix())
    covered = {
        "model.py",  # the column schema
        "snapshot.py",  # map frames and popups: test_phones_masked_in_map_popups_and_frames
        "maps/layers.py",  # popup fields (docs of add_grids)
        "maps/popups.py",  # popup fields
        "maps/panels.py",  # grid panel
        "records/workers.py",  # worker admin (planner and up: they may see phones)
        "i18n.py",  # labels
        "auth.py",  # the see_phones right
        "store/assignments.py",  # workers_of, used by the grid panel
        "store/baseline.py",  # benchmark baseline only (no user)
        "export/_common.py",
        "export/roster.py",
        "export/dossier.py",
        "export/data.py",
        "export/supervision.py",
        "export/cli.py",  # help text
        "export/__init__.py",  # docs
        "bench/export.py",  # benchmark only (no user)
        "records/cli.py",  # worker admin CLI (--phone)
        "records/tokens.py",  # the phones right of API tokens
        "notify/config.py",  # the receiver role that decides masking
        "notify/messages.py",  # messages mask phones by receiver: tests/notify
        "notify/outbox.py",  # recipients' phones for @-mentions: tests/notify
        "store/outbox.py",  # stores the composed, already masked messages
        "web/api.py",  # locate: tests/web/test_api.py masks phones without the right
        "web/open311.py",  # contact phone of a report (stored, never listed)
        "web/views.py",  # the grid panel's table (phones masked by maps/panels.py); cache role
        "issues/queries.py",
        "issues/service.py",
        "checks/integrity.py",
        "io/_columns.py",  # header aliases
        "io/layers.py",  # phone numbers validated on import (not shown)
        "messages.py",  # the phone-number rule's message
        "io/writers.py",  # docs of csv_text
        "store/schema.py",  # the column
    }
    assert touching <= covered, sorted(touching - covered)


# ----------------------------------------------------------------- the audit log


@pytest.mark.parametrize("table", ["audit_log", "alembic_version"])
def test_store_refuses_to_change_the_audit_log(demo_store, table):
    audit = demo_store.read_audit(limit=5)
    row_id = int(audit["id"].iloc[-1])
    before = demo_store.read_audit(limit=100_000)
    with pytest.raises((PermissionDenied, InputError)):
        demo_store.update(table, row_id, {"note": "edited"}, version=1, username="x")
    with pytest.raises((PermissionDenied, InputError)):
        demo_store.delete(table, row_id, version=1, username="x")
    with pytest.raises((PermissionDenied, InputError)):
        demo_store.insert(table, {"action": "forged", "username": "x"}, username="x")
    with pytest.raises(InputError):
        demo_store.write_layer(
            "audit_log", pd.DataFrame({"note": ["x"]}), source_crs="wgs84", username="x"
        )
    after = demo_store.read_audit(limit=100_000)
    pd.testing.assert_frame_equal(before, after)


def _sql_statements_on_audit_log(path: Path) -> list[str]:
    """Calls that would update or delete audit rows: update()/delete() of the audit table
    or SQL text doing it."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("update", "delete") and node.args:
                arg = ast.unparse(node.args[0])
                if "audit" in arg:
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.search(r"(?i)\b(update|delete\s+from|truncate)\s+\"?audit_log", node.value)
        ):
            found.append(f"{path.name}:{node.lineno}: {node.value[:80]}")
    return found


def test_no_library_code_or_page_updates_or_deletes_audit_rows():
    app_root = ROOT.parent
    files = [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]
    files += [*sorted((app_root / "pages").glob("*.py")), app_root / "app.py"]
    found = [hit for path in files if path.exists() for hit in _sql_statements_on_audit_log(path)]
    assert not found


def test_pages_only_read_the_audit_log():
    app_root = ROOT.parent
    for path in [*sorted((app_root / "pages").glob("*.py")), app_root / "app.py"]:
        text = path.read_text(encoding="utf-8")
        assert "audit_log" not in text, path.name
        assert not re.search(r"store\.(update|delete|insert)\(\s*[\"']audit", text), path.name


def test_a_day_of_work_never_issues_sql_that_changes_audit_rows(ctx):
    """Run writes of every kind and watch every SQL statement sent to the database."""
    from sqlalchemy import event

    seen: list[str] = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(ctx.store.engine, "before_cursor_execute", watch)
    done = 0
    try:
        admin = auth.User("admin", UserRole.ADMIN)
        for func, (_right, call, _street) in WRITES.items():
            # every export writes its audit row the same way: the roster (run_export) stands
            # for them all, and the slow PDF/GPKG builders stay out of this test
            heavy = func.__module__.startswith("gridmap.export.") or func is grid_service.save_grids
            if func in _NOT_RUN_ALLOWED or heavy:
                continue
            try:
                call(ctx, admin, "in")
                done += 1
            except GridmapError:  # e.g. the point retired by an earlier call
                pass
    finally:
        event.remove(ctx.store.engine, "before_cursor_execute", watch)
    assert done >= len(WRITES) - 15 and len(seen) > 100
    changing = [s for s in seen if re.search(r"(?i)^\s*(update|delete\s+from)\s+\"?audit_log", s)]
    assert not changing
    assert any(re.search(r"(?i)insert into \"?audit_log", s) for s in seen)


def test_audit_rows_cannot_be_changed_on_either_backend(store):
    audit_id = store.audit("export", username="someone", note="original")
    for attempt in (
        lambda: store.update("audit_log", audit_id, {"note": "x"}, version=1, username="x"),
        lambda: store.delete("audit_log", audit_id, version=1, username="x"),
    ):
        with pytest.raises((PermissionDenied, InputError)):
            attempt()
    row = store.read_audit(limit=1).iloc[0]
    assert (int(row["id"]), row["note"], row["username"]) == (audit_id, "original", "someone")


def test_a_scoped_plan_export_holds_only_the_users_grids(demo_store, tmp_path):
    import pandas as pd

    mine = sorted(demo_store.read_layer("communities")["code"])[0]
    user = auth.User("scoped", UserRole.PLANNER, (mine,))
    rows = grid_service.export_plan(demo_store, tmp_path / "plan.csv", user=user)
    codes = pd.read_csv(tmp_path / "plan.csv", dtype=str, encoding="utf-8-sig")["grid_code"]
    assert rows == len(codes) > 0
    assert all(code.startswith(mine) for code in codes)
