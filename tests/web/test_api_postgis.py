"""The API on PostgreSQL + PostGIS: the report round trip and the SQL bounding-box filter."""

from __future__ import annotations

import pytest
import shapely

from gridmap import crs, issues
from gridmap.auth import SYSTEM
from gridmap.importing import import_demo
from gridmap.records import tokens

pytestmark = [pytest.mark.postgis, pytest.mark.slow]


def test_report_round_trip_and_bbox_on_postgis(make_store, serve_api):
    store = make_store("postgis")
    import_demo(store)
    api = serve_api(store.url)
    made = tokens.create_token(store, "pg", rights=["report", "read"], by=SYSTEM)
    grids = store.read_layer("grids")
    target = grids.iloc[4]
    point = target.geometry.buffer(-0.0003).representative_point()
    gx, gy = crs.wgs84_to_gcj02(point.x, point.y)
    reply = api.post_form("/open311/requests.json", {
        "service_code": "市容环境/暴露垃圾", "lat": gy, "long": gx, "crs": "gcj02",
        "description": "PostGIS"}, token=made.token)
    assert reply.status == 201, reply.body
    (answer,) = reply.json()
    assert answer["grid"] == target["code"]
    listed = issues.list_issues(store)
    row = listed[listed["code"] == answer["service_request_id"]].iloc[0]
    assert row["grid"] == target["code"]
    assert (row["lon"], row["lat"]) == pytest.approx((point.x, point.y), abs=1e-6)
    back = api.get(f"/open311/requests/{answer['service_request_id']}.json",
                   token=made.token).json()
    assert back[0]["gridmap_status"] == "reported" and back[0]["status"] == "open"

    west, south, east, north = grids.total_bounds
    box = (west, south, (west + east) / 2, (south + north) / 2)
    bbox = ",".join(f"{v:.6f}" for v in box)
    got = {f["properties"]["code"]
           for f in api.get("/grids", token=made.token, bbox=bbox).json()["features"]}
    box_geom = shapely.box(*map(float, bbox.split(",")))
    assert got == set(grids[grids.intersects(box_geom)]["code"])
    log = store.read_audit(table="api_tokens", limit=100)
    assert set(log["action"]) == {"token_create", "api_call"}
