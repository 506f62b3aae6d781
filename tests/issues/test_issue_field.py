"""The field side of the loop (refs #15): worker and volunteer roles, 我的待办, 签收,
handling with photos, 申请退回, 我的上报, separation of duties, submit tokens, drafts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap import auth, issues
from gridmap.auth import User
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.issues import field
from gridmap.model import UserRole
from gridmap.records import users

ADMIN = User("admin", UserRole.ADMIN)
INSPECTOR = User("insp", UserRole.INSPECTOR)
DISPATCHER = User("disp", UserRole.INSPECTOR)
AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def grid_and_worker(store, index: int = 0):
    """A grid, a point inside it and the code of one of its workers on AT's day."""
    grids = store.read_layer("grids")
    row = grids.iloc[index]
    worker = store.workers_of(row["code"], on=AT.date())[0]["code"]
    return row["code"], row.geometry.representative_point(), worker


def other_grid_point(store, worker_code):
    """A point in a grid the worker does not hold."""
    from gridmap.store import assignments

    mine = set(assignments.worker_grids(store, worker_code, on=AT.date()))
    grids = store.read_layer("grids")
    row = grids[~grids["code"].isin(mine)].iloc[0]
    return row["code"], row.geometry.representative_point()


def field_user(store, name, role, worker=None) -> User:
    users.add_user(store, name, "field-pass-1", role=role, worker=worker, by=ADMIN)
    return auth.authenticate(store, name, "field-pass-1")


def dispatched(store, point, *, reporter=INSPECTOR, at=AT, **kw):
    result = issues.report_issue(store, reporter, category="市容环境", lon=point.x, lat=point.y,
                                 at=at, **kw)
    version = issues.move_issue(store, DISPATCHER, result.id, "registered", version=1, at=at)
    version = issues.move_issue(store, DISPATCHER, result.id, "dispatched", version=version,
                                at=at)
    return result, version


# --------------------------------------------------------------------------- rights

FIELD_TABLE = {
    # right: (worker, volunteer)
    "view": (False, False),
    "report": (True, True),
    "my_reports": (True, True),
    "todo": (True, False),
    "account": (True, True),
    "edit_issues": (False, False),
    "see_phones": (False, False),
    "manage_users": (False, False),
}


@pytest.mark.parametrize("right", sorted(FIELD_TABLE))
def test_field_rights_follow_the_role_table(right):
    worker, volunteer = FIELD_TABLE[right]
    assert auth.can(User("w", UserRole.WORKER, worker="W1"), right) is worker
    assert auth.can(User("v", UserRole.VOLUNTEER), right) is volunteer


def test_office_roles_have_no_todo_but_report_from_inspector_up():
    assert not any(auth.can(User("u", r), "todo") for r in
                   (UserRole.VIEWER, UserRole.INSPECTOR, UserRole.PLANNER, UserRole.ADMIN))
    assert not auth.can(User("u", UserRole.VIEWER), "report")
    assert auth.can(User("u", UserRole.INSPECTOR), "report")


def test_a_worker_account_needs_an_existing_worker_and_only_workers_have_one(issue_store):
    _, _, worker = grid_and_worker(issue_store)
    with pytest.raises(InputError, match="needs the code"):
        users.add_user(issue_store, "w0", "field-pass-1", role="worker", by=ADMIN)
    with pytest.raises(InputError, match="no worker"):
        users.add_user(issue_store, "w0", "field-pass-1", role="worker", worker="NOPE", by=ADMIN)
    with pytest.raises(InputError, match="only a user of role worker"):
        users.add_user(issue_store, "v0", "field-pass-1", role="volunteer", worker=worker,
                       by=ADMIN)
    user = field_user(issue_store, "w1", "worker", worker)
    assert user.role == UserRole.WORKER and user.worker == worker
    listed = users.list_users(issue_store, by=ADMIN)
    assert listed.set_index("username").loc["w1", "worker_code"] == worker


def test_worker_accounts_are_imported_from_a_table_and_a_bad_row_creates_none(issue_store):
    codes = list(issue_store.read_layer("workers")["code"])[:2]
    bad = pd.DataFrame({"工号": [codes[0], "NOPE"]})
    with pytest.raises(InputError, match="row 2"):
        users.import_worker_accounts(issue_store, bad, by=ADMIN)
    assert issue_store.find_user(codes[0]) is None
    made = users.import_worker_accounts(
        issue_store, pd.DataFrame({"worker": codes, "username": ["a1", ""]}), by=ADMIN)
    assert list(made["username"]) == ["a1", codes[1]]
    for row in made.itertuples():
        user = auth.authenticate(issue_store, row.username, row.password)
        assert user is not None and user.worker == row.worker


