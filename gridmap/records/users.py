"""User administration: list, add, reset passwords, change roles and scopes, disable.

Every function needs the ``manage_users`` right (admin), checked here in the
library. An admin scoped to some communities manages only users whose scope
lies within their own, and cannot hand out the whole street. Every change is
written through the store, which audits it with the acting admin's name
(password hashes never reach the audit log).

Field accounts: a ``worker`` user is linked to one worker record (网格员, by its
code) and sees the cases of that worker's grids; a ``volunteer`` only reports
and follows their own reports. :func:`import_worker_accounts` creates worker
accounts from a CSV (or XLSX) of worker codes.

Two guards keep the street administrable: an admin cannot disable or demote
themselves, and the last enabled whole-street admin cannot be disabled or
demoted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap import auth, i18n
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.model import UserRole

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "USER_COLUMNS",
    "add_user",
    "disable_user",
    "display_table",
    "enable_user",
    "import_worker_accounts",
    "list_users",
    "reset_password",
    "set_role_and_scope",
    "unlock_user",
]

#: Columns of :func:`list_users` (never the password hash).
USER_COLUMNS = (
    "id",
    "username",
    "role",
    "scope",
    "disabled",
    "failed_logins",
    "locked_until",
    "last_login",
    "worker_code",
    "version",
)


def _managed_row(store: Store, username: str, by: User) -> dict[str, Any]:
    """Return the ``users`` row of ``username``, whom ``by`` must be allowed to manage."""
    auth.require(by, "manage_users")
    row = store.find_user(username)
    if row is None:
        raise NotFound.keyed("users.no_such", username=username)
    _require_manage(by, _scope_of(row), username)
    return row


def _save(
    store: Store, row: dict[str, Any], values: dict[str, Any], by: User, version: int | None = None
) -> int:
    """Write ``values`` to the user's row (as read, or at ``version``); return its new version."""
    read = row["version"] if version is None else int(version)
    return store.update("users", row["id"], values, version=read, username=by.username)


def _end_sessions(store: Store, row: dict[str, Any], reason: str) -> int:
    """Revoke every live login session of the user (their open tabs see ``reason``)."""
    from gridmap.store import sessions as store_sessions

    return store_sessions.revoke_sessions(store, reason=reason, at=dt.datetime.now(dt.UTC),
                                          user_id=row["id"])


def _scope_list(scope: Sequence[str] | None) -> list[str] | None:
    return None if scope is None else list(scope)


def _scope_of(row: dict[str, Any]) -> tuple[str, ...] | None:
    scope = row.get("scope")
    return None if scope is None else tuple(scope)


def _within(inner: Sequence[str] | None, outer: Sequence[str] | None) -> bool:
    """Whether scope ``inner`` lies within scope ``outer`` (``None`` = whole street)."""
    if outer is None:
        return True
    if inner is None:
        return False
    return set(inner) <= set(outer)


def _require_manage(by: User, scope: Sequence[str] | None, username: str) -> None:
    auth.require(by, "manage_users")
    if not _within(scope, by.scope):
        if scope is None:
            raise PermissionDenied.keyed("users.outside_scope_street", user=by.username,
                                         username=username)
        raise PermissionDenied.keyed("users.outside_scope", user=by.username, username=username,
                                     scope=list(scope))


def _clean_scope(store: Store, scope: Sequence[str] | None) -> list[str] | None:
    """Check that every community code exists; return a sorted list (``None`` kept)."""
    if scope is None:
        return None
    if isinstance(scope, str):
        scope = [scope]
    codes = sorted({str(c).strip() for c in scope if str(c).strip()})
    if not codes:
        raise InputError.keyed("users.scope_empty")
    known = set(store.read_layer("communities")["code"])
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputError.keyed("users.unknown_communities", codes=unknown)
    return codes


def _is_street_admin(row: dict[str, Any]) -> bool:
    return row["role"] == UserRole.ADMIN and row.get("scope") is None and not row.get("disabled")


def _check_keeps_admin(store: Store, row: dict[str, Any], after: dict[str, Any]) -> None:
    """Refuse a change that would leave no enabled whole-street admin."""
    if not _is_street_admin(row) or _is_street_admin({**row, **after}):
        return
    others = [r for r in store.list_users() if r["id"] != row["id"] and _is_street_admin(r)]
    if not others:
        raise InputError.keyed("users.last_admin", username=row["username"])


def list_users(store: Store, *, by: User) -> pd.DataFrame:
    """Return the users ``by`` may manage.

    Parameters
    ----------
    store
        The store.
    by
        The admin asking.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`USER_COLUMNS` (no password hashes), by user name; an admin
        scoped to communities sees only users within that scope.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin.
    """
    auth.require(by, "manage_users")
    rows = [r for r in store.list_users() if _within(_scope_of(r), by.scope)]
    frame = pd.DataFrame(rows, columns=[c for c in USER_COLUMNS if not rows or c in rows[0]])
    return frame.reset_index(drop=True)


