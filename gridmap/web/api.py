"""The token-guarded JSON API (Starlette + pydantic), mounted at ``/api/v1``.

:func:`create_api` returns an ASGI app whose routes are relative, so it works on
its own and mounted (``Mount("/api/v1", app=create_api())``). The store is opened
on the first call (a mounted app's lifespan does not run) and closed by the app's
own lifespan when it runs on its own.

Routes (every one but ``openapi.json`` needs a token, see
:mod:`gridmap.records.tokens`)::

    GET  /openapi.json                      the OpenAPI 3.1 document
    GET  /open311/services.json|xml         issue categories as Open311 services
    POST /open311/requests.json|xml         report an issue (right: report)
    GET  /open311/requests.json|xml         reports (right: read)
    GET  /open311/requests/{id}.json|xml    one report (right: read)
    GET  /locate?lon=&lat=&crs=             community, grid, workers (right: read)
    GET  /grids?bbox=                       grids as GeoJSON (right: read)
    GET  /points/{layer}?bbox=              boards, fitness or bins as GeoJSON (right: read)

A token is sent as ``Authorization: Bearer <token>``, ``X-API-Key: <token>`` or
(Open311 style) an ``api_key`` query or form parameter. Errors are JSON
``{"error": {"code", "field", "message": {"zh", "en"}}}``; the Open311 routes
answer with the Open311 error list instead. Bodies over the size cap are
refused from their ``Content-Length``, or while they stream in, before any parsing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import math
import threading
import xml.etree.ElementTree as ET  # writing only; nothing is parsed
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import shapely
from pydantic import BaseModel, Field, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gridmap import i18n
from gridmap.crs import lonlat_to_wgs84
from gridmap.errors import GridmapError, InputError, NotFound, PermissionDenied, StoreError
from gridmap.issues import load_issue_config
from gridmap.issues.routing import route_point
from gridmap.locate import locate_points
from gridmap.model import POINT_KINDS
from gridmap.records import tokens
from gridmap.snapshot import mask_phone
from gridmap.store.features import read_layer_in_bbox

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from gridmap.records.tokens import Call
    from gridmap.store import Store

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ApiError", "create_api", "openapi_document"]

#: Largest request body accepted (bytes): a report with a few photos.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
_LOG = logging.getLogger(__name__)
#: Bytes of an over-long streamed body read and thrown away before answering 413.
_DRAIN_BYTES = 1024 * 1024

#: The path the API is mounted at (the OpenAPI ``servers`` entry).
MOUNT_PATH = "/api/v1"


class ApiError(Exception):
    """An API error: HTTP status, machine code, the field concerned and a zh/en message."""

    def __init__(self, status: int, code: str, *, field: str | None = None,
                 detail: str = "", headers: Mapping[str, str] | None = None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.field = field
        self.detail = detail
        self.headers = dict(headers or {})

    def message(self) -> dict[str, str]:
        """Return the message in Chinese and English (``api.error.<code>`` plus the detail)."""
        out = {}
        for lang in i18n.LANGS:
            text = i18n.t(f"api.error.{self.code}", lang, field=self.field or "")
            if text == f"api.error.{self.code}":
                text = i18n.t("api.error.input", lang)
            out[lang] = f"{text}: {self.detail}" if self.detail else text
        return out


_REFUSALS = {
    "token_missing": 401,
    "token_invalid": 401,
    "token_revoked": 401,
    "token_expired": 401,
    "right_missing": 403,
    "rate_limited": 429,
}


def _is_open311(path: str) -> bool:
    return "/open311/" in path


def _fmt_of(path: str) -> str:
    return "xml" if path.endswith(".xml") else "json"


def error_response(err: ApiError, path: str) -> Response:
    """Render an error as the API's JSON shape, or Open311's list (JSON or XML)."""
    message = err.message()
    headers = dict(err.headers)
    if _is_open311(path):
        rows = [{"code": err.status, "description": message["zh"],
                 "description_en": message["en"], "error_code": err.code, "field": err.field}]
        if _fmt_of(path) == "xml":
            return Response(to_xml("errors", "error", rows), status_code=err.status,
                            media_type="text/xml; charset=utf-8", headers=headers)
        return _json(rows, status=err.status, headers=headers)
    body = {"error": {"code": err.code, "field": err.field, "message": message}}
    return _json(body, status=err.status, headers=headers)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _jsonable(float(value))
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_jsonable(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def _json(body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    text = json.dumps(_jsonable(body), ensure_ascii=False, separators=(",", ":"))
    return Response(text.encode("utf-8"), status_code=status, headers=dict(headers or {}),
                    media_type="application/json")


# --------------------------------------------------------------------------- models

#: Coordinate systems accepted for positions (lon/lat only).
CRS_CHOICES: tuple[str, ...] = ("wgs84", "cgcs2000", "gcj02", "bd09")
CrsName = Literal["wgs84", "cgcs2000", "gcj02", "bd09"]


class Message(BaseModel):
    """A message in Chinese and English."""

    zh: str
    en: str


class ErrorDetail(BaseModel):
    """What went wrong: a machine code, the field concerned, a message."""

    code: str = Field(description="machine code, e.g. token_expired, invalid_field")
    field: str | None = Field(None, description="the parameter or field at fault")
    message: Message


class ErrorBody(BaseModel):
    """The error body of the non-Open311 routes."""

    error: ErrorDetail


class Open311Error(BaseModel):
    """One Open311 error (the Open311 routes answer with a list of them)."""

    code: int = Field(description="the HTTP status")
    description: str = Field(description="the message in Chinese")
    description_en: str = Field(description="extension: the message in English")
    error_code: str = Field(description="extension: machine code")
    field: str | None = Field(None, description="extension: the field at fault")


class Worker(BaseModel):
    """A grid worker responsible for a grid today."""

    name: str | None
    code: str | None
    role: str | None = Field(None, description="grid_head, full_time, part_time, volunteer")
    phone: str | None = Field(None, description="masked (138****5678) unless the token has "
                                                "the phones right")


class CodeName(BaseModel):
    """A code with its name."""

    code: str
    name: str | None = None


class LocateOut(BaseModel):
    """Where a position lies and who is responsible there."""

    lon: float = Field(description="WGS-84 longitude")
    lat: float = Field(description="WGS-84 latitude")
    crs: CrsName = Field(description="the coordinate system the position was given in")
    community: CodeName
    grid: CodeName
    workers: list[Worker]
    boundary_distance_m: float = Field(description="distance to the grid's boundary (m)")
    near_boundary: bool = Field(description="close enough to the boundary to confirm the grid")
    neighbours: list[str] = Field(description="other grids within the boundary distance")


class Service(BaseModel):
    """An Open311 service: an issue category or subcategory."""

    service_code: str = Field(description="category, or category/subcategory")
    service_name: str
    service_name_en: str | None = Field(None, description="extension: English name")
    description: str
    metadata: bool = False
    type: Literal["realtime", "batch", "blackbox"] = "realtime"
    keywords: str = ""
    group: str = Field(description="the category (大类)")
    time_limit_hours: float | None = Field(None, description="extension: 处置时限 (h)")


class ReportIn(BaseModel):
    """An Open311 service request (form fields, or a JSON object)."""

    service_code: str = Field(min_length=1, max_length=201)
    lat: float = Field(ge=-90, le=90)
    long: float = Field(ge=-180, le=180)
    crs: CrsName = Field("wgs84", description="extension: coordinate system of lat/long "
                                              "(gcj02 for Amap/Tencent, bd09 for Baidu)")
    description: str | None = Field(None, max_length=4000)
    media_url: str | None = Field(None, max_length=1000,
                                  description="kept as text; never fetched")
    first_name: str | None = Field(None, max_length=50)
    last_name: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30)
    device_id: str | None = Field(None, max_length=100)
    account_id: str | None = Field(None, max_length=100)
    address_string: str | None = Field(None, max_length=300)


class Duplicate(BaseModel):
    """An earlier report that is likely the same problem."""

    service_request_id: str
    status: str
    distance_m: float


class ReportOut(BaseModel):
    """The Open311 answer to a new request, with gridmap's routing as extensions."""

    service_request_id: str
    service_notice: str
    account_id: str | None = None
    expected_datetime: str | None = Field(None, description="the deadline (ISO 8601)")
    grid: str = Field(description="extension: the grid it was routed to")
    community: str = Field(description="extension: the grid's community")
    workers: list[Worker] = Field(description="extension: the grid's workers today")
    near_boundary: bool = Field(description="extension: the dispatcher should confirm the grid")
    duplicates: list[Duplicate] = Field(description="extension: likely duplicates")
    lon: float = Field(description="extension: WGS-84 longitude stored")
    lat: float = Field(description="extension: WGS-84 latitude stored")


