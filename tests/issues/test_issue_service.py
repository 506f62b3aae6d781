"""The stored issue workflow on the demo street: report, route, move, merge, photos, lists."""

from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import func, select

from gridmap import issues
from gridmap.auth import User
from gridmap.crs import metric_crs
from gridmap.errors import ConflictError, InputError, NotFound, PermissionDenied
from gridmap.model import UserRole
from gridmap.store import schema

ADMIN = User("admin", UserRole.ADMIN)
INSPECTOR = User("insp", UserRole.INSPECTOR)
CHECKER = User("check", UserRole.INSPECTOR)  # verifies and closes: not who handled
HANDLER = User("handler", UserRole.ADMIN)
VIEWER = User("view", UserRole.VIEWER)
AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def inside(store, index: int = 0) -> tuple[str, str, shapely.Point]:
    grids = store.read_layer("grids")
    row = grids.iloc[index]
    return row["code"], row["community"], row.geometry.representative_point()


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar())


def report(store, point, *, user=ADMIN, at=AT, category="市容环境", **kw):
    return issues.report_issue(
        store, user, category=category, lon=point.x, lat=point.y, at=at, **kw
    )


def test_report_routes_to_the_grid_and_its_current_workers(issue_store):
    code, community, point = inside(issue_store, 5)
    result = report(issue_store, point, subcategory="暴露垃圾", description="垃圾堆放")
    assert (result.grid, result.community) == (code, community)
    expected = issue_store.workers_of(code, on=dt.date(2026, 11, 2))
    assert [w["code"] for w in result.workers] == [w["code"] for w in expected]
    assert result.workers and result.workers[0]["role"] == "grid_head"
    assert result.code == "AJ20261102001"
    # 4 working hours from Monday 10:00: Monday 15:30 in Shanghai
    assert result.deadline == dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC)
    row = issue_store.get("issue_reports", result.id)
    assert row["status"] == "reported" and row["grid_code"] == code
    assert row["attrs"]["community"] == community
    assert report(issue_store, point, category="其他").code == "AJ20261102002"
    listed = issues.list_issues(issue_store, grid=code, now=AT)
    assert result.id in set(listed["id"])
    assert listed.set_index("id").loc[result.id, "worker_codes"] == [w["code"] for w in expected]


def test_report_in_gcj02_is_converted(issue_store):
    from gridmap.crs import transform

    _, _, point = inside(issue_store, 2)
    gx, gy = transform(point.x, point.y, src="wgs84", dst="gcj02")
    result = issues.report_issue(
        issue_store, ADMIN, category="其他", lon=gx, lat=gy, crs="gcj02", at=AT
    )
    assert result.lon == pytest.approx(point.x, abs=1e-6)
    assert result.lat == pytest.approx(point.y, abs=1e-6)
    assert issue_store.get("issue_reports", result.id)["source_crs"] == "gcj02"


def shared_boundary_point(store, metres_into_first: float):
    grids = store.read_layer("grids")
    crs = metric_crs(grids)
    metric = grids.to_crs(crs)
    for i in range(len(metric)):
        for j in range(i + 1, len(metric)):
            line = metric.geometry.iloc[i].intersection(metric.geometry.iloc[j])
            if line.length > 50:
                mid = line.interpolate(0.5, normalized=True)
                inner = metric.geometry.iloc[i].representative_point()
                dx, dy = inner.x - mid.x, inner.y - mid.y
                norm = (dx * dx + dy * dy) ** 0.5
                p = shapely.Point(
                    mid.x + dx / norm * metres_into_first, mid.y + dy / norm * metres_into_first
                )
                wgs = gpd.GeoSeries([p], crs=crs).to_crs("EPSG:4326").iloc[0]
                return grids["code"].iloc[i], grids["code"].iloc[j], wgs
    pytest.fail("no shared grid boundary in the demo")