def add_user(
    store: Store,
    username: str,
    password: str,
    *,
    role: str = "viewer",
    scope: Sequence[str] | None = None,
    worker: str | None = None,
    by: User,
) -> int:
    """Add a user.

    Parameters
    ----------
    store
        The store.
    username
        Login name (unique).
    password
        Clear-text password, at least 8 characters; only its argon2 hash is stored.
    role
        ``viewer``, ``inspector``, ``planner``, ``admin``, ``worker`` or ``volunteer``.
    scope
        Community codes the user may see and edit; ``None`` for the whole street.
    worker
        For ``worker``: the code of the worker record (网格员) the user is; required
        for that role and refused for the others.
    by
        The admin adding the user.

    Returns
    -------
    int
        The new user's id.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin, or the new scope is not within ``by``'s scope.
    gridmap.errors.InputError
        Name taken or empty, password too short, unknown role, community or
        worker, a worker role without a worker or another role with one.
    """
    _require_manage(by, _scope_list(scope), username)
    role_value = _role(role)
    codes = _clean_scope(store, scope)
    code = _clean_worker(store, role_value, worker)
    return auth.create_user(store, username, password, role=role_value, scope=codes,
                            worker=code, by=by)


def _clean_worker(store: Store, role: str, worker: str | None) -> str | None:
    """Check the worker link of a user of ``role``; return the worker code (or ``None``)."""
    from gridmap.store import assignments as store_assignments

    code = (worker or "").strip() or None
    if role != UserRole.WORKER:
        if code is not None:
            raise InputError.keyed("users.worker_role_only", role=role)
        return None
    if code is None:
        raise InputError.keyed("users.worker_code_needed")
    if store_assignments.find_worker(store, code) is None:
        raise InputError.keyed("users.no_worker_code", code=code)
    return code


def import_worker_accounts(
    store: Store,
    table: pd.DataFrame,
    *,
    scope: Sequence[str] | None = None,
    by: User,
) -> pd.DataFrame:
    """Create one ``worker`` account per row of a table of worker codes.

    Every row is checked before any account is created, so a bad row creates none.

    Parameters
    ----------
    store
        The store.
    table
        Columns ``worker`` (the worker code; also ``worker_code``, ``code``, 工号,
        网格员编号), optional ``username`` (default the worker code; also 用户名) and
        ``password`` (default a new random one; also 密码).
    scope
        Community codes the accounts are scoped to (default the whole street).
    by
        The admin creating the accounts.

    Returns
    -------
    pandas.DataFrame
        ``username, worker, password`` per account created: the passwords are
        shown only here (the store keeps their hashes).

    Raises
    ------
    gridmap.errors.InputError
        A missing worker column, an unknown worker, a taken or repeated user name
        or a short password (the row is named).
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin, or ``scope`` is not within ``by``'s scope.
    """
    _require_manage(by, _scope_list(scope), "worker accounts")
    codes_scope = _clean_scope(store, scope)
    aliases = {
        "worker": ("worker", "worker_code", "code", "工号", "网格员编号", "网格员"),
        "username": ("username", "user", "用户名", "账号"),
        "password": ("password", "密码"),
    }
    columns = {str(c).strip().lower(): c for c in table.columns}
    found = {}
    for key, names in aliases.items():
        for name in names:
            if name in columns:
                found[key] = columns[name]
                break
    if "worker" not in found:
        found_columns = [str(c) for c in table.columns]
        raise InputError.keyed("users.worker_column", found=found_columns)
    rows = []
    seen: set[str] = set()
    for number, record in enumerate(table.to_dict("records"), start=1):
        def cell(key: str, record: dict = record) -> str:
            value = record.get(found[key]) if key in found else None
            return "" if value is None or value != value else str(value).strip()

        code = cell("worker")
        name = cell("username") or code
        password = cell("password") or auth.random_password()
        try:
            _clean_worker(store, UserRole.WORKER, code)
            if not name or name in seen or store.find_user(name) is not None:
                raise InputError.keyed("users.name_taken", name=name)
            if len(password) < auth.MIN_PASSWORD_LENGTH:
                raise InputError.keyed("auth.password_short", n=auth.MIN_PASSWORD_LENGTH)
        except InputError as exc:  # the same refusal, located in the table
            raise InputError(message=exc.message, row=number, key=exc.key,
                             params=exc.params) from None
        seen.add(name)
        rows.append({"username": name, "worker": code, "password": password})
    for row in rows:
        auth.create_user(store, row["username"], row["password"], role=UserRole.WORKER.value,
                         scope=codes_scope, worker=row["worker"], by=by)
    return pd.DataFrame(rows, columns=["username", "worker", "password"])