class ServiceRequest(BaseModel):
    """An Open311 service request as read back."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None = None
    service_name: str
    service_code: str
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    requested_datetime: str | None = None
    updated_datetime: str | None = None
    expected_datetime: str | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None
    gridmap_status: str = Field(description="extension: the 数字城管 status (reported, "
                                            "registered, dispatched, handled, verified, "
                                            "closed, suspended, returned)")
    gridmap_status_zh: str = Field(description="extension: the status in Chinese (上报 ...)")
    grid: str | None = Field(None, description="extension: grid code")
    community: str | None = Field(None, description="extension: community code")
    overdue: bool = Field(False, description="extension: past its deadline and still open")


class Feature(BaseModel):
    """A GeoJSON feature (EPSG:4326)."""

    type: Literal["Feature"] = "Feature"
    id: str | None = None
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    """A GeoJSON feature collection (EPSG:4326)."""

    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]


# --------------------------------------------------------------------------- XML


def _xml_into(parent: ET.Element, key: str, value: Any) -> None:
    child = ET.SubElement(parent, key)
    if isinstance(value, Mapping):
        for k, v in value.items():
            _xml_into(child, str(k), v)
    elif isinstance(value, list):
        item = key[:-1] if key.endswith("s") else "item"
        for v in value:
            _xml_into(child, item, v)
    elif value is not None:
        child.text = str(value).lower() if isinstance(value, bool) else str(value)


def to_xml(root: str, item: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Render rows as Open311 XML: ``<root><item><key>value</key>…</item>…</root>``.

    Examples
    --------
    >>> to_xml("errors", "error", [{"code": 400}])[-48:]
    b'<errors><error><code>400</code></error></errors>'
    """
    top = ET.Element(root)
    for row in rows:
        element = ET.SubElement(top, item)
        for key, value in _jsonable(dict(row)).items():
            _xml_into(element, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8",
                                                                   xml_declaration=False)