def test_report_near_a_grid_boundary_is_flagged(issue_store):
    first, second, point = shared_boundary_point(issue_store, 3.0)
    result = report(issue_store, point)
    assert result.grid == first
    assert result.route.flagged
    assert 0 <= result.route.boundary_distance_m <= 3.01
    assert second in result.route.neighbours
    detail = issues.issue_detail(issue_store, ADMIN, result.id, now=AT)
    assert detail["flagged"] and second in detail["neighbours"]
    far = report(issue_store, inside(issue_store, 0)[2])
    assert not far.route.flagged


def test_report_outside_every_grid_is_refused(issue_store):
    _, _, point = inside(issue_store)
    before = count(issue_store, schema.issue_reports)
    with pytest.raises(InputError, match="outside every grid"):
        issues.report_issue(
            issue_store, ADMIN, category="其他", lon=point.x + 0.2, lat=point.y, at=AT
        )
    with pytest.raises(InputError, match="unknown issue category"):
        report(issue_store, point, category="天气")
    with pytest.raises(InputError, match="needs a position"):
        issues.report_issue(issue_store, ADMIN, category="其他", at=AT)
    assert count(issue_store, schema.issue_reports) == before


def test_viewer_and_out_of_scope_users_cannot_report(issue_store):
    _, community, point = inside(issue_store, 0)
    with pytest.raises(PermissionDenied):
        report(issue_store, point, user=VIEWER)
    with pytest.raises(PermissionDenied, match="scope"):
        report(issue_store, point, user=User("x", UserRole.INSPECTOR, ("999",)))
    assert report(issue_store, point, user=User("y", UserRole.INSPECTOR, (community,))).id


def test_duplicates_are_offered_then_merged_with_a_pointer(issue_store):
    _, _, point = inside(issue_store, 7)
    first = report(issue_store, point, at=AT - dt.timedelta(days=6))
    second = report(issue_store, point)
    assert first.id in set(second.duplicates["id"])
    other = report(issue_store, point, category="街面秩序")
    assert first.id not in set(other.duplicates["id"])

    audits = count(issue_store, schema.audit_log)
    events = count(issue_store, schema.issue_events)
    version = issues.merge_duplicate(
        issue_store, INSPECTOR, second.code, into=first.code, version=1, at=AT
    )
    row = issue_store.get("issue_reports", second.id)
    assert (row["status"], row["duplicate_of"], row["version"]) == ("closed", first.id, version)
    assert count(issue_store, schema.audit_log) == audits + 1
    assert count(issue_store, schema.issue_events) == events + 1
    audit = issue_store.read_audit(table="issue_reports", row_id=second.id, limit=1).iloc[0]
    assert audit["action"] == "issue_merge" and first.code in audit["note"]
    assert second.code in issues.issue_detail(issue_store, ADMIN, first.id)["duplicates"]
    assert issues.issue_detail(issue_store, ADMIN, second.id)["duplicate_of"] == first.code
    # a merged report is no longer offered as a duplicate
    third = report(issue_store, point)
    assert second.id not in set(third.duplicates["id"])
    with pytest.raises(InputError, match="itself"):
        issues.merge_duplicate(issue_store, ADMIN, third.id, into=third.id, version=1)
    with pytest.raises(InputError, match="merged"):
        issues.merge_duplicate(issue_store, ADMIN, third.id, into=second.id, version=1)


def test_link_keeps_both_open(issue_store):
    _, _, point = inside(issue_store, 7)
    a, b = report(issue_store, point), report(issue_store, point)
    issues.link_duplicate(issue_store, INSPECTOR, b.id, other=a.id, version=1)
    detail = issues.issue_detail(issue_store, ADMIN, b.id)
    assert detail["linked"] == [a.code] and detail["status"] == "reported"
    assert detail["version"] == 2
    with pytest.raises(PermissionDenied):
        issues.link_duplicate(issue_store, VIEWER, b.id, other=a.id, version=2)


