"""gridmap.store.issues: report codes, versioned report changes, events and photos."""

from __future__ import annotations

import datetime as dt

from gridmap.store import issues

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _report(store, code):
    values = {"code": code, "category": "市容环境", "status": "reported", "reported_at": AT}
    return store.insert("issue_reports", values, username="t")


def test_report_codes_count_up_per_day(store):
    day = dt.date(2026, 11, 2)
    with store.transaction() as conn:
        assert issues.next_issue_code(conn, day) == "AJ20261102001"
    _report(store, "AJ20261102001")
    _report(store, "AJ20261102002")  # imported ahead of the counter: skipped, not blocking
    _report(store, "AJ20261102X")  # not a number: ignored
    _report(store, "AJ20261103001")
    with store.transaction() as conn:
        assert issues.next_issue_code(conn, day) == "AJ20261102003"
        assert issues.next_issue_code(conn, day) == "AJ20261102004"
        assert issues.next_issue_code(conn, dt.date(2026, 11, 4)) == "AJ20261104001"


def test_a_day_never_runs_out_of_report_codes(store):
    # an imported code at the 3-digit limit (before the day's first report) and the
    # 1,000th report: both get a code, the latter with four digits
    _report(store, "AJ20261105999")
    with store.transaction() as conn:
        assert issues.next_issue_code(conn, dt.date(2026, 11, 5)) == "AJ202611051000"
        assert issues.next_issue_code(conn, dt.date(2026, 11, 5)) == "AJ202611051001"


def test_a_stale_version_changes_nothing(store):
    issue_id = _report(store, "AJ20261102001")
    with store.transaction() as conn:
        after = issues.update_issue(conn, issue_id, {"status": "registered"}, version=1, at=AT)
        assert (after["status"], after["version"]) == ("registered", 2)
        assert issues.update_issue(conn, issue_id, {"status": "closed"}, version=1, at=AT) is None
        assert issues.lock_issue(conn, issue_id)["status"] == "registered"
        assert issues.lock_issue(conn, issue_id + 1) is None


def test_events_and_photos_of_a_report(store):
    issue_id = _report(store, "AJ20261102001")
    merged_id = _report(store, "AJ20261102002")
    with store.transaction() as conn:
        event = issues.add_issue_event(
            conn, issue_id, at=AT, user="t", from_status="reported", to_status="registered",
            note=None,
        )
        issues.add_issue_photos(conn, issue_id, [b"jpeg-1", b"jpeg-2"], event_id=event,
                                kind="before", at=AT)
        moves = issues.issue_transitions(conn, issue_id)
        issues.update_issue(conn, merged_id, {"duplicate_of": issue_id}, version=1, at=AT)
    assert [(m.id, m.from_status, m.to_status) for m in moves] == [
        (event, "reported", "registered")
    ]
    photos = issues.issue_photos(store, issue_id)
    assert [(p["kind"], p["event_id"]) for p in photos] == [("before", event)] * 2
    assert issues.read_issue_photo(store, photos[1]["id"]) == (issue_id, b"jpeg-2")
    assert issues.read_issue_photo(store, photos[1]["id"] + 100) is None
    assert issues.merged_into(store, issue_id) == ["AJ20261102002"]
    assert issues.find_issue(store, str(issue_id)) == issue_id
    assert issues.find_issue(store, "AJ20261102002") == merged_id
    assert issues.find_issue(store, "AJ19990101001") is None
    events = issues.read_issue_events(store, [issue_id])
    assert list(events["to_status"]) == ["registered"]
    assert list(issues.read_issue_reports(store)["code"]) == ["AJ20261102001", "AJ20261102002"]
