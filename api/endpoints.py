"""The API's endpoints: each parses its parameters strictly, asks the service layer as the request's
caller, and answers JSON carrying status, source and vintage with every value.

One wrapper (`endpoint`) gives every endpoint the same guarantees: the query string is bounded, unknown
parameters are refused with the allowed ones listed, a request without identity gets 401, a refusal 403,
a bad value 400 in Vietnamese and English, an unexpected error 500 with an incident id (never a
traceback), and an unchanged answer 304 against its ETag (the data version, the question, the caller's
view). Every call is one audit event: a read (`api_read`) or a denial.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response

import service
from api import responses as R
from api.identity import OidcReader, RequestIdentity, identify
from indicators.area import Area, BadRequest, Period
from service.access import AccessDenied, NotSignedIn, may_see_commune, place_name, require_commune_rows
from service.audit import Caller, record, record_denied
from service.data_access import known_indicators
from service.metadata import catalogue, data_until, sector_table
from service.versions import NoDataError, served_version

LOG = logging.getLogger("hanoi_kpi.api")
MAX_QUERY = 2048
"""Bytes of query string an API request may carry (a longer one is refused before anything runs)."""


@dataclass(frozen=True)
class Param:
    """A documented query parameter (the OpenAPI document and the strict parser both read these)."""

    name: str
    description: str
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Endpoint:
    """A documented API endpoint: path, summary, parameters and the handler behind it."""

    path: str
    summary: str
    params: tuple[Param, ...]
    handler: Callable[[Caller, dict[str, str], str], Any]
    needs_identity: bool = True
    response_schema: str = ""


ENDPOINTS: list[Endpoint] = []


def _bad(bad: BadRequest) -> Response:
    return R.error(400, "bad_request", bad.message_vi, bad.message_en, bad.allowed)


def parse_query(request: Request, params: tuple[Param, ...]) -> dict[str, str]:
    """The query as name -> value; BadRequest for an unknown or repeated parameter, or a missing one."""
    allowed = {p.name for p in params}
    items = request.query_params.multi_items()
    names = [k for k, _ in items]
    unknown = sorted({k for k in names if k not in allowed})
    if unknown:
        shown = ", ".join(u[:30] for u in unknown[:5])
        raise BadRequest(f"Tham số không được dùng ở đây: {shown}.", f"Parameter(s) not accepted here: {shown}.",
                         ", ".join(sorted(allowed)) or "(none)")
    repeated = sorted({k for k in names if names.count(k) > 1})
    if repeated:
        raise BadRequest(f"Tham số bị lặp: {', '.join(repeated)}.", f"Repeated parameter(s): {', '.join(repeated)}.",
                         "each parameter once")
    query = dict(items)
    missing = [p.name for p in params if p.required and not query.get(p.name, "").strip()]
    if missing:
        raise BadRequest(f"Thiếu tham số: {', '.join(missing)}.", f"Missing parameter(s): {', '.join(missing)}.",
                         ", ".join(missing))
    return query


def run_endpoint(endpoint: Endpoint, request: Request, oidc_reader: OidcReader | None, oidc_configured: bool
                 ) -> Response:
    """Everything an endpoint shares; see the module docstring."""
    if len(request.scope.get("query_string", b"")) > MAX_QUERY:
        return R.error(414, "query_too_long", f"Chuỗi tham số dài quá {MAX_QUERY} byte.",
                       f"The query string is longer than {MAX_QUERY} bytes.")
    who: RequestIdentity = identify(request, oidc_reader, oidc_configured)
    caller = who.caller
    if endpoint.needs_identity and not who.signed_in:
        record_denied(caller, endpoint.path, {"query": str(request.url.query)[:200]},
                      who.refused or "no identity")
        denied = NotSignedIn()
        return R.error(401, "not_signed_in", denied.message_vi, denied.message_en)
    try:
        query = parse_query(request, endpoint.params)
        query.update({f"_{k}": str(v) for k, v in request.path_params.items()})
        version = served_version()
    except BadRequest as bad:
        record_denied(caller, endpoint.path, {"query": str(request.url.query)[:200]}, bad.message_en)
        return _bad(bad)
    except NoDataError:
        return R.error(503, "no_data", "Chưa có dữ liệu được công bố.", "No data has been published yet.")
    caller = caller.pinned(version)
    principal = caller.principal
    tag = R.etag_for(request, version, f"{principal.user}|{principal.role}|{principal.commune}")
    if R.not_modified(request, tag):
        record(caller, "api_read", {"read": endpoint.path, "not_modified": True}, 0, version)
        return R.unchanged(tag)
    try:
        body = endpoint.handler(caller, query, version)
    except NotSignedIn as denied:
        return R.error(401, "not_signed_in", denied.message_vi, denied.message_en)
    except AccessDenied as denied:  # recorded by the service layer's hook
        return R.error(403, "forbidden", denied.message_vi, denied.message_en)
    except BadRequest as bad:
        record_denied(caller, endpoint.path, query, bad.message_en)
        return _bad(bad)
    except Exception as exc:  # noqa: BLE001 - never a traceback to a client: an incident id
        incident = uuid.uuid4().hex[:10]
        LOG.error("incident %s on %s", incident, endpoint.path, exc_info=exc)
        record(caller, "incident", {"read": endpoint.path, **query, "incident": incident, "error": type(exc).__name__},
               None, version)
        return R.error(500, "internal_error", f"Lỗi máy chủ; mã sự cố {incident}.",
                       f"Server error; incident id {incident}.", incident=incident)
    if isinstance(body, Response):
        return body
    return R.cached_json(body, tag)


def api(path: str, summary: str, *params: Param, needs_identity: bool = True, response_schema: str = ""):
    """Declare an endpoint (documented from its declaration: a test fails when one is undocumented)."""
    def wrap(handler: Callable[[Caller, dict[str, str], str], Any]):
        ENDPOINTS.append(Endpoint(path, summary, tuple(params), handler, needs_identity, response_schema))
        return handler
    return wrap


# --- parameters ------------------------------------------------------------------------------------------
AREA = Param("area", "city (default), a commune's 5-digit code, phuong (every ward) or xa (every rural commune)",
             example="10417")
GRAIN = Param("grain", "month (default), quarter, year or ytd (year to date)", example="month")
PERIOD = Param("period", "the month the period ends with, YYYY-MM (YYYY for grain=year); default the last month "
               "with data", example="2026-10")
SECTORS = Param("sectors", "comma-separated VSIC 2018 section letters; only KPIs with a sector breakdown respond",
                example="J,M")
INDICATOR = Param("indicator", "an indicator code from /api/v1/indicators", required=True, example="unemployment_rate")
FROM = Param("from", "first month, YYYY-MM (default: the first month with data)", example="2024-01")
TO = Param("to", "last month, YYYY-MM (default: the last month with data)", example="2026-10")


def _sectors(text: str | None) -> tuple[str, ...]:
    codes = tuple(s.strip().upper() for s in (text or "").split(",") if s.strip())
    valid = set(sector_table()["code"])
    unknown = [c for c in codes if c not in valid]
    if unknown:
        shown = ", ".join(u[:5] for u in unknown[:5])
        raise BadRequest(f"Ngành không có trong VSIC 2018: {shown}.", f"Not a VSIC 2018 section: {shown}.",
                         ", ".join(sorted(valid)))
    return tuple(dict.fromkeys(codes))


def language(query: dict[str, str]) -> str:
    """The `lang` parameter: vi (default) or en."""
    lang = query.get("lang", "vi")
    if lang not in ("vi", "en"):
        raise BadRequest("Ngôn ngữ: vi hoặc en.", "Language: vi or en.", "vi | en")
    return lang


def _period(query: dict[str, str], version: str) -> Period:
    return Period.parse(query.get("grain"), query.get("period"), default_end=data_until(version))


def _month(text: str | None, name: str) -> pd.Timestamp | None:
    if not text:
        return None
    period = Period.parse("month", text)
    return period.end


def area_json(area: Area) -> dict[str, Any]:
    name_vi = {"city": "Toàn thành phố", "group": place_name(area.code, "vi")}.get(area.kind)
    name_en = {"city": "Whole city", "group": place_name(area.code, "en")}.get(area.kind)
    if area.is_commune:
        name_vi, name_en = place_name(area.code, "vi"), place_name(area.code, "en")
    return {"key": area.key, "kind": area.kind, "name_vi": name_vi, "name_en": name_en}


def period_json(period: Period, version: str) -> dict[str, Any]:
    start, end = period.clamped(pd.Timestamp(2020, 1, 1), data_until(version)).window()
    return {"grain": period.grain, "start": R.month(start), "end": R.month(end)}


def _indicator_json(ind) -> dict[str, Any]:
    return {"code": ind.code, "name_vi": ind.name_vi, "name_en": ind.name_en, "unit_vi": ind.unit,
            "unit_en": ind.unit_en, "direction": ind.direction, "frequency": ind.frequency}


def _target_json(target) -> dict[str, Any] | None:
    if target is None:
        return None
    return {"low": target.low, "high": target.high, "direction": target.direction, "year": target.year,
            "inherited": target.inherited, "status": target.status, "source": target.source}


def scorecard_row_json(row) -> dict[str, Any]:
    """One KPI of a scorecard: value and what it rests on, target and verdict."""
    a = row.assessment
    return {
        "indicator": _indicator_json(row.indicator),
        "value": row.value, "se": row.se, "suppressed": row.suppressed,
        "period": {"grain": row.grain, "start": R.month(row.period), "end": R.month(row.last_month),
                   "months": row.n_months},
        "previous": row.previous, "year_ago": row.year_ago, "year_to_date": row.ytd,
        "target_2030": _target_json(row.target),
        "plan": None if row.plan is None else {"year": row.plan.year, "value": row.plan.low, "status": row.plan.status,
                                                "source": row.plan.source},
        "verdict": {"status": a.status, "basis": a.basis, "probability": a.probability,
                    "projected_2030": a.projected_2030, "share_of_target": a.share_of_target},
        "status": row.data_status, "source": row.source, "vintage": row.vintage,
        "provisional": row.provisional, "mapped_from_old_units": row.mapped_from_old,
        "sector_filtered": row.sector_filtered,
    }


# --- endpoints -------------------------------------------------------------------------------------------
@api("/api/v1/health", "Liveness: the server answers and which data version it serves (no figures).",
     needs_identity=False, response_schema="Health")
def health(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    return {"status": "ok", "version": version}


@api("/api/v1/version", "The served data version, when it was published, its last month and whether it is demo data.",
     response_schema="Version")
def version_endpoint(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    info = service.version_info(caller)
    demo = info.real_rows == 0
    return {"version": info.version, "published_at": info.created_at.isoformat(), "data_until": R.month(info.data_until),
            "kind": info.kind, "real_rows": info.real_rows, "demo": demo,
            "status_note_vi": "Dữ liệu minh họa (demo), không phải số liệu chính thức." if demo else "",
            "status_note_en": "Demonstration data, not official statistics." if demo else ""}


@api("/api/v1/indicators", "The catalogue: names (vi, en), definitions, units, sources and the city's 2030 targets.",
     response_schema="Indicators")
def indicators_endpoint(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    return {"version": version, "indicators": service.indicators(caller)}


@api("/api/v1/scorecard", "Every KPI for an area and period, with target, verdict, status, source and vintage.",
     AREA, GRAIN, PERIOD, SECTORS, response_schema="Scorecard")
def scorecard_endpoint(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    area, period, sectors = Area.parse(query.get("area")), _period(query, version), _sectors(query.get("sectors"))
    rows = service.scorecard(caller, area, period, sectors)
    return {"version": version, "area": area_json(area), "period": period_json(period, version),
            "sectors": list(sectors), "indicators": [scorecard_row_json(r) for r in rows]}


def _point_json(rec: dict) -> dict[str, Any]:
    return {"period": R.month(rec.get("period")), "end": R.month(rec.get("last_month")),
            "months": rec.get("n_months"), "value": rec.get("value"), "se": rec.get("se"),
            "suppressed": bool(rec.get("suppressed") or False), "status": rec.get("status"),
            "source": rec.get("source"), "vintage": rec.get("vintage"),
            "provisional": bool(rec.get("provisional") or False)}


@api("/api/v1/series", "One KPI over time for an area, at a grain, between two months.",
     INDICATOR, AREA, GRAIN, FROM, TO, SECTORS, response_schema="Series")
def series_endpoint(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    area = Area.parse(query.get("area"))
    grain = Period.parse(query.get("grain"), "2020-01").grain
    start, end = _month(query.get("from"), "from"), _month(query.get("to"), "to")
    if start is not None and end is not None and start > end:
        raise BadRequest("Tháng bắt đầu sau tháng kết thúc.", "'from' is after 'to'.", "from <= to")
    for month in (start, end):
        if month is not None:
            Period("month", month).clamped(pd.Timestamp(2020, 1, 1), data_until(version))
    code = query["indicator"].strip()
    frame = service.series(caller, (code,), area, grain, start, end, _sectors(query.get("sectors")))
    ind = catalogue().get(known_indicators(version, code)[0])
    return {"version": version, "indicator": _indicator_json(ind), "area": area_json(area), "grain": grain,
            "points": [_point_json(rec) for rec in frame.to_dict("records")]}


@api("/api/v1/map", "One KPI in every commune the caller may see, for a period.", INDICATOR, GRAIN, PERIOD, SECTORS,
     response_schema="Map")
def map_endpoint(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    require_commune_rows(caller.principal)
    period = _period(query, version)
    code = query["indicator"].strip()
    frame = service.map_values(caller, code, period, _sectors(query.get("sectors")))
    communes = []
    for rec in frame.to_dict("records"):
        if not may_see_commune(caller.principal, rec["code"]):
            continue
        communes.append({"code": rec["code"], "name_vi": rec["name_vi"], "name_en": rec["name_en"], "type": rec["type"],
                         "value": rec.get("value"), "rank": rec.get("rank"), "se": rec.get("se"),
                         "suppressed": bool(rec.get("suppressed") or False), "status": rec.get("status"),
                         "source": rec.get("source"), "vintage": rec.get("vintage")})
    return {"version": version, "indicator": _indicator_json(catalogue().get(code)),
            "period": period_json(period, version), "communes": communes}


@api("/api/v1/forecast", "The 2030 forecast of one KPI for an area: expected value, intervals, probability of the "
     "target, the verdict it implies, and the fan.", INDICATOR, AREA, response_schema="Forecast")
def forecast_endpoint(caller: Caller, query: dict[str, str], version: str) -> dict[str, Any]:
    area = Area.parse(query.get("area"))
    code = query["indicator"].strip()
    ind = catalogue().get(known_indicators(version, code)[0])
    rows = service.forecasts(caller, area)
    found = rows[rows["indicator"] == code]
    paths = service.forecast_paths(caller, code, area) if not found.empty else pd.DataFrame()
    forecast = None if found.empty else {k: v for k, v in found.iloc[0].to_dict().items()}
    return {"version": version, "indicator": _indicator_json(ind), "area": area_json(area), "forecast": forecast,
            "paths": [{"period": R.month(p["period"]), "kind": p["kind"], "value": p.get("value"),
                       **{q: p.get(q) for q in ("q025", "q10", "q50", "q90", "q975") if q in p}}
                      for p in paths.to_dict("records")]}