def test_full_loop_with_photos_events_and_audit(issue_store, make_gps_jpeg):
    code, _, point = inside(issue_store, 3)
    result = report(issue_store, point, photos=[make_gps_jpeg()])
    workers = issue_store.workers_of(code, on=dt.date(2026, 11, 2))
    version, when = 1, AT
    steps = [
        ("立案", {}),
        ("派遣", {"worker": workers[-1]["name"]}),
        ("处置", {"photos": [make_gps_jpeg()], "note": "已清理"}),
        ("核查", {}),
        ("结案", {}),
    ]
    for state, extra in steps:
        when += dt.timedelta(minutes=30)
        who = CHECKER if state in ("核查", "结案") else INSPECTOR
        version = issues.move_issue(
            issue_store, who, result.id, state, version=version, at=when, **extra
        )
    detail = issues.issue_detail(issue_store, ADMIN, result.code)
    assert detail["status"] == "closed" and detail["moves"] == []
    assert [e["to_status"] for e in detail["timeline"]] == [
        "reported",
        "registered",
        "dispatched",
        "handled",
        "verified",
        "closed",
    ]
    assert detail["timeline"][3]["note"] == "已清理" and detail["timeline"][3]["user"] == "insp"
    kinds = {p["kind"] for p in detail["photos"]}
    assert kinds == {"report", "after"}
    assert detail["timeline"][3]["photos"]
    assert detail["worker_codes"] == [workers[-1]["code"]]
    audit = issue_store.read_audit(table="issue_reports", row_id=result.id)
    assert len(audit) == 6
    assert audit.iloc[0]["action"] == "issue_close"


def test_role_scope_note_and_version_are_enforced(issue_store):
    _, _, point = inside(issue_store, 0)
    result = report(issue_store, point)
    with pytest.raises(PermissionDenied):
        issues.move_issue(issue_store, VIEWER, result.id, "registered", version=1)
    with pytest.raises(PermissionDenied, match="scope"):
        issues.move_issue(
            issue_store, User("o", UserRole.ADMIN, ("999",)), result.id, "registered", version=1
        )
    with pytest.raises(InputError, match="note"):
        issues.move_issue(issue_store, INSPECTOR, result.id, "closed", version=1)
    with pytest.raises(InputError, match="cannot move from reported to handled"):
        issues.move_issue(issue_store, INSPECTOR, result.id, "handled", version=1)
    v = issues.move_issue(issue_store, INSPECTOR, result.id, "registered", version=1)
    with pytest.raises(ConflictError, match="version 1"):
        issues.move_issue(issue_store, INSPECTOR, result.id, "dispatched", version=1)
    with pytest.raises(PermissionDenied, match="planner"):
        issues.move_issue(issue_store, INSPECTOR, result.id, "suspended", version=v, note="等待")
    with pytest.raises(InputError, match="not a worker"):
        issues.move_issue(
            issue_store, INSPECTOR, result.id, "dispatched", version=v, worker="nobody"
        )
    with pytest.raises(NotFound):
        issues.move_issue(issue_store, INSPECTOR, "AJ00000000000", "dispatched", version=v)
    assert issue_store.get("issue_reports", result.id)["status"] == "registered"


def test_resume_extends_the_deadline_by_the_suspension(issue_store):
    _, _, point = inside(issue_store, 1)
    result = report(issue_store, point, subcategory="暴露垃圾")  # Monday 10:00 + 4 wh -> 15:30
    planner = User("p", UserRole.PLANNER)
    v = issues.move_issue(issue_store, planner, result.id, "registered", version=1, at=AT)
    # suspended Monday 11:00 with 3 working hours left; resumed Tuesday 9:00 -> Tuesday 12:00
    v = issues.move_issue(
        issue_store,
        planner,
        result.id,
        "suspended",
        version=v,
        note="等待",
        at=AT + dt.timedelta(hours=1),
    )
    v = issues.move_issue(
        issue_store,
        planner,
        result.id,
        "registered",
        version=v,
        at=dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC),
    )
    row = issue_store.get("issue_reports", result.id)
    assert row["deadline"] == dt.datetime(2026, 11, 3, 4, 0, tzinfo=dt.UTC)  # Tuesday 12:00