# --------------------------------------------------------------------------- the worker


def test_worker_sees_only_their_cases_acknowledges_and_handles_with_photos(
    issue_store, make_gps_jpeg
):
    _, point, code = grid_and_worker(issue_store)
    worker = field_user(issue_store, "wk", "worker", code)
    mine, version = dispatched(issue_store, point)
    _, elsewhere = other_grid_point(issue_store, code)
    theirs, their_version = dispatched(issue_store, elsewhere)
    registered = issues.report_issue(issue_store, INSPECTOR, category="市容环境", lon=point.x,
                                     lat=point.y, at=AT)
    later = AT + dt.timedelta(hours=1)
    cases = field.todo(issue_store, worker, now=later)
    assert list(cases["code"]) == [mine.code]  # not another grid's, not one not yet dispatched
    assert registered.code not in set(cases["code"])
    assert cases["left_h"].iloc[0] == pytest.approx(
        (mine.deadline - later).total_seconds() / 3600, abs=0.1)
    with pytest.raises(PermissionDenied, match="not dispatched to a grid") as refused:
        field.acknowledge(issue_store, worker, theirs.id, version=their_version, at=later)
    assert "没有派遣给" in refused.value.text("zh")
    version = field.acknowledge(issue_store, worker, mine.id, version=version, at=later)
    assert field.todo(issue_store, worker, now=later)["acknowledged"].iloc[0] == "wk"
    with pytest.raises(PermissionDenied):
        issues.move_issue(issue_store, worker, theirs.id, "handled", version=their_version)
    version = field.handle_case(issue_store, worker, mine.id, version=version, note="已清理",
                                before=[make_gps_jpeg()], after=[make_gps_jpeg()], at=later)
    detail = issues.issue_detail(issue_store, ADMIN, mine.id)
    assert detail["status"] == "handled" and detail["timeline"][-1]["user"] == "wk"
    kinds = sorted(p["kind"] for p in field.case_photos(issue_store, worker, mine.id))
    assert kinds == ["after", "before"]
    assert field.todo(issue_store, worker, now=later).empty
    # the worker may not verify, and an inspector verifies
    with pytest.raises(PermissionDenied):
        issues.move_issue(issue_store, worker, mine.id, "verified", version=version)
    issues.move_issue(issue_store, INSPECTOR, mine.id, "verified", version=version)


def test_worker_asks_to_return_a_case_with_a_reason(issue_store):
    _, point, code = grid_and_worker(issue_store)
    worker = field_user(issue_store, "wk", "worker", code)
    case, version = dispatched(issue_store, point)
    with pytest.raises(InputError, match="note"):
        field.request_return(issue_store, worker, case.id, version=version, reason=" ")
    field.request_return(issue_store, worker, case.id, version=version, reason="不属于本网格")
    row = issue_store.get("issue_reports", case.id)
    assert row["status"] == "returned"


def test_a_case_dispatched_to_another_worker_of_the_grid_is_not_mine(issue_store):
    grid, point, _ = grid_and_worker(issue_store)
    crew = issue_store.workers_of(grid, on=AT.date())
    if len(crew) < 2:
        pytest.skip("the demo grid has one worker")
    worker = field_user(issue_store, "wk", "worker", crew[0]["code"])
    result = issues.report_issue(issue_store, INSPECTOR, category="市容环境", lon=point.x,
                                 lat=point.y, at=AT)
    version = issues.move_issue(issue_store, DISPATCHER, result.id, "registered", version=1)
    issues.move_issue(issue_store, DISPATCHER, result.id, "dispatched", version=version,
                      worker=crew[1]["code"])
    assert field.todo(issue_store, worker, now=AT).empty


def test_office_users_and_unlinked_workers_have_no_todo(issue_store):
    with pytest.raises(PermissionDenied):
        field.todo(issue_store, INSPECTOR)
    with pytest.raises(PermissionDenied, match="linked to no worker record") as caught:
        field.todo(issue_store, User("w", UserRole.WORKER))
    assert "没有关联网格员档案" in caught.value.text("zh")