# --------------------------------------------------------------------------- OpenAPI

_MODELS: tuple[type[BaseModel], ...] = (
    ErrorBody, Open311Error, Service, ReportIn, ReportOut, ServiceRequest, LocateOut,
    FeatureCollection,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _errors(*statuses: int, open311: bool = False) -> dict[str, Any]:
    schema = {"type": "array", "items": _ref(Open311Error)} if open311 else _ref(ErrorBody)
    out = {}
    for status in statuses:
        out[str(status)] = {
            "description": _STATUS_TEXT[status],
            "content": {"application/json": {"schema": schema}},
        }
    return out


_STATUS_TEXT = {
    400: "a parameter or field is missing or malformed",
    401: "no token, an unknown, revoked or expired token",
    403: "the token lacks the right, or the place is outside its scope",
    404: "no such thing, or the position lies outside every grid",
    413: "the body is over the size cap",
    429: "over the token's rate limit (see Retry-After)",
}


def _param(name: str, where: str, description: str, *, required: bool = False,
           schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


def _ok(model: type[BaseModel] | dict[str, Any], description: str, *,
        xml: bool = False, status: str = "200") -> dict[str, Any]:
    schema = _ref(model) if isinstance(model, type) else model
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if xml:
        content["text/xml"] = {"schema": {"type": "string"}}
    return {status: {"description": description, "content": content}}


def openapi(mount: str) -> dict[str, Any]:
    """Build the OpenAPI 3.1 document (schemas from the pydantic models)."""
    _, defs = models_json_schema([(m, "serialization") for m in _MODELS],
                                 ref_template="#/components/schemas/{model}")
    schemas = defs.get("$defs", {})
    fmt = _param("fmt", "path", "json or xml", required=True,
                 schema={"type": "string", "enum": ["json", "xml"]})
    bbox = _param("bbox", "query", "west,south,east,north in WGS-84 degrees")
    crs = _param("crs", "query", "coordinate system of lon/lat",
                 schema={"type": "string", "enum": list(CRS_CHOICES), "default": "wgs84"})
    geojson = _ok(FeatureCollection, "a GeoJSON FeatureCollection (EPSG:4326)")
    read_errors = _errors(400, 401, 403, 413, 429)
    o311_errors = _errors(400, 401, 403, 404, 413, 429, open311=True)
    services = {"type": "array", "items": _ref(Service)}
    requests = {"type": "array", "items": _ref(ServiceRequest)}
    report_out = {"type": "array", "items": _ref(ReportOut)}
    form = {"$ref": "#/components/schemas/ReportIn"}
    form_media = {
        "allOf": [form, {"type": "object", "properties": {
            "media": {"type": "string", "contentMediaType": "image/jpeg",
                      "description": "a photo (JPEG or PNG), stored without EXIF"}}}],
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gridmap API",
            "version": "1",
            "description": (
                "Report issues (Open311 GeoReport v2) and ask which grid and worker are at "
                "a point. Every call needs an API token created by an admin "
                "(`gridmap tokens create`). Errors carry a machine code, the field and a "
                "message in Chinese and English."
            ),
        },
        "servers": [{"url": mount}],
        "security": [{"bearer": []}, {"apiKeyHeader": []}, {"apiKeyQuery": []}],
        "paths": {
            "/open311/services.{fmt}": {"get": {
                "summary": "issue categories and subcategories as Open311 services",
                "operationId": "listServices",
                "parameters": [fmt],
                "responses": {**_ok(services, "the services", xml=True), **o311_errors},
            }},
            "/open311/requests.{fmt}": {
                "post": {
                    "summary": "report an issue; routed to its grid like a report in the app",
                    "operationId": "createRequest",
                    "parameters": [fmt],
                    "requestBody": {"required": True, "content": {
                        "application/x-www-form-urlencoded": {"schema": form},
                        "multipart/form-data": {"schema": form_media},
                        "application/json": {"schema": form},
                    }},
                    "responses": {**_ok(report_out, "the new request", xml=True,
                                        status="201"), **o311_errors},
                },
                "get": {
                    "summary": "reports in the token's scope, newest first",
                    "operationId": "listRequests",
                    "parameters": [
                        fmt,
                        _param("service_request_id", "query", "comma-separated ids"),
                        _param("service_code", "query", "only this service"),
                        _param("status", "query", "open or closed",
                               schema={"type": "string", "enum": ["open", "closed"]}),
                        _param("start_date", "query", "reported on or after (ISO 8601)"),
                        _param("end_date", "query", "reported before (ISO 8601)"),
                    ],
                    "responses": {**_ok(requests, "the requests", xml=True), **o311_errors},
                },
            },
            "/open311/requests/{service_request_id}.{fmt}": {"get": {
                "summary": "one report",
                "operationId": "getRequest",
                "parameters": [_param("service_request_id", "path", "the report's code",
                                      required=True), fmt],
                "responses": {**_ok(requests, "a list holding the request", xml=True),
                              **o311_errors},
            }},
            "/locate": {"get": {
                "summary": "community, grid and current workers at a position",
                "operationId": "locate",
                "parameters": [
                    _param("lon", "query", "longitude", required=True,
                           schema={"type": "number"}),
                    _param("lat", "query", "latitude", required=True,
                           schema={"type": "number"}),
                    crs,
                ],
                "responses": {**_ok(LocateOut, "where the position lies"),
                              **_errors(400, 401, 403, 404, 429)},
            }},
            "/grids": {"get": {
                "summary": "grids in the token's scope as GeoJSON",
                "operationId": "grids",
                "parameters": [bbox],
                "responses": {**geojson, **read_errors},
            }},
            "/points/{layer}": {"get": {
                "summary": "a point layer in the token's scope as GeoJSON",
                "operationId": "points",
                "parameters": [
                    _param("layer", "path", "the point layer", required=True,
                           schema={"type": "string", "enum": list(POINT_KINDS)}),
                    bbox,
                ],
                "responses": {**geojson, **read_errors},
            }},
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
            },
        },
    }


