"""gridmap.auth: the lockout policy that counts login attempts in the store."""

from __future__ import annotations

import datetime as dt

from gridmap import auth


def test_the_failure_that_reaches_the_limit_locks_for_the_lockout_time(store):
    auth.create_user(store, "clerk", "long-enough-pw")
    user_id = store.find_user("clerk")["id"]
    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(auth.MAX_FAILED_LOGINS - 1):
        auth.record_login(store, user_id, success=False, at=at)
        row = store.find_user("clerk")
        assert (row["failed_logins"], row["locked_until"]) == (i + 1, None)
    auth.record_login(store, user_id, success=False, at=at)
    row = store.find_user("clerk")
    assert row["failed_logins"] == auth.MAX_FAILED_LOGINS
    assert row["locked_until"].replace(tzinfo=dt.UTC) == at + auth.LOCKOUT
    assert store.read_audit(table="users", limit=1)["note"].iloc[0].startswith("locked until")
    auth.record_login(store, user_id, success=True, at=at + auth.LOCKOUT)
    row = store.find_user("clerk")
    assert (row["failed_logins"], row["locked_until"]) == (0, None)
    assert row["last_login"].replace(tzinfo=dt.UTC) == at + auth.LOCKOUT
