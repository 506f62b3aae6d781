"""App users: password hashing, login, roles and scopes.

Passwords are stored only as argon2id hashes (argon2-cffi). A :class:`User`
carries a role and a scope; :func:`require` is called by every library
function that writes, so a page that forgets to hide a button still cannot
write what the user may not.

Roles, each with the rights of the ones before it:

========== ==============================================================
viewer     view the map, grids, points and reports; export rosters
inspector  + run checks, record issue reports and point maintenance
planner    + edit grids, points and assignments; import data
admin      + manage users and settings
========== ==============================================================

Two field roles stand beside that ladder with only the rights of
:data:`FIELD_RIGHTS`:

========== ==============================================================
worker     网格员: linked to one worker record; 我的待办 (acknowledge, handle
           and ask to return the cases dispatched to that worker's grids),
           report, 我的上报
volunteer  文明巡访队 随手拍: report, 我的上报 (only their own reports)
========== ==============================================================
"""

from __future__ import annotations

import functools
import math
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gridmap.errors import InputError, PermissionDenied
from gridmap.model import UserRole

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "FIELD_RIGHTS",
    "MAX_FAILED_LOGINS",
    "RIGHTS",
    "LoginResult",
    "User",
    "authenticate",
    "can",
    "change_password",
    "check_password_strength",
    "create_user",
    "hash_password",
    "login",
    "random_password",
    "record_login",
    "require",
    "require_street",
    "set_password",
    "user_exists",
    "verify_password",
    "write_password_file",
]

_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
#: Failed logins in a row after which a user is locked for :data:`LOCKOUT`.
MAX_FAILED_LOGINS = 5
#: How long a user stays locked after :data:`MAX_FAILED_LOGINS` failures in a row.
LOCKOUT = timedelta(minutes=15)

_ORDER = [UserRole.VIEWER, UserRole.INSPECTOR, UserRole.PLANNER, UserRole.ADMIN]

#: Right -> the lowest role that has it.
RIGHTS: dict[str, UserRole] = {
    "view": UserRole.VIEWER,
    "export": UserRole.VIEWER,
    "run_checks": UserRole.INSPECTOR,
    "edit_issues": UserRole.INSPECTOR,
    "record_maintenance": UserRole.INSPECTOR,
    "see_phones": UserRole.INSPECTOR,
    "report": UserRole.INSPECTOR,
    "my_reports": UserRole.INSPECTOR,
    "todo": UserRole.ADMIN,  # office roles handle cases on the issues page; see FIELD_RIGHTS
    "account": UserRole.VIEWER,
    "edit_points": UserRole.PLANNER,
    "edit_grids": UserRole.PLANNER,
    "assign": UserRole.PLANNER,
    "import": UserRole.PLANNER,
    "manage_users": UserRole.ADMIN,
    "edit_settings": UserRole.ADMIN,
}

#: Field role -> its rights (they are outside the office ladder of :data:`RIGHTS`).
FIELD_RIGHTS: dict[UserRole, frozenset[str]] = {
    UserRole.WORKER: frozenset({"report", "my_reports", "todo", "account"}),
    UserRole.VOLUNTEER: frozenset({"report", "my_reports", "account"}),
}


@dataclass(frozen=True)
class User:
    """A logged-in user: name, role and scope (community codes, ``None`` = whole street).

    ``worker`` is the code of the worker record (网格员) a ``worker`` user is linked to.
    """

    username: str
    role: UserRole
    scope: tuple[str, ...] | None = None
    id: int | None = None
    worker: str | None = None

    @property
    def is_field(self) -> bool:
        """Whether the user has a field role (worker or volunteer)."""
        return UserRole(self.role) in FIELD_RIGHTS

    def in_scope(self, community: str | None) -> bool:
        """Return whether ``community`` (a community code) is within the user's scope."""
        return self.scope is None or (community is not None and community in self.scope)


SYSTEM = User("system", UserRole.ADMIN)


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``.

    Raises
    ------
    gridmap.errors.InputError
        If the password is shorter than 8 characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError.keyed("auth.password_short", n=MIN_PASSWORD_LENGTH)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether ``password`` matches ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def random_password(nbytes: int = 12) -> str:
    """Return a new random password (URL-safe text)."""
    return secrets.token_urlsafe(nbytes)