# --------------------------------------------------------------------------- separation


def test_who_handled_a_case_cannot_verify_or_close_it(issue_store):
    _, point, _ = grid_and_worker(issue_store)
    case, version = dispatched(issue_store, point)
    version = issues.move_issue(issue_store, INSPECTOR, case.id, "handled", version=version,
                                note="代网格员记录")
    with pytest.raises(PermissionDenied, match="separation of duties") as refused:
        issues.move_issue(issue_store, INSPECTOR, case.id, "verified", version=version)
    assert refused.value.text("zh") == "分离职责：insp 已处置此案件，不能再核查"
    assert issue_store.get("issue_reports", case.id)["status"] == "handled"
    version = issues.move_issue(issue_store, DISPATCHER, case.id, "verified", version=version)
    with pytest.raises(PermissionDenied, match="may not close it") as refused:
        issues.move_issue(issue_store, INSPECTOR, case.id, "closed", version=version)
    assert "不能再结案" in refused.value.text("zh")
    issues.move_issue(issue_store, DISPATCHER, case.id, "closed", version=version)


def test_separation_is_configurable_per_step(issue_store, issue_config):
    _, point, _ = grid_and_worker(issue_store)
    case, version = dispatched(issue_store, point)
    off = dataclasses.replace(issue_config, separation={"verify": ()})
    version = issues.move_issue(issue_store, INSPECTOR, case.id, "handled", version=version)
    version = issues.move_issue(issue_store, INSPECTOR, case.id, "verified", version=version,
                                config=off)
    issues.move_issue(issue_store, INSPECTOR, case.id, "closed", version=version, config=off)


def test_after_a_rework_by_someone_else_the_first_handler_may_verify(issue_store):
    _, point, _ = grid_and_worker(issue_store)
    case, version = dispatched(issue_store, point)
    other = User("other", UserRole.INSPECTOR)
    version = issues.move_issue(issue_store, INSPECTOR, case.id, "handled", version=version)
    version = issues.move_issue(issue_store, DISPATCHER, case.id, "returned", version=version,
                                note="未处置干净")
    version = issues.move_issue(issue_store, DISPATCHER, case.id, "dispatched", version=version)
    version = issues.move_issue(issue_store, other, case.id, "handled", version=version)
    issues.move_issue(issue_store, INSPECTOR, case.id, "verified", version=version)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=3, max_size=3))
def test_separation_refuses_exactly_the_handler_since_the_last_dispatch(people):
    from gridmap.issues import lifecycle

    reporter, handler, verifier = people
    events = [(None, "reported", reporter), ("reported", "registered", "d"),
              ("registered", "dispatched", "d"), ("dispatched", "handled", handler)]
    move = lifecycle.find_move("handled", "verified")
    user = User(verifier, UserRole.INSPECTOR)
    refused = verifier == handler
    try:
        lifecycle.check_separation(user, move, events, {"verify": ("handle",)})
    except PermissionDenied:
        assert refused
    else:
        assert not refused


# --------------------------------------------------------------------------- volunteer


def test_volunteer_reports_and_sees_only_their_reports(issue_store, make_gps_jpeg):
    _, point, _ = grid_and_worker(issue_store)
    vol = field_user(issue_store, "vol", "volunteer")
    other = field_user(issue_store, "vol2", "volunteer")
    mine = issues.report_issue(issue_store, vol, category="市容环境", lon=point.x, lat=point.y,
                               photos=[make_gps_jpeg()], at=AT)
    issues.report_issue(issue_store, other, category="市容环境", lon=point.x, lat=point.y, at=AT)
    issues.report_issue(issue_store, INSPECTOR, category="市容环境", lon=point.x, lat=point.y,
                        at=AT)
    assert list(field.my_reports(issue_store, vol)["code"]) == [mine.code]
    assert [p["kind"] for p in field.case_photos(issue_store, vol, mine.id)] == ["report"]
    with pytest.raises(NotFound):
        field.case_photos(issue_store, other, mine.id)
    with pytest.raises(PermissionDenied):
        issues.move_issue(issue_store, vol, mine.id, "registered", version=1)
    with pytest.raises(PermissionDenied):
        field.todo(issue_store, vol)


# --------------------------------------------------------------------------- submit, drafts