def test_photo_gps_is_read_and_exif_stripped(issue_store, make_gps_jpeg):
    from PIL import Image

    _, _, point = inside(issue_store, 4)
    data = make_gps_jpeg(point.x, point.y, size=(3200, 2000))
    assert Image.open(io.BytesIO(data)).getexif()  # the upload has EXIF
    result = issues.report_issue(issue_store, ADMIN, category="其他", photos=[data], at=AT)
    assert result.location_source == "photo"
    assert result.lon == pytest.approx(point.x, abs=1e-5)
    assert result.lat == pytest.approx(point.y, abs=1e-5)
    photo_id = issues.issue_detail(issue_store, ADMIN, result.id)["photos"][0]["id"]
    stored = issues.issue_photo(issue_store, ADMIN, photo_id)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert max(image.size) == 1600
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert b"Exif" not in stored and b"TestCam" not in stored
    with pytest.raises(NotFound):
        issues.issue_photo(issue_store, User("o", UserRole.VIEWER, ("999",)), photo_id)


def test_non_image_is_refused_and_nothing_stored(issue_store):
    _, _, point = inside(issue_store, 4)
    before = (count(issue_store, schema.issue_reports), count(issue_store, schema.issue_photos))
    with pytest.raises(InputError, match="not a photo"):
        report(issue_store, point, photos=[b"%PDF-1.4 not an image"])
    assert (
        count(issue_store, schema.issue_reports),
        count(issue_store, schema.issue_photos),
    ) == before


def test_lists_overdue_and_daily(issue_store):
    code, _, point = inside(issue_store, 6)
    worker = issue_store.workers_of(code, on=dt.date(2026, 11, 2))[0]
    result = report(issue_store, point, subcategory="暴露垃圾")
    later = AT + dt.timedelta(days=1)
    frame = issues.list_issues(issue_store, status="上报", grid=code, now=later)
    assert result.id in set(frame["id"]) and set(frame["status"]) == {"reported"}
    overdue = issues.list_issues(issue_store, overdue=True, now=later)
    assert result.id in set(overdue["id"]) and overdue["overdue"].all()
    assert result.id not in set(issues.list_issues(issue_store, overdue=True, now=AT)["id"])
    mine = issues.list_issues(issue_store, worker=worker["code"], now=later)
    assert result.id in set(mine["id"])
    daily = issues.daily_list(issue_store, worker=worker["name"], day=dt.date(2026, 11, 2))
    assert result.code in set(daily["code"])
    assert daily.set_index("code").loc[result.code, "due_today"]
    assert "closed" not in set(daily["status"])
    counts = issues.overdue_counts(overdue, by="grid")
    assert counts.set_index("grid").loc[code, "overdue"] >= 1
    by_worker = issues.overdue_counts(overdue, by="worker")
    assert worker["name"] in set(by_worker["worker"])
    with pytest.raises(NotFound):
        issues.daily_list(issue_store, worker="nobody")
    scoped = issues.list_issues(issue_store, User("s", UserRole.VIEWER, ("999",)))
    assert scoped.empty


def test_demo_reports_are_listed_with_grids(issue_store):
    frame = issues.list_issues(issue_store, now=dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC))
    assert len(frame) == 80
    assert frame["grid"].notna().all()
    assert frame["overdue"].sum() >= 10
    assert frame["workers"].map(len).gt(0).all()


PATHS = {
    "reported": [],
    "registered": ["registered"],
    "dispatched": ["registered", "dispatched"],
    "handled": ["registered", "dispatched", "handled"],
    "verified": ["registered", "dispatched", "handled", "verified"],
    "returned": ["registered", "dispatched", "handled", "returned"],
}
BELOW = {"inspector": "viewer", "planner": "inspector"}