def write_password_file(password: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Write a generated password to a file only its owner can read (mode 0600); return its path.

    A generated admin password is never printed (it would end up in service logs):
    the file's path is. The default file is ``admin-password.txt`` in gridmap's user
    data folder (beside the default SQLite store). An existing file is replaced,
    never written through (a symlink there is replaced, not followed).

    Raises
    ------
    gridmap.errors.InputError
        If the file cannot be written.
    """
    if path is None:
        import platformdirs

        path = Path(platformdirs.user_data_dir("gridmap", appauthor=False)) / "admin-password.txt"
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".admin-password-", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(password + "\n")
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise InputError.keyed(
            "auth.password_file", path=path, reason=err.strerror or err
        ) from None
    return path


def can(user: User, right: str, *, community: str | None = None) -> bool:
    """Return whether ``user`` has ``right``, within ``community`` if one is given."""
    if right not in RIGHTS:
        msg = f"unknown right {right!r}"
        raise KeyError(msg)
    role = UserRole(user.role)
    if role in FIELD_RIGHTS:
        if right not in FIELD_RIGHTS[role]:
            return False
    elif right == "todo" or _ORDER.index(role) < _ORDER.index(RIGHTS[right]):
        return False
    return community is None or user.in_scope(community)


def require(user: User, right: str, *, community: str | None = None) -> None:
    """Raise :class:`~gridmap.errors.PermissionDenied` unless ``user`` has ``right``.

    Parameters
    ----------
    user
        Who acts.
    right
        A key of :data:`RIGHTS`.
    community
        The community code the action touches, checked against the user's scope.
    """
    if not can(user, right):
        raise PermissionDenied.keyed("auth.may_not", user=user.username, role=user.role,
                                     right=right, need=RIGHTS[right])
    if community is not None and not user.in_scope(community):
        raise PermissionDenied.keyed("auth.out_of_scope", user=user.username,
                                     community=community)


def require_street(user: User, right: str) -> None:
    """Like :func:`require`, for street-wide things (settings, rules): no community scope."""
    require(user, right)
    if user.scope is not None:
        raise PermissionDenied.keyed("auth.street_only", user=user.username)


def _user_from_row(row: dict) -> User:
    scope = row.get("scope")
    return User(row["username"], UserRole(row["role"]),
                tuple(scope) if scope is not None else None, row.get("id"),
                row.get("worker_code"))


def user_exists(store: Store, username: str) -> bool:
    """Return whether a user called ``username`` exists."""
    return store.find_user(username) is not None


@dataclass(frozen=True)
class LoginResult:
    """The outcome of :func:`login`: the user, or why not.

    ``locked_minutes`` is set (whole minutes, at least 1) when the name is
    temporarily locked after too many failures; it is given the same way for
    names that are not users, so the answer never tells whether a user exists.
    """

    user: User | None
    locked_minutes: int | None = None


def _minutes_until(until: datetime | None, now: datetime) -> int | None:
    if until is None:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    if until <= now:
        return None
    return max(1, math.ceil((until - now).total_seconds() / 60))


def login(store: Store, username: str, password: str, *,
          now: datetime | None = None) -> LoginResult:
    """Check a login and say why it failed, without telling whether the name exists.

    Every attempt costs one argon2 check and one counted write, for real and
    unknown names alike. After :data:`MAX_FAILED_LOGINS` failures in a row a
    name is locked for :data:`LOCKOUT`; a failure after a lock ran out starts
    the count again (it does not lock for another full period). Disabled users
    are refused like a wrong password.

    Returns
    -------
    LoginResult
        The user, or ``None`` with ``locked_minutes`` when the name is locked.
    """
    now = now or datetime.now(UTC)
    name = username.strip()
    row = store.find_user(name) if name else None
    if row is None:
        locked = _minutes_until(store.unknown_name_lock(name[:100]), now)
        verify_password(_dummy_hash(), password)  # same time as a real check
        if locked is None:
            until = store.count_unknown_failure(
                name, at=now, lock_after=MAX_FAILED_LOGINS, locked_until=now + LOCKOUT,
                forget_before=now - LOCKOUT)
            locked = _minutes_until(until, now)
        return LoginResult(None, locked)
    locked = _minutes_until(row.get("locked_until"), now)
    if locked is not None:
        verify_password(_dummy_hash(), password)
        return LoginResult(None, locked)
    if verify_password(row["password_hash"], password) and not row.get("disabled"):
        record_login(store, row["id"], success=True, at=now)
        return LoginResult(_user_from_row(row))
    record_login(store, row["id"], success=False, at=now)
    after = store.find_user(name)
    return LoginResult(None, _minutes_until(after and after.get("locked_until"), now))


def authenticate(store: Store, username: str, password: str, *,
                 now: datetime | None = None) -> User | None:
    """Check a login; return the :class:`User` or ``None`` (see :func:`login` for why).

    Disabled users and users locked after :data:`MAX_FAILED_LOGINS` failures in a
    row (for :data:`LOCKOUT`) are refused even with the right password. Every
    attempt is counted in the store, so the limit holds across app processes.
    """
    return login(store, username, password, now=now).user


def check_password_strength(password: str, *, username: str | None = None) -> None:
    """Refuse a weak password chosen by its user.

    The rule: at least :data:`MIN_PASSWORD_LENGTH` characters, letters and digits
    (or other characters) mixed, not the user name and not one repeated character.

    Raises
    ------
    gridmap.errors.InputError
        With the rule the password breaks.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError.keyed("auth.password_short", n=MIN_PASSWORD_LENGTH)
    classes = sum((any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                   any(not c.isalnum() for c in password)))
    if classes < 2 or len(set(password)) < 4:
        raise InputError.keyed("auth.password_mix")
    if username and username.strip().lower() in password.lower():
        raise InputError.keyed("auth.password_has_name")


def change_password(store: Store, user: User, old: str, new: str, *,
                    keep_session: int | None = None, now: datetime | None = None) -> int:
    """Change one's own password and end one's other sessions; return how many ended.

    Parameters
    ----------
    store
        The store.
    user
        Who changes their password (any role).
    old, new
        The current password and the new one (:func:`check_password_strength`).
    keep_session
        The id of the session doing the change, which stays logged in.
    now
        When (default now, UTC).

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``old`` is wrong or the user is disabled.
    gridmap.errors.InputError
        If ``new`` is weak or equals ``old``.
    """
    row = store.find_user(user.username)
    if row is None or row.get("disabled") or not verify_password(row["password_hash"], old):
        raise PermissionDenied.keyed("auth.password_wrong")
    if new == old:
        raise InputError.keyed("auth.password_same")
    check_password_strength(new, username=user.username)
    store.update("users", row["id"], {"password_hash": hash_password(new)},
                 version=row["version"], username=user.username)
    return store.revoke_sessions(reason="password_changed",
                                          at=now or datetime.now(UTC), user_id=row["id"],
                                          keep_id=keep_session)


def record_login(store: Store, user_id: int, *, success: bool,
                 at: datetime | None = None) -> None:
    """Count a login attempt in the store and audit it: the lockout policy.

    A success resets the user's failure count and lock and sets ``last_login``.
    A failure adds one to the count; the failure that brings it to
    :data:`MAX_FAILED_LOGINS` locks the user for :data:`LOCKOUT`. The store counts
    and decides the lock in one UPDATE, so the limit holds when several app
    processes see failures at the same moment.

    Parameters
    ----------
    store
        The store.
    user_id
        The ``users.id``.
    success
        Whether the password was right.
    at
        When (default now, UTC).

    Raises
    ------
    gridmap.errors.NotFound
        If there is no such user.
    """
    at = at or datetime.now(UTC)
    if success:
        store.clear_failed_logins(user_id, at=at)
    else:
        store.add_failed_login(user_id, at=at, lock_until=at + LOCKOUT,
                               lock_after=MAX_FAILED_LOGINS)


@functools.cache
def _dummy_hash() -> str:
    """Return a hash to verify against for an unknown user (made on first use, not at import)."""
    return _HASHER.hash("not-a-real-password")


def _require_within_scope(by: User, scope: list[str] | tuple[str, ...] | None,
                          username: str) -> None:
    """Refuse an admin scoped to communities acting on a user beyond that scope.

    A scoped admin manages only users whose scope lies within their own (never
    the whole street), so they cannot create or take over a wider account.
    """
    if by.scope is None:
        return
    if scope is None or not set(scope) <= set(by.scope):
        if scope is None:
            raise PermissionDenied.keyed("users.outside_scope_street", user=by.username,
                                         username=username)
        raise PermissionDenied.keyed("users.outside_scope", user=by.username, username=username,
                                     scope=list(scope))


def create_user(store: Store, username: str, password: str, *, role: str = "viewer",
                scope: list[str] | None = None, worker: str | None = None,
                by: User = SYSTEM) -> int:
    """Create a user and return its id.

    Parameters
    ----------
    store
        The store to write to.
    username, password
        Login name and clear-text password (only its hash is stored).
    role
        One of :class:`gridmap.model.UserRole`.
    scope
        Community codes the user may see and edit; ``None`` for the whole street.
    worker
        For the ``worker`` role: the code of the worker record the user is
        (checked by :func:`gridmap.records.users.add_user`).
    by
        Who creates the user (must be an admin).

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin, or ``scope`` is not within ``by``'s scope.
    gridmap.errors.InputError
        If the name is taken, empty, or the password too short.
    """
    require(by, "manage_users")
    _require_within_scope(by, scope, username)
    username = username.strip()
    if not username:
        raise InputError.keyed("users.empty_name")
    if store.find_user(username) is not None:
        raise InputError.keyed("users.exists", username=username)
    values = {
        "username": username,
        "password_hash": hash_password(password),
        "role": UserRole(role).value,
        "scope": list(scope) if scope is not None else None,
        "disabled": False,
        "failed_logins": 0,
        "worker_code": worker,
    }
    return store.insert("users", values, username=by.username)


def set_password(store: Store, username: str, password: str, *, by: User = SYSTEM) -> None:
    """Set ``username``'s password, creating the user as an admin if it does not exist.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` is not an admin, or the user's scope is not within ``by``'s scope.
    gridmap.errors.InputError
        If the password is too short.
    """
    require(by, "manage_users")
    user = store.find_user(username)
    if user is None:
        create_user(store, username, password, role="admin", by=by)
        return
    _require_within_scope(by, user.get("scope"), username)
    store.update("users", user["id"],
                 {"password_hash": hash_password(password), "failed_logins": 0,
                  "locked_until": None},
                 version=user["version"], username=by.username)