def _role(role: str) -> str:
    try:
        return UserRole(role).value
    except ValueError:
        raise InputError.keyed("users.unknown_role", role=role,
                               roles=[r.value for r in UserRole]) from None


def reset_password(store: Store, username: str, password: str, *, by: User) -> None:
    """Set a new password for a user and clear failed-login lockouts.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin or the user is outside ``by``'s scope.
    gridmap.errors.NotFound
        If there is no such user.
    gridmap.errors.InputError
        If the password is too short.
    """
    row = _managed_row(store, username, by)
    auth.set_password(store, row["username"], password, by=by)
    _end_sessions(store, row, "password_reset")


def set_role_and_scope(
    store: Store,
    username: str,
    *,
    role: str,
    scope: Sequence[str] | None,
    by: User,
    version: int | None = None,
    worker: str | None = None,
) -> int:
    """Change a user's role and scope.

    Parameters
    ----------
    store
        The store.
    username
        The user to change.
    role
        The new role.
    scope
        The new scope: community codes, or ``None`` for the whole street.
    by
        The admin making the change.
    version
        The user row's version as the admin read it; a newer stored version raises
        :class:`~gridmap.errors.ConflictError`. ``None``: the current one.
    worker
        For the ``worker`` role: the worker record's code (required then).

    Returns
    -------
    int
        The user row's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin, or the user's old or new scope is outside ``by``'s.
    gridmap.errors.NotFound
        If there is no such user.
    gridmap.errors.InputError
        Unknown role or community; an admin demoting or narrowing themselves; the
        last whole-street admin demoted.
    gridmap.errors.ConflictError
        If someone else changed the user since ``version``.
    """
    row = _managed_row(store, username, by)
    _require_manage(by, _scope_list(scope), username)
    role_value = _role(role)
    codes = _clean_scope(store, scope)
    code = _clean_worker(store, role_value, worker)
    after = {"role": role_value, "scope": codes, "worker_code": code}
    if row["username"] == by.username and (role_value != row["role"] or codes != row.get("scope")):
        raise InputError.keyed("users.own_role")
    _check_keeps_admin(store, row, after)
    new_version = _save(store, row, after, by, version)
    if (role_value != row["role"] or codes != row.get("scope")
            or code != row.get("worker_code")):
        _end_sessions(store, row, "role_changed")
    return new_version


def disable_user(store: Store, username: str, *, by: User) -> int:
    """Disable a user: they can no longer log in (their audit history stays).

    Returns
    -------
    int
        The user row's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin or the user is outside ``by``'s scope.
    gridmap.errors.NotFound
        If there is no such user.
    gridmap.errors.InputError
        If ``by`` disables themselves or the last whole-street admin.
    """
    row = _managed_row(store, username, by)
    if row["username"] == by.username:
        raise InputError.keyed("users.disable_self")
    _check_keeps_admin(store, row, {"disabled": True})
    version = _save(store, row, {"disabled": True}, by)
    _end_sessions(store, row, "disabled")
    return version


def enable_user(store: Store, username: str, *, by: User) -> int:
    """Enable a disabled user again and clear failed-login lockouts.

    Returns
    -------
    int
        The user row's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin or the user is outside ``by``'s scope.
    gridmap.errors.NotFound
        If there is no such user.
    """
    row = _managed_row(store, username, by)
    values: dict[str, Any] = {"disabled": False, "failed_logins": 0}
    if "locked_until" in row:
        values["locked_until"] = None
    return _save(store, row, values, by)


def unlock_user(store: Store, username: str, *, by: User) -> None:
    """Lift a failed-login lock on ``username`` (a user or a counted unknown name).

    The answer is the same whether or not ``username`` is a user, and a
    disabled user stays disabled.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin, or the user is outside ``by``'s scope.
    """
    from gridmap.store import sessions as store_sessions

    auth.require(by, "manage_users")
    row = store.find_user(username)
    if row is None:
        store_sessions.unlock_name(store, username)
        return
    _require_manage(by, _scope_of(row), username)
    _save(store, row, {"failed_logins": 0, "locked_until": None}, by)  # audited


def display_table(table: pd.DataFrame, *, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Return :func:`list_users` as shown: roles and scopes in words, headers in ``lang``.

    A scope lists its communities by name (``names``: code -> name; an unknown code
    stays a code), joined by 、; no scope reads as the whole street. The ``id`` and
    ``version`` columns are left out.
    """
    whole = i18n.t("app.scope_all", lang)
    shown = table.assign(
        role=[i18n.label(r, lang, field="user_role") for r in table["role"]],
        scope=[
            whole if s is None else "、".join(names.get(c, c) for c in s) for s in table["scope"]
        ],
    )
    shown = shown.drop(columns=["id", "version"])
    return shown.rename(columns=lambda c: i18n.t(f"users.col.{c}", lang))
