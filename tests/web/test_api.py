"""The JSON API under /api/v1, served by uvicorn on 127.0.0.1 against the demo street."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import uuid
import xml.etree.ElementTree as ET

import pytest
import shapely

from gridmap import crs, issues
from gridmap.auth import SYSTEM, User
from gridmap.issues import load_issue_config
from gridmap.locate import polygon_index_of_points
from gridmap.model import UserRole
from gridmap.records import tokens

pytestmark = pytest.mark.slow

EXPOSED = "市容环境/暴露垃圾"


def _token(api, *rights, scope=None, rate_limit=1000, **kwargs):
    name = f"t-{uuid.uuid4().hex[:8]}"
    made = tokens.create_token(api.store, name, rights=rights or ("report", "read"),
                               scope=scope, rate_limit=rate_limit, by=SYSTEM, **kwargs)
    return made


def _grids(api):
    return api.store.read_layer("grids")


def _inner_point(grid_geom):
    """A point deep inside a grid (far from its boundary)."""
    inner = grid_geom.buffer(-0.0003)
    return (inner if not inner.is_empty else grid_geom).representative_point()


def _grid_of(api, x, y):
    grids = _grids(api)
    index = polygon_index_of_points(shapely.points([(x, y)]), grids.geometry.to_numpy())[0]
    return None if index < 0 else grids["code"].iloc[index]


def _error(reply):
    body = reply.json()
    if isinstance(body, dict):
        return body["error"]
    first = body[0]  # Open311: a list of errors
    assert first["code"] == reply.status
    return {"code": first["error_code"], "field": first["field"],
            "message": {"zh": first["description"], "en": first["description_en"]}}


# --------------------------------------------------------------------------- OpenAPI


def test_openapi_document_validates(demo_api):
    from openapi_spec_validator import validate

    reply = demo_api.get("/openapi.json")
    assert reply.status == 200
    document = reply.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "/api/v1"}]
    assert {"/open311/services.{fmt}", "/open311/requests.{fmt}", "/locate", "/grids",
            "/points/{layer}"} <= set(document["paths"])


# --------------------------------------------------------------------------- tokens


def test_token_is_shown_once_and_stored_hashed(demo_api):
    made = _token(demo_api, "read")
    assert made.token.startswith("gm_") and len(made.token) > 40
    listed = tokens.list_tokens(demo_api.store, by=SYSTEM)
    row = listed[listed["name"] == made.name].iloc[0]
    assert row["prefix"] == made.token[:10] and row["state"] == "active"
    assert "token_hash" not in listed.columns
    with demo_api.store.engine.connect() as conn:
        from sqlalchemy import select

        from gridmap.store import schema

        stored = conn.execute(select(schema.api_tokens.c.token_hash)
                              .where(schema.api_tokens.c.name == made.name)).scalar()
        audit = [str(r) for r in conn.execute(select(schema.audit_log)).all()]
    assert stored == tokens.hash_token(made.token) and made.token not in stored
    assert demo_api.get("/locate", token=made.token, lon=120.19, lat=30.24).status == 200
    assert not any(made.token in line for line in audit)
    assert not any(stored in line for line in audit)


def test_missing_unknown_revoked_and_expired_tokens_are_refused(demo_api):
    assert _error(demo_api.get("/grids"))["code"] == "token_missing"
    reply = demo_api.get("/grids", token="gm_not-a-token")
    assert reply.status == 401 and _error(reply)["code"] == "token_invalid"
    assert reply.headers["www-authenticate"].startswith("Bearer")

    made = _token(demo_api, "read")
    assert demo_api.get("/grids", token=made.token).status == 200
    tokens.revoke_token(demo_api.store, made.name, by=SYSTEM)
    reply = demo_api.get("/grids", token=made.token)
    assert reply.status == 401
    error = _error(reply)
    assert error["code"] == "token_revoked"
    assert error["message"]["zh"] and error["message"]["en"]
    listed = tokens.list_tokens(demo_api.store, by=SYSTEM).set_index("name")
    assert listed.loc[made.name, "state"] == "revoked"

    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    old = _token(demo_api, "read", days=1, at=past)
    reply = demo_api.get("/grids", token=old.token)
    assert reply.status == 401 and _error(reply)["code"] == "token_expired"


def test_token_rights_are_checked(demo_api):
    reader = _token(demo_api, "read")
    point = _inner_point(_grids(demo_api).geometry.iloc[0])
    reply = demo_api.post_form("/open311/requests.json",
                               {"service_code": EXPOSED, "lat": point.y, "long": point.x},
                               token=reader.token)
    assert reply.status == 403 and _error(reply)["code"] == "right_missing"
    reporter = _token(demo_api, "report")
    reply = demo_api.get("/locate", token=reporter.token, lon=point.x, lat=point.y)
    assert reply.status == 403 and _error(reply)["code"] == "right_missing"
    # services are listed for either right
    assert demo_api.get("/open311/services.json", token=reporter.token).status == 200


def test_every_call_is_audited_without_the_token(demo_api):
    made = _token(demo_api, "read")
    demo_api.get("/grids", token=made.token, bbox="120.18,30.23,120.19,30.24")
    demo_api.request("GET", "/grids", params={"api_key": made.token})
    tokens.revoke_token(demo_api.store, made.name, by=SYSTEM)
    demo_api.get("/grids", token=made.token)
    log = demo_api.store.read_audit(table="api_tokens", limit=1000)
    mine = log[log["username"] == f"api:{made.name}"].sort_values("id")
    assert list(mine["action"]) == ["api_call", "api_call", "api_refused"]
    assert mine["note"].iloc[0] == "GET /api/v1/grids?bbox=120.18,30.23,120.19,30.24"
    assert "token_revoked" in list(mine["note"])[-1]
    assert not mine["note"].str.contains(made.token, regex=False).any()


def test_rate_limit_per_token(demo_api):
    limited = _token(demo_api, "read", rate_limit=3)
    other = _token(demo_api, "read", rate_limit=3)
    statuses = [demo_api.get("/grids", token=limited.token).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    reply = demo_api.get("/grids", token=limited.token)
    assert _error(reply)["code"] == "rate_limited"
    assert 1 <= int(reply.headers["retry-after"]) <= 60
    assert demo_api.get("/grids", token=other.token).status == 200


def test_rate_limit_window_counts_only_recent_calls(demo_store):
    made = tokens.create_token(demo_store, "window", rights=["read"], rate_limit=2, by=SYSTEM)
    start = dt.datetime.now(dt.UTC)
    calls = [tokens.admit(demo_store, made.token, right="read", note="GET /x",
                          at=start + dt.timedelta(seconds=s)) for s in (0, 10, 20, 61, 65)]
    assert [c.refused for c in calls] == [None, None, "rate_limited", None, "rate_limited"]
    assert calls[2].retry_after_s == 40 and calls[4].retry_after_s == 5


# --------------------------------------------------------------------------- token library


def test_token_creation_is_checked(demo_store):
    first = sorted(demo_store.read_layer("communities")["code"])[0]
    viewer = User("v", UserRole.VIEWER)
    scoped_admin = User("sa", UserRole.ADMIN, (first,))
    from gridmap.errors import InputError, NotFound, PermissionDenied

    with pytest.raises(PermissionDenied):
        tokens.create_token(demo_store, "x", rights=["read"], by=viewer)
    with pytest.raises(PermissionDenied):
        tokens.create_token(demo_store, "x", rights=["read"], by=scoped_admin)  # whole street
    with pytest.raises(InputError, match="unknown token right"):
        tokens.create_token(demo_store, "x", rights=["write"], by=SYSTEM)
    with pytest.raises(InputError, match="unknown community"):
        tokens.create_token(demo_store, "x", rights=["read"], scope=["999"], by=SYSTEM)
    with pytest.raises(InputError, match="days"):
        tokens.create_token(demo_store, "x", rights=["read"], days=0, by=SYSTEM)
    made = tokens.create_token(demo_store, "x", rights="read,report", scope=[first],
                               by=scoped_admin)
    with pytest.raises(InputError, match="exists"):
        tokens.create_token(demo_store, "x", rights=["read"], by=SYSTEM)
    assert list(tokens.list_tokens(demo_store, by=scoped_admin)["name"]) == ["x"]
    assert tokens.token_user({"name": "x", "rights": ["read"], "scope": [first]}).role == "viewer"
    tokens.revoke_token(demo_store, made.name, by=scoped_admin)
    with pytest.raises(NotFound):
        tokens.revoke_token(demo_store, "nope", by=SYSTEM)


# --------------------------------------------------------------------------- Open311


def test_services_are_the_configured_categories(demo_api, tmp_path):
    made = _token(demo_api, "read")
    services = demo_api.get("/open311/services.json", token=made.token).json()
    cfg = load_issue_config(tmp_path / "none.toml")
    expected = set(cfg.categories) | {
        f"{name}/{sub}" for name, cat in cfg.categories.items() for sub in cat.subcategories
    }
    assert {s["service_code"] for s in services} == expected
    row = next(s for s in services if s["service_code"] == EXPOSED)
    assert row["service_name"] == "暴露垃圾" and row["group"] == "市容环境"
    xml = demo_api.get("/open311/services.xml", token=made.token)
    assert xml.headers["content-type"].startswith("text/xml")
    codes = [e.text for e in ET.fromstring(xml.body).iter("service_code")]
    assert set(codes) == expected


def test_posted_report_is_routed_like_one_from_the_app(demo_api):
    made = _token(demo_api, "report", "read")
    grids = _grids(demo_api)
    target = grids.iloc[5]
    point = _inner_point(target.geometry)
    reply = demo_api.post_form("/open311/requests.json", {
        "service_code": EXPOSED, "lat": point.y, "long": point.x,
        "description": "垃圾堆放", "first_name": "王", "phone": "13900001111",
    }, token=made.token)
    assert reply.status == 201, reply.body
    (answer,) = reply.json()
    assert answer["grid"] == target["code"] and answer["community"] == target["community"]
    workers = demo_api.store.workers_of(target["code"])
    assert [w["name"] for w in answer["workers"]] == [w["name"] for w in workers]
    assert all("****" in w["phone"] for w in answer["workers"] if w["phone"])
    listed = issues.list_issues(demo_api.store)
    row = listed[listed["code"] == answer["service_request_id"]].iloc[0]
    assert row["grid"] == target["code"] and row["category"] == "市容环境"
    assert row["subcategory"] == "暴露垃圾" and row["status"] == "reported"
    assert row["reporter"] == "王 (13900001111)"
    audit = demo_api.store.read_audit(table="issue_reports", row_id=int(row["id"]))
    assert list(audit["username"]) == [f"api:{made.name}"]
    # the same problem again: the first report is offered as a duplicate
    again = demo_api.post_form("/open311/requests.json",
                               {"service_code": EXPOSED, "lat": point.y, "long": point.x},
                               token=made.token).json()[0]
    assert answer["service_request_id"] in [d["service_request_id"] for d in again["duplicates"]]


def test_gcj02_position_lands_where_it_belongs(demo_api):
    made = _token(demo_api, "report", "read")
    target = _grids(demo_api).iloc[10]
    point = _inner_point(target.geometry)
    gx, gy = crs.wgs84_to_gcj02(point.x, point.y)
    assert _grid_of(demo_api, gx, gy) != target["code"]  # unconverted it would go elsewhere
    reply = demo_api.post_form("/open311/requests.json", {
        "service_code": "市容环境", "lat": gy, "long": gx, "crs": "gcj02"}, token=made.token)
    (answer,) = reply.json()
    assert answer["grid"] == target["code"]
    assert answer["lon"] == pytest.approx(point.x, abs=1e-6)
    assert answer["lat"] == pytest.approx(point.y, abs=1e-6)
    located = demo_api.get("/locate", token=made.token, lon=gx, lat=gy, crs="gcj02").json()
    assert located["grid"]["code"] == target["code"]
    bx, by = crs.wgs84_to_bd09(point.x, point.y)
    located = demo_api.get("/locate", token=made.token, lon=bx, lat=by, crs="bd09").json()
    assert located["grid"]["code"] == target["code"]


def test_report_with_a_photo(demo_api):
    from PIL import Image

    made = _token(demo_api, "report", "read")
    point = _inner_point(_grids(demo_api).geometry.iloc[2])
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 30)).save(buffer, format="JPEG")
    boundary = "gmboundary"
    parts = []
    for key, value in {"service_code": EXPOSED, "lat": point.y, "long": point.x}.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="media"; '
                 f'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                 + buffer.getvalue() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    reply = demo_api.request(
        "POST", "/open311/requests.json", token=made.token, body=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert reply.status == 201, reply.body
    code = reply.json()[0]["service_request_id"]
    detail = issues.issue_detail(demo_api.store, SYSTEM, code)
    assert len(detail["photos"]) == 1


def test_get_requests_maps_the_status(demo_api):
    made = _token(demo_api, "report", "read")
    point = _inner_point(_grids(demo_api).geometry.iloc[7])
    code = demo_api.post_form("/open311/requests.json",
                              {"service_code": "街面秩序", "lat": point.y, "long": point.x},
                              token=made.token).json()[0]["service_request_id"]
    one = demo_api.get(f"/open311/requests/{code}.json", token=made.token).json()
    assert one[0]["status"] == "open" and one[0]["gridmap_status"] == "reported"
    assert one[0]["gridmap_status_zh"] == "上报"
    issues.move_issue(demo_api.store, SYSTEM, code, "closed", version=1, note="重复")
    one = demo_api.get(f"/open311/requests/{code}.json", token=made.token).json()
    assert one[0]["status"] == "closed" and one[0]["gridmap_status"] == "closed"
    closed = demo_api.get("/open311/requests.json", token=made.token, status="closed").json()
    assert code in {r["service_request_id"] for r in closed}
    assert all(r["status"] == "closed" for r in closed)
    opened = demo_api.get("/open311/requests.json", token=made.token, status="open").json()
    assert code not in {r["service_request_id"] for r in opened}
    by_id = demo_api.get("/open311/requests.json", token=made.token,
                         service_request_id=code).json()
    assert [r["service_request_id"] for r in by_id] == [code]
    xml = demo_api.get(f"/open311/requests/{code}.xml", token=made.token)
    assert ET.fromstring(xml.body).find("request/status").text == "closed"
    missing = demo_api.get("/open311/requests/AJ19990101001.json", token=made.token)
    assert missing.status == 404 and missing.json()[0]["error_code"] == "not_found"


# --------------------------------------------------------------------------- scope


def test_scope_limits_every_read_and_write(demo_api):
    grids = _grids(demo_api)
    first = sorted(grids["community"].unique())[0]
    inside = grids[grids["community"] == first].iloc[0]
    outside = grids[grids["community"] != first].iloc[0]
    scoped = _token(demo_api, "report", "read", scope=[first])
    p_in, p_out = _inner_point(inside.geometry), _inner_point(outside.geometry)

    assert demo_api.get("/locate", token=scoped.token, lon=p_in.x, lat=p_in.y).status == 200
    reply = demo_api.get("/locate", token=scoped.token, lon=p_out.x, lat=p_out.y)
    assert reply.status == 403 and _error(reply)["code"] == "out_of_scope"

    features = demo_api.get("/grids", token=scoped.token).json()["features"]
    assert {f["properties"]["community"] for f in features} == {first}
    assert len(features) == int((grids["community"] == first).sum())
    bins = demo_api.get("/points/bins", token=scoped.token).json()["features"]
    assert bins and {f["properties"]["community"] for f in bins} == {first}

    reply = demo_api.post_form("/open311/requests.json",
                               {"service_code": EXPOSED, "lat": p_out.y, "long": p_out.x},
                               token=scoped.token)
    assert reply.status == 403 and reply.json()[0]["error_code"] == "out_of_scope"
    assert reply.json()[0]["description"] and reply.json()[0]["description_en"]
    seen = demo_api.get("/open311/requests.json", token=scoped.token).json()
    assert seen and {r["community"] for r in seen} == {first}


# --------------------------------------------------------------------------- locate, GeoJSON


def test_locate_masks_phones_by_the_tokens_rights(demo_api):
    target = _grids(demo_api).iloc[3]
    point = _inner_point(target.geometry)
    masked = _token(demo_api, "read")
    full = _token(demo_api, "read", "phones")
    a = demo_api.get("/locate", token=masked.token, lon=point.x, lat=point.y).json()
    b = demo_api.get("/locate", token=full.token, lon=point.x, lat=point.y).json()
    assert a["grid"]["code"] == b["grid"]["code"] == target["code"]
    assert a["community"]["code"] == target["community"] and a["community"]["name"]
    workers = demo_api.store.workers_of(target["code"])
    assert [w["phone"] for w in b["workers"]] == [w["phone"] for w in workers]
    assert [w["phone"] for w in a["workers"]] == [
        f"{w['phone'][:3]}****{w['phone'][-4:]}" for w in workers]


def test_locate_errors(demo_api):
    made = _token(demo_api, "read")
    reply = demo_api.get("/locate", token=made.token, lon=100.0, lat=20.0)
    assert reply.status == 404 and _error(reply)["code"] == "outside_grids"
    reply = demo_api.get("/locate", token=made.token, lon="east", lat=30.2)
    assert reply.status == 400 and _error(reply)["field"] == "lon"
    reply = demo_api.get("/locate", token=made.token, lat=30.2)
    assert _error(reply) == {"code": "missing_field", "field": "lon",
                             "message": {"zh": "缺少字段 lon", "en": "Missing field lon"}}
    reply = demo_api.get("/locate", token=made.token, lon=120.19, lat=30.24, crs="utm")
    assert reply.status == 400 and _error(reply)["field"] == "crs"


def test_bbox_geojson(demo_api):
    made = _token(demo_api, "read")
    grids = _grids(demo_api)
    west, south, east, north = grids.total_bounds
    box = (west, south, (west + east) / 2, (south + north) / 2)
    bbox = ",".join(f"{v:.6f}" for v in box)
    body = demo_api.get("/grids", token=made.token, bbox=bbox).json()
    assert body["type"] == "FeatureCollection"
    expected = set(grids[grids.intersects(shapely.box(*map(float, bbox.split(","))))]["code"])
    got = {f["properties"]["code"] for f in body["features"]}
    assert got == expected and 0 < len(got) < len(grids)
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    bins = demo_api.get("/points/bins", token=made.token, bbox=bbox).json()["features"]
    for feature in bins:
        x, y = feature["geometry"]["coordinates"]
        assert box[0] - 1e-6 <= x <= box[2] + 1e-6 and box[1] - 1e-6 <= y <= box[3] + 1e-6
    every = demo_api.get("/points/bins", token=made.token).json()["features"]
    assert len(bins) < len(every)
    for bad in ("1,2,3", "a,b,c,d", "120.2,30,120.1,31"):
        reply = demo_api.get("/grids", token=made.token, bbox=bad)
        assert reply.status == 400 and _error(reply)["field"] == "bbox"
    assert demo_api.get("/points/roads", token=made.token).status == 404


# --------------------------------------------------------------------------- bad bodies


def test_malformed_bodies_name_the_field(demo_api):
    made = _token(demo_api, "report")
    path = "/open311/requests.json"
    reply = demo_api.request("POST", path, token=made.token, body=b'{"lat": 30.2,',
                             headers={"Content-Type": "application/json"})
    assert reply.status == 400 and reply.json()[0]["error_code"] == "malformed_body"
    reply = demo_api.post_form(path, {"service_code": EXPOSED, "long": 120.19},
                               token=made.token)
    assert reply.json()[0]["error_code"] == "missing_field"
    assert reply.json()[0]["field"] == "lat"
    reply = demo_api.post_form(path, {"service_code": EXPOSED, "lat": "north", "long": 120.19},
                               token=made.token)
    assert reply.status == 400 and reply.json()[0]["field"] == "lat"
    reply = demo_api.post_form(path, {"service_code": "no such", "lat": 30.24, "long": 120.19},
                               token=made.token)
    assert reply.json()[0]["error_code"] == "unknown_service"
    reply = demo_api.request("POST", path, token=made.token, body=b"lat=1",
                             headers={"Content-Type": "text/plain"})
    assert reply.status == 415
    body = json.dumps({"service_code": EXPOSED, "lat": 30.24, "long": 120.19}).encode()
    reply = demo_api.request("POST", path, token=made.token, body=body,
                             headers={"Content-Type": "application/json"})
    assert reply.status == 201
    xml = demo_api.request("POST", "/open311/requests.xml", token=made.token, body=b"{",
                           headers={"Content-Type": "application/json"})
    assert ET.fromstring(xml.body).find("error/error_code").text == "malformed_body"


def test_oversized_bodies_are_refused_before_parsing(demo_api):
    made = _token(demo_api, "report")
    before = len(demo_api.store.read_audit(limit=100_000))
    # announced too large: refused from the Content-Length, the body is never sent
    conn = http.client.HTTPConnection("127.0.0.1", demo_api.port, timeout=30)
    try:
        conn.putrequest("POST", "/api/v1/open311/requests.json")
        conn.putheader("Authorization", f"Bearer {made.token}")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(demo_api.max_body * 100))
        conn.endheaders()
        resp = conn.getresponse()
        assert resp.status == 413
        assert json.loads(resp.read())[0]["error_code"] == "body_too_large"
    finally:
        conn.close()
    # streamed without a length: refused once it passes the cap
    conn = http.client.HTTPConnection("127.0.0.1", demo_api.port, timeout=30)
    try:
        chunks = (b"description=" + b"x" * 8192 for _ in range(demo_api.max_body // 8192 + 2))
        conn.request("POST", "/api/v1/grids", body=chunks, encode_chunked=True,
                     headers={"Transfer-Encoding": "chunked", "Authorization": "Bearer x"})
        resp = conn.getresponse()
        assert resp.status == 413
        assert json.loads(resp.read())["error"]["code"] == "body_too_large"
    finally:
        conn.close()
    # nothing was admitted or audited: the bodies were refused before anything else
    assert len(demo_api.store.read_audit(limit=100_000)) == before


def test_unknown_paths_and_methods_answer_json(demo_api):
    reply = demo_api.get("/nothing")
    assert reply.status == 404 and _error(reply)["code"] == "not_found"
    reply = demo_api.request("DELETE", "/grids")
    assert reply.status == 405 and _error(reply)["code"] == "method_not_allowed"