# --------------------------------------------------------------------------- body cap


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` before the app parses them.

    A ``Content-Length`` over the cap is refused at once; otherwise the body is read
    (stopping as soon as it passes the cap) and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        length = None
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                length = value.decode("latin-1").strip()
        if length is not None:
            if not length.isdigit():
                err = ApiError(400, "malformed_body", field="Content-Length")
                await error_response(err, path)(scope, receive, send)
                return
            if int(length) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                # discard (never parse) a bounded rest, so the client gets to read the 413
                # instead of a reset connection; a longer body is cut off by closing
                rest = message.get("more_body", False)
                drained = 0
                while rest and drained < _DRAIN_BYTES:
                    message = await receive()
                    drained += len(message.get("body", b""))
                    rest = message.get("more_body", False) and message["type"] != "http.disconnect"
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        err = ApiError(413, "body_too_large", detail=f"> {self.max_bytes} bytes")
        response = error_response(err, scope.get("path", ""))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


# --------------------------------------------------------------------------- context


class _Api:
    """The app's state: store URL, lazily opened store, body cap."""

    def __init__(self, store_url: str | None, max_body_bytes: int):
        self.store_url = store_url
        self.max_body_bytes = max_body_bytes
        self._store: Store | None = None
        self._lock = threading.Lock()

    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from gridmap.store import open_store

                    self._store = open_store(self.store_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _secret(request: Request, form: Mapping[str, Any] | None = None) -> str | None:
    auth_header = request.headers.get("authorization", "")
    if auth_header[:7].lower() == "bearer " and auth_header[7:].strip():
        return auth_header[7:].strip()
    for value in (request.headers.get("x-api-key"), request.query_params.get("api_key"),
                  None if form is None else form.get("api_key")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _note(request: Request) -> str:
    query = "&".join(f"{k}={v}" for k, v in request.query_params.multi_items() if k != "api_key")
    path = request.url.path
    return f"{request.method} {path}" + (f"?{query}" if query else "")


async def _admit(api: _Api, request: Request, right: str | Sequence[str],
                 form: Mapping[str, Any] | None = None) -> Call:
    secret = _secret(request, form)
    call = await run_in_threadpool(
        tokens.admit, api.store(), secret, right=right, note=_note(request)[:500]
    )
    if call.refused is not None:
        headers = {}
        if call.refused == "rate_limited":
            headers["Retry-After"] = str(call.retry_after_s)
        elif _REFUSALS[call.refused] == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="gridmap"'
        raise ApiError(_REFUSALS[call.refused], call.refused, headers=headers)
    return call


def _float_param(request: Request, name: str, *, required: bool = True) -> float | None:
    raw = request.query_params.get(name)
    if raw is None or not raw.strip():
        if required:
            raise ApiError(400, "missing_field", field=name)
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(400, "invalid_field", field=name, detail=raw[:50]) from None
    if not math.isfinite(value):
        raise ApiError(400, "invalid_field", field=name, detail=raw[:50])
    return value


def _crs_param(value: str | None, field: str = "crs") -> str:
    crs = (value or "wgs84").strip().lower()
    if crs not in CRS_CHOICES:
        raise ApiError(400, "invalid_field", field=field, detail=crs[:30])
    return crs


def _bbox_param(request: Request) -> tuple[float, float, float, float] | None:
    raw = request.query_params.get("bbox")
    if raw is None or not raw.strip():
        return None
    parts = raw.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ApiError(400, "invalid_field", field="bbox", detail=raw[:80]) from None
    ok = all(math.isfinite(v) for v in (west, south, east, north))
    if not ok or west > east or south > north:
        raise ApiError(400, "invalid_field", field="bbox", detail=raw[:80])
    return west, south, east, north


def _worker_rows(workers: list[dict[str, Any]], call: Call) -> list[dict[str, Any]]:
    phones = call.has("phones")
    return [
        {"name": w.get("name"), "code": w.get("code"), "role": w.get("role"),
         "phone": w.get("phone") if phones else mask_phone(w.get("phone"))}
        for w in workers
    ]


# --------------------------------------------------------------------------- locate, GeoJSON


def _locate(api: _Api, call: Call, lon: float, lat: float, crs: str) -> dict[str, Any]:
    store = api.store()
    try:
        x, y = lonlat_to_wgs84(lon, lat, crs, what="the position")
    except InputError as err:
        raise ApiError(400, "invalid_field", field="lon", detail=str(err)) from None
    cfg = load_issue_config()
    grids = store.read_layer("grids")
    try:
        route = route_point(shapely.Point(x, y), grids, boundary_flag_m=cfg.boundary_flag_m)
    except InputError as err:
        raise ApiError(404, "outside_grids", detail=str(err)) from None
    assert call.user is not None
    if not call.user.in_scope(route.community):
        raise ApiError(403, "out_of_scope")
    communities = store.read_layer("communities")
    community_name = dict(zip(communities["code"], communities["name"], strict=True))
    grid_name = dict(zip(grids["code"], grids["name"], strict=True))
    day = cfg.working_hours.local(dt.datetime.now(dt.UTC)).date()
    return {
        "lon": x,
        "lat": y,
        "crs": crs,
        "community": {"code": route.community, "name": community_name.get(route.community)},
        "grid": {"code": route.grid, "name": grid_name.get(route.grid)},
        "workers": _worker_rows(store.workers_of(route.grid, on=day), call),
        "boundary_distance_m": round(route.boundary_distance_m, 2),
        "near_boundary": route.flagged,
        "neighbours": list(route.neighbours),
    }


_GRID_PROPERTIES = ("code", "name", "community", "community_name", "households", "residents")


def _feature_collection(frame: Any, properties: Sequence[str]) -> dict[str, Any]:
    features = []
    for row, geom in zip(frame[list(properties)].to_dict("records"), frame.geometry, strict=True):
        features.append({
            "type": "Feature",
            "id": row.get("code"),
            "geometry": None if geom is None else shapely.geometry.mapping(geom),
            "properties": _jsonable(row),
        })
    return {"type": "FeatureCollection", "features": features}


def _exact(frame: Any, bbox: tuple[float, float, float, float] | None) -> Any:
    if bbox is None or frame.empty:
        return frame
    box = shapely.box(*bbox)
    return frame[shapely.intersects(frame.geometry.to_numpy(), box)]


def _grids(api: _Api, call: Call, bbox: tuple[float, float, float, float] | None) -> dict:
    store = api.store()
    grids = _exact(read_layer_in_bbox(store, "grids", bbox), bbox)
    assert call.user is not None
    if call.user.scope is not None:
        grids = grids[grids["community"].isin(call.user.scope)]
    communities = store.read_layer("communities")
    names = dict(zip(communities["code"], communities["name"], strict=True))
    grids = grids.assign(community_name=[names.get(c) for c in grids["community"]])
    return _feature_collection(grids, _GRID_PROPERTIES)


def _points(api: _Api, call: Call, layer: str,
            bbox: tuple[float, float, float, float] | None) -> dict:
    from gridmap.model import layer_spec

    store = api.store()
    points = _exact(read_layer_in_bbox(store, layer, bbox), bbox)
    grids = store.read_layer("grids")
    located = locate_points(points, grids, column="code") if len(points) else []
    community_of = dict(zip(grids["code"], grids["community"], strict=True))
    points = points.assign(grid=list(located),
                           community=[community_of.get(g) for g in located])
    assert call.user is not None
    if call.user.scope is not None:
        points = points[points["community"].isin(call.user.scope)]
    names = [c.name for c in layer_spec(layer).columns]
    return _feature_collection(points, [*names, "grid", "community"])


# --------------------------------------------------------------------------- endpoints


def _handler(api: _Api, func: Callable[..., Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        try:
            return await func(api, request)
        except ApiError as err:
            return error_response(err, request.url.path)
        except PermissionDenied as err:
            return error_response(ApiError(403, "out_of_scope", detail=str(err)), request.url.path)
        except NotFound as err:
            return error_response(ApiError(404, "not_found", detail=str(err)), request.url.path)
        except InputError as err:
            return error_response(ApiError(400, "invalid_input", detail=str(err)),
                                  request.url.path)
        except StoreError as err:
            return error_response(ApiError(503, "store_unavailable", detail=str(err)),
                                  request.url.path)
        except GridmapError as err:
            return error_response(ApiError(400, "invalid_input", detail=str(err)),
                                  request.url.path)
        except Exception:  # a bug: logged with its traceback, answered in the API's shape
            _LOG.exception("API error in %s %s", request.method, request.url.path)
            return error_response(ApiError(500, "internal_error"), request.url.path)

    endpoint.__name__ = func.__name__
    return endpoint


async def openapi_json(api: _Api, request: Request) -> Response:
    """Serve the OpenAPI 3.1 document of this API."""
    return _json(openapi_document())


async def locate(api: _Api, request: Request) -> Response:
    """Answer which community, grid and workers are at a position."""
    call = await _admit(api, request, "read")
    lon = _float_param(request, "lon")
    lat = _float_param(request, "lat")
    crs = _crs_param(request.query_params.get("crs"))
    body = await run_in_threadpool(_locate, api, call, lon, lat, crs)
    return _json(LocateOut.model_validate(body).model_dump(mode="json"))


async def grids(api: _Api, request: Request) -> Response:
    """Serve the grids as GeoJSON, in the token's scope, optionally inside a bounding box."""
    call = await _admit(api, request, "read")
    bbox = _bbox_param(request)
    return _json(await run_in_threadpool(_grids, api, call, bbox))


async def points(api: _Api, request: Request) -> Response:
    """Serve a point layer as GeoJSON, in the token's scope, optionally inside a bounding box."""
    layer = request.path_params["layer"]
    if layer not in POINT_KINDS:
        raise ApiError(404, "not_found", field="layer", detail=layer[:30])
    call = await _admit(api, request, "read")
    bbox = _bbox_param(request)
    return _json(await run_in_threadpool(_points, api, call, layer, bbox))


def create_api(store_url: str | None = None, *,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> ASGIApp:
    """Return the JSON API as an ASGI app (Starlette), to run alone or mount at ``/api/v1``.

    Parameters
    ----------
    store_url
        The store (default: :func:`gridmap.store.default_url`, i.e. ``GRIDMAP_DB``);
        opened on the first call.
    max_body_bytes
        Largest request body accepted; larger ones get ``413`` before parsing.

    Returns
    -------
    ASGI app
        A :class:`starlette.applications.Starlette` app wrapped in the body cap.
    """
    from gridmap.web import open311

    api = _Api(store_url, max_body_bytes)

    def route(path: str, func: Callable[..., Any], methods: list[str]) -> Route:
        return Route(path, _handler(api, func), methods=methods)

    routes = [
        route("/openapi.json", openapi_json, ["GET"]),
        route("/open311/services.{fmt}", open311.services, ["GET"]),
        route("/open311/requests.{fmt}", open311.post_request, ["POST"]),
        route("/open311/requests.{fmt}", open311.get_requests, ["GET"]),
        route("/open311/requests/{request_id}.{fmt}", open311.get_request, ["GET"]),
        route("/locate", locate, ["GET"]),
        route("/grids", grids, ["GET"]),
        route("/points/{layer}", points, ["GET"]),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        code = "method_not_allowed" if status == 405 else "not_found"
        return error_response(ApiError(status, code), request.url.path)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        api.close()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: not_found})
    app.state.api = api
    return BodyLimit(app, max_body_bytes)


# --------------------------------------------------------------------------- OpenAPI


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the API, its schemas generated from the models.

    Returns
    -------
    dict
        The document (``servers`` is ``/api/v1``).
    """
    return openapi(MOUNT_PATH)


def validation_error(err: ValidationError) -> ApiError:
    """Turn the first pydantic error into an :class:`ApiError` naming its field."""
    first = err.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or None
    code = "missing_field" if first.get("type") == "missing" else "invalid_field"
    return ApiError(400, code, field=field, detail=str(first.get("msg", ""))[:200])


def model_or_error(model: type[BaseModel], data: Mapping[str, Any]) -> Any:
    """Validate ``data`` with ``model``, raising :class:`ApiError` on the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise validation_error(err) from None
