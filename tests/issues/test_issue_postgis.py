"""The issue loop on PostgreSQL + PostGIS (same code path as SQLite, other SQL dialect)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from gridmap import issues
from gridmap.auth import User
from gridmap.errors import ConflictError
from gridmap.importing import import_demo
from gridmap.model import UserRole

pytestmark = [pytest.mark.postgis, pytest.mark.slow]

ADMIN = User("admin", UserRole.ADMIN)
AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def test_loop_on_postgis(make_store, make_gps_jpeg):
    from PIL import Image

    store = make_store("postgis")
    import_demo(store)
    point = store.read_layer("grids").geometry.iloc[3].representative_point()
    first = issues.report_issue(
        store,
        ADMIN,
        category="市容环境",
        subcategory="暴露垃圾",
        lon=point.x,
        lat=point.y,
        at=AT,
        photos=[make_gps_jpeg()],
    )
    second = issues.report_issue(store, ADMIN, category="市容环境", lon=point.x, lat=point.y, at=AT)
    assert first.code == "AJ20261102001" and second.code == "AJ20261102002"
    assert first.id in set(second.duplicates["id"])
    version = 1
    for step in ("立案", "派遣", "处置", "核查", "结案"):
        who = User("handler", UserRole.ADMIN) if step == "处置" else ADMIN  # separation of duties
        version = issues.move_issue(store, who, first.id, step, version=version, at=AT)
    with pytest.raises(ConflictError):
        issues.move_issue(store, ADMIN, second.id, "registered", version=5)
    issues.merge_duplicate(store, ADMIN, second.id, into=first.id, version=1)
    detail = issues.issue_detail(store, ADMIN, first.id)
    assert [e["to_status"] for e in detail["timeline"]][-1] == "closed"
    assert detail["duplicates"] == [second.code]
    photo = issues.issue_photo(store, ADMIN, detail["photos"][0]["id"])
    assert len(Image.open(io.BytesIO(photo)).getexif()) == 0
    frame = issues.list_issues(store, now=AT)
    assert len(frame) == 82
    table = issues.month_scores(store, month="2026-11")
    assert table.set_index("grid").loc[first.grid, "closed"] == 1