def test_a_repeated_submit_with_one_token_records_one_report(issue_store):
    _, point, _ = grid_and_worker(issue_store)
    before = len(issues.list_issues(issue_store))
    first = issues.report_issue(issue_store, INSPECTOR, category="市容环境", lon=point.x,
                                lat=point.y, at=AT, client_token="tok-1")
    again = issues.report_issue(issue_store, INSPECTOR, category="市容环境", lon=point.x,
                                lat=point.y, at=AT, client_token="tok-1")
    assert again.id == first.id and again.code == first.code
    assert len(issues.list_issues(issue_store)) == before + 1
    third = issues.report_issue(issue_store, INSPECTOR, category="市容环境", lon=point.x,
                                lat=point.y, at=AT, client_token="tok-2")
    assert third.id != first.id


def test_a_draft_is_kept_server_side_until_cleared(issue_store, make_gps_jpeg):
    vol = field_user(issue_store, "vol", "volunteer")
    draft = field.load_draft(issue_store, vol)
    assert draft.category is None and draft.token
    assert field.load_draft(issue_store, vol).token == draft.token  # stored at once
    saved = field.save_draft(issue_store, vol, draft, category="市容环境", lon=120.1, lat=30.2,
                             location_source="map", photo=make_gps_jpeg())
    back = field.load_draft(issue_store, vol)  # a reload: a new session reads it back
    assert back == saved and back.token == draft.token
    from gridmap.photos import photo_location

    assert photo_location(back.photo) is None  # re-encoded without the GPS tags
    field.clear_draft(issue_store, vol)
    assert field.load_draft(issue_store, vol).category is None
    with pytest.raises(PermissionDenied):
        field.load_draft(issue_store, User("viewer", UserRole.VIEWER))


def test_the_report_form_saves_what_changed_and_says_what_is_missing():
    draft = field.ReportDraft(token="t", category="市容环境", description="old")
    changed = field.draft_changes(draft, category="市容环境", description="new", subcategory=None)
    assert changed == {"description": "new"}
    assert field.draft_missing(field.ReportDraft(token="t")) == "no_category"
    assert field.draft_missing(draft) == "no_pick"
    assert field.draft_missing(draft, typed=True) is None
    assert field.draft_missing(dataclasses.replace(draft, lon=120.1, lat=30.2)) is None


def test_a_new_photo_brings_its_position_only_to_a_draft_without_one(make_gps_jpeg):
    photo = make_gps_jpeg(120.185, 30.248)
    empty = field.ReportDraft(token="t")
    changes = field.photo_changes(empty, photo)
    assert changes["photo"] is photo and changes["location_source"] == "photo"
    assert changes["lon"] == pytest.approx(120.185, abs=1e-4)
    assert changes["lat"] == pytest.approx(30.248, abs=1e-4)
    assert field.photo_changes(empty, photo, located=True) == {"photo": photo}
    placed = dataclasses.replace(empty, lon=120.0, lat=30.0)
    assert field.photo_changes(placed, photo) == {"photo": photo}
    with pytest.raises(InputError):
        field.photo_changes(empty, b"not an image")


def test_submitting_a_draft_records_it_once_and_forgets_it(issue_store):
    vol = field_user(issue_store, "vol2", "volunteer")
    grid, point, _ = grid_and_worker(issue_store)
    draft = field.save_draft(issue_store, vol, field.load_draft(issue_store, vol),
                             category="市容环境", lon=point.x, lat=point.y)
    result = field.submit_draft(issue_store, vol, draft, reporter="张三")
    assert result.grid == grid
    assert field.load_draft(issue_store, vol).token != draft.token  # a new form
    assert field.submit_draft(issue_store, vol, draft).id == result.id  # same token: once
    typed = field.submit_draft(issue_store, vol, dataclasses.replace(draft, token="t2"),
                               position=(point.x + 0.0001, point.y, "wgs84"))
    assert typed.id != result.id and typed.lon == pytest.approx(point.x + 0.0001)
    done = field.report_done_fields(result)
    assert done["code"] == result.code and done["grid"] == grid
    assert done["workers"] == ("、".join(w["name"] for w in result.workers) or "—")
    assert done["deadline"].startswith(str(result.deadline.year))
    assert done["neighbours"] == ("、".join(result.route.neighbours) or "—")