@pytest.mark.parametrize("move", issues.MOVES, ids=lambda m: f"{m.source}-{m.target}")
def test_stored_move_refused_below_its_role_and_accepted_at_it(issue_store, move):
    _, _, point = inside(issue_store, 9)
    result = report(issue_store, point)
    version = 1
    steps = (
        PATHS[move.source.value]
        if move.source.value != "suspended"
        else [*PATHS[move.target.value], "suspended"]
    )
    for step in steps:
        who = HANDLER if step == "handled" else ADMIN  # who verifies or closes did not handle
        version = issues.move_issue(issue_store, who, result.id, step, version=version, note="n")
    low = User("low", UserRole(BELOW[move.min_role.value]))
    with pytest.raises(PermissionDenied):
        issues.move_issue(issue_store, low, result.id, move.target, version=version, note="n")
    assert issue_store.get("issue_reports", result.id)["version"] == version
    ok = User("ok", move.min_role)
    issues.move_issue(issue_store, ok, result.id, move.target, version=version, note="n")
    assert issue_store.get("issue_reports", result.id)["status"] == move.target.value


def test_dispatcher_confirms_the_grid_of_a_flagged_report(issue_store):
    first, second, point = shared_boundary_point(issue_store, 2.0)
    result = report(issue_store, point)
    assert result.route.flagged and result.grid == first
    with pytest.raises(InputError, match="neighbour"):
        issues.confirm_grid(issue_store, INSPECTOR, result.id, grid="nope", version=1)
    with pytest.raises(PermissionDenied):
        issues.confirm_grid(issue_store, VIEWER, result.id, grid=second, version=1)
    issues.confirm_grid(issue_store, INSPECTOR, result.id, grid=second, version=1)
    row = issue_store.get("issue_reports", result.id)
    assert row["grid_code"] == second and row["attrs"]["boundary_flag"] is False
    assert row["attrs"]["routed_grid"] == first
    detail = issues.issue_detail(issue_store, ADMIN, result.id)
    assert detail["grid"] == second and not detail["flagged"]
    audit = issue_store.read_audit(table="issue_reports", row_id=result.id, limit=1).iloc[0]
    assert audit["action"] == "issue_confirm_grid"


def test_link_and_merge_stay_within_the_users_communities(issue_store):
    grids = issue_store.read_layer("grids")
    mine, theirs = (grids[grids["community"] == c].iloc[0] for c in
                    sorted(set(grids["community"]))[:2])
    scoped = User("planner1", UserRole.INSPECTOR, (mine["community"],))
    own = report(issue_store, mine.geometry.representative_point())
    own2 = report(issue_store, mine.geometry.representative_point())
    other = report(issue_store, theirs.geometry.representative_point())
    with pytest.raises(PermissionDenied, match="outside"):
        issues.link_duplicate(issue_store, scoped, own.id, other=other.id, version=1)
    with pytest.raises(PermissionDenied, match="outside"):
        issues.merge_duplicate(issue_store, scoped, own.id, into=other.id, version=1)
    assert issues.issue_detail(issue_store, ADMIN, own.id)["linked"] == []
    issues.link_duplicate(issue_store, scoped, own.id, other=own2.id, version=1)
    assert issues.issue_detail(issue_store, ADMIN, own.id)["linked"] == [own2.code]


def test_detail_names_whom_a_dispatch_may_name_and_its_timeline_table(issue_store):
    grid, _, point = inside(issue_store, 2)
    result = report(issue_store, point)
    issues.move_issue(issue_store, ADMIN, result.id, "registered", version=1, note="ok", at=AT)
    detail = issues.issue_detail(issue_store, ADMIN, result.id, now=AT)
    assert detail["dispatch_to"]
    assert detail["dispatch_to"] == {w["code"]: w["name"] for w in issue_store.workers_of(grid)}
    table = issues.timeline_frame(detail)
    assert list(table.columns) == ["at", "user", "from_status", "to_status", "note"]
    assert table["to_status"].iloc[-1] == "registered"
    assert len(table) == len(detail["timeline"]) >= 2
    listed = issues.list_issues(issue_store, ADMIN, now=AT)
    assert set(issues.LIST_COLUMNS) <= set(listed.columns)
