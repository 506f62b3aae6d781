"""Open311 GeoReport v2 routes of the JSON API (``/api/v1/open311/...``).

Services are the configured issue categories (``service_code`` = the category)
and subcategories (``category/subcategory``). A posted request is recorded by
:func:`gridmap.issues.report_issue`, the same path as a report made in the app:
routed to its grid and workers, with likely duplicates offered in the answer.
Read-back maps the 数字城管 status to Open311's ``open``/``closed`` and keeps the
full status in the extension fields ``gridmap_status`` and ``gridmap_status_zh``.
Every route answers JSON or, with ``.xml``, Open311 XML.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from gridmap import i18n, issues
from gridmap.issues import load_issue_config
from gridmap.model import IssueStatus
from gridmap.web.api import (
    ApiError,
    ReportIn,
    ReportOut,
    ServiceRequest,
    _admit,
    _json,
    _worker_rows,
    model_or_error,
    to_xml,
)

if TYPE_CHECKING:
    from starlette.requests import Request

    from gridmap.issues.categories import IssueConfig
    from gridmap.records.tokens import Call
    from gridmap.web.api import _Api

__all__ = ["get_request", "get_requests", "post_request", "services"]

#: Most requests one GET returns (the GeoReport v2 default cap).
MAX_REQUESTS = 1000
#: Default look-back of a GET without dates (days; GeoReport v2 suggests 90).
DEFAULT_DAYS = 90


def _fmt(request: Request) -> str:
    fmt = request.path_params.get("fmt", "json")
    if fmt not in ("json", "xml"):
        raise ApiError(404, "not_found", field="format", detail=str(fmt)[:10])
    return fmt


def _answer(rows: list[dict[str, Any]], fmt: str, root: str, item: str, *,
            status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, item, rows), status_code=status,
                        media_type="text/xml; charset=utf-8")
    return _json(rows, status=status)


def _service_rows(cfg: IssueConfig) -> list[dict[str, Any]]:
    rows = []
    for name, cat in cfg.categories.items():
        rows.append({
            "service_code": name, "service_name": name, "service_name_en": cat.en or None,
            "description": f"{name} ({cat.en})" if cat.en else name, "metadata": False,
            "type": "realtime", "keywords": "", "group": name,
            "time_limit_hours": cat.limit.hours,
        })
        for sub, (en, limit) in cat.subcategories.items():
            rows.append({
                "service_code": f"{name}/{sub}", "service_name": sub,
                "service_name_en": en or None,
                "description": f"{name} / {sub}" + (f" ({en})" if en else ""),
                "metadata": False, "type": "realtime", "keywords": "", "group": name,
                "time_limit_hours": limit.hours,
            })
    return rows


async def services(api: _Api, request: Request) -> Response:
    """List the issue categories and subcategories as Open311 services."""
    fmt = _fmt(request)
    await _admit(api, request, ("report", "read"))
    rows = _service_rows(load_issue_config())
    return _answer(rows, fmt, "services", "service")


def _split_code(code: str, cfg: IssueConfig) -> tuple[str, str | None]:
    category, _, sub = code.strip().partition("/")
    cat = cfg.categories.get(category.strip())
    if cat is None or (sub and sub.strip() not in cat.subcategories):
        raise ApiError(400, "unknown_service", field="service_code", detail=code[:100])
    return cat.name, (sub.strip() or None)


async def _read_form(request: Request) -> tuple[dict[str, Any], list[bytes]]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(await request.body())
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ApiError(400, "malformed_body", detail=str(err)[:120]) from None
        if not isinstance(data, dict):
            raise ApiError(400, "malformed_body", detail="a JSON object is expected")
        return data, []
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", field="Content-Type", detail=kind[:60])
    try:
        form = await request.form(max_files=5, max_fields=50)
    except Exception as err:  # python-multipart raises several kinds for broken bodies
        raise ApiError(400, "malformed_body", detail=str(err)[:120]) from None
    data: dict[str, Any] = {}
    photos: list[bytes] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == "media":
                photos.append(await value.read())
            continue
        data[key] = value
    await form.close()
    return data, photos


def _reporter(report: ReportIn, call: Call) -> str:
    name = " ".join(p for p in (report.first_name, report.last_name) if p and p.strip())
    contact = ", ".join(p for p in (report.phone, report.email) if p and p.strip())
    text = f"{name} ({contact})" if name and contact else (name or contact)
    assert call.user is not None
    return (text or call.user.username)[:100]


def _report(api: _Api, call: Call, report: ReportIn, photos: list[bytes]) -> dict[str, Any]:
    cfg = load_issue_config()
    category, subcategory = _split_code(report.service_code, cfg)
    description = (report.description or "").strip()
    if report.address_string:
        description += f"\n[address] {report.address_string.strip()}"
    if report.media_url:
        description += f"\n[media_url] {report.media_url.strip()}"
    assert call.user is not None
    result = issues.report_issue(
        api.store(), call.user, category=category, subcategory=subcategory,
        lon=report.long, lat=report.lat, crs=report.crs, description=description.strip(),
        reporter=_reporter(report, call), photos=photos, config=cfg,
    )
    duplicates = [
        {"service_request_id": str(d.code), "status": str(d.status),
         "distance_m": round(float(d.distance_m), 1)}
        for d in result.duplicates.itertuples()
    ]
    return {
        "service_request_id": result.code,
        "service_notice": i18n.t("api.open311.notice", "zh", grid=result.grid),
        "account_id": report.account_id,
        "expected_datetime": result.deadline.isoformat(),
        "grid": result.grid,
        "community": result.community,
        "workers": _worker_rows(result.workers, call),
        "near_boundary": result.route.flagged,
        "duplicates": duplicates,
        "lon": result.lon,
        "lat": result.lat,
    }


async def post_request(api: _Api, request: Request) -> Response:
    """Report an issue (Open311 POST requests)."""
    fmt = _fmt(request)
    data, photos = await _read_form(request)
    call = await _admit(api, request, "report", data)
    report = model_or_error(ReportIn, {k: v for k, v in data.items() if k != "api_key"})
    body = await run_in_threadpool(_report, api, call, report, photos)
    row = ReportOut.model_validate(body).model_dump(mode="json")
    return _answer([row], fmt, "service_requests", "request", status=201)


def _date_param(request: Request, name: str) -> pd.Timestamp | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        when = pd.Timestamp(raw)
    except (ValueError, TypeError):
        raise ApiError(400, "invalid_field", field=name, detail=raw[:40]) from None
    if pd.isna(when):
        raise ApiError(400, "invalid_field", field=name, detail=raw[:40])
    return when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")


def _request_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for record in frame.to_dict("records"):
        r = _clean(record)
        status = str(r["status"])
        code = r["category"] + (f"/{r['subcategory']}" if r.get("subcategory") else "")
        row = {
            "service_request_id": r["code"],
            "status": "closed" if status == IssueStatus.CLOSED.value else "open",
            "status_notes": None,
            "service_name": r.get("subcategory") or r["category"],
            "service_code": code,
            "description": r.get("description"),
            "agency_responsible": ", ".join(r.get("workers") or []) or None,
            "requested_datetime": r.get("reported_at"),
            "expected_datetime": r.get("deadline"),
            "lat": r.get("lat"),
            "long": r.get("lon"),
            "gridmap_status": status,
            "gridmap_status_zh": i18n.label(status, "zh"),
            "grid": r.get("grid"),
            "community": r.get("community"),
            "overdue": bool(r.get("overdue")),
        }
        rows.append(ServiceRequest.model_validate(_clean(row)).model_dump(mode="json"))
    return rows


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if isinstance(value, pd.Timestamp | dt.datetime):
            value = None if pd.isna(value) else value.isoformat()
        elif isinstance(value, float) and value != value:  # NaN
            value = None
        elif value is not None and not isinstance(value, str | bool | int | float | list):
            value = None if pd.isna(value) else value
        out[key] = value
    return out


def _list(api: _Api, call: Call, request: Request) -> list[dict[str, Any]]:
    assert call.user is not None
    frame = issues.list_issues(api.store(), call.user)
    ids = request.query_params.get("service_request_id")
    if ids:
        frame = frame[frame["code"].isin([i.strip() for i in ids.split(",") if i.strip()])]
    else:
        start = _date_param(request, "start_date")
        end = _date_param(request, "end_date")
        if start is None and end is None:
            start = pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=DEFAULT_DAYS)
        if start is not None:
            frame = frame[frame["reported_at"] >= start]
        if end is not None:
            frame = frame[frame["reported_at"] < end]
    service = request.query_params.get("service_code")
    if service:
        category, _, sub = service.partition("/")
        keep = frame["category"] == category
        if sub:
            keep &= frame["subcategory"] == sub
        frame = frame[keep]
    status = request.query_params.get("status")
    if status:
        if status not in ("open", "closed"):
            raise ApiError(400, "invalid_field", field="status", detail=status[:20])
        closed = frame["status"] == IssueStatus.CLOSED.value
        frame = frame[closed if status == "closed" else ~closed]
    return _request_rows(frame.head(MAX_REQUESTS))


async def get_requests(api: _Api, request: Request) -> Response:
    """List the reports in the token's scope (Open311 GET requests)."""
    fmt = _fmt(request)
    call = await _admit(api, request, "read")
    rows = await run_in_threadpool(_list, api, call, request)
    return _answer(rows, fmt, "service_requests", "request")


async def get_request(api: _Api, request: Request) -> Response:
    """Return one report (Open311 GET requests/{id})."""
    fmt = _fmt(request)
    call = await _admit(api, request, "read")
    wanted = request.path_params["request_id"]

    def one() -> list[dict[str, Any]]:
        assert call.user is not None
        frame = issues.list_issues(api.store(), call.user)
        return _request_rows(frame[frame["code"] == wanted])

    rows = await run_in_threadpool(one)
    if not rows:
        raise ApiError(404, "not_found", field="service_request_id", detail=wanted[:40])
    return _answer(rows, fmt, "service_requests", "request")
