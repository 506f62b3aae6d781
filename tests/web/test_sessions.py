"""Server-side sessions and login abuse on SQLite and PostGIS (gridmap.web.sessions, auth)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridmap import auth
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.records import users
from gridmap.web import html
from gridmap.web import sessions as ws

PW = "first-pass-123"
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SETTINGS = {"session_idle_minutes": 30, "session_max_hours": 12}


@pytest.fixture
def people(store):
    """An admin and a planner; returns (admin User, planner User) as login gives them."""
    auth.create_user(store, "boss", PW, role="admin")
    auth.create_user(store, "wang", PW, role="planner")
    return auth.authenticate(store, "boss", PW), auth.authenticate(store, "wang", PW)


def _start(store, user, at=None):
    return ws.start_session(store, user, user_agent="pytest", now=at, settings=SETTINGS)


def test_a_token_names_its_user_and_only_its_hash_is_stored(store, people):
    _, wang = people
    token, session = _start(store, wang, T0)
    resolved = ws.resolve_session(store, token, now=T0, settings=SETTINGS)
    assert resolved.session is not None and resolved.session.id == session.id
    assert (resolved.session.user.username, resolved.session.user.role) == ("wang", "planner")
    row = ws.store_sessions.find_session(store, ws.hash_token(token))
    assert token not in str(row)
    assert ws.resolve_session(store, token + "x", now=T0).session is None
    assert ws.resolve_session(store, None, now=T0) == ws.Resolved(None)


def test_idle_and_absolute_lifetimes(store, people):
    _, wang = people
    token, _ = _start(store, wang, T0)
    # used every 20 minutes: the idle end moves, until the absolute end (12 h)
    at = T0
    while at + dt.timedelta(minutes=20) < T0 + dt.timedelta(hours=12):
        at += dt.timedelta(minutes=20)
        assert ws.resolve_session(store, token, now=at, settings=SETTINGS).session is not None
    end = T0 + dt.timedelta(hours=12, seconds=1)
    assert ws.resolve_session(store, token, now=end, settings=SETTINGS) == ws.Resolved(
        None, "expired")
    idle_token, _ = _start(store, wang, T0)
    later = T0 + dt.timedelta(minutes=31)
    assert ws.resolve_session(store, idle_token, now=later, settings=SETTINGS) == ws.Resolved(
        None, "idle")


@pytest.mark.parametrize(("change", "reason"), [
    (lambda s, admin: users.disable_user(s, "wang", by=admin), "disabled"),
    (lambda s, admin: users.set_role_and_scope(s, "wang", role="viewer", scope=None, by=admin),
     "role_changed"),
    (lambda s, admin: users.reset_password(s, "wang", "reset-pass-456", by=admin),
     "password_reset"),
])
def test_admin_changes_end_every_session_of_the_user_with_the_reason(store, people, change,
                                                                     reason):
    admin, wang = people
    tokens = [_start(store, wang)[0] for _ in range(2)]
    boss_token, _ = _start(store, admin)
    change(store, admin)
    now = dt.datetime.now(dt.UTC)
    for token in tokens:
        assert ws.resolve_session(store, token, now=now) == ws.Resolved(None, reason)
    assert ws.resolve_session(store, boss_token, now=now).session is not None


def test_a_role_change_is_seen_on_the_next_resolve_even_without_revocation(store, people):
    """The user is re-read on every resolve, not copied into the session."""
    admin, wang = people
    token, _ = _start(store, wang)
    users.set_role_and_scope(store, "wang", role="planner", scope=None, by=admin)  # no change
    assert ws.resolve_session(store, token).session.user.role == "planner"


def test_change_password_keeps_this_session_and_ends_the_others(store, people):
    _, wang = people
    mine, this = _start(store, wang)
    other, _ = _start(store, wang)
    with pytest.raises(PermissionDenied):
        auth.change_password(store, wang, "wrong-old-1", "new-pass-789", keep_session=this.id)
    for weak in ("short1", "onlyletters", "12345678", "wang-pass-1"):
        with pytest.raises(InputError):
            auth.change_password(store, wang, PW, weak, keep_session=this.id)
    assert auth.change_password(store, wang, PW, "new-pass-789", keep_session=this.id) == 1
    assert ws.resolve_session(store, mine).session is not None
    assert ws.resolve_session(store, other).reason == "password_changed"
    assert auth.authenticate(store, "wang", "new-pass-789") is not None


def test_users_see_and_end_their_own_sessions_admins_anyones(store, people):
    admin, wang = people
    now = dt.datetime.now(dt.UTC)
    wang_token, wang_session = ws.start_session(store, wang, settings=SETTINGS)
    _, boss_session = ws.start_session(store, admin, settings=SETTINGS)
    assert [s["id"] for s in ws.list_sessions(store, by=wang)] == [wang_session.id]
    assert {s["username"] for s in ws.list_sessions(store, by=admin, everyone=True)} == {
        "boss", "wang"}
    with pytest.raises(PermissionDenied):
        ws.list_sessions(store, by=wang, everyone=True)
    with pytest.raises(PermissionDenied):
        ws.end_session(store, boss_session.id, by=wang)
    ws.end_session(store, wang_session.id, by=admin)
    assert ws.resolve_session(store, wang_token, now=now).reason == "ended"
    with pytest.raises(NotFound):
        ws.end_session(store, wang_session.id, by=wang)


def test_lock_message_does_not_tell_whether_the_name_exists(store, people):
    for name in ("wang", "nobody"):
        results = [auth.login(store, name, f"wrong-{i}", now=T0)
                   for i in range(auth.MAX_FAILED_LOGINS)]
        assert [r.locked_minutes for r in results[:-1]] == [None] * (auth.MAX_FAILED_LOGINS - 1)
        assert results[-1] == auth.LoginResult(None, 15)
        # locked: the right password (for wang) and any other are refused with the minutes left
        later = T0 + dt.timedelta(minutes=5, seconds=30)
        assert auth.login(store, name, PW, now=later) == auth.LoginResult(None, 10)


def test_a_lock_that_ran_out_does_not_come_back_after_one_wrong_try(store, people):
    for name in ("wang", "nobody"):
        for i in range(auth.MAX_FAILED_LOGINS):
            auth.login(store, name, f"wrong-{i}", now=T0)
        after = T0 + auth.LOCKOUT + dt.timedelta(seconds=1)
        assert auth.login(store, name, "wrong-again", now=after).locked_minutes is None
        if name == "wang":
            assert auth.login(store, name, PW, now=after).user is not None


def test_an_admin_unlocks_a_user_and_a_name(store, people):
    admin, _ = people
    for name in ("wang", "nobody"):
        for i in range(auth.MAX_FAILED_LOGINS):
            auth.login(store, name, f"wrong-{i}")
        assert auth.login(store, name, PW).locked_minutes is not None
        users.unlock_user(store, name, by=admin)
    assert auth.login(store, "wang", PW).user is not None
    assert auth.login(store, "nobody", PW) == auth.LoginResult(None, None)
    with pytest.raises(PermissionDenied):
        users.unlock_user(store, "wang", by=auth.authenticate(store, "wang", PW))


@given(st.text(max_size=40))
def test_a_login_never_redirects_off_the_site(path):
    target = html.safe_next(path)
    assert target.startswith("/") and not target.startswith("//") and "\\" not in target
    assert target in ("/", path)
