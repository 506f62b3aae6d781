"""gridmap.users: listing without secrets, role and scope changes, guards, lockout reset."""

from __future__ import annotations

import pytest

from gridmap import auth
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.model import UserRole
from gridmap.records import users

ADMIN = auth.User("admin", UserRole.ADMIN)


def _community(store, i: int = 0) -> str:
    return sorted(store.read_layer("communities")["code"])[i]


def test_list_users_has_no_password_hashes(app_store):
    table = users.list_users(app_store, by=ADMIN)
    assert "password_hash" not in table.columns
    assert {"viewer", "inspector", "planner", "admin", "scoped_admin"} <= set(table["username"])


def test_scoped_admin_lists_only_users_within_scope(app_store):
    first = _community(app_store)
    scoped = auth.User("scoped_admin", UserRole.ADMIN, (first,))
    names = set(users.list_users(app_store, by=scoped)["username"])
    assert "scoped_planner" in names
    assert "viewer" not in names  # a whole-street user


def test_add_user_then_log_in(app_store):
    users.add_user(
        app_store, "wang", "s3cret-pass", role="inspector", scope=[_community(app_store)], by=ADMIN
    )
    user = auth.authenticate(app_store, "wang", "s3cret-pass")
    assert user is not None
    assert (user.role, user.scope) == (UserRole.INSPECTOR, (_community(app_store),))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "boss"}, "unknown role"),
        ({"scope": ["999999999999"]}, "unknown community"),
        ({"scope": []}, "at least one community"),
        ({"password": "short"}, "at least 8"),
        ({"username": "viewer"}, "already exists"),
    ],
)
def test_add_user_refuses_bad_input(app_store, kwargs, message):
    args = {"username": "li", "password": "long-enough-1", "role": "viewer", "scope": None}
    args.update(kwargs)
    with pytest.raises(InputError, match=message):
        users.add_user(app_store, args.pop("username"), args.pop("password"), by=ADMIN, **args)


def test_scoped_admin_cannot_grant_the_whole_street(app_store):
    scoped = auth.User("scoped_admin", UserRole.ADMIN, (_community(app_store),))
    with pytest.raises(PermissionDenied, match="within their own scope"):
        users.add_user(app_store, "zhao", "long-enough-1", role="viewer", scope=None, by=scoped)


def test_set_role_and_scope_and_its_guards(app_store):
    users.set_role_and_scope(
        app_store, "viewer", role="planner", scope=[_community(app_store, 1)], by=ADMIN
    )
    row = app_store.find_user("viewer")
    assert (row["role"], row["scope"]) == ("planner", [_community(app_store, 1)])
    with pytest.raises(InputError, match="your own role"):
        users.set_role_and_scope(app_store, "admin", role="viewer", scope=None, by=ADMIN)
    other = auth.User("scoped_admin", UserRole.ADMIN)  # acting as if whole-street
    with pytest.raises(InputError, match="last enabled whole-street admin"):
        users.set_role_and_scope(app_store, "admin", role="viewer", scope=None, by=other)


def test_disable_and_enable(app_store, app_password):
    users.disable_user(app_store, "planner", by=ADMIN)
    assert auth.authenticate(app_store, "planner", app_password) is None
    for _ in range(auth.MAX_FAILED_LOGINS):
        auth.authenticate(app_store, "planner", "wrong")
    users.enable_user(app_store, "planner", by=ADMIN)
    row = app_store.find_user("planner")
    assert (row["disabled"], row["failed_logins"], row["locked_until"]) == (False, 0, None)
    assert auth.authenticate(app_store, "planner", app_password) is not None
    with pytest.raises(InputError, match="yourself"):
        users.disable_user(app_store, "admin", by=ADMIN)
    with pytest.raises(NotFound):
        users.disable_user(app_store, "nobody", by=ADMIN)


def test_reset_password_clears_lockout(app_store, app_password):
    for _ in range(auth.MAX_FAILED_LOGINS):
        auth.authenticate(app_store, "inspector", "wrong")
    assert auth.authenticate(app_store, "inspector", app_password) is None  # locked
    users.reset_password(app_store, "inspector", "brand-new-pass", by=ADMIN)
    assert auth.authenticate(app_store, "inspector", "brand-new-pass") is not None


def test_user_changes_are_audited_without_secrets(app_store):
    users.reset_password(app_store, "viewer", "another-pass-1", by=ADMIN)
    row = app_store.read_audit(table="users", limit=1).iloc[0]
    assert row["username"] == "admin"
    assert row["after"]["password_hash"] == "***"



def test_display_table_shows_roles_and_scopes_in_words(app_store):
    from gridmap import i18n

    table = users.list_users(app_store, by=ADMIN)
    first = _community(app_store)  # the scoped users' one community
    zh = users.display_table(table, names={first: "第一社区"}, lang="zh")
    assert list(zh.columns) == [
        i18n.t(f"users.col.{c}", "zh") for c in table.columns if c not in ("id", "version")
    ]
    rows = dict(zip(table["username"], zh.to_dict("records"), strict=True))
    scope, role = i18n.t("users.col.scope", "zh"), i18n.t("users.col.role", "zh")
    assert rows["scoped_planner"][scope] == "第一社区"
    assert rows["viewer"][scope] == "全街道"
    assert rows["admin"][role] == i18n.label("admin", "zh", field="user_role") != "admin"
    en = users.display_table(table, names={}, lang="en")
    rows = dict(zip(table["username"], en.to_dict("records"), strict=True))
    assert rows["scoped_planner"][i18n.t("users.col.scope", "en")] == first  # no name: the code
